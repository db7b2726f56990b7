"""The ECS cluster: Container Insights, ECS Exec sessions encrypted and logged to their own log
group where configured, and the capacity providers the environment names."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.ecs_cluster import EcsCluster
from cdktf_cdktf_provider_aws.ecs_cluster_capacity_providers import EcsClusterCapacityProviders
from constructs import Construct

from hipaa_platform.building.naming import Namer
from hipaa_platform.config import Compute, Decisions
from hipaa_platform.gate.acceptances import accept_decision
from modules.shared.log_group import EncryptedLogGroup


def ecs_cluster(
    scope: Construct,
    *,
    compute: Compute,
    decisions: Decisions,
    session_log_retention_days: int,
    namer: Namer,
    log_key: str,
    kms_key_arn: str,
    ephemeral_storage_key_arn: str | None = None,
    ec2_capacity_providers: tuple[str, ...] = (),
) -> tuple[EcsCluster, EncryptedLogGroup | None, EcsClusterCapacityProviders | None]:
    """The cluster, the ECS Exec session log group when session logging is on, and the cluster's capacity
    providers when it names any. `ec2_capacity_providers`: names of EC2 capacity providers to attach
    besides the configured Fargate ones."""
    configuration: dict[str, object] = {}
    exec_logs = None
    if compute.execute_command_logging:
        exec_logs = EncryptedLogGroup(
            scope,
            "exec-logs",
            name=namer.log_group("ecs-exec"),
            retention_days=session_log_retention_days,
            kms_key_arn=log_key,
        )
        configuration |= {
            "execute_command_configuration": {
                "kms_key_id": kms_key_arn,
                "logging": "OVERRIDE",
                "log_configuration": {
                    "cloud_watch_log_group_name": exec_logs.name,
                    "cloud_watch_encryption_enabled": True,
                },
            }
        }
    if ephemeral_storage_key_arn:
        # Every Fargate task's ephemeral storage in the cluster, with the environment's own key.
        configuration |= {
            "managed_storage_configuration": {"fargate_ephemeral_storage_kms_key_id": ephemeral_storage_key_arn}
        }
    cluster = EcsCluster(
        scope,
        "cluster",
        name=compute.cluster_name,
        setting=[{"name": "containerInsights", "value": "enabled" if compute.container_insights else "disabled"}],
        configuration=configuration or None,
    )
    if not compute.container_insights:
        accept_decision(cluster, decisions, "container_insights_off")
    names = [*compute.capacity_providers, *ec2_capacity_providers]
    providers = (
        EcsClusterCapacityProviders(scope, "capacity-providers", cluster_name=cluster.name, capacity_providers=names)
        if names
        else None
    )
    return cluster, exec_logs, providers

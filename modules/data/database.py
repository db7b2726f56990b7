"""The environment's database: an Aurora Serverless v2 cluster, or an RDS instance (PostgreSQL or
MySQL) with its automated backups copied to a second region where configured, in the subnets where
the data stores sit. The environment's decisions on the instance (single AZ, no Performance
Insights) are accepted on it with their reasons."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hipaa_platform.building.layer_stack import LayerStack
from hipaa_platform.config import Networking
from hipaa_platform.config.aws_limits import PERFORMANCE_INSIGHTS_UNSUPPORTED
from hipaa_platform.contracts.networking import NetworkingOutputs
from hipaa_platform.contracts.security import SecurityOutputs
from hipaa_platform.gate.acceptances import accept_decision
from modules.data.aurora import AuroraServerlessCluster
from modules.data.backup_replication import CrossRegionBackups
from modules.data.rds_instance import RdsInstance


@dataclass(frozen=True)
class StoreSubnets:
    """Where data stores sit: the isolated tier where the network has one, else the private tier."""

    tier: str
    subnet_ids: list[str]
    availability_zones: list[str]

    @classmethod
    def of(cls, networking: Networking, network: NetworkingOutputs) -> StoreSubnets:
        isolated = bool(networking.isolated_subnets)
        return cls(
            tier="isolated" if isolated else "private",
            subnet_ids=network.isolated_subnet_ids if isolated else network.private_subnet_ids,
            availability_zones=[s.az for s in (networking.isolated_subnets or networking.private_subnets)],
        )


def environment_database(
    stack: LayerStack,
    *,
    stores: StoreSubnets,
    security: SecurityOutputs,
    key: Callable[[str], str],
    account: str,
    partition: str,
) -> AuroraServerlessCluster | RdsInstance:
    """`key`: the ARN of the key for a purpose (security.key_purposes)."""
    env, disposable = stack.environment, stack.context.target.disposable
    if env.data.aurora:
        config = env.data.aurora
        return AuroraServerlessCluster(
            stack,
            "aurora",
            config=config,
            subnet_ids=stores.subnet_ids,
            subnet_tier=stores.tier,
            availability_zones=stores.availability_zones,
            security_group_id=security.database_security_group_id,
            kms_key_arn=key(config.kms_key),
            log_key_arn=key(env.security.log_key),
            monitoring_role_arn=security.rds_monitoring_role_arn,
            deletion_protection=config.deletion_protection and not disposable,
        )
    config = env.data.database
    instance = RdsInstance(
        stack,
        "database",
        config=config,
        subnet_ids=stores.subnet_ids,
        subnet_tier=stores.tier,
        security_group_id=security.database_security_group_id,
        kms_key_arn=key(config.kms_key),
        monitoring_role_arn=security.rds_monitoring_role_arn,
        deletion_protection=config.deletion_protection and not disposable,
    )
    if not config.multi_az:
        accept_decision(instance.instance, env.decisions, "single_az_database")
    # Where RDS offers no Performance Insights for the class, checkov's CKV_AWS_353 does not ask for it.
    if not config.performance_insights and config.instance_class not in PERFORMANCE_INSIGHTS_UNSUPPORTED.get(
        config.engine, ()
    ):
        accept_decision(instance.instance, env.decisions, "no_performance_insights")
    replication = config.backup_replication
    if replication and stack.creates(
        "aws_db_instance_automated_backups_replication", f"backup copies in {replication.region}"
    ):
        CrossRegionBackups(
            stack,
            "backup-replication",
            config=replication,
            source_instance_arn=instance.instance.arn,
            provider=stack.provider_in(replication.region),
            description=f"{env.application} database backups copied from {env.region}",
            account=account,
            partition=partition,
        )
    return instance

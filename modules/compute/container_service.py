"""One ECS service, on Fargate or on the environment's EC2 capacity provider, always in awsvpc mode
(each task has its own security group): task definition (read-only root, non-privileged, awslogs,
secrets by reference only, optionally an X-Ray daemon sidecar), the service (ECS rolling with a
circuit breaker, or CodeDeploy blue-green), its encrypted log groups and its Cloud Map registration."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from cdktf import ITerraformDependable, TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.ecs_service import (
    EcsService,
    EcsServiceCapacityProviderStrategy,
    EcsServiceLoadBalancer,
    EcsServiceOrderedPlacementStrategy,
    EcsServiceServiceRegistries,
)
from cdktf_cdktf_provider_aws.ecs_task_definition import EcsTaskDefinition
from constructs import Construct

from hipaa_platform.config import Service
from modules.shared.log_group import EncryptedLogGroup

XRAY_DAEMON_IMAGE = "public.ecr.aws/xray/aws-xray-daemon:3.x"
XRAY_DAEMON_PORT = 2000


class ContainerService(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: Service,
        cluster_arn: str,
        image: str,
        region: str,
        log_group_name: str,
        task_family: str,
        kms_key_arn: str,
        execution_role_arn: str,
        task_role_arn: str,
        subnet_ids: Sequence[str],
        security_group_id: str,
        target_group_arn: str,
        environment_values: Mapping[str, str],
        secret_values: Mapping[str, str],
        service_registry_arn: str | None = None,
        capacity_provider: str | None = None,
        rolls_own_revisions: bool = False,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        """`environment_values`: variable -> value, references resolved; `secret_values`: variable -> the
        `valueFrom` ECS reads it from; `capacity_provider`: the EC2 capacity provider of a service with
        capacity: ec2; `rolls_own_revisions`: releases register task definitions of their own
        (immutable image tags); `depends_on`: what the service must wait for (that provider's association)."""
        super().__init__(scope, id)
        self.log_group = EncryptedLogGroup(
            self, "logs", name=log_group_name, retention_days=config.log_retention_days, kms_key_arn=kms_key_arn
        )
        volumes = [(f"scratch-{i}", path) for i, path in enumerate(config.writable_paths)]
        hc = config.health_check
        container = {
            "name": config.container_name,
            "image": image,
            "essential": True,
            "readonlyRootFilesystem": True,
            "privileged": False,
            "portMappings": [{"containerPort": config.container_port, "protocol": "tcp"}],
            "environment": [{"name": k, "value": v} for k, v in sorted(environment_values.items())],
            "secrets": [{"name": name, "valueFrom": secret_values[name]} for name in config.secrets],
            "mountPoints": [{"sourceVolume": v, "containerPath": p, "readOnly": False} for v, p in volumes],
            "healthCheck": {
                "command": list(hc.command),
                "interval": hc.interval_seconds,
                "timeout": hc.timeout_seconds,
                "retries": hc.retries,
                "startPeriod": hc.start_period_seconds,
            },
            "linuxParameters": {"initProcessEnabled": True},
            "logConfiguration": _awslogs(log_group_name, region, "ecs"),
        }
        if config.user:
            container["user"] = config.user
        containers = [container]
        if config.xray_sidecar:
            self.xray_log_group = EncryptedLogGroup(
                self,
                "xray-logs",
                name=f"{log_group_name}/xray",
                retention_days=config.log_retention_days,
                kms_key_arn=kms_key_arn,
            )
            containers.append(
                {
                    "name": "xray-daemon",
                    "image": XRAY_DAEMON_IMAGE,
                    "essential": False,
                    "cpu": 32,
                    "memory": 64,
                    "readonlyRootFilesystem": True,
                    "privileged": False,
                    "portMappings": [{"containerPort": XRAY_DAEMON_PORT, "protocol": "udp"}],
                    "logConfiguration": _awslogs(f"{log_group_name}/xray", region, "xray"),
                }
            )
        on_ec2 = config.capacity == "ec2"
        self.task_definition = EcsTaskDefinition(
            self,
            "task",
            family=task_family,
            requires_compatibilities=["EC2" if on_ec2 else "FARGATE"],
            network_mode="awsvpc",
            cpu=str(config.cpu),
            memory=str(config.memory),
            execution_role_arn=execution_role_arn,
            task_role_arn=task_role_arn,
            # On EC2 the instances' AMI decides the platform.
            runtime_platform=None
            if on_ec2
            else {"operating_system_family": "LINUX", "cpu_architecture": config.cpu_architecture},
            volume=[{"name": v} for v, _ in volumes],
            container_definitions=json.dumps(containers),
        )
        blue_green = config.deployment == "blue_green"
        # CodeDeploy owns the task definition and the target group during blue-green deployments;
        # application autoscaling owns the task count.
        # With immutable tags every release registers its own revision (docs/ci.md), which a later
        # apply must not roll back to the revision Terraform created.
        ignored = ["task_definition", "load_balancer"] if blue_green else []
        if rolls_own_revisions and not blue_green:
            ignored.append("task_definition")
        if config.autoscaling:
            ignored.append("desired_count")
        self.service = EcsService(
            self,
            "service",
            name=config.name,
            cluster=cluster_arn,
            task_definition=self.task_definition.arn,
            desired_count=config.desired_count,
            launch_type=None if on_ec2 else "FARGATE",
            platform_version=None if on_ec2 else "LATEST",
            capacity_provider_strategy=[
                EcsServiceCapacityProviderStrategy(capacity_provider=capacity_provider, weight=1)
            ]
            if on_ec2
            else None,
            # Tasks on EC2 spread over the zones first, then over the instances.
            ordered_placement_strategy=[
                EcsServiceOrderedPlacementStrategy(type="spread", field=field)
                for field in ("attribute:ecs.availability-zone", "instanceId")
            ]
            if on_ec2
            else None,
            deployment_minimum_healthy_percent=config.minimum_healthy_percent,
            deployment_maximum_percent=config.maximum_percent,
            deployment_controller={"type": "CODE_DEPLOY"} if blue_green else None,
            deployment_circuit_breaker=None if blue_green else {"enable": True, "rollback": True},
            enable_execute_command=config.enable_execute_command or None,
            health_check_grace_period_seconds=hc.start_period_seconds,
            propagate_tags="SERVICE",
            enable_ecs_managed_tags=True,
            tags=dict(config.tags) or None,
            network_configuration={
                "subnets": list(subnet_ids),
                "security_groups": [security_group_id],
                "assign_public_ip": config.assign_public_ip,
            },
            load_balancer=[
                EcsServiceLoadBalancer(
                    target_group_arn=target_group_arn,
                    container_name=config.container_name,
                    container_port=config.container_port,
                )
            ],
            service_registries=EcsServiceServiceRegistries(registry_arn=service_registry_arn)
            if service_registry_arn
            else None,
            lifecycle=TerraformResourceLifecycle(ignore_changes=ignored) if ignored else None,
            depends_on=list(depends_on) or None,
        )
        self.name = self.service.name
        self.arn = self.service.id


def _awslogs(group: str, region: str, stream_prefix: str) -> dict[str, object]:
    return {
        "logDriver": "awslogs",
        "options": {"awslogs-group": group, "awslogs-region": region, "awslogs-stream-prefix": stream_prefix},
    }

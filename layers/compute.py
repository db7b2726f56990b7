"""Layer 4: the container registry, the ECS cluster, the load balancer and the Fargate services."""

from __future__ import annotations

import json
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.ecr_lifecycle_policy import EcrLifecyclePolicy
from cdktf_cdktf_provider_aws.ecr_repository import EcrRepository, EcrRepositoryEncryptionConfiguration
from cdktf_cdktf_provider_aws.ecs_cluster import EcsCluster
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.lb_listener_rule import (
    LbListenerRule,
    LbListenerRuleAction,
    LbListenerRuleCondition,
    LbListenerRuleConditionPathPattern,
)
from constructs import Construct

from hipaa_platform.contracts import LayerOutputs, described, item
from hipaa_platform.layer import BuildContext, LayerStack
from hipaa_platform.suppressions import accept_finding
from layers.data import DataOutputs
from layers.networking import NetworkingOutputs
from layers.security import SecurityOutputs
from modules.fargate_service import FargateService
from modules.iam import Statement, policy_document
from modules.load_balancer import HttpsLoadBalancer


@dataclass(frozen=True)
class ComputeOutputs(LayerOutputs):
    LAYER = "compute"
    cluster_name: str = described("ECS cluster name")
    cluster_arn: str = described("ECS cluster ARN")
    service_names: list[str] = described("ECS service names, in compute.services order")
    service_arns: list[str] = described("ECS service ARNs, in compute.services order")
    repository_arns: list[str] = described("ECR repository ARN per service, in compute.services order")
    repository_urls: list[str] = described("ECR repository URL per service, for image pushes")
    load_balancer_arn_suffix: str = described("ALB ARN suffix, the CloudWatch metric dimension")
    load_balancer_dns_name: str = described("ALB DNS name; point the application's CNAME here")
    target_group_arn_suffixes: list[str] = described("Target group ARN suffix per service, for metrics")


class ComputeLayer(LayerStack):
    LAYER = "compute"

    def __init__(self, scope: Construct, context: BuildContext) -> None:
        super().__init__(scope, context)
        env = self.environment
        network = self.read(NetworkingOutputs)
        security = self.read(SecurityOutputs)
        data = self.read(DataOutputs)
        compute = env.compute

        cluster = EcsCluster(
            self,
            "cluster",
            name=compute.cluster_name,
            setting=[{"name": "containerInsights", "value": "enabled" if compute.container_insights else "disabled"}],
        )
        if not compute.container_insights:
            accept_finding(
                cluster,
                "CKV_AWS_65",
                "Container Insights is off as the environment's stated cost decision; application logs still go "
                "to the encrypted log group and the observability layer alarms on CPU and memory.",
            )

        alb = HttpsLoadBalancer(
            self,
            "alb",
            name=self.namer.name("alb"),
            config=compute.load_balancer,
            subnet_ids=network.public_subnet_ids,
            security_group_id=security.alb_security_group_id,
            certificate_arn=security.certificate_arn,
            access_log_bucket=data.access_log_bucket_name,
            deletion_protection=compute.load_balancer.deletion_protection and not context.target.disposable,
        )
        accept_finding(
            alb.lb,
            "CKV2_AWS_28",
            "This environment has no WAF in its requirements (budget shape); exposure is limited to TLS 1.3 "
            "on 443, a 301 on 80, invalid headers dropped, and an SG chain to the tasks.",
        )

        secret_arns = {name: item(security.parameter_arns, i) for i, name in enumerate(env.security.parameters)}

        services, repositories, target_groups = [], [], []
        for index, spec in enumerate(compute.services):
            repository = EcrRepository(
                self,
                f"repository-{spec.container_name}",
                name=self.namer.for_service(spec.container_name),
                image_tag_mutability="MUTABLE",
                image_scanning_configuration={"scan_on_push": True},
                encryption_configuration=[
                    EcrRepositoryEncryptionConfiguration(encryption_type="KMS", kms_key=security.kms_key_arn)
                ],
            )
            accept_finding(
                repository,
                "CKV_AWS_51",
                "The release flow pushes a moving tag and forces a new deployment (seed runbook); only the "
                "pipeline layer's CI role may push, and every push is scanned.",
            )
            EcrLifecyclePolicy(
                self,
                f"repository-lifecycle-{spec.container_name}",
                repository=repository.name,
                policy=json.dumps(
                    {
                        "rules": [
                            {
                                "rulePriority": 1,
                                "description": "Expire untagged images after 30 days",
                                "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                                              "countUnit": "days", "countNumber": 30},
                                "action": {"type": "expire"},
                            },
                            {
                                "rulePriority": 2,
                                "description": f"Keep the last {compute.image_retention_count} images",
                                "selection": {"tagStatus": "any", "countType": "imageCountMoreThan",
                                              "countNumber": compute.image_retention_count},
                                "action": {"type": "expire"},
                            },
                        ]
                    }
                ),
            )  # fmt: skip
            log_group_name = self.namer.log_group("ecs") + (
                "" if spec.container_name == self.namer.prefix else f"/{spec.container_name}"
            )
            target_group = alb.target_group(
                f"target-{spec.container_name}",
                name=self.namer.for_service(spec.container_name, "tg"),
                port=spec.container_port,
                vpc_id=network.vpc_id,
            )
            accept_finding(
                target_group,
                "CKV_AWS_378",
                "TLS ends at the load balancer; the hop to the task is plain HTTP on the container port inside "
                "the VPC, and the task's security group admits only the load balancer (seed design).",
            )
            LbListenerRule(
                self,
                f"route-{spec.container_name}",
                listener_arn=alb.https.arn,
                priority=100 + index,
                action=[LbListenerRuleAction(type="forward", target_group_arn=target_group.arn)],
                condition=[LbListenerRuleCondition(path_pattern=LbListenerRuleConditionPathPattern(values=["/*"]))],
            )
            service = FargateService(
                self,
                f"service-{spec.container_name}",
                config=spec,
                cluster_arn=cluster.arn,
                image=f"{repository.repository_url}:{spec.image_tag}",
                region=env.region,
                log_group_name=log_group_name,
                kms_key_arn=security.kms_key_arn,
                execution_role_arn=item(security.execution_role_arns, index),
                task_role_arn=item(security.task_role_arns, index),
                subnet_ids=network.public_subnet_ids if spec.subnet_tier == "public" else network.private_subnet_ids,
                security_group_id=item(security.service_security_group_ids, index),
                target_group_arn=target_group.arn,
                secret_arns=secret_arns,
            )
            if spec.assign_public_ip:
                accept_finding(
                    service.service,
                    "CKV_AWS_333",
                    "No NAT gateway (stated cost decision): tasks take a public IP to reach ECR and AWS APIs, "
                    "and their security group admits only the load balancer on the container port.",
                )
            # The execution role's image-pull and log grants live with the repository and log group.
            IamRolePolicy(
                self,
                f"execution-pull-and-log-{spec.container_name}",
                name="pull-image-and-write-logs",
                role=item(security.execution_role_names, index),
                policy=policy_document(
                    Statement(sid="RegistryLogin", actions=("ecr:GetAuthorizationToken",), resources=("*",)),
                    Statement(
                        sid="PullOwnImage",
                        actions=("ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"),
                        resources=(repository.arn,),
                    ),
                    Statement(
                        sid="WriteOwnLogs",
                        actions=("logs:CreateLogStream", "logs:PutLogEvents"),
                        resources=(f"{service.log_group.arn}:*",),
                    ),
                ),
            )
            services.append(service)
            repositories.append(repository)
            target_groups.append(target_group)

        self.publish(
            ComputeOutputs(
                cluster_name=cluster.name,
                cluster_arn=cluster.arn,
                service_names=[s.name for s in services],
                service_arns=[s.arn for s in services],
                repository_arns=[r.arn for r in repositories],
                repository_urls=[r.repository_url for r in repositories],
                load_balancer_arn_suffix=alb.arn_suffix,
                load_balancer_dns_name=alb.dns_name,
                target_group_arn_suffixes=[t.arn_suffix for t in target_groups],
            )
        )

"""Layer 4: the container registries, the ECS cluster, the load balancer, the Fargate services
with their routing, discovery and scaling, and the edges in front (API Gateway, CloudFront)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.ecr_lifecycle_policy import EcrLifecyclePolicy
from cdktf_cdktf_provider_aws.ecr_repository import EcrRepository, EcrRepositoryEncryptionConfiguration
from cdktf_cdktf_provider_aws.ecs_cluster import EcsCluster
from cdktf_cdktf_provider_aws.ecs_cluster_capacity_providers import EcsClusterCapacityProviders
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.lb_listener import LbListener
from cdktf_cdktf_provider_aws.lb_listener_rule import (
    LbListenerRule,
    LbListenerRuleAction,
    LbListenerRuleCondition,
    LbListenerRuleConditionPathPattern,
)
from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup
from cdktf_cdktf_provider_aws.service_discovery_private_dns_namespace import ServiceDiscoveryPrivateDnsNamespace
from cdktf_cdktf_provider_aws.service_discovery_service import (
    ServiceDiscoveryService,
    ServiceDiscoveryServiceDnsConfigDnsRecords,
)
from cdktf_cdktf_provider_aws.wafv2_web_acl_association import Wafv2WebAclAssociation
from constructs import Construct

from hipaa_platform.config import Service
from hipaa_platform.contracts import LayerOutputs, described
from hipaa_platform.layer import BuildContext, LayerStack
from hipaa_platform.suppressions import accept_finding
from layers.data import DataOutputs
from layers.networking import NetworkingOutputs
from layers.security import API_GATEWAY, EXECUTE_COMMAND_ACTIONS, LOAD_BALANCER, SecurityOutputs, key_arn
from modules.fargate_service import FargateService
from modules.http_api import HttpApiToLoadBalancer
from modules.iam import Statement, policy_document
from modules.load_balancer import HttpsLoadBalancer
from modules.log_group import EncryptedLogGroup
from modules.s3_bucket import NO_EVENT_NOTIFICATIONS, NO_REPLICATION
from modules.service_autoscaling import ServiceAutoscaling
from modules.spa import SPA_BUCKET_ROLE, SinglePageApp

# Keys of the contract maps that hold at most one item.
TEST_LISTENER = "test"
SPA = "spa"
TLS_ENDS_AT_ALB = (
    "TLS ends at the load balancer; the hop to the task is plain HTTP on the container port inside "
    "the VPC, and the task's security group admits only the load balancer (seed design)."
)


@dataclass(frozen=True)
class ComputeOutputs(LayerOutputs):
    LAYER = "compute"
    cluster_name: str = described("ECS cluster name")
    cluster_arn: str = described("ECS cluster ARN")
    service_names: dict[str, str] = described("ECS service name by its name in compute.services")
    service_arns: dict[str, str] = described("ECS service ARN by service name")
    log_group_names: dict[str, str] = described("Application log group by service name")
    repository_arns: dict[str, str] = described("ECR repository ARN by service name")
    repository_urls: dict[str, str] = described("ECR repository URL by service name, for image pushes")
    load_balancer_arn_suffix: str = described("ALB ARN suffix, the CloudWatch metric dimension")
    load_balancer_dns_name: str = described("ALB DNS name; point the application's CNAME here")
    https_listener_arn: str = described("Production HTTPS listener of the ALB")
    test_listener_arns: dict[str, str] = described(
        f"Blue-green test traffic listener under `{TEST_LISTENER}`; empty without blue-green services"
    )
    target_group_arn_suffixes: dict[str, str] = described("(Blue) target group ARN suffix by service, for metrics")
    blue_target_group_names: dict[str, str] = described("Blue target group name by blue-green service name")
    green_target_group_names: dict[str, str] = described("Green target group name by blue-green service name")
    api_endpoints: dict[str, str] = described(f"API Gateway endpoint under `{API_GATEWAY}`; empty without an API")
    spa_distribution_ids: dict[str, str] = described(
        f"CloudFront distribution of the single-page app under `{SPA}`; empty without one"
    )
    spa_bucket_names: dict[str, str] = described(f"Bucket the single-page app is deployed to, under `{SPA}`")


class ComputeLayer(LayerStack):
    LAYER = "compute"

    def __init__(self, scope: Construct, context: BuildContext) -> None:
        super().__init__(scope, context)
        env = self.environment
        self.network = network = self.read(NetworkingOutputs)
        self.security = security = self.read(SecurityOutputs)
        data = self.read(DataOutputs)
        compute = env.compute
        self.log_key = key_arn(security, env, env.security.log_key)

        cluster = self._cluster()
        alb = HttpsLoadBalancer(
            self,
            "alb",
            name=self.namer.name("alb"),
            config=compute.load_balancer,
            subnet_ids=network.private_subnet_ids if compute.load_balancer.internal else network.public_subnet_ids,
            security_group_id=security.alb_security_group_id,
            certificate_arn=security.certificate_arn,
            access_log_bucket=data.access_log_bucket_name,
            deletion_protection=compute.load_balancer.deletion_protection and not context.target.disposable,
        )
        self.alb = alb
        if env.security.waf:
            Wafv2WebAclAssociation(
                self, "alb-waf", resource_arn=alb.arn, web_acl_arn=security.web_acl_arns[LOAD_BALANCER]
            )
        else:
            accept_finding(
                alb.lb,
                "CKV2_AWS_28",
                env.decisions.no_waf,
            )

        namespace = None
        if compute.service_discovery_namespace:
            namespace = ServiceDiscoveryPrivateDnsNamespace(
                self,
                "namespace",
                name=compute.service_discovery_namespace,
                description=f"Service discovery for {env.application}",
                vpc=network.vpc_id,
            )

        services: dict[str, FargateService] = {}
        repositories: dict[str, EcrRepository] = {}
        blue: dict[str, LbTargetGroup] = {}
        green: dict[str, LbTargetGroup] = {}
        for spec in compute.services:
            repository = self._repository(spec)
            log_group_name = self.namer.log_group("ecs") + (
                "" if spec.container_name == self.namer.prefix else f"/{spec.container_name}"
            )
            target_groups = self._routing(spec)
            registry = None
            if namespace and spec.service_discovery:
                registry = ServiceDiscoveryService(
                    self,
                    f"discovery-{spec.container_name}",
                    name=spec.container_name,
                    dns_config={
                        "namespace_id": namespace.id,
                        "routing_policy": "MULTIVALUE",
                        "dns_records": [ServiceDiscoveryServiceDnsConfigDnsRecords(ttl=10, type="A")],
                    },
                    health_check_custom_config={"failure_threshold": 1},
                )
            service = FargateService(
                self,
                f"service-{spec.container_name}",
                config=spec,
                cluster_arn=cluster.arn,
                image=f"{repository.repository_url}:{spec.image_tag}",
                region=env.region,
                log_group_name=log_group_name,
                kms_key_arn=self.log_key,
                execution_role_arn=security.execution_role_arns[spec.name],
                task_role_arn=security.task_role_arns[spec.name],
                subnet_ids=network.public_subnet_ids if spec.subnet_tier == "public" else network.private_subnet_ids,
                security_group_id=security.service_security_group_ids[spec.name],
                target_group_arn=target_groups[0].arn,
                secret_values=self._secret_values(spec),
                service_registry_arn=registry.arn if registry else None,
            )
            if spec.assign_public_ip:
                accept_finding(
                    service.service,
                    "CKV_AWS_333",
                    env.decisions.public_task_ips,
                )
            self._execution_grants(spec, repository.arn, service)
            if spec.enable_execute_command:
                self._execute_command_grants(spec)
            if spec.autoscaling and self.creates_all(
                ("aws_appautoscaling_target", f"{spec.container_name} scaling target"),
                ("aws_appautoscaling_policy", f"{spec.container_name} scaling policies"),
            ):
                ServiceAutoscaling(
                    self,
                    f"scaling-{spec.container_name}",
                    config=spec.autoscaling,
                    name=self.namer.for_service(spec.container_name),
                    cluster_name=cluster.name,
                    service_name=service.name,
                    request_count_label=f"{alb.arn_suffix}/{target_groups[0].arn_suffix}",
                    queue_name=(
                        data.queue_names[spec.autoscaling.queue_depth.queue] if spec.autoscaling.queue_depth else None
                    ),
                )
            services[spec.name] = service
            repositories[spec.name] = repository
            blue[spec.name] = target_groups[0]
            if len(target_groups) > 1:
                green[spec.name] = target_groups[1]

        api_endpoints = {}
        if compute.api_gateway:
            api = HttpApiToLoadBalancer(
                self,
                "api",
                name=self.namer.name("api"),
                config=compute.api_gateway,
                listener_arn=alb.https.arn,
                server_name=env.security.certificate_domain,
                subnet_ids=network.private_subnet_ids,
                security_group_id=security.vpc_link_security_group_ids[API_GATEWAY],
                log_key_arn=self.log_key,
                log_group_name=self.namer.log_group("apigateway"),
            )
            api_endpoints[API_GATEWAY] = api.endpoint
        spas = {SPA: self._single_page_app(data.access_log_bucket_name)} if compute.spa else {}

        self.publish(
            ComputeOutputs(
                cluster_name=cluster.name,
                cluster_arn=cluster.arn,
                service_names={name: s.name for name, s in services.items()},
                service_arns={name: s.arn for name, s in services.items()},
                log_group_names={name: s.log_group.name for name, s in services.items()},
                repository_arns={name: r.arn for name, r in repositories.items()},
                repository_urls={name: r.repository_url for name, r in repositories.items()},
                load_balancer_arn_suffix=alb.arn_suffix,
                load_balancer_dns_name=alb.dns_name,
                https_listener_arn=alb.https.arn,
                test_listener_arns={TEST_LISTENER: alb.test.arn} if alb.test else {},
                target_group_arn_suffixes={name: t.arn_suffix for name, t in blue.items()},
                blue_target_group_names={name: blue[name].name for name in green},
                green_target_group_names={name: t.name for name, t in green.items()},
                api_endpoints=api_endpoints,
                spa_distribution_ids={key: s.distribution.id for key, s in spas.items()},
                spa_bucket_names={key: s.bucket.name for key, s in spas.items()},
            )
        )  # fmt: skip

    # -- cluster ----------------------------------------------------------------------------------
    def _cluster(self) -> EcsCluster:
        env, compute = self.environment, self.environment.compute
        configuration = None
        if compute.execute_command_logging:
            exec_logs = EncryptedLogGroup(
                self,
                "exec-logs",
                name=self.namer.log_group("ecs-exec"),
                retention_days=env.networking.flow_log_retention_days,
                kms_key_arn=self.log_key,
            )
            self.exec_log_group = exec_logs
            configuration = {
                "execute_command_configuration": {
                    "kms_key_id": self.security.kms_key_arn,
                    "logging": "OVERRIDE",
                    "log_configuration": {
                        "cloud_watch_log_group_name": exec_logs.name,
                        "cloud_watch_encryption_enabled": True,
                    },
                }
            }
        cluster = EcsCluster(
            self,
            "cluster",
            name=compute.cluster_name,
            setting=[{"name": "containerInsights", "value": "enabled" if compute.container_insights else "disabled"}],
            configuration=configuration,
        )
        if not compute.container_insights:
            accept_finding(
                cluster,
                "CKV_AWS_65",
                env.decisions.container_insights_off,
            )
        if compute.capacity_providers:
            EcsClusterCapacityProviders(
                self,
                "capacity-providers",
                cluster_name=cluster.name,
                capacity_providers=list(compute.capacity_providers),
            )
        return cluster

    # -- per service ------------------------------------------------------------------------------
    def _repository(self, spec: Service) -> EcrRepository:
        compute = self.environment.compute
        repository = EcrRepository(
            self,
            f"repository-{spec.container_name}",
            name=self.namer.for_service(spec.container_name),
            image_tag_mutability=compute.image_tag_mutability,
            image_scanning_configuration={"scan_on_push": True},
            encryption_configuration=[
                EcrRepositoryEncryptionConfiguration(encryption_type="KMS", kms_key=self.security.kms_key_arn)
            ],
        )
        if compute.image_tag_mutability == "MUTABLE":
            accept_finding(
                repository,
                "CKV_AWS_51",
                self.environment.decisions.mutable_image_tags,
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
        return repository

    def _routing(self, spec: Service) -> list[LbTargetGroup]:
        """The service's target groups (blue, and green for blue-green) and its path rules."""
        colours = ("blue", "green") if spec.deployment == "blue_green" else ("",)
        groups = []
        for colour in colours:
            group = self.alb.target_group(
                f"target-{spec.container_name}" + (f"-{colour}" if colour else ""),
                name=self.namer.bounded(
                    self.namer.for_service(spec.container_name, *([colour] if colour else []), "tg"), 32
                ),
                port=spec.container_port,
                vpc_id=self.network.vpc_id,
            )
            accept_finding(group, "CKV_AWS_378", TLS_ENDS_AT_ALB)
            groups.append(group)
        listeners: list[tuple[str, LbListener]] = [("route", self.alb.https)]
        if spec.deployment == "blue_green" and self.alb.test:
            listeners.append(("test-route", self.alb.test))
        for prefix, listener in listeners:
            LbListenerRule(
                self,
                f"{prefix}-{spec.container_name}",
                listener_arn=listener.arn,
                priority=self.environment.compute.route_priority(spec),
                action=[LbListenerRuleAction(type="forward", target_group_arn=groups[0].arn)],
                condition=[
                    LbListenerRuleCondition(path_pattern=LbListenerRuleConditionPathPattern(values=list(spec.routes)))
                ],
                # CodeDeploy moves the forward between blue and green.
                lifecycle=TerraformResourceLifecycle(ignore_changes=["action"]) if len(groups) > 1 else None,
            )
        return groups

    def _secret_values(self, service: Service) -> dict[str, str]:
        """Environment variable -> `valueFrom` for one service's secrets (a parameter or secret ARN,
        with `:<json key>::` for a key inside a Secrets Manager secret)."""
        env, security = self.environment, self.security
        values = {}
        for variable, source in service.secrets.items():
            name, _, json_key = source.partition(":")
            values[variable] = (
                security.parameter_arns[name]
                if name in env.security.parameters
                else security.secret_arns[name] + (f":{json_key}::" if json_key else "")
            )
        return values

    def _execution_grants(self, spec: Service, repository_arn: str, service: FargateService) -> None:
        """The execution role's image-pull and log grants live with the repository and log groups."""
        log_groups = [service.log_group.arn] + ([service.xray_log_group.arn] if spec.xray_sidecar else [])
        IamRolePolicy(
            self,
            f"execution-pull-and-log-{spec.container_name}",
            name="pull-image-and-write-logs",
            role=self.security.execution_role_names[spec.name],
            policy=policy_document(
                Statement(sid="RegistryLogin", actions=("ecr:GetAuthorizationToken",), resources=("*",)),
                Statement(
                    sid="PullOwnImage",
                    actions=("ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"),
                    resources=(repository_arn,),
                ),
                Statement(
                    sid="WriteOwnLogs",
                    actions=("logs:CreateLogStream", "logs:PutLogEvents"),
                    resources=tuple(f"{arn}:*" for arn in log_groups),
                ),
            ),
        )

    def _execute_command_grants(self, spec: Service) -> None:
        """ECS Exec runs through the task role: the SSM channel, the session log, the session key."""
        statements = [Statement(sid="ExecuteCommandChannel", actions=EXECUTE_COMMAND_ACTIONS, resources=("*",))]
        if self.environment.compute.execute_command_logging:
            statements += [
                Statement(sid="FindSessionLog", actions=("logs:DescribeLogGroups",), resources=("*",)),
                Statement(
                    sid="WriteSessionLog",
                    actions=("logs:CreateLogStream", "logs:PutLogEvents"),
                    resources=(f"{self.exec_log_group.arn}:*",),
                ),
                Statement(sid="DecryptSession", actions=("kms:Decrypt",), resources=(self.security.kms_key_arn,)),
            ]
        IamRolePolicy(
            self,
            f"task-exec-{spec.container_name}",
            name="ecs-exec-sessions",
            role=self.security.task_role_names[spec.name],
            policy=policy_document(*statements),
        )

    def _single_page_app(self, access_log_bucket_name: str) -> SinglePageApp:
        env = self.environment
        account = DataAwsCallerIdentity(self, "account").account_id
        spa = SinglePageApp(
            self,
            "spa",
            name=self.namer.name("spa"),
            config=env.compute.spa,
            bucket_name=self.namer.bucket(SPA_BUCKET_ROLE, account),
            certificate_arn=self.security.certificate_arn,
            access_log_bucket_name=access_log_bucket_name,
            force_destroy=self.context.target.disposable,
            security_headers=self.creates("aws_cloudfront_response_headers_policy", "SPA security headers"),
        )
        accept_finding(spa.bucket.bucket, "CKV_AWS_144", NO_REPLICATION)
        accept_finding(spa.bucket.bucket, "CKV2_AWS_62", NO_EVENT_NOTIFICATIONS)
        static_assets = (
            "The distribution serves the public JavaScript/CSS bundle from S3 (no PHI, no API); the API "
            "behind API Gateway has the regional WAF, and this edge is geo-restricted."
        )
        accept_finding(spa.distribution, "CKV_AWS_68", static_assets)
        accept_finding(spa.distribution, "CKV2_AWS_47", static_assets)
        accept_finding(
            spa.distribution,
            "CKV_AWS_86",
            "CloudFront's standard logs need ACLs on the target bucket, which the access-log bucket disables "
            "(BucketOwnerEnforced); the origin bucket's server access logs record every object read.",
        )
        accept_finding(
            spa.distribution,
            "CKV_AWS_310",
            "The only origin is one S3 bucket in one region; a failover origin would need a replica bucket, "
            "which this single-region environment does not have.",
        )
        accept_finding(
            spa.bucket.bucket,
            "CKV_AWS_145",
            "The bucket holds the public JavaScript/CSS bundle, no PHI; SSE-S3 lets CloudFront read it through "
            "origin access control without a KMS grant to the CloudFront service.",
        )
        return spa

"""Layer 4: the container registries, the ECS cluster (with EC2 capacity where configured), the load
balancer, the services with their routing, discovery and scaling, and the edges in front (API
Gateway, CloudFront)."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.ecr_repository import EcrRepository
from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup
from cdktf_cdktf_provider_aws.wafv2_web_acl_association import Wafv2WebAclAssociation
from constructs import Construct

from hipaa_platform.building.layer_stack import BuildContext, LayerStack
from hipaa_platform.config import Service, guardduty_agent_repository_arn
from hipaa_platform.contracts.compute import SPA, TEST_LISTENER, ComputeOutputs
from hipaa_platform.contracts.data import DataOutputs
from hipaa_platform.contracts.networking import NetworkingOutputs
from hipaa_platform.contracts.security import API_GATEWAY, EC2_CAPACITY, LOAD_BALANCER, SecurityOutputs, key_arn
from hipaa_platform.gate.acceptances import accept_decision, accept_finding
from modules.compute.container_repository import container_repository
from modules.compute.container_service import ContainerService
from modules.compute.container_values import ContainerValues
from modules.compute.ec2_capacity import Ec2CapacityProvider
from modules.compute.ecs_cluster import ecs_cluster
from modules.compute.http_api import HttpApiToLoadBalancer
from modules.compute.load_balancer import HttpsLoadBalancer
from modules.compute.service_autoscaling import ServiceAutoscaling
from modules.compute.service_discovery import discovery_namespace, discovery_service
from modules.compute.service_grants import service_grants
from modules.compute.service_routing import service_routing
from modules.security.web_acl import LOG4J_RULES, LOG4J_RULES_IN_SECURITY_LAYER
from modules.shared.bucket_distribution import SPA_BUCKET_ROLE, AppBundle, BucketDistribution


@dataclass
class _ServiceParts:
    """What the outputs publish of one service."""

    service: ContainerService
    repository: EcrRepository
    target_groups: list[LbTargetGroup]


class ComputeLayer(LayerStack):
    LAYER = "compute"

    def __init__(self, scope: Construct, context: BuildContext) -> None:
        super().__init__(scope, context)
        env = self.environment
        self.network = network = self.read(NetworkingOutputs)
        self.security = security = self.read(SecurityOutputs)
        self.data = data = self.read(DataOutputs)
        compute = env.compute
        self.log_key = key_arn(security, env, env.security.log_key)

        self.capacity = self._ec2_capacity() if compute.ec2_capacity else None
        cluster, self.session_logs, self.cluster_capacity = ecs_cluster(
            self,
            compute=compute,
            decisions=env.decisions,
            session_log_retention_days=env.networking.flow_log_retention_days,
            namer=self.namer,
            log_key=self.log_key,
            kms_key_arn=security.kms_key_arn,
            ephemeral_storage_key_arn=key_arn(security, env, compute.ephemeral_storage_key)
            if compute.ephemeral_storage_key
            else None,
            ec2_capacity_providers=(self.capacity.name,) if self.capacity else (),
        )
        self.alb = alb = self._load_balancer()
        self.namespace = (
            discovery_namespace(self, compute, application=env.application, vpc_id=network.vpc_id)
            if compute.service_discovery_namespace
            else None
        )
        self.values = ContainerValues.of(
            data, security, frozenset(env.security.parameters), env.data.redis.port if env.data.redis else None
        )
        # read once: every service names them (each read is a round trip into the bindings)
        self.cluster_arn, self.cluster_name = cluster.arn, cluster.name
        parts = {spec.name: self._service(spec) for spec in compute.services}
        services = {name: p.service for name, p in parts.items()}
        blue = {name: p.target_groups[0] for name, p in parts.items()}
        green = {name: p.target_groups[1] for name, p in parts.items() if len(p.target_groups) > 1}
        api_endpoints = {API_GATEWAY: self._api().endpoint} if compute.api_gateway else {}
        spas = {SPA: self._single_page_app(data.access_log_bucket_name)} if compute.spa else {}

        self.publish(
            ComputeOutputs(
                cluster_name=self.cluster_name,
                cluster_arn=self.cluster_arn,
                service_names={name: s.name for name, s in services.items()},
                service_arns={name: s.arn for name, s in services.items()},
                log_group_names={name: s.log_group.name for name, s in services.items()},
                repository_arns={name: p.repository.arn for name, p in parts.items()},
                repository_urls={name: p.repository.repository_url for name, p in parts.items()},
                load_balancer_arn_suffix=alb.arn_suffix,
                load_balancer_dns_name=alb.dns_name,
                https_listener_arn=alb.https_arn,
                test_listener_arns={TEST_LISTENER: alb.test_arn} if alb.test_arn else {},
                target_group_arn_suffixes={name: t.arn_suffix for name, t in blue.items()},
                blue_target_group_names={name: blue[name].name for name in green},
                green_target_group_names={name: t.name for name, t in green.items()},
                api_endpoints=api_endpoints,
                spa_distribution_ids={key: s.distribution.id for key, s in spas.items()},
                spa_bucket_names={key: s.bucket.name for key, s in spas.items()},
            )
        )  # fmt: skip

    def _load_balancer(self) -> HttpsLoadBalancer:
        env, network, security = self.environment, self.network, self.security
        config = env.compute.load_balancer
        alb = HttpsLoadBalancer(
            self,
            "alb",
            name=self.namer.name("alb"),
            config=config,
            subnet_ids=network.private_subnet_ids if config.internal else network.public_subnet_ids,
            security_group_id=security.alb_security_group_id,
            certificate_arn=security.certificate_arn,
            access_log_bucket=self.data.access_log_bucket_name,
            deletion_protection=config.deletion_protection and not self.context.target.disposable,
        )
        if env.security.waf:
            Wafv2WebAclAssociation(
                self, "alb-waf", resource_arn=alb.arn, web_acl_arn=security.web_acl_arns[LOAD_BALANCER]
            )
            if LOG4J_RULES in env.security.waf.managed_rule_groups and not config.internal:
                accept_finding(alb.lb, "CKV2_AWS_76", LOG4J_RULES_IN_SECURITY_LAYER)
        else:
            accept_decision(alb.lb, env.decisions, "no_waf")
        return alb

    def _service(self, spec: Service) -> _ServiceParts:
        """One service: its repository, routing, discovery entry, task and service, the grants its
        roles need here, and its scaling."""
        env, network, security, capacity = self.environment, self.network, self.security, self.capacity
        on_ec2 = capacity is not None and spec.capacity == "ec2"
        repository = container_repository(
            self, spec, compute=env.compute, decisions=env.decisions, namer=self.namer, kms_key_arn=security.kms_key_arn
        )
        target_groups = service_routing(
            self, spec, alb=self.alb, priority=env.compute.route_priority(spec), namer=self.namer, vpc_id=network.vpc_id
        )
        registry = (
            discovery_service(self, spec, namespace_id=self.namespace.id)
            if self.namespace and spec.service_discovery
            else None
        )
        service = ContainerService(
            self,
            f"service-{spec.container_name}",
            config=spec,
            cluster_arn=self.cluster_arn,
            image=f"{repository.repository_url}:{spec.image_tag}",
            region=env.region,
            log_group_name=self.namer.service_log_group(spec),
            task_family=self.namer.task_family(spec),
            kms_key_arn=self.log_key,
            execution_role_arn=security.execution_role_arns[spec.name],
            task_role_arn=security.task_role_arns[spec.name],
            subnet_ids=network.public_subnet_ids if spec.subnet_tier == "public" else network.private_subnet_ids,
            security_group_id=security.service_security_group_ids[spec.name],
            target_group_arn=target_groups[0].arn,
            environment_values=self.values.environment(spec),
            secret_values=self.values.secrets(spec),
            service_registry_arn=registry.arn if registry else None,
            capacity_provider=capacity.name if on_ec2 else None,
            rolls_own_revisions=env.compute.image_tag_mutability == "IMMUTABLE",
            # ECS refuses a strategy naming a capacity provider the cluster does not have yet.
            depends_on=[self.cluster_capacity] if on_ec2 else (),
        )
        if spec.assign_public_ip:
            accept_decision(service.service, env.decisions, "public_task_ips")
        service_grants(
            self, spec, security=security, repository_arn=repository.arn,
            data_secrets=self.values.platform_secrets_named(spec),
            log_group_arns=[service.log_group.arn] + ([service.xray_log_group.arn] if spec.xray_sidecar else []),
            region=env.region, session_log_arn=self.session_logs.arn if self.session_logs else None,
            runtime_agent_repository_arn=guardduty_agent_repository_arn(env.region)
            if env.baseline.guardduty.runtime_monitoring else None,
        )  # fmt: skip
        if spec.autoscaling and self.creates_all(
            ("aws_appautoscaling_target", f"{spec.container_name} scaling target"),
            ("aws_appautoscaling_policy", f"{spec.container_name} scaling policies"),
        ):
            ServiceAutoscaling(
                self,
                f"scaling-{spec.container_name}",
                config=spec.autoscaling,
                name=self.namer.for_service(spec.container_name),
                cluster_name=self.cluster_name,
                service_name=service.name,
                request_count_label=f"{self.alb.arn_suffix}/{target_groups[0].arn_suffix}",
                queue_name=(
                    self.data.queue_names[spec.autoscaling.queue_depth.queue] if spec.autoscaling.queue_depth else None
                ),
            )
        return _ServiceParts(service, repository, target_groups)

    def _api(self) -> HttpApiToLoadBalancer:
        env = self.environment
        return HttpApiToLoadBalancer(
            self,
            "api",
            name=self.namer.name("api"),
            config=env.compute.api_gateway,
            listener_arn=self.alb.https_arn,
            server_name=env.security.certificate_domain,
            subnet_ids=self.network.private_subnet_ids,
            security_group_id=self.security.vpc_link_security_group_ids[API_GATEWAY],
            log_key_arn=self.log_key,
            log_group_name=self.namer.log_group("apigateway"),
        )

    def _ec2_capacity(self) -> Ec2CapacityProvider:
        env, security = self.environment, self.security
        config = env.compute.ec2_capacity
        return Ec2CapacityProvider(
            self,
            "ec2-capacity",
            config=config,
            namer=self.namer,
            cluster_name=env.compute.cluster_name,
            subnet_ids=self.network.private_subnet_ids,
            security_group_id=security.container_instance_security_group_ids[EC2_CAPACITY],
            instance_profile_arn=security.container_instance_profile_arns[EC2_CAPACITY],
            kms_key_arn=key_arn(security, env, config.kms_key),
            autoscaling_role_arn=security.autoscaling_role_arns[EC2_CAPACITY],
            refresh_role_arn=security.instance_refresh_role_arns[EC2_CAPACITY],
        )

    def _single_page_app(self, access_log_bucket_name: str) -> BucketDistribution:
        env = self.environment
        account = DataAwsCallerIdentity(self, "account").account_id
        bundle = AppBundle(
            bucket_name=self.namer.bucket(SPA_BUCKET_ROLE, account),
            access_log_bucket_name=access_log_bucket_name,
            force_destroy=self.context.target.disposable,
        )
        spa = BucketDistribution(
            self,
            "spa",
            name=self.namer.name("spa"),
            config=env.compute.spa,
            certificate_arn=self.security.certificate_arn,
            bundle=bundle,
        )
        accept_decision(spa.distribution, env.decisions, "cdn_without_waf")
        return spa

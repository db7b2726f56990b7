"""Layer 4: the container registries, the ECS cluster (with EC2 capacity where configured), the load
balancer, the services with their routing, discovery and scaling, and the edges in front (API
Gateway, CloudFront)."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf import Token
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.ecr_repository import EcrRepository
from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup
from cdktf_cdktf_provider_aws.wafv2_web_acl_association import Wafv2WebAclAssociation
from constructs import Construct

from hipaa_platform.config import (
    BUCKET_REFERENCE,
    CACHE_AUTH_SECRET,
    DATABASE_ENDPOINT_VALUES,
    DATABASE_SECRET,
    Service,
)
from hipaa_platform.contracts import LayerOutputs, described
from hipaa_platform.layer import BuildContext, LayerStack
from hipaa_platform.suppressions import accept_finding
from layers.data import DataOutputs
from layers.networking import NetworkingOutputs
from layers.security import API_GATEWAY, EC2_CAPACITY, LOAD_BALANCER, SecurityOutputs, key_arn
from modules.container_repository import container_repository
from modules.container_service import ContainerService
from modules.ec2_capacity import Ec2CapacityProvider
from modules.ecs_cluster import ecs_cluster
from modules.http_api import HttpApiToLoadBalancer
from modules.load_balancer import HttpsLoadBalancer
from modules.service_autoscaling import ServiceAutoscaling
from modules.service_discovery import discovery_namespace, discovery_service
from modules.service_grants import data_secrets_grant, execute_command_grant, pull_and_log_grant
from modules.service_routing import service_routing
from modules.spa import SPA_BUCKET_ROLE, SinglePageApp

# Keys of the contract maps that hold at most one item.
TEST_LISTENER = "test"
SPA = "spa"


LOG4J_RULES = "AWSManagedRulesKnownBadInputsRuleSet"
LOG4J_RULES_IN_SECURITY_LAYER = (
    "The web ACL associated here is built in the security layer with AWSManagedRulesKnownBadInputsRuleSet "
    "(the Log4j rules, blocking); checkov's per-file graph cannot follow the association across layers."
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
        self.data = data = self.read(DataOutputs)
        compute = env.compute
        self.log_key = key_arn(security, env, env.security.log_key)

        capacity = self._ec2_capacity() if compute.ec2_capacity else None
        cluster, session_logs, cluster_capacity = ecs_cluster(
            self,
            env=env,
            namer=self.namer,
            log_key=self.log_key,
            kms_key_arn=security.kms_key_arn,
            ephemeral_storage_key_arn=key_arn(security, env, compute.ephemeral_storage_key)
            if compute.ephemeral_storage_key
            else None,
            ec2_capacity_providers=(capacity.name,) if capacity else (),
        )
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
            if LOG4J_RULES in env.security.waf.managed_rule_groups and not compute.load_balancer.internal:
                accept_finding(alb.lb, "CKV2_AWS_76", LOG4J_RULES_IN_SECURITY_LAYER)
        else:
            accept_finding(
                alb.lb,
                "CKV2_AWS_28",
                env.decisions.no_waf,
            )

        namespace = None
        if compute.service_discovery_namespace:
            namespace = discovery_namespace(self, env=env, vpc_id=network.vpc_id)

        services: dict[str, ContainerService] = {}
        repositories: dict[str, EcrRepository] = {}
        blue: dict[str, LbTargetGroup] = {}
        green: dict[str, LbTargetGroup] = {}
        # read once: every service names them (each read is a round trip into the bindings)
        cluster_arn, cluster_name = cluster.arn, cluster.name
        for spec in compute.services:
            repository = container_repository(self, spec, env=env, namer=self.namer, kms_key_arn=security.kms_key_arn)
            log_group_name = self.namer.service_log_group(spec)
            target_groups = service_routing(self, spec, alb=alb, env=env, namer=self.namer, vpc_id=network.vpc_id)
            registry = (
                discovery_service(self, spec, namespace_id=namespace.id)
                if namespace and spec.service_discovery
                else None
            )
            service = ContainerService(
                self,
                f"service-{spec.container_name}",
                config=spec,
                cluster_arn=cluster_arn,
                image=f"{repository.repository_url}:{spec.image_tag}",
                region=env.region,
                log_group_name=log_group_name,
                task_family=self.namer.task_family(spec),
                kms_key_arn=self.log_key,
                execution_role_arn=security.execution_role_arns[spec.name],
                task_role_arn=security.task_role_arns[spec.name],
                subnet_ids=network.public_subnet_ids if spec.subnet_tier == "public" else network.private_subnet_ids,
                security_group_id=security.service_security_group_ids[spec.name],
                target_group_arn=target_groups[0].arn,
                environment_values=self._environment_values(spec),
                secret_values=self._secret_values(spec),
                service_registry_arn=registry.arn if registry else None,
                capacity_provider=capacity.name if capacity and spec.capacity == "ec2" else None,
                # ECS refuses a strategy naming a capacity provider the cluster does not have yet.
                depends_on=[cluster_capacity] if capacity and spec.capacity == "ec2" else (),
            )
            if spec.assign_public_ip:
                accept_finding(
                    service.service,
                    "CKV_AWS_333",
                    env.decisions.public_task_ips,
                )
            pull_and_log_grant(
                self,
                spec,
                role_name=security.execution_role_names[spec.name],
                repository_arn=repository.arn,
                log_group_arns=[service.log_group.arn] + ([service.xray_log_group.arn] if spec.xray_sidecar else []),
            )
            data_secrets = self._data_secrets(spec)
            if data_secrets:
                data_secrets_grant(
                    self, spec, role_name=security.execution_role_names[spec.name], secrets=data_secrets,
                    region=env.region,
                )  # fmt: skip
            if spec.enable_execute_command:
                execute_command_grant(
                    self,
                    spec,
                    role_name=security.task_role_names[spec.name],
                    session_log_arn=session_logs.arn if session_logs else None,
                    kms_key_arn=security.kms_key_arn,
                )
            if spec.autoscaling and self.creates_all(
                ("aws_appautoscaling_target", f"{spec.container_name} scaling target"),
                ("aws_appautoscaling_policy", f"{spec.container_name} scaling policies"),
            ):
                ServiceAutoscaling(
                    self,
                    f"scaling-{spec.container_name}",
                    config=spec.autoscaling,
                    name=self.namer.for_service(spec.container_name),
                    cluster_name=cluster_name,
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
                listener_arn=alb.https_arn,
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
                cluster_name=cluster_name,
                cluster_arn=cluster_arn,
                service_names={name: s.name for name, s in services.items()},
                service_arns={name: s.arn for name, s in services.items()},
                log_group_names={name: s.log_group.name for name, s in services.items()},
                repository_arns={name: r.arn for name, r in repositories.items()},
                repository_urls={name: r.repository_url for name, r in repositories.items()},
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
        )

    def _environment_values(self, service: Service) -> dict[str, str]:
        """A service's environment, with `@bucket:<name>` replaced by that bucket's name and `@database:host`
        and `@database:port` by the database's endpoint, all from the data layer."""
        host, port = DATABASE_ENDPOINT_VALUES
        database = {host: self.data.database_endpoint, port: Token.as_string(self.data.database_port)}
        return {
            variable: self.data.bucket_names[value.removeprefix(BUCKET_REFERENCE)]
            if value.startswith(BUCKET_REFERENCE)
            else database.get(value, value)
            for variable, value in service.environment.items()
        }

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
                else self._secret_arn(name) + (f":{json_key}::" if json_key else "")
            )
        return values

    def _secret_arn(self, name: str) -> str:
        data = self.data
        platform = {DATABASE_SECRET: data.database_master_secret_arn, CACHE_AUTH_SECRET: data.cache_auth_secret_arn}
        return platform[name] if name in platform else self.security.secret_arns[name]

    def _data_secrets(self, service: Service) -> dict[str, str]:
        """The data layer's secrets (@database, @cache) a service's containers name: ARN -> its key."""
        data = self.data
        keys = {
            DATABASE_SECRET: (data.database_master_secret_arn, data.database_secret_key_arn),
            CACHE_AUTH_SECRET: (data.cache_auth_secret_arn, data.cache_auth_secret_key_arn),
        }
        named = {source.split(":")[0] for source in service.secrets.values()}
        return dict(keys[name] for name in sorted(named & set(keys)))

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
        )
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

"""Layer 5: how images ship. Either a CI deploy role, assumed through GitHub OIDC, that may push to
the service repositories and roll those services, nothing more; or, per service, an AWS
CodePipeline with CodeBuild and CodeDeploy blue-green deployments."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.codestarconnections_connection import CodestarconnectionsConnection
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.data_aws_partition import DataAwsPartition
from constructs import Construct

from hipaa_platform.building.layer_stack import BuildContext, LayerStack
from hipaa_platform.config import Service
from hipaa_platform.contracts import by_name
from hipaa_platform.contracts.compute import TEST_LISTENER, ComputeOutputs
from hipaa_platform.contracts.data import DataOutputs
from hipaa_platform.contracts.pipeline import GITHUB, PipelineOutputs
from hipaa_platform.contracts.security import SecurityOutputs, key_arn
from modules.pipeline.blue_green_delivery import ARTIFACT_BUCKET_ROLE, BlueGreenDelivery, DeliveryRoles, ServiceTarget
from modules.pipeline.delivery_roles import delivery_roles
from modules.pipeline.github_deploy_role import StaticSite, github_deploy_role
from modules.shared.log_group import EncryptedLogGroup
from modules.shared.s3_bucket import SecureBucket


@dataclass(frozen=True)
class _SharedDelivery:
    """What every service's delivery uses alike."""

    roles: DeliveryRoles
    connection_arn: str
    artifact_bucket: str
    build_log_group: str
    registry: str
    build_secrets: dict[str, str]


class PipelineLayer(LayerStack):
    LAYER = "pipeline"

    def __init__(self, scope: Construct, context: BuildContext) -> None:
        super().__init__(scope, context)
        env = self.environment
        self.compute = self.read(ComputeOutputs)
        deploy_roles = {}
        if env.pipeline.github_repository:
            # An immutable repository takes each tag once: every release is a new tag, run by a new
            # task definition revision naming the services' roles; a moving tag only rolls the services.
            new_revisions = env.compute.image_tag_mutability == "IMMUTABLE"
            security = self.read(SecurityOutputs) if new_revisions or env.pipeline.static_sites else None
            data = self.read(DataOutputs) if env.pipeline.static_sites else None
            deploy_roles[GITHUB] = github_deploy_role(
                self,
                env=env,
                namer=self.namer,
                repository_arns=self.compute.repository_arns,
                service_arns=self.compute.service_arns,
                passed_role_arns=tuple(
                    arns[s.name]
                    for s in by_name(env.compute.services)
                    for arns in (security.task_role_arns, security.execution_role_arns)
                )
                if new_revisions
                else (),
                static_sites=tuple(
                    StaticSite(data.bucket_arns[spec.name], key_arn(security, env, spec.kms_key))
                    for spec in env.data.buckets
                    if spec.name in env.pipeline.static_sites
                ),
            )
        pipelines: dict[str, str] = {}
        connections: dict[str, str] = {}
        if env.pipeline.codepipeline:
            connection, pipelines = self._codepipelines()
            connections |= {GITHUB: connection} if connection else {}
        self.publish(
            PipelineOutputs(
                deploy_role_arns={key: r.arn for key, r in deploy_roles.items()},
                pipeline_names=pipelines,
                codestar_connection_arns=connections,
            )
        )

    def _codepipelines(self) -> tuple[str | None, dict[str, str]]:
        """One blue-green delivery per blue-green service, on a source connection, an artifact bucket, a
        build log group and three roles they share."""
        env = self.environment
        config = env.pipeline.codepipeline
        self.security = self.read(SecurityOutputs)
        self.account = DataAwsCallerIdentity(self, "account").account_id
        self.partition = DataAwsPartition(self, "partition").partition
        self.pipeline_key = key_arn(
            self.security, env, "pipeline" if "pipeline" in env.security.key_purposes else "default"
        )
        # On a target that cannot create these, the roles, artifact bucket and build logs remain.
        connection = (
            CodestarconnectionsConnection(
                self, "source-connection", name=self.namer.name("github"), provider_type="GitHub"
            )
            if self.creates_all(
                ("aws_codestarconnections_connection", "GitHub source connection"),
                ("aws_codebuild_project", "build and integration-test projects per blue-green service"),
                ("aws_codedeploy_app", "CodeDeploy application per blue-green service"),
                ("aws_codedeploy_deployment_group", "CodeDeploy deployment group per blue-green service"),
                ("aws_codepipeline", "CodePipeline per blue-green service"),
            )
            else None
        )
        artifacts = SecureBucket(
            self,
            ARTIFACT_BUCKET_ROLE,
            bucket_name=self.namer.bucket(ARTIFACT_BUCKET_ROLE, self.account),
            kms_key_arn=self.pipeline_key,
            noncurrent_version_expiration_days=config.artifact_retention_days,
            access_log_bucket=self.read(DataOutputs).access_log_bucket_name,
            force_destroy=self.context.target.disposable,
        )
        build_logs = EncryptedLogGroup(
            self,
            "build-logs",
            name=self.namer.log_group("codebuild"),
            retention_days=env.networking.flow_log_retention_days,
            kms_key_arn=key_arn(self.security, env, env.security.log_key),
        )
        blue_green = [s for s in by_name(env.compute.services) if s.deployment == "blue_green"]
        self.pipeline_names = {
            s.name: self.namer.bounded(self.namer.for_service(s.container_name), 64) for s in blue_green
        }
        roles = self._delivery_roles(blue_green, artifacts.arn, build_logs.arn, connection)
        if connection is None:
            return None, {}
        # read once: every service's pipeline names them (each read is a round trip into the bindings)
        shared = _SharedDelivery(
            roles=roles,
            connection_arn=connection.arn,
            artifact_bucket=artifacts.name,
            build_log_group=build_logs.name,
            registry=f"{self.account}.dkr.ecr.{env.region}.amazonaws.com",
            build_secrets={variable: self._secret_name(ref) for variable, ref in config.build_secrets.items()},
        )
        return shared.connection_arn, {spec.name: self._delivery(spec, shared) for spec in blue_green}

    def _delivery_roles(
        self,
        blue_green: list[Service],
        artifacts_arn: str,
        build_logs_arn: str,
        connection: CodestarconnectionsConnection | None,
    ) -> DeliveryRoles:
        env, security, compute = self.environment, self.security, self.compute
        partition, region, account = self.partition, env.region, self.account
        secret_names = (
            self._secret_name(ref.split(":")[0]) for ref in env.pipeline.codepipeline.build_secrets.values()
        )
        return delivery_roles(
            self,
            namer=self.namer,
            account=account,
            partition=partition,
            region=region,
            artifacts_arn=artifacts_arn,
            artifact_key_arn=self.pipeline_key,
            connection_arn=connection.arn if connection else None,
            project_arns=tuple(
                f"arn:{partition}:codebuild:{region}:{account}:project/{name}-*"
                for name in self.pipeline_names.values()
            ),
            passed_role_arns=tuple(
                arns[s.name] for s in blue_green for arns in (security.task_role_arns, security.execution_role_arns)
            ),
            build_log_group_arn=build_logs_arn,
            repository_arns=tuple(compute.repository_arns[s.name] for s in blue_green),
            build_secret_arns=tuple(
                f"arn:{partition}:secretsmanager:{region}:{account}:secret:{name}-*" for name in secret_names
            ),
            build_secret_key_arns=tuple(
                dict.fromkeys(security.kms_key_arns[spec.kms_key] for spec in self._build_secret_specs())
            ),
        )

    def _build_secret_specs(self) -> list:
        """The security.secrets the builds read (each is decrypted with its own key)."""
        referenced = {ref.split(":")[0] for ref in self.environment.pipeline.codepipeline.build_secrets.values()}
        return [spec for spec in self.environment.security.secrets if spec.name in referenced]

    def _delivery(self, spec: Service, shared: _SharedDelivery) -> str:
        """The service's pipeline; returns its name."""
        compute, config = self.compute, self.environment.pipeline.codepipeline
        delivery = BlueGreenDelivery(
            self,
            f"delivery-{spec.container_name}",
            name=self.pipeline_names[spec.name],
            container_name=spec.container_name,
            config=config,
            target=ServiceTarget(
                cluster_name=compute.cluster_name,
                service_name=compute.service_names[spec.name],
                repository_name=self.namer.repository(spec),
                prod_listener_arn=compute.https_listener_arn,
                test_listener_arn=compute.test_listener_arns[TEST_LISTENER],
                blue_target_group=compute.blue_target_group_names[spec.name],
                green_target_group=compute.green_target_group_names[spec.name],
                rollback_alarms=tuple(
                    self.namer.service_alarm(spec.container_name, kind) for kind in ("5xx-rate", "p99-latency")
                ),
            ),
            roles=shared.roles,
            connection_arn=shared.connection_arn,
            artifact_bucket=shared.artifact_bucket,
            kms_key_arn=self.pipeline_key,
            build_log_group=shared.build_log_group,
            registry=shared.registry,
            build_secrets=shared.build_secrets,
        )
        return delivery.pipeline.name

    def _secret_name(self, reference: str) -> str:
        """`name[:json-key]` of security.secrets -> its Secrets Manager name, the key kept."""
        name, separator, key = reference.partition(":")
        return self.environment.security.secret_name(name, self.namer.prefix) + separator + key

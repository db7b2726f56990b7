"""Layer 2: customer-managed keys, VPC flow logs, the security-group chain, IAM roles (with an
optional permission boundary), encrypted parameters and secrets, the TLS certificate, and the WAF
web ACL. The account's guards (trail, GuardDuty, Security Hub, AWS Config) are its baseline's."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.acm_certificate import AcmCertificate
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.data_aws_kms_key import DataAwsKmsKey
from cdktf_cdktf_provider_aws.data_aws_partition import DataAwsPartition
from constructs import Construct

from hipaa_platform.building.layer_stack import BuildContext, LayerStack
from hipaa_platform.building.naming import Namer
from hipaa_platform.config import DEFAULT_KEY
from hipaa_platform.contracts import by_name
from hipaa_platform.contracts.networking import NetworkingOutputs
from hipaa_platform.contracts.security import API_GATEWAY, EC2_CAPACITY, LOAD_BALANCER, SecurityOutputs
from hipaa_platform.gate.acceptances import accept_decision
from modules.security.certificate import dns_validated_certificate
from modules.security.container_instance_identity import ContainerInstanceIdentity, volume_key_statements
from modules.security.flow_logs import VpcFlowLogs
from modules.security.instance_refresh_role import instance_refresh_role
from modules.security.operator_sessions import OperatorSessions
from modules.security.out_of_band_values import out_of_band_secret, secure_parameter
from modules.security.platform_keys import PlatformKeys
from modules.security.rds_monitoring import rds_monitoring_role
from modules.security.security_group_chain import SecurityGroups
from modules.security.service_roles import ServiceRoles, workload_boundary
from modules.security.session_preferences import session_log_group_name
from modules.security.web_acl import RegionalWebAcl


class SecurityLayer(LayerStack):
    LAYER = "security"

    def __init__(self, scope: Construct, context: BuildContext) -> None:
        super().__init__(scope, context)
        env = self.environment
        network = self.read(NetworkingOutputs)
        self.account = DataAwsCallerIdentity(self, "account").account_id
        self.partition = DataAwsPartition(self, "partition").partition
        self.where = where = {"account": self.account, "partition": self.partition}

        roles = self._service_roles()
        instances = (
            ContainerInstanceIdentity(self, "container-instances", namer=self.namer, partition=self.partition)
            if env.compute.ec2_capacity
            else None
        )
        keys = PlatformKeys(
            self,
            "keys",
            environment=env,
            task_role_arns=[roles[s.name].task.arn for s in by_name(env.compute.services)],
            grants={env.compute.ec2_capacity.kms_key: volume_key_statements(instances.autoscaling_role.arn)}
            if instances
            else None,
            **where,
        ).arns
        default_key, log_key = keys[DEFAULT_KEY], keys[env.security.log_key]
        if instances:
            OperatorSessions(
                self,
                "operator-sessions",
                namer=self.namer,
                environment_name=env.name,
                instance_role_name=instances.role.name,
                # the account's session preferences (its baseline) record every session there
                session_log_group_name=session_log_group_name(Namer(env.baseline.name_prefix)),
                session_key_arn=DataAwsKmsKey(self, "account-evidence-key", key_id=env.baseline.evidence_key_alias).arn,
                region=env.region,
                **where,
            )
        VpcFlowLogs(
            self,
            "flow-logs",
            vpc_id=network.vpc_id,
            namer=self.namer,
            kms_key_arn=log_key,
            retention_days=env.networking.flow_log_retention_days,
            region=env.region,
            **where,
        )
        groups = SecurityGroups(self, "sg", environment=env, vpc_id=network.vpc_id, namer=self.namer).chain
        parameters, secrets = self._parameters(default_key), self._secrets(keys)
        self._grant_own_values(roles, parameters, secrets, keys)
        monitoring_role = rds_monitoring_role(self, namer=self.namer, **where)
        refresh_role = instance_refresh_role(self, namer=self.namer, region=env.region, **where) if instances else None
        certificate, edge_certificate = self._certificates()
        web_acl = self._web_acl(log_key)

        self.publish(
            SecurityOutputs(
                kms_key_arn=default_key,
                kms_key_arns={p: keys[p] for p in env.security.key_purposes},
                alb_security_group_id=groups.alb.id,
                cache_security_group_ids={env.data.cache_name: groups.cache.id} if groups.cache else {},
                vpc_link_security_group_ids={API_GATEWAY: groups.vpc_link.id} if groups.vpc_link else {},
                web_acl_arns={LOAD_BALANCER: web_acl.arn} if web_acl else {},
                service_security_group_ids={name: sg.id for name, sg in groups.services.items()},
                database_security_group_id=groups.database.id,
                execution_role_arns={name: r.execution.arn for name, r in roles.items()},
                execution_role_names={name: r.execution.name for name, r in roles.items()},
                task_role_arns={name: r.task.arn for name, r in roles.items()},
                task_role_names={name: r.task.name for name, r in roles.items()},
                rds_monitoring_role_arn=monitoring_role.arn,
                certificate_arn=certificate.arn,
                edge_certificate_arn=edge_certificate.arn,
                parameter_names={name: p.name for name, p in parameters.items()},
                parameter_arns={name: p.arn for name, p in parameters.items()},
                secret_arns={name: s.arn for name, s in secrets.items()},
                container_instance_profile_arns={EC2_CAPACITY: instances.profile.arn} if instances else {},
                autoscaling_role_arns={EC2_CAPACITY: instances.autoscaling_role.arn} if instances else {},
                instance_refresh_role_arns={EC2_CAPACITY: refresh_role.arn} if refresh_role else {},
                container_instance_security_group_ids={EC2_CAPACITY: groups.instances.id} if groups.instances else {},
            )
        )

    def _service_roles(self) -> dict[str, ServiceRoles]:
        """Each service's execution and task roles, under the permission boundary where configured."""
        env, where = self.environment, self.where
        boundary = (
            workload_boundary(self, "workload-boundary", environment=env, namer=self.namer, **where)
            if env.security.permission_boundary
            else None
        )
        return {
            s.name: ServiceRoles(
                self,
                f"service-{s.container_name}",
                service=s,
                environment=env,
                namer=self.namer,
                boundary=boundary,
                **where,
            )
            for s in env.compute.services
        }

    def _parameters(self, key_arn: str) -> dict:
        env = self.environment
        return {
            name: secure_parameter(
                self,
                f"parameter-{name}",
                path=self.namer.path(name),
                kms_key_arn=key_arn,
                description=f"{name} for {env.application}",
            )
            for name in env.security.parameters
        }

    def _secrets(self, keys: dict[str, str]) -> dict:
        env = self.environment
        return {
            spec.name: out_of_band_secret(
                self,
                f"secret-{spec.name}",
                name=env.security.secret_name(spec.name, self.namer.prefix),
                description=spec.description,
                kms_key_arn=keys[spec.kms_key],
            )
            for spec in env.security.secrets
        }

    def _grant_own_values(
        self, roles: dict[str, ServiceRoles], parameters: dict, secrets: dict, keys: dict[str, str]
    ) -> None:
        """Each service's execution role reads the parameters and secrets its containers name, and its
        task role uses the default key."""
        sources = {name: p.arn for name, p in parameters.items()} | {name: s.arn for name, s in secrets.items()}
        secret_keys = {spec.name: keys[spec.kms_key] for spec in self.environment.security.secrets}
        for service_roles in roles.values():
            service_roles.grant_own_secrets(sources, secret_keys, keys[DEFAULT_KEY])
            service_roles.grant_phi_encryption_and_metrics(keys[DEFAULT_KEY])

    def _certificates(self) -> tuple[AcmCertificate, AcmCertificate]:
        """The load balancer's certificate, and CloudFront's: CloudFront takes certificates from us-east-1
        only, whatever region the environment runs in."""
        env = self.environment
        certificate = dns_validated_certificate(
            self,
            "certificate",
            (env.security.certificate_domain, *env.security.certificate_alternative_names),
            needed_by="compute",
        )
        if not env.edge_certificate_names:
            return certificate, certificate
        edge = dns_validated_certificate(
            self,
            "edge-certificate",
            env.edge_certificate_names,
            needed_by="data",
            provider=self.provider_in("us-east-1"),
        )
        return certificate, edge

    def _web_acl(self, log_key: str) -> RegionalWebAcl | None:
        env = self.environment
        if not env.security.waf:
            return None
        web_acl = RegionalWebAcl(self, "waf", name=self.namer.name("waf"), config=env.security.waf, log_key_arn=log_key)
        if env.security.waf.count_only:
            accept_decision(web_acl.acl, env.decisions, "waf_count_only")
        return web_acl

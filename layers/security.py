"""Layer 2: customer-managed keys, VPC flow logs, the security-group chain, IAM roles (with an
optional permission boundary), encrypted parameters and secrets, the TLS certificate, and the
account's guards where configured: WAF, GuardDuty, Security Hub, CloudTrail."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf import TerraformOutput, TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.acm_certificate import AcmCertificate
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.data_aws_partition import DataAwsPartition
from cdktf_cdktf_provider_aws.flow_log import FlowLog
from cdktf_cdktf_provider_aws.iam_policy import IamPolicy
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.secretsmanager_secret import SecretsmanagerSecret
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.ssm_parameter import SsmParameter
from cdktf_cdktf_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from hipaa_platform.config import DEFAULT_KEY, Environment, Service
from hipaa_platform.contracts import LayerOutputs, by_name, described
from hipaa_platform.layer import BuildContext, LayerStack
from hipaa_platform.suppressions import accept_finding
from layers.networking import NetworkingOutputs
from modules.audit_trail import AuditTrail
from modules.iam import Statement, policy_document, service_trust
from modules.kms_key import CustomerManagedKey
from modules.log_group import EncryptedLogGroup
from modules.s3_bucket import NO_EVENT_NOTIFICATIONS, NO_REPLICATION
from modules.threat_detection import GuardDuty, SecurityHub
from modules.web_acl import RegionalWebAcl

HTTP_REDIRECT_ONLY = (
    "Port 80 is open only so the listener can answer every request with a 301 redirect to HTTPS; "
    "no traffic is forwarded on it (seed requirement)."
)
# Keys of the contract maps that hold at most one item.
LOAD_BALANCER = "load-balancer"
API_GATEWAY = "api-gateway"
PARAMETER_PLACEHOLDER = "unset: populate out of band (docs/operations.md)"
# What ECS itself does with a task role once ECS Exec is on; part of every boundary.
EXECUTE_COMMAND_ACTIONS = (
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
)
# Platform grants of other layers (parameters, secrets, images, logs, metrics, PHI field encryption).
PLATFORM_ACTIONS = (
    "ssm:GetParameters",
    "secretsmanager:GetSecretValue",
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "ecr:GetAuthorizationToken",
    "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "logs:DescribeLogGroups",
    "cloudwatch:PutMetricData",
    "s3:PutObject",
    "s3:GetObject",
    "s3:DeleteObject",
    "s3:ListBucket",
    "s3:GetEncryptionConfiguration",
)


@dataclass(frozen=True)
class SecurityOutputs(LayerOutputs):
    LAYER = "security"
    kms_key_arn: str = described("ARN of the default customer-managed key (whatever names no other purpose)")
    kms_key_arns: dict[str, str] = described("Key ARN by purpose (security.key_purposes, `default` included)")
    alb_security_group_id: str = described("Security group of the load balancer")
    cache_security_group_ids: dict[str, str] = described(
        "Security group of the cache (engine ports from services) by data.cache name; empty without a cache"
    )
    vpc_link_security_group_ids: dict[str, str] = described(
        f"Security group of the API Gateway VPC link under `{API_GATEWAY}`; empty without an API"
    )
    web_acl_arns: dict[str, str] = described(f"Regional WAF web ACL under `{LOAD_BALANCER}`; empty without WAF")
    service_security_group_ids: dict[str, str] = described("Security group by ECS service name")
    database_security_group_id: str = described("Security group of the database (engine port from services only)")
    execution_role_arns: dict[str, str] = described("ECS task execution role ARN by service name")
    execution_role_names: dict[str, str] = described("ECS task execution role name by service name, for grants")
    task_role_arns: dict[str, str] = described("ECS task role ARN by service name")
    task_role_names: dict[str, str] = described("ECS task role name by service name, for grants by later layers")
    rds_monitoring_role_arn: str = described("Role RDS enhanced monitoring assumes to publish OS metrics")
    certificate_arn: str = described("ACM certificate ARN for the load balancer's HTTPS listener")
    parameter_names: dict[str, str] = described("SecureString parameter path by its name in security.parameters")
    parameter_arns: dict[str, str] = described("SecureString parameter ARN by its name in security.parameters")
    secret_arns: dict[str, str] = described("Secrets Manager secret ARN by its name in security.secrets")


def key_arn(outputs: SecurityOutputs, environment: Environment, purpose: str) -> str:
    """The ARN of the key for `purpose`, read from the security layer's outputs."""
    if purpose not in environment.security.key_purposes:
        raise RuntimeError(f"no key for purpose {purpose!r}; configured: {environment.security.key_purposes}")
    return outputs.kms_key_arns[purpose]


class SecurityLayer(LayerStack):
    LAYER = "security"

    def __init__(self, scope: Construct, context: BuildContext) -> None:
        super().__init__(scope, context)
        env = self.environment
        network = self.read(NetworkingOutputs)
        self.account = DataAwsCallerIdentity(self, "account").account_id
        self.partition = DataAwsPartition(self, "partition").partition
        services = env.compute.services

        boundary = self._permission_boundary() if env.security.permission_boundary else None
        task_roles = [
            IamRole(
                self,
                f"task-role-{s.container_name}",
                name=self.namer.for_service(s.container_name, "ecs-task-role"),
                description=f"Application permissions of {s.name} tasks",
                assume_role_policy=service_trust(
                    "ecs-tasks.amazonaws.com",
                    account_id=self.account,
                    source_arn=f"arn:{self.partition}:ecs:{env.region}:{self.account}:*",
                ),
                permissions_boundary=boundary,
            )
            for s in services
        ]
        execution_roles = [
            IamRole(
                self,
                f"execution-role-{s.container_name}",
                name=self.namer.for_service(s.container_name, "ecs-execution-role"),
                description=f"What ECS needs to start {s.name} tasks: image pull, logs, secrets",
                assume_role_policy=service_trust("ecs-tasks.amazonaws.com", account_id=self.account),
                permissions_boundary=boundary,
            )
            for s in services
        ]

        task_role_by_service = {s.name: r for s, r in zip(services, task_roles, strict=True)}
        keys = self._keys([task_role_by_service[s.name].arn for s in by_name(services)])
        default_key = keys[DEFAULT_KEY]
        log_key = keys[env.security.log_key]

        self._flow_logs(network, log_key, self.account, self.partition)
        groups = self._security_groups(network)

        parameters = [
            SsmParameter(
                self,
                f"parameter-{name}",
                name=self.namer.path(name),
                description=f"{name} for {env.application}; the value is set out of band, never by Terraform",
                type="SecureString",
                key_id=default_key,
                value=PARAMETER_PLACEHOLDER,
                lifecycle=TerraformResourceLifecycle(ignore_changes=["value"]),
            )
            for name in env.security.parameters
        ]
        secrets = [self._secret(spec.name, spec.description, keys[spec.kms_key]) for spec in env.security.secrets]
        source_arns = {name: p.arn for name, p in zip(env.security.parameters, parameters, strict=True)}
        source_arns |= {spec.name: s.arn for spec, s in zip(env.security.secrets, secrets, strict=True)}
        secret_keys = {spec.name: keys[spec.kms_key] for spec in env.security.secrets}

        for service, role in zip(services, execution_roles, strict=True):
            self._execution_secret_grants(service, role, source_arns, secret_keys, default_key)
        for service, role in zip(services, task_roles, strict=True):
            IamRolePolicy(
                self,
                f"task-kms-metrics-{service.container_name}",
                name="phi-field-encryption-and-metrics",
                role=role.id,
                policy=policy_document(
                    Statement(
                        sid="PhiFieldEncryption",
                        actions=("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"),
                        resources=(default_key,),
                    ),
                    Statement(
                        sid="PublishApplicationMetrics",
                        actions=("cloudwatch:PutMetricData",),
                        resources=("*",),
                        conditions={"StringEquals": {"cloudwatch:namespace": env.application}},
                    ),
                ),
            )

        monitoring_role = IamRole(
            self,
            "rds-monitoring-role",
            name=self.namer.name("rds-monitoring-role"),
            description="RDS enhanced monitoring publishes OS metrics to CloudWatch Logs",
            assume_role_policy=service_trust("monitoring.rds.amazonaws.com", account_id=self.account),
        )
        IamRolePolicyAttachment(
            self,
            "rds-monitoring-policy",
            role=monitoring_role.name,
            policy_arn=f"arn:{self.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
        )

        certificate = AcmCertificate(
            self,
            "certificate",
            domain_name=env.security.certificate_domain,
            subject_alternative_names=list(env.security.certificate_alternative_names) or None,
            validation_method="DNS",
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
        )
        TerraformOutput(
            self,
            "certificate_validation_records",
            value=certificate.domain_validation_options,
            description="DNS records to create at the domain's DNS provider before deploying compute",
        )

        web_acls = []
        if env.security.waf:
            web_acls.append(
                RegionalWebAcl(self, "waf", name=self.namer.name("waf"), config=env.security.waf, log_key_arn=log_key)
            )
        if env.security.guardduty:
            features = self.creates("aws_guardduty_detector_feature", "GuardDuty S3 and RDS protection features")
            guardduty = GuardDuty(self, "guardduty", with_features=features)
            accept_finding(
                guardduty.detector,
                "CKV2_AWS_3",
                "The platform owns one account in one region and enables the detector there; organization-wide "
                "GuardDuty is configured from the organization's management account, outside this project.",
            )
        if env.security.security_hub and self.creates_all(
            ("aws_securityhub_account", "Security Hub"),
            ("aws_securityhub_standards_subscription", "FSBP and NIST 800-53 standards"),
        ):
            SecurityHub(self, "security-hub", partition=self.partition, region=env.region)
        if env.security.cloudtrail:
            trail = AuditTrail(
                self,
                "cloudtrail",
                config=env.security.cloudtrail,
                namer=self.namer,
                account=self.account,
                partition=self.partition,
                region=env.region,
                kms_key_arn=keys[env.security.cloudtrail.kms_key],
                force_destroy=context.target.disposable,
            )
            accept_finding(
                trail.bucket.bucket,
                "CKV_AWS_18",
                "The server access-log bucket is created in the data layer, after this one; every API call on "
                "this bucket is recorded by the trail itself, and Object Lock keeps its objects immutable.",
            )
            accept_finding(trail.bucket.bucket, "CKV_AWS_144", NO_REPLICATION)
            accept_finding(trail.bucket.bucket, "CKV2_AWS_62", NO_EVENT_NOTIFICATIONS)
            accept_finding(
                trail.trail,
                "CKV_AWS_252",
                "Trail delivery is watched through its CloudWatch Logs group (metric filters and alarms in the "
                "observability layer), not through a per-file SNS notification.",
            )

        self.publish(
            SecurityOutputs(
                kms_key_arn=default_key,
                kms_key_arns={p: keys[p] for p in env.security.key_purposes},
                alb_security_group_id=groups.alb.id,
                cache_security_group_ids={env.data.cache.name: groups.cache[0].id} if groups.cache else {},
                vpc_link_security_group_ids={API_GATEWAY: groups.vpc_link[0].id} if groups.vpc_link else {},
                web_acl_arns={LOAD_BALANCER: web_acls[0].arn} if web_acls else {},
                service_security_group_ids={s.name: sg.id for s, sg in zip(services, groups.services, strict=True)},
                database_security_group_id=groups.database.id,
                execution_role_arns={s.name: r.arn for s, r in zip(services, execution_roles, strict=True)},
                execution_role_names={s.name: r.name for s, r in zip(services, execution_roles, strict=True)},
                task_role_arns={s.name: r.arn for s, r in zip(services, task_roles, strict=True)},
                task_role_names={s.name: r.name for s, r in zip(services, task_roles, strict=True)},
                rds_monitoring_role_arn=monitoring_role.arn,
                certificate_arn=certificate.arn,
                parameter_names={n: p.name for n, p in zip(env.security.parameters, parameters, strict=True)},
                parameter_arns={n: p.arn for n, p in zip(env.security.parameters, parameters, strict=True)},
                secret_arns={spec.name: s.arn for spec, s in zip(env.security.secrets, secrets, strict=True)},
            )
        )

    # -- keys ------------------------------------------------------------------------------------
    def _keys(self, task_role_arns: list[str]) -> dict[str, str]:
        """Key ARN by purpose: the default key, then one key per configured purpose."""
        env = self.environment
        default = CustomerManagedKey(
            self,
            "phi-key",
            alias=env.security.kms_key_alias,
            description=f"{env.application} default key (whatever names no other purpose)",
            deletion_window_days=env.security.kms_deletion_window_days,
            policy=self._key_policy(
                env.security.default_key_services,
                Statement(
                    sid="TaskRolesUseForPhiFields",
                    principals={"AWS": task_role_arns},
                    actions=("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"),
                    resources=("*",),
                ),
            ),
        )
        keys = {DEFAULT_KEY: default.arn}
        for spec in env.security.keys:
            key = CustomerManagedKey(
                self,
                f"{spec.purpose}-key",
                alias=spec.alias,
                description=f"{env.application} {spec.purpose} key",
                deletion_window_days=env.security.kms_deletion_window_days,
                policy=self._key_policy(spec.allow_services),
            )
            keys[spec.purpose] = key.arn
        return keys

    def _key_policy(self, services: tuple[str, ...], *grants: Statement) -> str:
        env, account = self.environment, self.account
        source_account = {"StringEquals": {"aws:SourceAccount": account}}
        trails = f"arn:{self.partition}:cloudtrail:*:{account}:trail/*"
        by_service = {
            "logs": Statement(
                sid="CloudWatchLogsEncryptsLogGroups",
                principals={"Service": f"logs.{env.region}.amazonaws.com"},
                actions=("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"),
                resources=("*",),
                conditions={
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": (
                            f"arn:{self.partition}:logs:{env.region}:{account}:log-group:*"
                        )
                    }
                },
            ),
            "cloudwatch": Statement(
                sid="CloudWatchAlarmsPublishToEncryptedTopics",
                principals={"Service": "cloudwatch.amazonaws.com"},
                actions=("kms:Decrypt", "kms:GenerateDataKey*"),
                resources=("*",),
                conditions=source_account,
            ),
            "cloudtrail": Statement(
                sid="CloudTrailEncryptsTrail",
                principals={"Service": "cloudtrail.amazonaws.com"},
                actions=("kms:GenerateDataKey*", "kms:DescribeKey"),
                resources=("*",),
                conditions={
                    **source_account,
                    "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": trails},
                },
            ),
            "events": Statement(
                sid="EventBridgeDeliversToEncryptedTargets",
                principals={"Service": "events.amazonaws.com"},
                actions=("kms:Decrypt", "kms:GenerateDataKey"),
                resources=("*",),
                conditions=source_account,
            ),
            "sns": Statement(
                sid="SnsDeliversToEncryptedQueues",
                principals={"Service": "sns.amazonaws.com"},
                actions=("kms:Decrypt", "kms:GenerateDataKey"),
                resources=("*",),
                conditions=source_account,
            ),
        }
        return policy_document(
            Statement(
                sid="AccountAdministers",
                principals={"AWS": f"arn:{self.partition}:iam::{account}:root"},
                actions=("kms:*",),
                resources=("*",),
            ),
            *grants,
            *(by_service[service] for service in services),
        )

    # -- roles and secrets -----------------------------------------------------------------------
    def _permission_boundary(self) -> str:
        """The most any workload role can ever do: the actions its grants use, and nothing else."""
        env = self.environment
        granted = {action for s in env.compute.services for grant in s.permissions for action in grant.actions}
        boundary = IamPolicy(
            self,
            "workload-boundary",
            name=self.namer.name("workload-boundary"),
            description="Permission boundary of every ECS task and execution role",
            policy=policy_document(
                Statement(
                    sid="WorkloadActionsOnly",
                    actions=tuple(sorted(granted | set(PLATFORM_ACTIONS) | set(EXECUTE_COMMAND_ACTIONS))),
                    resources=("*",),
                ),
                Statement(
                    sid="NeverManageIdentityOrKeys",
                    effect="Deny",
                    actions=(
                        "iam:*",
                        "organizations:*",
                        "kms:ScheduleKeyDeletion",
                        "kms:PutKeyPolicy",
                        "kms:DisableKey",
                        "cloudtrail:StopLogging",
                        "cloudtrail:DeleteTrail",
                    ),
                    resources=("*",),
                ),
            ),
        )
        return boundary.arn

    def _secret(self, name: str, description: str, kms_key_arn: str) -> SecretsmanagerSecret:
        secret = SecretsmanagerSecret(
            self,
            f"secret-{name}",
            name=self.namer.secret(name),
            description=f"{description}; the value is set out of band, never by Terraform",
            kms_key_id=kms_key_arn,
            recovery_window_in_days=30,
        )
        accept_finding(
            secret,
            "CKV2_AWS_57",
            "The value is written out of band by the team that owns it (docs/operations.md); there is no "
            "rotation Lambda for it, and the database behind it authenticates with IAM, not this value.",
        )
        return secret

    def _execution_secret_grants(
        self,
        service: Service,
        role: IamRole,
        source_arns: dict[str, str],
        secret_keys: dict[str, str],
        default_key: str,
    ) -> None:
        env = self.environment
        sources = sorted({source.split(":")[0] for source in service.secrets.values()})
        if not sources:
            return
        parameters = [name for name in sources if name in env.security.parameters]
        secrets = [name for name in sources if name not in env.security.parameters]
        statements = []
        if parameters:
            statements += [
                Statement(
                    sid="ReadOwnParameters",
                    actions=("ssm:GetParameters",),
                    resources=tuple(source_arns[name] for name in parameters),
                ),
                Statement(
                    sid="DecryptParametersThroughSsm",
                    actions=("kms:Decrypt",),
                    resources=(default_key,),
                    conditions={"StringEquals": {"kms:ViaService": f"ssm.{env.region}.amazonaws.com"}},
                ),
            ]
        if secrets:
            statements += [
                Statement(
                    sid="ReadSecrets",
                    actions=("secretsmanager:GetSecretValue",),
                    resources=tuple(source_arns[name] for name in secrets),
                ),
                Statement(
                    sid="DecryptSecrets",
                    actions=("kms:Decrypt",),
                    resources=tuple(dict.fromkeys(secret_keys[name] for name in secrets)),
                    conditions={"StringEquals": {"kms:ViaService": f"secretsmanager.{env.region}.amazonaws.com"}},
                ),
            ]
        IamRolePolicy(
            self,
            f"execution-secrets-{service.container_name}",
            name="read-secure-parameters" if not secrets else "read-secrets",
            role=role.id,
            policy=policy_document(*statements),
        )

    def _flow_logs(self, network: NetworkingOutputs, key_arn: str, account: str, partition: str) -> None:
        env = self.environment
        log_group = EncryptedLogGroup(
            self,
            "flow-log-group",
            name=self.namer.log_group("vpc-flow-logs"),
            retention_days=env.networking.flow_log_retention_days,
            kms_key_arn=key_arn,
        )
        role = IamRole(
            self,
            "flow-log-role",
            name=self.namer.name("vpc-flow-logs-role"),
            description="VPC flow logs deliver records to their encrypted log group",
            assume_role_policy=service_trust(
                "vpc-flow-logs.amazonaws.com",
                account_id=account,
                source_arn=f"arn:{partition}:ec2:{env.region}:{account}:vpc-flow-log/*",
            ),
        )
        IamRolePolicy(
            self,
            "flow-log-delivery",
            name="deliver-flow-logs",
            role=role.id,
            policy=policy_document(
                Statement(
                    sid="DeliverToOwnLogGroup",
                    actions=("logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"),
                    resources=(log_group.arn, f"{log_group.arn}:*"),
                )
            ),
        )
        FlowLog(
            self,
            "flow-log",
            vpc_id=network.vpc_id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=log_group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
        )

    def _tcp_rule(self, id: str, *, inbound: bool, group: str, port: int, description: str, **peer: str) -> object:
        """One single-port TCP rule; `peer` is cidr_ipv4=... or referenced_security_group_id=..."""
        rule = VpcSecurityGroupIngressRule if inbound else VpcSecurityGroupEgressRule
        return rule(
            self,
            id,
            security_group_id=group,
            description=description,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            **peer,
        )

    def _security_groups(self, network: NetworkingOutputs) -> SecurityGroups:
        env = self.environment
        lb = env.compute.load_balancer
        attached = "is attached in the {layer} layer, which checkov's per-file graph cannot see"
        alb_sg = SecurityGroup(
            self,
            "alb-sg",
            name=self.namer.name("alb-sg"),
            description=(
                "Internal load balancer: HTTPS from inside the VPC only"
                if lb.internal
                else "Public load balancer: HTTPS and the HTTP redirect from the internet"
            ),
            vpc_id=network.vpc_id,
        )
        accept_finding(alb_sg, "CKV2_AWS_5", "This group " + attached.format(layer="compute") + " (the ALB).")
        vpc_link = []
        if not lb.internal:
            ports = ((443, "HTTPS from the internet"), (80, "HTTP, answered only with a 301 to HTTPS"))
            for port, why in ports if lb.http_redirect else ports[:1]:
                rule = self._tcp_rule(
                    f"alb-in-{port}", inbound=True, group=alb_sg.id, port=port, description=why, cidr_ipv4="0.0.0.0/0"
                )
                if port == 80:
                    accept_finding(rule, "CKV_AWS_260", HTTP_REDIRECT_ONLY)
                    # A plan folds the rule into its group, where checkov then reports the same finding.
                    accept_finding(alb_sg, "CKV_AWS_260", HTTP_REDIRECT_ONLY, scan="plan")
        elif env.compute.api_gateway:
            link = SecurityGroup(
                self,
                "vpc-link-sg",
                name=self.namer.name("vpc-link-sg"),
                description="API Gateway VPC link: HTTPS to the internal load balancer only",
                vpc_id=network.vpc_id,
            )
            accept_finding(
                link, "CKV2_AWS_5", "This group " + attached.format(layer="compute") + " (the API Gateway VPC link)."
            )
            self._tcp_rule(
                "vpc-link-out-alb",
                inbound=False,
                group=link.id,
                port=443,
                description="HTTPS to the internal load balancer",
                referenced_security_group_id=alb_sg.id,
            )
            self._tcp_rule(
                "alb-in-vpc-link",
                inbound=True,
                group=alb_sg.id,
                port=443,
                description="HTTPS from the API Gateway VPC link",
                referenced_security_group_id=link.id,
            )
            vpc_link.append(link)
        else:
            self._tcp_rule(
                "alb-in-vpc",
                inbound=True,
                group=alb_sg.id,
                port=443,
                description="HTTPS from inside the VPC",
                cidr_ipv4=str(env.networking.vpc_cidr),
            )
        if lb.test_listener_port:
            self._tcp_rule("alb-in-test", inbound=True, group=alb_sg.id, port=lb.test_listener_port,
                           description="Blue-green test traffic from inside the VPC",
                           cidr_ipv4=str(env.networking.vpc_cidr))  # fmt: skip

        database_sg = SecurityGroup(
            self,
            "database-sg",
            name=self.namer.name("rds-sg"),
            description="Database: engine port from the ECS services only, no egress",
            vpc_id=network.vpc_id,
        )
        accept_finding(database_sg, "CKV2_AWS_5", "This group " + attached.format(layer="data") + " (the database).")
        cache = []
        if env.data.cache:
            cache_sg = SecurityGroup(
                self,
                "cache-sg",
                name=self.namer.name("cache-sg"),
                description="Cache: Redis ports from the services that use it only, no egress",
                vpc_id=network.vpc_id,
            )
            accept_finding(cache_sg, "CKV2_AWS_5", "This group " + attached.format(layer="data") + " (the cache).")
            cache.append(cache_sg)

        # Air-gapped networks reach AWS only through endpoints inside the VPC; otherwise through NAT.
        air_gapped = bool(env.networking.interface_endpoints) and env.networking.nat == "none"
        https_egress = str(env.networking.vpc_cidr) if air_gapped else "0.0.0.0/0"
        service_sgs = []
        for service in env.compute.services:
            sg = SecurityGroup(
                self,
                f"service-sg-{service.container_name}",
                name=self.namer.for_service(service.container_name, "ecs-sg"),
                description=f"{service.name}: container port from the load balancer only",
                vpc_id=network.vpc_id,
            )
            accept_finding(sg, "CKV2_AWS_5", "This group " + attached.format(layer="compute") + " (the ECS service).")
            service_sgs.append(sg)
            name, port = service.container_name, service.container_port
            self._tcp_rule(
                f"{name}-in-from-alb",
                inbound=True,
                group=sg.id,
                port=port,
                description=f"Container port {port} from the load balancer only",
                referenced_security_group_id=alb_sg.id,
            )
            self._tcp_rule(
                f"alb-out-to-{name}",
                inbound=False,
                group=alb_sg.id,
                port=port,
                description=f"Forward to {service.name} on its container port",
                referenced_security_group_id=sg.id,
            )
            self._tcp_rule(
                f"{name}-out-https",
                inbound=False,
                group=sg.id,
                port=443,
                description="HTTPS to AWS APIs (ECR, SSM, S3, KMS, CloudWatch)",
                cidr_ipv4=https_egress,
            )
            peers = []
            if "database" in service.connects_to:
                peers += [("database", database_sg, env.data.database_port)]
            if "cache" in service.connects_to:
                peers += [("cache", cache[0], 6379), ("cache-reader", cache[0], 6380)]
            for peer, group, peer_port in peers:
                self._tcp_rule(
                    f"{name}-out-{peer}",
                    inbound=False,
                    group=sg.id,
                    port=peer_port,
                    description=f"{peer.capitalize()} port {peer_port}",
                    referenced_security_group_id=group.id,
                )
                self._tcp_rule(
                    f"{peer}-in-from-{name}",
                    inbound=True,
                    group=group.id,
                    port=peer_port,
                    description=f"Port {peer_port} from {service.name}",
                    referenced_security_group_id=sg.id,
                )
        return SecurityGroups(alb=alb_sg, services=service_sgs, database=database_sg, cache=cache, vpc_link=vpc_link)


@dataclass
class SecurityGroups:
    alb: SecurityGroup
    services: list[SecurityGroup]
    database: SecurityGroup
    cache: list[SecurityGroup]
    vpc_link: list[SecurityGroup]

"""Layer 2: the customer-managed key, VPC flow logs, the security-group chain, IAM roles,
encrypted parameters and the TLS certificate."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf import TerraformOutput, TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.acm_certificate import AcmCertificate
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.data_aws_partition import DataAwsPartition
from cdktf_cdktf_provider_aws.flow_log import FlowLog
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.ssm_parameter import SsmParameter
from cdktf_cdktf_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from hipaa_platform.contracts import LayerOutputs, described
from hipaa_platform.layer import BuildContext, LayerStack
from hipaa_platform.suppressions import accept_finding
from layers.networking import NetworkingOutputs
from modules.iam import Statement, policy_document, service_trust
from modules.kms_key import CustomerManagedKey
from modules.log_group import EncryptedLogGroup

HTTP_REDIRECT_ONLY = (
    "Port 80 is open only so the listener can answer every request with a 301 redirect to HTTPS; "
    "no traffic is forwarded on it (seed requirement)."
)
PARAMETER_PLACEHOLDER = "unset: populate out of band (docs/operations.md)"


@dataclass(frozen=True)
class SecurityOutputs(LayerOutputs):
    LAYER = "security"
    kms_key_arn: str = described("ARN of the customer-managed key for PHI: RDS, S3, logs, parameters, SNS, ECR")
    alb_security_group_id: str = described("Security group of the public load balancer (443/80 from the internet)")
    service_security_group_ids: list[str] = described("Security group per ECS service, in compute.services order")
    database_security_group_id: str = described("Security group of the database (engine port from services only)")
    execution_role_arns: list[str] = described("ECS task execution role ARN per service, in compute.services order")
    execution_role_names: list[str] = described("ECS task execution role name per service, for grants by later layers")
    task_role_arns: list[str] = described("ECS task role ARN per service, in compute.services order")
    task_role_names: list[str] = described("ECS task role name per service, for grants by later layers")
    rds_monitoring_role_arn: str = described("Role RDS enhanced monitoring assumes to publish OS metrics")
    certificate_arn: str = described("ACM certificate ARN for the load balancer's HTTPS listener")
    parameter_names: list[str] = described("SecureString parameter names, in security.parameters order")
    parameter_arns: list[str] = described("SecureString parameter ARNs, in security.parameters order")


class SecurityLayer(LayerStack):
    LAYER = "security"

    def __init__(self, scope: Construct, context: BuildContext) -> None:
        super().__init__(scope, context)
        env = self.environment
        network = self.read(NetworkingOutputs)
        account = DataAwsCallerIdentity(self, "account").account_id
        partition = DataAwsPartition(self, "partition").partition
        services = env.compute.services
        log_groups_arn = f"arn:{partition}:logs:{env.region}:{account}:log-group:*"

        task_roles = [
            IamRole(
                self,
                f"task-role-{s.container_name}",
                name=self.namer.for_service(s.container_name, "ecs-task-role"),
                description=f"Application permissions of {s.name} tasks",
                assume_role_policy=service_trust("ecs-tasks.amazonaws.com", account_id=account),
            )
            for s in services
        ]
        execution_roles = [
            IamRole(
                self,
                f"execution-role-{s.container_name}",
                name=self.namer.for_service(s.container_name, "ecs-execution-role"),
                description=f"What ECS needs to start {s.name} tasks: image pull, logs, secrets",
                assume_role_policy=service_trust("ecs-tasks.amazonaws.com", account_id=account),
            )
            for s in services
        ]

        key = CustomerManagedKey(
            self,
            "phi-key",
            alias=env.security.kms_key_alias,
            description=f"{env.application} PHI encryption key (RDS, S3, logs, parameters, SNS, ECR)",
            deletion_window_days=env.security.kms_deletion_window_days,
            policy=policy_document(
                Statement(
                    sid="AccountAdministers",
                    principals={"AWS": f"arn:{partition}:iam::{account}:root"},
                    actions=("kms:*",),
                    resources=("*",),
                ),
                Statement(
                    sid="TaskRolesUseForPhiFields",
                    principals={"AWS": [r.arn for r in task_roles]},
                    actions=("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"),
                    resources=("*",),
                ),
                Statement(
                    sid="CloudWatchLogsEncryptsLogGroups",
                    principals={"Service": f"logs.{env.region}.amazonaws.com"},
                    actions=("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"),
                    resources=("*",),
                    conditions={"ArnLike": {"kms:EncryptionContext:aws:logs:arn": log_groups_arn}},
                ),
                Statement(
                    sid="CloudWatchAlarmsPublishToEncryptedTopics",
                    principals={"Service": "cloudwatch.amazonaws.com"},
                    actions=("kms:Decrypt", "kms:GenerateDataKey*"),
                    resources=("*",),
                    conditions={"StringEquals": {"aws:SourceAccount": account}},
                ),
            ),
        )

        self._flow_logs(network, key.arn, account, partition)
        alb_sg, service_sgs, database_sg = self._security_groups(network)

        parameters = [
            SsmParameter(
                self,
                f"parameter-{name}",
                name=self.namer.path(name),
                description=f"{name} for {env.application}; the value is set out of band, never by Terraform",
                type="SecureString",
                key_id=key.arn,
                value=PARAMETER_PLACEHOLDER,
                lifecycle=TerraformResourceLifecycle(ignore_changes=["value"]),
            )
            for name in env.security.parameters
        ]
        parameter_arn = {name: p.arn for name, p in zip(env.security.parameters, parameters, strict=True)}

        for service, role in zip(services, execution_roles, strict=True):
            if not service.secrets:
                continue
            IamRolePolicy(
                self,
                f"execution-secrets-{service.container_name}",
                name="read-secure-parameters",
                role=role.id,
                policy=policy_document(
                    Statement(
                        sid="ReadOwnParameters",
                        actions=("ssm:GetParameters",),
                        resources=tuple(parameter_arn[name] for name in service.secrets),
                    ),
                    Statement(
                        sid="DecryptParametersThroughSsm",
                        actions=("kms:Decrypt",),
                        resources=(key.arn,),
                        conditions={"StringEquals": {"kms:ViaService": f"ssm.{env.region}.amazonaws.com"}},
                    ),
                ),
            )
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
                        resources=(key.arn,),
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
            assume_role_policy=service_trust("monitoring.rds.amazonaws.com", account_id=account),
        )
        IamRolePolicyAttachment(
            self,
            "rds-monitoring-policy",
            role=monitoring_role.name,
            policy_arn=f"arn:{partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
        )

        certificate = AcmCertificate(
            self,
            "certificate",
            domain_name=env.security.certificate_domain,
            validation_method="DNS",
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
        )
        TerraformOutput(
            self,
            "certificate_validation_records",
            value=certificate.domain_validation_options,
            description="DNS records to create at the domain's DNS provider before deploying compute",
        )

        self.publish(
            SecurityOutputs(
                kms_key_arn=key.arn,
                alb_security_group_id=alb_sg.id,
                service_security_group_ids=[sg.id for sg in service_sgs],
                database_security_group_id=database_sg.id,
                execution_role_arns=[r.arn for r in execution_roles],
                execution_role_names=[r.name for r in execution_roles],
                task_role_arns=[r.arn for r in task_roles],
                task_role_names=[r.name for r in task_roles],
                rds_monitoring_role_arn=monitoring_role.arn,
                certificate_arn=certificate.arn,
                parameter_names=[p.name for p in parameters],
                parameter_arns=[p.arn for p in parameters],
            )
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

    def _security_groups(self, network: NetworkingOutputs):
        env = self.environment
        attached = "is attached in the {layer} layer, which checkov's per-file graph cannot see"
        alb_sg = SecurityGroup(
            self,
            "alb-sg",
            name=self.namer.name("alb-sg"),
            description="Public load balancer: HTTPS and the HTTP redirect from the internet",
            vpc_id=network.vpc_id,
        )
        accept_finding(alb_sg, "CKV2_AWS_5", "This group " + attached.format(layer="compute") + " (the ALB).")
        for port, why in ((443, "HTTPS from the internet"), (80, "HTTP, answered only with a 301 to HTTPS")):
            rule = self._tcp_rule(
                f"alb-in-{port}", inbound=True, group=alb_sg.id, port=port, description=why, cidr_ipv4="0.0.0.0/0"
            )
            if port == 80:
                accept_finding(rule, "CKV_AWS_260", HTTP_REDIRECT_ONLY)
                # A plan folds the rule into its group, where checkov then reports the same finding.
                accept_finding(alb_sg, "CKV_AWS_260", HTTP_REDIRECT_ONLY, scan="plan")

        database_sg = SecurityGroup(
            self,
            "database-sg",
            name=self.namer.name("rds-sg"),
            description="Database: engine port from the ECS services only, no egress",
            vpc_id=network.vpc_id,
        )
        accept_finding(
            database_sg, "CKV2_AWS_5", "This group " + attached.format(layer="data") + " (the RDS instance)."
        )

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
            name, port, db_port = service.container_name, service.container_port, env.data.database.port
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
                cidr_ipv4="0.0.0.0/0" if not env.networking.interface_endpoints else str(env.networking.vpc_cidr),
            )
            self._tcp_rule(
                f"{name}-out-database",
                inbound=False,
                group=sg.id,
                port=db_port,
                description="Database engine port",
                referenced_security_group_id=database_sg.id,
            )
            self._tcp_rule(
                f"database-in-from-{name}",
                inbound=True,
                group=database_sg.id,
                port=db_port,
                description=f"Engine port from {service.name}",
                referenced_security_group_id=sg.id,
            )
        return alb_sg, service_sgs, database_sg

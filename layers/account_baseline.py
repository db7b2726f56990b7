"""The account baseline (accounts/<account>.yaml), a unit of its own beside the six layers: applied
once per AWS account, with its own state and key, before any stage that names the account. It
holds what an account has once: the trail, GuardDuty, Security Hub, AWS Config with the HIPAA
pack's rules, IAM Access Analyzer, the account-wide settings, the GitHub OIDC provider, the mail
identities and the Session Manager preferences. No stage holds any of it, so destroying a stage
leaves it in place."""

from __future__ import annotations

from cdktf import TerraformOutput
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.data_aws_partition import DataAwsPartition
from constructs import Construct

from hipaa_platform import BASELINE
from hipaa_platform.building.layer_stack import BuildContext, LayerStack
from hipaa_platform.building.tagging import account_tags
from modules.data.email_domain import EmailDomain
from modules.pipeline.github_deploy_role import github_oidc_provider
from modules.security.access_analyzer import external_access_analyzer
from modules.security.account_settings import AccountSettings
from modules.security.audit_trail import DAYS_PER_YEAR, AuditTrail
from modules.security.configuration_recording import ConfigurationRecording
from modules.security.platform_keys import key_policy
from modules.security.session_preferences import SessionPreferences
from modules.security.threat_detection import GuardDuty, SecurityHub
from modules.shared.access_log_bucket import access_log_bucket
from modules.shared.kms_key import CustomerManagedKey


class AccountBaselineStack(LayerStack):
    LAYER = BASELINE  # `cdktf deploy baseline`; state key accounts/<account>/baseline/terraform.tfstate

    def __init__(self, scope: Construct, context: BuildContext) -> None:
        super().__init__(scope, context)
        account = context.account
        account_id = DataAwsCallerIdentity(self, "account").account_id
        partition = DataAwsPartition(self, "partition").partition
        where = {"account": account_id, "partition": partition}
        evidence_key = CustomerManagedKey(
            self,
            "evidence-key",
            alias=account.evidence_key_alias,
            description=f"{account.name} account evidence: trail logs, Config deliveries, Session Manager records",
            policy=key_policy(("logs", "cloudtrail"), region=account.region, **where),
        ).arn
        # Who read or wrote the trail's and AWS Config's buckets, kept as long as what they hold.
        evidence_access_logs = access_log_bucket(
            self,
            role="evidence-access-logs",
            logged_buckets=["cloudtrail", "config"],
            retention_days=account.cloudtrail.retention_years * DAYS_PER_YEAR,
            namer=self.namer,
            account=account_id,
            force_destroy=context.target.disposable,
        )
        AuditTrail(
            self,
            "cloudtrail",
            config=account.cloudtrail,
            namer=self.namer,
            region=account.region,
            kms_key_arn=evidence_key,
            access_logs=evidence_access_logs,
            force_destroy=context.target.disposable,
            **where,
        )
        ConfigurationRecording(
            self,
            "config",
            namer=self.namer,
            kms_key_arn=evidence_key,
            authorized_tcp_ports=account.config.authorized_tcp_ports,
            authorized_vpc_ids=account.config.authorized_vpc_ids,
            access_logs=evidence_access_logs,
            force_destroy=context.target.disposable,
            **where,
        )
        GuardDuty(
            self,
            "guardduty",
            fargate_runtime_monitoring=account.guardduty.runtime_monitoring,
            ec2_runtime_monitoring=account.guardduty.ec2_runtime_monitoring,
        )
        if self.creates_all(
            ("aws_securityhub_account", "Security Hub"),
            ("aws_securityhub_standards_subscription", "FSBP and NIST 800-53 standards"),
        ):
            SecurityHub(self, "security-hub", partition=partition, region=account.region)
        external_access_analyzer(self, name=self.namer.name("access-analyzer"))
        SessionPreferences(
            self,
            "session-preferences",
            namer=self.namer,
            account_name=account.name,
            kms_key_arn=evidence_key,
            retention_days=account.session_log_retention_days,
        )
        AccountSettings(self, "account-settings", password_policy=account.password_policy)
        github_oidc_provider(self)
        for domain in account.mail_domains:
            identity = EmailDomain(
                self,
                f"email-{domain.domain.replace('.', '-')}",
                config=domain,
                region=account.region,
                reports_to=account.security_contact,
            )
            TerraformOutput(
                self,
                f"email_dns_records_{domain.domain.replace('.', '_').replace('-', '_')}",
                value=identity.dns_records,
                description=f"DNS records to publish for {domain.domain} before the stages send mail",
            )

    def default_tags(self) -> dict[str, str]:
        return account_tags(self.context.account, self.LAYER)

"""AWS Backup of the environment's stores of record: a vault under the environment's key whose
access policy denies deleting a recovery point, shortening its retention or replacing that policy
to everyone (vault lock on top where the environment asks), a plan with the environment's
schedule and retention, and a selection of its database and tables, run by AWS Backup's own role."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.backup_plan import BackupPlan, BackupPlanRule, BackupPlanRuleLifecycle
from cdktf_cdktf_provider_aws.backup_selection import BackupSelection
from cdktf_cdktf_provider_aws.backup_vault import BackupVault
from cdktf_cdktf_provider_aws.backup_vault_lock_configuration import BackupVaultLockConfiguration
from cdktf_cdktf_provider_aws.backup_vault_policy import BackupVaultPolicy
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from constructs import Construct

from hipaa_platform.building.layer_stack import target_creates
from hipaa_platform.building.naming import Namer
from hipaa_platform.config import Backup
from modules.shared.iam import Statement, policy_document, service_trust

# What the conformance pack's backup-recovery-point-manual-deletion-disabled asks a vault to deny.
PROTECTED_ACTIONS = (
    "backup:DeleteRecoveryPoint",
    "backup:UpdateRecoveryPointLifecycle",
    "backup:PutBackupVaultAccessPolicy",
)
SERVICE_ROLE_POLICIES = ("AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores")
# Compliance mode's grace period, after which the lock cannot be removed.
COMPLIANCE_LOCK_CHANGEABLE_DAYS = 3


class RecordsBackup(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: Backup,
        namer: Namer,
        kms_key_arn: str,
        resource_arns: list[str],
        partition: str,
    ) -> None:
        super().__init__(scope, id)
        self.vault = BackupVault(self, "vault", name=namer.name("backup"), kms_key_arn=kms_key_arn)
        if target_creates(self, ("aws_backup_vault_policy", "the vault policy that denies deleting recovery points")):
            BackupVaultPolicy(
                self,
                "vault-policy",
                backup_vault_name=self.vault.name,
                policy=policy_document(
                    Statement(
                        sid="NoOneDeletesOrShortensRecoveryPoints",
                        effect="Deny",
                        principals={"AWS": "*"},
                        actions=PROTECTED_ACTIONS,
                        resources=("*",),
                    )
                ),
            )
        if config.vault_lock != "none":
            BackupVaultLockConfiguration(
                self,
                "vault-lock",
                backup_vault_name=self.vault.name,
                min_retention_days=config.retention_days,
                changeable_for_days=COMPLIANCE_LOCK_CHANGEABLE_DAYS if config.vault_lock == "compliance" else None,
            )
        self.plan = BackupPlan(
            self,
            "plan",
            name=namer.name("backup"),
            rule=[
                BackupPlanRule(
                    rule_name="daily",
                    target_vault_name=self.vault.name,
                    schedule=config.schedule,
                    lifecycle=BackupPlanRuleLifecycle(delete_after=config.retention_days),
                )
            ],
        )
        role = IamRole(
            self, "role", name=namer.name("backup"), assume_role_policy=service_trust("backup.amazonaws.com")
        )
        for policy in SERVICE_ROLE_POLICIES:
            IamRolePolicyAttachment(
                self,
                f"role-{policy}",
                role=role.name,
                policy_arn=f"arn:{partition}:iam::aws:policy/service-role/{policy}",
            )
        if target_creates(self, ("aws_backup_selection", "the plan's selection of the database and tables")):
            BackupSelection(
                self,
                "selection",
                name=namer.name("records"),
                plan_id=self.plan.id,
                iam_role_arn=role.arn,
                resources=resource_arns,
            )

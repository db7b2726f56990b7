"""CKV_HIPAA_14: a backup vault's policy denies deleting or shortening recovery points to everyone.

HIPAA 164.308(a)(7)(ii)(A) data backup plan and 164.312(c)(1) integrity: whoever can delete a
recovery point, or shorten its retention, can destroy the copy that a restore depends on. The
conformance pack's backup-recovery-point-manual-deletion-disabled asks for a Deny of
backup:DeleteRecoveryPoint, backup:UpdateRecoveryPointLifecycle and
backup:PutBackupVaultAccessPolicy with wildcard principal and resource. CKV2_HIPAA_15 requires
each vault to have such a policy at all.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.parsed import as_list, policy_statements

PROTECTED_ACTIONS = (
    "backup:deleterecoverypoint",
    "backup:updaterecoverypointlifecycle",
    "backup:putbackupvaultaccesspolicy",
)


def _everyone(principal: Any) -> bool:
    return principal == "*" or (isinstance(principal, dict) and "*" in as_list(principal.get("AWS")))


def denied_to_everyone(statements: list[Any]) -> set[str]:
    """The protected actions some Deny statement refuses to every principal on every resource."""
    denied: set[str] = set()
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") != "Deny" or "Condition" in statement:
            continue
        if not _everyone(statement.get("Principal")) or "*" not in as_list(statement.get("Resource")):
            continue
        patterns = [str(a).lower() for a in as_list(statement.get("Action", []))]
        denied |= {action for action in PROTECTED_ACTIONS if any(fnmatchcase(action, p) for p in patterns)}
    return denied


class BackupVaultPolicyDeniesDeletion(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure a backup vault policy denies deleting or shortening recovery points to everyone",
            id="CKV_HIPAA_14",
            categories=(CheckCategories.BACKUP_AND_RECOVERY,),
            supported_resources=("aws_backup_vault_policy",),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        statements = policy_statements(conf)
        if statements is None:
            return CheckResult.UNKNOWN  # a reference resolved at apply time
        denied = denied_to_everyone(statements)
        return CheckResult.PASSED if denied == set(PROTECTED_ACTIONS) else CheckResult.FAILED


check = BackupVaultPolicyDeniesDeletion()

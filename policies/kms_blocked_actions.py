"""CKV_HIPAA_6: no IAM policy allows decrypting with every KMS key.

HIPAA 164.312(a)(1) access control and 164.308(a)(4) information access management: a statement that
allows kms:Decrypt, kms:ReEncrypt* or kms:* on all keys ("*") lets its holder read every piece of
data any key protects, PHI included. The conformance pack's iam-customer-policy-blocked-kms-actions
and iam-inline-policy-blocked-kms-actions (AWS Security Hub KMS.1 and KMS.2) ask for each grant to
name its keys; an Allow with `NotAction` that does not exclude them grants them too. checkov's
policy-document checks return nothing on the JSON strings cdktf writes; this check decodes them.
"""

from __future__ import annotations

import re
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.parsed import allows_action, as_list, verdict_on_statements

# The pack's blocked action patterns (kms:*, kms:Decrypt, kms:ReEncrypt*), as the actions they cover.
BLOCKED_ACTIONS = ("kms:decrypt", "kms:reencryptfrom", "kms:reencryptto")
ALL_KEYS = re.compile(r"^(\*|arn:[^:]+:kms:\*:\*:(key/)?\*)$")


def _allows_blocked_action_on_all_keys(statement: dict[str, Any]) -> bool:
    if not any(allows_action(statement, blocked) for blocked in BLOCKED_ACTIONS):
        return False
    if "NotResource" in statement:  # every resource but the ones named
        return True
    return any(ALL_KEYS.match(str(resource)) for resource in as_list(statement.get("Resource", [])))


class KmsBlockedActions(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure no IAM policy allows kms:Decrypt, kms:ReEncrypt* or kms:* on all KMS keys",
            id="CKV_HIPAA_6",
            categories=(CheckCategories.IAM,),
            supported_resources=("aws_iam_policy", "aws_iam_role_policy"),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        return verdict_on_statements(conf, _allows_blocked_action_on_all_keys)


check = KmsBlockedActions()

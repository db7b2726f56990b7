"""CKV_HIPAA_26: no inline IAM policy.

HIPAA 164.308(a)(3) workforce security, 164.308(a)(4) information access management and
164.312(a)(1) access control: the conformance pack's iam-no-inline-policy-check (AWS Config's
IAM_NO_INLINE_POLICY_CHECK), which asks that permissions come from managed policies that can be
reviewed and attached on their own. checkov has no check for it. It fails every inline role, user
or group policy resource and passes every managed policy. A role's `inline_policy` block is not
read: in a plan it lists the role's separate policies again, which this check reports where they
are made; the platform writes no such block (tests/constructs/test_role_policies.py). The platform
accepts the finding on each of its own role policies, with the reason, where it creates them
(modules/shared/role_policy.py).
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

INLINE_POLICY_TYPES = ("aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy")


class IamNoInlinePolicy(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure permissions come from managed IAM policies, not inline ones",
            id="CKV_HIPAA_26",
            categories=(CheckCategories.IAM,),
            supported_resources=(*INLINE_POLICY_TYPES, "aws_iam_policy"),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        return CheckResult.FAILED if self.entity_type in INLINE_POLICY_TYPES else CheckResult.PASSED


check = IamNoInlinePolicy()

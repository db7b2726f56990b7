"""CKV_HIPAA_18: no IAM policy allows every action of a service (`s3:*`, `dynamodb:*`) or every
action of every service (`*`).

HIPAA 164.308(a)(3)(i) workforce security and 164.308(a)(4) information access management: a
role should hold the actions its job needs, so that a stolen credential reads or changes no more
than that. The conformance pack's iam-policy-no-statements-with-full-access. checkov's CKV_AWS_63
and CKV2_AWS_40 catch `*` and `iam:*` only, and return nothing on the JSON strings cdktf writes.
A Deny of a whole service narrows access and is fine; an Allow with `NotAction` grants every
other service whole, and fails.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.parsed import as_list, verdict_on_statements


def allows_a_whole_service(statement: dict[str, Any]) -> bool:
    if statement.get("Effect") != "Allow":
        return False
    if "NotAction" in statement:  # every action of every service but the ones it names
        return True
    return any(str(a) == "*" or str(a).endswith(":*") for a in as_list(statement.get("Action", [])))


class IamNoFullServiceAccess(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure no IAM policy allows all actions of a service ('<service>:*' or '*')",
            id="CKV_HIPAA_18",
            categories=(CheckCategories.IAM,),
            supported_resources=(
                "aws_iam_policy",
                "aws_iam_role_policy",
                "aws_iam_user_policy",
                "aws_iam_group_policy",
            ),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        return verdict_on_statements(conf, allows_a_whole_service)


check = IamNoFullServiceAccess()

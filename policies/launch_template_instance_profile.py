"""CKV_HIPAA_8: a launch template gives its instances an instance profile.

HIPAA 164.308(a)(4) information access management: with no instance role, whatever runs on the
instance either has no AWS identity or is handed long-lived keys; the role is the one identity
that can be scoped and audited. The conformance pack's ec2-instance-profile-attached reads
running instances; this check reads the template they are launched from.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


class LaunchTemplateInstanceProfile(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure a launch template attaches an IAM instance profile",
            id="CKV_HIPAA_8",
            categories=(CheckCategories.IAM,),
            supported_resources=("aws_launch_template",),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        profiles = conf.get("iam_instance_profile") or []
        named = [p for p in profiles if isinstance(p, dict) and (p.get("arn") or p.get("name"))]
        return CheckResult.PASSED if named else CheckResult.FAILED


check = LaunchTemplateInstanceProfile()

"""CKV_HIPAA_7: every volume a launch template gives its instances is encrypted.

HIPAA 164.312(a)(2)(iv) encryption at rest: an instance's volumes can hold PHI a container wrote
or swapped out. A template that does not state its volumes' encryption leaves it to the AMI's
snapshot and the account's default, so it fails too. The conformance pack's encrypted-volumes
reads running volumes; checkov's own EBS checks read instances and launch configurations, not
launch templates.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.parsed import value


class LaunchTemplateEncryptedVolumes(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure every EBS volume of a launch template is encrypted",
            id="CKV_HIPAA_7",
            categories=(CheckCategories.ENCRYPTION,),
            supported_resources=("aws_launch_template",),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        mappings = conf.get("block_device_mappings") or []
        volumes = [value(m.get("ebs")) for m in mappings if isinstance(m, dict) and "ebs" in m]
        if not volumes:
            return CheckResult.FAILED
        encrypted = [isinstance(v, dict) and value(v.get("encrypted")) in (True, "true") for v in volumes]
        return CheckResult.PASSED if all(encrypted) else CheckResult.FAILED


check = LaunchTemplateEncryptedVolumes()

"""CKV_HIPAA_21: Security Hub is enabled, and turns on new controls of its enabled standards.

HIPAA 164.308(a)(1)(ii)(D) information system activity review and 164.308(a)(6)(ii) security
incident procedures: Security Hub gathers GuardDuty's and its standards' findings in one place to
review. The conformance pack's securityhub-enabled asks that it be on; the configuration requires
it of the environment that owns the account baseline, and this check reads what that environment
builds. A hub whose standards' new controls stay off (`auto_enable_controls = false`) is enabled
in name while it evaluates less every release. No stock check reads this resource.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.parsed import value


class SecurityHubControlsEnabled(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure Security Hub is enabled and turns on its standards' new controls",
            id="CKV_HIPAA_21",
            categories=(CheckCategories.LOGGING,),
            supported_resources=("aws_securityhub_account",),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        # The provider's default is true; only an explicit false turns new controls off.
        turned_off = value(conf.get("auto_enable_controls")) in (False, "false")
        return CheckResult.FAILED if turned_off else CheckResult.PASSED


check = SecurityHubControlsEnabled()

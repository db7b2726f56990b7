"""CKV_HIPAA_4: every rule of a WAF web ACL blocks what it matches; none only counts it.

HIPAA 164.308(a)(1)(ii)(B) risk management and 164.312(e)(1) transmission security: a rule (or a
managed rule group) in count mode logs the attacks it recognises and lets every one of them
through. Count mode is how a new rule is introduced safely, which is a decision with an end date,
so each use is accepted on its web ACL with the environment's reason.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


def _first(value: Any) -> Any:
    """checkov wraps each block of a parsed configuration in a list."""
    return value[0] if isinstance(value, list) and value else value


def counts(rule: dict[str, Any]) -> bool:
    """True when the rule's action, or a rule group's override, is count."""
    for key in ("action", "override_action"):
        block = _first(rule.get(key))
        if isinstance(block, dict) and "count" in block:
            return True
    return False


class WafRulesBlock(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure no WAF web ACL rule runs in count mode",
            id="CKV_HIPAA_4",
            categories=(CheckCategories.NETWORKING,),
            supported_resources=("aws_wafv2_web_acl",),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        rules = conf.get("rule") or []
        if isinstance(rules, list) and len(rules) == 1 and isinstance(rules[0], list):
            rules = rules[0]
        if any(isinstance(rule, dict) and counts(rule) for rule in rules):
            return CheckResult.FAILED
        return CheckResult.PASSED


check = WafRulesBlock()

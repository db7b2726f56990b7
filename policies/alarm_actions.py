"""CKV_HIPAA_5: every CloudWatch alarm tells someone when it fires and when it has no data.

HIPAA 164.312(b) audit controls and 164.308(a)(6)(ii) security incident response: an alarm
without an action changes state unseen, and one whose metric stops reporting (INSUFFICIENT_DATA)
goes quiet exactly when what it watches has gone away. The conformance pack's
cloudwatch-alarm-action-check asks for both actions (its OK action is optional).
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.parsed import as_list, value


def _actions(conf: dict[str, Any], key: str) -> list[Any]:
    return [action for action in as_list(value(conf.get(key)) or []) if action]


class AlarmActions(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure every CloudWatch alarm has an alarm action and an insufficient-data action",
            id="CKV_HIPAA_5",
            categories=(CheckCategories.LOGGING,),
            supported_resources=("aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm"),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        if value(conf.get("actions_enabled", True)) in (False, "false"):
            return CheckResult.FAILED
        if _actions(conf, "alarm_actions") and _actions(conf, "insufficient_data_actions"):
            return CheckResult.PASSED
        return CheckResult.FAILED


check = AlarmActions()

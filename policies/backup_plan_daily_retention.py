"""CKV_HIPAA_13: an AWS Backup plan has a rule that runs at least daily, and every rule keeps its
recovery points at least 35 days (a monthly archive rule beside the daily one is fine).

HIPAA 164.308(a)(7)(ii)(A) data backup plan: a plan that skips days loses every change since its
last run, and recovery points kept for less than five weeks are gone before many incidents are
noticed. The conformance pack's backup-plan-min-frequency-and-min-retention-check (1 day, 35
days). A rule with no lifecycle keeps its points indefinitely.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.parsed import value

MINIMUM_RETENTION_DAYS = 35


def runs_daily(schedule: Any) -> bool:
    """cron(minutes hours day-of-month month day-of-week year) with every day selected."""
    if not isinstance(schedule, str) or not schedule.startswith("cron(") or not schedule.endswith(")"):
        return False
    fields = schedule[len("cron(") : -1].split()
    return len(fields) == 6 and fields[2] in ("*", "?") and fields[3] == "*" and fields[4] in ("*", "?")


def keeps_long_enough(rule: dict[str, Any]) -> bool:
    lifecycle = value(rule.get("lifecycle"))
    if not isinstance(lifecycle, dict) or value(lifecycle.get("delete_after")) is None:
        return True
    return int(value(lifecycle["delete_after"])) >= MINIMUM_RETENTION_DAYS


class BackupPlanDailyRetention(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure an AWS Backup plan runs daily and keeps recovery points at least 35 days",
            id="CKV_HIPAA_13",
            categories=(CheckCategories.BACKUP_AND_RECOVERY,),
            supported_resources=("aws_backup_plan",),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        rules = [r for r in conf.get("rule") or [] if isinstance(r, dict)]
        daily = any(runs_daily(value(r.get("schedule"))) for r in rules)
        if daily and all(keeps_long_enough(r) for r in rules):
            return CheckResult.PASSED
        return CheckResult.FAILED


check = BackupPlanDailyRetention()

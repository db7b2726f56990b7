"""What every section is made of: the frozen model base, names, values AWS accepts, windows."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
# 0 (never expire) is left out on purpose: every log group has a bounded, stated retention.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545,
    731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip

# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
FARGATE_MEMORY_BY_CPU: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}

PERFORMANCE_INSIGHTS_RETENTION_DAYS = (7, *range(31, 731 + 1, 31))
ENHANCED_MONITORING_INTERVALS = (0, 1, 5, 10, 15, 30, 60)
COMPLIANCE_TAG_VALUES = ("hipaa", "pii-storage", "audit-required")

_WINDOW = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
_WEEKLY_WINDOW = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$"
)
_NAME = re.compile(r"^[a-z][a-z0-9-]{1,30}[a-z0-9]$")
ENV_VAR = re.compile(r"^[A-Z_][A-Z0-9_]*$")

Name = Annotated[str, Field(pattern=_NAME.pattern, description="lower-case letters, digits and '-'")]


def listed(values: tuple[object, ...] | list[object]) -> str:
    return ", ".join(str(v) for v in values)


class Model(BaseModel):
    """Base for every configuration model: immutable, and unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEK = 7 * 24 * 60


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _windows_overlap(backup: str, maintenance: str) -> bool:
    """True when the daily backup window and the weekly maintenance window share any minute."""
    start, end = maintenance.split("-")  # ddd:hh:mm-ddd:hh:mm
    m_start = _DAYS.index(start[:3]) * 1440 + _minutes(start[4:])
    m_end = _DAYS.index(end[:3]) * 1440 + _minutes(end[4:])
    if m_end <= m_start:
        m_end += _WEEK
    b_start_text, b_end_text = backup.split("-")
    b_start, b_end = _minutes(b_start_text), _minutes(b_end_text)
    if b_end <= b_start:
        b_end += 1440
    for day in range(-1, 15):  # every daily occurrence across two weeks covers the wrap-around
        start, end = day * 1440 + b_start, day * 1440 + b_end
        if start < m_end and m_start < end:
            return True
    return False


def check_retention(value: int) -> int:
    if value not in LOG_RETENTION_DAYS:
        raise ValueError(f"{value} is not a CloudWatch Logs retention; allowed: {listed(LOG_RETENTION_DAYS)}")
    return value


def check_daily_window(value: str) -> str:
    if not _WINDOW.match(value):
        raise ValueError(f"{value!r} is not a daily window; expected hh:mm-hh:mm (UTC), e.g. 03:00-04:00")
    return value


def check_weekly_window(value: str) -> str:
    if not _WEEKLY_WINDOW.match(value):
        raise ValueError(f"{value!r} is not a weekly window; expected ddd:hh:mm-ddd:hh:mm, e.g. sun:04:00-sun:05:00")
    return value


def check_windows_apart(
    backup: str, maintenance: str, backup_field: str = "backup_window", service: str = "RDS"
) -> None:
    if _windows_overlap(backup, maintenance):
        raise ValueError(
            f"{backup_field} {backup} overlaps maintenance_window {maintenance}; "
            f"{service} refuses overlapping windows (adjacent ones are fine)"
        )


def check_performance_insights(value: int) -> int:
    if value not in PERFORMANCE_INSIGHTS_RETENTION_DAYS:
        raise ValueError(f"{value} is not accepted by RDS; allowed: 7, or a multiple of 31 up to 731")
    return value


def check_monitoring_interval(value: int) -> int:
    if value not in ENHANCED_MONITORING_INTERVALS:
        raise ValueError(f"{value} is not accepted by RDS; allowed: {listed(ENHANCED_MONITORING_INTERVALS)}")
    return value

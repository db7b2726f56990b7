"""The `observability` section: alarms, dashboards, budget, tracing."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from hipaa_platform.config.base import Model, Name


class Budget(Model):
    monthly_limit_usd: float = Field(gt=0)
    alert_thresholds_percent: tuple[int, ...] = Field((80, 100), min_length=1)
    forecast_thresholds_percent: tuple[int, ...] = Field(
        (), description="shares of the limit the month's forecast may pass before an e-mail"
    )


class ServiceAlarms(Model):
    """Per service: 5xx rate, p99 latency and running tasks, combined in one composite alarm."""

    error_rate_percent: float = Field(1.0, gt=0, le=100)
    p99_latency_seconds: float = Field(1.0, gt=0)
    evaluation_periods: int = Field(3, ge=1, le=100)


class XRaySampling(Model):
    baseline_rate: float = Field(0.05, ge=0, le=1)
    error_rate: float = Field(1.0, ge=0, le=1)
    slow_request_seconds: float = Field(2.0, gt=0)


class MetricFilter(Model):
    name: Name
    pattern: str = Field(min_length=1, description="CloudWatch Logs filter pattern")


Dashboard = Literal["services", "load-balancer", "database", "cache", "queues", "cost"]


class TargetErrors(Model):
    """The per-service alarm on 5xx answers from the targets: more than `count` in each of `periods`."""

    count: int = Field(5, ge=0)
    period_seconds: Literal[60, 300] = 60
    periods: int = Field(3, ge=1, le=100)


class GuardDutyAlerts(Model):
    min_severity: float = Field(7.0, ge=1, le=10, description="findings at or above it (7: high and critical)")


class Observability(Model):
    alarm_email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    budget: Budget | None = None
    service_alarms: ServiceAlarms | None = None
    xray_sampling: XRaySampling | None = None
    metric_filters: tuple[MetricFilter, ...] = ()
    dashboards: tuple[Dashboard, ...] = Field((), description="dashboards besides the platform overview")
    dashboard_name: str | None = Field(
        None, pattern=r"^[A-Za-z0-9_-]{1,255}$", description="the overview's name (default: <prefix>-platform)"
    )
    ecs_cpu_alarm_percent: int = Field(80, ge=1, le=100)
    ecs_memory_alarm_percent: int = Field(80, ge=1, le=100)
    ecs_alarm_periods: int = Field(
        3, ge=1, le=100, description="5-minute periods the service CPU and memory alarms evaluate"
    )
    unhealthy_targets_alarm_periods: int = Field(
        3, ge=1, le=100, description="1-minute periods a service's unhealthy-targets alarm evaluates"
    )
    rds_cpu_alarm_percent: int = Field(70, ge=1, le=100)
    rds_connections_alarm: int | None = Field(None, ge=1, description="alarm above this many connections")
    rds_alarm_periods: int = Field(3, ge=1, le=100, description="5-minute periods the database alarms evaluate")
    rds_free_storage_alarm_gb: int = Field(2, ge=1)
    rds_free_storage_alarm_periods: int = Field(
        3, ge=1, le=100, description="5-minute periods the database free-storage alarm evaluates"
    )
    target_5xx: TargetErrors = Field(default_factory=lambda: TargetErrors())
    guardduty_alerts: GuardDutyAlerts | None = Field(
        None, description="GuardDuty findings sent to the alarm topic (in the environment owning the detector)"
    )

"""What the observability layer publishes: its outputs, read downstream by name."""

from __future__ import annotations

from dataclasses import dataclass

from hipaa_platform.contracts.base import LayerOutputs, described

CRITICAL = "critical"  # key of the one critical topic in its contract map


@dataclass(frozen=True)
class ObservabilityOutputs(LayerOutputs):
    LAYER = "observability"
    alarm_topic_arn: str = described("KMS-encrypted SNS topic every alarm notifies")
    dashboard_name: str = described("CloudWatch dashboard of the platform")
    dashboard_names: dict[str, str] = described("Further dashboard name by its kind in observability.dashboards")
    critical_topic_arns: dict[str, str] = described(
        f"Topic the per-service composite alarms page, under `{CRITICAL}`; empty without service alarms"
    )

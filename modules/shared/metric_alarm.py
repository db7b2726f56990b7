"""The one way the platform builds a CloudWatch metric alarm: what it watches (AlarmSpec) and whom it
tells (Notify), so the platform's alarms, each service's health alarms and the scaling alarms read
alike and the CKV_HIPAA_5 question (who hears of it, insufficient data included) has one place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm, CloudwatchMetricAlarmMetricQuery
from constructs import Construct


@dataclass(frozen=True)
class AlarmSpec:
    """A metric (namespace, metric, dimensions, statistic) or a metric-math `queries` list, compared
    with `threshold` over `periods` periods of `period_seconds`."""

    id: str
    description: str
    namespace: str | None
    metric: str | None
    dimensions: dict[str, str] | None
    statistic: str | None
    comparison: str
    threshold: float
    periods: int = 3
    period_seconds: int | None = 60
    missing_data: str = "notBreaching"
    extended_statistic: str | None = None  # a percentile such as p99, instead of `statistic`
    queries: Sequence[CloudwatchMetricAlarmMetricQuery] | None = None


@dataclass(frozen=True)
class Notify:
    """The actions of each state: topics that page or clear, or a scaling policy."""

    alarm: Sequence[str] = ()
    ok: Sequence[str] = ()
    insufficient_data: Sequence[str] = ()
    actions_enabled: bool | None = None

    @classmethod
    def topic(cls, topic_arn: str) -> Notify:
        """One topic hears every state change: firing, clearing, and the metric going silent."""
        return cls(alarm=[topic_arn], ok=[topic_arn], insufficient_data=[topic_arn], actions_enabled=True)


def metric_alarm(scope: Construct, id: str, *, name: str, spec: AlarmSpec, notify: Notify) -> CloudwatchMetricAlarm:
    return CloudwatchMetricAlarm(
        scope,
        id,
        alarm_name=name,
        alarm_description=spec.description,
        namespace=spec.namespace,
        metric_name=spec.metric,
        dimensions=spec.dimensions,
        statistic=spec.statistic,
        extended_statistic=spec.extended_statistic,
        metric_query=list(spec.queries) if spec.queries else None,
        comparison_operator=spec.comparison,
        threshold=spec.threshold,
        evaluation_periods=spec.periods,
        period=spec.period_seconds,
        treat_missing_data=spec.missing_data,
        actions_enabled=notify.actions_enabled,
        alarm_actions=list(notify.alarm) or None,
        ok_actions=list(notify.ok) or None,
        insufficient_data_actions=list(notify.insufficient_data) or None,
    )

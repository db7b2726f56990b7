"""Per-service health: 5xx rate, p99 latency and running tasks, combined into one composite alarm
per service that pages the critical topic and reports recovery on its own topic."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cdktf_cdktf_provider_aws.cloudwatch_composite_alarm import CloudwatchCompositeAlarm
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarmMetricQuery
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_subscription import SnsTopicSubscription
from constructs import Construct

from hipaa_platform.building.layer_stack import target_creates
from hipaa_platform.building.naming import Namer
from hipaa_platform.config import Observability, Service
from hipaa_platform.contracts import by_name
from hipaa_platform.gate.acceptances import accept_finding
from modules.shared.metric_alarm import AlarmSpec, Notify, metric_alarm

if TYPE_CHECKING:
    from hipaa_platform.contracts.compute import ComputeOutputs

COMPOSITE_INPUT = (
    "This alarm is one of three inputs (5xx rate, p99 latency, running tasks) of the service's composite "
    "health alarm, which pages the critical topic; an action here as well would page up to three times for "
    "one incident. Its insufficient-data action pages directly."
)


def service_health_alarms(
    scope: Construct,
    *,
    services: tuple[Service, ...],
    observability: Observability,
    compute: ComputeOutputs,
    namer: Namer,
    kms_key_arn: str,
) -> SnsTopic:
    """The metric alarms of every service and, where the target creates them, the composites;
    returns the critical topic."""
    config = observability.service_alarms
    critical = SnsTopic(scope, "critical", name=namer.name("critical"), kms_master_key_id=kms_key_arn)
    recovery = SnsTopic(scope, "recovery", name=namer.name("recovery"), kms_master_key_id=kms_key_arn)
    critical_arn, recovery_arn = critical.arn, recovery.arn
    SnsTopicSubscription(
        scope, "critical-email", topic_arn=critical.arn, protocol="email", endpoint=observability.alarm_email
    )
    with_composite = target_creates(scope, ("aws_cloudwatch_composite_alarm", "per-service composite health alarms"))
    # Each metric alarm is one input of the service's composite, which pages; a metric that stops
    # reporting pages directly (a composite has no insufficient-data state of its inputs).
    pages_when_silent = Notify(insufficient_data=[critical_arn])
    periods = config.evaluation_periods
    for spec in by_name(services):
        name = spec.container_name
        target = {"TargetGroup": compute.target_group_arn_suffixes[spec.name],
                  "LoadBalancer": compute.load_balancer_arn_suffix}  # fmt: skip

        def count(id: str, metric: str, target: dict[str, str] = target) -> CloudwatchMetricAlarmMetricQuery:
            return CloudwatchMetricAlarmMetricQuery(
                id=id,
                metric={"metric_name": metric, "namespace": "AWS/ApplicationELB", "period": 60, "stat": "Sum",
                        "dimensions": target},
            )  # fmt: skip

        error_rate = AlarmSpec(
            "5xx-rate", f"{spec.name}: 5xx above {config.error_rate_percent}% of requests", None, None, None, None,
            "GreaterThanThreshold", config.error_rate_percent, periods=periods, period_seconds=None,
            queries=[
                CloudwatchMetricAlarmMetricQuery(
                    id="error_rate", expression="(errors / total) * 100", label="5xx Error Rate %", return_data=True
                ),
                count("errors", "HTTPCode_Target_5XX_Count"),
                count("total", "RequestCount"),
            ],
        )  # fmt: skip
        latency = AlarmSpec(
            "p99-latency", f"{spec.name}: p99 response time above {config.p99_latency_seconds} s",
            "AWS/ApplicationELB", "TargetResponseTime", target, None, "GreaterThanThreshold",
            config.p99_latency_seconds, periods=periods, extended_statistic="p99",
        )  # fmt: skip
        minimum = spec.autoscaling.min_count if spec.autoscaling else spec.desired_count
        tasks = AlarmSpec(
            "running-tasks", f"{spec.name}: fewer than {minimum} running tasks", "ECS/ContainerInsights",
            "RunningTaskCount", {"ClusterName": compute.cluster_name, "ServiceName": compute.service_names[spec.name]},
            "Minimum", "LessThanThreshold", minimum, periods=periods, missing_data="breaching",
        )  # fmt: skip
        error_rate, latency, tasks = (
            metric_alarm(scope, f"alarm-{name}-{a.id}", name=namer.service_alarm(name, a.id), spec=a,
                         notify=pages_when_silent)
            for a in (error_rate, latency, tasks)
        )  # fmt: skip
        for alarm in (error_rate, latency, tasks):
            accept_finding(alarm, "CKV_HIPAA_5", COMPOSITE_INPUT)
        if not with_composite:
            continue
        CloudwatchCompositeAlarm(
            scope,
            f"alarm-{name}-health",
            alarm_name=namer.service_alarm(name, "composite-health"),
            alarm_description=f"{spec.name}: errors, latency or missing tasks",
            # references, not names: Terraform creates the metric alarms before the composite
            alarm_rule=" OR ".join(f'ALARM("{a.alarm_name}")' for a in (error_rate, latency, tasks)),
            alarm_actions=[critical_arn],
            ok_actions=[recovery_arn],
            insufficient_data_actions=[critical_arn],
        )
    return critical

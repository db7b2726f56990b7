"""Per-service health: 5xx rate, p99 latency and running tasks, combined into one composite alarm
per service that pages the critical topic and reports recovery on its own topic."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cdktf_cdktf_provider_aws.cloudwatch_composite_alarm import CloudwatchCompositeAlarm
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm, CloudwatchMetricAlarmMetricQuery
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_subscription import SnsTopicSubscription
from constructs import Construct

from hipaa_platform.building.layer_stack import target_creates
from hipaa_platform.building.naming import Namer
from hipaa_platform.config import Environment
from hipaa_platform.contracts import by_name
from hipaa_platform.gate.acceptances import accept_finding

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
    env: Environment,
    compute: ComputeOutputs,
    namer: Namer,
    kms_key_arn: str,
) -> SnsTopic:
    """The metric alarms of every service and, where the target creates them, the composites;
    returns the critical topic."""
    config = env.observability.service_alarms
    critical = SnsTopic(scope, "critical", name=namer.name("critical"), kms_master_key_id=kms_key_arn)
    recovery = SnsTopic(scope, "recovery", name=namer.name("recovery"), kms_master_key_id=kms_key_arn)
    critical_arn, recovery_arn = critical.arn, recovery.arn
    SnsTopicSubscription(
        scope, "critical-email", topic_arn=critical.arn, protocol="email", endpoint=env.observability.alarm_email
    )
    with_composite = target_creates(scope, ("aws_cloudwatch_composite_alarm", "per-service composite health alarms"))
    # Each metric alarm is one input of the service's composite, which pages; a metric that stops
    # reporting pages directly (a composite has no insufficient-data state of its inputs).
    common = {
        "comparison_operator": "GreaterThanThreshold",
        "evaluation_periods": config.evaluation_periods,
        "treat_missing_data": "notBreaching",
        "insufficient_data_actions": [critical_arn],
    }
    for spec in by_name(env.compute.services):
        name = spec.container_name
        target = {"TargetGroup": compute.target_group_arn_suffixes[spec.name],
                  "LoadBalancer": compute.load_balancer_arn_suffix}  # fmt: skip

        def count(id: str, metric: str, target: dict[str, str] = target) -> CloudwatchMetricAlarmMetricQuery:
            return CloudwatchMetricAlarmMetricQuery(
                id=id,
                metric={"metric_name": metric, "namespace": "AWS/ApplicationELB", "period": 60, "stat": "Sum",
                        "dimensions": target},
            )  # fmt: skip

        error_rate = CloudwatchMetricAlarm(
            scope,
            f"alarm-{name}-5xx-rate",
            alarm_name=namer.service_alarm(name, "5xx-rate"),
            alarm_description=f"{spec.name}: 5xx above {config.error_rate_percent}% of requests",
            threshold=config.error_rate_percent,
            metric_query=[
                CloudwatchMetricAlarmMetricQuery(
                    id="error_rate", expression="(errors / total) * 100", label="5xx Error Rate %", return_data=True
                ),
                count("errors", "HTTPCode_Target_5XX_Count"),
                count("total", "RequestCount"),
            ],
            **common,
        )
        latency = CloudwatchMetricAlarm(
            scope,
            f"alarm-{name}-p99-latency",
            alarm_name=namer.service_alarm(name, "p99-latency"),
            alarm_description=f"{spec.name}: p99 response time above {config.p99_latency_seconds} s",
            namespace="AWS/ApplicationELB",
            metric_name="TargetResponseTime",
            dimensions=target,
            extended_statistic="p99",
            period=60,
            threshold=config.p99_latency_seconds,
            **common,
        )
        minimum = spec.autoscaling.min_count if spec.autoscaling else spec.desired_count
        tasks = CloudwatchMetricAlarm(
            scope,
            f"alarm-{name}-running-tasks",
            alarm_name=namer.service_alarm(name, "running-tasks"),
            alarm_description=f"{spec.name}: fewer than {minimum} running tasks",
            namespace="ECS/ContainerInsights",
            metric_name="RunningTaskCount",
            dimensions={
                "ClusterName": compute.cluster_name,
                "ServiceName": compute.service_names[spec.name],
            },
            statistic="Minimum",
            period=60,
            threshold=minimum,
            comparison_operator="LessThanThreshold",
            evaluation_periods=config.evaluation_periods,
            treat_missing_data="breaching",
            insufficient_data_actions=[critical_arn],
        )
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

"""Layer 6: alarms on an encrypted SNS topic, a dashboard, and the monthly budget."""

from __future__ import annotations

import json
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.budgets_budget import BudgetsBudget, BudgetsBudgetNotification
from cdktf_cdktf_provider_aws.cloudwatch_dashboard import CloudwatchDashboard
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_subscription import SnsTopicSubscription
from constructs import Construct

from hipaa_platform.contracts import LayerOutputs, described, item
from hipaa_platform.layer import BuildContext, LayerStack
from layers.compute import ComputeOutputs
from layers.data import DataOutputs
from layers.security import SecurityOutputs


@dataclass(frozen=True)
class ObservabilityOutputs(LayerOutputs):
    LAYER = "observability"
    alarm_topic_arn: str = described("KMS-encrypted SNS topic every alarm notifies")
    dashboard_name: str = described("CloudWatch dashboard of the platform")


@dataclass(frozen=True)
class AlarmSpec:
    id: str
    description: str
    namespace: str
    metric: str
    dimensions: dict[str, str]
    statistic: str
    comparison: str
    threshold: float
    periods: int = 3
    period_seconds: int = 60
    missing_data: str = "notBreaching"


class ObservabilityLayer(LayerStack):
    LAYER = "observability"

    def __init__(self, scope: Construct, context: BuildContext) -> None:
        super().__init__(scope, context)
        env = self.environment
        obs = env.observability
        security = self.read(SecurityOutputs)
        data = self.read(DataOutputs)
        compute = self.read(ComputeOutputs)

        topic = SnsTopic(self, "alarms", name=self.namer.name("alarms"), kms_master_key_id=security.kms_key_arn)
        SnsTopicSubscription(self, "alarms-email", topic_arn=topic.arn, protocol="email", endpoint=obs.alarm_email)

        alb = {"LoadBalancer": compute.load_balancer_arn_suffix}
        database = {"DBInstanceIdentifier": data.database_identifier}
        alarms = [
            AlarmSpec("alb-5xx", "Load balancer answered with 5xx", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count",
                      alb, "Sum", "GreaterThanThreshold", 5),
            AlarmSpec("rds-cpu", f"Database CPU above {obs.rds_cpu_alarm_percent}%", "AWS/RDS", "CPUUtilization",
                      database, "Average", "GreaterThanThreshold", obs.rds_cpu_alarm_percent, period_seconds=300),
            AlarmSpec("rds-free-storage", f"Database free storage below {obs.rds_free_storage_alarm_gb} GB",
                      "AWS/RDS", "FreeStorageSpace", database, "Minimum", "LessThanThreshold",
                      obs.rds_free_storage_alarm_gb * 1024**3, period_seconds=300),
        ]  # fmt: skip
        for index, spec in enumerate(env.compute.services):
            service = {"ClusterName": compute.cluster_name, "ServiceName": item(compute.service_names, index)}
            target = {**alb, "TargetGroup": item(compute.target_group_arn_suffixes, index)}
            name = spec.container_name
            alarms += [
                AlarmSpec(f"{name}-target-5xx", f"{spec.name} answered with 5xx", "AWS/ApplicationELB",
                          "HTTPCode_Target_5XX_Count", target, "Sum", "GreaterThanThreshold", 5),
                AlarmSpec(f"{name}-unhealthy-targets", f"{spec.name} has unhealthy targets", "AWS/ApplicationELB",
                          "UnHealthyHostCount", target, "Maximum", "GreaterThanThreshold", 0),
                AlarmSpec(f"{name}-cpu", f"{spec.name} CPU above {obs.ecs_cpu_alarm_percent}%", "AWS/ECS",
                          "CPUUtilization", service, "Average", "GreaterThanThreshold", obs.ecs_cpu_alarm_percent,
                          period_seconds=300),
                AlarmSpec(f"{name}-memory", f"{spec.name} memory above {obs.ecs_memory_alarm_percent}%", "AWS/ECS",
                          "MemoryUtilization", service, "Average", "GreaterThanThreshold",
                          obs.ecs_memory_alarm_percent, period_seconds=300),
            ]  # fmt: skip
        for spec in alarms:
            CloudwatchMetricAlarm(
                self,
                f"alarm-{spec.id}",
                alarm_name=self.namer.name(spec.id),
                alarm_description=spec.description,
                namespace=spec.namespace,
                metric_name=spec.metric,
                dimensions=spec.dimensions,
                statistic=spec.statistic,
                comparison_operator=spec.comparison,
                threshold=spec.threshold,
                evaluation_periods=spec.periods,
                period=spec.period_seconds,
                treat_missing_data=spec.missing_data,
                actions_enabled=True,
                alarm_actions=[topic.arn],
                ok_actions=[topic.arn],
            )

        dashboard = CloudwatchDashboard(
            self,
            "dashboard",
            dashboard_name=self.namer.name("platform"),
            dashboard_body=json.dumps({"widgets": [_widget(i, s, env.region) for i, s in enumerate(alarms)]}),
        )

        if self.creates("aws_budgets_budget", "monthly cost budget"):
            self._budget()
        self.publish(ObservabilityOutputs(alarm_topic_arn=topic.arn, dashboard_name=dashboard.dashboard_name))

    def _budget(self) -> None:
        obs = self.environment.observability
        BudgetsBudget(
            self,
            "budget",
            name=self.namer.name("monthly"),
            budget_type="COST",
            limit_amount=f"{obs.budget.monthly_limit_usd:.2f}",
            limit_unit="USD",
            time_unit="MONTHLY",
            notification=[
                BudgetsBudgetNotification(
                    comparison_operator="GREATER_THAN",
                    threshold=percent,
                    threshold_type="PERCENTAGE",
                    notification_type="ACTUAL",
                    subscriber_email_addresses=[obs.alarm_email],
                )
                for percent in obs.budget.alert_thresholds_percent
            ],
        )


def _widget(index: int, spec: AlarmSpec, region: str) -> dict[str, object]:
    dimensions = [part for key, value in spec.dimensions.items() for part in (key, value)]
    return {
        "type": "metric",
        "x": (index % 2) * 12,
        "y": (index // 2) * 6,
        "width": 12,
        "height": 6,
        "properties": {
            "title": spec.description,
            "region": region,
            "stat": spec.statistic,
            "period": spec.period_seconds,
            "metrics": [[spec.namespace, spec.metric, *dimensions]],
        },
    }

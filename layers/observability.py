"""Layer 6: alarms on encrypted SNS topics, dashboards, the monthly budget where configured, and
for the full shape per-service composite alarms, X-Ray sampling and log metric filters."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import NamedTuple

from cdktf_cdktf_provider_aws.budgets_budget import BudgetsBudget, BudgetsBudgetNotification
from cdktf_cdktf_provider_aws.cloudwatch_composite_alarm import CloudwatchCompositeAlarm
from cdktf_cdktf_provider_aws.cloudwatch_dashboard import CloudwatchDashboard
from cdktf_cdktf_provider_aws.cloudwatch_log_metric_filter import CloudwatchLogMetricFilter
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm, CloudwatchMetricAlarmMetricQuery
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_subscription import SnsTopicSubscription
from cdktf_cdktf_provider_aws.xray_group import XrayGroup
from cdktf_cdktf_provider_aws.xray_sampling_rule import XraySamplingRule
from constructs import Construct

from hipaa_platform.config import Environment
from hipaa_platform.contracts import LayerOutputs, by_name, described
from hipaa_platform.layer import BuildContext, LayerStack
from layers.compute import ComputeOutputs
from layers.data import DataOutputs
from layers.security import SecurityOutputs

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
        alarm_topic_arn = topic.arn  # read once: each read of a resource attribute is a jsii round trip
        SnsTopicSubscription(
            self, "alarms-email", topic_arn=alarm_topic_arn, protocol="email", endpoint=obs.alarm_email
        )

        alb = {"LoadBalancer": compute.load_balancer_arn_suffix}
        database = (
            {"DBClusterIdentifier": data.database_identifier}
            if env.data.aurora
            else {"DBInstanceIdentifier": data.database_identifier}
        )
        alarms = [
            AlarmSpec(
                "alb-5xx",
                "Load balancer answered with 5xx",
                "AWS/ApplicationELB",
                "HTTPCode_ELB_5XX_Count",
                alb,
                "Sum",
                "GreaterThanThreshold",
                5,
            ),
            AlarmSpec(
                "rds-cpu",
                f"Database CPU above {obs.rds_cpu_alarm_percent}%",
                "AWS/RDS",
                "CPUUtilization",
                database,
                "Average",
                "GreaterThanThreshold",
                obs.rds_cpu_alarm_percent,
                period_seconds=300,
            ),
        ]
        if env.data.aurora:
            # Aurora storage grows by itself; capacity is what runs out.
            alarms.append(
                AlarmSpec(
                    "aurora-capacity",
                    "Aurora at 90% of its maximum ACUs",
                    "AWS/RDS",
                    "ACUUtilization",
                    database,
                    "Average",
                    "GreaterThanThreshold",
                    90,
                    period_seconds=300,
                )
            )
        else:
            alarms.append(
                AlarmSpec(
                    "rds-free-storage",
                    f"Database free storage below {obs.rds_free_storage_alarm_gb} GB",
                    "AWS/RDS",
                    "FreeStorageSpace",
                    database,
                    "Minimum",
                    "LessThanThreshold",
                    obs.rds_free_storage_alarm_gb * 1024**3,
                    period_seconds=300,
                )
            )
        for queue in by_name(env.data.queues):
            alarms.append(
                AlarmSpec(
                    f"{queue.name}-dead-letters",
                    f"Messages in the {queue.name} dead-letter queue",
                    "AWS/SQS",
                    "ApproximateNumberOfMessagesVisible",
                    {"QueueName": data.dead_letter_queue_names[queue.name]},
                    "Maximum",
                    "GreaterThanThreshold",
                    0,
                    periods=1,
                    period_seconds=300,
                )
            )
        for spec in by_name(env.compute.services):
            service = {"ClusterName": compute.cluster_name, "ServiceName": compute.service_names[spec.name]}
            target = {**alb, "TargetGroup": compute.target_group_arn_suffixes[spec.name]}
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
                alarm_actions=[alarm_topic_arn],
                ok_actions=[alarm_topic_arn],
            )

        dashboard = CloudwatchDashboard(
            self,
            "dashboard",
            dashboard_name=self.namer.name("platform"),
            dashboard_body=json.dumps({"widgets": _grid([_alarm_panel(spec) for spec in alarms], env.region)}),
        )
        more_dashboards = {
            kind: CloudwatchDashboard(
                self,
                f"dashboard-{kind}",
                dashboard_name=self.namer.name(kind),
                dashboard_body=json.dumps({"widgets": _grid(panels, env.region)}),
            )
            for kind, panels in dashboard_panels(env, compute, data, database).items()
        }

        critical = {CRITICAL: self._service_health(compute, security.kms_key_arn)} if obs.service_alarms else {}
        if obs.xray_sampling and self.creates_all(
            ("aws_xray_sampling_rule", "baseline and 5xx sampling rules"),
            ("aws_xray_group", "slow-request group"),
        ):
            self._xray_sampling()
        for spec in by_name(env.compute.services):
            for metric_filter in obs.metric_filters:
                CloudwatchLogMetricFilter(
                    self,
                    f"filter-{spec.container_name}-{metric_filter.name}",
                    name=f"{spec.container_name}-{metric_filter.name}",
                    log_group_name=compute.log_group_names[spec.name],
                    pattern=metric_filter.pattern,
                    metric_transformation={
                        "name": f"{spec.container_name}-{metric_filter.name}",
                        "namespace": env.application,
                        "value": "1",
                        "default_value": "0",
                    },
                )

        if obs.budget and self.creates("aws_budgets_budget", "monthly cost budget"):
            self._budget()
        self.publish(
            ObservabilityOutputs(
                alarm_topic_arn=alarm_topic_arn,
                dashboard_name=dashboard.dashboard_name,
                dashboard_names={kind: d.dashboard_name for kind, d in more_dashboards.items()},
                critical_topic_arns={key: t.arn for key, t in critical.items()},
            )
        )

    def _service_health(self, compute: ComputeOutputs, kms_key_arn: str) -> SnsTopic:
        """Per service: 5xx rate, p99 latency and running tasks, one composite paging critical."""
        env = self.environment
        config = env.observability.service_alarms
        critical = SnsTopic(self, "critical", name=self.namer.name("critical"), kms_master_key_id=kms_key_arn)
        recovery = SnsTopic(self, "recovery", name=self.namer.name("recovery"), kms_master_key_id=kms_key_arn)
        critical_arn, recovery_arn = critical.arn, recovery.arn
        SnsTopicSubscription(
            self, "critical-email", topic_arn=critical.arn, protocol="email", endpoint=env.observability.alarm_email
        )
        common = {
            "comparison_operator": "GreaterThanThreshold",
            "evaluation_periods": config.evaluation_periods,
            "treat_missing_data": "notBreaching",
        }
        composite = self.creates("aws_cloudwatch_composite_alarm", "per-service composite health alarms")
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
                self,
                f"alarm-{name}-5xx-rate",
                alarm_name=self.namer.service_alarm(name, "5xx-rate"),
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
                self,
                f"alarm-{name}-p99-latency",
                alarm_name=self.namer.service_alarm(name, "p99-latency"),
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
                self,
                f"alarm-{name}-running-tasks",
                alarm_name=self.namer.service_alarm(name, "running-tasks"),
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
            )
            if not composite:
                continue
            CloudwatchCompositeAlarm(
                self,
                f"alarm-{name}-health",
                alarm_name=self.namer.service_alarm(name, "composite-health"),
                alarm_description=f"{spec.name}: errors, latency or missing tasks",
                # references, not names: Terraform creates the metric alarms before the composite
                alarm_rule=" OR ".join(f'ALARM("{a.alarm_name}")' for a in (error_rate, latency, tasks)),
                alarm_actions=[critical_arn],
                ok_actions=[recovery_arn],
            )
        return critical

    def _xray_sampling(self) -> None:
        """Baseline and error sampling rules; slow requests are found through an X-Ray group,
        because sampling is decided when a request starts, before its duration is known."""
        config = self.environment.observability.xray_sampling
        services = f"{self.namer.prefix}-*"
        rules = (("errors", 1, config.error_rate, 10, {"http.status_code": "5*"}),
                 ("baseline", 1000, config.baseline_rate, 1, None))  # fmt: skip
        for rule, priority, rate, reservoir, attributes in rules:
            XraySamplingRule(
                self,
                f"sampling-{rule}",
                rule_name=self.namer.name(rule),
                priority=priority,
                fixed_rate=rate,
                reservoir_size=reservoir,
                service_name=services,
                service_type="*",
                host="*",
                http_method="*",
                url_path="*",
                resource_arn="*",
                version=1,
                attributes=attributes,
            )
        XrayGroup(
            self,
            "slow-requests",
            group_name=self.namer.name("slow-requests"),
            filter_expression=f"responsetime > {config.slow_request_seconds:g}",
            insights_configuration={"insights_enabled": True, "notifications_enabled": False},
        )

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


def dashboard_panels(
    env: Environment, compute: ComputeOutputs, data: DataOutputs, database: dict[str, str]
) -> dict[str, list[tuple[str, list[list[str]], str]]]:
    """Panels (title, metrics, statistic) of each configured dashboard besides the overview."""
    alb = ["LoadBalancer", compute.load_balancer_arn_suffix]
    panels: dict[str, list[tuple[str, list[list[str]], str]]] = {}
    services = [(spec, ["ClusterName", compute.cluster_name, "ServiceName", compute.service_names[spec.name]],
                 ["TargetGroup", compute.target_group_arn_suffixes[spec.name], *alb])
                for spec in by_name(env.compute.services)]  # fmt: skip
    for kind in env.observability.dashboards:
        if kind == "services":
            panels[kind] = [
                (f"{spec.name}: {title}", [[namespace, metric, *dims]], stat)
                for spec, service, target in services
                for title, namespace, metric, dims, stat in (
                    ("CPU %", "AWS/ECS", "CPUUtilization", service, "Average"),
                    ("memory %", "AWS/ECS", "MemoryUtilization", service, "Average"),
                    ("requests", "AWS/ApplicationELB", "RequestCount", target, "Sum"),
                    ("p99 latency", "AWS/ApplicationELB", "TargetResponseTime", target, "p99"),
                )
            ]
        elif kind == "load-balancer":
            panels[kind] = [
                ("Requests", [["AWS/ApplicationELB", "RequestCount", *alb]], "Sum"),
                ("Load balancer 5xx", [["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", *alb]], "Sum"),
                ("Target 5xx", [["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", *alb]], "Sum"),
                ("p99 response time", [["AWS/ApplicationELB", "TargetResponseTime", *alb]], "p99"),
                (
                    "Healthy targets",
                    [["AWS/ApplicationELB", "HealthyHostCount", *t] for _, _, t in services],
                    "Minimum",
                ),
            ]
        elif kind == "database":
            dims = [part for pair in database.items() for part in pair]
            metrics = ["CPUUtilization", "DatabaseConnections", "ReadLatency", "WriteLatency"]
            metrics += ["ServerlessDatabaseCapacity", "ACUUtilization"] if env.data.aurora else ["FreeStorageSpace"]
            panels[kind] = [(m, [["AWS/RDS", m, *dims]], "Average") for m in metrics]
        elif kind == "queues":
            panels[kind] = [
                (f"{queue.name}: {title}", [["AWS/SQS", metric, "QueueName", names[queue.name]]], "Maximum")
                for queue in by_name(env.data.queues)
                for title, metric, names in (
                    ("backlog", "ApproximateNumberOfMessagesVisible", data.queue_names),
                    ("oldest message age", "ApproximateAgeOfOldestMessage", data.queue_names),
                    ("dead letters", "ApproximateNumberOfMessagesVisible", data.dead_letter_queue_names),
                )
            ]
        elif kind == "cost":
            panels[kind] = [("Estimated charges (USD)", [["AWS/Billing", "EstimatedCharges", "Currency", "USD"]],
                             "Maximum")]  # fmt: skip
    return panels


class Panel(NamedTuple):
    title: str
    metrics: list[list[str]]
    stat: str
    period: int = 300


def _alarm_panel(spec: AlarmSpec) -> Panel:
    """The overview shows what each alarm watches, at the alarm's own period."""
    dimensions = [part for key, value in spec.dimensions.items() for part in (key, value)]
    return Panel(spec.description, [[spec.namespace, spec.metric, *dimensions]], spec.statistic, spec.period_seconds)


def _grid(panels: list[tuple], region: str) -> list[dict[str, object]]:
    """Two widgets per row; billing metrics exist only in us-east-1, whatever the platform's region."""
    return [
        {
            "type": "metric",
            "x": (index % 2) * 12,
            "y": (index // 2) * 6,
            "width": 12,
            "height": 6,
            "properties": {
                "title": title,
                "region": "us-east-1" if metrics[0][0] == "AWS/Billing" else region,
                "stat": stat,
                "period": period,
                "metrics": metrics,
            },
        }
        for index, (title, metrics, stat, period) in enumerate(Panel(*panel) for panel in panels)
    ]

"""CloudWatch dashboards: the overview of what every alarm watches, and the further dashboards an
environment configures (services, load balancer, database, queues, cost)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, NamedTuple

from cdktf_cdktf_provider_aws.cloudwatch_dashboard import CloudwatchDashboard
from constructs import Construct

from hipaa_platform.building.naming import Namer
from hipaa_platform.config import Environment
from hipaa_platform.contracts import by_name
from modules.shared.metric_alarm import AlarmSpec

if TYPE_CHECKING:
    from hipaa_platform.contracts.compute import ComputeOutputs
    from hipaa_platform.contracts.data import DataOutputs


def dashboard(scope: Construct, id: str, *, name: str, panels: list[tuple], region: str) -> CloudwatchDashboard:
    return CloudwatchDashboard(
        scope, id, dashboard_name=name, dashboard_body=json.dumps({"widgets": grid(panels, region)})
    )


def dashboard_panels(
    env: Environment, compute: ComputeOutputs, data: DataOutputs, database: dict[str, str], namer: Namer
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
        elif kind == "cache" and env.data.redis:
            members = namer.redis_members(env.data.redis)
            panels[kind] = [
                (title, [["AWS/ElastiCache", metric, "CacheClusterId", member] for member in members], stat)
                for title, metric, stat in (
                    ("Cache hit rate %", "CacheHitRate", "Average"),
                    ("Evictions", "Evictions", "Sum"),
                    ("Engine CPU %", "EngineCPUUtilization", "Average"),
                    ("Host CPU %", "CPUUtilization", "Average"),
                    ("Memory used %", "DatabaseMemoryUsagePercentage", "Average"),
                    ("Items", "CurrItems", "Average"),
                    ("Network bytes in", "NetworkBytesIn", "Sum"),
                    ("Network bytes out", "NetworkBytesOut", "Sum"),
                )
            ]
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


def alarm_panel(spec: AlarmSpec) -> Panel:
    """The overview shows what each alarm watches, at the alarm's own period."""
    dimensions = [part for key, value in spec.dimensions.items() for part in (key, value)]
    return Panel(spec.description, [[spec.namespace, spec.metric, *dimensions]], spec.statistic, spec.period_seconds)


def grid(panels: list[tuple], region: str) -> list[dict[str, object]]:
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

"""Metric alarms on the platform's signals: load balancer, database, Redis evictions, dead-letter
queues, and each service's targets, CPU and memory; every alarm notifies the alarm topic when it
fires, when it clears, and when its metric stops reporting (CKV_HIPAA_5)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hipaa_platform.building.naming import Namer
from hipaa_platform.config import Data, Environment
from hipaa_platform.contracts import by_name
from modules.shared.metric_alarm import AlarmSpec

if TYPE_CHECKING:
    from hipaa_platform.contracts.compute import ComputeOutputs
    from hipaa_platform.contracts.data import DataOutputs


def database_dimensions(config: Data, data: DataOutputs) -> dict[str, str]:
    """The CloudWatch dimension naming the database: an Aurora cluster's, or an instance's."""
    if config.aurora:
        return {"DBClusterIdentifier": data.database_identifier}
    return {"DBInstanceIdentifier": data.database_identifier}


def platform_alarms(env: Environment, compute: ComputeOutputs, data: DataOutputs, namer: Namer) -> list[AlarmSpec]:
    """What the platform alarms on, in a stable order (the overview dashboard follows it)."""
    obs = env.observability
    alb = {"LoadBalancer": compute.load_balancer_arn_suffix}
    database = database_dimensions(env.data, data)
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
            periods=obs.rds_alarm_periods,
            period_seconds=300,
        ),
    ]
    if obs.rds_connections_alarm:
        alarms.append(
            AlarmSpec(
                "rds-connections",
                f"Database connections above {obs.rds_connections_alarm}",
                "AWS/RDS",
                "DatabaseConnections",
                database,
                "Average",
                "GreaterThanThreshold",
                obs.rds_connections_alarm,
                periods=obs.rds_alarm_periods,
                period_seconds=300,
            )
        )
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
                periods=obs.rds_free_storage_alarm_periods,
                period_seconds=300,
            )
        )
    # ElastiCache reports per node.
    for node, member in enumerate(namer.redis_members(env.data.redis) if env.data.redis else [], start=1):
        alarms.append(
            AlarmSpec(f"redis-evictions-{node}", f"Redis node {member} evicted keys", "AWS/ElastiCache",
                      "Evictions", {"CacheClusterId": member}, "Sum", "GreaterThanThreshold", 0, periods=1,
                      period_seconds=300)
        )  # fmt: skip
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
                      "HTTPCode_Target_5XX_Count", target, "Sum", "GreaterThanThreshold", obs.target_5xx.count,
                      periods=obs.target_5xx.periods, period_seconds=obs.target_5xx.period_seconds),
            AlarmSpec(f"{name}-unhealthy-targets", f"{spec.name} has unhealthy targets", "AWS/ApplicationELB",
                      "UnHealthyHostCount", target, "Maximum", "GreaterThanThreshold", 0,
                      periods=obs.unhealthy_targets_alarm_periods),
            AlarmSpec(f"{name}-cpu", f"{spec.name} CPU above {obs.ecs_cpu_alarm_percent}%", "AWS/ECS",
                      "CPUUtilization", service, "Average", "GreaterThanThreshold", obs.ecs_cpu_alarm_percent,
                      periods=obs.ecs_alarm_periods, period_seconds=300),
            AlarmSpec(f"{name}-memory", f"{spec.name} memory above {obs.ecs_memory_alarm_percent}%", "AWS/ECS",
                      "MemoryUtilization", service, "Average", "GreaterThanThreshold",
                      obs.ecs_memory_alarm_percent, periods=obs.ecs_alarm_periods, period_seconds=300),
        ]  # fmt: skip
    return alarms

"""Application autoscaling of one ECS service: CPU and memory target tracking, ALB requests per
target, and optionally step scaling on the depth of an SQS queue."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.appautoscaling_policy import (
    AppautoscalingPolicy,
    AppautoscalingPolicyStepScalingPolicyConfigurationStepAdjustment,
)
from cdktf_cdktf_provider_aws.appautoscaling_target import AppautoscalingTarget
from constructs import Construct

from hipaa_platform.config import Autoscaling
from hipaa_platform.gate.acceptances import accept_finding
from modules.shared.metric_alarm import AlarmSpec, Notify, metric_alarm

POLICY_NAMES = {"cpu": "cpu", "memory": "memory", "requests": "request"}


class ServiceAutoscaling(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: Autoscaling,
        name: str,
        cluster_name: str,
        service_name: str,
        request_count_label: str,
        queue_name: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        target = AppautoscalingTarget(
            self,
            "target",
            min_capacity=config.min_count,
            max_capacity=config.max_count,
            resource_id=f"service/{cluster_name}/{service_name}",
            scalable_dimension="ecs:service:DesiredCount",
            service_namespace="ecs",
        )
        scaled = {
            "resource_id": target.resource_id,
            "scalable_dimension": target.scalable_dimension,
            "service_namespace": target.service_namespace,
        }
        cooldowns = {
            "scale_in_cooldown": config.scale_in_cooldown_seconds,
            "scale_out_cooldown": config.scale_out_cooldown_seconds,
        }
        # (id, metric, target): one target-tracking policy per metric the config sets.
        tracked = (
            ("cpu", {"predefined_metric_type": "ECSServiceAverageCPUUtilization"}, config.cpu_target_percent),
            ("memory", {"predefined_metric_type": "ECSServiceAverageMemoryUtilization"}, config.memory_target_percent),
            (
                "requests",
                {"predefined_metric_type": "ALBRequestCountPerTarget", "resource_label": request_count_label},
                config.requests_per_target,
            ),
        )
        for id_, metric, target_value in tracked:
            if target_value:
                AppautoscalingPolicy(
                    self,
                    id_,
                    name=f"{name}-{POLICY_NAMES[id_]}-scaling",
                    policy_type="TargetTrackingScaling",
                    **scaled,
                    target_tracking_scaling_policy_configuration={
                        "predefined_metric_specification": metric,
                        "target_value": target_value,
                        **cooldowns,
                    },
                )
        if config.queue_depth and queue_name:
            depth = config.queue_depth
            policy = AppautoscalingPolicy(
                self,
                "queue-depth",
                name=f"{name}-queue-scaling",
                policy_type="StepScaling",
                **scaled,
                step_scaling_policy_configuration={
                    "adjustment_type": "ChangeInCapacity",
                    "cooldown": depth.cooldown_seconds,
                    "metric_aggregation_type": "Average",
                    "step_adjustment": [
                        AppautoscalingPolicyStepScalingPolicyConfigurationStepAdjustment(
                            metric_interval_lower_bound=None if step.lower is None else str(step.lower),
                            metric_interval_upper_bound=None if step.upper is None else str(step.upper),
                            scaling_adjustment=step.change,
                        )
                        for step in depth.steps
                    ],
                },
            )
            # Step scaling acts on an alarm: the queue's backlog above the threshold.
            backlog = AlarmSpec(
                "queue-depth", f"{queue_name} backlog above {depth.alarm_threshold_messages}: scale out", "AWS/SQS",
                "ApproximateNumberOfMessagesVisible", {"QueueName": queue_name}, "Average",
                "GreaterThanOrEqualToThreshold", depth.alarm_threshold_messages, periods=1,
            )  # fmt: skip
            alarm = metric_alarm(
                self, "queue-depth-alarm", name=f"{name}-queue-depth", spec=backlog, notify=Notify(alarm=[policy.arn])
            )
            accept_finding(
                alarm,
                "CKV_HIPAA_5",
                "This alarm drives the service's step scaling (its action is the scaling policy), not people; the "
                "observability layer's alarm on this queue's dead-letter queue notifies the alarm topic, "
                "insufficient data included.",
            )

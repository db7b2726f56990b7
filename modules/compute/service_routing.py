"""One service's place behind the load balancer: its target groups (blue, and green for blue-green
deployments) and its path rules on the production listener (and the test listener)."""

from __future__ import annotations

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.lb_listener_rule import (
    LbListenerRule,
    LbListenerRuleAction,
    LbListenerRuleCondition,
    LbListenerRuleConditionPathPattern,
)
from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup
from constructs import Construct

from hipaa_platform.building.naming import Namer
from hipaa_platform.config import Service
from hipaa_platform.gate.acceptances import accept_finding
from modules.compute.load_balancer import HttpsLoadBalancer

TLS_ENDS_AT_ALB = (
    "TLS ends at the load balancer; the hop to the task is plain HTTP on the container port inside "
    "the VPC, and the task's security group admits only the load balancer (seed design)."
)


def service_routing(
    scope: Construct, spec: Service, *, alb: HttpsLoadBalancer, priority: int, namer: Namer, vpc_id: str
) -> list[LbTargetGroup]:
    """The service's target groups (blue, and green for blue-green) and its path rules."""
    colours = ("blue", "green") if spec.deployment == "blue_green" else ("",)
    groups = []
    for colour in colours:
        group = alb.target_group(
            f"target-{spec.container_name}" + (f"-{colour}" if colour else ""),
            name=namer.target_group(spec, colour),
            port=spec.container_port,
            vpc_id=vpc_id,
        )
        accept_finding(group, "CKV_AWS_378", TLS_ENDS_AT_ALB)
        groups.append(group)
    listeners: list[tuple[str, str]] = [("route", alb.https_arn)]
    if spec.deployment == "blue_green" and alb.test_arn:
        listeners.append(("test-route", alb.test_arn))
    blue_arn = groups[0].arn
    for prefix, listener_arn in listeners:
        LbListenerRule(
            scope,
            f"{prefix}-{spec.container_name}",
            listener_arn=listener_arn,
            priority=priority,
            action=[LbListenerRuleAction(type="forward", target_group_arn=blue_arn)],
            condition=[
                LbListenerRuleCondition(path_pattern=LbListenerRuleConditionPathPattern(values=list(spec.routes)))
            ],
            # CodeDeploy moves the forward between blue and green.
            lifecycle=TerraformResourceLifecycle(ignore_changes=["action"]) if len(groups) > 1 else None,
        )
    return groups

"""The role EventBridge Scheduler assumes to start the weekly instance refresh of the ECS container
instances' Auto Scaling group (the compute layer's patching schedule): that one action, on that one
group, from this account's scheduler only."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.iam_role import IamRole
from constructs import Construct

from hipaa_platform.building.naming import Namer
from modules.shared.iam import Statement
from modules.shared.service_role import service_role_with_policy

CONTAINER_INSTANCE_GROUP = "ecs-instances"  # the compute layer's Auto Scaling group, by its namer name


def instance_refresh_role(scope: Construct, *, namer: Namer, account: str, partition: str, region: str) -> IamRole:
    group = namer.name(CONTAINER_INSTANCE_GROUP)
    return service_role_with_policy(
        scope,
        "instance-refresh-role",
        "instance-refresh",
        name=namer.name("instance-refresh-role"),
        description="EventBridge Scheduler starts the container instances' weekly instance refresh",
        service="scheduler.amazonaws.com",
        account=account,
        source_arn=f"arn:{partition}:scheduler:{region}:{account}:schedule/default/{group}-refresh",
        policy_name="start-instance-refresh",
        statements=(
            Statement(
                sid="RefreshTheContainerInstances",
                actions=("autoscaling:StartInstanceRefresh",),
                resources=(
                    f"arn:{partition}:autoscaling:{region}:{account}:autoScalingGroup:*:autoScalingGroupName/{group}",
                ),
            ),
        ),
    )

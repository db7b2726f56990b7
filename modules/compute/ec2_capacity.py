"""ECS capacity on EC2: a launch template of the ECS-optimized Amazon Linux 2023 AMI (AWS's public SSM
parameter, resolved at each launch; IMDSv2 only, hop limit 1; root volume encrypted with the
environment's key; no key pair, no public IP; detailed monitoring), an Auto Scaling group across the
private subnets, a capacity provider whose managed scaling sizes the group to the tasks placed on
it, and the patching: a scheduled instance refresh replaces every instance with one launched from
the AMI AWS recommends by then, launching each before its predecessor goes (ECS drains it first)."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Sequence

from cdktf import TerraformResourceLifecycle, Token
from cdktf_cdktf_provider_aws.autoscaling_group import AutoscalingGroup, AutoscalingGroupTag
from cdktf_cdktf_provider_aws.ecs_capacity_provider import EcsCapacityProvider
from cdktf_cdktf_provider_aws.launch_template import (
    LaunchTemplate,
    LaunchTemplateBlockDeviceMappings,
    LaunchTemplateNetworkInterfaces,
    LaunchTemplateTagSpecifications,
)
from cdktf_cdktf_provider_aws.scheduler_schedule import SchedulerSchedule
from constructs import Construct

from hipaa_platform.building.naming import Namer
from hipaa_platform.config import Ec2Capacity
from hipaa_platform.gate.acceptances import accept_finding
from modules.security.instance_refresh_role import CONTAINER_INSTANCE_GROUP

ECS_OPTIMIZED_AMI = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
ROOT_DEVICE = "/dev/xvda"
# Launch each replacement before its predecessor goes (100-200 % of the desired capacity healthy), and
# replace instances protected from scale-in too: ECS's managed termination protection sets that on each.
REFRESH_PREFERENCES = {
    "MinHealthyPercentage": 100,
    "MaxHealthyPercentage": 200,
    "ScaleInProtectedInstances": "Refresh",
    "StandbyInstances": "Terminate",
    "SkipMatching": False,
}
START_INSTANCE_REFRESH = "arn:aws:scheduler:::aws-sdk:autoscaling:startInstanceRefresh"


def agent_configuration(cluster_name: str) -> str:
    """The ECS agent's settings: join the cluster, and keep awsvpc tasks away from the instance's
    metadata (and with it the instance role's credentials)."""
    return "\n".join(
        (
            "#!/bin/bash",
            "cat >> /etc/ecs/ecs.config <<'CONFIG'",
            f"ECS_CLUSTER={cluster_name}",
            "ECS_AWSVPC_BLOCK_IMDS=true",
            "ECS_ENABLE_TASK_IAM_ROLE=true",
            "CONFIG",
            "",
        )
    )


class Ec2CapacityProvider(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: Ec2Capacity,
        namer: Namer,
        cluster_name: str,
        subnet_ids: Sequence[str],
        security_group_id: str,
        instance_profile_arn: str,
        kms_key_arn: str,
        autoscaling_role_arn: str,
        refresh_role_arn: str,
    ) -> None:
        """`autoscaling_role_arn`: the environment's service-linked role that launches the instances (its
        AWS policy may read SSM parameters); `refresh_role_arn`: the role the refresh schedule assumes."""
        super().__init__(scope, id)
        group_name = namer.name(CONTAINER_INSTANCE_GROUP)
        self.launch_template = LaunchTemplate(
            self,
            "launch-template",
            name=group_name,
            description="ECS container instances: IMDSv2 only, encrypted root volume, no key pair, no public IP",
            # Resolved by EC2 at each launch, so a replaced instance runs the AMI recommended by then.
            image_id=f"resolve:ssm:{ECS_OPTIMIZED_AMI}",
            instance_type=config.instance_type,
            iam_instance_profile={"arn": instance_profile_arn},
            metadata_options={
                "http_endpoint": "enabled",
                "http_tokens": "required",
                # awsvpc tasks cannot reach the instance's metadata anyway (ECS_AWSVPC_BLOCK_IMDS); one hop is
                # all the agents on the instance need.
                "http_put_response_hop_limit": 1,
            },
            monitoring={"enabled": True},
            network_interfaces=[
                LaunchTemplateNetworkInterfaces(
                    associate_public_ip_address="false",
                    delete_on_termination="true",
                    security_groups=[security_group_id],
                )
            ],
            block_device_mappings=[
                LaunchTemplateBlockDeviceMappings(
                    device_name=ROOT_DEVICE,
                    ebs={
                        "volume_size": config.root_volume_gb,
                        "volume_type": "gp3",
                        "encrypted": "true",
                        "kms_key_id": kms_key_arn,
                        "delete_on_termination": "true",
                    },
                )
            ],
            user_data=base64.b64encode(agent_configuration(cluster_name).encode()).decode(),
            update_default_version=True,
            tag_specifications=[
                LaunchTemplateTagSpecifications(resource_type=kind, tags={"Name": namer.name("ecs-instance")})
                for kind in ("instance", "volume")
            ],
        )
        self.group = AutoscalingGroup(
            self,
            "group",
            name=group_name,
            min_size=config.min_size,
            max_size=config.max_size,
            vpc_zone_identifier=list(subnet_ids),
            # The template's number, not $Latest: a new version then changes the group, which starts
            # the instance refresh below.
            launch_template={
                "id": self.launch_template.id,
                "version": Token.as_string(self.launch_template.latest_version),
            },
            service_linked_role_arn=autoscaling_role_arn,
            health_check_type="EC2",
            # Managed termination protection: ECS decides which instances may go (none with tasks).
            protect_from_scale_in=True,
            # Instances are protected from scale-in, so deleting the group must terminate them itself.
            force_delete=True,
            tag=[AutoscalingGroupTag(key="AmazonECSManaged", value="true", propagate_at_launch=True)],
            # The capacity provider's managed scaling owns the instance count.
            lifecycle=TerraformResourceLifecycle(ignore_changes=["desired_capacity"]),
            # A changed launch template is rolled out at once, as the schedule rolls out a new AMI.
            instance_refresh={"strategy": "Rolling", "preferences": refresh_preferences()},
        )
        self.refresh_schedule = SchedulerSchedule(
            self,
            "refresh",
            name=f"{group_name}-refresh",
            description="Replaces every container instance with one of the ECS-optimized AMI recommended now",
            schedule_expression=config.refresh_schedule,
            flexible_time_window={"mode": "OFF"},
            target={
                "arn": START_INSTANCE_REFRESH,
                "role_arn": refresh_role_arn,
                "input": json.dumps({"AutoScalingGroupName": group_name, "Preferences": REFRESH_PREFERENCES}),
            },
            depends_on=[self.group],
        )
        accept_finding(
            self.refresh_schedule,
            "CKV_AWS_297",
            "The schedule holds the group's name and the refresh preferences, no data: AWS's own key encrypts it.",
        )
        self.capacity_provider = EcsCapacityProvider(
            self,
            "provider",
            name=namer.name("ec2"),
            auto_scaling_group_provider={
                "auto_scaling_group_arn": self.group.arn,
                "managed_termination_protection": "ENABLED",
                # managed_draining is left to AWS's default for a new capacity provider, ENABLED (the ECS
                # developer guide, read 2026-12-07): ECS moves an instance's tasks before a refresh ends it.
                "managed_scaling": {
                    "status": "ENABLED",
                    "target_capacity": config.target_capacity_percent,
                    "minimum_scaling_step_size": 1,
                    "maximum_scaling_step_size": max(1, config.max_size - config.min_size),
                },
            },
        )
        self.name = self.capacity_provider.name


def refresh_preferences() -> dict:
    """REFRESH_PREFERENCES as the provider's instance_refresh block names them (MinHealthyPercentage:
    min_healthy_percentage)."""
    return {re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower(): value for key, value in REFRESH_PREFERENCES.items()}

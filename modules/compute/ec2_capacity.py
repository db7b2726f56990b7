"""ECS capacity on EC2: a launch template of the ECS-optimized Amazon Linux 2023 AMI (resolved from
AWS's public SSM parameter; IMDSv2 only, hop limit 1; root volume encrypted with the environment's
key; no key pair, no public IP; detailed monitoring), an Auto Scaling group across the private
subnets, and a capacity provider whose managed scaling sizes the group to the tasks placed on it."""

from __future__ import annotations

import base64
from collections.abc import Sequence

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.autoscaling_group import AutoscalingGroup, AutoscalingGroupTag
from cdktf_cdktf_provider_aws.data_aws_ssm_parameter import DataAwsSsmParameter
from cdktf_cdktf_provider_aws.ecs_capacity_provider import EcsCapacityProvider
from cdktf_cdktf_provider_aws.launch_template import (
    LaunchTemplate,
    LaunchTemplateBlockDeviceMappings,
    LaunchTemplateNetworkInterfaces,
    LaunchTemplateTagSpecifications,
)
from constructs import Construct

from hipaa_platform.building.naming import Namer
from hipaa_platform.config import Ec2Capacity

ECS_OPTIMIZED_AMI = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
ROOT_DEVICE = "/dev/xvda"


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
    ) -> None:
        """`autoscaling_role_arn`: the environment's service-linked role that launches the instances."""
        super().__init__(scope, id)
        image = DataAwsSsmParameter(self, "ami", name=ECS_OPTIMIZED_AMI)
        self.launch_template = LaunchTemplate(
            self,
            "launch-template",
            name=namer.name("ecs-instances"),
            description="ECS container instances: IMDSv2 only, encrypted root volume, no key pair, no public IP",
            image_id=image.insecure_value,
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
            name=namer.name("ecs-instances"),
            min_size=config.min_size,
            max_size=config.max_size,
            vpc_zone_identifier=list(subnet_ids),
            launch_template={"id": self.launch_template.id, "version": "$Latest"},
            service_linked_role_arn=autoscaling_role_arn,
            health_check_type="EC2",
            # Managed termination protection: ECS decides which instances may go (none with tasks).
            protect_from_scale_in=True,
            # Instances are protected from scale-in, so deleting the group must terminate them itself.
            force_delete=True,
            tag=[AutoscalingGroupTag(key="AmazonECSManaged", value="true", propagate_at_launch=True)],
            # The capacity provider's managed scaling owns the instance count.
            lifecycle=TerraformResourceLifecycle(ignore_changes=["desired_capacity"]),
        )
        self.capacity_provider = EcsCapacityProvider(
            self,
            "provider",
            name=namer.name("ec2"),
            auto_scaling_group_provider={
                "auto_scaling_group_arn": self.group.arn,
                "managed_termination_protection": "ENABLED",
                "managed_scaling": {
                    "status": "ENABLED",
                    "target_capacity": config.target_capacity_percent,
                    "minimum_scaling_step_size": 1,
                    "maximum_scaling_step_size": max(1, config.max_size - config.min_size),
                },
            },
        )
        self.name = self.capacity_provider.name

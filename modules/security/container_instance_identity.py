"""Who ECS container instances are: the instance role and profile (the ECS agent, Session Manager
and the agent's logs, through AWS's managed policies for exactly that), and the environment's own
EC2 Auto Scaling service-linked role, which launches the instances and is the principal the
volume key's policy admits."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.iam_instance_profile import IamInstanceProfile
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.iam_service_linked_role import IamServiceLinkedRole
from constructs import Construct

from hipaa_platform.building.naming import Namer
from modules.shared.iam import Statement, service_trust

# The ECS agent (register, poll, pull images, write its logs) and the SSM agent (Session Manager).
INSTANCE_POLICIES = (
    "service-role/AmazonEC2ContainerServiceforEC2Role",
    "AmazonSSMManagedInstanceCore",
)


class ContainerInstanceIdentity(Construct):
    def __init__(self, scope: Construct, id: str, *, namer: Namer, partition: str) -> None:
        super().__init__(scope, id)
        self.role = IamRole(
            self,
            "role",
            name=namer.name("ecs-instance-role"),
            description="ECS container instances: the ECS agent and Session Manager only",
            # EC2 passes no source account for instance profiles; the profile itself is the binding.
            assume_role_policy=service_trust("ec2.amazonaws.com"),
        )
        for index, policy in enumerate(INSTANCE_POLICIES):
            IamRolePolicyAttachment(
                self, f"policy-{index}", role=self.role.name, policy_arn=f"arn:{partition}:iam::aws:policy/{policy}"
            )
        self.profile = IamInstanceProfile(self, "profile", name=namer.name("ecs-instance-profile"), role=self.role.name)
        # A suffix of its own: the account's default Auto Scaling role may exist already or belong to others.
        self.autoscaling_role = IamServiceLinkedRole(
            self,
            "autoscaling-role",
            aws_service_name="autoscaling.amazonaws.com",
            custom_suffix=namer.prefix,
            description=f"Launches {namer.prefix}'s ECS container instances with encrypted volumes",
        )


def volume_key_statements(autoscaling_role_arn: str) -> tuple[Statement, ...]:
    """Key-policy statements letting the Auto Scaling role encrypt the instances' EBS volumes."""
    principal = {"AWS": autoscaling_role_arn}
    return (
        Statement(
            sid="AutoScalingEncryptsInstanceVolumes",
            principals=principal,
            actions=("kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"),
            resources=("*",),
        ),
        Statement(
            sid="AutoScalingGrantsEbsForAttachedVolumes",
            principals=principal,
            actions=("kms:CreateGrant",),
            resources=("*",),
            conditions={"Bool": {"kms:GrantIsForAWSResource": True}},
        ),
    )

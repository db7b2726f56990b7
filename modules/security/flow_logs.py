"""VPC flow logs (all traffic, one-minute aggregation) into an encrypted log group, delivered by
a role that can write to that group only."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.flow_log import FlowLog
from cdktf_cdktf_provider_aws.iam_role import IamRole
from constructs import Construct

from hipaa_platform.building.naming import Namer
from modules.shared.iam import Statement, policy_document, service_trust
from modules.shared.log_group import EncryptedLogGroup
from modules.shared.role_policy import role_policy


class VpcFlowLogs(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc_id: str,
        namer: Namer,
        retention_days: int,
        kms_key_arn: str,
        account: str,
        partition: str,
        region: str,
    ) -> None:
        super().__init__(scope, id)
        log_group = EncryptedLogGroup(
            self,
            "group",
            name=namer.log_group("vpc-flow-logs"),
            retention_days=retention_days,
            kms_key_arn=kms_key_arn,
        )
        role = IamRole(
            self,
            "role",
            name=namer.name("vpc-flow-logs-role"),
            description="VPC flow logs deliver records to their encrypted log group",
            assume_role_policy=service_trust(
                "vpc-flow-logs.amazonaws.com",
                account_id=account,
                source_arn=f"arn:{partition}:ec2:{region}:{account}:vpc-flow-log/*",
            ),
        )
        role_policy(
            self,
            "delivery",
            name="deliver-flow-logs",
            role=role.id,
            policy=policy_document(
                Statement(
                    sid="DeliverToOwnLogGroup",
                    actions=("logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"),
                    resources=(log_group.arn, f"{log_group.arn}:*"),
                )
            ),
        )
        FlowLog(
            self,
            "this",
            vpc_id=vpc_id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=log_group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
        )

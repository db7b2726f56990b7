"""VPC flow logs (all traffic, one-minute aggregation) into an encrypted log group, delivered by
a role that can write to that group only."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.flow_log import FlowLog
from constructs import Construct

from hipaa_platform.building.naming import Namer
from modules.shared.iam import Statement
from modules.shared.log_group import EncryptedLogGroup
from modules.shared.service_role import service_role_with_policy


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
        role = service_role_with_policy(
            self,
            "role",
            "delivery",
            name=namer.name("vpc-flow-logs-role"),
            description="VPC flow logs deliver records to their encrypted log group",
            service="vpc-flow-logs.amazonaws.com",
            account=account,
            source_arn=f"arn:{partition}:ec2:{region}:{account}:vpc-flow-log/*",
            policy_name="deliver-flow-logs",
            statements=(
                Statement(
                    sid="DeliverToOwnLogGroup",
                    actions=("logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"),
                    resources=(log_group.arn, f"{log_group.arn}:*"),
                ),
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

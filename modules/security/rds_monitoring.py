"""The role RDS enhanced monitoring assumes to publish operating-system metrics."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from constructs import Construct

from hipaa_platform.building.naming import Namer
from modules.shared.iam import service_trust


def rds_monitoring_role(scope: Construct, *, namer: Namer, account: str, partition: str) -> IamRole:
    role = IamRole(
        scope,
        "rds-monitoring-role",
        name=namer.name("rds-monitoring-role"),
        description="RDS enhanced monitoring publishes OS metrics to CloudWatch Logs",
        assume_role_policy=service_trust("monitoring.rds.amazonaws.com", account_id=account),
    )
    IamRolePolicyAttachment(
        scope,
        "rds-monitoring-policy",
        role=role.name,
        policy_arn=f"arn:{partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
    )
    return role

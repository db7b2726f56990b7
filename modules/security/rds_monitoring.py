"""The role RDS enhanced monitoring assumes to publish operating-system metrics."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.iam_role import IamRole
from constructs import Construct

from hipaa_platform.building.naming import Namer
from modules.shared.service_role import service_role_with_aws_policy


def rds_monitoring_role(scope: Construct, *, namer: Namer, account: str, partition: str) -> IamRole:
    return service_role_with_aws_policy(
        scope,
        "rds-monitoring-role",
        "rds-monitoring-policy",
        name=namer.name("rds-monitoring-role"),
        description="RDS enhanced monitoring publishes OS metrics to CloudWatch Logs",
        service="monitoring.rds.amazonaws.com",
        account=account,
        partition=partition,
        aws_policy="service-role/AmazonRDSEnhancedMonitoringRole",
    )

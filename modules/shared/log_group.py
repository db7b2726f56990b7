"""A CloudWatch log group that is always KMS-encrypted and always has a bounded retention."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from constructs import Construct

from hipaa_platform.building.tagging import data_tags


class EncryptedLogGroup(Construct):
    def __init__(self, scope: Construct, id: str, *, name: str, retention_days: int, kms_key_arn: str) -> None:
        super().__init__(scope, id)
        self.log_group = CloudwatchLogGroup(
            self,
            "this",
            name=name,
            retention_in_days=retention_days,
            kms_key_id=kms_key_arn,
            tags=data_tags(backup="none", encryption="kms"),
        )
        self.name = self.log_group.name
        self.arn = self.log_group.arn


def database_log_groups(
    scope: Construct, *, path: str, kinds: tuple[str, ...], retention_days: int, kms_key_arn: str
) -> list[CloudwatchLogGroup]:
    """Groups RDS exports into (`<path>/<kind>`), made first so they are encrypted and bounded."""
    return [
        EncryptedLogGroup(
            scope, f"log-{kind}", name=f"{path}/{kind}", retention_days=retention_days, kms_key_arn=kms_key_arn
        ).log_group
        for kind in kinds
    ]


# Parameters every PostgreSQL engine of the platform runs with: TLS only, DDL and slow statements logged.
POSTGRES_TLS_AND_LOGGING = (
    ("rds.force_ssl", "1"),
    ("log_statement", "ddl"),
    ("log_min_duration_statement", "1000"),
    ("log_connections", "1"),
    ("log_disconnections", "1"),
)
# The same for MySQL: TLS only; errors (with aborted connections) and slow statements to the files
# RDS exports. The general log stays off: it would copy every statement's values, PHI included.
MYSQL_TLS_AND_LOGGING = (
    ("require_secure_transport", "1"),
    ("log_error_verbosity", "3"),
    ("slow_query_log", "1"),
    ("long_query_time", "1"),
    ("log_output", "FILE"),
)

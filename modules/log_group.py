"""A CloudWatch log group that is always KMS-encrypted and always has a bounded retention."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from constructs import Construct

from hipaa_platform.tagging import data_tags


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

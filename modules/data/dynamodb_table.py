"""A DynamoDB table: on demand, encrypted with a customer-managed key, point-in-time recovery,
deletion protection."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.dynamodb_table import (
    DynamodbTable,
    DynamodbTableAttribute,
    DynamodbTableGlobalSecondaryIndex,
)
from constructs import Construct

from hipaa_platform.building.tagging import data_tags
from hipaa_platform.config import Table


class EncryptedTable(Construct):
    def __init__(
        self, scope: Construct, id: str, *, name: str, config: Table, kms_key_arn: str, deletion_protection: bool
    ) -> None:
        super().__init__(scope, id)
        keys = [config.hash_key, config.range_key]
        for index in config.indexes:
            keys += [index.hash_key, index.range_key]
        attributes = [DynamodbTableAttribute(name=k, type="S") for k in dict.fromkeys(k for k in keys if k)]
        self.table = DynamodbTable(
            self,
            "this",
            name=name,
            billing_mode="PAY_PER_REQUEST",
            hash_key=config.hash_key,
            range_key=config.range_key,
            attribute=attributes,
            global_secondary_index=[
                DynamodbTableGlobalSecondaryIndex(
                    name=index.name, hash_key=index.hash_key, range_key=index.range_key, projection_type="ALL"
                )
                for index in config.indexes
            ]
            or None,
            point_in_time_recovery={"enabled": True},
            server_side_encryption={"enabled": True, "kms_key_arn": kms_key_arn},
            deletion_protection_enabled=deletion_protection,
            tags=data_tags(backup="daily", encryption="kms"),
        )
        self.name = self.table.name
        self.arn = self.table.arn

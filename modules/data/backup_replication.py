"""A database's automated backups copied to a second region (the disaster-recovery copy), encrypted
there with a key of that region: KMS keys never leave their region."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.db_instance_automated_backups_replication import DbInstanceAutomatedBackupsReplication
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from hipaa_platform.config import BackupReplication
from modules.security.platform_keys import key_policy
from modules.shared.kms_key import CustomerManagedKey


class CrossRegionBackups(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: BackupReplication,
        source_instance_arn: str,
        provider: AwsProvider,
        description: str,
        account: str,
        partition: str,
    ) -> None:
        super().__init__(scope, id)
        self.key = CustomerManagedKey(
            self,
            "key",
            alias=config.kms_key_alias,
            description=description,
            policy=key_policy((), account=account, partition=partition, region=config.region),
            provider=provider,
        )
        # Created in the destination region, pointing at the source instance.
        self.replication = DbInstanceAutomatedBackupsReplication(
            self,
            "this",
            source_db_instance_arn=source_instance_arn,
            kms_key_id=self.key.arn,
            retention_period=config.retention_days,
            provider=provider,
        )

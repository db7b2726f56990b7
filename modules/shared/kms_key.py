"""A customer-managed KMS key with yearly rotation, an explicit key policy and an alias."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct


class CustomerManagedKey(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        alias: str,
        description: str,
        policy: str,
        deletion_window_days: int = 30,
        provider: AwsProvider | None = None,
    ) -> None:
        """`provider`: a second region's provider, for a key that lives there."""
        super().__init__(scope, id)
        self.key = KmsKey(
            self,
            "this",
            description=description,
            # AWS rotates yearly by default once rotation is on; the period is left at that default.
            enable_key_rotation=True,
            deletion_window_in_days=deletion_window_days,
            policy=policy,
            provider=provider,
        )
        self.alias = KmsAlias(self, "alias", name=alias, target_key_id=self.key.key_id, provider=provider)
        self.arn = self.key.arn
        self.key_id = self.key.key_id

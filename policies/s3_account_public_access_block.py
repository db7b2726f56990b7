"""CKV_HIPAA_11: the account-level S3 public access block turns on all four of its settings.

HIPAA 164.312(a)(1) access control and 164.312(e)(1) transmission security: the account's block
is the one setting that keeps any bucket, including one made outside this code, from being made
public by an ACL or a bucket policy. The conformance pack's
s3-account-level-public-access-blocks-periodic asks for all four; no stock check reads this resource.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.parsed import value

SETTINGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")


class S3AccountPublicAccessBlock(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure the account-level S3 public access block enables all four settings",
            id="CKV_HIPAA_11",
            categories=(CheckCategories.GENERAL_SECURITY,),
            supported_resources=("aws_s3_account_public_access_block",),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        on = [value(conf.get(setting)) in (True, "true") for setting in SETTINGS]
        return CheckResult.PASSED if all(on) else CheckResult.FAILED


check = S3AccountPublicAccessBlock()

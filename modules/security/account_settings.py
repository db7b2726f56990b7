"""Account-wide settings that Terraform can hold, made once per account by its baseline: the IAM
password policy, EBS encryption by default, and the account-level S3
public access block (every bucket also blocks public access itself)."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.ebs_encryption_by_default import EbsEncryptionByDefault
from cdktf_cdktf_provider_aws.iam_account_password_policy import IamAccountPasswordPolicy
from cdktf_cdktf_provider_aws.s3_account_public_access_block import S3AccountPublicAccessBlock
from constructs import Construct

from hipaa_platform.building.layer_stack import target_creates
from hipaa_platform.config import PasswordPolicy


class AccountSettings(Construct):
    def __init__(self, scope: Construct, id: str, *, password_policy: PasswordPolicy) -> None:
        super().__init__(scope, id)
        policy = password_policy
        IamAccountPasswordPolicy(
            self,
            "password-policy",
            minimum_password_length=policy.minimum_length,
            password_reuse_prevention=policy.reuse_prevention,
            max_password_age=policy.max_age_days,
            require_uppercase_characters=True,
            require_lowercase_characters=True,
            require_numbers=True,
            require_symbols=True,
            allow_users_to_change_password=True,
        )
        EbsEncryptionByDefault(self, "ebs-encryption-by-default", enabled=True)
        if target_creates(self, ("aws_s3_account_public_access_block", "the account's S3 public access block")):
            S3AccountPublicAccessBlock(
                self,
                "s3-public-access-block",
                block_public_acls=True,
                block_public_policy=True,
                ignore_public_acls=True,
                restrict_public_buckets=True,
            )

"""An S3 bucket with versioning, default encryption, all four public-access blocks, owner-enforced
objects, a TLS-only policy and a lifecycle. SSE-S3 instead of SSE-KMS is an explicit opt-out."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
    S3BucketLifecycleConfigurationRuleTransition,
)
from cdktf_cdktf_provider_aws.s3_bucket_logging import S3BucketLoggingA
from cdktf_cdktf_provider_aws.s3_bucket_ownership_controls import S3BucketOwnershipControls
from cdktf_cdktf_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA,
)
from cdktf_cdktf_provider_aws.s3_bucket_versioning import S3BucketVersioningA
from constructs import Construct

from hipaa_platform.config import Transition
from hipaa_platform.tagging import data_tags
from modules.iam import Statement, policy_document


class SecureBucket(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        bucket_name: str,
        kms_key_arn: str | None,
        sse_s3_reason: str | None = None,
        transitions: Sequence[Transition] = (),
        noncurrent_version_expiration_days: int = 2557,
        access_log_bucket: SecureBucket | None = None,
        extra_statements: Sequence[Statement] = (),
        force_destroy: bool = False,
    ) -> None:
        super().__init__(scope, id)
        if kms_key_arn is None and not sse_s3_reason:
            raise ValueError(f"{id}: SSE-S3 instead of a KMS key needs sse_s3_reason")
        self.bucket = S3Bucket(
            self,
            "this",
            bucket=bucket_name,
            # Off by default: destroying a bucket must never delete its objects by surprise.
            force_destroy=force_destroy,
            tags=data_tags(backup="none", encryption="kms" if kms_key_arn else "aws-managed"),
        )
        self.name = self.bucket.bucket
        self.arn = self.bucket.arn

        S3BucketVersioningA(self, "versioning", bucket=self.bucket.id, versioning_configuration={"status": "Enabled"})
        by_default = S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
            sse_algorithm="aws:kms" if kms_key_arn else "AES256", kms_master_key_id=kms_key_arn
        )
        rule = S3BucketServerSideEncryptionConfigurationRuleA(
            apply_server_side_encryption_by_default=by_default, bucket_key_enabled=bool(kms_key_arn)
        )
        S3BucketServerSideEncryptionConfigurationA(self, "encryption", bucket=self.bucket.id, rule=[rule])
        self.public_access_block = S3BucketPublicAccessBlock(
            self,
            "public-access-block",
            bucket=self.bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
        )
        S3BucketOwnershipControls(
            self, "ownership", bucket=self.bucket.id, rule={"object_ownership": "BucketOwnerEnforced"}
        )
        tls_only = Statement(
            sid="DenyInsecureTransport",
            effect="Deny",
            principals={"AWS": "*"},
            actions=("s3:*",),
            resources=(self.bucket.arn, f"{self.bucket.arn}/*"),
            conditions={"Bool": {"aws:SecureTransport": "false"}},
        )
        self.policy = S3BucketPolicy(
            self,
            "policy",
            bucket=self.bucket.id,
            policy=policy_document(tls_only, *extra_statements),
            depends_on=[self.public_access_block],
        )
        S3BucketLifecycleConfiguration(
            self,
            "lifecycle",
            bucket=self.bucket.id,
            rule=[
                S3BucketLifecycleConfigurationRule(
                    id="tiering-and-cleanup",
                    status="Enabled",
                    filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                    transition=[
                        S3BucketLifecycleConfigurationRuleTransition(days=t.after_days, storage_class=t.storage_class)
                        for t in transitions
                    ],
                    noncurrent_version_expiration=[
                        S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
                            noncurrent_days=noncurrent_version_expiration_days
                        )
                    ],
                    abort_incomplete_multipart_upload=[
                        S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(days_after_initiation=7)
                    ],
                )
            ],
        )
        if access_log_bucket:
            S3BucketLoggingA(
                self,
                "logging",
                bucket=self.bucket.id,
                target_bucket=access_log_bucket.name,
                target_prefix=server_access_log_prefix(id),
                # S3 checks the destination's policy when logging is switched on.
                depends_on=[access_log_bucket.policy],
            )


def server_access_log_prefix(source_id: str) -> str:
    return f"s3/{source_id}/"

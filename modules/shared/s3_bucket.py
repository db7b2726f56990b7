"""An S3 bucket with versioning, default encryption, all four public-access blocks, owner-enforced
objects, a TLS-only policy, a lifecycle (tiers and expiration) and, when asked, CORS for named
origins. SSE-S3 instead of SSE-KMS is an explicit opt-out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_cors_configuration import (
    S3BucketCorsConfiguration,
    S3BucketCorsConfigurationCorsRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleExpiration,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
    S3BucketLifecycleConfigurationRuleTransition,
)
from cdktf_cdktf_provider_aws.s3_bucket_logging import S3BucketLoggingA
from cdktf_cdktf_provider_aws.s3_bucket_object_lock_configuration import (
    S3BucketObjectLockConfigurationA,
    S3BucketObjectLockConfigurationRuleA,
    S3BucketObjectLockConfigurationRuleDefaultRetentionA,
)
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

from hipaa_platform.building.tagging import data_tags
from hipaa_platform.config import CorsRule, ObjectLock, Transition
from hipaa_platform.gate.acceptances import accept_finding
from modules.shared.iam import Statement, policy_document

NO_REPLICATION = (
    "The environment is single-region by design; versioning, the lifecycle and RDS backups are the "
    "recovery path, and cross-region replication is an explicit upgrade, not a default."
)
NO_OBJECT_LOCK = (
    "Object Lock, once on, can never be turned off for a bucket, and its default retention holds every new "
    "version; this bucket's objects are protected by versioning instead (an overwritten or deleted object stays "
    "a noncurrent version for the lifecycle's term), and WORM retention is set where an environment asks for it "
    "(object_lock)."
)
NO_EVENT_NOTIFICATIONS = (
    "Nothing consumes object events for this bucket: no queue, topic or function reacts to its writes, so "
    "event notifications would have no destination (notifications are an integration, not an audit record)."
)


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
        lifecycle_prefix: str = "",
        expiration_days: int | None = None,
        noncurrent_version_expiration_days: int = 2557,
        object_lock: ObjectLock | None = None,
        access_log_bucket: SecureBucket | str | None = None,
        extra_statements: Sequence[Statement] = (),
        cors: Sequence[CorsRule] = (),
        tags: Mapping[str, str] | None = None,
        force_destroy: bool = False,
        defer_policy: bool = False,
    ) -> None:
        """`defer_policy`: the caller adds statements naming resources created after the bucket
        (a CloudFront distribution, a trail) and then calls attach_policy itself."""
        super().__init__(scope, id)
        if kms_key_arn is None and not sse_s3_reason:
            raise ValueError(f"{id}: SSE-S3 instead of a KMS key needs sse_s3_reason")
        self.bucket = S3Bucket(
            self,
            "this",
            bucket=bucket_name,
            # Off by default: destroying a bucket must never delete its objects by surprise.
            force_destroy=force_destroy,
            object_lock_enabled=object_lock is not None or None,
            tags={**(tags or {}), **data_tags(backup="none", encryption="kms" if kms_key_arn else "aws-managed")},
        )
        # This construct configures neither replication nor event notifications, for any bucket.
        accept_finding(self.bucket, "CKV_AWS_144", NO_REPLICATION)
        accept_finding(self.bucket, "CKV2_AWS_62", NO_EVENT_NOTIFICATIONS)
        self.name = self.bucket.bucket
        self.arn = self.bucket.arn

        versioning = S3BucketVersioningA(
            self, "versioning", bucket=self.bucket.id, versioning_configuration={"status": "Enabled"}
        )
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
        if not object_lock:
            accept_finding(self.bucket, "CKV2_HIPAA_24", NO_OBJECT_LOCK)
        else:
            S3BucketObjectLockConfigurationA(
                self,
                "object-lock",
                bucket=self.bucket.id,
                rule=S3BucketObjectLockConfigurationRuleA(
                    default_retention=S3BucketObjectLockConfigurationRuleDefaultRetentionA(
                        mode=object_lock.mode, days=object_lock.retention_days
                    )
                ),
                # Object Lock needs versioning on, including while the configuration is removed.
                depends_on=[versioning],
            )
            # Locked versions cannot be expired earlier than their retention.
            noncurrent_version_expiration_days = max(noncurrent_version_expiration_days, object_lock.retention_days)
        self.policy: S3BucketPolicy | None = None
        if not defer_policy:
            self.attach_policy(*extra_statements)
        # Cleanup covers every object; the tiering rule covers only its prefix.
        rules = [
            S3BucketLifecycleConfigurationRule(
                id="cleanup",
                status="Enabled",
                filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                noncurrent_version_expiration=[
                    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
                        noncurrent_days=noncurrent_version_expiration_days
                    )
                ],
                abort_incomplete_multipart_upload=[
                    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(days_after_initiation=7)
                ],
            )
        ]
        if transitions or expiration_days:
            rules.append(
                S3BucketLifecycleConfigurationRule(
                    id="tiering" if transitions else "expiration",
                    status="Enabled",
                    filter=[S3BucketLifecycleConfigurationRuleFilter(prefix=lifecycle_prefix)],
                    transition=[
                        S3BucketLifecycleConfigurationRuleTransition(days=t.after_days, storage_class=t.storage_class)
                        for t in transitions
                    ]
                    or None,
                    expiration=[S3BucketLifecycleConfigurationRuleExpiration(days=expiration_days)]
                    if expiration_days
                    else None,
                )
            )
        if cors:
            S3BucketCorsConfiguration(
                self,
                "cors",
                bucket=self.bucket.id,
                cors_rule=[
                    S3BucketCorsConfigurationCorsRule(
                        allowed_origins=list(rule.allowed_origins),
                        allowed_methods=list(rule.allowed_methods),
                        allowed_headers=list(rule.allowed_headers) or None,
                        max_age_seconds=rule.max_age_seconds,
                    )
                    for rule in cors
                ],
            )
        S3BucketLifecycleConfiguration(self, "lifecycle", bucket=self.bucket.id, rule=rules)
        if access_log_bucket:
            self.log_access_to(access_log_bucket, source=id)

    def log_access_to(self, target: SecureBucket | str, *, source: str) -> S3BucketLoggingA:
        """Server access logs of this bucket into `target` (itself included), under `source`'s prefix.
        A name (from another layer) is already deployed; a bucket of this layer is waited for, because
        S3 checks the destination's policy when logging is switched on."""
        local = isinstance(target, SecureBucket)
        return S3BucketLoggingA(
            self,
            "logging",
            bucket=self.bucket.id,
            target_bucket=target.name if local else target,
            target_prefix=server_access_log_prefix(source),
            depends_on=[target.policy] if local and target.policy else None,
        )

    def attach_policy(self, *extra_statements: Statement) -> S3BucketPolicy:
        """The bucket policy: TLS only, plus the given grants."""
        if self.policy is not None:
            raise RuntimeError(f"{self.node.path}: the bucket policy is already attached")
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
        return self.policy


def server_access_log_prefix(source_id: str) -> str:
    return f"s3/{source_id}/"

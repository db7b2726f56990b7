"""Create the remote-state bucket: versioned, KMS-encrypted, TLS-only, no public access, its every
request recorded by S3 server access logging in a bucket of its own (who read or wrote which state)."""

from __future__ import annotations

import json

from hipaa_platform.config import Environment
from modules.shared.iam import Statement, policy_document

# moto evaluates bucket-policy Deny statements without their conditions, so on the emulator the
# TLS-only statement would deny every state read; there, and only there, it is left out.
TLS_POLICY_SKIPPED_ON_EMULATOR = "moto evaluates Deny statements without their conditions (aws:SecureTransport)"


def bootstrap_state_bucket(
    environment: Environment, session_kwargs: dict | None = None, *, tls_only_policy: bool = True
) -> str:
    """Idempotent; returns the bucket name. `session_kwargs` points boto3 at the emulator."""
    import boto3

    kwargs = {"region_name": environment.region, **(session_kwargs or {})}
    kms = boto3.client("kms", **kwargs)
    s3 = boto3.client("s3", **kwargs)
    alias = environment.state.kms_key_alias
    bucket = environment.state.bucket

    aliases = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]}
    if alias not in aliases:
        key_id = kms.create_key(Description=f"Terraform state of {environment.name}")["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=key_id)
        kms.create_alias(AliasName=alias, TargetKeyId=key_id)

    _private_versioned_bucket(
        s3,
        bucket,
        environment.region,
        {
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": alias},
            "BucketKeyEnabled": True,
        },
    )
    if tls_only_policy:
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(deny_insecure_transport(bucket)))
    account = boto3.client("sts", **kwargs).get_caller_identity()["Account"]
    logs = _access_log_bucket(s3, environment.region, bucket, account, tls_only_policy=tls_only_policy)
    s3.put_bucket_logging(
        Bucket=bucket,
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": logs, "TargetPrefix": f"{bucket}/"}},
    )
    return bucket


def _private_versioned_bucket(s3, bucket: str, region: str, encryption_rule: dict) -> None:
    """Creates the bucket unless it exists (owner-enforced objects), then sets versioning, default
    encryption and the public access block, whatever they were."""
    from botocore.exceptions import ClientError

    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError:
        create = {"Bucket": bucket, "ObjectOwnership": "BucketOwnerEnforced"}
        if region != "us-east-1":
            create["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3.create_bucket(**create)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [encryption_rule]})
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )


def access_log_bucket_name(state_bucket: str) -> str:
    return f"{state_bucket}-access-logs"


def _access_log_bucket(s3, region: str, state_bucket: str, account: str, *, tls_only_policy: bool) -> str:
    """Versioned, no public access, SSE-S3 (S3 delivers server access logs to no SSE-KMS bucket), written
    only by S3's logging service on behalf of the state bucket and itself, kept: no lifecycle expires the
    records."""

    logs = access_log_bucket_name(state_bucket)
    _private_versioned_bucket(s3, logs, region, {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}})
    policy = log_delivery_policy(logs, state_bucket, account)
    if tls_only_policy:
        policy["Statement"] += deny_insecure_transport(logs)["Statement"]
    s3.put_bucket_policy(Bucket=logs, Policy=json.dumps(policy))
    # Its own access too (AWS Config's s3-bucket-logging-enabled): a trickle of records that does not grow.
    s3.put_bucket_logging(
        Bucket=logs, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": logs, "TargetPrefix": f"{logs}/"}}
    )
    return logs


def log_delivery_policy(logs_bucket: str, state_bucket: str, account: str) -> dict:
    """S3's logging service may write the state bucket's records and the log bucket's own, each under
    its bucket's prefix, and nothing else may write at all."""
    deliveries = (
        Statement(
            sid=sid,
            principals={"Service": "logging.s3.amazonaws.com"},
            actions=("s3:PutObject",),
            resources=(f"arn:aws:s3:::{logs_bucket}/{source}/*",),
            conditions={
                "ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{source}"},
                "StringEquals": {"aws:SourceAccount": account},
            },
        )
        for sid, source in (("S3LogsTheStateBucket", state_bucket), ("S3LogsTheLogBucket", logs_bucket))
    )
    return json.loads(policy_document(*deliveries))


def deny_insecure_transport(bucket: str) -> dict:
    tls_only = Statement(
        sid="DenyInsecureTransport",
        effect="Deny",
        principals={"AWS": "*"},
        actions=("s3:*",),
        resources=(f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"),
        conditions={"Bool": {"aws:SecureTransport": "false"}},
    )
    return json.loads(policy_document(tls_only))

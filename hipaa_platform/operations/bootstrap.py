"""Create the remote-state bucket: versioned, KMS-encrypted, TLS-only, no public access."""

from __future__ import annotations

import json

from hipaa_platform.config import Environment

# moto evaluates bucket-policy Deny statements without their conditions, so on the emulator the
# TLS-only statement would deny every state read; there, and only there, it is left out.
TLS_POLICY_SKIPPED_ON_EMULATOR = "moto evaluates Deny statements without their conditions (aws:SecureTransport)"


def bootstrap_state_bucket(
    environment: Environment, session_kwargs: dict | None = None, *, tls_only_policy: bool = True
) -> str:
    """Idempotent; returns the bucket name. `session_kwargs` points boto3 at the emulator."""
    import boto3
    from botocore.exceptions import ClientError

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

    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError:
        create = {"Bucket": bucket}
        if environment.region != "us-east-1":
            create["CreateBucketConfiguration"] = {"LocationConstraint": environment.region}
        s3.create_bucket(**create)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": alias},
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    if tls_only_policy:
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(deny_insecure_transport(bucket)))
    return bucket


def deny_insecure_transport(bucket: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }

"""The remote-state bucket as `make bootstrap-state` leaves it: versioned, KMS-encrypted, private, and
every request to it recorded in an access-log bucket that only S3's logging service writes to."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from hipaa_platform.access.policy import Effect, Policy, Principal, Request
from hipaa_platform.config.loader import load_environment
from hipaa_platform.operations.bootstrap import access_log_bucket_name, bootstrap_state_bucket, log_delivery_policy

ACCOUNT = "123456789012"  # moto's account


@pytest.fixture
def clubapp_state():
    environment = load_environment("clubapp-dev")
    with mock_aws():
        bucket = bootstrap_state_bucket(environment)
        bootstrap_state_bucket(environment)  # idempotent: a second run changes nothing and fails on nothing
        yield boto3.client("s3", region_name=environment.region), bucket


def test_the_state_bucket_logs_every_request_to_its_own_log_bucket(clubapp_state) -> None:
    s3, bucket = clubapp_state
    assert bucket == "clubapp-dev-tfstate"  # the seed's name
    logging = s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"]
    assert logging == {"TargetBucket": "clubapp-dev-tfstate-access-logs", "TargetPrefix": "clubapp-dev-tfstate/"}
    versioning = s3.get_bucket_versioning(Bucket=bucket)
    assert versioning["Status"] == "Enabled" and "MFADelete" not in versioning  # the seed: MFA delete off
    (rule,) = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    with pytest.raises(s3.exceptions.ClientError, match="ObjectLockConfigurationNotFoundError"):
        s3.get_object_lock_configuration(Bucket=bucket)  # the seed: Object Lock off


def test_the_log_bucket_is_private_versioned_and_kept(clubapp_state) -> None:
    s3, bucket = clubapp_state
    logs = access_log_bucket_name(bucket)
    assert s3.get_bucket_versioning(Bucket=logs)["Status"] == "Enabled"
    assert all(s3.get_public_access_block(Bucket=logs)["PublicAccessBlockConfiguration"].values())
    (rule,) = s3.get_bucket_encryption(Bucket=logs)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"  # S3 logs into no SSE-KMS bucket
    with pytest.raises(s3.exceptions.ClientError, match="NoSuchLifecycleConfiguration"):
        s3.get_bucket_lifecycle_configuration(Bucket=logs)
    sids = [s["Sid"] for s in json.loads(s3.get_bucket_policy(Bucket=logs)["Policy"])["Statement"]]
    assert sids == ["S3LogsTheStateBucket", "S3LogsTheLogBucket", "DenyInsecureTransport"]
    # The log bucket logs its own access too (AWS Config's s3-bucket-logging-enabled).
    logging = s3.get_bucket_logging(Bucket=logs)["LoggingEnabled"]
    assert logging == {"TargetBucket": logs, "TargetPrefix": f"{logs}/"}


@pytest.mark.parametrize(
    ("source", "account", "allowed"),
    [
        ("arn:aws:s3:::clubapp-dev-tfstate", ACCOUNT, True),
        ("arn:aws:s3:::someone-elses-bucket", ACCOUNT, False),  # another bucket's logs
        ("arn:aws:s3:::clubapp-dev-tfstate", "210987654321", False),  # a bucket of that name elsewhere
        ("arn:aws:s3:::clubapp-dev-tfstate-access-logs", ACCOUNT, False),  # its own logs, outside its own prefix
    ],
)
def test_only_the_state_buckets_logs_may_be_written(source: str, account: str, allowed: bool) -> None:
    policy = Policy.parse(
        "log bucket", log_delivery_policy("clubapp-dev-tfstate-access-logs", "clubapp-dev-tfstate", ACCOUNT)
    )
    request = Request(
        Principal("logging.s3.amazonaws.com", ACCOUNT, service=True),
        "s3:PutObject",
        "arn:aws:s3:::clubapp-dev-tfstate-access-logs/clubapp-dev-tfstate/2026-12-07-12-00-00-ABC",
        {"aws:SourceArn": source, "aws:SourceAccount": account},
    )
    assert bool(policy.matching(request, Effect.ALLOW, resource_policy=True)) is allowed

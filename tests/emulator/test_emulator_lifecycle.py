"""Why an S3 lifecycle configuration takes 55 s on the emulator, stated as tests.

The AWS provider (5.100.0, `waitLifecycleConfigEquals`) waits 10 s after PutBucketLifecycleConfiguration
and then needs 10 consecutive reads, 5 s apart, that equal what it sent: 10 + 9 x 5 = 55 s at
best, on AWS as on the emulator. The emulator log shows exactly 55 s for every lifecycle
configuration, so moto matched from the first read. If moto ever returned the rules differently
(moto issues 9708 and 9729, the TransitionDefaultMinimumObjectSize header), the provider would
wait out its 3-minute timeout and fail the apply; these tests catch that before a deployment does."""

from __future__ import annotations

import boto3
import pytest

from hipaa_platform.emulator.server import running_emulator

# The rules modules/shared/s3_bucket.py declares, as the provider sends them (filter prefix "" is sent as such).
CLEANUP = {
    "ID": "cleanup",
    "Status": "Enabled",
    "Filter": {"Prefix": ""},
    "NoncurrentVersionExpiration": {"NoncurrentDays": 2557},
    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
}
TIERING = {
    "ID": "tiering",
    "Status": "Enabled",
    "Filter": {"Prefix": "hl7/"},
    "Transitions": [{"Days": 90, "StorageClass": "STANDARD_IA"}, {"Days": 365, "StorageClass": "GLACIER"}],
}
PROVIDER_DEFAULT_MINIMUM_SIZE = "all_storage_classes_128K"


@pytest.fixture(scope="module")
def s3():
    with running_emulator() as emulator:
        yield boto3.client("s3", region_name="us-east-1", **emulator.boto_kwargs())


@pytest.mark.parametrize("rules", [[CLEANUP], [CLEANUP, TIERING]], ids=["cleanup", "cleanup+tiering"])
def test_the_emulator_returns_the_rules_the_provider_sent(s3, rules: list[dict]) -> None:
    bucket = f"lifecycle-{len(rules)}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={"Rules": rules},
        TransitionDefaultMinimumObjectSize=PROVIDER_DEFAULT_MINIMUM_SIZE,
    )
    read = s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert read["Rules"] == rules
    assert read["TransitionDefaultMinimumObjectSize"] == PROVIDER_DEFAULT_MINIMUM_SIZE


def test_a_changed_rule_reads_back_changed(s3) -> None:
    """The comparison above can fail: a rule the emulator altered would not equal the one sent."""
    s3.create_bucket(Bucket="lifecycle-changed")
    sent = {**CLEANUP, "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 3}}
    s3.put_bucket_lifecycle_configuration(Bucket="lifecycle-changed", LifecycleConfiguration={"Rules": [sent]})
    assert s3.get_bucket_lifecycle_configuration(Bucket="lifecycle-changed")["Rules"] != [CLEANUP]

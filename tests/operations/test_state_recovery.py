"""Restoring a layer's state from the versioned state bucket (in-process moto, no server)."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from hipaa_platform.errors import UserError
from hipaa_platform.operations.state_recovery import LOCK_SUFFIX, restore, state_versions

BUCKET, KEY = "state", "intakeiq/data/terraform.tfstate"


def state(serial: int) -> bytes:
    return json.dumps({"version": 4, "serial": serial, "lineage": "l-1", "resources": []}).encode()


@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        for body in (state(1), state(2), b'{"broken": '):
            client.put_object(Bucket=BUCKET, Key=KEY, Body=body)
        yield client


def current(s3) -> bytes:
    return s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read()


def test_a_broken_state_is_replaced_by_the_newest_readable_version(s3) -> None:
    assert [v.serial for v in state_versions(s3, BUCKET, KEY)] == [None, 2, 1]
    restored = restore(s3, BUCKET, KEY)
    assert restored.serial == 2 and json.loads(current(s3))["serial"] == 2
    # the damaged version stays in the history
    assert [v.serial for v in state_versions(s3, BUCKET, KEY)] == [2, None, 2, 1]


def test_a_chosen_version_is_restored(s3) -> None:
    oldest = state_versions(s3, BUCKET, KEY)[-1]
    assert restore(s3, BUCKET, KEY, oldest.version_id).serial == 1
    assert json.loads(current(s3))["serial"] == 1


def test_an_unreadable_or_unknown_version_is_refused(s3) -> None:
    damaged = state_versions(s3, BUCKET, KEY)[0]
    with pytest.raises(UserError, match="not a readable Terraform state"):
        restore(s3, BUCKET, KEY, damaged.version_id)
    with pytest.raises(UserError, match="not found; versions: "):
        restore(s3, BUCKET, KEY, "no-such-version")
    assert current(s3) == b'{"broken": '


def test_a_locked_layer_is_not_restored(s3) -> None:
    s3.put_object(Bucket=BUCKET, Key=KEY + LOCK_SUFFIX, Body=b'{"ID": "x"}')
    with pytest.raises(UserError, match="is locked"):
        restore(s3, BUCKET, KEY)
    assert current(s3) == b'{"broken": '

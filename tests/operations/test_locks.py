"""A stale state lock: shown plainly, released only by its id and only when no run can hold it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from hipaa_platform.errors import UserError
from hipaa_platform.operations.locks import current_lock, release
from hipaa_platform.operations.state_recovery import LOCK_SUFFIX
from hipaa_platform.operations.terraform import stale_lock_hint

BUCKET, KEY = "state", "intakeiq/data/terraform.tfstate"
CREATED = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
LOCK = {"ID": "1b2c-lock", "Operation": "OperationTypeApply", "Info": "", "Who": "runner@ci-7",
        "Version": "1.11.4", "Created": "2026-11-24T09:00:00.123456789Z", "Path": f"{BUCKET}/{KEY}"}  # fmt: skip


@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        client.put_object(Bucket=BUCKET, Key=KEY + LOCK_SUFFIX, Body=json.dumps(LOCK).encode())
        yield client


def locked(s3) -> bool:
    return current_lock(s3, BUCKET, KEY) is not None


def test_the_lock_says_who_since_when_and_its_id(s3) -> None:
    lock = current_lock(s3, BUCKET, KEY)
    text = lock.describe(CREATED + timedelta(minutes=90, seconds=1))
    assert "runner@ci-7" in text and "2026-11-24 09:00:00 UTC" in text and "90 min ago" in text
    assert "1b2c-lock" in text


def test_a_lock_a_live_run_may_hold_is_kept(s3) -> None:
    with pytest.raises(UserError, match=r"refusing: .*a run may still be alive"):
        release(s3, BUCKET, KEY, "1b2c-lock", now=CREATED + timedelta(minutes=30))
    assert locked(s3)


def test_only_the_named_lock_is_released(s3) -> None:
    with pytest.raises(UserError, match="the lock is 1b2c-lock, not other"):
        release(s3, BUCKET, KEY, "other", now=CREATED + timedelta(hours=2))
    assert locked(s3)


def test_a_stale_lock_is_released(s3) -> None:
    released = release(s3, BUCKET, KEY, "1b2c-lock", now=CREATED + timedelta(hours=2))
    assert released.who == "runner@ci-7" and not locked(s3)
    with pytest.raises(UserError, match="not locked"):
        release(s3, BUCKET, KEY, "1b2c-lock", now=CREATED + timedelta(hours=2))


def test_a_lock_error_names_the_way_out() -> None:
    output = "Error: Error acquiring the state lock\n\nLock Info:\n  ID:        1b2c-lock\n  Path: state/x\n"
    hint = stale_lock_hint(Path("cdktf.out/stacks/data"), output)
    assert "make unlock ENV=<env> LAYER=data LOCK_ID=1b2c-lock" in hint
    assert stale_lock_hint(Path("cdktf.out/stacks/data"), "Error: Invalid reference") == ""

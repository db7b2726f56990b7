"""Restore a layer's state from an earlier version of its object in the versioned state bucket.

A state overwritten by hand, truncated by a failed upload or emptied by a wrong `state rm` is not
lost: the bucket keeps every version. Restoring copies an earlier version over the current one
(the damaged version stays in the history). It refuses while the layer is locked: a run that
holds the lock would overwrite the restored state when it finishes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from hipaa_platform.config import Environment
from hipaa_platform.errors import UserError
from hipaa_platform.targets import state_key

LOCK_SUFFIX = ".tflock"  # S3 native locking (use_lockfile) keeps the lock beside the state


@dataclass(frozen=True)
class StateVersion:
    version_id: str
    modified: datetime
    size: int
    latest: bool
    serial: int | None  # None: not a readable Terraform state


def _serial(body: bytes) -> int | None:
    try:
        state = json.loads(body)
        return int(state["serial"]) if isinstance(state.get("resources"), list) and state.get("lineage") else None
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def state_versions(s3, bucket: str, key: str) -> list[StateVersion]:
    """Every version of the state object, newest first, each checked for being a readable state."""
    found = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=key):
        for version in page.get("Versions", []):
            if version["Key"] != key:
                continue
            body = s3.get_object(Bucket=bucket, Key=key, VersionId=version["VersionId"])["Body"].read()
            found.append(
                StateVersion(version["VersionId"], version["LastModified"], version["Size"], version["IsLatest"],
                             _serial(body))
            )  # fmt: skip
    if not found:
        raise UserError(f"s3://{bucket}/{key} has no versions; is this layer deployed, and the bucket versioned?")
    return sorted(found, key=lambda v: v.modified, reverse=True)


def restore(s3, bucket: str, key: str, version_id: str | None = None) -> StateVersion:
    """Copy `version_id` (default: the newest readable version before the current one) over the
    current state; returns the version restored."""
    try:
        s3.head_object(Bucket=bucket, Key=key + LOCK_SUFFIX)
        raise UserError(
            f"s3://{bucket}/{key} is locked ({key}{LOCK_SUFFIX} exists): a run may still be writing it; "
            "wait for it, or release a stale lock first (docs/operations.md, 'A stale lock')"
        )
    except s3.exceptions.ClientError as error:
        if error.response["Error"]["Code"] not in ("404", "NoSuchKey", "NotFound"):
            raise
    versions = state_versions(s3, bucket, key)
    if version_id:
        chosen = next((v for v in versions if v.version_id == version_id), None)
        if chosen is None:
            listed = ", ".join(v.version_id for v in versions)
            raise UserError(f"version {version_id!r} of s3://{bucket}/{key} not found; versions: {listed}")
    else:
        chosen = next((v for v in versions[1:] if v.serial is not None), None)
        if chosen is None:
            raise UserError(f"s3://{bucket}/{key} has no readable earlier version to restore")
    if chosen.serial is None:
        raise UserError(f"version {chosen.version_id} of s3://{bucket}/{key} is not a readable Terraform state")
    s3.copy_object(Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": key, "VersionId": chosen.version_id})
    return chosen


def state_object(environment: Environment, layer: str) -> tuple[object, str, str]:
    """An S3 client (the caller's AWS credentials), the state bucket and a layer's state key."""
    import boto3

    return (
        boto3.client("s3", region_name=environment.region),
        environment.state.bucket,
        state_key(environment.name, layer),
    )

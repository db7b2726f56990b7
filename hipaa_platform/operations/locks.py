"""The state lock of a layer: who holds it, since when, and releasing one its run left behind.

With S3 native locking Terraform writes `<state key>.tflock` when a run starts and deletes it when
the run ends. A run killed outright (SIGKILL, a lost runner) leaves it behind, and every later run
of the layer fails with "Error acquiring the state lock". Releasing a lock that a live run still
holds would let two runs write one state, so a lock is released only when it is old enough that no
run can still be alive (CI jobs end after 60 minutes) and only by its own id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hipaa_platform.errors import UserError
from hipaa_platform.operations.state_recovery import LOCK_SUFFIX

# The longest a run may hold a lock: the deploy jobs' timeout-minutes.
LONGEST_RUN = timedelta(minutes=60)


@dataclass(frozen=True)
class Lock:
    id: str
    who: str
    operation: str
    created: datetime

    def describe(self, now: datetime) -> str:
        held = now - self.created
        return (f"locked by {self.who} ({self.operation}) since {self.created:%Y-%m-%d %H:%M:%S} UTC, "
                f"{int(held.total_seconds() // 60)} min ago; lock id {self.id}")  # fmt: skip


def _created(text: str) -> datetime:
    # Terraform writes RFC 3339 with nanoseconds, e.g. 2026-11-24T13:01:02.123456789Z
    head, _, rest = text.rstrip("Z").partition(".")
    fraction = "".join(c for c in rest if c.isdigit())[:6]
    return datetime.fromisoformat(f"{head}.{fraction or '0'}").replace(tzinfo=UTC)


def current_lock(s3, bucket: str, key: str) -> Lock | None:
    try:
        body = s3.get_object(Bucket=bucket, Key=key + LOCK_SUFFIX)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return None
    try:
        info = json.loads(body)
        return Lock(info["ID"], info.get("Who", "unknown"), info.get("Operation", "unknown"), _created(info["Created"]))
    except (ValueError, KeyError) as error:
        raise UserError(
            f"s3://{bucket}/{key}{LOCK_SUFFIX} is not a Terraform lock ({error!r}); inspect it by hand"
        ) from None


def release(s3, bucket: str, key: str, lock_id: str, *, now: datetime, longest_run: timedelta = LONGEST_RUN) -> Lock:
    """Delete the lock object if it is `lock_id` and older than any live run could be."""
    lock = current_lock(s3, bucket, key)
    if lock is None:
        raise UserError(f"s3://{bucket}/{key} is not locked; nothing to release")
    if lock.id != lock_id:
        raise UserError(f"the lock is {lock.id}, not {lock_id}: {lock.describe(now)}")
    if now - lock.created < longest_run:
        raise UserError(
            f"refusing: {lock.describe(now)}; a run may still be alive (runs end within "
            f"{int(longest_run.total_seconds() // 60)} min). Check that no job is running for this layer, "
            "then retry after that, or stop the job that holds it"
        )
    s3.delete_object(Bucket=bucket, Key=key + LOCK_SUFFIX)
    return lock

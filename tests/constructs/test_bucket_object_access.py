"""A bucket private to its services: the policy's deny leaves the granted task roles alone and refuses
every other principal its objects, an administrator's role included (evaluated, not just read)."""

from __future__ import annotations

import json

import pytest

from hipaa_platform.access.policy import Effect, Policy, Principal, Request
from modules.shared.iam import objects_only_for, policy_document

ACCOUNT = "111122223333"
BUCKET = "arn:aws:s3:::clubapp-dev-receipts-111122223333"
TASK_ROLE = f"arn:aws:iam::{ACCOUNT}:role/clubapp-dev-web-ecs-task-role"
POLICY = Policy.parse("receipts", json.loads(policy_document(objects_only_for(BUCKET, [TASK_ROLE]))))


@pytest.mark.parametrize(
    ("who", "action", "denied"),
    [
        (TASK_ROLE, "s3:GetObject", False),
        (TASK_ROLE, "s3:PutObject", False),
        (f"arn:aws:iam::{ACCOUNT}:role/Administrator", "s3:GetObject", True),
        (f"arn:aws:iam::{ACCOUNT}:role/clubapp-dev-ci-deploy-role", "s3:DeleteObject", True),
        (f"arn:aws:iam::{ACCOUNT}:role/clubapp-dev-web-ecs-execution-role", "s3:GetObjectVersion", True),
    ],
)
def test_only_the_granted_task_role_reaches_the_objects(who: str, action: str, denied: bool) -> None:
    context = {"aws:PrincipalArn": who}  # as AWS sets it for every request
    request = Request(Principal(who, ACCOUNT), action, f"{BUCKET}/receipts/2026/12/order-1.pdf", context)
    assert bool(POLICY.matching(request, Effect.DENY, resource_policy=True)) is denied


def test_the_bucket_itself_stays_manageable() -> None:
    """Only objects are refused: the bucket's own settings remain the account's to manage."""
    administrator = f"arn:aws:iam::{ACCOUNT}:role/Administrator"
    request = Request(
        Principal(administrator, ACCOUNT), "s3:PutBucketPolicy", BUCKET, {"aws:PrincipalArn": administrator}
    )
    assert POLICY.matching(request, Effect.DENY, resource_policy=True) == []

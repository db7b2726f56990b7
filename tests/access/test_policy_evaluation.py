"""The evaluator against the cases of AWS's policy evaluation logic
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
allowed, denied by default, denied explicitly, limited by a boundary, a key policy that does not
delegate; and the condition operators the platform's policies use."""

from __future__ import annotations

import pytest

from hipaa_platform.access.policy import Policy, Principal, Request, evaluate, wildcard_match

ACCOUNT = "111122223333"
ROLE = Principal(f"arn:aws:iam::{ACCOUNT}:role/app", ACCOUNT)
OTHER_ROLE = Principal(f"arn:aws:iam::{ACCOUNT}:role/other", ACCOUNT)
BUCKET = "arn:aws:s3:::records"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k"


def policy(*statements: dict, label: str = "policy") -> Policy:
    return Policy.parse(label, {"Version": "2012-10-17", "Statement": list(statements)})


def allow(actions, resources, **extra) -> dict:
    return {"Effect": "Allow", "Action": actions, "Resource": resources, **extra}


def deny(actions, resources, **extra) -> dict:
    return {"Effect": "Deny", "Action": actions, "Resource": resources, **extra}


def request(action: str, resource: str, principal: Principal = ROLE, **context) -> Request:
    return Request(principal, action, resource, context)


def test_an_identity_policy_allows() -> None:
    decision = evaluate(request("s3:GetObject", f"{BUCKET}/a"), identity=[policy(allow("s3:GetObject", f"{BUCKET}/*"))])
    assert decision.allowed is True


def test_nothing_allows_so_denied_by_default() -> None:
    decision = evaluate(request("s3:PutObject", f"{BUCKET}/a"), identity=[policy(allow("s3:GetObject", f"{BUCKET}/*"))])
    assert decision.allowed is False
    assert "denied by default" in decision.reason


def test_an_explicit_deny_wins_over_an_allow() -> None:
    identity = policy(allow("s3:*", "*"), deny("s3:DeleteObject", "*"), label="app policy")
    decision = evaluate(request("s3:DeleteObject", f"{BUCKET}/a"), identity=[identity])
    assert decision.allowed is False
    assert "explicitly denied by app policy" in decision.reason


def test_a_resource_policy_deny_wins_over_an_identity_allow() -> None:
    bucket_policy = policy(
        deny(
            "s3:*",
            [BUCKET, f"{BUCKET}/*"],
            Principal={"AWS": "*"},
            Condition={"Bool": {"aws:SecureTransport": "false"}},
        )
    )
    identity = [policy(allow("s3:GetObject", f"{BUCKET}/*"))]
    over_http = request("s3:GetObject", f"{BUCKET}/a", **{"aws:SecureTransport": "false"})
    over_tls = request("s3:GetObject", f"{BUCKET}/a", **{"aws:SecureTransport": "true"})
    assert evaluate(over_http, identity=identity, resource_policy=bucket_policy).allowed is False
    assert evaluate(over_tls, identity=identity, resource_policy=bucket_policy).allowed is True


def test_a_resource_policy_alone_allows_within_the_account() -> None:
    bucket_policy = policy(allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": ROLE.arn}))
    assert evaluate(request("s3:GetObject", f"{BUCKET}/a"), resource_policy=bucket_policy).allowed is True
    assert evaluate(request("s3:GetObject", f"{BUCKET}/a", OTHER_ROLE), resource_policy=bucket_policy).allowed is False


def test_a_permission_boundary_limits_what_the_identity_policy_grants() -> None:
    identity = [policy(allow(["s3:GetObject", "s3:PutObject"], f"{BUCKET}/*"))]
    boundary = policy(allow("s3:GetObject", "*"), label="boundary")
    assert evaluate(request("s3:GetObject", f"{BUCKET}/a"), identity=identity, boundary=boundary).allowed is True
    limited = evaluate(request("s3:PutObject", f"{BUCKET}/a"), identity=identity, boundary=boundary)
    assert limited.allowed is False
    assert "outside the permission boundary boundary" in limited.reason


def test_a_boundary_alone_grants_nothing() -> None:
    boundary = policy(allow("s3:*", "*"))
    assert evaluate(request("s3:GetObject", f"{BUCKET}/a"), boundary=boundary).allowed is False


def test_a_key_policy_that_does_not_delegate_refuses_an_identity_allow() -> None:
    key_policy = policy(
        allow("kms:*", "*", Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:role/admin"}), label="key policy"
    )
    identity = [policy(allow("kms:Decrypt", KEY))]
    decision = evaluate(request("kms:Decrypt", KEY), identity=identity, resource_policy=key_policy, kms=True)
    assert decision.allowed is False
    assert "neither admits the principal nor delegates to the account" in decision.reason


def test_a_key_policy_that_delegates_needs_the_identity_policy_too() -> None:
    key_policy = policy(allow("kms:*", "*", Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))
    with_identity = evaluate(
        request("kms:Decrypt", KEY), identity=[policy(allow("kms:Decrypt", KEY))], resource_policy=key_policy, kms=True
    )
    without = evaluate(
        request("kms:Decrypt", KEY), identity=[policy(allow("s3:*", "*"))], resource_policy=key_policy, kms=True
    )
    assert with_identity.allowed is True
    assert without.allowed is False


def test_a_key_policy_naming_the_principal_is_enough() -> None:
    key_policy = policy(allow("kms:Decrypt", "*", Principal={"AWS": [ROLE.arn]}))
    assert evaluate(request("kms:Decrypt", KEY), resource_policy=key_policy, kms=True).allowed is True
    assert evaluate(request("kms:Decrypt", KEY, OTHER_ROLE), resource_policy=key_policy, kms=True).allowed is False


def test_a_key_without_a_policy_admits_no_one() -> None:
    decision = evaluate(request("kms:Decrypt", KEY), identity=[policy(allow("kms:*", "*"))], kms=True)
    assert decision.allowed is False


def test_a_service_principal_needs_the_resource_policy() -> None:
    service = Principal("cloudfront.amazonaws.com", ACCOUNT, service=True)
    bucket_policy = policy(
        allow(
            "s3:GetObject",
            f"{BUCKET}/*",
            Principal={"Service": "cloudfront.amazonaws.com"},
            Condition={"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::1:distribution/A"}},
        )
    )
    ours = request("s3:GetObject", f"{BUCKET}/a", service, **{"aws:SourceArn": "arn:aws:cloudfront::1:distribution/A"})
    theirs = request(
        "s3:GetObject", f"{BUCKET}/a", service, **{"aws:SourceArn": "arn:aws:cloudfront::1:distribution/B"}
    )
    assert evaluate(ours, resource_policy=bucket_policy).allowed is True
    assert evaluate(theirs, resource_policy=bucket_policy).allowed is False
    assert evaluate(ours).allowed is False


@pytest.mark.parametrize(
    ("condition", "context", "expected"),
    [
        (
            {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}},
            {"kms:ViaService": "s3.us-east-1.amazonaws.com"},
            True,
        ),
        ({"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}, {}, False),
        ({"StringNotEquals": {"aws:ResourceAccount": "1"}}, {}, True),  # negated, key absent: true
        ({"StringEqualsIfExists": {"aws:SourceAccount": "1"}}, {}, True),
        (
            {"StringLike": {"aws:SourceArn": "arn:aws:cloudfront::1:distribution/*"}},
            {"aws:SourceArn": "arn:aws:cloudfront::1:distribution/X"},
            True,
        ),
        ({"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:1:trail/*"}}, {"aws:SourceArn": "arn:aws:s3:::x"}, False),
        ({"Bool": {"aws:SecureTransport": False}}, {"aws:SecureTransport": "false"}, True),
        ({"Null": {"aws:SourceArn": "true"}}, {}, True),
        ({"ForAnyValue:StringEquals": {"aws:TagKeys": ["a"]}}, {"aws:TagKeys": ("b", "a")}, True),
        ({"ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}}, {"aws:TagKeys": ("b", "a")}, False),
        (
            {"StringEquals": {"aws:ResourceTag/PlatformEnvironment": "prod"}},
            {"aws:resourcetag/PlatformEnvironment": "prod"},
            True,
        ),
    ],
)
def test_condition_operators(condition, context, expected) -> None:
    identity = [policy(allow("kms:Decrypt", "*", Condition=condition))]
    assert evaluate(request("kms:Decrypt", "x", **context), identity=identity).allowed is expected


def test_not_action_and_wildcards() -> None:
    identity = [policy({"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"})]
    assert evaluate(request("sqs:SendMessage", "q"), identity=identity).allowed is True
    assert evaluate(request("s3:GetObject", "b"), identity=identity).allowed is False
    assert wildcard_match("s3:Get*", "S3:GETOBJECT", case_sensitive=False) is True
    assert wildcard_match("arn:aws:s3:::b/*", "arn:aws:s3:::B/x") is False
    assert wildcard_match("arn:aws:s3:::b?", "arn:aws:s3:::b1") is True

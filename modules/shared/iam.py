"""IAM policy documents as plain data, rendered to JSON that checkov and reviewers can read."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Statement:
    sid: str
    actions: tuple[str, ...]
    resources: tuple[str, ...] = ()
    principals: dict[str, Any] | None = None
    effect: str = "Allow"
    conditions: dict[str, dict[str, Any]] = field(default_factory=dict)

    def render(self) -> dict[str, Any]:
        body: dict[str, Any] = {"Sid": self.sid, "Effect": self.effect}
        if self.principals is not None:
            body["Principal"] = self.principals
        body["Action"] = list(self.actions)
        if self.resources:
            body["Resource"] = list(self.resources) if len(self.resources) > 1 else self.resources[0]
        if self.conditions:
            body["Condition"] = self.conditions
        return body


def topic_owner_manages(account: str, topic_arn: str) -> Statement:
    """The statement a topic policy keeps for its own account (a topic policy replaces SNS's default)."""
    return Statement(
        sid="OwnerManages",
        principals={"AWS": account},
        actions=(
            "sns:Publish",
            "sns:Subscribe",
            "sns:GetTopicAttributes",
            "sns:SetTopicAttributes",
            "sns:ListSubscriptionsByTopic",
        ),
        resources=(topic_arn,),
    )


def service_publishes(sid: str, service: str, topic_arn: str, conditions: dict[str, dict[str, Any]]) -> Statement:
    """A topic-policy statement letting one AWS service publish, under `conditions` (its source)."""
    return Statement(sid=sid, principals={"Service": service}, actions=("sns:Publish",), resources=(topic_arn,),
                     conditions=conditions)  # fmt: skip


# What a principal does with a bucket's objects (versions included).
OBJECT_ACTIONS = ("s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion")


def objects_only_for(bucket_arn: str, principal_arns: list[str]) -> Statement:
    """A bucket-policy deny keeping every principal but `principal_arns` off the bucket's objects, whatever
    their identity policies allow (an account administrator included)."""
    return Statement(
        sid="ObjectsOnlyForGrantedServices",
        effect="Deny",
        principals={"AWS": "*"},
        actions=OBJECT_ACTIONS,
        resources=(f"{bucket_arn}/*",),
        conditions={"ArnNotEquals": {"aws:PrincipalArn": principal_arns}},
    )


def policy_document(*statements: Statement) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [s.render() for s in statements]}, indent=2)


def service_trust(service: str, account_id: str | None = None, source_arn: str | None = None) -> str:
    """Trust policy for an AWS service, pinned to this account (and source) against confused deputies."""
    conditions: dict[str, dict[str, Any]] = {}
    if account_id:
        conditions["StringEquals"] = {"aws:SourceAccount": account_id}
    if source_arn:
        conditions["ArnLike"] = {"aws:SourceArn": source_arn}
    return policy_document(
        Statement(
            sid="AssumeFromService",
            actions=("sts:AssumeRole",),
            principals={"Service": service},
            conditions=conditions,
        )
    )

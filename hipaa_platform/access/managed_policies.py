"""The AWS managed policies the platform attaches, as AWS publishes them: moto ships AWS's own policy
documents (moto/iam/aws_managed_policies.py, each with its UpdateDate; moto is pinned in
Pipfile.lock), so the access check evaluates what AWS grants, not a copy kept by hand. A policy the
data does not hold is a finding of the check, never silently empty."""

from __future__ import annotations

import functools
import json

from hipaa_platform.access.policy import Policy


@functools.cache
def managed_policy(name: str) -> Policy | None:
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    published = _published(aws_managed_policies_data).get(name)
    if published is None:
        return None
    return Policy.parse(f"AWS managed policy {name} (version of {published['UpdateDate'][:10]})", published["Document"])


@functools.cache
def _published(data: str) -> dict:
    return json.loads(data)

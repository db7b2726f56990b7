"""A role's own permissions, as an inline policy of that one role.

The conformance pack's iam-no-inline-policy-check (CKV_HIPAA_26) asks for managed policies. The
platform keeps each role's permissions inline on purpose and accepts the finding here, once, for
every role policy it writes."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from constructs import Construct

from hipaa_platform.gate.acceptances import accept_finding

ONE_ROLE_ONLY = (
    "Inline by design: this policy is part of its one role and cannot be attached to any other principal, "
    "which is AWS's stated use of inline policies (a strict one-to-one relationship between a policy and the "
    "identity it applies to); a managed policy could be attached anywhere by whoever may attach policies. "
    "Moving it to a managed policy would also replace, not move, the policy of every deployed role."
)


def role_policy(scope: Construct, id: str, *, role: str, name: str, policy: str) -> IamRolePolicy:
    resource = IamRolePolicy(scope, id, name=name, role=role, policy=policy)
    accept_finding(resource, "CKV_HIPAA_26", ONE_ROLE_ONLY)
    return resource

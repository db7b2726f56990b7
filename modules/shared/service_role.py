"""A role an AWS service assumes in this account: with the AWS managed policy made for that service,
or with an inline policy of the statements it needs."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from constructs import Construct

from modules.shared.iam import Statement, policy_document, service_trust
from modules.shared.role_policy import role_policy


def service_role_with_aws_policy(
    scope: Construct,
    role_id: str,
    attachment_id: str,
    *,
    name: str,
    description: str,
    service: str,
    account: str,
    partition: str,
    aws_policy: str,
) -> IamRole:
    """`aws_policy`: the managed policy's path and name (`service-role/AWS_ConfigRole`); the ids keep
    the resources' addresses where callers had them."""
    role = IamRole(
        scope,
        role_id,
        name=name,
        description=description,
        assume_role_policy=service_trust(service, account_id=account),
    )
    IamRolePolicyAttachment(
        scope, attachment_id, role=role.name, policy_arn=f"arn:{partition}:iam::aws:policy/{aws_policy}"
    )
    return role


def service_role_with_policy(
    scope: Construct,
    role_id: str,
    policy_id: str,
    *,
    name: str,
    description: str,
    service: str,
    account: str,
    source_arn: str,
    policy_name: str,
    statements: tuple[Statement, ...],
) -> IamRole:
    """Assumed by `service` for `source_arn` in this account only, allowed `statements` and nothing else;
    the ids keep the resources' addresses where callers had them."""
    role = IamRole(
        scope,
        role_id,
        name=name,
        description=description,
        assume_role_policy=service_trust(service, account_id=account, source_arn=source_arn),
    )
    role_policy(scope, policy_id, name=policy_name, role=role.id, policy=policy_document(*statements))
    return role

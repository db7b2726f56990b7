"""GitHub Actions deploys through OIDC: the account's GitHub identity provider (created, or read
where another environment in the account owns it) and a deploy role that only the configured
repository and branch can assume, allowed to push the service images and roll the services."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.data_aws_iam_openid_connect_provider import DataAwsIamOpenidConnectProvider
from cdktf_cdktf_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from cdktf_cdktf_provider_aws.iam_role import IamRole
from constructs import Construct

from hipaa_platform.config import Environment
from hipaa_platform.contracts import by_name
from hipaa_platform.naming import Namer
from modules.github_oidc import GITHUB_OIDC_THUMBPRINTS, GITHUB_OIDC_URL
from modules.iam import Statement, policy_document
from modules.role_policy import role_policy


def github_deploy_role(
    scope: Construct, *, env: Environment, namer: Namer, repository_arns: dict[str, str], service_arns: dict[str, str]
) -> IamRole:
    service_names = [s.name for s in by_name(env.compute.services)]
    subject = f"repo:{env.pipeline.github_repository}:ref:refs/heads/{env.pipeline.github_branch}"
    role = IamRole(
        scope,
        "deploy-role",
        name=namer.name("ci-deploy-role"),
        description=f"GitHub Actions on {subject}: push images and roll the ECS services",
        max_session_duration=3600,
        assume_role_policy=policy_document(
            Statement(
                sid="GitHubActionsOnReleaseBranch",
                principals={"Federated": github_oidc_provider_arn(scope, env)},
                actions=("sts:AssumeRoleWithWebIdentity",),
                conditions={
                    "StringEquals": {
                        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                        "token.actions.githubusercontent.com:sub": subject,
                    }
                },
            )
        ),
    )
    role_policy(
        scope,
        "deploy-permissions",
        name="push-images-and-roll-services",
        role=role.id,
        policy=policy_document(
            # GetAuthorizationToken cannot be scoped to a repository (AWS API design).
            Statement(sid="RegistryLogin", actions=("ecr:GetAuthorizationToken",), resources=("*",)),
            Statement(
                sid="PushServiceImages",
                actions=(
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:InitiateLayerUpload",
                    "ecr:UploadLayerPart",
                    "ecr:CompleteLayerUpload",
                    "ecr:PutImage",
                    "ecr:BatchGetImage",
                ),
                resources=tuple(repository_arns[name] for name in service_names),
            ),
            Statement(
                sid="RollServices",
                actions=("ecs:UpdateService", "ecs:DescribeServices"),
                resources=tuple(service_arns[name] for name in service_names),
            ),
        ),
    )
    return role


def github_oidc_provider_arn(scope: Construct, env: Environment) -> str:
    # An account holds one provider per issuer URL: the second environment in it reads the first's.
    if not env.owns_account_baseline:
        return DataAwsIamOpenidConnectProvider(scope, "github-oidc", url=GITHUB_OIDC_URL).arn
    return IamOpenidConnectProvider(
        scope,
        "github-oidc",
        url=GITHUB_OIDC_URL,
        client_id_list=["sts.amazonaws.com"],
        thumbprint_list=GITHUB_OIDC_THUMBPRINTS,
    ).arn

"""GitHub Actions deploys through OIDC: the account's GitHub identity provider (created, or read
where another environment in the account owns it) and a deploy role that only the configured
repository and branch can assume, allowed to push the service images, register the task definitions
that run them, roll the services and sync the static sites (docs/ci.md shows each release path)."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.data_aws_iam_openid_connect_provider import DataAwsIamOpenidConnectProvider
from cdktf_cdktf_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from cdktf_cdktf_provider_aws.iam_role import IamRole
from constructs import Construct

from hipaa_platform.building.naming import Namer
from hipaa_platform.config import Environment
from hipaa_platform.contracts import by_name
from modules.pipeline.github_oidc import GITHUB_OIDC_THUMBPRINTS, GITHUB_OIDC_URL
from modules.shared.iam import Statement, policy_document
from modules.shared.role_policy import role_policy


@dataclass(frozen=True)
class StaticSite:
    """A bucket a release syncs a website into, and the key its objects are encrypted with."""

    bucket_arn: str
    key_arn: str


def github_deploy_role(
    scope: Construct,
    *,
    env: Environment,
    namer: Namer,
    repository_arns: dict[str, str],
    service_arns: dict[str, str],
    passed_role_arns: tuple[str, ...],
    static_sites: tuple[StaticSite, ...],
) -> IamRole:
    """`passed_role_arns`: the services' task and execution roles, which the task definitions a release
    registers name; empty where releases move a tag and only roll the services."""
    service_names = [s.name for s in by_name(env.compute.services)]
    subject = env.github_deploy_subject
    role = IamRole(
        scope,
        "deploy-role",
        name=namer.name("ci-deploy-role"),
        description=f"GitHub Actions jobs of {subject} ({env.pipeline.github_branch}): push images, roll the services",
        max_session_duration=3600,
        assume_role_policy=policy_document(
            Statement(
                sid="GitHubActionsOfThisEnvironment",
                principals={"Federated": github_oidc_provider_arn(scope)},
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
            *(_new_revision_statements(passed_role_arns) if passed_role_arns else ()),
            *(_static_site_statements(static_sites, env.region) if static_sites else ()),
        ),
    )
    return role


def _new_revision_statements(passed_role_arns: tuple[str, ...]) -> tuple[Statement, ...]:
    return (
        # Task definitions cannot be scoped to a resource (AWS API design).
        Statement(
            sid="RegisterTaskDefinitions",
            actions=("ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"),
            resources=("*",),
        ),
        Statement(
            sid="PassServiceRoles",
            actions=("iam:PassRole",),
            resources=passed_role_arns,
            conditions={"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
        ),
    )


def _static_site_statements(sites: tuple[StaticSite, ...], region: str) -> tuple[Statement, ...]:
    """`aws s3 sync --delete`: list the bucket, write and delete its objects under its key."""
    return (
        Statement(sid="ListSiteBuckets", actions=("s3:ListBucket",), resources=tuple(s.bucket_arn for s in sites)),
        Statement(
            sid="SyncSiteObjects",
            actions=("s3:PutObject", "s3:DeleteObject"),
            resources=tuple(f"{s.bucket_arn}/*" for s in sites),
        ),
        Statement(
            sid="SiteBucketKeys",
            actions=("kms:GenerateDataKey", "kms:Decrypt"),
            resources=tuple(dict.fromkeys(s.key_arn for s in sites)),
            conditions={"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
        ),
    )


def github_oidc_provider_arn(scope: Construct) -> str:
    """The account's provider for GitHub's issuer, which its baseline creates (one per issuer URL)."""
    return DataAwsIamOpenidConnectProvider(scope, "github-oidc", url=GITHUB_OIDC_URL).arn


def github_oidc_provider(scope: Construct) -> str:
    """The account's one provider for GitHub's issuer (the account baseline's)."""
    return IamOpenidConnectProvider(
        scope,
        "github-oidc",
        url=GITHUB_OIDC_URL,
        client_id_list=["sts.amazonaws.com"],
        thumbprint_list=GITHUB_OIDC_THUMBPRINTS,
    ).arn

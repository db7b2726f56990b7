"""Layer 5: how images ship. A CI deploy role, assumed through GitHub OIDC, that may push to the
service repositories and roll those services, nothing more."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from constructs import Construct

from hipaa_platform.contracts import LayerOutputs, described, item
from hipaa_platform.layer import BuildContext, LayerStack
from layers.compute import ComputeOutputs
from modules.iam import Statement, policy_document

GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com"
# GitHub's published intermediate thumbprints; AWS no longer checks them for this provider, but
# provider 5.x still sends the field.
GITHUB_OIDC_THUMBPRINTS = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"]


@dataclass(frozen=True)
class PipelineOutputs(LayerOutputs):
    LAYER = "pipeline"
    deploy_role_arn: str = described("Role GitHub Actions assumes (OIDC) to push images and roll the services")


class PipelineLayer(LayerStack):
    LAYER = "pipeline"

    def __init__(self, scope: Construct, context: BuildContext) -> None:
        super().__init__(scope, context)
        env = self.environment
        compute = self.read(ComputeOutputs)
        service_indexes = range(len(env.compute.services))
        github = IamOpenidConnectProvider(
            self,
            "github-oidc",
            url=GITHUB_OIDC_URL,
            client_id_list=["sts.amazonaws.com"],
            thumbprint_list=GITHUB_OIDC_THUMBPRINTS,
        )
        subject = f"repo:{env.pipeline.github_repository}:ref:refs/heads/{env.pipeline.github_branch}"
        role = IamRole(
            self,
            "deploy-role",
            name=self.namer.name("ci-deploy-role"),
            description=f"GitHub Actions on {subject}: push images and roll the ECS services",
            max_session_duration=3600,
            assume_role_policy=policy_document(
                Statement(
                    sid="GitHubActionsOnReleaseBranch",
                    principals={"Federated": github.arn},
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
        IamRolePolicy(
            self,
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
                    resources=tuple(item(compute.repository_arns, i) for i in service_indexes),
                ),
                Statement(
                    sid="RollServices",
                    actions=("ecs:UpdateService", "ecs:DescribeServices"),
                    resources=tuple(item(compute.service_arns, i) for i in service_indexes),
                ),
            ),
        )
        self.publish(PipelineOutputs(deploy_role_arn=role.arn))

"""The three roles every service's blue-green delivery shares: CodePipeline's (artifacts, source
connection, builds, deployments, passing the services' own roles to ECS), CodeBuild's (its logs,
artifacts, pushing the services' images, its build secrets) and CodeDeploy's (AWS's ECS policy)."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from constructs import Construct

from hipaa_platform.building.naming import Namer
from modules.pipeline.blue_green_delivery import DeliveryRoles
from modules.shared.iam import Statement, policy_document, service_trust
from modules.shared.role_policy import role_policy


def delivery_roles(
    scope: Construct,
    *,
    namer: Namer,
    account: str,
    partition: str,
    region: str,
    artifacts_arn: str,
    artifact_key_arn: str,
    connection_arn: str | None,
    project_arns: tuple[str, ...],
    passed_role_arns: tuple[str, ...],
    build_log_group_arn: str,
    repository_arns: tuple[str, ...],
    build_secret_arns: tuple[str, ...],
    build_secret_key_arns: tuple[str, ...],
) -> DeliveryRoles:
    def role(purpose: str, service: str, *statements: Statement) -> IamRole:
        created = IamRole(
            scope,
            f"{purpose}-role",
            name=namer.name(f"{purpose}-role"),
            description=f"{purpose} for the service pipelines",
            assume_role_policy=service_trust(service, account_id=account),
        )
        if statements:
            role_policy(scope, f"{purpose}-permissions", name="service-delivery", role=created.id,
                        policy=policy_document(*statements))  # fmt: skip
        return created

    # AWS's AWSCodeDeployRoleForECS lets the role read every object in the account (s3:GetObject on
    # `*`). An ECS deployment reads none: CodePipeline's role reads the artifacts and hands CodeDeploy
    # their content (this role has no key to decrypt them with anyway).
    deploy_role = role(
        "codedeploy",
        "codedeploy.amazonaws.com",
        Statement(sid="ReadsNoObjects", effect="Deny", actions=("s3:GetObject", "s3:GetObjectVersion"),
                  resources=("*",)),
    )  # fmt: skip
    IamRolePolicyAttachment(
        scope,
        "codedeploy-ecs",
        role=deploy_role.name,
        policy_arn=f"arn:{partition}:iam::aws:policy/AWSCodeDeployRoleForECS",
    )
    artifact_key = Statement(sid="ArtifactKey", actions=("kms:Decrypt", "kms:GenerateDataKey"),
                             resources=(artifact_key_arn,))  # fmt: skip
    return DeliveryRoles(
        pipeline_role_arn=role(
            "codepipeline",
            "codepipeline.amazonaws.com",
            Statement(sid="Artifacts", actions=("s3:GetObject", "s3:GetObjectVersion", "s3:PutObject",
                                                "s3:GetBucketVersioning"),
                      resources=(artifacts_arn, f"{artifacts_arn}/*")),
            artifact_key,
            *([Statement(sid="Source", actions=("codestar-connections:UseConnection",),
                         resources=(connection_arn,))] if connection_arn else []),
            Statement(sid="Builds", actions=("codebuild:StartBuild", "codebuild:BatchGetBuilds"),
                      resources=project_arns),
            Statement(sid="Deployments", actions=("codedeploy:CreateDeployment", "codedeploy:GetDeployment",
                                                  "codedeploy:GetDeploymentConfig", "codedeploy:GetApplication",
                                                  "codedeploy:GetApplicationRevision",
                                                  "codedeploy:RegisterApplicationRevision"),
                      resources=(f"arn:{partition}:codedeploy:{region}:{account}:*",)),
            # RegisterTaskDefinition cannot be scoped to a resource (AWS API design).
            Statement(sid="TaskDefinitions", actions=("ecs:RegisterTaskDefinition",), resources=("*",)),
            Statement(sid="PassTaskRoles", actions=("iam:PassRole",), resources=passed_role_arns,
                      conditions={"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}),
        ).arn,
        build_role_arn=role(
            "codebuild",
            "codebuild.amazonaws.com",
            Statement(sid="BuildLogs", actions=("logs:CreateLogStream", "logs:PutLogEvents"),
                      resources=(f"{build_log_group_arn}:*",)),
            Statement(sid="Artifacts", actions=("s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"),
                      resources=(f"{artifacts_arn}/*",)),
            artifact_key,
            # GetAuthorizationToken cannot be scoped to a repository (AWS API design).
            Statement(sid="RegistryLogin", actions=("ecr:GetAuthorizationToken",), resources=("*",)),
            Statement(sid="PushServiceImages", actions=("ecr:BatchCheckLayerAvailability",
                                                        "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
                                                        "ecr:CompleteLayerUpload", "ecr:PutImage",
                                                        "ecr:BatchGetImage"),
                      resources=repository_arns),
            *([Statement(sid="BuildSecrets", actions=("secretsmanager:GetSecretValue",),
                         resources=build_secret_arns),
               # A secret's value is encrypted with its key: reading it needs that key too.
               Statement(sid="DecryptBuildSecrets", actions=("kms:Decrypt",), resources=build_secret_key_arns,
                         conditions={"StringEquals": {"kms:ViaService": f"secretsmanager.{region}.amazonaws.com"}})]
              if build_secret_arns else []),
        ).arn,
        deploy_role_arn=deploy_role.arn,
    )  # fmt: skip

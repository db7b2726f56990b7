"""Delivery of one service: a CodeBuild build (test, scan, image push), a CodeDeploy blue-green
deployment group with alarm rollback, a post-deploy test project, and the CodePipeline that runs
Source -> Build -> Deploy -> PostDeploy."""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from cdktf_cdktf_provider_aws.codebuild_project import CodebuildProject, CodebuildProjectEnvironmentEnvironmentVariable
from cdktf_cdktf_provider_aws.codedeploy_app import CodedeployApp
from cdktf_cdktf_provider_aws.codedeploy_deployment_group import (
    CodedeployDeploymentGroup,
    CodedeployDeploymentGroupLoadBalancerInfoTargetGroupPairInfoTargetGroup,
)
from cdktf_cdktf_provider_aws.codepipeline import (
    Codepipeline,
    CodepipelineArtifactStore,
    CodepipelineStage,
    CodepipelineStageAction,
)
from constructs import Construct

from hipaa_platform.config import BuildSteps, CodePipeline
from hipaa_platform.gate.acceptances import accept_finding

# The artifact bucket's role name: its access-log prefix and its name derive from it.
ARTIFACT_BUCKET_ROLE = "pipeline-artifacts"


PLATFORM = {"ARM64": "linux/arm64", "X86_64": "linux/amd64"}
BUILD_CONTAINER = {"ARM64": "ARM_CONTAINER", "X86_64": "LINUX_CONTAINER"}


def build_spec(steps: BuildSteps, secrets: dict[str, str]) -> str:
    """Log in, the configured tests and source scans, build for the configured CPU, the configured
    image scans, push, write the deploy files."""
    image = "$ECR_REGISTRY/$IMAGE_REPOSITORY:$IMAGE_TAG"
    spec: dict[str, object] = {
        "version": 0.2,
        "env": {"secrets-manager": secrets} if secrets else {},
        "phases": {
            "pre_build": {
                "commands": [
                    "aws ecr get-login-password | docker login --username AWS --password-stdin $ECR_REGISTRY",
                    'export IMAGE_TAG="main-$CODEBUILD_BUILD_NUMBER"',
                ]
            },
            "build": {
                "commands": [
                    *steps.test,
                    *steps.source_scan,
                    f"docker build -t {image} --platform {PLATFORM[steps.architecture]} .",
                    *steps.image_scan,
                    f"docker push {image}",
                ]
            },
            "post_build": {"commands": ["envsubst < taskdef-template.json > taskdef.json"]},
        },
        "artifacts": {"files": ["taskdef.json", "appspec.yaml", "hooks/*"]},
    }
    if not secrets:
        del spec["env"]
    return buildspec(spec)


def integration_test_spec(steps: BuildSteps) -> str:
    return buildspec({"version": 0.2, "phases": {"build": {"commands": list(steps.integration_test)}}})


# libyaml's emitter where PyYAML has it: the same text as the pure-Python one (tested), at a tenth
# of the time, which every service's two build projects spend.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def buildspec(spec: dict) -> str:
    return yaml.dump(spec, Dumper=_DUMPER, sort_keys=False)


@dataclass(frozen=True)
class DeliveryRoles:
    pipeline_role_arn: str
    build_role_arn: str
    deploy_role_arn: str


@dataclass(frozen=True)
class ServiceTarget:
    """What the deployment acts on: the ECS service, its listeners and its two target groups."""

    cluster_name: str
    service_name: str
    repository_name: str
    prod_listener_arn: str
    test_listener_arn: str
    blue_target_group: str
    green_target_group: str
    rollback_alarms: tuple[str, ...]


class BlueGreenDelivery(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        container_name: str,
        config: CodePipeline,
        target: ServiceTarget,
        roles: DeliveryRoles,
        connection_arn: str,
        artifact_bucket: str,
        kms_key_arn: str,
        build_log_group: str,
        registry: str,
        build_secrets: dict[str, str],
    ) -> None:
        super().__init__(scope, id)
        variables = {
            "ECR_REGISTRY": registry,
            "IMAGE_REPOSITORY": target.repository_name,
            "SERVICE_NAME": container_name,
        }
        environment = {
            "compute_type": config.build_compute_type,
            "image": config.build_image,
            "type": BUILD_CONTAINER[config.build.architecture],
            "image_pull_credentials_type": "CODEBUILD",
            "environment_variable": [
                CodebuildProjectEnvironmentEnvironmentVariable(name=k, value=v, type="PLAINTEXT")
                for k, v in variables.items()
            ],
        }
        logs = {"cloudwatch_logs": {"group_name": build_log_group, "stream_name": container_name, "status": "ENABLED"}}

        def project(id: str, description: str, buildspec: str, timeout: int, **extra: object) -> CodebuildProject:
            return CodebuildProject(
                self,
                id,
                name=f"{name}-{id}",
                description=description,
                service_role=roles.build_role_arn,
                encryption_key=kms_key_arn,
                build_timeout=timeout,
                artifacts={"type": "CODEPIPELINE"},
                source={"type": "CODEPIPELINE", "buildspec": buildspec},
                environment={**environment, **extra},
                logs_config=logs,
            )

        self.build = project(
            "build",
            f"Test, scan, build and push {container_name} ({config.build.architecture})",
            build_spec(config.build, build_secrets),
            30,
            privileged_mode=True,
        )
        accept_finding(
            self.build,
            "CKV_AWS_316",
            "The build runs `docker build` and `docker push` for the service image, which needs the "
            "Docker daemon, i.e. privileged mode; the project runs only this service's buildspec.",
        )
        self.integration_tests = project(
            "integration-tests",
            f"Post-deploy integration tests of {container_name}",
            integration_test_spec(config.build),
            20,
        )
        app = CodedeployApp(self, "app", name=name, compute_platform="ECS")
        self.app_name = app.name  # read once, used three times
        self.deployment_group = CodedeployDeploymentGroup(
            self,
            "deployment-group",
            app_name=self.app_name,
            deployment_group_name=name,
            deployment_config_name=config.deployment_config,
            service_role_arn=roles.deploy_role_arn,
            auto_rollback_configuration={"enabled": True, "events": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]},
            alarm_configuration={"alarms": list(target.rollback_alarms), "enabled": True},
            blue_green_deployment_config={
                "deployment_ready_option": {"action_on_timeout": "CONTINUE_DEPLOYMENT"},
                "terminate_blue_instances_on_deployment_success": {
                    "action": "TERMINATE",
                    "termination_wait_time_in_minutes": config.termination_wait_minutes,
                },
            },
            deployment_style={"deployment_option": "WITH_TRAFFIC_CONTROL", "deployment_type": "BLUE_GREEN"},
            ecs_service={"cluster_name": target.cluster_name, "service_name": target.service_name},
            load_balancer_info={
                "target_group_pair_info": {
                    "prod_traffic_route": {"listener_arns": [target.prod_listener_arn]},
                    "test_traffic_route": {"listener_arns": [target.test_listener_arn]},
                    "target_group": [
                        CodedeployDeploymentGroupLoadBalancerInfoTargetGroupPairInfoTargetGroup(name=group)
                        for group in (target.blue_target_group, target.green_target_group)
                    ],
                }
            },
        )

        def action(**fields: object) -> CodepipelineStageAction:
            return CodepipelineStageAction(owner="AWS", version="1", **fields)

        self.pipeline = Codepipeline(
            self,
            "pipeline",
            name=name,
            role_arn=roles.pipeline_role_arn,
            pipeline_type="V2",
            artifact_store=[
                CodepipelineArtifactStore(
                    location=artifact_bucket, type="S3", encryption_key={"id": kms_key_arn, "type": "KMS"}
                )
            ],
            stage=[
                CodepipelineStage(
                    name="Source",
                    action=[
                        action(
                            name="GitHub",
                            category="Source",
                            provider="CodeStarSourceConnection",
                            output_artifacts=["source_output"],
                            configuration={
                                "ConnectionArn": connection_arn,
                                "FullRepositoryId": f"{config.repository_owner}/{container_name}",
                                "BranchName": config.branch,
                            },
                        )
                    ],
                ),
                CodepipelineStage(
                    name="Build",
                    action=[
                        action(
                            name="BuildAndTest",
                            category="Build",
                            provider="CodeBuild",
                            input_artifacts=["source_output"],
                            output_artifacts=["build_output"],
                            configuration={"ProjectName": self.build.name},
                        )
                    ],
                ),
                CodepipelineStage(
                    name="Deploy",
                    action=[
                        action(
                            name="BlueGreenDeploy",
                            category="Deploy",
                            provider="CodeDeployToECS",
                            input_artifacts=["build_output"],
                            configuration={
                                "ApplicationName": self.app_name,
                                "DeploymentGroupName": self.deployment_group.deployment_group_name,
                                "TaskDefinitionTemplateArtifact": "build_output",
                                "TaskDefinitionTemplatePath": "taskdef.json",
                                "AppSpecTemplateArtifact": "build_output",
                                "AppSpecTemplatePath": "appspec.yaml",
                            },
                        )
                    ],
                ),
                CodepipelineStage(
                    name="PostDeploy",
                    action=[
                        action(
                            name="IntegrationTests",
                            category="Build",
                            provider="CodeBuild",
                            input_artifacts=["source_output"],
                            configuration={"ProjectName": self.integration_tests.name},
                        )
                    ],
                ),
            ],
        )

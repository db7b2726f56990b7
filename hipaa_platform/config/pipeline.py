"""The `pipeline` section: how releases ship (GitHub deploy roles, CodePipeline)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from hipaa_platform.config.base import ENV_VAR, Model, Name


class BuildSteps(Model):
    """What a service's build runs, around the image build and push the module owns."""

    architecture: Literal["ARM64", "X86_64"] = Field(description="CPU the image is built for and the build runs on")
    test: tuple[str, ...] = Field(min_length=1, description="commands that must pass before the image is built")
    source_scan: tuple[str, ...] = Field((), description="commands that scan the source before the build")
    image_scan: tuple[str, ...] = Field(
        (),
        description="commands that scan the built image ($ECR_REGISTRY/$IMAGE_REPOSITORY:$IMAGE_TAG) before the push",
    )
    integration_test: tuple[str, ...] = Field(min_length=1, description="post-deploy test commands")


class CodePipeline(Model):
    """Per service: CodeStar source, CodeBuild build, CodeDeploy blue-green, post-deploy tests."""

    repository_owner: str = Field(pattern=r"^[A-Za-z0-9_.-]+$", description="repositories are <owner>/<service>")
    branch: str = "main"
    deployment_config: Literal[
        "CodeDeployDefault.ECSCanary10Percent5Minutes",
        "CodeDeployDefault.ECSCanary10Percent15Minutes",
        "CodeDeployDefault.ECSLinear10PercentEvery1Minutes",
        "CodeDeployDefault.ECSLinear10PercentEvery3Minutes",
        "CodeDeployDefault.ECSAllAtOnce",
    ] = "CodeDeployDefault.ECSCanary10Percent5Minutes"
    termination_wait_minutes: int = Field(15, ge=0, le=2880)
    build: BuildSteps
    build_image: str = Field(description="CodeBuild image; an aarch64 image for ARM64 builds, x86_64 otherwise")
    build_compute_type: str = "BUILD_GENERAL1_LARGE"
    build_secrets: dict[Annotated[str, Field(pattern=ENV_VAR.pattern)], str] = Field(
        {}, description="variable -> Secrets Manager reference (name:json-key) read by the build"
    )
    artifact_retention_days: int = Field(90, ge=1)

    @model_validator(mode="after")
    def _build_image_fits(self) -> CodePipeline:
        arm = "aarch64" in self.build_image
        if arm != (self.build.architecture == "ARM64"):
            raise ValueError(
                f"build_image {self.build_image!r} does not run {self.build.architecture} builds; allowed: an "
                f"{'aarch64' if self.build.architecture == 'ARM64' else 'x86_64'} CodeBuild image"
            )
        return self


class Pipeline(Model):
    github_repository: str | None = Field(
        None, pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", description="owner/name, for the GitHub OIDC deploy role"
    )
    github_branch: str = Field(
        "main", description="the branch releases ship from: the rule of github_environment's deployment branches"
    )
    github_environment: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="the GitHub environment whose jobs alone may assume this environment's deploy role; default: "
        "the environment's name (stages sharing an account then trust distinct subjects)",
    )
    codepipeline: CodePipeline | None = None
    static_sites: tuple[Name, ...] = Field(
        (),
        description="data.buckets (without a cdn) the GitHub deploy role ships a static website into "
        "(s3 sync --delete)",
    )

    @model_validator(mode="after")
    def _one_way_to_ship(self) -> Pipeline:
        if not self.github_repository and not self.codepipeline:
            raise ValueError("declare github_repository (GitHub Actions) or codepipeline (AWS CodePipeline)")
        return self

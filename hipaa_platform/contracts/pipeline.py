"""What the pipeline layer publishes: its outputs, read downstream by name."""

from __future__ import annotations

from dataclasses import dataclass

from hipaa_platform.contracts.base import LayerOutputs, described

GITHUB = "github"  # key of the one GitHub deploy role or connection in its contract map


@dataclass(frozen=True)
class PipelineOutputs(LayerOutputs):
    LAYER = "pipeline"
    deploy_role_arns: dict[str, str] = described(
        f"Role GitHub Actions assumes (OIDC) to push images and roll services, under `{GITHUB}`; empty without one"
    )
    pipeline_names: dict[str, str] = described("CodePipeline name by blue-green service name")
    codestar_connection_arns: dict[str, str] = described(
        f"CodeStar connection to approve once in the console, under `{GITHUB}`; empty without CodePipeline"
    )

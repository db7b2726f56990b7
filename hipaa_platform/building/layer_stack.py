"""The base of every layer: one TerraformStack, its provider, its backend, its contracts."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from cdktf import (
    DataTerraformRemoteStateLocal,
    DataTerraformRemoteStateS3,
    LocalBackend,
    S3Backend,
    TerraformRemoteState,
    TerraformStack,
)
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from hipaa_platform import contracts
from hipaa_platform.building.naming import Namer
from hipaa_platform.building.tagging import default_tags
from hipaa_platform.config import AccountBaseline, Environment
from hipaa_platform.targets import UNREACHABLE_PROXY, StateBackend, Target, state_key
from hipaa_platform.targets.emulator_unsupported import (
    RULE_SOURCES_UNSUPPORTED_ON_EMULATOR,
    UNSUPPORTED_ON_EMULATOR,
    Skip,
)


@dataclass
class BuildContext:
    """What every layer of one synthesis shares."""

    environment: Environment | None
    target: Target
    outdir: Path
    stacks: dict[str, TerraformStack] = field(default_factory=dict)
    skipped: list[Skip] = field(default_factory=list)
    account: AccountBaseline | None = None  # an account's baseline is built instead of an environment

    @property
    def built(self) -> Environment | AccountBaseline:
        built = self.environment or self.account
        if built is None:
            raise RuntimeError("a build context builds an environment or an account's baseline")
        return built

    @property
    def namer(self) -> Namer:
        return Namer(self.built.name_prefix)

    @property
    def state_name(self) -> str:
        """Where its layers' state keys start: the environment's name, or accounts/<account>."""
        return self.environment.name if self.environment else f"accounts/{self.built.name}"


def target_creates(scope: Construct, *parts: tuple[str, str]) -> bool:
    """Whether the deployment target can create every (resource type, what) in `parts`; each type it
    cannot create is recorded as skipped. The one way a layer or a module leaves something out on
    the emulator (targets.emulator_unsupported.UNSUPPORTED_ON_EMULATOR), asked where the resource is built."""
    stack = TerraformStack.of(scope)
    # a construct outside a layer (a unit test's bare stack) has no target
    return stack.creates_all(*parts) if isinstance(stack, LayerStack) else True


def target_creates_config_rule(scope: Construct, name: str, source_identifier: str) -> bool:
    """Whether the deployment target takes this managed AWS Config rule (recorded as skipped if not)."""
    stack = TerraformStack.of(scope)
    return stack.creates_config_rule(name, source_identifier) if isinstance(stack, LayerStack) else True


class LayerStack(TerraformStack):
    LAYER: ClassVar[str]

    def __init__(self, scope: Construct, context: BuildContext) -> None:
        super().__init__(scope, self.LAYER)
        self.context = context
        self.environment = context.environment
        self.namer = context.namer
        context.stacks[self.LAYER] = self
        self._remote_states: dict[str, TerraformRemoteState] = {}
        self._configure_provider()
        self._configure_backend()

    # -- contracts ---------------------------------------------------------------------------
    def read(self, contract: type[contracts.Outputs]) -> contracts.Outputs:
        """Typed read of an upstream layer's outputs; also orders `cdktf deploy` after it."""
        upstream = contract.LAYER
        if upstream not in self.context.stacks:
            raise RuntimeError(f"{self.LAYER} reads {upstream}, which is not built before it")
        if upstream not in self._remote_states:
            self.add_dependency(self.context.stacks[upstream])
            self._remote_states[upstream] = self._remote_state(upstream)
        return contracts.read(self._remote_states[upstream], contract)

    def publish(self, outputs: contracts.LayerOutputs) -> None:
        if outputs.LAYER != self.LAYER:
            raise RuntimeError(f"{self.LAYER} cannot publish the {outputs.LAYER} contract")
        contracts.publish(self, outputs)

    # -- emulator ------------------------------------------------------------------------------
    def creates(self, resource_type: str, what: str) -> bool:
        """False (and recorded) when the target cannot create this resource type."""
        return self._creates(resource_type, what, UNSUPPORTED_ON_EMULATOR.get(resource_type))

    def creates_config_rule(self, name: str, source_identifier: str) -> bool:
        """False (and recorded) when the target refuses this managed rule."""
        reason = RULE_SOURCES_UNSUPPORTED_ON_EMULATOR.get(source_identifier)
        return self._creates("aws_config_config_rule", f"the pack rule {name}", reason)

    def _creates(self, resource_type: str, what: str, emulator_refuses_it: str | None) -> bool:
        if self.context.target.is_emulator and emulator_refuses_it:
            self.context.skipped.append(Skip(self.LAYER, resource_type, what, emulator_refuses_it))
            return False
        return True

    def creates_all(self, *parts: tuple[str, str]) -> bool:
        """For things built from several resource types: True only if the target creates them all;
        every type it cannot create is recorded."""
        return all([self.creates(resource_type, what) for resource_type, what in parts])

    # -- provider and state ----------------------------------------------------------------
    def _configure_provider(self) -> None:
        AwsProvider(self, "aws", region=self.context.built.region, **self._provider_settings())

    def provider_in(self, region: str) -> AwsProvider:
        """A second AWS provider for `region` (e.g. CloudFront's certificates, which live in us-east-1),
        configured like the layer's own; resources name it with `provider=`."""
        return AwsProvider(self, f"aws-{region}", alias=region.replace("-", "_"), region=region,
                           **self._provider_settings())  # fmt: skip

    def _provider_settings(self) -> dict[str, object]:
        target = self.context.target
        emulator: dict[str, object] = {}
        if target.is_emulator:
            emulator = {
                "skip_credentials_validation": True,
                "skip_metadata_api_check": "true",
                "skip_region_validation": True,
                "s3_use_path_style": True,
                # the emulator is reached through AWS_ENDPOINT_URL; any other host is refused (hipaa_platform/targets)
                "http_proxy": UNREACHABLE_PROXY,
                "https_proxy": UNREACHABLE_PROXY,
                "no_proxy": "127.0.0.1,localhost",
            }
        return {"default_tags": [{"tags": self.default_tags()}], **emulator}

    def default_tags(self) -> dict[str, str]:
        return default_tags(self.environment, self.LAYER)

    def _s3_settings(self, layer: str) -> dict[str, object]:
        target = self.context.target
        settings: dict[str, object] = {
            "bucket": self.context.built.state.bucket,
            "key": state_key(self.context.state_name, layer),
            "region": self.context.built.region,
        }
        if target.is_emulator:
            settings.update(
                endpoints={"s3": target.emulator_endpoint, "sts": target.emulator_endpoint},
                use_path_style=True,
                skip_credentials_validation=True,
                skip_metadata_api_check=True,
                skip_region_validation=True,
                skip_requesting_account_id=True,
            )
        return settings

    def _local_state_path(self, layer: str) -> str:
        # Terraform runs in <outdir>/stacks/<layer>; the path is relative to that folder.
        stack_dir = self.context.outdir / "stacks" / self.LAYER
        state_file = self.context.target.local_state_root / state_key(self.context.state_name, layer)
        return os.path.relpath(state_file, stack_dir)

    def _configure_backend(self) -> None:
        if self.context.target.backend is StateBackend.LOCAL:
            LocalBackend(self, path=self._local_state_path(self.LAYER))
            return
        S3Backend(
            self, encrypt=True, kms_key_id=self.context.built.state.kms_key_alias, **self._s3_settings(self.LAYER)
        )
        # cdktf 0.21's S3Backend predates native S3 locking; Terraform 1.11 reads this override.
        self.add_override("terraform.backend.s3.use_lockfile", True)

    def _remote_state(self, layer: str) -> TerraformRemoteState:
        if self.context.target.backend is StateBackend.LOCAL:
            return DataTerraformRemoteStateLocal(self, layer, path=self._local_state_path(layer))
        return DataTerraformRemoteStateS3(self, layer, **self._s3_settings(layer))

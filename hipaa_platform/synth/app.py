"""Build the six layer stacks of one environment and synthesize them."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from cdktf import App, TerraformResource

from hipaa_platform.building.layer_stack import BuildContext
from hipaa_platform.config import Environment
from hipaa_platform.gate.acceptances import accept_finding, is_accepted
from hipaa_platform.gate.stateful import STATEFUL_TYPES
from hipaa_platform.synth.addresses import check_moves, readable_addresses, recorded_moves, write_moves
from hipaa_platform.targets import Target
from hipaa_platform.targets.emulator_unsupported import PLAN_FINDINGS_ON_EMULATOR, gaps_for
from layers import LAYER_CLASSES


def synthesize(environment: Environment, target: Target, outdir: Path) -> BuildContext:
    """Synthesize every layer into `outdir/stacks/<layer>/cdk.tf.json`; returns what was built."""
    outdir = outdir.resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    app = App(outdir=str(outdir))
    context = BuildContext(environment=environment, target=target, outdir=outdir)
    for layer_class in LAYER_CLASSES:
        layer_class(app, context)
    if environment.stage == "prod" and not target.disposable:
        _prevent_destroy_of_stateful_resources(app)
    if target.is_emulator:
        _adapt_to_emulator(app)
    app.synth()
    for layer in context.stacks:
        stack_dir = outdir / "stacks" / layer
        stack_file = stack_dir / "cdk.tf.json"
        stack_json = readable_addresses(json.loads(stack_file.read_text()))
        stack_file.write_text(json.dumps(stack_json, indent=2, ensure_ascii=False))
        moves = recorded_moves(environment.name, layer)
        write_moves(stack_dir, check_moves(layer, stack_json, moves, partial_target=target.is_emulator))
    return context


def _resources(app: App) -> list[TerraformResource]:
    return [c for c in app.node.find_all() if isinstance(c, TerraformResource)]


@functools.cache
def _type_of_class(binding: type[TerraformResource]) -> str:
    return binding.TF_RESOURCE_TYPE


def resource_type(resource: TerraformResource) -> str:
    """The Terraform type, asked once per binding class (every ask is a jsii round trip)."""
    return _type_of_class(type(resource))


def _prevent_destroy_of_stateful_resources(app: App) -> None:
    """Production data stores refuse `terraform destroy` and replacement outright."""
    for resource in _resources(app):
        if resource_type(resource) in STATEFUL_TYPES:
            resource.add_override("lifecycle.prevent_destroy", True)


def _adapt_to_emulator(app: App) -> None:
    """The documented emulator gaps (targets/emulator_unsupported.py), applied to an emulator synthesis only."""
    for resource in _resources(app):
        for finding in PLAN_FINDINGS_ON_EMULATOR:
            # An environment's own acceptance (its reason) stands; the emulator's would repeat it.
            if finding.resource_type == resource_type(resource) and not is_accepted(resource, finding.check_id):
                accept_finding(resource, finding.check_id, finding.reason, scan="plan")
        gaps = gaps_for(resource_type(resource))
        for gap in gaps:
            if gap.omitted:
                resource.add_override(gap.attribute, None)
        if gaps:
            resource.add_override("lifecycle.ignore_changes", [gap.attribute for gap in gaps])

"""Build the six layer stacks of one environment, or an account's baseline, and synthesize them."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from cdktf import App, TerraformResource

from hipaa_platform import ACCOUNT_DIR
from hipaa_platform.building.layer_stack import BuildContext
from hipaa_platform.config import AccountBaseline, Environment
from hipaa_platform.gate.acceptances import accept_finding, is_accepted, write_accepted_findings
from hipaa_platform.gate.stateful import EVIDENCE_TYPES, STATEFUL_TYPES
from hipaa_platform.synth.addresses import (
    check_moves,
    handed_over,
    readable_addresses,
    recorded_moves,
    write_moves,
)
from hipaa_platform.targets import Target
from hipaa_platform.targets.emulator_unsupported import PLAN_FINDINGS_ON_EMULATOR, gaps_for
from layers import LAYER_CLASSES
from layers.account_baseline import AccountBaselineStack


def synthesize(environment: Environment, target: Target, outdir: Path) -> BuildContext:
    """Synthesize every layer into `outdir/stacks/<layer>/cdk.tf.json`, and the account's baseline into
    `outdir/account/stacks/baseline/`; returns what was built of the environment."""
    outdir = outdir.resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    app = App(outdir=str(outdir))
    context = BuildContext(environment=environment, target=target, outdir=outdir)
    for layer_class in LAYER_CLASSES:
        layer_class(app, context)
    if environment.stage == "prod" and not target.disposable:
        _prevent_destroy(app, STATEFUL_TYPES)
    _synthesized(app, context, environment.name)
    synthesize_account(environment.baseline, target, outdir / ACCOUNT_DIR)
    return context


def synthesize_account(account: AccountBaseline, target: Target, outdir: Path) -> BuildContext:
    """Synthesize an account's baseline into `outdir/stacks/baseline/cdk.tf.json`; what it keeps as
    evidence refuses `terraform destroy` on every target but the emulator."""
    outdir = outdir.resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    app = App(outdir=str(outdir))
    context = BuildContext(environment=None, account=account, target=target, outdir=outdir)
    AccountBaselineStack(app, context)
    if not target.disposable:
        _prevent_destroy(app, EVIDENCE_TYPES)
    return _synthesized(app, context, f"account-{account.name}")


def _synthesized(app: App, context: BuildContext, moves_name: str) -> BuildContext:
    """Synthesize `app`, give its resources readable addresses and write each stack's recorded moves."""
    target = context.target
    if target.is_emulator:
        _adapt_to_emulator(app)
    write_accepted_findings()
    app.synth()
    for layer in context.stacks:
        stack_dir = context.outdir / "stacks" / layer
        stack_file = stack_dir / "cdk.tf.json"
        stack_json = readable_addresses(json.loads(stack_file.read_text()))
        stack_file.write_text(json.dumps(stack_json, indent=2, ensure_ascii=False))
        moves, handed = recorded_moves(moves_name, layer), handed_over(moves_name, layer)
        write_moves(stack_dir, check_moves(layer, stack_json, moves, partial_target=target.is_emulator, handed=handed))
    return context


def _resources(app: App) -> list[TerraformResource]:
    return [c for c in app.node.find_all() if isinstance(c, TerraformResource)]


@functools.cache
def _type_of_class(binding: type[TerraformResource]) -> str:
    return binding.TF_RESOURCE_TYPE


def resource_type(resource: TerraformResource) -> str:
    """The Terraform type, asked once per binding class (every ask is a jsii round trip)."""
    return _type_of_class(type(resource))


def _prevent_destroy(app: App, types: frozenset[str]) -> None:
    """Production data stores, and an account's evidence, refuse `terraform destroy` and replacement outright."""
    for resource in _resources(app):
        if resource_type(resource) in types:
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

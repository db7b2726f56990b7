"""Drift: what differs between each layer's state and the real infrastructure.

Each layer, in order, gets a refresh-only plan (`terraform plan -refresh-only`): Terraform reads
every resource back and reports, under `resource_drift`, what changed outside Terraform. A
re-apply of the layer puts the code's values back. Only attributes the code sets are reported:
computed ones change by themselves, and those the code leaves unmanaged on purpose
(`lifecycle.ignore_changes`) a re-apply would not touch either.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path

from hipaa_platform.errors import UserError
from hipaa_platform.operations import terraform
from hipaa_platform.operations.plan import ResourceChange, attribute_changes, cell


class DriftStatus(IntEnum):
    """Also the exit codes of `make drift`."""

    CLEAN = 0
    UNKNOWN = 1  # a layer could not be checked
    DRIFT = 2


@dataclass
class LayerDrift:
    layer: str
    changes: list[ResourceChange] = field(default_factory=list)
    error: str | None = None


@dataclass
class DriftReport:
    environment: str
    layers: list[LayerDrift] = field(default_factory=list)

    @property
    def status(self) -> DriftStatus:
        if any(layer.error for layer in self.layers):
            return DriftStatus.UNKNOWN
        if any(layer.changes for layer in self.layers):
            return DriftStatus.DRIFT
        return DriftStatus.CLEAN


NOT_ATTRIBUTES = {"//", "lifecycle", "depends_on", "provider", "count", "for_each", "provisioner", "connection"}


def _managed_attributes(stack_json: dict) -> dict[str, set[str]]:
    """`type.name` -> the attributes its configuration sets and does not ignore. `tags_all` counts:
    the provider's default tags are configuration too."""
    found = {}
    for kind, resources in stack_json.get("resource", {}).items():
        for name, body in resources.items():
            ignored = set(body.get("lifecycle", {}).get("ignore_changes", []))
            found[f"{kind}.{name}"] = (set(body) - NOT_ATTRIBUTES - ignored) | {"tags_all"}
    return found


def drifted(plan_json: dict, stack_json: dict) -> list[ResourceChange]:
    """The drifted resources of one refresh-only plan, each with the configured attributes that
    differ. A refresh also reports computed attributes that moved (a bucket's `policy`, filled in
    by its own policy resource; a database's `latest_restorable_time`): not drift from the code."""
    managed = _managed_attributes(stack_json)
    found = []
    for resource in plan_json.get("resource_drift", []):
        if resource.get("mode") != "managed":
            continue
        actions = resource["change"]["actions"]
        action = "deleted" if actions == ["delete"] else "changed"
        attributes = (
            ()
            if action == "deleted"
            else tuple(
                a
                for a in attribute_changes(resource["change"], "update")
                if a.name in managed.get(resource["address"], set())
            )
        )
        if action == "changed" and not attributes:
            continue
        found.append(ResourceChange(resource["address"], resource["type"], action, attributes))
    return found


def check_layer(stack_dir: Path, plan_dir: Path, layer: str, env: dict[str, str]) -> LayerDrift:
    plan_dir.mkdir(parents=True, exist_ok=True)
    plan_file = plan_dir / "drift.tfplan"
    try:
        terraform.init(stack_dir, env)
        terraform.run(["plan", "-refresh-only", "-input=false", "-no-color", f"-out={plan_file}"], stack_dir, env)
        shown = terraform.run(["show", "-json", "-no-color", str(plan_file)], stack_dir, env).stdout
    except UserError as error:
        return LayerDrift(layer, error=str(error))
    (plan_dir / "drift.json").write_text(shown)
    stack_json = json.loads((stack_dir / "cdk.tf.json").read_text())
    return LayerDrift(layer, drifted(json.loads(shown), stack_json))


def check_drift(environment: str, outdir: Path, layers: tuple[str, ...], env: dict[str, str], root: Path,
                on_step=lambda step: None) -> DriftReport:  # fmt: skip
    """Every selected layer in order; writes `root/drift.md`."""
    report = DriftReport(environment)
    for index, layer in enumerate(layers, start=1):
        on_step(f"refresh-only plan of {layer} ({index}/{len(layers)})")
        report.layers.append(check_layer(outdir / "stacks" / layer, root / layer, layer, env))
    (root / "drift.md").write_text(markdown(report))
    return report


HEADLINE = {
    DriftStatus.CLEAN: "no drift: the infrastructure matches every layer's state",
    DriftStatus.DRIFT: "drift found: re-apply the layer to restore the code's values, or change the code",
    DriftStatus.UNKNOWN: "could not check every layer",
}


def markdown(report: DriftReport) -> str:
    lines = [f"## Drift: `{report.environment}`", "", HEADLINE[report.status], ""]
    lines += ["| layer | drifted resources | checked |", "|---|---:|---|"]
    for layer in report.layers:
        lines.append(
            f"| {layer.layer} | {len(layer.changes)} | {'no: ' + cell(layer.error) if layer.error else 'yes'} |"
        )
    for layer in report.layers:
        if not layer.changes:
            continue
        lines += [
            "",
            f"### {layer.layer}",
            "",
            "| resource | drift | attribute | in state | now |",
            "|---|---|---|---|---|",
        ]
        for change in layer.changes:
            shown = change.attributes or ()
            if not shown:
                lines.append(f"| `{change.address}` | {change.action} outside Terraform |  |  |  |")
            for index, attribute in enumerate(shown):
                address, action = (f"`{change.address}`", change.action) if index == 0 else ("", "")
                lines.append(
                    f"| {address} | {action} | {attribute.name} | {cell(attribute.before)} | {cell(attribute.after)} |"
                )
    return "\n".join(lines) + "\n"


def text(report: DriftReport) -> str:
    lines = [HEADLINE[report.status]]
    for layer in report.layers:
        if layer.error:
            lines.append(f"{layer.layer}: NOT CHECKED: {layer.error.splitlines()[0]}")
            continue
        lines.append(f"{layer.layer}: {len(layer.changes)} drifted")
        for change in layer.changes:
            names = ", ".join(a.name for a in change.attributes)
            lines.append(f"  {change.action:8} {change.address}" + (f"  [{names}]" if names else ""))
    return "\n".join(lines)

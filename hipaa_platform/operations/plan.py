"""Per-layer plan review: a saved plan, its JSON, a summary a reviewer can judge in a minute, a
checkov scan of the resolved values, and a guard against losing data."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hipaa_platform.config.loader import load_environment
from hipaa_platform.cost.delta import CostDelta, plan_delta
from hipaa_platform.gate.scan import Acceptance, GateResult, evaluate, run_checkov
from hipaa_platform.gate.stateful import STATEFUL_TYPES
from hipaa_platform.operations import terraform

MASK = "(sensitive)"


@dataclass(frozen=True)
class AttributeChange:
    name: str
    before: object
    after: object


@dataclass(frozen=True)
class ResourceChange:
    address: str
    resource_type: str
    action: str  # create | update | replace | delete | move | forget
    attributes: tuple[AttributeChange, ...]
    replace_paths: tuple[str, ...] = ()
    moved_from: str | None = None  # the address in state, when a `moved` block renames it

    @property
    def loses_data(self) -> bool:
        return self.resource_type in STATEFUL_TYPES and self.action in ("replace", "delete")


@dataclass
class LayerPlan:
    layer: str
    changes: list[ResourceChange]
    plan_file: Path
    json_file: Path
    checkov: GateResult | None = None
    document: dict = field(default_factory=dict, repr=False)  # `terraform show -json` of the plan, parsed

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)


@dataclass
class Review:
    environment: str
    layers: list[LayerPlan] = field(default_factory=list)
    allowed: frozenset[str] = frozenset()
    cost: CostDelta | None = None

    @property
    def blocked(self) -> list[tuple[str, ResourceChange]]:
        return [
            (plan.layer, change)
            for plan in self.layers
            for change in plan.changes
            if change.loses_data and change.address not in self.allowed
        ]

    @property
    def checkov_failures(self) -> int:
        return sum(len(p.checkov.failures) for p in self.layers if p.checkov)

    @property
    def ok(self) -> bool:
        return not self.blocked and not self.checkov_failures


def _action(actions: list[str]) -> str | None:
    if actions in (["delete", "create"], ["create", "delete"]):
        return "replace"
    if actions in (["create"], ["update"], ["delete"], ["forget"]):
        return actions[0]  # forget: a `removed` block; the object stays, this state no longer holds it
    return None  # no-op, read


def _masked(value: object, sensitive: object) -> object:
    return MASK if sensitive is True else value


def _empty(value: object) -> bool:
    return value in (None, "", [], {})


def _narrowed(old: object, new: object) -> tuple[object, object]:
    """For maps (tags), only the keys that differ; reviewers need the change, not the whole map."""
    if isinstance(old, dict) and isinstance(new, dict):
        keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        return {k: old[k] for k in keys if k in old}, {k: new[k] for k in keys if k in new}
    return old, new


def attribute_changes(change: dict, action: str) -> tuple[AttributeChange, ...]:
    before, after = change.get("before") or {}, change.get("after") or {}
    before_sensitive = change.get("before_sensitive") or {}
    after_sensitive = change.get("after_sensitive") or {}
    unknown = change.get("after_unknown") or {}
    found = []
    for name in sorted(set(before) | set(after) | set(unknown)):
        old, new = before.get(name), after.get(name)
        if unknown.get(name) is True:
            if action in ("create", "replace"):
                continue  # computed by AWS for a new object: nothing to review
            new = "(known after apply)"
        elif old == new or (_empty(old) and _empty(new)):
            continue
        if isinstance(before_sensitive, dict) and isinstance(after_sensitive, dict):
            old = _masked(old, before_sensitive.get(name))
            new = _masked(new, after_sensitive.get(name))
        old, new = _narrowed(old, new)
        found.append(AttributeChange(name, old, new))
    return tuple(found)


def summarize(plan_json: dict) -> list[ResourceChange]:
    changes = []
    for resource in plan_json.get("resource_changes", []):
        if resource.get("mode") != "managed":
            continue
        moved_from = resource.get("previous_address")
        action = _action(resource["change"]["actions"]) or ("move" if moved_from else None)
        if action is None:
            continue
        if action == "forget":  # nothing of the object changes
            changes.append(ResourceChange(resource["address"], resource["type"], action, (), (), moved_from))
            continue
        replace_paths = tuple(
            ".".join(str(part) for part in path) for path in resource["change"].get("replace_paths", [])
        )
        changes.append(
            ResourceChange(
                address=resource["address"],
                resource_type=resource["type"],
                action=action,
                attributes=attribute_changes(resource["change"], action),
                replace_paths=replace_paths,
                moved_from=moved_from,
            )
        )
    return changes


def plan_layer(stack_dir: Path, plan_dir: Path, layer: str, env: dict[str, str]) -> LayerPlan:
    plan_dir.mkdir(parents=True, exist_ok=True)
    plan_file, json_file = plan_dir / "plan.tfplan", plan_dir / "plan.json"
    terraform.init(stack_dir, env)
    terraform.run(["plan", "-input=false", "-no-color", f"-out={plan_file}"], stack_dir, env)
    shown = terraform.run(["show", "-json", "-no-color", str(plan_file)], stack_dir, env).stdout
    json_file.write_text(shown)
    document = json.loads(shown)
    return LayerPlan(layer, summarize(document), plan_file, json_file, document=document)


def scan_plans(plans: list[LayerPlan], plans_root: Path, acceptances: list[Acceptance]) -> None:
    """checkov on the resolved plan values, honouring the same reasoned acceptances as the gate.
    A plan scan reports failures only: some acceptances answer checks that only the static scan runs."""
    reports = run_checkov(plans_root, plans_root / "checkov", framework="terraform_plan")
    result = evaluate(reports, acceptances)
    for plan in plans:
        plan.checkov = GateResult(
            failures=[f for f in result.failures if f.layer == plan.layer],
            accepted=[a for a in result.accepted if a.layer == plan.layer],
        )


def markdown(review: Review) -> str:
    lines = [f"## Terraform plan: `{review.environment}`", ""]
    lines += [
        "| layer | add | change | replace | destroy | move | forget (kept, no longer held) | checkov |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for plan in review.layers:
        checkov = "n/a" if plan.checkov is None else (
            f"{len(plan.checkov.failures)} failed, {len(plan.checkov.accepted)} accepted"
        )  # fmt: skip
        lines.append(
            f"| {plan.layer} | {plan.count('create')} | {plan.count('update')} | {plan.count('replace')} "
            f"| {plan.count('delete')} | {plan.count('move')} | {plan.count('forget')} | {checkov} |"
        )
    if review.cost:
        lines += ["", *review.cost.markdown()]
    blocked = review.blocked
    if blocked:
        lines += ["", "### :no_entry: Blocked: these changes would destroy or replace stateful resources", ""]
        for layer, change in blocked:
            forced = ", ".join(change.replace_paths) or "the resource is removed"
            lines.append(f"- `{layer}`: `{change.address}` ({change.action}; forced by: {forced})")
        lines.append("")
        lines.append(
            "Allow an intended one with an `allow-replace: <environment> <address>` line in the pull request's "
            "description, or `ALLOW_REPLACE=<address>` locally (see docs/ci.md)."
        )
    for plan in review.layers:
        if not plan.changes:
            lines += ["", f"### {plan.layer}: no changes"]
            continue
        lines += [
            "",
            f"### {plan.layer}",
            "",
            "| action | resource | attribute | before | after |",
            "|---|---|---|---|---|",
        ]
        for change in plan.changes:
            shown = change.attributes or (AttributeChange("", "", ""),)
            for index, attribute in enumerate(shown):
                address = f"`{change.address}`"
                if change.moved_from:
                    address = f"`{change.moved_from}` → {address}"
                action, address = (change.action, address) if index == 0 else ("", "")
                before, after = cell(attribute.before), cell(attribute.after)
                lines.append(f"| {action} | {address} | {attribute.name} | {before} | {after} |")
        if plan.checkov and plan.checkov.failures:
            lines += ["", "checkov failures on the plan:"]
            lines += [f"- `{f.resource}` {f.check_id} {f.check_name}" for f in plan.checkov.failures]
    return "\n".join(lines) + "\n"


def cell(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= 80 else text[:77] + "..."


def review(
    environment: str,
    outdir: Path,
    layers: tuple[str, ...],
    env: dict[str, str],
    plans_root: Path,
    allowed: frozenset[str] = frozenset(),
    on_step: Callable[[str], None] = lambda step: None,
) -> Review:
    """Plan the selected layers in dependency order, scan the plans, apply the data-loss guard.
    `on_step` hears what starts next (for a progress display)."""
    from hipaa_platform.gate.scan import collect_acceptances

    result = Review(environment, allowed=allowed)
    for index, layer in enumerate(layers, start=1):
        on_step(f"terraform plan {layer} ({index}/{len(layers)})")
        result.layers.append(plan_layer(outdir / "stacks" / layer, plans_root / layer, layer, env))
    on_step("the cost change (docs/cost.md)")
    result.cost = plan_delta(
        environment,
        [(p.layer, p.document) for p in result.layers],
        load_environment(environment).cost.usage,
    )
    on_step(f"checkov on {len(layers)} plan(s)")
    scan_plans(result.layers, plans_root, collect_acceptances(outdir, layers, scan="plan"))
    (plans_root / "summary.md").write_text(markdown(result))
    return result


def text(review: Review) -> str:
    lines = []
    for plan in review.layers:
        counts = ", ".join(f"{plan.count(a)} {a}" for a in ("create", "update", "replace", "delete", "move", "forget"))
        failures = len(plan.checkov.failures) if plan.checkov else 0
        lines.append(f"{plan.layer}: {counts}; checkov {failures} failed")
        for change in plan.changes:
            names = ", ".join(a.name for a in change.attributes)
            moved = f" (from {change.moved_from})" if change.moved_from else ""
            lines.append(f"  {change.action:8} {change.address}{moved}" + (f"  [{names}]" if names else ""))
    if review.cost:
        lines += [line.replace("**", "").replace("`", "") for line in review.cost.markdown()]
    for layer, change in review.blocked:
        forced = ", ".join(change.replace_paths) or "removed"
        lines.append(f"BLOCKED {layer}: {change.address} would be {change.action}d (forced by: {forced})")
    return "\n".join(lines)

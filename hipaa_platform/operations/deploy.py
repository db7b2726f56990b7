"""Apply layers in order through the S3 backend, prove a clean re-plan, read outputs, destroy."""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hipaa_platform import LAYERS
from hipaa_platform.errors import UserError
from hipaa_platform.gate.stateful import STATEFUL_TYPES
from hipaa_platform.operations import terraform


@dataclass
class LayerRun:
    layer: str
    apply_seconds: float = 0.0
    replan_clean: bool = False
    outputs: dict[str, object] = field(default_factory=dict)
    destroyed: bool = False


def log_path(outdir: Path, layer: str) -> Path:
    return outdir / "logs" / f"{layer}.log"


def plan_for_changes(stack_dir: Path, env: dict[str, str], log: Path) -> subprocess.CompletedProcess[str]:
    """`terraform plan -detailed-exitcode`: 0 no changes, 2 changes, 1 an error."""
    arguments = ["plan", "-detailed-exitcode", "-input=false", "-no-color"]
    return terraform.run(arguments, stack_dir, env, check=False, log=log)


def apply_layer(stack_dir: Path, env: dict[str, str], run: LayerRun, log: Path) -> None:
    started = time.monotonic()
    terraform.init(stack_dir, env)
    try:
        terraform.run(["apply", "-auto-approve", "-input=false", "-no-color"], stack_dir, env, log=log)
    except terraform.Interrupted as stopped:
        kept = keep_interrupted_creates(stack_dir, env, stopped.result.stdout)
        raise terraform.Interrupted(interrupted_message(run.layer, kept), stopped.result) from None
    run.apply_seconds = time.monotonic() - started
    replan = plan_for_changes(stack_dir, env, log)
    if replan.returncode == 2:
        raise UserError(f"{run.layer}: the re-plan after apply is not empty (drift):\n{_changes(replan.stdout)}")
    if replan.returncode != 0:
        raise UserError(f"{run.layer}: re-plan failed:\n{replan.stderr}")
    run.replan_clean = True
    raw = json.loads(terraform.run(["output", "-json"], stack_dir, env).stdout)
    run.outputs = {name: ("(sensitive)" if o.get("sensitive") else o["value"]) for name, o in raw.items()}


def interrupted_creates(apply_output: str) -> list[str]:
    """Addresses whose creation had started and not finished when the apply stopped."""
    started = re.findall(r"^(\S+): Creating\.\.\.$", apply_output, re.MULTILINE)
    finished = set(re.findall(r"^(\S+): Creation complete after", apply_output, re.MULTILINE))
    return [address for address in started if address not in finished]


def keep_interrupted_creates(stack_dir: Path, env: dict[str, str], apply_output: str) -> list[str]:
    """Untaint the data-bearing resources whose creation an interrupt cut short.

    The provider records such a resource as tainted, and the next apply would destroy and re-create
    it; production refuses that destroy (prevent_destroy), so the re-run would stop for a manual
    `terraform untaint`. The object exists and goes on being created, so the next apply reads it
    back and finishes its settings instead. A resource tainted any other way is left as it is."""
    candidates = {a for a in interrupted_creates(apply_output) if a.split(".")[0] in STATEFUL_TYPES}
    if not candidates:
        return []
    # The raw state, not `show -json`: it needs no provider schema, so it stays quick while a CI
    # runner counts down to its kill (seen: over 10 s on a loaded machine with `show -json`).
    state = json.loads(terraform.run(["state", "pull"], stack_dir, env).stdout or "{}")
    tainted = [address for address in tainted_addresses(state) if address in candidates]
    for address in tainted:
        terraform.run(["untaint", address], stack_dir, env)
    return tainted


def tainted_addresses(state: dict) -> list[str]:
    """Addresses of the tainted managed objects in a raw (version 4) state document."""
    found = []
    for resource in state.get("resources", []):
        if resource.get("mode") != "managed":
            continue
        module = f"{resource['module']}." if resource.get("module") else ""
        for instance in resource.get("instances", []):
            if instance.get("status") == "tainted":
                found.append(f"{module}{resource['type']}.{resource['name']}{_index(instance.get('index_key'))}")
    return found


def _index(key: object) -> str:
    if key is None:
        return ""
    return f"[{key}]" if isinstance(key, int) else f"[{json.dumps(key)}]"


def interrupted_message(layer: str, kept: list[str]) -> str:
    lines = [f"the {layer} apply was interrupted: Terraform saved what it had done and released the lock. "
             "Run the same command again to finish; it picks up from the saved state."]  # fmt: skip
    if kept:
        lines.append("Kept rather than replaced on the next run (their creation was under way): " + ", ".join(kept))
    return "\n".join(lines)


def destroy_layer(stack_dir: Path, env: dict[str, str], run: LayerRun, log: Path) -> None:
    """Destroy from the saved state (-refresh=false): the layer's re-plan has just read every
    object back, and reading each again before deleting it costs CPU and changes nothing."""
    terraform.run(["destroy", "-auto-approve", "-input=false", "-no-color", "-refresh=false"], stack_dir, env, log=log)
    run.destroyed = True


def deploy_all(
    outdir: Path,
    env: dict[str, str],
    on_step: Callable[[str, str], None],
    layers: tuple[str, ...] = LAYERS,
    between: Callable[[list[LayerRun], bool], None] | None = None,
) -> list[LayerRun]:
    """Apply every layer in order, then destroy in reverse; destroys what was applied even on failure.
    `between(runs, all_applied)` runs after the last apply, before the first destroy, whatever happened.

    Terraform's output for each layer goes to <outdir>/logs/<layer>.log as it runs."""
    for layer in layers:
        log_path(outdir, layer).unlink(missing_ok=True)
    runs: list[LayerRun] = []
    errors: list[str] = []
    try:
        for layer in layers:
            on_step(layer, "apply")
            run = LayerRun(layer)
            runs.append(run)
            apply_layer(outdir / "stacks" / layer, env, run, log_path(outdir, layer))
    except UserError as error:
        errors.append(str(error))
    if between is not None:
        try:
            between(runs, not errors and len(runs) == len(layers))
        except UserError as error:
            errors.append(str(error))
    for run in reversed(runs):
        on_step(run.layer, "destroy")
        try:
            destroy_layer(outdir / "stacks" / run.layer, env, run, log_path(outdir, run.layer))
        except UserError as error:
            errors.append(str(error))
    if errors:
        raise UserError("\n\n".join(errors))
    return runs


def _changes(plan_text: str) -> str:
    lines = [line for line in plan_text.splitlines() if line.strip().startswith(("#", "~", "+", "-", "Plan:"))]
    return "\n".join(lines[:60])

"""The project's command line: `python -m hipaa_platform <command> --env <environment>`."""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable
from pathlib import Path

import typer

from hipaa_platform import LAYERS, views
from hipaa_platform.config.loader import load_environment
from hipaa_platform.errors import UserError
from hipaa_platform.targets import PROJECT_ROOT, Target

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__, pretty_exceptions_show_locals=False)
console, errors = views.console, views.errors
DEFAULT_OUTDIR = PROJECT_ROOT / "cdktf.out"
REPORTS = PROJECT_ROOT / "build/reports"
EnvOption = typer.Option("intakeiq", "--env", "-e", help="environment file name under environments/")
LayersOption = typer.Option(None, "--layer", "-l", help="only these layers (default: all, in order)")
LayerOption = typer.Option(..., "--layer", "-l", help="the layer")
OutdirOption = typer.Option(DEFAULT_OUTDIR, help="where the synthesized layers are")
ReportsOption = typer.Option(REPORTS)


def command(name: str | None = None) -> Callable:
    """A command whose user errors print as one line, exit 2, without a traceback."""

    def register(function: Callable) -> Callable:
        @functools.wraps(function)
        def run(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except UserError as error:
                views.user_error(error)
                raise typer.Exit(2) from None

        return app.command(name)(run)

    return register


def account_outdir(account: str) -> Path:
    """Where `synth-baseline` writes an account's baseline unless told otherwise."""
    return DEFAULT_OUTDIR / "accounts" / account


def _layers(requested: list[str] | None) -> tuple[str, ...]:
    unknown = set(requested or ()) - set(LAYERS)
    if unknown:
        raise UserError(f"unknown layer(s) {sorted(unknown)}; allowed: {', '.join(LAYERS)}")
    return tuple(name for name in LAYERS if not requested or name in requested)


def _synthesized(env: str, outdir: Path, layers: tuple[str, ...]) -> tuple[str, ...]:
    """The layers, once `env` names an environment and `outdir` holds a synthesis of them."""
    from hipaa_platform.gate.scan import require_stacks

    load_environment(env)
    require_stacks(outdir, layers)
    return layers


@command()
def synth(
    env: str = EnvOption,
    outdir: Path = OutdirOption,
    force: bool = typer.Option(False, "--force", help="synthesize even when no input changed"),
) -> None:
    """Synthesize the six layers to <outdir>/stacks/<layer>/cdk.tf.json (skipped when no input changed)."""
    from hipaa_platform.synth.cache import synthesize_if_changed

    target, started = Target.from_environment_variables(), time.monotonic()
    with console.status(f"synthesizing {env} (loading the AWS provider bindings takes ~15 s)"):
        synthesized = synthesize_if_changed(env, target, outdir, force=force)
    views.synthesis(env, target, outdir, time.monotonic() - started if synthesized else None)


@command("synth-baseline")
def synth_baseline(
    account: str = typer.Option(..., "--account", "-a", help="account file name under accounts/"),
    outdir: Path = typer.Option(None, help="default: cdktf.out/accounts/<account>"),
) -> None:
    """Synthesize an account's baseline to <outdir>/stacks/baseline/cdk.tf.json."""
    from hipaa_platform.config.loader import load_account

    baseline, target, started = load_account(account), Target.from_environment_variables(), time.monotonic()
    outdir = outdir or account_outdir(account)
    with console.status(f"synthesizing the baseline of account {account} (loading the AWS provider bindings)"):
        from hipaa_platform.synth.app import synthesize_account

        synthesize_account(baseline, target, outdir)
    console.print(f"synthesized the baseline of account {account} ({target.backend.value} state) into "
                  f"{views.shown(outdir)}/stacks/baseline in {time.monotonic() - started:.1f} s")  # fmt: skip


@command()
def scan(outdir: Path = OutdirOption, reports: Path = ReportsOption) -> None:
    """The checkov gate over the six layers and the account's baseline beside them: fail on any unaccepted
    finding or stale acceptance."""
    from hipaa_platform import ACCOUNT_DIR, BASELINE
    from hipaa_platform.gate.scan import run_gate, stack_file

    with console.status("checkov: scanning the six layers"):
        gate = run_gate(outdir, reports / "checkov")
    views.gate_result(console, gate)
    ok = gate.ok
    if stack_file(outdir / ACCOUNT_DIR, BASELINE).is_file():  # the account's baseline, synthesized beside them
        with console.status("checkov: scanning the account's baseline"):
            baseline_gate = run_gate(outdir / ACCOUNT_DIR, reports / "checkov-account")
        views.gate_result(console, baseline_gate)
        ok = ok and baseline_gate.ok
    if not ok:
        raise typer.Exit(1)


@command()
def validate(outdir: Path = OutdirOption) -> None:
    """terraform init (offline mirror when present) and terraform validate for every layer."""
    from hipaa_platform.operations.terraform import validate_layers

    failed = False
    with console.status("terraform validate, layer by layer"):
        for layer, result in validate_layers(outdir, LAYERS):
            failed |= not result["valid"]
            console.print(f"[green]valid[/]   {layer}" if result["valid"] else f"[red]invalid[/] {layer}")
            for d in result["diagnostics"] if not result["valid"] else ():
                console.print(f"  {d['severity']}: {d['summary']} {d.get('detail', '')}")
    if failed:
        raise typer.Exit(1)


@command()
def plan(
    env: str = EnvOption,
    layer: list[str] = LayersOption,
    allow_replace: list[str] = typer.Option(None, "--allow-replace", help="stateful address allowed to be replaced"),
    allowances_from: Path = typer.Option(
        None, "--allowances-from", help="a pull request description; its `allow-replace: <env> <address>` lines"
    ),
    outdir: Path = OutdirOption,
) -> None:
    """Per-layer plans, a markdown summary for the PR, checkov on the plans, the data-loss guard."""
    from hipaa_platform.operations import plan as plans
    from hipaa_platform.operations import terraform
    from hipaa_platform.operations.allowances import allowed_replacements

    selected, plans_root = _synthesized(env, outdir, _layers(layer)), PROJECT_ROOT / "build" / "plans" / env
    allowed = frozenset(allow_replace or ()) | allowed_replacements(allowances_from, env)
    if allowances_from:
        console.print(f"allowed by the pull request: {', '.join(sorted(allowed)) or 'nothing'}")
    with console.status(f"planning {', '.join(selected)}") as status:
        environment = terraform.terraform_environment()
        review = plans.review(env, outdir, selected, environment, plans_root, allowed, on_step=status.update)
    console.print(plans.text(review), highlight=False, markup=False)
    console.print(f"markdown summary: {views.shown(plans_root / 'summary.md')}")
    if not review.ok:
        raise typer.Exit(1)


@command()
def affected(base: str = typer.Option(..., "--base", help="git ref the change is compared with")) -> None:
    """Print, as a JSON list, the environments a change since `base` affects (the PR plans those)."""
    import json

    from hipaa_platform.operations.affected import affected_environments, changed_since

    print(json.dumps(affected_environments(changed_since(base))))


@command()
def apply(
    env: str = EnvOption,
    layer: str = LayerOption,
    auto_approve: bool = typer.Option(False, "--auto-approve", help="apply without asking (review `make plan` first)"),
    outdir: Path = OutdirOption,
) -> None:
    """Apply one layer, then re-plan it (must be empty). Safe to cancel: see docs/operations.md."""
    from hipaa_platform.operations import terraform
    from hipaa_platform.operations.deploy import LayerRun, apply_layer, log_path
    from hipaa_platform.operations.interrupts import hold_signals_until_exit
    from hipaa_platform.synth.cache import synthesize_if_changed

    _layers([layer])
    if not auto_approve:
        raise UserError("apply runs without prompts: review `make plan` and pass --auto-approve "
                        "(in CI, the protected GitHub environment is the approval)")  # fmt: skip
    with console.status(f"synthesizing {env} if anything changed"):
        synthesize_if_changed(env, Target.from_environment_variables(), outdir)
    run, log = LayerRun(layer), log_path(outdir, layer)
    console.print(f"applying {env}/{layer}; Terraform's output: {log}")
    try:
        with console.status(f"applying {layer}"):
            apply_layer(outdir / "stacks" / layer, terraform.terraform_environment(), run, log)
    except terraform.Interrupted as stopped:
        errors.print(f"[bold yellow]stopped:[/] {stopped}", markup=True, highlight=False)
        hold_signals_until_exit()
        raise typer.Exit(130) from None
    console.print(f"applied {layer} in {run.apply_seconds:.0f} s; the re-plan is empty")


@command()
def drift(env: str = EnvOption, layer: list[str] = LayersOption, outdir: Path = OutdirOption) -> None:
    """Refresh-only plans: what changed outside Terraform. Exit 0 no drift, 2 drift, 1 could not check."""
    from hipaa_platform.operations import drift as drifts
    from hipaa_platform.operations import terraform

    selected, root = _synthesized(env, outdir, _layers(layer)), PROJECT_ROOT / "build" / "drift" / env
    root.mkdir(parents=True, exist_ok=True)
    with console.status(f"checking {', '.join(selected)} for drift") as status:
        report = drifts.check_drift(env, outdir, selected, terraform.terraform_environment(), root, status.update)
    console.print(drifts.text(report), highlight=False, markup=False)
    console.print(f"markdown report: {views.shown(root / 'drift.md')}")
    raise typer.Exit(int(report.status))


@command("restore-state")
def restore_state(
    env: str = EnvOption,
    layer: str = LayerOption,
    version_id: str = typer.Option(None, help="the version to restore (default: the newest readable earlier one)"),
    list_only: bool = typer.Option(False, "--list", help="list the versions and restore nothing"),
) -> None:
    """Restore a layer's state from an earlier version in the versioned state bucket."""
    from hipaa_platform.operations.state_recovery import restore, state_object, state_versions

    _layers([layer])
    s3, bucket, key = state_object(load_environment(env), layer)
    if list_only:
        views.state_versions(console, f"s3://{bucket}/{key}", state_versions(s3, bucket, key))
        return
    restored = restore(s3, bucket, key, version_id)
    console.print(f"restored {layer} to version {restored.version_id} (serial {restored.serial}, "
                  f"{restored.modified:%Y-%m-%d %H:%M:%S}); plan the layer before anything else")  # fmt: skip


@command()
def unlock(
    env: str = EnvOption,
    layer: str = LayerOption,
    lock_id: str = typer.Option(None, "--lock-id", help="the lock to release (shown by the failed run and without it)"),
) -> None:
    """Show a layer's state lock; with --lock-id, release it if no run can still hold it."""
    from datetime import UTC, datetime

    from hipaa_platform.operations.locks import current_lock, release
    from hipaa_platform.operations.state_recovery import state_object

    _layers([layer])
    s3, bucket, key = state_object(load_environment(env), layer)
    now = datetime.now(UTC)
    if not lock_id:
        lock = current_lock(s3, bucket, key)
        console.print(f"{layer}: " + (lock.describe(now) if lock else "not locked"))
        return
    released = release(s3, bucket, key, lock_id, now=now)
    console.print(f"released {layer}: {released.describe(now)}")


@command("bootstrap-state")
def bootstrap_state(
    env: str = EnvOption,
    account: str = typer.Option(None, "--account", "-a", help="an account baseline's state bucket instead"),
) -> None:
    """Create the remote-state bucket of an environment (or of an account's baseline) in the current AWS account."""
    from hipaa_platform.config.loader import load_account
    from hipaa_platform.operations.bootstrap import bootstrap_state_bucket

    bucket = bootstrap_state_bucket(load_account(account) if account else load_environment(env))
    console.print(f"state bucket ready: s3://{bucket} (versioned, KMS, TLS-only, public access blocked)")


@command("deploy-local")
def deploy_local(
    env: list[str] = typer.Option(
        ["intakeiq"],
        "--env",
        "-e",
        help="environment file name under environments/; several deploy side by side into one emulator "
        "account, as stages that share an account do",
    ),
    rehearse: bool = typer.Option(
        False, "--rehearse", help="before destroying, rehearse a release with the deploy roles (docs/ci.md)"
    ),
) -> None:
    """Deploy every layer to the local emulator in order, re-plan, print outputs, destroy."""
    from hipaa_platform.emulator.deploy_local import deploy_local as deploy

    names = [n for part in env for n in part.split(",") if n]  # `make deploy-local ENV=a,b` passes "a,b"
    deploy(list(dict.fromkeys(names)), console, rehearse=rehearse)


@command()
def show(env: str = EnvOption) -> None:
    """Print an environment's effective configuration: its file merged over its base, with defaults."""
    from hipaa_platform.config.loader import account_file, effective_configuration, environment_files

    files = [*environment_files(env), account_file(load_environment(env).account)]
    console.print("# from " + " + ".join(views.shown(f) for f in files) + " (its baseline)", markup=False)
    console.print(effective_configuration(env), markup=False, highlight=False)


@command()
def environments() -> None:
    """List the environments this project can build."""
    from hipaa_platform.config.loader import available_environments

    for name in available_environments():
        console.print(name)


@command("record-moves")
def record_moves(
    env: str = EnvOption,
    before: Path = typer.Option(..., help="a synthesis of the environment before the change (its cdktf.out)"),
    after: Path = typer.Option(DEFAULT_OUTDIR, help="the synthesis after the change"),
    change: str = typer.Option(..., help="one line: what moved and why"),
) -> None:
    """Record a refactor's moved addresses in moved/<env>.json: `moved` blocks, not replacements."""
    from hipaa_platform.synth.addresses import record_moves as record

    path = record(env, change, before, after)
    console.print(f"recorded in {path}; synthesize again to render the moved blocks")


@command("handover-imports")
def handover_imports(
    env: str = EnvOption,
    held: list[str] = typer.Option(..., "--held", help="<layer>=<file>: the layer's kept `terraform show -json`"),
    baseline_dir: Path = typer.Option(None, help="default: cdktf.out/accounts/<account>/stacks/baseline"),
) -> None:
    """Write the account baseline's import blocks for what ENV's layers held before the baseline
    existed (docs/operations.md, "Handing the account's resources to its baseline")."""
    import json

    from hipaa_platform import BASELINE
    from hipaa_platform.gate.scan import stack_file
    from hipaa_platform.operations.handover import handover_imports as imports_for
    from hipaa_platform.operations.handover import read_held, write_imports

    environment = load_environment(env)
    synthesized = stack_file(account_outdir(environment.account), BASELINE)
    stack = baseline_dir / synthesized.name if baseline_dir else synthesized
    if not stack.is_file():
        raise UserError(f"{stack} is missing: `make baseline-synth ACCOUNT={environment.account}` first")
    on_emulator = Target.from_environment_variables().is_emulator
    result = imports_for(env, dict(read_held(h) for h in held), json.loads(stack.read_text()), on_emulator)
    if result.not_built:  # a record the baseline does not match: nothing is written to apply half of
        views.handover(console, errors, result, None)
        raise typer.Exit(1)
    views.handover(console, errors, result, write_imports(result, stack.parent))


@command()
def compliance(env: str = EnvOption, outdir: Path = OutdirOption, reports: Path = ReportsOption) -> None:
    """The HIPAA conformance pack rule by rule for one synthesized environment: control ids, status
    (pass, accepted with its reason, fail, not applicable, gap) and the resources concerned."""
    from hipaa_platform.gate.compliance import compliance_report
    from hipaa_platform.synth.cache import require_current

    require_current(env, Target.from_environment_variables(), outdir)
    with console.status(f"checkov: the pack's checks over the six layers of {env}"):
        outcomes, written = compliance_report(env, outdir, reports / "compliance" / env)
    views.compliance_outcomes(console, env, outcomes, written)
    if any(o.verdict == "fail" for o in outcomes):
        raise typer.Exit(1)


@command()
def evidence(env: str = EnvOption, outdir: Path = OutdirOption, reports: Path = ReportsOption) -> None:
    """What the deployed account's AWS Config and Security Hub say, beside the static report rule by
    rule (read-only credentials for the environment's account), and the pack's rules AWS Config does
    not carry. Exit 1 where the two disagree, when AWS Config did not answer (nothing was compared),
    or when it lacks a rule of the pack."""
    from hipaa_platform.gate.compliance import compliance_report
    from hipaa_platform.operations.evidence import gather, write_report
    from hipaa_platform.synth.cache import require_current

    require_current(env, Target.from_environment_variables(), outdir)
    environment = load_environment(env)
    with console.status(f"checkov: the static report of {env}"):
        outcomes, _ = compliance_report(env, outdir, reports / "compliance" / env)
    with console.status(f"asking AWS Config and Security Hub of account {environment.account}"):
        found = gather(env, environment.baseline, outcomes, {})
    views.evidence(console, errors, found, write_report(found, reports / "evidence" / env))
    if found.disagreements or found.config_error or found.rules_not_carried or found.rules_error:
        raise typer.Exit(1)


@command()
def access(env: str = EnvOption, outdir: Path = OutdirOption, reports: Path = ReportsOption) -> None:
    """The access check of one synthesized environment: every use it declares works end to end (keys
    included), and no role reaches a bucket, key, secret or queue it does not declare."""
    from hipaa_platform.access.check import check_synthesized, write_markdown
    from hipaa_platform.synth.cache import require_current

    require_current(env, Target.from_environment_variables(), outdir)
    with console.status(f"evaluating the policies of {env}"):
        report = check_synthesized(load_environment(env), outdir)
        written = write_markdown(report, reports / "access" / env)
    views.access_report(console, errors, env, report, written)
    if not report.passed:
        raise typer.Exit(1)


@command()
def cost(env: str = EnvOption, outdir: Path = OutdirOption, reports: Path = ReportsOption) -> None:
    """The monthly cost of one synthesized environment from the price catalogue (pricing/aws.yaml) and
    its usage assumptions (the `cost` section), checked against its budget. Exit 1: over budget."""
    from hipaa_platform import ACCOUNT_DIR, BASELINE
    from hipaa_platform.cost.estimate import check_budget, estimate_environment, write_report
    from hipaa_platform.gate.scan import read_stacks
    from hipaa_platform.synth.cache import require_current

    require_current(env, Target.from_environment_variables(), outdir)
    environment = load_environment(env)
    account = read_stacks(outdir / ACCOUNT_DIR, (BASELINE,))[BASELINE]
    result = estimate_environment(environment, read_stacks(outdir), account)
    budget = check_budget(environment, result)
    views.cost_estimate(console, errors, result, budget, write_report(result, budget, reports / "cost" / env))
    if not budget.passed:
        raise typer.Exit(1)


@command("seeds-doc")
def seeds_doc() -> None:
    """Write the requirement tables of seeds/ into docs/environments.md."""
    from hipaa_platform.seeds import ENVIRONMENTS_DOC, document_with_seeds, load_seed, seed_files

    seeds = [load_seed(path) for path in seed_files()]
    ENVIRONMENTS_DOC.write_text(document_with_seeds(ENVIRONMENTS_DOC.read_text(), seeds))
    console.print(f"wrote the tables of {len(seeds)} seeds into {ENVIRONMENTS_DOC}")


@command("security-doc")
def security_doc() -> None:
    """Write the conformance pack section of docs/security.md from compliance/hipaa_pack.yaml."""
    from hipaa_platform.gate.compliance import SECURITY_DOC, load_pack, security_doc_with_pack

    SECURITY_DOC.write_text(security_doc_with_pack(SECURITY_DOC.read_text(), load_pack()))
    console.print(f"{SECURITY_DOC}: conformance pack section written")


def main() -> None:
    os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
    os.environ.setdefault("NODE_OPTIONS", "--no-deprecation --max-old-space-size=4096")
    app()

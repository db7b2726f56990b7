"""The project's command line: `python -m hipaa_platform <command> --env <environment>`."""

from __future__ import annotations

import os
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hipaa_platform import LAYERS
from hipaa_platform.config.loader import load_environment
from hipaa_platform.errors import UserError
from hipaa_platform.targets import PROJECT_ROOT, Target

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__, pretty_exceptions_show_locals=False)
console = Console(emoji=False)  # ARNs contain ":secret:"; rich would draw an emoji
errors = Console(stderr=True, emoji=False)
DEFAULT_OUTDIR = PROJECT_ROOT / "cdktf.out"
EnvOption = typer.Option("intakeiq", "--env", "-e", help="environment file name under environments/")


def _fail(error: UserError) -> None:
    # The message is plain text: a value such as `[/api/*]` must not be read as markup.
    errors.print(f"[bold red]error:[/] {escape(str(error))}", markup=True, highlight=False)
    raise typer.Exit(2)


def _shown(path: Path) -> str:
    """A path as a user reads it: relative to the project when inside it (options may point elsewhere)."""
    return str(path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path)


@app.command()
def synth(
    env: str = EnvOption,
    outdir: Path = typer.Option(DEFAULT_OUTDIR),
    force: bool = typer.Option(False, "--force", help="synthesize even when no input changed"),
) -> None:
    """Synthesize the six layers to <outdir>/stacks/<layer>/cdk.tf.json (skipped when no input changed)."""
    from hipaa_platform.synth.cache import SynthInputs

    try:
        target = Target.from_environment_variables()
        inputs = SynthInputs.of(env, target)
        if not force and inputs.is_current(outdir):
            console.print(f"{env} is up to date in {outdir}/stacks: no input changed since the last synthesis "
                          "(--force or FORCE=1 synthesizes anyway)")  # fmt: skip
            return
        environment = load_environment(env)
        with console.status(f"synthesizing {env} (loading the AWS provider bindings takes ~15 s)"):
            started = time.monotonic()
            from hipaa_platform.synth.app import synthesize

            with inputs.recorded(outdir):
                synthesize(environment, target, outdir)
        console.print(f"synthesized {len(LAYERS)} layers of {env} ({target.backend.value} state) "
                      f"into {outdir}/stacks in {time.monotonic() - started:.1f} s")  # fmt: skip
    except UserError as error:
        _fail(error)


@app.command()
def scan(
    outdir: Path = typer.Option(DEFAULT_OUTDIR), reports: Path = typer.Option(PROJECT_ROOT / "build/reports")
) -> None:
    """The checkov gate: fail on any unaccepted finding or stale acceptance."""
    from hipaa_platform.gate.scan import run_gate

    try:
        with console.status("checkov: scanning the six layers"):
            gate = run_gate(outdir, reports / "checkov")
    except UserError as error:
        _fail(error)
    accepted = Table(title=f"Accepted findings ({len(gate.accepted)}), each with its reason", show_lines=True)
    for column in ("layer", "resource", "check", "reason"):
        accepted.add_column(column, overflow="fold")
    for a in sorted(gate.accepted, key=lambda a: (LAYERS.index(a.layer), a.resource)):
        accepted.add_row(a.layer, a.resource, a.check_id, a.reason)
    console.print(accepted)
    for f in gate.failures:
        console.print(f"[red]FAILED[/] {f.layer}: {f.resource} {f.check_id} {f.check_name}")
    for a in gate.stale:
        console.print(f"[red]STALE[/] {a.layer}: {a.resource} accepts {a.check_id}, which no longer fails; remove it")
    console.print(f"reports: {', '.join(_shown(p) for p in gate.reports.values())}")
    if not gate.ok:
        console.print(f"[bold red]gate failed:[/] {len(gate.failures)} unaccepted finding(s), {len(gate.stale)} stale")
        raise typer.Exit(1)
    console.print(f"[bold green]gate passed:[/] 0 unaccepted findings, {len(gate.accepted)} accepted with reasons")


@app.command()
def validate(outdir: Path = typer.Option(DEFAULT_OUTDIR)) -> None:
    """terraform init (offline mirror when present) and terraform validate for every layer."""
    from hipaa_platform.operations import terraform

    failed = False
    with terraform.attached_provider(terraform.terraform_environment(), terraform.BUILD_DIR / "validate.log") as env:
        for layer in LAYERS:
            with console.status(f"terraform validate {layer}"):
                try:
                    result = terraform.validate(outdir / "stacks" / layer, env)
                except UserError as error:
                    _fail(error)
            if result["valid"]:
                console.print(f"[green]valid[/]   {layer}")
            else:
                failed = True
                console.print(f"[red]invalid[/] {layer}")
                for d in result["diagnostics"]:
                    console.print(f"  {d['severity']}: {d['summary']} {d.get('detail', '')}")
    if failed:
        raise typer.Exit(1)


@app.command()
def plan(
    env: str = EnvOption,
    layer: list[str] = typer.Option(None, "--layer", "-l", help="plan only these layers (default: all, in order)"),
    allow_replace: list[str] = typer.Option(None, "--allow-replace", help="stateful address allowed to be replaced"),
    allowances_from: Path = typer.Option(
        None, "--allowances-from", help="a pull request description; its `allow-replace: <env> <address>` lines"
    ),
    outdir: Path = typer.Option(DEFAULT_OUTDIR),
) -> None:
    """Per-layer plans, a markdown summary for the PR, checkov on the plans, the data-loss guard."""
    from hipaa_platform.operations import plan as plans
    from hipaa_platform.operations import terraform
    from hipaa_platform.operations.allowances import allowed_replacements

    selected = tuple(name for name in LAYERS if not layer or name in layer)
    unknown = set(layer or ()) - set(LAYERS)
    if unknown:
        _fail(UserError(f"unknown layer(s) {sorted(unknown)}; allowed: {', '.join(LAYERS)}"))
    plans_root = PROJECT_ROOT / "build" / "plans" / env
    try:
        allowed = frozenset(allow_replace or ())
        if allowances_from:
            allowed |= allowed_replacements(allowances_from.read_text(), env)
            console.print(f"allowed by the pull request: {', '.join(sorted(allowed)) or 'nothing'}")
        with console.status(f"planning {', '.join(selected)}") as status:
            review = plans.review(
                env,
                outdir,
                selected,
                terraform.terraform_environment(),
                plans_root,
                allowed,
                on_step=status.update,
            )
    except UserError as error:
        _fail(error)
    console.print(plans.text(review), highlight=False, markup=False)
    console.print(f"markdown summary: {_shown(plans_root / 'summary.md')}")
    if not review.ok:
        raise typer.Exit(1)


@app.command()
def affected(base: str = typer.Option(..., "--base", help="git ref the change is compared with")) -> None:
    """Print, as a JSON list, the environments a change since `base` affects (the PR plans those)."""
    import json
    import subprocess

    from hipaa_platform.operations.affected import affected_environments

    result = subprocess.run(
        ["git", "diff", "--name-only", f"{base}...HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        _fail(UserError(f"git diff against {base!r} failed: {result.stderr.strip()}; fetch the base branch first"))
    try:
        print(json.dumps(affected_environments(result.stdout.split())))
    except UserError as error:
        _fail(error)


@app.command()
def apply(
    env: str = EnvOption,
    layer: str = typer.Option(..., "--layer", "-l", help="the layer to apply"),
    auto_approve: bool = typer.Option(False, "--auto-approve", help="apply without asking (review `make plan` first)"),
    outdir: Path = typer.Option(DEFAULT_OUTDIR),
) -> None:
    """Apply one layer, then re-plan it (must be empty). Safe to cancel: see docs/operations.md."""
    from hipaa_platform.operations import terraform
    from hipaa_platform.operations.deploy import LayerRun, apply_layer, log_path
    from hipaa_platform.synth.cache import SynthInputs

    if layer not in LAYERS:
        _fail(UserError(f"unknown layer {layer!r}; allowed: {', '.join(LAYERS)}"))
    if not auto_approve:
        _fail(UserError("apply runs without prompts: review `make plan` and pass --auto-approve "
                        "(in CI, the protected GitHub environment is the approval)"))  # fmt: skip
    try:
        target = Target.from_environment_variables()
        inputs = SynthInputs.of(env, target)
        if not inputs.is_current(outdir):
            with console.status(f"synthesizing {env}"):
                from hipaa_platform.synth.app import synthesize

                with inputs.recorded(outdir):
                    synthesize(load_environment(env), target, outdir)
        run = LayerRun(layer)
        log = log_path(outdir, layer)
        console.print(f"applying {env}/{layer}; Terraform's output: {log}")
        with console.status(f"applying {layer}"):
            apply_layer(outdir / "stacks" / layer, terraform.terraform_environment(), run, log)
    except terraform.Interrupted as stopped:
        errors.print(f"[bold yellow]stopped:[/] {stopped}", markup=True, highlight=False)
        raise typer.Exit(130) from None
    except UserError as error:
        _fail(error)
    console.print(f"applied {layer} in {run.apply_seconds:.0f} s; the re-plan is empty")


@app.command()
def drift(
    env: str = EnvOption,
    layer: list[str] = typer.Option(None, "--layer", "-l", help="check only these layers (default: all, in order)"),
    outdir: Path = typer.Option(DEFAULT_OUTDIR),
) -> None:
    """Refresh-only plans: what changed outside Terraform. Exit 0 no drift, 2 drift, 1 could not check."""
    from hipaa_platform.operations import drift as drifts
    from hipaa_platform.operations import terraform

    unknown = set(layer or ()) - set(LAYERS)
    if unknown:
        _fail(UserError(f"unknown layer(s) {sorted(unknown)}; allowed: {', '.join(LAYERS)}"))
    selected = tuple(name for name in LAYERS if not layer or name in layer)
    root = PROJECT_ROOT / "build" / "drift" / env
    root.mkdir(parents=True, exist_ok=True)
    with console.status(f"checking {', '.join(selected)} for drift") as status:
        report = drifts.check_drift(env, outdir, selected, terraform.terraform_environment(), root, status.update)
    console.print(drifts.text(report), highlight=False, markup=False)
    console.print(f"markdown report: {_shown(root / 'drift.md')}")
    raise typer.Exit(int(report.status))


def _state_object(env: str, layer: str) -> tuple[object, str, str]:
    """An S3 client (the caller's AWS credentials), the state bucket and a layer's state key."""
    import boto3

    from hipaa_platform.targets import state_key

    if layer not in LAYERS:
        raise UserError(f"unknown layer {layer!r}; allowed: {', '.join(LAYERS)}")
    environment = load_environment(env)
    return boto3.client("s3", region_name=environment.region), environment.state.bucket, state_key(env, layer)


@app.command("restore-state")
def restore_state(
    env: str = EnvOption,
    layer: str = typer.Option(..., "--layer", "-l", help="the layer whose state to restore"),
    version_id: str = typer.Option(None, help="the version to restore (default: the newest readable earlier one)"),
    list_only: bool = typer.Option(False, "--list", help="list the versions and restore nothing"),
) -> None:
    """Restore a layer's state from an earlier version in the versioned state bucket."""
    from hipaa_platform.operations.state_recovery import restore, state_versions

    try:
        s3, bucket, key = _state_object(env, layer)
        if list_only:
            table = Table(title=f"s3://{bucket}/{key}")
            for column in ("version id", "modified", "bytes", "serial", "current"):
                table.add_column(column)
            for v in state_versions(s3, bucket, key):
                serial = "unreadable" if v.serial is None else str(v.serial)
                table.add_row(v.version_id, f"{v.modified:%Y-%m-%d %H:%M:%S}", str(v.size), serial, "yes" * v.latest)
            console.print(table)
            return
        restored = restore(s3, bucket, key, version_id)
    except UserError as error:
        _fail(error)
    console.print(f"restored {layer} to version {restored.version_id} (serial {restored.serial}, "
                  f"{restored.modified:%Y-%m-%d %H:%M:%S}); plan the layer before anything else")  # fmt: skip


@app.command()
def unlock(
    env: str = EnvOption,
    layer: str = typer.Option(..., "--layer", "-l", help="the locked layer"),
    lock_id: str = typer.Option(None, "--lock-id", help="the lock to release (shown by the failed run and without it)"),
) -> None:
    """Show a layer's state lock; with --lock-id, release it if no run can still hold it."""
    from datetime import UTC, datetime

    from hipaa_platform.operations.locks import current_lock, release

    try:
        s3, bucket, key = _state_object(env, layer)
        now = datetime.now(UTC)
        if not lock_id:
            lock = current_lock(s3, bucket, key)
            console.print(f"{layer}: " + (lock.describe(now) if lock else "not locked"))
            return
        released = release(s3, bucket, key, lock_id, now=now)
    except UserError as error:
        _fail(error)
    console.print(f"released {layer}: {released.describe(now)}")


@app.command("bootstrap-state")
def bootstrap_state(env: str = EnvOption) -> None:
    """Create the remote-state bucket of an environment in the current AWS account."""
    from hipaa_platform.operations.bootstrap import bootstrap_state_bucket

    try:
        bucket = bootstrap_state_bucket(load_environment(env))
    except UserError as error:
        _fail(error)
    console.print(f"state bucket ready: s3://{bucket} (versioned, KMS, TLS-only, public access blocked)")


@app.command("deploy-local")
def deploy_local(
    env: list[str] = typer.Option(
        ["intakeiq"],
        "--env",
        "-e",
        help="environment file name under environments/; several deploy side by side into one emulator "
        "account, as stages that share an account do (a layer reading what the owner of the account "
        "baseline creates waits for the owner's layer that creates it)",
    ),
    rehearse: bool = typer.Option(
        False, "--rehearse", help="before destroying, rehearse a release with the deploy roles (docs/ci.md)"
    ),
) -> None:
    """Deploy every layer to the local emulator in order, re-plan, print outputs, destroy."""
    from concurrent.futures import ThreadPoolExecutor
    from contextlib import ExitStack

    from hipaa_platform.emulator.rehearsal import RehearsalTurns
    from hipaa_platform.emulator.server import on_emulator, running_emulator, stand_in_account_baseline
    from hipaa_platform.operations.bootstrap import TLS_POLICY_SKIPPED_ON_EMULATOR
    from hipaa_platform.operations.deploy import LayerRun, deploy_all
    from hipaa_platform.operations.interrupts import forwarded_to_runs
    from hipaa_platform.operations.shared_account import SharedAccount
    from hipaa_platform.synth.process import synthesize_all_apart
    from hipaa_platform.targets.emulator_unsupported import ATTRIBUTE_GAPS_ON_EMULATOR, Skip

    names = [n for part in env for n in part.split(",") if n]  # `make deploy-local ENV=a,b` passes "a,b"
    names = list(dict.fromkeys(names))
    several = len(names) > 1

    def outdir_of(name: str) -> Path:
        return PROJECT_ROOT / "build" / "emulator" / name

    def prefix(name: str) -> str:
        return f"{name}: " if several else ""

    runs: dict[str, list[LayerRun]] = {}
    failures: list[str] = []
    try:
        environments = [load_environment(name) for name in names]
        account = SharedAccount(environments)
        with running_emulator() as emulator, ExitStack() as prepared:
            console.print(f"emulator: moto server on {emulator.endpoint}")
            console.print(
                f"state bucket: TLS-only policy not applied on the emulator ({TLS_POLICY_SKIPPED_ON_EMULATOR})"
            )
            if several:
                owner = f"{account.owner} (owner)" if account.owner else "no owner among them"
                console.print(f"one account: {', '.join(names)}; account baseline: {owner}")
            on = {
                e.name: prepared.enter_context(on_emulator(emulator, e, outdir_of(e.name) / "logs"))
                for e in environments
            }
            for made in stand_in_account_baseline(environments, emulator.boto_kwargs()):
                console.print(f"account baseline (account_baseline: existing): {made} created as its owner would")
            with console.status("synthesizing for the emulator"):
                skips = synthesize_all_apart([(e, on[e.name].target, outdir_of(e.name)) for e in environments])
            skipped: dict[str, list[Skip]] = dict(zip(names, skips, strict=True))
            for wait in account.depend_on({name: outdir_of(name) / "stacks" for name in names}):
                console.print(wait)
            for name in names:
                console.print(f"{prefix(name)}terraform output: {outdir_of(name) / 'logs'}/<layer>.log")
            started = time.monotonic()
            with console.status("starting") as status, forwarded_to_runs():
                where: dict[str, str] = {}

                def step_of(name: str):
                    def step(layer: str, action: str) -> None:
                        where[name] = f"{prefix(name)}{action} {layer} ({LAYERS.index(layer) + 1}/{len(LAYERS)})"
                        status.update(f"{'; '.join(where.values())}, {time.monotonic() - started:.0f} s elapsed")
                        console.print(f"{prefix(name)}{action:8} {layer}")

                    return step

                # one line each, however long (the deployment test reads them)
                said = lambda line: console.print(line, soft_wrap=True, markup=False, highlight=False)  # noqa: E731
                rehearsals = RehearsalTurns(environments, emulator, said) if rehearse else None
                with ThreadPoolExecutor(max_workers=len(names)) as pool:
                    futures = {
                        name: pool.submit(deploy_all, outdir_of(name), on[name].terraform_env, step_of(name),
                                          turns=account.turns_of(name),
                                          between=rehearsals.between(name) if rehearsals else None)
                        for name in names
                    }  # fmt: skip
                    for name, future in futures.items():
                        try:
                            runs[name] = future.result()
                        except UserError as error:
                            failures.append(f"{prefix(name)}{error}")
            resends = list(emulator.resends)
    except UserError as error:
        _fail(error)
    for name, layer_runs in runs.items():
        _report_emulator_run(name, layer_runs, skipped[name])
    console.print(f"re-sent requests answered from their first attempt (emulator.ResentRequests): {len(resends)}")
    for resend in resends:
        console.print(f"  {resend.service} {resend.operation}: {resend.seconds_after_first:.1f} s after it")
    console.print(f"attributes handled differently on the emulator only: {len(ATTRIBUTE_GAPS_ON_EMULATOR)}")
    for gap in ATTRIBUTE_GAPS_ON_EMULATOR:
        how = "left unset" if gap.omitted else "ignored on re-plan"
        console.print(f"  {gap.resource_type}.{gap.attribute} ({how}): {gap.reason}")
    if failures:
        _fail(UserError("\n\n".join(failures)))


def _report_emulator_run(name: str, runs: list, skipped: list) -> None:
    table = Table(title=f"{name} on the emulator")
    for column in ("layer", "apply s", "re-plan", "outputs", "destroyed"):
        table.add_column(column)
    for run in runs:
        table.add_row(run.layer, f"{run.apply_seconds:.1f}", "no changes" if run.replan_clean else "DRIFT",
                      str(len(run.outputs)), "yes" if run.destroyed else "no")  # fmt: skip
    console.print(table)
    for run in runs:
        console.print(f"[bold]{run.layer} outputs[/]")
        for output, value in run.outputs.items():
            console.print(f"  {output} = {value}", highlight=False, markup=False)
    console.print(f"{name}: skipped on the emulator: {len(skipped)} item(s), each one resource type")
    for s in skipped:  # one line each, however long: the terminal wraps it
        console.print(f"  {s.layer}: {s.resource_type} ({s.what}): {s.reason}", soft_wrap=True)


@app.command()
def show(env: str = EnvOption) -> None:
    """Print an environment's effective configuration: its file merged over its base, with defaults."""
    import yaml

    from hipaa_platform.config.loader import environment_files

    try:
        files = environment_files(env)
        environment = load_environment(env)
    except UserError as error:
        _fail(error)
    console.print("# from " + " + ".join(_shown(f) for f in files), markup=False)
    document = environment.model_dump(mode="json", by_alias=True)
    console.print(yaml.safe_dump(document, sort_keys=False, width=120), markup=False, highlight=False)


@app.command()
def environments() -> None:
    """List the environments this project can build."""
    from hipaa_platform.config.loader import available_environments

    for name in available_environments():
        console.print(name)


@app.command("record-moves")
def record_moves(
    env: str = EnvOption,
    before: Path = typer.Option(..., help="a synthesis of the environment before the change (its cdktf.out)"),
    after: Path = typer.Option(DEFAULT_OUTDIR, help="the synthesis after the change"),
    change: str = typer.Option(..., help="one line: what moved and why"),
) -> None:
    """Record the addresses a refactor moved in moved/<env>.json; each layer then renders them as
    Terraform `moved` blocks, so deployments plan the rename instead of a replacement."""
    from hipaa_platform.synth.addresses import record_moves as record

    for root in (before, after):
        if not list(root.glob("stacks/*/cdk.tf.json")):
            _fail(UserError(f"{root}: no synthesized layers (stacks/<layer>/cdk.tf.json)"))
    try:
        path = record(env, change, before, after)
    except RuntimeError as error:
        _fail(UserError(str(error)))
    console.print(f"recorded in {path}; synthesize again to render the moved blocks")


@app.command()
def compliance(
    env: str = EnvOption,
    outdir: Path = typer.Option(DEFAULT_OUTDIR),
    reports: Path = typer.Option(PROJECT_ROOT / "build/reports"),
) -> None:
    """The HIPAA conformance pack rule by rule for one synthesized environment: control ids, status
    (pass, accepted with its reason, fail, not applicable, gap) and the resources concerned."""
    from hipaa_platform.gate.compliance import VERDICT_ORDER, compliance_report
    from hipaa_platform.synth.cache import SynthInputs

    try:
        if not SynthInputs.of(env, Target.from_environment_variables()).is_current(outdir):
            raise UserError(f"{outdir} does not hold the current synthesis of {env}; run `make synth ENV={env}` first")
        with console.status(f"checkov: the pack's checks over the six layers of {env}"):
            outcomes, written = compliance_report(env, outdir, reports / "compliance" / env)
    except UserError as error:
        _fail(error)
    table = Table(title=f"HIPAA conformance pack: {env}", show_lines=False)
    for column in ("rule", "controls", "status", "resources, or why"):
        table.add_column(column, overflow="fold")
    colours = {"fail": "red", "accepted": "yellow", "pass": "green"}
    for o in sorted(outcomes, key=lambda o: (VERDICT_ORDER.index(o.verdict), o.name)):
        colour = colours.get(o.verdict)
        table.add_row(
            o.name,
            ", ".join(o.rule.controls),
            f"[{colour}]{o.verdict}[/]" if colour else o.verdict,
            o.detail(reasons=False),
        )
    console.print(table)
    counts = ", ".join(f"{sum(o.verdict == v for o in outcomes)} {v}" for v in VERDICT_ORDER)
    console.print(f"{counts}; reports: {', '.join(_shown(p) for p in written.values())}")
    if any(o.verdict == "fail" for o in outcomes):
        raise typer.Exit(1)


@app.command()
def access(
    env: str = EnvOption,
    outdir: Path = typer.Option(DEFAULT_OUTDIR),
    reports: Path = typer.Option(PROJECT_ROOT / "build/reports"),
) -> None:
    """The access check of one synthesized environment: every use it declares works end to end (keys
    included), and no role reaches a bucket, key, secret or queue it does not declare."""
    import json

    from hipaa_platform.access.check import check_environment, write_markdown
    from hipaa_platform.gate.scan import stack_file
    from hipaa_platform.synth.cache import SynthInputs

    try:
        if not SynthInputs.of(env, Target.from_environment_variables()).is_current(outdir):
            raise UserError(f"{outdir} does not hold the current synthesis of {env}; run `make synth ENV={env}` first")
        environment = load_environment(env)
        stacks = {layer: json.loads(stack_file(outdir, layer).read_text()) for layer in LAYERS}
        with console.status(f"evaluating the policies of {env}"):
            report = check_environment(environment, stacks)
            written = write_markdown(report, reports / "access" / env)
    except UserError as error:
        _fail(error)
    reach = Table(title=f"Who reaches what: {env}", show_lines=True)
    for column in ("principal", "resources"):
        reach.add_column(column, overflow="fold")
    for who, resources in sorted(report.reach.items()):
        reach.add_row(who, "\n".join(sorted(resources)))
    console.print(reach)
    for finding in report.findings:
        errors.print(f"[red]{finding.side}[/]: {escape(finding.principal)} {escape(finding.action)} on "
                     f"{escape(finding.resource)}: {escape(finding.detail)}", highlight=False)  # fmt: skip
    allowed = sum(1 for _, ok, _ in report.uses if ok)
    console.print(f"{allowed} of {len(report.uses)} declared uses work, {len(report.findings)} findings; "
                  f"report: {_shown(written)}")  # fmt: skip
    if not report.passed:
        raise typer.Exit(1)


@app.command("security-doc")
def security_doc() -> None:
    """Write the conformance pack section of docs/security.md from compliance/hipaa_pack.yaml."""
    from hipaa_platform.gate.compliance import SECURITY_DOC, load_pack, security_doc_with_pack

    try:
        SECURITY_DOC.write_text(security_doc_with_pack(SECURITY_DOC.read_text(), load_pack()))
    except UserError as error:
        _fail(error)
    console.print(f"{SECURITY_DOC}: conformance pack section written")


def main() -> None:
    os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
    os.environ.setdefault("NODE_OPTIONS", "--no-deprecation --max-old-space-size=4096")
    app()

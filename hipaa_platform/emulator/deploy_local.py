"""deploy-local: one or more environments of one account deployed to the local emulator: the
account's baseline first, then every layer of each environment in order (side by side), re-planned,
its outputs printed, destroyed; then the baseline is shown to be in place, and destroyed last."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

from rich.console import Console
from rich.table import Table

from hipaa_platform import BASELINE, LAYERS, UNITS
from hipaa_platform.config.loader import load_environment
from hipaa_platform.emulator.rehearsal import RehearsalTurns
from hipaa_platform.emulator.server import baseline_in_place, on_emulator, running_emulator
from hipaa_platform.errors import UserError
from hipaa_platform.operations.bootstrap import TLS_POLICY_SKIPPED_ON_EMULATOR
from hipaa_platform.operations.deploy import LayerRun, deploy_all
from hipaa_platform.operations.interrupts import forwarded_to_runs
from hipaa_platform.operations.shared_account import shared_account
from hipaa_platform.synth.process import synthesize_all_apart
from hipaa_platform.targets import PROJECT_ROOT
from hipaa_platform.targets.emulator_unsupported import ATTRIBUTE_GAPS_ON_EMULATOR, Skip


def deploy_local(names: list[str], console: Console, *, rehearse: bool = False) -> None:
    """Raises UserError naming every environment that failed, after reporting the others."""
    several = len(names) > 1

    def outdir_of(name: str) -> Path:
        return PROJECT_ROOT / "build" / "emulator" / name

    def prefix(name: str) -> str:
        return f"{name}: " if several else ""

    runs: dict[str, list[LayerRun]] = {}
    failures: list[str] = []
    environments = [load_environment(name) for name in names]
    baseline = shared_account(environments)
    account, account_outdir = (
        f"account {baseline.name}",
        PROJECT_ROOT / "build" / "emulator" / "accounts" / baseline.name,
    )
    with running_emulator() as emulator, ExitStack() as prepared:
        console.print(f"emulator: moto server on {emulator.endpoint}")
        console.print(f"state bucket: TLS-only policy not applied on the emulator ({TLS_POLICY_SKIPPED_ON_EMULATOR})")
        console.print(f"{account}: its baseline is applied before {', '.join(names)} and destroyed after them")
        on_account = prepared.enter_context(on_emulator(emulator, baseline, account_outdir / "logs"))
        on = {
            e.name: prepared.enter_context(on_emulator(emulator, e, outdir_of(e.name) / "logs")) for e in environments
        }
        with console.status("synthesizing for the emulator"):
            jobs = [(baseline, on_account.target, account_outdir)]
            jobs += [(e, on[e.name].target, outdir_of(e.name)) for e in environments]
            baseline_skips, *skips = synthesize_all_apart(jobs)
        skipped: dict[str, list[Skip]] = dict(zip(names, skips, strict=True))
        for name in names:
            console.print(f"{prefix(name)}terraform output: {outdir_of(name) / 'logs'}/<layer>.log")
        started = time.monotonic()
        with console.status("starting") as status, forwarded_to_runs():
            where: dict[str, str] = {}

            def step_of(name: str, shown: str):
                def step(layer: str, action: str) -> None:
                    where[name] = f"{shown}{action} {layer} ({UNITS.index(layer)}/{len(LAYERS)})"
                    status.update(f"{'; '.join(where.values())}, {time.monotonic() - started:.0f} s elapsed")
                    console.print(f"{shown}{action:8} {layer}")

                return step

            # one line each, however long (the deployment test reads them)
            said = lambda line: console.print(line, soft_wrap=True, markup=False, highlight=False)  # noqa: E731
            rehearsals = RehearsalTurns(environments, emulator, said) if rehearse else None

            def stages_then_baseline_check(_: list[LayerRun], baseline_applied: bool) -> None:
                if not baseline_applied:
                    raise UserError(f"{account}: the baseline was not applied, so no stage was deployed")
                with ThreadPoolExecutor(max_workers=len(names)) as pool:
                    futures = {
                        name: pool.submit(deploy_all, outdir_of(name), on[name].terraform_env,
                                          step_of(name, prefix(name)),
                                          between=rehearsals.between(name) if rehearsals else None)
                        for name in names
                    }  # fmt: skip
                    for name, future in futures.items():
                        try:
                            runs[name] = future.result()
                        except UserError as error:
                            failures.append(f"{prefix(name)}{error}")
                kept = baseline_in_place(baseline, emulator.boto_kwargs())
                said(f"{account}: with {', '.join(names)} destroyed, its baseline is in place: {'; '.join(kept)}")

            try:
                runs[account] = deploy_all(account_outdir, on_account.terraform_env, step_of(account, f"{account}: "),
                                           layers=(BASELINE,), between=stages_then_baseline_check)  # fmt: skip
            except UserError as error:
                failures.append(f"{account}: {error}")
        resends = list(emulator.resends)
    for name, layer_runs in runs.items():
        _report_emulator_run(console, name, layer_runs, baseline_skips if name == account else skipped[name])
    console.print(f"re-sent requests answered from their first attempt (emulator.ResentRequests): {len(resends)}")
    for resend in resends:
        console.print(f"  {resend.service} {resend.operation}: {resend.seconds_after_first:.1f} s after it")
    console.print(f"attributes handled differently on the emulator only: {len(ATTRIBUTE_GAPS_ON_EMULATOR)}")
    for gap in ATTRIBUTE_GAPS_ON_EMULATOR:
        how = "left unset" if gap.omitted else "ignored on re-plan"
        console.print(f"  {gap.resource_type}.{gap.attribute} ({how}): {gap.reason}")
    if failures:
        raise UserError("\n\n".join(failures))


def _report_emulator_run(console: Console, name: str, runs: list[LayerRun], skipped: list[Skip]) -> None:
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

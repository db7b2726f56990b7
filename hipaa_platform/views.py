"""How the commands' results read in a terminal: rich tables and summary lines."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hipaa_platform import LAYERS, UNITS
from hipaa_platform.targets import PROJECT_ROOT, Target

if TYPE_CHECKING:
    from hipaa_platform.access.check import AccessReport
    from hipaa_platform.cost.estimate import BudgetCheck, Estimate
    from hipaa_platform.gate.compliance import RuleOutcome
    from hipaa_platform.gate.scan import GateResult
    from hipaa_platform.operations.evidence import Evidence
    from hipaa_platform.operations.handover import Handover
    from hipaa_platform.operations.state_recovery import StateVersion


console = Console(emoji=False)  # ARNs contain ":secret:"; rich would draw an emoji
errors = Console(stderr=True, emoji=False)


def user_error(error: Exception) -> None:
    # The message is plain text: a value such as `[/api/*]` must not be read as markup.
    errors.print(f"[bold red]error:[/] {escape(str(error))}", markup=True, highlight=False)


def synthesis(env: str, target: Target, outdir: Path, seconds: float | None) -> None:
    """`seconds`: how long the synthesis took; None when it was skipped."""
    if seconds is None:
        console.print(f"{env} is up to date in {outdir}/stacks: no input changed since the last synthesis "
                      "(--force or FORCE=1 synthesizes anyway)")  # fmt: skip
    else:
        console.print(f"synthesized {len(LAYERS)} layers of {env} ({target.backend.value} state) "
                      f"into {outdir}/stacks in {seconds:.1f} s")  # fmt: skip


def shown(path: Path) -> str:
    """A path as a user reads it: relative to the project when inside it (options may point elsewhere)."""
    return str(path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path)


def gate_result(console: Console, gate: GateResult) -> None:
    accepted = Table(title=f"Accepted findings ({len(gate.accepted)}), each with its reason", show_lines=True)
    for column in ("layer", "resource", "check", "reason"):
        accepted.add_column(column, overflow="fold")
    for a in sorted(gate.accepted, key=lambda a: (UNITS.index(a.layer), a.resource)):
        accepted.add_row(a.layer, a.resource, a.check_id, a.reason)
    console.print(accepted)
    for f in gate.failures:
        console.print(f"[red]FAILED[/] {f.layer}: {f.resource} {f.check_id} {f.check_name}")
    for a in gate.stale:
        console.print(f"[red]STALE[/] {a.layer}: {a.resource} accepts {a.check_id}, which no longer fails; remove it")
    for u in gate.unfounded:
        console.print(f"[red]UNFOUNDED[/] {u.layer}: {u.resource} accepts {u.check_id}, but {u.missing}")
    console.print(f"reports: {', '.join(shown(p) for p in gate.reports.values())}")
    if not gate.ok:
        console.print(f"[bold red]gate failed:[/] {len(gate.failures)} unaccepted finding(s), {len(gate.stale)} stale, "
                      f"{len(gate.unfounded)} unfounded")  # fmt: skip
    else:
        console.print(f"[bold green]gate passed:[/] 0 unaccepted findings, {len(gate.accepted)} accepted with reasons")


def compliance_outcomes(console: Console, env: str, outcomes: list[RuleOutcome], written: dict[str, Path]) -> None:
    from hipaa_platform.gate.compliance import VERDICT_ORDER

    table = Table(title=f"HIPAA conformance pack: {env}", show_lines=False)
    for column in ("rule", "controls", "status", "resources, or why"):
        table.add_column(column, overflow="fold")
    colours = {"fail": "red", "accepted": "yellow", "pass": "green"}
    for o in sorted(outcomes, key=lambda o: (VERDICT_ORDER.index(o.verdict), o.name)):
        colour = colours.get(o.verdict)
        status = f"[{colour}]{o.verdict}[/]" if colour else o.verdict
        table.add_row(o.name, ", ".join(o.rule.controls), status, o.detail(reasons=False))
    console.print(table)
    counts = ", ".join(f"{sum(o.verdict == v for o in outcomes)} {v}" for v in VERDICT_ORDER)
    console.print(f"{counts}; reports: {', '.join(shown(p) for p in written.values())}")


def evidence(console: Console, errors: Console, found: Evidence, written: dict[str, Path]) -> None:
    table = Table(title=f"{found.environment}: the static report beside AWS Config ({found.pack})")
    for column in ("rule", "static report", "AWS Config", "disagreement"):
        table.add_column(column, overflow="fold")
    for rule in found.rules:
        flag = f"[red]{escape(rule.disagreement)}[/]" if rule.disagreement else ""
        table.add_row(rule.rule, rule.static, rule.config, flag)
    console.print(table)
    if found.config_error:
        errors.print(f"AWS Config did not answer ({escape(found.config_error)}): no rule compared", highlight=False)
    if found.rules_error or found.rules_not_carried:
        errors.print(f"Pack rules AWS Config does not carry: {escape(found.not_carried)}", highlight=False)
    hub = Table(title="Security Hub: failed controls of the account")
    for column in ("control", "failed resources"):
        hub.add_column(column, overflow="fold")
    for control, resources in found.failed_controls.items():
        hub.add_row(control, "\n".join(resources))
    console.print(hub)
    if found.security_hub_error:
        errors.print(f"Security Hub did not answer ({escape(found.security_hub_error)})", highlight=False)
    compared = sum(r.config != "not answered" for r in found.rules)
    console.print(f"{compared} of {len(found.rules)} rules compared, {len(found.disagreements)} disagree; "
                  f"{len(found.failed_controls)} Security Hub controls failed; "
                  f"reports: {', '.join(shown(p) for p in written.values())}")  # fmt: skip


def access_report(console: Console, errors: Console, env: str, report: AccessReport, written: Path) -> None:
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
                  f"report: {shown(written)}")  # fmt: skip


def cost_estimate(console: Console, errors: Console, estimate: Estimate, budget: BudgetCheck, written: Path) -> None:
    table = Table(title=f"Monthly cost estimate: {estimate.environment} (730 hours a month; *: by use)")
    table.add_column("layer / resource / component", overflow="fold")
    for column in ("quantity", "unit price", "monthly"):
        table.add_column(column, justify="right")
    for layer in LAYERS:
        items = [i for i in estimate.items if i.layer == layer]
        fixed, usage = (sum(i.monthly_usd for i in items if i.usage_based == by_use) for by_use in (False, True))
        table.add_row(f"[bold]{layer}[/]", "", "", f"[bold]${fixed + usage:,.2f}[/]")
        for item in items:
            table.add_row(
                f"  {escape(item.address)}: {escape(item.component)}{' *' * item.usage_based}",
                f"{item.quantity:,.4g} {escape(item.unit)}",
                f"${item.unit_price_usd:,.5g}",
                f"${item.monthly_usd:,.2f}",
            )  # fmt: skip
    table.add_row("[bold]total[/] (fixed + by use)", "", "",
                  f"[bold]${estimate.fixed_monthly_usd:,.2f} + ${estimate.usage_monthly_usd:,.2f} = "
                  f"${estimate.total_monthly_usd:,.2f}[/]")  # fmt: skip
    console.print(table)
    if estimate.unpriced:
        errors.print(f"[yellow]not in the total[/]: {len(estimate.unpriced)} component(s) without a price here:")
        for u in estimate.unpriced:
            what = u.price or f"{u.type}: no cost mapping"
            errors.print(escape(f"  {u.layer}: {u.address} {u.component} [{what} in {u.region}]"), highlight=False)
    style = "green" if budget.passed else "red"
    console.print(f"[{style}]budget[/]: {escape(budget.message())}")
    console.print(f"report: {shown(written)}")


def handover(console: Console, errors: Console, result: Handover, written: Path | None) -> None:
    """`written`: None when nothing was written (the baseline lacks an address a record names)."""
    where = shown(written) if written else "nothing written"
    console.print(f"{len(result.imports)} import block(s) for what {result.environment} held: {where}")
    for address, reason in sorted(result.created.items()):
        console.print(f"  created, not imported: {address} ({reason})", highlight=False)
    for address in result.not_held:
        errors.print(
            f"  not in the kept state, so the baseline creates it: {address} (if it exists in the account, "
            "the file is not that layer's state before its handover, and the create fails on its name)"
        )
    if result.left_out:
        console.print(f"  left out of the emulator's baseline, so neither imported nor created: {len(result.left_out)}")
    for address in result.not_built:
        errors.print(f"  the baseline does not build {address}: its handed_over record names an address it lacks")
    if written:
        console.print("next: `terraform plan` in that directory; every import block is imported, nothing replaced")


def state_versions(console: Console, title: str, versions: list[StateVersion]) -> None:
    table = Table(title=title)
    for column in ("version id", "modified", "bytes", "serial", "current"):
        table.add_column(column)
    for v in versions:
        serial = "unreadable" if v.serial is None else str(v.serial)
        table.add_row(v.version_id, f"{v.modified:%Y-%m-%d %H:%M:%S}", str(v.size), serial, "yes" * v.latest)
    console.print(table)

"""The checkov gate over every synthesized layer.

Accepted findings come from the resources' own `//.accepted_findings` comments. The gate writes
them into a checkov baseline (checkov's own suppression mechanism, reported back as skipped), runs
checkov once with the project's policies, and fails on any other failure and on any acceptance
that no longer matches a finding.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from hipaa_platform import LAYERS, MOVES_FILE
from hipaa_platform.errors import UserError
from hipaa_platform.suppressions import COMMENT_KEY, MIN_REASON_LENGTH
from hipaa_platform.targets import PROJECT_ROOT

POLICIES_DIR = PROJECT_ROOT / "policies"
BASELINE_SKIP_COMMENT = "baseline-skipped"


@dataclass(frozen=True)
class Acceptance:
    layer: str
    resource: str  # <type>.<logical id>
    check_id: str
    reason: str

    @property
    def logical_id(self) -> str:
        return self.resource.split(".", 1)[1]


@dataclass(frozen=True)
class Finding:
    layer: str
    resource: str
    check_id: str
    check_name: str


@dataclass
class GateResult:
    failures: list[Finding] = field(default_factory=list)
    accepted: list[Acceptance] = field(default_factory=list)
    stale: list[Acceptance] = field(default_factory=list)
    passed: int = 0
    reports: dict[str, Path] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.stale


def stack_file(outdir: Path, layer: str) -> Path:
    return outdir / "stacks" / layer / "cdk.tf.json"


def collect_acceptances(outdir: Path, layers: tuple[str, ...] = LAYERS, scan: str = "static") -> list[Acceptance]:
    """The acceptances that apply to one kind of scan: `static` (synthesized JSON) or `plan`."""
    acceptances = []
    for layer in layers:
        path = stack_file(outdir, layer)
        if not path.is_file():
            raise UserError(f"{path} is missing; run `make synth` first")
        document = json.loads(path.read_text())
        for resource_type, resources in document.get("resource", {}).items():
            for name, body in resources.items():
                for entry in body.get("//", {}).get(COMMENT_KEY, []):
                    if entry.get("scan", "both") not in ("both", scan):
                        continue
                    if len(entry["reason"]) < MIN_REASON_LENGTH:
                        raise UserError(
                            f"{layer}: {resource_type}.{name}: the reason for {entry['check_id']} is too short"
                        )
                    acceptances.append(Acceptance(layer, f"{resource_type}.{name}", entry["check_id"], entry["reason"]))
    return acceptances


def write_baseline(acceptances: list[Acceptance], path: Path) -> None:
    """checkov names terraform_json resources `<type>.<id>` in graph checks and `resource.<id>`
    in resource checks, so each acceptance is listed under both names."""
    by_file: dict[str, dict[str, list[str]]] = {}
    for a in acceptances:
        findings = by_file.setdefault(f"/{a.layer}/cdk.tf.json", {})
        for name in (a.resource, f"resource.{a.logical_id}"):
            findings.setdefault(name, []).append(a.check_id)
    baseline = {
        "failed_checks": [
            {"file": file, "findings": [{"resource": r, "check_ids": sorted(c)} for r, c in sorted(findings.items())]}
            for file, findings in sorted(by_file.items())
        ]
    }
    path.write_text(json.dumps(baseline, indent=2))


def run_checkov(
    scan_root: Path,
    report_dir: Path,
    baseline: Path | None,
    framework: str = "terraform_json",
    checks: tuple[str, ...] = (),
) -> list[dict]:
    """One checkov run with the project's policies; `checks` narrows it (policy fixtures do)."""
    report_dir.mkdir(parents=True, exist_ok=True)
    checkov = Path(sys.executable).with_name("checkov")
    command = [
        str(checkov),
        "--directory", str(scan_root),
        "--framework", framework,
        "--external-checks-dir", str(POLICIES_DIR),
        "--skip-download",
        "--skip-path", MOVES_FILE,  # `moved` blocks only; checkov's JSON parser rejects them
        "--output", "json", "--output", "junitxml", "--output", "sarif",
        "--output-file-path", str(report_dir),
    ]  # fmt: skip
    if baseline is not None:
        command += ["--baseline", str(baseline), "--output-baseline-as-skipped"]
    if checks:
        command += ["--check", ",".join(checks)]
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), BC_SKIP_MAPPING="TRUE", LOG_LEVEL="ERROR")
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    results_file = report_dir / "results_json.json"
    if result.returncode not in (0, 1) or not results_file.is_file():
        raise UserError(f"checkov did not complete (exit {result.returncode}):\n{result.stderr[-2000:]}")
    reports = json.loads(results_file.read_text())
    reports = reports if isinstance(reports, list) else [reports]
    unread = sorted({path for r in reports for path in r.get("results", {}).get("parsing_errors", [])})
    if unread:
        # A file checkov cannot parse is a file it does not check; its findings would pass unseen.
        raise UserError(f"checkov could not parse {', '.join(unread)}; nothing in it was checked")
    return reports


def check_results(reports: list[dict]) -> Iterator[dict]:
    """Every result of checkov's reports that PASSED or FAILED (a check that saw nothing returns neither)."""
    for report in reports:
        results = report.get("results", {})
        for outcome in ("passed_checks", "failed_checks"):
            yield from results.get(outcome, [])


def evaluate(reports: list[dict], acceptances: list[Acceptance]) -> GateResult:
    gate = GateResult()
    declared = {(a.layer, a.logical_id, a.check_id): a for a in acceptances}
    matched: set[tuple[str, str, str]] = set()
    for report in reports:
        # With nothing failed or skipped, checkov writes the bare summary instead of a report.
        gate.passed += report.get("summary", report)["passed"]
        results = report.get("results", {})
        for check in results.get("failed_checks", []):
            gate.failures.append(_finding(check))
        for check in results.get("skipped_checks", []):
            finding = _finding(check)
            key = (finding.layer, finding.resource.split(".", 1)[1], finding.check_id)
            if check.get("check_result", {}).get("suppress_comment") == BASELINE_SKIP_COMMENT and key in declared:
                matched.add(key)
            else:
                # Skipped for a reason this project did not declare in that layer: not accepted.
                gate.failures.append(finding)
    gate.accepted = [a for key, a in declared.items() if key in matched]
    gate.stale = [a for key, a in declared.items() if key not in matched]
    return gate


def _finding(check: dict) -> Finding:
    layer = check["file_path"].strip("/").split("/")[0]
    return Finding(layer, check["resource"], check["check_id"], check.get("check_name", ""))


def run_gate(outdir: Path, report_dir: Path) -> GateResult:
    acceptances = collect_acceptances(outdir)
    report_dir.mkdir(parents=True, exist_ok=True)
    baseline = report_dir / "accepted-findings.baseline.json"
    write_baseline(acceptances, baseline)
    reports = run_checkov(outdir / "stacks", report_dir, baseline)
    gate = evaluate(reports, acceptances)
    gate.reports = {
        "json": report_dir / "results_json.json",
        "junit": report_dir / "results_junitxml.xml",
        "sarif": report_dir / "results_sarif.sarif",
        "baseline": baseline,
    }
    return gate

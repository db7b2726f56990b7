"""The checkov gate over every synthesized layer.

Accepted findings come from the resources' own `//.accepted_findings` comments. The gate runs
checkov once with the project's policies, matches each failed check against those acceptances,
and fails on any other failure and on any acceptance that no longer matches a finding. checkov's
reports keep every result, passed ones included; the SARIF and JUnit reports then show each
accepted finding as suppressed or skipped with its reason, so code scanning and test viewers do
not count it as a failure.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hipaa_platform import BASELINE, LAYERS, MOVES_FILE
from hipaa_platform.errors import UserError
from hipaa_platform.gate.acceptances import COMMENT_KEY, MIN_REASON_LENGTH
from hipaa_platform.gate.bucket_logging import fail_log_targets_that_do_not_log
from hipaa_platform.gate.claims import Layers, Unfounded, unfounded_claims
from hipaa_platform.targets import PROJECT_ROOT

POLICIES_DIR = PROJECT_ROOT / "policies"
JUNIT_CHECK = re.compile(r"^\[[^\]]*\]\[([^\]]+)\]")  # checkov names a test case "[<guideline>][<check id>] <name>"


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
    unfounded: list[Unfounded] = field(default_factory=list)  # acceptances whose claimed control is not there
    passed: int = 0
    reports: dict[str, Path] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.stale and not self.unfounded


def stack_file(outdir: Path, layer: str) -> Path:
    return outdir / "stacks" / layer / "cdk.tf.json"


def require_stacks(outdir: Path, layers: tuple[str, ...] = LAYERS) -> None:
    """A UserError naming the layers `outdir` holds no synthesis of."""
    missing = [layer for layer in layers if not stack_file(outdir, layer).is_file()]
    if missing:
        raise UserError(
            f"{outdir} holds no synthesis of {', '.join(missing)}; run `make synth ENV=<environment>` first"
        )


def read_stacks(outdir: Path, layers: tuple[str, ...] = LAYERS) -> dict[str, dict]:
    """Each layer's synthesized JSON, by layer."""
    require_stacks(outdir, layers)
    return {layer: json.loads(stack_file(outdir, layer).read_text()) for layer in layers}


def provider_regions(stack: Mapping) -> dict[str, str]:
    """A layer's AWS providers by the name a resource gives in `provider` (`aws`, `aws.<alias>`), to
    the region each one configures."""
    return {
        f"aws.{p['alias']}" if p.get("alias") else "aws": p.get("region", "")
        for p in stack.get("provider", {}).get("aws", [])
    }


def collect_acceptances(outdir: Path, layers: tuple[str, ...] = LAYERS, scan: str = "static") -> list[Acceptance]:
    return acceptances_in(read_stacks(outdir, layers), scan)


def acceptances_in(stacks: dict[str, dict], scan: str = "static") -> list[Acceptance]:
    """The acceptances that apply to one kind of scan: `static` (synthesized JSON) or `plan`."""
    acceptances = []
    for layer, document in stacks.items():
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


def addresses_in(stacks: dict[str, dict]) -> dict[tuple[str, str], str]:
    """`<type>.<logical id>` by (layer, logical id): checkov names a resource `resource.<id>` in
    the results of resource checks on Terraform JSON, and a report should name its type."""
    addresses = {}
    for layer, document in stacks.items():
        for resource_type, resources in document.get("resource", {}).items():
            addresses.update({(layer, name): f"{resource_type}.{name}" for name in resources})
    return addresses


def run_checkov(
    scan_root: Path,
    report_dir: Path,
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
    if framework in ("terraform_json", "terraform_plan"):
        fail_log_targets_that_do_not_log(reports, scan_root)
    return reports


def check_results(reports: list[dict]) -> Iterator[dict]:
    """Every result of checkov's reports that PASSED or FAILED (a check that saw nothing returns neither)."""
    for report in reports:
        results = report.get("results", {})
        for outcome in ("passed_checks", "failed_checks"):
            yield from results.get(outcome, [])


def evaluate(
    reports: list[dict], acceptances: list[Acceptance], addresses: dict[tuple[str, str], str] | None = None
) -> GateResult:
    """Findings against acceptances; `addresses` (addresses_in) names each failure by its type."""
    gate = GateResult()
    declared = by_key(acceptances)
    matched: set[tuple[str, str, str]] = set()
    for report in reports:
        # With nothing passed, failed or skipped, checkov writes the bare summary instead of a report.
        gate.passed += report.get("summary", report)["passed"]
        results = report.get("results", {})
        for check in results.get("failed_checks", []):
            finding = _finding(check, addresses)
            key = _key(finding)
            if key in declared:
                matched.add(key)
            else:
                gate.failures.append(finding)
        # checkov skips only what it is told to skip, and the gate tells it nothing: a skip is a
        # suppression from elsewhere, which this project did not declare.
        gate.failures += [_finding(check, addresses) for check in results.get("skipped_checks", [])]
    gate.accepted = [a for key, a in declared.items() if key in matched]
    gate.stale = [a for key, a in declared.items() if key not in matched]
    return gate


def by_key(acceptances: list[Acceptance]) -> dict[tuple[str, str, str], Acceptance]:
    """Acceptances by (layer, logical id, check id), the key a finding is matched on."""
    return {(a.layer, a.logical_id, a.check_id): a for a in acceptances}


def _key(finding: Finding) -> tuple[str, str, str]:
    """checkov names terraform_json resources `<type>.<id>` in graph checks and `resource.<id>`
    in resource checks; cdktf's logical ids are unique in a stack, so the id alone is the key."""
    return finding.layer, finding.resource.split(".", 1)[1], finding.check_id


def _finding(check: dict, addresses: dict[tuple[str, str], str] | None = None) -> Finding:
    layer = check["file_path"].strip("/").split("/")[0]
    resource = check["resource"]
    if addresses and resource.startswith("resource."):
        resource = addresses.get((layer, resource.split(".", 1)[1]), resource)
    return Finding(layer, resource, check["check_id"], check.get("check_name", ""))


def synthesized_units(outdir: Path) -> tuple[str, ...]:
    """What `outdir` holds: an account's baseline, or an environment's six layers."""
    if stack_file(outdir, BASELINE).is_file() and not stack_file(outdir, LAYERS[0]).is_file():
        return (BASELINE,)
    return LAYERS


def run_gate(outdir: Path, report_dir: Path) -> GateResult:
    stacks = read_stacks(outdir, synthesized_units(outdir))
    acceptances = acceptances_in(stacks)
    report_dir.mkdir(parents=True, exist_ok=True)
    reports = run_checkov(outdir / "stacks", report_dir)
    gate = evaluate(reports, acceptances, addresses_in(stacks))
    gate.unfounded = unfounded_claims(Layers(stacks))
    gate.reports = {
        "json": report_dir / "results_json.json",
        "junit": report_dir / "results_junitxml.xml",
        "sarif": report_dir / "results_sarif.sarif",
    }
    mark_accepted(reports, acceptances, gate.reports["sarif"], gate.reports["junit"])
    return gate


def mark_accepted(reports: list[dict], acceptances: list[Acceptance], sarif: Path, junit: Path) -> None:
    """Show each accepted finding as accepted in the SARIF report (a suppression with its reason,
    which code scanning does not raise as an alert) and in the JUnit report (skipped, not failed)."""
    declared = by_key(acceptances)
    # SARIF names the file by its path from the filesystem root, the JSON report from the scan root.
    by_location: dict[tuple[int, str], list[tuple[str, Acceptance]]] = {}
    by_case: dict[tuple[str, str], Acceptance] = {}
    for report in reports:
        for check in report.get("results", {}).get("failed_checks", []):
            acceptance = declared.get(_key(_finding(check)))
            if acceptance:
                path = check["file_path"]
                by_location.setdefault((check["file_line_range"][0], check["check_id"]), []).append((path, acceptance))
                by_case[(f"{path}.{check['resource']}", check["check_id"])] = acceptance
    if sarif.is_file():
        document = json.loads(sarif.read_text())
        for run in document.get("runs", []):
            for result in run.get("results", []):
                location = result["locations"][0]["physicalLocation"]
                uri = "/" + location["artifactLocation"]["uri"].lstrip("/")
                candidates = by_location.get((location["region"]["startLine"], result["ruleId"]), [])
                acceptance = next((a for path, a in candidates if uri.endswith(path)), None)
                if acceptance:
                    result["suppressions"] = [{"kind": "external", "justification": acceptance.reason}]
        sarif.write_text(json.dumps(document, indent=2))
    if junit.is_file():
        tree = ElementTree.parse(junit)
        root = tree.getroot()
        total = 0
        for suite in root.iter("testsuite"):
            accepted = 0
            for case in suite.iter("testcase"):
                failure = case.find("failure")
                named = JUNIT_CHECK.match(case.get("name", ""))
                acceptance = by_case.get((case.get("classname", ""), named.group(1) if named else ""))
                if failure is not None and acceptance:
                    case.remove(failure)
                    ElementTree.SubElement(case, "skipped", message=f"accepted: {acceptance.reason}")
                    accepted += 1
            _moved_to_skipped(suite, accepted)
            total += accepted
        if root.tag == "testsuites":
            _moved_to_skipped(root, total)
        tree.write(junit, encoding="unicode", xml_declaration=True)


def _moved_to_skipped(element: ElementTree.Element, count: int) -> None:
    if count:
        element.set("failures", str(int(element.get("failures", "0")) - count))
        element.set("skipped", str(int(element.get("skipped", "0")) + count))

"""The gate's suppression behaviour: unaccepted findings fail, reasoned acceptances pass and are
listed, acceptances that match nothing fail."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from hipaa_platform import LAYERS, MOVES_FILE
from hipaa_platform.errors import UserError
from hipaa_platform.gate.scan import run_gate
from tests.conftest import ACCOUNTS, ENVIRONMENTS

REASON = "Fixture: this log group holds no PHI and its encryption is tested elsewhere in this suite."


def log_group(kms: bool, accepted: list[str] = (), scan: str = "both") -> dict:
    body: dict = {"name": "/fixture/logs", "retention_in_days": 2557}
    if kms:
        body["kms_key_id"] = "arn:aws:kms:us-east-1:111122223333:key/fixture"
    if accepted:
        body["//"] = {"accepted_findings": [{"check_id": c, "reason": REASON, "scan": scan} for c in accepted]}
    return {"resource": {"aws_cloudwatch_log_group": {"logs": body}}}


# A layer with nothing to check; an empty document is a parsing error to checkov.
EMPTY_LAYER = {"provider": {"aws": [{"region": "us-east-1"}]}}


def write_layers(outdir: Path, security: dict) -> Path:
    for layer in LAYERS:
        stack = outdir / "stacks" / layer
        stack.mkdir(parents=True)
        (stack / "cdk.tf.json").write_text(json.dumps(security if layer == "security" else EMPTY_LAYER))
    return outdir


def test_an_unaccepted_failure_fails_the_gate(tmp_path: Path) -> None:
    gate = run_gate(write_layers(tmp_path / "out", log_group(kms=False)), tmp_path / "reports")
    assert not gate.ok
    assert [(f.layer, f.check_id) for f in gate.failures] == [("security", "CKV_AWS_158")]
    # checkov names it `resource.logs`; the gate names its type, as a plan and ALLOW_REPLACE do
    assert gate.failures[0].resource == "aws_cloudwatch_log_group.logs"
    assert (tmp_path / "reports" / "results_sarif.sarif").is_file()
    assert (tmp_path / "reports" / "results_junitxml.xml").is_file()


def test_a_reasoned_acceptance_passes_and_is_listed(tmp_path: Path) -> None:
    gate = run_gate(write_layers(tmp_path / "out", log_group(kms=False, accepted=["CKV_AWS_158"])), tmp_path / "r")
    assert gate.ok
    assert [(a.layer, a.resource, a.check_id, a.reason) for a in gate.accepted] == [
        ("security", "aws_cloudwatch_log_group.logs", "CKV_AWS_158", REASON)
    ]


def report_outcomes(gate) -> dict[str, str]:
    """Check id -> how the SARIF and JUnit reports show it: accepted (suppressed and skipped with the
    reason) or failed (an alert and a failure)."""
    sarif = json.loads(gate.reports["sarif"].read_text())
    shown = {}
    for result in sarif["runs"][0]["results"]:
        suppressions = result.get("suppressions", [])
        shown[result["ruleId"]] = (
            "accepted" if suppressions and suppressions[0]["justification"] == REASON else "failed"
        )
    junit = ElementTree.parse(gate.reports["junit"]).getroot()
    for case in junit.iter("testcase"):
        check_id = case.get("name").split("]")[1].lstrip("[")
        if case.find("failure") is not None:
            assert shown.get(check_id) == "failed", check_id
        skipped = case.find("skipped")
        if skipped is not None:
            assert shown.get(check_id) == "accepted" and skipped.get("message") == f"accepted: {REASON}", check_id
    return shown


def test_the_reports_keep_passed_checks_and_mark_accepted_findings(tmp_path: Path) -> None:
    """Without a baseline, checkov's reports hold what passed too; the SARIF and JUnit reports show
    the accepted finding as accepted, with its reason, and an unaccepted one as a failure."""
    gate = run_gate(write_layers(tmp_path / "out", log_group(kms=False, accepted=["CKV_AWS_158"])), tmp_path / "r")
    report = json.loads(gate.reports["json"].read_text())
    passed = {c["check_id"] for c in report["results"]["passed_checks"]}
    assert "CKV_AWS_338" in passed and gate.passed == len(report["results"]["passed_checks"]) > 0
    assert report_outcomes(gate) == {"CKV_AWS_158": "accepted"}

    unaccepted = run_gate(write_layers(tmp_path / "out2", log_group(kms=False)), tmp_path / "r2")
    assert report_outcomes(unaccepted) == {"CKV_AWS_158": "failed"}


def test_a_stale_acceptance_fails_the_gate(tmp_path: Path) -> None:
    gate = run_gate(write_layers(tmp_path / "out", log_group(kms=True, accepted=["CKV_AWS_158"])), tmp_path / "r")
    assert not gate.ok and gate.failures == []
    assert [(a.resource, a.check_id) for a in gate.stale] == [("aws_cloudwatch_log_group.logs", "CKV_AWS_158")]


def test_a_plan_only_acceptance_neither_covers_nor_goes_stale_in_the_static_scan(tmp_path: Path) -> None:
    compliant = run_gate(write_layers(tmp_path / "a", log_group(kms=True, accepted=["CKV_AWS_158"], scan="plan")),
                         tmp_path / "ra")  # fmt: skip
    assert compliant.ok and compliant.accepted == []
    failing = run_gate(write_layers(tmp_path / "b", log_group(kms=False, accepted=["CKV_AWS_158"], scan="plan")),
                       tmp_path / "rb")  # fmt: skip
    assert [f.check_id for f in failing.failures] == ["CKV_AWS_158"]


def test_an_acceptance_in_another_layer_does_not_cover_this_one(tmp_path: Path) -> None:
    outdir = write_layers(tmp_path / "out", log_group(kms=False))
    (outdir / "stacks" / "data" / "cdk.tf.json").write_text(json.dumps(log_group(kms=True, accepted=["CKV_AWS_158"])))
    gate = run_gate(outdir, tmp_path / "r")
    assert [(f.layer, f.check_id) for f in gate.failures] == [("security", "CKV_AWS_158")]
    assert [a.layer for a in gate.stale] == ["data"]


def test_a_short_reason_in_the_json_is_refused(tmp_path: Path) -> None:
    document = log_group(kms=False, accepted=["CKV_AWS_158"])
    document["resource"]["aws_cloudwatch_log_group"]["logs"]["//"]["accepted_findings"][0]["reason"] = "ok"
    with pytest.raises(UserError, match="too short"):
        run_gate(write_layers(tmp_path / "out", document), tmp_path / "r")


def test_a_file_checkov_cannot_parse_fails_the_gate(tmp_path: Path) -> None:
    """checkov counts an unparsable file as a parsing error and checks nothing in it; the gate must
    not read that as a pass (its JSON parser rejects `moved` blocks, for one)."""
    document = log_group(kms=False) | {
        "moved": [{"from": "aws_cloudwatch_log_group.old", "to": "aws_cloudwatch_log_group.logs"}]
    }
    with pytest.raises(UserError, match=r"could not parse .*security/cdk\.tf\.json"):
        run_gate(write_layers(tmp_path / "out", document), tmp_path / "r")


def test_moved_blocks_beside_a_layer_are_not_scanned(tmp_path: Path) -> None:
    outdir = write_layers(tmp_path / "out", log_group(kms=False))
    moved = {"moved": [{"from": "aws_cloudwatch_log_group.old", "to": "aws_cloudwatch_log_group.logs"}]}
    (outdir / "stacks" / "security" / MOVES_FILE).write_text(json.dumps(moved))
    gate = run_gate(outdir, tmp_path / "r")
    assert [(f.layer, f.check_id) for f in gate.failures] == [("security", "CKV_AWS_158")]


@pytest.fixture(scope="session")
def gate_of(synthesis_of, tmp_path_factory: pytest.TempPathFactory):
    """The gate over an environment file's synthesis, run once per session."""
    done: dict = {}

    def gate(environment: str):
        if environment not in done:
            done[environment] = run_gate(
                synthesis_of(environment).outdir, tmp_path_factory.mktemp(f"gate-{environment}")
            )
        return done[environment]

    return gate


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_environment_passes_the_gate(gate_of, environment: str) -> None:
    gate = gate_of(environment)
    assert gate.failures == [] and gate.stale == []
    assert gate.accepted and all(len(a.reason) >= 40 for a in gate.accepted)


@pytest.mark.parametrize("account", ACCOUNTS)
def test_every_account_baseline_passes_the_gate(baseline_of, account: str, tmp_path: Path) -> None:
    gate = run_gate(baseline_of(account).outdir, tmp_path / "reports")
    assert gate.failures == [] and gate.stale == [] and gate.unfounded == []
    assert gate.accepted and all(a.layer == "baseline" and len(a.reason) >= 40 for a in gate.accepted)


def accepted_in(gate) -> set[tuple[str, str]]:
    return {(a.layer, a.check_id) for a in gate.accepted}


def test_intakeiq_accepts_the_flow_log_check_where_its_flow_logs_are_not(gate_of) -> None:
    assert ("networking", "CKV2_AWS_11") in accepted_in(gate_of("intakeiq"))  # flow logs live in the security layer


def test_clubapp_accepts_the_log4j_rules_as_present_in_the_security_layer(gate_of) -> None:
    accepted = accepted_in(gate_of("clubapp-dev"))
    # A public ALB with the web ACL of the security layer: the Log4j rules are accepted as present there.
    assert ("compute", "CKV2_AWS_76") in accepted and ("compute", "CKV2_AWS_28") not in accepted


def test_medisync_accepts_only_what_its_edge_and_composite_alarms_leave_open(gate_of) -> None:
    accepted = accepted_in(gate_of("medisync-prod"))
    # Every acceptance names one check on one resource; WAF is on the ALB, so only the SPA edge lacks one.
    assert ("compute", "CKV2_AWS_28") not in accepted
    assert ("compute", "CKV_AWS_68") in accepted
    # The inputs of each service's composite health alarm page through the composite (CKV_HIPAA_5).
    assert ("observability", "CKV_HIPAA_5") in accepted


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_menotime_accepts_count_mode_only_where_a_stage_uses_it(gate_of, stage: str) -> None:
    # Count mode is a finding of the web ACL, accepted with the environment's reason where it is used.
    assert (("security", "CKV_HIPAA_4") in accepted_in(gate_of(f"menotime-{stage}"))) is (stage != "prod")


FLOW_LOGS_ELSEWHERE = (
    "Flow logs for this VPC are created in the security layer, next to the KMS key that encrypts their log group."
)


def vpc_accepting_its_flow_logs_elsewhere() -> dict:
    accepted = [{"check_id": "CKV2_AWS_11", "reason": FLOW_LOGS_ELSEWHERE, "scan": "both"}]
    return {"resource": {"aws_vpc": {"vpc": {"cidr_block": "10.0.0.0/16", "//": {"accepted_findings": accepted}}}}}


def test_an_acceptance_whose_control_is_gone_fails_the_gate(tmp_path: Path) -> None:
    """The VPC accepts CKV2_AWS_11 because the security layer creates its flow log (hipaa_platform/gate/
    claims.py); without that flow log the claim is false and the gate fails, naming what is missing."""
    outdir = write_layers(tmp_path / "out", EMPTY_LAYER)
    (outdir / "stacks" / "networking" / "cdk.tf.json").write_text(json.dumps(vpc_accepting_its_flow_logs_elsewhere()))
    gate = run_gate(outdir, tmp_path / "reports")
    assert not gate.ok
    assert [(u.layer, u.resource, u.check_id, u.missing) for u in gate.unfounded] == [
        ("networking", "aws_vpc.vpc", "CKV2_AWS_11", "no flow log of the VPC in the security layer")
    ]
    flow_log = {"aws_flow_log": {"vpc": {"vpc_id": "${data.terraform_remote_state.networking.outputs.vpc_id}"}}}
    security = outdir / "stacks" / "security" / "cdk.tf.json"
    security.write_text(json.dumps({**EMPTY_LAYER, "resource": flow_log}))
    assert run_gate(outdir, tmp_path / "again").unfounded == []

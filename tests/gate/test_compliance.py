"""`make compliance`: the conformance pack rule by rule over one synthesized environment, and a
rule that fails once its control is removed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hipaa_platform.gate.compliance import compliance_report


def by_rule(outcomes) -> dict:
    return {o.name: o for o in outcomes}


def test_intakeiq_meets_every_enforced_rule_or_accepts_it_with_its_reason(intakeiq, tmp_path: Path) -> None:
    outcomes, written = compliance_report("intakeiq", intakeiq.outdir, tmp_path / "report")
    rules = by_rule(outcomes)
    assert len(rules) == 130 and not [o.name for o in outcomes if o.verdict == "fail"]
    assert rules["cloudwatch-alarm-action-check"].verdict == "pass"
    for backup_rule in ("rds-in-backup-plan", "backup-recovery-point-manual-deletion-disabled", "iam-password-policy"):
        assert rules[backup_rule].verdict == "pass", backup_rule
    # The access-log bucket cannot use a KMS key (S3 log delivery); its acceptance is reported with its reason.
    kms_default = rules["s3-default-encryption-kms"]
    assert kms_default.verdict == "accepted"
    assert sorted((r, c) for r, c, _ in kms_default.accepted) == [
        ("baseline:aws_s3_bucket.evidence-access-logs", "CKV_AWS_145"),
        ("data:aws_s3_bucket.access-logs", "CKV_AWS_145"),
    ]
    assert "SSE-S3" in kms_default.accepted[0][2]
    # ... while default encryption of either kind passes the pack's own rule for it.
    encrypted = rules["s3-bucket-server-side-encryption-enabled"]
    assert encrypted.verdict == "pass" and "data:aws_s3_bucket.access-logs" in encrypted.passed
    # Every bucket logs its own access, the log buckets into themselves.
    logged = rules["s3-bucket-logging-enabled"]
    assert logged.verdict == "pass" and not logged.accepted
    assert {"data:aws_s3_bucket.access-logs", "baseline:aws_s3_bucket.evidence-access-logs"} <= set(logged.passed)
    assert rules["rds-cluster-deletion-protection-enabled"].verdict == "no resources"  # no Aurora here
    # Declined controls are reported with the reason accepted next to each resource.
    replication = rules["s3-bucket-replication-enabled"]
    assert replication.verdict == "accepted" and not replication.passed
    assert all(check == "CKV_AWS_144" and "single-region" in why for _, check, why in replication.accepted)
    # The account's rules, over its baseline (accounts/intakeiq.yaml), synthesized beside the layers.
    assert rules["guardduty-enabled-centralized"].verdict == "pass"
    assert rules["multi-region-cloudtrail-enabled"].passed == ["baseline:aws_cloudtrail.cloudtrail"]
    assert rules["securityhub-enabled"].verdict == "pass"
    # The internet reaches 443, and 80 only for the redirect; the pack authorizes 443 only, so it is a gap.
    assert rules["vpc-sg-open-only-to-authorized-ports"].verdict == "gap"
    routes = rules["no-unrestricted-route-to-igw"]
    assert routes.verdict == "accepted"
    # checkov names these `resource.<name>`; the report names their type
    assert [(r, c) for r, c, _ in routes.accepted] == [("networking:aws_route.network-public-default", "CKV_HIPAA_23")]
    # Every role policy is inline by design and accepts the rule next to itself.
    inline = rules["iam-no-inline-policy-check"]
    assert inline.verdict == "accepted" and not inline.failed
    assert {r.split(":", 1)[1].split(".", 1)[0] for r, _, _ in inline.accepted} == {"aws_iam_role_policy"}
    assert all("Inline by design" in why for _, _, why in inline.accepted)
    report = json.loads(written["json"].read_text())
    assert report["environment"] == "intakeiq" and len(report["rules"]) == 130
    assert "| `s3-default-encryption-kms` |" in written["markdown"].read_text()


def test_a_rule_fails_when_the_environment_loses_its_control(intakeiq, tmp_path: Path) -> None:
    outdir = tmp_path / "cdktf.out"
    shutil.copytree(intakeiq.outdir / "stacks", outdir / "stacks")
    shutil.copytree(intakeiq.outdir / "account", outdir / "account")
    data = outdir / "stacks" / "data" / "cdk.tf.json"
    stack = json.loads(data.read_text())
    stack["resource"]["aws_s3_bucket_versioning"]["insurance-cards-versioning"]["versioning_configuration"] = {
        "status": "Suspended"
    }
    data.write_text(json.dumps(stack))
    outcomes, written = compliance_report("intakeiq", outdir, tmp_path / "report")
    versioning = by_rule(outcomes)["s3-bucket-versioning-enabled"]
    assert versioning.verdict == "fail"
    assert versioning.failed == [("data:aws_s3_bucket.insurance-cards", "CKV_AWS_21")]
    assert "FAILED data:aws_s3_bucket.insurance-cards (CKV_AWS_21)" in written["markdown"].read_text()

"""`make evidence` (hipaa_platform/operations/evidence.py): AWS Config's compliance of each pack rule
beside the static report's verdict, every disagreement flagged both ways, and Security Hub's failed
controls; on the emulator, what answers and what does not."""

from __future__ import annotations

import pytest

from hipaa_platform.config.loader import load_account
from hipaa_platform.gate.compliance import RuleOutcome, load_pack
from hipaa_platform.operations.evidence import (
    NOT_ANSWERED,
    RuleEvidence,
    compare,
    config_compliance,
    conformance_pack_name,
    gather,
    write_report,
)

PACK = load_pack()


def outcome(name: str, verdict: str) -> RuleOutcome:
    return RuleOutcome(name, PACK.rules[name], verdict)


@pytest.mark.parametrize(
    ("static", "config", "flagged"),
    [
        ("pass", "COMPLIANT", False),
        ("pass", "NON_COMPLIANT", True),
        ("fail", "NON_COMPLIANT", False),
        ("fail", "COMPLIANT", True),
        ("accepted", "NON_COMPLIANT", False),  # a declined control, with its reason
        ("accepted", "COMPLIANT", True),  # the acceptance may be stale
        ("no resources", "NON_COMPLIANT", True),
        ("not applicable", "NON_COMPLIANT", True),
        ("gap", "NON_COMPLIANT", False),  # a gap is known noncompliance
        ("pass", NOT_ANSWERED, False),
        ("pass", "INSUFFICIENT_DATA", False),
    ],
)
def test_a_disagreement_is_flagged_either_way(static: str, config: str, flagged: bool) -> None:
    assert bool(RuleEvidence("cloudtrail-enabled", static, config).disagreement) is flagged


class PagedConfig:
    """AWS Config's answer in two pages, with the suffix AWS gives a pack's rules."""

    def describe_conformance_pack_compliance(self, ConformancePackName: str, NextToken: str | None = None) -> dict:
        assert ConformancePackName == "intakeiq-hipaa-security"
        if NextToken is None:
            rules = [{"ConfigRuleName": "cloudtrail-enabled-conformance-pack-a1b2c3", "ComplianceType": "COMPLIANT"}]
            return {"ConformancePackRuleComplianceList": rules, "NextToken": "next"}
        rules = [
            {"ConfigRuleName": "s3-bucket-logging-enabled-conformance-pack-a1b2c3", "ComplianceType": "NON_COMPLIANT"}
        ]
        return {"ConformancePackRuleComplianceList": rules}


def test_config_answers_are_read_by_pack_rule_and_compared() -> None:
    answers = config_compliance(PagedConfig(), conformance_pack_name(load_account("intakeiq")))
    assert answers == {"cloudtrail-enabled": "COMPLIANT", "s3-bucket-logging-enabled": "NON_COMPLIANT"}
    compared = compare(
        [
            outcome("cloudtrail-enabled", "pass"),
            outcome("s3-bucket-logging-enabled", "pass"),
            outcome("ebs-snapshot-public-restorable-check", "no resources"),
        ],
        answers,
    )
    assert [(r.rule, r.config, bool(r.disagreement)) for r in compared] == [
        ("cloudtrail-enabled", "COMPLIANT", False),
        ("s3-bucket-logging-enabled", "NON_COMPLIANT", True),
        ("ebs-snapshot-public-restorable-check", NOT_ANSWERED, False),
    ]


def test_on_the_emulator_security_hub_answers_and_config_lists_its_rules_only(tmp_path) -> None:
    import boto3

    from hipaa_platform.emulator.server import running_emulator

    baseline = load_account("intakeiq")

    def finding(identifier: str, status: str, control: str, bucket: str) -> dict:
        return {
            "SchemaVersion": "2018-10-08", "Id": identifier, "GeneratorId": f"security-control/{control}",
            "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub", "AwsAccountId": "123456789012",
            "Types": ["Software and Configuration Checks"], "CreatedAt": "2026-12-07T00:00:00Z",
            "UpdatedAt": "2026-12-07T00:00:00Z", "Severity": {"Label": "MEDIUM"}, "Title": control, "Description": "-",
            "Resources": [{"Type": "AwsS3Bucket", "Id": f"arn:aws:s3:::{bucket}"}],
            "Compliance": {"Status": status, "SecurityControlId": control}, "RecordState": "ACTIVE",
        }  # fmt: skip

    with running_emulator() as emulator:
        hub = boto3.client("securityhub", region_name=baseline.region, **emulator.boto_kwargs())
        hub.enable_security_hub()
        hub.batch_import_findings(
            Findings=[finding("a", "FAILED", "S3.9", "logs"), finding("b", "PASSED", "S3.5", "logs")]
        )
        config = boto3.client("config", region_name=baseline.region, **emulator.boto_kwargs())
        # the emulator holds the pack's rules under their own names; a rule of another pack is not ours
        for name, source in (
            ("cloudtrail-enabled", "CLOUD_TRAIL_ENABLED"),
            ("s3-bucket-logging-enabled-conformance-pack-x1y2z3", "S3_BUCKET_LOGGING_ENABLED"),
        ):
            config.put_config_rule(
                ConfigRule={"ConfigRuleName": name, "Source": {"Owner": "AWS", "SourceIdentifier": source}}
            )
        outcomes = [outcome("cloudtrail-enabled", "pass"), outcome("s3-bucket-logging-enabled", "pass")]
        found = gather("intakeiq", baseline, outcomes, emulator.boto_kwargs())
    assert found.pack == "intakeiq-hipaa-security"
    assert found.failed_controls == {"S3.9": ["arn:aws:s3:::logs"]} and not found.security_hub_error
    assert found.config_error  # moto has no conformance pack compliance: said, never read as compliant
    assert [(r.rule, r.config) for r in found.rules] == [
        ("cloudtrail-enabled", NOT_ANSWERED),
        ("s3-bucket-logging-enabled", NOT_ANSWERED),
    ]
    assert not found.disagreements
    # but it lists its rules: the one the account lacks is named
    assert found.rules_not_carried == ["s3-bucket-logging-enabled"] and not found.rules_error
    written = write_report(found, tmp_path)
    report = written["markdown"].read_text()
    assert "| S3.9 | arn:aws:s3:::logs |" in report
    assert "Pack rules AWS Config does not carry: s3-bucket-logging-enabled." in report

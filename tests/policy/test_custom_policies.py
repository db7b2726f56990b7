"""Every custom checkov check has a passing and a failing fixture, run through checkov itself."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from hipaa_platform.config.secrets_policy import secret_finding
from hipaa_platform.gate.scan import check_results, run_checkov

FIXTURES = Path(__file__).parent / "fixtures"


# (check, fixture directory, passed, failed)
CASES = [
    ("CKV_HIPAA_1", "ecs_no_plaintext_secrets/pass", 1, 0),
    ("CKV_HIPAA_1", "ecs_no_plaintext_secrets/fail", 0, 1),
    ("CKV_HIPAA_2", "ecs_read_only_root/pass", 1, 0),
    # a writable sidecar, a container that leaves the setting unset, a privileged one
    ("CKV_HIPAA_2", "ecs_read_only_root/fail", 0, 3),
    ("CKV2_HIPAA_3", "s3_tls_only/pass", 1, 0),
    # a bucket without a policy, one whose policy has no TLS statement, one that puts the
    # TLS condition on an Allow statement
    ("CKV2_HIPAA_3", "s3_tls_only/fail", 0, 3),
    ("CKV_HIPAA_4", "waf_rules_block/pass", 1, 0),
    # a managed rule group whose override is count, a rate rule whose action is count
    ("CKV_HIPAA_4", "waf_rules_block/fail", 0, 2),
    ("CKV_HIPAA_5", "alarm_actions/pass", 1, 0),
    # no insufficient-data action, no action at all, actions disabled, a composite without the
    # insufficient-data action
    ("CKV_HIPAA_5", "alarm_actions/fail", 0, 4),
    # the boundary's own keys by tag, a key named by ARN, a Deny on every key
    ("CKV_HIPAA_6", "kms_blocked_actions/pass", 2, 0),
    # kms:Decrypt on "*", kms:ReEncrypt* on every key in every account, kms:* on all but one key, "*" on "*",
    # everything but S3 (NotAction) on "*"
    ("CKV_HIPAA_6", "kms_blocked_actions/fail", 0, 5),
    ("CKV_HIPAA_7", "launch_template_encrypted_volumes/pass", 1, 0),
    # an unencrypted root volume, volumes left to the AMI, an unencrypted second volume
    ("CKV_HIPAA_7", "launch_template_encrypted_volumes/fail", 0, 3),
    ("CKV_HIPAA_8", "launch_template_instance_profile/pass", 1, 0),
    ("CKV_HIPAA_8", "launch_template_instance_profile/fail", 0, 1),
    # plaintext build settings and a token from Secrets Manager
    ("CKV_HIPAA_9", "codebuild_no_aws_credentials/pass", 1, 0),
    # an access key id, a secret key whose type is left to the plaintext default
    ("CKV_HIPAA_9", "codebuild_no_aws_credentials/fail", 0, 2),
    # source from CodePipeline, a GitHub URL without credentials
    ("CKV_HIPAA_10", "codebuild_source_without_credentials/pass", 2, 0),
    # a token and a password before the host
    ("CKV_HIPAA_10", "codebuild_source_without_credentials/fail", 0, 2),
    ("CKV_HIPAA_11", "s3_account_public_access_block/pass", 1, 0),
    # public bucket policies allowed, two settings left unset
    ("CKV_HIPAA_11", "s3_account_public_access_block/fail", 0, 2),
    # a database and a table, both selected
    ("CKV2_HIPAA_12", "backup_selection_covers_records/pass", 2, 0),
    # a database the selection leaves out, and a second table it leaves out (the first is in)
    ("CKV2_HIPAA_12", "backup_selection_covers_records/fail", 1, 2),
    # the database and table selected, and a bucket excluded
    ("CKV_HIPAA_28", "backup_selection_excludes_no_records/pass", 2, 0),
    # the database excluded by reference, a table by ARN, every database by pattern
    ("CKV_HIPAA_28", "backup_selection_excludes_no_records/fail", 0, 3),
    # daily for 35 days; hourly with no lifecycle (kept indefinitely); daily beside a monthly archive
    ("CKV_HIPAA_13", "backup_plan_daily_retention/pass", 3, 0),
    # weekly only, kept a week, a second rule kept a week
    ("CKV_HIPAA_13", "backup_plan_daily_retention/fail", 0, 3),
    # the policy as the platform writes it; the same actions through wildcards
    ("CKV_HIPAA_14", "backup_vault_policy_denies_deletion/pass", 2, 0),
    # the lifecycle left open, a Deny for one role only, an Allow instead of a Deny
    ("CKV_HIPAA_14", "backup_vault_policy_denies_deletion/fail", 0, 3),
    ("CKV2_HIPAA_15", "backup_vault_has_policy/pass", 1, 0),
    # a second vault with no policy
    ("CKV2_HIPAA_15", "backup_vault_has_policy/fail", 1, 1),
    # advanced selectors as the platform writes them (its own log bucket left out); a basic selector on all buckets
    ("CKV_HIPAA_16", "cloudtrail_s3_data_events/pass", 2, 0),
    # management events only, one bucket, writes only, buckets named by prefix
    ("CKV_HIPAA_16", "cloudtrail_s3_data_events/fail", 0, 4),
    # HTTPS from the internet (a rule and an inline block), MySQL from a group and from the VPC, an egress rule
    ("CKV_HIPAA_17", "restricted_common_ports/pass", 5, 0),
    # MySQL from anywhere, every protocol from ::/0, a range over FTP, RDP inline beside a private range
    ("CKV_HIPAA_17", "restricted_common_ports/fail", 0, 4),
    # named actions and a prefix pattern; a Deny of a whole service beside a named Allow
    ("CKV_HIPAA_18", "iam_no_full_service_access/pass", 2, 0),
    # s3:* on one bucket, * on everything, dynamodb:* among named actions, everything but S3 (NotAction)
    ("CKV_HIPAA_18", "iam_no_full_service_access/fail", 0, 4),
    # HTTPS with an ACM certificate, plain HTTP (a redirect), an extra ACM certificate on a listener
    ("CKV_HIPAA_19", "lb_listener_acm_certificate/pass", 3, 0),
    # HTTPS with a certificate uploaded to IAM, TLS with none, an extra certificate from IAM
    ("CKV_HIPAA_19", "lb_listener_acm_certificate/fail", 0, 3),
    # a group keeping 15 days, a cluster that is the group's member, a memcached cluster
    ("CKV_HIPAA_20", "elasticache_snapshot_retention/pass", 3, 0),
    # a group keeping 5 days, one keeping none, a single-node Redis cluster keeping 1 day
    ("CKV_HIPAA_20", "elasticache_snapshot_retention/fail", 0, 3),
    # a group of IAM users, a serverless cache with its user group, a serverless memcached
    ("CKV_HIPAA_29", "elasticache_iam_authentication/pass", 3, 0),
    # an AUTH token, a token beside a user group, no authentication, a serverless cache without a user group
    ("CKV_HIPAA_29", "elasticache_iam_authentication/fail", 0, 4),
    # the hub as the platform builds it, one left to the provider's defaults
    ("CKV_HIPAA_21", "securityhub_controls_enabled/pass", 2, 0),
    ("CKV_HIPAA_21", "securityhub_controls_enabled/fail", 0, 1),
    # HTTPS from the internet (a rule and an inline block), rules from a group and from the VPC, egress
    ("CKV_HIPAA_22", "internet_ingress_authorized_ports/pass", 5, 0),
    # HTTP from the internet, every protocol, a range beyond 443 over IPv6, UDP 443
    ("CKV_HIPAA_22", "internet_ingress_authorized_ports/fail", 0, 4),
    # the internet through a NAT gateway, one network through the internet gateway, no routes
    ("CKV_HIPAA_23", "no_route_to_internet_gateway/pass", 3, 0),
    # the default route to a gateway by reference, over IPv6 by id, inline in a route table
    ("CKV_HIPAA_23", "no_route_to_internet_gateway/fail", 0, 3),
    # a trail bucket locked in compliance mode by default
    ("CKV2_HIPAA_24", "s3_default_object_lock/pass", 1, 0),
    # a bucket without Object Lock, one with Object Lock but no configuration, one whose
    # configuration sets no default retention
    ("CKV2_HIPAA_24", "s3_default_object_lock/fail", 0, 3),
    # a WebSocket stage logging INFO, a REST API's method settings logging ERROR
    ("CKV_HIPAA_25", "api_gateway_execution_logging/pass", 2, 0),
    # an HTTP API stage (no logging level), a WebSocket stage with logging OFF, method settings without one
    ("CKV_HIPAA_25", "api_gateway_execution_logging/fail", 0, 3),
    # a managed policy attached to a role
    ("CKV_HIPAA_26", "iam_no_inline_policy/pass", 1, 0),
    # a role policy, a user policy, a group policy
    ("CKV_HIPAA_26", "iam_no_inline_policy/fail", 0, 3),
    # MySQL with the plugin and the export, MariaDB with the plugin among other options, PostgreSQL
    ("CKV2_HIPAA_27", "mysql_audit_log/pass", 3, 0),
    # the audit log not exported, the default option group, an option group without the plugin
    ("CKV2_HIPAA_27", "mysql_audit_log/fail", 0, 3),
]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> Counter:
    """(fixture directory, check id, PASSED/FAILED) -> count, from one checkov run over every fixture."""
    checks = tuple(sorted({check for check, *_ in CASES}))
    reports = run_checkov(FIXTURES, tmp_path_factory.mktemp("custom-checks"), checks=checks)
    counted: Counter = Counter()
    for result in check_results(reports):
        fixture = Path(result["file_path"].lstrip("/")).parent.as_posix()
        counted[(fixture, result["check_id"], result["check_result"]["result"])] += 1
    return counted


@pytest.mark.parametrize(("check_id", "fixture", "passed", "failed"), CASES)
def test_custom_check(check_id: str, fixture: str, passed: int, failed: int, outcomes: Counter) -> None:
    assert (outcomes[(fixture, check_id, "PASSED")], outcomes[(fixture, check_id, "FAILED")]) == (passed, failed)


@pytest.mark.parametrize(
    ("name", "value", "flagged"),
    [
        ("DB_PASS", "changeme123!", True),
        ("NEXTAUTH_SECRET", "abc", True),
        ("DATABASE_URL", "postgresql://app:hunter2@db:5432/app", True),
        ("ANYTHING", "AKIAABCDEFGHIJKLMNOP", True),
        ("DB_HOST", "db.internal", False),
        ("NEXT_TELEMETRY_DISABLED", "1", False),
        ("KMS_KEY_ID", "alias/intakeiq-phi-key", False),
        ("DATABASE_URL", "postgresql://db:5432/app", False),
    ],
)
def test_secret_finding(name: str, value: str, flagged: bool) -> None:
    assert (secret_finding(name, value) is not None) is flagged


POLICIES = Path(__file__).resolve().parents[2] / "policies"
CHECK_ID = re.compile(r"""^\s*id(?:=|:\s*)["']?(CKV2?_HIPAA_\d+)""", re.M)


def custom_check_ids(directory: Path = POLICIES) -> set[str]:
    """The ids the project's checks declare: `id="..."` in a Python check, `id:` in a YAML one."""
    return {m.group(1) for path in sorted(directory.iterdir()) if path.suffix in (".py", ".yaml")
            for m in CHECK_ID.finditer(path.read_text())}  # fmt: skip


def cases_missing(cases: list[tuple[str, str, int, int]], ids: set[str]) -> list[str]:
    passing = {check for check, _, passed, _ in cases if passed}
    failing = {check for check, _, _, failed in cases if failed}
    return sorted({f"{i}: no passing case" for i in ids - passing} | {f"{i}: no failing case" for i in ids - failing})


def test_every_custom_check_has_a_passing_and_a_failing_case() -> None:
    ids = custom_check_ids()
    assert len(ids) >= 20  # the ids are read from the checks themselves
    assert cases_missing(CASES, ids) == []


def test_a_check_without_its_failing_case_is_noticed(tmp_path: Path) -> None:
    (tmp_path / "new_check.py").write_text('        super().__init__(\n            id="CKV_HIPAA_99",\n')
    (tmp_path / "new_rule.yaml").write_text("metadata:\n  id: CKV2_HIPAA_98\n")
    assert custom_check_ids(tmp_path) == {"CKV_HIPAA_99", "CKV2_HIPAA_98"}
    cases = [("CKV_HIPAA_99", "new/pass", 1, 0), ("CKV2_HIPAA_98", "new/fail", 0, 1)]
    assert cases_missing(cases, {"CKV_HIPAA_99", "CKV2_HIPAA_98"}) == [
        "CKV2_HIPAA_98: no passing case",
        "CKV_HIPAA_99: no failing case",
    ]

"""Every security control in docs/security.md, both ways: the resource as the platform
synthesizes it passes the checkov check that guards the control, and the same resource with the
control removed fails it. So the gate stops a change that drops the control, and the check is
known to look at the attribute the platform sets. One checkov run covers every case."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from hipaa_platform.gate import run_checkov

SECURITY_DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def setting(**values) -> Callable[[dict], None]:
    return lambda resource: resource.update(values)


def without(*keys: str) -> Callable[[dict], None]:
    def remove(resource: dict) -> None:
        for key in keys:
            assert key in resource, f"the synthesized resource has no {key} to remove"
            del resource[key]

    return remove


def containers_with(**values) -> Callable[[dict], None]:
    def change(resource: dict) -> None:
        containers = json.loads(resource["container_definitions"])
        for container in containers:
            container.update(values)
        resource["container_definitions"] = json.dumps(containers)

    return change


def public_ip_assigned(resource: dict) -> None:
    resource["network_configuration"]["assign_public_ip"] = True


def forwarding_plain_http(resource: dict) -> None:
    resource["default_action"] = [{"type": "forward", "target_group_arn": "arn:aws:elasticloadbalancing:fixture"}]


def viewer_http_allowed(resource: dict) -> None:
    resource["default_cache_behavior"]["viewer_protocol_policy"] = "allow-all"


@dataclass(frozen=True)
class Control:
    check_id: str
    environment: str
    resource_type: str
    name_contains: str
    remove_control: Callable[[dict], None]

    @property
    def case(self) -> str:
        return f"{self.check_id}-{self.resource_type}".replace("_", "-").lower()


CONTROLS = (
    # encryption at rest
    Control("CKV_AWS_16", "intakeiq", "aws_db_instance", "database", setting(storage_encrypted=False)),
    Control("CKV_AWS_96", "medisync", "aws_rds_cluster", "aurora", setting(storage_encrypted=False)),
    Control("CKV_AWS_7", "intakeiq", "aws_kms_key", "phi-key", setting(enable_key_rotation=False)),
    Control("CKV_AWS_158", "intakeiq", "aws_cloudwatch_log_group", "service", without("kms_key_id")),
    Control("CKV_AWS_26", "intakeiq", "aws_sns_topic", "alarms", without("kms_master_key_id")),
    Control("CKV_AWS_27", "medisync", "aws_sqs_queue", "queue-clinical-events", without("kms_master_key_id")),
    Control("CKV_AWS_119", "medisync", "aws_dynamodb_table", "audit", without("server_side_encryption")),
    Control("CKV_AWS_136", "intakeiq", "aws_ecr_repository", "intakeiq", without("encryption_configuration")),
    Control("CKV_AWS_149", "medisync", "aws_secretsmanager_secret", "database", without("kms_key_id")),
    Control("CKV_AWS_35", "medisync", "aws_cloudtrail", "cloudtrail", without("kms_key_id")),
    # transmission security
    Control("CKV_AWS_103", "intakeiq", "aws_lb_listener", "https", setting(ssl_policy="ELBSecurityPolicy-2016-08")),
    Control("CKV_AWS_2", "intakeiq", "aws_lb_listener", "http-redirect", forwarding_plain_http),
    Control("CKV_AWS_131", "intakeiq", "aws_lb", "alb", setting(drop_invalid_header_fields=False)),
    Control("CKV_AWS_34", "medisync", "aws_cloudfront_distribution", "spa", viewer_http_allowed),
    # audit controls
    Control("CKV_AWS_91", "intakeiq", "aws_lb", "alb", without("access_logs")),
    Control("CKV_AWS_36", "medisync", "aws_cloudtrail", "cloudtrail", setting(enable_log_file_validation=False)),
    Control("CKV_AWS_67", "medisync", "aws_cloudtrail", "cloudtrail", setting(is_multi_region_trail=False)),
    Control("CKV_AWS_338", "intakeiq", "aws_cloudwatch_log_group", "service", setting(retention_in_days=30)),
    Control("CKV_AWS_129", "intakeiq", "aws_db_instance", "database", without("enabled_cloudwatch_logs_exports")),
    Control("CKV_AWS_118", "intakeiq", "aws_db_instance", "database", setting(monitoring_interval=0)),
    Control("CKV_AWS_65", "medisync", "aws_ecs_cluster", "cluster", without("setting")),
    # integrity and contingency
    Control("CKV_AWS_293", "intakeiq", "aws_db_instance", "database", setting(deletion_protection=False)),
    Control("CKV_AWS_139", "medisync", "aws_rds_cluster", "aurora", setting(deletion_protection=False)),
    Control("CKV_AWS_133", "medisync", "aws_rds_cluster", "aurora", setting(backup_retention_period=0)),
    Control("CKV_AWS_28", "medisync", "aws_dynamodb_table", "audit", without("point_in_time_recovery")),
    Control("CKV_AWS_150", "intakeiq", "aws_lb", "alb", setting(enable_deletion_protection=False)),
    Control("CKV_AWS_51", "medisync", "aws_ecr_repository", "sync-engine", setting(image_tag_mutability="MUTABLE")),
    Control(
        "CKV_AWS_163",
        "intakeiq",
        "aws_ecr_repository",
        "intakeiq",
        setting(image_scanning_configuration={"scan_on_push": False}),
    ),
    # access control
    Control("CKV_AWS_17", "intakeiq", "aws_db_instance", "database", setting(publicly_accessible=True)),
    Control(
        "CKV_AWS_161", "intakeiq", "aws_db_instance", "database", setting(iam_database_authentication_enabled=False)
    ),
    Control("CKV_AWS_162", "medisync", "aws_rds_cluster", "aurora", setting(iam_database_authentication_enabled=False)),
    Control("CKV_AWS_333", "medisync", "aws_ecs_service", "sync-engine", public_ip_assigned),
    Control(
        "CKV_HIPAA_2", "intakeiq", "aws_ecs_task_definition", "intakeiq", containers_with(readonlyRootFilesystem=False)
    ),
    Control(
        "CKV_AWS_53",
        "intakeiq",
        "aws_s3_bucket_public_access_block",
        "insurance-cards",
        setting(block_public_acls=False),
    ),
    Control(
        "CKV_AWS_56",
        "intakeiq",
        "aws_s3_bucket_public_access_block",
        "insurance-cards",
        setting(restrict_public_buckets=False),
    ),
)


def synthesized_resource(synthesized, control: Control) -> dict:
    for stack in synthesized.stacks.values():
        for name, body in sorted(stack.get("resource", {}).get(control.resource_type, {}).items()):
            if control.name_contains in name:
                return body
    raise AssertionError(f"no {control.resource_type} named *{control.name_contains}* in {control.environment}")


@pytest.fixture(scope="module")
def verdicts(intakeiq, medisync, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], str]:
    """(resource name, check id) -> PASSED/FAILED, from one checkov run over every case."""
    environments = {"intakeiq": intakeiq, "medisync": medisync}
    scan_root = tmp_path_factory.mktemp("control-regressions")
    resources: dict[str, dict] = {}
    for control in CONTROLS:
        compliant = copy.deepcopy(synthesized_resource(environments[control.environment], control))
        broken = copy.deepcopy(compliant)
        control.remove_control(broken)
        assert broken != compliant, f"{control.case}: removing the control changed nothing"
        by_name = resources.setdefault(control.resource_type, {})
        by_name[f"compliant-{control.case}"] = compliant
        by_name[f"broken-{control.case}"] = broken
    (scan_root / "cases").mkdir()
    (scan_root / "cases" / "cdk.tf.json").write_text(json.dumps({"resource": resources}))
    checks = tuple(sorted({c.check_id for c in CONTROLS}))
    reports = run_checkov(scan_root / "cases", scan_root / "reports", baseline=None, checks=checks)
    found = {}
    for report in reports:
        for outcome in ("passed_checks", "failed_checks"):
            for result in report["results"][outcome]:
                name = result["resource"].split(".")[-1]
                found[(name, result["check_id"])] = result["check_result"]["result"]
    return found


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: c.case)
def test_the_control_as_built_passes_and_without_it_fails(control: Control, verdicts) -> None:
    assert verdicts.get((f"compliant-{control.case}", control.check_id)) == "PASSED"
    assert verdicts.get((f"broken-{control.case}", control.check_id)) == "FAILED"


def test_the_security_mapping_lists_every_guarded_control() -> None:
    text = SECURITY_DOC.read_text()
    missing = sorted({c.check_id for c in CONTROLS if f"`{c.check_id}`" not in text})
    assert not missing, f"docs/security.md does not list {missing}"

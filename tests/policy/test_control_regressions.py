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
from typing import ClassVar

import pytest

from hipaa_platform.gate.scan import check_results, run_checkov

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


def granting_everything(resource: dict) -> None:
    resource["policy"] = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    )


def granting_a_whole_service(resource: dict) -> None:
    document = json.loads(resource["policy"])
    document["Statement"][0]["Action"] = "s3:*"
    resource["policy"] = json.dumps(document)


def instance_metadata_v1_allowed(resource: dict) -> None:
    resource["metadata_options"]["http_tokens"] = "optional"


def instance_public_ip(resource: dict) -> None:
    resource["network_interfaces"][0]["associate_public_ip_address"] = "true"


# The account password policy's checks, each with the setting that weakens what it guards.
PASSWORD_POLICY_WEAKENED = {
    "CKV_AWS_9": {"max_password_age": 180},
    "CKV_AWS_10": {"minimum_password_length": 8},
    "CKV_AWS_11": {"require_lowercase_characters": False},
    "CKV_AWS_12": {"require_numbers": False},
    "CKV_AWS_13": {"password_reuse_prevention": 5},
    "CKV_AWS_14": {"require_symbols": False},
    "CKV_AWS_15": {"require_uppercase_characters": False},
}


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
    Control("CKV_AWS_35", "medisync account", "aws_cloudtrail", "cloudtrail", without("kms_key_id")),
    # transmission security
    Control("CKV_AWS_103", "intakeiq", "aws_lb_listener", "https", setting(ssl_policy="ELBSecurityPolicy-2016-08")),
    Control("CKV_AWS_2", "intakeiq", "aws_lb_listener", "http-redirect", forwarding_plain_http),
    Control(
        "CKV_HIPAA_17",
        "intakeiq",
        "aws_vpc_security_group_ingress_rule",
        "alb-in-443",
        setting(from_port=0, to_port=65535),
    ),
    Control(
        "CKV_HIPAA_22",
        "intakeiq",
        "aws_vpc_security_group_ingress_rule",
        "alb-in-443",
        setting(from_port=8443, to_port=8443),
    ),
    Control("CKV_AWS_131", "intakeiq", "aws_lb", "alb", setting(drop_invalid_header_fields=False)),
    Control("CKV_AWS_34", "medisync", "aws_cloudfront_distribution", "spa", viewer_http_allowed),
    # audit controls
    Control("CKV_AWS_91", "intakeiq", "aws_lb", "alb", without("access_logs")),
    Control(
        "CKV_AWS_36", "medisync account", "aws_cloudtrail", "cloudtrail", setting(enable_log_file_validation=False)
    ),
    Control("CKV_AWS_67", "medisync account", "aws_cloudtrail", "cloudtrail", setting(is_multi_region_trail=False)),
    Control("CKV_HIPAA_16", "intakeiq account", "aws_cloudtrail", "cloudtrail", without("advanced_event_selector")),
    Control("CKV_AWS_338", "intakeiq", "aws_cloudwatch_log_group", "service", setting(retention_in_days=30)),
    Control("CKV_AWS_129", "intakeiq", "aws_db_instance", "database", without("enabled_cloudwatch_logs_exports")),
    Control("CKV_AWS_118", "intakeiq", "aws_db_instance", "database", setting(monitoring_interval=0)),
    Control("CKV_AWS_65", "medisync", "aws_ecs_cluster", "cluster", without("setting")),
    Control("CKV_AWS_238", "medisync account", "aws_guardduty_detector", "detector", setting(enable=False)),
    # integrity and contingency
    Control("CKV_AWS_293", "intakeiq", "aws_db_instance", "database", setting(deletion_protection=False)),
    Control("CKV_AWS_139", "medisync", "aws_rds_cluster", "aurora", setting(deletion_protection=False)),
    Control("CKV_AWS_133", "medisync", "aws_rds_cluster", "aurora", setting(backup_retention_period=0)),
    Control("CKV_AWS_28", "medisync", "aws_dynamodb_table", "audit", without("point_in_time_recovery")),
    Control("CKV_AWS_166", "intakeiq", "aws_backup_vault", "backup", without("kms_key_arn")),
    Control("CKV_AWS_150", "intakeiq", "aws_lb", "alb", setting(enable_deletion_protection=False)),
    Control("CKV_AWS_157", "secure-portal", "aws_db_instance", "database", setting(multi_az=False)),
    Control("CKV_AWS_51", "medisync", "aws_ecr_repository", "sync-engine", setting(image_tag_mutability="MUTABLE")),
    Control(
        "CKV_AWS_163",
        "intakeiq",
        "aws_ecr_repository",
        "intakeiq",
        setting(image_scanning_configuration={"scan_on_push": False}),
    ),
    Control("CKV_AWS_226", "secure-portal", "aws_db_instance", "database", setting(auto_minor_version_upgrade=False)),
    # access control
    *(
        Control(check, "intakeiq account", "aws_iam_account_password_policy", "password", setting(**weaker))
        for check, weaker in PASSWORD_POLICY_WEAKENED.items()
    ),
    Control("CKV_AWS_106", "intakeiq account", "aws_ebs_encryption_by_default", "ebs", setting(enabled=False)),
    Control("CKV_AWS_62", "intakeiq", "aws_iam_role_policy", "task-buckets", granting_everything),
    Control("CKV_HIPAA_18", "intakeiq", "aws_iam_role_policy", "task-buckets", granting_a_whole_service),
    Control(
        "CKV_AWS_24", "intakeiq", "aws_vpc_security_group_ingress_rule", "alb-in-443", setting(from_port=22, to_port=22)
    ),
    Control("CKV_AWS_130", "intakeiq", "aws_subnet", "private-1", setting(map_public_ip_on_launch=True)),
    Control("CKV_AWS_79", "secure-portal", "aws_launch_template", "capacity", instance_metadata_v1_allowed),
    Control("CKV_AWS_88", "secure-portal", "aws_launch_template", "capacity", instance_public_ip),
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
        "CKV_AWS_54",
        "intakeiq",
        "aws_s3_bucket_public_access_block",
        "insurance-cards",
        setting(block_public_policy=False),
    ),
    Control(
        "CKV_AWS_55",
        "intakeiq",
        "aws_s3_bucket_public_access_block",
        "insurance-cards",
        setting(ignore_public_acls=False),
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
def verdicts(
    intakeiq, medisync, secure_portal, account_intakeiq, account_medisync, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str], str]:
    """(resource name, check id) -> PASSED/FAILED, from one checkov run over every case."""
    environments = {"intakeiq": intakeiq, "medisync": medisync, "secure-portal": secure_portal,
                    "intakeiq account": account_intakeiq, "medisync account": account_medisync}  # fmt: skip
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
    reports = run_checkov(scan_root / "cases", scan_root / "reports", checks=checks)
    found = {}
    for result in check_results(reports):
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


# Checks that read several resources together (checkov's graph checks: a bucket with its
# versioning, encryption, logging, lifecycle and ownership resources; a load balancer with its web
# ACL association): the layer as synthesized passes on the subject, and the same layer with the
# control removed fails on it. One checkov run covers every case, each layer in a directory of its own.


def _linked(stack: dict, resource_type: str, subject: str) -> str:
    """The name of the one `resource_type` resource that references `subject` (type.name)."""
    found = [
        name for name, body in stack["resource"].get(resource_type, {}).items() if f"${{{subject}." in json.dumps(body)
    ]
    assert len(found) == 1, f"expected one {resource_type} referencing {subject}, found {found}"
    return found[0]


def drop_linked(resource_type: str) -> Callable[[dict, str], None]:
    def remove(stack: dict, subject: str) -> None:
        del stack["resource"][resource_type][_linked(stack, resource_type, subject)]

    return remove


def edit_linked(resource_type: str, edit: Callable[[dict], None]) -> Callable[[dict, str], None]:
    def change(stack: dict, subject: str) -> None:
        edit(stack["resource"][resource_type][_linked(stack, resource_type, subject)])

    return change


def drop_own_logging(stack: dict, subject: str) -> None:
    """Removes the subject's own server access logging, leaving the logging of buckets into it."""
    loggings = stack["resource"]["aws_s3_bucket_logging"]
    (own,) = [name for name, body in loggings.items() if body["bucket"].startswith(f"${{{subject}.")]
    del loggings[own]


def edit_subject(edit: Callable[[dict], None]) -> Callable[[dict, str], None]:
    def change(stack: dict, subject: str) -> None:
        resource_type, name = subject.split(".", 1)
        edit(stack["resource"][resource_type][name])

    return change


def versioning_suspended(resource: dict) -> None:
    resource["versioning_configuration"]["status"] = "Suspended"


def s3_managed_key(resource: dict) -> None:
    resource["rule"][0]["apply_server_side_encryption_by_default"] = {"sse_algorithm": "AES256"}


def without_default_encryption(resource: dict) -> None:
    del resource["rule"][0]["apply_server_side_encryption_by_default"]


def acls_enabled(resource: dict) -> None:
    resource["rule"]["object_ownership"] = "ObjectWriter"


def default_group_open(resource: dict) -> None:
    resource["ingress"] = [
        {"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"], "description": "fixture"}
    ]


def provisioned_without_scaling(resource: dict) -> None:
    resource.update(billing_mode="PROVISIONED", read_capacity=5, write_capacity=5)


@dataclass(frozen=True)
class LayerControl:
    """A control the platform builds: the layer as built passes, and with `change` (which removes the
    control) it fails."""

    check_id: str
    environment: str
    layer: str
    subject: str  # the resource the check reports on, as type.name
    change: Callable[[dict, str], None]
    DECLINED: ClassVar[bool] = False

    @property
    def case(self) -> str:
        declined = "declined-" if self.DECLINED else ""
        return f"{declined}{self.check_id}-{self.subject}".replace("_", "-").replace(".", "-").lower()

    @property
    def name(self) -> str:
        return self.subject.split(".", 1)[1]

    def compliant_and_broken(self, as_built: dict) -> tuple[dict, dict]:
        changed = copy.deepcopy(as_built)
        self.change(changed, self.subject)
        return (changed, as_built) if self.DECLINED else (as_built, changed)


BUCKET = "aws_s3_bucket.insurance-cards"
LAYER_CONTROLS = (
    LayerControl(
        "CKV_AWS_21", "intakeiq", "data", BUCKET, edit_linked("aws_s3_bucket_versioning", versioning_suspended)
    ),
    LayerControl(
        "CKV_AWS_145", "intakeiq", "data", BUCKET,
        edit_linked("aws_s3_bucket_server_side_encryption_configuration", s3_managed_key),
    ),
    # default encryption of either kind (the access-log bucket's is SSE-S3); a configuration without it fails
    LayerControl(
        "CKV_AWS_19", "intakeiq", "data", "aws_s3_bucket.access-logs",
        edit_linked("aws_s3_bucket_server_side_encryption_configuration", without_default_encryption),
    ),
    LayerControl("CKV_AWS_18", "intakeiq", "data", BUCKET, drop_linked("aws_s3_bucket_logging")),
    # checkov passes a log bucket that is only others' target; the gate reads it as the managed rule does
    LayerControl("CKV_AWS_18", "intakeiq", "data", "aws_s3_bucket.access-logs", drop_own_logging),
    LayerControl(
        "CKV_AWS_18", "intakeiq account", "baseline", "aws_s3_bucket.evidence-access-logs", drop_own_logging
    ),
    LayerControl(
        "CKV_AWS_18", "intakeiq account", "baseline", "aws_s3_bucket.cloudtrail-bucket",
        drop_linked("aws_s3_bucket_logging"),
    ),
    LayerControl("CKV2_AWS_61", "intakeiq", "data", BUCKET, drop_linked("aws_s3_bucket_lifecycle_configuration")),
    LayerControl(
        "CKV2_AWS_65", "intakeiq", "data", "aws_s3_bucket_ownership_controls.insurance-cards-ownership",
        edit_subject(acls_enabled),
    ),
    LayerControl(
        "CKV2_AWS_12", "intakeiq", "networking", "aws_vpc.network-vpc",
        edit_linked("aws_default_security_group", default_group_open),
    ),
    # MediSync's load balancer is internal (behind its API's VPC link); the portal's faces the internet.
    LayerControl(
        "CKV2_AWS_28", "secure-portal", "compute", "aws_lb.alb", drop_linked("aws_wafv2_web_acl_association")
    ),
    LayerControl(
        "CKV2_AWS_31", "medisync", "security", "aws_wafv2_web_acl.waf",
        drop_linked("aws_wafv2_web_acl_logging_configuration"),
    ),
    LayerControl("CKV2_AWS_8", "medisync", "data", "aws_rds_cluster.aurora", drop_linked("aws_backup_selection")),
    LayerControl(
        "CKV2_AWS_10", "intakeiq account", "baseline", "aws_cloudtrail.cloudtrail",
        edit_subject(without("cloud_watch_logs_group_arn", "cloud_watch_logs_role_arn")),
    ),
    LayerControl(
        "CKV2_AWS_16", "medisync", "data", "aws_dynamodb_table.table-audit", edit_subject(provisioned_without_scaling)
    ),
    # the database on the default option group, which has no audit plugin
    LayerControl(
        "CKV2_HIPAA_27", "secure-portal", "data", "aws_db_instance.database", edit_subject(without("option_group_name"))
    ),
)  # fmt: skip


def add_linked(resource_type: str, body: Callable[[str], dict]) -> Callable[[dict, str], None]:
    """Adds a `resource_type` that references the subject (body gets the subject's `${type.name.id}`)."""

    def add(stack: dict, subject: str) -> None:
        stack["resource"].setdefault(resource_type, {})["fixture-control"] = body(f"${{{subject}.id}}")

    return add


def bucket_replicated(bucket: str) -> dict:
    return {
        "bucket": bucket,
        "role": "arn:aws:iam::123456789012:role/fixture-replication",
        "rule": [{"id": "all", "status": "Enabled", "destination": {"bucket": "arn:aws:s3:::fixture-replica"}}],
    }


def bucket_notifying(bucket: str) -> dict:
    topic = {"topic_arn": "arn:aws:sns:us-east-1:123456789012:fixture", "events": ["s3:ObjectCreated:*"]}
    return {"bucket": bucket, "topic": [topic]}


def vpc_flow_logged(vpc: str) -> dict:
    return {"vpc_id": vpc, "traffic_type": "ALL", "log_destination": "arn:aws:logs:us-east-1:123456789012:log-group:f"}


def object_locked(stack: dict, subject: str) -> None:
    resource_type, name = subject.split(".", 1)
    stack["resource"][resource_type][name]["object_lock_enabled"] = True
    add_linked(
        "aws_s3_bucket_object_lock_configuration",
        lambda bucket: {"bucket": bucket, "rule": {"default_retention": {"mode": "COMPLIANCE", "days": 2555}}},
    )(stack, subject)


def secret_rotated(secret: str) -> dict:
    return {
        "secret_id": secret,
        "rotation_lambda_arn": "arn:aws:lambda:us-east-1:123456789012:function:fixture-rotation",
        "rotation_rules": {"automatically_after_days": 30},
    }


def logging_executions(stage: dict) -> None:
    stage["default_route_settings"]["logging_level"] = "INFO"  # what a WebSocket stage can set


def through_a_transit_gateway(route: dict) -> None:
    del route["gateway_id"]
    route["transit_gateway_id"] = "tgw-0123456789abcdef0"


def as_managed_policy(stack: dict, subject: str) -> None:
    resource_type, name = subject.split(".", 1)
    inline = stack["resource"][resource_type].pop(name)
    stack["resource"].setdefault("aws_iam_policy", {})[name] = {"name": inline["name"], "policy": inline["policy"]}
    stack["resource"].setdefault("aws_iam_role_policy_attachment", {})[name] = {
        "role": inline["role"],
        "policy_arn": f"${{aws_iam_policy.{name}.arn}}",
    }


class DeclinedControl(LayerControl):
    """A control the platform does not build where the check looks (the finding is accepted next to
    the resource with its reason): the layer as built fails, and with `change` (which adds the
    control) it passes, so the check sees this project's form and the acceptance is what stands
    between it and the gate."""

    DECLINED = True


DECLINED_CONTROLS = (
    DeclinedControl(
        "CKV_AWS_144", "intakeiq", "data", BUCKET,
        add_linked("aws_s3_bucket_replication_configuration", bucket_replicated),
    ),
    DeclinedControl(
        "CKV2_AWS_62", "intakeiq", "data", BUCKET, add_linked("aws_s3_bucket_notification", bucket_notifying)
    ),
    DeclinedControl("CKV2_HIPAA_24", "intakeiq", "data", BUCKET, object_locked),
    # an HTTP API has no execution logs
    DeclinedControl(
        "CKV_HIPAA_25", "medisync", "compute", "aws_apigatewayv2_stage.api-default", edit_subject(logging_executions)
    ),
    # a value issued outside AWS (the platform cannot rotate it)
    DeclinedControl(
        "CKV2_AWS_57", "medisync", "security", "aws_secretsmanager_secret.secret-api-key",
        add_linked("aws_secretsmanager_secret_rotation", secret_rotated),
    ),
    # the public tier's default route leaves through another gateway than the internet gateway
    DeclinedControl(
        "CKV_HIPAA_23", "intakeiq", "networking", "aws_route.network-public-default",
        edit_subject(through_a_transit_gateway),
    ),
    # the role's permissions as a managed policy (the role then attaches it)
    DeclinedControl(
        "CKV_HIPAA_26", "intakeiq", "security", "aws_iam_role_policy.flow-logs-delivery", as_managed_policy
    ),
    # the flow log is built in the security layer; checkov scans one layer at a time
    DeclinedControl(
        "CKV2_AWS_11", "intakeiq", "networking", "aws_vpc.network-vpc", add_linked("aws_flow_log", vpc_flow_logged)
    ),
)  # fmt: skip


@pytest.fixture(scope="module")
def layer_verdicts(
    intakeiq, medisync, secure_portal, account_intakeiq, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str, str], str]:
    """(case directory, resource address, check id) -> PASSED/FAILED, from one checkov run."""
    environments = {"intakeiq": intakeiq, "medisync": medisync, "secure-portal": secure_portal,
                    "intakeiq account": account_intakeiq}  # fmt: skip
    scan_root = tmp_path_factory.mktemp("layer-control-regressions")
    for control in (*LAYER_CONTROLS, *DECLINED_CONTROLS):
        compliant, broken = control.compliant_and_broken(environments[control.environment].stacks[control.layer])
        for variant, stack in (("compliant", compliant), ("broken", broken)):
            directory = scan_root / "cases" / f"{variant}-{control.case}"
            directory.mkdir(parents=True)
            (directory / "cdk.tf.json").write_text(json.dumps(stack))
    checks = tuple(sorted({c.check_id for c in (*LAYER_CONTROLS, *DECLINED_CONTROLS)}))
    reports = run_checkov(scan_root / "cases", scan_root / "reports", checks=checks)
    found = {}
    for result in check_results(reports):
        case = Path(result["file_path"]).parent.name
        # checkov names a resource `resource.<name>` in some results; the name is unique in a layer.
        found[(case, result["resource"].split(".", 1)[1], result["check_id"])] = result["check_result"]["result"]
    return found


@pytest.mark.parametrize("control", LAYER_CONTROLS, ids=lambda c: c.case)
def test_the_layer_as_built_passes_and_without_the_control_fails(control: LayerControl, layer_verdicts) -> None:
    assert layer_verdicts.get((f"compliant-{control.case}", control.name, control.check_id)) == "PASSED"
    assert layer_verdicts.get((f"broken-{control.case}", control.name, control.check_id)) == "FAILED"


@pytest.mark.parametrize("control", DECLINED_CONTROLS, ids=lambda c: c.case)
def test_the_layer_as_built_fails_and_with_the_control_passes(control: DeclinedControl, layer_verdicts) -> None:
    assert layer_verdicts.get((f"broken-{control.case}", control.name, control.check_id)) == "FAILED"
    assert layer_verdicts.get((f"compliant-{control.case}", control.name, control.check_id)) == "PASSED"


def test_every_check_the_hipaa_pack_relies_on_is_proven_on_this_output() -> None:
    """A rule marked enforced names checks; each must be one this module or the custom checks'
    fixtures show failing on a non-compliant resource and passing on the compliant one."""
    from test_custom_policies import CASES  # tests/policy is on the path as pytest imports it

    from hipaa_platform.gate.compliance import load_pack

    proven = {c.check_id for c in (*CONTROLS, *LAYER_CONTROLS, *DECLINED_CONTROLS)} | {case[0] for case in CASES}
    unproven = sorted(load_pack().enforcing_checks() - proven)
    assert not unproven, f"compliance/hipaa_pack.yaml relies on checks never shown to fail here: {unproven}"

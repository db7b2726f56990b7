"""An account's baseline (accounts/<account>.yaml) is a unit of its own: it holds everything an AWS
account has once (the trail, GuardDuty, Security Hub, AWS Config with the HIPAA pack, IAM Access
Analyzer, the account settings, the GitHub OIDC provider, the mail identities), keeps its evidence
from `terraform destroy`, and no environment's layers hold any of it."""

from __future__ import annotations

import json

import pytest
import yaml

from hipaa_platform.config.loader import load_environment
from hipaa_platform.gate.compliance import conformance_pack_template, load_pack
from hipaa_platform.gate.stateful import EVIDENCE_TYPES
from hipaa_platform.synth.addresses import handed_over
from tests.conftest import ACCOUNTS, ENVIRONMENTS, SYNTHESIZED

BASELINES = [f"account_{a.replace('-', '_')}" for a in ACCOUNTS]
# What an account has once: no stage's layer may create one.
ACCOUNT_WIDE_TYPES = (
    "aws_cloudtrail", "aws_guardduty_detector", "aws_guardduty_detector_feature", "aws_securityhub_account",
    "aws_securityhub_standards_subscription", "aws_config_configuration_recorder", "aws_config_delivery_channel",
    "aws_config_conformance_pack", "aws_accessanalyzer_analyzer", "aws_iam_account_password_policy",
    "aws_ebs_encryption_by_default", "aws_s3_account_public_access_block", "aws_iam_openid_connect_provider",
    "aws_ses_domain_identity", "aws_ses_domain_dkim", "aws_ses_domain_mail_from", "aws_ssm_document",
)  # fmt: skip


def selectors(trail: dict) -> dict[str, dict[str, dict]]:
    """Selector name -> field -> its condition."""
    return {
        s["name"]: {f["field"]: {k: v for k, v in f.items() if k != "field"} for f in s["field_selector"]}
        for s in trail["advanced_event_selector"]
    }


@pytest.mark.parametrize("environment", SYNTHESIZED.values())
def test_no_stage_holds_an_account_wide_resource(request, environment: str) -> None:
    synthesized = request.getfixturevalue(environment)
    held = {
        t: sorted(r)
        for layer in synthesized.stacks
        for t in ACCOUNT_WIDE_TYPES
        if (r := synthesized.resources(layer, t))
    }
    assert held == {}


def test_every_environment_names_its_accounts_baseline() -> None:
    accounts = {name: load_environment(name).account for name in ENVIRONMENTS}
    assert set(accounts.values()) == set(ACCOUNTS)
    assert {n for n, a in accounts.items() if a == "menotime"} == {"menotime-dev", "menotime-staging", "menotime-prod"}
    assert all(list(accounts.values()).count(a) == 1 for a in ACCOUNTS if a != "menotime")


@pytest.mark.parametrize("baseline", BASELINES)
def test_the_baseline_keeps_an_audit_trail_under_its_own_key(request, baseline: str) -> None:
    synthesized = request.getfixturevalue(baseline)
    trail = synthesized.only("baseline", "aws_cloudtrail")
    assert trail["is_multi_region_trail"] and trail["enable_log_file_validation"]
    recorded = selectors(trail)
    assert recorded["Management events"] == {"eventCategory": {"equals": ["Management"]}}
    (data_events,) = (fields for name, fields in recorded.items() if name != "Management events")
    assert data_events["eventCategory"] == {"equals": ["Data"]}
    assert data_events["resources.type"] == {"equals": ["AWS::S3::Object"]}
    (trail_bucket,) = (
        b["bucket"] for b in synthesized.resources("baseline", "aws_s3_bucket").values() if "cloudtrail" in b["bucket"]
    )
    assert data_events["resources.ARN"] == {
        "not_starts_with": [f"arn:${{data.aws_partition.partition.partition}}:s3:::{trail_bucket}/"]
    }
    assert "readOnly" not in data_events
    assert trail["kms_key_id"] == "${aws_kms_key.evidence-key.arn}"
    policy = json.loads(synthesized.only("baseline", "aws_kms_key")["policy"])
    assert {s.get("Principal", {}).get("Service") for s in policy["Statement"]} >= {
        "cloudtrail.amazonaws.com",
        "logs.us-east-1.amazonaws.com" if "us-east-1" in json.dumps(policy) else "logs.us-west-1.amazonaws.com",
    }


@pytest.mark.parametrize("baseline", BASELINES)
def test_the_baseline_detects_threats_and_analyzes_access(request, baseline: str) -> None:
    synthesized = request.getfixturevalue(baseline)
    assert synthesized.only("baseline", "aws_guardduty_detector")["enable"] is True
    features = {f["name"] for f in synthesized.resources("baseline", "aws_guardduty_detector_feature").values()}
    assert features >= {"S3_DATA_EVENTS", "RDS_LOGIN_EVENTS"}
    assert synthesized.only("baseline", "aws_securityhub_account")["auto_enable_controls"] is True
    assert len(synthesized.resources("baseline", "aws_securityhub_standards_subscription")) == 2
    assert synthesized.only("baseline", "aws_accessanalyzer_analyzer")["type"] == "ACCOUNT"


def test_guardduty_watches_the_tasks_or_instances_each_account_runs(
    account_menotime, account_secure_portal, account_intakeiq
) -> None:
    """MenoTime's Fargate tasks get GuardDuty's managed sidecar; the secure portal's ECS container instances
    its agent through Systems Manager; IntakeIQ's account asks for neither."""

    def agents(synthesized) -> dict[str, str] | None:
        features = synthesized.resources("baseline", "aws_guardduty_detector_feature").values()
        runtime = [f for f in features if f["name"] == "RUNTIME_MONITORING"]
        return {c["name"]: c["status"] for c in runtime[0]["additional_configuration"]} if runtime else None

    no_eks = {"EKS_ADDON_MANAGEMENT": "DISABLED"}
    assert agents(account_menotime) == {
        **no_eks, "ECS_FARGATE_AGENT_MANAGEMENT": "ENABLED", "EC2_AGENT_MANAGEMENT": "DISABLED"
    }  # fmt: skip
    assert agents(account_secure_portal) == {
        **no_eks, "ECS_FARGATE_AGENT_MANAGEMENT": "DISABLED", "EC2_AGENT_MANAGEMENT": "ENABLED"
    }  # fmt: skip
    assert agents(account_intakeiq) is None


@pytest.mark.parametrize("baseline", BASELINES)
def test_the_account_records_every_resource_and_carries_the_pack(request, baseline: str) -> None:
    synthesized = request.getfixturevalue(baseline)
    recorder = synthesized.only("baseline", "aws_config_configuration_recorder")
    assert recorder["recording_group"] == {"all_supported": True, "include_global_resource_types": True}
    assert recorder["role_arn"] == "${aws_iam_role.config-role.arn}"
    status = synthesized.only("baseline", "aws_config_configuration_recorder_status")
    assert status["is_enabled"] is True
    assert status["depends_on"] == ["aws_config_delivery_channel.config-delivery-channel"]
    channel = synthesized.only("baseline", "aws_config_delivery_channel")
    assert channel["s3_bucket_name"] == "${aws_s3_bucket.config-bucket.bucket}"
    assert channel["s3_kms_key_arn"] == "${aws_kms_key.evidence-key.arn}"
    lock = synthesized.resources("baseline", "aws_s3_bucket_object_lock_configuration")["config-bucket-object-lock"]
    assert lock["rule"]["default_retention"] == {"mode": "COMPLIANCE", "days": 2557}
    pack = synthesized.only("baseline", "aws_config_conformance_pack")
    rules = yaml.safe_load(pack["template_body"])["Resources"]
    assert {r["Properties"]["ConfigRuleName"] for r in rules.values()} == set(load_pack().rules)
    ports = rules["VpcSgOpenOnlyToAuthorizedPorts"]["Properties"]["InputParameters"]
    assert ports == {"authorizedTcpPorts": "443"}
    assert pack["depends_on"] == ["aws_config_configuration_recorder_status.config-recording"]
    delivery = json.loads(synthesized.resources("baseline", "aws_iam_role_policy")["config-delivery"]["policy"])
    (put,) = [s for s in delivery["Statement"] if s["Sid"] == "DeliverSnapshotsAndHistory"]
    assert put["Resource"].endswith("/AWSLogs/${data.aws_caller_identity.account.account_id}/Config/*")


def test_each_pack_rule_is_its_managed_rule_with_the_packs_parameters_and_the_accounts() -> None:
    pack = load_pack()
    resources = yaml.safe_load(
        conformance_pack_template(pack, authorized_tcp_ports=(443, 8443), authorized_vpc_ids=("vpc-0a1b2c3d",))
    )["Resources"]
    assert len(resources) == len(pack.rules) == 130
    assert resources["CloudtrailEnabled"] == {
        "Type": "AWS::Config::ConfigRule",
        "Properties": {
            "ConfigRuleName": "cloudtrail-enabled",
            "Source": {"Owner": "AWS", "SourceIdentifier": "CLOUD_TRAIL_ENABLED"},
        },
    }
    parameterized = {
        n: r["Properties"]["InputParameters"] for n, r in resources.items() if "InputParameters" in r["Properties"]
    }
    assert parameterized["VpcSgOpenOnlyToAuthorizedPorts"] == {"authorizedTcpPorts": "443,8443"}
    assert parameterized["InternetGatewayAuthorizedVpcOnly"] == {"AuthorizedVpcIds": "vpc-0a1b2c3d"}
    assert parameterized["AccessKeysRotated"] == {"maxAccessKeyAge": "90"}
    assert parameterized["IamCustomerPolicyBlockedKmsActions"] == {
        "blockedActionsPatterns": "kms:*, kms:Decrypt, kms:ReEncrypt*"
    }
    assert len(parameterized) == 13  # the published pack parameterizes 11 rules; the account states 2 more
    # scoped as the published pack scopes them: a change of another type does not trigger them
    scope = resources["S3BucketLoggingEnabled"]["Properties"]["Scope"]
    assert scope == {"ComplianceResourceTypes": ["AWS::S3::Bucket"]}
    assert sum("Scope" in r["Properties"] for r in resources.values()) == 89
    unstated = yaml.safe_load(conformance_pack_template(pack))["Resources"]
    assert "InputParameters" not in unstated["VpcSgOpenOnlyToAuthorizedPorts"]["Properties"]
    assert "InputParameters" not in unstated["InternetGatewayAuthorizedVpcOnly"]["Properties"]


def managed_rules_table() -> dict[str, dict]:
    """moto's table of AWS's managed Config rules, read from AWS Config's documentation: each rule's
    parameters, and whether each is optional."""
    import gzip
    from importlib.resources import files

    table = files("moto.config").joinpath("resources", "aws_managed_rules.json.gz")
    return json.loads(gzip.decompress(table.read_bytes()))["ManagedRules"]


def test_aws_config_takes_every_rule_of_the_pack_as_the_baseline_defines_it() -> None:
    """What moto checks when a rule is put, from AWS Config's documentation of each managed rule: its
    source is a managed rule, every parameter the documentation marks required is given, and none is
    unknown to it. Three required parameters have no default to fall back on."""
    from hipaa_platform.gate.compliance import pack_rule_definitions
    from hipaa_platform.targets.emulator_unsupported import RULE_SOURCES_UNSUPPORTED_ON_EMULATOR

    table = managed_rules_table()
    definitions = pack_rule_definitions(load_pack(), authorized_tcp_ports=(443,), authorized_vpc_ids=("vpc-1",))
    # the table lacks only the process check, which the emulator is therefore not given
    assert {r.identifier for r in definitions if r.identifier not in table} == set(RULE_SOURCES_UNSUPPORTED_ON_EMULATOR)
    missing, unknown = {}, {}
    for rule in (r for r in definitions if r.identifier in table):
        parameters = table[rule.identifier]["Parameters"]
        required = {p["Name"] for p in parameters if not p["Optional"]}
        if required - set(rule.parameters):
            missing[rule.name] = sorted(required - set(rule.parameters))
        if set(rule.parameters) - {p["Name"] for p in parameters}:
            unknown[rule.name] = sorted(set(rule.parameters) - {p["Name"] for p in parameters})
    assert (missing, unknown) == ({}, {})


def test_without_the_packs_parameters_eight_rules_lack_a_required_one() -> None:
    """The check above bites: the pack's rules with their identifiers alone (the template before the
    published pack's parameters) leave these required parameters out."""
    table = managed_rules_table()
    lacking = {
        name
        for name, rule in load_pack().rules.items()
        if any(not p["Optional"] for p in table.get(rule.identifier, {}).get("Parameters", []))
    }
    assert lacking == {
        "access-keys-rotated", "cloudwatch-alarm-action-check", "elb-predefined-security-policy-ssl-check",
        "iam-customer-policy-blocked-kms-actions", "iam-inline-policy-blocked-kms-actions",
        "iam-user-unused-credentials-check", "redshift-cluster-configuration-check",
        "redshift-cluster-maintenancesettings-check",
    }  # fmt: skip


def test_on_the_emulator_the_baseline_gives_aws_config_the_packs_rules_one_by_one(tmp_path) -> None:
    """The emulator has no conformance packs: the baseline puts each rule of the pack (but the
    process check, which moto does not know) after the recorder records, with the same parameters."""
    from hipaa_platform.gate.compliance import pack_rule_definitions
    from tests.conftest import synthesize_baseline

    account = load_environment("intakeiq").baseline
    emulated = synthesize_baseline(account, tmp_path, on_emulator=True)
    assert not emulated.resources("baseline", "aws_config_conformance_pack")
    rules = {r["name"]: r for r in emulated.resources("baseline", "aws_config_config_rule").values()}
    definitions = {
        r.name: r
        for r in pack_rule_definitions(
            load_pack(), authorized_tcp_ports=account.config.authorized_tcp_ports,
            authorized_vpc_ids=account.config.authorized_vpc_ids,
        )
    }  # fmt: skip
    assert set(rules) == set(definitions) - {"annual-risk-assessment-performed"}
    for name, rule in rules.items():
        assert rule["source"] == {"owner": "AWS", "source_identifier": definitions[name].identifier}
        assert json.loads(rule.get("input_parameters", "{}")) == definitions[name].parameters
        assert tuple(rule.get("scope", {}).get("compliance_resource_types", ())) == definitions[name].scope
        assert rule["depends_on"] == ["aws_config_configuration_recorder_status.config-recording"]
    (skip,) = [s for s in emulated.skipped if s.resource_type == "aws_config_config_rule"]
    assert skip.what == "the pack rule annual-risk-assessment-performed" and "process checks" in skip.reason


@pytest.mark.parametrize("baseline", BASELINES)
def test_the_baseline_holds_the_accounts_settings(request, baseline: str) -> None:
    synthesized = request.getfixturevalue(baseline)
    policy = synthesized.only("baseline", "aws_iam_account_password_policy")
    assert (policy["minimum_password_length"], policy["password_reuse_prevention"], policy["max_password_age"]) == (
        14,
        24,
        90,
    )
    assert all(
        policy[f"require_{k}"] is True for k in ("uppercase_characters", "lowercase_characters", "numbers", "symbols")
    )
    assert synthesized.only("baseline", "aws_ebs_encryption_by_default")["enabled"] is True
    block = synthesized.only("baseline", "aws_s3_account_public_access_block")
    assert all(
        block[k] is True
        for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    )
    assert (
        synthesized.only("baseline", "aws_iam_openid_connect_provider")["url"]
        == "https://token.actions.githubusercontent.com"
    )


def test_mail_identities_are_the_accounts(
    account_menotime, account_medisync, account_intakeiq, menotime_staging
) -> None:
    for synthesized, domain in ((account_menotime, "timelessbiotech.com"), (account_medisync, "medisync.health")):
        assert synthesized.only("baseline", "aws_ses_domain_identity")["domain"] == domain
        assert synthesized.only("baseline", "aws_ses_domain_mail_from")["mail_from_domain"] == f"mail.{domain}"
    assert not account_intakeiq.resources("baseline", "aws_ses_domain_identity")
    records = account_menotime.stacks["baseline"]["output"]["email_dns_records_timelessbiotech_com"]["value"]
    assert {r["type"] for r in records} == {"TXT", "CNAME", "MX"}
    assert not menotime_staging.resources("data", "aws_ses_domain_identity")  # a stage sends through the account's


@pytest.mark.parametrize("baseline", BASELINES)
def test_what_holds_evidence_refuses_destroy(request, baseline: str) -> None:
    synthesized = request.getfixturevalue(baseline)
    resources = synthesized.stacks["baseline"]["resource"]
    unguarded = sorted(
        f"{t}.{n}" for t in EVIDENCE_TYPES for n, body in resources.get(t, {}).items()
        if not body.get("lifecycle", {}).get("prevent_destroy")
    )  # fmt: skip
    assert unguarded == []
    assert {"aws_cloudtrail", "aws_kms_key", "aws_s3_bucket", "aws_guardduty_detector"} <= set(resources)


def test_on_the_emulator_the_baseline_can_be_torn_down(tmp_path) -> None:
    from tests.conftest import synthesize_baseline

    synthesized = synthesize_baseline("intakeiq", tmp_path / "cdktf.out", on_emulator=True)
    assert not [
        n for t, by_name in synthesized.stacks["baseline"]["resource"].items() for n, body in by_name.items()
        if body.get("lifecycle", {}).get("prevent_destroy")
    ]  # fmt: skip
    assert {s.resource_type for s in synthesized.skipped} >= {
        "aws_accessanalyzer_analyzer",
        "aws_config_conformance_pack",
    }


@pytest.mark.parametrize(
    "environment", [e for e in ENVIRONMENTS if any(handed_over(e, layer) for layer in ("security", "data", "pipeline"))]
)
def test_what_a_stage_held_is_forgotten_there_and_held_by_its_baseline(
    synthesis_of, baseline_of, environment: str
) -> None:
    synthesized = synthesis_of(environment)
    baseline = baseline_of(load_environment(environment).account)
    baseline_addresses = {f"{t}.{n}" for t, by_name in baseline.stacks["baseline"]["resource"].items() for n in by_name}
    for layer in ("security", "data", "pipeline"):
        handed = handed_over(environment, layer)
        if not handed:
            continue
        moves = json.loads((synthesized.outdir / "stacks" / layer / "moved.tf.json").read_text())
        removed = {r["from"] for r in moves["removed"]}
        assert all(r["lifecycle"] == {"destroy": False} for r in moves["removed"])
        assert set(handed) <= removed
        assert not {m["to"] for m in moves.get("moved", [])} & set(handed)
        assert set(handed.values()) <= baseline_addresses, (
            f"{layer}: the baseline lacks {set(handed.values()) - baseline_addresses}"
        )


def over_aws_configs_limits(authorized_tcp_ports: tuple[int, ...], authorized_vpc_ids: tuple[str, ...]) -> list[str]:
    """What PutConformancePack and PutConfigRule would refuse as too long (AWS's API model, as botocore
    carries it): the template, or a rule's parameters."""
    import botocore.session

    from hipaa_platform.gate.compliance import pack_rule_definitions

    model = botocore.session.get_session().get_service_model("config")
    template_max = model.operation_model("PutConformancePack").input_shape.members["TemplateBody"].metadata["max"]
    rule_shape = model.operation_model("PutConfigRule").input_shape.members["ConfigRule"]
    parameters_max = rule_shape.members["InputParameters"].metadata["max"]
    stated = {"authorized_tcp_ports": authorized_tcp_ports, "authorized_vpc_ids": authorized_vpc_ids}
    pack = load_pack()
    over = ["template"] if len(conformance_pack_template(pack, **stated)) > template_max else []
    return over + [
        rule.name for rule in pack_rule_definitions(pack, **stated) if len(json.dumps(rule.parameters)) > parameters_max
    ]


@pytest.mark.parametrize("account", ACCOUNTS)
def test_each_accounts_pack_fits_aws_configs_own_limits(account: str) -> None:
    from hipaa_platform.config.loader import load_account

    stated = load_account(account).config
    assert over_aws_configs_limits(stated.authorized_tcp_ports, stated.authorized_vpc_ids) == []


def test_an_account_authorizes_no_more_vpcs_than_the_rule_takes(tmp_path) -> None:
    from hipaa_platform.config.account import MOST_AUTHORIZED_VPCS
    from hipaa_platform.config.loader import ACCOUNTS_DIR, load_account
    from hipaa_platform.errors import UserError

    vpcs = tuple(f"vpc-{n:017x}" for n in range(MOST_AUTHORIZED_VPCS + 1))
    assert over_aws_configs_limits((443,), vpcs[:-1]) == []
    assert over_aws_configs_limits((443,), vpcs) == ["internet-gateway-authorized-vpc-only"]
    account = tmp_path / "intakeiq.yaml"
    document = yaml.safe_load((ACCOUNTS_DIR / "intakeiq.yaml").read_text())
    document.setdefault("config", {})["authorized_vpc_ids"] = list(vpcs)
    account.write_text(yaml.safe_dump(document))
    with pytest.raises(UserError, match=r"config\.authorized_vpc_ids.*at most 45"):
        load_account("intakeiq", directory=tmp_path)

"""Every account the platform owns records its resources with AWS Config and carries the HIPAA pack's
rules, made by the environment that owns the account baseline; a stage sharing the account makes
neither (one recorder per account and region)."""

from __future__ import annotations

import json

import pytest
import yaml

from hipaa_platform.config.loader import load_environment
from hipaa_platform.gate.compliance import conformance_pack_template, load_pack
from tests.conftest import SYNTHESIZED

OWNERS = [fixture for name, fixture in SYNTHESIZED.items() if load_environment(name).owns_account_baseline]
USERS = [fixture for name, fixture in SYNTHESIZED.items() if not load_environment(name).owns_account_baseline]


@pytest.mark.parametrize("environment", OWNERS)
def test_the_account_records_every_resource_and_carries_the_pack(request, environment: str) -> None:
    synthesized = request.getfixturevalue(environment)
    recorder = synthesized.only("security", "aws_config_configuration_recorder")
    assert recorder["recording_group"] == {"all_supported": True, "include_global_resource_types": True}
    assert recorder["role_arn"] == "${aws_iam_role.config-role.arn}"
    status = synthesized.only("security", "aws_config_configuration_recorder_status")
    assert status["is_enabled"] is True and status["depends_on"] == [
        "aws_config_delivery_channel.config-delivery-channel"
    ]
    channel = synthesized.only("security", "aws_config_delivery_channel")
    assert channel["s3_bucket_name"] == "${aws_s3_bucket.config-bucket.bucket}"
    assert channel["s3_kms_key_arn"] == "${aws_kms_key.keys-phi-key.arn}"
    lock = synthesized.resources("security", "aws_s3_bucket_object_lock_configuration")["config-bucket-object-lock"]
    assert lock["rule"]["default_retention"] == {"mode": "COMPLIANCE", "days": 2557}
    pack = synthesized.only("security", "aws_config_conformance_pack")
    rules = yaml.safe_load(pack["template_body"])["Resources"].values()
    assert {r["Properties"]["ConfigRuleName"] for r in rules} == set(load_pack().rules)
    assert pack["depends_on"] == ["aws_config_configuration_recorder_status.config-recording"]
    delivery = json.loads(synthesized.resources("security", "aws_iam_role_policy")["config-delivery"]["policy"])
    (put,) = [s for s in delivery["Statement"] if s["Sid"] == "DeliverSnapshotsAndHistory"]
    assert put["Resource"].endswith("/AWSLogs/${data.aws_caller_identity.account.account_id}/Config/*")


@pytest.mark.parametrize("environment", USERS)
def test_a_stage_sharing_the_account_records_nothing_of_its_own(request, environment: str) -> None:
    synthesized = request.getfixturevalue(environment)
    for resource_type in ("aws_config_configuration_recorder", "aws_config_delivery_channel",
                          "aws_config_conformance_pack"):  # fmt: skip
        assert not synthesized.resources("security", resource_type)


def test_each_pack_rule_is_its_managed_rule_with_the_rules_own_defaults() -> None:
    pack = load_pack()
    resources = yaml.safe_load(conformance_pack_template(pack))["Resources"]
    assert len(resources) == len(pack.rules) == 130
    rule = resources["CloudtrailEnabled"]
    assert rule == {
        "Type": "AWS::Config::ConfigRule",
        "Properties": {
            "ConfigRuleName": "cloudtrail-enabled",
            "Source": {"Owner": "AWS", "SourceIdentifier": "CLOUD_TRAIL_ENABLED"},
        },
    }
    assert not [r for r in resources.values() if "InputParameters" in r["Properties"]]

"""Environments deployed side by side into one account (hipaa_platform/operations/shared_account.py):
they name one account, whose baseline they use; no stage reads what another stage creates, so none
waits for another; and what the baseline keeps is read back after the stages are gone
(emulator.server.baseline_in_place), which a stage's destroy taking part of it fails.
tests/emulator/test_deploy_local.py runs the real thing."""

from __future__ import annotations

import json

import pytest

from hipaa_platform import LAYERS
from hipaa_platform.config.loader import load_environment
from hipaa_platform.errors import UserError
from hipaa_platform.operations.shared_account import shared_account

STAGES = ["menotime-dev", "menotime-staging", "menotime-prod"]


def test_the_stages_share_one_baseline() -> None:
    baseline = shared_account([load_environment(name) for name in STAGES])
    assert baseline.name == "menotime" and baseline.region == "us-west-1"


def test_environments_of_two_accounts_are_refused() -> None:
    with pytest.raises(UserError, match=r"share one account; these name 2: menotime-staging \(menotime\), "):
        shared_account([load_environment("menotime-staging"), load_environment("secure-portal")])


def test_no_stage_reads_what_another_stage_creates(menotime_dev, menotime_staging, menotime_prod) -> None:
    """What lets the stages run side by side: a data source reads an object of its type, and none of
    another stage's layers creates one (the account-wide ones are the baseline's)."""
    stages = dict(zip(STAGES, (menotime_dev, menotime_staging, menotime_prod), strict=True))
    created = {name: {t for layer in LAYERS for t in s.stacks[layer].get("resource", {})} for name, s in stages.items()}
    read = {name: {t for layer in LAYERS for t in s.stacks[layer].get("data", {})} for name, s in stages.items()}
    assert "aws_iam_openid_connect_provider" in read["menotime-prod"]  # the deploy role's issuer, the baseline's
    crossing = {
        (reader, maker): read[reader] & created[maker] for reader in STAGES for maker in STAGES if reader != maker
    }
    assert {pair: types for pair, types in crossing.items() if types} == {}


def test_what_the_baseline_keeps_is_read_back_and_a_loss_is_named() -> None:
    import boto3

    from hipaa_platform.building.naming import Namer
    from hipaa_platform.emulator.server import baseline_in_place, running_emulator
    from modules.pipeline.github_oidc import GITHUB_OIDC_THUMBPRINTS, GITHUB_OIDC_URL

    baseline = load_environment("menotime-staging").baseline
    namer = Namer(baseline.name_prefix)
    with running_emulator() as emulator:

        def client(service: str):
            return boto3.client(service, region_name=baseline.region, **emulator.boto_kwargs())

        with pytest.raises(UserError, match="its baseline lost trail menotime-dev-audit-trail, GuardDuty detector"):
            baseline_in_place(baseline, emulator.boto_kwargs())
        s3 = client("s3")
        s3.create_bucket(Bucket="trail-logs", CreateBucketConfiguration={"LocationConstraint": baseline.region})
        client("cloudtrail").create_trail(Name=namer.name("audit-trail"), S3BucketName="trail-logs")
        client("cloudtrail").start_logging(Name=namer.name("audit-trail"))
        detector = client("guardduty").create_detector(Enable=True)["DetectorId"]
        config = client("config")
        role = f"arn:aws:iam::123456789012:role/{namer.name('config-recorder')}"
        config.put_configuration_recorder(
            ConfigurationRecorder={"name": namer.name("config-recorder"), "roleARN": role}
        )
        config.put_delivery_channel(DeliveryChannel={"name": "channel", "s3BucketName": "trail-logs"})
        config.start_configuration_recorder(ConfigurationRecorderName=namer.name("config-recorder"))
        for rule in emulated_pack_rules():
            parameters = {"InputParameters": json.dumps(rule.parameters)} if rule.parameters else {}
            config.put_config_rule(
                ConfigRule={
                    "ConfigRuleName": rule.name,
                    "Source": {"Owner": "AWS", "SourceIdentifier": rule.identifier},
                    **parameters,
                }
            )
        key = client("kms").create_key()["KeyMetadata"]["KeyId"]
        client("kms").create_alias(AliasName=baseline.evidence_key_alias, TargetKeyId=key)
        client("iam").create_open_id_connect_provider(
            Url=GITHUB_OIDC_URL, ClientIDList=["sts.amazonaws.com"], ThumbprintList=GITHUB_OIDC_THUMBPRINTS
        )
        kept = baseline_in_place(baseline, emulator.boto_kwargs())
        assert kept == [
            "trail menotime-dev-audit-trail (logging)",
            f"GuardDuty detector {detector}",
            "AWS Config recorder menotime-dev-config-recorder (recording)",
            "129 of the conformance pack's 129 rules in AWS Config",
            "evidence key alias/menotime-account-evidence (Enabled)",
            "GitHub OIDC provider",
        ]
        client("guardduty").delete_detector(DetectorId=detector)
        config.delete_config_rule(ConfigRuleName="cloudtrail-enabled")
        client("kms").schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
        with pytest.raises(UserError) as lost:
            baseline_in_place(baseline, emulator.boto_kwargs())
        assert (
            "lost GuardDuty detector (none), 128 of the conformance pack's 129 rules in AWS Config (not "
            "cloudtrail-enabled), evidence key alias/menotime-account-evidence (PendingDeletion)"
        ) in str(lost.value)


def emulated_pack_rules():
    """The pack's rules as the baseline gives them to the emulator (all but the process check)."""
    from hipaa_platform.gate.compliance import load_pack, pack_rule_definitions
    from hipaa_platform.targets.emulator_unsupported import RULE_SOURCES_UNSUPPORTED_ON_EMULATOR

    return [r for r in pack_rule_definitions(load_pack()) if r.identifier not in RULE_SOURCES_UNSUPPORTED_ON_EMULATOR]

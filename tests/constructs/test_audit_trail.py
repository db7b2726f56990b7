"""Every account the platform owns keeps a CloudTrail trail of API calls and of S3 object access,
encrypted with a key whose policy admits CloudTrail; stages sharing the account use the owner's."""

from __future__ import annotations

import json

import pytest

from hipaa_platform.config.loader import ENVIRONMENTS_DIR, load_environment
from hipaa_platform.errors import ConfigError
from tests.conftest import SYNTHESIZED

OWNERS = [fixture for name, fixture in SYNTHESIZED.items() if load_environment(name).owns_account_baseline]


def selectors(trail: dict) -> dict[str, dict[str, dict]]:
    """Selector name -> field -> its condition."""
    return {
        s["name"]: {f["field"]: {k: v for k, v in f.items() if k != "field"} for f in s["field_selector"]}
        for s in trail["advanced_event_selector"]
    }


@pytest.mark.parametrize("environment", OWNERS)
def test_an_account_owner_keeps_an_audit_trail(request, environment: str) -> None:
    synthesized = request.getfixturevalue(environment)
    trail = synthesized.only("security", "aws_cloudtrail")
    assert trail["is_multi_region_trail"] and trail["enable_log_file_validation"]
    recorded = selectors(trail)
    assert recorded["Management events"] == {"eventCategory": {"equals": ["Management"]}}
    (data_events,) = (fields for name, fields in recorded.items() if name != "Management events")
    assert data_events["eventCategory"] == {"equals": ["Data"]}
    assert data_events["resources.type"] == {"equals": ["AWS::S3::Object"]}
    # every bucket but the trail's own, reads and writes alike
    (trail_bucket,) = (
        b["bucket"] for b in synthesized.resources("security", "aws_s3_bucket").values() if "cloudtrail" in b["bucket"]
    )
    assert data_events["resources.ARN"] == {
        "not_starts_with": [f"arn:${{data.aws_partition.partition.partition}}:s3:::{trail_bucket}/"]
    }
    assert "readOnly" not in data_events
    # the key that encrypts the trail admits CloudTrail
    key_name = trail["kms_key_id"].split(".")[1]
    policy = json.loads(synthesized.resources("security", "aws_kms_key")[key_name]["policy"])
    assert any(s.get("Principal") == {"Service": "cloudtrail.amazonaws.com"} for s in policy["Statement"])


def test_stages_sharing_the_account_use_the_owners_trail(menotime_dev, menotime_staging, menotime_prod) -> None:
    assert menotime_dev.resources("security", "aws_cloudtrail")
    assert not menotime_staging.resources("security", "aws_cloudtrail")
    assert not menotime_prod.resources("security", "aws_cloudtrail")


def _altered_intakeiq(tmp_path, old: str, new: str) -> None:
    source = (ENVIRONMENTS_DIR / "intakeiq.yaml").read_text()
    assert old in source
    (tmp_path / "intakeiq.yaml").write_text(source.replace(old, new, 1))


def test_an_owner_without_a_trail_is_refused(tmp_path) -> None:
    _altered_intakeiq(tmp_path, "\n  cloudtrail: {}", "\n")
    with pytest.raises(
        ConfigError, match=r"(?s)intakeiq\.yaml.*security\.cloudtrail: the environment owning the account"
    ):
        load_environment("intakeiq", directory=tmp_path)


def test_a_trail_key_that_does_not_admit_cloudtrail_is_refused(tmp_path) -> None:
    _altered_intakeiq(
        tmp_path, "default_key_services: [logs, cloudwatch, cloudtrail]", "default_key_services: [logs, cloudwatch]"
    )
    with pytest.raises(
        ConfigError, match=r"security\.cloudtrail\.kms_key: .*add 'cloudtrail' to security\.default_key_services"
    ):
        load_environment("intakeiq", directory=tmp_path)

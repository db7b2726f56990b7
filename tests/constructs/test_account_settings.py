"""The account-wide settings Terraform can hold (password policy, EBS encryption by default, the
account's S3 public access block) are made once per account, by the environment that owns the
account baseline, and never weaker than the HIPAA conformance pack asks."""

from __future__ import annotations

import pytest

from hipaa_platform.config.loader import ENVIRONMENTS_DIR, load_environment
from hipaa_platform.errors import ConfigError

ACCOUNT_SETTINGS = ("aws_iam_account_password_policy", "aws_ebs_encryption_by_default")


def test_the_baseline_owner_holds_the_accounts_settings(intakeiq) -> None:
    policy = intakeiq.only("security", "aws_iam_account_password_policy")
    assert (policy["minimum_password_length"], policy["password_reuse_prevention"], policy["max_password_age"]) == (
        14,
        24,
        90,
    )
    assert all(
        policy[f"require_{kind}"] is True
        for kind in ("uppercase_characters", "lowercase_characters", "numbers", "symbols")
    )
    assert intakeiq.only("security", "aws_ebs_encryption_by_default")["enabled"] is True
    block = intakeiq.only("security", "aws_s3_account_public_access_block")
    assert all(
        block[k] is True
        for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    )


def test_a_stage_sharing_the_account_leaves_them_to_the_owner(menotime_dev, menotime_staging, menotime_prod) -> None:
    assert all(menotime_dev.resources("security", t) for t in ACCOUNT_SETTINGS)
    for stage in (menotime_staging, menotime_prod):
        assert not any(
            stage.resources("security", t) for t in (*ACCOUNT_SETTINGS, "aws_s3_account_public_access_block")
        )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("minimum_length", 8, "minimum_length: Input should be greater than or equal to 14"),
        ("max_age_days", 180, "max_age_days: Input should be less than or equal to 90"),
        ("reuse_prevention", 5, "reuse_prevention: Input should be greater than or equal to 24"),
    ],
)
def test_a_password_policy_weaker_than_the_pack_is_refused(field, value, message, tmp_path) -> None:
    source = (ENVIRONMENTS_DIR / "intakeiq.yaml").read_text()
    assert "\nsecurity:\n" in source
    altered = source.replace(
        "\nsecurity:\n", f"\nsecurity:\n  account_settings:\n    password_policy:\n      {field}: {value}\n", 1
    )
    (tmp_path / "intakeiq.yaml").write_text(altered)
    with pytest.raises(ConfigError) as refused:
        load_environment("intakeiq", directory=tmp_path)
    assert "security.account_settings.password_policy." + message in str(refused.value)

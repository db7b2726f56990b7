"""AWS Backup of every environment's database and tables: a vault under the environment's key that
no one may delete recovery points from, a daily plan keeping 35 days or more, a selection of
every store of record; the environment file cannot ask for less."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from hipaa_platform.config import Backup
from hipaa_platform.config.loader import load_environment


def test_the_vault_denies_deleting_or_shortening_recovery_points_to_everyone(intakeiq) -> None:
    vault = intakeiq.only("data", "aws_backup_vault")
    assert vault["name"] == "intakeiq-backup" and "kms_key_arns.default" in vault["kms_key_arn"]
    (statement,) = json.loads(intakeiq.only("data", "aws_backup_vault_policy")["policy"])["Statement"]
    assert statement["Effect"] == "Deny" and statement["Principal"] == {"AWS": "*"} and statement["Resource"] == "*"
    assert set(statement["Action"]) == {
        "backup:DeleteRecoveryPoint",
        "backup:UpdateRecoveryPointLifecycle",
        "backup:PutBackupVaultAccessPolicy",
    }
    assert not intakeiq.resources("data", "aws_backup_vault_lock_configuration")  # none unless asked


def test_a_daily_plan_keeps_35_days_and_selects_every_store_of_record(intakeiq, medisync) -> None:
    (rule,) = intakeiq.only("data", "aws_backup_plan")["rule"]
    assert (rule["schedule"], rule["lifecycle"]["delete_after"]) == ("cron(0 5 ? * * *)", 35)
    assert intakeiq.only("data", "aws_backup_selection")["resources"] == ["${aws_db_instance.database.arn}"]
    assert medisync.only("data", "aws_backup_selection")["resources"] == [
        "${aws_rds_cluster.aurora.arn}",
        "${aws_dynamodb_table.table-audit.arn}",
    ]
    role = intakeiq.resources("data", "aws_iam_role")["backup-role"]
    assert json.loads(role["assume_role_policy"])["Statement"][0]["Principal"] == {"Service": "backup.amazonaws.com"}


def test_compliance_mode_locks_the_vault_after_its_grace_period(intakeiq, synthesize_variant) -> None:
    environment = load_environment("intakeiq")
    backup = Backup(vault_lock="compliance", retention_days=2557)
    locked = synthesize_variant(
        environment.model_copy(update={"data": environment.data.model_copy(update={"backup": backup})})
    )
    lock = locked.only("data", "aws_backup_vault_lock_configuration")
    assert (lock["min_retention_days"], lock["changeable_for_days"]) == (2557, 3)
    assert locked.only("data", "aws_backup_plan")["rule"][0]["lifecycle"]["delete_after"] == 2557


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"retention_days": 7}, "greater than or equal to 35"),
        ({"schedule": "cron(0 5 ? * SUN *)"}, "does not run every day"),
        ({"schedule": "rate(1 day)"}, "is not a cron expression of six fields"),
        ({"vault_lock": "forever"}, "'none', 'governance' or 'compliance'"),
    ],
)
def test_a_weaker_backup_is_refused(values, message) -> None:
    with pytest.raises(ValidationError) as refused:
        Backup(**values)
    assert message in str(refused.value)

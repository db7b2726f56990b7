"""Plan summaries and the data-loss guard, on plan JSON shaped as `terraform show -json` writes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from hipaa_platform.operations.plan import LayerPlan, Review, markdown, summarize


def resource_change(address: str, actions: list[str], before: dict, after: dict, **extra) -> dict:
    resource_type, name = address.split(".", 1)
    return {
        "address": address,
        "mode": "managed",
        "type": resource_type,
        "name": name,
        "change": {"actions": actions, "before": before, "after": after, **extra},
    }


PLAN = {
    "resource_changes": [
        resource_change("aws_vpc.main", ["no-op"], {"cidr_block": "10.0.0.0/16"}, {"cidr_block": "10.0.0.0/16"}),
        resource_change(
            "aws_s3_bucket.cards",
            ["update"],
            {"bucket": "cards", "tags_all": {"CostCenter": "a", "Owner": "x"}},
            {"bucket": "cards", "tags_all": {"CostCenter": "b", "Owner": "x"}},
        ),
        resource_change(
            "aws_db_instance.db",
            ["delete", "create"],
            {"identifier": "intakeiq-db", "password": "old"},
            {"identifier": "intakeiq-db-2", "password": "new"},
            before_sensitive={"password": True},
            after_sensitive={"password": True},
            replace_paths=[["identifier"]],
        ),
        resource_change("aws_iam_role.ci", ["create"], {}, {"name": "ci"}, after_unknown={"arn": True}),
        resource_change(
            "aws_ecs_service.api",
            ["update"],
            {"task_definition": "arn:td:1", "tags": None},
            {"task_definition": None, "tags": {}},
            after_unknown={"task_definition": True},
        ),
        {"address": "data.aws_caller_identity.me", "mode": "data", "type": "aws_caller_identity",
         "change": {"actions": ["read"]}},
    ]
}  # fmt: skip


def review(allowed: frozenset[str] = frozenset()) -> Review:
    plan = LayerPlan("data", summarize(PLAN), Path("plan.tfplan"), Path("plan.json"))
    return Review("intakeiq", [plan], allowed=allowed)


def test_summary_counts_and_attributes() -> None:
    changes = {c.address: c for c in summarize(PLAN)}
    assert set(changes) == {"aws_s3_bucket.cards", "aws_db_instance.db", "aws_iam_role.ci", "aws_ecs_service.api"}
    assert changes["aws_s3_bucket.cards"].action == "update"
    (tags,) = changes["aws_s3_bucket.cards"].attributes
    assert (tags.name, tags.before, tags.after) == ("tags_all", {"CostCenter": "a"}, {"CostCenter": "b"})
    database = changes["aws_db_instance.db"]
    assert (database.action, database.replace_paths) == ("replace", ("identifier",))
    password = next(a for a in database.attributes if a.name == "password")
    assert (password.before, password.after) == ("(sensitive)", "(sensitive)")
    # a new object's computed attributes are noise; an update's unknown value is not
    assert [a.name for a in changes["aws_iam_role.ci"].attributes] == ["name"]
    (task,) = changes["aws_ecs_service.api"].attributes
    assert (task.name, task.after) == ("task_definition", "(known after apply)")


def test_guard_blocks_replacing_a_database_unless_allowed() -> None:
    blocked = review().blocked
    assert [(layer, c.address, c.replace_paths) for layer, c in blocked] == [
        ("data", "aws_db_instance.db", ("identifier",))
    ]
    assert review().ok is False
    assert review(frozenset({"aws_db_instance.db"})).blocked == []


def test_markdown_names_the_blocked_resource_and_masks_secrets() -> None:
    text = markdown(review())
    assert "| data | 1 | 2 | 1 | 0 |" in text
    assert "`aws_db_instance.db` (replace; forced by: identifier)" in text
    assert "old" not in text and "new" not in text.replace("(known after apply)", "")
    assert "| update | `aws_s3_bucket.cards` | tags_all |" in text
    allowed = markdown(review(frozenset({"aws_db_instance.db"})))
    assert "Blocked" not in allowed


def test_a_rename_by_a_moved_block_is_shown_as_a_move_from_its_old_address() -> None:
    moved = {
        "address": "aws_vpc.network-vpc",
        "previous_address": "aws_vpc.network_vpc_4E8F0223",
        "mode": "managed",
        "type": "aws_vpc",
        "change": {
            "actions": ["no-op"],
            "before": {"cidr_block": "10.0.0.0/16"},
            "after": {"cidr_block": "10.0.0.0/16"},
        },
    }
    unchanged = {**moved, "address": "aws_vpc.other"}
    del unchanged["previous_address"]
    (change,) = summarize({"resource_changes": [moved, unchanged]})
    assert (change.action, change.moved_from, change.attributes) == ("move", "aws_vpc.network_vpc_4E8F0223", ())
    plan = LayerPlan("networking", [change], Path("plan.tfplan"), Path("plan.json"))
    text = markdown(Review("intakeiq", [plan]))
    assert "| networking | 0 | 0 | 0 | 0 | 1 |" in text
    assert "| move | `aws_vpc.network_vpc_4E8F0223` → `aws_vpc.network-vpc` |" in text


@pytest.mark.parametrize(
    "resource_type",
    [
        "aws_ecr_repository",
        "aws_sqs_queue",
        "aws_cloudwatch_event_archive",
        "aws_ssm_parameter",
        "aws_secretsmanager_secret_version",
        "aws_backup_vault",
        "aws_backup_vault_lock_configuration",
    ],
)
def test_guard_blocks_replacing_or_destroying_what_holds_data_or_hand_set_values(resource_type: str) -> None:
    address = f"{resource_type}.x"
    for actions in (["delete", "create"], ["delete"]):
        plan = {"resource_changes": [resource_change(address, actions, {"name": "a"}, {"name": "b"})]}
        guarded = Review("intakeiq", [LayerPlan("data", summarize(plan), Path("p"), Path("j"))])
        assert [c.address for _, c in guarded.blocked] == [address]
        assert Review("intakeiq", guarded.layers, allowed=frozenset({address})).blocked == []


def test_guard_lets_an_update_in_place_through() -> None:
    plan = {"resource_changes": [resource_change("aws_sqs_queue.x", ["update"], {"delay": 0}, {"delay": 5})]}
    assert Review("intakeiq", [LayerPlan("data", summarize(plan), Path("p"), Path("j"))]).blocked == []


def test_a_handover_to_the_account_baseline_is_shown_as_forgotten_and_passes_the_guard() -> None:
    """A `removed` block (destroy = false) plans `forget`: the trail stays in the account, this layer's
    state stops holding it; nothing stateful is lost, so the guard lets it through."""
    forgotten = resource_change(
        "aws_s3_bucket.cloudtrail-bucket", ["forget"], {"bucket": "intakeiq-cloudtrail-1"}, None
    )
    (change,) = summarize({"resource_changes": [forgotten]})
    assert (change.action, change.attributes) == ("forget", ())
    plan = LayerPlan("security", [change], Path("plan.tfplan"), Path("plan.json"))
    assert Review("intakeiq", [plan]).blocked == []
    text = markdown(Review("intakeiq", [plan]))
    assert "| security | 0 | 0 | 0 | 0 | 0 | 1 |" in text
    assert "| forget | `aws_s3_bucket.cloudtrail-bucket` |" in text

"""Drift reports, on refresh-only plan JSON shaped as `terraform show -json` writes it."""

from __future__ import annotations

from hipaa_platform.operations.drift import DriftReport, DriftStatus, LayerDrift, drifted, markdown, text


def drift_entry(address: str, actions: list[str], before: dict, after: dict | None) -> dict:
    resource_type, name = address.split(".", 1)
    return {"address": address, "mode": "managed", "type": resource_type, "name": name,
            "change": {"actions": actions, "before": before, "after": after}}  # fmt: skip


STACK = {
    "resource": {
        "aws_db_instance": {"database": {"identifier": "intakeiq-db"}},
        "aws_ssm_parameter": {"parameter-KEY": {"value": "unset", "lifecycle": {"ignore_changes": ["value"]}}},
        "aws_s3_bucket": {"cards": {"bucket": "cards"}},
    }
}
PLAN = {
    "resource_drift": [
        drift_entry("aws_db_instance.database", ["update"], {"tags_all": {"Backup": "daily", "Owner": "x"}},
                    {"tags_all": {"Owner": "x"}}),
        drift_entry("aws_ssm_parameter.parameter-KEY", ["update"], {"value": "a"}, {"value": "b"}),
        drift_entry("aws_sqs_queue.jobs", ["delete"], {"name": "jobs"}, None),
    ]
}  # fmt: skip


def test_drift_names_the_resource_and_the_attribute_that_differs() -> None:
    found = {c.address: c for c in drifted(PLAN, STACK)}
    assert set(found) == {"aws_db_instance.database", "aws_sqs_queue.jobs"}
    (tags,) = found["aws_db_instance.database"].attributes
    assert (tags.name, tags.before, tags.after) == ("tags_all", {"Backup": "daily"}, {})
    assert found["aws_sqs_queue.jobs"].action == "deleted"


def test_an_attribute_the_code_ignores_is_not_drift() -> None:
    assert drifted({"resource_drift": PLAN["resource_drift"][1:2]}, STACK) == []


def test_a_computed_attribute_that_moved_is_not_drift_but_a_configured_one_is() -> None:
    computed = drift_entry("aws_s3_bucket.cards", ["update"], {"bucket": "cards", "policy": ""},
                           {"bucket": "cards", "policy": "{...}"})  # fmt: skip
    assert drifted({"resource_drift": [computed]}, STACK) == []
    renamed = drift_entry("aws_s3_bucket.cards", ["update"], {"bucket": "cards"}, {"bucket": "other"})
    (change,) = drifted({"resource_drift": [renamed]}, STACK)
    assert [a.name for a in change.attributes] == ["bucket"]


def test_status_and_exit_codes() -> None:
    clean = DriftReport("intakeiq", [LayerDrift("data")])
    assert clean.status is DriftStatus.CLEAN and int(clean.status) == 0
    found = DriftReport("intakeiq", [LayerDrift("data", drifted(PLAN, STACK))])
    assert found.status is DriftStatus.DRIFT and int(found.status) == 2
    broken = DriftReport("intakeiq", [LayerDrift("data", drifted(PLAN, STACK)), LayerDrift("compute", error="x")])
    assert broken.status is DriftStatus.UNKNOWN and int(broken.status) == 1


def test_reports_name_layer_resource_and_attribute() -> None:
    report = DriftReport("intakeiq", [LayerDrift("security"), LayerDrift("data", drifted(PLAN, STACK))])
    summary = markdown(report)
    assert "| data | 2 | yes |" in summary and "| security | 0 | yes |" in summary
    assert '| `aws_db_instance.database` | changed | tags_all | {"Backup": "daily"} | {} |' in summary
    assert "| `aws_sqs_queue.jobs` | deleted outside Terraform |" in summary
    assert "changed  aws_db_instance.database  [tags_all]" in text(report)
    assert markdown(DriftReport("intakeiq", [LayerDrift("data")])).count("no drift") == 1

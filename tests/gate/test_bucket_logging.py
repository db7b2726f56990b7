"""CKV_AWS_18 as the managed rule reads it, in the gate and in the plan review: a bucket that only
receives others' logs does not log."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hipaa_platform.gate.bucket_logging import (
    buckets_logging_nowhere,
    buckets_logging_nowhere_in_plan,
    fail_log_targets_that_do_not_log,
)
from hipaa_platform.gate.scan import run_checkov
from hipaa_platform.operations import terraform


def stack(*, log_bucket_logs_itself: bool) -> dict:
    loggings = {
        "records-logging": {"bucket": "${aws_s3_bucket.records.id}", "target_bucket": "${aws_s3_bucket.logs.bucket}"}
    }
    if log_bucket_logs_itself:
        loggings["logs-logging"] = {
            "bucket": "${aws_s3_bucket.logs.id}",
            "target_bucket": "${aws_s3_bucket.logs.bucket}",
        }
    return {"resource": {"aws_s3_bucket": {"records": {}, "logs": {}}, "aws_s3_bucket_logging": loggings}}


def test_a_log_target_logs_only_when_it_has_logging_of_its_own() -> None:
    assert buckets_logging_nowhere(stack(log_bucket_logs_itself=False)) == {"logs"}
    assert buckets_logging_nowhere(stack(log_bucket_logs_itself=True)) == set()


def checkov_pass(resource: str) -> dict:
    return {"check_id": "CKV_AWS_18", "resource": resource, "file_path": "/data/cdk.tf.json",
            "check_result": {"result": "PASSED"}}  # fmt: skip


def test_checkovs_pass_of_a_log_target_that_logs_nowhere_becomes_a_failure(tmp_path: Path) -> None:
    for logs_itself in (False, True):
        (tmp_path / "data").mkdir(exist_ok=True)
        (tmp_path / "data" / "cdk.tf.json").write_text(json.dumps(stack(log_bucket_logs_itself=logs_itself)))
        report = {
            "results": {"passed_checks": [checkov_pass("aws_s3_bucket.records"), checkov_pass("aws_s3_bucket.logs")]},
            "summary": {"passed": 2, "failed": 0},
        }
        (corrected,) = fail_log_targets_that_do_not_log([report], tmp_path)
        failed = [c["resource"] for c in corrected["results"].get("failed_checks", [])]
        assert failed == ([] if logs_itself else ["aws_s3_bucket.logs"])
        assert [c["check_result"]["result"] for c in corrected["results"].get("failed_checks", [])] == ["FAILED"] * len(
            failed
        )
        assert corrected["summary"] == {"passed": 2 - len(failed), "failed": len(failed)}


def plan_configuration(*, log_bucket_logs_itself: bool, by_name: bool = False) -> dict:
    """The `configuration` of a plan (`terraform show -json`) of the same two buckets."""

    def logging(name: str, bucket: str) -> dict:
        expression = {"constant_value": f"example-{bucket}"}
        if not by_name:
            expression = {
                "constant_value": f"${{aws_s3_bucket.{bucket}.id}}",
                "references": [f"aws_s3_bucket.{bucket}.id"],
            }
        return {"address": f"aws_s3_bucket_logging.{name}", "mode": "managed", "type": "aws_s3_bucket_logging",
                "name": name, "expressions": {"bucket": expression}}  # fmt: skip

    def bucket(name: str) -> dict:
        return {"address": f"aws_s3_bucket.{name}", "mode": "managed", "type": "aws_s3_bucket", "name": name,
                "expressions": {"bucket": {"constant_value": f"example-{name}"}}}  # fmt: skip

    resources = [bucket("records"), bucket("logs"), logging("records-logging", "records")]
    if log_bucket_logs_itself:
        resources.append(logging("logs-logging", "logs"))
    return {"planned_values": {}, "configuration": {"root_module": {"resources": resources}}}


def test_in_a_plan_a_log_target_logs_only_when_it_has_logging_of_its_own() -> None:
    for by_name in (False, True):
        assert buckets_logging_nowhere_in_plan(plan_configuration(log_bucket_logs_itself=False, by_name=by_name)) == {
            "logs"
        }
        assert (
            buckets_logging_nowhere_in_plan(plan_configuration(log_bucket_logs_itself=True, by_name=by_name)) == set()
        )


def test_the_plan_review_fails_a_planned_log_target_that_logs_nowhere(tmp_path: Path) -> None:
    """A real plan of a bucket logging into another that logs nowhere: checkov passes both, the plan
    scan fails the log target; once it logs itself, both pass."""
    for logs_itself in (False, True):
        stack = tmp_path / f"logs-itself-{logs_itself}" / "layer"
        stack.mkdir(parents=True)
        (stack / "main.tf.json").write_text(json.dumps(terraform_stack(log_bucket_logs_itself=logs_itself)))
        env = terraform.terraform_environment()
        terraform.init(stack, env, backend=False)
        terraform.run(["plan", "-input=false", "-no-color", "-refresh=false", "-out=p.tfplan"], stack, env)
        (stack / "plan.json").write_text(terraform.run(["show", "-json", "p.tfplan"], stack, env).stdout)
        for leftover in ("main.tf.json", "p.tfplan", ".terraform.lock.hcl"):
            (stack / leftover).unlink()
        shutil.rmtree(stack / ".terraform")

        reports = run_checkov(stack.parent, tmp_path / f"report-{logs_itself}", "terraform_plan", ("CKV_AWS_18",))
        failed = sorted(c["resource"] for r in reports for c in r["results"].get("failed_checks", []))
        passed = sorted(c["resource"] for r in reports for c in r["results"].get("passed_checks", []))
        assert failed == ([] if logs_itself else ["aws_s3_bucket.logs"])
        assert passed == (["aws_s3_bucket.logs", "aws_s3_bucket.records"] if logs_itself else ["aws_s3_bucket.records"])


def terraform_stack(*, log_bucket_logs_itself: bool) -> dict:
    provider = {"region": "us-east-1", "access_key": "unused", "secret_key": "unused", "skip_metadata_api_check": True,
                "skip_credentials_validation": True, "skip_requesting_account_id": True}  # fmt: skip
    stack_json = stack(log_bucket_logs_itself=log_bucket_logs_itself)
    stack_json["resource"]["aws_s3_bucket"] = {
        "records": {"bucket": "example-records"},
        "logs": {"bucket": "example-logs"},
    }
    for logging in stack_json["resource"]["aws_s3_bucket_logging"].values():
        logging["target_prefix"] = "s3/"
    return {
        "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": "5.100.0"}}},
        "provider": {"aws": provider},
        **stack_json,
    }

"""CKV_AWS_18 as the managed rule reads it: a bucket that only receives others' logs does not log."""

from __future__ import annotations

import json
from pathlib import Path

from hipaa_platform.gate.bucket_logging import buckets_logging_nowhere, fail_log_targets_that_do_not_log


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

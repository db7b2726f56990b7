"""CKV_AWS_18 as AWS Config's s3-bucket-logging-enabled reads it: a bucket logs when it has server
access logging of its own. checkov's graph check passes a bucket connected to any
`aws_s3_bucket_logging`, and a log bucket is connected to every logging resource that names it as
the target, so a log bucket that logs nowhere passes, in a synthesized stack and in a plan alike. The
gate and the plan review turn that pass into a failure."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

CHECK_ID = "CKV_AWS_18"
STACK_FILE = "cdk.tf.json"


def buckets_logging_nowhere(stack: Mapping) -> set[str]:
    """The names of the stack's buckets that no `aws_s3_bucket_logging` has as its `bucket`."""
    resources = stack.get("resource", {})
    logged = {str(logging.get("bucket", "")) for logging in resources.get("aws_s3_bucket_logging", {}).values()}
    return {
        name
        for name in resources.get("aws_s3_bucket", {})
        if not any(reference.startswith(f"${{aws_s3_bucket.{name}.") for reference in logged)
    }


def buckets_logging_nowhere_in_plan(plan: Mapping) -> set[str]:
    """The same for a plan (`terraform show -json`): its configuration names what each logging
    resource's `bucket` refers to, or the bucket's name where it is a constant."""
    resources = plan.get("configuration", {}).get("root_module", {}).get("resources", [])
    buckets = {r["name"]: r for r in resources if r.get("mode") == "managed" and r.get("type") == "aws_s3_bucket"}
    referenced, named = set(), set()
    for logging in (r for r in resources if r.get("type") == "aws_s3_bucket_logging"):
        bucket = logging.get("expressions", {}).get("bucket", {})
        referenced |= {ref.split(".")[1] for ref in bucket.get("references", []) if ref.startswith("aws_s3_bucket.")}
        if not bucket.get("references") and "constant_value" in bucket:
            named.add(bucket["constant_value"])
    return {
        name
        for name, bucket in buckets.items()
        if name not in referenced
        and bucket.get("expressions", {}).get("bucket", {}).get("constant_value", object()) not in named
    }


def fail_log_targets_that_do_not_log(reports: list[dict], scan_root: Path) -> list[dict]:
    """Move each CKV_AWS_18 pass of a bucket logging nowhere to the failures, in place; the scanned
    stacks or plans are read back from `scan_root` by each result's file path."""
    unlogged: dict[str, set[str]] = {}
    for report in reports:
        results = report.get("results", {})
        passed = results.get("passed_checks", [])
        wrong = [
            check
            for check in passed
            if check["check_id"] == CHECK_ID
            and check["resource"].split(".", 1)[1] in _unlogged_in(unlogged, scan_root, check["file_path"])
        ]
        for check in wrong:
            passed.remove(check)
            check["check_result"] = {**check.get("check_result", {}), "result": "FAILED"}
            results.setdefault("failed_checks", []).append(check)
        if wrong and "summary" in report:
            report["summary"]["passed"] -= len(wrong)
            report["summary"]["failed"] += len(wrong)
    return reports


def _unlogged_in(cache: dict[str, set[str]], scan_root: Path, file_path: str) -> set[str]:
    if file_path not in cache:
        path = scan_root / file_path.lstrip("/")
        document = json.loads(path.read_text()) if path.suffix == ".json" else {}
        if path.name == STACK_FILE:
            cache[file_path] = buckets_logging_nowhere(document)
        elif "planned_values" in document:
            cache[file_path] = buckets_logging_nowhere_in_plan(document)
        else:
            cache[file_path] = set()
    return cache[file_path]

"""CKV_HIPAA_16: a CloudTrail trail records S3 object-level events (reads and writes) for every
bucket of the account, its own log buckets aside.

HIPAA 164.312(b) audit controls: who read or changed which object holding PHI is an S3 data event;
management events alone record changes to buckets, never access to their contents. The conformance
pack's cloudtrail-s3-dataevents-enabled. A basic selector must name all buckets (`arn:<partition>:s3`
or `arn:<partition>:s3:::`) with read and write; an advanced selector must select the Data
category and AWS::S3::Object without narrowing to some buckets (`equals`/`starts_with` on
resources.ARN) or to reads or writes only (readOnly).
"""

from __future__ import annotations

import re
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.parsed import as_list, value

S3_OBJECT = "AWS::S3::Object"
ALL_BUCKETS = re.compile(r"^arn:[a-z-]+:s3(:::)?$")
NARROWING = ("equals", "starts_with")  # what keeps buckets out by naming the ones kept in


def _entries(block: Any) -> list[dict[str, Any]]:
    return [item for item in as_list(value(block) or []) if isinstance(item, dict)]


def basic_selector_covers(selector: dict[str, Any]) -> bool:
    if (value(selector.get("read_write_type")) or "All") != "All":
        return False
    for resource in _entries(selector.get("data_resource")):
        values = [str(v) for v in as_list(value(resource.get("values")) or [])]
        if value(resource.get("type")) == S3_OBJECT and any(ALL_BUCKETS.match(v) for v in values):
            return True
    return False


def advanced_selector_covers(selector: dict[str, Any]) -> bool:
    fields = {value(f.get("field")): f for f in _entries(selector.get("field_selector"))}

    def equals(name: str) -> list[str]:
        return [str(v) for v in as_list(value(fields.get(name, {}).get("equals")) or [])]

    if equals("eventCategory") != ["Data"] or equals("resources.type") != [S3_OBJECT]:
        return False
    if "readOnly" in fields:
        return False
    arn = fields.get("resources.ARN", {})
    return not any(value(arn.get(narrowing)) for narrowing in NARROWING)


class CloudTrailS3DataEvents(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure a CloudTrail trail records S3 data events (reads and writes) for all buckets",
            id="CKV_HIPAA_16",
            categories=(CheckCategories.LOGGING,),
            supported_resources=("aws_cloudtrail",),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        if any(basic_selector_covers(s) for s in _entries(conf.get("event_selector"))):
            return CheckResult.PASSED
        if any(advanced_selector_covers(s) for s in _entries(conf.get("advanced_event_selector"))):
            return CheckResult.PASSED
        return CheckResult.FAILED


check = CloudTrailS3DataEvents()

"""CKV_HIPAA_28: no AWS Backup selection excludes an RDS database or a DynamoDB table.

HIPAA 164.308(a)(7)(ii)(A) data backup plan. CKV2_HIPAA_12 asks that each database and table be
referenced by a selection, and a reference in the selection's `not_resources` is a reference too:
a database named there is taken out of the plan while the graph check still sees it connected.
The conformance pack's rds-in-backup-plan and dynamodb-in-backup-plan count a resource as covered
only when the plan backs it up. Named by reference in the synthesized JSON, by ARN in a plan.
"""

from __future__ import annotations

import re
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.parsed import as_list, value

RECORDS = re.compile(
    r"\$\{aws_(db_instance|rds_cluster|dynamodb_table)\.|^arn:[^:]+:rds:[^:]*:[^:]*:(db|cluster):|^arn:[^:]+:dynamodb:"
    r"|^arn:[^:]+:(rds|dynamodb):[^:]*:[^:]*:\*$|^\*$"
)


class BackupSelectionExcludesNoRecords(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure no AWS Backup selection excludes an RDS database or a DynamoDB table",
            id="CKV_HIPAA_28",
            categories=(CheckCategories.BACKUP_AND_RECOVERY,),
            supported_resources=("aws_backup_selection",),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        excluded = [str(item) for item in as_list(value(conf.get("not_resources")) or [])]
        return CheckResult.FAILED if any(RECORDS.search(item) for item in excluded) else CheckResult.PASSED


check = BackupSelectionExcludesNoRecords()

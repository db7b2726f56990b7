"""CKV_HIPAA_20: a Redis or Valkey replication group, or a cache cluster of its own, keeps
automatic snapshots at least 15 days.

HIPAA 164.308(a)(7)(ii)(A) data backup plan: a cache that holds sessions or queued work loses it
with its nodes unless snapshots are kept, and snapshots kept for days are gone before many
incidents are noticed. The conformance pack's elasticache-redis-cluster-automatic-backup-check,
at the rule's default minimum (snapshotRetentionPeriod 15; the pack sets no other). A cluster
that belongs to a replication group is the group's to keep; serverless caches are not the rule's.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.parsed import value

MINIMUM_RETENTION_DAYS = 15


class ElastiCacheSnapshotRetention(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure Redis and Valkey caches keep automatic snapshots at least 15 days",
            id="CKV_HIPAA_20",
            categories=(CheckCategories.BACKUP_AND_RECOVERY,),
            supported_resources=("aws_elasticache_replication_group", "aws_elasticache_cluster"),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        if self.entity_type == "aws_elasticache_cluster":
            if value(conf.get("replication_group_id")):
                return CheckResult.PASSED
            if str(value(conf.get("engine")) or "").lower() not in ("redis", "valkey"):
                return CheckResult.PASSED  # memcached keeps no snapshots
        retention = value(conf.get("snapshot_retention_limit"))
        try:
            days = int(retention) if retention is not None else 0
        except (TypeError, ValueError):
            return CheckResult.UNKNOWN  # a reference resolved at apply time
        return CheckResult.PASSED if days >= MINIMUM_RETENTION_DAYS else CheckResult.FAILED


check = ElastiCacheSnapshotRetention()

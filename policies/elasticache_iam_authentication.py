"""CKV_HIPAA_29: a Redis or Valkey cache authenticates its clients as IAM users of a user group, and a
replication group carries no AUTH token.

HIPAA 164.312(d) person or entity authentication and 164.312(a)(1) access control: an AUTH token is
one shared password, and the one Terraform sets is written into the layer's state, where anyone who
may read the state reads it. With a user group of IAM-authenticated users each client signs a
15-minute token with its own role, and no password exists. checkov's CKV_AWS_31 passes either.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.parsed import value


class ElastiCacheIamAuthentication(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure Redis and Valkey caches authenticate IAM users of a user group, with no AUTH token",
            id="CKV_HIPAA_29",
            categories=(CheckCategories.IAM,),
            supported_resources=("aws_elasticache_replication_group", "aws_elasticache_serverless_cache"),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        if self.entity_type == "aws_elasticache_serverless_cache":
            if str(value(conf.get("engine")) or "").lower() == "memcached":
                return CheckResult.PASSED  # memcached has no users
            return CheckResult.PASSED if value(conf.get("user_group_id")) else CheckResult.FAILED
        if value(conf.get("auth_token")):
            return CheckResult.FAILED
        return CheckResult.PASSED if value(conf.get("user_group_ids")) else CheckResult.FAILED


check = ElastiCacheIamAuthentication()

"""ElastiCache Serverless (Redis OSS): KMS-encrypted, TLS-only (serverless caches always are),
isolated subnets, and IAM authentication for every client. The mandatory `default` user is
switched off, so no password exists anywhere."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.elasticache_serverless_cache import (
    ElasticacheServerlessCache,
    ElasticacheServerlessCacheCacheUsageLimits,
    ElasticacheServerlessCacheCacheUsageLimitsDataStorage,
    ElasticacheServerlessCacheCacheUsageLimitsEcpuPerSecond,
)
from constructs import Construct

from hipaa_platform.building.layer_stack import target_creates
from hipaa_platform.building.tagging import data_tags
from hipaa_platform.config import Cache
from modules.data.cache_users import CacheUsers


class ServerlessRedis(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: Cache,
        subnet_ids: Sequence[str],
        security_group_id: str,
        kms_key_arn: str,
        partition: str,
        region: str,
        account: str,
    ) -> None:
        """On a target that cannot create the cache only the users are built; `arn` is then the ARN
        the cache would have, so grants keep their shape."""
        super().__init__(scope, id)
        users = CacheUsers(self, default_user_id=f"{config.name}-default", names=config.iam_users)
        self.users = users.users
        self.arn = f"arn:{partition}:elasticache:{region}:{account}:serverlesscache:{config.name}"
        if not target_creates(
            self,
            ("aws_elasticache_serverless_cache", f"{config.name} Redis cache"),
            ("aws_elasticache_user_group", f"{config.name} user group"),
        ):
            return
        group = users.group(f"{config.name}-users")
        self.cache = ElasticacheServerlessCache(
            self,
            "this",
            name=config.name,
            engine="redis",
            major_engine_version=config.major_engine_version,
            description=f"{config.name}: IAM-authenticated, KMS-encrypted Redis",
            kms_key_id=kms_key_arn,
            security_group_ids=[security_group_id],
            subnet_ids=list(subnet_ids),
            user_group_id=group.user_group_id,
            snapshot_retention_limit=config.snapshot_retention_days,
            cache_usage_limits=[
                ElasticacheServerlessCacheCacheUsageLimits(
                    data_storage=[
                        ElasticacheServerlessCacheCacheUsageLimitsDataStorage(maximum=config.max_storage_gb, unit="GB")
                    ],
                    ecpu_per_second=[
                        ElasticacheServerlessCacheCacheUsageLimitsEcpuPerSecond(maximum=config.max_ecpu_per_second)
                    ],
                )
            ],
            tags=data_tags(backup="daily", encryption="kms"),
        )
        self.arn = self.cache.arn

"""ElastiCache Redis OSS as a replication group with cluster mode disabled: a primary and replicas
one per availability zone, automatic failover and Multi-AZ, TLS in transit, a customer-managed key
at rest, snapshots, events to an SNS topic, and IAM authentication.

Each service connects as an IAM-authenticated user of the group's user group with a short-lived
token it signs with its task role (`elasticache:Connect`); the mandatory `default` user is switched
off. No AUTH token or password exists, so none is in the configuration, the synthesized JSON or
the layer's state."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.elasticache_replication_group import ElasticacheReplicationGroup
from cdktf_cdktf_provider_aws.elasticache_subnet_group import ElasticacheSubnetGroup
from constructs import Construct

from hipaa_platform.building.layer_stack import target_creates
from hipaa_platform.building.tagging import data_tags
from hipaa_platform.config import Redis
from modules.data.cache_users import CacheUsers


class RedisReplicationGroup(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: Redis,
        name: str,
        subnet_ids: Sequence[str],
        availability_zones: Sequence[str],
        security_group_id: str,
        kms_key_arn: str,
        notification_topic_arn: str | None,
        partition: str,
        region: str,
        account: str,
    ) -> None:
        super().__init__(scope, id)
        users = CacheUsers(self, default_user_id=f"{name}-default", names=config.iam_users)
        self.users = users.users
        # On a target that cannot create the group, `arn` is the ARN it would have, so grants keep their
        # shape, `endpoint` is empty and `group` is None.
        self.arn = f"arn:{partition}:elasticache:{region}:{account}:replicationgroup:{name}"
        self.endpoint = ""
        self.group: ElasticacheReplicationGroup | None = None
        if not target_creates(
            self,
            ("aws_elasticache_replication_group", f"{name} Redis replication group"),
            ("aws_elasticache_subnet_group", f"{name} subnet group"),
            ("aws_elasticache_user_group", f"{name} user group"),
        ):
            return
        subnets = ElasticacheSubnetGroup(
            self,
            "subnets",
            name=f"{name}-subnet-group",
            description=f"{name}: the store subnets, one node per availability zone",
            subnet_ids=list(subnet_ids),
        )
        user_group = users.group(f"{name}-users")
        self.group = ElasticacheReplicationGroup(
            self,
            "this",
            replication_group_id=name,
            description=f"{name}: primary and replicas, TLS, IAM authentication, KMS",
            engine="redis",
            engine_version=config.engine_version,
            node_type=config.node_type,
            port=config.port,
            num_cache_clusters=config.nodes,
            preferred_cache_cluster_azs=[availability_zones[i % len(availability_zones)] for i in range(config.nodes)],
            automatic_failover_enabled=True,
            multi_az_enabled=True,
            subnet_group_name=subnets.name,
            security_group_ids=[security_group_id],
            at_rest_encryption_enabled="true",
            kms_key_id=kms_key_arn,
            transit_encryption_enabled=True,
            user_group_ids=[user_group.user_group_id],
            snapshot_retention_limit=config.snapshot_retention_days,
            snapshot_window=config.snapshot_window,
            maintenance_window=config.maintenance_window,
            auto_minor_version_upgrade=str(config.auto_minor_version_upgrade).lower(),
            notification_topic_arn=notification_topic_arn,
            tags=data_tags(backup="daily", encryption="kms"),
        )
        self.arn = self.group.arn
        self.endpoint = self.group.primary_endpoint_address

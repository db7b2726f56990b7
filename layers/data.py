"""Layer 3: the database (RDS or Aurora), the cache, the buckets, tables, queues, topics and the
event bus, and each service's application permissions on them."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.data_aws_elb_service_account import DataAwsElbServiceAccount
from cdktf_cdktf_provider_aws.data_aws_partition import DataAwsPartition
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from constructs import Construct

from hipaa_platform.building.layer_stack import BuildContext, LayerStack
from hipaa_platform.building.tagging import bucket_tags
from hipaa_platform.config import Bucket
from hipaa_platform.contracts.data import DataOutputs
from hipaa_platform.contracts.networking import NetworkingOutputs
from hipaa_platform.contracts.security import SecurityOutputs, key_arn
from hipaa_platform.gate.acceptances import accept_decision
from modules.data.application_permissions import DataStores, application_permissions
from modules.data.aurora import AuroraServerlessCluster
from modules.data.backup_plan import RecordsBackup
from modules.data.database import StoreSubnets, environment_database
from modules.data.dynamodb_table import EncryptedTable
from modules.data.email_domain import mail_identity
from modules.data.messaging import EventBusWithArchive, QueueWithDeadLetters
from modules.data.rds_instance import RdsInstance
from modules.data.redis_replication_group import RedisReplicationGroup
from modules.data.serverless_cache import ServerlessRedis
from modules.pipeline.blue_green_delivery import ARTIFACT_BUCKET_ROLE
from modules.shared.access_log_bucket import access_log_bucket
from modules.shared.bucket_distribution import SPA_BUCKET_ROLE, BucketDistribution
from modules.shared.iam import Statement, objects_only_for
from modules.shared.s3_bucket import SecureBucket


class DataLayer(LayerStack):
    LAYER = "data"

    def __init__(self, scope: Construct, context: BuildContext) -> None:
        super().__init__(scope, context)
        env = self.environment
        data = env.data
        network = self.read(NetworkingOutputs)
        self.security = self.read(SecurityOutputs)
        self.account = DataAwsCallerIdentity(self, "account").account_id
        self.partition = DataAwsPartition(self, "partition").partition
        elb_account = DataAwsElbServiceAccount(self, "elb-account")
        self.disposable = context.target.disposable
        self.stores = StoreSubnets.of(env.networking, network)

        access_logs = access_log_bucket(
            self, logged_buckets=self._logged_buckets(), namer=self.namer, account=self.account,
            retention_days=env.compute.load_balancer.access_log_retention_days, elb_account_arn=elb_account.arn,
            force_destroy=self.disposable,
        )  # fmt: skip
        self.buckets = {spec.name: self._bucket(spec, access_logs) for spec in data.buckets}
        self.tables, self.queues, self.topics = self._tables(), self._queues(), self._topics()
        self.bus = self._event_bus()
        self.email_identity_arn = mail_identity(
            self, topics=self.topics, account=self.account, partition=self.partition
        )
        self.redis = self._redis()
        self.cache = self._serverless_cache()
        database = environment_database(
            self,
            stores=self.stores,
            security=self.security,
            key=self._key,
            account=self.account,
            partition=self.partition,
        )
        RecordsBackup(
            self,
            "backup",
            config=data.backup,
            namer=self.namer,
            kms_key_arn=self._key(data.backup.kms_key),
            resource_arns=[database.arn, *(table.arn for table in self.tables.values())],
            partition=self.partition,
        )
        stores = self._stores(database)
        for service in env.compute.services:
            application_permissions(
                self, service, stores=stores, role_name=self.security.task_role_names[service.name], region=env.region
            )

        self.publish(
            DataOutputs(
                database_identifier=database.identifier,
                database_endpoint=database.endpoint,
                database_port=database.port,
                database_master_secret_arn=database.master_user_secret_arn,
                bucket_names={name: b.name for name, b in self.buckets.items()},
                bucket_arns={name: b.arn for name, b in self.buckets.items()},
                access_log_bucket_name=access_logs.name,
                queue_names={name: q.name for name, q in self.queues.items()},
                dead_letter_queue_names={name: q.dead_letters.name for name, q in self.queues.items()},
                topic_arns={name: t.arn for name, t in self.topics.items()},
                table_names={name: t.name for name, t in self.tables.items()},
                database_secret_key_arn=self._key((data.database or data.aurora).kms_key),
                cache_endpoint=self.redis.endpoint if self.redis else "",
            )
        )

    def _logged_buckets(self) -> list[str]:
        """Every bucket whose server access logs the access-log bucket receives, by its role."""
        env = self.environment
        spa, artifacts = (
            [SPA_BUCKET_ROLE] * bool(env.compute.spa),
            [ARTIFACT_BUCKET_ROLE] * bool(env.pipeline.codepipeline),
        )
        return [*(spec.name for spec in env.data.buckets), *spa, *artifacts]

    def _key(self, purpose: str) -> str:
        return key_arn(self.security, self.environment, purpose)

    def _bucket(self, spec: Bucket, access_logs: SecureBucket) -> SecureBucket:
        """An application bucket, and the CloudFront distribution in front of it where configured."""
        env = self.environment
        bucket = SecureBucket(
            self,
            spec.name,
            bucket_name=self.namer.bucket(spec.name, self.account),
            kms_key_arn=self._key(spec.kms_key),
            transitions=spec.transitions,
            lifecycle_prefix=spec.lifecycle_prefix,
            expiration_days=spec.expiration_days,
            noncurrent_version_expiration_days=spec.noncurrent_version_expiration_days,
            object_lock=spec.object_lock,
            cors=spec.cors,
            tags=bucket_tags(env, spec.tags),
            access_log_bucket=access_logs,
            force_destroy=self.disposable,
            defer_policy=spec.cdn is not None,
            extra_statements=self._object_readers(spec),
        )
        if spec.cdn:
            cdn = BucketDistribution(
                self,
                f"{spec.name}-cdn",
                name=self.namer.name(spec.name),
                config=spec.cdn,
                bucket=bucket,
                certificate_arn=self.security.edge_certificate_arn,
            )
            accept_decision(cdn.distribution, env.decisions, "cdn_without_waf")
            if not spec.cdn.geo_restriction:
                accept_decision(cdn.distribution, env.decisions, "cdn_worldwide")
        return bucket

    def _object_readers(self, spec: Bucket) -> tuple[Statement, ...]:
        """For `object_access: granted_services`, the deny that keeps every other principal off its objects."""
        if spec.object_access == "account":
            return ()
        granted = [s.name for s in self.environment.compute.services if spec.name in s.bucket_access]
        bucket_arn = f"arn:{self.partition}:s3:::{self.namer.bucket(spec.name, self.account)}"
        return (objects_only_for(bucket_arn, [self.security.task_role_arns[name] for name in granted]),)

    def _tables(self) -> dict[str, EncryptedTable]:
        return {
            spec.name: EncryptedTable(
                self,
                f"table-{spec.name}",
                name=self.namer.name(spec.name),
                config=spec,
                kms_key_arn=self._key(spec.kms_key),
                deletion_protection=not self.disposable,
            )
            for spec in self.environment.data.tables
        }

    def _queues(self) -> dict[str, QueueWithDeadLetters]:
        return {
            spec.name: QueueWithDeadLetters(
                self,
                f"queue-{spec.name}",
                name=self.namer.name(spec.name),
                config=spec,
                kms_key_arn=self._key(spec.kms_key),
            )
            for spec in self.environment.data.queues
        }

    def _topics(self) -> dict[str, SnsTopic]:
        return {
            spec.name: SnsTopic(
                self, f"topic-{spec.name}", name=self.namer.name(spec.name), kms_master_key_id=self._key(spec.kms_key)
            )
            for spec in self.environment.data.topics
        }

    def _event_bus(self) -> EventBusWithArchive | None:
        config = self.environment.data.event_bus
        if not config:
            return None
        return EventBusWithArchive(
            self,
            "event-bus",
            name=self.namer.name(config.name),
            config=config,
            topic=self.topics[config.forward_to_topic],
            kms_key_arn=self._key(config.kms_key),
            account=self.account,
        )

    def _redis(self) -> RedisReplicationGroup | None:
        env = self.environment
        config = env.data.redis
        if not config:
            return None
        redis = RedisReplicationGroup(
            self,
            "redis",
            config=config,
            name=self.namer.name(config.name),
            subnet_ids=self.stores.subnet_ids,
            availability_zones=self.stores.availability_zones,
            security_group_id=self.security.cache_security_group_ids[config.name],
            kms_key_arn=self._key(config.kms_key),
            notification_topic_arn=self.topics[config.notification_topic].arn if config.notification_topic else None,
            partition=self.partition,
            region=env.region,
            account=self.account,
        )
        if env.decisions.short_cache_snapshots and redis.group is not None:
            accept_decision(redis.group, env.decisions, "short_cache_snapshots")
        return redis

    def _serverless_cache(self) -> ServerlessRedis | None:
        config = self.environment.data.cache
        if not config:
            return None
        return ServerlessRedis(
            self,
            "cache",
            config=config,
            subnet_ids=self.stores.subnet_ids,
            security_group_id=self.security.cache_security_group_ids[config.name],
            kms_key_arn=self._key(config.kms_key),
            partition=self.partition,
            region=self.environment.region,
            account=self.account,
        )

    def _stores(self, database: RdsInstance | AuroraServerlessCluster) -> DataStores:
        env = self.environment
        cache = self.redis or self.cache
        return DataStores(
            buckets={name: b.arn for name, b in self.buckets.items()},
            bucket_keys={spec.name: self._key(spec.kms_key) for spec in env.data.buckets},
            tables={name: t.arn for name, t in self.tables.items()},
            queues={name: q.arn for name, q in self.queues.items()},
            topics={name: t.arn for name, t in self.topics.items()},
            secrets=self.security.secret_arns,
            key=self._key,
            bus=self.bus.arn if self.bus else None,
            cache=cache.arn if cache else None,
            cache_users={name: user.arn for name, user in cache.users.items()} if cache else {},
            database_users=f"arn:{self.partition}:rds-db:{env.region}:{self.account}:dbuser:{database.resource_id}",
            mail_identity=self.email_identity_arn,
            mail_sender=env.data.email.sender if env.data.email else None,
        )

"""Layer 3: the database (RDS or Aurora), the cache, the buckets, tables, queues, topics and the
event bus, and each service's application permissions on them."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf import TerraformOutput
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.data_aws_elb_service_account import DataAwsElbServiceAccount
from cdktf_cdktf_provider_aws.data_aws_partition import DataAwsPartition
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from constructs import Construct

from hipaa_platform.config import Service
from hipaa_platform.contracts import LayerOutputs, described
from hipaa_platform.layer import BuildContext, LayerStack
from hipaa_platform.suppressions import accept_finding
from hipaa_platform.tagging import bucket_tags
from layers.networking import NetworkingOutputs
from layers.security import SecurityOutputs, key_arn
from modules.access_log_bucket import access_log_bucket
from modules.aurora import AuroraServerlessCluster
from modules.backup_plan import RecordsBackup
from modules.backup_replication import CrossRegionBackups
from modules.bucket_cdn import BucketDistribution
from modules.dynamodb_table import EncryptedTable
from modules.email_domain import EmailDomain
from modules.iam import Statement, policy_document
from modules.messaging import EventBusWithArchive, QueueWithDeadLetters
from modules.rds_instance import RdsInstance
from modules.redis_replication_group import RedisReplicationGroup
from modules.role_policy import role_policy
from modules.s3_bucket import SecureBucket
from modules.serverless_cache import ServerlessRedis


@dataclass(frozen=True)
class DataOutputs(LayerOutputs):
    LAYER = "data"
    database_identifier: str = described("RDS instance or Aurora cluster identifier, for alarms and operations")
    database_endpoint: str = described("Database endpoint host name (private; the Aurora writer endpoint)")
    database_port: float = described("Database engine port")
    database_master_secret_arn: str = described("Secrets Manager secret RDS keeps the master credentials in")
    bucket_names: dict[str, str] = described("Application bucket name by its name in data.buckets")
    bucket_arns: dict[str, str] = described("Application bucket ARN by its name in data.buckets")
    access_log_bucket_name: str = described("Bucket receiving S3 server access logs and load balancer access logs")
    queue_names: dict[str, str] = described("SQS queue name by its name in data.queues")
    dead_letter_queue_names: dict[str, str] = described("Dead-letter queue name by its queue's name in data.queues")
    topic_arns: dict[str, str] = described("SNS topic ARN by its name in data.topics")
    table_names: dict[str, str] = described("DynamoDB table name by its name in data.tables")
    database_secret_key_arn: str = described("KMS key of the master-credentials secret RDS manages")
    cache_auth_secret_arn: str = described("Secret with data.redis's AUTH token, host, port and URL; empty without")
    cache_auth_secret_key_arn: str = described("KMS key of that secret; empty without data.redis")


class DataLayer(LayerStack):
    LAYER = "data"

    def __init__(self, scope: Construct, context: BuildContext) -> None:
        super().__init__(scope, context)
        env = self.environment
        data = env.data
        network = self.read(NetworkingOutputs)
        security = self.read(SecurityOutputs)
        self.security = security
        self.account = DataAwsCallerIdentity(self, "account").account_id
        self.partition = DataAwsPartition(self, "partition").partition
        elb_account = DataAwsElbServiceAccount(self, "elb-account")
        account = self.account
        disposable = context.target.disposable
        # Data stores sit in the isolated tier where the network has one.
        store_tier = "isolated" if env.networking.isolated_subnets else "private"
        store_subnets = network.isolated_subnet_ids if store_tier == "isolated" else network.private_subnet_ids
        store_azs = [s.az for s in (env.networking.isolated_subnets or env.networking.private_subnets)]

        access_logs = access_log_bucket(
            self, env=env, namer=self.namer, account=account, elb_account_arn=elb_account.arn, force_destroy=disposable
        )
        self.buckets = {}
        for spec in data.buckets:
            bucket = SecureBucket(
                self,
                spec.name,
                bucket_name=self.namer.bucket(spec.name, account),
                kms_key_arn=self._key(spec.kms_key),
                transitions=spec.transitions,
                lifecycle_prefix=spec.lifecycle_prefix,
                expiration_days=spec.expiration_days,
                noncurrent_version_expiration_days=spec.noncurrent_version_expiration_days,
                object_lock=spec.object_lock,
                cors=spec.cors,
                tags=bucket_tags(env, spec.tags),
                access_log_bucket=access_logs,
                force_destroy=disposable,
                defer_policy=spec.cdn is not None,
            )
            self.buckets[spec.name] = bucket
            if spec.cdn:
                cdn = BucketDistribution(
                    self,
                    f"{spec.name}-cdn",
                    name=self.namer.name(spec.name),
                    config=spec.cdn,
                    bucket=bucket,
                    certificate_arn=security.edge_certificate_arn,
                )
                accept_finding(cdn.distribution, "CKV_AWS_68", env.decisions.cdn_without_waf)
                accept_finding(cdn.distribution, "CKV2_AWS_47", env.decisions.cdn_without_waf)
                if not spec.cdn.geo_restriction:
                    accept_finding(cdn.distribution, "CKV_AWS_374", env.decisions.cdn_worldwide)

        self.tables = {
            spec.name: EncryptedTable(
                self,
                f"table-{spec.name}",
                name=self.namer.name(spec.name),
                config=spec,
                kms_key_arn=self._key(spec.kms_key),
                deletion_protection=not disposable,
            )
            for spec in data.tables
        }
        self.queues = {
            spec.name: QueueWithDeadLetters(
                self,
                f"queue-{spec.name}",
                name=self.namer.name(spec.name),
                config=spec,
                kms_key_arn=self._key(spec.kms_key),
            )
            for spec in data.queues
        }
        self.topics = {
            spec.name: SnsTopic(
                self, f"topic-{spec.name}", name=self.namer.name(spec.name), kms_master_key_id=self._key(spec.kms_key)
            )
            for spec in data.topics
        }
        self.bus = None
        if data.event_bus:
            self.bus = EventBusWithArchive(
                self,
                "event-bus",
                name=self.namer.name(data.event_bus.name),
                config=data.event_bus,
                topic=self.topics[data.event_bus.forward_to_topic],
                kms_key_arn=self._key(data.event_bus.kms_key),
                account=account,
            )
        self.email_identity_arn = None
        if data.email and env.owns_account_baseline:
            email = EmailDomain(
                self,
                "email",
                config=data.email,
                region=env.region,
                account=account,
                events_topic_arn=self.topics[data.email.events_topic].arn if data.email.events_topic else None,
                reports_to=env.observability.alarm_email,
            )
            self.email_identity_arn = email.arn
            TerraformOutput(
                self,
                "email_dns_records",
                value=email.dns_records,
                description="DNS records to publish at the mail domain's DNS provider before services send mail",
            )
        elif data.email:
            # One identity per domain, account and region: the account baseline's owner holds it.
            self.email_identity_arn = f"arn:{self.partition}:ses:{env.region}:{account}:identity/{data.email.domain}"
        self.redis = None
        if data.redis:
            self.redis = RedisReplicationGroup(
                self,
                "redis",
                config=data.redis,
                name=self.namer.name(data.redis.name),
                auth_secret_name=data.redis.auth_secret_name
                or env.security.secret_name(data.redis.name, self.namer.prefix),
                subnet_ids=store_subnets,
                availability_zones=store_azs,
                security_group_id=security.cache_security_group_ids[data.redis.name],
                kms_key_arn=self._key(data.redis.kms_key),
                notification_topic_arn=(
                    self.topics[data.redis.notification_topic].arn if data.redis.notification_topic else None
                ),
                partition=self.partition,
                region=env.region,
                account=account,
            )
            if env.decisions.short_cache_snapshots and self.redis.group is not None:
                accept_finding(self.redis.group, "CKV_HIPAA_20", env.decisions.short_cache_snapshots)
        self.cache = None
        if data.cache:
            self.cache = ServerlessRedis(
                self,
                "cache",
                config=data.cache,
                subnet_ids=store_subnets,
                security_group_id=security.cache_security_group_ids[data.cache.name],
                kms_key_arn=self._key(data.cache.kms_key),
                partition=self.partition,
                region=env.region,
                account=account,
            )

        log_key = self._key(env.security.log_key)
        if data.aurora:
            database = AuroraServerlessCluster(
                self,
                "aurora",
                config=data.aurora,
                subnet_ids=store_subnets,
                subnet_tier=store_tier,
                availability_zones=store_azs,
                security_group_id=security.database_security_group_id,
                kms_key_arn=self._key(data.aurora.kms_key),
                log_key_arn=log_key,
                monitoring_role_arn=security.rds_monitoring_role_arn,
                deletion_protection=data.aurora.deletion_protection and not disposable,
            )
            database_arn = database.cluster.arn
            self.database_resource_id = database.resource_id
        else:
            database = RdsInstance(
                self,
                "database",
                config=data.database,
                subnet_ids=store_subnets,
                subnet_tier=store_tier,
                security_group_id=security.database_security_group_id,
                kms_key_arn=self._key(data.database.kms_key),
                monitoring_role_arn=security.rds_monitoring_role_arn,
                deletion_protection=data.database.deletion_protection and not disposable,
            )
            if not data.database.multi_az:
                accept_finding(
                    database.instance,
                    "CKV_AWS_157",
                    env.decisions.single_az_database,
                )
            replication = data.database.backup_replication
            if replication and self.creates(
                "aws_db_instance_automated_backups_replication", f"backup copies in {replication.region}"
            ):
                CrossRegionBackups(
                    self,
                    "backup-replication",
                    config=replication,
                    source_instance_arn=database.instance.arn,
                    provider=self.provider_in(replication.region),
                    description=f"{env.application} database backups copied from {env.region}",
                    account=account,
                    partition=self.partition,
                )
            database_arn = database.instance.arn
            self.database_resource_id = database.instance.resource_id

        RecordsBackup(
            self,
            "backup",
            config=data.backup,
            namer=self.namer,
            kms_key_arn=self._key(data.backup.kms_key),
            resource_arns=[database_arn, *(table.arn for table in self.tables.values())],
            partition=self.partition,
        )

        for service in env.compute.services:
            self._task_grants(service)

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
                cache_auth_secret_arn=self.redis.auth_secret.arn if self.redis else "",
                cache_auth_secret_key_arn=self._key(data.redis.kms_key) if data.redis else "",
            )
        )

    def _key(self, purpose: str) -> str:
        return key_arn(self.security, self.environment, purpose)

    def _task_grants(self, service: Service) -> None:
        """A service's application permissions live with the data they name."""
        statements = []
        if service.bucket_access:
            granted = [self.buckets[name] for name in service.bucket_access]
            statements += [
                Statement(
                    sid="ReadWriteObjects",
                    actions=("s3:PutObject", "s3:GetObject", "s3:DeleteObject"),
                    resources=tuple(f"{b.arn}/*" for b in granted),
                ),
                Statement(sid="ListBuckets", actions=("s3:ListBucket",), resources=tuple(b.arn for b in granted)),
            ]
        if service.sends_mail == "api":
            statements.append(
                Statement(
                    sid="SendMailAsTheSender",
                    actions=("ses:SendEmail", "ses:SendRawEmail"),
                    resources=(self.email_identity_arn,),
                    conditions={"StringEquals": {"ses:FromAddress": self.environment.data.email.sender}},
                )
            )
        statements += [
            Statement(
                sid=grant.sid,
                actions=grant.actions,
                resources=tuple(self._resolve(reference) for reference in grant.resources),
                conditions=grant.conditions,
            )
            for grant in service.permissions
        ]
        if not statements:
            return
        only_buckets = not service.permissions and service.sends_mail != "api"
        role_policy(
            self,
            f"task-buckets-{service.container_name}" if only_buckets else f"task-{service.container_name}",
            name="application-buckets" if only_buckets else "application-permissions",
            role=self.security.task_role_names[service.name],
            policy=policy_document(*statements),
        )

    def _resolve(self, reference: str) -> str:
        """The ARN a grant's resource reference names (the syntax is in config.Grant)."""
        if reference == "*":
            return "*"
        kind, _, rest = reference.partition(":")
        name, slash, suffix = rest.partition("/")
        env = self.environment
        if kind == "key":
            return self._key(name)
        if kind == "secret":
            return self.security.secret_arns[name]
        if kind == "dbuser":
            return f"arn:{self.partition}:rds-db:{env.region}:{self.account}:dbuser:{self.database_resource_id}/{rest}"
        if kind == "cacheuser":
            return self.cache.users[name].arn
        arn = {
            "queue": lambda: self.queues[name].arn,
            "bucket": lambda: self.buckets[name].arn,
            "table": lambda: self.tables[name].arn,
            "bus": lambda: self.bus.arn,
            "cache": lambda: (self.redis or self.cache).arn,
            "topic": lambda: self.topics[name].arn,
        }[kind]()
        return f"{arn}/{suffix}" if slash else arn

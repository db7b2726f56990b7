"""The `data` section: the database, caches, buckets, tables, queues, topics, mail, backup."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from hipaa_platform.config.base import (
    Model,
    Name,
    check_daily_window,
    check_monitoring_interval,
    check_performance_insights,
    check_retention,
    check_weekly_window,
    check_windows_apart,
    listed,
)
from hipaa_platform.config.security import DEFAULT_KEY, KEY_ALIAS
from hipaa_platform.config.tags import PROJECT_TAG_KEYS, TagKey


class DatabaseOperations(Model):
    """What RDS instances and Aurora clusters share: windows, monitoring, logs, key, protection."""

    port: int = Field(5432, ge=1150, le=65535)
    database_name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,62}$")
    master_username: str = Field(pattern=r"^[a-z][a-z0-9_]{0,15}$")
    backup_window: str = Field(description="hh:mm-hh:mm, UTC")
    maintenance_window: str = Field(description="ddd:hh:mm-ddd:hh:mm, UTC")
    deletion_protection: bool = True
    performance_insights_retention_days: int = 7
    monitoring_interval_seconds: int = 60
    log_retention_days: int = 2557
    kms_key: str = DEFAULT_KEY
    master_secret_rotation_days: int | None = Field(
        None, ge=1, le=1000, description="RDS rotates the master password this often (default: RDS's 7 days)"
    )
    master_secret_rotation_window_hours: int = Field(3, ge=1, le=24, description="how long a rotation may take")

    @field_validator("backup_window")
    @classmethod
    def _backup_window(cls, value: str) -> str:
        return check_daily_window(value)

    @field_validator("maintenance_window")
    @classmethod
    def _maintenance_window(cls, value: str) -> str:
        return check_weekly_window(value)

    @field_validator("performance_insights_retention_days")
    @classmethod
    def _pi(cls, value: int) -> int:
        return check_performance_insights(value)

    @field_validator("monitoring_interval_seconds")
    @classmethod
    def _monitoring(cls, value: int) -> int:
        return check_monitoring_interval(value)

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        return check_retention(value)

    @model_validator(mode="after")
    def _windows_apart(self) -> DatabaseOperations:
        check_windows_apart(self.backup_window, self.maintenance_window)
        return self


class BackupReplication(Model):
    """Automated backups copied to a second region, encrypted there with a key of their own."""

    region: str = Field(pattern=r"^[a-z]{2}(-gov)?-[a-z]+-\d$", description="destination region, e.g. us-west-2")
    retention_days: int = Field(7, ge=1, le=35)
    kms_key_alias: str = Field(pattern=KEY_ALIAS, description="alias of the destination region's key")


# The engine's own port where the file names none.
DEFAULT_PORT_BY_ENGINE = {"postgres": 5432, "mysql": 3306}


class Database(DatabaseOperations):
    identifier: Name
    engine: Literal["postgres", "mysql"] = "postgres"
    engine_version: str = Field(pattern=r"^\d+(\.\d+){0,2}$")
    instance_class: str = Field(pattern=r"^db\.[a-z0-9]+\.[a-z0-9]+$")
    allocated_storage_gb: int = Field(ge=20, le=65536)
    max_allocated_storage_gb: int = Field(ge=20, le=65536)
    storage_type: Literal["gp3", "gp2", "io1", "io2"] = "gp3"
    multi_az: bool = True
    performance_insights: bool = Field(
        True, description="false where RDS offers none for the class (decisions.no_performance_insights says why)"
    )
    backup_retention_days: int = 35
    backup_replication: BackupReplication | None = None
    cost_center: str | None = Field(
        None, min_length=2, description="the instance's CostCenter tag, where it differs from the environment's"
    )

    @field_validator("backup_retention_days")
    @classmethod
    def _backup(cls, value: int) -> int:
        if not 0 <= value <= 35:
            raise ValueError(f"{value} is outside the range RDS accepts; allowed: 0-35 days")
        return value

    @model_validator(mode="before")
    @classmethod
    def _engine_port(cls, data: object) -> object:
        if isinstance(data, dict) and "port" not in data and data.get("engine") in DEFAULT_PORT_BY_ENGINE:
            return {**data, "port": DEFAULT_PORT_BY_ENGINE[data["engine"]]}
        return data

    @model_validator(mode="after")
    def _replication_needs_backups(self) -> Database:
        if self.backup_replication and self.backup_retention_days == 0:
            raise ValueError("backup_replication needs automated backups; set backup_retention_days above 0")
        return self

    @model_validator(mode="after")
    def _storage(self) -> Database:
        if self.max_allocated_storage_gb < self.allocated_storage_gb:
            raise ValueError(
                f"max_allocated_storage_gb ({self.max_allocated_storage_gb}) is below "
                f"allocated_storage_gb ({self.allocated_storage_gb})"
            )
        return self


class Aurora(DatabaseOperations):
    """Aurora PostgreSQL Serverless v2: a writer and readers spread over the isolated subnets."""

    identifier: Name
    engine_version: str = Field(pattern=r"^\d+(\.\d+)?$")
    min_capacity_acu: float = Field(0.5, ge=0, le=256)
    max_capacity_acu: float = Field(64, ge=1, le=256)
    readers: int = Field(1, ge=0, le=15)
    backup_retention_days: int = Field(35, ge=1, le=35, description="Aurora keeps 1-35 days")

    @model_validator(mode="after")
    def _capacity(self) -> Aurora:
        if self.max_capacity_acu < self.min_capacity_acu:
            raise ValueError(f"max_capacity_acu ({self.max_capacity_acu}) is below min_capacity_acu")
        return self


class Cache(Model):
    """ElastiCache Serverless (Redis OSS) in the isolated subnets; clients authenticate with IAM."""

    name: Name
    major_engine_version: Literal["7"] = "7"
    port: int = 6379
    max_storage_gb: int = Field(10, ge=1, le=5000)
    max_ecpu_per_second: int = Field(5000, ge=1000, le=15_000_000)
    snapshot_retention_days: int = Field(7, ge=0, le=35)
    kms_key: str = DEFAULT_KEY
    iam_users: tuple[Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")], ...] = Field(
        min_length=1, description="IAM-authenticated users; each service connects as one"
    )


class Redis(Model):
    """ElastiCache Redis OSS as a replication group (cluster mode disabled): a primary and replicas,
    one node per availability zone of the store subnets, automatic failover and Multi-AZ, TLS in
    transit, a customer-managed key at rest, and IAM authentication for every client: no AUTH token
    or password exists, in the configuration, the synthesized JSON or Terraform state."""

    name: Name
    engine_version: str = Field(pattern=r"^\d+\.\d+$", description="e.g. 7.1")
    node_type: str = Field(pattern=r"^cache\.[a-z0-9]+\.[a-z0-9]+$")
    nodes: int = Field(2, ge=2, le=6, description="primary plus replicas; failover needs at least one replica")
    port: int = Field(6379, ge=1024, le=65535)
    snapshot_retention_days: int = Field(ge=1, le=35)
    snapshot_window: Annotated[str, AfterValidator(check_daily_window)] = Field(description="hh:mm-hh:mm, UTC")
    maintenance_window: Annotated[str, AfterValidator(check_weekly_window)] = Field(
        description="ddd:hh:mm-ddd:hh:mm, UTC"
    )
    auto_minor_version_upgrade: bool = True
    notification_topic: str | None = Field(None, description="name from data.topics for ElastiCache events")
    iam_users: tuple[Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")], ...] = Field(
        min_length=1, description="IAM-authenticated users; each service connects as one"
    )
    kms_key: str = DEFAULT_KEY

    @field_validator("engine_version")
    @classmethod
    def _iam_authentication_needs_redis_7(cls, value: str) -> str:
        if int(value.split(".")[0]) < 7:
            raise ValueError(f"{value}: ElastiCache authenticates IAM users from Redis OSS 7.0; allowed: 7.0, 7.1")
        return value

    @model_validator(mode="after")
    def _windows_apart(self) -> Redis:
        check_windows_apart(self.snapshot_window, self.maintenance_window, "snapshot_window", "ElastiCache")
        return self


class Transition(Model):
    after_days: int = Field(ge=1)
    storage_class: Literal["STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"]


class ObjectLock(Model):
    mode: Literal["COMPLIANCE", "GOVERNANCE"] = "COMPLIANCE"
    retention_days: int = Field(ge=1, le=36500)


class CorsRule(Model):
    """Cross-origin access from named origins only (a wildcard origin is refused)."""

    allowed_origins: tuple[Annotated[str, Field(pattern=r"^https://[a-z0-9.-]+(:\d+)?$")], ...] = Field(
        min_length=1, description="https origins, e.g. https://assets.example.com"
    )
    allowed_methods: tuple[Literal["GET", "HEAD", "PUT", "POST", "DELETE"], ...] = ("GET", "HEAD")
    allowed_headers: tuple[str, ...] = ()
    max_age_seconds: int = Field(3600, ge=0, le=86400)


class CdnApi(Model):
    """Paths a bucket's distribution sends to the load balancer instead of the bucket."""

    paths: tuple[Annotated[str, Field(pattern=r"^/[A-Za-z0-9/_.*-]*$")], ...] = ("/api/*",)
    origin_domain: str = Field(
        pattern=r"^[a-z0-9.-]+\.[a-z]{2,}$",
        description="a name on the load balancer's certificate whose DNS points at it (CloudFront checks TLS)",
    )
    ttl_seconds: int = Field(60, ge=0, le=86400, description="longest an API response is cached, per caller")


class Distribution(Model):
    """CloudFront in front of a private bucket (modules/shared/bucket_distribution.py)."""

    domain_name: str = Field(pattern=r"^[a-z0-9.-]+\.[a-z]{2,}$")
    price_class: Literal["PriceClass_100", "PriceClass_200", "PriceClass_All"] = "PriceClass_100"
    geo_restriction: tuple[Annotated[str, Field(pattern=r"^[A-Z]{2}$")], ...] = Field(
        (), description="ISO country codes allowed; empty: everywhere (decisions.cdn_worldwide says why)"
    )


class BucketCdn(Distribution):
    """CloudFront in front of the bucket, reading it through origin access control."""

    domain_name: str = Field(
        pattern=r"^[a-z0-9.-]+\.[a-z]{2,}$",
        description="in us-east-1 covered by the security certificate; elsewhere CloudFront's own certificate "
        "(us-east-1) is made for it",
    )
    api: CdnApi | None = Field(None, description="the load balancer as a second origin for these paths")
    hosted_zone_id: str | None = Field(
        None, pattern=r"^Z[A-Z0-9]{1,31}$", description="an existing Route 53 zone for the alias record"
    )


class Bucket(Model):
    name: Name = Field(description="role of the bucket; the account id is appended to make it unique")
    transitions: tuple[Transition, ...] = ()
    lifecycle_prefix: str = Field("", description="key prefix the transitions apply to; empty for all objects")
    expiration_days: int | None = Field(None, ge=1, description="objects are deleted this many days after creation")
    noncurrent_version_expiration_days: int = Field(2557, ge=1)
    kms_key: str = DEFAULT_KEY
    object_lock: ObjectLock | None = None
    cors: tuple[CorsRule, ...] = ()
    tags: dict[TagKey, str] = Field({}, description="tags of this bucket besides the project's own")
    cdn: BucketCdn | None = None
    object_access: Literal["account", "granted_services"] = Field(
        "account",
        description="granted_services: the bucket policy denies reading, writing and deleting objects to every "
        "principal but the task roles of the services whose bucket_access names it",
    )

    @model_validator(mode="after")
    def _lifecycle(self) -> Bucket:
        days = [t.after_days for t in self.transitions]
        if days != sorted(set(days)):
            raise ValueError(f"transitions: after_days {days} must rise from one transition to the next")
        tiers = {t.storage_class: t.after_days for t in self.transitions}
        if "GLACIER" in tiers and "DEEP_ARCHIVE" in tiers and tiers["DEEP_ARCHIVE"] - tiers["GLACIER"] < 90:
            raise ValueError(
                f"transitions: DEEP_ARCHIVE after {tiers['DEEP_ARCHIVE']} days is less than 90 days after GLACIER "
                f"({tiers['GLACIER']}); S3 keeps objects in Glacier at least 90 days; allowed: "
                f"{tiers['GLACIER'] + 90} days or later"
            )
        last = max(days, default=0)
        if self.expiration_days is not None and self.expiration_days <= last:
            raise ValueError(
                f"expiration_days ({self.expiration_days}) must come after the last transition ({last} days)"
            )
        if self.object_lock and self.expiration_days and self.expiration_days < self.object_lock.retention_days:
            raise ValueError(
                f"expiration_days ({self.expiration_days}) is shorter than the object lock retention "
                f"({self.object_lock.retention_days} days); allowed: at least the retention"
            )
        clashing = sorted(set(self.tags) & set(PROJECT_TAG_KEYS))
        if clashing:
            raise ValueError(f"tags: {clashing[0]!r} is set by the project; allowed: any other key")
        return self


class TableIndex(Model):
    name: Name
    hash_key: str
    range_key: str | None = None


class Table(Model):
    """A DynamoDB table: on-demand, KMS-encrypted, point-in-time recovery, deletion-protected."""

    name: Name
    hash_key: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    range_key: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    indexes: tuple[TableIndex, ...] = ()
    kms_key: str = DEFAULT_KEY


class Queue(Model):
    """An SQS queue with its own dead-letter queue, KMS-encrypted."""

    name: Name
    fifo: bool = False
    content_based_deduplication: bool = False
    visibility_timeout_seconds: int = Field(60, ge=0, le=43200)
    retention_days: int = Field(4, ge=1, le=14)
    max_receive_count: int = Field(5, ge=1, le=1000)
    kms_key: str = DEFAULT_KEY


class Topic(Model):
    name: Name
    kms_key: str = DEFAULT_KEY


class EventBus(Model):
    """A custom EventBridge bus with an archive for replay; a rule forwards events to a topic, with a DLQ."""

    name: Name
    archive_retention_days: int = Field(90, ge=1, le=36500)
    forward_sources: tuple[str, ...] = Field(min_length=1, description="event sources the rule forwards")
    forward_to_topic: str = Field(description="name from data.topics")
    kms_key: str = DEFAULT_KEY


class Email(Model):
    """The SES domain identity the services send mail from: one of the account's mail domains
    (accounts/<account>.yaml), which its baseline creates."""

    domain: str = Field(pattern=r"^[a-z0-9.-]+\.[a-z]{2,}$", description="verified with DKIM")
    sender: str = Field(pattern=r"^[^@\s]+@[a-z0-9.-]+\.[a-z]{2,}$", description="the From address, in domain")
    events_topic: str | None = Field(None, description="name from data.topics receiving bounces and complaints")

    @model_validator(mode="after")
    def _sender_in_domain(self) -> Email:
        if not self.sender.endswith(f"@{self.domain}"):
            raise ValueError(f"sender {self.sender!r} is not in domain {self.domain!r}; allowed: <name>@{self.domain}")
        return self


class Backup(Model):
    """AWS Backup of the environment's stores of record (its database and tables): a vault under a
    customer-managed key whose policy lets no one delete or shorten a recovery point, and a plan
    that runs at least daily and keeps each recovery point at least the conformance pack's 35 days."""

    schedule: str = Field("cron(0 5 ? * * *)", description="when the plan runs (UTC); daily or more often")
    retention_days: int = Field(35, ge=35, le=36500)
    vault_lock: Literal["none", "governance", "compliance"] = Field(
        "none", description="compliance: after 3 days no one, root included, can shorten retention or delete the vault"
    )
    kms_key: str = DEFAULT_KEY

    @field_validator("schedule")
    @classmethod
    def _at_least_daily(cls, value: str) -> str:
        fields = value.removeprefix("cron(").removesuffix(")").split()
        if not value.startswith("cron(") or len(fields) != 6:
            raise ValueError(f"{value!r} is not a cron expression of six fields, e.g. cron(0 5 ? * * *)")
        day_of_month, month, day_of_week = fields[2], fields[3], fields[4]
        if day_of_month not in ("*", "?") or month != "*" or day_of_week not in ("*", "?"):
            raise ValueError(f"{value!r} does not run every day; day of month, month and day of week must be * or ?")
        return value


class Data(Model):
    database: Database | None = None
    aurora: Aurora | None = None
    cache: Cache | None = None
    redis: Redis | None = None
    buckets: tuple[Bucket, ...] = ()
    tables: tuple[Table, ...] = ()
    queues: tuple[Queue, ...] = ()
    topics: tuple[Topic, ...] = ()
    event_bus: EventBus | None = None
    email: Email | None = None
    backup: Backup = Backup()

    @model_validator(mode="after")
    def _one_database(self) -> Data:
        if (self.database is None) == (self.aurora is None):
            raise ValueError("declare exactly one of database (RDS instance) or aurora (Aurora cluster)")
        if self.cache and self.redis:
            raise ValueError("declare at most one of cache (serverless) or redis (replication group)")
        topics = {t.name for t in self.topics}
        if self.redis and self.redis.notification_topic and self.redis.notification_topic not in topics:
            raise ValueError(
                f"redis.notification_topic: {self.redis.notification_topic!r} is not a topic; "
                f"allowed: {listed(sorted(topics)) or '(no data.topics)'}"
            )
        if self.event_bus and self.event_bus.forward_to_topic not in {t.name for t in self.topics}:
            raise ValueError(
                f"event_bus.forward_to_topic: {self.event_bus.forward_to_topic!r} is not a topic; "
                f"allowed: {listed(sorted(t.name for t in self.topics)) or '(no data.topics)'}"
            )
        return self

    @property
    def database_port(self) -> int:
        return self.database.port if self.database else self.aurora.port  # type: ignore[union-attr]

    @property
    def cache_name(self) -> str | None:
        """The cache of either kind, by name."""
        return self.cache.name if self.cache else (self.redis.name if self.redis else None)

    @property
    def cache_iam_users(self) -> tuple[str, ...]:
        """The IAM-authenticated users of the cache of either kind."""
        return self.cache.iam_users if self.cache else (self.redis.iam_users if self.redis else ())

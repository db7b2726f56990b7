"""Typed, frozen models of one environment file, with secure defaults.

Every check that a user can fail lives here, so bad input stops before any construct is built.
"""

from __future__ import annotations

import re
from ipaddress import IPv4Network
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from hipaa_platform.config.secrets_policy import secret_finding

# https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
# 0 (never expire) is left out on purpose: every log group has a bounded, stated retention.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545,
    731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip

# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
FARGATE_MEMORY_BY_CPU: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}

PERFORMANCE_INSIGHTS_RETENTION_DAYS = (7, *range(31, 731 + 1, 31))
ENHANCED_MONITORING_INTERVALS = (0, 1, 5, 10, 15, 30, 60)
COMPLIANCE_TAG_VALUES = ("hipaa", "pii-storage", "audit-required")

_WINDOW = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
_WEEKLY_WINDOW = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$"
)
_NAME = re.compile(r"^[a-z][a-z0-9-]{1,30}[a-z0-9]$")
_ENV_VAR = re.compile(r"^[A-Z_][A-Z0-9_]*$")

Name = Annotated[str, Field(pattern=_NAME.pattern, description="lower-case letters, digits and '-'")]


def _listed(values: tuple[object, ...] | list[object]) -> str:
    return ", ".join(str(v) for v in values)


class Model(BaseModel):
    """Base for every configuration model: immutable, and unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")


SUBNET_TIERS = ("public_subnets", "private_subnets", "isolated_subnets")


class Subnet(Model):
    cidr: IPv4Network = Field(description="IPv4 CIDR block inside the VPC")
    az: str = Field(description="availability zone name, e.g. us-east-1a")


AclProtocol = Literal["tcp", "udp", "icmp", "all"]


class AclRule(Model):
    """One stateless network ACL rule; ports apply to tcp and udp only."""

    number: int = Field(ge=1, le=32766, description="evaluated lowest first")
    direction: Literal["ingress", "egress"]
    action: Literal["allow", "deny"] = "allow"
    protocol: AclProtocol = "tcp"
    cidr: IPv4Network
    from_port: int | None = Field(None, ge=0, le=65535)
    to_port: int | None = Field(None, ge=0, le=65535)
    description: str = Field(min_length=5, description="what the rule admits and why (kept in this file)")

    @model_validator(mode="after")
    def _ports(self) -> AclRule:
        ported = self.protocol in ("tcp", "udp")
        if ported and (self.from_port is None or self.to_port is None):
            raise ValueError(f"rule {self.number}: {self.protocol} needs from_port and to_port")
        if not ported and (self.from_port is not None or self.to_port is not None):
            raise ValueError(f"rule {self.number}: ports apply to tcp and udp only, not {self.protocol}")
        if ported and self.from_port > self.to_port:
            raise ValueError(
                f"rule {self.number}: from_port {self.from_port} is above to_port {self.to_port}; "
                "allowed: from_port <= to_port"
            )
        return self

    @property
    def admits_everything(self) -> bool:
        """An allow from or to anywhere on every port."""
        every_port = self.protocol == "all" or (self.from_port == 0 and self.to_port == 65535)
        return self.action == "allow" and self.cidr.prefixlen == 0 and every_port


class NetworkAcls(Model):
    """Stateless rules per subnet tier, a second layer under the security groups. A tier listed here
    gets its own ACL; what its rules do not allow is denied."""

    public: tuple[AclRule, ...] = ()
    private: tuple[AclRule, ...] = ()
    isolated: tuple[AclRule, ...] = ()

    @model_validator(mode="after")
    def _rules(self) -> NetworkAcls:
        for tier in ACL_TIERS:
            rules = getattr(self, tier)
            for direction in ("ingress", "egress"):
                numbers = [r.number for r in rules if r.direction == direction]
                repeated = sorted({n for n in numbers if numbers.count(n) > 1})
                if repeated:
                    raise ValueError(
                        f"{tier}: {direction} rule number {repeated[0]} is used twice; allowed: one rule per "
                        "number and direction"
                    )
            if tier != "public":
                for rule in rules:
                    if rule.admits_everything:
                        raise ValueError(
                            f"{tier}: rule {rule.number} ({rule.direction}) allows every port from anywhere; a "
                            f"{tier} tier admits only what it needs (name the ports and, where possible, the VPC)"
                        )
        return self


ACL_TIERS = ("public", "private", "isolated")


class Networking(Model):
    vpc_cidr: IPv4Network
    nat: Literal["none", "single", "per_az"] = Field(
        "none", description="NAT gateways: none, one shared, or one per AZ"
    )
    public_subnets: tuple[Subnet, ...] = Field(min_length=1)
    private_subnets: tuple[Subnet, ...] = Field(min_length=2)
    isolated_subnets: tuple[Subnet, ...] = Field((), description="no route out of the VPC; data stores only")
    interface_endpoints: tuple[str, ...] = Field((), description="AWS service suffixes, e.g. ecr.api")
    gateway_endpoints: tuple[Literal["s3", "dynamodb"], ...] = ()
    flow_log_retention_days: int = 365
    network_acls: NetworkAcls | None = Field(None, description="stateless rules per subnet tier")

    @field_validator("flow_log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        return _check_retention(value)

    @property
    def air_gapped(self) -> bool:
        """No NAT, and AWS reached through interface endpoints inside the VPC only."""
        return bool(self.interface_endpoints) and self.nat == "none"

    @model_validator(mode="after")
    def _image_layers_reachable(self) -> Networking:
        if self.air_gapped and "ecr.dkr" in self.interface_endpoints and "s3" not in self.gateway_endpoints:
            raise ValueError(
                "gateway_endpoints: without NAT, ECR serves image layers from S3, which the tasks reach only "
                "through the S3 gateway endpoint; add s3"
            )
        return self

    @model_validator(mode="after")
    def _acls_name_existing_tiers(self) -> Networking:
        for tier in ACL_TIERS if self.network_acls else ():
            if getattr(self.network_acls, tier) and not getattr(self, f"{tier}_subnets"):
                raise ValueError(f"network_acls.{tier}: the network has no {tier}_subnets")
        return self

    @model_validator(mode="after")
    def _subnets_fit(self) -> Networking:
        seen: list[tuple[str, IPv4Network]] = []
        for tier in SUBNET_TIERS:
            for index, subnet in enumerate(getattr(self, tier)):
                where = f"{tier}[{index}].cidr"
                if not subnet.cidr.subnet_of(self.vpc_cidr):
                    raise ValueError(f"{where}: {subnet.cidr} lies outside vpc_cidr {self.vpc_cidr}")
                for other_where, other in seen:
                    if subnet.cidr.overlaps(other):
                        raise ValueError(f"{where}: {subnet.cidr} overlaps {other_where} ({other})")
                seen.append((where, subnet.cidr))
        return self

    @property
    def azs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.az for s in self.all_subnets))

    @property
    def all_subnets(self) -> tuple[Subnet, ...]:
        return (*self.public_subnets, *self.private_subnets, *self.isolated_subnets)


class Tags(Model):
    """The mandatory tag set; Environment, Application and Component are filled in by the project."""

    owner: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", description="team e-mail address")
    cost_center: str = Field(min_length=2)
    compliance: tuple[Literal["hipaa", "pii-storage", "audit-required"], ...] = ("hipaa",)


class State(Model):
    """Where each layer's remote state lives when the S3 backend is selected."""

    bucket: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    kms_key_alias: str = Field(pattern=r"^alias/[A-Za-z0-9/_-]+$")


KeyService = Literal["logs", "cloudtrail", "cloudwatch", "events", "sns", "cloudfront", "fargate", "ses"]
KEY_SERVICES: tuple[str, ...] = ("logs", "cloudtrail", "cloudwatch", "events", "sns", "cloudfront", "fargate", "ses")
DEFAULT_KEY = "default"
_ALIAS = r"^alias/[A-Za-z0-9/_-]+$"


class KeySpec(Model):
    """A customer-managed key for one purpose; resources name the purpose they are encrypted for."""

    purpose: Name
    alias: str = Field(pattern=_ALIAS)
    allow_services: tuple[KeyService, ...] = Field(
        (), description="AWS services the key policy lets encrypt with it: " + ", ".join(KEY_SERVICES)
    )


class SecretSpec(Model):
    """A Secrets Manager secret; its value is set out of band, never by this project."""

    name: Name = Field(description="how services and grants refer to it")
    secret_name: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9/_+=.@-]{1,512}$",
        description="the name in Secrets Manager, `/` allowed (default: <name_prefix>/<name>)",
    )
    description: str = Field(min_length=5)
    kms_key: str = DEFAULT_KEY


RATE_LIMIT_RULE = "rate-limit-per-ip"


class Waf(Model):
    managed_rule_groups: tuple[str, ...] = ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet")
    rate_limit_per_5_minutes: int = Field(1000, ge=10, le=2_000_000_000, description="requests per IP per 5 minutes")
    clinical_paths: tuple[str, ...] = Field((), description="path prefixes of the HL7/FHIR endpoints, e.g. /fhir/")
    clinical_content_types: tuple[str, ...] = Field(
        (), description="the only Content-Type values accepted on clinical_paths"
    )
    log_retention_days: int = 365
    count_only: tuple[str, ...] = Field(
        (),
        description=f"rules that only count (log) what they match instead of blocking it: names from "
        f"managed_rule_groups, or {RATE_LIMIT_RULE!r}",
    )

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        return _check_retention(value)

    @model_validator(mode="after")
    def _count_only_names_rules(self) -> Waf:
        rules = (*self.managed_rule_groups, RATE_LIMIT_RULE)
        for name in self.count_only:
            if name not in rules:
                raise ValueError(f"count_only: {name!r} is not a rule of this web ACL; allowed: {_listed(rules)}")
        return self

    @model_validator(mode="after")
    def _clinical_rule(self) -> Waf:
        if bool(self.clinical_paths) != bool(self.clinical_content_types):
            raise ValueError("clinical_paths and clinical_content_types are set together or not at all")
        return self


class CloudTrail(Model):
    kms_key: str = DEFAULT_KEY
    retention_years: int = Field(7, ge=1, le=100, description="Object Lock compliance-mode retention")
    log_retention_days: int = 365

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        return _check_retention(value)


class PasswordPolicy(Model):
    """The account's IAM password policy; the bounds are the HIPAA conformance pack's parameters.
    Upper and lower case letters, numbers and symbols are always required."""

    minimum_length: int = Field(14, ge=14, le=128)
    reuse_prevention: int = Field(24, ge=24, le=24, description="remembered passwords (IAM allows at most 24)")
    max_age_days: int = Field(90, ge=1, le=90)


class AccountSettings(Model):
    """Account-wide settings the environment owning the account baseline holds: the IAM password
    policy, EBS encryption by default and the account's S3 public access block (always on)."""

    password_policy: PasswordPolicy = PasswordPolicy()


class Security(Model):
    kms_key_alias: str = Field(pattern=_ALIAS, description="the default key, for whatever names no purpose")
    default_key_services: tuple[KeyService, ...] = Field(
        ("logs", "cloudwatch"), description="AWS services the default key's policy admits: " + ", ".join(KEY_SERVICES)
    )
    keys: tuple[KeySpec, ...] = Field((), description="further keys, one per purpose")
    log_key: str = Field(DEFAULT_KEY, description="key purpose of every log group")
    kms_deletion_window_days: int = Field(30, ge=7, le=30)
    certificate_domain: str = Field(pattern=r"^[a-z0-9.-]+\.[a-z]{2,}$")
    certificate_alternative_names: tuple[Annotated[str, Field(pattern=r"^[a-z0-9.*-]+\.[a-z]{2,}$")], ...] = ()
    parameters: tuple[Annotated[str, Field(pattern=_ENV_VAR.pattern)], ...] = Field(
        (), description="names of SecureString parameters; values are set out of band, never here"
    )
    secrets: tuple[SecretSpec, ...] = Field((), description="Secrets Manager secrets; values set out of band")
    permission_boundary: bool = Field(False, description="cap every workload role with a permission boundary")
    waf: Waf | None = None
    guardduty: bool = Field(
        True, description="the account has a GuardDuty detector (created by the owner of its baseline, always)"
    )
    security_hub: bool = Field(
        True, description="the account has Security Hub (enabled by the owner of its baseline, always)"
    )
    cloudtrail: CloudTrail | None = None
    account_settings: AccountSettings = Field(
        AccountSettings(), description="held by the environment that owns the account baseline"
    )

    @property
    def key_purposes(self) -> tuple[str, ...]:
        return (DEFAULT_KEY, *(k.purpose for k in self.keys))

    def secret_name(self, name: str, name_prefix: str) -> str:
        """The Secrets Manager name of security.secrets `name` (its secret_name, or <prefix>/<name>)."""
        spec = next((s for s in self.secrets if s.name == name), None)
        return spec.secret_name if spec and spec.secret_name else f"{name_prefix}/{name}"

    @model_validator(mode="after")
    def _keys(self) -> Security:
        purposes = [k.purpose for k in self.keys]
        duplicates = sorted({p for p in purposes if purposes.count(p) > 1} | ({DEFAULT_KEY} & set(purposes)))
        if duplicates:
            raise ValueError(f"keys: purpose {duplicates[0]!r} is declared twice ('{DEFAULT_KEY}' is built in)")
        aliases = [self.kms_key_alias, *(k.alias for k in self.keys)]
        if len(set(aliases)) != len(aliases):
            raise ValueError("keys: every key needs its own alias")
        return self


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
        return _check_daily_window(value)

    @field_validator("maintenance_window")
    @classmethod
    def _maintenance_window(cls, value: str) -> str:
        return _check_weekly_window(value)

    @field_validator("performance_insights_retention_days")
    @classmethod
    def _pi(cls, value: int) -> int:
        return _check_performance_insights(value)

    @field_validator("monitoring_interval_seconds")
    @classmethod
    def _monitoring(cls, value: int) -> int:
        return _check_monitoring_interval(value)

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        return _check_retention(value)

    @model_validator(mode="after")
    def _windows_apart(self) -> DatabaseOperations:
        _check_windows_apart(self.backup_window, self.maintenance_window)
        return self


class BackupReplication(Model):
    """Automated backups copied to a second region, encrypted there with a key of their own."""

    region: str = Field(pattern=r"^[a-z]{2}(-gov)?-[a-z]+-\d$", description="destination region, e.g. us-west-2")
    retention_days: int = Field(7, ge=1, le=35)
    kms_key_alias: str = Field(pattern=_ALIAS, description="alias of the destination region's key")


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
    transit, a customer-managed key at rest, and an AUTH token generated into Secrets Manager."""

    name: Name
    engine_version: str = Field(pattern=r"^\d+\.\d+$", description="e.g. 7.1")
    node_type: str = Field(pattern=r"^cache\.[a-z0-9]+\.[a-z0-9]+$")
    nodes: int = Field(2, ge=2, le=6, description="primary plus replicas; failover needs at least one replica")
    port: int = Field(6379, ge=1024, le=65535)
    snapshot_retention_days: int = Field(ge=1, le=35)
    snapshot_window: Annotated[str, AfterValidator(_check_daily_window)] = Field(description="hh:mm-hh:mm, UTC")
    maintenance_window: Annotated[str, AfterValidator(_check_weekly_window)] = Field(
        description="ddd:hh:mm-ddd:hh:mm, UTC"
    )
    auto_minor_version_upgrade: bool = True
    notification_topic: str | None = Field(None, description="name from data.topics for ElastiCache events")
    auth_secret_name: str | None = Field(
        None, pattern=r"^[A-Za-z0-9/_+=.@-]{1,512}$", description="the AUTH secret's name (default: <prefix>/<name>)"
    )
    kms_key: str = DEFAULT_KEY

    @model_validator(mode="after")
    def _windows_apart(self) -> Redis:
        _check_windows_apart(self.snapshot_window, self.maintenance_window, "snapshot_window", "ElastiCache")
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


class BucketCdn(Model):
    """CloudFront in front of the bucket, reading it through origin access control."""

    domain_name: str = Field(
        pattern=r"^[a-z0-9.-]+\.[a-z]{2,}$",
        description="in us-east-1 covered by the security certificate; elsewhere CloudFront's own certificate "
        "(us-east-1) is made for it",
    )
    api: CdnApi | None = Field(None, description="the load balancer as a second origin for these paths")
    price_class: Literal["PriceClass_100", "PriceClass_200", "PriceClass_All"] = "PriceClass_100"
    hosted_zone_id: str | None = Field(
        None, pattern=r"^Z[A-Z0-9]{1,31}$", description="an existing Route 53 zone for the alias record"
    )
    geo_restriction: tuple[Annotated[str, Field(pattern=r"^[A-Z]{2}$")], ...] = Field(
        (), description="ISO country codes allowed; empty: everywhere (decisions.cdn_worldwide says why)"
    )


TagKey = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_.:/=+@-]{0,127}$")]
# Compliance is left out: a bucket's value is added to the environment's (hipaa_platform/building/tagging.py).
PROJECT_TAG_KEYS = ("Environment", "Application", "Component", "CostCenter", "Owner", "Backup", "Encryption",
                    "ManagedBy", "PlatformEnvironment")  # fmt: skip


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
    """An SES domain identity the services send mail from; the environment owning the account
    baseline creates it (one per domain, account and region), the others send through it."""

    domain: str = Field(pattern=r"^[a-z0-9.-]+\.[a-z]{2,}$", description="verified with DKIM")
    sender: str = Field(pattern=r"^[^@\s]+@[a-z0-9.-]+\.[a-z]{2,}$", description="the From address, in domain")
    mail_from_subdomain: str = Field(
        "mail", pattern=r"^[a-z0-9-]+$", description="custom MAIL FROM <subdomain>.<domain>, for SPF alignment"
    )
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
                f"allowed: {_listed(sorted(topics)) or '(no data.topics)'}"
            )
        if self.event_bus and self.event_bus.forward_to_topic not in {t.name for t in self.topics}:
            raise ValueError(
                f"event_bus.forward_to_topic: {self.event_bus.forward_to_topic!r} is not a topic; "
                f"allowed: {_listed(sorted(t.name for t in self.topics)) or '(no data.topics)'}"
            )
        return self

    @property
    def database_port(self) -> int:
        return self.database.port if self.database else self.aurora.port  # type: ignore[union-attr]

    @property
    def cache_name(self) -> str | None:
        """The cache of either kind, by name."""
        return self.cache.name if self.cache else (self.redis.name if self.redis else None)


# Secret sources a container may name besides security.parameters and security.secrets: the
# master-credentials secret RDS manages (`@database:password`), and data.redis's AUTH token.
DATABASE_SECRET = "@database"
CACHE_AUTH_SECRET = "@cache"
# An environment value naming a bucket of data.buckets: its name, which carries the account id.
BUCKET_REFERENCE = "@bucket:"
# Environment values the data layer knows once the database exists: its endpoint host and port.
DATABASE_ENDPOINT_VALUES = ("@database:host", "@database:port")


class ContainerHealthCheck(Model):
    command: tuple[str, ...] = Field(min_length=2)
    interval_seconds: int = Field(30, ge=5, le=300)
    timeout_seconds: int = Field(5, ge=2, le=120)
    retries: int = Field(3, ge=1, le=10)
    start_period_seconds: int = Field(60, ge=0, le=300)


class Grant(Model):
    """One IAM statement of a task role. Resources are references resolved by the data layer:
    queue:<name>, bucket:<name>[/<key pattern>], table:<name>[/index/*], key:<purpose>, bus:<name>,
    cache:<name>, cacheuser:<user>, topic:<name>, secret:<name>, dbuser:<database user>, or *."""

    sid: str = Field(pattern=r"^[A-Za-z0-9]+$")
    actions: tuple[Annotated[str, Field(pattern=r"^[a-z0-9-]+:[A-Za-z*]+$")], ...] = Field(min_length=1)
    resources: tuple[str, ...] = Field(min_length=1)
    conditions: dict[str, dict[str, str | tuple[str, ...]]] = {}


class StepAdjustment(Model):
    lower: float | None = Field(None, description="offset from the alarm threshold where the step starts")
    upper: float | None = None
    change: int = Field(description="tasks added (negative: removed)")


class QueueScaling(Model):
    queue: str = Field(description="name from data.queues")
    alarm_threshold_messages: int = Field(ge=1)
    steps: tuple[StepAdjustment, ...] = Field(min_length=1)
    cooldown_seconds: int = Field(120, ge=0)


class Autoscaling(Model):
    min_count: int = Field(ge=0, le=1000)
    max_count: int = Field(ge=1, le=1000)
    cpu_target_percent: float | None = Field(65, ge=1, le=100)
    memory_target_percent: float | None = Field(None, ge=1, le=100, description="average memory use to keep")
    requests_per_target: int | None = Field(None, ge=1)
    scale_in_cooldown_seconds: int = 300
    scale_out_cooldown_seconds: int = 60
    queue_depth: QueueScaling | None = None

    @model_validator(mode="after")
    def _bounds(self) -> Autoscaling:
        if self.max_count < self.min_count:
            raise ValueError(f"max_count ({self.max_count}) is below min_count ({self.min_count})")
        return self


class ServiceNames(Model):
    """Names a seed fixes for one service's resources; each left out comes from the naming helper."""

    task_family: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]{1,255}$")
    target_group: str | None = Field(None, pattern=r"^[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?$")
    log_group: str | None = Field(None, pattern=r"^/[A-Za-z0-9/_.#-]{1,511}$")
    repository: str | None = Field(None, pattern=r"^[a-z0-9]+([._/-][a-z0-9]+)*$")


class Service(Model):
    name: Name = Field(description="ECS service name")
    container_name: Name
    image_tag: str = Field(
        "latest",
        pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$",
        description="the tag the task definition Terraform owns runs; with IMMUTABLE repositories the first "
        "release's, since each release is a new tag",
    )
    capacity: Literal["fargate", "ec2"] = Field("fargate", description="ec2 needs compute.ec2_capacity")
    cpu: int
    memory: int
    desired_count: int = Field(ge=0, le=1000)
    container_port: int = Field(ge=1, le=65535)
    cpu_architecture: Literal["X86_64", "ARM64"] = "X86_64"
    subnet_tier: Literal["public", "private"] = "private"
    assign_public_ip: bool = False
    routes: tuple[Annotated[str, Field(pattern=r"^/[A-Za-z0-9/_.*-]*$")], ...] = Field(
        ("/*",), min_length=1, max_length=5, description="path patterns the load balancer sends to this service"
    )
    route_priority: int | None = Field(
        None,
        ge=1,
        le=50000,
        description="listener-rule priority of the routes, lowest matched first; required when several services "
        "share the load balancer, so that their order in this file means nothing",
    )
    deployment: Literal["rolling", "blue_green"] = Field("rolling", description="ECS rolling, or CodeDeploy")
    xray_sidecar: bool = False
    service_discovery: bool = False
    enable_execute_command: bool = False
    connects_to: tuple[Literal["database", "cache"], ...] = ("database",)
    sends_mail: Literal["api", "smtp"] | None = Field(
        None,
        description="through data.email: api (SES SendEmail with the task role, over HTTPS) or smtp (port 587, "
        "SMTP credentials from a secret)",
    )
    cache_user: str | None = Field(None, description="IAM user of data.cache this service connects as")
    autoscaling: Autoscaling | None = None
    permissions: tuple[Grant, ...] = ()
    minimum_healthy_percent: int = Field(100, ge=0, le=100)
    maximum_percent: int = Field(200, ge=100, le=200)
    health_check: ContainerHealthCheck
    environment: dict[Annotated[str, Field(pattern=_ENV_VAR.pattern)], str] = Field(
        {}, description="variable -> value; @bucket:<name> is that bucket's name (it carries the account id)"
    )
    secrets: dict[Annotated[str, Field(pattern=_ENV_VAR.pattern)], str] = Field(
        {},
        description="environment variable -> parameter name, secret name, or secret:json-key; @database:<key> "
        "reads the master credentials RDS manages, @cache the AUTH token of data.redis; "
        "a list means each variable reads the parameter of the same name",
    )
    bucket_access: tuple[str, ...] = Field((), description="names from data.buckets")
    writable_paths: tuple[str, ...] = Field(("/tmp",), description="scratch volumes; the root filesystem is read-only")
    log_retention_days: int = 2557
    names: ServiceNames = ServiceNames()

    @field_validator("secrets", mode="before")
    @classmethod
    def _secrets_list(cls, value: object) -> object:
        return {name: name for name in value} if isinstance(value, list | tuple) else value

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        return _check_retention(value)

    @model_validator(mode="after")
    def _no_plaintext_secrets(self) -> Service:
        for name, setting in self.environment.items():
            finding = secret_finding(name, setting)
            if finding:
                raise ValueError(
                    f"environment.{name} of service {self.name!r}: {finding}; plain-text secrets are refused. "
                    "Declare the secret under security.secrets (or security.parameters), set its value out of "
                    f"band, and name it in this service's secrets (e.g. {name}: <secret name>, or "
                    f"{DATABASE_SECRET}:password for the database's own)"
                )
        return self

    @field_validator("cpu")
    @classmethod
    def _cpu(cls, value: int, info: ValidationInfo) -> int:
        if info.data.get("capacity") == "ec2":
            if not 128 <= value <= 10240:
                raise ValueError(f"{value} is outside what an EC2 task may reserve; allowed: 128-10240 units")
        elif value not in FARGATE_MEMORY_BY_CPU:
            raise ValueError(f"{value} is not a Fargate CPU size; allowed: {_listed(tuple(FARGATE_MEMORY_BY_CPU))}")
        return value

    @model_validator(mode="after")
    def _task_size(self) -> Service:
        if self.capacity == "ec2":
            if self.memory < 128:
                raise ValueError(
                    f"memory {self.memory} is below what an EC2 task may reserve; allowed: 128 MiB or more"
                )
            if self.assign_public_ip:
                raise ValueError("assign_public_ip is a Fargate setting; EC2 tasks never get a public IP")
            return self
        allowed = FARGATE_MEMORY_BY_CPU[self.cpu]
        if self.memory not in allowed:
            raise ValueError(
                f"memory {self.memory} does not fit cpu {self.cpu} on Fargate; allowed: {_listed(allowed)}"
            )
        if self.assign_public_ip and self.subnet_tier != "public":
            raise ValueError("assign_public_ip needs subnet_tier: public")
        return self


class Ec2Capacity(Model):
    """ECS container instances: an Auto Scaling group of ECS-optimized Amazon Linux 2023 in the private
    subnets, behind a capacity provider with managed scaling. Tasks keep awsvpc networking, so each
    has its own security group."""

    instance_type: str = Field(description="an x86_64 EC2 instance type (the image is x86_64), e.g. t3.small")
    min_size: int = Field(ge=0, le=1000)
    max_size: int = Field(ge=1, le=1000)
    target_capacity_percent: int = Field(100, ge=1, le=100, description="managed scaling's target utilisation")
    root_volume_gb: int = Field(30, ge=30, le=16384, description="the ECS-optimized AMI needs 30 GB")
    kms_key: str = DEFAULT_KEY

    @field_validator("instance_type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        from hipaa_platform.config.aws_limits import instance_types

        if value not in instance_types():
            raise ValueError(f"{value!r} is not an EC2 instance type; allowed: a type EC2 offers, e.g. t3.small")
        return value

    @model_validator(mode="after")
    def _sizes(self) -> Ec2Capacity:
        if self.max_size < self.min_size:
            raise ValueError(f"max_size ({self.max_size}) is below min_size ({self.min_size})")
        return self

    @property
    def tasks_per_instance(self) -> int:
        """An awsvpc task takes a network interface of its own; the instance keeps its primary one."""
        from hipaa_platform.config.aws_limits import instance_types

        return instance_types()[self.instance_type].network_interfaces - 1


class LoadBalancer(Model):
    ssl_policy: Literal[
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
        "ELBSecurityPolicy-TLS13-1-3-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
        "ELBSecurityPolicy-TLS-1-2-2017-01",  # TLS 1.2 only, no TLS 1.3: accepted where a seed states it
    ] = "ELBSecurityPolicy-TLS13-1-2-2021-06"
    drop_invalid_header_fields: bool = True
    deletion_protection: bool = True
    health_check_path: str = "/"
    health_check_interval_seconds: int = Field(30, ge=5, le=300)
    health_check_timeout_seconds: int = Field(5, ge=2, le=120)
    healthy_threshold: int = Field(2, ge=2, le=10)
    unhealthy_threshold: int = Field(3, ge=2, le=10)
    health_check_matcher: str = Field("200-399", pattern=r"^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$")
    deregistration_delay_seconds: int = Field(30, ge=0, le=3600)
    access_log_retention_days: int = Field(2557, ge=1)
    internal: bool = Field(False, description="reachable only from inside the VPC (e.g. behind API Gateway)")
    http_redirect: bool = Field(True, description="answer HTTP on 80 with a 301 to HTTPS")
    test_listener_port: int | None = Field(None, ge=1, le=65535, description="blue-green test traffic listener")
    idle_timeout_seconds: int = Field(60, ge=1, le=4000)


class ApiGateway(Model):
    """A Regional HTTP API in front of the internal load balancer, over a VPC link."""

    throttle_rate_per_second: int = Field(500, ge=1)
    throttle_burst: int = Field(1000, ge=1)
    log_retention_days: int = 365

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        return _check_retention(value)


class Spa(Model):
    """A single-page app on CloudFront from a private S3 bucket through origin access control."""

    domain_name: str = Field(pattern=r"^[a-z0-9.-]+\.[a-z]{2,}$")
    geo_restriction: tuple[Annotated[str, Field(pattern=r"^[A-Z]{2}$")], ...] = Field(
        min_length=1, description="ISO country codes allowed to load the app"
    )
    price_class: Literal["PriceClass_100", "PriceClass_200", "PriceClass_All"] = "PriceClass_100"


FIRST_ROUTE_PRIORITY = 100
MOVING_TAG = "latest"  # the tag a release flow moves; an immutable repository takes it once


class Compute(Model):
    cluster_name: Name
    container_insights: bool = True
    capacity_providers: tuple[Literal["FARGATE", "FARGATE_SPOT"], ...] = ()
    execute_command_logging: bool = Field(False, description="record ECS Exec sessions in an encrypted log group")
    service_discovery_namespace: str | None = Field(None, pattern=r"^[a-z0-9.-]+$")
    load_balancer: LoadBalancer = LoadBalancer()
    api_gateway: ApiGateway | None = None
    spa: Spa | None = None
    services: tuple[Service, ...] = Field(min_length=1)
    image_tag_mutability: Literal["IMMUTABLE", "MUTABLE"] = "IMMUTABLE"
    image_retention_count: int = Field(20, ge=1, le=1000)
    untagged_image_expiry_days: int = Field(30, ge=1, le=3650, description="untagged images are expired after")
    ephemeral_storage_key: str | None = Field(
        None, description="key purpose that encrypts Fargate tasks' ephemeral storage (default: AWS-owned key)"
    )
    ec2_capacity: Ec2Capacity | None = Field(None, description="container instances for services with capacity: ec2")

    @model_validator(mode="after")
    def _services(self) -> Compute:
        names = [s.name for s in self.services]
        containers = [s.container_name for s in self.services]
        for label, values in (("name", names), ("container_name", containers)):
            repeated = sorted({v for v in values if values.count(v) > 1})
            if repeated:
                raise ValueError(f"services: {label} {repeated[0]!r} is used twice")
        routes = [r for s in self.services for r in s.routes]
        repeated = sorted({r for r in routes if routes.count(r) > 1})
        if repeated:
            raise ValueError(f"services: route {repeated[0]!r} is claimed by two services")
        if len(self.services) > 1:
            for index, service in enumerate(self.services):
                if service.route_priority is None:
                    raise ValueError(
                        f"services[{index}].route_priority is required when several services share the load "
                        "balancer (listener rules are matched lowest first); allowed: a distinct number 1-50000"
                    )
            priorities = [s.route_priority for s in self.services]
            repeated = sorted({p for p in priorities if priorities.count(p) > 1})
            if repeated:
                raise ValueError(f"services: route_priority {repeated[0]} is used twice; allowed: distinct 1-50000")
        for index, service in enumerate(self.services):
            if service.service_discovery and not self.service_discovery_namespace:
                raise ValueError(f"services[{index}].service_discovery needs compute.service_discovery_namespace")
            if service.deployment == "blue_green" and not self.load_balancer.test_listener_port:
                raise ValueError(f"services[{index}].deployment blue_green needs load_balancer.test_listener_port")
        if self.api_gateway and not self.load_balancer.internal:
            raise ValueError("api_gateway fronts an internal load balancer; set load_balancer.internal: true")
        return self

    @model_validator(mode="after")
    def _ec2_tasks_fit(self) -> Compute:
        on_ec2 = [s for s in self.services if s.capacity == "ec2"]
        if on_ec2 and not self.ec2_capacity:
            raise ValueError(f"services: {on_ec2[0].name!r} has capacity: ec2, which needs compute.ec2_capacity")
        if self.ec2_capacity and not on_ec2:
            raise ValueError("ec2_capacity: no service has capacity: ec2; remove it or place a service on it")
        if not self.ec2_capacity:
            return self
        for service in on_ec2:
            if service.cpu_architecture != "X86_64":
                raise ValueError(
                    f"services: {service.name!r} is {service.cpu_architecture}, but ec2_capacity runs the x86_64 "
                    "ECS-optimized AMI; allowed on EC2: X86_64"
                )
        # During a rolling deployment a service runs up to maximum_percent of its desired count.
        peak = sum(-(-s.desired_count * s.maximum_percent // 100) for s in on_ec2)
        slots = self.ec2_capacity.max_size * self.ec2_capacity.tasks_per_instance
        if peak > slots:
            raise ValueError(
                f"ec2_capacity: {peak} awsvpc tasks at the peak of a deployment, but max_size "
                f"{self.ec2_capacity.max_size} x {self.ec2_capacity.tasks_per_instance} task interfaces per "
                f"{self.ec2_capacity.instance_type} gives {slots}; raise max_size or choose a larger type"
            )
        return self

    def route_priority(self, service: Service) -> int:
        """A lone service may leave its priority out; it gets the first one."""
        return service.route_priority if service.route_priority is not None else FIRST_ROUTE_PRIORITY


class BuildSteps(Model):
    """What a service's build runs, around the image build and push the module owns."""

    architecture: Literal["ARM64", "X86_64"] = Field(description="CPU the image is built for and the build runs on")
    test: tuple[str, ...] = Field(min_length=1, description="commands that must pass before the image is built")
    source_scan: tuple[str, ...] = Field((), description="commands that scan the source before the build")
    image_scan: tuple[str, ...] = Field(
        (),
        description="commands that scan the built image ($ECR_REGISTRY/$IMAGE_REPOSITORY:$IMAGE_TAG) before the push",
    )
    integration_test: tuple[str, ...] = Field(min_length=1, description="post-deploy test commands")


class CodePipeline(Model):
    """Per service: CodeStar source, CodeBuild build, CodeDeploy blue-green, post-deploy tests."""

    repository_owner: str = Field(pattern=r"^[A-Za-z0-9_.-]+$", description="repositories are <owner>/<service>")
    branch: str = "main"
    deployment_config: Literal[
        "CodeDeployDefault.ECSCanary10Percent5Minutes",
        "CodeDeployDefault.ECSCanary10Percent15Minutes",
        "CodeDeployDefault.ECSLinear10PercentEvery1Minutes",
        "CodeDeployDefault.ECSLinear10PercentEvery3Minutes",
        "CodeDeployDefault.ECSAllAtOnce",
    ] = "CodeDeployDefault.ECSCanary10Percent5Minutes"
    termination_wait_minutes: int = Field(15, ge=0, le=2880)
    build: BuildSteps
    build_image: str = Field(description="CodeBuild image; an aarch64 image for ARM64 builds, x86_64 otherwise")
    build_compute_type: str = "BUILD_GENERAL1_LARGE"
    build_secrets: dict[Annotated[str, Field(pattern=_ENV_VAR.pattern)], str] = Field(
        {}, description="variable -> Secrets Manager reference (name:json-key) read by the build"
    )
    artifact_retention_days: int = Field(90, ge=1)

    @model_validator(mode="after")
    def _build_image_fits(self) -> CodePipeline:
        arm = "aarch64" in self.build_image
        if arm != (self.build.architecture == "ARM64"):
            raise ValueError(
                f"build_image {self.build_image!r} does not run {self.build.architecture} builds; allowed: an "
                f"{'aarch64' if self.build.architecture == 'ARM64' else 'x86_64'} CodeBuild image"
            )
        return self


class Pipeline(Model):
    github_repository: str | None = Field(
        None, pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", description="owner/name, for the GitHub OIDC deploy role"
    )
    github_branch: str = "main"
    codepipeline: CodePipeline | None = None
    static_sites: tuple[Name, ...] = Field(
        (),
        description="data.buckets (without a cdn) the GitHub deploy role ships a static website into "
        "(s3 sync --delete)",
    )

    @model_validator(mode="after")
    def _one_way_to_ship(self) -> Pipeline:
        if not self.github_repository and not self.codepipeline:
            raise ValueError("declare github_repository (GitHub Actions) or codepipeline (AWS CodePipeline)")
        return self


class Budget(Model):
    monthly_limit_usd: float = Field(gt=0)
    alert_thresholds_percent: tuple[int, ...] = Field((80, 100), min_length=1)


class ServiceAlarms(Model):
    """Per service: 5xx rate, p99 latency and running tasks, combined in one composite alarm."""

    error_rate_percent: float = Field(1.0, gt=0, le=100)
    p99_latency_seconds: float = Field(1.0, gt=0)
    evaluation_periods: int = Field(3, ge=1, le=100)


class XRaySampling(Model):
    baseline_rate: float = Field(0.05, ge=0, le=1)
    error_rate: float = Field(1.0, ge=0, le=1)
    slow_request_seconds: float = Field(2.0, gt=0)


class MetricFilter(Model):
    name: Name
    pattern: str = Field(min_length=1, description="CloudWatch Logs filter pattern")


Dashboard = Literal["services", "load-balancer", "database", "cache", "queues", "cost"]


class TargetErrors(Model):
    """The per-service alarm on 5xx answers from the targets: more than `count` in each of `periods`."""

    count: int = Field(5, ge=0)
    period_seconds: Literal[60, 300] = 60
    periods: int = Field(3, ge=1, le=100)


class GuardDutyAlerts(Model):
    min_severity: float = Field(7.0, ge=1, le=10, description="findings at or above it (7: high and critical)")


class Observability(Model):
    alarm_email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    budget: Budget | None = None
    service_alarms: ServiceAlarms | None = None
    xray_sampling: XRaySampling | None = None
    metric_filters: tuple[MetricFilter, ...] = ()
    dashboards: tuple[Dashboard, ...] = Field((), description="dashboards besides the platform overview")
    dashboard_name: str | None = Field(
        None, pattern=r"^[A-Za-z0-9_-]{1,255}$", description="the overview's name (default: <prefix>-platform)"
    )
    ecs_cpu_alarm_percent: int = Field(80, ge=1, le=100)
    ecs_memory_alarm_percent: int = Field(80, ge=1, le=100)
    rds_cpu_alarm_percent: int = Field(70, ge=1, le=100)
    rds_connections_alarm: int | None = Field(None, ge=1, description="alarm above this many connections")
    rds_alarm_periods: int = Field(3, ge=1, le=100, description="5-minute periods the database alarms evaluate")
    rds_free_storage_alarm_gb: int = Field(2, ge=1)
    target_5xx: TargetErrors = Field(default_factory=lambda: TargetErrors())
    guardduty_alerts: GuardDutyAlerts | None = Field(
        None, description="GuardDuty findings sent to the alarm topic (in the environment owning the detector)"
    )


Reason = Annotated[
    str, Field(min_length=40, description="why the checkov finding this choice leaves open is safe here")
]


CACHE_SNAPSHOT_DAYS = 15  # the conformance pack's elasticache-redis-cluster-automatic-backup-check default


class Decisions(Model):
    """Choices of this environment that leave a checkov finding open, each with the reason the
    gate's table shows. A choice without its reason, or a reason without its choice, is refused."""

    no_waf: Reason | None = Field(None, description="security.waf is not set: CKV2_AWS_28 on the load balancer")
    public_task_ips: Reason | None = Field(None, description="a service has assign_public_ip: CKV_AWS_333")
    container_insights_off: Reason | None = Field(None, description="compute.container_insights false: CKV_AWS_65")
    mutable_image_tags: Reason | None = Field(None, description="compute.image_tag_mutability MUTABLE: CKV_AWS_51")
    single_az_database: Reason | None = Field(None, description="data.database.multi_az false: CKV_AWS_157")
    no_performance_insights: Reason | None = Field(
        None,
        description="data.database.performance_insights false (CKV_AWS_353 where the class offers it; where it "
        "does not, the reason still says how the database is watched): CKV_AWS_353",
    )
    cdn_without_waf: Reason | None = Field(
        None,
        description="a bucket has a cdn or compute.spa is set (no CloudFront web ACL is built): CKV_AWS_68, "
        "CKV2_AWS_47",
    )
    cdn_worldwide: Reason | None = Field(None, description="a bucket's cdn has no geo_restriction: CKV_AWS_374")
    waf_count_only: Reason | None = Field(
        None, description="security.waf.count_only names a rule: CKV_HIPAA_4 on the web ACL"
    )
    short_cache_snapshots: Reason | None = Field(
        None, description="data.redis.snapshot_retention_days below 15: CKV_HIPAA_20 on the replication group"
    )


class Environment(Model):
    """One deployable environment: the whole platform for one system and stage."""

    name: Name = Field(description="environment name; prefixes state keys")
    name_prefix: Name = Field(description="prefix for AWS resource names")
    application: Name
    stage: Literal["dev", "staging", "prod"]
    region: Literal[
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1",
        "eu-west-1", "eu-west-2", "eu-central-1", "ap-southeast-2",
    ]  # fmt: skip
    tags: Tags
    state: State
    networking: Networking
    security: Security
    data: Data
    compute: Compute
    pipeline: Pipeline
    observability: Observability
    account_baseline: Literal["owner", "existing"] = Field(
        "owner",
        description="owner: this environment creates the account-wide resources (GuardDuty detector, Security "
        "Hub, the GitHub OIDC provider); existing: another environment in the same account and region owns "
        "them and this one only uses them",
    )
    decisions: Decisions = Decisions()

    @property
    def owns_account_baseline(self) -> bool:
        return self.account_baseline == "owner"

    @property
    def edge_certificate_names(self) -> tuple[str, ...]:
        """Names CloudFront serves outside us-east-1; its certificate must come from us-east-1."""
        if self.region == "us-east-1":
            return ()
        return tuple(b.cdn.domain_name for b in self.data.buckets if b.cdn)

    @model_validator(mode="after")
    def _backups_copied_elsewhere(self) -> Environment:
        replication = self.data.database.backup_replication if self.data.database else None
        if replication and replication.region == self.region:
            raise ValueError(
                f"data.database.backup_replication.region: {replication.region} is the environment's own region; "
                "allowed: any other region (the copy is for losing this one)"
            )
        return self

    @model_validator(mode="after")
    def _decisions_have_reasons(self) -> Environment:
        made = {
            "no_waf": ("security.waf is not set", self.security.waf is None),
            "public_task_ips": (
                "a service has assign_public_ip: true",
                any(s.assign_public_ip for s in self.compute.services),
            ),
            "container_insights_off": ("compute.container_insights is false", not self.compute.container_insights),
            "mutable_image_tags": (
                "compute.image_tag_mutability is MUTABLE",
                self.compute.image_tag_mutability == "MUTABLE",
            ),
            "single_az_database": (
                "data.database.multi_az is false",
                self.data.database is not None and not self.data.database.multi_az,
            ),
            "no_performance_insights": (
                "data.database.performance_insights is false",
                self.data.database is not None and not self.data.database.performance_insights,
            ),
            "cdn_without_waf": (
                "a bucket has a cdn or compute.spa is set",
                any(b.cdn for b in self.data.buckets) or self.compute.spa is not None,
            ),
            "cdn_worldwide": (
                "a bucket's cdn has no geo_restriction",
                any(b.cdn and not b.cdn.geo_restriction for b in self.data.buckets),
            ),
            "waf_count_only": (
                "security.waf.count_only names a rule",
                self.security.waf is not None and bool(self.security.waf.count_only),
            ),
            "short_cache_snapshots": (
                "data.redis.snapshot_retention_days is below 15",
                self.data.redis is not None and self.data.redis.snapshot_retention_days < CACHE_SNAPSHOT_DAYS,
            ),
        }
        for field, (choice, is_made) in made.items():
            reason = getattr(self.decisions, field)
            finding = Decisions.model_fields[field].description.rsplit(": ", 1)[1]
            if is_made and reason is None:
                raise ValueError(
                    f"decisions.{field} is required: {choice}, which leaves {finding} open; "
                    "state why that is safe here (at least 40 characters) or change the setting"
                )
            if reason is not None and not is_made:
                raise ValueError(f"decisions.{field} explains a choice this environment does not make; remove it")
        return self

    @model_validator(mode="after")
    def _within_aws_limits(self) -> Environment:
        from hipaa_platform.config.aws_limits import refusals

        found = refusals(self)
        if found:
            raise ValueError("AWS refuses this combination: " + "; ".join(found))
        return self

    @model_validator(mode="after")
    def _releases_can_ship(self) -> Environment:
        if self.compute.image_tag_mutability != "IMMUTABLE":
            return self
        for index, service in enumerate(self.compute.services):
            if service.image_tag == MOVING_TAG:
                raise ValueError(
                    f"compute.services[{index}].image_tag: {MOVING_TAG!r} in an IMMUTABLE repository can be pushed "
                    "once, so no later release could ship under it; allowed: the tag of the first release (a "
                    "version or commit SHA) that CI pushes before the compute layer is applied; later releases "
                    "register task definitions that run their own tags (docs/ci.md)"
                )
        return self

    @model_validator(mode="after")
    def _cross_references(self) -> Environment:
        for subnet in self.networking.all_subnets:
            if not (subnet.az.startswith(self.region) and len(subnet.az) == len(self.region) + 1):
                raise ValueError(
                    f"networking: availability zone {subnet.az!r} is not in region {self.region}; "
                    f"allowed: {self.region}a, {self.region}b, {self.region}c ..."
                )
        self._check_key_references()
        self._check_cdns()
        self._check_email()
        if "cache" in self.observability.dashboards and not self.data.redis:
            raise ValueError("observability.dashboards: cache shows the nodes of data.redis; declare data.redis")
        references = self.references()
        declared = sorted({*self.security.parameters, *(s.name for s in self.security.secrets)})
        platform = [DATABASE_SECRET, *([CACHE_AUTH_SECRET] if self.data.redis else [])]
        secret_sources = [*declared, *platform]
        buckets = {b.name for b in self.data.buckets}
        queues = {q.name for q in self.data.queues}
        for site in self.pipeline.static_sites:
            if site not in buckets:
                raise ValueError(
                    f"pipeline.static_sites: {site!r} is not a bucket; "
                    f"allowed: {_listed(sorted(buckets)) or '(none declared in data.buckets)'}"
                )
            if not self.pipeline.github_repository:
                raise ValueError(
                    "pipeline.static_sites: the GitHub deploy role ships them; set pipeline.github_repository"
                )
            if next(b for b in self.data.buckets if b.name == site).cdn:
                raise ValueError(
                    f"pipeline.static_sites: {site!r} has a cdn; a release that invalidates its distribution is "
                    "not built, so it would serve stale files; allowed: buckets without a cdn"
                )
        for index, service in enumerate(self.compute.services):
            where = f"compute.services[{index}]"
            for variable, source in service.secrets.items():
                if source.split(":")[0] not in secret_sources:
                    raise ValueError(
                        f"{where}.secrets.{variable}: {source!r} is not declared; allowed: {_listed(secret_sources)}"
                    )
            for name in service.bucket_access:
                if name not in buckets:
                    raise ValueError(
                        f"{where}.bucket_access: {name!r} is not a bucket; "
                        f"allowed: {_listed(sorted(buckets)) or '(none declared in data.buckets)'}"
                    )
            for variable, value in service.environment.items():
                bucket = value.removeprefix(BUCKET_REFERENCE) if value.startswith(BUCKET_REFERENCE) else None
                if bucket is not None and bucket not in buckets:
                    raise ValueError(
                        f"{where}.environment.{variable}: {value!r} names no bucket; "
                        f"allowed: {_listed([BUCKET_REFERENCE + b for b in sorted(buckets)]) or '(no data.buckets)'}"
                    )
                if value.startswith(DATABASE_SECRET) and value not in DATABASE_ENDPOINT_VALUES:
                    raise ValueError(
                        f"{where}.environment.{variable}: {value!r} is not a database value; allowed: "
                        f"{_listed(DATABASE_ENDPOINT_VALUES)} (credentials go under secrets, e.g. "
                        f"{DATABASE_SECRET}:password)"
                    )
            overlap = set(service.environment) & set(service.secrets)
            if overlap:
                raise ValueError(f"{where}: {sorted(overlap)} set both as environment and secret")
            for grant in service.permissions:
                for reference in grant.resources:
                    kind = reference.split(":")[0]
                    name = reference.partition(":")[2].split("/")[0]
                    # Database users live in the database, not in this file; any name is accepted.
                    declared = references.get(kind, ())
                    known = name in declared or (kind == "dbuser" and bool(declared))
                    if reference != "*" and not known:
                        allowed = ", ".join(f"{k}:<{'|'.join(v) or 'none declared'}>" for k, v in references.items())
                        raise ValueError(
                            f"{where}.permissions.{grant.sid}: resource {reference!r} names nothing declared; "
                            f"allowed: *, {allowed}"
                        )
            if "cache" in service.connects_to and not self.data.cache_name:
                raise ValueError(f"{where}.connects_to: cache needs data.cache or data.redis")
            if service.cache_user and (not self.data.cache or service.cache_user not in self.data.cache.iam_users):
                raise ValueError(f"{where}.cache_user: {service.cache_user!r} is not in data.cache.iam_users")
            scaling = service.autoscaling.queue_depth if service.autoscaling else None
            if scaling and scaling.queue not in queues:
                raise ValueError(
                    f"{where}.autoscaling.queue_depth.queue: {scaling.queue!r} is not a queue; "
                    f"allowed: {_listed(sorted(queues)) or '(none declared in data.queues)'}"
                )
            if service.deployment == "blue_green" and not self.pipeline.codepipeline:
                raise ValueError(
                    f"{where}.deployment: blue_green is driven by CodeDeploy; declare pipeline.codepipeline"
                )
        return self

    def _check_email(self) -> None:
        email, networking = self.data.email, self.networking
        for index, service in enumerate(self.compute.services):
            where = f"compute.services[{index}].sends_mail"
            if service.sends_mail and email is None:
                raise ValueError(f"{where}: {service.sends_mail} mail goes through data.email; declare it")
            endpoint = {"smtp": "email-smtp", "api": "email"}.get(service.sends_mail or "")
            if endpoint and networking.air_gapped and endpoint not in networking.interface_endpoints:
                raise ValueError(
                    f"{where}: {service.sends_mail} needs a way to SES: networking.nat, or {endpoint!r} in "
                    "networking.interface_endpoints"
                )
        if email is None or email.events_topic is None:
            return
        if not self.owns_account_baseline:
            raise ValueError(
                "data.email.events_topic: the domain's identity, and where its bounces go, belong to the "
                "environment owning the account baseline (account_baseline: owner); remove it here"
            )
        topic = next((t for t in self.data.topics if t.name == email.events_topic), None)
        if topic is None:
            allowed = _listed([t.name for t in self.data.topics]) or "(no data.topics)"
            raise ValueError(f"data.email.events_topic: {email.events_topic!r} is not a topic; allowed: {allowed}")
        if self.data.event_bus and self.data.event_bus.forward_to_topic == topic.name:
            raise ValueError(
                "data.email.events_topic: the event bus forwards to that topic; give mail events their own"
            )
        if "ses" not in self.key_services(topic.kms_key):
            raise ValueError(
                f"data.email.events_topic: SES publishes to topic {topic.name!r}, whose key {topic.kms_key!r} does "
                "not admit it; add 'ses' to that key's allow_services"
            )

    def _check_cdns(self) -> None:
        covered = (self.security.certificate_domain, *self.security.certificate_alternative_names)
        for index, bucket in enumerate(self.data.buckets):
            if not bucket.cdn:
                continue
            where = f"data.buckets[{index}].cdn"
            # In us-east-1 the distribution uses the security certificate; elsewhere its own one there.
            names = [(f"{where}.domain_name", bucket.cdn.domain_name)] if self.region == "us-east-1" else []
            if bucket.cdn.api:
                names.append((f"{where}.api.origin_domain", bucket.cdn.api.origin_domain))
            for field, domain in names:
                if not any(name == domain or (name.startswith("*.") and domain.split(".", 1)[1] == name[2:])
                           for name in covered):  # fmt: skip
                    raise ValueError(
                        f"{field}: {domain} is not on the certificate; allowed: {_listed(covered)} "
                        "(add it to security.certificate_alternative_names)"
                    )
            if "cloudfront" not in self.key_services(bucket.kms_key):
                raise ValueError(
                    f"{where}: CloudFront decrypts the objects with key {bucket.kms_key!r}, whose policy does not "
                    "admit it; add cloudfront to that key's allow_services"
                )

    def references(self) -> dict[str, tuple[str, ...]]:
        """What a task-role grant may name, by kind."""
        data = self.data
        return {
            "queue": tuple(q.name for q in data.queues),
            "bucket": tuple(b.name for b in data.buckets),
            "table": tuple(t.name for t in data.tables),
            "key": self.security.key_purposes,
            "bus": (data.event_bus.name,) if data.event_bus else (),
            "cache": (data.cache_name,) if data.cache_name else (),
            "cacheuser": data.cache.iam_users if data.cache else (),
            "topic": tuple(t.name for t in data.topics),
            "secret": tuple(s.name for s in self.security.secrets),
            "dbuser": ("<database user>",) if data.aurora or data.database else (),
        }

    def _check_key_references(self) -> None:
        purposes = self.security.key_purposes
        data, security = self.data, self.security
        users: list[tuple[str, str]] = [("security.log_key", security.log_key)]
        users += [(f"security.secrets[{i}].kms_key", s.kms_key) for i, s in enumerate(security.secrets)]
        if security.cloudtrail:
            users.append(("security.cloudtrail.kms_key", security.cloudtrail.kms_key))
        users.append(("data.backup.kms_key", data.backup.kms_key))
        for field_name in ("database", "aurora", "cache", "event_bus"):
            spec = getattr(data, field_name)
            if spec is not None:
                users.append((f"data.{field_name}.kms_key", spec.kms_key))
        for field_name in ("buckets", "tables", "queues", "topics"):
            users += [
                (f"data.{field_name}[{i}].kms_key", spec.kms_key) for i, spec in enumerate(getattr(data, field_name))
            ]
        if self.compute.ephemeral_storage_key:
            users.append(("compute.ephemeral_storage_key", self.compute.ephemeral_storage_key))
        for where, purpose in users:
            if purpose not in purposes:
                raise ValueError(f"{where}: key {purpose!r} is not declared; allowed: {_listed(purposes)}")
        if self.compute.ephemeral_storage_key and "fargate" not in self.key_services(
            self.compute.ephemeral_storage_key
        ):
            raise ValueError(
                f"compute.ephemeral_storage_key: key {self.compute.ephemeral_storage_key!r} must admit Fargate; "
                "add 'fargate' to its allow_services"
            )
        trail = security.cloudtrail
        if trail and "cloudtrail" not in self.key_services(trail.kms_key):
            where = (
                "security.default_key_services"
                if trail.kms_key == DEFAULT_KEY
                else f"the allow_services of key {trail.kms_key!r} in security.keys"
            )
            raise ValueError(
                f"security.cloudtrail.kms_key: CloudTrail encrypts the trail's log files with key {trail.kms_key!r}, "
                f"whose policy must admit it; add 'cloudtrail' to {where}"
            )
        if self.observability.guardduty_alerts and "events" not in self.key_services(DEFAULT_KEY):
            raise ValueError(
                "observability.guardduty_alerts: EventBridge publishes findings to the alarm topic, which the "
                "default key encrypts; add 'events' to security.default_key_services"
            )

    def key_services(self, purpose: str) -> tuple[str, ...]:
        """The AWS services the key of `purpose` admits."""
        if purpose == DEFAULT_KEY:
            return self.security.default_key_services
        return next(k.allow_services for k in self.security.keys if k.purpose == purpose)

    @model_validator(mode="after")
    def _account_baseline(self) -> Environment:
        if self.owns_account_baseline and self.security.cloudtrail is None:
            raise ValueError(
                "security.cloudtrail: the environment owning the account baseline (account_baseline: owner) keeps "
                "the account's audit trail of API calls and S3 object access; add `cloudtrail: {}` under security"
            )
        # The conformance pack's guardduty-enabled-centralized and securityhub-enabled: the account has both.
        for service in ("guardduty", "security_hub"):
            if self.owns_account_baseline and not getattr(self.security, service):
                raise ValueError(
                    f"security.{service}: the environment owning the account baseline (account_baseline: owner) "
                    f"enables it for the account; set {service}: true (the default) or remove the line"
                )
        if self.observability.guardduty_alerts and not (self.security.guardduty and self.owns_account_baseline):
            raise ValueError(
                "observability.guardduty_alerts: findings are sent where the detector is owned; it needs "
                "security.guardduty: true and account_baseline: owner (this file has "
                f"guardduty: {str(self.security.guardduty).lower()}, account_baseline: {self.account_baseline})"
            )
        return self


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEK = 7 * 24 * 60


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _windows_overlap(backup: str, maintenance: str) -> bool:
    """True when the daily backup window and the weekly maintenance window share any minute."""
    start, end = maintenance.split("-")  # ddd:hh:mm-ddd:hh:mm
    m_start = _DAYS.index(start[:3]) * 1440 + _minutes(start[4:])
    m_end = _DAYS.index(end[:3]) * 1440 + _minutes(end[4:])
    if m_end <= m_start:
        m_end += _WEEK
    b_start_text, b_end_text = backup.split("-")
    b_start, b_end = _minutes(b_start_text), _minutes(b_end_text)
    if b_end <= b_start:
        b_end += 1440
    for day in range(-1, 15):  # every daily occurrence across two weeks covers the wrap-around
        start, end = day * 1440 + b_start, day * 1440 + b_end
        if start < m_end and m_start < end:
            return True
    return False


def _check_retention(value: int) -> int:
    if value not in LOG_RETENTION_DAYS:
        raise ValueError(f"{value} is not a CloudWatch Logs retention; allowed: {_listed(LOG_RETENTION_DAYS)}")
    return value


def _check_daily_window(value: str) -> str:
    if not _WINDOW.match(value):
        raise ValueError(f"{value!r} is not a daily window; expected hh:mm-hh:mm (UTC), e.g. 03:00-04:00")
    return value


def _check_weekly_window(value: str) -> str:
    if not _WEEKLY_WINDOW.match(value):
        raise ValueError(f"{value!r} is not a weekly window; expected ddd:hh:mm-ddd:hh:mm, e.g. sun:04:00-sun:05:00")
    return value


def _check_windows_apart(
    backup: str, maintenance: str, backup_field: str = "backup_window", service: str = "RDS"
) -> None:
    if _windows_overlap(backup, maintenance):
        raise ValueError(
            f"{backup_field} {backup} overlaps maintenance_window {maintenance}; "
            f"{service} refuses overlapping windows (adjacent ones are fine)"
        )


def _check_performance_insights(value: int) -> int:
    if value not in PERFORMANCE_INSIGHTS_RETENTION_DAYS:
        raise ValueError(f"{value} is not accepted by RDS; allowed: 7, or a multiple of 31 up to 731")
    return value


def _check_monitoring_interval(value: int) -> int:
    if value not in ENHANCED_MONITORING_INTERVALS:
        raise ValueError(f"{value} is not accepted by RDS; allowed: {_listed(ENHANCED_MONITORING_INTERVALS)}")
    return value

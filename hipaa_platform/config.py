"""Typed, frozen models of one environment file, with secure defaults.

Every check that a user can fail lives here, so bad input stops before any construct is built.
"""

from __future__ import annotations

import re
from ipaddress import IPv4Network
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hipaa_platform.secrets_policy import secret_finding

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


class Subnet(Model):
    cidr: IPv4Network = Field(description="IPv4 CIDR block inside the VPC")
    az: str = Field(description="availability zone name, e.g. us-east-1a")


class Networking(Model):
    vpc_cidr: IPv4Network
    nat: Literal["none", "single", "per_az"] = Field(
        "none", description="NAT gateways: none, one shared, or one per AZ"
    )
    public_subnets: tuple[Subnet, ...] = Field(min_length=1)
    private_subnets: tuple[Subnet, ...] = Field(min_length=2)
    interface_endpoints: tuple[str, ...] = Field((), description="AWS service suffixes, e.g. ecr.api")
    gateway_endpoints: tuple[Literal["s3", "dynamodb"], ...] = ()
    flow_log_retention_days: int = 365

    @field_validator("flow_log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        return _check_retention(value)

    @model_validator(mode="after")
    def _subnets_fit(self) -> Networking:
        seen: list[tuple[str, IPv4Network]] = []
        for tier in ("public_subnets", "private_subnets"):
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
        return tuple(dict.fromkeys(s.az for s in (*self.public_subnets, *self.private_subnets)))


class Tags(Model):
    """The mandatory tag set; Environment, Application and Component are filled in by the project."""

    owner: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", description="team e-mail address")
    cost_center: str = Field(min_length=2)
    compliance: tuple[Literal["hipaa", "pii-storage", "audit-required"], ...] = ("hipaa",)


class State(Model):
    """Where each layer's remote state lives when the S3 backend is selected."""

    bucket: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    kms_key_alias: str = Field(pattern=r"^alias/[A-Za-z0-9/_-]+$")


class Security(Model):
    kms_key_alias: str = Field(pattern=r"^alias/[A-Za-z0-9/_-]+$")
    kms_deletion_window_days: int = Field(30, ge=7, le=30)
    certificate_domain: str = Field(pattern=r"^[a-z0-9.-]+\.[a-z]{2,}$")
    parameters: tuple[Annotated[str, Field(pattern=_ENV_VAR.pattern)], ...] = Field(
        (), description="names of SecureString parameters; values are set out of band, never here"
    )


class Database(Model):
    identifier: Name
    engine: Literal["postgres"] = "postgres"
    engine_version: str = Field(pattern=r"^\d+(\.\d+)?$")
    instance_class: str = Field(pattern=r"^db\.[a-z0-9]+\.[a-z0-9]+$")
    allocated_storage_gb: int = Field(ge=20, le=65536)
    max_allocated_storage_gb: int = Field(ge=20, le=65536)
    storage_type: Literal["gp3", "gp2", "io1", "io2"] = "gp3"
    multi_az: bool = True
    port: int = Field(5432, ge=1150, le=65535)
    database_name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,62}$")
    master_username: str = Field(pattern=r"^[a-z][a-z0-9_]{0,15}$")
    backup_retention_days: int = 35
    backup_window: str = Field(description="hh:mm-hh:mm, UTC")
    maintenance_window: str = Field(description="ddd:hh:mm-ddd:hh:mm, UTC")
    deletion_protection: bool = True
    performance_insights_retention_days: int = 7
    monitoring_interval_seconds: int = 60
    log_retention_days: int = 2557

    @field_validator("backup_retention_days")
    @classmethod
    def _backup(cls, value: int) -> int:
        if not 0 <= value <= 35:
            raise ValueError(f"{value} is outside the range RDS accepts; allowed: 0-35 days")
        return value

    @field_validator("backup_window")
    @classmethod
    def _backup_window(cls, value: str) -> str:
        if not _WINDOW.match(value):
            raise ValueError(f"{value!r} is not a daily window; expected hh:mm-hh:mm (UTC), e.g. 03:00-04:00")
        return value

    @field_validator("maintenance_window")
    @classmethod
    def _maintenance_window(cls, value: str) -> str:
        if not _WEEKLY_WINDOW.match(value):
            raise ValueError(
                f"{value!r} is not a weekly window; expected ddd:hh:mm-ddd:hh:mm, e.g. sun:04:00-sun:05:00"
            )
        return value

    @field_validator("performance_insights_retention_days")
    @classmethod
    def _pi(cls, value: int) -> int:
        if value not in PERFORMANCE_INSIGHTS_RETENTION_DAYS:
            raise ValueError(f"{value} is not accepted by RDS; allowed: 7, or a multiple of 31 up to 731")
        return value

    @field_validator("monitoring_interval_seconds")
    @classmethod
    def _monitoring(cls, value: int) -> int:
        if value not in ENHANCED_MONITORING_INTERVALS:
            raise ValueError(f"{value} is not accepted by RDS; allowed: {_listed(ENHANCED_MONITORING_INTERVALS)}")
        return value

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        return _check_retention(value)

    @model_validator(mode="after")
    def _windows_apart(self) -> Database:
        if _windows_overlap(self.backup_window, self.maintenance_window):
            raise ValueError(
                f"backup_window {self.backup_window} overlaps maintenance_window {self.maintenance_window}; "
                "RDS refuses overlapping windows (adjacent ones are fine)"
            )
        return self

    @model_validator(mode="after")
    def _storage(self) -> Database:
        if self.max_allocated_storage_gb < self.allocated_storage_gb:
            raise ValueError(
                f"max_allocated_storage_gb ({self.max_allocated_storage_gb}) is below "
                f"allocated_storage_gb ({self.allocated_storage_gb})"
            )
        return self


class Transition(Model):
    after_days: int = Field(ge=1)
    storage_class: Literal["STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"]


class Bucket(Model):
    name: Name = Field(description="role of the bucket; the account id is appended to make it unique")
    transitions: tuple[Transition, ...] = ()
    noncurrent_version_expiration_days: int = Field(2557, ge=1)


class Data(Model):
    database: Database
    buckets: tuple[Bucket, ...] = ()


class ContainerHealthCheck(Model):
    command: tuple[str, ...] = Field(min_length=2)
    interval_seconds: int = Field(30, ge=5, le=300)
    timeout_seconds: int = Field(5, ge=2, le=120)
    retries: int = Field(3, ge=1, le=10)
    start_period_seconds: int = Field(60, ge=0, le=300)


class Service(Model):
    name: Name = Field(description="ECS service name")
    container_name: Name
    image_tag: str = Field("latest", pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
    cpu: int
    memory: int
    desired_count: int = Field(ge=0, le=1000)
    container_port: int = Field(ge=1, le=65535)
    subnet_tier: Literal["public", "private"] = "private"
    assign_public_ip: bool = False
    minimum_healthy_percent: int = Field(100, ge=0, le=100)
    maximum_percent: int = Field(200, ge=100, le=200)
    health_check: ContainerHealthCheck
    environment: dict[Annotated[str, Field(pattern=_ENV_VAR.pattern)], str] = {}
    secrets: tuple[str, ...] = Field((), description="names from security.parameters")
    bucket_access: tuple[str, ...] = Field((), description="names from data.buckets")
    writable_paths: tuple[str, ...] = Field(("/tmp",), description="scratch volumes; the root filesystem is read-only")
    log_retention_days: int = 2557

    @field_validator("cpu")
    @classmethod
    def _cpu(cls, value: int) -> int:
        if value not in FARGATE_MEMORY_BY_CPU:
            raise ValueError(f"{value} is not a Fargate CPU size; allowed: {_listed(tuple(FARGATE_MEMORY_BY_CPU))}")
        return value

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        return _check_retention(value)

    @field_validator("environment")
    @classmethod
    def _no_plaintext_secrets(cls, value: dict[str, str]) -> dict[str, str]:
        for name, setting in value.items():
            finding = secret_finding(name, setting)
            if finding:
                raise ValueError(
                    f"{name}: {finding}; plain-text secrets are refused, declare it under "
                    "security.parameters and list it in this service's secrets"
                )
        return value

    @model_validator(mode="after")
    def _task_size(self) -> Service:
        allowed = FARGATE_MEMORY_BY_CPU[self.cpu]
        if self.memory not in allowed:
            raise ValueError(
                f"memory {self.memory} does not fit cpu {self.cpu} on Fargate; allowed: {_listed(allowed)}"
            )
        if self.assign_public_ip and self.subnet_tier != "public":
            raise ValueError("assign_public_ip needs subnet_tier: public")
        return self


class LoadBalancer(Model):
    ssl_policy: Literal[
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
        "ELBSecurityPolicy-TLS13-1-3-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    ] = "ELBSecurityPolicy-TLS13-1-2-2021-06"
    drop_invalid_header_fields: bool = True
    deletion_protection: bool = True
    health_check_path: str = "/"
    health_check_interval_seconds: int = Field(30, ge=5, le=300)
    health_check_timeout_seconds: int = Field(5, ge=2, le=120)
    healthy_threshold: int = Field(2, ge=2, le=10)
    unhealthy_threshold: int = Field(3, ge=2, le=10)
    access_log_retention_days: int = Field(2557, ge=1)


class Compute(Model):
    cluster_name: Name
    container_insights: bool = True
    load_balancer: LoadBalancer = LoadBalancer()
    services: tuple[Service, ...] = Field(min_length=1)
    image_retention_count: int = Field(20, ge=1, le=1000)


class Pipeline(Model):
    github_repository: str = Field(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", description="owner/name")
    github_branch: str = "main"


class Budget(Model):
    monthly_limit_usd: float = Field(gt=0)
    alert_thresholds_percent: tuple[int, ...] = Field((80, 100), min_length=1)


class Observability(Model):
    alarm_email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    budget: Budget
    ecs_cpu_alarm_percent: int = Field(80, ge=1, le=100)
    ecs_memory_alarm_percent: int = Field(80, ge=1, le=100)
    rds_cpu_alarm_percent: int = Field(70, ge=1, le=100)
    rds_free_storage_alarm_gb: int = Field(2, ge=1)


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

    @model_validator(mode="after")
    def _cross_references(self) -> Environment:
        for subnet in (*self.networking.public_subnets, *self.networking.private_subnets):
            if not (subnet.az.startswith(self.region) and len(subnet.az) == len(self.region) + 1):
                raise ValueError(
                    f"networking: availability zone {subnet.az!r} is not in region {self.region}; "
                    f"allowed: {self.region}a, {self.region}b, {self.region}c ..."
                )
        parameters = set(self.security.parameters)
        buckets = {b.name for b in self.data.buckets}
        for index, service in enumerate(self.compute.services):
            for name in service.secrets:
                if name not in parameters:
                    raise ValueError(
                        f"compute.services[{index}].secrets: {name!r} is not declared; "
                        f"allowed: {_listed(sorted(parameters)) or '(none declared in security.parameters)'}"
                    )
            for name in service.bucket_access:
                if name not in buckets:
                    raise ValueError(
                        f"compute.services[{index}].bucket_access: {name!r} is not a bucket; "
                        f"allowed: {_listed(sorted(buckets)) or '(none declared in data.buckets)'}"
                    )
            overlap = set(service.environment) & set(service.secrets)
            if overlap:
                raise ValueError(f"compute.services[{index}]: {sorted(overlap)} set both as environment and secret")
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

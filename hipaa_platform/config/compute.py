"""The `compute` section: the cluster, its services, capacity, the load balancer, APIs."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from hipaa_platform.config.base import ENV_VAR, FARGATE_MEMORY_BY_CPU, Model, Name, check_retention, listed
from hipaa_platform.config.data import Distribution
from hipaa_platform.config.references import DATABASE_SECRET
from hipaa_platform.config.secrets_policy import secret_finding
from hipaa_platform.config.security import DEFAULT_KEY
from hipaa_platform.config.tags import TagKey, own_tags


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
    environment: dict[Annotated[str, Field(pattern=ENV_VAR.pattern)], str] = Field(
        {},
        description="variable -> value; @bucket:<name> is that bucket's name (it carries the account id), "
        "@database:host/port and @cache:host/port the endpoints of the database and data.redis",
    )
    secrets: dict[Annotated[str, Field(pattern=ENV_VAR.pattern)], str] = Field(
        {},
        description="environment variable -> parameter name, secret name, or secret:json-key; @database:<key> "
        "reads the master credentials RDS manages; "
        "a list means each variable reads the parameter of the same name",
    )
    bucket_access: tuple[str, ...] = Field((), description="names from data.buckets")
    writable_paths: tuple[str, ...] = Field(("/tmp",), description="scratch volumes; the root filesystem is read-only")
    user: str | None = Field(
        None,
        pattern=r"^[1-9][0-9]{0,9}(:[0-9]{1,10})?$",
        description="UID[:GID] the container runs as instead of its image's user; root (0) and names are refused",
    )
    log_retention_days: int = 2557
    tags: dict[TagKey, str] = Field({}, description="tags of the service and its tasks besides the project's own")
    names: ServiceNames = ServiceNames()

    @field_validator("secrets", mode="before")
    @classmethod
    def _secrets_list(cls, value: object) -> object:
        return {name: name for name in value} if isinstance(value, list | tuple) else value

    @field_validator("tags")
    @classmethod
    def _own_tags(cls, value: dict[str, str]) -> dict[str, str]:
        return own_tags(value, also_refused=("Compliance",))

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        return check_retention(value)

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
            raise ValueError(f"{value} is not a Fargate CPU size; allowed: {listed(tuple(FARGATE_MEMORY_BY_CPU))}")
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
            raise ValueError(f"memory {self.memory} does not fit cpu {self.cpu} on Fargate; allowed: {listed(allowed)}")
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
    refresh_schedule: str = Field(
        "cron(0 4 ? * SUN *)",
        pattern=r"^(cron|rate)\(.+\)$",
        description="when every instance is replaced by one of the ECS-optimized AMI AWS recommends then (the "
        "patching): an EventBridge Scheduler expression in UTC, e.g. cron(0 4 ? * SUN *) or rate(7 days)",
    )

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
        return check_retention(value)


class Spa(Distribution):
    """A single-page app on CloudFront from a private S3 bucket through origin access control."""

    geo_restriction: tuple[Annotated[str, Field(pattern=r"^[A-Z]{2}$")], ...] = Field(
        min_length=1, description="ISO country codes allowed to load the app"
    )


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

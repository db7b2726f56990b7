"""What each resource type costs, as components: a quantity a month of a catalogue price.

A mapper reads one resource's values (from a synthesized layer or from a plan) and the usage the
environment assumes. Types AWS does not charge for are listed in FREE with the reason; a type that
is neither mapped nor free is reported as unpriced by the estimate, never counted as zero.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from hipaa_platform.config.cost import UsageAssumptions

HOURS_PER_MONTH = 730
_REFERENCE = re.compile(r"\$\{((?:aws|data\.aws)_[a-z0-9_]+\.[A-Za-z0-9_-]+)")


@dataclass(frozen=True)
class Resource:
    layer: str
    address: str
    type: str
    values: dict
    region: str
    references: dict[str, str] = field(default_factory=dict)  # attribute -> address, from a plan


@dataclass(frozen=True)
class Component:
    name: str
    quantity: float  # a month, in the price's unit
    price: str  # the catalogue key
    usage_based: bool = False
    region: str | None = None  # where the price is read, when not the resource's region (CloudFront: global)


class Inventory:
    """An environment's resources, so a mapper can follow a reference (service -> task definition)."""

    def __init__(self, resources: Iterable[Resource]) -> None:
        self.resources = {r.address: r for r in resources}

    def referenced(self, resource: Resource, attribute: str) -> Resource | None:
        value = resource.values.get(attribute)
        if isinstance(value, dict):  # a block such as launch_template { id = ... }
            value = value.get("id") or value.get("name")
        found = _REFERENCE.search(value) if isinstance(value, str) else None
        address = found.group(1) if found else resource.references.get(attribute)
        return self.resources.get(address) if address else None


def block(values: dict, name: str) -> dict:
    """A nested block: the synthesized JSON writes one as an object or a list, a plan as a list."""
    value = values.get(name)
    if isinstance(value, list):
        return value[0] if value else {}
    return value or {}


def blocks(values: dict, name: str) -> list[dict]:
    value = values.get(name)
    if isinstance(value, dict):
        return [value]
    return list(value or [])


def _number(value: object, default: float = 0.0) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default


def _count(value: object) -> int:
    """How many subnets (or other ids) a list holds; a reference to a list counts as unknown (0)."""
    return len(value) if isinstance(value, list) else 0


Mapper = Callable[[Resource, Inventory, UsageAssumptions], list[Component]]
MAPPERS: dict[str, Mapper] = {}


def maps(*resource_types: str) -> Callable[[Mapper], Mapper]:
    def register(mapper: Mapper) -> Mapper:
        for resource_type in resource_types:
            MAPPERS[resource_type] = mapper
        return mapper

    return register


def hourly(name: str, price: str, count: float = 1) -> Component:
    return Component(name, count * HOURS_PER_MONTH, price)


# --- networking ---------------------------------------------------------------------------------


@maps("aws_nat_gateway")
def nat_gateway(r: Resource, _: Inventory, use: UsageAssumptions) -> list[Component]:
    return [
        hourly("gateway hours", "vpc.nat_gateway.hour"),
        Component("data processed", use.nat_processed_gb, "vpc.nat_gateway.gb", usage_based=True),
    ]


@maps("aws_vpc_endpoint")
def vpc_endpoint(r: Resource, _: Inventory, use: UsageAssumptions) -> list[Component]:
    if r.values.get("vpc_endpoint_type", "Gateway") != "Interface":
        return []  # gateway endpoints (S3, DynamoDB) carry no charge
    zones = _count(r.values.get("subnet_ids")) or 1
    return [
        hourly(f"endpoint hours in {zones} zone(s)", "vpc.interface_endpoint.az_hour", zones),
        Component("data processed", use.endpoint_processed_gb, "vpc.interface_endpoint.gb", usage_based=True),
    ]


# --- security -----------------------------------------------------------------------------------


@maps("aws_kms_key")
def kms_key(r: Resource, _: Inventory, use: UsageAssumptions) -> list[Component]:
    return [
        Component("key", 1, "kms.key.month"),
        Component("requests", use.kms_requests_thousands / 10, "kms.requests.10k", usage_based=True),
    ]


@maps("aws_secretsmanager_secret")
def secret(r: Resource, _: Inventory, use: UsageAssumptions) -> list[Component]:
    return [
        Component("secret", 1, "secretsmanager.secret.month"),
        Component("API calls", use.secret_api_calls_thousands / 10, "secretsmanager.api.10k", usage_based=True),
    ]


@maps("aws_ssm_parameter")
def parameter(r: Resource, _: Inventory, __: UsageAssumptions) -> list[Component]:
    if r.values.get("tier", "Standard") == "Standard":
        return []  # standard parameters are free
    return [Component("advanced parameter", 1, "ssm.advanced_parameter.month")]


@maps("aws_wafv2_web_acl")
def web_acl(r: Resource, _: Inventory, use: UsageAssumptions) -> list[Component]:
    rules = len(blocks(r.values, "rule"))
    return [
        Component("web ACL", 1, "waf.web_acl.month"),
        Component(f"{rules} rule(s)", rules, "waf.rule.month"),
        Component("requests inspected", use.waf_requests_millions, "waf.requests.million", usage_based=True),
    ]


@maps("aws_cloudtrail")
def trail(r: Resource, _: Inventory, use: UsageAssumptions) -> list[Component]:
    selectors = blocks(r.values, "advanced_event_selector")
    records_data = any(
        "Data" in (f.get("equals") or []) for s in selectors for f in blocks(s, "field_selector")
    ) or any(blocks(s, "data_resource") for s in blocks(r.values, "event_selector"))
    # The first copy of management events in an account is free; data events are not.
    if not records_data:
        return []
    return [
        Component(
            "S3 data events", use.trail_data_events_hundred_thousands, "cloudtrail.data_events.100k", usage_based=True
        )
    ]


@maps("aws_guardduty_detector")
def guardduty(r: Resource, _: Inventory, use: UsageAssumptions) -> list[Component]:
    return [
        Component(
            "CloudTrail management events", use.guardduty_events_millions, "guardduty.events.million", usage_based=True
        ),
        Component("VPC flow and DNS logs", use.guardduty_flow_and_dns_gb, "guardduty.flow_dns.gb", usage_based=True),
    ]


@maps("aws_guardduty_detector_feature")
def guardduty_feature(r: Resource, _: Inventory, use: UsageAssumptions) -> list[Component]:
    if r.values.get("status") != "ENABLED":
        return []
    name = str(r.values.get("name", "")).lower()
    return [Component(f"{name} protection", 1, f"guardduty.feature.{name}", usage_based=True)]


# --- data ---------------------------------------------------------------------------------------


@maps("aws_db_instance")
def database(r: Resource, _: Inventory, __: UsageAssumptions) -> list[Component]:
    engine, instance_class = r.values.get("engine"), r.values.get("instance_class")
    copies = 2 if r.values.get("multi_az") else 1  # Multi-AZ bills the primary and the standby
    storage = r.values.get("storage_type", "gp2")
    where = "Multi-AZ" if copies == 2 else "Single-AZ"
    return [
        hourly(f"{instance_class} {engine}, {where}", f"rds.instance.{engine}.{instance_class}.hour", copies),
        Component(
            f"{storage} storage, {where}",
            copies * _number(r.values.get("allocated_storage")),
            f"rds.storage.{storage}.gb_month",
        ),
    ]


@maps("aws_db_instance_automated_backups_replication")
def backup_copy(r: Resource, inventory: Inventory, use: UsageAssumptions) -> list[Component]:
    """The copies are stored in the destination region; the transfer is billed by the source's."""
    source = inventory.referenced(r, "source_db_instance_arn")
    return [
        Component("replicated backups", use.backup_stored_gb, "rds.backup_storage.gb_month", usage_based=True),
        Component(
            "transfer between regions",
            use.backup_stored_gb,
            "transfer.inter_region.gb",
            usage_based=True,
            region=source.region if source else None,
        ),
    ]


@maps("aws_rds_cluster")
def aurora_cluster(r: Resource, _: Inventory, use: UsageAssumptions) -> list[Component]:
    return [
        Component("storage", use.aurora_stored_gb, "aurora.storage.gb_month", usage_based=True),
        Component("I/O requests", use.aurora_io_millions, "aurora.io.million", usage_based=True),
    ]


@maps("aws_rds_cluster_instance")
def aurora_instance(r: Resource, inventory: Inventory, use: UsageAssumptions) -> list[Component]:
    instance_class = r.values.get("instance_class")
    if instance_class != "db.serverless":
        return [hourly(str(instance_class), f"aurora.instance.{instance_class}.hour")]
    cluster = inventory.referenced(r, "cluster_identifier")
    scaling = block(cluster.values, "serverlessv2_scaling_configuration") if cluster else {}
    average = use.aurora_average_acu or _number(scaling.get("min_capacity"), 0.5)
    return [
        Component(
            f"capacity at {average:g} ACU on average",
            average * HOURS_PER_MONTH,
            "aurora.serverless_v2.acu_hour",
            usage_based=use.aurora_average_acu is not None,
        )
    ]


@maps("aws_elasticache_replication_group")
def cache_nodes(r: Resource, _: Inventory, __: UsageAssumptions) -> list[Component]:
    node_type = r.values.get("node_type")
    groups = _number(r.values.get("num_node_groups"), 0)
    nodes = groups * (1 + _number(r.values.get("replicas_per_node_group"))) or _number(
        r.values.get("num_cache_clusters"), 1
    )
    return [hourly(f"{nodes:g} {node_type} node(s)", f"elasticache.node.{node_type}.hour", nodes)]


@maps("aws_elasticache_serverless_cache")
def serverless_cache(r: Resource, _: Inventory, use: UsageAssumptions) -> list[Component]:
    engine = r.values.get("engine", "redis")
    stored = max(use.cache_stored_gb, 1.0) if engine == "redis" else use.cache_stored_gb
    return [
        Component("data stored", stored * HOURS_PER_MONTH, f"elasticache.serverless.{engine}.gb_hour", True),
        Component("processing units", use.cache_ecpu_millions, f"elasticache.serverless.{engine}.ecpu_million", True),
    ]


@maps("aws_dynamodb_table")
def table(r: Resource, _: Inventory, use: UsageAssumptions) -> list[Component]:
    storage = Component("storage", use.table_stored_gb, "dynamodb.storage.gb_month", usage_based=True)
    if r.values.get("billing_mode", "PROVISIONED") != "PAY_PER_REQUEST":
        return [
            hourly("write capacity", "dynamodb.provisioned.wcu_hour", _number(r.values.get("write_capacity"))),
            hourly("read capacity", "dynamodb.provisioned.rcu_hour", _number(r.values.get("read_capacity"))),
            storage,
        ]
    return [
        Component("write request units", use.table_write_millions, "dynamodb.on_demand.write_million", True),
        Component("read request units", use.table_read_millions, "dynamodb.on_demand.read_million", True),
        storage,
    ]


@maps("aws_s3_bucket")
def bucket(r: Resource, _: Inventory, use: UsageAssumptions) -> list[Component]:
    return [
        Component("Standard storage", use.bucket_stored_gb, "s3.standard.gb_month", usage_based=True),
        Component("PUT, COPY, POST, LIST requests", use.bucket_write_thousands, "s3.write_requests.1k", True),
        Component("GET requests", use.bucket_read_thousands, "s3.read_requests.1k", usage_based=True),
    ]


@maps("aws_backup_plan")
def backup_plan(r: Resource, _: Inventory, use: UsageAssumptions) -> list[Component]:
    components = [Component("warm storage", use.backup_stored_gb, "backup.warm_storage.gb_month", usage_based=True)]
    for rule in blocks(r.values, "rule"):
        for copy in blocks(rule, "copy_action"):
            region = str(copy.get("destination_vault_arn", "")).split(":")[3:4]
            where = region[0] if region and region[0] else "another region"
            components.append(
                Component(f"copy in {where}", use.backup_stored_gb, "backup.warm_storage.gb_month", usage_based=True)
            )
    return components


# --- compute ------------------------------------------------------------------------------------


@maps("aws_ecs_service")
def container_service(r: Resource, inventory: Inventory, __: UsageAssumptions) -> list[Component]:
    tasks = _number(r.values.get("desired_count"), 1)
    strategy = blocks(r.values, "capacity_provider_strategy")
    on_fargate = r.values.get("launch_type") == "FARGATE" or (
        bool(strategy) and all(str(s.get("capacity_provider")).startswith("FARGATE") for s in strategy)
    )
    components = []
    if block(r.values, "network_configuration").get("assign_public_ip") in (True, "true"):
        components.append(hourly(f"public IPv4 for {tasks:g} task(s)", "vpc.public_ipv4.hour", tasks))
    if not on_fargate:
        return components  # tasks on EC2 capacity: the instances are priced with their group
    definition = inventory.referenced(r, "task_definition")
    if definition is None:
        return [*components, Component("Fargate tasks (task definition unknown)", tasks, "fargate.unknown")]
    vcpu = _number(definition.values.get("cpu")) / 1024
    memory = _number(definition.values.get("memory")) / 1024
    architecture = str(block(definition.values, "runtime_platform").get("cpu_architecture", "X86_64")).lower()
    spot = sum(_number(s.get("weight"), 1) for s in strategy if s.get("capacity_provider") == "FARGATE_SPOT")
    total = sum(_number(s.get("weight"), 1) for s in strategy) or 1
    for kind, share in (("", 1 - spot / total), ("spot.", spot / total)):
        if share > 0:
            running = tasks * share
            prefix = f"fargate.{kind}{architecture}"
            components += [
                hourly(f"{running:g} task(s) x {vcpu:g} vCPU", f"{prefix}.vcpu_hour", running * vcpu),
                hourly(f"{running:g} task(s) x {memory:g} GB", f"{prefix}.gb_hour", running * memory),
            ]
    return components


@maps("aws_autoscaling_group")
def instance_group(r: Resource, inventory: Inventory, __: UsageAssumptions) -> list[Component]:
    instances = _number(r.values.get("desired_capacity"), _number(r.values.get("min_size"), 1))
    template = inventory.referenced(r, "launch_template")
    if template is None:
        return [Component("instances (launch template unknown)", instances, "ec2.unknown")]
    instance_type = template.values.get("instance_type")
    components = [hourly(f"{instances:g} x {instance_type}", f"ec2.instance.{instance_type}.hour", instances)]
    for mapping in blocks(template.values, "block_device_mappings"):
        ebs = block(mapping, "ebs")
        volume_type, size = ebs.get("volume_type", "gp2"), _number(ebs.get("volume_size"))
        components.append(
            Component(f"{instances:g} x {size:g} GB {volume_type}", instances * size, f"ebs.{volume_type}.gb_month")
        )
    return components


@maps("aws_lb")
def load_balancer(r: Resource, inventory: Inventory, use: UsageAssumptions) -> list[Component]:
    kind = r.values.get("load_balancer_type", "application")
    components = [
        hourly("load balancer hours", f"elb.{kind}.hour"),
        Component("capacity units", use.load_balancer_lcu * HOURS_PER_MONTH, f"elb.{kind}.lcu_hour", True),
    ]
    if not r.values.get("internal"):
        # An internet-facing load balancer holds a public IPv4 address in each of its zones.
        public = [a for a, s in inventory.resources.items() if s.type == "aws_subnet" and "public" in a]
        zones = _count(r.values.get("subnets")) or len(public) or 2
        components.append(hourly(f"public IPv4 in {zones} zone(s)", "vpc.public_ipv4.hour", zones))
    return components


@maps("aws_apigatewayv2_api")
def http_api(r: Resource, _: Inventory, use: UsageAssumptions) -> list[Component]:
    protocol = str(r.values.get("protocol_type", "HTTP")).lower()
    return [Component("requests", use.api_requests_millions, f"apigateway.{protocol}.million", usage_based=True)]


@maps("aws_ecs_cluster")
def cluster(r: Resource, _: Inventory, __: UsageAssumptions) -> list[Component]:
    insights = {s.get("name"): s.get("value") for s in blocks(r.values, "setting")}.get("containerInsights")
    if insights in ("enabled", "enhanced"):
        return [Component("Container Insights metrics and logs", 1, "cloudwatch.container_insights.cluster_month")]
    return []


# --- pipeline -----------------------------------------------------------------------------------


@maps("aws_codebuild_project")
def build_project(r: Resource, _: Inventory, use: UsageAssumptions) -> list[Component]:
    environment = block(r.values, "environment")
    compute, kind = environment.get("compute_type"), str(environment.get("type", "LINUX_CONTAINER")).lower()
    return [Component(f"build minutes on {compute}", use.build_minutes, f"codebuild.{kind}.{compute}.minute", True)]


@maps("aws_codepipeline")
def pipeline(r: Resource, _: Inventory, use: UsageAssumptions) -> list[Component]:
    if r.values.get("pipeline_type", "V1") == "V1":
        return [Component("active pipeline", 1, "codepipeline.v1.pipeline_month")]
    return [Component("action minutes", use.build_minutes, "codepipeline.v2.action_minute", usage_based=True)]


# --- observability ------------------------------------------------------------------------------


@maps("aws_cloudwatch_log_group")
def log_group(r: Resource, _: Inventory, use: UsageAssumptions) -> list[Component]:
    return [
        Component("ingestion", use.log_ingested_gb, "logs.ingestion.gb", usage_based=True),
        Component("storage", use.log_stored_gb, "logs.storage.gb_month", usage_based=True),
    ]


@maps("aws_cloudwatch_metric_alarm")
def metric_alarm(r: Resource, _: Inventory, __: UsageAssumptions) -> list[Component]:
    # An alarm on metric math is billed per metric it reads.
    metrics = sum(1 for q in blocks(r.values, "metric_query") if block(q, "metric")) or 1
    resolution = "high_resolution" if _number(r.values.get("period"), 60) < 60 else "standard"
    return [Component(f"{metrics} alarm metric(s)", metrics, f"cloudwatch.alarm.{resolution}.metric_month")]


@maps("aws_cloudfront_distribution")
def distribution(r: Resource, _: Inventory, use: UsageAssumptions) -> list[Component]:
    return [
        Component("transfer to the internet", use.cdn_transfer_gb, "cloudfront.transfer_out.gb", True, "global"),
        Component("HTTPS requests", use.cdn_requests_ten_thousands, "cloudfront.https_requests.10k", True, "global"),
    ]


@maps("aws_scheduler_schedule")
def schedule(r: Resource, _: Inventory, __: UsageAssumptions) -> list[Component]:
    invocations = invocations_a_month(str(r.values.get("schedule_expression", "")))
    return [Component("invocations", invocations, "scheduler.invocation")]


DAYS_PER_MONTH = HOURS_PER_MONTH / 24
_UNIT_HOURS = {"minute": 1 / 60, "hour": 1, "day": 24}


def invocations_a_month(expression: str) -> float:
    """How often an EventBridge Scheduler expression fires in a month: rate(n unit), or cron(minutes
    hours day-of-month month day-of-week year) read field by field: `*` or `?` (every one), and a
    comma-separated list of values, ranges (`1-5`, `MON-FRI`) and steps (`0/15`)."""
    rate = re.fullmatch(r"rate\((\d+) (minute|hour|day)s?\)", expression)
    if rate:
        return HOURS_PER_MONTH / (int(rate.group(1)) * _UNIT_HOURS[rate.group(2)])
    cron = re.fullmatch(r"cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)", expression)
    if not cron:
        raise ValueError(f"not an EventBridge Scheduler expression: {expression!r}")
    minutes, hours, day_of_month, _month, day_of_week, _year = cron.groups()

    def values(field: str, every: float) -> float:
        return every if field in ("*", "?") else sum(_how_many(part, every) for part in field.split(","))

    days = values(day_of_week, 7) * DAYS_PER_MONTH / 7 if day_of_month == "?" else values(day_of_month, DAYS_PER_MONTH)
    return values(minutes, 60) * values(hours, 24) * days


_DAYS = {day: n for n, day in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), start=1)}


def _how_many(part: str, every: float) -> float:
    if "/" in part:
        start, step = part.split("/")
        return max(1, (every - (0 if start == "*" else int(start))) // int(step))
    if "-" in part:
        first, last = (int(_DAYS.get(end.upper(), end)) for end in part.split("-"))
        return last - first + 1
    return 1


@dataclass(frozen=True)
class OneComponent:
    """A type whose cost is one component, alike for every resource of the type: one a month, an
    hour-price for the month, or a quantity the usage assumptions give (the field named)."""

    component: str
    price: str
    usage: str = ""
    by_the_hour: bool = False

    def __post_init__(self) -> None:
        if self.usage and self.usage not in UsageAssumptions.model_fields:
            raise ValueError(f"{self.price}: no usage assumption named {self.usage!r}")

    def __call__(self, r: Resource, _: Inventory, use: UsageAssumptions) -> list[Component]:
        if self.by_the_hour:
            return [hourly(self.component, self.price)]
        if self.usage:
            return [Component(self.component, getattr(use, self.usage), self.price, usage_based=True)]
        return [Component(self.component, 1, self.price)]


MAPPERS.update(
    {
        "aws_eip": OneComponent("public IPv4 address", "vpc.public_ipv4.hour", by_the_hour=True),
        "aws_securityhub_account": OneComponent(
            "security checks", "securityhub.checks.1k", "security_hub_checks_thousands"
        ),
        "aws_sqs_queue": OneComponent("requests", "sqs.standard_requests.million", "queue_requests_millions"),
        "aws_sns_topic": OneComponent("publishes", "sns.publishes.million", "topic_publishes_millions"),
        "aws_ses_domain_identity": OneComponent("emails sent", "ses.emails.1k", "emails_thousands"),
        "aws_cloudwatch_event_bus": OneComponent(
            "custom events", "events.custom_events.million", "bus_events_millions"
        ),
        "aws_cloudwatch_event_archive": OneComponent(
            "events archived", "events.archive.processed_gb", "archive_processed_gb"
        ),
        "aws_ecr_repository": OneComponent("image storage", "ecr.storage.gb_month", "repository_stored_gb"),
        "aws_service_discovery_private_dns_namespace": OneComponent("private hosted zone", "route53.hosted_zone.month"),
        "aws_route53_zone": OneComponent("hosted zone", "route53.hosted_zone.month"),
        "aws_cloudwatch_composite_alarm": OneComponent("composite alarm", "cloudwatch.alarm.composite.month"),
        "aws_cloudwatch_dashboard": OneComponent("dashboard", "cloudwatch.dashboard.month"),
        "aws_cloudwatch_log_metric_filter": OneComponent("custom metric", "cloudwatch.custom_metric.month"),
        "aws_xray_sampling_rule": OneComponent("traces recorded", "xray.traces_recorded.million", "traces_millions"),
        "aws_config_configuration_recorder": OneComponent(
            "configuration items", "config.items.1k", "config_items_thousands"
        ),
        "aws_config_conformance_pack": OneComponent(
            "rule evaluations", "config.pack_evaluations.1k", "pack_evaluations_thousands"
        ),
    }
)


# Types AWS does not charge for by themselves, with the reason (what carries their cost, if anything).
FREE: dict[str, str] = {
    "aws_vpc": "no charge", "aws_subnet": "no charge", "aws_route": "no charge", "aws_route_table": "no charge",
    "aws_route_table_association": "no charge", "aws_internet_gateway": "no charge",
    "aws_network_acl": "no charge", "aws_default_security_group": "no charge", "aws_security_group": "no charge",
    "aws_vpc_security_group_ingress_rule": "no charge", "aws_vpc_security_group_egress_rule": "no charge",
    "aws_flow_log": "priced as the log group it writes to",
    "aws_iam_role": "no charge", "aws_iam_policy": "no charge", "aws_iam_role_policy": "no charge",
    "aws_iam_role_policy_attachment": "no charge", "aws_iam_instance_profile": "no charge",
    "aws_iam_openid_connect_provider": "no charge", "aws_iam_account_password_policy": "no charge",
    "aws_accessanalyzer_analyzer": "no charge (external access analysis; unused-access analysis is priced)",
    "aws_acm_certificate": "public certificates are free", "aws_acm_certificate_validation": "no charge",
    "aws_kms_alias": "no charge", "aws_ebs_encryption_by_default": "no charge",
    "aws_s3_account_public_access_block": "no charge",
    "aws_securityhub_standards_subscription": "priced as the account's security checks",
    "aws_wafv2_web_acl_association": "no charge", "aws_wafv2_web_acl_logging_configuration": "priced as its log group",
    "aws_wafv2_regex_pattern_set": "no charge",
    "aws_secretsmanager_secret_version": "priced with its secret",
    "aws_secretsmanager_secret_rotation": "priced as its secret's API calls",
    "aws_db_subnet_group": "no charge", "aws_db_parameter_group": "no charge", "aws_db_option_group": "no charge",
    "aws_rds_cluster_parameter_group": "no charge", "aws_elasticache_subnet_group": "no charge",
    "aws_elasticache_user": "no charge", "aws_elasticache_user_group": "no charge",
    "aws_backup_vault": "priced as the plan's storage", "aws_backup_vault_policy": "no charge",
    "aws_backup_selection": "priced as the plan's storage",
    "aws_s3_bucket_cors_configuration": "no charge", "aws_s3_bucket_lifecycle_configuration": "no charge",
    "aws_s3_bucket_logging": "priced as the log bucket's storage",
    "aws_s3_bucket_object_lock_configuration": "no charge", "aws_s3_bucket_ownership_controls": "no charge",
    "aws_s3_bucket_policy": "no charge", "aws_s3_bucket_public_access_block": "no charge",
    "aws_s3_bucket_server_side_encryption_configuration": "priced as its key's requests",
    "aws_s3_bucket_versioning": "priced as the bucket's storage",
    "aws_sns_topic_policy": "no charge", "aws_sns_topic_subscription": "priced as the topic's publishes",
    "aws_sqs_queue_policy": "no charge", "aws_sqs_queue_redrive_allow_policy": "no charge",
    "aws_ses_domain_dkim": "no charge", "aws_ses_domain_mail_from": "no charge",
    "aws_ses_identity_notification_topic": "priced as the topic's publishes",
    "aws_cloudwatch_event_rule": "priced as its bus's events", "aws_cloudwatch_event_target": "no charge",
    "aws_ecs_task_definition": "priced with its service", "aws_ecs_cluster_capacity_providers": "no charge",
    "aws_ecs_capacity_provider": "priced as its instance group", "aws_launch_template": "priced with its group",
    "aws_lb_listener": "priced with its load balancer", "aws_lb_listener_rule": "priced with its load balancer",
    "aws_lb_target_group": "priced with its load balancer", "aws_ecr_lifecycle_policy": "no charge",
    "aws_appautoscaling_target": "no charge", "aws_appautoscaling_policy": "no charge",
    "aws_apigatewayv2_integration": "priced as the API's requests",
    "aws_apigatewayv2_route": "priced as the API's requests",
    "aws_apigatewayv2_stage": "priced as the API's requests", "aws_apigatewayv2_vpc_link": "no charge for HTTP APIs",
    "aws_service_discovery_service": "DNS records in the namespace's hosted zone",
    "aws_codedeploy_app": "no charge on ECS", "aws_codedeploy_deployment_group": "no charge on ECS",
    "aws_codestarconnections_connection": "no charge",
    "aws_budgets_budget": "the first two budgets without actions are free",
    "aws_xray_group": "no charge", "aws_iam_service_linked_role": "no charge",
    "aws_cloudfront_origin_access_control": "no charge", "aws_cloudfront_response_headers_policy": "no charge",
    "aws_ssm_document": "no charge (Session Manager on EC2 instances is free)",
    "aws_config_delivery_channel": "priced as its bucket's storage",
    "aws_config_configuration_recorder_status": "priced as the recorder's items",
}  # fmt: skip


def components_of(resource: Resource, inventory: Inventory, use: UsageAssumptions) -> list[Component] | None:
    """The resource's components; None when its type is neither mapped nor known to be free."""
    mapper = MAPPERS.get(resource.type)
    if mapper is not None:
        return mapper(resource, inventory, use)
    return [] if resource.type in FREE else None

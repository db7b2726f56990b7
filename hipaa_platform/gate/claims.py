"""Claims: an accepted finding whose reason leans on another control (a flow log, a trail, access
logs, backups, alarms) is only as true as that control. The gate checks each such claim against the
synthesized layers and fails on one that does not hold: without the security layer's flow log, the
VPC's acceptance of CKV2_AWS_11 fails the gate."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from hipaa_platform.gate.acceptances import COMMENT_KEY
from hipaa_platform.gate.bucket_logging import buckets_logging_nowhere


class Layers:
    """The six synthesized layers of one environment, by layer name."""

    def __init__(self, stacks: Mapping[str, dict]) -> None:
        self.stacks = stacks

    def resources(self, layer: str, resource_type: str) -> dict[str, dict]:
        return self.stacks.get(layer, {}).get("resource", {}).get(resource_type, {})


# Words by which a reason leans on another control.
NAMES_A_CONTROL = re.compile(
    r"flow log|trail|access log|backup|alarm|snapshot|versioning|redirect|internet gateway", re.IGNORECASE
)


@dataclass(frozen=True)
class Accepted:
    layer: str
    resource_type: str
    name: str
    check_id: str
    reason: str

    @property
    def address(self) -> str:
        return f"{self.resource_type}.{self.name}"


def acceptances(layers: Layers) -> list[Accepted]:
    found = []
    for layer, stack in layers.stacks.items():
        for resource_type, resources in stack.get("resource", {}).items():
            for name, body in resources.items():
                for a in body.get("//", {}).get(COMMENT_KEY, []):
                    found.append(Accepted(layer, resource_type, name, a["check_id"], a["reason"]))
    return found


def referencing(layers: Layers, layer: str, resource_type: str, address: str) -> list[dict]:
    """The `resource_type` resources of `layer` that reference `address` (type.name)."""
    return [
        body
        for body in layers.resources(layer, resource_type).values()
        if f"${{{address}." in str({k: v for k, v in body.items() if k != "//"})
    ]


# Each verifier returns what is missing, or "" when the claim holds.
Verifier = Callable[[Layers, Accepted], str]


def flow_log_in_security_layer(env: Layers, a: Accepted) -> str:
    logs = env.resources("security", "aws_flow_log").values()
    if any(f["vpc_id"] == "${data.terraform_remote_state.networking.outputs.vpc_id}" for f in logs):
        return ""
    return "no flow log of the VPC in the security layer"


def only_the_public_tier_routes_to_the_gateway(env: Layers, a: Accepted) -> str:
    routes = env.resources("networking", "aws_route").values()
    tables = {r["route_table_id"].split(".")[1] for r in routes if "aws_internet_gateway." in r.get("gateway_id", "")}
    associations = env.resources("networking", "aws_route_table_association").values()
    subnets = [a["subnet_id"] for a in associations if a["route_table_id"].split(".")[1] in tables]
    if not subnets or any("-public-" not in subnet for subnet in subnets):
        return "a route table of a subnet outside the public tier routes to the internet gateway"
    return ""


def stage_logs_to_encrypted_group(env: Layers, a: Accepted) -> str:
    destination = env.resources(a.layer, a.resource_type)[a.name].get("access_log_settings", {}).get("destination_arn")
    groups = env.resources(a.layer, "aws_cloudwatch_log_group")
    group = next((g for name, g in groups.items() if destination == f"${{aws_cloudwatch_log_group.{name}.arn}}"), None)
    if group is None or not group.get("kms_key_id"):
        return "the stage writes no access log to an encrypted log group"
    return ""


def bucket_versioned(env: Layers, a: Accepted) -> str:
    versioning = referencing(env, a.layer, "aws_s3_bucket_versioning", a.address)
    if versioning and versioning[0]["versioning_configuration"]["status"] == "Enabled":
        return ""
    return "the bucket is not versioned"


def database_backups_as_stated(env: Layers, a: Accepted) -> str:
    days = int(re.search(r"(\d+)-day automated backups", a.reason).group(1))
    database = env.resources(a.layer, a.resource_type)[a.name]
    if database["backup_retention_period"] != days:
        return f"the database keeps backups {database['backup_retention_period']} days, not {days}"
    if "final snapshot" in a.reason and database.get("skip_final_snapshot", False):
        return "the database skips its final snapshot"
    return ""


def trail_delivers_to_log_group(env: Layers, a: Accepted) -> str:
    trail = env.resources(a.layer, a.resource_type)[a.name]
    return "" if trail.get("cloud_watch_logs_group_arn") else "the trail has no CloudWatch Logs group"


def ecs_cpu_and_memory_alarms(env: Layers, a: Accepted) -> str:
    watched = {
        r["metric_name"]
        for r in env.resources("observability", "aws_cloudwatch_metric_alarm").values()
        if r.get("namespace") == "AWS/ECS"
    }
    missing = {"CPUUtilization", "MemoryUtilization"} - watched
    return f"no ECS alarm on {', '.join(sorted(missing))}" if missing else ""


def data_buckets_log_access(env: Layers, a: Accepted) -> str:
    """The origin buckets' server access logs: every data bucket but the access-log bucket logs."""
    unlogged = sorted(buckets_logging_nowhere(env.stacks.get("data", {})) - {"access-logs"})
    return f"buckets without server access logs: {unlogged}" if unlogged else ""


def input_of_a_composite_alarm(env: Layers, a: Accepted) -> str:
    composites = env.resources(a.layer, "aws_cloudwatch_composite_alarm").values()
    if any(f"${{{a.address}.alarm_name}}" in c["alarm_rule"] for c in composites):
        return ""
    return "no composite alarm takes this alarm as an input"


def dead_letter_queue_alarmed(env: Layers, a: Accepted) -> str:
    queue = env.resources(a.layer, a.resource_type)[a.name]["dimensions"]["QueueName"]
    dead_letters = queue.replace(".queue_names.", ".dead_letter_queue_names.")
    alarms = env.resources("observability", "aws_cloudwatch_metric_alarm").values()
    if any(r.get("dimensions", {}).get("QueueName") == dead_letters and r.get("alarm_actions") for r in alarms):
        return ""
    return "no alarm with actions on the queue's dead-letter queue"


def database_backed_up(env: Layers, a: Accepted) -> str:
    databases = env.resources("data", "aws_db_instance")
    selections = env.resources("data", "aws_backup_selection").values()
    for name, database in databases.items():
        selected = any(f"${{aws_db_instance.{name}.arn}}" in str(s.get("resources")) for s in selections)
        if database.get("backup_retention_period", 0) >= 1 and selected:
            return ""
    return "no database with automated backups and an AWS Backup selection"


def port_80_only_redirects(env: Layers, a: Accepted) -> str:
    on_80 = [
        listener for listener in env.resources("compute", "aws_lb_listener").values() if listener.get("port") == 80
    ]
    if not on_80:
        return "no listener on port 80"
    for listener in on_80:
        (action, *more) = listener.get("default_action") or [{}]
        redirect = action.get("redirect", {}) if action.get("type") == "redirect" else {}
        if more or (redirect.get("protocol"), redirect.get("status_code")) != ("HTTPS", "HTTP_301"):
            return "the port-80 listener does something other than a 301 redirect to HTTPS"
    return ""


# (check, what the reason says) -> what must then exist.
CLAIMS: list[tuple[str, re.Pattern, Verifier]] = [
    (
        "CKV2_AWS_11",
        re.compile(r"Flow logs for this VPC are created in the security layer"),
        flow_log_in_security_layer,
    ),
    ("CKV_AWS_144", re.compile(r"versioning, the lifecycle and RDS backups"), bucket_versioned),
    ("CKV2_HIPAA_24", re.compile(r"protected by versioning instead"), bucket_versioned),
    (
        "CKV_HIPAA_25",
        re.compile(r"access log of every request to its encrypted log group"),
        stage_logs_to_encrypted_group,
    ),
    (
        "CKV_HIPAA_23",
        re.compile(r"private and isolated tiers' route tables have no route to the gateway"),
        only_the_public_tier_routes_to_the_gateway,
    ),
    *(
        (check, re.compile(r"answer every request with a 301 redirect to HTTPS"), port_80_only_redirects)
        for check in ("CKV_AWS_260", "CKV_HIPAA_22")
    ),
    ("CKV_AWS_157", re.compile(r"\d+-day automated backups"), database_backups_as_stated),
    ("CKV_AWS_252", re.compile(r"the trail's events go to its CloudWatch Logs group"), trail_delivers_to_log_group),
    ("CKV_AWS_65", re.compile(r"observability layer alarms on CPU and memory"), ecs_cpu_and_memory_alarms),
    ("CKV_AWS_86", re.compile(r"origin bucket's server access logs"), data_buckets_log_access),
    ("CKV_HIPAA_5", re.compile(r"inputs .* of the service's composite health alarm"), input_of_a_composite_alarm),
    ("CKV_HIPAA_5", re.compile(r"alarm on this queue's dead-letter queue"), dead_letter_queue_alarmed),
    ("CKV_HIPAA_20", re.compile(r"PostgreSQL, whose automated backups and AWS Backup plan"), database_backed_up),
]

# Reasons that name a control without leaning on one: a fact about AWS, or the resource itself.
NOT_A_CLAIM = {
    "CKV_AWS_145": "S3 server access logs and ALB access logs can only be delivered to buckets encrypted with SSE-S3",
}


def claim_of(a: Accepted) -> Verifier | None:
    return next((verify for check, said, verify in CLAIMS if check == a.check_id and said.search(a.reason)), None)


@dataclass(frozen=True)
class Unfounded:
    """An acceptance whose claim does not hold: what is missing."""

    layer: str
    resource: str
    check_id: str
    missing: str


def unfounded_claims(layers: Layers) -> list[Unfounded]:
    found = []
    for a in acceptances(layers):
        verify = claim_of(a)
        missing = verify(layers, a) if verify else ""
        if missing:
            found.append(Unfounded(a.layer, a.address, a.check_id, missing))
    return found

"""Combinations AWS refuses, refused before anything is deployed. The emulator accepts them all,
so an environment could deploy there and fail on a real apply. Each rule's data names its source
and the day it was read; EC2 instance types come from the instance-type data moto ships (AWS's own
DescribeInstanceTypes output, pinned with moto in Pipfile.lock); a task's ARM64 on EC2 capacity
is refused by config.Environment itself."""

from __future__ import annotations

import functools
import gzip
import json
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hipaa_platform.config import Environment


@dataclass(frozen=True)
class Source:
    url: str
    read: str  # ISO date


PERFORMANCE_INSIGHTS_SOURCE = Source(
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DatabaseInsights.Engines.html", "2026-12-07"
)
# Engine -> instance classes on which RDS refuses Performance Insights (Database Insights).
PERFORMANCE_INSIGHTS_UNSUPPORTED: dict[str, frozenset[str]] = {
    engine: frozenset({"db.t2.micro", "db.t2.small", "db.t3.micro", "db.t3.small", "db.t4g.micro", "db.t4g.small"})
    for engine in ("mysql", "mariadb")
}

STORAGE_SOURCE = Source("https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html", "2026-12-07")
# RDS for MySQL and PostgreSQL: allocated storage (GiB) by storage type.
STORAGE_GB_BY_TYPE: dict[str, tuple[int, int]] = {
    "gp2": (20, 65536),
    "gp3": (20, 65536),
    "io1": (100, 65536),
    "io2": (100, 65536),
}

AUTO_PAUSE_SOURCE = Source(
    "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html", "2026-12-07"
)
# Aurora PostgreSQL: the first minor version of each major that takes a minimum of 0 ACUs.
ZERO_ACU_FROM: dict[int, tuple[int, int]] = {13: (13, 15), 14: (14, 12), 15: (15, 7), 16: (16, 3)}

CACHE_NODES_SOURCE = Source(
    "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html", "2026-12-07"
)
# Current-generation node families ElastiCache offers for Redis OSS and Valkey.
CACHE_NODE_FAMILIES = frozenset({"t3", "t4g", "m5", "m6g", "m7g", "r5", "r6g", "r6gd", "r7g", "c7gn"})

# The container instances run the ECS-optimized Amazon Linux 2023 image for x86_64 (modules/compute/ec2_capacity.py).
CONTAINER_INSTANCE_IMAGE_ARCHITECTURE = "x86_64"


@dataclass(frozen=True)
class InstanceType:
    architectures: tuple[str, ...]
    network_interfaces: int


@functools.cache
def instance_types() -> dict[str, InstanceType]:
    """EC2 instance types with the architectures they run and their network interfaces, from moto's
    copy of EC2's DescribeInstanceTypes."""
    data = resources.files("moto.ec2").joinpath("resources/instance_types.json.gz").read_bytes()
    return {
        name: InstanceType(
            tuple(spec["ProcessorInfo"]["SupportedArchitectures"]), spec["NetworkInfo"]["MaximumNetworkInterfaces"]
        )
        for name, spec in json.loads(gzip.decompress(data)).items()
    }


def refusals(env: Environment) -> list[str]:
    """Every combination of this environment AWS would refuse, each naming its field and the allowed values."""
    found: list[str] = []
    database = env.data.database
    if database is not None:
        refused = PERFORMANCE_INSIGHTS_UNSUPPORTED.get(database.engine, frozenset())
        if database.performance_insights and database.instance_class in refused:
            found.append(
                f"data.database.performance_insights: RDS for {database.engine} offers no Performance Insights on "
                f"{database.instance_class} (not on {', '.join(sorted(refused))}; {PERFORMANCE_INSIGHTS_SOURCE.url}, "
                f"read {PERFORMANCE_INSIGHTS_SOURCE.read}); allowed: a larger class, or performance_insights: false "
                "with decisions.no_performance_insights"
            )
        low, high = STORAGE_GB_BY_TYPE[database.storage_type]
        for field in ("allocated_storage_gb", "max_allocated_storage_gb"):
            size = getattr(database, field)
            if not low <= size <= high:
                found.append(
                    f"data.database.{field}: {size} GiB of {database.storage_type}; allowed: {low} to {high} "
                    f"({STORAGE_SOURCE.url}, read {STORAGE_SOURCE.read})"
                )
    aurora = env.data.aurora
    if aurora is not None and aurora.min_capacity_acu == 0:
        major, _, minor = aurora.engine_version.partition(".")
        first = ZERO_ACU_FROM.get(int(major))
        if first is None or (int(major), int(minor or 0)) < first:
            allowed = ", ".join(f"{m}.{n}" for m, n in ZERO_ACU_FROM.values())
            found.append(
                f"data.aurora.min_capacity_acu: 0 (auto-pause) needs Aurora PostgreSQL {allowed} or later in its "
                f"major version, not {aurora.engine_version} ({AUTO_PAUSE_SOURCE.url}, read {AUTO_PAUSE_SOURCE.read})"
            )
    if env.data.redis is not None:
        family = env.data.redis.node_type.split(".")[1]
        if family not in CACHE_NODE_FAMILIES:
            found.append(
                f"data.redis.node_type: {env.data.redis.node_type} is not a current ElastiCache node type; allowed "
                f"families: {', '.join(sorted(CACHE_NODE_FAMILIES))} ({CACHE_NODES_SOURCE.url}, "
                f"read {CACHE_NODES_SOURCE.read})"
            )
    capacity = env.compute.ec2_capacity
    if capacity is not None:
        architectures = instance_types()[capacity.instance_type].architectures
        if CONTAINER_INSTANCE_IMAGE_ARCHITECTURE not in architectures:
            found.append(
                f"compute.ec2_capacity.instance_type: {capacity.instance_type} runs {', '.join(architectures)}, "
                f"not the container instances' {CONTAINER_INSTANCE_IMAGE_ARCHITECTURE} image; allowed: an x86_64 "
                "instance type, e.g. t3.small"
            )
    return found

"""The one place AWS resource names are made."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hipaa_platform.config import Redis, Service


@dataclass(frozen=True)
class Namer:
    prefix: str

    def name(self, *parts: str) -> str:
        """`intakeiq-alb-sg` style: the prefix, then the parts, joined by '-'."""
        return "-".join((self.prefix, *parts))

    def path(self, *parts: str) -> str:
        """`/intakeiq/DATABASE_URL` style, for parameters."""
        return "/" + "/".join((self.prefix, *parts))

    def bucket(self, role: str, account: str) -> str:
        """`intakeiq-insurance-cards-<account>` style; every layer that names a bucket (or grants
        delivery into one created later) derives the name here."""
        return f"{self.name(role)}-{account}"

    def secret(self, name: str) -> str:
        """`medisync/database` style, for Secrets Manager secrets."""
        return f"{self.prefix}/{name}"

    def log_group(self, *parts: str) -> str:
        """`/ecs/intakeiq` style, for log groups."""
        return "/" + "/".join((*parts, self.prefix))

    def for_service(self, container_name: str, *parts: str) -> str:
        """Per-service names; a service named like the prefix keeps the short form (`intakeiq-ecs-sg`)."""
        if container_name == self.prefix:
            return self.name(*parts)
        return self.name(container_name, *parts)

    # Names of one service's resources; a name the environment file fixes (Service.names) wins.

    def repository(self, service: Service) -> str:
        return service.names.repository or self.for_service(service.container_name)

    def task_family(self, service: Service) -> str:
        return service.names.task_family or service.name

    def target_group(self, service: Service, colour: str = "") -> str:
        fixed = service.names.target_group
        if fixed:
            return self.bounded(f"{fixed}-{colour}" if colour else fixed, 32)
        return self.bounded(self.for_service(service.container_name, *([colour] if colour else []), "tg"), 32)

    def service_log_group(self, service: Service) -> str:
        """`/ecs/<prefix>` for a service named like the prefix, `/ecs/<prefix>/<container>` otherwise."""
        if service.names.log_group:
            return service.names.log_group
        return self.log_group("ecs") + ("" if service.container_name == self.prefix else f"/{service.container_name}")

    def redis_members(self, redis: Redis) -> list[str]:
        """The node ids ElastiCache gives a replication group's members: `<group>-001`, `-002`, ..."""
        return [f"{self.name(redis.name)}-{node:03d}" for node in range(1, redis.nodes + 1)]

    def bounded(self, name: str, limit: int) -> str:
        """`name` if it fits AWS's length limit, else a readable head plus a stable hash."""
        if len(name) <= limit:
            return name
        digest = hashlib.sha256(name.encode()).hexdigest()[:6]
        return f"{name[: limit - 7].rstrip('-')}-{digest}"

    def service_alarm(self, container_name: str, kind: str) -> str:
        """Per-service alarm names; CodeDeploy (pipeline layer) watches them by name."""
        return self.for_service(container_name, kind)

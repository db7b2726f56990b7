"""The `networking` section: VPC, subnets by tier, NAT, endpoints, network ACLs."""

from __future__ import annotations

from ipaddress import IPv4Network
from typing import Literal

from pydantic import Field, field_validator, model_validator

from hipaa_platform.config.base import Model, check_retention

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
        return check_retention(value)

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

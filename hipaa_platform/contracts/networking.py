"""What the networking layer publishes: its outputs, read downstream by name."""

from __future__ import annotations

from dataclasses import dataclass

from hipaa_platform.contracts.base import LayerOutputs, described


@dataclass(frozen=True)
class NetworkingOutputs(LayerOutputs):
    LAYER = "networking"
    vpc_id: str = described("ID of the platform VPC")
    vpc_cidr: str = described("IPv4 CIDR block of the platform VPC")
    public_subnet_ids: list[str] = described("IDs of the public subnets (internet gateway route), one per AZ")
    private_subnet_ids: list[str] = described("IDs of the private subnets (no inbound route from the internet)")
    isolated_subnet_ids: list[str] = described("IDs of the isolated subnets (no route out of the VPC); may be empty")

"""Layer 1: the VPC, its subnet tiers, routing, NAT and endpoints."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from constructs import Construct

from hipaa_platform.contracts import LayerOutputs, described
from hipaa_platform.layer import BuildContext, LayerStack
from hipaa_platform.suppressions import accept_finding
from modules.network import Network


@dataclass(frozen=True)
class NetworkingOutputs(LayerOutputs):
    LAYER = "networking"
    vpc_id: str = described("ID of the platform VPC")
    vpc_cidr: str = described("IPv4 CIDR block of the platform VPC")
    public_subnet_ids: list[str] = described("IDs of the public subnets (internet gateway route), one per AZ")
    private_subnet_ids: list[str] = described("IDs of the private subnets (no inbound route from the internet)")
    isolated_subnet_ids: list[str] = described("IDs of the isolated subnets (no route out of the VPC); may be empty")


class NetworkingLayer(LayerStack):
    LAYER = "networking"

    def __init__(self, scope: Construct, context: BuildContext) -> None:
        super().__init__(scope, context)
        network = Network(
            self,
            "network",
            config=self.environment.networking,
            namer=self.namer,
            region=self.environment.region,
            account=DataAwsCallerIdentity(self, "account").account_id,
        )
        accept_finding(
            network.vpc,
            "CKV2_AWS_11",
            "Flow logs for this VPC are created in the security layer, next to the KMS key that encrypts "
            "their log group; checkov's per-file graph cannot see across layers.",
        )
        self.publish(
            NetworkingOutputs(
                vpc_id=network.vpc.id,
                vpc_cidr=network.vpc.cidr_block,
                public_subnet_ids=[s.id for s in network.public_subnets],
                private_subnet_ids=[s.id for s in network.private_subnets],
                isolated_subnet_ids=[s.id for s in network.isolated_subnets],
            )
        )

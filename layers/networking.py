"""Layer 1: the VPC, its subnet tiers, routing, NAT and endpoints."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from constructs import Construct

from hipaa_platform.building.layer_stack import BuildContext, LayerStack
from hipaa_platform.contracts.networking import NetworkingOutputs
from hipaa_platform.gate.acceptances import accept_finding
from modules.networking.network import Network


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

"""A VPC with public, private and (optionally) isolated subnet tiers, configurable NAT, a closed default security group
and optional VPC endpoints."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.default_security_group import DefaultSecurityGroup
from cdktf_cdktf_provider_aws.eip import Eip
from cdktf_cdktf_provider_aws.internet_gateway import InternetGateway
from cdktf_cdktf_provider_aws.nat_gateway import NatGateway
from cdktf_cdktf_provider_aws.route import Route
from cdktf_cdktf_provider_aws.route_table import RouteTable
from cdktf_cdktf_provider_aws.route_table_association import RouteTableAssociation
from cdktf_cdktf_provider_aws.security_group import SecurityGroup, SecurityGroupIngress
from cdktf_cdktf_provider_aws.subnet import Subnet
from cdktf_cdktf_provider_aws.vpc import Vpc
from cdktf_cdktf_provider_aws.vpc_endpoint import VpcEndpoint
from constructs import Construct

from hipaa_platform.building.naming import Namer
from hipaa_platform.config import ACL_TIERS, Networking
from hipaa_platform.config import Subnet as SubnetSpec
from hipaa_platform.gate.acceptances import accept_finding
from modules.networking.network_acls import tier_acl
from modules.shared.iam import Statement, policy_document

PUBLIC_TIER_ONLY = (
    "Only the public tier's route table sends internet traffic to the internet gateway: that tier is what faces "
    "the internet (an internet-facing load balancer, NAT gateways, and tasks only where an environment gives "
    "them public IPs, a finding it accepts with its own reason). The private and isolated tiers' route tables "
    "have no route to the gateway."
)


class Network(Construct):
    def __init__(
        self, scope: Construct, id: str, *, config: Networking, namer: Namer, region: str, account: str
    ) -> None:
        super().__init__(scope, id)
        self.vpc = Vpc(
            self,
            "vpc",
            cidr_block=str(config.vpc_cidr),
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={"Name": namer.name("vpc")},
        )
        # No rules: nothing may use the default group by accident.
        DefaultSecurityGroup(self, "default-sg", vpc_id=self.vpc.id, tags={"Name": namer.name("default-closed")})

        self.internet_gateway = InternetGateway(self, "igw", vpc_id=self.vpc.id, tags={"Name": namer.name("igw")})
        public_routes = RouteTable(self, "public-rt", vpc_id=self.vpc.id, tags={"Name": namer.name("public")})
        public_default = Route(
            self,
            "public-default",
            route_table_id=public_routes.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=self.internet_gateway.id,
        )
        accept_finding(public_default, "CKV_HIPAA_23", PUBLIC_TIER_ONLY)
        # A plan reads the route back into its table's routes, where checkov then reports the same finding.
        accept_finding(public_routes, "CKV_HIPAA_23", PUBLIC_TIER_ONLY, scan="plan")
        self.public_subnets = []
        for index, spec in enumerate(config.public_subnets):
            subnet = self._subnet("public", index, spec, namer)
            RouteTableAssociation(self, f"public-{index + 1}-rt", subnet_id=subnet.id, route_table_id=public_routes.id)
            self.public_subnets.append(subnet)

        nat_by_az: dict[str, NatGateway] = {}
        if config.nat != "none":
            nat_azs = config.azs if config.nat == "per_az" else config.azs[:1]
            for spec in config.public_subnets:
                if spec.az in nat_azs and spec.az not in nat_by_az:
                    number = len(nat_by_az) + 1
                    eip = Eip(self, f"nat-eip-{number}", domain="vpc", tags={"Name": namer.name("nat", str(number))})
                    subnet = self.public_subnets[config.public_subnets.index(spec)]
                    nat_by_az[spec.az] = NatGateway(
                        self,
                        f"nat-{number}",
                        allocation_id=eip.id,
                        subnet_id=subnet.id,
                        tags={"Name": namer.name("nat", str(number))},
                    )

        self.private_subnets = []
        self.private_route_tables = []
        for index, spec in enumerate(config.private_subnets):
            subnet = self._subnet("private", index, spec, namer)
            routes = RouteTable(
                self,
                f"private-{index + 1}-rt",
                vpc_id=self.vpc.id,
                tags={"Name": namer.name("private", str(index + 1))},
            )
            nat = nat_by_az.get(spec.az) or next(iter(nat_by_az.values()), None)
            if nat is not None:
                Route(
                    self,
                    f"private-{index + 1}-default",
                    route_table_id=routes.id,
                    destination_cidr_block="0.0.0.0/0",
                    nat_gateway_id=nat.id,
                )
            RouteTableAssociation(self, f"private-{index + 1}-rta", subnet_id=subnet.id, route_table_id=routes.id)
            self.private_subnets.append(subnet)
            self.private_route_tables.append(routes)

        # Isolated subnets share one route table with only the local route: no way out of the VPC.
        self.isolated_subnets = []
        self.isolated_route_tables = []
        if config.isolated_subnets:
            isolated_routes = RouteTable(self, "isolated-rt", vpc_id=self.vpc.id, tags={"Name": namer.name("isolated")})
            self.isolated_route_tables.append(isolated_routes)
            for index, spec in enumerate(config.isolated_subnets):
                subnet = self._subnet("isolated", index, spec, namer)
                RouteTableAssociation(
                    self, f"isolated-{index + 1}-rta", subnet_id=subnet.id, route_table_id=isolated_routes.id
                )
                self.isolated_subnets.append(subnet)

        for service in config.gateway_endpoints:
            VpcEndpoint(
                self,
                f"endpoint-{service}",
                vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{region}.{service}",
                vpc_endpoint_type="Gateway",
                route_table_ids=[t.id for t in (*self.private_route_tables, *self.isolated_route_tables)],
                policy=gateway_endpoint_policy(service, region=region, account=account),
            )
        if config.interface_endpoints:
            endpoint_sg = SecurityGroup(
                self,
                "endpoints-sg",
                name=namer.name("endpoints-sg"),
                description="HTTPS from inside the VPC to interface endpoints",
                vpc_id=self.vpc.id,
                ingress=[
                    SecurityGroupIngress(
                        description="HTTPS from the VPC",
                        protocol="tcp",
                        from_port=443,
                        to_port=443,
                        cidr_blocks=[str(config.vpc_cidr)],
                    )
                ],
            )
            for service in config.interface_endpoints:
                VpcEndpoint(
                    self,
                    f"endpoint-{service.replace('.', '-')}",
                    vpc_id=self.vpc.id,
                    service_name=f"com.amazonaws.{region}.{service}",
                    vpc_endpoint_type="Interface",
                    private_dns_enabled=True,
                    subnet_ids=[s.id for s in self.private_subnets],
                    security_group_ids=[endpoint_sg.id],
                )

        self.network_acls = {}
        for tier in ACL_TIERS if config.network_acls else ():
            rules = getattr(config.network_acls, tier)
            if rules:
                subnets = getattr(self, f"{tier}_subnets")
                self.network_acls[tier] = tier_acl(
                    self, tier=tier, rules=rules, subnet_ids=[s.id for s in subnets], vpc_id=self.vpc.id, namer=namer
                )

    def _subnet(self, tier: str, index: int, spec: SubnetSpec, namer: Namer) -> Subnet:
        return Subnet(
            self,
            f"{tier}-{index + 1}",
            vpc_id=self.vpc.id,
            cidr_block=str(spec.cidr),
            availability_zone=spec.az,
            # Tasks that need a public IP ask for one explicitly; nothing gets one by default.
            map_public_ip_on_launch=False,
            tags={"Name": namer.name(tier, str(index + 1)), "Tier": tier},
        )


# AWS-owned buckets reached through the S3 gateway endpoint: ECR's image layers
# (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html, read 2026-12-07) and the
# Amazon Linux 2023 package repositories the container instances patch from (the bucket dnf resolves
# its repositories to, al2023-repos-<region>-de612dc2.s3.dualstack.<region>.amazonaws.com, as a
# public `dnf repolist -v` shows it; read 2026-12-07).
AWS_OWNED_BUCKETS = ("prod-{region}-starport-layer-bucket", "al2023-repos-{region}-de612dc2")


def gateway_endpoint_policy(service: str, *, region: str, account: str) -> str:
    """Only this account's tables and buckets (and, for S3, the AWS-owned buckets the platform reads):
    the endpoint cannot carry data to another account's bucket."""
    statements = [
        Statement(
            sid="ThisAccountsResourcesOnly",
            principals={"AWS": "*"},
            actions=(f"{service}:*",),
            resources=("*",),
            conditions={"StringEquals": {"aws:ResourceAccount": account}},
        )
    ]
    if service == "s3":
        statements.append(
            Statement(
                sid="ReadAwsOwnedBuckets",
                principals={"AWS": "*"},
                actions=("s3:GetObject",),
                resources=tuple(f"arn:aws:s3:::{b.format(region=region)}/*" for b in AWS_OWNED_BUCKETS),
            )
        )
    return policy_document(*statements)

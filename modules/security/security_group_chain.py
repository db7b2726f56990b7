"""The security-group chain: load balancer -> each service -> database and cache, one group each,
every rule a single TCP port from or to a named peer group. Groups are attached in later layers."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.data_aws_prefix_list import DataAwsPrefixList
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from hipaa_platform.building.naming import Namer
from hipaa_platform.config import Environment
from hipaa_platform.gate.acceptances import accept_finding

HTTP_REDIRECT_ONLY = (
    "Port 80 is open only so the listener can answer every request with a 301 redirect to HTTPS; "
    "no traffic is forwarded on it (seed requirement)."
)
ATTACHED_LATER = "This group is attached in the {layer} layer, which checkov's per-file graph cannot see ({what})."
SES_SMTP_PORT = 587
SERVERLESS_REDIS_PORTS = (("cache", 6379), ("cache-reader", 6380))  # primary and read-only endpoints


@dataclass
class SecurityGroupChain:
    alb: SecurityGroup
    database: SecurityGroup
    services: dict[str, SecurityGroup]  # by service name
    cache: SecurityGroup | None = None
    vpc_link: SecurityGroup | None = None
    instances: SecurityGroup | None = None  # ECS container instances (EC2 capacity)


class SecurityGroups(Construct):
    """Builds the chain for one environment; `chain` holds the groups."""

    def __init__(self, scope: Construct, id: str, *, environment: Environment, vpc_id: str, namer: Namer) -> None:
        super().__init__(scope, id)
        self.environment, self.vpc_id, self.namer = environment, vpc_id, namer
        alb = self._load_balancer_group()
        database = self._group(
            "database", "rds-sg", "Database: engine port from the ECS services only, no egress", "data", "the database"
        )
        cache = None
        if environment.data.cache_name:
            cache = self._group(
                "cache",
                "cache-sg",
                "Cache: Redis ports from the services that use it only, no egress",
                "data",
                "the cache",
            )
        self.chain = SecurityGroupChain(alb=alb, database=database, services={}, cache=cache)
        self._group_ids: dict[int, tuple[SecurityGroup, str]] = {}
        # Without NAT, S3 (and with it ECR's image layers) is reached through the gateway endpoint,
        # at S3's own addresses (the region's prefix list), not at addresses inside the VPC.
        networking = environment.networking
        self.s3_prefix_list_id = (
            DataAwsPrefixList(self, "s3-prefix-list", name=f"com.amazonaws.{environment.region}.s3").id
            if networking.air_gapped and "s3" in networking.gateway_endpoints
            else None
        )
        self._front_door()
        for service in environment.compute.services:
            self.chain.services[service.name] = self._service(service)
        if environment.compute.ec2_capacity:
            self.chain.instances = self._container_instances()

    def _group(self, id: str, name: str, description: str, layer: str, what: str) -> SecurityGroup:
        group = SecurityGroup(self, id, name=self.namer.name(name), description=description, vpc_id=self.vpc_id)
        accept_finding(group, "CKV2_AWS_5", ATTACHED_LATER.format(layer=layer, what=what))
        return group

    def _tcp_rule(self, id: str, *, inbound: bool, group: str, port: int, description: str, **peer: str) -> object:
        """One single-port TCP rule; `peer` is cidr_ipv4=..., referenced_security_group_id=... or prefix_list_id=..."""
        rule = VpcSecurityGroupIngressRule if inbound else VpcSecurityGroupEgressRule
        return rule(
            self,
            id,
            security_group_id=group,
            description=description,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            **peer,
        )

    def _load_balancer_group(self) -> SecurityGroup:
        internal = self.environment.compute.load_balancer.internal
        return self._group(
            "alb",
            "alb-sg",
            "Internal load balancer: HTTPS from inside the VPC only"
            if internal
            else "Public load balancer: HTTPS and the HTTP redirect from the internet",
            "compute",
            "the ALB",
        )

    def _front_door(self) -> None:
        """What may reach the load balancer: the internet, an API Gateway VPC link, or the VPC."""
        env, alb = self.environment, self.chain.alb
        lb = env.compute.load_balancer
        vpc_cidr = str(env.networking.vpc_cidr)
        if not lb.internal:
            ports = ((443, "HTTPS from the internet"), (80, "HTTP, answered only with a 301 to HTTPS"))
            for port, why in ports if lb.http_redirect else ports[:1]:
                rule = self._tcp_rule(
                    f"alb-in-{port}", inbound=True, group=alb.id, port=port, description=why, cidr_ipv4="0.0.0.0/0"
                )
                if port == 80:
                    for check in ("CKV_AWS_260", "CKV_HIPAA_22"):
                        accept_finding(rule, check, HTTP_REDIRECT_ONLY)
                        # A plan folds the rule into its group, where checkov then reports the same finding.
                        accept_finding(alb, check, HTTP_REDIRECT_ONLY, scan="plan")
        elif env.compute.api_gateway:
            link = self._group(
                "vpc-link",
                "vpc-link-sg",
                "API Gateway VPC link: HTTPS to the internal load balancer only",
                "compute",
                "the API Gateway VPC link",
            )
            self._tcp_rule(
                "vpc-link-out-alb",
                inbound=False,
                group=link.id,
                port=443,
                description="HTTPS to the internal load balancer",
                referenced_security_group_id=alb.id,
            )
            self._tcp_rule(
                "alb-in-vpc-link",
                inbound=True,
                group=alb.id,
                port=443,
                description="HTTPS from the API Gateway VPC link",
                referenced_security_group_id=link.id,
            )
            self.chain.vpc_link = link
        else:
            self._tcp_rule(
                "alb-in-vpc",
                inbound=True,
                group=alb.id,
                port=443,
                description="HTTPS from inside the VPC",
                cidr_ipv4=vpc_cidr,
            )
        if lb.test_listener_port:
            self._tcp_rule(
                "alb-in-test",
                inbound=True,
                group=alb.id,
                port=lb.test_listener_port,
                description="Blue-green test traffic from inside the VPC",
                cidr_ipv4=vpc_cidr,
            )

    def _https_egress(self) -> list[tuple[str, int, str, dict[str, str]]]:
        """HTTPS out of the VPC's tiers as (rule suffix, port, description, peer): air-gapped networks reach
        AWS only through endpoints inside the VPC (and S3 through its gateway), others through NAT."""
        networking = self.environment.networking
        https_egress = str(networking.vpc_cidr) if networking.air_gapped else "0.0.0.0/0"
        egress = [("https", 443, "HTTPS to AWS APIs (ECR, SSM, S3, KMS, CloudWatch)", {"cidr_ipv4": https_egress})]
        if self.s3_prefix_list_id:
            egress.append(("s3", 443, "HTTPS to S3 through the gateway endpoint (ECR image layers, buckets)",
                           {"prefix_list_id": self.s3_prefix_list_id}))  # fmt: skip
        return egress

    def _container_instances(self) -> SecurityGroup:
        """The instances' own traffic (ECS and SSM agents): HTTPS out only; tasks have their own groups."""
        group = self._group(
            "instances",
            "ecs-instances-sg",
            "ECS container instances: no ingress (Session Manager, not SSH); HTTPS to AWS only",
            "compute",
            "the container instances' launch template",
        )
        for suffix, port, description, peer in self._https_egress():
            self._tcp_rule(f"instances-out-{suffix}", inbound=False, group=group.id, port=port,
                           description=description, **peer)  # fmt: skip
        return group

    def _id(self, group: SecurityGroup) -> str:
        """A group's id, read from the bindings once: each read is a round trip, and every service's
        rules name its own group and the load balancer's several times."""
        key = id(group)
        if key not in self._group_ids:
            self._group_ids[key] = (group, group.id)  # the group is kept so its id() is not reused
        return self._group_ids[key][1]

    def _service(self, service) -> SecurityGroup:
        env, chain = self.environment, self.chain
        https_egress = str(env.networking.vpc_cidr) if env.networking.air_gapped else "0.0.0.0/0"
        name, port = service.container_name, service.container_port
        sg = SecurityGroup(
            self,
            f"service-{name}",
            name=self.namer.for_service(name, "ecs-sg"),
            description=f"{service.name}: container port from the load balancer only",
            vpc_id=self.vpc_id,
        )
        accept_finding(sg, "CKV2_AWS_5", ATTACHED_LATER.format(layer="compute", what="the ECS service"))
        self._tcp_rule(
            f"{name}-in-from-alb",
            inbound=True,
            group=self._id(sg),
            port=port,
            description=f"Container port {port} from the load balancer only",
            referenced_security_group_id=self._id(chain.alb),
        )
        self._tcp_rule(
            f"alb-out-to-{name}",
            inbound=False,
            group=self._id(chain.alb),
            port=port,
            description=f"Forward to {service.name} on its container port",
            referenced_security_group_id=self._id(sg),
        )
        egress = self._https_egress()
        if service.sends_mail == "smtp":
            egress.append(("smtp", SES_SMTP_PORT, f"SES SMTP submission (STARTTLS) on {SES_SMTP_PORT}",
                           {"cidr_ipv4": https_egress}))  # fmt: skip
        for suffix, egress_port, description, peer in egress:
            self._tcp_rule(f"{name}-out-{suffix}", inbound=False, group=self._id(sg), port=egress_port,
                           description=description, **peer)  # fmt: skip
        peers = []
        if "database" in service.connects_to:
            peers += [("database", chain.database, env.data.database_port)]
        if "cache" in service.connects_to and chain.cache is not None:
            redis = env.data.redis
            ports = (("cache", redis.port),) if redis else SERVERLESS_REDIS_PORTS
            peers += [(peer, chain.cache, peer_port) for peer, peer_port in ports]
        for peer, group, peer_port in peers:
            self._tcp_rule(
                f"{name}-out-{peer}",
                inbound=False,
                group=self._id(sg),
                port=peer_port,
                description=f"{peer.capitalize()} port {peer_port}",
                referenced_security_group_id=self._id(group),
            )
            self._tcp_rule(
                f"{peer}-in-from-{name}",
                inbound=True,
                group=self._id(group),
                port=peer_port,
                description=f"Port {peer_port} from {service.name}",
                referenced_security_group_id=self._id(sg),
            )
        return sg

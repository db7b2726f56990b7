"""Cloud Map discovery: one private DNS namespace in the VPC, and an A record per task of each
service that asks for discovery (multivalue answers, ECS reports task health)."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.service_discovery_private_dns_namespace import ServiceDiscoveryPrivateDnsNamespace
from cdktf_cdktf_provider_aws.service_discovery_service import (
    ServiceDiscoveryService,
    ServiceDiscoveryServiceDnsConfigDnsRecords,
)
from constructs import Construct

from hipaa_platform.config import Compute, Service


def discovery_namespace(
    scope: Construct, compute: Compute, *, application: str, vpc_id: str
) -> ServiceDiscoveryPrivateDnsNamespace:
    return ServiceDiscoveryPrivateDnsNamespace(
        scope,
        "namespace",
        name=compute.service_discovery_namespace,
        description=f"Service discovery for {application}",
        vpc=vpc_id,
    )


def discovery_service(scope: Construct, spec: Service, *, namespace_id: str) -> ServiceDiscoveryService:
    return ServiceDiscoveryService(
        scope,
        f"discovery-{spec.container_name}",
        name=spec.container_name,
        dns_config={
            "namespace_id": namespace_id,
            "routing_policy": "MULTIVALUE",
            "dns_records": [ServiceDiscoveryServiceDnsConfigDnsRecords(ttl=10, type="A")],
        },
        health_check_custom_config={"failure_threshold": 1},
    )

"""CKV_HIPAA_23: no route sends all internet traffic (0.0.0.0/0 or ::/0) to an internet gateway.

HIPAA 164.312(e)(1) transmission security: a subnet whose default route is the internet gateway
is reachable from, and reaches, the internet directly. The conformance pack's
no-unrestricted-route-to-igw; its routeTableIds parameter exempts named route tables, which here
is a finding accepted next to the route with its reason (the public tier's). Reads `aws_route`
and the inline routes of `aws_route_table` and `aws_default_route_table`.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.ingress import THE_INTERNET
from policies.parsed import as_list, value


def _to_internet_gateway(gateway: Any) -> bool:
    gateway = str(value(gateway) or "")
    return "aws_internet_gateway." in gateway or gateway.startswith("igw-")


def _unrestricted(route: dict[str, Any], *destination_fields: str) -> bool:
    destinations = {str(value(route.get(field))) for field in destination_fields}
    return bool(destinations & set(THE_INTERNET)) and _to_internet_gateway(route.get("gateway_id"))


class NoRouteToInternetGateway(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure no route sends 0.0.0.0/0 or ::/0 to an internet gateway",
            id="CKV_HIPAA_23",
            categories=(CheckCategories.NETWORKING,),
            supported_resources=("aws_route", "aws_route_table", "aws_default_route_table"),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        if self.entity_type == "aws_route":
            routes = [(conf, ("destination_cidr_block", "destination_ipv6_cidr_block"))]
        else:
            inline = [r for r in as_list(value(conf.get("route")) or []) if isinstance(r, dict)]
            routes = [(route, ("cidr_block", "ipv6_cidr_block")) for route in inline]
        if any(_unrestricted(route, *fields) for route, fields in routes):
            return CheckResult.FAILED
        return CheckResult.PASSED


check = NoRouteToInternetGateway()

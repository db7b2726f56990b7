"""Shared by the checks on what a security group admits from the internet; registers no check.

Reads every way the provider declares an ingress rule: inline `ingress` blocks of a group,
`aws_security_group_rule` of type ingress, and `aws_vpc_security_group_ingress_rule`."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.parsed import as_list, value

THE_INTERNET = ("0.0.0.0/0", "::/0")
ALL_PROTOCOLS = ("-1", "all")


def port(raw: Any) -> int | None:
    try:
        return int(value(raw))
    except (TypeError, ValueError):
        return None


def from_the_internet(sources: list[Any]) -> bool:
    return any(str(source) in THE_INTERNET for source in sources)


def _sources(rule: dict[str, Any], *fields: str) -> list[Any]:
    return [source for field in fields for source in as_list(value(rule.get(field)) or [])]


def ingress_rules(resource_type: str, conf: dict[str, Any]) -> list[tuple[str, Any, Any, list[Any]]]:
    """(protocol in lower case, from port, to port, sources) of each ingress rule the resource declares."""
    if resource_type == "aws_vpc_security_group_ingress_rule":
        rules = [(conf.get("ip_protocol"), conf, ("cidr_ipv4", "cidr_ipv6"))]
    elif resource_type == "aws_security_group_rule":
        if value(conf.get("type")) != "ingress":
            return []
        rules = [(conf.get("protocol"), conf, ("cidr_blocks", "ipv6_cidr_blocks"))]
    else:
        inline = [r for r in as_list(value(conf.get("ingress")) or []) if isinstance(r, dict)]
        rules = [(r.get("protocol"), r, ("cidr_blocks", "ipv6_cidr_blocks")) for r in inline]
    return [
        (str(value(protocol)).lower(), r.get("from_port"), r.get("to_port"), _sources(r, *fields))
        for protocol, r, fields in rules
    ]


class InternetIngressCheck(BaseResourceCheck):
    """Fails a resource with any ingress rule from the internet that `refused` refuses."""

    def __init__(self, name: str, id: str) -> None:
        super().__init__(
            name=name,
            id=id,
            categories=(CheckCategories.NETWORKING,),
            supported_resources=(
                "aws_security_group",
                "aws_security_group_rule",
                "aws_vpc_security_group_ingress_rule",
            ),
        )

    def refused(self, protocol: str, low: int | None, high: int | None) -> bool:
        raise NotImplementedError

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        for protocol, from_port, to_port, sources in ingress_rules(self.entity_type, conf):
            if from_the_internet(sources) and self.refused(protocol, port(from_port), port(to_port)):
                return CheckResult.FAILED
        return CheckResult.PASSED

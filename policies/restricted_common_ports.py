"""CKV_HIPAA_17: no security group admits the whole internet (0.0.0.0/0 or ::/0) on FTP (20, 21),
RDP (3389), MySQL (3306) or 4333, the ports the conformance pack's restricted-common-ports blocks.

HIPAA 164.312(e)(1) transmission security: these services carry credentials or data in ways that
must never face the internet. checkov's own checks cover some of the ports on some resource
types (CKV_AWS_25 for 3389); this one reads every way the provider declares an ingress rule:
inline `ingress` blocks, `aws_security_group_rule` and `aws_vpc_security_group_ingress_rule`. A
rule for every protocol (-1) opens every port.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.parsed import as_list, value

BLOCKED_PORTS = (20, 21, 3389, 3306, 4333)
THE_INTERNET = ("0.0.0.0/0", "::/0")
ALL_PROTOCOLS = ("-1", "all")


def _port(raw: Any) -> int | None:
    try:
        return int(value(raw))
    except (TypeError, ValueError):
        return None


def opens_a_blocked_port(protocol: Any, from_port: Any, to_port: Any, sources: list[Any]) -> bool:
    if not any(str(source) in THE_INTERNET for source in sources):
        return False
    protocol = str(value(protocol)).lower()
    if protocol in ALL_PROTOCOLS:
        return True
    if protocol not in ("tcp", "6"):
        return False
    low, high = _port(from_port), _port(to_port)
    if low is None or high is None:
        return True  # a range Terraform resolves later cannot be shown to leave the ports closed
    return any(low <= port <= high for port in BLOCKED_PORTS)


def _sources(rule: dict[str, Any], *fields: str) -> list[Any]:
    return [source for field in fields for source in as_list(value(rule.get(field)) or [])]


class RestrictedCommonPorts(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure no security group admits 0.0.0.0/0 or ::/0 on ports 20, 21, 3389, 3306 or 4333",
            id="CKV_HIPAA_17",
            categories=(CheckCategories.NETWORKING,),
            supported_resources=(
                "aws_security_group",
                "aws_security_group_rule",
                "aws_vpc_security_group_ingress_rule",
            ),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        resource_type = self.entity_type
        if resource_type == "aws_vpc_security_group_ingress_rule":
            rules = [(conf.get("ip_protocol"), conf, ("cidr_ipv4", "cidr_ipv6"))]
        elif resource_type == "aws_security_group_rule":
            if value(conf.get("type")) != "ingress":
                return CheckResult.PASSED
            rules = [(conf.get("protocol"), conf, ("cidr_blocks", "ipv6_cidr_blocks"))]
        else:
            inline = [r for r in as_list(value(conf.get("ingress")) or []) if isinstance(r, dict)]
            rules = [(r.get("protocol"), r, ("cidr_blocks", "ipv6_cidr_blocks")) for r in inline]
        for protocol, rule, fields in rules:
            if opens_a_blocked_port(protocol, rule.get("from_port"), rule.get("to_port"), _sources(rule, *fields)):
                return CheckResult.FAILED
        return CheckResult.PASSED


check = RestrictedCommonPorts()

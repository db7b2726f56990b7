"""One network ACL per subnet tier that the environment describes: stateless rules, a second layer
under the security groups. What no rule allows, the ACL's implicit last rule denies."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.network_acl import NetworkAcl, NetworkAclEgress, NetworkAclIngress
from constructs import Construct

from hipaa_platform.building.naming import Namer
from hipaa_platform.config import AclRule

PROTOCOL_NUMBERS = {"tcp": "6", "udp": "17", "icmp": "1", "all": "-1"}


def _entry(rule: AclRule, kind: type[NetworkAclIngress] | type[NetworkAclEgress]) -> object:
    return kind(
        rule_no=rule.number,
        action=rule.action,
        protocol=PROTOCOL_NUMBERS[rule.protocol],
        cidr_block=str(rule.cidr),
        from_port=rule.from_port or 0,
        to_port=rule.to_port or 0,
    )


def tier_acl(
    scope: Construct, *, tier: str, rules: Sequence[AclRule], subnet_ids: Sequence[str], vpc_id: str, namer: Namer
) -> NetworkAcl:
    """The ACL of one tier, associated with all of its subnets."""
    return NetworkAcl(
        scope,
        f"{tier}-nacl",
        vpc_id=vpc_id,
        subnet_ids=list(subnet_ids),
        ingress=[_entry(r, NetworkAclIngress) for r in rules if r.direction == "ingress"],
        egress=[_entry(r, NetworkAclEgress) for r in rules if r.direction == "egress"],
        tags={"Name": namer.name(tier, "nacl"), "Tier": tier},
    )

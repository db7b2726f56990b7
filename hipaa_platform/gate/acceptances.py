"""Accepted checkov findings, declared next to the resource they concern.

Each acceptance is one check id on one resource with a written reason. It is stored in the
resource's own JSON comment property (`//`), so the synthesized file carries it and the gate
can turn it into a checkov baseline.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from hipaa_platform.config.decisions import DECISIONS

if TYPE_CHECKING:  # the gate imports this module and must not pay for loading the bindings
    from cdktf import TerraformResource

    from hipaa_platform.config.decisions import Decisions

MIN_REASON_LENGTH = 40
CHECK_ID = re.compile(r"^CKV2?_[A-Z0-9]+_\d+$")
COMMENT_KEY = "accepted_findings"
_ATTRIBUTE = "_accepted_findings"  # kept on the resource object itself, so every synthesis starts clean
# Resources whose acceptances are not yet in their JSON: written once each, before the app synthesizes
# (an override per acceptance cost a jsii round trip each, carrying the resource's whole list again).
_UNWRITTEN: dict[int, TerraformResource] = {}


SCANS = ("both", "static", "plan")


def is_accepted(resource: TerraformResource, check_id: str) -> bool:
    return check_id in (getattr(resource, _ATTRIBUTE, None) or {})


def accept_finding(resource: TerraformResource, check_id: str, reason: str, scan: str = "both") -> None:
    """Accept one checkov finding on one resource, with a reason a reviewer can judge.

    `scan` narrows it to the static scan of the synthesized JSON or to the scan of a plan, for
    findings checkov reports on a different resource once a plan has resolved the values (an
    ingress rule folded into its security group, for example)."""
    if scan not in SCANS:
        raise ValueError(f"scan {scan!r}; allowed: {', '.join(SCANS)}")
    if not CHECK_ID.match(check_id):
        raise ValueError(f"{check_id!r} is not a checkov check id (e.g. CKV_AWS_18, CKV2_AWS_5)")
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON_LENGTH:
        raise ValueError(
            f"the reason for accepting {check_id} on {resource.node.path} is {len(reason)} characters; "
            f"write at least {MIN_REASON_LENGTH} that say why the finding is safe here"
        )
    findings: dict[str, dict[str, str]] = getattr(resource, _ATTRIBUTE, None) or {}
    setattr(resource, _ATTRIBUTE, findings)
    if check_id in findings:
        raise ValueError(f"{check_id} is already accepted on {resource.node.path}")
    findings[check_id] = {"check_id": check_id, "reason": reason, "scan": scan}
    _UNWRITTEN[id(resource)] = resource


def write_accepted_findings() -> None:
    """Put every resource's acceptances into its JSON comment property; synthesis calls it last."""
    for resource in _UNWRITTEN.values():
        resource.add_override(f"//.{COMMENT_KEY}", list(getattr(resource, _ATTRIBUTE).values()))
    _UNWRITTEN.clear()


def accept_decision(resource: TerraformResource, decisions: Decisions, name: str) -> None:
    """Accept on `resource` each finding the environment's decision `name` leaves open, with the
    reason its file gives (config.decisions.DECISIONS says which findings)."""
    for check_id in DECISIONS[name].findings:
        accept_finding(resource, check_id, getattr(decisions, name))

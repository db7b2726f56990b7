"""The `decisions` section: choices that leave a checkov finding open, each with its reason.

Each decision is defined once, in DECISIONS: the setting that makes it, the findings it leaves open and
on which resource. The `Decisions` model (one optional reason per decision), the check that a choice
made has its reason, and the layers' acceptances (`gate.acceptances.accept_decision`) all read it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from pydantic import Field, create_model

from hipaa_platform.config.base import Model

if TYPE_CHECKING:
    from hipaa_platform.config.environment import Environment

Reason = Annotated[
    str, Field(min_length=40, description="why the checkov finding this choice leaves open is safe here")
]

CACHE_SNAPSHOT_DAYS = 15  # the conformance pack's elasticache-redis-cluster-automatic-backup-check default


@dataclass(frozen=True)
class Decision:
    choice: str  # the setting that makes it, as an error message names it
    findings: tuple[str, ...]  # the checkov ids it leaves open
    made: Callable[[Environment], bool]
    on: str = ""  # the resource the findings are on, where the check id alone does not say
    note: str = ""

    @property
    def leaves_open(self) -> str:
        return ", ".join(self.findings) + (f" on {self.on}" if self.on else "")


DECISIONS: dict[str, Decision] = {
    "no_waf": Decision(
        "security.waf is not set", ("CKV2_AWS_28",), lambda env: env.security.waf is None, on="the load balancer"
    ),
    "public_task_ips": Decision(
        "a service has assign_public_ip: true",
        ("CKV_AWS_333",),
        lambda env: any(s.assign_public_ip for s in env.compute.services),
    ),
    "container_insights_off": Decision(
        "compute.container_insights is false", ("CKV_AWS_65",), lambda env: not env.compute.container_insights
    ),
    "mutable_image_tags": Decision(
        "compute.image_tag_mutability is MUTABLE",
        ("CKV_AWS_51",),
        lambda env: env.compute.image_tag_mutability == "MUTABLE",
    ),
    "single_az_database": Decision(
        "data.database.multi_az is false",
        ("CKV_AWS_157",),
        lambda env: env.data.database is not None and not env.data.database.multi_az,
    ),
    "no_performance_insights": Decision(
        "data.database.performance_insights is false",
        ("CKV_AWS_353",),
        lambda env: env.data.database is not None and not env.data.database.performance_insights,
        note="CKV_AWS_353 where the class offers it; where it does not, the reason still says how the database "
        "is watched",
    ),
    "cdn_without_waf": Decision(
        "a bucket has a cdn or compute.spa is set",
        ("CKV_AWS_68", "CKV2_AWS_47"),
        lambda env: any(b.cdn for b in env.data.buckets) or env.compute.spa is not None,
        note="no CloudFront web ACL is built",
    ),
    "cdn_worldwide": Decision(
        "a bucket's cdn has no geo_restriction",
        ("CKV_AWS_374",),
        lambda env: any(b.cdn and not b.cdn.geo_restriction for b in env.data.buckets),
    ),
    "waf_count_only": Decision(
        "security.waf.count_only names a rule",
        ("CKV_HIPAA_4",),
        lambda env: env.security.waf is not None and bool(env.security.waf.count_only),
        on="the web ACL",
    ),
    "short_cache_snapshots": Decision(
        f"data.redis.snapshot_retention_days is below {CACHE_SNAPSHOT_DAYS}",
        ("CKV_HIPAA_20",),
        lambda env: env.data.redis is not None and env.data.redis.snapshot_retention_days < CACHE_SNAPSHOT_DAYS,
        on="the replication group",
    ),
}


def _described(decision: Decision) -> str:
    note = f" ({decision.note})" if decision.note else ""
    return f"{decision.choice}{note}: {decision.leaves_open}"


Decisions = create_model(
    "Decisions",
    __base__=Model,
    __doc__="Choices of this environment that leave a checkov finding open, each with the reason the gate's "
    "table shows. A choice without its reason, or a reason without its choice, is refused.",
    **{name: (Reason | None, Field(None, description=_described(d))) for name, d in DECISIONS.items()},
)

"""What the local emulator cannot do, each with the reason. Nothing else differs on the emulator.

- Resource types it cannot create: constructs ask `LayerStack.creates(type)` and leave them out.
- Attributes it refuses or does not store: on the emulator only, an attribute it refuses is left
  unset, and every listed attribute is ignored on re-plan so it cannot show as drift.
The deploy report lists both.
"""

from __future__ import annotations

from dataclasses import dataclass

UNSUPPORTED_ON_EMULATOR: dict[str, str] = {
    "aws_budgets_budget": (
        "moto does not implement DescribeSubscribersForNotification, which the provider calls to read "
        "a budget's notifications back"
    ),
}


@dataclass(frozen=True)
class AttributeGap:
    resource_type: str
    attribute: str
    omitted: bool  # True: left unset (the emulator refuses the value); False: sent, not stored
    reason: str


SG_RULE_DESCRIPTION = "moto does not store descriptions of rules that reference another security group"
ATTRIBUTE_GAPS_ON_EMULATOR = (
    AttributeGap("aws_vpc_security_group_ingress_rule", "description", False, SG_RULE_DESCRIPTION),
    AttributeGap("aws_vpc_security_group_egress_rule", "description", False, SG_RULE_DESCRIPTION),
    *(
        AttributeGap("aws_db_instance", attribute, False, "moto does not store Performance Insights settings")
        for attribute in (
            "performance_insights_enabled",
            "performance_insights_kms_key_id",
            "performance_insights_retention_period",
        )
    ),
    *(
        AttributeGap("aws_ecs_service", attribute, False, "moto does not store this ECS service setting")
        for attribute in (
            "availability_zone_rebalancing",
            "enable_ecs_managed_tags",
            "health_check_grace_period_seconds",
        )
    ),
    AttributeGap(
        "aws_db_parameter_group",
        "parameter",
        False,
        "moto does not return user-set parameters of a DB parameter group",
    ),
    AttributeGap(
        "aws_db_instance",
        "maintenance_window",
        True,
        "moto counts a maintenance window that starts when the backup window ends (04:00) as an "
        "overlap and refuses it; AWS accepts adjacent windows",
    ),
)


def gaps_for(resource_type: str) -> list[AttributeGap]:
    return [gap for gap in ATTRIBUTE_GAPS_ON_EMULATOR if gap.resource_type == resource_type]


@dataclass(frozen=True)
class PlanFinding:
    """A checkov finding that a plan against the emulator shows only because of a gap above."""

    resource_type: str
    check_id: str
    reason: str


PLAN_FINDINGS_ON_EMULATOR = (
    PlanFinding(
        "aws_db_instance", "CKV_AWS_293", "emulator only: deletion protection is lifted so the run can destroy"
    ),
    PlanFinding("aws_db_instance", "CKV_AWS_353", "emulator only: moto does not store Performance Insights settings"),
    PlanFinding(
        "aws_db_instance",
        "CKV2_AWS_69",
        "emulator only: moto does not return the parameter group's rds.force_ssl, so the plan cannot show it",
    ),
)

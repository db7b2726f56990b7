"""The monthly cost budget, with an e-mail at each configured share of its limit."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.budgets_budget import BudgetsBudget, BudgetsBudgetNotification
from constructs import Construct

from hipaa_platform.building.naming import Namer
from hipaa_platform.config import Observability


def monthly_budget(scope: Construct, *, obs: Observability, namer: Namer) -> None:
    BudgetsBudget(
        scope,
        "budget",
        name=namer.name("monthly"),
        budget_type="COST",
        limit_amount=f"{obs.budget.monthly_limit_usd:.2f}",
        limit_unit="USD",
        time_unit="MONTHLY",
        notification=[
            BudgetsBudgetNotification(
                comparison_operator="GREATER_THAN",
                threshold=percent,
                threshold_type="PERCENTAGE",
                notification_type="ACTUAL",
                subscriber_email_addresses=[obs.alarm_email],
            )
            for percent in obs.budget.alert_thresholds_percent
        ],
    )

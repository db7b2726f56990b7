"""The monthly cost budget, with an e-mail at each configured share of its limit that the month's
actual cost passes, and at each share its forecast passes."""

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
                notification_type=kind,
                subscriber_email_addresses=[obs.alarm_email],
            )
            for kind, thresholds in (
                ("ACTUAL", obs.budget.alert_thresholds_percent),
                ("FORECASTED", obs.budget.forecast_thresholds_percent),
            )
            for percent in thresholds
        ],
    )

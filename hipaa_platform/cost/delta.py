"""What a plan changes in the monthly bill: the estimate of the planned layers before (their state)
and after (the planned values), and the resources whose cost moves."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hipaa_platform.config.cost import UsageAssumptions
from hipaa_platform.cost.catalogue import Catalogue
from hipaa_platform.cost.components import Resource
from hipaa_platform.cost.estimate import Estimate, estimate

CENT = 0.005


@dataclass(frozen=True)
class CostChange:
    address: str
    before_usd: float
    after_usd: float

    @property
    def change_usd(self) -> float:
        return self.after_usd - self.before_usd

    def line(self) -> str:
        sign = "+" if self.change_usd > 0 else "-"
        return f"{sign} ${abs(self.change_usd):,.2f}/month {self.address}"


@dataclass(frozen=True)
class CostDelta:
    before: Estimate
    after: Estimate

    @property
    def changes(self) -> list[CostChange]:
        before, after = self.before.by_address(), self.after.by_address()
        moved = [
            CostChange(address, before.get(address, 0.0), after.get(address, 0.0))
            for address in sorted(set(before) | set(after))
        ]
        return sorted((c for c in moved if abs(c.change_usd) >= CENT), key=lambda c: -abs(c.change_usd))

    @property
    def newly_unpriced(self) -> list[str]:
        known = {(u.address, u.component) for u in self.before.unpriced}
        return sorted({u.address for u in self.after.unpriced if (u.address, u.component) not in known})

    def markdown(self) -> list[str]:
        total_before, total_after = self.before.total_monthly_usd, self.after.total_monthly_usd
        change = total_after - total_before
        lines = [
            f"**Cost of the planned layers:** ${total_before:,.2f}/month before, ${total_after:,.2f}/month after "
            f"({'+' if change >= 0 else '-'}${abs(change):,.2f})",
        ]
        lines += [f"- `{c.line()}`" for c in self.changes]
        if self.newly_unpriced:
            lines.append(f"- no price in the catalogue yet for: {', '.join(f'`{a}`' for a in self.newly_unpriced)}")
        return lines


def _regions(configuration: dict) -> dict[str, str]:
    regions = {}
    for key, provider in configuration.get("provider_config", {}).items():
        if provider.get("name") == "aws":
            region = provider.get("expressions", {}).get("region", {}).get("constant_value", "")
            regions[key] = region
    return regions


def _references(expressions: dict) -> dict[str, str]:
    """attribute -> the managed resource it names, from a plan's configuration."""
    found = {}
    for attribute, expression in expressions.items():
        candidates = expression[0] if isinstance(expression, list) and expression else expression
        if not isinstance(candidates, dict):
            continue
        for reference in candidates.get("references", []) or candidates.get("id", {}).get("references", []):
            parts = reference.split(".")
            if reference.startswith("aws_") and len(parts) == 2:
                found[attribute] = reference
                break
    return found


def plan_resources(layer: str, plan: dict, side: str) -> list[Resource]:
    """The layer's managed resources as its state holds them (`before`) or as planned (`after`)."""
    configuration = plan.get("configuration", {})
    regions = _regions(configuration)
    configured = {r["address"]: r for r in configuration.get("root_module", {}).get("resources", [])}
    values_root = (
        (plan.get("prior_state", {}).get("values") or {}) if side == "before" else plan.get("planned_values", {})
    )
    found = []
    for resource in (values_root.get("root_module") or {}).get("resources", []):
        if resource.get("mode") != "managed":
            continue
        config = configured.get(resource["address"], {})
        region = regions.get(config.get("provider_config_key", "aws"), regions.get("aws", ""))
        found.append(
            Resource(
                layer,
                resource["address"],
                resource["type"],
                resource.get("values") or {},
                region,
                _references(config.get("expressions", {})),
            )
        )
    return found


def plan_delta(
    environment: str, plans: Iterable[tuple[str, dict]], usage: UsageAssumptions, catalogue: Catalogue | None = None
) -> CostDelta:
    plans = list(plans)
    before = [r for layer, plan in plans for r in plan_resources(layer, plan, "before")]
    after = [r for layer, plan in plans for r in plan_resources(layer, plan, "after")]
    return CostDelta(estimate(environment, before, usage, catalogue), estimate(environment, after, usage, catalogue))

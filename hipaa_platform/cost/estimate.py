"""An environment's monthly cost, before it is deployed: every resource that costs money as
components (quantity x unit price), fixed and usage-based apart, anything without a price named,
and the total held against the environment's budget."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from hipaa_platform import BASELINE
from hipaa_platform.config import Environment
from hipaa_platform.config.cost import UsageAssumptions
from hipaa_platform.config.loader import environments_in_account
from hipaa_platform.cost.catalogue import Catalogue, load_catalogue
from hipaa_platform.cost.components import Inventory, Resource, components_of
from hipaa_platform.gate.scan import provider_regions

TOP_ITEMS = 5


@dataclass(frozen=True)
class Item:
    layer: str
    address: str
    type: str
    component: str
    quantity: float
    unit: str
    unit_price_usd: float
    monthly_usd: float
    usage_based: bool
    region: str
    source: str
    read_on: str


@dataclass(frozen=True)
class Unpriced:
    layer: str
    address: str
    type: str
    component: str
    price: str  # the catalogue key that has no price for this region ("" when the type has no mapper)
    region: str


@dataclass
class Estimate:
    environment: str
    items: list[Item] = field(default_factory=list)
    unpriced: list[Unpriced] = field(default_factory=list)

    @property
    def fixed_monthly_usd(self) -> float:
        return round(sum(i.monthly_usd for i in self.items if not i.usage_based), 2)

    @property
    def usage_monthly_usd(self) -> float:
        return round(sum(i.monthly_usd for i in self.items if i.usage_based), 2)

    @property
    def total_monthly_usd(self) -> float:
        return round(self.fixed_monthly_usd + self.usage_monthly_usd, 2)

    def by_address(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for item in self.items:
            totals[item.address] = totals.get(item.address, 0.0) + item.monthly_usd
        return totals

    def top(self, count: int = TOP_ITEMS) -> list[tuple[str, float]]:
        return sorted(self.by_address().items(), key=lambda pair: -pair[1])[:count]

    def as_json(self, budget: BudgetCheck | None = None) -> dict:
        return {
            "environment": self.environment,
            "total_monthly_usd": self.total_monthly_usd,
            "fixed_monthly_usd": self.fixed_monthly_usd,
            "usage_monthly_usd": self.usage_monthly_usd,
            "items": [asdict(i) for i in self.items],
            "unpriced": [asdict(u) for u in self.unpriced],
            "budget": asdict(budget) if budget else None,
        }


def synthesized_resources(stacks: Mapping[str, dict]) -> list[Resource]:
    """The managed resources of an environment's synthesized layers, each with its region."""
    found = []
    for layer, stack in stacks.items():
        regions = provider_regions(stack)
        for resource_type, resources in stack.get("resource", {}).items():
            for name, values in resources.items():
                region = regions.get(values.get("provider", "aws"), regions.get("aws", ""))
                found.append(Resource(layer, f"{resource_type}.{name}", resource_type, values, region))
    return found


def estimate(
    environment: str,
    resources: Iterable[Resource],
    usage: UsageAssumptions,
    catalogue: Catalogue | None = None,
    shares: Mapping[str, float] | None = None,
) -> Estimate:
    """`shares`: the part of a layer's cost this environment carries (its account's baseline is split
    among the environments in the account); 1 for a layer not named."""
    catalogue = catalogue or load_catalogue()
    shares = shares or {}
    resources = list(resources)
    inventory = Inventory(resources)
    result = Estimate(environment)
    for resource in sorted(resources, key=lambda r: (r.layer, r.address)):
        components = components_of(resource, inventory, usage)
        if components is None:
            result.unpriced.append(Unpriced(resource.layer, resource.address, resource.type, "", "", resource.region))
            continue
        share = shares.get(resource.layer, 1.0)
        for component in components:
            region = component.region or resource.region
            quantity = component.quantity * share
            quote = catalogue.quote(component.price, region)
            if quote is None:
                result.unpriced.append(
                    Unpriced(resource.layer, resource.address, resource.type, component.name, component.price, region)
                )
                continue
            result.items.append(
                Item(
                    layer=resource.layer,
                    address=resource.address,
                    type=resource.type,
                    component=component.name,
                    quantity=round(quantity, 4),
                    unit=catalogue.unit(component.price) or "",
                    unit_price_usd=quote.usd,
                    monthly_usd=round(quantity * quote.usd, 4),
                    usage_based=component.usage_based,
                    region=region,
                    source=str(quote.source),
                    read_on=quote.read_on.isoformat(),
                )
            )
    return result


@dataclass(frozen=True)
class BudgetCheck:
    limit_usd: float | None
    total_usd: float
    over_budget_reason: str | None  # the environment's accepted overrun (cost.over_budget)
    top_items: list[tuple[str, float]]
    unpriced: int = 0  # components without a price, not in the total

    @property
    def over(self) -> bool:
        return self.limit_usd is not None and self.total_usd > self.limit_usd

    @property
    def passed(self) -> bool:
        return not self.over or self.over_budget_reason is not None

    def message(self) -> str:
        if self.limit_usd is None:
            return f"${self.total_usd:,.2f}/month; no budget declared (observability.budget)"
        verdict = f"${self.total_usd:,.2f}/month against a budget of ${self.limit_usd:,.2f}"
        if not self.over:
            missing = f" ({self.unpriced} component(s) without a price are not in the total)" if self.unpriced else ""
            return f"{verdict}: within it{missing}"
        largest = ", ".join(f"{address} ${usd:,.2f}" for address, usd in self.top_items)
        if self.over_budget_reason:
            return f"{verdict}: over, accepted (cost.over_budget: {self.over_budget_reason})"
        return (
            f"{verdict}: over by ${self.total_usd - self.limit_usd:,.2f}; largest items: {largest}. Reduce them, "
            "raise observability.budget.monthly_limit_usd, or accept the overrun with cost.over_budget and its reason"
        )


def check_budget(env: Environment, result: Estimate) -> BudgetCheck:
    budget = env.observability.budget
    return BudgetCheck(
        limit_usd=budget.monthly_limit_usd if budget else None,
        total_usd=result.total_monthly_usd,
        over_budget_reason=env.cost.over_budget,
        top_items=[(address, round(usd, 2)) for address, usd in result.top()],
        unpriced=len(result.unpriced),
    )


def estimate_environment(env: Environment, stacks: Mapping[str, dict], baseline: dict | None = None) -> Estimate:
    """The environment's layers, and its share of its account's baseline (`baseline`: that stack, as
    `synthesize` writes it beside the layers): the account's bill is split evenly among the
    environments that name the account."""
    if baseline is None:
        return estimate(env.name, synthesized_resources(stacks), env.cost.usage)
    sharing = len(environments_in_account(env.account))
    resources = synthesized_resources({**stacks, BASELINE: baseline})
    return estimate(env.name, resources, env.cost.usage, shares={BASELINE: 1 / sharing})


def write_report(result: Estimate, budget: BudgetCheck, report_dir: Path) -> Path:
    report_dir.mkdir(parents=True, exist_ok=True)
    written = report_dir / "cost.json"
    written.write_text(json.dumps(result.as_json(budget), indent=2) + "\n")
    return written

"""Every environment's estimate from its synthesized layers: every resource type it creates is either
priced by a mapper or known to be free, the report holds what the issue asks, and each estimate fits
its budget (or the environment says why it may not)."""

from __future__ import annotations

import json
import re

import pytest

from hipaa_platform.config.loader import load_environment
from hipaa_platform.cost.components import FREE, MAPPERS
from hipaa_platform.cost.estimate import check_budget, estimate_environment, write_report
from hipaa_platform.seeds import SeedRequirements, load_seed, seed_files
from tests.conftest import ENVIRONMENTS, PROJECT_ROOT

REPORT_KEYS = {"total_monthly_usd", "fixed_monthly_usd", "usage_monthly_usd", "items", "unpriced"}
ITEM_KEYS = {
    "layer",
    "address",
    "type",
    "component",
    "quantity",
    "unit",
    "unit_price_usd",
    "monthly_usd",
    "usage_based",
}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_environment_is_estimated_and_fits_its_budget(environment, synthesis_of, tmp_path) -> None:
    env = load_environment(environment)
    synthesized = synthesis_of(environment)
    result = estimate_environment(env, synthesized.stacks, synthesized.account_baseline)
    without_mapping = sorted({u.type for u in result.unpriced if not u.price})
    assert without_mapping == [], "each type is priced by a mapper in hipaa_platform/cost/components.py or FREE"
    assert result.total_monthly_usd > 0 and result.fixed_monthly_usd > 0
    budget = check_budget(env, result)
    assert budget.passed, budget.message()

    report = json.loads(write_report(result, budget, tmp_path).read_text())
    assert set(report) >= REPORT_KEYS
    assert all(set(item) >= ITEM_KEYS for item in report["items"])
    assert report["total_monthly_usd"] == pytest.approx(report["fixed_monthly_usd"] + report["usage_monthly_usd"])


def test_a_type_is_either_priced_or_free_never_both() -> None:
    assert set(MAPPERS) & set(FREE) == set()


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_estimate_in_the_docs_is_the_one_computed(environment, synthesis_of) -> None:
    text = (PROJECT_ROOT / "docs" / "environments.md").read_text()
    table = text.split("<!-- cost estimates -->")[1].split("<!-- /cost estimates -->")[0]
    row = next(line for line in table.splitlines() if line.startswith(f"| {environment} |"))
    synthesized = synthesis_of(environment)
    result = estimate_environment(load_environment(environment), synthesized.stacks, synthesized.account_baseline)
    cells = [cell.strip() for cell in row.split("|")[2:6]]
    computed = [
        f"${result.total_monthly_usd:,.2f}",
        f"${result.fixed_monthly_usd:,.2f}",
        f"${result.usage_monthly_usd:,.2f}",
    ]
    assert cells[:3] == computed, f"docs/environments.md: update the row of {environment} from `make cost`"
    assert row.split("|")[6].strip() == str(len(result.unpriced))


STATED_ESTIMATE = re.compile(r"`make cost` estimates \$([\d,]+\.\d\d) \((\d+) components? unpriced\)")


def stated_estimates(seed: SeedRequirements) -> list[tuple[str, str]]:
    """(total, unpriced count) of every row of the seed that quotes `make cost`."""
    return [m.groups() for r in seed.requirements if (m := STATED_ESTIMATE.search(r.deviation or ""))]


SEEDS_STATING_AN_ESTIMATE = [path for path in seed_files() if stated_estimates(load_seed(path))]


def test_the_stated_estimate_pattern_reads_a_seed_row() -> None:
    assert SEEDS_STATING_AN_ESTIMATE, "no seed quotes `make cost`: the test below checks nothing"


@pytest.mark.parametrize("seed_file", SEEDS_STATING_AN_ESTIMATE, ids=lambda path: path.stem)
def test_an_estimate_a_seed_states_is_the_one_computed(seed_file, synthesis_of) -> None:
    seed = load_seed(seed_file)
    (environment,) = seed.environments
    synthesized = synthesis_of(environment)
    result = estimate_environment(load_environment(environment), synthesized.stacks, synthesized.account_baseline)
    computed = (f"{result.total_monthly_usd:,.2f}", str(len(result.unpriced)))
    assert stated_estimates(seed) == [computed], f"{seed_file}: update its cost row from `make cost ENV={environment}`"


def test_the_stages_of_one_account_split_its_baseline(synthesis_of) -> None:
    """MenoTime's three stages each carry a third of their account's baseline; IntakeIQ carries all of its own."""
    from hipaa_platform.cost.estimate import estimate, synthesized_resources

    def baseline_items(environment: str) -> dict[tuple[str, str], float]:
        synthesized = synthesis_of(environment)
        result = estimate_environment(load_environment(environment), synthesized.stacks, synthesized.account_baseline)
        return {(i.address, i.component): i.monthly_usd for i in result.items if i.layer == "baseline"}

    for environment, sharing in (("menotime-dev", 3), ("intakeiq", 1)):
        synthesized = synthesis_of(environment)
        whole = estimate(
            environment,
            synthesized_resources({"baseline": synthesized.account_baseline}),
            load_environment(environment).cost.usage,
        )
        carried = baseline_items(environment)
        assert carried, environment
        assert carried == {
            (i.address, i.component): pytest.approx(i.monthly_usd / sharing, abs=1e-3) for i in whole.items
        }

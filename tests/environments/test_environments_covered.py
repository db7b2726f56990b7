"""Every environment file is in every per-environment tier without a test naming it: each tier
parametrizes over the environment files themselves."""

from __future__ import annotations

import pytest

from hipaa_platform.config.loader import available_environments
from tests.access import test_environments as access
from tests.constructs import test_contracts as contracts
from tests.constructs import test_role_policies as role_policies
from tests.cost import test_environment_costs as cost
from tests.emulator import test_deploy_local as deploy
from tests.gate import test_acceptance_claims as acceptance_claims
from tests.gate import test_gate as gate
from tests.validate import test_validate as validate

# tier -> (test function, its parametrized argument)
PER_ENVIRONMENT = {
    "gate": (gate.test_every_environment_passes_the_gate, "environment"),
    "access": (access.test_every_declared_use_works_and_nothing_else_is_reachable, "name"),
    "validate": (validate.test_layer_validates, "environment"),
    "contracts": (contracts.test_synthesized_layers_read_upstream_state_by_name, "environment"),
    "role policies": (role_policies.test_every_role_policy_states_why_it_is_inline, "environment"),
    "acceptance claims": (acceptance_claims.test_every_claimed_control_exists, "environment"),
    "cost": (cost.test_every_environment_is_estimated_and_fits_its_budget, "environment"),
    "emulator": (deploy.test_deploy_local, "environments"),
}


def parametrized(test, argument: str) -> set[str]:
    """The environments a test runs for, read from its parametrize mark (a group counts each member)."""
    for mark in getattr(test, "pytestmark", []):
        if mark.name == "parametrize" and mark.args[0] == argument:
            values = mark.args[1]
            return {name for value in values for name in ((value,) if isinstance(value, str) else value)}
    raise AssertionError(f"{test.__name__} is not parametrized by {argument!r}")


@pytest.mark.parametrize("tier", PER_ENVIRONMENT)
def test_every_environment_file_is_in_the_tier(tier: str) -> None:
    test, argument = PER_ENVIRONMENT[tier]
    covered = parametrized(test, argument)
    if tier == "emulator":
        covered |= set(deploy.DEPLOYED_IN_ANOTHER_MODULE)  # tests/emulator/test_deployed_intakeiq.py
    assert sorted(covered) == available_environments()


def test_a_tier_that_names_its_environments_is_noticed() -> None:
    @pytest.mark.parametrize("environment", ["intakeiq", "medisync-prod"])
    def named(environment: str) -> None: ...

    assert parametrized(named, "environment") != set(available_environments())

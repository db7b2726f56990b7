"""terraform init from the provider mirror and terraform validate, for every layer of every environment."""

from __future__ import annotations

import pytest

from hipaa_platform import LAYERS, terraform
from tests.conftest import FIXTURES

pytestmark = pytest.mark.validate


@pytest.fixture(scope="module")
def terraform_env() -> dict[str, str]:
    return terraform.terraform_environment()


@pytest.mark.parametrize("environment", FIXTURES)
@pytest.mark.parametrize("layer", LAYERS)
def test_layer_validates(request, terraform_env, environment: str, layer: str) -> None:
    synthesized = request.getfixturevalue(environment)
    result = terraform.validate(synthesized.outdir / "stacks" / layer, terraform_env)
    assert result["valid"], result["diagnostics"]
    assert result["error_count"] == 0

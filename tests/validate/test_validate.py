"""terraform init from the provider mirror and terraform validate, for every layer."""

from __future__ import annotations

import pytest

from hipaa_platform import LAYERS, terraform

pytestmark = pytest.mark.validate


@pytest.fixture(scope="module")
def terraform_env() -> dict[str, str]:
    return terraform.terraform_environment()


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_validates(intakeiq, terraform_env, layer: str) -> None:
    result = terraform.validate(intakeiq.outdir / "stacks" / layer, terraform_env)
    assert result["valid"], result["diagnostics"]
    assert result["error_count"] == 0

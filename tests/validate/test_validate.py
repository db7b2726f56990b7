"""terraform init from the provider mirror and terraform validate, for every layer of every environment."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hipaa_platform import LAYERS
from hipaa_platform.operations import terraform
from tests.conftest import ENVIRONMENTS

pytestmark = pytest.mark.validate


@pytest.fixture(scope="module")
def terraform_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Every validate attaches to one provider process, as `make validate` does."""
    log = tmp_path_factory.mktemp("validate") / "aws-provider.log"
    with terraform.attached_provider(terraform.terraform_environment(), log) as env:
        yield env


@pytest.mark.parametrize("environment", ENVIRONMENTS)
@pytest.mark.parametrize("layer", LAYERS)
def test_layer_validates(synthesis_of, terraform_env, environment: str, layer: str) -> None:
    synthesized = synthesis_of(environment)
    result = terraform.validate(synthesized.outdir / "stacks" / layer, terraform_env)
    assert result["valid"], result["diagnostics"]
    assert result["error_count"] == 0

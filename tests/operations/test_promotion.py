"""What a pull request plans (the environments its change affects) and the replacements it
allows (lines in its own description, per environment)."""

from __future__ import annotations

import pytest

from hipaa_platform.config.loader import available_environments
from hipaa_platform.errors import UserError
from hipaa_platform.operations.affected import affected_environments
from hipaa_platform.operations.allowances import allowed_replacements

MENOTIME = ["menotime-dev", "menotime-prod", "menotime-staging"]


@pytest.mark.parametrize(
    ("changed", "affected"),
    [
        (["environments/menotime-prod.yaml"], ["menotime-prod"]),
        (["environments/base/menotime.yaml"], MENOTIME),  # a base reaches each of its stages
        (["environments/intakeiq.yaml", "docs/ci.md"], ["intakeiq"]),
        (["moved/medisync-prod.json"], ["medisync-prod"]),
        (["accounts/menotime.yaml"], MENOTIME),  # an account file reaches every environment naming it
        (["accounts/secure-portal.yaml"], ["secure-portal"]),
        (["accounts/retired.yaml"], []),
        (
            ["docs/environments.md", "tests/environments/test_menotime.py", ".github/workflows/drift.yml", "README.md"],
            [],
        ),
        (["environments/retired.yaml"], []),  # a deleted environment has nothing left to plan
    ],
)
def test_a_change_plans_the_environments_it_affects(changed: list[str], affected: list[str]) -> None:
    assert affected_environments(changed) == affected


@pytest.mark.parametrize("shared", ["modules/shared/s3_bucket.py", "layers/data.py", "Pipfile.lock", "policies/x.py"])
def test_a_change_to_shared_code_plans_every_environment(shared: str) -> None:
    assert affected_environments(["environments/intakeiq.yaml", shared]) == available_environments()


DESCRIPTION = """Rename the database.

allow-replace: menotime-staging aws_db_instance.database-this
Allow-Replace: menotime-prod  aws_s3_bucket.logs
allow-replace: menotime-staging-extra aws_s3_bucket.logs
"""


def test_an_allowance_names_its_environment_and_reaches_no_other() -> None:
    assert allowed_replacements(DESCRIPTION, "menotime-staging") == {"aws_db_instance.database-this"}
    assert allowed_replacements(DESCRIPTION, "menotime-prod") == {"aws_s3_bucket.logs"}
    assert allowed_replacements(DESCRIPTION, "menotime-dev") == frozenset()
    assert allowed_replacements("", "menotime-dev") == frozenset()


def test_an_allowance_that_names_no_address_is_refused() -> None:
    with pytest.raises(UserError, match=r"allow-replace: menotime-dev everything: not a resource address"):
        allowed_replacements("allow-replace: menotime-dev everything", "menotime-dev")

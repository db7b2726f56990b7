"""Every database takes a final snapshot when Terraform deletes it, under a name of its own
incarnation, so that a second replacement of the database does not fail on the first one's
snapshot name."""

from __future__ import annotations

import re
import subprocess

import pytest

from hipaa_platform.operations.terraform import terraform_environment
from tests.conftest import ENVIRONMENTS

# What RDS accepts as a snapshot identifier: a letter first, no two hyphens in a row, no hyphen last.
SNAPSHOT_IDENTIFIER = re.compile(r"^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,253}[A-Za-z0-9]$")


def final_snapshot_problems(database: dict) -> list[str]:
    problems = []
    if database.get("skip_final_snapshot", False):
        problems.append("skips its final snapshot")
    name = database.get("final_snapshot_identifier", "")
    identifier = database.get("identifier") or database.get("cluster_identifier")
    if not name.startswith(f"{identifier}-final-") or "timestamp()" not in name:
        problems.append(f"final snapshot {name!r} is not named after {identifier} and its creation time")
    if "final_snapshot_identifier" not in database.get("lifecycle", {}).get("ignore_changes", []):
        problems.append("the name would change on every plan (no ignore_changes)")
    return problems


def evaluated(expression: str, tmp_path) -> str:
    """The name as Terraform computes it at create time."""
    result = subprocess.run(
        ["terraform", "console"],
        input=f'"{expression}"\n',
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=terraform_environment(),
        check=True,
    )
    return result.stdout.strip().strip('"')


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_each_database_names_its_final_snapshot_once(synthesis_of, environment: str, tmp_path) -> None:
    synthesized = synthesis_of(environment)
    databases = [
        *synthesized.resources("data", "aws_db_instance").values(),
        *synthesized.resources("data", "aws_rds_cluster").values(),
    ]
    assert databases
    for database in databases:
        assert final_snapshot_problems(database) == []
        assert SNAPSHOT_IDENTIFIER.match(evaluated(database["final_snapshot_identifier"], tmp_path))


def test_a_fixed_or_changing_name_is_caught() -> None:
    fixed = {"identifier": "db", "skip_final_snapshot": False, "final_snapshot_identifier": "db-final"}
    assert final_snapshot_problems(fixed) == [
        "final snapshot 'db-final' is not named after db and its creation time",
        "the name would change on every plan (no ignore_changes)",
    ]
    changing = fixed | {"final_snapshot_identifier": 'db-final-${formatdate("YYYYMMDDhhmmss", timestamp())}'}
    assert final_snapshot_problems(changing) == ["the name would change on every plan (no ignore_changes)"]
    assert not SNAPSHOT_IDENTIFIER.match("db--final") and not SNAPSHOT_IDENTIFIER.match("db-final-")

"""Each concrete value of seeds 002, 003 and 004 is a row of seeds/<nnn>-<system>.yaml: built, with the
tests that pin it in the synthesized JSON, or a deviation with its reason. No row is left open, every
pinning test exists, and docs/environments.md shows the tables as the files state them."""

from __future__ import annotations

from pathlib import Path

import pytest

from hipaa_platform.config.loader import available_environments
from hipaa_platform.errors import UserError
from hipaa_platform.seeds import (
    ENVIRONMENTS_DOC,
    document_with_seeds,
    load_seed,
    missing_tests,
    render_seed,
    seed_files,
)

SEEDS = {path.name: load_seed(path) for path in seed_files()}


def test_the_three_seeds_have_their_tables() -> None:
    assert sorted(s.seed for s in SEEDS.values()) == ["002", "003", "004"]
    for seed in SEEDS.values():
        assert set(seed.environments) <= set(available_environments()), seed.seed


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_every_built_value_names_tests_that_exist(name: str) -> None:
    assert missing_tests(SEEDS[name].pinning_tests()) == []


def test_a_reference_to_a_missing_test_is_found() -> None:
    references = {"tests/environments/test_clubapp.py::test_two_azs_with_a_nat_gateway_each",
                  "tests/environments/test_clubapp.py::test_a_value_no_one_pins"}  # fmt: skip
    assert missing_tests(references) == ["tests/environments/test_clubapp.py::test_a_value_no_one_pins"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("{area: cache, requirement: engine, seed: Redis 7.1}", "left open: give `built` with `pinned_by`"),
        ("{area: cache, requirement: engine, seed: Redis 7.1, built: Redis 7.1}", "names the tests that pin it"),
        ("{area: cache, requirement: engine, seed: Redis 7.1, deviation: Valkey}", "a deviation states its reason"),
        ("{area: cache, requirement: engine, seed: Redis 7.1, deviation: Valkey, reason: short}", "at least 40"),
        ("{area: cache, requirement: engine, seed: '7.1', built: '7.1', pinned_by: [test_x]}", "not a test reference"),
    ],
)
def test_a_row_left_open_or_unpinned_is_refused_naming_the_file_and_field(
    tmp_path: Path, row: str, message: str
) -> None:
    path = tmp_path / "009-example.yaml"
    path.write_text(f'seed: "009"\nsystem: Example\nenvironments: [intakeiq]\nrequirements:\n  - {row}\n')
    with pytest.raises(UserError) as caught:
        load_seed(path)
    assert str(path) in str(caught.value) and "requirements.0" in str(caught.value)
    assert message in str(caught.value)


def test_the_environments_doc_shows_the_tables_as_the_files_state_them() -> None:
    document = ENVIRONMENTS_DOC.read_text()
    for seed in SEEDS.values():
        assert render_seed(seed) in document, f"seed {seed.seed}: run `make seeds-doc`"


def test_a_changed_row_makes_the_doc_stale() -> None:
    seed = SEEDS["002-clubapp.yaml"]
    changed = seed.model_copy(update={"requirements": seed.requirements[1:]})
    document = ENVIRONMENTS_DOC.read_text()
    assert render_seed(changed) not in document
    assert render_seed(changed) in document_with_seeds(document, [changed])

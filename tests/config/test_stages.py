"""Stages from one description: a stage file names a base under environments/base/ and states
only what differs; the merge is validated like a standalone file (hipaa_platform/config/loader.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from hipaa_platform.config import Environment
from hipaa_platform.config.loader import (
    ENVIRONMENTS_DIR,
    available_environments,
    environment_files,
    load_environment,
    merged,
)
from hipaa_platform.errors import ConfigError

STAGES = ("app-dev", "app-staging", "app-prod")


def stage(name: str, **settings: object) -> dict:
    return {"base": "app", "name": name, "name_prefix": name, "stage": name.removeprefix("app-"), **settings}


@pytest.fixture
def environments(tmp_path: Path) -> Path:
    """A base made from IntakeIQ's file, and three stage files over it."""
    base = yaml.safe_load((ENVIRONMENTS_DIR / "intakeiq.yaml").read_text())
    del base["name"], base["name_prefix"], base["stage"]
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "app.yaml").write_text(yaml.safe_dump(base))
    for name in STAGES:
        write(tmp_path, stage(name))
    return tmp_path


def write(directory: Path, document: dict) -> None:
    (directory / f"{document['name']}.yaml").write_text(yaml.safe_dump(document))


def test_each_stage_is_its_base_with_its_own_values(environments: Path) -> None:
    assert available_environments(environments) == sorted(STAGES)  # a base is not an environment
    loaded = {name: load_environment(name, environments) for name in STAGES}
    assert {e.stage for e in loaded.values()} == {"dev", "staging", "prod"}
    assert {e.name_prefix for e in loaded.values()} == set(STAGES)
    standalone = load_environment("intakeiq")
    assert all(e.data == standalone.data for e in loaded.values())
    assert environment_files("app-dev", environments) == [environments / "base" / "app.yaml",
                                                          environments / "app-dev.yaml"]  # fmt: skip


def test_a_stage_override_wins_and_leaves_its_siblings_alone(environments: Path) -> None:
    service = load_environment("app-dev", environments).compute.services[0]
    override = {"services": [{"name": service.name, "desired_count": 4}]}
    write(environments, stage("app-prod", compute=override))
    prod = load_environment("app-prod", environments).compute.services[0]
    assert prod.desired_count == 4
    assert prod.container_name == service.container_name  # the rest of the item comes from the base
    assert load_environment("app-dev", environments).compute.services[0].desired_count == service.desired_count


def test_a_base_change_reaches_every_stage(environments: Path) -> None:
    base_file = environments / "base" / "app.yaml"
    base = yaml.safe_load(base_file.read_text())
    base["tags"]["owner"] = "platform-team@example.com"
    base_file.write_text(yaml.safe_dump(base))
    assert {load_environment(name, environments).tags.owner for name in STAGES} == {"platform-team@example.com"}


def test_a_stage_cannot_introduce_an_unknown_key(environments: Path) -> None:
    write(environments, stage("app-dev", compute={"autoscale": True}))
    with pytest.raises(ConfigError) as raised:
        load_environment("app-dev", environments)
    message = str(raised.value)
    assert f"app-dev.yaml (over its base {environments / 'base' / 'app.yaml'})" in message
    assert "compute.autoscale (in app-dev.yaml): unknown key; allowed:" in message


def test_a_value_the_base_gets_wrong_is_attributed_to_the_base(environments: Path) -> None:
    base_file = environments / "base" / "app.yaml"
    base = yaml.safe_load(base_file.read_text())
    base["region"] = "mars-1"
    base_file.write_text(yaml.safe_dump(base))
    with pytest.raises(ConfigError, match=rf"region \(in {base_file}\)"):
        load_environment("app-staging", environments)


def test_a_missing_base_names_the_allowed_ones(environments: Path) -> None:
    write(environments, {**stage("app-dev"), "base": "ap"})
    with pytest.raises(ConfigError, match=r"app-dev.yaml: base: 'ap' is not a base; allowed: app"):
        load_environment("app-dev", environments)


def test_a_base_cannot_extend_another(environments: Path) -> None:
    base_file = environments / "base" / "app.yaml"
    base_file.write_text(yaml.safe_dump({**yaml.safe_load(base_file.read_text()), "base": "app"}))
    with pytest.raises(ConfigError, match="a base cannot extend another base"):
        load_environment("app-dev", environments)


def test_the_shown_configuration_is_what_the_stage_gets(environments: Path) -> None:
    """`show` prints the validated model; read back, it is the same environment."""
    environment = load_environment("app-prod", environments)
    shown = environment.model_dump(mode="json", by_alias=True)
    assert Environment.model_validate(shown) == environment


def test_merge_rules() -> None:
    base = {"a": {"x": 1, "y": 2}, "items": [{"name": "one", "v": 1}, {"name": "two", "v": 2}], "plain": [1, 2]}
    over = {"a": {"y": 3}, "items": [{"name": "two", "v": 20}, {"name": "three", "v": 3}], "plain": [9]}
    assert merged(base, over) == {
        "a": {"x": 1, "y": 3},
        "items": [{"name": "one", "v": 1}, {"name": "two", "v": 20}, {"name": "three", "v": 3}],
        "plain": [9],
    }

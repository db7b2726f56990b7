"""Plan review against deployed layers on the emulator: an unchanged plan is empty, a tag change
is shown as exactly that and passes, replacing the database is blocked until allowed."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from hipaa_platform.config import Environment
from hipaa_platform.deploy import LayerRun, apply_layer, destroy_layer, log_path
from hipaa_platform.loader import ENVIRONMENTS_DIR
from hipaa_platform.plan import review
from hipaa_platform.targets import Target

pytestmark = [pytest.mark.emulator, pytest.mark.xdist_group("plan-review")]
LAYERS = ("networking", "security", "data")
DATABASE = "aws_db_instance.database_this_C19B65FA"


@dataclass
class Deployed:
    target: Target
    tf_env: dict[str, str]
    outdir: Path
    root: Path

    def synthesize(self, name: str, change) -> Path:
        from hipaa_platform.app import synthesize

        document = yaml.safe_load((ENVIRONMENTS_DIR / "intakeiq.yaml").read_text())
        changed = copy.deepcopy(document)
        change(changed)
        outdir = self.root / name
        synthesize(Environment.model_validate(changed), self.target, outdir)
        return outdir


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployed]:
    from hipaa_platform.app import synthesize
    from hipaa_platform.emulator import emulator_with_state_bucket
    from hipaa_platform.loader import load_environment

    environment = load_environment("intakeiq")
    root = tmp_path_factory.mktemp("plan-review")
    with emulator_with_state_bucket(environment) as emulator_run:
        target, tf_env = emulator_run.target, emulator_run.terraform_env
        outdir = root / "base"
        synthesize(environment, target, outdir)
        applied = []
        try:
            for layer in LAYERS:
                run = LayerRun(layer)
                applied.append(run)
                apply_layer(outdir / "stacks" / layer, tf_env, run, log_path(outdir, layer))
            yield Deployed(target, tf_env, outdir, root)
        finally:
            for run in reversed(applied):
                destroy_layer(outdir / "stacks" / run.layer, tf_env, run, log_path(outdir, run.layer))


def test_an_unchanged_environment_plans_no_changes(deployed: Deployed) -> None:
    result = review("intakeiq", deployed.outdir, LAYERS, deployed.tf_env, deployed.root / "plans-unchanged")
    assert [p.changes for p in result.layers] == [[], [], []]
    assert result.ok, [(p.layer, p.checkov.failures) for p in result.layers]
    summary = (deployed.root / "plans-unchanged" / "summary.md").read_text()
    assert "### data: no changes" in summary


def test_a_tag_change_shows_exactly_that_and_passes(deployed: Deployed) -> None:
    outdir = deployed.synthesize("tagged", lambda d: d["tags"].update(cost_center="finance"))
    result = review("intakeiq", outdir, LAYERS, deployed.tf_env, deployed.root / "plans-tagged")
    changes = [c for p in result.layers for c in p.changes]
    assert changes, "a new default tag must show up in the plan"
    assert {c.action for c in changes} == {"update"}
    # tags_all carries the new default; tags loses the old value the provider no longer counts as a default
    assert {a.name for c in changes for a in c.attributes} <= {"tags", "tags_all"}
    assert all("finance" in str(a.after) for c in changes for a in c.attributes if a.name == "tags_all")
    assert result.ok


def test_replacing_the_database_is_blocked_until_allowed(deployed: Deployed) -> None:
    # db_name cannot change in place: the instance would be replaced, and its data with it.
    outdir = deployed.synthesize("renamed", lambda d: d["data"]["database"].update(database_name="intake"))
    blocked = review("intakeiq", outdir, ("data",), deployed.tf_env, deployed.root / "plans-renamed")
    assert [(layer, c.address) for layer, c in blocked.blocked] == [("data", DATABASE)]
    assert blocked.blocked[0][1].replace_paths == ("db_name",)
    assert not blocked.ok
    summary = (deployed.root / "plans-renamed" / "summary.md").read_text()
    assert f"`{DATABASE}` (replace; forced by: db_name)" in summary

    allowed = review(
        "intakeiq", outdir, ("data",), deployed.tf_env, deployed.root / "plans-allowed", frozenset({DATABASE})
    )
    assert allowed.blocked == [] and allowed.ok

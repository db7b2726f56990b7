"""What each system's description (its seed) requires, row by row: `seeds/<nnn>-<system>.yaml`.

A row is either built, naming the tests that pin its value in the synthesized JSON, or a declared
deviation with its reason. `make seeds-doc` writes the tables of docs/environments.md from them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hipaa_platform.errors import UserError, problems_in
from hipaa_platform.targets import PROJECT_ROOT

SEEDS_DIR = PROJECT_ROOT / "seeds"
TEST_REFERENCE = r"^tests/[a-z_/]+\.py::test_[a-z0-9_]+$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Requirement(Strict):
    """One concrete value the seed states, and what the project does with it."""

    area: str = Field(min_length=2)
    requirement: str = Field(min_length=3)
    seed: str = Field(min_length=1, description="the value as the seed states it")
    built: str | None = Field(None, description="the value the synthesized JSON holds")
    pinned_by: tuple[str, ...] = Field((), description="tests/<file>.py::test_<name>, reading the synthesized JSON")
    deviation: str | None = Field(None, description="what the project does instead")
    reason: str | None = Field(None, min_length=40, description="why that holds for a HIPAA-grade production user")

    @model_validator(mode="after")
    def _built_or_declared(self) -> Requirement:
        bad = [ref for ref in self.pinned_by if not re.match(TEST_REFERENCE, ref)]
        if bad:
            example = "tests/environments/test_x.py::test_y"
            raise ValueError(f"not a test reference: {', '.join(bad)} (for example {example})")
        if self.built is not None and self.deviation is not None:
            raise ValueError("a requirement is either built or a deviation, not both")
        if self.built is not None and not self.pinned_by:
            raise ValueError("a built value names the tests that pin it (pinned_by)")
        if self.deviation is not None and not self.reason:
            raise ValueError("a deviation states its reason")
        if self.built is None and self.deviation is None:
            raise ValueError("left open: give `built` with `pinned_by`, or `deviation` with `reason`")
        if self.reason and self.deviation is None:
            raise ValueError("a reason belongs to a deviation")
        return self


class SeedRequirements(Strict):
    seed: str = Field(pattern=r"^\d{3}$")
    system: str
    environments: tuple[str, ...] = Field(min_length=1)
    requirements: tuple[Requirement, ...] = Field(min_length=1)

    def pinning_tests(self) -> set[str]:
        return {ref for row in self.requirements for ref in row.pinned_by}


def seed_files(folder: Path = SEEDS_DIR) -> list[Path]:
    return sorted(folder.glob("[0-9][0-9][0-9]-*.yaml"))


def load_seed(path: Path) -> SeedRequirements:
    try:
        return SeedRequirements.model_validate(yaml.safe_load(path.read_text()))
    except (OSError, yaml.YAMLError) as error:
        raise UserError(f"{path}: {error}") from None
    except ValidationError as error:
        raise problems_in(path, error) from None


def missing_tests(references: set[str], root: Path = PROJECT_ROOT) -> list[str]:
    """The references that name no test function in their file."""
    defined: dict[str, set[str]] = {}
    missing = []
    for reference in sorted(references):
        file, name = reference.split("::")
        if file not in defined:
            path = root / file
            tree = ast.parse(path.read_text()) if path.is_file() else ast.Module(body=[], type_ignores=[])
            defined[file] = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        if name not in defined[file]:
            missing.append(reference)
    return missing


ENVIRONMENTS_DOC = PROJECT_ROOT / "docs" / "environments.md"


def markers(seed: SeedRequirements) -> tuple[str, str]:
    return (
        f"<!-- seed {seed.seed}: generated from seeds/ by `make seeds-doc`; do not edit -->",
        f"<!-- seed {seed.seed}: end -->",
    )


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render_seed(seed: SeedRequirements) -> str:
    """The requirement table of one seed, between its markers."""
    begin, end = markers(seed)
    built = sum(row.built is not None for row in seed.requirements)
    lines = [
        begin,
        "",
        f"{len(seed.requirements)} requirements of seed {seed.seed} ({seed.system}): {built} built and pinned by a "
        f"test, {len(seed.requirements) - built} declared deviations.",
        "",
        "| area | requirement | seed | built (pinned by), or deviation: why |",
        "| --- | --- | --- | --- |",
    ]
    for row in seed.requirements:
        if row.built is not None:
            tests = ", ".join(f"`{ref.split('::')[1]}`" for ref in row.pinned_by)
            outcome = f"{_cell(row.built)} ({tests})"
        else:
            outcome = f"**deviation:** {_cell(row.deviation or '')}: {_cell(row.reason or '')}"
        lines.append(f"| {_cell(row.area)} | {_cell(row.requirement)} | {_cell(row.seed)} | {outcome} |")
    lines += ["", end]
    return "\n".join(lines)


def document_with_seeds(document: str, seeds: list[SeedRequirements]) -> str:
    """`document` with each seed's generated table replaced by the current one."""
    for seed in seeds:
        begin, end = markers(seed)
        start, stop = document.find(begin), document.find(end)
        if start < 0 or stop < start:
            raise UserError(f"{ENVIRONMENTS_DOC}: no generated section for seed {seed.seed} ({begin!r} ... {end!r})")
        document = document[:start] + render_seed(seed) + document[stop + len(end) :]
    return document

"""Which environments a change affects, so a pull request plans exactly those.

An environment file affects its environment, a base every stage built on it, recorded moves
(`moved/<env>.json`) their environment; code, locks and configuration that every synthesis reads
affect every environment; documentation, tests and workflows affect none."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from hipaa_platform.loader import BASES, ENVIRONMENTS_DIR, available_environments, read_sources

# Read by no synthesis: a change here plans nothing.
INERT_DIRECTORIES = ("docs", "tests", "bench", ".github", ".ci")
INERT_SUFFIXES = (".md",)


def affected_environments(changed: Iterable[str], directory: Path | None = None) -> list[str]:
    directory = directory or ENVIRONMENTS_DIR
    environments = available_environments(directory)
    affected: set[str] = set()
    for name in changed:
        path = PurePosixPath(name)
        top = path.parts[0] if path.parts else ""
        if top == "environments" and len(path.parts) == 3 and path.parts[1] == BASES:
            affected |= {e for e in environments if _base_of(directory / f"{e}.yaml") == path.stem}
        elif top == "environments" and len(path.parts) == 2:
            affected |= {path.stem} & set(environments)  # a deleted environment has nothing left to plan
        elif top == "moved":
            affected |= {path.stem} & set(environments)
        elif top in INERT_DIRECTORIES or path.suffix in INERT_SUFFIXES:
            continue
        else:
            return environments
    return sorted(affected)


def _base_of(path: Path) -> str | None:
    base_path = read_sources(path).base_path
    return base_path.stem if base_path else None

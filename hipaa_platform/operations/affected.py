"""Which environments a change affects, so a pull request plans exactly those.

An environment file affects its environment, a base every stage built on it, an account file
(`accounts/<account>.yaml`) every environment that names the account, recorded moves
(`moved/<env>.json`) their environment; code, locks and configuration that every synthesis reads
affect every environment; documentation, tests and workflows affect none."""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from hipaa_platform.config.loader import (
    ACCOUNT_KEY,
    BASES,
    ENVIRONMENTS_DIR,
    available_environments,
    environment_file,
    environment_files,
    read_sources,
)
from hipaa_platform.errors import UserError
from hipaa_platform.targets import PROJECT_ROOT

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
            affected |= {e for e in environments if _extends(environment_files(e, directory), path.stem)}
        elif top == "environments" and len(path.parts) == 2:
            affected |= {path.stem} & set(environments)  # a deleted environment has nothing left to plan
        elif top == "accounts" and len(path.parts) == 2:
            affected |= {e for e in environments if _names_account(e, path.stem, directory)}
        elif top == "moved":
            affected |= {path.stem} & set(environments)
        elif top in INERT_DIRECTORIES or path.suffix in INERT_SUFFIXES:
            continue
        else:
            return environments
    return sorted(affected)


def _names_account(environment: str, account: str, directory: Path) -> bool:
    return read_sources(environment_file(environment, directory)).document.get(ACCOUNT_KEY) == account


def _extends(files: list[Path], base: str) -> bool:
    """Whether an environment read from `files` (its base, then its own file) extends `base`."""
    return len(files) == 2 and files[0].stem == base


def changed_since(base: str) -> list[str]:
    """The files a change since git ref `base` touches."""
    result = subprocess.run(
        ["git", "diff", "--name-only", f"{base}...HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise UserError(f"git diff against {base!r} failed: {result.stderr.strip()}; fetch the base branch first")
    return result.stdout.split()

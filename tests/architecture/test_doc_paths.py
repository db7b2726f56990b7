"""Every project path the docs, the policies' README and the pack name exists: a moved or renamed
file without its docs fails here."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = "hipaa_platform|modules|layers|tests|policies|compliance|environments|docs|bench"
PATH = re.compile(rf"\b(?:{FOLDERS})/[A-Za-z0-9_./-]+\.(?:py|yaml|yml|md|json|js)\b")
DOCUMENTS = (*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md", ROOT / "policies" / "README.md",
             ROOT / "compliance" / "hipaa_pack.yaml")  # fmt: skip


def missing(paths: set[str], root: Path = ROOT) -> list[str]:
    return sorted(p for p in paths if not (root / p).exists())


def test_every_path_the_docs_name_exists() -> None:
    named = {m.group(0) for doc in DOCUMENTS for m in PATH.finditer(doc.read_text())}
    assert len(named) > 50  # the docs do name files
    assert missing(named) == []


def test_a_path_that_does_not_exist_is_found() -> None:
    assert missing({"modules/compute/spa.py", "README.md"}) == ["modules/compute/spa.py"]

"""Imports run one way: each package imports only packages below it (docs/architecture.md), and
no module imports itself back through others."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Lowest first. `hipaa_platform` is the package's root module (LAYERS; it starts the jsii runtime).
ORDER = (
    "hipaa_platform",
    "hipaa_platform.errors",
    "hipaa_platform.config",
    "hipaa_platform.contracts",
    "hipaa_platform.targets",
    "hipaa_platform.seeds",
    "hipaa_platform.gate",
    "hipaa_platform.cost",
    "hipaa_platform.building",
    "modules",
    "layers",
    "hipaa_platform.synth",
    "hipaa_platform.operations",
    "hipaa_platform.access",
    "hipaa_platform.emulator",
    "hipaa_platform.views",
    "hipaa_platform.cli",
    "hipaa_platform.__main__",
)
# The root module starts the jsii runtime before any binding loads; it imports only that.
ROOT_MODULE_IMPORTS = {"hipaa_platform.synth.jsii_runtime"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(module: str) -> str:
    """The entry of ORDER a module belongs to (the longest that prefixes it)."""
    return max((p for p in ORDER if module == p or module.startswith(p + ".")), key=len)


def project_imports(path: Path) -> set[str]:
    """Project modules a file imports, at any depth (a function-level import counts too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            found |= {n for n in names if n.split(".")[0] in ("hipaa_platform", "modules", "layers")}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] in ("hipaa_platform", "modules", "layers")}
    return found


def sources() -> list[Path]:
    return sorted(p for folder in ("hipaa_platform", "modules", "layers") for p in (ROOT / folder).rglob("*.py"))


def back_edges(files: list[Path]) -> list[str]:
    wrong = []
    for path in files:
        importer = module_name(path)
        rank = ORDER.index(package_of(importer))
        for imported in project_imports(path):
            if importer == "hipaa_platform" and imported.startswith(tuple(ROOT_MODULE_IMPORTS)):
                continue
            target = package_of(imported)
            if ORDER.index(target) > rank:
                wrong.append(f"{importer} imports {imported} ({target} stands above {package_of(importer)})")
    return wrong


def test_every_import_runs_down() -> None:
    assert back_edges(sources()) == []


def test_modules_never_import_layers_and_layers_never_import_each_other() -> None:
    wrong = []
    for path in sources():
        importer = module_name(path)
        for imported in project_imports(path):
            if importer.startswith("modules.") and imported.startswith("layers"):
                wrong.append(f"{importer} imports {imported}")
            if importer.startswith("layers.") and imported.startswith("layers."):
                wrong.append(f"{importer} imports {imported}")
    assert wrong == []


@pytest.mark.parametrize(
    ("importer", "imported"),
    [("hipaa_platform/config/x.py", "hipaa_platform.synth.app"), ("modules/data/x.py", "layers.data")],
)
def test_an_import_upwards_is_found(tmp_path: Path, importer: str, imported: str, monkeypatch) -> None:
    path = tmp_path / importer
    path.parent.mkdir(parents=True)
    path.write_text(f"from {imported} import something\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert back_edges([path]) != []


def test_every_project_module_has_a_place_in_the_order() -> None:
    assert all(package_of(module_name(p)) for p in sources())

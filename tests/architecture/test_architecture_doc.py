"""docs/architecture.md says what the code is: its packages, the contracts each layer publishes and
reads, and the modules each layer calls. A change to any of them without the doc fails here."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from hipaa_platform import LAYERS
from tests.conftest import ENVIRONMENTS

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"


def contract_fields() -> dict[str, list[str]]:
    """Each layer's published outputs, from its contract dataclass."""
    # here, not at import: the contracts import cdktf, whose jsii kernel every collecting worker would start
    from hipaa_platform import contracts

    classes = (contracts.NetworkingOutputs, contracts.SecurityOutputs, contracts.DataOutputs,
               contracts.ComputeOutputs, contracts.PipelineOutputs, contracts.ObservabilityOutputs)  # fmt: skip
    return {c.LAYER: [f.name for f in dataclasses.fields(c)] for c in classes}


REMOTE_READ = re.compile(r"terraform_remote_state\.(\w+)\.outputs\.(\w+)")


def section(name: str, text: str | None = None) -> str:
    text = DOC.read_text() if text is None else text
    match = re.search(rf"<!-- {re.escape(name)} -->\n(.*?)<!-- /{re.escape(name)} -->", text, re.S)
    assert match, f"docs/architecture.md has no <!-- {name} --> section"
    return match.group(1)


def table(name: str, text: str | None = None) -> dict[str, str]:
    """First column -> second column of the table in a marked section."""
    rows = [line.split("|")[1:3] for line in section(name, text).splitlines() if line.startswith("| ")]
    return {key.strip(): value.strip() for key, value in rows[1:]}  # the header row is not data


def published(doc: dict[str, str]) -> dict[str, list[str]]:
    return {layer: [name.strip() for name in outputs.split(",")] for layer, outputs in doc.items()}


def read(doc: dict[str, str]) -> dict[str, dict[str, set[str]]]:
    found: dict[str, dict[str, set[str]]] = {}
    for layer, reads in doc.items():
        found[layer] = {}
        for part in (p for p in reads.split(";") if p.strip() != "(nothing)"):
            upstream, _, names = part.partition(":")
            found[layer][upstream.strip()] = {n.strip() for n in names.split(",")}
    return found


def test_the_published_outputs_are_the_contracts_fields() -> None:
    assert published(table("contracts: published")) == contract_fields()


def test_what_each_layer_reads_is_what_the_synthesized_layers_read(synthesis_of) -> None:
    code: dict[str, dict[str, set[str]]] = {layer: {} for layer in LAYERS}
    for environment in ENVIRONMENTS:
        for layer, stack in synthesis_of(environment).stacks.items():
            for upstream, output in REMOTE_READ.findall(str(stack)):
                code[layer].setdefault(upstream, set()).add(output)
    assert read(table("contracts: read")) == code


def test_every_package_and_module_is_in_the_doc() -> None:
    packages = section("packages")
    for folder in sorted(p for p in (ROOT / "hipaa_platform").iterdir() if (p / "__init__.py").is_file()):
        assert f"`hipaa_platform/{folder.name}/`" in packages, folder.name
    modules = section("modules") + DOC.read_text().split("<!-- /modules -->")[1].split("\n## ")[0]
    for path in sorted((ROOT / "modules").glob("*/*.py")):
        if path.name != "__init__.py":
            assert f"`{path.parent.name}/{path.stem}`" in modules, f"modules/{path.parent.name}/{path.name}"


@pytest.mark.parametrize(
    ("doc", "name"),
    [
        ("<!-- contracts: published -->\n| layer | publishes |\n|---|---|\n| networking | vpc_id |\n"
         "<!-- /contracts: published -->", "contracts: published"),
    ],
)  # fmt: skip
def test_a_missing_output_in_the_doc_is_noticed(doc: str, name: str) -> None:
    assert published(table(name, doc)) != contract_fields()

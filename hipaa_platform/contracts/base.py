"""How a contract is published, read and keyed: the machinery every layer contract uses."""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Iterable
from typing import Any, ClassVar, Protocol, TypeVar

from cdktf import TerraformOutput, TerraformRemoteState, TerraformStack


def described(description: str) -> Any:
    """A contract field; its description becomes the Terraform output's description."""
    return dataclasses.field(metadata={"description": description})


@dataclasses.dataclass(frozen=True)
class LayerOutputs:
    LAYER: ClassVar[str]

    @classmethod
    def output_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))


Outputs = TypeVar("Outputs", bound=LayerOutputs)


class _HasName(Protocol):
    name: str


Named = TypeVar("Named", bound=_HasName)


def publish(stack: TerraformStack, outputs: LayerOutputs) -> None:
    for spec in dataclasses.fields(outputs):
        TerraformOutput(
            stack,
            spec.name,
            value=getattr(outputs, spec.name),
            description=spec.metadata["description"],
        )


def read(remote: TerraformRemoteState, contract: type[Outputs]) -> Outputs:
    hints = typing.get_type_hints(contract)
    values: dict[str, Any] = {}
    remote_id = remote.friendly_unique_id  # asked once for every map output of the contract
    for spec in dataclasses.fields(contract):
        kind = hints[spec.name]
        if kind is str:
            values[spec.name] = remote.get_string(spec.name)
        elif kind in (float, int):
            values[spec.name] = remote.get_number(spec.name)
        elif typing.get_origin(kind) is list:
            values[spec.name] = remote.get_list(spec.name)
        elif typing.get_origin(kind) is dict:
            values[spec.name] = KeyedOutput(remote_id, spec.name)
        else:
            raise TypeError(f"{contract.__name__}.{spec.name}: unsupported contract type {kind}")
    return contract(**values)


def by_name(items: Iterable[Named]) -> list[Named]:
    """Items in name order, for a resource that lists every service or queue (a policy, a
    dashboard): a reordered environment file must not change it."""
    return sorted(items, key=lambda item: item.name)


# Names in environment files are lower-case letters, digits and '-' (config.Name), which Terraform
# reads as attribute names; an attribute read keeps quotes out of JSON policy documents.
_ATTRIBUTE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class KeyedOutput:
    """A map output of an upstream layer; `keyed[name]` reads the value under one name. Terraform
    fails the plan when the upstream layer has no such name, so a missing item cannot pass unnoticed.

    The value is the reference `remote.get_string("<output>.<name>")` would render, written here:
    asking the bindings for it is a round trip per read, a sixth of what a service costs to synthesize."""

    def __init__(self, remote_id: str, output: str) -> None:
        """`remote_id`: the logical id of the upstream layer's remote state data source."""
        self._output = output
        self._prefix = f"data.terraform_remote_state.{remote_id}.outputs.{output}"

    def __getitem__(self, key: str) -> str:
        if not _ATTRIBUTE.match(key):
            raise ValueError(f"{self._output}: {key!r} cannot key a contract map (letters, digits, '_' and '-')")
        return f"${{{self._prefix}.{key}}}"

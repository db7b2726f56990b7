"""Layer contracts: the named, described outputs a layer publishes and its downstream layers read.

A contract is a frozen dataclass per layer. The publishing layer fills it with its resources'
attributes; a downstream layer gets the same dataclass back, filled with reads of the upstream
layer's remote state. Nothing crosses layers any other way.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any, ClassVar, TypeVar

from cdktf import Fn, TerraformOutput, TerraformRemoteState, TerraformStack, Token


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
    for spec in dataclasses.fields(contract):
        kind = hints[spec.name]
        if kind is str:
            values[spec.name] = remote.get_string(spec.name)
        elif kind in (float, int):
            values[spec.name] = remote.get_number(spec.name)
        elif typing.get_origin(kind) is list:
            values[spec.name] = remote.get_list(spec.name)
        else:
            raise TypeError(f"{contract.__name__}.{spec.name}: unsupported contract type {kind}")
    return contract(**values)


def item(values: list[str], index: int) -> str:
    """Element `index` of a list read from remote state (a token, so Python indexing cannot reach it)."""
    return Token.as_string(Fn.element(values, index))

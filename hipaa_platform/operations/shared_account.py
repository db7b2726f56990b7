"""Environments deployed side by side into one account, as MenoTime's stages share theirs.

The account baseline's owner (`account_baseline: owner`) creates what only one environment in an
account may create: the GitHub OIDC provider, the GuardDuty detector, the trail, the SES identity.
Another environment's layer that reads one of those (a data source, which fails when the object is
absent) applies only after the owner's layer that creates it, and the owner destroys that layer
only after the others have destroyed theirs. The synthesized layers say which layers read what
(`depend_on`): today the pipeline's deploy role reads the OIDC provider. Before that is known every
layer waits for the owner's same layer. Apart from that the environments run at the same time, each
in its own thread, so their waits on the AWS provider overlap."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hipaa_platform import LAYERS
from hipaa_platform.errors import UserError

if TYPE_CHECKING:
    from hipaa_platform.config import Environment


class Turns:
    """What one environment's run waits for and announces; alone in an account it waits for nothing."""

    def before_apply(self, layer: str) -> None:
        """Blocks until the layer may be applied; raises UserError if it must not be."""

    def applied(self, layer: str, ok: bool) -> None:
        """The layer's apply is over (ok: applied and re-planned clean)."""

    def applying_over(self) -> None:
        """No further layer will be applied, whatever was reached."""

    def before_destroy(self, layer: str) -> None:
        """Blocks until the layer may be destroyed."""

    def released(self, layer: str) -> None:
        """This run no longer holds the layer (destroyed, or never applied)."""


@dataclass
class _Signal:
    event: threading.Event = field(default_factory=threading.Event)
    ok: bool = False


class SharedAccount:
    """The turns of environments in one account: one owner (or none) and the rest."""

    def __init__(self, environments: list[Environment]) -> None:
        owners = [e.name for e in environments if e.owns_account_baseline]
        if len(owners) > 1:
            raise UserError(
                f"{' and '.join(owners)} both say account_baseline: owner; environments deployed into one "
                "account need exactly one owner of its baseline (the others say account_baseline: existing)"
            )
        regions = sorted({e.region for e in environments})
        if len(regions) > 1:
            raise UserError(
                f"environments deployed into one account share its region; these are in {', '.join(regions)}"
            )
        self.owner = owners[0] if owners else None
        self._others = [e.name for e in environments if e.name != self.owner]
        self._owner_applied = {layer: _Signal() for layer in LAYERS}
        self._released = {(name, layer): threading.Event() for name in self._others for layer in LAYERS}
        # other -> its layer -> the owner's layers it waits for, with the types it reads from each
        self._reads: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
            name: {layer: {layer: ()} for layer in LAYERS} for name in self._others
        }

    def depend_on(self, stacks: dict[str, Path]) -> list[str]:
        """From each environment's synthesized stacks folder, let each of the others' layers wait only
        for the owner's layers it reads; returns those waits, one line each. Call before the runs start."""
        if self.owner is None or not self._others:
            return []
        made_in: dict[str, list[str]] = {}  # resource type -> the owner's layers that create one
        for layer in LAYERS:
            for resource_type in _stack(stacks[self.owner], layer).get("resource", {}):
                made_in.setdefault(resource_type, []).append(layer)
        waits = []
        for name in self._others:
            for layer in LAYERS:
                reads: dict[str, tuple[str, ...]] = {}
                for data_type in sorted(_stack(stacks[name], layer).get("data", {})):
                    for owner_layer in made_in.get(data_type, ()):  # a data source reads the type of its name
                        reads[owner_layer] = (*reads.get(owner_layer, ()), data_type)
                self._reads[name][layer] = dict(sorted(reads.items(), key=lambda item: LAYERS.index(item[0])))
                waits += [f"{name} {layer} waits for {self.owner} {owner_layer} ({', '.join(types)})"
                          for owner_layer, types in self._reads[name][layer].items()]  # fmt: skip
        return waits

    def turns_of(self, name: str) -> Turns:
        if self.owner is None:
            return Turns()
        return _OwnerTurns(self, name) if name == self.owner else _OtherTurns(self, name)


class _OwnerTurns(Turns):
    def __init__(self, account: SharedAccount, name: str) -> None:
        self.account, self.name = account, name

    def applied(self, layer: str, ok: bool) -> None:
        signal = self.account._owner_applied[layer]
        signal.ok = ok
        signal.event.set()

    def applying_over(self) -> None:
        for signal in self.account._owner_applied.values():
            signal.event.set()  # a layer never reached stays not ok

    def before_destroy(self, layer: str) -> None:
        for other, reads in self.account._reads.items():
            for other_layer, owner_layers in reads.items():
                if layer in owner_layers:
                    self.account._released[(other, other_layer)].wait()


class _OtherTurns(Turns):
    def __init__(self, account: SharedAccount, name: str) -> None:
        self.account, self.name = account, name

    def before_apply(self, layer: str) -> None:
        for owner_layer in self.account._reads[self.name][layer]:
            signal = self.account._owner_applied[owner_layer]
            signal.event.wait()
            if not signal.ok:
                raise UserError(
                    f"{self.name}: {layer} not applied, because {self.account.owner}, which owns the account "
                    f"baseline, did not apply its {owner_layer} layer"
                )

    def released(self, layer: str) -> None:
        self.account._released[(self.name, layer)].set()


def _stack(stacks: Path, layer: str) -> dict:
    return json.loads((stacks / layer / "cdk.tf.json").read_text())

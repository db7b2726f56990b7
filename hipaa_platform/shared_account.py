"""Environments deployed side by side into one account, as MenoTime's stages share theirs.

The account baseline's owner (`account_baseline: owner`) creates what the others read: the GitHub
OIDC provider, the GuardDuty detector, the trail. So the others apply a layer only after the owner
has applied it, and the owner destroys a layer only after the others have destroyed theirs. Apart
from that they run at the same time, each in its own thread, so their waits on the AWS provider
overlap."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
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
        for other in self.account._others:
            self.account._released[(other, layer)].wait()


class _OtherTurns(Turns):
    def __init__(self, account: SharedAccount, name: str) -> None:
        self.account, self.name = account, name

    def before_apply(self, layer: str) -> None:
        signal = self.account._owner_applied[layer]
        signal.event.wait()
        if not signal.ok:
            raise UserError(
                f"{self.name}: {layer} not applied, because {self.account.owner}, which owns the account "
                f"baseline, did not apply its {layer} layer"
            )

    def released(self, layer: str) -> None:
        self.account._released[(self.name, layer)].set()

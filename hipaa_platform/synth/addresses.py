"""Readable resource addresses, and the `moved` blocks that carry deployments across a rename.

cdktf names a nested resource after its construct path plus a hash of that path
(`aws_db_instance.database_this_C19B65FA`). A reviewer reads these names in every plan and types
them into ALLOW_REPLACE, so each layer names its resources from the path alone, joined by `-`,
without the hash and without the `this` a module gives its main resource
(`aws_db_instance.database`), renaming them in the synthesized JSON (`readable_addresses`). Two
resources that would get the same address fail the synthesis.

An address only changes when its construct path changes. When one does, `moved/<environment>.json`
records the old and the new address per layer (`python -m hipaa_platform record-moves`), and each
layer's folder gets them as Terraform `moved` blocks (moved.tf.json), so that a deployed
environment plans the rename instead of a destroy and a create.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hipaa_platform import MOVES_FILE
from hipaa_platform.errors import ConfigError, UserError
from hipaa_platform.targets import PROJECT_ROOT

MOVES_DIR = PROJECT_ROOT / "moved"
# A module's main resource is `this`; its address is the module's own name.
MAIN_RESOURCE = "this"
_NOT_IN_NAME = re.compile(r"[^A-Za-z0-9_-]+")
HASHED = re.compile(r"_[0-9A-F]{8}$")


def readable_name(segments: list[str]) -> str:
    """`["service-api", "logs", "this"]` -> `service-api-logs`."""
    kept = [s for s in segments if s not in (MAIN_RESOURCE, "Default")]
    name = "-".join(_NOT_IN_NAME.sub("-", s) for s in kept)
    return name if name[:1].isalpha() or name[:1] == "_" else f"_{name}"


class DuplicateAddress(RuntimeError):
    """Two constructs whose paths would give one address."""


_ANY_REFERENCE = re.compile(r"(?<![A-Za-z0-9_.-])((?:data\.)?[a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)")


def readable_addresses(stack_json: dict) -> dict:
    """One synthesized layer with each resource and data source renamed from cdktf's logical id to
    its readable name (from the construct path in its metadata), and every reference to it with it.
    Done on the JSON after synthesis: naming each element while cdktf synthesizes is a call into the
    provider bindings and back per element, about a third of the synthesis. Raises
    DuplicateAddress when two paths give one name."""
    renamed: dict[str, str] = {}  # "type.old" or "data.type.old" -> new name
    for block, prefix in (("resource", ""), ("data", "data.")):
        # One name per resource across types too: checkov's resource checks name a resource
        # `resource.<name>`, and the gate matches a finding to its acceptance by that name.
        paths: dict[str, str] = {}
        for kind, elements in stack_json.get(block, {}).items():
            for old, body in elements.items():
                path = body.get("//", {}).get("metadata", {}).get("path")
                if not path:
                    continue
                name = readable_name(path.split("/")[1:])  # the first segment is the stack
                other = paths.setdefault(name, path)
                if other != path:
                    raise DuplicateAddress(f"{path} and {other} would share the address {name}; give one another id")
                if name != old:
                    renamed[f"{prefix}{kind}.{old}"] = name
    if not renamed:
        return stack_json

    def reference(match: re.Match) -> str:
        name = renamed.get(f"{match[1]}.{match[2]}")
        return f"{match[1]}.{name}" if name else match[0]

    def rewrite(value: object) -> object:
        if isinstance(value, str):
            return _ANY_REFERENCE.sub(reference, value) if "." in value else value
        if isinstance(value, list):
            return [rewrite(v) for v in value]
        if isinstance(value, dict):
            return {k: rewrite(v) for k, v in value.items()}
        return value

    document = rewrite(stack_json)
    for block, prefix in (("resource", ""), ("data", "data.")):
        for kind, elements in document.get(block, {}).items():
            renamed_elements = {}
            for old, body in elements.items():
                name = renamed.get(f"{prefix}{kind}.{old}", old)
                if name != old:
                    body["//"]["metadata"]["uniqueId"] = name
                renamed_elements[name] = body
            document[block][kind] = renamed_elements
    return document


def addresses_of(stack_json: dict) -> set[str]:
    """Every resource and data source address of one synthesized layer (read from its JSON, which
    costs no call into the provider bindings)."""
    return {
        f"{prefix}{kind}.{name}"
        for prefix, block in (("", "resource"), ("data.", "data"))
        for kind, elements in stack_json.get(block, {}).items()
        for name in elements
    }


@dataclass(frozen=True)
class Move:
    source: str
    target: str


def recorded_moves(environment: str, layer: str, directory: Path | None = None) -> list[Move]:
    """The renames recorded for one layer of one environment, oldest first."""
    path = (directory or MOVES_DIR) / f"{environment}.json"
    if not path.is_file():
        return []
    try:
        records = json.loads(path.read_text())
        return [
            Move(source, target)
            for record in records
            for source, target in record.get("layers", {}).get(layer, {}).items()
        ]
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ConfigError(
            f'{path}: expected a list of {{"change": ..., "layers": {{<layer>: {{<old address>: '
            f"<new address>}}}}}} records ({error!r})"
        ) from None


def handed_over(environment: str, layer: str, directory: Path | None = None) -> dict[str, str]:
    """What a layer of an environment once held and its account's baseline now holds: the layer's
    address -> the baseline's (moved/<environment>.json, records with "handed_over")."""
    path = (directory or MOVES_DIR) / f"{environment}.json"
    if not path.is_file():
        return {}
    try:
        return {
            a: b
            for record in json.loads(path.read_text())
            for a, b in record.get("handed_over", {}).get(layer, {}).items()
        }
    except (ValueError, TypeError, AttributeError) as error:
        raise ConfigError(
            f'{path}: expected "handed_over": {{<layer>: {{<address>: <baseline address>}}}} ({error!r})'
        ) from None


@dataclass(frozen=True)
class Moves:
    """What a layer's moves file says: renames, and addresses Terraform forgets without destroying."""

    moved: list[Move]
    removed: list[str]


def check_moves(
    layer: str, stack_json: dict, moves: list[Move], partial_target: bool = False, handed: Iterable[str] = ()
) -> Moves:
    """The moves to render. Each recorded move must end at an address the stack still has (directly
    or through a later move), or the record is stale; on a target that leaves resources out (the
    emulator), moves to what it left out are dropped instead. A move that ends at a `handed` address
    (the account baseline holds it now) becomes a removal of its source, beside the address's own."""
    forgotten = set(handed)
    still_held = sorted(forgotten & addresses_of(stack_json))
    if still_held:
        raise RuntimeError(
            f"{layer}: handed over to the account's baseline, yet still built here: {', '.join(still_held)}"
        )
    while True:  # through chains of moves: each older address of a handed-over one is forgotten too
        older = {m.source for m in moves if m.target in forgotten} - forgotten
        if not older:
            break
        forgotten |= older
    moves = [m for m in moves if m.target not in forgotten]
    removed = sorted(forgotten)
    if not moves:
        return Moves([], removed)
    addresses = addresses_of(stack_json)
    sources = {move.source for move in moves}
    stale = [m for m in moves if m.target not in addresses and m.target not in sources]
    if partial_target:
        return Moves([m for m in moves if m not in stale], removed)
    if stale:
        listed = ", ".join(f"{m.source} -> {m.target}" for m in stale)
        raise RuntimeError(f"{layer}: recorded moves end at addresses this layer no longer has: {listed}")
    return Moves(moves, removed)


def write_moves(stack_dir: Path, moves: Moves) -> None:
    """Terraform `moved` and `removed` blocks in their own file beside cdk.tf.json: Terraform reads
    every *.tf.json of the folder, and checkov's JSON parser, which rejects `moved`, scans the rest.
    A removed address leaves the state with its object kept (destroy = false): a handover, never a
    destroy; for an address the state does not hold, Terraform does nothing."""
    path = stack_dir / MOVES_FILE
    if not moves.moved and not moves.removed:
        path.unlink(missing_ok=True)
        return
    document: dict[str, list] = {}
    if moves.moved:
        document["moved"] = [{"from": m.source, "to": m.target} for m in moves.moved]
    if moves.removed:
        document["removed"] = [{"from": a, "lifecycle": {"destroy": False}} for a in moves.removed]
    path.write_text(json.dumps(document, indent=2) + "\n")


# -- recording moves ---------------------------------------------------------------------------
_REFERENCE = re.compile(r"\b((?:data\.)?aws_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)")


def managed_resources(stack_json: dict) -> dict[str, dict]:
    """`type.name` -> body (without cdktf's metadata) of one synthesized layer's resources."""
    return {
        f"{kind}.{name}": {k: v for k, v in body.items() if k != "//"}
        for kind, resources in stack_json.get("resource", {}).items()
        for name, body in resources.items()
    }


def _path(stack_json: dict, address: str) -> str | None:
    kind, name = address.split(".", 1)
    return stack_json["resource"][kind][name].get("//", {}).get("metadata", {}).get("path")


def match_moves(old_json: dict, new_json: dict) -> dict[str, str]:
    """Old address -> new address for every resource of `old_json` that `new_json` holds under
    another address. Matched by construct path, then by type and configuration with references
    read through the matches so far; raises when a resource is left without a match."""
    old, new = managed_resources(old_json), managed_resources(new_json)
    matched = {a: a for a in old if a in new}
    new_by_path = {_path(new_json, a): a for a in new} if all(_path(new_json, a) for a in new) else {}
    for address in old:
        target = new_by_path.get(_path(old_json, address) or "")
        if address not in matched and target and target not in matched.values():
            matched[address] = target

    def shape(body: dict, rename: dict[str, str]) -> str:
        text = json.dumps(body, sort_keys=True)
        return _REFERENCE.sub(lambda m: rename.get(f"{m[1]}.{m[2]}", "?"), text)

    while True:
        to_new = {a: b for a, b in matched.items()}
        same_new = {b: b for b in matched.values()}
        left_old = {a: shape(old[a], to_new) for a in old if a not in matched}
        left_new = {b: shape(new[b], same_new) for b in new if b not in same_new}
        progress = False
        for address, body in left_old.items():
            kind = address.split(".")[0]
            olds = [a for a, s in left_old.items() if s == body and a.split(".")[0] == kind]
            news = [b for b, s in left_new.items() if s == body and b.split(".")[0] == kind]
            if len(olds) == 1 and len(news) == 1:
                matched[address] = news[0]
                progress = True
        if not progress:
            break
    unmatched = sorted(set(old) - set(matched))
    if unmatched:
        raise RuntimeError(f"no new address found for {', '.join(unmatched)}; the change is more than a move")
    return {a: b for a, b in matched.items() if a != b}


def record_moves(environment: str, change: str, old_root: Path, new_root: Path, directory: Path | None = None) -> Path:
    """Append one change's moves (old synthesis -> new synthesis, per layer) to moved/<environment>.json."""
    for root in (old_root, new_root):
        if not list(root.glob("stacks/*/cdk.tf.json")):
            raise UserError(f"{root}: no synthesized layers (stacks/<layer>/cdk.tf.json)")
    layers: dict[str, dict[str, str]] = {}
    for old_file in sorted(old_root.glob("stacks/*/cdk.tf.json")):
        layer = old_file.parent.name
        new_file = new_root / "stacks" / layer / "cdk.tf.json"
        try:
            moves = match_moves(json.loads(old_file.read_text()), json.loads(new_file.read_text()))
        except RuntimeError as error:  # more than a move: the user records less, or nothing
            raise UserError(f"{layer}: {error}") from None
        if moves:
            layers[layer] = dict(sorted(moves.items()))
    path = (directory or MOVES_DIR) / f"{environment}.json"
    records = json.loads(path.read_text()) if path.is_file() else []
    records.append({"change": change, "layers": layers})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(records, indent=2) + "\n")
    return path

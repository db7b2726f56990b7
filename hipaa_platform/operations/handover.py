"""Import blocks for an account's baseline from what one of its environments held before the
baseline existed (docs/operations.md, "Handing the account's resources to its baseline"): each
handed-over address of moved/<environment>.json, found in the layer's kept state
(`terraform show -json`), becomes `{"to": <baseline address>, "id": <import id>}`."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hipaa_platform import LAYERS
from hipaa_platform.errors import UserError
from hipaa_platform.synth.addresses import handed_over
from hipaa_platform.targets.emulator_unsupported import UNSUPPORTED_ON_EMULATOR

IMPORTS_FILE = "import.tf.json"

# Types the AWS provider (5.100.0) cannot import, and why the baseline may create them instead.
CREATED_NOT_IMPORTED = {
    "aws_guardduty_detector_feature": (
        'the provider cannot import it ("doesn\'t support import"); creating it sets the feature on the '
        "detector the baseline imports, and the layer forgets it without turning it off"
    ),
}


@dataclass
class Handover:
    environment: str
    imports: list[dict[str, str]] = field(default_factory=list)  # {"to": baseline address, "id": import id}
    created: dict[str, str] = field(default_factory=dict)  # baseline address -> why it is created, not imported
    not_held: list[str] = field(default_factory=list)  # handed-over addresses the kept state does not hold
    not_built: list[str] = field(default_factory=list)  # baseline addresses the baseline does not build
    left_out: dict[str, str] = field(default_factory=dict)  # address -> why the emulator's baseline lacks it

    def document(self) -> dict:
        return {"import": self.imports}


def import_id(resource_type: str, values: Mapping) -> str:
    """The id `terraform import` takes for a resource the state holds: its `id`, except where the
    provider reads another form (a role policy attachment: `<role>/<policy ARN>`)."""
    if resource_type == "aws_iam_role_policy_attachment":
        return f"{values['role']}/{values['policy_arn']}"
    return str(values["id"])


def held_resources(shown: Mapping) -> dict[str, dict]:
    """address -> values of the managed resources in a `terraform show -json` document."""

    def walk(module: Mapping) -> Iterator[dict]:
        yield from module.get("resources", [])
        for child in module.get("child_modules", []):
            yield from walk(child)

    root = shown.get("values", {}).get("root_module", {})
    return {r["address"]: r.get("values", {}) for r in walk(root) if r.get("mode") == "managed"}


def handover_imports(
    environment: str, held: Mapping[str, Mapping], baseline_stack: Mapping, on_emulator: bool = False
) -> Handover:
    """`held`: layer -> that layer's kept state (`terraform show -json`); `baseline_stack`: the
    synthesized baseline (cdk.tf.json) of the environment's account; `on_emulator`: synthesized for
    the emulator, which leaves out the types it cannot create."""
    built = baseline_stack.get("resource", {})
    result = Handover(environment)
    for layer, shown in held.items():
        handed = handed_over(environment, layer)
        if not handed:
            handing = [name for name in LAYERS if handed_over(environment, name)]
            raise UserError(
                f"--held {layer}: moved/{environment}.json records nothing the {layer} layer handed to the "
                f"baseline; layers that did: {', '.join(handing) or 'none'}"
            )
        resources = held_resources(shown)
        for old_address, new_address in sorted(handed.items()):
            resource_type, name = new_address.split(".", 1)
            if name not in built.get(resource_type, {}):
                if on_emulator and resource_type in UNSUPPORTED_ON_EMULATOR:
                    result.left_out[new_address] = UNSUPPORTED_ON_EMULATOR[resource_type]
                else:
                    result.not_built.append(new_address)
            elif resource_type in CREATED_NOT_IMPORTED:
                result.created[new_address] = CREATED_NOT_IMPORTED[resource_type]
            elif old_address not in resources:
                result.not_held.append(f"{layer}: {old_address}")
            else:
                result.imports.append({"to": new_address, "id": import_id(resource_type, resources[old_address])})
    return result


def read_held(argument: str) -> tuple[str, dict]:
    """`<layer>=<path>` of a kept state, as the command line gives it."""
    layer, separator, path = argument.partition("=")
    if not separator or not layer or not path:
        raise UserError(f"--held {argument!r}: expected <layer>=<path of `terraform show -json` output>")
    try:
        shown = json.loads(Path(path).read_text())
    except OSError as error:
        raise UserError(f"--held {layer}: cannot read {path} ({error.strerror})") from None
    except ValueError:
        shown = None
    if not isinstance(shown, dict) or "format_version" not in shown:
        raise UserError(f"--held {layer}: {path} is not the JSON `terraform show -json` writes")
    return layer, shown


def write_imports(result: Handover, baseline_dir: Path) -> Path:
    written = baseline_dir / IMPORTS_FILE
    written.write_text(json.dumps(result.document(), indent=2) + "\n")
    return written

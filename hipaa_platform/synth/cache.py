"""Skip a synthesis whose inputs have not changed since the last one into the same folder.

The inputs are everything a synthesis reads: the environment file (and its base) and its recorded moves, the
project's Python sources, the lock files, and the target (state backend, emulator endpoint, local state folder). Their
content hash is written next to the output after a successful synthesis; a synthesis into that
folder with the same hash is skipped. Anything else (another environment, an edited module, a new
lock file, another backend) synthesizes again. The check imports nothing from cdktf, so a skipped
synthesis costs only the hashing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from hipaa_platform import LAYERS
from hipaa_platform.config.loader import environment_files, load_environment
from hipaa_platform.errors import UserError
from hipaa_platform.targets import PROJECT_ROOT, Target

STAMP = ".synth-inputs.json"
SOURCE_DIRS = ("hipaa_platform", "layers", "modules")
SOURCE_FILES = ("main.py", "cdktf.json", "Pipfile.lock", "package-lock.json")


def input_files(environment: str, root: Path = PROJECT_ROOT) -> list[Path]:
    """Every file whose content a synthesis of `environment` depends on, in a stable order."""
    sources = sorted(path for folder in SOURCE_DIRS for path in (root / folder).rglob("*.py"))
    moves = root / "moved" / f"{environment}.json"  # hipaa_platform.synth.addresses; "(missing)" when absent
    return [
        *environment_files(environment, root / "environments"),  # a stage file and its base
        *sorted((root / "accounts").glob("*.yaml")),  # the account file it names
        moves,
        *sources,
        *(root / name for name in SOURCE_FILES),
    ]


def _digest(environment: str, target: Target, files: Iterable[Path], root: Path) -> str:
    digest = hashlib.sha256()
    target_fields = (target.backend.value, target.emulator_endpoint or "", str(target.local_state_root))
    digest.update(json.dumps([environment, *target_fields]).encode())
    for path in files:
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path).encode())
        digest.update(path.read_bytes() if path.is_file() else b"(missing)")
    return digest.hexdigest()


@dataclass(frozen=True)
class SynthInputs:
    environment: str
    digest: str

    @classmethod
    def of(cls, environment: str, target: Target, root: Path = PROJECT_ROOT) -> SynthInputs:
        return cls(environment, _digest(environment, target, input_files(environment, root), root))

    def is_current(self, outdir: Path) -> bool:
        """True when `outdir` holds a complete synthesis of exactly these inputs."""
        try:
            recorded = json.loads((outdir / STAMP).read_text())
        except (OSError, ValueError):
            return False
        complete = all((outdir / "stacks" / layer / "cdk.tf.json").is_file() for layer in LAYERS)
        return complete and recorded == {"environment": self.environment, "digest": self.digest}

    def forget(self, outdir: Path) -> None:
        (outdir / STAMP).unlink(missing_ok=True)

    def record(self, outdir: Path) -> None:
        (outdir / STAMP).write_text(json.dumps({"environment": self.environment, "digest": self.digest}) + "\n")

    @contextmanager
    def recorded(self, outdir: Path) -> Iterator[None]:
        """Around a synthesis into `outdir`: one that fails half-way must not look current."""
        self.forget(outdir)
        yield
        self.record(outdir)


def require_current(environment: str, target: Target, outdir: Path) -> None:
    """For the commands that read a synthesis rather than make one."""
    if not SynthInputs.of(environment, target).is_current(outdir):
        raise UserError(
            f"{outdir} does not hold the current synthesis of {environment}; run `make synth ENV={environment}` first"
        )


def synthesize_if_changed(name: str, target: Target, outdir: Path, *, force: bool = False) -> bool:
    """Synthesize `name` into `outdir` unless it holds a synthesis of the same inputs; returns whether
    it synthesized. A skipped synthesis, or an environment file that does not load, costs no import of
    the provider bindings (about 1 GB and 15 s)."""
    inputs = SynthInputs.of(name, target)
    if not force and inputs.is_current(outdir):
        return False
    environment = load_environment(name)
    from hipaa_platform.synth.app import synthesize  # here: it loads the bindings

    with inputs.recorded(outdir):
        synthesize(environment, target, outdir)
    return True

"""Where a synthesized environment deploys, and where its state lives.

One switch, three backends: local files (the default), S3 with native locking and KMS for real
accounts, and the same S3 backend pointed at the local emulator.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from hipaa_platform.errors import UserError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LOOPBACK_URLS = ("https://127.", "http://127.", "https://localhost", "http://localhost")

# On the emulator target the AWS provider reaches the emulator through AWS_ENDPOINT_URL, which every
# emulator run sets for Terraform (emulator.Emulator.terraform_variables), and the synthesized
# provider sends a request for any other host to this address on loopback, where nothing serves:
# without that variable a request fails rather than reach AWS. (An `endpoints` block per service
# would say the same in the JSON, but the provider spends about 3 s of CPU validating that block on
# every walk of every command: 40% of an emulator deployment's CPU, measured on IntakeIQ.)
UNREACHABLE_PROXY = "http://127.0.0.1:1"


class StateBackend(StrEnum):
    LOCAL = "local"
    S3 = "s3"
    EMULATOR = "emulator"


@dataclass(frozen=True)
class Target:
    backend: StateBackend = StateBackend.LOCAL
    emulator_endpoint: str | None = None
    local_state_root: Path = PROJECT_ROOT / "state"

    @property
    def disposable(self) -> bool:
        """Only emulator runs are torn down at the end, so only they lift deletion protection."""
        return self.backend is StateBackend.EMULATOR

    def __post_init__(self) -> None:
        if self.backend is StateBackend.EMULATOR and not self.emulator_endpoint:
            raise UserError("the emulator backend needs PLATFORM_EMULATOR_ENDPOINT, e.g. https://127.0.0.1:4566")
        if self.emulator_endpoint and not self.emulator_endpoint.startswith(LOOPBACK_URLS):
            raise UserError(
                f"emulator endpoint {self.emulator_endpoint!r} must be on loopback (https://127.0.0.1:PORT)"
            )

    @property
    def is_emulator(self) -> bool:
        return self.backend is StateBackend.EMULATOR

    @classmethod
    def from_environment_variables(cls) -> Target:
        raw = os.environ.get("PLATFORM_STATE", StateBackend.LOCAL.value)
        try:
            backend = StateBackend(raw)
        except ValueError:
            allowed = ", ".join(b.value for b in StateBackend)
            raise UserError(f"PLATFORM_STATE={raw!r} is not a state backend; allowed: {allowed}") from None
        return cls(backend=backend, emulator_endpoint=os.environ.get("PLATFORM_EMULATOR_ENDPOINT") or None)


def state_key(environment: str, layer: str) -> str:
    return f"{environment}/{layer}/terraform.tfstate"

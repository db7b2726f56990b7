"""One AWS provider process for every Terraform command of an emulator run.

Terraform starts the AWS provider afresh for each walk of each command (schema, validate, plan,
apply), and an emulator run issues dozens of commands. Terraform's documented debugging hook,
TF_REATTACH_PROVIDERS, points every command at one provider process started once with `-debug`;
what Terraform asks of it, and what it sends to AWS, is unchanged. That process is told to log
warnings only (in debug mode it would log every request) and to collect garbage less often (its
schemas keep a few hundred MB live). Measured on one IntakeIQ run: 6m05s of CPU with a provider
per walk, 5m23s attached to one provider, 3m44s with its logging and collection tuned.

Used on the emulator only. A reattached provider serves one configuration at a time, so a stack
with more than one `aws` provider block (an alias) runs with a provider of its own
(`shareable`), and each emulator run has its own provider process.
"""

from __future__ import annotations

import json
import platform
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hipaa_platform.errors import UserError

REATTACH = "TF_REATTACH_PROVIDERS"
AWS_PROVIDER_VERSION = "5.100.0"  # the version the bindings (cdktf-cdktf-provider-aws 20.1.0) are for
QUIET_LOGS = ("TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_AWS", "TF_LOG_SDK", "TF_LOG_SDK_PROTO",
              "TF_LOG_SDK_MUX", "TF_LOG_SDK_HELPER_SCHEMA", "TF_LOG_SDK_FRAMEWORK")  # fmt: skip
_REATTACH_LINE = re.compile(r"TF_REATTACH_PROVIDERS='(\{.*\})'")


def provider_binary(search_roots: list[Path]) -> Path | None:
    """The AWS provider binary of the pinned version in a mirror or plugin cache, if one holds it."""
    machine = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(platform.machine(), platform.machine())
    for root in search_roots:
        folder = root / "registry.terraform.io" / "hashicorp" / "aws" / AWS_PROVIDER_VERSION / f"linux_{machine}"
        found = sorted(folder.glob("terraform-provider-aws*")) if folder.is_dir() else []
        if found:
            return found[0]
    return None


def shareable(stack_dir: Path) -> bool:
    """True when the stack configures the AWS provider once (no alias)."""
    try:
        document = json.loads((stack_dir / "cdk.tf.json").read_text())
    except (OSError, ValueError):
        return False
    return len(document.get("provider", {}).get("aws", [])) == 1


@contextmanager
def shared_aws_provider(binary: Path | None, env: dict[str, str], log: Path) -> Iterator[dict[str, str]]:
    """Start the provider with `env` (its credentials and CA bundle come from there, not from
    Terraform) and yield the variables that attach Terraform to it; stop it afterwards. Without a
    binary, yield nothing: every command starts its own provider, as it would anyway."""
    if binary is None:
        yield {}
        return
    log.parent.mkdir(parents=True, exist_ok=True)
    # -debug logs every request at trace level unless each subsystem is told otherwise.
    provider_env = {**env, **dict.fromkeys(QUIET_LOGS, "WARN")}
    provider_env.setdefault("GOGC", "400")  # less collection of a large live heap: memory for CPU
    if "AWS_CA_BUNDLE" in provider_env:
        # The provider wraps its HTTP client for AWS_CA_BUNDLE at every configure, and refuses to wrap
        # it twice in one process; Go's own SSL_CERT_FILE trusts the same certificate once.
        provider_env["SSL_CERT_FILE"] = provider_env.pop("AWS_CA_BUNDLE")
    with log.open("w") as sink:
        process = subprocess.Popen(
            [str(binary), "-debug"], env=provider_env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )  # its own process group: a Ctrl-C meant for Terraform must not stop the provider under it
        try:
            yield {REATTACH: _reattach_settings(process, log)}
        finally:
            process.send_signal(signal.SIGINT)  # -debug serves until interrupted
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _reattach_settings(process: subprocess.Popen, log: Path, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = _REATTACH_LINE.search(log.read_text())
        if match:
            return match.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise UserError(f"the AWS provider did not start in debug mode within {timeout:.0f} s; its output: {log}")

"""Run Terraform with the project's own CLI configuration.

The configuration uses a local provider mirror when the machine has one (offline machines) and
the public registry otherwise, and shares one plugin cache between the six layers.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from hipaa_platform.errors import UserError
from hipaa_platform.gate.scan import require_stacks
from hipaa_platform.operations.interrupts import OneInterrupt
from hipaa_platform.operations.shared_provider import REATTACH, provider_binary, shareable, shared_aws_provider
from hipaa_platform.targets import PROJECT_ROOT

BUILD_DIR = PROJECT_ROOT / "build"
PLUGIN_CACHE = BUILD_DIR / "plugin-cache"
MIRROR_CANDIDATES = (
    Path("/opt/tf-plugins"),
    Path.home() / ".terraform.d" / "plugins",
    Path("/usr/local/share/terraform/plugins"),
    Path("/usr/share/terraform/plugins"),
)
AWS_PROVIDER = Path("registry.terraform.io") / "hashicorp" / "aws"


def find_mirror() -> Path | None:
    configured = os.environ.get("PLATFORM_TF_MIRROR")
    candidates = (Path(configured),) if configured else MIRROR_CANDIDATES
    for candidate in candidates:
        if (candidate / AWS_PROVIDER).is_dir():
            return candidate
    if configured:
        raise UserError(f"PLATFORM_TF_MIRROR={configured} holds no {AWS_PROVIDER}; unset it to use the registry")
    return None


def write_cli_config(build_dir: Path = BUILD_DIR) -> Path:
    build_dir.mkdir(parents=True, exist_ok=True)
    cache = build_dir / PLUGIN_CACHE.name
    cache.mkdir(exist_ok=True)
    mirror = find_mirror()
    if mirror:
        installation = (
            "provider_installation {\n"
            f'  filesystem_mirror {{\n    path    = "{mirror}"\n    include = ["registry.terraform.io/*/*"]\n  }}\n'
            '  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n'
            "}\n"
        )
    else:
        installation = "provider_installation {\n  direct {}\n}\n"
    path = build_dir / "terraform.rc"
    # From an unpacked mirror, init links each stack's provider to the mirror itself, which nothing
    # rewrites. Through the plugin cache, a command once found the cached provider gone ("fork/exec
    # ...: no such file or directory"), most likely while another run's init re-installed it.
    cache_setting = "" if mirror else f'plugin_cache_dir = "{cache}"\n'
    content = f"{cache_setting}disable_checkpoint = true\n{installation}"
    if not path.is_file() or path.read_text() != content:
        # Concurrent runs read this file; a rename never shows them a half-written one.
        staged = path.with_name(f".{path.name}.{os.getpid()}")
        staged.write_text(content)
        staged.replace(path)
    return path


def terraform_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        TF_CLI_CONFIG_FILE=str(write_cli_config()),
        TF_IN_AUTOMATION="1",
        TF_INPUT="0",
        CHECKPOINT_DISABLE="1",
    )
    # Terraform decodes the AWS provider's large schema in every command; collecting garbage less
    # often saves a quarter of its CPU for about 170 MB more memory (47 s to 37 s in an IntakeIQ
    # emulator deployment). A GOGC of the caller's own wins.
    env.setdefault("GOGC", "400")
    env.update(extra or {})
    if env.get("PLATFORM_STATE") == "emulator" and env.get("PLATFORM_EMULATOR_ENDPOINT"):
        env["AWS_ENDPOINT_URL"] = env["PLATFORM_EMULATOR_ENDPOINT"]  # see targets.UNREACHABLE_PROXY
    return env


def command_environment(stack_dir: Path, env: dict[str, str]) -> dict[str, str]:
    """A stack that configures the AWS provider more than once starts providers of its own."""
    if REATTACH in env and not shareable(stack_dir):
        return {key: value for key, value in env.items() if key != REATTACH}
    return env


def run(
    args: list[str], cwd: Path, env: dict[str, str], check: bool = True, log: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run terraform; with `log`, its output is also appended to that file as it comes (tail -f it)."""
    env = command_environment(cwd, env)
    with OneInterrupt() as guard:
        result = _run_captured(args, cwd, env, guard) if log is None else _run_logged(args, cwd, env, log, guard)
    if check and guard.interrupted and result.returncode != 0:
        raise Interrupted(f"terraform {' '.join(args)} in {cwd} was interrupted and stopped", result)
    if check and result.returncode != 0:
        where = f" (full output: {log})" if log else ""
        output = result.stderr or result.stdout
        raise UserError(f"terraform {' '.join(args)} failed in {cwd}{where}:\n{output}{stale_lock_hint(cwd, output)}")
    return result


def stale_lock_hint(stack_dir: Path, output: str) -> str:
    """The way out of a lock error, with the lock id Terraform printed."""
    if "Error acquiring the state lock" not in output:
        return ""
    match = re.search(r"^\s*ID:\s*(\S+)", output, re.MULTILINE)
    lock_id = match[1] if match else "<ID above>"
    return (
        f"\nThe {stack_dir.name} layer is locked by the run named above. If that run is still going, wait for it. "
        f"If it was killed (a cancelled or lost CI job), release the lock: make unlock ENV=<env> "
        f"LAYER={stack_dir.name} LOCK_ID={lock_id} (docs/operations.md, 'A stale lock')."
    )


class Interrupted(UserError):
    """Terraform stopped on an interrupt (a cancelled job, Ctrl-C), after saving what it had done."""

    def __init__(self, message: str, result: subprocess.CompletedProcess[str]) -> None:
        super().__init__(message)
        self.result = result


def _run_captured(
    args: list[str], cwd: Path, env: dict[str, str], guard: OneInterrupt
) -> subprocess.CompletedProcess[str]:
    process = subprocess.Popen(
        ["terraform", *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    guard.attach(process)
    stdout, stderr = process.communicate()
    return subprocess.CompletedProcess(["terraform", *args], process.returncode, stdout, stderr)


def _run_logged(
    args: list[str], cwd: Path, env: dict[str, str], log: Path, guard: OneInterrupt
) -> subprocess.CompletedProcess[str]:
    log.parent.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    # stderr goes to a file, not a pipe, so a chatty stderr cannot block the stdout loop.
    with log.open("a") as sink, tempfile.TemporaryFile("w+") as errors:
        sink.write(f"$ terraform {' '.join(args)}\n")
        sink.flush()
        process = subprocess.Popen(
            ["terraform", *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=errors, text=True,
            start_new_session=True,
        )  # fmt: skip
        guard.attach(process)
        assert process.stdout is not None
        for line in process.stdout:
            sink.write(line)
            sink.flush()
            lines.append(line)
        returncode = process.wait()
        errors.seek(0)
        stderr = errors.read()
        sink.write(stderr)
    return subprocess.CompletedProcess(["terraform", *args], returncode, "".join(lines), stderr)


def init(stack_dir: Path, env: dict[str, str], backend: bool = True) -> None:
    args = ["init", "-input=false", "-no-color"]
    # -reconfigure: each emulator run has a new endpoint; real backends are re-read as they are.
    args.append("-reconfigure" if backend else "-backend=false")
    # Terraform does not promise that concurrent inits can share a plugin cache; runs of several
    # environments at once take turns here (an init from a warm cache takes about a second).
    with _plugin_cache_lock(env):
        run(args, stack_dir, env)


@contextmanager
def _plugin_cache_lock(env: dict[str, str]) -> Iterator[None]:
    config = Path(env.get("TF_CLI_CONFIG_FILE") or write_cli_config())
    with (config.parent / "plugin-cache.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def attached_provider(env: dict[str, str], log: Path) -> Iterator[dict[str, str]]:
    """`env` plus what attaches every Terraform command run with it to one AWS provider process
    (shared_provider.py), started from the mirror or the plugin cache; `env` alone when neither
    holds the provider yet. Each command then skips starting a provider of its own."""
    binary = provider_binary([root for root in (find_mirror(), PLUGIN_CACHE) if root])
    with shared_aws_provider(binary, env, log) as attach:
        yield {**env, **attach}


def validate(stack_dir: Path, env: dict[str, str]) -> dict:
    init(stack_dir, env, backend=False)
    # validate loads the provider from the shared cache too; taking turns with the inits keeps an
    # init elsewhere from changing the cache under it ("no package ... cached in .terraform/providers").
    with _plugin_cache_lock(env):
        result = run(["validate", "-json", "-no-color"], stack_dir, env, check=False)
    return json.loads(result.stdout)


def validate_layers(outdir: Path, layers: Iterable[str]) -> Iterator[tuple[str, dict]]:
    """`terraform validate` of each synthesized layer in turn, all attached to one provider process."""
    layers = tuple(layers)
    require_stacks(outdir, layers)
    with attached_provider(terraform_environment(), BUILD_DIR / "validate.log") as env:
        for layer in layers:
            yield layer, validate(outdir / "stacks" / layer, env)

"""jsii's kernel on the direct runtime: one Node.js process, the API channel on jsii's own pipes,
and what the kernel prints kept out of that channel; jsii's own runtime wherever that cannot hold."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hipaa_platform.synth import jsii_runtime
from hipaa_platform.targets import PROJECT_ROOT

FAKE_KERNEL = r"""
const fs = require("fs");
const request = Buffer.alloc(64);
const read = fs.readSync(3, request, 0, request.length, null);
console.log("printed by the kernel's code");
process.stderr.write("warned by the kernel's code\n");
fs.writeSync(2, "written to fd 2\n");
fs.writeSync(3, Buffer.from(`answer to ${request.subarray(0, read).toString().trim()}\n`), 0);
"""

KERNEL_PROCESSES = """
import os
import hipaa_platform, cdktf
from bench.bench import process_tree
cdktf.App()
for pid in process_tree(os.getpid()).keys() - {os.getpid()}:
    print(open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\\0", b" ").decode())
"""


def test_a_synthesis_runs_one_kernel_process_on_the_direct_runtime() -> None:
    environment = {k: v for k, v in os.environ.items() if k not in ("JSII_RUNTIME", jsii_runtime.KERNEL_VARIABLE)}
    result = subprocess.run([sys.executable, "-c", KERNEL_PROCESSES], cwd=PROJECT_ROOT, env=environment,
                            capture_output=True, text=True, timeout=300, check=True)  # fmt: skip
    processes = result.stdout.splitlines()
    assert len(processes) == 1, processes
    assert str(jsii_runtime.LAUNCHER) in processes[0]


def test_the_kernel_answers_on_stdout_and_its_prints_reach_stderr_as_jsii_reads_them(tmp_path) -> None:
    kernel = tmp_path / "program.js"
    kernel.write_text(FAKE_KERNEL)
    result = subprocess.run(["node", str(jsii_runtime.LAUNCHER)], input=b"hello\n", capture_output=True, timeout=60,
                            env={**os.environ, jsii_runtime.KERNEL_VARIABLE: str(kernel)}, check=True)  # fmt: skip
    assert result.stdout == b"answer to hello\n"
    printed = [json.loads(line) for line in result.stderr.decode().splitlines()]
    decoded = [(stream, base64.b64decode(data).decode()) for line in printed for stream, data in line.items()]
    assert decoded == [
        ("stdout", "printed by the kernel's code\n"),
        ("stderr", "warned by the kernel's code\n"),
        ("stderr", "written to fd 2\n"),
    ]


def packaged_kernel_copy(tmp_path: Path, program: bytes) -> Path:
    embedded = tmp_path / "embedded"
    embedded.mkdir()
    (embedded / "lib__program.js").write_bytes(program)
    (embedded / "lib__runtime-index-worker.js").write_text("// index worker")
    return embedded


@pytest.fixture
def unset_runtime(monkeypatch):
    monkeypatch.delenv("JSII_RUNTIME", raising=False)
    monkeypatch.delenv(jsii_runtime.KERNEL_VARIABLE, raising=False)


def test_the_kernel_is_copied_once_and_jsii_pointed_at_the_launcher(tmp_path, monkeypatch, unset_runtime) -> None:
    embedded = packaged_kernel_copy(tmp_path, b"...{readFD:3,writeFD:3}...")
    monkeypatch.setattr(jsii_runtime, "_packaged_kernel", lambda: embedded)
    assert jsii_runtime.use_direct_runtime(tmp_path / "cache")
    kernel = Path(os.environ[jsii_runtime.KERNEL_VARIABLE])
    assert os.environ["JSII_RUNTIME"] == str(jsii_runtime.LAUNCHER)
    assert kernel.read_bytes() == b"...{readFD:3,writeFD:3}..."
    assert (kernel.parent / "runtime-index-worker.js").read_text() == "// index worker"
    assert sorted(p.name for p in kernel.parent.iterdir()) == ["program.js", "runtime-index-worker.js"]

    copied_at = kernel.stat().st_mtime_ns
    monkeypatch.delenv("JSII_RUNTIME")
    assert jsii_runtime.use_direct_runtime(tmp_path / "cache")
    assert kernel.stat().st_mtime_ns == copied_at


def test_a_kernel_with_another_api_channel_keeps_jsiis_own_runtime(tmp_path, monkeypatch, unset_runtime) -> None:
    embedded = packaged_kernel_copy(tmp_path, b"...{readFD:4,writeFD:5}...")
    monkeypatch.setattr(jsii_runtime, "_packaged_kernel", lambda: embedded)
    assert not jsii_runtime.use_direct_runtime(tmp_path / "cache")
    assert "JSII_RUNTIME" not in os.environ
    assert not (tmp_path / "cache").exists()


def test_a_runtime_the_user_chose_is_kept(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("JSII_RUNTIME", "/opt/jsii/bin/jsii-runtime.js")
    assert not jsii_runtime.use_direct_runtime(tmp_path / "cache")
    assert os.environ["JSII_RUNTIME"] == "/opt/jsii/bin/jsii-runtime.js"


def test_an_unwritable_cache_keeps_jsiis_own_runtime(tmp_path, monkeypatch, unset_runtime) -> None:
    embedded = packaged_kernel_copy(tmp_path, b"...{readFD:3,writeFD:3}...")
    monkeypatch.setattr(jsii_runtime, "_packaged_kernel", lambda: embedded)
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache directory would be")
    assert not jsii_runtime.use_direct_runtime(blocked / "cache")
    assert "JSII_RUNTIME" not in os.environ

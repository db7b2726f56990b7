"""Where a command's CPU goes, by pytest-xdist worker and process kind: `python bench/cpu_by_process.py
make test`. Every 0.5 s it reads the CPU seconds of each process the command started (/proc), and
prints, at the end, the CPU seconds per worker (PYTEST_XDIST_WORKER, inherited by every process a
worker starts) and kind: the pytest worker's own Python (synthesis and checks in-process), a
synthesis child, the jsii Node.js kernel, checkov, Terraform, the AWS provider, deploy-local's own
process (which serves moto and runs the deployment). A process that lives less than a sample apart
is missed; the report says how much CPU the whole tree used, so the rest is visible."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from rich.console import Console
from rich.table import Table

TICKS = os.sysconf("SC_CLK_TCK")
INTERVAL = 0.5


def kind_of(argv: list[str]) -> str:
    text = " ".join(argv)
    if "terraform-provider-aws" in text:
        return "AWS provider"
    if argv and Path(argv[0]).name == "terraform":
        return "terraform"
    if "checkov" in text:
        return "checkov"
    if argv and Path(argv[0]).name.startswith("node"):
        return "node (jsii kernel, cdktf CLI)"
    if "deploy-local" in text:
        return "deploy-local (moto server, orchestration)"
    if "multiprocessing" in text or "spawn_main" in text:
        return "python synthesis child"
    if "python" in Path(argv[0] if argv else "").name:
        return "python (pytest worker, in-process checks and synthesis)"
    return "other"


def _read(pid: str) -> tuple[list[str], str, str, str, float] | None:
    """(argv, worker, parent, start time, CPU seconds) of a process, or None once it is gone."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    worker = next((e.split(b"=", 1)[1].decode() for e in environ if e.startswith(b"PYTEST_XDIST_WORKER=")), "-")
    cpu = (int(fields[11]) + int(fields[12])) / TICKS
    return [a.decode(errors="replace") for a in argv if a], worker, fields[1], fields[19], cpu


def descendants(root: int) -> set[str]:
    children: dict[str, list[str]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
            except (OSError, IndexError):
                continue
            children[parent].append(entry.name)
    found, stack = set(), [str(root)]
    while stack:
        pid = stack.pop()
        found.add(pid)
        stack.extend(children.get(pid, []))
    return found


def main(command: list[str]) -> int:
    started = time.monotonic()
    process = subprocess.Popen(command)
    seen: dict[tuple[str, str], tuple[str, str, str, float]] = {}  # (pid, start) -> (worker, parent, kind, CPU)
    while process.poll() is None:
        for pid in descendants(process.pid):
            read = _read(pid)
            if read:
                argv, worker, parent, start, cpu = read
                seen[(pid, start)] = (worker, parent, kind_of(argv), cpu)
        time.sleep(INTERVAL)
    # A worker's own process started before xdist named it in its environment; its children carry the name.
    named = {parent: worker for worker, parent, _, _ in seen.values() if worker != "-"}
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for (pid, _), (worker, _, kind, cpu) in seen.items():
        totals[(named.get(pid, worker) if worker == "-" else worker, kind)] += cpu
    table = Table(title=f"CPU seconds by worker and process kind ({time.monotonic() - started:.0f} s wall)")
    for column in ("worker", "process kind", "CPU s"):
        table.add_column(column)
    for (worker, kind), cpu in sorted(totals.items(), key=lambda item: (item[0][0], -item[1])):
        table.add_row(worker, kind, f"{cpu:.0f}")
    by_kind: dict[str, float] = defaultdict(float)
    for (_, kind), cpu in totals.items():
        by_kind[kind] += cpu
    for kind, cpu in sorted(by_kind.items(), key=lambda item: -item[1]):
        table.add_row("all", kind, f"{cpu:.0f}")
    children = os.times()
    whole = children.children_user + children.children_system
    table.add_row("all", "the whole tree, as the kernel counted it", f"{whole:.0f}")
    table.add_row(
        "all", "of which no sample saw (short-lived, or after the last sample)", f"{whole - sum(by_kind.values()):.0f}"
    )
    Console(width=160).print(table)
    return process.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Print, from one run: wall time and peak memory of synthesizing all six layers, the same for a
bare import of the provider bindings (the floor jsii imposes on a real synthesis), their ratio, the
checkov gate's wall time, `make synth` with changed and with unchanged inputs (the cache); then the
full platform (medisync-prod) synthesized with 5, 25 and 100 services, and the time per added
service (from the synthesis alone, the provider import left out, best of three runs). Every synthesis runs as `make`
runs it (python -O), on the direct jsii runtime unless --jsii-own-runtime. Figures only; nothing
passes or fails."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

BARE_IMPORT = "import cdktf, cdktf_cdktf_provider_aws.provider, cdktf_cdktf_provider_aws.vpc"
# A synthesis as `make synth` runs it, in a child process (bench.synthesis); the scaling rows also
# have it write how long `synthesize` itself took, in wall and in CPU seconds of the process tree
# (the provider import left out: it varies by a second or more between processes, as much as 25
# services cost).
SYNTH = "import sys; from bench.bench import synthesis; synthesis(*sys.argv[1:])"


def synthesis(environment: str, outdir: str, directory: str = "", result_file: str = "") -> None:
    from hipaa_platform.config.loader import load_environment
    from hipaa_platform.synth.app import synthesize
    from hipaa_platform.targets import Target

    loaded = load_environment(environment, Path(directory) if directory else None)
    started, cpu_before = time.monotonic(), _tree_cpu_seconds(os.getpid())
    synthesize(loaded, Target(local_state_root=Path(outdir) / "state"), Path(outdir))
    wall, cpu = time.monotonic() - started, _tree_cpu_seconds(os.getpid()) - cpu_before
    if result_file:
        Path(result_file).write_text(f"{wall} {cpu}")


SCALE_BASE = "medisync-prod"
SCALE_SERVICE_COUNTS = (5, 25, 100)
# This machine's wall times vary by a second between identical runs; the best of three is the cost.
SCALE_RUNS = 3


def process_tree(root: int) -> dict[int, list[str]]:
    """/proc/<pid>/stat of a process and all its descendants (Python plus jsii's node), by pid: its
    fields after the command: state, ppid, ... (field n of the whole line is at n - 3)."""
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stats[int(entry.name)] = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, fields in stats.items() if int(fields[1]) == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return {pid: stats[pid] for pid in tree if pid in stats}


def _tree_rss_kib(root: int) -> int:
    """Resident memory of a process tree (rss, field 24, in pages)."""
    page_kib = os.sysconf("SC_PAGE_SIZE") // 1024
    return sum(int(fields[21]) * page_kib for fields in process_tree(root).values())


def _tree_cpu_seconds(root: int) -> float:
    """User plus system CPU seconds of a process tree (utime and stime, fields 14 and 15)."""
    return sum(int(fields[11]) + int(fields[12]) for fields in process_tree(root).values()) / os.sysconf("SC_CLK_TCK")


def measure(code: str, *args: str) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MiB) of the process tree, sampled every 50 ms."""
    return measure_command("-c", code, *args)


def measure_command(*argv: str) -> tuple[float, float]:
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-O", *argv], cwd=ROOT, stdout=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss_kib(process.pid))
        time.sleep(0.05)
    wall = time.monotonic() - started
    if process.returncode != 0:
        raise SystemExit(f"benchmark step failed with exit code {process.returncode}")
    return wall, peak / 1024


def scaled_environment(directory: Path, count: int) -> None:
    """medisync-prod with `count` services: its own five, then copies of the last one."""
    document = yaml.safe_load((ROOT / "environments" / f"{SCALE_BASE}.yaml").read_text())
    services = document["compute"]["services"]
    template = services[-1]
    for number in range(len(services), count):
        name = f"worker-{number:03d}"
        services.append({**template, "name": name, "container_name": name, "routes": [f"/{name}/*"],
                         "route_priority": 100 + number,
                         "environment": {**template["environment"], "SERVICE_NAME": name}})  # fmt: skip
    del services[count:]
    (directory / f"{SCALE_BASE}.yaml").write_text(yaml.safe_dump(document, sort_keys=False))


def scaling_rows() -> list[tuple[str, str, str]]:
    """Wall time and memory per service count; the time per added service from the synthesis alone,
    in wall seconds (best of SCALE_RUNS) and in CPU seconds (python and node, least of SCALE_RUNS)."""
    synthesis: dict[int, float] = {}
    cpu: dict[int, float] = {}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for count in SCALE_SERVICE_COUNTS:
            directory = Path(tmp) / f"services-{count}"
            directory.mkdir()
            scaled_environment(directory, count)
            result_file = directory / "synthesis-seconds"
            runs = []
            for _ in range(SCALE_RUNS):
                wall, memory = measure(SYNTH, SCALE_BASE, str(directory / "cdktf.out"), str(directory),
                                       str(result_file))  # fmt: skip
                synthesis_wall, synthesis_cpu = (float(x) for x in result_file.read_text().split())
                runs.append((synthesis_wall, synthesis_cpu, wall, memory))
            synthesis[count], _, wall, memory = min(runs)
            cpu[count] = min(r[1] for r in runs)
            spread = max(r[0] for r in runs) - synthesis[count]
            rows.append((f"synthesize {SCALE_BASE} with {count} services", f"{wall:6.1f} s", f"{memory:7.0f} MiB"))
            rows.append((f"  of which the synthesis itself (best of {SCALE_RUNS}; +{spread:.1f} s spread)",
                         f"{synthesis[count]:6.1f} s", ""))  # fmt: skip
            rows.append(("  its CPU, python and node", f"{cpu[count]:6.1f} s", ""))
    low, middle, high = SCALE_SERVICE_COUNTS
    for label, seconds in (("time", synthesis), ("CPU", cpu)):
        per_service = (seconds[high] - seconds[low]) / (high - low)
        rows.append((f"{label} per added service ({low} -> {high})", f"{per_service * 1000:6.0f} ms", ""))
        for a, b in ((low, middle), (middle, high)):
            rows.append((f"  of which {a} -> {b}", f"{(seconds[b] - seconds[a]) / (b - a) * 1000:6.0f} ms", ""))
    return rows


def jsii_own_runtime(directory: Path) -> Path:
    """jsii's runtime files laid out as jsii itself lays them out, for comparing with the direct
    runtime (hipaa_platform/synth/jsii_runtime.py)."""
    import jsii._embedded.jsii as embedded

    for packaged, name in embedded.EMBEDDED_FILES.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_bytes((Path(embedded.__file__).parent / packaged).read_bytes())
    return directory / embedded.EMBEDDED_FILES[embedded.ENTRYPOINT]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--env", default="intakeiq")
    parser.add_argument("--jsii-own-runtime", action="store_true",
                        help="run the bindings on jsii's own runtime (kernel behind a relay process)")  # fmt: skip
    args = parser.parse_args()
    os.environ["PATH"] = f"{ROOT / 'node_modules' / '.bin'}{os.pathsep}{os.environ['PATH']}"
    os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
    if args.jsii_own_runtime:
        own_runtime = tempfile.TemporaryDirectory()  # removed when main returns
        os.environ["JSII_RUNTIME"] = str(jsii_own_runtime(Path(own_runtime.name)))

    bare_wall, bare_mem = measure(BARE_IMPORT)
    with tempfile.TemporaryDirectory() as tmp:
        outdir = Path(tmp) / "cdktf.out"
        synth_wall, synth_mem = measure(SYNTH, args.env, str(outdir))
        # `make synth` twice: the second finds every input unchanged and skips.
        cli = ("-m", "hipaa_platform", "synth", "--env", args.env, "--outdir", str(Path(tmp) / "cached"))
        first_wall, _ = measure_command(*cli)
        cached_wall, cached_mem = measure_command(*cli)
        sys.path.insert(0, str(ROOT))
        from hipaa_platform.gate.scan import run_gate

        started = time.monotonic()
        gate = run_gate(outdir, Path(tmp) / "reports")
        gate_wall = time.monotonic() - started

    rows = [
        ("bare import of the provider bindings", f"{bare_wall:6.1f} s", f"{bare_mem:7.0f} MiB"),
        (f"synthesize all six layers ({args.env})", f"{synth_wall:6.1f} s", f"{synth_mem:7.0f} MiB"),
        ("synthesis / bare import", f"{synth_wall / bare_wall:6.2f} x", f"{synth_mem / bare_mem:7.2f} x"),
        (f"checkov gate ({len(gate.accepted)} accepted, ok={gate.ok})", f"{gate_wall:6.1f} s", ""),
        (f"make synth, inputs changed ({args.env})", f"{first_wall:6.1f} s", ""),
        (f"make synth, no input changed ({args.env}, cached)", f"{cached_wall:6.2f} s", f"{cached_mem:7.0f} MiB"),
    ]
    rows += scaling_rows()
    width = max(len(r[0]) for r in rows)
    print("jsii runtime:", "jsii's own (kernel behind a relay process)" if args.jsii_own_runtime else "direct")
    print(f"{'measurement':{width}}  {'wall':>8}  {'peak memory':>11}")
    for name, wall, memory in rows:
        print(f"{name:{width}}  {wall:>8}  {memory:>11}")


if __name__ == "__main__":
    main()

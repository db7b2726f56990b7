"""A cancelled CI job's signals reach Terraform as one interrupt (hipaa_platform/interrupts.py).

A stand-in `terraform` on PATH records the signals it receives and, once interrupted, takes a
while to "save its state", as the real one does; the project's runner is the process that gets
the job's SIGINT and then SIGTERM, as GitHub's runner sends them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from hipaa_platform.deploy import interrupted_creates
from hipaa_platform.targets import PROJECT_ROOT

STAND_IN = """#!{python}
import os, pathlib, signal, sys, time
record = pathlib.Path(os.environ["SIGNAL_RECORD"])
heard = []
def note(number, frame):
    heard.append(signal.Signals(number).name)
    record.write_text(" ".join(heard))
signal.signal(signal.SIGINT, note)
signal.signal(signal.SIGTERM, note)
print("aws_db_instance.database: Creating...", flush=True)
pathlib.Path(os.environ["STARTED"]).touch()
deadline = time.monotonic() + float(os.environ["RUNS_FOR"])
while not heard and time.monotonic() < deadline:
    time.sleep(0.05)
time.sleep(1.5)  # saving the state, releasing the lock
sys.exit(1 if heard else 0)
"""

RUNNER = """
import os, sys
from pathlib import Path
from hipaa_platform import terraform
try:
    terraform.run(["apply"], Path.cwd(), dict(os.environ), log=Path(sys.argv[1]))
except terraform.Interrupted as stopped:
    print("INTERRUPTED:", stopped, file=sys.stderr)
    sys.exit(130)
"""


def start(tmp_path: Path, runs_for: float) -> tuple[subprocess.Popen, Path]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "terraform"
    fake.write_text(STAND_IN.format(python=sys.executable))
    fake.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "PYTHONPATH": str(PROJECT_ROOT),
        "SIGNAL_RECORD": str(tmp_path / "heard"),
        "STARTED": str(tmp_path / "started"),
        "RUNS_FOR": str(runs_for),
    }
    runner = subprocess.Popen(
        [sys.executable, "-c", RUNNER, str(tmp_path / "apply.log")],
        cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not (tmp_path / "started").exists():
        assert runner.poll() is None and time.monotonic() < deadline, runner.stderr.read() if runner.stderr else ""
        time.sleep(0.05)
    return runner, tmp_path / "heard"


def test_a_cancelled_job_reaches_terraform_as_one_interrupt(tmp_path: Path) -> None:
    runner, heard = start(tmp_path, runs_for=30)
    runner.send_signal(signal.SIGINT)  # the job is cancelled
    time.sleep(0.5)
    runner.send_signal(signal.SIGTERM)  # the runner's second signal, while Terraform is still saving
    _, stderr = runner.communicate(timeout=30)
    assert heard.read_text() == "SIGINT"  # once: a second interrupt would make Terraform exit unsaved
    assert runner.returncode == 130
    assert "SIGTERM received and held back" in stderr
    assert "INTERRUPTED: terraform apply" in stderr


def test_a_run_nobody_cancels_hears_nothing(tmp_path: Path) -> None:
    runner, heard = start(tmp_path, runs_for=0.5)
    runner.communicate(timeout=60)
    assert not heard.exists() and runner.returncode == 0


def test_interrupted_creates_are_those_started_and_not_finished() -> None:
    output = (
        "aws_db_subnet_group.database-subnets: Creating...\n"
        "aws_db_instance.database: Creating...\n"
        "aws_s3_bucket.cards: Creating...\n"
        "aws_db_subnet_group.database-subnets: Creation complete after 0s [id=db]\n"
        "aws_s3_bucket.cards: Creation complete after 1s [id=cards]\n"
        "aws_s3_bucket_lifecycle_configuration.cards: Creating...\n"
    )
    assert interrupted_creates(output) == ["aws_db_instance.database", "aws_s3_bucket_lifecycle_configuration.cards"]

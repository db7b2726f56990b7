"""A cancelled CI job's signals reach Terraform as one interrupt (hipaa_platform/operations/interrupts.py).

A stand-in `terraform` on PATH records the signals it receives and, once interrupted, takes a
while to "save its state", as the real one does; the project's runner is the process that gets
the job's SIGINT and then SIGTERM, as GitHub's runner sends them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hipaa_platform.operations.deploy import interrupted_creates, tainted_addresses
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
from hipaa_platform.operations import terraform
try:
    terraform.run(["apply"], Path.cwd(), dict(os.environ), log=Path(sys.argv[1]))
except terraform.Interrupted as stopped:
    print("INTERRUPTED:", stopped, file=sys.stderr)
    sys.exit(130)
"""

# Several environments deploy side by side, each in a thread of its own (deploy-local); Python
# hears signals in the main thread only, which passes them on.
RUNNER_IN_A_THREAD = """
import os, sys, threading
from pathlib import Path
from hipaa_platform.operations import terraform
from hipaa_platform.operations.interrupts import forwarded_to_runs
outcome = []
def apply():
    try:
        terraform.run(["apply"], Path.cwd(), dict(os.environ), log=Path(sys.argv[1]))
        outcome.append(0)
    except terraform.Interrupted as stopped:
        print("INTERRUPTED:", stopped, file=sys.stderr)
        outcome.append(130)
with forwarded_to_runs():
    worker = threading.Thread(target=apply)
    worker.start()
    worker.join()
sys.exit(outcome[0])
"""


def start(tmp_path: Path, runs_for: float, runner_code: str = RUNNER) -> tuple[subprocess.Popen, Path]:
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
        [sys.executable, "-c", runner_code, str(tmp_path / "apply.log")],
        cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not (tmp_path / "started").exists():
        assert runner.poll() is None and time.monotonic() < deadline, runner.stderr.read() if runner.stderr else ""
        time.sleep(0.05)
    return runner, tmp_path / "heard"


@pytest.mark.parametrize("runner_code", [RUNNER, RUNNER_IN_A_THREAD], ids=["main-thread", "worker-thread"])
def test_a_cancelled_job_reaches_terraform_as_one_interrupt(tmp_path: Path, runner_code: str) -> None:
    runner, heard = start(tmp_path, runs_for=30, runner_code=runner_code)
    runner.send_signal(signal.SIGINT)  # the job is cancelled
    time.sleep(0.5)
    runner.send_signal(signal.SIGTERM)  # the runner's second signal, while Terraform is still saving
    _, stderr = runner.communicate(timeout=30)
    assert heard.read_text() == "SIGINT"  # once: a second interrupt would make Terraform exit unsaved
    assert runner.returncode == 130
    assert "SIGTERM received and held back" in stderr
    assert "INTERRUPTED: terraform apply" in stderr


@pytest.mark.parametrize("runner_code", [RUNNER, RUNNER_IN_A_THREAD], ids=["main-thread", "worker-thread"])
def test_a_run_nobody_cancels_hears_nothing(tmp_path: Path, runner_code: str) -> None:
    runner, heard = start(tmp_path, runs_for=0.5, runner_code=runner_code)
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


def _instance(status: str | None, index_key: object = None) -> dict:
    instance = {"schema_version": 0, "attributes": {"id": "x"}}
    if index_key is not None:
        instance["index_key"] = index_key
    return {**instance, "status": status} if status else instance


def test_tainted_addresses_are_the_ones_terraform_untaints(tmp_path: Path) -> None:
    """Read from the raw state (no provider schema needed); Terraform itself accepts each address."""
    provider = 'provider["registry.terraform.io/hashicorp/aws"]'
    resources = [
        {"mode": "managed", "type": "aws_db_instance", "name": "database", "provider": provider,
         "instances": [_instance("tainted")]},
        {"module": "module.data", "mode": "managed", "type": "aws_s3_bucket", "name": "records", "each": "map",
         "provider": provider, "instances": [_instance("tainted", "insurance cards"), _instance(None, "intake")]},
        {"mode": "managed", "type": "aws_rds_cluster", "name": "aurora", "each": "list", "provider": provider,
         "instances": [_instance(None, 0), _instance("tainted", 1)]},
        {"mode": "data", "type": "aws_region", "name": "current", "provider": provider,
         "instances": [_instance("tainted")]},
    ]  # fmt: skip
    state = {"version": 4, "terraform_version": "1.11.0", "serial": 1, "lineage": "l", "outputs": {},
             "resources": resources}  # fmt: skip
    found = tainted_addresses(state)
    assert found == ["aws_db_instance.database", 'module.data.aws_s3_bucket.records["insurance cards"]',
                     "aws_rds_cluster.aurora[1]"]  # fmt: skip

    (tmp_path / "terraform.tfstate").write_text(json.dumps(state))
    environment = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    for address in found:
        untaint = subprocess.run(["terraform", "untaint", address], cwd=tmp_path, env=environment,
                                 capture_output=True, text=True, timeout=60)  # fmt: skip
        assert untaint.returncode == 0, untaint.stderr
    assert tainted_addresses(json.loads((tmp_path / "terraform.tfstate").read_text())) == []


def test_once_cancelled_a_later_signal_stays_held_until_the_process_exits() -> None:
    """A runner's SIGTERM that comes after Terraform saved the state must not kill the process before
    it exits 130; a run nobody cancelled gives the handlers back."""
    from hipaa_platform.operations import interrupts

    before = {number: signal.getsignal(number) for number in interrupts.CANCEL_SIGNALS}
    try:
        with interrupts.forwarded_to_runs():
            pass
        assert {number: signal.getsignal(number) for number in interrupts.CANCEL_SIGNALS} == before
        with interrupts.forwarded_to_runs():
            interrupts.RECEIVED.append(signal.SIGINT)  # as _handle records the job's SIGINT
        assert all(signal.getsignal(number) is interrupts._handle for number in interrupts.CANCEL_SIGNALS)
    finally:
        interrupts.RECEIVED.clear()
        for number, handler in before.items():
            signal.signal(number, handler)


HELD_AT_EXIT = """
import os, signal, sys
from hipaa_platform.operations.interrupts import hold_signals_until_exit
if sys.argv[1] == "hold":
    hold_signals_until_exit()
signal.signal(signal.SIGTERM, signal.SIG_DFL)  # as Python puts it back while the interpreter shuts down
os.kill(os.getpid(), signal.SIGTERM)  # the runner's SIGTERM, 7.5 s after its SIGINT
sys.exit(130)
"""


@pytest.mark.parametrize(("held", "returncode"), [("hold", 130), ("no", -signal.SIGTERM)])
def test_a_sigterm_while_exiting_after_an_interrupt_does_not_kill_the_command(held: str, returncode: int) -> None:
    """Seen once in the suite: the cancelled apply's SIGTERM landed while the process was exiting
    (its state saved) and killed it (-15) instead of letting it exit 130."""
    child = subprocess.run([sys.executable, "-c", HELD_AT_EXIT, held], cwd=PROJECT_ROOT, timeout=60)
    assert child.returncode == returncode

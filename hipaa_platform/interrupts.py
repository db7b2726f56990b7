"""Pass a cancelled job's signals to Terraform as one interrupt.

A cancelled GitHub Actions job sends SIGINT to the step's process, SIGTERM 7.5 s later, and kills
the process tree 2.5 s after that. Terraform reads a first interrupt as "start nothing new, let the
calls in flight return, save state, release the lock", and a second as "exit now": whatever was
created since the last save is then missing from the state (the next run fails on names that
already exist) and the lock stays. Terraform therefore runs in a process group of its own, where
only this process hears the job's signals; the first one is passed on as SIGINT, the rest are held
back. A user who wants Terraform gone anyway is told its process id.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from types import FrameType

CANCEL_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# Every signal this process received, across runs: once interrupted, later Terraform commands of
# the same process (the clean-up after an interrupted apply) hear nothing.
RECEIVED: list[signal.Signals] = []


class OneInterrupt:
    """While active, SIGINT and SIGTERM to this process reach the attached process group once, as SIGINT."""

    def __init__(self, say: Callable[[str], None] = _say) -> None:
        self.say = say
        self._already = len(RECEIVED)
        self._process: subprocess.Popen | None = None
        self._previous: dict[int, object] = {}

    @property
    def interrupted(self) -> bool:
        """A signal came while this run was active."""
        return len(RECEIVED) > self._already

    def attach(self, process: subprocess.Popen) -> None:
        """`process` must have been started with start_new_session=True (its own process group)."""
        self._process = process
        if self._already == 0 and self.interrupted:  # the signal came while the process was starting
            self._pass_on()

    def _pass_on(self) -> None:
        assert self._process is not None
        try:
            os.killpg(self._process.pid, signal.SIGINT)
        except ProcessLookupError:
            return

    def _handle(self, number: int, _frame: FrameType | None) -> None:
        name = signal.Signals(number).name
        RECEIVED.append(signal.Signals(number))
        if len(RECEIVED) == 1:
            self.say(f"{name} received: Terraform finishes the calls in flight, saves the state and releases "
                     "the lock, then stops (docs/operations.md, 'A cancelled apply')")  # fmt: skip
            if self._process is not None:
                self._pass_on()
            return
        pid = self._process.pid if self._process else "?"
        self.say(f"{name} received and held back: a second interrupt would make Terraform exit without saving "
                 f"the state. To stop it anyway: kill -9 {pid}")  # fmt: skip

    def __enter__(self) -> OneInterrupt:
        if threading.current_thread() is threading.main_thread():  # only the main thread may set handlers
            self._previous = {number: signal.signal(number, self._handle) for number in CANCEL_SIGNALS}
        return self

    def __exit__(self, *_exc: object) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._previous = {}

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
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from types import FrameType

CANCEL_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# Every signal this process received, across runs: once interrupted, later Terraform commands of
# the same process (the clean-up after an interrupted apply) hear nothing.
RECEIVED: list[signal.Signals] = []
# The runs under way, in any thread (several environments deploy side by side): a signal reaches each.
_ACTIVE: list[OneInterrupt] = []
_ACTIVE_LOCK = threading.Lock()


def _handle(number: int, _frame: FrameType | None) -> None:
    name = signal.Signals(number).name
    RECEIVED.append(signal.Signals(number))
    with _ACTIVE_LOCK:
        guards = list(_ACTIVE)
    say = guards[0].say if guards else _say
    if len(RECEIVED) == 1:
        say(f"{name} received: Terraform finishes the calls in flight, saves the state and releases "
            "the lock, then stops (docs/operations.md, 'A cancelled apply')")  # fmt: skip
        for guard in guards:
            guard._pass_on()
        return
    pids = " ".join(str(guard._process.pid) for guard in guards if guard._process) or "?"
    say(f"{name} received and held back: a second interrupt would make Terraform exit without saving "
        f"the state. To stop it anyway: kill -9 {pids}")  # fmt: skip


@contextmanager
def forwarded_to_runs() -> Iterator[None]:
    """In the main thread: SIGINT and SIGTERM reach every run under way, in any thread. A run in the
    main thread holds it itself; a caller whose runs are in worker threads holds it around them, as
    Python calls signal handlers in the main thread only."""
    previous = {number: signal.signal(number, _handle) for number in CANCEL_SIGNALS}
    try:
        yield
    finally:
        # Once cancelled, the process is on its way out (the command exits 130): a runner's SIGTERM that
        # follows its SIGINT stays held, rather than killing the process between the saved state and its exit.
        if not RECEIVED:
            for number, handler in previous.items():
                signal.signal(number, handler)


def hold_signals_until_exit() -> None:
    """For a command about to exit after an interrupt (130): block the cancel signals. Python puts
    back the default handlers while the interpreter shuts down, so a runner's SIGTERM landing then
    would kill the process (-15) after its state was saved; a blocked signal dies with the process."""
    signal.pthread_sigmask(signal.SIG_BLOCK, CANCEL_SIGNALS)


class OneInterrupt:
    """While active, SIGINT and SIGTERM to this process reach the attached process group once, as
    SIGINT. In a worker thread, the main thread must be inside `forwarded_to_runs()`."""

    def __init__(self, say: Callable[[str], None] = _say) -> None:
        self.say = say
        self._already = len(RECEIVED)
        self._process: subprocess.Popen | None = None
        self._handlers = ExitStack()

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
        if self._process is None:
            return
        try:
            os.killpg(self._process.pid, signal.SIGINT)
        except ProcessLookupError:
            return

    def __enter__(self) -> OneInterrupt:
        with _ACTIVE_LOCK:
            _ACTIVE.append(self)
        if threading.current_thread() is threading.main_thread():  # only the main thread may set handlers
            self._handlers.enter_context(forwarded_to_runs())
        return self

    def __exit__(self, *_exc: object) -> None:
        self._handlers.close()
        with _ACTIVE_LOCK:
            _ACTIVE.remove(self)

"""Who may use the cores, across pytest-xdist workers.

A notebook's run time is checked against a limit, and the grading tests time one job against two:
neither measures anything if another worker's test is busy on the same cores. Every test takes the
lock shared while it runs (the autouse `cpu_share` fixture in conftest.py: one per worker, so at
most one per core); a step that runs several CPU-bound processes at once takes it exclusively and
waits until the running tests are done, and new tests wait for it. A gate lock keeps a waiting
exclusive taker from being starved by a stream of shared ones (each test passes the gate on its
way in). Never take `all_cores` while holding `one_core` in the same process: it would wait for
itself (module fixtures are set up before the function-scoped `cpu_share`, so they may).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# One set of locks per test run (xdist gives its workers a shared run id).
RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID", str(os.getpid()))
LOCKS = Path(os.environ.get("COURSE_CPU_LOCKS", "/tmp/keras-course-cpu-locks")) / RUN


def _open(name: str) -> int:
    LOCKS.mkdir(parents=True, exist_ok=True)
    return os.open(LOCKS / name, os.O_RDWR | os.O_CREAT, 0o600)


@contextmanager
def _hold(gate_mode: int, cores_mode: int, keep_gate: bool) -> Iterator[None]:
    gate, cores = _open("gate"), _open("cores")
    try:
        fcntl.flock(gate, gate_mode)
        if not keep_gate:  # only passing through: a waiting exclusive taker goes first
            fcntl.flock(gate, fcntl.LOCK_UN)
        fcntl.flock(cores, cores_mode)
        yield
    finally:
        os.close(cores)  # closing releases the lock
        os.close(gate)


def one_core():
    """Hold while a test runs (conftest.py's autouse fixture does)."""
    return _hold(fcntl.LOCK_SH, fcntl.LOCK_SH, keep_gate=False)


def all_cores():
    """Hold for a step that runs several CPU-bound processes at once."""
    return _hold(fcntl.LOCK_EX, fcntl.LOCK_EX, keep_gate=True)

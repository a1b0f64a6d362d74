"""Who may use the cores, across pytest-xdist workers.

A notebook's run time is checked against a limit, so it must not share its core with a test that
starts several CPU-bound processes of its own (a `JOBS=2` autograde, a hub with three servers).
Notebook runs take the lock shared (one per worker, so at most one per core); such multi-process
steps take it exclusively and wait until the running notebooks are done, and new notebook runs
wait for them. A gate lock keeps a waiting exclusive taker from being starved by a stream of
shared ones (each notebook run passes the gate on its way in).
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
def one_core() -> Iterator[None]:
    """Hold for a single-process CPU-bound step whose time is measured (a notebook run)."""
    gate, cores = _open("gate"), _open("cores")
    try:
        fcntl.flock(gate, fcntl.LOCK_SH)
        fcntl.flock(gate, fcntl.LOCK_UN)
        fcntl.flock(cores, fcntl.LOCK_SH)
        yield
    finally:
        os.close(cores)  # closing releases the lock
        os.close(gate)


@contextmanager
def all_cores() -> Iterator[None]:
    """Hold for a step that runs several CPU-bound processes at once."""
    gate, cores = _open("gate"), _open("cores")
    try:
        fcntl.flock(gate, fcntl.LOCK_EX)
        fcntl.flock(cores, fcntl.LOCK_EX)
        yield
    finally:
        os.close(cores)
        os.close(gate)

"""Every course notebook runs top to bottom in a fresh kernel, quietly and within its time limit."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest
from conftest import ARTIFACTS, ROOT, require
from nbrun import (
    execute,
    figures_without_reading,
    image_count,
    series_hard_to_tell_apart,
    stderr_outputs,
    thread_budget,
)

from helpers.notebook_meta import backends_of

NOTEBOOK_DIRS = ["notebooks", "quiz"]
LIMIT_SECONDS = 60  # per notebook, on a 2-core CPU; DESIGN.md asks for "well under a minute"
BACKEND_MODULES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}  # module that must import

NOTEBOOKS = sorted(p for d in NOTEBOOK_DIRS for p in (ROOT / d).glob("*.ipynb"))


def run_and_check(path: Path, backend: str, record_time) -> tuple[nbformat.NotebookNode, float]:
    # Never while another test runs several CPU-bound processes: the cpu_share fixture (conftest.py).
    nb, seconds = execute(path, limit=LIMIT_SECONDS, env={"KERAS_BACKEND": backend, **thread_budget()})
    name = str(path.relative_to(ROOT))
    record_time("notebook run times", f"{name} [{backend}]", seconds, LIMIT_SECONDS)
    out = ARTIFACTS / "executed" / backend / name
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out)
    assert not stderr_outputs(nb), f"{name} wrote to stderr on {backend}:\n" + "\n".join(stderr_outputs(nb))
    return nb, seconds


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found"


def runs(paths) -> list[tuple[Path, str]]:
    """Every (notebook, backend) pair to execute: all three backends unless the metadata narrows it."""
    pairs = []
    for path in paths:
        metadata = nbformat.read(path, as_version=4).metadata
        backends = backends_of(metadata) if path.parent.name == "notebooks" else ("tensorflow",)
        pairs += [(path, backend) for backend in backends]
    return pairs


def run_id(pair) -> str:
    path, backend = pair
    return f"{path.relative_to(ROOT)}[{backend}]"


@pytest.mark.parametrize("pair", runs(NOTEBOOKS), ids=run_id)
def test_notebook_runs(pair, record_time):
    path, backend = pair
    module = BACKEND_MODULES[backend]
    require(importlib.util.find_spec(module) is not None, f"{module} not installed (run `make backends`)")
    nb, seconds = run_and_check(path, backend, record_time)
    if path.parent.name == "notebooks" and path.name[:2] != "00" and backend == backends_of(nb.metadata)[0]:
        assert image_count(nb) >= 1, f"{path.name} shows no plot"
    unread = figures_without_reading(nb)
    assert not unread, f"{path.name}: figures without plots.show(fig, 'Notice that …'):\n" + "\n".join(unread)
    alike = series_hard_to_tell_apart(nb)
    assert not alike, f"{path.name}: series a colour-blind reader cannot tell apart:\n" + "\n".join(alike)
    # Last, so a slow run on a busy machine does not hide any other failure.
    assert seconds < LIMIT_SECONDS, f"{path.name} took {seconds:.1f}s on {backend}, limit {LIMIT_SECONDS}s"

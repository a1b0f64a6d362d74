"""Execute a notebook top to bottom in a fresh kernel and report what went wrong, if anything."""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path: Path, *, limit: float, env: dict[str, str] | None = None, cwd: Path | None = None):
    """Run `path` in a fresh python3 kernel; return (executed notebook, wall seconds).

    `limit` bounds every cell and, through the caller's assertion, the whole notebook.
    Raises nbclient's CellExecutionError on the first failing cell.
    """
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=int(limit),
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd or path.parent)}},
    )
    started = time.perf_counter()
    client.execute(env={**os.environ, **(env or {})})
    return nb, time.perf_counter() - started


def thread_budget() -> dict[str, str]:
    """Share the cores among the pytest-xdist workers: each kernel's math libraries get cores/workers
    threads. Oversubscribed OpenMP pools (PyTorch, oneDNN) spin and can run many times slower."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    threads = str(max(1, (os.cpu_count() or 1) // workers))
    return {"OMP_NUM_THREADS": threads, "TF_NUM_INTRAOP_THREADS": threads}


def stderr_outputs(nb) -> list[str]:
    """Text a notebook wrote to stderr, cell by cell ("cell N: ...")."""
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                found.append(f"cell {index}: {output['text'][:500]}")
    return found


def image_count(nb) -> int:
    return sum(
        "image/png" in output.get("data", {})
        for cell in nb.cells
        for output in cell.get("outputs", [])
    )

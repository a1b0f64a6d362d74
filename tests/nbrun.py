"""Execute a notebook top to bottom in a fresh kernel and report what went wrong, if anything."""

from __future__ import annotations

import os
import time
from pathlib import Path
from queue import Empty

import nbformat
from nbclient import NotebookClient
from nbclient.util import ensure_async

WAIT_SLICE = 1.0  # seconds


class SlicedWaitClient(NotebookClient):
    """nbclient, waiting for each cell's reply in 1 s slices instead of one long poll.

    With ipywidgets in a cell, nbclient's single long poll on the shell channel sometimes misses the
    reply until the whole cell timeout has passed (jupyter/nbclient#312; seen here as a 60 s pause
    after notebook 03's explorer cell). A fresh poll sees a message already waiting, so a missed
    wake-up costs at most one slice.
    """

    async def async_start_new_kernel_client(self):
        client = await super().async_start_new_kernel_client()
        channel = client.shell_channel
        poll_once = channel.get_msg

        async def get_msg(timeout=None):
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                left = WAIT_SLICE if deadline is None else max(0.0, deadline - time.monotonic())
                try:
                    return await ensure_async(poll_once(timeout=min(WAIT_SLICE, left)))
                except Empty:
                    if deadline is not None and time.monotonic() >= deadline:
                        raise

        channel.get_msg = get_msg
        return client


def execute(path: Path, *, limit: float, env: dict[str, str] | None = None, cwd: Path | None = None):
    """Run `path` in a fresh python3 kernel; return (executed notebook, wall seconds).

    `limit` bounds every cell and, through the caller's assertion, the whole notebook.
    Raises nbclient's CellExecutionError on the first failing cell.
    """
    nb = nbformat.read(path, as_version=4)
    client = SlicedWaitClient(
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
    threads = max(1, (os.cpu_count() or 1) // workers)
    budget = {"OMP_NUM_THREADS": str(threads), "TF_NUM_INTRAOP_THREADS": str(threads)}
    if threads == 1:  # XLA (JAX) sizes its CPU pools by the machine, not by OMP_NUM_THREADS
        budget["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
    return budget


def stderr_outputs(nb) -> list[str]:
    """Text a notebook wrote to stderr, cell by cell ("cell N: ...")."""
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                found.append(f"cell {index}: {output['text'][:500]}")
    return found


def figures_without_reading(nb) -> list[str]:
    """Figures shown without helpers.plots.show: no alt text, or no "Notice that …" line under them."""
    problems = []
    for index, cell in enumerate(nb.cells):
        outputs = cell.get("outputs", [])
        for position, output in enumerate(outputs):
            if "image/png" not in output.get("data", {}):
                continue
            alt = output.get("metadata", {}).get("image/png", {}).get("alt", "")
            after = outputs[position + 1] if position + 1 < len(outputs) else {}
            reading = after.get("data", {}).get("text/markdown", "")
            if len(alt) < 40 or not reading.startswith("*Notice that "):
                problems.append(f"cell {index}: {cell.source.splitlines()[0] if cell.source else ''!r}")
    return problems


def series_hard_to_tell_apart(nb) -> list[str]:
    """Figures whose labelled series a colour-blind reader cannot tell apart (figure_checks.series_problems
    on the series helpers.plots.show records in each figure's output metadata)."""
    from figure_checks import series_problems

    problems = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if "image/png" not in output.get("data", {}):
                continue
            series = output.get("metadata", {}).get("series")
            if series is None:
                problems.append(f"cell {index}: no series recorded (show it with helpers.plots.show)")
                continue
            problems += [f"cell {index}: {problem}" for problem in series_problems(series)]
    return problems


def image_count(nb) -> int:
    return sum(
        "image/png" in output.get("data", {})
        for cell in nb.cells
        for output in cell.get("outputs", [])
    )

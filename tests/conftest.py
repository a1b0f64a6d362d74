"""Shared test fixtures and the timing table printed at the end of every run."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from cpu_share import one_core

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"

# Rows of (table, name, seconds, limit or None), one JSON line each, written by `record_time` in
# whichever process runs the test (pytest-xdist workers included) and printed by the controller.
TIMINGS_DIR = ARTIFACTS / "timings"


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):  # the controller (or a plain run), not a worker
        shutil.rmtree(TIMINGS_DIR, ignore_errors=True)
    TIMINGS_DIR.mkdir(parents=True, exist_ok=True)


def strict() -> bool:
    """In CI (COURSE_STRICT=1) a missing browser or backend is a failure, not a skip."""
    return os.environ.get("COURSE_STRICT") == "1"


def require(condition: bool, reason: str) -> None:
    """Skip with `reason` when `condition` is false, or fail under COURSE_STRICT=1."""
    if condition:
        return
    if strict():
        pytest.fail(f"COURSE_STRICT=1 but {reason}")
    pytest.skip(reason)


def require_executable(name: str, hint: str) -> str:
    path = shutil.which(name)
    require(path is not None, f"{name} is not installed ({hint})")
    return path


@pytest.fixture(scope="session")  # session-wide, so module fixtures can time their setup too
def record_time():
    """record_time(table, name, seconds, limit=None): add a row to the timing summary."""

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")

    def record(table: str, name: str, seconds: float, limit: float | None = None) -> None:
        with open(TIMINGS_DIR / f"{worker}.jsonl", "a", encoding="utf-8") as out:
            out.write(json.dumps([table, name, seconds, limit]) + "\n")

    return record


def recorded_timings() -> list[list]:
    rows = []
    for path in sorted(TIMINGS_DIR.glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return rows


def pytest_terminal_summary(terminalreporter):
    if hasattr(terminalreporter.config, "workerinput"):
        return
    tables: dict[str, list] = {}
    for table, name, seconds, limit in sorted(recorded_timings(), key=lambda row: (row[0], row[1])):
        tables.setdefault(table, []).append((name, seconds, limit))
    for table, rows in tables.items():
        terminalreporter.section(f"timings: {table}")
        width = max(len(name) for name, _, _ in rows)
        terminalreporter.write_line(f"{'name':<{width}}  {'seconds':>8}  {'limit':>6}")
        for name, seconds, limit in rows:
            shown = f"{limit:>6.0f}" if limit else f"{'-':>6}"
            terminalreporter.write_line(f"{name:<{width}}  {seconds:>8.1f}  {shown}")


@pytest.hookimpl(trylast=True)  # after pytest-xdist's worker hook has tagged the grouped tests
def pytest_collection_modifyitems(config, items):
    """Fail loudly if `--dist loadgroup` stops grouping: pytest-xdist marks a grouped test by adding
    "@group" to its node id, which pytest 9.2 ignores (pytest-xdist#1386). Ungrouped, two workers
    each build a module's heavy fixture and run it at once, and the timing limits stop meaning much."""
    if not getattr(config.option, "loadgroup", False):
        return
    grouped = [item.nodeid for item in items if item.get_closest_marker("xdist_group")]
    lost = [nodeid for nodeid in grouped if "@" not in nodeid]
    if lost:
        raise pytest.UsageError(
            f"--dist loadgroup is not grouping ({len(lost)} tests, e.g. {lost[0]}): pytest and "
            "pytest-xdist versions do not work together (see pyproject.toml)"
        )


def pytest_configure(config):
    config.addinivalue_line("markers", "all_cores: the test takes every core itself (tests/cpu_share.py)")


@pytest.fixture(autouse=True)
def cpu_share(request):
    """Every test holds a shared slot while it runs, so that a step holding all the cores (a JOBS=2
    autograde, timed for its speedup) really has the machine to itself. Module fixtures that take
    all the cores are set up before this function-scoped one, never inside it."""
    if request.node.get_closest_marker("all_cores"):
        yield
        return
    with one_core():
        yield


def dead_links(root: Path) -> list[str]:
    """Relative Markdown links in the notebooks under `root` whose target does not exist there."""
    import re

    import nbformat

    dead = []
    for notebook in sorted(root.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in notebook.parts:
            continue
        for cell in nbformat.read(notebook, as_version=4).cells:
            if cell.cell_type != "markdown":
                continue
            for target in re.findall(r"\]\(([^)\s]+)\)", cell.source):
                if re.match(r"^[a-z]+:|^#", target):
                    continue  # a web address or an anchor
                if not (notebook.parent / target.split("#")[0]).exists():
                    dead.append(f"{notebook.relative_to(root)} -> {target}")
    return dead

"""Shared test fixtures and the timing table printed at the end of every run."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"

# (table, name, seconds, limit or None); filled by `record_time`, printed by pytest_terminal_summary.
_TIMINGS: list[tuple[str, str, float, float | None]] = []


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


@pytest.fixture
def record_time():
    """record_time(table, name, seconds, limit=None): add a row to the timing summary."""

    def record(table: str, name: str, seconds: float, limit: float | None = None) -> None:
        _TIMINGS.append((table, name, seconds, limit))

    return record


def pytest_terminal_summary(terminalreporter):
    if not _TIMINGS:
        return
    tables: dict[str, list] = {}
    for table, name, seconds, limit in _TIMINGS:
        tables.setdefault(table, []).append((name, seconds, limit))
    for table, rows in tables.items():
        terminalreporter.section(f"timings: {table}")
        width = max(len(name) for name, _, _ in rows)
        terminalreporter.write_line(f"{'name':<{width}}  {'seconds':>8}  {'limit':>6}")
        for name, seconds, limit in rows:
            shown = f"{limit:>6.0f}" if limit else f"{'-':>6}"
            terminalreporter.write_line(f"{name:<{width}}  {seconds:>8.1f}  {shown}")

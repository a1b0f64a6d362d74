"""Real-browser smoke test: JupyterLab on localhost, driven by Debian's headless Chromium through
Playwright, opens notebook 01, runs every cell, and shows plots and no errors."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from conftest import ARTIFACTS, ROOT
from labdriver import browser_page, lab_server, open_and_run_all, prompts, stderr_texts

NOTEBOOKS = ["notebooks/01_layer_base.ipynb"]
RUN_LIMIT_SECONDS = 180


# One pytest-xdist worker runs this whole module, so its module-scoped fixture is built once.
pytestmark = pytest.mark.xdist_group("browser")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with lab_server(tmp_path_factory.mktemp("lab"), [ROOT / n for n in NOTEBOOKS]) as url:
        yield url


@pytest.mark.parametrize("relative", NOTEBOOKS)
def test_notebook_runs_in_jupyterlab_in_chromium(lab, relative, record_time):
    name = Path(relative).name
    shots = ARTIFACTS / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    with browser_page() as page:
        open_and_run_all(page, lab(name))
        started = time.perf_counter()
        deadline = time.monotonic() + RUN_LIMIT_SECONDS
        while True:
            shown = prompts(page)
            if shown and all(re.fullmatch(r"\[\d+\]:", p.strip()) for p in shown):
                break
            if stderr_texts(page):  # an error stops "run all": no need to wait for the rest
                break
            assert time.monotonic() < deadline, f"cells still pending after {RUN_LIMIT_SECONDS}s: {shown}"
            page.wait_for_timeout(500)
        record_time("browser (JupyterLab + Chromium, run all)", relative, time.perf_counter() - started)
        page.screenshot(path=str(shots / f"{Path(name).stem}.png"), full_page=True)
        errors = stderr_texts(page)
        images = page.eval_on_selector_all(
            ".jp-OutputArea-output img", "els => els.filter(e => e.naturalWidth > 0).length"
        )
        # What a screen reader announces for each figure: its accessible name, from the <img alt>.
        named = page.get_by_role("img", name=re.compile(r"^Notice that .{28,}")).count()
    assert not errors, f"error or stderr output in the browser: {errors}"
    assert images >= 1, "no rendered plot image in the browser"
    assert named == images, f"{images} figures, {named} with their reading as accessible name"
    assert len(shown) >= 10, f"only {len(shown)} code cells rendered"

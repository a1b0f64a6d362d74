"""The activations explorer in a real JupyterLab (headless Debian Chromium via Playwright):
the widget renders a picture, and changing a control redraws it (the image bytes change)."""

from __future__ import annotations

import time

import nbformat
import pytest
from conftest import ARTIFACTS
from labdriver import browser_page, lab_server, open_and_run_all, stderr_texts

NOTEBOOK_NAME = "explorer_activations_probe.ipynb"
CELLS = [
    "from helpers.setup import start\n\nENV = start(seed=0)",
    "from helpers.explorers.activations import explore\n\n"
    "explorer = explore(selected=('relu', 'elu'))\nexplorer",
]


@pytest.fixture(scope="module")
def explorer_lab(tmp_path_factory):
    source = tmp_path_factory.mktemp("explorer_nb") / NOTEBOOK_NAME
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, source)
    with lab_server(tmp_path_factory.mktemp("explorer_lab"), [source]) as url:
        yield url(NOTEBOOK_NAME)


def test_changing_a_control_redraws_the_explorer(explorer_lab, record_time):
    from playwright.sync_api import expect

    shots = ARTIFACTS / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    with browser_page() as page:
        started = time.perf_counter()
        open_and_run_all(page, explorer_lab)
        image = page.locator(".jp-OutputArea-output img.widget-image").first
        expect(image).to_be_visible(timeout=180_000)
        page.wait_for_function("el => el.naturalWidth > 0", arg=image.element_handle(), timeout=60_000)
        record_time("browser (JupyterLab + Chromium, run all)", "activations explorer (widget)",
                    time.perf_counter() - started)
        before = image.screenshot()
        page.screenshot(path=str(shots / "explorer_activations_before.png"), full_page=False)
        src_before = image.get_attribute("src")

        # Change a control: choose a different set of activations in the multi-select.
        select = page.locator(".widget-select-multiple select").first
        select.select_option(["tanh", "sigmoid", "softsign"])
        deadline = time.monotonic() + 60
        after = before
        while time.monotonic() < deadline:
            page.wait_for_timeout(500)
            if image.get_attribute("src") != src_before:
                page.wait_for_function("el => el.complete && el.naturalWidth > 0",
                                       arg=image.element_handle(), timeout=30_000)
                after = image.screenshot()
                if after != before:
                    break
        page.screenshot(path=str(shots / "explorer_activations_after.png"), full_page=False)
        message = page.locator(".widget-html").last.inner_text()
        errors = stderr_texts(page)
    assert after != before, "the explorer's picture did not change after changing the selection"
    assert "⚠" not in message, f"the explorer reported a problem: {message}"
    assert not errors, f"error or stderr output in the browser: {errors}"

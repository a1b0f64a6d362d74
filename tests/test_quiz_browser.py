"""The practice widget in a real JupyterLab (headless Chromium): tick, Check, feedback, Retry.

Reuses the server helpers of test_browser.py; only the notebook and the clicks differ.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ARTIFACTS, ROOT, require
from test_browser import CHROMIUM, CHROMIUM_ARGS, free_port, wait_for_server

from helpers.quiz import load_quiz
from helpers.quiz_widget import inline_html

NOTEBOOK = ROOT / "quiz" / "practice.ipynb"


@pytest.fixture(scope="module")
def practice_lab(tmp_path_factory):
    require(Path(CHROMIUM).exists(), f"{CHROMIUM} missing (apt-get install chromium)")
    base = tmp_path_factory.mktemp("quiz_lab")
    root = base / "root"
    root.mkdir()
    shutil.copy2(NOTEBOOK, root / NOTEBOOK.name)  # lab may autosave: keep the repo clean
    settings = base / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # Render every cell (no windowing) so the widget exists in the page wherever it is scrolled.
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    port, token = free_port(), secrets.token_hex(16)
    log = open(base / "lab.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--allow-root",
         "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env={**os.environ, "KERAS_BACKEND": "tensorflow", "JUPYTERLAB_SETTINGS_DIR": str(base / "settings")},
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        wait_for_server(f"http://127.0.0.1:{port}/api/status?token={token}", process)
        yield f"http://127.0.0.1:{port}/lab/tree/{NOTEBOOK.name}?token={token}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def accept_kernel_dialog(page) -> None:
    """JupyterLab sometimes asks which kernel to start; take the one it proposes (the notebook's)."""
    from playwright.sync_api import TimeoutError as NoDialog

    try:
        page.wait_for_selector(".jp-Dialog .jp-mod-accept", timeout=5_000)
    except NoDialog:  # the kernel started on its own
        return
    page.click(".jp-Dialog .jp-mod-accept")


def test_practice_widget_gives_feedback_in_jupyterlab(practice_lab, record_time):
    from playwright.sync_api import expect, sync_playwright

    question = load_quiz().question(1)  # key AB
    shots = ARTIFACTS / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(practice_lab)
            page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=60_000)
            accept_kernel_dialog(page)
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
            started = time.perf_counter()
            page.click(".lm-MenuBar-itemLabel:text-is('Run')")
            page.click("li.lm-Menu-item[data-command='runmenu:run-all']")
            first_card = page.locator(".widget-vbox", has_text="Question 1.").last
            expect(first_card).to_be_visible(timeout=120_000)
            boxes = first_card.locator("input[type='checkbox']")
            expect(boxes).to_have_count(4)
            boxes.nth(0).check()
            boxes.nth(1).check()
            first_card.locator("button", has_text="Check").click()
            expect(first_card).to_contain_text("Score 1.00 / 1", timeout=30_000)
            record_time("browser (JupyterLab + Chromium, run all)", "quiz/practice.ipynb (widget)",
                        time.perf_counter() - started)
            feedback = first_card.inner_html()
            expect(page.locator(".widget-html", has_text="1 of 20 questions checked").first).to_be_visible()
            expect(boxes.nth(0)).to_be_disabled()
            page.screenshot(path=str(shots / "quiz_practice.png"), full_page=False)
            first_card.locator("button", has_text="Retry").click()
            expect(boxes.nth(0)).to_be_enabled(timeout=30_000)
            expect(boxes.nth(0)).not_to_be_checked()
            expect(first_card).not_to_contain_text("Score 1.00 / 1")
            errors = page.eval_on_selector_all(
                ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
                "els => els.map(e => e.textContent.slice(0, 300))",
            )
        finally:
            browser.close()
    for option in question.options:
        assert inline_html(option.explanation) in feedback
    assert not errors, errors

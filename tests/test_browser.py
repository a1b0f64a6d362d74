"""Real-browser smoke test: JupyterLab on localhost, driven by Debian's headless Chromium through
Playwright, opens notebook 01, runs every cell, and shows plots and no errors."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ARTIFACTS, ROOT, require

CHROMIUM = "/usr/bin/chromium"
NOTEBOOKS = ["notebooks/01_layer_base.ipynb"]
RUN_LIMIT_SECONDS = 180
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
    "--disable-background-networking", "--disable-component-update",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_server(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"jupyter lab did not answer at {url} within {seconds}s")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    require(Path(CHROMIUM).exists(), f"{CHROMIUM} missing (apt-get install chromium)")
    base = tmp_path_factory.mktemp("lab")
    root = base / "root"
    root.mkdir()
    for relative in NOTEBOOKS:
        shutil.copy2(ROOT / relative, root / Path(relative).name)  # lab may autosave: keep the repo clean
    settings = base / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # Render every cell (no windowing) so the test can see all prompts and outputs at once.
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"), "KERAS_BACKEND": "tensorflow"}
    log = open(base / "lab.log", "w")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
            "--allow-root", "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        wait_for_server(f"http://127.0.0.1:{port}/api/status?token={token}", process)
        yield {"url": f"http://127.0.0.1:{port}", "token": token, "log": base / "lab.log"}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


STDERR = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"  # errors render here too


def prompts(page) -> list[str]:
    return page.eval_on_selector_all(".jp-CodeCell .jp-InputPrompt", "els => els.map(e => e.textContent)")


def stderr_texts(page) -> list[str]:
    return page.eval_on_selector_all(STDERR, "els => els.map(e => e.textContent.slice(0, 500))")


@pytest.mark.parametrize("relative", NOTEBOOKS)
def test_notebook_runs_in_jupyterlab_in_chromium(lab, relative, record_time):
    from playwright.sync_api import sync_playwright

    name = Path(relative).name
    shots = ARTIFACTS / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(f"{lab['url']}/lab/tree/{name}?token={lab['token']}")
            page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=60_000)
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
            started = time.perf_counter()
            page.click(".lm-MenuBar-itemLabel:text-is('Run')")
            page.click("li.lm-Menu-item[data-command='runmenu:run-all']")
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
            code_cells = len(shown)
        finally:
            browser.close()
    assert not errors, f"error or stderr output in the browser: {errors}"
    assert images >= 1, "no rendered plot image in the browser"
    assert code_cells >= 10, f"only {code_cells} code cells rendered"

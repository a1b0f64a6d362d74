"""A JupyterLab server on localhost and a headless Chromium driving it, for the browser tests."""

from __future__ import annotations

import contextlib
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

from conftest import ROOT, require

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
    "--disable-background-networking", "--disable-component-update",
]
# Errors render with the stderr mime type too, so this one selector finds both.
STDERR = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"


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


@contextlib.contextmanager
def lab_server(base: Path, notebooks: list[Path]):
    """Serve copies of `notebooks` (lab may autosave: the repo stays clean); yield url(name)."""
    settings = base / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # Render every cell (no windowing) so the tests can see all prompts and outputs at once.
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    with serve_copies(base, notebooks, {}) as url:
        yield url


@contextlib.contextmanager
def view_server(base: Path, notebooks: list[Path], view: str):
    """Serve copies of `notebooks` in a classroom view (classroom/views/<view>), as `make lab` does for
    "student": the view's settings and extensions, no user settings, and a workspace of its own, so
    no panel another session left open (~/.jupyter/lab/workspaces) shows up; yield url(name)."""
    env = {"JUPYTER_CONFIG_PATH": str(ROOT / "classroom" / "views" / view),
           "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces")}
    with serve_copies(base, notebooks, env) as url:
        yield url


@contextlib.contextmanager
def serve_copies(base: Path, notebooks: list[Path], extra_env: dict[str, str]):
    """JupyterLab on a root of copies of `notebooks`, user settings in base/settings, `extra_env` set."""
    require(Path(CHROMIUM).exists(), f"{CHROMIUM} missing (apt-get install chromium)")
    root = base / "root"
    root.mkdir()
    for notebook in notebooks:
        shutil.copy2(notebook, root / notebook.name)
    port, token = free_port(), secrets.token_hex(16)
    # Settings and workspace of its own: panels left open by another run never leak into this one.
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"), "KERAS_BACKEND": "tensorflow",
           "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"), **extra_env}
    with open(base / "lab.log", "w") as log:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
                "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
                f"--ServerApp.root_dir={root}", "--allow-root", "--LabApp.news_url=None",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            ],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            wait_for_server(f"http://127.0.0.1:{port}/api/status?token={token}", process)
            yield lambda name: f"http://127.0.0.1:{port}/lab/tree/{name}?token={token}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@contextlib.contextmanager
def browser_page():
    """A fresh headless Chromium page (Debian's chromium, not a Playwright download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": 1400, "height": 1000})
        finally:
            browser.close()


def accept_kernel_dialog(page) -> None:
    """JupyterLab sometimes asks which kernel to start; take the one it proposes (the notebook's)."""
    from playwright.sync_api import TimeoutError as NoDialog

    try:
        page.wait_for_selector(".jp-Dialog .jp-mod-accept", timeout=5_000)
    except NoDialog:  # the kernel started on its own
        return
    page.click(".jp-Dialog .jp-mod-accept")


def open_notebook(page, url: str) -> None:
    """Open a notebook and wait for its kernel."""
    page.goto(url)
    page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=60_000)
    accept_kernel_dialog(page)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)


def run_all(page) -> None:
    """Start Run > Run All Cells in the open notebook."""
    page.click(".lm-MenuBar-itemLabel:text-is('Run')")
    page.click("li.lm-Menu-item[data-command='runmenu:run-all']")


def open_and_run_all(page, url: str) -> None:
    """Open a notebook, wait for its kernel, and start Run > Run All Cells."""
    open_notebook(page, url)
    run_all(page)


def prompts(page) -> list[str]:
    return page.eval_on_selector_all(".jp-CodeCell .jp-InputPrompt", "els => els.map(e => e.textContent)")


def stderr_texts(page) -> list[str]:
    return page.eval_on_selector_all(STDERR, "els => els.map(e => e.textContent.slice(0, 500))")


def wait_until_run(page, seconds: float) -> list[str]:
    """Wait until every code cell has its execution count, or an error stopped "run all"; return the
    prompts. Fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        shown = prompts(page)
        if shown and all(re.fullmatch(r"\[\d+\]:", p.strip()) for p in shown):
            return shown
        if stderr_texts(page):
            return shown
        assert time.monotonic() < deadline, f"cells still pending after {seconds}s: {shown}"
        page.wait_for_timeout(500)


def nbgrader_menu(page) -> set[str]:
    """The entries of JupyterLab's Nbgrader menu that are shown (it is closed again afterwards)."""
    page.click(".lm-MenuBar-itemLabel:text-is('Nbgrader')")
    page.wait_for_selector("li.lm-Menu-item >> visible=true")
    items = page.eval_on_selector_all(
        "li.lm-Menu-item", "els => els.filter(e => e.offsetParent).map(e => e.textContent.trim())")
    page.keyboard.press("Escape")
    return {item for item in items if item}


WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page, impacts=("serious", "critical"), exclude=(), inside=None) -> list[str]:
    """axe-core's WCAG 2.0/2.1 A and AA violations of the given impacts on the open page (or only
    inside the element handle `inside`), one line each (rule, impact, how many elements, the first
    element's selector)."""
    from importlib import resources

    axe = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
    page.evaluate(axe)
    context = None  # the whole document
    if inside is not None:
        context = {"include": [inside]}
    elif exclude:
        context = {"exclude": [[selector] for selector in exclude]}
    # Every rule with a WCAG A/AA tag, the experimental ones included (label-content-name-mismatch,
    # WCAG 2.5.3, is experimental in axe 4.12 and is not run by a plain tag filter).
    result = page.evaluate(
        "([context, tags]) => axe.run(context ?? document, "
        "{runOnly: {type: 'rule', values: axe.getRules(tags).map(r => r.ruleId)}})",
        [context, WCAG_AA_TAGS],
    )
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])} elements, e.g. {v['nodes'][0]['target']}): {v['help']}"
        for v in result["violations"]
        if v["impact"] in impacts
    ]

"""The student view without nbgrader's error wall: with no exchange (self-study, `make lab` on a laptop)
the Nbgrader menu, its Assignments panel and the panel's server extension are left out, and the page
still passes axe-core; with an exchange (a class's hub) the Assignments entry is there and its panel
opens without errors. classroom/views/student/jupyter_server_config.py makes the decision.

Each server gets an nbgrader_config.py of its own (JUPYTER_CONFIG_PATH, after the view) naming its
exchange, so the result does not depend on whether this machine has nbgrader's default
/srv/nbgrader/exchange.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import ARTIFACTS, ROOT
from labdriver import axe_violations, browser_page, nbgrader_menu, serve_copies

pytestmark = pytest.mark.xdist_group("classroom")

VIEW = ROOT / "classroom" / "views" / "student"
INDEX = ROOT / "notebooks" / "00_index.ipynb"
# What nbgrader's Assignments panel shows when it has no exchange or no course (the error wall).
ERROR_WALL = ("Error fetching courses", "exchange directory does not exist")
ASSIGNMENT_PLUGINS = {"@jupyter/nbgrader:menu", "@jupyter/nbgrader:assignment-list"}
MENU_BAR = ".lm-MenuBar-itemLabel"


def nbgrader_settings(base: Path, exchange: Path) -> dict[str, str]:
    """Environment for the student view whose nbgrader uses `exchange` (a folder that may not exist)."""
    config = base / "nbgrader-config"
    config.mkdir()
    (config / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        "c.CourseDirectory.course_id = 'keras3-layers'\n"
        f"c.Exchange.root = {str(exchange)!r}\n")
    return {"JUPYTER_CONFIG_PATH": f"{VIEW}:{config}"}


def open_front_page(page, url: str) -> None:
    (ARTIFACTS / "classroom").mkdir(parents=True, exist_ok=True)  # for the screenshots
    page.goto(url)
    page.wait_for_selector(".jp-Notebook .jp-MarkdownCell", timeout=60_000)
    page.wait_for_selector(f"{MENU_BAR}:text-is('Kernel')", timeout=30_000)


def menu_bar(page) -> list[str]:
    return page.eval_on_selector_all(MENU_BAR, "els => els.map(e => e.textContent.trim())")


def error_wall(page) -> list[str]:
    text = page.inner_text("body")
    return [phrase for phrase in ERROR_WALL if phrase in text]


def lab_page_config(page) -> dict:
    return page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent)")


def test_self_study_view_has_no_assignments_panel(tmp_path, record_time):
    started = time.monotonic()
    env = nbgrader_settings(tmp_path, tmp_path / "no-exchange")
    with serve_copies(tmp_path, [INDEX], env) as url, browser_page() as page:
        open_front_page(page, url(INDEX.name))
        menus = menu_bar(page)
        disabled = set(lab_page_config(page)["disabledExtensions"])
        server_extension = page.request.get(url("").replace("/lab/tree/", "/assignments")).status
        wall = error_wall(page)
        violations = axe_violations(page)
        page.screenshot(path=str(ARTIFACTS / "classroom" / "view-self-study.png"))
    record_time("classroom", "self-study view (lab start + browser + axe)", time.monotonic() - started)
    assert "Nbgrader" not in menus, f"self-study view offers the Nbgrader menu: {menus}"
    assert ASSIGNMENT_PLUGINS <= disabled, f"not disabled: {ASSIGNMENT_PLUGINS - disabled}"
    assert server_extension == 404, "the Assignments server extension must not load without an exchange"
    assert not wall, f"the page shows nbgrader's errors: {wall}"
    assert not violations, "serious/critical WCAG A/AA violations:\n" + "\n".join(violations)


def test_class_view_keeps_the_assignments_panel(tmp_path, record_time):
    started = time.monotonic()
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    env = nbgrader_settings(tmp_path, exchange)
    with serve_copies(tmp_path, [INDEX], env) as url, browser_page() as page:
        open_front_page(page, url(INDEX.name))
        assert "Nbgrader" in menu_bar(page), f"no Nbgrader menu with an exchange: {menu_bar(page)}"
        menu = nbgrader_menu(page)
        page.click(f"{MENU_BAR}:text-is('Nbgrader')")
        page.click("li.lm-Menu-item[data-command='nbgrader:open-assignment-list']")
        page.wait_for_selector("text=Released assignments", timeout=30_000)
        page.wait_for_timeout(1_000)  # the panel fills its lists from the server after it opens
        wall = error_wall(page)
        violations = axe_violations(page)
        page.screenshot(path=str(ARTIFACTS / "classroom" / "view-class-assignments.png"))
    record_time("classroom", "class view with an exchange (lab start + browser + axe)",
                time.monotonic() - started)
    assert "Assignment List" in menu, f"the Nbgrader menu lacks Assignment List: {menu}"
    assert not wall, f"the Assignments panel shows errors with an exchange: {wall}"
    assert not violations, "serious/critical WCAG A/AA violations:\n" + "\n".join(violations)

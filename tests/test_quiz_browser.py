"""The practice widget in a real JupyterLab (headless Chromium): tick, Check, feedback, Retry."""

from __future__ import annotations

import time

import pytest
from conftest import ARTIFACTS, ROOT
from labdriver import browser_page, lab_server, open_and_run_all, stderr_texts

from helpers.quiz import load_quiz
from helpers.quiz.widget import inline_html

NOTEBOOK = ROOT / "quiz" / "practice.ipynb"


# One pytest-xdist worker runs this whole module, so its module-scoped fixture is built once.
pytestmark = pytest.mark.xdist_group("quiz_browser")


@pytest.fixture(scope="module")
def practice_lab(tmp_path_factory):
    with lab_server(tmp_path_factory.mktemp("quiz_lab"), [NOTEBOOK]) as url:
        yield url(NOTEBOOK.name)


def test_practice_widget_gives_feedback_in_jupyterlab(practice_lab, record_time):
    from playwright.sync_api import expect

    question = load_quiz().question(1)  # key AB
    shots = ARTIFACTS / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    with browser_page() as page:
        started = time.perf_counter()
        open_and_run_all(page, practice_lab)
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
        errors = stderr_texts(page)
    for option in question.options:
        assert inline_html(option.explanation) in feedback
    assert not errors, errors

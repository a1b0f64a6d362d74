"""The item-analysis page of a synthetic class of 120 in headless Chromium: it renders, its histogram
loads with its text alternative, axe-core finds no WCAG 2.1 AA violation, and a screenshot is kept.

Set QUIZ_REPORT_SCREENSHOTS=docs/img to refresh the two screenshots docs/quiz.md shows
(quiz_report.png: the top of the page; quiz_report_question.png: the flawed question's section).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from conftest import ARTIFACTS, require
from labdriver import CHROMIUM, axe_violations, browser_page
from test_item_analysis import QUIZ, synthetic_class

from helpers.quiz import format_choice
from helpers.quiz.report import main

pytestmark = pytest.mark.xdist_group("quiz_report_browser")

FLAWED = 12  # the strong students of the synthetic class are drawn to a distractor on this question


def answer_files(folder: Path, rows) -> Path:
    """The class as the batch grader's .json answer files, one per student."""
    folder.mkdir()
    for number, row in enumerate(rows, start=1):
        answers = {str(q.id): format_choice(picked) for q, picked in zip(QUIZ.questions, row, strict=True)}
        (folder / f"s{number:03d}.json").write_text(json.dumps(answers), encoding="utf-8")
    return folder


def test_the_report_page_of_a_class_of_120_in_chromium(tmp_path, monkeypatch, record_time, capsys):
    require(Path(CHROMIUM).exists(), f"{CHROMIUM} missing (apt-get install chromium)")
    shots = [ARTIFACTS / "browser"]
    if os.environ.get("QUIZ_REPORT_SCREENSHOTS"):
        shots.append(Path(os.environ["QUIZ_REPORT_SCREENSHOTS"]).resolve())
    monkeypatch.chdir(tmp_path)  # the page names its source as given: "answers"
    started = time.perf_counter()
    answer_files(Path("answers"), synthetic_class(120, flawed=FLAWED))
    assert main(["--files", "answers", "--out", "report"]) == 0
    record_time("quiz report", "120 students: read, analyse, write", time.perf_counter() - started, 10)
    assert "120 students, 20 questions" in capsys.readouterr().out
    page_file = tmp_path / "report" / "quiz_report.html"
    with browser_page() as page:
        page.set_viewport_size({"width": 1100, "height": 1400})
        page.goto(page_file.as_uri())
        image = page.locator("figure img")
        assert page.evaluate("img => img.complete && img.naturalWidth > 300", image.element_handle())
        alt = image.get_attribute("alt")
        assert alt.startswith("Bar chart of the totals of 120 students on 20 questions") and len(alt) > 150
        flagged = page.locator(f"#q{FLAWED} li.flag").first.inner_text()
        assert flagged.startswith("Check: negative discrimination")
        violations = axe_violations(page, impacts=("minor", "moderate", "serious", "critical"))
        questions_table = page.locator("table", has=page.locator("caption", has_text="Every question"))
        box = questions_table.bounding_box()
        top_of_page = {"x": 0, "y": 0, "width": 1100, "height": box["y"] + box["height"] + 16}
        for folder in shots:
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / "quiz_report.png"), full_page=True, clip=top_of_page)
            page.locator(f"#q{FLAWED}").screenshot(path=str(folder / "quiz_report_question.png"))
    assert violations == [], violations

"""The practice quiz of the classroom's student build (classroom/student_build.py installs this file as
helpers/quiz/locked.py).

The student build ships the questions (helpers/quiz/questions.json) without the key file. Until the
instructor releases the key (`make classroom-release-quiz-key`, after the graded quiz closes), the
practice quiz shows the questions and says that its answers are not open yet; once the key file
helpers/quiz/key.json is there, it is the ordinary practice quiz.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

HERE = Path(__file__).parent
KEY_FILE = HERE / "key.json"
QUESTIONS_FILE = HERE / "questions.json"
LOCKED = (
    "The answers of this practice quiz open once your instructor releases them (after the graded "
    "quiz closes). Until then you can read the questions below; Check and explanations are off."
)


def key_released() -> bool:
    return KEY_FILE.exists()


def _questions_html() -> str:
    data = json.loads(QUESTIONS_FILE.read_text(encoding="utf-8"))
    parts = [f"<p><b>{html.escape(LOCKED)}</b></p>"]
    for question in data["questions"]:
        options = "".join(
            f"<li><b>{letter}</b> {html.escape(option['text'])}</li>"
            for letter, option in question["options"].items()
        )
        code = f"<pre>{html.escape(question['code'])}</pre>" if question.get("code") else ""
        parts.append(
            f"<p><b>Question {question['id']}.</b> {html.escape(question['prompt'])}</p>{code}"
            f"<ul style='list-style:none'>{options}</ul>"
        )
    return "".join(parts)


def practice(rule: str | None = None):
    """The practice quiz widget, or the questions and a notice while the key is not released."""
    if key_released():
        from helpers.quiz.widget import practice as full_practice

        return full_practice(rule)
    import ipywidgets as widgets

    return widgets.HTML(_questions_html())


def practise_in_text(answers, rule: str | None = None) -> None:
    if key_released():
        from helpers.quiz.engine import practise_in_text as full

        full(answers, rule)
        return
    print(LOCKED)

"""The practice quiz as ipywidgets: a thin layer over `helpers.quiz.engine.QuizSession`.

All decisions (scoring, feedback, retries) are made by the session; this module only draws
checkboxes and buttons and forwards clicks, so the logic is tested without a browser. It uses
only core ipywidgets (Checkbox, Button, HTML, Box layouts), which JupyterLab renders natively and
Colab renders once its custom widget manager is on (the setup cell does that).
"""

from __future__ import annotations

import html
import re

import ipywidgets as widgets

from helpers.quiz.engine import RULE_DESCRIPTIONS, Question, QuestionResult, QuizSession

_CODE_SPAN = re.compile(r"`([^`]+)`")
COLOURS = {True: "#1b7f3b", False: "#b3261e"}  # green when the option was handled right, red otherwise


def inline_html(text: str) -> str:
    """Escape text for HTML and render `code` spans, the only markup the question data uses."""
    return _CODE_SPAN.sub(r"<code>\1</code>", html.escape(text, quote=False))


def question_html(question: Question) -> str:
    parts = [f"<b>Question {question.id}.</b> {inline_html(question.prompt)}"]
    if question.code:
        parts.append(f"<pre style='margin:4px 0'>{html.escape(question.code, quote=False)}</pre>")
    return "".join(parts)


def feedback_html(result: QuestionResult) -> str:
    """Per-option verdict and explanation, the score, and any Keras 3 note."""
    rows = []
    for option in result.options:
        mark = "&#10004;" if option.right else "&#10008;"
        rows.append(
            f"<li style='color:{COLOURS[option.right]}'>{mark} <b>{option.letter}</b> "
            f"({option.verdict}): <span style='color:inherit'>{inline_html(option.explanation)}</span></li>"
        )
    tries = "" if result.attempt == 1 else f" (attempt {result.attempt})"
    note = f"<p><i>Keras 3 note:</i> {inline_html(result.keras3_note)}</p>" if result.keras3_note else ""
    return (
        f"<p><b>Score {result.score:.2f} / 1</b>{tries}</p>"
        f"<ul style='margin:0;padding-left:1.2em'>{''.join(rows)}</ul>{note}"
    )


class PracticeQuiz:
    """Checkboxes per option, Check and Retry per question, running score at the top and bottom."""

    def __init__(self, session: QuizSession | None = None):
        self.session = session or QuizSession()
        self.scores = [widgets.HTML(), widgets.HTML()]
        self.boxes: dict[int, dict[str, widgets.Checkbox]] = {}
        self.check_buttons: dict[int, widgets.Button] = {}
        self.retry_buttons: dict[int, widgets.Button] = {}
        self.feedback: dict[int, widgets.HTML] = {}
        rule = RULE_DESCRIPTIONS[self.session.rule]
        intro = widgets.HTML(
            f"<h3>{inline_html(self.session.quiz.title)}</h3>"
            f"<p>Tick every option you think is right, then press <b>Check</b>. Scoring: {rule}.</p>"
        )
        cards = [self._card(question) for question in self.session.quiz.questions]
        self.widget = widgets.VBox([intro, self.scores[0], *cards, self.scores[1]])
        self._refresh_score()

    def _card(self, question: Question) -> widgets.Widget:
        qid = question.id
        rows, self.boxes[qid] = [], {}
        for option in question.options:
            box = widgets.Checkbox(value=False, description=f"{option.letter})", indent=False,
                                   layout=widgets.Layout(width="4em"))
            box.observe(lambda change, q=qid, letter=option.letter: self._toggle(q, letter, change), "value")
            self.boxes[qid][option.letter] = box
            rows.append(widgets.HBox([box, widgets.HTML(inline_html(option.text))]))
        check = widgets.Button(description="Check", button_style="primary")
        retry = widgets.Button(description="Retry", disabled=True)
        check.on_click(lambda _button, q=qid: self.check(q))
        retry.on_click(lambda _button, q=qid: self.retry(q))
        self.check_buttons[qid], self.retry_buttons[qid] = check, retry
        self.feedback[qid] = widgets.HTML()
        return widgets.VBox(
            [widgets.HTML(question_html(question)), *rows, widgets.HBox([check, retry]), self.feedback[qid]],
            layout=widgets.Layout(border="1px solid #ddd", padding="6px", margin="6px 0"),
        )

    def _toggle(self, qid: int, letter: str, change) -> None:
        if qid not in self.session.results:  # boxes are reset by Retry after the result is cleared
            self.session.set_pick(qid, letter, bool(change["new"]))

    def check(self, qid: int) -> QuestionResult:
        result = self.session.check(qid)
        self.feedback[qid].value = feedback_html(result)
        self._lock(qid, True)
        self._refresh_score()
        return result

    def retry(self, qid: int) -> None:
        self.session.retry(qid)
        for box in self.boxes[qid].values():
            box.value = False
        self.feedback[qid].value = ""
        self._lock(qid, False)
        self._refresh_score()

    def _lock(self, qid: int, checked: bool) -> None:
        for box in self.boxes[qid].values():
            box.disabled = checked
        self.check_buttons[qid].disabled = checked
        self.retry_buttons[qid].disabled = not checked

    def _refresh_score(self) -> None:
        for label in self.scores:
            label.value = f"<b>{html.escape(self.session.summary())}</b>"


def practice(rule: str | None = None) -> widgets.Widget:
    """The practice quiz widget; put `practice()` last in a cell to show it."""
    return PracticeQuiz(QuizSession(rule=rule)).widget

"""The practice notebook's computed questions as ipywidgets: a thin layer over
`helpers.quiz.computed.PracticeVariants`, with a New variant button. Its own module, so the classroom's
student build, which locks the conceptual practice quiz (helpers.quiz.widget) until the key is
released, keeps this part open: it needs no key, Keras computes its answers."""

from __future__ import annotations

import html

import ipywidgets as widgets

from helpers.quiz.widget import COLOURS, inline_html


class ComputedPractice:
    """Computed questions for self-learners: one option each, checked at once, and a **New variant**
    button that redraws them all for a fresh learner id (no key needed: Keras computes the answers)."""

    def __init__(self, count: int = 3, sections="all"):
        from helpers.quiz.computed import PracticeVariants  # draws run Keras: imported only when used

        self.practice = PracticeVariants(count, sections)
        self.new_button = widgets.Button(description="New variant", button_style="primary",
                                         tooltip="Draw new numbers for every question below")
        self.new_button.on_click(lambda _button: self.new_variant())
        self.cards = widgets.VBox()
        self.widget = widgets.VBox([
            widgets.HTML("<h3>Computed questions</h3><p>Work out the value, pick the option and press "
                         "<b>Check</b>. <b>New variant</b> draws new numbers: the answers come from "
                         "running the code, so there are always fresh ones to try.</p>"),
            self.new_button, self.cards,
        ])
        self._draw_cards()

    def _draw_cards(self) -> None:
        self.choices, self.feedback, cards = [], [], []
        for slot, v in enumerate(self.practice.variants, start=1):
            labels = [f"{letter}) {text}" for letter, text in zip("ABCD", v.options, strict=True)]
            choice = widgets.RadioButtons(options=labels, value=None, description=f"Question {slot}",
                                          layout=widgets.Layout(width="auto"))
            check = widgets.Button(description="Check")
            check.on_click(lambda _button, s=slot: self.check(s))
            self.choices.append(choice)
            self.feedback.append(widgets.HTML())
            code = f"<pre style='margin:4px 0'>{html.escape(v.code, quote=False)}</pre>" if v.code else ""
            cards.append(widgets.VBox(
                [widgets.HTML(f"<b>Question {slot}</b> ({html.escape(v.section_title)}). "
                              f"{inline_html(v.text)}{code}"), choice, check, self.feedback[-1]],
                layout=widgets.Layout(border="1px solid #ddd", padding="6px", margin="6px 0")))
        self.cards.children = cards

    def new_variant(self) -> None:
        self.practice.new_variant()
        self._draw_cards()

    def check(self, slot: int) -> float:
        picked = (self.choices[slot - 1].value or "")[:1]
        score, verdict = self.practice.check(slot, picked)
        colour = COLOURS[score == 1]
        self.feedback[slot - 1].value = f"<p style='color:{colour}'>{inline_html(verdict)}</p>"
        return score


def practice_computed(count: int = 3, sections="all") -> widgets.Widget:
    """Computed practice questions with a New variant button; put it last in a cell to show it."""
    return ComputedPractice(count, sections).widget

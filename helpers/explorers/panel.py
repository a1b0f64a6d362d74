"""The frame every explorer shares: labelled controls, the picture with a text alternative, a readout.

An explorer subclass lists its controls and says how to `render` the current settings: a PNG, the
picture's text alternative and a plain-text readout of the numbers the picture draws. The panel
shows the picture as an HTML `<img alt>` (ipywidgets' Image widget has no alt) and the readout in
a live region, so a screen reader announces what each change did; a problem goes to the same
region as one line, never a traceback.
"""

from __future__ import annotations

import base64
import io
from contextlib import contextmanager
from html import escape

# Labels in full: ipywidgets otherwise cuts every description to a fixed width.
LABEL_STYLE = {"description_width": "initial"}
# How a drop-down list is worked by keyboard in JupyterLab, which keeps the bare arrow keys of a
# closed list for moving between cells (ipywidgets#3912); Colab and other front ends take them too.
LIST_KEYS = ("Tab moves from control to control. In a drop-down list, Space or Alt + Down opens it, "
             "the arrow keys choose and Enter confirms; Home and End pick the first and last choice.")
PROBLEM_COLOUR = "#b3261e"  # 6.5:1 on white, enough for WCAG AA text contrast


def png(fig) -> bytes:
    """A matplotlib figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def image_html(png: bytes, alt: str, width: str = "640px") -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<img src="data:image/png;base64,{data}" alt="{escape(alt)}" '
            f'style="width: {width}; max-width: 100%">')


def readout_html(text: str, problem: bool = False) -> str:
    """`text` in a polite live region (role status): announced after each change, without focus."""
    style = f"color: {PROBLEM_COLOUR}; font-weight: bold; " if problem else ""
    shown = f"⚠ {text}" if problem else text
    return (f'<p class="explorer-readout" role="status" aria-live="polite" '
            f'style="{style}white-space: normal; line-height: 1.4">{escape(shown)}</p>')


def one_line(error: Exception) -> str:
    """The message a user sees for `error`: its own text for a ValueError (the explorers' "impossible
    setting"), else its type and first line."""
    first = (str(error).splitlines() or [""])[0]
    return first if isinstance(error, ValueError) else f"{type(error).__name__}: {first}"


def number_field(description: str, value: float, low: float, high: float, step: float, integer=False):
    """A labelled number field (a spin button: the arrow keys step it) over [low, high].

    Not an ipywidgets slider: in ipywidgets 8.1.9 a slider's handle has no accessible name (its
    description is a <label> tied to nothing) and its editable readout is a second unnamed stop.
    """
    import ipywidgets as widgets

    kind = widgets.BoundedIntText if integer else widgets.BoundedFloatText
    return kind(value=value, min=low, max=high, step=step, description=description, style=LABEL_STYLE)


class ExplorerPanel:
    """Controls on the left; the picture and, under it, the readout on the right. Redraws on every change."""

    def __init__(self, controls, hint: str = "", width: str = "640px", arranged=None):
        """`arranged`: a widget holding `controls` laid out (default: one column of them)."""
        import ipywidgets as widgets

        self.controls = list(controls)
        self.width = width
        self.picture = widgets.HTML()
        self.readout = widgets.HTML()
        self._held = False
        for control in self.controls:
            control.style.description_width = LABEL_STYLE["description_width"]  # shown whole
            control.observe(lambda _change: self._held or self.update(), names="value")
        # Row wrap: where the notebook is narrow, the picture goes under the controls, not off the side.
        row = widgets.HBox([
            arranged or widgets.VBox(self.controls, layout=widgets.Layout(flex="0 0 auto")),
            widgets.VBox([self.picture, self.readout], layout=widgets.Layout(flex="1 1 400px")),
        ], layout=widgets.Layout(flex_flow="row wrap"))
        # The hint first, where a screen reader reading down meets it before the controls.
        note = f'<p style="white-space: normal; margin: 0">{escape(hint)}</p>'
        self.widget = widgets.VBox([widgets.HTML(note), row] if hint else [row])

    @contextmanager
    def one_redraw(self):
        """Change several controls inside the block; the explorer redraws once, at its end."""
        self._held = True
        try:
            yield
        finally:
            self._held = False
            self.update()

    def render(self) -> tuple[bytes, str, str]:
        """(PNG, text alternative, readout) for the current settings; raise ValueError when impossible."""
        raise NotImplementedError

    def update(self) -> None:
        try:
            png, alt, text = self.render()
        except Exception as error:  # the picture stays as it was; the region says what is wrong
            self.readout.value = readout_html(one_line(error), problem=True)
            return
        self.picture.value = image_html(png, alt, self.width)
        self.readout.value = readout_html(text)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

"""Checks shared by the explorers' headless tests: what a screen reader gets from an explorer panel."""

from __future__ import annotations

import re
from html import unescape


def readout_text(panel) -> str:
    """The readout's text, after checking it sits in a polite live region (announced on change)."""
    html = panel.readout.value
    assert 'role="status"' in html and 'aria-live="polite"' in html, html
    return unescape(re.sub(r"<[^>]+>", "", html))


def picture_alt(panel) -> str:
    """The picture's alt text, after checking it is a PNG shown as an <img>."""
    html = panel.picture.value
    assert html.startswith('<img src="data:image/png;base64,'), html[:80]
    alt = re.search(r' alt="([^"]*)"', html)
    assert alt, f"the picture has no alt: {html[:40]}"
    return unescape(alt.group(1))


def assert_every_control_labelled(panel, says: list[tuple[str, ...]]) -> None:
    """Control i shows its whole description, which contains the words says[i] (what it changes);
    no control is an ipywidgets slider (8.1.9 gives a slider's handle no accessible name)."""
    assert len(panel.controls) == len(says), [c.description for c in panel.controls]
    for control, words in zip(panel.controls, says, strict=True):
        assert control.style.description_width == "initial", control.description
        assert all(word in control.description for word in words), (control.description, words)
    stack = [panel.widget]
    while stack:
        widget = stack.pop()
        assert "Slider" not in type(widget).__name__, f"{type(widget).__name__} has no accessible name"
        stack.extend(getattr(widget, "children", ()))


def numbers(text: str) -> list[float]:
    """Every number in `text`, in order (thousands separators and % signs dropped)."""
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", text.replace(",", ""))]

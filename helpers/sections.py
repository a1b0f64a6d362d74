"""The course's API sections (section number, title, namespace and the Keras names each one covers)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources


@cache
def sections() -> tuple[dict, ...]:
    text = resources.files("helpers").joinpath("api_sections.json").read_text(encoding="utf-8")
    return tuple(json.loads(text))


def section(number: str) -> dict:
    """The section whose number is `number` ("01" ... "17")."""
    for entry in sections():
        if entry["section"] == number:
            return entry
    raise KeyError(f"no API section {number!r}; sections are {[s['section'] for s in sections()]}")

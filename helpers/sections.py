"""The course's API sections (section number, title, namespace and the Keras names each one covers).

`api_sections.json` holds the seed's 162 names; `api_beyond_seed.json` the further public names of
the same namespaces in the pinned Keras. The course teaches both; `names()` gives the union.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources


def _load(filename: str):
    return json.loads(resources.files("helpers").joinpath(filename).read_text(encoding="utf-8"))


@cache
def sections() -> tuple[dict, ...]:
    return tuple(_load("api_sections.json"))


@cache
def beyond_seed() -> dict[str, dict]:
    """Section number -> {"namespace": ..., "names": [...]} for names the seed leaves out."""
    return _load("api_beyond_seed.json")["sections"]


def section(number: str) -> dict:
    """The section whose number is `number` ("01" ... "17")."""
    for entry in sections():
        if entry["section"] == number:
            return entry
    raise KeyError(f"no API section {number!r}; sections are {[s['section'] for s in sections()]}")


def names(number: str) -> list[str]:
    """Every Keras name section `number` teaches: the seed's, then those beyond the seed."""
    extra = beyond_seed().get(number, {}).get("names", [])
    return list(section(number)["apis"]) + [name for name in extra if name not in section(number)["apis"]]

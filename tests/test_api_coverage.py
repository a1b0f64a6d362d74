"""The course covers the installed Keras: every public name of the five namespaces is run somewhere.

A Keras upgrade that adds a layer, activation, initializer, regularizer or constraint fails here,
naming it, until a notebook teaches it (and the inventory in helpers/ lists it).
"""

from __future__ import annotations

import re
import subprocess
import sys
import types

import nbformat
import pytest
from conftest import ROOT

from helpers.sections import names, sections

NAMESPACES = ("layers", "activations", "initializers", "regularizers", "constraints")
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))


def public_names(namespace: str) -> set[str]:
    import keras

    module = getattr(keras, namespace)
    return {
        name for name in dir(module)
        if not name.startswith("_") and not isinstance(getattr(module, name), types.ModuleType)
    }


def all_code() -> str:
    return "\n".join(
        cell.source
        for path in NOTEBOOKS
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "code"
    )


def aliases(namespace: str, code: str) -> set[str]:
    """Names the code binds to the namespace: `ini = keras.initializers`, `from keras import x as y`."""
    found = {namespace}
    found |= set(re.findall(rf"^\s*(\w+)\s*=\s*keras\.{namespace}\s*(?:#.*)?$", code, flags=re.MULTILINE))
    found |= set(re.findall(rf"from keras import {namespace} as (\w+)", code))
    found |= set(re.findall(rf"import keras\.{namespace} as (\w+)", code))
    return found


def used(namespace: str, name: str, code: str, ambiguous: set[str]) -> bool:
    """`<ns or its alias>.<name>` always counts; a bare name only if no other namespace has it."""
    for alias in aliases(namespace, code):
        if re.search(rf"\b{alias}\.{re.escape(name)}\b", code):
            return True
    return name not in ambiguous and re.search(rf"\b{re.escape(name)}\b", code) is not None


@pytest.fixture(scope="module")
def installed() -> dict[str, set[str]]:
    return {namespace: public_names(namespace) for namespace in NAMESPACES}


def test_the_inventory_lists_every_installed_public_name(installed):
    inventory = {name for entry in sections() for name in names(entry["section"])}
    missing = {ns: sorted(found - inventory) for ns, found in installed.items() if found - inventory}
    assert not missing, f"public Keras names the course's inventory does not list: {missing}"


def test_every_installed_public_name_is_run_in_a_notebook(installed):
    code = all_code()
    counts: dict[str, int] = {}
    for found in installed.values():
        for name in found:
            counts[name] = counts.get(name, 0) + 1
    ambiguous = {name for name, count in counts.items() if count > 1}
    missing = {
        ns: sorted(name for name in found if not used(ns, name, code, ambiguous))
        for ns, found in installed.items()
    }
    missing = {ns: found for ns, found in missing.items() if found}
    total = sum(len(found) for found in missing.values())
    assert not missing, f"{total} public Keras names are run in no notebook: {missing}"


def test_the_check_catches_a_name_no_notebook_uses():
    code = "x = keras.layers.Dense(2)\ny = keras.activations.get('relu')\n"
    assert used("layers", "Dense", code, set())
    assert not used("layers", "Conv2D", code, set())
    assert used("activations", "get", code, {"get"})
    assert not used("initializers", "get", code, {"get"})  # a bare `get` elsewhere does not count
    aliased = "ini = keras.initializers\nini.get('zeros')\n"
    assert used("initializers", "get", aliased, {"get"}) and not used("regularizers", "get", aliased, {"get"})


def test_the_index_page_is_fresh():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "api_index.py"), "check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_index_links_every_section_notebook_and_the_practice():
    index = (ROOT / "notebooks" / "src" / "00_index.py").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        if path.name != "00_index.ipynb":
            assert f"]({path.name})" in index, f"the index does not link {path.name}"
    for target in ("../quiz/practice.ipynb", "../quiz/keras3_review.ipynb", "../grading/release/"):
        assert target in index
    assert "**missing**" not in index, "the index lists names that no notebook runs"

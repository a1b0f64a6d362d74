"""Section notebooks follow DESIGN.md's skeleton, carry a Colab badge to themselves and the setup cell."""

from __future__ import annotations

import re

import nbformat
import pytest
from conftest import ROOT

from helpers.project import SETUP_CELL, colab_badge
from helpers.sections import section

SKELETON = [
    "What", "Where", "Why", "When", "Who", "How", "Pros", "Cons", "Picture", "Table",
    "Example", "Proof", "Application", "Key terms", "Summary",
]
OPTIONAL_LAST = "Exercises"
SECTION_NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# Everything a student opens with the course's setup cell: sections, quiz practice, exercise releases.
ALL_NOTEBOOKS = (
    SECTION_NOTEBOOKS
    + sorted((ROOT / "quiz").glob("*.ipynb"))
    + sorted((ROOT / "grading" / "release").glob("ex*/*.ipynb"))
)


def ids(path):
    return str(path.relative_to(ROOT))


def level2_headings(nb) -> list[str]:
    return [
        match.group(1).strip()
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for match in re.finditer(r"^## (?!#)(.+)$", cell.source, flags=re.MULTILINE)
    ]


def code_text(nb) -> str:
    return "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")


def test_every_notebook_dir_is_nonempty():
    assert SECTION_NOTEBOOKS, "notebooks/ holds no NN_slug.ipynb section notebook"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ids)
def test_title_badge_and_setup_cell(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "first cell must be a # title"
    badge = colab_badge(str(path.relative_to(ROOT)))
    assert badge in first.source, f"the title cell must carry the Colab badge for its own path:\n{badge}"
    everything = "\n".join(cell.source for cell in nb.cells)
    badges = re.findall(r"colab\.research\.google\.com/github/\S+?\.ipynb", everything)
    assert len(badges) == 1, f"exactly one Colab link expected, found {badges}"
    first_code = next(cell for cell in nb.cells if cell.cell_type == "code")
    assert first_code.source == SETUP_CELL, "the first code cell must be helpers.project.SETUP_CELL verbatim"


@pytest.mark.parametrize("path", SECTION_NOTEBOOKS, ids=ids)
def test_skeleton_headings_in_order(path):
    headings = level2_headings(nbformat.read(path, as_version=4))
    expected = SKELETON + ([OPTIONAL_LAST] if headings[-1:] == [OPTIONAL_LAST] else [])
    assert headings == expected, f"level-2 headings must be exactly {expected}, found {headings}"


@pytest.mark.parametrize("path", SECTION_NOTEBOOKS, ids=ids)
def test_every_api_of_the_section_is_executed(path):
    entry = section(path.name[:2])
    code = code_text(nbformat.read(path, as_version=4))
    missing = [api for api in entry["apis"] if not re.search(rf"\b{re.escape(api)}\b", code)]
    assert not missing, f"section {entry['section']} APIs never used in a code cell: {missing}"

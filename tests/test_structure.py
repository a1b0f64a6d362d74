"""Section notebooks follow DESIGN.md's skeleton, carry a Colab badge to themselves and the setup cell."""

from __future__ import annotations

import re

import nbformat
import pytest
from conftest import ROOT

from helpers.notebook_meta import backends_of
from helpers.project import SETUP_CELL, backend_cell, colab_badge
from helpers.sections import names, section, sections

SKELETON = [
    "What", "Where", "Why", "When", "Who", "How", "Pros", "Cons", "Picture", "Table",
    "Example", "Proof", "Application", "Key terms", "Summary",
]
HEADER = "In this notebook"  # the lesson header (helpers/lessons.py), rendered under the title
EXERCISES = "Exercises"  # self-check exercises (helpers/selfcheck)
DEEP_DIVE = "Deep dive (optional)"  # proofs for trust, internals, history: folded, after the core path
# NN_slug.ipynb, or NNa_slug.ipynb / NNb_slug.ipynb for a section split into parts; 00 is the index.
SECTION_NOTEBOOKS = sorted(
    p for p in (ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb")
    if re.match(r"^\d\d[a-z]?_", p.name) and p.name[:2] != "00"
)
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
    code = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    backends = backends_of(nb.metadata)
    if len(backends) == 1 and code[0] == backend_cell(backends[0]):
        code = code[1:]  # a one-backend notebook chooses its backend before the setup cell
    assert code[0] == SETUP_CELL, "the first code cell must be helpers.project.SETUP_CELL verbatim"


@pytest.mark.parametrize("path", SECTION_NOTEBOOKS, ids=ids)
def test_skeleton_headings_in_order(path):
    headings = level2_headings(nbformat.read(path, as_version=4))
    expected = [HEADER, *SKELETON, EXERCISES] + ([DEEP_DIVE] if headings[-1:] == [DEEP_DIVE] else [])
    assert headings == expected, f"level-2 headings must be exactly {expected}, found {headings}"


def section_parts(number: str) -> list:
    return [p for p in SECTION_NOTEBOOKS if p.name[:2] == number]


@pytest.mark.parametrize("number", sorted({p.name[:2] for p in SECTION_NOTEBOOKS}))
def test_every_api_of_the_section_is_executed(number):
    """Every seed and beyond-the-seed name of the section appears in a code cell of one of its parts."""
    code = "\n".join(code_text(nbformat.read(p, as_version=4)) for p in section_parts(number))
    missing = [api for api in names(number) if not re.search(rf"\b{re.escape(api)}\b", code)]
    assert not missing, f"section {number} names never used in a code cell: {missing}"


def test_section_numbers_are_known():
    known = {entry["section"] for entry in sections()}
    assert {p.name[:2] for p in SECTION_NOTEBOOKS} <= known
    assert section("01")["apis"]

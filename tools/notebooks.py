"""Build the course's .ipynb files from their jupytext (py:percent) sources, or check they are fresh.

    python tools/notebooks.py build    # write every generated notebook
    python tools/notebooks.py check    # exit 1 and name every stale or orphaned notebook

The text sources are what authors edit and review; the .ipynb files are what students open (and
what Colab's badge fetches from GitHub), so both are committed and must agree.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from helpers import lessons, selfcheck  # noqa: E402

RUN_TIMES = ROOT / "notebooks" / "run_times.json"  # written by tools/matrix.py --record

# (text sources, generated notebooks). Add a pair here to bring a new folder under the check.
PAIRS = [
    (ROOT / "notebooks" / "src", ROOT / "notebooks"),
    (ROOT / "quiz" / "src", ROOT / "quiz"),
]

NOTEBOOK_METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
    "colab": {"provenance": []},
}


def render(source: Path, prepare_cell=None) -> str:
    """The exact .ipynb text generated from one py:percent source (`prepare_cell(cell)` may edit
    each cell first, e.g. to complete nbgrader metadata)."""
    nb = jupytext.read(source)
    if source.stem in lessons.lessons():
        nb.cells.insert(1, nbformat.v4.new_markdown_cell(lesson_header(source.stem, nb.cells)))
    course = nb.metadata.get("course")  # the course's own keys (e.g. backends) survive regeneration
    nb.metadata = dict(NOTEBOOK_METADATA)
    if course:
        nb.metadata["course"] = course
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:03d}"  # stable ids keep regenerated files byte-identical
        if cell.cell_type == "markdown" and cell.source.startswith(f"## {lessons.DEEP_DIVE}"):
            cell.metadata["jp-MarkdownHeadingCollapsed"] = True  # JupyterLab opens the deep dive folded
        if prepare_cell is not None:
            prepare_cell(cell)
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


@cache
def titles() -> dict[str, str]:
    """Notebook stem -> the title of its first cell, for every section notebook source (read once per
    process: every notebook's header links its prerequisites by title)."""
    found = {}
    for source in sorted((ROOT / "notebooks" / "src").glob("*.py")):
        first = source.read_text(encoding="utf-8").split("# # ", 1)[1].split("\n", 1)[0]
        found[source.stem] = first.strip()
    return found


def lesson_time(stem: str, cells=None) -> tuple[lessons.StudyTime, int]:
    """The study time of a section notebook by the rule in helpers/lessons.py, and its exercise count."""
    if cells is None:
        cells = jupytext.read(ROOT / "notebooks" / "src" / f"{stem}.py").cells
    exercises = selfcheck.of_notebook(stem)
    return lessons.study_time(cells, sum(e.minutes for e in exercises)), len(exercises)


def run_seconds(stem: str) -> float | None:
    """The slowest backend's measured run time (notebooks/run_times.json), if measured."""
    measured = json.loads(RUN_TIMES.read_text(encoding="utf-8")).get(stem) if RUN_TIMES.exists() else None
    return max(measured.values()) if measured else None


def lesson_header(stem: str, cells) -> str:
    time, count = lesson_time(stem, cells)
    return lessons.header_markdown(stem, time, count, run_seconds(stem), titles())


def build_or_check(argv: list[str], out: Path, render_text, usage: str) -> int:
    """`build` writes `out` from `render_text()` when it differs; `check` exits 1 when it is stale.
    The command line of every tool that generates one committed file (front page, syllabus)."""
    command = argv[1] if len(argv) > 1 else "check"
    if command not in ("build", "check"):
        print(usage)
        return 2
    text = render_text()
    fresh = out.exists() and out.read_text(encoding="utf-8") == text
    if command == "check":
        if not fresh:
            print(f"{out.relative_to(ROOT)} is stale: run `make notebooks`")
        return 0 if fresh else 1
    if not fresh:
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out.relative_to(ROOT)}")
    return 0


def targets(pairs=PAIRS) -> list[tuple[Path, Path]]:
    """Every (source, generated notebook) pair."""
    return [
        (source, out_dir / f"{source.stem}.ipynb")
        for src_dir, out_dir in pairs
        for source in sorted(src_dir.glob("*.py"))
    ]


def stale(pairs=PAIRS) -> list[str]:
    """Problems a `build` would fix: missing or outdated notebooks, and notebooks with no source."""
    problems = []
    built = targets(pairs)
    for source, notebook in built:
        if not notebook.exists():
            problems.append(f"{notebook.name} is missing")
        elif notebook.read_text(encoding="utf-8") != render(source):
            problems.append(f"{notebook.name} is stale against {source.name}")
    generated = {notebook for _, notebook in built}
    for _, out_dir in pairs:
        for notebook in sorted(out_dir.glob("*.ipynb")):
            if notebook not in generated:
                problems.append(f"{notebook.name} has no text source")
    return problems


def build() -> None:
    for source, notebook in targets():
        text = render(source)
        if not notebook.exists() or notebook.read_text(encoding="utf-8") != text:
            notebook.write_text(text, encoding="utf-8")
            print(f"wrote {notebook.relative_to(ROOT)}")


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "build":
        build()
        return 0
    if command == "check":
        problems = stale()
        for problem in problems:
            print(problem)
        if problems:
            print("run `make notebooks` to regenerate")
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

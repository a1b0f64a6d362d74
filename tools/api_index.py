"""Generate the course's front door, notebooks/00_index.ipynb (via its jupytext source), or check it.

    python tools/api_index.py build    # write notebooks/src/00_index.py (then tools/notebooks.py build)
    python tools/api_index.py check    # exit 1 if the committed source differs from a fresh render

The page lists every section notebook with what it teaches and how long it runs, the quiz and the
exercises, and every Keras name the course covers (the seed's and those beyond it) with the
notebook that executes it. Run times come from notebooks/run_times.json, which `make matrix` writes.
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import notebooks as notebook_tool  # noqa: E402  (tools/notebooks.py: titles and study times)
from helpers import lessons  # noqa: E402
from helpers.project import SETUP_CELL, colab_badge  # noqa: E402
from helpers.sections import beyond_seed, section, sections  # noqa: E402

INDEX_SOURCE = ROOT / "notebooks" / "src" / "00_index.py"
RUN_TIMES = ROOT / "notebooks" / "run_times.json"
PART = re.compile(r"^(\d\d)[a-z]?_.+\.py$")

HEADER = """# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: -all
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
# ---
"""


def section_parts() -> dict[str, list[Path]]:
    """Section number -> its notebook sources (NN_slug.py or NNa_, NNb_ ... parts), in order."""
    parts: dict[str, list[Path]] = {}
    for source in sorted((ROOT / "notebooks" / "src").glob("*.py")):
        match = PART.match(source.name)
        if match and match.group(1) != "00":
            parts.setdefault(match.group(1), []).append(source)
    return parts


def code_of(source: Path) -> str:
    """The code cells of a py:percent source (markdown cells left out)."""
    cells = re.split(r"^# %%.*$", source.read_text(encoding="utf-8"), flags=re.MULTILINE)
    markers = re.findall(r"^# %%.*$", source.read_text(encoding="utf-8"), flags=re.MULTILINE)
    pairs = zip(markers, cells[1:], strict=True)
    return "\n".join(cell for marker, cell in pairs if "[markdown]" not in marker)


def run_time_text(stem: str, times: dict) -> str:
    measured = times.get(stem)
    if not measured:
        raise SystemExit(f"no measured run time for {stem}: `make matrix` records notebooks/run_times.json")
    return f"≈ {5 * math.ceil(max(measured.values()) / 5)} s"


def where_taught(number: str, name: str, parts: list[Path], codes: dict[Path, str]) -> list[Path]:
    return [p for p in parts if re.search(rf"\b{re.escape(name)}\b", codes[p])]


def render() -> str:
    parts = section_parts()
    codes = {p: code_of(p) for ps in parts.values() for p in ps}
    times = json.loads(RUN_TIMES.read_text(encoding="utf-8")) if RUN_TIMES.exists() else {}
    total_names = sum(len(s["apis"]) for s in sections())
    total_names += sum(len(v["names"]) for v in beyond_seed().values())

    cells = [
        "# %% [markdown]\n"
        "# # Keras 3 Layers API: the course\n"
        "#\n"
        f"# A course on the layers of Keras 3 in {len(sections())} sections, one notebook (or a few parts) "
        "each, with\n# pictures, explorers and proof cells that assert every claim (against an "
        "independent NumPy\n# computation, or as an expected shape or error) on TensorFlow, JAX and "
        "PyTorch; the three parts\n# of section 17 run on the backends their layers need. Every notebook "
        "opens with what you will be\n# able to do after it, what to read first and how long it takes; "
        "its core path fits one 90-minute\n# session, and an optional deep dive at its end holds the "
        "proofs that are there for trust.\n"
        "#\n"
        "# **Where to start.** Begin with 01 (the base `Layer` class): every other notebook builds on it. "
        "After\n# that, follow the *Read first* column below; 02–05 (activations, initializers, "
        "regularizers, constraints)\n# and 06 (core layers) are the common ground of the later notebooks.\n"
        "#\n"
        f"# {colab_badge('notebooks/00_index.ipynb')}\n",
        "# %%\n" + SETUP_CELL + "\n",
    ]

    rows = ["| Notebook | What it teaches | Study time: core path · whole | Read first | Runs in |",
            "|---|---|---|---|---|"]
    blocks = ["## What each notebook teaches", ""]
    all_titles = notebook_tool.titles()
    for entry in sections():
        for source in parts.get(entry["section"], []):
            stem = source.stem
            data = lessons.lesson(stem)
            time, count = notebook_tool.lesson_time(stem)
            link = f"[{all_titles[stem]}]({stem}.ipynb)"
            first = ", ".join(f"[{p['notebook'].split('_')[0]}]({p['notebook']}.ipynb)"
                              for p in data.get("prerequisites", [])) or "—"
            rows.append(f"| {link} | {data['summary']} | {lessons.as_text(time.core)} · "
                        f"{lessons.as_text(time.whole)} | {first} | {run_time_text(stem, times)} |")
            blocks += [f"### {link}", "", "After it you can:", ""]
            blocks += [f"{i}. {text}" for i, text in enumerate(data["objectives"], start=1)]
            practice = [f"{count} self-check exercise{'s' if count != 1 else ''} in the notebook"]
            practice += [f"graded exercise `{g['exercise']}`" for g in data.get("graded", [])]
            quiz = [str(q["question"]) for q in data.get("quiz", [])]
            if quiz:
                practice.append(f"quiz question{'s' if len(quiz) > 1 else ''} {', '.join(quiz)}")
            blocks += ["", "Practise it: " + "; ".join(practice) + ".", ""]
        if entry["section"] not in parts:
            rows.append(f"| {entry['section']} {entry['title']} (not written yet) | | | | |")
    cells.append("# %% [markdown]\n# ## Sections\n#\n" + "\n".join(f"# {row}" for row in rows) + "\n#\n"
                 "# Study times follow the rule in [docs/study_time.md](../docs/study_time.md); run times "
                 "are the slowest\n# backend's, measured on a 2-core CPU.\n")
    cells.append("# %% [markdown]\n" + "\n".join(f"# {line}".rstrip() for line in blocks).rstrip("# \n")
                 + "\n")

    exercises = sorted((ROOT / "grading" / "release").glob("ex*/*.ipynb"))
    practice = [
        "## Practice and assessment",
        "",
        "- [The 20-question quiz, with instant feedback](../quiz/practice.ipynb)",
        "- [Keras 3 review of the quiz's answer key](../quiz/keras3_review.ipynb): every fact the key "
        "relies on, proved",
        "- Graded exercises (nbgrader; write custom layers, graded automatically). In a class they reach "
        "you through *Assignments*; studying alone, open them here and run their checks:",
    ]
    practice += [f"  - [{nb.stem}](../{nb.relative_to(ROOT).as_posix()})" for nb in exercises]
    practice += ["- For instructors: [a 6-week syllabus and a 3-session workshop](../docs/syllabus.md), with "
                 "every quiz question and exercise mapped to the objectives it assesses"]
    cells.append("# %% [markdown]\n" + "\n".join(f"# {line}".rstrip() for line in practice) + "\n")

    api = [
        "## Every name, and where it is taught",
        "",
        "Names in **bold** come from the course's original outline; the others are the rest of the "
        "same Keras namespaces in the Keras this course pins. A test checks the installed Keras: a new "
        "public name that no notebook runs fails the test suite.",
        "",
        "| Name | Namespace | Section | Notebook |",
        "|---|---|---|---|",
    ]
    for entry in sections():
        number = entry["section"]
        extra = beyond_seed().get(number, {"names": [], "namespace": entry["namespace"]})
        named = [(n, entry["namespace"], True) for n in entry["apis"]]
        named += [(n, extra["namespace"], False) for n in extra["names"]]
        for name, namespace, from_seed in named:
            found = where_taught(number, name, parts.get(number, []), codes)
            notebooks = ", ".join(f"[{p.stem}]({p.stem}.ipynb)" for p in found) or "**missing**"
            shown = f"**`{name}`**" if from_seed else f"`{name}`"
            api.append(f"| {shown} | `{namespace}` | {number} {section(number)['title']} | {notebooks} |")
    cells.append("# %% [markdown]\n" + "\n".join(f"# {line}".rstrip() for line in api) + "\n")
    return HEADER + "\n" + "\n".join(cells)


def main(argv: list[str]) -> int:
    return notebook_tool.build_or_check(argv, INDEX_SOURCE, render, __doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))

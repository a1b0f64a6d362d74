"""What each notebook teaches, what it needs first, how long it takes: the lesson header's data.

`helpers/lesson_data/<notebook stem>.toml` holds, per notebook, a one-line summary, 3-5 objectives,
prerequisites and
where its graded exercise and quiz questions are. `tools/notebooks.py` renders the header from it
into the generated notebook (after the title cell), `tools/api_index.py` the front page, and
`tools/syllabus.py` docs/syllabus.md, so the three cannot disagree.

Study time follows one written rule (docs/study_time.md), computed from the notebook's own text:

    minutes = (prose words + WORDS_PER_CODE_LINE x code lines) / WORDS_PER_MINUTE
              + MINUTES_PER_FORMULA x formulas + each exercise's stated minutes

The core path is everything before the `## Deep dive (optional)` heading, without the exercises.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

WORDS_PER_MINUTE = 37  # study pace: read, run, look at the output (calibrated, docs/study_time.md)
WORDS_PER_CODE_LINE = 4
MINUTES_PER_FORMULA = 0.7
DEEP_DIVE = "Deep dive (optional)"
EXERCISES = "Exercises"
CORE_LIMIT_MINUTES = 90

_WORD = re.compile(r"[A-Za-z0-9_`]+")
_FORMULA = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", re.DOTALL)
_HEADING2 = re.compile(r"^## (?!#)(.+)$", re.MULTILINE)


@cache
def lessons() -> dict[str, dict]:
    """Notebook stem -> its lesson data (summary, objectives, prerequisites, graded, quiz)."""
    folder = resources.files("helpers").joinpath("lesson_data")
    return {
        entry.name.removesuffix(".toml"): tomllib.loads(entry.read_text(encoding="utf-8"))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".toml")
    }


def lesson(stem: str) -> dict:
    return lessons()[stem]


@dataclass(frozen=True)
class Reading:
    words: int = 0
    code_lines: int = 0
    formulas: int = 0

    def __add__(self, other: Reading) -> Reading:
        return Reading(
            self.words + other.words, self.code_lines + other.code_lines, self.formulas + other.formulas
        )

    @property
    def minutes(self) -> float:
        return (self.words + WORDS_PER_CODE_LINE * self.code_lines) / WORDS_PER_MINUTE + (
            MINUTES_PER_FORMULA * self.formulas
        )


def reading_of(cell) -> Reading:
    """What one notebook cell costs to study (a dict or NotebookNode with cell_type and source)."""
    source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
    if cell["cell_type"] == "markdown":
        formulas = _FORMULA.findall(source)
        return Reading(words=len(_WORD.findall(_FORMULA.sub(" ", source))), formulas=len(formulas))
    if cell["cell_type"] == "code":
        return Reading(code_lines=sum(1 for line in source.splitlines() if line.strip()))
    return Reading()


def parts(cells) -> dict[str, list]:
    """The cells of each part: "core" (before Exercises / Deep dive), "exercises", "deep dive"."""
    split: dict[str, list] = {"core": [], "exercises": [], "deep dive": []}
    part = "core"
    for cell in cells:
        if cell["cell_type"] == "markdown":
            for heading in _HEADING2.findall(cell["source"]):
                heading = heading.strip()
                part = {EXERCISES: "exercises", DEEP_DIVE: "deep dive"}.get(heading, part)
        split[part].append(cell)
    return split


@dataclass(frozen=True)
class StudyTime:
    core: float
    deep_dive: float
    exercises: float  # the exercises' own stated minutes plus reading their cells

    @property
    def whole(self) -> float:
        return self.core + self.deep_dive + self.exercises


def study_time(cells, exercise_minutes: int = 0) -> StudyTime:
    split = parts(cells)
    total = {name: sum((reading_of(c) for c in chosen), Reading()).minutes for name, chosen in split.items()}
    return StudyTime(total["core"], total["deep dive"], total["exercises"] + exercise_minutes)


def as_text(minutes: float) -> str:
    """Minutes rounded up to 5, as '45 min' or '2 h 10 min'."""
    rounded = 5 * math.ceil(minutes / 5)
    hours, rest = divmod(rounded, 60)
    return f"{hours} h {rest} min" if hours and rest else f"{hours} h" if hours else f"{rest} min"



def header_markdown(
    stem: str, time: StudyTime, exercise_count: int, run_seconds: float | None, titles: dict[str, str]
) -> str:
    """The lesson header shown under a notebook's title (`titles`: stem -> notebook title, for links)."""
    data = lesson(stem)
    number = stem.split("_")[0]
    lines = [
        "## In this notebook",
        "",
        f"**Study time:** core path about {as_text(time.core)}; the whole notebook with "
        + ("the optional deep dive and " if time.deep_dive else "")
        + f"{exercise_count} self-check exercises about {as_text(time.whole)} "
        "([how this is estimated](../docs/study_time.md))."
        + (f" Running every cell takes about {run_seconds:.0f} s." if run_seconds else ""),
        "",
        "**After this notebook you can:**",
        "",
    ]
    lines += [f"{i}. {text}" for i, text in enumerate(data["objectives"], start=1)]
    lines += ["", "**Read first:** " + (
        "; ".join(f"[{titles[p['notebook']]}]({p['notebook']}.ipynb) ({p['for']})"
                  for p in data.get("prerequisites", []))
        or "nothing beyond Python, NumPy and one small Keras model trained before."
    )]
    practice = []
    for graded in data.get("graded", []):
        practice.append(f"graded exercise `{graded['exercise']}` (your instructor releases it)")
    questions = [str(q["question"]) for q in data.get("quiz", [])]
    if questions:
        practice.append(f"question{'s' if len(questions) > 1 else ''} {', '.join(questions)} of the "
                        "[practice quiz](../quiz/practice.ipynb)")
    if practice:
        lines += ["", "**Practise it:** " + "; ".join(practice) + "."]
    folded = ""
    if time.deep_dive:
        folded = (f"; the *{DEEP_DIVE}* part after it (folded in JupyterLab: click its heading to open "
                  "it) holds the proofs that are there for trust rather than for understanding")
    lines += ["", f"The core path ends at *{EXERCISES}*{folded}. The syllabus calls these objectives "
              f"O{number}.1, O{number}.2, …"]
    return "\n".join(lines)

"""Generate the graded quiz, `grading/source/quiz/quiz.ipynb`, from the question data.

    python -m helpers.quiz.assignment build   # (re)write the nbgrader source notebook
    python -m helpers.quiz.assignment check   # exit 1 if it is stale

The notebook shows each question with its options, an answer cell per question (`answer_N = ""`)
and a 1-point test cell whose only content is a hidden test that calls `helpers.quiz.autograde`.
Nothing in it is derived from the correct options or their explanations: the key is read from
helpers/quiz/key.json at grading time, on the instructor's machine. `tests/test_quiz_nbgrader.py` proves
this by building the release from two different keys and finding it byte-identical.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

from helpers.quiz.engine import RULE_DESCRIPTIONS, Question, Quiz, answer_variable, load_quiz

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = "quiz"
SOURCE = ROOT / "grading" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"

METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}

CHECK_CELL = '''# Checks the FORMAT of your answers (it does not know which answers are correct).
try:
    from helpers.quiz import report_answers
except ImportError:
    print("The course helpers are not installed here, so the format check is skipped.")
else:
    report_answers(globals())'''


def _nbgrader(grade_id: str, *, grade=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": True, "schema_version": 3,
            "solution": False, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def intro_markdown(quiz: Quiz) -> str:
    count = len(quiz.questions)
    return f"""# {quiz.title} (graded)

Answer each question in the code cell just below it: write the letters of **every** option you
think is correct between the quotes, for example `{answer_variable(3)} = "AC"`. Some questions have
one correct option, others several. Lower case, spaces and commas are fine (`"a, c"`); leave `""` to
skip a question.

**Scoring.** {RULE_DESCRIPTIONS[quiz.rule].capitalize()}. Your total is out of {count}.

**Before you submit**, run every cell (*Kernel → Restart Kernel and Run All Cells*) and read the
format check at the end. Do not rename the `answer_N` variables and do not delete cells. The cells
marked *scored by a hidden test* stay empty here; they are filled in when your work is graded."""


def question_markdown(question: Question) -> str:
    lines = [f"### Question {question.id}", "", question.prompt]
    if question.code:
        lines += ["", "```python", question.code, "```"]
    lines.append("")
    lines += [f"- **{option.letter})** {option.text}" for option in question.options]
    return "\n".join(lines)


def answer_code(question: Question) -> str:
    comment = f'# Your letters for question {question.id}, e.g. "AC" (or "" to skip)'
    return f'{comment}\n{answer_variable(question.id)} = ""'


def grade_code(question: Question) -> str:
    return "\n".join([
        f"# Question {question.id} is scored by a hidden test when your quiz is graded.",
        "### BEGIN HIDDEN TESTS",
        "from helpers.quiz import autograde",
        "",
        f"autograde({question.id}, {answer_variable(question.id)})",
        "### END HIDDEN TESTS",
    ])


def build_notebook(quiz: Quiz) -> nbformat.NotebookNode:
    v4 = nbformat.v4
    cells = [v4.new_markdown_cell(intro_markdown(quiz), metadata=_nbgrader("intro"))]
    for question in quiz.questions:
        qid = question.id
        cells += [
            v4.new_markdown_cell(question_markdown(question), metadata=_nbgrader(f"question_{qid}")),
            # A plain cell, not an nbgrader solution cell: those are replaced by a stub on release.
            v4.new_code_cell(answer_code(question), metadata={"deletable": False, "tags": ["quiz-answer"]}),
            v4.new_code_cell(grade_code(question), metadata=_nbgrader(f"grade_{qid}", grade=True,
                                                                     points=1)),
        ]
    cells += [
        v4.new_markdown_cell("### Format check", metadata=_nbgrader("check_title")),
        v4.new_code_cell(CHECK_CELL, metadata=_nbgrader("format_check")),
    ]
    for index, cell in enumerate(cells):
        cell["id"] = f"cell-{index:03d}"
    nb = v4.new_notebook(cells=cells, metadata=dict(METADATA))
    nbformat.validate(nb)
    return nb


def render(quiz: Quiz | None = None) -> str:
    return nbformat.writes(build_notebook(quiz or load_quiz())) + "\n"


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    text = render()
    fresh = SOURCE.exists() and SOURCE.read_text(encoding="utf-8") == text
    if command == "build":
        if not fresh:
            SOURCE.parent.mkdir(parents=True, exist_ok=True)
            SOURCE.write_text(text, encoding="utf-8")
            print(f"wrote {SOURCE.relative_to(ROOT)}")
        return 0
    if command == "check":
        if not fresh:
            print(f"{SOURCE.relative_to(ROOT)} is stale: run `python -m helpers.quiz.assignment build`")
        return 0 if fresh else 1
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

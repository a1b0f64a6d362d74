"""Generate the graded quiz, `grading/source/quiz/quiz.ipynb`, from the question data.

    python -m helpers.quiz.assignment build   # (re)write the nbgrader source notebook
    python -m helpers.quiz.assignment check   # exit 1 if it is stale

The notebook shows each question with its options, an answer cell per question (`answer_N = ""`)
and a 1-point test cell whose only content is a hidden test that calls `helpers.quiz.autograde`.
Nothing in it is derived from the correct options or their explanations: the key is read from
helpers/quiz/key.json at grading time, on the instructor's machine. `tests/test_quiz_nbgrader.py` proves
this by building the release from two different keys and finding it byte-identical.

With `computed = N` in grading/quiz.toml, N computed questions follow the twenty: per question a
locked cell that prints the student's own variant (drawn in the kernel, helpers/quiz/computed.py), an
answer cell (`answer_cK = ""`) and a 1-point cell whose hidden test regrades the letters against the
variant of the submission's owner. N and the sections are written into those cells; the secret is not.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

from helpers.quiz import computed
from helpers.quiz.computed import ComputedConfig, ComputedQuizError
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
    report_answers(globals(){computed})'''


def _nbgrader(grade_id: str, *, grade=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": True, "schema_version": 3,
            "solution": False, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def intro_markdown(quiz: Quiz, extra: int = 0) -> str:
    count = len(quiz.questions) + extra
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


def computed_markdown(config: ComputedConfig, first: int) -> str:
    return f"""## Computed questions

The next {config.count} questions are drawn for you: the cell under each heading prints your own
version (a classmate's has other numbers and other options), computed when you run it. Each has one
correct option; write its letter, e.g. `{computed.answer_variable(1)} = "B"`. Your work is graded on
the version drawn for your account, whatever the notebook shows, so run the cells in your own
account. These are questions {first} to {first + config.count - 1} of your total."""


def computed_cells(config: ComputedConfig, first: int) -> list:
    v4 = nbformat.v4
    args = f"count={config.count}, sections={config.sections!r}"
    cells = [v4.new_markdown_cell(computed_markdown(config, first), metadata=_nbgrader("computed_intro"))]
    for slot in range(1, config.count + 1):
        name = computed.answer_variable(slot)
        show = f"from helpers.quiz.computed import show_computed\n\nshow_computed({slot}, {args})"
        blank = f'# Your letter for computed question {slot}, e.g. "B" (or "" to skip)\n{name} = ""'
        cells += [
            v4.new_code_cell(show, metadata=_nbgrader(f"computed_question_{slot}")),
            v4.new_code_cell(blank, metadata={"deletable": False, "tags": ["quiz-computed-answer"]}),
            v4.new_code_cell("\n".join([
                f"# Computed question {slot} is scored by a hidden test when your quiz is graded.",
                "### BEGIN HIDDEN TESTS",
                "from helpers.quiz.computed import autograde_computed",
                "",
                f"autograde_computed({slot}, {name}, {args})",
                "### END HIDDEN TESTS",
            ]), metadata=_nbgrader(f"grade_c{slot}", grade=True, points=1)),
        ]
    return cells


def build_notebook(quiz: Quiz, config: ComputedConfig | None = None) -> nbformat.NotebookNode:
    v4 = nbformat.v4
    config = config or ComputedConfig()
    cells = [v4.new_markdown_cell(intro_markdown(quiz, config.count), metadata=_nbgrader("intro"))]
    for question in quiz.questions:
        qid = question.id
        cells += [
            v4.new_markdown_cell(question_markdown(question), metadata=_nbgrader(f"question_{qid}")),
            # A plain cell, not an nbgrader solution cell: those are replaced by a stub on release.
            v4.new_code_cell(answer_code(question), metadata={"deletable": False, "tags": ["quiz-answer"]}),
            v4.new_code_cell(grade_code(question), metadata=_nbgrader(f"grade_{qid}", grade=True,
                                                                     points=1)),
        ]
    if config.count:
        cells += computed_cells(config, len(quiz.questions) + 1)
    check = CHECK_CELL.format(computed=f", computed={config.count}" if config.count else "")
    cells += [
        v4.new_markdown_cell("### Format check", metadata=_nbgrader("check_title")),
        v4.new_code_cell(check, metadata=_nbgrader("format_check")),
    ]
    for index, cell in enumerate(cells):
        cell["id"] = f"cell-{index:03d}"
    nb = v4.new_notebook(cells=cells, metadata=dict(METADATA))
    nbformat.validate(nb)
    return nb


def render(quiz: Quiz | None = None, config: ComputedConfig | None = None) -> str:
    return nbformat.writes(build_notebook(quiz or load_quiz(), config or computed.load_config())) + "\n"


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    try:
        text = render()
    except ComputedQuizError as error:
        print(f"{computed.CONFIG_FILE.name}: {error}")
        return 2
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

"""Item analysis of the graded quiz: `make quiz-report` (docs/quiz.md, "Item analysis").

    python -m helpers.quiz.report (--nbgrader DIR | --files DIR | --moodle CSV) [--out DIR]
                                  [--key KEY_FILE] [--allow-partial]

Where the answers come from:
  --nbgrader DIR  nbgrader's submitted/ (or autograded/) folder: <student>/quiz/quiz.ipynb, whose
                  answer cells are parsed, never run (the same reader as `make quiz-crosscheck`)
  --files DIR     the batch grader's answer files (<student>.json / .txt / .ipynb)
  --moodle CSV    Moodle's quiz Responses report, downloaded as CSV (or tab-separated): columns
                  Surname, First name, Email address, ..., State, Started on, Completed, Time
                  taken, Grade/xx.xx, Response 1 ... Response N (and optionally Right answer N,
                  Question N). "Response N" is quiz slot N = course question N; each cell holds the
                  texts of the options ticked, joined by "; " ("-" = no answer), which are mapped
                  back to the letters through the option texts of the course's questions.

Writes DIR/quiz_items.csv (one row per question), DIR/quiz_summary.csv (the whole quiz) and
DIR/quiz_report.html (tables, the score histogram, KR-20), replacing earlier ones. The statistics
are helpers/quiz/item_analysis.py's. Exit status: 0 written, 2 nothing written (the one-line reason is
on stderr); warnings about individual files or rows are printed on stderr, one line each.
"""

from __future__ import annotations

import argparse
import base64
import csv
import io
import itertools
import re
import sys
from dataclasses import dataclass
from html import escape
from pathlib import Path

from helpers import safe_csv
from helpers.quiz import LETTERS, Quiz, QuizDataError, batch, format_choice, load_quiz
from helpers.quiz.item_analysis import (
    GROUPS,
    ItemAnalysis,
    ItemAnalysisError,
    ItemStats,
    OptionCounts,
    analyse,
)

DEFAULT_OUT = Path("build/quiz_report")
MIN_STUDENTS_ADVICE = 30  # below this, say on the page that the numbers are rough


class ReportInputError(ValueError):
    """An input the report cannot be built from; the message is one line."""


@dataclass
class Answers:
    """The response matrix of one class: students in order, one set of letters per question."""

    source: str
    students: list[str]
    rows: list[list[frozenset[str] | None]]
    warnings: list[str]


# ---------------------------------------------------------------------------------------------
# nbgrader submissions and answer files (the batch grader's reader)
# ---------------------------------------------------------------------------------------------


def answers_from_folder(folder: Path, quiz: Quiz, nbgrader: bool, allow_partial: bool) -> Answers:
    if not folder.is_dir():
        hint = " (collect the quiz first: make collect ASSIGNMENT=quiz)" if nbgrader else ""
        raise ReportInputError(f"{folder} is not a folder{hint}")
    sheets, problems = batch.collect(folder, quiz, allow_partial=True, nbgrader=nbgrader)
    warnings = [str(problem) for problem in problems]
    rows = []
    for sheet in sheets:
        if sheet.missing and not allow_partial:
            numbers = ", ".join(map(str, sheet.missing))
            raise ReportInputError(f"{sheet.name} has no answer for question(s) {numbers}; "
                                   "--allow-partial (ALLOW_PARTIAL=1) counts them as blank")
        rows.append([sheet.answers.get(qid, frozenset()) for qid in quiz.ids])
    return Answers(str(folder), [sheet.student for sheet in sheets], rows, warnings)


# ---------------------------------------------------------------------------------------------
# Moodle's quiz Responses report
# ---------------------------------------------------------------------------------------------

# The user identity fields Moodle can show in a quiz report, and the attempt columns.
IDENTITY_COLUMNS = ("Surname", "First name", "Email address", "ID number", "Username", "Institution",
                    "Department", "City/town", "Country", "Phone", "Mobile phone", "Address")
ATTEMPT_COLUMNS = ("State", "Started on", "Completed", "Time taken")
STUDENT_ID_COLUMNS = ("Email address", "ID number", "Username")
_GRADE = re.compile(r"Grade/\d+(?:[.,]\d+)?")
_SLOT = re.compile(r"(Response|Right answer|Question) (\d+)")
_MARK = re.compile(r"Q\. ?\d+ ?/\d+(?:[.,]\d+)?")  # a per-question mark: Moodle's Grades report
NO_RESPONSE = "-"  # what Moodle writes for a question left unanswered
FINISHED = "Finished"


def plain(text: str) -> str:
    """Option text as Moodle's plain-text summary shows it, compared loosely: the Markdown code
    backticks are gone, white space collapsed, case ignored."""
    return " ".join(text.replace("`", "").split()).casefold()


def option_texts(quiz: Quiz) -> dict[int, dict[str, frozenset[str] | None]]:
    """For each question, every way Moodle can summarise a response -> the letters ticked.

    Moodle joins the ticked options' texts with "; " in the order the student saw them (shuffled),
    and an option text may itself contain "; " (question 7's does), so the response is matched as a
    whole against every ordering of every set of options, not split. None marks a text that two
    different sets produce (it could not be told apart).
    """
    table = {}
    for question in quiz.questions:
        texts: dict[str, frozenset[str] | None] = {}
        for size in range(1, len(question.options) + 1):
            for chosen in itertools.permutations(question.options, size):
                summary = plain("; ".join(option.text for option in chosen))
                letters = frozenset(option.letter for option in chosen)
                texts[summary] = letters if texts.get(summary, letters) == letters else None
        table[question.id] = texts
    return table


def _read_table(path: Path) -> list[list[str]]:
    try:
        text = batch.decode_text(path.read_bytes())
    except (OSError, UnicodeDecodeError) as error:
        raise ReportInputError(f"cannot read {path} as UTF-8 text ({error})") from error
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","  # Moodle offers CSV and TSV
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [row for row in rows if any(cell.strip() for cell in row)]


def _moodle_columns(header: list[str], quiz: Quiz) -> dict[str, dict[int, int]]:
    """Column index of each slot's Response / Right answer / Question; refuses unknown columns."""
    slots: dict[str, dict[int, int]] = {"Response": {}, "Right answer": {}, "Question": {}}
    unknown = []
    for index, name in enumerate(header):
        match = _SLOT.fullmatch(name)
        if match:
            slots[match.group(1)][int(match.group(2))] = index
        elif not (name in IDENTITY_COLUMNS or name in ATTEMPT_COLUMNS or _GRADE.fullmatch(name)):
            unknown.append(name)
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise ReportInputError(f"the header repeats the column(s) {', '.join(map(repr, repeated))}")
    if not slots["Response"] and any(_MARK.fullmatch(name) for name in header):
        raise ReportInputError("this is Moodle's Grades report (marks only); download the Responses report "
                               "(Quiz > Results > Responses > Download table data as CSV)")
    if unknown:
        raise ReportInputError(f"unknown column(s) {', '.join(map(repr, unknown[:5]))}: expected Moodle's "
                               "quiz Responses report, English column names (Surname, ..., Response 1, ...)")
    extra = sorted(set(slots["Response"]) - set(quiz.ids))
    absent = [qid for qid in quiz.ids if qid not in slots["Response"]]
    if extra or absent:
        what = (f"Response {extra[0]} is not a question of this quiz" if extra
                else f"no 'Response {absent[0]}' column")
        raise ReportInputError(f"{what}: the report needs Response 1 ... Response {len(quiz.ids)}, "
                               "one per course question in course order")
    return slots


def _student_name(header: list[str], row: list[str], number: int) -> str:
    for column in STUDENT_ID_COLUMNS:
        if column in header and row[header.index(column)].strip():
            return row[header.index(column)].strip()
    names = [row[header.index(c)].strip() for c in ("First name", "Surname") if c in header]
    return " ".join(n for n in names if n) or f"row {number}"


def _letters(cell: str | None, texts: dict, where: str) -> frozenset[str] | None:
    if cell is None or not cell.strip():
        return None  # nothing recorded: not even Moodle's "-"
    if cell.strip() == NO_RESPONSE:
        return frozenset()
    letters = texts.get(plain(cell), False)
    if letters is False:
        raise ReportInputError(f"{where}: {cell.strip()[:60]!r} is none of the question's option texts "
                               "(is the Moodle quiz this course's quiz, questions in course order?)")
    if letters is None:
        raise ReportInputError(f"{where}: {cell.strip()[:60]!r} matches two different sets of options")
    return letters


def answers_from_moodle(path: Path, quiz: Quiz) -> Answers:
    table = _read_table(path)
    if not table:
        raise ReportInputError(f"{path} is empty")
    header = [name.strip() for name in table[0]]
    slots = _moodle_columns(header, quiz)
    texts = option_texts(quiz)
    students, rows, warnings, seen = [], [], [], {}
    skipped: dict[str, int] = {}
    for number, raw in enumerate(table[1:], start=2):
        row = raw + [None] * (len(header) - len(raw))  # a short row: its last cells were never written
        if "Surname" in header and (row[header.index("Surname")] or "").strip() == "Overall average":
            continue  # the averages row Moodle appends to some downloads
        state = (row[header.index("State")] or "").strip() if "State" in header else FINISHED
        if state != FINISHED:
            skipped[state or "no state"] = skipped.get(state or "no state", 0) + 1
            continue
        student = _student_name(header, row, number)
        if student.casefold() in seen:
            raise ReportInputError(f"{student} has two finished attempts (lines {seen[student.casefold()]} "
                                   f"and {number}); download the report with one attempt per student")
        seen[student.casefold()] = number
        answers = []
        for qid in quiz.ids:
            where = f"line {number} ({student}), Response {qid}"
            answers.append(_letters(row[slots["Response"][qid]], texts[qid], where))
            if qid in slots["Right answer"]:
                right_where = where.replace("Response", "Right answer")
                right = _letters(row[slots["Right answer"][qid]], texts[qid], right_where)
                key = quiz.question(qid).correct
                if right and right != key:
                    raise ReportInputError(
                        f"line {number}: Moodle's right answer to question {qid} is {format_choice(right)}, "
                        f"the course key says {format_choice(key)}: not this quiz, or its questions are in "
                        "another order")
        students.append(student)
        rows.append(answers)
    warnings += [f"SKIPPED {count} attempt(s) in state {state!r} (only finished attempts are analysed)"
                 for state, count in skipped.items()]
    return Answers(str(path), students, rows, warnings)


# ---------------------------------------------------------------------------------------------
# Output: two CSVs and one HTML page
# ---------------------------------------------------------------------------------------------


def _number(value: float | None, digits: int = 4) -> str:
    if value is None:
        return ""
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def item_rows(result: ItemAnalysis) -> list[list[str]]:
    labels = [*LETTERS, "blank"]
    header = ["question", "key", "students", "correct", "facility", "rest_correlation", "upper_lower",
              *[f"{label}_{group}" for label in labels for group in (*GROUPS, "total")], "flags"]
    rows = [header]
    for item in result.items:
        counts = []
        for option in (*item.options, item.blank):
            counts += [_number(getattr(option, group)) for group in GROUPS] + [str(option.total)]
        rows.append([item.item, format_choice(item.key), str(result.test.students), str(item.n_correct),
                     _number(item.facility), _number(item.rest_correlation), _number(item.upper_lower),
                     *counts, "; ".join(item.flags)])
    return rows


def summary_rows(result: ItemAnalysis) -> list[list[str]]:
    test = result.test
    rows = [["measure", "value"], ["students", str(test.students)], ["questions", str(test.items)],
            ["mean", _number(test.mean)], ["sd", _number(test.sd)], ["kr20", _number(test.kr20)],
            ["sem", _number(test.sem)], ["group_size", str(test.group_size)]]
    return rows + [[f"total_{total}", str(count)] for total, count in enumerate(test.histogram)]


def histogram_alt(result: ItemAnalysis) -> str:
    """The histogram's text alternative: what it shows, and what to conclude from it."""
    test = result.test
    seen = [t for t, count in enumerate(test.histogram) if count]
    mode = max(range(len(test.histogram)), key=lambda t: (test.histogram[t], -t))
    edges = []
    for total, where in ((test.items, "ceiling"), (0, "floor")):
        share = test.histogram[total] / test.students
        if share >= 0.10:
            edges.append(f"{share:.0%} of the class scored {total} "
                         f"(a {where} effect: the quiz cannot rank them)")
    edge = "; ".join(edges) or f"nobody piles up at 0 or {test.items}, so the quiz ranks the whole class"
    return (f"Bar chart of the totals of {test.students} students on {test.items} questions (a question "
            f"counts when its answer is exactly right). Totals run from {seen[0]} to {seen[-1]}; the most "
            f"common is {mode} ({test.histogram[mode]} students); mean {test.mean:.1f}, SD {test.sd:.1f}. "
            f"{edge[0].upper()}{edge[1:]}.")


def histogram_png(result: ItemAnalysis) -> bytes:
    import matplotlib as mpl
    from matplotlib.figure import Figure

    from helpers.plots import COURSE_STYLE, PALETTE

    with mpl.rc_context(COURSE_STYLE):
        fig = Figure(figsize=(6.4, 3.2))
        ax = fig.add_subplot()
        totals = range(len(result.test.histogram))
        ax.bar(totals, result.test.histogram, color=PALETTE[0], edgecolor="black", linewidth=0.6)
        ax.set_xlabel(f"Questions answered exactly right (of {result.test.items})")
        ax.set_ylabel("Students")
        ax.set_title(f"Totals of {result.test.students} students")
        ax.set_xticks(list(totals)[:: 2 if len(totals) > 12 else 1])
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return buffer.getvalue()


def inline_code(text: str) -> str:
    """Question text as HTML: escaped, its Markdown `code` spans set as <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text))


def _shown(value: float | None) -> str:
    """A statistic on the page: two decimals, or why there is none."""
    return "undefined" if value is None else f"{value:.2f}"


def _count(value: float) -> str:
    return _number(value, 1)


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 1.5rem auto; padding: 0 1rem;
       line-height: 1.45; color: #111; background: #fff; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
caption { text-align: left; font-weight: bold; padding: 0.3rem 0; }
th, td { border: 1px solid #777; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
thead th { background: #eee; }
tbody th { white-space: nowrap; }
td ul, div ul { margin: 0.2rem 0; padding-left: 1.2rem; }
.flag { font-weight: bold; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; }
"""


def _flag_cell(item: ItemStats) -> str:
    if not item.flags:
        return "none"
    return "<ul>" + "".join(f'<li class="flag">Check: {escape(flag)}</li>' for flag in item.flags) + "</ul>"


def _summary_table(result: ItemAnalysis) -> str:
    test = result.test
    rows = [
        ("Students", str(test.students), "finished attempts analysed"),
        ("Questions", str(test.items), "each scored 1 when answered exactly right, else 0"),
        ("Mean total", _shown(test.mean), f"out of {test.items}"),
        ("Standard deviation", _shown(test.sd), "spread of the totals (divided by N)"),
        ("KR-20 reliability", _shown(test.kr20),
         "0 to 1: how consistently the questions rank students; 0.7 or more for a graded test"),
        ("Standard error of measurement", _shown(test.sem),
         "SD &times; &radic;(1 &minus; KR-20): a student's total is uncertain by about this many points"),
        ("Upper / lower group", f"{test.group_size} students each",
         "27 % of the class by total, ties shared"),
    ]
    body = "".join(f'<tr><th scope="row">{name}</th><td class="num">{value}</td><td>{meaning}</td></tr>'
                   for name, value, meaning in rows)
    return ('<table><caption>Reliability and spread of the totals</caption><thead><tr>'
            '<th scope="col">Measure</th><th scope="col">Value</th><th scope="col">What it means</th>'
            f'</tr></thead><tbody>{body}</tbody></table>')


def _items_table(result: ItemAnalysis) -> str:
    body = "".join(
        f'<tr><th scope="row"><a href="#q{escape(item.item)}">Question {escape(item.item)}</a></th>'
        f'<td>{format_choice(item.key)}</td><td class="num">{_shown(item.facility)}</td>'
        f'<td class="num">{_shown(item.rest_correlation)}</td>'
        f'<td class="num">{_shown(item.upper_lower)}</td><td>{_flag_cell(item)}</td></tr>'
        for item in result.items)
    return ('<table><caption>Every question: facility, discrimination and what to check</caption><thead><tr>'
            '<th scope="col">Question</th><th scope="col">Key</th><th scope="col">Facility (share right)</th>'
            '<th scope="col">Rest correlation r</th><th scope="col">Upper&minus;lower D</th>'
            f'<th scope="col">Flags</th></tr></thead><tbody>{body}</tbody></table>')


def _option_table(item: ItemStats, quiz: Quiz, group_size: int) -> str:
    question = quiz.question(int(item.item))
    texts = {option.letter: option.text for option in question.options}

    def row(option: OptionCounts) -> str:
        name = option.letter if option.letter != "blank" else "(none ticked)"
        status = "correct" if option.correct else ("&mdash;" if option.letter == "blank" else "distractor")
        cells = "".join(f'<td class="num">{_count(getattr(option, group))}</td>' for group in GROUPS)
        text = inline_code(texts.get(option.letter, ""))
        return (f'<tr><th scope="row">{name}</th><td>{text}</td><td>{status}</td>'
                f'{cells}<td class="num">{option.total}</td></tr>')

    return (f'<table><caption>Question {escape(item.item)}: students who ticked each option, by group '
            f'(upper and lower {group_size} students each)</caption><thead><tr><th scope="col">Option</th>'
            '<th scope="col">Text</th><th scope="col">Status</th><th scope="col">Upper</th>'
            '<th scope="col">Middle</th><th scope="col">Lower</th><th scope="col">All</th></tr></thead>'
            f'<tbody>{"".join(row(o) for o in (*item.options, item.blank))}</tbody></table>')


def _question_section(item: ItemStats, quiz: Quiz, students: int, group_size: int) -> str:
    return (f'<section id="q{escape(item.item)}"><h3>Question {escape(item.item)}</h3>'
            f"<p>{inline_code(quiz.question(int(item.item)).prompt)}</p>"
            f"<p>Facility {_shown(item.facility)} ({item.n_correct} of {students} right), rest correlation "
            f"{_shown(item.rest_correlation)}, upper&minus;lower D {_shown(item.upper_lower)}.</p>"
            f"<div>Flags: {_flag_cell(item)}</div>{_option_table(item, quiz, group_size)}</section>")


def report_html(result: ItemAnalysis, quiz: Quiz, source: str) -> str:
    test = result.test
    png = base64.b64encode(histogram_png(result)).decode("ascii")
    histogram_rows = "".join(f'<tr><th scope="row">{total}</th><td class="num">{count}</td></tr>'
                             for total, count in enumerate(test.histogram))
    caution = ""
    if test.students < MIN_STUDENTS_ADVICE:
        caution = (f"<p><strong>Note:</strong> with {test.students} students these numbers are rough; "
                   f"read them with {MIN_STUDENTS_ADVICE} or more.</p>")
    questions = "".join(_question_section(item, quiz, test.students, test.group_size)
                        for item in result.items)
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Quiz item analysis</title><style>{STYLE}</style></head>
<body><main>
<h1>Quiz item analysis: {escape(quiz.title)}</h1>
<p>{test.students} students, {test.items} questions, answers read from <code>{escape(source)}</code>.
A question counts as right when the ticked options are exactly the key (so questions with several
correct options are scored all-or-nothing here, whatever rule graded them). The upper and lower
groups are the {test.group_size} students with the highest and the lowest totals (27 % each); students
tied at a group's edge share its last places, so some group counts are fractions.</p>
{caution}
<h2>The whole quiz</h2>
{_summary_table(result)}
<figure><img src="data:image/png;base64,{png}" alt="{escape(histogram_alt(result))}">
<figcaption>Histogram of the totals (questions answered exactly right per student).</figcaption></figure>
<details><summary>The histogram as a table</summary>
<table><caption>Students per total</caption><thead><tr><th scope="col">Total</th><th scope="col">Students</th>
</tr></thead><tbody>{histogram_rows}</tbody></table></details>
<h2>Questions</h2>
<p>Facility is the share of students who got the question right. The rest correlation r is the
correlation between getting it right and the total of the other questions: below 0 the weaker
students do better on it (check the key and the wording), below {0.10:.2f} it hardly separates
strong from weak. D is the share right in the upper group minus the share right in the lower group.
A distractor (wrong option) ticked by fewer than 5 % of students does no work.</p>
{_items_table(result)}
<h2>Option picks by group</h2>
{questions}
</main></body></html>
"""


def write_report(result: ItemAnalysis, quiz: Quiz, source: str, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "quiz_items.csv", out / "quiz_summary.csv", out / "quiz_report.html"]
    for path, rows in zip(paths[:2], (item_rows(result), summary_rows(result)), strict=True):
        with path.open("w", newline="", encoding="utf-8") as handle:
            safe_csv.writer(handle, lineterminator="\n").writerows(rows)
    paths[2].write_text(report_html(result, quiz, source), encoding="utf-8")
    return paths


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.quiz.report",
        description="Item analysis of the graded quiz (see the module docstring).")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--nbgrader", type=Path, metavar="DIR", help="nbgrader's submitted/ folder")
    source.add_argument("--files", type=Path, metavar="DIR",
                        help="a folder of answer files (.json, .txt, .ipynb)")
    source.add_argument("--moodle", type=Path, metavar="CSV", help="Moodle's quiz Responses report (CSV)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"output folder (default {DEFAULT_OUT})")
    parser.add_argument("--key", type=Path, default=None, help="key file (default: the course's)")
    parser.add_argument("--allow-partial", action="store_true", help="count missing answers as blank")
    return parser.parse_args(argv)


def read_answers(args: argparse.Namespace, quiz: Quiz) -> Answers:
    if args.moodle is not None:
        return answers_from_moodle(args.moodle, quiz)
    folder = args.nbgrader if args.nbgrader is not None else args.files
    return answers_from_folder(folder, quiz, nbgrader=args.nbgrader is not None,
                               allow_partial=args.allow_partial)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        quiz = load_quiz(args.key)
        answers = read_answers(args, quiz)
        for line in answers.warnings:
            print(line, file=sys.stderr)
        result = analyse(answers.rows, [q.correct for q in quiz.questions], LETTERS,
                         [str(qid) for qid in quiz.ids], answers.students)
        paths = write_report(result, quiz, answers.source, args.out)
    except (ReportInputError, ItemAnalysisError, QuizDataError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    test = result.test
    kr20 = f"{test.kr20:.2f}" if test.kr20 is not None else "undefined"
    flagged = sum(bool(item.flags) for item in result.items)
    print(f"{test.students} students, {test.items} questions: KR-20 {kr20}, {flagged} question(s) flagged; "
          f"wrote {', '.join(str(p) for p in paths)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Batch-grade quiz answer files collected outside nbgrader (for example downloaded from an LMS).

    python -m helpers.quiz.batch SUBMISSIONS_DIR --out grades.csv [--rule net|all_or_nothing]
                                 [--key KEY_FILE] [--allow-partial] [--force]
                                 [--nbgrader] [--compare NBGRADER_GRADES_CSV]

One file per student, named <student id>.<ext>, directly inside SUBMISSIONS_DIR:
  .json   {"1": "AB", "2": "", "q3": ["A", "C"], ...}           (keys N or qN)
  .txt    one line per question, "1: AB", "Q2 = b", "3) a, c"  (# comments and blank lines ignored)
  .ipynb  the graded quiz notebook itself; its `answer_N = "..."` lines are read, never executed

What happens to problems (each is printed on stderr with the file's name and the reason):
  REJECTED (not graded): a file that cannot be parsed, names an unknown question or one question
    twice, or has no answers; a file missing questions, unless --allow-partial; every file of a
    student who has more than one; anything that is not an answer file.
  WARNING (graded): an answer that is not a set of letters A-D (say "AX", or a notebook cell with
    a syntax error) scores 0 for that question, exactly as nbgrader's autograde scores it; with
    --allow-partial, missing questions score 0.

With --nbgrader, SUBMISSIONS_DIR is nbgrader's submitted/ (or autograded/) folder, the files are
<student>/quiz/quiz.ipynb and --allow-partial is implied (autograde scores a deleted answer 0).
When grading/quiz.toml adds computed questions, their answers (`answer_cK`) are scored too, on the
variant of the folder's student (columns c1, c2...; the course secret must be in KERAS_QUIZ_SECRET;
--quiz-config names another settings file, such as quiz.toml in the hub's course folder).
With --compare, the totals are checked against nbgrader's grade export (`nbgrader export`): a
difference means a notebook's kernel produced a score its answer cells do not support (for
example a student's code patched the grader), and is reported.

Output: CSV with student, q1..q20 and total, sorted by student (a student id that a spreadsheet
would run as a formula, such as one from a file named `=HYPERLINK(...).txt`, is written with a
leading `'`: helpers/safe_csv.py). An existing output file is never
replaced unless --force is given. Exit status: 0 every file graded (and totals agree), 1 some
files rejected or totals differ (the CSV holds every graded file), 2 nothing graded or a usage
error (nothing written).
"""

from __future__ import annotations

import argparse
import ast
import codecs
import csv
import io
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from helpers import safe_csv
from helpers.quiz.engine import (
    RULES,
    AnswerFormatError,
    Quiz,
    QuizDataError,
    load_quiz,
    parse_choice,
    reject_duplicate_keys,
    score_fraction,
)

SUFFIXES = (".json", ".txt", ".ipynb")
ASSIGNMENT = "quiz"  # the nbgrader assignment (and notebook) name
_KEY = re.compile(r"(?:q(?:uestion)?\s*)?(\d+)", re.IGNORECASE)
_LINE = re.compile(r"\s*(?:q(?:uestion)?\s*)?(\d+)\s*[:=).]\s*(.*?)\s*", re.IGNORECASE)
_VARIABLE = re.compile(r"answer_(\d+)")
_COMPUTED_VARIABLE = re.compile(r"answer_c(\d+)")  # computed questions (helpers/quiz/computed.py)


class SheetError(ValueError):
    """Why one answer file cannot be graded at all."""


@dataclass(frozen=True)
class Unreadable:
    """An answer whose value cannot be read (a notebook line that is not a plain string)."""

    reason: str


@dataclass
class Sheet:
    student: str
    name: str  # how problems refer to the file
    answers: dict[int, frozenset[str]]
    missing: list[int]
    invalid: dict[int, str] = field(default_factory=dict)  # question -> why it scores 0


@dataclass
class Problem:
    name: str
    reason: str
    graded: bool = False  # True: a warning about a file that was still graded

    def __str__(self) -> str:
        return f"{'WARNING' if self.graded else 'REJECTED'} {self.name}: {self.reason}"


def _question_number(key: str, quiz: Quiz) -> int:
    match = _KEY.fullmatch(key.strip())
    number = int(match.group(1)) if match else None
    if number not in quiz.ids:
        last = len(quiz.ids)
        raise SheetError(f"{key!r} is not a question of this quiz (use 1-{last} or q1-q{last})")
    return number


def _entries_from_json(text: str) -> list[tuple[str, object]]:
    try:
        data = json.loads(text, object_pairs_hook=reject_duplicate_keys)
    except ValueError as error:
        raise SheetError(f"not valid JSON ({error})") from error
    if not isinstance(data, dict):
        raise SheetError('expected a JSON object such as {"1": "AB", "2": ""}')
    return list(data.items())


def _entries_from_text(text: str) -> list[tuple[str, object]]:
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.fullmatch(line)
        if not match:
            raise SheetError(f"line {number} ({line.strip()[:40]!r}) is not of the form '3: AC'")
        entries.append((match.group(1), match.group(2)))
    return entries


def _entries_from_notebook(text: str, variable: re.Pattern = _VARIABLE) -> list[tuple[str, object]]:
    """`answer_N = <literal>` assignments (or those `variable` matches), in cell order; the notebook is
    parsed, never run."""
    try:
        cells = json.loads(text)["cells"]
    except (ValueError, KeyError, TypeError) as error:
        raise SheetError(f"not a readable notebook ({error})") from error
    found: dict[str, object] = {}  # a later assignment wins, as it does when the cells run in order
    for index, cell in enumerate(cells):
        source = cell.get("source", "") if isinstance(cell, dict) and cell.get("cell_type") == "code" else ""
        source = "".join(source) if isinstance(source, list) else source
        if "answer_" not in source:
            continue
        try:
            tree = ast.parse(source)
        except SyntaxError as error:
            broken = Unreadable(f"its cell (code cell {index}) has a syntax error: {error.msg}")
            for number in variable.findall(source):
                found[number] = broken
            continue
        for node in tree.body:
            target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
            match = variable.fullmatch(target.id) if isinstance(target, ast.Name) else None
            if match:
                try:
                    found[match.group(1)] = ast.literal_eval(node.value)
                except ValueError:
                    found[match.group(1)] = Unreadable(f'{target.id} is not a plain string such as "AC"')
    return list(found.items())


READERS = {".json": _entries_from_json, ".txt": _entries_from_text, ".ipynb": _entries_from_notebook}


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without a BOM), or UTF-16 with a BOM: what Windows Notepad saves as "Unicode"."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")  # the BOM tells the byte order; decoding drops it
    return raw.decode("utf-8-sig")  # tolerate the BOM some Windows tools write


def read_sheet(path: Path, quiz: Quiz, student: str | None = None, name: str | None = None) -> Sheet:
    """Parse one answer file; raise SheetError when the file as a whole cannot be graded."""
    try:
        text = decode_text(path.read_bytes())
    except (OSError, UnicodeDecodeError) as error:
        raise SheetError(f"cannot be read as UTF-8 text ({error})") from error
    answers: dict[int, frozenset[str]] = {}
    invalid: dict[int, str] = {}
    for key, value in READERS[path.suffix.lower()](text):
        number = _question_number(str(key), quiz)
        if number in answers:
            raise SheetError(f"question {number} is answered twice")
        answers[number] = frozenset()  # an unreadable answer scores what a blank one does: 0
        if isinstance(value, Unreadable):
            invalid[number] = value.reason
            continue
        try:
            answers[number] = parse_choice(value)
        except AnswerFormatError as error:
            invalid[number] = str(error)
    missing = [qid for qid in quiz.ids if qid not in answers]
    if len(missing) == len(quiz.ids):
        raise SheetError("no answers found")
    return Sheet(student or path.stem, name or path.name, answers, missing, invalid)


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> '1-3, 7'"""
    parts, start = [], None
    for i, n in enumerate(numbers):
        start = n if start is None else start
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            parts.append(f"{start}" if start == n else f"{start}-{n}")
            start = None
    return ", ".join(parts)


def answer_files(folder: Path, nbgrader: bool = False) -> tuple[list[tuple[str, Path]], list[Problem]]:
    """(student, file) pairs in `folder`, and the entries that are not answer files."""
    found, problems = [], []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue  # .DS_Store and friends
        if nbgrader:
            notebook = path / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
            if notebook.is_file():
                found.append((path.name, notebook))
            else:
                problems.append(Problem(path.name, f"has no {ASSIGNMENT}/{ASSIGNMENT}.ipynb"))
        elif path.is_dir() or path.suffix.lower() not in SUFFIXES:
            what = "a folder" if path.is_dir() else f"a {path.suffix or 'suffix-less'} file"
            problems.append(Problem(path.name, f"is {what}; answer files end in {', '.join(SUFFIXES)}"))
        else:
            found.append((path.stem, path))
    return found, problems


def collect(folder: Path, quiz: Quiz, allow_partial: bool = False,
            nbgrader: bool = False) -> tuple[list[Sheet], list[Problem]]:
    """Read every answer file in `folder`; return the gradable sheets and the problems found."""
    sheets = []
    files, problems = answer_files(folder, nbgrader)
    allow_partial = allow_partial or nbgrader
    for student, path in files:
        name = str(path.relative_to(folder))
        try:
            sheet = read_sheet(path, quiz, student, name)
        except SheetError as error:
            problems.append(Problem(name, str(error)))
            continue
        if sheet.missing and not allow_partial:
            problems.append(Problem(name, f"partial: question(s) {_ranges(sheet.missing)} missing "
                                          "(--allow-partial grades them as 0)"))
            continue
        if sheet.missing:
            problems.append(Problem(name, f"question(s) {_ranges(sheet.missing)} missing, scored 0", True))
        problems += [Problem(name, f"question {qid} scored 0: {why}", True)
                     for qid, why in sheet.invalid.items()]
        sheets.append(sheet)
    by_student: dict[str, list[Sheet]] = {}
    for sheet in sheets:
        by_student.setdefault(sheet.student.casefold(), []).append(sheet)
    kept = []
    for group in by_student.values():
        if len(group) == 1:
            kept.append(group[0])
            continue
        names = ", ".join(s.name for s in group)
        problems += [Problem(s.name, f"duplicate: student {s.student!r} has several files ({names})")
                     for s in group]
    return sorted(kept, key=lambda s: s.student), problems


def format_score(value: Fraction) -> str:
    """4 decimals at most, no trailing zeros: 1 -> '1', 1/2 -> '0.5', 1/3 -> '0.3333'."""
    return f"{float(value):.4f}".rstrip("0").rstrip(".")


def sheet_scores(sheet: Sheet, quiz: Quiz, rule: str) -> list[Fraction]:
    return [score_fraction(sheet.answers.get(q.id), q.correct, rule) for q in quiz.questions]


def computed_scores(sheet: Sheet, folder: Path, config, secret: str) -> list[Fraction]:
    """The notebook's computed answers (`answer_cK`) scored on the variant of the folder's student, the
    student nbgrader grades it as: what the hidden tests give, worked out here without the kernel."""
    from helpers.quiz import computed

    text = decode_text((folder / sheet.name).read_bytes())
    answers = dict(_entries_from_notebook(text, _COMPUTED_VARIABLE))
    scores = []
    for slot in range(1, config.count + 1):
        answer = answers.get(str(slot))
        try:
            scores.append(computed.score_computed(slot, answer, config, sheet.student, secret))
        except AnswerFormatError:
            scores.append(Fraction(0))
    return scores


def grade_rows(sheets: list[Sheet], quiz: Quiz, rule: str,
               extra: dict[str, list[Fraction]] | None = None) -> list[list[str]]:
    """One row per sheet; `extra` (student -> computed questions' scores) adds columns c1, c2..."""
    count = len(next(iter(extra.values()))) if extra else 0
    header = ["student", *[f"q{qid}" for qid in quiz.ids], *[f"c{k}" for k in range(1, count + 1)], "total"]
    rows = [header]
    for sheet in sheets:
        scores = sheet_scores(sheet, quiz, rule) + (extra or {}).get(sheet.student, [])
        rows.append([sheet.student, *map(format_score, scores), format_score(sum(scores, Fraction(0)))])
    return rows


def compare_totals(totals: dict[str, Fraction], export: Path) -> list[str]:
    """Disagreements between nbgrader's raw scores for the quiz and the totals computed here."""
    with export.open(newline="", encoding="utf-8") as handle:
        scores = {row["student_id"]: float(row["raw_score"])
                  for row in csv.DictReader(handle) if row.get("assignment") == ASSIGNMENT}
    problems = []
    totals = {safe_csv.cell(student): total for student, total in totals.items()}  # as the export wrote it
    for student in sorted(set(scores) | set(totals)):
        if student not in totals:
            if scores[student] > 0:  # nbgrader lists students without a submission at 0
                problems.append(f"MISMATCH {student}: nbgrader {scores[student]:g}, no notebook here")
        elif student not in scores:
            problems.append(f"MISMATCH {student}: not in {export.name} (not autograded yet?)")
        elif abs(scores[student] - float(totals[student])) > 1e-6:
            problems.append(f"MISMATCH {student}: nbgrader {scores[student]:g}, "
                            f"answer cells {format_score(totals[student])}")
    return problems


def write_csv(rows: list[list[str]], out: Path, force: bool) -> None:
    """Write atomically; without `force`, fail rather than replace a file that exists."""
    buffer = io.StringIO()
    safe_csv.writer(buffer, lineterminator="\n").writerows(rows)  # a file named "=cmd().txt" stays text
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(buffer.getvalue())
        if force:
            os.replace(tmp, out)
        else:
            os.link(tmp, out)  # raises FileExistsError instead of overwriting
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.quiz.batch",
        description="Grade a folder of quiz answer files into a CSV (see the module docstring for formats).",
    )
    parser.add_argument("submissions", type=Path, help="folder with one answer file per student")
    parser.add_argument("--out", type=Path, required=True,
                        help="CSV to write (an existing file is replaced only with --force)")
    parser.add_argument("--key", type=Path, default=None,
                        help="the key file (default: the course's helpers/quiz/key.json)")
    parser.add_argument("--rule", choices=RULES, default=None,
                        help="scoring rule (default: the questions file's)")
    parser.add_argument("--allow-partial", action="store_true", help="score missing questions 0")
    parser.add_argument("--force", action="store_true", help="replace an existing output file")
    parser.add_argument("--nbgrader", action="store_true",
                        help=f"read <student>/{ASSIGNMENT}/{ASSIGNMENT}.ipynb (nbgrader's submitted/ layout)")
    parser.add_argument("--compare", type=Path, default=None, metavar="NBGRADER_CSV",
                        help="check the totals against nbgrader's grade export")
    parser.add_argument("--quiz-config", type=Path, default=None, metavar="QUIZ_TOML",
                        help="the computed questions' settings (default: grading/quiz.toml; in the "
                             "hub's course folder: quiz.toml)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def fail(message: str) -> int:
        print(f"error: {message}", file=sys.stderr)
        return 2

    if not args.submissions.is_dir():
        return fail(f"{args.submissions} is not a folder")
    if args.out.exists() and not args.force:
        return fail(f"{args.out} already exists; pass --force to replace it")
    if not args.out.parent.is_dir():
        return fail(f"the folder of {args.out} does not exist")
    if args.compare is not None and not args.compare.is_file():
        return fail(f"{args.compare} does not exist")
    try:
        quiz = load_quiz(args.key)
    except (OSError, QuizDataError) as error:
        return fail(f"cannot load the key: {error}")
    rule = args.rule or quiz.rule

    extra = None
    if args.nbgrader:  # computed questions are in nbgrader's notebooks only
        from helpers.quiz import computed

        try:
            config = computed.load_config(args.quiz_config)
            secret = computed.course_secret() if config.count else ""
        except computed.ComputedQuizError as error:
            return fail(f"computed questions: {error}")
    sheets, problems = collect(args.submissions, quiz, args.allow_partial, args.nbgrader)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not sheets:
        return fail(f"no gradable answer files in {args.submissions}")
    if args.nbgrader and config.count:
        extra = {s.student: computed_scores(s, args.submissions, config, secret) for s in sheets}
    try:
        write_csv(grade_rows(sheets, quiz, rule, extra), args.out, args.force)
    except FileExistsError:
        return fail(f"{args.out} appeared while grading; nothing was overwritten")
    rejected = sum(not p.graded for p in problems)
    print(f"graded {len(sheets)} file(s) into {args.out} (rule: {rule}); {rejected} rejected")
    mismatches = []
    if args.compare is not None:
        totals = {s.student: sum(sheet_scores(s, quiz, rule) + (extra or {}).get(s.student, []), Fraction(0))
                  for s in sheets}
        mismatches = compare_totals(totals, args.compare)
        for line in mismatches:
            print(line, file=sys.stderr)
        print(f"compared with {args.compare}: {len(mismatches)} mismatch(es)")
    return 1 if rejected or mismatches else 0


if __name__ == "__main__":
    sys.exit(main())

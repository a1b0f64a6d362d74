"""Item analysis (helpers/quiz/item_analysis.py) and the `make quiz-report` CLI (helpers/quiz/report.py).

The statistics are checked three ways: against a class of ten worked by hand (below), against
formulas written independently here (Cronbach's alpha from variances, numpy.corrcoef, every way
of breaking a tie at a group's edge), and on planted flaws (a question the strong students get
"wrong", a distractor nobody picks). The readers are checked on a Moodle Responses export and the
same answers as nbgrader submissions. Everything here runs in a few seconds.
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT

from helpers.quiz import LETTERS, format_choice, load_quiz
from helpers.quiz.item_analysis import ItemAnalysisError, analyse, group_size
from helpers.quiz.report import answers_from_folder, answers_from_moodle, main

QUIZ = load_quiz()
KEY = [q.correct for q in QUIZ.questions]
MOODLE_EXPORT = ROOT / "tests" / "fixtures" / "quiz" / "moodle_responses.csv"
RELEASED = ROOT / "grading" / "release" / "quiz" / "quiz.ipynb"


def picks(text: str) -> list[frozenset[str]]:
    """'AB - C' -> [{A, B}, {}, {C}]: one token per question, '-' for a blank answer."""
    return [frozenset() if token == "-" else frozenset(token) for token in text.split()]


# ---------------------------------------------------------------------------------------------
# A class of ten, worked by hand
# ---------------------------------------------------------------------------------------------

HAND_KEY = [frozenset("A"), frozenset("B"), frozenset("AC"), frozenset("D")]
HAND_CLASS = [  # student: Q1 Q2 Q3 Q4      right (1) / wrong (0)   total
    "A B AC D",  # S1                     1 1 1 1                 4
    "A B AC C",  # S2                     1 1 1 0                 3
    "A B A D",   # S3 (Q3: A only)        1 1 0 1                 3
    "A C AC B",  # S4                     1 0 1 0                 2
    "A B C A",   # S5 (Q3: C only)        1 1 0 0                 2
    "B B - D",   # S6 (Q3 blank)          0 1 0 1                 2
    "A D A C",   # S7                     1 0 0 0                 1
    "C B - A",   # S8                     0 1 0 0                 1
    "B C C D",   # S9                     0 0 0 1                 1
    "- A A B",   # S10 (Q1 blank)         0 0 0 0                 0
]


def test_a_class_of_ten_worked_by_hand():
    """Hand computation (variances divide by N = 10).

    Facility: Q1 6/10 = 0.6, Q2 0.6, Q3 3/10 = 0.3, Q4 4/10 = 0.4.
    Totals 4,3,3,2,2,2,1,1,1,0: mean 1.9, mean of squares 49/10 = 4.9, variance 4.9 - 1.9^2 = 1.29.
    KR-20 = 4/3 * (1 - sum p q / 1.29), sum p q = .24 + .24 + .21 + .24 = .93
          = 4/3 * .36/1.29 = 16/43 = 0.37209.   SEM = sqrt(1.29) * sqrt(1 - 16/43) = sqrt(1.29 * 27/43)
          = sqrt(0.81) = 0.9.
    Rest correlation r = (M1 - M0) / s_rest * sqrt(p q), M1/M0 = mean rest score of those right/wrong:
      Q1: rest 3,2,2,1,1,2,0,1,1,0; mean 1.3, mean sq 2.5, var .81 (s .9); M1 = 9/6 = 1.5 (S1-S5, S7),
          M0 = 4/4 = 1 -> r = (.5/.9) * sqrt(.24) = sqrt(6)/9 = 0.27217.
      Q2: rest 3,2,2,2,1,1,1,0,1,0; mean 1.3, var .81; M1 = 9/6, M0 = 4/4 -> r = sqrt(6)/9 too.
      Q3: rest 3,2,3,1,2,2,1,1,1,0; mean 1.6, mean sq 3.4, var .84; M1 = (3+2+1)/3 = 2 (S1, S2, S4),
          M0 = 10/7 -> r = (4/7) * sqrt(.21/.84) = 2/7 = 0.28571.
      Q4: rest 3,3,2,2,2,1,1,1,0,0; M1 = (3+2+1+0)/4 = 1.5 = M0 = (3+2+2+1+1+0)/6 -> r = 0 (flagged).
    Groups: 27 % of 10 = 2.7 -> 3 students each. Upper: S1, S2, S3 (totals 4, 3, 3; next is 2).
    Lower: S10 (total 0), then S7, S8, S9 tied at 1 share the 2 places left: weight 2/3 each.
    D = (right in upper - right in lower) / 3:
      Q1: (3 - 2/3 [S7]) / 3 = 7/9;  Q2: (3 - 2/3 [S8]) / 3 = 7/9;  Q3: (2 - 0) / 3 = 2/3;
      Q4: (2 [S1, S3] - 2/3 [S9]) / 3 = 4/9.
    Q1's picks (upper / middle / lower): A 3 / 7/3 / 2/3 (S1-S3 / S4, S5 + 1/3 S7 / 2/3 S7),
      B 0 / 4/3 / 2/3 (S6 + 1/3 S9 / 2/3 S9), C 0 / 1/3 / 2/3 (S8), D nobody, blank 0 / 0 / 1 (S10).
    Distractors nobody ticks (5 % of 10 = 0.5 students): Q1 D; Q3 B and D.
    """
    result = analyse([picks(row) for row in HAND_CLASS], HAND_KEY)
    items = {item.item: item for item in result.items}
    assert [items[q].facility for q in "1234"] == pytest.approx([0.6, 0.6, 0.3, 0.4])
    assert [items[q].n_correct for q in "1234"] == [6, 6, 3, 4]
    assert [items[q].rest_correlation for q in "1234"] == pytest.approx(
        [math.sqrt(6) / 9, math.sqrt(6) / 9, 2 / 7, 0], abs=1e-12)
    assert [items[q].upper_lower for q in "1234"] == pytest.approx([7 / 9, 7 / 9, 2 / 3, 4 / 9])
    test = result.test
    assert (test.students, test.items, test.group_size, test.histogram) == (10, 4, 3, (1, 3, 3, 2, 1))
    assert (test.mean, test.sd) == pytest.approx((1.9, math.sqrt(1.29)))
    assert (test.kr20, test.sem) == pytest.approx((16 / 43, 0.9))
    q1 = {o.letter: (o.upper, o.middle, o.lower) for o in (*items["1"].options, items["1"].blank)}
    assert q1 == {"A": pytest.approx((3, 7 / 3, 2 / 3)), "B": pytest.approx((0, 4 / 3, 2 / 3)),
                  "C": pytest.approx((0, 1 / 3, 2 / 3)), "D": (0, 0, 0), "blank": pytest.approx((0, 0, 1))}
    # Q3 ticks: A by S1-S4, S7, S10; C by S1, S2, S4, S5, S9; B and D by nobody
    assert [option.total for option in items["3"].options] == [6, 0, 5, 0]
    flags = {q: " | ".join(items[q].flags) for q in "1234"}
    assert re.fullmatch(r"unused distractor D \(chosen by nobody.*", flags["1"])
    assert flags["2"] == ""
    assert "unused distractor B" in flags["3"] and "unused distractor D" in flags["3"]
    assert flags["4"].startswith("near-zero discrimination (r = 0.00")


def test_upper_lower_index_is_the_average_over_every_way_of_breaking_the_tie():
    """The tie rule, checked independently: sort the class, put S10 and two of S7/S8/S9 in the lower
    group in each of the 3 possible ways, compute D plainly, average."""
    scores = np.array([[int(p == k) for p, k in zip(picks(row), HAND_KEY, strict=True)]
                       for row in HAND_CLASS])
    totals = scores.sum(axis=1)
    upper = [0, 1, 2]
    ds = [[(scores[upper, j].sum() - scores[[9, *pair], j].sum()) / 3 for j in range(4)]
          for pair in itertools.combinations([6, 7, 8], 2)]
    assert sorted(totals[[6, 7, 8]]) == [1, 1, 1] and totals[9] == 0 and min(totals[upper]) > 2
    result = analyse([picks(row) for row in HAND_CLASS], HAND_KEY)
    assert [item.upper_lower for item in result.items] == pytest.approx(np.mean(ds, axis=0).tolist())


# ---------------------------------------------------------------------------------------------
# Independent formulas on a larger class
# ---------------------------------------------------------------------------------------------


def synthetic_class(students: int = 120, flawed: int | None = None, seed: int = 3):
    """Answers to the course quiz from a simple ability model: student i gets question j right with
    probability 1 / (1 + exp(-1.7 (ability_i - difficulty_j))); a wrong answer is a distractor
    (the first more often than the last), or the key minus one letter, or blank. On the
    `flawed` question the strong students pick distractor C instead of the key."""
    rng = np.random.default_rng(seed)
    ability = rng.normal(size=students)
    difficulty = rng.permutation(np.linspace(-1.6, 1.4, len(QUIZ.questions)))
    rows = []
    for i in range(students):
        row = []
        for j, question in enumerate(QUIZ.questions):
            chance = 1 / (1 + math.exp(-1.7 * (ability[i] - difficulty[j])))
            if question.id == flawed:
                strong_pick = rng.random() < chance
                row.append(frozenset("C") if strong_pick else (question.correct if rng.random() < 0.5
                                                               else frozenset("D")))
                continue
            if rng.random() < chance:
                row.append(question.correct)
                continue
            wrong = sorted(set(LETTERS) - question.correct)
            kind = rng.random()
            if kind < 0.06:
                row.append(frozenset())
            elif kind < 0.25 and len(question.correct) > 1:
                row.append(question.correct - {sorted(question.correct)[-1]})
            else:
                weights = np.array([5, 3, 2][: len(wrong)], dtype=float)
                row.append(frozenset(rng.choice(wrong, p=weights / weights.sum())))
        rows.append(row)
    return rows


def test_kr20_equals_cronbachs_alpha_from_sample_variances():
    """Cronbach's alpha with N - 1 variances, written here from its definition, equals KR-20 for items
    scored 0/1 (both variances scale by the same N / (N - 1)); SEM = SD sqrt(1 - alpha)."""
    rows = synthetic_class()
    x = np.array([[float(p == k) for p, k in zip(row, KEY, strict=True)] for row in rows])
    k = x.shape[1]
    alpha = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))
    result = analyse(rows, KEY)
    assert 0.5 < alpha < 0.95  # a sensible class, not a degenerate one
    assert result.test.kr20 == pytest.approx(alpha, abs=1e-12)
    assert result.test.sem == pytest.approx(np.std(x.sum(axis=1)) * math.sqrt(1 - alpha), abs=1e-12)
    assert sum(result.test.histogram) == 120


def test_rest_correlation_equals_numpy_corrcoef_and_groups_are_27_percent():
    rows = synthetic_class()
    x = np.array([[float(p == k) for p, k in zip(row, KEY, strict=True)] for row in rows])
    expected = [np.corrcoef(x[:, j], x.sum(axis=1) - x[:, j])[0, 1] for j in range(x.shape[1])]
    result = analyse(rows, KEY)
    assert [item.rest_correlation for item in result.items] == pytest.approx(expected, abs=1e-12)
    assert result.test.group_size == group_size(120) == 32  # 0.27 * 120 = 32.4
    for item in result.items:
        for option in item.options:
            assert option.upper + option.middle + option.lower == pytest.approx(option.total)
        assert sum(o.upper for o in item.options if o.correct and len(item.key) == 1) <= 32 + 1e-9


# ---------------------------------------------------------------------------------------------
# Planted flaws are flagged
# ---------------------------------------------------------------------------------------------


def test_a_question_the_strong_students_answer_wrongly_is_flagged_negative():
    result = analyse(synthetic_class(flawed=12), KEY)
    items = {item.item: item for item in result.items}
    flawed = items["12"]
    assert flawed.rest_correlation < -0.2 and flawed.upper_lower < 0
    assert flawed.flags[0].startswith("negative discrimination")
    picked_c = {o.letter: o for o in flawed.options}["C"]
    assert picked_c.upper > 2 * picked_c.lower  # the distractor the strong students were drawn to
    assert [q for q, item in items.items() if any("negative" in f for f in item.flags)] == ["12"]


def test_a_distractor_ticked_by_under_5_percent_is_flagged_unused():
    """Question 2 (key B) of 120 students: A by 30, C by 6 (5 %: used), D by 4 (3.3 %: unused)."""
    rows = synthetic_class()
    for i, row in enumerate(rows):
        row[1] = frozenset("A" if i < 30 else "C" if i < 36 else "D" if i < 40 else "B")
    item = analyse(rows, KEY).items[1]
    assert [o.total for o in item.options] == [30, 80, 6, 4]
    unused = [flag for flag in item.flags if flag.startswith("unused")]
    assert unused == ["unused distractor D (chosen by 4 of 120, 3.3%; under 5%)"]


# ---------------------------------------------------------------------------------------------
# The two readers: Moodle's Responses export and nbgrader submissions
# ---------------------------------------------------------------------------------------------

# The class behind tests/fixtures/quiz/moodle_responses.csv: Moodle user (e-mail before the @) and
# the letters ticked on questions 1-20 ('-' = no answer). In the export every response is the option
# texts in the order that student saw them (shuffled) joined by "; " (question 7's option A contains
# "; " itself), and a tenth attempt still "In progress", which the report leaves out.
MOODLE_CLASS = {
    "ada.okafor": "AB B - AC B AC A A AD B A AB AD B - A B B A ABD",
    "ben.lindqvist": "AB B B AC B AC B A AD B A AB C D C A B C A BD",
    "chen.wei": "- B B AC B A C A AD B A A AD BD AC B - B A ABD",
    "dina.haddad": "D A B AC B AC A A D A A AB AD D A A B B A ABD",
    "emil.novak": "AB BD B AC - AC A A AD B A AB AD D A A AD - BC ABD",
    "fatima.rahman": "D B B AC B AC A A B C C AB B D B - B AB A ABD",
    "goran.petrov": "AB B B AC D BC A A AD B A AB A D D C B BD A AB",
    "hana.sato": "B B B - - AC AC B AD AC D B AD D A C B C CD ABD",
    "ivan.mori": "AB B A B B - A A AD B A AB AD D A D B BC A ABD",
}


def nbgrader_submissions(folder: Path, answers: dict[str, str], drop: tuple[str, int] | None = None,
                         ) -> Path:
    """nbgrader's submitted/ layout: <student>/quiz/quiz.ipynb, the released notebook with its answer
    cells filled in (and one answer cell deleted, if `drop` names a student and a question)."""
    released = json.loads(RELEASED.read_text(encoding="utf-8"))
    for student, letters in answers.items():
        notebook = json.loads(json.dumps(released))
        for qid, token in enumerate(letters.split(), start=1):
            empty = f'answer_{qid} = ""'
            cell = next(c for c in notebook["cells"] if empty in "".join(c["source"]))
            letters = "" if token == "-" else token
            cell["source"] = "".join(cell["source"]).replace(empty, f'answer_{qid} = "{letters}"')
            if drop == (student, qid):
                notebook["cells"].remove(cell)
        path = folder / student / "quiz" / "quiz.ipynb"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(notebook), encoding="utf-8")
    return folder


def test_moodle_export_and_nbgrader_submissions_give_the_same_matrix(tmp_path):
    moodle = answers_from_moodle(MOODLE_EXPORT, QUIZ)
    submitted = answers_from_folder(nbgrader_submissions(tmp_path, MOODLE_CLASS), QUIZ, nbgrader=True,
                                    allow_partial=False)
    expected = {student: picks(letters) for student, letters in MOODLE_CLASS.items()}
    assert dict(zip([s.split("@")[0] for s in moodle.students], moodle.rows, strict=True)) == expected
    assert dict(zip(submitted.students, submitted.rows, strict=True)) == expected
    assert moodle.warnings == [
        "SKIPPED 1 attempt(s) in state 'In progress' (only finished attempts are analysed)"]
    assert submitted.warnings == []


@pytest.mark.parametrize("variant", ["UTF-8 with a BOM", "tab-separated"])
def test_moodle_export_with_a_bom_or_tabs_reads_the_same(variant, tmp_path):
    rows = list(csv.reader(MOODLE_EXPORT.open(newline="", encoding="utf-8")))
    path = tmp_path / "responses.csv"
    with path.open("w", newline="", encoding="utf-8-sig" if "BOM" in variant else "utf-8") as handle:
        csv.writer(handle, delimiter="\t" if "tab" in variant else ",").writerows(rows)
    assert answers_from_moodle(path, QUIZ).rows == answers_from_moodle(MOODLE_EXPORT, QUIZ).rows


class _TableCells(HTMLParser):
    """Every table row's cells as (tag, scope) pairs, noting whether the row is in the <thead>."""

    def __init__(self):
        super().__init__()
        self.rows, self.in_head = [], False

    def handle_starttag(self, tag, attrs):
        if tag == "thead":
            self.in_head = True
        elif tag == "tbody":
            self.in_head = False
        elif tag == "tr":
            self.rows.append((self.in_head, []))
        elif tag in ("th", "td"):
            self.rows[-1][1].append((tag, dict(attrs).get("scope")))


def table_header_problems(html: str) -> list[str]:
    """A header row is all <th scope="col">; every body row starts with one <th scope="row">."""
    parser = _TableCells()
    parser.feed(html)
    problems = []
    for number, (head, cells) in enumerate(parser.rows):
        wanted = [("th", "col")] * len(cells) if head else [("th", "row")] + [("td", None)] * (len(cells) - 1)
        if cells != wanted:
            problems.append(f"row {number}: {cells}")
    return problems


def test_the_cli_writes_the_csvs_and_an_accessible_page(tmp_path, capsys):
    assert main(["--moodle", str(MOODLE_EXPORT), "--out", str(tmp_path)]) == 0
    result = analyse([picks(v) for v in MOODLE_CLASS.values()], KEY, students=list(MOODLE_CLASS))
    with (tmp_path / "quiz_items.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["question"] for row in rows] == [str(q) for q in QUIZ.ids]
    for row, item in zip(rows, result.items, strict=True):
        assert row["key"] == format_choice(item.key)
        assert float(row["facility"]) == pytest.approx(item.facility, abs=1e-4)
        r = item.rest_correlation
        assert row["rest_correlation"] == "" if r is None else \
            float(row["rest_correlation"]) == pytest.approx(r, abs=1e-4)
        for option in (*item.options, item.blank):
            counts = [float(row[f"{option.letter}_{group}"]) for group in ("upper", "middle", "lower")]
            assert counts == pytest.approx([option.upper, option.middle, option.lower], abs=1e-4)
            assert int(row[f"{option.letter}_total"]) == option.total
        assert row["flags"] == "; ".join(item.flags)
    summary = dict(csv.reader((tmp_path / "quiz_summary.csv").open(newline="")))
    assert float(summary["kr20"]) == pytest.approx(result.test.kr20, abs=1e-4)
    html = (tmp_path / "quiz_report.html").read_text(encoding="utf-8")
    # whole quiz, every question, the histogram as a table, then one per question
    assert html.count("<caption>") == 2 + 1 + len(QUIZ.ids) == html.count("<table>")
    assert table_header_problems(html) == [] and '<html lang="en">' in html
    alt = re.search(r'<img src="data:image/png;base64,[^"]+" alt="([^"]{80,})"', html).group(1)
    assert "9 students on 20 questions" in alt
    out = capsys.readouterr()
    assert "9 students, 20 questions: KR-20" in out.out


# ---------------------------------------------------------------------------------------------
# Bad input: one line on stderr, exit status 2, nothing written
# ---------------------------------------------------------------------------------------------


def _moodle_variant(tmp_path: Path, edit) -> Path:
    """The Moodle export with `edit(rows)` applied (rows[0] is the header)."""
    rows = list(csv.reader(MOODLE_EXPORT.open(newline="", encoding="utf-8")))
    edit(rows)
    path = tmp_path / "responses.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "other.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _keep_header_only(rows):
    del rows[1:]


def _empty_response_5(rows):
    rows[3][rows[0].index("Response 5")] = ""


def _cut_row_after_question_11(rows):
    del rows[2][8 + 2 * 11:]  # 8 attempt columns, then a Response and a Right answer per question


def _rename_state(rows):
    rows[0][rows[0].index("State")] = "Status"


def _response_3_not_an_option(rows):
    rows[2][rows[0].index("Response 3")] = "predict"


def _moodle(edit):
    return lambda tmp: ["--moodle", str(_moodle_variant(tmp, edit))]


def _text(text):
    return lambda tmp: ["--moodle", str(_write(tmp, text))]


def _nbgrader(answers, drop=None):
    return lambda tmp: ["--nbgrader", str(nbgrader_submissions(tmp, answers, drop))]


BAD_INPUTS = {  # case: (arguments from a scratch folder, what the one error line must say)
    "empty nbgrader folder": (lambda tmp: ["--nbgrader", str(tmp)], "the class is empty"),
    "one student": (_nbgrader({"solo": "A " * 20}), "at least 2 students"),
    "nbgrader answer cell deleted": (_nbgrader(MOODLE_CLASS, drop=("chen.wei", 7)),
                                     "chen.wei/quiz/quiz.ipynb has no answer for question(s) 7"),
    "Moodle header only": (_moodle(_keep_header_only), "the class is empty"),
    "Moodle response cell empty": (_moodle(_empty_response_5), "no answer recorded for question(s) 5 "),
    "Moodle row cut short": (_moodle(_cut_row_after_question_11),
                             "no answer recorded for question(s) 12, 13, 14, 15, 16, 17, 18, 19, 20"),
    "unknown columns": (_moodle(_rename_state), "unknown column(s) 'Status'"),
    "not a CSV of responses": (_text("name,score\nann,3\n"), "unknown column(s) 'name', 'score'"),
    "Moodle's Grades report": (_text("Surname,Grade/20.00,Q. 1 /1.00\nX,3,1\n"), "Grades report"),
    "a response that is no option": (_moodle(_response_3_not_an_option),
                                     "'predict' is none of the question's option texts"),
    "missing file": (lambda tmp: ["--moodle", str(tmp / "nope.csv")], "cannot read"),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_gives_one_line_and_writes_nothing(case, tmp_path, capsys):
    make_args, message = BAD_INPUTS[case]
    (tmp_path / "in").mkdir()
    out = tmp_path / "report"
    assert main([*make_args(tmp_path / "in"), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()  # warnings (a skipped attempt) may come first
    errors = [line for line in err if line.startswith("error: ")]
    assert errors == err[-1:] and message in err[-1] and "Traceback" not in "\n".join(err), err
    assert not out.exists()


def test_the_statistics_refuse_what_they_cannot_compute():
    with pytest.raises(ItemAnalysisError, match="class is empty"):
        analyse([], HAND_KEY)
    with pytest.raises(ItemAnalysisError, match=r"student S2 has no answer recorded for question\(s\) 2"):
        analyse([picks("A B AC D"), [frozenset("A"), None, frozenset(), frozenset()]], HAND_KEY,
                students=["S1", "S2"])
    with pytest.raises(ItemAnalysisError, match="'E' is not an option"):
        analyse([picks("A B AC D"), picks("E B AC D")], HAND_KEY)
    with pytest.raises(ItemAnalysisError, match="has 3 answers for 4 questions"):
        analyse([picks("A B AC D"), picks("A B AC")], HAND_KEY)

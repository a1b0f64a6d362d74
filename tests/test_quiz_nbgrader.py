"""The graded quiz through stock nbgrader: release free of the key, autograde, gradebook, export.

One temporary course is built per module run: `nbgrader generate_assignment`, seven submissions
written from the released notebook, one `nbgrader autograde`, one `nbgrader export`. Every
expected total below is worked out by hand from the key (see the comments).
"""

from __future__ import annotations

import csv
import html
import os
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from cpu_share import one_core
from test_quiz import quiz_with_another_key
from test_quiz_grade import answer, filled_notebook

from helpers.quiz import assignment as quiz_assignment
from helpers.quiz import computed, format_choice, load_quiz

QUIZ = load_quiz()
BIN = Path(sys.executable).parent
THEIR_CONFIG = ROOT / "grading" / "nbgrader_config.py"

KEY = {q.id: format_choice(q.correct) for q in QUIZ.questions}
# Key: 1 AB, 2 B, 3 B, 4 AC, 5 B, 6 AC, 7 A, 8 A, 9 AD, 10 B, 11 A, 12 AB, 13 AD, 14 D, 15 A, 16 A,
#      17 B, 18 B, 19 A, 20 ABD (net rule: (right picked - wrong picked) / number right, floored at 0)

SUBMISSIONS = {
    "perfect": {q: answer(q, KEY[q]) for q in KEY},
    "untouched": {},
    # 1 A: 1/2; 4 A: 1/2; 20 AB: 2/3; 13 A (the seed's key): 1/2; 18 A (the seed's key): 0; 9 AD: 1
    "partial": {1: answer(1, "A"), 4: answer(4, "A"), 20: answer(20, "AB"), 13: answer(13, "A"),
                18: answer(18, "A"), 9: answer(9, "AD")},
    # 1 ABC: (2-1)/2; 2 BC: 0; 20 ABCD: (3-1)/3; 6 ACD: (2-1)/2; 12 ABCD: 0; 14 D: 1; 7 "a": 1
    "wrong_picks": {1: answer(1, "ABC"), 2: answer(2, "BC"), 20: answer(20, "ABCD"), 6: answer(6, "ACD"),
                    12: answer(12, "ABCD"), 14: answer(14, "D"), 7: answer(7, "a")},
    # only 4 ("ac"), 5 (a list) and 10 ("b, ") are usable: 3 points
    "malformed": {1: answer(1, "AX"), 2: "answer_2 = B", 3: 'answer_3 = "B', 4: answer(4, "ac"),
                  5: answer(5, ["B"]), 6: None, 9: "answer_9 = 42", 10: answer(10, "b, ")},
    # stderr and warnings in the student's own cells do not touch the graded cells: 2 points
    "noisy": {1: 'import sys\nprint("thinking...", file=sys.stderr)\nanswer_1 = "AB"',
              17: 'import warnings\nwarnings.warn("a student warning")\nanswer_17 = "B"'},
    # a student who patches the grader in the kernel (the engine module, where autograde looks the
    # scoring function up); the answer cells are all blank
    "tamper": {1: 'import helpers.quiz.engine as engine\nengine.score_question = lambda *a, **k: 1.0\n'
                  'answer_1 = ""'},
}
HAND_TOTALS = {
    "perfect": Fraction(20), "untouched": Fraction(0),
    "partial": Fraction(1, 2) * 3 + Fraction(2, 3) + 1,
    "wrong_picks": Fraction(1, 2) * 2 + Fraction(2, 3) + 2,
    "malformed": Fraction(3), "noisy": Fraction(2), "tamper": Fraction(0),
}
PER_QUESTION = {  # spot checks straight from the gradebook
    ("partial", 20): 2 / 3, ("partial", 13): 0.5, ("partial", 18): 0.0, ("partial", 9): 1.0,
    ("wrong_picks", 1): 0.5, ("wrong_picks", 12): 0.0, ("malformed", 4): 1.0, ("malformed", 3): 0.0,
    ("malformed", 6): 0.0, ("noisy", 1): 1.0,
}


def nbgrader(course: Path, *args: str, **env_vars: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **env_vars}  # alembic
    result = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True,
                            text=True)
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def make_course(root: Path, source_text: str) -> Path:
    """A course folder with the quiz as its only assignment and a config of our own, layered on
    the course's grading/nbgrader_config.py when it exists (so its settings are tested too)."""
    (root / "source" / "quiz").mkdir(parents=True)
    (root / "source" / "quiz" / "quiz.ipynb").write_text(source_text, encoding="utf-8")
    lines = ["c = get_config()  # noqa: F821"]
    if THEIR_CONFIG.exists():
        lines.append(f"load_subconfig({str(THEIR_CONFIG)!r})  # noqa: F821")
    lines += [
        f"c.CourseDirectory.root = {str(root)!r}",
        'c.CourseDirectory.course_id = "quiz-test"',
        f'c.CourseDirectory.db_url = "sqlite:///{root / "gradebook.db"}"',
        f"c.Exchange.root = {str(root / 'exchange')!r}",
    ]
    (root / "nbgrader_config.py").write_text("\n".join(lines) + "\n")
    nbgrader(root, "generate_assignment", "quiz", "--force")
    return root


# One pytest-xdist worker runs this whole module, so its module-scoped fixture is built once.
pytestmark = pytest.mark.xdist_group("quiz_nbgrader")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = make_course(tmp_path_factory.mktemp("course"), quiz_assignment.SOURCE.read_text(encoding="utf-8"))
    released = nbformat.read(root / "release" / "quiz" / "quiz.ipynb", as_version=4)
    for student, sources in SUBMISSIONS.items():
        folder = root / "submitted" / student / "quiz"
        folder.mkdir(parents=True)
        nbformat.write(filled_notebook(sources, base=released), folder / "quiz.ipynb")
    started = time.perf_counter()
    with one_core():  # module fixtures run outside the per-test slot: never beside an all-cores timing
        nbgrader(root, "autograde", "quiz", "--force")
    seconds = time.perf_counter() - started
    nbgrader(root, "export", "--to", str(root / "grades.csv"))
    return root, seconds


def exported(root: Path) -> dict[str, float]:
    with (root / "grades.csv").open(newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["assignment"] == "quiz"]
    assert all(float(row["max_score"]) == 20 for row in rows)
    return {row["student_id"]: float(row["score"]) for row in rows}


def test_autograde_totals_in_the_export_match_the_hand_computed_ones(course, record_time):
    root, seconds = course
    record_time("quiz grading", f"quiz autograde, per submission ({len(SUBMISSIONS)} submissions)",
                seconds / len(SUBMISSIONS), 20)
    scores = exported(root)
    honest = {s: float(t) for s, t in HAND_TOTALS.items() if s != "tamper"}
    assert {s: scores[s] for s in honest} == pytest.approx(honest, abs=1e-9)


def test_per_question_partial_credit_reaches_the_gradebook(course):
    from nbgrader.api import Gradebook

    root, _ = course
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for (student, qid), expected in PER_QUESTION.items():
            grade = gb.find_grade(f"grade_{qid}", "quiz", "quiz", student)
            assert grade.score == pytest.approx(expected, abs=1e-9), (student, qid)
            assert grade.max_score == 1


def test_graded_cells_write_nothing_to_stderr_and_end_in_a_number(course):
    root, _ = course
    nb = nbformat.read(root / "autograded" / "perfect" / "quiz" / "quiz.ipynb", as_version=4)
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert len(graded) == 20
    for cell in graded:
        kinds = [(o.output_type, o.get("name")) for o in cell.outputs]
        assert kinds == [("execute_result", None)], kinds
        assert float(cell.outputs[0]["data"]["text/plain"]) == 1.0


def test_the_cli_regrades_the_submissions_and_flags_tampering(course, tmp_path, capsys):
    """Reading the answer cells without running them gives the hand totals for everyone; where the
    kernel's score disagrees (the student who patched the grader), --compare reports it."""
    from helpers.quiz.batch import main

    root, _ = course
    out_csv = tmp_path / "check.csv"
    code = main([str(root / "submitted"), "--nbgrader", "--out", str(out_csv),
                 "--compare", str(root / "grades.csv")])
    err = capsys.readouterr().err
    with out_csv.open(newline="") as handle:
        totals = {row["student"]: Fraction(row["total"]) for row in csv.DictReader(handle)}
    hand = {s: float(t) for s, t in HAND_TOTALS.items()}
    assert {s: float(t) for s, t in totals.items()} == pytest.approx(hand, abs=1e-4)
    disagree = {s for s, score in exported(root).items() if abs(score - float(HAND_TOTALS[s])) > 1e-6}
    flagged = {line.split()[1].rstrip(":") for line in err.splitlines() if line.startswith("MISMATCH")}
    assert flagged == disagree
    assert disagree <= {"tamper"}
    assert code == (1 if flagged else 0)


def test_the_release_holds_no_trace_of_the_key(course, tmp_path):
    """"Recoverable" means: the release would look different under a different key. So build a
    second course from a quiz whose every correct flag, explanation and note is changed, and
    require a byte-identical release; then also scan it for the key's explanatory text."""
    root, _ = course
    other_root = make_course(tmp_path / "other", quiz_assignment.render(quiz_with_another_key()))

    release = root / "release" / "quiz"
    assert sorted(p.name for p in release.iterdir()) == ["quiz.ipynb"]
    text = (release / "quiz.ipynb").read_text(encoding="utf-8")
    assert text == (other_root / "release" / "quiz" / "quiz.ipynb").read_text(encoding="utf-8")

    for question in QUIZ.questions:
        for option in question.options:
            assert option.explanation not in text
        if question.keras3_note:
            assert question.keras3_note not in text
    for marker in ("BEGIN HIDDEN TESTS", "autograde(", "key.json", "correct\":"):
        assert marker not in text


def test_the_untouched_release_scores_zero_and_its_cells_survive_release(course):
    root, _ = course
    released = nbformat.read(root / "release" / "quiz" / "quiz.ipynb", as_version=4)
    answers = [c.source for c in released.cells if "quiz-answer" in c.metadata.get("tags", [])]
    assert len(answers) == 20 and all(src.endswith(f'answer_{n} = ""') for n, src in enumerate(answers, 1))
    assert exported(root)["untouched"] == 0.0


# ---------------------------------------------------------------------------------------------
# Computed questions: a second course whose quiz has two per student, graded by stock nbgrader
# ---------------------------------------------------------------------------------------------

SECRET = "test-course-secret"
# Shapes and parameter counts only: the cheapest templates to run in each grading kernel.
CONFIG = computed.check_config(2, ("07", "14"))
PICKED_BY_HAND = "alice"  # whose correct letters "carol" hands in as her own


TAMPER = ("import helpers.quiz.computed as computed\n"
          "computed.score_computed = lambda *args, **kwargs: 1\n"
          'answer_c1 = ""')


def correct_letters(student: str) -> dict[int, str]:
    """A student's correct letter per computed question, from the bank drawn here, in the test's own
    process, for the student named by the test (not by any folder)."""
    chosen = computed.student_templates(SECRET, student, CONFIG)
    return {slot: "ABCD"[bank_draw(tid, student).correct] for slot, tid in enumerate(chosen, start=1)}


def bank_draw(template_id: str, student: str):
    return computed.bank.draw(template_id, SECRET, student)


def computed_sources(letters: dict[int, str]) -> dict[str, str]:
    return {slot: f"{computed.answer_variable(slot)} = {letter!r}" for slot, letter in letters.items()}


def computed_answer_cells(nb) -> list:
    return [c for c in nb.cells if "quiz-computed-answer" in c.metadata.get("tags", [])]


def fill_computed(nb, letters: dict[int, str]):
    cells = computed_answer_cells(nb)
    for slot, source in computed_sources(letters).items():
        cells[slot - 1].source = source
    return nb


@pytest.fixture(scope="module")
def computed_course(tmp_path_factory):
    source = quiz_assignment.render(config=CONFIG)
    root = make_course(tmp_path_factory.mktemp("computed"), source)
    released = nbformat.read(root / "release" / "quiz" / "quiz.ipynb", as_version=4)
    perfect = {q: answer(q, KEY[q]) for q in KEY}
    sheets = {  # student -> (conceptual answer cells, computed letters)
        "alice": (perfect, correct_letters("alice")),
        "bob": (perfect, correct_letters("bob")),
        "carol": (perfect, correct_letters(PICKED_BY_HAND)),  # alice's sheet, handed in by carol
        "partial": (SUBMISSIONS["partial"], {}),  # honest class, computed questions left blank
        "wrong_picks": (SUBMISSIONS["wrong_picks"], {}),
        "dave": ({}, {}),  # patches the computed questions' grader in his kernel (below), answers nothing
    }
    for student, (conceptual, letters) in sheets.items():
        folder = root / "submitted" / student / "quiz"
        folder.mkdir(parents=True)
        nb = fill_computed(filled_notebook(conceptual, base=released), letters)
        if student == "dave":
            computed_answer_cells(nb)[0].source = TAMPER
        nbformat.write(nb, folder / "quiz.ipynb")
    started = time.perf_counter()
    with one_core():
        nbgrader(root, "autograde", "quiz", "--force", **{computed.SECRET_ENV: SECRET})
    seconds = time.perf_counter() - started
    nbgrader(root, "export", "--to", str(root / "grades.csv"))
    return root, seconds, len(sheets)


def gradebook_scores(root: Path, student: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        notebook = gb.find_submission_notebook("quiz", "quiz", student)
        return {grade.name: grade.score for grade in notebook.grades}


def test_every_students_correct_sheet_scores_full_marks(computed_course, record_time):
    root, seconds, count = computed_course
    record_time("quiz grading", f"quiz with {CONFIG.count} computed questions, autograde per submission "
                f"({count} submissions)", seconds / count, 40)
    scores = gradebook_scores(root, "alice"), gradebook_scores(root, "bob")
    for grades in scores:
        assert len(grades) == 20 + CONFIG.count
        assert sum(grades.values()) == pytest.approx(20 + CONFIG.count, abs=1e-9)


def test_a_classmates_sheet_scores_what_it_is_worth_on_ones_own_variant(computed_course):
    """carol hands in alice's correct letters. Her expected score per computed question is worked out
    here from her own variant: with one correct option, one letter scores 1 if it is that option and
    (0 - 1) / 1, floored at 0, otherwise."""
    root, _, _ = computed_course
    alices, carols = correct_letters(PICKED_BY_HAND), correct_letters("carol")
    expected = {f"grade_c{slot}": 1.0 if alices[slot] == carols[slot] else 0.0 for slot in alices}
    assert sum(expected.values()) < CONFIG.count, "pick students whose correct letters differ somewhere"
    grades = gradebook_scores(root, "carol")
    assert {name: grades[name] for name in expected} == pytest.approx(expected, abs=1e-9)
    assert sum(grades[f"grade_{q}"] for q in KEY) == pytest.approx(20, abs=1e-9)


def test_two_students_graded_quizzes_differ(computed_course):
    """What each kernel showed at grading (drawn for the folder's owner) differs between students."""
    root, _, _ = computed_course

    def shown(student: str) -> list[str]:
        nb = nbformat.read(root / "autograded" / student / "quiz" / "quiz.ipynb", as_version=4)
        cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith(
            "computed_question_")]
        return ["".join(o.get("text", "") for o in c.outputs) for c in cells]

    alice, bob = shown("alice"), shown("bob")
    assert len(alice) == len(bob) == CONFIG.count
    assert all("drawn for alice" in a and "drawn for bob" in b for a, b in zip(alice, bob, strict=True))
    assert all(a != b for a, b in zip(alice, bob, strict=True))


def test_honest_conceptual_scores_are_unchanged_by_computed_questions(computed_course):
    root, _, _ = computed_course
    for student in ("partial", "wrong_picks"):
        grades = gradebook_scores(root, student)
        assert sum(grades[f"grade_{q}"] for q in KEY) == pytest.approx(float(HAND_TOTALS[student]), abs=1e-9)
        assert all(grades[f"grade_c{slot}"] == 0 for slot in range(1, CONFIG.count + 1))


def test_the_feedback_shows_the_variant_that_was_graded(computed_course):
    """The feedback run (a second run without hidden tests) draws for the same student as grading."""
    root, _, _ = computed_course
    secret = {computed.SECRET_ENV: SECRET}
    nbgrader(root, "generate_feedback", "quiz", "--student", "bob", "--force", **secret)
    page = (root / "feedback" / "bob" / "quiz" / "quiz.html").read_text(encoding="utf-8")
    assert page.count("drawn for bob") == CONFIG.count
    chosen = computed.student_templates(SECRET, "bob", CONFIG)
    for tid in chosen:
        v = bank_draw(tid, "bob")
        assert all(html.escape(option, quote=False) in page for option in v.options), tid


def test_the_cli_regrades_computed_answers_without_a_kernel(computed_course, tmp_path, monkeypatch, capsys):
    """The cross-check reads the computed answers too and scores them on the folder's student's
    variant, without running anything: it agrees with nbgrader for everyone (the copier included)
    but the student who patched the grader in his kernel, and without the secret it stops with one
    line."""
    from helpers.quiz.batch import main

    root, _, _ = computed_course
    config = tmp_path / "quiz.toml"
    config.write_text(f"[quiz]\ncomputed = {CONFIG.count}\nsections = {list(CONFIG.sections)!r}\n")
    monkeypatch.delenv(computed.SECRET_ENV, raising=False)
    out_csv = tmp_path / "check.csv"
    args = [str(root / "submitted"), "--nbgrader", "--out", str(out_csv),
            "--compare", str(root / "grades.csv"), "--quiz-config", str(config)]
    assert main(args) == 2 and not out_csv.exists()
    said = capsys.readouterr().err.strip()
    assert said.startswith("error: computed questions: the computed questions need") and "\n" not in said

    monkeypatch.setenv(computed.SECRET_ENV, SECRET)
    assert main(args) == 1
    flagged = [line for line in capsys.readouterr().err.splitlines() if line.startswith("MISMATCH")]
    assert flagged == ["MISMATCH dave: nbgrader 2, answer cells 0"]  # his patch gave him 1 per question
    with out_csv.open(newline="") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    alices, carols = correct_letters(PICKED_BY_HAND), correct_letters("carol")
    assert [float(rows["carol"][f"c{k}"]) for k in alices] == [float(alices[k] == carols[k]) for k in alices]
    assert float(rows["alice"]["total"]) == 20 + CONFIG.count

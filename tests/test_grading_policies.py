"""Course policies through the make targets (docs/policies.md): due dates, extensions, on-time collection
with the late ones listed, the late penalty, Canvas's LATE_ marker, a regrade that keeps a manual score,
and the roster's format.

The policies do not depend on what an exercise asks, so a scratch course with one tiny assignment
(`tiny`: one answer cell, one 10-point test cell, no Keras) keeps each graded notebook to a kernel
start: the exercises' own grading is tested in test_grading_e2e.py. Submissions reach the exchange
as `nbgrader submit` leaves them (<student>+<assignment>+<UTC time>+<random>/ with timestamp.txt).

The class (due 2026-12-01 23:59 Europe/Berlin = 22:59 UTC):
  on_time    correct, 1 h before the due date
  late_only  correct, only at 2026-12-03 00:59 UTC: 1 day 2 h late, so 2 started days
  resubmit   correct 2 h before, then a wrong one 3 h after the due date
  extended   extension until 2026-12-03 23:59 Berlin; a wrong one before the due date, then a correct
             one a day after it (inside the extension). nbgrader's own --before-duedate would take
             the wrong one: it compares with the assignment's due date, not the student's.
  1003       a Canvas download named ..._LATE_1003_..., correct
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from nbgrader.api import Gradebook

sys.path.insert(0, str(ROOT / "grading"))
import course  # noqa: E402
import policies  # noqa: E402

pytestmark = [pytest.mark.xdist_group("grading_policies"), pytest.mark.timeout(600)]

COURSE_ID = "keras3-layers"
TINY = "tiny"
DUE_UTC = datetime(2026, 12, 1, 22, 59)  # 23:59 in Berlin (CET, UTC+1, in December)
UNTIL_UTC = datetime(2026, 12, 3, 22, 59)
PENALTY = {"GRADING_LATE_PENALTY_PER_DAY": "10"}  # percent per started day
LMS_STUDENT = "1003"
LMS_FILE = f"lee_LATE_{LMS_STUDENT}_7003_{TINY}.ipynb"
RIGHT, WRONG = "answer = 42", "answer = 0"
# (student, [(submitted at, answer), ...])
EXCHANGE = {
    "on_time": [(DUE_UTC - timedelta(hours=1), RIGHT)],
    "late_only": [(DUE_UTC + timedelta(days=1, hours=2), RIGHT)],
    "resubmit": [(DUE_UTC - timedelta(hours=2), RIGHT), (DUE_UTC + timedelta(hours=3), WRONG)],
    "extended": [(DUE_UTC - timedelta(hours=12), WRONG), (DUE_UTC + timedelta(days=1), RIGHT)],
}


def tiny_source() -> nbformat.NotebookNode:
    def meta(**kw):
        return {"nbgrader": {"schema_version": 3, "grade": False, "locked": False, "solution": False,
                             "task": False, **kw}}

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("Set `answer` to 42."),
        nbformat.v4.new_code_cell("### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION",
                                  metadata=meta(solution=True, grade_id="answer")),
        nbformat.v4.new_code_cell("assert answer == 42", metadata=meta(grade=True, locked=True,
                                                                       grade_id="check", points=10)),
    ]
    return nb


class Course:
    def __init__(self, root: Path):
        self.root = root
        self.exchange = root.parent / "exchange"

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "NBGRADER_EXCHANGE": str(self.exchange), "GRADING_LATE_PENALTY_PER_DAY": ""}

    def make(self, target: str, *, env: dict | None = None, **variables: str) -> subprocess.CompletedProcess:
        settings = [f"{k}={v}" for k, v in {"COURSE_DIR": str(self.root), **variables}.items()]
        return subprocess.run(["make", "--no-print-directory", "-o", ".venv/.installed", target, *settings],
                              cwd=ROOT, env={**self.env, **(env or {})}, capture_output=True, text=True)

    def ok(self, target: str, **kw) -> str:
        done = self.make(target, **kw)
        assert done.returncode == 0, f"make {target}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def gradebook(self) -> Gradebook:
        return Gradebook(f"sqlite:///{self.root / 'gradebook.db'}", COURSE_ID)

    def submission(self, answer: str) -> nbformat.NotebookNode:
        nb = nbformat.read(self.root / "release" / TINY / f"{TINY}.ipynb", as_version=4)
        nb.cells[1].source = answer
        return nb

    def submit(self, student: str, when: datetime, answer: str) -> None:
        """What `nbgrader submit` leaves in the exchange's inbound folder."""
        stamp = f"{when:%Y-%m-%d %H:%M:%S}.000000 UTC"
        folder = self.exchange / COURSE_ID / "inbound" / f"{student}+{TINY}+{stamp}+{abs(hash(answer)) % 999}"
        folder.mkdir(parents=True)
        nbformat.write(self.submission(answer), folder / f"{TINY}.ipynb")
        (folder / "timestamp.txt").write_text(stamp)

    def collected(self, student: str) -> str:
        nb = nbformat.read(self.root / "submitted" / student / TINY / f"{TINY}.ipynb", as_version=4)
        return nb.cells[1].source

    def late_rows(self) -> dict[str, dict]:
        with open(self.root / f"late_{TINY}.csv", newline="") as handle:
            return {row["student_id"]: row for row in csv.DictReader(handle)}


def policies_cli(run: Course, *argv: str) -> str:
    """`grading/policies.py ARGV` as the make targets run it (from the course folder)."""
    done = subprocess.run([sys.executable, str(ROOT / "grading" / "policies.py"), *argv], cwd=run.root,
                          env=run.env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def new_course(tmp: Path) -> Course:
    run = Course(tmp / "course")
    (run.root / "source" / TINY).mkdir(parents=True)
    for name in course.COURSE_FILES:
        shutil.copy(course.GRADING / name, run.root / name)
    nbformat.write(tiny_source(), run.root / "source" / TINY / f"{TINY}.ipynb")
    return run


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Course:
    """Due date, extension, exchange submissions, both collects, an LMS download, one graded batch."""
    run = new_course(tmp_path_factory.mktemp("policies"))
    run.due_out = run.ok("due", ASSIGNMENT=TINY, DUE="2026-12-01 23:59", TZ="Europe/Berlin")  # before release
    with run.gradebook() as gb:  # the roster (`make roster` has its own tests below and in test_grading_e2e)
        for student in [*EXCHANGE, LMS_STUDENT]:
            gb.update_or_create_student(student)
    # Each make start costs seconds (config check, sources rebuilt): where a target's wiring is shown
    # elsewhere, the command it runs is called directly. `make autograde` releases again anyway.
    course.run_nbgrader(["generate_assignment", TINY, "--force"], run.root)
    until = ["2026-12-03 23:59", "--tz", "Europe/Berlin"]
    run.extension_out = policies_cli(run, "extension", TINY, "extended", *until)
    for student, attempts in EXCHANGE.items():
        for when, answer in attempts:
            run.submit(student, when, answer)
    run.collect_out = run.ok("collect", ASSIGNMENT=TINY, GRADES_CSV=str(run.root / "grades.csv"))
    run.on_time = {s: run.collected(s) for s in EXCHANGE if (run.root / "submitted" / s / TINY).exists()}
    run.late_report = run.late_rows()
    run.include_out = run.ok("collect", ASSIGNMENT=TINY, LATE="include", GRADES_CSV=run.root / "grades.csv")
    run.with_late = {s: run.collected(s) for s in EXCHANGE}

    download = run.root.parent / "Downloads"
    download.mkdir()
    nbformat.write(run.submission(RIGHT), download / LMS_FILE)
    run.ok("zip-collect", ASSIGNMENT=TINY, LMS_DIR=str(download))
    run.ok("autograde", ASSIGNMENT=TINY, JOBS="1", env=PENALTY)
    return run


def scores(run: Course) -> dict[str, tuple[float, float, float]]:
    """{student: (raw score, late penalty, score)} as `make grades` exports them (SafeCsvExport)."""
    with run.gradebook() as gb:
        subs = {s.student.id: s for s in gb.find_assignment(TINY).submissions}
        return {student: (s.score, s.late_submission_penalty, max(0.0, s.score - s.late_submission_penalty))
                for student, s in subs.items()}


def report(run: Course) -> dict[str, dict]:
    with open(run.root / "autograde_report.csv", newline="") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


# ---------------------------------------------------------------- due dates and extensions


def test_due_date_is_stored_in_utc_and_the_extension_per_student(run):
    with run.gradebook() as gb:
        assert gb.find_assignment(TINY).duedate == DUE_UTC
        assert gb.find_submission(TINY, "extended").duedate == UNTIL_UTC
        assert gb.find_submission(TINY, "on_time").duedate == DUE_UTC
    assert "2026-12-01 22:59 UTC" in run.due_out
    assert "2026-12-03 22:59 UTC" in run.extension_out


# make's own trailer ("make: *** [...] Error 2"; "make[1]: ***" when the tests run under `make test`).
MAKE_TRAILER = re.compile(r"^make(\[\d+\])?: \*\*\* ")


def course_lines(done: subprocess.CompletedProcess) -> list[str]:
    """What the course's own command printed, without make's error trailer."""
    return [line for line in (done.stdout + done.stderr).splitlines() if not MAKE_TRAILER.match(line)]


def one_line(done: subprocess.CompletedProcess) -> str:
    lines = course_lines(done)
    assert done.returncode == 2 and len(lines) == 1, done.stdout + done.stderr
    return lines[0]


def test_make_asks_for_what_is_missing_in_one_line(run):
    assert one_line(run.make("extension", ASSIGNMENT=TINY, STUDENT="on_time")).startswith(
        "set STUDENT=<id> and UNTIL=")
    assert one_line(run.make("due", ASSIGNMENT=TINY)).startswith('set DUE="YYYY-MM-DD HH:MM"')


# The command make runs, in this process (each make start-up costs seconds): the same code and output.
@pytest.mark.parametrize(("argv", "says"), [
    (["due", TINY, "2026-13-01 23:59"],
     "not a date: '2026-13-01 23:59'; write it as YYYY-MM-DD HH:MM, e.g. 2026-12-10 23:59"),
    (["due", TINY, "next friday"], "not a date: 'next friday'"),
    (["due", TINY, "2026-12-01 23:59", "--tz", "Mars/Olympus"], "unknown time zone 'Mars/Olympus'"),
    (["due", "ex9", "2026-12-01 23:59"], "no assignment 'ex9' in this course; one of: tiny"),
    (["extension", TINY, "nobody", "2026-12-05 10:00"], "no student 'nobody' in the gradebook"),
    (["extension", TINY, "on_time", "2026-12-01 10:00"], "is not after tiny's due date 2026-12-01 22:59 UTC"),
], ids=["month-13", "words", "zone", "assignment", "student", "before-due"])
def test_a_bad_date_or_name_gets_one_line_and_changes_nothing(run, argv, says, capsys, monkeypatch):
    monkeypatch.chdir(run.root)
    monkeypatch.setenv("NBGRADER_EXCHANGE", str(run.exchange))
    assert policies.main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1 and says in err, err
    with run.gradebook() as gb:
        assert gb.find_assignment(TINY).duedate == DUE_UTC
        assert gb.find_submission(TINY, "on_time").extension is None


# ---------------------------------------------------------------- collecting on time


def test_collect_takes_each_students_newest_on_time_submission(run):
    assert run.on_time == {"on_time": RIGHT, "resubmit": RIGHT, "extended": RIGHT}  # late_only: none on time
    assert (run.root / "downloaded" / "late" / "late_only" / TINY / f"{TINY}.ipynb").exists()


def test_late_submissions_are_listed_with_time_and_lateness(run):
    assert set(run.late_report) == {"late_only", "resubmit"}
    assert run.late_report["late_only"]["submitted_at"] == "2026-12-03 00:59 UTC"
    assert run.late_report["late_only"]["late_by"] == "1d 2h 00m"
    assert run.late_report["resubmit"]["late_by"] == "3h 00m"
    assert run.late_report["late_only"]["action"] == "not collected: nothing on time"
    assert "late: late_only  submitted 2026-12-03 00:59 UTC" in run.collect_out
    assert f"make collect ASSIGNMENT={TINY} LATE=include" in run.collect_out


def test_late_include_takes_the_newest_and_says_so(run):
    assert run.with_late == {"on_time": RIGHT, "late_only": RIGHT, "resubmit": WRONG, "extended": RIGHT}
    assert "late: resubmit" in run.include_out and "collected (LATE=include)" in run.include_out


# ---------------------------------------------------------------- late penalty, LATE_ marker


def test_late_penalty_per_started_day_by_hand(run):
    """10 % per started day: late_only is 1 d 2 h late, 2 started days, 20 % of 10 points = 2, so 8.
    The extended student is inside the extension: no penalty. The LMS file has no time: no penalty."""
    got = scores(run)
    assert got["late_only"] == (10.0, 2.0, 8.0)
    assert got["on_time"] == (10.0, 0.0, 10.0)
    assert got["extended"] == (10.0, 0.0, 10.0)
    assert got["resubmit"] == (0.0, 0.0, 0.0)
    assert got[LMS_STUDENT] == (10.0, 0.0, 10.0)


def test_penalty_rule_floors_at_zero():
    from nbgrader_plugins import PerDayLatePenalty

    rule = PerDayLatePenalty(percent_per_day=30)
    day = 24 * 3600
    assert rule.late_submission_penalty("s", 10.0, 1) == pytest.approx(3.0)  # one second: one started day
    assert rule.late_submission_penalty("s", 10.0, 3 * day) == pytest.approx(9.0)
    assert rule.late_submission_penalty("s", 10.0, 3 * day + 1) == 10.0  # 4 days: 120 %, floor 0


def test_canvas_late_marker_reaches_the_batch_report(run):
    rows = report(run)
    assert "LMS marked it LATE_" in rows[LMS_STUDENT]["problems"]
    assert "LATE_" not in rows["on_time"]["problems"]


# ---------------------------------------------------------------- regrade keeps manual scores


def test_regrade_with_force_keeps_a_formgrader_override(run):
    """Formgrader's manual grading writes grade.manual_score; `make autograde FORCE=1` must keep it."""
    with run.gradebook() as gb:
        grade = gb.find_grade("check", TINY, TINY, "on_time")
        grade.manual_score = 7.0
        gb.db.commit()
    run.ok("autograde", ASSIGNMENT=TINY, JOBS="1", FORCE="1", env=PENALTY)
    with run.gradebook() as gb:
        grade = gb.find_grade("check", TINY, TINY, "on_time")
        assert (grade.auto_score, grade.manual_score, grade.score) == (10.0, 7.0, 7.0)
    got = scores(run)
    assert got["on_time"] == (7.0, 0.0, 7.0)
    assert got["late_only"] == (10.0, 2.0, 8.0)  # regraded, the penalty applied again


# ---------------------------------------------------------------- roster


def test_roster_without_a_file_says_what_to_pass(tmp_path):
    done = Course(tmp_path / "course").make("roster")
    assert done.returncode == 2
    assert done.stdout.splitlines() == [
        "make roster ROSTER=<file.csv> with the columns id,first_name,last_name,email (docs/grading.md)"]


def test_roster_in_the_hubs_format_is_refused_in_one_line(tmp_path):
    done = Course(tmp_path / "course").make("roster", ROSTER=str(ROOT / "classroom" / "roster.example.csv"))
    assert done.returncode == 2
    lines = course_lines(done)
    assert len(lines) == 1 and "needs id,first_name,last_name,email" in lines[0], lines
    assert "username,role,password" in lines[0] and "Malformatted" not in done.stderr

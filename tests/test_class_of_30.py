"""A class of 30 from roster to both LMS gradebooks, through the instructor's make targets (issue 25).

    make roster -> release -> due -> extension -> (30 submissions in the exchange) -> collect
    -> autograde -> feedback -> grades -> lms-grades LMS=canvas -> lms-grades LMS=moodle
    then, with GRADING_LATE_PENALTY_PER_DAY=10: collect LATE=include -> autograde -> lms-grades

The course is test_grading_policies.py's scratch course and its keras-free assignment `tiny` (its
`Course` class, `new_course`, `tiny_source`, due date and extension), with three more test cells so
that the answers earn different scores: `answer == 42` (10 points, tiny's own), even (1), divisible
by 3 (2), divisible by 7 (4); 17 in all. Every expected score below is worked by hand from the answer
the test wrote into the submission, never read from the grader.

The class (due 2026-12-01 23:59 Europe/Berlin = 22:59 UTC):
  27 on time   one submission each, spread over the three days before the due date (one 20 s before
               it), answers from ANSWERS in turn
  sbrown       only a late one: 1 day 2 h after the due date (2 started days), right: 17
  kmensah      only a late one: 3 h after the due date (1 started day), `answer = 14`: 5
  hkim         extension until 2026-12-03 23:59 Berlin; one submission a day and 5 h after the common
               due date, inside the extension, `answer = 84`: 7

The documented default for late work (docs/policies.md, 3.2; docs/lms.md, 3): a student with nothing
on time is listed, not collected, has no submission in the gradebook, and scores 0 in `make grades`
and in both LMS files.
"""

from __future__ import annotations

import csv
import os
import resource
import time
from datetime import timedelta
from pathlib import Path

import nbformat
import pytest
from cpu_share import all_cores, one_core
from test_grading_policies import DUE_UTC, PENALTY, RIGHT, TINY, UNTIL_UTC, Course, new_course, tiny_source

pytestmark = [pytest.mark.xdist_group("class_of_30"), pytest.mark.timeout(600)]

# CPU seconds of every make process of the chain: asserted, since wall time depends on what runs beside
# it (CI: 192 s wall beside other tests, 105 s CPU; alone at load 2.4: 126 s wall, 86 s CPU).
CPU_LIMIT = 180
MAX_POINTS = 17
EXTRA_CHECKS = [("even", "assert answer % 2 == 0", 1), ("three", "assert answer % 3 == 0", 2),
                ("seven", "assert answer % 7 == 0", 4)]
# (what the student wrote in the answer cell, the points it deserves), worked by hand
ANSWERS = [
    (RIGHT, 17),  # "answer = 42": every check
    ("answer = 84", 7),  # even, 3 | 84, 7 | 84; not 42
    (RIGHT, 17),
    ("answer = 21", 6),  # 3 and 7
    ("answer = 14", 5),  # even and 7
    ("answer = 7", 4),
    (RIGHT, 17),
    ("answer = 6", 3),  # even and 3
    ("answer = 3", 2),
    ("answer = 2", 1),
    ("answer = 1", 0),
    ("# YOUR CODE HERE\nraise NotImplementedError()", 0),  # left as released: `answer` undefined
    ("answer = 4 2", 0),  # a syntax error
    ("answer = '42'", 0),  # a string: not 42, and '42' % 2 raises TypeError
]

# The identifier map in Canvas's gradebook order (by last name); Canvas user ids as enrolment gave them.
# hub_name, lms_id, first name, last name, section
PEOPLE = """\
oadeyemi 70412 Ola Adeyemi A
eandersson 70398 Elin Andersson B
a_berg 70455 Astrid Berg A
sbrown 70377 Sam Brown B
bchen 70381 Bo Chen A
pdubois 70440 Pierre Dubois B
mgarcia 70391 María García A
yhassan 70463 Yusuf Hassan B
iivanova 70402 Irina Ivanova A
hkim 70384 Hana Kim B
tkowalski 70429 Tomasz Kowalski A
jlee2 70417 Jun Lee B
mlee 70388 Min Lee A
xlopez 70470 Ximena López B
amartin 70375 Ana Martin A
kmensah 70433 Kwame Mensah B
gmuller 70409 Greta Müller A
tnakamura 70451 Taro Nakamura B
qnguyen 70444 Quynh Nguyen A
dnovak 70395 Dana Novák B
kobrien 70421 Kate O'Brien A
cokafor 70379 Chidi Okafor B
rpatel 70436 Riya Patel A
vpetrova 70458 Vera Petrova B
lrossi 70426 Luca Rossi A
nsato 70467 Naoki Sato B
eschmidt 70386 Erik Schmidt A
fsilva 70448 Fatima Silva B
uyilmaz 70474 Umut Yilmaz A
wzhang 70393 Wei Zhang B
"""
STUDENTS = [line.split(" ") for line in PEOPLE.splitlines()]  # [hub, lms_id, first, last, section]
LATE = {"sbrown": (DUE_UTC + timedelta(days=1, hours=2), RIGHT, 17),
        "kmensah": (DUE_UTC + timedelta(hours=3), "answer = 14", 5)}
EXTENDED = "hkim"
EXTENDED_AT = DUE_UTC + timedelta(days=1, hours=5)  # 2026-12-03 03:59 UTC, before UNTIL_UTC (22:59)
# With GRADING_LATE_PENALTY_PER_DAY=10: 10 % per started day of what the notebook earned.
PENALISED = {"sbrown": (17.0, 3.4, 13.6),  # 1 d 2 h late: 2 started days, 20 % of 17
             "kmensah": (5.0, 0.5, 4.5)}  # 3 h late: 1 started day, 10 % of 5


def hub(row: list[str]) -> str:
    return row[0]


def display(row: list[str]) -> str:
    return f"{row[2]} {row[3]}"


def email(row: list[str]) -> str:
    return f"{row[0]}@students.example.edu"


def on_time_plan() -> dict[str, tuple]:
    """{student: (submitted at, answer, points deserved)} for the 27 on-time students."""
    students = [hub(r) for r in STUDENTS if hub(r) not in LATE and hub(r) != EXTENDED]
    plan = {}
    for i, student in enumerate(students):
        answer, points = ANSWERS[i % len(ANSWERS)]
        when = DUE_UTC - (timedelta(seconds=20) if i == 5 else
                          timedelta(hours=1 + (i * 5) % 70, minutes=(i * 23) % 60, seconds=(i * 7) % 60))
        plan[student] = (when, answer, points)
    return plan


ON_TIME = on_time_plan()
# every student's deserved score as `make grades` shows it by default: late ones 0 (not collected)
DESERVED = {**{s: p for s, (_, _, p) in ON_TIME.items()}, EXTENDED: 7, **dict.fromkeys(LATE, 0)}


def class_source() -> nbformat.NotebookNode:
    """tiny with three more test cells, each a copy of tiny's test cell's nbgrader metadata."""
    nb = tiny_source()
    template = nb.cells[2].metadata["nbgrader"]
    for grade_id, test, points in EXTRA_CHECKS:
        meta = {"nbgrader": {**template, "grade_id": grade_id, "points": points}}
        nb.cells.append(nbformat.v4.new_code_cell(test, metadata=meta))
    return nb


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def read_csv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def graded(run: Course) -> dict[str, tuple]:
    """{student: (raw score, late penalty, submitted at, seconds late, due date)} from the gradebook,
    for every student with a submission row."""
    with run.gradebook() as gb:
        return {s.student.id: (s.score, s.late_submission_penalty, s.timestamp, s.total_seconds_late,
                               s.duedate)
                for s in gb.find_assignment(TINY).submissions}


def batch_report(run: Course) -> dict[str, dict]:
    """`make autograde`'s report (autograde_report.csv beside grades.csv): {student: row}."""
    with open(run.root / "autograde_report.csv", newline="") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


def gradebook_score(snapshot: dict, student: str) -> float:
    """What the gradebook says the student scores: nbgrader's score minus the penalty; no submission, 0."""
    if student not in snapshot:
        return 0.0
    raw, penalty = snapshot[student][:2]
    return max(0.0, raw - penalty)


def cell(score: float) -> str:
    """A score as both LMS files write it: no trailing zeros (17, 4.5, 13.6)."""
    return f"{round(score, 2):g}"


@pytest.fixture(scope="module")
def klass(tmp_path_factory, record_time) -> Course:
    started = time.perf_counter()
    run = new_course(tmp_path_factory.mktemp("class30"))
    nbformat.write(class_source(), run.root / "source" / TINY / f"{TINY}.ipynb")
    run.ids = write_csv(run.root.parent / "ids.csv",
                        [["hub_name", "lms_id", "email", "display_name", "section"]]
                        + [[hub(r), r[1], email(r), display(r), f"Lab {r[4]}"] for r in STUDENTS])
    roster = write_csv(run.root.parent / "roster.csv", [["id", "first_name", "last_name", "email"]]
                       + [[hub(r), r[2], r[3], email(r)] for r in STUDENTS])
    run.times = {}

    def step(label: str, target: str, **kw) -> str:
        begun = time.perf_counter()
        out = run.ok(target, **kw)
        run.times[label] = time.perf_counter() - begun
        record_time("class of 30 (make targets)", label, run.times[label])
        return out

    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)

    with one_core():
        step("roster", "roster", ROSTER=str(roster))
        step("release", "release", ASSIGNMENT=TINY)
        run.due_out = step("due", "due", ASSIGNMENT=TINY, DUE="2026-12-01 23:59", TZ="Europe/Berlin")
        run.extension_out = step("extension", "extension", ASSIGNMENT=TINY, STUDENT=EXTENDED,
                                 UNTIL="2026-12-03 23:59", TZ="Europe/Berlin")
        for student, (when, answer, _) in ON_TIME.items():
            run.submit(student, when, answer)
        for student, (when, answer, _) in LATE.items():
            run.submit(student, when, answer)
        run.submit(EXTENDED, EXTENDED_AT, "answer = 84")
        run.collect_out = step("collect", "collect", ASSIGNMENT=TINY)
        run.late_report = run.late_rows()
        run.took = {p.parent.parent.name: run.collected(p.parent.parent.name)
                    for p in (run.root / "submitted").glob(f"*/{TINY}/{TINY}.ipynb")}
    with all_cores():  # JOBS=2 kernels at once
        step("autograde JOBS=2", "autograde", ASSIGNMENT=TINY, JOBS="2")
    run.report = batch_report(run)
    with one_core():
        step("feedback", "feedback", ASSIGNMENT=TINY)
        run.first = graded(run)
        # lms-grades runs `make grades` first (mk/lms.mk): grades.csv is that target's export
        run.canvas_out = step("lms-grades LMS=canvas", "lms-grades", LMS="canvas", IDS=str(run.ids))
        with open(run.root / "grades.csv", newline="") as handle:
            run.grades = {r["student_id"]: r for r in csv.DictReader(handle)}
        run.moodle_out = step("lms-grades LMS=moodle", "lms-grades", LMS="moodle", IDS=str(run.ids))
        run.canvas = read_csv(run.root / "for_lms" / "grades_canvas.csv")
        run.moodle = read_csv(run.root / "for_lms" / "grades_moodle.csv")

        # The late penalty on, the late ones taken: only their two new submissions are graded.
        run.include_out = step("collect LATE=include", "collect", ASSIGNMENT=TINY, LATE="include")
        run.include_report = run.late_rows()
    with all_cores():
        step("autograde JOBS=2 (penalty)", "autograde", ASSIGNMENT=TINY, JOBS="2", env=PENALTY)
    with one_core():
        run.second = graded(run)
        run.penalty_report = batch_report(run)
        penalised = run.root / "for_lms" / "penalised_canvas.csv"
        step("lms-grades LMS=canvas (penalty)", "lms-grades", LMS="canvas", IDS=str(run.ids),
             OUT=str(penalised))
        run.canvas_penalised = read_csv(penalised)
    total = time.perf_counter() - started
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds = used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime
    record_time("class of 30 (make targets)", "the whole chain", total)
    record_time("class of 30 (make targets)", "the whole chain (CPU seconds)", cpu_seconds, CPU_LIMIT)
    run.cpu_seconds = cpu_seconds
    print(f"class of 30: the whole chain took {total:.1f} s (CPU {cpu_seconds:.0f} s, limit {CPU_LIMIT}; "
          f"load {os.getloadavg()[0]:.1f}): " + ", ".join(f"{k} {v:.1f}" for k, v in run.times.items()))
    return run


def test_the_chain_stays_within_its_cpu_budget(klass):
    used = klass.cpu_seconds
    assert used < CPU_LIMIT, f"the chain's make processes used {used:.0f} CPU seconds"


# ---------------------------------------------------------------- due date, extension, collection


def test_due_date_and_extension_are_in_the_gradebook(klass):
    assert "tiny: due 2026-12-01 22:59 UTC (was none)" in klass.due_out
    assert "hkim: tiny due 2026-12-03 22:59 UTC" in klass.extension_out
    with klass.gradebook() as gb:
        assert len(gb.students) == 30
        assert gb.find_assignment(TINY).duedate == DUE_UTC
        assert gb.find_submission(TINY, EXTENDED).duedate == UNTIL_UTC


def test_the_late_list_names_exactly_the_two_late_students(klass):
    assert set(klass.late_report) == set(LATE)
    assert klass.late_report["sbrown"]["submitted_at"] == "2026-12-03 00:59 UTC"
    assert klass.late_report["sbrown"]["late_by"] == "1d 2h 00m"
    assert klass.late_report["kmensah"]["late_by"] == "3h 00m"
    assert {r["action"] for r in klass.late_report.values()} == {"not collected: nothing on time"}
    assert "tiny: due 2026-12-01 22:59 UTC; 1 extension(s); 2 late submission(s)" in klass.collect_out
    late_lines = [line.split()[1] for line in klass.collect_out.splitlines() if line.startswith("  late: ")]
    assert sorted(late_lines) == sorted(LATE)


def test_the_late_ones_are_set_aside_and_everyone_else_is_collected(klass):
    assert set(klass.took) == set(ON_TIME) | {EXTENDED}
    assert {s: klass.took[s] for s in ON_TIME} == {s: answer for s, (_, answer, _) in ON_TIME.items()}
    for student in LATE:
        assert (klass.root / "downloaded" / "late" / student / TINY / f"{TINY}.ipynb").exists()


def test_the_extended_student_is_graded_on_the_submission_inside_the_extension(klass):
    """Submitted after the common due date, before their own: collected, on time, no penalty."""
    assert klass.took[EXTENDED] == "answer = 84"
    raw, penalty, submitted, seconds_late, due = klass.first[EXTENDED]
    assert (raw, penalty, submitted, due) == (7.0, 0.0, EXTENDED_AT, UNTIL_UTC)
    assert seconds_late == 0
    assert EXTENDED not in klass.late_report


# ---------------------------------------------------------------- scores


def test_every_on_time_score_is_what_the_answer_deserves(klass):
    got = {s: klass.first[s][:2] for s in ON_TIME}
    assert got == {s: (float(points), 0.0) for s, (_, _, points) in ON_TIME.items()}
    assert {s: klass.first[s][2] for s in ON_TIME} == {s: when for s, (when, _, _) in ON_TIME.items()}
    assert len({points for _, _, points in ON_TIME.values()}) == 9  # 0 to 7 and 17: the scores differ


def test_the_batch_report_has_every_collected_student_with_that_score(klass):
    assert {s: float(r["score"]) for s, r in klass.report.items()} == {
        s: DESERVED[s] for s in [*ON_TIME, EXTENDED]}
    assert {r["problems"] for r in klass.report.values()} == {""}


def test_the_late_students_score_0_by_default(klass):
    """docs/policies.md 3.2: nothing on time, so no submission folder, no gradebook submission, and
    0 in `make grades` (an empty timestamp) until the instructor decides."""
    for student in LATE:
        assert student not in klass.first
        row = klass.grades[student]
        assert (row["timestamp"], float(row["score"]), float(row["max_score"])) == ("", 0.0, MAX_POINTS)


def test_grades_csv_has_every_student_with_the_gradebook_score(klass):
    assert set(klass.grades) == {hub(r) for r in STUDENTS}
    assert {s: float(r["score"]) for s, r in klass.grades.items()} == DESERVED
    assert {s: gradebook_score(klass.first, s) for s in klass.grades} == DESERVED


def test_feedback_for_every_graded_student_and_none_for_the_late(klass):
    pages = {p.parent.parent.name for p in (klass.root / "feedback").glob(f"*/{TINY}/{TINY}.html")}
    assert pages == set(ON_TIME) | {EXTENDED}


# ---------------------------------------------------------------- the LMS files


def test_canvas_file_is_canvas_gradebook_import(klass):
    """docs/lms.md 3: Student,ID,SIS User ID,SIS Login ID,Section, one column per assignment; the
    Points Possible row; one row per student of the map, in its order, found by ID (the Canvas id)."""
    header, points, *students = klass.canvas
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", TINY]
    assert points == ["    Points Possible", "", "", "", "", str(MAX_POINTS)]
    assert students == [[display(r), r[1], "", "", f"Lab {r[4]}", cell(DESERVED[hub(r)])] for r in STUDENTS]
    by_id = {row[1]: row[5] for row in students}  # Canvas's own key, back to the hub name through the map
    lms_ids = {row[1]: row[0] for row in read_csv(klass.ids)[1:]}
    assert {lms_ids[i]: float(v) for i, v in by_id.items()} == {
        s: gradebook_score(klass.first, s) for s in lms_ids.values()}
    assert "30 student(s), 1 grade column(s) for canvas" in klass.canvas_out


def test_moodle_file_is_moodle_csv_import(klass):
    """docs/lms.md 3: Full name,Email address,ID number, one column per grade item; students found by
    e-mail; one row per student of the map, in its order."""
    header, *students = klass.moodle
    assert header == ["Full name", "Email address", "ID number", TINY]
    assert students == [[display(r), email(r), r[1], cell(DESERVED[hub(r)])] for r in STUDENTS]
    emails = {row[2]: row[0] for row in read_csv(klass.ids)[1:]}
    assert {emails[row[1]]: float(row[3]) for row in students} == {
        s: gradebook_score(klass.first, s) for s in emails.values()}
    assert "30 student(s), 1 grade column(s) for moodle" in klass.moodle_out


# ---------------------------------------------------------------- late work taken, with the penalty


def test_late_include_with_the_penalty_scores_the_late_ones_exactly(klass):
    assert {s: r["action"] for s, r in klass.include_report.items()} == dict.fromkeys(
        LATE, "collected (LATE=include)")
    for student, (raw, penalty, score) in PENALISED.items():
        got_raw, got_penalty, submitted, seconds_late, _ = klass.second[student]
        assert (got_raw, got_penalty) == (raw, pytest.approx(penalty))
        assert gradebook_score(klass.second, student) == pytest.approx(score)
        assert (submitted, seconds_late) == (LATE[student][0], (LATE[student][0] - DUE_UTC).total_seconds())
    # the batch report gives the score after the penalty, as `make grades` does, and says why
    assert {s: (float(r["score"]), r["problems"]) for s, r in klass.penalty_report.items() if s in LATE} == {
        "sbrown": (13.6, "late: penalty 3.4 of the 17 earned"),
        "kmensah": (4.5, "late: penalty 0.5 of the 5 earned")}
    assert not any(r["problems"] for s, r in klass.penalty_report.items() if s not in LATE)
    # nobody else was regraded: every other submission as before
    assert {s: v for s, v in klass.second.items() if s not in LATE} == klass.first
    header, _, *students = klass.canvas_penalised
    want = {**DESERVED, **{s: score for s, (_, _, score) in PENALISED.items()}}
    assert students == [[display(r), r[1], "", "", f"Lab {r[4]}", cell(want[hub(r)])] for r in STUDENTS]
    assert {row[0]: row[5] for row in students if row[0] in {"Sam Brown", "Kwame Mensah"}} == {
        "Sam Brown": "13.6", "Kwame Mensah": "4.5"}

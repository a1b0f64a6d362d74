"""Canvas and Moodle (grading/lms.py, mk/lms.mk, docs/lms.md): the identifier map, both LMS downloads
through `make zip-collect`, both gradebook imports, Moodle's feedback-files zip, the batch report.

The downloads are built from tests/fixtures/lms/*_download.txt, which list the files as each LMS names
them (Canvas: <name>_[LATE_]<user id>_<submission id>_<upload>; Moodle: <full name>_<participant
id>_assignsubmission_file/<upload>). The expected gradebooks (expected_*.csv) are worked by hand from
grades.csv: one row per student in the map's order, one column per assignment, the score after the late
penalty (Jane's ex2: 8 - 1 = 7), 0 for a missing submission (John's ex2, Alex's ex1).
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "grading"))
import lms  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "lms"
EX1 = "ex1_simple_dense"
pytestmark = pytest.mark.xdist_group("lms")


def rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def cli(*args: str, capsys) -> tuple[int, str, str]:
    code = lms.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------- gradebooks, field by field


@pytest.mark.parametrize("kind", ["canvas", "moodle"])
def test_gradebook_matches_the_hand_worked_file(kind, tmp_path, capsys):
    out = tmp_path / f"{kind}.csv"
    titles = ["--titles", FIXTURES / "titles_canvas.csv"] if kind == "canvas" else []
    code, said, err = cli("grades", "--lms", kind, "--ids", FIXTURES / "ids.csv",
                          "--grades", FIXTURES / "grades.csv", "--out", out, *titles, capsys=capsys)
    assert code == 0, err
    got, want = rows(out), rows(FIXTURES / f"expected_{kind}.csv")
    assert len(got) == len(want)
    for number, (got_row, want_row) in enumerate(zip(got, want, strict=True), start=1):
        assert got_row == want_row, f"{kind} row {number}"
    assert "3 student(s), 3 grade column(s)" in said


def test_canvas_file_reads_as_canvas_importer_reads_it(tmp_path, capsys):
    """The header rules of Canvas's GradebookImporter (docs/lms.md cites it): "Student" then "ID", then
    SIS User ID and SIS Login ID, the last student column holds "Section", assignments after it; a row
    whose first cell holds "Points Possible" gives the points; students found by the ID column."""
    out = tmp_path / "canvas.csv"
    cli("grades", "--lms", "canvas", "--ids", FIXTURES / "ids.csv", "--grades", FIXTURES / "grades.csv",
        "--out", out, capsys=capsys)
    header, points, *students = rows(out)
    assert "Student" in header[0] and "ID" in header[1]
    assert header[2:4] == ["SIS User ID", "SIS Login ID"] and "Section" in header[4]
    assignments = header[5:]
    assert "Points Possible" in points[0]
    points_by = dict(zip(assignments, points[5:], strict=True))
    assert points_by == {"ex1_simple_dense": "10", "ex2_serializable_layer": "10", "quiz": "20"}
    by_id = {row[1]: dict(zip(assignments, row[5:], strict=True)) for row in students}
    # the grades CSV, read independently: (student, assignment) -> score, hub names -> Canvas ids
    ids = {r["hub_name"]: r["lms_id"] for r in csv.DictReader(open(FIXTURES / "ids.csv"))}
    for r in csv.DictReader(open(FIXTURES / "grades.csv")):
        assert float(by_id[ids[r["student_id"]]][r["assignment"]]) == float(r["score"])


def test_a_name_that_looks_like_a_formula_is_written_as_text(tmp_path, capsys):
    ids = tmp_path / "ids.csv"
    ids.write_text("hub_name,lms_id,email,display_name\nmallory,1009,m@example.edu,=HYPERLINK(\"x\")\n")
    grades = tmp_path / "grades.csv"
    grades.write_text("assignment,student_id,score,max_score\nquiz,mallory,3,20\n")
    cli("grades", "--lms", "canvas", "--ids", ids, "--grades", grades, "--out", tmp_path / "o.csv",
        capsys=capsys)
    assert rows(tmp_path / "o.csv")[2][0] == "'=HYPERLINK(\"x\")"


# ---------------------------------------------------------------- bad input: one line each


BAD_MAPS = {
    "numeric hub name": ("1001,1001,a@example.edu,Ann A", "hub_name '1001' must start with a lower-case"),
    "upper-case hub name": ("Ann,1001,a@example.edu,Ann A", "hub_name 'Ann' must start"),
    "duplicate lms id": ("ann,1001,a@example.edu,Ann A\nbob,1001,b@example.edu,Bob B",
                         "line 3: lms_id '1001' already on line 2"),
    "duplicate hub name": ("ann,1001,a@example.edu,Ann A\nann,1002,b@example.edu,Bob B",
                           "line 3: hub_name 'ann' already on line 2"),
    "duplicate email": ("ann,1001,a@example.edu,Ann A\nbob,1002,A@example.edu,Bob B",
                        "line 3: email 'A@example.edu' already on line 2"),
    "bad email": ("ann,1001,ann-at-example,Ann A", "email 'ann-at-example' is not an e-mail address"),
    "no display name": ("ann,1001,a@example.edu,", "display_name is empty"),
}


@pytest.mark.parametrize("case", BAD_MAPS, ids=list(BAD_MAPS))
def test_a_bad_identifier_map_is_refused_in_one_line(case, tmp_path, capsys):
    body, message = BAD_MAPS[case]
    ids = tmp_path / "ids.csv"
    ids.write_text("hub_name,lms_id,email,display_name\n" + body + "\n")
    code, _, err = cli("check-ids", ids, capsys=capsys)
    assert code == 2 and message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda d: (d / "ids.csv").write_text("username,role,password\nann,student,\n"),
         "the header lacks hub_name, lms_id, email, display_name"),
        (lambda d: (d / "grades.csv").write_text("id,first_name,last_name,email\n"),
         "not the CSV of `make grades`"),
        (lambda d: (d / "grades.csv").write_text("assignment,student_id,score,max_score\nquiz,zoe,1,20\n"),
         "grades for students not in the identifier map: zoe"),
        (lambda d: (d / "grades.csv").write_text("assignment,student_id,score,max_score\nquiz,jdoe,n/a,20\n"),
         "line 2: score 'n/a' or max_score '20' is not a number"),
        (lambda d: None, "cannot read the grades"),
        (lambda d: (d / "grades.csv").write_text("assignment,student_id,score,max_score\n"), "no grades yet"),
    ],
    ids=["roster-instead-of-map", "not-grades", "student-not-in-map", "score-not-a-number", "no-file",
         "empty"],
)
def test_bad_grades_input_is_one_line(setup, message, tmp_path, capsys):
    shutil.copy(FIXTURES / "ids.csv", tmp_path / "ids.csv")
    setup(tmp_path)
    code, _, err = cli("grades", "--lms", "canvas", "--ids", tmp_path / "ids.csv", "--grades",
                       tmp_path / "grades.csv", "--out", tmp_path / "o.csv", capsys=capsys)
    assert code == 2 and message in err, err
    assert len(err.strip().splitlines()) == 1


def test_moodle_gradebook_needs_every_email(tmp_path, capsys):
    ids = tmp_path / "ids.csv"
    ids.write_text((FIXTURES / "ids.csv").read_text().replace("john.doe@example.edu", ""))
    code, _, err = cli("grades", "--lms", "moodle", "--ids", ids, "--grades", FIXTURES / "grades.csv",
                       "--out", tmp_path / "o.csv", capsys=capsys)
    assert code == 2 and "no email for jdoe" in err


def test_roster_from_the_map_is_nbgraders_student_csv(tmp_path, capsys):
    code, _, _ = cli("roster", FIXTURES / "ids.csv", tmp_path / "roster.csv", capsys=capsys)
    assert code == 0
    assert rows(tmp_path / "roster.csv")[:2] == [["id", "first_name", "last_name", "email"],
                                                 ["jsmith", "Jane", "Smith", "jane.smith@example.edu"]]


# ---------------------------------------------------------------- the downloads through make zip-collect


def download(listing: str, into: Path) -> Path:
    """The LMS's download folder: a zip of the `zip:` lines and the `loose:` files beside it."""
    notebook = (ROOT / "grading" / "release" / EX1 / f"{EX1}.ipynb").read_bytes()
    into.mkdir(parents=True)
    lines = [line.strip() for line in (FIXTURES / listing).read_text().splitlines()]
    with zipfile.ZipFile(into / "submissions.zip", "w") as zipped:
        for line in lines:
            if line.startswith("zip: "):
                zipped.writestr(line[5:], notebook)
    for line in lines:
        if line.startswith("loose: "):
            (into / line[7:]).write_bytes(notebook)
    return into


def course_copy(root: Path) -> Path:
    course = root / "course"
    (course / "release").mkdir(parents=True)
    for name in ("nbgrader_config.py", "nbgrader_plugins.py", "sandbox.py"):
        shutil.copy(ROOT / "grading" / name, course / name)
    shutil.copytree(ROOT / "grading" / "release" / EX1, course / "release" / EX1)
    return course


def make(target: str, course: Path, **variables: str) -> subprocess.CompletedProcess:
    settings = [f"{k}={v}" for k, v in {"COURSE_DIR": str(course), **variables}.items()]
    return subprocess.run(["make", "--no-print-directory", "-o", ".venv/.installed", target, *settings],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ})


def submitted(course: Path) -> set[str]:
    return {p.parent.parent.name for p in (course / "submitted").glob(f"*/{EX1}/*.ipynb")}


@pytest.fixture(scope="module")
def canvas(tmp_path_factory):
    root = tmp_path_factory.mktemp("canvas")
    course = course_copy(root)
    folder = download("canvas_download.txt", root / "dl")
    done = make("zip-collect", course, ASSIGNMENT=EX1, LMS_DIR=str(folder), IDS=str(FIXTURES / "ids.csv"))
    return course, done


def test_canvas_download_gives_every_upload_to_a_student_or_says_why_not(canvas):
    course, done = canvas
    assert done.returncode != 0, "unmatched uploads must not pass silently"
    assert submitted(course) == {"jsmith", "jdoe"}  # hub names from the map, not Canvas ids
    summary = next(line for line in done.stdout.splitlines() if line.startswith(f"zip-collect {EX1}:"))
    assert "2 notebook(s) collected for 2 student(s); 3 upload(s) NOT collected" in summary
    lost = [line for line in done.stdout.splitlines() if line.strip().startswith("NOT COLLECTED:")]
    assert len(lost) == 3
    assert any("kimalex_1003_88003_Untitled.ipynb (student akim)" in line and "not a notebook of this" in line
               for line in lost)
    assert any("Canvas user id 1099 is not in the identifier map" in line for line in lost)
    assert any(line.strip() == "NOT COLLECTED: Untitled.ipynb: the file name is not Canvas's "
               "<name>_<user id>_<submission id>_<file>" for line in lost)
    assert not any("notes.pdf" in line for line in lost)  # not a notebook: not a lost submission


def test_canvas_late_marker_reaches_the_hub_name(canvas):
    course, _ = canvas
    assert lms.late_uploads(course, EX1) == {"jdoe"}


def test_allow_unmatched_exits_zero_and_still_lists_them(canvas, capfd):
    course, _ = canvas  # the download is already in place: zip-collect again, as make would
    code = lms.main(["zip-collect", EX1, "--course", str(course), "--ids", str(FIXTURES / "ids.csv"),
                     "--allow-unmatched"])
    assert code == 0
    assert "3 upload(s) NOT collected" in capfd.readouterr().out


def test_batch_report_lists_the_uncollected_uploads(canvas, tmp_path, capsys):
    course, _ = canvas
    import intake

    old = os.getcwd()
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # alembic
    os.chdir(course)
    try:
        report = intake.report(course, EX1, {}, [], tmp_path / "report.csv")
    finally:
        os.chdir(old)
    said = capsys.readouterr().out
    lost = [r for r in report if r["problems"].startswith("LMS upload NOT COLLECTED")]
    assert {r["student_id"] for r in lost} == {"akim", "?"} and len(lost) == 3
    summary = next(line for line in said.splitlines() if line.startswith("report:"))
    assert "2 submission(s); 3 LMS upload(s) NOT COLLECTED" in summary
    written = list(csv.DictReader(open(tmp_path / "report.csv")))
    assert sum("NOT COLLECTED" in r["problems"] for r in written) == 3


@pytest.fixture(scope="module")
def moodle(tmp_path_factory):
    root = tmp_path_factory.mktemp("moodle")
    course = course_copy(root)
    folder = download("moodle_download.txt", root / "dl")
    done = make("zip-collect", course, ASSIGNMENT=EX1, LMS="moodle", LMS_DIR=str(folder),
                IDS=str(FIXTURES / "moodle_ids.csv"))
    return course, done


def test_moodle_download_maps_by_full_name_never_by_participant_id(moodle):
    course, done = moodle
    assert submitted(course) == {"jsmith", "jdoe"}
    assert not any(name.isdigit() for name in os.listdir(course / "submitted"))
    assert done.returncode != 0


def test_two_students_with_one_full_name_are_warned_about_and_not_guessed(moodle):
    course, done = moodle
    assert "WARNING: akim, akim2 share the full name 'alex kim'" in done.stdout
    shared = [line for line in done.stdout.splitlines() if "NOT COLLECTED:" in line and "Alex Kim_" in line]
    assert len(shared) == 2 and all("2 students share the full name 'Alex Kim'" in line for line in shared)
    assert not {"akim", "akim2"} & submitted(course)


def test_moodle_needs_the_identifier_map(tmp_path, capsys):
    course = course_copy(tmp_path)
    code, _, err = cli("zip-collect", EX1, "--lms", "moodle", "--course", course, capsys=capsys)
    assert code == 2 and "LMS=moodle needs IDS=" in err and len(err.strip().splitlines()) == 1


def moodle_importer_user(path: str, participants: dict[int, str]) -> tuple[str, str] | None:
    """Moodle's assignfeedback_file_zip_importer.is_valid_filename_for_import, restated: the first path
    part that splits on "_" (at most 5 parts) into name, numeric participant id, plugin type and name."""
    parts = path.split("/")
    while parts:
        info = parts.pop(0).split("_", 4)
        if len(info) < 4 or not info[1].isdigit() or int(info[1]) not in participants:
            continue
        if (info[2], info[3]) not in {("assignsubmission", "file"), ("assignfeedback", "file")}:
            continue
        rest = info[4] if len(info) == 5 else ""
        return participants[int(info[1])], "/".join([rest, *parts]).lstrip("/")
    return None


def test_moodle_feedback_zip_reaches_each_participant(moodle):
    course, _ = moodle
    for student in ("jsmith", "jdoe"):
        page = course / "feedback" / student / EX1 / f"{EX1}.html"
        page.parent.mkdir(parents=True)
        page.write_text(f"<p>feedback for {student}</p>")
    out = course / "feedback.zip"
    done = make("lms-feedback", course, ASSIGNMENT=EX1, LMS="moodle", OUT=str(out))
    assert done.returncode == 0, done.stderr
    # the participant ids of this assignment, read from the download listing itself
    participants = {}
    for line in (FIXTURES / "moodle_download.txt").read_text().splitlines():
        if line.startswith("zip: "):
            name, number = line[5:].split("/")[0].split("_")[:2]
            participants[int(number)] = name
    with zipfile.ZipFile(out) as zipped:
        found = {moodle_importer_user(n, participants): zipped.read(n).decode() for n in zipped.namelist()}
    assert found == {("Jane Smith", f"{EX1}.html"): "<p>feedback for jsmith</p>",
                     ("John Doe", f"{EX1}.html"): "<p>feedback for jdoe</p>"}


def test_canvas_has_no_feedback_zip(tmp_path):
    done = make("lms-feedback", tmp_path, ASSIGNMENT=EX1, LMS="canvas")
    assert done.returncode != 0 and "Canvas has no bulk feedback-file upload" in done.stdout


def test_the_hub_accounts_come_from_the_same_map():
    sys.path.insert(0, str(ROOT / "classroom"))
    import roster

    accounts = roster.read_roster(FIXTURES / "ids.csv")
    assert [(a.username, a.role) for a in accounts] == [("jsmith", "student"), ("jdoe", "student"),
                                                        ("akim", "student")]


def test_docs_name_every_lms_target():
    import re

    docs = (ROOT / "docs" / "lms.md").read_text()
    declared = re.findall(r"^([a-z-]+):.*## ", (ROOT / "mk" / "lms.mk").read_text(), re.M)
    assert len(declared) == 5
    for target in declared:
        assert f"make {target}" in docs, f"docs/lms.md does not mention `make {target}`"


@pytest.mark.parametrize(
    "path, prefix",
    [
        ("x/Jane Smith_561204_assignsubmission_file/ex1_simple_dense.ipynb",
         "Jane Smith_561204_assignsubmission_file/"),  # Moodle 4.1 and later, in folders
        ("x/Jane Smith_561204_assignsubmission_file_/Copy of ex1_simple_dense.ipynb",
         "Jane Smith_561204_assignsubmission_file_/"),  # before 4.1, in folders
        ("x/Jane Smith_561204_assignsubmission_file_ex1_simple_dense (1).ipynb",
         "Jane Smith_561204_assignsubmission_file_"),  # "Download submissions in folders" off
    ],
    ids=["folders-4.1", "folders-before-4.1", "flat"],
)
def test_every_moodle_naming_finds_the_student_and_keeps_the_prefix(path, prefix):
    students = lms.read_ids(FIXTURES / "moodle_ids.csv")
    found = lms.Matcher("moodle", students, {f"{EX1}.ipynb"}, "").match(path)
    got = (found.student_id, found.notebook, found.prefix, found.reason)
    assert got == ("jsmith", f"{EX1}.ipynb", prefix, "")
    # the feedback file's path under that prefix reaches participant 561204 by Moodle's rule
    feedback = prefix + f"{EX1}.html"
    assert moodle_importer_user(feedback, {561204: "Jane Smith"}) == ("Jane Smith", f"{EX1}.html")

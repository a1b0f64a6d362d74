"""The course and an LMS (Canvas, Moodle): one identifier map, collection, grades and feedback.

    python grading/lms.py check-ids IDS.csv
    python grading/lms.py roster IDS.csv OUT.csv                    # nbgrader's student CSV from the map
    python grading/lms.py zip-collect ASSIGNMENT --lms canvas|moodle [--ids IDS.csv] [--allow-unmatched]
    python grading/lms.py grades --lms canvas|moodle --ids IDS.csv --grades GRADES.csv --out OUT.csv \
        [--titles T.csv]
    python grading/lms.py feedback ASSIGNMENT --lms moodle --out OUT.zip

zip-collect and feedback run in the course folder (the one holding nbgrader_config.py), as the make
targets do. docs/lms.md is the instructor's guide; what each LMS expects is cited there.

The identifier map (classroom/ids.example.csv) has one row per student: `hub_name` (the student id in
nbgrader and the hub's user name: a lower-case letter first, then lower-case letters, digits, _ or -),
`lms_id` (Canvas: the user id that the Canvas download and gradebook carry; Moodle: the user's ID
number, may be empty), `email` (Moodle's import matches on it) and `display_name` (the full name the LMS
shows; Moodle's download carries only that name).
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import os
import re
import subprocess
import sys
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from helpers import safe_csv  # noqa: E402

IDS_COLUMNS = ("hub_name", "lms_id", "email", "display_name")
HUB_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")
LMS_KINDS = ("canvas", "moodle")
# What zip-collect leaves beside the download, per assignment (read by the report and the feedback zip).
COLLECTED = "lms_collected.csv"
UNMATCHED = "lms_unmatched.csv"
COLLECTED_FIELDS = ("file", "student_id", "lms_key", "prefix", "notebook")
UNMATCHED_FIELDS = ("file", "lms_key", "student_id", "reason")
# Moodle's "Download all submissions": <full name>_<participant id>_assignsubmission_file then the file,
# either inside that folder (Moodle >= 4.1; before 4.1 the folder ends with "_") or joined with "_" when
# "Download submissions in folders" is off. Moodle replaces "_" in names by spaces, so the name has none.
MOODLE_REGEX = (
    r".*/(?P<fullname>[^/_]+)_(?P<participant>\d+)_assignsubmission_file(?:_/|/|_)"
    r"(?P<upload>[^/]+)$"
)
# The renamings browsers and Colab add to uploads (as in nbgrader_config.py's Canvas pattern).
UPLOAD_NAME = re.compile(r"^(?:Copy[ _]of[ _])?(?P<file_id>[A-Za-z0-9_]+?)(?:-\d+| ?\(\d+\))?\.ipynb$")


class LmsError(ValueError):
    """Bad input the instructor can fix: printed as one line, exit status 2."""


# ---------------------------------------------------------------- the identifier map


@dataclass(frozen=True)
class Student:
    hub_name: str
    lms_id: str
    email: str
    display_name: str
    section: str = ""


def name_key(name: str) -> str:
    """Names as Moodle's file names and people write them: case, accents' forms and spacing ignored."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().replace("_", " ").split())


def read_ids(path: Path) -> list[Student]:
    """The identifier map, validated. Every problem is one line of the LmsError."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip() for h in reader.fieldnames or []]
            rows = list(reader)
    except OSError as error:
        raise LmsError(f"{path}: cannot read the identifier map ({error.strerror})") from None
    missing = [c for c in IDS_COLUMNS if c not in header]
    if missing:
        raise LmsError(f"{path}: the header lacks {', '.join(missing)} (need {','.join(IDS_COLUMNS)})")
    problems: list[str] = []
    students: list[Student] = []
    seen: dict[str, dict[str, int]] = {"hub_name": {}, "lms_id": {}, "email": {}}
    for line, row in enumerate(rows, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k}
        student = Student(*(row.get(c, "") for c in IDS_COLUMNS), section=row.get("section", ""))
        if not HUB_NAME.match(student.hub_name):
            problems.append(
                f"line {line}: hub_name {student.hub_name!r} must start with a lower-case letter, then "
                "lower-case letters, digits, _ or - (at most 32): hub user names cannot be numeric LMS ids"
            )
        if student.email and not EMAIL.match(student.email):
            problems.append(f"line {line}: email {student.email!r} is not an e-mail address")
        if not student.display_name:
            problems.append(f"line {line}: display_name is empty (the LMS's full name of the student)")
        for column in seen:
            value = getattr(student, column).casefold()
            if value and value in seen[column]:
                problems.append(f"line {line}: {column} {getattr(student, column)!r} already on line "
                                f"{seen[column][value]}")
            elif value:
                seen[column][value] = line
        students.append(student)
    if not students and not problems:
        problems.append("no students (one row per student after the header)")
    if problems:
        raise LmsError(f"{path}: " + "; ".join(problems))
    return students


def shared_names(students: list[Student]) -> dict[str, list[Student]]:
    by_name: dict[str, list[Student]] = {}
    for student in students:
        by_name.setdefault(name_key(student.display_name), []).append(student)
    return {name: group for name, group in by_name.items() if len(group) > 1}


def roster_rows(students: list[Student]) -> list[list[str]]:
    """nbgrader's `db student import` CSV: id,first_name,last_name,email (the last word is the last name)."""
    rows = [["id", "first_name", "last_name", "email"]]
    for s in students:
        first, _, last = s.display_name.rpartition(" ")
        rows.append([s.hub_name, first, last, s.email])
    return rows


# ---------------------------------------------------------------- zip-collect: whose upload is this?


@dataclass
class Match:
    student_id: str = ""  # the hub name the notebook is collected under ("" = unmatched)
    lms_key: str = ""  # what the file name says about the student (Canvas user id, Moodle full name)
    prefix: str = ""  # the file's path inside the download up to the uploaded name (Moodle feedback)
    notebook: str = ""
    reason: str = ""


class Matcher:
    def __init__(self, lms: str, students: list[Student] | None, notebooks: set[str], canvas_regex: str):
        self.lms, self.students, self.notebooks = lms, students, notebooks
        self.canvas = re.compile(canvas_regex)
        self.by_lms_id = {s.lms_id: s for s in students or [] if s.lms_id}
        self.by_name: dict[str, list[Student]] = {}
        for s in students or []:
            self.by_name.setdefault(name_key(s.display_name), []).append(s)

    def _student(self, key: str) -> tuple[str, str]:
        """(hub name, reason it is unknown) for the LMS's key of a student."""
        if self.lms == "canvas":
            if self.students is None:
                return key, ""  # no map: the Canvas user id is the student id (the old behaviour)
            if key in self.by_lms_id:
                return self.by_lms_id[key].hub_name, ""
            return "", f"Canvas user id {key} is not in the identifier map"
        found = self.by_name.get(name_key(key), [])
        if len(found) == 1:
            return found[0].hub_name, ""
        if not found:
            return "", f"no student named {key!r} in the identifier map"
        names = ", ".join(s.hub_name for s in found)
        return "", (f"{len(found)} students share the full name {key!r} ({names}): Moodle's file name cannot "
                    "tell them apart; collect this file by hand")

    def match(self, path: str) -> Match:
        if self.lms == "canvas":
            found = self.canvas.match(path)
            if not found:
                return Match(reason="the file name is not Canvas's <name>_<user id>_<submission id>_<file>")
            key = found.group("student_id")
            upload = path.rsplit("/", 1)[-1]
            notebook = f"{found.group('file_id')}.ipynb"
            prefix = upload[: upload.find(found.group("student_id"))]
        else:
            found = re.match(MOODLE_REGEX, path)
            if not found:
                return Match(reason="the file name is not Moodle's "
                             "<full name>_<id>_assignsubmission_file_<file>")
            key, upload = found.group("fullname"), found.group("upload")
            name = UPLOAD_NAME.match(upload)
            notebook = f"{name.group('file_id')}.ipynb" if name else upload
            start = path.rfind(found.group("fullname") + "_" + found.group("participant"))
            prefix = path[start : len(path) - len(upload)]
        student, unknown = self._student(key)
        record = Match(student, key, prefix, notebook)
        if notebook not in self.notebooks:
            record.reason = (f"{upload!r} is not a notebook of this assignment (expected "
                             f"{' or '.join(sorted(self.notebooks)) or 'a released notebook'})"
                             + (f"; and {unknown}" if unknown else ""))
        elif unknown:
            record.reason = unknown
        if record.reason:
            record.student_id = student  # kept so the report says whose file it was, when known
        return record


def _download_folder(extracted: str) -> Path:
    """downloaded/<assignment>/ from a file under downloaded/<assignment>/extracted/."""
    path = Path(extracted)
    while path.name != "extracted" and path != path.parent:
        path = path.parent
    return path.parent


def _append(path: Path, fields: tuple[str, ...], row: dict) -> None:
    new = not path.exists()
    with open(path, "a", newline="", encoding="utf-8") as handle:
        writer = safe_csv.dict_writer(handle, fieldnames=list(fields))
        if new:
            writer.writeheader()
        writer.writerow({k: row.get(k, "") for k in fields})


def assignment_folder(course: Path, assignment: str) -> Path | None:
    """Where the assignment's notebook names are read: its release, or its source on a course that has
    not run `make release` yet (the names are the same; a fresh clone has no release folder)."""
    for kind in ("release", "source"):
        if (course / kind / assignment).is_dir():
            return course / kind / assignment
    return None


def collector_class():
    """nbgrader's file-name collector, reading whose upload each file is through the identifier map.

    Built on demand so that importing this module does not need nbgrader. Settings come from the
    environment that `lms.py zip-collect` sets: LMS_KIND, LMS_IDS (may be empty for Canvas)."""
    from nbgrader.plugins import FileNameCollectorPlugin

    class MappedCollector(FileNameCollectorPlugin):
        _matcher = None

        def matcher(self, submitted_file: str) -> Matcher:
            if self._matcher is None:
                ids = os.environ.get("LMS_IDS", "")
                folder = _download_folder(submitted_file)
                released = assignment_folder(folder.parent.parent, folder.name)
                notebooks = {p.name for p in released.glob("*.ipynb")}
                self._matcher = Matcher(os.environ.get("LMS_KIND", "canvas"),
                                        read_ids(Path(ids)) if ids else None, notebooks, self.named_regexp)
            return self._matcher

        def collect(self, submitted_file: str):
            folder = _download_folder(submitted_file)
            shown = submitted_file.split("/extracted/", 1)[-1]
            if Path(submitted_file).suffix not in self.valid_ext:
                return None  # a PDF or a .txt beside the notebook: not a submission
            record = self.matcher(submitted_file).match(submitted_file)
            if record.reason:
                _append(folder / UNMATCHED, UNMATCHED_FIELDS, {"file": shown, **record.__dict__})
                self.log.warning("NOT COLLECTED: %s: %s", shown, record.reason)
                return None
            _append(folder / COLLECTED, COLLECTED_FIELDS, {"file": shown, **record.__dict__})
            return {"student_id": record.student_id, "file_id": record.notebook}

    return MappedCollector


def read_records(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def unmatched_lines(course: Path, assignment: str) -> list[str]:
    """One line per upload zip-collect could not give to a student (the batch report lists them too)."""
    lines = []
    for row in read_records(course / "downloaded" / assignment / UNMATCHED):
        who = f" (student {row['student_id']})" if row.get("student_id") else ""
        lines.append(f"{row['file']}{who}: {row['reason']}")
    return lines


CANVAS_LATE = re.compile(r"[^/_]+_[Ll][Aa][Tt][Ee]_\d+_")


def late_uploads(course: Path, assignment: str) -> set[str]:
    """Students (hub names) whose collected Canvas file carries the LATE_ marker."""
    records = read_records(course / "downloaded" / assignment / COLLECTED)
    return {r["student_id"] for r in records if CANVAS_LATE.match(r["file"].rsplit("/", 1)[-1])}


def uncollected_rows(course: Path, pattern: str) -> list[dict]:
    """The batch report's rows for uploads zip-collect gave to no student: they score nothing until fixed."""
    rows = []
    for table in sorted((course / "downloaded").glob(f"*/{UNMATCHED}")):
        assignment = table.parent.name
        if not fnmatch.fnmatch(assignment, pattern):
            continue
        for row in read_records(table):
            rows.append({"student_id": row.get("student_id") or "?", "assignment": assignment, "score": 0.0,
                         "max_score": None, "seconds": "",
                         "problems": f"LMS upload NOT COLLECTED: {row['file']}: {row['reason']}"})
    return rows


def zip_collect(course: Path, assignment: str, lms: str, ids: Path | None, allow_unmatched: bool) -> int:
    students = read_ids(ids) if ids else None
    if lms == "moodle" and students is None:
        raise LmsError("LMS=moodle needs IDS=<identifier map>: Moodle's file names carry a per-assignment "
                       "participant id, never the student's id, so students are found by their full name")
    for name, group in shared_names(students or []).items():
        print(f"WARNING: {', '.join(s.hub_name for s in group)} share the full name {name!r}"
              + (": their Moodle uploads cannot be told apart and will be listed as not collected"
                 if lms == "moodle" else ""), flush=True)
    folder = course / "downloaded" / assignment
    for stale in (COLLECTED, UNMATCHED):
        (folder / stale).unlink(missing_ok=True)
    if assignment_folder(course, assignment) is None:
        raise LmsError(f"no source/{assignment} in {course}: is {assignment!r} an assignment of this course?")
    env = {**os.environ, "LMS_KIND": lms, "LMS_IDS": str(ids or ""),
           "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")])}
    nbgrader = Path(sys.executable).parent / "nbgrader"
    done = subprocess.run([str(nbgrader), "zip_collect", assignment, "--force",
                           "--ZipCollectApp.collector_plugin=lms.MappedCollector"], cwd=course, env=env)
    if done.returncode:
        return done.returncode
    collected = read_records(folder / COLLECTED)
    unmatched = unmatched_lines(course, assignment)
    students_in = sorted({r["student_id"] for r in collected})
    print(f"\nzip-collect {assignment}: {len(collected)} notebook(s) collected for {len(students_in)} "
          f"student(s); {len(unmatched)} upload(s) NOT collected", flush=True)
    for line in unmatched:
        print(f"  NOT COLLECTED: {line}", flush=True)
    if unmatched:
        print(f"  {len(unmatched)} upload(s) above belong to no student yet: rename the file or fix the "
              "identifier map, then run zip-collect again (ALLOW_UNMATCHED=1 accepts them as they are)",
              flush=True)
        return 0 if allow_unmatched else 3
    return 0


# ---------------------------------------------------------------- grades: nbgrader's long CSV -> gradebook


def _number(text: str) -> str:
    value = float(text)
    return f"{value:.2f}".rstrip("0").rstrip(".")


def read_grades(path: Path) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """{student_id: {assignment: score}} and {assignment: max_score} from `make grades`'s CSV."""
    need = ("assignment", "student_id", "score", "max_score")
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or any(c not in reader.fieldnames for c in need):
                raise LmsError(f"{path}: not the CSV of `make grades` (need columns {', '.join(need)})")
            rows = list(reader)
    except OSError as error:
        raise LmsError(f"{path}: cannot read the grades ({error.strerror})") from None
    scores: dict[str, dict[str, str]] = {}
    maxima: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        try:
            score, top = _number(row["score"] or "0"), _number(row["max_score"])
        except ValueError:
            raise LmsError(f"{path}: line {line}: score {row['score']!r} or max_score "
                           f"{row['max_score']!r} is not a number") from None
        scores.setdefault(row["student_id"], {})[row["assignment"]] = score
        maxima[row["assignment"]] = top
    return scores, maxima


def read_titles(path: Path | None) -> dict[str, str]:
    """Optional assignment,title CSV: the column title of each assignment in the LMS's gradebook."""
    if not path:
        return {}
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return {row["assignment"].strip(): row["title"].strip() for row in csv.DictReader(handle)}


def gradebook(lms: str, students: list[Student], grades: Path, titles: dict[str, str]) -> list[list[str]]:
    scores, maxima = read_grades(grades)
    known = {s.hub_name for s in students}
    strangers = sorted(set(scores) - known)
    if strangers:
        raise LmsError(f"{grades}: grades for students not in the identifier map: {', '.join(strangers)} "
                       "(add them, or their grades would be lost)")
    if not maxima:
        raise LmsError(f"{grades}: no grades yet (run `make autograde` and `make grades` first)")
    assignments = sorted(maxima)
    columns = [titles.get(a, a) for a in assignments]
    if lms == "canvas":
        # Canvas's gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, then one column per
        # assignment; a "Points Possible" row before the students (docs/lms.md cites the format).
        rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *columns],
                ["    Points Possible", "", "", "", "", *(maxima[a] for a in assignments)]]
        for s in students:
            mine = scores.get(s.hub_name, {})
            cells = [mine.get(a, "") for a in assignments]
            rows.append([s.display_name, s.lms_id, "", "", s.section, *cells])
        return rows
    missing = [s.hub_name for s in students if not s.email]
    if missing:
        raise LmsError(f"Moodle's import finds students by e-mail: no email for {', '.join(missing)}")
    rows = [["Full name", "Email address", "ID number", *columns]]
    for s in students:
        mine = scores.get(s.hub_name, {})
        rows.append([s.display_name, s.email, s.lms_id, *(mine.get(a, "") for a in assignments)])
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        safe_csv.writer(handle).writerows(rows)


# ---------------------------------------------------------------- feedback: Moodle's feedback-files zip


def moodle_feedback(course: Path, assignment: str, out: Path) -> tuple[int, list[str]]:
    """A zip with each student's feedback under the folder name of their Moodle download, which is how
    Moodle's "Upload multiple feedback files in a zip" finds the participant. Returns (files, missing)."""
    records = read_records(course / "downloaded" / assignment / COLLECTED)
    if not records:
        raise LmsError(f"no Moodle download collected for {assignment}: run `make zip-collect LMS=moodle` "
                       "first (the feedback zip reuses the download's folder names)")
    written, missing = 0, []
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        for record in sorted({r["student_id"]: r for r in records}.values(), key=lambda r: r["student_id"]):
            pages = sorted((course / "feedback" / record["student_id"] / assignment).glob("*.html"))
            if not pages:
                missing.append(record["student_id"])
            for page in pages:
                prefix = record["prefix"]
                # Moodle >= 4.1 names the folder without the trailing "_"; its importer reads both.
                zipped.write(page, prefix + page.name if prefix.endswith("/") else f"{prefix}{page.name}")
                written += 1
    return written, missing


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lms.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check-ids")
    check.add_argument("ids", type=Path)
    roster = sub.add_parser("roster")
    roster.add_argument("ids", type=Path)
    roster.add_argument("out", type=Path)
    collect = sub.add_parser("zip-collect")
    collect.add_argument("assignment")
    collect.add_argument("--lms", choices=LMS_KINDS, default="canvas")
    collect.add_argument("--ids", type=Path)
    collect.add_argument("--course", type=Path, default=Path("."))
    collect.add_argument("--allow-unmatched", action="store_true")
    grades = sub.add_parser("grades")
    grades.add_argument("--lms", choices=LMS_KINDS, required=True)
    grades.add_argument("--ids", type=Path, required=True)
    grades.add_argument("--grades", type=Path, required=True)
    grades.add_argument("--out", type=Path, required=True)
    grades.add_argument("--titles", type=Path)
    feedback = sub.add_parser("feedback")
    feedback.add_argument("assignment")
    feedback.add_argument("--lms", choices=LMS_KINDS, default="moodle")
    feedback.add_argument("--course", type=Path, default=Path("."))
    feedback.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "check-ids":
            students = read_ids(args.ids)
            for name, group in shared_names(students).items():
                print(f"WARNING: {', '.join(s.hub_name for s in group)} share the full name {name!r}")
            print(f"{args.ids}: {len(students)} student(s), valid")
        elif args.command == "roster":
            write_csv(args.out, roster_rows(read_ids(args.ids)))
            print(f"wrote {args.out}")
        elif args.command == "zip-collect":
            return zip_collect(args.course.resolve(), args.assignment, args.lms,
                               args.ids.resolve() if args.ids else None, args.allow_unmatched)
        elif args.command == "grades":
            rows = gradebook(args.lms, read_ids(args.ids), args.grades, read_titles(args.titles))
            write_csv(args.out, rows)
            print(f"wrote {args.out}: {len(rows) - (2 if args.lms == 'canvas' else 1)} student(s), "
                  f"{len(rows[0]) - (5 if args.lms == 'canvas' else 3)} grade column(s) for {args.lms}")
        elif args.command == "feedback":
            if args.lms != "moodle":
                raise LmsError("Canvas has no bulk upload of feedback files: see docs/lms.md (SpeedGrader "
                               "or the submission comments API)")
            written, missing = moodle_feedback(args.course.resolve(), args.assignment, args.out)
            print(f"wrote {args.out}: {written} feedback file(s)")
            if missing:
                print(f"WARNING: no feedback yet for {', '.join(missing)}: run `make feedback` first")
    except (LmsError, KeyError) as error:
        text = error.args[0] if isinstance(error, LmsError) else f"missing column {error}"
        print(f"lms: {text}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())


def __getattr__(name: str):
    """`lms.MappedCollector` for nbgrader's --ZipCollectApp.collector_plugin (built only when asked)."""
    if name == "MappedCollector":
        globals()[name] = collector_class()
        return globals()[name]
    raise AttributeError(name)

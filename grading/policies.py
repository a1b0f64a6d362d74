"""Course policies as commands: due dates, extensions, on-time collection, the roster's format.

    python grading/policies.py due ASSIGNMENT "YYYY-MM-DD HH:MM" [--tz ZONE]
    python grading/policies.py extension ASSIGNMENT STUDENT "YYYY-MM-DD HH:MM" [--tz ZONE]
    python grading/policies.py collect ASSIGNMENT [--late include] [--report CSV]
    python grading/policies.py check-roster CSV

Run from the course folder (the one holding nbgrader_config.py), as the make targets do. Dates are
read in ZONE (an IANA name such as Europe/Berlin; default UTC) and stored in UTC, as nbgrader does.
Every refusal is one line on stderr and exit status 2. docs/policies.md gives the procedures.

Why collect is more than `nbgrader collect --before-duedate`: nbgrader 0.9 compares each submission
with the assignment's due date only (a student's extension is ignored), and a student whose every
submission is late gets the newest late one, silently. Here each student's own due date (with the
extension) decides, late submissions are listed, and they are taken only with `--late include`.
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

# nbgrader's student table; `id` is the one it requires (`nbgrader db student import`).
ROSTER_COLUMNS = ("id", "first_name", "last_name", "email", "lms_user_id")
WHEN_FORMAT = "%Y-%m-%d %H:%M"
# Canvas writes LATE_ (or late_) between the student's name and user id in "Download submissions".
CANVAS_LATE = re.compile(r"^[^/_]+_late_(\d+)_\d+_", re.IGNORECASE)


class PolicyError(Exception):
    """A refusal the instructor reads as one line."""


# ---------------------------------------------------------------- dates


def parse_when(text: str, zone: str = "UTC") -> datetime:
    """'YYYY-MM-DD HH:MM' in `zone` as a naive UTC datetime (what nbgrader's gradebook holds)."""
    try:
        tz = ZoneInfo(zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise PolicyError(
            f"unknown time zone {zone!r}: give an IANA name such as UTC or Europe/Berlin"
        ) from None
    try:
        local = datetime.strptime(text.strip(), WHEN_FORMAT)
    except ValueError:
        raise PolicyError(
            f"not a date: {text!r}; write it as YYYY-MM-DD HH:MM, e.g. 2026-12-10 23:59"
        ) from None
    return local.replace(tzinfo=tz).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def show(when: datetime | None) -> str:
    return "none" if when is None else f"{when:%Y-%m-%d %H:%M} UTC"


def late_by(seconds: float) -> str:
    minutes = int(seconds // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    return (f"{days}d " if days else "") + f"{hours}h {minutes:02d}m"


# ---------------------------------------------------------------- the course's gradebook


def course_config(course: Path):
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()


def gradebook(course: Path):
    from nbgrader.api import Gradebook

    config = course_config(course)
    return Gradebook(config.CourseDirectory.db_url, config.CourseDirectory.course_id)


def find_assignment(gb, name: str, course: Path, create: bool = False):
    """The gradebook's assignment `name`; with `create`, one of source/ not yet released is added
    (`nbgrader generate_assignment` later fills in its notebooks and keeps the due date)."""
    from nbgrader.api import MissingEntry

    try:
        return gb.find_assignment(name)
    except MissingEntry:
        if create and (course / "source" / name).is_dir():
            return gb.update_or_create_assignment(name)
        known = (
            sorted(p.name for p in (course / "source").iterdir() if p.is_dir())
            if (course / "source").is_dir()
            else []
        )
        raise PolicyError(
            f"no assignment {name!r} in this course; one of: {' '.join(known) or 'none'}"
        ) from None


def set_due(course: Path, assignment: str, when: datetime) -> str:
    with gradebook(course) as gb:
        before = find_assignment(gb, assignment, course, create=True).duedate
        gb.update_or_create_assignment(assignment, duedate=when)
    return f"{assignment}: due {show(when)} (was {show(before)})"


def grant_until(course: Path, assignment: str, student: str, until: datetime) -> str:
    """Give `student` until `until` (an extension is the time past the assignment's due date)."""
    from nbgrader.api import MissingEntry

    with gradebook(course) as gb:
        due = find_assignment(gb, assignment, course).duedate
        if not find_assignment(gb, assignment, course).notebooks:  # nbgrader's release would then refuse
            raise PolicyError(f"release {assignment} first (make release ASSIGNMENT={assignment})")
        if due is None:
            raise PolicyError(
                f"{assignment} has no due date; set one first: make due ASSIGNMENT={assignment} DUE=..."
            )
        try:
            gb.find_student(student)
        except MissingEntry:
            raise PolicyError(f"no student {student!r} in the gradebook; add them with make roster") from None
        if until <= due:
            raise PolicyError(f"{show(until)} is not after {assignment}'s due date {show(due)}")
        # nbgrader keeps extensions on the submission row: make it now if the student has not submitted.
        gb.update_or_create_submission(assignment, student)
        extra = until - due
        gb.grant_extension(assignment, student, minutes=extra.total_seconds() / 60)
    return f"{student}: {assignment} due {show(until)} (extension of {late_by(extra.total_seconds())})"


def deadlines(course: Path, assignment: str) -> tuple[datetime | None, dict[str, datetime]]:
    """The assignment's due date and each student's own one where it differs (extensions)."""
    with gradebook(course) as gb:
        try:
            record = find_assignment(gb, assignment, course)
        except PolicyError:  # never released: nothing in the exchange to judge either
            return None, {}
        own = {s.student.id: s.duedate for s in record.submissions if s.extension is not None}
        return record.duedate, own


# ---------------------------------------------------------------- collecting on time


def inbound(course: Path) -> Path:
    config = course_config(course)
    return Path(config.Exchange.root) / config.CourseDirectory.course_id / "inbound"


def exchange_records(course: Path, assignment: str) -> dict[str, list[tuple[datetime, Path]]]:
    """{student: [(submitted at, folder)], newest first} as nbgrader's exchange names them."""
    from nbgrader.utils import parse_utc

    found: dict[str, list[tuple[datetime, Path]]] = {}
    for folder in inbound(course).glob(f"*+{assignment}+*"):
        parts = folder.name.rsplit("+", 3)
        if len(parts) >= 3 and parts[1] == assignment:
            found.setdefault(parts[0], []).append((parse_utc(parts[2]), folder))
    return {s: sorted(r, key=lambda item: item[0], reverse=True) for s, r in found.items()}


def choose(records, deadline, take_late: bool):
    """(the submission to grade or None, the newest late one or None) for one student."""
    newest = records[0]
    if deadline is None:
        return newest, None
    on_time = next((r for r in records if r[0] <= deadline), None)
    late = newest if newest[0] > deadline else None
    return (newest if take_late else on_time), late


def run_nbgrader_collect(course: Path, assignment: str, before_duedate: bool) -> None:
    flag = "--before-duedate" if before_duedate else "--update"
    done = subprocess.run(
        [
            shutil.which("nbgrader") or str(Path(sys.executable).parent / "nbgrader"),
            "collect",
            assignment,
            flag,
        ],
        cwd=course,
        capture_output=True,
        text=True,
    )
    sys.stdout.write(done.stdout + done.stderr)
    if done.returncode:
        raise PolicyError(f"nbgrader collect {assignment} failed (its log is above)")


def collect(course: Path, assignment: str, take_late: bool, report: Path | None) -> list[dict]:
    due, own = deadlines(course, assignment)
    run_nbgrader_collect(course, assignment, before_duedate=due is not None)
    rows = []
    for student, records in sorted(exchange_records(course, assignment).items()):
        deadline = own.get(student, due)
        chosen, late = choose(records, deadline, take_late)
        dest = course / "submitted" / student / assignment
        stamp = dest / "timestamp.txt"
        held = stamp.read_text().strip() if stamp.exists() else None
        if chosen is None:  # late only: nbgrader took the late one; keep it out of grading
            if dest.exists():
                aside = course / "downloaded" / "late" / student / assignment
                shutil.rmtree(aside, ignore_errors=True)
                aside.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(dest), aside)
        elif held != (chosen[1] / "timestamp.txt").read_text().strip():
            shutil.rmtree(dest, ignore_errors=True)  # an extension, or LATE=include: not nbgrader's pick
            shutil.copytree(chosen[1], dest)
        if late:
            action = (
                "collected (LATE=include)"
                if chosen is late
                else "not collected: the on-time one is graded"
                if chosen
                else "not collected: nothing on time"
            )
            rows.append(
                {
                    "student_id": student,
                    "submitted_at": show(late[0]),
                    "due": show(deadline),
                    "late_by": late_by((late[0] - deadline).total_seconds()),
                    "action": action,
                }
            )
    print(f"{assignment}: due {show(due)}; {len(own)} extension(s); {len(rows)} late submission(s)")
    for row in rows:
        print(
            f"  late: {row['student_id']}  submitted {row['submitted_at']}  due {row['due']}  "
            f"late by {row['late_by']}  {row['action']}"
        )
    if rows and not take_late:
        print(f"  to grade the late ones as well: make collect ASSIGNMENT={assignment} LATE=include")
    if report is not None:
        from helpers import safe_csv

        report.parent.mkdir(parents=True, exist_ok=True)
        with open(report, "w", newline="") as handle:
            writer = safe_csv.dict_writer(
                handle, fieldnames=["student_id", "submitted_at", "due", "late_by", "action"]
            )
            writer.writeheader()
            writer.writerows(rows)
    return rows


# ---------------------------------------------------------------- LMS downloads


def lms_late_students(course: Path, assignment: str) -> set[str]:
    """Students whose file in the LMS download carries Canvas's LATE_ marker. nbgrader's file-name
    pattern accepts the marker and keeps only the user id, and the download has no times."""
    download = course / "downloaded" / assignment
    names = [p.name for p in download.rglob("*") if p.is_file()] if download.is_dir() else []
    return {m.group(1) for m in map(CANVAS_LATE.match, names) if m}


# ---------------------------------------------------------------- roster


def roster_problem(path: Path) -> str | None:
    """Why `path` is not a roster `nbgrader db student import` can read, in one line."""
    expected = ",".join(ROSTER_COLUMNS[:4])
    if not path.is_file():
        return f"no such roster file: {path}"
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), [])
    except (UnicodeDecodeError, csv.Error):
        return f"{path} is not a CSV text file; expected the columns {expected}"
    columns = [c.strip() for c in header]
    unknown = [c for c in columns if c not in ROSTER_COLUMNS]
    if "id" not in columns or unknown:
        seen = ",".join(columns) or "nothing"
        hint = " (that is the hub's account list, docs/classroom.md)" if "username" in columns else ""
        return f"{path} has the columns {seen}{hint}; the gradebook's roster needs {expected} (id required)"
    return None


# ---------------------------------------------------------------- command line


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="policies.py")
    sub = parser.add_subparsers(dest="command", required=True)
    due = sub.add_parser("due")
    due.add_argument("assignment")
    due.add_argument("when")
    due.add_argument("--tz", default="UTC")
    ext = sub.add_parser("extension")
    ext.add_argument("assignment")
    ext.add_argument("student")
    ext.add_argument("until")
    ext.add_argument("--tz", default="UTC")
    col = sub.add_parser("collect")
    col.add_argument("assignment")
    col.add_argument("--late", choices=["report", "include"], default="report")
    col.add_argument("--report", default="")
    roster = sub.add_parser("check-roster")
    roster.add_argument("csv")
    args = parser.parse_args(argv)
    course = Path.cwd()
    try:
        if args.command == "due":
            print(set_due(course, args.assignment, parse_when(args.when, args.tz)))
        elif args.command == "extension":
            print(grant_until(course, args.assignment, args.student, parse_when(args.until, args.tz)))
        elif args.command == "collect":
            collect(
                course, args.assignment, args.late == "include", Path(args.report) if args.report else None
            )
        elif args.command == "check-roster":
            problem = roster_problem(Path(args.csv))
            if problem:
                raise PolicyError(problem)
    except PolicyError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""`make autograde`: sandbox check, intake repair, parallel `nbgrader autograde`, one report.

    python grading/intake.py autograde [--jobs N] [--report CSV] -- nbgrader autograde GLOB [--force]
    python grading/intake.py repair NOTEBOOK RELEASE_NOTEBOOK      # print what would be repaired

Run from the course folder (the one holding nbgrader_config.py), as the make target does.

1. Sandbox: unless GRADING_SANDBOX=off, check that bubblewrap runs here (grading/sandbox.py) and
   refuse to grade when it does not, saying so in one line.
2. Intake: every submitted/<student>/<assignment>/<notebook>.ipynb is matched against
   release/<assignment>/<notebook>.ipynb. Locked cells are matched by content in order (an
   order-preserving longest common subsequence), the other cells between two matched ones by their
   grade_id or else by cell type and order. Matched cells get the release's nbgrader metadata back
   (dropped, edited by hand, wrong points or kinds); cells that carry nbgrader metadata but match
   nothing (a copied test cell) lose it. The original goes to downloaded/intake/<student>/<assignment>/.
   A file that is not a notebook (empty, truncated, not JSON) or that matches none of the release's
   test cells is moved there and scores 0, with a one-line reason.
3. Autograde: JOBS processes of the stock `nbgrader autograde` command given after `--`, each given
   a share of the students (`--CourseDirectory.student_id_exclude`), so every student's submissions
   are graded by one process. The gradebook is SQLite: each process waits up to 10 minutes for the write lock
   (`?timeout=600`), and every transaction nbgrader makes is short, so writes are serialized.
4. Report: a table on stdout and a CSV (default autograde_report.csv beside grades.csv): every
   submission, its score, its grading wall time in seconds, and its problems.
"""

from __future__ import annotations

import argparse
import copy
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import nbformat
from helpers import safe_csv

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

INTAKE = "downloaded/intake"  # gitignored and outside what nbgrader grades
REJECTED_NOTE = "INTAKE_REJECTED.txt"


# ---------------------------------------------------------------- matching a notebook to the release


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _norm(source) -> str:
    if isinstance(source, list):
        source = "".join(source)
    return "\n".join(line.rstrip() for line in str(source).strip().splitlines())


def _fixed(meta: dict) -> bool:
    """A cell whose content the student does not write: locked and not a solution."""
    return bool(meta.get("locked")) and not meta.get("solution")


def lcs_pairs(a: list, b: list) -> dict[int, int]:
    """An order-preserving longest common subsequence of a and b, each match as early in b as it can be."""
    n, m = len(a), len(b)
    table = [[0] * (m + 1) for _ in range(n + 1)]  # table[i][j]: LCS length of a[i:], b[j:]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            table[i][j] = table[i + 1][j + 1] + 1 if a[i] == b[j] else max(table[i + 1][j], table[i][j + 1])
    pairs, i, j = {}, 0, 0
    while i < n and j < m:
        if a[i] == b[j] and table[i][j] == table[i + 1][j + 1] + 1:
            pairs[i] = j
            i, j = i + 1, j + 1
        elif table[i][j + 1] == table[i][j]:
            j += 1
        else:
            i += 1
    return pairs


def repair(nb: nbformat.NotebookNode, release: nbformat.NotebookNode) -> tuple[list[str], str | None]:
    """Give `nb` the release's nbgrader metadata in place. Returns (changes, reason it cannot be graded)."""
    rel = [c for c in release.cells if _meta(c)]
    sub = nb.cells
    changes: list[str] = []
    # 1. anchors: release cells with fixed content, matched by content in order
    rel_keys = [
        (c.cell_type, _norm(c.source)) if _fixed(_meta(c)) else ("release", i) for i, c in enumerate(rel)
    ]
    sub_keys = [(c.cell_type, _norm(c.source)) for c in sub]
    pairs = lcs_pairs(rel_keys, sub_keys)  # release index -> submitted index
    by_content = set(pairs)
    # 2. the cells between anchors: by grade_id, then by cell type and order
    anchors = sorted(pairs.items())
    bounds = [(-1, -1), *anchors, (len(rel), len(sub))]
    for (ra, sa), (rb, sb) in zip(bounds, bounds[1:], strict=False):
        gap_rel = [i for i in range(ra + 1, rb)]
        gap_sub = [j for j in range(sa + 1, sb)]
        used: set[int] = set()
        for i in gap_rel:
            gid = _meta(rel[i]).get("grade_id")
            for j in gap_sub:
                if (
                    j not in used
                    and _meta(sub[j]).get("grade_id") == gid
                    and sub[j].cell_type == rel[i].cell_type
                ):
                    pairs[i] = j
                    used.add(j)
                    break
        last = -1
        for i in gap_rel:
            if i in pairs:
                last = max(last, pairs[i])
                continue
            if _fixed(_meta(rel[i])):
                continue  # an edited or deleted locked cell: nbgrader puts the release's back
            for j in gap_sub:
                if j > last and j not in used and not _meta(sub[j]) and sub[j].cell_type == rel[i].cell_type:
                    pairs[i] = j
                    used.add(j)
                    last = j
                    break
    tests = [i for i, c in enumerate(rel) if _meta(c).get("grade") and _fixed(_meta(c))]
    answer_ids = {_meta(c).get("grade_id") for c in rel if _meta(c).get("solution")}
    if (
        tests
        and not by_content.intersection(tests)
        and not answer_ids & {_meta(c).get("grade_id") for c in sub}
    ):
        return changes, "matches none of the release's test cells (another notebook?)"
    matched = {j: i for i, j in pairs.items()}
    for j, cell in enumerate(sub):
        if j in matched:
            want = copy.deepcopy(rel[matched[j]].metadata["nbgrader"])
            if _meta(cell) != want:
                gid = want.get("grade_id")
                was = "dropped" if not _meta(cell) else "edited"
                changes.append(f"{gid}: metadata {was}, restored")
                cell.metadata["nbgrader"] = want
        elif _meta(cell):
            gid = _meta(cell).get("grade_id", "?")
            changes.append(f"cell {j}: stray nbgrader metadata ({gid}, a copied cell?) removed")
            del cell.metadata["nbgrader"]
    seen: set[str] = set()
    for cell in sub:  # copied cells may share an id too
        if cell.get("id") in seen or not cell.get("id"):
            cell["id"] = nbformat.v4.new_code_cell().id
        seen.add(cell["id"])
    return changes, None


@dataclass
class Intake:
    student: str
    assignment: str
    notebook: str = ""
    changes: list[str] = field(default_factory=list)
    rejected: str = ""


def _stash(course: Path, path: Path, student: str, assignment: str) -> Path:
    dest = course / INTAKE / student / assignment
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / path.name
    shutil.copy2(path, target)
    return target


def intake_one(course: Path, path: Path, student: str, assignment: str) -> Intake:
    record = Intake(student, assignment, path.name)
    release = course / "release" / assignment / path.name
    if not release.exists():
        return record  # nbgrader skips notebooks it does not know
    raw = path.read_bytes()
    reason = None
    nb = None
    if not raw.strip():
        reason = "not a notebook: the file is empty"
    else:
        try:
            nb = nbformat.reads(raw.decode("utf-8-sig"), as_version=4)
        except UnicodeDecodeError:
            reason = "not a notebook (not UTF-8 text)"
        except Exception as error:  # noqa: BLE001 - truncated, not JSON, not a notebook
            json_error = isinstance(error, (json.JSONDecodeError, ValueError)) or "JSON" in str(error)
            reason = (
                "not a notebook (truncated or not JSON)"
                if json_error
                else (f"not a notebook: {' '.join(str(error).split())[:80]}")
            )
    stale = course / INTAKE / student / assignment / "reason.txt"
    if nb is not None:
        try:
            changes, reason = repair(nb, nbformat.read(release, as_version=4))
        except Exception as error:  # noqa: BLE001 - a notebook too broken to match
            changes, reason = [], f"cannot be matched to the release: {error!r}"[:120]
        if reason is None and changes:
            _stash(course, path, student, assignment)
            try:
                nbformat.validate(nb)
            except Exception:  # noqa: BLE001 - write anyway: nbgrader checks what it needs
                pass
            nbformat.write(nb, path)
            record.changes = changes
    if not reason and stale.exists():  # a new, readable submission replaced a rejected one
        stale.unlink()
        (path.parent / REJECTED_NOTE).unlink(missing_ok=True)
    if reason:
        _stash(course, path, student, assignment)
        path.unlink()
        (path.parent / REJECTED_NOTE).write_text(f"{path.name}: {reason}\n")
        (course / INTAKE / student / assignment / "reason.txt").write_text(f"{path.name}: {reason}\n")
        record.rejected = reason
    return record


def submissions(course: Path, pattern: str) -> list[tuple[str, str]]:
    root = course / "submitted"
    if not root.is_dir():
        return []
    return sorted(
        (s.name, a.name)
        for s in root.iterdir()
        if s.is_dir()
        for a in s.iterdir()
        if a.is_dir() and fnmatch.fnmatch(a.name, pattern)
    )


def intake_all(course: Path, pattern: str) -> dict[tuple[str, str], Intake]:
    records = {}
    for student, assignment in submissions(course, pattern):
        folder = course / "submitted" / student / assignment
        for path in sorted(folder.glob("*.ipynb")):
            record = intake_one(course, path, student, assignment)
            if record.changes or record.rejected:
                records[(student, assignment)] = record
                if record.changes:
                    (course / INTAKE / student / assignment / "changes.txt").write_text(
                        "\n".join(record.changes) + "\n"
                    )
                what = record.rejected or "; ".join(record.changes)
                print(f"intake: {student}/{assignment}/{path.name}: {what}", flush=True)
    return records


# ---------------------------------------------------------------- sandbox check


def sandbox_check() -> bool:
    if os.environ.get("GRADING_SANDBOX", "on").lower() in ("off", "0", "no", "false"):
        print(
            "sandbox: OFF (GRADING_SANDBOX=off): student code runs with your rights, unconfined", flush=True
        )
        return True
    import sandbox

    problem = sandbox.probe()
    if problem:
        print(
            f"sandbox: {problem}. Refusing to grade; GRADING_SANDBOX=off grades without a sandbox "
            "(student code then runs with your rights).",
            flush=True,
        )
        return False
    limits = sandbox.limit_kind()
    print(
        f"sandbox: bubblewrap works; every student kernel runs sandboxed ({limits} memory/process caps, "
        f"{sandbox.disk_mb()} MiB tmpfs working folder, /tmp and /dev/shm, RLIMIT_FSIZE)",
        flush=True,
    )
    return True


# ---------------------------------------------------------------- parallel autograde


def shares(course: Path, pattern: str, jobs: int) -> list[list[str]]:
    """Students split into `jobs` groups of about equal work, largest first. The work is the notebooks
    to grade (each starts a kernel); a folder without one (nothing submitted, or a file the intake
    set aside) costs next to nothing."""
    work: dict[str, float] = {}
    for student, assignment in submissions(course, pattern):
        notebooks = len(list((course / "submitted" / student / assignment).glob("*.ipynb")))
        work[student] = work.get(student, 0.0) + notebooks + 0.01
    groups: list[list[str]] = [[] for _ in range(max(1, jobs))]
    loads = [0.0] * len(groups)
    for student in sorted(work, key=lambda s: (-work[s], s)):
        k = loads.index(min(loads))
        groups[k].append(student)
        loads[k] += work[student]
    return [g for g in groups if g]


def thread_share(processes: int) -> dict[str, str]:
    """Math-library threads per kernel when `processes` kernels run at once: the cores divided among
    them. More threads than cores make OpenMP/oneDNN pools spin against each other."""
    threads = str(max(1, (os.cpu_count() or 1) // max(1, processes)))
    return {"OMP_NUM_THREADS": threads, "TF_NUM_INTRAOP_THREADS": threads, "TF_NUM_INTEROP_THREADS": threads}


def autograde(course: Path, command: list[str], pattern: str, jobs: int, logs: Path) -> tuple[int, list[str]]:
    """Run the nbgrader processes; their exit status and each one's log."""
    students = sorted({s for s, _ in submissions(course, pattern)})
    groups = shares(course, pattern, jobs)
    base = list(command)
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    procs = []
    if len(groups) <= 1:
        commands = [base]
    else:
        from traitlets.config.loader import PyFileConfigLoader

        db_url = (
            PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config().CourseDirectory.db_url
        )
        waiting = f"{db_url}{'&' if '?' in db_url else '?'}timeout=600"
        commands = [
            [
                *base,
                f"--CourseDirectory.db_url={waiting}",
                "--CourseDirectory.student_id_exclude=" + ",".join(s for s in students if s not in group),
            ]
            for group in groups
        ]
    env = {**thread_share(len(commands)), **os.environ}  # the instructor's own settings win
    for k, command in enumerate(commands):
        out = open(logs / f"autograde-{k}.log", "w")  # noqa: SIM115 - closed below
        procs.append(
            (subprocess.Popen(command, cwd=course, env=env, stdout=out, stderr=subprocess.STDOUT), out)
        )
    codes = []
    for proc, out in procs:
        codes.append(proc.wait())
        out.close()
    texts = [(logs / f"autograde-{k}.log").read_text() for k in range(len(commands))]
    sys.stdout.write("".join(texts))  # one worker's log after the other: each reads like a serial run
    sys.stdout.flush()
    return (max(codes) if codes else 0), texts


# ---------------------------------------------------------------- report

STAMP = r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) "  # nbgrader_config.py puts it on every line
STARTED = STAMP + r"\[AutogradeApp \| INFO\] Sanitizing .*/submitted/([^/]+)/([^/]+)/"


def _seconds(stamp: str) -> float:
    return datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S.%f").timestamp()


def submission_seconds(logs: list[str]) -> dict[tuple[str, str], float]:
    """Wall time per (student, assignment): from its "Sanitizing" line to the next one in the same
    worker's log, or to that log's last line (each worker grades its share one after another)."""
    seconds: dict[tuple[str, str], float] = {}
    for log in logs:
        starts = [(_seconds(m.group(1)), m.group(2), m.group(3)) for m in re.finditer(STARTED, log, re.M)]
        if not starts:
            continue
        stops = [start for start, _, _ in starts[1:]] + [_seconds(re.findall(STAMP, log, re.M)[-1])]
        for (start, student, assignment), stop in zip(starts, stops, strict=True):
            seconds[(student, assignment)] = seconds.get((student, assignment), 0.0) + stop - start
    return seconds


PROBLEMS = {
    "CellTimeoutError": "timeout",
    "KernelDied": "crash (kernel died)",
    "KernelRestarted": "stuck cell (kernel restarted)",
    "NotRun": "cells not run (too many restarts)",
    "NotCompleted": "test cell did not run to its end",
    "DeadKernelError": "crash (kernel died)",
}


# A write past the sandbox's caps (grading/sandbox.py): its tmpfs is full (ENOSPC) or the file is larger
# than RLIMIT_FSIZE allows (EFBIG).
DISK_FULL = ("[Errno 28]", "[Errno 27]")


def notebook_problems(path: Path) -> list[str]:
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001
        return ["autograded notebook unreadable"]
    found = []
    for index, cell in enumerate(nb.cells):
        where = _meta(cell).get("grade_id") or f"cell {index}"
        for out in cell.get("outputs", []):
            label = PROBLEMS.get(out.get("ename", ""))
            if out.get("ename") == "OSError" and str(out.get("evalue", "")).startswith(DISK_FULL):
                label = "disk cap reached"
            if label and f"{label} in {where}" not in found:
                found.append(f"{label} in {where}")
    return found


def report(
    course: Path, pattern: str, records: dict, logs: list[str], csv_path: Path
) -> list[dict]:
    log = "".join(logs)
    seconds = submission_seconds(logs)
    from nbgrader.api import Gradebook, MissingEntry
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    import lms
    from policies import lms_late_students  # Canvas's LATE_ file-name marker, which nbgrader drops

    late_marks: dict[str, set[str]] = {}
    rows = []
    with Gradebook(config.CourseDirectory.db_url, config.CourseDirectory.course_id) as gb:
        for student, assignment in submissions(course, pattern):
            problems = []
            reason = course / INTAKE / student / assignment / "reason.txt"
            changes = course / INTAKE / student / assignment / "changes.txt"
            if reason.exists():
                problems.append(reason.read_text().strip())
            elif changes.exists():
                problems.append(
                    "repaired metadata: " + "; ".join(changes.read_text().split("\n")).strip("; ")
                )
            folder = course / "submitted" / student / assignment
            if not list(folder.glob("*.ipynb")) and not reason.exists():
                problems.append("no notebook submitted")
            if assignment not in late_marks:  # Canvas user ids, or hub names through the identifier map
                late_marks[assignment] = lms_late_students(course, assignment) | lms.late_uploads(
                    course, assignment
                )
            if student in late_marks[assignment]:
                problems.append("LMS marked it LATE_ (the download has no time: judge by hand)")
            for path in sorted((course / "autograded" / student / assignment).glob("*.ipynb")):
                problems += notebook_problems(path)
            if f"There was an error processing assignment: {folder}" in log or (
                "There was an error processing" in log
                and f"/{student}/{assignment}" in log
                and f"autograded/{student}/{assignment}" not in log
            ):
                problems.append("grading failed (see the log)")
            if "bwrap" in log and f"{student}/{assignment}" in log and "Kernel died before replying" in log:
                problems.append("sandbox refusal (kernel did not start)")
            try:
                sub = gb.find_submission(assignment, student)
                # the score `make grades` exports and the LMS gets: after any late penalty
                penalty = sub.late_submission_penalty or 0.0
                score, max_score = max(0.0, sub.score - penalty), sub.max_score
                if penalty:
                    problems.append(f"late: penalty {penalty:g} of the {sub.score:g} earned")
            except MissingEntry:
                try:
                    score, max_score = 0.0, gb.find_assignment(assignment).max_score
                except MissingEntry:
                    score, max_score = 0.0, None
                if not reason.exists():
                    problems.append("not graded")
            rows.append(
                {
                    "student_id": student,
                    "assignment": assignment,
                    "score": score,
                    "max_score": max_score,
                    "seconds": round(seconds[(student, assignment)], 1)
                    if (student, assignment) in seconds
                    else "",
                    "problems": " | ".join(problems),
                }
            )
    uncollected = lms.uncollected_rows(course, pattern)  # uploads zip-collect gave to no student
    rows += uncollected
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    with open(csv_path, "w", newline="") as handle:
        writer = safe_csv.dict_writer(  # student ids and problems are student-controlled text
            handle, fieldnames=["student_id", "assignment", "score", "max_score", "seconds", "problems"]
        )
        writer.writeheader()
        writer.writerows(rows)
    w1 = max([len("student")] + [len(r["student_id"]) for r in rows])
    w2 = max([len("assignment")] + [len(r["assignment"]) for r in rows])
    print(f"\n{'student':<{w1}}  {'assignment':<{w2}}  {'score':>11}  {'seconds':>7}  problems")
    for r in rows:
        score = f"{r['score']:g}/{r['max_score']:g}" if r["max_score"] is not None else f"{r['score']:g}"
        took = f"{r['seconds']:.1f}" if r["seconds"] != "" else "-"
        who = f"{r['student_id']:<{w1}}  {r['assignment']:<{w2}}"
        print(f"{who}  {score:>11}  {took:>7}  {r['problems'] or '-'}")
    lost = f"; {len(uncollected)} LMS upload(s) NOT COLLECTED, not graded (listed above)" * bool(uncollected)
    print(f"report: {len(rows) - len(uncollected)} submission(s){lost}, written to {csv_path}", flush=True)
    return rows


# ---------------------------------------------------------------- command line


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="intake.py")
    sub = parser.add_subparsers(dest="command", required=True)
    grade = sub.add_parser("autograde")
    grade.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    grade.add_argument("--report", default="")
    grade.add_argument("--course", default=".")
    grade.add_argument("command", nargs="+", help="after --: nbgrader autograde GLOB [options]")
    fix = sub.add_parser("repair")
    fix.add_argument("notebook")
    fix.add_argument("release")
    args = parser.parse_args(argv)
    if args.command == "repair":
        changes, reason = repair(
            nbformat.read(args.notebook, as_version=4), nbformat.read(args.release, as_version=4)
        )
        print(reason or "\n".join(changes) or "nothing to repair")
        return 0
    course = Path(args.course).resolve()
    if not sandbox_check():
        return 2
    started = time.monotonic()
    command = args.command
    if Path(command[0]).name == "nbgrader":
        command[0] = shutil.which("nbgrader") or str(Path(sys.executable).parent / "nbgrader")
    after = command[command.index("autograde") + 1 :] if "autograde" in command else []
    args.pattern = next((a for a in after if not a.startswith("-")), "*")
    records = intake_all(course, args.pattern)
    import sandbox

    batch = sandbox.batch_name(course)
    os.environ[sandbox.BATCH_VARIABLE] = batch  # inherited by the kernels' managers
    code, logs = autograde(course, command, args.pattern, args.jobs, course / INTAKE / "logs")
    for line in sandbox.sweep_batch(batch):
        print(f"sandbox: swept a kernel's leftover cgroup {line}", flush=True)
    print(f"autograde: {args.jobs} job(s), {time.monotonic() - started:.1f} s", flush=True)
    report(
        course,
        args.pattern,
        records,
        logs,
        Path(args.report) if args.report else course / "autograde_report.csv",
    )
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""What students really hand in, end to end through `make autograde`, `make feedback`, `make grades`.

One scratch course (like tests/test_grading_e2e.py) with submissions of ex1 that editors or students
broke or that attack the grader: metadata dropped, a test cell copied, metadata edited by hand,
files that are not notebooks or not this notebook, a vandal (reads source/, rewrites the gradebook,
overwrites its neighbours), a process left running, feedback leak attempts. The batch is graded
twice, JOBS=1 and then JOBS=2 FORCE=1: the scores, per part, must be identical and exact.

GRADING_BENCHMARK=1 also times a class of 30 submissions serial vs parallel and with vs without the
sandbox, and asserts the targets: two jobs at least 1.7x faster, the sandbox at most 15 % slower
(about 9 minutes, holding both cores; not in CI, whose guard is the 12-submission batch above).
"""

from __future__ import annotations

import base64
import copy
import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from cpu_share import all_cores, one_core
from nbgrader.api import Gradebook

sys.path.insert(0, str(ROOT / "grading"))
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "grading"))
sys.path.insert(0, str(ROOT / "classroom"))
import course  # noqa: E402
import intake  # noqa: E402
import nbgrader_plugins  # noqa: E402
import sandbox  # noqa: E402
import submissions as fx  # noqa: E402

# The batch grades 16 submissions twice, then runs each again for its feedback: more than the default
# 20 minutes on a busy 2-core machine.
pytestmark = [pytest.mark.xdist_group("grading_sandbox"), pytest.mark.timeout(2400)]

COURSE_ID = "keras3-layers"
EX = fx.EX1
MARK = "7429"  # in the command line of the processes the lingering submission leaves behind
HAVE_BWRAP = shutil.which("bwrap") is not None


def release_nb() -> nbformat.NotebookNode:
    return nbformat.read(course.RELEASE / EX / f"{EX}.ipynb", as_version=4)


def solved(student_cell: str = "") -> nbformat.NotebookNode:
    """The reference solution of ex1 (worth 10), with an optional extra cell after the first solution."""
    return fx.Submission("x", EX, fx.full(EX), fx.solutions(EX), student_cell=student_cell).build()


def dropped() -> nbformat.NotebookNode:
    nb = solved()
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
    return nb


def copied() -> nbformat.NotebookNode:
    """Test cells copied (metadata and all) to the end, to rerun them: two cells per grade_id."""
    nb = solved()
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    for cell in tests[:2]:
        twin = copy.deepcopy(cell)
        twin["id"] = cell["id"]  # the same id too, as a raw copy of the JSON does
        nb.cells.append(twin)
    return nb


def hand_edited() -> nbformat.NotebookNode:
    nb = solved()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") == "part_b":
            meta["points"] = 30
        if meta.get("grade_id") == "part_c":
            meta["grade"] = False  # "not graded"
        if meta.get("grade_id") == "simple_dense":
            meta["solution"], meta["locked"] = False, True
        if meta.get("grade_id") == "part_d":
            meta["grade_id"] = "part_d_mine"
    return nb


VANDAL = r"""import glob, os, sqlite3
here = os.getcwd()
course = os.path.dirname(os.path.dirname(os.path.dirname(here)))
report = {}
for pattern in ("source/*/*.ipynb", "release/*/*.ipynb", "gradebook.db", "submitted/*/*/*.ipynb",
                "autograded/*/*/*.ipynb", "/work/main/grading/source/*/*.ipynb", "/tmp/pytest-of-*/**/*.db"):
    path = pattern if pattern.startswith("/") else os.path.join(course, pattern)
    report[pattern] = len(glob.glob(path, recursive=True))  # its own folder holds no notebook either
theirs = glob.glob(os.path.join(course, "submitted/*/*/*.ipynb"))
theirs += glob.glob(os.path.join(course, "autograded/*/*/*.ipynb"))
for path in theirs:
    if "/vandal/" not in path:
        try:
            with open(path, "w") as handle:
                handle.write("{}")
            report["overwrote " + path] = True
        except OSError as error:
            report["refused " + path] = type(error).__name__
try:
    db = sqlite3.connect(os.path.join(course, "gradebook.db"))
    db.execute("update grade set auto_score = 0")
    db.commit()
    report["gradebook"] = "rewritten"
except Exception as error:
    report["gradebook"] = type(error).__name__
try:
    import urllib.request
    urllib.request.urlopen("http://example.com", timeout=3)
    report["network"] = "open"
except Exception as error:
    report["network"] = type(error).__name__
open("vandal_was_here.txt", "w").write("x")
print(report)
"""

LINGER = f'''import subprocess, sys
subprocess.Popen(["sleep", "{MARK}1"], start_new_session=True)
daemon = "import os, time\\nif os.fork() == 0:\\n    os.setsid()\\n    time.sleep({MARK}2)"
subprocess.Popen([sys.executable, "-c", daemon])
'''

LEAK = r"""import glob, os
ip = get_ipython()  # noqa: F821


def leak(result):
    print("IN:", In)  # noqa: F821
    print("_IH:", ip.user_ns.get("_ih"))
    print("RAW:", result.info.raw_cell)
    ip.run_line_magic("history", "-n")
    course = os.path.dirname(os.path.dirname(os.path.dirname(os.getcwd())))
    for path in glob.glob(course + "/source/*/*.ipynb") + glob.glob("/work/main/grading/source/*/*.ipynb"):
        print(open(path).read())


ip.events.register("post_run_cell", leak)
"""


# Issue 21: a kernel writes as much as it can wherever it can (the folder of its connection file, its
# working folder, /tmp, /dev/shm), 512 MiB each against a 64 MiB cap; the cell ends with the last OSError.
DISK_CAP_MB = 64
DISK_HOG = r"""import json, os, sys
box = os.path.dirname(sys.argv[sys.argv.index("-f") + 1])
wrote, last = {}, None
for name, folder in (("box", box), ("work", os.getcwd()), ("tmp", "/tmp"), ("shm", "/dev/shm")):
    done = 0
    try:
        with open(os.path.join(folder, "hog.bin"), "wb") as handle:
            while done < 512 << 20:
                handle.write(b"x" * (8 << 20))
                handle.flush()
                done += 8 << 20
        wrote[name] = [done >> 20, "no error"]
    except OSError as error:
        wrote[name] = [done >> 20, f"{type(error).__name__} errno {error.errno}"]
        last = error
    for leftover in ("hog.bin",):
        try:
            os.remove(os.path.join(folder, leftover))
        except OSError:
            pass
print("DISK", json.dumps(wrote))
if last is not None:
    raise last
"""

# Issue 21: the quiz key through an exercise: find the helpers package the kernel imports, read every
# file in it and any quiz data file on the import path, print them base64-encoded.
KEY_HUNT = r"""import base64, glob, os, sys
import helpers
found = {}
roots = {os.path.dirname(helpers.__file__), *[p for p in sys.path if p and os.path.isdir(p)]}
for root in sorted(roots):
    for path in glob.glob(os.path.join(root, "**", "quiz", "*.json"), recursive=True):
        found[path] = open(path, "rb").read()
for path in glob.glob(os.path.join(os.path.dirname(helpers.__file__), "*")):
    if os.path.isfile(path):
        found[path] = open(path, "rb").read()
print("KEYHUNT", sorted(found))
for path, data in sorted(found.items()):
    print("B64", path, base64.b64encode(data).decode())
"""

# Issue 21: every executed cell's source, base64-encoded, printed after it ran (and `In` before each).
B64_HOOK = r"""import base64
ip = get_ipython()  # noqa: F821


def encode(result):
    print("B64:" + base64.b64encode(result.info.raw_cell.encode()).decode())
    print("B64IN:" + base64.b64encode(repr(ip.user_ns.get("In")).encode()).decode())


ip.events.register("post_run_cell", encode)
"""

# Issue 21: student HTML with a script and an onerror handler (in the feedback it must be inert).
SCRIPT_HTML = r"""from IPython.display import HTML, display
display(HTML('<b>student html</b><script>window.kcScript = "ran"</script>'
             '<img src="/kc-missing.png" onerror="window.kcOnerror = 1">'))
"""
CSV_STUDENT = "=1+2"  # the html student's id: a formula in a spreadsheet unless neutralised


def secrets() -> list[str]:
    """Lines of the hidden tests and reference solution (not in the release) of ex1, 12+ characters."""
    return [
        s
        for s in nbgrader_plugins.secret_lines(
            str(course.SOURCE / EX / f"{EX}.ipynb"), str(course.RELEASE / EX / f"{EX}.ipynb"), 12
        )
        if s == s.strip() and "\\" not in s and "&" not in s and not s.endswith(" SOLUTION")
    ]


ALL = fx.full(EX)
ZERO = fx.only(EX)
# student -> (notebook text or None for "no notebook"; points per part; problem the report must give)
CASES = {
    "reference": (lambda: nbformat.writes(solved()), ALL, ""),
    "wrong": (
        lambda: nbformat.writes(
            fx.Submission(
                "w",
                EX,
                {},
                fx.but(
                    EX,
                    simple_dense=fx.changed(
                        fx.reference(EX, "simple_dense"),
                        ('initializer="zeros", name="bias"', 'initializer="ones", name="bias"'),
                    ),
                ),
            ).build()
        ),
        fx.only(EX, "part_b", "part_c", "part_d"),
        "",
    ),
    "dropped": (lambda: nbformat.writes(dropped()), ALL, "repaired metadata"),
    "copied": (lambda: nbformat.writes(copied()), ALL, "stray nbgrader metadata"),
    "hand_edited": (lambda: nbformat.writes(hand_edited()), ALL, "repaired metadata"),
    "empty": (lambda: "", ZERO, "not a notebook: the file is empty"),
    "truncated": (lambda: nbformat.writes(solved())[:5000], ZERO, "not a notebook (truncated or not JSON)"),
    "not_json": (lambda: "print('hello')\n", ZERO, "not a notebook (truncated or not JSON)"),
    "other_notebook": (
        lambda: (course.RELEASE / fx.EX2 / f"{fx.EX2}.ipynb").read_text(),
        ZERO,
        "matches none of the release's test cells",
    ),
    "vandal": (lambda: nbformat.writes(solved(VANDAL)), ALL, ""),
    "linger": (lambda: nbformat.writes(solved(LINGER)), ALL, ""),
    "leak": (lambda: nbformat.writes(solved(LEAK)), ALL, ""),
    "disk_hog": (lambda: nbformat.writes(solved(DISK_HOG)), ALL, "disk cap reached"),
    "key_hunt": (lambda: nbformat.writes(solved(KEY_HUNT)), ALL, ""),
    "b64_hook": (lambda: nbformat.writes(solved(B64_HOOK)), ALL, ""),
    CSV_STUDENT: (lambda: nbformat.writes(solved(SCRIPT_HTML)), ALL, ""),
}
NEIGHBOURS = ("reference", "wrong", "dropped", "leak")
ROSTER_FIRST_NAME = '@SUM(1+1)*cmd|" /C calc"!A0'  # the roster's name for CSV_STUDENT (grades export)


def make(root: Path, target: str, check: bool = True, env: dict | None = None, **variables: str):
    settings = [f"{k}={v}" for k, v in {"COURSE_DIR": str(root), **variables}.items()]
    done = subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.installed", target, *settings],
        cwd=ROOT,
        env={
            **os.environ,
            # No submission here loops, so a cell only reaches this on a machine too busy to import
            # Keras in time (seen at load 13-16 with 20 s: the setup cell timed out, scores changed).
            "NBGRADER_CELL_TIMEOUT": "60",
            "GRADING_SANDBOX_DISK_MB": str(DISK_CAP_MB),
            "NBGRADER_EXCHANGE": str(root.parent / "exchange"),
            **(env or {}),
        },
        capture_output=True,
        text=True,
    )
    assert not check or done.returncode == 0, (
        f"make {target} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    )
    return done


def new_course(base: Path, students: dict[str, str | None]) -> Path:
    root = base / "course"
    root.mkdir(parents=True)
    for name in course.COURSE_FILES:
        shutil.copy(course.GRADING / name, root / name)
    shutil.copytree(course.SOURCE / EX, root / "source" / EX)
    roster = base / "roster.csv"
    names = {CSV_STUDENT: ROSTER_FIRST_NAME}
    with open(roster, "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "first_name", "last_name", "email"])
        out.writerows([s, names.get(s, ""), "", ""] for s in students)
    make(root, "roster", ROSTER=str(roster))
    for student, text in students.items():
        folder = root / "submitted" / student / EX
        folder.mkdir(parents=True)
        if text is not None:
            (folder / f"{EX}.ipynb").write_text(text)
    return root


def part_scores(root: Path) -> dict[str, dict[str, float]]:
    out = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID) as gb:
        for student in CASES:
            try:
                sub = gb.find_submission(EX, student)
            except Exception:  # noqa: BLE001
                continue
            out[student] = {g.name: g.score for nb in sub.notebooks for g in nb.grades}
    return out


def student_of(cell: str) -> str:
    """The student id of a CSV cell (helpers.safe_csv puts a `'` before one that looks like a formula)."""
    return cell[1:] if cell.startswith("'") and cell[1:2] in ("=", "+", "-", "@", "\t", "\r") else cell


def read_report(path: Path) -> dict[str, dict]:
    with open(path, newline="") as handle:
        return {student_of(row["student_id"]): row for row in csv.DictReader(handle)}


def lingering() -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if f"{MARK}1" in cmd or f"{MARK}2" in cmd:
                found.append(f"{proc.name}: {cmd}")
    return found


class Batch:
    root: Path
    serial: subprocess.CompletedProcess
    parallel: subprocess.CompletedProcess
    serial_scores: dict
    parallel_scores: dict
    serial_report: dict
    parallel_report: dict
    before: dict[str, bytes]
    alive_after: list[str]
    serial_seconds: float
    parallel_seconds: float


@pytest.fixture(scope="module")
def batch(tmp_path_factory, record_time) -> Batch:
    if not HAVE_BWRAP:
        from conftest import require

        require(False, "bubblewrap is not installed (apt-get install bubblewrap)")
    b = Batch()
    b.root = new_course(tmp_path_factory.mktemp("sandbox"), {s: text() for s, (text, _, _) in CASES.items()})
    b.before = {s: (b.root / "submitted" / s / EX / f"{EX}.ipynb").read_bytes() for s in NEIGHBOURS}
    csv_dir = b.root.parent / "out"
    csv_dir.mkdir()
    # Both runs with the machine to themselves (tests/cpu_share.py), so that their ratio measures
    # parallel grading, not what the other pytest worker happened to be doing.
    with all_cores():
        start = time.monotonic()
        b.serial = make(b.root, "autograde", check=False, JOBS="1", GRADES_CSV=str(csv_dir / "grades.csv"))
        b.serial_seconds = time.monotonic() - start
    record_time("grading sandbox", f"make autograde JOBS=1 ({len(CASES)} submissions)", b.serial_seconds)
    b.alive_after = lingering()
    b.serial_scores = part_scores(b.root)
    b.serial_report = read_report(csv_dir / "autograde_report.csv")
    b.after_serial = {s: (b.root / "submitted" / s / EX / f"{EX}.ipynb").read_bytes() for s in NEIGHBOURS}
    with all_cores():
        start = time.monotonic()
        b.parallel = make(
            b.root, "autograde", check=False, JOBS="2", FORCE="1", GRADES_CSV=str(csv_dir / "grades.csv")
        )
        b.parallel_seconds = time.monotonic() - start
    label = f"make autograde JOBS=2 FORCE=1 ({len(CASES)} submissions)"
    record_time("grading sandbox", label, b.parallel_seconds)
    b.parallel_scores = part_scores(b.root)
    b.parallel_report = read_report(csv_dir / "autograde_report.csv")
    with one_core():  # a kernel per notebook again: never beside a step timed with all the cores
        make(b.root, "feedback", FORCE="1")
        make(b.root, "grades", GRADES_CSV=str(csv_dir / "grades.csv"))
    b.report_path, b.grades_path = csv_dir / "autograde_report.csv", csv_dir / "grades.csv"
    with open(b.grades_path, newline="") as handle:
        b.grades = {student_of(row["student_id"]): float(row["score"]) for row in csv.DictReader(handle)}
    return b


def test_both_runs_complete(batch):
    for done in (batch.serial, batch.parallel):
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        assert "sandbox: bubblewrap works" in done.stdout
        assert "There was an error processing" not in done.stdout + done.stderr


@pytest.mark.parametrize("student", list(CASES))
def test_exact_scores(batch, student):
    points = CASES[student][1]
    assert batch.grades[student] == float(sum(points.values()))
    if student in batch.serial_scores and batch.serial_scores[student]:
        assert batch.serial_scores[student] == points


def grading_seconds(done: subprocess.CompletedProcess) -> float:
    """The intake's own clock: repair and the nbgrader processes, without `make release` before."""
    return float(re.search(r"^autograde: \d+ job\(s\), ([\d.]+) s$", done.stdout, re.M).group(1))


def test_two_jobs_grade_faster_than_one(batch, record_time):
    """A regression guard on this small batch (eight notebooks to grade, four files the intake sets
    aside); the class-of-30 benchmark below measures the 1.7x target of the whole make target."""
    speedup = grading_seconds(batch.serial) / grading_seconds(batch.parallel)
    record_time("grading sandbox", "speedup of the grading phase, JOBS=2 (x, not seconds)", speedup)
    assert speedup >= 1.5, f"JOBS=2 only {speedup:.2f}x faster than JOBS=1"


def without_seconds(report: dict) -> dict:
    """The report minus its wall-time column, which differs from run to run."""
    return {student: {k: v for k, v in row.items() if k != "seconds"} for student, row in report.items()}


def test_serial_and_parallel_runs_are_identical(batch):
    assert batch.serial_scores == batch.parallel_scores
    assert without_seconds(batch.serial_report) == without_seconds(batch.parallel_report)
    assert all(float(row["seconds"]) > 0 for row in batch.parallel_report.values() if row["seconds"])


@pytest.mark.parametrize("student", list(CASES))
def test_the_report_names_every_submission_and_its_problem(batch, student):
    row = batch.serial_report[student]
    points = CASES[student][1]
    assert float(row["score"]) == float(sum(points.values()))
    problem = CASES[student][2]
    if problem:
        assert problem in row["problems"], row
    elif student in ("reference", "wrong", "vandal", "leak"):
        assert row["problems"] == "", row


def test_the_report_is_printed_as_one_table(batch):
    table = batch.serial.stdout[batch.serial.stdout.index("\nstudent ") :]
    assert all(re.search(rf"^{re.escape(s)}\s+{EX}\s", table, re.M) for s in CASES), table
    assert f"report: {len(CASES)} submission(s)" in table


def test_the_vandal_changed_nothing_outside_its_scratch(batch):
    for student in NEIGHBOURS:
        now = (batch.root / "submitted" / student / EX / f"{EX}.ipynb").read_bytes()
        assert now == batch.after_serial[student], f"{student}'s submission changed"
        if student not in ("dropped",):  # intake rewrote the metadata of that one, before grading
            assert now == batch.before[student], f"{student}'s submission changed"
    nb = nbformat.read(batch.root / "autograded" / "vandal" / EX / f"{EX}.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    report = eval(re.search(r"^\{.*\}$", printed, re.M).group(0))  # noqa: S307 - our own test output
    assert report["source/*/*.ipynb"] == 0 and report["gradebook.db"] == 0
    assert report["submitted/*/*/*.ipynb"] == 0 and report["autograded/*/*/*.ipynb"] == 0
    assert report["/work/main/grading/source/*/*.ipynb"] == 0
    assert report["gradebook"] != "rewritten" and report["network"] != "open"
    assert not any(key.startswith("overwrote") for key in report)
    assert not (batch.root / "autograded" / "vandal" / EX / "vandal_was_here.txt").exists()


def test_no_student_process_survives_grading(batch):
    assert batch.alive_after == []
    assert lingering() == []
    # This batch's groups only: another test may be grading (with live kernels) at the same time.
    left = [group for group in sandbox.batch_groups(sandbox.batch_name(batch.root)) if group.exists()]
    assert left == [], "sandbox cgroups left behind"
    for done in (batch.serial, batch.parallel):  # each kernel's manager removed its own groups
        assert "swept a kernel's leftover cgroup" not in done.stdout, done.stdout[-3000:]


@pytest.mark.parametrize(
    "student", ["leak", "vandal", "reference", "copied", "dropped", "b64_hook", "key_hunt"]
)
def test_feedback_never_shows_hidden_tests_or_solutions(batch, student):
    page = html.unescape((batch.root / "feedback" / student / EX / f"{EX}.html").read_text())
    outputs_only = re.sub(r'<div class="jp-InputArea.*?</div>\s*</div>\s*</div>', "", page, flags=re.S)
    shown = [s for s in secrets() if s in outputs_only]
    assert shown == [], f"{student}'s feedback shows {shown[:3]}"
    for marker in ("HIDDEN TESTS", "_T.close", "_T.equal", "_T.rng"):
        assert marker not in page


def printed(batch, student: str) -> str:
    """Everything the graded run of `student`'s notebook printed or displayed as text."""
    nb = nbformat.read(batch.root / "autograded" / student / EX / f"{EX}.ipynb", as_version=4)
    return "".join(
        o.get("text", "") + "".join(v for k, v in o.get("data", {}).items() if k.startswith("text/"))
        for c in nb.cells for o in c.get("outputs", [])
    )


def feedback_page(batch, student: str) -> str:
    return (batch.root / "feedback" / student / EX / f"{EX}.html").read_text()


def test_the_leak_attempt_printed_something_that_was_hidden(batch):
    leaked = printed(batch, "leak")
    assert any(s in leaked for s in secrets()), "the leak attempt should have printed hidden test code"
    page = html.unescape(feedback_page(batch, "leak"))
    assert "RAW: import glob, os" in page  # what its hook printed in the run without them is shown


def hidden_test_lines() -> list[str]:
    """Lines of ex1's hidden tests (12+ characters) that neither the release nor the reference solution
    (what these students submit) holds. The markers are left out: they are public
    (helpers/quiz/assignment.py)."""
    source = nbformat.read(course.SOURCE / EX / f"{EX}.ipynb", as_version=4)
    given = [*release_nb().cells, *solved().cells]
    public = {line.strip() for cell in given for line in cell.source.splitlines()}
    lines, inside = set(), False
    for cell in source.cells:
        for line in cell.source.splitlines():
            text = line.strip()
            if text in ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"):
                inside = text.startswith("### BEGIN")
            elif inside and len(text) >= 12 and text not in public:
                lines.add(text)
    assert len(lines) > 20, lines
    return sorted(lines)


def decoded_base64(text: str) -> str:
    """Every run of 16+ base64 characters in `text`, decoded (what decodes), joined."""
    parts = []
    for token in re.findall(r"[A-Za-z0-9+/]{16,}={0,2}", text):
        try:
            parts.append(base64.b64decode(token + "=" * (-len(token) % 4)).decode("utf-8", "replace"))
        except ValueError:
            continue
    return "\n".join(parts)


def test_feedback_holds_no_hidden_test_in_base64(batch):
    """Issue 21: a hook prints every executed cell's source (and `In`) base64-encoded. In the graded run
    that is the hidden tests; the feedback's outputs come from a run that never had them."""
    hidden = hidden_test_lines()
    graded = decoded_base64(printed(batch, "b64_hook"))
    assert [s for s in hidden if s in graded], "the hook should have encoded the hidden tests"
    for student in CASES:
        path = batch.root / "feedback" / student / EX / f"{EX}.html"
        if path.exists():
            page = html.unescape(path.read_text())
            shown = [s for s in hidden if s in decoded_base64(page)]
            assert shown == [], f"{student}'s feedback holds hidden test code in base64: {shown[:3]}"
    assert "B64:" in feedback_page(batch, "b64_hook")  # its hook ran in the feedback run too, on public cells


def test_disk_caps_hold_and_the_report_says_so(batch):
    """Issue 21: 512 MiB into each writable place against a 64 MiB cap; the cell ends with an OSError,
    the submission is graded, the report says "disk cap reached"."""
    line = next(line for line in printed(batch, "disk_hog").splitlines() if line.startswith("DISK "))
    wrote = json.loads(line[len("DISK "):])
    for place in ("work", "tmp", "shm"):
        mib, error = wrote[place]
        assert mib <= DISK_CAP_MB and error in ("OSError errno 28", "OSError errno 27"), (place, wrote)
    assert wrote["box"][0] == 0 and wrote["box"][1].startswith("OSError"), wrote  # read-only
    nb = nbformat.read(batch.root / "autograded" / "disk_hog" / EX / f"{EX}.ipynb", as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("ename") == "OSError"]
    seen = [(o.ename, o.evalue[:9]) for o in errors]
    assert seen in ([("OSError", "[Errno 28")], [("OSError", "[Errno 27")]), errors
    assert "disk cap reached" in batch.parallel_report["disk_hog"]["problems"]


def test_an_exercise_kernel_cannot_reach_the_quiz_key(batch):
    """Issue 21: the ex1 submission reads every file of the helpers package it imports and any quiz
    data file on its import path, and prints them base64-encoded: no key among them."""
    import leakscan

    out = printed(batch, "key_hunt")
    listed = out[out.index("KEYHUNT "):].splitlines()[0]
    assert "quiz/questions.json" in listed  # it searched the package the kernel imports
    assert "quiz/key.json" not in listed, listed
    assert "grading.py" in listed
    readable = decoded_base64(out)
    assert [k for k in leakscan.key_strings() if k in readable] == []


class Markup(HTMLParser):
    """The elements of a page: every script's text, every attribute that is an event handler."""

    def __init__(self):
        super().__init__()
        self.scripts, self.handlers, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        self.handlers += [f"{tag} {name}={value}" for name, value in attrs if name.startswith("on")]

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def test_student_html_is_inert_in_the_feedback(batch):
    """Issue 21: nbconvert's sanitiser turns the script and the event handler into text."""
    page = feedback_page(batch, CSV_STUDENT)
    markup = Markup()
    markup.feed(page)
    assert "<b>student html</b>" in page  # the harmless markup is rendered
    assert not [s for s in markup.scripts if "kcScript" in s], "the student's script is live markup"
    assert not [h for h in markup.handlers if "kcOnerror" in h], "the student's onerror is live markup"


def csv_rows(path: Path) -> list[list[str]]:
    with open(path, newline="") as handle:
        return list(csv.reader(handle))


def test_the_autograde_report_writes_no_formula(batch):
    rows = [row for row in csv_rows(batch.report_path) if CSV_STUDENT in row[0]]
    assert [row[0] for row in rows] == ["'" + CSV_STUDENT]


def test_the_grades_export_writes_no_formula(batch):
    rows = [row for row in csv_rows(batch.grades_path) if CSV_STUDENT in row[3]]
    assert [(row[3], row[5]) for row in rows] == [("'" + CSV_STUDENT, "'" + ROSTER_FIRST_NAME)]
    assert all(not cell.startswith(("=", "+", "@")) for row in csv_rows(batch.grades_path) for cell in row)


def test_make_autograde_refuses_without_a_working_sandbox(tmp_path):
    root = new_course(tmp_path, {"reference": nbformat.writes(solved())})
    done = make(root, "autograde", check=False, env={"GRADING_BWRAP": "/bin/false"})
    assert done.returncode != 0
    line = next(line for line in done.stdout.splitlines() if line.startswith("sandbox:"))
    assert "Refusing to grade" in line and "GRADING_SANDBOX=off" in line
    assert not (root / "autograded").exists()


def test_the_quiz_grader_writes_no_formula(tmp_path):
    """Issue 21: the student id comes from the answer file's name."""
    from helpers.quiz.batch import main

    text = (ROOT / "tests" / "fixtures" / "quiz" / "lms" / "ben.txt").read_text(encoding="utf-8")
    inbox = tmp_path / "answers"
    inbox.mkdir()
    names = ['=HYPERLINK("evil.example","ok")', "+1+2", "-cmd", "@SUM(1)", "\tab", "-1", "ben"]
    for name in names:
        (inbox / f"{name}.txt").write_text(text, encoding="utf-8")
    assert main([str(inbox), "--out", str(tmp_path / "out.csv")]) == 0
    students = sorted(row[0] for row in csv_rows(tmp_path / "out.csv")[1:])
    assert students == sorted(["'" + n if n not in ("-1", "ben") else n for n in names])


@pytest.mark.parametrize(("value", "written"), [
    ("=1+2", "'=1+2"), ("+SUM(1)", "'+SUM(1)"), ("-cmd", "'-cmd"), ("@A1", "'@A1"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("-1.5", "-1.5"), ("+3", "+3"), ("-2e3", "-2e3"), ("1-1", "1-1"), ("", ""), (None, ""),
    (10.0, "10.0"), ("-", "'-"), ("ann", "ann"),
])
def test_safe_csv_cell(value, written):
    from helpers import safe_csv

    assert safe_csv.cell(value) == written


# ---------------------------------------------------------------- the caps, each way they are set

HOG = """x = bytearray(600 << 20)  # 600 MiB, every page touched, against a 256 MiB cap
x[::4096] = bytes(len(range(0, len(x), 4096)))
print("allocated")"""
LIMITS = """from resource import RLIMIT_DATA, RLIMIT_NPROC, getrlimit
print("limits", getrlimit(RLIMIT_DATA)[0] >> 20, getrlimit(RLIMIT_NPROC)[0])"""
THREADS = """import threading, time
started = 0
try:
    for _ in range(200):
        threading.Thread(target=time.sleep, args=(3,), daemon=True).start()
        started += 1
except RuntimeError:
    pass
print("threads", started)"""


def in_sandbox(code: str, limits: str, cwd: Path) -> subprocess.CompletedProcess:
    """`python -c code` the way a student kernel starts: bwrap, with 256 MiB and 64 processes caps."""
    manager = sandbox.SandboxKernelManager(limits=limits, memory_limit_mb=256, max_processes=64)
    try:
        cmd = manager.sandboxed([sys.executable, "-c", code], cwd)
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    finally:
        manager._remove_cgroups()
        shutil.rmtree(manager._box, ignore_errors=True)


@pytest.mark.skipif(not HAVE_BWRAP, reason="bubblewrap is not installed")
@pytest.mark.parametrize("limits", ["cgroup", "rlimit"])
def test_the_caps_hold(limits, tmp_path):
    if limits == "cgroup" and not sandbox.cgroups_writable():
        from conftest import require

        require(False, "cgroup caps need root (CI runs as root)")
    hog = in_sandbox(HOG, limits, tmp_path)
    assert "allocated" not in hog.stdout and hog.returncode != 0, hog.stdout + hog.stderr
    if limits == "rlimit":  # MemoryError in the kernel; a cgroup has the kernel killed instead
        assert "MemoryError" in hog.stderr, hog.stderr
        assert in_sandbox(LIMITS, limits, tmp_path).stdout.split() == ["limits", "256", "64"]
    # Root too: in bwrap's user namespace, without capabilities, RLIMIT_NPROC binds it as well.
    threads = in_sandbox(THREADS, limits, tmp_path)
    assert int(threads.stdout.split()[-1]) < 64, threads.stdout + threads.stderr


# Greps every file the sandbox can read (all of /, minus the kernel's /proc, /sys and /dev) for the
# patterns on stdin; the hits go to stdout.
GREP_ALL = "cd / && exec grep -rlF --no-messages -f /dev/stdin $(ls -A / | grep -vxE 'proc|sys|dev')"
CANARY = "def check_close(what: str, seen, expected"  # in helpers/grading.py: the search reaches helpers


@pytest.mark.skipif(not HAVE_BWRAP, reason="bubblewrap is not installed")
def test_nothing_an_exercise_kernel_can_read_holds_the_key(tmp_path, record_time):
    """Issue 21: everything readable in the sandbox an ex1 kernel gets is searched for the quiz key's
    explanations and correct flags: none is found; only the canary (a line of helpers/grading.py)
    is. A quiz kernel's sandbox, which must hold the key for its hidden tests, is the positive control."""
    import leakscan

    needles = "\n".join([*sorted(leakscan.key_strings()), CANARY]) + "\n"
    found = {}
    for assignment in (EX, "quiz"):
        cwd = tmp_path / "autograded" / "s" / assignment
        cwd.mkdir(parents=True)
        manager = sandbox.SandboxKernelManager(limits=sandbox.limit_kind())
        helpers = sandbox.package_dirs("helpers")[0]
        script = GREP_ALL if assignment == EX else f"exec grep -rlF -f /dev/stdin {helpers}"
        started = time.monotonic()
        try:
            done = subprocess.run(manager.sandboxed(["/bin/sh", "-c", script], cwd), input=needles,
                                  capture_output=True, text=True, timeout=1500)
        finally:
            manager._remove_cgroups()
            shutil.rmtree(manager._box, ignore_errors=True)
        record_time("grading sandbox", f"grep for the quiz key in a {assignment} kernel's sandbox",
                    time.monotonic() - started)
        assert done.returncode in (0, 1, 2), done.stderr[-2000:]  # 2: some unreadable file was skipped
        found[assignment] = sorted(Path(line).name for line in done.stdout.splitlines())
    assert found[EX] == ["grading.py"], found[EX]
    assert found["quiz"] == ["grading.py", "key.json"], found["quiz"]


@pytest.mark.skipif(not HAVE_BWRAP, reason="bubblewrap is not installed")
def test_the_hub_gives_the_instructors_key_to_quiz_kernels_only(tmp_path, monkeypatch, record_time):
    """Issue 23: on the classroom hub the course environment's `helpers` is the student build (no key)
    and the key is the instructor's private quiz_key.json (SandboxKernelManager.key_file). A quiz
    kernel scores with it; an exercise kernel and the quiz's feedback run find no key; the course
    environment is left without one."""
    import student_build

    env = tmp_path / "env"
    student_build.build_helpers(env / "helpers")
    key = tmp_path / "course" / "quiz_key.json"
    key.parent.mkdir()
    shutil.copyfile(ROOT / "helpers" / "quiz" / "key.json", key)
    monkeypatch.setattr(sandbox, "package_dirs", lambda *names: [env / "helpers"])
    # Question 20's key is ABD: picking A and B scores (2 right - 0 wrong) / 3 under the net rule.
    probe = (f"import sys; sys.path.insert(0, {str(env)!r}); import helpers\n"
             f"assert helpers.__file__.startswith({str(env)!r}), helpers.__file__\n"
             "from helpers.quiz import autograde; print(autograde(20, 'AB'))")
    outcomes = {}
    started = time.monotonic()
    for assignment, graded_run in (("quiz", True), (EX, True), ("quiz", False)):
        cwd = tmp_path / ("autograded" if graded_run else "feedback") / "s" / assignment
        cwd.mkdir(parents=True)
        manager = sandbox.SandboxKernelManager(limits=sandbox.limit_kind(), key_file=str(key),
                                               answer_key=graded_run)
        try:
            done = subprocess.run(manager.sandboxed([sys.executable, "-c", probe], cwd),
                                  capture_output=True, text=True, timeout=300)
        finally:
            manager._remove_cgroups()
            shutil.rmtree(manager._box, ignore_errors=True)
        outcomes[assignment, graded_run] = done.stdout.strip() or done.stderr.strip().splitlines()[-1]
    record_time("grading sandbox", "hub key: three sandboxed probes", time.monotonic() - started)
    assert outcomes[("quiz", True)] == repr(2 / 3), outcomes
    assert outcomes[(EX, True)].startswith("FileNotFoundError") and "key.json" in outcomes[(EX, True)]
    assert outcomes[("quiz", False)] == outcomes[(EX, True)]
    assert not (env / "helpers" / "quiz" / "key.json").exists()


# ---------------------------------------------------------------- intake on its own (fast)


@pytest.mark.parametrize("builder", [dropped, copied, hand_edited], ids=["dropped", "copied", "hand-edited"])
def test_repair_restores_the_release_metadata(builder):
    nb = builder()
    changes, reason = intake.repair(nb, release_nb())
    assert reason is None and changes
    graded = {
        c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]
        for c in nb.cells
        if "nbgrader" in c.metadata
    }
    want = {
        c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]
        for c in release_nb().cells
        if "nbgrader" in c.metadata
    }
    assert graded == want
    assert len({c.id for c in nb.cells}) == len(nb.cells)


@pytest.mark.parametrize(
    "case", [c for c in fx.cases() if c.notebook and c.assignment == EX], ids=lambda c: c.student
)
def test_repair_leaves_the_existing_submissions_alone(case):
    nb = case.build()
    before = nbformat.writes(nb)
    assert intake.repair(nb, release_nb()) == ([], None)
    assert nbformat.writes(nb) == before


def test_quiz_grader_reads_utf16_answer_files(tmp_path):
    from helpers.quiz.batch import main

    fixtures = ROOT / "tests" / "fixtures" / "quiz" / "lms"
    for name, encoding in (("utf8", None), ("utf16", "utf-16")):
        inbox = tmp_path / name
        inbox.mkdir()
        text = (fixtures / "ben.txt").read_text(encoding="utf-8")
        (inbox / "ben.txt").write_bytes(text.encode(encoding) if encoding else text.encode())
        assert main([str(inbox), "--out", str(tmp_path / f"{name}.csv")]) == 0
    assert (tmp_path / "utf16.txt").exists() is False
    assert (tmp_path / "utf8.csv").read_text() == (tmp_path / "utf16.csv").read_text()
    assert (tmp_path / "utf16" / "ben.txt").read_bytes()[:2] == b"\xff\xfe"


# ---------------------------------------------------------------- the class of 30 (GRADING_BENCHMARK=1)


@pytest.mark.skipif(
    os.environ.get("GRADING_BENCHMARK") != "1", reason="set GRADING_BENCHMARK=1 (about 9 min, both cores)"
)
@pytest.mark.all_cores
def test_class_of_30_serial_vs_parallel(tmp_path, record_time):
    students = {f"s{i:02d}": nbformat.writes(solved()) for i in range(30)}
    seconds = {}
    with all_cores():  # the measurement is only meaningful with the machine to itself
        for label, jobs, mode in (
            ("serial, sandbox", "1", "on"),
            ("parallel, sandbox", "2", "on"),
            ("serial, no sandbox", "1", "off"),
        ):
            root = new_course(tmp_path / label.replace(", ", "_").replace(" ", "_"), students)
            start = time.monotonic()
            done = make(root, "autograde", JOBS=jobs, env={"GRADING_SANDBOX": mode})
            seconds[label] = time.monotonic() - start
            assert "There was an error processing" not in done.stdout + done.stderr
            with Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID) as gb:
                assert all(gb.find_submission(EX, s).score == 10 for s in students)
            record_time("class of 30 (ex1)", f"make autograde, {label}", seconds[label])
    speedup = seconds["serial, sandbox"] / seconds["parallel, sandbox"]
    overhead = (seconds["serial, sandbox"] - seconds["serial, no sandbox"]) / 30
    record_time("class of 30 (ex1)", "speedup serial/parallel (x, not seconds)", speedup)
    record_time("class of 30 (ex1)", "sandbox overhead per submission", overhead)
    print(json.dumps({**seconds, "speedup": speedup, "sandbox_overhead_per_submission": overhead}))
    # The targets of the grading issue, on an otherwise idle 2-core machine.
    assert speedup >= 1.7, f"parallel grading {speedup:.2f}x faster, target 1.7x"
    unsandboxed = seconds["serial, no sandbox"] / 30
    assert overhead <= 0.15 * unsandboxed, f"sandbox: +{overhead:.2f} s on {unsandboxed:.2f} s per submission"

"""Extensions that nbgrader_config.py plugs into stock `nbgrader autograde` and `generate_feedback`.

CrashTolerantExecute
    Stock nbgrader abandons the whole submission when the student's code kills the kernel
    (`os._exit`, a segfault, running out of memory): nothing is graded, the autograded notebook is
    deleted, and the submission waits for manual grading. Here the cell that killed the kernel gets
    an error (so it scores 0), the kernel is restarted, the cells before it are replayed to rebuild
    the student's definitions, and grading goes on with the next cell. A cell still running after
    the timeout interrupt (code that swallows KeyboardInterrupt) is handled the same way. That is
    what stock nbgrader already does for a plain infinite loop: the stuck cell scores 0, the rest
    are graded. After `max_recoveries` restarts the remaining cells are marked as not run.

    Two guards against student code that meddles with how the kernel runs the tests. A test cell
    that calls `passed(` (the course's helper prints its marker as the cell's last act) and ends
    with neither an error nor the marker did not run to its end, for instance because an IPython
    input transformer emptied it: it gets an error. And an `execute_result` that is not the last
    output of a test cell is dropped. nbgrader reads
    the first `execute_result` as a partial score, and a genuine one comes from the cell's final
    expression; an earlier one can only come from student code (an IPython hook) trying to claim
    points for a cell that then fails.

PerDayLatePenalty
    A late-submission rule for nbgrader's AssignLatePenalties: minus `percent_per_day` % of the points
    a notebook earned for every day or part of a day past the student's due date (extensions
    included), never below 0. Off unless nbgrader_config.py plugs it in (GRADING_LATE_PENALTY_PER_DAY).

HideSecretLines
    In feedback, removes from every output of every cell each line that contains a secret line: a
    line of the source notebook (hidden tests, reference solutions) that the release does not hold,
    with at least `min_length` characters. It also looks for the secret as Python repr, JSON and HTML
    would escape it, so printing `In`, `%history`, `_ih`, the cells a hook saw, or a file read from
    disk shows "[hidden by the grader]" instead. What it cannot catch: a secret the student's code
    re-encodes (base64, reversed, one character per line).

ConciseTestErrors
    Feedback shows the last line of a failing test cell's error ("CheckFailed: kernel shape:
    expected (4, 3), saw (3, 4)") instead of the traceback, whose context lines would reveal the
    hidden tests' code.
"""

from __future__ import annotations

import copy
import html
import json
import math
import re
from functools import lru_cache
from pathlib import Path
from queue import Empty

import nbformat
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbgrader.api import MissingEntry
from nbgrader.plugins import CsvExportPlugin, LateSubmissionPlugin
from nbgrader.preprocessors import ClearHiddenTests, Execute, NbGraderPreprocessor
from nbgrader.utils import is_grade
from traitlets import Float, Integer, Unicode

COMPLETED = "all checks in this cell passed."  # printed by helpers.grading.passed()
NOT_COMPLETED = "the test cell did not run to its end (the notebook changed how the kernel runs code)"
KERNEL_DIED = "the kernel stopped while running this cell (os._exit, a crash or running out of memory)"
STILL_RUNNING = "this cell was still running after the timeout interrupt, so the kernel was restarted"
NOT_RUN = "not run: the kernel had to be restarted too many times in this notebook"


def error_output(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class CrashTolerantExecute(Execute):
    """Execute that survives a dead or stuck kernel: the guilty cell scores 0, grading continues."""

    max_recoveries = Integer(3, help="Kernel restarts per notebook before giving up.").tag(config=True)
    probe_timeout = Integer(
        10, help="Seconds a timed-out kernel has to answer a kernel_info request before it is restarted."
    ).tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._recoveries = 0
        self._given_up = False
        self._skip_on_replay: set[int] = set()
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if self._given_up:
            if cell.cell_type == "code":
                cell.outputs = [error_output("NotRun", NOT_RUN)]
            return cell, self.resources
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            cell.outputs.append(error_output("KernelDied", KERNEL_DIED))
            self._recover(index)
            return cell, self.resources
        except CellTimeoutError:  # still busy after the interrupt: its IOPub never went idle
            cell.outputs.append(error_output("KernelRestarted", STILL_RUNNING))
            self._recover(index)
            return cell, self.resources
        if self._timed_out(cell) and not self._responsive():
            cell.outputs.append(error_output("KernelRestarted", STILL_RUNNING))
            self._recover(index)
        if cell.cell_type == "code" and is_grade(cell):
            guard_test_outputs(cell)
        return cell, self.resources

    @staticmethod
    def _timed_out(cell) -> bool:
        return any(out.get("ename") == "CellTimeoutError" for out in cell.get("outputs", []))

    def _responsive(self) -> bool:
        """Does the kernel answer a kernel_info request? (It cannot while a cell is still running.)"""
        msg_id = self.kc.kernel_info()
        get_reply = run_sync(self.kc.shell_channel.get_msg)
        try:
            while True:  # skip the late reply of the interrupted cell, if it comes first
                if get_reply(timeout=self.probe_timeout)["parent_header"].get("msg_id") == msg_id:
                    return True
        except Empty:
            return False

    def _recover(self, index: int) -> None:
        """Restart the kernel and replay cells before `index` (minus earlier culprits) to rebuild state."""
        self._skip_on_replay.add(index)
        if not any(cell.cell_type == "code" for cell in self.nb.cells[index + 1:]):
            return  # nothing left to run
        self._recoveries += 1
        if self._recoveries > self.max_recoveries:
            self._given_up = True
            return
        self.log.warning("Restarting the kernel after cell %d and replaying the cells before it", index)
        try:
            run_sync(self.km.restart_kernel)(now=True)
            self.kc.stop_channels()
            self.kc = None
            self.start_new_kernel_client()
            for earlier in range(index):
                if earlier not in self._skip_on_replay and self.nb.cells[earlier].cell_type == "code":
                    # A copy: outputs of the replay are thrown away, the graded cell keeps its own.
                    self.execute_cell(copy.deepcopy(self.nb.cells[earlier]), earlier, store_history=False)
        except Exception as error:  # noqa: BLE001 - any failure to recover means: stop running cells
            self.log.error("Could not recover the kernel (%s); remaining cells are marked as not run", error)
            self._given_up = True


def guard_test_outputs(cell) -> None:
    """Drop a partial score claimed ahead of the cell's own result; flag a test that never finished."""
    last = len(cell.outputs) - 1
    cell.outputs = [
        out for i, out in enumerate(cell.outputs) if out.output_type != "execute_result" or i == last
    ]
    failed = any(out.output_type == "error" for out in cell.outputs)
    printed = "".join(out.get("text", "") for out in cell.outputs if out.output_type == "stream")
    if "passed(" in cell.source and not failed and COMPLETED not in printed:
        cell.outputs.append(error_output("NotCompleted", NOT_COMPLETED))


# Text that grading itself writes into a test cell: what a feedback page may repeat about the graded run.
GRADED_OUTCOMES = {
    "KernelDied": KERNEL_DIED,
    "KernelRestarted": STILL_RUNNING,
    "NotRun": NOT_RUN,
    "NotCompleted": NOT_COMPLETED,
    "CellTimeoutError": "this cell ran out of time when it was graded",
    "DeadKernelError": KERNEL_DIED,
}


def hidden_checks_failed(score: float, points: float) -> str:
    return (f"{score:g} of {points:g} point(s): the checks that run only when your work is graded "
            "(other inputs, other cases) did not all pass")


class FeedbackRun(CrashTolerantExecute):
    """In feedback, every output comes from a second run of the submission in which the hidden tests
    never were: the test cells stripped of them, in the sandbox, without the quiz key. The graded run
    (hidden tests in the kernel) contributes only the scores and, for a test cell that lost points,
    one fixed sentence chosen by what happened (a crash, a timeout, a failed hidden check), never its
    text. So nothing the student's code did during grading (print `In`, hook `run_cell`, re-encode a
    cell's source in base64, raise an error that quotes the test) reaches the feedback.

    Test cells show only their public checks' verdict: the completion marker or the error (cut to its
    last line by ConciseTestErrors); a student cell shows what it printed in the second run.
    """

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        if hasattr(km, "answer_key"):
            km.answer_key = False  # the sandbox leaves the quiz key out
        return km

    def preprocess(self, nb, resources=None, km=None):
        hidden = ClearHiddenTests(parent=self)
        run = copy.deepcopy(nb)
        for cell in run.cells:
            if cell.cell_type == "code":
                hidden._remove_hidden_test_region(cell)
                cell.outputs, cell.execution_count = [], None
        self.log.info("Feedback: running the notebook again without its hidden tests")
        run, resources = super().preprocess(run, resources, km)
        for graded, fresh in zip(nb.cells, run.cells, strict=True):
            if graded.cell_type != "code":
                continue
            outputs = fresh.outputs
            if is_grade(graded):
                outputs = test_cell_feedback(graded, fresh.outputs)
            graded.outputs, graded.execution_count = outputs, fresh.execution_count
        return nb, resources


def test_cell_feedback(graded, outputs: list) -> list:
    """A test cell's feedback: the public checks' marker or error from the second run, and, when the
    graded run gave fewer points, one fixed sentence saying why."""
    kept = [out for out in outputs if out.output_type == "error"]
    kept += [NotebookNode(output_type="stream", name="stdout", text=line + "\n")
             for out in outputs if out.output_type == "stream"
             for line in out.get("text", "").splitlines() if line.endswith(COMPLETED)]
    meta = graded.metadata.get("nbgrader", {})
    score, points = meta.get("score"), meta.get("points")
    if score is None or points is None or score >= points or any(o.output_type == "error" for o in kept):
        return kept
    kept = [out for out in kept if out.output_type == "error"]  # not "passed": it lost points
    causes = [out.get("ename") for out in graded.get("outputs", []) if out.get("output_type") == "error"]
    known = [GRADED_OUTCOMES[name] for name in causes if name in GRADED_OUTCOMES]
    why = known[-1] if known else hidden_checks_failed(score, points)
    return [*kept, error_output("NotAllChecksPassed", why)]


ANSI = re.compile(r"\x1b\[[0-9;]*m")


class ConciseTestErrors(NbGraderPreprocessor):
    """In feedback, reduce a test cell's error to its final line so hidden test code stays hidden."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and is_grade(cell):
            for out in cell.get("outputs", []):
                if out.output_type == "error":
                    out.traceback = [ANSI.sub("", f"{out.ename}: {out.evalue}")]
        return cell, resources


HIDDEN_LINE = "[hidden by the grader]"


def _code_lines(nb) -> set[str]:
    return {line.strip() for cell in nb.cells for line in cell.source.splitlines()}


@lru_cache(maxsize=32)
def secret_lines(source: str, release: str, min_length: int) -> tuple[str, ...]:
    """Lines of the source notebook absent from the release (hidden tests, solutions), and escaped."""
    released = _code_lines(nbformat.read(release, as_version=4)) if Path(release).exists() else set()
    secrets = set()
    for line in _code_lines(nbformat.read(source, as_version=4)) - released:
        if len(line) < min_length or not re.search(r"[A-Za-z]", line):
            continue
        secrets |= {line, html.escape(line), html.escape(line, quote=False), repr(line)[1:-1],
                    json.dumps(line)[1:-1], json.dumps(line, ensure_ascii=False)[1:-1]}
    return tuple(sorted(secrets, key=len))


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    lines = text.splitlines(keepends=True)
    kept = [HIDDEN_LINE + ("\n" if line.endswith("\n") else "") if any(s in line for s in secrets) else line
            for line in lines]
    return "".join(kept)


class HideSecretLines(NbGraderPreprocessor):
    """In feedback, hide every output line that quotes a hidden test or the reference solution."""

    course_root = Unicode("", help="The course folder (holds source/ and release/).").tag(config=True)
    min_length = Integer(12, help="Shorter source lines (`else:`, `return x`) are not secret.").tag(
        config=True
    )

    def preprocess(self, nb, resources):
        meta = resources.get("nbgrader", {})
        root = Path(self.course_root or ".")
        name = f"{meta.get('notebook')}.ipynb"
        source = root / "source" / str(meta.get("assignment")) / name
        release = root / "release" / str(meta.get("assignment")) / name
        if not source.exists():
            self.log.warning("HideSecretLines: no source notebook %s; outputs left as they are", source)
            return nb, resources
        self._secrets = secret_lines(str(source), str(release), self.min_length)
        return super().preprocess(nb, resources)

    def _scrub_value(self, value):
        if isinstance(value, str):
            return scrub(value, self._secrets)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return [scrub(v, self._secrets) for v in value]
        if isinstance(value, dict):
            return type(value)((key, self._scrub_value(v)) for key, v in value.items())
        return value

    def preprocess_cell(self, cell, resources, index):
        for out in cell.get("outputs", []):
            if "text" in out:
                out.text = self._scrub_value(out.text)
            if "data" in out:
                out.data = NotebookNode({
                    mime: (self._scrub_value(v) if mime.startswith("text/") or mime.endswith("json") else v)
                    for mime, v in out.data.items()
                })
            if out.get("output_type") == "error":
                out.evalue = scrub(out.get("evalue", ""), self._secrets)
                out.traceback = [scrub(line, self._secrets) for line in out.get("traceback", [])]
        return cell, resources


class SafeCsvExport(CsvExportPlugin):
    """`nbgrader export` as CSV, each cell through helpers.safe_csv: a student id, a name or an email
    that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is written as text, not a
    formula. Also real CSV quoting (the stock plugin joins the fields with commas, unquoted)."""

    KEYS = ("assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
            "raw_score", "late_submission_penalty", "score", "max_score")

    def export(self, gradebook) -> None:
        from helpers import safe_csv

        dest = self.to or "grades.csv"
        students = {str(s) for s in self.student}
        assignments = {str(a) for a in self.assignment}
        self.log.info("Exporting grades to %s", dest)
        with open(dest, "w", newline="") as handle:
            out = safe_csv.writer(handle, lineterminator="\n")
            out.writerow(self.KEYS)
            for assignment in gradebook.assignments:
                if assignments and assignment.name not in assignments:
                    continue
                for student in gradebook.students:
                    if students and student.id not in students:
                        continue
                    row = {"assignment": assignment.name, "duedate": assignment.duedate,
                           "student_id": student.id, "last_name": student.last_name,
                           "first_name": student.first_name, "email": student.email,
                           "max_score": assignment.max_score}
                    try:
                        submission = gradebook.find_submission(assignment.name, student.id)
                    except MissingEntry:
                        row.update(timestamp="", raw_score=0.0, late_submission_penalty=0.0, score=0.0)
                    else:
                        penalty = submission.late_submission_penalty
                        row.update(timestamp=submission.timestamp, raw_score=submission.score,
                                   late_submission_penalty=penalty,
                                   score=max(0.0, submission.score - penalty))
                    out.writerow("" if row[key] is None else row[key] for key in self.KEYS)


DAY = 24 * 3600


class PerDayLatePenalty(LateSubmissionPlugin):
    """Minus `percent_per_day` % of the notebook's score per started day late, floor 0 (docs/policies.md)."""

    percent_per_day = Float(10.0, help="Percent of the earned score taken per started day late.").tag(
        config=True
    )

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float:
        days = math.ceil(total_seconds_late / DAY)  # 1 second late is one started day
        penalty = min(score, score * self.percent_per_day * days / 100)
        self.log.info("%s: %d started day(s) late, penalty %g of %g", student_id, days, penalty, score)
        return penalty

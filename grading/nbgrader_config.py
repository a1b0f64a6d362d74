"""nbgrader configuration of the course (instructor side); docs/grading.md explains every choice.

Paths resolve relative to this file, so commands work from grading/ (nbgrader finds this file in
the working directory) and from a scratch copy of the course (the tests use one). Settings a
deployment changes without editing the file come from environment variables:

    NBGRADER_EXCHANGE       exchange folder shared with students (a real class: /srv/nbgrader/exchange)
    NBGRADER_CELL_TIMEOUT   seconds one cell may run during autograding (default 120)
    NBGRADER_LMS_REGEX      how to read student and notebook from an LMS download's file name
    GRADING_SANDBOX         "off": run student kernels without the bubblewrap sandbox (sandbox.py)
    GRADING_QUIZ_KEY        the quiz key file the quiz's kernels get, when not quiz_key.json beside this
                            file or the `helpers` package's own (sandbox.py, SandboxKernelManager.key_file)
    GRADING_LATE_PENALTY_PER_DAY  percent of a late notebook's score taken per started day late
                            (unset: lateness is recorded, no penalty; docs/policies.md)
    GRADING_SANDBOX_MEMORY_MB, GRADING_SANDBOX_PIDS, GRADING_SANDBOX_DISK_MB
                            one kernel's caps: memory (3072), processes (512), and the size of each
                            place it may write and of any one file (256); docs/grading.md
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)

from nbgrader_plugins import (  # noqa: E402
    ConciseTestErrors,
    CrashTolerantExecute,
    FeedbackRun,
    HideSecretLines,
    PerDayLatePenalty,
    SafeCsvExport,
)

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file

# ---------------------------------------------------------------- the course and its folders
c.CourseDirectory.course_id = "keras3-layers"
c.CourseDirectory.root = str(HERE)
c.CourseDirectory.db_url = f"sqlite:///{HERE / 'gradebook.db'}"

# Timestamps on every log line: when each submission was graded, and how long it took.
c.Application.log_datefmt = "%Y-%m-%d %H:%M:%S"
c.Application.log_format = "%(asctime)s.%(msecs)03d [%(name)s | %(levelname)s] %(message)s"

# ---------------------------------------------------------------- release: what students get
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# ---------------------------------------------------------------- exchange (JupyterHub classes)
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", str(HERE / "exchange"))
c.ExchangeSubmit.strict = True  # refuse a submission that lacks a released notebook (renamed/deleted)

# ---------------------------------------------------------------- autograding
# Per cell, not per notebook. The slowest reference cell takes a few seconds; 120 s leaves room for
# a loaded grading machine, and bounds what an infinite loop costs.
c.Execute.timeout = int(os.environ.get("NBGRADER_CELL_TIMEOUT", "120"))
c.Execute.interrupt_on_timeout = True  # the stuck cell scores 0, the rest of the notebook is graded
c.Execute.startup_timeout = 120  # kernel start on a busy machine
# After a cell's reply, how long its last outputs may take. Past it, CrashTolerantExecute treats the
# kernel as stuck (it restarts it and the cell scores 0), so leave a loaded machine some slack.
c.Execute.iopub_timeout = 15
c.CrashTolerantExecute.probe_timeout = 10
c.CrashTolerantExecute.max_recoveries = 3
# Every student kernel runs in a bubblewrap sandbox (grading/sandbox.py): no network, the course
# folder invisible, a scratch copy of the notebook's folder, memory and process caps, no survivors.
# `make autograde` refuses to start when bwrap cannot run, unless GRADING_SANDBOX=off.
if os.environ.get("GRADING_SANDBOX", "on").lower() not in ("off", "0", "no", "false"):
    c.Execute.kernel_manager_class = "sandbox.SandboxKernelManager"
# The quiz's hidden tests read the key. In the classroom the course environment's `helpers` has none
# (the student build); the instructor's private course folder holds it as quiz_key.json
# (classroom/install.py), and only the quiz kernels get it. A checkout uses the package's own key.
if (HERE / "quiz_key.json").is_file():
    c.SandboxKernelManager.key_file = str(HERE / "quiz_key.json")
c.Autograde.autograde_preprocessors = [
    CrashTolerantExecute,  # stock Execute plus: a dead or stuck kernel costs one cell, not the notebook
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
# Late penalty: off by default (nbgrader records how late, the score stands). GRADING_LATE_PENALTY_PER_DAY=10
# takes 10 % of the earned score per started day past the student's due date (extensions count), floor 0.
# To fix a rule for the course instead, set the two lines below without the environment variable.
LATE_PENALTY = os.environ.get("GRADING_LATE_PENALTY_PER_DAY", "").strip()
if LATE_PENALTY:
    try:
        c.PerDayLatePenalty.percent_per_day = float(LATE_PENALTY)
    except ValueError:
        raise ValueError(f"GRADING_LATE_PENALTY_PER_DAY must be a percentage, not {LATE_PENALTY!r}") from None
    c.AssignLatePenalties.plugin_class = PerDayLatePenalty
c.OverwriteCells.add_missing_cells = True  # a deleted test cell is put back and run, not skipped
c.Autograde.create_student = True  # a submission from someone missing in the roster is still graded
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 60

# ---------------------------------------------------------------- feedback: no hidden test code
# HideSecretLines: whatever the student's code printed (executed cells, `In`, history, files), any
# output line holding a line of a hidden test or of the reference solution is removed.
# FeedbackRun: every output in the feedback comes from a second run in which the hidden tests never
# were (and, for the quiz, not the key either); the graded run gives only scores. HideSecretLines stays
# as a second line of defence.
c.GenerateFeedback.preprocessors = [
    GetGrades, FeedbackRun, ClearHiddenTests, ConciseTestErrors, HideSecretLines, CSSHTMLHeaderPreprocessor,
]
c.HideSecretLines.course_root = str(HERE)
# Student HTML is inert wherever nbgrader renders it (feedback pages, Formgrader's views): nbconvert
# sanitises HTML outputs and Markdown (no <script>, no on* handlers, no javascript: links, no JS outputs).
c.HTMLExporter.sanitize_html = True

# ---------------------------------------------------------------- grades export
# SafeCsvExport: `nbgrader export` with every cell through helpers/safe_csv.py (no spreadsheet formulas
# from student ids or names) and real CSV quoting.
c.ExportApp.plugin_class = SafeCsvExport

# ---------------------------------------------------------------- LMS downloads (zip collect)
# Canvas names each file  <name>_[LATE_]<user id>_<submission id>_<uploaded file name>; the user id
# becomes the student id. Browsers and Colab rename uploads ("Copy of ...", "... (1)", "...-1"),
# so those decorations are stripped to recover the notebook's released name.
LMS_REGEX = (
    r".*/[^/_]+_(?:[Ll][Aa][Tt][Ee]_)?(?P<student_id>\d+)_\d+_(?:Copy[ _]of[ _])?"
    r"(?P<file_id>[A-Za-z0-9_]+?)(?:-\d+| ?\(\d+\))?\.ipynb$"
)
c.FileNameCollectorPlugin.named_regexp = os.environ.get("NBGRADER_LMS_REGEX", LMS_REGEX)
c.FileNameCollectorPlugin.valid_ext = [".ipynb"]
c.ZipCollectApp.archive_directory = "archive"
c.ZipCollectApp.extracted_directory = "extracted"

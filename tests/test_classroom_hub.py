"""The classroom hub end to end: real Unix accounts, PAM login, LocalProcessSpawner, nbgrader's exchange.

As root (CI is): install the student environment into a temporary prefix (classroom/install.py), create
an instructor and two students (classroom/roster.py), start JupyterHub + configurable-http-proxy on a
free port (classroom/jupyterhub_config.py). The instructor logs in and, in Formgrader (Chromium),
generates and releases ex1 and the graded quiz; student A logs in, sees the student view, fetches ex1
from the Assignments tab, writes the solution in the notebook editor and submits; student B submits a
wrong answer. In the same session each student fetches the quiz from the Assignments tab, writes letters
into its answer cells in the notebook editor (A: the key's letters for all 20, read from
helpers/quiz/key.json by the test process; B: QUIZ_B, some right, some partly right, some wrong, one
unreadable, ten blank), runs every cell in their own kernel, whose `helpers` is the key-free student
build (no cell may show an error; the format check's report is checked line by line), saves and submits
in the browser. The instructor, in Formgrader, collects, autogrades each ex1 submission (through the
grading sandbox, with rlimits since the instructor is not root), generates and releases feedback, then
collects and autogrades each quiz submission: only those kernels get the key, from quiz_key.json in the
instructor's private course folder (SandboxKernelManager.key_file). The gradebook must hold exactly the
totals the test works out from the key, the sheets and docs/quiz.md's scoring rule (A 20, B 14/3 with
today's key); docs/quiz.md's whole-class commands, run as the instructor (intake.py autograde, nbgrader
export, helpers.quiz.batch --compare), give the same. Only the conceptual 20: grading/quiz.toml has
computed = 0 by default, so the quiz has no computed questions. The key must be in no released or
fetched copy of the quiz and not in the student build, and its copy in the grading cache unreadable to
B. Each student then fetches the ex1 feedback in the browser and sees their own score. B's ex1 answer
displays HTML with a `<script>` and an `onerror` handler: the instructor's Formgrader view of B's
submission and B's feedback page show its text, and neither ran. Then, as student B: no access to A's
home, the instructor's source/ or gradebook; A's submission cannot be found in the exchange; a search of
every file B can read under the student environment, the exchange, /home and the checkout finds no
solution line, hidden-test line or quiz-key string (classroom/leakscan.py). Finally the hub stops: no
hub, proxy or single-user process remains; the accounts are removed. Screenshots:
test-artifacts/classroom/hub-*.png (the quiz's: hub-0c/0d, hub-5a1..5b3, hub-6e, hub-6f*).
"""

from __future__ import annotations

import csv
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import ARTIFACTS, ROOT, require
from labdriver import (
    CHROMIUM,
    accept_kernel_dialog,
    browser_page,
    free_port,
    nbgrader_menu,
    run_all,
    stderr_texts,
    wait_until_run,
)

sys.path.insert(0, str(ROOT / "classroom"))
from leakscan import key_strings  # noqa: E402

pytestmark = [pytest.mark.xdist_group("classroom"), pytest.mark.timeout(900)]

SHOTS = ARTIFACTS / "classroom"
ASSIGNMENT = "ex1_simple_dense"
QUIZ = "quiz"  # the graded quiz: grading/source/quiz/quiz.ipynb, its 20 conceptual questions
INSTRUCTOR_TOOLS = {"Formgrader", "Create assignment", "Course List"}


def run(cmd, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, **kwargs)


class Classroom:
    def __init__(self, base: Path):
        suffix = secrets.token_hex(2)
        self.base = base
        self.prefix = base / "opt"
        self.exchange = base / "exchange"
        self.state = base / "hub"
        self.teacher, self.alice, self.bob = f"kc_t{suffix}", f"kc_a{suffix}", f"kc_b{suffix}"
        self.passwords = {name: secrets.token_urlsafe(10) for name in (self.teacher, self.alice, self.bob)}
        self.roster = base / "roster.csv"
        with open(self.roster, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["username", "role", "password"])
            writer.writerow([self.teacher, "instructor", self.passwords[self.teacher]])
            writer.writerow([self.alice, "student", self.passwords[self.alice]])
            writer.writerow([self.bob, "student", self.passwords[self.bob]])
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.hub: subprocess.Popen | None = None
        self.teacher_uid: int | None = None

    def course(self) -> Path:
        return Path(pwd.getpwnam(self.teacher).pw_dir) / "course"

    def as_user(self, name: str, cmd: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
        home = pwd.getpwnam(name).pw_dir
        env = ["env", "-i", f"HOME={home}", f"USER={name}", f"PATH={self.prefix}/venv/bin:/usr/bin:/bin",
               f"NBGRADER_EXCHANGE={self.exchange}",
               f"LD_LIBRARY_PATH={self.prefix}/python/lib",
               f"JUPYTER_CONFIG_PATH={self.prefix}/etc/{'instructor' if name == self.teacher else 'jupyter'}"]
        return run(["runuser", "-u", name, "--", *env, *cmd], cwd=cwd or home)

    def start_hub(self) -> None:
        env = {**os.environ, "CLASSROOM_PREFIX": str(self.prefix), "CLASSROOM_STATE": str(self.state),
               "CLASSROOM_PORT": str(self.port), "CLASSROOM_HUB_PORT": str(free_port()),
               "CLASSROOM_PROXY_API_PORT": str(free_port()), "CLASSROOM_ROSTER": str(self.roster),
               "CLASSROOM_EXCHANGE": str(self.exchange)}
        log = open(self.base / "hub.log", "w")
        self.hub = subprocess.Popen([str(ROOT / ".venv" / "bin" / "jupyterhub"), "-f",
                                     str(ROOT / "classroom" / "jupyterhub_config.py")],
                                    env=env, cwd=self.base, stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.hub.poll() is None, (self.base / "hub.log").read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"{self.url}/hub/api/", timeout=2):
                    return
            except OSError:
                time.sleep(0.5)
        raise TimeoutError((self.base / "hub.log").read_text()[-3000:])

    def stop_hub(self) -> None:
        if self.hub and self.hub.poll() is None:
            self.hub.send_signal(signal.SIGTERM)
            try:
                self.hub.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.hub.pid, signal.SIGKILL)
                self.hub.wait()

    def processes(self) -> list[str]:
        """Every process of the test's accounts, and any proxy or hub started with this test's port."""
        out = run(["ps", "-eo", "user:32,pid,args"]).stdout.splitlines()
        ours = (self.teacher, self.alice, self.bob)
        mine = (str(self.state), f"127.0.0.1:{self.port}", str(self.prefix))
        return [line for line in out[1:]
                if "ps -eo" not in line and (line.split()[0] in ours or any(m in line for m in mine))]


@pytest.fixture(scope="module")
def classroom(record_time):
    require(os.geteuid() == 0, "the classroom test creates Unix accounts: run as root (CI does)")
    require(Path(CHROMIUM).exists(), f"{CHROMIUM} missing (apt-get install chromium)")
    require(shutil.which("configurable-http-proxy") is not None,
            "configurable-http-proxy missing: bash classroom/ci-install.sh")
    require((ROOT / ".venv" / "bin" / "jupyterhub").exists(),
            "JupyterHub missing: bash classroom/ci-install.sh")
    base = Path(tempfile.mkdtemp(prefix="kc-classroom-"))
    base.chmod(0o755)
    room = Classroom(base)
    checkout_mode = ROOT.stat().st_mode & 0o777
    started = time.monotonic()
    try:
        result = run([sys.executable, str(ROOT / "classroom" / "install.py"), "--prefix", str(room.prefix),
                      "--exchange", str(room.exchange)])
        assert result.returncode == 0, result.stdout + result.stderr
        result = run([sys.executable, str(ROOT / "classroom" / "roster.py"), str(room.roster)])
        assert result.returncode == 0, result.stdout + result.stderr
        result = run([sys.executable, str(ROOT / "classroom" / "install.py"), "--only-course-folder",
                      "--instructor", room.teacher])
        assert result.returncode == 0, result.stdout + result.stderr
        room.teacher_uid = pwd.getpwnam(room.teacher).pw_uid
        record_time("classroom", "hub: install + accounts", time.monotonic() - started)
        yield room
    finally:
        room.stop_hub()
        run([sys.executable, str(ROOT / "classroom" / "roster.py"), str(room.roster), "--remove"])
        for cache in grading_caches(room):  # a later account with the same uid must not inherit the key
            shutil.rmtree(cache, ignore_errors=True)
        ROOT.chmod(checkout_mode)
        shutil.rmtree(base, ignore_errors=True)


def grading_caches(room: Classroom) -> list[Path]:
    """The instructor's grading-sandbox caches in /tmp (grading/sandbox.py, private_cache): the builds
    of `helpers` given to the kernels, one of them with the quiz key for the quiz's graded run."""
    if room.teacher_uid is None:
        return []
    return [path for path in Path("/tmp").glob("nbgrader-sandbox-*")
            if path.is_dir() and not path.is_symlink() and path.stat().st_uid == room.teacher_uid]


def login(page, room: Classroom, name: str) -> float:
    started = time.monotonic()
    page.goto(f"{room.url}/hub/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", room.passwords[name])
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_selector(".lm-MenuBar-itemLabel:text-is('Nbgrader')", timeout=120_000)
    return time.monotonic() - started


def nbgrader_command(page, command: str) -> None:
    """Click an entry of the Nbgrader menu. On a loaded machine the menu sometimes closes before the
    click lands (or never renders the entry): open it once more."""
    from playwright.sync_api import TimeoutError as Missed

    for attempt in (1, 2):
        page.click(".lm-MenuBar-itemLabel:text-is('Nbgrader')")
        try:
            page.click(f"li.lm-Menu-item[data-command='{command}']", timeout=30_000)
            return
        except Missed:
            if attempt == 2:
                raise
            shot(page, f"0-menu-retry-{command.split(':')[-1]}")
            page.keyboard.press("Escape")


def open_assignments(page) -> None:
    """Nbgrader > Assignment List; bring its tab to the front if it opened behind the notebook."""
    from playwright.sync_api import TimeoutError as Hidden

    accept_kernel_dialog(page)
    nbgrader_command(page, "nbgrader:open-assignment-list")
    try:
        page.wait_for_selector("text=Released assignments", timeout=15_000)
    except Hidden:
        shot(page, "0-assignments-hidden")
        page.click(".lm-TabBar-tab:has-text('Assignment')")
        page.wait_for_selector("text=Released assignments", timeout=30_000)


def list_button(page, section: str, assignment: str, label: str):
    """The `label` button on `assignment`'s row of the Assignments tab's `section` list (released,
    fetched, submitted): with two assignments each list may hold both."""
    return page.locator(f"#{section}_assignments_list .list_item:has(.item_name:has-text('{assignment}')) "
                        f"button:has-text('{label}')").first


def open_formgrader(page):
    """Nbgrader > Formgrader: its pages load in an iframe inside JupyterLab."""
    nbgrader_command(page, "nbgrader:open-formgrader")
    grader = page.frame_locator("#formgrader-iframe iframe")
    try:
        grader.locator(f"td.name:has-text('{ASSIGNMENT}')").wait_for(timeout=60_000)
    except Exception:
        shot(page, "formgrader-not-ready")
        raise
    return grader


def row_link(grader, column: str, assignment: str = ASSIGNMENT):
    """The link in `column` (Formgrader's cell class) of the assignment's row."""
    return grader.locator(f"tr:has(td.name:has-text('{assignment}')) td.{column} a")


def formgrader_step(page, grader, link, expected: str, step: str) -> None:
    """Click a Formgrader action; wait for its result dialog, check it, close it."""
    link.click()
    dialog = grader.locator("#success-modal, #error-modal")
    dialog.wait_for(timeout=240_000)
    text = dialog.inner_text()
    page.wait_for_timeout(600)  # Bootstrap's fade-in, for a readable screenshot
    shot(page, step)
    assert expected in text, f"{step}: {text[-3000:]}"
    dialog.locator(".modal-footer button.close").click()
    dialog.wait_for(state="detached", timeout=30_000)


def solutions() -> list[str]:
    """The reference solution cells of ex1, markers removed (what student A types)."""
    import nbformat

    notebook = nbformat.read(ROOT / "grading" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    cells = [c.source for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution")]
    return ["\n".join(line for line in cell.splitlines() if "### BEGIN SOLUTION" not in line
                      and "### END SOLUTION" not in line) for cell in cells]


# Student B's answer also displays HTML with a script and an onerror handler: if either ran in a page
# the course renders, it would mark the page (and log to the console).
HOSTILE_HTML = (
    '<b class="kc-student-html">student html</b>'
    '<script>document.documentElement.dataset.kcScript = "ran"; console.log("KC-SCRIPT-RAN")</script>'
    '<img src="/kc-no-such-image.png" onerror="document.documentElement.dataset.kcOnerror = \'ran\'; '
    'console.log(\'KC-ONERROR-RAN\')">'
)
WRONG = [f"from IPython.display import HTML, display\ndisplay(HTML({HOSTILE_HTML!r}))\n\n"
         "class SimpleDense(keras.layers.Layer):\n    pass\n", "def fit_line(xs, ys):\n    return None\n"]


def open_inert(page, url: str, where: str) -> None:
    """Open `url`: the student's HTML is on the page (its text), and neither its script nor its
    onerror handler ran (each would have marked the page and logged to the console)."""
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(url)
    page.wait_for_selector("text=student html", timeout=30_000)
    page.wait_for_timeout(2000)  # the image's error event, had the handler survived
    marks = page.evaluate("() => [document.documentElement.dataset.kcScript || null, "
                          "document.documentElement.dataset.kcOnerror || null]")
    assert marks == [None, None], f"{where}: student HTML ran (script, onerror): {marks}"
    assert not [line for line in console if line.startswith("KC-")], f"{where}: {console}"


# ---------------------------------------------------------------- the graded quiz
def quiz_key() -> dict[int, frozenset[str]]:
    """The correct letters per question, read from the checkout's key in the test process (root)."""
    raw = json.loads((ROOT / "helpers" / "quiz" / "key.json").read_text(encoding="utf-8"))
    return {q["id"]: frozenset(letter for letter, option in q["options"].items() if option["correct"])
            for q in raw["questions"]}


def quiz_rule() -> str:
    questions = json.loads((ROOT / "helpers" / "quiz" / "questions.json").read_text(encoding="utf-8"))
    return questions["scoring"]["rule"]


def sheet_score(sheet: dict[int, str], key: dict[int, frozenset[str]], rule: str) -> Fraction:
    """A sheet's total worked out here from docs/quiz.md's scoring rule, not by the course's grader:
    case, spaces and , ; / + are ignored; a letter other than A-D makes the answer unreadable (0);
    net: max(0, (right - wrong) / number of correct letters); all_or_nothing: 1 for the exact set."""
    total = Fraction(0)
    for qid, answer in sheet.items():
        letters = "".join(ch for ch in answer if ch not in " ,;/+").upper()
        picked, correct = frozenset(letters), key[qid]
        if not picked or not picked <= frozenset("ABCD"):
            continue
        if rule == "all_or_nothing":
            total += picked == correct
        else:
            assert rule == "net", rule
            total += max(Fraction(0), Fraction(len(picked & correct) - len(picked - correct), len(correct)))
    return total


# Student B's quiz sheet: three right (one in lower case), two half right (one letter of two; two right
# and one wrong), one 2/3 (two of three), three that score 0 (right and wrong letter cancel, a wrong
# letter, "a, b" against A), one unreadable ("AX": the format check names it, the grader records 0),
# ten left blank. With today's key (1 AB, 2 B, 3 B, 4 AC, 5 B, 6 AC, 7 A, 8 A, 20 ABD) that is
# 3 + 1/2 + 1/2 + 2/3 = 14/3; the test computes it from the key (sheet_score).
QUIZ_B = {1: "AB", 2: "B", 3: "b", 4: "A", 5: "BC", 6: "ACD", 7: "C", 8: "a, b", 10: "AX", 20: "AB"}


def take_quiz(page, room: Classroom, name: str, sheet: dict[int, str]) -> str:
    """In the notebook editor: open the fetched quiz, write `sheet`'s letters between the quotes of the
    answer cells (the others stay ""), run every cell in the student's kernel (whose `helpers` has no
    key), save (Ctrl+S). Returns the output of the last cell, the format check; no cell shows an error."""
    page.goto(f"{room.url}/user/{name}/lab/workspaces/quiz/tree/{QUIZ}/{QUIZ}.ipynb?reset")
    page.wait_for_selector(".jp-Notebook .jp-CodeCell .cm-content >> visible=true", timeout=60_000)
    accept_kernel_dialog(page)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle'] >> visible=true",
                           timeout=60_000)
    cells = page.evaluate("""sheet => {
        let cells = 0;
        for (const e of document.querySelectorAll('.jp-Notebook .jp-CodeCell .cm-content')) {
            const view = e.cmView.view;
            const found = view.state.doc.toString().match(/^answer_(\\d+) = ""$/m);
            if (!found) continue;
            cells += 1;
            if (!(found[1] in sheet)) continue;
            const from = found.index + found[0].length - 2;
            view.dispatch({changes: {from, to: from + 2, insert: JSON.stringify(sheet[found[1]])}});
        }
        return cells;
    }""", {str(qid): letters for qid, letters in sheet.items()})
    assert cells == 20, f"{cells} answer cells in the fetched quiz"
    run_all(page)
    wait_until_run(page, 120)
    errors = stderr_texts(page)
    assert not errors, f"the quiz shows errors in {name}'s kernel: {errors}"
    check = page.locator(".jp-Notebook .jp-CodeCell").last
    check.scroll_into_view_if_needed()
    report = check.locator(".jp-OutputArea").first.inner_text()
    page.click(".jp-Notebook >> visible=true")
    page.keyboard.press("Control+s")
    fetched = Path(pwd.getpwnam(name).pw_dir) / QUIZ / f"{QUIZ}.ipynb"
    wanted = {f"answer_{qid} = {json.dumps(sheet.get(qid, ''))}" for qid in range(1, 21)}
    deadline = time.monotonic() + 30
    while True:
        try:
            sources = {"".join(c["source"]).splitlines()[-1] for c in json.loads(fetched.read_text())["cells"]
                       if "quiz-answer" in c["metadata"].get("tags", [])}
        except (ValueError, IndexError):  # caught mid-write
            sources = set()
        if sources == wanted:
            return report
        assert time.monotonic() < deadline, f"the quiz was not saved as answered: {sorted(sources ^ wanted)}"
        time.sleep(0.5)


def submission_view_url(room: Classroom, student: str) -> str:
    """Formgrader's view of `student`'s autograded notebook (the page an instructor grades by hand)."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{room.course() / 'gradebook.db'}", "keras3-layers") as gb:
        notebook = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
        return f"{room.url}/user/{room.teacher}/formgrader/submissions/{notebook.id}/"


def render_every_cell(room: Classroom, name: str) -> None:
    """JupyterLab's notebook windowing off for this account, so every cell's editor exists."""
    user = pwd.getpwnam(name)
    folder = Path(user.pw_dir) / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "notebook-extension"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    for path in [Path(user.pw_dir) / ".jupyter", *(Path(user.pw_dir) / ".jupyter").rglob("*")]:
        os.chown(path, user.pw_uid, user.pw_gid)


def write_answers(page, room: Classroom, name: str, answers: list[str]) -> None:
    """In the notebook editor: replace each `YOUR CODE HERE` cell's text, then save (Ctrl+S)."""
    page.goto(f"{room.url}/user/{name}/lab/workspaces/answer/tree/{ASSIGNMENT}/{ASSIGNMENT}.ipynb?reset")
    page.wait_for_selector(".jp-Notebook .jp-CodeCell .cm-content >> visible=true", timeout=60_000)
    accept_kernel_dialog(page)
    replaced = page.evaluate("""answers => {
        const editors = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .cm-content')]
            .filter(e => e.offsetParent)
            .filter(e => e.textContent.includes('YOUR CODE HERE'));
        editors.forEach((e, i) => {
            const view = e.cmView.view;
            view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: answers[i]}});
        });
        return editors.length;
    }""", answers)
    assert replaced == len(answers), f"{replaced} answer cells in the fetched notebook"
    page.click(".jp-Notebook >> visible=true")
    page.keyboard.press("Control+s")
    page.wait_for_timeout(1500)
    fetched = Path(pwd.getpwnam(name).pw_dir) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    deadline = time.monotonic() + 30
    while answers[0].splitlines()[0] not in fetched.read_text() or "YOUR CODE HERE" in fetched.read_text():
        assert time.monotonic() < deadline, "the notebook was not saved"
        time.sleep(0.5)


MEASURE = os.environ.get("CLASSROOM_MEASURE") == "1"  # `make classroom-measure`: docs/classroom.md figures


def measure_memory(page, room: Classroom, name: str, record_time) -> None:
    """Run notebook 01 to the end in `name`'s server; record the memory of that account's processes."""
    page.goto(f"{room.url}/user/{name}/lab/workspaces/measure/tree/keras-course/notebooks/"
              "01_layer_base.ipynb?reset")
    page.wait_for_selector(".jp-Notebook .jp-CodeCell >> visible=true", timeout=60_000)
    accept_kernel_dialog(page)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle'] >> visible=true",
                           timeout=60_000)
    started = time.monotonic()
    page.click(".lm-MenuBar-itemLabel:text-is('Run')")
    page.click("li.lm-Menu-item[data-command='runmenu:run-all']")
    while True:
        time.sleep(2)
        prompts = page.eval_on_selector_all(".jp-CodeCell .jp-InputPrompt",
                                            "els => els.filter(e => e.offsetParent).map(e => e.textContent)")
        if prompts and all(p.strip() not in ("[*]:", "[ ]:", "") for p in prompts):
            break
        assert time.monotonic() - started < 600, "notebook 01 did not finish in 10 min"
    record_time("classroom", "hub: notebook 01 run all (measure)", time.monotonic() - started)
    rows = run(["ps", "-u", name, "-o", "rss=,pss=,args="]).stdout.splitlines()
    kernel = max((r for r in rows if "ipykernel" in r), key=lambda r: int(r.split()[0]))
    for label, row_set in (("all processes", rows), ("notebook 01 kernel", [kernel])):
        rss = sum(int(r.split()[0]) for r in row_set) / 1024
        pss = sum(int(r.split()[1]) for r in row_set) / 1024
        record_time("classroom memory in MB (not seconds)", f"{label} RSS", rss)
        record_time("classroom memory in MB (not seconds)", f"{label} PSS", pss)
    shot(page, "0-measure-notebook-01")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"hub-{name}.png"))


def test_classroom_hub(classroom: Classroom, record_time):
    room = classroom
    course = room.course()
    assert course.stat().st_uid == pwd.getpwnam(room.teacher).pw_uid
    assert course.stat().st_mode & 0o777 == 0o700
    assert room.exchange.stat().st_uid == 0 and room.exchange.stat().st_mode & 0o7777 == 0o1777

    # The graded quiz: A answers all 20 from the key, B the sheet QUIZ_B; the totals by the scoring rule.
    key, student_build_key = quiz_key(), room.prefix / "course" / "helpers" / "quiz" / "key.json"
    assert not student_build_key.exists(), "the student build holds the quiz key"
    sheets = {room.alice: {qid: "".join(sorted(letters)) for qid, letters in key.items()}, room.bob: QUIZ_B}
    quiz_expected = {name: sheet_score(sheet, key, quiz_rule()) for name, sheet in sheets.items()}
    assert quiz_expected[room.alice] == 20
    quiz_seconds = 0.0  # the quiz's share of the run: its release, the two students' turns, its grading

    # The instructor logs in and releases ex1 and the quiz from Formgrader: generate the student
    # version, release it.
    room.start_hub()
    with browser_page() as page:
        record_time("classroom", "hub: instructor login to ready server", login(page, room, room.teacher))
        assert INSTRUCTOR_TOOLS <= nbgrader_menu(page)
        shot(page, "0-instructor-login")
        grader = open_formgrader(page)
        formgrader_step(page, grader, row_link(grader, "assign"), "Successfully created the student version",
                        "0a-formgrader-generate")
        formgrader_step(page, grader, row_link(grader, "release"), f"Successfully released '{ASSIGNMENT}'",
                        "0b-formgrader-release")
        started = time.monotonic()
        formgrader_step(page, grader, row_link(grader, "assign", QUIZ),
                        "Successfully created the student version", "0c-formgrader-generate-quiz")
        formgrader_step(page, grader, row_link(grader, "release", QUIZ), f"Successfully released '{QUIZ}'",
                        "0d-formgrader-release-quiz")
        quiz_seconds += time.monotonic() - started

    for name, answers, tag in ((room.alice, solutions(), "a"), (room.bob, WRONG, "b")):
        render_every_cell(room, name)
        with browser_page() as page:
            ready = login(page, room, name)
            record_time("classroom", f"hub: student {tag} login to ready server", ready)
            assert "/keras-course/notebooks/00_index.ipynb" in page.url
            menu = nbgrader_menu(page)
            assert "Assignment List" in menu and not menu & INSTRUCTOR_TOOLS, menu
            shot(page, f"1{tag}-student-login")
            if MEASURE and tag == "a":
                measure_memory(page, room, name, record_time)
                page.goto(f"{room.url}/user/{name}/lab/workspaces/auto-a/tree/keras-course?reset")
                page.wait_for_selector(".lm-MenuBar-itemLabel:text-is('Nbgrader')", timeout=60_000)
            open_assignments(page)
            page.wait_for_selector(f"#released_assignments_list >> text={ASSIGNMENT}", timeout=60_000)
            shot(page, f"2{tag}-student-released")
            list_button(page, "released", ASSIGNMENT, "Fetch").click()
            page.wait_for_selector(f"#fetched_assignments_list >> text={ASSIGNMENT}", timeout=60_000)
            shot(page, f"3{tag}-student-fetched")
            write_answers(page, room, name, answers)
            shot(page, f"4{tag}-student-answered")
            open_assignments(page)
            list_button(page, "fetched", ASSIGNMENT, "Submit").click()
            page.wait_for_selector(f"#submitted_assignments_list >> text={ASSIGNMENT}", timeout=60_000)
            shot(page, f"5{tag}-student-submitted")

            # The quiz, in the same session: fetch, answer, run the format check (no key here), submit.
            started = time.monotonic()
            list_button(page, "released", QUIZ, "Fetch").click()
            page.wait_for_selector(f"#fetched_assignments_list .item_name:has-text('{QUIZ}')", timeout=60_000)
            shot(page, f"5{tag}1-quiz-fetched")
            report = take_quiz(page, room, name, sheets[name])
            shot(page, f"5{tag}2-quiz-format-check")
            # The format check read the question numbers from the questions file alone (no key in this
            # kernel): A's twenty are all answered; B's "AX" is the one to fix, the ten blanks counted.
            expected_report = (["20 answered, 0 blank, 0 to fix."] if name == room.alice else
                               ["answer_10: 'AX' contains 'X': use only the letters A, B, C, D",
                                "9 answered, 10 blank, 1 to fix."])
            assert [line.strip() for line in report.splitlines() if line.strip()] == expected_report, report
            open_assignments(page)
            list_button(page, "fetched", QUIZ, "Submit").click()
            page.wait_for_selector(f"#submitted_assignments_list .item_name:has-text('{QUIZ}')",
                                   timeout=60_000)
            shot(page, f"5{tag}3-quiz-submitted")
            quiz_seconds += time.monotonic() - started

    # The instructor grades in Formgrader: collect, autograde each submission (in the grading sandbox,
    # with rlimits: the instructor is not root), generate and release the feedback.
    started = time.monotonic()
    with browser_page() as page:
        login(page, room, room.teacher)
        grader = open_formgrader(page)
        formgrader_step(page, grader, row_link(grader, "collect"), "Successfully collected submissions",
                        "6a-formgrader-collect")
        row_link(grader, "num-submissions").click()
        for name, tag in ((room.alice, "a"), (room.bob, "b")):
            autograde = grader.locator(f"tr:has(td.student-id:text-is('{name}')) td.autograde a")
            formgrader_step(page, grader, autograde, f"Successfully autograded '{ASSIGNMENT}' for student",
                            f"6b{tag}-formgrader-autograde")
        grader.locator("a:text-is('Manage Assignments')").click()
        for column, expected, step in (
            ("generate-feedback", "Successfully generated feedback", "6c-formgrader-feedback"),
            ("release-feedback", "Successfully released feedback", "6d-formgrader-release-feedback"),
        ):
            formgrader_step(page, grader, row_link(grader, column), expected, step)
        ex1_seconds = time.monotonic() - started
        # The quiz: collect, autograde each (its kernels get the key from ~/course/quiz_key.json).
        started = time.monotonic()
        formgrader_step(page, grader, row_link(grader, "collect", QUIZ), "Successfully collected submissions",
                        "6e-formgrader-quiz-collect")
        row_link(grader, "num-submissions", QUIZ).click()
        for name, tag in ((room.alice, "a"), (room.bob, "b")):
            autograde = grader.locator(f"tr:has(td.student-id:text-is('{name}')) td.autograde a")
            formgrader_step(page, grader, autograde, f"Successfully autograded '{QUIZ}' for student",
                            f"6f{tag}-formgrader-quiz-autograde")
        # What the instructor sees: each score, rounded to 2 decimals by Formgrader (A 20, B 4.67).
        from playwright.sync_api import expect

        for name, total in quiz_expected.items():
            expect(grader.locator(f"tr:has(td.student-id:text-is('{name}')) td.score")).to_have_text(
                f"{round(float(total), 2):g} / 20", timeout=30_000)
        shot(page, "6fc-formgrader-quiz-scores")
        quiz_seconds += time.monotonic() - started
        # The instructor opens B's submission in Formgrader: B's HTML shows, inert.
        open_inert(page, submission_view_url(room, room.bob), "Formgrader's submission view")
        shot(page, "6g-formgrader-submission-view")
    record_time("classroom", "hub: Formgrader collect + autograde 2 + feedback", ex1_seconds)
    assert (course / "submitted" / room.alice / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()
    hub_log = (room.base / "hub.log").read_text()
    assert "sandbox: bwrap, rlimits memory" in hub_log, "Formgrader's autograde did not use the sandbox"

    # The whole-class path the docs give the instructor: the intake, the sandbox, the report.
    batch = room.as_user(room.teacher, ["python", "intake.py", "autograde", "--jobs", "2", "--report",
                                        "report.csv", "--", "nbgrader", "autograde", ASSIGNMENT, "--force"],
                         cwd=course)
    assert batch.returncode == 0, batch.stdout[-3000:] + batch.stderr[-3000:]
    assert "sandbox: bubblewrap works; every student kernel runs sandboxed (rlimit" in batch.stdout
    with open(course / "report.csv", newline="") as handle:
        scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    assert scores == {room.alice: 10.0, room.bob: 0.0}, batch.stdout[-3000:]

    # The quiz's scores in the gradebook (Formgrader's autograde), exactly the totals worked out above:
    # A's 20 shows the key reached the grading kernels, B's the rule's partial credit.
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "keras3-layers") as gb:
        graded = {name: gb.find_submission(QUIZ, name) for name in sheets}
        quiz_scores = {name: (submission.score, submission.max_score) for name, submission in graded.items()}
    for name, total in quiz_expected.items():
        assert quiz_scores[name] == (pytest.approx(float(total), abs=1e-9), 20.0), (name, quiz_scores, total)
    # The key reached them through the instructor's private grading cache only; B cannot read it.
    keyed = [path for cache in grading_caches(room) for path in cache.glob("helpers-key-*/quiz/key.json")]
    assert keyed, "no quiz kernel got the key (grading/sandbox.py, helpers_with_key)"
    for cache in grading_caches(room):
        assert cache.stat().st_mode & 0o077 == 0, f"{cache} is open to other accounts"
    for path in [*keyed, course / "quiz_key.json"]:
        denied = room.as_user(room.bob, ["cat", str(path)])
        assert denied.returncode != 0 and "Permission denied" in denied.stderr, f"{room.bob} can read {path}"
    # No key string in what students got: the released quiz (course and exchange), each fetched copy.
    handed_out = [course / "release" / QUIZ / f"{QUIZ}.ipynb",
                  room.exchange / "keras3-layers" / "outbound" / QUIZ / f"{QUIZ}.ipynb",
                  *(Path(pwd.getpwnam(name).pw_dir) / QUIZ / f"{QUIZ}.ipynb" for name in sheets)]
    for path in handed_out:
        text = path.read_text(encoding="utf-8")
        assert not [needle for needle in key_strings() if needle in text], f"{path} holds a key string"
    assert not student_build_key.exists(), "grading put the quiz key into the student build"

    # The whole-class commands of docs/quiz.md as the instructor, in the course folder: the batch
    # autograde with its report, the export, the cross-check (the answer cells read with the private key).
    started = time.monotonic()
    batch = room.as_user(room.teacher, ["python", "intake.py", "autograde", "--jobs", "2", "--report",
                                        "quiz_report.csv", "--", "nbgrader", "autograde", QUIZ, "--force"],
                         cwd=course)
    assert batch.returncode == 0, batch.stdout[-3000:] + batch.stderr[-3000:]
    with open(course / "quiz_report.csv", newline="") as handle:
        scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    assert scores == pytest.approx({name: float(total) for name, total in quiz_expected.items()}, abs=1e-9), \
        batch.stdout[-3000:]
    export = room.as_user(room.teacher, ["nbgrader", "export", "--to", "grades.csv"], cwd=course)
    assert export.returncode == 0, export.stdout[-3000:] + export.stderr[-3000:]
    check = room.as_user(room.teacher, ["python", "-m", "helpers.quiz.batch", "submitted", "--nbgrader",
                                        "--key", "quiz_key.json", "--out", "check.csv", "--compare",
                                        "grades.csv"], cwd=course)
    assert check.returncode == 0 and "0 mismatch(es)" in check.stdout, check.stdout + check.stderr
    quiz_seconds += time.monotonic() - started
    record_time("classroom", "hub: quiz release+take+autograde", quiz_seconds)

    for name, expected, tag in ((room.alice, "10.0", "a"), (room.bob, "0.0", "b")):
        with browser_page() as page:
            login(page, room, name)
            open_assignments(page)
            list_button(page, "submitted", ASSIGNMENT, "Fetch Feedback").click()
            feedback = Path(pwd.getpwnam(name).pw_dir) / ASSIGNMENT / "feedback"
            deadline = time.monotonic() + 60
            while not list(feedback.glob(f"*/{ASSIGNMENT}.html")):
                assert time.monotonic() < deadline, f"no feedback fetched for {name}"
                time.sleep(0.5)
            html_file = next(feedback.glob(f"*/{ASSIGNMENT}.html"))
            url = f"{room.url}/user/{name}/files/{html_file.relative_to(pwd.getpwnam(name).pw_dir)}"
            if name == room.bob:
                open_inert(page, url, "B's feedback page")
            else:
                page.goto(url)
            page.wait_for_selector("text=Score", timeout=30_000)
            shot(page, f"7{tag}-student-feedback")
            text = page.inner_text("body")
        assert f"Score: {expected} / 10.0" in text, text[:500]

    # What student B can reach: not A's home, not A's submission, not the instructor's course.
    inbound = room.exchange / "keras3-layers" / "inbound"
    submission = next(p for p in inbound.iterdir() if p.name.startswith(f"{room.alice}+"))
    # nbgrader's exchange: inbound is write-only for students (1733) and each submission folder ends in
    # a random 12-character string, so B cannot find A's submission (knowing its exact name, B could
    # read it: that is nbgrader's design, see docs/classroom.md).
    assert len(submission.name.rsplit("+", 1)[1]) >= 12
    found = room.as_user(room.bob, ["find", str(room.exchange)])
    assert room.alice not in found.stdout, found.stdout
    for path in (Path(pwd.getpwnam(room.alice).pw_dir) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                 Path(pwd.getpwnam(room.alice).pw_dir) / QUIZ / f"{QUIZ}.ipynb",
                 course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                 course / "gradebook.db", ROOT / "helpers" / "quiz" / "key.json"):
        denied = room.as_user(room.bob, ["cat", str(path)])
        assert denied.returncode != 0 and "Permission denied" in denied.stderr, f"{room.bob} can read {path}"
    assert room.as_user(room.bob, ["ls", str(inbound)]).returncode != 0, "B can list the inbound folder"

    # Search everything B can read there for solutions, hidden tests and the key (positive control first).
    started = time.monotonic()
    needles = room.base / "needles.txt"
    result = run([sys.executable, str(ROOT / "classroom" / "leakscan.py"), "needles", str(needles),
                  str(ROOT / ".venv")])
    assert result.returncode == 0, result.stderr
    needles.chmod(0o644)
    control = run(["grep", "-rlF", "-f", str(needles), str(ROOT / "grading" / "source"),
                   str(ROOT / "helpers" / "quiz" / "key.json")]).stdout
    assert "key.json" in control and f"{ASSIGNMENT}.ipynb" in control, control
    scan = room.as_user(room.bob, ["grep", "-rlF", "--no-messages", "-f", str(needles), str(room.prefix),
                                   str(room.exchange), "/home", str(ROOT)])
    record_time("classroom", "hub: key/solution search as a student", time.monotonic() - started)
    # grep exits 2 when some files were unreadable (they are skipped, as intended); a hit prints its file.
    assert room.as_user(room.bob, ["grep", "-c", "", str(needles)]).stdout.strip() == str(len(
        needles.read_text().splitlines())), "B cannot read the needle list: the search would prove nothing"
    assert scan.returncode in (1, 2) and not scan.stdout, f"a student can read secrets in:\n{scan.stdout}"

    room.stop_hub()
    time.sleep(2)
    assert not room.processes(), "left running after the hub stopped:\n" + "\n".join(room.processes())
    result = run([sys.executable, str(ROOT / "classroom" / "roster.py"), str(room.roster), "--remove"])
    assert result.returncode == 0, result.stderr
    for name in (room.teacher, room.alice, room.bob):
        with pytest.raises(KeyError):
            pwd.getpwnam(name)

"""The classroom hub end to end: real Unix accounts, PAM login, LocalProcessSpawner, nbgrader's exchange.

As root (CI is): install the student environment into a temporary prefix (classroom/install.py), create
an instructor and two students (classroom/roster.py), start JupyterHub + configurable-http-proxy on a
free port (classroom/jupyterhub_config.py). The instructor logs in and, in Formgrader (Chromium),
generates and releases ex1; student A logs in, sees the student view, fetches ex1 from the Assignments
tab, writes the solution in the notebook editor and submits; student B submits a wrong answer; the
instructor, in Formgrader, collects, autogrades each submission (through the grading sandbox, with
rlimits since the instructor is not root), generates and releases feedback; each student fetches it
in the browser and sees their own score. B's answer displays HTML with a `<script>` and an `onerror`
handler: the instructor's Formgrader view of B's submission and B's feedback page show its text, and
neither ran. Then, as student B: no access to A's home, the instructor's source/ or gradebook; A's submission
cannot be found in the exchange; a search of every file B can read under the student environment, the
exchange, /home and the checkout finds no solution line, hidden-test line or quiz-key string
(classroom/leakscan.py). Finally the hub stops: no hub, proxy or single-user process remains; the
accounts are removed. Screenshots: test-artifacts/classroom/hub-*.png.
"""

from __future__ import annotations

import csv
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
from pathlib import Path

import pytest
from conftest import ARTIFACTS, ROOT, require
from labdriver import CHROMIUM, accept_kernel_dialog, browser_page, free_port, nbgrader_menu

pytestmark = [pytest.mark.xdist_group("classroom"), pytest.mark.timeout(900)]

SHOTS = ARTIFACTS / "classroom"
ASSIGNMENT = "ex1_simple_dense"
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
        record_time("classroom", "hub: install + accounts", time.monotonic() - started)
        yield room
    finally:
        room.stop_hub()
        run([sys.executable, str(ROOT / "classroom" / "roster.py"), str(room.roster), "--remove"])
        ROOT.chmod(checkout_mode)
        shutil.rmtree(base, ignore_errors=True)


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


def row_link(grader, column: str):
    """The link in `column` (Formgrader's cell class) of the assignment's row."""
    return grader.locator(f"tr:has(td.name:has-text('{ASSIGNMENT}')) td.{column} a")


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

    # The instructor logs in and releases ex1 from Formgrader: generate the student version, release it.
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
            page.click("#released_assignments_list button:has-text('Fetch')")
            page.wait_for_selector(f"#fetched_assignments_list >> text={ASSIGNMENT}", timeout=60_000)
            shot(page, f"3{tag}-student-fetched")
            write_answers(page, room, name, answers)
            shot(page, f"4{tag}-student-answered")
            open_assignments(page)
            page.click("#fetched_assignments_list button:has-text('Submit')")
            page.wait_for_selector(f"#submitted_assignments_list >> text={ASSIGNMENT}", timeout=60_000)
            shot(page, f"5{tag}-student-submitted")

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
        # The instructor opens B's submission in Formgrader: B's HTML shows, inert.
        open_inert(page, submission_view_url(room, room.bob), "Formgrader's submission view")
        shot(page, "6e-formgrader-submission-view")
    record_time("classroom", "hub: Formgrader collect + autograde 2 + feedback", time.monotonic() - started)
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

    for name, expected, tag in ((room.alice, "10.0", "a"), (room.bob, "0.0", "b")):
        with browser_page() as page:
            login(page, room, name)
            open_assignments(page)
            page.click("#submitted_assignments_list button:has-text('Fetch Feedback')")
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

"""The classroom without a hub: student and instructor views in Chromium, the student build, the roster.

The hub itself (accounts, PAM login, exchange, the "no key readable" scan) is tests/test_classroom_hub.py.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import ARTIFACTS, ROOT, dead_links, require
from labdriver import CHROMIUM, browser_page, free_port, nbgrader_menu, wait_for_server

pytestmark = pytest.mark.xdist_group("classroom")

sys.path.insert(0, str(ROOT / "classroom"))
import roster  # noqa: E402
import student_build  # noqa: E402

VIEWS = ROOT / "classroom" / "views"
SHOTS = ARTIFACTS / "classroom"
INSTRUCTOR_TOOLS = {"Formgrader", "Create assignment", "Course List"}


# --- the two views ---------------------------------------------------------------------------------

def open_view(tmp_path: Path, view: str, root_dir: Path):
    port, token = free_port(), secrets.token_hex(16)
    config_path = str(VIEWS / view)
    if view == "student":  # as on a hub: an exchange exists, so the view offers the Assignments panel
        exchange, config = tmp_path / "exchange", tmp_path / "nbgrader-config"
        exchange.mkdir()
        config.mkdir()
        (config / "nbgrader_config.py").write_text(
            f"c = get_config()  # noqa: F821\nc.Exchange.root = {str(exchange)!r}\n")
        config_path += os.pathsep + str(config)
    env = {**os.environ, "JUPYTER_CONFIG_PATH": config_path,
           "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / view),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / f"{view}-workspaces")}
    log = open(tmp_path / f"{view}.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root_dir}", "--allow-root",
         "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root_dir)
    wait_for_server(f"http://127.0.0.1:{port}/api/status?token={token}", process)
    return process, f"http://127.0.0.1:{port}", token


def stop(process: subprocess.Popen) -> None:
    """Stop the server; a kernel it started may make a polite shutdown slow on a busy machine."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


@pytest.mark.parametrize("view", ["student", "instructor"])
def test_view_in_chromium(tmp_path, view, record_time):
    """Student view: notebooks and the Assignments tab only; instructor view: every nbgrader tool."""
    require(Path(CHROMIUM).exists(), f"{CHROMIUM} missing (apt-get install chromium)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    process, base, token = open_view(tmp_path, view, ROOT / "grading" if view == "instructor" else ROOT)
    try:
        with browser_page() as page:
            page.goto(f"{base}/lab/tree/notebooks/00_index.ipynb?token={token}" if view == "student"
                      else f"{base}/lab?token={token}")
            page.wait_for_selector(".lm-MenuBar-itemLabel:text-is('Nbgrader')", timeout=60_000)
            menu = nbgrader_menu(page)
            page.click(".lm-MenuBar-itemLabel:text-is('Nbgrader')")
            page.click("li.lm-Menu-item[data-command='nbgrader:open-assignment-list']")
            page.wait_for_selector("text=Released assignments", timeout=30_000)
            page.screenshot(path=str(SHOTS / f"view-{view}.png"))
            news_prompt = page.locator("text=official Jupyter news").count()
            formgrader = page.request.get(f"{base}/formgrader?token={token}").status
            disabled = page.evaluate(
                "JSON.parse(document.getElementById('jupyter-config-data').textContent).disabledExtensions")
    finally:
        stop(process)
    record_time("classroom", f"view {view} (lab start + browser)", time.monotonic() - started)
    assert "Assignment List" in menu
    assert "@jupyterlab/apputils-extension:announcements" in disabled and news_prompt == 0
    if view == "student":
        assert not menu & INSTRUCTOR_TOOLS, f"student view shows instructor tools: {menu & INSTRUCTOR_TOOLS}"
        assert formgrader == 404, "the Formgrader server extension must not load in the student view"
        assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                "@jupyter/nbgrader:course-list"} <= set(disabled)
    else:
        assert INSTRUCTOR_TOOLS <= menu, f"instructor view lacks {INSTRUCTOR_TOOLS - menu}"
        assert formgrader == 200
        assert not [name for name in disabled if "nbgrader" in name]


def test_make_lab_uses_the_student_view():
    dry = subprocess.run(["make", "-n", "-o", ".venv/.installed", "lab"], cwd=ROOT, capture_output=True,
                         text=True, env={k: v for k, v in os.environ.items() if k != "JUPYTER_CONFIG_PATH"})
    assert f"JUPYTER_CONFIG_PATH={VIEWS / 'student'} " in dry.stdout, dry.stdout + dry.stderr
    dry = subprocess.run(["make", "-n", "-o", ".venv/.installed", "instructor"], cwd=ROOT,
                         capture_output=True, text=True)
    assert f"JUPYTER_CONFIG_PATH={VIEWS / 'instructor'} " in dry.stdout, dry.stdout + dry.stderr


# --- the student build -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("student") / "course"
    student_build.build(out)
    return out


def test_student_build_has_no_key_solutions_or_hidden_tests(build):
    files = {p.relative_to(build).as_posix() for p in build.rglob("*") if p.is_file()}
    assert "helpers/quiz/key.json" not in files
    assert not [f for f in files if f.startswith("grading/") or "keras3_review" in f or "/src/" in f]
    assert {f"notebooks/{p.name}" for p in (ROOT / "notebooks").glob("*.ipynb")} <= files
    # By construction: the questions file is copied as it is (nothing filtered out of it).
    questions = "helpers/quiz/questions.json"
    assert (build / questions).read_bytes() == (ROOT / questions).read_bytes()
    for path in build.rglob("*"):
        assert path.stat().st_mode & 0o004, f"{path} is not readable by other accounts"
        assert not path.stat().st_mode & 0o022, f"{path} is writable by other accounts"


def answer_phrases() -> list[str]:
    """Distinctive runs of every explanation and Keras 3 note of the key, as any file would hold them:
    plain, or inside a JSON string (which escapes quotes, backslashes and non-ASCII)."""
    key = json.loads((ROOT / "helpers" / "quiz" / "key.json").read_text(encoding="utf-8"))
    texts = [q.get("keras3_note", "") for q in key["questions"]]
    texts += [option["explanation"] for q in key["questions"] for option in q["options"].values()]
    phrases = []
    for text in texts:
        runs = [run for run in text.replace("\\", '"').split('"') if run.isascii()]
        best = max(runs, key=len, default="")
        if len(best) >= 25:
            phrases.append(best[:60])
    return phrases


def files_holding(root: Path, needles: list[str]) -> dict[str, list[str]]:
    found = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        text = path.read_bytes().decode("utf-8", errors="replace")
        hits = [needle for needle in needles if needle in text]
        if hits:
            found[path.relative_to(root).as_posix()] = hits
    return found


def test_no_student_build_file_holds_any_answer_text(build):
    """Not a correct flag, not an explanation, not a Keras 3 note, in any file of the student build;
    the same search finds every one of them in the key file (so it can find them)."""
    needles = ['"correct": true', '"correct": false', *answer_phrases()]
    assert len(needles) > 70
    control = files_holding(ROOT / "helpers" / "quiz", needles)
    assert set(control["key.json"]) == set(needles)
    assert files_holding(build, needles) == {}


def run_in_build(build: Path, code: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(build)}
    result = subprocess.run([sys.executable, "-c", code], cwd=build, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_graded_quiz_format_check_works_without_the_key(build):
    """Issue 23: the released graded quiz, run as a student runs it in the student build (every cell
    but the empty hidden-test ones): its format check reads only the questions file, never the key."""
    released = json.loads((ROOT / "grading" / "release" / "quiz" / "quiz.ipynb").read_text(encoding="utf-8"))
    cells = ["".join(c["source"]) for c in released["cells"] if c["cell_type"] == "code"]
    cells = [source.replace('answer_1 = ""', 'answer_1 = "ab"').replace('answer_2 = ""', 'answer_2 = "AX"')
             for source in cells]
    code = "\n".join(["import helpers, helpers.quiz as q",
                      f"assert not q.KEY_FILE.exists() and helpers.__file__.startswith({str(build)!r})",
                      *cells])
    out = run_in_build(build, code)
    assert "answer_2: 'AX' contains 'X'" in out
    assert out.strip().splitlines()[-1] == "1 answered, 18 blank, 1 to fix."


def test_practice_quiz_waits_for_the_key_then_opens(tmp_path):
    build = tmp_path / "course"  # its own build: the key is released into it below
    student_build.build(build)
    practice = json.loads((build / "quiz" / "practice.ipynb").read_text())
    sources = ["".join(c["source"]) for c in practice["cells"]]
    assert any("answers of this practice quiz open once your instructor releases them" in s for s in sources)
    assert not any("helpers.quiz.widget" in s for s in sources)
    probe = ("import helpers; from helpers.quiz.locked import practice, practise_in_text\n"
             "print(helpers.__file__); w = practice(); print(type(w).__name__)\n"
             "print(getattr(w, 'value', '')[:200])\n"
             "practise_in_text({1: 'AB'})")
    locked = run_in_build(build, probe)
    assert str(build) in locked.splitlines()[0]
    assert "HTML" in locked and "open once your instructor releases them" in locked
    assert "Score" not in locked
    student_build.release_key(build)
    opened = run_in_build(build, probe)
    assert "Check and explanations are off" not in opened and "VBox" in opened
    assert "you picked AB, score 1.00 / 1" in opened


# --- the roster --------------------------------------------------------------------------------------

def write_roster(path: Path, rows: list[str]) -> Path:
    path.write_text("username,role,password\n" + "".join(row + "\n" for row in rows))
    return path


@pytest.mark.parametrize("bad", ["Alice", "1bob", "bob smith", "bob;rm", "x" * 33, "root", "a.b"])
def test_roster_refuses_invalid_names(tmp_path, bad):
    path = write_roster(tmp_path / "r.csv", ["kc_ok,student,", f"{bad},student,"])
    with pytest.raises(roster.RosterError, match="line 3"):
        roster.read_roster(path)
    result = subprocess.run([sys.executable, str(ROOT / "classroom" / "roster.py"), str(path), "--dry-run"],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "roster refused" in result.stderr and not result.stdout


def test_roster_dry_run_changes_nothing(tmp_path):
    name = f"kc_dry{secrets.token_hex(3)}"
    path = write_roster(tmp_path / "r.csv", [f"{name},student,"])
    result = subprocess.run([sys.executable, str(ROOT / "classroom" / "roster.py"), str(path), "--dry-run"],
                            capture_output=True, text=True)
    assert result.returncode == 0 and f"would create       {name}" in result.stdout
    with pytest.raises(KeyError):
        pwd.getpwnam(name)


def test_roster_creates_idempotently_and_removes(tmp_path):
    require(os.geteuid() == 0, "creating Unix accounts needs root")
    suffix = secrets.token_hex(3)
    names = [f"kc_t{suffix}", f"kc_s{suffix}"]
    path = write_roster(tmp_path / "r.csv", [f"{names[0]},instructor,", f"{names[1]},student,pw-{suffix}"])
    script = [sys.executable, str(ROOT / "classroom" / "roster.py"), str(path)]
    try:
        first = subprocess.run([*script, "--passwords", str(tmp_path / "pw.csv")],
                               capture_output=True, text=True)
        assert first.returncode == 0, first.stderr
        assert first.stdout.count("create") == 2
        for name in names:
            home = Path(pwd.getpwnam(name).pw_dir)
            assert home.stat().st_mode & 0o777 == 0o700
        assert (tmp_path / "pw.csv").stat().st_mode & 0o777 == 0o600
        again = subprocess.run(script, capture_output=True, text=True)
        assert again.returncode == 0 and "create" not in again.stdout
        assert f"keep         {names[0]}" in again.stdout
    finally:
        removed = subprocess.run([*script, "--remove"], capture_output=True, text=True)
    assert removed.returncode == 0
    for name in names:
        with pytest.raises(KeyError):
            pwd.getpwnam(name)


def test_values_yaml_parses_with_the_course_settings():
    values = yaml.safe_load((ROOT / "classroom" / "values.yaml").read_text())
    assert values["hub"]["config"]["JupyterHub"]["authenticator_class"] == "lti13"
    assert values["singleuser"]["extraEnv"]["JUPYTER_CONFIG_PATH"]
    assert values["singleuser"]["memory"]["guarantee"]


def test_no_dead_links_in_the_student_build(build):
    """The front page drops links to what the build leaves out; every other link resolves."""
    assert not dead_links(build), dead_links(build)
    front = json.loads((build / "notebooks" / "00_index.ipynb").read_text(encoding="utf-8"))
    index = "\n".join("".join(cell["source"]) for cell in front["cells"])
    assert "Nbgrader → Assignments" in index and "keras3_review" not in index and "grading/" not in index

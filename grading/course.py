"""Build and check the nbgrader course: source notebooks from text, the release from source, audits.

    python grading/course.py build            # grading/source_text/*.py -> grading/source/<name>/<name>.ipynb
    python grading/course.py check            # exit 1 when a source notebook or the release is stale
    python grading/course.py audit NAME [SUBMITTED]   # list submitted code touching the grading machinery
    python grading/course.py check-config [COURSE]    # exit 1 unless nbgrader_config.py loads cleanly

Authors edit grading/source_text/<name>.py (jupytext py:percent; nbgrader cell metadata in the
`# %%` headers). The .ipynb under source/ is what nbgrader reads, release/ is what students get:
both are generated, committed, and checked here so that neither can drift from the text.
"""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

GRADING = Path(__file__).resolve().parent
ROOT = GRADING.parent
TEXT = GRADING / "source_text"
SOURCE = GRADING / "source"
RELEASE = GRADING / "release"
BIN = Path(sys.executable).parent
# what a working copy of the course needs
COURSE_FILES = ("nbgrader_config.py", "nbgrader_plugins.py", "sandbox.py")

sys.path.insert(0, str(ROOT))
from tools.notebooks import render  # noqa: E402  (one notebook format for the whole course)

# What nbgrader's metadata means when a `# %%` header leaves it out; keeps the headers short.
NBGRADER_DEFAULTS = {"grade": False, "locked": False, "schema_version": 3, "solution": False, "task": False}


# ---------------------------------------------------------------- running nbgrader

def nbgrader_env(**extra: str) -> dict[str, str]:
    """Environment for nbgrader: the venv first on PATH, because creating a gradebook runs `alembic`."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def run_nbgrader(args: list[str], course: Path, check: bool = True, **env: str):
    """Run `nbgrader <args>` inside the course directory `course` (which holds nbgrader_config.py)."""
    return subprocess.run(
        [str(BIN / "nbgrader"), *args],
        cwd=course,
        env=nbgrader_env(**env),
        capture_output=True,
        text=True,
        check=check,
    )


def assignments(source: Path = SOURCE) -> list[str]:
    """Every assignment in source/: a folder holding a notebook of the same name."""
    return sorted(p.name for p in source.iterdir() if (p / f"{p.name}.ipynb").exists())


# ---------------------------------------------------------------- source notebooks from text

def complete_nbgrader_metadata(cell) -> None:
    if "nbgrader" in cell.metadata:
        cell.metadata["nbgrader"] = {**NBGRADER_DEFAULTS, **cell.metadata["nbgrader"]}


def render_source(text: Path) -> str:
    """The exact source .ipynb generated from one py:percent file."""
    return render(text, complete_nbgrader_metadata)


def source_targets() -> list[tuple[Path, Path]]:
    return [(text, SOURCE / text.stem / f"{text.stem}.ipynb") for text in sorted(TEXT.glob("*.py"))]


def build_sources() -> None:
    for text, notebook in source_targets():
        rendered = render_source(text)
        if not notebook.exists() or notebook.read_text(encoding="utf-8") != rendered:
            notebook.parent.mkdir(parents=True, exist_ok=True)
            notebook.write_text(rendered, encoding="utf-8")
            print(f"wrote {notebook.relative_to(ROOT)}")


def stale_sources() -> list[str]:
    problems = []
    for text, notebook in source_targets():
        if not notebook.exists():
            problems.append(f"{notebook.relative_to(ROOT)} is missing (run `make grading-source`)")
        elif notebook.read_text(encoding="utf-8") != render_source(text):
            problems.append(f"{notebook.relative_to(ROOT)} is stale against {text.name}")
    return problems


# ---------------------------------------------------------------- the release

def generate_release(into: Path, names: list[str] | None = None) -> Path:
    """Generate the release of `names` (default: all) in a scratch course at `into`; return its release/."""
    into.mkdir(parents=True, exist_ok=True)
    for name in COURSE_FILES:
        shutil.copy(GRADING / name, into / name)
    shutil.copytree(SOURCE, into / "source", dirs_exist_ok=True)
    for name in names or ["*"]:  # nbgrader accepts a glob: one process for every assignment
        run_nbgrader(["generate_assignment", name, "--force"], into)
    return into / "release"


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def stale_release() -> list[str]:
    """Differences between the committed release/ and one freshly generated from source/."""
    with tempfile.TemporaryDirectory() as scratch:
        fresh = generate_release(Path(scratch))
        problems = []
        for name in assignments():
            ours, theirs = RELEASE / name, fresh / name
            for rel in sorted(_tree(ours) | _tree(theirs)):
                if not (ours / rel).exists():
                    problems.append(f"release/{name}/{rel} is missing")
                elif not (theirs / rel).exists():
                    problems.append(f"release/{name}/{rel} has no source")
                elif not filecmp.cmp(ours / rel, theirs / rel, shallow=False):
                    problems.append(f"release/{name}/{rel} is stale")
        for extra in sorted(p.name for p in RELEASE.iterdir() if p.is_dir()) if RELEASE.exists() else []:
            if extra not in assignments():
                problems.append(f"release/{extra} has no source assignment")
    return problems


# ---------------------------------------------------------------- audit of submissions

# Code a solution never needs and a cheat usually does: rebinding library or grading functions,
# reaching into the kernel's machinery, or ending the process. A hit is a reason to read the
# notebook, not proof of cheating.
SUSPICIOUS = {
    "rebinds a library or grading name": re.compile(
        r"^\s*(np|numpy|keras|ops|builtins|helpers\.grading|grading)(\.\w+)+\s*=[^=]", re.M
    ),
    "uses builtins or __builtins__": re.compile(r"\b__builtins__\b|\bimport builtins\b|\bbuiltins\."),
    "patches with setattr": re.compile(r"\bsetattr\(\s*(np|numpy|keras|builtins|ops|sys|helpers)\b"),
    "touches sys.modules or importlib": re.compile(r"\bsys\.modules\b|\bimportlib\b"),
    "touches the IPython kernel": re.compile(
        r"get_ipython|input_transformers|ast_transformers|events\.register|set_custom_exc|"
        r"displayhook|display_pub|run_cell|IPython\.core"
    ),
    "imports the grading helpers": re.compile(r"helpers\.grading|from helpers import grading"),
    "ends or signals the process": re.compile(r"os\._exit|os\.kill|signal\.|sys\.exit|ctypes|faulthandler"),
    "traces or rewrites frames": re.compile(
        r"sys\.settrace|sys\.setprofile|gc\.get_referrers|f_globals|f_locals"
    ),
}


def audit_notebook(path: Path) -> list[str]:
    """Findings for the student-written cells of one submitted notebook (locked cells are restored)."""
    nb = nbformat.read(path, as_version=4)
    findings = []
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or (meta.get("locked") and not meta.get("solution")):
            continue
        for label, pattern in SUSPICIOUS.items():
            if pattern.search(cell.source):
                findings.append(f"cell {index}: {label}")
    return findings


def audit(name: str, submitted: Path = GRADING / "submitted") -> dict[str, list[str]]:
    """{student: findings} over submitted/<student>/<name>/*.ipynb; students with no finding omitted."""
    report = {}
    for notebook in sorted(submitted.glob(f"*/{name}/*.ipynb")):
        findings = audit_notebook(notebook)
        if findings:
            report[notebook.parent.parent.name] = [f"{notebook.name} {f}" for f in findings]
    return report


# ---------------------------------------------------------------- configuration

def config_problems(course: Path = GRADING) -> list[str]:
    """Why `course`/nbgrader_config.py would not load. nbgrader only logs such an error and then
    grades with its defaults (no timeout policy, no crash tolerance), so the make targets check first."""
    from traitlets.config.loader import PyFileConfigLoader

    path = course / "nbgrader_config.py"
    try:
        config = PyFileConfigLoader(path.name, path=str(course)).load_config()
    except Exception as error:  # noqa: BLE001 - whatever it is, grading must not start
        return [f"{path} does not load: {error!r}"]
    if not config.CourseDirectory.course_id:
        return [f"{path} sets no course id"]
    return []


# ---------------------------------------------------------------- command line

def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "build":
        build_sources()
        return 0
    if command == "check":
        problems = stale_sources() or stale_release()  # a stale source makes every release stale too
        for problem in problems:
            print(problem)
        if problems:
            print("run `make grading-source release` to regenerate")
        return 1 if problems else 0
    if command == "check-config" and len(argv) <= 3:
        problems = config_problems(Path(argv[2]).resolve() if len(argv) == 3 else GRADING)
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    if command == "audit" and len(argv) in (3, 4):
        report = audit(argv[2], *(Path(a) for a in argv[3:]))
        for student, findings in report.items():
            for finding in findings:
                print(f"{student}: {finding}")
        print(f"{len(report)} submission(s) of {argv[2]} to read by hand" if report else "nothing to flag")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

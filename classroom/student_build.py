"""Build the classroom's student copy of the course: notebooks, practice quiz and helpers, no key.

    python classroom/student_build.py build OUT      write the student build into OUT (replaced)
    python classroom/student_build.py release-key OUT  add the quiz key to OUT (after the graded quiz)
    python classroom/student_build.py wheel OUT      write the key-free `helpers` as a wheel into OUT,
                                                     for a hub run by IT (docs/university-hub.md)

Left out, and unlinked from the front page: grading/ (exercise solutions and hidden tests:
students get exercises through nbgrader's exchange), helpers/quiz/key.json (the quiz key: correct
flags, explanations, Keras 2 answers and Keras 3 notes; the questions are in their own file,
helpers/quiz/questions.json, so leaving this one file out is the whole of it), quiz/keras3_review.ipynb
(it prints the key), docs/ except the study-time rule every notebook header links, and the text sources.
quiz/practice.ipynb calls helpers.quiz.locked instead of the widget, which says that the answers open
once the instructor releases them.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEY = ROOT / "helpers" / "quiz" / "key.json"
KEY_IN_HELPERS = KEY.relative_to(ROOT / "helpers")  # quiz/key.json
LOCKED_PRACTICE = Path(__file__).with_name("overlay") / "quiz_locked.py"
# The practice notebook's imports of the practice quiz, and what the student build imports instead.
LOCKED_IMPORTS = {
    "from helpers.quiz.widget import practice": "from helpers.quiz.locked import practice",
    "from helpers.quiz import practise_in_text": "from helpers.quiz.locked import practise_in_text",
}


def locked_practice(notebook: dict) -> dict:
    """Point the practice notebook's quiz cells at helpers.quiz.locked (and clear outputs)."""
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        for full, locked in LOCKED_IMPORTS.items():
            source = source.replace(full, locked)
        cell["source"] = source.splitlines(keepends=True)
        cell["outputs"], cell["execution_count"] = [], None
    notebook["cells"].insert(1, {
        "cell_type": "markdown", "metadata": {}, "id": "classroom-key-notice",
        "source": ["**Classroom build.** The answers of this practice quiz open once your instructor "
                   "releases them, after the graded quiz closes. Until then the quiz shows the questions "
                   "only."],
    })
    return notebook


# Links of the front page to what the student build leaves out, and the line that replaces each list.
LEFT_OUT_LINKS = ("../quiz/keras3_review.ipynb", "../grading/release/", "../docs/syllabus.md")
CLASSROOM_EXERCISES = ("- Graded exercises reach you through *Nbgrader → Assignments* when your instructor "
                       "releases them.")


def classroom_index(notebook: dict) -> dict:
    """The front page without links to what the build leaves out (the key review, the exercises'
    nbgrader sources, the instructor's syllabus): one line says where the graded exercises come from."""
    for cell in notebook["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        lines = "".join(cell["source"]).split("\n")
        kept, replaced = [], False
        for line in lines:
            if any(target in line for target in LEFT_OUT_LINKS):
                if "../grading/release/" in line and not replaced:
                    kept.append(CLASSROOM_EXERCISES)
                    replaced = True
                continue
            if line.startswith("- Graded exercises (nbgrader"):
                continue
            kept.append(line)
        cell["source"] = "\n".join(kept)
    return notebook


def build_helpers(out: Path, source: Path = ROOT / "helpers") -> None:
    """The `helpers` package without the quiz key file and with the locked practice quiz. The classroom's
    students import this build; so do the grading sandbox's kernels (grading/sandbox.py)."""
    key = source / KEY_IN_HELPERS

    def leave_out(folder: str, names: list[str]) -> set[str]:
        dropped = {name for name in names if name == "__pycache__" or name.endswith(".pyc")}
        return dropped | ({key.name} if Path(folder) == key.parent else set())

    shutil.copytree(source, out, ignore=leave_out)
    shutil.copy2(LOCKED_PRACTICE, out / KEY_IN_HELPERS.parent / "locked.py")


# The wheel's version: the project's own plus a local label, so that `pip show` tells the two apart.
STUDENT_LABEL = "+student"


def student_pyproject(text: str) -> str:
    """The project's pyproject.toml with the student label on its version (the same package data rules:
    `quiz/*.json` matches nothing more, since the key is not in the folder the wheel is built from)."""
    labelled, count = re.subn(r'(?m)^version = "([^"+]+)"$', rf'version = "\1{STUDENT_LABEL}"', text)
    if count != 1:
        raise SystemExit("pyproject.toml: expected one `version = \"...\"` line in [project]")
    return labelled


def build_wheel(out: Path) -> Path:
    """A wheel of the key-free `helpers` (build_helpers) with the project's metadata, built by pip and
    setuptools from a scratch folder; refused if the key file is in it after all. Returns its path."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch)
        build_helpers(project / "helpers")
        pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
        (project / "pyproject.toml").write_text(student_pyproject(pyproject), encoding="utf-8")
        shutil.copy2(ROOT / "README.md", project / "README.md")  # the metadata's long description
        # No build isolation: setuptools comes from this environment, so no network is needed.
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                        "--wheel-dir", str(project / "dist"), str(project)], check=True)
        built = next((project / "dist").glob("*.whl"))
        with zipfile.ZipFile(built) as wheel:
            leaked = [name for name in wheel.namelist() if name.endswith(KEY_IN_HELPERS.as_posix())]
        if leaked:
            raise SystemExit(f"refused: {built.name} contains the quiz key ({', '.join(leaked)})")
        target = out / built.name
        shutil.copy2(built, target)
    print(f"student wheel: {target}")
    return target


def build(out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    (out / "notebooks").mkdir(parents=True)
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        shutil.copy2(notebook, out / "notebooks" / notebook.name)
    index = json.loads((ROOT / "notebooks" / "00_index.ipynb").read_text(encoding="utf-8"))
    (out / "notebooks" / "00_index.ipynb").write_text(json.dumps(classroom_index(index), indent=1) + "\n")
    (out / "docs").mkdir()
    shutil.copy2(ROOT / "docs" / "study_time.md", out / "docs" / "study_time.md")  # linked by every header
    build_helpers(out / "helpers")
    (out / "quiz").mkdir()
    practice = json.loads((ROOT / "quiz" / "practice.ipynb").read_text(encoding="utf-8"))
    (out / "quiz" / "practice.ipynb").write_text(json.dumps(locked_practice(practice), indent=1) + "\n")
    for path in [out, *out.rglob("*")]:  # readable by every account, writable by none
        path.chmod(0o755 if path.is_dir() else 0o644)
    print(f"student build in {out}")


def release_key(out: Path) -> None:
    target = out / "helpers" / KEY_IN_HELPERS
    shutil.copyfile(KEY, target)
    target.chmod(0o644)
    print(f"quiz key released: {target}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["build", "release-key", "wheel"])
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    {"build": build, "release-key": release_key, "wheel": build_wheel}[args.command](args.out.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())

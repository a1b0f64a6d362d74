"""Build the course website from the notebooks the test run executed (see docs/site.md).

    python tools/website.py build [--executed DIR] [--out DIR]

Assembles a Sphinx source tree in build/site-src (home page, every section notebook with its
outputs, the API index, the quiz's questions without the key, the exercises' student versions),
then runs Sphinx into build/site/html. Nothing is executed: section pages take their outputs from
DIR (default test-artifacts/executed, written by tests/test_notebooks.py); a notebook with no
executed copy is shown without outputs, and the build says so.
"""

from __future__ import annotations

import argparse
import copy
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

import notebooks as notebook_tool  # noqa: E402  (tools/notebooks.py: notebook titles)
from helpers.notebook_meta import backends_of  # noqa: E402
from helpers.project import REPO, colab_url  # noqa: E402
from helpers.quiz import load_quiz  # noqa: E402
from helpers.sections import sections  # noqa: E402

SOURCE = ROOT / "build" / "site-src"
OUT = ROOT / "build" / "site"
EXECUTED = ROOT / "test-artifacts" / "executed"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
BADGE = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)\n?")
WIDGET_NOTE = (
    '<p class="widget-note"><em>Interactive explorer: it needs a running kernel. Open this notebook '
    "in Colab or JupyterLab to use it; the figure beside it is a still picture of what it shows.</em></p>"
)
# Links of notebook pages (the index, lesson headers) to files outside notebooks/, as the site lays them out.
OUTSIDE_LINKS = {
    "../quiz/practice.ipynb": "../quiz.md",
    # The review discusses the key, so it is not on the site: link it on Colab.
    "../quiz/keras3_review.ipynb": colab_url("quiz/keras3_review.ipynb"),
}
DOC_PAGES = ("study_time.md", "syllabus.md")  # docs the notebooks link (lesson headers, front page)


def section_notebooks() -> list[Path]:
    return sorted(p for p in (ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))


def exercise_notebooks() -> list[Path]:
    return sorted((ROOT / "grading" / "release").glob("ex*/*.ipynb"))


def executed_copy(path: Path, executed: Path) -> tuple[nbformat.NotebookNode, bool]:
    """The executed notebook from the test run (on the first backend it supports), or the clean one."""
    clean = nbformat.read(path, as_version=4)
    backend = backends_of(clean.metadata)[0]
    candidate = executed / backend / "notebooks" / path.name
    if candidate.exists():
        ran = nbformat.read(candidate, as_version=4)
        if [c.source for c in ran.cells] == [c.source for c in clean.cells]:  # not a stale run
            return ran, True
    return clean, False


def links_line(repo_path: str, download: str) -> str:
    """Colab link and a download of the clean notebook (Sphinx's download role copies the file)."""
    return f"[Open in Colab]({colab_url(repo_path)}) · {{download}}`Download .ipynb <{download}>`"


def prepare_page(nb, repo_path: str, download: str) -> nbformat.NotebookNode:
    """Title cell: the badge (an external image) becomes plain links; widgets become a still note."""
    nb = copy.deepcopy(nb)
    title = nb.cells[0]
    title.source = BADGE.sub("", title.source).rstrip() + "\n\n" + links_line(repo_path, download)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if WIDGET_MIME in output.get("data", {}):
                output["data"] = {"text/html": WIDGET_NOTE}
    return nb


def rewrite_outside_links(nb) -> None:
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for old, new in OUTSIDE_LINKS.items():
            cell.source = cell.source.replace(f"]({old})", f"]({new})")
        exercise = r"\]\(\.\./grading/release/[^/]+/([^/)]+\.ipynb)\)"
        cell.source = re.sub(exercise, r"](../exercises/\1)", cell.source)


def quiz_page() -> str:
    """Questions and options only: no correct flags, no explanations, no Keras 3 notes."""
    quiz = load_quiz()
    lines = [
        "# The quiz: 20 questions on custom layers",
        "",
        "Questions and options only. Check your answers in the practice notebook, which gives feedback "
        f"option by option: [open it in Colab]({colab_url('quiz/practice.ipynb')}) or run "
        "`make quiz-practice` locally. Several options may be correct.",
        "",
    ]
    for question in quiz.questions:
        lines += [f"## Question {question.id}", "", question.prompt, ""]
        if question.code:
            lines += ["```python", question.code, "```", ""]
        lines += [f"- **{option.letter}.** {option.text}" for option in question.options]
        lines.append("")
    return "\n".join(lines)


def home_page(notebook_names: dict[str, list[str]], exercises: list[str]) -> str:
    lines = [
        "# Keras 3 Layers: an interactive course",
        "",
        "A course on the **Keras 3 Layers API** in 17 sections: each section notebook explains what a "
        "family of layers does, shows it in pictures, and proves every claim in cells that compare "
        "Keras with NumPy, on TensorFlow, JAX and PyTorch. Then nbgrader exercises in which you write "
        "custom layers, and a 20-question quiz.",
        "",
        "## How to run it",
        "",
        "- **In Colab**: every page has an *Open in Colab* link; run the first cell, then *Run all*.",
        f"- **On your machine**: `git clone https://github.com/{REPO}` then `make lab` (installs the "
        "pinned set into `.venv` and opens JupyterLab on the course's front page).",
        "- **To read offline**: `make site`, then `make site-serve` and open the address it prints.",
        "",
        "## The sections",
        "",
    ]
    for entry in sections():
        parts = notebook_names.get(entry["section"], [])
        links = ", ".join(f"[{title}](notebooks/{stem}.ipynb)" for stem, title in parts) or "(coming)"
        lines.append(f"- **{entry['section']} · {entry['title']}**: {links}")
    lines += [
        "",
        "## Practice and assessment",
        "",
        "- [Every Keras name and where it is taught](notebooks/00_index.ipynb)",
        "- [The quiz](quiz.md) (questions; answers are checked in the practice notebook)",
        "- Exercises (student versions):",
    ]
    lines += [f"  - [{stem}](exercises/{stem}.ipynb)" for stem in exercises]
    lines += [
        "- [How study times are estimated](docs/study_time.md)",
        "- For instructors: [a six-week syllabus and a three-session workshop](docs/syllabus.md)",
    ]
    toc = ["notebooks/00_index"]
    toc += [f"notebooks/{stem}" for parts in notebook_names.values() for stem, _ in parts]
    toc += ["quiz"] + [f"exercises/{stem}" for stem in exercises]
    toc += [f"docs/{name.removesuffix('.md')}" for name in DOC_PAGES]
    lines += ["", "```{toctree}", ":hidden:", ":maxdepth: 1", "", *toc, "```", ""]
    return "\n".join(lines)


def assemble(executed: Path) -> list[str]:
    """Write the Sphinx source tree; return the names of notebooks shown without outputs."""
    shutil.rmtree(SOURCE, ignore_errors=True)
    (SOURCE / "notebooks").mkdir(parents=True)
    (SOURCE / "exercises").mkdir()
    downloads = SOURCE / "downloads"
    downloads.mkdir(parents=True)
    shutil.copy2(ROOT / "site" / "conf.py", SOURCE / "conf.py")
    shutil.copytree(ROOT / "site" / "_templates", SOURCE / "_templates")

    without_outputs, names = [], {}
    for path in section_notebooks():
        nb, was_executed = executed_copy(path, executed)
        if not was_executed and path.name != "00_index.ipynb":
            without_outputs.append(path.name)
        shutil.copy2(path, downloads / path.name)
        page = prepare_page(nb, f"notebooks/{path.name}", f"../downloads/{path.name}")
        rewrite_outside_links(page)  # lesson headers link the practice quiz too
        if path.name != "00_index.ipynb":
            title = notebook_tool.titles()[path.stem]
            names.setdefault(path.name[:2], []).append((path.stem, title))
        nbformat.write(page, SOURCE / "notebooks" / path.name)

    exercises = []
    for path in exercise_notebooks():
        shutil.copy2(path, downloads / path.name)
        repo_path = path.relative_to(ROOT).as_posix()
        page = prepare_page(nbformat.read(path, as_version=4), repo_path, f"../downloads/{path.name}")
        nbformat.write(page, SOURCE / "exercises" / path.name)
        exercises.append(path.stem)

    (SOURCE / "docs").mkdir()
    for name in DOC_PAGES:
        shutil.copy2(ROOT / "docs" / name, SOURCE / "docs" / name)
    (SOURCE / "quiz.md").write_text(quiz_page(), encoding="utf-8")
    (SOURCE / "index.md").write_text(home_page(names, exercises), encoding="utf-8")
    return without_outputs


def build(executed: Path, out: Path) -> int:
    without_outputs = assemble(executed)
    for name in without_outputs:
        print(f"note: no executed copy of {name} under {executed}; shown without outputs (run `make test`)")
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", "auto", str(SOURCE),
               str(out / "html")]
    result = subprocess.run(command)
    if result.returncode == 0:
        print(f"site written to {out / 'html' / 'index.html'}")
    return result.returncode


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["build"])
    parser.add_argument("--executed", type=Path, default=EXECUTED)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv[1:])
    return build(args.executed, args.out)


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Exercise structure, freshness of the generated files, the untouched release, make targets, docs."""

from __future__ import annotations

import re
import subprocess
import sys

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient

from helpers.project import SETUP_CELL, colab_badge

sys.path.insert(0, str(ROOT / "grading"))
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "grading"))
import course  # noqa: E402
import submissions as fx  # noqa: E402

EXERCISES = list(fx.POINTS)


def source(name: str) -> nbformat.NotebookNode:
    return nbformat.read(course.SOURCE / name / f"{name}.ipynb", as_version=4)


def release(name: str) -> nbformat.NotebookNode:
    return nbformat.read(course.RELEASE / name / f"{name}.ipynb", as_version=4)


def meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def test_source_notebooks_match_their_text():
    assert course.stale_sources() == []


def test_committed_release_matches_a_fresh_generation():
    """The release is generated from source/, never edited: regenerate it and compare byte for byte."""
    assert course.stale_release() == []


def test_every_exercise_is_released():
    assert set(EXERCISES) <= set(course.assignments())
    assert sorted(p.stem for p in course.TEXT.glob("*.py")) == EXERCISES


@pytest.mark.parametrize("name", EXERCISES)
def test_exercise_structure(name):
    nb = source(name)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].source == SETUP_CELL and meta(code[0]).get("locked"), "first code cell: the course setup"
    badge = colab_badge(f"grading/release/{name}/{name}.ipynb")
    assert badge in nb.cells[0].source, "the title cell carries the Colab badge of the released notebook"

    tests = [c for c in nb.cells if meta(c).get("grade")]
    assert len(tests) >= 4 and sum(meta(c)["points"] for c in tests) == 10
    assert {meta(c)["grade_id"] for c in tests} == set(fx.POINTS[name])
    assert [meta(c)["points"] for c in tests] == list(fx.POINTS[name].values())
    for cell in tests:
        assert meta(cell)["locked"] and not meta(cell)["solution"]
        assert "### BEGIN HIDDEN TESTS" in cell.source and "_grading.trusted()" in cell.source
        assert cell.source.count("checking(") == 1, "clears claimed scores before the checks"
        assert cell.source.rstrip().splitlines()[-1].startswith("passed("), "the marker is the last act"
    ids = [meta(c)["grade_id"] for c in nb.cells if meta(c)]
    assert len(ids) == len(set(ids)), "grade_ids are unique"


@pytest.mark.parametrize("name", EXERCISES)
def test_a_deleted_test_cell_can_be_put_back(name):
    """nbgrader restores a missing test cell after the source cell before it, which must be a solution
    or test cell (it keys on those); a locked cell there would make it fail on the whole submission."""
    previous = None
    for cell in source(name).cells:
        if not meta(cell):
            continue
        if meta(cell).get("grade"):
            assert meta(previous).get("solution") or meta(previous).get("grade"), meta(cell)["grade_id"]
        previous = cell


@pytest.mark.parametrize("name", EXERCISES)
def test_release_hides_solutions_and_hidden_tests(name):
    text = (course.RELEASE / name / f"{name}.ipynb").read_text()
    for secret in ("BEGIN SOLUTION", "HIDDEN TESTS", "_grading", "_T."):
        assert secret not in text
    for cell in release(name).cells:
        if meta(cell).get("solution"):
            assert "raise NotImplementedError()" in cell.source
        if meta(cell).get("grade"):
            assert "checking(" in cell.source and "passed(" in cell.source  # public checks remain


@pytest.mark.parametrize("name", EXERCISES)
def test_untouched_release_runs_and_only_the_tests_and_stubs_fail(name, tmp_path):
    """A student's first run, without nbgrader: set-up works, each test fails (on a stub, or a check)."""
    nb = release(name)
    run_in = {"metadata": {"path": str(tmp_path)}}
    NotebookClient(nb, timeout=120, allow_errors=True, resources=run_in).execute()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        stderr = [o for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"]
        if meta(cell).get("grade"):
            failed = [e.ename for e in errors]
            assert failed in (["NotImplementedError"], ["CheckFailed"]), meta(cell)["grade_id"]
            assert not stderr
        elif meta(cell).get("solution"):
            assert [e.ename for e in errors] in ([], ["NotImplementedError"])
        else:
            assert not errors and not stderr, cell.source[:80]


MAKE_TARGETS = ["release", "check-release", "release-exchange", "collect", "zip-collect", "autograde",
                "feedback", "release-feedback", "grades", "grade-all", "audit", "roster", "formgrader"]


def make_dry_run(*args: str) -> str:
    command = ["make", "-n", "-o", ".venv/.installed", *args]  # -o: print, never reinstall the venv
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_make_targets_take_the_assignment_name():
    assert 'nbgrader generate_assignment "quiz" --force' in make_dry_run("release", "ASSIGNMENT=quiz")
    assert 'nbgrader generate_assignment "*" --force' in make_dry_run("release")
    assert 'nbgrader autograde "ex1_simple_dense" --force' in make_dry_run(
        "autograde", "ASSIGNMENT=ex1_simple_dense", "FORCE=1")
    lms = make_dry_run("zip-collect", "ASSIGNMENT=quiz", "LMS_DIR=/tmp/canvas")
    assert "/tmp/canvas" in lms and "grading/lms.py zip-collect quiz --lms canvas" in lms  # runs zip_collect
    assert "nbgrader export --to" in make_dry_run("grades", "GRADES_CSV=/tmp/out.csv")
    assert "policies.py collect $a --late report" in make_dry_run("collect", "ASSIGNMENT=quiz")


def test_docs_describe_every_target_and_setting():
    docs = (ROOT / "docs" / "grading.md").read_text()
    declared = re.findall(r"^([a-z-]+):.*## ", (ROOT / "mk" / "grading.mk").read_text(), re.M)
    assert set(MAKE_TARGETS) <= set(declared)
    for target in declared:
        assert f"make {target}" in docs, f"docs/grading.md does not mention `make {target}`"
    for setting in ("NBGRADER_EXCHANGE", "NBGRADER_CELL_TIMEOUT", "NBGRADER_LMS_REGEX", "LMS_DIR", "ROSTER"):
        assert setting in docs


def test_students_have_the_assignment_list_in_jupyterlab():
    """Fetch/submit from JupyterLab needs nbgrader's lab extension and its server extensions enabled."""

    def listing(*command: str) -> str:
        jupyter = str(course.BIN / "jupyter")
        done = subprocess.run([jupyter, *command], capture_output=True, text=True, check=True)
        return done.stdout + done.stderr

    assert re.search(r"@jupyter/nbgrader v\S+ \S*enabled", listing("labextension", "list"))
    listed = listing("server", "extension", "list")
    for extension in ("assignment_list", "course_list", "validate_assignment"):
        assert re.search(rf"nbgrader\.server_extensions\.{extension} \S*enabled", listed), extension

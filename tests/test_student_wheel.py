"""The student wheel (classroom/student_build.py wheel, for a hub run by IT; docs/university-hub.md):
the key-free `helpers` with the project's metadata, installed with pip into a fresh venv, runs the
start of notebook 01 there without the quiz key.

To stay fast, the fresh venv gets the pinned course set (Keras, TensorFlow, ipykernel, ...) from
.venv through a .pth line instead of installing it again; .pth files inside .venv are not processed
from there, so the editable install of the checkout's `helpers` is not visible, and the kernel checks
that `helpers` comes from the wheel. The notebook's first code cells through its three exercises run
(setup cell, imports, training, figures and the self-checks): everything of `helpers` notebook 01 uses.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import time
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbrun import SlicedWaitClient

pytestmark = pytest.mark.xdist_group("classroom")

sys.path.insert(0, str(ROOT / "classroom"))
import student_build  # noqa: E402

NOTEBOOK = ROOT / "notebooks" / "01_layer_base.ipynb"
CELL_LIMIT = 120  # seconds, each cell
# Where the wheel's kernel reports what it imported (a cell appended to the notebook's first cells).
WHERE_FROM = """\
import importlib.resources, importlib.util, json, sys
import helpers
quiz = importlib.resources.files("helpers.quiz")
print(json.dumps({"prefix": sys.prefix, "helpers": helpers.__file__,
                  "locked": importlib.util.find_spec("helpers.quiz.locked") is not None,
                  "key": quiz.joinpath("key.json").is_file(),
                  "questions": quiz.joinpath("questions.json").is_file()}))"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return student_build.build_wheel(tmp_path_factory.mktemp("wheel"))


def shipped_files(source: Path) -> set[str]:
    """What of `source` (the helpers folder) a wheel must carry: modules and data, no caches, no key."""
    return {f"helpers/{p.relative_to(source).as_posix()}" for p in source.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"} - {
        f"helpers/{student_build.KEY_IN_HELPERS.as_posix()}"}


def test_wheel_has_every_helpers_file_but_the_key(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = {name for name in archive.namelist() if name.startswith("helpers/")}
        metadata = Parser().parsestr(archive.read(next(
            name for name in archive.namelist() if name.endswith(".dist-info/METADATA"))).decode())
    assert "helpers/quiz/key.json" not in names
    expected = shipped_files(ROOT / "helpers") | {"helpers/quiz/locked.py"}
    assert names == expected, f"missing: {sorted(expected - names)}; unexpected: {sorted(names - expected)}"
    # The project's metadata: its version with the student label, and its extras (IT installs `course`).
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert metadata["Version"] == project["version"] + "+student"
    assert set(metadata.get_all("Provides-Extra")) == set(project["optional-dependencies"])


def first_cells_through_exercises(path: Path):
    """Notebook 01 up to its last self-check cell (`exercise(`), plus the WHERE_FROM cell."""
    nb = nbformat.read(path, as_version=4)
    last = max(i for i, cell in enumerate(nb.cells)
               if cell.cell_type == "code" and "exercise(" in cell.source)
    nb.cells = nb.cells[: last + 1] + [nbformat.v4.new_code_cell(WHERE_FROM)]
    return nb


def test_wheel_runs_notebook_01_in_a_fresh_venv(wheel, tmp_path, record_time):
    started = time.monotonic()
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python3*/site-packages"))
    (site / "course_pinned_set.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # pip installs into the venv given by --python (bootstrapping pip into it would take longer).
    subprocess.run([sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--quiet",
                    "--no-deps", "--no-index", str(wheel)], check=True)
    installed = time.monotonic() - started
    kernels = tmp_path / "kernels"
    (kernels / "wheel").mkdir(parents=True)
    (kernels / "wheel" / "kernel.json").write_text(json.dumps({
        "argv": [str(venv / "bin" / "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "student wheel", "language": "python"}))
    manager = KernelManager(kernel_name="wheel", kernel_spec_manager=KernelSpecManager(kernel_dirs=[kernels]))
    nb = first_cells_through_exercises(NOTEBOOK)
    work = tmp_path / "work"  # no `helpers` folder next to the notebook
    work.mkdir()
    SlicedWaitClient(nb, km=manager, timeout=CELL_LIMIT, resources={"metadata": {"path": str(work)}}).execute(
        env={"KERAS_BACKEND": "tensorflow"})
    record_time("classroom", f"student wheel: venv + pip install ({installed:.0f} s) + notebook 01 start",
                time.monotonic() - started)
    report = json.loads(nb.cells[-1].outputs[-1]["text"])
    assert Path(report["prefix"]) == venv, f"the kernel ran {report['prefix']}, not the fresh venv"
    assert Path(report["helpers"]).is_relative_to(site), f"helpers came from {report['helpers']}"
    assert not report["key"] and report["questions"] and report["locked"], report

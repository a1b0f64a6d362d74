"""A Colab user's path: the notebook runs outside the repository, with `google.colab` importable and
the course helpers available only because the setup cell pip-installed them from a git URL.

The stand-in environment reuses this venv's packages (Colab ships Keras, TensorFlow, matplotlib
and ipywidgets) but not the course's own package, so the setup cell has to install it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import nbformat
import pytest
from conftest import ARTIFACTS, ROOT
from nbrun import stderr_outputs

from helpers.project import HELPERS_URL_ENV

COLAB_NOTEBOOKS = ["notebooks/01_layer_base.ipynb"] + sorted(
    str(p.relative_to(ROOT)) for p in (ROOT / "quiz").glob("*.ipynb")
)
LIMIT_SECONDS = 240  # includes pip installing the helpers from git
SNAPSHOT = ["helpers", "pyproject.toml", "README.md"]  # what `pip install git+URL` needs


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def snapshot_repo(dest: Path) -> str:
    """A git repository holding the working tree's package: stands in for the public GitHub URL."""
    dest.mkdir()
    for name in SNAPSHOT:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / name)
    git("init", "-q", "-b", "main", cwd=dest)
    git("add", "-A", cwd=dest)
    git("-c", "user.name=ci", "-c", "user.email=ci@localhost", "commit", "-q", "-m", "snapshot", cwd=dest)
    return f"git+file://{dest}@main"


def colab_like_python(dest: Path) -> Path:
    """A venv that sees this venv's third-party packages but not the course package."""
    subprocess.run([sys.executable, "-m", "venv", str(dest)], check=True)
    farm = dest / "preinstalled"
    farm.mkdir()
    ours = ("keras_layers_course", "__editable__", "helpers")
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.startswith(ours) and entry.suffix != ".pth":
            (farm / entry.name).symlink_to(entry)
    site = Path(
        subprocess.run(
            [dest / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
    )
    (site / "colab_preinstalled.pth").write_text(f"{farm}\n")
    return dest / "bin" / "python"


def kernel_spec(python: Path, data_dir: Path) -> None:
    spec = data_dir / "kernels" / "colab"
    spec.mkdir(parents=True)
    argv = [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec_json = {"argv": argv, "display_name": "colab", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(spec_json))


# One pytest-xdist worker runs this whole module, so its module-scoped fixture is built once.
pytestmark = pytest.mark.xdist_group("colab")


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    base = tmp_path_factory.mktemp("colab")
    url = snapshot_repo(base / "public-repo")
    python = colab_like_python(base / "venv")
    kernel_spec(python, base / "jupyter-data")
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "JUPYTER_PATH")
    }
    env.update(
        PYTHONPATH=str(ROOT / "tests" / "colab_stub"),
        JUPYTER_PATH=str(base / "jupyter-data"),
        COLAB_STUB_MARKER=str(base / "colab-calls.txt"),
        KERAS_BACKEND="tensorflow",
        **{HELPERS_URL_ENV: url},
    )
    probe = "import importlib.util as u; print(u.find_spec('helpers'), u.find_spec('keras') is not None)"
    seen = subprocess.run([python, "-c", probe], env=env, cwd=base, capture_output=True, text=True)
    assert seen.stdout.split() == ["None", "True"], f"stand-in must lack helpers, have keras: {seen.stdout}"
    return {"base": base, "python": python, "env": env}


RUNNER = """
import sys, time, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
nb.cells.append(nbformat.v4.new_code_cell("import helpers; print('HELPERS_FROM', helpers.__file__)"))
start = time.perf_counter()
NotebookClient(nb, timeout=int(sys.argv[3]), kernel_name="colab").execute()
nbformat.write(nb, sys.argv[2])
print(time.perf_counter() - start)
"""


@pytest.mark.parametrize("relative", COLAB_NOTEBOOKS)
def test_notebook_runs_the_colab_way(colab, relative, record_time):
    work = colab["base"] / "content" / Path(relative).stem  # Colab's cwd is /content, not the repo
    work.mkdir(parents=True)
    source = work / Path(relative).name
    shutil.copy2(ROOT / relative, source)
    executed = work / "executed.ipynb"
    started = time.perf_counter()
    result = subprocess.run(
        [colab["python"], "-c", RUNNER, source, executed, str(LIMIT_SECONDS)],
        env=colab["env"], cwd=work, capture_output=True, text=True, timeout=LIMIT_SECONDS + 60,
    )
    seconds = time.perf_counter() - started
    record_time("Colab simulation (incl. pip install of helpers)", relative, seconds, LIMIT_SECONDS)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    nb = nbformat.read(executed, as_version=4)
    (ARTIFACTS / "colab").mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, ARTIFACTS / "colab" / Path(relative).name)

    setup_output = "".join(o.get("text", "") for o in nb.cells[1].outputs)
    assert "Google Colab" in setup_output, f"setup cell did not report Colab: {setup_output!r}"
    origin = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    venv = str(colab["base"] / "venv")
    assert "HELPERS_FROM" in origin and venv in origin and str(ROOT) not in origin, origin
    calls = (colab["base"] / "colab-calls.txt").read_text().split()
    assert "enable_custom_widget_manager" in calls
    assert not stderr_outputs(nb), stderr_outputs(nb)

"""A Colab user's path, from Colab's own runtime: every notebook a student opens from its badge runs clean
in a rebuilt Colab runtime (tests/colab_runtimes.toml: Colab's Python, TensorFlow, Keras, JAX, ...), where
the course package is absent until the notebook's setup cell pip-installs it, with the course's Keras,
from a local git URL standing in for GitHub. Each notebook is copied alone into an empty folder and runs
in a runtime of its own, as a notebook opened from its badge does.

The same runs prove the declared floors (helpers.setup.MINIMUM_VERSIONS): after the setup cell, the
runtime holds exactly the floor versions, and every notebook passes on them.

COLAB_KERAS_UPGRADE=off runs the same test with the setup cell's Keras upgrade (and the floor check that
would refuse Colab's Keras) taken out of the package it installs: the notebooks that need Keras 3.15 fail.
`test_without_the_upgrade_a_notebook_fails` checks that on one notebook in every run.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import nbformat
import pytest
from colab_env import base_env, fresh_runtime, runtime
from conftest import ARTIFACTS, ROOT
from nbrun import stderr_outputs, thread_budget

from helpers.project import HELPERS_URL_ENV
from helpers.setup import BACKEND_MINIMUM_VERSIONS, MINIMUM_VERSIONS, parse_version

# Everything a student opens from a badge: the front page, every section, the quiz notebooks, and each
# exercise with its reference solution filled in (the nbgrader source, hidden tests included).
COLAB_NOTEBOOKS = (
    sorted(str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))
    + sorted(str(p.relative_to(ROOT)) for p in (ROOT / "quiz").glob("*.ipynb"))
    + sorted(str(p.relative_to(ROOT)) for p in (ROOT / "grading" / "source").glob("ex*/ex*.ipynb"))
)
LIMIT_SECONDS = 240  # a whole notebook, its setup cell's pip install included
SNAPSHOT = ["helpers", "pyproject.toml", "README.md"]  # what `pip install git+URL` needs
UPGRADE = os.environ.get("COLAB_KERAS_UPGRADE", "on") != "off"
# Versions read back after the notebook ran: the floors, and the backend Colab keeps.
WATCHED = [*MINIMUM_VERSIONS, *BACKEND_MINIMUM_VERSIONS["tensorflow"], "jax", "flax", "torch"]


def colab_keras() -> str:
    """The Keras version Colab preinstalls."""
    return runtime()["preinstalled"]["keras"]


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def without_the_upgrade(dest: Path, colab_keras: str) -> None:
    """Take the Keras pin out of the package the setup cell installs, and let Colab's Keras pass the floor."""
    pyproject = dest / "pyproject.toml"
    text = pyproject.read_text()
    text = re.sub(r'\n    "keras==[^"]*",', "", text)  # the `colab` and `course` pins
    text = re.sub(r'"keras>=[^"]*"', f'"keras>={colab_keras}"', text)
    pyproject.write_text(text)
    setup = dest / "helpers" / "setup.py"
    setup.write_text(re.sub(r'"keras": "[^"]*"', f'"keras": "{colab_keras}"', setup.read_text(), count=1))


def snapshot_repo(dest: Path, upgrade: bool, served: Path, address: str) -> str:
    """A git repository holding the working tree's package, served over HTTP as GitHub serves the
    public one (a git+file:// URL would not do: Colab's pip rejects `name[extra] @ git+file:///...`)."""
    dest.mkdir()
    for name in SNAPSHOT:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / name)
    if not upgrade:
        without_the_upgrade(dest, colab_keras())
    git("init", "-q", "-b", "main", cwd=dest)
    git("add", "-A", cwd=dest)
    git("-c", "user.name=ci", "-c", "user.email=ci@localhost", "commit", "-q", "-m", "snapshot", cwd=dest)
    bare = served / f"{dest.name}.git"
    git("clone", "-q", "--bare", str(dest), str(bare), cwd=dest)
    git("update-server-info", cwd=bare)  # git's "dumb" HTTP protocol: static files only
    return f"git+http://{address}/{bare.name}@main"


def kernel_spec(python: Path, data_dir: Path) -> None:
    spec = data_dir / "kernels" / "colab"
    spec.mkdir(parents=True)
    argv = [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec_json = {"argv": argv, "display_name": "colab", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(spec_json))


def colab_env_vars(base: Path, url: str) -> dict[str, str]:
    """The environment of Colab's kernel: no KERAS_BACKEND (Colab's default, TensorFlow), google.colab."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "VIRTUAL_ENV", "JUPYTER_PATH", "KERAS_BACKEND", "PYTHONHOME")
    }
    env.update(
        PYTHONPATH=str(ROOT / "tests" / "colab_stub"),
        COLAB_STUB_MARKER=str(base / "colab-calls.txt"),
        **thread_budget(),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        **{HELPERS_URL_ENV: url},
    )
    return env


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # one line per git object fetched would flood the test log
        pass


def serve(directory: Path) -> str:
    """Serve `directory` over HTTP on loopback from a daemon thread; return host:port."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def colab(tmp_path_factory, record_time):
    base = tmp_path_factory.mktemp("colab")
    (base / "served").mkdir()
    address = serve(base / "served")
    started = time.perf_counter()
    python = base_env()  # cached between runs; built once per machine (or CI run)
    record_time("Colab runtime", "base environment (Colab's versions; cached after the first build)",
                time.perf_counter() - started)
    return {"base": base, "python": python, "urls": {}, "address": address}


def repo_url(colab, upgrade: bool) -> str:
    if upgrade not in colab["urls"]:
        name = f"public-repo-{'up' if upgrade else 'off'}"
        colab["urls"][upgrade] = snapshot_repo(
            colab["base"] / name, upgrade, colab["base"] / "served", colab["address"]
        )
    return colab["urls"][upgrade]


RUNNER = """
import os, sys, nbformat
sys.path.insert(0, os.environ["NBRUN_DIR"])
from nbrun import SlicedWaitClient
nb = nbformat.read(sys.argv[1], as_version=4)
nb.cells.append(nbformat.v4.new_code_cell(
    "import helpers, json\\nfrom importlib import metadata\\n"
    "def v(n):\\n    try:\\n        return metadata.version(n)\\n    except metadata.PackageNotFoundError:\\n"
    "        return None\\n"
    "print('HELPERS_FROM', helpers.__file__)\\nprint('VERSIONS', json.dumps({n: v(n) for n in sys.argv[4:]}))"
    .replace("sys.argv[4:]", repr(sys.argv[4:]))
))
client = SlicedWaitClient(nb, timeout=int(sys.argv[3]), kernel_name="colab")
try:
    client.execute()
finally:
    nbformat.write(nb, sys.argv[2])
"""


def run_the_colab_way(colab, relative: str, upgrade: bool) -> tuple[subprocess.CompletedProcess, Path, float]:
    """Run one notebook alone in /content-like folder, in a runtime of its own; return result, output, s."""
    name = Path(relative).stem + ("" if upgrade else "-no-upgrade")
    work = colab["base"] / "content" / name  # Colab's cwd is /content, not the repository
    work.mkdir(parents=True)
    python = fresh_runtime(colab["python"], colab["base"] / "runtimes" / name)
    kernel_spec(python, colab["base"] / "jupyter" / name)
    env = colab_env_vars(colab["base"], repo_url(colab, upgrade))
    env["JUPYTER_PATH"] = str(colab["base"] / "jupyter" / name)
    env["NBRUN_DIR"] = str(Path(__file__).parent)  # the runner's nbclient, not the kernel's
    source = work / Path(relative).name
    shutil.copy2(ROOT / relative, source)
    executed = work / "executed.ipynb"
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, source, executed, str(LIMIT_SECONDS), *WATCHED],
        env=env, cwd=work, capture_output=True, text=True, timeout=LIMIT_SECONDS + 120,
    )
    return result, executed, time.perf_counter() - started


def cell_seconds(cell) -> float | None:
    """Wall time of one executed cell, from the timestamps nbclient records."""
    timing = cell.get("metadata", {}).get("execution", {})
    began, ended = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (began and ended):
        return None
    parse = datetime.fromisoformat
    return (parse(ended.replace("Z", "+00:00")) - parse(began.replace("Z", "+00:00"))).total_seconds()


def setup_cell(nb):
    return next(c for c in nb.cells if c.cell_type == "code" and "helpers.setup import start" in c.source)


def printed(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []))


@pytest.mark.parametrize("relative", COLAB_NOTEBOOKS)
def test_notebook_runs_on_colabs_runtime(colab, relative, record_time):
    result, executed, seconds = run_the_colab_way(colab, relative, UPGRADE)
    nb = nbformat.read(executed, as_version=4) if executed.exists() else None
    setup = cell_seconds(setup_cell(nb)) if nb else None
    label = f"{relative} (setup cell {setup:.0f} s)" if setup is not None else relative
    record_time(f"Colab runtime: {runtime()['name']}", label, seconds, LIMIT_SECONDS)
    if nb is not None:
        (ARTIFACTS / "colab").mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, ARTIFACTS / "colab" / Path(relative).name)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    said = printed(setup_cell(nb))
    assert "Google Colab" in said, f"setup cell did not report Colab: {said!r}"
    report = printed(nb.cells[-1])
    runtimes = str(colab["base"] / "runtimes")
    assert "HELPERS_FROM" in report and runtimes in report and str(ROOT) not in report, report
    assert "enable_custom_widget_manager" in (colab["base"] / "colab-calls.txt").read_text().split()
    assert not stderr_outputs(nb), stderr_outputs(nb)
    if UPGRADE:
        # The floors are what ran: the setup cell brought Colab to them, and Colab's TensorFlow stayed.
        versions = json.loads(report.split("VERSIONS", 1)[1])
        floors = {**MINIMUM_VERSIONS, **BACKEND_MINIMUM_VERSIONS["tensorflow"]}
        if runtime()["proves_floors"]:
            assert {name: versions[name] for name in floors} == floors, versions
        else:
            assert all(parse_version(versions[n]) >= parse_version(v) for n, v in floors.items()), versions
        for kept in ("tensorflow", "jax", "flax", "torch"):
            kept_version = runtime()["preinstalled"][kept]
            assert versions[kept] == kept_version, f"the setup cell replaced Colab's {kept}: {versions}"


# Needs Keras >= 3.11 (adaptive pooling): fails on Colab's own Keras. Proves this test can fail.
NEEDS_THE_UPGRADE = "notebooks/08_pooling.ipynb"


def test_without_the_upgrade_a_notebook_fails(colab):
    result, _, _ = run_the_colab_way(colab, NEEDS_THE_UPGRADE, upgrade=False)
    assert result.returncode != 0, "notebook 08 ran on Colab's own Keras: the Colab test cannot fail?"
    assert "AdaptiveMaxPooling1D" in result.stdout + result.stderr, result.stdout[-2000:]


def test_keras_imported_before_the_setup_cell_stops_it(colab, tmp_path):
    # A student runs `import keras` (Colab's 3.10) first, then the setup cell: it installs Keras 3.15.1
    # on disk, but Python keeps 3.10 in memory; the cell must stop and say how to recover.
    from helpers.project import SETUP_CELL

    if not UPGRADE:
        pytest.skip("COLAB_KERAS_UPGRADE=off: no newer Keras is installed, so nothing is stale")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import keras\nprint(keras.__version__)"),
                nbformat.v4.new_code_cell(SETUP_CELL)]
    relative = "keras_imported_first.ipynb"
    nbformat.write(nb, tmp_path / relative)
    result, executed, _ = run_the_colab_way(colab, str(tmp_path / relative), UPGRADE)
    assert result.returncode != 0, "the setup cell went on with a stale Keras in memory"
    ran = nbformat.read(executed, as_version=4)
    error = next(o for o in ran.cells[1].outputs if o.output_type == "error")
    assert error.ename == "CourseEnvironmentError", error.ename
    assert f"Keras {colab_keras()} was imported" in error.evalue, error.evalue
    assert "Runtime → Restart session" in error.evalue, error.evalue

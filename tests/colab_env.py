"""Google Colab's runtime, rebuilt on this machine for the Colab-runtime test (tests/test_colab.py).

`base_env()` installs Colab's preinstalled versions (tests/colab_runtimes.toml) once into a cached venv.
`fresh_runtime()` then gives each notebook its own copy of that state, cheaply: an empty venv that
sees the base's site-packages through one `.pth` line, after its own, so whatever the notebook's setup cell
pip-installs (the course helpers, the course's Keras) lands in the overlay and shadows the base, and the
next notebook starts from Colab's versions again. pip leaves the base alone: it never uninstalls a
package outside the running environment ("Not uninstalling keras … outside environment").
"""

from __future__ import annotations

import fcntl
import functools
import glob
import hashlib
import json
import os
import shutil
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNTIMES = ROOT / "tests" / "colab_runtimes.toml"
CACHE = Path(os.environ.get("COURSE_CACHE", ROOT / ".cache")) / "colab"


@functools.cache  # COLAB_RUNTIME and the data file do not change during a run
def runtime() -> dict:
    """The Colab runtime to rebuild (COLAB_RUNTIME, else the data file's `tested` one): its name,
    source, python and packages, and whether it is the one that proves the floors."""
    data = tomllib.loads(RUNTIMES.read_text(encoding="utf-8"))
    key = os.environ.get("COLAB_RUNTIME", data["tested"])
    spec = data["runtimes"][key]
    preinstalled = dict(p.split("==") for p in spec["packages"])
    return {**spec, "key": key, "proves_floors": key == data["tested"], "preinstalled": preinstalled}


def interpreter(version: str) -> Path:
    """A Python `version` ("3.12") on this machine: one of pyenv's builds, or one on PATH that runs.

    pyenv's shims are on PATH for every installed version but refuse to run one the shell has not
    selected, so each candidate is tried before it is used.
    """
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = sorted(glob.glob(f"{pyenv_root}/versions/{version}.*/bin/python{version}"), reverse=True)
    candidates += [found] if (found := shutil.which(f"python{version}")) else []
    for candidate in candidates:
        ran = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"],
                             capture_output=True, text=True)
        if ran.returncode == 0 and ran.stdout.strip() == str(tuple(map(int, version.split(".")))):
            return Path(candidate)
    raise FileNotFoundError(f"no working Python {version} (looked under {pyenv_root}/versions and on PATH)")


def site_packages(python: Path) -> Path:
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    result = subprocess.run([python, "-c", code], check=True, capture_output=True, text=True)
    return Path(result.stdout.strip())


def base_env(spec: dict | None = None) -> Path:
    """The cached venv holding Colab's preinstalled packages; built on first use. Returns its python."""
    spec = spec or runtime()
    key = hashlib.sha256(json.dumps([spec["python"], spec["packages"]]).encode()).hexdigest()[:12]
    dest = CACHE / f"base-{key}"
    python = dest / "bin" / "python"
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f"base-{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test processes never build the same base at once
        if (dest / ".complete").exists():
            return python
        shutil.rmtree(dest, ignore_errors=True)
        subprocess.run([interpreter(spec["python"]), "-m", "venv", dest], check=True)
        subprocess.run(
            [python, "-m", "pip", "install", "-q", "--disable-pip-version-check", *spec["packages"]],
            check=True,
        )
        (dest / ".complete").write_text(json.dumps(spec, indent=1))
    return python


def fresh_runtime(base_python: Path, dest: Path) -> Path:
    """A new venv that sees the base's packages and installs into itself. Returns its python."""
    home = Path(os.path.realpath(base_python)).parent  # the interpreter the base venv was made from
    version = subprocess.run(
        [base_python, "-c", "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    subprocess.run([home / f"python{version}", "-m", "venv", "--without-pip", dest], check=True)
    python = dest / "bin" / "python"
    (site_packages(python) / "colab_preinstalled.pth").write_text(f"{site_packages(base_python)}\n")
    return python


if __name__ == "__main__":  # .ci/run builds the base in the background while it installs the rest
    import time

    started = time.perf_counter()
    print(base_env(), f"ready in {time.perf_counter() - started:.0f} s")

"""helpers.setup and helpers.project: version checks, quiet imports, Colab detection, badges."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from helpers import project, setup
from helpers.sections import section, sections


@pytest.mark.parametrize(
    "text, expected",
    [("3.15.1", (3, 15, 1)), ("2.21.0rc1", (2, 21, 0)), ("8.1.9+local", (8, 1, 9)), ("3.10", (3, 10))],
)
def test_parse_version(text, expected):
    assert setup.parse_version(text) == expected


def test_check_versions_accepts_new_enough():
    found = setup.check_versions({"keras": "3.10"}, version_of=lambda name: "3.15.1")
    assert found == {"keras": "3.15.1"}


def test_check_versions_names_every_problem_and_its_fix():
    versions = {"keras": "2.15.0", "numpy": None}
    with pytest.raises(setup.CourseEnvironmentError) as error:
        setup.check_versions({"keras": "3.10", "numpy": "1.26"}, version_of=versions.get)
    message = str(error.value)
    assert "keras 2.15.0 is too old" in message and "pip install -U 'keras>=3.10'" in message
    assert "numpy is not installed" in message


def test_keras_imported_before_an_upgrade_stops_the_setup():
    # Colab: a cell imported Colab's Keras 3.10, then the setup cell installed 3.15.1 on disk.
    class OldKeras:
        __version__ = "3.10.0"

    with pytest.raises(setup.CourseEnvironmentError, match="Restart session"):
        setup.check_keras_not_stale("3.15.1", modules={"keras": OldKeras})
    setup.check_keras_not_stale("3.15.1", modules={})  # not imported yet: fine
    OldKeras.__version__ = "3.15.1"
    setup.check_keras_not_stale("3.15.1", modules={"keras": OldKeras})  # the same Keras: fine


def test_the_floor_check_includes_the_chosen_backend(monkeypatch):
    seen = {}

    def fake_check(minimums, **_):
        seen.update(minimums)
        raise setup.CourseEnvironmentError("stop here")

    monkeypatch.setattr(setup, "check_versions", fake_check)
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    with pytest.raises(setup.CourseEnvironmentError):
        setup.start(verbose=False)
    assert seen == {**setup.MINIMUM_VERSIONS, **setup.BACKEND_MINIMUM_VERSIONS["tensorflow"]}


def test_check_versions_compares_numerically_not_as_text():
    # "3.9" > "3.10" as strings; as versions it is older.
    with pytest.raises(setup.CourseEnvironmentError):
        setup.check_versions({"keras": "3.10"}, version_of=lambda name: "3.9.2")


def test_check_versions_rejects_old_python():
    with pytest.raises(setup.CourseEnvironmentError, match="Python"):
        setup.check_versions({}, python=(sys.version_info.major, sys.version_info.minor + 1))


def test_native_stderr_is_silenced_but_stdout_is_not():
    code = (
        "import os\n"
        "from helpers.setup import native_stderr_silenced\n"
        "with native_stderr_silenced():\n"
        "    os.write(2, b'native noise\\n')\n"
        "os.write(1, b'kept\\n')\n"
        "os.write(2, b'after\\n')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "kept\n"
    assert result.stderr == "after\n"


def test_start_imports_keras_without_any_stderr():
    env = {**os.environ, "KERAS_BACKEND": "tensorflow"}
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)
    code = "from helpers.setup import start\nstart(seed=1)\nimport keras\nkeras.ops.ones((2,))\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stderr == ""
    assert "on the tensorflow backend" in result.stdout and "local Jupyter" in result.stdout


def test_start_seeds_reproducibly():
    code = (
        "from helpers.setup import start\nstart(seed=7, verbose=False)\nimport keras, numpy as np\n"
        "print(np.random.rand(), float(keras.ops.convert_to_numpy(keras.random.uniform(()))))\n"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        for _ in range(2)
    ]
    assert runs[0] == runs[1] and runs[0].strip()


def test_on_colab_follows_google_colab_importability(tmp_path, monkeypatch):
    assert setup.on_colab() is False
    colab = tmp_path / "google" / "colab"
    colab.mkdir(parents=True)
    (colab / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m == "google" or m.startswith("google.")]:
        monkeypatch.delitem(sys.modules, name)
    assert setup.on_colab() is True


def test_colab_badge_points_at_the_notebook_on_github():
    badge = project.colab_badge("notebooks/01_layer_base.ipynb")
    assert badge.startswith("[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](")
    assert badge.endswith(f"/github/{project.REPO}/blob/{project.BRANCH}/notebooks/01_layer_base.ipynb)")


def test_setup_cell_installs_from_the_one_url_and_starts():
    cell = project.SETUP_CELL
    assert project.HELPERS_URL in cell and project.HELPERS_URL_ENV in cell
    assert cell.rstrip().endswith("ENV = start(seed=42)")
    compile(cell, "<setup cell>", "exec")


def test_sections_cover_the_162_names():
    assert len(sections()) == 17
    assert sum(len(entry["apis"]) for entry in sections()) == 162
    assert section("01")["title"] == "The base Layer class"
    with pytest.raises(KeyError):
        section("99")

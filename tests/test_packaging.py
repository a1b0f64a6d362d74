"""One source of truth for versions: pyproject's extras; the Makefile and environment.yml defer to it."""

from __future__ import annotations

import re
import tomllib

from conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
EXTRAS = PYPROJECT["project"]["optional-dependencies"]
REQUIRED = {"keras": "3.15.", "tensorflow": "2.21.", "jupyterlab": "4.", "nbgrader": "0.9.",
            "ipywidgets": "8.", "matplotlib": "3."}


def pins(extra: str) -> dict[str, str]:
    found = {}
    for requirement in EXTRAS[extra]:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([0-9][0-9A-Za-z.+]*)", requirement)
        if match:
            found[match.group(1).lower()] = match.group(2)
    return found


def test_required_packages_are_pinned_to_the_agreed_series():
    course = pins("course")
    for package, series in REQUIRED.items():
        assert package in course, f"{package} is not pinned with == in the course extra"
        assert course[package].startswith(series), f"{package}=={course[package]} is not {series}x"


def test_test_and_backend_extras_are_pinned():
    for extra in ("test", "site", "backends"):
        unpinned = [r for r in EXTRAS[extra] if "==" not in r]
        assert not unpinned, f"unpinned in [{extra}]: {unpinned}"
    assert pins("backends")["torch"] == "2.13.0"


def test_environment_yml_installs_the_same_extras_and_pins_nothing_itself():
    text = (ROOT / "environment.yml").read_text()
    assert "-e .[course,test,site]" in text
    assert "==" not in text, "environment.yml must not repeat version pins; they live in pyproject.toml"


def test_makefile_installs_from_the_extras():
    text = (ROOT / "Makefile").read_text()
    assert "pip install -q -e '.[course,test,site]'" in text
    assert "'.[course,test,site,backends]'" in text
    assert re.search(r"^test: \$\(STAMP\)", text, flags=re.MULTILINE)


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and re.search(r"^step \"make test\" make test$", ci, flags=re.MULTILINE)


def test_colab_install_floors_match_the_setup_check():
    # On Colab, `pip install git+<url>` upgrades anything below these floors before Keras is imported,
    # so the setup cell's version check then passes instead of telling the student to upgrade.
    from helpers.setup import MINIMUM_VERSIONS

    floors = dict(r.split(">=") for r in PYPROJECT["project"]["dependencies"])
    assert floors == MINIMUM_VERSIONS


def test_colab_extra_pins_the_course_versions_at_the_floors():
    # The setup cell installs the `colab` extra on Colab: the pinned Keras, and each pin equals both the
    # course's pin and the declared floor, so what Colab gets is what tests/test_colab.py ran.
    from helpers.project import COLAB_REQUIREMENT, SETUP_CELL
    from helpers.setup import MINIMUM_PYTHON, MINIMUM_VERSIONS

    extras = PYPROJECT["project"]["optional-dependencies"]
    course = dict(r.split("==") for r in extras["course"] if "==" in r)
    colab = dict(r.split("==") for r in extras["colab"])
    assert "keras" in colab
    assert all(course[name] == version == MINIMUM_VERSIONS[name] for name, version in colab.items()), colab
    assert COLAB_REQUIREMENT.startswith(f"{PYPROJECT['project']['name']}[colab] @ ")
    assert COLAB_REQUIREMENT.replace("{url}", "") in SETUP_CELL
    assert PYPROJECT["project"]["requires-python"] == ">={}.{}".format(*MINIMUM_PYTHON)

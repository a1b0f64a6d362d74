"""Where the course lives. The one place to change when the repository moves or is forked.

After changing REPO, run `make notebooks` (badges and setup cells are checked against this file).
"""

REPO = "keras-layers-course/keras3-layers-course"  # GitHub owner/name
BRANCH = "main"
PACKAGE = "keras-layers-course"

# What the Colab setup cell installs; the environment variable lets a fork or a test point elsewhere.
HELPERS_URL_ENV = "COURSE_HELPERS_URL"
HELPERS_URL = f"git+https://github.com/{REPO}.git@{BRANCH}"


def colab_url(path: str) -> str:
    """Colab address that opens `path` (relative to the repository root) from GitHub."""
    return f"https://colab.research.google.com/github/{REPO}/blob/{BRANCH}/{path}"


def colab_badge(path: str) -> str:
    """Markdown for the "Open in Colab" badge of the notebook at `path`."""
    return (
        f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        f"({colab_url(path)})"
    )


# What the setup cell installs on Colab: the helpers with their `colab` extra (pyproject.toml), which
# pins the Keras the course is tested on; Colab's own TensorFlow, JAX and PyTorch stay as they are.
COLAB_REQUIREMENT = f"{PACKAGE}[colab] @ {{url}}"

# The first code cell of every notebook, verbatim. On Colab it installs what Colab lacks (the helpers)
# or has too old (Keras); everywhere it seeds, quiets logs, checks versions and reports the backend.
SETUP_CELL = f'''# Setup: on Colab this installs the course helpers and Keras; locally it checks versions.
import importlib, importlib.util, os, subprocess, sys

if importlib.util.find_spec("google.colab") and importlib.util.find_spec("helpers") is None:
    url = os.environ.get("{HELPERS_URL_ENV}", "{HELPERS_URL}")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"{COLAB_REQUIREMENT}"], check=True)
    importlib.invalidate_caches()

from helpers.setup import start

ENV = start(seed=42)'''


def backend_cell(backend: str) -> str:
    """The code cell that comes before SETUP_CELL in a notebook that needs one backend (section 17).

    Keras reads KERAS_BACKEND once, at its first import, so this must run before anything imports it;
    on Colab, restart the runtime if Keras was already imported with another backend.
    """
    return (
        f"# This notebook needs the {backend} backend: choose it before Keras is first imported.\n"
        f'import os\n\nos.environ["KERAS_BACKEND"] = "{backend}"'
    )

"""The setup behind every notebook's first cell.

`start()` must run before `keras` is first imported: TensorFlow reads its log level and Keras its
backend only once, at import time.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import sys
import tempfile
import warnings
from dataclasses import dataclass, field
from importlib import metadata

# The oldest versions every notebook is tested on (tests/test_colab.py runs them all on exactly these,
# in Colab's runtime; tests/test_packaging.py keeps pyproject.toml's floors equal to them). Older ones
# stop the setup cell with a message that says what to do. Keras 3.15 is needed: older releases lack
# layers the course teaches (e.g. AdaptiveMaxPooling1D) and differ in behaviour its proofs assert.
MINIMUM_VERSIONS = {"keras": "3.15.1", "numpy": "2.0.2", "matplotlib": "3.10.0", "ipywidgets": "8.1.9"}
# Checked only when that backend is chosen: Colab's TensorFlow is never replaced, so it must be enough.
BACKEND_MINIMUM_VERSIONS = {"tensorflow": {"tensorflow": "2.19.0"}}
MINIMUM_PYTHON = (3, 11)  # Keras 3.15 requires it


class CourseEnvironmentError(RuntimeError):
    """The Python environment cannot run the course notebooks; the message says how to fix it."""


@dataclass
class Environment:
    backend: str
    keras_version: str
    python_version: str
    on_colab: bool
    seed: int
    versions: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        where = "Google Colab" if self.on_colab else "local Jupyter"
        return (
            f"Keras {self.keras_version} on the {self.backend} backend, Python {self.python_version},"
            f" {where}, seed {self.seed}"
        )


def on_colab() -> bool:
    """True inside Google Colab (or wherever a `google.colab` module is importable)."""
    return importlib.util.find_spec("google.colab") is not None


def parse_version(text: str) -> tuple[int, ...]:
    """Numeric release tuple of a version string: '3.15.1' -> (3, 15, 1), '2.21.0rc1' -> (2, 21, 0)."""
    parts = []
    for piece in text.split("+")[0].split("."):
        digits = ""
        for ch in piece:
            if not ch.isdigit():
                break
            digits += ch
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def installed_version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def check_versions(
    minimums: dict[str, str] = MINIMUM_VERSIONS,
    python: tuple[int, int] = MINIMUM_PYTHON,
    version_of=installed_version,
) -> dict[str, str]:
    """Return the installed versions; raise CourseEnvironmentError naming every problem and its fix."""
    problems = []
    if sys.version_info[:2] < python:
        problems.append(
            f"Python {sys.version_info.major}.{sys.version_info.minor} is too old; "
            f"the course needs Python {python[0]}.{python[1]} or newer."
        )
    found = {}
    for package, minimum in minimums.items():
        version = version_of(package)
        if version is None:
            problems.append(f"{package} is not installed: run  pip install '{package}>={minimum}'")
        elif parse_version(version) < parse_version(minimum):
            problems.append(
                f"{package} {version} is too old (the course needs {minimum} or newer): "
                f"run  pip install -U '{package}>={minimum}'  and restart the kernel"
            )
        else:
            found[package] = version
    if problems:
        raise CourseEnvironmentError("The course cannot run here yet:\n  - " + "\n  - ".join(problems))
    return found


def check_keras_not_stale(installed: str, modules=sys.modules) -> None:
    """Refuse to go on when the Keras in memory is not the Keras on disk.

    On Colab the setup cell upgrades Keras; if an earlier cell had already imported Colab's own Keras,
    Python keeps that old one until the runtime restarts, and the notebook would run on it.
    """
    loaded = getattr(modules.get("keras"), "__version__", None)
    if loaded is not None and loaded != installed:
        raise CourseEnvironmentError(
            f"Keras {loaded} was imported before this cell installed Keras {installed}, and Python keeps "
            "the old one until it restarts.\n  In Colab: Runtime → Restart session, then run this cell "
            "again (first, before anything imports keras).\n  In Jupyter: Kernel → Restart, then run "
            "this cell first."
        )


def quiet_logs() -> None:
    """Silence TensorFlow's C++ and Python logging and the warnings it emits at import time."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # read by TensorFlow's C++ core at import
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # avoids the oneDNN rounding banner
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(tensorflow|keras|jax)")
    warnings.filterwarnings("ignore", category=FutureWarning, module=r"(tensorflow|keras|jax)")


@contextlib.contextmanager
def native_stderr_silenced():
    """Swallow what native code writes to file descriptor 2 inside the block.

    TensorFlow's C++ core logs a CUDA probe to stderr at import time, before TF_CPP_MIN_LOG_LEVEL
    is read; in a notebook that shows as red text, and nbgrader zeroes a test cell that prints it.
    Python-level errors still surface: they are raised, not written.
    """
    try:
        fd = sys.__stderr__.fileno()
    except (AttributeError, OSError, ValueError):  # no real stderr (some embedded kernels)
        yield
        return
    saved = os.dup(fd)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), fd)
        try:
            yield
        finally:
            os.dup2(saved, fd)
            os.close(saved)


def import_keras_quietly():
    """Import keras (and its backend) with the backend's native import-time logging suppressed."""
    quiet_logs()
    with native_stderr_silenced():
        import keras

        if importlib.util.find_spec("tensorflow"):  # always true on the TensorFlow backend
            # On JAX/PyTorch, Keras still imports TensorFlow lazily (e.g. on the first get_config
            # or save), and its C++ start-up log would reach stderr then: import it here instead.
            import tensorflow as tf

            tf.get_logger().setLevel(logging.ERROR)
    return keras


def enable_colab_widgets() -> None:
    """Colab renders ipywidgets 8 only with its custom widget manager switched on."""
    from google.colab import output  # type: ignore[import-not-found]

    output.enable_custom_widget_manager()


def start(seed: int = 42, backend: str | None = None, verbose: bool = True) -> Environment:
    """Prepare a notebook: quiet logs, check versions, pick the backend, fix the seeds, report.

    `backend` only takes effect before Keras is imported; otherwise KERAS_BACKEND (default
    tensorflow) decides.
    """
    quiet_logs()
    if backend is not None:
        if "keras" in sys.modules and os.environ.get("KERAS_BACKEND", "tensorflow") != backend:
            raise CourseEnvironmentError(
                "Keras is already imported, so its backend can no longer change: restart the "
                f"kernel and run this cell first to use {backend!r}."
            )
        os.environ["KERAS_BACKEND"] = backend
    chosen = os.environ.get("KERAS_BACKEND", "tensorflow")
    versions = check_versions({**MINIMUM_VERSIONS, **BACKEND_MINIMUM_VERSIONS.get(chosen, {})})
    check_keras_not_stale(versions["keras"])
    colab = on_colab()
    if colab:
        enable_colab_widgets()

    keras = import_keras_quietly()
    keras.utils.set_random_seed(seed)  # Python, NumPy and the backend's generator in one call
    env = Environment(
        backend=keras.backend.backend(),
        keras_version=keras.__version__,
        python_version=".".join(map(str, sys.version_info[:3])),
        on_colab=colab,
        seed=seed,
        versions=versions,
    )
    from helpers.plots import use_course_style

    use_course_style()
    if verbose:
        print(env)
    return env

"""Checks for the graded exercises in grading/: clear failures, nothing on stderr, trusted references.

Public tests (visible in the student's notebook, runnable in JupyterLab or Colab without nbgrader)
use `check`, `check_close`, `check_true`, `silenced` and `passed`. A failure reads
"<what>: expected <X>, saw <Y>".

nbgrader scores a test cell 0 when anything reaches stderr, so every line of student code a test
runs goes inside `silenced()`: Python warnings, logging, `sys.stderr` and native (C++) writes to
file descriptor 2 are swallowed there, and a correct but noisy solution still earns its points.

Hidden tests (only in grading/source, run by `nbgrader autograde`) start with `trusted()`. Student
code shares the kernel with the tests and could rebind `numpy.allclose`, `builtins.abs`, a Keras
function or `check` itself. The locked setup cell imports this module before any student code
runs, so the snapshot below is taken from the genuine objects; `trusted()` refuses to grade a
notebook in which any of them was rebound, and the checks it hands out use the snapshot, not the
live names. Someone who reads this file can still get around it: docs/grading.md describes that
residual risk and the isolation option.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import logging
import sys
import types
import warnings

import numpy

from helpers.setup import import_keras_quietly, native_stderr_silenced

keras = import_keras_quietly()

try:  # clears outputs of the running cell; absent outside IPython
    from IPython.display import clear_output as _clear_output
except ImportError:  # pragma: no cover - IPython ships with every Jupyter and Colab
    def _clear_output(wait=False):
        return None


class CheckFailed(AssertionError):
    """A check did not hold; the message says what was expected and what was seen."""


# ---------------------------------------------------------------- the snapshot of trusted objects

_BUILTIN_NAMES = (
    "abs", "all", "any", "bool", "callable", "compile", "dict", "exec", "float", "getattr", "hasattr",
    "id", "int", "isinstance", "issubclass", "iter", "len", "list", "max", "min", "next", "open",
    "print", "range", "repr", "round", "setattr", "sorted", "str", "sum", "tuple", "type", "vars",
    "zip", "__import__",
)
# Modules and classes whose functions a check may rely on, directly or through Keras.
_WATCHED_MODULES = {
    "numpy": numpy,
    "numpy.linalg": numpy.linalg,
    "numpy.random": numpy.random,
    "numpy.testing": numpy.testing,
    "keras.ops": keras.ops,
    "keras.activations": keras.activations,
    "keras.initializers": keras.initializers,
    "keras.regularizers": keras.regularizers,
    "keras.constraints": keras.constraints,
    "keras.saving": keras.saving,
    "keras.utils": keras.utils,
}
_WATCHED_CLASSES = {
    "keras.Layer": keras.Layer,
    "keras.Model": keras.Model,
    "keras.Sequential": keras.Sequential,
    "keras.Variable": keras.Variable,
    "keras.Initializer": keras.initializers.Initializer,
    "keras.Regularizer": keras.regularizers.Regularizer,
    "keras.Constraint": keras.constraints.Constraint,
}


# The builtins the integrity check itself uses, captured so that rebinding them cannot blind it.
_vars, _callable, _sorted, _all, _isinstance, _type = vars, callable, sorted, all, isinstance, type


def _functions(namespace: dict) -> dict:
    """The callable entries of a module's or class's namespace (data attributes may change legally)."""
    return {name: value for name, value in namespace.items() if _callable(value)}


def _current_state() -> dict[str, dict]:
    """What the watched names point at right now: one {name: object} table per watched place."""
    state = {"builtins": {name: _vars(builtins).get(name) for name in _BUILTIN_NAMES}}
    for label, module in _WATCHED_MODULES.items():
        state[label] = _functions(_vars(module))
    for label, cls in _WATCHED_CLASSES.items():
        state[label] = _functions(_vars(cls))
    this = sys.modules.get(__name__)
    state[__name__] = _functions(_vars(this)) if this is not None else {}  # a missing module: all flagged
    state[f"{__name__}.Trusted"] = _functions(_vars(Trusted))
    state[f"{__name__}._NUMPY"] = _functions(_vars(_NUMPY))
    return state


def _replaced(snapshot: dict[str, dict], now: dict[str, dict]) -> list[str]:
    """Names whose object changed since the snapshot, plus functions added to a watched class."""
    found = []
    for place, before in snapshot.items():
        after = now.get(place, {})
        for name, obj in before.items():
            if after.get(name) is not obj:
                found.append(f"{place}.{name}")
        if place in _WATCHED_CLASSES or place.endswith(".Trusted"):  # an added method overrides
            found.extend(f"{place}.{name}" for name in after.keys() - before.keys())
    return _sorted(found)


# Plain references used by the checks below, captured before any student code can rebind them.
_asarray = numpy.asarray
_float64 = numpy.float64
_fabs = numpy.absolute
_isfinite = numpy.isfinite
_array2string = numpy.array2string
_ndarray = numpy.ndarray
_to_numpy = keras.ops.convert_to_numpy
_PLAIN_TYPES = (int, float, str, bool, type(None))


# ---------------------------------------------------------------- comparisons shared by both kinds

def _plain(value):
    """Lists become tuples and NumPy scalars Python scalars, so shapes, counts and configs compare."""
    if _isinstance(value, (list, tuple)):
        return tuple(_plain(item) for item in value)
    if _isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if _isinstance(value, numpy.generic):
        return value.item()
    return value


def _is_plain(value) -> bool:
    """Built from Python's own types only, whose == a notebook cannot override."""
    if _type(value) is tuple:
        return _all(_is_plain(item) for item in value)
    if _type(value) is dict:
        return _all(_type(key) is str and _is_plain(item) for key, item in value.items())
    return _type(value) in _PLAIN_TYPES


def _same(seen, expected) -> bool:
    """Equal plain values of the same type (True is not 1); never trusts a custom __eq__."""
    seen, expected = _plain(seen), _plain(expected)
    return _is_plain(seen) and _type(seen) is _type(expected) and seen == expected


def _as_floats(value) -> numpy.ndarray:
    """A float64 ndarray (never a subclass) of a tensor, variable, array or number."""
    if not _isinstance(value, (_ndarray, int, float, list, tuple)):
        value = _to_numpy(value)
    return _asarray(value, dtype=_float64)


def _preview(array: numpy.ndarray) -> str:
    return _array2string(array, precision=4, threshold=12, edgeitems=2, suppress_small=True)


def _difference(seen, expected, atol: float, rtol: float, reveal: bool) -> str | None:
    """None when `seen` matches `expected` element-wise within atol + rtol*|expected|, else why not."""
    seen = _as_floats(seen)
    expected = _as_floats(expected)
    if seen.shape != expected.shape:
        return f"expected shape {expected.shape}, saw {seen.shape}"
    if not _isfinite(seen).all():
        return "expected finite numbers, saw NaN or infinity"
    gap = _fabs(seen - expected)
    if (gap <= atol + rtol * _fabs(expected)).all():
        return None
    summary = f"largest difference {gap.max():.4g}, allowed {atol:g} + {rtol:g}*|expected|"
    if not reveal:
        return f"expected values matching an independent NumPy computation, saw a {summary}"
    return f"expected {_preview(expected)}, saw {_preview(seen)} ({summary})"


# ---------------------------------------------------------------- public checks (student-visible)

def check(what: str, seen, expected) -> None:
    """Plain equality of shapes, counts, names and flags: "<what>: expected X, saw Y"."""
    __tracebackhide__ = True  # IPython hides this frame, so the failure is the last thing shown
    if not _same(seen, expected):
        raise CheckFailed(f"{what}: expected {expected!r}, saw {seen!r}")


def check_close(what: str, seen, expected, atol: float = 1e-5, rtol: float = 1e-5) -> None:
    """Numbers that should agree with a NumPy reference: shape first, then every value."""
    __tracebackhide__ = True
    with silenced():
        problem = _difference(seen, expected, atol, rtol, reveal=True)
    if problem:
        raise CheckFailed(f"{what}: {problem}")


def check_true(what: str, condition, expected: str, seen: str) -> None:
    """A property that is not an equality; the caller words what was expected and what was seen."""
    __tracebackhide__ = True
    if not condition:
        raise CheckFailed(f"{what}: expected {expected}, saw {seen}")


@contextlib.contextmanager
def silenced():
    """Run student code without anything reaching stderr (warnings, logging, print, C++ logs)."""
    previous_disable = logging.root.manager.disable
    with contextlib.ExitStack() as stack:
        stack.enter_context(warnings.catch_warnings())
        warnings.simplefilter("ignore")
        stack.enter_context(contextlib.redirect_stderr(io.StringIO()))
        stack.enter_context(native_stderr_silenced())
        logging.disable(logging.CRITICAL)
        try:
            yield
        finally:
            logging.disable(previous_disable)


def tampered() -> list[str]:
    """Watched names rebound since this module was imported (empty for an honest notebook)."""
    return _replaced(_SNAPSHOT, _current_state())


def _refuse_if_tampered(what: str) -> None:
    __tracebackhide__ = True
    changed = tampered()
    if changed:
        shown = ", ".join(changed[:4]) + (f" and {len(changed) - 4} more" if len(changed) > 4 else "")
        raise CheckFailed(
            f"{what}: expected the notebook to leave library and grading functions alone, "
            f"saw {shown} replaced (remove the code that rebinds them)"
        )


def checking(what: str) -> None:
    """Start of a test cell: clear any output that appeared before the checks ran.

    nbgrader reads a cell's first `execute_result` as a partial score; clearing removes one an
    IPython hook could have published ahead of the checks, and stderr flushed late by an earlier cell.
    """
    _clear_output()


def passed(what: str) -> None:
    """End of a test cell: refuse a tampered notebook, clear stray output, say the cell passed.

    Clearing removes stderr that a previous cell's native code flushed late into this one, which
    nbgrader would otherwise count as a failure of a cell whose checks all held.
    """
    __tracebackhide__ = True
    _refuse_if_tampered(what)
    _clear_output()
    print(f"{what}: all checks in this cell passed.")


# ---------------------------------------------------------------- hidden-test toolkit

class Trusted:
    """Checks and NumPy references for hidden tests, built from the import-time snapshot.

    Messages say what was expected and what was seen without echoing hidden inputs or outputs.
    """

    def __init__(self) -> None:
        self.np = _NUMPY
        self.silenced = silenced

    def rng(self, seed: int):
        return _default_rng(seed)

    def to_numpy(self, value) -> numpy.ndarray:
        with silenced():
            return _as_floats(value)

    def equal(self, what: str, seen, expected) -> None:
        __tracebackhide__ = True
        if not _same(seen, expected):
            raise CheckFailed(f"{what}: expected {expected!r}, saw {seen!r}")

    def close(self, what: str, seen, expected, atol: float = 1e-5, rtol: float = 1e-5) -> None:
        __tracebackhide__ = True
        with silenced():
            problem = _difference(seen, expected, atol, rtol, reveal=False)
        if problem:
            raise CheckFailed(f"{what}: {problem}")

    def true(self, what: str, condition, expected: str, seen: str) -> None:
        __tracebackhide__ = True
        if _type(condition) not in (bool, numpy.bool_) or not condition:
            raise CheckFailed(f"{what}: expected {expected}, saw {seen}")


def trusted() -> Trusted:
    """The toolkit for hidden tests; fails first when the notebook rebound something it relies on."""
    __tracebackhide__ = True
    _refuse_if_tampered("grading integrity")
    return Trusted()


# A frozen copy of NumPy's namespace (and the submodules hidden tests use), immune to `np.x = ...`.
_NUMPY = types.SimpleNamespace(
    **{name: value for name, value in vars(numpy).items() if not name.startswith("__")},
)
_NUMPY.linalg = types.SimpleNamespace(**vars(numpy.linalg))
_NUMPY.random = types.SimpleNamespace(**vars(numpy.random))
_default_rng = numpy.random.default_rng

_SNAPSHOT = _current_state()

"""Keras bugs the notebooks demonstrate: one registry, one helper every "known bug" cell uses.

A cell that shows a bug must not lock it in: on a Keras that has been fixed (or on another version,
such as Colab's) it would fail for the wrong reason, or, if it proved "whichever behaviour is
present", it would let the notebook's sentence about the bug go stale silently. So a cell passes
two checks to `assert_known_bug`: `bug()` asserts the buggy behaviour, `documented()` the documented
one. On a Keras version the registry lists for that bug, `bug()` must pass and `documented()` must
fail; on every other version (a future one included) the reverse. Any other outcome is an
AssertionError that says what to update. See docs/how_we_know.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from helpers.setup import parse_version


@dataclass(frozen=True)
class KnownBug:
    summary: str
    first: str  # the earliest Keras version verified to have the bug
    last: str  # the latest Keras version verified to have it (inclusive)
    reference: str = ""  # upstream issue or pull request, if any

    def covers(self, version: str) -> bool:
        return parse_version(self.first) <= parse_version(version) <= parse_version(self.last)


# Verified by running each notebook cell's case on the Keras wheels from PyPI (numpy backend for the
# older ones, all three backends for 3.15.1). Extend `last` when a newer Keras still has the bug.
BUGS: dict[str, KnownBug] = {
    "sparsemax_threshold": KnownBug(
        "keras.activations.sparsemax computes its threshold from the sum of the cumulative sums over "
        "the support, so rows with two or more surviving entries do not sum to 1",
        first="3.8.0",  # the first release with sparsemax
        last="3.15.1",
        reference="keras-team/keras#23425 (fix: pull request #23469, merged after 3.15.1)",
    ),
    "initializers_get_constant": KnownBug(
        'keras.initializers.get("constant") raises KeyError: \'value\' (Constant.from_config needs a value)',
        first="3.2.1",  # the oldest release tested
        last="3.15.1",
    ),
    "identity_gain_config": KnownBug(
        "keras.initializers.Identity has no get_config of its own, so its config is {} and gain is lost "
        "in a serialize/deserialize round trip",
        first="3.2.1",  # the oldest release tested
        last="3.15.1",
    ),
    "random_shear_config": KnownBug(
        "RandomShear.get_config() stores each factor as a signed range, e.g. (-0.3, 0.3), that its own "
        "constructor rejects, so from_config (and loading a saved model) raises TypeError",
        first="3.8.0",  # the first release with RandomShear
        last="3.15.1",
    ),
    "random_saturation_value_range": KnownBug(
        "RandomSaturation clips the saturation (in [0, 1]) to value_range, so with value_range=(0, 255) "
        "a strong factor sends RGB values far outside [0, 255]",
        first="3.8.0",  # the first release with RandomSaturation
        last="3.15.1",
    ),
    "solarization_threshold_low": KnownBug(
        "Solarization draws its threshold in [low, high * 255] without scaling low, so "
        "threshold_factor=(a, a) gives a random threshold instead of a * 255",
        first="3.6.0",  # the oldest release tested
        last="3.15.1",
    ),
}


def has_bug(name: str, version: str | None = None) -> bool:
    """Whether the registry lists `version` (default: the installed Keras) as having bug `name`."""
    if version is None:
        import keras

        version = keras.__version__
    return BUGS[name].covers(version)


def _outcome(check: Callable[[], object]) -> Exception | None:
    try:
        check()
    except Exception as error:  # an assert, or the error a call raises (KeyError, ValueError, ...)
        return error
    return None


def assert_known_bug(
    name: str,
    bug: Callable[[], object],
    documented: Callable[[], object],
    version: str | None = None,
) -> bool:
    """Assert bug `name`'s behaviour on the Keras versions listed for it, the documented one elsewhere.

    `bug()` and `documented()` each assert one behaviour on the same case. The case must separate
    them: exactly one of the two passes, whichever Keras runs. Returns True when the installed Keras
    has the bug (the notebook can then show its workaround), False otherwise.
    """
    if version is None:
        import keras

        version = keras.__version__
    entry = BUGS[name]
    expected_bug = entry.covers(version)
    bug_error, documented_error = _outcome(bug), _outcome(documented)
    where = f"Keras {version}, bug {name!r} ({entry.summary})"
    if bug_error is None and documented_error is None:
        raise AssertionError(f"{where}: the case does not separate the bug from the documented behaviour")
    if bug_error is not None and documented_error is not None:
        raise AssertionError(
            f"{where}: neither the bug nor the documented behaviour is seen.\n"
            f"  bug check: {bug_error!r}\n  documented check: {documented_error!r}"
        )
    if expected_bug and bug_error is not None:
        raise AssertionError(
            f"{where}: the registry lists {entry.first}..{entry.last} as having this bug, but Keras "
            f"{version} behaves as documented: the bug is gone. Update helpers/known_bugs.py (end the "
            f"range before {version}) and the notebook text that describes the bug."
        )
    if not expected_bug and documented_error is not None:
        raise AssertionError(
            f"{where}: Keras {version} has this bug, but the registry lists only "
            f"{entry.first}..{entry.last}. If it is still unfixed, extend the range in "
            f"helpers/known_bugs.py. Documented check: {documented_error!r}"
        )
    return expected_bug

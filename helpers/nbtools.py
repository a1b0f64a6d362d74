"""Two small utilities every course notebook uses in its proofs."""

from __future__ import annotations

import keras


def to_numpy(tensor):
    """A TensorFlow, JAX or PyTorch tensor (or a keras.Variable) as a NumPy array."""
    return keras.ops.convert_to_numpy(tensor)


def expect_error(error_type, action):
    """Run `action()` and return the error it raises; fail if it raises nothing (or another type)."""
    try:
        action()
    except error_type as error:
        return error
    raise AssertionError(f"expected {error_type.__name__}, but nothing was raised")

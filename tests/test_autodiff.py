"""helpers.autodiff against central finite differences, on TensorFlow, JAX and PyTorch.

Keras reads its backend once, at import, so each backend runs in its own subprocess with
KERAS_BACKEND set; the checks themselves are the script below, run in float64.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT

BACKENDS = ["tensorflow", "jax", "torch"]

CHECKS = textwrap.dedent(
    """
    import warnings
    import numpy as np
    import keras
    from scipy.special import erf
    from helpers.autodiff import derivative, gradients

    ops, act = keras.ops, keras.activations
    assert keras.backend.backend() == BACKEND, keras.backend.backend()

    def central(f, x, h=1e-5):
        return (f(x + h) - f(x - h)) / (2 * h)

    # Smooth functions: autodiff == central differences of the same function in NumPy.
    x = np.linspace(-4.0, 4.0, 41) + 0.013  # off-grid: avoids 0, where kinks live
    cases = {
        "tanh": (act.tanh, np.tanh),
        "sigmoid": (act.sigmoid, lambda t: 1 / (1 + np.exp(-t))),
        "softplus": (act.softplus, lambda t: np.log1p(np.exp(t))),
        "cube+sin": (lambda t: t**3 + ops.sin(2 * t), lambda t: t**3 + np.sin(2 * t)),
        "elu(alpha=0.5)": (lambda t: act.elu(t, alpha=0.5), lambda t: np.where(t > 0, t, 0.5 * np.expm1(t))),
        "gelu": (act.gelu, lambda t: 0.5 * t * (1 + erf(t / np.sqrt(2)))),
    }
    for name, (fn, ref) in cases.items():
        got = derivative(fn, x, dtype="float64")
        assert got.shape == x.shape and got.dtype == np.float64, (name, got.shape, got.dtype)
        # Some Keras activations compute in float32 even on float64 input, hence rtol=1e-5.
        np.testing.assert_allclose(got, central(ref, x), rtol=1e-5, atol=1e-6, err_msg=name)
        # float32 in, float32 out (the default), still close to the float64 differences
        got32 = derivative(fn, x)
        assert got32.dtype == np.float32
        np.testing.assert_allclose(got32, central(ref, x), rtol=1e-4, atol=1e-6, err_msg=name)

    # A piecewise-linear function away from its kinks, and a 2-D input keeps its shape.
    grid = np.array([[-2.5, -0.7], [0.4, 3.2]])
    np.testing.assert_array_equal(derivative(lambda t: act.relu(t, max_value=3.0), grid), [[0, 0], [1, 0]])
    np.testing.assert_allclose(derivative(lambda t: act.leaky_relu(t, negative_slope=0.1), grid),
                               [[0.1, 0.1], [1, 1]], rtol=1e-6)

    # gradients(): a scalar of several arrays, against central differences entry by entry.
    rng = np.random.default_rng(0)
    w, v = rng.normal(size=(3, 2)), rng.normal(size=(2,))
    loss = lambda a, b: ops.sum(ops.tanh(ops.matmul(ops.ones((4, 3), dtype="float64"), a) + b) ** 2)
    loss_np = lambda a, b: np.sum(np.tanh(np.ones((4, 3)) @ a + b) ** 2)
    gw, gv = gradients(loss, [w, v], dtype="float64")
    for array, grad, index in [(w, gw, 0), (v, gv, 1)]:
        numeric = np.zeros_like(array)
        for i in np.ndindex(array.shape):
            step = np.zeros_like(array); step[i] = 1e-6
            args_plus = [w, v]; args_minus = [w, v]
            args_plus[index] = array + step; args_minus[index] = array - step
            numeric[i] = (loss_np(*args_plus) - loss_np(*args_minus)) / 2e-6
        np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-7)
    # An argument the function ignores gets a zero gradient, not None.
    (g_unused, g_used) = gradients(lambda a, b: ops.sum(b * 2.0), [w, v], dtype="float64")
    assert np.all(g_unused == 0) and np.allclose(g_used, 2.0)
    print("OK", BACKEND)
    """
)


@pytest.mark.parametrize("backend", BACKENDS)
def test_derivative_and_gradients_match_finite_differences(backend):
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(ROOT)}
    env["JAX_ENABLE_X64"] = "1"  # JAX computes in float32 unless 64-bit mode is switched on
    script = f"BACKEND = {backend!r}\n" + CHECKS
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert f"OK {backend}" in result.stdout


def test_unknown_backend_is_a_clear_error(monkeypatch):
    import keras

    from helpers import autodiff

    monkeypatch.setattr(keras.backend, "backend", lambda: "numpy")
    with pytest.raises(NotImplementedError, match="numpy"):
        autodiff.derivative(lambda t: t, [1.0])
    with pytest.raises(NotImplementedError, match="numpy"):
        autodiff.gradients(lambda t: t, [[1.0]])

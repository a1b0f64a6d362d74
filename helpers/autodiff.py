"""Derivatives computed by the active Keras backend's own automatic differentiation.

Keras 3 has no backend-neutral gradient function, so this module dispatches to the one of the
backend Keras runs on: TensorFlow's `GradientTape`, `jax.grad` (with `jax.vmap` for elementwise
derivatives) or `torch.autograd.grad`. Results come back as NumPy arrays of the requested dtype
(JAX computes float64 only when its 64-bit mode is on, `JAX_ENABLE_X64=1`; otherwise float32).

- `derivative(fn, x)`: the elementwise derivative f'(x) of a function applied elementwise
  (an activation such as `keras.activations.tanh`), at every point of the array `x`.
- `gradients(fn, arrays)`: the gradient of a scalar-valued `fn(*tensors)` with respect to each of
  its array arguments (e.g. a loss as a function of a network's weight matrices).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import keras
import numpy as np


def _as_float(x, dtype) -> np.ndarray:
    return np.asarray(x, dtype=dtype)


def derivative(fn: Callable, x, dtype: str = "float32") -> np.ndarray:
    """f'(x) elementwise, for an elementwise `fn`, via the active backend's autodiff.

    `fn` takes and returns a backend tensor of the same shape (any `keras.activations` function
    that acts elementwise, or a `lambda t: keras.activations.elu(t, alpha=0.5)`). At a kink the
    value is whatever the backend's autodiff defines there (e.g. relu'(0) = 0).
    """
    x = _as_float(x, dtype)
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        xt = tf.convert_to_tensor(x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            y = fn(xt)
        # For an elementwise fn, d(sum y)/dx_i = f'(x_i): the Jacobian is diagonal.
        grad = tape.gradient(y, xt)
        return np.zeros_like(x) if grad is None else grad.numpy()
    if backend == "jax":
        import jax

        flat = jax.numpy.asarray(x.reshape(-1))
        # one scalar derivative per point, compiled once (faster than op-by-op dispatch)
        grad = jax.jit(jax.vmap(jax.grad(lambda t: fn(t))))(flat)
        return np.asarray(grad).reshape(x.shape).astype(dtype, copy=False)
    if backend == "torch":
        import torch

        xt = torch.tensor(x, requires_grad=True)
        y = fn(xt)
        (grad,) = torch.autograd.grad(y.sum(), xt, allow_unused=True)
        return np.zeros_like(x) if grad is None else grad.detach().cpu().numpy()
    raise NotImplementedError(f"no autodiff for the {backend!r} backend (use tensorflow, jax or torch)")


_JAX_CACHE: dict = {}


def _jax_gradient(fn: Callable, count: int):
    """jit(grad(fn)), compiled once per function: loops that differentiate one loss stay fast."""
    import jax

    key = (fn, count)
    if key not in _JAX_CACHE:
        if len(_JAX_CACHE) > 64:
            _JAX_CACHE.clear()
        _JAX_CACHE[key] = jax.jit(jax.grad(lambda *ts: fn(*ts), argnums=tuple(range(count))))
    return _JAX_CACHE[key]


def gradients(fn: Callable, arrays: Sequence, dtype: str = "float32") -> list[np.ndarray]:
    """d fn / d array for each array, where `fn(*tensors)` returns a scalar tensor."""
    arrays = [_as_float(a, dtype) for a in arrays]
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        tensors = [tf.convert_to_tensor(a) for a in arrays]
        with tf.GradientTape() as tape:
            for t in tensors:
                tape.watch(t)
            value = fn(*tensors)
        grads = tape.gradient(value, tensors)
        return [np.zeros_like(a) if g is None else g.numpy() for a, g in zip(arrays, grads, strict=True)]
    if backend == "jax":
        import jax

        grads = _jax_gradient(fn, len(arrays))(*[jax.numpy.asarray(a) for a in arrays])
        return [np.asarray(g).astype(dtype, copy=False) for g in grads]
    if backend == "torch":
        import torch

        tensors = [torch.tensor(a, requires_grad=True) for a in arrays]
        grads = torch.autograd.grad(fn(*tensors), tensors, allow_unused=True)
        return [
            np.zeros_like(a) if g is None else g.detach().cpu().numpy()
            for a, g in zip(arrays, grads, strict=True)
        ]
    raise NotImplementedError(f"no autodiff for the {backend!r} backend (use tensorflow, jax or torch)")

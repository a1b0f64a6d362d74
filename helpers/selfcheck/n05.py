"""Self-check exercises of notebook 05 (layer weight constraints)."""

from __future__ import annotations

import numpy as np

from helpers.selfcheck import Exercise, NotYet, register

# ---------------------------------------------------------------- 05.1 when MaxNorm is a no-op


def _kernels():
    """Kernels whose largest entry, largest column norm and largest row norm all differ."""
    rng = np.random.default_rng(5)
    dense = (rng.normal(size=(6, 4)) * np.array([0.2, 0.5, 1.5, 0.8])).astype("float32")
    conv = rng.normal(size=(3, 3, 2, 5)).astype("float32")
    return [(dense, 0), (dense, 1), (conv, (0, 1, 2))]


def _norms(kernel, axis):
    return np.sqrt(np.sum(kernel.astype("float64") ** 2, axis=axis))


def _check_noop(smallest_noop_max_value):
    import keras

    for kernel, axis in _kernels():
        got = smallest_noop_max_value(kernel.copy(), axis=axis)
        if got is None:
            raise NotYet("smallest_noop_max_value returned None: return one number.")
        got = float(np.asarray(got))
        want = float(_norms(kernel, axis).max())
        if np.isclose(got, want, rtol=1e-4):
            max_norm = keras.constraints.MaxNorm(got, axis=list(np.atleast_1d(axis)))
            unchanged = keras.ops.convert_to_numpy(max_norm(kernel))
            if not np.allclose(unchanged, kernel, rtol=1e-5, atol=1e-6):  # a guard: Keras must agree
                raise NotYet(f"MaxNorm({got:.4f}) changed the kernel of shape {kernel.shape}.")
            continue
        where = f"for a kernel of shape {kernel.shape} and axis={axis}, "
        if np.isclose(got, np.abs(kernel).max(), rtol=1e-4):
            raise NotYet(where + f"you returned the largest |entry| ({got:.4f}); MaxNorm bounds the norm of "
                         f"each unit (slice along axis), and the largest of those is {want:.4f}.")
        other = 1 if axis == 0 else 0
        if kernel.ndim == 2 and np.isclose(got, _norms(kernel, other).max(), rtol=1e-4):
            raise NotYet(where + f"you took the norms along axis={other}; use the axis you are given "
                         f"(expected {want:.4f}).")
        if np.isclose(got, _norms(kernel, axis).mean(), rtol=1e-4):
            raise NotYet(where + "you returned the mean of the norms; MaxNorm(m) leaves every unit alone "
                         f"only when m is at least the largest norm, {want:.4f}.")
        raise NotYet(where + f"expected {want:.4f} (the largest norm along axis), got {got:.4f}.")
    return ("your value is the largest unit norm on a Dense kernel (both axes) and a Conv2D kernel, and "
            "Keras's MaxNorm with it leaves each kernel unchanged.")


register(Exercise(
    key="05.1", title="When does MaxNorm change nothing?", minutes=10, objectives=(1,),
    task=("Write smallest_noop_max_value(kernel, axis=0) in NumPy: the smallest max_value for which "
          "MaxNorm(max_value, axis) leaves `kernel` unchanged. `axis` is an int or a tuple of ints (a Conv2D "
          "kernel's filters: (0, 1, 2)). Done when the check prints ✓ for a Dense kernel along both axes and "
          "a Conv2D kernel."),
    answer="smallest_noop_max_value",
    check_answer=_check_noop,
    hint=("MaxNorm rescales a unit only when its norm exceeds max_value. Compute every unit's norm, "
          "np.sqrt(np.sum(kernel ** 2, axis=axis)), and return the largest."),
    solution='''
import numpy as np

def smallest_noop_max_value(kernel, axis=0):
    return float(np.sqrt(np.sum(kernel ** 2, axis=axis)).max())
''',
    wrong=(
        ("import numpy as np\ndef smallest_noop_max_value(kernel, axis=0):\n"
         "    return float(np.abs(kernel).max())",
         "largest |entry|"),
        ("import numpy as np\ndef smallest_noop_max_value(kernel, axis=0):\n"
         "    return float(np.sqrt(np.sum(kernel ** 2, axis=0)).max())",
         "use the axis you are given"),
        ("import numpy as np\ndef smallest_noop_max_value(kernel, axis=0):\n"
         "    return float(np.sqrt(np.sum(kernel ** 2, axis=axis)).mean())",
         "mean of the norms"),
    ),
))


# ---------------------------------------------------------------- 05.2 a custom constraint


def _check_zero_diagonal(cls):
    import keras

    if not (isinstance(cls, type) and issubclass(cls, keras.constraints.Constraint)):
        raise NotYet("ZeroDiagonal must be a class that subclasses keras.constraints.Constraint.")
    rng = np.random.default_rng(6)
    constraint = cls()
    for n in (4, 6):
        w = rng.normal(size=(n, n)).astype("float32")
        got = constraint(keras.ops.convert_to_tensor(w))
        if got is None:
            raise NotYet("your __call__ returned None: return the projected weight, of the same shape.")
        got = keras.ops.convert_to_numpy(got)
        want = w * (1 - np.eye(n, dtype="float32"))
        if got.shape != w.shape:
            raise NotYet(f"a ({n}, {n}) kernel came back with shape {got.shape}: return a weight of the "
                         "same shape.")
        if np.allclose(got, want, atol=1e-6):
            continue
        if np.allclose(got, w * np.eye(n), atol=1e-6):
            raise NotYet(f"on a {n}×{n} kernel you kept only the diagonal; keep everything else and set the "
                         "diagonal to 0: multiply by (1 − identity).")
        if not np.allclose(np.diag(got), 0.0, atol=1e-6):
            raise NotYet(f"on a {n}×{n} kernel the diagonal entries are not 0: {np.diag(got).round(3)}.")
        raise NotYet(f"on a {n}×{n} kernel the diagonal is 0, but entries off the diagonal changed too; "
                     "leave them exactly as they are.")
    layer = keras.layers.Dense(5, kernel_constraint=constraint)
    layer.build((None, 5))
    optimizer = keras.optimizers.SGD(learning_rate=0.1)
    optimizer.apply_gradients([(keras.ops.ones((5, 5)), layer.kernel), (keras.ops.zeros((5,)), layer.bias)])
    kernel = keras.ops.convert_to_numpy(layer.kernel)
    if not np.allclose(np.diag(kernel), 0.0, atol=1e-6):
        raise NotYet("inside a Dense layer, after one optimizer step, the kernel's diagonal is not 0.")
    return ("your constraint zeroes exactly the diagonal of 4×4 and 6×6 kernels, and inside a Dense layer "
            "the diagonal is 0 after an optimizer step.")


register(Exercise(
    key="05.2", title="A constraint that keeps the diagonal at zero", minutes=15, objectives=(3,),
    task=("Write ZeroDiagonal, a keras.constraints.Constraint subclass for a square kernel: it sets the "
          "diagonal to 0 and leaves every other entry exactly as it is, written with keras.ops. (It has "
          "no arguments, so the base class's get_config, {}, is already right.) Done when the check "
          "prints ✓: it compares your projection with NumPy and runs one optimizer step of a Dense layer "
          "that uses it."),
    answer="ZeroDiagonal",
    check_answer=_check_zero_diagonal,
    hint=("keras.ops.eye(n, dtype=w.dtype) is the identity; w * (1 − identity) zeroes the diagonal and keeps "
          "the rest. n is w.shape[0]."),
    solution='''
import keras

class ZeroDiagonal(keras.constraints.Constraint):
    def __call__(self, w):
        return w * (1.0 - keras.ops.eye(w.shape[0], dtype=w.dtype))
''',
    wrong=(
        ("import keras\nclass ZeroDiagonal(keras.constraints.Constraint):\n    def __call__(self, w):\n"
         "        return w * keras.ops.eye(w.shape[0], dtype=w.dtype)\n", "kept only the diagonal"),
        ("import keras\nclass ZeroDiagonal(keras.constraints.Constraint):\n    def __call__(self, w):\n"
         "        return w - keras.ops.eye(w.shape[0], dtype=w.dtype)\n", "diagonal entries are not 0"),
        ("import keras\nclass ZeroDiagonal(keras.constraints.Constraint):\n    def __call__(self, w):\n"
         "        return keras.ops.maximum(w, 0.0) * (1.0 - keras.ops.eye(w.shape[0], dtype=w.dtype))\n",
         "entries off the diagonal changed"),
    ),
))


# ---------------------------------------------------------------- 05.3 projected gradient descent


def _problem(seed):
    """40 noisy measurements of 5 correlated components; seeds where some least-squares amount is < 0."""
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(40, 5))
    A = base + 0.6 * base[:, [1, 0, 3, 2, 4]]
    y = A @ np.array([1.0, 0.0, 0.8, 0.0, 0.5]) + rng.normal(0, 0.5, size=40)
    return A, y


def _check_nnls(nonneg_least_squares):
    from scipy.optimize import nnls

    for seed in (1, 3, 7):
        A, y = _problem(seed)
        got = nonneg_least_squares(A.copy(), y.copy())
        if got is None:
            raise NotYet("nonneg_least_squares returned None: return the 5 amounts as an array.")
        got = np.asarray(got, dtype="float64").ravel()
        want, _ = nnls(A, y)
        if got.shape != want.shape:
            raise NotYet(f"expected {want.size} amounts, one per column of A, got an array of shape "
                         f"{got.shape}.")
        if np.allclose(got, want, atol=1e-3):
            continue
        if got.min() < -1e-6:
            raise NotYet(f"some amounts are negative ({got.round(3)}): project after every step, "
                         "c = np.maximum(c, 0).")
        clipped = np.clip(np.linalg.lstsq(A, y, rcond=None)[0], 0, None)
        if np.allclose(got, clipped, atol=1e-3):
            raise NotYet("you clipped the unconstrained least-squares answer once, at the end; that is not "
                         f"the constrained optimum (SciPy's nnls gives {want.round(3)}). Project after every "
                         "gradient step instead.")
        raise NotYet(f"expected about {want.round(3)} (SciPy's nnls), got {got.round(3)}: take more "
                     "steps, or check the step size (1 / the largest eigenvalue of AᵀA is safe).")
    return ("your projected gradient descent matches SciPy's nnls on three problems where plain least "
            "squares goes negative.")


register(Exercise(
    key="05.3", title="Non-negative least squares by projected gradient descent", minutes=20,
    objectives=(2, 4),
    task=("Write nonneg_least_squares(A, y) in NumPy: the amounts c ≥ 0 that minimize ‖A c − y‖², found "
          "as fit finds them with a NonNeg kernel: start at c = 0, then repeat a gradient step on the "
          "squared error followed by the projection c = max(c, 0). Done when the check prints ✓: it "
          "compares your answer with SciPy's nnls on three problems whose unconstrained least-squares "
          "answer has negative amounts."),
    answer="nonneg_least_squares",
    check_answer=_check_nnls,
    hint=("The gradient of ½‖A c − y‖² is Aᵀ(A c − y). With step = 1 / np.linalg.norm(A, 2) ** 2, a few "
          "thousand iterations of c = np.maximum(c − step · gradient, 0) converge."),
    solution='''
import numpy as np

def nonneg_least_squares(A, y):
    step = 1.0 / np.linalg.norm(A, 2) ** 2
    c = np.zeros(A.shape[1])
    for _ in range(3000):
        c = np.maximum(c - step * (A.T @ (A @ c - y)), 0.0)
    return c
''',
    wrong=(
        ("import numpy as np\ndef nonneg_least_squares(A, y):\n"
         "    return np.linalg.lstsq(A, y, rcond=None)[0]",
         "some amounts are negative"),
        ("import numpy as np\ndef nonneg_least_squares(A, y):\n"
         "    return np.clip(np.linalg.lstsq(A, y, rcond=None)[0], 0, None)",
         "clipped the unconstrained least-squares answer once"),
        ("import numpy as np\ndef nonneg_least_squares(A, y):\n    c = np.zeros(A.shape[1])\n"
         "    for _ in range(5):\n        c = np.maximum(c - 0.001 * (A.T @ (A @ c - y)), 0.0)\n    return c",
         "take more steps"),
    ),
))

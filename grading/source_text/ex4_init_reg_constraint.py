# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: nbgrader,-all
#     notebook_metadata_filter: -all
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # Exercise 4 · Your own initializer, regularizer and constraint
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/grading/release/ex4_init_reg_constraint/ex4_init_reg_constraint.ipynb)
#
# A weight in Keras has three optional helpers, each a small class you can subclass:
#
# | helper | base class | called | returns |
# |---|---|---|---|
# | initializer | `keras.initializers.Initializer` | once, by `add_weight`: `init(shape, dtype)` | the starting values |
# | regularizer | `keras.regularizers.Regularizer` | whenever the losses are collected (`layer.losses`; `fit` does it at every training step), not on a plain forward pass: `reg(weight)` | a scalar added to the loss |
# | constraint | `keras.constraints.Constraint` | after every optimizer step: `con(weight)` | the projected weight |
#
# Each needs `get_config` so that a saved model can rebuild it. You will write one of each, then a
# layer that uses all three.
#
# **Points:** A 2 · B 2 · C 2 · D 4 = **10**.
#
# **How to work.** Replace each `raise NotImplementedError()` with your code. Under every part, a
# test cell checks your work and says what it expected and what it saw. Grading runs more tests
# than you can see, so make the code right in general, not only for the examples shown. Keep the
# cells in order, leave the test cells as they are, do not rebind library functions (such as
# `np.allclose`), and keep every cell under a minute. Before you hand in: *Kernel → Restart and
# run all*, and check that every test cell passes.

# %% nbgrader={"grade_id": "setup", "locked": true}
# Setup: on Colab this installs the course helpers and Keras; locally it checks versions.
import importlib, importlib.util, os, subprocess, sys

if importlib.util.find_spec("google.colab") and importlib.util.find_spec("helpers") is None:
    url = os.environ.get("COURSE_HELPERS_URL", "git+https://github.com/keras-layers-course/keras3-layers-course.git@main")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"keras-layers-course[colab] @ {url}"], check=True)
    importlib.invalidate_caches()

from helpers.setup import start

ENV = start(seed=42)

# %% nbgrader={"grade_id": "imports", "locked": true}
import tempfile
from pathlib import Path

import keras
import numpy as np
from helpers.grading import check, check_close, check_true, checking, passed, silenced

# %% [markdown]
# ## A · `ScaledUniform` initializer (2 points)
#
# Values are drawn uniformly from `[-limit, limit]` with `limit = scale * sqrt(3 / fan_in)`, where
# `fan_in = shape[0]` (the input width of a kernel), so that their variance is `scale² / fan_in`.
# Use `keras.random.uniform(shape, minval, maxval, dtype=dtype, seed=self.seed)`: with an integer
# seed every call returns the same values, with `seed=None` they differ. `get_config` returns
# `{"scale": ..., "seed": ...}`. The class is already registered for saving (Exercise 2 showed how).

# %% nbgrader={"grade_id": "scaled_uniform", "solution": true}
@keras.saving.register_keras_serializable(package="course")
class ScaledUniform(keras.initializers.Initializer):
    def __init__(self, scale=1.0, seed=None):
        ### BEGIN SOLUTION
        self.scale = scale
        self.seed = seed
        ### END SOLUTION

    def __call__(self, shape, dtype=None):
        ### BEGIN SOLUTION
        limit = self.scale * (3.0 / shape[0]) ** 0.5
        return keras.random.uniform(shape, minval=-limit, maxval=limit, dtype=dtype, seed=self.seed)
        ### END SOLUTION

    def get_config(self):
        ### BEGIN SOLUTION
        return {"scale": self.scale, "seed": self.seed}
        ### END SOLUTION


# %% nbgrader={"grade_id": "part_a", "grade": true, "locked": true, "points": 2}
import keras
import numpy as np
from helpers.grading import check, check_close, check_true, checking, passed, silenced

checking("Part A")
with silenced():
    init = ScaledUniform(scale=2.0, seed=7)
    values = keras.ops.convert_to_numpy(init((300, 200)))
    again = keras.ops.convert_to_numpy(init((300, 200)))
limit = 2.0 * np.sqrt(3 / 300)
check("shape", values.shape, (300, 200))
check_true("range", np.abs(values).max() <= limit, f"values within ±{limit:.4f}", f"{np.abs(values).max():.4f}")
check_close("standard deviation (limit / sqrt(3))", values.std(), limit / np.sqrt(3), rtol=0.02)
check_close("a second call with the same seed", again, values, atol=0.0, rtol=0.0)
check("get_config()", init.get_config(), {"scale": 2.0, "seed": 7})
### BEGIN HIDDEN TESTS
import helpers.grading as _grading

_T = _grading.trusted()
with _T.silenced():
    _init = ScaledUniform(scale=0.5, seed=3)
    _v = _T.to_numpy(_init((50, 400), dtype="float64"))
    _v_dtype = keras.ops.convert_to_numpy(_init((2, 2), dtype="float64")).dtype.name
    _unseeded = ScaledUniform()
    _u1 = _T.to_numpy(_unseeded((20, 20)))
    _u2 = _T.to_numpy(_unseeded((20, 20)))
    _clone = keras.initializers.deserialize(keras.initializers.serialize(_init))
    _c = _T.to_numpy(_clone((50, 400), dtype="float64"))
_limit = 0.5 * (3 / 50) ** 0.5
_T.true("range for fan_in 50", _T.np.abs(_v).max() <= _limit, f"values within ±{_limit:.4f}", "values outside")
_T.true("spread for fan_in 50", _T.np.abs(_v.std() / (_limit / 3**0.5) - 1) < 0.03, "a uniform spread", "another")
_T.true("spread", _T.np.abs(_v.mean()) < 0.01, "values centred on 0", f"a mean of {_v.mean():.3f}")
_T.equal("dtype when asked for float64", _v_dtype, "float64")
_T.true("two calls without a seed", _T.np.abs(_u1 - _u2).max() > 0, "different values", "identical values")
_T.equal("type after serialize/deserialize", type(_clone).__name__, "ScaledUniform")
_T.close("values after serialize/deserialize (same seed)", _c, _v, atol=0.0, rtol=0.0)
### END HIDDEN TESTS
passed("Part A")

# %% [markdown]
# ## B · `OrthogonalityPenalty` regularizer (2 points)
#
# Pushes the columns of a kernel `W` towards an orthonormal set:
# `strength * sum((Wᵀ W − I)²)`, with `I` the identity of size `W.shape[1]`. Zero exactly when the
# columns are orthonormal. Write it with `keras.ops` (`matmul`, `transpose`, `eye`, `square`,
# `sum`); `get_config` returns `{"strength": ...}`.

# %% nbgrader={"grade_id": "orthogonality_penalty", "solution": true}
@keras.saving.register_keras_serializable(package="course")
class OrthogonalityPenalty(keras.regularizers.Regularizer):
    def __init__(self, strength=0.01):
        ### BEGIN SOLUTION
        self.strength = strength
        ### END SOLUTION

    def __call__(self, weight):
        ### BEGIN SOLUTION
        gram = keras.ops.matmul(keras.ops.transpose(weight), weight)
        identity = keras.ops.eye(weight.shape[-1], dtype=weight.dtype)
        return self.strength * keras.ops.sum(keras.ops.square(gram - identity))
        ### END SOLUTION

    def get_config(self):
        ### BEGIN SOLUTION
        return {"strength": self.strength}
        ### END SOLUTION


# %% nbgrader={"grade_id": "part_b", "grade": true, "locked": true, "points": 2}
import keras
import numpy as np
from helpers.grading import check, check_close, checking, passed, silenced

checking("Part B")
w = np.array([[1.0, 2.0], [0.0, 1.0], [1.0, 0.0]], dtype="float32")
with silenced():
    penalty = OrthogonalityPenalty(strength=0.1)
    value = penalty(w)
    at_identity = penalty(np.eye(3, 2, dtype="float32"))
check_close("penalty of a 3x2 kernel", value, 0.1 * ((w.T @ w - np.eye(2)) ** 2).sum())
check_close("penalty of orthonormal columns", at_identity, 0.0)
check("get_config()", penalty.get_config(), {"strength": 0.1})
### BEGIN HIDDEN TESTS
import helpers.grading as _grading

_T = _grading.trusted()
_w = _T.rng(41).normal(size=(6, 4)).astype("float32")
_q = _T.np.linalg.qr(_T.rng(42).normal(size=(5, 5)))[0][:, :3].astype("float32")
with _T.silenced():
    _penalty = OrthogonalityPenalty(strength=0.03)
    _value = _penalty(_w)
    _rotated = _penalty(_q)
    _clone = keras.regularizers.deserialize(keras.regularizers.serialize(_penalty))
_T.close("penalty of a 6x4 kernel", _value, 0.03 * ((_w.T @ _w - _T.np.eye(4)) ** 2).sum(), rtol=1e-4)
_T.close("penalty of other orthonormal columns", _rotated, 0.0, atol=1e-5)
_T.equal("type after serialize/deserialize", type(_clone).__name__, "OrthogonalityPenalty")
_T.equal("strength after serialize/deserialize", _clone.strength, 0.03)
### END HIDDEN TESTS
passed("Part B")

# %% [markdown]
# ## C · `ColumnMaxNorm` constraint (2 points)
#
# Each column of the kernel (the weights into one unit, `W[:, j]`) whose L2 norm exceeds `max_norm`
# is rescaled to norm `max_norm`; shorter columns are left exactly as they are:
# `W * minimum(1, max_norm / maximum(norms, 1e-12))` with `norms` of shape `(1, units)`.
# `get_config` returns `{"max_norm": ...}`.

# %% nbgrader={"grade_id": "column_max_norm", "solution": true}
@keras.saving.register_keras_serializable(package="course")
class ColumnMaxNorm(keras.constraints.Constraint):
    def __init__(self, max_norm=1.0):
        ### BEGIN SOLUTION
        self.max_norm = max_norm
        ### END SOLUTION

    def __call__(self, weight):
        ### BEGIN SOLUTION
        norms = keras.ops.sqrt(keras.ops.sum(keras.ops.square(weight), axis=0, keepdims=True))
        return weight * keras.ops.minimum(1.0, self.max_norm / keras.ops.maximum(norms, 1e-12))
        ### END SOLUTION

    def get_config(self):
        ### BEGIN SOLUTION
        return {"max_norm": self.max_norm}
        ### END SOLUTION


# %% nbgrader={"grade_id": "part_c", "grade": true, "locked": true, "points": 2}
import keras
import numpy as np
from helpers.grading import check, check_close, checking, passed, silenced

checking("Part C")
w = np.array([[3.0, 0.1], [4.0, 0.2]], dtype="float32")  # column norms 5 and about 0.22
with silenced():
    constraint = ColumnMaxNorm(max_norm=1.0)
    projected = constraint(w)
check_close("projection of [[3, 0.1], [4, 0.2]]", projected, [[0.6, 0.1], [0.8, 0.2]])
check("get_config()", constraint.get_config(), {"max_norm": 1.0})
### BEGIN HIDDEN TESTS
import helpers.grading as _grading

_T = _grading.trusted()
_w = (_T.rng(43).normal(size=(5, 6)) * _T.np.array([0.1, 3.0, 0.2, 5.0, 0.05, 1.0])).astype("float32")
_norms = _T.np.sqrt((_w.astype("float64") ** 2).sum(axis=0, keepdims=True))
_expected = _w * _T.np.minimum(1.0, 0.7 / _norms)
with _T.silenced():
    _constraint = ColumnMaxNorm(max_norm=0.7)
    _projected = _constraint(_w)
    _zeros = _constraint(_T.np.zeros((3, 2), dtype="float32"))
    _clone = keras.constraints.deserialize(keras.constraints.serialize(_constraint))
_T.close("projection of a 5x6 kernel with long and short columns", _projected, _expected)
_T.close("projection of a zero kernel", _zeros, _T.np.zeros((3, 2)))
_T.equal("type after serialize/deserialize", type(_clone).__name__, "ColumnMaxNorm")
_T.equal("max_norm after serialize/deserialize", _clone.max_norm, 0.7)
### END HIDDEN TESTS
passed("Part C")

# %% [markdown]
# ## D · a layer that uses all three (4 points)
#
# `ConstrainedDense(units, kernel_initializer, kernel_regularizer, kernel_constraint)` computes
# `inputs @ kernel + bias`. Each of the three arguments may be an object, a name or a serialized
# dict: turn them into objects with `keras.initializers.get`, `keras.regularizers.get` and
# `keras.constraints.get` (the defaults: `ScaledUniform()`, no regularizer, no constraint). In
# `build`, pass them to `self.add_weight(..., initializer=..., regularizer=..., constraint=...)`
# for the kernel; the bias starts at zeros and has none of them. Keras then adds the regularizer to
# `layer.losses` and applies the constraint after each optimizer step. `get_config` adds `units`
# and the three objects, serialized (`keras.initializers.serialize`, and so on).

# %% nbgrader={"grade_id": "constrained_dense", "solution": true}
@keras.saving.register_keras_serializable(package="course")
class ConstrainedDense(keras.layers.Layer):
    def __init__(
        self, units, kernel_initializer=None, kernel_regularizer=None, kernel_constraint=None, **kwargs
    ):
        super().__init__(**kwargs)
        ### BEGIN SOLUTION
        self.units = units
        self.kernel_initializer = keras.initializers.get(kernel_initializer or ScaledUniform())
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.kernel_constraint = keras.constraints.get(kernel_constraint)
        ### END SOLUTION

    def build(self, input_shape):
        ### BEGIN SOLUTION
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            name="kernel",
        )
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")
        ### END SOLUTION

    def call(self, inputs):
        ### BEGIN SOLUTION
        return keras.ops.matmul(inputs, self.kernel) + self.bias
        ### END SOLUTION

    def get_config(self):
        ### BEGIN SOLUTION
        config = super().get_config()
        config.update(
            units=self.units,
            kernel_initializer=keras.initializers.serialize(self.kernel_initializer),
            kernel_regularizer=keras.regularizers.serialize(self.kernel_regularizer),
            kernel_constraint=keras.constraints.serialize(self.kernel_constraint),
        )
        return config
        ### END SOLUTION


# %% nbgrader={"grade_id": "part_d", "grade": true, "locked": true, "points": 4}
import tempfile
from pathlib import Path

import keras
import numpy as np
from helpers.grading import check, check_close, checking, passed, silenced

checking("Part D")
x = np.random.default_rng(4).normal(size=(16, 8)).astype("float32")
with silenced():
    layer = ConstrainedDense(
        4, ScaledUniform(2.0, seed=1), OrthogonalityPenalty(0.1), ColumnMaxNorm(0.5)
    )
    layer.build(x.shape)
    start_kernel = keras.ops.convert_to_numpy(layer.kernel)
    expected_start = keras.ops.convert_to_numpy(ScaledUniform(2.0, seed=1)((8, 4)))
    y = layer(x)
    losses = list(layer.losses)
    reg_value = OrthogonalityPenalty(0.1)(layer.kernel)
check_close("initial kernel (drawn by the initializer you passed)", start_kernel, expected_start)
check_close("outputs", y, x @ start_kernel)
check("number of losses after a call", len(losses), 1)
check_close("the loss (the regularizer applied to the kernel)", losses[0], reg_value)
with silenced():
    model = keras.Sequential([keras.Input(shape=(8,)), layer])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0), loss="mean_squared_error")
    model.fit(x, 10 * np.ones((16, 4), dtype="float32"), epochs=1, batch_size=16, verbose=0)
    kernel = keras.ops.convert_to_numpy(layer.kernel)
    projected = ColumnMaxNorm(0.5)(kernel)
check_true("kernel after a training step", np.abs(kernel - start_kernel).max() > 1e-3, "a change", "none")
check_close("kernel after a training step (already projected: the constraint leaves it)", projected, kernel)
### BEGIN HIDDEN TESTS
import helpers.grading as _grading

_T = _grading.trusted()
_x = _T.rng(44).normal(size=(12, 5)).astype("float32")
with _T.silenced():
    _layer = ConstrainedDense(
        3,
        kernel_initializer={"class_name": "course>ScaledUniform", "config": {"scale": 1.5, "seed": 9}},
        kernel_regularizer=OrthogonalityPenalty(0.02),
        kernel_constraint=ColumnMaxNorm(0.3),
    )
    _layer.build((None, 5))
    _start = _T.to_numpy(_layer.kernel)
    _expected_start = _T.to_numpy(ScaledUniform(1.5, seed=9)((5, 3)))
    _plain = ConstrainedDense(2)
    _plain(_x)
    _plain_losses = list(_plain.losses)
    _model = keras.Sequential([keras.Input(shape=(5,)), _layer])
    _model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="mean_squared_error")
    _model.fit(_x, 5 * _T.np.ones((12, 3), dtype="float32"), epochs=2, batch_size=6, verbose=0)
    _kernel = _T.to_numpy(_layer.kernel)
    _fixed = _T.to_numpy(_layer.kernel_constraint(_layer.kernel))
    _losses = list(_layer.losses)
    _reg = _T.to_numpy(_layer.kernel_regularizer(_layer.kernel))
    with tempfile.TemporaryDirectory() as _folder:
        _model.save(Path(_folder) / "constrained.keras")
        _loaded = keras.saving.load_model(Path(_folder) / "constrained.keras")
    _before = _T.to_numpy(_model(_x))
    _after = _T.to_numpy(_loaded(_x))
    _loaded_layer = _loaded.layers[0]
    _configs = [
        (_loaded_layer.kernel_initializer.get_config(), {"scale": 1.5, "seed": 9}),
        (_loaded_layer.kernel_regularizer.get_config(), {"strength": 0.02}),
        (_loaded_layer.kernel_constraint.get_config(), {"max_norm": 0.3}),
    ]
_T.close("initial kernel from a serialized initializer", _start, _expected_start)
_T.equal("losses of a layer without a regularizer", len(_plain_losses), 0)
_T.true("kernel after training", _T.np.abs(_kernel - _start).max() > 1e-3, "a change", "none")
_T.close("kernel after training (the constraint leaves it unchanged)", _fixed, _kernel)
_T.equal("number of losses after training", len(_losses), 1)
_T.close("the loss after training (the regularizer applied to the kernel)", _losses[0], _reg)
_T.close("outputs after a .keras round trip", _after, _before, atol=0.0, rtol=0.0)
for _seen, _wanted in _configs:
    _T.true("helpers after a .keras round trip", _seen == _wanted, f"config {_wanted}", f"{_seen}")
### END HIDDEN TESTS
passed("Part D")

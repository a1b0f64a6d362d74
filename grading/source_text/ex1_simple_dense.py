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
# # Exercise 1 · A dense layer from scratch
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/grading/release/ex1_simple_dense/ex1_simple_dense.ipynb)
#
# You will write `SimpleDense`, a fully connected layer, from the three methods every custom
# Keras 3 layer is made of:
#
# | method | runs | job |
# |---|---|---|
# | `__init__(units, activation)` | once, when the layer is created | store the settings; create **no** weights, the input width is not known yet |
# | `build(input_shape)` | once, on the first call | create the weights with `self.add_weight(...)` |
# | `call(inputs)` | on every forward pass | compute the output with `keras.ops` |
#
# **Points:** A 2 · B 3 · C 3 · D 2 = **10**.
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
import keras
import numpy as np
from helpers.grading import check, check_close, check_true, checking, passed, silenced

# %% [markdown]
# ## The layer
#
# Complete the class below; the parts after it test one piece each.
#
# * **A · weights (2 points).** In `__init__`, keep `units` as `self.units` and turn `activation`
#   into a function with `keras.activations.get(activation)` (it accepts a name such as `"relu"`,
#   a function, or `None` for "no activation"). In `build`, create `self.kernel` of shape
#   `(input_width, units)` with a `"random_normal"` initializer and `self.bias` of shape `(units,)`
#   starting at zeros, both with `self.add_weight(...)`, named `"kernel"` and `"bias"`.
# * **B · forward pass (3 points).** `call` returns `activation(inputs @ kernel + bias)`, written
#   with `keras.ops` (for example `keras.ops.matmul`) so it works on every backend and on the
#   symbolic tensors Keras uses to build models. Inputs may have more than two axes: the kernel
#   acts on the last one.
# * **C · in a model (3 points):** below the class.
# * **D · activation (2 points):** tested last; it needs only the two lines of `__init__` and `call`
#   that deal with `activation`.

# %% nbgrader={"grade_id": "simple_dense", "solution": true}
class SimpleDense(keras.layers.Layer):
    """Fully connected layer: activation(inputs @ kernel + bias)."""

    def __init__(self, units=32, activation=None, **kwargs):
        super().__init__(**kwargs)
        ### BEGIN SOLUTION
        self.units = units
        self.activation = keras.activations.get(activation)
        ### END SOLUTION

    def build(self, input_shape):
        ### BEGIN SOLUTION
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.units), initializer="random_normal", name="kernel"
        )
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")
        ### END SOLUTION

    def call(self, inputs):
        ### BEGIN SOLUTION
        return self.activation(keras.ops.matmul(inputs, self.kernel) + self.bias)
        ### END SOLUTION


# %% [markdown]
# ### Part A · weights (2 points)

# %% nbgrader={"grade_id": "part_a", "grade": true, "locked": true, "points": 2}
import keras
import numpy as np
from helpers.grading import check, check_close, checking, passed, silenced

checking("Part A")
with silenced():
    layer = SimpleDense(3)
    weights_before_build = len(layer.weights)
    layer.build((None, 4))
check("weights before build", weights_before_build, 0)
check("units", layer.units, 3)
check("kernel shape for 4 inputs and 3 units", tuple(layer.kernel.shape), (4, 3))
check("bias shape", tuple(layer.bias.shape), (3,))
check("number of trainable weights", len(layer.trainable_weights), 2)
check_close("initial bias", layer.bias, np.zeros(3))
### BEGIN HIDDEN TESTS
import helpers.grading as _grading

_T = _grading.trusted()
with _T.silenced():
    _layer = SimpleDense(7)
    _layer.build((None, 5))
    _kernel = _T.to_numpy(_layer.kernel)
    _names = tuple(w.name for w in _layer.trainable_weights)
_T.equal("units", _layer.units, 7)
_T.equal("kernel shape", tuple(_layer.kernel.shape), (5, 7))
_T.equal("bias shape", tuple(_layer.bias.shape), (7,))
_T.equal("names of the trainable weights", _names, ("kernel", "bias"))
_T.close("initial bias", _layer.bias, _T.np.zeros(7))
_T.true("initial kernel", _kernel.std() > 1e-3, "random values", "values that are all the same")
_T.true(
    "kernel and bias", isinstance(_layer.kernel, keras.Variable) and isinstance(_layer.bias, keras.Variable),
    "Keras variables created with add_weight", "something else",
)
### END HIDDEN TESTS
passed("Part A")

# %% [markdown]
# ### Part B · forward pass (3 points)

# %% nbgrader={"grade_id": "part_b", "grade": true, "locked": true, "points": 3}
import keras
import numpy as np
from helpers.grading import check, check_close, checking, passed, silenced

checking("Part B")
x = np.random.default_rng(0).normal(size=(2, 4)).astype("float32")
with silenced():
    layer = SimpleDense(3)
    layer.build(x.shape)
    layer.bias.assign([0.5, -1.0, 2.0])  # a non-zero bias, so forgetting to add it shows
    y = layer(x)
    kernel = keras.ops.convert_to_numpy(layer.kernel)
check("output shape", tuple(y.shape), (2, 3))
check_close("outputs", y, x @ kernel + np.array([0.5, -1.0, 2.0]))
### BEGIN HIDDEN TESTS
import helpers.grading as _grading

_T = _grading.trusted()
_rng = _T.rng(11)
_x2 = _rng.normal(size=(5, 6)).astype("float32")
_x3 = _rng.normal(size=(2, 3, 6)).astype("float32")
_b = _rng.normal(size=(2,)).astype("float32")
with _T.silenced():
    _layer = SimpleDense(2)
    _layer.build((None, 6))
    _layer.bias.assign(_b)
    _w = _T.to_numpy(_layer.kernel)
    _y2 = _layer(_x2)
    _y3 = _layer(_x3)
    _inputs = keras.Input(shape=(6,))
    _symbolic = SimpleDense(2)
    _model = keras.Model(_inputs, _symbolic(_inputs))  # a symbolic call: works only with keras.ops
    _symbolic.kernel.assign(_w)
    _symbolic.bias.assign(_b)
    _ym = _model(_x2)
_T.close("outputs for a batch of 5 rows", _y2, _x2 @ _w + _b)
_T.close("outputs for 3-axis inputs", _y3, _x3 @ _w + _b)
_T.close("outputs inside a functional keras.Model", _ym, _x2 @ _w + _b)
### END HIDDEN TESTS
passed("Part B")

# %% [markdown]
# ### Part C · in a model, trained on y = 2x − 1 (3 points)
#
# Write `fit_line(xs, ys)`: it builds `keras.Sequential([keras.Input(shape=(1,)), SimpleDense(1)])`,
# compiles it with `keras.optimizers.SGD(learning_rate=0.05)` and mean squared error, trains it on
# the column arrays `xs`, `ys` until the loss is below `1e-3`, and returns the model.
#
# *Speed tip, measured on a laptop CPU:* `model.fit(xs, ys, epochs=500)` on six points takes about
# 20 seconds, because every epoch has a fixed cost. One epoch over the data repeated 200 times,
# `model.fit(np.tile(xs, (200, 1)), np.tile(ys, (200, 1)), batch_size=len(xs), shuffle=False)`,
# runs the same 200 gradient steps in half a second.

# %% nbgrader={"grade_id": "fit_line", "solution": true}
def fit_line(xs, ys):
    """Train Sequential([Input((1,)), SimpleDense(1)]) on the points (xs, ys) and return it."""
    ### BEGIN SOLUTION
    model = keras.Sequential([keras.Input(shape=(1,)), SimpleDense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mean_squared_error")
    steps = 300
    model.fit(
        np.tile(xs, (steps, 1)), np.tile(ys, (steps, 1)),
        batch_size=len(xs), epochs=1, shuffle=False, verbose=0,
    )
    return model
    ### END SOLUTION


# %% nbgrader={"grade_id": "part_c", "grade": true, "locked": true, "points": 3}
import keras
import numpy as np
from helpers.grading import check, check_close, check_true, checking, passed, silenced

checking("Part C")
xs = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0], dtype="float32").reshape(-1, 1)
ys = 2 * xs - 1
with silenced():
    model = fit_line(xs, ys)
    found = [layer for layer in model.layers if isinstance(layer, SimpleDense)]
    prediction = model.predict(np.array([[10.0]], dtype="float32"), verbose=0)
check_true("model", isinstance(model, keras.Sequential), "a keras.Sequential", type(model).__name__)
check("SimpleDense layers in the model", len(found), 1)
check_close("prediction at x = 10 (the line gives 19)", prediction, [[19.0]], atol=0.05)
### BEGIN HIDDEN TESTS
import helpers.grading as _grading

_T = _grading.trusted()
_xs = _T.np.linspace(-2.0, 3.0, 8, dtype="float32").reshape(-1, 1)
_ys = -0.5 * _xs + 3.0
with _T.silenced():
    _model = fit_line(_xs, _ys)
    _dense = [_l for _l in _model.layers if isinstance(_l, SimpleDense)]
    _out = _model(_xs)
_T.equal("SimpleDense layers in the model", len(_dense), 1)
_w = _T.to_numpy(_dense[0].kernel)
_b = _T.to_numpy(_dense[0].bias)
_slope, _intercept = _T.np.polyfit(_xs[:, 0], _ys[:, 0], 1)
_T.close("trained kernel for another line", _w, [[_slope]], atol=0.05)
_T.close("trained bias for another line", _b, [_intercept], atol=0.05)
_T.close("model outputs use the SimpleDense weights", _out, _xs @ _w + _b, atol=1e-4)
_mse = ((_xs @ _w + _b - _ys) ** 2).mean()
_T.true("training loss", _mse < 1e-3, "below 1e-3", f"{_mse:.2g}")
### END HIDDEN TESTS
passed("Part C")

# %% [markdown]
# ### Part D · the activation argument (2 points)
#
# `SimpleDense(3, activation="relu")` applies ReLU to `inputs @ kernel + bias`; `activation=None`
# leaves it linear; a function such as `keras.activations.tanh` works as well as its name.

# %% nbgrader={"grade_id": "part_d", "grade": true, "locked": true, "points": 2}
import keras
import numpy as np
from helpers.grading import check_close, checking, passed, silenced

checking("Part D")
x = np.random.default_rng(1).normal(size=(4, 3)).astype("float32")
with silenced():
    layer = SimpleDense(5, activation="relu")
    y = layer(x)
    kernel = keras.ops.convert_to_numpy(layer.kernel)
    bias = keras.ops.convert_to_numpy(layer.bias)
check_close("relu outputs", y, np.maximum(x @ kernel + bias, 0.0))
### BEGIN HIDDEN TESTS
import helpers.grading as _grading

_T = _grading.trusted()
_x = _T.rng(12).normal(size=(6, 3)).astype("float32")
_b = _T.rng(13).normal(size=(4,)).astype("float32")
_checks = (
    ("tanh given by name", "tanh", _T.np.tanh),
    ("sigmoid given as a function", keras.activations.sigmoid, lambda z: 1.0 / (1.0 + _T.np.exp(-z))),
    ("activation=None", None, lambda z: z),
)
for _what, _activation, _reference in _checks:
    with _T.silenced():
        _layer = SimpleDense(4, activation=_activation)
        _layer.build((None, 3))
        _layer.bias.assign(_b)
        _y = _layer(_x)
        _z = _x @ _T.to_numpy(_layer.kernel) + _b
    _T.close(_what, _y, _reference(_z))
### END HIDDEN TESTS
passed("Part D")

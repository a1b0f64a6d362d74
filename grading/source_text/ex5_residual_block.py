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
# # Exercise 5 · A block made of layers
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/grading/release/ex5_residual_block/ex5_residual_block.ipynb)
#
# A layer may own other layers. Keras tracks every layer you assign to an attribute (also inside a
# list or dict), so the block's `weights`, `trainable` flag, saving and `summary()` all reach the
# layers inside. You will write `ResidualBlock`, the unit of a residual MLP:
#
# $$\mathrm{out} = \mathrm{LayerNorm}\big(x + \mathrm{projection}(\mathrm{relu}(x W_h + b_h))\big)$$
#
# where the hidden `Dense` has `hidden_units` units and the `projection` `Dense` maps back to the
# input width, so that `x` and the branch can be added.
#
# **Points:** A 3 · B 3 · C 2 · D 2 = **10**.
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
from helpers.grading import check, check_close, checking, passed, silenced

# %% [markdown]
# ## The block
#
# * **A · sublayers and their weights (3 points).** `__init__` keeps `hidden_units` and creates
#   `self.hidden = keras.layers.Dense(hidden_units, activation="relu")` and
#   `self.norm = keras.layers.LayerNormalization()`. The projection needs the input width, known
#   only in `build`: create `self.projection = keras.layers.Dense(input_shape[-1])` there, then build
#   all three sublayers (`self.hidden.build(input_shape)`, ...) so that the block's weights exist as
#   soon as the block is built.
# * **B · forward pass (3 points).** `call` returns `norm(inputs + projection(hidden(inputs)))`.
# * **C · in a model (2 points).** Blocks stack inside `keras.Sequential`; training reaches every
#   weight of every sublayer, and `block.trainable = False` freezes all of them.
# * **D · saving (2 points).** `get_config` adds `hidden_units`; the class is registered (given), so
#   a model of blocks survives a `.keras` round trip.

# %% nbgrader={"grade_id": "residual_block", "solution": true}
@keras.saving.register_keras_serializable(package="course")
class ResidualBlock(keras.layers.Layer):
    """LayerNorm(x + projection(relu-Dense(x))): a residual MLP unit."""

    def __init__(self, hidden_units, **kwargs):
        super().__init__(**kwargs)
        ### BEGIN SOLUTION
        self.hidden_units = hidden_units
        self.hidden = keras.layers.Dense(hidden_units, activation="relu", name="hidden")
        self.norm = keras.layers.LayerNormalization(name="norm")
        ### END SOLUTION

    def build(self, input_shape):
        ### BEGIN SOLUTION
        self.projection = keras.layers.Dense(input_shape[-1], name="projection")
        self.hidden.build(input_shape)
        self.projection.build((*input_shape[:-1], self.hidden_units))
        self.norm.build(input_shape)
        ### END SOLUTION

    def call(self, inputs):
        ### BEGIN SOLUTION
        return self.norm(inputs + self.projection(self.hidden(inputs)))
        ### END SOLUTION

    def get_config(self):
        ### BEGIN SOLUTION
        return {**super().get_config(), "hidden_units": self.hidden_units}
        ### END SOLUTION


# %% [markdown]
# ### Part A · sublayers and their weights (3 points)

# %% nbgrader={"grade_id": "part_a", "grade": true, "locked": true, "points": 3}
from helpers.grading import check, checking, passed, silenced

checking("Part A")
with silenced():
    block = ResidualBlock(4)
    block.build((None, 6))
check("hidden kernel shape", tuple(block.hidden.kernel.shape), (6, 4))
check("projection kernel shape", tuple(block.projection.kernel.shape), (4, 6))
check("LayerNormalization scale (gamma) shape", tuple(block.norm.gamma.shape), (6,))
check("number of trainable weights of the block", len(block.trainable_weights), 6)
check("count_params() (6*4 + 4 + 4*6 + 6 + 2*6)", block.count_params(), 70)
### BEGIN HIDDEN TESTS
import helpers.grading as _grading

_T = _grading.trusted()
with _T.silenced():
    _block = ResidualBlock(9)
    _block.build((None, 5))
    _shapes = tuple(tuple(_w.shape) for _w in _block.trainable_weights)
    _sublayers = (_block.hidden, _block.projection, _block.norm)
_T.equal("hidden_units", _block.hidden_units, 9)
_T.equal(
    "sublayer types (hidden, projection, norm)",
    tuple(type(_l).__name__ for _l in _sublayers),
    ("Dense", "Dense", "LayerNormalization"),
)
_T.equal("hidden layer units", _block.hidden.units, 9)
_T.equal("projection units (the input width)", _block.projection.units, 5)
_T.equal("count_params() for width 5 and 9 hidden units", _block.count_params(), 5 * 9 + 9 + 9 * 5 + 5 + 2 * 5)
_T.equal("shapes of the trainable weights, sorted", tuple(sorted(_shapes)), ((5,), (5,), (5,), (5, 9), (9,), (9, 5)))
### END HIDDEN TESTS
passed("Part A")

# %% [markdown]
# ### Part B · forward pass (3 points)

# %% nbgrader={"grade_id": "part_b", "grade": true, "locked": true, "points": 3}
import numpy as np
from helpers.grading import check, check_close, checking, passed, silenced


def numpy_block(x, hidden_kernel, hidden_bias, projection_kernel, projection_bias, gamma, beta):
    """The block in NumPy: LayerNormalization uses the mean and variance of the last axis, eps 1e-3."""
    z = x + np.maximum(x @ hidden_kernel + hidden_bias, 0.0) @ projection_kernel + projection_bias
    mean = z.mean(axis=-1, keepdims=True)
    variance = z.var(axis=-1, keepdims=True)
    return (z - mean) / np.sqrt(variance + 1e-3) * gamma + beta


checking("Part B")
rng = np.random.default_rng(5)
x = rng.normal(size=(3, 6)).astype("float32")
weights = [rng.normal(size=shape).astype("float32") for shape in [(6, 4), (4,), (4, 6), (6,), (6,), (6,)]]
with silenced():
    block = ResidualBlock(4)
    block.build(x.shape)
    block.hidden.set_weights(weights[0:2])
    block.projection.set_weights(weights[2:4])
    block.norm.set_weights(weights[4:6])
    y = block(x)
check("output shape (same as the input)", tuple(y.shape), (3, 6))
check_close("outputs", y, numpy_block(x, *weights), atol=1e-4)
### BEGIN HIDDEN TESTS
import helpers.grading as _grading

_T = _grading.trusted()


def _reference(_x, _hk, _hb, _pk, _pb, _g, _b):
    _z = _x + _T.np.maximum(_x @ _hk + _hb, 0.0) @ _pk + _pb
    _mean = _z.mean(axis=-1, keepdims=True)
    return (_z - _mean) / _T.np.sqrt(_z.var(axis=-1, keepdims=True) + 1e-3) * _g + _b


_rng = _T.rng(51)
_x = _rng.normal(size=(2, 3, 5)).astype("float32")
_w = [_rng.normal(size=_s).astype("float32") for _s in [(5, 7), (7,), (7, 5), (5,), (5,), (5,)]]
with _T.silenced():
    _block = ResidualBlock(7)
    _block.build((None, 3, 5))
    _block.hidden.set_weights(_w[0:2])
    _block.projection.set_weights(_w[2:4])
    _block.norm.set_weights(_w[4:6])
    _y = _block(_x)
_T.close("outputs for 3-axis inputs and 7 hidden units", _y, _reference(_x, *_w), atol=1e-4)
### END HIDDEN TESTS
passed("Part B")

# %% [markdown]
# ### Part C · in a model (2 points)

# %% nbgrader={"grade_id": "part_c", "grade": true, "locked": true, "points": 2}
import keras
import numpy as np
from helpers.grading import check, checking, passed, silenced

checking("Part C")
rng = np.random.default_rng(6)
x = rng.normal(size=(32, 6)).astype("float32")
y = rng.normal(size=(32, 1)).astype("float32")
with silenced():
    model = keras.Sequential([keras.Input(shape=(6,)), ResidualBlock(8), ResidualBlock(8), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mean_squared_error")
    before = [keras.ops.convert_to_numpy(w) for w in model.trainable_weights]
    model.fit(x, y, epochs=1, batch_size=32, verbose=0)
    after = [keras.ops.convert_to_numpy(w) for w in model.trainable_weights]
check("trainable weights of two blocks and a Dense", len(model.trainable_weights), 14)
unchanged = [index for index, (b, a) in enumerate(zip(before, after, strict=True)) if np.array_equal(b, a)]
check("positions of weights a training step left unchanged", unchanged, [])
### BEGIN HIDDEN TESTS
import helpers.grading as _grading

_T = _grading.trusted()
with _T.silenced():
    _block = ResidualBlock(3)
    _block.build((None, 4))
    _block.trainable = False
    _frozen = (len(_block.trainable_weights), len(_block.non_trainable_weights))
    _hidden_trainable = _block.hidden.trainable
    _inputs = keras.Input(shape=(4,))
    _model = keras.Model(_inputs, keras.layers.Dense(1)(ResidualBlock(5)(ResidualBlock(5)(_inputs))))
_T.equal("(trainable, non-trainable) weights of a frozen block", _frozen, (0, 6))
_T.equal("trainable flag of a sublayer of a frozen block", _hidden_trainable, False)
_T.equal("trainable weights of a functional model with two blocks", len(_model.trainable_weights), 14)
_T.equal("parameters of that model", _model.count_params(), 2 * (4 * 5 + 5 + 5 * 4 + 4 + 2 * 4) + 4 + 1)
### END HIDDEN TESTS
passed("Part C")

# %% [markdown]
# ### Part D · saving (2 points)

# %% nbgrader={"grade_id": "part_d", "grade": true, "locked": true, "points": 2}
import tempfile
from pathlib import Path

import keras
import numpy as np
from helpers.grading import check, check_close, checking, passed, silenced

checking("Part D")
x = np.random.default_rng(7).normal(size=(5, 6)).astype("float32")
with silenced(), tempfile.TemporaryDirectory() as folder:
    block = ResidualBlock(4, name="block")
    config = block.get_config()
    model = keras.Sequential([keras.Input(shape=(6,)), block, keras.layers.Dense(2)])
    before = model.predict(x, verbose=0)
    model.save(Path(folder) / "block.keras")
    loaded = keras.saving.load_model(Path(folder) / "block.keras")
    after = loaded.predict(x, verbose=0)
check("config['hidden_units']", config.get("hidden_units"), 4)
check("hidden_units after loading", loaded.get_layer("block").hidden_units, 4)
check_close("outputs after loading", after, before, atol=0.0, rtol=0.0)
### BEGIN HIDDEN TESTS
import helpers.grading as _grading

_T = _grading.trusted()
_x = _T.rng(52).normal(size=(4, 3)).astype("float32")
with _T.silenced(), tempfile.TemporaryDirectory() as _folder:
    _clone = ResidualBlock.from_config(ResidualBlock(11, name="b11").get_config())
    _inputs = keras.Input(shape=(3,))
    _model = keras.Model(_inputs, ResidualBlock(2, name="b2")(ResidualBlock(6, name="b6")(_inputs)))
    _before = _T.to_numpy(_model(_x))
    _model.save(Path(_folder) / "blocks.keras")
    _loaded = keras.saving.load_model(Path(_folder) / "blocks.keras")
    _after = _T.to_numpy(_loaded(_x))
    _weights_before = [_T.to_numpy(_w) for _w in _model.get_layer("b6").weights]
    _weights_after = [_T.to_numpy(_w) for _w in _loaded.get_layer("b6").weights]
_T.equal("hidden_units of from_config(get_config())", _clone.hidden_units, 11)
_T.equal("hidden_units of a loaded block", _loaded.get_layer("b2").hidden_units, 2)
_T.equal("weights of a loaded block", len(_weights_after), len(_weights_before))
for _wb, _wa in zip(_weights_before, _weights_after, strict=True):
    _T.close("a weight of a loaded block", _wa, _wb, atol=0.0, rtol=0.0)
_T.close("outputs of a loaded functional model with two blocks", _after, _before, atol=0.0, rtol=0.0)
### END HIDDEN TESTS
passed("Part D")

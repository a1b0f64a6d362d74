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
# # Exercise 2 · A layer that survives saving
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/grading/release/ex2_serializable_layer/ex2_serializable_layer.ipynb)
#
# A model saved as `.keras` stores each layer's **config** (the arguments that recreate it) next to
# its weights. Loading calls `from_config(config)` and then `build`, and puts the weights back. A
# custom layer takes part when it can describe itself (`get_config`) and when Keras can find its
# class by name (registration). You will write `RBF`, a radial-basis-function layer: unit `j` has a
# centre `c_j` and answers an input `x` with
#
# $$\mathrm{out}_j = \exp\left(-\gamma\,\lVert x - c_j \rVert^2\right),$$
#
# close to 1 near its centre and close to 0 far away.
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
import json
import tempfile
from pathlib import Path

import keras
import numpy as np
from helpers.grading import check, check_close, check_true, checking, passed, silenced

# %% [markdown]
# ## The layer
#
# * **A · forward pass (3 points).** `RBF(units, gamma=1.0, centers_initializer="random_uniform")`.
#   `build` creates `self.centers` of shape `(units, input_width)` with `self.add_weight`, using the
#   initializer. `call` maps inputs of shape `(batch, input_width)` to `(batch, units)` with the
#   formula above, in `keras.ops` (hint: `keras.ops.expand_dims(inputs, -2) - self.centers` has
#   shape `(batch, units, input_width)`).
# * **B · config (3 points).** `get_config` returns the base layer's config (`super().get_config()`)
#   plus `units`, `gamma` and `centers_initializer`. The config must be plain JSON, so store the
#   initializer as `keras.initializers.serialize(...)`; `__init__` turns whatever it receives (a
#   name, a serialized dict or an object) back into an initializer with `keras.initializers.get`.
#   Then the inherited `RBF.from_config(config)`, which calls `RBF(**config)`, rebuilds the layer.
# * **C · registration (2 points):** in its own cell, below Part B.
# * **D · `.keras` round trip (2 points).** Nothing new to write: a model that contains your layer
#   is saved, loaded back without `custom_objects`, and must give identical outputs.

# %% nbgrader={"grade_id": "rbf", "solution": true}
class RBF(keras.layers.Layer):
    """Radial basis functions: out[:, j] = exp(-gamma * ||x - centers[j]||^2)."""

    def __init__(self, units, gamma=1.0, centers_initializer="random_uniform", **kwargs):
        super().__init__(**kwargs)
        ### BEGIN SOLUTION
        self.units = units
        self.gamma = gamma
        self.centers_initializer = keras.initializers.get(centers_initializer)
        ### END SOLUTION

    def build(self, input_shape):
        ### BEGIN SOLUTION
        self.centers = self.add_weight(
            shape=(self.units, input_shape[-1]), initializer=self.centers_initializer, name="centers"
        )
        ### END SOLUTION

    def call(self, inputs):
        ### BEGIN SOLUTION
        offsets = keras.ops.expand_dims(inputs, -2) - self.centers
        return keras.ops.exp(-self.gamma * keras.ops.sum(keras.ops.square(offsets), axis=-1))
        ### END SOLUTION

    def get_config(self):
        ### BEGIN SOLUTION
        config = super().get_config()
        config.update(
            units=self.units,
            gamma=self.gamma,
            centers_initializer=keras.initializers.serialize(self.centers_initializer),
        )
        return config
        ### END SOLUTION


# %% [markdown]
# ### Part A · forward pass (3 points)

# %% nbgrader={"grade_id": "part_a", "grade": true, "locked": true, "points": 3}
import keras
import numpy as np
from helpers.grading import check, check_close, checking, passed, silenced

checking("Part A")
x = np.array([[0.0, 0.0], [1.0, 2.0], [-1.0, 0.5]], dtype="float32")
with silenced():
    layer = RBF(2, gamma=0.5)
    layer.build(x.shape)
    layer.centers.assign([[0.0, 0.0], [1.0, 1.0]])
    y = layer(x)
check("centers shape for 2 units and 2 inputs", tuple(layer.centers.shape), (2, 2))
check("output shape", tuple(y.shape), (3, 2))
squared = ((x[:, None, :] - np.array([[0.0, 0.0], [1.0, 1.0]])[None]) ** 2).sum(axis=-1)
check_close("outputs", y, np.exp(-0.5 * squared))
### BEGIN HIDDEN TESTS
import helpers.grading as _grading

_T = _grading.trusted()
_rng = _T.rng(21)
_x = _rng.normal(size=(7, 4)).astype("float32")
_c = _rng.normal(size=(5, 4)).astype("float32")
with _T.silenced():
    _layer = RBF(5, gamma=0.3)
    _layer.build((None, 4))
    _layer.centers.assign(_c)
    _y = _layer(_x)
    _inputs = keras.Input(shape=(4,))
    _symbolic = RBF(5, gamma=0.3)
    _model = keras.Model(_inputs, _symbolic(_inputs))  # a symbolic call: works only with keras.ops
    _symbolic.centers.assign(_c)
    _ym = _model(_x)
_reference = _T.np.exp(-0.3 * ((_x[:, None, :] - _c[None]) ** 2).sum(axis=-1))
_T.equal("centers shape", tuple(_layer.centers.shape), (5, 4))
_T.close("outputs for other inputs, centers and gamma", _y, _reference)
_T.close("outputs inside a functional keras.Model", _ym, _reference)
### END HIDDEN TESTS
passed("Part A")

# %% [markdown]
# ### Part B · config (3 points)

# %% nbgrader={"grade_id": "part_b", "grade": true, "locked": true, "points": 3}
import json

import keras
from helpers.grading import check, check_true, checking, passed, silenced

checking("Part B")
with silenced():
    layer = RBF(3, gamma=0.25, name="rbf_b")
    config = layer.get_config()
    clone = RBF.from_config(config)
check("config['units']", config.get("units"), 3)
check("config['gamma']", config.get("gamma"), 0.25)
check("config['name'] (kept from the base layer's config)", config.get("name"), "rbf_b")
check_true("config", isinstance(json.dumps(config), str), "plain JSON", "something json.dumps rejects")
check("units of RBF.from_config(config)", clone.units, 3)
check("gamma of RBF.from_config(config)", clone.gamma, 0.25)
### BEGIN HIDDEN TESTS
import helpers.grading as _grading

_T = _grading.trusted()
with _T.silenced():
    _init = keras.initializers.RandomNormal(mean=1.0, stddev=0.5, seed=3)
    _layer = RBF(6, gamma=2.5, centers_initializer=_init, name="rbf_hidden", dtype="float64")
    _config = _layer.get_config()
    _text = json.dumps(_config)
    _clone = RBF.from_config(json.loads(_text))
    _clone_config = _clone.get_config()
_T.equal("units after a JSON round trip", _clone.units, 6)
_T.equal("gamma after a JSON round trip", _clone.gamma, 2.5)
_T.equal("name after a JSON round trip", _clone.name, "rbf_hidden")
_T.equal("dtype after a JSON round trip", _clone.dtype, "float64")
_T.equal(
    "initializer class after a JSON round trip", type(_clone.centers_initializer).__name__, "RandomNormal"
)
_T.true(
    "initializer settings after a JSON round trip",
    _clone.centers_initializer.get_config() == _init.get_config(),
    "mean 1.0, stddev 0.5, seed 3",
    "different settings",
)
_T.true("config of the clone", _clone_config == _config, "the same config as the original", "a different one")
### END HIDDEN TESTS
passed("Part B")

# %% [markdown]
# ### Part C · registration (2 points)
#
# Loading looks a class up by its registered name. Register `RBF` under the package name `"course"`
# (its registered name becomes `"course>RBF"`) with `keras.saving.register_keras_serializable`.
# Usually that is a decorator on the line above `class`; here it is one line in the cell below, so
# that parts A and B can be tested first: `RBF = keras.saving.register_keras_serializable(...)(RBF)`.

# %% nbgrader={"grade_id": "register_rbf", "solution": true}
### BEGIN SOLUTION
RBF = keras.saving.register_keras_serializable(package="course")(RBF)
### END SOLUTION

# %% nbgrader={"grade_id": "part_c", "grade": true, "locked": true, "points": 2}
import keras
from helpers.grading import check, checking, passed

checking("Part C")
check("registered name", keras.saving.get_registered_name(RBF), "course>RBF")
### BEGIN HIDDEN TESTS
import helpers.grading as _grading

_T = _grading.trusted()
_T.true(
    "class found under 'course>RBF'",
    keras.saving.get_registered_object("course>RBF") is RBF,
    "the RBF class defined in this notebook",
    f"{keras.saving.get_registered_object('course>RBF')!r}",
)
with _T.silenced():
    _rebuilt = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(RBF(2, gamma=4.0)))
_T.true("deserialized object", isinstance(_rebuilt, RBF), "an RBF layer", type(_rebuilt).__name__)
_T.equal("gamma of the deserialized layer", _rebuilt.gamma, 4.0)
### END HIDDEN TESTS
passed("Part C")

# %% [markdown]
# ### Part D · `.keras` round trip (2 points)

# %% nbgrader={"grade_id": "part_d", "grade": true, "locked": true, "points": 2}
import tempfile
from pathlib import Path

import keras
import numpy as np
from helpers.grading import check, check_close, checking, passed, silenced

checking("Part D")
x = np.random.default_rng(2).normal(size=(4, 3)).astype("float32")
with silenced(), tempfile.TemporaryDirectory() as folder:
    model = keras.Sequential([keras.Input(shape=(3,)), RBF(4, gamma=0.5), keras.layers.Dense(1)])
    before = model.predict(x, verbose=0)
    model.save(Path(folder) / "rbf.keras")
    loaded = keras.saving.load_model(Path(folder) / "rbf.keras")
    after = loaded.predict(x, verbose=0)
check("layer type after loading", type(loaded.layers[0]).__name__, "RBF")
check("gamma after loading", loaded.layers[0].gamma, 0.5)
check_close("outputs after loading", after, before, atol=0.0, rtol=0.0)
### BEGIN HIDDEN TESTS
import helpers.grading as _grading

_T = _grading.trusted()
_x = _T.rng(22).normal(size=(9, 5)).astype("float32")
with _T.silenced(), tempfile.TemporaryDirectory() as _folder:
    _init = keras.initializers.RandomNormal(stddev=2.0, seed=5)
    _inputs = keras.Input(shape=(5,))
    _hidden = RBF(6, gamma=0.1, centers_initializer=_init, name="rbf_hidden")(_inputs)
    _model = keras.Model(_inputs, keras.layers.Dense(2)(_hidden))
    _before = _T.to_numpy(_model(_x))
    _model.save(Path(_folder) / "functional.keras")
    _loaded = keras.saving.load_model(Path(_folder) / "functional.keras")
    _after = _T.to_numpy(_loaded(_x))
    _layer = _loaded.get_layer("rbf_hidden")
    _centers_before = _T.to_numpy(_model.get_layer("rbf_hidden").centers)
    _centers_after = _T.to_numpy(_layer.centers)
_T.close("centers after loading a functional model", _centers_after, _centers_before, atol=0.0, rtol=0.0)
_T.close("outputs after loading a functional model", _after, _before, atol=0.0, rtol=0.0)
_T.true(
    "initializer after loading",
    _layer.centers_initializer.get_config() == _init.get_config(),
    "RandomNormal(stddev=2.0, seed=5)",
    "different settings",
)
### END HIDDEN TESTS
passed("Part D")

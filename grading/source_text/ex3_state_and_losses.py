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
# # Exercise 3 · State, training mode and added losses
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/grading/release/ex3_state_and_losses/ex3_state_and_losses.ipynb)
#
# Some layers keep a statistic that is not learned by gradient descent but updated as data flows
# through (`BatchNormalization`'s moving mean and variance are the classic case), behave differently
# while training than at inference, and add a term to the model's loss. You will write
# `RunningCenter`, which does all three:
#
# * **training** (`training=True`): subtract the mean of the current batch, and move the stored
#   mean towards it: `moving_mean ← momentum · moving_mean + (1 − momentum) · batch_mean`;
# * **inference** (`training=False`, the default): subtract the stored `moving_mean`, unchanged;
# * **activity penalty**: in both modes, `self.add_loss(penalty · mean(outputs²))`.
#
# **Points:** A 2 · B 3 · C 2 · D 3 = **10**.
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
from helpers.grading import check, check_close, checking, passed, silenced

# %% [markdown]
# ## The layer
#
# Inputs have shape `(batch, features)`.
#
# * **A · state (2 points).** `__init__` keeps `momentum` and `penalty`. `build` creates
#   `self.moving_mean` of shape `(features,)`, starting at zeros, with
#   `self.add_weight(..., trainable=False, name="moving_mean")`: Keras tracks it and saves it with
#   the model, but no optimizer touches it.
# * **B · training mode (3 points).** With `training=True`, return `inputs − batch_mean` and update
#   the moving mean with `self.moving_mean.assign(...)`.
# * **C · inference mode (2 points).** With `training=False` (also when `training` is not given),
#   return `inputs − moving_mean` and leave the moving mean alone.
# * **D · activity penalty (3 points).** Both modes call `self.add_loss(penalty * mean(outputs**2))`
#   (the mean over every entry). Keras collects the value in `layer.losses` (and `model.losses`),
#   cleared at the start of every call, and `fit` adds it to the training loss.

# %% nbgrader={"grade_id": "running_center", "solution": true}
class RunningCenter(keras.layers.Layer):
    """Centers its inputs: on the batch mean while training, on a running mean at inference."""

    def __init__(self, momentum=0.9, penalty=0.01, **kwargs):
        super().__init__(**kwargs)
        ### BEGIN SOLUTION
        self.momentum = momentum
        self.penalty = penalty
        ### END SOLUTION

    def build(self, input_shape):
        ### BEGIN SOLUTION
        self.moving_mean = self.add_weight(
            shape=(input_shape[-1],), initializer="zeros", trainable=False, name="moving_mean"
        )
        ### END SOLUTION

    def call(self, inputs, training=False):
        ### BEGIN SOLUTION
        if training:
            batch_mean = keras.ops.mean(inputs, axis=0)
            self.moving_mean.assign(
                self.momentum * self.moving_mean + (1.0 - self.momentum) * batch_mean
            )
            outputs = inputs - batch_mean
        else:
            outputs = inputs - self.moving_mean
        self.add_loss(self.penalty * keras.ops.mean(keras.ops.square(outputs)))
        return outputs
        ### END SOLUTION


# %% [markdown]
# ### Part A · state (2 points)

# %% nbgrader={"grade_id": "part_a", "grade": true, "locked": true, "points": 2}
import numpy as np
from helpers.grading import check, check_close, checking, passed, silenced

checking("Part A")
with silenced():
    layer = RunningCenter()
    layer.build((None, 3))
check("moving_mean shape for 3 features", tuple(layer.moving_mean.shape), (3,))
check_close("initial moving_mean", layer.moving_mean, np.zeros(3))
check("number of trainable weights", len(layer.trainable_weights), 0)
check("number of non-trainable weights", len(layer.non_trainable_weights), 1)
### BEGIN HIDDEN TESTS
import helpers.grading as _grading

_T = _grading.trusted()
with _T.silenced():
    _layer = RunningCenter(momentum=0.75, penalty=0.2)
    _layer.build((None, 6))
    _names = tuple(_w.name for _w in _layer.non_trainable_weights)
_T.equal("momentum", _layer.momentum, 0.75)
_T.equal("penalty", _layer.penalty, 0.2)
_T.equal("moving_mean shape", tuple(_layer.moving_mean.shape), (6,))
_T.equal("names of the non-trainable weights", _names, ("moving_mean",))
_T.equal("trainable flag of moving_mean", _layer.moving_mean.trainable, False)
_T.close("initial moving_mean", _layer.moving_mean, _T.np.zeros(6))
### END HIDDEN TESTS
passed("Part A")

# %% [markdown]
# ### Part B · training mode (3 points)

# %% nbgrader={"grade_id": "part_b", "grade": true, "locked": true, "points": 3}
import numpy as np
from helpers.grading import check_close, checking, passed, silenced

checking("Part B")
x = np.array([[1.0, 2.0, 3.0], [3.0, 6.0, -1.0]], dtype="float32")
with silenced():
    layer = RunningCenter(momentum=0.9)
    y = layer(x, training=True)
check_close("outputs while training (inputs minus the batch mean)", y, x - x.mean(axis=0))
check_close("moving_mean after one batch (0.9 * 0 + 0.1 * batch mean)", layer.moving_mean, 0.1 * x.mean(axis=0))
### BEGIN HIDDEN TESTS
import helpers.grading as _grading

_T = _grading.trusted()
_rng = _T.rng(31)
_batches = [_rng.normal(loc=3.0, size=(8, 4)).astype("float32") for _ in range(3)]
_expected = _T.np.zeros(4)
_outputs, _means = [], []
with _T.silenced():
    _layer = RunningCenter(momentum=0.6)
    for _batch in _batches:
        _outputs.append(_T.to_numpy(_layer(_batch, training=True)))
        _means.append(_T.to_numpy(_layer.moving_mean))
for _step, _batch in enumerate(_batches):
    _expected = 0.6 * _expected + 0.4 * _batch.mean(axis=0)
    _T.close(f"outputs while training, batch {_step + 1}", _outputs[_step], _batch - _batch.mean(axis=0))
    _T.close(f"moving_mean after batch {_step + 1} (momentum 0.6)", _means[_step], _expected)
### END HIDDEN TESTS
passed("Part B")

# %% [markdown]
# ### Part C · inference mode (2 points)

# %% nbgrader={"grade_id": "part_c", "grade": true, "locked": true, "points": 2}
import keras
import numpy as np
from helpers.grading import check_close, checking, passed, silenced

checking("Part C")
x = np.array([[1.0, 2.0, 3.0], [3.0, 6.0, -1.0]], dtype="float32")
with silenced():
    layer = RunningCenter()
    layer.build(x.shape)
    layer.moving_mean.assign([1.0, -1.0, 0.5])
    y_default = layer(x)
    y_inference = layer(x, training=False)
check_close("outputs when training is not given", y_default, x - np.array([1.0, -1.0, 0.5]))
check_close("outputs with training=False", y_inference, x - np.array([1.0, -1.0, 0.5]))
check_close("moving_mean after inference calls (unchanged)", layer.moving_mean, [1.0, -1.0, 0.5])
### BEGIN HIDDEN TESTS
import helpers.grading as _grading

_T = _grading.trusted()
_rng = _T.rng(32)
_mean = _rng.normal(size=(5,)).astype("float32")
_x = _rng.normal(size=(6, 5)).astype("float32")
with _T.silenced():
    _layer = RunningCenter(momentum=0.5)
    _layer.build((None, 5))
    _layer.moving_mean.assign(_mean)
    _ys = [_T.to_numpy(_layer(_x, training=False)) for _ in range(3)]
    _model = keras.Sequential([keras.Input(shape=(5,)), _layer])
    _yp = _model.predict(_x, verbose=0)  # predict runs the layer in inference mode
    _after = _T.to_numpy(_layer.moving_mean)
for _y in _ys:
    _T.close("outputs at inference", _y, _x - _mean)
_T.close("outputs of model.predict", _yp, _x - _mean)
_T.close("moving_mean after inference calls", _after, _mean)
### END HIDDEN TESTS
passed("Part C")

# %% [markdown]
# ### Part D · activity penalty (3 points)

# %% nbgrader={"grade_id": "part_d", "grade": true, "locked": true, "points": 3}
import keras
import numpy as np
from helpers.grading import check, check_close, checking, passed, silenced

checking("Part D")
x = np.array([[1.0, 2.0, 3.0], [3.0, 6.0, -1.0]], dtype="float32")
with silenced():
    layer = RunningCenter(penalty=0.01)
    y = layer(x)
    losses = list(layer.losses)
check("number of losses after one call", len(losses), 1)
check_close("penalty (0.01 * mean of outputs squared)", losses[0], 0.01 * (x**2).mean())
### BEGIN HIDDEN TESTS
import helpers.grading as _grading

_T = _grading.trusted()
_rng = _T.rng(33)
_x = _rng.normal(size=(7, 4)).astype("float32")
_mean = _rng.normal(size=(4,)).astype("float32")
with _T.silenced():
    _layer = RunningCenter(penalty=0.3)
    _layer.build((None, 4))
    _layer.moving_mean.assign(_mean)
    _layer(_x)
    _layer(_x)
    _losses = list(_layer.losses)
    _model = keras.Sequential([keras.Input(shape=(4,)), RunningCenter(penalty=0.5)])
    _model.layers[0].moving_mean.assign(_mean)
    _model(_x)
    _model_losses = list(_model.losses)
    _quiet = RunningCenter(penalty=0.0)
    _quiet(_x)
    _quiet_losses = list(_quiet.losses)
_T.equal("number of losses after two calls (each call starts afresh)", len(_losses), 1)
_T.close("penalty 0.3 at inference", _losses[0], 0.3 * ((_x - _mean) ** 2).mean())
_T.equal("number of losses in model.losses", len(_model_losses), 1)
_T.close("penalty 0.5 seen through model.losses", _model_losses[0], 0.5 * ((_x - _mean) ** 2).mean())
_T.equal("number of losses with penalty 0", len(_quiet_losses), 1)
_T.close("penalty 0", _quiet_losses[0], 0.0)
### END HIDDEN TESTS
passed("Part D")

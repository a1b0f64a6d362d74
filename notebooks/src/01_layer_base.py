# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: -all
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 01 · The base Layer class
#
# Every part of a Keras model, from a `Dense` layer to a whole `Model`, is a `keras.layers.Layer`:
# an object that **owns weights** and **turns inputs into outputs**. Here you write layers from
# scratch, train one, freeze it, save and reload it, and attach an extra loss to it, each step
# checked against NumPy.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/notebooks/01_layer_base.ipynb)

# %%
# Setup: on Colab this installs the course helpers and Keras; locally it checks versions.
import importlib, importlib.util, os, subprocess, sys

if importlib.util.find_spec("google.colab") and importlib.util.find_spec("helpers") is None:
    url = os.environ.get("COURSE_HELPERS_URL", "git+https://github.com/keras-layers-course/keras3-layers-course.git@main")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"keras-layers-course[colab] @ {url}"], check=True)
    importlib.invalidate_caches()

from helpers.setup import start

ENV = start(seed=42)

# %% [markdown]
# Keras, NumPy for the checks, the course's plotting helpers and small utilities, and the exercises.

# %%
import json
import os
import tempfile
import warnings

import keras
import numpy as np

from helpers import plots
from helpers.nbtools import expect_error, to_numpy
from helpers.selfcheck import exercise

rng = np.random.default_rng(0)  # every synthetic dataset below comes from this generator


# %% [markdown]
# ## What
#
# A **layer** has two jobs:
#
# 1. it **holds state**: its weights, each one a `keras.Variable`;
# 2. it **computes**: its `call` method maps inputs to outputs using that state.
#
# `keras.layers.Layer` gives every layer the machinery around those jobs, the APIs of this notebook:
# creating, listing, freezing and copying weights, describing settings for saving, and extra loss
# terms. `Dense` is a subclass, and so is `keras.Model`: a model is a layer of layers. The cell
# checks both jobs on a `Dense`: a kernel and a bias, and `x @ kernel + bias` as NumPy computes it.

# %%
assert issubclass(keras.layers.Dense, keras.layers.Layer)
assert issubclass(keras.Model, keras.layers.Layer)  # a model is a layer too
assert keras.Layer is keras.layers.Layer  # the short alias

dense = keras.layers.Dense(3)
x = rng.normal(size=(4, 2)).astype("float32")
y = to_numpy(dense(x))  # the first call creates the state, then computes
kernel, bias = dense.get_weights()  # the state, as NumPy arrays
np.testing.assert_allclose(y, x @ kernel + bias, rtol=1e-5, atol=1e-6)
print("state:", [(v.name, tuple(v.shape)) for v in dense.weights])


# %% [markdown]
# ## Where
#
# - **In the API**: `keras.layers.Layer`, also reachable as `keras.Layer`, with the same API on
#   TensorFlow, JAX and PyTorch because layers compute with `keras.ops`.
# - **In a model**: as a step of a `keras.Sequential`, as a node of a functional model
#   (`keras.Input` → layers → `keras.Model`), or **inside another layer** (a block, below). The
#   weights live in the layer: a layer shared by two models shares its variables.
# - **On disk**: a `.keras` file stores each layer's `get_config()` and its weights.

# %% [markdown]
# ## Why
#
# Subclassing `Layer` buys you bookkeeping that plain functions and arrays would leave to you:
#
# - **Weight tracking**: every variable made with `add_weight`, nested layers' included, appears in
#   `weights`, where optimizers, `count_params()` and `save()` find it.
# - **Lazy building**: `build` gets the first input's shape, so you need not know it in advance.
# - **Freezing** with one flag, **saving** through `get_config`, **extra losses** through `add_loss`.
# - **Portability**: written with `keras.ops`, one layer runs on all three backends.

# %% [markdown]
# ## When
#
# | Situation | Use |
# |---|---|
# | A built-in layer already does it (`Dense`, `Conv2D`, `Normalization`, ...) | the built-in layer |
# | A quick stateless operation in an experiment you will not save or share | `keras.layers.Lambda` |
# | The operation needs weights, settings that must be saved, or will be reused | subclass `Layer` |
# | Several layers always used together | a `Layer` subclass that holds them (a block) |
# | The block also needs its own `fit`, `evaluate` or `save` | a `keras.Model` subclass |

# %% [markdown]
# ## Who
#
# - **Students**, to see what `Dense` really does, one `add_weight` and one `matmul` at a time.
# - **Researchers**, who try a new operation as a layer and keep the rest of Keras.
# - **Engineers**, who put preprocessing inside the model so that the saved file carries it.
# - **Keras itself**: every built-in layer is written with these same methods.

# %% [markdown]
# ## How
#
# A custom layer subclasses `keras.layers.Layer` with up to four methods: `__init__` (settings),
# `build` (weights), `call` (computation) and `get_config` (settings for saving).
#
# ### `Layer`: the lifecycle `__init__` → `build` → `call`
#
# - `__init__(self, ..., **kwargs)` stores the settings. Call `super().__init__(**kwargs)` first, so
#   that `name`, `dtype` and `trainable` reach the base class; a layer that skips it fails on first
#   use.
# - `build(self, input_shape)` creates the weights. Keras calls it **once**, on the first call, when
#   the input's size is known. Call it yourself to have weights before any data
#   (`layer.build((None, 250))`).
# - `call(self, inputs)` is the forward pass. It runs **every time** the layer is called.
#
# `LifecycleProbe` multiplies each input feature by its own weight and counts how often `build` and
# `call` run.

# %%
class LifecycleProbe(keras.layers.Layer):
    """Multiplies each input feature by its own weight; counts the runs of build and call."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.build_runs = 0
        self.call_runs = 0

    def build(self, input_shape):
        self.build_runs += 1
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")

    def call(self, inputs):
        self.call_runs += 1
        return inputs * self.scale


probe = LifecycleProbe()
print("after __init__:   built =", probe.built, "| weights:", probe.weights)  # input size unknown yet
probe(np.ones((2, 5), "float32"))
print("after first call: built =", probe.built, "| weight shapes:", [tuple(v.shape) for v in probe.weights])
assert probe.built and (probe.build_runs, probe.call_runs) == (1, 1)

# %% [markdown]
# The lifecycle as a picture. `probe` is called four more times first; the diagram prints how
# often each method actually ran.

# %%
for _ in range(4):
    probe(np.ones((2, 5), "float32"))
assert (probe.build_runs, probe.call_runs) == (1, 5)
plots.show(plots.lifecycle_diagram(build_runs=probe.build_runs, call_runs=probe.call_runs),
           "Notice that build ran once, at the first call, while call ran on all 5 calls; get_config "
           "records only the settings given to __init__, never the weights.")


# %% [markdown]
# ### `add_weight`: a `SimpleDense` layer
#
# `self.add_weight(shape=..., initializer=..., trainable=True, name=...)` creates a `keras.Variable`,
# tracks it, and returns it for `call` to use. `SimpleDense` rebuilds the core of `Dense`: a kernel
# `(input features, units)`, a bias `(units,)` and an optional activation
# (`keras.activations.get` takes a name, a function or `None`). The decorator registers the class as
# `course01>SimpleDense`, the name a saved file finds it by.

# %%
@keras.saving.register_keras_serializable(package="course01")
class SimpleDense(keras.layers.Layer):
    """activation(inputs @ kernel + bias), written with add_weight and keras.ops."""

    def __init__(self, units=32, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.units), initializer="random_normal", name="kernel"
        )
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, inputs):
        return self.activation(keras.ops.matmul(inputs, self.kernel) + self.bias)

    def get_config(self):
        config = super().get_config()  # name, trainable, dtype
        config.update(units=self.units, activation=keras.activations.serialize(self.activation))
        return config


simple = SimpleDense(4, activation="relu", name="simple")
simple(np.ones((1, 3), "float32"))
assert isinstance(simple.kernel, keras.Variable)
print([(v.path, tuple(v.shape)) for v in simple.weights])

# %% [markdown]
# ### `weights`, `trainable_weights`, `non_trainable_weights`
#
# `weights` lists every variable of the layer and of the layers inside it. **Trainable** weights are
# updated by the optimizer; **non-trainable** weights are saved and used in `call` but never changed
# by gradient descent. `BatchNormalization` has both: `gamma` and `beta` are learned, its moving
# mean and variance are running statistics.

# %%
batch_norm = keras.layers.BatchNormalization()
batch_norm(np.ones((2, 3), "float32"))
for each in (simple, batch_norm):
    print(f"{each.name:20s} trainable: {[v.name for v in each.trainable_weights]}"
          f"  non-trainable: {[v.name for v in each.non_trainable_weights]}")

assert len(simple.trainable_weights) == 2 and not simple.non_trainable_weights
assert [v.name for v in batch_norm.non_trainable_weights] == ["moving_mean", "moving_variance"]
together = batch_norm.trainable_weights + batch_norm.non_trainable_weights
assert all(a is b for a, b in zip(batch_norm.weights, together, strict=True))

# %% [markdown]
# ### `trainable`
#
# `layer.trainable = False` freezes a layer: its weights (and its sublayers') move from
# `trainable_weights` to `non_trainable_weights`, and the optimizer leaves them alone. Set it before
# `compile()`, or compile again after changing it.

# %%
simple.trainable = False
assert not simple.trainable_weights and len(simple.non_trainable_weights) == 2
simple.trainable = True
assert len(simple.trainable_weights) == 2 and not simple.non_trainable_weights
print("frozen and unfrozen: the weights moved between the two lists and back")

# %% [markdown]
# ### `get_weights` and `set_weights`
#
# `get_weights()` returns **NumPy copies** of the weights, in the order of `weights`.
# `set_weights(list)` takes a list in the same order, with the same shapes, and copies it in.
# Because they are copies, editing what `get_weights()` returned does not touch the layer.

# %%
kernel_copy, bias_copy = simple.get_weights()
kernel_copy[:] = 0.0  # edit the copy ...
assert np.any(to_numpy(simple.kernel) != 0.0)  # ... the layer is unchanged

simple.set_weights([np.full((3, 4), 0.5, "float32"), np.arange(4, dtype="float32")])
print("kernel:\n", to_numpy(simple.kernel), "\nbias:", to_numpy(simple.bias))

# %% [markdown]
# ### `get_config` (and `from_config`)
#
# `get_config()` returns a JSON-friendly dict of the arguments that construct the layer again: its
# **settings, not its weights**. `from_config(config)` calls the constructor with them and gives a
# new, unbuilt layer. Override `get_config` whenever `__init__` has arguments of its own, starting
# from `super().get_config()` so that `name`, `trainable` and `dtype` are kept. To load a saved model
# that holds your class, Keras finds the class by the name that
# `@keras.saving.register_keras_serializable(package=...)` gave it.

# %%
config = simple.get_config()
print(config)
assert json.loads(json.dumps(config)) == config  # plain JSON: what a .keras file stores
twin = SimpleDense.from_config(config)
assert (twin.units, twin.activation) == (simple.units, simple.activation)
assert not twin.built  # a config carries no weights
assert keras.saving.get_registered_name(SimpleDense) == "course01>SimpleDense"

# %% [markdown]
# ### `add_loss` and `losses`
#
# Inside `call`, `self.add_loss(value)` attaches a scalar to the layer. `layer.losses` lists those
# scalars (and any weight-regularizer penalties), `model.losses` gathers them from every layer of a
# model, and `fit` adds them to the loss it minimizes. The list is **reset at the start of every
# call**, so `losses` describes the last forward pass only.
#
# `ActivityPenalty` passes its input through unchanged and adds `rate * mean(x²)`: it pushes the
# previous layer towards small activations.

# %%
@keras.saving.register_keras_serializable(package="course01")
class ActivityPenalty(keras.layers.Layer):
    """Identity in the forward pass; adds rate * mean(inputs ** 2) to the model's loss."""

    def __init__(self, rate=0.01, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * keras.ops.mean(keras.ops.square(inputs)))
        return inputs

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}


penalty = ActivityPenalty(rate=0.1)
activations = np.array([[1.0, -2.0], [3.0, 0.0]], "float32")
penalty(activations)
print("losses:", [float(to_numpy(term)) for term in penalty.losses], "(0.1 * mean of 1, 4, 9, 0 = 0.35)")


# %% [markdown]
# ### Layers inside layers
#
# A layer may hold other layers as attributes, even in a list. Keras tracks them: the outer layer's
# `weights` include every inner weight, `trainable = False` on the outer layer freezes them all, and
# saving stores them. `MLPBlock` stacks `SimpleDense` layers with ReLU between them. Its `build`
# builds the inner layers, so that their variables exist before a loaded model fills in the saved
# weights.

# %%
@keras.saving.register_keras_serializable(package="course01")
class MLPBlock(keras.layers.Layer):
    """SimpleDense layers of the given sizes; ReLU after each one except the last."""

    def __init__(self, sizes=(32, 32, 1), **kwargs):
        super().__init__(**kwargs)
        self.sizes = tuple(sizes)
        last = len(self.sizes) - 1
        self.dense_layers = [
            SimpleDense(units, activation=None if i == last else "relu", name=f"dense_{i}")
            for i, units in enumerate(self.sizes)
        ]

    def build(self, input_shape):
        for layer in self.dense_layers:
            layer.build(input_shape)
            input_shape = (*input_shape[:-1], layer.units)

    def call(self, inputs):
        for layer in self.dense_layers:
            inputs = layer(inputs)
        return inputs

    def get_config(self):
        return {**super().get_config(), "sizes": list(self.sizes)}


block = MLPBlock((32, 32, 1))
block(np.zeros((1, 16), "float32"))
for v in block.weights:
    print(f"{v.path:28s} {tuple(v.shape)}")

# %% [markdown]
# ## Pros
#
# - **Full control**: any computation `keras.ops` can express, with any weights you need.
# - **Bookkeeping for free**: tracking, parameter counts, freezing, saving and extra losses.
# - **Composable**: layers nest into blocks, blocks into models, and every level behaves the same.
#
# ## Cons
#
# - **More code than a `Lambda`**, and `get_config` plus registration are on you.
# - **Easy mistakes**: forgetting `**kwargs` in `super().__init__`, or leaving a block's inner
#   layers unbuilt in `build` (both shown in the deep dive).
# - **Backend discipline**: `tensorflow`, `jax` or `torch` calls in `call` tie the layer to one
#   backend; stay with `keras.ops`.

# %% [markdown]
# ## Picture
#
# ### A model as a stack of layers
#
# The boxes are read from a real model, after the cell checks its parameter counts by hand. Blue
# boxes hold trainable weights, white ones none (`clip` is a `Lambda`: a layer made from a function,
# see the deep dive).

# %%
stack_model = keras.Sequential(
    [
        keras.Input((8,)),
        SimpleDense(16, activation="relu", name="hidden"),
        keras.layers.BatchNormalization(name="batch_norm"),
        keras.layers.Lambda(lambda t: keras.ops.maximum(0.5, t), name="clip"),
        MLPBlock((8, 1), name="mlp_block"),
    ],
    name="stack_demo",
)
by_hand = {
    "hidden": 8 * 16 + 16,
    "batch_norm": 4 * 16,  # gamma, beta, moving mean, moving variance
    "clip": 0,
    "mlp_block": (16 * 8 + 8) + (8 * 1 + 1),
}
rows = plots.layer_rows(stack_model)
assert {row["name"]: row["params"] for row in rows} == by_hand
assert {row["name"]: row["params"] - row["trainable_params"] for row in rows}["batch_norm"] == 2 * 16
plots.show(plots.layer_stack(stack_model),
           "Notice that the batch normalization holds 64 parameters, 32 of them non-trainable (its moving "
           "statistics), the Lambda clip holds none, and the block counts the weights of both its inner layers.")

# %% [markdown]
# ## Table
#
# | API | Kind | What it gives you or does |
# |---|---|---|
# | `keras.layers.Layer` | base class | weight tracking, lazy `build`, `call`, config, losses; subclass it |
# | `weights` | property | every variable of the layer and its sublayers |
# | `trainable_weights` | property | the variables the optimizer updates; empty when frozen |
# | `non_trainable_weights` | property | variables saved and used, never updated by gradients |
# | `add_weight(shape, initializer, trainable, name)` | method, in `build` | creates a variable, tracks it, returns it |
# | `trainable` | settable flag | `False` moves every weight to `non_trainable_weights` |
# | `get_weights()` / `set_weights(arrays)` | methods | NumPy copies out / in, in the order of `weights`; `ValueError` on a wrong count or shape |
# | `get_config()` | method | a JSON-friendly dict of constructor arguments (no weights) |
# | `add_loss(value)` / `losses` | method, in `call` / property | attach a scalar that `fit` adds to the loss / the terms of the last call |

# %% [markdown]
# ## Example
#
# ### Example 1 · A `SimpleDense` unit learns y = 2x − 1 (`Layer`, `add_weight`, `get_weights`)
#
# One unit with no activation is a line `y = w·x + b`. We train it on 200 noisy points of
# `y = 2x − 1`, every step on all the points (`batch_size=200`), and read `w` and `b` back with
# `get_weights()`. Gradient descent on the mean squared error settles on the least-squares line,
# which NumPy's `polyfit` computes independently.

# %%
x_line = rng.uniform(-1.0, 1.0, size=(200, 1)).astype("float32")
y_line = (2.0 * x_line - 1.0 + rng.normal(0.0, 0.05, size=(200, 1))).astype("float32")

line = SimpleDense(1, name="line")
line_model = keras.Sequential([keras.Input((1,)), line], name="line_model")
before_training = [w.ravel()[0] for w in line.get_weights()]
line_model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="mse")
line_model.fit(x_line, y_line, epochs=60, batch_size=200, verbose=0)

(slope,), (intercept,) = (w.ravel() for w in line.get_weights())
numpy_slope, numpy_intercept = np.polyfit(x_line.ravel(), y_line.ravel(), deg=1)
print(f"before training: w = {before_training[0]:+.3f}, b = {before_training[1]:+.3f}")
print(f"after training:  w = {slope:+.3f}, b = {intercept:+.3f}")
print(f"NumPy polyfit:   w = {numpy_slope:+.3f}, b = {numpy_intercept:+.3f}")
assert abs(slope - 2.0) < 0.05 and abs(intercept + 1.0) < 0.05
np.testing.assert_allclose([slope, intercept], [numpy_slope, numpy_intercept], atol=1e-4)

# %%
plots.show(plots.fitted_line(x_line, y_line, slope, intercept, true_slope=2.0, true_intercept=-1.0,
                             title="One SimpleDense unit recovers y = 2x - 1"),
           "Notice that the learned line lies on the dashed true line y = 2x - 1, through the middle of "
           "the noisy points: training found w and b from the data alone.")

# %% [markdown]
# ### Example 2 · An MLP block used inside a model (`weights`, `trainable`)
#
# `MLPBlock` behaves like any other layer: it goes into a `Sequential`, it reports its parameters,
# and freezing the block freezes all three of its inner layers at once.

# %%
block_model = keras.Sequential([keras.Input((16,)), MLPBlock((32, 32, 1), name="block")], name="block_model")
block_in_model = block_model.get_layer("block")
print(f"{len(block_model.weights)} variables, {block_model.count_params()} parameters")
block_in_model.trainable = False
assert not block_model.trainable_weights
assert all(not inner.trainable for inner in block_in_model.dense_layers)
block_in_model.trainable = True
assert len(block_model.trainable_weights) == 6

# %% [markdown]
# ## Proof
#
# Each cell states a claim in its heading and asserts it against NumPy; more proofs wait in the deep
# dive.
#
# ### `Layer`: `build` runs once, lazily; `call` runs on every call
#
# Six calls on one batch size, one on another, and one more to compare with NumPy make 8 calls:
# `call` runs 8 times, `build` once, and the weight is sized from the first input.

# %%
counted = LifecycleProbe()
assert counted.build_runs == 0 and not counted.weights  # nothing is built at construction
x5 = rng.normal(size=(3, 5)).astype("float32")
for _ in range(6):
    counted(x5)
counted(rng.normal(size=(10, 5)).astype("float32"))  # another batch size does not rebuild either
np.testing.assert_allclose(to_numpy(counted(x5)), x5 * counted.get_weights()[0], rtol=1e-6)
assert counted.build_runs == 1, counted.build_runs
assert counted.call_runs == 8, counted.call_runs  # 6 + 1 + the call compared with NumPy
assert tuple(counted.scale.shape) == (5,)  # sized from the first input's last dimension
print(f"build ran {counted.build_runs} time, call ran {counted.call_runs} times")

# %% [markdown]
# ### `trainable = False`: frozen weights do not change under `fit`, unfrozen ones do
#
# A two-layer model learns a linear target with its first layer (`body`) frozen. Only the head's
# 8 + 1 weights are trainable, the body's kernel and bias are bit-for-bit unchanged after training,
# and the head's have moved.

# %%
x4 = rng.normal(size=(256, 4)).astype("float32")
y4 = (x4 @ np.array([[1.0], [-2.0], [0.5], [3.0]]) + 0.3).astype("float32")
body = SimpleDense(8, activation="relu", name="body")
head = SimpleDense(1, name="head")
frozen_model = keras.Sequential([keras.Input((4,)), body, head], name="frozen_body")
body.trainable = False
frozen_model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")

assert sum(int(np.prod(v.shape)) for v in frozen_model.trainable_weights) == 8 * 1 + 1
assert len(frozen_model.non_trainable_weights) == 2
before = {layer.name: layer.get_weights() for layer in (body, head)}
frozen_model.fit(x4, y4, epochs=3, batch_size=32, verbose=0)
after = {layer.name: layer.get_weights() for layer in (body, head)}

for old, new in zip(before["body"], after["body"], strict=True):
    np.testing.assert_array_equal(new, old)
for old, new in zip(before["head"], after["head"], strict=True):
    assert not np.allclose(new, old)
assert np.all(after["head"][0] != before["head"][0])  # every one of the head's 8 kernel weights moved
print("body unchanged, head trained")

# %%
plots.show(plots.weights_before_after(before["body"][0], after["body"][0],
                                      title="Frozen body kernel (trainable = False): fit leaves it untouched"),
           "Notice that the change panel of the frozen body kernel is blank and reads no change: fit "
           "left all 4 x 8 of its weights exactly as they were.")

# %%
plots.show(plots.weights_before_after(before["head"][0], after["head"][0], col_label="head input (body unit)",
                                      title="Trainable head kernel (8 x 1): fit moves it"),
           "Notice that every one of the trainable head's 8 weights moved, unlike the frozen body's: "
           "no bar of the change is zero.")

# %% [markdown]
# ### `add_loss` / `losses`: the value, the reset at each call, and the training loss
#
# `layer.losses` holds `rate · mean(x²)` of the **last** input only. In a model, `model.losses`
# collects the term, and `evaluate` reports the compiled loss *plus* that term, both recomputed in
# NumPy.

# %%
penalty = ActivityPenalty(rate=0.1)
first, second = rng.normal(size=(4, 3)).astype("float32"), 3 * rng.normal(size=(4, 3)).astype("float32")
penalty(first)
penalty(second)
assert len(penalty.losses) == 1  # the first call's term is gone
np.testing.assert_allclose(to_numpy(penalty.losses[0]), 0.1 * np.mean(second**2), rtol=1e-6)

hidden_layer, out_layer = SimpleDense(4, activation="relu", name="hidden"), SimpleDense(1, name="out")
loss_model = keras.Sequential([keras.Input((3,)), hidden_layer, ActivityPenalty(0.1), out_layer])
loss_model.compile(optimizer="sgd", loss="mse")
x3 = 20 * rng.normal(size=(32, 3)).astype("float32")  # large inputs, so the penalty is not negligible
y3 = rng.normal(size=(32, 1)).astype("float32")

loss_model(x3)
kernel, bias = hidden_layer.get_weights()
hidden = np.maximum(x3 @ kernel + bias, 0.0)
numpy_penalty = 0.1 * np.mean(hidden**2)
assert len(loss_model.losses) == 1
np.testing.assert_allclose(to_numpy(loss_model.losses[0]), numpy_penalty, rtol=1e-5)

kernel_out, bias_out = out_layer.get_weights()
numpy_mse = np.mean((hidden @ kernel_out + bias_out - y3) ** 2)
reported = loss_model.evaluate(x3, y3, batch_size=len(x3), verbose=0)
np.testing.assert_allclose(reported, numpy_mse + numpy_penalty, rtol=1e-5)
np.testing.assert_allclose(reported - numpy_mse, numpy_penalty, rtol=1e-3)  # the penalty itself
print(f"evaluate: {reported:.6f} = mse {numpy_mse:.6f} + penalty {numpy_penalty:.6f}")


# %% [markdown]
# ## Application
#
# ### A model that carries its own preprocessing
#
# A price model for flats takes three features on very different scales: area (40 to 200 m²),
# rooms (1 to 6) and age (0 to 80 years). Standardizing each, `(x − mean) / std`, puts them on one
# scale. Here that step lives **inside** the model, as a `Standardize` layer whose mean and standard
# deviation are **non-trainable weights**: set once with `set_weights`, untouched by `fit`, and
# saved in the `.keras` file. (Keras ships this as `keras.layers.Normalization`.)

# %%
@keras.saving.register_keras_serializable(package="course01")
class Standardize(keras.layers.Layer):
    """(inputs - mean) / std, with mean and std stored as non-trainable weights."""

    def build(self, input_shape):
        features = input_shape[-1]
        self.mean = self.add_weight(shape=(features,), initializer="zeros", trainable=False, name="mean")
        self.std = self.add_weight(shape=(features,), initializer="ones", trainable=False, name="std")

    def adapt(self, data):
        """Store the column means and standard deviations of `data`."""
        data = np.asarray(data, dtype="float32")
        if not self.built:
            self.build(data.shape)
        self.set_weights([data.mean(axis=0), data.std(axis=0)])

    def call(self, inputs):
        return (inputs - self.mean) / keras.ops.maximum(self.std, 1e-7)


def make_flats(n):
    """Synthetic flats: features (area, rooms, age) and price in units of 100 000."""
    area = rng.uniform(40, 200, n)
    rooms = rng.integers(1, 7, n).astype(float)
    age = rng.uniform(0, 80, n)
    price = 0.02 * area + 0.15 * rooms - 0.01 * age + 0.5 * np.exp(-age / 10) + rng.normal(0, 0.05, n)
    return np.stack([area, rooms, age], axis=1).astype("float32"), price.reshape(-1, 1).astype("float32")


x_train, y_train = make_flats(800)
x_test, y_test = make_flats(200)

standardize = Standardize(name="standardize")
first_hidden = SimpleDense(16, activation="relu", name="hidden")
price_model = keras.Sequential(
    [keras.Input((3,)), standardize, first_hidden, SimpleDense(1, name="price")], name="flat_prices"
)
standardize.adapt(x_train)
stats_before = standardize.get_weights()
hidden_before = first_hidden.get_weights()[0]

price_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
history = price_model.fit(x_train, y_train, validation_data=(x_test, y_test), epochs=40, batch_size=32,
                          verbose=0)

# %% [markdown]
# Three pictures of the trained model: its stack of layers, its loss per epoch, and what training
# wrote into the first hidden kernel (one row per input feature).

# %%
plots.show(plots.layer_stack(price_model),
           "Notice that standardize is grey: its 6 weights (three means, three standard deviations) are "
           "non-trainable, while the two SimpleDense layers hold every trainable parameter.")

# %%
losses_seen = history.history
assert losses_seen["val_loss"][-1] < losses_seen["val_loss"][0] / 100  # fell by more than a factor of 100
assert losses_seen["val_loss"][-1] < 1.5 * losses_seen["loss"][-1]  # and ends beside the training loss
plots.show(plots.loss_curve(losses_seen, title="Flat prices: training and validation loss (MSE)"),
           "Notice that both losses fall by more than a factor of 100 (the axis is logarithmic) and end "
           "side by side: the network predicts unseen flats about as well as the ones it trained on.")

# %%
hidden_after = first_hidden.get_weights()[0]
start_size, trained_size = np.abs(hidden_before).max(), np.abs(hidden_after).max()
assert trained_size > 2 * start_size  # training wrote far beyond the small random start
assert np.all(hidden_after != hidden_before)  # and changed every weight
plots.show(plots.weights_before_after(
    hidden_before, hidden_after, row_label="feature", row_names=["area", "rooms", "age"],
    col_label="hidden unit", title="First hidden kernel: what training wrote into it"),
    "Notice that training changed every weight and wrote values more than twice as large as the faint "
    "random start, so the change panel looks almost like the after panel.")

# %% [markdown]
# The proof: the stored statistics are NumPy's and `fit` left them alone, the model explains most
# of the variance of unseen flats (R² in NumPy), and the reloaded file predicts identically.

# %%
np.testing.assert_allclose(stats_before[0], x_train.mean(axis=0), rtol=1e-6)
np.testing.assert_allclose(stats_before[1], x_train.std(axis=0), rtol=1e-6)
for old, new in zip(stats_before, standardize.get_weights(), strict=True):
    np.testing.assert_array_equal(new, old)

predictions = to_numpy(price_model.predict(x_test, verbose=0))
r2 = 1 - np.sum((y_test - predictions) ** 2) / np.sum((y_test - y_test.mean()) ** 2)
design = np.hstack([x_train, np.ones((len(x_train), 1), "float32")])
coefficients, *_ = np.linalg.lstsq(design, y_train, rcond=None)
linear_predictions = np.hstack([x_test, np.ones((len(x_test), 1), "float32")]) @ coefficients
r2_linear = 1 - np.sum((y_test - linear_predictions) ** 2) / np.sum((y_test - y_test.mean()) ** 2)
print(f"test R²: network {r2:.4f}, NumPy linear least squares {r2_linear:.4f}")
assert r2 > 0.95

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "flat_prices.keras")
    price_model.save(path)
    served = keras.models.load_model(path)
np.testing.assert_array_equal(to_numpy(served.predict(x_test, verbose=0)), predictions)
np.testing.assert_allclose(served.get_layer("standardize").get_weights()[0], x_train.mean(axis=0), rtol=1e-6)
print("the reloaded model standardizes by itself and predicts identically")

# %% [markdown]
# ## Key terms
#
# - **Layer**: state (weights) plus a computation (`call`); the base class of layers and models.
# - **Trainable / non-trainable weight**: a `keras.Variable` from `add_weight` that the optimizer
#   updates, or that is saved and used but never updated by gradients.
# - **Lazy building**: `build` creates the weights once, on the first call.
# - **Freezing**: `trainable = False`.
# - **Config** and **registration**: the constructor arguments from `get_config()` (no weights),
#   and the name under which a saved file finds your class.
# - **Activity penalty**: a loss term computed from a layer's outputs, attached with `add_loss`.
# - **Block**: a layer that holds other layers; its `weights` include theirs.

# %% [markdown]
# ## Summary
#
# - A layer owns **state** (weights, made with `add_weight` in `build`) and a **computation**
#   (`call`); `keras.Model` is a layer too.
# - Keras calls `build` **once**, lazily, on the first call, and `call` on every call.
# - `weights` = `trainable_weights` + `non_trainable_weights`, nested layers included;
#   `trainable = False` freezes them; `get_weights` / `set_weights` copy them as NumPy arrays.
# - `get_config` describes the settings, not the weights; with registration, a `.keras` file
#   rebuilds custom layers.
# - `add_loss` adds terms that `fit` minimizes; `losses` shows those of the last call.

# %% [markdown]
# ## Exercises
#
# Each exercise prints its task and how you know you are done; `ex.check(...)` says what is right
# and what is not yet. Uncomment `ex.hint()` for a nudge, and `ex.solution()` once you have tried.

# %% [markdown]
# ### Exercise 01.1 · A layer with one learned scale

# %%
ex = exercise("01.1")  # prints the task and how you know you are done


class Scale(keras.layers.Layer):
    ...  # your code here


ex.check(Scale)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 01.2 · A dense layer with an optional bias, rebuilt from its config

# %%
ex = exercise("01.2")


class OptionalBiasDense(keras.layers.Layer):
    ...  # your code here


ex.check(OptionalBiasDense)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 01.3 · An L1 activity penalty with `add_loss`

# %%
ex = exercise("01.3")


class L1ActivityPenalty(keras.layers.Layer):
    ...  # your code here


ex.check(L1ActivityPenalty)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ## Deep dive (optional)
#
# Proofs that are here for trust rather than for understanding, backend internals, and what
# changed since Keras 2. The core path above does not depend on them; each part opens by saying
# what it proves and why you might care.

# %% [markdown]
# ### One API, three different base classes
#
# This proves that one layer object can serve two models, and that `keras.layers.Layer` has a
# different base class on each backend; it matters if you mix Keras with PyTorch or TensorFlow code.
# First one `Dense` object serves a `Sequential` and a functional model: both see the very same
# variables, because weights live in the layer. Then the second cell checks each backend's family
# tie and one thing it enables (fails if the class were the same everywhere): on PyTorch every Keras
# layer is also a `torch.nn.Module`, so PyTorch sees its variables as parameters; on TensorFlow it is
# a TensorFlow `AutoTrackable`, so a plain `tf.train.Checkpoint` can save its variables; on JAX it
# is neither.

# %%
shared = keras.layers.Dense(2, name="shared")
sequential = keras.Sequential([keras.Input((3,)), shared])
inputs = keras.Input((3,))
functional = keras.Model(inputs, shared(inputs))

assert all(a is b for a, b in zip(sequential.weights, functional.weights, strict=True))
x = rng.normal(size=(5, 3)).astype("float32")
kernel, bias = shared.get_weights()
for model in (sequential, functional):
    np.testing.assert_allclose(to_numpy(model(x)), x @ kernel + bias, rtol=1e-5, atol=1e-6)
print(f"backend: {keras.backend.backend()}; both models share {len(shared.weights)} variables")

# %%
backend = keras.backend.backend()
bases = {cls.__module__.split(".")[0] + "." + cls.__name__ for cls in keras.layers.Layer.__mro__}
foreign = sorted(b for b in bases if not b.startswith(("keras.", "builtins.")))
print(f"{backend}: Layer's bases include", foreign)
if backend == "torch":
    import torch

    assert isinstance(shared, torch.nn.Module)  # a Keras layer *is* a torch module here
    torch_params = list(shared.parameters())  # so PyTorch sees its variables as parameters
    assert sum(p.numel() for p in torch_params) == shared.count_params() == 3 * 2 + 2
elif backend == "tensorflow":
    import tensorflow as tf

    assert isinstance(shared, tf.__internal__.tracking.AutoTrackable)  # TensorFlow tracking
    with tempfile.TemporaryDirectory() as folder:  # so a plain tf.train.Checkpoint saves its variables
        written = tf.train.Checkpoint(layer=shared).write(os.path.join(folder, "checkpoint"))
        saved = [name for name, _ in tf.train.list_variables(written) if name.startswith("layer/")]
    assert len(saved) == len(shared.weights) == 2, saved
else:  # jax: a plain Python object to JAX; state flows through stateless_call (notebook 01b)
    assert not any(b.startswith(("torch.", "tensorflow.")) for b in bases)

# %% [markdown]
# ### `Lambda`: a layer from a function
#
# This introduces `Lambda`, the quick alternative to a `Layer` subclass, so that the proofs below
# can show where it falls short. `keras.layers.Lambda(function)` wraps a function as a layer, with no
# class to write: handy for a quick stateless step in an experiment (the `clip` box of the Picture
# section is one). It creates no weights itself, and a saved model holding a Python `lambda` does
# not load back by default.

# %%
clip_below_half = keras.layers.Lambda(lambda t: keras.ops.maximum(0.5, t), name="clip_below_half")
values = np.array([[-1.0, 0.0, 0.4, 0.5, 2.0]], "float32")
print("input: ", values)
print("output:", to_numpy(clip_below_half(values)))
print("weights:", clip_below_half.weights)

# %% [markdown]
# ### A `Lambda` layer adds a non-linearity without weights
#
# This shows that a weightless `Lambda` can still make a model non-linear, which is why it is handy
# for quick experiments. `keras.ops.maximum(0.5, x)` is like ReLU with the floor moved from 0 to
# 0.5. It is not linear (the cell checks that f(a + b) differs from f(a) + f(b)), so placed between
# two `SimpleDense` layers it stops them from collapsing into a single linear map.
# `keras.ops.abs` is another such function.

# %%
grid = np.linspace(-2.0, 2.0, 9, dtype="float32").reshape(1, -1)
absolute = keras.layers.Lambda(keras.ops.abs, name="absolute")
np.testing.assert_array_equal(to_numpy(clip_below_half(grid)), np.maximum(0.5, grid))
np.testing.assert_array_equal(to_numpy(absolute(grid)), np.abs(grid))
# Not linear: f(a + b) differs from f(a) + f(b).
a, b = grid, -grid
assert not np.allclose(to_numpy(clip_below_half(a + b)), to_numpy(clip_below_half(a) + clip_below_half(b)))
print("clip:", to_numpy(clip_below_half(grid)).ravel())
print("abs: ", to_numpy(absolute(grid)).ravel())

# %% [markdown]
# ### `Lambda`: no weights of its own, and a saved Python `lambda` does not load back by default
#
# This proves why a `Lambda` is a poor choice for anything you save. A plain `Lambda` has nothing to
# train. Saving a model that holds a Python `lambda` works, but loading it raises `ValueError`:
# Keras 3 would have to run code stored in the file, and refuses unless you pass `safe_mode=False`,
# which you should do only for files you trust. A named function registered with
# `@keras.saving.register_keras_serializable` is stored by name instead and loads safely; a `Layer`
# subclass with `get_config` is the general fix.

# %%
assert clip_below_half.weights == [] and clip_below_half.count_params() == 0

lambda_model = keras.Sequential([keras.Input((9,)), clip_below_half], name="with_lambda")


@keras.saving.register_keras_serializable(package="course01")
def clip_at_half(t):
    return keras.ops.maximum(0.5, t)


named_model = keras.Sequential([keras.Input((9,)), keras.layers.Lambda(clip_at_half)], name="with_named")

with tempfile.TemporaryDirectory() as folder:
    lambda_path, named_path = os.path.join(folder, "lambda.keras"), os.path.join(folder, "named.keras")
    lambda_model.save(lambda_path)
    named_model.save(named_path)
    refusal = expect_error(ValueError, lambda: keras.models.load_model(lambda_path))
    reloaded = keras.models.load_model(named_path)

assert "safe_mode=False" in str(refusal)
np.testing.assert_array_equal(to_numpy(reloaded(grid)), np.maximum(0.5, grid))
print("loading the lambda:", str(refusal)[:120], "...")

# %% [markdown]
# ### `Lambda` with a variable in `arguments=`: tracked, trained, and not saveable
#
# This proves that "a `Lambda` cannot have weights" is too strong, and why it still should not have
# any. Keras tracks any `keras.Variable` held in a layer attribute, and `Lambda` keeps `arguments`
# as one. The variable below becomes the `Lambda`'s trainable weight, and one SGD step on y = 3x
# moves it exactly as NumPy predicts (fails if the variable were not tracked: it would stay at 2).
# But the `.keras` file cannot carry it: on TensorFlow the model saves but does not load (the
# rebuilt `Lambda` expects no variables); on JAX and PyTorch saving itself raises `TypeError`.

# %%
scale = keras.Variable(2.0, name="scale")
scaled = keras.layers.Lambda(lambda t, s: t * s, arguments={"s": scale}, name="scaled")
scaled_model = keras.Sequential([keras.Input((1,)), scaled])
assert scaled.trainable_weights == [scale]
scaled_model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
ones = np.ones((8, 1), "float32")
scaled_model.train_on_batch(ones, 3 * ones)
np.testing.assert_allclose(to_numpy(scale), 2.0 - 0.1 * 2 * (2.0 - 3.0), rtol=1e-6)  # 2.2

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "lambda_with_variable.keras")
    if keras.backend.backend() == "tensorflow":
        scaled_model.save(path)
        failure = expect_error(ValueError, lambda: keras.models.load_model(path, safe_mode=False))
        assert "expected 0 variables" in str(failure)
    else:
        failure = expect_error(TypeError, lambda: scaled_model.save(path))
        assert "Cannot serialize" in str(failure)
print(f"trained scale: {float(to_numpy(scale)):.2f}; the round trip fails with {type(failure).__name__}")

# %% [markdown]
# ### `add_weight` + `get_weights`: `SimpleDense` computes activation(x @ W + b)
#
# This proves `SimpleDense` against NumPy for four activations, beyond the linear case of
# Example 1. The `"random_normal"` initializer draws from a normal distribution with mean 0 and
# standard deviation 0.05; a large kernel shows it, and the bias starts at zero.

# %%
numpy_activations = {
    "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
    None: lambda z: z,
}
x = rng.normal(size=(8, 3)).astype("float32")
for name, numpy_activation in numpy_activations.items():
    layer = SimpleDense(4, activation=name)
    output = to_numpy(layer(x))
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(output, numpy_activation(x @ kernel + bias), rtol=1e-5, atol=1e-6)

big = SimpleDense(400)
big.build((None, 250))
kernel, bias = big.get_weights()
assert abs(kernel.mean()) < 1e-3 and abs(kernel.std() - 0.05) < 1e-3, (kernel.mean(), kernel.std())
assert not bias.any()
print(f"4 activations match NumPy; kernel mean {kernel.mean():+.5f}, std {kernel.std():.5f}")

# %% [markdown]
# ### `weights`: the outer layer tracks every inner variable
#
# This proves, against NumPy, what Example 2 relies on: the block's `weights` are the inner layers'
# variables (the same objects, in order), its parameter count matches the hand formula
# Σ (inputs × units + units), and its output equals a NumPy forward pass through those weights.

# %%
block = MLPBlock((32, 32, 1))
x16 = rng.normal(size=(5, 16)).astype("float32")
output = to_numpy(block(x16))

inner = [v for layer in block.dense_layers for v in layer.weights]
assert len(block.weights) == 6
assert all(outer is mine for outer, mine in zip(block.weights, inner, strict=True))
fan_ins = (16, 32, 32)
by_hand = sum(n_in * units + units for n_in, units in zip(fan_ins, block.sizes, strict=True))
assert by_hand == 1633 and block.count_params() == by_hand

w1, b1, w2, b2, w3, b3 = block.get_weights()
hidden = np.maximum(np.maximum(x16 @ w1 + b1, 0.0) @ w2 + b2, 0.0)
np.testing.assert_allclose(output, hidden @ w3 + b3, rtol=1e-5, atol=1e-6)
print(f"{len(block.weights)} variables, {by_hand} parameters, forward pass matches NumPy")

# %% [markdown]
# ### `get_weights` / `set_weights`: an exact round trip, and shape checks
#
# This proves that `set_weights` copies exactly and refuses what does not fit, which you rely on
# whenever you load known values. Arrays built in NumPy go in and come out unchanged, the layer then
# computes with them exactly as NumPy does, and a wrong shape or a wrong number of arrays raises
# `ValueError` instead of failing silently.

# %%
target = SimpleDense(3, name="target")
target.build((None, 2))
new_kernel = (np.arange(6, dtype="float32") / 10).reshape(2, 3)
new_bias = np.array([1.0, -1.0, 0.5], "float32")
target.set_weights([new_kernel, new_bias])

got_kernel, got_bias = target.get_weights()
np.testing.assert_array_equal(got_kernel, new_kernel)
np.testing.assert_array_equal(got_bias, new_bias)
x2 = rng.normal(size=(4, 2)).astype("float32")
np.testing.assert_allclose(to_numpy(target(x2)), x2 @ new_kernel + new_bias, rtol=1e-6, atol=1e-6)

wrong_shape = expect_error(ValueError, lambda: target.set_weights([new_kernel.T, new_bias]))
wrong_count = expect_error(ValueError, lambda: target.set_weights([new_kernel]))
print("wrong shape:", wrong_shape)
print("wrong count:", wrong_count)

# %% [markdown]
# ### Cloning a layer: `get_config` for the settings, `set_weights` for the values
#
# This shows how the two copies combine, useful when you need a second, identical layer: a config
# rebuilds the architecture with fresh weights, and copying the weights over makes an exact clone
# that computes the same outputs.

# %%
original = SimpleDense(3, activation="tanh", name="original")
x = rng.normal(size=(6, 4)).astype("float32")
original(x)
clone = SimpleDense.from_config(original.get_config())
clone.build(x.shape)
assert not np.allclose(to_numpy(clone(x)), to_numpy(original(x)))  # fresh weights: different outputs
clone.set_weights(original.get_weights())
np.testing.assert_array_equal(to_numpy(clone(x)), to_numpy(original(x)))
assert clone.get_config() == original.get_config()
print("clone config:", clone.get_config())

# %% [markdown]
# ### `get_config`: a `.keras` file rebuilds the custom layers and reproduces the outputs exactly
#
# This proves, for the notebook's own block and penalty layers, what the Application shows on one
# model: the file stores each layer's config (rebuilt through the registered classes) and its
# weights. The reloaded model gives bit-for-bit the outputs recorded before saving, and NumPy
# recomputes them from the reloaded weights.

# %%
saved_model = keras.Sequential(
    [keras.Input((16,)), MLPBlock((32, 32, 1), name="block"), ActivityPenalty(0.01, name="penalty")],
    name="saved_model",
)
x16 = rng.normal(size=(7, 16)).astype("float32")
expected = to_numpy(saved_model(x16))

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "custom_layers.keras")
    saved_model.save(path)
    restored = keras.models.load_model(path)

np.testing.assert_array_equal(to_numpy(restored(x16)), expected)
assert [type(layer).__name__ for layer in restored.layers] == ["MLPBlock", "ActivityPenalty"]
assert restored.get_layer("penalty").rate == 0.01 and restored.get_layer("block").sizes == (32, 32, 1)
w1, b1, w2, b2, w3, b3 = restored.get_weights()
hidden = np.maximum(np.maximum(x16 @ w1 + b1, 0.0) @ w2 + b2, 0.0)
np.testing.assert_allclose(expected, hidden @ w3 + b3, rtol=1e-5, atol=1e-6)
print("restored layers:", [layer.name for layer in restored.layers])

# %% [markdown]
# ### `weights` of a model: layer by layer, not "all trainable first"
#
# This proves the order in which a model lists its variables; it matters when you copy arrays
# between models with `set_weights`. The rule needs two layers to show, one holding both kinds of
# variable: a lone `BatchNormalization` lists gamma, beta, moving mean, moving variance under either
# rule. In `Sequential([BatchNormalization, Dense])` the two rules disagree: "trainable first" would
# put the `Dense` kernel and bias before the moving statistics; Keras keeps each layer's variables
# together. `get_weights`/`set_weights` use the same order, so arrays arranged "trainable first" do
# not fit: the kernel (3 × 3) would land on the moving mean (3,), and `set_weights` raises
# `ValueError`.

# %%
ordered = keras.Sequential([keras.Input((3,)), keras.layers.BatchNormalization(name="bn"),
                            keras.layers.Dense(3, name="dense")])
names = [v.path.split("/", 1)[1] for v in ordered.weights]
layer_by_layer = ["bn/gamma", "bn/beta", "bn/moving_mean", "bn/moving_variance", "dense/kernel", "dense/bias"]
trainable_first = [
    "bn/gamma", "bn/beta", "dense/kernel", "dense/bias", "bn/moving_mean", "bn/moving_variance"
]
assert names == layer_by_layer and names != trainable_first, names  # fails if it were trainable-first
same_variables = ordered.trainable_weights + ordered.non_trainable_weights
assert {id(v) for v in same_variables} == {id(v) for v in ordered.weights}  # same set, other order

arrays = ordered.get_weights()
assert [a.shape for a in arrays] == [(3,), (3,), (3,), (3,), (3, 3), (3,)]
by_name = dict(zip(names, arrays, strict=True))
wrong_order = [by_name[name] for name in trainable_first]
expect_error(ValueError, lambda: ordered.set_weights(wrong_order))  # the wrong picture breaks transfer
copy_target = keras.models.clone_model(ordered)
copy_target.set_weights(arrays)  # the right order transfers every array
for a, b in zip(copy_target.get_weights(), arrays, strict=True):
    np.testing.assert_array_equal(a, b)
print("model.weights:", names)

# %% [markdown]
# ### `trainable_weights`: the optimizer updates them (with SGD: W ← W − learning_rate · ∂loss/∂W)
#
# This proves what one optimizer step does to a trainable weight; read it to see that the update
# rule belongs to the optimizer, not to the layer (`add_weight` only creates the variable and marks
# it trainable). Plain SGD subtracts the learning rate times the gradient; Adam divides by a running
# root-mean-square of the gradients. For the mean squared error NumPy gives the gradient in closed
# form: ∂loss/∂W = 2·xᵀ(xW + b − y)/n and ∂loss/∂b = 2·Σ(xW + b − y)/n.

# %%
x = rng.normal(size=(16, 3)).astype("float32")
y = rng.normal(size=(16, 1)).astype("float32")
unit = SimpleDense(1, name="unit")
step_model = keras.Sequential([keras.Input((3,)), unit])
step_model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")

w, b = unit.get_weights()
residual = x @ w + b - y
grad_w, grad_b = 2 * x.T @ residual / len(x), 2 * residual.sum(axis=0) / len(x)
step_model.train_on_batch(x, y)
w_after, b_after = unit.get_weights()
np.testing.assert_allclose(w_after, w - 0.1 * grad_w, rtol=1e-5, atol=1e-7)
np.testing.assert_allclose(b_after, b - 0.1 * grad_b, rtol=1e-5, atol=1e-7)
print("one SGD step matches the NumPy update")

# Adam's first step is another rule. Keras computes lr·√(1−β₂)/(1−β₁) · m / (√v + ε) with
# m = (1−β₁)·g and v = (1−β₂)·g², so W moves by lr · g / (|g| + ε/√(1−β₂)): about lr in every
# coordinate, whatever the gradient's size. (Fails if Adam followed the SGD rule.)
unit_adam = SimpleDense(1, name="unit_adam")
adam_model = keras.Sequential([keras.Input((3,)), unit_adam])
adam_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1), loss="mse")
w, b = unit_adam.get_weights()
residual = x @ w + b - y
grad_w = 2 * x.T @ residual / len(x)
adam_model.train_on_batch(x, y)
w_adam = unit_adam.get_weights()[0]
epsilon, beta_2 = 1e-7, 0.999  # Keras's defaults
first_step = 0.1 * grad_w / (np.abs(grad_w) + epsilon / np.sqrt(1 - beta_2))
np.testing.assert_allclose(w_adam, w - first_step, rtol=1e-4, atol=1e-6)
assert not np.allclose(w_adam, w - 0.1 * grad_w, atol=1e-3)  # not the SGD step
print("Adam's first step moves each weight by ≈ lr:", np.round((w - w_adam).ravel(), 4))


# %% [markdown]
# ### Freezing after training needs a new `compile()`
#
# This proves, backend by backend, what happens if you freeze a layer of a model that has already
# trained and do not compile again; read it before you fine-tune. The outcome depends on the
# backend, and on TensorFlow also on how the training step runs, which is reason enough never to rely
# on it: TensorFlow keeps updating the frozen layer when the training step is a traced `tf.function`
# (the default, `run_eagerly=False`) but respects the freeze with `run_eagerly=True`; JAX raises a
# `ValueError` either way; PyTorch respects the freeze. After `compile()`, every backend leaves the
# frozen layer alone. The model learns the same linear target as the Proof section's frozen body.

# %%
def trained_then_frozen(run_eagerly=False):
    """A small model trained for one epoch, whose first layer is frozen only afterwards."""
    model = keras.Sequential([keras.Input((4,)), SimpleDense(8, name="late_body"), SimpleDense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse", run_eagerly=run_eagerly)
    model.fit(x4, y4, epochs=1, batch_size=64, verbose=0)
    model.get_layer("late_body").trainable = False
    return model, model.get_layer("late_body")


def moved(layer, snapshot):
    """Whether any weight of `layer` differs from the NumPy `snapshot` taken earlier."""
    return any(not np.array_equal(old, new) for old, new in zip(snapshot, layer.get_weights(), strict=True))


def fit_without_recompiling(run_eagerly):
    """What `fit` does to a layer frozen after training, with no new compile()."""
    model, frozen = trained_then_frozen(run_eagerly)
    snapshot = frozen.get_weights()
    try:
        model.fit(x4, y4, epochs=1, batch_size=64, verbose=0)
    except ValueError:
        return "raised ValueError"
    return "kept training the frozen layer" if moved(frozen, snapshot) else "respected the freeze"


outcomes = {eager: fit_without_recompiling(eager) for eager in (False, True)}
expected = {
    "tensorflow": {False: "kept training the frozen layer", True: "respected the freeze"},
    "jax": {False: "raised ValueError", True: "raised ValueError"},
    "torch": {False: "respected the freeze", True: "respected the freeze"},
}
assert outcomes == expected[keras.backend.backend()], outcomes
print(f"{keras.backend.backend()}, without compile(): traced fit {outcomes[False]}; "
      f"run_eagerly=True fit {outcomes[True]}")

model, frozen = trained_then_frozen()
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")  # the fix
snapshot = frozen.get_weights()
model.fit(x4, y4, epochs=1, batch_size=64, verbose=0)
assert not moved(frozen, snapshot)
print("after compile(): the frozen layer stays fixed")


# %% [markdown]
# ### `losses` of nested layers, and of weight regularizers
#
# This proves two details of `losses` that matter when layers nest: the list is reset at the start of
# every *outermost* call, so a layer called twice inside another layer's `call` keeps both terms
# until the outer layer is called again; and a weight regularizer's penalty lands in the same list.

# %%
class PenalizeTwice(keras.layers.Layer):
    """Calls one inner ActivityPenalty twice per call: the reset belongs to the outermost call."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.inner = ActivityPenalty(rate=0.1)

    def call(self, inputs):
        return self.inner(2.0 * self.inner(inputs))


twice = PenalizeTwice()
twice(first)
twice(second)  # a new outermost call: the first call's two terms are cleared ...
expected_terms = [0.1 * np.mean(second**2), 0.1 * np.mean((2 * second) ** 2)]  # ... both of this one stay
np.testing.assert_allclose([float(to_numpy(t)) for t in twice.losses], expected_terms, rtol=1e-6)
assert len(twice.inner.losses) == 2  # fails if the inner layer were reset at each of its own calls

# A weight regularizer's penalty lands in the same list.
regularized = keras.layers.Dense(2, kernel_regularizer=keras.regularizers.L2(0.01))
regularized(first)
kernel = regularized.get_weights()[0]
np.testing.assert_allclose(to_numpy(regularized.losses[0]), 0.01 * np.sum(kernel**2), rtol=1e-5)


# %% [markdown]
# ### Keras 2 → 3, proved
#
# This proves what Keras 3 does where Keras 2 code, and many older tutorials, do otherwise; read it
# when you port old code or meet these habits online.
#
# **`tf.keras.backend.maximum` → `keras.ops.maximum`.** Keras 3's own `keras.backend` no longer
# holds the maths: it has no `maximum` on any backend; `keras.ops` does the maths, on every backend,
# returning the active backend's tensors. The old spelling has not quite vanished: with TensorFlow
# 2.21 installed, `tf.keras` is `keras._tf_keras.keras`, Keras 3 plus TensorFlow-only legacy shims,
# and its `backend.maximum` still works. But it is TensorFlow code: it returns a `tf.Tensor` whatever
# Keras's backend is, so it has no place in a layer meant for JAX or PyTorch.

# %%
import tensorflow as tf

assert not hasattr(keras.backend, "maximum")  # Keras 3's namespace: gone on every backend
assert tf.keras.__name__ == "keras._tf_keras.keras"  # TensorFlow's shim package ...
shim = tf.keras.backend.maximum(0.5, grid)  # ... still has it, and it computes with TensorFlow
assert isinstance(shim, tf.Tensor)
np.testing.assert_array_equal(shim.numpy(), np.maximum(0.5, grid))
portable = keras.ops.maximum(0.5, grid)  # the replacement: the active backend's own tensor type
assert isinstance(portable, tf.Tensor) == (keras.backend.backend() == "tensorflow")
np.testing.assert_array_equal(to_numpy(portable), np.maximum(0.5, grid))
print(f"tf.keras shim -> {type(shim).__name__}; keras.ops.maximum on {keras.backend.backend()} -> "
      f"{type(portable).__module__}.{type(portable).__name__}")

# %% [markdown]
# **`tf.Variable` in `build` → `self.add_weight`.** `add_weight` creates a backend-neutral
# `keras.Variable` that the layer tracks, trainable or not, on TensorFlow, JAX and PyTorch alike,
# whereas a `tf.Variable` exists only on TensorFlow.

# %%
class TwoKinds(keras.layers.Layer):
    def build(self, input_shape):
        self.learned = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="learned")
        self.fixed = self.add_weight(shape=(), initializer="zeros", trainable=False, name="fixed")

    def call(self, inputs):
        return inputs * self.learned + self.fixed


two = TwoKinds()
two(np.ones((1, 3), "float32"))
assert all(isinstance(v, keras.Variable) for v in two.weights)
assert [v.name for v in two.trainable_weights] == ["learned"]
assert [v.name for v in two.non_trainable_weights] == ["fixed"]
print(type(two.learned).__module__, "| value held as", type(two.learned.value).__module__)

# %% [markdown]
# **`Dense(..., input_dim=...)` / `input_shape=...` → `keras.Input(shape)`.** Keras 3 still accepts
# the old arguments but warns; start the model with `keras.Input` instead (as every model here does).

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    keras.layers.Dense(3, input_dim=4)
    keras.layers.Dense(3, input_shape=(4,))
messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
assert len(messages) == 2 and all("Input(shape)" in m for m in messages), messages
print(messages[0])

# %% [markdown]
# **`super(Cls, self).__init__()` without `**kwargs` breaks `name`, `dtype` and `from_config`.** The
# short `super().__init__(**kwargs)` is the Keras 3 (and Python 3) form. Dropping `**kwargs` means
# the constructor rejects `name=`, and a layer rebuilt from its own config fails, because the config
# contains `trainable` and `dtype`. Forgetting `super().__init__()` altogether fails on first use.

# %%
class NoKwargs(keras.layers.Layer):
    def __init__(self, units=2):
        super().__init__()  # the Keras 2 habit: no **kwargs passed on
        self.units = units

    def call(self, inputs):
        return inputs


class NoSuper(keras.layers.Layer):
    def __init__(self, units=2):
        self.units = units

    def call(self, inputs):
        return inputs


expect_error(TypeError, lambda: NoKwargs(3, name="named"))
expect_error(TypeError, lambda: NoKwargs.from_config(NoKwargs(3).get_config()))
forgot = expect_error(RuntimeError, lambda: NoSuper(3)(np.ones((1, 2), "float32")))
assert "super().__init__()" in str(forgot)
print(forgot)

# %% [markdown]
# **Keras 3 writes `get_config` for you, but only for plain arguments.** If every constructor
# argument is a plain value (numbers, strings, lists), the base class records them and `get_config`
# works without an override. Pass a function (here the activation) and it raises
# `NotImplementedError`: that is why `SimpleDense` writes its own `get_config`.

# %%
class AutoConfig(keras.layers.Layer):
    def __init__(self, units=2, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units, self.activation = units, keras.activations.get(activation)

    def call(self, inputs):
        return inputs


auto = AutoConfig(5, activation="relu").get_config()
assert (auto["units"], auto["activation"]) == (5, "relu")
expect_error(NotImplementedError, lambda: AutoConfig(5, activation=keras.activations.relu).get_config())
print({key: auto[key] for key in ("units", "activation")})

# %% [markdown]
# **A block must build its inner layers in `build`.** Without its own `build`, a block that holds
# layers loads with a `UserWarning` (Keras marks it built while its inner weights do not exist yet).
# `MLPBlock` defines `build`, and loads silently.

# %%
class NoBuildBlock(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.inner = SimpleDense(2)

    def call(self, inputs):
        return self.inner(inputs)


def warnings_on_reload(layer):
    """Save a one-layer model to a temporary .keras file, reload it, return its UserWarning messages."""
    model = keras.Sequential([keras.Input((3,)), layer])
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = os.path.join(folder, "block.keras")
        model.save(path)
        keras.models.load_model(path, custom_objects={"NoBuildBlock": NoBuildBlock})
    return [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


without_build = warnings_on_reload(NoBuildBlock())
with_build = warnings_on_reload(MLPBlock((4, 2)))
assert any("does not have a `build()` method" in m for m in without_build), without_build
assert not with_build, with_build
print("without build():", without_build[0][:110], "...")

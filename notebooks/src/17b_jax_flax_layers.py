# ---
# jupyter:
#   course:
#     backends: [tensorflow, jax]
#     backends_reason: JaxLayer and FlaxLayer run JAX code, which Keras supports on the JAX and TensorFlow backends only (measured in 17a); the PyTorch backend refuses both
#   jupytext:
#     cell_metadata_filter: -all
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 17b · `JaxLayer` and `FlaxLayer`: JAX code as Keras layers
#
# `JaxLayer` turns a pure JAX function `call_fn(params, inputs)` and its parameter tree into a Keras
# layer; `FlaxLayer` does the same for a Flax module. The parameters become Keras variables, so
# `fit` trains them, on the JAX backend natively and on the TensorFlow backend by converting the
# JAX function to TensorFlow. This notebook proves both layers against NumPy, proves that one
# training step is the gradient step NumPy computes, shows how the `training` flag reaches your
# function, and trains each on a small regression. It runs on JAX and TensorFlow (17a measured that
# PyTorch refuses both).
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/notebooks/17b_jax_flax_layers.ipynb)

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
# Keras, NumPy, and the JAX libraries this notebook wraps (`jax`, `flax.linen`; on Colab both are
# preinstalled, locally `make backends` installs them).

# %%
import os
import tempfile

import flax
import flax.linen as nn
import jax
import jax.numpy as jnp
import keras
import matplotlib.pyplot as plt
import numpy as np

from helpers import plots
from helpers.nbtools import expect_error, to_numpy
from helpers.selfcheck import exercise

plots.use_course_style()
rng = np.random.default_rng(17)
BACKEND = keras.backend.backend()
assert BACKEND in ("jax", "tensorflow"), "JaxLayer and FlaxLayer need the JAX or TensorFlow backend"

# %% [markdown]
# ## What
#
# - **`keras.layers.JaxLayer(call_fn, init_fn=None, params=None, state=None, seed=None)`**: a layer
#   whose forward pass is your JAX function. `call_fn` receives, by argument name, `params`
#   (trainable tree), optionally `state` (non-trainable tree), `rng` (a JAX key), `inputs` and
#   `training`. Parameters come from `params=` or from `init_fn(rng, inputs)` at build time. The
#   function is the first argument, `call_fn`; there is no `jax_function=` keyword.
# - **`keras.layers.FlaxLayer(module, method=None, variables=None)`**: the same for a `flax.linen`
#   module: Keras calls `module.init` to create the variables and `module.apply` in `call`.
#
# Either way, every leaf of the parameter tree becomes a `keras.Variable` of the layer.

# %% [markdown]
# ## Where
#
# Both live in `keras.layers`. They need `jax` (and `flax` for `FlaxLayer`) installed and the JAX
# or TensorFlow backend; the cell shows the backend in use.

# %%
print(f"backend: {BACKEND}; jax {jax.__version__}")
assert issubclass(keras.layers.FlaxLayer, keras.layers.JaxLayer)  # FlaxLayer is built on JaxLayer
wrong_keyword = expect_error(TypeError, lambda: keras.layers.JaxLayer(jax_function=lambda params, inputs: inputs))
assert "call_fn" in str(wrong_keyword)

# %% [markdown]
# ## Why
#
# - **Keep JAX code as it is**: a research function written with `jax.numpy`, or a Flax model, gets
#   Keras's `fit`, callbacks, metrics and saving of weights, without a rewrite.
# - **Mix**: a Flax encoder inside a Keras model, next to Keras layers.
# - **Stay pure**: JAX code is a function of (parameters, inputs); Keras keeps the state.

# %% [markdown]
# ## When
#
# | Situation | Choice |
# |---|---|
# | a `jax.numpy` function with a parameter dict | `JaxLayer(call_fn, init_fn=...)` or `params=...` |
# | a `flax.linen` module | `FlaxLayer(module)` |
# | the function needs randomness or a training switch | add `rng` / `training` arguments to `call_fn` |
# | new code with no JAX dependency | write a Keras layer with `keras.ops` instead: it runs on every backend |

# %% [markdown]
# ### Not a `Lambda`: `jax.numpy` code needs the JAX backend there
#
# A plain `keras.layers.Lambda` whose function calls `jax.numpy` gets the backend's own tensors.
# On JAX those are JAX arrays and it works; on TensorFlow (and on PyTorch, measured in 17a's grid)
# `jnp.tanh` cannot read a TensorFlow or PyTorch tensor and raises `TypeError`. `JaxLayer` is what
# makes JAX code run on TensorFlow; for a `Lambda`, use `keras.ops.tanh`, which runs everywhere.

# %%
jnp_lambda = keras.layers.Lambda(lambda t: jnp.tanh(t))
small = np.linspace(-2, 2, 6, dtype="float32").reshape(2, 3)
if BACKEND == "jax":
    np.testing.assert_allclose(to_numpy(jnp_lambda(small)), np.tanh(small), rtol=1e-6)
    print("jax: Lambda(jnp.tanh) == np.tanh")
else:  # TensorFlow: the function receives a tf.Tensor
    error = expect_error(TypeError, lambda: jnp_lambda(small))
    assert "EagerTensor" in str(error)
    print(f"{BACKEND}: Lambda(jnp.tanh) raises", type(error).__name__, "(jnp cannot read a tf.Tensor)")
np.testing.assert_allclose(to_numpy(keras.layers.Lambda(keras.ops.tanh)(small)), np.tanh(small), rtol=1e-6)

# %% [markdown]
# ## Who
#
# - **JAX and Flax users** who want Keras's training loop around their models.
# - **Keras users** adopting a component published in JAX.

# %% [markdown]
# ## How
#
# ### `JaxLayer`: a two-layer network written in `jax.numpy`
#
# `init_fn(rng, inputs)` builds the parameter dict from the first input's shape; `call_fn(params,
# inputs)` is the forward pass. Keras calls `init_fn` once, when the layer is built, with a key from
# its `seed`.

# %%
def mlp_init(rng, inputs):
    """He-scaled weights for inputs -> 16 tanh units -> 1 output."""
    key_1, key_2 = jax.random.split(rng)
    features = inputs.shape[-1]
    return {
        "w1": jax.random.normal(key_1, (features, 16)) * jnp.sqrt(2.0 / features),
        "b1": jnp.zeros((16,)),
        "w2": jax.random.normal(key_2, (16, 1)) * jnp.sqrt(2.0 / 16),
        "b2": jnp.zeros((1,)),
    }


def mlp_call(params, inputs):
    hidden = jnp.tanh(inputs @ params["w1"] + params["b1"])
    return hidden @ params["w2"] + params["b2"]


jax_mlp = keras.layers.JaxLayer(mlp_call, init_fn=mlp_init, seed=3, name="jax_mlp")
x2 = rng.uniform(-2, 2, size=(6, 2)).astype("float32")
print("output:", to_numpy(jax_mlp(x2)).ravel().round(3))
print("variables:", [(v.path, tuple(v.shape)) for v in jax_mlp.trainable_weights])

# %% [markdown]
# ### The `training` argument reaches `call_fn`
#
# Name an argument `training` and Keras passes the flag (`True` in `fit`). `noisy_call` adds noise
# only while training, drawn from the `rng` key that Keras also passes.

# %%
def noisy_call(params, rng, inputs, training):
    output = inputs * params["scale"]
    if training:
        output = output + 0.1 * jax.random.normal(rng, output.shape)
    return output


noisy = keras.layers.JaxLayer(noisy_call, params={"scale": jnp.full((2,), 2.0)}, seed=5)
noisy_model = keras.Sequential([keras.Input((2,)), noisy])  # built for any batch size (see Cons)
print("inference:", to_numpy(noisy(x2[:2])).round(3).tolist())
print("training: ", to_numpy(noisy(x2[:2], training=True)).round(3).tolist())

# %% [markdown]
# ### `FlaxLayer`: a `flax.linen` module
#
# The module's `__call__` defines the network; `FlaxLayer` initialises it at build time and keeps
# its parameters as Keras variables. `layer.params` is the familiar Flax tree. A `flax.linen`
# module holds no parameters itself: calling `FlaxMLP()(x)` directly raises Flax's
# `CallCompactUnboundModuleError` (there is nothing to compute with until `init` has made the
# variables). You never call `init` yourself: the layer does it, and `module.apply` with the
# layer's tree computes exactly what the layer computes (proved below).

# %%
class FlaxMLP(nn.Module):
    """inputs -> 16 tanh units -> 1 output, with named sublayers."""

    @nn.compact
    def __call__(self, inputs):
        hidden = jnp.tanh(nn.Dense(16, name="hidden")(inputs))
        return nn.Dense(1, name="out")(hidden)


unbound = expect_error(flax.errors.CallCompactUnboundModuleError, lambda: FlaxMLP()(x2))
print("FlaxMLP()(x):", type(unbound).__name__)
flax_mlp = keras.layers.FlaxLayer(FlaxMLP(), seed=4, name="flax_mlp")
flax_mlp(x2)
print(jax.tree_util.tree_map(lambda leaf: tuple(leaf.shape), flax_mlp.params))

# %% [markdown]
# ## Pros
#
# - **No rewrite**: the JAX or Flax code runs as written.
# - **Full Keras training**: `fit`, optimizers, callbacks, metrics, `save_weights`.
# - **Runs on two backends**: JAX natively, TensorFlow through JAX-to-TensorFlow conversion.

# %% [markdown]
# ## Cons
#
# - **Not on PyTorch**, and it needs `jax` (and `flax`) installed.
# - **Pure functions only**: side effects inside `call_fn` run at tracing time, not per step.
# - **Shapes on TensorFlow**: the TensorFlow backend converts the JAX function for the input shape
#   the layer was built with. Build it on a `keras.Input` (batch size `None`), as the models here
#   do, or a layer first called on a batch of 2 refuses a batch of 3 (proved in the deep dive).
# - **Saving a whole model** needs the functions to be importable (registered) when loading;
#   weights alone (`save_weights`) are the simple path.

# %% [markdown]
# ## Picture
#
# ### Both layers learn the same curve
#
# Each model (one `JaxLayer`, one `FlaxLayer`) is trained to fit z = sin(x₁) · cos(x₂) on 512
# points. Left: training loss per epoch; right: a slice at x₂ = 0 against the truth.

# %%
x_train = rng.uniform(-2, 2, size=(512, 2)).astype("float32")
y_train = (np.sin(x_train[:, :1]) * np.cos(x_train[:, 1:])).astype("float32")


def fitted(layer):
    model = keras.Sequential([keras.Input((2,)), layer])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    return model, model.fit(x_train, y_train, epochs=60, batch_size=64, verbose=0)


jax_model, jax_history = fitted(keras.layers.JaxLayer(mlp_call, init_fn=mlp_init, seed=7))
flax_model, flax_history = fitted(keras.layers.FlaxLayer(FlaxMLP(), seed=8))

grid = np.stack([np.linspace(-2, 2, 101), np.zeros(101)], axis=1).astype("float32")
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
left.plot(jax_history.history["loss"], label="JaxLayer")
left.plot(flax_history.history["loss"], label="FlaxLayer")
left.set_yscale("log")
left.set_xlabel("epoch")
left.set_ylabel("training MSE (log scale)")
left.set_title(f"Training on the {BACKEND} backend")
left.legend()
right.plot(grid[:, 0], np.sin(grid[:, 0]), "k:", label="truth: sin(x₁)")
right.plot(grid[:, 0], to_numpy(jax_model(grid)).ravel(), label="JaxLayer")
right.plot(grid[:, 0], to_numpy(flax_model(grid)).ravel(), label="FlaxLayer")
right.set_xlabel("x₁ (x₂ = 0)")
right.set_ylabel("prediction")
right.set_title("The learned function, a slice")
right.legend()
fig.tight_layout()
plt.close(fig)
for history, model in ((jax_history, jax_model), (flax_history, flax_model)):
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]  # more than ten times lower
    assert np.abs(to_numpy(model(grid)).ravel() - np.sin(grid[:, 0])).max() < 0.2  # close to the truth
plots.show(fig, "Notice that both training losses fall by more than a factor of ten on the log scale, and "
           "both learned slices stay within 0.2 of the dotted sin(x₁) from x₁ = −2 to 2.")

# %% [markdown]
# ## Table
#
# | API | Arguments | What Keras does | Proved below |
# |---|---|---|---|
# | `JaxLayer(call_fn, init_fn=None, params=None, state=None, seed=None)` | `call_fn(params[, state][, rng], inputs[, training])` | params tree → trainable variables; calls `call_fn` in `call` | forward vs NumPy, gradient step, training flag |
# | `FlaxLayer(module, method=None, variables=None)` | a `flax.linen.Module` | `module.init` at build, `module.apply` in `call` | forward vs NumPy, training |
# | `layer.params` | | the parameter tree, leaves are `keras.Variable`s | shapes and values |

# %% [markdown]
# ## Example
#
# ### A Keras model with a Flax block in the middle
#
# Keras layers and a `FlaxLayer` mix in one `Sequential` model: a Keras `Dense` expands the inputs,
# the Flax MLP maps them to one output, and `fit` trains both.

# %%
mixed_model = keras.Sequential([
    keras.Input((2,)), keras.layers.Dense(8, activation="tanh", name="keras_dense"),
    keras.layers.FlaxLayer(FlaxMLP(), seed=9, name="flax_block"),
])
mixed_model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
dense_before = mixed_model.get_layer("keras_dense").get_weights()[0]
flax_before = to_numpy(mixed_model.get_layer("flax_block").params["params"]["hidden"]["kernel"])
mixed_history = mixed_model.fit(x_train, y_train, epochs=30, batch_size=64, verbose=0)
print(f"loss {mixed_history.history['loss'][0]:.4f} -> {mixed_history.history['loss'][-1]:.4f}")

# %% [markdown]
# ## Proof
#
# ### `JaxLayer` computes `call_fn` with its own parameters, and they are Keras variables
#
# The output equals NumPy's forward pass through the layer's four variables (fails if Keras
# re-initialised the parameters between the call and the read).

# %%
params = {name: to_numpy(value) for name, value in jax_mlp.params.items()}
numpy_mlp = np.tanh(x2 @ params["w1"] + params["b1"]) @ params["w2"] + params["b2"]
np.testing.assert_allclose(to_numpy(jax_mlp(x2)), numpy_mlp, rtol=1e-5, atol=1e-5)
assert len(jax_mlp.trainable_weights) == 4
assert all(isinstance(v, keras.Variable) for v in jax_mlp.params.values())
assert jax_mlp.count_params() == 2 * 16 + 16 + 16 + 1
print("JaxLayer forward == NumPy;", jax_mlp.count_params(), "parameters")

# %% [markdown]
# ### One `fit` step on a `JaxLayer` is the gradient step NumPy computes
#
# For a linear `call_fn`, the mean-squared-error gradient is 2·xᵀ(xw − y)/n. One SGD step of `fit`
# moves `w` by exactly −lr times that (fails if Keras did not differentiate through the JAX
# function, or differentiated something else).

# %%
x3 = rng.normal(size=(32, 3)).astype("float32")
y3 = (x3 @ np.array([[1.0], [-2.0], [0.5]])).astype("float32")
linear = keras.layers.JaxLayer(lambda params, inputs: inputs @ params["w"], params={"w": jnp.zeros((3, 1))})
linear_model = keras.Sequential([keras.Input((3,)), linear])
linear_model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
linear_model.fit(x3, y3, batch_size=32, epochs=1, verbose=0)
w_numpy = np.zeros((3, 1)) - 0.1 * (2 * x3.T @ (x3 @ np.zeros((3, 1)) - y3) / len(x3))
np.testing.assert_allclose(to_numpy(linear.params["w"]), w_numpy, rtol=1e-5, atol=1e-6)
print("w after one step:", to_numpy(linear.params["w"]).ravel().round(4))

# %% [markdown]
# ### The `training` flag: inference is deterministic, training adds noise
#
# Without `training`, the output is exactly `scale · x` (NumPy); with `training=True` it differs,
# by noise of about the stated 0.1 standard deviation; inside `fit`, `call_fn` receives `True`
# (fails if the flag did not reach the function: the loss would then be exactly 0 below).

# %%
x_big = rng.normal(size=(2000, 2)).astype("float32")
np.testing.assert_allclose(to_numpy(noisy(x_big)), 2.0 * x_big, rtol=1e-6)
noise = to_numpy(noisy(x_big, training=True)) - 2.0 * x_big
assert abs(noise.std() - 0.1) < 0.01, noise.std()  # 4000 draws: s.e. of the std ≈ 0.0011
noisy_model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")  # lr 0: measure, don't learn
train_loss = noisy_model.fit(x_big, 2.0 * x_big, batch_size=2000, epochs=1, verbose=0).history["loss"][0]
assert abs(train_loss - 0.01) < 0.002, train_loss  # the noise variance, seen by fit
assert noisy_model.evaluate(x_big, 2.0 * x_big, verbose=0) < 1e-10  # evaluate: training=False
print(f"noise std {noise.std():.4f}; loss in fit {train_loss:.4f}; in evaluate 0")

# %% [markdown]
# ### `FlaxLayer` computes the module with its own parameters
#
# NumPy's forward pass through `params["hidden"]` and `params["out"]` equals the layer's output, and
# so does Flax's own `module.apply` with the variables the layer created (fails if the layer kept
# parameters of its own outside the Flax tree). The bare module, never initialised, cannot be
# called at all.

# %%
tree = flax_mlp.params["params"]
hidden_k, hidden_b = to_numpy(tree["hidden"]["kernel"]), to_numpy(tree["hidden"]["bias"])
out_k, out_b = to_numpy(tree["out"]["kernel"]), to_numpy(tree["out"]["bias"])
np.testing.assert_allclose(to_numpy(flax_mlp(x2)), np.tanh(x2 @ hidden_k + hidden_b) @ out_k + out_b,
                           rtol=1e-5, atol=1e-5)
assert len(flax_mlp.trainable_weights) == 4 and flax_mlp.count_params() == 2 * 16 + 16 + 16 + 1
as_arrays = jax.tree_util.tree_map(lambda leaf: jnp.asarray(to_numpy(leaf)), flax_mlp.params)
np.testing.assert_allclose(np.asarray(FlaxMLP().apply(as_arrays, x2)), to_numpy(flax_mlp(x2)), rtol=1e-5, atol=1e-6)
expect_error(flax.errors.CallCompactUnboundModuleError, lambda: FlaxMLP()(x2))
print("FlaxLayer forward == NumPy == FlaxMLP().apply(layer.params, x); the bare module cannot be called")

# %% [markdown]
# ### Both layers train, and beat the best constant
#
# After 60 epochs each model's mean squared error is under a fifth of the target's variance (the
# error of always predicting the mean), on held-out points.

# %%
x_test = rng.uniform(-2, 2, size=(256, 2)).astype("float32")
y_test = np.sin(x_test[:, :1]) * np.cos(x_test[:, 1:])
for name, model in (("JaxLayer", jax_model), ("FlaxLayer", flax_model), ("Keras + Flax", mixed_model)):
    mse = float(np.mean((to_numpy(model.predict(x_test, verbose=0)) - y_test) ** 2))
    assert mse < 0.2 * float(y_test.var()), (name, mse)
    print(f"{name:12s} test MSE {mse:.4f} (target variance {float(y_test.var()):.4f})")

# The mixed model trained both its Keras and its Flax parts.
assert not np.allclose(mixed_model.get_layer("keras_dense").get_weights()[0], dense_before)
assert not np.allclose(to_numpy(mixed_model.get_layer("flax_block").params["params"]["hidden"]["kernel"]),
                       flax_before)

# %% [markdown]
# ## Application
#
# ### Weights in, weights out: `save_weights` round trip of a JAX-backed model
#
# The variables behind a `JaxLayer` save and load like any Keras weights: a fresh model with the
# same functions, loaded from the file, predicts identically.

# %%
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "jax_mlp.weights.h5")
    jax_model.save_weights(path)
    twin = keras.Sequential([keras.Input((2,)), keras.layers.JaxLayer(mlp_call, init_fn=mlp_init, seed=99)])
    twin.load_weights(path)
np.testing.assert_array_equal(to_numpy(twin.predict(x_test, verbose=0)),
                              to_numpy(jax_model.predict(x_test, verbose=0)))
print("weights restored into a fresh JaxLayer: identical predictions")

# %% [markdown]
# ## Key terms
#
# - **Pure function**: output depends only on the arguments; no hidden state or side effects.
# - **Parameter tree (pytree)**: nested dicts/lists of arrays, JAX's way to hold parameters.
# - **`call_fn` / `init_fn`**: the forward pass and the parameter initialiser given to `JaxLayer`.
# - **`flax.linen.Module`**: Flax's layer class; `init` makes variables, `apply` runs the module.
# - **JAX-to-TensorFlow conversion**: how the TensorFlow backend runs JAX code.

# %% [markdown]
# ## Summary
#
# - `JaxLayer` wraps `call_fn(params, inputs)`; `FlaxLayer` wraps a Flax module; both turn every
#   parameter into a Keras variable that `fit` trains (one step proved equal to NumPy's).
# - Name arguments `rng` and `training` to receive a key and the training flag.
# - They run on the JAX and TensorFlow backends, not PyTorch (17a).
# - Keras layers and Flax blocks mix in one model; weights save and load as usual.

# %% [markdown]
# ## Exercises
#
# Each exercise prints its task; `ex.check(...)` says what is right and what is not yet.
# `ex.hint()` and `ex.solution()` show more when you ask for them. The checks run your JAX and Flax
# code directly, so they work on both of this notebook's backends.

# %% [markdown]
# ### Exercise 17b.1 · A ReLU dense layer written in JAX

# %%
ex = exercise("17b.1")  # prints the task and how you know you are done


def jax_dense_relu(units):
    ...  # your code here


ex.check(jax_dense_relu)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 17b.2 · A call_fn that knows when it trains

# %%
ex = exercise("17b.2")  # prints the task and how you know you are done


def dropout_call(params, rng, inputs, training):
    ...  # your code here


ex.check(dropout_call)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 17b.3 · A Flax module ready for FlaxLayer
#
# Replace `TwoLayer = None` with your class.

# %%
ex = exercise("17b.3")  # prints the task and how you know you are done

TwoLayer = None  # your nn.Module subclass here

ex.check(TwoLayer)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ## Deep dive (optional)
#
# A backend internal, for readers who build layers eagerly on TensorFlow.

# %% [markdown]
# ### Built on a concrete batch, a `JaxLayer` keeps that batch size on TensorFlow only
#
# This shows a backend internal that explains the Cons advice to build on a `keras.Input`; it
# matters if a layer you built eagerly refuses a new batch size on TensorFlow.
# A layer first called on 2 rows accepts 3 rows on the JAX backend, but on TensorFlow the converted
# function was fixed to 2 rows and Keras raises `ValueError`. Built on a `keras.Input`, the same
# function accepts any batch size on both (fails if either backend behaved like the other).

# %%
def scale_call(params, inputs):
    return inputs * params["s"]


def accepts_three_rows(layer):
    try:
        layer(np.ones((3, 2), "float32"))
    except ValueError:
        return False
    return True


eager_built = keras.layers.JaxLayer(scale_call, params={"s": jnp.ones((2,))})
eager_built(np.ones((2, 2), "float32"))  # built on a batch of exactly 2
assert accepts_three_rows(eager_built) == (BACKEND == "jax")
input_built = keras.layers.JaxLayer(scale_call, params={"s": jnp.ones((2,))})
keras.Sequential([keras.Input((2,)), input_built])  # built on a symbolic batch
assert accepts_three_rows(input_built)
print(f"{BACKEND}: built on 2 rows, accepts 3: {accepts_three_rows(eager_built)}; built on Input: True")


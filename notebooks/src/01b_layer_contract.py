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
# # 01b · The Layer contract: training, masks, shapes, Layer vs Model, stateless use
#
# Notebook 01 wrote layers that own weights and compute. Keras's own layers keep a few more
# promises: they act differently in training and inference (the `training` argument), respect and
# pass on **masks** over padded steps, state their output shape **without running**, run under a
# **mixed-precision** policy, and can be called **statelessly**. Here you write a custom layer for
# each promise, choose between `Layer` and `Model`, and check each claim against NumPy.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/notebooks/01b_layer_contract.ipynb)

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
# Keras, NumPy for the checks, matplotlib for the pictures, small proof utilities, and the
# exercises.

# %%
import json
import os
import tempfile
import warnings

import keras
import matplotlib.pyplot as plt
import numpy as np

from helpers import plots
from helpers.nbtools import expect_error, to_numpy
from helpers.selfcheck import exercise

plots.use_course_style()
rng = np.random.default_rng(1)
BACKEND = keras.backend.backend()

# %% [markdown]
# ## What
#
# The **layer contract** is the set of hooks `keras.layers.Layer` offers beyond `build` and `call`,
# which Keras's own layers all honour:
#
# - the **`training` argument** of `call`, filled in by `fit`, `predict` and `evaluate` and passed
#   down to nested layers;
# - **masks**: `supports_masking`, `compute_mask` and the `mask` argument of `call`, which let
#   padded time steps be ignored downstream;
# - **shapes without running**: `compute_output_shape` and `compute_output_spec`;
# - **stateless use**: `stateless_call`, and **serialization**: `keras.layers.serialize` /
#   `deserialize`;
# - the **dtype policy** (variables in one dtype, computation in another), in the deep dive.
#
# And one choice: when a block should be a `Layer` and when a `Model`.

# %% [markdown]
# ## Where
#
# All of it lives on `keras.layers.Layer`, so on every built-in layer and on `keras.Model`;
# `serialize`/`deserialize` are functions of `keras.layers`. `fit` and `predict` set the training
# flag, the functional API works out masks and shapes on `keras.Input` placeholders, and
# hand-written training loops use `stateless_call`. The cell finds the hooks on a plain `Layer` and
# on a `Dense`.

# %%
for hook in ("compute_mask", "compute_output_shape", "compute_output_spec", "stateless_call",
             "supports_masking", "dtype_policy"):
    assert hasattr(keras.layers.Layer(), hook) and hasattr(keras.layers.Dense(2), hook), hook
print("every layer carries the contract's hooks;", "backend:", BACKEND)

# %% [markdown]
# ## Why
#
# - **Dropout, batch normalization and noise layers** must act differently while training; the
#   `training` flag tells them, without you threading it through every block.
# - **Padded sequences** would be averaged and attended to, padding included, without masks.
# - **Functional models** are wired before any data exists; a stated output shape lets Keras check
#   the wiring and print `summary()` at once.
# - **Stateless calls** make a layer a pure function of (variables, inputs), as JAX's `jit` and
#   `grad` need.

# %% [markdown]
# ## When
#
# | You are writing... | Implement |
# |---|---|
# | a layer that acts differently in training (noise, dropout, running statistics) | `call(self, inputs, training=None)` |
# | a layer that must ignore padding | `call(self, inputs, mask=None)` |
# | a layer that keeps the time axis and should pass the mask on | `self.supports_masking = True` |
# | a layer that removes the time axis, or makes its own mask | `compute_mask` |
# | a layer whose `call` cannot run on symbolic inputs | `compute_output_shape` |
# | a model for float16 or bfloat16 hardware | a dtype policy (deep dive) |
# | a custom JAX-style training loop | `stateless_call` |

# %% [markdown]
# ## Who
#
# Authors of custom layers (a reviewer will ask about each hook), NLP and time-series practitioners
# (masks), performance engineers (mixed precision) and JAX users (`stateless_call`).

# %% [markdown]
# ## How
#
# ### `training`: a dropout-like layer that records the flag it receives
#
# Declare `training=None` in `call`, and Keras passes the flag: `True` inside `fit` and
# `train_on_batch`, `False` inside `predict` and `evaluate`. A direct call passes nothing, so your
# default `None` applies: treat it as inference. Nested layers receive the flag even if the block's
# `call` does not mention it.
#
# `RecordingDropout` zeroes a random fraction `rate` of its inputs in training and scales the rest
# by 1 / (1 − rate). It writes the flag it received into a non-trainable variable (1 = `True`,
# 0 = `False`, −1 = `None`) and counts its training calls: assigning a variable inside `call` is how
# a layer keeps state on every backend (the deep dive shows when JAX makes the new value visible).

# %%
FLAG_CODE = {True: 1.0, False: 0.0, None: -1.0}


class RecordingDropout(keras.layers.Layer):
    """Inverted dropout that records the `training` flag Keras passed to its last call."""

    def __init__(self, rate=0.5, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.supports_masking = True  # element-wise: the time axis and the mask pass through
        self.last_flag = self.add_weight(shape=(), initializer="zeros", trainable=False, name="last_flag")
        self.training_calls = self.add_weight(shape=(), initializer="zeros", trainable=False,
                                              name="training_calls")

    def call(self, inputs, training=None):
        self.last_flag.assign(FLAG_CODE[training])
        if not training:  # False or None: inference, the identity
            return inputs
        self.training_calls.assign_add(1.0)
        keep = keras.random.uniform(keras.ops.shape(inputs), seed=self.seed_generator) >= self.rate
        return keras.ops.where(keep, inputs / (1.0 - self.rate), 0.0)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}


def flag_of(layer):
    """The flag a RecordingDropout last received, decoded."""
    code = float(to_numpy(layer.last_flag))
    return {value: flag for flag, value in FLAG_CODE.items()}[code]


drop = RecordingDropout(rate=0.5)
ones = np.ones((4, 1000), "float32")
inference = to_numpy(drop(ones))
print("direct call, no flag:", flag_of(drop), "| output equals input:", np.array_equal(inference, ones))
training_out = to_numpy(drop(ones, training=True))
print("training=True: flag", flag_of(drop), f"| zeroed {np.mean(training_out == 0):.3f} of the values, "
      f"the rest are {np.unique(training_out[training_out > 0])}")

# %% [markdown]
# ### Masks: `supports_masking`, `compute_mask` and `mask` in `call`
#
# `Embedding(mask_zero=True)` treats token 0 as padding and attaches a boolean mask (`True` = a real
# step) to its output. Each downstream layer decides what to do with it:
#
# - **consume** it: take `mask=None` in `call` and use it. `MaskedMean` averages over the real steps
#   only; its output has no time axis, so its `compute_mask` returns `None` and the mask stops.
# - **propagate** it: set `self.supports_masking = True`. A layer that keeps the time axis, like
#   `TimeScale`, then hands the mask on unchanged.
# - do neither: the mask is **dropped** there (with a `UserWarning`), and everything downstream
#   sees the padding as data.

# %%
class MaskedMean(keras.layers.Layer):
    """Mean over the time axis of the real (unmasked) steps; the mask ends here."""

    def call(self, inputs, mask=None):
        if mask is None:
            return keras.ops.mean(inputs, axis=1)
        weights = keras.ops.expand_dims(keras.ops.cast(mask, inputs.dtype), -1)
        total = keras.ops.sum(inputs * weights, axis=1)
        return total / keras.ops.maximum(keras.ops.sum(weights, axis=1), 1.0)

    def compute_mask(self, inputs, mask=None):
        return None  # the time axis is gone, so there is nothing left to mask


class TimeScale(keras.layers.Layer):
    """Multiplies every step by 2 and keeps the time axis, so it passes the mask on."""

    def __init__(self, propagate=True, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = propagate

    def call(self, inputs):
        return 2.0 * inputs


tokens = np.array([[3, 5, 0, 0, 0], [1, 2, 4, 0, 0], [4, 4, 4, 4, 2]], "int32")  # 0 = padding
embedding = keras.layers.Embedding(6, 3, mask_zero=True, name="embedding")
mask = to_numpy(embedding.compute_mask(tokens))
print("mask from Embedding(mask_zero=True):\n", mask.astype(int))
assert np.array_equal(mask, tokens != 0)

# %% [markdown]
# What a mask changes, as a picture. Left: the token grid, padding in grey. Right: the first
# embedding feature's mean per sequence, from `MaskedMean` with the mask and from a plain mean over
# all steps, where padding counts as data.

# %%
with_mask = keras.Sequential([keras.Input((5,), dtype="int32"), embedding, MaskedMean()])
masked_means = to_numpy(with_mask(tokens))
table = to_numpy(embedding.embeddings)
naive_means = table[tokens].mean(axis=1)

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.2), gridspec_kw={"width_ratios": [1, 1.3]})
left.imshow(tokens != 0, cmap="Blues", vmin=-0.5, vmax=1.2)
for (row, col), token in np.ndenumerate(tokens):
    left.text(col, row, str(token), ha="center", va="center", color="white" if token else "black")
left.set_title("tokens (0 = padding, unmasked)")
left.set_yticks(range(len(tokens)))
left.set_xlabel("time step")
left.set_ylabel("sequence")
left.grid(False)
positions = np.arange(len(tokens))
right.bar(positions - 0.2, masked_means[:, 0], width=0.4, label="MaskedMean with the mask")
right.bar(positions + 0.2, naive_means[:, 0], width=0.4, label="mean over all 5 steps")
right.axhline(table[0, 0], color=plots.ACCENT, linestyle="--", label="padding vector (feature 0)")
right.set_xticks(positions, [f"seq {i} ({int(n)} real)" for i, n in enumerate((tokens != 0).sum(1))])
right.set_ylabel("mean of embedding feature 0")
right.set_title("The mask keeps padding out of the mean")
right.legend(fontsize=8)
fig.tight_layout()
plt.close(fig)
padding = table[0, 0]
assert np.all(np.abs(naive_means[:2, 0] - padding) < np.abs(masked_means[:2, 0] - padding))  # pulled to it
np.testing.assert_allclose(naive_means[2], masked_means[2], rtol=1e-6)  # no padding: the same mean
plots.show(fig, "Notice that for the two padded sequences the plain mean is pulled towards the dashed "
                "padding vector while MaskedMean ignores the padding; for the unpadded third sequence "
                "the two bars are equal.")

# %% [markdown]
# ### Shapes without running: `compute_output_shape` and `compute_output_spec`
#
# A functional model is wired on `keras.Input` placeholders that hold no data. To learn each layer's
# output, Keras calls `compute_output_spec`, which by default runs `call` on symbolic tensors. You can
# state the answer instead: `compute_output_shape(input_shape)` returns the shape, and the default
# `compute_output_spec` uses it. `PairUp` turns `(batch, n)` into `(batch, n, 2)`, each value next
# to its negative.

# %%
class PairUp(keras.layers.Layer):
    """(batch, n) -> (batch, n, 2): each value paired with its negative."""

    def call(self, inputs):
        return keras.ops.stack([inputs, -inputs], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape, 2)


pair_up = PairUp()
print("compute_output_shape((None, 5)):", pair_up.compute_output_shape((None, 5)))
spec = pair_up.compute_output_spec(keras.KerasTensor((None, 5)))
print("compute_output_spec on a KerasTensor:", spec.shape, spec.dtype)

# %% [markdown]
# ### `Layer` or `Model`
#
# `keras.Model` is a `Layer` that also trains and saves itself: `compile`, `fit`, `evaluate`,
# `predict`, `save`, `summary` and the `layers` list. A block that is a *part* of something bigger
# is a `Layer`; the *whole thing* you train, evaluate and save is a `Model`. Below, `ResidualBlock`
# is a `Layer`, and `Regressor`, a subclassed `Model`, holds two of them.

# %%
class ResidualBlock(keras.layers.Layer):
    """x + Dense(relu(Dense(x))): a part, not a whole."""

    def __init__(self, width, **kwargs):
        super().__init__(**kwargs)
        self.inner = keras.layers.Dense(width, activation="relu")
        self.outer = keras.layers.Dense(width)

    def build(self, input_shape):
        self.inner.build(input_shape)
        self.outer.build((*input_shape[:-1], self.inner.units))

    def call(self, inputs):
        return inputs + self.outer(self.inner(inputs))


class Regressor(keras.Model):
    """The whole thing that is trained, evaluated and saved."""

    def __init__(self, width=8, **kwargs):
        super().__init__(**kwargs)
        self.blocks = [ResidualBlock(width, name=f"block_{i}") for i in range(2)]
        self.head = keras.layers.Dense(1)

    def call(self, inputs):
        for block in self.blocks:
            inputs = block(inputs)
        return self.head(inputs)


MODEL_ONLY = ("compile", "fit", "evaluate", "predict", "save", "summary", "layers")
block_only = ResidualBlock(8)
regressor = Regressor()
only_on_model = [name for name in MODEL_ONLY if hasattr(regressor, name) and not hasattr(block_only, name)]
print("only on the Model:", only_on_model)

# %% [markdown]
# ### Stateless use: `stateless_call`
#
# `layer.stateless_call(trainable_variables, non_trainable_variables, inputs, training=...)` runs the
# layer with the variable **values you pass** and returns `(outputs, new_non_trainable_variables)`.
# Nothing inside the layer changes: `BatchNormalization`'s new moving statistics come back to you as
# values. The layer becomes a pure function, which JAX's `jit` and `grad` require.

# %%
bn_block = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3), keras.layers.BatchNormalization()])
trainable_values = [to_numpy(v) for v in bn_block.trainable_variables]
non_trainable_values = [to_numpy(v) for v in bn_block.non_trainable_variables]
batch = rng.normal(loc=5.0, size=(16, 3)).astype("float32")
out, new_non_trainable = bn_block.stateless_call(trainable_values, non_trainable_values, batch, training=True)
print("returned moving mean:", np.round(to_numpy(new_non_trainable[0]), 4))
print("layer's own moving mean:", to_numpy(bn_block.layers[1].moving_mean))

# %% [markdown]
# ### `keras.layers.serialize` and `keras.layers.deserialize`
#
# `serialize(layer)` returns a JSON-friendly dict: the class, its registered name and the layer's
# `get_config()` (plus a `build_config` if the layer is built). `deserialize(dict)` builds a new
# layer from it, built-in or custom; a custom class must be registered so its name can be found.
# Weight values are not part of it: `.keras` files store them next to these dicts.

# %%
keras.saving.register_keras_serializable(package="course01b")(RecordingDropout)
described = keras.layers.serialize(RecordingDropout(rate=0.25, name="recorder"))
print(json.dumps(described, indent=1)[:400])

# %% [markdown]
# ## Pros
#
# - **One flag, passed for you**: `training` reaches every nested layer without plumbing.
# - **Masks travel with the data**, so padding is handled once, at the embedding.
# - **Wiring errors surface before any data**, thanks to output shapes.
# - **Stateless calls need no change** to a layer written with `keras.ops` and `add_weight`.

# %% [markdown]
# ## Cons
#
# - **Easy to get wrong**: a layer that neither consumes nor propagates a mask drops it with only a
#   warning; a layer that treats `training=None` as training adds noise at inference.
# - **Backend subtleties**: `fit` may trace a model symbolically, so Python side effects in `call`
#   run a backend-dependent number of times; keep state in variables.

# %% [markdown]
# ## Picture
#
# ### The `training` flag each entry point passes, measured on a nested layer
#
# The grid comes from a real model whose `RecordingDropout` sits *inside* a block whose `call`
# never mentions `training`: each cell is the flag the inner layer received.

# %%
class Wrapped(keras.layers.Layer):
    """A block that calls its inner layer without passing `training` on."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dropout = RecordingDropout(rate=0.5)
        self.dense = keras.layers.Dense(1)

    def call(self, inputs):
        return self.dense(self.dropout(inputs))


x8 = rng.normal(size=(32, 8)).astype("float32")
y8 = rng.normal(size=(32, 1)).astype("float32")
wrapped = Wrapped()
flag_model = keras.Sequential([keras.Input((8,)), wrapped])
flag_model.compile(optimizer="sgd", loss="mse")
inner = wrapped.dropout

entry_points = {
    "fit": lambda: flag_model.fit(x8, y8, batch_size=8, epochs=1, verbose=0),
    "train_on_batch": lambda: flag_model.train_on_batch(x8, y8),
    "evaluate": lambda: flag_model.evaluate(x8, y8, verbose=0),
    "predict": lambda: flag_model.predict(x8, verbose=0),
    "model(x)": lambda: flag_model(x8),
    "model(x, training=True)": lambda: flag_model(x8, training=True),
}
received = {}
for name, run in entry_points.items():
    run()
    received[name] = flag_of(inner)

fig, ax = plt.subplots(figsize=(7.5, 2.6))
codes = np.array([[FLAG_CODE[received[name]] for name in entry_points]])
ax.imshow(codes, cmap="coolwarm", vmin=-1, vmax=1, aspect="auto")
for i, name in enumerate(entry_points):
    ax.text(i, 0, str(received[name]), ha="center", va="center", fontsize=12, fontweight="bold")
ax.set_xticks(range(len(entry_points)), list(entry_points), rotation=20, ha="right")
ax.set_yticks([0], ["inner layer\nreceived"])
ax.grid(False)
ax.set_title(f"training flag reaching a nested layer ({BACKEND} backend)")
fig.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that fit and train_on_batch pass True, evaluate and predict pass False and a plain "
                "model(x) passes None, all the way to a layer nested in a block that never forwards the flag.")


# %% [markdown]
# ## Table
#
# | API | Kind | What it does |
# |---|---|---|
# | `call(self, inputs, training=None)` | argument of `call` | `True` in `fit`/`train_on_batch`, `False` in `predict`/`evaluate`, `None` on a direct call; reaches nested layers |
# | `supports_masking` | attribute | `True`: the layer passes its input mask on unchanged |
# | `compute_mask(inputs, mask=None)` | method | the output's mask (`None` stops it) |
# | `call(self, inputs, mask=None)` | argument of `call` | the incoming boolean mask (`True` = real step) |
# | `compute_output_shape(input_shape)` / `compute_output_spec` | methods | the output shape / a `KerasTensor` with shape and dtype, without data |
# | `stateless_call(trainable, non_trainable, inputs)` | method | outputs and new non-trainable values; the layer is untouched |
# | `keras.layers.serialize` / `deserialize` | functions | a layer to a JSON-friendly dict and back (no weights) |
# | `keras.Model` | class | a `Layer` plus `compile`, `fit`, `evaluate`, `predict`, `save`, `summary`, `layers` |

# %% [markdown]
# ## Example
#
# ### A padded-sentence classifier that uses every hook
#
# Sentences of 2 to 8 tokens are padded to 8; class 1 means "token 7 occurs". The model embeds the
# tokens with `mask_zero=True`, scales them with the mask-propagating `TimeScale`, applies
# `RecordingDropout` while training, averages the real steps with `MaskedMean` and classifies.

# %%
def make_sentences(n, length=8):
    """Token sequences of random length 2..length (zero-padded) and whether token 7 occurs."""
    lengths = rng.integers(2, length + 1, n)
    tokens = np.zeros((n, length), "int32")
    for i, size in enumerate(lengths):
        tokens[i, :size] = rng.integers(1, 9, size)
    return tokens, (tokens == 7).any(axis=1).astype("float32")[:, None]


train_tokens, train_labels = make_sentences(512)
sentence_model = keras.Sequential([
    keras.Input((None,), dtype="int32"),
    keras.layers.Embedding(9, 8, mask_zero=True),
    TimeScale(),
    RecordingDropout(rate=0.1, name="sentence_dropout"),
    MaskedMean(),
    keras.layers.Dense(1, activation="sigmoid"),
])
sentence_model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy",
                       metrics=["accuracy"])
history = sentence_model.fit(train_tokens, train_labels, epochs=15, batch_size=64, verbose=0)
print(f"training accuracy after 15 epochs: {history.history['accuracy'][-1]:.3f}")

# %% [markdown]
# ## Proof
#
# Each cell states a claim and asserts it against NumPy, on whichever backend runs it.
#
# ### `training`: which value Keras passes, and that it reaches nested layers
#
# The grid above, asserted. `fit` ran 4 batches, so the nested layer counted exactly 4 training
# calls (fails if a step ran in inference mode, or if the flag stopped at the block). Tracing during
# `fit` may also call the layer with `False`; that is why a count in a variable is asserted.

# %%
assert received == {
    "fit": True, "train_on_batch": True, "evaluate": False, "predict": False,
    "model(x)": None, "model(x, training=True)": True,
}, received

count_model = keras.Sequential([keras.Input((8,)), Wrapped(), keras.layers.Dense(1)])
count_model.compile(optimizer="sgd", loss="mse")
nested = count_model.layers[0].dropout
count_model.fit(x8, y8, batch_size=8, epochs=1, verbose=0)
assert float(to_numpy(nested.training_calls)) == 4.0  # 32 samples / batch 8

# Inference is the identity; training drops about `rate` and rescales the rest by 1 / (1 - rate).
np.testing.assert_array_equal(inference, ones)
kept = training_out[training_out != 0]
np.testing.assert_allclose(kept, 2.0)  # 1 / (1 - 0.5)
dropped = np.mean(training_out == 0)
standard_error = np.sqrt(0.5 * 0.5 / training_out.size)
assert abs(dropped - 0.5) < 5 * standard_error, dropped  # 4000 Bernoulli draws: within 5 s.e.
print(f"flags {received}; nested training calls in fit: 4; dropped fraction {dropped:.3f}")

# %% [markdown]
# ### Masks: `MaskedMean` equals NumPy's mean over real steps; propagation and dropping
#
# With `TimeScale(propagate=True)` between `Embedding(mask_zero=True)` and `MaskedMean`, the mask
# arrives and the output equals NumPy's mean of 2 × the embedding rows of the real tokens. With
# `TimeScale(propagate=False)` the mask is dropped, with a `UserWarning`, and the result is the
# plain mean over all five steps. The tokens have 2, 3 and 5 real steps, so the two answers differ
# on the first two sequences.

# %%
def masked_mean_model(propagate):
    inputs = keras.Input((5,), dtype="int32")
    return keras.Model(inputs, MaskedMean()(TimeScale(propagate)(embedding(inputs))))


real = (tokens != 0)[..., None]
numpy_masked = (2 * table[tokens] * real).sum(axis=1) / real.sum(axis=1)
numpy_plain = (2 * table[tokens]).mean(axis=1)
assert not np.allclose(numpy_masked[:2], numpy_plain[:2])  # the case separates the two behaviours

np.testing.assert_allclose(to_numpy(masked_mean_model(True)(tokens)), numpy_masked, rtol=1e-5, atol=1e-6)
with warnings.catch_warnings(record=True) as caught:  # wiring and calling both warn
    warnings.simplefilter("always")
    dropped = to_numpy(masked_mean_model(False)(tokens))
np.testing.assert_allclose(dropped, numpy_plain, rtol=1e-5, atol=1e-6)
assert any("does not support masking" in str(w.message) for w in caught), [str(w.message) for w in caught]
np.testing.assert_allclose(masked_means, numpy_masked / 2, rtol=1e-5, atol=1e-6)  # the picture's data

# compute_mask: TimeScale hands the mask on, MaskedMean ends it.
passed_on = to_numpy(TimeScale().compute_mask(None, keras.ops.convert_to_tensor(tokens != 0)))
assert np.array_equal(passed_on, tokens != 0)
assert MaskedMean().compute_mask(None, keras.ops.convert_to_tensor(tokens != 0)) is None
print("masked mean matches NumPy; without supports_masking the mask is dropped")


# %% [markdown]
# ### Shapes without running: used in a functional model before any data is seen
#
# `CountingPairUp` counts the runs of `call`. Wired into a functional model, it gives the symbolic
# shape `(None, 5, 2)` and `summary` works, yet `call` never ran: Keras used
# `compute_output_shape`. The first real call then agrees with NumPy and the stated shape.

# %%
class CountingPairUp(PairUp):
    runs = 0

    def call(self, inputs):
        CountingPairUp.runs += 1
        return super().call(inputs)


placeholder = keras.Input((5,))
paired = CountingPairUp()(placeholder)
flat = keras.layers.Flatten()(paired)
wired = keras.Model(placeholder, keras.layers.Dense(1)(flat))
assert tuple(paired.shape) == (None, 5, 2) and tuple(flat.shape) == (None, 10)
assert CountingPairUp.runs == 0  # no data, no call: the shape came from compute_output_shape
wired.summary(print_fn=lambda *args, **kwargs: None)  # summary works before any data

x5 = rng.normal(size=(3, 5)).astype("float32")
np.testing.assert_array_equal(to_numpy(PairUp()(x5)), np.stack([x5, -x5], axis=-1))
assert tuple(spec.shape) == (None, 5, 2) and spec.dtype == "float32"
print("wired before data:", paired.shape, "| call runs while wiring:", CountingPairUp.runs)

# %% [markdown]
# ### `Layer` or `Model`: what each can and cannot do
#
# The block has none of the model's training and saving methods. The model trains (its loss goes
# down), lists its sublayers in `layers`, counts the blocks' weights, and survives a `.keras` round
# trip with identical predictions; the block still works as a part, equal to NumPy's
# x + relu(x W₁ + b₁) W₂ + b₂. (On PyTorch a layer does have a `compile`: `torch.nn.Module`'s.)

# %%
for name in ("fit", "evaluate", "predict", "save", "summary"):
    assert not hasattr(block_only, name) and hasattr(regressor, name), name
# `compile` too, except that on PyTorch every layer is a torch.nn.Module, whose own `compile`
# (torch.compile of the module) it inherits: a different method with the same name.
if BACKEND == "torch":
    import torch

    assert type(block_only).compile is torch.nn.Module.compile
    assert type(regressor).compile is keras.Model.compile
else:
    assert not hasattr(block_only, "compile")
expect_error(AttributeError, lambda: block_only.fit(x8, y8))

keras.saving.register_keras_serializable(package="course01b")(ResidualBlock)
keras.saving.register_keras_serializable(package="course01b")(Regressor)
regressor.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
first_loss = regressor.evaluate(x8, y8, verbose=0)
regressor.fit(x8, y8, epochs=20, batch_size=32, verbose=0)
assert regressor.evaluate(x8, y8, verbose=0) < first_loss
assert [type(layer).__name__ for layer in regressor.layers] == ["ResidualBlock", "ResidualBlock", "Dense"]
assert regressor.count_params() == 2 * 2 * (8 * 8 + 8) + (8 + 1)

block_out = to_numpy(regressor.blocks[0](x8))
w1, b1, w2, b2 = regressor.blocks[0].get_weights()
np.testing.assert_allclose(block_out, x8 + np.maximum(x8 @ w1 + b1, 0) @ w2 + b2, rtol=1e-5, atol=1e-5)

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "regressor.keras")
    regressor.save(path)
    restored = keras.models.load_model(path)
np.testing.assert_allclose(to_numpy(restored.predict(x8, verbose=0)),
                           to_numpy(regressor.predict(x8, verbose=0)),
                           rtol=1e-6, atol=1e-6)
print("Layer: a part; Model: trains, evaluates, saves, lists its layers")

# %% [markdown]
# ### `keras.layers.serialize` / `deserialize`: a registered custom layer round-trips
#
# The dict survives JSON and names the registered class; `deserialize` rebuilds a layer with the
# same settings that behaves like the original.

# %%
assert described["registered_name"] == "course01b>RecordingDropout"
assert described["config"]["rate"] == 0.25 and described["config"]["name"] == "recorder"
rebuilt = keras.layers.deserialize(json.loads(json.dumps(described)))
assert type(rebuilt) is RecordingDropout and rebuilt.rate == 0.25 and rebuilt.name == "recorder"
assert keras.layers.serialize(rebuilt) == described
np.testing.assert_array_equal(to_numpy(rebuilt(x8)), x8)  # inference: identity, like the original

builtin = keras.layers.deserialize(keras.layers.serialize(keras.layers.Dense(3, activation="tanh")))
assert type(builtin) is keras.layers.Dense and builtin.units == 3 and not builtin.built  # unbuilt in, unbuilt out
print("round trip:", described["registered_name"], described["config"]["rate"])

# %% [markdown]
# ## Application
#
# ### A JAX-style training step written around `stateless_call`
#
# Keras's JAX trainer takes gradients of a pure function of the variables. The same structure works
# on every backend if the gradient is supplied: here for a single `Dense` unit on a least-squares
# problem, whose gradient NumPy gives in closed form. Ten steps of "values in, values out" (no
# variable of the model is touched) reach the same weights as ten SGD steps of `fit`, and both
# approach NumPy's least-squares solution.

# %%
x_ls = rng.normal(size=(64, 3)).astype("float32")
y_ls = (x_ls @ np.array([[1.5], [-2.0], [0.5]]) + 0.25).astype("float32")
unit_model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
start_values = [to_numpy(v) for v in unit_model.trainable_variables]

values = [v.copy() for v in start_values]
for _ in range(10):
    prediction, _ = unit_model.stateless_call(values, [], x_ls)
    residual = to_numpy(prediction) - y_ls
    gradients = [2 * x_ls.T @ residual / len(x_ls), 2 * residual.mean(axis=0)]
    values = [v - 0.1 * g for v, g in zip(values, gradients, strict=True)]
for variable, start_value in zip(unit_model.trainable_variables, start_values, strict=True):
    np.testing.assert_array_equal(to_numpy(variable), start_value)  # the model's own state never moved

unit_model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
unit_model.fit(x_ls, y_ls, batch_size=64, epochs=10, verbose=0)
for fitted, ours in zip(unit_model.get_weights(), values, strict=True):
    np.testing.assert_allclose(fitted, ours, rtol=1e-4, atol=1e-5)
solution, *_ = np.linalg.lstsq(np.hstack([x_ls, np.ones((64, 1))]), y_ls, rcond=None)
start_error = np.abs(start_values[0] - solution[:3]).max()
assert np.abs(values[0] - solution[:3]).max() < 0.5 * start_error
print("10 stateless steps = 10 fit steps:", np.round(values[0].ravel(), 3), "| least squares:",
      np.round(solution[:3].ravel(), 3))

# %% [markdown]
# ## Key terms
#
# - **`training` flag**: how Keras tells a layer whether it is training; `None` on a direct call.
# - **Mask**: a boolean tensor, one value per time step, `True` for real steps; a layer
#   **consumes**, **propagates** or **drops** it.
# - **Output spec**: a `KerasTensor` with a shape and dtype but no data.
# - **Stateless call**: running a layer with variable values you supply.
# - **`keras.Model`**: a `Layer` that also trains, evaluates, predicts, saves and summarizes.

# %% [markdown]
# ## Summary
#
# - Declare `training=None` in `call`: `fit` and `train_on_batch` pass `True`, `predict` and
#   `evaluate` pass `False`, a direct call passes nothing; nested layers receive it.
# - A mask reaches `call(mask=...)` only if every layer in between propagates it
#   (`supports_masking = True`); otherwise it is dropped, with a warning.
# - `compute_output_shape` lets a functional model be wired with no data and no run of `call`.
# - `stateless_call` is the layer as a pure function; `serialize`/`deserialize` round-trip
#   registered layers (settings only).
# - Parts are `Layer`s; the thing you `fit`, `evaluate` and `save` is a `Model`.

# %% [markdown]
# ## Exercises
#
# Each exercise prints its task and how you know you are done; `ex.check(...)` says what is right
# and what is not yet. Uncomment `ex.hint()` for a nudge, and `ex.solution()` once you have tried.

# %% [markdown]
# ### Exercise 01b.1 · A masked maximum over time

# %%
ex = exercise("01b.1")  # prints the task and how you know you are done


class MaskedMax(keras.layers.Layer):
    ...  # your code here


ex.check(MaskedMax)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 01b.2 · A layer that acts only while training

# %%
ex = exercise("01b.2")


class TrainingShift(keras.layers.Layer):
    ...  # your code here


ex.check(TrainingShift)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 01b.3 · State the output shape of a layer

# %%
ex = exercise("01b.3")


class RepeatFeatures(keras.layers.Layer):
    ...  # your code here


ex.check(RepeatFeatures)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ## Deep dive (optional)
#
# Proofs that are here for trust rather than for understanding, backend differences, and the dtype
# policy. The core path above does not depend on them; each part opens by saying what it proves
# and why you might care.

# %% [markdown]
# ### State assigned in `call` during `fit`: where it is between steps, per backend
#
# This proves when a variable assigned in `call` shows its new value during `fit`; it matters if a
# callback reads layer state. A callback reads the nested layer's `training_calls` after each of
# the 4 batches. On TensorFlow and PyTorch the variable holds the running count. On JAX the compiled
# `fit` carries the values outside the variables, so the same read fails (a `TypeError`); a callback
# that first reads `self.model` makes Keras write the values back and sees the count. After `fit`
# every backend holds 4 more. (Fails on JAX if Keras wrote the values back after each step, and on
# the other two if they kept them outside the variables.)

# %%
class ReadCounter(keras.callbacks.Callback):
    """After each batch, reads the counter directly, or after `self.model` when `sync` is set."""

    def __init__(self, layer, sync):
        super().__init__()
        self.layer, self.sync, self.seen = layer, sync, []

    def on_train_batch_end(self, batch, logs=None):
        if self.sync:
            self.model  # noqa: B018 (on JAX, reading self.model writes the trained values back)
        try:
            self.seen.append(float(to_numpy(self.layer.training_calls)))
        except TypeError:  # JAX: the variable holds no value while fit runs
            self.seen.append("no value")


direct, synced = ReadCounter(nested, sync=False), ReadCounter(nested, sync=True)
count_model.fit(x8, y8, batch_size=8, epochs=1, verbose=0, callbacks=[direct])
count_model.fit(x8, y8, batch_size=8, epochs=1, verbose=0, callbacks=[synced])
if BACKEND == "jax":
    assert direct.seen == ["no value"] * 4, direct.seen
else:
    assert direct.seen == [5.0, 6.0, 7.0, 8.0], direct.seen
assert synced.seen == [9.0, 10.0, 11.0, 12.0], synced.seen
assert float(to_numpy(nested.training_calls)) == 12.0  # after fit, written back on every backend
print(f"{BACKEND}: read directly {direct.seen}; after self.model {synced.seen}")

# %% [markdown]
# ### Masking in the example: padding does not change a prediction
#
# This proves that the Example's classifier really ignores padding, and that it learned something.
# The same sentences with 4 extra padding steps give the same predictions (fails without the mask:
# the padding vector would enter the mean), and the classifier beats the majority-class rate.

# %%
test_tokens, test_labels = make_sentences(256)
padded = np.pad(test_tokens, ((0, 0), (0, 4)))
short_pred = to_numpy(sentence_model.predict(test_tokens, verbose=0))
long_pred = to_numpy(sentence_model.predict(padded, verbose=0))
np.testing.assert_allclose(short_pred, long_pred, rtol=1e-5, atol=1e-6)
accuracy = np.mean((short_pred > 0.5) == test_labels)
majority = max(test_labels.mean(), 1 - test_labels.mean())
assert accuracy > majority + 0.1, (accuracy, majority)
print(f"test accuracy {accuracy:.3f} vs majority class {majority:.3f}; padding changes nothing")

# %% [markdown]
# ### dtype policies: variables in float32, computation in float16
#
# This introduces mixed precision, which you need only for float16 or bfloat16 hardware. Every layer
# has a `dtype_policy`. With `dtype="mixed_float16"` (or `"mixed_bfloat16"`) it **creates its
# variables in float32** (`variable_dtype`) but **computes in float16** (`compute_dtype`): Keras
# casts the inputs and *autocasts* each variable when `call` reads it. You write nothing special in
# the layer. float16 has a small range and few digits: expect errors near 1e-3 relative, and use
# loss scaling when training in it.

# %%
class Affine(keras.layers.Layer):
    """inputs @ kernel + bias, with no dtype handling of its own."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform")
        self.bias = self.add_weight(shape=(self.units,), initializer="ones")

    def call(self, inputs):
        return keras.ops.matmul(inputs, self.kernel) + self.bias


mixed = Affine(4, dtype="mixed_float16")
mixed_out = mixed(rng.normal(size=(3, 5)).astype("float32"))
print(f"policy {mixed.dtype_policy.name}: variables {mixed.kernel.dtype}, compute {mixed.compute_dtype}, "
      f"output {keras.backend.standardize_dtype(mixed_out.dtype)}")

# %% [markdown]
# ### dtype policy: float32 variables, float16 computation, float16-accurate values
#
# This proves the layer really computes in float16 rather than casting a float32 result. The
# variables stay float32, the output is float16, and it equals NumPy's float32 result to float16
# accuracy. That alone would also hold for a layer that computed in float32 and cast only its
# output, so the cell adds a case that separates the two: the input `[1 + 2⁻¹², 1]` through the
# kernel `[1, −1]` is 2⁻¹² in float32 (exactly representable in float16), but 0 once the input is
# cast to float16, where 1 + 2⁻¹² rounds to 1. The mixed layer returns exactly 0 (fails if it had
# computed in float32).

# %%
x_mixed = rng.normal(size=(64, 5)).astype("float32")
result = mixed(x_mixed)
assert mixed.kernel.dtype == "float32" and mixed.bias.dtype == "float32"
assert mixed.compute_dtype == "float16" and mixed.variable_dtype == "float32"
assert keras.backend.standardize_dtype(result.dtype) == "float16"
exact = x_mixed @ to_numpy(mixed.kernel) + to_numpy(mixed.bias)
got = to_numpy(result).astype("float32")
np.testing.assert_allclose(got, exact, rtol=5e-3, atol=5e-3)
assert np.max(np.abs(got - exact)) > 1e-5  # float16 rounding is visible
bf16 = Affine(4, dtype="mixed_bfloat16")
assert keras.backend.standardize_dtype(bf16(x_mixed).dtype) == "bfloat16" and bf16.kernel.dtype == "float32"

separating = Affine(1, dtype="mixed_float16")
separating.build((None, 2))
separating.set_weights([np.array([[1.0], [-1.0]], "float32"), np.zeros(1, "float32")])
tiny_gap = np.array([[1 + 2.0**-12, 1.0]], "float32")
float32_answer = (tiny_gap @ np.array([[1.0], [-1.0]], "float32")).astype("float16")
float16_answer = tiny_gap.astype("float16") @ np.array([[1.0], [-1.0]], "float16")
assert float32_answer[0, 0] == 2.0**-12 and float16_answer[0, 0] == 0.0  # the case separates them
assert to_numpy(separating(tiny_gap))[0, 0] == float16_answer[0, 0]  # fails for float32 math, cast at the end
print(f"max |float16 result - float32 NumPy| = {np.max(np.abs(got - exact)):.2e}; "
      f"(1 + 2^-12) - 1 in the mixed layer: {to_numpy(separating(tiny_gap))[0, 0]}")

# %% [markdown]
# ### Loss scaling: automatic for a `mixed_float16` model, not for per-layer policies
#
# This proves when `compile` adds loss scaling by itself. With the global policy `mixed_float16`,
# the model's own policy is mixed and `compile` wraps the optimizer in a `LossScaleOptimizer`. With
# the policy set on a layer only, as above, the model's policy stays float32 and `compile` keeps the
# plain optimizer (fails if `compile` looked at the layers' policies): wrap it yourself then.

# %%
def compiled_optimizer(global_policy, layer_policy=None):
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(global_policy)
    try:
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, dtype=layer_policy)])
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        return model.optimizer
    finally:
        keras.config.set_dtype_policy(previous)


assert isinstance(compiled_optimizer("mixed_float16"), keras.optimizers.LossScaleOptimizer)
per_layer = compiled_optimizer("float32", layer_policy="mixed_float16")
assert not isinstance(per_layer, keras.optimizers.LossScaleOptimizer) and isinstance(per_layer, keras.optimizers.SGD)
assert keras.config.dtype_policy().name == "float32"  # the global policy is restored
wrapped_by_hand = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.1))  # what to do then
print("global mixed_float16 -> LossScaleOptimizer; per-layer policy -> plain",
      type(per_layer).__name__, "| by hand:", type(wrapped_by_hand).__name__)

# %% [markdown]
# ### `stateless_call`: same outputs as the stateful call, and the layer's variables untouched
#
# This proves against NumPy what the Application relies on. In training mode the block's
# `BatchNormalization` normalises with the batch statistics and computes new moving statistics.
# `stateless_call` returns those (equal to NumPy's momentum · old + (1 − momentum) · batch
# statistic), while the layer's own moving mean and variance keep their initial 0 and 1 (fails if
# `stateless_call` wrote into the layer). A stateful call with the same variables gives the same
# outputs, and it *does* update the layer.

# %%
dense_kernel, dense_bias = trainable_values[0], trainable_values[1]
hidden = batch @ dense_kernel + dense_bias
momentum = bn_block.layers[1].momentum
np.testing.assert_allclose(to_numpy(new_non_trainable[0]), (1 - momentum) * hidden.mean(axis=0),
                           rtol=1e-4, atol=1e-5)
np.testing.assert_allclose(to_numpy(new_non_trainable[1]), momentum + (1 - momentum) * hidden.var(axis=0),
                           rtol=1e-4, atol=1e-5)
np.testing.assert_array_equal(to_numpy(bn_block.layers[1].moving_mean), np.zeros(3))
np.testing.assert_array_equal(to_numpy(bn_block.layers[1].moving_variance), np.ones(3))

stateful = to_numpy(bn_block(batch, training=True))
np.testing.assert_allclose(to_numpy(out), stateful, rtol=1e-5, atol=1e-5)
np.testing.assert_allclose(to_numpy(bn_block.layers[1].moving_mean), to_numpy(new_non_trainable[0]),
                           rtol=1e-5)

# Different variable values in, different outputs out: the values passed are the ones used.
doubled = [2 * dense_kernel, dense_bias, *trainable_values[2:]]
out_doubled, _ = bn_block.stateless_call(doubled, non_trainable_values, batch, training=False)
# gamma 1, beta 0, moving mean 0, moving variance 1, epsilon 1e-3
expected_doubled = (batch @ (2 * dense_kernel) + dense_bias) / np.sqrt(1 + 1e-3)
np.testing.assert_allclose(to_numpy(out_doubled), expected_doubled, rtol=1e-4, atol=1e-4)
print("stateless_call = stateful call; the layer changed only when called statefully")

# %% [markdown]
# ### A layer written with `tf.*` ops works on TensorFlow only; with `keras.ops`, everywhere
#
# This proves why the maths in `call` is `keras.ops`; read it before you reuse TensorFlow code in a
# layer. Keras runs `call` on the backend's own tensors: TensorFlow tensors, JAX arrays (traced when
# a model is wired or compiled), PyTorch tensors (tracking gradients while training). A `keras.ops`
# function accepts and returns the active backend's tensors; `tf.square` understands only TensorFlow
# tensors. `TfSquare` uses `tf.square`, `OpsSquare` `keras.ops.square`, each between two `Dense`
# layers of a model trained for one step. With `keras.ops` the model trains on every backend and the
# layer's output equals NumPy's x². With `tf.square`: on TensorFlow the same; on JAX the model
# cannot even be built (wiring runs `call` on a symbolic input); on PyTorch the model is built but
# `fit` fails, because TensorFlow cannot read a tensor that tracks gradients, and a direct call
# returns a TensorFlow tensor instead of a PyTorch one. (Fails if a `tf.*` layer ran on every
# backend.)

# %%
import tensorflow as tf


class TfSquare(keras.layers.Layer):
    def call(self, inputs):
        return tf.square(inputs)  # a TensorFlow op: TensorFlow tensors only


class OpsSquare(keras.layers.Layer):
    def call(self, inputs):
        return keras.ops.square(inputs)  # the backend's own op, whichever backend runs


def train_one_step(square_layer):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3), square_layer, keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x8[:, :3], y8, batch_size=32, epochs=1, verbose=0)
    return model


x3 = x8[:, :3]
train_one_step(OpsSquare())  # trains on every backend
np.testing.assert_allclose(to_numpy(OpsSquare()(x3)), x3**2, rtol=1e-6)
assert keras.ops.is_tensor(OpsSquare()(x3))  # the active backend's tensor
if BACKEND == "tensorflow":
    train_one_step(TfSquare())
    np.testing.assert_allclose(to_numpy(TfSquare()(x3)), x3**2, rtol=1e-6)
elif BACKEND == "jax":
    error = expect_error(Exception, lambda: train_one_step(TfSquare()))  # fails while wiring the model
    assert "TfSquare.call()" in str(error), error
else:  # torch
    error = expect_error(RuntimeError, lambda: train_one_step(TfSquare()))
    assert "requires grad" in str(error), error
    eager = TfSquare()(x3)
    assert isinstance(eager, tf.Tensor) and not keras.ops.is_tensor(eager)  # not a torch tensor
print(f"{BACKEND}: keras.ops layer trains; tf.square layer",
      "trains" if BACKEND == "tensorflow" else f"fails: {type(error).__name__}")

# %% [markdown]
# ### `serialize` of a built layer, and of an unregistered one
#
# This proves two details of `keras.layers.serialize` that matter when you store layers yourself: a
# built layer also stores its `build_config` and comes back built, with fresh weights of the same
# shapes (no weight values), and a class that was never registered cannot be deserialized.

# %%
# A built layer also stores its build_config, and comes back built, with fresh weights of its shapes.
built_dense = keras.layers.Dense(3)
built_dense.build((1, 4))
stored = keras.layers.serialize(built_dense)
assert stored["build_config"] == {"input_shape": (1, 4)} and "build_config" not in described
again = keras.layers.deserialize(stored)
assert again.built and [tuple(w.shape) for w in again.weights] == [(4, 3), (3,)]  # fails if it came back unbuilt
assert not np.array_equal(to_numpy(again.kernel), to_numpy(built_dense.kernel))  # no weight values stored


class Unregistered(keras.layers.Layer):
    pass


unknown = keras.layers.serialize(Unregistered(name="nobody"))
expect_error(TypeError, lambda: keras.layers.deserialize(unknown))


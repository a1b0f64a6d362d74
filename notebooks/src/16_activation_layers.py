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
# # 16 · Activation layers
#
# An activation function can be given to a layer as an argument (`Dense(64, activation="relu")`)
# or placed in the model as a **layer of its own**. Five activations have dedicated layer classes
# with settings the plain string cannot carry: `ReLU` (with a cap, a leak and a threshold),
# `Softmax` (with an axis and a mask), `LeakyReLU`, `PReLU` (whose negative slope is a **trained
# weight**) and `ELU`. The core path shows why a model needs activations at all, what each layer
# computes, and why leaky variants rescue dead units.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/notebooks/16_activation_layers.ipynb)

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
# The tools used all along: Keras, NumPy for the independent checks, matplotlib with the course
# style, the course's two proof utilities and its self-check exercises.

# %%
import warnings

import keras
import matplotlib.pyplot as plt
import numpy as np

from helpers import plots
from helpers.fullbatch import train_full_batch
from helpers.nbtools import expect_error, to_numpy
from helpers.selfcheck import exercise

plots.use_course_style()
rng = np.random.default_rng(0)  # every synthetic tensor below comes from this generator
grid = np.linspace(-4, 6, 1001, dtype="float32")  # a dense grid for curves and proofs


def figure(nrows=1, ncols=1, **kwargs):
    """A matplotlib figure detached from pyplot (closed), for plots.show to display once."""
    fig, axes = plt.subplots(nrows, ncols, **kwargs)
    plt.close(fig)
    return fig, axes


# %% [markdown]
# ## What
#
# An activation layer applies a fixed elementwise function (or, for `Softmax`, a function along one
# axis) to its input. It has no weights, except `PReLU`, whose negative slope is learned. The same
# ReLU can be written four ways, and they compute the same numbers:
#
# 1. as a layer's argument, `Dense(4, activation="relu")`;
# 2. as a layer of its own, `ReLU()`, after a `Dense(4)` without activation;
# 3. as a function, `keras.activations.relu`;
# 4. inside a custom layer: `__init__` looks the function up with `keras.activations.get("relu")`
#    (a name, a function, or `None` for the identity `linear`) and `call` applies it to the result
#    of the linear part. This is how `Dense` itself does it.

# %%
class DenseWithActivation(keras.layers.Layer):
    """activation(x @ kernel + bias): a custom layer that applies its activation itself, in call."""

    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)  # "relu" -> the function relu

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, x):
        return self.activation(keras.ops.matmul(x, self.kernel) + self.bias)


x = rng.normal(size=(3, 5)).astype("float32")
dense = keras.layers.Dense(4)
pre_activation = to_numpy(dense(x))
with_argument = keras.layers.Dense(4, activation="relu")
with_argument.build(x.shape)
with_argument.set_weights(dense.get_weights())  # the same kernel and bias
custom = DenseWithActivation(4, activation="relu")
custom.build(x.shape)
custom.set_weights(dense.get_weights())

as_argument = to_numpy(with_argument(x))
as_layer = to_numpy(keras.layers.ReLU()(pre_activation))
as_function = to_numpy(keras.activations.relu(pre_activation))
in_custom_call = to_numpy(custom(x))
for result in (as_argument, as_layer, as_function, in_custom_call):
    np.testing.assert_allclose(result, np.maximum(pre_activation, 0), rtol=1e-6, atol=1e-6)
assert keras.activations.get("relu") is keras.activations.get(keras.activations.relu) is keras.activations.relu
assert keras.activations.get(None) is keras.activations.linear
print("Dense(activation='relu') == Dense then ReLU() == keras.activations.relu == custom call == np.maximum(., 0)")

# %% [markdown]
# ## Where
#
# - **In the API**: `keras.layers.ReLU`, `Softmax`, `LeakyReLU`, `PReLU`, `ELU`; the matching
#   functions live in `keras.activations` (`relu`, `softmax`, `leaky_relu`, `elu`; there is no
#   `prelu` function, because its slope is a weight). `keras.layers.Activation("name")` wraps any
#   function as a layer.
# - **In a model**: after a layer built without activation (`Dense(64)`, `Conv2D(32, 3)`), often
#   with a normalization in between (`Conv2D → BatchNormalization → ReLU`); `Softmax` at the end of
#   a classifier or inside attention.
# - **In the weights**: only `PReLU` has one (`alpha`), trainable.

# %%
layers_here = [keras.layers.ReLU(), keras.layers.Softmax(), keras.layers.LeakyReLU(), keras.layers.PReLU(),
               keras.layers.ELU()]
for layer in layers_here:
    layer(np.zeros((2, 3), "float32"))
counts = {type(layer).__name__: layer.count_params() for layer in layers_here}
print(counts)
assert counts == {"ReLU": 0, "Softmax": 0, "LeakyReLU": 0, "PReLU": 3, "ELU": 0}

# %% [markdown]
# ## Why
#
# **Why activations at all.** Without one, stacked `Dense` layers are a single affine map: layer 1
# computes `x @ w1 + c1`, layer 2 turns that into `x @ (w1 @ w2) + (c1 @ w2 + c2)`, which is one
# `Dense` with kernel `w1 @ w2`. Depth then buys nothing. An affine map `f` passes a simple test:
# its **affine defect** `f(u + v) - f(u) - f(v) + f(0)` is zero for every pair of inputs. A ReLU
# between the two layers breaks the test, and that is what lets a deep model bend its output.

# %%
def affine_defect(f, u, v):
    """Largest entry of f(u + v) - f(u) - f(v) + f(0): zero for every affine map f(x) = x W + c."""
    return float(np.abs(f(u + v) - f(u) - f(v) + f(np.zeros_like(u))).max())


layer_1 = keras.layers.Dense(8, bias_initializer="random_normal")
layer_2 = keras.layers.Dense(4, bias_initializer="random_normal")
relu = keras.layers.ReLU()


def two_dense(v):
    return to_numpy(layer_2(layer_1(v)))


def two_dense_with_relu(v):
    return to_numpy(layer_2(relu(layer_1(v))))


u, v = rng.normal(size=(2, 16, 5)).astype("float32")
two_dense(u)  # builds both layers
(w1, c1), (w2, c2) = layer_1.get_weights(), layer_2.get_weights()
np.testing.assert_allclose(two_dense(u), u @ (w1 @ w2) + (c1 @ w2 + c2), rtol=1e-4, atol=1e-5)  # one Dense
linear_defect, relu_defect = affine_defect(two_dense, u, v), affine_defect(two_dense_with_relu, u, v)
assert linear_defect < 1e-4 and relu_defect > 0.1
print(f"affine defect: two Dense layers {linear_defect:.1e} (one affine map); with a ReLU between {relu_defect:.2f}")

# %% [markdown]
# **Why an activation *layer*** rather than the `activation=` argument:
#
# - **Settings the string cannot hold**: `ReLU(max_value=6)`, `LeakyReLU(negative_slope=0.1)`,
#   `ELU(alpha=0.5)`, `Softmax(axis=1)`, and they are saved with the model's config.
# - **A mask**: `Softmax` accepts one, to give zero probability to padding or forbidden choices.
# - **A learned shape**: `PReLU` learns its negative slope per unit (or shared over axes).
# - **Placement**: as a separate layer, the activation can come *after* a normalization layer, which
#   `Dense(activation=...)` cannot do.
# - **Inspection**: a separate layer has its own output you can read in a functional model.

# %% [markdown]
# ## When
#
# | Need | Layer |
# |---|---|
# | The default hidden activation | `ReLU()` (or `activation="relu"`) |
# | Bounded outputs for low-precision / mobile models | `ReLU(max_value=6)` (ReLU6) |
# | Units that may die (stuck at zero) | `LeakyReLU(negative_slope=...)`, `ELU()`, `PReLU()` |
# | Let the data choose the leak | `PReLU(shared_axes=...)` |
# | Smooth, negative-saturating activation (mean closer to 0) | `ELU(alpha=...)` |
# | Probabilities over classes, or attention weights, possibly masked | `Softmax(axis=..., mask=...)` |

# %% [markdown]
# ## Who
#
# - **CNN builders**: `ReLU` after `BatchNormalization` is the ResNet pattern; `ReLU(max_value=6)` is
#   MobileNet's ReLU6.
# - **GAN practitioners**: `LeakyReLU` in discriminators (DCGAN).
# - **Image classification research**: `PReLU` was introduced for ImageNet models (He et al., 2015).
# - **Anyone writing attention or a classifier head**: `Softmax`, masked when positions are padding.

# %% [markdown]
# ## How
#
# The five layers one by one, with their arguments.
#
# ### `ReLU`
#
# `ReLU(max_value=None, negative_slope=0.0, threshold=0.0)`:
#
# $$f(x) = \begin{cases} \min(x, \text{max\_value}) & x > \text{threshold}\\
# \text{negative\_slope}\cdot(x - \text{threshold}) & x \le \text{threshold}\end{cases}$$
#
# Note that above the threshold the output is `x` itself, not `x - threshold`: a threshold makes the
# function jump. All three arguments must be non-negative.

# %%
relu_layer = keras.layers.ReLU(max_value=4.0, negative_slope=0.2, threshold=1.0)
points = np.array([-2.0, 0.5, 1.0, 1.01, 3.0, 5.0], "float32")
print(dict(zip(points.tolist(), to_numpy(relu_layer(points)).round(3).tolist(), strict=True)))
expect_error(ValueError, lambda: keras.layers.ReLU(negative_slope=-0.1))

# %% [markdown]
# ### `Softmax`
#
# `Softmax(axis=-1)` maps each slice along `axis` to probabilities, $e^{x_i}/\sum_j e^{x_j}$. Its call
# accepts `mask=` (booleans, or numbers where `> 0.5` means kept, broadcastable to the input):
# masked positions get probability 0 and the kept ones share the whole mass.

# %%
softmax = keras.layers.Softmax()
logits = np.array([[2.0, 1.0, 0.1, 3.0]], "float32")
keep = np.array([[True, True, True, False]])
print("no mask:", to_numpy(softmax(logits)).round(3), "| last masked:", to_numpy(softmax(logits, mask=keep)).round(3))

# %% [markdown]
# Pictured with five logits: masking positions 1 and 3 sends their probability to 0 and rescales the
# rest, which keep their ratios.

# %%
logits5 = np.array([[1.0, 3.0, 0.5, 2.5, 2.0]], "float32")
mask5 = np.array([[1, 0, 1, 0, 1]], "float32")  # numbers: > 0.5 means kept
plain = to_numpy(keras.layers.Softmax()(logits5))[0]
masked = to_numpy(keras.layers.Softmax()(logits5, mask=mask5))[0]
fig, ax = figure(figsize=(7, 3.6))
positions = np.arange(5)
ax.bar(positions - 0.2, plain, width=0.4, label="Softmax()(logits)")
ax.bar(positions + 0.2, masked, width=0.4, hatch="//", label="Softmax()(logits, mask=[1,0,1,0,1])")
for i in (1, 3):
    ax.annotate("masked", (i + 0.2, 0.01), ha="center", va="bottom", fontsize=8, color="tab:orange")
ax.set_xticks(positions, [f"logit {v:g}" for v in logits5[0]])
ax.set(ylabel="probability", title="Masked positions get 0; the others share the mass")
ax.legend()
plots.show(fig, "Notice that the masked logits 3 and 2.5 get probability 0 although they are the two "
           "largest, and the three kept positions grow while keeping their ratios to each other.")

# %% [markdown]
# ### `LeakyReLU`
#
# `LeakyReLU(negative_slope=0.3)`: `x` where `x >= 0`, `negative_slope * x` elsewhere.
# Careful: the layer's default slope is 0.3, the function `keras.activations.leaky_relu`'s is 0.2.

# %%
at_minus_10 = np.array([-10.0, 10.0], "float32")
print("LeakyReLU():", to_numpy(keras.layers.LeakyReLU()(at_minus_10)),
      "| leaky_relu:", to_numpy(keras.activations.leaky_relu(at_minus_10)))

# %% [markdown]
# ### `PReLU`
#
# `PReLU(alpha_initializer="zeros", alpha_regularizer=None, alpha_constraint=None, shared_axes=None)`:
# `x` where `x >= 0`, `alpha * x` elsewhere, with `alpha` a **trainable weight** of the shape of one
# sample. `shared_axes` lists axes along which one slope is shared; on images, `shared_axes=[1, 2]`
# gives one slope per channel. With the default zero initializer it starts as a plain ReLU.

# %%
images = rng.normal(size=(2, 5, 5, 3)).astype("float32")
per_position, per_channel = keras.layers.PReLU(), keras.layers.PReLU(shared_axes=[1, 2])
per_position(images), per_channel(images)
print("alpha shapes:", tuple(per_position.alpha.shape), "and", tuple(per_channel.alpha.shape))
assert per_position.count_params() == 5 * 5 * 3 and per_channel.count_params() == 3

# %% [markdown]
# ### `ELU`
#
# `ELU(alpha=1.0)`: $x$ for $x > 0$, $\alpha\,(e^x - 1)$ otherwise. It is smooth at 0 when
# `alpha` is 1 and saturates at −`alpha` for very negative inputs.

# %%
print(to_numpy(keras.layers.ELU(alpha=0.5)(np.array([-20.0, -1.0, 0.0, 2.0], "float32"))).round(4))

# %% [markdown]
# ## Pros
#
# - Explicit, configurable and saved in the model's config; a layer can sit after a normalization.
# - `ReLU`'s three arguments give ReLU6, leaky and thresholded variants with one class.
# - `Softmax` handles masks, including a fully masked row (all zeros, no NaN).
# - `PReLU` learns its slope at the cost of a few parameters (one per channel with `shared_axes`).
# - Cheap: elementwise, no weights (except `PReLU`).

# %% [markdown]
# ## Cons
#
# - One more layer in the model summary for something a string argument often does.
# - Defaults differ between a layer and its function (`LeakyReLU` 0.3 vs `leaky_relu` 0.2): easy to
#   mix up.
# - `ReLU(threshold=...)` is discontinuous, which gradient descent handles poorly.
# - `PReLU` without `shared_axes` on images learns one slope per pixel and channel, many parameters
#   that overfit easily, and its input shape (except the batch) is then fixed.
# - ELU costs an exponential; ReLU's dying-unit problem is only mitigated by the leaky variants.

# %% [markdown]
# ## Picture
#
# ### The curves, computed by the layers themselves
#
# Every curve below is a layer's output on a grid from −4 to 6; the ReLU panel shows what each of
# its three arguments does.

# %%
def curve(layer):
    return to_numpy(layer(grid))


fig, (ax_relu, ax_others) = figure(1, 2, figsize=(12, 4.2))
relu_variants = {
    "ReLU()": keras.layers.ReLU(),
    "ReLU(max_value=4)": keras.layers.ReLU(max_value=4.0),
    "ReLU(negative_slope=0.2)": keras.layers.ReLU(negative_slope=0.2),
    "ReLU(threshold=2)": keras.layers.ReLU(threshold=2.0),
}
for (label, layer), style in zip(relu_variants.items(), ("-", "--", "-.", ":"), strict=True):
    ax_relu.plot(grid, curve(layer), ls=style, lw=2, label=label)
ax_relu.set(xlabel="x", ylabel="output", title="ReLU's three arguments")
ax_relu.legend()
others = {
    "LeakyReLU() (slope 0.3)": keras.layers.LeakyReLU(),
    "ELU(alpha=1.0)": keras.layers.ELU(),
    "ELU(alpha=2.0)": keras.layers.ELU(alpha=2.0),
    "PReLU, alpha initialized to 0.6": keras.layers.PReLU(alpha_initializer=keras.initializers.Constant(0.6)),
}
for (label, layer), style in zip(others.items(), ("-", "--", "-.", ":"), strict=True):
    values = to_numpy(layer(grid[:, None]))[:, 0] if isinstance(layer, keras.layers.PReLU) else curve(layer)
    ax_others.plot(grid, values, ls=style, lw=2, label=label)
ax_others.set(xlabel="x", ylabel="output", title="Leaky, exponential and parametric", ylim=(-3, 6))
ax_others.legend()
plots.show(fig, "Notice that ReLU(max_value=4) goes flat at 4, ReLU(threshold=2) stays 0 up to x = 2 and "
           "then jumps to 2, and that on the right the leaky and PReLU lines keep falling for negative x "
           "while both ELU curves level off, at -1 and -2.")

# %% [markdown]
# ## Table
#
# Every row is proved against NumPy (`ReLU` in the core path, the others in the deep dive).
#
# | Layer | Formula | Arguments (defaults) | Weights | Function |
# |---|---|---|---|---|
# | `ReLU` | $\min(x,m) \text{ if } x>\theta \text{, else } s\,(x-\theta)$ | `max_value=None`, `negative_slope=0`, `threshold=0` | none | `keras.activations.relu` |
# | `Softmax` | $e^{x_i}/\sum_{j\,\text{kept}} e^{x_j} \text{, 0 where masked}$ | `axis=-1`; call: `mask` | none | `keras.activations.softmax` |
# | `LeakyReLU` | $x \text{ if } x\ge0 \text{, else } s\,x$ | `negative_slope=0.3` | none | `keras.activations.leaky_relu` (default 0.2!) |
# | `PReLU` | $x \text{ if } x\ge0 \text{, else } \alpha\,x$ | `alpha_initializer="zeros"`, `shared_axes=None` | α | none (= `leaky_relu` for a fixed α) |
# | `ELU` | $x \text{ if } x>0 \text{, else } \alpha\,(e^x-1)$ | `alpha=1.0` | none | `keras.activations.elu` |

# %% [markdown]
# ## Example
#
# Each layer where it usually sits.
#
# ### `ReLU` after `BatchNormalization`, and ReLU6 in a MobileNet-style block
#
# The block runs in inference mode, where a fresh `BatchNormalization` (moving mean 0, variance 1)
# barely rescales, so the large inputs push many pre-activations past 6. The cap then shows: the
# output is NumPy's `clip(pre-activation, 0, 6)` of the last `BatchNormalization`'s output (fails for
# a plain `ReLU()`, whose output would exceed 6).

# %%
block = keras.Sequential([
    keras.Input((16, 16, 3)),
    keras.layers.Conv2D(8, 3, use_bias=False), keras.layers.BatchNormalization(), keras.layers.ReLU(),
    keras.layers.DepthwiseConv2D(3, use_bias=False), keras.layers.BatchNormalization(),
    keras.layers.ReLU(max_value=6.0),
], name="mobile_block")
images_in = rng.normal(size=(2, 16, 16, 3)).astype("float32") * 30
out = to_numpy(block(images_in))
pre_activation = to_numpy(keras.Model(block.inputs[0], block.layers[-2].output)(images_in))
assert (pre_activation > 6).mean() > 0.05  # the cap has work to do
np.testing.assert_allclose(out, np.clip(pre_activation, 0, 6), rtol=1e-6, atol=1e-6)
print(f"pre-activations above 6: {(pre_activation > 6).mean():.0%}; output range:", out.min().round(3),
      "to", out.max().round(3))

# %% [markdown]
# ### `Softmax` as a classifier's last layer, and over padded positions
#
# A model that scores 6 slots of which only the first few are real: the mask is passed at call time.

# %%
scores = keras.Sequential([keras.Input((6, 4)), keras.layers.Dense(1), keras.layers.Flatten()])
slot_features = rng.normal(size=(2, 6, 4)).astype("float32")
real_slots = np.array([[1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 0]], bool)
probabilities = to_numpy(keras.layers.Softmax()(scores(slot_features), mask=real_slots))
print(probabilities.round(3))
np.testing.assert_allclose(probabilities.sum(axis=1), 1, rtol=1e-6)
assert np.all(probabilities[~real_slots] == 0)

# %% [markdown]
# ### `LeakyReLU` in a GAN-style discriminator, `ELU` in an MLP

# %%
discriminator = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(16, 4, strides=2),
                                  keras.layers.LeakyReLU(negative_slope=0.2), keras.layers.Flatten(),
                                  keras.layers.Dense(1)])
mlp = keras.Sequential([keras.Input((10,)), keras.layers.Dense(32), keras.layers.ELU(), keras.layers.Dense(1)])
print(discriminator.output_shape, mlp.output_shape)

# %% [markdown]
# ### `PReLU`, trained: the learned slope converges to the data's
#
# Targets are made by a "true" leaky function with a different negative slope per feature:
# 0.05, 0.25, 0.5 and 1.5. A model that is only a `PReLU` (four slopes, starting at 0) learns them
# by gradient descent; the slopes are recorded after every step.

# %%
true_slopes = np.array([0.05, 0.25, 0.5, 1.5], "float32")
inputs = rng.normal(size=(1024, 4)).astype("float32")
targets = np.where(inputs >= 0, inputs, true_slopes * inputs)

prelu = keras.layers.PReLU()
prelu_model = keras.Sequential([keras.Input((4,)), prelu])
prelu_model.compile(optimizer=keras.optimizers.SGD(learning_rate=2.0), loss="mse")
slope_history = [to_numpy(prelu.alpha).copy()]
for _ in range(20):  # one full-batch step at a time (a course helper around train_on_batch)
    train_full_batch(prelu_model, inputs, targets, steps=1)
    slope_history.append(to_numpy(prelu.alpha).copy())
slope_history = np.array(slope_history)
print("learned slopes:", slope_history[-1].round(4))
np.testing.assert_allclose(slope_history[-1], true_slopes, atol=1e-3)

# %%
fig, ax = figure(figsize=(7.5, 4))
for k, (colour, style) in enumerate(zip(("tab:blue", "tab:orange", "tab:green", "tab:red"), ("-", "--", "-.", ":"),
                                        strict=True)):
    ax.plot(slope_history[:, k], marker=".", color=colour, ls=style, label=f"feature {k}: learned alpha")
    ax.axhline(true_slopes[k], color=colour, ls=":", lw=1)
ax.set(xlabel="training step (full batch, SGD)", ylabel="alpha", title="PReLU learns each feature's negative slope (dotted: truth)")
ax.legend(fontsize=8)
plots.show(fig, "Notice that all four slopes start at 0 (a plain ReLU) and settle on their dotted true "
           "values 0.05, 0.25, 0.5 and 1.5, a slope above 1 included, within the 20 steps.")

# %% [markdown]
# ## Proof
#
# `ReLU`'s three arguments are easy to misread, so its proof is the one that teaches: the layer
# equals its `keras.activations` function **and** a NumPy formula, on a grid that includes the
# points where the misreadings differ. (The deep dive proves the other four layers the same way.)
#
# ### `ReLU` with all three arguments
#
# With `threshold=1`, `max_value=4`, `negative_slope=0.2`: above the threshold the output is $x$
# (fails if it were $x - \theta$), capped at 4; at or below it, $0.2\,(x-1)$ (fails if the leak
# were measured from 0, $0.2\,x$). Then each argument alone.

# %%
def numpy_relu(x, max_value=None, negative_slope=0.0, threshold=0.0):
    above = x if max_value is None else np.minimum(x, max_value)
    return np.where(x > threshold, above, negative_slope * (x - threshold))


settings = [
    {},
    {"max_value": 4.0},
    {"negative_slope": 0.2},
    {"threshold": 1.0},
    {"max_value": 4.0, "negative_slope": 0.2, "threshold": 1.0},
]
for kwargs in settings:
    layer_out = to_numpy(keras.layers.ReLU(**kwargs)(grid))
    function_out = to_numpy(keras.activations.relu(grid, **kwargs))
    np.testing.assert_allclose(layer_out, function_out, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(layer_out, numpy_relu(grid, **kwargs), rtol=1e-6, atol=1e-6)
both = to_numpy(keras.layers.ReLU(max_value=4.0, negative_slope=0.2, threshold=1.0)(grid))
assert not np.allclose(both, numpy_relu(grid - 1.0, 4.0, 0.2, 0.0), atol=1e-3)  # "x - threshold" reading
assert not np.allclose(both, np.where(grid > 1, np.minimum(grid, 4), 0.2 * grid), atol=1e-3)  # leak from 0
print("ReLU == keras.activations.relu == NumPy for", len(settings), "settings")

# %% [markdown]
# ## Application
#
# ### Dead units: ReLU versus its leaky relatives
#
# A hidden layer of 32 units whose biases start very negative (−2), with inputs $t \in [0, 1]$, has
# every pre-activation negative. Under `ReLU` every unit outputs 0 **and passes back a zero
# gradient**, so the hidden layer can never change: the network is stuck predicting a constant.
# `LeakyReLU`, `ELU` and `PReLU` (started at slope 0.1) pass a gradient through the negative side,
# so their hidden weights keep learning. The task: regress $y = 2t - 1 + 0.1\sin(8t)$ on 256
# points, 60 full-batch Adam steps.

# %%
t = np.linspace(0, 1, 256, dtype="float32").reshape(-1, 1)
y = 2 * t - 1 + 0.1 * np.sin(8 * t)
candidates = {
    "ReLU()": keras.layers.ReLU,
    "LeakyReLU(0.1)": lambda: keras.layers.LeakyReLU(negative_slope=0.1),
    "ELU()": keras.layers.ELU,
    "PReLU(alpha=0.1 at start)": lambda: keras.layers.PReLU(alpha_initializer=keras.initializers.Constant(0.1)),
}
losses, moved = {}, {}
for label, make in candidates.items():
    keras.utils.set_random_seed(0)
    hidden = keras.layers.Dense(32, bias_initializer=keras.initializers.Constant(-2.0))
    model = keras.Sequential([keras.Input((1,)), hidden, make(), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    start_kernel, start_bias = hidden.get_weights()
    assert np.all(t @ start_kernel + start_bias < 0)  # every unit starts negative on every input
    losses[label] = train_full_batch(model, t, y, steps=60)
    kernel, bias = hidden.get_weights()
    moved[label] = float(max(np.abs(kernel - start_kernel).max(), np.abs(bias - start_bias).max()))
    print(f"{label:26s} final loss {losses[label][-1]:.4f}; largest change of a hidden weight {moved[label]:.3f}")

# %%
fig, ax = figure(figsize=(8, 4))
for (label, history), style in zip(losses.items(), ("-", "--", "-.", (0, (1, 1))), strict=True):
    ax.semilogy(history, lw=2, ls=style, label=label)
ax.axhline(float(np.var(y)), color="black", ls=":", label="variance of y (predicting a constant)")
ax.set(xlabel="training step (full batch)", ylabel="MSE (log)", title="All hidden units start negative: who learns?")
ax.legend(fontsize=8)
plots.show(fig, "Notice that the ReLU network's loss lies flat on the dotted line, the variance of y "
           "(the best constant), from the first step, while LeakyReLU, ELU and PReLU, after a bumpy start, "
           "end far below it.")

# %% [markdown]
# The proof, from the weights and NumPy: under `ReLU` the hidden kernel and bias did not move by a
# single bit (zero gradient), so the best the network can do is a constant and its loss stays at the
# variance of $y$; every leaky variant moved its hidden weights and ends far below it.

# %%
assert moved["ReLU()"] == 0.0
assert abs(losses["ReLU()"][-1] - np.var(y)) < 0.01 * np.var(y)
for label in ("LeakyReLU(0.1)", "ELU()", "PReLU(alpha=0.1 at start)"):
    assert moved[label] > 0.1 and losses[label][-1] < 0.1 * np.var(y), (label, moved[label], losses[label][-1])
print(f"variance of y {np.var(y):.4f}; final losses", {k: round(v[-1], 4) for k, v in losses.items()})

# %% [markdown]
# ## Key terms
#
# - **Affine defect**: `f(u + v) - f(u) - f(v) + f(0)`, zero for a linear (affine) layer; a
#   non-linear activation makes it non-zero.
# - **Activation layer**: an elementwise (or, for softmax, per-slice) function as a layer.
# - **ReLU6 / `max_value`**: a cap on the positive side.
# - **Threshold**: the point below which ReLU switches to its negative branch; the positive branch
#   stays `x`, so the function jumps.
# - **Negative slope / leak**: the slope on the negative side (`LeakyReLU`, `ReLU(negative_slope)`).
# - **PReLU**: a leaky ReLU whose slope is a trainable weight; `shared_axes` shares it.
# - **Softmax mask**: positions excluded from the normalization; they get probability 0.
# - **Dead unit**: a ReLU unit negative on every input, hence with zero output and zero gradient.

# %% [markdown]
# ## Summary
#
# - Without an activation, stacked `Dense` layers collapse into one affine map; a non-linear
#   activation (as an argument, a layer, a function, or applied in a custom layer's `call`) breaks
#   the collapse.
# - `ReLU(max_value, negative_slope, threshold)`: `min(x, max_value)` above the threshold,
#   `negative_slope · (x − threshold)` below; equal to `keras.activations.relu`.
# - `Softmax(axis)` with `mask=` gives masked positions 0 and renormalizes the rest.
# - `LeakyReLU`'s default slope is 0.3, `leaky_relu`'s 0.2; `ELU(alpha)` scales only the negative side.
# - `PReLU` learns its slope (zeros at start, so a ReLU); `shared_axes=[1, 2]` gives one per channel.
# - Units that start dead stay dead under `ReLU` (their weights never move); the leaky variants
#   keep learning.

# %% [markdown]
# ## Exercises
#
# Each exercise prints its task and how you know you are done; `ex.check(...)` says what is right
# and what is not yet. Uncomment `ex.hint()` or `ex.solution()` only when you want them.
#
# ### Exercise 16.1 · Which layers make a model non-linear?
#
# The affine defect of the Why section is your tool.

# %%
ex = exercise("16.1")  # prints the task and how you know you are done

nonlinear = None  # your answer here: a set of letters, e.g. {"A", "C"}

ex.check(nonlinear)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 16.2 · Predict `ReLU` and `LeakyReLU` outputs by hand

# %%
ex = exercise("16.2")

predicted = None  # your answer here: {"relu": [five numbers], "leaky": [five numbers]}

ex.check(predicted)
# ex.hint()
# ex.solution()

# %% [markdown]
# ### Exercise 16.3 · How many slopes does a `PReLU` learn?

# %%
ex = exercise("16.3")


def prelu_slopes(sample_shape, shared_axes=None):
    ...  # your code here


ex.check(prelu_slopes)
# ex.hint()
# ex.solution()

# %% [markdown]
# ## Deep dive (optional)
#
# Proofs that are here for trust rather than understanding: each of the other four layers against
# its `keras.activations` function and NumPy, the Keras 2 `alpha` argument, the trained `PReLU`
# slopes against least squares, and config round trips. Each part opens with what it proves.
#
# ### `Softmax`: along `axis`, stable for large logits, and with a mask
#
# This proves the layer equal to the function and to NumPy in the cases where a hand-written softmax
# usually breaks. NumPy computes $e^{x - \max x}/\sum e^{x - \max x}$ along the axis. Logits near 1000
# would overflow a naive $e^x$, and the layer must still give finite probabilities. With a mask,
# NumPy renormalizes over the kept positions only; a row with nothing kept must be all zeros (not the
# uniform distribution a plain softmax of equal large negative numbers would give).

# %%
def numpy_softmax(x, axis=-1, mask=None):
    if mask is not None:
        x = np.where(mask, x, -np.inf)
    shifted = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return shifted / shifted.sum(axis=axis, keepdims=True)


x3 = rng.normal(size=(2, 3, 5)).astype("float32") * 3
for axis in (-1, 1):
    np.testing.assert_allclose(to_numpy(keras.layers.Softmax(axis=axis)(x3)), numpy_softmax(x3, axis), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(to_numpy(keras.activations.softmax(x3, axis=axis)), numpy_softmax(x3, axis),
                               rtol=1e-5, atol=1e-6)
huge = np.array([[1000.0, 999.0, 998.0]], "float32")
np.testing.assert_allclose(to_numpy(keras.layers.Softmax()(huge)), numpy_softmax(huge.astype("float64")), rtol=1e-5)

mask = rng.uniform(size=(2, 3, 5)) > 0.4
mask[0, 0] = False  # one row with nothing kept
mask[:, :, 0] |= np.arange(3) > 0  # every other row keeps at least one position
masked_out = to_numpy(keras.layers.Softmax()(x3, mask=mask))
with np.errstate(invalid="ignore"):
    expected = np.nan_to_num(numpy_softmax(x3, mask=mask))  # the empty row: NaN -> 0
np.testing.assert_allclose(masked_out, expected, rtol=1e-5, atol=1e-6)
assert np.all(masked_out[0, 0] == 0)
np.testing.assert_allclose(masked_out.sum(-1)[mask.any(-1)], 1, rtol=1e-5)
print("Softmax == keras.activations.softmax == NumPy, along any axis, with a mask and a fully masked row")

# %% [markdown]
# ### `LeakyReLU`: the layer's default slope is 0.3, the function's 0.2
#
# This proves the formula for three slopes and pins down the two defaults the core path printed.

# %%
for slope in (0.01, 0.3, 0.7):
    layer_out = to_numpy(keras.layers.LeakyReLU(negative_slope=slope)(grid))
    np.testing.assert_allclose(layer_out, to_numpy(keras.activations.leaky_relu(grid, negative_slope=slope)), rtol=1e-6)
    np.testing.assert_allclose(layer_out, np.where(grid >= 0, grid, slope * grid), rtol=1e-6, atol=1e-7)
layer_default = to_numpy(keras.layers.LeakyReLU()(grid))
function_default = to_numpy(keras.activations.leaky_relu(grid))
np.testing.assert_allclose(layer_default, np.where(grid >= 0, grid, 0.3 * grid), rtol=1e-6, atol=1e-7)
np.testing.assert_allclose(function_default, np.where(grid >= 0, grid, 0.2 * grid), rtol=1e-6, atol=1e-7)
assert keras.layers.LeakyReLU().negative_slope == 0.3
print("at x = -4: LeakyReLU() gives", layer_default[0], "but leaky_relu(x) gives", function_default[0])

# %% [markdown]
# ### `LeakyReLU(alpha=...)`: what the Keras 2 argument does in Keras 3
#
# This matters if you run Keras 2 code. Keras 2 code writes `LeakyReLU(alpha=0.01)`. Keras 3 still
# **accepts** it as a deprecated alias: it emits a `UserWarning` and uses the value as
# `negative_slope`. The warning is captured here (so it does not reach the notebook's error stream)
# and asserted on; the layer then behaves exactly like `LeakyReLU(negative_slope=0.01)`, and its
# config stores only `negative_slope`, so a saved and reloaded layer no longer warns.

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    legacy = keras.layers.LeakyReLU(alpha=0.01)
messages = [(w.category, str(w.message)) for w in caught]
assert messages == [(UserWarning, "Argument `alpha` is deprecated. Use `negative_slope` instead.")], messages
assert legacy.negative_slope == 0.01
np.testing.assert_allclose(to_numpy(legacy(grid)), np.where(grid >= 0, grid, 0.01 * grid), rtol=1e-6, atol=1e-7)
config = legacy.get_config()
assert config["negative_slope"] == 0.01 and "alpha" not in config
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    keras.layers.LeakyReLU.from_config(config)
assert not caught
print("alpha=0.01 ->", messages[0][1], "| negative_slope =", legacy.negative_slope)

# %% [markdown]
# ### `PReLU`: the formula, `shared_axes`, and the link to `leaky_relu`
#
# This proves how the learned slopes are broadcast. With a random $\alpha$ of the full shape, the
# output is NumPy's `where(x >= 0, x, alpha * x)`, with $\alpha$ broadcast over the batch. With
# `shared_axes=[1, 2]` on images, $\alpha$ has shape `(1, 1, C)` and is broadcast over height and
# width too (fails if the slopes were per position). Keras has no `prelu` function; for a fixed
# slope, `PReLU` **is** `keras.activations.leaky_relu` with that slope.

# %%
images = rng.normal(size=(2, 4, 4, 3)).astype("float32")
full = keras.layers.PReLU(alpha_initializer=keras.initializers.RandomUniform(0.0, 1.0, seed=1))
full_out = to_numpy(full(images))
alpha = to_numpy(full.alpha)
assert alpha.shape == (4, 4, 3) and len(np.unique(alpha)) == alpha.size
np.testing.assert_allclose(full_out, np.where(images >= 0, images, alpha * images), rtol=1e-6, atol=1e-7)

shared = keras.layers.PReLU(shared_axes=[1, 2])
shared.build(images.shape)
channel_slopes = np.array([0.1, 0.5, 2.0], "float32")
shared.set_weights([channel_slopes.reshape(1, 1, 3)])
shared_out = to_numpy(shared(images))
np.testing.assert_allclose(shared_out, np.where(images >= 0, images, channel_slopes * images), rtol=1e-6, atol=1e-7)
error = expect_error(ValueError, lambda: shared.set_weights([np.zeros((4, 4, 3), "float32")]))
print("shared_axes=[1, 2] alpha shape:", tuple(shared.alpha.shape), "| a per-position alpha is refused")

assert not hasattr(keras.activations, "prelu")  # no function: the slope is a weight
constant = keras.layers.PReLU(alpha_initializer=keras.initializers.Constant(0.25))
np.testing.assert_allclose(to_numpy(constant(grid[:, None])), to_numpy(keras.activations.leaky_relu(grid[:, None], 0.25)),
                           rtol=1e-6, atol=1e-7)
print("PReLU with a constant 0.25 == keras.activations.leaky_relu(x, 0.25)")

# %% [markdown]
# ### The trained `PReLU` slopes are the least-squares slopes
#
# This checks the core path's training result independently of Keras's optimizer: for each feature,
# the best slope in the least-squares sense over the negative inputs is
# $\hat\alpha = \sum x y / \sum x^2$, computed in NumPy; the trained `alpha` equals it (and the true
# slope, since the data are noise-free).

# %%
negative = inputs < 0
least_squares = (np.where(negative, inputs * targets, 0).sum(0) / np.where(negative, inputs**2, 0).sum(0))
np.testing.assert_allclose(slope_history[-1], least_squares, atol=1e-3)
np.testing.assert_allclose(slope_history[-1], true_slopes, atol=1e-3)
assert np.all(slope_history[0] == 0)  # the default "zeros" initializer: it started as a ReLU
print("least-squares slopes:", least_squares.round(4))

# %% [markdown]
# ### `ELU`: $\alpha$ scales the negative side only
#
# This settles what `alpha` does, which the function's own docstring gets wrong. With $\alpha = 0.5$
# (not the default, so a layer that ignored it would fail), the negative side is $0.5\,(e^x - 1)$,
# saturating at $-0.5$, and the positive side is $x$ whatever $\alpha$ is. (The docstring of
# `keras.activations.elu` in Keras 3.15 calls `alpha` the "slope of positive section"; the numbers
# say otherwise.)

# %%
for alpha in (0.5, 1.0, 2.0):
    layer_out = to_numpy(keras.layers.ELU(alpha=alpha)(grid))
    np.testing.assert_allclose(layer_out, to_numpy(keras.activations.elu(grid, alpha=alpha)), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(layer_out, np.where(grid > 0, grid, alpha * np.expm1(grid)), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(layer_out[grid > 0], grid[grid > 0])  # positive side: x, for every alpha
assert abs(float(to_numpy(keras.layers.ELU(alpha=0.5)(np.array([-30.0], "float32")))[0]) + 0.5) < 1e-6
print("ELU == keras.activations.elu == NumPy for alpha in 0.5, 1, 2; saturates at -alpha")

# %% [markdown]
# ### Config round trip
#
# This proves that a saved model keeps each layer's settings: the layer rebuilt from `get_config` /
# `from_config` computes the same numbers (for `PReLU`, after copying the trained weight).

# %%
configured = [keras.layers.ReLU(max_value=4.0, negative_slope=0.2, threshold=1.0), keras.layers.Softmax(axis=1),
              keras.layers.LeakyReLU(negative_slope=0.1), keras.layers.ELU(alpha=0.5), shared]
for layer in configured:
    twin = type(layer).from_config(layer.get_config())
    if layer.weights:
        twin.build(images.shape)
        twin.set_weights(layer.get_weights())
    np.testing.assert_allclose(to_numpy(twin(images)), to_numpy(layer(images)), rtol=1e-6)
print("round trip ok:", [type(layer).__name__ for layer in configured])

# %% [markdown]
# ### Keras 2 → 3, proved
#
# This collects what changed since Keras 2, for readers porting older code.
#
# - **`LeakyReLU(alpha=...)` → `LeakyReLU(negative_slope=...)`**: the old name is a deprecated
#   alias with a warning (proved above).
# - **`ThresholdedReLU` is gone**; Keras 2's `ThresholdedReLU(theta)` ($x$ if $x > \theta$, else 0)
#   is `ReLU(threshold=theta)`.
# - **A common claim says `ReLU` has no parameters**; it has three (proved in the core path).
# - **`PReLU` takes no `alpha`**: its slope is a weight, started by `alpha_initializer`; an `alpha=`
#   keyword is refused (unlike `LeakyReLU`, which still accepts it).

# %%
assert not hasattr(keras.layers, "ThresholdedReLU")
refused = expect_error(ValueError, lambda: keras.layers.PReLU(alpha=0.25))
assert "alpha" in str(refused)
print("PReLU(alpha=0.25):", refused)
theta = 1.5
np.testing.assert_allclose(to_numpy(keras.layers.ReLU(threshold=theta)(grid)), np.where(grid > theta, grid, 0), rtol=1e-6)
print("keras.layers.ThresholdedReLU: absent; ReLU(threshold=1.5) reproduces it")

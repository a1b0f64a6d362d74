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
# # 11 · Normalization layers
#
# A normalization layer takes a group of numbers, subtracts their mean (or not), divides by their
# spread, and then applies a learned scale and shift. The five Keras layers differ in **which
# numbers form a group**: the same feature across a batch (`BatchNormalization`), all features of
# one sample (`LayerNormalization`, `RMSNormalization`), one vector's length (`UnitNormalization`),
# or a block of channels of one sample (`GroupNormalization`).
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/notebooks/11_normalization.ipynb)

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
# style, and the course's two proof utilities.

# %%
import warnings

import keras
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits

from helpers import plots
from helpers.fullbatch import train_full_batch
from helpers.nbtools import expect_error, to_numpy
from helpers.selfcheck import exercise

plots.use_course_style()
rng = np.random.default_rng(0)  # every synthetic tensor below comes from this generator


def figure(nrows=1, ncols=1, **kwargs):
    """A matplotlib figure detached from pyplot, shown once as the value of the cell."""
    fig, axes = plt.subplots(nrows, ncols, **kwargs)
    plt.close(fig)
    return fig, axes


# %% [markdown]
# ## What
#
# Every layer here computes, for each group of numbers x₁, …, xₙ that share statistics,
#
# $$y_i = \gamma\,\frac{x_i - \mu}{\sqrt{\sigma^2 + \epsilon}} + \beta,\qquad
# \mu = \tfrac1n\textstyle\sum_i x_i,\quad \sigma^2 = \tfrac1n\sum_i (x_i-\mu)^2 ,$$
#
# with a learned scale γ and shift β (RMS normalization drops μ and β; unit
# normalization divides by the vector's length and learns nothing). The difference between the
# layers is the **group**. On a `(batch, features)` tensor, `BatchNormalization` normalizes each
# **column** (one feature over the batch), `LayerNormalization` each **row** (one sample over its
# features). The cell shows exactly that on a 4 × 6 batch.

# %%
x = rng.normal(loc=3.0, scale=2.0, size=(4, 6)).astype("float32")
by_column = to_numpy(keras.layers.BatchNormalization()(x, training=True))
by_row = to_numpy(keras.layers.LayerNormalization()(x))

np.testing.assert_allclose(by_column.mean(axis=0), 0, atol=1e-5)  # each feature, over the batch
np.testing.assert_allclose(by_row.mean(axis=1), 0, atol=1e-5)  # each sample, over its features
assert np.abs(by_column.mean(axis=1)).max() > 0.1 and np.abs(by_row.mean(axis=0)).max() > 0.1
print("BatchNormalization column means:", by_column.mean(axis=0).round(6))
print("LayerNormalization row means:   ", by_row.mean(axis=1).round(6))

# %% [markdown]
# ## Where
#
# - **In the API**: `keras.layers.BatchNormalization`, `LayerNormalization`, `UnitNormalization`,
#   `GroupNormalization` and `RMSNormalization` (a recent Keras 3 addition).
# - **In a model**: after a `Dense` or convolution and usually before its activation (CNNs,
#   classic MLPs), or at the entrance of each block of a Transformer ("pre-norm"), where
#   `LayerNormalization` or `RMSNormalization` sits.
# - **In the weights**: the learned γ and β are trainable; `BatchNormalization` also
#   keeps a **moving mean and moving variance**, non-trainable, used at inference. The cell lists
#   what each layer holds for 6 features.

# %%
layers_here = {
    "BatchNormalization": keras.layers.BatchNormalization(),
    "LayerNormalization": keras.layers.LayerNormalization(),
    "UnitNormalization": keras.layers.UnitNormalization(),
    "GroupNormalization": keras.layers.GroupNormalization(groups=2),
    "RMSNormalization": keras.layers.RMSNormalization(),
}
held = {}
for label, layer in layers_here.items():
    layer(x)
    held[label] = ([v.name for v in layer.trainable_weights], [v.name for v in layer.non_trainable_weights])
    print(f"{label:19s} trainable {held[label][0]!s:20s} non-trainable {held[label][1]}")

assert held["BatchNormalization"] == (["gamma", "beta"], ["moving_mean", "moving_variance"])
assert held["LayerNormalization"] == held["GroupNormalization"] == (["gamma", "beta"], [])
assert held["UnitNormalization"] == ([], []) and held["RMSNormalization"] == (["scale"], [])
channels = x.shape[-1]
assert all(sum(int(np.prod(v.shape)) for v in layer.trainable_weights) <= 2 * channels for layer in layers_here.values())
assert layers_here["BatchNormalization"].count_params() == 4 * channels  # fails if "2C at most" counted everything

# %% [markdown]
# ## Why
#
# - **Stable scale through depth.** Without it, each layer multiplies the spread of its input by
#   some factor; twenty layers later the activations have vanished or exploded (the Picture section
#   measures it). Normalization resets the scale at every layer.
# - **Faster, easier training.** With activations kept near mean 0 and spread 1, larger learning
#   rates work and the result depends less on the weight initialization.
# - **A mild regularizer** (batch normalization only): each sample is normalized with statistics
#   that depend on the other samples of its batch, which adds noise during training.
# - **Scale-free comparisons** (unit normalization): after dividing by the length, a dot product is a
#   cosine similarity.

# %% [markdown]
# ## When
#
# | Situation | Layer |
# |---|---|
# | CNN or MLP trained with batches of 16 or more | `BatchNormalization` |
# | Transformers, RNNs, any model whose batch is small or whose samples must not interact | `LayerNormalization` |
# | Large language models that want layer norm cheaper (no mean, no shift) | `RMSNormalization` |
# | CNN trained with tiny batches (detection, segmentation, 3D) | `GroupNormalization` |
# | Embeddings compared by cosine similarity, metric learning | `UnitNormalization` |

# %% [markdown]
# ## Who
#
# - **Vision models**: ResNet and most CNNs use `BatchNormalization` after each convolution;
#   detection and segmentation models with 1–2 images per device use `GroupNormalization`.
# - **Language models**: BERT and GPT-2 use `LayerNormalization`; Llama, Gemma and Mistral use
#   `RMSNormalization`.
# - **Retrieval**: `UnitNormalization` on the embedding before a cosine loss.
# - **Anyone fine-tuning**: `BatchNormalization`'s moving statistics and `trainable` flag are the
#   classic trap, proved below.

# %% [markdown]
# ## How
#
# We take the five layers one at a time: their main arguments, and one short call.
#
# ### `BatchNormalization`
#
# `BatchNormalization(axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True)`. `axis` is
# the **feature axis kept**: statistics are taken over every other axis (batch, and height and width
# for images). The layer has **two modes**, chosen by the `training` argument of the call (`fit`
# passes `training=True`, `predict` and `evaluate` pass `False`):
#
# - `training=True`: normalize with the **batch's** mean and variance, and update the moving
#   averages;
# - `training=False`: normalize with the **moving** mean and variance, and update nothing.
#
# A fresh layer has moving mean 0 and moving variance 1, so at inference it barely changes its input,
# while in training mode it standardizes the batch.

# %%
batch_norm = keras.layers.BatchNormalization()
x = rng.normal(loc=5.0, scale=3.0, size=(64, 3)).astype("float32")
train_out = to_numpy(batch_norm(x, training=True))
infer_out = to_numpy(batch_norm(x, training=False))
print("training=True : mean", train_out.mean(0).round(3), "std", train_out.std(0).round(3))
print("training=False: mean", infer_out.mean(0).round(3), "std", infer_out.std(0).round(3))
assert np.allclose(train_out.std(0), 1, atol=1e-2) and not np.allclose(infer_out.std(0), 1, atol=0.5)

# %% [markdown]
# ### `LayerNormalization`
#
# `LayerNormalization(axis=-1, epsilon=1e-3, center=True, scale=True)`. Here `axis` names the axes
# **normalized over**, for each sample separately (the opposite convention to batch
# normalization!). There is no training/inference difference and no moving statistics. γ and
# β have the shape of the normalized axes.

# %%
sequence = rng.normal(size=(2, 5, 4)).astype("float32")  # (batch, time, features)
per_step = keras.layers.LayerNormalization(axis=-1)
per_sample = keras.layers.LayerNormalization(axis=[1, 2])
per_step(sequence), per_sample(sequence)
print("axis=-1     gamma shape:", tuple(per_step.gamma.shape))
print("axis=[1, 2] gamma shape:", tuple(per_sample.gamma.shape))
assert tuple(per_step.gamma.shape) == (4,) and tuple(per_sample.gamma.shape) == (5, 4)

# %% [markdown]
# ### `UnitNormalization`
#
# `UnitNormalization(axis=-1)` divides each vector by its Euclidean length, so every output vector
# has length 1. It has no weights and no epsilon argument.

# %%
unit = keras.layers.UnitNormalization()
vectors = np.array([[3.0, 4.0], [0.0, -2.0]], "float32")
print(to_numpy(unit(vectors)))
np.testing.assert_allclose(to_numpy(unit(vectors)), [[0.6, 0.8], [0.0, -1.0]], rtol=1e-6)

# %% [markdown]
# ### `GroupNormalization`
#
# `GroupNormalization(groups=32, axis=-1, epsilon=1e-3)` splits the channels (on `axis`) into
# `groups` **consecutive** blocks and normalizes each block of each sample over its channels and all
# spatial positions. `groups` must divide the number of channels; `groups=-1` makes one group per
# channel (instance normalization) and `groups=1` a single group (layer normalization over everything
# but the batch).

# %%
images = rng.normal(size=(2, 4, 4, 6)).astype("float32")
group_norm = keras.layers.GroupNormalization(groups=3)
print("output shape:", tuple(group_norm(images).shape), "| gamma shape:", tuple(group_norm.gamma.shape))
error = expect_error(ValueError, lambda: keras.layers.GroupNormalization(groups=4)(images))
print("groups=4 on 6 channels:", error)

# %% [markdown]
# ### `RMSNormalization`
#
# `RMSNormalization(axis=-1, epsilon=1e-6)` divides by the **root mean square**
# $\sqrt{\tfrac1n\sum x_i^2 + \epsilon}$ and multiplies by a learned `scale`. It subtracts no mean
# and adds no shift, so it is cheaper than layer normalization and keeps the input's mean direction.

# %%
rms_norm = keras.layers.RMSNormalization()
row = np.array([[1.0, 2.0, 3.0, 4.0]], "float32")
out = to_numpy(rms_norm(row))
print("output:", out.round(4), "| mean of squares:", (out**2).mean().round(4))
assert abs((out**2).mean() - 1) < 1e-4 and out.mean() > 0  # RMS 1, mean not removed

# %% [markdown]
# ## Pros
#
# - Keeps activations on one scale through any depth; training is faster and less sensitive to the
#   initialization and the learning rate.
# - Layer, RMS, group and unit normalization treat each sample alone: the same result at any batch
#   size, in training and at inference.
# - Cheap: a few reductions, at most $2C$ **trainable** parameters for C channels (γ and β);
#   `BatchNormalization` also stores its two moving statistics, 4C weights in all (the Where cell
#   counts them).

# %% [markdown]
# ## Cons
#
# - `BatchNormalization` behaves **differently in training and inference**, is noisy with small
#   batches, mixes the samples of a batch, and its moving statistics can lag behind the data.
# - Per-sample normalizations throw away the input's overall scale (and, except RMS, its mean);
#   γ and β must learn it back.
# - `GroupNormalization` needs the channel count divisible by `groups`.

# %% [markdown]
# ## Picture
#
# ### Which numbers share statistics
#
# A batch of 4 samples with 6 channels, each channel holding 4 spatial positions (here flattened to
# one axis). Each colour is one set of numbers that shares a mean and variance. Batch normalization
# pools **across samples**; the others stay inside one sample.

# %%
sample, position, channel = np.indices((4, 4, 6))  # one row per (sample, position), one column per channel
groupings = {  # equal numbers = one group sharing a mean and variance
    "BatchNormalization": channel,  # each channel, across all samples
    "LayerNormalization": sample,  # each sample, all channels
    "GroupNormalization(groups=3)": sample * 3 + channel // 2,  # each sample, 2 consecutive channels
    "GroupNormalization(groups=-1)": sample * 6 + channel,  # each sample and channel (instance norm)
}
fig, axes = figure(1, 4, figsize=(13, 3.4), sharey=True)
for ax, (title, labels) in zip(axes, groupings.items(), strict=True):
    ax.imshow(labels.reshape(16, 6) % 20, cmap="tab20", aspect="auto", interpolation="nearest")
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("channel")
    ax.set_yticks([1.5, 5.5, 9.5, 13.5], [f"sample {i}" for i in range(4)])
    for boundary in (3.5, 7.5, 11.5):
        ax.axhline(boundary, color="black", lw=1.5)
    ax.grid(False)
fig.suptitle("Each colour = one group of numbers normalized together (4 positions per sample)", y=1.02)
plots.show(fig, "Notice that BatchNormalization's colours run down whole columns through all four samples, while "
           "the other layers' groups stay inside one sample: one group per sample, three, or one per channel.")

# %% [markdown]
# ### Activations through a deep stack, with and without normalization
#
# Twenty `Dense(64)` layers with ReLU and Keras's default (Glorot) initialization, fed a standard
# normal batch. Without normalization, each layer roughly halves the variance (Glorot is sized for
# linear layers, and ReLU zeroes half the signal), so the spread shrinks geometrically. Putting a
# `BatchNormalization`, `LayerNormalization` or `RMSNormalization` before each ReLU restores
# the spread at every layer. No training is involved: this is the network on its first step. The
# cell asserts both claims before drawing them.

# %%
def deep_stack(normalization, depth=20, width=64, seed=0):
    """Depth × [Dense -> (normalization) -> ReLU]; returns the list of layers."""
    keras.utils.set_random_seed(seed)
    stack = []
    for _ in range(depth):
        stack.append(keras.layers.Dense(width))
        if normalization is not None:
            stack.append(normalization())
        stack.append(keras.layers.ReLU())
    return stack


def activation_spread(stack, inputs):
    """The standard deviation of the activations after every ReLU of the stack."""
    stds, h = [], inputs
    for layer in stack:
        h = layer(h, training=True) if isinstance(layer, keras.layers.BatchNormalization) else layer(h)
        if isinstance(layer, keras.layers.ReLU):
            stds.append(to_numpy(h).std())
    return np.array(stds)


deep_inputs = rng.normal(size=(128, 64)).astype("float32")
variants = {
    "no normalization": None,
    "BatchNormalization": keras.layers.BatchNormalization,
    "LayerNormalization": keras.layers.LayerNormalization,
    "RMSNormalization": keras.layers.RMSNormalization,
}
spreads = {label: activation_spread(deep_stack(norm), deep_inputs) for label, norm in variants.items()}
print({label: f"{stds[0]:.3f} -> {stds[-1]:.2e}" for label, stds in spreads.items()})

plain = spreads["no normalization"]
assert plain[-1] < 0.01 * plain[0], plain[[0, -1]]  # shrinks more than a hundredfold
for label in ("BatchNormalization", "LayerNormalization", "RMSNormalization"):
    stds = spreads[label]
    assert 0.5 < stds[-1] / stds[0] < 2, (label, stds[[0, -1]])  # stays within a factor of 2

fig, ax = figure(figsize=(8, 3.6))
for (label, stds), style in zip(spreads.items(), ["-", "--", "-.", ":"], strict=True):
    ax.semilogy(np.arange(1, 21), stds, marker=".", linestyle=style, label=label)
ax.set(xlabel="layer", ylabel="std of activations (log scale)", title="Spread of the activations by depth")
ax.legend(fontsize=8)
plots.show(fig, "Notice that without normalization the spread of the activations falls steadily, by more than a "
           "hundredfold over 20 layers, while with batch, layer or RMS normalization it stays flat.")

# %% [markdown]
# ## Table
#
# For an input of shape `(N, H, W, C)` (channels last); `G` = groups. Every formula here is proved
# against NumPy, batch normalization's in the Proof section, the others' in the deep dive.
#
# | Layer | Statistics over | Formula | Weights | Defaults | Train ≠ inference? |
# |---|---|---|---|---|---|
# | `BatchNormalization` | N, H, W (per channel) | $\gamma\frac{x-\mu_B}{\sqrt{\sigma_B^2+\epsilon}}+\beta$, biased variance | γ, β (C) + moving mean, var (C) | momentum 0.99, ε 1e-3 | **yes** |
# | `LayerNormalization` | `axis` (default last), per sample | $\gamma\frac{x-\mu}{\sqrt{\sigma^2+\epsilon}}+\beta$ | γ, β (shape of `axis`) | ε 1e-3 | no |
# | `GroupNormalization` | H, W and C/G consecutive channels, per sample | same, per group | γ, β (C) | groups 32, ε 1e-3 | no |
# | `RMSNormalization` | `axis`, per sample | $\text{scale}\cdot\frac{x}{\sqrt{\overline{x^2}+\epsilon}}$ | scale (shape of `axis`) | ε 1e-6 | no |
# | `UnitNormalization` | `axis`, per sample | $\frac{x}{\max(\lVert x\rVert_2,\,10^{-12})}$ | none | | no |
#
# Moving statistics (batch normalization, training mode only) follow `momentum`, proved step by step
# below.

# %% [markdown]
# ## Example
#
# Each layer at work in a small model, one at a time.
#
# ### `BatchNormalization` in a CNN, between convolution and activation
#
# The convolution drops its bias (`use_bias=False`) because the following β does the same job.

# %%
cnn = keras.Sequential([
    keras.Input((8, 8, 1)),
    keras.layers.Conv2D(8, 3, use_bias=False),
    keras.layers.BatchNormalization(),
    keras.layers.ReLU(),
    keras.layers.GlobalAveragePooling2D(),
    keras.layers.Dense(10),
], name="cnn_with_bn")
assert cnn.layers[1].count_params() == 4 * 8  # gamma, beta, moving mean, moving variance: 8 each
print(cnn.count_params(), "parameters;", sum(int(np.prod(v.shape)) for v in cnn.non_trainable_weights),
      "of them non-trainable (the moving statistics)")

# %% [markdown]
# ### `LayerNormalization` and `RMSNormalization` in a pre-norm residual block
#
# The Transformer pattern `x + f(norm(x))`: the normalization sits at the entrance of the block, and
# the residual path keeps the raw `x`. Both norms give a block of the same shape and near-equal
# parameter counts (RMS has no β).

# %%
def pre_norm_block(norm_layer, width=16):
    inputs = keras.Input((10, width))
    hidden = keras.layers.Dense(width, activation="gelu")(norm_layer(inputs))
    return keras.Model(inputs, keras.layers.Add()([inputs, hidden]))


ln_block = pre_norm_block(keras.layers.LayerNormalization())
rms_block = pre_norm_block(keras.layers.RMSNormalization())
assert ln_block.count_params() - rms_block.count_params() == 16  # exactly the beta vector
print("LayerNorm block:", ln_block.count_params(), "| RMSNorm block:", rms_block.count_params())

# %% [markdown]
# ### `GroupNormalization` with a batch of one
#
# At batch size 1 batch normalization in training mode has only one sample per statistic (with
# 1 × 1 spatial maps its output is just β); group normalization does not care about the batch.

# %%
single = rng.normal(size=(1, 1, 1, 8)).astype("float32")
bn_single = to_numpy(keras.layers.BatchNormalization()(single, training=True))
gn_single = to_numpy(keras.layers.GroupNormalization(groups=2)(single))
print("BN on one 1x1 sample:", bn_single.ravel().round(3))
print("GN on the same:      ", gn_single.ravel().round(3))
np.testing.assert_allclose(bn_single, 0, atol=1e-6)  # x - mean(x) = 0 when the batch is one number
assert np.abs(gn_single).max() > 0.5

# %% [markdown]
# ## Proof
#
# `BatchNormalization` against NumPy in both modes (the other layers' proofs are in the deep dive),
# on inputs chosen so that a plausible wrong version gives a different number.
#
# ### `BatchNormalization`, training mode: the batch's **biased** variance
#
# Statistics are taken over the batch (and spatial) axes; the variance divides by n, not n − 1.
# A batch of 4 makes the two differ by a factor 4/3. γ, β are set to non-trivial
# values so that a mix-up between them shows.

# %%
def numpy_batch_norm(x, mean, var, gamma, beta, eps):
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


x = rng.normal(loc=2.0, scale=3.0, size=(4, 3)).astype("float32")
gamma, beta = np.array([0.5, 2.0, -1.0], "float32"), np.array([1.0, -3.0, 0.2], "float32")
bn = keras.layers.BatchNormalization(epsilon=1e-3)
bn.build(x.shape)
bn.gamma.assign(gamma)
bn.beta.assign(beta)
out = to_numpy(bn(x, training=True))

biased = numpy_batch_norm(x, x.mean(0), x.var(0), gamma, beta, 1e-3)
unbiased = numpy_batch_norm(x, x.mean(0), x.var(0, ddof=1), gamma, beta, 1e-3)
np.testing.assert_allclose(out, biased, rtol=1e-5, atol=1e-5)
assert not np.allclose(out, unbiased, atol=1e-2)  # fails if Keras used the n-1 variance
print("matches the biased (÷n) variance; max distance to the ÷(n−1) version:", np.abs(out - unbiased).max())

# %% [markdown]
# ### `BatchNormalization`: the moving statistics, step by step, with `momentum`
#
# Keras: $\text{moving} \leftarrow m\cdot\text{moving} + (1-m)\cdot\text{batch}$, with the **biased**
# batch variance. PyTorch's `BatchNorm` uses the opposite convention,
# $\text{moving} \leftarrow (1-m)\cdot\text{moving} + m\cdot\text{batch}$, with the unbiased variance.
# With `momentum=0.8` and three different batches, the two conventions give different numbers; the
# layer follows Keras's at every step.

# %%
momentum = 0.8
bn = keras.layers.BatchNormalization(momentum=momentum)
batches = [rng.normal(loc=mu, scale=s, size=(5, 2)).astype("float32") for mu, s in [(4, 1), (-2, 3), (1, 0.5)]]
bn.build(batches[0].shape)

keras_mean, keras_var = np.zeros(2), np.ones(2)  # Keras's initial moving statistics
torch_mean, torch_var = np.zeros(2), np.ones(2)
for step, batch in enumerate(batches, start=1):
    bn(batch, training=True)
    keras_mean = momentum * keras_mean + (1 - momentum) * batch.mean(0)
    keras_var = momentum * keras_var + (1 - momentum) * batch.var(0)
    torch_mean = (1 - momentum) * torch_mean + momentum * batch.mean(0)
    torch_var = (1 - momentum) * torch_var + momentum * batch.var(0, ddof=1)
    layer_mean, layer_var = to_numpy(bn.moving_mean), to_numpy(bn.moving_variance)
    np.testing.assert_allclose(layer_mean, keras_mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer_var, keras_var, rtol=1e-5, atol=1e-6)
    assert not np.allclose(layer_mean, torch_mean, atol=0.1)  # fails if momentum meant PyTorch's
    print(f"step {step}: moving mean {layer_mean.round(4)} (PyTorch convention would give {torch_mean.round(4)})")

# %% [markdown]
# ### `BatchNormalization`, inference mode: moving statistics, and no update
#
# With `training=False` the layer uses the moving mean and variance and leaves them unchanged.
# The same holds for a **frozen** layer (`trainable=False`) even when called with `training=True`:
# in Keras 3 a frozen batch normalization always runs in inference mode (what you want when
# fine-tuning a pretrained model).

# %%
new_batch = rng.normal(loc=10.0, size=(5, 2)).astype("float32")
moving_before = [to_numpy(v).copy() for v in (bn.moving_mean, bn.moving_variance)]
expected = numpy_batch_norm(new_batch, *moving_before, 1.0, 0.0, bn.epsilon)
np.testing.assert_allclose(to_numpy(bn(new_batch, training=False)), expected, rtol=1e-5, atol=1e-5)

bn.trainable = False
np.testing.assert_allclose(to_numpy(bn(new_batch, training=True)), expected, rtol=1e-5, atol=1e-5)
for before, variable in zip(moving_before, (bn.moving_mean, bn.moving_variance), strict=True):
    np.testing.assert_array_equal(to_numpy(variable), before)  # fails if either call updated them
bn.trainable = True
print("inference and frozen calls used the moving statistics and did not change them")

# %% [markdown]
# ## Application
#
# ### Training a deep sigmoid network on handwritten digits
#
# Ten hidden `Dense(32, sigmoid)` layers are the textbook case of vanishing gradients: sigmoid's
# derivative is at most 1/4, so the gradient shrinks layer after layer and the network barely
# learns. The same network with a `BatchNormalization` before each sigmoid trains in 30 full-batch steps.
# The data are scikit-learn's 8 × 8 digits (1 797 images, shipped with the package).

# %%
digits = load_digits()
features = (digits.data / 16.0).astype("float32")
labels = digits.target
order = np.random.default_rng(11).permutation(len(features))  # a fixed split of the digits
train_idx, test_idx = order[:1400], order[1400:]
STEPS = 30  # full-batch steps: each is one gradient step on all 1 400 training digits


def deep_sigmoid_net(with_bn, depth=10, width=32):
    keras.utils.set_random_seed(1)
    stack = [keras.Input((64,))]
    for _ in range(depth):
        stack.append(keras.layers.Dense(width))
        if with_bn:
            stack.append(keras.layers.BatchNormalization())  # default momentum=0.99
        stack.append(keras.layers.Activation("sigmoid"))
    stack.append(keras.layers.Dense(10))
    model = keras.Sequential(stack, name="with_bn" if with_bn else "plain")
    model.compile(optimizer=keras.optimizers.Adam(0.02),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def accuracy_of(model, idx):
    """Accuracy in inference mode, computed in NumPy from the logits."""
    return float(np.mean(np.argmax(to_numpy(model(features[idx], training=False)), axis=1) == labels[idx]))


# `train_full_batch` (a course helper) runs `train_on_batch` STEPS times and returns each step's loss:
# the same steps as fit(epochs=STEPS, batch_size=1400), without fit's per-epoch overhead.
losses, models = {}, {}
for with_bn in (False, True):
    model = deep_sigmoid_net(with_bn)
    losses[model.name], models[model.name] = train_full_batch(model, features[train_idx], labels[train_idx], STEPS), model
print({name: round(values[-1], 3) for name, values in losses.items()}, "final training loss (chance: ln 10 = 2.303)")

# %% [markdown]
# ### A trap: the moving statistics lag behind
#
# The normalized network's training loss falls fast (in **training mode**), yet in **inference mode**
# (the moving statistics, as `predict` and `evaluate` use) it does much worse on held-out digits.
# The reason is `momentum=0.99`: after k updates the moving averages still hold a share 0.99ᵏ of
# their initial values (0 and 1), here $0.99^{30} \approx 0.74$, and they averaged the statistics of
# weights that kept changing. The remedy, short of a smaller momentum or longer training, is to
# **recalibrate**: one forward pass of the whole training set in training mode with `momentum = 0`
# sets every layer's moving statistics to the training data's statistics under the final weights.

# %%
bn_model = models["with_bn"]
bn_layers = [layer for layer in bn_model.layers if isinstance(layer, keras.layers.BatchNormalization)]
before = accuracy_of(bn_model, test_idx)
for layer in bn_layers:
    layer.momentum = 0.0
bn_model(features[train_idx], training=True)  # one pass: moving statistics <- training-set statistics
for layer in bn_layers:
    layer.momentum = 0.99
after = accuracy_of(bn_model, test_idx)
plain_after = accuracy_of(models["plain"], test_idx)

# The first layer's new moving statistics are those of Dense(features), computed here in NumPy.
kernel, bias = bn_model.layers[0].get_weights()
first_dense = features[train_idx] @ kernel + bias
np.testing.assert_allclose(to_numpy(bn_layers[0].moving_mean), first_dense.mean(0), rtol=1e-4, atol=1e-4)
np.testing.assert_allclose(to_numpy(bn_layers[0].moving_variance), first_dense.var(0), rtol=1e-3, atol=1e-4)
print(f"held-out accuracy with the lagging moving statistics {before:.3f}, after recalibration {after:.3f}")

# %%
fig, (ax_loss, ax_acc) = figure(1, 2, figsize=(11, 3.8), gridspec_kw={"width_ratios": [1.4, 1]})
steps = np.arange(1, STEPS + 1)
for name, colour in (("plain", "tab:grey"), ("with_bn", "tab:blue")):
    ax_loss.plot(steps, losses[name], marker=".", color=colour, label=name)
ax_loss.set(xlabel="training step (full batch)", ylabel="cross-entropy (training mode)",
            title="Training loss, 10 sigmoid layers")
ax_loss.legend()
bars = {"plain": plain_after, "with_bn,\nmoving stats\nas trained": before, "with_bn,\nrecalibrated": after}
ax_acc.bar(list(bars), list(bars.values()), color=["tab:grey", "tab:orange", "tab:blue"])
ax_acc.axhline(0.1, color="black", ls=":", label="chance (10 classes)")
for i, value in enumerate(bars.values()):
    ax_acc.text(i, value + 0.02, f"{value:.2f}", ha="center")
ax_acc.set(ylabel="accuracy", ylim=(0, 1.1), title="Held-out accuracy, inference mode")
ax_acc.legend(loc="upper left")
# The picture's claims, asserted (accuracies computed in NumPy from the logits):
assert plain_after < 0.3 and losses["plain"][-1] > 2.0  # near chance: accuracy 0.1, loss ln 10
assert losses["with_bn"][-1] < 0.5
assert after > 0.85 and after > before + 0.3, (before, after)
plots.show(fig, f"Notice that the plain network's loss stays near ln 10 = 2.3 while the normalized one's falls "
           f"below 0.5, and that its held-out accuracy in inference mode rises from {before:.2f} to {after:.2f} "
           "once the moving statistics are recalibrated.")

# %% [markdown]
# ## Key terms
#
# - **Normalization layer**: subtracts a mean (optionally), divides by a spread, then applies a
#   learned scale γ and shift β.
# - **Batch and moving statistics**: the batch's mean and variance per feature (training), and
#   their exponential moving averages, non-trainable weights used at inference.
# - **Momentum** (Keras): the weight of the *old* moving value.
# - **Biased variance**: divides by n (NumPy's default `ddof=0`), as all five layers do.
# - **Epsilon**: a small constant added to the variance, inside the square root.
# - **Instance normalization**: one group per channel (`GroupNormalization(groups=-1)`).
# - **RMS**: root mean square; normalizes scale without centring.
# - **Pre-norm**: the Transformer block layout `x + f(norm(x))`.

# %% [markdown]
# ## Summary
#
# - The five layers share one formula and differ in which numbers share statistics: a feature over
#   the batch (Batch), one sample (Layer, RMS, Unit), consecutive channels of a sample (Group).
# - `BatchNormalization`: batch statistics (biased variance) in training, moving statistics at
#   inference and when frozen; `moving = momentum·moving + (1−momentum)·batch`.
# - ε goes inside the square root.
# - Normalization keeps activations on one scale through depth; with `momentum=0.99` and short
#   training, recalibrate the moving statistics before trusting inference mode.

# %% [markdown]
# ## Exercises
#
# Each exercise cell prints its task and what counts as done; `ex.check(...)` says what is right and
# what is not yet. Uncomment `ex.hint()` or `ex.solution()` only when you want them.
#
# ### Exercise 11.1 · The moving mean after k training steps
#
# Predict it first: how far behind is the moving mean after 30 steps with `momentum=0.99`?

# %%
ex = exercise("11.1")  # prints the task and how you know you are done


def moving_mean_after(steps, momentum, batch_mean):
    ...  # your code here


ex.check(moving_mean_after)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 11.2 · Fold BatchNormalization into the Dense before it

# %%
ex = exercise("11.2")


def fold_batch_norm(kernel, bias, gamma, beta, moving_mean, moving_variance, epsilon):
    ...  # your code here


ex.check(fold_batch_norm)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 11.3 · Group normalization for channels-first input

# %%
ex = exercise("11.3")


def group_norm_channels_first(x, groups):
    ...  # your code here


ex.check(group_norm_channels_first)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ## Deep dive (optional)
#
# The proofs of the other four layers' formulas, each on an input where a plausible wrong version
# gives a different number, and what changed since Keras 2. Nothing in the core path relies on them.

# %% [markdown]
# ### `UnitNormalization` for cosine similarity
#
# This proves the Why section's claim that after unit normalization a dot product is the cosine of
# the angle between the two vectors; read it if you build embeddings for retrieval.

# %%
a, b = rng.normal(size=(2, 1, 5)).astype("float32")
unit_layer = keras.layers.UnitNormalization()
dot = float(np.sum(to_numpy(unit_layer(a)) * to_numpy(unit_layer(b))))
cosine = float(np.sum(a * b) / (np.linalg.norm(a) * np.linalg.norm(b)))
print(f"dot of unit vectors {dot:.6f}, cosine {cosine:.6f}")
assert abs(dot - cosine) < 1e-6

# %% [markdown]
# ### `BatchNormalization` on images: statistics per channel over batch, height and width
#
# This proves that on images the statistics are per channel over batch, height and width, as the
# Table says; read it if you normalize feature maps.

# %%
images = rng.normal(size=(3, 4, 5, 2)).astype("float32") * np.array([1.0, 5.0], "float32")
out = to_numpy(keras.layers.BatchNormalization()(images, training=True))
mean, var = images.mean(axis=(0, 1, 2)), images.var(axis=(0, 1, 2))
np.testing.assert_allclose(out, (images - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-4)
print("per-channel statistics over (N, H, W):", mean.round(3), var.round(3))

# %% [markdown]
# ### `LayerNormalization` along its axes, and epsilon **inside** the square root
#
# This proves where ε goes, which matters when a group's variance is as small as ε. The layer divides by $\sqrt{\sigma^2 + \epsilon}$, not by $\sigma + \epsilon$. The two agree for
# large variances, so the test uses inputs whose variance ($\approx 10^{-4}$) is smaller than
# $\epsilon = 10^{-3}$: inside the root the output's spread is $\approx\sqrt{10^{-4}/1.1\cdot10^{-3}}
# \approx 0.3$; outside it would be $\approx 0.9$.

# %%
def numpy_layer_norm(x, axes, eps, eps_inside=True):
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    return (x - mean) / (np.sqrt(var + eps) if eps_inside else np.sqrt(var) + eps)


small = (rng.normal(size=(2, 5, 4)) * 1e-2).astype("float32")  # (batch, time, features)
for axes in (-1, [1, 2]):
    out = to_numpy(keras.layers.LayerNormalization(axis=axes, epsilon=1e-3)(small))
    np.testing.assert_allclose(out, numpy_layer_norm(small, tuple(np.atleast_1d(axes)), 1e-3), rtol=1e-4, atol=1e-5)
    outside = numpy_layer_norm(small, tuple(np.atleast_1d(axes)), 1e-3, eps_inside=False)
    assert np.abs(out - outside).max() > 0.3  # fails if epsilon were added to the std
    print(f"axis={axes}: output std {out.std():.3f}; the 'σ + ε' version would give {outside.std():.3f}")

# %% [markdown]
# With learned γ and β (shape of the normalized axes), the output is
# $\gamma\cdot\hat x + \beta$, broadcast over the other axes.

# %%
ln = keras.layers.LayerNormalization(axis=-1)
ln.build(small.shape)
gamma, beta = rng.normal(size=(2, 4)).astype("float32")
ln.set_weights([gamma, beta])
np.testing.assert_allclose(to_numpy(ln(small)), gamma * numpy_layer_norm(small, (-1,), 1e-3) + beta,
                           rtol=1e-4, atol=1e-5)
print("gamma and beta applied per feature")

# %% [markdown]
# ### `UnitNormalization`: length 1 along `axis`, and a zero vector stays zero
#
# This proves what happens to a zero or tiny vector, where a naive formula gives NaN. Keras computes $x / \max(\lVert x\rVert_2, 10^{-12})$, so the zero vector maps to zero rather
# than to NaN (a plain `x / norm` would divide 0 by 0), and a vector shorter than 10⁻¹² is
# divided by 10⁻¹², not by its length: it comes out shorter than 1.

# %%
x = rng.normal(size=(3, 4, 2)).astype("float32")
x[0, :, 0] = 0.0  # one zero vector along axis 1
out = to_numpy(keras.layers.UnitNormalization(axis=1)(x))
norms = np.linalg.norm(x, axis=1, keepdims=True)
np.testing.assert_allclose(out, x / np.maximum(norms, 1e-12), rtol=1e-5, atol=1e-6)
assert not np.isnan(out).any() and np.all(out[0, :, 0] == 0)
with np.errstate(invalid="ignore"):
    assert np.isnan(x / norms).any()  # the naive formula gives NaN there
np.testing.assert_allclose(np.linalg.norm(out[1:], axis=1), 1, rtol=1e-5)
below_floor = np.array([[3e-13, 4e-13]], "float32")  # length 5e-13
floored = to_numpy(keras.layers.UnitNormalization()(below_floor))
np.testing.assert_allclose(floored, below_floor / 1e-12, rtol=1e-3)  # length 0.5: fails for a floor of 0 or 1e-7
print("lengths along axis 1:", np.linalg.norm(out, axis=1).round(5).tolist())

# %% [markdown]
# ### `GroupNormalization`: consecutive channels form a group
#
# This proves which channels form a group (exercise 11.3 asks you to write it for channels-first
# input). With 6 channels and `groups=3`, the groups are channels {0, 1}, {2, 3}, {4, 5}, each normalized
# over height, width and its 2 channels, per sample. A plausible wrong reading, groups interleaved
# as {0, 3}, {1, 4}, {2, 5}, gives different numbers, and so does per-channel (instance)
# normalization. Then the two extremes: `groups=-1` is instance normalization and `groups=1`
# equals `LayerNormalization` over height, width and channels.

# %%
def numpy_group_norm(x, groups, eps=1e-3, interleaved=False):
    n, h, w, c = x.shape
    if interleaved:  # channel k goes to group k % groups
        order = np.concatenate([np.arange(g, c, groups) for g in range(groups)])
        inverse = np.argsort(order)
        return numpy_group_norm(x[..., order], groups, eps)[..., inverse]
    grouped = x.reshape(n, h, w, groups, c // groups)
    mean = grouped.mean(axis=(1, 2, 4), keepdims=True)
    var = grouped.var(axis=(1, 2, 4), keepdims=True)
    return ((grouped - mean) / np.sqrt(var + eps)).reshape(x.shape)


images = (rng.normal(size=(2, 4, 4, 6)) * np.arange(1, 7) + np.arange(6)).astype("float32")
out = to_numpy(keras.layers.GroupNormalization(groups=3)(images))
np.testing.assert_allclose(out, numpy_group_norm(images, 3), rtol=1e-4, atol=1e-4)
assert not np.allclose(out, numpy_group_norm(images, 3, interleaved=True), atol=0.1)
assert not np.allclose(out, numpy_group_norm(images, 6), atol=0.1)

instance = to_numpy(keras.layers.GroupNormalization(groups=-1)(images))
np.testing.assert_allclose(instance, numpy_group_norm(images, 6), rtol=1e-4, atol=1e-4)
one_group = to_numpy(keras.layers.GroupNormalization(groups=1)(images))
layer_norm_all = to_numpy(keras.layers.LayerNormalization(axis=[1, 2, 3])(images))
np.testing.assert_allclose(one_group, layer_norm_all, rtol=1e-4, atol=1e-4)
print("groups of consecutive channels; groups=-1 is instance norm; groups=1 equals LayerNormalization")

# %% [markdown]
# ### `RMSNormalization`: no centring, and epsilon inside the root
#
# This proves the RMS formula on the two points where implementations differ.
# $y = \text{scale}\cdot x/\sqrt{\overline{x^2} + \epsilon}$ with ε = 10⁻⁶. Two traps:
# the input has a non-zero mean (a centred version would differ), and its mean square is about
# 10⁻⁶, the size of ε (so "divide by RMS + ε" would give outputs more than 1.1 times larger).

# %%
x = (rng.normal(loc=0.5, size=(3, 8)) * 1e-3).astype("float32")
rms = keras.layers.RMSNormalization()
rms.build(x.shape)
scale = rng.uniform(0.5, 2.0, size=8).astype("float32")
rms.scale.assign(scale)
out = to_numpy(rms(x))

mean_square = (x.astype("float64") ** 2).mean(axis=-1, keepdims=True)
expected = scale * x / np.sqrt(mean_square + 1e-6)
np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)
outside = scale * x / (np.sqrt(mean_square) + 1e-6)
centred = scale * (x - x.mean(-1, keepdims=True)) / np.sqrt(((x - x.mean(-1, keepdims=True)) ** 2).mean(-1, keepdims=True) + 1e-6)
assert np.abs(out - outside).max() > 0.2  # fails if epsilon were added to the RMS
assert np.all(np.abs(outside) > 1.1 * np.abs(out))  # "RMS + ε" outputs: more than 1.1 times larger
assert np.abs(out - centred).max() > 0.2  # fails if the mean were subtracted
print(f"distance to 'RMS + ε': {np.abs(out - outside).max():.3f}; to a centred version: {np.abs(out - centred).max():.3f}")

# %% [markdown]
# ### Keras 2 → 3, proved
#
# This proves what changed since Keras 2 (`tf.keras`) and older tutorials; read it if you port older
# code.
#
# **A `Dense(64, kernel_normalizer=UnitNormalization())`, as sometimes suggested, does not exist.** Normalization
# layers are applied to activations, as layers; `Dense` rejects the argument. (To constrain a
# kernel's norm, use `kernel_constraint=keras.constraints.UnitNorm()`, section 05.)

# %%
error = expect_error(ValueError, lambda: keras.layers.Dense(64, kernel_normalizer=keras.layers.UnitNormalization()))
assert "kernel_normalizer" in str(error)
print(error)

# %% [markdown]
# **`LayerNormalization(rms_scaling=True)` is deprecated: use `RMSNormalization`.** Keras 3 warns,
# and says why: the old flag scaled by the variance, not the root mean square. TensorFlow-era
# arguments such as `BatchNormalization(fused=True)` are gone.

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    keras.layers.LayerNormalization(rms_scaling=True)
messages = [str(w.message) for w in caught]
assert len(messages) == 1 and "RMSNormalization" in messages[0], messages
assert "fused" in str(expect_error(ValueError, lambda: keras.layers.BatchNormalization(fused=True)))
print(messages[0])

# %% [markdown]
# **`GroupNormalization` is a core layer** (Keras 2.11+; before that it lived in the separate
# TensorFlow Addons package), and **`RMSNormalization`** is a recent Keras 3 addition that older
# tutorials never mention.

# %%
assert keras.layers.GroupNormalization.__module__.startswith("keras.")
assert issubclass(keras.layers.RMSNormalization, keras.layers.Layer)
print(keras.layers.GroupNormalization.__module__, "|", keras.layers.RMSNormalization.__module__)

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
# # 07 · Convolution layers
#
# A convolution layer slides a small kernel over a sequence, an image or a volume and computes the
# same weighted sum at every position. That one idea, **local and shared weights**, is why
# convolutional networks need thousands of parameters where a `Dense` layer would need millions.
# The ten convolution layers of Keras 3 are rebuilt here in NumPy: Keras computes a
# **cross-correlation** (the kernel is not flipped), and a transposed convolution runs the
# convolution backwards. Hand-set edge and blur kernels on a photograph close the notebook.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/notebooks/07_convolution.ipynb)

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
# The tools: Keras, NumPy (`sliding_window_view` gives every window of an array), SciPy's
# `correlate2d`/`convolve2d` as a second reference, a bundled photograph, and the course helpers.

# %%
import itertools
import math
import os

import keras
import matplotlib.pyplot as plt
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.signal import convolve2d, correlate2d
from sklearn.datasets import load_sample_image

from helpers import plots
from helpers.nbtools import expect_error, to_numpy
from helpers.selfcheck import exercise

plots.use_course_style()
rng = np.random.default_rng(0)  # every synthetic array below comes from this generator
BACKEND = keras.backend.backend()
print("backend:", BACKEND)


def numpy_uniform(shape, dtype=None):
    """Initial weights uniform in [-0.5, 0.5), drawn by NumPy.

    The proofs need random weights, not learned ones. A built-in random initializer would do, but on
    JAX each new weight shape compiles a small program first (about a second on a CPU); weights
    drawn by NumPy skip that, which keeps this notebook quick on every backend.
    """
    return rng.uniform(-0.5, 0.5, size=shape).astype(dtype or "float32")


RANDOM = {"kernel_initializer": numpy_uniform, "bias_initializer": numpy_uniform}
RANDOM_DEPTHWISE = {"depthwise_initializer": numpy_uniform, "bias_initializer": numpy_uniform}
RANDOM_SEPARABLE = {**RANDOM_DEPTHWISE, "pointwise_initializer": numpy_uniform}
BY_HAND = {"kernel_initializer": "zeros"}  # for kernels that set_weights fills in right after build

# %% [markdown]
# ## What
#
# For a 1-D input `x` with channels and a kernel `w` of shape `(kernel_size, in_channels, filters)`,
# `Conv1D` computes, for each output position `t` and filter `f`:
#
# $$y[t, f] = b[f] + \sum_{i=0}^{k-1} \sum_{c} x[t \cdot s + i \cdot d,\; c]\; w[i, c, f]$$
#
# with stride `s` and dilation `d`. The index runs **forward** (`x[t + i]`): this is a
# **cross-correlation**. The textbook *convolution* flips the kernel (`x[t − i]`). For a symmetric
# kernel the two agree, so the proof uses an asymmetric one, where they do not: Keras matches
# `np.correlate` and **not** `np.convolve`.

# %%
signal = rng.normal(size=12).astype("float32")
ramp = np.array([1.0, 2.0, -3.0], "float32")  # asymmetric: ramp != ramp[::-1]
conv = keras.layers.Conv1D(1, 3, use_bias=False, **BY_HAND)
conv.build((None, 12, 1))
conv.set_weights([ramp.reshape(3, 1, 1)])
keras_out = to_numpy(conv(signal.reshape(1, 12, 1)))[0, :, 0]
np.testing.assert_allclose(keras_out, np.correlate(signal, ramp, mode="valid"), rtol=1e-5, atol=1e-6)
flipped = np.convolve(signal, ramp, mode="valid")
assert np.abs(keras_out - flipped).max() > 0.5  # fails if Keras flipped the kernel
print("Keras == np.correlate; differs from np.convolve by", float(np.abs(keras_out - flipped).max()))

# %% [markdown]
# ## Where
#
# All ten layers are in `keras.layers`. Each standard, separable and transposed layer also has a
# `Convolution…` spelling; these are **the same class objects**, not subclasses or wrappers.
#
# | Family | 1-D | 2-D | 3-D |
# |---|---|---|---|
# | standard | `Conv1D` | `Conv2D` | `Conv3D` |
# | separable | `SeparableConv1D` | `SeparableConv2D` | – |
# | depthwise | `DepthwiseConv1D` | `DepthwiseConv2D` | – |
# | transposed | `Conv1DTranspose` | `Conv2DTranspose` | `Conv3DTranspose` |

# %%
aliases = {
    "Convolution1D": "Conv1D", "Convolution2D": "Conv2D", "Convolution3D": "Conv3D",
    "Convolution1DTranspose": "Conv1DTranspose", "Convolution2DTranspose": "Conv2DTranspose",
    "Convolution3DTranspose": "Conv3DTranspose",
    "SeparableConvolution1D": "SeparableConv1D", "SeparableConvolution2D": "SeparableConv2D",
}
for alias, name in aliases.items():
    assert getattr(keras.layers, alias) is getattr(keras.layers, name), alias
assert keras.layers.Convolution1D is keras.layers.Conv1D and keras.layers.Convolution2D is keras.layers.Conv2D
assert keras.layers.Convolution3D is keras.layers.Conv3D
assert keras.layers.Convolution1DTranspose is keras.layers.Conv1DTranspose
assert keras.layers.Convolution2DTranspose is keras.layers.Conv2DTranspose
assert keras.layers.Convolution3DTranspose is keras.layers.Conv3DTranspose
assert keras.layers.SeparableConvolution1D is keras.layers.SeparableConv1D
assert keras.layers.SeparableConvolution2D is keras.layers.SeparableConv2D
print(len(aliases), "aliases, each the very same class as its Conv* name")

# %% [markdown]
# ## Why
#
# - **Locality**: nearby samples and pixels are related; a small kernel looks only at a
#   neighbourhood.
# - **Weight sharing**: the same kernel is used at every position, so a pattern learned in one
#   corner is recognized everywhere (translation equivariance), and the parameter count does not
#   depend on the image size.
# - **Cheaper variants**: depthwise and separable convolutions factor the work into a per-channel
#   spatial filter and a 1×1 channel mixer (MobileNet, Xception).
# - **Upsampling**: transposed convolutions learn to enlarge feature maps (decoders, generators,
#   segmentation).

# %% [markdown]
# ## When
#
# | Data | Layer |
# |---|---|
# | sequences, audio, sensor signals `(batch, steps, channels)` | `Conv1D` (`padding="causal"` for forecasting) |
# | images `(batch, height, width, channels)` | `Conv2D` |
# | volumes, video `(batch, depth, height, width, channels)` | `Conv3D` |
# | many channels, tight parameter budget | `SeparableConv1D/2D` |
# | per-channel filtering only (blur each colour separately, MobileNet blocks) | `DepthwiseConv1D/2D` |
# | enlarge a feature map by a learned filter | `Conv1D/2D/3DTranspose` with `strides > 1` |
# | split channels into independent paths (ResNeXt) | `groups=g` on `Conv*D` |

# %% [markdown]
# ## Who
#
# - **Computer-vision engineers**: classification, detection, segmentation backbones.
# - **Signal and audio people**: `Conv1D` over raw waveforms or spectrogram frames; causal
#   convolutions in WaveNet-style models.
# - **Medical imaging and video**: `Conv3D` over CT/MRI volumes and frame stacks.
# - **Mobile and edge developers**: depthwise and separable convolutions.
# - **Generative-model authors**: transposed convolutions in decoders and GAN generators.

# %% [markdown]
# ## How
#
# Channels come **last** by default (`data_format="channels_last"`). The kernel of a standard
# convolution has shape `(*kernel_size, in_channels, filters)`. Below, each layer is checked
# against one NumPy reference, `correlate_nd`, written from the formula in What: pad, cut every
# window with `sliding_window_view`, keep every `stride`-th window and every `dilation`-th tap, and
# contract the window with the kernel.

# %%
def same_padding(n, k, stride, dilation):
    """(left, right) zero padding for padding='same': output length ceil(n / stride)."""
    span = dilation * (k - 1) + 1
    total = max((math.ceil(n / stride) - 1) * stride + span - n, 0)
    return total // 2, total - total // 2


def correlate_nd(x, kernel, bias=None, strides=1, dilation=1, padding="valid"):
    """NumPy cross-correlation: x (batch, *spatial, c_in), kernel (*k, c_in, c_out) -> (batch, *out, c_out)."""
    rank = kernel.ndim - 2
    ks = kernel.shape[:rank]
    strides = (strides,) * rank if np.isscalar(strides) else tuple(strides)
    dilation = (dilation,) * rank if np.isscalar(dilation) else tuple(dilation)
    pads = [(0, 0)]
    for n, k, s, d in zip(x.shape[1:-1], ks, strides, dilation, strict=True):
        if padding == "same":
            pads.append(same_padding(n, k, s, d))
        elif padding == "causal":
            pads.append((d * (k - 1), 0))
        else:
            pads.append((0, 0))
    x = np.pad(x, pads + [(0, 0)])
    spans = [d * (k - 1) + 1 for k, d in zip(ks, dilation, strict=True)]
    windows = sliding_window_view(x, spans, axis=tuple(range(1, rank + 1)))  # (b, *positions, c, *spans)
    windows = windows[(slice(None),) + tuple(slice(None, None, s) for s in strides)]
    windows = windows[(Ellipsis,) + tuple(slice(None, None, d) for d in dilation)]
    letters = "ijk"[:rank]
    out = np.einsum(f"...c{letters},{letters}cf->...f", windows, kernel)
    return out if bias is None else out + bias


def run(layer, x):
    """Call a Keras layer on a NumPy array and return NumPy."""
    return to_numpy(layer(x))

# %% [markdown]
# ### `Conv1D`
#
# `Conv1D(filters, kernel_size, strides=1, padding="valid", dilation_rate=1, groups=1, ...)` on
# `(batch, steps, channels)`. Here with three channels, stride 2 and `"same"` padding, and with
# dilation 2 and `"causal"` padding (pad only on the left, so output `t` never sees inputs after
# `t`). With dilation `d` the `k` taps sit `d` apart, so one output sees a window `d(k − 1) + 1`
# samples wide, its **receptive field**; each further stride-1 layer widens it by `d(k − 1)`.

# %%
sequence = rng.normal(size=(2, 11, 3)).astype("float32")
for settings in ({"strides": 2, "padding": "same"}, {"dilation_rate": 2, "padding": "causal"}):
    layer = keras.layers.Conv1D(4, 3, **settings, **RANDOM)
    y = run(layer, sequence)
    kernel, bias = layer.get_weights()
    expected = correlate_nd(sequence, kernel, bias, settings.get("strides", 1), settings.get("dilation_rate", 1),
                            settings["padding"])
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-5)
    print(settings, "->", y.shape, "| kernel", kernel.shape)

# %% [markdown]
# ### `Conv2D`
#
# The same on images `(batch, height, width, channels)`, with a `(kh, kw, in, filters)` kernel.
# Non-square kernel and unequal strides, so that a swapped axis would be caught.

# %%
images = rng.normal(size=(2, 9, 10, 3)).astype("float32")
conv2d = keras.layers.Conv2D(5, (3, 2), strides=(2, 1), padding="same", **RANDOM)
y2 = run(conv2d, images)
kernel, bias = conv2d.get_weights()
np.testing.assert_allclose(y2, correlate_nd(images, kernel, bias, (2, 1), 1, "same"), rtol=1e-4, atol=1e-5)
assert y2.shape == (2, 5, 10, 5) and kernel.shape == (3, 2, 3, 5)
print("Conv2D", images.shape, "->", y2.shape)

# %% [markdown]
# ### `Conv3D`
#
# Volumes `(batch, depth, height, width, channels)` with a `(kd, kh, kw, in, filters)` kernel.

# %%
volume = rng.normal(size=(1, 5, 6, 7, 2)).astype("float32")
conv3d = keras.layers.Conv3D(3, (2, 3, 3), dilation_rate=(1, 2, 1), **RANDOM)
y3 = run(conv3d, volume)
kernel, bias = conv3d.get_weights()
np.testing.assert_allclose(y3, correlate_nd(volume, kernel, bias, 1, (1, 2, 1)), rtol=1e-4, atol=1e-5)
print("Conv3D", volume.shape, "->", y3.shape)

# %% [markdown]
# ### `groups`
#
# With `groups=g`, the input channels are split into `g` equal groups and so are the filters;
# filters of group `j` see only channels of group `j`. The kernel shrinks to
# `(*k, in_channels / g, filters)`, so the weights fall by a factor `g`.

# %%
grouped = keras.layers.Conv1D(6, 3, groups=2, **RANDOM)
x_g = rng.normal(size=(2, 8, 4)).astype("float32")
y_g = run(grouped, x_g)
kernel, bias = grouped.get_weights()
assert kernel.shape == (3, 2, 6)  # 4 input channels / 2 groups
expected = np.concatenate(
    [correlate_nd(x_g[..., 2 * j: 2 * j + 2], kernel[..., 3 * j: 3 * j + 3], bias[3 * j: 3 * j + 3]) for j in range(2)],
    axis=-1,
)
np.testing.assert_allclose(y_g, expected, rtol=1e-4, atol=1e-5)
x_g2 = x_g.copy()
x_g2[..., 2:] += 1.0  # change only the second group's channels ...
np.testing.assert_allclose(run(grouped, x_g2)[..., :3], y_g[..., :3], rtol=1e-5, atol=1e-6)  # ... group 0 unaffected
print("groups=2: kernel", kernel.shape, "params", grouped.count_params(), "vs", 3 * 4 * 6 + 6, "ungrouped")

# %% [markdown]
# ### `DepthwiseConv1D` and `DepthwiseConv2D`
#
# A depthwise convolution filters **each input channel on its own** with `depth_multiplier` kernels
# and never mixes channels. Kernel shape `(*k, in_channels, depth_multiplier)`; output channel
# `c · depth_multiplier + m` is channel `c` filtered by kernel `m`.

# %%
def depthwise_numpy(x, kernel, bias, **kwargs):
    """Each channel c with each of its kernels m, output channel c * multiplier + m."""
    c_in, multiplier = kernel.shape[-2:]
    parts = [correlate_nd(x[..., c: c + 1], kernel[..., c: c + 1, :], **kwargs) for c in range(c_in)]
    return np.concatenate(parts, axis=-1) + bias


depth1 = keras.layers.DepthwiseConv1D(3, depth_multiplier=2, **RANDOM_DEPTHWISE)
y_d1 = run(depth1, sequence)
kernel, bias = depth1.get_weights()
assert kernel.shape == (3, 3, 2) and y_d1.shape == (2, 9, 6)
np.testing.assert_allclose(y_d1, depthwise_numpy(sequence, kernel, bias), rtol=1e-4, atol=1e-5)

depth2 = keras.layers.DepthwiseConv2D((3, 3), strides=2, padding="same", **RANDOM_DEPTHWISE)
y_d2 = run(depth2, images)
kernel, bias = depth2.get_weights()
np.testing.assert_allclose(y_d2, depthwise_numpy(images, kernel, bias, strides=2, padding="same"), rtol=1e-4, atol=1e-5)
print("DepthwiseConv1D", sequence.shape, "->", y_d1.shape, "| DepthwiseConv2D", images.shape, "->", y_d2.shape)

# %% [markdown]
# ### `SeparableConv1D` and `SeparableConv2D`
#
# A separable convolution is a depthwise convolution (no bias) followed by a **pointwise** 1×1
# convolution that mixes the channels: weights `depthwise_kernel (*k, in, multiplier)`,
# `pointwise_kernel (1[, 1], in · multiplier, filters)` and a bias `(filters,)`.

# %%
for layer, x in ((keras.layers.SeparableConv1D(4, 3, depth_multiplier=2, **RANDOM_SEPARABLE), sequence),
                 (keras.layers.SeparableConv2D(4, (3, 3), padding="same", **RANDOM_SEPARABLE), images)):
    y = run(layer, x)
    depthwise_kernel, pointwise_kernel, bias = layer.get_weights()
    padding = layer.padding
    spatial = depthwise_numpy(x, depthwise_kernel, 0.0, padding=padding)
    expected = correlate_nd(spatial, pointwise_kernel, bias)
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-5)
    print(type(layer).__name__, [w.shape for w in layer.get_weights()], "->", y.shape)

# %% [markdown]
# ### `Conv1DTranspose`, `Conv2DTranspose`, `Conv3DTranspose`
#
# A transposed convolution runs the convolution's wiring backwards: each **input** position
# scatters a copy of the kernel, weighted by its value, into the output, and overlapping copies add
# up. With `strides=s` the copies land `s` apart, so the map grows by about `s`. The kernel shape is
# `(*k, filters, in_channels)`: **output channels before input channels**, the reverse of a
# standard convolution. The NumPy reference below is literally that scatter-add.

# %%
def transpose_1d_numpy(y, kernel, strides, bias=0.0, dilation=1):
    """Scatter-add: input position t adds y[t] @ kernel[i].T to output position t * strides + i * dilation
    (padding 'valid')."""
    batch, n, _ = y.shape
    k, c_out, _ = kernel.shape
    out = np.zeros((batch, (n - 1) * strides + max(dilation * (k - 1) + 1, strides), c_out), "float64")
    for t in range(n):
        for i in range(k):
            out[:, t * strides + i * dilation] += y[:, t] @ kernel[i].T
    return out + bias


up1 = keras.layers.Conv1DTranspose(2, 3, strides=2, **RANDOM)
short = rng.normal(size=(2, 5, 4)).astype("float32")
y_t1 = run(up1, short)
kernel, bias = up1.get_weights()
assert kernel.shape == (3, 2, 4) and y_t1.shape == (2, 11, 2)  # (5 - 1) * 2 + 3 = 11
np.testing.assert_allclose(y_t1, transpose_1d_numpy(short, kernel, 2, bias), rtol=1e-4, atol=1e-5)

up2 = keras.layers.Conv2DTranspose(3, (3, 3), strides=2, padding="same", **RANDOM)
up3 = keras.layers.Conv3DTranspose(2, 2, strides=(1, 2, 2), **RANDOM)
y_t2, y_t3 = run(up2, images), run(up3, volume)
assert y_t2.shape == (2, 18, 20, 3)  # 'same': size * stride
assert y_t3.shape == (1, 6, 12, 14, 2)  # 'valid': (n - 1) * s + max(k, s)
print("Conv1DTranspose", short.shape, "->", y_t1.shape, "| Conv2DTranspose", images.shape, "->", y_t2.shape,
      "| Conv3DTranspose", volume.shape, "->", y_t3.shape)

# %% [markdown]
# ## Pros
#
# - Few parameters, independent of the input size; the same layer works on any length or image
#   size (use `None` in `keras.Input`).
# - Translation equivariance is built in: shift the input and the output shifts with it.
# - Separable and depthwise variants cut weights and multiply-adds by large factors.
# - Transposed convolutions give learnable upsampling with exactly the right output size.

# %% [markdown]
# ## Cons
#
# - The receptive field grows slowly (by `k − 1` per layer); long-range context needs depth,
#   dilation or pooling.
# - `strides > 1` together with `dilation_rate > 1` is refused by Keras.
# - Transposed convolutions with `kernel_size` not divisible by `strides` overlap unevenly and give
#   checkerboard artefacts (shown in Proof).
# - Output sizes depend on padding, stride and dilation in a way that is easy to get wrong: the
#   formula below is worth memorizing.
# - Convolutions are costly on CPU for large images: keep inputs small when experimenting.

# %%
refused = expect_error(ValueError, lambda: keras.layers.Conv1D(2, 3, strides=2, dilation_rate=2))
assert "not supported in conjunction with `dilation_rate > 1`" in str(refused)
print(refused)

# %% [markdown]
# ## Picture
#
# ### Parameters: standard vs separable vs depthwise
#
# For a 3×3 kernel and `C` input and `C` output channels:
# standard `9·C·C + C`, separable `9·C + C·C + C`, depthwise `9·C + C`. The plot counts the weights
# of real built layers; the Table section proves the formulas.

# %%
ZERO_INIT = {"kernel_initializer", "depthwise_initializer", "pointwise_initializer"}


def built_params(layer, input_shape):
    """Build `layer` for `input_shape` (zero-initialized, which is fast) and count its weights."""
    config = layer.get_config()
    config.update({key: "zeros" for key in ZERO_INIT if key in config})
    layer = type(layer).from_config(config)
    layer.build(input_shape)
    return layer.count_params()


channels = np.array([8, 16, 32, 64, 128, 256])
counts = {
    "Conv2D": [built_params(keras.layers.Conv2D(c, 3), (None, 16, 16, c)) for c in channels],
    "SeparableConv2D": [built_params(keras.layers.SeparableConv2D(c, 3), (None, 16, 16, c)) for c in channels],
    "DepthwiseConv2D": [built_params(keras.layers.DepthwiseConv2D(3), (None, 16, 16, c)) for c in channels],
}
np.testing.assert_array_equal(counts["Conv2D"], 9 * channels * channels + channels)
np.testing.assert_array_equal(counts["SeparableConv2D"], 9 * channels + channels * channels + channels)
np.testing.assert_array_equal(counts["DepthwiseConv2D"], 9 * channels + channels)

fig, (ax, ratio_ax) = plt.subplots(1, 2, figsize=(11, 4))
for name, marker in zip(counts, "osd", strict=True):
    ax.plot(channels, counts[name], marker=marker, label=name)
ax.set(xscale="log", yscale="log", title="Parameters of a 3×3 layer, C → C channels", xlabel="channels C",
       ylabel="parameters")
ax.set_xticks(channels, [str(c) for c in channels])
ax.legend()
ratio = np.array(counts["Conv2D"]) / np.array(counts["SeparableConv2D"])
ratio_ax.plot(channels, ratio, "s-", color=plots.ACCENT)
ratio_ax.axhline(9, color="grey", ls="--", label="limit k² = 9")
ratio_ax.set(xscale="log", title="Conv2D / SeparableConv2D", xlabel="channels C", ylabel="times fewer parameters")
ratio_ax.set_xticks(channels, [str(c) for c in channels])
ratio_ax.legend()
fig.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that on the log axes Conv2D grows like C² while DepthwiseConv2D grows like C, and the "
           "Conv2D/SeparableConv2D ratio climbs from about 4 at 8 channels towards the k² = 9 line.")

# %% [markdown]
# ### A convolution is a banded matrix, and the transposed convolution is its transpose
#
# A 1-D convolution (1 channel, kernel 3, stride 2, `"valid"`) on 9 samples is a linear map from
# ℝ⁹ to ℝ⁴, so it is a 4×9 matrix `C` with the kernel copied along a band, shifted by the stride. We
# build `C` in NumPy from the kernel alone, check that the Keras layer equals `C @ x`, and check that
# `Conv1DTranspose` **with the same kernel** equals `Cᵀ @ y`.

# %%
kernel_1 = np.array([1.0, -2.0, 0.5], "float32")
n_in, stride = 9, 2
n_out = (n_in - 3) // stride + 1
C = np.zeros((n_out, n_in), "float32")
for t in range(n_out):
    C[t, t * stride: t * stride + 3] = kernel_1

forward_1 = keras.layers.Conv1D(1, 3, strides=stride, use_bias=False, **BY_HAND)
forward_1.build((None, n_in, 1))
forward_1.set_weights([kernel_1.reshape(3, 1, 1)])
backward_1 = keras.layers.Conv1DTranspose(1, 3, strides=stride, use_bias=False, **BY_HAND)
backward_1.build((None, n_out, 1))
backward_1.set_weights([kernel_1.reshape(3, 1, 1)])

x_1 = rng.normal(size=n_in).astype("float32")
y_1 = rng.normal(size=n_out).astype("float32")
np.testing.assert_allclose(run(forward_1, x_1.reshape(1, n_in, 1)).ravel(), C @ x_1, rtol=1e-5, atol=1e-6)
np.testing.assert_allclose(run(backward_1, y_1.reshape(1, n_out, 1)).ravel(), C.T @ y_1, rtol=1e-5, atol=1e-6)

fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), gridspec_kw={"width_ratios": [9, 4]}, layout="constrained")
for ax, matrix, title in ((axes[0], C, "Conv1D (stride 2) as a matrix C: 4 × 9"),
                          (axes[1], C.T, "Conv1DTranspose = Cᵀ: 9 × 4")):
    shown = ax.imshow(matrix, cmap="RdBu_r", vmin=-2, vmax=2)
    ax.set(title=title, xlabel="input position", ylabel="output position",
           xticks=range(matrix.shape[1]), yticks=range(matrix.shape[0]))
    ax.grid(False)
fig.colorbar(shown, ax=axes, shrink=0.8, label="kernel weight (1, −2, 0.5)")
plt.close(fig)
plots.show(fig, "Notice that each row of C holds the kernel 1, −2, 0.5 two columns to the right of the row "
           "above (stride 2), and that Cᵀ holds the same band with rows and columns swapped.")

# %% [markdown]
# ## Table
#
# With input length `n`, kernel `k`, stride `s`, dilation `d`, output padding `p`, channels
# `c_in → c_out`, depth multiplier `m`, groups `g`:
#
# | Layer | Output length | Kernel shape | Parameters (with bias) |
# |---|---|---|---|
# | `Conv*D`, `padding="valid"` | `⌊(n − d(k−1) − 1) / s⌋ + 1` | `(*k, c_in/g, c_out)` | `Πk · c_in/g · c_out + c_out` |
# | `Conv*D`, `padding="same"` | `⌈n / s⌉` | same | same |
# | `Conv1D`, `padding="causal"` | `⌈n / s⌉`, left padding `d(k−1)` | same | same |
# | `DepthwiseConv*D` | as `Conv*D` | `(*k, c_in, m)` | `Πk · c_in · m + c_in · m` |
# | `SeparableConv*D` | as `Conv*D` | depthwise `(*k, c_in, m)`, pointwise `(1…, c_in·m, c_out)` | `Πk·c_in·m + c_in·m·c_out + c_out` |
# | `Conv*DTranspose`, `"valid"` | `(n − 1)·s + max(k, s)`; with `output_padding=p`: `(n − 1)·s + k + p` | `(*k, c_out, c_in)` | `Πk · c_in · c_out + c_out` |
# | `Conv*DTranspose`, `"same"` | `n · s` | same | same |
#
# The parameter column, proved on real layers with sizes where the alternatives differ
# (`c_in ≠ c_out`, non-square kernels, `m > 1`, `g > 1`):

# %%
c_in, c_out, m, g = 6, 10, 3, 2
assert built_params(keras.layers.Conv2D(c_out, (3, 5)), (None, 8, 8, c_in)) == 3 * 5 * c_in * c_out + c_out
assert built_params(keras.layers.Conv2D(c_out, (3, 5), groups=g), (None, 8, 8, c_in)) == 3 * 5 * c_in // g * c_out + c_out
assert built_params(keras.layers.Conv1D(c_out, 4), (None, 8, c_in)) == 4 * c_in * c_out + c_out
assert built_params(keras.layers.Conv3D(c_out, (2, 3, 4)), (None, 6, 6, 6, c_in)) == 24 * c_in * c_out + c_out
assert built_params(keras.layers.DepthwiseConv1D(4, depth_multiplier=m), (None, 8, c_in)) == 4 * c_in * m + c_in * m
assert built_params(keras.layers.DepthwiseConv2D((3, 5), depth_multiplier=m), (None, 8, 8, c_in)) == 15 * c_in * m + c_in * m
assert built_params(keras.layers.SeparableConv1D(c_out, 4, depth_multiplier=m), (None, 8, c_in)) == (
    4 * c_in * m + c_in * m * c_out + c_out)
assert built_params(keras.layers.SeparableConv2D(c_out, (3, 5), depth_multiplier=m), (None, 8, 8, c_in)) == (
    15 * c_in * m + c_in * m * c_out + c_out)
assert built_params(keras.layers.Conv1DTranspose(c_out, 4), (None, 8, c_in)) == 4 * c_in * c_out + c_out
assert built_params(keras.layers.Conv2DTranspose(c_out, (3, 5)), (None, 8, 8, c_in)) == 15 * c_in * c_out + c_out
assert built_params(keras.layers.Conv3DTranspose(c_out, (2, 3, 4)), (None, 6, 6, 6, c_in)) == 24 * c_in * c_out + c_out
print("all eleven parameter formulas hold")

# %% [markdown]
# ## Example
#
# ### The output-length formula over a grid of settings
#
# Every combination of `n ∈ 5…13`, `k ∈ 1…5`, `s ∈ 1…3`, `d ∈ 1…3` (with `s = 1` whenever `d > 1`,
# which Keras requires) and the three paddings: the Keras shape (from `compute_output_shape`, no
# computation needed) against the formulas of the Table. Then a sample of the grid is actually run,
# to check that the real output has that length and matches `correlate_nd`.

# %%
def conv_length(n, k, s, d, padding):
    if padding == "valid":
        return (n - d * (k - 1) - 1) // s + 1
    return -(-n // s)  # 'same' and 'causal': ceil(n / s)


grid = [(n, k, s, d, padding) for n, k, s, d, padding in
        itertools.product(range(5, 14), range(1, 6), (1, 2, 3), (1, 2, 3), ("valid", "same", "causal"))
        if (s == 1 or d == 1) and n - d * (k - 1) >= 1]
for n, k, s, d, padding in grid:
    layer = keras.layers.Conv1D(1, k, strides=s, dilation_rate=d, padding=padding)
    assert tuple(layer.compute_output_shape((1, n, 2))) == (1, conv_length(n, k, s, d, padding), 1), (n, k, s, d, padding)

sample = [(11, 3, 2, 1, "valid"), (10, 4, 3, 1, "same"), (9, 2, 1, 2, "same"),  # even k: asymmetric 'same' pad
          (12, 3, 1, 3, "valid"), (10, 3, 2, 1, "causal"), (8, 3, 1, 2, "causal")]  # every padding, s and d
assert set(sample) <= set(grid)
for n, k, s, d, padding in sample:
    layer = keras.layers.Conv1D(2, k, strides=s, dilation_rate=d, padding=padding, **RANDOM)
    x = rng.normal(size=(1, n, 2)).astype("float32")
    y = run(layer, x)
    kernel, bias = layer.get_weights()
    assert y.shape[1] == conv_length(n, k, s, d, padding)
    np.testing.assert_allclose(y, correlate_nd(x, kernel, bias, s, d, padding), rtol=1e-4, atol=1e-5)
print(f"formula holds on {len(grid)} settings; {len(sample)} of them run and matched NumPy")

# %% [markdown]
# ## Proof
#
# ### Checkerboards: why `kernel_size` should be a multiple of `strides`
#
# Feed a constant map of ones to a transposed convolution whose kernel is all ones. With kernel 3
# and stride 2 the scattered copies overlap on every other pixel: along one axis the output
# alternates 1, 2, 1, 2, and in 2-D the product of two such rows (1, 2 and 4) is a checkerboard.
# With kernel 4 and stride 2 every interior pixel is covered exactly twice per axis (4 in 2-D), and
# the interior is flat. The counts come from the scatter-add in NumPy.

# %%
def coverage(k, s, n):
    counts = np.zeros((n - 1) * s + max(k, s))
    for t in range(n):
        counts[t * s: t * s + k] += 1
    return counts


fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
for ax, k in zip(axes, (3, 4), strict=True):
    layer = keras.layers.Conv2DTranspose(1, k, strides=2, use_bias=False, kernel_initializer="ones")
    upsampled = run(layer, np.ones((1, 6, 6, 1), "float32"))[0, :, :, 0]
    np.testing.assert_allclose(upsampled, np.outer(coverage(k, 2, 6), coverage(k, 2, 6)), rtol=1e-6)
    shown = ax.imshow(upsampled, cmap="viridis")
    ax.set(title=f"kernel {k}, stride 2, on a 6 × 6 map of ones", xlabel="width", ylabel="height",
           xticks=range(0, upsampled.shape[1], 2), yticks=range(0, upsampled.shape[0], 2))
    ax.grid(False)
    fig.colorbar(shown, ax=ax, shrink=0.8, label="overlapping kernel copies", ticks=[1, 2, 4])
interior_3 = coverage(3, 2, 6)[2:-2]
interior_4 = coverage(4, 2, 6)[2:-2]
assert set(interior_3) == {1.0, 2.0} and set(interior_4) == {2.0}  # uneven vs even overlap
fig.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that kernel 3 with stride 2 leaves a checkerboard of 1, 2 and 4 overlapping copies, "
           "while kernel 4 with stride 2 covers the whole interior evenly (4 copies everywhere but the border).")

# %% [markdown]
# ## Application
#
# ### Hand-set kernels on a real photograph
#
# A convolution layer does not have to learn its kernel: set it, and it is a classic image filter.
# We take scikit-learn's bundled photograph `china.jpg`, shrink it four times by block averaging
# (106 × 160, so the convolutions are instant on a CPU), convert it to grey, and give one `Conv2D`
# three hand-made kernels: the two **Sobel** edge detectors and a 5×5 **box blur** (padded to 5×5
# by zeros, since all kernels of one layer share a size). SciPy checks each feature map.

# %%
photo = load_sample_image("china.jpg").astype("float32") / 255.0  # (427, 640, 3)
h, w = photo.shape[0] // 4 * 4, photo.shape[1] // 4 * 4
small = photo[:h, :w].reshape(h // 4, 4, w // 4, 4, 3).mean(axis=(1, 3))  # block average
grey = small @ np.array([0.299, 0.587, 0.114], "float32")
print("photo", photo.shape, "-> small", small.shape, "-> grey", grey.shape)

sobel_x = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], "float32")  # dark-to-bright, left to right
sobel_y = sobel_x.T
bank = np.zeros((5, 5, 1, 3), "float32")
bank[1:4, 1:4, 0, 0] = sobel_x
bank[1:4, 1:4, 0, 1] = sobel_y
bank[:, :, 0, 2] = 1.0 / 25.0
filters = keras.layers.Conv2D(3, 5, use_bias=False, **BY_HAND)
filters.build((None, *grey.shape, 1))
filters.set_weights([bank])
maps = run(filters, grey[None, :, :, None])[0]
np.testing.assert_allclose(maps[..., 0], correlate2d(grey, sobel_x, mode="valid")[1:-1, 1:-1], rtol=1e-4, atol=1e-4)
np.testing.assert_allclose(maps[..., 1], correlate2d(grey, sobel_y, mode="valid")[1:-1, 1:-1], rtol=1e-4, atol=1e-4)
np.testing.assert_allclose(maps[..., 2], correlate2d(grey, np.full((5, 5), 1 / 25), mode="valid"), rtol=1e-4, atol=1e-5)
# the sign tells direction: a flipped (true-convolution) Sobel gives the opposite sign everywhere
np.testing.assert_allclose(convolve2d(grey, sobel_x, mode="valid")[1:-1, 1:-1], -maps[..., 0], rtol=1e-4, atol=1e-4)
print("feature maps:", maps.shape)

# %%
magnitude = np.hypot(maps[..., 0], maps[..., 1])
panels = [(grey, "grey input", "gray"), (maps[..., 0], "Sobel x (vertical edges)", "RdBu_r"),
          (maps[..., 1], "Sobel y (horizontal edges)", "RdBu_r"), (magnitude, "edge strength √(x² + y²)", "magma"),
          (maps[..., 2], "5×5 box blur", "gray")]
fig, axes = plt.subplots(1, 5, figsize=(16, 3.3))
for ax, (image, title, cmap) in zip(axes, panels, strict=True):
    limit = np.abs(image).max()
    shown = ax.imshow(image, cmap=cmap, vmin=-limit if cmap == "RdBu_r" else None, vmax=limit if cmap == "RdBu_r" else None)
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
fig.suptitle("One Conv2D with three hand-set kernels on china.jpg (106 × 160)", fontweight="bold")
fig.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that Sobel x marks the pagoda's vertical edges, red or blue by the direction of the "
           "brightness change, Sobel y its horizontal roof lines, and the box blur smooths everything.")

# %% [markdown]
# ## Key terms
#
# - **Kernel (filter)**: the small weight array slid over the input; shape `(*k, c_in, c_out)`.
# - **Cross-correlation**: `Σ x[t + i] w[i]`, what Keras computes; **convolution** flips the kernel,
#   `Σ x[t − i] w[i]`.
# - **Stride**: the step between windows; **dilation**: the gap between kernel taps.
# - **Padding**: `"valid"` (none), `"same"` (zeros so that output = `⌈n / s⌉`), `"causal"` (zeros on
#   the left only, `Conv1D`).
# - **Receptive field**: the input region one output depends on, `d(k − 1) + 1` for one layer.
# - **Depthwise**: one spatial filter per channel, no channel mixing; **pointwise**: a 1×1
#   convolution that only mixes channels; **separable** = depthwise then pointwise.
# - **Groups**: channels split into independent convolutions.
# - **Transposed convolution**: the adjoint `Cᵀ` of a convolution `C`; a learnable upsampler.
# - **Checkerboard artefact**: uneven overlap of a transposed convolution when `k` is not a
#   multiple of `s`.

# %% [markdown]
# ## Summary
#
# - Keras convolutions are **cross-correlations** (`np.correlate`): for hand-set kernels the
#   direction matters.
# - Output length: `valid` → `⌊(n − d(k−1) − 1)/s⌋ + 1`; `same`/`causal` → `⌈n/s⌉`; transposed
#   `valid` → `(n−1)s + max(k, s)`, `same` → `n·s`.
# - Parameters as in the Table; with groups only the kernel term is divided by `g`, and
#   the bias keeps `c_out`. Separable layers need about `k²` times fewer for wide layers.
# - A transposed convolution is the transpose `Cᵀ` of the convolution matrix: a scatter-add; with
#   stride 1 it does not upsample, and `k` a multiple of `s` avoids checkerboards.

# %% [markdown]
# ## Exercises
#
# Each exercise prints its task and how you know you are done; `ex.check(...)` tells you what is
# right and what is not yet. Hints and solutions appear only when you uncomment their line.

# %% [markdown]
# ### Exercise 07.1 · A 1-D convolution with a loop
#
# Write down, in a loop, what `Conv1D` computes for one channel.

# %%
ex = exercise("07.1")  # prints the task and how you know you are done


def conv1d(x, kernel, stride):
    ...  # your code here


ex.check(conv1d)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 07.2 · The receptive field of a dilated stack
#
# How many input samples can one output of a stack of dilated convolutions see?

# %%
ex = exercise("07.2")


def receptive_field(stack):
    ...  # your code here


ex.check(receptive_field)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 07.3 · Count the weights
#
# Work the counts out on paper from the Table first; then let the check build the layers.

# %%
ex = exercise("07.3")

predicted = None  # a dict {"a": 550, "b": ..., ...}: one weight count per layer

ex.check(predicted)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ## Deep dive (optional)
#
# The parts below are there for trust rather than for understanding: the 2-D cross-correlation
# check, the transposed formulas on a grid and per backend, the adjoint proof, a Keras 2 era
# model, and a second application. Nothing in the core path depends on them.

# %% [markdown]
# ### Keras convolution is cross-correlation, in 2-D too
#
# This repeats the What section's proof on images, for readers who set 2-D kernels by hand and need
# to know that they are not flipped. A `Conv2D` with a single asymmetric 3×3 kernel on a random image equals SciPy's `correlate2d`
# (and our `correlate_nd`), and differs from `convolve2d`, which flips the kernel in both axes.

# %%
asymmetric = np.array([[1, 2, 0], [0, -1, 0], [3, 0, -2]], "float32")
plane = rng.normal(size=(12, 13)).astype("float32")
single = keras.layers.Conv2D(1, 3, use_bias=False, **BY_HAND)
single.build((None, 12, 13, 1))
single.set_weights([asymmetric.reshape(3, 3, 1, 1)])
y_plane = run(single, plane.reshape(1, 12, 13, 1))[0, :, :, 0]
np.testing.assert_allclose(y_plane, correlate2d(plane, asymmetric, mode="valid"), rtol=1e-4, atol=1e-5)
np.testing.assert_allclose(y_plane, correlate_nd(plane[None, :, :, None], asymmetric[:, :, None, None])[0, :, :, 0],
                           rtol=1e-4, atol=1e-5)
assert np.abs(y_plane - convolve2d(plane, asymmetric, mode="valid")).max() > 1.0  # fails if the kernel were flipped
# convolution == cross-correlation with the kernel rotated by 180 degrees
np.testing.assert_allclose(convolve2d(plane, asymmetric, mode="valid"), correlate2d(plane, asymmetric[::-1, ::-1], mode="valid"),
                           rtol=1e-5, atol=1e-5)
print("Conv2D == correlate2d; != convolve2d")


# %% [markdown]
# ### The transposed output-length formula, over a grid of settings
#
# This checks the Table's transposed-layer formulas on every combination of a small grid, so you can
# trust them beyond the cases How ran. The grid keeps the dilation at 1; the cell after it runs
# dilated ones.

# %%
def transpose_length(n, k, s, padding, output_padding=None):
    if padding == "same":
        return n * s
    return (n - 1) * s + (max(k, s) if output_padding is None else k + output_padding)


transposed_grid = 0
for n, k, s in itertools.product(range(2, 9), range(1, 6), (1, 2, 3)):
    for padding, output_padding in [("same", None), ("valid", None)] + [("valid", p) for p in range(s)]:
        layer = keras.layers.Conv1DTranspose(1, k, strides=s, padding=padding, output_padding=output_padding)
        assert tuple(layer.compute_output_shape((1, n, 2)))[1] == transpose_length(n, k, s, padding, output_padding)
        transposed_grid += 1
assert run(keras.layers.Conv2DTranspose(1, (3, 2), strides=(2, 3), **BY_HAND), images).shape[1:3] == (
    transpose_length(9, 3, 2, "valid"), transpose_length(10, 2, 3, "valid"))
print(f"transposed formula holds on {transposed_grid} settings")

# %% [markdown]
# Where a dilated transposed convolution runs depends on the backend and on TensorFlow's CPU library,
# which matters if one of your models uses one. Dilated transposed convolutions (stride 1) place the kernel taps `d` apart in the scatter-add, and
# a `"valid"` output has `n + d(k − 1)` positions. Where they run depends on the backend, and on
# TensorFlow on its CPU library: JAX and PyTorch run them; TensorFlow's own CPU kernel refuses
# them ("do not yet support dilation rates larger than 1"), and runs them only when TensorFlow
# uses oneDNN, Intel's CPU library, which is on by default on x86 CPUs. The course's setup cell
# turns oneDNN off (`TF_ENABLE_ONEDNN_OPTS=0`, set before TensorFlow loads), so here TensorFlow
# refuses them. What Keras itself refuses on every backend, for the transposed layers as for the
# forward ones, is `strides > 1` together with `dilation_rate > 1`.

# %%
def dilated_transpose_outcome():
    """Run Conv1DTranspose with dilation 2 and 3 and compare with the scatter-add; or return the error."""
    try:
        for d in (2, 3):
            dilated = keras.layers.Conv1DTranspose(2, 4, dilation_rate=d, **RANDOM)
            y_dilated = run(dilated, short)
            kernel_d, bias_d = dilated.get_weights()
            assert y_dilated.shape == (2, 5 + d * 3, 2)  # fails if the dilation were ignored: 5 + 3
            np.testing.assert_allclose(y_dilated, transpose_1d_numpy(short, kernel_d, 1, bias_d, dilation=d),
                                       rtol=1e-4, atol=1e-5)
    except Exception as error:  # noqa: BLE001 - TensorFlow's CPU error is the outcome
        assert not isinstance(error, AssertionError), error
        return error
    return None


ONEDNN = os.environ.get("TF_ENABLE_ONEDNN_OPTS") != "0"  # TensorFlow's default is on, on x86 CPUs
dilated_error = dilated_transpose_outcome()
if BACKEND == "tensorflow" and not ONEDNN:
    assert "do not yet support dilation rates larger than 1" in str(dilated_error), dilated_error
else:
    assert dilated_error is None, dilated_error
strided_dilated = expect_error(ValueError, lambda: keras.layers.Conv1DTranspose(2, 3, strides=2, dilation_rate=2))
assert "not supported in conjunction with `dilation_rate > 1`" in str(strided_dilated)
print(f"{BACKEND} (oneDNN {'on' if ONEDNN else 'off'}): dilated transposed convolution",
      "refused" if dilated_error else "matches the scatter-add", "| strides=2 with dilation_rate=2:",
      str(strided_dilated)[:70])

# %% [markdown]
# ### A transposed convolution is the adjoint (and the gradient) of the convolution
#
# This proves, with several channels and in 2-D, what the banded-matrix picture showed in 1-D, for
# readers who want to know why a transposed convolution is what backpropagation computes. For a linear map `C`, the adjoint `Cᵀ` is defined by `⟨C x, y⟩ = ⟨x, Cᵀ y⟩` for all `x`, `y`, and
# `Cᵀ y` is also the gradient of `⟨C x, y⟩` with respect to `x`. Here, with several channels,
# stride 2 and 2-D images: a `Conv2D(c_out)` and a `Conv2DTranspose(c_in)` sharing **one kernel**
# of shape `(3, 3, c_in, c_out)`. For the transposed layer that shape reads `(3, 3, filters,
# in_channels)`, which is why the same array fits both. The left and right inner products agree for
# random `x` and `y`; a transposed layer with a **different** random kernel (the `# fails if` case)
# does not.

# %%
ci, co, size = 3, 4, 11
shared = rng.normal(size=(3, 3, ci, co)).astype("float32")
forward_2 = keras.layers.Conv2D(co, 3, strides=2, use_bias=False, **BY_HAND)
forward_2.build((None, size, size, ci))
forward_2.set_weights([shared])
out_size = (size - 3) // 2 + 1
adjoint_2 = keras.layers.Conv2DTranspose(ci, 3, strides=2, use_bias=False, **BY_HAND)
adjoint_2.build((None, out_size, out_size, co))
adjoint_2.set_weights([shared])

x_a = rng.normal(size=(1, size, size, ci)).astype("float32")
y_a = rng.normal(size=(1, out_size, out_size, co)).astype("float32")
Cx, CTy = run(forward_2, x_a), run(adjoint_2, y_a)
assert CTy.shape == x_a.shape  # (out_size - 1) * 2 + 3 == size
left, right = float(np.sum(Cx * y_a)), float(np.sum(x_a * CTy))
assert abs(left - right) <= 1e-4 * abs(left), (left, right)

impostor = keras.layers.Conv2DTranspose(ci, 3, strides=2, use_bias=False, **BY_HAND)
impostor.build((None, out_size, out_size, co))
impostor.set_weights([rng.normal(size=(3, 3, ci, co)).astype("float32")])
assert abs(float(np.sum(x_a * run(impostor, y_a))) - left) > 1.0
print(f"<Cx, y> = {left:.4f}, <x, Cᵀy> = {right:.4f}")

# %% [markdown]
# The gradient form, computed independently in NumPy: `⟨C x, y⟩ = Σ_t Σ_window x · w · y`, so its
# derivative with respect to each `x` entry is the sum of `w · y` over every window that entry falls
# in, which is the scatter-add of How. For the 1-D pair built above:

# %%
def gradient_of_inner_product(y, kernel, stride, n):
    """d/dx of sum_t y[t] * sum_i x[t*stride + i] * kernel[i] (1 channel), by the chain rule."""
    grad = np.zeros(n, "float64")
    for t in range(len(y)):
        for i in range(len(kernel)):
            grad[t * stride + i] += y[t] * kernel[i]
    return grad


np.testing.assert_allclose(run(backward_1, y_1.reshape(1, n_out, 1)).ravel(),
                           gradient_of_inner_product(y_1, kernel_1, stride, n_in), rtol=1e-5, atol=1e-6)
print("Conv1DTranspose(y) == gradient of <Conv1D(x), y> with respect to x")

# %% [markdown]
# ### Keras 2 → 3 and a common mistake: the segmentation model that does not segment
#
# This takes apart a model from older tutorials, useful if you meet it: its transposed layers do not
# upsample. A segmentation example common in older tutorials takes `(128, 128, 3)` images, halves the size twice with
# `MaxPooling2D`, then applies two `Conv2DTranspose` layers with the default `strides=1` and
# `padding="same"`, believing they upsample. They do not: with stride 1 and `"same"`, a transposed
# convolution keeps the size (`n · 1`), so the mask comes out `32 × 32`, a quarter of the labels'
# size, and `fit` would fail. `strides=2` on each transposed layer restores `128 × 128`. (A formula
# often quoted for the transposed layers, `x[i + j] · w[j]`, is that of the forward convolution;
# the scatter-add in How is the real one. The forward formulas quoted with it also leave out the
# stride, the dilation and the sum over input channels that the formula in What includes. And such
# tutorials pass `input_shape=` to layers, which Keras 3 only warns about: start with
# `keras.Input`.)

# %%
def tutorial_segmenter(transpose_strides):
    """The tutorial's architecture (fewer filters; zero kernels, since only shapes matter here)."""
    settings = {"activation": "relu", "padding": "same", "kernel_initializer": "zeros"}
    return keras.Sequential([
        keras.Input((128, 128, 3)),
        keras.layers.Conv2D(8, 3, **settings),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(8, 3, **settings),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2DTranspose(8, 3, strides=transpose_strides, **settings),
        keras.layers.Conv2DTranspose(8, 3, strides=transpose_strides, **settings),
        keras.layers.Conv2D(1, 1, activation="sigmoid", kernel_initializer="zeros"),
    ])


assert tutorial_segmenter(1).output_shape == (None, 32, 32, 1)  # the tutorial's model: 32 x 32 masks
assert tutorial_segmenter(2).output_shape == (None, 128, 128, 1)  # fixed
print("tutorial:", tutorial_segmenter(1).output_shape, "| fixed:", tutorial_segmenter(2).output_shape)

# %% [markdown]
# ### Blurring in colour with `DepthwiseConv2D`, then sharpening with a `SeparableConv2D`
#
# This continues the Application in colour, for readers who want to see a depthwise layer and a
# separable kernel do real work. To blur a colour image, each channel must be blurred **on its own**: exactly a depthwise
# convolution with one Gaussian kernel per channel (a standard `Conv2D` would need a 5×5×3×3 kernel
# that is zero off the diagonal). A Gaussian is itself separable, `g gᵀ`, so a chain of a 5×1 and a
# 1×5 depthwise pass gives the same blur with 10 instead of 25 weights per channel. The RGB result
# is proved channel by channel against SciPy. (The dark frame of the blurred picture is
# `padding="same"` at work: it pads with zeros, that is black, and the border pixels average some
# of that black in.)

# %%
g1 = np.exp(-0.5 * (np.arange(-2, 3) / 1.0) ** 2).astype("float32")
g1 /= g1.sum()
gauss = np.outer(g1, g1)
blur_rgb = keras.layers.DepthwiseConv2D(5, use_bias=False, padding="same", depthwise_initializer="zeros")
blur_rgb.build((None, *small.shape))
blur_rgb.set_weights([np.repeat(gauss[:, :, None, None], 3, axis=2)])
blurred = run(blur_rgb, small[None])[0]

rows = keras.layers.DepthwiseConv2D((5, 1), use_bias=False, padding="same", depthwise_initializer="zeros")
cols = keras.layers.DepthwiseConv2D((1, 5), use_bias=False, padding="same", depthwise_initializer="zeros")
rows.build((None, *small.shape))
cols.build((None, *small.shape))
rows.set_weights([np.repeat(g1.reshape(5, 1, 1, 1), 3, axis=2)])
cols.set_weights([np.repeat(g1.reshape(1, 5, 1, 1), 3, axis=2)])
two_pass = run(cols, run(rows, small[None]))[0]
for c in range(3):
    np.testing.assert_allclose(blurred[..., c], correlate2d(small[..., c], gauss, mode="same"), rtol=1e-4, atol=1e-5)
np.testing.assert_allclose(two_pass, blurred, rtol=1e-4, atol=1e-5)
assert blur_rgb.count_params() == 25 * 3 and rows.count_params() + cols.count_params() == 10 * 3
print("depthwise Gaussian blur == SciPy per channel; 5x1 then 1x5 gives the same with", rows.count_params()
      + cols.count_params(), "weights instead of", blur_rgb.count_params())

# %%
fig, axes = plt.subplots(1, 3, figsize=(12, 3.4))
for ax, image, title in ((axes[0], small, "input (RGB)"), (axes[1], np.clip(blurred, 0, 1), "DepthwiseConv2D Gaussian blur"),
                         (axes[2], np.clip(small + 1.5 * (small - blurred), 0, 1), "unsharp mask: x + 1.5 (x − blur)")):
    ax.imshow(image)
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
fig.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that the depthwise Gaussian blur softens the photo and darkens its border (zero "
           "padding), while the unsharp mask makes the roofs and trees crisper than in the input.")

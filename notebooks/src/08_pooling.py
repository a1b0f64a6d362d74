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
# # 08 · Pooling layers
#
# A pooling layer slides a window over a sequence, an image or a volume and replaces each window
# by **one number**: its maximum or its average. It has **no weights**, so it learns nothing; it
# shrinks feature maps, makes them tolerant to small shifts, and (in its *global* form) turns a
# feature map of any size into one vector per example. This notebook covers all eighteen pooling
# layers of Keras 3 (max, average, global max, global average and adaptive, in 1, 2 and 3
# dimensions) and their twelve short aliases. Every rule, including the ones the documentation
# leaves vague (what `"same"` padding does to an average at the border, where adaptive pooling puts
# its bins when the sizes do not divide), is recomputed in NumPy and asserted, on all three backends.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/notebooks/08_pooling.ipynb)

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
# The tools used all along: Keras, NumPy for the independent checks, matplotlib in the course
# style, scikit-learn's bundled sample images and digits, and the two course utilities.

# %%
import itertools
import warnings

import keras
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle
from sklearn.datasets import load_digits, load_sample_image

from helpers import plots
from helpers.nbtools import expect_error, to_numpy

plots.use_course_style()
layers = keras.layers
rng = np.random.default_rng(0)  # every synthetic array below comes from this generator


# %% [markdown]
# ## What
#
# **Pooling** summarises neighbourhoods. A window of `pool_size` cells moves over the spatial axes
# in steps of `strides`; at each position the layer outputs the **maximum** (max pooling) or the
# **mean** (average pooling) of the cells under it, separately for every channel. Three families
# follow from that idea:
#
# | family | what one output cell sees | output spatial size |
# |---|---|---|
# | `MaxPooling*D`, `AveragePooling*D` | one window of `pool_size` cells | set by `pool_size`, `strides`, `padding` |
# | `GlobalMaxPooling*D`, `GlobalAveragePooling*D` | the whole feature map | none (or all 1 with `keepdims=True`) |
# | `AdaptiveMaxPooling*D`, `AdaptiveAveragePooling*D` | one of `output_size` bins | exactly `output_size` |
#
# The suffix `1D`, `2D`, `3D` is the number of spatial axes: sequences `(batch, steps, channels)`,
# images `(batch, height, width, channels)`, volumes or clips `(batch, depth, height, width,
# channels)`. None of the eighteen layers has a weight, and none mixes channels: the cell checks
# both on every one of them (mixing is tested by feeding a single non-zero channel).

# %%
POOLING_LAYERS = {
    1: [layers.MaxPooling1D(2), layers.AveragePooling1D(2), layers.GlobalMaxPooling1D(),
        layers.GlobalAveragePooling1D(), layers.AdaptiveMaxPooling1D(3), layers.AdaptiveAveragePooling1D(3)],
    2: [layers.MaxPooling2D(2), layers.AveragePooling2D(2), layers.GlobalMaxPooling2D(),
        layers.GlobalAveragePooling2D(), layers.AdaptiveMaxPooling2D(3), layers.AdaptiveAveragePooling2D(3)],
    3: [layers.MaxPooling3D(2), layers.AveragePooling3D(2), layers.GlobalMaxPooling3D(),
        layers.GlobalAveragePooling3D(), layers.AdaptiveMaxPooling3D(3), layers.AdaptiveAveragePooling3D(3)],
}
for rank, family in POOLING_LAYERS.items():
    x = np.zeros((1, *(6,) * rank, 3), "float32")
    x[..., 1] = rng.uniform(1, 2, size=(6,) * rank)  # only channel 1 is non-zero
    for layer in family:
        y = to_numpy(layer(x))
        assert layer.count_params() == 0 and layer.weights == []  # no weights at all
        assert np.all(np.delete(y, 1, axis=-1) == 0) and np.all(y[..., 1] > 0)  # channels stay apart
        print(f"{type(layer).__name__:26s} {str(x.shape):20s} -> {y.shape}")

# %% [markdown]
# ## Where
#
# - **In the API**: `keras.layers.<Name>`; each windowed and global layer also has a short alias
#   (`MaxPool2D`, `AvgPool2D`, `GlobalMaxPool2D`, `GlobalAvgPool2D`, ...), which is **the same
#   class**, not a copy. The adaptive layers have no alias.
# - **In a model**: after convolution blocks (`Conv → activation → MaxPooling`), and at the end of a
#   convolutional network (`GlobalAveragePooling2D → Dense` head); after an `Embedding` or an RNN
#   with `return_sequences=True` to summarise a sequence.
# - **Layout**: `data_format="channels_last"` (the default, channels at the end) or
#   `"channels_first"`; the pooled axes are always the spatial ones.
#
# The cell proves that all twelve aliases are the very same class objects.

# %%
ALIASES = {
    "MaxPool1D": "MaxPooling1D", "MaxPool2D": "MaxPooling2D", "MaxPool3D": "MaxPooling3D",
    "AvgPool1D": "AveragePooling1D", "AvgPool2D": "AveragePooling2D", "AvgPool3D": "AveragePooling3D",
    "GlobalMaxPool1D": "GlobalMaxPooling1D", "GlobalMaxPool2D": "GlobalMaxPooling2D",
    "GlobalMaxPool3D": "GlobalMaxPooling3D", "GlobalAvgPool1D": "GlobalAveragePooling1D",
    "GlobalAvgPool2D": "GlobalAveragePooling2D", "GlobalAvgPool3D": "GlobalAveragePooling3D",
}
assert layers.MaxPool1D is layers.MaxPooling1D and layers.MaxPool2D is layers.MaxPooling2D
assert layers.MaxPool3D is layers.MaxPooling3D and layers.AvgPool1D is layers.AveragePooling1D
assert layers.AvgPool2D is layers.AveragePooling2D and layers.AvgPool3D is layers.AveragePooling3D
assert layers.GlobalMaxPool1D is layers.GlobalMaxPooling1D
assert layers.GlobalMaxPool2D is layers.GlobalMaxPooling2D
assert layers.GlobalMaxPool3D is layers.GlobalMaxPooling3D
assert layers.GlobalAvgPool1D is layers.GlobalAveragePooling1D
assert layers.GlobalAvgPool2D is layers.GlobalAveragePooling2D
assert layers.GlobalAvgPool3D is layers.GlobalAveragePooling3D
assert all(getattr(layers, short) is getattr(layers, long) for short, long in ALIASES.items())
assert not hasattr(layers, "AdaptiveAvgPool2D") and not hasattr(layers, "AdaptiveMaxPool2D")
print(f"{len(ALIASES)} aliases, each the same class as its long name")

# %% [markdown]
# ## Why
#
# - **Less to compute downstream**: a 2×2 pool with stride 2 keeps a quarter of the cells, so every
#   later layer is four times cheaper, for free (no weights, no training).
# - **Wider view**: after pooling, a 3×3 convolution covers what a 6×6 one covered before, so deep
#   layers see large parts of the image.
# - **Tolerance to small shifts**: the maximum of a window does not care *where* in the window the
#   strong response sits (proved in the Application).
# - **Any input size, one vector**: global and adaptive pooling map feature maps of any size to a
#   fixed size, so one dense head serves images of every resolution.

# %% [markdown]
# ## When
#
# | Situation | Use |
# |---|---|
# | Downsample feature maps between convolution blocks, keep the strongest response | `MaxPooling2D(2)` |
# | Downsample smoothly (anti-aliasing, low-pass) | `AveragePooling2D` |
# | Classifier head on a CNN: one vector per image, any resolution | `GlobalAveragePooling2D` |
# | "Is the pattern anywhere in the sequence?" (text CNN, keyword spotting) | `GlobalMaxPooling1D` |
# | A fixed grid (e.g. 7×7) from inputs of varying size, as in PyTorch models you port | `AdaptiveAveragePooling2D((7, 7))` |
# | Video or volumetric scans | the `3D` versions |
# | Downsampling that should be learned | a strided convolution instead (notebook 07) |

# %% [markdown]
# ## Who
#
# - **Computer-vision practitioners**: every classic CNN (LeNet, VGG, ResNet) pools; modern ones end
#   with global average pooling.
# - **Sequence and text modellers**: global max pooling over a text CNN's feature maps.
# - **People porting PyTorch models**: `AdaptiveAveragePooling2D` uses the same floor/ceil bins as
#   `nn.AdaptiveAvgPool2d` (the rule is proved below), so ported weights after it still fit.
# - **Students**: pooling is the simplest layer there is to recompute by hand.

# %% [markdown]
# ## How
#
# ### `MaxPooling1D`, `MaxPooling2D`, `MaxPooling3D`
#
# `MaxPooling2D(pool_size=(2, 2), strides=None, padding="valid", data_format=None)`. `strides`
# defaults to `pool_size` (windows side by side, no overlap). With `padding="valid"` only whole
# windows count; with `"same"` the input is padded so that the output has `ceil(n / strides)` cells.
# An integer is used for every spatial axis; a tuple sets each axis. Below, a 4×4 image of distinct
# numbers: each output is the maximum of one 2×2 block, recomputed with a NumPy reshape.

# %%
image = np.array([[1, 3, 2, 0], [4, 8, 6, 1], [7, 5, 9, 2], [0, 3, 4, 6]], "float32")
pooled = to_numpy(layers.MaxPooling2D(pool_size=2)(image[None, :, :, None]))[0, :, :, 0]
blocks = image.reshape(2, 2, 2, 2).swapaxes(1, 2)  # blocks[i, j] is the 2x2 block at (i, j)
np.testing.assert_array_equal(pooled, blocks.max(axis=(2, 3)))
print("input:\n", image, "\nMaxPooling2D(2):\n", pooled)

sequence = np.array([3, 1, 4, 1, 5, 9, 2, 6], "float32")[None, :, None]
max_1d = to_numpy(layers.MaxPooling1D(pool_size=3, strides=2)(sequence)).ravel()
windows = np.lib.stride_tricks.sliding_window_view(sequence.ravel(), 3)[::2]  # starts 0, 2, 4
np.testing.assert_array_equal(max_1d, windows.max(axis=1))  # [3,1,4] [4,1,5] [5,9,2] -> 4 5 9
volume = rng.normal(size=(1, 4, 4, 4, 1)).astype("float32")
max_3d = to_numpy(layers.MaxPooling3D(pool_size=2)(volume))
cubes = volume[0, ..., 0].reshape(2, 2, 2, 2, 2, 2)  # axes (i, di, j, dj, k, dk)
np.testing.assert_array_equal(max_3d[0, ..., 0], cubes.max(axis=(1, 3, 5)))
print("MaxPooling1D(3, strides=2):", max_1d, "| MaxPooling3D(2) output shape:", max_3d.shape)

# %% [markdown]
# ### `AveragePooling1D`, `AveragePooling2D`, `AveragePooling3D`
#
# Same arguments; each output is the **mean** of its window. For a 2×2 window that is the sum of
# **four** cells divided by 4 (a `1/pool_size` in front of a double sum, as often written, is a slip: it
# would divide by 2; see the Proof).

# %%
avg_2d = to_numpy(layers.AveragePooling2D(pool_size=2)(image[None, :, :, None]))[0, :, :, 0]
np.testing.assert_allclose(avg_2d, blocks.mean(axis=(2, 3)))
avg_1d = to_numpy(layers.AveragePooling1D(pool_size=2)(sequence)).ravel()
np.testing.assert_allclose(avg_1d, sequence.ravel().reshape(4, 2).mean(axis=1))
avg_3d = to_numpy(layers.AveragePooling3D(pool_size=(2, 2, 4))(volume))
boxes = volume[0, ..., 0].reshape(2, 2, 2, 2, 1, 4)
np.testing.assert_allclose(avg_3d[0, ..., 0], boxes.mean(axis=(1, 3, 5)), rtol=1e-5, atol=1e-6)
print("AveragePooling2D(2):\n", avg_2d, "\nAveragePooling1D(2):", avg_1d, "| 3D shape:", avg_3d.shape)

# %% [markdown]
# ### `GlobalMaxPooling1D/2D/3D`, `GlobalAveragePooling1D/2D/3D`
#
# No window: the reduction runs over **all** spatial axes at once, per channel. The result is
# `(batch, channels)`; with `keepdims=True` the spatial axes stay, with size 1, which is handy for
# broadcasting back onto the feature map (squeeze-and-excitation blocks do exactly that).
# `GlobalAveragePooling1D` also honours a **mask**: padded steps are left out of the mean.

# %%
feature_map = rng.normal(size=(2, 5, 7, 3)).astype("float32")
gap = to_numpy(layers.GlobalAveragePooling2D()(feature_map))
gmp_kept = to_numpy(layers.GlobalMaxPooling2D(keepdims=True)(feature_map))
np.testing.assert_allclose(gap, feature_map.mean(axis=(1, 2)), rtol=1e-5, atol=1e-6)
np.testing.assert_array_equal(gmp_kept, feature_map.max(axis=(1, 2), keepdims=True))
print("GlobalAveragePooling2D:", feature_map.shape, "->", gap.shape,
      "| GlobalMaxPooling2D(keepdims=True):", gmp_kept.shape)

steps = np.array([[[1.0], [2.0], [3.0], [100.0], [100.0]]], "float32")  # two padding steps at the end
mask = np.array([[True, True, True, False, False]])
masked_mean = to_numpy(layers.GlobalAveragePooling1D()(steps, mask=mask))
np.testing.assert_allclose(masked_mean, [[2.0]])  # (1 + 2 + 3) / 3: the padded 100s are ignored
print("GlobalAveragePooling1D with a mask:", masked_mean.ravel(), "(unmasked mean would be 41.2)")

# %% [markdown]
# ### `AdaptiveMaxPooling1D/2D/3D`, `AdaptiveAveragePooling1D/2D/3D`
#
# `AdaptiveAveragePooling2D(output_size)` takes the size you want **out**, not a window: Keras works
# out the bins. When the input size is a multiple of `output_size` the bins are plain
# non-overlapping windows; otherwise they have different lengths and may **overlap** (the exact rule
# is worked out and proved in the Proof section). An output larger than the input repeats cells.

# %%
ten = np.arange(1, 11, dtype="float32")[None, :, None]
max_5 = to_numpy(layers.AdaptiveMaxPooling1D(5)(ten)).ravel()
avg_5 = to_numpy(layers.AdaptiveAveragePooling1D(5)(ten)).ravel()
avg_4 = to_numpy(layers.AdaptiveAveragePooling1D(4)(ten)).ravel()
print("AdaptiveMaxPooling1D(5):    ", max_5)
print("AdaptiveAveragePooling1D(5):", avg_5)
print("AdaptiveAveragePooling1D(4):", avg_4, "<- bins overlap")
np.testing.assert_allclose(avg_5, [1.5, 3.5, 5.5, 7.5, 9.5])  # 10 / 5: plain pairs
np.testing.assert_array_equal(max_5, [2, 4, 6, 8, 10])
y = layers.AdaptiveMaxPooling2D((3, 3))(np.ones((1, 11, 13, 4), "float32"))
assert tuple(y.shape) == (1, 3, 3, 4)  # 11x13 in, the requested 3x3 out
block_3d = np.ones((1, 5, 4, 7, 2), "float32")
assert tuple(layers.AdaptiveAveragePooling3D((2, 1, 3))(block_3d).shape) == (1, 2, 1, 3, 2)

# %% [markdown]
# ### `data_format="channels_first"`
#
# Every pooling layer accepts `data_format`. With `"channels_first"` the channels come right after
# the batch axis, and the same pooling runs over the axes after them.

# %%
first = np.moveaxis(feature_map, -1, 1)  # (2, 3, 5, 7)
pooled_first = to_numpy(layers.MaxPooling2D(2, padding="same", data_format="channels_first")(first))
pooled_last = to_numpy(layers.MaxPooling2D(2, padding="same")(feature_map))
np.testing.assert_array_equal(np.moveaxis(pooled_first, 1, -1), pooled_last)
print("channels_first:", first.shape, "->", pooled_first.shape)

# %% [markdown]
# ## Pros
#
# - **Free**: no weights to learn or store, and cheap to compute.
# - **Shrinks the work** of every later layer and widens what it sees.
# - **Tolerant to small shifts** (max pooling) and to noise (average pooling).
# - **Global and adaptive pooling decouple the head from the input size**: one model, any resolution.
# - **Simple and exact**: every output is a max or a mean you can recompute by hand.
#
# ## Cons
#
# - **Throws information away**: where in the window the maximum was is lost; fine positions
#   matter for segmentation or keypoints.
# - **Not learned**: a strided convolution can learn a better downsampling (at a cost in weights).
# - **Max pooling passes gradient to one cell per window** only.
# - **Border rules are subtle**: `"same"` padding and uneven adaptive bins are easy to get wrong when
#   re-implementing (this notebook pins them down), and the PyTorch backend differs from the others
#   in one corner case (shown in the Proof).
# - **Aliasing**: max pooling on high-frequency content can produce jagged, shift-sensitive output.

# %% [markdown]
# ## Picture
#
# ### Windows, and what max and average make of them
#
# A 6×6 input pooled with a 2×2 window and stride 2: each coloured block of the input becomes the
# cell of the same colour in each output. The outputs are the layers' own results.

# %%
def show_grid(ax, values, title, colours=None, block=1):
    """Draw a 2-D array as a table of numbers; colour cell (i, j) by its block (i//block, j//block)."""
    rows, cols = values.shape
    for i, j in itertools.product(range(rows), range(cols)):
        colour = colours[(i // block + j // block) % len(colours)] if colours else "white"
        ax.add_patch(Rectangle((j, rows - 1 - i), 1, 1, facecolor=colour, edgecolor="grey"))
        text = f"{values[i, j]:g}" if float(values[i, j]).is_integer() else f"{values[i, j]:.2f}"
        ax.text(j + 0.5, rows - 0.5 - i, text, ha="center", va="center", fontsize=10)
    ax.set_xlim(0, cols), ax.set_ylim(0, rows), ax.set_aspect("equal"), ax.axis("off")
    ax.set_title(title)


grid6 = rng.integers(0, 10, size=(6, 6)).astype("float32")
palette = ["#cfe2f3", "#fde9c9", "#d9ead3"]
window_max = to_numpy(layers.MaxPooling2D(2)(grid6[None, :, :, None]))[0, :, :, 0]
window_avg = to_numpy(layers.AveragePooling2D(2)(grid6[None, :, :, None]))[0, :, :, 0]
np.testing.assert_array_equal(window_max, grid6.reshape(3, 2, 3, 2).max(axis=(1, 3)))

fig, axes = plt.subplots(1, 3, figsize=(11, 3.8), gridspec_kw={"width_ratios": [6, 3, 3]})
show_grid(axes[0], grid6, "input 6×6\n(2×2 windows coloured)", palette, block=2)
show_grid(axes[1], window_max, "MaxPooling2D(2)\n→ 3×3", palette)
show_grid(axes[2], window_avg, "AveragePooling2D(2)\n→ 3×3", palette)
plt.tight_layout()
plt.show()

# %% [markdown]
# ### Overlapping windows and `"same"` padding, in 1-D
#
# `pool_size=3, strides=2` on 7 cells. With `"valid"` the three windows fit inside; with `"same"`
# the output has `ceil(7 / 2) = 4` cells: the windows need `(4 − 1)·2 + 3 − 7 = 2` padding cells,
# one before the input and one after, so the first and the last window each hang over by one. The
# Proof section shows that the padded cell is simply left out: a max ignores it, a mean divides
# by the cells that are really there.

# %%
def window_starts(n, pool, stride, padding):
    """(start of each window in input coordinates, cells of padding before the input)."""
    if padding == "valid":
        count, before = (n - pool) // stride + 1, 0
    else:
        count = -(-n // stride)
        before = max((count - 1) * stride + pool - n, 0) // 2
    return [i * stride - before for i in range(count)], before


fig, axes = plt.subplots(2, 1, figsize=(8, 3.8), sharex=True)
for ax, padding in zip(axes, ("valid", "same"), strict=True):
    starts, _ = window_starts(7, 3, 2, padding)
    ax.bar(range(7), np.ones(7), width=0.95, color="#d9d9d9", edgecolor="grey", label="input cell")
    for k, begin in enumerate(starts):
        ax.add_patch(Rectangle((begin - 0.45, 1.15 + 0.3 * k), 3 - 0.1, 0.22, color=plots.ACCENT, alpha=0.7))
        ax.text(begin + 2.7, 1.26 + 0.3 * k, f"window {k}", va="center", fontsize=8)
    outside = sorted({c for s in starts for c in range(s, s + 3) if not 0 <= c < 7})
    if outside:
        ax.bar(outside, np.ones(len(outside)), width=0.95, fill=False, hatch="//", edgecolor=plots.ACCENT,
               label="padding (left out)")
    ax.set_xlim(-1.6, 7.6), ax.set_ylim(0, 2.6), ax.set_yticks([])
    ax.set_title(f'pool_size=3, strides=2, padding="{padding}"')
    ax.legend(loc="upper left", fontsize=8)
axes[1].set_xlabel("input position")
plt.tight_layout()
plt.show()

# %% [markdown]
# ### What pooling does to a feature map
#
# A real photograph (scikit-learn's `china.jpg`, grey, downscaled to 107×160), a vertical-edge
# feature map computed from it (the kind of map a first convolution layer produces), and that
# map after `MaxPooling2D(4)`, `AveragePooling2D(4)` and `AdaptiveAveragePooling2D((8, 12))`. Max
# pooling keeps thin edges visible at a quarter of the resolution (the strongest response in each
# window survives); average pooling blurs and dims them; adaptive pooling gives the requested
# grid whatever the input size.

# %%
photo = load_sample_image("china.jpg").mean(axis=-1)[::4, ::4].astype("float32") / 255.0
edges = np.abs(np.diff(photo, axis=1, prepend=photo[:, :1]))  # |horizontal difference|: vertical edges
edge_map = edges[None, :, :, None]
adaptive_view = to_numpy(layers.AdaptiveAveragePooling2D((8, 12))(edge_map))[0, ..., 0]
views = {
    "photo": photo,
    "edge map": edges,
    "MaxPooling2D(4)": to_numpy(layers.MaxPooling2D(4)(edge_map))[0, :, :, 0],
    "AveragePooling2D(4)": to_numpy(layers.AveragePooling2D(4)(edge_map))[0, :, :, 0],
    "AdaptiveAveragePooling2D((8, 12))": adaptive_view,
}
assert views["MaxPooling2D(4)"].shape == (26, 40)
assert views["AdaptiveAveragePooling2D((8, 12))"].shape == (8, 12)
assert views["MaxPooling2D(4)"].mean() > views["AveragePooling2D(4)"].mean()  # max >= mean, window by window

top = np.quantile(views["MaxPooling2D(4)"], 0.9)  # one colour scale for all feature maps
fig, axes = plt.subplots(1, 5, figsize=(15, 3))
for ax, (title, view) in zip(axes, views.items(), strict=True):
    if title == "photo":
        ax.imshow(view, cmap="gray")
    else:
        ax.imshow(view, cmap="magma", vmin=0, vmax=top)
    ax.set_title(f"{title}\n{view.shape[0]}×{view.shape[1]}", fontsize=9), ax.axis("off")
fig.suptitle("A vertical-edge feature map before and after pooling", fontweight="bold")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Table
#
# `n` is an input's spatial size on one axis, `p` the pool size, `s` the stride (default `p`).
#
# | API | Output on one axis | Each output cell is | Key arguments |
# |---|---|---|---|
# | `MaxPooling1D/2D/3D` (`MaxPool*D`) | valid: `⌊(n − p)/s⌋ + 1`; same: `⌈n/s⌉` | max of its window (padding ignored) | `pool_size`, `strides`, `padding`, `data_format` |
# | `AveragePooling1D/2D/3D` (`AvgPool*D`) | as above | mean over the window's **real** cells | as above |
# | `GlobalMaxPooling1D/2D/3D` (`GlobalMaxPool*D`) | axis removed (size 1 with `keepdims`) | max over all spatial cells, per channel | `keepdims`, `data_format` |
# | `GlobalAveragePooling1D/2D/3D` (`GlobalAvgPool*D`) | axis removed (size 1 with `keepdims`) | mean over all spatial cells, per channel (1D: masked steps left out) | `keepdims`, `data_format` |
# | `AdaptiveMaxPooling1D/2D/3D` | `output_size` | max over cells `⌊i·n/m⌋ … ⌈(i+1)·n/m⌉ − 1` | `output_size`, `data_format` |
# | `AdaptiveAveragePooling1D/2D/3D` | `output_size` | mean over the same bins | `output_size`, `data_format` |
#
# All have zero weights and pool each channel separately.

# %% [markdown]
# ## Example
#
# ### Example 1: the output-size formulas, over a grid of settings
#
# For input lengths 6 and 7, pool sizes 2 and 3, strides 1…3 and both paddings, the shape Keras
# produces (by actually calling `MaxPooling1D`) must match the formula in the table. A
# plausible wrong formula, `⌊n/s⌋` for `"same"`, is checked to fail somewhere on the same grid.

# %%
def pooled_length(n, pool, stride, padding):
    return (n - pool) // stride + 1 if padding == "valid" else -(-n // stride)


wrong_formula_failed = False
cases = list(itertools.product((6, 7), (2, 3), (1, 2, 3), ("valid", "same")))
for n, pool, stride, padding in cases:
    out = layers.MaxPooling1D(pool, strides=stride, padding=padding)(np.zeros((1, n, 1), "float32"))
    assert out.shape[1] == pooled_length(n, pool, stride, padding), (n, pool, stride, padding)
    wrong_formula_failed |= padding == "same" and out.shape[1] != n // stride  # fails if same meant floor
assert wrong_formula_failed
print(f"{len(cases)} settings: every output length matches the formula")

# 2-D and 3-D: the formula holds axis by axis (here a different setting on each axis)
out = layers.AveragePooling2D((3, 2), strides=(2, 1), padding="same")(np.zeros((1, 9, 8, 1), "float32"))
assert tuple(out.shape) == (1, pooled_length(9, 3, 2, "same"), pooled_length(8, 2, 1, "same"), 1)
assert tuple(out.shape) == (1, 5, 8, 1)
out = layers.MaxPooling3D((2, 3, 1), strides=(1, 2, 3))(np.zeros((1, 5, 9, 7, 1), "float32"))
assert tuple(out.shape[1:4]) == (pooled_length(5, 2, 1, "valid"), pooled_length(9, 3, 2, "valid"),
                                 pooled_length(7, 1, 3, "valid")) == (4, 4, 3)

# %% [markdown]
# ### Example 2: a classifier head that accepts any image size
#
# A head of `GlobalAveragePooling2D → Dense` maps feature maps of **any** height and width to the
# same 10 outputs with the same 16·10 + 10 weights, so one model (same weights) classifies 8×8 and
# 20×15 inputs. With `Flatten` instead, the dense layer's weight shape is tied to one input size,
# and any other size is rejected.

# %%
gap_head = keras.Sequential([
    keras.Input((None, None, 16)),  # height and width left open: a 16-channel feature map
    layers.GlobalAveragePooling2D(),
    layers.Dense(10, activation="softmax"),
])
for height, width in ((8, 8), (20, 15)):
    assert tuple(gap_head(np.zeros((2, height, width, 16), "float32")).shape) == (2, 10)
assert gap_head.count_params() == 16 * 10 + 10

flat_head = keras.Sequential([keras.Input((8, 8, 16)), layers.Flatten(), layers.Dense(10)])
expect_error(ValueError, lambda: flat_head(np.zeros((2, 12, 12, 16), "float32")))
print("GAP head parameters:", gap_head.count_params(), "for every input size; Flatten head:",
      flat_head.count_params(), "and one input size only")

# %% [markdown]
# ## Proof
#
# ### A NumPy reference for windowed pooling, in 1, 2 and 3 dimensions
#
# `pool_reference` implements max and average pooling from the definition: find each window, clip
# it to the input, reduce. For `"same"` it pads `total = max((out − 1)·s + p − n, 0)` cells, of which
# `total // 2` go **before** the input and the rest after, and it leaves padded cells out of the
# reduction (`average_rule="valid cells"`). The other plausible rule for averages, zero padding
# divided by the full window size, is available as `average_rule="full window"`.

# %%
def pool_reference(x, pool, strides, padding, mode, average_rule="valid cells"):
    """Windowed max/average pooling of a channels_last array x of shape (batch, *spatial, channels)."""
    spatial = x.shape[1:-1]
    windows_per_axis = [
        window_starts(n, p, s, padding)[0] for n, p, s in zip(spatial, pool, strides, strict=True)
    ]
    out = np.empty((x.shape[0], *[len(w) for w in windows_per_axis], x.shape[-1]), x.dtype)
    for index in itertools.product(*[range(len(w)) for w in windows_per_axis]):
        cells = tuple(
            slice(max(w[i], 0), min(w[i] + p, n))
            for w, i, p, n in zip(windows_per_axis, index, pool, spatial, strict=True)
        )
        window = x[(slice(None), *cells, slice(None))]
        axes = tuple(range(1, len(spatial) + 1))
        if mode == "max":
            value = window.max(axis=axes)
        elif average_rule == "valid cells":
            value = window.mean(axis=axes)
        else:  # zero padding, divided by the full window size
            value = window.sum(axis=axes) / np.prod(pool)
        out[(slice(None), *index, slice(None))] = value
    return out


# %% [markdown]
# ### Max and average pooling equal the reference (1-D, 2-D, 3-D, `"valid"` and `"same"`)
#
# Random inputs: in 1-D pool sizes 2 and 3 with strides 1 and 2 and both paddings; in 2-D and 3-D
# settings that differ from axis to axis. Odd and even windows are both included. On the PyTorch
# backend, `"same"` average pooling with uneven padding follows another rule (the next cell takes
# it apart), and those cases are checked against that rule. The inputs are all **negative** for max pooling: if padding were
# zeros that took part in the maximum, the border outputs would be 0 and the check would fail.

# %%
BACKEND = keras.backend.backend()
LAYER_CLASSES = {
    ("max", 1): layers.MaxPooling1D, ("max", 2): layers.MaxPooling2D,
    ("max", 3): layers.MaxPooling3D, ("avg", 1): layers.AveragePooling1D,
    ("avg", 2): layers.AveragePooling2D, ("avg", 3): layers.AveragePooling3D,
}


def uneven_same_padding(spatial, pool, strides, padding):
    """True when "same" padding puts different amounts before and after the input on some axis."""
    if padding != "same":
        return False
    totals = [max((-(-n // s) - 1) * s + p - n, 0) for n, p, s in zip(spatial, pool, strides, strict=True)]
    return any(t % 2 for t in totals)


def edge_padded_average(x, pool, strides):
    """Average pooling with padding "same", as the PyTorch backend does it when the padding is uneven: pad every
    axis on both sides with copies of the edge cells, then average full windows."""
    pads = [(0, 0)]
    for n, p, s in zip(x.shape[1:-1], pool, strides, strict=True):
        starts, before = window_starts(n, p, s, "same")
        pads.append((before, max((len(starts) - 1) * s + p - n, 0) - before))
    return pool_reference(np.pad(x, pads + [(0, 0)], mode="edge"), pool, strides, "valid", "avg")


checked = 0
SETTINGS = {  # rank -> (spatial size, [(pool, strides, padding), ...]); rank 1 takes every combination
    1: ((7,), [((p,), (s,), pad) for p, s, pad in itertools.product((2, 3), (1, 2), ("valid", "same"))]),
    2: ((7, 6), [((3, 2), (2, 1), "same"), ((2, 3), (1, 2), "valid")]),
    3: ((5, 4, 6), [((3, 2, 3), (2, 1, 2), "same")]),
}
for (mode, rank), layer_class in LAYER_CLASSES.items():
    spatial, settings = SETTINGS[rank]
    x = -rng.uniform(1, 2, size=(2, *spatial, 3)).astype("float32")
    for pools, strides, padding in settings:
        got = to_numpy(layer_class(pools, strides=strides, padding=padding)(x))
        want = pool_reference(x, pools, strides, padding, mode)
        if BACKEND == "torch" and mode == "avg" and uneven_same_padding(spatial, pools, strides, padding):
            want = edge_padded_average(x, pools, strides)  # the PyTorch-backend rule of the next cell
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
        checked += 1
print(f"{checked} layer/setting pairs equal the NumPy reference on {BACKEND}")

# %% [markdown]
# ### `"same"` average pooling divides by the cells that are really there
#
# At the border a `"same"` window overhangs the input. Two rules are plausible: pad with zeros and
# divide by the full window size (PyTorch's `count_include_pad=True` default), or divide by the
# number of real cells only. On a **constant** signal they differ at once: the first rule sags at
# the edges, the second stays constant. With an odd window (padding split evenly) all three
# backends use the real-cells rule.
#
# With an even window at stride 1, the padding is uneven (one cell more after the input). There
# the PyTorch backend pads **all** of it itself, before and after the input, with copies of the
# edge cells, and then averages full windows: the padded cells count as real ones. So its outputs
# differ from TensorFlow's and JAX's at **both** ends, not only where the extra cell is. On
# `1 2 3 4 5` with a window of 4: TensorFlow and JAX give `2 2.5 3.5 4 4.5`, PyTorch
# `1.75 2.5 3.5 4.25 4.75`. The cell asserts each backend's rule.

# %%
ones = np.ones((1, 6, 1), "float32")
odd = to_numpy(layers.AveragePooling1D(3, strides=1, padding="same")(ones)).ravel()
np.testing.assert_allclose(odd, pool_reference(ones, (3,), (1,), "same", "avg").ravel())
np.testing.assert_allclose(odd, np.ones(6))  # fails if padded zeros were counted: edges would be 2/3
full_window = pool_reference(ones, (3,), (1,), "same", "avg", average_rule="full window").ravel()
assert not np.allclose(full_window, odd)  # the other rule really differs on this case
print("odd window, constant input: Keras", odd, "| full-window rule", np.round(full_window, 3))

ramp = np.arange(1, 6, dtype="float32")[None, :, None]
even = to_numpy(layers.AveragePooling1D(4, strides=1, padding="same")(ramp)).ravel()
real_cells = pool_reference(ramp, (4,), (1,), "same", "avg").ravel()
print(f"even window on {ramp.ravel()}: {BACKEND} gives {even}, real-cells rule {real_cells}")
edge_copies = edge_padded_average(ramp, (4,), (1,)).ravel()
assert edge_copies[0] != real_cells[0] and edge_copies[-1] != real_cells[-1]  # the two rules differ at both ends
if BACKEND == "torch":
    np.testing.assert_allclose(even, edge_copies, rtol=1e-6)  # fails if only the extra cell were padded
else:
    np.testing.assert_allclose(even, real_cells, rtol=1e-6)

# %% [markdown]
# ### A common average-pooling formula divides by the wrong number
#
# A common claim writes 2-D average pooling as `1/pool_size · Σₘ Σₙ x[i+m, j+n]`. For a 2×2 window that
# is the sum divided by 2; Keras divides by 4, the number of cells (`pool_size[0] · pool_size[1]`).
# Its formulas also slide the window by one cell (`x[i : i+pool_size]`), whereas the default
# stride is `pool_size`.

# %%
block = np.array([[2.0, 4.0], [6.0, 8.0]], "float32")[None, :, :, None]
keras_mean = float(to_numpy(layers.AveragePooling2D(2)(block)).ravel()[0])
assert keras_mean == block.sum() / 4 != block.sum() / 2  # 5, not that formula's 10
assert layers.MaxPooling1D(3).strides == (3,)  # default stride = pool size, not 1
assert tuple(layers.MaxPooling1D(3)(np.zeros((1, 9, 1), "float32")).shape) == (1, 3, 1)  # not 7
print("mean of [2, 4, 6, 8] by AveragePooling2D(2):", keras_mean)

# %% [markdown]
# ### `padding="same"` keeps the size only when the stride is 1
#
# A common claim says `"same"` "keeps output size". It keeps `⌈n / s⌉` cells, and because the stride
# defaults to the pool size, `MaxPooling2D(2, padding="same")` **halves** the map.

# %%
same_default = layers.MaxPooling2D(2, padding="same")(np.zeros((1, 9, 9, 1), "float32"))
same_stride1 = layers.MaxPooling2D(2, strides=1, padding="same")(np.zeros((1, 9, 9, 1), "float32"))
assert tuple(same_default.shape) == (1, 5, 5, 1) and tuple(same_stride1.shape) == (1, 9, 9, 1)
print("same, default stride:", tuple(same_default.shape), "| same, stride 1:", tuple(same_stride1.shape))

# %% [markdown]
# ### Global pooling is a reduction over the spatial axes, per channel
#
# All six global layers against `np.max` / `np.mean` over axes 1…rank, with and without `keepdims`,
# in both data formats. The formula `output = max(x)` often given would be one number per example; the proof
# checks there is one per **channel** (the channels hold different values, so a single maximum
# would fail).

# %%
GLOBAL = {
    1: (layers.GlobalMaxPooling1D, layers.GlobalAveragePooling1D),
    2: (layers.GlobalMaxPooling2D, layers.GlobalAveragePooling2D),
    3: (layers.GlobalMaxPooling3D, layers.GlobalAveragePooling3D),
}
for rank, (max_class, avg_class) in GLOBAL.items():
    x = rng.normal(size=(2, *range(3, 3 + rank), 4)).astype("float32") + np.arange(4, dtype="float32")
    axes = tuple(range(1, rank + 1))
    for keepdims in (False, True):
        got_max = to_numpy(max_class(keepdims=keepdims)(x))
        got_avg = to_numpy(avg_class(keepdims=keepdims)(x))
        np.testing.assert_array_equal(got_max, x.max(axis=axes, keepdims=keepdims))
        np.testing.assert_allclose(got_avg, x.mean(axis=axes, keepdims=keepdims), rtol=1e-5, atol=1e-6)
    channels_first = np.moveaxis(x, -1, 1)
    got_first = to_numpy(avg_class(data_format="channels_first")(channels_first))
    np.testing.assert_allclose(got_first, x.mean(axis=axes), rtol=1e-5, atol=1e-6)
    assert to_numpy(max_class()(x)).shape == (2, 4)  # one value per channel, not per example
print("global pooling = np.max / np.mean over the spatial axes (keepdims and channels_first included)")

# %% [markdown]
# ### Adaptive pooling: the bin rule, worked out and proved
#
# Output cell `i` of `m`, on an axis of length `n`, covers the cells
#
# `start = ⌊i·n/m⌋`, `end = ⌈(i+1)·n/m⌉` (end excluded),
#
# which is PyTorch's `AdaptiveAvgPool` rule. When `m` divides `n` this gives plain windows of
# `n/m`; otherwise neighbouring bins can share a cell. `adaptive_reference` implements the rule in
# NumPy, axis by axis; it is compared with all six layers on sizes that do **not** divide evenly
# (7→3, 10→4, 5→2, and 4→6, an up-sampling). A plausible alternative rule, `np.array_split`
# (non-overlapping bins, longer ones first), gives different answers on 10→4 and is shown to fail.

# %%
def adaptive_bins(n, m):
    return [(i * n // m, -(-(i + 1) * n // m)) for i in range(m)]


def adaptive_reference(x, output_size, mode):
    """Adaptive max/average pooling of a channels_last array, bin by bin with adaptive_bins."""
    spatial = x.shape[1:-1]
    bins = [adaptive_bins(n, m) for n, m in zip(spatial, output_size, strict=True)]
    out = np.empty((x.shape[0], *output_size, x.shape[-1]), x.dtype)
    axes = tuple(range(1, len(spatial) + 1))
    for index in itertools.product(*[range(m) for m in output_size]):
        cells = tuple(slice(*b[i]) for b, i in zip(bins, index, strict=True))
        window = x[(slice(None), *cells, slice(None))]
        value = window.max(axis=axes) if mode == "max" else window.mean(axis=axes)
        out[(slice(None), *index, slice(None))] = value
    return out


ADAPTIVE = {
    1: (layers.AdaptiveMaxPooling1D, layers.AdaptiveAveragePooling1D, (7,), (3,)),
    2: (layers.AdaptiveMaxPooling2D, layers.AdaptiveAveragePooling2D, (10, 5), (4, 2)),
    3: (layers.AdaptiveMaxPooling3D, layers.AdaptiveAveragePooling3D, (7, 10, 4), (3, 4, 6)),
}
for max_class, avg_class, spatial, output_size in ADAPTIVE.values():
    x = rng.normal(size=(2, *spatial, 3)).astype("float32")
    got_max = to_numpy(max_class(output_size)(x))
    np.testing.assert_array_equal(got_max, adaptive_reference(x, output_size, "max"))
    np.testing.assert_allclose(to_numpy(avg_class(output_size)(x)), adaptive_reference(x, output_size, "avg"),
                               rtol=1e-5, atol=1e-6)
print("bins for 10 -> 4:", adaptive_bins(10, 4), "(cells 2 and 7 are shared)")

keras_10_to_4 = to_numpy(layers.AdaptiveAveragePooling1D(4)(ten)).ravel()
split_rule = np.array([part.mean() for part in np.array_split(ten.ravel(), 4)])
assert not np.allclose(keras_10_to_4, split_rule)  # fails if Keras used non-overlapping array_split bins
print("Keras 10 -> 4:", keras_10_to_4, "| array_split rule would give", split_rule)

# %% [markdown]
# The bins, drawn: for 10 → 4 each bar is one output cell's span of input cells. The Keras/PyTorch
# bins overlap by one cell where `i·n/m` is not a whole number; the `array_split` alternative
# tiles the axis without overlap.

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 2.8), sharey=True)
split_edges = np.cumsum([0] + [len(p) for p in np.array_split(np.arange(10), 4)])
for ax, (title, spans) in zip(axes, [
    ("Keras (= PyTorch): ⌊i·n/m⌋ … ⌈(i+1)·n/m⌉", adaptive_bins(10, 4)),
    ("np.array_split: no overlap (not Keras)", list(zip(split_edges[:-1], split_edges[1:], strict=True))),
], strict=True):
    for i, (begin, end) in enumerate(spans):
        ax.barh(i, end - begin, left=begin, color=palette[i % 3], edgecolor="grey")
        ax.text((begin + end) / 2, i, f"cells {begin}…{end - 1}", ha="center", va="center", fontsize=8)
    ax.set_xticks(range(11)), ax.set_xlim(0, 10), ax.set_yticks(range(4))
    ax.set_xlabel("input position (10 cells)"), ax.set_title(title, fontsize=9)
axes[0].set_ylabel("output cell i")
axes[0].invert_yaxis()
plt.tight_layout()
plt.show()

# %% [markdown]
# ### Keras 2 → 3
#
# - Older tutorials build models with `MaxPooling1D(pool_size=2, input_shape=(100, 1))`; in Keras 3 start
#   with `keras.Input((100, 1))` (the argument is deprecated and warns).
# - Adaptive pooling is new in Keras 3 (no Keras 2 equivalent), and the short aliases stay.
# - `keepdims` on the global layers (added late in Keras 2) is there on all six.
# - Pooling is no longer a TensorFlow op under the hood: each backend implements
#   `keras.ops.max_pool` / `keras.ops.average_pool`, which the layers call and you can call directly.

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    layers.MaxPooling1D(pool_size=2, input_shape=(100, 1))  # the Keras 2 idiom
assert any("Input(shape)" in str(w.message) for w in caught), [str(w.message) for w in caught]
for max_class, avg_class in GLOBAL.values():
    assert max_class(keepdims=True).keepdims and avg_class(keepdims=True).keepdims
x = rng.normal(size=(1, 6, 6, 2)).astype("float32")
np.testing.assert_array_equal(to_numpy(keras.ops.max_pool(x, 2, strides=2)),
                              to_numpy(layers.MaxPooling2D(2)(x)))
np.testing.assert_allclose(to_numpy(keras.ops.average_pool(x, 3, strides=1, padding="same")),
                           to_numpy(layers.AveragePooling2D(3, strides=1, padding="same")(x)), rtol=1e-6)
print("keras.ops.max_pool / average_pool compute what the layers compute")

# %% [markdown]
# ## Application
#
# ### Max pooling makes a detector tolerant to small shifts
#
# On scikit-learn's 8×8 handwritten digits, a hand-set **vertical-stroke** detector (a 3×3
# convolution) responds where a digit has a vertical stroke. Shifting the digit right by one
# pixel moves that response map. After `MaxPooling2D(2)` about **four in ten** of the pooled cells
# that respond are unchanged, because the maximum of a window often stays inside the same window;
# with plain subsampling (keeping every second pixel, the same output size with no pooling) only
# about one in four is. The cell measures both over all digits.

# %%
digits = load_digits().images.astype("float32") / 16.0  # (1797, 8, 8)
detector = layers.Conv2D(1, 3, padding="same", use_bias=False)
detector.build((None, 8, 8, 1))
stroke_kernel = np.array([[-1, 2, -1]] * 3, "float32")  # every row -1 2 -1: a bright vertical line
detector.set_weights([stroke_kernel.reshape(3, 3, 1, 1)])  # (height, width, in, out)


def response(images):
    return np.maximum(to_numpy(detector(images[..., None])), 0.0)  # ReLU of the stroke detector


original = response(digits)
shifted = response(np.roll(digits, 1, axis=2))  # the digits' borders are blank: a clean shift
halve = layers.MaxPooling2D(2)
pooled_same = np.isclose(to_numpy(halve(original)), to_numpy(halve(shifted)))
subsampled_same = np.isclose(original[:, ::2, ::2], shifted[:, ::2, ::2])
active = to_numpy(layers.MaxPooling2D(2)(original)) > 0.1  # cells where there is something to detect
print(f"unchanged after a 1-pixel shift: max-pooled {pooled_same[active].mean():.0%}, "
      f"subsampled {subsampled_same[active].mean():.0%} (over cells with a response)")
assert 0.35 < pooled_same[active].mean() < 0.5  # about four in ten: fails if "most" cells were unchanged
assert subsampled_same[active].mean() < 0.3 and pooled_same[active].mean() > subsampled_same[active].mean() + 0.1

# %% [markdown]
# ### How much of a digit survives pooling?
#
# Pooling keeps a summary, so how much does a classifier lose? Each digit image is pooled in five
# ways, and a **nearest-class-mean** classifier (computed in NumPy: each test image gets the label
# of the closest average training image) is scored on each version. No training, no weights: only
# what the pooled features still say. A 2×2 average pool keeps a quarter of the numbers and most of
# the accuracy; the coarser the summary, the more is lost, and a global average (one number per
# image) leaves little more than chance. This is why CNNs pool *after* convolutions have turned
# the pixels into many feature channels: the pooled summary of 64 channels still says a lot.

# %%
labels = load_digits().target
order = rng.permutation(len(digits))
train, test = order[:1400], order[1400:]
poolers = {
    "none (8×8)": None,
    "AveragePooling2D(2)": layers.AveragePooling2D(2),
    "MaxPooling2D(2)": layers.MaxPooling2D(2),
    "AdaptiveAveragePooling2D(3)": layers.AdaptiveAveragePooling2D(3),
    "AdaptiveMaxPooling2D(2)": layers.AdaptiveMaxPooling2D(2),
    "GlobalAveragePooling2D": layers.GlobalAveragePooling2D(),
}


def nearest_mean_accuracy(features):
    """Accuracy of the nearest-class-mean rule: fit on the training rows, score on the test rows."""
    flat = features.reshape(len(features), -1)
    means = np.stack([flat[train][labels[train] == k].mean(axis=0) for k in range(10)])
    distances = ((flat[test][:, None, :] - means[None]) ** 2).sum(axis=-1)
    return float(np.mean(distances.argmin(axis=1) == labels[test]))


results = {}
for name, pooler in poolers.items():
    features = digits[..., None] if pooler is None else to_numpy(pooler(digits[..., None]))
    results[name] = (features[0].size, nearest_mean_accuracy(features))
    print(f"{name:28s} {results[name][0]:3d} numbers per image   accuracy {results[name][1]:.3f}")

assert results["AveragePooling2D(2)"][0] == 16 and results["GlobalAveragePooling2D"][0] == 1
assert results["AveragePooling2D(2)"][1] > 0.8 * results["none (8×8)"][1]  # a quarter of the numbers
assert results["GlobalAveragePooling2D"][1] < 0.3  # one number per image is not enough

fig, ax = plt.subplots(figsize=(8, 3.6))
names = list(results)
ax.bar(range(len(names)), [results[n][1] for n in names], color=plots.TRAINABLE_COLOUR, edgecolor="grey")
for i, n in enumerate(names):
    ax.text(i, results[n][1] + 0.02, f"{results[n][0]} numbers", ha="center", fontsize=8)
ax.axhline(0.1, color=plots.ACCENT, linestyle="--", label="chance (10 classes)")
ax.set_xticks(range(len(names)), [n.replace("Pooling2D", "Pool") for n in names], rotation=15, fontsize=8)
ax.set_ylabel("test accuracy"), ax.set_ylim(0, 1.1), ax.legend(loc="upper right")
ax.set_title("Nearest-class-mean accuracy on pooled 8×8 digits")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Key terms
#
# - **Pooling**: replacing each window of a feature map by one summary number (max or mean).
# - **Pool size / window**: how many cells each summary covers, per spatial axis.
# - **Stride**: how far the window moves; defaults to the pool size in Keras pooling layers.
# - **`"valid"` / `"same"` padding**: only whole windows, or `⌈n/s⌉` windows with overhang at the
#   border; padded cells never take part in a max or a mean.
# - **Global pooling**: one summary over all spatial cells, per channel.
# - **Adaptive pooling**: a requested output size; bins `⌊i·n/m⌋ … ⌈(i+1)·n/m⌉`, possibly overlapping.
# - **`keepdims`**: keep the pooled axes with size 1.
# - **Shift tolerance**: small shifts of the input leave pooled outputs (mostly) unchanged.
# - **Alias**: a second name for the same class (`MaxPool2D is MaxPooling2D`).

# %% [markdown]
# ## Summary
#
# - Pooling layers have **no weights** and pool each channel separately.
# - Windowed pooling: output length `⌊(n − p)/s⌋ + 1` (`"valid"`) or `⌈n/s⌉` (`"same"`); the stride
#   defaults to the pool size, so `"same"` keeps the size only at stride 1.
# - Max ignores padding; average divides by the **real** cells under the window (one exception:
#   with uneven `"same"` padding the PyTorch backend pads with copies of the edge cells and counts
#   them).
# - Global pooling = `max`/`mean` over the spatial axes; `keepdims=True` keeps them as size 1;
#   `GlobalAveragePooling1D` respects a mask.
# - Adaptive pooling bins follow PyTorch's floor/ceil rule, so models port between the two.
# - Pooling makes detectors tolerant to small shifts, and global pooling lets one head serve any
#   input size with few weights.

# %% [markdown]
# ## Exercises
#
# 1. Extend `pool_reference` with `data_format="channels_first"` and prove it against
#    `AveragePooling3D(..., data_format="channels_first")`.
# 2. Find the smallest `n` for which `AdaptiveAveragePooling1D(3)` has overlapping bins, predict
#    the output for `np.arange(n)`, and check it.
# 3. Show that `AveragePooling2D(2)` equals a `Conv2D` with a fixed kernel of 0.25s (and stride 2)
#    applied to a one-channel image; why does this fail at `"same"` borders?
# 4. Replace `MaxPooling2D(2)` in the digit classifier by `Conv2D(32, 2, strides=2)`; count the
#    extra weights and compare the accuracy.

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
# A pooling layer replaces each window of a sequence, an image or a volume by **one number**: its
# maximum or its average. It has **no weights**; it shrinks feature maps, makes them more tolerant
# to small shifts, and (in its *global* form) turns a feature map of any size into one vector.
# All eighteen pooling layers of Keras 3 are here, each recomputed in NumPy with a plain loop.
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
# The tools: Keras, NumPy for the checks, matplotlib, scikit-learn's bundled images and digits,
# and the course helpers.

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
from helpers.selfcheck import exercise

plots.use_course_style()
layers = keras.layers
rng = np.random.default_rng(0)  # every synthetic array below comes from this generator


# %% [markdown]
# ## What
#
# **Pooling** summarises neighbourhoods. Cut a feature map into windows, and replace each window by
# its **maximum** (max pooling) or its **mean** (average pooling), separately for every channel.
# The plainest way to say it is a loop: here with 2×2 windows that step by 2, so the windows sit
# side by side and a 4×4 image becomes 2×2.

# %%
def pool_2x2(a, reduce):
    """Pool a 2-D array with 2x2 windows, stride 2, one window at a time (reduce = np.max or np.mean)."""
    out = np.zeros((a.shape[0] // 2, a.shape[1] // 2), a.dtype)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            window = a[2 * i: 2 * i + 2, 2 * j: 2 * j + 2]  # rows 2i, 2i+1 and columns 2j, 2j+1
            out[i, j] = reduce(window)
    return out


image = np.array([[1, 3, 2, 0], [4, 8, 6, 1], [7, 5, 9, 2], [0, 3, 4, 6]], "float32")
print("input:\n", image)
print("max of each 2x2 window:\n", pool_2x2(image, np.max))
print("mean of each 2x2 window:\n", pool_2x2(image, np.mean))

# %% [markdown]
# The same on a 6×6 input, this time computed by the Keras layers `MaxPooling2D(2)` and
# `AveragePooling2D(2)`: each coloured block of the input becomes the cell of the same colour in
# each output, and the loop above gives the same numbers.

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
np.testing.assert_array_equal(window_max, pool_2x2(grid6, np.max))
np.testing.assert_allclose(window_avg, pool_2x2(grid6, np.mean), rtol=1e-6)

fig, axes = plt.subplots(1, 3, figsize=(11, 3.8), gridspec_kw={"width_ratios": [6, 3, 3]})
show_grid(axes[0], grid6, "input 6×6\n(2×2 windows coloured)", palette, block=2)
show_grid(axes[1], window_max, "MaxPooling2D(2)\n→ 3×3", palette)
show_grid(axes[2], window_avg, "AveragePooling2D(2)\n→ 3×3", palette)
plt.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that each output cell is the maximum (middle) or the mean (right) of the input block "
           "of the same colour, so the 6×6 map becomes 3×3 and each value comes from one block only.")

# %% [markdown]
# Three families of layers follow from that idea:
#
# | family | what one output cell sees | output spatial size |
# |---|---|---|
# | `MaxPooling*D`, `AveragePooling*D` | one window of `pool_size` cells | set by `pool_size`, `strides`, `padding` |
# | `GlobalMaxPooling*D`, `GlobalAveragePooling*D` | the whole feature map | none (or all 1 with `keepdims=True`) |
# | `AdaptiveMaxPooling*D`, `AdaptiveAveragePooling*D` | one of `output_size` bins | exactly `output_size` |
#
# The suffix `1D`, `2D`, `3D` is the number of spatial axes: sequences `(batch, steps, channels)`,
# images `(batch, height, width, channels)`, volumes or clips `(batch, depth, height, width,
# channels)`. None of the eighteen layers has a weight, and none mixes channels (the deep dive
# checks both on every one of them).

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
assert all(getattr(layers, short) is getattr(layers, long) for short, long in ALIASES.items())
assert not hasattr(layers, "AdaptiveAvgPool2D") and not hasattr(layers, "AdaptiveMaxPool2D")
print(f"{len(ALIASES)} aliases, each the same class as its long name")

# %% [markdown]
# ## Why
#
# - **Less to compute downstream**: a 2×2 pool with stride 2 keeps a quarter of the cells, for free.
# - **Wider view**: after pooling, a 3×3 convolution covers what a 6×6 one covered before.
# - **Some tolerance to small shifts**: the maximum of a window does not care *where* in the window
#   the strong response sits (measured in the Application).
# - **Any input size, one vector**: global and adaptive pooling give a fixed size, so one dense
#   head serves images of every resolution.

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
# - **Computer-vision practitioners**: classic CNNs (LeNet, VGG, ResNet) pool; modern ones end
#   with global average pooling.
# - **Sequence and text modellers**: global max pooling over a text CNN's feature maps.
# - **People porting PyTorch models**: `AdaptiveAveragePooling2D` uses the bins of
#   `nn.AdaptiveAvgPool2d` (rule in How).

# %% [markdown]
# ## How
#
# ### `MaxPooling1D`, `MaxPooling2D`, `MaxPooling3D`
#
# `MaxPooling2D(pool_size=(2, 2), strides=None, padding="valid", data_format=None)`. `strides`
# defaults to `pool_size` (windows side by side, no overlap). An integer is used for every spatial
# axis; a tuple sets each axis. The 2-D layer is checked against the loop of What; in 1-D the
# windows are written out, here with `pool_size=3, strides=2`, so neighbouring windows share a
# cell; in 3-D each output is the maximum of one 2×2×2 cube.

# %%
pooled = to_numpy(layers.MaxPooling2D(pool_size=2)(image[None, :, :, None]))[0, :, :, 0]
np.testing.assert_array_equal(pooled, pool_2x2(image, np.max))
print("MaxPooling2D(2) of the 4x4 image:\n", pooled)

sequence = np.array([3, 1, 4, 1, 5, 9, 2, 6], "float32")[None, :, None]
max_1d = to_numpy(layers.MaxPooling1D(pool_size=3, strides=2)(sequence)).ravel()
steps8 = sequence.ravel()
windows_1d = [steps8[0:3], steps8[2:5], steps8[4:7]]  # starts 0, 2, 4; a 4th window would need cell 8
np.testing.assert_array_equal(max_1d, [w.max() for w in windows_1d])  # [3,1,4] [4,1,5] [5,9,2] -> 4 5 9
print("MaxPooling1D(3, strides=2):", max_1d)

volume = rng.normal(size=(1, 4, 4, 4, 1)).astype("float32")
max_3d = to_numpy(layers.MaxPooling3D(pool_size=2)(volume))
assert max_3d.shape == (1, 2, 2, 2, 1)
for i, j, k in itertools.product(range(2), repeat=3):
    cube = volume[0, 2 * i: 2 * i + 2, 2 * j: 2 * j + 2, 2 * k: 2 * k + 2, 0]
    assert max_3d[0, i, j, k, 0] == cube.max()
print("MaxPooling3D(2):", volume.shape, "->", max_3d.shape)

# %% [markdown]
# ### `padding`: `"valid"` and `"same"`
#
# With `padding="valid"` only whole windows count: `⌊(n − p)/s⌋ + 1` of them on an axis of `n`
# cells, with pool size `p` and stride `s`. With `padding="same"` there are `⌈n/s⌉` windows, and
# the ones at the border hang over the edge. Below, `pool_size=3, strides=2` on 7 cells: `"valid"`
# fits three windows; `"same"` needs four, so it adds `(4 − 1)·2 + 3 − 7 = 2` padding cells, one
# before the input and one after. The padded cells are simply **left out**: a max ignores them, a
# mean divides by the cells that are really there (proved in the Proof section).

# %%
def window_starts(n, pool, stride, padding):
    """(start of each window in input coordinates, cells of padding before the input)."""
    if padding == "valid":
        count, before = (n - pool) // stride + 1, 0
    else:
        count = -(-n // stride)
        before = max((count - 1) * stride + pool - n, 0) // 2
    return [i * stride - before for i in range(count)], before


assert window_starts(7, 3, 2, "valid") == ([0, 2, 4], 0)
assert window_starts(7, 3, 2, "same") == ([-1, 1, 3, 5], 1)
for padding in ("valid", "same"):
    length = layers.MaxPooling1D(3, strides=2, padding=padding)(np.zeros((1, 7, 1), "float32")).shape[1]
    assert length == len(window_starts(7, 3, 2, padding)[0])

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
plt.close(fig)
plots.show(fig, 'Notice that "valid" fits three whole windows inside the 7 cells, while "same" makes four, '
           "the first and the last hanging one padded cell (hatched) over each border.")

# %% [markdown]
# ### `AveragePooling1D`, `AveragePooling2D`, `AveragePooling3D`
#
# Same arguments; each output is the **mean** of its window. For a 2×2 window that is the sum of
# **four** cells divided by 4 (a `1/pool_size` in front of a double sum, as often written, is a slip: it
# would divide by 2; see the Proof).

# %%
avg_2d = to_numpy(layers.AveragePooling2D(pool_size=2)(image[None, :, :, None]))[0, :, :, 0]
np.testing.assert_allclose(avg_2d, pool_2x2(image, np.mean))
avg_1d = to_numpy(layers.AveragePooling1D(pool_size=2)(sequence)).ravel()
np.testing.assert_allclose(avg_1d, [steps8[t: t + 2].mean() for t in (0, 2, 4, 6)])
avg_3d = to_numpy(layers.AveragePooling3D(pool_size=(2, 2, 4))(volume))
assert avg_3d.shape == (1, 2, 2, 1, 1)  # the last axis: one window of 4 cells
np.testing.assert_allclose(avg_3d[0, 1, 0, 0, 0], volume[0, 2:4, 0:2, 0:4, 0].mean(), rtol=1e-5)
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
# out the bins. The rule, on an axis of `n` cells pooled to `m` outputs:
#
# > **output cell `i` reads the slice `x[⌊i·n/m⌋ : ⌈(i+1)·n/m⌉]`**: the start is rounded down,
# > the end rounded up, and, as in every Python slice, the end is excluded.
#
# This notebook writes the bins this way everywhere. It is PyTorch's `AdaptiveAvgPool` rule. When
# `m` divides `n` every bin is a plain window of `n/m` cells. When it does not, the bins have
# different lengths and neighbouring bins can **share** a cell: for 10 → 4 the bins are `x[0:3]`,
# `x[2:5]`, `x[5:8]`, `x[7:10]`, so cells 2 and 7 are read twice.

# %%
def adaptive_bins(n, m):
    """The (start, end) of each of the m bins on an axis of n cells: bin i is x[start:end]."""
    return [(i * n // m, -(-(i + 1) * n // m)) for i in range(m)]  # floor, ceil


ten = np.arange(1, 11, dtype="float32")[None, :, None]
max_5 = to_numpy(layers.AdaptiveMaxPooling1D(5)(ten)).ravel()
avg_5 = to_numpy(layers.AdaptiveAveragePooling1D(5)(ten)).ravel()
avg_4 = to_numpy(layers.AdaptiveAveragePooling1D(4)(ten)).ravel()
print("bins for 10 -> 5:", adaptive_bins(10, 5))
print("bins for 10 -> 4:", adaptive_bins(10, 4), "(cells 2 and 7 are in two bins)")
print("AdaptiveMaxPooling1D(5):    ", max_5)
print("AdaptiveAveragePooling1D(5):", avg_5)
print("AdaptiveAveragePooling1D(4):", avg_4)
np.testing.assert_allclose(avg_5, [1.5, 3.5, 5.5, 7.5, 9.5])  # 10 / 5: plain pairs
np.testing.assert_array_equal(max_5, [2, 4, 6, 8, 10])
np.testing.assert_allclose(avg_4, [ten.ravel()[a:b].mean() for a, b in adaptive_bins(10, 4)], rtol=1e-6)
assert adaptive_bins(10, 4) == [(0, 3), (2, 5), (5, 8), (7, 10)]
y = layers.AdaptiveMaxPooling2D((3, 3))(np.ones((1, 11, 13, 4), "float32"))
assert tuple(y.shape) == (1, 3, 3, 4)  # 11x13 in, the requested 3x3 out
block_3d = np.ones((1, 5, 4, 7, 2), "float32")
assert tuple(layers.AdaptiveAveragePooling3D((2, 1, 3))(block_3d).shape) == (1, 2, 1, 3, 2)

# %% [markdown]
# The bins, drawn for 10 → 4: each bar is one output cell's slice of the input. A plausible
# alternative rule, `np.array_split` (bins that tile the axis, longer ones first), is drawn beside
# it; it is **not** what Keras does, and its means differ (asserted).

# %%
keras_10_to_4 = to_numpy(layers.AdaptiveAveragePooling1D(4)(ten)).ravel()
split_rule = np.array([part.mean() for part in np.array_split(ten.ravel(), 4)])
assert not np.allclose(keras_10_to_4, split_rule)  # fails if Keras used non-overlapping array_split bins
print("Keras 10 -> 4:", keras_10_to_4, "| array_split rule would give", split_rule)

fig, axes = plt.subplots(1, 2, figsize=(10, 2.8), sharey=True)
split_edges = np.cumsum([0] + [len(p) for p in np.array_split(np.arange(10), 4)])
for ax, (title, spans) in zip(axes, [
    ("Keras (= PyTorch): x[⌊i·n/m⌋ : ⌈(i+1)·n/m⌉]", adaptive_bins(10, 4)),
    ("np.array_split: no overlap (not Keras)", list(zip(split_edges[:-1], split_edges[1:], strict=True))),
], strict=True):
    for i, (begin, end) in enumerate(spans):
        ax.barh(i, end - begin, left=begin, color=palette[i % 3], edgecolor="grey")
        ax.text((begin + end) / 2, i, f"x[{begin}:{end}]", ha="center", va="center", fontsize=8)
    ax.set_xticks(range(11)), ax.set_xlim(0, 10), ax.set_yticks(range(4))
    ax.set_xlabel("input position (10 cells)"), ax.set_title(title, fontsize=9)
axes[0].set_ylabel("output cell i")
axes[0].invert_yaxis()
plt.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that the Keras bins x[0:3], x[2:5], x[5:8], x[7:10] overlap, so cells 2 and 7 feed "
           "two outputs each, while np.array_split's bins tile the 10 cells without overlap.")

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
# - **Some tolerance to small shifts** (max pooling) and to noise (average pooling).
# - **Global and adaptive pooling decouple the head from the input size**: one model, any resolution.
# - **Simple and exact**: every output is a max or a mean you can recompute by hand.

# %% [markdown]
# ## Cons
#
# - **Throws information away**: where in the window the maximum was is lost.
# - **Not learned**: a strided convolution can learn a better downsampling (at a cost in weights).
# - **Max pooling passes gradient to one cell per window** only.
# - **Border rules are subtle**: `"same"` padding and uneven adaptive bins are easy to get wrong,
#   and the PyTorch backend differs in one corner case (deep dive).
# - **Aliasing**: max pooling on high-frequency content can produce jagged, shift-sensitive output.

# %% [markdown]
# ## Picture
#
# ### What pooling does to a feature map
#
# A photograph (scikit-learn's `china.jpg`, grey, 107×160), a vertical-edge feature map computed
# from it (the kind of map a first convolution layer produces), and that map after three pooling
# layers.

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
plt.close(fig)
plots.show(fig, "Notice that after MaxPooling2D(4) the edge responses stay bright in a 26×40 map, while "
           "AveragePooling2D(4) dims them, and the adaptive layer gives the requested coarse 8×12 grid.")

# %% [markdown]
# ## Table
#
# `n` is an input's spatial size on one axis, `p` the pool size, `s` the stride (default `p`), `m`
# the adaptive output size on that axis.
#
# | API | Output on one axis | Each output cell is | Key arguments |
# |---|---|---|---|
# | `MaxPooling1D/2D/3D` (`MaxPool*D`) | valid: `⌊(n − p)/s⌋ + 1`; same: `⌈n/s⌉` | max of its window (padding ignored) | `pool_size`, `strides`, `padding`, `data_format` |
# | `AveragePooling1D/2D/3D` (`AvgPool*D`) | as above | mean over the window's **real** cells | as above |
# | `GlobalMaxPooling1D/2D/3D` (`GlobalMaxPool*D`) | axis removed (size 1 with `keepdims`) | max over all spatial cells, per channel | `keepdims`, `data_format` |
# | `GlobalAveragePooling1D/2D/3D` (`GlobalAvgPool*D`) | axis removed (size 1 with `keepdims`) | mean over all spatial cells, per channel (1D: masked steps left out) | `keepdims`, `data_format` |
# | `AdaptiveMaxPooling1D/2D/3D` | `m` (`output_size`) | max over the bin `x[⌊i·n/m⌋ : ⌈(i+1)·n/m⌉]` | `output_size`, `data_format` |
# | `AdaptiveAveragePooling1D/2D/3D` | `m` (`output_size`) | mean over the same bin | `output_size`, `data_format` |
#
# All have zero weights and pool each channel separately.

# %% [markdown]
# ## Example
#
# ### A classifier head that accepts any image size
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
# ### `"same"` average pooling divides by the cells that are really there
#
# At the border a `"same"` window overhangs the input. Two rules are plausible: pad with zeros and
# divide by the full window size (PyTorch's `count_include_pad=True` default), or divide by the
# number of real cells only. On a **constant** signal they differ at once: the first rule sags at
# the edges, the second stays constant. With an odd window (padding split evenly) all three
# backends use the real-cells rule. With an even window the padding is uneven, and there the
# PyTorch backend follows a third rule (see the deep dive).

# %%
ones = np.ones((1, 6, 1), "float32")
odd = to_numpy(layers.AveragePooling1D(3, strides=1, padding="same")(ones)).ravel()
real_cells_rule = [ones.ravel()[max(t - 1, 0): t + 2].mean() for t in range(6)]  # window t-1, t, t+1, clipped
np.testing.assert_allclose(odd, real_cells_rule)
np.testing.assert_allclose(odd, np.ones(6))  # fails if padded zeros were counted: edges would be 2/3
full_window = np.convolve(ones.ravel(), np.ones(3), mode="same") / 3  # zeros padded, divided by 3
assert not np.allclose(full_window, odd)  # the other rule really differs on this case
print("odd window, constant input: Keras", odd, "| full-window rule", np.round(full_window, 3))

# %% [markdown]
# ## Application
#
# ### How much does max pooling tolerate a small shift?
#
# On scikit-learn's 8×8 handwritten digits, a hand-set **vertical-stroke** detector (a 3×3
# convolution) responds where a digit has a vertical stroke. Shifting the digit right by one
# pixel moves that response map. The cell counts, over all digits and over the pooled cells that
# respond, how many are unchanged by the shift: after `MaxPooling2D(2)` it is 44 %, because the
# maximum of a window often stays inside the same window. That is **fewer than half**: max
# pooling buys some tolerance, not invariance. Plain subsampling (keeping every second pixel, the
# same output size with no pooling) keeps only 26 % unchanged.

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
assert round(100 * pooled_same[active].mean()) == 44 and round(100 * subsampled_same[active].mean()) == 26

# %% [markdown]
# ## Key terms
#
# - **Pooling**: replacing each window by one summary number (max or mean), per channel.
# - **Pool size, stride**: the window's size and step; the stride defaults to the pool size.
# - **`"valid"` / `"same"`**: whole windows only, or `⌈n/s⌉` windows overhanging the border.
# - **Global pooling**: one summary over all spatial cells, per channel.
# - **Adaptive pooling**: a requested output size; output `i` reads the bin `x[⌊i·n/m⌋ : ⌈(i+1)·n/m⌉]`.
# - **Shift tolerance**: some pooled outputs survive a small shift; tolerance, not invariance.
# - **Alias**: a second name for the same class (`MaxPool2D is MaxPooling2D`).

# %% [markdown]
# ## Summary
#
# - Pooling layers have **no weights** and pool each channel separately; a loop over windows
#   computes exactly what they compute.
# - Output length `⌊(n − p)/s⌋ + 1` (`"valid"`) or `⌈n/s⌉` (`"same"`); the stride defaults to the
#   pool size, so `"same"` keeps the size only at stride 1.
# - Max ignores padding; average divides by the **real** cells (PyTorch-backend exception in the
#   deep dive).
# - Global pooling = `max`/`mean` over the spatial axes; adaptive output `i` reads
#   `x[⌊i·n/m⌋ : ⌈(i+1)·n/m⌉]`, as in PyTorch.
# - Max pooling gives some shift tolerance; global pooling lets one head serve any input size.

# %% [markdown]
# ## Exercises
#
# Each exercise prints its task and how you know you are done; `ex.check(...)` tells you what is
# right and what is not yet. Hints and solutions appear only when you uncomment their line.

# %% [markdown]
# ### Exercise 08.1 · Pooling with a loop, any window and stride
#
# Generalise `pool_2x2` from What.

# %%
ex = exercise("08.1")  # prints the task and how you know you are done


def pool_2d(a, pool, stride, reduce):
    ...  # your code here


ex.check(pool_2d)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 08.2 · Predict the output shapes
#
# Work them out on paper from the Table first; then let the check compare them with Keras.

# %%
ex = exercise("08.2")

predicted = None  # a dict {"a": (1, ..., ...), "b": ..., ...}: one shape per layer, batch axis included

ex.check(predicted)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 08.3 · Which input cells do two adaptive bins share?
#
# The check compares your answer with what Keras's `AdaptiveMaxPooling1D` reveals when it is fed
# one-hot inputs, not with the formula.

# %%
ex = exercise("08.3")


def shared_cells(n, m):
    ...  # your code here


ex.check(shared_cells)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ## Deep dive (optional)
#
# The proofs below are there for trust rather than for understanding: every one of the eighteen
# layers and twelve aliases checked, the loop-free NumPy tricks, the backend corner case, and the
# Keras 2 history. Nothing in the core path depends on them.

# %% [markdown]
# ### Every pooling layer: no weights, channels kept apart
#
# This proves the What section's claim on all eighteen layers, in case you need one you did not
# see run: each has zero weights, and a single non-zero input channel stays the only non-zero
# output channel.

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
# ### Each alias, one by one
#
# The Where cell checked the aliases in a loop; these lines name every pair, so a search for any
# alias lands on its proof.

# %%
assert layers.MaxPool1D is layers.MaxPooling1D and layers.MaxPool2D is layers.MaxPooling2D
assert layers.MaxPool3D is layers.MaxPooling3D and layers.AvgPool1D is layers.AveragePooling1D
assert layers.AvgPool2D is layers.AveragePooling2D and layers.AvgPool3D is layers.AveragePooling3D
assert layers.GlobalMaxPool1D is layers.GlobalMaxPooling1D
assert layers.GlobalMaxPool2D is layers.GlobalMaxPooling2D
assert layers.GlobalMaxPool3D is layers.GlobalMaxPooling3D
assert layers.GlobalAvgPool1D is layers.GlobalAveragePooling1D
assert layers.GlobalAvgPool2D is layers.GlobalAveragePooling2D
assert layers.GlobalAvgPool3D is layers.GlobalAveragePooling3D

# %% [markdown]
# ### Pooling without a loop: the reshape trick
#
# This shows the loop-free NumPy way to pool, which you will meet in other people's code; it is
# fast, but harder to read than the loop. For side-by-side windows, `image.reshape(2, 2, 2, 2)`
# splits each axis of the 4×4 image into (which block, where inside the block):
# `image.reshape(2, 2, 2, 2)[bi, di, bj, dj] == image[2·bi + di, 2·bj + dj]`. `swapaxes(1, 2)`
# brings the two block indices to the front, so `blocks[bi, bj]` is the 2×2 block at `(bi, bj)`,
# and a max or mean over the last two axes pools it. The same idea works in 3-D (one pair of axes
# per spatial axis), and `sliding_window_view` gives overlapping 1-D windows.

# %%
blocks = image.reshape(2, 2, 2, 2).swapaxes(1, 2)  # blocks[i, j] is the 2x2 block at (i, j)
np.testing.assert_array_equal(pooled, blocks.max(axis=(2, 3)))
np.testing.assert_allclose(avg_2d, blocks.mean(axis=(2, 3)))
windows = np.lib.stride_tricks.sliding_window_view(sequence.ravel(), 3)[::2]  # starts 0, 2, 4
np.testing.assert_array_equal(max_1d, windows.max(axis=1))
np.testing.assert_allclose(avg_1d, sequence.ravel().reshape(4, 2).mean(axis=1))
cubes = volume[0, ..., 0].reshape(2, 2, 2, 2, 2, 2)  # axes (i, di, j, dj, k, dk)
np.testing.assert_array_equal(max_3d[0, ..., 0], cubes.max(axis=(1, 3, 5)))
boxes = volume[0, ..., 0].reshape(2, 2, 2, 2, 1, 4)
np.testing.assert_allclose(avg_3d[0, ..., 0], boxes.mean(axis=(1, 3, 5)), rtol=1e-5, atol=1e-6)
np.testing.assert_array_equal(window_max, grid6.reshape(3, 2, 3, 2).max(axis=(1, 3)))
print("the reshape trick gives what the loops gave")

# %% [markdown]
# ### The output-size formulas, over a grid of settings
#
# This checks the Table's formulas on 24 settings, so you can trust them beyond the few cases the
# core path tried.
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
# ### A NumPy reference for windowed pooling, in 1, 2 and 3 dimensions
#
# This builds one reference for every windowed layer, so that the next cell can check all six on
# settings the core path did not try. `pool_reference` works from the definition: find each window
# (with `window_starts` from How), clip it to the input, reduce. For `"same"` it pads
# `total = max((out − 1)·s + p − n, 0)` cells, of which `total // 2` go **before** the input and the
# rest after, and it leaves padded cells out of the reduction (`average_rule="valid cells"`). The
# other plausible rule for averages, zero padding divided by the full window size, is available as
# `average_rule="full window"`.

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


full_window_reference = pool_reference(ones, (3,), (1,), "same", "avg", average_rule="full window").ravel()
np.testing.assert_allclose(full_window_reference, full_window, rtol=1e-6)  # the Proof's np.convolve rule
np.testing.assert_allclose(odd, pool_reference(ones, (3,), (1,), "same", "avg").ravel())

# %% [markdown]
# ### Max and average pooling equal the reference (1-D, 2-D, 3-D, `"valid"` and `"same"`)
#
# This checks all six windowed layers against the reference, so you can trust the formulas of the
# Table beyond the few cases of the core path. Random inputs: in 1-D pool sizes 2 and 3 with
# strides 1 and 2 and both paddings; in 2-D and 3-D settings that differ from axis to axis. Odd and
# even windows are both included. On the PyTorch backend, `"same"` average pooling with uneven
# padding follows another rule (the next cell takes it apart), and those cases are checked against
# that rule. The inputs are all **negative** for max pooling: if padding were zeros that took part
# in the maximum, the border outputs would be 0 and the check would fail.

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
# ### Even `"same"` windows: the PyTorch backend counts copies of the edge
#
# This pins down the one place where the backends disagree, which matters if you compare numbers
# across backends or port a model. With an even window at stride 1, the padding is uneven (one
# cell more after the input). There the PyTorch backend pads **all** of it itself, before and
# after the input, with copies of the edge cells, and then averages full windows: the padded
# cells count as real ones. So its outputs differ from TensorFlow's and JAX's at **both** ends,
# not only where the extra cell is. On `1 2 3 4 5` with a window of 4: TensorFlow and JAX give
# `2 2.5 3.5 4 4.5`, PyTorch `1.75 2.5 3.5 4.25 4.75`. The cell asserts each backend's rule.

# %%
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
# ### Global pooling is a reduction over the spatial axes, per channel
#
# This checks all six global layers, with and without `keepdims`, in both data formats, against
# `np.max` / `np.mean` over axes 1…rank. The formula `output = max(x)` often given would be one
# number per example; the proof checks there is one per **channel** (the channels hold different
# values, so a single maximum would fail).

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
# ### Adaptive pooling: the bin rule on all six layers
#
# This checks the bin rule of How on every adaptive layer and on sizes that do **not** divide
# evenly (7→3, 10→4, 5→2, and 4→6, an up-sampling), so you can rely on it when porting a model.
# `adaptive_reference` pools each bin `x[⌊i·n/m⌋ : ⌈(i+1)·n/m⌉]` from `adaptive_bins`, axis by axis.

# %%
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
print("all six adaptive layers equal the bin rule on sizes that do not divide")

# %% [markdown]
# ### How much of a digit survives pooling?
#
# This measures what pooled pixels still tell a simple classifier, for readers who wonder how much
# a summary loses and why networks pool only after convolutions.
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
    count = results[n][0]
    ax.text(i, results[n][1] + 0.02, f"{count} number{'s' if count > 1 else ''}", ha="center", fontsize=8)
ax.axhline(0.1, color=plots.ACCENT, linestyle="--", label="chance (10 classes)")
ax.set_xticks(range(len(names)), [n.replace("Pooling2D", "Pool") for n in names], rotation=15, fontsize=8)
ax.set_ylabel("test accuracy"), ax.set_ylim(0, 1.1), ax.legend(loc="upper right")
ax.set_title("Nearest-class-mean accuracy on pooled 8×8 digits")
plt.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that the 2×2 pools keep 16 numbers per image and most of the accuracy, while the "
           "global average, one number per image, falls to a bar barely above the chance line.")

# %% [markdown]
# ### Keras 2 → 3
#
# This is history, for reading older code:
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

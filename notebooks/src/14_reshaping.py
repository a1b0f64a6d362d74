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
# # 14 · Reshaping layers
#
# Reshaping layers learn nothing: they **move numbers around**. `Reshape`, `Flatten`,
# `RepeatVector` and `Permute` change a tensor's shape or the order of its axes; `Cropping1D/2D/3D`
# cut borders off, `ZeroPadding1D/2D/3D` add borders of zeros, and `UpSampling1D/2D/3D` enlarge by
# repeating (or, in 2D, interpolating). They are the glue that makes the output of one layer fit the
# input of the next. In this notebook each of the thirteen layers is rebuilt in NumPy (`reshape`,
# `transpose`, slicing, `np.pad`, `np.repeat` and a hand-written bilinear interpolation whose
# pixel-centre convention is found by experiment), on cases where a plausible wrong version gives a
# different answer. Crop, pad and upsample are shown on a real photograph, and a small autoencoder
# uses `Reshape`, `UpSampling2D` and `Flatten` to rebuild handwritten digits.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/notebooks/14_reshaping.ipynb)

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
# The tools used all along: Keras, NumPy for the independent checks, matplotlib in the course style,
# a photograph that ships with scikit-learn, and the two course utilities.

# %%
import warnings

import keras
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits, load_sample_image

from helpers import plots
from helpers.nbtools import expect_error, to_numpy
from helpers.selfcheck import exercise

plots.use_course_style()
rng = np.random.default_rng(0)


def figure(*args, **kwargs):
    """plt.subplots, detached from pyplot so the figure shows once, where the cell returns it."""
    fig, axes = plt.subplots(*args, **kwargs)
    plt.close(fig)
    return fig, axes


def same(keras_output, numpy_result):
    """Exact equality: these layers only move numbers, so nothing may be rounded."""
    np.testing.assert_array_equal(to_numpy(keras_output), numpy_result)


def grid(*shape):
    """A float32 array whose entries are 0, 1, 2, ...: every value says where it came from."""
    return np.arange(np.prod(shape), dtype="float32").reshape(shape)


# %% [markdown]
# ## What
#
# A reshaping layer is a fixed function of its input's **layout**: it never does arithmetic on the
# values except copying them (and, for bilinear upsampling, averaging neighbours). None of the
# thirteen layers has a weight. The cell builds each one and checks that it owns no variables and
# that its output shape is what `compute_output_shape` announces.

# %%
layers_and_inputs = [
    (keras.layers.Reshape((3, 4)), (2, 12)),
    (keras.layers.Flatten(), (2, 3, 4)),
    (keras.layers.RepeatVector(5), (2, 4)),
    (keras.layers.Permute((2, 1)), (2, 3, 4)),
    (keras.layers.Cropping1D((1, 2)), (2, 8, 3)),
    (keras.layers.Cropping2D(((1, 0), (2, 1))), (2, 6, 7, 3)),
    (keras.layers.Cropping3D(1), (2, 5, 6, 7, 3)),
    (keras.layers.ZeroPadding1D(2), (2, 8, 3)),
    (keras.layers.ZeroPadding2D(((1, 0), (2, 1))), (2, 6, 7, 3)),
    (keras.layers.ZeroPadding3D(1), (2, 5, 6, 7, 3)),
    (keras.layers.UpSampling1D(3), (2, 4, 3)),
    (keras.layers.UpSampling2D((2, 3)), (2, 4, 5, 3)),
    (keras.layers.UpSampling3D(2), (2, 3, 4, 5, 3)),
]
for layer, shape in layers_and_inputs:
    out = layer(grid(*shape))
    assert not layer.weights, layer.name
    assert tuple(out.shape) == tuple(layer.compute_output_shape(shape)), layer.name
    print(f"{type(layer).__name__:14s}{str(shape):18s} -> {tuple(out.shape)}")

# %% [markdown]
# ## Where
#
# - **In the API**: `keras.layers.Reshape`, `Flatten`, `RepeatVector`, `Permute`,
#   `Cropping1D/2D/3D`, `ZeroPadding1D/2D/3D`, `UpSampling1D/2D/3D`, on every backend. Only some
#   of `UpSampling2D`'s interpolation modes depend on the backend (see How).
# - **In a model**: between the layers whose shapes must meet: after convolutions and before
#   `Dense` (`Flatten`), between an encoder's vector and a decoder's sequence (`RepeatVector`), in
#   the decoder half of a U-Net or autoencoder (`UpSampling2D`, `Cropping2D` to line up a skip
#   connection), before a convolution that must keep the size (`ZeroPadding2D`).
# - **Shapes exclude the batch axis**: `Reshape((3, 4))` means each example becomes 3 × 4, and
#   `Permute`'s `dims` count from 1 (axis 0 is the batch and never moves).

# %%
model = keras.Sequential([keras.Input((12,)), keras.layers.Reshape((3, 4)), keras.layers.Permute((2, 1)),
                          keras.layers.Flatten()])
assert model.output_shape == (None, 12) and model.count_params() == 0
x = grid(2, 12)
same(model(x), x.reshape(2, 3, 4).transpose(0, 2, 1).reshape(2, 12))
print("Reshape -> Permute -> Flatten in a Sequential model:", model.output_shape, "0 parameters")

# %% [markdown]
# ## Why
#
# - Layers expect particular ranks: `Dense` works on the last axis, `Conv2D` wants
#   (height, width, channels), `LSTM` wants (time, features). Reshaping layers adapt one to another
#   **inside the model**, so the saved model accepts raw inputs.
# - Borders matter: padding keeps a convolution's output the size of its input; cropping aligns
#   two feature maps of slightly different sizes.
# - Decoders and segmentation networks must **grow** feature maps back to image size; upsampling
#   does it without weights (follow it with a convolution to learn the detail).

# %% [markdown]
# ## When
#
# | Need | Layer |
# |---|---|
# | Give each example a new shape with the same number of values | `Reshape` (one axis may be `-1`) |
# | Feed a feature map to `Dense` | `Flatten` (or a global pooling layer) |
# | Turn a vector into a sequence of `n` copies (seq2seq decoders) | `RepeatVector(n)` |
# | Swap axes, e.g. (time, features) → (features, time) | `Permute` |
# | Remove borders / align two maps | `Cropping1D/2D/3D` |
# | Add zero borders | `ZeroPadding1D/2D/3D` |
# | Enlarge by an integer factor | `UpSampling1D/2D/3D` (2D also bilinear) |

# %% [markdown]
# ## Who
#
# - `Flatten` and `Reshape` have been part of Keras since its first release (François Chollet,
#   2015), because every CNN classifier of the time ended in `Flatten` → `Dense`.
# - Zero padding before convolutions dates back to LeCun's LeNet; cropping and upsampling became
#   everyday layers with fully convolutional networks (Long et al., 2015) and **U-Net**
#   (Ronneberger et al., 2015), whose decoder upsamples and whose skip connections crop.
# - `RepeatVector` serves the encoder–decoder sequence models of Sutskever et al. (2014).

# %% [markdown]
# ## How
#
# ### `Reshape(target_shape)`
#
# Keeps the values in the same **row-major (C) order** and regroups them, exactly like
# `np.reshape`. One entry of `target_shape` may be `-1`, inferred from the others. A target with a
# different total size raises a `ValueError`.

# %%
x = grid(2, 12)
same(keras.layers.Reshape((3, 4))(x), x.reshape(2, 3, 4))
same(keras.layers.Reshape((-1, 2))(x), x.reshape(2, 6, 2))  # -1 inferred as 6
assert keras.layers.Reshape((-1, 2)).compute_output_shape((None, 12)) == (None, 6, 2)
error = expect_error(ValueError, lambda: keras.layers.Reshape((5,))(x))
message = [line for line in str(error).splitlines() if "size" in line] or [str(error)]
print("Reshape((5,)) on 12 values:", message[0].strip()[:110])
expect_error(ValueError, lambda: keras.layers.Reshape((-1, -1)))  # at most one unknown dimension

# %% [markdown]
# ### `Flatten(data_format=None)`
#
# Collapses every axis but the batch into one. With `data_format="channels_first"` it first moves
# the channel axis to the end, so that the flattened order is the same as for the channels-last
# version of the same image; that makes a model's `Dense` weights independent of the layout.

# %%
x = grid(1, 2, 3, 4)  # read as (batch, channels=2, height=3, width=4) for channels_first
same(keras.layers.Flatten()(x), x.reshape(1, -1))
same(keras.layers.Flatten(data_format="channels_first")(x), x.transpose(0, 2, 3, 1).reshape(1, -1))
print("channels_first order starts:", to_numpy(keras.layers.Flatten(data_format="channels_first")(x))[0, :6])

# %% [markdown]
# ### `RepeatVector(n)`
#
# Takes `(batch, features)` and returns `(batch, n, features)`: the same vector at every step.

# %%
v = grid(2, 3)
same(keras.layers.RepeatVector(4)(v), np.repeat(v[:, None, :], 4, axis=1))
print(to_numpy(keras.layers.RepeatVector(4)(v))[1])

# %% [markdown]
# ### `Permute(dims)`
#
# Reorders the non-batch axes; `dims` is 1-based. `Permute((2, 1))` swaps the two axes of a
# sequence, which is **not** the same as `Reshape` to the swapped shape (see the Picture).

# %%
x = grid(2, 3, 4, 5)
same(keras.layers.Permute((3, 1, 2))(x), x.transpose(0, 3, 1, 2))
error = expect_error(ValueError, lambda: keras.layers.Permute((0, 2, 1)))
print("Permute((0, 2, 1)):", str(error)[:110])

# %% [markdown]
# ### `Cropping1D`, `Cropping2D`, `Cropping3D`
#
# `Cropping1D(cropping=(a, b))` removes `a` steps at the start and `b` at the end of the time
# axis. `Cropping2D(((top, bottom), (left, right)))` and `Cropping3D` do the same per spatial
# axis. A single integer means the same amount everywhere; a tuple of integers means symmetric per
# axis. `data_format` says where the channels are.

# %%
x1, x2, x3 = grid(2, 8, 3), grid(2, 6, 7, 3), grid(2, 5, 6, 7, 3)
same(keras.layers.Cropping1D((1, 2))(x1), x1[:, 1:-2])
same(keras.layers.Cropping2D(((1, 0), (2, 1)))(x2), x2[:, 1:, 2:-1])
same(keras.layers.Cropping2D((1, 2))(x2), x2[:, 1:-1, 2:-2])  # (rows, cols), each symmetric
same(keras.layers.Cropping3D(((0, 1), (1, 1), (2, 0)))(x3), x3[:, :-1, 1:-1, 2:])
assert keras.layers.Cropping2D(2).cropping == ((2, 2), (2, 2))
print("cropping = slicing; Cropping1D((1, 2)) on 8 steps keeps", keras.layers.Cropping1D((1, 2))(x1).shape[1])

# %% [markdown]
# ### `ZeroPadding1D`, `ZeroPadding2D`, `ZeroPadding3D`
#
# The mirror image of cropping: `padding` has the same forms, and the new border is zeros
# (`np.pad` with `constant_values=0`), never on the batch or channel axis.

# %%
same(keras.layers.ZeroPadding1D((1, 2))(x1), np.pad(x1, ((0, 0), (1, 2), (0, 0))))
same(keras.layers.ZeroPadding2D(((1, 0), (2, 1)))(x2), np.pad(x2, ((0, 0), (1, 0), (2, 1), (0, 0))))
same(keras.layers.ZeroPadding3D((1, 0, 2))(x3), np.pad(x3, ((0, 0), (1, 1), (0, 0), (2, 2), (0, 0))))
# channels_first: the padding goes on the last two axes
x_cf = grid(2, 3, 6, 7)
same(keras.layers.ZeroPadding2D(1, data_format="channels_first")(x_cf),
     np.pad(x_cf, ((0, 0), (0, 0), (1, 1), (1, 1))))
print("padding = np.pad with zeros")

# %% [markdown]
# ### `UpSampling1D`, `UpSampling2D`, `UpSampling3D`
#
# `UpSampling1D(size)` repeats each time step `size` times; `UpSampling2D(size=(rows, cols))` and
# `UpSampling3D` repeat along each spatial axis (nearest-neighbour enlargement). `UpSampling2D` also
# takes `interpolation=`, and here the backend matters:
#
# | `interpolation` | TensorFlow | JAX | PyTorch |
# |---|---|---|---|
# | `"nearest"` (default), `"bilinear"`, `"bicubic"` | yes | yes | yes |
# | `"lanczos3"`, `"lanczos5"` | yes | yes | `ValueError` |
# | `"area"` | yes | `ValueError` | `ValueError` |
#
# The constructor accepts every name; the refusal comes at the first call. Bilinear is proved in
# detail in the deep dive; the Picture shows where it samples.

# %%
same(keras.layers.UpSampling1D(3)(x1), np.repeat(x1, 3, axis=1))
same(keras.layers.UpSampling2D((2, 3))(x2), np.repeat(np.repeat(x2, 2, axis=1), 3, axis=2))
x3s = grid(1, 2, 3, 2, 1)
same(keras.layers.UpSampling3D((1, 2, 3))(x3s), np.repeat(np.repeat(x3s, 2, axis=2), 3, axis=3))
print(to_numpy(keras.layers.UpSampling1D(3)(grid(1, 3, 1)))[0, :, 0])

interpolations = ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5", "area")
runs_on = {  # the table above, per backend
    "tensorflow": set(interpolations),
    "jax": set(interpolations) - {"area"},
    "torch": {"nearest", "bilinear", "bicubic"},
}[keras.backend.backend()]
for interpolation in interpolations:
    layer = keras.layers.UpSampling2D((2, 3), interpolation=interpolation)  # always accepted here
    if interpolation in runs_on:
        assert tuple(layer(x2).shape) == (x2.shape[0], 2 * x2.shape[1], 3 * x2.shape[2], x2.shape[3])
    else:
        expect_error(ValueError, lambda layer=layer: layer(x2))
print(keras.backend.backend(), "runs:", sorted(runs_on), "| refuses:", sorted(set(interpolations) - runs_on))

# %% [markdown]
# ## Pros
#
# - No weights, no training: they cannot overfit, and they cost (almost) nothing.
# - Inside the model, so the saved model takes the raw input shape.
# - Exact: except bilinear and the other interpolations, the output contains only input values (or
#   zeros), proved with exact equality in How.
# - `compute_output_shape` tells you the shape before any data flows.

# %% [markdown]
# ## Cons
#
# - Shape mistakes are silent when the sizes happen to match: `Reshape` to a transposed shape is
#   **not** a transpose (see the Picture).
# - `Flatten` throws away spatial structure and makes the next `Dense` layer big; global pooling is
#   often better.
# - Nearest upsampling makes blocky images; zero padding adds artificial edges that a convolution
#   can see.
# - Cropping and padding amounts are fixed when the layer is built: they do not adapt to the input.

# %% [markdown]
# ## Picture
#
# ### Crop, pad and upsample a real photograph
#
# scikit-learn ships two photographs. `china.jpg` (427 × 640) is downscaled by taking every
# 10th pixel, giving 43 × 64, then passed through `Cropping2D`, `ZeroPadding2D` and `UpSampling2D`
# (nearest and bilinear). All panels use the same pixel scale, so sizes can be compared by eye.

# %%
photo = load_sample_image("china.jpg")[::10, ::10].astype("float32") / 255.0  # (43, 64, 3)
batch = photo[None]
views = {
    "original": photo,
    "Cropping2D(((8, 10), (12, 20)))": to_numpy(keras.layers.Cropping2D(((8, 10), (12, 20)))(batch))[0],
    "ZeroPadding2D(6)": to_numpy(keras.layers.ZeroPadding2D(6)(batch))[0],
    "UpSampling2D(3) of the crop": to_numpy(keras.layers.UpSampling2D(3)(
        keras.layers.Cropping2D(((8, 10), (12, 20)))(batch)))[0],
    "same, bilinear": to_numpy(keras.layers.UpSampling2D(3, interpolation="bilinear")(
        keras.layers.Cropping2D(((8, 10), (12, 20)))(batch)))[0],
}
fig, axes = figure(1, 5, figsize=(16, 3.4))
for ax, (title, image) in zip(axes, views.items(), strict=True):
    ax.imshow(np.clip(image, 0, 1), extent=(0, image.shape[1], image.shape[0], 0))
    ax.set_xlim(0, 96)
    ax.set_ylim(76, 0)
    ax.set_title(f"{title}\n{image.shape[0]}×{image.shape[1]}", fontsize=9)
    ax.set_xlabel("column")
    ax.grid(False)
axes[0].set_ylabel("row")
fig.suptitle("Reshaping layers on china.jpg (downscaled): shapes change, pixels are moved, not learned",
             fontweight="bold")
plots.show(fig, "Notice that on one pixel scale the 25×32 crop is smaller than the 43×64 original, the zero "
           "padding adds a black frame, and the 3× upsamplings of the crop are blocky (nearest) or smooth (bilinear).")

# %% [markdown]
# ### `Reshape` is not `Permute`
#
# The same 2 × 3 grid, reshaped to 3 × 2 and permuted to 3 × 2. Both outputs have the same shape;
# only `Permute` keeps each value's row and column relationship (the transpose). `Reshape` keeps
# the reading order 0, 1, 2, 3, 4, 5.

# %%
small = grid(1, 2, 3)
panels = {"input (2, 3)": small[0], "Reshape((3, 2))": to_numpy(keras.layers.Reshape((3, 2))(small))[0],
          "Permute((2, 1))": to_numpy(keras.layers.Permute((2, 1))(small))[0]}
fig, axes = figure(1, 3, figsize=(9, 3.2))
for ax, (title, values) in zip(axes, panels.items(), strict=True):
    ax.imshow(values, cmap="Pastel1", vmin=0, vmax=8)
    for (r, c), val in np.ndenumerate(values):
        ax.text(c, r, f"{val:.0f}", ha="center", va="center", fontsize=14)
    ax.set_title(title)
    ax.set_xticks(range(values.shape[1]))
    ax.set_yticks(range(values.shape[0]))
    ax.set_xlabel("axis 2")
    ax.set_ylabel("axis 1")
    ax.grid(False)
plots.show(fig, "Notice that Reshape((3, 2)) refills the rows in the reading order 0, 1, 2, 3, 4, 5, while "
           "Permute((2, 1)) turns the input row 0, 1, 2 into the first column.")

# %% [markdown]
# ### Where bilinear upsampling samples: pixel centres
#
# Upsampling a row of 4 pixels by 3 with `interpolation="bilinear"`. Keras (all backends) treats a
# pixel as a unit square and samples the input at the **centres** of the output pixels: output
# pixel $i$ reads input coordinate $(i + 0.5)/s - 0.5$, clamped to the first and last pixel. The
# other common convention, "align corners", maps the first and last output pixels exactly onto
# the first and last input pixels; its samples are drawn too. The cell asserts that Keras
# matches the first on this row; the deep dive proves it on whole images, against both conventions.

# %%
row = np.array([0.0, 3.0, 1.0, 2.0], "float32")
s = 3
row_layer = keras.layers.UpSampling2D((1, s), interpolation="bilinear")
keras_row = to_numpy(row_layer(row[None, None, :, None]))[0, 0, :, 0]
centres = np.clip((np.arange(4 * s) + 0.5) / s - 0.5, 0, 3)
corners = np.arange(4 * s) * 3 / (4 * s - 1)
fig, ax = figure(figsize=(8, 3.8))
ax.plot(np.arange(4), row, "o-", color="#333333", ms=9, label="input pixels (at their centres)")
ax.plot(centres, keras_row, "s", color="#c0392b", ms=6, label="Keras bilinear: output pixel centres")
ax.plot(corners, np.interp(corners, np.arange(4), row), "x", color="#1f77b4", ms=7,
        label="align-corners convention (not Keras)")
ax.set_xlabel("position in input pixel units")
ax.set_ylabel("value")
ax.set_title("UpSampling2D(size=(1, 3), interpolation='bilinear') on one row")
ax.legend(loc="upper right", fontsize=8)
np.testing.assert_allclose(keras_row, np.interp(centres, np.arange(4), row), rtol=1e-6, atol=1e-6)  # at the centres
plots.show(fig, "Notice that the Keras samples (squares) sit at output-pixel centres and repeat the end pixels "
           "where they are clamped, while the align-corners crosses spread evenly from the first pixel to the last.")

# %% [markdown]
# ## Table
#
# | Layer | Input → output (channels last, batch omitted) | NumPy equivalent | Main arguments |
# |---|---|---|---|
# | `Reshape` | any → `target_shape` (same size) | `x.reshape(target_shape)` | `target_shape` (one `-1` allowed) |
# | `Flatten` | (d₁, …, dₖ) → (d₁⋯dₖ) | `x.reshape(n, -1)` (channels moved last first if `channels_first`) | `data_format` |
# | `RepeatVector` | (f) → (n, f) | `np.repeat(x[:, None], n, 1)` | `n` |
# | `Permute` | axes reordered | `x.transpose((0,) + dims)` | `dims` (1-based) |
# | `Cropping1D` | (T, c) → (T − a − b, c) | `x[:, a:T-b]` | `cropping` |
# | `Cropping2D` | (H, W, c) → (H − t − b, W − l − r, c) | slicing | `cropping`, `data_format` |
# | `Cropping3D` | (D, H, W, c) → each axis minus its crops | slicing | `cropping`, `data_format` |
# | `ZeroPadding1D` | (T, c) → (T + a + b, c) | `np.pad` | `padding` |
# | `ZeroPadding2D` | (H, W, c) → (H + t + b, W + l + r, c) | `np.pad` | `padding`, `data_format` |
# | `ZeroPadding3D` | (D, H, W, c) → each axis plus its padding | `np.pad` | `padding`, `data_format` |
# | `UpSampling1D` | (T, c) → (sT, c) | `np.repeat(x, s, 1)` | `size` |
# | `UpSampling2D` | (H, W, c) → (s₁H, s₂W, c) | `np.repeat` twice, or bilinear at pixel centres | `size`, `interpolation`, `data_format` |
# | `UpSampling3D` | (D, H, W, c) → (s₁D, s₂H, s₃W, c) | `np.repeat` three times | `size`, `data_format` |

# %% [markdown]
# ## Example
#
# ### Example 1 · `Flatten` before a classifier head
#
# A convolutional feature map of shape (5, 5, 8) becomes 200 features; the `Dense` layer after it
# then has 200 × 10 + 10 parameters.

# %%
head = keras.Sequential([keras.Input((5, 5, 8)), keras.layers.Flatten(), keras.layers.Dense(10)])
assert head.output_shape == (None, 10) and head.count_params() == 5 * 5 * 8 * 10 + 10
print("Flatten -> Dense:", head.output_shape, head.count_params(), "parameters")

# %% [markdown]
# ### Example 2 · `RepeatVector` in a sequence decoder
#
# An encoder summarises a 12-step sequence as one vector; `RepeatVector(6)` hands that vector to a
# decoder at each of 6 output steps.

# %%
seq_in = keras.Input((12, 3))
summary = keras.layers.LSTM(8)(seq_in)
decoded = keras.layers.LSTM(8, return_sequences=True)(keras.layers.RepeatVector(6)(summary))
seq2seq = keras.Model(seq_in, keras.layers.Dense(1)(decoded))
assert seq2seq.output_shape == (None, 6, 1)
print("seq2seq output:", seq2seq.output_shape)

# %% [markdown]
# ### Example 3 · Aligning a U-Net skip connection with `Cropping2D`
#
# An encoder map of 17 × 17 is pooled to 8 × 8 and upsampled back to 16 × 16; cropping one row and
# one column from the encoder map makes the two concatenable.

# %%
image_in = keras.Input((17, 17, 4))
down = keras.layers.MaxPooling2D(2)(image_in)
up = keras.layers.UpSampling2D(2)(down)
skip = keras.layers.Cropping2D(((0, 1), (0, 1)))(image_in)
merged = keras.layers.Concatenate()([skip, up])
assert tuple(up.shape) == (None, 16, 16, 4) and tuple(merged.shape) == (None, 16, 16, 8)
print("skip", tuple(skip.shape), "+ upsampled", tuple(up.shape), "->", tuple(merged.shape))

# %% [markdown]
# ### Example 4 · `ZeroPadding2D` keeps a `valid` convolution's size
#
# A 3 × 3 convolution with `padding="valid"` shrinks 10 × 10 to 8 × 8; padding by 1 first keeps
# 10 × 10, exactly what `padding="same"` does (proved equal with the same kernel).

# %%
conv_valid = keras.layers.Conv2D(2, 3, padding="valid")
conv_same = keras.layers.Conv2D(2, 3, padding="same")
img = rng.normal(size=(1, 10, 10, 3)).astype("float32")
padded_out = conv_valid(keras.layers.ZeroPadding2D(1)(img))
conv_same.build(img.shape)
conv_same.set_weights(conv_valid.get_weights())
np.testing.assert_allclose(to_numpy(padded_out), to_numpy(conv_same(img)), rtol=1e-5, atol=1e-5)
print("ZeroPadding2D(1) + valid conv == same conv:", tuple(padded_out.shape))

# %% [markdown]
# ## Proof
#
# ### Nothing lost, nothing made up: nearest upsampling and the pad → crop round trip
#
# Nearest upsampling only copies: average-pooling its output with the same factor gives back the
# input exactly, and every output value is one of the input values. Zero padding followed by the
# matching crop is the identity.

# %%
x = grid(2, 4, 5, 3)
up = to_numpy(keras.layers.UpSampling2D((2, 3))(x))
pooled = up.reshape(2, 4, 2, 5, 3, 3).mean(axis=(2, 4))  # NumPy average pooling by (2, 3)
np.testing.assert_array_equal(pooled, x)
assert set(np.unique(up)) == set(np.unique(x))
round_trip = keras.layers.Cropping2D(((1, 2), (3, 0)))(keras.layers.ZeroPadding2D(((1, 2), (3, 0)))(x))
same(round_trip, x)
print("UpSampling2D adds no new values; Cropping2D undoes ZeroPadding2D exactly")

# %% [markdown]
# ### Shapes with an unknown batch and in a model; errors on impossible settings
#
# `compute_output_shape` keeps `None` for the batch. Cropping more than the length is an error, as
# is a `Reshape` to a different size.

# %%
assert keras.layers.Cropping3D(1).compute_output_shape((None, 5, 6, 7, 2)) == (None, 3, 4, 5, 2)
assert keras.layers.ZeroPadding1D(2).compute_output_shape((None, 5, 2)) == (None, 9, 2)
assert keras.layers.UpSampling3D(2).compute_output_shape((None, 2, 3, 4, 1)) == (None, 4, 6, 8, 1)
assert keras.layers.RepeatVector(4).compute_output_shape((None, 7)) == (None, 4, 7)
expect_error(ValueError, lambda: keras.layers.Cropping1D((3, 3))(grid(1, 6, 2)))
expect_error(ValueError, lambda: keras.layers.Reshape((7,))(grid(1, 6)))
print("shape rules and errors proved")

# %% [markdown]
# ## Application
#
# ### A digit autoencoder that reshapes its way down and back up
#
# scikit-learn's 8 × 8 handwritten digits arrive as flat vectors of 64 pixels. The model takes
# them flat, `Reshape`s them to images, compresses with a convolution and pooling to a 4 × 4 × 4
# code (64 numbers, but a smooth, learned one), grows back with `UpSampling2D` and a convolution,
# and `Flatten`s to 64 again, so that input and output have the same layout. The proof: the test
# reconstructions are much closer to the inputs than the best constant answer (the mean digit).

# %%
digits = load_digits()
pixels = (digits.data / 16.0).astype("float32")
train, test = pixels[:1500], pixels[1500:]

keras.utils.set_random_seed(7)
autoencoder = keras.Sequential([
    keras.Input((64,)),
    keras.layers.Reshape((8, 8, 1)),
    keras.layers.Conv2D(8, 3, padding="same", activation="relu"),
    keras.layers.MaxPooling2D(2),
    keras.layers.Conv2D(4, 3, padding="same", activation="relu"),
    keras.layers.UpSampling2D(2, interpolation="bilinear"),
    keras.layers.Conv2D(8, 3, padding="same", activation="relu"),
    keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid"),
    keras.layers.Flatten(),
], name="digit_autoencoder")
autoencoder.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
history = autoencoder.fit(train, train, epochs=8, batch_size=128, verbose=0)
rebuilt = to_numpy(autoencoder.predict(test, verbose=0))

mse = float(np.mean((rebuilt - test) ** 2))
baseline = float(np.mean((train.mean(axis=0) - test) ** 2))
print(f"test reconstruction MSE {mse:.4f}; mean-digit baseline {baseline:.4f}")
assert autoencoder.output_shape == (None, 64)
assert mse < 0.5 * baseline

# %%
fig, axes = figure(2, 8, figsize=(11, 3.3))
for i in range(8):
    for r, images in enumerate((test, rebuilt)):
        axes[r, i].imshow(images[i].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        axes[r, i].set_xticks([])
        axes[r, i].set_yticks([])
        axes[r, i].grid(False)
    axes[0, i].set_title(f"digit {digits.target[1500 + i]}", fontsize=9)
axes[0, 0].set_ylabel("input")
axes[1, 0].set_ylabel("rebuilt")
fig.suptitle(f"Autoencoder Reshape → conv/pool → UpSampling2D → conv → Flatten (test MSE {mse:.3f})",
             fontweight="bold")
plots.show(fig, "Notice that each rebuilt digit in the bottom row is a blurred but recognisable copy of the "
           "input above it.")

# %%
plots.show(plots.layer_stack(autoencoder), "Notice that only the four Conv2D boxes are blue: Reshape, MaxPooling2D, UpSampling2D and "
           "Flatten carry no weights (0 params).")

# %% [markdown]
# ## Key terms
#
# - **Row-major (C) order**: the last axis varies fastest; `Reshape` and `Flatten` keep it.
# - **Permutation of axes**: a transpose; changes which axis is which, not the reading order only.
# - **`data_format`**: `channels_last` (…, H, W, C), the Keras default, or `channels_first`
#   (C, H, W).
# - **Cropping / zero padding**: removing / adding border rows, columns or slices.
# - **Nearest-neighbour upsampling**: each value repeated `size` times per axis.
# - **Bilinear upsampling**: linear interpolation along rows and columns; Keras samples at
#   **half-pixel centres** $(i + 0.5)/s - 0.5$.
# - **Align corners**: the other convention, mapping the corner pixels onto each other; not what
#   Keras does.
# - **Skip connection**: a path that carries an earlier feature map to a later layer; cropping
#   aligns its size.

# %% [markdown]
# ## Summary
#
# - All thirteen reshaping layers have **no weights**; their outputs are exact NumPy rearrangements:
#   `reshape`, `transpose`, slicing, `np.pad`, `np.repeat`.
# - `Reshape` keeps row-major order (one `-1` allowed); `Permute` transposes (1-based `dims`); they
#   differ even when the shapes agree.
# - `Flatten(data_format="channels_first")` moves channels last before flattening.
# - `Cropping*`/`ZeroPadding*` take an int, a per-axis int, or per-axis `(start, end)` pairs.
# - `UpSampling*` repeat; `UpSampling2D(interpolation="bilinear")` interpolates at half-pixel
#   centres, clamped at the borders, not align-corners.
# - Start models with `keras.Input` (Keras 3 warns about `input_shape=`), and flatten or pool
#   before a classifier's `Dense`.

# %% [markdown]
# ## Exercises
#
# Each exercise prints its task and how you know you are done; `ex.check(...)` tells you what is
# right and what is not yet. Hints and solutions appear only when you uncomment their line.

# %% [markdown]
# ### Exercise 14.1 · `UpSampling3D` with channels first, in NumPy
#
# Rebuild one layer with one NumPy function, on the layout where axes are easiest to mix up.

# %%
ex = exercise("14.1")  # prints the task and how you know you are done


def upsample3d_channels_first(x, size):
    ...  # your code here


ex.check(upsample3d_channels_first)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 14.2 · Where does each value go?
#
# Predict on paper first, as in the Picture's `Reshape` and `Permute` panels.

# %%
ex = exercise("14.2")

predicted = None  # a dict {"a": [[...], ...], "b": ..., "c": ...}: one nested list per layer

ex.check(predicted)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 14.3 · Crop a skip connection to fit
#
# The U-Net situation of Example 3, for any two sizes.

# %%
ex = exercise("14.3")


def crop_for_skip(encoder_hw, decoder_hw):
    ...  # your code here


ex.check(crop_for_skip)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ## Deep dive (optional)
#
# The parts below are there for trust rather than for understanding: every layer value by value,
# bilinear upsampling on whole images, and Keras 2 habits. Nothing in the core path depends on them.

# %% [markdown]
# ### Exact values: every layer equals its NumPy rebuild, on non-symmetric cases
#
# This checks sixteen configurations value by value, so you can trust the Table's NumPy column
# beyond the cases How ran. Each case is chosen so that a plausible mistake shows: asymmetric crops and pads (swapping
# start and end fails), different factors per axis (swapping axes fails), a `Permute` of three
# axes (reversing them fails), `channels_first` layouts. Inputs are distinct integers, so equality
# locates every value.

# %%
def np_crop(x, crops):
    """Crop the spatial axes 1..k of a channels-last array by ((start, end), ...)."""
    index = [slice(None)] + [slice(a, x.shape[i + 1] - b) for i, (a, b) in enumerate(crops)] + [slice(None)]
    return x[tuple(index)]


cases = [
    ("Reshape((2, -1, 3))", keras.layers.Reshape((2, -1, 3)), grid(2, 4, 6), lambda x: x.reshape(2, 2, 4, 3)),
    ("Flatten", keras.layers.Flatten(), grid(2, 3, 4, 5), lambda x: x.reshape(2, 60)),
    ("Flatten(channels_first)", keras.layers.Flatten(data_format="channels_first"), grid(2, 3, 4, 5),
     lambda x: x.transpose(0, 2, 3, 1).reshape(2, 60)),
    ("RepeatVector(3)", keras.layers.RepeatVector(3), grid(2, 5), lambda x: np.stack([x] * 3, axis=1)),
    ("Permute((2, 3, 1))", keras.layers.Permute((2, 3, 1)), grid(2, 3, 4, 5),
     lambda x: x.transpose(0, 2, 3, 1)),
    ("Cropping1D((2, 1))", keras.layers.Cropping1D((2, 1)), grid(2, 9, 3), lambda x: np_crop(x, [(2, 1)])),
    ("Cropping2D(((2, 1), (0, 3)))", keras.layers.Cropping2D(((2, 1), (0, 3))), grid(2, 7, 8, 3),
     lambda x: np_crop(x, [(2, 1), (0, 3)])),
    ("Cropping2D channels_first", keras.layers.Cropping2D(((2, 1), (0, 3)), data_format="channels_first"),
     grid(2, 3, 7, 8), lambda x: x[:, :, 2:-1, 0:-3]),
    ("Cropping3D(((1, 0), (0, 2), (1, 1)))", keras.layers.Cropping3D(((1, 0), (0, 2), (1, 1))),
     grid(2, 4, 5, 6, 2), lambda x: np_crop(x, [(1, 0), (0, 2), (1, 1)])),
    ("ZeroPadding1D((0, 3))", keras.layers.ZeroPadding1D((0, 3)), grid(2, 4, 3),
     lambda x: np.pad(x, ((0, 0), (0, 3), (0, 0)))),
    ("ZeroPadding2D(((2, 0), (1, 3)))", keras.layers.ZeroPadding2D(((2, 0), (1, 3))), grid(2, 3, 4, 2),
     lambda x: np.pad(x, ((0, 0), (2, 0), (1, 3), (0, 0)))),
    ("ZeroPadding3D(((1, 0), (0, 2), (1, 1)))", keras.layers.ZeroPadding3D(((1, 0), (0, 2), (1, 1))),
     grid(2, 2, 3, 4, 2), lambda x: np.pad(x, ((0, 0), (1, 0), (0, 2), (1, 1), (0, 0)))),
    ("UpSampling1D(2)", keras.layers.UpSampling1D(2), grid(2, 4, 3), lambda x: np.repeat(x, 2, axis=1)),
    ("UpSampling2D((3, 2))", keras.layers.UpSampling2D((3, 2)), grid(2, 2, 3, 2),
     lambda x: np.repeat(np.repeat(x, 3, axis=1), 2, axis=2)),
    ("UpSampling2D channels_first", keras.layers.UpSampling2D((3, 2), data_format="channels_first"),
     grid(2, 2, 2, 3), lambda x: np.repeat(np.repeat(x, 3, axis=2), 2, axis=3)),
    ("UpSampling3D((2, 1, 3))", keras.layers.UpSampling3D((2, 1, 3)), grid(2, 2, 3, 2, 2),
     lambda x: np.repeat(np.repeat(x, 2, axis=1), 3, axis=3)),
]
for name, layer, x, numpy_version in cases:
    same(layer(x), numpy_version(x))
    assert tuple(layer.compute_output_shape(x.shape)) == numpy_version(x).shape, name
print(f"{len(cases)} layer configurations equal their NumPy rebuilds exactly (values and shapes)")

# fails if Permute reversed the axes instead, or if Reshape transposed:
assert not np.array_equal(to_numpy(keras.layers.Permute((2, 3, 1))(grid(1, 3, 4, 5))),
                          grid(1, 3, 4, 5).transpose(0, 3, 2, 1).reshape(1, 4, 5, 3))
assert not np.array_equal(to_numpy(keras.layers.Reshape((3, 2))(grid(1, 2, 3))),
                          grid(1, 2, 3).transpose(0, 2, 1))

# %% [markdown]
# ### `UpSampling2D(interpolation="bilinear")`: half-pixel centres, found by running
#
# This proves on whole images what the Picture showed on one row, which matters if you compare
# Keras with another library's resize. The NumPy version samples input coordinate $(i + 0.5)/s - 0.5$ for output pixel $i$, clamps it to
# $[0, n-1]$, and interpolates linearly between the two nearest input pixels, separately along
# rows and columns. It matches Keras on a random image with different factors per axis, and on the
# downscaled photograph; the align-corners convention $i\,(n-1)/(ns-1)$ does not, so the test
# tells the conventions apart.

# %%
def linear_along(x, axis, factor, align_corners=False):
    n = x.shape[axis]
    out_index = np.arange(n * factor)
    if align_corners:
        coord = out_index * (n - 1) / (n * factor - 1)
    else:
        coord = np.clip((out_index + 0.5) / factor - 0.5, 0, n - 1)
    low = np.floor(coord).astype(int)
    high = np.minimum(low + 1, n - 1)
    shape = [1] * x.ndim
    shape[axis] = -1
    frac = (coord - low).reshape(shape)
    return np.take(x, low, axis=axis) * (1 - frac) + np.take(x, high, axis=axis) * frac


def bilinear_numpy(x, size, align_corners=False):
    """Bilinear upsampling of a (batch, H, W, C) array by integer factors, in NumPy."""
    return linear_along(linear_along(x, 1, size[0], align_corners), 2, size[1], align_corners)


x = rng.normal(size=(2, 5, 4, 3)).astype("float32")
keras_bilinear = to_numpy(keras.layers.UpSampling2D((2, 3), interpolation="bilinear")(x))
np.testing.assert_allclose(keras_bilinear, bilinear_numpy(x, (2, 3)), rtol=1e-5, atol=1e-5)
assert not np.allclose(keras_bilinear, bilinear_numpy(x, (2, 3), align_corners=True), atol=1e-2)
# on the photograph:
np.testing.assert_allclose(to_numpy(keras.layers.UpSampling2D(2, interpolation="bilinear")(batch)),
                           bilinear_numpy(batch, (2, 2)), rtol=1e-5, atol=1e-5)
print("bilinear = half-pixel centres, clamped at the borders; not align-corners")
print("first output row of [0, 3, 1, 2] upsampled by 3:", np.round(keras_row, 3))

# %% [markdown]
# ### Keras 2 → 3
#
# This is for reading older code and its common mistakes:
#
# - Keras 2 examples pass `input_shape=` to the first layer
#   (`Reshape((64, 64, 3), input_shape=(12288,))`). Keras 3 warns against it: start the model with
#   `keras.Input(shape)` instead. Proved below.
# - A common mistake: `Reshape((64, 64, 3))` followed directly by `Dense(10, activation="softmax")`
#   does not make a 10-class classifier: `Dense` acts on the last axis, so the output is
#   (64, 64, 10). Proved below; put a `Flatten` (or pooling) in between.
# - The name is `ZeroPadding2D`, one word; `ZeroPadding 2D` (with a space) is a syntax error.

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    keras.layers.Reshape((2, 3), input_shape=(6,))
assert any("Do not pass an `input_shape`" in str(w.message) for w in caught)
print("Keras 3 warns:", str(caught[0].message)[:80], "...")

no_flatten = keras.Sequential([keras.Input((12288,)), keras.layers.Reshape((64, 64, 3)),
                               keras.layers.Dense(10, activation="softmax")])
assert no_flatten.output_shape == (None, 64, 64, 10)  # not (None, 10)
print("Reshape -> Dense without Flatten, output:", no_flatten.output_shape)
expect_error(SyntaxError, lambda: compile("from keras.layers import ZeroPadding 2D", "<cell>", "exec"))
assert hasattr(keras.layers, "ZeroPadding2D")

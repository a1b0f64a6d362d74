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
# # 10d · Augmentation layers, part 2: colour, contrast and intensity
#
# The second half of Keras 3's augmentation layers changes **pixel values** rather than pixel
# positions: brightness and contrast (`RandomBrightness`, `RandomContrast`), colour
# (`RandomHue`, `RandomSaturation`, `RandomColorDegeneration`, `RandomColorJitter`,
# `RandomGrayscale`, `RandomInvert`), tone curves (`AutoContrast`, `Equalization`,
# `ContrastLimitedAdaptiveHistogramEqualization`, `Solarization`, `RandomPosterization`), filters
# (`RandomGaussianBlur`, `RandomSharpness`), and two policies that chain random operations
# (`RandAugment`, `AugMix`). All are applied to one real photo in a grid, and the notebook proves
# which of them are the identity at inference (**not all are**), their exact formulas where they
# have one, their value ranges and their reproducibility, on TensorFlow, JAX and PyTorch.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/notebooks/10d_augmentation_color.ipynb)

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
# style, scikit-learn's two bundled photos, and the two course utilities.

# %%
import warnings

import keras
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_sample_image

from helpers import plots
from helpers.known_bugs import assert_known_bug
from helpers.nbtools import expect_error, to_numpy
from helpers.selfcheck import exercise

plots.use_course_style()
# On PyTorch, Equalization calls `.T` on a 0-d tensor and PyTorch warns that this is a no-op.
# The result is unaffected (proved below on all backends), so exactly that message is hidden.
warnings.filterwarnings("ignore", message="Tensor.T is deprecated on 0-D tensors", category=UserWarning)
layers = keras.layers
BACKEND = keras.backend.backend()
RANGE = (0, 255)


def small(name):
    """A bundled photo, 8×8 block-averaged to 52 × 80 pixels, rounded to integers 0..255 (float32)."""
    image = load_sample_image(name).astype("float32")[:416, :640]
    return np.round(image.reshape(52, 8, 80, 8, 3).mean(axis=(1, 3)))


pair = np.stack([small("china.jpg"), small("flower.jpg")])
dull = 100 + 0.3 * pair  # a low-contrast copy: values 100..176.5
print(ENV, "| batch:", pair.shape)

# %% [markdown]
# ## What
#
# Each layer maps pixel values to new values; shapes never change. Most draw a random strength
# per image and act **only when `training=True`** (a plain call outside a model counts as
# training; `predict` passes `False`). Two exceptions are *deterministic operations that also run
# at inference*: `AutoContrast` and `ContrastLimitedAdaptiveHistogramEqualization` (CLAHE). The cell
# shows the contrast: `RandomInvert` is the identity with `training=False`, `AutoContrast` is not.

# %%
invert = layers.RandomInvert(factor=(1.0, 1.0), value_range=RANGE, seed=1)
auto = layers.AutoContrast(value_range=RANGE)
np.testing.assert_array_equal(to_numpy(invert(dull, training=False)), dull)
assert not np.allclose(to_numpy(auto(dull, training=False)), dull)
print("RandomInvert at inference: identity | AutoContrast at inference: still stretches contrast")

# %% [markdown]
# ## Where
#
# `keras.layers.<Name>` for every layer listed above. Like the geometric layers (10c), they go at
# the front of a model (active in `fit`, off in `predict`, except the two above) or in a `tf.data`
# pipeline. Most need to know the pixel range: pass `value_range=(0, 255)` or `(0, 1)`.
#
# ## Why
#
# Lighting, white balance, camera response and focus vary between photos of the same object.
# Colour augmentation teaches the network to ignore them. `AutoContrast` and CLAHE are different:
# they are *normalisations* (make every image use the full range), so they belong in both training
# and inference, which is why Keras runs them always.
#
# ## When
#
# - Outdoor or phone photos: brightness, contrast, saturation, hue jitter (`RandomColorJitter`
#   bundles four of them).
# - Colour is not informative: `RandomGrayscale`; low-light or medical images: CLAHE.
# - Strong generic recipe without tuning: `RandAugment`; robustness to corruptions: `AugMix`.
#
# ## Who
#
# Vision practitioners; `RandAugment` (Cubuk et al., 2020) and `AugMix` (Hendrycks et al., 2020)
# come from the image-classification literature.

# %% [markdown]
# ## How
#
# ### Every colour layer, built once
#
# Most probability-like `factor`s (`RandomInvert`, `RandomGaussianBlur`, ...) read a single float
# `f` as "draw the probability in [0, f]"; `(1.0, 1.0)` means "always", which is used here so the
# grid shows every effect. `RandomGrayscale` is the exception: its `factor` is a plain probability
# (a tuple is rejected).

# %%
make_colour = {
    "RandomContrast(.5)": lambda: layers.RandomContrast(0.5, value_range=RANGE, seed=1),
    "RandomBrightness(.3)": lambda: layers.RandomBrightness(0.3, value_range=RANGE, seed=2),
    "AugMix": lambda: layers.AugMix(value_range=RANGE, seed=3),
    "AutoContrast": lambda: layers.AutoContrast(value_range=RANGE),
    "CLAHE": lambda: layers.ContrastLimitedAdaptiveHistogramEqualization(value_range=RANGE),
    "Equalization": lambda: layers.Equalization(value_range=RANGE),
    "RandAugment": lambda: layers.RandAugment(value_range=RANGE, seed=4),
    "RandomColorDegeneration(.8)": lambda: layers.RandomColorDegeneration((0.8, 0.8), value_range=RANGE, seed=5),
    "RandomColorJitter": lambda: layers.RandomColorJitter(value_range=RANGE, brightness_factor=0.2, contrast_factor=0.5,
                                                          saturation_factor=(0.5, 0.9), hue_factor=0.2, seed=6),
    "RandomGaussianBlur": lambda: layers.RandomGaussianBlur(factor=(1.0, 1.0), kernel_size=5, sigma=(1.0, 1.0),
                                                            value_range=RANGE, seed=7),
    "RandomGrayscale": lambda: layers.RandomGrayscale(factor=1.0, seed=8),  # a plain probability
    "RandomHue(.3)": lambda: layers.RandomHue(0.3, value_range=RANGE, seed=9),
    "RandomInvert": lambda: layers.RandomInvert(factor=(1.0, 1.0), value_range=RANGE, seed=10),
    "RandomPosterization(2 bits)": lambda: layers.RandomPosterization(factor=(2, 2), value_range=RANGE, seed=11),
    "RandomSaturation(.8)": lambda: layers.RandomSaturation((0.8, 0.8), value_range=RANGE, seed=12),
    "RandomSharpness(.8)": lambda: layers.RandomSharpness((0.9, 0.9), value_range=RANGE, seed=13),
    "Solarization(t=.5)": lambda: layers.Solarization(addition_factor=0.0, threshold_factor=(0.5, 0.5), value_range=RANGE, seed=14),
}
colour = {name: make() for name, make in make_colour.items()}
coloured = {name: to_numpy(layer(pair, training=True)) for name, layer in colour.items()}
for name, out in coloured.items():
    print(f"{name:>28}: values {out.min():6.1f} … {out.max():6.1f}")

# %% [markdown]
# ### What each layer does to the photo
#
# The temple photo after each of the layers just built, with `training=True` (random strengths,
# drawn from each layer's seed).

# %%
panels = [("original", pair[0])] + [(name, out[0]) for name, out in coloured.items()]
fig, axes = plt.subplots(3, 6, figsize=(16, 6.6))
for ax, (name, image) in zip(axes.ravel(), panels, strict=True):
    ax.imshow(np.clip(image, 0, 255).astype("uint8"))
    ax.set_title(name, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle(f"Colour and intensity augmentation, training=True ({BACKEND} backend)")
plt.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that most panels keep the temple where it was and change only its values (inverted, "
           "a few flat tones after posterization, no colour after grayscale); RandAugment's chain may also move it.")

# %% [markdown]
# ## Pros
#
# - Cheap (pointwise or small filters), shape-preserving, and boxes/masks need no change.
# - `RandAugment` and `AugMix` give strong augmentation with one or two knobs.
# - Deterministic normalisers (`AutoContrast`, CLAHE) run identically in training and inference.
#
# ## Cons
#
# - Not all layers are off at inference: `AutoContrast` and CLAHE always run, while
#   `Equalization`, just as deterministic, is *skipped* at inference (proved below). Read the
#   table before putting one in a model.
# - `RandomSaturation` with `value_range=(0, 255)` can leave the range (a bug, proved below);
#   scale images to [0, 1] and pass `value_range=(0, 1)`.
# - Forgetting `value_range` silently gives wrong results for 0–1 images (defaults assume 0–255
#   for some layers).
# - `Solarization(threshold_factor=(a, a))` does not fix the threshold (bug: it is drawn in
#   `[a, a × 255]`; proved below).
# - CLAHE differs between backends in Keras 3.15: on PyTorch, for an image whose size divides
#   evenly into the tile grid, it leaves the image almost unchanged (checked below).
# - Colour changes can destroy information the label depends on (ripe vs unripe fruit).

# %% [markdown]
# ## Picture
#
# ### Tone curves: what the deterministic layers do to the histogram
#
# Histograms of the low-contrast copy of the photo (left) and after `AutoContrast`,
# `Equalization` and CLAHE: the first stretches the range to 0–255, the second flattens the
# histogram globally, the third locally.

# %%
fig, axes = plt.subplots(1, 4, figsize=(15, 2.8), sharey=True)
shown = [("low-contrast input", dull), ("AutoContrast", to_numpy(colour["AutoContrast"](dull, training=True))),
         ("Equalization", to_numpy(colour["Equalization"](dull, training=True))),
         ("CLAHE", to_numpy(colour["CLAHE"](dull, training=True)))]
for ax, (name, image) in zip(axes, shown, strict=True):
    ax.hist(image[0].mean(axis=-1).ravel(), bins=64, range=(0, 255), color="tab:gray")
    ax.set(title=name, xlabel="pixel value (channel mean)")
axes[0].set_ylabel("pixels")
plt.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that the input fills only 100–177, AutoContrast stretches the same two-peaked shape to "
           "0–255, Equalization flattens it over the whole range, and CLAHE, tile by tile, widens it less.")

# %% [markdown]
# ## Table
#
# | Layer | Effect | Identity at inference? | Formula proved below |
# |---|---|---|---|
# | `RandomBrightness` | add δ·255 | yes | `clip(x + δ·255)` |
# | `RandomContrast` | scale around the channel mean | yes | mean kept, std × f |
# | `RandomInvert` | 255 − x | yes | exact |
# | `RandomGrayscale` | equal channels | yes | channels equal |
# | `RandomPosterization` | keep the top b bits | yes | `floor(x / 2^(8−b))·2^(8−b)` |
# | `Solarization` | invert above a threshold | yes | `where(x < t, x, 255 − x)`, t random even for a fixed factor |
# | `AutoContrast` | stretch each channel to 0–255 | **no** (always on) | `(x − min)/(max − min)·255` |
# | `ContrastLimitedAdaptiveHistogramEqualization` | local histogram equalisation | **no** (always on) | range |
# | `Equalization` | global histogram equalisation | yes (skipped at inference) | range |
# | `RandomHue`, `RandomSaturation`, `RandomColorDegeneration`, `RandomColorJitter` | colour shifts | yes | range (`RandomSaturation`: only on 0–1 images) |
# | `RandomGaussianBlur`, `RandomSharpness` | filters | yes | range |
# | `RandAugment`, `AugMix` | random chains of ops | yes | range |

# %% [markdown]
# ## Example
#
# ### Example 1 · An augmentation front end for a photo model
#
# A `Pipeline` of colour jitter and grayscale used in training; at inference only the
# normalising `AutoContrast` remains active.

# %%
front = layers.Pipeline([layers.AutoContrast(value_range=RANGE),
                         layers.RandomColorJitter(value_range=RANGE, brightness_factor=0.1, contrast_factor=0.3, seed=1),
                         layers.RandomGrayscale(factor=0.2, seed=2)])
served = to_numpy(front(dull, training=False))
np.testing.assert_allclose(served, to_numpy(layers.AutoContrast(value_range=RANGE)(dull)), rtol=1e-5, atol=1e-3)
print("inference output = AutoContrast only:", served.min(), served.max())

# %% [markdown]
# ### Example 2 · `RandAugment`: one random chain per call, random strengths per image
#
# `RandAugment(num_ops, factor)` picks `num_ops` of its eleven operations (shear, translation,
# rotation, brightness, contrast, sharpness, posterization, solarization, …) at random and applies
# them in turn, with strengths up to `factor`. The chain is drawn **once per call** and applied to
# the whole batch; what differs from image to image is each operation's random strength. So eight
# copies of one photo come out different (the strengths), all within the value range.
#
# With `factor=0` every strength is zero and each of the eleven operations becomes a fixed
# function, which exposes the chain: within a call the eight copies are then identical, while
# successive calls (new chains) differ. Taking each copy from a different call (a chain of its
# own) gives copies that differ: that is what a chain per image would look like.

# %%
batch = np.repeat(pair[:1], 8, axis=0)
randaug = to_numpy(layers.RandAugment(value_range=RANGE, num_ops=2, factor=0.5, seed=0)(batch, training=True))
distinct = {randaug[i].tobytes() for i in range(8)}
assert len(distinct) >= 4 and randaug.min() >= 0 and randaug.max() <= 255
print("factor 0.5: distinct outputs among 8 identical inputs:", len(distinct))

fixed_strengths = layers.RandAugment(value_range=RANGE, num_ops=2, factor=0.0, seed=0)
calls = [to_numpy(fixed_strengths(batch, training=True)) for _ in range(4)]
assert all(len({out[i].tobytes() for i in range(8)}) == 1 for out in calls)  # one chain for the whole batch
one_chain_each = [out[0] for out in calls]  # copy k taken from call k: a chain of its own
assert len({out.tobytes() for out in one_chain_each}) >= 2  # so a chain per image would fail the assert above
print("factor 0: distinct outputs per call", [len({out[i].tobytes() for i in range(8)}) for out in calls],
      "| one copy from each call:", len({out.tobytes() for out in one_chain_each}), "distinct")

# %% [markdown]
# ## Proof
#
# ### Which layers are the identity at inference
#
# All 17 layers are called with `training=False` on the photos. Exactly two are not the
# identity: `AutoContrast` and CLAHE (on the temple photo, whose channels do not already span
# 0–255 everywhere, and on its low-contrast copy). *Fails if Keras switched either off at
# inference, or if any random layer ran at inference.* For those two, training and inference
# give the same output: they are deterministic.

# %%
always_on = {"AutoContrast", "CLAHE"}
for name, layer in colour.items():
    out = to_numpy(layer(dull, training=False))
    if name in always_on:
        assert not np.allclose(out, dull), name
        np.testing.assert_allclose(out, to_numpy(layer(dull, training=True)), atol=1e-3, err_msg=name)
    else:
        np.testing.assert_array_equal(out, dull, err_msg=name)
print("not the identity at inference:", sorted(always_on))

# %% [markdown]
# ### Value ranges and shapes
#
# Every output keeps the input's shape, and every output but one (two on PyTorch, where the
# `RandAugment` chain drawn here also overshoots) stays within `value_range` = [0, 255]. The exception is a Keras 3.15 bug found by running it: `RandomSaturation` clips the
# *saturation* (which lives in [0, 1]) to `value_range`, so with `value_range=(0, 255)` a strong
# factor pushes saturation above 1 and the RGB values far outside [0, 255]. On images scaled to
# [0, 1] with `value_range=(0, 1)` the same factor stays in range: use that form.

# %%
outside = []
for name, out in coloured.items():
    assert out.shape == pair.shape, name
    if out.min() < -1e-3 or out.max() > 255 + 1e-3:
        outside.append(name)
# measured: on PyTorch the RandAugment chain drawn with this seed also leaves the range
assert [name for name in outside if name != "RandomSaturation(.8)"] == (["RandAugment"] if BACKEND == "torch" else [])
saturated = coloured["RandomSaturation(.8)"]


def saturation_leaves_the_range():  # Keras 3.15.1
    assert saturated.min() < -1.0 or saturated.max() > 256.0, (saturated.min(), saturated.max())


def saturation_stays_in_range():  # documented: outputs within value_range
    assert saturated.min() >= -1e-3 and saturated.max() <= 255 + 1e-3, (saturated.min(), saturated.max())


# the bug only on the Keras versions listed in helpers.known_bugs, the documented range elsewhere
assert_known_bug("random_saturation_value_range", bug=saturation_leaves_the_range,
                 documented=saturation_stays_in_range)
unit = to_numpy(layers.RandomSaturation((0.9, 0.9), value_range=(0, 1), seed=12)(pair / 255, training=True))
assert unit.min() >= -1e-4 and unit.max() <= 1 + 1e-4
print("outside [0, 255]:", outside, "| min value:", coloured["RandomSaturation(.8)"].min().round(1),
      "| with value_range=(0, 1):", unit.min().round(3), "…", unit.max().round(3))

# %% [markdown]
# ### Exact formulas, against NumPy
#
# Each case is chosen so that a plausible wrong formula differs: inverting as `−x` or `1 − x`,
# posterizing by rounding instead of truncating, brightness without clipping, auto-contrast over
# the whole image instead of per channel. `Solarization` holds a surprise (a Keras 3.15 bug):
# `threshold_factor=(0.5, 0.5)` does not give a fixed threshold of 0.5 × 255, because the layer
# draws the threshold uniformly in `[low, high × 255]` without scaling `low`; so the threshold is
# anywhere in [0.5, 127.5]. The proof checks the rule per image (pixels at or above some threshold
# become 255 − x, the others are kept) and that the thresholds of eight images differ.

# %%
np.testing.assert_allclose(coloured["RandomInvert"], 255 - pair, atol=1e-3)

bits2 = coloured["RandomPosterization(2 bits)"]
np.testing.assert_array_equal(bits2, np.floor(pair / 64) * 64)  # keep the top 2 bits
assert not np.array_equal(bits2, np.round(pair / 64) * 64)

eight = np.repeat(pair, 4, axis=0)
solar = to_numpy(make_colour["Solarization(t=.5)"]()(eight, training=True))
thresholds = []
for out, x in zip(solar, eight, strict=True):
    inverted = ~np.isclose(out, x)
    np.testing.assert_allclose(out[inverted], 255 - x[inverted], atol=1e-3)  # inverted pixels: 255 − x
    assert x[~inverted].max() < x[inverted].min()  # a threshold separates kept from inverted pixels
    thresholds.append(x[inverted].min())


def threshold_drawn_from_low():  # Keras 3.15.1: anywhere in [0.5, 127.5], different per image
    assert max(thresholds) <= 128 and np.ptp(thresholds) > 10, thresholds


def threshold_fixed_at_half():  # documented: threshold_factor=(0.5, 0.5) means 0.5 × 255 for every image
    assert min(thresholds) >= 127.5 - 1e-3, thresholds


assert_known_bug("solarization_threshold_low", bug=threshold_drawn_from_low, documented=threshold_fixed_at_half)

bright = to_numpy(layers.RandomBrightness((0.2, 0.2), value_range=RANGE, seed=0)(pair, training=True))
np.testing.assert_allclose(bright, np.clip(pair + 0.2 * 255, 0, 255), atol=1e-3)
assert (pair + 0.2 * 255).max() > 255  # the clip matters on this photo

stretched = to_numpy(colour["AutoContrast"](dull, training=False))
low, high = dull.min(axis=(1, 2), keepdims=True), dull.max(axis=(1, 2), keepdims=True)
np.testing.assert_allclose(stretched, (dull - low) / (high - low) * 255, atol=1e-2)
whole = (dull - dull.min(axis=(1, 2, 3), keepdims=True)) / np.ptp(dull, axis=(1, 2, 3), keepdims=True) * 255
assert np.abs(stretched - whole).max() > 1  # per channel, not per image

gray = coloured["RandomGrayscale"]
np.testing.assert_allclose(gray[..., 0], gray[..., 1], atol=1e-3)
np.testing.assert_allclose(gray[..., 1], gray[..., 2], atol=1e-3)
print("invert, posterize, solarize, brightness, auto-contrast and grayscale match NumPy")

# %% [markdown]
# ### `RandomContrast`: mean kept, spread scaled by one factor per image
#
# On the low-contrast copy (so nothing is clipped), each channel's mean is unchanged and its
# standard deviation is multiplied by the same factor f ∈ [0.5, 1.5] across the three channels.

# %%
contrasted = to_numpy(layers.RandomContrast(0.5, value_range=RANGE, seed=3)(dull, training=True))
np.testing.assert_allclose(contrasted.mean(axis=(1, 2)), dull.mean(axis=(1, 2)), rtol=1e-4)
ratio = contrasted.std(axis=(1, 2)) / dull.std(axis=(1, 2))
np.testing.assert_allclose(ratio, ratio[:, :1].repeat(3, axis=1), rtol=1e-4)
assert np.all((ratio >= 0.5 - 1e-4) & (ratio <= 1.5 + 1e-4))
print("contrast factor per image:", ratio[:, 0].round(3))

# %% [markdown]
# ## Application
#
# ### Brightness robustness: trained on bright images, tested on dark ones
#
# A tiny classifier learns "bright square top-left vs bottom-right" from well-exposed images, then
# is tested on much darker images. The model trained with `RandomBrightness` in front (active in
# `fit` only) is asserted to keep an accuracy of at least 0.9 on the dark images; the plain model
# is shown beside it. On this easy, linearly separable task the plain model transfers too, so the
# bar chart checks the pipeline rather than showing a dramatic gap: 10c shows a case where
# augmentation matters.

# %%
rng = np.random.default_rng(0)


def squares(n, brightness):
    images = rng.uniform(0, 30, size=(n, 12, 12, 1)).astype("float32")
    side = rng.integers(0, 2, size=n)
    for k in range(n):
        corner = (slice(1, 5), slice(1, 5)) if side[k] == 0 else (slice(7, 11), slice(7, 11))
        images[k][corner] += brightness
    return images, side


x_train, y_train = squares(64, 200.0)
x_dark, y_dark = squares(200, 60.0)


def trained(augment):
    blocks = [keras.Input((12, 12, 1))] + ([layers.RandomBrightness(0.6, value_range=RANGE, seed=1)] if augment else [])
    blocks += [layers.Rescaling(1 / 255), layers.Flatten(), layers.Dense(2, activation="softmax")]
    net = keras.Sequential(blocks)
    net.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    net.fit(x_train, y_train, epochs=30, batch_size=16, verbose=0)
    return net.evaluate(x_dark, y_dark, verbose=0)[1]


keras.utils.set_random_seed(0)
scores = {"plain": trained(False), "RandomBrightness": trained(True)}
fig, ax = plt.subplots(figsize=(6, 2.8))
ax.bar(list(scores), list(scores.values()), color=["tab:red", "tab:blue"])
ax.set(title="Accuracy on darker test images", ylabel="accuracy", ylim=(0, 1))
plt.tight_layout()
plt.close(fig)
print(scores)
assert scores["RandomBrightness"] >= 0.9
transfer = "transfers too" if scores["plain"] >= 0.9 else "transfers less well"
plots.show(fig, f"Notice that the model trained with RandomBrightness scores {scores['RandomBrightness']:.2f} on the "
           f"dark images and the plain one {scores['plain']:.2f}: on this easy task the plain model {transfer}.")

# %% [markdown]
# ## Key terms
#
# - **Value range**: the interval pixel values live in; most colour layers need it.
# - **Histogram equalisation**: remapping values so their histogram is flat.
# - **CLAHE**: equalisation per tile, with a clip limit that caps contrast amplification.
# - **Posterization**: keeping only the top bits of each value.
# - **Solarization**: inverting the values above a threshold.
# - **Colour jitter**: random brightness, contrast, saturation and hue together.
# - **RandAugment / AugMix**: policies that apply several random operations in a row
#   (`RandAugment` draws one chain of operations per call, with strengths drawn per image).

# %% [markdown]
# ## Summary
#
# - Colour layers change values, never shapes; outputs stay in `value_range` (except
#   `RandomSaturation` on 0–255 images, a bug: use 0–1 images with it).
# - Random layers are the identity at inference; `AutoContrast` and CLAHE always run;
#   `Equalization` is skipped at inference even though it is deterministic.
# - Invert, posterize, solarize, brightness, auto-contrast and grayscale match simple NumPy formulas.
# - A single-float probability `factor` means a probability drawn in [0, f]; write `(1.0, 1.0)`
#   for "always".

# %% [markdown]
# ## Exercises
#
# Each exercise cell prints its task and what counts as done; `ex.check(...)` says what is right and
# what is not yet. Uncomment `ex.hint()` or `ex.solution()` only when you want them.
#
# ### Exercise 10d.1 · Posterization in NumPy

# %%
ex = exercise("10d.1")  # prints the task and how you know you are done


def posterize(x, bits):
    ...  # your code here


ex.check(posterize)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 10d.2 · Brightness on any value range
#
# The same layer on images scaled to 0–1, 0–255 or −1–1: what does `factor` mean in each case?

# %%
ex = exercise("10d.2")


def brightness(x, delta, value_range):
    ...  # your code here


ex.check(brightness)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 10d.3 · The weights RandomGrayscale uses

# %%
ex = exercise("10d.3")

weights = None  # your least-squares fit here: three numbers for red, green and blue

ex.check(weights)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ## Deep dive (optional)
#
# Checks that are there for trust rather than for understanding: reproducibility layer by layer, a
# backend difference, and what changed since Keras 2. Nothing in the core path relies on them.

# %% [markdown]
# ### Seeded reproducibility
#
# This checks, layer by layer, which seeded layers repeat their draws; read it if your experiments
# must be repeatable. Two fresh copies of each random layer with the same seed give identical outputs on this
# backend. The cell reports the layers for which that fails (if any) and asserts the list is the
# one measured for this backend in Keras 3.15.1.

# %%
NOT_REPRODUCIBLE = {"tensorflow": ["AugMix"], "jax": ["AugMix"], "torch": ["AugMix"]}  # measured, Keras 3.15.1
not_reproducible = []
for name, make in make_colour.items():
    if not np.array_equal(to_numpy(make()(pair, training=True)), to_numpy(make()(pair, training=True))):
        not_reproducible.append(name)
print(BACKEND, "| not reproducible with a seed:", not_reproducible or "none")
assert not_reproducible == NOT_REPRODUCIBLE[BACKEND], not_reproducible

# %% [markdown]
# ### CLAHE on PyTorch: a backend difference
#
# This shows that CLAHE's output depends on the backend; read it before training with CLAHE in a
# model on PyTorch. A 48 × 64 image (divisible by the default 8 × 8 tile grid) is equalised strongly on TensorFlow
# and JAX, but left almost unchanged on PyTorch (Keras 3.15.1). The 52 × 80 photo used above is
# not affected.

# %%
even = np.round(pair[:, :48, :64])
clahe_change = np.abs(to_numpy(colour["CLAHE"](even)) - even).max()
if BACKEND == "torch":
    assert clahe_change < 2, clahe_change
else:
    assert clahe_change > 50, clahe_change
print(f"{BACKEND}: max change by CLAHE on a 48×64 image = {clahe_change:.1f}")

# %% [markdown]
# ### Keras 2 → 3 and common claims, proved
#
# This proves what changed since Keras 2 (`tf.keras`); read it if you port older augmentation code.
#
# - `RandomContrast` and `RandomBrightness` are the only colour layers Keras 2 (`tf.keras`) had;
#   Keras 3 adds the fifteen others here, on every backend.
# - `RandomBrightness` takes `value_range` and clips to it (proved above), as `tf.keras`'s did
#   since TensorFlow 2.9: nothing to migrate there. Its `factor` is a fraction of that range and
#   must lie in [−1, 1]; `RandomBrightness(1.5)` is refused.

# %%
error = expect_error(ValueError, lambda: layers.RandomBrightness(1.5))
assert "factor" in str(error) and "[-1, 1]" in str(error)  # refused for its factor, not for a value range
print(type(error).__name__, ":", str(error)[:90])

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
# # 10c · Augmentation layers, part 1: geometry, mixing and bounding boxes
#
# Data augmentation shows the network a slightly different version of each training image at
# every step, so it learns what matters (the object) rather than what does not (its exact position,
# angle or scale). Keras 3 ships augmentation as layers. This part covers the ones that **move
# pixels** (crop, flip, translation, rotation, zoom, shear, perspective, elastic warp, erasing), the
# two that **mix images and their labels** (`MixUp`, `CutMix`), and bounding boxes; part 10d covers
# colour and intensity.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/notebooks/10c_augmentation.ipynb)

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
layers = keras.layers
BACKEND = keras.backend.backend()
rng = np.random.default_rng(0)


def small(name):
    """A bundled photo, 8×8 block-averaged to 52 × 80 pixels, values 0..255 (float32)."""
    image = load_sample_image(name).astype("float32")[:416, :640]
    return image.reshape(52, 8, 80, 8, 3).mean(axis=(1, 3))


china, flower = small("china.jpg"), small("flower.jpg")
pair = np.stack([china, flower])  # a batch of two different photos
print(ENV, "| batch:", pair.shape)


def quiet_int64(action):
    """Run `action()`, hiding JAX's one harmless warning: MixUp asks for int64 indices, JAX gives int32."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Explicitly requested dtype int64", category=UserWarning)
        return action()


# %% [markdown]
# ## What
#
# An augmentation layer draws a **random transformation** for each call (or each image) and
# applies it **only when `training=True`**. Inside a model, `fit` passes `True` and `predict` /
# `evaluate` pass `False`. Careful: **a plain call outside a model augments**, because the layers'
# `call` defaults to `training=True`; pass `training=False` to switch them off. Each layer takes a
# `seed` for reproducible draws. The geometric layers here
# all keep the image's shape except `RandomCrop`. Those that only move pixels (crop, flip, and
# translation, rotation, zoom, shear and elastic warps with their default `"reflect"` fill) just
# rearrange and interpolate them, so the output stays within the input's value range;
# `RandomPerspective` and `RandomErasing` fill with a constant (`fill_value`, 0 by default), which
# can lie outside it.
#
# The cell proves the contract on `RandomRotation`: `training=False` returns the input unchanged;
# `training=True` and a plain call both rotate; inside a model, `predict` does not.

# %%
rotate = layers.RandomRotation(0.1, seed=1)
np.testing.assert_array_equal(to_numpy(rotate(pair, training=False)), pair)
assert not np.allclose(to_numpy(rotate(pair, training=True)), pair)
assert not np.allclose(to_numpy(rotate(pair)), pair)  # a plain call augments!
wrapped = keras.Sequential([keras.Input((52, 80, 3)), rotate])
np.testing.assert_array_equal(wrapped.predict(pair, verbose=0), pair)
print("training=False: identity | training=True or plain call: rotated | predict: identity")

# %% [markdown]
# ## Where
#
# - **In the API**: `keras.layers.RandomCrop`, `RandomFlip`, `RandomTranslation`,
#   `RandomRotation`, `RandomZoom`, `RandomShear`, `RandomPerspective`, `RandomElasticTransform`,
#   `RandomErasing`, `MixUp`, `CutMix`, `MaxNumBoundingBoxes`.
# - **In a model**, right after `keras.Input`: active during `fit`, skipped by `predict`.
# - **In a `tf.data` pipeline** (`dataset.map(layer)`), on any backend; needed for `MixUp` /
#   `CutMix`, which must see the labels too, and for bounding boxes.
# - **Inputs**: an image batch, or a dict `{"images": ..., "labels": ..., "bounding_boxes":
#   {"boxes": ..., "labels": ...}}`; the layer transforms each entry consistently.

# %% [markdown]
# ## Why
#
# Small datasets overfit: a network memorises the exact pixels. Augmentation multiplies the data
# with label-preserving changes, encoding known invariances (a flipped cat is a cat). Mixing
# layers (`MixUp`, `CutMix`) go further and train on blends of two examples with blended labels,
# which regularises and calibrates the classifier.
#
# ## When
#
# - Flips/rotations/translations/zoom: natural photos (not digits: a flipped "2" is not a "2").
# - `RandomCrop`: when objects can sit anywhere; `RandomErasing`: to force the use of several cues.
# - `RandomShear` / `RandomPerspective` / `RandomElasticTransform`: documents, handwriting, scenes
#   seen from different viewpoints.
# - `MixUp` / `CutMix`: image classification with one-hot (or soft) labels.
# - `MaxNumBoundingBoxes`: object detection, to give every image the same number of boxes.
#
# ## Who
#
# Anyone training vision models on limited data; MixUp (Zhang et al., 2018) and CutMix (Yun et
# al., 2019) are standard in modern image-classification recipes.

# %% [markdown]
# ## How
#
# ### The geometric layers, one by one
#
# `factor` arguments are fractions: `RandomRotation(0.1)` rotates by up to ±0.1 × 360° = ±36°,
# `RandomTranslation(0.1, 0.2)` shifts by up to 0.1 × the height and 0.2 × the width,
# `RandomZoom(0.2)` zooms by up to ±0.2 × the size (**positive = zoom out**, negative = zoom in). A tuple
# `(a, b)` gives the range explicitly. `fill_mode` (`"reflect"` by default; `"constant"`,
# `"wrap"`, `"nearest"`) says what fills the uncovered area. `RandomFlip(mode)` is
# `"horizontal"`, `"vertical"` or `"horizontal_and_vertical"` (default).

# %%
make_geometric = {
    "RandomCrop(40, 40)": lambda: layers.RandomCrop(40, 40, seed=1),
    "RandomFlip()": lambda: layers.RandomFlip(seed=2),
    "RandomTranslation(.2, .2)": lambda: layers.RandomTranslation(0.2, 0.2, seed=3),
    "RandomRotation(.1)": lambda: layers.RandomRotation(0.1, seed=4),
    "RandomZoom(.3)": lambda: layers.RandomZoom(0.3, seed=5),
    "RandomShear(.3, .3)": lambda: layers.RandomShear(0.3, 0.3, seed=6),
    "RandomPerspective(.5)": lambda: layers.RandomPerspective(factor=1.0, scale=0.5, seed=7),
    "RandomElasticTransform()": lambda: layers.RandomElasticTransform(factor=1.0, scale=1.0, value_range=(0, 255), seed=8),
    "RandomErasing(1.0)": lambda: layers.RandomErasing(factor=(1.0, 1.0), scale=(0.1, 0.2), fill_value=0.0, value_range=(0, 255), seed=9),
}
geometric = {name: make() for name, make in make_geometric.items()}
augmented = {name: to_numpy(layer(pair, training=True)) for name, layer in geometric.items()}
for name, out in augmented.items():
    print(f"{name:>26}: {out.shape}, values {out.min():6.1f} … {out.max():6.1f}")

# %% [markdown]
# ### What each geometric layer does to the photo
#
# The temple photo (image 0 of the batch) after each layer just built, with `training=True`.

# %%
panels = [("original", china)] + [(name, out[0]) for name, out in augmented.items()]
fig, axes = plt.subplots(2, 5, figsize=(15, 4.6))
for ax, (name, image) in zip(axes.ravel(), panels, strict=True):
    ax.imshow(np.clip(image, 0, 255).astype("uint8"))
    ax.set_title(name, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle(f"Geometric augmentation, training=True ({BACKEND} backend)")
plt.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that the layers move pixels without changing their colours: reflect-filled edges mirror "
           "the scene, while RandomPerspective and RandomErasing can leave black (fill value 0) areas.")


# %% [markdown]
# ### `MixUp` and `CutMix`: images *and* labels
#
# Both take a dict with `"images"` and one-hot `"labels"`, pick a random partner for each
# image (a permutation of the batch), and blend:
#
# - `MixUp(alpha)`: $\tilde x_i = \lambda_i x_i + (1-\lambda_i) x_{\pi(i)}$ and the same for the
#   labels, with $\lambda_i \sim \text{Beta}(\alpha, \alpha)$ drawn per image;
# - `CutMix(factor)`: a random rectangle of $x_{\pi(i)}$ is pasted into $x_i$, and the labels are
#   mixed with $\lambda_i = 1 - \text{box area}/\text{image area}$.

# %%
six = np.stack([china, flower, china[::-1], flower[::-1], china[:, ::-1], flower[:, ::-1]])
one_hot = np.eye(6, dtype="float32")  # each image is its own class: the labels reveal the mixing
mixed = quiet_int64(lambda: layers.MixUp(alpha=0.4, seed=3)({"images": six, "labels": one_hot}, training=True))
cut = layers.CutMix(factor=1.0, seed=3)({"images": six, "labels": one_hot}, training=True)
print("MixUp labels:\n", to_numpy(mixed["labels"]).round(2))
print("CutMix labels:\n", to_numpy(cut["labels"]).round(2))

# %% [markdown]
# One image next to what `MixUp` made of it, and one next to what `CutMix` made of it: for each
# layer the image mixed with the other photo (temple with flower) that kept closest to half of its
# label, so that the mix is easy to see.

# %%
def most_visible(mixed_labels):
    """The image whose partner is the other photo and whose label kept the share closest to one half."""
    kept = mixed_labels.diagonal()
    partner = np.argmax(mixed_labels - np.diag(kept), axis=1)
    same_photo = partner % 2 == np.arange(len(kept)) % 2  # even: temple, odd: flower
    return int(np.argmin(np.abs(kept - 0.5) + same_photo))


mix_kept, cut_kept = to_numpy(mixed["labels"]).diagonal(), to_numpy(cut["labels"]).diagonal()
i, j = most_visible(to_numpy(mixed["labels"])), most_visible(to_numpy(cut["labels"]))
panels = [(f"image {i}", six[i]), (f"MixUp: keeps {mix_kept[i]:.2f} of label {i}", to_numpy(mixed["images"])[i]),
          (f"image {j}", six[j]), (f"CutMix: keeps {cut_kept[j]:.2f} of label {j}", to_numpy(cut["images"])[j])]
fig, axes = plt.subplots(1, 4, figsize=(14, 2.6))
for ax, (name, image) in zip(axes, panels, strict=True):
    ax.imshow(np.clip(image, 0, 255).astype("uint8"))
    ax.set_title(name, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
plt.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that MixUp lays a second photo over every pixel while CutMix pastes one rectangle of it; "
           "each title gives the share of the original label that the mixed label keeps.")


# %% [markdown]
# ### Bounding boxes and `MaxNumBoundingBoxes`
#
# Geometric layers accept `bounding_box_format=` (`"xyxy"`, `"xywh"`, `"rel_xyxy"`, …) and then
# move the boxes with the pixels. Detection batches need the same number of boxes per image:
# `MaxNumBoundingBoxes(max_number, fill_value=-1)` pads (or truncates) `boxes` and their
# `labels` to `max_number`, leaving the images untouched.

# %%
BOXES = np.array([[[4.0, 6.0, 30.0, 40.0], [50.0, 10.0, 76.0, 30.0]]], "float32")
BOX_LABELS = np.array([[1.0, 2.0]], "float32")


def make_scene():
    """A fresh dict each time: the layers write their outputs into the dict they are given."""
    return {"images": china[None].copy(), "bounding_boxes": {"boxes": BOXES.copy(), "labels": BOX_LABELS.copy()}}


padder = layers.MaxNumBoundingBoxes(max_number=4, bounding_box_format="xyxy")
padded = padder(make_scene())
print({key: to_numpy(value).tolist() for key, value in padded["bounding_boxes"].items()})

# %% [markdown]
# ### Boxes follow the flip
#
# Two boxes on the photo before and after `RandomFlip("horizontal")` with
# `bounding_box_format="xyxy"`: the boxes are mirrored with the pixels ($x' = W - x$).

# %%
box_flipper = layers.RandomFlip("horizontal", bounding_box_format="xyxy", seed=0)
flipped = None
for _ in range(10):  # draw until this image is actually flipped (probability 1/2 per call)
    candidate = box_flipper(make_scene(), training=True)
    if not np.allclose(to_numpy(candidate["images"]), china[None]):
        flipped = candidate
        break
assert flipped is not None
fig, axes = plt.subplots(1, 2, figsize=(10, 3.4))
for ax, data, title in [(axes[0], make_scene(), "original"), (axes[1], flipped, "RandomFlip('horizontal')")]:
    ax.imshow(np.clip(to_numpy(data["images"])[0], 0, 255).astype("uint8"))
    for (x1, y1, x2, y2), colour in zip(to_numpy(data["bounding_boxes"]["boxes"])[0], ["yellow", "cyan"], strict=True):
        ax.add_patch(plt.Rectangle((x1, y1), x2 - x1, y2 - y1, fill=False, edgecolor=colour, linewidth=2))
    ax.set(title=title, xlabel="x (pixels)", ylabel="y (pixels)")
plt.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that after the flip each box still frames the same part of the temple: its corners "
           "moved to x' = 80 − x with the pixels, and its y-coordinates did not change.")

# %% [markdown]
# ## Pros
#
# - Free extra data, computed on the fly; no augmented copies stored on disk.
# - Automatically off in `predict`/`evaluate` (for every layer in this notebook: proved below).
# - Seeds make each run reproducible; the same code runs on TensorFlow, JAX and PyTorch.
# - Boxes and labels follow the pixels when the layer is given the dict form.
#
# ## Cons
#
# - **`RandomCrop` changes the output shape in training only**: at inference it returns the full
#   image, *despite its docstring* (which promises a resized central crop). A model that needs a
#   fixed size must add a `CenterCrop` after it (Example 2).
# - Augmentations that break the label (flipping digits, rotating "6" into "9") hurt.
# - `MixUp`/`CutMix` need the labels, so they live in the data pipeline, not in a plain model.
# - Probability-like `factor`s: a single float `f` means "a probability drawn in [0, f]", so
#   `RandomErasing(factor=1.0)` does not always erase; write `factor=(1.0, 1.0)` for "always".
# - Called on a dict, a layer **writes its outputs into that dict**: build a new dict per call.
# - A seed reproduces a run on one backend, not across backends (each has its own random
#   generator). Keras 3.15 has a few bugs here (`RandomElasticTransform` ignores part of its seed
#   on PyTorch, `RandomShear` cannot be reloaded from its config): the deep dive proves them.

# %% [markdown]
# ## Picture
#
# ### What the network sees, step after step
#
# One photo through a small augmentation block (flip, rotation, zoom) at five training steps, and
# once more as `predict` sees it. The network never sees the same picture twice in training, and
# always the original at inference.

# %%
block = keras.Sequential([layers.RandomFlip("horizontal", seed=11), layers.RandomRotation(0.05, seed=12),
                          layers.RandomZoom(0.2, seed=13)])
views = [to_numpy(block(pair, training=True))[0] for _ in range(5)]  # image 0 of the batch: the temple
views.append(to_numpy(block(pair, training=False))[0])
np.testing.assert_array_equal(views[-1], china)  # inference: the photo itself
fig, axes = plt.subplots(1, 6, figsize=(16, 2.3))
for step, (ax, image) in enumerate(zip(axes, views, strict=True), start=1):
    ax.imshow(np.clip(image, 0, 255).astype("uint8"))
    ax.set_title(f"training step {step}" if step <= 5 else "predict", fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
plt.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that each training step shows the temple mirrored or not, slightly turned and zoomed "
           "differently, while predict shows the photo unchanged.")


# %% [markdown]
# ## Table
#
# | Layer | What it does (training only) | Key arguments | Shape | Proved below |
# |---|---|---|---|---|
# | `RandomCrop` | random window, same place for the whole batch | `height`, `width` | → `(h, w)`; **unchanged at inference** | inference returns the full image |
# | `RandomFlip` | mirror | `mode` | same | each output is x or its mirror |
# | `RandomTranslation` | shift | `height_factor`, `width_factor`, `fill_mode` | same | fixed quarter-height shift = NumPy slice |
# | `RandomRotation` | rotate by factor × 360° | `factor`, `fill_mode` | same | factor 0.25 = `np.rot90` |
# | `RandomZoom` | zoom in (<0) / out (>0) | `height_factor`, `width_factor` | same | factor 1 = half-size copy in the centre |
# | `RandomShear` | shear along x/y | `x_factor`, `y_factor` | same | range, identity at inference |
# | `RandomPerspective` | random perspective warp | `factor`, `scale` | same | range, identity at inference |
# | `RandomElasticTransform` | smooth random displacement field | `factor`, `scale` | same | range, identity at inference |
# | `RandomErasing` | blank random rectangles | `factor`, `scale`, `fill_value` | same | only a rectangle changes |
# | `MixUp` | λx_i + (1−λ)x_π(i), labels too | `alpha` | same | labels = mixing matrix |
# | `CutMix` | paste a box from x_π(i), labels by area | `factor` | same | label weight = pasted share |
# | `MaxNumBoundingBoxes` | pad/truncate boxes to a fixed count | `max_number`, `fill_value` | boxes → `(max, 4)` | padding with −1 |

# %% [markdown]
# ## Example
#
# ### Example 1 · An augmentation block inside a model: on in `fit`, off in `predict`
#
# A `Sequential` augmentation block at the front of a tiny classifier. `predict` twice gives the
# same result (augmentation off); calling the model with `training=True` twice does not.

# %%
augment = keras.Sequential([layers.RandomFlip("horizontal", seed=1), layers.RandomRotation(0.05, seed=2)])
model = keras.Sequential([keras.Input((52, 80, 3)), augment, layers.Rescaling(1 / 255),
                          layers.Conv2D(4, 3, activation="relu"), layers.GlobalAveragePooling2D(), layers.Dense(2)])
first, second = model.predict(pair, verbose=0), model.predict(pair, verbose=0)
np.testing.assert_array_equal(first, second)
assert not np.allclose(to_numpy(model(pair, training=True)), to_numpy(model(pair, training=True)))
print("predict is deterministic; training calls are not")

# %% [markdown]
# ### Example 2 · Fixing `RandomCrop`'s shape at inference
#
# Since `RandomCrop` passes the full image through at inference, pair it with a `CenterCrop` of
# the same size: in training the image is already 40 × 40 and `CenterCrop` keeps it; at inference
# `CenterCrop` takes the central window.

# %%
crop_block = keras.Sequential([layers.RandomCrop(40, 40, seed=1), layers.CenterCrop(40, 40)])
assert to_numpy(crop_block(pair, training=True)).shape == (2, 40, 40, 3)
np.testing.assert_array_equal(to_numpy(crop_block(pair, training=False)), pair[:, 6:46, 20:60])
print("training and inference shapes:", (2, 40, 40, 3))

# %% [markdown]
# ### Example 3 · Detection batch: flip, then pad boxes to a fixed count
#
# Two images with 1 and 3 boxes cannot be stacked. Padding to three boxes per image (`-1` rows)
# gives rectangular tensors, and a `Pipeline` applies the flip and the padding in one call.

# %%
detection = {
    "images": pair,
    "bounding_boxes": {"boxes": np.array([[[4, 6, 30, 40], [-1, -1, -1, -1], [-1, -1, -1, -1]],
                                          [[1, 1, 9, 9], [20, 20, 40, 30], [60, 5, 79, 50]]], "float32"),
                       "labels": np.array([[3, -1, -1], [1, 2, 2]], "float32")},
}
detect_prep = layers.Pipeline([layers.RandomFlip("horizontal", bounding_box_format="xyxy", seed=4),
                               layers.MaxNumBoundingBoxes(max_number=5, bounding_box_format="xyxy")])
ready = detect_prep(detection, training=True)
assert to_numpy(ready["bounding_boxes"]["boxes"]).shape == (2, 5, 4)
np.testing.assert_array_equal(to_numpy(ready["bounding_boxes"]["labels"])[:, 3:], -1)
print(to_numpy(ready["bounding_boxes"]["labels"]))

# %% [markdown]
# ## Proof
#
# ### Identity at inference, for every layer here; shapes in training
#
# Every layer of the notebook is called with `training=False` on the two photos: the output equals
# the input exactly, **including `RandomCrop`** (which the docstring says would crop). In training
# every layer except `RandomCrop` keeps the shape.

# %%
everything = {**geometric, "MixUp": layers.MixUp(seed=1), "CutMix": layers.CutMix(seed=1),
              "MaxNumBoundingBoxes": layers.MaxNumBoundingBoxes(max_number=3)}
for name, layer in everything.items():
    out = to_numpy(quiet_int64(lambda layer=layer: layer(pair, training=False)))
    np.testing.assert_array_equal(out, pair, err_msg=name)
for name, out in augmented.items():
    expected_shape = (2, 40, 40, 3) if name.startswith("RandomCrop") else pair.shape
    assert out.shape == expected_shape, name
print("all", len(everything), "layers are the identity at inference on", BACKEND)

# %% [markdown]
# ### Exact geometry, against NumPy
#
# - `RandomTranslation` with a fixed factor (0.25, 0.25) and `fill_mode="constant"`: on a 20-row
#   image the output is the input shifted down by 0.25 × 20 = 5 rows, zeros above. *Fails if the
#   factor were in pixels.*
# - `RandomRotation` with factor (0.25, 0.25) = a quarter turn: `np.rot90(x, k=1)`
#   (counter-clockwise). *Fails if it were clockwise* (`k=-1`, also checked).
# - `RandomZoom` with factor 1.0 (zoom out ×2) and `fill_mode="constant"`: the centre holds the
#   half-size image, equal to `Resizing` by 2, and the border is 0.
# - `RandomFlip`: each output image is either the input or its mirror, per image.
# - `RandomCrop` in training: one window position for the whole batch.

# %%
square = rng.uniform(0, 255, size=(2, 20, 20, 3)).astype("float32")
shifted = to_numpy(layers.RandomTranslation((0.25, 0.25), (0.0, 0.0), fill_mode="constant", seed=0)(square, training=True))
np.testing.assert_allclose(shifted[:, 5:], square[:, :15], atol=1e-3)
np.testing.assert_array_equal(shifted[:, :5], 0)

quarter = to_numpy(layers.RandomRotation((0.25, 0.25), fill_mode="constant", seed=0)(square, training=True))
np.testing.assert_allclose(quarter, np.rot90(square, k=1, axes=(1, 2)), atol=1e-2)
assert np.abs(quarter - np.rot90(square, k=-1, axes=(1, 2))).max() > 10

zoomed = to_numpy(layers.RandomZoom((1.0, 1.0), (1.0, 1.0), fill_mode="constant", seed=0)(square, training=True))
np.testing.assert_allclose(zoomed[:, 5:15, 5:15], to_numpy(layers.Resizing(10, 10)(square)), atol=1e-3)
assert np.all(zoomed[:, :4] == 0) and np.all(zoomed[:, 16:] == 0)

flips = to_numpy(layers.RandomFlip("horizontal", seed=5)(six, training=True))
for out, original in zip(flips, six, strict=True):
    assert np.array_equal(out, original) or np.array_equal(out, original[:, ::-1])
crops = to_numpy(layers.RandomCrop(30, 30, seed=5)(np.stack([china, china]), training=True))
np.testing.assert_array_equal(crops[0], crops[1])  # same window for the whole batch
print("translation, rotation, zoom, flip and crop match NumPy")

# %% [markdown]
# ### `MixUp`: the mixed labels are the mixing matrix of the images
#
# With one-hot labels "image i is class i", the mixed label matrix $M$ holds $\lambda_i$ at
# $(i, i)$ and $1-\lambda_i$ at $(i, \pi(i))$. If Keras mixes images and labels with the same
# weights and partner, then NumPy's `M @ images` rebuilds every mixed image. *Fails if the labels
# were mixed with another λ or partner than the images.* Each row sums to 1.

# %%
M = to_numpy(mixed["labels"])
np.testing.assert_allclose(M.sum(axis=1), 1.0, atol=1e-5)
np.testing.assert_allclose(to_numpy(mixed["images"]), np.einsum("ij,jhwc->ihwc", M, six), rtol=1e-4, atol=1e-2)
assert ((M > 1e-6).sum(axis=1) <= 2).all()  # at most two images per mix
print("λ per image:", M.diagonal().round(3))

# %% [markdown]
# ## Application
#
# ### Augmentation against overfitting, measured
#
# Two classes of tiny synthetic images: a bright bar in the left half vs in the right half. The
# 16 training images have the bar near the top (rows 2–4); the 100 validation images have it at
# any height (rows 2–11). The same small CNN (convolution + `Flatten`, so it is *not* translation
# invariant by construction) is trained with and without a vertical `RandomTranslation`, a
# label-preserving change that shows the network bars at other heights.

# %%
def bars(n, top_rows):
    images = rng.uniform(0, 40, size=(n, 16, 16, 1)).astype("float32")
    side = rng.integers(0, 2, size=n)
    for k in range(n):
        row = rng.integers(2, top_rows)
        cols = slice(2, 6) if side[k] == 0 else slice(10, 14)
        images[k, row:row + 2, cols] += 200
    return images, side


x_train, y_train = bars(16, top_rows=5)
x_val, y_val = bars(100, top_rows=12)


def classifier(augment):
    blocks = [keras.Input((16, 16, 1))] + ([layers.RandomTranslation((-0.2, 0.6), 0.0, fill_mode="constant", seed=1)] if augment else [])
    blocks += [layers.Rescaling(1 / 255), layers.Conv2D(4, 3, activation="relu"), layers.Flatten(),
               layers.Dense(2, activation="softmax")]
    net = keras.Sequential(blocks)
    net.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return net


keras.utils.set_random_seed(0)
histories = {name: classifier(flag).fit(x_train, y_train, validation_data=(x_val, y_val), epochs=15,
                                         batch_size=16, verbose=0).history
             for name, flag in [("no augmentation", False), ("RandomTranslation", True)]}
fig, ax = plt.subplots(figsize=(8, 3.4))
# Colour and marker tell the two models apart; dotted is training, solid validation.
for (name, history), colour, marker in zip(histories.items(), plots.PALETTE[:2], ["None", "o"], strict=True):
    ax.plot(history["accuracy"], color=colour, linestyle=":", marker=marker, ms=3, label=f"{name}: training")
    ax.plot(history["val_accuracy"], color=colour, linestyle="-", marker=marker, ms=3, label=f"{name}: validation")
ax.set(title="Bars seen only near the top: accuracy with and without augmentation", xlabel="epoch", ylabel="accuracy")
ax.legend(fontsize=8)
plt.tight_layout()
plt.close(fig)
final = {name: history["val_accuracy"][-1] for name, history in histories.items()}
print("final validation accuracy:", final)
assert final["RandomTranslation"] >= 0.9 and final["RandomTranslation"] > final["no augmentation"] + 0.1
fitted = min(history["accuracy"][-1] for history in histories.values())
plots.show(fig, f"Notice that both models reach at least {fitted:.2f} accuracy on their training bars, but on bars "
           f"at any height the augmented model ends at {final['RandomTranslation']:.2f} and the plain one at "
           f"{final['no augmentation']:.2f}.")

# %% [markdown]
# ## Key terms
#
# - **Augmentation**: random, label-preserving changes to training inputs.
# - **`training` flag**: `True` in `fit` and in a plain call (augment: `call` defaults to
#   `training=True`), `False` in `predict`/`evaluate` or when passed (identity).
# - **Factor**: a fraction of the image size or of a full turn; a tuple gives an explicit range.
# - **`fill_mode`**: how uncovered pixels are filled (`reflect`, `constant`, `wrap`, `nearest`).
# - **Seed / `SeedGenerator`**: makes the random draws reproducible; each call advances it.
# - **MixUp**: convex blend of two images and their labels, λ ~ Beta(α, α).
# - **CutMix**: a patch of one image pasted into another; labels weighted by area.
# - **Bounding box format**: how a box is written (`xyxy` corners, `xywh`, relative variants).
# - **`MaxNumBoundingBoxes`**: padding boxes to a fixed count so a batch is rectangular.

# %% [markdown]
# ## Summary
#
# - A plain call augments (`training` defaults to `True`); `predict` and `training=False` do not.
# - Every layer here is the identity at inference, `RandomCrop` included (it does **not** crop
#   there, whatever its docstring says: add a `CenterCrop`).
# - Same seed → same draws (on one backend; `RandomElasticTransform` on PyTorch is the exception);
#   each call advances the generator.
# - Translation/rotation/zoom factors are fractions; exact cases match NumPy slices, `rot90` and
#   `Resizing`.
# - `MixUp` and `CutMix` mix the labels with exactly the images' weights and partners.
# - With `bounding_box_format`, geometric layers move boxes with the pixels;
#   `MaxNumBoundingBoxes` pads them to a fixed count with −1.

# %% [markdown]
# ## Exercises
#
# Each exercise cell prints its task and what counts as done; `ex.check(...)` says what is right and
# what is not yet. Uncomment `ex.hint()` or `ex.solution()` only when you want them.
#
# ### Exercise 10c.1 · A fixed translation in NumPy

# %%
ex = exercise("10c.1")  # prints the task and how you know you are done


def translate(images, height_factor, width_factor):
    ...  # your code here


ex.check(translate)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 10c.2 · Read MixUp's partners and weights from its labels

# %%
ex = exercise("10c.2")


def partners_and_weights(mixed_labels):
    ...  # your code here


ex.check(partners_and_weights)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 10c.3 · Where flipped boxes go
#
# The notebook proved the horizontal case; this exercise asks for both directions.

# %%
ex = exercise("10c.3")


def flip_boxes(boxes, height, width, mode):
    ...  # your code here


ex.check(flip_boxes)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ## Deep dive (optional)
#
# Proofs that are there for trust rather than for understanding: per-layer sweeps, the exact
# bookkeeping of `CutMix` and the boxes, Keras 3.15 bugs, and what changed since Keras 2. Nothing
# in the core path relies on them.

# %% [markdown]
# ### Value ranges in training: which layers can write values the input never had
#
# This checks the What section's claim about value ranges layer by layer; read it if your model
# relies on inputs staying within a range. The photos are lifted to 30–255 first, so that a fill of
# 0 is outside it: the layers that only move and interpolate pixels stay within the input's range
# (interpolation is a convex combination), while `RandomErasing` and `RandomPerspective` write their
# constant 0 below it (the perspective warp only when its random corners uncover part of the canvas,
# so the cell draws a few times).

# %%
lifted = 30 + pair * (225 / 255)  # values 30-255: a fill of 0 would be out of range
CONSTANT_FILL = ("RandomPerspective(.5)", "RandomErasing(1.0)")
for name, make in make_geometric.items():
    layer = make()
    lows = [to_numpy(layer(lifted, training=True)).min() for _ in range(10 if name in CONSTANT_FILL else 1)]
    if name in CONSTANT_FILL:
        assert min(lows) < lifted.min() - 1, name  # fails if every layer stayed within the input's range
    else:
        assert min(lows) >= lifted.min() - 1e-3, name
print("only", CONSTANT_FILL, "wrote values below the input's range")

# %% [markdown]
# ### Seeded reproducibility: the same seed, the same draws
#
# This checks, layer by layer, that a seed reproduces the draws; read it if your experiments must
# be repeatable. Two independently built copies of each layer with the same seed produce identical outputs,
# with one exception found by running it: on PyTorch, `RandomElasticTransform` with a seed does
# **not** reproduce (its second image differs), so part of its randomness escapes the seed there;
# the *same* layer called twice advances its generator and (for a continuous draw like the
# rotation angle) produces a different output.

# %%
for name, make in make_geometric.items():
    a = to_numpy(make()(pair, training=True))
    b = to_numpy(make()(pair, training=True))
    if BACKEND == "torch" and name.startswith("RandomElasticTransform"):
        assert not np.array_equal(a, b)  # the exception: not reproducible on torch (Keras 3.15.1)
        continue
    np.testing.assert_array_equal(a, b, err_msg=name)
twice = make_geometric["RandomRotation(.1)"]()
assert not np.allclose(to_numpy(twice(pair, training=True)), to_numpy(twice(pair, training=True)))
print("same seed → same output, for all", len(geometric), "geometric layers")

# %% [markdown]
# ### `RandomErasing`: only one rectangle changes, filled with `fill_value`
#
# This proves the shape of what `RandomErasing` removes, which the grid only shows. The changed pixels of each image form one axis-aligned rectangle (their bounding box is fully
# changed), and all hold the fill value 0.

# %%
erased = augmented["RandomErasing(1.0)"]
for out, original in zip(erased, pair, strict=True):
    changed = np.any(out != original, axis=-1)
    rows, cols = np.where(changed)
    assert changed.sum() > 0
    box = changed[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    assert box.all() and np.all(out[changed] == 0)
print("erased rectangles:", [int(np.any(o != p, axis=-1).sum()) for o, p in zip(erased, pair, strict=True)], "pixels")

# %% [markdown]
# ### `CutMix`: pasted pixels come from the partner, label weight = pasted area
#
# This proves that `CutMix`'s labels are weighted by area, as the How section says; read it if you
# rely on the labels' exact values. For each image, the changed pixels equal the partner's pixels (partner read from the labels), and
# the partner's label weight equals the pasted share of the image, within the rounding of the box
# edges to pixels (at most (H + W + 1)/(H·W)).

# %%
C = to_numpy(cut["labels"])
cut_images = to_numpy(cut["images"])
H, W = six.shape[1:3]
for i in range(6):
    partner_weight = 1.0 - C[i, i]
    pasted = np.any(cut_images[i] != six[i], axis=-1)
    if partner_weight > 1e-6:
        partner = int(np.argmax(np.where(np.arange(6) == i, -1, C[i])))
        np.testing.assert_array_equal(cut_images[i][pasted], six[partner][pasted])
    assert abs(pasted.mean() - partner_weight) <= (H + W + 1) / (H * W), (i, pasted.mean(), partner_weight)
print("pasted share vs label weight:", [(round(float(np.any(cut_images[i] != six[i], -1).mean()), 3),
                                        round(float(1 - C[i, i]), 3)) for i in range(3)])

# %% [markdown]
# ### Boxes: the flip moves them by x' = W − x; `MaxNumBoundingBoxes` pads with −1
#
# This proves the box arithmetic behind the flip picture and the padding; exercise 10c.3 asks for
# the vertical case. NumPy mirrors the `xyxy` boxes ($x_1' = W - x_2$, $x_2' = W - x_1$, $y$ unchanged): Keras agrees.
# The padded rows are `fill_value` = −1, the images are unchanged.

# %%
boxes = BOXES[0]
mirrored = np.stack([80 - boxes[:, 2], boxes[:, 1], 80 - boxes[:, 0], boxes[:, 3]], axis=1)
np.testing.assert_allclose(to_numpy(flipped["bounding_boxes"]["boxes"])[0], mirrored, atol=1e-3)
padded_boxes = to_numpy(padded["bounding_boxes"]["boxes"])[0]
np.testing.assert_array_equal(padded_boxes[:2], boxes)
np.testing.assert_array_equal(padded_boxes[2:], -1)
np.testing.assert_array_equal(to_numpy(padded["bounding_boxes"]["labels"])[0], [1, 2, -1, -1])
np.testing.assert_array_equal(to_numpy(padded["images"]), china[None])
print("mirrored boxes:", mirrored.tolist())

# %% [markdown]
# ### The dict you pass is rewritten in place
#
# This proves the warning in Cons; read it before reusing a dict of data between calls. A detail found by running it: called on a dict, the layer replaces the dict's entries with its
# outputs (backend tensors), so the caller's dict no longer holds the original arrays. Build a new
# dict per call (as `make_scene` does) or pass a copy.

# %%
given = make_scene()
original_images = given["images"]
layers.RandomFlip("horizontal", bounding_box_format="xyxy", seed=0)(given, training=True)
assert given["images"] is not original_images  # the entry was replaced
print("type now stored in the caller's dict:", type(given["images"]).__name__)

# %% [markdown]
# ### Keras 2 → 3 and common claims, proved
#
# This proves what changed since Keras 2 (`tf.keras`) and two Keras 3.15 pitfalls; read it if you
# port older augmentation code or save models with `RandomShear`.
#
# - A common claim says `RandomCrop` crops at inference too; in Keras 3.15 it returns the input unchanged
#   at inference (proved above; the layer's own docstring also says otherwise).
# - Keras 2 (`tf.keras`) had nine augmentation layers (crop, flip, translation, rotation, zoom,
#   height, width, contrast, brightness), as `tf.keras.layers.*` since TensorFlow 2.6 (before that
#   only under `tf.keras.layers.experimental.preprocessing`), TensorFlow only. Keras 3 **dropped
#   `RandomHeight` and `RandomWidth`** (use `RandomZoom` with only `height_factor` or
#   `width_factor`, or `Resizing`), and adds MixUp, CutMix, bounding-box support and about twenty
#   more, on every backend.
# - `RandomFlip`'s default mode is `"horizontal_and_vertical"`, not horizontal only. Beware of
#   `RandomFlip("both")`, a common slip: Keras 3.15 accepts it, and it never flips anything.
# - A Keras 3.15 bug found here: `RandomShear`'s `get_config()` stores the factor as a signed range
#   `(-0.3, 0.3)` that its own constructor rejects, so `from_config` (and loading a saved model
#   containing it) raises `TypeError`. Rebuild it from its arguments instead.

# %%
assert layers.RandomFlip().mode == "horizontal_and_vertical"
assert not hasattr(layers, "RandomHeight") and not hasattr(layers, "RandomWidth")  # gone in Keras 3
small_batch = square[:, :6, :6]
flips_by_mode = {mode: {to_numpy(flipper(small_batch, training=True)).tobytes() for _ in range(12)}
                 for mode, flipper in [(mode, layers.RandomFlip(mode, seed=3)) for mode in ("both", "horizontal_and_vertical")]}
assert flips_by_mode["both"] == {small_batch.tobytes()}  # "both": never flipped
assert len(flips_by_mode["horizontal_and_vertical"]) >= 3  # fails if "both" meant the same as this
shear = layers.RandomShear(0.3, 0.3)


def shear_config_rejected():  # Keras 3.15.1: a signed range its own constructor refuses
    assert shear.get_config()["x_factor"] == (-0.3, 0.3)
    expect_error(TypeError, lambda: layers.RandomShear.from_config(shear.get_config()))


def shear_config_round_trips():  # documented: from_config(get_config()) rebuilds the same layer
    assert layers.RandomShear.from_config(shear.get_config()).get_config() == shear.get_config()


# asserts the bug only on the Keras versions listed in helpers.known_bugs, the round trip elsewhere
if assert_known_bug("random_shear_config", bug=shear_config_rejected, documented=shear_config_round_trips):
    print("RandomShear config:", shear.get_config()["x_factor"], "→ from_config raises TypeError")

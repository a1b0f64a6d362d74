"""Self-check exercises of notebook 10c (geometric augmentation, mixing, bounding boxes)."""

from __future__ import annotations

import warnings

import numpy as np

from helpers.selfcheck import Exercise, NotYet, register


def _to_numpy(value):
    from helpers.nbtools import to_numpy

    return to_numpy(value)


# ---------------------------------------------------------------- 10c.1 a fixed translation


def _check_translate(translate):
    from keras import layers

    images = np.random.default_rng(4).uniform(1, 255, size=(2, 20, 20, 3)).astype("float32")  # as in 10c
    for height_factor, width_factor in [(0.25, 0.0), (-0.1, 0.25), (0.0, -0.5)]:
        layer = layers.RandomTranslation((height_factor, height_factor), (width_factor, width_factor),
                                         fill_mode="constant", seed=0)
        got = translate(images.copy(), height_factor, width_factor)
        if got is None:
            raise NotYet("your `translate` returned None: return the shifted image batch.")
        want = _to_numpy(layer(images, training=True))
        got = np.asarray(got, dtype="float64")
        if got.shape != want.shape:
            raise NotYet(f"your output has shape {got.shape}; a translation keeps the shape {want.shape}.")
        if not np.allclose(got, want, atol=1e-3):
            rows, cols = round(height_factor * 20), round(width_factor * 20)
            raise NotYet(f"for height_factor={height_factor}, width_factor={width_factor} (on 20 × 20 "
                         f"images) your output differs from Keras's: Keras moves the content {rows:+d} rows "
                         f"(positive = down) and {cols:+d} columns (positive = right), a factor times the "
                         "height or width, and fills the uncovered part with 0.")
    return "your translate matches RandomTranslation with fixed factors: down, up, right and left."


register(Exercise(
    key="10c.1", title="A fixed translation in NumPy", minutes=15, objectives=(2,),
    task="Write translate(images, height_factor, width_factor) in NumPy: the output of "
         "RandomTranslation((height_factor, height_factor), (width_factor, width_factor), "
         "fill_mode='constant') on a batch (batch, height, width, channels), for factors whose shift is a "
         "whole number of pixels. Done when the check prints ✓ (it compares with Keras for three shifts, "
         "positive and negative).",
    answer="translate",
    check_answer=_check_translate,
    hint="The shift in rows is round(height_factor × height), positive moves the content down; the "
         "columns likewise with the width, positive moves right. Start from np.zeros_like(images) and copy "
         "the part that stays inside.",
    solution='''
import numpy as np

def translate(images, height_factor, width_factor):
    _, height, width, _ = images.shape
    dy, dx = round(height_factor * height), round(width_factor * width)
    out = np.zeros_like(images)
    out[:, max(dy, 0):height + min(dy, 0), max(dx, 0):width + min(dx, 0)] = \\
        images[:, max(-dy, 0):height + min(-dy, 0), max(-dx, 0):width + min(-dx, 0)]
    return out
''',
    wrong=(
        ("import numpy as np\ndef translate(images, height_factor, width_factor):\n"
         "    return np.roll(images, (round(height_factor * 20), round(width_factor * 20)), axis=(1, 2))",
         "fills the uncovered part with 0"),
        ("import numpy as np\ndef translate(images, height_factor, width_factor):\n"
         "    _, height, width, _ = images.shape\n"
         "    dy, dx = -round(height_factor * height), -round(width_factor * width)\n"
         "    out = np.zeros_like(images)\n"
         "    out[:, max(dy, 0):height + min(dy, 0), max(dx, 0):width + min(dx, 0)] = \\\n"
         "        images[:, max(-dy, 0):height + min(-dy, 0), max(-dx, 0):width + min(-dx, 0)]\n"
         "    return out", "positive = down"),
        ("def translate(images, height_factor, width_factor):\n    return images", "your output differs"),
    ),
))


# ---------------------------------------------------------------- 10c.2 MixUp's partners and weights


def _check_partners(partners_and_weights):
    from keras import layers

    if partners_and_weights(np.eye(6, dtype="float32")) is None:  # before running Keras: an unfinished answer
        raise NotYet("your function returned None: return (partners, weights), two arrays of length 6.")
    images = np.random.default_rng(5).uniform(0, 255, size=(6, 52, 80, 3)).astype("float32")  # as in 10c
    with warnings.catch_warnings():  # JAX: "Explicitly requested dtype int64" from MixUp, harmless
        warnings.simplefilter("ignore")
        mixed = layers.MixUp(alpha=0.4, seed=7)({"images": images, "labels": np.eye(6, dtype="float32")},
                                                training=True)
    labels, want = _to_numpy(mixed["labels"]), _to_numpy(mixed["images"])
    answer = partners_and_weights(labels.copy())
    if answer is None:
        raise NotYet("your function returned None: return (partners, weights), two arrays of length 6.")
    partners, weights = (np.asarray(part) for part in answer)
    if partners.shape != (6,) or weights.shape != (6,):
        raise NotYet(f"expected two arrays of length 6, got shapes {partners.shape} and {weights.shape}.")
    for i in range(6):
        rebuilt = weights[i] * images[i] + (1 - weights[i]) * images[int(partners[i])]
        if not np.allclose(rebuilt, want[i], rtol=1e-4, atol=1e-2):
            raise NotYet(f"weights[{i}]·image {i} + (1 − weights[{i}])·image {int(partners[i])} is not the "
                         f"mixed image {i} (label row {np.round(labels[i], 3).tolist()}): the weight is the "
                         f"diagonal entry [{i}, {i}], the partner is the column of the other non-zero entry.")
    return "your partners and weights rebuild all six mixed images from the originals."


register(Exercise(
    key="10c.2", title="Read MixUp's partners and weights from its labels", minutes=15, objectives=(3,),
    task="MixUp was given six images whose one-hot labels say 'image i is class i' (np.eye(6)). Write "
         "partners_and_weights(mixed_labels) that returns (partners, weights): for each image i the index "
         "of the image it was mixed with and its own weight λ_i. Done when the check prints ✓ (it rebuilds "
         "each mixed image from your answer and compares with Keras's).",
    answer="partners_and_weights",
    check_answer=_check_partners,
    hint="Row i of the mixed labels holds λ_i at column i and 1 − λ_i at the partner's column. The largest "
         "entry is not always the partner: when λ_i > 0.5 it is image i itself.",
    solution='''
import numpy as np

def partners_and_weights(mixed_labels):
    weights = mixed_labels.diagonal().copy()
    others = mixed_labels - np.diag(weights)
    partners = np.where(others.max(axis=1) > 0, others.argmax(axis=1), np.arange(len(weights)))
    return partners, weights
''',
    wrong=(
        ("def partners_and_weights(mixed_labels):\n"
         "    return mixed_labels.argmax(axis=1), mixed_labels.max(axis=1)", "the partner is the column"),
        ("import numpy as np\ndef partners_and_weights(mixed_labels):\n"
         "    weights = mixed_labels.diagonal().copy()\n    others = mixed_labels - np.diag(weights)\n"
         "    return others.argmax(axis=1), 1 - weights", "the weight is the diagonal entry"),
    ),
))


# ---------------------------------------------------------------- 10c.3 flipped boxes


def _keras_flip(mode, images, boxes):
    from keras import layers

    flipper = layers.RandomFlip(mode, bounding_box_format="xyxy", seed=0)
    for _ in range(30):  # each call flips with probability 1/2: draw until this image is flipped
        data = {"images": images.copy(),
                "bounding_boxes": {"boxes": boxes.copy(), "labels": np.ones(boxes.shape[:2], "float32")}}
        out = flipper(data, training=True)
        if not np.allclose(_to_numpy(out["images"]), images):
            return _to_numpy(out["bounding_boxes"]["boxes"])[0]
    raise RuntimeError("RandomFlip never flipped in 30 draws")


def _check_flip_boxes(flip_boxes):
    height, width = 52, 80  # the photo's size in 10c
    images = np.random.default_rng(6).uniform(0, 255, size=(1, height, width, 3)).astype("float32")
    boxes = np.array([[[4, 6, 30, 20], [10, 2, 38, 28]]], "float32")
    for mode in ("horizontal", "vertical"):
        got = flip_boxes(boxes[0].copy(), height, width, mode)
        if got is None:
            raise NotYet("your `flip_boxes` returned None: return the flipped boxes, one (x1, y1, x2, y2) "
                         "row each.")
        want = _keras_flip(mode, images, boxes)
        got = np.asarray(got, dtype="float64")
        if got.shape != want.shape or not np.allclose(got, want, atol=1e-3):
            if got.shape == want.shape and np.any(got[:, 2] < got[:, 0]) | np.any(got[:, 3] < got[:, 1]):
                raise NotYet(f"for mode={mode!r} some of your boxes end before they start "
                             f"({np.round(got, 2).tolist()}): after mirroring, the old right edge is the "
                             "new left edge, so the two corners swap.")
            raise NotYet(f"for mode={mode!r} Keras gives {np.round(want, 2).tolist()}, you "
                         f"{np.round(got, 2).tolist()}: a horizontal flip maps x to W − x (y unchanged), a "
                         "vertical flip maps y to H − y (x unchanged).")
    return "your flip_boxes matches RandomFlip's boxes for horizontal and vertical flips."


register(Exercise(
    key="10c.3", title="Where flipped boxes go", minutes=15, objectives=(4,),
    task="Write flip_boxes(boxes, height, width, mode) in NumPy: given boxes as rows (x1, y1, x2, y2) in "
         "pixels on a height × width image and mode 'horizontal' or 'vertical', return the boxes that "
         "RandomFlip(mode, bounding_box_format='xyxy') gives when it flips the image. Done when the check "
         "prints ✓ (it compares with Keras for both modes).",
    answer="flip_boxes",
    check_answer=_check_flip_boxes,
    hint="Mirror the coordinates along the flipped axis (x → W − x or y → H − y), then put the smaller "
         "value first: x1' = W − x2 and x2' = W − x1.",
    solution='''
import numpy as np

def flip_boxes(boxes, height, width, mode):
    x1, y1, x2, y2 = np.asarray(boxes, dtype="float64").T
    if mode == "horizontal":
        return np.stack([width - x2, y1, width - x1, y2], axis=1)
    return np.stack([x1, height - y2, x2, height - y1], axis=1)
''',
    wrong=(
        ("import numpy as np\ndef flip_boxes(boxes, height, width, mode):\n"
         "    x1, y1, x2, y2 = np.asarray(boxes, dtype='float64').T\n"
         "    if mode == 'horizontal':\n        return np.stack([width - x1, y1, width - x2, y2], axis=1)\n"
         "    return np.stack([x1, height - y1, x2, height - y2], axis=1)", "the two corners swap"),
        ("import numpy as np\ndef flip_boxes(boxes, height, width, mode):\n"
         "    x1, y1, x2, y2 = np.asarray(boxes, dtype='float64').T\n"
         "    if mode == 'horizontal':\n"
         "        return np.stack([width - 1 - x2, y1, width - 1 - x1, y2], axis=1)\n"
         "    return np.stack([x1, height - 1 - y2, x2, height - 1 - y1], axis=1)", "maps x to W − x"),
        ("import numpy as np\ndef flip_boxes(boxes, height, width, mode):\n"
         "    x1, y1, x2, y2 = np.asarray(boxes, dtype='float64').T\n"
         "    return np.stack([width - x2, y1, width - x1, y2], axis=1)", "vertical flip maps y to H − y"),
    ),
))

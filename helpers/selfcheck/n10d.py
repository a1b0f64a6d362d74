"""Self-check exercises of notebook 10d (colour and intensity augmentation)."""

from __future__ import annotations

import numpy as np

from helpers.selfcheck import Exercise, NotYet, register


def _keras_out(layer, images):
    from helpers.nbtools import to_numpy

    return to_numpy(layer(images, training=True))


def _as_array(value, name):
    if value is None:
        raise NotYet(f"your `{name}` returned None: return the new image batch as an array.")
    return np.asarray(value, dtype="float64")


def _first_difference(got, want, x):
    index = tuple(int(i) for i in np.argwhere(np.abs(got - want) > 1e-3)[0])
    return f"input {x[index]:g} → Keras {want[index]:g}, yours {got[index]:g}"


# ---------------------------------------------------------------- 10d.1 posterization


def _check_posterize(posterize):
    from keras import layers

    x = np.random.default_rng(1).integers(0, 256, size=(2, 52, 80, 3)).astype("float32")
    for bits in (1, 3, 6):
        got = _as_array(posterize(x.copy(), bits), "posterize")
        want = _keras_out(layers.RandomPosterization(factor=(bits, bits), value_range=(0, 255), seed=0), x)
        if got.shape != want.shape:
            raise NotYet(f"for bits={bits} your output has shape {got.shape}, the input's is {want.shape}.")
        if not np.allclose(got, want, atol=1e-3):
            step = 2 ** (8 - bits)
            if np.allclose(got, np.round(x / step) * step, atol=1e-3):
                raise NotYet(f"for bits={bits} you round to the nearest multiple of {step}; "
                             "posterization truncates: floor(x / 2^(8−bits)) · 2^(8−bits) keeps the top "
                             "bits and drops the rest.")
            example = _first_difference(got, want, x)
            raise NotYet(f"for bits={bits} your output differs from Keras's ({example}): keeping the top "
                         "`bits` of 8 bits is floor(x / 2^(8−bits)) · 2^(8−bits).")
    return "your posterize matches RandomPosterization for 1, 3 and 6 bits on 0–255 images."


register(Exercise(
    key="10d.1", title="Posterization in NumPy", minutes=10, objectives=(2,),
    task="Write posterize(x, bits) in NumPy for images with integer values in 0..255: the output of "
         "RandomPosterization(factor=(bits, bits), value_range=(0, 255)). Done when the check prints ✓ "
         "(it compares with Keras for 1, 3 and 6 bits).",
    answer="posterize",
    check_answer=_check_posterize,
    hint="An 8-bit value keeps its top `bits` bits: divide by 2^(8−bits), drop the fraction, multiply back.",
    solution='''
import numpy as np

def posterize(x, bits):
    step = 2 ** (8 - bits)
    return np.floor(x / step) * step
''',
    wrong=(
        ("import numpy as np\ndef posterize(x, bits):\n    step = 2 ** (8 - bits)\n"
         "    return np.round(x / step) * step", "you round to the nearest multiple"),
        ("import numpy as np\ndef posterize(x, bits):\n    return np.floor(x / 2 ** bits) * 2 ** bits",
         "your output differs from Keras's"),
    ),
))


# ---------------------------------------------------------------- 10d.2 brightness and value_range


def _check_brightness(brightness):
    from keras import layers

    base = np.random.default_rng(2).uniform(0, 1, size=(2, 52, 80, 3)).astype("float32")
    for value_range, delta in [((0, 1), 0.3), ((0, 255), -0.25), ((-1, 1), 0.4)]:
        low, high = value_range
        x = (low + base * (high - low)).astype("float32")
        got = _as_array(brightness(x.copy(), delta, value_range), "brightness")
        want = _keras_out(layers.RandomBrightness((delta, delta), value_range=value_range, seed=0), x)
        if got.shape != want.shape:
            raise NotYet(f"your output has shape {got.shape}, the input's is {want.shape}.")
        if np.allclose(got, want, atol=1e-3):
            continue
        where = f"for delta={delta} on images in {value_range}"
        if got.min() < low - 1e-3 or got.max() > high + 1e-3:
            raise NotYet(f"{where} your values reach {got.min():.3g} … {got.max():.3g}, outside the range: "
                         "RandomBrightness clips its output to value_range.")
        example = _first_difference(got, want, x)
        raise NotYet(f"{where} your output differs from Keras's ({example}): delta is a fraction of the "
                     "range's width, so the shift is delta · (high − low), then clip.")
    return "your brightness matches RandomBrightness on 0–1, 0–255 and −1–1 images, brighter and darker."


register(Exercise(
    key="10d.2", title="Brightness on any value range", minutes=15, objectives=(2, 3),
    task="Write brightness(x, delta, value_range) in NumPy: the output of RandomBrightness((delta, delta), "
         "value_range=value_range) for images x whose values lie in value_range = (low, high). Done when the "
         "check prints ✓ (it compares with Keras on 0–1, 0–255 and −1–1 images).",
    answer="brightness",
    check_answer=_check_brightness,
    hint="The factor is a fraction of the range, not of 255: shift by delta · (high − low), then keep the "
         "result inside [low, high].",
    solution='''
import numpy as np

def brightness(x, delta, value_range):
    low, high = value_range
    return np.clip(x + delta * (high - low), low, high)
''',
    wrong=(
        ("import numpy as np\ndef brightness(x, delta, value_range):\n"
         "    return np.clip(x + delta * 255, *value_range)", "fraction of the range's width"),
        ("def brightness(x, delta, value_range):\n    low, high = value_range\n"
         "    return x + delta * (high - low)", "clips its output to value_range"),
        ("import numpy as np\ndef brightness(x, delta, value_range):\n"
         "    return np.clip(x + delta, *value_range)", "fraction of the range's width"),
    ),
))


# ---------------------------------------------------------------- 10d.3 grayscale weights


def _check_weights(weights):
    from keras import layers

    got = _as_array(weights, "weights").ravel()
    if got.shape != (3,):
        raise NotYet(f"expected three weights (red, green, blue), got {got.shape[0]} numbers.")
    x = np.random.default_rng(3).uniform(0, 255, size=(2, 52, 80, 3)).astype("float32")
    want = _keras_out(layers.RandomGrayscale(factor=1.0, seed=0), x)[..., 0]
    mine = x @ got
    if np.abs(mine - want).max() > 0.05:
        if np.allclose(got, 1 / 3, atol=1e-3):
            raise NotYet("equal weights (the plain channel mean) are not what Keras uses: green counts most, "
                         "blue least. Fit the weights to the layer's output.")
        raise NotYet(f"your weights {np.round(got, 4).tolist()} give gray values up to "
                     f"{np.abs(mine - want).max():.2f} away from Keras's on a new random image; fit them "
                     "by least squares: one row per pixel (R, G, B), target the layer's gray value.")
    return (f"your weights {np.round(got, 4).tolist()} reproduce RandomGrayscale on a new image: the "
            "ITU-R BT.601 luma weights 0.2989, 0.587, 0.114.")


register(Exercise(
    key="10d.3", title="The weights RandomGrayscale uses", minutes=15, objectives=(2,),
    task="Find the three weights (red, green, blue) that RandomGrayscale(factor=1.0) uses to turn a pixel "
         "into its gray value: apply the layer to an image, then fit the weights by least squares. Set "
         "`weights` to them. Done when the check prints ✓ (it applies your weights to a new random image "
         "and compares with Keras).",
    answer="weights",
    check_answer=_check_weights,
    hint="np.linalg.lstsq(A, b) with A = image.reshape(-1, 3) (one RGB row per pixel) and b = the layer's "
         "output channel 0, flattened: the three channels of the output are equal.",
    solution='''
import keras
import numpy as np
from helpers.nbtools import to_numpy

image = np.random.default_rng(0).uniform(0, 255, size=(1, 8, 8, 3)).astype("float32")
gray = to_numpy(keras.layers.RandomGrayscale(factor=1.0, seed=0)(image, training=True))
weights, *_ = np.linalg.lstsq(image.reshape(-1, 3), gray[..., 0].ravel(), rcond=None)
''',
    wrong=(
        ("weights = [1 / 3, 1 / 3, 1 / 3]", "equal weights"),
        ("weights = [0.2126, 0.7152, 0.0722]", "least squares"),
        ("weights = [0.2989, 0.587]", "expected three weights"),
    ),
))

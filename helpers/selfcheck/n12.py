"""Self-check exercises of notebook 12 (regularization layers)."""

from __future__ import annotations

import numpy as np

from helpers.selfcheck import Exercise, NotYet, register

# ---------------------------------------------------------------- 12.1 the variance dropout adds


def _exact_dropout_variance(rate: float, c: float) -> float:
    """Var of y = m·c/(1-rate), m ~ Bernoulli(1-rate), by enumerating the two outcomes."""
    values = np.array([0.0, c / (1 - rate)])  # dropped, kept
    probabilities = np.array([rate, 1 - rate])
    mean = probabilities @ values
    return float(probabilities @ (values - mean) ** 2)


def _check_dropout_variance(dropout_variance):
    for rate, c in [(0.5, 1.0), (0.2, 3.0), (0.8, -2.0)]:
        got = dropout_variance(rate, c)
        if got is None:
            raise NotYet("dropout_variance returned None: return one number, the variance of the output.")
        got = float(np.asarray(got))
        want = _exact_dropout_variance(rate, c)
        if np.isclose(got, want, rtol=1e-6):
            continue
        where = f"for rate={rate}, c={c} "
        if np.isclose(got, rate * c**2, rtol=1e-6):
            raise NotYet(where + f"you give rate·c² = {got:g}, the variance without the rescaling: the "
                         f"survivors are c/(1 − rate), not c. Expected {want:g}.")
        if np.isclose(got, rate * (1 - rate) * c**2, rtol=1e-6):
            raise NotYet(where + f"you give rate·(1 − rate)·c² = {got:g}, the variance of the mask times c²: "
                         f"the survivors are scaled to c/(1 − rate). Expected {want:g}.")
        if np.isclose(got, c**2 / (1 - rate), rtol=1e-6):
            raise NotYet(where + f"you give c²/(1 − rate) = {got:g}, the mean of the squared output: the "
                         f"variance subtracts the squared mean, c². Expected {want:g}.")
        raise NotYet(where + f"expected variance {want:g}, got {got:g}. The output is 0 with probability "
                     "rate and c/(1 − rate) otherwise; its mean is c.")
    return ("your formula matches the exact variance of Dropout's output for three rates, "
            "including a negative constant: c²·rate/(1 − rate), which grows without bound as rate → 1.")


register(Exercise(
    key="12.1", title="The variance dropout adds", minutes=15, objectives=(1,),
    task=("A Dropout(rate) layer in training mode receives a constant c in every entry. Its output keeps "
          "the mean c (proved in the notebook). Write dropout_variance(rate, c) returning the variance of "
          "one output entry, as a formula (derive it on paper first). Done when the check prints ✓: it "
          "compares your formula with the exact variance of the two possible outputs for three cases."),
    answer="dropout_variance",
    check_answer=_check_dropout_variance,
    hint=("An output entry is 0 with probability rate and c/(1 − rate) with probability 1 − rate. Its "
          "variance is E[y²] − (E[y])², and E[y] = c."),
    solution='''
def dropout_variance(rate, c):
    second_moment = (1 - rate) * (c / (1 - rate)) ** 2   # E[y²] = c² / (1 - rate)
    return second_moment - c ** 2                         # = c² · rate / (1 - rate)
''',
    wrong=(
        ("def dropout_variance(rate, c):\n    return rate * c ** 2", "without the rescaling"),
        ("def dropout_variance(rate, c):\n    return rate * (1 - rate) * c ** 2", "variance of the mask"),
        ("def dropout_variance(rate, c):\n    return c ** 2 / (1 - rate)", "subtracts the squared mean"),
    ),
))

# ---------------------------------------------------------------- 12.2 drop whole rows of an image

_IMAGES = (8, 12, 5, 3)  # (batch, height, width, channels): 12 rows, so a lucky mask is rare
_AXES = ("batch", "height", "width", "channels")


def _check_row_noise_shape(noise_shape):
    import keras

    if not isinstance(noise_shape, (tuple, list)) or len(noise_shape) != 4:
        raise NotYet(f"noise_shape must be a tuple of four entries, one per axis {_AXES}; "
                     f"got {noise_shape!r}.")
    for axis, (entry, size) in enumerate(zip(noise_shape, _IMAGES, strict=True)):
        if entry is not None and entry not in (1, size):
            raise NotYet(f"entry {axis} ({_AXES[axis]}) is {entry!r}: each entry is None (the input's size, "
                         "an independent draw along that axis) or 1 (one draw shared along that axis).")
    layer = keras.layers.Dropout(0.5, noise_shape=tuple(noise_shape), seed=12)
    dropped = keras.ops.convert_to_numpy(layer(np.ones(_IMAGES, "float32"), training=True)) == 0
    for axis in (2, 3):
        if not np.all(dropped.max(axis=axis) == dropped.min(axis=axis)):
            raise NotYet(f"within one row of one image the mask changes along the {_AXES[axis]} "
                         f"(axis {axis}): a whole row means every column and every channel of that row "
                         "share one draw.")
    row_dropped = dropped[:, :, 0, 0]  # (batch, height)
    if np.all(row_dropped == row_dropped[:, :1]):
        raise NotYet("all rows of an image are dropped together (whole images): the rows must be drawn "
                     "independently, so the height axis needs its own draws.")
    if np.all(row_dropped == row_dropped[:1]):
        raise NotYet("every image in the batch gets the same rows dropped: each sample should draw its own "
                     "rows, so the batch axis needs its own draws.")
    return (f"with noise_shape={tuple(noise_shape)} Keras drops whole rows (all columns, all channels), "
            "independently per row and per image.")


register(Exercise(
    key="12.2", title="Drop whole rows of an image", minutes=10, objectives=(2,),
    task=("A batch of images has shape (batch, height, width, channels). Choose the noise_shape for "
          "Dropout so that it drops whole rows: a dropped row is 0 in every column and every channel, and "
          "each image draws its own rows. Set noise_shape to a tuple of four entries. Done when the check "
          "prints ✓: it runs Keras's Dropout with your noise_shape on a batch of (8, 12, 5, 3) images and "
          "looks at what was dropped together."),
    answer="noise_shape",
    check_answer=_check_row_noise_shape,
    hint=("A 1 shares one draw along that axis, None draws independently along it. Which axes must share "
          "(the ones a row spans) and which must not (the ones that pick a row in one image)?"),
    solution='''
noise_shape = (None, None, 1, 1)  # own draw per image and row; shared over width and channels
''',
    wrong=(
        ("noise_shape = (None, 1, None, None)", "mask changes along the width"),
        ("noise_shape = (None, None, 1, None)", "mask changes along the channels"),
        ("noise_shape = (1, None, 1, 1)", "every image in the batch gets the same rows"),
    ),
))

# ---------------------------------------------------------------- 12.3 the activity penalty in NumPy

_CASES = [((3, 4), 0.1, 0.01, 0), ((5, 2, 3), 0.2, 0.0, 1), ((1, 5), 0.0, 0.5, 2)]


def _keras_penalty(x, l1, l2) -> float:
    import keras

    layer = keras.layers.ActivityRegularization(l1=l1, l2=l2)
    layer(x)
    return float(sum(float(keras.ops.convert_to_numpy(v)) for v in layer.losses))


def _check_activity_penalty(activity_penalty):
    for shape, l1, l2, seed in _CASES:
        x = np.random.default_rng(seed).normal(size=shape).astype("float32")
        got = activity_penalty(x.copy(), l1, l2)
        if got is None:
            raise NotYet("activity_penalty returned None: return one number, the value in layer.losses.")
        got = float(np.asarray(got))
        want = _keras_penalty(x, l1, l2)
        if np.isclose(got, want, rtol=1e-4):
            continue
        where = f"for x of shape {shape}, l1={l1}, l2={l2}: "
        total = l1 * np.abs(x).sum() + l2 * np.sum(x**2)
        if np.isclose(got, total, rtol=1e-4):
            raise NotYet(where + f"you give the plain sum {got:.6f}; Keras divides it by the batch size "
                         f"x.shape[0] = {shape[0]}, giving {want:.6f}.")
        if np.isclose(got, total / x.size, rtol=1e-4):
            raise NotYet(where + f"you divide by the number of entries ({x.size}); Keras divides by the "
                         f"batch size x.shape[0] = {shape[0]} only, giving {want:.6f}.")
        if np.isclose(got, (l1 * np.abs(x).sum() + l2 * np.sqrt(np.sum(x**2))) / shape[0], rtol=1e-4):
            raise NotYet(where + "your L2 term is the norm √Σx²; Keras's L2 is l2·Σx², no square root.")
        raise NotYet(where + f"expected {want:.6f} (Keras's layer.losses), got {got:.6f}.")
    return ("your NumPy penalty equals Keras's layer.losses for batches of 3, 5 (a 3D input) and 1, "
            "with L1 only, L2 only and both.")


register(Exercise(
    key="12.3", title="The activity penalty in NumPy", minutes=10, objectives=(4,),
    task=("Write activity_penalty(x, l1, l2) in NumPy: the number ActivityRegularization(l1=l1, l2=l2) "
          "puts in layer.losses after a call on the batch x (any rank, batch first). Done when the check "
          "prints ✓: it calls the Keras layer on three batches of different sizes and ranks and compares."),
    answer="activity_penalty",
    check_answer=_check_activity_penalty,
    hint=("l1 times the sum of |x| plus l2 times the sum of x², over every entry, then divided by the "
          "number of samples, x.shape[0] (not by the number of entries)."),
    solution='''
import numpy as np

def activity_penalty(x, l1, l2):
    return (l1 * np.abs(x).sum() + l2 * np.sum(x ** 2)) / x.shape[0]
''',
    wrong=(
        ("import numpy as np\ndef activity_penalty(x, l1, l2):\n"
         "    return l1 * np.abs(x).sum() + l2 * np.sum(x ** 2)",
         "divides it by the batch size"),
        ("import numpy as np\ndef activity_penalty(x, l1, l2):\n"
         "    return l1 * np.abs(x).mean() + l2 * np.mean(x ** 2)",
         "number of entries"),
        ("import numpy as np\ndef activity_penalty(x, l1, l2):\n"
         "    return (l1 * np.abs(x).sum() + l2 * np.sqrt(np.sum(x ** 2))) / len(x)", "no square root"),
    ),
))

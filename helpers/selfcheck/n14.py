"""Self-check exercises of notebook 14 (reshaping)."""

from __future__ import annotations

import functools
import warnings

import numpy as np

from helpers.selfcheck import Exercise, NotYet, register


def _quietly(function, *args):
    """Call the student's function with NumPy's warnings silenced."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return function(*args)


def _grid(*shape):
    return np.arange(np.prod(shape), dtype="float32").reshape(shape)


# ---------------------------------------------------------------- 14.1 UpSampling3D, channels first

_UPSAMPLE_CASES = [((1, 2, 2, 3, 2), (2, 1, 3)), ((2, 3, 1, 2, 2), (1, 3, 2))]  # (input shape, size)


@functools.cache  # a second check reuses what Keras answered the first time
def _keras_upsample3d(shape, size):
    import keras

    layer = keras.layers.UpSampling3D(size, data_format="channels_first")
    return keras.ops.convert_to_numpy(layer(_grid(*shape)))


def _check_upsample3d(upsample3d_channels_first):
    for shape, size in _UPSAMPLE_CASES:
        x = _grid(*shape)
        got = _quietly(upsample3d_channels_first, x.copy(), size)
        if got is None:
            raise NotYet("upsample3d_channels_first returned None: return the upsampled array.")
        got = np.asarray(got)
        want = _keras_upsample3d(shape, size)
        case = f"x of shape {shape} (batch, channels, depth, height, width), size={size}"
        if got.shape != want.shape:
            raise NotYet(f"{case}: expected shape {want.shape}, got {got.shape}. With channels first the "
                         "spatial axes are 2, 3 and 4; axis 1 (channels) is never repeated.")
        if not np.array_equal(got, want):
            where = tuple(int(i) for i in np.argwhere(got != want)[0])
            raise NotYet(f"{case}: the shape is right, but at {where} Keras has {want[where]:g} and you "
                         f"have {got[where]:g}. Each value is repeated in place (np.repeat: 0 0 1 1), not "
                         "the whole axis tiled (np.tile: 0 1 0 1).")
    return ("your function equals UpSampling3D(size, data_format=\"channels_first\") on two inputs with a "
            "different factor on each axis.")


register(Exercise(
    key="14.1", title="UpSampling3D with channels first, in NumPy", minutes=15, objectives=(2,),
    task="Write upsample3d_channels_first(x, size) for x of shape (batch, channels, depth, height, width) "
         "and size = (s1, s2, s3): the NumPy equivalent of "
         "UpSampling3D(size, data_format=\"channels_first\"). Done when the check prints ✓: it compares "
         "with Keras on two inputs whose factors differ per axis.",
    answer="upsample3d_channels_first",
    check_answer=_check_upsample3d,
    hint="Nearest upsampling repeats every value s times along its axis: np.repeat(x, s, axis=...), once for "
         "each spatial axis. With channels first those are axes 2, 3 and 4.",
    solution='''
import numpy as np


def upsample3d_channels_first(x, size):
    for axis, factor in zip((2, 3, 4), size):
        x = np.repeat(x, factor, axis=axis)
    return x
''',
    wrong=(
        ("import numpy as np\n"
         "def upsample3d_channels_first(x, size):\n"
         "    for axis, factor in zip((1, 2, 3), size):\n"
         "        x = np.repeat(x, factor, axis=axis)\n"
         "    return x\n", "axis 1 (channels) is never repeated"),
        ("import numpy as np\n"
         "def upsample3d_channels_first(x, size):\n"
         "    return np.tile(x, (1, 1) + tuple(size))\n", "not the whole axis tiled"),
        ("import numpy as np\n"
         "def upsample3d_channels_first(x, size):\n"
         "    for axis, factor in zip((4, 3, 2), size):\n"
         "        x = np.repeat(x, factor, axis=axis)\n"
         "    return x\n", "expected shape"),
    ),
))


# ---------------------------------------------------------------- 14.2 where does each value go?

_PLACEMENT_ITEMS = {  # key: (layer, why)
    "a": ("Reshape((4, 3))", "Reshape keeps the reading order 0, 1, 2, … and only regroups it, row by row"),
    "b": ("Permute((2, 1))", "Permute((2, 1)) transposes: row i of the input becomes column i"),
    "c": ("Reshape((2, -1))", "-1 is worked out as 12 / 2 = 6, and the reading order 0, 1, 2, … is kept"),
}


def _keras_placements():
    import keras

    x = _grid(1, 3, 4)
    built = {"a": keras.layers.Reshape((4, 3)), "b": keras.layers.Permute((2, 1)),
             "c": keras.layers.Reshape((2, -1))}
    return {key: keras.ops.convert_to_numpy(layer(x))[0].astype(int).tolist() for key, layer in built.items()}


def _check_placements(predicted):
    if not isinstance(predicted, dict):
        raise NotYet(f"predicted should be a dict like {{'a': [[0, 1, 2], ...], ...}}, got "
                     f"{type(predicted).__name__}.")
    missing = sorted(set(_PLACEMENT_ITEMS) - set(predicted))
    if missing:
        raise NotYet(f"no prediction yet for {', '.join(missing)}: give a nested list for each of a, b, c.")
    want = _keras_placements()
    problems = []
    for key, (layer, why) in _PLACEMENT_ITEMS.items():
        try:
            got = np.asarray(predicted[key]).astype(int).tolist()
        except (TypeError, ValueError):
            got = predicted[key]
        if got != want[key]:
            problems.append(f"{key}: {layer} gives {want[key]}, you predicted {got}; {why}.")
    if problems:
        raise NotYet(f"{len(_PLACEMENT_ITEMS) - len(problems)} of 3 right.\n" + "\n".join(problems))
    return "all three layouts match what Keras returns for the 3×4 grid 0…11."


register(Exercise(
    key="14.2", title="Where does each value go?", minutes=10, objectives=(1, 3),
    task="x holds one example, the 3×4 grid [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]] (shape (1, 3, 4)). "
         "Predict, as nested lists without the batch axis, the output of a: Reshape((4, 3)); "
         "b: Permute((2, 1)); c: Reshape((2, -1)). Set predicted = {\"a\": ..., \"b\": ..., \"c\": ...}. "
         "Done when the check prints ✓: it runs the three layers and says which predictions differ and why.",
    answer="predicted",
    check_answer=_check_placements,
    hint="Read the input row by row: 0, 1, 2, …, 11. Reshape refills the new shape in that order; Permute "
         "swaps the axes, so the first input row becomes the first output column.",
    solution='''
predicted = {
    "a": [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]],   # same reading order, new rows of 3
    "b": [[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 11]],   # the transpose
    "c": [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]],       # -1 -> 6
}
''',
    wrong=(
        ('predicted = {"a": [[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 11]], '
         '"b": [[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 11]], '
         '"c": [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]]}',
         "Reshape keeps the reading order"),
        ('predicted = {"a": [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]], '
         '"b": [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]], '
         '"c": [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]]}',
         "Permute((2, 1)) transposes"),
        ('predicted = {"a": [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]], '
         '"b": [[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 11]], '
         '"c": [[0, 2, 4, 6, 8, 10], [1, 3, 5, 7, 9, 11]]}',
         "-1 is worked out"),
    ),
))


# ---------------------------------------------------------------- 14.3 crop a skip connection

_SKIP_CASES = [((17, 17), (16, 16)), ((33, 40), (28, 36)), ((9, 12), (9, 10)), ((20, 15), (14, 15))]


def _check_crop(crop_for_skip):
    import keras

    for encoder_hw, decoder_hw in _SKIP_CASES:
        cropping = _quietly(crop_for_skip, encoder_hw, decoder_hw)
        if cropping is None:
            raise NotYet("crop_for_skip returned None: return ((top, bottom), (left, right)).")
        try:
            (top, bottom), (left, right) = cropping
            amounts = [int(v) for v in (top, bottom, left, right)]
        except (TypeError, ValueError):
            raise NotYet(f"for {encoder_hw} → {decoder_hw} you returned {cropping!r}; return the full form "
                         "((top, bottom), (left, right)) of Cropping2D's argument.") from None
        if min(amounts) < 0:
            raise NotYet(f"for {encoder_hw} → {decoder_hw} you returned {cropping!r}: crops cannot be "
                         "negative.")
        layer = keras.layers.Cropping2D(((amounts[0], amounts[1]), (amounts[2], amounts[3])))
        got = tuple(layer.compute_output_shape((None, *encoder_hw, 8))[1:3])
        if got != tuple(decoder_hw):
            raise NotYet(f"Cropping2D({cropping!r}) turns an encoder map of {encoder_hw} into {got}, not "
                         f"the decoder's {decoder_hw}: rows lose top + bottom, columns lose left + right, "
                         "and the two of each pair must add up to the size difference on that axis.")
        if abs(amounts[0] - amounts[1]) > 1 or abs(amounts[2] - amounts[3]) > 1:
            raise NotYet(f"Cropping2D({cropping!r}) gives the right size for {encoder_hw} → {decoder_hw}, "
                         "but it cuts one side much more than the other, so the two maps no longer line up "
                         "around the centre: split each difference d as d // 2 and d − d // 2.")
    return ("your cropping makes the encoder map fit the decoder map for four pairs of sizes, odd "
            "differences and unequal axes included.")


register(Exercise(
    key="14.3", title="Crop a skip connection to fit", minutes=15, objectives=(5,),
    task="A U-Net concatenates an encoder map of height × width encoder_hw with a decoder map of decoder_hw "
         "(never larger). Write crop_for_skip(encoder_hw, decoder_hw) returning the argument "
         "((top, bottom), (left, right)) of the Cropping2D that makes the encoder map the decoder's size, "
         "split as evenly as possible. Done when the check prints ✓: it builds Cropping2D with your answer "
         "for four pairs of sizes and compares the shapes Keras computes.",
    answer="crop_for_skip",
    check_answer=_check_crop,
    hint="On each axis the difference d = encoder − decoder must be cropped in total: d // 2 at the start "
         "and d − d // 2 at the end. Rows come first, then columns.",
    solution='''
def crop_for_skip(encoder_hw, decoder_hw):
    dh = encoder_hw[0] - decoder_hw[0]
    dw = encoder_hw[1] - decoder_hw[1]
    return (dh // 2, dh - dh // 2), (dw // 2, dw - dw // 2)
''',
    wrong=(
        ("def crop_for_skip(encoder_hw, decoder_hw):\n"
         "    dh, dw = encoder_hw[0] - decoder_hw[0], encoder_hw[1] - decoder_hw[1]\n"
         "    return (dh, dh), (dw, dw)\n", "must add up to the size difference"),
        ("def crop_for_skip(encoder_hw, decoder_hw):\n"
         "    dh, dw = encoder_hw[0] - decoder_hw[0], encoder_hw[1] - decoder_hw[1]\n"
         "    return (dh // 2, dh // 2), (dw // 2, dw // 2)\n", "not the decoder's (16, 16)"),
        ("def crop_for_skip(encoder_hw, decoder_hw):\n"
         "    dh, dw = encoder_hw[0] - decoder_hw[0], encoder_hw[1] - decoder_hw[1]\n"
         "    return (dw // 2, dw - dw // 2), (dh // 2, dh - dh // 2)\n", "not the decoder's (28, 36)"),
    ),
))

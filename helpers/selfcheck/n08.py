"""Self-check exercises of notebook 08 (pooling)."""

from __future__ import annotations

import functools
import warnings

import numpy as np

from helpers.selfcheck import Exercise, NotYet, register


def _quietly(function, *args):
    """Call the student's function with NumPy's warnings silenced (an empty window's mean warns)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return function(*args)


# ---------------------------------------------------------------- 08.1 pooling with a loop

def _check_pool_2d(pool_2d):
    image = np.random.default_rng(8).integers(0, 10, size=(5, 7)).astype("float32")
    settings = [(2, 2), (2, 3), (3, 2), (3, 1)]  # non-overlapping, gaps, overlapping windows
    for pool, stride in settings:
        # every pool x pool window, then every stride-th one: what MaxPooling2D/AveragePooling2D compute
        windows = np.lib.stride_tricks.sliding_window_view(image, (pool, pool))[::stride, ::stride]
        for reduce in (np.max, np.mean):
            want = reduce(windows, axis=(2, 3))
            got = _quietly(pool_2d, image, pool, stride, reduce)
            if got is None:
                raise NotYet("pool_2d returned None: return the pooled 2-D array.")
            got = np.asarray(got, dtype="float64")
            if got.shape != want.shape:
                raise NotYet(f"for a 5×7 image with pool={pool}, stride={stride} expected shape "
                             f"{want.shape}, got {got.shape}: an axis of n cells holds "
                             "⌊(n − pool)/stride⌋ + 1 whole windows.")
            wrong = np.argwhere(~np.isclose(got, want, rtol=1e-5, atol=1e-6))
            if len(wrong):
                i, j = wrong[0]
                rows, cols = f"{i * stride}:{i * stride + pool}", f"{j * stride}:{j * stride + pool}"
                raise NotYet(f"with reduce=np.{reduce.__name__}, pool={pool}, stride={stride}: "
                             f"output ({i}, {j}) should be {want[i, j]:g}, the {reduce.__name__} of "
                             f"a[{rows}, {cols}]; you have {got[i, j]:g}.")
    return ("pool_2d computes what MaxPooling2D and AveragePooling2D compute on a 5×7 image for four "
            "pool/stride settings: windows side by side, with gaps and overlapping.")


register(Exercise(
    key="08.1", title="Pooling with a loop, any window and stride", minutes=20, objectives=(1,),
    task="Write pool_2d(a, pool, stride, reduce): pool the 2-D array a with pool×pool windows that move by "
         "stride cells (padding \"valid\": whole windows only), reducing each window with reduce (np.max or "
         "np.mean). Use a loop over windows, as pool_2x2 does in What. Done when the check prints ✓: it "
         "compares your function with a vectorised NumPy version of MaxPooling2D and AveragePooling2D "
         "on four settings.",
    answer="pool_2d",
    check_answer=_check_pool_2d,
    hint="First count the windows per axis: ⌊(n − pool)/stride⌋ + 1. Window (i, j) is "
         "a[i*stride : i*stride + pool, j*stride : j*stride + pool].",
    solution='''
import numpy as np


def pool_2d(a, pool, stride, reduce):
    rows = (a.shape[0] - pool) // stride + 1
    cols = (a.shape[1] - pool) // stride + 1
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = reduce(a[i * stride: i * stride + pool, j * stride: j * stride + pool])
    return out
''',
    wrong=(
        ("import numpy as np\n"
         "def pool_2d(a, pool, stride, reduce):\n"
         "    rows, cols = a.shape[0] // stride, a.shape[1] // stride\n"
         "    out = np.zeros((rows, cols))\n"
         "    for i in range(rows):\n"
         "        for j in range(cols):\n"
         "            out[i, j] = reduce(a[i * stride: i * stride + pool, j * stride: j * stride + pool])\n"
         "    return out\n", "expected shape"),
        ("import numpy as np\n"
         "def pool_2d(a, pool, stride, reduce):\n"
         "    rows, cols = (a.shape[0] - pool) // stride + 1, (a.shape[1] - pool) // stride + 1\n"
         "    out = np.zeros((rows, cols))\n"
         "    for i in range(rows):\n"
         "        for j in range(cols):\n"
         "            out[i, j] = reduce(a[i * pool: i * pool + pool, j * pool: j * pool + pool])\n"
         "    return out\n", "should be"),
        ("import numpy as np\n"
         "def pool_2d(a, pool, stride, reduce):\n"
         "    rows, cols = (a.shape[0] - pool) // stride + 1, (a.shape[1] - pool) // stride + 1\n"
         "    out = np.zeros((rows, cols))\n"
         "    for i in range(rows):\n"
         "        for j in range(cols):\n"
         "            window = a[i * stride: i * stride + pool - 1, j * stride: j * stride + pool - 1]\n"
         "            out[i, j] = reduce(window)\n"
         "    return out\n", "should be"),
    ),
))


# ---------------------------------------------------------------- 08.2 predict the output shapes

INPUT_SHAPE = (1, 9, 10, 3)
_SHAPE_ITEMS = {  # key: (layer, why its shape is what it is)
    "a": ("MaxPooling2D(2)",
          "the stride defaults to pool_size, and \"valid\" keeps whole windows only: ⌊(n − p)/s⌋ + 1"),
    "b": ("MaxPooling2D(3, strides=2)", "\"valid\" keeps whole windows only: ⌊(n − p)/s⌋ + 1 per axis"),
    "c": ("AveragePooling2D(2, padding=\"same\")",
          "\"same\" gives ⌈n/s⌉ cells, and the stride is still the pool size, so the map halves "
          "(rounded up)"),
    "d": ("MaxPooling2D((2, 3), strides=1, padding=\"same\")",
          "with stride 1, \"same\" keeps the size: ⌈n/1⌉ = n"),
    "e": ("GlobalAveragePooling2D(keepdims=True)", "keepdims=True keeps the pooled axes, with size 1"),
    "f": ("AdaptiveMaxPooling2D((4, 3))",
          "an adaptive layer outputs exactly output_size, whatever the input"),
}


def _keras_shapes():
    import keras

    built = {
        "a": keras.layers.MaxPooling2D(2), "b": keras.layers.MaxPooling2D(3, strides=2),
        "c": keras.layers.AveragePooling2D(2, padding="same"),
        "d": keras.layers.MaxPooling2D((2, 3), strides=1, padding="same"),
        "e": keras.layers.GlobalAveragePooling2D(keepdims=True),
        "f": keras.layers.AdaptiveMaxPooling2D((4, 3)),
    }
    return {key: tuple(int(d) for d in layer.compute_output_shape(INPUT_SHAPE))
            for key, layer in built.items()}


def _check_shapes(predicted):
    if not isinstance(predicted, dict):
        raise NotYet("predicted should be a dict like {'a': (1, 4, 5, 3), ...}, "
                     f"got {type(predicted).__name__}.")
    missing = sorted(set(_SHAPE_ITEMS) - set(predicted))
    if missing:
        raise NotYet(f"no prediction yet for {', '.join(missing)}: give a shape for each of a to f.")
    want = _keras_shapes()
    problems = []
    for key, (layer, why) in _SHAPE_ITEMS.items():
        try:
            got = tuple(int(d) for d in predicted[key])
        except TypeError:
            got = predicted[key]
        if got != want[key]:
            problems.append(f"{key}: {layer} gives {want[key]}, you predicted {got}; {why}.")
    if problems:
        raise NotYet(f"{len(_SHAPE_ITEMS) - len(problems)} of 6 right.\n" + "\n".join(problems))
    return "all six shapes match what Keras computes for an input of shape (1, 9, 10, 3)."


register(Exercise(
    key="08.2", title="Predict the output shapes", minutes=15, objectives=(2,),
    task="An input of shape (1, 9, 10, 3) goes into each of these layers: a: MaxPooling2D(2); "
         "b: MaxPooling2D(3, strides=2); c: AveragePooling2D(2, padding=\"same\"); "
         "d: MaxPooling2D((2, 3), strides=1, padding=\"same\"); e: GlobalAveragePooling2D(keepdims=True); "
         "f: AdaptiveMaxPooling2D((4, 3)). Predict each output shape on paper, then set predicted = "
         "{\"a\": (...), ..., \"f\": (...)} (batch axis included). Done when the check prints ✓; "
         "it calls the six layers and says which predictions differ and why.",
    answer="predicted",
    check_answer=_check_shapes,
    hint="Per spatial axis: \"valid\" ⌊(n − p)/s⌋ + 1, \"same\" ⌈n/s⌉, and s defaults to p. The batch and "
         "channel axes never change; global pooling removes the spatial axes unless keepdims=True.",
    solution='''
predicted = {
    "a": (1, 4, 5, 3),   # (9 - 2) // 2 + 1 = 4, (10 - 2) // 2 + 1 = 5
    "b": (1, 4, 4, 3),   # (9 - 3) // 2 + 1 = 4, (10 - 3) // 2 + 1 = 4
    "c": (1, 5, 5, 3),   # ceil(9 / 2) = 5, ceil(10 / 2) = 5
    "d": (1, 9, 10, 3),  # stride 1 and "same": the size stays
    "e": (1, 1, 1, 3),   # keepdims=True
    "f": (1, 4, 3, 3),   # exactly output_size
}
''',
    wrong=(
        ('predicted = {"a": (1, 4, 5, 3), "b": (1, 4, 4, 3), "c": (1, 9, 10, 3), "d": (1, 9, 10, 3), '
         '"e": (1, 1, 1, 3), "f": (1, 4, 3, 3)}', "⌈n/s⌉ cells"),
        ('predicted = {"a": (1, 8, 9, 3), "b": (1, 4, 4, 3), "c": (1, 5, 5, 3), "d": (1, 9, 10, 3), '
         '"e": (1, 1, 1, 3), "f": (1, 4, 3, 3)}', "the stride defaults to pool_size"),
        ('predicted = {"a": (1, 4, 5, 3), "b": (1, 4, 4, 3), "c": (1, 5, 5, 3), "d": (1, 9, 10, 3), '
         '"e": (1, 3), "f": (1, 4, 3, 3)}', "keepdims=True keeps"),
    ),
))


# ---------------------------------------------------------------- 08.3 shared adaptive cells

_SIZES = [(10, 4), (7, 3), (8, 4), (9, 4)]


@functools.cache  # a second check reuses what Keras answered the first time
def _cells_keras_shares(n, m):
    """Feed AdaptiveMaxPooling1D(m) the n one-hot inputs: cell j is shared when it lights up 2+ outputs."""
    import keras

    one_hot = np.eye(n, dtype="float32")[:, :, None]  # batch j holds a 1 at cell j only
    lit = keras.ops.convert_to_numpy(keras.layers.AdaptiveMaxPooling1D(m)(one_hot))[:, :, 0]
    return [j for j in range(n) if lit[j].sum() >= 2]


def _check_shared(shared_cells):
    for n, m in _SIZES:
        got = _quietly(shared_cells, n, m)
        if got is None:
            raise NotYet("shared_cells returned None: return a list of cell indices (an empty list if none).")
        got = sorted(int(c) for c in got)
        want = _cells_keras_shares(n, m)
        if got != want:
            extra, missing = sorted(set(got) - set(want)), sorted(set(want) - set(got))
            why = []
            if missing:
                why.append(f"cells {missing} are read by two bins: the start ⌊i·n/m⌋ is rounded down and "
                           "the end ⌈(i+1)·n/m⌉ rounded up")
            if extra:
                why.append(f"cells {extra} are read by one bin only: bin i is the slice x[start:end], "
                           "so its end is excluded")
            raise NotYet(f"for n={n}, m={m} expected shared cells {want}, got {got}: " + "; ".join(why) + ".")
    return ("your shared cells match what AdaptiveMaxPooling1D does with one-hot inputs on four sizes, "
            "including one where m divides n and nothing is shared.")


register(Exercise(
    key="08.3", title="Which input cells do two adaptive bins share?", minutes=15, objectives=(3,),
    task="Adaptive pooling of an axis of n cells to m outputs (n ≥ m) can let neighbouring bins share a "
         "cell. "
         "Write shared_cells(n, m) returning the sorted list of input cells that more than one output reads "
         "(for n=10, m=4 that is [2, 7]). Done when the check prints ✓: it tries four sizes and compares "
         "with what Keras's AdaptiveMaxPooling1D reveals when fed one-hot inputs.",
    answer="shared_cells",
    check_answer=_check_shared,
    hint="Count, for each cell, how many bins x[⌊i·n/m⌋ : ⌈(i+1)·n/m⌉] contain it; in Python the ceiling of "
         "a/b for positive integers is -(-a // b).",
    solution='''
def shared_cells(n, m):
    counts = [0] * n
    for i in range(m):
        start, end = i * n // m, -(-(i + 1) * n // m)  # floor, ceil
        for cell in range(start, end):
            counts[cell] += 1
    return [cell for cell in range(n) if counts[cell] > 1]
''',
    wrong=(
        ("def shared_cells(n, m):\n"
         "    counts = [0] * n\n"
         "    for i in range(m):\n"
         "        for cell in range(i * n // m, (i + 1) * n // m):\n"
         "            counts[cell] += 1\n"
         "    return [cell for cell in range(n) if counts[cell] > 1]\n", "are read by two bins"),
        ("def shared_cells(n, m):\n"
         "    counts = [0] * n\n"
         "    for i in range(m):\n"
         "        for cell in range(i * n // m, min(-(-(i + 1) * n // m) + 1, n)):\n"
         "            counts[cell] += 1\n"
         "    return [cell for cell in range(n) if counts[cell] > 1]\n", "its end is excluded"),
        ("import numpy as np\n"
         "def shared_cells(n, m):\n"
         "    return [int(part[-1]) for part in np.array_split(np.arange(n), m)[:-1]]\n",
         "expected shared cells"),
    ),
))

"""Self-check exercises of notebook 07 (convolution)."""

from __future__ import annotations

import warnings

import numpy as np

from helpers.selfcheck import Exercise, NotYet, register


def _quietly(function, *args):
    """Call the student's function with NumPy's warnings silenced."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return function(*args)


# ---------------------------------------------------------------- 07.1 a 1-D convolution with a loop

def _check_conv1d(conv1d):
    rng = np.random.default_rng(7)
    x = rng.integers(-3, 4, size=11).astype("float64")
    for kernel in (np.array([1.0, 2.0, -3.0]), np.array([0.5, -1.0, 0.0, 2.0])):  # asymmetric kernels
        for stride in (1, 2, 3):
            want = np.correlate(x, kernel, mode="valid")[::stride]  # what Conv1D computes (notebook 07, What)
            got = _quietly(conv1d, x, kernel, stride)
            if got is None:
                raise NotYet("conv1d returned None: return the 1-D array of outputs.")
            got = np.asarray(got, dtype="float64").ravel()
            case = f"x of 11 samples, kernel {kernel.tolist()}, stride {stride}"
            if got.shape != want.shape:
                raise NotYet(f"{case}: expected {len(want)} outputs, got {len(got)}; \"valid\" keeps "
                             "⌊(n − k)/s⌋ + 1 positions, starting at 0, s, 2s, …")
            if not np.allclose(got, want):
                flipped = np.convolve(x, kernel, mode="valid")[::stride]
                if np.allclose(got, flipped):
                    raise NotYet(f"{case}: your outputs are those of a flipped kernel (np.convolve); Keras "
                             "slides the kernel as it is: y[t] = Σ_i x[t·s + i]·w[i] (cross-correlation).")
                t = int(np.argmax(~np.isclose(got, want)))
                raise NotYet(f"{case}: output {t} should be {want[t]:g} = Σ_i x[{t * stride} + i]·w[i], "
                             f"you have {got[t]:g}.")
    return ("conv1d matches a Conv1D cross-correlation for two asymmetric kernels and strides 1, 2 and 3, "
            "and it does not flip the kernel.")


register(Exercise(
    key="07.1", title="A 1-D convolution with a loop", minutes=15, objectives=(1, 2),
    task="Write conv1d(x, kernel, stride) for a 1-D array x and a 1-D kernel: what Conv1D(1, len(kernel), "
         "strides=stride, use_bias=False) computes for one channel with padding \"valid\". Use a loop over "
         "output positions. Done when the check prints ✓: it tries two asymmetric kernels and three strides.",
    answer="conv1d",
    check_answer=_check_conv1d,
    hint="There are (len(x) − len(kernel)) // stride + 1 outputs; output t is the sum over i of "
         "x[t*stride + i] * kernel[i] (the kernel is not reversed).",
    solution='''
import numpy as np


def conv1d(x, kernel, stride):
    k = len(kernel)
    count = (len(x) - k) // stride + 1
    return np.array([np.sum(x[t * stride: t * stride + k] * kernel) for t in range(count)])
''',
    wrong=(
        ("import numpy as np\n"
         "def conv1d(x, kernel, stride):\n"
         "    return np.convolve(x, kernel, mode='valid')[::stride]\n", "flipped kernel"),
        ("import numpy as np\n"
         "def conv1d(x, kernel, stride):\n"
         "    k = len(kernel)\n"
         "    count = (len(x) - k) // stride\n"
         "    return np.array([np.sum(x[t * stride: t * stride + k] * kernel) for t in range(count)])\n",
         "expected 9 outputs"),
        ("import numpy as np\n"
         "def conv1d(x, kernel, stride):\n"
         "    k = len(kernel)\n"
         "    count = (len(x) - k) // stride + 1\n"
         "    return np.array([np.sum(x[t: t + k] * kernel) for t in range(count)])\n", "should be"),
    ),
))


# ---------------------------------------------------------------- 07.2 receptive field of a stack

_STACKS = [
    [(3, 1), (3, 2), (3, 4)],  # the WaveNet-style doubling
    [(5, 1)],
    [(3, 1), (3, 1), (3, 1)],
    [(2, 3), (4, 1)],
    [(3, 2), (3, 2)],
]


def _spike_field(stack):
    """Push a spike through stride-1 convolutions with all-ones dilated kernels: the width it spreads to."""
    signal = np.zeros(64)
    signal[32] = 1.0
    for k, d in stack:
        taps = np.zeros(d * (k - 1) + 1)
        taps[::d] = 1.0  # k taps, d apart
        signal = np.convolve(signal, taps, mode="same")
    reached = np.flatnonzero(signal)
    return int(reached[-1] - reached[0] + 1)  # first to last output reached (dilations may skip some between)


def _check_receptive_field(receptive_field):
    for stack in _STACKS:
        got = _quietly(receptive_field, list(stack))
        if got is None:
            raise NotYet("receptive_field returned None: return a whole number of samples.")
        want = _spike_field(stack)
        if got != want:
            raise NotYet(f"for the stack {stack} of (kernel_size, dilation_rate) a single input spike "
                         f"spreads over {want} outputs, so one output sees a region {want} samples wide; you "
                         f"returned {got}. One layer spans d·(k − 1) + 1 samples, and each further layer "
                         "widens that by d·(k − 1).")
    return ("your receptive fields match how far a single spike spreads through five stacks, including the "
            "doubling dilations 1, 2, 4 of WaveNet.")


register(Exercise(
    key="07.2", title="The receptive field of a dilated stack", minutes=15, objectives=(2,),
    task="A stack of Conv1D layers with stride 1 is given as a list of (kernel_size, dilation_rate) pairs, "
         "e.g. [(3, 1), (3, 2), (3, 4)]. Write receptive_field(stack) returning the width of the input "
         "region one output of the last layer depends on, from its first to its last sample. Done when the "
         "check prints ✓: it pushes a single spike through each of five stacks in NumPy and measures how "
         "far it spreads.",
    answer="receptive_field",
    check_answer=_check_receptive_field,
    hint="Start from 1 sample (the output itself) and let each layer add the distance between its first and "
         "last tap: dilation_rate · (kernel_size − 1). Dilated stacks may skip samples inside the region; "
         "count the whole width.",
    solution='''
def receptive_field(stack):
    return 1 + sum(d * (k - 1) for k, d in stack)
''',
    wrong=(
        ("def receptive_field(stack):\n    return sum(k * d for k, d in stack)\n", "you returned 21"),
        ("def receptive_field(stack):\n    return sum(d * (k - 1) + 1 for k, d in stack)\n",
         "you returned 17"),
        ("def receptive_field(stack):\n    return sum(d * (k - 1) for k, d in stack)\n", "you returned 14"),
    ),
))


# ---------------------------------------------------------------- 07.3 count the weights

_WEIGHT_ITEMS = {  # key: (layer, input shape, why)
    "a": ("Conv2D(10, 3)", (None, 8, 8, 6), "kernel 3·3·c_in·c_out plus one bias per filter"),
    "b": ("Conv2D(10, 3, groups=2)", (None, 8, 8, 6),
          "each filter sees c_in/g channels, so the kernel is 3·3·(c_in/g)·c_out; the bias keeps c_out"),
    "c": ("DepthwiseConv2D(3, depth_multiplier=2)", (None, 8, 8, 6),
          "3·3 taps per input channel and multiplier, plus a bias for each of the c_in·m outputs"),
    "d": ("SeparableConv2D(10, 3)", (None, 8, 8, 6),
          "a depthwise 3·3·c_in (no bias), a pointwise c_in·c_out, and one bias per filter"),
    "e": ("Conv2DTranspose(10, 3)", (None, 8, 8, 6),
          "the kernel is 3·3·c_out·c_in, and the bias belongs to the c_out outputs"),
    "f": ("Conv1D(10, 5)", (None, 20, 6),
          "5·c_in·c_out plus one bias per filter; the length 20 does not count"),
}


def _keras_counts():
    import keras

    zeros = {"kernel_initializer": "zeros"}
    built = {
        "a": keras.layers.Conv2D(10, 3, **zeros), "b": keras.layers.Conv2D(10, 3, groups=2, **zeros),
        "c": keras.layers.DepthwiseConv2D(3, depth_multiplier=2, depthwise_initializer="zeros"),
        "d": keras.layers.SeparableConv2D(10, 3, depthwise_initializer="zeros",
                                          pointwise_initializer="zeros"),
        "e": keras.layers.Conv2DTranspose(10, 3, **zeros), "f": keras.layers.Conv1D(10, 5, **zeros),
    }
    counts = {}
    for key, layer in built.items():
        layer.build(_WEIGHT_ITEMS[key][1])
        counts[key] = layer.count_params()
    return counts


def _check_counts(predicted):
    if not isinstance(predicted, dict):
        raise NotYet(f"predicted should be a dict like {{'a': 550, ...}}, got {type(predicted).__name__}.")
    missing = sorted(set(_WEIGHT_ITEMS) - set(predicted))
    if missing:
        raise NotYet(f"no count yet for {', '.join(missing)}: give a number for each of a to f.")
    want = _keras_counts()
    problems = [
        f"{key}: {layer} on input {shape} has {want[key]} weights, you predicted {predicted[key]}; {why}."
        for key, (layer, shape, why) in _WEIGHT_ITEMS.items() if predicted[key] != want[key]
    ]
    if problems:
        raise NotYet(f"{len(_WEIGHT_ITEMS) - len(problems)} of 6 right.\n" + "\n".join(problems))
    return "all six weight counts match count_params() of the built layers."


register(Exercise(
    key="07.3", title="Count the weights", minutes=15, objectives=(3,),
    task="Predict, on paper, how many weights (kernel and bias) each layer has when built for 6 input "
         "channels: a: Conv2D(10, 3); b: Conv2D(10, 3, groups=2); c: DepthwiseConv2D(3, depth_multiplier=2); "
         "d: SeparableConv2D(10, 3); e: Conv2DTranspose(10, 3); f: Conv1D(10, 5) on sequences of 20 steps. "
         "Then set predicted = {\"a\": ..., ..., \"f\": ...}. Done when the check prints ✓: it builds the "
         "six layers and compares with count_params().",
    answer="predicted",
    check_answer=_check_counts,
    hint="Kernel shapes: Conv (*k, c_in/g, c_out); Depthwise (*k, c_in, m); Separable depthwise "
         "(*k, c_in, 1) and pointwise (1, 1, c_in, c_out); Transpose (*k, c_out, c_in). Each layer has one "
         "bias per output channel.",
    solution='''
predicted = {
    "a": 3 * 3 * 6 * 10 + 10,     # 550
    "b": 3 * 3 * 3 * 10 + 10,     # 280: 6 / 2 channels per group, the bias keeps 10
    "c": 3 * 3 * 6 * 2 + 6 * 2,   # 120
    "d": 3 * 3 * 6 + 6 * 10 + 10,  # 124
    "e": 3 * 3 * 10 * 6 + 10,     # 550
    "f": 5 * 6 * 10 + 10,         # 310
}
''',
    wrong=(
        ('predicted = {"a": 550, "b": 275, "c": 120, "d": 124, "e": 550, "f": 310}', "the bias keeps c_out"),
        ('predicted = {"a": 550, "b": 280, "c": 108, "d": 124, "e": 550, "f": 310}', "plus a bias for each"),
        ('predicted = {"a": 550, "b": 280, "c": 120, "d": 124, "e": 546, "f": 310}',
         "the bias belongs to the c_out outputs"),
    ),
))

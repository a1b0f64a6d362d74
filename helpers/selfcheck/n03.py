"""Self-check exercises of notebook 03 (initializers)."""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from helpers.selfcheck import Exercise, NotYet, register


def _number(value, what: str) -> float:
    if value is None:
        raise NotYet(f"{what} returned None: end it with `return ...`.")
    try:
        return float(np.asarray(value, dtype="float64").reshape(()))
    except (TypeError, ValueError) as error:
        raise NotYet(f"{what} should return one number, got {value!r}.") from error


def _to_numpy(value, what: str) -> np.ndarray:
    if value is None:
        raise NotYet(f"{what} returned None: return the tensor of starting values.")
    import keras

    return np.asarray(keras.ops.convert_to_numpy(value), dtype="float64")


# ---------------------------------------------------------------- 03.1 the limit of a fan-scaled uniform


def _fans(shape) -> tuple[int, int]:
    """Keras's rule, in plain Python: the receptive field multiplies both fans."""
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def _limit(name: str, shape) -> float:
    fan_in, fan_out = _fans(shape)
    return math.sqrt({"glorot_uniform": 6 / (fan_in + fan_out), "he_uniform": 6 / fan_in,
                      "lecun_uniform": 3 / fan_in}[name])


def _check_limit(uniform_limit) -> str:
    cases = [("he_uniform", (5, 12, 64)), ("glorot_uniform", (3, 3, 16, 32)), ("lecun_uniform", (300, 200)),
             ("glorot_uniform", (400, 300)), ("he_uniform", (3, 3, 8, 4))]
    for name, shape in cases:
        got = _number(uniform_limit(name, shape), "uniform_limit")
        want = _limit(name, shape)
        if math.isclose(got, want, rel_tol=1e-6):
            continue
        fan_in, fan_out = shape[-2], shape[-1]  # the channels only
        if len(shape) > 2 and math.isclose(got, {"glorot_uniform": math.sqrt(6 / (fan_in + fan_out)),
                                                 "he_uniform": math.sqrt(6 / fan_in),
                                                 "lecun_uniform": math.sqrt(3 / fan_in)}[name], rel_tol=1e-6):
            raise NotYet(f"for {name} on a convolution kernel {shape}, both fans include the receptive field "
                         f"({' · '.join(map(str, shape[:-2]))}): expected {want:.5f}, got {got:.5f}.")
        raise NotYet(f"for {name} on shape {shape} expected the limit {want:.5f}, got {got:.5f}: a uniform "
                     "on ±L has variance L²/3, and the variance is scale/n (Glorot: 1, fan average; He: 2, "
                     "fan-in; LeCun: 1, fan-in).")
    import keras

    sample = keras.ops.convert_to_numpy(keras.initializers.HeUniform(seed=0)((5, 12, 64)))
    reach = float(np.abs(sample).max()) / _limit("he_uniform", (5, 12, 64))
    if not 0.98 < reach <= 1 + 1e-6:  # the rule itself, against Keras
        raise NotYet(f"Keras's HeUniform reaches {reach:.4f} of the predicted limit: please report this.")
    return (f"your limits match the rule on five shapes, and Keras's HeUniform on the Conv1D(64, 5) kernel "
            f"reaches {reach:.1%} of yours without passing it.")


register(Exercise(
    key="03.1", title="The limit of a fan-scaled uniform", minutes=15, objectives=(2,),
    task="Write uniform_limit(name, shape) that returns the largest |w| that 'glorot_uniform', 'he_uniform' "
         "or 'lecun_uniform' can draw for a kernel of that shape, Dense (fan_in, fan_out) or convolution "
         "(k1, ..., in, out). Done when the check prints ✓: it tries five shapes, among them a Conv1D(64, 5) "
         "kernel on 12 input channels, and compares with Keras's samples.",
    answer="uniform_limit",
    check_answer=_check_limit,
    hint="A uniform on ±L has variance L²/3, so L = √(3·scale/n). Glorot: scale 1, n = (fan_in + fan_out)/2; "
         "He: scale 2, n = fan_in; LeCun: scale 1, n = fan_in. For a convolution kernel, multiply both fans "
         "by the product of the kernel's spatial sizes (all dimensions but the last two).",
    solution='''
import math


def uniform_limit(name, shape):
    receptive_field = math.prod(shape[:-2])
    fan_in, fan_out = shape[-2] * receptive_field, shape[-1] * receptive_field
    scale, n = {"glorot_uniform": (1, (fan_in + fan_out) / 2), "he_uniform": (2, fan_in),
                "lecun_uniform": (1, fan_in)}[name]
    return math.sqrt(3 * scale / n)
''',
    wrong=(
        ("import math\n\ndef uniform_limit(name, shape):\n    fan_in, fan_out = shape[-2], shape[-1]\n"
         "    scale, n = {'glorot_uniform': (1, (fan_in + fan_out) / 2), 'he_uniform': (2, fan_in),\n"
         "                'lecun_uniform': (1, fan_in)}[name]\n    return math.sqrt(3 * scale / n)",
         "include the receptive field"),
        ("import math\n\ndef uniform_limit(name, shape):\n    fan_in = shape[-2] * math.prod(shape[:-2])\n"
         "    return math.sqrt(3 / fan_in)", "a uniform on ±L has variance L²/3"),
    ),
))


# ---------------------------------------------------------------- 03.2 a sparse He initializer


def _check_sparse(SparseHe) -> str:
    import keras

    if not (isinstance(SparseHe, type) and issubclass(SparseHe, keras.initializers.Initializer)):
        raise NotYet("SparseHe should be a class that subclasses keras.initializers.Initializer.")
    fraction, seed, shape = 0.3, 4, (400, 300)
    init = SparseHe(fraction=fraction, seed=seed)
    values = _to_numpy(init(shape), "SparseHe(...)(shape)")
    if values.shape != shape:
        raise NotYet(f"SparseHe(...)((400, 300)) should have shape {shape}, got {values.shape}.")
    n, target = values.size, 2 / shape[0]
    zeros = float(np.mean(values == 0))
    if abs(zeros - fraction) > 5 * math.sqrt(fraction * (1 - fraction) / n):
        raise NotYet(f"with fraction=0.3, expected about 30 % zeros, got {zeros:.1%}.")
    variance = float(np.mean(values**2))
    if abs(variance / target - 1) > 5 * math.sqrt(3 / n):
        ratio = variance / target
        if abs(ratio - (1 - fraction)) < 0.05:
            raise NotYet(f"the variance is {ratio:.2f} of He's 2/fan_in: zeroing 30 % of the values removed "
                         "30 % of the variance. Rescale the kept values by 1/√(1 − fraction).")
        if abs(ratio - 1 / (1 - fraction)) < 0.05:
            raise NotYet(f"the variance is {ratio:.2f} of He's 2/fan_in: the kept values must be rescaled by "
                         "1/√(1 − fraction), not 1/(1 − fraction) (the variance scales with the square).")
        raise NotYet(f"the variance is {variance:.6f}, He's is 2/fan_in = {target:.6f}: keep He-normal "
                     "values, zero a fraction of them and rescale the rest (if the zeros fall on the "
                     "smallest values, draw the "
                     "mask with a different seed from the values).")
    again = _to_numpy(SparseHe(fraction=fraction, seed=seed)(shape), "SparseHe(...)(shape)")
    if not np.array_equal(values, again):
        raise NotYet("two SparseHe objects with the same seed drew different values: pass the seed to every "
                     "random draw.")
    other = _to_numpy(SparseHe(fraction=fraction, seed=seed + 10)(shape), "SparseHe(...)(shape)")
    if np.array_equal(values, other):
        raise NotYet("different seeds gave identical values: use self.seed in the random draws.")
    config = init.get_config()
    if config != {"fraction": fraction, "seed": seed}:
        raise NotYet(f"get_config() should return {{'fraction': 0.3, 'seed': 4}}, got {config!r}.")
    rebuilt = _to_numpy(SparseHe.from_config(config)(shape), "SparseHe.from_config(...)(shape)")
    if not np.array_equal(rebuilt, values):
        raise NotYet("SparseHe.from_config(init.get_config()) draws other values than init.")
    return (f"{zeros:.1%} zeros, variance {variance / target:.3f} × He's 2/fan_in, the same values for the "
            "same seed and after from_config.")


register(Exercise(
    key="03.2", title="A sparse He initializer", minutes=25, objectives=(2, 4, 5),
    task="Write SparseHe(fraction=0.5, seed=None), a subclass of keras.initializers.Initializer: it draws a "
         "He-normal kernel, sets a random `fraction` of its values to 0 and rescales the others so that the "
         "variance is still He's 2/fan_in; get_config returns {'fraction': ..., 'seed': ...}. Done when the "
         "check prints ✓: it measures the zeros and the variance on a (400, 300) kernel, and checks seeds "
         "and get_config.",
    answer="SparseHe",
    check_answer=_check_sparse,
    hint="keras.initializers.HeNormal(seed=self.seed)(shape, dtype=dtype) gives the values; "
         "keras.random.uniform(shape, seed=...) >= self.fraction the ones to keep (use another seed, such as "
         "self.seed + 1, or the two draws are correlated on some backends); keras.ops.where keeps or zeroes "
         "them. Zeroing removes a share `fraction` of the variance: divide by √(1 − fraction).",
    solution='''
import keras


class SparseHe(keras.initializers.Initializer):
    def __init__(self, fraction=0.5, seed=None):
        self.fraction = fraction
        self.seed = seed

    def __call__(self, shape, dtype=None):
        values = keras.initializers.HeNormal(seed=self.seed)(shape, dtype=dtype)
        mask_seed = None if self.seed is None else self.seed + 1  # not the values' seed
        keep = keras.random.uniform(shape, seed=mask_seed) >= self.fraction
        return keras.ops.where(keep, values / (1 - self.fraction) ** 0.5, 0.0)

    def get_config(self):
        return {"fraction": self.fraction, "seed": self.seed}
''',
    wrong=(
        ('''import keras

class SparseHe(keras.initializers.Initializer):
    def __init__(self, fraction=0.5, seed=None):
        self.fraction, self.seed = fraction, seed

    def __call__(self, shape, dtype=None):
        values = keras.initializers.HeNormal(seed=self.seed)(shape, dtype=dtype)
        keep = keras.random.uniform(shape, seed=self.seed + 1) >= self.fraction
        return keras.ops.where(keep, values, 0.0)

    def get_config(self):
        return {"fraction": self.fraction, "seed": self.seed}
''', "Rescale the kept values by 1/√(1 − fraction)"),
        ('''import keras

class SparseHe(keras.initializers.Initializer):
    def __init__(self, fraction=0.5, seed=None):
        self.fraction, self.seed = fraction, seed

    def __call__(self, shape, dtype=None):
        values = keras.initializers.HeNormal(seed=self.seed)(shape, dtype=dtype)
        keep = keras.random.uniform(shape, seed=self.seed + 1) >= self.fraction
        return keras.ops.where(keep, values / (1 - self.fraction), 0.0)

    def get_config(self):
        return {"fraction": self.fraction, "seed": self.seed}
''', "not 1/(1 − fraction)"),
        ('''import keras

class SparseHe(keras.initializers.Initializer):
    def __init__(self, fraction=0.5, seed=None):
        self.fraction, self.seed = fraction, seed

    def __call__(self, shape, dtype=None):
        values = keras.initializers.HeNormal(seed=self.seed)(shape, dtype=dtype)
        keep = keras.random.uniform(shape, seed=self.seed + 1) >= self.fraction
        return keras.ops.where(keep, values / (1 - self.fraction) ** 0.5, 0.0)

    def get_config(self):
        return {"fraction": self.fraction}
''', "get_config() should return"),
    ),
))


# ---------------------------------------------------------------- 03.3 Glorot and leaky_relu


@cache
def _simulated_factor(negative_slope: float) -> float:
    """Root-mean-square factor of one square Glorot-uniform layer + leaky ReLU, simulated in NumPy.

    Eight independent layers of width 256 on the same 250 inputs: the mean energy factor, then its
    square root (the sampling error is about 0.1 %).
    """
    rng = np.random.default_rng(11)
    width = 256
    limit = math.sqrt(6 / (2 * width))
    h = rng.normal(size=(250, width))
    energy = []
    for _ in range(8):
        y = h @ rng.uniform(-limit, limit, size=(width, width))
        energy.append(np.mean(np.where(y > 0, y, negative_slope * y) ** 2) / np.mean(h**2))
    return math.sqrt(float(np.mean(energy)))


def _check_factor(rms_factor) -> str:
    for slope in (0.0, 0.2, 0.5, 1.0):
        got = _number(rms_factor(slope), "rms_factor")
        simulated = _simulated_factor(slope)
        if abs(got / simulated - 1) < 0.01:
            continue
        if abs(got / simulated**2 - 1) < 0.01:
            raise NotYet(f"for negative_slope={slope} you returned {got:.3f}, the factor on the energy "
                         f"E[h²]; the root mean square changes by its square root ({simulated:.3f} in a "
                         "simulation).")
        if abs(got - math.sqrt((1 + slope) / 2)) < 1e-6 and slope not in (0.0, 1.0):
            raise NotYet(f"for negative_slope={slope} expected about {simulated:.3f}, got {got:.3f}: on the "
                         "negative side leaky_relu keeps a·y, whose square is a²·y², not a·y².")
        raise NotYet(f"for negative_slope={slope}, a NumPy simulation (Glorot-uniform layers of width 256) "
                     f"changes the root mean square by {simulated:.3f} per layer; your formula gives "
                     f"{got:.3f}.")
    return ("your formula matches a simulation of Glorot layers for slopes 0 (ReLU: 1/√2), 0.2, 0.5 and 1 "
            "(no activation: 1).")


register(Exercise(
    key="03.3", title="Glorot and leaky_relu: the factor per layer", minutes=20, objectives=(1, 3),
    task="Square Glorot layers (Var(w) = 1/n) keep the energy E[y²] of their input. Write rms_factor(a) that "
         "returns the factor by which the root mean square of the signal changes per layer when each such "
         "layer is followed by leaky_relu with negative_slope=a. Done when the check prints ✓: it compares "
         "your formula with a NumPy simulation of Glorot layers for four slopes.",
    answer="rms_factor",
    check_answer=_check_factor,
    hint="y is symmetric around 0: half of its energy sits on each side. leaky_relu keeps the positive half "
         "and multiplies the negative half by a, so its energy by a². The root mean square is the square "
         "root of the energy.",
    solution='''
import math


def rms_factor(negative_slope):
    return math.sqrt((1 + negative_slope**2) / 2)
''',
    wrong=(
        ("import math\n\ndef rms_factor(negative_slope):\n    return math.sqrt((1 + negative_slope) / 2)",
         "whose square is a²·y²"),
        ("def rms_factor(negative_slope):\n    return (1 + negative_slope**2) / 2",
         "the factor on the energy"),
    ),
))

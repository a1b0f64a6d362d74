"""Self-check exercises of notebook 02 (activations)."""

from __future__ import annotations

import warnings

import numpy as np

from helpers.selfcheck import Exercise, NotYet, register

SELU_LAMBDA, SELU_ALPHA = 1.0507009873554805, 1.6732632423543772


def _as_array(value, what: str) -> np.ndarray:
    """The student's result as a float64 NumPy array (backend tensors converted), or NotYet."""
    if value is None:
        raise NotYet(f"{what} returned None: end it with `return ...`.")
    if not isinstance(value, np.ndarray | float | int | list | tuple | np.floating):
        import keras

        value = keras.ops.convert_to_numpy(value)
    return np.asarray(value, dtype="float64")


def _quietly(function, *args):
    """Call the student's function with NumPy's and Python's warnings silenced (nothing on stderr)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return function(*args)


# ---------------------------------------------------------------- 02.1 selu from elu


def _check_selu(selu_from_elu) -> str:
    x = np.concatenate([np.linspace(-6, 6, 49), [-20.0, 20.0]]).astype("float32")
    got = _as_array(_quietly(selu_from_elu, x), "selu_from_elu")
    if got.shape != x.shape:
        raise NotYet(f"selu_from_elu should return one value per input: expected shape {x.shape}, "
                     f"got {got.shape}.")
    v = x.astype("float64")
    want = SELU_LAMBDA * np.where(v > 0, v, SELU_ALPHA * np.expm1(v))
    positive, negative = v > 0, v < 0
    if not np.allclose(got[positive], want[positive], rtol=1e-4, atol=1e-5):
        i = int(np.argmax(positive))
        raise NotYet(f"for x > 0, selu(x) = λ·x with λ ≈ 1.0507: at x = {v[i]:g} expected {want[i]:.5f}, "
                     f"got {got[i]:.5f}. Multiply elu by λ.")
    if not np.allclose(got[negative], want[negative], rtol=1e-4, atol=1e-5):
        i = x.size - 2  # x = −20
        raise NotYet(f"for x < 0, selu(x) = λ·α·(eˣ − 1) with α ≈ 1.6733: at x = −20 expected {want[i]:.4f} "
                     f"(the floor −λα), got {got[i]:.4f}. Pass alpha=α to elu.")
    if not np.allclose(got, want, rtol=1e-4, atol=1e-5):
        raise NotYet("selu(0) is 0; your function differs from λ·elu(x, α) at x = 0.")
    return ("λ·elu(x, α) matches selu's formula on both sides of 0, including its floor −λα ≈ −1.758 "
            "at x = −20.")


register(Exercise(
    key="02.1", title="selu is a scaled elu", minutes=10, objectives=(3,),
    task="Write selu_from_elu(x) that returns selu(x) using only keras.activations.elu and the two "
         "constants of the Table (λ = 1.0507009873554805, α = 1.6732632423543772). Done when the check "
         "prints ✓: it compares your values with selu's formula on both sides of 0.",
    answer="selu_from_elu",
    check_answer=_check_selu,
    hint="elu(x, alpha=α) is x for x > 0 and α·(eˣ − 1) below; selu scales the whole of it by λ.",
    solution='''
import keras


def selu_from_elu(x):
    lam, alpha = 1.0507009873554805, 1.6732632423543772
    return lam * keras.activations.elu(x, alpha=alpha)
''',
    wrong=(
        ("import keras\n\ndef selu_from_elu(x):\n"
         "    return keras.activations.elu(x, alpha=1.6732632423543772)",
         "Multiply elu by λ"),
        ("import keras\n\ndef selu_from_elu(x):\n    return 1.0507009873554805 * keras.activations.elu(x)",
         "Pass alpha=α to elu"),
        ("def selu_from_elu(x):\n    pass", "returned None"),
    ),
))


# ---------------------------------------------------------------- 02.2 dead ReLUs


def _dead_units_case():
    """Six units: 0 dead (negative bias), 1 dead (pre-activation exactly 0), 2 alive for one input only."""
    rng = np.random.default_rng(7)
    x = rng.normal(size=(40, 3)).astype("float32")
    kernel = rng.normal(size=(3, 6)).astype("float32")
    bias = np.full(6, 0.5, dtype="float32")
    kernel[:, 0], bias[0] = 0.1, -5.0  # |x @ 0.1| stays far below 5: always negative
    kernel[:, 1], bias[1] = 0.0, 0.0  # exactly 0 for every input: dead too (relu' (0) is 0)
    kernel[:, 2] = [3.0, 0.0, 0.0]  # positive only for the input with the largest x[:, 0]
    bias[2] = -3.0 * float(np.sort(x[:, 0])[-2])
    return x, kernel, bias


def _numpy_dead_fraction(x, kernel, bias) -> float:
    return float(np.mean(np.all(x.astype("float64") @ kernel + bias <= 0, axis=0)))


def _check_dead(dead_fraction) -> str:
    x, kernel, bias = _dead_units_case()
    rng = np.random.default_rng(8)
    other = (rng.normal(size=(30, 5)).astype("float32"), rng.normal(size=(5, 10)).astype("float32"),
             rng.normal(-1.0, 1.5, size=10).astype("float32"))
    for case in ((x, kernel, bias), other):
        got = _as_array(_quietly(dead_fraction, *case), "dead_fraction")
        want = _numpy_dead_fraction(*case)
        if got.size != 1:
            raise NotYet(f"return one number, the fraction of dead units; got an array of shape {got.shape}.")
        got = float(got.ravel()[0])
        if np.isclose(got, want):
            continue
        pre = case[0].astype("float64") @ case[1] + case[2]
        units = pre.shape[1]
        if np.isclose(got, want * units):
            raise NotYet(f"return the fraction of dead units (between 0 and 1), not their count: {want:.3f}.")
        if np.isclose(got, np.mean(np.all(pre < 0, axis=0))):
            raise NotYet("a unit whose pre-activation is exactly 0 for every input is dead too (its output "
                         "and its gradient are 0): test <= 0, not < 0.")
        if np.isclose(got, np.mean(np.any(pre <= 0, axis=0))):
            raise NotYet("a unit is dead only if its pre-activation is <= 0 for every input (np.all over the "
                         "inputs' axis, 0), not for some of them.")
        raise NotYet(f"expected {want:.3f} ({round(want * units)} of {units} units dead), got {got:.3f}: "
                     "a unit is dead when x @ kernel + bias is <= 0 in its column for every row.")
    return ("your fraction matches NumPy, including a unit stuck at exactly 0 and one alive for a single "
            "input.")


register(Exercise(
    key="02.2", title="Count the dead ReLUs", minutes=15, objectives=(5,),
    task="Write dead_fraction(x, kernel, bias) that returns the fraction of a ReLU layer's units that are "
         "dead on the inputs x (shape (samples, inputs)): units whose pre-activation x @ kernel + bias is "
         "<= 0 for every sample. Done when the check prints ✓ on a layer built to catch the usual slips.",
    answer="dead_fraction",
    check_answer=_check_dead,
    hint="pre = x @ kernel + bias has one column per unit; np.all(pre <= 0, axis=0) marks the dead ones, "
         "and the mean of a boolean array is the fraction of True.",
    solution='''
import numpy as np


def dead_fraction(x, kernel, bias):
    pre = x @ kernel + bias  # one column per unit
    return np.mean(np.all(pre <= 0, axis=0))
''',
    wrong=(
        ("import numpy as np\n\ndef dead_fraction(x, kernel, bias):\n"
         "    return np.mean(np.all(x @ kernel + bias < 0, axis=0))", "test <= 0, not < 0"),
        ("import numpy as np\n\ndef dead_fraction(x, kernel, bias):\n"
         "    return np.mean(np.any(x @ kernel + bias <= 0, axis=0))", "for every input"),
        ("import numpy as np\n\ndef dead_fraction(x, kernel, bias):\n"
         "    return np.sum(np.all(x @ kernel + bias <= 0, axis=0))", "not their count"),
    ),
))


# ---------------------------------------------------------------- 02.3 a stable log_softmax


def _check_log_softmax(stable_log_softmax) -> str:
    import keras

    cases = {
        "[[0, -1000], [3, 1]]": np.array([[0.0, -1000.0], [3.0, 1.0]], dtype="float32"),
        "[[1000, 1001, 1002]]": np.array([[1000.0, 1001.0, 1002.0]], dtype="float32"),
        "random logits (4 rows of 5)": np.random.default_rng(3).normal(scale=3.0, size=(4, 5)).astype("f4"),
    }
    for name, z in cases.items():
        got = _as_array(_quietly(stable_log_softmax, z.copy()), "stable_log_softmax")
        want = keras.ops.convert_to_numpy(keras.activations.log_softmax(z)).astype("float64")
        if got.shape != z.shape:
            raise NotYet(f"for {name} expected shape {z.shape}, got {got.shape}: keep one value per logit.")
        if not np.all(np.isfinite(got)):
            raise NotYet(f"for {name} you returned {got.round(3).tolist()}: exp overflows (or underflows "
                         "to 0, whose log is −∞). Subtract each row's maximum first and compute "
                         "x − max − log Σ e^(x − max), never log(softmax(x)).")
        if not np.allclose(np.exp(got).sum(axis=-1), 1.0, rtol=1e-4):
            raise NotYet(f"for {name} the probabilities exp(result) of a row do not sum to 1: normalize "
                         "each row on its own (max and sum along axis=-1 with keepdims=True).")
        if not np.allclose(got, want, rtol=1e-5, atol=1e-4):
            raise NotYet(f"for {name} expected {want.round(4).tolist()}, got {got.round(4).tolist()}.")
    return ("finite and equal to Keras's log_softmax for logits far apart ([0, −1000]), huge (1000) and "
            "random.")


register(Exercise(
    key="02.3", title="A log_softmax that never returns −∞", minutes=15, objectives=(4,),
    task="Write stable_log_softmax(z) in NumPy: the log-softmax of each row of z (along the last axis), "
         "finite even for the logits [0, −1000] and [1000, 1001, 1002]. Done when the check prints ✓: it "
         "compares your values with keras.activations.log_softmax on three sets of logits.",
    answer="stable_log_softmax",
    check_answer=_check_log_softmax,
    hint="log softmax(z) = z − log Σ e^z, and subtracting a row's maximum m from every logit changes "
         "nothing: z − m − log Σ e^(z − m). Now the largest exponent is e^0 = 1, so nothing overflows and "
         "the sum is ≥ 1.",
    solution='''
import numpy as np


def stable_log_softmax(z):
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
''',
    wrong=(
        ("import numpy as np\n\ndef stable_log_softmax(z):\n"
         "    return np.log(np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True))", "never log(softmax(x))"),
        ("import numpy as np\n\ndef stable_log_softmax(z):\n"
         "    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))", "Subtract each row's maximum first"),
        ("import numpy as np\n\ndef stable_log_softmax(z):\n"
         "    return z - z.max() - np.log(np.exp(z - z.max()).sum())", "normalize each row on its own"),
    ),
))

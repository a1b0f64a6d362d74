"""Self-check exercises of notebook 04 (layer weight regularizers)."""

from __future__ import annotations

import numpy as np

from helpers.selfcheck import Exercise, NotYet, register

# ---------------------------------------------------------------- 04.1 every penalty of one layer

_FACTORS = "kernel L1(0.05), bias L2(0.1), activity L2(0.01)"


def _penalty_layer(units: int, features: int, batch: int, seed: int):
    """A Dense layer with the three regularizers, called once; returns its inputs' outputs and losses."""
    import keras

    rng = np.random.default_rng(seed)
    layer = keras.layers.Dense(
        units,
        kernel_regularizer=keras.regularizers.L1(0.05),
        bias_regularizer=keras.regularizers.L2(0.1),
        activity_regularizer=keras.regularizers.L2(0.01),
    )
    layer.build((None, features))
    layer.set_weights([rng.normal(size=(features, units)).astype("float32"),
                       rng.normal(size=units).astype("float32")])
    outputs = keras.ops.convert_to_numpy(layer(rng.normal(size=(batch, features)).astype("float32")))
    kernel, bias = (keras.ops.convert_to_numpy(v) for v in (layer.kernel, layer.bias))
    total = float(sum(float(keras.ops.convert_to_numpy(v)) for v in layer.losses))
    return kernel, bias, outputs, total


def _numpy_parts(kernel, bias, outputs):
    return 0.05 * np.abs(kernel).sum(), 0.1 * np.sum(bias**2), 0.01 * np.sum(outputs**2) / len(outputs)


def _check_layer_penalty(layer_penalty):
    for units, features, batch, seed in [(3, 5, 4, 0), (2, 6, 7, 1), (4, 3, 1, 2)]:
        kernel, bias, outputs, keras_total = _penalty_layer(units, features, batch, seed)
        got = layer_penalty(kernel.copy(), bias.copy(), outputs.copy())
        if got is None:
            raise NotYet("layer_penalty returned None: return one number, the sum of the three penalties.")
        got = float(np.asarray(got))
        if np.isclose(got, keras_total, rtol=1e-4):
            continue
        k, b, a = _numpy_parts(kernel, bias, outputs)
        where = f"(kernel {kernel.shape}, batch of {batch}) "
        if np.isclose(got, k + b + a * len(outputs), rtol=1e-4):
            raise NotYet(where + "your activity penalty is too large: Keras's activity penalty is divided "
                         "by the batch size (the number of rows of `outputs`).")
        if np.isclose(got, k + b / 2 + a, rtol=1e-4) or np.isclose(got, k + b / 2 + a / 2, rtol=1e-4):
            raise NotYet(where + "your L2 terms are half of Keras's: Keras's L2 is l2·Σw², with no ½.")
        if np.isclose(got, 0.05 * np.abs(kernel).mean() + b + a, rtol=1e-4):
            raise NotYet(where + "your L1 term averages |w|: Keras's L1 is l1·Σ|w|, a sum over all entries.")
        raise NotYet(where + f"expected sum(layer.losses) = {keras_total:.6f}, got {got:.6f}; the parts are "
                     f"kernel {k:.6f}, bias {b:.6f}, activity {a:.6f}.")
    return ("your NumPy sum equals sum(layer.losses) for three layers and batch sizes 4, 7 and 1, "
            "activity penalty per sample included.")


register(Exercise(
    key="04.1", title="Predict every penalty a layer lists", minutes=15, objectives=(1, 2),
    task=("A Dense layer has kernel_regularizer=L1(0.05), bias_regularizer=L2(0.1) and "
          "activity_regularizer=L2(0.01). Write layer_penalty(kernel, bias, outputs) in NumPy: given the "
          "layer's kernel, its bias and the outputs of its last call (shape (batch, units)), return "
          "sum(layer.losses). Done when the check prints ✓: it builds such layers in Keras, calls them on "
          "batches of different sizes and compares."),
    answer="layer_penalty",
    check_answer=_check_layer_penalty,
    hint=("Three terms: 0.05 times the sum of |kernel|, 0.1 times the sum of bias squared (no ½), and "
          "0.01 times the sum of outputs squared, that last one divided by the batch size len(outputs)."),
    solution='''
import numpy as np

def layer_penalty(kernel, bias, outputs):
    kernel_term = 0.05 * np.abs(kernel).sum()
    bias_term = 0.1 * np.sum(bias ** 2)
    activity_term = 0.01 * np.sum(outputs ** 2) / len(outputs)
    return kernel_term + bias_term + activity_term
''',
    wrong=(
        ("import numpy as np\n"
         "def layer_penalty(kernel, bias, outputs):\n"
         "    return 0.05 * np.abs(kernel).sum() + 0.1 * np.sum(bias ** 2) + 0.01 * np.sum(outputs ** 2)",
         "divided by the batch size"),
        ("import numpy as np\n"
         "def layer_penalty(kernel, bias, outputs):\n"
         "    return (0.05 * np.abs(kernel).sum() + 0.05 * np.sum(bias ** 2)\n"
         "            + 0.005 * np.sum(outputs ** 2) / len(outputs))",
         "no ½"),
        ("import numpy as np\n"
         "def layer_penalty(kernel, bias, outputs):\n"
         "    return (0.05 * np.abs(kernel).mean() + 0.1 * np.sum(bias ** 2)\n"
         "            + 0.01 * np.sum(outputs ** 2) / len(outputs))",
         "a sum over all entries"),
    ),
))


# ---------------------------------------------------------------- 04.2 a custom regularizer


def _check_unit_group_lasso(cls):
    import keras

    if not (isinstance(cls, type) and issubclass(cls, keras.regularizers.Regularizer)):
        raise NotYet("UnitGroupLasso must be a class that subclasses keras.regularizers.Regularizer.")
    rng = np.random.default_rng(4)
    regularizer = cls(0.3)
    for shape in [(3, 5), (6, 2)]:
        w = rng.normal(size=shape).astype("float32")
        got = regularizer(keras.ops.convert_to_tensor(w))
        if got is None:
            raise NotYet("your __call__ returned None: return the penalty, a scalar.")
        got = float(keras.ops.convert_to_numpy(got))
        want = 0.3 * np.linalg.norm(w, axis=0).sum()
        if np.isclose(got, want, rtol=1e-4):
            continue
        if np.isclose(got, 0.3 * np.linalg.norm(w, axis=1).sum(), rtol=1e-4):
            raise NotYet(f"on a {shape} kernel your penalty sums the lengths of the rows (inputs); "
                         "a unit is a column: take the norm along axis 0.")
        if np.isclose(got, 0.3 * np.sum(w**2), rtol=1e-4):
            raise NotYet(f"on a {shape} kernel your penalty is 0.3·Σw², which is L2: sum each column's "
                         "Euclidean length (the square root of its sum of squares) instead.")
        raise NotYet(f"on a {shape} kernel expected 0.3 × Σ over columns of ‖column‖ = {want:.5f}, "
                     f"got {got:.5f}.")
    try:
        config = regularizer.get_config()
    except NotImplementedError:
        raise NotYet("the penalty is right, but get_config is missing: the base class raises "
                     "NotImplementedError, so a model using it cannot be saved.") from None
    rebuilt = cls.from_config(config)
    w = rng.normal(size=(4, 3)).astype("float32")
    again = float(keras.ops.convert_to_numpy(rebuilt(keras.ops.convert_to_tensor(w))))
    if not np.isclose(again, 0.3 * np.linalg.norm(w, axis=0).sum(), rtol=1e-4):
        raise NotYet(f"get_config returned {config}, and the regularizer rebuilt from it computes another "
                     "penalty: the config must hold the factor, e.g. {'factor': 0.3}.")
    return ("your penalty is 0.3 × the sum of the column lengths on two non-square kernels, and the "
            "regularizer rebuilt from get_config() computes the same.")


def _unit_group_lasso(summed: str, config: str | None = "{'factor': self.factor}") -> str:
    """A UnitGroupLasso whose penalty is factor · keras.ops.sum(summed): the plausible mistakes."""
    code = ("import keras\n"
            "class UnitGroupLasso(keras.regularizers.Regularizer):\n"
            "    def __init__(self, factor=0.01):\n"
            "        self.factor = factor\n"
            "    def __call__(self, weights):\n"
            f"        return self.factor * keras.ops.sum({summed})\n")
    return code + (f"    def get_config(self):\n        return {config}\n" if config else "")


_LENGTHS = "keras.ops.sqrt(keras.ops.sum(keras.ops.square(weights), axis={}))"

register(Exercise(
    key="04.2", title="A regularizer that switches off whole units", minutes=20, objectives=(3,),
    task=("Write UnitGroupLasso(factor), a keras.regularizers.Regularizer subclass whose penalty is factor "
          "× the sum, over the columns of a Dense kernel (one column per unit), of each column's Euclidean "
          "length, written with keras.ops, and give it get_config so that a saved model can rebuild it. "
          "Done when the check prints ✓: it compares your penalty with NumPy on two non-square kernels and "
          "rebuilds your regularizer from its config."),
    answer="UnitGroupLasso",
    check_answer=_check_unit_group_lasso,
    hint=("Start from the Example's GroupLasso: the same three methods, but the inner sum of squares runs "
          "over axis=0 (down each column). get_config returns {'factor': self.factor}."),
    solution='''
import keras

class UnitGroupLasso(keras.regularizers.Regularizer):
    def __init__(self, factor=0.01):
        self.factor = float(factor)

    def __call__(self, weights):
        column_lengths = keras.ops.sqrt(keras.ops.sum(keras.ops.square(weights), axis=0))
        return self.factor * keras.ops.sum(column_lengths)

    def get_config(self):
        return {"factor": self.factor}
''',
    wrong=(
        (_unit_group_lasso(_LENGTHS.format(1)), "lengths of the rows"),
        (_unit_group_lasso(_LENGTHS.format(0), config=None), "get_config is missing"),
        (_unit_group_lasso("keras.ops.square(weights)"), "which is L2"),
        (_unit_group_lasso(_LENGTHS.format(0), config="{}"), "the config must hold the factor"),
    ),
))

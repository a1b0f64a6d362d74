"""Self-check exercises of notebook 06 (core layers)."""

from __future__ import annotations

import numpy as np

from helpers.selfcheck import Exercise, NotYet, register

# ---------------------------------------------------------------- 06.1 EinsumDense output projection


def _check_output_projection(output_projection):
    import keras

    rng = np.random.default_rng(7)
    for heads, head_dim, model_dim in [(2, 4, 8), (3, 2, 5)]:
        layer = output_projection(heads, head_dim, model_dim)
        if layer is None:
            raise NotYet("output_projection returned None: return the layer (not yet called).")
        x = rng.normal(size=(6, heads, head_dim)).astype("float32")
        y = keras.ops.convert_to_numpy(layer(x))
        where = f"for heads={heads}, head_dim={head_dim}, model_dim={model_dim}: "
        if y.shape == (6, heads, model_dim):
            raise NotYet(where + f"the output has shape {y.shape}: you kept the heads axis. The output "
                         "projection sums over both heads and head_dim, so the output letters are just "
                         "batch and model_dim.")
        if y.shape != (6, model_dim):
            raise NotYet(where + f"expected an output of shape (6, {model_dim}) for an input of shape "
                         f"{x.shape}, got {y.shape}.")
        weights = layer.get_weights()
        if len(weights) != 2:
            raise NotYet(where + f"the layer has {len(weights)} weight(s); expected a kernel and a bias with "
                         "one entry per output feature (bias_axes names the output letter of model_dim).")
        kernel, bias = weights
        if kernel.shape != (heads, head_dim, model_dim) or bias.shape != (model_dim,):
            raise NotYet(where + f"expected a kernel of shape {(heads, head_dim, model_dim)} and a bias of "
                         f"shape ({model_dim},), got {kernel.shape} and {bias.shape}.")
        want = np.einsum("bhk,hkd->bd", x, kernel) + bias
        if not np.allclose(y, want, rtol=1e-4, atol=1e-5):
            raise NotYet(where + "the output is not einsum('bhk,hkd->bd', x, kernel) + bias of your own "
                         "weights.")
    return ("your layer maps (batch, heads, head_dim) to (batch, model_dim), with a (heads, head_dim, "
            "model_dim) kernel and a per-feature bias, and matches np.einsum for two sizes.")


register(Exercise(
    key="06.1", title="The output projection of attention", minutes=15, objectives=(1,),
    task=("Write output_projection(heads, head_dim, model_dim) returning an EinsumDense layer that maps "
          "(batch, heads, head_dim) to (batch, model_dim), with a kernel of shape "
          "(heads, head_dim, model_dim) and one bias per output feature: the layer that merges attention "
          "heads back. Done when the check prints ✓: it calls your layer for two sizes and compares it "
          "with np.einsum on its own weights."),
    answer="output_projection",
    check_answer=_check_output_projection,
    hint=("The equation is 'bhk,hkd->bd': h and k are missing from the output, so they are summed over. "
          "output_shape leaves out the batch axis (model_dim), and bias_axes='d'."),
    solution='''
import keras

def output_projection(heads, head_dim, model_dim):
    return keras.layers.EinsumDense("bhk,hkd->bd", output_shape=model_dim, bias_axes="d")
''',
    wrong=(
        ("import keras\ndef output_projection(heads, head_dim, model_dim):\n"
         "    return keras.layers.EinsumDense('bhk,hkd->bhd', output_shape=(heads, model_dim),\n"
         "                                    bias_axes='d')",
         "kept the heads axis"),
        ("import keras\ndef output_projection(heads, head_dim, model_dim):\n"
         "    return keras.layers.Dense(model_dim)",
         "kept the heads axis"),
        ("import keras\ndef output_projection(heads, head_dim, model_dim):\n"
         "    return keras.layers.EinsumDense('bhk,hkd->bd', output_shape=model_dim)",
         "expected a kernel and a bias"),
    ),
))


# ---------------------------------------------------------------- 06.2 an InputSpec with min_ndim


def _outcome(cls, shape):
    """The squared output of a fresh layer on an input of `shape`, or the ValueError it raised."""
    import keras

    x = np.arange(np.prod(shape), dtype="float32").reshape(shape) / 7.0
    try:
        return keras.ops.convert_to_numpy(cls()(x)), x
    except ValueError as error:
        return error, x


def _check_square_four(cls):
    import keras

    if not (isinstance(cls, type) and issubclass(cls, keras.layers.Layer)):
        raise NotYet("SquareFour must be a class that subclasses keras.layers.Layer.")
    for shape in [(3, 4), (2, 5, 4)]:
        got, x = _outcome(cls, shape)
        if isinstance(got, ValueError):
            hint = " Use min_ndim=2 instead of ndim=2." if len(shape) == 3 else ""
            raise NotYet(f"your layer refused an input of shape {shape}, which it should accept.{hint} "
                         f"Keras said: {str(got).splitlines()[0][:120]}")
        if not np.allclose(got, x * x, rtol=1e-6):
            raise NotYet(f"on an input of shape {shape} the output is not the input squared: keep call "
                         "as it is.")
    for shape, rule in [((3, 5), "add axes={-1: 4}, so that a last axis other than 4 is refused"),
                        ((4,), "add min_ndim=2, so that a 1-D input is refused"),
                        ((2, 3, 5), "add axes={-1: 4}, so that a last axis other than 4 is refused")]:
        got, _ = _outcome(cls, shape)
        if not isinstance(got, ValueError):
            raise NotYet(f"your layer accepted an input of shape {shape}: {rule}.")
    return ("your layer accepts inputs of rank 2 and 3 whose last axis is 4, and refuses a last axis of 5 "
            "and a 1-D input with Keras's ValueError.")


register(Exercise(
    key="06.2", title="An InputSpec that accepts any rank", minutes=10, objectives=(2,),
    task=("Give SquareFour (the How section's PairwiseSquare under a new name) an InputSpec that accepts "
          "inputs of any rank from 2 up whose last axis is 4, so that a (batch, time, 4) sequence is "
          "accepted, while a last axis of 5 or a 1-D input is still refused. Done when the check prints ✓: "
          "it calls fresh layers on five input shapes."),
    answer="SquareFour",
    check_answer=_check_square_four,
    hint=("keras.InputSpec takes min_ndim as well as ndim. Set self.input_spec = "
          "keras.InputSpec(min_ndim=2, axes={-1: 4}) in __init__."),
    solution='''
import keras

class SquareFour(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.input_spec = keras.InputSpec(min_ndim=2, axes={-1: 4})

    def call(self, inputs):
        return inputs * inputs
''',
    wrong=tuple(
        ("import keras\nclass SquareFour(keras.layers.Layer):\n    def __init__(self, **kwargs):\n"
         f"        super().__init__(**kwargs)\n        {spec}\n"
         "    def call(self, inputs):\n        return inputs * inputs\n", fragment)
        for spec, fragment in [
            ("self.input_spec = keras.InputSpec(ndim=2, axes={-1: 4})", "min_ndim=2 instead of ndim=2"),
            ("pass", "add axes={-1: 4}"),
            ("self.input_spec = keras.InputSpec(axes={-1: 4})", "a 1-D input is refused"),
        ]
    ),
))


# ---------------------------------------------------------------- 06.3 a Lambda that fit trains


def _check_shift_layer(make_shift_layer):
    import keras

    layer = make_shift_layer()
    if layer is None:
        raise NotYet("make_shift_layer returned None: return the Lambda layer.")
    if not isinstance(layer, keras.layers.Lambda):
        raise NotYet(f"make_shift_layer returned a {type(layer).__name__}; the exercise asks for a "
                     "keras.layers.Lambda.")
    x = np.array([[1.0], [2.0], [-1.0]], "float32")
    y = keras.ops.convert_to_numpy(layer(x))
    if not np.allclose(y, x, atol=1e-6):
        raise NotYet(f"before training the layer should return x + 0 = x, got {y.ravel().round(3)} for "
                     f"{x.ravel()}: start the shift at 0.0.")
    if not layer.trainable_weights:
        if layer.weights:
            raise NotYet("your Lambda tracks the variable, but it is not trainable: create it with "
                         "keras.Variable(0.0) (trainable is the default).")
        raise NotYet("your Lambda has no trainable weight, so fit cannot change the shift: a variable the "
                     "function captures from outside, or a plain number in arguments=, is not tracked. "
                     "Pass a keras.Variable through arguments=.")
    shift = layer.trainable_weights[0]
    shift.assign(1.5)  # what an optimizer step does to a tracked weight
    moved = keras.ops.convert_to_numpy(layer(x))
    shift.assign(0.0)
    if not np.allclose(moved, x + 1.5, atol=1e-5):
        raise NotYet("your Lambda tracks a trainable weight, but its output does not use it: after setting "
                     f"that weight to 1.5 the layer returned {moved.ravel().round(3)} for {x.ravel()}.")
    return ("your Lambda's shift starts at 0, is a tracked trainable weight (the ones fit updates), and "
            "the output follows it when it changes.")


register(Exercise(
    key="06.3", title="A Lambda with a weight fit can train", minutes=10, objectives=(4,),
    task=("Write make_shift_layer() returning a keras.layers.Lambda that computes x + b, where b is a "
          "trainable keras.Variable that starts at 0.0 and that fit updates. Done when the check prints ✓: "
          "it looks for b among the layer's trainable weights (the ones fit updates), changes it and checks "
          "that the output follows."),
    answer="make_shift_layer",
    check_answer=_check_shift_layer,
    hint=("A Lambda tracks the variables it stores: create b = keras.Variable(0.0) inside make_shift_layer "
          "and pass it with arguments={'b': b} to Lambda(lambda x, b: x + b, ...)."),
    solution='''
import keras

def make_shift_layer():
    b = keras.Variable(0.0, name="shift")
    return keras.layers.Lambda(lambda x, b: x + b, arguments={"b": b})
''',
    wrong=(
        ("import keras\ndef make_shift_layer():\n    b = keras.Variable(0.0)\n"
         "    return keras.layers.Lambda(lambda x: x + b)", "no trainable weight"),
        ("import keras\ndef make_shift_layer():\n"
         "    return keras.layers.Lambda(lambda x, b: x + b, arguments={'b': 0.0})", "no trainable weight"),
        ("import keras\ndef make_shift_layer():\n    b = keras.Variable(0.0, trainable=False)\n"
         "    return keras.layers.Lambda(lambda x, b: x + b, arguments={'b': b})", "not trainable"),
        ("import keras\ndef make_shift_layer():\n    b = keras.Variable(1.0)\n"
         "    return keras.layers.Lambda(lambda x, b: x + b, arguments={'b': b})", "start the shift at 0.0"),
        ("import keras\ndef make_shift_layer():\n    b = keras.Variable(0.0)\n"
         "    return keras.layers.Lambda(lambda x, b: x + 0.0, arguments={'b': b})", "does not use it"),
    ),
))

"""Self-check exercises of notebook 01b (the layer contract: training flag, masks, output shapes)."""

from __future__ import annotations

import numpy as np

from helpers.nbtools import to_numpy
from helpers.selfcheck import Exercise, NotYet, register
from helpers.selfcheck.n01 import layer_class, silent

# ---------------------------------------------------------------- 01b.1 MaskedMax

# Three sequences of 5 steps, 2 features. Padded steps hold large values (they would win a plain
# maximum); the second sequence's real values are all negative (0 from "inputs * mask" would win).
_STEPS = np.array([
    [[1.0, 2.0], [3.0, -1.0], [50.0, 60.0], [70.0, 80.0], [90.0, 99.0]],
    [[-4.0, -2.0], [-1.0, -3.0], [-5.0, -6.0], [40.0, 30.0], [20.0, 10.0]],
    [[0.5, -0.5], [2.0, 1.0], [-1.0, 4.0], [1.5, 0.0], [3.0, -2.0]],
], "float32")
_MASK = np.array([[1, 1, 0, 0, 0], [1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)


def _check_masked_max(MaskedMax) -> str:
    import keras

    layer_class(MaskedMax, "MaskedMax")
    layer = MaskedMax()
    got = to_numpy(layer(_STEPS, mask=keras.ops.convert_to_tensor(_MASK)))
    want = np.where(_MASK[..., None], _STEPS, -np.inf).max(axis=1)
    if got.shape != want.shape:
        raise NotYet(f"expected one maximum per sequence and feature, shape {want.shape}; "
                     f"got shape {got.shape}")
    if not np.allclose(got, want):
        if np.allclose(got, _STEPS.max(axis=1)):
            raise NotYet(f"a padded step won: expected {want.tolist()}, got {got.tolist()}; "
                         "padding must never win, even when its values are large")
        if np.allclose(got, (_STEPS * _MASK[..., None]).max(axis=1)):
            raise NotYet(f"expected {want.tolist()}, got {got.tolist()}: multiplying by the mask turns "
                         "padded steps into 0, and 0 beats real values that are all negative "
                         "(second sequence)")
        raise NotYet(f"expected the maximum over real steps {want.tolist()}, got {got.tolist()}")
    plain = to_numpy(layer(_STEPS))
    if not np.allclose(plain, _STEPS.max(axis=1)):
        raise NotYet("with no mask (mask=None) every step is real: return the plain maximum over time")
    passed_on = layer.compute_mask(_STEPS, keras.ops.convert_to_tensor(_MASK))
    if passed_on is not None:
        raise NotYet("compute_mask must return None: the output has no time axis left to mask")
    return ("padding never wins, negative sequences come out right, no mask means all steps, "
            "and the mask stops here.")


register(Exercise(
    key="01b.1", title="A masked maximum over time", minutes=20, objectives=(2,),
    task="Write `MaskedMax`, a layer whose call(inputs, mask=None) returns the maximum over the time axis "
         "(axis 1) of the real steps only, and whose compute_mask returns None. Inputs have shape "
         "(batch, time, features), the mask (batch, time) with True for real steps. Done when the check "
         "prints ✓: it uses padded steps with large values and a sequence whose real values are all "
         "negative.",
    answer="MaskedMax",
    check_answer=silent(_check_masked_max),
    hint="Replace padded steps by -inf before taking the maximum: "
         "keras.ops.where(keep, inputs, float('-inf')) with keep = keras.ops.expand_dims(mask, -1), "
         "then keras.ops.max(..., axis=1).",
    solution='''
import keras


class MaskedMax(keras.layers.Layer):
    def call(self, inputs, mask=None):
        if mask is not None:
            keep = keras.ops.expand_dims(keras.ops.cast(mask, "bool"), -1)
            inputs = keras.ops.where(keep, inputs, float("-inf"))
        return keras.ops.max(inputs, axis=1)

    def compute_mask(self, inputs, mask=None):
        return None
''',
    wrong=(
        ('''
import keras


class MaskedMax(keras.layers.Layer):
    def call(self, inputs, mask=None):
        return keras.ops.max(inputs, axis=1)

    def compute_mask(self, inputs, mask=None):
        return None
''', "a padded step won"),
        ('''
import keras


class MaskedMax(keras.layers.Layer):
    def call(self, inputs, mask=None):
        if mask is not None:
            inputs = inputs * keras.ops.expand_dims(keras.ops.cast(mask, inputs.dtype), -1)
        return keras.ops.max(inputs, axis=1)

    def compute_mask(self, inputs, mask=None):
        return None
''', "multiplying by the mask"),
        ('''
import keras


class MaskedMax(keras.layers.Layer):
    def call(self, inputs, mask=None):
        if mask is not None:
            keep = keras.ops.expand_dims(keras.ops.cast(mask, "bool"), -1)
            inputs = keras.ops.where(keep, inputs, float("-inf"))
        return keras.ops.max(inputs, axis=1)
''', "compute_mask must return None"),
    ),
))


# ---------------------------------------------------------------- 01b.2 TrainingShift


def _check_training_shift(TrainingShift) -> str:
    import keras

    layer_class(TrainingShift, "TrainingShift")
    x = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]], "float32")
    layer = TrainingShift(shift=2.5)
    answers = {}
    for name, run in [("a direct call layer(x), which passes training=None", lambda: layer(x)),
                      ("layer(x, training=False)", lambda: layer(x, training=False)),
                      ("layer(x, training=True)", lambda: layer(x, training=True))]:
        answers[name] = to_numpy(run())
    for name, want in [("a direct call layer(x), which passes training=None", x),
                       ("layer(x, training=False)", x), ("layer(x, training=True)", x + 2.5)]:
        got = answers[name]
        if got.shape != want.shape or not np.allclose(got, want):
            mode = "training: add the shift" if want is not x else "inference: return the input unchanged"
            raise NotYet(f"{name} should be {mode}; expected {want.tolist()}, "
                         f"got {np.round(got, 3).tolist()}")
    model = keras.Sequential([keras.Input((3,)), TrainingShift(shift=-1.0)])
    predicted = to_numpy(model.predict(x, verbose=0))
    if not np.allclose(predicted, x):
        raise NotYet("inside a model, predict passes training=False: "
                     "the layer must return its input unchanged")
    trained = to_numpy(model(x, training=True))
    if not np.allclose(trained, x - 1.0):
        raise NotYet("inside a model called with training=True the layer must add its shift")
    return ("the shift is added only when training is True: direct calls, training=False and predict "
            "leave x alone.")


register(Exercise(
    key="01b.2", title="A layer that acts only while training", minutes=10, objectives=(1,),
    task="Write `TrainingShift(shift)`, a layer that returns inputs + shift when Keras says it is training "
         "and its input unchanged otherwise (training=False, and a direct call that passes no flag). Done "
         "when the check prints ✓: it calls your layer directly, with each flag, and inside a model.",
    answer="TrainingShift",
    check_answer=silent(_check_training_shift),
    hint="Declare call(self, inputs, training=None) and shift only `if training:`; None, like False, means "
         "inference. Keep shift in __init__ after super().__init__(**kwargs).",
    solution='''
import keras


class TrainingShift(keras.layers.Layer):
    def __init__(self, shift=1.0, **kwargs):
        super().__init__(**kwargs)
        self.shift = shift

    def call(self, inputs, training=None):
        return inputs + self.shift if training else inputs
''',
    wrong=(
        ('''
import keras


class TrainingShift(keras.layers.Layer):
    def __init__(self, shift=1.0, **kwargs):
        super().__init__(**kwargs)
        self.shift = shift

    def call(self, inputs, training=None):
        return inputs if training is False else inputs + self.shift
''', "which passes training=None should be inference"),
        ('''
import keras


class TrainingShift(keras.layers.Layer):
    def __init__(self, shift=1.0, **kwargs):
        super().__init__(**kwargs)
        self.shift = shift

    def call(self, inputs):
        return inputs + self.shift
''', "should be inference"),
        ('''
import keras


class TrainingShift(keras.layers.Layer):
    def __init__(self, shift=1.0, **kwargs):
        super().__init__(**kwargs)
        self.shift = shift

    def call(self, inputs, training=None):
        return inputs - self.shift if training else inputs
''', "training: add the shift"),
    ),
))


# ---------------------------------------------------------------- 01b.3 RepeatFeatures


def _check_repeat_features(RepeatFeatures) -> str:
    import keras

    layer_class(RepeatFeatures, "RepeatFeatures")
    for copies, shape, want in [(2, (None, 5), (None, 10)), (3, (None, 4, 6), (None, 4, 18))]:
        layer = RepeatFeatures(copies)
        try:
            got = layer.compute_output_shape(shape)
        except Exception as error:  # noqa: BLE001 (the student's method failed: say how)
            raise NotYet(f"compute_output_shape({shape}) raised {type(error).__name__}: {error}; keep every "
                         "axis but the last as it is (None, the batch size, cannot be multiplied)") from None
        if got is None or tuple(got) != want:
            raise NotYet(f"with copies={copies}, compute_output_shape({shape}) should be {want}, got {got}: "
                         "only the last axis grows, copies times")
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 4, 3)).astype("float32")
    got = to_numpy(RepeatFeatures(2)(x))
    want = np.concatenate([x, x], axis=-1)
    if got.shape != want.shape or not np.allclose(got, want):
        raise NotYet(f"call should put the copies side by side on the last axis, shape {want.shape} "
                     f"(like np.concatenate([x, x], axis=-1)); got shape {got.shape}")
    placeholder = RepeatFeatures(3)(keras.Input((5,)))
    if tuple(placeholder.shape) != (None, 15):
        raise NotYet(f"wired on keras.Input((5,)) the layer should give (None, 15), got {placeholder.shape}")
    return "the stated output shape matches what call returns, and a functional model is wired from it."


register(Exercise(
    key="01b.3", title="State the output shape of a layer", minutes=15, objectives=(3,),
    task="Write `RepeatFeatures(copies)`: call puts `copies` copies of its input side by side on the last "
         "axis (keras.ops.concatenate), and compute_output_shape(input_shape) returns the matching shape "
         "without running call. Done when the check prints ✓: it asks for shapes with a None batch size, "
         "runs call on data and wires the layer on a keras.Input.",
    answer="RepeatFeatures",
    check_answer=silent(_check_repeat_features),
    hint="compute_output_shape returns (*input_shape[:-1], input_shape[-1] * self.copies): every axis but "
         "the last is unchanged, including a None batch size.",
    solution='''
import keras


class RepeatFeatures(keras.layers.Layer):
    def __init__(self, copies=2, **kwargs):
        super().__init__(**kwargs)
        self.copies = copies

    def call(self, inputs):
        return keras.ops.concatenate([inputs] * self.copies, axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] * self.copies)
''',
    wrong=(
        ('''
import keras


class RepeatFeatures(keras.layers.Layer):
    def __init__(self, copies=2, **kwargs):
        super().__init__(**kwargs)
        self.copies = copies

    def call(self, inputs):
        return keras.ops.concatenate([inputs] * self.copies, axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.copies)
''', "only the last axis grows"),
        ('''
import keras


class RepeatFeatures(keras.layers.Layer):
    def __init__(self, copies=2, **kwargs):
        super().__init__(**kwargs)
        self.copies = copies

    def call(self, inputs):
        return keras.ops.concatenate([inputs] * self.copies, axis=-1)

    def compute_output_shape(self, input_shape):
        return tuple(dim * self.copies for dim in input_shape)
''', "cannot be multiplied"),
        ('''
import keras


class RepeatFeatures(keras.layers.Layer):
    def __init__(self, copies=2, **kwargs):
        super().__init__(**kwargs)
        self.copies = copies

    def call(self, inputs):
        return keras.ops.stack([inputs] * self.copies, axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] * self.copies)
''', "side by side on the last axis"),
    ),
))

"""Self-check exercises of notebook 01 (the base Layer class)."""

from __future__ import annotations

import functools
import json
import warnings

import numpy as np

from helpers.nbtools import to_numpy
from helpers.selfcheck import Exercise, NotYet, register

_X = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]], "float32")
_X3 = np.arange(24, dtype="float32").reshape(2, 3, 4) / 10 - 1.0


def silent(check):
    """Run a check with Python warnings recorded, not printed: a check never writes to stderr."""

    @functools.wraps(check)
    def quiet(answer):
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            return check(answer)

    return quiet


def layer_class(candidate, name: str):
    """The student's Layer subclass, or NotYet saying what is missing (shared with n01b, n17c)."""
    import keras

    if not (isinstance(candidate, type) and issubclass(candidate, keras.layers.Layer)):
        raise NotYet(f"`{name}` must be a class that subclasses keras.layers.Layer, got {candidate!r}")
    if candidate.call is keras.layers.Layer.call:
        raise NotYet(f"`{name}` has no `call` method yet: write the forward pass in `call(self, inputs)`.")
    return candidate


def _shapes(layer) -> list[tuple]:
    return [tuple(v.shape) for v in layer.weights]


# ---------------------------------------------------------------- 01.1 Scale


def _check_scale(Scale) -> str:
    layer_class(Scale, "Scale")
    layer = Scale()
    out = to_numpy(layer(_X))
    if len(layer.weights) != 1:
        raise NotYet(f"expected exactly one weight (s), found {len(layer.weights)} "
                     f"with shapes {_shapes(layer)}")
    if _shapes(layer) != [()]:
        raise NotYet(f"s must be one number, shape (), but it has shape {_shapes(layer)[0]}: "
                     "add_weight(shape=()) makes a scalar that scales every input")
    if len(layer.trainable_weights) != 1:
        raise NotYet("s is not trainable, so fit would never change it: "
                     "create it with trainable=True (the default)")
    if out.shape != _X.shape or not np.allclose(out, _X):
        raise NotYet(f"a fresh Scale should return s * inputs with s = 1, its input unchanged; "
                     f"for {_X.tolist()} it returned {np.round(out, 3).tolist()}")
    layer.set_weights([np.array(2.5, "float32")])
    out = to_numpy(layer(_X))
    if not np.allclose(out, 2.5 * _X):
        raise NotYet(f"with s = 2.5 expected s * inputs = {(2.5 * _X).tolist()}, "
                     f"got {np.round(out, 3).tolist()}")
    other = Scale()
    out3 = to_numpy(other(_X3))
    if out3.shape != _X3.shape or not np.allclose(out3, _X3):
        raise NotYet(f"on an input of shape {_X3.shape} Scale returned shape {out3.shape}; "
                     "s * inputs keeps the shape")
    return ("Scale has one trainable scalar weight s, starts as the identity and returns s * inputs, "
            "on 2-D and 3-D inputs.")


register(Exercise(
    key="01.1", title="A layer with one learned scale", minutes=15, objectives=(1, 2),
    task="Write `Scale`, a layer with a single trainable weight `s` of shape () that starts at 1 "
         "(initializer \"ones\") and returns `s * inputs`. Done when the check prints ✓: it calls your "
         "layer on 2-D and 3-D inputs, reads its weights and sets s with set_weights.",
    answer="Scale",
    check_answer=silent(_check_scale),
    hint="In build, self.s = self.add_weight(shape=(), initializer=\"ones\", name=\"s\"); in call, return "
         "self.s * inputs. A shape of () is a single number, whatever the input's width.",
    solution='''
import keras


class Scale(keras.layers.Layer):
    def build(self, input_shape):
        self.s = self.add_weight(shape=(), initializer="ones", name="s")

    def call(self, inputs):
        return self.s * inputs
''',
    wrong=(
        ('''
import keras


class Scale(keras.layers.Layer):
    def build(self, input_shape):
        self.s = self.add_weight(shape=(), initializer="ones", trainable=False, name="s")

    def call(self, inputs):
        return self.s * inputs
''', "not trainable"),
        ('''
import keras


class Scale(keras.layers.Layer):
    def build(self, input_shape):
        self.s = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="s")

    def call(self, inputs):
        return self.s * inputs
''', "shape ()"),
        ('''
import keras


class Scale(keras.layers.Layer):
    def build(self, input_shape):
        self.s = self.add_weight(shape=(), initializer="ones", name="s")

    def call(self, inputs):
        return inputs + self.s
''', "s * inputs"),
    ),
))


# ---------------------------------------------------------------- 01.2 OptionalBiasDense


def _check_optional_bias(OptionalBiasDense) -> str:
    layer_class(OptionalBiasDense, "OptionalBiasDense")
    rng = np.random.default_rng(1)
    x = rng.normal(size=(5, 4)).astype("float32")
    plain = OptionalBiasDense(3, use_bias=False, name="plain")
    out = to_numpy(plain(x))
    if _shapes(plain) != [(4, 3)]:
        raise NotYet(f"with use_bias=False on 4 input features expected only the kernel, shape (4, 3); "
                     f"found weights of shapes {_shapes(plain)}")
    kernel = rng.normal(size=(4, 3)).astype("float32")
    plain.set_weights([kernel])
    out = to_numpy(plain(x))
    if out.shape != (5, 3) or not np.allclose(out, x @ kernel, atol=1e-5):
        raise NotYet("with use_bias=False the layer should compute inputs @ kernel; "
                     "its output differs from NumPy's")
    biased = OptionalBiasDense(3)
    biased(x)
    if _shapes(biased) != [(4, 3), (3,)]:
        raise NotYet(f"use_bias defaults to True: expected a kernel (4, 3) and a bias (3,), "
                     f"found {_shapes(biased)}")
    bias = np.array([1.0, -2.0, 0.5], "float32")
    biased.set_weights([kernel, bias])
    if not np.allclose(to_numpy(biased(x)), x @ kernel + bias, atol=1e-5):
        raise NotYet("with use_bias=True the layer should compute inputs @ kernel + bias; its output differs")
    config = plain.get_config()
    try:
        config = json.loads(json.dumps(config))
    except TypeError as error:
        raise NotYet(f"get_config must return plain JSON values: {error}") from None
    if config.get("name") != "plain":
        raise NotYet("get_config lost the layer's name: "
                     "start from super().get_config() and add your settings")
    if config.get("units") != 3 or config.get("use_bias") is not False:
        raise NotYet(f"get_config must carry units and use_bias; it returned {config}")
    rebuilt = OptionalBiasDense.from_config(config)
    rebuilt(x)
    if _shapes(rebuilt) != [(4, 3)] or rebuilt.name != "plain":
        raise NotYet(f"from_config(get_config()) should rebuild a bias-free layer named 'plain'; got weights "
                     f"{_shapes(rebuilt)} and name {rebuilt.name!r}")
    return ("use_bias=False gives one weight and x @ W, use_bias=True two and x @ W + b, and the config "
            "rebuilds the same kind of layer under the same name.")


register(Exercise(
    key="01.2", title="A dense layer with an optional bias, rebuilt from its config", minutes=20,
    objectives=(1, 4),
    task="Write `OptionalBiasDense(units, use_bias=True)`: like `SimpleDense` without the activation "
         "(kernel \"random_normal\", bias \"zeros\"), but with use_bias=False it creates only the kernel "
         "and returns inputs @ kernel. Its get_config must carry units and use_bias, so that "
         "from_config rebuilds the same layer. Done when the check prints ✓ for both settings and the "
         "config round trip.",
    answer="OptionalBiasDense",
    check_answer=silent(_check_optional_bias),
    hint="In build, create the bias only `if self.use_bias:`; in call, add it under the same condition. "
         "get_config returns {**super().get_config(), \"units\": self.units, \"use_bias\": self.use_bias}.",
    solution='''
import keras


class OptionalBiasDense(keras.layers.Layer):
    def __init__(self, units, use_bias=True, **kwargs):
        super().__init__(**kwargs)
        self.units, self.use_bias = units, use_bias

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal",
                                      name="kernel")
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, inputs):
        outputs = keras.ops.matmul(inputs, self.kernel)
        return outputs + self.bias if self.use_bias else outputs

    def get_config(self):
        return {**super().get_config(), "units": self.units, "use_bias": self.use_bias}
''',
    wrong=(
        ('''
import keras


class OptionalBiasDense(keras.layers.Layer):
    def __init__(self, units, use_bias=True, **kwargs):
        super().__init__(**kwargs)
        self.units, self.use_bias = units, use_bias

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, inputs):
        outputs = keras.ops.matmul(inputs, self.kernel)
        return outputs + self.bias if self.use_bias else outputs

    def get_config(self):
        return {**super().get_config(), "units": self.units, "use_bias": self.use_bias}
''', "expected only the kernel"),
        ('''
import keras


class OptionalBiasDense(keras.layers.Layer):
    def __init__(self, units, use_bias=True, **kwargs):
        super().__init__(**kwargs)
        self.units, self.use_bias = units, use_bias

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, inputs):
        outputs = keras.ops.matmul(inputs, self.kernel)
        return outputs + self.bias if self.use_bias else outputs

    def get_config(self):
        return {**super().get_config(), "units": self.units}
''', "must carry units and use_bias"),
        ('''
import keras


class OptionalBiasDense(keras.layers.Layer):
    def __init__(self, units, use_bias=True, **kwargs):
        super().__init__(**kwargs)
        self.units, self.use_bias = units, use_bias

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, inputs):
        outputs = keras.ops.matmul(inputs, self.kernel)
        return outputs + self.bias if self.use_bias else outputs

    def get_config(self):
        return {"units": self.units, "use_bias": self.use_bias}
''', "lost the layer's name"),
    ),
))


# ---------------------------------------------------------------- 01.3 L1ActivityPenalty


def _check_l1_penalty(L1ActivityPenalty) -> str:
    layer_class(L1ActivityPenalty, "L1ActivityPenalty")
    layer = L1ActivityPenalty(rate=0.2)
    out = to_numpy(layer(_X))
    if out.shape != _X.shape or not np.array_equal(out, _X):
        raise NotYet(f"the layer must return its input unchanged; for {_X.tolist()} it returned "
                     f"{np.round(out, 3).tolist()}")
    want = 0.2 * np.mean(np.abs(_X))
    got = [float(to_numpy(term)) for term in layer.losses]
    if len(got) != 1:
        raise NotYet(f"after one call, layer.losses should hold one term (added with self.add_loss in call); "
                     f"it holds {len(got)}")
    if not np.isclose(got[0], want, rtol=1e-5):
        if np.isclose(got[0], np.mean(np.abs(_X)), rtol=1e-5):
            raise NotYet(f"the term is mean(|inputs|) = {got[0]:.4f}: "
                         f"multiply it by rate (0.2) to get {want:.4f}")
        if np.isclose(got[0], 0.2 * np.mean(_X**2), rtol=1e-5):
            raise NotYet(f"the term is rate · mean(inputs²) = {got[0]:.4f}, the squared (L2) penalty; "
                         f"L1 uses |inputs|: rate · mean(|inputs|) = {want:.4f}")
        raise NotYet(f"expected rate · mean(|inputs|) = {want:.4f}, got {got[0]:.4f}")
    layer(3 * _X)
    again = [float(to_numpy(term)) for term in layer.losses]
    if len(again) != 1 or not np.isclose(again[0], 3 * want, rtol=1e-5):
        raise NotYet(f"after a second call on 3 · inputs, losses should hold only that call's term "
                     f"[{3 * want:.4f}], got {np.round(again, 4).tolist()}")
    default = L1ActivityPenalty()
    default(_X)
    if not np.isclose(float(to_numpy(default.losses[0])), 0.01 * np.mean(np.abs(_X)), rtol=1e-5):
        raise NotYet("rate should default to 0.01")
    return "the layer is the identity and its loss is rate · mean(|inputs|) of the last call only."


register(Exercise(
    key="01.3", title="An L1 activity penalty with add_loss", minutes=15, objectives=(5,),
    task="Write `L1ActivityPenalty(rate=0.01)`: it returns its input unchanged and, in call, adds "
         "rate · mean(|inputs|) with self.add_loss. Done when the check prints ✓: it reads layer.losses "
         "after one call and after a second one.",
    answer="L1ActivityPenalty",
    check_answer=silent(_check_l1_penalty),
    hint="Follow ActivityPenalty from the How section and change one thing: keras.ops.abs instead of "
         "keras.ops.square. Keras clears losses at every call for you.",
    solution='''
import keras


class L1ActivityPenalty(keras.layers.Layer):
    def __init__(self, rate=0.01, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * keras.ops.mean(keras.ops.abs(inputs)))
        return inputs

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}
''',
    wrong=(
        ('''
import keras


class L1ActivityPenalty(keras.layers.Layer):
    def __init__(self, rate=0.01, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * keras.ops.mean(keras.ops.square(inputs)))
        return inputs
''', "squared (L2) penalty"),
        ('''
import keras


class L1ActivityPenalty(keras.layers.Layer):
    def __init__(self, rate=0.01, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs):
        self.add_loss(keras.ops.mean(keras.ops.abs(inputs)))
        return inputs
''', "multiply it by rate"),
        ('''
import keras


class L1ActivityPenalty(keras.layers.Layer):
    def __init__(self, rate=0.01, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs):
        penalty = self.rate * keras.ops.mean(keras.ops.abs(inputs))
        self.add_loss(penalty)
        return inputs - penalty
''', "unchanged"),
    ),
))

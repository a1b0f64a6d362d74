"""Self-check exercises of notebook 17b (JaxLayer and FlaxLayer).

The checks run your JAX functions and Flax module directly, in JAX, and compare them with NumPy, so
they are fast on any Keras backend. They need `jax` (and `flax` for 17b.3) installed; without them
they say so (✗ Not yet) instead of failing.
"""

from __future__ import annotations

import importlib.util

import numpy as np

from helpers.selfcheck import Exercise, NotYet, register


def _jax():
    if importlib.util.find_spec("jax") is None:
        raise NotYet("this check needs JAX installed (`pip install jax flax`, or `make backends`).")
    import jax

    return jax


# ---------------------------------------------------------------- 17b.1 a JaxLayer with init_fn

def _check_jax_dense_relu(jax_dense_relu):
    jax = _jax()
    import keras

    if keras.backend.backend() not in ("jax", "tensorflow"):
        raise NotYet(f"JaxLayer needs the JAX or TensorFlow backend, and this kernel runs "
                     f"{keras.backend.backend()}: restart it with KERAS_BACKEND=jax or tensorflow.")
    layer = jax_dense_relu(5)
    if layer is None:
        raise NotYet("jax_dense_relu returned None: return a keras.layers.JaxLayer.")
    if not isinstance(layer, keras.layers.JaxLayer):
        raise NotYet(f"you returned a {type(layer).__name__}, not a keras.layers.JaxLayer.")
    if layer.init_fn is None:
        raise NotYet("give the JaxLayer an init_fn(rng, inputs), so the kernel's shape follows the input "
                     "width (a fixed params= tree cannot).")
    x_rng = np.random.default_rng(17)
    for features in (3, 7):
        x = x_rng.normal(size=(4, features)).astype("float32")
        params = layer.init_fn(jax.random.PRNGKey(0), jax.numpy.asarray(x))
        leaves = [np.asarray(leaf) for leaf in jax.tree_util.tree_leaves(params)]
        shapes = sorted(leaf.shape for leaf in leaves)
        if shapes != sorted([(features, 5), (5,)]):
            raise NotYet(f"for inputs with {features} features init_fn made arrays of shapes {shapes}; "
                         f"expected a kernel ({features}, 5) and a bias (5,): read the width from "
                         "inputs.shape[-1].")
        kernel = next(leaf for leaf in leaves if leaf.ndim == 2)
        bias = next(leaf for leaf in leaves if leaf.ndim == 1)
        if np.allclose(kernel, 0):
            raise NotYet("init_fn made an all-zero kernel: draw it from the rng key, e.g. "
                         "jax.random.normal(rng, shape) · scale.")
        out = np.asarray(layer.call_fn(params, jax.numpy.asarray(x)))
        expected = np.maximum(x @ kernel + bias, 0)
        if out.shape != expected.shape or not np.allclose(out, expected, rtol=1e-5, atol=1e-5):
            raise NotYet("call_fn(params, inputs) does not compute relu(inputs @ kernel + bias) with the "
                         "arrays init_fn made (checked in NumPy).")
    return "your JaxLayer builds a kernel and a bias for any input width and computes relu(x·W + b)."


register(Exercise(
    key="17b.1", title="A ReLU dense layer written in JAX", minutes=15, objectives=(1,),
    task="Write jax_dense_relu(units) returning a keras.layers.JaxLayer whose init_fn(rng, inputs) makes "
         "{'w': a random (input width, units) kernel, 'b': zeros (units,)} and whose call_fn(params, inputs) "
         "computes relu(inputs @ w + b) with jax.numpy. Done when the check prints ✓: it runs your "
         "functions for two input widths and compares with NumPy.",
    answer="jax_dense_relu",
    check_answer=_check_jax_dense_relu,
    hint="init_fn gets an example input: inputs.shape[-1] is the width. Use jax.random.normal(rng, "
         "(width, units)) times a small scale, jnp.zeros((units,)), and jax.nn.relu in call_fn.",
    solution='''
import jax
import jax.numpy as jnp
import keras

def jax_dense_relu(units):
    def init_fn(rng, inputs):
        width = inputs.shape[-1]
        return {"w": jax.random.normal(rng, (width, units)) * jnp.sqrt(2.0 / width), "b": jnp.zeros((units,))}

    def call_fn(params, inputs):
        return jax.nn.relu(inputs @ params["w"] + params["b"])

    return keras.layers.JaxLayer(call_fn, init_fn=init_fn)
''',
    wrong=(
        ('''
import jax
import jax.numpy as jnp
import keras

def jax_dense_relu(units):
    def init_fn(rng, inputs):
        return {"w": jax.random.normal(rng, (3, units)), "b": jnp.zeros((units,))}

    def call_fn(params, inputs):
        return jax.nn.relu(inputs @ params["w"] + params["b"])

    return keras.layers.JaxLayer(call_fn, init_fn=init_fn)
''', "inputs.shape[-1]"),
        ('''
import jax
import jax.numpy as jnp
import keras

def jax_dense_relu(units):
    def init_fn(rng, inputs):
        return {"w": jax.random.normal(rng, (inputs.shape[-1], units)), "b": jnp.zeros((units,))}

    def call_fn(params, inputs):
        return jnp.tanh(inputs @ params["w"] + params["b"])

    return keras.layers.JaxLayer(call_fn, init_fn=init_fn)
''', "does not compute relu"),
        ('''
import jax
import keras

def jax_dense_relu(units):
    def init_fn(rng, inputs):
        return {"w": jax.random.normal(rng, (inputs.shape[-1], units))}

    def call_fn(params, inputs):
        return jax.nn.relu(inputs @ params["w"])

    return keras.layers.JaxLayer(call_fn, init_fn=init_fn)
''', "a bias (5,)"),
        ('''
import keras

def jax_dense_relu(units):
    return keras.layers.Dense(units, activation="relu")
''', "not a keras.layers.JaxLayer"),
    ),
))


# ---------------------------------------------------------------- 17b.2 rng and training

def _check_dropout_call(dropout_call):
    jax = _jax()
    params = {"scale": jax.numpy.asarray(3.0)}
    x = jax.numpy.ones((20_000,))
    keys = jax.random.PRNGKey(1), jax.random.PRNGKey(2)

    def run(key, training):
        out = dropout_call(params=params, rng=key, inputs=x, training=training)  # Keras passes them by name
        if out is None:
            raise NotYet("dropout_call returned None: return the output array.")
        return np.asarray(out, dtype="float64")

    for key in keys:
        if not np.allclose(run(key, False), 3.0):
            raise NotYet("with training=False the output must be inputs · scale exactly: inference is "
                         "deterministic, no unit is dropped.")
    first, again, second = run(keys[0], True), run(keys[0], True), run(keys[1], True)
    dropped = np.mean(first == 0)
    if abs(dropped - 0.5) > 0.02:
        raise NotYet(f"with training=True {dropped:.1%} of the units are 0; with rate 0.5 about half "
                     "should be.")
    kept = first[first != 0]
    if not np.allclose(kept, 6.0):
        raise NotYet(f"the kept units are {np.unique(kept.round(3))[:3]}, expected inputs · scale / "
                     "(1 − 0.5) = 6: divide the kept units by the keep probability so the mean stays 3.")
    if not np.array_equal(first, again):
        raise NotYet("the same rng key gave two different masks: draw the mask from the rng argument only "
                     "(JAX functions are pure).")
    if np.array_equal(first, second):
        raise NotYet("two different rng keys gave the same mask: draw the mask from the rng argument that "
                     "Keras passes, not from a fixed key.")
    return ("your call_fn drops half the units only when training, keeps the mean, and takes its randomness "
            "from the rng Keras passes.")


register(Exercise(
    key="17b.2", title="A call_fn that knows when it trains", minutes=20, objectives=(2,),
    task="Write dropout_call(params, rng, inputs, training) for a JaxLayer: it returns inputs · "
         "params['scale'], and when training is True it also drops each unit with probability 0.5 "
         "(drawing from rng) and multiplies the kept ones by 2. Done when the check prints ✓: it calls your "
         "function by argument name, as Keras does, with two keys and both flag values.",
    answer="dropout_call",
    check_answer=_check_dropout_call,
    hint="keep = jax.random.bernoulli(rng, 0.5, inputs.shape); in training return "
         "jnp.where(keep, output / 0.5, 0.0). A plain Python `if training:` is fine: Keras passes a bool.",
    solution='''
import jax
import jax.numpy as jnp

def dropout_call(params, rng, inputs, training):
    output = inputs * params["scale"]
    if training:
        keep = jax.random.bernoulli(rng, 0.5, output.shape)
        output = jnp.where(keep, output / 0.5, 0.0)
    return output
''',
    wrong=(
        ('''
import jax
import jax.numpy as jnp

def dropout_call(params, rng, inputs, training):
    output = inputs * params["scale"]
    if training:
        output = jnp.where(jax.random.bernoulli(rng, 0.5, output.shape), output, 0.0)
    return output
''', "divide the kept units"),
        ('''
import jax
import jax.numpy as jnp

def dropout_call(params, rng, inputs, training):
    output = inputs * params["scale"]
    return jnp.where(jax.random.bernoulli(rng, 0.5, output.shape), output / 0.5, 0.0)
''', "inference is deterministic"),
        ('''
import jax
import jax.numpy as jnp

def dropout_call(params, rng, inputs, training):
    output = inputs * params["scale"]
    if training:
        keep = jax.random.bernoulli(jax.random.PRNGKey(0), 0.5, output.shape)
        output = jnp.where(keep, output / 0.5, 0.0)
    return output
''', "not from a fixed key"),
    ),
))


# ---------------------------------------------------------------- 17b.3 a Flax module

def _check_flax_module(TwoLayer):  # noqa: N803 (the answer is a class)
    jax = _jax()
    if importlib.util.find_spec("flax") is None:
        raise NotYet("this check needs Flax installed (`pip install flax`, or `make backends`).")
    x = np.random.default_rng(4).normal(size=(5, 3)).astype("float32")
    variables = TwoLayer().init(jax.random.PRNGKey(0), jax.numpy.asarray(x))
    tree = variables.get("params", {})
    if sorted(tree) != ["hidden", "out"]:
        raise NotYet(f"the parameter tree has sublayers {sorted(tree)}; name them: "
                     "nn.Dense(8, name='hidden') and nn.Dense(1, name='out').")
    shapes = {name: tuple(np.shape(tree[name]["kernel"])) for name in tree}
    if shapes != {"hidden": (3, 8), "out": (8, 1)}:
        raise NotYet(f"the kernels have shapes {shapes}; expected hidden (3, 8) and out (8, 1) for 3 inputs.")
    hidden_k, hidden_b = (np.asarray(tree["hidden"][k]) for k in ("kernel", "bias"))
    out_k, out_b = (np.asarray(tree["out"][k]) for k in ("kernel", "bias"))
    expected = np.maximum(x @ hidden_k + hidden_b, 0) @ out_k + out_b
    got = np.asarray(TwoLayer().apply(variables, jax.numpy.asarray(x)))
    if got.shape != expected.shape or not np.allclose(got, expected, rtol=1e-5, atol=1e-5):
        raise NotYet("the module does not compute out(relu(hidden(x))) with its own parameters (checked in "
                     "NumPy): apply nn.relu between the two Dense layers, and nothing after the last.")
    return "your module's tree is {hidden, out} with the right shapes, and it computes out(relu(hidden(x)))."


register(Exercise(
    key="17b.3", title="A Flax module ready for FlaxLayer", minutes=15, objectives=(3,),
    task="Write a flax.linen module class TwoLayer whose __call__ maps inputs through nn.Dense(8, "
         "name='hidden'), a ReLU, and nn.Dense(1, name='out'), so that FlaxLayer(TwoLayer()) has the "
         "parameter tree {'params': {'hidden': …, 'out': …}}. Done when the check prints ✓: it initialises "
         "your module on 3 inputs and compares its output with NumPy.",
    answer="TwoLayer",
    check_answer=_check_flax_module,
    hint="Subclass nn.Module, decorate __call__ with @nn.compact, create the two nn.Dense layers inside "
         "it with name=..., and put nn.relu between them.",
    solution='''
import flax.linen as nn

class TwoLayer(nn.Module):
    @nn.compact
    def __call__(self, inputs):
        return nn.Dense(1, name="out")(nn.relu(nn.Dense(8, name="hidden")(inputs)))
''',
    wrong=(
        ('''
import flax.linen as nn

class TwoLayer(nn.Module):
    @nn.compact
    def __call__(self, inputs):
        return nn.Dense(1)(nn.relu(nn.Dense(8)(inputs)))
''', "name them"),
        ('''
import flax.linen as nn

class TwoLayer(nn.Module):
    @nn.compact
    def __call__(self, inputs):
        return nn.Dense(1, name="out")(nn.Dense(8, name="hidden")(inputs))
''', "apply nn.relu between"),
        ('''
import flax.linen as nn

class TwoLayer(nn.Module):
    @nn.compact
    def __call__(self, inputs):
        return nn.relu(nn.Dense(1, name="out")(nn.relu(nn.Dense(8, name="hidden")(inputs))))
''', "nothing after the last"),
    ),
))

# %% [markdown]
# # Keras 3 review of the quiz answers
#
# The quiz questions first came from notes written for Keras 2 (`tf.keras`). This notebook checks
# every fact the answer key relies on against Keras 3, with assertions that compare Keras with
# plain NumPy. Two answers changed (questions 13 and 18) and several options were reworded; each
# section below says what changed and proves it. Run it top to bottom; every cell must pass.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/quiz/keras3_review.ipynb)

# %%
# Setup: on Colab this installs the course helpers and Keras; locally it checks versions.
import importlib, importlib.util, os, subprocess, sys

if importlib.util.find_spec("google.colab") and importlib.util.find_spec("helpers") is None:
    url = os.environ.get("COURSE_HELPERS_URL", "git+https://github.com/keras-layers-course/keras3-layers-course.git@main")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"keras-layers-course[colab] @ {url}"], check=True)
    importlib.invalidate_caches()

from helpers.setup import start

ENV = start(seed=42)

# %%
import os
import tempfile

import numpy as np
import keras
from keras import ops

from helpers.quiz import format_choice, load_quiz

QUIZ = load_quiz()
rng = np.random.default_rng(0)


def key(question_id):
    """The correct letters of one question, e.g. "AC"."""
    return format_choice(QUIZ.question(question_id).correct)


def as_numpy(tensor):
    return ops.convert_to_numpy(tensor)

# %% [markdown]
# ## Which answers changed
#
# The data file records, for every question, the key of its Keras 2 version (`keras2_answer`) next
# to the Keras 3 key. Exactly two differ.

# %%
changed = {q.id: (q.keras2_answer, key(q.id)) for q in QUIZ.questions if set(q.keras2_answer) != q.correct}
assert changed == {13: ("A", "AD"), 18: ("A", "B")}, changed
changed

# %% [markdown]
# ## A custom layer to experiment with
#
# `SimpleDense` creates a kernel and a bias in `build` (sized from the input) and applies the
# linear map and an optional activation in `call`. It counts how often `build` runs.

# %%
class SimpleDense(keras.layers.Layer):
    def __init__(self, units=32, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)  # a name or a callable -> a function
        self.build_calls = 0

    def build(self, input_shape):
        self.build_calls += 1
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal",
                                      name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, inputs):
        return self.activation(ops.matmul(inputs, self.kernel) + self.bias)


x = rng.normal(size=(5, 3)).astype("float32")

# %% [markdown]
# ## Questions 1-4 and 14: state, `build` and `call`
#
# A layer holds weights (Q1 A) and computes outputs from inputs (Q1 B, Q3 B, Q14 A). Before its
# first call it has no weights; Keras then calls `build` once with the input shape (Q2 B, Q4 A,
# Q4 C) and never again (Q4 D is false), and `call` is what runs on every batch (Q14 D is false).
# Only when every shape is known in advance may `__init__` create a weight (the aside in Q2 A).

# %%
layer = SimpleDense(4, activation="relu")
assert not layer.built and layer.weights == [] and layer.build_calls == 0

y = as_numpy(layer(x))
W, b = as_numpy(layer.kernel), as_numpy(layer.bias)
assert layer.built and layer.build_calls == 1
assert W.shape == (3, 4) and b.shape == (4,)               # sized from input_shape[-1] = 3
assert [v.name for v in layer.weights] == ["kernel", "bias"]
assert np.allclose(y, np.maximum(x @ W + b, 0.0), atol=1e-6)  # relu(xW + b), computed by NumPy

layer(rng.normal(size=(7, 3)).astype("float32"))
assert layer.build_calls == 1, "build must not run again on later batches"


class KnownShape(keras.layers.Layer):
    """The exception Q2 A mentions: when every shape is known up front, __init__ may create weights."""

    def __init__(self, size, **kwargs):
        super().__init__(**kwargs)
        self.offset = self.add_weight(shape=(size,), initializer="ones", name="offset")

    def call(self, inputs):
        return inputs + self.offset


known = KnownShape(3)
assert len(known.weights) == 1                                 # exists before any call
assert np.allclose(as_numpy(known(x)), x + 1.0)
assert (key(1), key(2), key(3), key(4), key(14)) == ("AB", "B", "B", "AC", "D")

# %% [markdown]
# ## Questions 5 and 16: `add_weight`, `keras.Variable` and `trainable`
#
# The Keras 2 version of this quiz asked about `tf.Variable`; Keras 3 layers call `self.add_weight`, which returns a
# `keras.Variable`. A trainable weight is learned by `fit`; a `trainable=False` weight is listed
# separately and gradient updates leave it alone. One SGD step is checked against NumPy's.
# Without an initializer a float weight starts from `glorot_uniform`, not zeros (Q16 C is false).

# %%
class ScaleShift(keras.layers.Layer):
    def build(self, input_shape):
        self.scale = self.add_weight(shape=(), initializer="ones", trainable=True, name="scale")
        self.shift = self.add_weight(shape=(), initializer="zeros", trainable=False, name="shift")

    def call(self, inputs):
        return inputs * self.scale + self.shift


xs = rng.normal(size=(16, 1)).astype("float32")
ys = 3.0 * xs
scale_shift = ScaleShift()
model = keras.Sequential([keras.Input((1,)), scale_shift])
assert isinstance(scale_shift.scale, keras.Variable)
assert scale_shift.trainable_weights == [scale_shift.scale]
assert scale_shift.non_trainable_weights == [scale_shift.shift]

lr = 0.1
model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="mse")
model.fit(xs, ys, batch_size=16, epochs=1, verbose=0)         # exactly one full-batch step

s0 = 1.0
grad = np.mean(2 * (s0 * xs - ys) * xs)                       # d/ds of mean((s x - y)^2)
assert np.isclose(float(as_numpy(scale_shift.scale)), s0 - lr * grad, atol=1e-5)
assert float(as_numpy(scale_shift.shift)) == 0.0              # not trainable: untouched

probe = SimpleDense(1)
default_weight = as_numpy(probe.add_weight(shape=(3, 4)))     # no initializer given
limit = np.sqrt(6 / (3 + 4))                                  # glorot_uniform bound
assert np.all(np.abs(default_weight) <= limit) and np.any(default_weight != 0)
assert (key(5), key(16)) == ("B", "A")

# %% [markdown]
# ## Question 6: an activation inside a custom layer
#
# `keras.activations.get` in `__init__` turns a name or a callable into a function; `call`
# applies it after the linear map (Q6 A and C). Here with a callable of our own.

# %%
def soft_sign(t):
    return t / (1 + ops.abs(t))


custom = SimpleDense(2, activation=soft_sign)
out = as_numpy(custom(x))
z = x @ as_numpy(custom.kernel) + as_numpy(custom.bias)
assert np.allclose(out, z / (1 + np.abs(z)), atol=1e-6)
assert key(6) == "AC"

# %% [markdown]
# ## Questions 7, 8 and 18: `Lambda` layers and weights
#
# A `Lambda` wraps a function and creates no weights of its own: it inherits `Layer.build`, which
# adds none (Q7 A, Q8 A). But Keras 3 tracks any `keras.Variable` stored in a layer attribute, and
# `Lambda` stores its `arguments` dictionary as an attribute: a variable passed that way becomes a
# trainable weight of the `Lambda`, and `fit` updates it. That makes the Keras 2 version's Q18 A ("limited to
# stateless operations without trainable weights") false and its Q18 B ("can have trainable weights
# if specified") true: **key changed from A to B**. A variable merely captured by the function's
# closure is not tracked. It is still a poor way to give a model weights (Q8 B): such a model does
# not survive a `.keras` round trip (proved below).
#
# The proof trains `y = w * x` towards `y = 3x` with `x = 1`: each full-batch SGD step maps `w` to
# `w - lr * 2 (w - 3)`, which NumPy iterates independently.

# %%
absolute = keras.layers.Lambda(ops.abs)
assert np.allclose(as_numpy(absolute(x)), np.abs(x)) and absolute.weights == []

w = keras.Variable(2.0, name="w")
scaled = keras.layers.Lambda(lambda t, w: t * w, arguments={"w": w})
lambda_model = keras.Sequential([keras.Input((1,)), scaled])
assert scaled.trainable_weights == [w]

lr, steps = 0.1, 5
lambda_model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="mse")
ones = np.ones((8, 1), "float32")
lambda_model.fit(ones, 3 * ones, batch_size=8, epochs=steps, verbose=0)

expected = 2.0
for _ in range(steps):
    expected -= lr * 2 * (expected - 3.0)
assert np.isclose(float(as_numpy(w)), expected, atol=1e-5), (float(as_numpy(w)), expected)

captured = keras.Variable(2.0, name="captured")
closure = keras.layers.Lambda(lambda t: t * captured)
closure(ones)
assert closure.weights == []                                  # not tracked, so never trained


# %% [markdown]
# Why a subclass is still the way to own weights: the `.keras` file cannot carry the variable that
# was handed to the `Lambda`. TensorFlow saves the model but refuses to load it (the rebuilt `Lambda`
# expects no variables); JAX and PyTorch refuse to save it at all.

# %%
def lambda_round_trip(model):
    """'saved and loaded', or which step failed and why."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "lambda_with_variable.keras")
        try:
            model.save(path)
        except TypeError as error:
            return "save failed", str(error)
        try:
            keras.models.load_model(path, safe_mode=False)
        except ValueError as error:
            return "load failed", str(error)
    return "saved and loaded", ""


step, message = lambda_round_trip(lambda_model)
if keras.backend.backend() == "tensorflow":
    assert step == "load failed" and "expected 0 variables" in message, (step, message)
else:
    assert step == "save failed" and "Cannot serialize" in message, (step, message)
print(step, "|", next((line for line in message.splitlines() if "expected" in line or "Cannot" in line), "")[:100])
assert (key(7), key(8), key(18)) == ("A", "A", "B")

# %% [markdown]
# ## Question 9: `keras.ops.maximum(0.5, x)`
#
# The Keras 2 version of this quiz wrote `tf.keras.backend.maximum`. Keras 3's own `keras.backend` has no `maximum` on any
# backend; with TensorFlow 2.21 installed, `tf.keras` is `keras._tf_keras.keras`, which still carries
# `backend.maximum` as a TensorFlow-only legacy shim (it returns TensorFlow tensors, whatever Keras's
# backend). `keras.ops.maximum` is the replacement that runs on every backend. The function lifts
# every input below 0.5 to 0.5 (A and D) and is not ReLU (B and C are false).

# %%
def my_relu(t):
    return ops.maximum(0.5, t)


import tensorflow as tf

assert not hasattr(keras.backend, "maximum")                  # not in Keras 3's own namespace ...
assert tf.keras.__name__ == "keras._tf_keras.keras"            # ... but TensorFlow's tf.keras shim
shim = tf.keras.backend.maximum(0.5, np.array([0.0, 1.0], "float32"))
assert isinstance(shim, tf.Tensor) and np.allclose(shim.numpy(), [0.5, 1.0])  # a TensorFlow tensor
grid = np.linspace(-3, 3, 61).astype("float32")
lifted = as_numpy(keras.layers.Lambda(my_relu)(grid))
assert np.allclose(lifted, np.maximum(0.5, grid))
assert np.all(lifted[grid < 0.5] == 0.5) and np.all(lifted[grid >= 0.5] == grid[grid >= 0.5])
assert not np.allclose(lifted, np.maximum(0.0, grid))        # not the standard ReLU
assert np.all(lifted[grid < 0] != 0)                          # negatives give 0.5, not 0
assert key(9) == "AD"

# %% [markdown]
# ## Question 10: what `fit` does (and does not do) to the weights
#
# Option A was reworded: `fit` never re-initializes weights. With a learning rate of 0 the weights
# after `fit` equal the ones before; with a positive rate the loss, computed by NumPy from the
# weights, goes down (B). A model without an `Input` is built during its first `fit`, which is
# when its weights are created, once.

# %%
xs = rng.normal(size=(32, 3)).astype("float32")
ys = xs @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.3


def numpy_mse(model):
    kernel, bias = (as_numpy(v) for v in model.layers[0].weights)
    return float(np.mean((xs @ kernel + bias - ys) ** 2))


frozen = keras.Sequential([keras.Input((3,)), SimpleDense(1)])
before = [as_numpy(v).copy() for v in frozen.weights]
frozen.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
frozen.fit(xs, ys, epochs=2, verbose=0)
assert all(np.array_equal(a, as_numpy(v)) for a, v in zip(before, frozen.weights, strict=True))

lazy = keras.Sequential([SimpleDense(1)])
assert not lazy.built and lazy.weights == []
lazy.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
lazy.fit(xs[:1], ys[:1], epochs=1, verbose=0)                  # first batch builds the model
assert lazy.built and lazy.layers[0].build_calls == 1
loss_before = numpy_mse(lazy)
lazy.fit(xs, ys, epochs=20, verbose=0)
assert numpy_mse(lazy) < loss_before
assert lazy.layers[0].build_calls == 1                       # fit did not rebuild or re-initialize
assert key(10) == "B"

# %% [markdown]
# ## Question 11: why an untrained model predicts poorly
#
# `predict` works without `compile` (C is false). The untrained model's error on `y = 2x - 1`
# is large; after training the same linear layer fits it almost exactly, with no activation
# (B is false), so the initial weights were the problem (A).

# %%
line_x = np.linspace(-1, 1, 16, dtype="float32").reshape(-1, 1)
line_y = 2 * line_x - 1
fresh = keras.Sequential([keras.Input((1,)), SimpleDense(1)])
untrained = float(np.mean((fresh.predict(line_x, verbose=0) - line_y) ** 2))
fresh.compile(optimizer=keras.optimizers.SGD(learning_rate=0.3), loss="mse")
fresh.fit(line_x, line_y, batch_size=16, epochs=150, verbose=0)
trained = float(np.mean((fresh.predict(line_x, verbose=0) - line_y) ** 2))
assert untrained > 0.5 and trained < 1e-3, (untrained, trained)
assert key(11) == "A"

# %% [markdown]
# ## Question 12: which layers are non-linear
#
# A map `f` is affine when `f((u + v) / 2) = (f(u) + f(v)) / 2` for all inputs. ReLU and `abs`
# break that (A, B). `Dropout` is the identity at inference and, in training, scales each input
# by 0 or `1 / (1 - rate)` (C). `BatchNormalization` at inference equals NumPy's
# `gamma * (x - mean) / sqrt(var + eps) + beta`, an affine map (D). Option D now says "at
# inference" so it has one reading.

# %%
u, v = rng.normal(size=(2, 4, 3)).astype("float32")


def affine_on(f):
    return np.allclose(f((u + v) / 2), (f(u) + f(v)) / 2, atol=1e-5)


relu_dense = keras.layers.Dense(3, activation="relu")
assert not affine_on(lambda t: as_numpy(relu_dense(t)))
assert not affine_on(lambda t: as_numpy(keras.layers.Lambda(ops.abs)(t)))

dropout = keras.layers.Dropout(0.5, seed=1)
assert np.array_equal(as_numpy(dropout(u, training=False)), u)
dropped = as_numpy(dropout(u, training=True))
assert np.all(np.isclose(dropped, 0) | np.isclose(dropped, u / (1 - 0.5)))

norm = keras.layers.BatchNormalization(epsilon=1e-3)
norm.build((None, 3))
gamma, beta, mean, var = rng.normal(size=3), rng.normal(size=3), rng.normal(size=3), rng.uniform(0.5, 2, 3)
norm.set_weights([gamma, beta, mean, var])
inference = lambda t: as_numpy(norm(t, training=False))  # noqa: E731
assert np.allclose(inference(u), gamma * (u - mean) / np.sqrt(var + 1e-3) + beta, atol=1e-5)
assert affine_on(inference)
assert key(12) == "AB"

# %% [markdown]
# ## Question 13: forgetting `super().__init__()`
#
# The object is created without complaint, but the first use fails, and how depends on the use
# (the same on TensorFlow, JAX and PyTorch): calling the layer, directly or on a functional model's
# `keras.Input`, raises a `RuntimeError` naming the forgotten `super().__init__()`;
# `keras.Sequential([keras.Input(...), layer])` raises an `AttributeError` at once; a `Sequential`
# without an `Input` or a subclassed `Model` holding the layer is created fine and raises an
# `AttributeError` at its first call. In every case the layer's own `build` never runs. The Keras 2
# version of the quiz said `build` would still be called, so D is now true as well: **key changed
# from A to A and D**.

# %%
build_runs = []


class Forgetful(keras.layers.Layer):
    def __init__(self, units=2):
        self.units = units                                     # no super().__init__()

    def build(self, input_shape):
        build_runs.append(input_shape)
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units))

    def call(self, inputs):
        return ops.matmul(inputs, self.kernel)


forgetful = Forgetful()                                        # construction succeeds
try:
    forgetful(x)
    raise AssertionError("calling the layer should fail")
except RuntimeError as error:
    assert "super().__init__()" in str(error)


class Holder(keras.Model):
    def __init__(self):
        super().__init__()
        self.inner = Forgetful()

    def call(self, inputs):
        return self.inner(inputs)


def first_error(action):
    """The type of the error `action()` raises (AssertionError if it raises none)."""
    try:
        action()
    except Exception as error:  # noqa: BLE001 - the type is what we record
        return type(error)
    raise AssertionError("expected an error")


inputs = keras.Input((3,))
observed = {
    "functional": first_error(lambda: keras.Model(inputs, Forgetful()(inputs))),
    "Sequential with Input": first_error(lambda: keras.Sequential([keras.Input((3,)), Forgetful()])),
    "Sequential without Input, first call": first_error(lambda: keras.Sequential([Forgetful()])(x)),
    "subclassed Model, first call": first_error(lambda: Holder()(x)),
}
assert observed == {
    "functional": RuntimeError, "Sequential with Input": AttributeError,
    "Sequential without Input, first call": AttributeError, "subclassed Model, first call": AttributeError,
}, observed
keras.Sequential([Forgetful()]), Holder()                      # creating those two still works
assert build_runs == [], "build must never have run"
assert key(13) == "AD"

# %% [markdown]
# ## Question 15: custom layers in a `Sequential` model
#
# Option A was reworded. The Keras 2 version said the layer must have an input shape or follow a layer that
# has one; in Keras 3 a `Sequential` model without an `Input` waits and builds at its first call.
# With an `Input` the weights exist at once. Custom and built-in layers mix freely (B is false).

# %%
waiting = keras.Sequential([SimpleDense(2), keras.layers.Dense(1)])
assert not waiting.built and waiting.weights == []
waiting(np.zeros((1, 5), "float32"))
assert waiting.layers[0].kernel.shape == (5, 2)

eager = keras.Sequential([keras.Input((5,)), SimpleDense(2), keras.layers.Dense(1)])
assert eager.layers[0].kernel.shape == (5, 2)
assert key(15) == "A"

# %% [markdown]
# ## Question 17: which layers have trainable parameters
#
# `Dense` and `SimpleDense` learn a kernel and a bias; `BatchNormalization` learns `gamma` and
# `beta` and keeps two non-trainable moving statistics; `Dropout` has no weights at all.

# %%
layers = {"Dense": keras.layers.Dense(4), "Dropout": keras.layers.Dropout(0.2),
          "BatchNormalization": keras.layers.BatchNormalization(), "SimpleDense": SimpleDense(4)}
counts = {}
for name, made in layers.items():
    made.build((None, 3))
    counts[name] = (len(made.trainable_weights), len(made.non_trainable_weights))
assert counts == {"Dense": (2, 0), "Dropout": (0, 0), "BatchNormalization": (2, 2), "SimpleDense": (2, 0)}
assert key(17) == "B"
counts

# %% [markdown]
# ## Question 19: a Dense-like layer with another activation
#
# The subclass recipe (A) was proved with `soft_sign` above. When only the activation differs,
# the built-in `Dense` also takes any callable, checked here against NumPy.

# %%
dense = keras.layers.Dense(2, activation=soft_sign)
out = as_numpy(dense(x))
kernel, bias = (as_numpy(v) for v in dense.weights)
assert np.allclose(out, (x @ kernel + bias) / (1 + np.abs(x @ kernel + bias)), atol=1e-6)
assert key(19) == "A"

# %% [markdown]
# ## Question 20: training a model with a custom layer
#
# SGD updates the custom layer's weights (A, C false), accuracy is reported during training (D),
# and the loss must match the output: one-hot cross-entropy with a label vector of the wrong shape
# is rejected (B).

# %%
features = rng.normal(size=(64, 4)).astype("float32")
labels = (features[:, 0] > 0).astype("int32")
classifier = keras.Sequential([keras.Input((4,)), SimpleDense(8, activation="relu"),
                               keras.layers.Dense(2, activation="softmax")])
start_kernel = as_numpy(classifier.layers[0].kernel).copy()
classifier.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = classifier.fit(features, labels, epochs=2, verbose=0)
assert "accuracy" in history.history and len(history.history["accuracy"]) == 2
assert not np.allclose(start_kernel, as_numpy(classifier.layers[0].kernel))

try:
    keras.losses.CategoricalCrossentropy()(labels.reshape(-1, 1).astype("float32"),
                                           classifier.predict(features, verbose=0))
    raise AssertionError("a loss that does not fit the output should be rejected")
except ValueError:
    pass
assert key(20) == "ABD"

# ---
# jupyter:
#   course:
#     backends: [tensorflow]
#     backends_reason: TFSMLayer runs a TensorFlow SavedModel's graph, which only the TensorFlow backend can execute (the notebook proves the other backends refuse it)
#   jupytext:
#     cell_metadata_filter: -all
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 17a · Backend-specific layers: which backend each needs, and `TFSMLayer`
#
# Keras 3 runs the same model code on TensorFlow, JAX and PyTorch, but four layers exist to bring in
# something written for **one** framework: `TFSMLayer` (a TensorFlow SavedModel), `JaxLayer` (a pure
# JAX function), `FlaxLayer` (a Flax module) and `TorchModuleWrapper` (a PyTorch module). This
# notebook measures which backend each one accepts, by trying all four on all three backends, and
# then teaches `TFSMLayer`: export a Keras model as a SavedModel, reload it as a layer, prove the
# outputs equal, and train a new head on top. `JaxLayer`/`FlaxLayer` are taught in 17b and
# `TorchModuleWrapper` in 17c, each on its own backend.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/notebooks/17a_backend_specific_tfsm.ipynb)

# %%
# This notebook needs the tensorflow backend: choose it before Keras is first imported.
import os

os.environ["KERAS_BACKEND"] = "tensorflow"

# %%
# Setup: on Colab this installs the course helpers and Keras; locally it checks versions.
import importlib, importlib.util, os, subprocess, sys

if importlib.util.find_spec("google.colab") and importlib.util.find_spec("helpers") is None:
    url = os.environ.get("COURSE_HELPERS_URL", "git+https://github.com/keras-layers-course/keras3-layers-course.git@main")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"keras-layers-course[colab] @ {url}"], check=True)
    importlib.invalidate_caches()

from helpers.setup import start

ENV = start(seed=42)

# %% [markdown]
# Keras and NumPy; `subprocess` and `json` to try the layers on the other backends in fresh Python
# processes (a backend is fixed once Keras is imported, so another backend needs another process).

# %%
import json
import tempfile
import textwrap

import keras
import matplotlib.pyplot as plt
import numpy as np

from helpers import plots
from helpers.nbtools import expect_error, to_numpy
from helpers.selfcheck import exercise

plots.use_course_style()
rng = np.random.default_rng(17)
assert keras.backend.backend() == "tensorflow", "restart the kernel: Keras was imported with another backend"
WORK = tempfile.mkdtemp(prefix="course17a_")

# %% [markdown]
# ## What
#
# Four **bridges** from Keras to code written for one framework:
#
# | Layer | Wraps | Runs on the backends |
# |---|---|---|
# | `keras.layers.TFSMLayer` | a TensorFlow SavedModel directory (an exported graph plus variables) | TensorFlow |
# | `keras.layers.JaxLayer` | a pure JAX function `call_fn(params, inputs)` and its parameters | JAX, TensorFlow |
# | `keras.layers.FlaxLayer` | a Flax (`flax.linen`) module | JAX, TensorFlow |
# | `keras.layers.TorchModuleWrapper` | a `torch.nn.Module` | PyTorch |
#
# The right-hand column is not copied from the documentation: the Proof section measures it.
# `TFSMLayer` is the way to **use** a SavedModel in Keras 3: Keras 3's `keras.models.load_model`
# reads only `.keras` (and legacy `.h5`) files.

# %% [markdown]
# ## Where
#
# All four are in `keras.layers`, importable on any backend; the check happens when you construct
# or call one. A SavedModel comes from `model.export(path)` (Keras 3) or from TensorFlow tools
# (`tf.saved_model.save`, TF Hub-style exports).

# %%
for name in ("TFSMLayer", "JaxLayer", "FlaxLayer", "TorchModuleWrapper"):
    assert issubclass(getattr(keras.layers, name), keras.layers.Layer), name
print("all four are keras.layers.Layer subclasses, importable on", keras.backend.backend())

# %% [markdown]
# ## Why
#
# - **Reuse without rewriting**: a model someone exported years ago as a SavedModel, a research
#   function in JAX, a PyTorch module from a paper: each becomes a layer you can train around.
# - **Migration in steps**: move a codebase to Keras 3 part by part, keeping the old parts running.
# - **Serving**: `model.export` produces the SavedModel that TensorFlow Serving and TFLite tools
#   read; `TFSMLayer` lets you check, in Python, that the export computes what the model does.

# %% [markdown]
# ## When
#
# | You have | Use | Backend |
# |---|---|---|
# | a SavedModel directory from `model.export` | `TFSMLayer(path, call_endpoint="serve")` | TensorFlow |
# | a SavedModel directory from `tf.saved_model.save` | `TFSMLayer(path, call_endpoint="serving_default")` (its outputs come back as a dict) | TensorFlow |
# | a `.keras` file | `keras.models.load_model` (not `TFSMLayer`) | any |
# | a JAX function with a parameter tree | `JaxLayer` (17b) | JAX or TensorFlow |
# | a Flax module | `FlaxLayer` (17b) | JAX or TensorFlow |
# | a PyTorch module | `TorchModuleWrapper` (17c) | PyTorch |

# %% [markdown]
# ## Who
#
# - **ML engineers** who check an exported model before it goes to a server.
# - **Teams with mixed frameworks**, who keep a TensorFlow, JAX or PyTorch component inside a Keras
#   model.
# - **Students** reading older tutorials, who need to know that `load_model` no longer opens a
#   SavedModel.

# %% [markdown]
# ## How
#
# ### Exporting: `model.export(path)`
#
# `export` writes a SavedModel directory with a `serve` endpoint: the model's inference function,
# traced for inputs of the model's shape (batch size left free). It stores the graph and the
# variables; it does not store the Keras model's Python classes.

# %%
source_model = keras.Sequential(
    [keras.Input((4,)), keras.layers.Dense(8, activation="relu", name="hidden"),
     keras.layers.Dense(3, name="out")],
    name="exported",
)
export_dir = os.path.join(WORK, "exported_savedmodel")
source_model.export(export_dir, verbose=False)
print("SavedModel files:", sorted(os.listdir(export_dir)))

# %% [markdown]
# ### Reloading: `TFSMLayer(path, call_endpoint="serve")`
#
# The layer loads the graph and exposes the SavedModel's variables as its own weights, so Keras
# counts them, can freeze them (`trainable=False`), and saves their values. `call_endpoint` names
# the function to call; `model.export` names it `serve` (and also writes `serving_default`), while
# a SavedModel written by `tf.saved_model.save` usually has only `serving_default` (proved below).

# %%
reloaded = keras.layers.TFSMLayer(export_dir, call_endpoint="serve", name="reloaded")
x4 = rng.normal(size=(5, 4)).astype("float32")
print("outputs:", to_numpy(reloaded(x4)).round(3)[:2], "...")
print("weights:", [(w.name, tuple(w.shape)) for w in reloaded.weights])

# %% [markdown]
# ## Pros
#
# - **No source code needed**: the graph and the weights are all in the directory.
# - **Exact**: the reloaded layer computes what the exported model computed (proved below).
# - **A layer like any other**: it goes into a `Sequential` or functional model, and can be frozen
#   or fine-tuned.

# %% [markdown]
# ## Cons
#
# - **TensorFlow backend only**, and **inference only by default** (`call_training_endpoint` must
#   be exported separately for a training-mode graph).
# - **Not a `.keras` model**: the Python classes are gone; you cannot inspect the inner layers or
#   change their settings.
# - **Fixed signature**: the input shape and dtype are those traced at export time.

# %% [markdown]
# ## Picture
#
# ### Which backend accepts which bridge, measured
#
# Each cell of the grid comes from running the same probe with `KERAS_BACKEND` set: here for
# TensorFlow, in a fresh Python process for JAX and PyTorch. It builds each layer and calls it on a
# small batch (the SavedModel is the one exported above). Green: it ran;
# red: Keras refused, with the error type shown.

# %%
PROBE = textwrap.dedent('''
    import json, os, sys, warnings
    SAVED_MODEL = sys.argv[1] if __name__ == "__main__" else SAVED_MODEL
    warnings.simplefilter("ignore")
    from helpers.setup import import_keras_quietly
    keras = import_keras_quietly()
    import numpy as np
    x = np.ones((2, 4), "float32")

    def tfsm():
        return keras.layers.TFSMLayer(SAVED_MODEL, call_endpoint="serve")(x)

    def jax_layer():
        import jax.numpy as jnp
        return keras.layers.JaxLayer(lambda params, inputs: inputs @ params["w"],
                                     params={"w": jnp.ones((4, 2))})(x)

    def flax_layer():
        import flax.linen as nn
        return keras.layers.FlaxLayer(nn.Dense(2))(x)

    def torch_wrapper():
        import torch
        return keras.layers.TorchModuleWrapper(torch.nn.Linear(4, 2))(x)

    def jax_numpy_lambda():  # not a bridge: a plain Lambda whose function uses jax.numpy
        import jax.numpy as jnp
        return keras.layers.Lambda(lambda t: jnp.tanh(t))(x)

    outcome = {}
    for name, build in [("TFSMLayer", tfsm), ("JaxLayer", jax_layer), ("FlaxLayer", flax_layer),
                        ("TorchModuleWrapper", torch_wrapper), ("Lambda(jax.numpy)", jax_numpy_lambda)]:
        try:
            build()
            outcome[name] = "runs"
        except ModuleNotFoundError as error:
            outcome[name] = "not installed: " + error.name
        except Exception as error:  # what Keras says when the backend is wrong
            outcome[name] = type(error).__name__
    if __name__ == "__main__":  # in a fresh process: report to the notebook
        print(json.dumps(outcome))
''')

BACKENDS = ("tensorflow", "jax", "torch")
LAYERS = ("TFSMLayer", "JaxLayer", "FlaxLayer", "TorchModuleWrapper", "Lambda(jax.numpy)")
installed = {backend: importlib.util.find_spec(backend) is not None for backend in BACKENDS}
processes = {
    backend: subprocess.Popen(
        [sys.executable, "-c", PROBE, export_dir], env={**os.environ, "KERAS_BACKEND": backend},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    for backend in BACKENDS[1:] if installed[backend]  # JAX and PyTorch at once, each in a fresh process
}
here = {"__name__": "probe", "SAVED_MODEL": export_dir}  # TensorFlow: this process already is one
exec(PROBE, here)
support = {"tensorflow": here["outcome"]}
for backend in BACKENDS[1:]:
    if backend not in processes:  # a backend that is not installed is not probed, and says so
        support[backend] = dict.fromkeys(LAYERS, "backend not installed")
        continue
    stdout, stderr = processes[backend].communicate(timeout=120)
    lines = stdout.strip().splitlines()
    if processes[backend].returncode != 0 or not lines:  # a crashed probe is an error, never a skip
        raise RuntimeError(f"the {backend} probe failed (exit {processes[backend].returncode}):\n{stderr[-2000:]}")
    support[backend] = json.loads(lines[-1])

fig, ax = plt.subplots(figsize=(8, 3.4))
ran = np.array([[support[b][layer] == "runs" for b in BACKENDS] for layer in LAYERS], dtype=float)
ax.imshow(ran, cmap="RdYlGn", vmin=-0.3, vmax=1.3, aspect="auto")
for (row, col), _ in np.ndenumerate(ran):
    ax.text(col, row, support[BACKENDS[col]][LAYERS[row]], ha="center", va="center", fontsize=9)
ax.set_xticks(range(3), [f"KERAS_BACKEND={b}" for b in BACKENDS])
ax.set_yticks(range(len(LAYERS)), LAYERS)
ax.grid(False)
ax.set_title("Which backend accepts which backend-specific layer (measured)")
fig.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that on every backend installed here each bridge runs only where its framework "
           "lives: TFSMLayer on TensorFlow, "
           "JaxLayer and FlaxLayer on JAX and TensorFlow, TorchModuleWrapper on PyTorch, a Lambda of "
           "jax.numpy on JAX; every other cell is an error, never a silent wrong answer.")

# %% [markdown]
# ## Table
#
# | API | Arguments | What it does | Proved below |
# |---|---|---|---|
# | `model.export(path, format="tf_saved_model")` | directory path | writes a SavedModel with a `serve` endpoint | files and outputs |
# | `keras.layers.TFSMLayer(filepath, call_endpoint="serve", call_training_endpoint=None, trainable=True)` | SavedModel directory, endpoint names | the SavedModel's function as a layer; its variables become the layer's weights | equal outputs, weights equal NumPy's, training a head |
# | `keras.models.load_model(path)` | a `.keras` or `.h5` file | rebuilds a Keras model; **refuses** a SavedModel directory in Keras 3 | the `ValueError` |
# | `JaxLayer`, `FlaxLayer` | see 17b | JAX / Flax code as a layer | backend grid |
# | `TorchModuleWrapper` | see 17c | a PyTorch module as a layer | backend grid |

# %% [markdown]
# ## Example
#
# ### A frozen exported feature extractor with a new head
#
# A "pretrained" network is trained on one task (predicting `sin` and `cos` of the sum of its four
# inputs), exported without its output layer, and reloaded as a frozen `TFSMLayer`. A new `Dense`
# head on those 32 hidden features is trained for a second task, `sin(sum + 0.5)`, which the
# features make easy (it is a mix of the sine and cosine they were trained to carry). Only the head
# learns.

# %%
x_train = rng.uniform(-2, 2, size=(512, 4)).astype("float32")
total = x_train.sum(axis=1, keepdims=True)
pretrained = keras.Sequential([keras.Input((4,)), keras.layers.Dense(32, activation="tanh"),
                               keras.layers.Dense(32, activation="tanh", name="features")])
pretrained_head = keras.Sequential([pretrained, keras.layers.Dense(2)])
pretrained_head.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
pretrained_head.fit(x_train, np.hstack([np.sin(total), np.cos(total)]), epochs=25, batch_size=64, verbose=0)
features_dir = os.path.join(WORK, "features_savedmodel")
pretrained.export(features_dir, verbose=False)

frozen_features = keras.layers.TFSMLayer(features_dir, call_endpoint="serve", trainable=False)
transfer = keras.Sequential([keras.Input((4,)), frozen_features, keras.layers.Dense(1, name="new_head")])
transfer.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
frozen_before = [to_numpy(w) for w in frozen_features.weights]
history = transfer.fit(x_train, np.sin(total + 0.5), epochs=25, batch_size=64, verbose=0)
losses = history.history["loss"]
assert losses[-1] < 0.2 * losses[0]  # the head learned, on features it cannot change
plots.show(plots.loss_curve(history.history, title="New head on a frozen TFSMLayer: training loss (MSE)"),
           "Notice that the training loss falls to under a fifth of its first-epoch value although the "
           "TFSMLayer below the head is frozen: the 33 weights of the new head do all the learning.")

# %% [markdown]
# ## Proof
#
# ### `TFSMLayer` computes exactly what the exported model computed
#
# Same outputs as the source model (to float32 rounding), and equal to a NumPy forward pass through
# the weights the layer exposes, which equal the source model's weights (fails if the layer
# re-initialized anything or called another endpoint).

# %%
np.testing.assert_allclose(to_numpy(reloaded(x4)), to_numpy(source_model(x4)), rtol=1e-6, atol=1e-6)
source_weights = source_model.get_weights()
by_shape = sorted((w.shape for w in source_weights), key=str)
assert sorted((tuple(w.shape) for w in reloaded.weights), key=str) == [tuple(s) for s in by_shape]
kernel_1, bias_1, kernel_2, bias_2 = source_weights
numpy_out = np.maximum(x4 @ kernel_1 + bias_1, 0) @ kernel_2 + bias_2
np.testing.assert_allclose(to_numpy(reloaded(x4)), numpy_out, rtol=1e-5, atol=1e-5)
for mine in reloaded.weights:  # every exposed variable is one of the source's arrays, unchanged
    assert any(w.shape == tuple(mine.shape) and np.array_equal(w, to_numpy(mine)) for w in source_weights)
other_batch = rng.normal(size=(17, 4)).astype("float32")  # the batch size was left free at export
assert to_numpy(reloaded(other_batch)).shape == (17, 3)
print("TFSMLayer == source model == NumPy, for batch sizes 5 and 17")

# %% [markdown]
# ### Keras 2 → 3: `load_model` no longer opens a SavedModel
#
# Keras 2 tutorials load a SavedModel with `load_model('path/to/saved_model')`. Keras 3 refuses,
# and its message points to `TFSMLayer`. Older code also imports these layers from
# `tensorflow.keras.layers`; in Keras 3 they are `keras.layers.*`, and `TorchModuleWrapper` is no
# TensorFlow layer at all. The SavedModel path is `TFSMLayer`'s first argument, `filepath`; a
# `saved_model_path=` keyword is refused.

# %%
refusal = expect_error(ValueError, lambda: keras.models.load_model(export_dir))
assert "TFSMLayer" in str(refusal) and "not supported" in str(refusal)
print(str(refusal)[:200], "...")
wrong_keyword = expect_error(TypeError, lambda: keras.layers.TFSMLayer(saved_model_path=export_dir))
assert "saved_model_path" in str(wrong_keyword)
assert keras.layers.TFSMLayer(filepath=export_dir, call_endpoint="serve").count_params() == source_model.count_params()

# %% [markdown]
# ### A SavedModel from `tf.saved_model.save` has `serving_default`, not `serve`
#
# `model.export` writes two endpoints, `serve` and `serving_default`. A TensorFlow module saved with
# `tf.saved_model.save` gets only `serving_default` (from its `__call__` with an input signature):
# `call_endpoint="serve"`, which is also the default, raises `ValueError`, and `serving_default`
# works, returning a dict of named outputs (here NumPy's $x W$ under the key `output_0`).

# %%
import tensorflow as tf  # this section is about TensorFlow's own format


class Affine(tf.Module):
    def __init__(self):
        super().__init__()
        self.w = tf.Variable(np.arange(12, dtype="float32").reshape(4, 3) / 10)

    @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32)])
    def __call__(self, inputs):
        return tf.matmul(inputs, self.w)


tf_dir = os.path.join(WORK, "tf_saved_model")
tf.saved_model.save(Affine(), tf_dir)
assert sorted(tf.saved_model.load(export_dir).signatures) == ["serve", "serving_default"]
assert sorted(tf.saved_model.load(tf_dir).signatures) == ["serving_default"]
for endpoint_given in ({"call_endpoint": "serve"}, {}):  # explicit, and the default
    error = expect_error(ValueError, lambda kwargs=endpoint_given: keras.layers.TFSMLayer(tf_dir, **kwargs))
    assert "serving_default" in str(error)
outputs = keras.layers.TFSMLayer(tf_dir, call_endpoint="serving_default")(x4)
assert isinstance(outputs, dict) and list(outputs) == ["output_0"]
np.testing.assert_allclose(to_numpy(outputs["output_0"]), x4 @ (np.arange(12).reshape(4, 3) / 10), rtol=1e-5)
print("tf.saved_model.save endpoints: ['serving_default']; 'serve' refused;", str(error)[-60:])

# %% [markdown]
# ### Which backend each layer needs: the grid, asserted
#
# `TFSMLayer` runs only on TensorFlow; `JaxLayer` and `FlaxLayer` on JAX and TensorFlow, not
# PyTorch; `TorchModuleWrapper` only on PyTorch. A `Lambda` whose function uses `jax.numpy` runs
# only on JAX: on TensorFlow and PyTorch, `jnp.tanh` cannot read the backend's tensor and raises
# `TypeError` (write such functions with `keras.ops`, which runs on all three). Only a backend or
# library that is not installed leaves its cells unasserted; a probe that crashed stops the Picture
# cell above with its error output. Each refusal is an error at construction or first call, never a silent wrong
# answer: `TFSMLayer`, `JaxLayer` and `FlaxLayer` raise Keras errors that name the backends they
# support; `TorchModuleWrapper` on another backend fails less helpfully, with PyTorch's own
# `RuntimeError` when Keras tries to turn a gradient-tracking tensor into NumPy.

# %%
expected_runs = {
    "TFSMLayer": {"tensorflow"},
    "JaxLayer": {"jax", "tensorflow"},
    "FlaxLayer": {"jax", "tensorflow"},
    "TorchModuleWrapper": {"torch"},
    "Lambda(jax.numpy)": {"jax"},
}
library_of = {"TFSMLayer": "tensorflow", "JaxLayer": "jax", "FlaxLayer": "flax", "TorchModuleWrapper": "torch",
              "Lambda(jax.numpy)": "jax"}
asserted = 0
for layer, backends in expected_runs.items():
    for backend in BACKENDS:
        outcome = support[backend][layer]
        if not installed[backend] or importlib.util.find_spec(library_of[layer]) is None:
            continue  # nothing to try: the backend or the wrapped library is missing here
        assert (outcome == "runs") == (backend in backends), (layer, backend, outcome)
        asserted += 1
for backend in ("tensorflow", "torch"):  # the error the text names, where it could be measured
    if installed[backend] and installed["jax"]:
        assert support[backend]["Lambda(jax.numpy)"] == "TypeError", support[backend]
print(f"{asserted} of {len(LAYERS) * len(BACKENDS)} cells asserted")
print(json.dumps(support, indent=1))

# %% [markdown]
# ### Freezing a `TFSMLayer`: the example's feature extractor did not move, the head learned
#
# The frozen layer's weights are bit-for-bit unchanged after `fit`, the model's only trainable
# weights are the head's 32 + 1, and the head beats the best constant prediction by a wide margin.

# %%
for before, after in zip(frozen_before, frozen_features.weights, strict=True):
    np.testing.assert_array_equal(to_numpy(after), before)
assert sum(int(np.prod(w.shape)) for w in transfer.trainable_weights) == 32 + 1
target = np.sin(total + 0.5)
mse = float(np.mean((to_numpy(transfer.predict(x_train, verbose=0)) - target) ** 2))
assert mse < 0.2 * float(np.var(target)), (mse, float(np.var(target)))
print(f"head MSE {mse:.4f} vs variance of the target {float(np.var(target)):.4f}")

# %% [markdown]
# ## Application
#
# ### Checking an export before it ships
#
# The habit worth keeping: after `model.export`, reload the directory with `TFSMLayer` and compare
# with the model on data the model has not seen, including a batch size other than the training
# one. If a custom layer did something at export time it should not (a Python-side random number, a
# `training=True` default), this comparison is where it shows. Here a model with `Dropout` passes,
# because the `serve` endpoint is traced in inference mode.

# %%
with_dropout = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu"),
                                 keras.layers.Dropout(0.5), keras.layers.Dense(2)])
served_dir = os.path.join(WORK, "with_dropout")
with_dropout.export(served_dir, verbose=False)
served = keras.layers.TFSMLayer(served_dir, call_endpoint="serve")
unseen = rng.normal(size=(33, 4)).astype("float32")
np.testing.assert_allclose(to_numpy(served(unseen)), to_numpy(with_dropout(unseen, training=False)),
                           rtol=1e-6, atol=1e-6)
np.testing.assert_allclose(to_numpy(served(unseen)), to_numpy(served(unseen)))  # deterministic
print("the exported model is deterministic and equals the model in inference mode")

# %% [markdown]
# ## Key terms
#
# - **SavedModel**: TensorFlow's directory format: traced graphs (signatures) plus variables.
# - **Endpoint**: a named function in a SavedModel; `model.export` writes `serve`.
# - **Bridge layer**: a Keras layer that runs code from one framework (TF, JAX, Flax, PyTorch).
# - **Backend-specific**: usable only when `KERAS_BACKEND` is a particular backend.
# - **`.keras` file**: Keras 3's own format, rebuilt by `load_model`; a SavedModel is not one.

# %% [markdown]
# ## Summary
#
# - Four bridge layers: `TFSMLayer` (TensorFlow backend), `JaxLayer` and `FlaxLayer` (JAX or
#   TensorFlow), `TorchModuleWrapper` (PyTorch), measured above on all three backends; a `Lambda`
#   of `jax.numpy` code runs on JAX only.
# - `call_endpoint` is `"serve"` for a `model.export` directory, `"serving_default"` for most
#   SavedModels written by `tf.saved_model.save`.
# - `model.export(path)` + `TFSMLayer(path, call_endpoint="serve")` reproduce the model exactly,
#   with its variables as the layer's weights.
# - `keras.models.load_model` opens `.keras`/`.h5` files only; a SavedModel goes through
#   `TFSMLayer`.
# - A `TFSMLayer` can be frozen and used as a feature extractor under a new head.

# %% [markdown]
# ## Exercises
#
# Each exercise prints its task; `ex.check(...)` says what is right and what is not yet.
# `ex.hint()` and `ex.solution()` show more when you ask for them. Both checks run a SavedModel, so
# they need this notebook's TensorFlow backend.

# %% [markdown]
# ### Exercise 17a.1 · Export a model and reload it as a layer

# %%
ex = exercise("17a.1")  # prints the task and how you know you are done


def export_and_reload(model, directory):
    ...  # your code here


ex.check(export_and_reload)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 17a.2 · A new head on frozen exported features

# %%
ex = exercise("17a.2")  # prints the task and how you know you are done


def new_head(directory, outputs):
    ...  # your code here


ex.check(new_head)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

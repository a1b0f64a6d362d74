"""Self-check exercises of notebook 17a (backend-specific layers and TFSMLayer).

Both checks run a TensorFlow SavedModel, so they need TensorFlow installed and the TensorFlow
backend; in any other kernel they say so (✗ Not yet) instead of failing.
"""

from __future__ import annotations

import importlib.util
import os
import tempfile

import numpy as np

from helpers.selfcheck import Exercise, NotYet, register


def _tensorflow_keras():
    """Keras on the TensorFlow backend, or NotYet saying what is missing."""
    if importlib.util.find_spec("tensorflow") is None:
        raise NotYet("this check needs TensorFlow installed (`pip install tensorflow`): a SavedModel is "
                     "TensorFlow's format.")
    import keras

    if keras.backend.backend() != "tensorflow":
        raise NotYet(f"this check needs the TensorFlow backend, and this kernel runs "
                     f"{keras.backend.backend()}: TFSMLayer runs only on TensorFlow. Restart the kernel and "
                     "run the notebook from the top (its first cell sets KERAS_BACKEND=tensorflow).")
    return keras


def _small_model(keras, seed):
    """4 inputs -> 6 relu units -> 2 outputs, with weights drawn from `seed`, and its NumPy forward pass."""
    rng = np.random.default_rng(seed)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(6, activation="relu"),
                              keras.layers.Dense(2)])
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    k1, b1, k2, b2 = model.get_weights()
    return model, lambda x: np.maximum(x @ k1 + b1, 0) @ k2 + b2


def _check_export_and_reload(export_and_reload):
    keras = _tensorflow_keras()
    model, forward = _small_model(keras, seed=17)
    with tempfile.TemporaryDirectory() as folder:
        directory = os.path.join(folder, "exported")
        try:
            layer = export_and_reload(model, directory)
        except ValueError as error:
            if "TFSMLayer" in str(error):
                raise NotYet("keras.models.load_model refused the directory: Keras 3 opens a SavedModel "
                             "only through keras.layers.TFSMLayer.") from None
            raise
        except OSError as error:
            raise NotYet(f"loading failed ({str(error)[:90]}…): export the model with "
                         "model.export(directory) before you reload the directory.") from None
        if layer is None:
            raise NotYet("export_and_reload returned None: return the reloaded TFSMLayer.")
        if not isinstance(layer, keras.layers.TFSMLayer):
            raise NotYet(f"you returned a {type(layer).__name__}, not a keras.layers.TFSMLayer: reload the "
                         "exported directory with TFSMLayer(directory, call_endpoint=...).")
        x = np.random.default_rng(3).normal(size=(7, 4)).astype("float32")  # a batch size never traced
        out = layer(x)
        if isinstance(out, dict):
            raise NotYet(f"your layer returns a dict with keys {sorted(out)}: that is the "
                         "'serving_default' endpoint; model.export's 'serve' endpoint returns the tensor.")
        out = keras.ops.convert_to_numpy(out)
        if out.shape != (7, 2) or not np.allclose(out, forward(x), rtol=1e-5, atol=1e-5):
            raise NotYet("the reloaded layer does not compute what the model computes (checked against a "
                         "NumPy forward pass through the model's weights).")
        if layer.count_params() != model.count_params():
            raise NotYet(f"the layer exposes {layer.count_params()} parameters, the model has "
                         f"{model.count_params()}.")
    return ("your TFSMLayer reproduces the exported model on a batch of 7 rows and exposes its "
            f"{model.count_params()} parameters.")


register(Exercise(
    key="17a.1", title="Export a model and reload it as a layer", minutes=15, objectives=(2,),
    task="Write export_and_reload(model, directory) that exports the Keras model as a SavedModel into "
         "directory and returns it reloaded as a keras.layers.TFSMLayer that returns the model's output "
         "tensor. Done when the check prints ✓: it exports a small model with your function and compares "
         "the layer with a NumPy forward pass (TensorFlow backend only).",
    answer="export_and_reload",
    check_answer=_check_export_and_reload,
    hint="Two lines: model.export(directory, verbose=False), then keras.layers.TFSMLayer(directory, "
         "call_endpoint=...). model.export names its endpoint after what a server does with it.",
    solution='''
import keras

def export_and_reload(model, directory):
    model.export(directory, verbose=False)
    return keras.layers.TFSMLayer(directory, call_endpoint="serve")
''',
    wrong=(
        ('''
import keras

def export_and_reload(model, directory):
    model.export(directory, verbose=False)
    return keras.models.load_model(directory)
''', "only through keras.layers.TFSMLayer"),
        ('''
import keras

def export_and_reload(model, directory):
    model.export(directory, verbose=False)
    return keras.layers.TFSMLayer(directory, call_endpoint="serving_default")
''', "returns a dict"),
        ('''
import keras

def export_and_reload(model, directory):
    return keras.layers.TFSMLayer(directory, call_endpoint="serve")
''', "export the model"),
        ('''
import keras

def export_and_reload(model, directory):
    model.save(directory + ".keras")
    return keras.models.load_model(directory + ".keras")
''', "not a keras.layers.TFSMLayer"),
    ),
))


# ---------------------------------------------------------------- 17a.2 a new head on frozen features

def _check_new_head(new_head):
    keras = _tensorflow_keras()
    rng = np.random.default_rng(5)
    features = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="tanh")])
    features.set_weights([rng.normal(size=w.shape).astype("float32") for w in features.get_weights()])
    kernel, bias = features.get_weights()
    with tempfile.TemporaryDirectory() as folder:
        directory = os.path.join(folder, "features")
        features.export(directory, verbose=False)
        model = new_head(directory, 3)
        if model is None:
            raise NotYet("new_head returned None: return a Keras model.")
        if not isinstance(model, keras.Model):
            raise NotYet(f"new_head returned a {type(model).__name__}: return a keras.Model (a Sequential "
                         "of Input, the TFSMLayer and a Dense head).")
        x = rng.normal(size=(5, 4)).astype("float32")
        out = keras.ops.convert_to_numpy(model(x))
        if out.shape != (5, 3):
            raise NotYet(f"for 3 outputs the model gives shape {out.shape}, expected (5, 3): put "
                         "Dense(outputs) after the TFSMLayer.")
        trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
        if trainable != 8 * 3 + 3:
            raise NotYet(f"the model has {trainable} trainable parameters; only the head's 8 × 3 + 3 = 27 "
                         "should train: create the TFSMLayer with trainable=False.")
        dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
        head_kernel, head_bias = (keras.ops.convert_to_numpy(w) for w in dense[-1].weights)
        expected = np.tanh(x @ kernel + bias) @ head_kernel + head_bias
        if not np.allclose(out, expected, rtol=1e-4, atol=1e-5):
            raise NotYet("the output is not the head applied to the exported features (checked in NumPy): "
                         "the head is a plain Dense (no activation) right after the TFSMLayer.")
    return ("your model trains only a 27-parameter head on the frozen exported features, and computes it "
            "exactly.")


register(Exercise(
    key="17a.2", title="A new head on frozen exported features", minutes=15, objectives=(4,),
    task="Write new_head(directory, outputs) returning a Keras model that maps 4 inputs through the "
         "SavedModel in directory (exported with model.export, 8 features out) as a frozen TFSMLayer, then "
         "a new Dense(outputs) head without activation. Done when the check prints ✓: it counts the "
         "trainable parameters and compares the output with NumPy (TensorFlow backend only).",
    answer="new_head",
    check_answer=_check_new_head,
    hint="keras.Sequential([keras.Input((4,)), keras.layers.TFSMLayer(directory, call_endpoint='serve', "
         "trainable=False), keras.layers.Dense(outputs)]).",
    solution='''
import keras

def new_head(directory, outputs):
    frozen = keras.layers.TFSMLayer(directory, call_endpoint="serve", trainable=False)
    return keras.Sequential([keras.Input((4,)), frozen, keras.layers.Dense(outputs)])
''',
    wrong=(
        ('''
import keras

def new_head(directory, outputs):
    features = keras.layers.TFSMLayer(directory, call_endpoint="serve")
    return keras.Sequential([keras.Input((4,)), features, keras.layers.Dense(outputs)])
''', "trainable=False"),
        ('''
import keras

def new_head(directory, outputs):
    frozen = keras.layers.TFSMLayer(directory, call_endpoint="serve", trainable=False)
    return keras.Sequential([keras.Input((4,)), frozen])
''', "put Dense(outputs) after the TFSMLayer"),
        ('''
import keras

def new_head(directory, outputs):
    frozen = keras.layers.TFSMLayer(directory, call_endpoint="serve", trainable=False)
    return keras.Sequential([keras.Input((4,)), frozen, keras.layers.Dense(outputs, activation="relu")])
''', "no activation"),
    ),
))

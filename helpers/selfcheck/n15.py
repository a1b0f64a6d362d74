"""Self-check exercises of notebook 15 (merging layers)."""

from __future__ import annotations

import numpy as np

from helpers.selfcheck import Exercise, NotYet, register


def _dot_cases():
    rng = np.random.default_rng(15)
    vectors = rng.normal(size=(4, 6)).astype("float32"), rng.normal(size=(4, 6)).astype("float32")
    sequences = rng.normal(size=(2, 3, 5)).astype("float32"), rng.normal(size=(2, 4, 5)).astype("float32")
    crossed = rng.normal(size=(2, 5, 3)).astype("float32"), rng.normal(size=(2, 4, 5)).astype("float32")
    return [
        ("two batches of vectors (4, 6), axes=1", *vectors, 1, False),
        ("sequences (2, 3, 5) and (2, 4, 5), axes=2", *sequences, 2, False),
        ("(2, 5, 3) and (2, 4, 5), axes=(1, 2)", *crossed, (1, 2), False),
        ("vectors, axes=1, normalize=True", *vectors, 1, True),
        ("(2, 5, 3) and (2, 4, 5), axes=(1, 2), normalize=True", *crossed, (1, 2), True),
    ]


def _check_dot(dot_numpy):
    import keras

    for name, a, b, axes, normalize in _dot_cases():
        try:
            got = dot_numpy(a, b, axes, normalize=normalize)
        except Exception as error:  # e.g. contracting two axes of different sizes
            raise NotYet(f"for {name}: your function raised {type(error).__name__} ({error}); axes=(i, j) "
                         "contracts axis i of the first input with axis j of the second") from None
        if got is None:
            raise NotYet(f"for {name}: dot_numpy returned None")
        got = np.asarray(got)
        want = keras.ops.convert_to_numpy(keras.layers.Dot(axes=axes, normalize=normalize)([a, b]))
        if got.shape != want.shape:
            raise NotYet(f"for {name}: Keras's Dot gives shape {want.shape}, yours {got.shape}"
                         + (" (a dot product of vectors keeps an axis of size 1)" if want.ndim == 2
                            and want.shape[1] == 1 else ""))
        if not np.allclose(got, want, atol=1e-4):
            hint = ("divide each input by its L2 norm along its own contracted axis first" if normalize else
                    "axes=(i, j) contracts axis i of the first input with axis j of the second, per example")
            raise NotYet(f"for {name}: the values differ from Keras's Dot: {hint}")
    return "your dot_numpy equals keras.layers.Dot for vectors, sequences, an axes pair and normalize=True."


register(Exercise(
    key="15.1", title="Dot in NumPy", minutes=20, objectives=(1, 2),
    task="Write dot_numpy(a, b, axes, normalize=False) giving what keras.layers.Dot(axes, normalize)([a, b]) "
         "gives, for inputs of rank 2 or 3 with the batch first. axes is an int (the same axis of both) or a "
         "pair (axis of a, axis of b), counted with the batch axis as 0. Done when the check prints ✓ for "
         "the five cases it compares with Keras: vectors, sequences, an axes pair, and normalize=True.",
    answer="dot_numpy",
    check_answer=_check_dot,
    hint="Per example i, np.tensordot(a[i], b[i], axes=(axis_a - 1, axis_b - 1)); stack the results. "
         "Vectors give a number per example: reshape to (batch, 1). normalize divides a and b by their norms "
         "along the contracted axes first.",
    solution='''
import numpy as np

def dot_numpy(a, b, axes, normalize=False):
    axis_a, axis_b = (axes, axes) if isinstance(axes, int) else axes
    if normalize:
        a = a / np.linalg.norm(a, axis=axis_a, keepdims=True)
        b = b / np.linalg.norm(b, axis=axis_b, keepdims=True)
    out = np.stack([np.tensordot(a[i], b[i], axes=(axis_a - 1, axis_b - 1)) for i in range(len(a))])
    return out.reshape(len(a), 1) if out.ndim == 1 else out
''',
    wrong=(
        ('''
import numpy as np

def dot_numpy(a, b, axes, normalize=False):
    axis_a, axis_b = (axes, axes) if isinstance(axes, int) else axes
    if normalize:
        a = a / np.linalg.norm(a, axis=axis_a, keepdims=True)
        b = b / np.linalg.norm(b, axis=axis_b, keepdims=True)
    return np.stack([np.tensordot(a[i], b[i], axes=(axis_a - 1, axis_b - 1)) for i in range(len(a))])
''', "keeps an axis of size 1"),
        ('''
import numpy as np

def dot_numpy(a, b, axes, normalize=False):
    axis_a, axis_b = (axes, axes) if isinstance(axes, int) else axes
    if normalize:
        a = a / np.linalg.norm(a, axis=-1, keepdims=True)
        b = b / np.linalg.norm(b, axis=-1, keepdims=True)
    out = np.stack([np.tensordot(a[i], b[i], axes=(axis_a - 1, axis_b - 1)) for i in range(len(a))])
    return out.reshape(len(a), 1) if out.ndim == 1 else out
''', "along its own contracted axis"),
        ('''
import numpy as np

def dot_numpy(a, b, axes, normalize=False):
    axis = axes if isinstance(axes, int) else axes[1]
    out = np.stack([np.tensordot(a[i], b[i], axes=(axis - 1, axis - 1)) for i in range(len(a))])
    return out.reshape(len(a), 1) if out.ndim == 1 else out
''', "for (2, 5, 3) and (2, 4, 5), axes=(1, 2)"),
    ),
))


def _check_residual(residual_block):
    import keras

    width = 12
    inputs = keras.Input((width,))
    try:
        outputs = residual_block(inputs)
    except ValueError as error:
        raise NotYet(f"building the block on an input of width {width} raised ValueError "
                     f"({str(error)[:120]}): the branch f(x) must end with the input's width so that Add "
                     "can add it to x") from None
    if outputs is None:
        raise NotYet("residual_block returned None: return the merged tensor")
    model = keras.Model(inputs, outputs)
    if tuple(outputs.shape) != (None, width):
        raise NotYet(f"the block's output has shape {tuple(outputs.shape)}, not the input's (None, {width}): "
                     "a residual block adds f(x) to x (Add), it does not concatenate them")
    if not any(isinstance(layer, keras.layers.Add) for layer in model.layers):
        raise NotYet("no keras.layers.Add in the block: merge x and f(x) with keras.layers.Add()([x, h]) "
                     "(or keras.layers.add)")
    if model.count_params() == 0:
        raise NotYet("the block has no weights: f(x) needs layers with weights, such as Dense, between x "
                     "and Add")
    x = np.random.default_rng(2).normal(size=(5, width)).astype("float32")
    weights = model.get_weights()
    model.set_weights([np.zeros_like(w) for w in weights])
    if not np.allclose(keras.ops.convert_to_numpy(model(x)), x, atol=1e-5):
        raise NotYet("with every weight set to 0, f(x) = 0, so the block must return x itself; yours does "
                     "not: the skip connection is missing (return Add()([x, f(x)]), not f(x)), or something "
                     "follows the Add")
    random = np.random.default_rng(3)
    model.set_weights([random.normal(scale=0.5, size=w.shape).astype("float32") for w in weights])
    if np.allclose(keras.ops.convert_to_numpy(model(x)), x, atol=1e-3):
        raise NotYet("with random weights the block still returns x: the branch f(x) does not reach the Add")
    return ("your block returns x when its weights are 0 and x + f(x) otherwise, merged by Add, with the "
            "input's shape.")


register(Exercise(
    key="15.2", title="A residual block", minutes=15, objectives=(3,),
    task="Write residual_block(x) for a symbolic input x of shape (None, width): a branch f of two Dense "
         "layers (the first with a relu, the second back to the input's width x.shape[-1]), then "
         "keras.layers.Add to return x + f(x). Done when the check prints ✓: it builds your block on a "
         "width-12 input and checks the shape, the Add, that zero weights give back x, and that the branch "
         "counts when the weights are not zero.",
    answer="residual_block",
    check_answer=_check_residual,
    hint="h = keras.layers.Dense(16, activation='relu')(x); h = keras.layers.Dense(x.shape[-1])(h); "
         "return keras.layers.Add()([x, h]).",
    solution='''
import keras

def residual_block(x):
    h = keras.layers.Dense(16, activation="relu")(x)
    h = keras.layers.Dense(x.shape[-1])(h)
    return keras.layers.Add()([x, h])
''',
    wrong=(
        ('''
import keras

def residual_block(x):
    h = keras.layers.Dense(16, activation="relu")(x)
    h = keras.layers.Dense(x.shape[-1])(h)
    return keras.layers.Add()([h, keras.layers.Dense(x.shape[-1])(x)])
''', "the skip connection is missing"),
        ('''
import keras

def residual_block(x):
    h = keras.layers.Dense(16, activation="relu")(x)
    h = keras.layers.Dense(x.shape[-1])(h)
    return keras.layers.Concatenate()([x, h])
''', "it does not concatenate them"),
        ('''
import keras

def residual_block(x):
    h = keras.layers.Dense(16, activation="relu")(x)
    h = keras.layers.Dense(16)(h)
    return keras.layers.Add()([x, h])
''', "must end with the input's width"),
    ),
))

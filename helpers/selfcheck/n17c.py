"""Self-check exercises of notebook 17c (TorchModuleWrapper): moving data and weights between layouts.

The checks use NumPy and Keras only, so they run on any backend (and without PyTorch installed).
"""

from __future__ import annotations

import numpy as np

from helpers.selfcheck import Exercise, NotYet, register
from helpers.selfcheck.n01 import silent

# ---------------------------------------------------------------- 17c.1 to_channels_first


def _check_channels_first(to_channels_first) -> str:
    rng = np.random.default_rng(17)
    images = rng.normal(size=(2, 5, 4, 3)).astype("float32")  # (N, H, W, C): every axis a different size
    got = to_channels_first(images)
    if got is None:
        raise NotYet("your function returned None: return the converted array")
    got = np.asarray(got)
    want = np.transpose(images, (0, 3, 1, 2))
    if got.shape != want.shape:
        if got.shape == (2, 3, 4, 5):
            raise NotYet("height and width are swapped: got shape (2, 3, 4, 5), expected (N, C, H, W) = "
                         "(2, 3, 5, 4); keep height before width")
        raise NotYet(f"expected shape (N, C, H, W) = {want.shape} for an input of shape {images.shape}, "
                     f"got {got.shape}")
    if not np.array_equal(got, want):
        raise NotYet("the shape is right but the values are scrambled: reshape keeps the memory order and "
                     "mixes channels with pixels; move the channel axis with np.transpose")
    return "the channel axis moved in front of height and width, every pixel value in its place."


register(Exercise(
    key="17c.1", title="Keras images for a PyTorch convolution", minutes=10, objectives=(3,),
    task="Write `to_channels_first(images)`, which turns a NumPy batch in Keras's layout (N, H, W, C) into "
         "PyTorch's (N, C, H, W), ready for torch.nn.Conv2d. Done when the check prints ✓: it uses a "
         "batch whose four axes all differ in size.",
    answer="to_channels_first",
    check_answer=silent(_check_channels_first),
    hint="np.transpose(images, axes) puts input axis axes[i] at position i: the batch stays at 0, the "
         "channels (axis 3) come next, then height (1) and width (2).",
    solution='''
import numpy as np


def to_channels_first(images):
    return np.transpose(images, (0, 3, 1, 2))
''',
    wrong=(
        ('''
def to_channels_first(images):
    n, h, w, c = images.shape
    return images.reshape(n, c, h, w)
''', "values are scrambled"),
        ('''
import numpy as np


def to_channels_first(images):
    return np.transpose(images, (0, 3, 2, 1))
''', "height and width are swapped"),
        ('''
import numpy as np


def to_channels_first(images):
    return np.moveaxis(images, -1, 0)
''', "expected shape (N, C, H, W)"),
    ),
))


# ---------------------------------------------------------------- 17c.2 linear_to_dense


def _check_linear_to_dense(linear_to_dense) -> str:
    import keras

    rng = np.random.default_rng(7)
    for n_in, n_out in [(5, 3), (4, 4)]:  # a square case too: there a forgotten transpose fits the shapes
        weight = rng.normal(size=(n_out, n_in)).astype("float32")  # torch.nn.Linear stores (out, in)
        bias = rng.normal(size=(n_out,)).astype("float32")
        x = rng.normal(size=(6, n_in)).astype("float32")
        torch_output = x @ weight.T + bias  # what torch.nn.Linear computes
        arrays = linear_to_dense(weight, bias)
        if arrays is None:
            raise NotYet("your function returned None: return [kernel, bias] for Dense.set_weights")
        arrays = [np.asarray(a) for a in arrays]
        if len(arrays) != 2:
            raise NotYet(f"a Dense layer with a bias takes two arrays, [kernel, bias]; got {len(arrays)}")
        if arrays[0].shape != (n_in, n_out):
            raise NotYet(f"a Dense kernel on {n_in} inputs with {n_out} units has shape (in, out) = "
                         f"{(n_in, n_out)}; got {arrays[0].shape}. PyTorch stores (out, in): transpose it")
        dense = keras.layers.Dense(n_out)
        dense.build((None, n_in))
        dense.set_weights(arrays)
        got = np.asarray(keras.ops.convert_to_numpy(dense(x)))
        if not np.allclose(got, torch_output, rtol=1e-5, atol=1e-5):
            raise NotYet(f"with {n_in} inputs and {n_out} outputs the Dense layer computes something else "
                         "than the Linear layer (x @ weight.T + bias): the kernel's values are misplaced "
                         "(reshape, or no transpose); it must be weight.T")
    return "the Dense layer now computes x @ weight.T + bias, exactly what the PyTorch Linear layer computes."


register(Exercise(
    key="17c.2", title="A PyTorch Linear layer's weights in a Keras Dense", minutes=15, objectives=(3,),
    task="torch.nn.Linear(in, out) stores `weight` of shape (out, in) and `bias` (out,), and computes "
         "x @ weight.T + bias. Write `linear_to_dense(weight, bias)` returning the list [kernel, bias] that "
         "keras.layers.Dense(out).set_weights accepts so that the Dense layer computes the same. Done when "
         "the check prints ✓ for a rectangular and a square layer.",
    answer="linear_to_dense",
    check_answer=silent(_check_linear_to_dense),
    hint="Dense computes x @ kernel + bias with kernel of shape (in, out), so kernel = weight.T; the bias "
         "is the same vector.",
    solution='''
def linear_to_dense(weight, bias):
    return [weight.T, bias]
''',
    wrong=(
        ('''
def linear_to_dense(weight, bias):
    return [weight, bias]
''', "PyTorch stores (out, in)"),
        ('''
def linear_to_dense(weight, bias):
    return [weight.reshape(weight.shape[1], weight.shape[0]), bias]
''', "misplaced"),
        ('''
def linear_to_dense(weight, bias):
    return [weight.T]
''', "takes two arrays"),
    ),
))

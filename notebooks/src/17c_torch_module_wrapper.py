# ---
# jupyter:
#   course:
#     backends: [torch]
#     backends_reason: TorchModuleWrapper runs a torch.nn.Module, which only the PyTorch backend can train (17a measured the other backends failing)
#   jupytext:
#     cell_metadata_filter: -all
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 17c · `TorchModuleWrapper`: a PyTorch module inside a Keras model
#
# On the PyTorch backend, `keras.layers.TorchModuleWrapper(module)` turns any `torch.nn.Module`
# into a Keras layer: its parameters become Keras variables that share memory with the module, so
# `fit` trains the PyTorch module itself. This notebook proves that sharing, proves the wrapped
# forward pass against NumPy, trains a small convolutional PyTorch module inside a Keras model on
# scikit-learn's handwritten digits, and shows the other direction: on this backend every Keras
# layer is itself a `torch.nn.Module`.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/notebooks/17c_torch_module_wrapper.ipynb)

# %%
# This notebook needs the torch backend: choose it before Keras is first imported.
import os

os.environ["KERAS_BACKEND"] = "torch"

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
# Keras on the PyTorch backend, PyTorch itself, NumPy for the checks, and scikit-learn's digits
# (8 × 8 images that ship with the package).

# %%
import keras
import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.datasets import load_digits

from helpers import plots
from helpers.nbtools import expect_error, to_numpy
from helpers.selfcheck import exercise

plots.use_course_style()
rng = np.random.default_rng(17)
torch.manual_seed(0)
assert keras.backend.backend() == "torch", "restart the kernel: Keras was imported with another backend"

# %% [markdown]
# ## What
#
# `TorchModuleWrapper(module, name=None, output_shape=None)` is a Keras layer whose `call` runs
# `module(inputs)`. It tracks the module's parameters as Keras variables (trainable, counted,
# saved with the model's weights) backed by the very same tensors, so an optimizer step taken by
# Keras is a step on the PyTorch module.

# %% [markdown]
# ## Where
#
# `keras.layers.TorchModuleWrapper`, usable when `KERAS_BACKEND=torch` (17a measured the other
# backends failing). On this backend the reverse bridge exists too: a Keras layer *is* a
# `torch.nn.Module`, so it can be dropped into PyTorch code.

# %%
print("backend:", keras.backend.backend(), "| torch", torch.__version__)
assert issubclass(keras.layers.Dense, torch.nn.Module)  # the reverse bridge, on this backend only

# %% [markdown]
# ## Why
#
# - **Reuse PyTorch components** (a block from a paper, a module from a library) inside Keras
#   models, trained with `fit`, callbacks and metrics.
# - **Migrate gradually** between the two ecosystems.

# %% [markdown]
# ## When
#
# | Situation | Choice |
# |---|---|
# | a `torch.nn.Module` to train inside a Keras model | `TorchModuleWrapper(module)` |
# | the module's output shape cannot be inferred by running it | pass `output_shape=` |
# | code that must also run on JAX or TensorFlow | rewrite it as a Keras layer with `keras.ops` |
# | a Keras layer needed inside PyTorch code | use it directly: it is a `torch.nn.Module` here |

# %% [markdown]
# ## Who
#
# - **PyTorch users** who want Keras's training loop, or Keras users who found a PyTorch module.

# %% [markdown]
# ## How
#
# ### Wrap a module; its parameters become the layer's weights
#
# A `torch.nn.Linear(3, 2)` holds a weight of shape (2, 3) (PyTorch stores it output-first) and a
# bias of shape (2,). Wrapped, the layer lists two Keras variables of those shapes.

# %%
linear = torch.nn.Linear(3, 2)
wrapped = keras.layers.TorchModuleWrapper(linear, name="wrapped_linear")
x3 = rng.normal(size=(4, 3)).astype("float32")
print("output:", to_numpy(wrapped(x3)).round(3).tolist())
print("variables:", [(v.name, tuple(v.shape), v.trainable) for v in wrapped.weights])

# %% [markdown]
# ### Train it with `fit`
#
# A `Sequential` model with the wrapped module is compiled and fitted like any Keras model; the
# optimizer updates the PyTorch parameters.

# %%
x_line = rng.normal(size=(256, 3)).astype("float32")
y_line = (x_line @ np.array([[1.0, 0.0], [-2.0, 1.0], [0.5, 3.0]]) + np.array([0.3, -0.7])).astype("float32")
line_model = keras.Sequential([keras.Input((3,)), keras.layers.TorchModuleWrapper(torch.nn.Linear(3, 2))])
line_model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
line_history = line_model.fit(x_line, y_line, epochs=60, batch_size=64, verbose=0)
print(f"loss {line_history.history['loss'][0]:.3f} -> {line_history.history['loss'][-1]:.5f}")

# %% [markdown]
# ### Layouts: PyTorch convolutions want channels first
#
# Keras stores images as (N, H, W, C), channels last; a `torch.nn.Conv2d` reads (N, C, H, W). Fed a
# Keras-layout batch, the PyTorch convolution takes the height for the channels and refuses; after
# `np.transpose(images, (0, 3, 1, 2))` it runs. Weights differ in the same way: a PyTorch kernel is
# (out, in, kh, kw), a Keras `Conv2D` kernel (kh, kw, in, out). With both converted, Keras's
# `Conv2D` and the PyTorch module compute the same feature maps.

# %%
conv = torch.nn.Conv2d(3, 4, kernel_size=3)
keras_images = rng.normal(size=(2, 8, 6, 3)).astype("float32")  # (N, H, W, C): Keras's layout
refusal = expect_error(RuntimeError, lambda: conv(torch.tensor(keras_images)))  # read as 8 channels
torch_images = np.transpose(keras_images, (0, 3, 1, 2))  # (N, C, H, W): PyTorch's layout
with torch.no_grad():
    torch_maps = conv(torch.tensor(torch_images)).numpy()
assert torch_maps.shape == (2, 4, 6, 4)

keras_conv = keras.layers.Conv2D(4, 3)
keras_conv.build((None, 8, 6, 3))
keras_conv.set_weights([conv.weight.detach().numpy().transpose(2, 3, 1, 0), conv.bias.detach().numpy()])
keras_maps = to_numpy(keras_conv(keras_images))  # (N, H, W, C) again
np.testing.assert_allclose(np.transpose(keras_maps, (0, 3, 1, 2)), torch_maps, rtol=1e-4, atol=1e-5)
print("Keras layout into Conv2d:", str(refusal).splitlines()[0][:90])
print("after the transpose: PyTorch and Keras feature maps agree, shape", torch_maps.shape)

# %% [markdown]
# ## Pros
#
# - **No rewrite** of the PyTorch module; its parameters are trained in place.
# - **All of Keras around it**: `fit`, metrics, callbacks, `save_weights`.
# - **Both directions** on this backend: PyTorch in Keras, and Keras layers as PyTorch modules.

# %% [markdown]
# ## Cons
#
# - **PyTorch backend only**; the model no longer runs on JAX or TensorFlow.
# - **Layout conventions differ**: PyTorch convolutions want channels first (N, C, H, W) where
#   Keras defaults to channels last; permute explicitly.
# - **Saving a whole model** needs the module class importable when loading; weights alone are
#   the simple path.

# %% [markdown]
# ## Picture
#
# ### A PyTorch CNN trained by Keras on the digits
#
# A small PyTorch convolutional network (`Conv2d` → ReLU → max-pool → linear) is wrapped and
# trained with `fit` on 1,500 of scikit-learn's 8 × 8 digits; the rest are held out. Left: loss and
# accuracy per epoch; right: held-out digits with the predicted labels.

# %%
digits = load_digits()
images = (digits.images / 16.0).astype("float32")[:, None, :, :]  # (N, 1, 8, 8): channels first
labels = digits.target.astype("int64")
order = rng.permutation(len(images))
train_idx, test_idx = order[:1500], order[1500:]


class TorchCNN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 8, kernel_size=3, padding=1)
        self.pool = torch.nn.MaxPool2d(2)
        self.head = torch.nn.Linear(8 * 4 * 4, 10)

    def forward(self, inputs):
        features = self.pool(torch.relu(self.conv(inputs)))
        return self.head(torch.flatten(features, start_dim=1))


cnn_module = TorchCNN()
cnn = keras.Sequential([keras.Input((1, 8, 8)),
                        keras.layers.TorchModuleWrapper(cnn_module, name="torch_cnn")])
cnn.compile(optimizer=keras.optimizers.Adam(0.01),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
conv_before = cnn_module.conv.weight.detach().clone()
cnn_history = cnn.fit(images[train_idx], labels[train_idx], epochs=8, batch_size=64, verbose=0)

predicted = to_numpy(cnn.predict(images[test_idx], verbose=0)).argmax(axis=1)
fig = plt.figure(figsize=(11, 3.6))
curve = fig.add_subplot(1, 3, 1)
curve.plot(cnn_history.history["loss"], label="loss")
curve.plot(cnn_history.history["accuracy"], label="accuracy")
curve.set_xlabel("epoch")
curve.set_title("fit on a wrapped PyTorch CNN")
curve.legend()
for i in range(8):
    ax = fig.add_subplot(2, 6, 3 + i + (i // 4) * 2)
    ax.imshow(images[test_idx[i], 0], cmap="gray_r")
    right = predicted[i] == labels[test_idx[i]]
    ax.set_title(f"pred {predicted[i]}", color="green" if right else plots.ACCENT, fontsize=9)
    ax.axis("off")
fig.tight_layout()
plt.close(fig)
losses, accuracies = cnn_history.history["loss"], cnn_history.history["accuracy"]
assert losses[-1] < losses[0] and accuracies[-1] > accuracies[0]
shown_right = int(np.sum(predicted[:8] == labels[test_idx[:8]]))
plots.show(fig, f"Notice that the loss falls while the accuracy climbs over the 8 epochs of fit, and that "
                f"{shown_right} of the 8 held-out digits shown carry their correct label (green titles).")

# %% [markdown]
# ## Table
#
# | API | Arguments | What it does | Proved below |
# |---|---|---|---|
# | `keras.layers.TorchModuleWrapper(module, name=None, output_shape=None)` | a `torch.nn.Module` | `call` runs `module(inputs)`; the module's parameters become Keras variables sharing their memory | shared storage, forward vs NumPy, `fit` updates the module |
# | `layer.weights` / `trainable_weights` | | the module's parameters, as `keras.Variable`s | count and shapes |
# | a Keras layer on this backend | | is a `torch.nn.Module`: `parameters()`, use in PyTorch code | gradient through a Keras layer in a PyTorch loop |

# %% [markdown]
# ## Example
#
# ### A Keras layer trained by a plain PyTorch loop
#
# The reverse direction: a Keras `Dense` layer is a `torch.nn.Module` on this backend, so
# `torch.optim.SGD(layer.parameters())` and `loss.backward()` train it with no Keras training code.

# %%
keras_dense = keras.layers.Dense(1)
keras_dense.build((None, 3))
optimizer = torch.optim.SGD(keras_dense.parameters(), lr=0.1)
x_t = torch.tensor(x_line)
y_t = torch.tensor(y_line[:, :1])
for _ in range(100):
    optimizer.zero_grad()
    loss = torch.mean((keras_dense(x_t) - y_t) ** 2)
    loss.backward()
    optimizer.step()
print(f"PyTorch loop over a Keras Dense: final MSE {loss.item():.5f}")

# %% [markdown]
# ## Proof
#
# ### The variables are the module's parameters: same memory, same values
#
# Each Keras variable wraps the module's own tensor (same storage address), and the layer's output
# equals NumPy's x · Wᵀ + b with the module's weight and bias (fails if the wrapper had copied the
# parameters: the storage addresses would differ).

# %%
weight, bias = linear.weight.detach().numpy(), linear.bias.detach().numpy()
np.testing.assert_allclose(to_numpy(wrapped(x3)), x3 @ weight.T + bias, rtol=1e-5, atol=1e-6)
pointers = {v.value.data_ptr() for v in wrapped.weights}
assert pointers == {linear.weight.data_ptr(), linear.bias.data_ptr()}
assert wrapped.count_params() == 3 * 2 + 2
print("the wrapper's variables share storage with the module's parameters")

# %% [markdown]
# ### `fit` trains the PyTorch module itself
#
# After `fit`, the module's parameters (read through PyTorch) are what the wrapper reports, the
# line is recovered (weights within 0.05 of NumPy's least-squares solution), and the digits CNN's
# convolution kernel moved from its starting value.

# %%
module = line_model.layers[0].module
w_torch, b_torch = module.weight.detach().numpy(), module.bias.detach().numpy()
keras_values = [to_numpy(v) for v in line_model.layers[0].weights]
assert any(np.array_equal(v, w_torch) for v in keras_values)
assert any(np.array_equal(v, b_torch) for v in keras_values)
design = np.hstack([x_line, np.ones((len(x_line), 1), "float32")])
solution, *_ = np.linalg.lstsq(design, y_line, rcond=None)
np.testing.assert_allclose(w_torch.T, solution[:3], atol=0.05)
np.testing.assert_allclose(b_torch, solution[3], atol=0.05)
assert not torch.equal(cnn_module.conv.weight.detach(), conv_before)
print("least squares:", solution[:3].T.round(3).tolist(), "| module:", w_torch.round(3).tolist())

# %% [markdown]
# ### The CNN learned the digits, and its forward pass is PyTorch's
#
# Held-out accuracy is far above chance (one digit in ten), and Keras's prediction equals calling the module
# directly in PyTorch (fails if the wrapper changed the computation, e.g. a layout permutation).

# %%
accuracy = float(np.mean(predicted == labels[test_idx]))
assert accuracy > 0.85, accuracy
with torch.no_grad():
    direct = cnn_module(torch.tensor(images[test_idx])).numpy()
np.testing.assert_allclose(to_numpy(cnn.predict(images[test_idx], verbose=0)), direct, rtol=1e-4, atol=1e-4)
print(f"held-out accuracy {accuracy:.3f}")

# %% [markdown]
# ### A Keras layer is a `torch.nn.Module` here, and a PyTorch loop trains it
#
# `parameters()` yields the Dense layer's kernel and bias, and 100 steps of `torch.optim.SGD`
# reached the least-squares fit of the first output (fails if `backward` did not reach the Keras
# variables: the loss would not move).

# %%
assert isinstance(keras_dense, torch.nn.Module)
assert sum(p.numel() for p in keras_dense.parameters()) == 3 + 1
kernel, dense_bias = keras_dense.get_weights()
np.testing.assert_allclose(kernel, solution[:3, :1], atol=0.02)
np.testing.assert_allclose(dense_bias, solution[3, :1], atol=0.02)
print("Dense trained by PyTorch:", kernel.ravel().round(3).tolist())

# %% [markdown]
# ## Application
#
# ### Weights saved by Keras load back into a fresh PyTorch module
#
# `save_weights` stores the wrapped module's parameters; a new model around a *new* `TorchCNN`
# loads them and predicts exactly as the trained one.

# %%
import tempfile

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "torch_cnn.weights.h5")
    cnn.save_weights(path)
    fresh_module = TorchCNN()
    fresh = keras.Sequential([keras.Input((1, 8, 8)), keras.layers.TorchModuleWrapper(fresh_module)])
    fresh.load_weights(path)
np.testing.assert_array_equal(to_numpy(fresh.predict(images[test_idx], verbose=0)),
                              to_numpy(cnn.predict(images[test_idx], verbose=0)))
assert torch.equal(fresh_module.conv.weight, cnn_module.conv.weight)
print("the fresh PyTorch module now holds the trained weights")

# %% [markdown]
# ## Key terms
#
# - **`torch.nn.Module`**: PyTorch's base class for layers and models.
# - **Shared storage**: two objects viewing the same tensor memory; writing one changes the other.
# - **Channels first / last**: PyTorch's (N, C, H, W) image layout / Keras's default (N, H, W, C).
# - **Reverse bridge**: on the PyTorch backend, Keras layers are PyTorch modules.

# %% [markdown]
# ## Summary
#
# - `TorchModuleWrapper(module)` makes a PyTorch module a Keras layer on the PyTorch backend; its
#   variables share memory with the module, so `fit` trains the module itself.
# - The forward pass is the module's (proved against NumPy and against PyTorch directly).
# - PyTorch wants channels first and stores kernels output-first: transpose data and weights when
#   moving between the two.
# - On this backend Keras layers are `torch.nn.Module`s, trainable from a PyTorch loop.
# - Weights go through `save_weights`/`load_weights` into a fresh module.

# %% [markdown]
# ## Exercises
#
# Each exercise prints its task and how you know you are done; `ex.check(...)` says what is right
# and what is not yet. Uncomment `ex.hint()` for a nudge, and `ex.solution()` once you have tried.

# %% [markdown]
# ### Exercise 17c.1 · Keras images for a PyTorch convolution

# %%
ex = exercise("17c.1")  # prints the task and how you know you are done


def to_channels_first(images):
    ...  # your code here


ex.check(to_channels_first)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 17c.2 · A PyTorch `Linear` layer's weights in a Keras `Dense`

# %%
ex = exercise("17c.2")


def linear_to_dense(weight, bias):
    ...  # your code here


ex.check(linear_to_dense)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: -all
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 06 · Core layers
#
# The core layers are the parts almost every model is assembled from: `Input` says what comes in,
# `InputSpec` lets a layer reject what it cannot use, `Dense` and `EinsumDense` are the learned linear
# maps, `Activation` applies a fixed function, `Embedding` and `ReversibleEmbedding` turn token ids
# into vectors (and back into token scores), `Masking` marks padded time steps, `Lambda` wraps a
# plain function, and `Identity` does nothing on purpose. Quantization (`int8`) makes a trained layer
# smaller.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/notebooks/06_core_layers.ipynb)

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
# The tools used all along: Keras, NumPy for the independent checks, matplotlib with the course
# style, and the two course utilities `to_numpy` and `expect_error`.

# %%
import os
import tempfile
import warnings

import keras
import matplotlib.pyplot as plt
import numpy as np
from scipy.special import erf

from helpers import plots
from helpers.nbtools import expect_error, to_numpy
from helpers.selfcheck import exercise

plots.use_course_style()
rng = np.random.default_rng(0)  # every synthetic array below comes from this generator
BACKEND = keras.backend.backend()
print("backend:", BACKEND)

# %% [markdown]
# ## What
#
# | Layer | What it computes | Weights |
# |---|---|---|
# | `Input` / `InputLayer` | nothing: declares shape and dtype of a model's input | none |
# | `InputSpec` | nothing: a contract a layer checks its input against | none |
# | `Dense` | `activation(x @ W + b)` over the **last** axis | `W`, `b` |
# | `EinsumDense` | `np.einsum(equation, x, W) + b`, any axes | `W`, `b` |
# | `Activation` | a fixed function, element-wise (or along an axis for softmax) | none |
# | `Embedding` | row lookup `E[ids]` | table `E` |
# | `ReversibleEmbedding` | `E[ids]` forward, `h @ Eᵀ` in reverse | table `E` (shared) |
# | `Masking` | sets masked steps to 0, keeps the rest, attaches a mask | none |
# | `Lambda` | any Python function of the input | none |
# | `Identity` | returns its input | none |
#
# The first cell shows the central fact about `Dense`: it acts on the **last axis only**. On a 3-D
# input of shape `(batch, time, features)` the same kernel is applied at every time step.

# %%
dense = keras.layers.Dense(5, activation="tanh")
x3 = rng.normal(size=(2, 7, 3)).astype("float32")  # (batch, time, features)
y3 = to_numpy(dense(x3))
kernel, bias = dense.get_weights()
assert y3.shape == (2, 7, 5) and kernel.shape == (3, 5)  # fails if Dense flattened time x features
np.testing.assert_allclose(y3, np.tanh(np.einsum("btf,fu->btu", x3, kernel) + bias), rtol=1e-5, atol=1e-6)
print("Dense on (2, 7, 3) ->", y3.shape, "with a kernel of", kernel.shape)

# %% [markdown]
# ## Where
#
# All of them live in `keras.layers`; `Input` and `InputSpec` are also at the top level
# (`keras.Input`, `keras.InputSpec`). `keras.Input(...)` is a function: it builds an `InputLayer`
# and returns that layer's symbolic output, a `KerasTensor`.

# %%
names = ["Input", "InputLayer", "InputSpec", "Dense", "EinsumDense", "Activation", "Embedding",
         "ReversibleEmbedding", "Masking", "Lambda", "Identity"]
assert all(hasattr(keras.layers, name) for name in names)
assert keras.Input is keras.layers.Input and keras.InputSpec is keras.layers.InputSpec

# %% [markdown]
# ## Why
#
# - **`Dense`** is the universal learned linear map; **`EinsumDense`** is `Dense` for tensors, which
#   projects several axes at once (the query/key/value projections of attention).
# - **`Embedding`** replaces a one-hot vector times a matrix by a row lookup; **`ReversibleEmbedding`**
#   reuses the same table to score tokens at the output (weight tying).
# - **`Input`/`InputSpec`** make shapes explicit, so mistakes fail early with a clear message.
# - **`Masking`** (and `mask_zero`) lets variable-length sequences share one padded batch.
# - **`Activation`, `Lambda`, `Identity`** are glue: a fixed function, a quick custom function, a
#   placeholder.

# %% [markdown]
# ## When
#
# | Situation | Use |
# |---|---|
# | Start a model | `keras.Input(shape, dtype=...)` (not `input_shape=`/`input_dim=` on a layer) |
# | Features → features on the last axis | `Dense` |
# | Project to `(heads, head_dim)` or mix several axes | `EinsumDense` |
# | Integer ids → vectors | `Embedding` (`mask_zero=True` if id 0 is padding) |
# | Float sequences padded with a sentinel value | `Masking(mask_value=...)` |
# | A custom layer needs a certain rank or feature size | set `self.input_spec = InputSpec(...)` |
# | A stateless function in an experiment you will not save | `Lambda` |
# | A model you will save and share | a `Layer` subclass instead of `Lambda` |
# | A placeholder that keeps masks | `Identity` |
# | Faster training on GPU/TPU | a mixed dtype policy (deep dive) |
# | Smaller, faster inference | `layer.quantize("int8")` after training |

# %% [markdown]
# ## Who
#
# - **Everyone** uses `Input` and `Dense`; **NLP engineers** live on `Embedding` and masks.
# - **Transformer authors** use `EinsumDense` (Keras's own `MultiHeadAttention` does).
# - **Library authors** use `InputSpec`; **deployment engineers** use dtype policies and quantization.

# %% [markdown]
# ## How
#
# We take the APIs one at a time.
#
# ### `Input` and `InputLayer`
#
# `keras.Input(shape, batch_size=None, dtype=None, name=None, ...)` declares one input **without the
# batch axis**: the batch dimension is added as `None`. `keras.layers.InputLayer(shape=...)` is the
# layer object underneath; you rarely create it yourself, but it is what `Input` builds and what a
# saved functional model stores.

# %%
tokens = keras.Input(shape=(12,), dtype="int32", name="tokens")
assert tokens.shape == (None, 12) and tokens.dtype == "int32"

input_layer = keras.layers.InputLayer(shape=(3,), name="explicit_input")
assert input_layer.output.shape == (None, 3)
via_layer = keras.Sequential([input_layer, keras.layers.Dense(2)])
assert via_layer.inputs[0].shape == (None, 3)
print(tokens, "|", input_layer.output)

# %% [markdown]
# ### `InputSpec`: a contract checked on every call
#
# A layer that sets `self.input_spec = keras.InputSpec(ndim=..., axes={axis: size}, ...)` makes
# Keras check each input **before** `call` runs. `PairwiseSquare` below needs a 2-D input whose last
# axis has 4 features; anything else is refused with a `ValueError` that names the rule broken.

# %%
class PairwiseSquare(keras.layers.Layer):
    """Squares each of exactly four features; declares that contract with an InputSpec."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.input_spec = keras.InputSpec(ndim=2, axes={-1: 4})

    def call(self, inputs):
        return inputs * inputs


square = PairwiseSquare()
good = rng.normal(size=(3, 4)).astype("float32")
np.testing.assert_allclose(to_numpy(square(good)), good**2, rtol=1e-6)

wrong_rank = expect_error(ValueError, lambda: square(np.ones((3, 2, 4), "float32")))
wrong_size = expect_error(ValueError, lambda: square(np.ones((3, 5), "float32")))
assert "expected ndim=2, found ndim=3" in str(wrong_rank)
assert "expected axis -1 of input shape to have value 4" in str(wrong_size)
print(str(wrong_rank).split(". Full")[0])
print(str(wrong_size))

# %% [markdown]
# ### `Dense`
#
# `Dense(units, activation=None, use_bias=True, kernel_initializer="glorot_uniform", ...)` computes
# `activation(x @ kernel + bias)` with `kernel` of shape `(input_features, units)`. Its parameter
# count is `input_features * units + units`.

# %%
classifier = keras.layers.Dense(4, activation="softmax")
x = rng.normal(size=(6, 10)).astype("float32")
probabilities = to_numpy(classifier(x))
kernel, bias = classifier.get_weights()
logits = x @ kernel + bias
expected = np.exp(logits - logits.max(axis=1, keepdims=True))
expected /= expected.sum(axis=1, keepdims=True)
np.testing.assert_allclose(probabilities, expected, rtol=1e-5, atol=1e-6)
assert classifier.count_params() == 10 * 4 + 4
print("params:", classifier.count_params())

# %% [markdown]
# ### `EinsumDense`
#
# `EinsumDense(equation, output_shape, activation=None, bias_axes=None)` multiplies the input by a
# kernel according to an Einstein-summation `equation` of the form `"input,kernel->output"`.
# `output_shape` gives the output **without the batch axis** (`None` for an axis that keeps the
# input's size); `bias_axes` names the output letters the bias spans. The projection of multi-head
# attention, from `(batch, time, model_dim)` to `(batch, time, heads, head_dim)`, is one equation:

# %%
heads, head_dim, model_dim = 2, 4, 8
project = keras.layers.EinsumDense("btd,dhk->bthk", output_shape=(None, heads, head_dim), bias_axes="hk")
sequence = rng.normal(size=(3, 5, model_dim)).astype("float32")
projected = to_numpy(project(sequence))
kernel, bias = project.get_weights()
assert kernel.shape == (model_dim, heads, head_dim) and bias.shape == (heads, head_dim)
np.testing.assert_allclose(projected, np.einsum("btd,dhk->bthk", sequence, kernel) + bias, rtol=1e-5, atol=1e-5)
print("input", sequence.shape, "-> output", projected.shape)

# %% [markdown]
# ### `Activation`
#
# `Activation(fn)` applies a named or callable activation as a layer of its own (useful when
# something, say a normalization, must sit between the linear map and the nonlinearity). It has no
# weights.

# %%
relu_layer = keras.layers.Activation("relu")
gelu_layer = keras.layers.Activation(keras.activations.gelu)
z = np.linspace(-3, 3, 13, dtype="float32")
np.testing.assert_array_equal(to_numpy(relu_layer(z)), np.maximum(z, 0))
gelu_numpy = 0.5 * z * (1 + erf(z / np.sqrt(2)))  # the exact GELU, from SciPy
np.testing.assert_allclose(to_numpy(gelu_layer(z)), gelu_numpy, rtol=1e-5, atol=1e-6)
assert relu_layer.count_params() == 0

# %% [markdown]
# ### `Embedding`
#
# `Embedding(input_dim, output_dim, mask_zero=False)` holds a table `E` of shape
# `(input_dim, output_dim)`: one row per token id. Calling it on integer ids returns `E[ids]`, which
# equals `one_hot(ids) @ E` without building the one-hot matrix. With `mask_zero=True`, id 0 is
# reserved for padding and the layer produces a boolean mask `ids != 0` that masking-aware layers
# downstream (RNNs, attention, pooling) use.

# %%
vocabulary, width = 10, 3
embed = keras.layers.Embedding(vocabulary, width, mask_zero=True)
ids = np.array([[4, 7, 2, 0, 0], [9, 1, 0, 0, 0]])
vectors = to_numpy(embed(ids))
table = to_numpy(embed.embeddings)
np.testing.assert_array_equal(vectors, table[ids])
np.testing.assert_allclose(vectors, np.eye(vocabulary)[ids] @ table, rtol=1e-6, atol=1e-7)
mask = to_numpy(embed.compute_mask(ids))
np.testing.assert_array_equal(mask, ids != 0)
print("vectors:", vectors.shape, "\nmask:\n", mask)

# %% [markdown]
# ### `ReversibleEmbedding`
#
# `ReversibleEmbedding(input_dim, output_dim, tie_weights=True)` is an `Embedding` that can also run
# backwards: `layer(ids)` looks rows up, `layer(hidden, reverse=True)` returns `hidden @ Eᵀ`, one
# score (logit) per vocabulary entry, **with the same table**. That is the tied input/output
# embedding of most language models. `tie_weights=False` keeps a separate output matrix instead.

# %%
tied = keras.layers.ReversibleEmbedding(vocabulary, width)
forward = to_numpy(tied(ids))
hidden = rng.normal(size=(4, width)).astype("float32")
scores = to_numpy(tied(hidden, reverse=True))
table = to_numpy(tied.embeddings)
np.testing.assert_array_equal(forward, table[ids])
np.testing.assert_allclose(scores, hidden @ table.T, rtol=1e-5, atol=1e-6)
assert scores.shape == (4, vocabulary) and len(tied.weights) == 1

untied = keras.layers.ReversibleEmbedding(vocabulary, width, tie_weights=False)
untied(ids)
assert [v.name for v in untied.weights] == ["embeddings", "reverse_embeddings"]
print("tied weights:", [v.name for v in tied.weights], "| untied:", [v.name for v in untied.weights])

# %% [markdown]
# ### `Masking`
#
# `Masking(mask_value=0.0)` is for **float** sequences: a time step is masked when **all** of its
# features equal `mask_value`. It attaches the mask `any(x != mask_value, axis=-1)` and **sets the
# masked steps to 0** (`where(mask, x, 0)`); the other steps pass unchanged. With the default
# `mask_value=0.0` the zeroing is invisible, so the cell pads with −1, where it shows. (The deep dive
# shows what the mask does to an RNN.)

# %%
masking = keras.layers.Masking(mask_value=-1.0)
padded = rng.normal(size=(2, 5, 3)).astype("float32")
padded[0, 3:] = -1.0  # two padded steps
padded[1, 1, 0] = -1.0  # one feature equal to -1 is not padding
step_mask = np.any(padded != -1.0, axis=-1)
masked_output = to_numpy(masking(padded))
np.testing.assert_array_equal(to_numpy(masking.compute_mask(padded)), step_mask)  # fails if one -1 masked the step
np.testing.assert_array_equal(masked_output, np.where(step_mask[..., None], padded, 0.0))
assert not np.array_equal(masked_output, padded)  # fails if Masking returned its input unchanged
print(step_mask, "\npadded steps of row 0 after Masking:", masked_output[0, 3:].tolist())

# %% [markdown]
# ### `Lambda`
#
# `Lambda(function, output_shape=None, mask=None, arguments=None)` turns a function of tensors into
# a layer, with no class to write. Keras infers the output shape by running the function
# symbolically. It is for quick, stateless expressions: a `Lambda` creates **no weights of its own**.

# %%
doubled_norm = keras.layers.Lambda(lambda t: 2.0 * keras.ops.sqrt(keras.ops.sum(t * t, axis=-1, keepdims=True)))
v = rng.normal(size=(4, 3)).astype("float32")
np.testing.assert_allclose(to_numpy(doubled_norm(v)), 2 * np.linalg.norm(v, axis=-1, keepdims=True), rtol=1e-5)
assert doubled_norm.compute_output_shape((None, 3)) == (None, 1) and doubled_norm.count_params() == 0

# %% [markdown]
# It can still carry a weight you hand it: a `keras.Variable` passed through `arguments=` is tracked,
# and `fit` trains it; one the function merely captures from outside is not. The cell trains
# `y = s · x` towards `3x` with `x = 1`, and NumPy follows each SGD step, `s ← s − lr · 2(s − 3)`.
# (A layer that owns weights is still better written as a `Layer` subclass: notebook 01.)

# %%
scale = keras.Variable(2.0, name="scale")
scaled = keras.layers.Lambda(lambda t, s: s * t, arguments={"s": scale})
captured = keras.layers.Lambda(lambda t: scale * t)
np.testing.assert_allclose(to_numpy(scaled(v)), 2.0 * v, rtol=1e-6)
captured(v)
assert len(scaled.trainable_weights) == 1 and scaled.trainable_weights[0] is scale  # tracked
assert captured.weights == []  # captured from outside: not tracked

scaled_model = keras.Sequential([keras.Input((1,)), scaled])
scaled_model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
ones = np.ones((8, 1), "float32")
scaled_model.fit(ones, 3 * ones, batch_size=8, epochs=5, verbose=0)
expected_scale = 2.0
for _ in range(5):
    expected_scale -= 0.1 * 2 * (expected_scale - 3.0)
np.testing.assert_allclose(float(to_numpy(scale)), expected_scale, atol=1e-5)
print(f"after 5 SGD steps the Lambda's scale is {float(to_numpy(scale)):.4f} (NumPy: {expected_scale:.4f})")

# %% [markdown]
# ### `Identity`
#
# `Identity()` returns its input untouched (same values, same shape) and passes a mask on. It is the
# honest way to write a placeholder, a switchable branch (`Identity()` or `Dropout(...)`), or a
# named tap point in a functional model.

# %%
identity = keras.layers.Identity(name="tap")
np.testing.assert_array_equal(to_numpy(identity(v)), v)
assert identity.count_params() == 0 and identity.compute_output_shape((None, 3)) == (None, 3)

# %% [markdown]
# ### Quantization: `layer.quantize(mode)`
#
# After training, `Dense.quantize("int8")` (also on `EinsumDense`) replaces the float32 kernel by an
# **int8 kernel and one float scale per output unit**: the scale is `127 / max|column|`, the kernel
# `round(W * scale)`. Inputs are quantized the same way at call time, the matmul runs on integers,
# and the result is divided by both scales. `"float8"` rounds to float8 (e4m3) values instead. The
# weights a quantized `Dense` holds:

# %%
for mode in ("int8", "float8"):
    layer = keras.layers.Dense(8, name=f"dense_{mode}")
    layer(np.ones((1, 16), "float32"))
    layer.quantize(mode)
    print(f"{mode:6s} policy {layer.dtype_policy.name:22s}",
          [(w.name, keras.backend.standardize_dtype(w.dtype)) for w in layer.weights][:4])
    assert layer.dtype_policy.name == f"{mode}_from_float32"

# %% [markdown]
# ## Pros
#
# - One line each, with sensible defaults; `EinsumDense` avoids reshapes and names the axes it mixes.
# - `Embedding` lookups are cheap and produce the padding mask for free (`mask_zero=True`).
# - Mixed precision and quantization are a policy or a method call away, with no model rewrite.

# %% [markdown]
# ## Cons
#
# - `Dense` mixes only the last axis; flattening images into it throws away spatial structure
#   (use convolutions, notebook 07).
# - `Masking` only looks for an exact sentinel value across **all** features; a real data point
#   equal to it everywhere is silently masked.
# - `Lambda` does not save portably (bytecode, `safe_mode`), creates no weights of its own, and drops
#   masks unless given `mask=`.
# - Float16 compute can overflow (max ≈ 65504); quantization adds a bounded but real error.

# %% [markdown]
# ## Picture
#
# ### An embedding table read both ways
#
# Left: the lookup `Embedding(ids)` picks rows of the table. Right: the reverse pass of a
# `ReversibleEmbedding` scores a hidden vector against **every** row of the same table (`h @ Eᵀ`);
# with unit-length rows the highest score is the row the vector points along.

# %%
picture_table = rng.normal(size=(vocabulary, width)).astype("float32")
picture_table /= np.linalg.norm(picture_table, axis=1, keepdims=True)  # unit rows: dot product = cosine
pictured = keras.layers.ReversibleEmbedding(vocabulary, width)
pictured(ids)
pictured.set_weights([picture_table])
query = 3.0 * picture_table[7]  # a hidden vector pointing along row 7
picture_scores = to_numpy(pictured(query[None, :], reverse=True))[0]
np.testing.assert_allclose(picture_scores, picture_table @ query, rtol=1e-5, atol=1e-6)
assert int(np.argmax(picture_scores)) == 7  # Cauchy-Schwarz: with unit rows, row 7 scores highest

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [1, 1.3]})
image = left.imshow(picture_table, cmap="RdBu_r", aspect="auto")
for row in (4, 7, 2):
    left.add_patch(plt.Rectangle((-0.5, row - 0.5), width, 1, fill=False, edgecolor="black", lw=2))
left.set(title="Table E: ids 4, 7, 2 look up rows", xlabel="embedding dimension", ylabel="token id",
         yticks=range(vocabulary), xticks=range(width))
left.grid(False)
fig.colorbar(image, ax=left)
colours = ["#c0392b" if i == 7 else "#7f8c8d" for i in range(vocabulary)]
right.bar(range(vocabulary), picture_scores, color=colours)
right.set(title="Reverse mode: scores h @ Eᵀ for h ∝ row 7", xlabel="token id", ylabel="score (logit)",
          xticks=range(vocabulary))
fig.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that the lookup reads three whole rows of the table, while the reverse mode scores "
           "every row and the bar of token 7, the row the hidden vector points along, is the highest.")

# %% [markdown]
# ## Table
#
# | API | Key arguments | Output shape | Parameters |
# |---|---|---|---|
# | `keras.Input` | `shape`, `dtype`, `batch_size`, `name` | `(None, *shape)` | 0 |
# | `InputLayer` | `shape`, `dtype`, `batch_size` | `(None, *shape)` | 0 |
# | `InputSpec` | `ndim`, `min_ndim`, `max_ndim`, `axes`, `dtype`, `shape` | (no output) | 0 |
# | `Dense` | `units`, `activation`, `use_bias` | `(..., units)` | `f·u + u` |
# | `EinsumDense` | `equation`, `output_shape` (required), `bias_axes`, `activation` | from `output_shape` | kernel + bias sizes |
# | `Activation` | `activation` | same as input | 0 |
# | `Embedding` | `input_dim`, `output_dim`, `mask_zero` | `(..., output_dim)` | `input_dim · output_dim` |
# | `ReversibleEmbedding` | as `Embedding`, plus `tie_weights`, `logit_soft_cap` | forward `(..., output_dim)`; reverse `(..., input_dim)` | `V·D` tied, `2·V·D` untied |
# | `Masking` | `mask_value` | same as input | 0 |
# | `Lambda` | `function`, `output_shape` | inferred | 0 |
# | `Identity` | none | same as input | 0 |
#
# (The deep dive proves the parameter column for every row.)

# %% [markdown]
# ## Example
#
# ### A common text model from older tutorials, fixed for Keras 3
#
# Older tutorials build a sentence classifier as
# `Embedding(10000, 128, input_length=10) → Masking(0) → Dense(64) → Lambda(lambda x: x) → Dense(1)`
# and train it on one label per sentence. Four things are wrong for Keras 3:
#
# 1. `input_length` no longer exists: Keras 3 only warns and ignores it (the deep dive proves it).
# 2. `Masking(mask_value=0)` after an `Embedding` masks nothing: it looks for steps whose
#    **embedding vector** is all zeros, and learned vectors never are. Use `Embedding(mask_zero=True)`.
# 3. `Lambda(lambda x: x)` as a placeholder is **not** `Identity()`: a `Lambda` without `mask=`
#    drops the mask (any lambda that computes a new tensor, even `lambda x: 1.0 * x`, loses it), so
#    the layers after it read the padding as data; `Identity` keeps it (the deep dive proves it).
# 4. The fatal one: `Dense` acts on the last axis only, so the model outputs one score **per
#    token**, `(None, 10, 1)`, and `fit` with one label per sentence fails on every backend.
#    Something must reduce the time axis first: here a `GlobalAveragePooling1D`, which averages
#    the unmasked tokens only.
#
# Point 2, proved: on padded ids, `Masking(0.0)` after an `Embedding` masks no step, while
# `mask_zero=True` masks exactly the padding.

# %%
sentence_ids = rng.integers(1, 100, size=(2, 10))
sentence_ids[:, 6:] = 0  # padding that the Masking layer is meant to mask
after_embedding = keras.layers.Embedding(100, 8)(sentence_ids)
masking_mask = to_numpy(keras.layers.Masking(0.0).compute_mask(after_embedding))
assert masking_mask.all()  # nothing masked: the padded steps carry row 0 of the table, not zeros
real_mask = to_numpy(keras.layers.Embedding(100, 8, mask_zero=True).compute_mask(sentence_ids))
assert not real_mask[:, 6:].any() and real_mask[:, :6].all()
print("Masking after Embedding masks", int((~masking_mask).sum()), "steps; mask_zero masks", int((~real_mask).sum()))

# %% [markdown]
# Point 4, proved: the tutorial's model (even with `mask_zero` and `Identity`) outputs
# `(None, 10, 1)`, and `fit` on one label per sentence raises. The fixed model pools over time
# before its last `Dense` and learns the task: sentences of 3 to 10 tokens, padded with 0, labelled
# 1 when their tokens come from the lower half of the vocabulary.

# %%
def numpy_uniform(shape, dtype=None):
    """Initial weights drawn by NumPy: on JAX, the default initializers compile first, which costs
    more CPU time than the proofs that use them."""
    return rng.uniform(-0.5, 0.5, size=shape).astype(dtype or "float32")


n_sentences, max_len = 200, 10
text_labels = rng.integers(0, 2, size=n_sentences).astype("float32")
text_ids = np.zeros((n_sentences, max_len), "int32")
for row, label in enumerate(text_labels):
    n_tokens = rng.integers(3, max_len + 1)
    text_ids[row, :n_tokens] = rng.integers(1, 50, size=n_tokens) + (0 if label else 49)


def text_model(pool):
    layers_ = [keras.Input((None,), dtype="int32"),
               keras.layers.Embedding(100, 16, mask_zero=True, embeddings_initializer=numpy_uniform),
               keras.layers.Dense(16, activation="relu", kernel_initializer=numpy_uniform),
               keras.layers.Identity()]
    layers_ += [keras.layers.GlobalAveragePooling1D()] if pool else []
    model = keras.Sequential(layers_ + [keras.layers.Dense(1, activation="sigmoid", kernel_initializer=numpy_uniform)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"])
    return model


per_token = text_model(pool=False)
assert per_token.compute_output_shape((None, max_len)) == (None, max_len, 1)  # one score per token
fit_error = expect_error(ValueError, lambda: per_token.fit(text_ids, text_labels, epochs=1, verbose=0))
expected_words = {"tensorflow": "must have the same rank", "jax": "must have the same shape",
                  "torch": "must have the same shape"}[BACKEND]
assert expected_words in str(fit_error), str(fit_error)[:300]
print(f"per-token model on {BACKEND}:", str(fit_error).splitlines()[0][:110])

fixed = text_model(pool=True)
assert fixed.compute_output_shape((None, max_len)) == (None, 1)  # one score per sentence
fixed_history = fixed.fit(text_ids, text_labels, epochs=10, batch_size=n_sentences, verbose=0).history
assert fixed_history["accuracy"][-1] >= 0.95, fixed_history["accuracy"]
sentence = text_ids[:1]
n_real = int((sentence != 0).sum())
np.testing.assert_allclose(to_numpy(fixed(sentence)), to_numpy(fixed(sentence[:, :n_real])), rtol=1e-5, atol=1e-6)
print(f"fixed model: output {fixed.output_shape}, training accuracy {fixed_history['accuracy'][-1]:.0%}, "
      "and the padding does not change a sentence's score")

# %% [markdown]
# ## Proof
#
# ### `Lambda` is a weak fit for saved models
#
# A `Lambda` built from a Python `lambda` stores the function as **marshalled bytecode**, tied to
# the Python version that wrote it; loading such a file refuses to run that code unless you pass
# `safe_mode=False`. The same function written as a tiny `Layer` subclass saves as a class name plus
# a config and loads safely.

# %%
scale_lambda = keras.layers.Lambda(lambda t: 3.0 * t)
stored = scale_lambda.get_config()["function"]
assert stored["class_name"] == "__lambda__" and "code" in stored["config"]  # bytecode, base64


@keras.saving.register_keras_serializable(package="course06")
class Triple(keras.layers.Layer):
    def call(self, inputs):
        return 3.0 * inputs


with tempfile.TemporaryDirectory() as folder:
    lambda_path, class_path = os.path.join(folder, "lambda.keras"), os.path.join(folder, "class.keras")
    keras.Sequential([keras.Input((3,)), scale_lambda]).save(lambda_path)
    keras.Sequential([keras.Input((3,)), Triple()]).save(class_path)
    refusal = expect_error(ValueError, lambda: keras.models.load_model(lambda_path))
    reloaded = keras.models.load_model(class_path)
assert "safe_mode=False" in str(refusal)
np.testing.assert_allclose(to_numpy(reloaded(v)), 3.0 * v, rtol=1e-6)
print("Lambda file refused:", str(refusal)[:90], "...")

# %% [markdown]
# ## Application
#
# ### A tiny language model with tied embeddings, quantized after training
#
# The task: given a token, predict the next one, where the "language" is the rule
# `next = (3 · token + 1) mod 20`. The model embeds the token with a `ReversibleEmbedding`, passes
# it through a `Dense` layer, and scores the vocabulary with the **same** table in reverse mode.
# After training we quantize the `Dense` layer to int8 and check the predictions survive.

# %%
VOCAB, DIM = 20, 16
train_tokens = np.tile(np.arange(VOCAB), 5)  # every token five times: one full batch of 100
train_next = (3 * train_tokens + 1) % VOCAB


class TinyTiedLM(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.embed = keras.layers.ReversibleEmbedding(VOCAB, DIM, embeddings_initializer="glorot_uniform")
        self.mix = keras.layers.Dense(DIM, activation="tanh")
        self.out = keras.layers.Dense(DIM)

    def call(self, token_ids):
        return self.embed(self.out(self.mix(self.embed(token_ids))), reverse=True)


lm = TinyTiedLM()
lm.compile(optimizer=keras.optimizers.Adam(0.05), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
           metrics=["accuracy"])
history = lm.fit(train_tokens, train_next, epochs=25, batch_size=100, verbose=0)
all_tokens = np.arange(VOCAB)
float_logits = to_numpy(lm(all_tokens))
float_accuracy = np.mean(float_logits.argmax(axis=1) == (3 * all_tokens + 1) % VOCAB)
assert lm.count_params() == VOCAB * DIM + 2 * (DIM * DIM + DIM)  # one table, used twice
print(f"float accuracy on all {VOCAB} tokens: {float_accuracy:.0%}; parameters {lm.count_params()}")

# %%
lm.mix.quantize("int8")
lm.out.quantize("int8")
int8_logits = to_numpy(lm(all_tokens))
int8_accuracy = np.mean(int8_logits.argmax(axis=1) == (3 * all_tokens + 1) % VOCAB)
assert float_accuracy == 1.0 and int8_accuracy == 1.0
logit_shift = np.abs(int8_logits - float_logits).max() / np.abs(float_logits).max()
assert logit_shift < 0.05
print(f"int8 accuracy {int8_accuracy:.0%}; logits moved by at most {logit_shift:.2%} of their range")

# %%
plots.show(plots.loss_curve(history.history, title="Tied-embedding LM: training cross-entropy per epoch"),
           "Notice that the cross-entropy falls by several orders of magnitude over the 25 epochs, from "
           "about 3, the cost of a uniform guess among 20 tokens.")

# %% [markdown]
# ## Key terms
#
# - **`KerasTensor`**: the symbolic tensor `keras.Input` returns: a shape and a dtype, no values.
# - **Einsum equation**: `"input,kernel->output"`; letters missing from the output are summed over.
# - **Weight tying**: one table for the input lookup and the output scores (`h @ Eᵀ`).
# - **Mask**: a boolean `(batch, time)` tensor marking real steps, consumed by RNNs, attention, pooling.
# - **Dtype policy**: a layer's (variable dtype, compute dtype); **quantization**: weights in fewer bits
#   with a scale per output unit.

# %% [markdown]
# ## Summary
#
# - Start models with `keras.Input(shape)`; `InputSpec` gives custom layers clear shape errors.
# - `Dense` is `x @ W + b` on the last axis only; `EinsumDense` is `einsum(equation, x, W) + b`.
# - `Embedding` is a row lookup and `mask_zero=True` makes the padding mask; `Masking` is for float
#   sequences. `ReversibleEmbedding` also scores the vocabulary with `h @ Eᵀ`.
# - `Lambda` is for quick stateless code: it creates no weights (a `keras.Variable` in `arguments=`
#   is tracked), drops masks and loads only with `safe_mode=False`. Subclass `Layer` for anything
#   you save.
# - Mixed policies keep float32 variables but compute in 16 bits; `quantize("int8")` stores an int8
#   kernel with a scale per unit.

# %% [markdown]
# ## Exercises
#
# Each exercise prints its task and how you know you are done; `ex.check(...)` says what is right and
# what is not yet. A hint and a solution are there when you ask for them.

# %% [markdown]
# ### Exercise 06.1 · The output projection of attention
#
# The How section projected `(batch, time, model_dim)` to heads; this goes the other way.

# %%
ex = exercise("06.1")  # prints the task and how you know you are done


def output_projection(heads, head_dim, model_dim):
    ...  # your code here


ex.check(output_projection)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 06.2 · An `InputSpec` that accepts any rank

# %%
ex = exercise("06.2")


class SquareFour(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        ...  # your code here

    def call(self, inputs):
        return inputs * inputs


ex.check(SquareFour)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 06.3 · A `Lambda` with a weight `fit` can train

# %%
ex = exercise("06.3")


def make_shift_layer():
    ...  # your code here


ex.check(make_shift_layer)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ## Deep dive (optional)
#
# Proofs that are here for trust rather than understanding: the Table's parameter counts, where
# `keras.Input`'s layer goes, Keras 2 leftovers, masks through `Lambda` and an RNN, mixed precision
# and the arithmetic of quantization, and `Lambda` on each backend. Each subsection says what it
# proves; they reuse names from the core path, so run that first.

# %% [markdown]
# ### The Table's parameter column, proved
#
# This proves each parameter count of the Table, including the two `EinsumDense` cases (with and
# without `bias_axes`) and the tied and untied `ReversibleEmbedding`.

# %%
def params_of(layer, input_shape, dtype="float32"):
    """Build a zero-initialized copy of `layer` (fast: no random numbers) and count its weights."""
    config = layer.get_config()
    config.update({key: "zeros" for key in ("kernel_initializer", "embeddings_initializer") if key in config})
    layer = type(layer).from_config(config)
    layer(np.ones(input_shape, dtype))
    return layer.count_params()


assert params_of(keras.layers.Dense(7), (1, 5)) == 5 * 7 + 7
assert params_of(keras.layers.EinsumDense("btd,dhk->bthk", (None, 2, 4), bias_axes="hk"), (1, 3, 8)) == 8 * 2 * 4 + 2 * 4
assert params_of(keras.layers.EinsumDense("abc,cd->abd", (None, 6)), (1, 3, 4)) == 4 * 6  # no bias_axes, no bias
assert "output_shape" in str(expect_error(TypeError, lambda: keras.layers.EinsumDense("ab,bc->ac")))  # required
assert params_of(keras.layers.Embedding(50, 6), (1, 3), "int32") == 50 * 6
assert params_of(keras.layers.ReversibleEmbedding(50, 6), (1, 3), "int32") == 50 * 6
assert params_of(keras.layers.ReversibleEmbedding(50, 6, tie_weights=False), (1, 3), "int32") == 2 * 50 * 6
for stateless in (keras.layers.Activation("relu"), keras.layers.Masking(), keras.layers.Identity()):
    assert params_of(stateless, (1, 3)) == 0
print("every parameter count in the table holds")

# %% [markdown]
# ### Where the `InputLayer` behind `keras.Input` ends up
#
# This proves the Where section's description of `keras.Input`, for readers who inspect
# `model.layers`: the symbolic tensor was produced by an `InputLayer`, which a functional model
# lists among its layers and a `Sequential` model does not.

# %%
features = keras.Input(shape=(3,), name="features")
origin = features._keras_history[0]  # the layer that produced this symbolic tensor
assert isinstance(features, keras.KerasTensor) and isinstance(origin, keras.layers.InputLayer)
functional = keras.Model(features, keras.layers.Dense(2)(features))
sequential = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
print("functional:", [type(layer).__name__ for layer in functional.layers])
print("sequential:", [type(layer).__name__ for layer in sequential.layers])
assert [type(layer).__name__ for layer in functional.layers] == ["InputLayer", "Dense"]
assert [type(layer).__name__ for layer in sequential.layers] == ["Dense"]

# %% [markdown]
# ### A built `Dense` checks its input with an `InputSpec` too
#
# This proves that built-in layers use the same mechanism as the How section's `PairwiseSquare`.
# `Dense` sets such a spec itself once built: the kernel fixes the number of input features, so a
# built `Dense` refuses an input with a different last axis, with the same message.

# %%
built_dense = keras.layers.Dense(2)
built_dense(np.ones((1, 4), "float32"))
mismatch = expect_error(ValueError, lambda: built_dense(np.ones((1, 5), "float32")))
assert "expected axis -1 of input shape to have value 4" in str(mismatch)
print(type(built_dense.input_spec).__name__, "| axes:", built_dense.input_spec.axes)

# %% [markdown]
# ### `EinsumDense` versus `Dense` + reshape in an attention projection
#
# This proves that `EinsumDense` is no new arithmetic, only a clearer way to write it. The same
# projection can be written as `Dense(heads * head_dim)` followed by a reshape. With the kernel
# copied across, both give identical numbers; `EinsumDense` just says it in one layer, keeps the
# kernel in its natural `(model_dim, heads, head_dim)` shape, and lets `bias_axes` choose where
# biases go (`bias_axes="k"` shares one bias across heads, which the `Dense` version cannot
# express).

# %%
flat = keras.layers.Dense(heads * head_dim)
flat(sequence)
kernel, bias = project.get_weights()
flat.set_weights([kernel.reshape(model_dim, heads * head_dim), bias.reshape(heads * head_dim)])
via_dense = to_numpy(flat(sequence)).reshape(3, 5, heads, head_dim)
np.testing.assert_allclose(projected, via_dense, rtol=1e-5, atol=1e-5)

shared_bias = keras.layers.EinsumDense("btd,dhk->bthk", output_shape=(None, heads, head_dim), bias_axes="k")
shared_bias(sequence)
kernel_s, bias_s = shared_bias.get_weights()
assert bias_s.shape == (head_dim,)
np.testing.assert_allclose(to_numpy(shared_bias(sequence)), np.einsum("btd,dhk->bthk", sequence, kernel_s) + bias_s,
                           rtol=1e-5, atol=1e-5)
print("EinsumDense == Dense + reshape; bias_axes='k' gives a bias of shape", bias_s.shape)

# %% [markdown]
# ### `Embedding(input_length=...)` only warns
#
# This proves point 1 of the Example's text model: Keras 3 accepts `input_length` only to warn, does
# not store it, and the layer takes any sequence length.

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    legacy = keras.layers.Embedding(100, 8, input_length=10)
messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
assert messages == ["Argument `input_length` is deprecated. Just remove it."], messages
assert "input_length" not in legacy.get_config()  # fails if Keras 3 still stored it
for length in (10, 7, 23):  # the "declared" length 10 constrains nothing
    assert tuple(legacy(np.ones((2, length), "int32")).shape) == (2, length, 8)
print("Embedding(input_length=10) ->", messages[0])

# %% [markdown]
# ### `Lambda` drops a mask, `Identity` keeps it
#
# This proves point 3 of the Example's text model, for anyone who uses `Lambda` as a placeholder in
# a masked model. Behind `Embedding(mask_zero=True)`, `Identity` then `GlobalAveragePooling1D`
# averages the real tokens only (NumPy: the mean over the unpadded steps). With `Lambda(lambda x:
# 1.0 * x)` in its place the mask is gone and the padding rows are averaged in; giving the `Lambda`
# `mask=` (a function of the inputs and the mask) brings it back.

# %%
def pooled_through(middle):
    """Embedding(mask_zero=True) -> middle -> masked average pooling, on one padded sentence."""
    ids_in = keras.Input((None,), dtype="int32")
    table_layer = keras.layers.Embedding(20, 4, mask_zero=True, embeddings_initializer=numpy_uniform)
    with warnings.catch_warnings(record=True) as seen:  # Keras warns while building the model
        warnings.simplefilter("always")
        model = keras.Model(ids_in, keras.layers.GlobalAveragePooling1D()(middle(table_layer(ids_in))))
        pooled = to_numpy(model(np.array([[5, 9, 3, 0, 0, 0]])))[0]
    return pooled, to_numpy(table_layer.embeddings), [str(w.message) for w in seen]


step_mask_3 = np.array([[True, True, False]])
assert np.array_equal(to_numpy(keras.layers.Identity().compute_mask(x3[:1], step_mask_3)), step_mask_3)
assert keras.layers.Lambda(lambda t: t).compute_mask(x3[:1], step_mask_3) is None  # fails if Lambda passed masks on

real, padded_too = [5, 9, 3], [5, 9, 3, 0, 0, 0]
via_identity, table_i, identity_warnings = pooled_through(keras.layers.Identity())
via_lambda, table_l, lambda_warnings = pooled_through(keras.layers.Lambda(lambda t: 1.0 * t))
via_masked_lambda, table_m, _ = pooled_through(keras.layers.Lambda(lambda t: 1.0 * t, mask=lambda t, m: m))
np.testing.assert_allclose(via_identity, table_i[real].mean(axis=0), rtol=1e-5, atol=1e-6)
np.testing.assert_allclose(via_lambda, table_l[padded_too].mean(axis=0), rtol=1e-5, atol=1e-6)
assert not np.allclose(table_l[real].mean(axis=0), via_lambda)  # fails if the Lambda had kept the mask
np.testing.assert_allclose(via_masked_lambda, table_m[real].mean(axis=0), rtol=1e-5, atol=1e-6)
mask_lost = "was passed an input with a mask"  # the start of Keras's warning
assert not any(mask_lost in m for m in identity_warnings) and any(mask_lost in m for m in lambda_warnings)
print("Identity keeps the mask; Lambda drops it and warns:", [m for m in lambda_warnings if mask_lost in m][0][:80], "...")

# %% [markdown]
# ### Keras 2 → 3: `Dense(input_dim=...)` and `input_shape=`
#
# This proves that Keras 2 style input declarations still build, with a warning. Keras 2 let the
# first layer declare the input (`Dense(64, input_dim=784)` or `input_shape=(784,)`), and older
# tutorials do it throughout. Keras 3 warns and tells you to start with `keras.Input(shape)`. The
# warning is only a warning: a `Sequential` still builds from it, but every model in this course
# starts with `keras.Input`.

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    keras.layers.Dense(64, input_dim=784)
legacy_messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
assert len(legacy_messages) == 1 and "prefer using an `Input(shape)` object" in legacy_messages[0]
modern = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(64)])
assert modern.layers[0].kernel.shape == (784, 64)
print(legacy_messages[0][:120], "...")

# %% [markdown]
# ### Masked time steps do not change a downstream RNN
#
# This proves what a mask is for, ahead of the recurrent layers (notebook 09). Two sequences of
# different lengths are padded to 6 steps with zeros. With `Masking` in front, an `LSTM`'s final
# output equals the output of the same LSTM run on the **unpadded** sequence alone; with
# `return_sequences=True`, the output at a masked step repeats the last real step's output. Without
# the mask, the padding is fed in as data and the answer changes (the `# fails if` case).

# %%
lengths = [4, 2]
raw = [rng.normal(size=(n, 3)).astype("float32") for n in lengths]
batch = np.zeros((2, 6, 3), "float32")
for row, sequence_ in enumerate(raw):
    batch[row, : len(sequence_)] = sequence_

lstm = keras.layers.LSTM(5, return_sequences=True, kernel_initializer=numpy_uniform, recurrent_initializer=numpy_uniform)
masked_model = keras.Sequential([keras.Input((6, 3)), keras.layers.Masking(0.0), lstm])
unmasked_model = keras.Sequential([keras.Input((6, 3)), lstm])  # same LSTM weights, no mask
masked_steps = to_numpy(masked_model(batch))
unmasked_steps = to_numpy(unmasked_model(batch))
for row, sequence_ in enumerate(raw):
    alone = to_numpy(lstm(sequence_[None]))[0]
    np.testing.assert_allclose(masked_steps[row, len(sequence_) - 1], alone[-1], rtol=1e-5, atol=1e-6)
    for step in range(len(sequence_), 6):  # masked steps carry the last real output forward
        np.testing.assert_allclose(masked_steps[row, step], alone[-1], rtol=1e-5, atol=1e-6)
gap = np.abs(unmasked_steps[1, -1] - masked_steps[1, -1]).max()
assert gap > 1e-3, gap  # fails if the padding were harmless anyway
print(f"masked == unpadded; without the mask the last output moves by {gap:.3f}")

# %% [markdown]
# The picture of that proof: one LSTM unit of the short sequence, step by step. With the mask the
# output freezes after the two real steps; without it, the zeros drive it on.

# %%
fig, ax = plt.subplots(figsize=(7, 3.5))
steps = np.arange(1, 7)
ax.plot(steps, masked_steps[1, :, 0], "o-", label="with Masking (padding skipped)")
ax.plot(steps, unmasked_steps[1, :, 0], "s--", label="without Masking (zeros read as data)")
ax.axvspan(2.5, 6.5, color="grey", alpha=0.15, label="padded steps")
ax.set(title="LSTM output, unit 0, of a length-2 sequence padded to 6", xlabel="time step", ylabel="output")
ax.legend()
plt.close(fig)
plots.show(fig, "Notice that with Masking the output stays flat after the two real steps, while without it the "
           "zero padding keeps moving the output at every padded step.")

# %% [markdown]
# ### `ReversibleEmbedding`'s reverse mode is a matmul with the transposed table, also capped
#
# This proves the reverse mode once more, through `logit_soft_cap`, an argument of the Table. Shown
# in How on random hidden vectors; here also through `logit_soft_cap=c`, which squashes the scores
# to `c · tanh(scores / c)` (a trick of recent language models that keeps logits in `(-c, c)`).

# %%
capped = keras.layers.ReversibleEmbedding(vocabulary, width, logit_soft_cap=1.0)
capped(ids)
capped_table = to_numpy(capped.embeddings)
big_hidden = 30 * hidden
capped_scores = to_numpy(capped(big_hidden, reverse=True))
np.testing.assert_allclose(capped_scores, 1.0 * np.tanh(big_hidden @ capped_table.T / 1.0), rtol=1e-5, atol=1e-6)
assert np.abs(capped_scores).max() < 1.0 < np.abs(big_hidden @ capped_table.T).max()  # fails without the cap
print("soft cap holds: max |score| =", float(np.abs(capped_scores).max()))

# %% [markdown]
# ### Dtype policies: mixed precision
#
# This introduces the second way (besides quantization) to change how every core layer computes, for
# training on GPUs and TPUs. Every layer has a **dtype policy**: a **variable dtype** for its
# weights and a **compute dtype** for `call`. `"mixed_float16"` and `"mixed_bfloat16"` keep the
# weights in float32 (small updates are not lost) but compute in 16 bits (fast on GPUs/TPUs). Set it
# per layer with `dtype=`, or globally with `keras.config.set_dtype_policy` (for layers created
# afterwards; set it back when done).

# %%
half = keras.layers.Dense(3, dtype="mixed_float16")
half_out = half(rng.normal(size=(2, 4)).astype("float32"))
assert (half.variable_dtype, half.compute_dtype) == ("float32", "float16")
assert keras.backend.standardize_dtype(half.kernel.dtype) == "float32"
assert keras.backend.standardize_dtype(half_out.dtype) == "float16"
print(half.dtype_policy, "| kernel:", half.kernel.dtype, "| output:", half_out.dtype)

# %% [markdown]
# ### Mixed precision: float32 variables, 16-bit arithmetic
#
# This proves the description of mixed precision just above with NumPy, bit by bit: useful if you
# need to trust 16-bit results. Under the global policy `"mixed_bfloat16"` a new `Dense` keeps a
# float32 kernel, but its output is bfloat16. The NumPy proof of "computed in bfloat16": a bfloat16
# number is a float32 whose low 16 bits are zero, so every output, widened to float32, has zero low
# bits; and it is within bfloat16's rounding (relative `2⁻⁸`) of the exact float32 result. The
# `finally` restores the float32 policy so that nothing later in the notebook is affected.

# %%
try:
    keras.config.set_dtype_policy("mixed_bfloat16")
    mixed = keras.layers.Dense(16)
    data = rng.normal(size=(8, 32)).astype("float32")
    mixed_out = mixed(data)
    assert keras.config.dtype_policy().name == "mixed_bfloat16"
    assert keras.backend.standardize_dtype(mixed.kernel.dtype) == "float32"
    assert keras.backend.standardize_dtype(mixed_out.dtype) == "bfloat16"
    widened = to_numpy(keras.ops.cast(mixed_out, "float32"))
    exact = data @ to_numpy(mixed.kernel) + to_numpy(mixed.bias)
finally:
    keras.config.set_dtype_policy("float32")

assert keras.config.dtype_policy().name == "float32"  # restored for the rest of the notebook
assert np.all((widened.view(np.uint32) & 0xFFFF) == 0)  # fails if the output were really float32
relative = np.abs(widened - exact) / np.abs(exact).max()
assert relative.max() < 2.0**-5, relative.max()  # a few bfloat16 roundings in the sum
assert relative.max() > 1e-6  # fails if the arithmetic had been float32
print(f"bfloat16 output, float32 kernel; max relative error {relative.max():.2e}")

# %% [markdown]
# The same with `"mixed_float16"`: float16 has 10 mantissa bits, so its outputs are exactly
# representable in NumPy's `float16`, and the error against float32 is several times smaller than
# bfloat16's (in theory 2³ = 8 times: 3 more mantissa bits; bfloat16 trades precision for float32's
# range).

# %%
try:
    keras.config.set_dtype_policy("mixed_float16")
    half_dense = keras.layers.Dense(16)
    half_dense(data)
    half_dense.set_weights(mixed.get_weights())
    half_out = to_numpy(keras.ops.cast(half_dense(data), "float32"))
finally:
    keras.config.set_dtype_policy("float32")
assert keras.config.dtype_policy().name == "float32"
np.testing.assert_array_equal(half_out.astype(np.float16).astype(np.float32), half_out)
half_relative = np.abs(half_out - exact).max() / np.abs(exact).max()
assert half_relative < relative.max() / 4, (half_relative, relative.max())
print(f"float16 max relative error {half_relative:.2e} vs bfloat16 {relative.max():.2e}")

# %% [markdown]
# ### `quantize("int8")`: the exact recipe, and a bounded error
#
# This proves the int8 recipe of the How section and bounds the error it can make, for readers who
# deploy quantized models. An independent NumPy implementation of the int8 recipe described in How
# (per-column kernel scale, per-row input scale, `round`, integer matmul, divide by both scales)
# reproduces the quantized layer's output. The error against the float layer then obeys a bound we
# can write down: rounding moves each kernel entry by at most half a step, `max|column| / 254`, and
# each input by at most `max|row| / 254`, so `|y_int8 − y| ≤ Σᵢ |xᵢ| · Δw + Σᵢ |w̃ᵢ| · Δx` for every
# output.

# %%
def int8_reference(x, kernel, bias):
    """NumPy: the abs-max int8 recipe of Dense.quantize('int8'), and the error bound it implies."""
    epsilon = keras.config.epsilon()  # Keras adds it to every max so that an all-zero row is safe
    kernel_scale = 127.0 / (np.abs(kernel).max(axis=0, keepdims=True) + epsilon)
    input_scale = 127.0 / (np.abs(x).max(axis=1, keepdims=True) + epsilon)
    q_kernel = np.clip(np.round(kernel * kernel_scale), -127, 127)
    q_x = np.clip(np.round(x * input_scale), -127, 127)
    output = (q_x @ q_kernel) / (input_scale * kernel_scale) + bias
    bound = np.abs(x).sum(axis=1, keepdims=True) * (0.5 / kernel_scale) + (0.5 / input_scale) @ np.abs(
        q_kernel / kernel_scale).sum(axis=0, keepdims=True)
    return output, bound, q_kernel


x_q = rng.normal(size=(256, 64)).astype("float32")
float_dense = keras.layers.Dense(32)
float_dense(x_q)
kernel, bias = (to_numpy(w) for w in (float_dense.kernel, float_dense.bias))
y_float = x_q @ kernel + bias
int8_dense = keras.layers.Dense(32)
int8_dense(x_q)
int8_dense.set_weights([kernel, bias])
int8_dense.quantize("int8")
y_int8 = to_numpy(int8_dense(x_q))

reference, bound, q_kernel = int8_reference(x_q, kernel, bias)
np.testing.assert_array_equal(to_numpy(int8_dense._kernel), q_kernel.astype("int8"))  # the stored int8 kernel
np.testing.assert_allclose(y_int8, reference, rtol=1e-5, atol=1e-4)
int8_error = np.abs(y_int8 - y_float)
assert np.all(int8_error <= bound + 1e-4) and int8_error.max() > 0
print(f"int8: max |error| {int8_error.max():.4f}, max bound {bound.max():.4f}, "
      f"relative {int8_error.max() / np.abs(y_float).max():.2%}")

# %% [markdown]
# The same recipe on an `EinsumDense` attention projection (the kernel scale is per output
# `(head, head_dim)` pair): flatten the heads and the NumPy reference applies unchanged.

# %%
einsum_q = keras.layers.EinsumDense("bd,dhk->bhk", output_shape=(heads, head_dim), bias_axes="hk")
x_e = rng.normal(size=(64, model_dim)).astype("float32")
einsum_q(x_e)
kernel_e, bias_e = einsum_q.get_weights()
einsum_q.quantize("int8")
y_e = to_numpy(einsum_q(x_e)).reshape(64, heads * head_dim)
ref_e, bound_e, _ = int8_reference(x_e, kernel_e.reshape(model_dim, -1), bias_e.reshape(-1))
np.testing.assert_allclose(y_e, ref_e, rtol=1e-5, atol=1e-4)
exact_e = x_e @ kernel_e.reshape(model_dim, -1) + bias_e.reshape(-1)
assert np.all(np.abs(y_e - exact_e) <= bound_e + 1e-4)
print(f"EinsumDense int8: max |error| {np.abs(y_e - exact_e).max():.4f} within the bound")

# %% [markdown]
# ### `quantize("float8")` on a CPU
#
# This proves that float8 quantization runs (and trains) on a CPU on every backend, within a bound.
# Float8 (e4m3: 4 exponent bits, 3 mantissa bits) is meant for recent GPUs, but Keras implements it
# with ordinary ops that cast to float8 and back, so it **also runs on a CPU**. We checked each
# backend: forward pass and training step, on TensorFlow, JAX and PyTorch alike. The table below is
# that finding; the cell asserts it for the backend it runs on (change an entry and it fails). With
# 3 mantissa bits the relative rounding of each value is at most `2⁻⁴`, giving the bound `|y_f8 − y|
# ≤ Σᵢ (|xᵢ||wᵢ|)·((1 + 2⁻⁴)² − 1)` plus a tiny term for values in e4m3's subnormal range (below
# `2⁻⁶`, absolute step `2⁻⁹`).

# %%
FLOAT8_RUNS_ON_CPU = {"tensorflow": True, "jax": True, "torch": True}  # measured with Keras 3.15

float8_dense = keras.layers.Dense(32)
float8_dense(x_q)
float8_dense.set_weights([kernel, bias])
float8_dense.quantize("float8")
y_float8 = to_numpy(float8_dense(x_q))
trainer = keras.Sequential([keras.Input((64,)), float8_dense])
trainer.compile(optimizer="sgd", loss="mse")
loss = trainer.fit(x_q, y_float, epochs=1, batch_size=64, verbose=0).history["loss"][-1]
assert np.isfinite(loss) == FLOAT8_RUNS_ON_CPU[BACKEND]

u = 2.0**-4
abs_x, abs_w = np.abs(x_q), np.abs(kernel)
step_x, step_w = np.maximum(u * abs_x, 2.0**-10), np.maximum(u * abs_w, 2.0**-10)
float8_bound = (abs_x + step_x) @ step_w + step_x @ abs_w
float8_error = np.abs(y_float8 - y_float)
assert np.all(float8_error <= float8_bound + 1e-4)
assert float8_error.max() > int8_error.max()  # int8's 255 levels beat e4m3's 3 mantissa bits here
print(f"float8 on {BACKEND}: max |error| {float8_error.max():.4f} (int8: {int8_error.max():.4f}); "
      f"one training step, loss {loss:.3f}")

# %% [markdown]
# The error of each quantized output against the float layer, plotted against the bound derived
# for that output: every point lies under the diagonal `error = bound`, and the int8 cloud sits
# about five times lower than the float8 cloud (the bound is loose, since rounding errors partly
# cancel in a sum).

# %%
fig, ax = plt.subplots(figsize=(6.5, 4.2))
ax.loglog(bound.ravel(), np.maximum(int8_error.ravel(), 1e-7), ".", ms=2, alpha=0.4,
          label=f"int8 (max error {int8_error.max():.3f})")
ax.loglog(float8_bound.ravel(), np.maximum(float8_error.ravel(), 1e-7), "+", ms=3, alpha=0.4,
          label=f"float8 (max error {float8_error.max():.3f})")
line = np.array([1e-2, 3.0])
ax.loglog(line, line, "k--", label="error = bound")
ax.set(title=f"Quantized Dense(32) vs float, 256 × 32 outputs ({BACKEND})", xlabel="bound for that output",
       ylabel="|quantized − float|", ylim=(1e-5, 3))
ax.legend(markerscale=6)
plt.close(fig)
plots.show(fig, "Notice that every point lies below the dashed line error = bound, and that the int8 cloud sits "
           "lower than the float8 cloud.")

# %% [markdown]
# ### A `Lambda` written with TensorFlow or JAX functions runs on one backend only
#
# This proves why every `Lambda` in this course is written with `keras.ops`. A `Lambda` calls your
# function on the active backend's tensors. Written with `keras.ops`, it runs on every backend.
# Written with `tf.*` functions, it works on TensorFlow only: on JAX the model cannot even be built
# (a `tf` function cannot take JAX's symbolic tensor: `NotImplementedError`), and on PyTorch the
# `tf` function converts the tensor through NumPy, which PyTorch refuses as soon as a gradient must
# flow through it (`RuntimeError` in `fit`). Written with `jax.numpy`, it works on JAX only. The
# cell builds and trains `Dense → Lambda(square) → Dense` with each of the three squares and asserts
# the outcome on the active backend. The same holds for custom layers: write their `call` with
# `keras.ops`.

# %%
import jax.numpy as jnp
import tensorflow as tf


def training_outcome(square):
    """'trains', or the name of the error raised while building or fitting Dense -> Lambda -> Dense."""
    try:
        inputs = keras.Input((3,))
        hidden = keras.layers.Lambda(square)(keras.layers.Dense(3, kernel_initializer=numpy_uniform)(inputs))
        model = keras.Model(inputs, keras.layers.Dense(1, kernel_initializer=numpy_uniform)(hidden))
        model.compile(optimizer="sgd", loss="mse")
        model.fit(np.ones((4, 3), "float32"), np.ones((4, 1), "float32"), epochs=1, verbose=0)
    except Exception as error:  # noqa: BLE001 - the error's type is the result
        return type(error).__name__
    return "trains"


LAMBDA_OUTCOMES = {  # function library -> {backend: outcome}
    "keras.ops": {"tensorflow": "trains", "jax": "trains", "torch": "trains"},
    "tf": {"tensorflow": "trains", "jax": "NotImplementedError", "torch": "RuntimeError"},
    "jax.numpy": {"tensorflow": "NotImplementedError", "jax": "trains", "torch": "NotImplementedError"},
}
squares = {"keras.ops": keras.ops.square, "tf": tf.square, "jax.numpy": jnp.square}
seen = {library: training_outcome(square) for library, square in squares.items()}
assert seen == {library: outcomes[BACKEND] for library, outcomes in LAMBDA_OUTCOMES.items()}, seen
print(f"on {BACKEND}:", seen)

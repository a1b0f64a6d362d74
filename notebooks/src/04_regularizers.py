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
# # 04 · Layer weight regularizers
#
# A **regularizer** turns a layer's weights into a number, a penalty, that Keras adds to the loss
# `fit` minimizes. Large penalties for large weights keep a network from memorizing noise. You
# compute every built-in penalty by hand and see Keras agree, find the penalties in the losses Keras
# reports, save a regularizer of your own, and watch L1 and L2 tame a small network that overfits.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/notebooks/04_regularizers.ipynb)

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
# The tools used all along: Keras, NumPy for the independent checks, the course's plotting helpers
# and proof utilities, and the regularization explorer (which also supplies the small noisy dataset).

# %%
import json
import os
import tempfile
import time
import warnings

import keras
import matplotlib.pyplot as plt
import numpy as np

from helpers import plots
from helpers.explorers import regularization as explorer
from helpers.nbtools import expect_error, to_numpy
from helpers.selfcheck import exercise

plots.use_course_style()
rng = np.random.default_rng(0)
R = keras.regularizers  # short name for the module this notebook is about

# %% [markdown]
# ## What
#
# A regularizer is a function `weights → scalar`. You attach it to a weight of a layer
# (`kernel_regularizer=`, `bias_regularizer=`) or to the layer's output (`activity_regularizer=`).
# The layer lists the penalties in `layer.losses` (a weight's penalty is computed from its current
# value whenever `losses` is read; an output's comes from the last call), and `fit` minimizes
#
# $$\text{total loss} = \text{data loss} + \sum \text{penalties}.$$
#
# The cell computes an `L2` penalty on a small kernel and finds the same number in `layer.losses`.

# %%
dense = keras.layers.Dense(3, kernel_regularizer=R.L2(0.1))
dense(np.ones((1, 4), "float32"))
kernel = to_numpy(dense.kernel)
assert len(dense.losses) == 1
np.testing.assert_allclose(to_numpy(dense.losses[0]), 0.1 * np.sum(kernel**2), rtol=1e-5)
print(f"penalty = 0.1 · Σ kernel² = {0.1 * np.sum(kernel ** 2):.4f}")

# %% [markdown]
# ## Where
#
# - **In the API**: `keras.regularizers` holds the classes `Regularizer` (base), `L1`, `L2`, `L1L2`,
#   `OrthogonalRegularizer`; lower-case names `l1`, `l2`, `l1_l2`, `orthogonal_regularizer`; and
#   the utilities `get`, `serialize`, `deserialize`. `keras.Regularizer` is the base class too.
# - **In a layer**: the `kernel_regularizer`, `bias_regularizer` and `activity_regularizer`
#   arguments of `Dense`, `Conv*`, recurrent layers (which also have `recurrent_regularizer`) and
#   others; `Embedding` names its weight's argument `embeddings_regularizer` (it rejects
#   `kernel_regularizer`, proved in the deep dive); in your own layer,
#   `add_weight(regularizer=...)`.
# - **In training**: the penalties reach the optimizer through `model.losses`, which `fit` adds to
#   the loss of every batch.

# %%
assert keras.Regularizer is R.Regularizer
for cls in (R.L1, R.L2, R.L1L2, R.OrthogonalRegularizer):
    assert issubclass(cls, R.Regularizer)
print([name for name in dir(R) if not name.startswith("_")])

# %% [markdown]
# ## Why
#
# A network with more weights than the data can pin down fits the noise of its training set: its
# training loss falls while its error on new data rises (*overfitting*). A penalty on the size of
# the weights makes every weight pay for itself: a weight only grows if it lowers the data loss by
# more than it costs. L1 pushes useless weights to (near) zero, which also says which inputs matter;
# L2 shrinks all weights smoothly; `OrthogonalRegularizer` keeps units from learning the same thing.

# %% [markdown]
# ## When
#
# | Situation | Use |
# |---|---|
# | Small dataset, large model, validation loss rising | `L2` (weight decay), start around 1e-4 to 1e-2 |
# | Many inputs, few of them useful; you want a sparse, readable model | `L1` |
# | Both: sparsity and small weights | `L1L2` |
# | Units of a layer that should not duplicate each other (embeddings, features) | `OrthogonalRegularizer` |
# | Penalize what a layer outputs, not its weights (sparse activations) | `activity_regularizer=` |
# | A penalty none of these express | a `Regularizer` subclass with `get_config` |
# | Adam-style training where you want decoupled decay | the optimizer's `weight_decay` (e.g. `AdamW`) instead |

# %% [markdown]
# ## Who
#
# - **Practitioners** fighting overfitting on small tabular or image datasets.
# - **Analysts** who want to know which inputs matter: L1 leaves the useful ones non-zero.
# - **Researchers** designing penalties (group sparsity, orthogonality, smoothness) as custom
#   regularizers.
# - **Keras itself**: recurrent and convolution layers take the same three regularizer arguments.

# %% [markdown]
# ## How
#
# We take the section's APIs one at a time, on one weight matrix `W` of shape (3, 4), a shape that
# is not square so that rows and columns (and means and sums) give different numbers.

# %%
W = rng.normal(size=(3, 4)).astype("float32")
print(W.round(3))

# %% [markdown]
# ### `L1(l1=0.01)` (also `l1`)
#
# $\text{penalty} = l_1 \sum_{ij} |W_{ij}|$, a **sum** over all entries, not a mean.

# %%
penalty = to_numpy(R.L1(0.05)(W))
np.testing.assert_allclose(penalty, 0.05 * np.abs(W).sum(), rtol=1e-6)
assert not np.isclose(penalty, 0.05 * np.abs(W).mean())  # fails if Keras averaged instead of summing
print(f"L1(0.05)(W) = {penalty:.5f}")

# %% [markdown]
# ### `L2(l2=0.01)` (also `l2`)
#
# $\text{penalty} = l_2 \sum_{ij} W_{ij}^2$, with **no factor ½** (some texts and
# `tf.nn.l2_loss` write $\tfrac12\sum W^2$; Keras does not).

# %%
penalty = to_numpy(R.L2(0.05)(W))
np.testing.assert_allclose(penalty, 0.05 * np.sum(W**2), rtol=1e-6)
assert not np.isclose(penalty, 0.05 * 0.5 * np.sum(W**2))  # fails if Keras used the ½ convention
print(f"L2(0.05)(W) = {penalty:.5f}")

# %% [markdown]
# ### `L1L2(l1=0.0, l2=0.0)` (also `l1_l2`)
#
# The sum of both: $l_1\sum|W| + l_2\sum W^2$. Its two factors **default to 0**, so `L1L2()` with no
# arguments is no penalty at all.

# %%
penalty = to_numpy(R.L1L2(l1=0.05, l2=0.02)(W))
np.testing.assert_allclose(penalty, 0.05 * np.abs(W).sum() + 0.02 * np.sum(W**2), rtol=1e-6)
assert to_numpy(R.L1L2()(W)) == 0.0
print(f"L1L2(0.05, 0.02)(W) = {penalty:.5f}; L1L2()(W) = 0")

# %% [markdown]
# ### `OrthogonalRegularizer(factor=0.01, mode="rows")` (also `orthogonal_regularizer`)
#
# It does **not** compute $\sum |W^\top W - I|^2$. Keras first scales each row (`mode="rows"`) or
# each column (`mode="columns"`) to unit length, so the Gram matrix holds **cosines**; it then
# averages the absolute cosine over the $n(n-1)/2$ distinct pairs:
#
# $$\text{penalty} = \text{factor}\cdot\frac{\tfrac12\sum_{i\ne j}|\cos(v_i, v_j)|}{n(n-1)/2}
#   = \text{factor}\cdot\operatorname{mean}_{i<j}|\cos(v_i, v_j)|.$$
#
# For a `Dense` kernel of shape (inputs, units), the **columns** are the units' weight vectors, so
# `mode="columns"` is the one that makes units differ. It accepts rank-2 weights only.
#
# Give it a **tensor**, as a layer does: on a NumPy array, `mode="columns"` goes wrong in Keras 3.15
# (the deep dive shows how).

# %%
def orthogonal_penalty(w, factor, mode):
    """Keras's OrthogonalRegularizer, in NumPy: factor × mean |cosine| over distinct rows/columns."""
    vectors = w if mode == "rows" else w.T
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    n = len(unit)
    cosines = [abs(unit[i] @ unit[j]) for i in range(n) for j in range(i + 1, n)]
    return factor * np.mean(cosines)


W_tensor = keras.ops.convert_to_tensor(W)
for mode in ("rows", "columns"):
    penalty = to_numpy(R.OrthogonalRegularizer(0.1, mode=mode)(W_tensor))
    np.testing.assert_allclose(penalty, orthogonal_penalty(W, 0.1, mode), rtol=1e-5)
    print(f"mode={mode!r:10} penalty = {penalty:.5f}")
# fails if the two modes were the same computation (W is 3×4, so rows and columns differ):
assert not np.isclose(orthogonal_penalty(W, 0.1, "rows"), orthogonal_penalty(W, 0.1, "columns"))
rank_error = expect_error(ValueError, lambda: R.OrthogonalRegularizer(0.1)(np.ones((2, 3, 4), "float32")))
print("rank 3:", rank_error)

# %% [markdown]
# ### `Regularizer`: the base class
#
# The base class's `__call__` returns 0 and its `get_config` raises `NotImplementedError`: a
# subclass overrides `__call__` (the penalty) and, to be saved, `get_config` (see Example).

# %%
base = R.Regularizer()
assert base(W) == 0.0
expect_error(NotImplementedError, base.get_config)
print("Regularizer()(W) =", base(W))

# %% [markdown]
# ### The lower-case names are the classes themselves
#
# `keras.regularizers.l1` is not a function that builds an `L1`; it **is** `L1` (one class exported
# under two names), so `l1(0.05)` is an `L1` instance.

# %%
pairs = {"l1": R.L1, "l2": R.L2, "l1_l2": R.L1L2, "orthogonal_regularizer": R.OrthogonalRegularizer}
for lower, cls in pairs.items():
    assert getattr(R, lower) is cls, lower
assert type(R.l1(0.05)) is R.L1 and type(R.l1_l2(l1=0.1)) is R.L1L2
assert type(R.l2(0.05)) is R.L2 and type(R.orthogonal_regularizer(0.1)) is R.OrthogonalRegularizer
print({lower: cls.__name__ for lower, cls in pairs.items()})

# %% [markdown]
# ## Pros
#
# - One argument per layer; no change to the training loop.
# - Penalties are visible (`layer.losses`) and testable, as this notebook shows.
# - L1 gives sparse, more interpretable models; L2 gives smooth shrinkage that rarely hurts.
# - Works the same on TensorFlow, JAX and PyTorch, and is saved with the model.

# %% [markdown]
# ## Cons
#
# - A new hyper-parameter per layer; the right strength depends on data size and loss scale.
# - The penalty is a **sum** over weights, so the same factor means more on a bigger layer.
# - With Adam, an L2 penalty is not the same as weight decay (Adam rescales its gradient); use
#   `AdamW`'s `weight_decay` for decoupled decay.
# - With gradient methods L1 makes weights hover *near* zero (within about one step size), not
#   exactly zero.
# - `OrthogonalRegularizer` only accepts rank-2 weights.

# %% [markdown]
# ## Picture
#
# Each penalty on a single weight `w`, and its slope, computed by Keras. The slope is what the
# penalty adds to the gradient. L1's slope is a constant ±l₁: it pulls a small weight all the way to
# zero as hard as a big one. L2's slope, 2·l₂·w, fades near zero: it shrinks, but never zeroes.

# %%
grid = np.linspace(-2, 2, 81).astype("float32")
penalties = {
    "L1(0.5)": R.L1(0.5), "L2(0.5)": R.L2(0.5), "L1L2(0.25, 0.25)": R.L1L2(0.25, 0.25),
}
curves = {name: np.array([to_numpy(reg(np.array([w]))) for w in grid]) for name, reg in penalties.items()}
np.testing.assert_allclose(curves["L1(0.5)"], 0.5 * np.abs(grid), rtol=1e-6)
np.testing.assert_allclose(curves["L2(0.5)"], 0.5 * grid**2, rtol=1e-6)

fig, (value_ax, slope_ax) = plt.subplots(1, 2, figsize=(10, 3.6))
for name, values in curves.items():
    value_ax.plot(grid, values, label=name)
    slope_ax.plot(grid[1:], np.diff(values) / np.diff(grid), label=name)
value_ax.set(xlabel="weight w", ylabel="penalty", title="Penalty of one weight")
slope_ax.set(xlabel="weight w", ylabel="d penalty / dw", title="Its slope: the extra pull towards 0")
for ax in (value_ax, slope_ax):
    ax.legend()
fig.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that L1's slope stays at ±0.5 right up to w = 0, pushing a small weight as hard as a "
           "big one, while L2's slope shrinks linearly to 0 there.")

# %% [markdown]
# ## Table
#
# | Regularizer | Penalty on W | Arguments (defaults) | Effect |
# |---|---|---|---|
# | `L1` / `l1` | $l_1\sum\lvert W\rvert$ | `l1=0.01` | many weights near zero (sparse) |
# | `L2` / `l2` | $l_2\sum W^2$ (no ½) | `l2=0.01` | all weights shrink smoothly |
# | `L1L2` / `l1_l2` | $l_1\sum\lvert W\rvert + l_2\sum W^2$ | `l1=0.0, l2=0.0` | both |
# | `OrthogonalRegularizer` / `orthogonal_regularizer` | factor · mean over pairs of $\lvert\cos\rvert$ of unit rows (or columns) | `factor=0.01, mode="rows"` | rows (columns) point in different directions; rank 2 only |
# | `Regularizer` | 0 (override `__call__`) | — | base class; override `get_config` to save |
# | activity regularizer | penalty(outputs) / batch size | any of the above | small or sparse outputs |
#
# Each formula is proved in the How section (and the activity rule in the Proof section).

# %% [markdown]
# ## Example
#
# ### A custom regularizer: group lasso
#
# L1 zeroes single weights. To switch off whole **inputs**, penalize the length of each row of a
# `Dense` kernel (all the weights leaving one input): $\text{factor}\sum_i \lVert W_{i,:}\rVert_2$.
# The subclass defines `__call__` and `get_config`, and is registered so a saved file can name it.

# %%
@keras.saving.register_keras_serializable(package="course04")
class GroupLasso(keras.regularizers.Regularizer):
    """factor · Σ over rows of the row's Euclidean length (rows = inputs of a Dense kernel)."""

    def __init__(self, factor=0.01):
        self.factor = float(factor)

    def __call__(self, weights):
        return self.factor * keras.ops.sum(keras.ops.sqrt(keras.ops.sum(keras.ops.square(weights), axis=1)))

    def get_config(self):
        return {"factor": self.factor}


group = GroupLasso(0.2)
np.testing.assert_allclose(to_numpy(group(W)), 0.2 * np.linalg.norm(W, axis=1).sum(), rtol=1e-6)
# fails if the rows and columns were mixed up (W is 3×4):
assert not np.isclose(to_numpy(group(W)), 0.2 * np.linalg.norm(W, axis=0).sum())
print(f"GroupLasso(0.2)(W) = {to_numpy(group(W)):.5f}")

# %% [markdown]
# Saved inside a model to a `.keras` file and loaded back, the regularizer keeps its class and its
# factor, and the reloaded model's penalty is the same number. Both parts of the recipe matter:
# without `get_config` the model trains but cannot be saved, and without registration (or
# `custom_objects`) it saves but cannot be loaded; the deep dive proves both.

# %%
grouped = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, kernel_regularizer=GroupLasso(0.2))])
grouped(W)
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "group_lasso.keras")
    grouped.save(path)
    reloaded = keras.models.load_model(path)
reloaded_reg = reloaded.layers[0].kernel_regularizer
assert type(reloaded_reg) is GroupLasso and reloaded_reg.factor == 0.2
reloaded(W)
kernel = to_numpy(reloaded.layers[0].kernel)
expected = 0.2 * np.linalg.norm(kernel, axis=1).sum()
np.testing.assert_allclose(to_numpy(reloaded.losses[0]), expected, rtol=1e-5)
print("reloaded:", keras.saving.get_registered_name(type(reloaded_reg)), reloaded_reg.get_config())

# %% [markdown]
# ## Proof
#
# ### `layer.losses` holds one entry per regularized weight, and the activity penalty per sample
#
# A `Dense` layer with all three regularizers: the kernel and bias penalties match their formulas,
# and the activity penalty is `L2` of the outputs **divided by the batch size** (here 4), so that the
# balance between penalties does not change with the batch size.

# %%
layer = keras.layers.Dense(
    3, kernel_regularizer=R.L1(0.05), bias_regularizer=R.L2(0.1), activity_regularizer=R.L2(0.01),
    bias_initializer=keras.initializers.Constant(0.5),
)
x = rng.normal(size=(4, 5)).astype("float32")
out = to_numpy(layer(x))
kernel, bias = (to_numpy(v) for v in (layer.kernel, layer.bias))
expected = sorted([0.05 * np.abs(kernel).sum(), 0.1 * np.sum(bias**2), 0.01 * np.sum(out**2) / len(x)])
got = sorted(float(to_numpy(v)) for v in layer.losses)
np.testing.assert_allclose(got, expected, rtol=1e-5)
assert not np.isclose(0.01 * np.sum(out**2), expected).any()  # fails if not divided by the batch size
print("layer.losses:", np.round(got, 5))

# %% [markdown]
# ### `model.losses` gathers every layer's penalties

# %%
first = keras.layers.Dense(4, kernel_regularizer=R.L2(0.1))
second = keras.layers.Dense(1, kernel_regularizer=R.L1(0.2))
model = keras.Sequential([keras.Input((5,)), first, second])
k1, k2 = to_numpy(first.kernel), to_numpy(second.kernel)
assert len(model.losses) == 2
np.testing.assert_allclose(
    sum(to_numpy(v) for v in model.losses), 0.1 * np.sum(k1**2) + 0.2 * np.abs(k2).sum(), rtol=1e-5
)
print("model.losses:", [round(float(to_numpy(v)), 5) for v in model.losses])

# %% [markdown]
# ### The loss `evaluate` and `fit` report includes the penalties
#
# Two models with the **same weights**, one with an `L2(0.1)` kernel penalty and one without. The
# regularized model's `evaluate` loss is NumPy's MSE plus NumPy's penalty; the plain one's is the
# MSE alone. A `fit` with learning rate 0 (weights unchanged, one full batch) reports the same
# total, so `fit` adds the penalty too.

# %%
def linear_model(regularizer):
    return keras.Sequential([keras.Input((5,)), keras.layers.Dense(1, kernel_regularizer=regularizer)])


y = rng.normal(size=(len(x), 1)).astype("float32")
with_penalty, without = linear_model(R.L2(0.1)), linear_model(None)
without.set_weights(with_penalty.get_weights())
kernel, bias = with_penalty.get_weights()
mse = np.mean((x @ kernel + bias - y) ** 2)
penalty = 0.1 * np.sum(kernel**2)

for m in (with_penalty, without):
    m.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
evaluated_with = with_penalty.evaluate(x, y, batch_size=len(x), verbose=0)
evaluated_without = without.evaluate(x, y, batch_size=len(x), verbose=0)
fitted_with = with_penalty.fit(x, y, batch_size=len(x), epochs=1, verbose=0).history["loss"][0]
np.testing.assert_allclose(evaluated_with, mse + penalty, rtol=1e-5)
np.testing.assert_allclose(evaluated_without, mse, rtol=1e-5)
np.testing.assert_allclose(fitted_with, mse + penalty, rtol=1e-5)
print(f"MSE {mse:.4f} + penalty {penalty:.4f} = {mse + penalty:.4f}; "
      f"evaluate: with {evaluated_with:.4f}, without {evaluated_without:.4f}; fit: {fitted_with:.4f}")

# %% [markdown]
# ### A scaled orthogonal matrix costs (almost) nothing: Keras does not compute $\sum(W^\top W - I)^2$
#
# A common description of `OrthogonalRegularizer` is $\lambda\sum(W^\top W - I)^2$ (a fine penalty
# of its own, just not Keras's). Take an orthogonal 4×4 matrix `Q` and multiply it by 3. Its
# columns are perpendicular, so every cosine is 0 and Keras's penalty is ~0; the common formula
# charges a lot, because $W^\top W = 9I$. Keras measures **directions**, not lengths.

# %%
q, _ = np.linalg.qr(rng.normal(size=(4, 4)))
scaled = (3.0 * q).astype("float32")
keras_penalty = float(to_numpy(
    R.OrthogonalRegularizer(0.1, mode="columns")(keras.ops.convert_to_tensor(scaled))
))
gram_formula = 0.1 * np.sum((scaled.T @ scaled - np.eye(4)) ** 2)
assert keras_penalty < 1e-6 and gram_formula > 25  # fails if Keras used the Gram-minus-identity formula
print(f"Keras: {keras_penalty:.2e}   the common formula: {gram_formula:.1f}")

# %% [markdown]
# ## Application
#
# ### Taming a network that overfits
#
# The data: 40 training samples, 20 features of which only 3 matter
# ($y = 2x_0 - x_1 + 0.5x_2 + \text{noise}$), and 400 validation samples. A network with 32 hidden
# units has 704 weights for 40 samples: without a penalty it memorizes the noise.
#
# `explorer.precompute()` trains this network once for every penalty and strength (no penalty, and
# `L1`, `L2`, `L1L2` at seven strengths each) with 300 full-batch Adam steps, and keeps the results
# for the explorer below. To be quick it trains all of them side by side in one `fit`; the deep dive
# proves that each one ends exactly as it would trained alone.

# %%
x_train, y_train, x_val, y_val = explorer.make_problem(seed=0)
table = explorer.precompute()  # one fit: 1 + 3 × 7 networks, 300 full-batch Adam steps each
print("training inputs", x_train.shape, "| validation inputs", x_val.shape)

# %% [markdown]
# Four of those networks: no penalty, `L1(0.01)`, `L2(0.03)` and `L1L2(0.01, 0.01)` (L2's pull fades
# near zero, so it gets a larger factor). Training and validation **MSE** are the data error without
# the penalty, computed in NumPy from the weights every 30 steps, so the four are comparable.

# %%
demo = {"none": ("none", 0.0), "L1": ("l1", 0.01), "L2": ("l2", 0.03), "L1L2": ("l1_l2", 0.01)}
kernels = {name: table.kernels[key] for name, key in demo.items()}
final = {
    name: {"train": table.train_loss[key], "val": table.val_loss[key],
           "near_zero": float(np.mean(np.abs(table.kernels[key]) < explorer.NEAR_ZERO))}
    for name, key in demo.items()
}
for name, row in final.items():
    print(f"{name:5s} train MSE {row['train']:.3f}  validation MSE {row['val']:.3f}  "
          f"near-zero weights {row['near_zero']:.0%}")

fig, axes = plt.subplots(1, 4, figsize=(13, 3.4), sharey=True)
for ax, (name, key) in zip(axes, demo.items(), strict=True):
    step, train, val = np.array(table.curves[key]).T
    ax.plot(step, train, label="training MSE")
    ax.plot(step, val, label="validation MSE")
    ax.set(title=f"penalty: {name}", xlabel="Adam step", yscale="log")
axes[0].set_ylabel("MSE (log scale)")
axes[0].legend()
fig.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that without a penalty the training MSE plunges towards 0 while the validation MSE stays "
           "flat and high; under each penalty the training MSE levels off and the validation MSE keeps "
           "falling, to several times lower.")

# %% [markdown]
# Without a penalty the training error falls towards zero (the network memorizes the noise) while
# the validation error stalls high; each penalty trades a little training error for a much lower
# validation error. The hidden kernels (log scale, so the tails stay visible; "near zero" means
# |w| < 0.02): L1 piles most weights up at zero, L2 narrows the whole distribution.

# %%
fig, axes = plt.subplots(1, 4, figsize=(13, 3.2), sharex=True, sharey=True)
bins = np.linspace(-1.0, 1.0, 51)
for ax, (name, k) in zip(axes, kernels.items(), strict=True):
    ax.hist(np.clip(k.ravel(), -1, 1), bins=bins, color=plots.ACCENT if name != "none" else "#888888")
    ax.set(title=f"{name}: {final[name]['near_zero']:.0%} near zero", xlabel="hidden weight (clipped to ±1)",
           yscale="log")
axes[0].set_ylabel("number of weights")
fig.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that under L1 the single bin at zero holds most of the hidden weights, while under L2 "
           "they spread over the neighbouring bins too, in a distribution much narrower than without a penalty.")

# %% [markdown]
# L1 also tells you which inputs matter. Add up the size of the weights leaving each input feature:
# under L1 the two strong features keep by far the largest, and the weak feature beats the average
# useless one.

# %%
row_size = np.abs(kernels["L1"]).sum(axis=1)  # total weight leaving each input feature
assert set(np.argsort(row_size)[-2:]) == {0, 1}, row_size.round(2)  # the strong features 2·x0 and −x1
assert row_size[2] > row_size[3:].mean(), row_size.round(2)  # the weak 0.5·x2 beats the useless ones
print("row sizes, features 0-2:", row_size[:3].round(2), "| useless, mean:", row_size[3:].mean().round(2))

# %% [markdown]
# ### Explorer: pick the strength, see the trained weights
#
# The explorer shows the whole grid trained above (every kind at strengths 0 to 0.1), cached, so
# picking a penalty or a strength (mouse, or Tab and the keys) only draws a histogram. The static figure below it shows the whole grid, for readers without widgets.

# %%
explorer.explorer(table)

# %%
plots.show(explorer.summary_figure(table), "Notice that the share of near-zero weights climbs with the "
           "strength, much faster for L1 and L1L2 than for L2, and that at strengths of 0.01 and above "
           "every penalty's validation MSE is far below the no-penalty value at 0.")

# %% [markdown]
# ## Key terms
#
# - **Regularizer**: a function from a weight (or an output) to a scalar penalty added to the loss.
# - **Penalty factor / strength**: the multiplier (`l1`, `l2`, `factor`); must be ≥ 0.
# - **L1 (lasso)** and **L2 (ridge, weight decay)**: the sum of |w| and of w²; constant pull to zero
#   versus a pull proportional to the weight.
# - **Group lasso**: the sum of the lengths of groups of weights; switches off whole groups.
# - **Activity regularizer**: a penalty on a layer's output, divided by the batch size.
# - **Overfitting**: low training error, high error on new data.

# %% [markdown]
# ## Summary
#
# - `L1`: l1·Σ|W|; `L2`: l2·ΣW² (no ½); `L1L2`: both, defaults 0; all sums, not means.
# - `OrthogonalRegularizer`: factor × mean |cos| between unit rows (or columns with
#   `mode="columns"`), not Σ(WᵀW − I)²; rank 2 only; scale does not matter.
# - Lower-case names (`l1`, `l2`, …) are the same classes.
# - Penalties appear in `layer.losses` and `model.losses`; `fit` and `evaluate` report data loss +
#   penalties; activity penalties are divided by the batch size.
# - A custom `Regularizer` needs `get_config` to be saved, and registration (or `custom_objects`)
#   to be loaded.
# - On a small noisy problem, every penalty lowered validation error; L1 made most weights near zero
#   and kept the useful inputs.

# %% [markdown]
# ## Exercises
#
# Each exercise prints its task and how you know you are done; `ex.check(...)` says what is right and
# what is not yet. A hint and a solution are there when you ask for them.

# %% [markdown]
# ### Exercise 04.1 · Predict every penalty a layer lists
#
# The layer of the Proof section, with all three regularizers: compute its `layer.losses` in NumPy.

# %%
ex = exercise("04.1")  # prints the task and how you know you are done


def layer_penalty(kernel, bias, outputs):
    ...  # your code here


ex.check(layer_penalty)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 04.2 · A regularizer that switches off whole units
#
# The Example's `GroupLasso` penalizes rows (inputs); this one penalizes columns (units).

# %%
ex = exercise("04.2")


class UnitGroupLasso(keras.regularizers.Regularizer):
    def __init__(self, factor=0.01):
        ...  # your code here

    def __call__(self, weights):
        ...  # your code here


ex.check(UnitGroupLasso)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ## Deep dive (optional)
#
# Proofs that are here for trust rather than understanding: a Keras bug to avoid, save/load round
# trips, Keras 2 differences, when penalties are computed, and two longer training runs. Each
# subsection says what it proves; they reuse names from the core path, so run that first.

# %% [markdown]
# ### `OrthogonalRegularizer` on a NumPy array: a Keras 3.15 bug
#
# This proves why the How section insists on giving `OrthogonalRegularizer` a tensor: useful if you
# call a regularizer by hand in a test. The NumPy branch of `keras.utils.normalize` replaces
# `axis=0` by `-1` (`axis = axis or -1`), so `mode="columns"` on a NumPy array raises on a
# non-square array and, on a **square** one, silently returns a wrong penalty (it scales the rows
# instead of the columns).

# %%
numpy_error = expect_error(ValueError, lambda: R.OrthogonalRegularizer(0.1, mode="columns")(W))
assert "broadcast" in str(numpy_error)
expect_error(ValueError, lambda: keras.utils.normalize(W, axis=0))  # the culprit, on a NumPy array
by_column = to_numpy(keras.utils.normalize(W_tensor, axis=0))  # the tensor branch is right
np.testing.assert_allclose(by_column, W / np.linalg.norm(W, axis=0, keepdims=True), rtol=1e-5)
print("columns mode on a non-square NumPy array:", numpy_error)

square = rng.normal(size=(4, 4)).astype("float32")
true_columns = orthogonal_penalty(square, 0.1, "columns")
from_numpy = float(to_numpy(R.OrthogonalRegularizer(0.1, mode="columns")(square)))
from_tensor = float(to_numpy(R.OrthogonalRegularizer(0.1, mode="columns")(keras.ops.convert_to_tensor(square))))
np.testing.assert_allclose(from_tensor, true_columns, rtol=1e-5)
assert abs(from_numpy - true_columns) > 1e-3 * true_columns  # square NumPy input: no error, wrong number
print(f"square 4×4, columns mode: NumPy input {from_numpy:.5f}, tensor input {from_tensor:.5f}, "
      f"true {true_columns:.5f}")

# %% [markdown]
# ### `serialize`, `deserialize` and `get`
#
# This proves that every built-in regularizer survives the trip to a saved file and back, and which
# strings a layer argument accepts: useful when you load a model or write `kernel_regularizer="l2"`.
#
# `serialize(reg)` gives a JSON-friendly dict (module, class name, config); `deserialize(dict)`
# rebuilds an equal regularizer. `get` accepts what a layer argument may be: `None`, an instance
# (returned as is), a dict (deserialized), or a name string (the class with its default factor).

# %%
for reg in (R.L1(0.05), R.L2(0.05), R.L1L2(l1=0.05, l2=0.02), R.OrthogonalRegularizer(0.1, mode="columns")):
    config = reg.get_config()
    stored = json.loads(json.dumps(R.serialize(reg)))  # what a .keras file holds
    rebuilt = R.deserialize(stored)
    assert type(rebuilt) is type(reg) and rebuilt.get_config() == config
    assert type(R.get(stored)) is type(reg)
    np.testing.assert_allclose(to_numpy(rebuilt(W_tensor)), to_numpy(reg(W_tensor)), rtol=1e-6)
    print(stored)

same = R.L2(0.3)
assert R.get(same) is same and R.get(None) is None
by_name = {"l1": R.L1, "L2": R.L2, "l1l2": R.L1L2, "orthogonal_regularizer": R.OrthogonalRegularizer}
for name, cls in by_name.items():
    assert type(R.get(name)) is cls
assert R.get("l2").get_config() == {"l2": 0.01}
print(expect_error(ValueError, lambda: R.get("no_such_penalty")))

# %% [markdown]
# ### Keras 2 → 3: strings, defaults, validation, stored precision
#
# This proves four differences that break Keras 2 code or surprise a reader of a saved config.
#
# - **Strings**: the string for `L1L2` is `"l1l2"`, not `"l1_l2"`, even though `l1_l2` is the
#   Python name (Keras's own docstring still shows `kernel_regularizer='l1_l2'`, which raises).
#   In Keras 2, `l1_l2()` was a function defaulting to 0.01 and 0.01; in Keras 3, `l1_l2` is the
#   class `L1L2`, whose defaults are 0 and 0.
# - **Validation**: Keras 3 rejects a negative or non-finite factor when you build the regularizer.
# - **Stored precision**: `L1` and `OrthogonalRegularizer` keep their factor as a float32 tensor, so
#   their config says 0.0099999998 for 0.01 (`L2` and `L1L2` keep a Python float).

# %%
expect_error(ValueError, lambda: R.get("l1_l2"))
assert R.l1_l2().get_config() == {"l1": 0.0, "l2": 0.0}
expect_error(ValueError, lambda: keras.layers.Dense(3, kernel_regularizer="l1_l2"))
print(expect_error(ValueError, lambda: R.L1(-0.01)))
assert R.L1(0.01).get_config()["l1"] == float(np.float32(0.01)) != 0.01
assert R.L2(0.01).get_config()["l2"] == 0.01

# %% [markdown]
# ### Without `get_config` saving fails; without registration loading fails
#
# This proves the two halves of the Example's recipe, for anyone tempted to skip one. A subclass
# with only `__init__` and `__call__` (what many Keras 2 tutorials write) trains, because training
# only calls the penalty. Saving asks for the config, and the base class raises.

# %%
class NoConfigL1(keras.regularizers.Regularizer):
    def __init__(self, factor=0.01):
        self.factor = factor

    def __call__(self, weights):
        return self.factor * keras.ops.sum(keras.ops.abs(weights))


unsaveable = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, kernel_regularizer=NoConfigL1(0.1))])
unsaveable.compile(optimizer="sgd", loss="mse")
unsaveable.fit(W, np.zeros((3, 3), "float32"), epochs=1, verbose=0)  # training is fine
with tempfile.TemporaryDirectory() as folder:
    refusal = expect_error(NotImplementedError, lambda: unsaveable.save(os.path.join(folder, "no.keras")))
assert "get_config" in str(refusal)
print(refusal)

# %% [markdown]
# With `get_config` but **without registration** the model saves, since saving only needs the
# config. Loading is what needs the class: `load_model` cannot find it (a `TypeError`) unless it is
# registered or passed in `custom_objects` (fails if registration were needed to save).

# %%
class UnregisteredL1(keras.regularizers.Regularizer):
    def __init__(self, factor=0.01):
        self.factor = factor

    def __call__(self, weights):
        return self.factor * keras.ops.sum(keras.ops.abs(weights))

    def get_config(self):
        return {"factor": self.factor}


unregistered = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, kernel_regularizer=UnregisteredL1(0.3))])
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "unregistered.keras")
    unregistered.save(path)  # saving works
    expect_error(TypeError, lambda: keras.models.load_model(path))  # loading does not find the class
    found = keras.models.load_model(path, custom_objects={"UnregisteredL1": UnregisteredL1})
assert type(found.layers[0].kernel_regularizer) is UnregisteredL1 and found.layers[0].kernel_regularizer.factor == 0.3
print("saved without registration; loaded only with custom_objects")

# %% [markdown]
# ### Keras 2 → 3: `Dense(64, input_dim=10)` → `keras.Input((10,))`
#
# This proves that Keras 2 style `input_dim` still works but warns. Older tutorials give the first
# `Dense` an `input_dim`; every model in this notebook starts with `keras.Input` instead.

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    keras.layers.Dense(64, input_dim=10, kernel_regularizer=R.L2(0.01))
assert any("Input(shape)" in str(w.message) for w in caught)
print(str(caught[0].message)[:100], "...")

# %% [markdown]
# ### Weight penalties are computed when `losses` is read; activity penalties come from the last call
#
# This proves when `layer.losses` is computed, which matters if you read it outside `fit` (in a
# callback or a test). A built layer that was never called already lists its kernel penalty.
# Assigning new weights changes it at once, still without a call (fails if the penalties were those
# of the last forward pass). The activity penalty appears only after a call. A frozen layer
# (`trainable = False`) contributes no weight penalty: only trainable weights are regularized.

# %%
fresh = keras.layers.Dense(3, kernel_regularizer=R.L2(0.1), activity_regularizer=R.L2(0.01))
fresh.build((None, 4))
np.testing.assert_allclose([float(to_numpy(v)) for v in fresh.losses],
                           [0.1 * np.sum(to_numpy(fresh.kernel) ** 2)], rtol=1e-5)  # no call yet
fresh.kernel.assign(np.ones((4, 3), "float32"))
np.testing.assert_allclose([float(to_numpy(v)) for v in fresh.losses], [0.1 * 12], rtol=1e-6)  # still no call
activity = to_numpy(fresh(np.ones((2, 4), "float32")))  # bias 0: every output is 4
np.testing.assert_allclose(sorted(float(to_numpy(v)) for v in fresh.losses),
                           sorted([0.01 * np.sum(activity**2) / 2, 0.1 * 12]), rtol=1e-6)
fresh.trainable = False
np.testing.assert_allclose([float(to_numpy(v)) for v in fresh.losses], [0.01 * np.sum(activity**2) / 2],
                           rtol=1e-6)  # the kernel penalty is gone, the last call's activity penalty stays
print("built, no call:", "penalty listed; after assign: 1.2; frozen: only the activity penalty")

# %% [markdown]
# ### `Embedding` takes `embeddings_regularizer`, not `kernel_regularizer`
#
# This proves the one exception to the argument names of the Where section. `Embedding`'s weight is
# called `embeddings`, and so is its regularizer argument; `kernel_regularizer` is an unknown
# keyword there (fails if `Embedding` accepted the `Dense` names).

# %%
table_layer = keras.layers.Embedding(10, 2, embeddings_regularizer=R.L2(0.1))
table_layer.build((None,))
np.testing.assert_allclose(to_numpy(table_layer.losses[0]), 0.1 * np.sum(to_numpy(table_layer.embeddings) ** 2),
                           rtol=1e-5)
unknown = expect_error(ValueError, lambda: keras.layers.Embedding(10, 2, kernel_regularizer=R.L2(0.1)))
assert "kernel_regularizer" in str(unknown)
print(str(unknown)[:90])

# %% [markdown]
# ### The side-by-side grid trains each network exactly as it would train alone
#
# This proves that the explorer's shortcut changes no result. `helpers.explorers.regularization`
# trains the whole grid in **one `fit`**: one layer holds one copy of the network per (kind,
# strength) side by side, and the loss is the sum of the copies' losses. Each copy's weights appear
# only in its own term, and Adam updates each weight from its own gradient, so every copy trains as
# it would alone. The cell checks one copy: a plain `Sequential` model with
# `kernel_regularizer=L2(0.03)` on both `Dense` layers, started from that copy's initial weights and
# trained with the same 300 full-batch Adam steps, ends with the same kernel.
# (`explorer.one_torch_thread()` does nothing on TensorFlow and JAX; on PyTorch it trains these tiny
# models on one CPU thread, which is much faster.)

# %%
setting = ("l2", 0.03)
single = keras.Sequential([
    keras.Input((explorer.FEATURES,)),
    keras.layers.Dense(explorer.HIDDEN, activation="relu", kernel_regularizer=R.L2(0.03)),
    keras.layers.Dense(1, use_bias=False, kernel_regularizer=R.L2(0.03)),
])
single.set_weights(table.initial[setting])
single.compile(optimizer=keras.optimizers.Adam(table.learning_rate), loss="mse")
with explorer.one_torch_thread():  # 300 full-batch steps: the training set repeated, one batch per copy
    single.fit(np.tile(x_train, (table.steps, 1)), np.tile(y_train, (table.steps, 1)),
               batch_size=len(x_train), epochs=1, shuffle=False, verbose=0)
alone = single.get_weights()[0]
np.testing.assert_allclose(alone, table.kernels[setting], atol=1e-3)
assert not np.allclose(alone, table.initial[setting][0], atol=0.1)  # it did train
gap = np.abs(alone - table.kernels[setting]).max()
print(f"largest difference, trained alone vs inside the stack: {gap:.1e}")

# %% [markdown]
# ### The Application's claims, asserted
#
# This proves what the Application's figures are read as saying, so that a change in Keras that
# altered them would fail here: the unregularized network fits the training set best and the
# validation set worst; L1 leaves the largest share of weights near zero (and more than L2 does);
# every penalty makes the weights smaller on average; along the grid, the near-zero share rises with
# the L1 strength and every penalty at 0.01 beats no penalty on validation data; and the explorer
# answers a new choice at once and refuses a negative strength.

# %%
for name in ("L1", "L2", "L1L2"):
    assert final["none"]["train"] < final[name]["train"], name
    assert final["none"]["val"] > 1.5 * final[name]["val"], name
    assert np.abs(kernels[name]).mean() < np.abs(kernels["none"]).mean(), name
assert final["L1"]["near_zero"] > 0.5 > final["none"]["near_zero"]
assert final["L1"]["near_zero"] > final["L2"]["near_zero"]
near = [explorer.weight_distribution("l1", s, table)["near_zero"] for s in explorer.STRENGTHS]
assert near[-1] > near[0] and near[-1] > 0.9, near
for kind in ("l1", "l2", "l1_l2"):
    assert explorer.weight_distribution(kind, 0.01, table)["val_loss"] < table.val_loss[("none", 0.0)], kind
print("L1 near-zero share by strength:", [f"{v:.0%}" for v in near])

started = time.perf_counter()
answer = explorer.weight_distribution("l1", 0.01, table)
assert time.perf_counter() - started < 1.0  # a new choice answers at once
assert explorer.weight_distribution("l2", -0.01, table)["message"].startswith("A strength of -0.01")
print(explorer.weight_distribution("l2", -0.01, table)["message"])

# %% [markdown]
# ### `OrthogonalRegularizer`: units that stop duplicating each other
#
# This shows the orthogonality penalty doing its job in training, for readers who use it to keep
# units (or embeddings) from duplicating each other. Eight hidden units learn a target that depends
# on a single direction of the input, so plain training turns many units towards that same
# direction: the off-diagonal cosines of the kernel's columns ($\hat W^\top \hat W$, columns scaled
# to unit length) grow. With `OrthogonalRegularizer(1.0, mode="columns")` they shrink instead. Both
# runs start from the same weights.

# %%
direction = rng.normal(size=(8, 1)).astype("float32")
x_dir = rng.normal(size=(256, 8)).astype("float32")
y_dir = np.tanh(x_dir @ direction)


def mean_abs_cosine(kernel):
    """Mean |cos| between distinct columns of `kernel`, in NumPy."""
    unit = kernel / np.linalg.norm(kernel, axis=0, keepdims=True)
    gram = unit.T @ unit
    return np.abs(gram[~np.eye(len(gram), dtype=bool)]).mean()


# Two networks side by side in one model (independent branches whose losses add up, the same
# argument as the side-by-side grid of the Application), so both train in one `fit` from the same starting weights.
runs = {"no penalty": None, "OrthogonalRegularizer": R.OrthogonalRegularizer(1.0, mode="columns")}
inputs = keras.Input((8,))
hidden_layers = {
    name: keras.layers.Dense(8, activation="tanh", kernel_regularizer=reg,
                             kernel_initializer=keras.initializers.GlorotUniform(seed=2))
    for name, reg in runs.items()
}
outputs = [
    keras.layers.Dense(1, kernel_initializer=keras.initializers.GlorotUniform(seed=3))(layer(inputs))
    for layer in hidden_layers.values()
]
pair = keras.Model(inputs, outputs)
start_kernel = to_numpy(hidden_layers["no penalty"].kernel)
np.testing.assert_array_equal(to_numpy(hidden_layers["OrthogonalRegularizer"].kernel), start_kernel)
pair.compile(optimizer=keras.optimizers.Adam(0.03), loss=["mse", "mse"])
# 60 full-batch steps, as one epoch over the data repeated 60 times (faster than 60 epochs)
with explorer.one_torch_thread():
    pair.fit(np.tile(x_dir, (60, 1)), [np.tile(y_dir, (60, 1))] * 2, batch_size=len(x_dir), shuffle=False,
             verbose=0)
grams, cosines = {}, {}
for name, layer in hidden_layers.items():
    k = to_numpy(layer.kernel)
    unit = k / np.linalg.norm(k, axis=0, keepdims=True)
    grams[name], cosines[name] = unit.T @ unit, mean_abs_cosine(k)
print(f"mean |cos| at start {mean_abs_cosine(start_kernel):.3f}; after training: "
      + ", ".join(f"{n} {c:.3f}" for n, c in cosines.items()))
assert cosines["no penalty"] > mean_abs_cosine(start_kernel)  # plain training aligns the units
assert cosines["OrthogonalRegularizer"] < mean_abs_cosine(start_kernel) < cosines["no penalty"]

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
for ax, (name, gram) in zip(axes, grams.items(), strict=True):
    image = ax.imshow(np.abs(gram), vmin=0, vmax=1, cmap="viridis")
    ax.set(title=f"{name}\nmean off-diagonal |cos| = {cosines[name]:.2f}", xlabel="unit", ylabel="unit")
    ax.grid(False)
fig.colorbar(image, ax=axes, label="|cos| between unit weight vectors")
plt.close(fig)
plots.show(fig, "Notice that without a penalty many off-diagonal cells are light (units pointing in similar "
           "directions), while under OrthogonalRegularizer almost all of them are dark, near 0.")

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
# # 05 · Layer weight constraints
#
# A **constraint** is a projection: after every optimizer step, Keras replaces a weight `w` by
# `constraint(w)`, so the weight always lies in an allowed set: non-negative, of unit length, or
# with each unit's norm below a bound. Unlike a regularizer, it adds nothing to the loss. You compute
# each built-in constraint by hand (and see why two formulas common in older tutorials are wrong),
# prove with a callback that a constraint holds after **each** step of a real `fit`, write and save a
# constraint of your own, and solve a non-negative least-squares problem with a one-unit layer.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/notebooks/05_constraints.ipynb)

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
# The tools used all along: Keras, NumPy (and SciPy's non-negative least squares) for the
# independent checks, and the course's plotting and proof helpers.

# %%
import json
import os
import tempfile

import keras
import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import nnls

from helpers import plots
from helpers.nbtools import expect_error, to_numpy
from helpers.selfcheck import exercise

plots.use_course_style()
rng = np.random.default_rng(0)
C = keras.constraints  # short name for the module this notebook is about
EPS = keras.config.epsilon()  # 1e-7: Keras divides by (EPS + norm) to avoid 0 / 0


def unit_norms(w, axis=0):
    """Euclidean norm of each unit's weights along `axis` (axis 0 of a Dense kernel: one per column)."""
    return np.sqrt(np.sum(np.square(w), axis=axis))


# %% [markdown]
# ## What
#
# A constraint is a function `w → w'` that returns a weight of the same shape inside an allowed set.
# You pass it to a layer (`kernel_constraint=`, `bias_constraint=`); the layer's variable remembers
# it, and the optimizer calls it right after each update. Here: `NonNeg` replaces negative entries
# by 0, and the kernel variable carries it.

# %%
w = np.array([[-0.5, 2.0], [1.0, -3.0]], "float32")
np.testing.assert_array_equal(to_numpy(C.NonNeg()(w)), np.maximum(w, 0.0))

nonneg = C.NonNeg()
dense = keras.layers.Dense(2, kernel_constraint=nonneg)
dense.build((None, 2))
assert dense.kernel.constraint is nonneg and dense.bias.constraint is None
print(to_numpy(C.NonNeg()(w)))

# %% [markdown]
# ## Where
#
# - **In the API**: `keras.constraints` holds `Constraint` (base), `MaxNorm`, `MinMaxNorm`, `NonNeg`,
#   `UnitNorm`, their lower-case names `max_norm`, `min_max_norm`, `non_neg`, `unit_norm`, and the
#   utilities `get`, `serialize`, `deserialize`.
# - **In a layer**: `kernel_constraint`, `bias_constraint` (`Dense`, `Conv*`, …),
#   `embeddings_constraint` (`Embedding`), `recurrent_constraint` (RNNs); in your own layer,
#   `add_weight(constraint=...)`.
# - **In training**: Keras 3's optimizer applies `variable.constraint` to each trained variable right
#   after applying its gradient, on every backend.

# %%
for cls in (C.MaxNorm, C.MinMaxNorm, C.NonNeg, C.UnitNorm):
    assert issubclass(cls, C.Constraint)
print([name for name in dir(C) if not name.startswith("_")])

# %% [markdown]
# ## Why
#
# Some weights have a meaning that only certain values respect: mixing proportions and counts are
# non-negative, directions have unit length. Other constraints are about training: a **bound on each
# unit's norm** (`MaxNorm`) keeps weights from growing without limit, which is why it was proposed
# alongside dropout, and lets you use larger learning rates. A constraint guarantees the property
# after every step; a penalty only makes it cheaper.

# %% [markdown]
# ## When
#
# | Situation | Use |
# |---|---|
# | Weights must be ≥ 0 (proportions, non-negative factorization, monotone models) | `NonNeg` |
# | Each unit's weight vector is a direction (cosine layers, normalized embeddings) | `UnitNorm` |
# | Large learning rates, dropout, exploding weights | `MaxNorm` (typical `max_value` 2 to 4) |
# | Keep norms in a band, or pull them there gently | `MinMaxNorm` (with `rate < 1` for gently) |
# | Anything else: clip values, symmetric matrices, zero diagonals | a `Constraint` subclass |
# | You only want to discourage, not forbid | a regularizer (notebook 04) instead |

# %% [markdown]
# ## Who
#
# - **Practitioners** who train with dropout and large learning rates (`MaxNorm`).
# - **Scientists** whose model weights are physical quantities: concentrations, rates, mixtures.
# - **Metric-learning and retrieval** engineers who want unit-length embeddings.
# - **Researchers** experimenting with structured weights via custom constraints.

# %% [markdown]
# ## How
#
# We take the section's APIs one at a time. The norm constraints work **per unit**: they compute the
# Euclidean norm of the weights along `axis` (default 0: for a `Dense` kernel of shape
# (inputs, units), one norm per column, i.e. per unit) and **rescale** each slice; they never clip
# single entries. Keras divides by `epsilon + norm` (epsilon = 1e-7) so that a zero slice stays 0.
#
# ### `MaxNorm(max_value=2, axis=0)` (also `max_norm`)
#
# $$w' = w\cdot\frac{\operatorname{clip}(\lVert w\rVert, 0, \text{max})}{\epsilon + \lVert w\rVert}$$
#
# A column whose norm is below the bound is (almost) unchanged; a longer one is scaled down to the
# bound. A common claim (older tutorials) is that `MaxNorm` clips each **entry** to `max_value`; it
# does not. The test case: the column $[1.5, 1.5]$ with `max_value=2`. Both entries are below 2, but its
# norm is $1.5\sqrt2 \approx 2.12$, so it is rescaled to $[\sqrt2, \sqrt2]$.

# %%
def max_norm(w, max_value=2.0, axis=0):
    norms = np.sqrt(np.sum(w**2, axis=axis, keepdims=True))
    return w * np.clip(norms, 0, max_value) / (EPS + norms)


w = np.array([[1.5, 0.3, 3.0], [1.5, 0.4, 0.0]], "float32")  # columns: norms 2.12, 0.5, 3.0
constrained = to_numpy(C.MaxNorm(max_value=2.0)(w))
np.testing.assert_allclose(constrained, max_norm(w), rtol=1e-6)
np.testing.assert_allclose(constrained[:, 0], [np.sqrt(2), np.sqrt(2)], rtol=1e-6)
assert not np.allclose(constrained, np.clip(w, -2, 2))  # fails if MaxNorm clipped each entry
print("before:\n", w, "\nafter MaxNorm(2):\n", constrained.round(4))
print("column norms:", unit_norms(constrained).round(4))

# %% [markdown]
# `axis` chooses which slices are units. On a 2×3 matrix, `axis=0` bounds the 3 column norms and
# `axis=1` the 2 row norms: different results. For a `Conv2D` kernel of shape (rows, cols, in, out),
# `axis=[0, 1, 2]` bounds each filter as a whole.

# %%
by_rows = to_numpy(C.MaxNorm(2.0, axis=1)(w))
np.testing.assert_allclose(by_rows, max_norm(w, axis=1), rtol=1e-6)
assert not np.allclose(by_rows, constrained)  # fails if axis were ignored
conv_kernel = rng.normal(size=(3, 3, 4, 5)).astype("float32")
per_filter = to_numpy(C.MaxNorm(1.0, axis=[0, 1, 2])(conv_kernel))
np.testing.assert_allclose(per_filter, max_norm(conv_kernel, 1.0, axis=(0, 1, 2)), rtol=1e-5)
assert np.all(unit_norms(per_filter, axis=(0, 1, 2)) <= 1.0 + 1e-5)
print("row norms after axis=1:", unit_norms(by_rows, axis=1).round(4),
      "| filter norms after axis=[0,1,2]:", unit_norms(per_filter, axis=(0, 1, 2)).round(4))

# %% [markdown]
# ### `MinMaxNorm(min_value=0.0, max_value=1.0, rate=1.0, axis=0)` (also `min_max_norm`)
#
# $$w' = w\cdot\frac{\text{rate}\cdot\operatorname{clip}(\lVert w\rVert, \text{min}, \text{max})
#   + (1-\text{rate})\,\lVert w\rVert}{\epsilon + \lVert w\rVert}$$
#
# With `rate=1` each norm is put into [min, max]; with `rate < 1` it moves only that fraction of the
# way, so repeated steps approach the band gently. Older tutorials write it element-wise, as
# `clip((w − min)/(max − min), min, max)`; it rescales whole units instead. The test case: columns with norms 0.5, 1.5 and 3,
# band [1, 2], `rate=0.5`: the new norms are 0.75, 1.5 and 2.5.

# %%
def min_max_norm(w, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
    norms = np.sqrt(np.sum(w**2, axis=axis, keepdims=True))
    desired = rate * np.clip(norms, min_value, max_value) + (1 - rate) * norms
    return w * desired / (EPS + norms)


w = np.array([[0.3, 0.9, 3.0], [0.4, 1.2, 0.0]], "float32")  # column norms 0.5, 1.5, 3.0
half = to_numpy(C.MinMaxNorm(min_value=1.0, max_value=2.0, rate=0.5)(w))
np.testing.assert_allclose(half, min_max_norm(w, 1.0, 2.0, 0.5), rtol=1e-6)
np.testing.assert_allclose(unit_norms(half), [0.75, 1.5, 2.5], rtol=1e-6)
full = to_numpy(C.MinMaxNorm(min_value=1.0, max_value=2.0)(w))
np.testing.assert_allclose(unit_norms(full), [1.0, 1.5, 2.0], rtol=1e-6)
elementwise = np.clip((w - 1.0) / (2.0 - 1.0), 1.0, 2.0)  # the element-wise version of older tutorials
assert not np.allclose(full, elementwise) and not np.allclose(half, elementwise)
print("norms after rate=0.5:", unit_norms(half).round(4), "| after rate=1:", unit_norms(full).round(4))
print("the element-wise formula would give:\n", elementwise)

# %% [markdown]
# ### `NonNeg()` (also `non_neg`)
#
# $w' = \max(w, 0)$, entry by entry.

# %%
w = rng.normal(size=(3, 4)).astype("float32")
np.testing.assert_array_equal(to_numpy(C.NonNeg()(w)), np.maximum(w, 0))
after = to_numpy(C.NonNeg()(w))
print(f"{np.mean(w < 0):.0%} of the entries were negative; after NonNeg: {np.mean(after < 0):.0%}")

# %% [markdown]
# ### `UnitNorm(axis=0)` (also `unit_norm`)
#
# $w' = w / (\epsilon + \lVert w\rVert)$: every unit gets norm 1, whether it was longer or shorter.
# (The ε keeps an all-zero unit at 0 instead of 0 / 0; the deep dive proves it.)

# %%
unit = to_numpy(C.UnitNorm()(w))
np.testing.assert_allclose(unit, w / (EPS + unit_norms(w)[None, :]), rtol=1e-6)
np.testing.assert_allclose(unit_norms(unit), 1.0, rtol=1e-6)
assert not np.allclose(unit_norms(to_numpy(C.UnitNorm(axis=1)(w)), axis=0), 1.0)  # axis=1: rows, not columns
print("column norms before:", unit_norms(w).round(3), "after:", unit_norms(unit).round(3))

# %% [markdown]
# ### `Constraint`: the base class
#
# Its `__call__` returns the weight unchanged and its `get_config` returns `{}`. A subclass
# overrides `__call__` and, if its constructor has arguments, `get_config` (see Example).

# %%
base = C.Constraint()
np.testing.assert_array_equal(to_numpy(base(w)), w)
assert base.get_config() == {}
print("Constraint()(w) is w unchanged; config:", base.get_config())

# %% [markdown]
# ### The lower-case names are the classes themselves

# %%
pairs = {"max_norm": C.MaxNorm, "min_max_norm": C.MinMaxNorm, "non_neg": C.NonNeg, "unit_norm": C.UnitNorm}
for lower, cls in pairs.items():
    assert getattr(C, lower) is cls, lower
assert type(C.max_norm(3.0)) is C.MaxNorm and type(C.min_max_norm(0.5, 1.0)) is C.MinMaxNorm
assert type(C.non_neg()) is C.NonNeg and type(C.unit_norm(axis=1)) is C.UnitNorm
print({lower: cls.__name__ for lower, cls in pairs.items()})

# %% [markdown]
# ### Two common assumptions, checked
#
# - Older tutorials say `MaxNorm` "ensures the weights do not exceed a certain maximum value". It
#   bounds each unit's **norm**, not each entry (proved above), so a bound above the norms the layer
#   actually has does nothing. Their usual example, `Dense(64, kernel_constraint=MaxNorm(2))` on 10
#   inputs, starts with column norms far below 2, so there `MaxNorm` changes nothing:

# %%
demo_layer = keras.layers.Dense(64, kernel_constraint=C.MaxNorm(2))
demo_layer.build((None, 10))
kernel = to_numpy(demo_layer.kernel)
print(f"the example layer's column norms: {unit_norms(kernel).min():.2f} to {unit_norms(kernel).max():.2f}")
assert unit_norms(kernel).max() < 2
np.testing.assert_allclose(to_numpy(C.MaxNorm(2)(kernel)), kernel, rtol=1e-6)  # a no-op

# %% [markdown]
# - It is easy to assume that a constrained weight obeys its constraint from the start. A constraint
#   acts **only at optimizer steps**: the initial weights are not projected. A `NonNeg` kernel starts
#   with negative entries and loses them at the first step.

# %%
layer = keras.layers.Dense(4, kernel_constraint=C.NonNeg())
model = keras.Sequential([keras.Input((3,)), layer])
assert np.any(to_numpy(layer.kernel) < 0)  # the initializer's values, untouched
model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
model.fit(np.ones((2, 3), "float32"), np.zeros((2, 4), "float32"), epochs=1, verbose=0)
assert np.all(to_numpy(layer.kernel) >= 0)
print("negative entries before the first step: yes; after it:", int(np.sum(to_numpy(layer.kernel) < 0)))

# %% [markdown]
# ## Pros
#
# - A hard guarantee: the property holds after every step, not just on average.
# - No new loss term, no strength to tune for `NonNeg` and `UnitNorm`.
# - Cheap: one projection per step.
# - Saved with the model and identical on TensorFlow, JAX and PyTorch.

# %% [markdown]
# ## Cons
#
# - A projection is not part of the gradient: the optimizer does not "know" about it, so momentum
#   can keep pushing against the wall.
# - Initial weights are not projected until the first step.
# - `MaxNorm` with a bound above the weights' norms does nothing (check your norms).
# - A custom constraint needs `get_config`, or its arguments are lost when the model is saved.

# %% [markdown]
# ## Picture
#
# Per-unit norms of one 6×8 matrix (eight units with norms from small to large) before and after
# each norm constraint: `MaxNorm(1.5)` cuts only the tall bars, `MinMaxNorm(1, 2)` lifts the short
# ones and cuts the tall ones, `rate=0.5` goes half-way, `UnitNorm` makes them all 1.

# %%
scales = np.linspace(0.3, 3.0, 8)
w = (rng.normal(size=(6, 8)) * scales / np.sqrt(6)).astype("float32")
shown = {
    "MaxNorm(1.5)": C.MaxNorm(1.5), "MinMaxNorm(1, 2)": C.MinMaxNorm(1.0, 2.0),
    "MinMaxNorm(1, 2, rate=0.5)": C.MinMaxNorm(1.0, 2.0, rate=0.5), "UnitNorm()": C.UnitNorm(),
}
fig, axes = plt.subplots(1, 4, figsize=(14, 3.4), sharey=True)
units = np.arange(8)
for ax, (name, constraint) in zip(axes, shown.items(), strict=True):
    after = unit_norms(to_numpy(constraint(w)))
    ax.bar(units - 0.2, unit_norms(w), width=0.4, color="#bbbbbb", label="before")
    ax.bar(units + 0.2, after, width=0.4, color=plots.ACCENT, label="after")
    ax.set(title=name, xlabel="unit (column)")
axes[0].set_ylabel("norm of the unit's weights")
axes[0].legend()
fig.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that MaxNorm(1.5) shortens only the bars above 1.5, MinMaxNorm(1, 2) also lifts the "
           "bars below 1, rate=0.5 goes half-way, and UnitNorm sets every bar to 1.")

# %% [markdown]
# ## Table
#
# | Constraint | What it does to each unit $w$ (norms along `axis`) | Arguments (defaults) |
# |---|---|---|
# | `MaxNorm` / `max_norm` | $w\cdot\operatorname{clip}(\lVert w\rVert,0,M)/(\epsilon+\lVert w\rVert)$: norm ≤ M | `max_value=2, axis=0` |
# | `MinMaxNorm` / `min_max_norm` | $w\cdot(r\operatorname{clip}(\lVert w\rVert,m,M)+(1-r)\lVert w\rVert)/(\epsilon+\lVert w\rVert)$ | `min_value=0.0, max_value=1.0, rate=1.0, axis=0` |
# | `NonNeg` / `non_neg` | $\max(w, 0)$ entry by entry | — |
# | `UnitNorm` / `unit_norm` | $w/(\epsilon+\lVert w\rVert)$: norm 1 | `axis=0` |
# | `Constraint` | $w$ unchanged (override `__call__`) | — (override `get_config`) |
#
# ε = `keras.config.epsilon()` = 1e-7. Every row is proved in the How section.

# %% [markdown]
# ## Example
#
# ### A custom constraint: clip each value
#
# The element-wise clip that older tutorials take for `MaxNorm` is a perfectly good constraint, just
# not a built-in one. `ClipValues(limit)` keeps every entry in [−limit, limit]; it defines `get_config` and
# is registered so that a saved model can rebuild it.

# %%
@keras.saving.register_keras_serializable(package="course05")
class ClipValues(keras.constraints.Constraint):
    """Keeps every entry of the weight in [-limit, limit]."""

    def __init__(self, limit=1.0):
        self.limit = float(limit)

    def __call__(self, w):
        return keras.ops.clip(w, -self.limit, self.limit)

    def get_config(self):
        return {"limit": self.limit}


w = rng.normal(size=(3, 4)).astype("float32")
np.testing.assert_array_equal(to_numpy(ClipValues(0.5)(w)), np.clip(w, -0.5, 0.5))
clipped = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, kernel_constraint=ClipValues(0.25))])
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "clip.keras")
    clipped.save(path)
    reloaded = keras.models.load_model(path)
assert isinstance(reloaded.layers[0].kernel_constraint, ClipValues)
assert reloaded.layers[0].kernel_constraint.limit == 0.25
print("reloaded:", reloaded.layers[0].kernel_constraint.get_config())

# %% [markdown]
# ### Without `get_config`, the arguments are lost
#
# Many Keras 2 tutorials write a custom constraint with only `__init__` and `__call__`. The base `get_config`
# returns `{}`, so the saved file records no argument, and loading rebuilds the constraint with its
# **defaults**: here a limit of 0.25 silently becomes 1.0.

# %%
@keras.saving.register_keras_serializable(package="course05")
class ForgetfulClip(keras.constraints.Constraint):
    def __init__(self, limit=1.0):
        self.limit = limit

    def __call__(self, w):
        return keras.ops.clip(w, -self.limit, self.limit)


forgetful = keras.Sequential(
    [keras.Input((4,)), keras.layers.Dense(3, kernel_constraint=ForgetfulClip(0.25))]
)
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "forgetful.keras")
    forgetful.save(path)
    reloaded = keras.models.load_model(path)
assert reloaded.layers[0].kernel_constraint.limit == 1.0  # not 0.25
print("limit saved as 0.25, reloaded as", reloaded.layers[0].kernel_constraint.limit)

# %% [markdown]
# ## Proof
#
# ### Every constraint holds after EACH optimizer step of a real `fit`
#
# One network, five constrained layers, trained with a large learning rate from large initial
# weights (so every constraint has work to do). A callback reads every kernel after **every batch**
# and checks each property in NumPy: `MaxNorm(0.8)` along axis 0 (column norms ≤ 0.8, while row
# norms, which it does not bound, exceed it), `MinMaxNorm(0.5, 1.0)` (norms in the band), `NonNeg`,
# `UnitNorm` and the custom `ClipValues(0.3)`. On JAX, reading `self.model` in a callback syncs the
# trained values back into the variables, so the callback sees the current weights on every backend.

# %%
checks = {
    "max_norm": (C.MaxNorm(0.8, axis=0), lambda k: unit_norms(k, 0).max() <= 0.8 + 1e-5),
    "min_max_norm": (C.MinMaxNorm(0.5, 1.0), lambda k: np.all(np.abs(unit_norms(k) - 0.75) <= 0.25 + 1e-5)),
    "non_neg": (C.NonNeg(), lambda k: k.min() >= 0.0),
    "unit_norm": (C.UnitNorm(), lambda k: np.allclose(unit_norms(k), 1.0, atol=1e-5)),
    "clip_values": (ClipValues(0.3), lambda k: np.abs(k).max() <= 0.3),
}


class CheckEveryStep(keras.callbacks.Callback):
    """After every training batch, read each constrained kernel and record whether its check holds."""

    def __init__(self):
        super().__init__()
        self.results = {name: [] for name in checks}
        self.row_norm_max = []

    def on_train_batch_end(self, batch, logs=None):
        model = self.model  # on JAX this syncs the trained values into the variables
        for name, (_, check) in checks.items():
            self.results[name].append(bool(check(to_numpy(model.get_layer(name).kernel))))
        self.row_norm_max.append(unit_norms(to_numpy(model.get_layer("max_norm").kernel), axis=1).max())


big = keras.initializers.RandomNormal(stddev=1.0, seed=3)
network = keras.Sequential(
    [keras.Input((6,))]
    + [keras.layers.Dense(6, activation="tanh", kernel_initializer=big, kernel_constraint=c, name=n)
       for n, (c, _) in checks.items()]
    + [keras.layers.Dense(1)]
)
initial = {name: to_numpy(network.get_layer(name).kernel) for name in checks}
assert not any(check(initial[name]) for name, (_, check) in checks.items())  # all violated at the start

x = rng.normal(size=(96, 6)).astype("float32")
y = np.sin(x.sum(axis=1, keepdims=True))
checker = CheckEveryStep()
network.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="mse")
network.fit(x, y, batch_size=16, epochs=2, verbose=0, callbacks=[checker])

steps = 2 * len(x) // 16
for name, results in checker.results.items():
    assert len(results) == steps and all(results), (name, results)
assert min(checker.row_norm_max) > 0.8  # rows are not bounded: fails if MaxNorm used axis 1 (or all axes)
print(f"{steps} steps; every check held after every step:", {n: sum(r) for n, r in checker.results.items()})

# %% [markdown]
# Where the weights ended up: each constraint leaves its own shape on the distribution of the
# trained kernel's entries.

# %%
fig, axes = plt.subplots(1, 5, figsize=(15, 3.2), sharex=True)
bins = np.linspace(-2.5, 2.5, 41)  # the same bins before and after, in every panel
for ax, name in zip(axes, checks, strict=True):
    ax.hist(initial[name].ravel(), bins=bins, color="#bbbbbb", label="initial")
    ax.hist(to_numpy(network.get_layer(name).kernel).ravel(), bins=bins, alpha=0.8, color=plots.ACCENT,
            label="after training")
    ax.set(title=name, xlabel="kernel entry")
for limit in (-0.3, 0.3):
    axes[-1].axvline(limit, color="black", ls="--", lw=0.8)  # ClipValues(0.3)'s walls
axes[0].set_ylabel("number of entries (36 per kernel)")
axes[0].legend()
fig.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that after training non_neg piles its entries up at 0 and clip_values at the dashed "
           "±0.3 walls, while the three norm constraints keep both signs and only narrow the spread.")

# %% [markdown]
# ## Application
#
# ### Non-negative least squares with a one-unit layer
#
# A sample's spectrum is a mixture of 5 known component spectra, and we want the (non-negative)
# amount of each: $y \approx A\,c$ with $c \ge 0$. A `Dense(1, use_bias=False)` layer with a
# `NonNeg` kernel is exactly this model; projected gradient descent (SGD + the constraint after each
# step) solves it. SciPy's `nnls`, an independent active-set solver, gives the reference answer.
# Two of the true amounts are 0 and the data are noisy, so unconstrained least squares returns
# negative amounts, which are physically meaningless.

# %%
wavelengths = np.linspace(0, 1, 120)
centres = (0.15, 0.35, 0.5, 0.65, 0.85)
components = np.stack([np.exp(-((wavelengths - m) ** 2) / 0.01) for m in centres], axis=1)
true_amounts = np.array([1.0, 0.0, 0.6, 0.0, 0.3])
noise = np.random.default_rng(5).normal(0, 0.1, size=len(wavelengths))  # its own generator: fixed noise
spectrum = components @ true_amounts + noise

keras.utils.set_random_seed(0)
mixer = keras.layers.Dense(1, use_bias=False, kernel_constraint=C.NonNeg(), kernel_initializer="ones")
unmixing = keras.Sequential([keras.Input((5,)), mixer])
unmixing.compile(optimizer=keras.optimizers.SGD(learning_rate=1.5), loss="mse")
# 100 full-batch steps, as one epoch over the data repeated 100 times (faster than 100 epochs)
inputs_100 = np.tile(components, (100, 1)).astype("float32")
targets_100 = np.tile(spectrum, 100).reshape(-1, 1).astype("float32")
unmixing.fit(inputs_100, targets_100, batch_size=len(wavelengths), epochs=1, shuffle=False, verbose=0)
amounts = to_numpy(mixer.kernel).ravel()
reference, _ = nnls(components, spectrum)
unconstrained = np.linalg.lstsq(components, spectrum, rcond=None)[0]
print("Keras + NonNeg:", amounts.round(3), "\nSciPy nnls:    ", reference.round(3),
      "\nplain lstsq:   ", unconstrained.round(3), "\ntrue:          ", true_amounts)
assert np.all(amounts >= 0)
np.testing.assert_allclose(amounts, reference, atol=0.02)
assert unconstrained.min() < 0  # without the constraint, some amount comes out negative

# %%
fig, ax = plt.subplots(figsize=(7, 3.6))
positions = np.arange(5)
ax.bar(positions - 0.27, true_amounts, width=0.27, color="#bbbbbb", label="true amount")
ax.bar(positions, amounts, width=0.27, color=plots.ACCENT, label="Dense + NonNeg")
ax.bar(positions + 0.27, unconstrained, width=0.27, color="#6fa8dc", label="unconstrained least squares")
ax.axhline(0, color="black", lw=0.8)
ax.set(xticks=positions, xticklabels=[f"component {i}" for i in positions], ylabel="amount",
       title="Unmixing a noisy spectrum: the constraint keeps amounts ≥ 0")
ax.legend()
plt.close(fig)
plots.show(fig, "Notice that unconstrained least squares gives negative amounts, which no mixture can have, "
           "while Dense + NonNeg keeps every amount at 0 or above, close to the true ones.")

# %% [markdown]
# Why not solve without the constraint and clip the negative amounts to 0 afterwards? Because the
# other amounts keep the values they took while compensating for the negative ones: the clipped
# answer is non-negative but fits the spectrum worse than the constrained optimum, which the
# projection after **every** step finds.

# %%
clipped = np.clip(unconstrained, 0, None)
answers = {"clipped afterwards": clipped, "Dense + NonNeg": amounts, "SciPy nnls": reference}
squared_error = {name: float(np.sum((components @ c - spectrum) ** 2)) for name, c in answers.items()}
assert squared_error["clipped afterwards"] > squared_error["SciPy nnls"]  # the constrained optimum fits better
assert squared_error["clipped afterwards"] > squared_error["Dense + NonNeg"]  # and so does fit's answer
print({name: round(error, 4) for name, error in squared_error.items()})

# %% [markdown]
# ## Key terms
#
# - **Constraint**: a projection applied to a weight after each optimizer step.
# - **Projection**: a map onto an allowed set that leaves points already in it (nearly) unchanged.
# - **Unit**: the slice of a weight that feeds one output: a column of a `Dense` kernel (`axis=0`),
#   a filter of a convolution kernel (`axis=[0, 1, 2]`).
# - **Max-norm**: an upper bound on each unit's Euclidean norm.
# - **Rate** (`MinMaxNorm`): the fraction of the way towards the band moved per step.
# - **Projected gradient descent**: a gradient step followed by a projection; what `fit` does with a
#   constraint.
# - **Non-negative least squares**: least squares with all coefficients ≥ 0.

# %% [markdown]
# ## Summary
#
# - Constraints rescale or clip weights **after each optimizer step**; they add nothing to the loss
#   and do not touch the initial weights.
# - `MaxNorm`, `MinMaxNorm` and `UnitNorm` work on **per-unit norms along `axis`** (default 0, the
#   columns of a `Dense` kernel), not on single entries, whatever older tutorials say.
# - `MinMaxNorm` with `rate < 1` moves each norm only part of the way into [min, max] per step.
# - `NonNeg` is `max(w, 0)`; with it a `Dense` layer solves non-negative least squares.
# - Lower-case names are the same classes; `get`, `serialize`, `deserialize` round-trip them.
# - A custom `Constraint` needs `get_config`, or a saved model reloads it with default arguments.

# %% [markdown]
# ## Exercises
#
# Each exercise prints its task and how you know you are done; `ex.check(...)` says what is right and
# what is not yet. A hint and a solution are there when you ask for them.

# %% [markdown]
# ### Exercise 05.1 · When does `MaxNorm` change nothing?

# %%
ex = exercise("05.1")  # prints the task and how you know you are done


def smallest_noop_max_value(kernel, axis=0):
    ...  # your code here


ex.check(smallest_noop_max_value)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 05.2 · A constraint that keeps the diagonal at zero
#
# Useful for a square kernel in which no unit may read its own input (a unit's self-connection).

# %%
ex = exercise("05.2")


class ZeroDiagonal(keras.constraints.Constraint):
    def __call__(self, w):
        ...  # your code here


ex.check(ZeroDiagonal)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 05.3 · Non-negative least squares by projected gradient descent
#
# What `fit` did in the Application, written in NumPy: a gradient step, then the projection.

# %%
ex = exercise("05.3")


def nonneg_least_squares(A, y):
    ...  # your code here


ex.check(nonneg_least_squares)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ## Deep dive (optional)
#
# Proofs that are here for trust rather than understanding: the ε of the norm constraints, the
# save/load round trips of the built-ins, and `MinMaxNorm`'s `rate` inside a real `fit`. Each
# subsection says what it proves; they reuse names from the core path, so run that first.

# %% [markdown]
# ### The ε of the norm constraints keeps a zero unit at 0
#
# This proves why Keras divides by `ε + norm`, which matters if a unit can die (all its weights 0).
# The ε in the denominator is what keeps a **zero slice** at 0: without it, 0 / 0 would make the
# column NaN. A kernel with a zero column goes through each norm constraint; the zero column stays
# exactly 0 and the other one is constrained as usual (fails if Keras divided by the bare norm,
# which the NumPy line below shows giving NaN).

# %%
with_zero_column = np.array([[0.0, 0.6], [0.0, 0.8]], "float32")  # column norms 0 and 1
with np.errstate(invalid="ignore"):
    epsilon_free = with_zero_column / unit_norms(with_zero_column)[None, :]
assert np.isnan(epsilon_free[:, 0]).all()  # what dividing by the bare norm gives
for constraint in (C.UnitNorm(), C.MaxNorm(0.5), C.MinMaxNorm(0.5, 2.0)):
    result = to_numpy(constraint(with_zero_column))
    assert np.all(result[:, 0] == 0.0), (type(constraint).__name__, result)  # the zero column stays 0
np.testing.assert_allclose(to_numpy(C.UnitNorm()(with_zero_column)), with_zero_column, rtol=1e-6)
print("UnitNorm of [[0, 0.6], [0, 0.8]]:", to_numpy(C.UnitNorm()(with_zero_column)).tolist())

# %% [markdown]
# ### `serialize`, `deserialize` and `get`
#
# This proves that every built-in constraint survives the trip to a saved file and back, and which
# strings a layer argument accepts: useful when you load a model or write
# `kernel_constraint="non_neg"`.
#
# `serialize` gives a JSON-friendly dict, `deserialize` rebuilds an equal constraint, and `get`
# accepts `None`, an instance, a dict or a name (class or snake-case, with default arguments).

# %%
w = rng.normal(size=(4, 3)).astype("float32")
for constraint in (C.MaxNorm(1.5, axis=1), C.MinMaxNorm(0.5, 1.0, rate=0.3), C.NonNeg(), C.UnitNorm(axis=1)):
    stored = json.loads(json.dumps(C.serialize(constraint)))
    rebuilt = C.deserialize(stored)
    assert type(rebuilt) is type(constraint) and rebuilt.get_config() == constraint.get_config()
    assert type(C.get(stored)) is type(constraint)
    np.testing.assert_allclose(to_numpy(rebuilt(w)), to_numpy(constraint(w)), rtol=1e-6)
    print(stored)

same = C.UnitNorm()
assert C.get(same) is same and C.get(None) is None
by_name = {"max_norm": C.MaxNorm, "MinMaxNorm": C.MinMaxNorm, "non_neg": C.NonNeg, "unit_norm": C.UnitNorm}
for name, cls in by_name.items():
    assert type(C.get(name)) is cls
assert C.get("max_norm").get_config() == {"max_value": 2, "axis": 0}
print(expect_error(ValueError, lambda: C.get("no_such_constraint")))

# %% [markdown]
# ### `MinMaxNorm` with `rate < 1`, step by step
#
# This proves the `rate` formula of the How section inside a real `fit`, step by step, for readers
# who use `MinMaxNorm` to pull norms into a band gently. With `rate=0.5` the norms are not forced
# into the band at once, so the property to prove is the formula itself: after each step, each norm
# is `0.5·clip(n, 1, 2) + 0.5·n` of the norm `n` the gradient step produced. To see `n`, a small
# `Constraint` subclass records its input before projecting; the model runs eagerly so that the
# recorded values are plain arrays on every backend. The callback checks every step's result against
# NumPy's formula, and the distance to the band halves each step.

# %%
class Recorded(keras.constraints.Constraint):
    """Applies `inner` and keeps a NumPy copy of each weight it receives (before projection)."""

    def __init__(self, inner):
        self.inner, self.inputs = inner, []

    def __call__(self, w):
        self.inputs.append(to_numpy(w).copy())
        return self.inner(w)


def distance_to_band(norms, low=1.0, high=2.0):
    return np.maximum(low - norms, 0) + np.maximum(norms - high, 0)


class CheckRate(keras.callbacks.Callback):
    def __init__(self, recorder):
        super().__init__()
        self.recorder, self.norms, self.ok = recorder, [], []

    def on_train_batch_end(self, batch, logs=None):
        after = to_numpy(self.model.get_layer("gentle").kernel)
        before = self.recorder.inputs[-1]  # what the gradient step produced
        self.ok.append(np.allclose(after, min_max_norm(before, 1.0, 2.0, rate=0.5), rtol=1e-5, atol=1e-6))
        shrink = distance_to_band(unit_norms(after)) <= 0.5 * distance_to_band(unit_norms(before)) + 1e-5
        self.ok[-1] &= bool(np.all(shrink))
        self.norms.append(unit_norms(after))


recorder = Recorded(C.MinMaxNorm(min_value=1.0, max_value=2.0, rate=0.5))
directions = rng.normal(size=(6, 6))
start_norms = np.array([0.1, 0.5, 1.2, 1.8, 3.0, 4.0])  # two below the band, two in it, two above
start_weights = (directions / unit_norms(directions) * start_norms).astype("float32")
gentle_layer = keras.layers.Dense(6, kernel_constraint=recorder, name="gentle")
gentle = keras.Sequential([keras.Input((6,)), gentle_layer, keras.layers.Dense(1)])
gentle_layer.kernel.assign(start_weights)
rate_check = CheckRate(recorder)
gentle.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse", run_eagerly=True)
gentle.fit(x, y, batch_size=16, epochs=1, verbose=0, callbacks=[rate_check])
assert len(rate_check.ok) == len(x) // 16 and all(rate_check.ok), rate_check.ok
np.testing.assert_allclose(unit_norms(start_weights), start_norms, rtol=1e-5)
assert distance_to_band(start_norms).max() > 1.0  # far outside the band at the start
assert distance_to_band(rate_check.norms[-1]).max() < 0.1  # six halvings later, nearly inside
print("norms at the start:", start_norms.round(2))
print("after each step:\n", np.array(rate_check.norms).round(2))

# %%
fig, ax = plt.subplots(figsize=(6.4, 3.8))
trajectory = np.vstack([start_norms, np.array(rate_check.norms)])
ax.axhspan(1.0, 2.0, color="#d9ead3", label="band [1, 2]")
ax.plot(np.arange(len(trajectory)), trajectory, marker="o", ms=3)
ax.set(xlabel="optimizer step", ylabel="norm of each unit's weights",
       title="MinMaxNorm(1, 2, rate=0.5): half-way into the band per step")
ax.legend(loc="upper right")
plt.close(fig)
plots.show(fig, "Notice that the four norms outside the green band close half of their distance to it at "
           "every step, from below and from above, while the two inside it stay where they are.")

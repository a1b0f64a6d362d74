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
# # 02 · Layer activations
#
# An **activation** is the non-linear function a layer applies to its output. Without one, a stack
# of `Dense` layers is a single matrix product; with one, it can bend. Keras 3 ships 30 activations
# in `keras.activations`, from `relu` to `sparsemax`. You will see each one next to its derivative,
# bend the curves in an explorer, and watch two classic failures happen with real numbers: ReLUs
# that die and gradients that vanish through a deep sigmoid stack.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/notebooks/02_activations.ipynb)

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
# The tools used all along: Keras, NumPy and SciPy's `erf` for the independent checks, the course's
# plotting style, `helpers.autodiff` (derivatives from the active backend's autodiff: TensorFlow's
# `GradientTape`, `jax.grad` or `torch.autograd`), the activations explorer and the self-check
# exercises.

# %%
import warnings

import keras
import matplotlib.pyplot as plt
import numpy as np
from scipy.special import erf

from helpers import plots
from helpers.autodiff import derivative, gradients
from helpers.explorers import activations as explorer
from helpers.known_bugs import assert_known_bug
from helpers.nbtools import expect_error, to_numpy
from helpers.selfcheck import exercise

plots.use_course_style()
act = keras.activations  # a short name for the module this notebook is about
ops = keras.ops
rng = np.random.default_rng(0)

# %% [markdown]
# ## What
#
# An activation `f` is applied after a layer's linear part: `Dense(units, activation=f)` computes
# `f(x @ W + b)`. Most activations act **elementwise** (one number in, one number out, e.g.
# `relu(x) = max(x, 0)`); four are **vector-valued**: `softmax`, `log_softmax`, `sparsemax` and
# `glu` look at a whole axis at once.
#
# Why bother? Two linear layers in a row are one linear layer: `(x W₁) W₂ = x (W₁ W₂)`. The cell
# proves it, and proves that a `relu` in between breaks the collapse (no single matrix reproduces
# it; we fit the best one by least squares and it misses).

# %%
x = rng.normal(size=(200, 3)).astype("float32")
for activation in ["linear", "relu"]:
    keras.utils.set_random_seed(0)
    two = keras.Sequential([keras.Input((3,)), keras.layers.Dense(8, activation=activation, use_bias=False),
                            keras.layers.Dense(2, use_bias=False)])
    (w1,), (w2,) = (layer.get_weights() for layer in two.layers)
    y = to_numpy(two(x))
    best, *_ = np.linalg.lstsq(x, y, rcond=None)  # the best single 3x2 matrix, by least squares
    miss = np.max(np.abs(x @ best - y))
    print(f"{activation:>6}: largest miss of the best single matrix = {miss:.2e}")
    if activation == "linear":
        np.testing.assert_allclose(y, x @ (w1 @ w2), rtol=1e-4, atol=1e-5)  # one matrix: W1 @ W2
        assert miss < 1e-4
    else:
        assert miss > 0.1  # fails if relu were linear

# %% [markdown]
# ## Where
#
# - **In the API**: `keras.activations.<name>` are plain functions of a tensor (plus options);
#   `get`, `serialize` and `deserialize` translate between names and functions.
# - **In a layer**: the `activation=` argument of `Dense`, `Conv2D`, `LSTM`… takes a name
#   (`"gelu"`) or a function, and a config stores it **by name**; `keras.layers.Activation` is a
#   layer that only applies one.
# - **In your own layer**: turn the argument into a function with `keras.activations.get` in
#   `__init__`, and apply it in `call` to the linear part, as the built-in layers do.
#
# The four spellings below give the same numbers, which NumPy recomputes.

# %%
keras.utils.set_random_seed(1)
dense_named = keras.layers.Dense(4, activation="gelu")
x = rng.normal(size=(5, 3)).astype("float32")
y_named = to_numpy(dense_named(x))
kernel, bias = dense_named.get_weights()
pre = x @ kernel + bias
y_function = to_numpy(act.gelu(pre))
y_layer = to_numpy(keras.layers.Activation("gelu")(pre))


class MyDense(keras.layers.Layer):
    """A layer of your own that takes `activation=` like Dense (weights copied from dense_named)."""

    def __init__(self, activation=None):
        super().__init__()
        self.activation = act.get(activation)  # a name, a function or None -> a function

    def call(self, inputs):
        return self.activation(ops.add(ops.matmul(inputs, kernel), bias))


y_own = to_numpy(MyDense("gelu")(x))
numpy_gelu = 0.5 * pre * (1 + erf(pre / np.sqrt(2)))
for y in (y_named, y_function, y_layer, y_own):
    np.testing.assert_allclose(y, numpy_gelu, rtol=1e-5, atol=1e-6)
assert act.get("gelu") is act.gelu and dense_named.activation is act.gelu
assert dense_named.get_config()["activation"] == "gelu"  # stored by name

# %% [markdown]
# ## Why
#
# The activation decides **what a network can represent** (without it, only linear maps) and **how
# well it trains**: the gradient that reaches early layers is multiplied by `f'` once per layer. If
# `f'` is often 0 (a ReLU whose input is always negative) a unit stops learning; if `f'` is always
# small (a sigmoid's is at most 1/4) the gradient shrinks geometrically with depth (Application).
# The output activation also decides **what the outputs mean**: probabilities (`sigmoid`,
# `softmax`), log-probabilities (`log_softmax`), any real number (`linear`).

# %% [markdown]
# ## When
#
# - **Hidden layers**: `relu` is the fast default; `gelu` and `silu` are usual in transformers and
#   modern CNNs; `leaky_relu`, `elu`, `celu` keep a gradient for negative inputs; `selu` for
#   self-normalizing dense networks; `relu6`, `hard_silu` for cheap mobile arithmetic.
# - **Outputs**: `sigmoid` for independent yes/no outputs, `softmax` for one-of-K classes,
#   `log_softmax` when you want log-probabilities, `linear` for regression, `softplus` or
#   `exponential` for a positive quantity (a rate, a variance).
# - **Gating**: `sigmoid` and `tanh` inside LSTM/GRU cells; `glu` for gated feed-forward blocks.
# - **Sparsity**: `sparsemax` (probabilities with exact zeros), `soft_shrink`/`hard_shrink`
#   (denoising: small values set to 0).

# %% [markdown]
# ## Who
#
# Everyone who builds a layer picks one, usually by name. Most were proposed in the last fifteen
# years, from ReLU (Nair & Hinton 2010) to GELU (Hendrycks & Gimpel 2016) and SiLU/Swish (2017);
# Keras collects them behind one signature, `f(x, **options)`, on every backend.

# %% [markdown]
# ## How
#
# Every activation takes a tensor (or a NumPy array) and returns a backend tensor of the same shape
# (`glu` halves one axis). The cells below call each one, family by family, print the values at
# seven points and draw the family with its derivative. `to_numpy` turns a backend tensor into a
# NumPy array.

# %%
# One input grid for the whole notebook (JAX compiles each operation once per shape): 401 points,
# steps of 1/32 from -6 to 6 (so 0 and the kinks are on it), plus large values up to ±50.
far_out = [-50, -40, -30, -25, -20, -15, -10, -8, 8, 10, 15, 20, 25, 30, 40, 50]
xs = np.sort(np.concatenate([far_out, np.linspace(-6, 6, 385)])).astype("float32")
points = np.array([-3.0, -1.0, -0.25, 0.0, 0.25, 1.0, 3.0], dtype="float32")
at = np.searchsorted(xs, points)  # where the few points we print sit on the grid
assert np.array_equal(xs[at], points)
grid = np.linspace(-5, 5, 401).astype("float32")  # a plain grid for derivatives and pictures


def show_values(name, values):
    values = to_numpy(values)
    picked = values[at] if values.shape == xs.shape else values  # the seven points, or a short vector
    print(f"{name:>24}: " + " ".join(f"{v:8.4f}" for v in picked))


print(" " * 26 + " ".join(f"{v:8.2f}" for v in points))

# %% [markdown]
# ### ReLU-like: `relu`, `leaky_relu`, `relu6`, `elu`, `selu`, `celu`, `linear`, `threshold`
#
# Identity (or close to it) for positive inputs, something flat or gently negative for negative
# ones. `relu` alone has three options: `negative_slope`, `max_value` and `threshold`.

# %%
show_values("relu", act.relu(xs))
show_values("relu(max_value=1)", act.relu(xs, max_value=1.0))
show_values("leaky_relu", act.leaky_relu(xs))  # negative_slope=0.2 by default
show_values("leaky_relu(slope=0.05)", act.leaky_relu(xs, negative_slope=0.05))
show_values("relu6", act.relu6(xs))
show_values("elu", act.elu(xs))
show_values("selu", act.selu(xs))
show_values("celu(alpha=0.5)", act.celu(xs, alpha=0.5))
show_values("linear", act.linear(xs))
show_values("threshold(0.2, -1)", act.threshold(xs, threshold=0.2, default_value=-1.0))

# %%
plots.show(
    explorer.figure(explorer.FAMILIES["ReLU-like"][:-1], x_range=(-5, 8), title="ReLU-like activations"),
    "Notice that relu6 follows relu until it goes flat at 6, and that elu, selu and celu bend smoothly "
    "to a negative floor, so their derivative stays positive for x < 0, where relu's is 0.",
)

# %% [markdown]
# (`threshold` is drawn with the shrinkage family below.) `selu` is `elu` scaled by λ ≈ 1.0507 with
# α ≈ 1.6733, hence its slope of 1.05 for x > 0.
#
# ### Smooth ReLU-like: `softplus`, `silu`, `gelu`, `mish`, `hard_silu`, `squareplus`, `sparse_plus`
#
# Curves that look like ReLU from afar but are smooth (or at least continuous in slope) near 0.
# `gelu` has an `approximate` option; `squareplus` a smoothness `b`.

# %%
show_values("softplus", act.softplus(xs))
show_values("silu", act.silu(xs))
show_values("gelu", act.gelu(xs))
show_values("gelu(approximate=True)", act.gelu(xs, approximate=True))
show_values("mish", act.mish(xs))
show_values("hard_silu", act.hard_silu(xs))
show_values("squareplus(b=1)", act.squareplus(xs, b=1))
show_values("sparse_plus", act.sparse_plus(xs))

# %%
plots.show(
    explorer.figure(explorer.FAMILIES["smooth ReLU-like"], title="Smooth ReLU-like activations"),
    "Notice that silu, gelu and mish dip below zero before rising, so their derivative is negative left "
    "of each minimum, and that hard_silu's derivative jumps at ±3 while sparse_plus's is a continuous ramp.",
)

# %% [markdown]
# The dips' minima (x ≈ −1.28, −0.75, −1.19 for `silu`, `gelu`, `mish`) and the slopes' overshoot
# above 1 for x > 0 (peaking below 1.13) are asserted in the deep dive.
#
# ### Saturating: `sigmoid`, `tanh`, `softsign`, `hard_sigmoid`, `hard_tanh`, `log_sigmoid`, `sparse_sigmoid`, `exponential`
#
# Bounded (at least on one side): they flatten out on their bounded side, and so does their
# gradient there. `log_sigmoid` is bounded above only; `exponential` grows without bound and sits
# here as the other side of the same coin (`sigmoid = exp / (1 + exp)`).

# %%
show_values("sigmoid", act.sigmoid(xs))
show_values("tanh", act.tanh(xs))
show_values("softsign", act.softsign(xs))
show_values("hard_sigmoid", act.hard_sigmoid(xs))
show_values("hard_tanh", act.hard_tanh(xs))
show_values("log_sigmoid", act.log_sigmoid(xs))
show_values("sparse_sigmoid", act.sparse_sigmoid(xs))
show_values("exponential", act.exponential(xs))

# %%
plots.show(
    explorer.figure(explorer.FAMILIES["saturating"][:-1], title="Saturating activations"),
    "Notice that sigmoid's derivative never exceeds 0.25 and every bounded curve's derivative is near 0 "
    "for |x| ≥ 4, while log_sigmoid's derivative tends to 1 on the left, where the curve is the line y = x.",
)

# %% [markdown]
# The right panel is the story of vanishing gradients: a gradient passing through a flat region is
# multiplied by almost 0. The hard versions are exactly flat outside [-3, 3] or [-1, 1].
# (`exponential`, left out to keep the scale, is its own derivative.)
#
# ### Shrinkage: `hard_shrink`, `soft_shrink`, `tanh_shrink`
#
# They push small values to (or towards) zero, with a `threshold` λ for the first two.

# %%
show_values("hard_shrink", act.hard_shrink(xs))  # threshold=0.5 by default
show_values("soft_shrink(threshold=1)", act.soft_shrink(xs, threshold=1.0))
show_values("tanh_shrink", act.tanh_shrink(xs))

# %%
plots.show(
    explorer.figure(["hard_shrink", "soft_shrink", "tanh_shrink", "threshold"], title="Shrinkage and threshold"),
    "Notice that hard_shrink and soft_shrink are exactly 0 on [-0.5, 0.5], that hard_shrink jumps there "
    "while soft_shrink moves everything else 0.5 towards 0, and that threshold keeps x only above 1.",
)

# %% [markdown]
# ### Vector-valued: `softmax`, `log_softmax`, `sparsemax`, `glu`
#
# These read a whole axis (`axis=-1` by default). `softmax` and `sparsemax` return a probability
# vector (non-negative, summing to 1; `sparsemax` can give exact zeros), `log_softmax` its
# logarithm, and `glu` splits the axis in two halves `a`, `b` and returns `a * sigmoid(b)`.
# (`sparsemax` of the pinned Keras 3.15.1 has a bug when two or more entries stay positive; the
# deep dive proves it and writes a correct version.)

# %%
logits = np.array([[2.0, 1.0, 0.1, -1.0]], dtype="float32")
show_values("softmax", act.softmax(logits)[0])
show_values("log_softmax", act.log_softmax(logits)[0])
show_values("sparsemax", act.sparsemax(logits)[0])
show_values("glu (4 -> 2 entries)", act.glu(logits)[0])
assert to_numpy(act.glu(logits)).shape == (1, 2)

# %% [markdown]
# ### The same object under two names: `swish` and `hard_swish`
#
# `swish` is `silu` and `hard_swish` is `hard_silu`: not copies, the same function objects.

# %%
assert act.swish is act.silu
assert act.hard_swish is act.hard_silu
show_values("swish", act.swish(xs))

# %% [markdown]
# ### Names and functions: `get`, `serialize`, `deserialize`
#
# `get` accepts a name, a function or `None` (which means `linear`); `serialize` gives the name a
# config stores; `deserialize` turns it back. An unknown name is a `ValueError`.

# %%
assert act.get("relu") is act.relu
assert act.get(None) is act.linear  # "no activation" is the identity
assert act.get(act.tanh) is act.tanh  # a function passes through
print(act.serialize(act.gelu), "->", act.deserialize("gelu"))
error = expect_error(ValueError, lambda: act.get("rleu"))
print("get('rleu'):", str(error)[:70])

# %% [markdown]
# ## Pros
#
# - One signature for all 30: `f(x, **options)`, usable as a function, a name or a layer.
# - Same formulas on TensorFlow, JAX and PyTorch, and numerically careful: `softmax` shifts by the
#   maximum, `softplus` stays finite where `log(1 + exp(x))` overflows (both in the deep dive).
# - Names round-trip through configs, so models with built-in activations save and reload.

# %% [markdown]
# ## Cons
#
# - The choice is partly empirical: no activation is best everywhere.
# - ReLUs can **die** (zero gradient forever) and sigmoids **saturate** (tiny gradients), see
#   Application.
# - Defaults differ from papers and Keras 2: `leaky_relu`'s slope is 0.2 (the `LeakyReLU` layer's
#   0.3), `hard_sigmoid` changed its formula (deep dive).
# - `sparsemax` in the pinned Keras 3.15.1 is wrong when two or more entries stay positive (deep dive).

# %% [markdown]
# ## Picture
#
# ### The four activations you will meet most, with their derivatives
#
# Curves on the left, derivatives on the right, on the same x axis. The derivatives are computed by
# the active backend's autodiff (`helpers.autodiff.derivative`), not typed in; the deep dive checks
# them against NumPy finite differences.

# %%
plots.show(
    explorer.figure(["relu", "gelu", "sigmoid", "tanh"], title="relu, gelu, sigmoid and tanh"),
    "Notice that relu's derivative jumps from 0 to 1 at x = 0, gelu's dips below 0 for negative x, and "
    "the derivatives of sigmoid and tanh peak at x = 0 (at 0.25 and 1) and fade towards 0 on both sides.",
)

# %% [markdown]
# ## Table
#
# σ(x) = 1/(1+e⁻ˣ) is the sigmoid. Every row is checked against NumPy in the deep dive.
#
# | Activation | Formula (Keras 3) | Options (default) | Range |
# |---|---|---|---|
# | `relu` | max(x, 0) with the defaults (the general formula is in the deep dive) | `negative_slope=0`, `max_value=None`, `threshold=0` | [0, ∞) |
# | `leaky_relu` | x if x > 0 else negative_slope·x | `negative_slope=0.2` | ℝ |
# | `relu6` | min(max(x, 0), 6) | | [0, 6] |
# | `elu` | x if x > 0 else α(eˣ − 1) | `alpha=1.0` | (−α, ∞) |
# | `selu` | λ·elu(x, α), λ = 1.0507…, α = 1.6733… | | (−λα, ∞) |
# | `celu` | max(0, x) + min(0, α(e^{x/α} − 1)) | `alpha=1.0` | (−α, ∞) |
# | `linear` | x | | ℝ |
# | `threshold` | x if x > threshold else default_value | both required | |
# | `softplus` | ln(1 + eˣ) | | (0, ∞) |
# | `silu` = `swish` | x·σ(x) | | [−0.278, ∞) |
# | `gelu` | ½x(1 + erf(x/√2)); a tanh formula with `approximate=True` (Proof) | `approximate=False` | [−0.170, ∞) |
# | `mish` | x·tanh(softplus(x)) | | [−0.309, ∞) |
# | `hard_silu` = `hard_swish` | x·relu6(x + 3)/6 (0 below −3, x above 3, x(x+3)/6 between) | | [−0.375, ∞) |
# | `squareplus` | (x + √(x² + b))/2 | `b=4` | (0, ∞) |
# | `sparse_plus` | 0 if x ≤ −1, x if x ≥ 1, (x + 1)²/4 between | | [0, ∞) |
# | `sigmoid` | σ(x) | | (0, 1) |
# | `tanh` | (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ) | | (−1, 1) |
# | `softsign` | x/(1 + \|x\|) | | (−1, 1) |
# | `hard_sigmoid` | relu6(x + 3)/6 = clip(x/6 + ½, 0, 1) | | [0, 1] |
# | `hard_tanh` | clip(x, −1, 1) | | [−1, 1] |
# | `log_sigmoid` | ln σ(x) = −softplus(−x) | | (−∞, 0) |
# | `sparse_sigmoid` | clip((x + 1)/2, 0, 1) | | [0, 1] |
# | `exponential` | eˣ | | (0, ∞) |
# | `hard_shrink` | x if \|x\| > λ else 0 | `threshold=0.5` | |
# | `soft_shrink` | sign(x)·max(\|x\| − λ, 0) | `threshold=0.5` | |
# | `tanh_shrink` | x − tanh(x) | | ℝ |
# | `softmax` | e^{xᵢ}/Σⱼ e^{xⱼ} along `axis` | `axis=-1` | simplex |
# | `log_softmax` | xᵢ − max − ln Σⱼ e^{xⱼ − max} | `axis=-1` | (−∞, 0] |
# | `sparsemax` | max(xᵢ − τ, 0), τ chosen so the outputs sum to 1 | `axis=-1` | simplex, exact zeros |
# | `glu` | a·σ(b), where [a, b] = the two halves of `axis` | `axis=-1` | ℝ, half the size |

# %% [markdown]
# ## Example
#
# ### Example 1 · Explore the curves yourself
#
# Pick activations, move a parameter, and the figure redraws. Impossible settings (a `celu` α ≤ 0,
# a negative shrink threshold) print a one-line message instead of failing. Where widgets do not
# render (a static page, a PDF), the first figure shows four parameters moved from their defaults.

# %%
moved = explorer.figure(
    ["elu", "celu", "leaky_relu", "squareplus"],
    {"elu": {"alpha": 0.5}, "celu": {"alpha": 2.0}, "leaky_relu": {"negative_slope": 0.05},
     "squareplus": {"b": 1.0}},
    title="Parameters moved: elu α=0.5, celu α=2, leaky slope 0.05, squareplus b=1",
)
plots.show(moved, "Notice that elu with α = 0.5 levels off near −0.5 while celu with α = 2 heads towards −2, "
                  "leaky_relu with slope 0.05 is almost flat for x < 0, and squareplus with b = 1 is 0.5 at x = 0.")

# %%
activation_explorer = explorer.explore(selected=("relu", "leaky_relu", "elu", "gelu"))
activation_explorer

# %% [markdown]
# ### Example 2 · Output activations give outputs a meaning
#
# The same four logits read three ways: `softmax` gives class probabilities (positive, summing to
# 1), `sigmoid` gives four independent probabilities (each in (0, 1), no sum constraint), and
# `sparsemax` gives probabilities with exact zeros for the weak classes.

# %%
logits3 = np.array([[3.0, 1.0, -2.0, -3.0]], dtype="float32")
p_soft, p_sig, p_sparse = (to_numpy(f(logits3))[0] for f in (act.softmax, act.sigmoid, act.sparsemax))
np.testing.assert_allclose(p_soft.sum(), 1.0, rtol=1e-6)
np.testing.assert_allclose(p_sparse.sum(), 1.0, rtol=1e-6)
assert p_sig.sum() > 1.0  # independent probabilities need not sum to 1
assert np.all(p_soft > 0) and np.sum(p_sparse == 0) == 3  # sparsemax: exact zeros
print("softmax", p_soft.round(4), "| sigmoid", p_sig.round(4), "| sparsemax", p_sparse.round(4))

# %% [markdown]
# ## Proof
#
# Two proofs that change how you write code, each on a case where the wrong belief gives another
# number. (The deep dive checks every activation against its NumPy formula.)
#
# ### `gelu`: exact by default, the tanh formula only with `approximate=True`
#
# The two formulas differ by at most about 5·10⁻⁴, far above float32 rounding, so the proof can
# tell them apart: Keras's default matches the erf formula and **not** the tanh one.

# %%
v = xs.astype("float64")  # NumPy computes in float64, Keras in float32
gelu_exact = 0.5 * v * (1 + erf(v / np.sqrt(2)))
gelu_tanh = 0.5 * v * (1 + np.tanh(np.sqrt(2 / np.pi) * (v + 0.044715 * v**3)))
gap = np.max(np.abs(gelu_exact - gelu_tanh))
default, approx = to_numpy(act.gelu(xs)), to_numpy(act.gelu(xs, approximate=True))
np.testing.assert_allclose(default, gelu_exact, rtol=1e-5, atol=1e-6)
np.testing.assert_allclose(approx, gelu_tanh, rtol=1e-5, atol=1e-6)
assert np.max(np.abs(default - gelu_tanh)) > 100 * 1e-6  # fails if the default were the tanh formula
print(f"largest gap between exact and tanh GELU: {gap:.2e}")

# %% [markdown]
# ### `log_softmax` is finite where `log(softmax(x))` is −∞
#
# With logits `[0, −1000]`, the second probability e⁻¹⁰⁰⁰ underflows to exactly 0, so
# `log(softmax(x))` is −∞ and its gradient is NaN: one such example poisons a training step.
# `log_softmax` computes `x − max − log Σ e^{x − max}`: the exact −1000, with a finite gradient
# (the one-hot vector minus the softmax).

# %%
far = np.array([[0.0, -1000.0], [3.0, 1.0]], dtype="float32")
naive = to_numpy(ops.log(act.softmax(far)))
stable = to_numpy(act.log_softmax(far))
f64 = far.astype("float64")
shifted = f64 - f64.max(axis=1, keepdims=True)
numpy_stable = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
assert np.isneginf(naive[0, 1])  # the infinity
np.testing.assert_allclose(stable, numpy_stable, rtol=1e-6)  # the fix: exactly -1000 (and row 2 as usual)
(naive_grad,) = gradients(lambda t: ops.sum(ops.log(act.softmax(t))[:, 1]), [far])
(stable_grad,) = gradients(lambda t: ops.sum(act.log_softmax(t)[:, 1]), [far])
assert np.isnan(naive_grad[0]).all()  # the gradient of the naive version is NaN
np.testing.assert_allclose(stable_grad, np.array([[0, 1], [0, 1]]) - np.exp(numpy_stable), rtol=1e-5,
                           atol=1e-6)
print("log(softmax):", naive[0], " log_softmax:", stable[0], " stable gradient:", stable_grad[0])

# %% [markdown]
# ## Application
#
# ### Dying ReLUs: a too-large learning rate switches units off for good
#
# A one-hidden-layer ReLU network (64 units) fits y = sin(2x₁) + x₂ by full-batch gradient descent,
# 20 steps, from the same start at three learning rates. A unit is **dead** when its pre-activation
# `x @ W + b` is ≤ 0 for **every** training input: its output is then 0 everywhere, and so is the
# gradient with respect to its incoming weights, so gradient descent can never revive it.

# %%
x_train = rng.normal(size=(256, 4)).astype("float32")
y_train = (np.sin(2 * x_train[:, :1]) + x_train[:, 1:2]).astype("float32")
init = np.random.default_rng(1)
start_params = [
    (init.normal(size=(4, 64)) * np.sqrt(2 / 4)).astype("float32"),  # He's variance 2/4, plain (untruncated) normal
    np.full(64, 0.1, dtype="float32"),
    (init.normal(size=(64, 1)) / 8).astype("float32"),
    np.zeros(1, dtype="float32"),
]
x_t, y_t = ops.convert_to_tensor(x_train), ops.convert_to_tensor(y_train)


def mse(w1, b1, w2, b2):
    hidden = act.relu(ops.matmul(x_t, w1) + b1)
    return ops.mean((ops.matmul(hidden, w2) + b2 - y_t) ** 2)


def descend(params, learning_rate, steps):
    for _ in range(steps):
        params = [p - learning_rate * g for p, g in zip(params, gradients(mse, params), strict=True)]
    return params


def dead_units(params):
    return np.all(x_train @ params[0] + params[1] <= 0, axis=0)  # NumPy, independent of Keras


rates = [0.01, 0.03, 0.1]
trained = {lr: descend(start_params, lr, 20) for lr in rates}
dead_fraction = {lr: dead_units(p).mean() for lr, p in trained.items()}
print({lr: f"{f:.0%} dead" for lr, f in dead_fraction.items()})
assert dead_units(start_params).mean() == 0  # everybody alive at the start
assert dead_fraction[0.01] == 0 and dead_fraction[0.03] == 0
assert dead_fraction[0.1] > 0.25  # a too-large step kills a quarter or more

# %% [markdown]
# Now the "for good": the gradient with respect to every dead unit's incoming weights and bias is
# exactly 0, so 20 further steps at a gentle learning rate leave those weights bit-for-bit unchanged,
# and the units stay dead.

# %%
damaged = trained[0.1]
dead = dead_units(damaged)
g_w1, g_b1, _, _ = gradients(mse, damaged)
assert np.all(g_w1[:, dead] == 0) and np.all(g_b1[dead] == 0)
assert np.any(g_w1[:, ~dead] != 0)  # the living units do learn
recovered = descend(damaged, 0.01, 20)
np.testing.assert_array_equal(recovered[0][:, dead], damaged[0][:, dead])  # not one bit moved
assert np.all(dead_units(recovered)[dead])  # the dead stay dead

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
left.bar([str(lr) for lr in rates], [100 * dead_fraction[lr] for lr in rates],
         color=["#4c72b0", "#4c72b0", plots.ACCENT])
left.set(title="Dead ReLU units after 20 steps", xlabel="learning rate", ylabel="dead units (%)",
         ylim=(0, 100))
for i, lr in enumerate(rates):
    left.text(i, 100 * dead_fraction[lr] + 2, f"{dead_fraction[lr]:.0%}", ha="center")
bins = np.linspace(-1.5, 6.5, 33)
for lr, colour in [(0.01, "#4c72b0"), (0.1, plots.ACCENT)]:
    peak = (x_train @ trained[lr][0] + trained[lr][1]).max(axis=0)  # each unit's largest pre-activation
    right.hist(np.clip(peak, -1.5, 6.5), bins=bins, alpha=0.6, color=colour, label=f"learning rate {lr}")
right.axvspan(-1.5, 0, color="grey", alpha=0.15)
right.text(-1.4, right.get_ylim()[1] * 0.95, "dead:\nnever\npositive", va="top")
right.set(title="Largest pre-activation of each unit over the data", xlabel="max over inputs of x·w + b",
          ylabel="units")
right.legend()
fig.tight_layout()
plt.close(fig)
plots.show(fig, f"Notice that only the largest learning rate, 0.1, leaves dead units ({dead_fraction[0.1]:.0%} of "
                "them), and that a dead unit's largest pre-activation over the whole data set is at most 0.")

# %% [markdown]
# ### Saturating gradients: a deep sigmoid stack starves its first layers
#
# Three 15-layer stacks of 32 units, normal weights with LeCun's variance (std 1/√32; He's, √2 times
# larger, for ReLU), the loss the mean squared output. Autodiff gives the gradient for every layer's
# weights. Each backward step multiplies it by the activation's derivative (at most 1/4 for
# `sigmoid`) and by the weights, so the sigmoid stack's first layer gets a gradient about a billion
# (10⁹) times smaller than its last. `tanh'` reaches 1 near 0 and `relu'` is 1 for active units,
# so their gradients keep their size.

# %%
depth, width = 15, 32
deep_init = np.random.default_rng(3)
standard = [deep_init.normal(size=(width, width)) for _ in range(depth)]
deep_x = deep_init.normal(size=(64, width)).astype("float32")
stacks = {"sigmoid": 1.0, "tanh": 1.0, "relu": np.sqrt(2.0)}  # activation: weight gain


def deep_loss(name):
    fn = getattr(act, name)

    def loss(*weights):
        h = ops.convert_to_tensor(deep_x)
        for w in weights:
            h = fn(ops.matmul(h, w))
        return ops.mean(ops.sum(h**2, axis=1))

    return loss


grad_norms = {}
for name, gain in stacks.items():
    weights = [(gain * w / np.sqrt(width)).astype("float32") for w in standard]
    grad_norms[name] = np.array([np.linalg.norm(g) for g in gradients(deep_loss(name), weights)])

ratio = {name: norms[0] / norms[-1] for name, norms in grad_norms.items()}
print({name: f"first/last = {r:.1e}" for name, r in ratio.items()})
assert ratio["sigmoid"] < 1e-6  # vanished
assert 0.1 < ratio["tanh"] < 10 and 0.1 < ratio["relu"] < 10  # kept their size
assert np.max(derivative(act.sigmoid, grid)) <= 0.25 + 1e-7  # the reason: sigmoid' <= 1/4 everywhere
np.testing.assert_allclose(np.max(derivative(act.sigmoid, grid)), 0.25, rtol=1e-6)

# %%
fig, ax = plt.subplots(figsize=(7, 4))
for name, norms in grad_norms.items():
    ax.semilogy(np.arange(1, depth + 1), norms, marker="o", label=f"{name} (first/last = {ratio[name]:.0e})")
ax.set(title="Gradient size per layer in a 15-layer stack", xlabel="layer (1 = closest to the input)",
       ylabel="‖∂loss/∂W‖ (log scale)")
ax.legend()
plt.close(fig)
plots.show(fig, f"Notice that the sigmoid stack's gradient shrinks layer after layer, to {ratio['sigmoid']:.0e} of "
                "the last layer's at the first, while the tanh and relu stacks keep theirs within a factor of 10.")

# %% [markdown]
# ## Key terms
#
# - **Activation**: the non-linear function a layer applies after `x @ W + b`; **elementwise**
#   (`relu`) or **vector-valued** (`softmax`: a whole axis at once).
# - **Derivative f'(x)**: the factor by which the activation scales gradients flowing back through
#   it; **autodiff** computes it exactly from the code.
# - **Saturation / vanishing gradient**: flat regions where f' ≈ 0, and the shrinking of gradients
#   with depth that small f' causes.
# - **Dead ReLU**: a unit whose pre-activation is ≤ 0 for every input; its gradient is 0 for good.
# - **Logits**: unnormalized scores fed to `softmax`/`sigmoid`, or to a loss with `from_logits=True`.

# %% [markdown]
# ## Summary
#
# - Without activations, stacked layers collapse to one matrix. Use the 30 functions of
#   `keras.activations` by name, as functions, via `Activation` layers, or with `get` in your layer.
# - Options change the formula (`relu`'s `max_value`, `leaky_relu`'s `negative_slope=0.2`, `gelu`'s
#   `approximate=False`); each equals its NumPy formula.
# - Use `log_softmax` (or a loss with `from_logits=True`), never `log(softmax(x))`.
# - ReLUs die under too-large steps; sigmoids saturate (f' ≤ 1/4), so gradients shrink with depth.
#   Leaky variants, sensible learning rates and good initialization (notebook 03) help.

# %% [markdown]
# ## Exercises
#
# Each exercise prints its task and how you know you are done; `ex.check(...)` tells you what is
# right and what is not yet. Uncomment `ex.hint()` or `ex.solution()` only when you want them.
#
# ### Exercise 02.1 · `selu` is a scaled `elu`
#
# The Table says `selu(x) = λ·elu(x, α)`; build it from `keras.activations.elu`.

# %%
ex = exercise("02.1")  # prints the task and how you know you are done


def selu_from_elu(x):
    ...  # your code here: use act.elu and the constants λ and α


ex.check(selu_from_elu)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 02.2 · Count the dead ReLUs
#
# The Application section's test for a dead unit, written for any layer.

# %%
ex = exercise("02.2")


def dead_fraction(x, kernel, bias):
    ...  # your code here: NumPy is enough


ex.check(dead_fraction)
# ex.hint()
# ex.solution()

# %% [markdown]
# ### Exercise 02.3 · A `log_softmax` that never returns −∞
#
# Write in NumPy what Keras's `log_softmax` does, so that the Proof section's logits `[0, −1000]`
# and logits near 1000 both come out finite.

# %%
ex = exercise("02.3")


def stable_log_softmax(z):
    ...  # your code here: z is a NumPy array, softmax along the last axis


ex.check(stable_log_softmax)
# ex.hint()
# ex.solution()

# %% [markdown]
# ## Deep dive (optional)
#
# Proofs that are here for trust rather than for understanding: every activation against NumPy,
# every option, the exact minima and slopes the pictures show, a bug in Keras 3.15.1's `sparsemax`,
# the round trip of every name, what changed since Keras 2, and two more checks of the
# deep-stack experiment. Each part can be read on its own; the cells reuse names from above.
#
# ### Autodiff derivatives agree with finite differences
#
# The pictures' derivatives come from the backend's autodiff. This checks five of them against
# NumPy central differences, away from kinks, so you can trust the right-hand panels.

# %%
off_kink = grid[np.abs(grid) > 0.05]  # finite differences are meaningless at a kink
for name in ["tanh", "gelu", "mish", "softsign", "squareplus"]:
    f64 = {
        "tanh": np.tanh,
        "gelu": lambda t: 0.5 * t * (1 + erf(t / np.sqrt(2))),
        "mish": lambda t: t * np.tanh(np.logaddexp(0, t)),
        "softsign": lambda t: t / (1 + np.abs(t)),
        "squareplus": lambda t: (t + np.sqrt(t**2 + 4)) / 2,
    }[name]
    h = 1e-4
    numeric = (f64(off_kink.astype("float64") + h) - f64(off_kink.astype("float64") - h)) / (2 * h)
    np.testing.assert_allclose(derivative(getattr(act, name), off_kink), numeric, rtol=1e-4, atol=1e-5)

# %% [markdown]
# ### The explorer's messages come from the plain function
#
# This shows that an impossible setting in the explorer of Example 1 is refused by the same check
# the plain `explorer.curves` runs, so the widget cannot draw a curve Keras would not compute:

# %%
for bad in [{"celu": {"alpha": 0.0}}, {"soft_shrink": {"threshold": -1.0}}]:
    error = expect_error(explorer.ExplorerError, lambda bad=bad: explorer.curves(list(bad), bad))
    print(error)

# %% [markdown]
# ### `Activation` layers and `activation=` in a functional model
#
# This proves, on a tiny two-output model, that an activation does the same job wherever it sits:
# one head with a `sigmoid` via `activation=`, another with a separate `Activation("softmax")`
# layer, both just the functions applied to the logits.

# %%
keras.utils.set_random_seed(2)
inputs = keras.Input((4,))
hidden = keras.layers.Dense(8, activation="silu")(inputs)
yes_no = keras.layers.Dense(1, activation="sigmoid", name="yes_no")(hidden)
class_logits = keras.layers.Dense(3, name="class_logits")(hidden)
classes = keras.layers.Activation("softmax", name="classes")(class_logits)
model = keras.Model(inputs, [yes_no, classes, class_logits])  # the logits too, to check the softmax
x = rng.normal(size=(6, 4)).astype("float32")
p_yes, p_class, z = (to_numpy(t) for t in model(x))
np.testing.assert_allclose(p_class, np.exp(z) / np.exp(z).sum(axis=1, keepdims=True), rtol=1e-5, atol=1e-6)
assert np.all((p_yes > 0) & (p_yes < 1)) and p_class.shape == (6, 3)

# %% [markdown]
# ### The slopes the family pictures show
#
# The How section says the bounded activations' derivatives are at most 0.04 for |x| ≥ 4, that
# `log_sigmoid`'s tends to 1 on the left, and that `silu`, `gelu` and `mish` have a negative slope
# only left of their minimum and a peak slope between 1 and 1.13. Each claim, asserted:

# %%
far_left, far_right = grid[grid <= -4], grid[grid >= 4]
for name in ("sigmoid", "tanh", "softsign", "hard_sigmoid", "hard_tanh", "sparse_sigmoid"):
    fn = getattr(act, name)
    assert np.abs(derivative(fn, np.concatenate([far_left, far_right]))).max() <= 0.04 + 1e-6, name
assert derivative(act.log_sigmoid, far_right).max() < 0.02
assert derivative(act.log_sigmoid, far_left).min() > 0.98  # fails if every saturating slope vanished
# silu, gelu, mish: negative slope only left of the minimum, positive between it and 0, peak slope in (1, 1.13]
for name, lowest_at in {"silu": -1.278, "gelu": -0.752, "mish": -1.192}.items():
    fn = getattr(act, name)
    slope = derivative(fn, np.array([lowest_at - 0.05, lowest_at + 0.05, -0.5], "float32"))
    assert slope[0] < 0 < slope[1] and slope[2] > 0, (name, slope)  # fails if negative for every x < 0
    assert 1.0 < derivative(fn, grid[grid > 0]).max() <= 1.13, name

# %% [markdown]
# ### Every activation equals its NumPy formula, from −50 to 50 and at exactly 0
#
# This proves the Table row by row, so that you can reason about any activation from its formula.
# The grid `xs` holds 0 exactly, the kinks (±0.5, ±1, ±3, 6) and large magnitudes (up to ±50).
# NumPy computes in float64; Keras in float32. (±50 cannot catch an overflow: `exp` overflows in
# float32 only above about 88.7. The next cell tests the overflow claim at ±100.)

# %%
assert xs.shape == grid.shape  # xs is the grid of the How section, in steps of 1/32
assert 0.0 in xs and all(k in xs for k in (-3.0, -1.0, -0.5, 0.5, 1.0, 3.0, 6.0))
v = xs.astype("float64")
sig = 1 / (1 + np.exp(-v))
softplus64 = np.logaddexp(0, v)  # ln(1 + e^x) without overflow
SELU_L, SELU_A = 1.0507009873554805, 1.6732632423543772
numpy_formulas = {
    "relu": np.maximum(v, 0),
    "leaky_relu": np.where(v > 0, v, 0.2 * v),
    "relu6": np.clip(v, 0, 6),
    "elu": np.where(v > 0, v, np.expm1(v)),
    "selu": SELU_L * np.where(v > 0, v, SELU_A * np.expm1(v)),
    "celu": np.maximum(v, 0) + np.minimum(0, np.expm1(v)),
    "linear": v,
    "softplus": softplus64,
    "silu": v * sig,
    "swish": v * sig,
    "gelu": 0.5 * v * (1 + erf(v / np.sqrt(2))),
    "mish": v * np.tanh(softplus64),
    "hard_silu": v * np.clip(v + 3, 0, 6) / 6,
    "hard_swish": v * np.clip(v + 3, 0, 6) / 6,
    "squareplus": (v + np.sqrt(v**2 + 4)) / 2,
    "sparse_plus": np.where(v <= -1, 0, np.where(v >= 1, v, (v + 1) ** 2 / 4)),
    "sigmoid": sig,
    "tanh": np.tanh(v),
    "softsign": v / (1 + np.abs(v)),
    "hard_sigmoid": np.clip(v / 6 + 0.5, 0, 1),
    "hard_tanh": np.clip(v, -1, 1),
    "log_sigmoid": -np.logaddexp(0, -v),
    "sparse_sigmoid": np.clip((v + 1) / 2, 0, 1),
    "exponential": np.exp(v),
    "hard_shrink": np.where(np.abs(v) > 0.5, v, 0),
    "soft_shrink": np.sign(v) * np.maximum(np.abs(v) - 0.5, 0),
    "tanh_shrink": v - np.tanh(v),
}
for name, expected in numpy_formulas.items():
    got = to_numpy(getattr(act, name)(xs))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6, err_msg=name)
got = to_numpy(act.threshold(xs, threshold=1.0, default_value=-2.0))  # no defaults: both required
np.testing.assert_allclose(got, np.where(v > 1.0, v, -2.0), rtol=1e-6)
print(f"{len(numpy_formulas) + 1} elementwise activations match NumPy on {xs.size} points in [-50, 50]")

# %% [markdown]
# ### `softplus` and `log_sigmoid` stay finite where the textbook formula overflows
#
# This proves the Pros section's claim of numerical care. At x = ±100, `exp(100)` overflows float32,
# so the textbook `log(1 + exp(x))` and `−log(1 + exp(−x))`, computed with `keras.ops` in float32,
# give ∞ and −∞. Keras's `softplus` and `log_sigmoid` return the exact 100 and −100 (NumPy's
# `logaddexp` in float64). Fails if Keras used the textbook formula.

# %%
edges = np.float32([-100.0, 100.0])
textbook_softplus = to_numpy(ops.log(1.0 + ops.exp(edges)))
textbook_log_sigmoid = to_numpy(-ops.log(1.0 + ops.exp(-edges)))
assert np.isposinf(textbook_softplus[1]) and np.isneginf(textbook_log_sigmoid[0])  # the careless result
np.testing.assert_allclose(to_numpy(act.softplus(edges)), np.logaddexp(0, edges.astype("float64")), rtol=1e-6,
                           atol=1e-6)
np.testing.assert_allclose(to_numpy(act.log_sigmoid(edges)), -np.logaddexp(0, -edges.astype("float64")),
                           rtol=1e-6, atol=1e-6)
print("softplus(±100):", to_numpy(act.softplus(edges)), "| log(1 + exp(x)):", textbook_softplus)

# %% [markdown]
# ### Keyword arguments change exactly what the formula says
#
# This proves every option of the Table, each on values where ignoring it would give a different
# answer. `relu` with all three options computes (x if x > threshold else 0), clipped to
# [0, max_value] when `max_value` is set, minus negative_slope·max(threshold − x, 0).

# %%
# leaky_relu: slope 0.1 instead of 0.2 (fails if negative_slope were ignored: -3 -> -0.6, not -0.3)
np.testing.assert_allclose(to_numpy(act.leaky_relu(xs, negative_slope=0.1)), np.where(v > 0, v, 0.1 * v),
                           rtol=1e-6)
# relu with all three options (fails if any one of them were ignored)
def relu_np(t, negative_slope=0.0, max_value=None, threshold=0.0):
    """The Table's general relu: keep x above the threshold, clip to [0, max_value], subtract the slope part."""
    kept = np.where(t > threshold, t, 0.0)
    if max_value is not None:
        kept = np.clip(kept, 0.0, max_value)
    return kept - negative_slope * np.maximum(threshold - t, 0.0)


for options in ({"negative_slope": 0.1, "max_value": 4.0, "threshold": 1.0}, {"threshold": -1.0},
                {"threshold": -1.0, "max_value": 4.0}, {"negative_slope": 0.1, "threshold": -1.0, "max_value": 4.0}):
    np.testing.assert_allclose(to_numpy(act.relu(xs, **options)), relu_np(v, **options), rtol=1e-5, atol=1e-6,
                               err_msg=str(options))
# A negative threshold with max_value: x in (-1, 0) gives 0, not x (fails for "x if x > threshold").
between = np.float32([-0.5])
assert to_numpy(act.relu(between, threshold=-1.0, max_value=4.0))[0] == 0.0
assert to_numpy(act.relu(between, threshold=-1.0))[0] == -0.5  # without max_value it is x
np.testing.assert_allclose(to_numpy(act.relu(xs, max_value=6.0)),
                           to_numpy(act.relu6(xs)))  # relu6 = relu capped
# elu alpha=0.5 scales the negative side; celu alpha=2 also stretches it (x/alpha inside exp)
np.testing.assert_allclose(to_numpy(act.elu(xs, alpha=0.5)), np.where(v > 0, v, 0.5 * np.expm1(v)),
                           rtol=1e-5, atol=1e-6)
np.testing.assert_allclose(to_numpy(act.celu(xs, alpha=2.0)),
                           np.maximum(v, 0) + np.minimum(0, 2 * np.expm1(v / 2)),
                           rtol=1e-5, atol=1e-6)  # fails if celu were elu(x, 2): -1 -> -0.787 vs -1.264
# shrink thresholds, squareplus b
np.testing.assert_allclose(to_numpy(act.hard_shrink(xs, threshold=1.5)), np.where(np.abs(v) > 1.5, v, 0),
                           rtol=1e-6)
np.testing.assert_allclose(to_numpy(act.soft_shrink(xs, threshold=1.5)),
                           np.sign(v) * np.maximum(np.abs(v) - 1.5, 0), rtol=1e-5, atol=1e-6)
np.testing.assert_allclose(to_numpy(act.squareplus(xs, b=1)), (v + np.sqrt(v**2 + 1)) / 2, rtol=1e-5,
                           atol=1e-6)

# %% [markdown]
# ### The dips of the smooth ReLU-likes: the minima stated in the Table
#
# This proves the Table's ranges for the four activations that go slightly negative before rising.
# On a fine grid, Keras's
# lowest value matches the Table (to 0.001) and the minimum of the NumPy formula.

# %%
fine = np.linspace(-6, 1, 70001)
stated_minimum = {"silu": -0.278, "gelu": -0.170, "mish": -0.309, "hard_silu": -0.375}
numpy_curves = {
    "silu": fine / (1 + np.exp(-fine)),
    "gelu": 0.5 * fine * (1 + erf(fine / np.sqrt(2))),
    "mish": fine * np.tanh(np.logaddexp(0, fine)),
    "hard_silu": fine * np.clip(fine + 3, 0, 6) / 6,
}
for name, stated in stated_minimum.items():
    lowest = to_numpy(getattr(act, name)(fine.astype("float32"))).min()
    assert abs(lowest - stated) < 1e-3 and abs(lowest - numpy_curves[name].min()) < 1e-5, (name, lowest)
    print(f"{name:>9}: min {lowest:.4f} at x = {fine[np.argmin(numpy_curves[name])]:.3f}")


# %% [markdown]
# ### A bug in `sparsemax` (Keras 3.15.1), proved, and a correct version
#
# This proves a bug that matters if you use `sparsemax` with the pinned Keras, and gives a correct
# version. `sparsemax(z)` is the point of the probability simplex closest to `z`: `max(zᵢ − τ, 0)`,
# where, with the entries sorted in decreasing order and `k` the number that stay positive, τ =
# (z₍₁₎ + … + z₍ₖ₎ − 1)/k. The pinned Keras (3.15.1, all backends) computes τ from the **sum of the
# cumulative sums** over the support instead of the k-th cumulative sum. The two agree when a single
# entry survives (`k = 1`, as with the logits above), and differ as soon as two or more do: the
# output then does not even sum to 1. This is keras-team/keras issue #23425, fixed upstream by pull
# request #23469 after 3.15.1. The cell reproduces the bug in NumPy, proves that Keras does exactly
# that, and writes a correct `sparsemax` with `keras.ops`, proved against the textbook algorithm.
# The bug is asserted only on the Keras versions known to have it (listed in `helpers.known_bugs`);
# on any other Keras the cell asserts the correct sparsemax instead, and fails with a message if the
# bug is still there.

# %%
def numpy_sparsemax(z, axis=-1, keras_bug=False):
    """Martins & Astudillo (2016); keras_bug=True reproduces Keras 3.15.1's threshold."""
    z = np.moveaxis(np.asarray(z, dtype="float64"), axis, -1)
    s = -np.sort(-z, axis=-1)  # descending
    cumulative = np.cumsum(s, axis=-1)
    support = 1 + np.arange(1, z.shape[-1] + 1) * s > cumulative  # the entries that stay positive
    k = support.sum(axis=-1, keepdims=True)
    top = np.sum(np.where(support, cumulative, 0), axis=-1, keepdims=True) if keras_bug else \
        np.take_along_axis(cumulative, k - 1, axis=-1)
    return np.moveaxis(np.maximum(z - (top - 1) / k, 0), -1, axis)


def sparsemax_fixed(x, axis=-1):
    """A correct sparsemax in keras.ops: tau from the sum of the sorted logits over the support."""
    z = ops.moveaxis(ops.convert_to_tensor(x), axis, -1)
    s = ops.flip(ops.sort(z, axis=-1), axis=-1)
    rank = ops.arange(1, z.shape[-1] + 1, dtype=z.dtype)
    support = ops.cast(1 + rank * s > ops.cumsum(s, axis=-1), z.dtype)
    tau = (ops.sum(s * support, axis=-1, keepdims=True) - 1) / ops.sum(support, axis=-1, keepdims=True)
    return ops.moveaxis(ops.maximum(z - tau, 0), -1, axis)


close = np.array([[0.25, 0.0], [0.0, 0.5], [1.0, 0.5], [0.1, 0.2]], dtype="float32")  # supports of size 2
keras_out = to_numpy(act.sparsemax(close))
assert not np.allclose(numpy_sparsemax(close, keras_bug=True), numpy_sparsemax(close), atol=0.05)  # they differ
SPARSEMAX_BUG = assert_known_bug(
    "sparsemax_threshold",
    bug=lambda: np.testing.assert_allclose(keras_out, numpy_sparsemax(close, keras_bug=True), rtol=1e-5, atol=1e-6),
    documented=lambda: np.testing.assert_allclose(keras_out, numpy_sparsemax(close), rtol=1e-5, atol=1e-6),
)
np.testing.assert_allclose(to_numpy(sparsemax_fixed(close)), numpy_sparsemax(close), rtol=1e-5, atol=1e-6)
np.testing.assert_allclose(to_numpy(act.sparsemax(logits)), numpy_sparsemax(logits), rtol=1e-6)  # k = 1: fine
print("Keras sparsemax:", keras_out.round(4).tolist(), "row sums", keras_out.sum(axis=-1).round(4).tolist())
print("correct        :", to_numpy(sparsemax_fixed(close)).round(4).tolist())


# %% [markdown]
# ### Vector-valued activations, seen through two entries
#
# This proves that the vector-valued activations are old friends in disguise: with two entries
# `[x, 0]` each becomes a function of x, and `softmax([x, 0])[0]` is `sigmoid(x)`,
# `log_softmax([x, 0])[0]` is `log_sigmoid(x)` and `glu([x, x])` is `silu(x)`, each checked against
# its NumPy formula.

# %%
def pair(t):
    return ops.stack([t, ops.zeros_like(t)], axis=-1)  # the vector [x, 0] for every x


vector_views = {
    "softmax([x, 0])[0]": lambda t: act.softmax(pair(t))[..., 0],
    "log_softmax([x, 0])[0]": lambda t: act.log_softmax(pair(t))[..., 0],
    "glu([x, x])": lambda t: act.glu(ops.stack([t, t], axis=-1))[..., 0],
}
g64 = grid.astype("float64")
numpy_views = {
    "softmax([x, 0])[0]": 1 / (1 + np.exp(-g64)),
    "log_softmax([x, 0])[0]": -np.logaddexp(0, -g64),
    "glu([x, x])": g64 / (1 + np.exp(-g64)),
}
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8), sharex=True)
for name, fn in vector_views.items():
    values = to_numpy(fn(ops.convert_to_tensor(grid)))
    np.testing.assert_allclose(values, numpy_views[name], rtol=1e-5, atol=1e-6, err_msg=name)
    (line,) = left.plot(grid, values, label=name)
    right.plot(grid, derivative(fn, grid), color=line.get_color())
left.set(title="vector-valued activations on [x, 0]", xlabel="x", ylabel="first output")
right.set(title="derivative (backend autodiff)", xlabel="x", ylabel="d output / dx")
left.legend(fontsize=8)
fig.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that softmax([x, 0])[0] is an S-curve from 0 to 1 like the sigmoid, log_softmax "
                "follows the line y = x on the left and flattens at 0 on the right, and glu([x, x]) dips "
                "below 0 like silu.")

# %% [markdown]
# Seen through two entries, as above: `sparsemax([x, 0])[0]` should be
# `sparse_sigmoid(x)` = clip((x + 1)/2, 0, 1). The corrected version is; the pinned Keras is not
# for |x| < 1, where both entries stay positive.

# %%
sparse_views = {
    "corrected": lambda t: sparsemax_fixed(pair(t))[..., 0],
    "Keras " + keras.__version__: lambda t: act.sparsemax(pair(t))[..., 0],
}
numpy_sparse_views = {
    "corrected": np.clip((g64 + 1) / 2, 0, 1),
    "Keras " + keras.__version__: numpy_sparsemax(np.stack([g64, 0 * g64], -1), keras_bug=SPARSEMAX_BUG)[:, 0],
}
fig, ax = plt.subplots(figsize=(6, 3.6))
for (name, fn), style in zip(sparse_views.items(), ["-", ":"], strict=True):
    values = to_numpy(fn(ops.convert_to_tensor(grid)))
    np.testing.assert_allclose(values, numpy_sparse_views[name], rtol=1e-5, atol=1e-6, err_msg=name)
    ax.plot(grid, values, style, lw=2, label=f"sparsemax([x, 0])[0], {name}")
ax.set(title="sparsemax on two entries", xlabel="x", ylabel="first output")
ax.legend(fontsize=8)
plt.close(fig)
plots.show(fig, "Notice that the Keras curve (dotted) leaves the corrected ramp (x + 1)/2 between x = −1 and 1, "
                "where both entries stay positive, and agrees with it outside." if SPARSEMAX_BUG else
                "Notice that this Keras's sparsemax lies on the corrected ramp (x + 1)/2 everywhere: the bug is fixed.")


# %% [markdown]
# ### Vector-valued activations along a chosen axis
#
# This proves that `axis` chooses what is normalized: on a 4×4 matrix, `axis=0` normalizes each
# **column** and `axis=-1` each **row**; the results
# differ, and each matches NumPy along its axis. `sparsemax` is checked against the NumPy algorithm
# above (Keras with its bug; the corrected `sparsemax_fixed` without it).

# %%
def numpy_softmax(z, axis):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


m = rng.normal(scale=2.0, size=(4, 4))
m32 = m.astype("float32")
for axis in (0, -1):
    np.testing.assert_allclose(to_numpy(act.softmax(m32, axis=axis)), numpy_softmax(m, axis), rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(to_numpy(act.log_softmax(m32, axis=axis)), np.log(numpy_softmax(m, axis)),
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(to_numpy(act.sparsemax(m32, axis=axis)),  # Keras: with its bug, if present
                               numpy_sparsemax(m, axis, keras_bug=SPARSEMAX_BUG), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(to_numpy(sparsemax_fixed(m32, axis=axis)), numpy_sparsemax(m, axis),
                               rtol=1e-5, atol=1e-5)
    a_half, b_half = np.split(m, 2, axis=axis)
    np.testing.assert_allclose(to_numpy(act.glu(m32, axis=axis)), a_half / (1 + np.exp(-b_half)),
                               rtol=1e-5, atol=1e-6)
assert to_numpy(act.glu(m32, axis=0)).shape == (2, 4) and to_numpy(act.glu(m32)).shape == (4, 2)
assert not np.allclose(to_numpy(act.softmax(m32, axis=0)),
                       to_numpy(act.softmax(m32, axis=-1)))  # axis matters
sparse = to_numpy(sparsemax_fixed(m32))
np.testing.assert_allclose(sparse.sum(axis=-1), 1.0, rtol=1e-5)
print("exact zeros in sparsemax rows:", (sparse == 0).sum(axis=-1))

# %% [markdown]
# ### `hard_silu` is piecewise quadratic, with the derivative autodiff finds
#
# This proves the Table's middle piece x(x + 3)/6: its autodiff derivative is a ramp (2x + 3)/6 on
# (−3, 3), not a constant: the middle piece is a
# parabola, not a line.

# %%
inside = grid[(grid > -2.95) & (grid < 2.95)]
slope = derivative(act.hard_silu, inside)
np.testing.assert_allclose(slope, (2 * inside + 3) / 6, rtol=1e-5, atol=1e-6)
assert np.ptp(slope) > 1.5  # fails if hard_silu were piecewise linear (one constant slope per piece)
np.testing.assert_array_equal(derivative(act.hard_silu, [-4.0, 4.0]), [0.0, 1.0])

# %% [markdown]
# ### `get`, `serialize`, `deserialize`: a round trip for every activation
#
# This proves that every activation survives saving by name: for each of the 30 functions,
# `serialize` gives a name, and `get` and `deserialize`
# of that name give back the very same function. The aliases serialize to their canonical names.
# A custom function registered with `keras.saving.register_keras_serializable` round-trips too, and
# so does a layer config.

# %%
names = [n for n in dir(act) if not n.startswith("_") and n not in ("get", "serialize", "deserialize")]
assert len(names) == 32  # 30 functions + 2 aliases
for name in names:
    fn = getattr(act, name)
    stored = act.serialize(fn)
    assert act.deserialize(stored) is fn and act.get(stored) is fn, name
assert act.serialize(act.swish) == "silu" and act.serialize(act.hard_swish) == "hard_silu"


@keras.saving.register_keras_serializable(package="course")
def scaled_tanh(t):
    """LeCun's 1.7159·tanh(2x/3)."""
    return 1.7159 * ops.tanh(2.0 * t / 3.0)


stored = act.serialize(scaled_tanh)
assert act.deserialize(stored) is scaled_tanh and act.get(stored) is scaled_tanh
np.testing.assert_allclose(to_numpy(act.get(stored)(xs)), 1.7159 * np.tanh(2 * v / 3), rtol=1e-5, atol=1e-6)
config = keras.layers.Dense(3, activation=scaled_tanh).get_config()
assert keras.layers.Dense.from_config(config).activation is scaled_tanh
print("custom activation stored as:", stored)

# %% [markdown]
# ### Keras 2 → 3, and common claims, proved
#
# Keras 2 code and many tutorials say several things that are not true of Keras 3. Each cell
# below would fail under the wrong statement.
#
# **`hard_sigmoid` changed.** Keras 2 used `max(0, min(1, 0.2x + 0.5))`; Keras 3 uses
# `relu6(x + 3)/6 = clip(x/6 + ½, 0, 1)`, which saturates at ±3 instead of ±2.5.

# %%
probe = np.array([-3.5, -3.0, -2.5, 0.0, 1.0, 2.5, 3.0, 3.5], dtype="float32")
keras3 = np.clip(probe / 6 + 0.5, 0, 1)
keras2 = np.clip(0.2 * probe + 0.5, 0, 1)
got = to_numpy(act.hard_sigmoid(probe))
np.testing.assert_allclose(got, keras3, rtol=1e-6, atol=1e-7)
assert not np.allclose(got, keras2, atol=1e-3)  # the Keras 2 formula is wrong here
print(f"hard_sigmoid(1) = {got[4]:.4f} (Keras 2: {keras2[4]:.1f});",
      f"hard_sigmoid(2.5) = {got[5]:.4f} (Keras 2: {keras2[5]:.1f})")

# %% [markdown]
# **`leaky_relu(x, alpha=0.1)` → `leaky_relu(x, negative_slope=0.1)`.** The function
# has no `alpha` (a `TypeError`, so Keras 2 code that passes `alpha` to the function crashes); its
# default slope is 0.2. The `LeakyReLU` **layer** still accepts `alpha` with a deprecation
# `UserWarning`, and its default slope is 0.3.

# %%
expect_error(TypeError, lambda: act.leaky_relu(points, alpha=0.1))
np.testing.assert_allclose(to_numpy(act.leaky_relu(np.float32([-2.0]))), [-0.4], rtol=1e-6)  # default 0.2
assert keras.layers.LeakyReLU().negative_slope == 0.3
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    old_style = keras.layers.LeakyReLU(alpha=0.1)
assert old_style.negative_slope == 0.1
assert any(issubclass(w.category, UserWarning) and "negative_slope" in str(w.message) for w in caught)

# %% [markdown]
# **GELU in Keras is exact by default** (proved in the Proof section), not the tanh formula many
# tutorials give. **`hard_silu` is piecewise quadratic**, not piecewise linear (proved above).
#
# **Softmax does not need hand-scaled logits.** `softmax` subtracts the maximum first, so logits
# `[1000, 1001, 1002]` give the same finite probabilities as `[0, 1, 2]`; the naive NumPy formula
# overflows to NaN.

# %%
big = np.array([[1000.0, 1001.0, 1002.0]], dtype="float32")
with np.errstate(over="ignore", invalid="ignore"):
    naive_np = np.exp(big) / np.exp(big).sum()
assert np.isnan(naive_np).all()  # what "numerical instability" would look like
np.testing.assert_allclose(to_numpy(act.softmax(big)), to_numpy(act.softmax(big - 1000)), rtol=1e-6)
np.testing.assert_allclose(to_numpy(act.log_softmax(big)), np.log(numpy_softmax(big.astype("float64"), -1)),
                           rtol=1e-6)

# %% [markdown]
# **There is no `NLLLoss` in Keras** (that is PyTorch). On `log_softmax` outputs use
# `SparseCategoricalCrossentropy(from_logits=True)`: log-probabilities are logits too (shifting
# logits by a constant does not change the softmax), and the loss equals NumPy's negative
# log-likelihood `−mean(log p[label])`.

# %%
assert not hasattr(keras.losses, "NLLLoss")
scores = rng.normal(size=(5, 4)).astype("float32")
labels = np.array([0, 3, 1, 1, 2])
log_p = act.log_softmax(scores)
loss = float(to_numpy(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, log_p)))
nll = -np.mean(np.log(numpy_softmax(scores.astype("float64"), -1))[np.arange(5), labels])
np.testing.assert_allclose(loss, nll, rtol=1e-5)

# %% [markdown]
# **Activations return backend tensors, not NumPy arrays.** Code written as if they were, such as
# `softmax(x.reshape(-1, 1), axis=0).flatten()`, fails on TensorFlow (an `EagerTensor` has no
# `.flatten()`); convert first, which works on every backend.

# %%
column = np.linspace(-3, 3, 7).reshape(-1, 1).astype("float32")
out = act.softmax(column, axis=0)
if keras.backend.backend() == "tensorflow":
    expect_error(AttributeError, lambda: out.flatten())
flat = to_numpy(out).flatten()
np.testing.assert_allclose(flat, numpy_softmax(column[:, 0].astype("float64"), 0), rtol=1e-5)

# %% [markdown]
# ### The deep sigmoid stack: the weights count too, and one autodiff number by hand
#
# This proves that the Application's stacks compute what it says (a NumPy forward pass) and that the
# 1/4 bound on `sigmoid'` bounds only the activation's factor per layer; the weights multiply
# the gradient too. With weights 4 times larger, the same stack loses only about 2× per layer, far
# from 4×. The Application's weights are a plain (untruncated) NumPy normal: unlike Keras's
# `LecunNormal`/`HeNormal`, which are truncated normals (notebook 03), they have values beyond
# 2.274σ.

# %%
numpy_act = {"sigmoid": lambda h: 1 / (1 + np.exp(-h)), "tanh": np.tanh, "relu": lambda h: np.maximum(h, 0)}
for name, gain in stacks.items():  # the network is what the Application says it is: a NumPy forward pass
    weights = [(gain * w / np.sqrt(width)).astype("float32") for w in standard]
    h = deep_x.astype("float64")
    for w in weights:
        h = numpy_act[name](h @ w)
    np.testing.assert_allclose(to_numpy(deep_loss(name)(*weights)), np.mean(np.sum(h**2, axis=1)), rtol=1e-4)
# per-layer factor (first/last)^(1/14) with weights ×1 and ×4
louder = [(4 * w / np.sqrt(width)).astype("float32") for w in standard]
louder_norms = np.array([np.linalg.norm(g) for g in gradients(deep_loss("sigmoid"), louder)])
per_layer = {"×1": ratio["sigmoid"] ** (1 / (depth - 1)),
             "×4": (louder_norms[0] / louder_norms[-1]) ** (1 / (depth - 1))}
assert per_layer["×1"] < 0.25 < 0.4 < per_layer["×4"], per_layer  # fails for "at least 4× smaller per layer"
all_weights = np.concatenate([w.ravel() for w in standard])
assert np.mean(np.abs(all_weights) > 2 / 0.8796) > 0.01  # plain normals: Keras's truncated ones never exceed 2.274σ
print("gradient factor per layer, sigmoid stack:", {k: round(float(f), 2) for k, f in per_layer.items()})

# %% [markdown]
# An independent check of one autodiff number: the gradient of the sigmoid stack's loss with respect
# to one weight of the last layer, by central finite differences in NumPy (float64).

# %%
sig_weights = [(w / np.sqrt(width)).astype("float32") for w in standard]


def numpy_deep_loss(weights):
    h = deep_x.astype("float64")
    for w in weights:
        h = 1 / (1 + np.exp(-(h @ w)))
    return np.mean(np.sum(h**2, axis=1))


step = 1e-4
plus = [w.astype("float64") for w in sig_weights]
minus = [w.astype("float64") for w in sig_weights]
plus[-1][0, 0] += step
minus[-1][0, 0] -= step
numeric = (numpy_deep_loss(plus) - numpy_deep_loss(minus)) / (2 * step)
autodiff_value = gradients(deep_loss("sigmoid"), sig_weights)[-1][0, 0]
np.testing.assert_allclose(autodiff_value, numeric, rtol=1e-3)

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
# # 03 · Layer weight initializers
#
# Before a network has seen a single example, every weight already has a value, and that value
# decides whether the signal survives twenty layers or fades to nothing. An **initializer** writes
# those first values. You meet the random, fan-scaled (Glorot, He, LeCun), structured and constant
# ones, and a 20-layer experiment that shows why the choice matters.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/notebooks/03_initializers.ipynb)

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
# The tools used all along: Keras, NumPy and `math` for the independent checks, the course's
# plotting helpers, the initializer explorer and the self-check exercises.

# %%
import json
import math
import tempfile

import keras
import matplotlib.pyplot as plt
import numpy as np

from helpers import plots
from helpers.explorers import initializers as init_explorer
from helpers.known_bugs import assert_known_bug, has_bug
from helpers.nbtools import expect_error, to_numpy
from helpers.selfcheck import exercise

BACKEND = keras.backend.backend()
ini = keras.initializers
rng = np.random.default_rng(0)  # every NumPy-side random draw comes from this generator


def figure(nrows=1, ncols=1, figsize=None, **subplot_kwargs):
    """A matplotlib Figure and its axes (always 2-D), closed so that only plots.show displays it."""
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, layout="constrained", squeeze=False, **subplot_kwargs)
    plt.close(fig)
    return fig, axes


# %% [markdown]
# ## What
#
# An initializer is a callable object: `initializer(shape, dtype=None)` returns a **new tensor of
# that shape** filled with starting values. A layer calls it once, in `build`, for each weight it
# creates. You choose it with the layer's `*_initializer` arguments (`kernel_initializer`,
# `bias_initializer`, ...), either as an object or as its name.
#
# `Dense` starts its kernel with `GlorotUniform` and its bias with `Zeros`. The cell checks both:
# every kernel value lies inside Glorot's limit √(6 / (fan-in + fan-out)), and the bias is zero.
# Then a `Constant` kernel makes the output easy to predict in NumPy.

# %%
dense = keras.layers.Dense(300)
dense.build((None, 400))
kernel, bias = dense.get_weights()
assert dense.get_config()["kernel_initializer"]["class_name"] == "GlorotUniform"
limit = math.sqrt(6 / (400 + 300))
assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.99 * limit  # fills the whole range
assert not bias.any()

constant_dense = keras.layers.Dense(2, kernel_initializer=ini.Constant(0.5), bias_initializer="ones")
x = rng.normal(size=(3, 4)).astype("float32")
np.testing.assert_allclose(to_numpy(constant_dense(x)), x @ np.full((4, 2), 0.5) + 1.0, rtol=1e-6)
print(f"Dense kernel: {kernel.shape}, max |w| = {np.abs(kernel).max():.4f} ≤ limit {limit:.4f}")

# %% [markdown]
# ## Where
#
# - **In the API**: `keras.initializers`: CamelCase classes (`GlorotUniform`), lower-case names for
#   the same classes (`glorot_uniform`), the base class `Initializer`, and `get`, `serialize`,
#   `deserialize`.
# - **In layers**: every argument whose name ends in `_initializer` (`kernel_initializer`,
#   `embeddings_initializer`, `recurrent_initializer`, `gamma_initializer`, ...).
# - **In your own layers**: `self.add_weight(shape, initializer=...)` (notebook 01).
#
# Each layer has its own defaults, and they are not all Glorot; the cell reads them.

# %%
defaults = {
    "Dense kernel": keras.layers.Dense(1).get_config()["kernel_initializer"],
    "Dense bias": keras.layers.Dense(1).get_config()["bias_initializer"],
    "Conv2D kernel": keras.layers.Conv2D(1, 3).get_config()["kernel_initializer"],
    "Embedding table": keras.layers.Embedding(10, 2).get_config()["embeddings_initializer"],
    "LSTM recurrent kernel": keras.layers.LSTM(2).get_config()["recurrent_initializer"],
    "BatchNormalization gamma": keras.layers.BatchNormalization().get_config()["gamma_initializer"],
}
for where, spec in defaults.items():
    print(f"{where:26s} {spec['class_name']:14s} {spec['config']}")
assert [spec["class_name"] for spec in defaults.values()] == [
    "GlorotUniform", "Zeros", "GlorotUniform", "RandomUniform", "Orthogonal", "Ones"]
assert defaults["Embedding table"]["config"]["minval"] == -0.05  # U(-0.05, 0.05)

# %% [markdown]
# ## Why
#
# A layer computes y = W x. If the *n* inputs (the **fan-in**) are independent with second moment
# E[x²], and the weights are independent with mean 0 and variance Var(w), then
#
# $$\operatorname{Var}(y) = n \cdot \operatorname{Var}(w) \cdot \mathbb{E}[x^2].$$
#
# So each layer multiplies the signal's energy by n·Var(w). Choose Var(w) = 1/n and the factor is
# 1; choose 0.0001 with n = 256 and it is 0.0256, which after 20 layers is 10⁻³². Initializers pick
# Var(w) from the layer's shape so that this factor stays near 1 for the activation that follows.
# The cell checks the formula on one layer, where forgetting *n* would be 256 times too small.

# %%
n_in, n_out, batch = 256, 256, 1000
x = rng.normal(1.0, 1.0, size=(batch, n_in)).astype("float32")  # E[x²] = 1² + 1 = 2
layer = keras.layers.Dense(n_out, use_bias=False, kernel_initializer=ini.RandomNormal(stddev=0.05, seed=1))
y = to_numpy(layer(x))
predicted = n_in * 0.05**2 * np.mean(x**2)
print(f"Var(y): measured {y.var():.3f}, predicted n·Var(w)·E[x²] = {predicted:.3f}")
assert abs(y.var() / predicted - 1) < 0.15  # one random W: its empirical variance varies by ~√(2/65536)
assert y.var() > 50 * 0.05**2 * np.mean(x**2)  # fails if the fan-in did not multiply the variance

# %% [markdown]
# ## When
#
# | Situation | Initializer |
# |---|---|
# | Kernel followed by `tanh`, `sigmoid`, `softmax` or nothing | `GlorotUniform` (the default) or `GlorotNormal` |
# | Kernel followed by `relu`, `leaky_relu`, `gelu`, `silu` | `HeNormal` or `HeUniform` |
# | Kernel followed by `selu` (self-normalizing networks) | `LecunNormal` |
# | Recurrent kernel of an RNN (`LSTM`, `GRU`) | `Orthogonal` (the default there) |
# | Biases; a residual branch that should start as "do nothing" | `Zeros` |
# | A known start (the identity map, a fixed filter, a Fourier kernel) | `Identity`, `Constant`, `STFT` |

# %% [markdown]
# ## Who
#
# Everyone who builds a model (the defaults are usually sensible, but a deep ReLU or SELU network
# needs the matching initializer), researchers who must keep a new architecture's signal in scale,
# audio engineers (`STFT` kernels), and anyone who needs reproducible experiments (seeds).

# %% [markdown]
# ## How
#
# A kernel of shape `(fan_in, fan_out)` has `fan_in` inputs and `fan_out` outputs; for a
# convolution kernel `(k1, k2, ..., in, out)` both fans are multiplied by the receptive field
# k1·k2·… (Example 1).
#
# ### `Initializer`: the base class
#
# Every initializer implements `__call__(shape, dtype=None)` and `get_config()`; `from_config`
# rebuilds it, `clone()` copies it. The base class itself draws nothing.

# %%
assert keras.Initializer is ini.Initializer
assert all(
    issubclass(cls, ini.Initializer) for cls in (ini.Zeros, ini.GlorotUniform, ini.Orthogonal, ini.STFT)
)
error = expect_error(NotImplementedError, lambda: ini.Initializer()((2, 2)))
print("Initializer()(shape) ->", error)

# %% [markdown]
# ### `Zeros`, `Ones`, `Constant`
#
# `Zeros()` fills with 0, `Ones()` with 1, `Constant(value)` with `value`: a scalar, or an array
# that broadcasts to the requested shape. They honour `dtype`, integers included.

# %%
print(to_numpy(ini.Zeros()((2, 3))), to_numpy(ini.Ones()((2, 3), dtype="int32")), sep="\n")
print(to_numpy(ini.Constant([1.0, 2.0, 3.0])((2, 3))))  # a row, broadcast to every row
assert to_numpy(ini.Ones()((2,), dtype="int32")).dtype == np.int32

# %% [markdown]
# ### `RandomNormal`, `RandomUniform`, `TruncatedNormal`
#
# - `RandomNormal(mean=0.0, stddev=0.05)`: W ~ N(mean, stddev²).
# - `RandomUniform(minval=-0.05, maxval=0.05)`: W ~ U(minval, maxval).
# - `TruncatedNormal(mean=0.0, stddev=0.05)`: a normal whose values beyond **2·stddev** from the
#   mean are drawn again; cutting the tails lowers the standard deviation to 0.8796·stddev.
#
# These ignore the kernel's shape: the spread is the same for 3 inputs or 3000.

# %%
for initializer in (ini.RandomNormal(seed=0), ini.RandomUniform(seed=0), ini.TruncatedNormal(seed=0)):
    sample = to_numpy(initializer((400, 300)))
    print(
        f"{type(initializer).__name__:16s} mean {sample.mean():+.5f}  std {sample.std():.5f}  "
        f"max |w| {np.abs(sample).max():.4f}"
    )

# %% [markdown]
# ### `VarianceScaling`: the rule behind Glorot, He and LeCun
#
# `VarianceScaling(scale=1.0, mode="fan_in", distribution="truncated_normal")` sets **Var(w) =
# scale / n**, with n = fan-in, fan-out or their average (`mode`). Then, by `distribution`:
#
# - `"truncated_normal"`: a normal cut at 2σ, with σ = √(scale/n) / 0.8796 widened so that the
#   variance *after* the cut is still scale/n;
# - `"untruncated_normal"`: N(0, scale/n);
# - `"uniform"`: U(−L, L) with L = √(3·scale/n), since a uniform on ±L has variance L²/3.

# %%
for distribution in ("truncated_normal", "untruncated_normal", "uniform"):
    vs = ini.VarianceScaling(scale=2.0, mode="fan_out", distribution=distribution, seed=0)
    sample = to_numpy(vs((400, 300)))
    print(
        f"{distribution:18s} std {sample.std():.5f} (target √(2/300) = {math.sqrt(2 / 300):.5f}), "
        f"max |w| {np.abs(sample).max():.4f}"
    )

# %% [markdown]
# ### `GlorotNormal`, `GlorotUniform`, `HeNormal`, `HeUniform`, `LecunNormal`, `LecunUniform`
#
# The named families are `VarianceScaling` with fixed settings (each one a subclass of it):
#
# | Class | scale | mode | distribution |
# |---|---|---|---|
# | `GlorotNormal` / `GlorotUniform` (Xavier) | 1 | `fan_avg` | truncated normal / uniform |
# | `HeNormal` / `HeUniform` (Kaiming) | 2 | `fan_in` | truncated normal / uniform |
# | `LecunNormal` / `LecunUniform` | 1 | `fan_in` | truncated normal / uniform |
#
# Glorot balances forward and backward signals (fan-average); He doubles LeCun's variance because
# ReLU zeroes half of its inputs.

# %%
families = {
    ini.GlorotNormal: (1.0, "fan_avg", "truncated_normal"),
    ini.GlorotUniform: (1.0, "fan_avg", "uniform"),
    ini.HeNormal: (2.0, "fan_in", "truncated_normal"),
    ini.HeUniform: (2.0, "fan_in", "uniform"),
    ini.LecunNormal: (1.0, "fan_in", "truncated_normal"),
    ini.LecunUniform: (1.0, "fan_in", "uniform"),
}
for cls, settings in families.items():
    obj = cls(seed=0)
    assert isinstance(obj, ini.VarianceScaling)
    assert (obj.scale, obj.mode, obj.distribution) == settings, (cls.__name__, obj.scale, obj.mode)
    print(f"{cls.__name__:14s} scale={obj.scale}  mode={obj.mode:8s} distribution={obj.distribution}")

# %% [markdown]
# ### `Orthogonal` (alias `OrthogonalInitializer`)
#
# `Orthogonal(gain=1.0, seed=None)` returns `gain` times a random matrix with **orthonormal columns**
# (tall) or **rows** (wide): WᵀW = gain²·I or WWᵀ = gain²·I. Multiplying by it preserves lengths,
# which keeps a recurrent signal from growing or fading step after step.

# %%
assert ini.OrthogonalInitializer is ini.Orthogonal
tall = to_numpy(ini.Orthogonal(seed=0)((50, 20)))
print("WᵀW of a 50×20 orthogonal kernel, top-left corner:\n", np.round(tall.T @ tall, 6)[:4, :4])
print(expect_error(ValueError, lambda: ini.Orthogonal()((5,))))

# %% [markdown]
# ### `Identity` (alias of `IdentityInitializer`)
#
# `Identity(gain=1.0)` writes `gain` times the identity matrix (also rectangular), for **rank-2
# shapes only**: Dense and recurrent kernels.

# %%
assert ini.Identity is ini.IdentityInitializer
print(to_numpy(ini.IdentityInitializer(gain=2.0)((2, 3))))
print(expect_error(ValueError, lambda: ini.Identity()((3, 3, 4, 4))))  # a Conv2D kernel

# %% [markdown]
# ### `STFT` (alias `STFTInitializer`)
#
# `STFT(side="real", window="hann", ...)` fills a `Conv1D` kernel `(T, 1, F)` with windowed cosines
# (or sines, `side="imag"`), so the convolution computes a **short-time Fourier transform** (deep
# dive).

# %%
assert ini.STFTInitializer is ini.STFT
stft_real = to_numpy(ini.STFT("real", window=None, scaling=None)((24, 1, 17)))
print("kernel shape", stft_real.shape, "; channel 0 (frequency 0) is all ones:", stft_real[:8, 0, 0], "...")

# %% [markdown]
# ### The lower-case names: `zeros`, `ones`, `constant`, `random_normal`, ... `stft`
#
# Each lower-case name is the very same class object as its CamelCase name (not a function that
# returns a tensor); the same words, as strings, are what layers accept.

# %%
assert ini.he_normal is ini.HeNormal and ini.glorot_uniform is ini.GlorotUniform  # the same class objects
assert isinstance(ini.glorot_uniform(seed=1), ini.GlorotUniform)
by_string = keras.layers.Dense(3, kernel_initializer="he_normal")
assert isinstance(by_string.kernel_initializer, ini.HeNormal)  # the string became a HeNormal object

# %% [markdown]
# ### `get`, `serialize`, `deserialize`
#
# `get` turns a name, a config dict or an object into an initializer (`None` stays `None`; an
# unknown name raises `ValueError`); `serialize` gives the JSON dict a `.keras` file stores (class
# name and `get_config()`), and `deserialize` builds the object again.

# %%
he = ini.get("he_normal")
assert isinstance(he, ini.HeNormal)
spec = ini.serialize(ini.VarianceScaling(scale=2.0, mode="fan_out", distribution="uniform", seed=4))
print(json.dumps(spec))
rebuilt = ini.deserialize(spec)
assert isinstance(rebuilt, ini.VarianceScaling) and rebuilt.get_config() == spec["config"]
assert ini.get(None) is None
print(expect_error(ValueError, lambda: ini.get("xavier")))

# %% [markdown]
# ### Seeds
#
# Every random initializer takes `seed`: an integer, a `keras.random.SeedGenerator`, or `None`. An
# initializer **object always draws the same values for the same shape**: `seed=None` picks a
# random integer *once*, when the object is built (only a `SeedGenerator` advances). So two layers
# handed **one** object start as identical twins, a symmetry training cannot break on its own; a
# name (or a new object per layer) avoids it. The deep dive proves every seed rule.

# %%
seeded = ini.GlorotUniform(seed=7)
print("same seed, two objects, same values:",
      np.array_equal(to_numpy(seeded((30, 20))), to_numpy(ini.GlorotUniform(seed=7)((30, 20)))))
shared_init = ini.HeNormal()  # seed=None: it picks its integer once, now
first, second = (keras.layers.Dense(20, kernel_initializer=shared_init) for _ in range(2))
by_name = [keras.layers.Dense(20, kernel_initializer="he_normal") for _ in range(2)]
for each in (first, second, *by_name):
    each.build((None, 30))
np.testing.assert_array_equal(first.get_weights()[0], second.get_weights()[0])  # identical twins
assert not np.array_equal(by_name[0].get_weights()[0], by_name[1].get_weights()[0])  # a name: new objects

# %% [markdown]
# ## Pros
#
# - **The right scale for free**: fan-scaled initializers read the kernel's shape, so `"he_normal"`
#   is right for a 3-input and a 3000-input layer alike; one argument per weight to swap.
# - **Reproducible** with a seed; **structured starts** (orthogonal, identity, Fourier) on request;
#   a subclass with `get_config` travels inside a `.keras` file.
#
# ## Cons
#
# - **The default is not always right**: `GlorotUniform` under ReLU shrinks the signal by 1/√2 per
#   square layer (deep dive), and a hand-picked `RandomNormal(0.05)` ignores the layer's size.
# - **One object repeats itself**, even with `seed=None` (Seeds).
# - **Backends differ**: a seed does not give the same numbers on TensorFlow, JAX and PyTorch.
# - **Only the start**: it cannot rescue a badly scaled input or a far too large learning rate.

# %% [markdown]
# ## Picture
#
# ### Every random initializer against its theory
#
# Each panel is a histogram (as a density) of one initializer's values for a (400, 300) kernel, with
# the density and bounds that `helpers.explorers.initializers.theory` computes from the formulas.

# %%
picture_names = ["random_normal", "random_uniform", "truncated_normal", "orthogonal", "glorot_normal", "he_normal",
                 "lecun_normal", "variance_scaling", "glorot_uniform", "he_uniform", "lecun_uniform"]
fig, axes = figure(3, 4, figsize=(13, 8.5), sharex=True)
grid = np.linspace(-0.3, 0.3, 400)  # the same axis for every panel, so that widths compare
for ax, name in zip(axes.flat, picture_names, strict=False):
    result = init_explorer.explore(name, 400, 300, mode="fan_avg", distribution="untruncated_normal", seed=1)
    values, law = result["values"].ravel(), result["theory"]
    counts, edges = np.histogram(values, bins=90, range=(-0.3, 0.3), density=True)
    ax.stairs(counts, edges, fill=True, color="#bbbbbb")  # one shape, not 90 bars: faster to draw
    ax.plot(grid, law.density(grid), color=plots.ACCENT, lw=1.8)
    if law.bound is not None and law.kind != "orthogonal":
        ax.axvline(-law.bound, color="#333333", ls="--", lw=1)
        ax.axvline(law.bound, color="#333333", ls="--", lw=1)
    label = name + (" (fan_avg, untruncated)" if name == "variance_scaling" else "")
    ax.set(title=f"{label}\nσ = {law.std:.4f}", xlabel="weight value", ylabel="density")
    ax.tick_params(labelbottom=True)
axes.flat[-1].axis("off")
axes.flat[-1].text(0.5, 0.5, "grey: Keras samples (120 000)\nred: theoretical density\ndashed: theoretical bounds",
                   ha="center", va="center", fontsize=10)
fig.suptitle("Initializers for a (fan-in 400, fan-out 300) kernel: samples against theory", fontweight="bold")
plots.show(fig, "Notice that the uniform laws have flat tops, that every \"normal\" of the Glorot, He and LeCun "
                "families stops with a hard edge at its dashed bounds (they are truncated normals), and that the "
                "He laws are wider than the LeCun ones.")

# %% [markdown]
# ### Explorer: pick an initializer, set the fans
#
# The widget redraws the histogram for any initializer, fans and (for `variance_scaling`) mode,
# distribution and scale; an impossible setting gives a one-line message. Where widgets do not
# render, the figure under it shows one setting.

# %%
init_explorer.explorer()

# %%
impossible = init_explorer.explore("he_normal", 0, 300)["message"]  # what a fan-in of 0 shows
assert impossible.startswith("fan-in must be") and "\n" not in impossible
print(impossible)
plots.show(
    init_explorer.figure("variance_scaling", 400, 300, mode="fan_out", distribution="untruncated_normal", scale=2.0),
    "Notice that the samples follow the full bell curve of N(0, 2/300), standard deviation about 0.082, with "
    "no bound: unlike He-normal's, its tails are not cut.",
)

# %% [markdown]
# ## Table
#
# a = fan-in, b = fan-out (times the receptive field for a convolution kernel); the deep dive proves
# each row on a case where a plausible wrong formula fails.
#
# | Initializer | Law | Standard deviation | Bound (max \|w − mean\|) |
# |---|---|---|---|
# | `Zeros`, `Ones`, `Constant(c)` | W = 0, 1, c (broadcast) | 0 | n/a |
# | `RandomNormal(μ, s)` | N(μ, s²) | s | none |
# | `RandomUniform(lo, hi)` | U(lo, hi) | (hi − lo)/√12 | (hi − lo)/2 |
# | `TruncatedNormal(μ, s)` | N(μ, s²) cut at ±2s | 0.8796·s | 2s |
# | `VarianceScaling(c, mode, "truncated_normal")` | N(0, σ²) cut at ±2σ, σ = √(c/n)/0.8796 | √(c/n), n = a, b or (a+b)/2 | 2σ ≈ 2.274·√(c/n) |
# | `VarianceScaling(c, mode, "untruncated_normal")` | N(0, c/n) | √(c/n) | none |
# | `VarianceScaling(c, mode, "uniform")` | U(−L, L), L = √(3c/n) | √(c/n) | L |
# | `GlorotNormal` / `GlorotUniform` | c = 1, n = (a+b)/2 | √(2/(a+b)) | 2.274·√(2/(a+b)) / √(6/(a+b)) |
# | `HeNormal` / `HeUniform` | c = 2, n = a | √(2/a) | 2.274·√(2/a) / √(6/a) |
# | `LecunNormal` / `LecunUniform` | c = 1, n = a | √(1/a) | 2.274·√(1/a) / √(3/a) |
# | `Orthogonal(g)` | g·Q, QᵀQ = I (tall) or QQᵀ = I (wide) | g/√max(a, b) | g |
# | `Identity(g)`, `STFT(...)` | g·eye(a, b); windowed cosines or sines | n/a | n/a |

# %% [markdown]
# ## Example
#
# ### Example 1 · The fans of a convolution kernel
#
# A `Conv2D(32, 3)` on 16 input channels has a kernel of shape (3, 3, 16, 32). Each output value
# sums 3·3·16 = 144 products, so its fan-in is **144**, not 16. With `HeUniform` the limit is
# √(6/144) = 0.204, not √(6/16) = 0.61.

# %%
conv = keras.layers.Conv2D(32, 3, kernel_initializer=ini.HeUniform(seed=0))
conv.build((None, 28, 28, 16))
conv_kernel = conv.get_weights()[0]
fan_in = 3 * 3 * 16
print(
    f"kernel {conv_kernel.shape}: max |w| = {np.abs(conv_kernel).max():.4f}, limit √(6/{fan_in}) = "
    f"{math.sqrt(6 / fan_in):.4f}"
)
assert np.abs(conv_kernel).max() <= math.sqrt(6 / fan_in) * (1 + 1e-6)
assert np.abs(conv_kernel).max() > 0.99 * math.sqrt(6 / fan_in)  # fails if the fan-in were 16

# %% [markdown]
# ### Example 2 · A custom initializer: every unit starts with the same weight norm
#
# `UnitNorm` draws each output unit's incoming weights from a normal, then rescales that column to
# length `norm`. It subclasses `Initializer`, draws with `keras.random` so it runs on every backend,
# and implements `get_config` so it can be saved. The decorator registers it for loading.


# %%
@keras.saving.register_keras_serializable(package="course03")
class UnitNorm(keras.initializers.Initializer):
    """Normal draws, each column (one output unit) rescaled to Euclidean length `norm`."""

    def __init__(self, norm=1.0, seed=None):
        self.norm = norm
        self.seed = seed

    def __call__(self, shape, dtype=None):
        w = keras.random.normal(shape, dtype=dtype, seed=self.seed)
        flat = keras.ops.reshape(w, (-1, shape[-1]))
        lengths = keras.ops.sqrt(keras.ops.sum(keras.ops.square(flat), axis=0, keepdims=True))
        return keras.ops.reshape(flat / lengths * self.norm, shape)

    def get_config(self):
        return {"norm": self.norm, "seed": self.seed}


unit_norm = UnitNorm(norm=3.0, seed=5)
w = to_numpy(unit_norm((30, 20)))
print("column lengths:", np.linalg.norm(w, axis=0)[:5], "...")
np.testing.assert_allclose(np.linalg.norm(w, axis=0), 3.0, rtol=1e-5)

# %% [markdown]
# Its configuration round-trips through `serialize` / `deserialize` (the dict a `.keras` file
# stores), `from_config` and `clone`, giving the same values because the seed is part of the
# configuration. (The deep dive saves it inside a model and loads it back.)

# %%
spec = ini.serialize(unit_norm)
assert spec["registered_name"] == "course03>UnitNorm"
twin = ini.deserialize(json.loads(json.dumps(spec)))  # through JSON text, as in a file
np.testing.assert_array_equal(to_numpy(twin((30, 20))), w)
np.testing.assert_array_equal(to_numpy(UnitNorm.from_config(unit_norm.get_config())((30, 20))), w)
np.testing.assert_array_equal(to_numpy(unit_norm.clone()((30, 20))), w)
print("UnitNorm round-trips through serialize/deserialize, from_config and clone")

# %% [markdown]
# ## Proof
#
# (The deep dive derives the constant 0.8796 and proves every row of the Table.)
#
# ### Glorot, He and LeCun "normal" are truncated: their largest value is bounded
#
# Many tutorials write GlorotNormal as W ~ N(0, 2/(a+b)), a plain normal (PyTorch's
# `xavier_normal_` is exactly that). The variance is right, but Keras's law is truncated at 2σ with
# σ widened by 1/0.8796, so **no value exceeds 2.274·√(2/(a+b))**. A plain normal with that variance
# puts about 2.3 % of its values beyond the bound; Keras puts none there (on PyTorch a few per
# million: see the deep dive). The same holds for He and LeCun.

# %%
TRUNC_STD = 0.87962566103423978  # the standard deviation of N(0, 1) cut at ±2 (derived in the deep dive)
a, b = 400, 300  # the kernel's fan-in and fan-out
ALLOWED_OUTSIDE = 2e-5 if BACKEND == "torch" else 0.0  # PyTorch keeps a few values beyond the cut
glorot_std = math.sqrt(2 / (a + b))
glorot_bound = 2 * glorot_std / TRUNC_STD
keras_glorot = to_numpy(ini.GlorotNormal(seed=3)((a, b)))
plain_normal = rng.normal(0.0, glorot_std, size=(a, b))  # the plain-normal reading, in NumPy
keras_beyond = np.mean(np.abs(keras_glorot) > glorot_bound)
plain_beyond = np.mean(np.abs(plain_normal) > glorot_bound)
expected_plain = 1 - math.erf(2 / TRUNC_STD / math.sqrt(2))  # a plain normal's share beyond: 2.3 %
print(
    f"beyond {glorot_bound / glorot_std:.3f}·std: Keras GlorotNormal {keras_beyond:.2e}, "
    f"plain normal {plain_beyond:.2%} (expected {expected_plain:.2%})"
)
assert keras_beyond <= ALLOWED_OUTSIDE
assert plain_beyond > 0.015  # the plain-normal reading fails the bound
assert abs(plain_beyond - expected_plain) < 0.003 and round(100 * expected_plain, 1) == 2.3
for cls, fan in ((ini.HeNormal, a / 2), (ini.LecunNormal, a)):
    values = to_numpy(cls(seed=3)((a, b)))
    assert np.mean(np.abs(values) > 2 * math.sqrt(1 / fan) / TRUNC_STD) <= ALLOWED_OUTSIDE

# %% [markdown]
# ## Application
#
# ### Why it matters: the signal through 20 layers
#
# Twenty layers of width 256, each computing h ← activation(h @ Wᵢ) (a `Dense(256)` with its zero
# starting bias), get 250 standard-normal inputs; each layer has **its own** initializer object
# (seeds 100, 101, …). We record the standard deviation of every layer's output for four pairs:
#
# - **He normal + ReLU**: Var(w) = 2/256; ReLU keeps half of the energy and the factor 2 gives it
#   back: healthy.
# - **LeCun normal + SELU**: SELU's constants make mean 0, variance 1 a fixed point when
#   Var(w) = 1/fan-in: healthy.
# - **Glorot uniform + tanh**: Var(w) = 1/256 here, tanh slightly contracting: shrinks slowly.
# - **RandomNormal(0.01) + ReLU**: each layer multiplies the root mean square by
#   √(256 · 0.01² / 2) ≈ 0.113, so after 20 layers almost nothing is left (0.113²⁰ ≈ 10⁻¹⁹).

# %%
depth, width = 20, 256
inputs = rng.normal(size=(250, width)).astype("float32")
pairs = {  # label: (the initializer of layer i, the activation)
    "He normal + ReLU": (lambda i: ini.HeNormal(seed=100 + i), keras.activations.relu),
    "LeCun normal + SELU": (lambda i: ini.LecunNormal(seed=200 + i), keras.activations.selu),
    "Glorot uniform + tanh": (lambda i: ini.GlorotUniform(seed=300 + i), keras.activations.tanh),
    "RandomNormal(0.01) + ReLU": (lambda i: ini.RandomNormal(stddev=0.01, seed=400 + i), keras.activations.relu),
}
stds, stacks = {}, {}
for label, (initializer_of, activation) in pairs.items():
    kernels = [initializer_of(i)((width, width)) for i in range(depth)]  # a new object per layer
    h, per_layer = keras.ops.convert_to_tensor(inputs), []
    for kernel in kernels:
        h = activation(keras.ops.matmul(h, kernel))  # a Dense layer with its zero starting bias
        per_layer.append(to_numpy(h).astype("float64").std())  # float64: the last ones are ~1e-19
    stds[label], stacks[label] = np.array(per_layer), np.stack([to_numpy(k) for k in kernels])
for label, values in stds.items():
    print(f"{label:26s} layer 1: {values[0]:.3g}   layer 10: {values[9]:.3g}   layer 20: {values[-1]:.3g}")

# %% [markdown]
# The picture, on a logarithmic axis, with the band the healthy pairs are claimed to stay in: a
# factor of 2 either side of He + ReLU's first layer.

# %%
fig, axes = figure(1, 2, figsize=(13, 4.6))
ax, zoom = axes[0]
colours = [plots.ACCENT, "#2c7fb8", "#41ab5d", "#777777"]
layers_axis = np.arange(1, depth + 1)
reference = stds["He normal + ReLU"][0]
ax.axhspan(reference / 2, reference * 2, color=plots.ACCENT, alpha=0.08, label="band: ×½ to ×2 of layer 1 (He + ReLU)")
for (label, values), colour in zip(stds.items(), colours, strict=True):
    ax.plot(layers_axis, values, marker="o", ms=3.5, color=colour, label=label)
small = stds["RandomNormal(0.01) + ReLU"]
ax.plot(layers_axis, small[0] * math.sqrt(width * 0.01**2 / 2) ** (layers_axis - 1), ls=":", color="#333333",
        label="predicted: ×0.113 per layer (RandomNormal 0.01)")
ax.set(yscale="log", xticks=layers_axis[::2], xlabel="layer", title="All four pairs (log scale)",
       ylabel="standard deviation of the layer's output (log)")
ax.legend(fontsize=8, loc="lower left")
zoom.axhspan(reference / 2, reference * 2, color=plots.ACCENT, alpha=0.08, label="the band")
for (label, values), colour in list(zip(stds.items(), colours, strict=True))[:3]:
    zoom.plot(layers_axis, values, marker="o", ms=3.5, color=colour, label=label)
zoom.set(ylim=(0, None), xticks=layers_axis[::2], xlabel="layer", title="The three that survive (linear scale)",
         ylabel="standard deviation of the layer's output")
zoom.legend(fontsize=8, loc="lower left")
fig.suptitle("Activation scale through 20 Dense(256) layers", fontweight="bold")
plots.show(fig, "Notice that He + ReLU and LeCun + SELU stay inside the shaded band for all 20 layers, Glorot + "
                "tanh slowly sinks, and RandomNormal(0.01) + ReLU falls along its predicted dotted line to "
                f"{stds['RandomNormal(0.01) + ReLU'][-1]:.0e} at layer 20.")

# %% [markdown]
# The proof: He + ReLU and LeCun + SELU stay within a factor of 2 of their first layer at all 20
# layers; Glorot + tanh ends below half of its first. (The deep dive recomputes the stacks in NumPy
# and measures the default, `GlorotUniform`, under ReLU.)

# %%
for label in ("He normal + ReLU", "LeCun normal + SELU"):
    ratio = stds[label] / stds[label][0]
    assert np.all((ratio > 0.5) & (ratio < 2.0)), (label, ratio.round(2))
assert stds["Glorot uniform + tanh"][-1] < 0.5 * stds["Glorot uniform + tanh"][0]

# %% [markdown]
# ## Key terms
#
# - **Initializer**: an object that, called with a shape, returns a weight's starting values.
# - **Fan-in / fan-out**: the inputs feeding one output unit / the outputs fed by one input unit;
#   for convolution kernels both include the receptive field.
# - **Variance scaling**: Var(w) = scale / fan, so that a layer preserves the signal's scale.
# - **Truncated normal**: a normal whose values beyond 2 standard deviations are redrawn.
# - **Seed**: an integer or `SeedGenerator` that fixes an initializer's random draws.

# %% [markdown]
# ## Summary
#
# - An initializer `f(shape, dtype)` returns a weight's first values; choose it with a layer's
#   `*_initializer` arguments, as a name or an object.
# - `VarianceScaling` gives Var(w) = scale/fan: Glorot (1, fan-avg), He (2, fan-in), LeCun (1,
#   fan-in), as a uniform on ±√(3·scale/fan) or a normal **truncated** at 2σ. Convolution fans
#   include the receptive field.
# - One initializer object repeats itself, even with `seed=None`: give each layer its own.
# - He + ReLU and LeCun + SELU keep the signal's scale through 20 layers; small random numbers make
#   it vanish at a predictable rate.

# %% [markdown]
# ## Exercises
#
# Each exercise prints its task and how you know you are done; `ex.check(...)` tells you what is
# right and what is not yet. Uncomment `ex.hint()` or `ex.solution()` only when you want them.
#
# ### Exercise 03.1 · The limit of a fan-scaled uniform
#
# Predict the largest value a Glorot, He or LeCun uniform can draw, for any kernel shape.

# %%
ex = exercise("03.1")  # prints the task and how you know you are done


def uniform_limit(name, shape):
    ...  # your code here: name is "glorot_uniform", "he_uniform" or "lecun_uniform"


ex.check(uniform_limit)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 03.2 · A sparse He initializer
#
# An `Initializer` subclass of your own, like Example 2's `UnitNorm`.

# %%
ex = exercise("03.2")


class SparseHe(keras.initializers.Initializer):
    def __init__(self, fraction=0.5, seed=None):
        ...  # your code here

    def __call__(self, shape, dtype=None):
        ...  # your code here

    def get_config(self):
        ...  # your code here


ex.check(SparseHe)
# ex.hint()
# ex.solution()

# %% [markdown]
# ### Exercise 03.3 · Glorot and `leaky_relu`: the factor per layer
#
# The Application's question for another activation, answered with the Why section's formula.

# %%
ex = exercise("03.3")


def rms_factor(negative_slope):
    ...  # your code here: a formula, no simulation needed


ex.check(rms_factor)
# ex.hint()
# ex.solution()

# %% [markdown]
# ## Deep dive (optional)
#
# Proofs that are here for trust rather than for understanding: every row of the Table under a
# stated statistical tolerance, PyTorch's truncated normal, conv fans, `Orthogonal`, `Identity` and
# `STFT` in detail (with a spectrogram), every name and seed rule, two bugs of Keras 3.15.1, what
# changed since Keras 2, and the 20-layer experiment recomputed in NumPy. Each part can be read on
# its own; the cells reuse names from above.

# %% [markdown]
# ### The constant 0.8796 is the standard deviation of a normal cut at ±2σ
#
# This derives the number used throughout: for a standard normal truncated to [−2, 2],
# Var = 1 − 2·2·φ(2) / (Φ(2) − Φ(−2)), with φ the density and Φ the distribution function. Computed
# here with `math.erf`, and checked by simulation:

# %%
phi2 = math.exp(-2.0) / math.sqrt(2 * math.pi)
mass = math.erf(2 / math.sqrt(2))  # Φ(2) − Φ(−2)
TRUNC_STD = math.sqrt(1 - 4 * phi2 / mass)
print(f"std of N(0, 1) cut at ±2: {TRUNC_STD:.15f}")
assert abs(TRUNC_STD - 0.87962566103423978) < 1e-12
simulated = rng.normal(size=2_000_000)
assert abs(simulated[np.abs(simulated) < 2].std() - TRUNC_STD) < 2e-3  # and by simulation


# %% [markdown]
# ### The tolerance rule of every statistical proof
#
# The proofs below compare samples of Keras's initializers with their laws. This states, once, how
# close a sample must be, so that a wrong law fails and a right one passes. `check_moments` asserts:
#
# - **mean**: a sample of *n* values from a law with mean μ and standard deviation σ has a sample
#   mean within **5 standard errors**, |mean − μ| < 5·σ/√n;
# - **variance**: its sample variance is within **5 standard errors of a normal sample's
#   variance**, |var − σ²| < 5·σ²·√(2/n). Uniform and truncated normal laws have lighter tails
#   than the normal, so their sample variance fluctuates less and the same band is safe for them;
# - **bounds**: a bounded law's values are inside its bounds, with no tolerance at all (only
#   float32 rounding).
#
# With 120 000 samples, 5 standard errors of the variance is 2 % of σ²: tight enough to tell
# He (variance 2/fan-in) from LeCun (1/fan-in), fan-in from fan-average, and a truncated normal
# that was widened (by 1/0.8796) from one that was not. A correct law fails the rule with a
# probability below one in a million per check, and the random seeds are fixed anyway.

# %%
def check_moments(values, mean, std, bound=None, allowed_outside=0.0):
    """Assert the tolerance rule for a sample from a law with this mean, std and (optional) bound.

    `bound` is the largest allowed |value - mean|; `allowed_outside` the fraction of values that may
    exceed it (0 except for PyTorch's truncated normal, see below). Returns n, mean, std.
    """
    values = np.asarray(values, dtype="float64").ravel()
    n = values.size
    assert abs(values.mean() - mean) < 5 * std / math.sqrt(n), (values.mean(), mean, std, n)
    assert abs(values.var() - std**2) < 5 * std**2 * math.sqrt(2 / n), (values.std(), std, n)
    if bound is not None:
        outside = np.mean(np.abs(values - mean) > bound * (1 + 1e-6) + 1e-7)
        assert outside <= allowed_outside, (outside, bound, np.abs(values - mean).max())
    return n, values.mean(), values.std()


n_sample = 400 * 300
np.testing.assert_allclose(5 * math.sqrt(2 / n_sample), 0.02, rtol=0.03)  # the band: 2 % of σ²
assert (1 / TRUNC_STD) ** 2 - 1 > 10 * 0.02  # an unwidened truncated normal misses it by far

# %% [markdown]
# ### PyTorch's truncated normal keeps a few values beyond the cut (a backend caveat)
#
# This explains `ALLOWED_OUTSIDE`, the one backend difference every truncated proof tolerates. On
# TensorFlow and JAX every value of a truncated normal lies within 2 standard deviations. The
# PyTorch backend draws **4** normals per value and keeps the first one inside the cut; if all 4
# fall outside (probability 0.0455⁴ ≈ 4.3 per million) it keeps an out-of-range value. The cell
# counts them among 2 million values: none on TensorFlow and JAX, a few on PyTorch, well within
# `ALLOWED_OUTSIDE` (2·10⁻⁵ there), which is far below the share 0.0455 a plain, untruncated normal
# puts beyond 2σ.

# %%
p_outside_once = 1 - mass
assert round(p_outside_once, 4) == 0.0455  # a plain normal beyond 2σ
expected_torch = 2_000_000 * p_outside_once**4
truncated = to_numpy(ini.TruncatedNormal(mean=0.0, stddev=1.0, seed=0)((2_000_000,)))
beyond = int(np.sum(np.abs(truncated) > 2.0))
print(f"{BACKEND}: {beyond} of 2 000 000 values beyond 2σ (PyTorch's scheme predicts {expected_torch:.1f})")
if BACKEND == "torch":
    assert (
        1 <= beyond <= 40
    )  # Poisson(8.6): 40 is out of reach, 0 has probability 2·10⁻⁴ (and the seed is fixed)
else:
    assert beyond == 0
assert beyond / 2_000_000 <= ALLOWED_OUTSIDE  # the tolerance the proofs use (set in the Proof section)

# %% [markdown]
# ### `RandomNormal`, `RandomUniform`, `TruncatedNormal`: mean, spread and bounds
#
# This proves the Table's first rows with non-default arguments, so that an initializer ignoring
# them would fail: mean 0.3 and stddev 0.2; range [−0.1, 0.5]; and a truncated normal whose
# standard deviation is 0.8796·stddev, not stddev.

# %%
a, b = 400, 300
normal = to_numpy(ini.RandomNormal(mean=0.3, stddev=0.2, seed=0)((a, b)))
check_moments(normal, 0.3, 0.2)

uniform = to_numpy(ini.RandomUniform(minval=-0.1, maxval=0.5, seed=0)((a, b)))
check_moments(uniform, 0.2, 0.6 / math.sqrt(12), bound=0.3)
assert uniform.min() < -0.0999 and uniform.max() > 0.4999  # fills the whole range

trunc = to_numpy(ini.TruncatedNormal(mean=0.3, stddev=0.2, seed=0)((a, b)))
n, mean, std = check_moments(trunc, 0.3, 0.2 * TRUNC_STD, bound=0.4, allowed_outside=ALLOWED_OUTSIDE)
assert abs(std - 0.2) > 0.02  # fails if it were a plain normal with std 0.2
print(f"n = {n}: truncated normal std {std:.5f} = 0.8796 × 0.2")

# %% [markdown]
# ### `Zeros`, `Ones`, `Constant`: exact values, broadcasting and dtype
#
# This proves the constant initializers exactly: no tolerance, broadcasting and an integer dtype.

# %%
np.testing.assert_array_equal(to_numpy(ini.Zeros()((3, 2))), np.zeros((3, 2)))
np.testing.assert_array_equal(to_numpy(ini.Ones()((3, 2), dtype="int32")), np.ones((3, 2), "int32"))
np.testing.assert_array_equal(to_numpy(ini.Constant(0.25)((3, 2))), np.full((3, 2), 0.25))
matrix = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], "float32")
np.testing.assert_array_equal(to_numpy(ini.Constant(matrix)((3, 2))), matrix)
np.testing.assert_array_equal(to_numpy(ini.Constant([1.0, 2.0])((3, 2))), np.broadcast_to([1.0, 2.0], (3, 2)))

# %% [markdown]
# ### Glorot, He, LeCun and every `VarianceScaling` mode and distribution
#
# This proves the Table's fan-scaled rows: each row's variance, law and bound come from the Table's
# formulas, computed here by hand. The kernel is not square (a = 400 ≠ b = 300), so fan-in, fan-out
# and fan-average give different variances, and the He rows differ from the LeCun rows by a factor
# of 2: confusing any two of them fails the variance check. For the truncated laws the bound check
# fails if the law were an untruncated normal (more than a hundredth of its values lie beyond the
# bound, as the cell asserts for the untruncated rows), and the variance check fails if σ were not
# widened by 1/0.8796. For the uniform laws, the largest value reaching 0.999 of the limit proves
# the limit is not smaller than stated.


# %%
def expected_law(scale, mode, distribution):
    """(std, bound) of VarianceScaling(scale, mode, distribution) on an (a, b) kernel, by hand."""
    n = {"fan_in": a, "fan_out": b, "fan_avg": (a + b) / 2}[mode]
    std = math.sqrt(scale / n)
    bound = {
        "truncated_normal": 2 * std / TRUNC_STD,
        "untruncated_normal": None,
        "uniform": math.sqrt(3) * std,
    }[distribution]
    return std, bound


cases = [
    (ini.GlorotNormal, 1.0, "fan_avg", "truncated_normal"),
    (ini.GlorotUniform, 1.0, "fan_avg", "uniform"),
    (ini.HeNormal, 2.0, "fan_in", "truncated_normal"),
    (ini.HeUniform, 2.0, "fan_in", "uniform"),
    (ini.LecunNormal, 1.0, "fan_in", "truncated_normal"),
    (ini.LecunUniform, 1.0, "fan_in", "uniform"),
]
cases += [
    (None, 3.0, mode, distribution)
    for mode in ("fan_in", "fan_out", "fan_avg")
    for distribution in ("truncated_normal", "untruncated_normal", "uniform")
]
rows = []
for cls, scale, mode, distribution in cases:
    if cls is None:
        initializer = ini.VarianceScaling(scale=scale, mode=mode, distribution=distribution, seed=11)
    else:
        initializer = cls(seed=11)
    values = to_numpy(initializer((a, b)))
    std, bound = expected_law(scale, mode, distribution)
    allowed = ALLOWED_OUTSIDE if distribution == "truncated_normal" else 0.0
    n, mean, measured = check_moments(values, 0.0, std, bound=bound, allowed_outside=allowed)
    if distribution == "uniform":
        assert np.abs(values).max() > 0.999 * bound
    if distribution == "untruncated_normal":
        assert np.mean(np.abs(values) > 2 * std / TRUNC_STD) > 0.01  # its tails are not cut
    rows.append((type(initializer).__name__, scale, mode, distribution, std, measured, bound))
for row in rows:
    print(
        "{:15s} scale {:.0f} {:8s} {:18s} std theory {:.5f} measured {:.5f} bound {}".format(
            *row[:6], "none" if row[6] is None else f"{row[6]:.5f}"
        )
    )

# %% [markdown]
# ### Fans of higher-rank kernels include the receptive field
#
# This proves the rule Example 1 relies on: for a kernel (k1, k2, in, out), Keras uses
# fan-in = k1·k2·in and fan-out = k1·k2·out. Checked on the (3, 3, 16, 32) kernel of Example 1 with
# `variance_scaling` in fan-out mode (where the wrong reading fan-out = 32 would make the variance
# 9 times too large) and `glorot_uniform` (whose fan-average, 216, differs from the fan-out, 288).
# The sample is smaller (4608 values), so the tolerance rule allows 5·√(2/4608) ≈ 0.10 of relative
# error on the variance: still far from a factor of 9 or of 288/216.

# %%
shape = (3, 3, 16, 32)
fan_in, fan_out = 3 * 3 * 16, 3 * 3 * 32
assert fan_out / 32 == 9  # how far off the channels-only reading would be
values = to_numpy(
    ini.variance_scaling(scale=1.0, mode="fan_out", distribution="untruncated_normal", seed=0)(shape)
)
check_moments(values, 0.0, math.sqrt(1 / fan_out))
values = to_numpy(ini.glorot_uniform(seed=0)(shape))
check_moments(values, 0.0, math.sqrt(2 / (fan_in + fan_out)), bound=math.sqrt(6 / (fan_in + fan_out)))
print(f"conv kernel {shape}: fan-in {fan_in}, fan-out {fan_out}")

# %% [markdown]
# ### What WᵀW looks like: `Orthogonal` against a plain normal
#
# This shows what orthonormal columns mean in a picture: for a tall 50×20 kernel, WᵀW (20×20) is
# exactly the identity for `Orthogonal`, and only roughly so for a normal kernel with the same
# per-entry variance: its off-diagonal entries are noise of size about 1/√50, and its diagonal
# wanders around 1.

# %%
orthogonal_kernel = to_numpy(ini.Orthogonal(seed=2)((50, 20)))
normal_kernel = to_numpy(ini.RandomNormal(stddev=1 / math.sqrt(50), seed=2)((50, 20)))
fig, axes = figure(1, 2, figsize=(10, 4.2))
for ax, (title, w) in zip(
    axes[0], [("Orthogonal", orthogonal_kernel), ("RandomNormal(stddev=1/√50)", normal_kernel)], strict=True
):
    image = ax.imshow(w.T @ w, cmap="RdBu_r", vmin=-1.3, vmax=1.3)
    ax.set_title(f"WᵀW for {title}, W: 50×20", fontsize=10)
    ax.set_xlabel("column j")
    ax.set_ylabel("column i")
    ax.grid(False)
fig.colorbar(image, ax=axes[0].tolist(), label="(WᵀW)ᵢⱼ = dot product of columns i and j")
plots.show(fig, "Notice that WᵀW of the orthogonal kernel is exactly the identity, a clean diagonal of 1 on "
                "white, while the normal kernel's diagonal wanders around 1 and its off-diagonal is speckled.")

# %% [markdown]
# ### `Orthogonal`: WᵀW = gain²·I for tall, WWᵀ = gain²·I for wide, and conv kernels flattened
#
# This proves the How section's description of `Orthogonal`, and how a kernel of higher rank is
# flattened to (product of all but the last dimension, last dimension) first. Checked in NumPy on a
# tall (50×20), a wide (20×50) and a (3, 3, 4, 8) kernel (flattened to 36×8), with gain 1.5. A
# random normal matrix fails the same check (its WᵀW is only near a multiple of I). And the mean
# square of the entries is exactly gain²/max(rows, cols): each of the min(rows, cols) orthonormal
# columns (or rows) has a square-sum of gain².

# %%
gain = 1.5
tall = to_numpy(ini.Orthogonal(gain=gain, seed=0)((50, 20)))
wide = to_numpy(ini.orthogonal(gain=gain, seed=0)((20, 50)))
conv_q = to_numpy(ini.OrthogonalInitializer(gain=gain, seed=0)((3, 3, 4, 8))).reshape(36, 8)
np.testing.assert_allclose(tall.T @ tall, gain**2 * np.eye(20), atol=1e-5)
np.testing.assert_allclose(wide @ wide.T, gain**2 * np.eye(20), atol=1e-5)
np.testing.assert_allclose(conv_q.T @ conv_q, gain**2 * np.eye(8), atol=1e-5)
gaussian = rng.normal(0, gain / math.sqrt(50), size=(50, 20))
assert np.abs(gaussian.T @ gaussian - gain**2 * np.eye(20)).max() > 0.1  # fails for a plain random matrix
np.testing.assert_allclose(np.mean(tall**2), gain**2 / 50, rtol=1e-5)  # exact, not statistical
np.testing.assert_allclose(np.mean(wide**2), gain**2 / 50, rtol=1e-5)

# %% [markdown]
# ### `Identity` / `IdentityInitializer`: gain·eye for rank 2 only
#
# A common claim is that `Identity` is "not typically used in dense layers" and meant for skip
# connections. This proves the opposite for Keras 3: it works **only** on rank-2 shapes, which are
# exactly Dense and recurrent kernels, and a `Dense` layer that starts as the identity returns its
# input unchanged. A Conv2D kernel is refused with `ValueError`.

# %%
np.testing.assert_array_equal(to_numpy(ini.Identity(gain=0.5)((3, 5))), 0.5 * np.eye(3, 5))
np.testing.assert_array_equal(to_numpy(ini.identity()((4, 2))), np.eye(4, 2))
skip = keras.layers.Dense(6, kernel_initializer="identity")
x = rng.normal(size=(5, 6)).astype("float32")
np.testing.assert_allclose(to_numpy(skip(x)), x, rtol=1e-6)  # y = I x + 0
conv_error = expect_error(
    ValueError, lambda: keras.layers.Conv2D(4, 3, kernel_initializer="identity").build((None, 8, 8, 4))
)
assert "2D" in str(conv_error)
print("Conv2D with Identity ->", str(conv_error)[:75], "...")

# %% [markdown]
# ### What an STFT kernel is: windowed cosines and sines
#
# This shows what the How section's one sentence on `STFT` means. Its full signature is
# `STFT(side="real", window="hann", scaling="density", periodic=False)`: output channel k of a frame
# x of length T is Σₜ x[t]·w[t]·cos(−2π·t·k/N) / s (`side="real"`) or the same with sin
# (`side="imag"`), where w is the window (from `scipy.signal.windows`; `periodic=True` takes its
# periodic variant), N = 2(F − 1) the FFT length, and s = √Σw² (`scaling="density"`), Σ|w|
# (`"spectrum"`) or 1 (`None`). So each channel is a cosine or sine with k cycles per N samples,
# shaped by the window; convolving a signal with them measures how much of each frequency every
# frame contains.

# %%
T, F = 64, 33  # a 64-sample window, FFT length N = 2·(33 − 1) = 64
real_kernel = to_numpy(ini.STFT("real", "hann")((T, 1, F)))
imag_kernel = to_numpy(ini.STFT("imag", "hann")((T, 1, F)))
fig, axes = figure(1, 3, figsize=(13, 3.4), sharey=True)
for ax, k in zip(axes[0], (0, 2, 6), strict=True):
    ax.plot(real_kernel[:, 0, k], label="real side (cosine)", color=plots.ACCENT)
    ax.plot(imag_kernel[:, 0, k], label="imag side (sine)", color="#2c7fb8")
    ax.set_title(f"frequency bin k = {k}")
    ax.set_xlabel("time step t within the frame")
axes[0, 0].set_ylabel("kernel value")
axes[0, 0].legend(fontsize=8)
fig.suptitle("STFT('real' / 'imag', window='hann') kernel columns, T = 64", fontweight="bold")
plots.show(fig, "Notice that channel k = 0 of the real side is the Hann window itself and its imaginary side is 0, "
                "while channels 2 and 6 are cosines and sines with 2 and 6 cycles inside the same window shape.")

# %% [markdown]
# ### A spectrogram from a `Conv1D` with `STFT` kernels
#
# This shows the STFT kernels at work, and proves the result against NumPy: two `Conv1D` layers
# without bias, one with the real and one with the imaginary STFT kernel, stride 16, turn a chirp (a
# tone whose pitch rises) into a spectrogram: the magnitude √(real² + imag²) per frame and
# frequency. NumPy computes the same thing frame by frame with `np.fft.rfft`.

# %%
rate, seconds = 1024, 2.0
t = np.arange(int(rate * seconds)) / rate
chirp = np.sin(2 * np.pi * (40 * t + 90 * t**2)).astype("float32")  # 40 Hz rising to 400 Hz
hop = 16
convs = {
    side: keras.layers.Conv1D(F, T, strides=hop, use_bias=False, kernel_initializer=ini.STFT(side, "hann"))
    for side in ("real", "imag")
}
signal = chirp.reshape(1, -1, 1)
spectrogram = np.hypot(to_numpy(convs["real"](signal))[0], to_numpy(convs["imag"](signal))[0])

hann = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(T) / (T - 1))  # symmetric Hann, by hand
frames = np.stack([chirp[i : i + T] for i in range(0, len(chirp) - T + 1, hop)])
numpy_spectrogram = np.abs(np.fft.rfft(frames * hann, n=2 * (F - 1))) / np.sqrt(np.sum(hann**2))
np.testing.assert_allclose(spectrogram, numpy_spectrogram, atol=2e-4)

centres = (np.arange(len(frames)) * hop + T / 2) / rate  # the time at the middle of each frame
bin_hz = rate / (2 * (F - 1))  # 16 Hz between frequency bins
peak_hz = spectrogram.argmax(axis=1) * bin_hz
assert np.all(np.abs(peak_hz - (40 + 180 * centres)) <= bin_hz)  # the loudest bin follows the pitch

fig, axes = figure(1, 1, figsize=(8, 3.6))
ax = axes[0, 0]
image = ax.imshow(
    spectrogram.T,
    origin="lower",
    aspect="auto",
    cmap="magma",
    extent=(centres[0] - hop / rate / 2, centres[-1] + hop / rate / 2, -bin_hz / 2, rate / 2 + bin_hz / 2),
)
ax.plot(centres, 40 + 180 * centres, color="#7fdbff", ls="--", lw=1.2, label="true pitch: 40 + 180·t Hz")
ax.set_xlabel("time at the frame's centre (s)")
ax.set_ylabel("frequency (Hz)")
ax.set_title("Spectrogram of a chirp from two Conv1D layers with STFT kernels")
ax.legend(loc="upper left", fontsize=8, labelcolor="white")
ax.grid(False)
fig.colorbar(image, ax=ax, label="|STFT|")
plots.show(fig, "Notice that the brightest frequency of each frame climbs along the dashed line of the true pitch, "
                "from 40 Hz at the start to about 400 Hz after two seconds.")

# %% [markdown]
# ### `STFT` / `STFTInitializer`: the kernel computes NumPy's DFT of a windowed frame
#
# This proves the formula above for every option: for random frames x of length T and every side,
# window and scaling, x @ K_real + i·(x @ K_imag)
# equals `np.fft.rfft(x · w, n=N) / s` with w the window and s its scaling, computed by hand
# (symmetric Hann and Hamming; the periodic Hann uses T in place of T − 1). A kernel without the
# minus sign in the exponent would flip the sign of the imaginary side and fail.

# %%
T, F = 24, 17  # frame length 24, FFT length N = 32: zero-padded, so T ≠ N is covered
N = 2 * (F - 1)
frames_x = rng.normal(size=(6, T))
steps = np.arange(T)
windows = {
    ("hann", False): 0.5 - 0.5 * np.cos(2 * np.pi * steps / (T - 1)),
    ("hamming", False): 0.54 - 0.46 * np.cos(2 * np.pi * steps / (T - 1)),
    ("hann", True): 0.5 - 0.5 * np.cos(2 * np.pi * steps / T),
    (None, False): np.ones(T),
}
for (window, periodic), w in windows.items():
    for scaling, s in (("density", np.sqrt(np.sum(w**2))), ("spectrum", np.sum(np.abs(w))), (None, 1.0)):
        if window is None and scaling is not None:
            continue  # without a window, Keras applies no scaling
        kernels = [
            to_numpy(ini.STFTInitializer(side, window, scaling, periodic)((T, 1, F)))[:, 0, :]
            for side in ("real", "imag")
        ]
        keras_dft = frames_x @ kernels[0] + 1j * (frames_x @ kernels[1])
        numpy_dft = np.fft.rfft(frames_x * w, n=N) / s
        np.testing.assert_allclose(keras_dft, numpy_dft, atol=1e-4)
assert ini.stft is ini.STFTInitializer is ini.STFT
print("STFT kernels = np.fft.rfft of the windowed frame, for 3 windows × 3 scalings and both sides")

# %% [markdown]
# ### All 16 lower-case names are their classes
#
# This proves the How section's claim for every lower-case name, as an attribute and as a string
# (the round trip below uses the table `lower_to_class`).

# %%
lower_to_class = {
    "constant": ini.Constant,
    "glorot_normal": ini.GlorotNormal,
    "glorot_uniform": ini.GlorotUniform,
    "he_normal": ini.HeNormal,
    "he_uniform": ini.HeUniform,
    "identity": ini.Identity,
    "lecun_normal": ini.LecunNormal,
    "lecun_uniform": ini.LecunUniform,
    "ones": ini.Ones,
    "orthogonal": ini.Orthogonal,
    "random_normal": ini.RandomNormal,
    "random_uniform": ini.RandomUniform,
    "stft": ini.STFT,
    "truncated_normal": ini.TruncatedNormal,
    "variance_scaling": ini.VarianceScaling,
    "zeros": ini.Zeros,
}
same_objects = {
    ini.constant: ini.Constant,
    ini.glorot_normal: ini.GlorotNormal,
    ini.glorot_uniform: ini.GlorotUniform,
    ini.he_normal: ini.HeNormal,
    ini.he_uniform: ini.HeUniform,
    ini.identity: ini.Identity,
    ini.lecun_normal: ini.LecunNormal,
    ini.lecun_uniform: ini.LecunUniform,
    ini.ones: ini.Ones,
    ini.orthogonal: ini.Orthogonal,
    ini.random_normal: ini.RandomNormal,
    ini.random_uniform: ini.RandomUniform,
    ini.stft: ini.STFT,
    ini.truncated_normal: ini.TruncatedNormal,
    ini.variance_scaling: ini.VarianceScaling,
    ini.zeros: ini.Zeros,
}
assert len(same_objects) == 16 and all(lower is upper for lower, upper in same_objects.items())
assert all(getattr(ini, name) is cls for name, cls in lower_to_class.items())
print("16 lower-case names, each the same class object as its CamelCase name")

# %% [markdown]
# ### Seeds: seeded objects reproduce, unseeded objects do not, and one object repeats itself
#
# This proves every seed rule of the How section, on six random initializers:
#
# - Two objects with the same integer seed give identical values; different seeds give different
#   values.
# - Two objects with `seed=None` give **different** values: nothing ties them together.
# - One object, called twice, gives the **same** values, whether it has an integer seed or
#   `seed=None` (it picked its integer when constructed). So two layers handed one object start
#   with identical kernels, a symmetry that training cannot break on its own.
# - With a `keras.random.SeedGenerator` as seed, each call draws new values, and a new generator
#   with the same seed replays them.


# %%
def draw(initializer, shape=(30, 20)):
    return to_numpy(initializer(shape))


for cls in (
    ini.RandomNormal,
    ini.RandomUniform,
    ini.TruncatedNormal,
    ini.GlorotNormal,
    ini.HeUniform,
    ini.Orthogonal,
):
    np.testing.assert_array_equal(draw(cls(seed=5)), draw(cls(seed=5)))  # reproducible
    assert not np.array_equal(draw(cls(seed=5)), draw(cls(seed=6)))
    assert not np.array_equal(draw(cls()), draw(cls()))  # unseeded: not reproducible
    unseeded = cls()
    np.testing.assert_array_equal(draw(unseeded), draw(unseeded))  # but one object repeats itself

stream = ini.GlorotUniform(seed=keras.random.SeedGenerator(9))
replay = ini.GlorotUniform(seed=keras.random.SeedGenerator(9))
one, two = draw(stream), draw(stream)
assert not np.array_equal(one, two)  # a generator advances
np.testing.assert_array_equal(draw(replay), one)
np.testing.assert_array_equal(draw(replay), two)
print("seeded: reproducible; unseeded: not; one object: repeats; SeedGenerator: a reproducible stream")

# %% [markdown]
# ### `get` / `serialize` / `deserialize`: every class round-trips
#
# This proves that configurations are safe to save: for every class of the section, `serialize`
# gives plain JSON, `deserialize` of it (through JSON
# text) gives an object of the same class with the same config, `get` accepts the name, the dict
# and the object, and a seeded random initializer draws the very same values after the round trip.

# %%
objects = [
    ini.Zeros(),
    ini.Ones(),
    ini.Constant(0.7),
    ini.RandomNormal(0.1, 0.2, seed=1),
    ini.RandomUniform(-1, 2, seed=1),
    ini.TruncatedNormal(0.0, 0.3, seed=1),
    ini.VarianceScaling(2.0, "fan_out", "uniform", seed=1),
    ini.GlorotNormal(seed=1),
    ini.GlorotUniform(seed=1),
    ini.HeNormal(seed=1),
    ini.HeUniform(seed=1),
    ini.LecunNormal(seed=1),
    ini.LecunUniform(seed=1),
    ini.Orthogonal(gain=2.0, seed=1),
    ini.Identity(),
    ini.STFT("imag", "hamming", "spectrum", True),
]
for obj in objects:
    spec = ini.serialize(obj)
    again = ini.deserialize(json.loads(json.dumps(spec)))
    assert type(again) is type(obj) and again.get_config() == obj.get_config(), spec
    assert type(ini.get(spec)) is type(obj) and ini.get(obj) is obj
    shape = (24, 1, 17) if isinstance(obj, ini.STFT) else (30, 20)
    np.testing.assert_array_equal(to_numpy(again(shape)), to_numpy(obj(shape)))
for name, cls in lower_to_class.items():
    if name != "constant" or not has_bug("initializers_get_constant"):  # see the caveat below
        assert type(ini.get(name)) is cls, name  # every lower-case name, as a string
print(f"{len(objects)} classes and {len(lower_to_class)} names round-trip")

# %% [markdown]
# ### Two caveats found on the way: `"constant"` by name, and `Identity`'s `gain`
#
# These two bugs matter when you save models or write names: in the pinned Keras (3.15.1),
# `get("constant")` (and so `kernel_initializer="constant"`) raises
# `KeyError: 'value'`: the name builds a config without `value`, and `Constant.from_config`
# requires one. Pass an object, `Constant(0.0)`, instead.
#
# `Identity` has no `get_config` of its own, so its configuration is
# `{}` and `gain` is lost: `deserialize(serialize(Identity(gain=3)))` draws the plain identity. A
# saved model still reloads its *weights* correctly (they are stored separately), but anything
# rebuilt from the configuration, such as `keras.models.clone_model` or `from_config`, starts with
# gain 1. If you need a scaled identity that survives, use `Constant(gain * np.eye(n))`. Each bug
# is asserted only on the Keras versions known to have it (`helpers.known_bugs`); on any other Keras
# the cell asserts the documented behaviour, and fails with a message if the bug is still there.

# %%
def constant_by_name_raises():
    expect_error(KeyError, lambda: ini.get("constant"))
    expect_error(KeyError, lambda: keras.layers.Dense(2, kernel_initializer="constant"))


def constant_by_name_is_zeros():  # the documented default: Constant(value=0.0)
    np.testing.assert_array_equal(to_numpy(ini.get("constant")((2, 2))), np.zeros((2, 2)))


if assert_known_bug("initializers_get_constant", bug=constant_by_name_raises, documented=constant_by_name_is_zeros):
    print(f"Keras {keras.__version__}: get('constant') raises KeyError 'value'")
np.testing.assert_array_equal(to_numpy(ini.Constant(0.0)((3, 2))), np.zeros((3, 2)))  # an object works

scaled_identity = ini.Identity(gain=3.0)
round_trip = to_numpy(ini.deserialize(ini.serialize(scaled_identity))((3, 3)))
np.testing.assert_array_equal(to_numpy(scaled_identity((3, 3))), 3 * np.eye(3))  # the original has its gain
if assert_known_bug(
    "identity_gain_config",
    bug=lambda: np.testing.assert_array_equal(round_trip, np.eye(3)),  # the gain of 3 is gone
    documented=lambda: np.testing.assert_array_equal(round_trip, 3 * np.eye(3)),
):
    print(f"Keras {keras.__version__}: Identity(gain=3) round-trips to Identity(gain=1); config",
          scaled_identity.get_config())
kept = ini.deserialize(ini.serialize(ini.Constant(3.0 * np.eye(3, dtype="float32"))))
np.testing.assert_array_equal(to_numpy(kept((3, 3))), 3 * np.eye(3))  # the workaround keeps it

# %% [markdown]
# ### Keras 2 → 3, proved
#
# Code written for Keras 2, and older tutorials, assume things that are not true of Keras 3:
#
# - **Initializers return backend tensors, not NumPy arrays.** Older tutorials call
#   `initializer(shape).flatten()`: on TensorFlow the result is a tensor without `.flatten()`, so
#   it fails there (JAX and PyTorch tensors happen to have one). Convert first:
#   `keras.ops.convert_to_numpy(...)` (`to_numpy` here).
# - **A common snippet** imports `Identity` and then calls `IdentityInitializer()`, a `NameError`.
#   Both names exist in Keras 3 and are the same class (proved in How).
# - **`from tensorflow.keras.initializers import ...`** becomes `keras.initializers`, the same on
#   every backend.
# - **Repeated calls**: early `tf.keras` 2 releases drew new values at every call of an unseeded
#   initializer; later 2.x releases already returned identical values and warned that the unseeded
#   object was "being called multiple times". Keras 3 keeps the repetition: one object repeats
#   itself (proved above), so give each layer its own.

# %%
tensor = ini.RandomNormal(seed=0)((30, 20))
assert hasattr(tensor, "flatten") == (BACKEND != "tensorflow")
if BACKEND == "tensorflow":
    expect_error(AttributeError, lambda: tensor.flatten())
flat = to_numpy(tensor).flatten()  # works everywhere
assert isinstance(flat, np.ndarray) and flat.shape == (600,)
print(f"{BACKEND}: initializer output is {type(tensor).__module__}.{type(tensor).__name__}")

# %% [markdown]
# ### A custom initializer inside a saved model
#
# This proves that Example 2's `UnitNorm` travels inside a `.keras` file: the loaded model has a
# `UnitNorm` with the same configuration and the same kernel, thanks to `get_config` and the
# registration decorator.

# %%
model = keras.Sequential(
    [keras.Input((30,)), keras.layers.Dense(20, kernel_initializer=unit_norm, name="dense")]
)
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "unit_norm.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
loaded_init = loaded.get_layer("dense").kernel_initializer
assert isinstance(loaded_init, UnitNorm) and loaded_init.get_config() == {"norm": 3.0, "seed": 5}
np.testing.assert_array_equal(
    loaded.get_layer("dense").get_weights()[0], model.get_layer("dense").get_weights()[0]
)

# %% [markdown]
# ### The 20-layer experiment, recomputed in NumPy
#
# This proves that the Application's curves are what the stacks compute: NumPy recomputes the
# He + ReLU stack from the layers' own weights (whose law is He's, variance 2/256), and
# RandomNormal(0.01) + ReLU shrinks by the predicted factor √(256·0.01²/2) per layer, within
# `rtol=0.05` on average over the 19 steps (the geometric mean) and within `rtol=0.2` at each single
# step, whose one random W makes it vary by several percent. (Measured on the root mean square,
# which is what the Why section's formula tracks.)

# %%
he_kernels = stacks["He normal + ReLU"]
check_moments(he_kernels, 0.0, math.sqrt(2 / width), bound=2 * math.sqrt(2 / width) / TRUNC_STD,
              allowed_outside=ALLOWED_OUTSIDE)  # every layer's kernel: He's law for fans (256, 256)
h = inputs.astype("float64")
numpy_stds = []
for kernel in he_kernels:
    h = np.maximum(h @ kernel, 0.0)
    numpy_stds.append(h.std())
np.testing.assert_allclose(stds["He normal + ReLU"], numpy_stds, rtol=1e-3)

h, rms = inputs.astype("float64"), []
for kernel in stacks["RandomNormal(0.01) + ReLU"]:
    h = np.maximum(h @ kernel, 0.0)
    rms.append(np.sqrt(np.mean(h**2)))
per_layer_factor = np.array(rms[1:]) / np.array(rms[:-1])
predicted_factor = math.sqrt(width * 0.01**2 / 2)
geometric_mean = (rms[-1] / rms[0]) ** (1 / (depth - 1))
np.testing.assert_allclose(per_layer_factor, predicted_factor, rtol=0.2)  # each layer: its own random W
np.testing.assert_allclose(geometric_mean, predicted_factor, rtol=0.05)  # 19 layers averaged
print(
    f"RandomNormal(0.01)+ReLU: measured factor per layer {geometric_mean:.4f} (geometric mean), "
    f"predicted {predicted_factor:.4f}; layer 20 std {stds['RandomNormal(0.01) + ReLU'][-1]:.2e}"
)

# %% [markdown]
# ### Twenty kernels in one draw: `input_axes` and `output_axes`
#
# This shows how to draw all 20 kernels with one call, and why two arguments of the
# `VarianceScaling` family are then needed: Keras reads a (20, n, n) shape as a convolution
# kernel with a receptive field of 20, so every weight comes out √20 times too small, unless
# `input_axes=[1], output_axes=[2]` say which axes hold the fans.

# %%
n_fan = 128  # 20 kernels of 128×128 here, to keep the sample small
he_bound = 2 * math.sqrt(2 / n_fan) / TRUNC_STD
one_draw = to_numpy(ini.HeNormal(seed=100, input_axes=[1], output_axes=[2])((depth, n_fan, n_fan)))
check_moments(one_draw, 0.0, math.sqrt(2 / n_fan), bound=he_bound, allowed_outside=ALLOWED_OUTSIDE)
as_conv = to_numpy(ini.HeNormal(seed=100)((depth, n_fan, n_fan)))  # fan-in read as 20·128
check_moments(as_conv, 0.0, math.sqrt(2 / (depth * n_fan)), bound=he_bound / math.sqrt(depth),
              allowed_outside=ALLOWED_OUTSIDE)
print(f"std with the fan axes {one_draw.std():.4f}, read as a conv kernel {as_conv.std():.4f} (ratio √20)")

# %% [markdown]
# ### The default, `GlorotUniform`, under ReLU: 1/√2 per layer
#
# This measures the Cons section's warning that the default is not right for ReLU. On these square
# layers Glorot gives Var(w) = 2/(256 + 256) = 1/256, so a layer keeps the energy
# of its input, and ReLU then removes half of it: the root mean square shrinks by 1/√2 at every
# layer, to about 10⁻³ of the input's after 20 layers. Measured on a stack drawn like the others
# (fails if Glorot + ReLU lost only "a little" per layer).

# %%
glorot_kernels = [to_numpy(ini.GlorotUniform(seed=500 + i)((width, width))) for i in range(depth)]
h, glorot_rms = inputs.astype("float64"), []
for kernel in glorot_kernels:
    h = np.maximum(h @ kernel, 0.0)
    glorot_rms.append(np.sqrt(np.mean(h**2)))
glorot_factor = (glorot_rms[-1] / glorot_rms[0]) ** (1 / (depth - 1))
np.testing.assert_allclose(glorot_factor, 1 / math.sqrt(2), rtol=0.06)  # the draw varies by backend: 0.68-0.71
assert 3e-4 < glorot_rms[-1] < 3e-3, glorot_rms[-1]  # about 10⁻³ after 20 layers (inputs: RMS 1)
print(f"GlorotUniform + ReLU: factor per layer {glorot_factor:.3f} (1/√2 = {1 / math.sqrt(2):.3f}); "
      f"layer 20 RMS {glorot_rms[-1]:.1e}")

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
# # 12 · Regularization layers
#
# Regularization layers make a network harder to overfit. Seven of them inject **noise during
# training only** (`Dropout`, `SpatialDropout1D`, `SpatialDropout2D`, `SpatialDropout3D`,
# `GaussianDropout`, `GaussianNoise`, `AlphaDropout`) and are the identity at inference; one
# (`ActivityRegularization`) passes its input through unchanged and adds a **penalty on the
# activations** to the loss. The core path shows what each layer does, which entries a mask drops
# together, and a small overfitting problem tamed by dropout; the deep dive proves every noise
# formula statistically.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/notebooks/12_regularization_layers.ipynb)

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
# style, the course's two proof utilities and its self-check exercises.

# %%
import keras
import matplotlib.pyplot as plt
import numpy as np

from helpers import plots
from helpers.fullbatch import train_full_batch
from helpers.nbtools import expect_error, to_numpy
from helpers.selfcheck import exercise

plots.use_course_style()
rng = np.random.default_rng(0)  # every synthetic tensor below comes from this generator


def figure(nrows=1, ncols=1, **kwargs):
    """A matplotlib figure detached from pyplot (closed), for plots.show to display once."""
    fig, axes = plt.subplots(nrows, ncols, **kwargs)
    plt.close(fig)
    return fig, axes


# %% [markdown]
# ## What
#
# In training mode, `Dropout(rate)` zeroes each entry with probability `rate` and multiplies the
# survivors by $1/(1-\text{rate})$, so that the **expected** output equals the input. In inference
# mode (`predict`, `evaluate`, or any call without `training=True`) it returns its input untouched.
# The other noise layers follow the same pattern with other noise.

# %%
dropout = keras.layers.Dropout(0.5, seed=1)
ones = np.ones((2, 8), "float32")
trained = to_numpy(dropout(ones, training=True))
print("training=True :\n", trained)
print("training=False:\n", to_numpy(dropout(ones, training=False)))
assert set(np.unique(trained)) <= {0.0, 2.0}  # dropped, or scaled by 1 / (1 - 0.5)

# %% [markdown]
# ## Where
#
# - **In the API**: `keras.layers.Dropout`, `SpatialDropout1D`, `SpatialDropout2D`,
#   `SpatialDropout3D`, `GaussianDropout`, `GaussianNoise`, `AlphaDropout` and
#   `ActivityRegularization`.
# - **In a model**: after a hidden layer's activation (`Dropout`), after a convolution
#   (`SpatialDropout*`), right after the input (`GaussianNoise` as data augmentation), in a SELU
#   network (`AlphaDropout`), after a layer whose activations should be small or sparse
#   (`ActivityRegularization`).
# - **In the weights**: nowhere. None of them has a weight, trainable or not (a `Dense` layer, for
#   contrast, learns a kernel and a bias); the randomness comes from a random-number generator, and
#   `ActivityRegularization`'s penalty lands in `layer.losses` / `model.losses`.

# %%
regularizers_here = [
    keras.layers.Dropout(0.3), keras.layers.SpatialDropout1D(0.3), keras.layers.SpatialDropout2D(0.3),
    keras.layers.SpatialDropout3D(0.3), keras.layers.GaussianDropout(0.3), keras.layers.GaussianNoise(0.3),
    keras.layers.AlphaDropout(0.3), keras.layers.ActivityRegularization(l1=0.01),
]
for layer in regularizers_here:
    assert layer.weights == [] and layer.trainable_weights == [] and layer.count_params() == 0
dense = keras.layers.Dense(3)
dense.build((None, 4))
assert len(dense.trainable_weights) == 2  # for contrast: kernel and bias
print("no weights in any of:", ", ".join(type(layer).__name__ for layer in regularizers_here))


def positive_input(layer):
    """A batch of positive values of the rank `layer` expects (3D, 4D, 5D for the spatial ones)."""
    rank = {"SpatialDropout1D": 3, "SpatialDropout2D": 4, "SpatialDropout3D": 5}.get(type(layer).__name__, 2)
    return rng.uniform(1.0, 2.0, size=(8,) + (6,) * (rank - 1)).astype("float32")


def noise_in_training_only(layer):
    """True if two training-mode calls differ from the input and each other, and inference returns it."""
    x = positive_input(layer)
    first, second = to_numpy(layer(x, training=True)), to_numpy(layer(x, training=True))
    identity_at_inference = np.array_equal(to_numpy(layer(x)), x)
    return not np.allclose(first, x) and not np.allclose(first, second) and identity_at_inference


noise_layers = [type(layer).__name__ for layer in regularizers_here if noise_in_training_only(layer)]
assert len(noise_layers) == 7 and "ActivityRegularization" not in noise_layers, noise_layers
print(len(noise_layers), "noise layers (random in training, identity at inference):", ", ".join(noise_layers))

# %% [markdown]
# ## Why
#
# A large network can memorize its training set. Noise makes memorizing harder: with dropout, no unit
# can rely on one particular other unit being present, so the network learns redundant, more general
# features (and in effect trains an ensemble of thinned networks that share weights). Additive or
# multiplicative Gaussian noise does the same with a smooth perturbation, and an activity penalty
# pushes the network towards small or sparse internal codes. All of it costs nothing at inference.

# %% [markdown]
# ## When
#
# | Situation | Layer |
# |---|---|
# | Dense layers of an MLP or a classifier head overfit | `Dropout(0.2–0.5)` |
# | Convolutional feature maps (neighbouring values are correlated, so single-entry dropout does little) | `SpatialDropout1D/2D/3D` |
# | Same mask over a sequence's time steps, or any custom grouping | `Dropout(noise_shape=...)` |
# | A smooth multiplicative noise instead of zeros | `GaussianDropout` |
# | Inputs or embeddings should be robust to small perturbations | `GaussianNoise` |
# | A self-normalizing network (`selu` + `lecun_normal`) | `AlphaDropout` |
# | Sparse or small activations wanted (autoencoder codes) | `ActivityRegularization(l1=..., l2=...)` |

# %% [markdown]
# ## Who
#
# - **Everyone training an MLP or a classifier head**: `Dropout` is the default first remedy for
#   overfitting (it appears in AlexNet, the Transformer and most Keras examples).
# - **Vision and audio models**: spatial dropout in convolutional stacks.
# - **Speech and tabular models**: Gaussian noise on inputs as cheap augmentation.
# - **SELU users** (self-normalizing networks, Klambauer et al. 2017): `AlphaDropout`.
# - **Autoencoder designers**: activity penalties to obtain sparse codes.

# %% [markdown]
# ## How
#
# Each layer in turn: its arguments and one call in training mode. Each of the seven noise layers
# takes a `seed` for reproducible noise; `ActivityRegularization` draws no random numbers and refuses
# a `seed` (both proved in the deep dive).
#
# ### `Dropout`
#
# `Dropout(rate, noise_shape=None, seed=None)`. `noise_shape` sets the shape of the random mask,
# which is broadcast over the input: a `1` in it shares one random draw along that axis, `None`
# takes the input's size.

# %%
sequence = np.ones((1, 5, 4), "float32")  # (batch, time, features)
shared_over_time = keras.layers.Dropout(0.5, noise_shape=(None, 1, None), seed=2)
print(to_numpy(shared_over_time(sequence, training=True))[0])  # each column all 0 or all 2

# %% [markdown]
# ### `SpatialDropout1D`, `SpatialDropout2D`, `SpatialDropout3D`
#
# `SpatialDropout1D(rate)` for `(batch, steps, channels)`, `SpatialDropout2D(rate,
# data_format=None)` for images and `SpatialDropout3D(rate, data_format=None)` for volumes. They
# drop **whole channels** (feature maps) of each sample: every position of a dropped channel is 0.

# %%
feature_maps = np.ones((2, 3, 3, 8), "float32")  # two images, 3x3, 8 channels
spatial = to_numpy(keras.layers.SpatialDropout2D(0.5, seed=3)(feature_maps, training=True))
for sample in range(2):
    print(f"image {sample}: values per channel", [sorted(set(spatial[sample, :, :, c].ravel().tolist())) for c in range(8)])

# %% [markdown]
# ### `GaussianDropout`
#
# `GaussianDropout(rate, seed=None)` multiplies each entry by a random factor drawn from a normal
# distribution with mean 1 and standard deviation $\sqrt{\text{rate}/(1-\text{rate})}$ (the
# standard deviation that matches ordinary dropout's multiplicative noise).

# %%
print(to_numpy(keras.layers.GaussianDropout(0.2, seed=4)(np.ones((1, 6), "float32"), training=True)).round(3))

# %% [markdown]
# ### `GaussianNoise`
#
# `GaussianNoise(stddev, seed=None)` **adds** zero-mean normal noise with standard deviation
# `stddev` (which Keras 3 restricts to the range 0 to 1).

# %%
print(to_numpy(keras.layers.GaussianNoise(0.1, seed=5)(np.zeros((1, 6), "float32"), training=True)).round(3))

# %% [markdown]
# ### `AlphaDropout`
#
# `AlphaDropout(rate, noise_shape=None, seed=None)` is dropout for SELU networks. Setting values to 0
# would shift the mean and variance that SELU networks rely on, so it sets dropped entries to SELU's
# negative saturation value $\alpha' \approx -1.7581$, then applies an affine map $a\,x + b$ whose
# two constants are chosen so that an input with mean 0 and variance 1 keeps them (the deep dive
# gives the formula and proves it).

# %%
alpha_out = to_numpy(keras.layers.AlphaDropout(0.5, seed=6)(np.zeros((1, 6), "float32"), training=True))
print(alpha_out.round(4))  # two values only: a*0 + b (kept) and a*alpha' + b (dropped)

# %% [markdown]
# ### The three noises, pictured
#
# Histograms of 200 000 outputs in training mode against the distribution each formula predicts:
# `GaussianDropout(0.2)` on ones (a normal with mean 1, sd 0.5), `GaussianNoise(0.3)` on zeros (mean
# 0, sd 0.3), and `AlphaDropout(0.3)` on standard normal inputs (a scaled normal plus a spike at the
# dropped value, mean 0 and variance 1 overall).

# %%
N = 200_000
unit_inputs = np.ones((N, 1), "float32")
zero_inputs = np.zeros((N, 1), "float32")
normal_inputs = rng.normal(size=(N, 1)).astype("float32")
gauss_drop = to_numpy(keras.layers.GaussianDropout(0.2, seed=20)(unit_inputs, training=True)).ravel()
gauss_noise = to_numpy(keras.layers.GaussianNoise(0.3, seed=21)(zero_inputs, training=True)).ravel()
alpha_drop = to_numpy(keras.layers.AlphaDropout(0.3, seed=22)(normal_inputs, training=True)).ravel()


def normal_pdf(t, mean, sd):
    return np.exp(-0.5 * ((t - mean) / sd) ** 2) / (sd * np.sqrt(2 * np.pi))


fig, axes = figure(1, 3, figsize=(13, 3.6))
for ax, values, (mean, sd), title in zip(
    axes[:2], (gauss_drop, gauss_noise), ((1.0, 0.5), (0.0, 0.3)),
    ("GaussianDropout(0.2) on ones", "GaussianNoise(0.3) on zeros"), strict=True,
):
    ax.hist(values, bins=100, density=True, alpha=0.6, label="layer output")
    grid = np.linspace(values.min(), values.max(), 300)
    ax.plot(grid, normal_pdf(grid, mean, sd), color="black", label=f"N({mean:g}, {sd:g}²)")
    ax.set(title=title, xlabel="output", ylabel="density")
    ax.legend()
axes[2].hist(alpha_drop, bins=100, density=True, alpha=0.6, label="layer output")
axes[2].plot(np.linspace(-4, 4, 300), normal_pdf(np.linspace(-4, 4, 300), 0, 1), color="black", label="N(0, 1), the input")
axes[2].set(title="AlphaDropout(0.3) on N(0, 1) inputs", xlabel="output", ylabel="density")
axes[2].legend(fontsize=8)
plots.show(fig, "Notice that both Gaussian layers match their predicted normal curves (GaussianDropout(0.2) "
           "spreads with sd 0.5, not 0.2), while AlphaDropout piles its dropped entries into one spike "
           "near -1.06 and narrows the rest.")

# %% [markdown]
# ### `ActivityRegularization`
#
# `ActivityRegularization(l1=0.0, l2=0.0)` returns its input unchanged and adds
# $\big(l_1\sum|x| + l_2\sum x^2\big)/\text{batch size}$ to `layer.losses`, which `fit` adds to the
# loss it minimizes.

# %%
activity = keras.layers.ActivityRegularization(l1=0.1, l2=0.01)
passed = to_numpy(activity(np.array([[1.0, -2.0], [3.0, 0.0]], "float32")))
print("output:", passed.tolist(), "| penalty:", [float(to_numpy(v)) for v in activity.losses])

# %% [markdown]
# ## Pros
#
# - No weights, negligible compute, and **zero cost at inference** (the noise layers are the
#   identity there).
# - Expected output equals the input (dropout's rescaling, Gaussian noise's zero mean), so
#   inference needs no correction.
# - Composable: a rate, a `noise_shape`, or the spatial variants decide exactly what is dropped
#   together.
# - `ActivityRegularization` shapes the internal representation directly.

# %% [markdown]
# ## Cons
#
# - Training is slower to converge and the training loss is noisier; the rate is one more
#   hyperparameter.
# - Training and inference differ; calling a model without `training=True` in a custom loop silently
#   disables the noise.
# - Plain dropout on convolutional maps regularizes little (neighbours carry the same information),
#   hence the spatial variants.
# - `AlphaDropout` only keeps its promise for standardized inputs in SELU networks;
#   `GaussianNoise` caps `stddev` at 1, so scale inputs first.
# - The activity penalty is averaged over the batch but summed over features: its size depends on
#   the layer's width.

# %% [markdown]
# ## Picture
#
# ### The masks: what is dropped together
#
# Eight 12 × 12 feature maps of one sample, all ones, through four layers in training mode (black =
# dropped). `Dropout` drops single pixels; `SpatialDropout2D` whole maps; `Dropout` with
# `noise_shape=(None, 1, None, None)` shares its draw down each column of every map (a mask that
# varies along the width and the channels only); `AlphaDropout` drops single pixels but replaces
# them with a constant instead of 0.

# %%
maps = np.ones((1, 12, 12, 8), "float32")
mask_layers = {
    "Dropout(0.3)": keras.layers.Dropout(0.3, seed=10),
    "SpatialDropout2D(0.3)": keras.layers.SpatialDropout2D(0.3, seed=11),
    "Dropout(0.3, noise_shape=(None, 1, None, None))": keras.layers.Dropout(0.3, noise_shape=(None, 1, None, None), seed=12),
    "AlphaDropout(0.3)": keras.layers.AlphaDropout(0.3, seed=13),
}
fig, axes = figure(4, 8, figsize=(12, 6.6))
for r, (row, (label, layer)) in enumerate(zip(axes, mask_layers.items(), strict=True)):
    out = to_numpy(layer(maps, training=True))[0]
    kept_value = out.max()
    for c, ax in enumerate(row):
        ax.imshow(out[:, :, c] == kept_value, cmap="Greys_r", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        if r == 0:
            ax.set_title(f"channel {c}", fontsize=9)
    row[0].set_ylabel(label.replace(", noise_shape=", ",\nnoise_shape=\n"), fontsize=8, rotation=0,
                      ha="right", va="center", labelpad=8)
fig.suptitle("White = kept (scaled), black = dropped; one sample, 8 channels of 12 × 12")
fig.tight_layout()
plots.show(fig, "Notice that Dropout and AlphaDropout drop scattered single pixels, SpatialDropout2D "
           "blackens whole channels, and the noise_shape row drops whole columns (vertical stripes) of a map.")

# %% [markdown]
# ## Table
#
# Training mode, with *p* = `rate` and *m* a random keep-mask (1 with probability 1 − *p*). At
# inference every noise layer returns its input; `ActivityRegularization` always returns its input
# and adds its penalty on every call. Every noise layer but `AlphaDropout` returns its input on
# average; `AlphaDropout` instead keeps the mean 0 and variance 1 of standardized inputs.
#
# | Layer | Training-mode output | One random draw per | Notes |
# |---|---|---|---|
# | `Dropout(p)` | $m\,x/(1-p)$ | entry, or as `noise_shape` says | |
# | `SpatialDropout1D(p)` | same | (sample, channel), shared over the steps | 3D input |
# | `SpatialDropout2D(p)` | same | (sample, channel), shared over height and width | `data_format` |
# | `SpatialDropout3D(p)` | same | (sample, channel), shared over depth, height, width | `data_format` |
# | `GaussianDropout(p)` | $x\,\varepsilon,\ \varepsilon\sim\mathcal N\big(1, \tfrac{p}{1-p}\big)$ | entry | the variance is p/(1 − p), not p |
# | `GaussianNoise(σ)` | $x + \varepsilon,\ \varepsilon\sim\mathcal N(0, σ^2)$ | entry | 0 ≤ σ ≤ 1 |
# | `AlphaDropout(p)` | $a\,(m x + (1-m)\alpha') + b$ | entry, or as `noise_shape` says | keeps mean 0, variance 1 |
# | `ActivityRegularization(l1, l2)` | $x$; loss $\big(l_1\sum\lvert x\rvert + l_2\sum x^2\big)/B$ | no randomness | penalty in `losses`; B = batch size |

# %% [markdown]
# ## Example
#
# Each layer in the kind of model it is made for.
#
# ### `Dropout` in a classifier head, and where it acts
#
# `fit` runs the model in training mode, so dropout is active; `predict` runs inference, so the
# model is deterministic.

# %%
head = keras.Sequential([keras.Input((20,)), keras.layers.Dense(64, activation="relu"),
                         keras.layers.Dropout(0.5, seed=30), keras.layers.Dense(3)])
batch = rng.normal(size=(4, 20)).astype("float32")
np.testing.assert_array_equal(to_numpy(head.predict(batch, verbose=0)), to_numpy(head.predict(batch, verbose=0)))
assert not np.allclose(to_numpy(head(batch, training=True)), to_numpy(head(batch, training=True)))
print("predict is deterministic; two training-mode calls differ")

# %% [markdown]
# ### `SpatialDropout1D`, `SpatialDropout2D` and `SpatialDropout3D` after convolutions

# %%
conv_models = {
    "1D": keras.Sequential([keras.Input((32, 3)), keras.layers.Conv1D(8, 3), keras.layers.SpatialDropout1D(0.2)]),
    "2D": keras.Sequential([keras.Input((16, 16, 3)), keras.layers.Conv2D(8, 3), keras.layers.SpatialDropout2D(0.2)]),
    "3D": keras.Sequential([keras.Input((8, 8, 8, 1)), keras.layers.Conv3D(4, 3), keras.layers.SpatialDropout3D(0.2)]),
}
for label, model in conv_models.items():
    assert model.output_shape == model.layers[0].output.shape  # shape-preserving
    print(label, "output shape:", model.output_shape)

# %% [markdown]
# ### `GaussianNoise` on the inputs, `GaussianDropout` on hidden units

# %%
noisy = keras.Sequential([keras.Input((10,)), keras.layers.GaussianNoise(0.1, seed=31),
                          keras.layers.Dense(16, activation="relu"), keras.layers.GaussianDropout(0.3, seed=32),
                          keras.layers.Dense(1)])
x10 = rng.normal(size=(5, 10)).astype("float32")
np.testing.assert_array_equal(to_numpy(noisy(x10)), to_numpy(noisy(x10)))  # inference: deterministic
print("training-mode spread of the output:", to_numpy(noisy(np.repeat(x10[:1], 500, 0), training=True)).std().round(4))

# %% [markdown]
# ### `ActivityRegularization` for a sparse code
#
# (`AlphaDropout` in a SELU network is shown in the deep dive.)

# %%
encoder = keras.Sequential([keras.Input((64,)), keras.layers.Dense(32, activation="relu"),
                            keras.layers.ActivityRegularization(l1=1e-3)])
code = encoder(rng.normal(size=(8, 64)).astype("float32"))
assert len(encoder.losses) == 1
print("penalty collected by the model:", float(to_numpy(encoder.losses[0])))

# %% [markdown]
# ## Proof
#
# The proofs that teach: what `Dropout` does to each entry, what `noise_shape` shares, and the exact
# value of the activity penalty. The deep dive proves the rest statistically (the dropped fraction,
# the noise moments, each spatial variant).
#
# ### `Dropout`: zeros or $x/(1-p)$, identity at inference
#
# With *p* = 0.3 every survivor must equal $x/0.7$ exactly: this fails if Keras skipped the
# rescaling, or scaled by 1 − *p* instead. At inference (a plain call, or `training=False`) the output
# is the input itself.

# %%
p = 0.3
x = rng.uniform(1.0, 2.0, size=(N, 1)).astype("float32")  # positive, so 0 means "dropped"
out = to_numpy(keras.layers.Dropout(p, seed=40)(x, training=True))
kept = out != 0
np.testing.assert_allclose(out[kept], x[kept] / (1 - p), rtol=1e-6)
assert not np.allclose(out[kept], x[kept]) and not np.allclose(out[kept], x[kept] * (1 - p))
print(f"dropped {(~kept).mean():.3f} of the entries (rate {p}); every survivor is x / {1 - p:g}")
for call in (lambda layer: layer(x), lambda layer: layer(x, training=False)):
    np.testing.assert_array_equal(to_numpy(call(keras.layers.Dropout(p, seed=41))), x)
print("inference (default call and training=False) returns the input exactly")

# %% [markdown]
# ### `noise_shape`: one draw shared along the axes where it is 1
#
# With `noise_shape=(None, 1, None)` on `(batch, time, features)`, each (sample, feature) pair is
# either dropped at **every** time step or at none. The default mask (fails the same test) varies
# along time.

# %%
def constant_along(values, axes):
    """True where `values` is constant along `axes` for every other index."""
    return bool(np.all(values.max(axis=axes) == values.min(axis=axes)))


seq = np.ones((64, 10, 8), "float32")
shared = to_numpy(keras.layers.Dropout(0.5, noise_shape=(None, 1, None), seed=42)(seq, training=True))
default = to_numpy(keras.layers.Dropout(0.5, seed=43)(seq, training=True))
assert constant_along(shared, 1) and not constant_along(default, 1)
assert not constant_along(shared, 2)  # still independent across features
print("noise_shape=(None, 1, None): one draw per (sample, feature), the same at all 10 time steps")

# %% [markdown]
# ### `ActivityRegularization`: the loss value, divided by the batch size
#
# The penalty is $\big(l_1\sum|x| + l_2\sum x^2\big)/B$ with $B$ the batch size (Keras 3 divides
# any activity regularizer by it, so the strength does not change with the batch size). A batch of
# four makes the undivided sum four times larger. The output is the input, unchanged, and the
# penalty is computed on every call, in training mode or not.

# %%
l1, l2 = 0.1, 0.01
x = rng.normal(size=(4, 5)).astype("float32")
activity = keras.layers.ActivityRegularization(l1=l1, l2=l2)
for training in (True, False):
    np.testing.assert_array_equal(to_numpy(activity(x, training=training)), x)
    (penalty,) = [float(to_numpy(v)) for v in activity.losses]
    total = l1 * np.abs(x).sum() + l2 * (x**2).sum()
    np.testing.assert_allclose(penalty, total / len(x), rtol=1e-5)
    assert not np.isclose(penalty, total, rtol=1e-2)  # fails if the batch size were ignored
print(f"penalty {penalty:.5f} = sum {total:.5f} / batch size {len(x)}")

# %% [markdown]
# ## Application
#
# ### Taming an overfitting regression with dropout
#
# Twenty noisy samples of $\sin(2\pi t)$ (noise standard deviation 0.3, so variance 0.09) and a
# network far too large for them (three hidden layers of 256 units) trained for 300 full-batch
# steps: without regularization it threads through the noise. The same network with `Dropout(0.3)`
# after each hidden layer is trained identically. Both are scored on 500 fresh points of the true
# curve. The data have their own generator, so this experiment does not depend on the cells above.

# %%
data_rng = np.random.default_rng(1)
t_train = np.sort(data_rng.uniform(0, 1, 20)).reshape(-1, 1).astype("float32")
y_train = (np.sin(2 * np.pi * t_train) + data_rng.normal(0, 0.3, t_train.shape)).astype("float32")
t_test = np.linspace(0, 1, 500, dtype="float32").reshape(-1, 1)
y_test = np.sin(2 * np.pi * t_test)


def regressor(rate):
    keras.utils.set_random_seed(0)
    stack = [keras.Input((1,))]
    for _ in range(3):
        stack.append(keras.layers.Dense(256, activation="relu"))
        if rate:
            stack.append(keras.layers.Dropout(rate, seed=70))
    stack.append(keras.layers.Dense(1))
    model = keras.Sequential(stack)
    model.compile(optimizer=keras.optimizers.Adam(0.005), loss="mse")
    return model


fits, curves = {}, {}
for label, rate in (("no dropout", 0.0), ("Dropout(0.3)", 0.3)):
    model = regressor(rate)
    history = train_full_batch(model, t_train, y_train, 300)  # 300 full-batch steps, loss of each
    curves[label] = to_numpy(model(t_test))  # inference mode: dropout off
    fits[label] = {
        "train": float(np.mean((to_numpy(model(t_train)) - y_train) ** 2)),
        "test": float(np.mean((curves[label] - y_test) ** 2)),
        "history": history,
    }
    print(f"{label:13s} training MSE {fits[label]['train']:.4f}   test MSE {fits[label]['test']:.4f}")

# %%
fig, (ax_fit, ax_loss) = figure(1, 2, figsize=(12, 4))
ax_fit.plot(t_test, y_test, ":", color="black", lw=2, label="true curve sin(2πt)")
ax_fit.scatter(t_train, y_train, color="black", s=18, zorder=3, label="20 training points")
for label, colour, style in (("no dropout", "tab:red", "-"), ("Dropout(0.3)", "tab:blue", "--")):
    ax_fit.plot(t_test, curves[label], color=colour, ls=style, label=f"{label}: test MSE {fits[label]['test']:.3f}")
    ax_loss.semilogy(fits[label]["history"], color=colour, ls=style, label=label)
ax_fit.set(xlabel="t", ylabel="y", title="What each network learned")
ax_loss.set(xlabel="step", ylabel="training loss (training mode, log)", title="Training loss")
ax_fit.legend(fontsize=8)
ax_loss.legend()
plots.show(fig, "Notice that the network without dropout (solid red) bends to reach the noisy training "
           "points and its training loss falls far lower, while the dropout network (dashed blue) keeps "
           "a higher, noisier training loss and draws a smoother curve with the lower test error.")

# %% [markdown]
# The proof in numbers (MSEs computed in NumPy from the predictions): the plain network fits its
# training points far better than the noise allows (well under the noise variance 0.09, so it has
# learned noise) and generalizes worse; with dropout the training error is higher and the test error
# lower.

# %%
plain, regularized = fits["no dropout"], fits["Dropout(0.3)"]
assert plain["train"] < 0.06 and regularized["train"] > plain["train"]
assert regularized["test"] < plain["test"], (regularized["test"], plain["test"])
print(f"test MSE: {plain['test']:.4f} without dropout, {regularized['test']:.4f} with it")

# %% [markdown]
# ## Key terms
#
# - **Dropout**: zeroing random entries in training and rescaling the rest by 1/(1 − *p*)
#   ("inverted dropout"), so inference needs no change.
# - **Rate** *p*: the probability that an entry (or channel) is dropped.
# - **Mask / noise shape**: the random keep-pattern; `noise_shape` sets which axes share one draw.
# - **Spatial dropout**: dropping whole feature maps (channels) of a sample.
# - **Multiplicative / additive Gaussian noise**: multiplying by a normal factor of mean 1, or adding
#   a normal term of mean 0.
# - **Alpha dropout**: dropout to SELU's saturation value plus an affine correction, keeping mean 0
#   and variance 1.
# - **Activity regularization**: a loss on a layer's outputs, averaged over the batch.

# %% [markdown]
# ## Summary
#
# - The noise layers act only with `training=True` (as in `fit`); elsewhere they return their input
#   exactly. None of the eight layers has a weight.
# - `Dropout` keeps entries with probability 1 − *p* and scales them by 1/(1 − *p*); `noise_shape`
#   shares draws along axes; `SpatialDropout1D/2D/3D` drop whole channels.
# - `GaussianDropout(p)` multiplies by a normal of mean 1 and variance *p*/(1 − *p*);
#   `GaussianNoise(σ)` adds a normal of sd σ ≤ 1; `AlphaDropout` keeps standardized inputs at mean
#   0, variance 1.
# - `ActivityRegularization` is the identity plus the loss $(l_1\sum|x| + l_2\sum x^2)/B$, on every
#   call.
# - On a 20-point regression, dropout trades a worse training fit for a better test fit.

# %% [markdown]
# ## Exercises
#
# Each exercise prints its task and how you know you are done; `ex.check(...)` says what is right
# and what is not yet. Uncomment `ex.hint()` or `ex.solution()` only when you want them.
#
# ### Exercise 12.1 · The variance dropout adds
#
# Dropout keeps the mean of its input; it does not keep the spread.

# %%
ex = exercise("12.1")  # prints the task and how you know you are done


def dropout_variance(rate, c):
    ...  # your code here


ex.check(dropout_variance)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 12.2 · Drop whole rows of an image

# %%
ex = exercise("12.2")

noise_shape = None  # your answer here: a tuple of four entries

ex.check(noise_shape)
# ex.hint()
# ex.solution()

# %% [markdown]
# ### Exercise 12.3 · The activity penalty in NumPy

# %%
ex = exercise("12.3")


def activity_penalty(x, l1, l2):
    ...  # your code here


ex.check(activity_penalty)
# ex.hint()
# ex.solution()

# %% [markdown]
# ## Deep dive (optional)
#
# Proofs that are here for trust rather than understanding: the statistics of every noise layer,
# `AlphaDropout` in a SELU network, what `evaluate` reports, reproducible seeds, and what changed
# since Keras 2. Each part opens with what it proves.
#
# ### The tolerance rule for random layers
#
# This states the rule every statistical proof below uses, so that a random layer can be checked
# without a fixed expected number. Every statistical claim is written as **the mean of $n$
# independent terms** (a dropped-or-not indicator, a multiplier, a squared deviation from a known
# mean). Such a sample mean has standard error $\text{SE} = s/\sqrt n$, with $s$ the terms' standard
# deviation, and we require
#
# $$|\text{sample mean} - \text{expected value}| \le 5\,\text{SE}.$$
#
# For a correct layer this fails with probability below one in a million (a normal 5-sigma tail), so
# the check is safe on any backend and any random seed; with $n = 200\,000$ it is still sharp enough
# to reject the plausible wrong formulas, which the proofs name. `within_5_se` applies the rule and
# returns the distance in standard errors; the two self-tests show that it accepts a correct mean
# and rejects one that is off by 0.1.

# %%
def within_5_se(terms, expected, label):
    """Assert that the mean of the i.i.d. `terms` is within 5 standard errors of `expected`."""
    terms = np.asarray(terms, dtype="float64").ravel()
    se = terms.std(ddof=1) / np.sqrt(terms.size)
    z = abs(terms.mean() - expected) / se
    assert z <= 5, f"{label}: mean {terms.mean():.5f}, expected {expected:.5f}, {z:.1f} standard errors away"
    print(f"{label:45s} mean {terms.mean():.5f}  expected {expected:.5f}  ({z:.2f} SE)")
    return z


within_5_se(rng.normal(2.0, 3.0, 10_000), 2.0, "self-test: normal(2, 3) sample")
assert expect_error(AssertionError, lambda: within_5_se(rng.normal(2.1, 3.0, 100_000), 2.0, "self-test"))

# %% [markdown]
# ### `Dropout` and `noise_shape`, statistically
#
# This proves that the fraction dropped really is the rate and that the output's mean is the
# input's, the two promises the core path took on trust. The `noise_shape` mask of the core path
# drops half its (sample, feature) pairs.

# %%
p = 0.3
x = rng.uniform(1.0, 2.0, size=(N, 1)).astype("float32")
out = to_numpy(keras.layers.Dropout(p, seed=44)(x, training=True))
within_5_se(out == 0, p, "Dropout: fraction dropped")
within_5_se(out - x, 0.0, "Dropout: output minus input")
within_5_se(shared[:, 0, :] == 0, 0.5, "noise_shape: fraction of (sample, feature) dropped")

# %% [markdown]
# ### `SpatialDropout1D`, `SpatialDropout2D`, `SpatialDropout3D` drop whole channels
#
# This checks every spatial variant, including `channels_first`, so you can rely on the rule "one
# draw per (sample, channel)" whatever the rank. For each layer: every (sample, channel) map is all
# 0 or all $x/(1-p)$ (so constant over the spatial axes, unlike plain `Dropout`), channels of one
# sample are dropped independently, and the fraction of dropped maps is $p$.

# %%
p = 0.4
cases = {
    "SpatialDropout1D": (keras.layers.SpatialDropout1D(p, seed=50), (400, 6, 16), (1,)),
    "SpatialDropout2D": (keras.layers.SpatialDropout2D(p, seed=51), (400, 5, 5, 16), (1, 2)),
    "SpatialDropout2D channels_first": (
        keras.layers.SpatialDropout2D(p, data_format="channels_first", seed=52), (400, 16, 5, 5), (2, 3)),
    "SpatialDropout3D": (keras.layers.SpatialDropout3D(p, seed=53), (400, 3, 3, 3, 16), (1, 2, 3)),
}
for label, (layer, shape, spatial_axes) in cases.items():
    x = rng.uniform(1.0, 2.0, size=shape).astype("float32")
    out = to_numpy(layer(x, training=True))
    ratio = out / x  # 0 where dropped, 1/(1-p) where kept
    assert np.all(np.isclose(ratio, 0) | np.isclose(ratio, 1 / (1 - p), rtol=1e-6))
    assert constant_along(np.isclose(ratio, 0), spatial_axes)  # whole maps
    channel_dropped = np.isclose(ratio, 0).min(axis=spatial_axes)  # (batch, channels)
    within_5_se(channel_dropped, p, f"{label}: fraction of maps dropped")
    np.testing.assert_array_equal(to_numpy(layer(x)), x)  # identity at inference

plain = to_numpy(keras.layers.Dropout(p, seed=54)(x, training=True))  # x: the last (3D) case
assert not constant_along(plain == 0, spatial_axes)  # plain Dropout fails the whole-map test
print("plain Dropout on the same volumes drops single voxels, not whole maps")

# %% [markdown]
# ### `GaussianDropout`: multiplier with mean 1 and variance $p/(1-p)$
#
# This settles the size of the noise, which a common reading gets wrong. With $p = 0.2$ the variance
# must be $0.2/0.8 = 0.25$ (standard deviation 0.5). A common reading, "Gaussian(1, rate)", would
# give a standard deviation of 0.2 (variance 0.04), and a variance of $p$ would be 0.2: both far
# outside the tolerance with $n = 200\,000$. The variance is checked as the mean of the squared
# deviations from the **known** mean 1, so the same rule applies.

# %%
p = 0.2
x = rng.uniform(1.0, 2.0, size=(N, 1)).astype("float32")
multiplier = to_numpy(keras.layers.GaussianDropout(p, seed=60)(x, training=True)) / x
within_5_se(multiplier, 1.0, "GaussianDropout: multiplier mean")
within_5_se((multiplier - 1) ** 2, p / (1 - p), "GaussianDropout: multiplier variance")
for wrong in (p**2, p):  # sd = rate, and variance = rate
    assert expect_error(AssertionError, lambda wrong=wrong: within_5_se((multiplier - 1) ** 2, wrong, "  wrong"))
np.testing.assert_array_equal(to_numpy(keras.layers.GaussianDropout(p)(x)), x)

# %% [markdown]
# ### `GaussianNoise`: additive, mean 0, variance $\sigma^2$, and $\sigma \le 1$
#
# This proves the noise is added, not multiplied, and checks the Keras 3 limit on `stddev`. The
# noise is independent of $x$: its spread is the same for small and large inputs, which a
# multiplicative noise would fail, with mean 0 and variance $\sigma^2 = 0.09$.

# %%
sigma = 0.3
x = np.concatenate([np.full((N // 2, 1), 0.1), np.full((N // 2, 1), 10.0)]).astype("float32")
noise = to_numpy(keras.layers.GaussianNoise(sigma, seed=61)(x, training=True)) - x
within_5_se(noise, 0.0, "GaussianNoise: mean")
within_5_se(noise[: N // 2] ** 2, sigma**2, "GaussianNoise: variance where x = 0.1")
within_5_se(noise[N // 2:] ** 2, sigma**2, "GaussianNoise: variance where x = 10")
np.testing.assert_array_equal(to_numpy(keras.layers.GaussianNoise(sigma)(x)), x)
error = expect_error(ValueError, lambda: keras.layers.GaussianNoise(2.0))
print("stddev=2.0:", error)

# %% [markdown]
# ### `AlphaDropout`: the exact affine map, then mean 0 and variance 1
#
# This gives the two constants of `AlphaDropout` and proves them, for readers who want to know how
# the mean and variance are kept. With SELU's constants $\lambda$ and $\alpha$, dropped entries are
# set to $\alpha' = -\lambda\alpha$ and then
#
# $$a = \big((1-p)(1 + p\,\alpha'^2)\big)^{-1/2},\qquad b = -a\,\alpha'\,p .$$
#
# First exactly: every output equals $a\,x + b$ (kept) or $a\,\alpha' + b$ (dropped), computed here
# in NumPy. Then statistically on standard normal inputs: the fraction at the dropped value is $p$,
# the mean is 0 and the variance is 1 (fails without the affine correction: the plain mix of $x$ and
# $\alpha'$ has mean $p\alpha' \approx -0.53$).

# %%
p = 0.3
alpha_prime = -1.6732632423543772 * 1.0507009873554805
a = ((1 - p) * (1 + p * alpha_prime**2)) ** -0.5
b = -a * alpha_prime * p
x = rng.normal(size=(N, 1)).astype("float32")
out = to_numpy(keras.layers.AlphaDropout(p, seed=62)(x, training=True))
dropped = np.isclose(out, a * alpha_prime + b, atol=1e-6)
np.testing.assert_allclose(out[~dropped], a * x[~dropped] + b, rtol=1e-5, atol=1e-6)
within_5_se(dropped, p, "AlphaDropout: fraction dropped")
within_5_se(out, 0.0, "AlphaDropout: mean")
within_5_se(out**2, 1.0, "AlphaDropout: variance (mean 0 known)")
uncorrected = np.where(dropped, alpha_prime, x)
assert expect_error(AssertionError, lambda: within_5_se(uncorrected, 0.0, "  without a, b"))
np.testing.assert_array_equal(to_numpy(keras.layers.AlphaDropout(p)(x)), x)

# %% [markdown]
# ### `AlphaDropout` in a self-normalizing (SELU) network
#
# This shows why `AlphaDropout` exists. SELU with `lecun_normal` weights keeps activations near mean
# 0 and variance 1 through depth; `AlphaDropout` keeps that property in training mode, where ordinary
# `Dropout` breaks it (its zeros and rescaling inflate the variance).

# %%
def selu_stack(dropout_layer, depth=8, width=256):
    keras.utils.set_random_seed(3)
    stack = [keras.Input((width,))]
    for _ in range(depth):
        stack += [keras.layers.Dense(width, activation="selu", kernel_initializer="lecun_normal"), dropout_layer()]
    return keras.Sequential(stack)


selu_inputs = rng.normal(size=(512, 256)).astype("float32")
for label, layer in {"AlphaDropout": keras.layers.AlphaDropout, "Dropout": keras.layers.Dropout}.items():
    out = to_numpy(selu_stack(lambda layer=layer: layer(0.2))(selu_inputs, training=True))
    print(f"{label:12s} after 8 SELU layers: mean {out.mean():+.3f}, variance {out.var():.3f}")
    if label == "AlphaDropout":
        assert abs(out.mean()) < 0.15 and 0.8 < out.var() < 1.2
    else:
        assert out.var() > 1.2

# %% [markdown]
# ### `evaluate` reports the activity penalty with the loss
#
# This proves that the penalty really reaches the loss that training minimizes: the loss `evaluate`
# reports for a model holding the layer is the data loss plus the penalty of the evaluated batch
# (with the core path's `l1` and `l2`).

# %%
x = rng.normal(size=(4, 5)).astype("float32")
total = l1 * np.abs(x).sum() + l2 * (x**2).sum()
probe = keras.Sequential([keras.Input((5,)), keras.layers.ActivityRegularization(l1=l1, l2=l2)])
probe.compile(loss="mse")
targets = np.zeros((4, 5), "float32")
reported = probe.evaluate(x, targets, batch_size=4, verbose=0)
np.testing.assert_allclose(reported, (x**2).mean() + total / 4, rtol=1e-5)
print(f"evaluate: {reported:.5f} = mse {(x**2).mean():.5f} + penalty {total / 4:.5f}")

# %% [markdown]
# ### Seeds make the noise reproducible
#
# This proves what the `seed` argument promises, which matters when you want a run to repeat
# exactly. Two layers built with the same `seed` draw the same masks; a layer's successive calls
# draw new ones. All seven noise layers accept `seed`; `ActivityRegularization` has no randomness and
# refuses the keyword.

# %%
x = np.ones((3, 10), "float32")
first, twin = keras.layers.Dropout(0.5, seed=7), keras.layers.Dropout(0.5, seed=7)
call_1 = to_numpy(first(x, training=True))
np.testing.assert_array_equal(call_1, to_numpy(twin(x, training=True)))
assert not np.array_equal(call_1, to_numpy(first(x, training=True)))
print("same seed, same first mask; next call, new mask")
for name in noise_layers:
    seeded = getattr(keras.layers, name)(0.3, seed=8)
    twin = getattr(keras.layers, name)(0.3, seed=8)
    x = positive_input(seeded)
    np.testing.assert_array_equal(to_numpy(seeded(x, training=True)), to_numpy(twin(x, training=True)))
refused = expect_error(ValueError, lambda: keras.layers.ActivityRegularization(l1=0.1, seed=8))
assert "seed" in str(refused)
print("seed= reproduces all seven noise layers; ActivityRegularization:", refused)

# %% [markdown]
# ### Keras 2 → 3 and common mistakes, proved
#
# This collects the claims you may meet in older tutorials or Keras 2 code, each proved wrong for
# Keras 3.
#
# - **Dropout is often written as "$x\cdot\text{mask}$".** That is only half of it: Keras divides
#   the survivors by $1-p$ (proved in the core path).
# - **A common claim gives `GaussianDropout` a standard deviation of `rate`.** It is
#   $\sqrt{p/(1-p)}$ (proved above).
# - **`AlphaDropout` has no `alpha` argument.** $\alpha'$ is SELU's constant, fixed; an `alpha=`
#   keyword is refused.
# - **`GaussianNoise(stddev)` is limited to $[0, 1]$ in Keras 3**, which Keras 2 did not check
#   (proved above).
# - **`SpatialDropout*` take only `rate`, `seed`, `name`, `dtype` (and `data_format`)**: a
#   `noise_shape` or other layer keyword is refused.

# %%
assert "alpha" not in keras.layers.AlphaDropout(0.1).get_config()
expect_error(ValueError, lambda: keras.layers.AlphaDropout(0.1, alpha=1.0))
expect_error(TypeError, lambda: keras.layers.SpatialDropout1D(0.1, noise_shape=(None, 1, None)))
print(sorted(keras.layers.AlphaDropout(0.1).get_config()))

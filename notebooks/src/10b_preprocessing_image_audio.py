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
# # 10b · Preprocessing layers: images, audio, and where preprocessing runs
#
# Images arrive in every size with pixels in 0–255; audio arrives as a long waveform. This part
# covers the layers that make them model-ready: `Resizing`, `Rescaling` and `CenterCrop` for
# images, `STFTSpectrogram` and `MelSpectrogram` for audio, and `Pipeline`, which chains them so
# they run inside the model or in a `tf.data` input pipeline on any backend. Part 10a covers text
# and tabular features, part 10c augmentation.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/notebooks/10b_preprocessing_image_audio.ipynb)

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
# The tools used all along: Keras, NumPy for the independent checks, matplotlib in the course
# style, scikit-learn's bundled sample image, and the two course utilities. TensorFlow is imported
# only for `tf.data`, the input-pipeline library that Keras accepts on every backend.

# %%
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf  # only for tf.data input pipelines
from sklearn.datasets import load_sample_image

from helpers import plots
from helpers.nbtools import expect_error, to_numpy
from helpers.selfcheck import exercise

plots.use_course_style()
layers = keras.layers
BACKEND = keras.backend.backend()
rng = np.random.default_rng(0)  # every synthetic array below comes from this generator

china = load_sample_image("china.jpg").astype("float32")  # 427 × 640 × 3, values 0..255
photo = china[:416, :640].reshape(52, 8, 80, 8, 3).mean(axis=(1, 3))  # 8×8 block means: 52 × 80
print(ENV, "| photo:", photo.shape, photo.min(), photo.max())

# %% [markdown]
# ## What
#
# - **`Resizing(height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
#   pad_to_aspect_ratio=False)`** resamples images to a fixed size.
# - **`Rescaling(scale, offset=0.0)`** computes `x * scale + offset` (e.g. 0–255 → 0–1 or −1–1).
# - **`CenterCrop(height, width)`** keeps the central window.
# - **`STFTSpectrogram`** turns a waveform into a short-time Fourier transform (magnitude, log,
#   power, phase...), computed as a 1-D convolution with Fourier kernels.
# - **`MelSpectrogram`** turns a waveform into a mel-scaled power spectrogram in decibels, the
#   standard input of speech and audio models.
# - **`Pipeline([...])`** applies a list of layers in order, like `Sequential`, but stays a plain
#   layer that can run inside `tf.data` on any backend.
#
# None of them has a trainable weight by default (`STFTSpectrogram`'s Fourier kernels can be made
# trainable). The cell proves both the shapes and the `Rescaling` formula on the photo.

# %%
resized = to_numpy(layers.Resizing(26, 40)(photo))
rescaled = to_numpy(layers.Rescaling(1 / 127.5, offset=-1.0)(photo))
cropped = to_numpy(layers.CenterCrop(32, 32)(photo))
assert resized.shape == (26, 40, 3) and cropped.shape == (32, 32, 3)
np.testing.assert_allclose(rescaled, photo / 127.5 - 1.0, rtol=1e-6, atol=1e-6)
assert rescaled.min() >= -1 and rescaled.max() <= 1
print("resized", resized.shape, "| rescaled range", rescaled.min().round(3), rescaled.max().round(3), "| cropped", cropped.shape)

# %% [markdown]
# ## Where
#
# - **In the API**: `keras.layers.Resizing`, `Rescaling`, `CenterCrop`, `STFTSpectrogram`,
#   `MelSpectrogram`, `Pipeline`.
# - **In the model** (first layers after `keras.Input`): the model accepts raw images or raw
#   audio, and the preprocessing runs on the same device as the model, in every `predict`.
# - **In a `tf.data` pipeline** (`dataset.map(layer)`): the preprocessing runs on the CPU, in
#   parallel with training, and is *not* part of the saved model. Keras's preprocessing layers
#   notice they are inside `tf.data` and switch to TensorFlow ops there, whatever the backend, so
#   the same layer works in both places. (`Sequential` does not do that switch; `Pipeline` does.)
#
# The cell proves the switch: the same `Rescaling` object returns a tensor of the active backend
# when called directly and a TensorFlow tensor inside `tf.data`, with the same values.

# %%
rescale = layers.Rescaling(1 / 255)
direct = rescale(photo[None])
in_pipeline = next(iter(tf.data.Dataset.from_tensors(photo[None]).map(rescale)))
assert isinstance(in_pipeline, tf.Tensor)
np.testing.assert_allclose(to_numpy(direct), in_pipeline.numpy(), rtol=1e-6)
print("direct:", type(direct).__name__, "| inside tf.data:", type(in_pipeline).__name__)

# %% [markdown]
# ## Why
#
# - Networks need **fixed-size** inputs in a **known range**; cameras and microphones do not
#   provide them.
# - Putting the steps in layers keeps training and serving identical, and they run batched on the
#   accelerator.
# - Spectrograms turn audio into images, so the convolutional toolbox applies; the mel scale
#   spends resolution where human hearing does.
#
# ## When
#
# - `Resizing` when images come in different sizes; `crop_to_aspect_ratio=True` when distortion
#   matters more than the lost border (faces, digits); `CenterCrop` when the subject is central.
# - `Rescaling(1/255)` for 0–1 inputs; `Rescaling(1/127.5, offset=-1)` for models trained on −1–1.
# - `STFTSpectrogram` when you want control over the frames (or trainable Fourier kernels);
#   `MelSpectrogram` for speech, keyword spotting, music tagging.
# - Preprocessing **in the model** for deployment convenience; **in `tf.data`** for throughput
#   when the CPU can prepare the next batch while the accelerator trains.
#
# ## Who
#
# Computer-vision and audio practitioners; anyone deploying a model that must accept raw photos
# or recordings.

# %% [markdown]
# ## How
#
# ### `Resizing`: interpolation methods, and which backend has which
#
# `"bilinear"` (default), `"nearest"` and `"bicubic"` exist on every backend. `"lanczos3"` and
# `"lanczos5"` exist on TensorFlow and JAX, and `"area"` only on TensorFlow. Resizing follows the
# **half-pixel-centre** convention: output pixel $i$ samples the input at
# $(i + 0.5)\cdot\frac{\text{in}}{\text{out}} - 0.5$. The cell checks which methods the active
# backend accepts (an unknown method raises `ValueError` at call time).

# %%
SUPPORTED = {
    "tensorflow": ["bilinear", "nearest", "bicubic", "lanczos3", "lanczos5", "area"],
    "jax": ["bilinear", "nearest", "bicubic", "lanczos3", "lanczos5"],
    "torch": ["bilinear", "nearest", "bicubic"],
}
for method in ["bilinear", "nearest", "bicubic", "lanczos3", "lanczos5", "area"]:
    resize = layers.Resizing(26, 40, interpolation=method)
    if method in SUPPORTED[BACKEND]:
        assert to_numpy(resize(photo)).shape == (26, 40, 3)
    else:
        expect_error(ValueError, lambda resize=resize: resize(photo))
print(BACKEND, "supports:", SUPPORTED[BACKEND])

# %% [markdown]
# ### `Resizing(crop_to_aspect_ratio=True)` and `pad_to_aspect_ratio=True`
#
# By default a 52 × 80 photo resized to 40 × 40 is squashed. With `crop_to_aspect_ratio=True`
# Keras first cuts the largest central window with the target's aspect ratio (here 52 × 52),
# then resizes; with `pad_to_aspect_ratio=True` it pads with zeros instead (here to 80 × 80).

# %%
squashed = to_numpy(layers.Resizing(40, 40)(photo))
cropped_first = to_numpy(layers.Resizing(40, 40, crop_to_aspect_ratio=True)(photo))
padded_first = to_numpy(layers.Resizing(40, 40, pad_to_aspect_ratio=True)(photo))
print([a.shape for a in (squashed, cropped_first, padded_first)])

# %% [markdown]
# ### `Rescaling` and `CenterCrop`
#
# `Rescaling` accepts a scalar or a per-channel `scale`/`offset`. `CenterCrop(h, w)` keeps rows
# `(H−h)//2 … (H−h)//2 + h − 1` and the same for columns; if the image is smaller than the target,
# it is resized up (aspect ratio preserved by cropping) rather than failing.

# %%
per_channel = layers.Rescaling(scale=[1 / 255, 2 / 255, 1 / 255], offset=[0.0, -1.0, 0.0])
np.testing.assert_allclose(to_numpy(per_channel(photo)), photo * [1 / 255, 2 / 255, 1 / 255] + [0, -1, 0], rtol=1e-5, atol=1e-6)
tiny = to_numpy(layers.CenterCrop(64, 64)(photo))  # larger than the 52 × 80 photo
assert tiny.shape == (64, 64, 3)
central_square = photo[:, (80 - 52) // 2:(80 - 52) // 2 + 52]  # the largest central crop with the target's 1:1 shape
np.testing.assert_allclose(tiny, to_numpy(layers.Resizing(64, 64)(central_square)), rtol=1e-5, atol=1e-3)
assert np.abs(tiny - to_numpy(layers.Resizing(64, 64)(photo))).max() > 10  # fails if it stretched the whole photo
print("per-channel ranges:", to_numpy(per_channel(photo)).min((0, 1)).round(2), to_numpy(per_channel(photo)).max((0, 1)).round(2))

# %% [markdown]
# ### `STFTSpectrogram`: frames × FFT bins, as a convolution
#
# The layer slides a window of `frame_length` samples with hop `frame_step`, multiplies it by a
# window (`"hann"` by default, the *symmetric* one since `periodic=False`), and takes the
# `fft_length`-point DFT, keeping the `fft_length // 2 + 1` non-negative frequencies. With the
# default `scaling="density"` the window is divided by its L2 norm $\sqrt{\sum w^2}$. Input
# `(batch, time, channels)`; output `(batch, frames, channels × bins)`. `mode` picks
# `"magnitude"`, `"log"` (default), `"psd"`, `"real"`, `"imag"`, `"angle"` or `"stft"`.

# %%
RATE = 8000
t = np.arange(RATE) / RATE  # one second
chirp = np.sin(2 * np.pi * (200 * t + 1500 * t**2)).astype("float32")  # 200 Hz → 3200 Hz
stft = layers.STFTSpectrogram(mode="magnitude", frame_length=256, frame_step=128, fft_length=256)
magnitude = to_numpy(stft(chirp[None, :, None]))[0]
frames_expected = 1 + (RATE - 256) // 128  # "valid" padding
assert magnitude.shape == (frames_expected, 256 // 2 + 1)
print("STFT magnitude:", magnitude.shape, "| trainable kernels:", [w.name for w in stft.trainable_weights])

# %% [markdown]
# ### `MelSpectrogram`: power spectrum → mel filter bank → decibels
#
# `MelSpectrogram(fft_length, sequence_stride, sampling_rate, num_mel_bins, min_freq, max_freq,
# power_to_db=True, top_db=80)` takes `(batch, time)` and returns `(batch, num_mel_bins, frames)`
# (note the order: mel bins first). Frames are centred (the signal is padded by half a window), so
# there are $1 + \lfloor T/\text{stride} \rfloor$ of them. The mel scale is HTK's,
# $m(f) = 2595\,\log_{10}(1 + f/700)$; the filters are triangles equally spaced in $m$.

# %%
mel = layers.MelSpectrogram(fft_length=512, sequence_stride=128, sampling_rate=RATE, num_mel_bins=40,
                            min_freq=50.0, max_freq=RATE / 2)
mel_db = to_numpy(mel(chirp[None]))[0]
assert mel_db.shape == (40, 1 + RATE // 128)
print("mel spectrogram:", mel_db.shape, "| dB range:", mel_db.min().round(1), "to", mel_db.max().round(1))

# %% [markdown]
# The chirp three ways. Its frequency rises linearly, from 200 Hz to 3200 Hz over one second: the
# STFT has a linear frequency axis, the mel spectrogram a perceptual one.

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 3.6))
axes[0].plot(t[:800] * 1000, chirp[:800])
axes[0].set(title="waveform (first 100 ms)", xlabel="time (ms)", ylabel="amplitude")
frame_times = (np.arange(magnitude.shape[0]) * 128 + 128) / RATE
image = axes[1].imshow(20 * np.log10(magnitude.T + 1e-6), origin="lower", aspect="auto", cmap="magma",
                       extent=[frame_times[0], frame_times[-1], 0, RATE / 2])
axes[1].plot(t, 200 + 3000 * t, "c--", linewidth=1, label="instantaneous frequency")
axes[1].set(title="STFTSpectrogram (magnitude, dB)", xlabel="time (s)", ylabel="frequency (Hz)", ylim=(0, RATE / 2))
axes[1].legend(loc="upper left", fontsize=8, labelcolor="white", frameon=False)
fig.colorbar(image, ax=axes[1], label="dB")
image = axes[2].imshow(mel_db, origin="lower", aspect="auto", cmap="magma", extent=[0, 1, 0, 40])
axes[2].set(title="MelSpectrogram (40 mel bins, dB)", xlabel="time (s)", ylabel="mel bin")
fig.colorbar(image, ax=axes[2], label="dB")
plt.tight_layout()
plt.close(fig)
loudest_hz = magnitude.argmax(axis=1) * RATE / 256  # the loudest STFT bin of each frame, in Hz
assert np.abs(loudest_hz - (200 + 3000 * frame_times)).max() < 100  # on the instantaneous frequency
mel_peak = mel_db[:, 4:-4].argmax(axis=0)  # the loudest mel bin per frame (edge frames left out)
half = len(mel_peak) // 2
assert mel_peak[half] - mel_peak[0] > mel_peak[-1] - mel_peak[half] > 0  # climbs fast, then slower
plots.show(fig, "Notice that the chirp is a straight line in the STFT, right on the dashed instantaneous "
           "frequency, but a curve in the mel spectrogram that climbs fast at first and flattens towards "
           "the top, because the mel scale compresses high frequencies.")

# %% [markdown]
# ### `Pipeline`: chaining preprocessing layers
#
# `Pipeline([layer, layer, ...])` calls the layers in order. Compared with `Sequential` it is
# **not a `Model`** (no `fit`, no `summary`), and it **keeps `tf.data` tensors as TensorFlow
# tensors**, so it can be mapped over a dataset on any backend. A `Sequential` of the same layers
# works in `tf.data` only on the TensorFlow backend; on JAX or PyTorch it tries to convert the
# symbolic `tf.data` tensors to backend arrays and raises `NotImplementedError`.

# %%
prep_layers = [layers.Resizing(32, 32, crop_to_aspect_ratio=True), layers.Rescaling(1 / 255)]
pipeline = layers.Pipeline(prep_layers)
sequential = keras.Sequential(prep_layers)
assert not isinstance(pipeline, keras.Model) and isinstance(sequential, keras.Model)
images = tf.data.Dataset.from_tensor_slices(np.stack([photo, photo[:, ::-1]])).batch(2)
via_pipeline = next(iter(images.map(pipeline))).numpy()
if BACKEND == "tensorflow":
    np.testing.assert_allclose(next(iter(images.map(sequential))).numpy(), via_pipeline)
else:
    expect_error(NotImplementedError, lambda: images.map(sequential))
print(BACKEND, "| Pipeline in tf.data:", via_pipeline.shape, "| Sequential in tf.data works only on tensorflow")

# %% [markdown]
# ## Pros
#
# - Resizing, rescaling and cropping inside the model make it accept raw images of any size.
# - `STFTSpectrogram` is a convolution, so it is fast, batched, differentiable, and can be
#   fine-tuned (`trainable=True`).
# - `MelSpectrogram` packs the usual audio front end (STFT, mel filters, dB, `top_db` clipping) in
#   one layer that runs on every backend.
# - `Pipeline` lets one preprocessing definition serve both `tf.data` and the model.
#
# ## Cons
#
# - **Interpolation methods differ by backend** (proved above): `area` is TensorFlow-only,
#   `lanczos3/5` are missing on PyTorch. A model saved with `interpolation="area"` loads but fails
#   at call time on JAX/PyTorch.
# - `Resizing` does **not antialias by default** (`antialias=False`): downsizing a fine pattern
#   aliases (proved in the Proof section).
# - Preprocessing in a `tf.data` pipeline is not saved with the model: serving must repeat it.
# - `MelSpectrogram`'s output is `(batch, mels, frames)` while `STFTSpectrogram`'s is
#   `(batch, frames, bins)`: transpose before mixing them.

# %% [markdown]
# ## Picture
#
# ### One photo, every resizing choice
#
# Top row: the 52 × 80 photo, a 40 × 40 resize (squashed), the same with
# `crop_to_aspect_ratio=True`, with `pad_to_aspect_ratio=True`, and `CenterCrop(40, 40)`.
# Bottom row: a 13 × 20 patch upsampled ×4 with each interpolation method this backend supports.

# %%
patch = photo[20:33, 30:50]
fig, axes = plt.subplots(2, 6, figsize=(15, 5.2))
top = [(photo, "original 52×80"), (squashed, "Resizing(40, 40)"), (cropped_first, "crop_to_aspect_ratio"),
       (padded_first, "pad_to_aspect_ratio"), (to_numpy(layers.CenterCrop(40, 40)(photo)), "CenterCrop(40, 40)"),
       (patch, "13×20 patch")]
for ax, (img, title) in zip(axes[0], top, strict=True):
    ax.imshow(np.clip(img, 0, 255).astype("uint8"))
    ax.set_title(title, fontsize=10)
for ax, method in zip(axes[1], ["bilinear", "nearest", "bicubic", "lanczos3", "lanczos5", "area"], strict=True):
    if method in SUPPORTED[BACKEND]:
        up = to_numpy(layers.Resizing(52, 80, interpolation=method)(patch))
        ax.imshow(np.clip(up, 0, 255).astype("uint8"))
        ax.set_title(f"×4 {method}", fontsize=10)
    else:
        ax.text(0.5, 0.5, f"{method}\nnot on {BACKEND}", ha="center", va="center")
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle(f"Resizing, cropping and interpolation ({BACKEND} backend)")
plt.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that Resizing(40, 40) squashes the photo sideways, crop_to_aspect_ratio keeps its "
           "proportions by dropping the left and right edges, pad_to_aspect_ratio keeps the whole photo "
           "between black bands, and nearest upsampling is blocky where bilinear and bicubic are smooth.")

# %% [markdown]
# ## Table
#
# | Layer | Input → output | Key arguments | Rule (proved below) | Backends |
# |---|---|---|---|---|
# | `Resizing` | `(…, H, W, C)` → `(…, h, w, C)` | `interpolation`, `crop_to_aspect_ratio`, `pad_to_aspect_ratio`, `antialias` | half-pixel centres; ×2 bilinear down = 2×2 mean | all; `lanczos*` TF/JAX, `area` TF |
# | `Rescaling` | same shape | `scale`, `offset` (scalars or per channel) | `x * scale + offset` | all |
# | `CenterCrop` | `(…, H, W, C)` → `(…, h, w, C)` | `height`, `width` | rows `(H−h)//2 …` | all |
# | `STFTSpectrogram` | `(batch, T, C)` → `(batch, frames, C·(n/2+1))` | `mode`, `frame_length`, `frame_step`, `fft_length`, `window`, `scaling`, `padding` | \|rfft(x·w)\|/‖w‖₂ per frame | all |
# | `MelSpectrogram` | `(batch, T)` → `(batch, mels, 1 + T//stride)` | `fft_length`, `sequence_stride`, `sampling_rate`, `num_mel_bins`, `min_freq`, `max_freq`, `power_to_db`, `top_db` | HTK mel triangles; dB clipped at max − `top_db` | all |
# | `Pipeline` | whatever the layers do | `layers` | layers applied in order; works in `tf.data` | all |

# %% [markdown]
# ## Example
#
# ### Example 1 · A classifier that accepts raw photos of any size
#
# `Resizing` → `Rescaling` at the front of a small CNN: it is fed raw 0–255 photos of two
# different sizes and returns one probability vector per photo, with no preprocessing outside.

# %%
raw_small = photo[:40, :60]
raw_large = china[:300, :400]
inputs = keras.Input((None, None, 3))
x = layers.Resizing(32, 32, crop_to_aspect_ratio=True)(inputs)
x = layers.Rescaling(1 / 255)(x)
x = layers.Conv2D(4, 3, activation="relu")(x)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(3, activation="softmax")(x)
photo_model = keras.Model(inputs, outputs)
for raw in (raw_small, raw_large):
    probabilities = to_numpy(photo_model(raw[None]))
    assert probabilities.shape == (1, 3) and abs(probabilities.sum() - 1) < 1e-5
print("inputs of shape", raw_small.shape, "and", raw_large.shape, "both accepted")

# %% [markdown]
# ### Example 2 · The same preprocessing in `tf.data` or in the model gives the same tensor
#
# A `Pipeline` mapped over a dataset, then the model without preprocessing; versus the model with
# the same layers inside. The batches entering the convolution are identical.

# %%
batch = np.stack([photo, photo[::-1]])
front = layers.Pipeline([layers.CenterCrop(48, 48), layers.Resizing(24, 24), layers.Rescaling(1 / 255)])
outside = next(iter(tf.data.Dataset.from_tensors(batch).map(front))).numpy()
inside = to_numpy(front(batch))
np.testing.assert_allclose(outside, inside, rtol=1e-5, atol=1e-6)
print("tf.data and in-model preprocessing agree:", outside.shape)

# %% [markdown]
# ### Example 3 · `fit` on a `tf.data` pipeline, on any backend
#
# Keras 3's `fit` accepts a `tf.data.Dataset` on JAX and PyTorch too: the dataset yields
# TensorFlow tensors, Keras converts each batch. Here two classes of synthetic images (bright
# top half vs bright bottom half) are preprocessed by a `Pipeline` in `tf.data`.

# %%
bright_top = rng.uniform(0, 60, size=(64, 40, 40, 3)).astype("float32")
bright_top[:, :20] += 180
samples = np.concatenate([bright_top, bright_top[:, ::-1]])
targets = np.array([0] * 64 + [1] * 64)
prep = layers.Pipeline([layers.Resizing(16, 16), layers.Rescaling(1 / 255)])
train_ds = tf.data.Dataset.from_tensor_slices((samples, targets)).shuffle(128, seed=0).batch(32)
train_ds = train_ds.map(lambda images, y: (prep(images), y))
tiny_cnn = keras.Sequential([keras.Input((16, 16, 3)), layers.Conv2D(4, 3, activation="relu"),
                             layers.Flatten(), layers.Dense(2, activation="softmax")])
tiny_cnn.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = tiny_cnn.fit(train_ds, epochs=8, shuffle=False, verbose=0)  # the dataset shuffles itself
print("final training accuracy:", round(history.history["accuracy"][-1], 3))
assert history.history["accuracy"][-1] > 0.9

# %% [markdown]
# ## Proof
#
# ### `Resizing` bilinear ×2 down = the mean of each 2 × 2 block; nearest ×3 down = the centre pixel
#
# With half-pixel centres, output pixel $i$ of a ×2 reduction samples the input at $2i + 0.5$,
# exactly between two pixels, so bilinear gives their mean in each direction. *Fails if Keras used
# corner-aligned sampling* (`align_corners`, which would sample at $i\cdot(H-1)/(h-1)$). For ×3
# nearest, $3i + 1$ is a pixel centre: the output is `x[1::3, 1::3]`. Proved on random values, on
# every backend.

# %%
grid = rng.uniform(0, 1, size=(12, 18, 2)).astype("float32")
down2 = to_numpy(layers.Resizing(6, 9, interpolation="bilinear")(grid))
np.testing.assert_allclose(down2, grid.reshape(6, 2, 9, 2, 2).mean(axis=(1, 3)), rtol=1e-5, atol=1e-6)
down3 = to_numpy(layers.Resizing(4, 6, interpolation="nearest")(grid))
np.testing.assert_array_equal(down3, grid[1::3, 1::3])
corner_aligned = grid[np.round(np.linspace(0, 11, 6)).astype(int)][:, np.round(np.linspace(0, 17, 9)).astype(int)]
assert not np.allclose(down2, corner_aligned, atol=1e-3)
print("×2 bilinear = 2×2 block mean; ×3 nearest = centre pixel")

# %% [markdown]
# ### No antialiasing by default
#
# A one-pixel checkerboard (0/1) has mean 0.5 everywhere at any coarser scale. Resized ×2 down
# with bilinear, each sample falls between two pixels and the result is 0.5, as it should be. But
# resized ×3 down, each sample falls *on* a pixel centre ($3i+1$), so the default bilinear resize
# just picks pixels: the output is a full-contrast 0/1 checkerboard, `checker[1::3, 1::3]`, a
# pattern of the wrong contrast (aliasing). `antialias=True` filters first and brings every
# interior pixel to within 0.15 of 0.5.

# %%
checker = (np.indices((48, 48)).sum(axis=0) % 2).astype("float32")[..., None]
np.testing.assert_allclose(to_numpy(layers.Resizing(24, 24)(checker)), 0.5, atol=1e-6)
aliased = to_numpy(layers.Resizing(16, 16)(checker))
np.testing.assert_allclose(aliased, checker[1::3, 1::3], atol=1e-6)  # values 0 and 1: full contrast
smooth = to_numpy(layers.Resizing(16, 16, antialias=True)(checker))
assert np.abs(smooth[2:-2, 2:-2] - 0.5).max() < 0.15
print("default ×3 values:", np.unique(aliased.round(3)), "| antialiased interior range:",
      smooth[2:-2, 2:-2].min().round(3), "to", smooth[2:-2, 2:-2].max().round(3))

# %% [markdown]
# ## Application
#
# ### Keyword spotting, in miniature: a mel front end + a small CNN
#
# Two classes of synthetic "words": rising chirps and falling chirps (random start frequencies,
# noise). A `MelSpectrogram` turns each into a 40 × 32 image, and a small CNN learns to tell the
# direction. The spectrograms are computed once, and the model trains on them.

# %%
def sweep(rising, n=4000):
    time = np.arange(n) / RATE
    f0 = rng.uniform(300, 800) if rising else rng.uniform(2300, 2800)
    slope = 2000 if rising else -2000
    return (np.sin(2 * np.pi * (f0 * time + slope / 2 * time**2)) + 0.3 * rng.normal(size=n)).astype("float32")


waves = np.stack([sweep(i % 2 == 0) for i in range(64)])
is_rising = np.array([i % 2 == 0 for i in range(64)], dtype="int32")
front_end = layers.MelSpectrogram(fft_length=256, sequence_stride=128, sampling_rate=RATE, num_mel_bins=40, min_freq=50.0)
spectrograms = to_numpy(front_end(waves))[..., None]
spectrograms = (spectrograms - spectrograms.mean()) / spectrograms.std()
listener = keras.Sequential([keras.Input(spectrograms.shape[1:]), layers.Conv2D(8, 3, activation="relu"),
                             layers.MaxPooling2D(2), layers.Conv2D(8, 3, activation="relu"),
                             layers.GlobalAveragePooling2D(), layers.Dense(2, activation="softmax")])
listener.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
listener.fit(spectrograms[:48], is_rising[:48], epochs=15, batch_size=16, verbose=0)
accuracy = listener.evaluate(spectrograms[48:], is_rising[48:], verbose=0)[1]
print("spectrogram batch:", spectrograms.shape, "| held-out accuracy:", accuracy)
assert accuracy >= 0.9

fig, axes = plt.subplots(1, 2, figsize=(10, 3))
for ax, index, label in [(axes[0], 0, "rising"), (axes[1], 1, "falling")]:
    ax.imshow(spectrograms[index, ..., 0], origin="lower", aspect="auto", cmap="magma")
    ax.set(title=f"a {label} sweep (standardized mel dB)", xlabel="frame", ylabel="mel bin")
plt.tight_layout()
plt.close(fig)
for index, direction in ((0, 1), (1, -1)):  # the loudest mel bin moves up (rising) or down (falling)
    peaks = spectrograms[index, :, 2:-2, 0].argmax(axis=0)
    assert direction * np.corrcoef(np.arange(len(peaks)), peaks)[0, 1] > 0.8
plots.show(fig, "Notice that the rising sweep draws a bright line that climbs to higher mel bins across "
           "the frames and the falling sweep one that descends: the slope is what the small CNN learns to "
           "tell apart.")

# %% [markdown]
# ## Key terms
#
# - **Interpolation**: how a resized image's pixel values are computed from the original's.
# - **Half-pixel centres**: the convention that pixel i covers [i, i + 1) with its centre at i + 0.5.
# - **Aliasing**: fine detail turning into false coarse patterns when downsampling without
#   smoothing; `antialias=True` filters first.
# - **Aspect ratio**: height / width; `crop_to_aspect_ratio` and `pad_to_aspect_ratio` keep it.
# - **STFT**: Fourier transforms of overlapping windowed frames of a signal.
# - **Window (Hann)**: a taper applied to each frame to reduce spectral leakage.
# - **Mel scale**: a perceptual frequency scale, m(f) = 2595 log₁₀(1 + f/700).
# - **dB / `top_db`**: 10 log₁₀ of power; values more than `top_db` below the maximum are clipped.
# - **`tf.data`**: TensorFlow's input-pipeline library; Keras `fit` accepts its datasets on every backend.
# - **`Pipeline`**: a plain layer chaining layers, usable inside `tf.data`.

# %% [markdown]
# ## Summary
#
# - `Resizing(height, width)` uses half-pixel centres; bilinear/nearest/bicubic everywhere,
#   lanczos on TF/JAX, area on TF only; no antialiasing unless asked.
# - `crop_to_aspect_ratio` cuts the central window first; `pad_to_aspect_ratio` pads with zeros.
# - `Rescaling` is `x·scale + offset`; `CenterCrop` starts at `(H−h)//2`.
# - `STFTSpectrogram` = NumPy's framed `rfft` with a symmetric Hann window over its L2 norm.
# - `MelSpectrogram` = power STFT → HTK mel triangles → dB with `top_db` clipping, `(batch, mels, frames)`.
# - Preprocessing can live in the model (saved, served) or in `tf.data` (parallel, not saved);
#   `Pipeline` works in both places on every backend, `Sequential` only in the model (or on TF).

# %% [markdown]
# ## Exercises
#
# Each exercise prints its task; `ex.check(...)` says what is right and what is not yet.
# `ex.hint()` and `ex.solution()` show more when you ask for them.

# %% [markdown]
# ### Exercise 10b.1 · The window `crop_to_aspect_ratio` keeps

# %%
ex = exercise("10b.1")  # prints the task and how you know you are done


def crop_window(height, width, target_height, target_width):
    ...  # your code here


ex.check(crop_window)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 10b.2 · Spectrogram shapes before you run the layer

# %%
ex = exercise("10b.2")  # prints the task and how you know you are done


def spectrogram_shapes(samples, channels, frame_length, frame_step, fft_length, num_mel_bins):
    ...  # your code here


ex.check(spectrogram_shapes)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ## Deep dive (optional)
#
# Proofs for trust rather than understanding: each layer recomputed in NumPy, and what changed
# since Keras 2. Nothing in the exercises needs them.

# %% [markdown]
# ### `Resizing` bilinear ×2.5 up, against a NumPy bilinear interpolation
#
# This reimplements bilinear resizing in NumPy, for readers who must reproduce Keras's pixels
# outside Keras (in a data tool or another framework).
#
# A NumPy implementation of half-pixel bilinear resizing (source coordinate
# $(i+0.5)\cdot s - 0.5$, clamped to the image, linear weights between the two neighbours) matches
# Keras on a random 4 × 6 image resized to 10 × 15.

# %%
def numpy_bilinear(image, out_h, out_w):
    """Half-pixel-centre bilinear resize of an (H, W, C) array."""
    def axis_weights(n_in, n_out):
        src = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
        low = np.floor(src).astype(int)
        high = np.minimum(low + 1, n_in - 1)
        return low, high, src - low
    r0, r1, wr = axis_weights(image.shape[0], out_h)
    c0, c1, wc = axis_weights(image.shape[1], out_w)
    rows = image[r0] * (1 - wr)[:, None, None] + image[r1] * wr[:, None, None]
    return rows[:, c0] * (1 - wc)[None, :, None] + rows[:, c1] * wc[None, :, None]


small = rng.uniform(0, 1, size=(4, 6, 3)).astype("float32")
np.testing.assert_allclose(to_numpy(layers.Resizing(10, 15)(small)), numpy_bilinear(small, 10, 15), rtol=1e-5, atol=1e-5)
print("bilinear upsampling matches the NumPy half-pixel formula")

# %% [markdown]
# ### `crop_to_aspect_ratio=True` = central square crop, then resize
#
# This confirms the How section's description pixel by pixel, and measures the padding.
#
# On the 52 × 80 photo, `Resizing(40, 40, crop_to_aspect_ratio=True)` equals a plain resize of
# columns 14–65 (the central 52 × 52 window). *Fails if the crop were taken from the left edge*.
# With `pad_to_aspect_ratio=True`, 14 rows of zeros appear above and below (80 × 80 before the
# resize, i.e. 7 rows at 40 × 40).

# %%
offset = (80 - 52) // 2
np.testing.assert_allclose(cropped_first, to_numpy(layers.Resizing(40, 40)(photo[:, offset:offset + 52])), rtol=1e-5, atol=1e-3)
assert not np.allclose(cropped_first, to_numpy(layers.Resizing(40, 40)(photo[:, :52])), atol=1.0)
assert np.all(padded_first[:6] == 0) and np.all(padded_first[-6:] == 0) and padded_first[8:32].min(axis=(0, 1)).max() > 0
print("crop offset:", offset, "columns; padded rows of zeros at the top:", int((padded_first.max(axis=(1, 2)) == 0).sum() // 2))

# %% [markdown]
# ### `CenterCrop` keeps rows/columns `(H−h)//2 …`; `Rescaling` is `x·scale + offset`
#
# This settles the rounding of the crop offset, which decides which pixel row is lost.
#
# An odd difference (80 − 39 = 41 columns) tests the rounding: *fails if the offset were rounded
# up* (21 instead of 20).

# %%
crop = to_numpy(layers.CenterCrop(31, 39)(photo))
np.testing.assert_array_equal(crop, photo[(52 - 31) // 2:(52 - 31) // 2 + 31, (80 - 39) // 2:(80 - 39) // 2 + 39])
assert not np.array_equal(crop, photo[11:42, 21:60])
np.testing.assert_allclose(to_numpy(layers.Rescaling(0.5, offset=3.0)(np.array([0.0, 2.0, -4.0]))), [3.0, 4.0, 1.0])
print("CenterCrop offsets:", (52 - 31) // 2, (80 - 39) // 2)

# %% [markdown]
# ### `STFTSpectrogram` = a NumPy STFT
#
# This recomputes the spectrogram in NumPy, for readers who need Keras's exact window, scaling and
# floor to compare with another audio library.
#
# NumPy frames the chirp, applies the symmetric Hann window (`np.hanning`), takes `np.fft.rfft`
# and divides by the window's L2 norm. One detail shows up only by running it: Keras floors the
# power at `keras.config.epsilon()` = 1e-7 before the square root, so no magnitude is below
# √1e-7 ≈ 3.2e-4 (silent bins are not 0). With that floor, Keras matches NumPy on every frame and
# frequency; the `"log"`
# mode is the natural log of the same magnitude, and `"psd"` doubles every bin except DC and
# Nyquist. *Fails if Keras used the periodic window* (`periodic=True`) or the L1 (`"spectrum"`)
# scaling: both alternatives are checked to differ.

# %%
def numpy_stft(signal, frame_length, step, fft_length, window):
    frames = np.stack([signal[i:i + frame_length] for i in range(0, len(signal) - frame_length + 1, step)])
    return np.abs(np.fft.rfft(frames * window, n=fft_length)) / np.sqrt(np.sum(window**2))


hann = np.hanning(256)  # symmetric Hann window
reference = numpy_stft(chirp.astype("float64"), 256, 128, 256, hann)
floor = np.sqrt(keras.config.epsilon())
np.testing.assert_allclose(magnitude, np.maximum(reference, floor), atol=2e-4)
assert magnitude.min() >= floor * (1 - 1e-4) and reference.min() < floor  # the floor is active here
periodic = np.hanning(257)[:-1]
assert np.abs(numpy_stft(chirp.astype("float64"), 256, 128, 256, periodic) - magnitude).max() > 1e-3
assert np.abs(reference * np.sqrt(np.sum(hann**2)) / np.sum(hann) - magnitude).max() > 1e-2
log_mode = to_numpy(layers.STFTSpectrogram(mode="log", frame_length=256, frame_step=128, fft_length=256)(chirp[None, :, None]))[0]
np.testing.assert_allclose(np.exp(log_mode), np.maximum(reference, floor), atol=2e-4)  # log = ln(magnitude)
psd = to_numpy(layers.STFTSpectrogram(mode="psd", frame_length=256, frame_step=128, fft_length=256)(chirp[None, :, None]))[0]
doubled = reference**2 * np.r_[1, 2 * np.ones(127), 1]
np.testing.assert_allclose(psd, doubled, rtol=1e-4, atol=1e-4)
print("max |Keras − NumPy| magnitude:", np.abs(magnitude - np.maximum(reference, floor)).max())

# %% [markdown]
# ### `MelSpectrogram`: a pure tone peaks in the mel bin NumPy predicts, and `top_db` clips at 80 dB
#
# This identifies which mel scale Keras uses (HTK, not Slaney), which matters when you feed the
# layer's output to a model trained with another library's features.
#
# For a 700 Hz tone, the loudest mel bin is the one whose centre (from HTK's formula, the bins
# equally spaced in mel between `min_freq` and `max_freq`) is closest to m(700 Hz). *Fails if Keras
# used Slaney's mel scale* (linear below 1 kHz), whose nearest bin differs here (asserted).
# The dB range of any output is at most `top_db` = 80.

# %%
def hz_to_mel(f):
    return 2595 * np.log10(1 + f / 700)


def slaney_mel(f):
    return np.where(f < 1000, 3 * f / 200, 15 + 27 * np.log(f / 1000) / np.log(6.4))


def nearest_bin(tone_hz, scale):
    centres = np.linspace(scale(np.float64(50.0)), scale(np.float64(RATE / 2)), 42)[1:-1]
    return int(np.argmin(np.abs(centres - scale(np.float64(tone_hz)))))


tone_hz = 700.0
tone = np.sin(2 * np.pi * tone_hz * t).astype("float32")
tone_db = to_numpy(mel(tone[None]))[0]
peak_bin = int(np.argmax(tone_db.mean(axis=1)))
assert peak_bin == nearest_bin(tone_hz, hz_to_mel)
assert nearest_bin(tone_hz, slaney_mel) != peak_bin
for spectrum in (tone_db, mel_db):
    assert spectrum.max() - spectrum.min() <= 80 + 1e-3
print("peak mel bin:", peak_bin, "| Slaney would give:", nearest_bin(tone_hz, slaney_mel))

# %% [markdown]
# ### `Pipeline` = the layers applied in order; it has no weights of its own
#
# This proves the order of application, which you rely on whenever two steps do not commute. The
# pipeline output equals calling the layers one after another, in order. Order matters:
# *fails if the pipeline ran the layers in another order* (rescaling after a crop-and-resize is
# not the same as before, once `Rescaling` has an offset that the zero padding of
# `pad_to_aspect_ratio` does not get).

# %%
steps = [layers.Rescaling(1 / 255, offset=0.5), layers.Resizing(40, 40, pad_to_aspect_ratio=True)]
chain = layers.Pipeline(steps)
by_hand = to_numpy(steps[1](steps[0](photo)))
reversed_order = to_numpy(steps[0](steps[1](photo)))
np.testing.assert_allclose(to_numpy(chain(photo)), by_hand, rtol=1e-6, atol=1e-6)
assert not np.allclose(by_hand, reversed_order, atol=0.1)
assert chain.weights == [] and chain.layers == steps
print("Pipeline of", [type(s).__name__ for s in chain.layers])

# %% [markdown]
# ### Keras 2 → 3 and common claims, proved
#
# This corrects argument names you may meet in older tutorials and Keras 2 code.
#
# - Older tutorials give `Resizing` and `CenterCrop` a `target_size=(width, height)`. Keras 3 takes
#   `height, width` as two positional arguments, **height first**: `Resizing(26, 40)` made a
#   26-row, 40-column image above.
# - In Keras 2 (`tf.keras`) these layers are `tf.keras.layers.*` since TensorFlow 2.6 (before that
#   only `tf.keras.layers.experimental.preprocessing.*`, kept as an alias), TensorFlow only; Keras 3
#   has them in `keras.layers`, running on all backends. `STFTSpectrogram`, `MelSpectrogram` and `Pipeline`
#   are new in Keras 3.

# %%
assert to_numpy(layers.Resizing(26, 40)(photo)).shape[:2] == (26, 40)
error = expect_error(TypeError, lambda: layers.Resizing(target_size=(40, 26)))
print(type(error).__name__, ":", str(error)[:90])


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
# # 10a · Preprocessing layers: text, numeric and categorical features
#
# Raw data is rarely what a network wants: sentences must become integer ids or word counts,
# numbers must be centred or cut into bins, categories must become indices or one-hot vectors.
# **Preprocessing layers** do these steps. Most have no trainable weights but hold *state learned
# from the data* with `adapt()`: a vocabulary, a mean, bin boundaries. This part covers text,
# numbers and categories; part 10b covers images and audio, part 10c augmentation.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/notebooks/10a_preprocessing_text_numeric.ipynb)

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
# Keras, NumPy for the independent checks, matplotlib in the course style, course utilities.

# %%
import re
from collections import Counter

import keras
import matplotlib.pyplot as plt
import numpy as np

from helpers import plots
from helpers.nbtools import expect_error, to_numpy
from helpers.selfcheck import exercise

plots.use_course_style()
layers = keras.layers
BACKEND = keras.backend.backend()
rng = np.random.default_rng(0)  # every synthetic array below comes from this generator
print(ENV)

# %% [markdown]
# ## What
#
# A preprocessing layer turns raw features into numbers a model can learn from, in three steps:
#
# 1. **construct** it with its settings (`max_tokens`, `num_bins`, `output_mode`, ...);
# 2. **`adapt(data)`** once: it stores what it learned (a vocabulary, a mean and variance,
#    quantile boundaries) as *non-trainable state*;
# 3. **call** it like any layer: the same mapping applies to every later input.
#
# On `Normalization`: after `adapt`, the stored mean and variance are NumPy's, and the layer has
# no trainable weight.

# %%
ages_incomes = rng.normal([40.0, 50_000.0], [12.0, 15_000.0], size=(500, 2)).astype("float32")
normalizer = layers.Normalization()
normalizer.adapt(ages_incomes)  # step 2: learn the state from the data
np.testing.assert_allclose(to_numpy(normalizer.mean)[0], ages_incomes.mean(axis=0), rtol=1e-5)
np.testing.assert_allclose(to_numpy(normalizer.variance)[0], ages_incomes.var(axis=0), rtol=1e-4)
assert normalizer.trainable_weights == []  # state, not trainable weights
print("learned mean:", to_numpy(normalizer.mean)[0], " variance:", to_numpy(normalizer.variance)[0])

# %% [markdown]
# ## Where
#
# - **In the API**: `keras.layers.TextVectorization`, `Normalization`, `Discretization`,
#   `CategoryEncoding`, `Hashing`, `HashedCrossing`, `StringLookup`, `IntegerLookup`; and
#   `keras.layers.SpectralNormalization`, which wraps another layer's kernel.
# - **In a pipeline**: as the first layers of the model (which then accepts raw numbers,
#   and raw strings on TensorFlow only), or inside a `tf.data` pipeline that feeds `fit` (part 10b
#   compares the two).
# - **On the backends**: the string layers (`TextVectorization`, `StringLookup`, string `Hashing`,
#   `HashedCrossing`) are built from TensorFlow ops, so TensorFlow must be installed, but they run
#   under any backend and return that backend's tensors. Strings themselves cannot enter a JAX or
#   PyTorch model, so there you vectorize in the `tf.data` pipeline and give the model ids
#   (Example 1; the deep dive shows what fails otherwise).
#
# The cell proves the cross-backend claim: a `TextVectorization` layer returns a tensor of the
# active backend, with the ids NumPy predicts.

# %%
tiny = layers.TextVectorization()
tiny.adapt(["red green", "red"])
ids = tiny(["green red blue"])
expected_type = {"tensorflow": "EagerTensor", "jax": "Array", "torch": "Tensor"}[BACKEND]
assert expected_type in type(ids).__name__, type(ids)  # a tensor of the active backend
assert tiny.get_vocabulary() == ["", "[UNK]", "red", "green"]
np.testing.assert_array_equal(to_numpy(ids), [[3, 2, 1]])  # blue is unknown -> 1
print(BACKEND, type(ids).__name__, to_numpy(ids))

# %% [markdown]
# ## Why
#
# - **One source of truth.** The mapping used in training (vocabulary, mean, bins) is saved with
#   the model, so serving cannot drift from training.
# - **Learned from data, in one line.** `adapt` computes vocabularies, moments and quantiles that
#   would otherwise be a page of NumPy (the NumPy versions below show exactly what they do).
#
# ## When
#
# - Text → ids or bag-of-words: `TextVectorization`. Known categories → `StringLookup` /
#   `IntegerLookup`, then `CategoryEncoding` or an `Embedding`. Unbounded categories (user ids,
#   URLs) → `Hashing`. Interactions between two categorical features → `HashedCrossing`.
# - Continuous numbers on different scales → `Normalization`; a number whose effect is non-linear
#   in steps (age bands) → `Discretization`.
# - A layer whose Lipschitz constant must stay bounded (GAN discriminators, robust models) →
#   `SpectralNormalization` around its `Dense` / `Conv` / `Embedding`.
#
# ## Who
#
# Anyone who ships a model that reads tabular or text data; GAN practitioners, for
# `SpectralNormalization` (Miyato et al., 2018).

# %% [markdown]
# ## How
#
# ### `TextVectorization`: standardize → split → look up
#
# `TextVectorization` applies three steps: **standardize** (default: lower-case and strip
# punctuation), **split** (default: on whitespace), then map each token to an id with a vocabulary
# built by `adapt`. The vocabulary is sorted by each token's **total count in the corpus**, most
# frequent first; **ties go in reverse alphabetical order**. In `output_mode="int"`, id 0 is the
# padding token `""` and id 1 the out-of-vocabulary token `[UNK]`.
#
# Below, plain Python rebuilds the vocabulary from raw counts. The corpus has ties ("sat", "cat"
# and "a" appear twice each), so an alphabetical tie-break would fail the assert; "dog" appears
# three times but in only two documents, so sorting by document count would fail it too.

# %%
corpus = [
    "The cat sat on the mat.",
    "The dog sat, then the dog ran!",
    "A cat and a dog.",
    "The END",
]


def standardize(text):
    """Lower-case and strip ASCII punctuation, like Keras's default standardization."""
    return re.sub(r"[!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]", "", text.lower())


vectorizer = layers.TextVectorization(output_mode="int")
vectorizer.adapt(corpus)

counts = Counter(token for doc in corpus for token in standardize(doc).split())
by_count = sorted(counts, key=lambda token: (counts[token], token), reverse=True)  # ties: reverse alphabetical
documents = Counter(token for doc in corpus for token in set(standardize(doc).split()))
by_documents = sorted(documents, key=lambda token: (documents[token], token), reverse=True)
assert by_documents != by_count and sorted(counts, key=lambda t: (-counts[t], t)) != by_count  # the case separates them
assert vectorizer.get_vocabulary() == ["", "[UNK]", *by_count]
print(vectorizer.get_vocabulary())

# %% [markdown]
# `max_tokens=6` keeps 6 entries (`""`, `[UNK]` and the 4 most frequent words), so rarer words
# become 1; `output_sequence_length=5` pads every row with 0, or cuts it, to exactly 5 ids.

# %%
short = layers.TextVectorization(max_tokens=6, output_sequence_length=5)
short.adapt(corpus)
ids = to_numpy(short(["The cat sat on the zebra's mat", "dog"]))
vocab6 = short.get_vocabulary()
assert vocab6 == ["", "[UNK]", *by_count[:4]]
lookup = {token: i for i, token in enumerate(vocab6)}
expected = [[lookup.get(t, 1) for t in standardize(s).split()] for s in ["The cat sat on the zebra's mat", "dog"]]
expected = [(row + [0] * 5)[:5] for row in expected]  # pad with 0, or truncate, to length 5
np.testing.assert_array_equal(ids, expected)
print(vocab6, "\n", ids)

# %% [markdown]
# ### `TextVectorization` output modes: `int`, `multi_hot`, `count`, `tf_idf`
#
# The three bag-of-words modes return one row of length `vocabulary_size` per text; index 0 is
# then `[UNK]` (there is no padding token). `multi_hot` marks presence, `count` counts, and
# `tf_idf` multiplies each count by the token's inverse document frequency, the **smooth idf**
#
# $$\text{tf-idf}(t, d) = \text{count}(t, d)\cdot \ln\!\Big(1 + \frac{N}{1 + \text{df}(t)}\Big),$$
#
# with N the number of documents seen by `adapt` and df(t) the number of them that contain the
# token t; the `[UNK]` column gets the **mean idf of the vocabulary**. The Proof section recomputes
# it in NumPy.

# %%
bag = {mode: layers.TextVectorization(output_mode=mode) for mode in ["multi_hot", "count", "tf_idf"]}
for layer in bag.values():
    layer.adapt(corpus)
query = ["the cat, the cat and the zebra"]
bow_vocab = bag["count"].get_vocabulary()
assert bow_vocab == ["[UNK]", *by_count]  # no "" padding token in the bag-of-words modes
for mode, layer in bag.items():
    print(f"{mode:>9}:", np.round(to_numpy(layer(query))[0], 3))

# %% [markdown]
# The four corpus documents as `tf_idf` rows, one row each: a word found in many documents is
# discounted, a word found in one is boosted.

# %%
tfidf = to_numpy(bag["tf_idf"](corpus))
column = {token: i for i, token in enumerate(bow_vocab)}
np.testing.assert_allclose(tfidf[3, column["the"]], np.log(2), rtol=1e-5)  # "the": in 3 of 4 documents
np.testing.assert_allclose(tfidf[0, column["mat"]], np.log(3), rtol=1e-5)  # "mat": in 1 of 4 documents
assert tfidf.argmax() == 2 * len(bow_vocab) + column["a"]  # the darkest cell: "a", twice in doc 2
fig, ax = plt.subplots(figsize=(9, 3.2))
image = ax.imshow(tfidf, cmap="Blues")
ax.set_xticks(range(len(bow_vocab)), bow_vocab, rotation=45, ha="right")
ax.set_yticks(range(len(corpus)), [f"doc {i}: {text[:22]}" for i, text in enumerate(corpus)])
ax.set_title("TextVectorization(output_mode='tf_idf') on the four-document corpus")
ax.set_xlabel("vocabulary (most frequent first)")
fig.colorbar(image, ax=ax, label="count × idf")
plt.tight_layout()
plt.close(fig)
plots.show(fig, 'Notice that "the", in three of the four documents, weighs only ln 2 ≈ 0.69 per occurrence '
           'while a word found in a single document such as "mat" weighs ln 3 ≈ 1.10, and the darkest cell '
           'is "a", twice in doc 2 and in no other document.')

# %% [markdown]
# ### Custom standardization and splitting
#
# `standardize` and `split` accept `None`, a built-in name, or a callable. With
# `split="character"` each character becomes a token; with `standardize=None` case survives.

# %%
chars = layers.TextVectorization(split="character", standardize=None, output_mode="count")
chars.adapt(["abba", "Ab"])
assert chars.get_vocabulary() == ["[UNK]", "b", "a", "A"]  # b: 3 times, a: 2, A: 1
np.testing.assert_array_equal(to_numpy(chars(["bAbz"]))[0], [1, 2, 0, 1])  # z is unknown
print(chars.get_vocabulary())

# %% [markdown]
# ### `Normalization`: (x − mean) / √variance, and back with `invert=True`
#
# `adapt` stores the per-feature mean and the **population** variance (NumPy's `var` with
# `ddof=0`). The call computes $(x-\mu)/\sqrt{\sigma^2}$; with `invert=True` the layer computes
# $x\sqrt{\sigma^2} + \mu$ instead, which turns a model's normalized output back into original
# units. You can also pass `mean=` and `variance=` directly instead of adapting.

# %%
scaled = to_numpy(normalizer(ages_incomes))
np.testing.assert_allclose(scaled, (ages_incomes - ages_incomes.mean(0)) / ages_incomes.std(0), rtol=1e-3, atol=1e-4)
fixed = layers.Normalization(mean=[40.0, 50_000.0], variance=[144.0, 15_000.0**2])
np.testing.assert_allclose(to_numpy(fixed(np.array([[52.0, 80_000.0]]))), [[1.0, 2.0]], rtol=1e-6)
print("normalized column means:", scaled.mean(0).round(6), " variances:", scaled.var(0).round(6))

# %% [markdown]
# ### `Discretization`: bin boundaries, given or adapted
#
# With `bin_boundaries=[b1, ..., bk]` the layer returns the bin index: 0 below `b1`, `i` from
# `bi` up to (not including) the next boundary, `k` from `bk` on. That is NumPy's
# `np.digitize(x, bins)`: left-closed bins. With `num_bins=n` instead, `adapt` estimates the
# quantiles at 1/n, 2/n, … (close to, not equal to, `np.quantile`; the Picture shows them).

# %%
bins = layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
values = np.array([-0.5, 0.0, 0.5, 1.0, 1.999, 2.0, 7.0], dtype="float32")
np.testing.assert_array_equal(to_numpy(bins(values)), np.digitize(values, [0.0, 1.0, 2.0]))
print(dict(zip(values.tolist(), to_numpy(bins(values)).tolist(), strict=True)))

# %% [markdown]
# ### `SpectralNormalization`: a kernel with spectral norm ≈ 1
#
# `SpectralNormalization(layer)` wraps a layer that has a `kernel` (or `embeddings`). The
# **spectral norm** σ(W), the largest singular value, is the most the layer can stretch an
# input. On every call **with `training=True`** the wrapper estimates σ by one step of power
# iteration and **overwrites the kernel** with W / σ; calls with `training=False` leave the kernel
# alone. So σ(W) approaches 1 over training calls (the deep dive counts how many).

# %%
wrapped = layers.SpectralNormalization(layers.Dense(8, kernel_initializer="glorot_normal"))
batch = rng.normal(size=(4, 16)).astype("float32")
wrapped(batch)  # builds; training defaults to False, so nothing is normalized yet
raw = to_numpy(wrapped.layer.kernel).copy()
wrapped(batch, training=False)
np.testing.assert_array_equal(to_numpy(wrapped.layer.kernel), raw)  # inference: kernel untouched
wrapped(batch, training=True)
sigma_after_one = np.linalg.svd(to_numpy(wrapped.layer.kernel), compute_uv=False)[0]
print(f"spectral norm before: {np.linalg.svd(raw, compute_uv=False)[0]:.3f}, after one training call: {sigma_after_one:.3f}")

# %% [markdown]
# ### `CategoryEncoding`: `one_hot`, `multi_hot` (the default), `count`
#
# Integer ids in `[0, num_tokens)` become vectors of length `num_tokens`. `one_hot` encodes each
# id separately (one more axis), `multi_hot` marks which ids occur in a row, `count` counts them and
# accepts `count_weights` to sum weights instead of ones.

# %%
ids = np.array([[0, 1, 1, 3]])
enc = {m: layers.CategoryEncoding(num_tokens=4, output_mode=m) for m in ["one_hot", "multi_hot", "count"]}
assert layers.CategoryEncoding(num_tokens=4).output_mode == "multi_hot"
np.testing.assert_array_equal(to_numpy(enc["one_hot"](ids[0])), np.eye(4)[ids[0]])
np.testing.assert_array_equal(to_numpy(enc["multi_hot"](ids)), [[1, 1, 0, 1]])
np.testing.assert_array_equal(to_numpy(enc["count"](ids)), [np.bincount(ids[0], minlength=4)])
weights = np.array([[0.5, 1.0, 2.0, 4.0]], dtype="float32")
np.testing.assert_allclose(to_numpy(enc["count"](ids, count_weights=weights)), [np.bincount(ids[0], weights[0], 4)])
print(to_numpy(enc["count"](ids, count_weights=weights)))

# %% [markdown]
# ### `Hashing`: a category → a bin, without a vocabulary
#
# `Hashing(num_bins)` maps each value to `hash(value) mod num_bins` (FarmHash; with `salt=`, a
# keyed SipHash that assigns differently). With `mask_value=` that value goes to bin 0 and all
# others to bins `1 … num_bins−1`. Nothing is learned: no `adapt`, and unseen values are fine.

# %%
cities = np.array(["paris", "lima", "oslo", "paris", "quito"])
hasher = layers.Hashing(num_bins=16)
print("plain :", to_numpy(hasher(cities)))
print("salted:", to_numpy(layers.Hashing(num_bins=16, salt=1337)(cities)))

# %% [markdown]
# ### `HashedCrossing`: hash a *pair* of features into one bin
#
# `HashedCrossing(num_bins)` takes a tuple of features and hashes each *combination* (city ×
# weekday) into a bin, so a linear model can learn one weight per pair without a vocabulary of all
# pairs. Its default `int64` output is truncated (with a warning) on JAX, so the course passes
# `dtype="int32"`.

# %%
crosser = layers.HashedCrossing(num_bins=32, dtype="int32")
weekday = np.array(["mon", "mon", "tue", "mon", "mon"])
print(to_numpy(crosser((cities, weekday))))

# %% [markdown]
# ### `StringLookup` and `IntegerLookup`: OOV, mask and `invert`
#
# A lookup layer maps known values to ids. By default **id 0 is the one OOV (out-of-vocabulary)
# bucket** `[UNK]` (`num_oov_indices=1`), and the vocabulary starts at 1. With a `mask_token`
# (`""` for strings, `0` for integers) the mask takes id 0 and the OOV bucket moves to 1. With
# `num_oov_indices=k>1`, unknown values are hashed into k OOV buckets. `IntegerLookup`'s OOV token
# is `-1`. `invert=True` maps ids back to values.

# %%
colours = layers.StringLookup(vocabulary=["red", "green", "blue"])
assert colours.get_vocabulary() == ["[UNK]", "red", "green", "blue"]
np.testing.assert_array_equal(to_numpy(colours(np.array(["blue", "pink", "red"]))), [3, 0, 1])
masked = layers.StringLookup(vocabulary=["red", "green", "blue"], mask_token="")
assert masked.get_vocabulary() == ["", "[UNK]", "red", "green", "blue"]
np.testing.assert_array_equal(to_numpy(masked(np.array(["blue", "pink", ""]))), [4, 1, 0])
years = layers.IntegerLookup(vocabulary=[1990, 2000, 2010], mask_token=0)
assert years.get_vocabulary() == [0, -1, 1990, 2000, 2010]
np.testing.assert_array_equal(to_numpy(years(np.array([2010, 1234, 0]))), [4, 1, 0])
back = layers.IntegerLookup(vocabulary=[1990, 2000, 2010], invert=True)
np.testing.assert_array_equal(to_numpy(back(np.array([3, 0, 1]))), [2010, -1, 1990])
print(masked.get_vocabulary(), years.get_vocabulary())

# %% [markdown]
# ## Pros
#
# - The preprocessing travels **with the model**: no skew between training and serving.
# - `adapt` replaces hand-written vocabulary, moment and quantile code; the results match NumPy.
# - Runs under TensorFlow, JAX and PyTorch, and inside `tf.data` for parallel input pipelines.
# - `Hashing` / `HashedCrossing` need no vocabulary at all and accept unseen values.
#
# ## Cons
#
# - The string layers need TensorFlow installed, even on JAX or PyTorch, and only TensorFlow runs a
#   model whose input is strings.
# - `adapt` reads the whole dataset once: slow on huge data (pass a `tf.data` dataset, or set the
#   state directly: `vocabulary=`, `mean=`/`variance=`, `bin_boundaries=`).
# - Hash collisions are silent: two categories that share a bin become indistinguishable.
# - `CategoryEncoding` ids outside `[0, num_tokens)` vanish silently on TensorFlow and JAX (PyTorch
#   raises; the deep dive proves both).

# %% [markdown]
# ## Picture
#
# ### What `Normalization` and `Discretization` do to a skewed feature
#
# Incomes are log-normal, so skewed. `Normalization` shifts and scales the axis but keeps the
# shape; `Discretization(num_bins=4).adapt` places its three boundaries at the quartiles.

# %%
incomes = rng.lognormal(mean=10.5, sigma=0.6, size=2000).astype("float32")
income_norm = layers.Normalization(axis=None)
income_norm.adapt(incomes)
quartiles = layers.Discretization(num_bins=4)
quartiles.adapt(incomes)
edges = np.array(quartiles.bin_boundaries)

fig, axes = plt.subplots(1, 3, figsize=(13, 3.3))
axes[0].hist(incomes / 1000, bins=50, color="tab:blue")
axes[0].set(title="raw incomes", xlabel="income (thousands)", ylabel="count")
axes[1].hist(to_numpy(income_norm(incomes)), bins=50, color="tab:orange")
axes[1].set(title="after Normalization (mean 0, var 1)", xlabel="standardized value")
axes[2].hist(incomes / 1000, bins=50, color="tab:gray")
for edge in edges:
    axes[2].axvline(edge / 1000, color="tab:red", linestyle="--")
axes[2].set(title="Discretization(num_bins=4): adapted edges", xlabel="income (thousands)")
axes[2].legend(["bin boundary"], loc="upper right")
plt.tight_layout()
plt.close(fig)


def skewness(x):
    return float(np.mean((x - x.mean()) ** 3) / x.std() ** 3)


assert skewness(incomes) > 1 and abs(skewness(to_numpy(income_norm(incomes))) - skewness(incomes)) < 1e-2
assert edges[1] - edges[0] < incomes.max() - edges[2]  # the last bin takes the whole long tail
plots.show(fig, "Notice that the standardized incomes keep the raw incomes' long right tail (only the axis "
           "moves, to mean 0), and that the three dashed quartile boundaries sit close together where "
           "incomes are dense, leaving the whole tail to the last bin.")

# %% [markdown]
# ## Table
#
# | Layer | Learns with `adapt` | Input → output | Key arguments | Formula / rule (proved below) |
# |---|---|---|---|---|
# | `TextVectorization` | vocabulary (+ idf) | strings → ids, or bag-of-words rows | `max_tokens`, `output_mode`, `output_sequence_length`, `standardize`, `split`, `ngrams` | vocabulary by count, ties reverse-alphabetical; tf-idf = count · ln(1 + N/(1+df)) |
# | `Normalization` | mean, variance per feature | numbers → standardized numbers | `axis`, `mean`, `variance`, `invert` | (x − μ)/√σ², population σ²; invert: x√σ² + μ |
# | `Discretization` | quantile boundaries | numbers → bin ids (or encodings) | `bin_boundaries` or `num_bins`, `output_mode` | `np.digitize(x, boundaries)` |
# | `SpectralNormalization` | — (wraps a layer) | same as the wrapped layer | `layer`, `power_iterations` | kernel ← W/σ̂ on each `training=True` call |
# | `CategoryEncoding` | — | ids → vectors | `num_tokens`, `output_mode` (`multi_hot` default), `count_weights` | one-hot / presence / `np.bincount` |
# | `Hashing` | — | values → bin ids | `num_bins`, `salt`, `mask_value` | FarmHash64 mod n; SipHash with salt |
# | `HashedCrossing` | — | tuple of features → bin ids | `num_bins`, `output_mode` | hash of the combination mod n |
# | `StringLookup` / `IntegerLookup` | vocabulary | values → ids (or back with `invert`) | `vocabulary`, `num_oov_indices`, `mask_token`, `oov_token`, `invert`, `output_mode` | mask 0, then OOV, then vocabulary |

# %% [markdown]
# ## Example
#
# ### Example 1 · `TextVectorization` + `Embedding`: a sentiment model, vectorized in `tf.data`
#
# The model is trained on ids: the vectorizer runs in the `tf.data` pipeline that feeds `fit`
# (`dataset.map`), where it is TensorFlow code on every backend. This is the pattern that works on
# all three backends.

# %%
import tensorflow as tf  # only for tf.data: strings never enter a JAX or PyTorch tensor there

positive = ["great fun film", "loved it great", "a fun great story", "loved the story"]
negative = ["boring bad film", "hated it bad", "a dull boring story", "bad and dull"]
texts = np.array(positive + negative)
labels = np.array([1] * 4 + [0] * 4, dtype="float32")
sentiment_vec = layers.TextVectorization(output_sequence_length=4)
sentiment_vec.adapt(texts)
classifier = keras.Sequential([
    keras.Input((4,), dtype="int32"),
    layers.Embedding(sentiment_vec.vocabulary_size(), 8),
    layers.GlobalAveragePooling1D(),
    layers.Dense(1, activation="sigmoid"),
])
classifier.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"])
as_ids = tf.data.Dataset.from_tensor_slices((texts, labels)).batch(8).map(lambda text, y: (sentiment_vec(text), y))
classifier.fit(as_ids, epochs=30, shuffle=False, verbose=0)  # a dataset brings its own order
reviews = np.array(["great story", "boring and bad"])
scores = to_numpy(classifier(sentiment_vec(reviews)))[:, 0]  # vectorize, then call the model on ids
assert scores[0] > 0.5 > scores[1]
print("P(positive):", scores.round(3))

# %% [markdown]
# ### Example 2 · Mixed tabular features: numeric, bucketized, looked-up and hashed
#
# One row per customer: age (normalized and bucketized), country (looked up and one-hot), user
# id (hashed into 8 bins). The features are concatenated into one vector per row.

# %%
age = np.array([[23.0], [35.0], [51.0], [68.0]], dtype="float32")
country = np.array(["fr", "pe", "no", "xx"])
user = np.array(["u1", "u2", "u3", "u4"])
age_norm = layers.Normalization()
age_norm.adapt(age)
age_band = layers.Discretization(bin_boundaries=[30.0, 50.0], output_mode="one_hot")
country_ids = layers.StringLookup(vocabulary=["fr", "pe", "no"], output_mode="one_hot")
user_bins = layers.Hashing(num_bins=8, output_mode="one_hot")
row = np.concatenate([to_numpy(age_norm(age)), to_numpy(age_band(age[:, 0])),
                      to_numpy(country_ids(country)), to_numpy(user_bins(user))], axis=1)
assert row.shape == (4, 1 + 3 + 4 + 8)
np.testing.assert_array_equal(row[:, 1:4], np.eye(3)[np.digitize(age[:, 0], [30.0, 50.0])])
np.testing.assert_array_equal(row[:, 4:8].argmax(1), [1, 2, 3, 0])  # "xx" -> OOV column 0
print(row.round(2))

# %% [markdown]
# ### Example 3 · Undoing the target scaling with `Normalization(invert=True)`
#
# Train on a standardized target, predict, and map predictions back to original units with the
# inverted layer adapted on the same target.

# %%
house_size = rng.uniform(40, 200, size=(200, 1)).astype("float32")
price = (3_000 * house_size + 20_000 + rng.normal(0, 5_000, size=(200, 1))).astype("float32")
to_z, from_z = layers.Normalization(), layers.Normalization(invert=True)
size_norm = layers.Normalization()
for layer, data in [(to_z, price), (from_z, price), (size_norm, house_size)]:
    layer.adapt(data)
regressor = keras.Sequential([keras.Input((1,)), layers.Dense(1)])
regressor.compile(optimizer=keras.optimizers.Adam(0.1), loss="mse")
regressor.fit(to_numpy(size_norm(house_size)), to_numpy(to_z(price)), epochs=40, verbose=0)
predicted = to_numpy(from_z(regressor(size_norm(np.array([[100.0]], dtype="float32")))))[0, 0]
assert abs(predicted - 320_000) < 15_000, predicted  # true line: 3000 * 100 + 20000
print(f"predicted price of a 100 m² house: {predicted:,.0f}")

# %% [markdown]
# ## Proof
#
# ### `TextVectorization` tf-idf: count · ln(1 + N/(1 + df)), and mean idf for `[UNK]`
#
# The document frequencies are computed in plain Python from the corpus. The three candidate idf
# formulas differ on this corpus, so the assert picks out one: *fails if Keras used scikit-learn's
# `ln((1+N)/(1+df)) + 1` or plain `ln(N/df)`*.

# %%
docs = [set(standardize(doc).split()) for doc in corpus]
N = len(docs)
df = np.array([sum(token in doc for doc in docs) for token in by_count], dtype="float64")
idf = np.log(1 + N / (1 + df))
idf_with_unk = np.concatenate([[idf.mean()], idf])  # [UNK] gets the mean idf
query_counts = Counter(standardize(query[0]).split())
term_counts = np.array([sum(c for t, c in query_counts.items() if t not in by_count)]
                       + [query_counts.get(t, 0) for t in by_count], dtype="float64")
keras_tfidf = to_numpy(bag["tf_idf"](query))[0]
np.testing.assert_allclose(keras_tfidf, term_counts * idf_with_unk, rtol=1e-5)
for name, wrong_idf in {"sklearn": np.log((1 + N) / (1 + df)) + 1, "plain": np.log(N / df)}.items():
    assert not np.allclose(keras_tfidf[1:], term_counts[1:] * wrong_idf, rtol=1e-3), name
np.testing.assert_array_equal(to_numpy(bag["count"](query))[0], term_counts)
np.testing.assert_array_equal(to_numpy(bag["multi_hot"](query))[0], term_counts > 0)
print("idf per token:", dict(zip(by_count, idf.round(3), strict=True)))

# %% [markdown]
# ## Application
#
# ### A bag-of-words spam filter with `tf_idf`, trained in a few epochs
#
# Synthetic "spam" and "ham" messages, vectorized with `tf_idf`, train a logistic regression (one
# `Dense` unit); read back through the vocabulary, its largest weights belong to the spam words.

# %%
spam_words = ["free", "win", "prize", "cash", "click", "offer"]
ham_words = ["meeting", "lunch", "report", "project", "tomorrow", "team"]
filler = ["the", "a", "you", "now", "today", "please"]


def message(words):
    return " ".join(rng.choice(words, size=3).tolist() + rng.choice(filler, size=3).tolist())


messages = np.array([message(spam_words) for _ in range(60)] + [message(ham_words) for _ in range(60)])
is_spam = np.array([1] * 60 + [0] * 60, dtype="float32")
spam_vec = layers.TextVectorization(output_mode="tf_idf")
spam_vec.adapt(messages)
features = to_numpy(spam_vec(messages))
spam_model = keras.Sequential([keras.Input((features.shape[1],)), layers.Dense(1, activation="sigmoid")])
spam_model.compile(optimizer=keras.optimizers.Adam(0.1), loss="binary_crossentropy", metrics=["accuracy"])
spam_model.fit(features, is_spam, epochs=20, verbose=0)
weights = to_numpy(spam_model.layers[-1].kernel)[:, 0]
vocab = spam_vec.get_vocabulary()
top = [vocab[i] for i in np.argsort(weights)[::-1][:6]]
assert set(top) == set(spam_words), top
print("most spammy words:", top)

fig, ax = plt.subplots(figsize=(9, 3))
order = np.argsort(weights)
colours = ["tab:red" if vocab[i] in spam_words else "tab:green" if vocab[i] in ham_words else "tab:gray" for i in order]
ax.bar(range(len(order)), weights[order], color=colours)
ax.set_xticks(range(len(order)), [vocab[i] for i in order], rotation=60, ha="right")
ax.set(title="Learned weight per tf-idf feature (red: spam words, green: ham words)", ylabel="weight")
plt.tight_layout()
plt.close(fig)
assert {vocab[i] for i in order[:6]} == set(ham_words)  # the six most negative weights: the ham words
plots.show(fig, "Notice that the six red spam words carry the largest positive weights and the six green "
           "ham words the most negative ones, while the grey filler words, common to both classes, sit "
           "in between.")

# %% [markdown]
# ## Key terms
#
# - **Preprocessing layer**: a layer that transforms raw features; most have no trainable weights.
# - **`adapt`**: computing a layer's state (vocabulary, mean, quantiles) from data, once.
# - **OOV (out-of-vocabulary) index**: the id given to unknown values (`[UNK]`, or `-1` for integers).
# - **Mask token**: a value reserved for padding, mapped to id 0.
# - **multi-hot / count / tf-idf**: bag-of-words encodings: presence, frequency, frequency × idf.
# - **Hashing trick**: mapping values to bins with a hash function, no vocabulary.
# - **Feature cross**: a feature for each combination of two categorical features.
# - **Spectral norm**: a matrix's largest singular value; the most x ↦ Wx can stretch a vector.

# %% [markdown]
# ## Summary
#
# - Preprocessing layers learn their state with `adapt` and apply it identically afterwards.
# - `TextVectorization`: vocabulary sorted by count (ties reverse-alphabetical), `int` mode with 0
#   = padding and 1 = `[UNK]`; bag-of-words modes with 0 = `[UNK]`; tf-idf = count · ln(1 + N/(1+df)).
# - `Normalization` standardizes with the population variance; `invert=True` undoes it.
# - `Discretization` = `np.digitize` on given or quantile-adapted boundaries.
# - `SpectralNormalization` divides the kernel by its estimated spectral norm on training calls only.
# - `CategoryEncoding` one-hot / multi-hot / count; out-of-range ids vanish on TF/JAX.
# - `Hashing` is deterministic, salt changes it; `HashedCrossing` hashes pairs; lookups reserve
#   0 for the mask (if any), then the OOV buckets.
# - String layers need TensorFlow installed; on JAX and PyTorch, vectorize strings in `tf.data`.

# %% [markdown]
# ## Exercises
#
# Each exercise prints its task; `ex.check(...)` says what is right and what is not yet.
# `ex.hint()` and `ex.solution()` show more when you ask for them.

# %% [markdown]
# ### Exercise 10a.1 · The vocabulary of a bigram TextVectorization
#
# With `ngrams=2`, pairs of neighbouring words join the single words in one vocabulary.

# %%
ex = exercise("10a.1")  # prints the task and how you know you are done


def bigram_vocabulary(texts):
    ...  # your code here


ex.check(bigram_vocabulary)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 10a.2 · Which id does StringLookup give?

# %%
ex = exercise("10a.2")  # prints the task and how you know you are done


def lookup_ids(values, vocabulary, mask_token=None):
    ...  # your code here


ex.check(lookup_ids)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 10a.3 · Normalization by hand, per feature or global

# %%
ex = exercise("10a.3")  # prints the task and how you know you are done


def normalize(train, x, axis):
    ...  # your code here


ex.check(normalize)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ## Deep dive (optional)
#
# Proofs for trust rather than understanding, and what differs by backend. Nothing in the
# exercises needs them.

# %% [markdown]
# ### Strings on JAX and PyTorch: what fails, and where it works
#
# This proves why Example 1 vectorizes in `tf.data`: useful if you move string code from
# TensorFlow to another backend. `StringLookup(invert=True)` returns **strings**. TensorFlow
# tensors hold strings and PyTorch gets a Python list; a JAX array cannot hold strings, so on JAX
# the eager call raises `TypeError`. Inside a `tf.data` pipeline the layer runs as TensorFlow ops on
# every backend, so that is where to decode ids on JAX.

# %%
decode = layers.StringLookup(vocabulary=["red", "green", "blue"], invert=True)
ids_to_decode = np.array([3, 0, 1])
if BACKEND == "jax":
    print("JAX:", expect_error(TypeError, lambda: decode(ids_to_decode)).__class__.__name__)
else:
    eager = decode(ids_to_decode)
    eager = [s.decode() if isinstance(s, bytes) else s for s in np.asarray(eager).tolist()]
    assert eager == ["blue", "[UNK]", "red"]
pipeline = tf.data.Dataset.from_tensor_slices(ids_to_decode).batch(3).map(decode)
decoded = [s.decode() for s in next(iter(pipeline)).numpy().tolist()]
assert decoded == ["blue", "[UNK]", "red"]  # works on every backend
print(decoded)

# %% [markdown]
# The same holds for a model whose *input* is strings. Putting the vectorizer inside the model, in
# front of Example 1's classifier, gives a model that reads sentences on TensorFlow, with the same
# scores; on JAX and PyTorch the call fails (JAX: `TypeError`, PyTorch: `ValueError`), because the
# model converts its input to a backend tensor before any layer runs.

# %%
sentence_in = keras.Input(shape=(), dtype="string")
end_to_end = keras.Model(sentence_in, classifier(sentiment_vec(sentence_in)))
STRING_INPUT_ERROR = {"tensorflow": None, "jax": TypeError, "torch": ValueError}[BACKEND]
if STRING_INPUT_ERROR is None:
    np.testing.assert_allclose(to_numpy(end_to_end(reviews))[:, 0], scores, rtol=1e-6)
    print("tensorflow: the model reads raw strings and gives the same scores")
else:
    refusal = expect_error(STRING_INPUT_ERROR, lambda: end_to_end(reviews))
    print(f"{BACKEND}: a model on raw strings raises {type(refusal).__name__}")

# %% [markdown]
# ### `CategoryEncoding` ids out of range: dropped or refused, by backend
#
# This proves a backend difference worth knowing before you trust a wrong `num_tokens`: ids outside
# `[0, num_tokens)` vanish silently on TensorFlow and JAX (zeros, not an error), while PyTorch
# raises `RuntimeError`.

# %%
out_of_range = layers.CategoryEncoding(num_tokens=4, output_mode="count")
if BACKEND == "torch":
    error = expect_error(RuntimeError, lambda: out_of_range(np.array([[0, 5, 9]])))
    print("torch raises:", str(error).splitlines()[2].strip())
else:
    dropped = to_numpy(out_of_range(np.array([[0, 5, 9]])))
    np.testing.assert_array_equal(dropped, [[1, 0, 0, 0]])  # ids 5 and 9 vanished without an error
    print(BACKEND, "drops them:", dropped)

# %% [markdown]
# ### `Normalization`: mean 0, variance 1 after `adapt`, and `invert=True` restores the data
#
# This confirms the How section's formula on real data, for readers who want the variance
# convention pinned down. Two features on wildly different scales (age, income): *fails if the
# layer normalized with one global mean/variance* (`axis=None`) or used the sample variance
# (`ddof=1`, which would give variance 0.998 on 500 rows, outside the tolerance).

# %%
np.testing.assert_allclose(scaled.mean(axis=0), [0.0, 0.0], atol=1e-4)
np.testing.assert_allclose(scaled.var(axis=0), [1.0, 1.0], atol=2e-4)
restore = layers.Normalization(invert=True)
restore.adapt(ages_incomes)
np.testing.assert_allclose(to_numpy(restore(scaled)), ages_incomes, rtol=1e-4)
np.testing.assert_allclose(to_numpy(restore(np.zeros((1, 2), "float32")))[0], ages_incomes.mean(0), rtol=1e-5)
print("restored first row:", to_numpy(restore(scaled[:1]))[0], "original:", ages_incomes[0])

# %% [markdown]
# ### `Discretization`: boundaries are left-closed; adapted edges are the quantiles
#
# This pins down the boundary convention and how close the adapted quantile sketch comes to
# `np.quantile`, for readers who bin data outside Keras and need the same bins.
# Values sitting exactly on a boundary (0.0, 1.0, 2.0) go to the bin on the right: *fails if the
# bins were right-closed* (`np.digitize(..., right=True)` differs on those values). The adapted
# edges match `np.quantile` to a hundredth of the data range, and each bin holds a quarter of the
# data, give or take a hundredth.

# %%
assert not np.array_equal(np.digitize(values, [0.0, 1.0, 2.0], right=True), to_numpy(bins(values)))
np.testing.assert_allclose(edges, np.quantile(incomes, [0.25, 0.5, 0.75]), atol=0.01 * np.ptp(incomes))
shares = np.bincount(to_numpy(quartiles(incomes)), minlength=4) / incomes.size
np.testing.assert_allclose(shares, 0.25, atol=0.01)
print("edges:", edges.round(0), " share per bin:", shares)

# %% [markdown]
# ### `SpectralNormalization`: σ(W) → 1, and after how many training calls
#
# This replays the wrapper's algorithm in NumPy and measures how fast it converges, for readers who
# need to know how many training steps pass before the bound σ(W) ≈ 1 holds.
#
# To make the count exact and the same on every backend, the kernel is built with **known
# singular values** (2.0, 1.4, 1.2, … 0.2, so σ₁ = 2 and σ₂/σ₁ = 0.7) and the power-iteration
# vector $u$ is set to a fixed vector. A NumPy replay of the algorithm (one power-iteration step per
# call on the persistent $u$, then $W \leftarrow W/\hat\sigma$ with $\hat\sigma = v^\top W u$)
# reproduces Keras's kernel call after call, and the exact spectral norm comes from `np.linalg.svd`.
#
# What the measurement shows, and the asserts pin down:
#
# - the estimate $\hat\sigma$ never exceeds σ (it is a Rayleigh quotient), so σ(W) stays **≥ 1**
#   and falls monotonically towards 1;
# - far enough along, each call multiplies the gap σ(W) − 1 by **(σ₂/σ₁)⁴ = 0.7⁴ ≈ 0.24**, the
#   power-iteration rate (squared, because $\hat\sigma$ is a Rayleigh quotient): the smaller the
#   gap between the two top singular values, the more calls it takes;
# - here σ(W) is within 1e-3 of 1 after `CALLS_TO_1E3` training calls (printed and asserted), and
#   `power_iterations=20` gets there in a single call. *Fails if the wrapper normalized exactly on
#   the first call* (σ would already be 1) *or at inference*.

# %%
def replay_spectral_norm(kernel, u, calls, iterations=1):
    """NumPy version of SpectralNormalization's training-time update, applied `calls` times."""
    W = kernel.reshape(-1, kernel.shape[-1]).astype("float64")
    u = u.astype("float64")
    history = []
    for _ in range(calls):
        for _ in range(iterations):
            v = u @ W.T
            v /= np.linalg.norm(v)
            u = v @ W
            u /= np.linalg.norm(u)
        W = W / (v @ W @ u.T).item()
        history.append(W.copy())
    return history


singular_values = np.array([2.0, 1.4, 1.2, 1.0, 0.8, 0.6, 0.4, 0.2])
left, _ = np.linalg.qr(rng.normal(size=(16, 8)))
right, _ = np.linalg.qr(rng.normal(size=(8, 8)))
designed = (left * singular_values) @ right.T  # W = U diag(s) Vᵀ
u0 = rng.normal(size=(1, 8)) * 0.02


def wrapped_dense(iterations):
    layer = layers.SpectralNormalization(layers.Dense(8), power_iterations=iterations)
    layer.build((None, 16))
    layer.layer.kernel.assign(designed.astype("float32"))
    layer.vector_u.assign(u0.astype("float32"))
    return layer


sn = wrapped_dense(iterations=1)
replayed = replay_spectral_norm(designed, u0, calls=12)
sigmas = [np.linalg.svd(designed, compute_uv=False)[0]]
for step in range(12):
    sn(batch, training=True)
    np.testing.assert_allclose(to_numpy(sn.layer.kernel), replayed[step], rtol=1e-4, atol=1e-5)
    sigmas.append(np.linalg.svd(to_numpy(sn.layer.kernel), compute_uv=False)[0])
sigmas = np.array(sigmas)
gap = sigmas[1:] - 1
sn(batch, training=False)  # inference leaves the kernel alone
np.testing.assert_allclose(to_numpy(sn.layer.kernel), replayed[-1], rtol=1e-4, atol=1e-5)

assert abs(sigmas[0] - 2.0) < 1e-9  # float64 SVD of the designed kernel
assert gap[0] > 0.01  # not normalized exactly on the first call
assert np.all(gap >= -1e-5) and np.all(np.diff(sigmas[1:]) <= 1e-6)  # ≥ 1, monotone down
np.testing.assert_allclose(gap[6:9] / gap[5:8], (1.4 / 2.0) ** 4, rtol=0.1)  # asymptotic rate
CALLS_TO_1E3 = int(np.argmax(gap < 1e-3)) + 1
replay_gap = np.array([np.linalg.svd(w, compute_uv=False)[0] for w in replayed]) - 1
assert CALLS_TO_1E3 == int(np.argmax(replay_gap < 1e-3)) + 1  # NumPy predicts the same count

one_shot = wrapped_dense(iterations=20)
one_shot(batch, training=True)
assert abs(np.linalg.svd(to_numpy(one_shot.layer.kernel), compute_uv=False)[0] - 1) < 1e-5
print("σ(W) after 0..12 training calls:", sigmas.round(5))
print("gap ratio per call:", (gap[1:] / gap[:-1]).round(3), " (σ₂/σ₁)⁴ =", round(0.7**4, 4))
print("training calls until |σ(W) − 1| < 1e-3:", CALLS_TO_1E3)

# %% [markdown]
# The picture of that convergence, on a log scale, with the predicted rate 0.7⁴ per call:

# %%
fig, ax = plt.subplots(figsize=(7, 3.2))
calls = np.arange(1, 13)
ax.semilogy(calls, gap, "o-", label="σ(W) − 1 measured, power_iterations=1")
ax.semilogy(calls, gap[6] * (0.7**4) ** (calls - 7), "--", color="tab:gray", label="slope (σ₂/σ₁)⁴ = 0.24 per call")
ax.axhline(1e-3, color="tab:red", linestyle=":", label="1e-3")
ax.set(title="SpectralNormalization: σ(W) started at 2.0", xlabel="training calls", ylabel="σ(W) − 1 (log scale)")
ax.legend()
plt.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that on the log scale the measured gap σ(W) − 1 becomes a straight line parallel to "
           f"the dashed slope of 0.24 per call, and drops below the dotted 1e-3 line at call {CALLS_TO_1E3}.")

# %% [markdown]
# ### `CategoryEncoding`: the three modes on ids with a repeat
#
# This relates the three modes to each other, a cross-check of the How section's NumPy proofs. The
# id 1 appears twice: *fails if `multi_hot` counted* (it would show 2) *or `count` only
# marked presence*. Proved against `np.eye` and `np.bincount` in the How section; here the
# relation between the modes: `multi_hot = (count > 0)` and `count = sum of one_hot rows`.

# %%
one_hot = to_numpy(enc["one_hot"](ids[0]))
np.testing.assert_array_equal(one_hot.sum(axis=0), to_numpy(enc["count"](ids))[0])
np.testing.assert_array_equal(to_numpy(enc["count"](ids))[0] > 0, to_numpy(enc["multi_hot"](ids))[0] > 0)
assert to_numpy(enc["count"](ids))[0, 1] == 2 and to_numpy(enc["multi_hot"](ids))[0, 1] == 1
print(one_hot)

# %% [markdown]
# ### `Hashing`: deterministic, salt-dependent, and uniform enough
#
# This proves the three properties the hashing trick relies on, which you trust whenever a hashed
# feature is used for training and serving.
#
# Determinism: two independently built layers hash 1000 ids identically (the hash has no seed or
# state). Salt: a salted layer assigns a different bin to most values (*fails if `salt` were
# ignored*). Mask: the mask value goes to 0 and nothing else does. Uniformity: 1000 distinct
# ids fill 10 bins with counts close to 100 (a χ² test: p-value above one in a thousand).

# %%
from scipy import stats

ids_text = np.array([f"user_{i}" for i in range(1000)])
first = to_numpy(layers.Hashing(num_bins=10)(ids_text))
again = to_numpy(layers.Hashing(num_bins=10)(ids_text))
salted = to_numpy(layers.Hashing(num_bins=10, salt=7)(ids_text))
np.testing.assert_array_equal(first, again)
assert (first != salted).mean() > 0.8  # a random reassignment changes ~90 % of the bins
masked_bins = to_numpy(layers.Hashing(num_bins=10, mask_value="")(np.append(ids_text, "")))
assert masked_bins[-1] == 0 and masked_bins[:-1].min() >= 1 and masked_bins.max() <= 9
assert stats.chisquare(np.bincount(first, minlength=10)).pvalue > 1e-3
print("bin counts:", np.bincount(first, minlength=10))

# %% [markdown]
# ### `HashedCrossing`: a hash of the pair, not of the concatenated string
#
# This settles what exactly is hashed, which matters when you try to reproduce a bin outside Keras.
# A common claim writes `hash(feature1 + feature2)`. If that were so, ("ab", "c") and ("a", "bc") would
# share a bin in every setting. Over 20 bin counts they do not (*fails if the layer concatenated*),
# while the same pair always lands in the same bin and swapping the order changes it.

# %%
same_bin = [to_numpy(layers.HashedCrossing(num_bins=n, dtype="int32")((np.array(["ab"]), np.array(["c"]))))[0]
            == to_numpy(layers.HashedCrossing(num_bins=n, dtype="int32")((np.array(["a"]), np.array(["bc"]))))[0]
            for n in range(50, 70)]
assert not all(same_bin)
pair = (np.array(["paris", "paris"]), np.array(["mon", "mon"]))
crossed = to_numpy(layers.HashedCrossing(num_bins=1000, dtype="int32")(pair))
assert crossed[0] == crossed[1]
swapped = to_numpy(layers.HashedCrossing(num_bins=1000, dtype="int32")((pair[1], pair[0])))
assert swapped[0] != crossed[0]
one_hot_cross = to_numpy(layers.HashedCrossing(num_bins=1000, output_mode="one_hot")(pair))
np.testing.assert_array_equal(one_hot_cross.argmax(axis=1), crossed)
print("same bin as concatenation in", sum(same_bin), "of 20 settings")

# %% [markdown]
# ### `StringLookup` / `IntegerLookup`: ids round-trip, several OOV buckets
#
# This checks the id rule on a larger random vocabulary and shows several OOV buckets at work. For a
# random vocabulary, NumPy predicts every id (mask 0, OOV 1, vocabulary from 2) and
# `invert=True` maps the ids back to the values, unknown ones to the OOV token. With
# `num_oov_indices=3` unknown values spread over ids 0–2 and the vocabulary starts at 3.

# %%
vocab_ints = rng.choice(np.arange(100, 1000), size=20, replace=False)
lookup_int = layers.IntegerLookup(vocabulary=vocab_ints, mask_token=0)
queries = np.concatenate([vocab_ints[::-1], [0, 5, 7]])
position = {v: i + 2 for i, v in enumerate(vocab_ints)}
expected_ids = [0 if q == 0 else position.get(q, 1) for q in queries]
np.testing.assert_array_equal(to_numpy(lookup_int(queries)), expected_ids)
inverse = layers.IntegerLookup(vocabulary=vocab_ints, mask_token=0, invert=True)
np.testing.assert_array_equal(to_numpy(inverse(np.array(expected_ids)))[:20], vocab_ints[::-1])
np.testing.assert_array_equal(to_numpy(inverse(np.array(expected_ids)))[-2:], [-1, -1])

three_oov = layers.StringLookup(vocabulary=["a", "b"], num_oov_indices=3)
unknown_ids = to_numpy(three_oov(np.array([f"w{i}" for i in range(60)])))
assert set(unknown_ids.tolist()) == {0, 1, 2}  # the unknowns are hashed into the 3 buckets
np.testing.assert_array_equal(to_numpy(three_oov(np.array(["a", "b"]))), [3, 4])
print("OOV bucket sizes:", np.bincount(unknown_ids))

# %% [markdown]
# ### Keras 2 → 3 and common claims, proved
#
# This corrects claims you may meet in older tutorials or Keras 2 code, each with the error or value
# Keras 3 gives.
#
# - A common claim says `Normalization` "scales features to a range, typically [0, 1]". It
#   standardizes to mean 0 and variance 1 (proved above): outputs are negative for half the data.
# - Older code imports `SpectralNormalization` from `tensorflow_addons` with an `axis` argument.
#   Keras 3 has `keras.layers.SpectralNormalization(layer, power_iterations=1)`; there is no `axis`.
# - A common claim says `CategoryEncoding` gives "one-hot or integer encoding". Its default is
#   `multi_hot`, and the modes are `one_hot`, `multi_hot` and `count` (and `tf_idf` on
#   `TextVectorization`): `output_mode="int"` is refused.
# - `Normalization` takes `mean=` and `variance=` (not `std=`); `Discretization(num_bins=...)` and
#   `TextVectorization()` must be adapted (or given `bin_boundaries=` / `vocabulary=`) before
#   their first call; `HashedCrossing` takes a tuple of features, not one tensor.
# - In Keras 2 (`tf.keras`) these layers are `tf.keras.layers.*` since TensorFlow 2.6 (before
#   that only `tf.keras.layers.experimental.preprocessing.*`, which stayed as an alias) and return
#   TensorFlow tensors; Keras 3 has them in `keras.layers`, returning the active backend's tensors.

# %%
assert scaled.min() < -1 and (scaled < 0).mean() > 0.4  # not a [0, 1] scaler
assert "int" in str(expect_error(ValueError, lambda: layers.CategoryEncoding(num_tokens=3, output_mode="int")))
assert "std" in str(expect_error(ValueError, lambda: layers.Normalization(mean=0.0, std=1.0)))  # variance=, not std=
assert "bin_boundaries" in str(expect_error(ValueError, lambda: layers.Discretization(num_bins=3)(np.array([1.0]))))
expect_error(Exception, lambda: layers.TextVectorization()(np.array(["not adapted"])))  # adapt (or vocabulary=) first
assert "list or tuple" in str(expect_error(ValueError, lambda: layers.HashedCrossing(num_bins=4)(np.array(["a", "b"]))))
error = expect_error(ValueError, lambda: layers.SpectralNormalization(layers.Dense(2), axis=0))
assert "axis" in str(error)
print(type(error).__name__, ":", str(error)[:80])


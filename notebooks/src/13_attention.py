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
# # 13 · Attention layers
#
# An attention layer lets every position of a sequence **look at other positions** and take a
# weighted average of what it finds there, with weights computed from the data itself. You compute
# attention by hand, one head at a time, see why the scores are divided by √d, mask what a position
# may see, and train a small model whose attention learns where to look.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/notebooks/13_attention.ipynb)

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
# Keras, NumPy for the independent checks, matplotlib, the course utilities, and `softmax`: it turns
# each row of scores into positive weights that sum to 1 (weight 0 where a mask says `False`).

# %%
import keras
import matplotlib.pyplot as plt
import numpy as np

from helpers import plots
from helpers.nbtools import expect_error, to_numpy
from helpers.selfcheck import exercise

plots.use_course_style()
rng = np.random.default_rng(0)


def figure(*args, **kwargs):
    """plt.subplots, closed at once: plots.show displays the figure, once, with its reading."""
    fig, axes = plt.subplots(*args, **kwargs)
    plt.close(fig)
    return fig, axes


def softmax(scores, mask=None):
    """Softmax over the last axis; positions where mask is False get weight 0."""
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    e = np.exp(scores)
    return e / e.sum(axis=-1, keepdims=True)


def close(a, b, tol=1e-5):
    np.testing.assert_allclose(to_numpy(a), b, rtol=tol, atol=tol)

# %% [markdown]
# ## What
#
# Attention computes, for each **query** position $t$, a weighted average of **value** vectors
# $v_s$, where the weights come from comparing the query with a **key** $k_s$ at each position:
#
# $$a_{ts} = \operatorname{softmax}_s\big(\text{score}(q_t, k_s)\big), \qquad \text{out}_t = \sum_s a_{ts}\, v_s .$$
#
# Query $t$ spreads one unit of attention over the keys. Keras 3 has four such layers, which differ
# in the score and in whether they first learn projections: `Attention` (dot product q·k),
# `AdditiveAttention` (a tanh score), `MultiHeadAttention` (several **heads** with learned
# projections, the Transformer's) and `GroupQueryAttention` (heads that share keys and values).
# The cell checks the formula on `Attention`: its output is exactly softmax(Q Kᵀ) V in NumPy.

# %%
query = rng.normal(size=(2, 3, 4)).astype("float32")  # (batch, Tq, dim)
value = rng.normal(size=(2, 5, 4)).astype("float32")  # (batch, Tv, dim); key defaults to value
out = keras.layers.Attention()([query, value])
weights = softmax(query @ value.transpose(0, 2, 1))
close(out, weights @ value)
assert out.shape == (2, 3, 4)  # one output per query position, with the values' width
print("Attention()([q, v]) == softmax(q @ v.T) @ v, shape", tuple(out.shape))

# %% [markdown]
# ## Where
#
# - **In a model**: the layers take **two or three inputs** (query, value, optionally key), so they
#   live in functional models or custom layers, not in a `keras.Sequential` list. Self-attention
#   passes the same tensor as query and value; cross-attention takes queries from one sequence and
#   values from another.
# - **Call signatures differ**: `Attention` and `AdditiveAttention` take a *list*
#   `[query, value]` or `[query, value, key]`; `MultiHeadAttention` and `GroupQueryAttention` take
#   *arguments* `(query, value, key=None, ...)`.

# %%
x_in = keras.Input((6, 8))
y_in = keras.Input((10, 8))
cross = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)(x_in, y_in)  # queries from x, values from y
self_att = keras.layers.Attention()([x_in, x_in])  # self-attention: query = value
model = keras.Model([x_in, y_in], [cross, self_att])
assert [tuple(t.shape) for t in model.outputs] == [(None, 6, 8), (None, 6, 8)]
print("functional model outputs:", [tuple(t.shape) for t in model.outputs])

# %% [markdown]
# ## Why
#
# - **Content-based routing**: a convolution or an RNN mixes positions by distance; attention
#   mixes them by *what they contain*, so a far-away word is as easy to use as a neighbour.
# - **Parallel**: all positions are computed at once, unlike an RNN's loop over time.
# - **Inspectable**: the attention weights form a matrix you can draw and read.

# %% [markdown]
# ## When
#
# | Situation | Use |
# |---|---|
# | A decoder RNN attending over encoder states, no learned projections wanted | `Attention` (Luong) or `AdditiveAttention` (Bahdanau) |
# | Transformer blocks (text, vision patches, time series, tabular tokens) | `MultiHeadAttention` |
# | Large decoders where the key/value cache dominates memory | `GroupQueryAttention` |
# | Generation / language modelling (must not see the future) | any of them with `use_causal_mask=True` |
# | Padded batches of variable length | masks: `value_mask`/`mask=[q_mask, v_mask]` or `attention_mask` |

# %% [markdown]
# ## Who
#
# - **Bahdanau, Cho and Bengio (2015)** introduced additive attention for translation.
# - **Luong, Pham and Manning (2015)** proposed the dot-product ("multiplicative") score.
# - **Vaswani et al. (2017)**, *Attention Is All You Need*: scaled dot-product and multi-head
#   attention, the Transformer.
# - **Shazeer (2019)** proposed multi-query attention (one key/value head); **Ainslie et al.
#   (2023)** generalised it to grouped-query attention, used in Llama 2/3 and Mistral.

# %% [markdown]
# ## How
#
# ### `Attention`: dot-product scores, optional learned scale, or "concat" scores
#
# `keras.layers.Attention(use_scale=False, score_mode="dot", dropout=0.0)` is called on
# `[query, value]` or `[query, value, key]`. It learns **no projections**, so query and key must
# have the same width. `use_scale=True` learns one scalar multiplying the scores (initially 1);
# there is **no** division by √d, unlike `MultiHeadAttention` (why that division matters is shown
# there). `return_attention_scores=True` also returns the softmax weights; `score_mode="concat"` is
# in the deep dive.

# %%
key = rng.normal(size=(2, 5, 4)).astype("float32")  # a separate key this time
layer = keras.layers.Attention(use_scale=True)
out, att = layer([query, value, key], return_attention_scores=True)
print("weights:", [(w.name, tuple(w.shape), float(to_numpy(w))) for w in layer.weights])
layer.scale.assign(2.5)  # pretend training moved it
out, att = layer([query, value, key], return_attention_scores=True)
expected = softmax(2.5 * query @ key.transpose(0, 2, 1))  # fails if the layer divided by sqrt(d)
close(att, expected)
close(out, expected @ value)  # weights come from the key, the average is over the value
print("scores shape (batch, Tq, Tv):", tuple(att.shape))

# %% [markdown]
# ### `AdditiveAttention`: Bahdanau's score
#
# `keras.layers.AdditiveAttention(use_scale=True)` scores with $\sum_j w_j\tanh(q_j + k_j)$, where
# $w$ is a learned vector of the feature width ($w = 1$ without `use_scale`). Bahdanau's learned
# projections of q and k are yours to add, with `Dense` layers before the call.

# %%
additive = keras.layers.AdditiveAttention()
out, att = additive([query, value, key], return_attention_scores=True)
scale = to_numpy(additive.scale)
assert scale.shape == (4,)  # one learned weight per feature
scores = np.sum(scale * np.tanh(query[:, :, None, :] + key[:, None, :, :]), axis=-1)
close(att, softmax(scores))
close(out, softmax(scores) @ value)
print("AdditiveAttention scale vector:", np.round(scale, 3))

# %% [markdown]
# ### `MultiHeadAttention`: heads, projections, output projection
#
# A **head** is one complete attention computation with its own learned projections: it maps the
# query, the key and the value to a few features of its own (`key_dim` for query and key,
# `value_dim` for the value), computes its own attention map from them, and averages its own value
# vectors. `num_heads` heads run side by side on the same inputs, so each can learn to look for
# something different. Their outputs are concatenated and one **output projection** maps them back
# to the query's width.
#
# `keras.layers.MultiHeadAttention(num_heads, key_dim, value_dim=None, output_shape=None,
# use_bias=True, dropout=0.0)` stores these projections as four `EinsumDense` layers whose kernels
# keep the head as a separate axis. For query width `d_q` and value width `d_v` (the key defaults to
# the value), with `h` heads:
#
# | weight | shape | what it does |
# |---|---|---|
# | `query/kernel` | `(d_q, h, key_dim)` | one `(d_q, key_dim)` matrix per head |
# | `key/kernel` | `(d_v, h, key_dim)` | one `(d_v, key_dim)` matrix per head |
# | `value/kernel` | `(d_v, h, value_dim)` | one `(d_v, value_dim)` matrix per head |
# | `attention_output/kernel` | `(h, value_dim, d_q)` | mixes all heads back to width `d_q` |
#
# plus a bias for each, of its kernel's shape without the input axis, e.g. `(h, key_dim)` for the
# query; but `attention_output/bias` has shape `(d_q,)`. The output has the **query's** width (or
# `output_shape`).

# %%
mha = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=5)
q_seq = rng.normal(size=(2, 4, 6)).astype("float32")
v_seq = rng.normal(size=(2, 7, 8)).astype("float32")
out, att = mha(q_seq, v_seq, return_attention_scores=True)
shapes = {w.path.split("/", 1)[1]: tuple(w.shape) for w in mha.weights}
for name, shape in shapes.items():
    print(f"{name:28s}{shape}")
assert shapes == {
    "query/kernel": (6, 2, 3), "query/bias": (2, 3),
    "key/kernel": (8, 2, 3), "key/bias": (2, 3),
    "value/kernel": (8, 2, 5), "value/bias": (2, 5),
    "attention_output/kernel": (2, 5, 6), "attention_output/bias": (6,),
}
assert tuple(out.shape) == (2, 4, 6) and tuple(att.shape) == (2, 2, 4, 7)  # att: (batch, heads, T, S)

# %% [markdown]
# ### Inside `MultiHeadAttention`, one head at a time
#
# The layer above is now rebuilt in NumPy from its own weights, for the first sequence of the
# batch. The weights get random values first (the biases start at zero, and a forgotten bias must
# show).
#
# **Step 1 · Project.** Head `h` turns every query position into a `key_dim` vector with its own
# matrix `query/kernel[:, h]` and bias `query/bias[h]`, and every key/value position into a key
# vector and a value vector the same way.

# %%
for variable in mha.weights:
    variable.assign(rng.normal(size=variable.shape).astype("float32") * 0.3)
W = {v.path.split("/", 1)[1]: to_numpy(v) for v in mha.weights}  # "query/kernel" -> its array


def project(x, name, h):
    """Head h's projection of the positions x (length, width) with the `name` kernel and bias."""
    return x @ W[f"{name}/kernel"][:, h] + W[f"{name}/bias"][h]


q_h = project(q_seq[0], "query", 0)  # 4 query positions -> 4 vectors of key_dim = 3
k_h = project(v_seq[0], "key", 0)  # 7 key positions (the key defaults to the value) -> (7, 3)
v_h = project(v_seq[0], "value", 0)  # 7 value vectors of value_dim = 5
print("head 0: queries", q_h.shape, "keys", k_h.shape, "values", v_h.shape)

# %% [markdown]
# **Step 2 · Score, and why divide by √key_dim.** Every query vector is compared with every key
# vector by a dot product, a `(4, 7)` table of scores, divided by √key_dim before the softmax.
# Why: a dot product adds up `d` products of features, so with features of unit spread the scores
# spread like √d. A softmax of widely spread scores is nearly one-hot: the best key gets almost all
# the weight, and the gradient that could teach the layer to look elsewhere almost vanishes (the
# softmax is *saturated*). Dividing by √d brings the spread back to about 1 for any head size.
#
# A tiny experiment: random unit-variance queries and keys for three head sizes, one query against
# 8 keys (500 times); the spread of the scores and the weight of the best key, without and with
# the division.

# %%
demo = np.random.default_rng(1)
print("   d   spread of q·k   √d    largest weight: raw scores  scores / √d")
largest = {}
for d in (4, 64, 1024):
    q_demo = demo.normal(size=(500, 1, d))
    k_demo = demo.normal(size=(500, 8, d))
    raw = np.sum(q_demo * k_demo, axis=-1)  # (500, 8): one query against 8 keys, 500 times
    largest[d] = (softmax(raw).max(axis=-1).mean(), softmax(raw / np.sqrt(d)).max(axis=-1).mean())
    print(f"{d:5d}   {raw.std():12.1f}   {np.sqrt(d):4.0f}   {largest[d][0]:24.2f}  {largest[d][1]:11.2f}")
    assert abs(raw.std() / np.sqrt(d) - 1) < 0.05  # the spread of a dot product grows like √d
assert largest[1024][0] > 0.95  # raw scores: the softmax is nearly one-hot
assert all(0.3 < scaled < 0.4 for _, scaled in largest.values())  # scaled: the same soft spread for every d

# %% [markdown]
# Without the division, a head of 1024 features gives its best key almost all the weight before any
# learning; with it, the weights stay equally soft for every head size. (`Attention` has no such
# division; `use_scale=True` lets it learn a scale factor instead.)
#
# **Step 3 · Softmax and average.** The softmax turns each row of scaled scores into weights; the
# head's output at each query position is the weighted average of the value vectors. **Step 4 ·
# Heads together.** The same for every head, the head outputs side by side (`num_heads × value_dim`
# features), then the output projection back to the query's width. Both the attention map and the
# output equal the layer's.

# %%
out, att = mha(q_seq, v_seq, return_attention_scores=True)
a_h = softmax(q_h @ k_h.T / np.sqrt(3))  # (4, 7): row t = how query t spreads its attention
close(to_numpy(att)[0, 0], a_h)  # Keras's map of head 0 for sequence 0
assert not np.allclose(to_numpy(att)[0, 0], softmax(q_h @ k_h.T), atol=1e-3)  # fails without the 1/√3

head_outputs = []
for h in range(2):
    q_h, k_h, v_h = project(q_seq[0], "query", h), project(v_seq[0], "key", h), project(v_seq[0], "value", h)
    head_outputs.append(softmax(q_h @ k_h.T / np.sqrt(3)) @ v_h)  # (4, 5): weighted average of values
side_by_side = np.concatenate(head_outputs, axis=-1)  # (4, 2 * 5)
output_kernel = W["attention_output/kernel"].reshape(2 * 5, 6)  # (heads, value_dim, d_q) -> (10, 6)
by_hand = side_by_side @ output_kernel + W["attention_output/bias"]
close(to_numpy(out)[0], by_hand, tol=1e-4)
print("sequence 0, by hand, head by head == MultiHeadAttention:", by_hand.shape)

# %% [markdown]
# ### Masks: `attention_mask` and `use_causal_mask`
#
# `attention_mask` is a boolean `(batch, T, S)` tensor, `True` where query t may attend to key s.
# `use_causal_mask=True` lets each position see only itself and the past (a lower triangle).
# Masked pairs get weight exactly 0.

# %%
causal = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)
seq = rng.normal(size=(1, 5, 8)).astype("float32")
_, att = causal(seq, seq, use_causal_mask=True, return_attention_scores=True)
print(np.round(to_numpy(att)[0, 0], 2))
assert np.all(np.triu(to_numpy(att)[0, 0], k=1) == 0)  # nothing above the diagonal: no future

# %% [markdown]
# ### `GroupQueryAttention`: query heads share key/value heads
#
# `keras.layers.GroupQueryAttention(head_dim, num_query_heads, num_key_value_heads, ...)` projects
# the query into `num_query_heads` heads but the key and value into only `num_key_value_heads`
# heads; each key/value head is **repeated** for a group of
# `num_query_heads // num_key_value_heads` consecutive query heads. With
# `num_key_value_heads = num_query_heads` it is multi-head attention; with `1` it is multi-query
# attention. It has the same call signature as `MultiHeadAttention` (masks included) and also offers
# `sliding_window` and `use_gate`.

# %%
gqa = keras.layers.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2)
out, att = gqa(q_seq, v_seq, return_attention_scores=True)
shapes = {w.path.split("/", 1)[1]: tuple(w.shape) for w in gqa.weights}
print(shapes)
assert shapes["query/kernel"] == (6, 4, 3) and shapes["key/kernel"] == (8, 2, 3)  # 4 query heads, 2 kv heads
assert tuple(att.shape) == (2, 4, 4, 7)  # one attention map per *query* head

# %% [markdown]
# The picture of who shares what: eight query heads and the key/value head each one reads, for three
# settings of `num_key_value_heads`. Query head $i$ uses key/value head $\lfloor i / (8 / n_{kv})
# \rfloor$ (proved in the deep dive).

# %%
fig, axes = figure(1, 3, figsize=(11, 3.4))
for ax, n_kv in zip(axes, (8, 2, 1), strict=True):
    group = 8 // n_kv  # consecutive query heads per key/value head
    for i in range(8):
        centre = (i // group) * group + (group - 1) / 2  # where query head i's key/value head sits
        ax.plot([i, centre], [1.6, 0.4], color="#555555", lw=0.8)
        ax.text(i, 1.9, f"Q{i}", ha="center", va="center", fontsize=8, bbox={"color": plots.TRAINABLE_COLOUR})
    for j in range(n_kv):
        ax.text(j * group + (group - 1) / 2, 0.2, f"KV{j}", ha="center", va="center", fontsize=8,
                color="white", bbox={"color": plt.get_cmap("tab10")(j)})
    ax.set_xlim(-0.8, 7.8), ax.set_ylim(-0.2, 2.4), ax.axis("off")
    ax.set_title(f"num_key_value_heads = {n_kv}", fontsize=10)
fig.suptitle("Query heads (top) and the key/value head each one reads (bottom)", fontweight="bold", y=1.04)
plots.show(fig, "Notice that with 8 key/value heads every query head has its own, with 2 each "
           "group of 4 consecutive query heads shares one, and with 1 all eight query heads share one.")

# %% [markdown]
# ## Pros
#
# - Any position can use any other in one step, in parallel over positions.
# - Masks make padding and causality explicit and exact.
# - `GroupQueryAttention` cuts key/value parameters and cache size.

# %% [markdown]
# ## Cons
#
# - Cost grows as T × S (time and memory): long sequences get expensive.
# - No notion of order: add positional information yourself (e.g. a position embedding).
# - `Attention`/`AdditiveAttention` learn no projections: query and key must have the same width.
# - Attention maps are a hint, not a proof, of what a model "uses".

# %% [markdown]
# ## Picture
#
# ### One head's weights, with and without the causal mask
#
# Self-attention of a 6-token sequence through an **untrained** `MultiHeadAttention` layer (two
# heads, random weights). Row t is query t's attention over the keys; every row sums to 1. With
# `use_causal_mask=True` a row sees only itself and earlier tokens, and its weights are
# renormalised over them. An untrained head prefers no key for a reason; compare the trained head
# of the Application.

# %%
mha_pic = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4, seed=1)
tokens = rng.normal(size=(1, 6, 8)).astype("float32")
maps = {
    "no mask": to_numpy(mha_pic(tokens, tokens, return_attention_scores=True)[1])[0],
    "causal mask": to_numpy(
        mha_pic(tokens, tokens, use_causal_mask=True, return_attention_scores=True)[1])[0],
}
fig, axes = figure(2, 2, figsize=(8.5, 7.5))
for row, (title, heads) in enumerate(maps.items()):
    for h in range(2):
        ax = axes[row, h]
        image = ax.imshow(heads[h], cmap="viridis", vmin=0, vmax=1)
        for t in range(6):
            for s in range(6):
                ax.text(s, t, f"{heads[h][t, s]:.2f}", ha="center", va="center", fontsize=7,
                        color="white" if heads[h][t, s] < 0.5 else "black")
        ax.set_title(f"{title}, head {h}")
        ax.set_xlabel("key position s")
        ax.set_ylabel("query position t")
        ax.grid(False)
fig.colorbar(image, ax=axes, shrink=0.6, label="attention weight a[t, s]")
unmasked, masked = maps["no mask"], maps["causal mask"]
assert np.all(np.triu(masked, k=1) == 0)  # both heads: nothing above the diagonal
close(masked[:, 0, 0], np.ones(2))  # row 0 sees only key 0
close(masked[:, -1], unmasked[:, -1])  # the last row is unchanged by the mask
plots.show(fig, "Notice that the causal mask leaves the upper triangle at exactly 0 and gives row 0 all its "
           "weight (1.00) on key 0, while the last row equals the unmasked one; untrained, the weights "
           f"(largest {unmasked.max():.2f}) follow no pattern yet.")

# %% [markdown]
# ## Table
#
# | Layer | Inputs | Learned weights | Score | Main arguments |
# |---|---|---|---|---|
# | `Attention` | `[query, value]` or `[query, value, key]` | none; a scalar `scale` if `use_scale` | dot product (× scale) | `use_scale`, `score_mode`, `dropout` |
# | `AdditiveAttention` | same | a `scale` vector if `use_scale` | additive (tanh) | `use_scale`, `dropout` |
# | `MultiHeadAttention` | `query, value, key=None` | query, key, value and output projections + biases | dot product per head / √key_dim | `num_heads`, `key_dim`, `value_dim`, `output_shape` |
# | `GroupQueryAttention` | `query, value, key=None` | same, with fewer key/value heads | same | `head_dim`, `num_query_heads`, `num_key_value_heads`, `sliding_window` |
#
# Common call arguments: masks (`mask=[query_mask, value_mask]` for the first two;
# `query_mask`/`value_mask`/`attention_mask` for the last two), `use_causal_mask`,
# `return_attention_scores`, `training` (for dropout).


# %% [markdown]
# ## Example
#
# ### Padding: a `value_mask` for `Attention`
#
# Two sequences padded to length 5; the second has only 3 real steps. Passing
# `mask=[None, value_mask]` makes the padded keys receive zero weight.

# %%
value_mask = np.array([[True] * 5, [True, True, True, False, False]])
out, att = keras.layers.Attention()([query, value], mask=[None, value_mask], return_attention_scores=True)
print(np.round(to_numpy(att)[1], 3))
assert np.all(to_numpy(att)[1, :, 3:] == 0)  # padded steps get nothing
close(out, softmax(query @ value.transpose(0, 2, 1), value_mask[:, None, :]) @ value)

# %% [markdown]
# ## Proof
#
# ### `use_causal_mask`: a future token cannot change the past
#
# `MultiHeadAttention` was proved equal to NumPy step by step in How. Here, the promise that makes
# language models possible: self-attention on a sequence, then the same sequence with only
# its **last** token changed. With the causal mask, outputs at positions 0…T−2 are unchanged and
# only the last one moves; without it, every position changes (so the test can fail).

# %%
self_mha = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)
seq = rng.normal(size=(1, 6, 8)).astype("float32")
changed = seq.copy()
changed[0, -1] = rng.normal(size=8) * 3  # a different future token

before = to_numpy(self_mha(seq, seq, use_causal_mask=True))
after = to_numpy(self_mha(changed, changed, use_causal_mask=True))
np.testing.assert_allclose(after[0, :-1], before[0, :-1], rtol=1e-5, atol=1e-6)  # past untouched
assert not np.allclose(after[0, -1], before[0, -1])  # the changed position itself moves

no_mask_before = to_numpy(self_mha(seq, seq))
no_mask_after = to_numpy(self_mha(changed, changed))
assert all(not np.allclose(no_mask_after[0, t], no_mask_before[0, t]) for t in range(5))  # all leak
print("causal: positions 0..4 unchanged when token 5 changes; without the mask all 6 change")

# %% [markdown]
# ## Application
#
# ### Attention learns where to look: "read the flagged token"
#
# Each example is a sequence of 8 tokens; a token is a random number and a flag, and exactly one
# token is flagged. The target is the number of the flagged token. A model can solve this only by
# finding the flag, whatever its position: a job for attention. The model projects each token,
# applies self-attention (one `MultiHeadAttention` layer, 2 heads), averages over positions and
# reads out a number. After training, the attention maps of at least one head should put most weight
# on the flagged key; the maps drawn are those of that head.

# %%
def flagged_tokens(n, length=8):
    numbers = rng.uniform(-1, 1, (n, length))
    position = rng.integers(0, length, n)
    flags = np.zeros((n, length))
    flags[np.arange(n), position] = 1.0
    x = np.stack([numbers, flags], axis=-1).astype("float32")
    return x, numbers[np.arange(n), position].astype("float32")[:, None], position


x_train, y_train, _ = flagged_tokens(1024)
x_test, y_test, pos_test = flagged_tokens(300)

keras.utils.set_random_seed(3)
tokens_in = keras.Input((8, 2))
embed = keras.layers.Dense(16, name="embed")
embedded = embed(tokens_in)
reader = keras.layers.MultiHeadAttention(num_heads=2, key_dim=8, name="reader")
attended = reader(embedded, embedded)
pooled = keras.layers.GlobalAveragePooling1D()(attended)
prediction = keras.layers.Dense(1)(pooled)
flag_model = keras.Model(tokens_in, prediction)
flag_model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
history = flag_model.fit(x_train, y_train, epochs=40, batch_size=256, verbose=0)

# %%
test_embedded = embed(x_test)  # call the trained layers directly to read the maps
maps = to_numpy(reader(test_embedded, test_embedded, return_attention_scores=True)[1])  # (n, heads, T, S)
on_flag = maps.mean(axis=2)[np.arange(len(x_test)), :, pos_test]  # (n, heads): mean over query positions
best_head = int(np.argmax(on_flag.mean(axis=0)))

fig, axes = figure(1, 3, figsize=(12, 3.6))
axes[0].plot(history.history["loss"], color="#1f77b4")
axes[0].set_yscale("log")
axes[0].set_xlabel("epoch")
axes[0].set_ylabel("training MSE (log scale)")
axes[0].set_title("Training loss")
for ax, i in zip(axes[1:], (0, 1), strict=True):
    image = ax.imshow(maps[i, best_head], cmap="viridis", vmin=0, vmax=1)
    ax.axvline(pos_test[i], color="#c0392b", ls="--", lw=1.5, label="flagged token")
    ax.set_title(f"Test sequence {i}: head {best_head}")
    ax.set_xlabel("key position")
    ax.set_ylabel("query position")
    ax.grid(False)
    ax.legend(loc="lower right", fontsize=8, frameon=True)
fig.colorbar(image, ax=axes[1:], shrink=0.8, label="weight")
share = on_flag[[0, 1], best_head]  # the head's attention on the flagged key, per drawn sequence
loss = history.history["loss"]
plots.show(fig, f"Notice that the training loss falls from {loss[0]:.2f} to {loss[-1]:.1e} and that in both test "
           f"sequences head {best_head} puts {share[0]:.0%} and {share[1]:.0%} of its attention, averaged "
           "over query positions, on the flagged token (the dashed line); a uniform head would give 1/8.")

# %% [markdown]
# The proof that the model learned the task and that attention does the finding: the test MSE is
# far below that of the best constant guess (the variance of the targets, computed in NumPy), and
# in its most focused head more than half the attention mass lands on the one flagged key out of eight (a
# uniform map would give 1/8).

# %%
mse = float(np.mean((to_numpy(flag_model.predict(x_test, verbose=0)) - y_test) ** 2))
baseline = float(np.var(y_test))
print(f"test MSE {mse:.4f} vs constant guess {baseline:.4f}")
per_head = np.round(on_flag.mean(axis=0), 2)
print(f"mean attention on the flagged key, per head: {per_head} (uniform: {1 / 8:.3f})")
assert mse < 0.2 * baseline
assert on_flag.mean(axis=0)[best_head] > 0.5

# %% [markdown]
# ## Key terms
#
# - **Query, key, value**: the query asks, keys are compared with it, values are averaged with the
#   resulting weights.
# - **Scaled dot-product attention**: dot-product scores divided by √key_dim, because a dot
#   product of d features spreads like √d and would saturate the softmax (How, step 2).
# - **Saturated softmax**: nearly one-hot weights, whose gradient almost vanishes.
# - **Head**: its own projections and its own attention map; heads run side by side.
# - **Self-attention / cross-attention**: query and value from one sequence / from two.
# - **Attention mask**: booleans (T, S), `False` pairs get weight 0; the **causal mask** hides the
#   future.
# - **Grouped-query attention**: a few key/value heads, each shared by a group of query heads.

# %% [markdown]
# ## Summary
#
# - `Attention` = softmax(q·kᵀ)·v, no projections and **no** 1/√d; `AdditiveAttention` scores
#   with Σ w·tanh(q + k).
# - `MultiHeadAttention`: each head projects query, key and value with its own matrices, scores
#   q·k/√key_dim (a dot product spreads like √d; unscaled, the softmax saturates), averages its
#   values; the heads are concatenated and projected back to the query's width.
# - `attention_mask` and `use_causal_mask` give masked pairs weight exactly 0; with the causal
#   mask a future token cannot change past outputs.
# - `GroupQueryAttention`: consecutive groups of query heads share a key/value head.
# - These layers take two or three inputs: use them in functional models, not `Sequential` lists.

# %% [markdown]
# ## Exercises
#
# Each exercise prints its task; `ex.check(...)` says what is right and what is not yet. The hint and
# the solution are there when you ask for them.
#
# ### Exercise 13.1 · Scaled dot-product attention in NumPy
#
# One head, no projections: the computation of steps 2 and 3, with a mask.

# %%
ex = exercise("13.1")


def attention(q, k, v, mask=None):
    ...  # your code here: return (output, weights)


ex.check(attention)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 13.2 · Predict the weight shapes of `MultiHeadAttention`
#
# With `value_dim` and `output_shape` too: the table of How, extended.

# %%
ex = exercise("13.2")


def mha_weight_shapes(d_q, d_v, num_heads, key_dim, value_dim=None, output_shape=None):
    ...  # your code here: return {"query/kernel": (...), ...}


ex.check(mha_weight_shapes)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 13.3 · Which keys may a sliding window see?
#
# Find out by experiment what `GroupQueryAttention(..., sliding_window=w)` lets a position see.

# %%
ex = exercise("13.3")


def sliding_window_mask(length, window, causal=False):
    ...  # your code here: a (length, length) boolean array, True = may attend


ex.check(sliding_window_mask)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ## Deep dive (optional)
#
# The proofs below are there for trust rather than for understanding: every remaining option of the
# four layers, each compared with NumPy on a case where a plausible wrong version gives another
# result, the parameter formulas, and what changed from Keras 2.

# %% [markdown]
# ### All heads and the whole batch at once: `mha_numpy`
#
# This turns the head-by-head loop of How into one function for every head and every sequence,
# the reference the proofs below compare the multi-head layers against. Each `np.einsum` is one
# step of How: `"btd,dhk->bthk"` reads "for batch b, position t and head h, sum over the input
# feature d", which is `project` for all heads at once. `kv_head_of` and `scale` serve
# `GroupQueryAttention` and a check that leaves out the √key_dim.

# %%
def mha_numpy(layer, query, value, key=None, mask=None, kv_head_of=None, scale=None):
    """Scaled dot-product multi-head attention computed in NumPy from `layer`'s own weights.

    query (B, T, d_q), value/key (B, S, d_v); mask (B, T, S) booleans, True = may attend.
    kv_head_of[i] is the key/value head used by query head i (identity for multi-head attention);
    scale defaults to 1/sqrt(key_dim).
    Returns the output (B, T, d_q) and the attention weights (B, heads, T, S).
    """
    key = value if key is None else key
    w = {v.path.split("/", 1)[1]: to_numpy(v) for v in layer.weights}
    q = np.einsum("btd,dhk->bthk", query, w["query/kernel"]) + w["query/bias"]  # step 1, every head
    k = np.einsum("bsd,dhk->bshk", key, w["key/kernel"]) + w["key/bias"]
    v = np.einsum("bsd,dhk->bshk", value, w["value/kernel"]) + w["value/bias"]
    if kv_head_of is not None:  # grouped queries: query head i reads key/value head kv_head_of[i]
        k, v = k[:, :, kv_head_of], v[:, :, kv_head_of]
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    scores = np.einsum("bthk,bshk->bhts", q, k) * scale  # step 2: q_h @ k_h.T / √key_dim, per head
    weights = softmax(scores, None if mask is None else mask[:, None])  # step 3
    heads = np.einsum("bhts,bshk->bthk", weights, v)  # step 3: weighted average of the values
    output = np.einsum("bthk,hkd->btd", heads, w["attention_output/kernel"]) + w["attention_output/bias"]  # step 4
    return output, weights


out, att = mha(q_seq, v_seq, return_attention_scores=True)  # the How layer, weights as set there
expected_out, expected_att = mha_numpy(mha, q_seq, v_seq)
close(att, expected_att)
close(out, expected_out, tol=1e-4)
close(expected_out[0], by_hand, tol=1e-4)  # the batched version is the loop above
print("mha_numpy == MultiHeadAttention for the whole batch, both heads")

# %% [markdown]
# ### `MultiHeadAttention` = NumPy with a separate key of another width
#
# This proves that `mha_numpy` still matches when key, value and query all have different widths,
# which the How example did not test. It projects with the layer's kernels and biases, scales by
# $1/\sqrt{\text{key\_dim}}$, applies the softmax per head, and projects the concatenated heads
# with the output kernel. Cross-attention with a separate key, query width ≠ value width, so that a
# mix-up of any two projections changes the result.

# %%
mha = keras.layers.MultiHeadAttention(num_heads=3, key_dim=4, value_dim=2)
q_seq = rng.normal(size=(2, 5, 6)).astype("float32")
v_seq = rng.normal(size=(2, 7, 8)).astype("float32")
k_seq = rng.normal(size=(2, 7, 9)).astype("float32")  # key width 9: differs from value's 8
out, att = mha(q_seq, v_seq, k_seq, return_attention_scores=True)
for w in mha.weights:  # random biases too, so a forgotten bias would show
    w.assign(rng.normal(size=w.shape).astype("float32") * 0.3)
out, att = mha(q_seq, v_seq, k_seq, return_attention_scores=True)
expected_out, expected_att = mha_numpy(mha, q_seq, v_seq, k_seq)
close(att, expected_att)
close(out, expected_out, tol=1e-4)
unscaled_out, _ = mha_numpy(mha, q_seq, v_seq, k_seq, scale=1.0)
assert not np.allclose(to_numpy(out), unscaled_out, atol=1e-3)  # fails if 1/sqrt(key_dim) were missing
n_params = (6 + 1) * 3 * 4 + (9 + 1) * 3 * 4 + (8 + 1) * 3 * 2 + (3 * 2 + 1) * 6
assert mha.count_params() == n_params
print(f"MultiHeadAttention matches NumPy; {n_params} parameters as the formula says")

# %% [markdown]
# ### `attention_mask`: masked pairs get weight 0, and the rest is renormalised
#
# A random boolean mask (each query keeps at least one key). NumPy sets masked scores to $-\infty$
# before the softmax. The causal output of the Proof also equals NumPy with a lower-triangular mask.

# %%
mask = rng.random((2, 5, 7)) < 0.5
mask[:, :, 0] = True  # every query may attend to at least one key
out, att = mha(q_seq, v_seq, k_seq, attention_mask=mask, return_attention_scores=True)
expected_out, expected_att = mha_numpy(mha, q_seq, v_seq, k_seq, mask=mask)
close(att, expected_att)
close(out, expected_out, tol=1e-4)
assert np.all(to_numpy(att)[np.broadcast_to(~mask[:, None], att.shape)] == 0)
print(f"{(~mask).sum()} of {mask.size} query-key pairs masked; all got weight 0")
lower = np.tril(np.ones((6, 6), bool))[None]
close(before, mha_numpy(self_mha, seq, seq, mask=lower)[0], tol=1e-4)  # the Proof's causal layer

# %% [markdown]
# ### `Attention(score_mode="concat")` and `use_scale`
#
# With `score_mode="concat"` the score is $c\sum_j\tanh(s\,(q_j+k_j))$ with $c$ the
# `concat_score_weight` and $s$ the scale (1 without `use_scale`). Setting $c = 0.7$, $s = 1.8$
# makes both visible.

# %%
concat = keras.layers.Attention(score_mode="concat", use_scale=True)
concat([query, value, key])
concat.concat_score_weight.assign(0.7)
concat.scale.assign(1.8)
out, att = concat([query, value, key], return_attention_scores=True)
scores = 0.7 * np.sum(np.tanh(1.8 * (query[:, :, None, :] + key[:, None, :, :])), axis=-1)
close(att, softmax(scores))
close(out, softmax(scores) @ value)

plain = keras.layers.Attention(score_mode="concat")
plain([query, value])
assert [w.name for w in plain.weights] == ["concat_score_weight"]  # no scale without use_scale
print("concat score proved; weights:", [w.name for w in concat.weights])

# %% [markdown]
# ### `Attention` and `AdditiveAttention` with `use_causal_mask` and a query mask
#
# Causal masking works the same way; a `query_mask` (first entry of `mask`) zeroes the outputs of
# masked query positions.

# %%
square_q = rng.normal(size=(2, 5, 4)).astype("float32")
lower = np.tril(np.ones((5, 5), bool))
out = keras.layers.Attention()([square_q, value], use_causal_mask=True)
close(out, softmax(square_q @ value.transpose(0, 2, 1), lower) @ value)

additive = keras.layers.AdditiveAttention(use_scale=False)
query_mask = np.array([[True, True, True, False, False]] * 2)
out = additive([square_q, value], mask=[query_mask, None], use_causal_mask=True)
scores = np.sum(np.tanh(square_q[:, :, None, :] + value[:, None, :, :]), axis=-1)
expected = (softmax(scores, lower) @ value) * query_mask[..., None]
close(out, expected)
assert not additive.weights  # use_scale=False: no weights at all
print("causal + query mask proved for Attention and AdditiveAttention")

# %% [markdown]
# ### `GroupQueryAttention`: key/value heads shared by groups of query heads
#
# NumPy with `kv_head_of = [0, 0, 1, 1, 2, 2]` (6 query heads, 3 key/value heads) reproduces the
# layer. A plausible wrong grouping, interleaved `[0, 1, 2, 0, 1, 2]`, does not, so the test
# distinguishes them. The scores of two query heads in one group differ (own queries), but they
# average the **same** value vectors.

# %%
gqa = keras.layers.GroupQueryAttention(head_dim=4, num_query_heads=6, num_key_value_heads=3)
gqa(q_seq, v_seq, k_seq)
for w in gqa.weights:
    w.assign(rng.normal(size=w.shape).astype("float32") * 0.3)
out, att = gqa(q_seq, v_seq, k_seq, return_attention_scores=True)
grouped = [0, 0, 1, 1, 2, 2]
expected_out, expected_att = mha_numpy(gqa, q_seq, v_seq, k_seq, kv_head_of=grouped)
close(att, expected_att)
close(out, expected_out, tol=1e-4)
wrong_out, _ = mha_numpy(gqa, q_seq, v_seq, k_seq, kv_head_of=[0, 1, 2, 0, 1, 2])
assert not np.allclose(to_numpy(out), wrong_out, atol=1e-3)  # fails if groups were interleaved

mask = rng.random((2, 5, 7)) < 0.6
mask[:, :, -1] = True
out, att = gqa(q_seq, v_seq, k_seq, attention_mask=mask, return_attention_scores=True)
close(out, mha_numpy(gqa, q_seq, v_seq, k_seq, mask=mask, kv_head_of=grouped)[0], tol=1e-4)
print("GroupQueryAttention = NumPy with query heads (0,1)->kv0, (2,3)->kv1, (4,5)->kv2; masks too")

# %% [markdown]
# ### `GroupQueryAttention` spans multi-head and multi-query attention; parameter counts
#
# With `num_key_value_heads = num_query_heads`, GQA is multi-head attention: given the same weights
# as a `MultiHeadAttention(num_heads, key_dim=head_dim)` it gives the same output, and it has the
# same parameter count. With `num_key_value_heads = 1` (multi-query) the key and value projections
# shrink by the factor `num_query_heads`. The counts are checked
# against the formulas: `MultiHeadAttention` with query width $d_q$,
# value/key width $d_v$, $h$ heads, key_dim $k$, value_dim $v$ (biases on) has
# $(d_q+1)hk + (d_v+1)hk + (d_v+1)hv + (hv+1)d_q$ parameters; `GroupQueryAttention` with $n_q$ query
# heads, $n_{kv}$ key/value heads and head_dim $k$ has $(d_q+1)n_qk + 2(d_v+1)n_{kv}k + (n_qk+1)d_q$.

# %%
def gqa_params(d_q, d_v, n_q, n_kv, k):
    return (d_q + 1) * n_q * k + 2 * (d_v + 1) * n_kv * k + (n_q * k + 1) * d_q


d_model, n_q, head = 16, 8, 4
x = rng.normal(size=(2, 6, d_model)).astype("float32")
counts = {}
for n_kv in (8, 4, 2, 1):
    layer = keras.layers.GroupQueryAttention(head_dim=head, num_query_heads=n_q, num_key_value_heads=n_kv)
    layer(x, x)
    counts[n_kv] = layer.count_params()
    assert counts[n_kv] == gqa_params(d_model, d_model, n_q, n_kv, head), n_kv

as_mha = keras.layers.GroupQueryAttention(head_dim=head, num_query_heads=n_q, num_key_value_heads=n_q)
reference = keras.layers.MultiHeadAttention(num_heads=n_q, key_dim=head)
as_mha(x, x), reference(x, x)
assert as_mha.count_params() == reference.count_params()
reference.set_weights(as_mha.get_weights())  # same shapes, same order
close(reference(x, x), to_numpy(as_mha(x, x)), tol=1e-5)

kv_full = 2 * (d_model + 1) * n_q * head
kv_mqa = 2 * (d_model + 1) * 1 * head
assert counts[8] - counts[1] == kv_full - kv_mqa
print("parameters by num_key_value_heads:", counts)
print(f"multi-query saves {counts[8] - counts[1]} key/value parameters = (1 - 1/{n_q}) of them")

# %% [markdown]
# ### A Transformer encoder block, parameters counted by hand
#
# This shows `MultiHeadAttention` inside the block that BERT-style encoders stack: self-attention,
# a residual connection and layer normalisation, then a position-wise feed-forward network; the
# parameter count is checked against the sum of its parts.

# %%
def encoder_block(x, heads=2, key_dim=8, ff=32):
    attended = keras.layers.MultiHeadAttention(num_heads=heads, key_dim=key_dim)(x, x)
    x = keras.layers.LayerNormalization()(x + attended)
    hidden = keras.layers.Dense(ff, activation="relu")(x)
    return keras.layers.LayerNormalization()(x + keras.layers.Dense(x.shape[-1])(hidden))


inputs = keras.Input((10, 16))
encoder = keras.Model(inputs, encoder_block(inputs), name="encoder_block")
mha_params = (16 + 1) * 2 * 8 * 3 + (2 * 8 + 1) * 16  # q, k, v projections + output projection
ff_params = (16 + 1) * 32 + (32 + 1) * 16
norm_params = 2 * 2 * 16
assert encoder.count_params() == mha_params + ff_params + norm_params
print(f"encoder block: {encoder.count_params()} parameters; output {tuple(encoder.output.shape)}")

# %% [markdown]
# ### `Sequential([MultiHeadAttention(...)])`, `Sequential([Attention()])`: neither works
#
# A `Sequential` model calls each layer with one tensor. `MultiHeadAttention` needs `query` and
# `value` arguments; `Attention` and `AdditiveAttention` need a list `[query, value]`. Building the
# model raises a `ValueError` that says so, for each of the three (fails if any of them accepted a
# single tensor).

# %%
def sequential_with(layer):
    return keras.Sequential([keras.Input((5, 8)), layer])


error = expect_error(ValueError, lambda: sequential_with(keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)))
assert "single required positional argument" in str(error)
print("MultiHeadAttention:", str(error)[:120])
for list_layer in (keras.layers.Attention(), keras.layers.AdditiveAttention()):
    error = expect_error(ValueError, lambda list_layer=list_layer: sequential_with(list_layer))
    assert "must be called on a list of inputs" in str(error)
    print(f"{type(list_layer).__name__}:", str(error)[:120])

# %% [markdown]
# ### Only query and key must have the same width
#
# `Attention` and `AdditiveAttention` compare query and key entry by entry, so their widths must
# match; the value is only averaged, so it may be wider, and the output takes its width. Below, a
# width-4 query and key with a width-6 value give outputs of width 6 equal to NumPy's (fails if the
# layers required equal widths of all inputs); a width-3 key is refused. The error type depends on
# the backend (TensorFlow's `InvalidArgumentError`, JAX's `TypeError`, PyTorch's `RuntimeError`),
# so the cell checks only that one is raised.

# %%
wide_value = rng.normal(size=(2, 5, 6)).astype("float32")
dot_out = keras.layers.Attention()([query, wide_value, key])
close(dot_out, softmax(query @ key.transpose(0, 2, 1)) @ wide_value)
additive = keras.layers.AdditiveAttention(use_scale=False)
additive_out = additive([query, wide_value, key])
close(additive_out, softmax(np.tanh(query[:, :, None, :] + key[:, None, :, :]).sum(-1)) @ wide_value)
assert tuple(dot_out.shape) == tuple(additive_out.shape) == (2, 3, 6)
narrow_key = rng.normal(size=(2, 5, 3)).astype("float32")
for layer in (keras.layers.Attention(), keras.layers.AdditiveAttention()):
    error = expect_error(Exception, lambda layer=layer: layer([query, wide_value, narrow_key]))
    print(f"{type(layer).__name__} with a width-3 key:", type(error).__name__)
print("value of width 6 with query/key of width 4 -> output", tuple(dot_out.shape))

# %% [markdown]
# ### Keras 2 → 3
#
# What older tutorials and Keras 2 code say about these layers, and what Keras 3 does (each point is
# proved in a cell of this notebook). In Keras: `Attention` and `AdditiveAttention` since TF 2.0,
# `MultiHeadAttention` since TF 2.4, `GroupQueryAttention` in Keras 3.
#
# - Older tutorials say grouped-query attention is "not standard in Keras". In Keras 3 it is a
#   built-in layer, `keras.layers.GroupQueryAttention` (proved in How and in this deep dive).
# - A common mistake puts `Attention()`, `AdditiveAttention()` or `MultiHeadAttention(...)` as an
#   entry of a `Sequential` list. These layers need a query and a value; a `Sequential` model passes
#   a single tensor, so building the model fails, for all three (proved in the deep dive). Use
#   the functional API.
# - A common claim gives `Attention` the formula $\operatorname{softmax}(QK^\top/\sqrt{d_k})V$;
#   Keras's `Attention` has **no** $1/\sqrt{d_k}$ (only an optional learned scale).
#   `MultiHeadAttention` and `GroupQueryAttention` do scale by $1/\sqrt{\text{key\_dim}}$.
# - Additive attention is often written $\operatorname{softmax}(W_a[Q;K])V$; Keras computes
#   $\operatorname{softmax}(\sum_j w_j\tanh(q_j+k_j))V$.

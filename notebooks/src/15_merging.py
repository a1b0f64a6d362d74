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
# # 15 · Merging layers
#
# A merging layer takes a **list of tensors** and returns one: `Add`, `Subtract`, `Multiply`,
# `Average`, `Maximum` and `Minimum` combine them element by element, `Concatenate` joins them
# along an axis, and `Dot` takes dot products (optionally cosine similarities). Each has a
# lower-case **functional form** (`keras.layers.add`, …). They make a model a graph instead of a
# chain: residual connections, multi-input models, feature fusion, similarity heads. You compute
# each in NumPy, learn which shapes merge, and build, draw and train a residual block and a
# two-input model.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/notebooks/15_merging.ipynb)

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
# The tools used all along: Keras, NumPy for the independent checks, matplotlib in the course style,
# scikit-learn's digits for the application, and the course utilities.

# %%
import keras
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits

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


def close(a, b, tol=1e-5):
    np.testing.assert_allclose(to_numpy(a), b, rtol=tol, atol=tol)

# %% [markdown]
# ## What
#
# Given inputs $x_1, \dots, x_n$ of the same shape, the element-wise merging layers compute
#
# | layer | output |
# |---|---|
# | `Add` | $x_1 + x_2 + \dots + x_n$ |
# | `Subtract` | $x_1 - x_2$ (exactly two inputs) |
# | `Multiply` | $x_1 \odot x_2 \odot \dots \odot x_n$ |
# | `Average` | $(x_1 + \dots + x_n)/n$ |
# | `Maximum` / `Minimum` | element-wise max / min over the inputs |
#
# `Concatenate(axis=-1)` stacks the inputs along one axis (the others must match), and
# `Dot(axes, normalize=False)` takes the dot product of two inputs along the given axes, per
# example. None of them has weights. The cell checks `Add` on three inputs.

# %%
x1, x2, x3 = (rng.normal(size=(4, 5)).astype("float32") for _ in range(3))
close(keras.layers.Add()([x1, x2, x3]), x1 + x2 + x3)
assert not keras.layers.Add().weights
print("Add()([x1, x2, x3]) == x1 + x2 + x3")

# %% [markdown]
# ## Where
#
# - **In the API**: the classes `keras.layers.Add`, `Subtract`, `Multiply`, `Average`, `Maximum`,
#   `Minimum`, `Concatenate`, `Dot`, and the functions `keras.layers.add`, `subtract`, `multiply`,
#   `average`, `maximum`, `minimum`, `concatenate`, `dot`.
# - **In a model**: wherever two paths meet, so in the **functional API** (or inside a custom
#   layer or model); a `Sequential` model has a single path and no place for them.
# - **Called on a list**: `Add()([a, b])`, `keras.layers.add([a, b])`; both accept Keras symbolic
#   tensors (building a graph) and real arrays (computing at once).

# %%
a_in, b_in = keras.Input((5,), name="a"), keras.Input((5,), name="b")
merged_model = keras.Model([a_in, b_in], keras.layers.add([a_in, b_in]))
close(merged_model([x1, x2]), x1 + x2)
print("a model with two inputs merged by keras.layers.add:", merged_model.output_shape)

# %% [markdown]
# ## Why
#
# - **Residual connections** (`Add`): $y = x + f(x)$ lets very deep networks train, because the
#   gradient has a direct path through the addition.
# - **Multi-input models** (`Concatenate`): tabular features, an image and a text branch, each
#   processed by its own layers and joined before the head.
# - **Gating and attention** (`Multiply`, `Dot`): one path scales another; dot products score
#   similarity.
# - **Ensembles** (`Average`, `Maximum`): combine the predictions of several sub-models inside one
#   model.
# - **Differences** (`Subtract`): compare two encodings, e.g. $|f(a) - f(b)|$ in a Siamese network.

# %% [markdown]
# ## When
#
# | Need | Layer |
# |---|---|
# | Skip connection of the same width | `Add` |
# | Keep both feature sets, let the next layer weigh them | `Concatenate` |
# | One branch gates another (values in [0, 1]) | `Multiply` |
# | Ensemble of predictions | `Average` (or `Maximum` for a max-vote of scores) |
# | Difference of two encodings | `Subtract` |
# | Similarity of two vectors / attention scores | `Dot` (`normalize=True` for cosine) |
# | Element-wise envelope (clip one signal by another) | `Maximum` / `Minimum` |

# %% [markdown]
# ## Who
#
# - **He, Zhang, Ren and Sun (2015)**, ResNet: the residual `Add` that made 100+ layer networks
#   trainable.
# - **Szegedy et al. (2014)**, Inception: parallel branches joined by concatenation; **Huang et al.
#   (2017)**, DenseNet: concatenation of all previous feature maps.
# - **Bromley, LeCun et al. (1993)**, Siamese networks: two encoders compared by a distance or a
#   dot product.
# - In Keras: Keras 1 had a single `Merge` layer (and a `merge` function) choosing the operation by
#   `mode="sum"`, `"concat"`, …; Keras 2.0 (2017) replaced it with these classes and their
#   lower-case functions, which Keras 3 keeps.

# %% [markdown]
# ## How
#
# ### The element-wise layers: `Add`, `Subtract`, `Multiply`, `Average`, `Maximum`, `Minimum`
#
# All take a list of at least one tensor (`Subtract` exactly two) of the same shape and return a
# tensor of that shape. Each is rebuilt in NumPy below.

# %%
xs = [x1, x2, x3]
element_wise = {
    "Add": (keras.layers.Add(), lambda v: np.sum(v, axis=0)),
    "Multiply": (keras.layers.Multiply(), lambda v: np.prod(v, axis=0)),
    "Average": (keras.layers.Average(), lambda v: np.mean(v, axis=0)),
    "Maximum": (keras.layers.Maximum(), lambda v: np.max(v, axis=0)),
    "Minimum": (keras.layers.Minimum(), lambda v: np.min(v, axis=0)),
}
for layer, numpy_version in element_wise.values():
    close(layer(xs), numpy_version(np.stack(xs)))
close(keras.layers.Subtract()([x1, x2]), x1 - x2)
print("Add, Multiply, Average, Maximum, Minimum on 3 inputs and Subtract on 2 equal NumPy")

# %% [markdown]
# ### `Concatenate(axis=-1)`
#
# Joins along `axis`; every other axis must match. The output size along `axis` is the sum of the
# inputs' sizes.

# %%
s1 = rng.normal(size=(2, 3, 4)).astype("float32")
s2 = rng.normal(size=(2, 3, 6)).astype("float32")
s3 = rng.normal(size=(2, 5, 4)).astype("float32")
close(keras.layers.Concatenate()([s1, s2]), np.concatenate([s1, s2], axis=-1))  # (2, 3, 10)
close(keras.layers.Concatenate(axis=1)([s1, s3]), np.concatenate([s1, s3], axis=1))  # (2, 8, 4)
print("Concatenate: last axis", tuple(keras.layers.Concatenate()([s1, s2]).shape),
      "| axis=1", tuple(keras.layers.Concatenate(axis=1)([s1, s3]).shape))

# %% [markdown]
# ### `Dot(axes, normalize=False)`
#
# A **per-example** dot product of two tensors: `axes` names the axis of each input to contract
# (an int for both, or a pair). For vectors `(batch, n)` with `axes=1` the output is
# `(batch, 1)`; for sequences `(batch, T, d)` and `(batch, S, d)` with `axes=2` it is the
# `(batch, T, S)` matrix of all pairwise dot products, the score matrix of attention. With
# `normalize=True` each input is first divided by its L2 norm along the contracted axis, so the
# result is the **cosine similarity**.

# %%
u = rng.normal(size=(4, 6)).astype("float32")
w = rng.normal(size=(4, 6)).astype("float32")
close(keras.layers.Dot(axes=1)([u, w]), np.sum(u * w, axis=1, keepdims=True))
q = rng.normal(size=(2, 3, 5)).astype("float32")
k = rng.normal(size=(2, 4, 5)).astype("float32")
close(keras.layers.Dot(axes=2)([q, k]), np.einsum("btd,bsd->bts", q, k))  # (2, 3, 4)
cosine = np.sum(u * w, axis=1) / (np.linalg.norm(u, axis=1) * np.linalg.norm(w, axis=1))
close(keras.layers.Dot(axes=1, normalize=True)([u, w])[:, 0], cosine)
print("cosine similarities:", np.round(cosine, 3))

# %% [markdown]
# ### The functional forms
#
# `keras.layers.add(inputs)` is shorthand for `keras.layers.Add()(inputs)`, and likewise
# `subtract`, `multiply`, `average`, `maximum`, `minimum`, `concatenate(inputs, axis=-1)` and
# `dot(inputs, axes, normalize=False)`. Use the class when you want to name the layer or reuse the
# object, the function for a one-liner (the deep dive proves each function is its layer).

# %%
close(keras.layers.concatenate([x1, x2]), np.concatenate([x1, x2], axis=-1))
close(keras.layers.dot([u, w], axes=1), np.sum(u * w, axis=1, keepdims=True))
print("concatenate and dot, as functions, equal NumPy")

# %% [markdown]
# ## Pros
#
# - No weights, exact, cheap: they only combine what the branches computed.
# - They turn chains into graphs: residuals, multiple inputs and outputs, shared encoders.
# - One name per operation, as a class (nameable, reusable) and as a function (one-liner).
# - `Dot(normalize=True)` gives cosine similarity with no extra code.

# %% [markdown]
# ## Cons
#
# - Shapes must agree (except along `Concatenate`'s axis): you may need `Dense`, `Reshape` or
#   pooling before a merge.
# - `Add`/`Average` of branches on very different scales lets one branch drown the other;
#   `Concatenate` avoids that but doubles the width of the next layer.
# - `Dot` on tensors of rank > 3 makes all-pairs outputs that grow very fast (see the deep dive).
# - A size-1 axis broadcasts silently (see the Proof): a branch of width 1 added to one of width 64
#   is accepted, which can hide a shape mistake.

# %% [markdown]
# ## Picture
#
# ### What each element-wise layer does to two signals
#
# Two signals along a line, merged by each element-wise layer. The curves are the layers'
# outputs, computed by Keras.

# %%
t = np.linspace(0, 2 * np.pi, 200, dtype="float32")[None, :]
sig_a, sig_b = np.sin(t), (0.6 * np.cos(2 * t) + 0.2).astype("float32")
fig, axes = figure(2, 3, figsize=(12, 5.6), sharex=True)
merges = [("Add", keras.layers.Add()), ("Subtract (a − b)", keras.layers.Subtract()),
          ("Multiply", keras.layers.Multiply()), ("Average", keras.layers.Average()),
          ("Maximum", keras.layers.Maximum()), ("Minimum", keras.layers.Minimum())]
for ax, (title, layer) in zip(axes.flat, merges, strict=True):
    ax.plot(t[0], sig_a[0], color="#999999", lw=1, ls="--", label="a = sin t")
    ax.plot(t[0], sig_b[0], color="#999999", lw=1, ls=":", label="b = 0.6 cos 2t + 0.2")
    ax.plot(t[0], to_numpy(layer([sig_a, sig_b]))[0], color="#c0392b", lw=2, label=title.split()[0])
    ax.set_title(title)
    ax.set_ylim(-1.8, 1.8)
axes[0, 0].legend(fontsize=8, loc="lower left")
for ax in axes[1]:
    ax.set_xlabel("t")
for ax in axes[:, 0]:
    ax.set_ylabel("value")
fig.suptitle("Element-wise merging layers on two signals", fontweight="bold")
plots.show(fig, "Notice that Average is Add at half the height, Maximum follows whichever dashed signal is "
           "higher and Minimum the lower, and Multiply is 0 wherever either signal crosses 0.")

# %% [markdown]
# ### `Dot(axes=2, normalize=True)`: a cosine-similarity matrix
#
# Ten 8-dimensional vectors from three clusters compared with themselves: `Dot` with `axes=2` on
# `(1, 10, 8)` and `(1, 10, 8)` gives the `(1, 10, 10)` matrix of cosine similarities; the clusters
# show as bright blocks.

# %%
centres = rng.normal(size=(3, 8))
members = np.repeat(np.arange(3), [4, 3, 3])
vectors = (centres[members] + 0.35 * rng.normal(size=(10, 8))).astype("float32")[None]
similarity = to_numpy(keras.layers.Dot(axes=2, normalize=True)([vectors, vectors]))[0]
unit = vectors[0] / np.linalg.norm(vectors[0], axis=1, keepdims=True)
close(similarity, unit @ unit.T)
fig, ax = figure(figsize=(5.6, 4.6))
image = ax.imshow(similarity, cmap="RdBu_r", vmin=-1, vmax=1)
ax.set_xlabel("vector j")
ax.set_ylabel("vector i")
ax.set_title("Dot(axes=2, normalize=True): cos(v_i, v_j)")
ax.grid(False)
fig.colorbar(image, ax=ax, label="cosine similarity")
within = similarity[members[:, None] == members[None, :]].mean()
between = similarity[members[:, None] != members[None, :]].mean()
assert within > 0.5 > between  # clusters are similar inside, dissimilar across
close(np.diag(similarity), np.ones(10))
plots.show(fig, f"Notice that the diagonal is 1 (every vector is its own best match) and that the three "
           f"clusters, vectors 0-3, 4-6 and 7-9, form blocks of high similarity: mean {within:.2f} inside a "
           f"cluster against {between:.2f} across.")

# %% [markdown]
# ### A residual block and a two-input model, as graphs
#
# The residual block: `x → Dense → Dense`, then `Add` the input back. The two-input model: two
# branches joined by `Concatenate`, then a head. Blue boxes hold weights, white boxes (the merges)
# hold none, grey boxes are inputs; the red arc is the skip connection into `Add`. `model_graph`
# draws a functional model from its public `get_config()` (`keras.utils.plot_model` would need
# pydot and graphviz, which the course does not install); you need not read it.

# %%
def _sources(node_args):
    """Names of the layers whose output tensors appear (nested anywhere) in a node's arguments."""
    if isinstance(node_args, dict):
        history = node_args.get("config", {}).get("keras_history") if "class_name" in node_args else None
        return [history[0]] if history else [n for v in node_args.values() for n in _sources(v)]
    if isinstance(node_args, list | tuple):
        return [n for v in node_args for n in _sources(v)]
    return []


def model_graph(model, title):
    """Draw a functional model: one box per layer (name, class, output shape), arrows for tensors."""
    layers = model.get_config()["layers"]
    parents = {spec["name"]: [n for node in spec["inbound_nodes"] for n in _sources(node["args"])]
               for spec in layers}
    depth = {}
    for spec in layers:  # get_config lists layers in topological order
        depth[spec["name"]] = 1 + max((depth[p] for p in parents[spec["name"]]), default=-1)
    rows = {}
    for name, d in depth.items():
        rows.setdefault(d, []).append(name)
    position = {name: (3.0 * (i - (len(names) - 1) / 2), -d)  # 3 units apart: boxes are 2.7 wide
                for d, names in rows.items() for i, name in enumerate(names)}
    width = max(len(names) for names in rows.values())
    fig, ax = figure(figsize=(3.0 * width + 2.5, 1.25 * len(rows) + 0.8))
    for child, ps in parents.items():
        for p in ps:
            (x0, y0), (x1, y1) = position[p], position[child]
            if y0 - y1 > 1:  # a skip connection: go round the boxes in between, on the right
                ax.annotate("", xy=(x1 + 1.35, y1), xytext=(x0 + 1.35, y0), arrowprops={
                    "arrowstyle": "-|>", "color": plots.ACCENT, "lw": 1.5, "connectionstyle": "arc3,rad=-0.45"})
            else:
                ax.annotate("", xy=(x1, y1 + 0.28), xytext=(x0, y0 - 0.28),
                            arrowprops={"arrowstyle": "-|>", "color": "#555555", "lw": 1.2})
    for layer in model.layers:
        x, y = position[layer.name]
        weighted = bool(layer.weights)
        colour = plots.TRAINABLE_COLOUR if weighted else ("#f3f3f3" if not parents[layer.name] else "#ffffff")
        ax.add_patch(plt.Rectangle((x - 1.35, y - 0.27), 2.7, 0.54, facecolor=colour, edgecolor="#333333"))
        shape = tuple(layer.output.shape)
        ax.text(x, y + 0.09, f"{layer.name} ({type(layer).__name__})", ha="center", va="center", fontsize=8.5,
                fontweight="bold")
        ax.text(x, y - 0.13, f"{shape} · {layer.count_params()} params", ha="center", va="center",
                fontsize=7.5, family="monospace")
    ax.set_xlim(-1.5 * width - 0.3, 1.5 * width + 1.6)
    ax.set_ylim(-len(rows) + 0.4, 0.6)
    ax.axis("off")
    ax.set_title(title)
    return fig

# %%
def residual_block(x, units, name):
    h = keras.layers.Dense(units, activation="relu", name=f"{name}_dense1")(x)
    h = keras.layers.Dense(units, name=f"{name}_dense2")(h)
    return keras.layers.Add(name=f"{name}_add")([x, h])


block_in = keras.Input((16,), name="x")
residual = keras.Model(block_in, residual_block(block_in, 16, "res"), name="residual_block")
assert residual.get_layer("res_add").count_params() == 0
plots.show(model_graph(residual, "Residual block: y = x + Dense(Dense(x))"),
           "Notice that the red arc carries the input x past both Dense layers straight into Add, and that "
           "Add, the merge, holds 0 params while the Dense boxes hold all the weights.")

# %%
left_in = keras.Input((32,), name="top_half")
right_in = keras.Input((32,), name="bottom_half")
left = keras.layers.Dense(32, activation="relu", name="top_branch")(left_in)
right = keras.layers.Dense(32, activation="relu", name="bottom_branch")(right_in)
joined = keras.layers.Concatenate(name="concat")([left, right])
hidden = residual_block(joined, 64, "res")
scores = keras.layers.Dense(10, activation="softmax", name="digit")(hidden)
two_input = keras.Model([left_in, right_in], scores, name="two_halves")
assert tuple(joined.shape) == (None, 64) and tuple(hidden.shape) == (None, 64)
plots.show(model_graph(two_input, "Two-input model: two branches, Concatenate, a residual block, a head"),
           "Notice that each input has its own Dense branch, Concatenate joins their 32 + 32 features into "
           "64, and the residual block keeps that width of 64 so that its Add can add x back.")

# %% [markdown]
# ## Table
#
# | Layer | Function | Inputs | Output (batch omitted) | Arguments |
# |---|---|---|---|---|
# | `Add` | `add` | ≥ 1, same shape | $\sum_i x_i$ | |
# | `Subtract` | `subtract` | exactly 2 | $x_1 - x_2$ | |
# | `Multiply` | `multiply` | ≥ 1 | $\prod_i x_i$ | |
# | `Average` | `average` | ≥ 1 | $\frac1n\sum_i x_i$ | |
# | `Maximum` | `maximum` | ≥ 1 | $\max_i x_i$ | |
# | `Minimum` | `minimum` | ≥ 1 | $\min_i x_i$ | |
# | `Concatenate` | `concatenate` | ≥ 1, equal except on `axis` | sizes on `axis` add up | `axis=-1` |
# | `Dot` | `dot` | exactly 2 | batched contraction; (n),(n) → (1); (T,d),(S,d) → (T,S) | `axes`, `normalize` |
#
# Shape rules (proved below): inputs of incompatible shapes raise `ValueError`; different batch
# sizes raise `ValueError`; a size-1 axis broadcasts as in NumPy, eagerly and in a functional
# model.

# %% [markdown]
# ## Example
#
# ### Example 1 · Gating with `Multiply`
#
# A sigmoid branch in [0, 1] scales the features of another branch, element by element (the idea
# behind GLU and squeeze-and-excitation).

# %%
feat_in = keras.Input((8,))
features = keras.layers.Dense(8, name="features")(feat_in)
gate = keras.layers.Dense(8, activation="sigmoid", name="gate")(feat_in)
gated = keras.Model(feat_in, keras.layers.multiply([features, gate]))
x = rng.normal(size=(3, 8)).astype("float32")
kf, bf = gated.get_layer("features").get_weights()
kg, bg = gated.get_layer("gate").get_weights()
close(gated(x), (x @ kf + bf) * (1 / (1 + np.exp(-(x @ kg + bg)))))
print("gated output == (x W_f + b_f) * sigmoid(x W_g + b_g)")

# %% [markdown]
# ### Example 2 · An ensemble that averages three models
#
# Three small classifiers share one input; `Average` returns the mean of their probability
# vectors, which is again a probability vector.

# %%
ens_in = keras.Input((4,))
members = [keras.layers.Dense(3, activation="softmax", name=f"member{i}")(ens_in) for i in range(3)]
ensemble = keras.Model(ens_in, keras.layers.average(members))
x = rng.normal(size=(5, 4)).astype("float32")
member_probs = [to_numpy(keras.Model(ens_in, m)(x)) for m in members]
close(ensemble(x), np.mean(member_probs, axis=0))
close(np.sum(to_numpy(ensemble(x)), axis=1), np.ones(5))
print("ensemble = mean of the members' probabilities, rows sum to 1")

# %% [markdown]
# ### Example 3 · A Siamese similarity head with a shared encoder and `Dot(normalize=True)`
#
# One `Dense` encoder object used on both inputs (shared weights), compared by cosine similarity.

# %%
encoder = keras.layers.Dense(4, name="shared_encoder")
pa, pb = keras.Input((6,)), keras.Input((6,))
siamese = keras.Model([pa, pb], keras.layers.dot([encoder(pa), encoder(pb)], axes=1, normalize=True))
ka, kb = rng.normal(size=(3, 6)).astype("float32"), rng.normal(size=(3, 6)).astype("float32")
kernel, bias = encoder.get_weights()
ea, eb = ka @ kernel + bias, kb @ kernel + bias
close(siamese([ka, kb])[:, 0], np.sum(ea * eb, 1) / (np.linalg.norm(ea, axis=1) * np.linalg.norm(eb, axis=1)))
assert siamese.count_params() == 6 * 4 + 4  # one encoder, counted once
print("Siamese cosine similarities:", np.round(to_numpy(siamese([ka, kb]))[:, 0], 3))

# %% [markdown]
# ## Proof
#
# ### Mismatched shapes: what raises, what broadcasts
#
# - Incompatible sizes (3 vs 4) raise `ValueError`, eagerly and in a functional model.
# - Different batch sizes raise `ValueError`.
# - A size-1 axis **broadcasts** as in NumPy: `(2, 3)` + `(2, 1)` gives NumPy's broadcast sum,
#   both on real tensors and in a functional model built from `keras.Input((3,))` and
#   `keras.Input((1,))` (output shape `(None, 3)`).
# - `Concatenate` checks every axis but its own.

# %%
a = rng.normal(size=(2, 3)).astype("float32")
col = rng.normal(size=(2, 1)).astype("float32")
close(keras.layers.Add()([a, col]), a + col)  # eager: broadcasts like NumPy
close(keras.layers.Maximum()([a, col]), np.maximum(a, col))
wide_in, narrow_in = keras.Input((3,)), keras.Input((1,))
broadcast_model = keras.Model([wide_in, narrow_in], keras.layers.Add()([wide_in, narrow_in]))
assert broadcast_model.output_shape == (None, 3)
close(broadcast_model([a, col]), a + col)  # in a functional model too
error = expect_error(ValueError, lambda: keras.layers.Add()([a, rng.normal(size=(2, 4)).astype("float32")]))
print("3 vs 4:", str(error)[:80])
expect_error(ValueError, lambda: keras.layers.Add()([keras.Input((3,)), keras.Input((4,))]))
error = expect_error(ValueError, lambda: keras.layers.Add()([a, a[:1]]))
print("batch 2 vs 1:", str(error)[:80])
# (2, 3, 4) and (2, 5, 4) joined on axis -1: axis 1 differs
error = expect_error(ValueError, lambda: keras.layers.Concatenate()([s1, s3]))
print("Concatenate:", str(error)[:90])

# %% [markdown]
# ### The residual block computes x + f(x) and lets the gradient through
#
# The block's output equals NumPy's $x + W_2\,\text{relu}(W_1 x + b_1) + b_2$. With both Dense
# kernels and biases set to zero the block is the identity, and its Jacobian is exactly the
# identity matrix: the gradient of a residual block never vanishes through the skip path. The
# gradient is checked on every backend with a finite difference computed in NumPy.

# %%
x = rng.normal(size=(4, 16)).astype("float32")
(k1, b1), (k2, b2) = (residual.get_layer(n).get_weights() for n in ("res_dense1", "res_dense2"))
close(residual(x), x + np.maximum(x @ k1 + b1, 0) @ k2 + b2, tol=1e-4)

for name in ("res_dense1", "res_dense2"):
    layer = residual.get_layer(name)
    layer.set_weights([np.zeros_like(v) for v in layer.get_weights()])
close(residual(x), x)  # f(x) = 0, so y = x
eps = 1e-2
jacobian = np.stack([
    (to_numpy(residual(x[:1] + eps * e)) - to_numpy(residual(x[:1] - eps * e)))[0] / (2 * eps)
    for e in np.eye(16, dtype="float32")[:, None, :]
])
np.testing.assert_allclose(jacobian, np.eye(16), atol=1e-3)
print("residual block: output = x + f(x); with f = 0 its Jacobian is the identity")

# %% [markdown]
# ## Application
#
# ### Recognise a digit from its two halves (a two-input model)
#
# scikit-learn's 8 × 8 digits are cut into a top half and a bottom half (32 pixels each), fed to the
# two-input model drawn above: each half has its own branch, `Concatenate` joins them, a residual
# block (`Add`) refines the joint features, and a softmax head classifies. The proof: test accuracy
# is high, and it drops by more than 10 points when either input is blanked (set to zeros) at test
# time, so the model really uses both inputs.

# %%
digits = load_digits()
pixels = (digits.data / 16.0).astype("float32")
top, bottom, labels = pixels[:, :32], pixels[:, 32:], digits.target
order = rng.permutation(len(labels))
train, test = order[:1400], order[1400:]


keras.utils.set_random_seed(1)
halves_model = keras.models.clone_model(two_input)  # fresh weights, same graph
halves_model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
history = halves_model.fit([top[train], bottom[train]], labels[train], epochs=15, batch_size=128, verbose=0)


def accuracy(top_input, bottom_input):
    probs = to_numpy(halves_model.predict([top_input, bottom_input], verbose=0))
    return float(np.mean(np.argmax(probs, axis=1) == labels[test]))


both_accuracy = accuracy(top[test], bottom[test])
top_accuracy = accuracy(top[test], np.zeros_like(bottom[test]))  # bottom input blanked at test time
bottom_accuracy = accuracy(np.zeros_like(top[test]), bottom[test])
print(f"test accuracy: both halves {both_accuracy:.3f}; top blanked {bottom_accuracy:.3f}; "
      f"bottom blanked {top_accuracy:.3f} (chance 0.1)")
assert both_accuracy > 0.9
assert top_accuracy < both_accuracy - 0.1 and bottom_accuracy < both_accuracy - 0.1  # uses both inputs

# %%
fig, axes = figure(1, 2, figsize=(11, 3.8))
axes[0].plot(history.history["loss"], color="#1f77b4")
axes[0].set_xlabel("epoch")
axes[0].set_ylabel("training cross-entropy")
axes[0].set_title("Training loss of the two-input model")
names = ["both halves", "top half only\n(bottom blanked)", "bottom half only\n(top blanked)"]
axes[1].bar(names, [both_accuracy, top_accuracy, bottom_accuracy], color=["#1f77b4", "#ff7f0e", "#2ca02c"])
axes[1].axhline(0.1, color="#999999", ls="--", label="chance")
axes[1].set_ylim(0, 1)
axes[1].set_ylabel("test accuracy")
axes[1].set_title("The trained model needs both inputs")
axes[1].legend()
plots.show(fig, f"Notice that the loss falls over the 15 epochs and that the test accuracy of {both_accuracy:.0%} "
           f"with both halves drops to {top_accuracy:.0%} without the bottom half and {bottom_accuracy:.0%} "
           "without the top half (chance is 10%): the model uses both inputs.")

# %% [markdown]
# ## Key terms
#
# - **Merging layer**: a weightless layer that combines a list of tensors into one.
# - **Element-wise merge**: `Add`, `Subtract`, `Multiply`, `Average`, `Maximum`, `Minimum`, applied
#   position by position to tensors of the same shape.
# - **Concatenation**: joining along one axis; the other axes must agree.
# - **Batched dot product**: `Dot`'s contraction of one axis per input, per example.
# - **Cosine similarity**: the dot product of unit vectors, `Dot(normalize=True)`.
# - **Functional form**: the lower-case function (`keras.layers.add`, …) that builds and calls the
#   layer in one step.
# - **Residual (skip) connection**: $y = x + f(x)$ with `Add`.
# - **Multi-input model**: a functional model with a list of `keras.Input`s.
# - **Broadcasting**: stretching a size-1 axis to match, as NumPy does; merge layers do it too.

# %% [markdown]
# ## Summary
#
# - The six element-wise merges equal NumPy's sum, difference (two inputs, ordered), product, mean,
#   max and min; `Concatenate` is `np.concatenate`; `Dot` is a batched `einsum` contraction and with
#   `normalize=True` a cosine similarity.
# - Each lower-case function (`add`, `subtract`, `multiply`, `average`, `maximum`, `minimum`,
#   `concatenate`, `dot`) builds the matching layer and gives identical results.
# - Mismatched sizes and batch sizes raise `ValueError`; size-1 axes broadcast as in NumPy, also
#   in a functional model.
# - Merges are what make functional models graphs: a residual block `x + f(x)` (identity Jacobian
#   when f = 0), multi-input models, ensembles, gates and Siamese heads.
# - `Dot` on rank-4 images makes all-pairs outputs: two (64, 64, 3) images give (None, 64, 64, 64, 64).

# %% [markdown]
# ## Exercises
#
# Each exercise prints its task; `ex.check(...)` says what is right and what is not yet. The hint and
# the solution are there when you ask for them.
#
# ### Exercise 15.1 · `Dot` in NumPy
#
# Vectors, sequences, an axes pair and cosine similarity: the How section and the deep dive's proof.

# %%
ex = exercise("15.1")


def dot_numpy(a, b, axes, normalize=False):
    ...  # your code here


ex.check(dot_numpy)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 15.2 · A residual block
#
# The pattern of the Picture, written by you; the graded exercise `ex5_residual_block` builds on it.

# %%
ex = exercise("15.2")


def residual_block(x):
    ...  # your code here: return x + f(x), merged with keras.layers.Add


ex.check(residual_block)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ## Deep dive (optional)
#
# The proofs below are there for trust rather than for understanding: every function against its
# layer, every merge against NumPy on inputs where the alternatives differ, `Dot` with an axes pair,
# and what Keras 2 code and older tutorials get wrong.

# %% [markdown]
# ### Each function is its layer: `add`, `subtract`, `multiply`, `average`, `maximum`, `minimum`, `concatenate`, `dot`
#
# This proves, for all eight, that the function gives the layer's result and adds a layer of
# that class to a functional model.
#
# `keras.layers.add(inputs, **kwargs)` is shorthand for `keras.layers.Add(**kwargs)(inputs)`, and
# likewise for the others (`concatenate(inputs, axis=-1)`, `dot(inputs, axes=-1, normalize=False)`).
# Use the class when you want to name the layer or reuse the object; the function for a one-liner.

# %%
functional_forms = [
    (keras.layers.add, keras.layers.Add, xs, np.sum(xs, axis=0)),
    (keras.layers.subtract, keras.layers.Subtract, [x1, x2], x1 - x2),
    (keras.layers.multiply, keras.layers.Multiply, xs, np.prod(xs, axis=0)),
    (keras.layers.average, keras.layers.Average, xs, np.mean(xs, axis=0)),
    (keras.layers.maximum, keras.layers.Maximum, xs, np.max(xs, axis=0)),
    (keras.layers.minimum, keras.layers.Minimum, xs, np.min(xs, axis=0)),
    (keras.layers.concatenate, keras.layers.Concatenate, xs, np.concatenate(xs, axis=-1)),
    (keras.layers.dot, keras.layers.Dot, [u, w], np.sum(u * w, axis=1, keepdims=True)),
]
for function, cls, inputs, expected in functional_forms:
    extra = {"axes": 1} if cls is keras.layers.Dot else {}
    from_function = to_numpy(function(inputs, **extra))
    from_layer = to_numpy(cls(**extra)(inputs))
    np.testing.assert_array_equal(from_function, from_layer)  # the function is the layer
    close(from_function, expected)  # and both are NumPy
    symbolic_inputs = [keras.Input(t.shape[1:]) for t in inputs]
    graph = keras.Model(symbolic_inputs, function(symbolic_inputs, **extra))
    assert type(graph.layers[-1]) is cls  # on symbolic inputs it adds a layer of that class
print("each of the 8 functions = its layer = NumPy; on symbolic inputs it adds a layer of that class")

# %% [markdown]
# ### Every class and function equals NumPy, on inputs where the alternatives differ
#
# This proves each merge on inputs chosen so that a plausible wrong operation gives another answer.
#
# Three inputs with different signs and magnitudes, so that sum ≠ mean ≠ max ≠ product and the
# order of `Subtract` matters (`x1 − x2 ≠ x2 − x1`). The inputs are also given in another order to
# prove that only `Subtract` (and `Concatenate`'s order along the axis) depends on it.

# %%
p1 = np.array([[1.0, -2.0, 3.0, 0.5]], "float32")
p2 = np.array([[-4.0, 5.0, 0.25, 2.0]], "float32")
p3 = np.array([[2.0, 2.0, -1.0, -3.0]], "float32")
expected = {
    keras.layers.add: p1 + p2 + p3,
    keras.layers.multiply: p1 * p2 * p3,
    keras.layers.average: (p1 + p2 + p3) / 3,
    keras.layers.maximum: np.maximum(np.maximum(p1, p2), p3),
    keras.layers.minimum: np.minimum(np.minimum(p1, p2), p3),
}
for function, value in expected.items():
    close(function([p1, p2, p3]), value)
    close(function([p3, p1, p2]), value)  # order does not matter for these five
assert len({v.tobytes() for v in expected.values()}) == 5  # the five answers all differ
close(keras.layers.subtract([p1, p2]), p1 - p2)
assert not np.allclose(p1 - p2, p2 - p1)  # fails if Subtract ignored the order
close(keras.layers.concatenate([p2, p1]), np.hstack([p2, p1]))
error = expect_error(ValueError, lambda: keras.layers.Subtract()([p1, p2, p3]))
print("Subtract with 3 inputs:", str(error)[:80])
error = expect_error(ValueError, lambda: keras.layers.Dot(axes=1)([p1, p2, p3]))
print("Dot with 3 inputs:     ", str(error)[:80])

# %% [markdown]
# ### `Dot`: `axes` pairs and `normalize=True`
#
# This proves which axis of each input an axes pair contracts, and what normalize does.
#
# With different axes for the two inputs, `axes=(1, 2)` contracts axis 1 of the first with axis 2
# of the second: `np.einsum("bij,bkj->bik")` is wrong, `np.einsum("bji,bkj->bik")` right. With
# `normalize=True`, scaling an input by a positive number does not change the output, and the
# output is NumPy's cosine similarity.

# %%
left = rng.normal(size=(2, 5, 3)).astype("float32")
right = rng.normal(size=(2, 4, 5)).astype("float32")
out = to_numpy(keras.layers.Dot(axes=(1, 2))([left, right]))
np.testing.assert_allclose(out, np.einsum("bji,bkj->bik", left, right), rtol=1e-5, atol=1e-5)
assert out.shape == (2, 3, 4)

normalized = keras.layers.Dot(axes=(1, 2), normalize=True)
cos = to_numpy(normalized([left, right]))
unit_left = left / np.linalg.norm(left, axis=1, keepdims=True)
unit_right = right / np.linalg.norm(right, axis=2, keepdims=True)
np.testing.assert_allclose(cos, np.einsum("bji,bkj->bik", unit_left, unit_right), rtol=1e-5, atol=1e-5)
np.testing.assert_allclose(to_numpy(normalized([7.5 * left, right])), cos, rtol=1e-5, atol=1e-5)
assert np.all(np.abs(cos) <= 1 + 1e-6) and not np.allclose(cos, out)  # bounded, and not the raw dot
print("Dot(axes=(1, 2)) and its cosine version equal NumPy; cosine is scale-invariant")

# %% [markdown]
# ### Keras 2 → 3
#
# What older tutorials and Keras 2 code say, and what Keras 3 does, proved below.
#
# - A common mistake: `Dot(axes=-1)([input1, input2])` on two `Input(shape=(64, 64, 3))` tensors
#   does not give a similarity map: `Dot` on rank-4 tensors contracts the channels and
#   keeps **all pairs** of the other positions, an output of shape `(None, 64, 64, 64, 64)` (16.7
#   million values per example). Proved below; for a per-pixel dot product use `Multiply` and a sum.
# - The formula often given, $\text{Dot}(x_1, x_2) = \sum_i x_{1,i} x_{2,i}$, is right only for vectors;
#   in general `Dot` is a batched tensor contraction (proved with `np.einsum`).
# - Keras 1's `merge(mode="sum")` / `Merge` layer is gone; the eight classes and eight functions
#   replace it (Keras 2 already had them; Keras 3 keeps them unchanged).

# %%
image_dot = keras.layers.Dot(axes=-1)
big = image_dot([keras.Input((64, 64, 3)), keras.Input((64, 64, 3))])
assert tuple(big.shape) == (None, 64, 64, 64, 64)
a4 = rng.normal(size=(1, 3, 2, 4)).astype("float32")
b4 = rng.normal(size=(1, 3, 2, 4)).astype("float32")
close(keras.layers.Dot(axes=-1)([a4, b4]), np.einsum("bijc,bklc->bijkl", a4, b4))
print("Dot(axes=-1) on (64, 64, 3) images -> output", tuple(big.shape))

"""Self-check exercises of notebook 13 (attention layers)."""

from __future__ import annotations

import numpy as np

from helpers.selfcheck import Exercise, NotYet, register


def _keras_attention(q, k, v, *, causal=False, key_mask=None):
    """Keras's own dot-product attention with the 1/sqrt(d) scale: (output, weights) as NumPy arrays."""
    import keras

    layer = keras.layers.Attention(use_scale=True)
    layer([q, v, k])  # build: creates the scale, initially 1
    layer.scale.assign(1 / np.sqrt(q.shape[-1]))
    mask = None if key_mask is None else [None, key_mask]
    out, weights = layer([q, v, k], mask=mask, use_causal_mask=causal, return_attention_scores=True)
    return keras.ops.convert_to_numpy(out), keras.ops.convert_to_numpy(weights)


def _check_attention(attention):
    rng = np.random.default_rng(13)
    q = rng.normal(size=(2, 5, 16)).astype("float32")
    k = rng.normal(size=(2, 5, 16)).astype("float32")
    v = rng.normal(size=(2, 5, 3)).astype("float32")
    key_mask = np.array([[True] * 5, [True, True, True, False, False]])
    cases = [
        ("no mask", None, {}),
        ("a causal mask (query t sees keys 0..t)", np.tril(np.ones((5, 5), bool))[None].repeat(2, 0),
         {"causal": True}),
        ("a padding mask (the last 2 keys of sequence 1 masked)",
         np.broadcast_to(key_mask[:, None, :], (2, 5, 5)), {"key_mask": key_mask}),
    ]
    for name, mask, options in cases:
        result = attention(q, k, v) if mask is None else attention(q, k, v, mask)
        if not isinstance(result, tuple) or len(result) != 2:
            raise NotYet(f"with {name}: return a pair (output, weights), got {type(result).__name__}")
        output, weights = (np.asarray(r, dtype="float64") for r in result)
        want_out, want_weights = _keras_attention(q, k, v, **options)
        if weights.shape != want_weights.shape:
            raise NotYet(f"with {name}: weights should have shape (batch, T, S) = {want_weights.shape}, "
                         f"got {weights.shape}")
        if not np.allclose(weights.sum(-1), 1, atol=1e-4):
            raise NotYet(f"with {name}: each row of weights must sum to 1 over the keys (last axis); yours "
                         f"sum to {np.round(weights.sum(-1)[0], 3)}: take the softmax over the last axis, "
                         "and mask the scores (set them to -inf) before the softmax, not the weights after")
        if not np.allclose(weights, want_weights, atol=1e-4):
            unscaled = np.allclose(weights, _keras_attention(q * np.sqrt(16), k, v, **options)[1], atol=1e-4)
            raise NotYet(f"with {name}: the weights differ from Keras's scaled dot-product attention"
                         + (": divide the scores q·k by √d (d = 16 here) before the softmax" if unscaled else
                            "; scores are q @ kᵀ / √d, then the softmax over the keys"))
        if output.shape != want_out.shape or not np.allclose(output, want_out, atol=1e-4):
            raise NotYet(f"with {name}: the weights are right but the output is not: it is weights @ v, "
                         f"shape {want_out.shape}")
    return ("your attention equals Keras's scaled dot-product attention without a mask, with a causal mask "
            "and with a padding mask.")


register(Exercise(
    key="13.1", title="Scaled dot-product attention in NumPy", minutes=20, objectives=(1, 3),
    task="Write attention(q, k, v, mask=None) in NumPy for q (batch, T, d), k (batch, S, d), "
         "v (batch, S, d_v) and an optional boolean mask (batch, T, S), True = may attend. Return "
         "(output, weights): weights = softmax over the keys of q·kᵀ/√d, with masked pairs at weight 0, and "
         "output = weights @ v. Done when the check prints ✓: it compares with Keras's Attention layer, "
         "scaled by 1/√d, without a mask, with a causal mask and with a padding mask.",
    answer="attention",
    check_answer=_check_attention,
    hint="scores = q @ k.transpose(0, 2, 1) / np.sqrt(d); where the mask is False set the score to -np.inf "
         "(np.where) before the softmax; subtract each row's max before np.exp, divide by the row sums.",
    solution='''
import numpy as np

def attention(q, k, v, mask=None):
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return weights @ v, weights
''',
    wrong=(
        ('''
import numpy as np

def attention(q, k, v, mask=None):
    scores = q @ k.transpose(0, 2, 1)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return weights @ v, weights
''', "divide the scores q·k by √d"),
        ('''
import numpy as np

def attention(q, k, v, mask=None):
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(q.shape[-1])
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = weights / weights.sum(axis=-1, keepdims=True)
    if mask is not None:
        weights = weights * mask
    return weights @ v, weights
''', "mask the scores (set them to -inf) before the softmax"),
        ('''
import numpy as np

def attention(q, k, v, mask=None):
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(q.shape[-1])
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights = weights / weights.sum(axis=1, keepdims=True)
    return weights @ v, weights
''', "take the softmax over the last axis"),
    ),
))


def _keras_mha_shapes(d_q, d_v, num_heads, key_dim, value_dim, output_shape):
    import keras

    layer = keras.layers.MultiHeadAttention(num_heads=num_heads, key_dim=key_dim, value_dim=value_dim,
                                            output_shape=output_shape, kernel_initializer="zeros")
    layer.build((None, 3, d_q), (None, 4, d_v))
    return {w.path.split("/", 1)[1]: tuple(w.shape) for w in layer.weights}


def _check_mha_shapes(mha_weight_shapes):
    cases = [(6, 8, 2, 3, None, None), (6, 8, 2, 3, 5, None), (4, 10, 3, 2, 7, 9), (5, 5, 4, 2, None, (2, 3))]
    for d_q, d_v, heads, key_dim, value_dim, output_shape in cases:
        call = (f"mha_weight_shapes(d_q={d_q}, d_v={d_v}, num_heads={heads}, key_dim={key_dim}, "
                f"value_dim={value_dim}, output_shape={output_shape})")
        got = mha_weight_shapes(d_q, d_v, heads, key_dim, value_dim=value_dim, output_shape=output_shape)
        if not isinstance(got, dict):
            raise NotYet(f"{call} should return a dict from weight name to shape, got {type(got).__name__}")
        want = _keras_mha_shapes(d_q, d_v, heads, key_dim, value_dim, output_shape)
        got = {name: tuple(shape) for name, shape in got.items()}
        if set(got) != set(want):
            raise NotYet(f"{call}: the layer's weights are {sorted(want)}; yours are {sorted(got)}")
        for name, shape in want.items():
            if got[name] != shape:
                raise NotYet(f"{call}: {name} has shape {shape} in Keras, you said {got[name]}")
    return "your shapes match MultiHeadAttention for four settings, with value_dim and output_shape."


register(Exercise(
    key="13.2", title="Predict the weight shapes of MultiHeadAttention", minutes=15, objectives=(2,),
    task="Write mha_weight_shapes(d_q, d_v, num_heads, key_dim, value_dim=None, output_shape=None) returning "
         "the shape of each of the eight weights of MultiHeadAttention(num_heads, key_dim, value_dim, "
         "output_shape) called on a query of width d_q and a value (and key) of width d_v: a dict such as "
         "{'query/kernel': (d_q, num_heads, key_dim), ...}. output_shape may be None, an int or a tuple. "
         "Done when the check prints ✓ for the four settings it builds in Keras.",
    answer="mha_weight_shapes",
    check_answer=_check_mha_shapes,
    hint="value_dim defaults to key_dim, output_shape to d_q. Biases drop the kernel's input axis, and the "
         "output kernel is (num_heads, value_dim, *output_shape); an int output_shape counts as a 1-tuple.",
    solution='''
def mha_weight_shapes(d_q, d_v, num_heads, key_dim, value_dim=None, output_shape=None):
    value_dim = key_dim if value_dim is None else value_dim
    out = (d_q,) if output_shape is None else tuple(output_shape) if isinstance(output_shape, tuple) \
        else (output_shape,)
    return {
        "query/kernel": (d_q, num_heads, key_dim), "query/bias": (num_heads, key_dim),
        "key/kernel": (d_v, num_heads, key_dim), "key/bias": (num_heads, key_dim),
        "value/kernel": (d_v, num_heads, value_dim), "value/bias": (num_heads, value_dim),
        "attention_output/kernel": (num_heads, value_dim, *out), "attention_output/bias": out,
    }
''',
    wrong=(
        ('''
def mha_weight_shapes(d_q, d_v, num_heads, key_dim, value_dim=None, output_shape=None):
    value_dim = key_dim if value_dim is None else value_dim
    return {
        "query/kernel": (d_q, num_heads, key_dim), "query/bias": (num_heads, key_dim),
        "key/kernel": (d_v, num_heads, key_dim), "key/bias": (num_heads, key_dim),
        "value/kernel": (d_v, num_heads, value_dim), "value/bias": (num_heads, value_dim),
        "attention_output/kernel": (num_heads, value_dim, d_q), "attention_output/bias": (d_q,),
    }
''', "attention_output/kernel has shape (3, 7, 9)"),
        ('''
def mha_weight_shapes(d_q, d_v, num_heads, key_dim, value_dim=None, output_shape=None):
    value_dim = key_dim if value_dim is None else value_dim
    out = (d_q,) if output_shape is None else tuple(output_shape) if isinstance(output_shape, tuple) \
        else (output_shape,)
    return {
        "query/kernel": (d_q, num_heads, key_dim), "query/bias": (num_heads, key_dim),
        "key/kernel": (d_v, num_heads, key_dim), "key/bias": (num_heads, key_dim),
        "value/kernel": (d_v, num_heads, value_dim), "value/bias": (num_heads, value_dim),
        "attention_output/kernel": (num_heads, value_dim, *out), "attention_output/bias": (num_heads, *out),
    }
''', "attention_output/bias has shape (6,)"),
        ('''
def mha_weight_shapes(d_q, d_v, num_heads, key_dim, value_dim=None, output_shape=None):
    return {
        "query/kernel": (d_q, num_heads, key_dim), "query/bias": (num_heads, key_dim),
        "key/kernel": (d_v, num_heads, key_dim), "key/bias": (num_heads, key_dim),
        "value/kernel": (d_v, num_heads, value_dim), "value/bias": (num_heads, value_dim),
        "attention_output/kernel": (num_heads, value_dim, d_q), "attention_output/bias": (d_q,),
    }
''', "value/kernel has shape (8, 2, 3)"),
    ),
))


def _keras_window_pattern(length, window, causal):
    """Which (query, key) pairs GroupQueryAttention(sliding_window=window) gives a nonzero weight."""
    import keras

    layer = keras.layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1,
                                             sliding_window=window, kernel_initializer="zeros")  # uniform
    x = np.random.default_rng(length).normal(size=(1, length, 4)).astype("float32")
    _, weights = layer(x, x, use_causal_mask=causal, return_attention_scores=True)
    return keras.ops.convert_to_numpy(weights)[0, 0] > 0


def _check_window(sliding_window_mask):
    for length, window, causal in [(6, 2, False), (7, 3, False), (6, 2, True), (8, 3, True)]:
        call = f"sliding_window_mask({length}, {window}, causal={causal})"
        got = sliding_window_mask(length, window, causal=causal)
        if got is None:
            raise NotYet(f"{call} returned None: return a ({length}, {length}) boolean array")
        got = np.asarray(got, dtype=bool)
        want = _keras_window_pattern(length, window, causal)
        if got.shape != want.shape:
            raise NotYet(f"{call}: expected shape {want.shape}, got {got.shape}")
        if not np.array_equal(got, want):
            t, s = np.argwhere(got != want)[0]
            allowed = "may" if want[t, s] else "may not"
            raise NotYet(f"{call}: query {t} {allowed} attend to key {s} in GroupQueryAttention, your mask "
                         "says the opposite. Keras's pattern for this case (1 = may attend):\n"
                         f"{want.astype(int)}")
    return ("your mask is the pattern GroupQueryAttention(sliding_window=...) applies, with and without the "
            "causal mask.")


register(Exercise(
    key="13.3", title="Which keys may a sliding window see?", minutes=15, objectives=(3,),
    task="GroupQueryAttention(..., sliding_window=w) limits which keys a query may attend to. Find out by "
         "experiment which (build one, call it on a random sequence with return_attention_scores=True and "
         "look where the weights are 0), then write sliding_window_mask(length, window, causal=False) "
         "returning the (length, length) boolean array, True where query t may attend to key s; causal=True "
         "means the call also had use_causal_mask=True. Done when the check prints ✓ for the four settings "
         "it compares with the layer.",
    answer="sliding_window_mask",
    check_answer=_check_window,
    hint="Without the causal mask the window is symmetric: key s is visible when |t − s| < window (strictly "
         "less). use_causal_mask=True also hides every s > t.",
    solution='''
import numpy as np

def sliding_window_mask(length, window, causal=False):
    t = np.arange(length)[:, None]
    s = np.arange(length)[None, :]
    mask = np.abs(t - s) < window
    if causal:
        mask = mask & (s <= t)
    return mask
''',
    wrong=(
        ('''
import numpy as np

def sliding_window_mask(length, window, causal=False):
    t = np.arange(length)[:, None]
    s = np.arange(length)[None, :]
    mask = np.abs(t - s) <= window
    return mask & (s <= t) if causal else mask
''', "may not attend to key"),
        ('''
import numpy as np

def sliding_window_mask(length, window, causal=False):
    t = np.arange(length)[:, None]
    s = np.arange(length)[None, :]
    return (t - s >= 0) & (t - s < window)
''', "query 0 may attend to key 1"),
        ('''
import numpy as np

def sliding_window_mask(length, window, causal=False):
    t = np.arange(length)[:, None]
    s = np.arange(length)[None, :]
    return np.abs(t - s) < window
''', "causal=True"),
    ),
))

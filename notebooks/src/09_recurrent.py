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
# # 09 · Recurrent layers
#
# A recurrent layer reads a sequence **one step at a time** and carries a **state** from step to
# step: the state after step `t` is computed from the input at `t` and the state after `t − 1`,
# with the same weights at every step. You take the three classic cells (`SimpleRNN`, `GRU`,
# `LSTM`) apart by recomputing their steps in NumPy from each layer's own weights, meet the options
# and wrappers that shape what a recurrent layer returns, and train a small forecaster that must
# beat a naive baseline.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/notebooks/09_recurrent.ipynb)

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
# style, and the two course utilities.

# %%
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


def randomize(layer, scale=0.5):
    """Give every weight of a built layer random values, so that no gate hides behind a zero bias."""
    layer.set_weights([rng.normal(scale=scale, size=w.shape).astype("float32") for w in layer.get_weights()])
    return layer


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# %% [markdown]
# ## What
#
# A recurrent layer is a loop over time around a **cell**. The cell is a small function
# `(x_t, state_{t−1}) → (output_t, state_t)`; the layer applies it to steps `t = 1 … T` with the
# **same** weights each time, starting from a zero state. Input: `(batch, time, features)`.
# Output: the last step's output `(batch, units)`, or every step's `(batch, time, units)` with
# `return_sequences=True`. The parameter count does not grow with the sequence length.
#
# | layer | cell | state | weights (input `F`, `u` units) |
# |---|---|---|---|
# | `SimpleRNN` | `SimpleRNNCell` | `h` | `F·u + u·u + u` |
# | `GRU` | `GRUCell` | `h` | `3(F·u + u·u) + 6u` (`reset_after=True`, default) or `+ 3u` |
# | `LSTM` | `LSTMCell` | `h`, `c` | `4(F·u + u·u + u)` |
# | `ConvLSTM1D/2D/3D` | internal | `h`, `c` (feature maps) | convolution kernels, 4 gates |
#
# The cell checks the three formulas on `F = 5`, `u = 3`, and that a 50-step sequence needs no
# more weights than a 4-step one.

# %%
F, U = 5, 3
expected_params = {
    layers.SimpleRNN: F * U + U * U + U,
    layers.GRU: 3 * (F * U + U * U) + 6 * U,
    layers.LSTM: 4 * (F * U + U * U + U),
}
for layer_class, count in expected_params.items():
    for steps in (4, 50):
        layer = layer_class(U)
        layer.build((None, steps, F))  # building creates the weights; the length plays no part
        assert layer.count_params() == count
    print(f"{layer_class.__name__:9s} {count:3d} weights, for 4 steps and for 50")
gru_before = layers.GRU(U, reset_after=False)
gru_before.build((None, 4, F))
assert gru_before.count_params() == 3 * (F * U + U * U) + 3 * U
y = layer(np.zeros((2, 50, F), "float32"))  # the last LSTM: one output of `units` per sequence
assert tuple(y.shape) == (2, U)

# %% [markdown]
# ## Where
#
# - **In the API**: `keras.layers.SimpleRNN`, `GRU`, `LSTM` (layers) and `SimpleRNNCell`,
#   `GRUCell`, `LSTMCell` (cells); `RNN` (the generic loop over any cell) and `StackedRNNCells`;
#   the wrappers `Bidirectional` and `TimeDistributed`, and the base class `Wrapper`;
#   `ConvLSTM1D`, `ConvLSTM2D`, `ConvLSTM3D`.
# - **In a model**: after an `Embedding` (text) or directly on numeric sequences (sensor data,
#   prices); stacked with `return_sequences=True` on every layer but the last; followed by a
#   `Dense` head, or by `TimeDistributed(Dense)` for one prediction per step.
# - **Inside**: every recurrent layer is an `RNN` around its cell: `LSTM(...).cell` is an
#   `LSTMCell`, and the layer's weights are the cell's.

# %%
lstm = layers.LSTM(3)
lstm(np.zeros((1, 4, 2), "float32"))
assert isinstance(lstm, layers.RNN) and isinstance(lstm.cell, layers.LSTMCell)
assert isinstance(layers.GRU(2).cell, layers.GRUCell)
assert isinstance(layers.SimpleRNN(2).cell, layers.SimpleRNNCell)
assert all(a is b for a, b in zip(lstm.weights, lstm.cell.weights, strict=True))
assert issubclass(layers.TimeDistributed, layers.Wrapper)
assert not issubclass(layers.Bidirectional, layers.Wrapper)  # despite Wrapper's docstring (see How)
print([v.path for v in lstm.weights])

# %% [markdown]
# ## Why
#
# - **Variable-length input, fixed-size summary**: the same weights read 5 steps or 500.
# - **Order matters**: unlike pooling, a recurrence sees *when* things happen; swapping two steps
#   changes the output (proved below).
# - **Memory**: the state carries information forward; gates (GRU, LSTM) learn what to keep and
#   what to overwrite, which keeps gradients alive over long spans better than `SimpleRNN`.
# - **Streaming**: a `stateful` layer processes an endless stream chunk by chunk.

# %%
order_probe = randomize(layers.GRU(4))
sequence = rng.normal(size=(1, 6, 2)).astype("float32")
swapped = sequence[:, [1, 0, 2, 3, 4, 5]]
in_order, out_of_order = to_numpy(order_probe(sequence)), to_numpy(order_probe(swapped))
assert not np.allclose(in_order, out_of_order)  # fails if the GRU were blind to order
np.testing.assert_allclose(to_numpy(layers.GlobalAveragePooling1D()(sequence)),
                           to_numpy(layers.GlobalAveragePooling1D()(swapped)), rtol=1e-6)  # pooling is blind
print("swapping steps 0 and 1 changes the GRU's output, not the average pool's")

# %% [markdown]
# ## When
#
# | Situation | Use |
# |---|---|
# | Short sequences, a baseline, teaching | `SimpleRNN` |
# | Most sequence tasks; fewer weights than LSTM | `GRU` |
# | Long dependencies, the established default | `LSTM` |
# | The whole sequence is available and context from both sides helps (tagging, classification) | `Bidirectional(LSTM(...))` |
# | One output per step from a per-step layer | `TimeDistributed(Dense(...))` (or plain `Dense`, which acts on the last axis) |
# | A new recurrent rule | your own cell in `RNN(cell)` |
# | Several cells inside one loop | `StackedRNNCells` (or simply several layers) |
# | Sequences of images or maps (weather radar, video) | `ConvLSTM2D` (`1D` for sequences of signals, `3D` of volumes) |
# | Very long sequences, lots of data, parallel training | attention / Transformers (notebook on attention) |

# %% [markdown]
# ## Who
#
# - **Time-series forecasters** (energy load, sensors, finance): GRU/LSTM are strong, small baselines.
# - **Speech and text practitioners** before and beside Transformers: bidirectional LSTMs for
#   tagging, on-device keyword spotting.
# - **Researchers** writing new cells, plugged into `RNN`.
# - **Earth-science and video modellers**: ConvLSTM for precipitation nowcasting and frame prediction.

# %% [markdown]
# ## How
#
# ### `SimpleRNN` and `SimpleRNNCell`
#
# `h_t = tanh(x_t · W + h_{t−1} · U + b)`, with `kernel` `W` `(F, u)`, `recurrent_kernel` `U`
# `(u, u)` and `bias` `b` `(u,)`. The output at each step *is* `h_t`. A cell can be called on one
# step by hand: `cell(x_t, states)` returns `(output, new_states)`.

# %%
simple = layers.SimpleRNN(3, return_sequences=True)
x = rng.normal(size=(2, 5, 4)).astype("float32")
simple.build(x.shape)
randomize(simple)
W, Uh, b = simple.get_weights()
h1 = np.tanh(x[:, 0] @ W + b)  # first step: h_0 = 0
np.testing.assert_allclose(to_numpy(simple(x))[:, 0], h1, rtol=1e-5, atol=1e-6)

cell = layers.SimpleRNNCell(3)
cell.build((None, 4))
cell.set_weights([W, Uh, b])
output, new_state = cell(x[:, 1], [h1.astype("float32")])
np.testing.assert_allclose(to_numpy(output), np.tanh(x[:, 1] @ W + h1 @ Uh + b), rtol=1e-5, atol=1e-6)
print("one SimpleRNNCell step, by hand:", to_numpy(output)[0].round(3))

# %% [markdown]
# ### `LSTM` and `LSTMCell`
#
# Four gates computed from `z = x_t · W + h_{t−1} · U + b`, split in **this order** along the last
# axis: input `i`, forget `f`, candidate `c̃`, output `o` (the Proof shows the order matters):
#
# `i = σ(z_i)`, `f = σ(z_f)`, `c_t = f ⊙ c_{t−1} + i ⊙ tanh(z_c)`, `o = σ(z_o)`,
# `h_t = o ⊙ tanh(c_t)`.
#
# The state is the pair `[h, c]`. `unit_forget_bias=True` (default) starts the forget bias at 1,
# so a fresh LSTM remembers by default.

# %%
fresh = layers.LSTM(3)
fresh.build((None, 2, 4))
bias = fresh.get_weights()[2].reshape(4, 3)  # rows: i, f, c, o
np.testing.assert_array_equal(bias, [[0, 0, 0], [1, 1, 1], [0, 0, 0], [0, 0, 0]])
lstm_cell = layers.LSTMCell(3)
out, (h_state, c_state) = lstm_cell(x[:, 0], [np.zeros((2, 3), "float32"), np.zeros((2, 3), "float32")])
assert tuple(h_state.shape) == tuple(c_state.shape) == (2, 3)
print("initial LSTM bias by gate (i, f, c, o):\n", bias)

# %% [markdown]
# ### `GRU` and `GRUCell`
#
# Three parts of `W` and `U`, in the order update `z`, reset `r`, candidate `h̃`:
#
# `z = σ(x W_z + h U_z + b)`, `r = σ(x W_r + h U_r + b)`, and
#
# - `reset_after=True` (default, the cuDNN-compatible form): `h̃ = tanh(x W_h + b_in + r ⊙ (h U_h + b_rec))`,
#   with **two** bias vectors, for the input and the recurrent part (bias shape `(2, 3u)`);
# - `reset_after=False` (the original 2014 form): `h̃ = tanh(x W_h + (r ⊙ h) U_h + b)`, one bias `(3u,)`.
#
# Then `h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃`: in Keras, `z` is the share of the **old** state kept.

# %%
for reset_after in (True, False):
    gru = layers.GRU(3, reset_after=reset_after)
    gru.build((None, 2, 4))
    print(f"reset_after={reset_after!s:5s}", [tuple(w.shape) for w in gru.get_weights()])

# %% [markdown]
# ### `RNN`: the loop, around any cell
#
# `RNN(cell)` runs any cell over time. A cell is a layer with a `state_size` and a
# `call(inputs, states)` returning `(output, new_states)`; the built-in layers are exactly
# `RNN(SimpleRNNCell)`, `RNN(GRUCell)`, `RNN(LSTMCell)` with extra arguments. Below, a custom
# cell: a **leaky running average** `h_t = (1 − α) h_{t−1} + α · x_t · w`, with one weight vector.

# %%
class LeakyAverageCell(keras.layers.Layer):
    """h_t = (1 - alpha) * h_{t-1} + alpha * (x_t @ w): an exponential moving average of a projection."""

    def __init__(self, units, alpha=0.3, **kwargs):
        super().__init__(**kwargs)
        self.units, self.alpha = units, alpha
        self.state_size = units  # what RNN needs to create the zero state

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform", name="w")

    def call(self, inputs, states):
        h = (1 - self.alpha) * states[0] + self.alpha * keras.ops.matmul(inputs, self.w)
        return h, [h]

    def get_config(self):
        return {**super().get_config(), "units": self.units, "alpha": self.alpha}


leaky = layers.RNN(LeakyAverageCell(2), return_sequences=True)
y = to_numpy(leaky(x))
w = to_numpy(leaky.cell.w)
h = np.zeros((2, 2))
for t in range(x.shape[1]):
    h = 0.7 * h + 0.3 * x[:, t] @ w
    np.testing.assert_allclose(y[:, t], h, rtol=1e-5, atol=1e-6)
print("custom cell in RNN: output", y.shape, "matches the NumPy recurrence")

# %% [markdown]
# ### `return_sequences`, `return_state`, `go_backwards`, `stateful`
#
# - `return_sequences=True`: every step's output `(batch, time, units)` instead of the last one.
# - `return_state=True`: also return the final state(s): `[output, h]` for GRU/SimpleRNN,
#   `[output, h, c]` for LSTM (to initialise another RNN, e.g. a decoder, via `initial_state=`).
# - `go_backwards=True`: read the sequence from the last step to the first. With
#   `return_sequences=True` the outputs come **in reading order** (reversed), not flipped back.
# - `stateful=True`: the final state of one call is the initial state of the next (same batch
#   size each call); `layer.reset_state()` sets it back to zeros.

# %%
shapes = {}
for kind, seq in ((layers.SimpleRNN, True), (layers.GRU, False), (layers.LSTM, False), (layers.LSTM, True)):
    result = kind(3, return_sequences=seq, return_state=True)(x)
    shapes[(kind.__name__, seq)] = [tuple(r.shape) for r in result]
for key, value in shapes.items():
    print(f"{key[0]:9s} return_sequences={key[1]!s:5s} -> {value}")
assert shapes[("LSTM", True)] == [(2, 5, 3), (2, 3), (2, 3)] and shapes[("GRU", False)] == [(2, 3), (2, 3)]

# %% [markdown]
# ### Masking
#
# When sequences of different lengths are padded to one length, a **mask** marks the real steps.
# `Masking(mask_value=0.0)` (or `Embedding(mask_zero=True)`) creates it, and the RNN **skips**
# masked steps: the state is carried over unchanged, and with `return_sequences=True` a masked step
# repeats the previous output. The deep dive checks that padding then changes nothing.

# %%
padded = x.copy()
padded[0, 3:] = 0.0  # the first sequence is only 3 steps long
masked_model = keras.Sequential(
    [keras.Input((5, 4)), layers.Masking(0.0), layers.LSTM(3, return_sequences=True)]
)
steps_out = to_numpy(masked_model(padded))
np.testing.assert_allclose(steps_out[0, 3], steps_out[0, 2], rtol=1e-6)
np.testing.assert_allclose(steps_out[0, 4], steps_out[0, 2], rtol=1e-6)
print("after the padding, sequence 0 repeats its step-2 output:", steps_out[0, 2].round(3))

# %% [markdown]
# ### `Bidirectional`
#
# `Bidirectional(layer, merge_mode="concat")` runs a copy of `layer` forwards and a second copy
# backwards (`go_backwards=True`, its own weights), re-aligns the backward outputs with the
# forward ones in time, and merges them: `"concat"` (default, doubles the units), `"sum"`,
# `"mul"`, `"ave"`, or `None` (a tuple of both). The deep dive recomputes every mode.

# %%
for mode in ("concat", None):
    bi = layers.Bidirectional(layers.GRU(3, return_sequences=True), merge_mode=mode)
    result = bi(x)
    shape = [tuple(r.shape) for r in result] if mode is None else tuple(result.shape)
    print(f"merge_mode={mode!s:7s} -> {shape}")
for mode in ("sum", "mul", "ave"):  # shapes only, computed without running the layer
    bi = layers.Bidirectional(layers.GRU(3, return_sequences=True), merge_mode=mode)
    print(f"merge_mode={mode!s:7s} -> {bi.compute_output_shape(x.shape)}")
assert bi.forward_layer.go_backwards is False and bi.backward_layer.go_backwards is True
assert len(bi.weights) == 2 * len(bi.forward_layer.weights)  # two copies, two sets of weights

# %% [markdown]
# ### `TimeDistributed`
#
# `TimeDistributed(layer)` applies `layer` to each slice `x[:, t]` with the **same** weights. For
# `Dense` it changes nothing (Dense already acts on the last axis), but for layers that need a
# fixed input rank, such as `Conv2D` on a sequence of images `(batch, time, H, W, C)`, it is the
# way to go.

# %%
frames = rng.normal(size=(2, 4, 6, 6, 1)).astype("float32")  # 2 clips of 4 frames of 6x6
per_frame = layers.TimeDistributed(layers.Conv2D(5, 3))
print("TimeDistributed(Conv2D):", frames.shape, "->", tuple(per_frame(frames).shape))
expect_error(ValueError, lambda: layers.Conv2D(5, 3)(frames))  # Conv2D alone refuses 5-D input

# %% [markdown]
# ## Pros
#
# - **Any length, constant weights**, and a natural fit for streaming (`stateful`).
# - **Order-aware by construction**, with no positional encoding needed.
# - **Small and data-efficient** on modest time series, often a strong baseline.
# - **Composable**: any cell in `RNN`, cells stacked, wrapped bidirectionally; masking built in.
#
# ## Cons
#
# - **Sequential**: step `t` waits for step `t − 1`, so training does not parallelise over time.
# - **Long-range memory is limited**, even for LSTM/GRU, compared with attention.
# - **`SimpleRNN` suffers vanishing/exploding gradients** on long sequences.
# - **Backend- and hardware-specific paths** (cuDNN, `unroll`) behave differently in speed and in
#   what they accept.
# - **`Bidirectional` needs the whole sequence**, so it cannot serve a live stream.

# %% [markdown]
# ## Picture
#
# ### The recurrence, unrolled, and what an LSTM remembers
#
# Left: the same cell applied at every step, state flowing right. Right: an LSTM with hand-set
# weights (kernel, recurrent kernel and bias written with `set_weights`) that **stores** a pulse:
# a 1 arrives at step 3, the input gate opens only then, the forget gate stays near 1, and the
# cell state `c` keeps the value for the rest of the sequence, while a `SimpleRNN` with a similar
# hand-set weight lets it fade. The curves are the layers' own outputs (via `return_sequences`).

# %%
def unrolled_diagram(ax, steps=4):
    for t in range(steps):
        ax.add_patch(plt.Rectangle((t * 2, 0), 1.2, 1, facecolor=plots.TRAINABLE_COLOUR, edgecolor="grey"))
        ax.text(t * 2 + 0.6, 0.5, "cell", ha="center", va="center")
        ax.annotate("", xy=(t * 2 + 0.6, 0), xytext=(t * 2 + 0.6, -0.8), arrowprops={"arrowstyle": "->"})
        ax.text(t * 2 + 0.6, -1.05, f"$x_{t + 1}$", ha="center", va="center")
        ax.annotate("", xy=(t * 2 + 0.6, 1.8), xytext=(t * 2 + 0.6, 1), arrowprops={"arrowstyle": "->"})
        ax.text(t * 2 + 0.6, 2.05, f"$y_{t + 1}$", ha="center", va="center")
        ax.annotate("", xy=(t * 2 + 2, 0.5), xytext=(t * 2 + 1.2, 0.5),
                    arrowprops={"arrowstyle": "->", "color": plots.ACCENT})
        ax.text(t * 2 + 1.6, 0.75, f"$h_{t + 1}$", ha="center", color=plots.ACCENT, fontsize=9)
    ax.text(-0.5, 0.5, "$h_0=0$", ha="right", va="center", color=plots.ACCENT)
    ax.set_xlim(-1.6, steps * 2 + 0.2), ax.set_ylim(-1.4, 2.4), ax.axis("off")
    ax.set_title("One cell, the same weights, every step")


pulse = np.zeros((1, 12, 1), "float32")
pulse[0, 3, 0] = 1.0
memory_lstm = layers.LSTM(1, return_sequences=True, return_state=True)
memory_lstm.build(pulse.shape)
# gate columns i, f, c, o: the input gate opens only for a large input; forget ~1; output ~1
memory_lstm.set_weights([np.array([[8.0, 0.0, 4.0, 0.0]], "float32"), np.zeros((1, 4), "float32"),
                         np.array([-4.0, 5.0, 0.0, 5.0], "float32")])
h_seq, h_last, c_last = memory_lstm(pulse)
leaky_rnn = layers.SimpleRNN(1, return_sequences=True)
leaky_rnn.build(pulse.shape)
leaky_rnn.set_weights([np.array([[2.0]], "float32"), np.array([[0.7]], "float32"), np.zeros(1, "float32")])
rnn_seq = to_numpy(leaky_rnn(pulse))[0, :, 0]
lstm_seq = to_numpy(h_seq)[0, :, 0]
assert lstm_seq[-1] > 0.9 * lstm_seq[3] and rnn_seq[-1] < 0.1 * rnn_seq[3]  # LSTM keeps it, SimpleRNN forgets

fig, axes = plt.subplots(1, 2, figsize=(12, 3.6), gridspec_kw={"width_ratios": [1.1, 1]})
unrolled_diagram(axes[0])
steps_axis = np.arange(12)  # steps counted from 0, as the array index
axes[1].bar(steps_axis, pulse[0, :, 0], color="#d9d9d9", label="input pulse")
axes[1].plot(steps_axis, lstm_seq, "o-", label="LSTM output h (hand-set)")
axes[1].plot(steps_axis, rnn_seq, "s--", label="SimpleRNN output h (hand-set)")
axes[1].set_xlabel("time step"), axes[1].set_ylabel("value"), axes[1].legend(fontsize=8)
axes[1].set_title("A gated state keeps a pulse; a plain one lets it fade")
fig.tight_layout()
plt.close(fig)
plots.show(fig, "Notice that after the pulse at step 3 the LSTM's output stays at least 90% as high to the "
           "last step, while the SimpleRNN's output decays to under a tenth of its peak.")

# %% [markdown]
# ## Table
#
# | API | Kind | Step rule / role | Key arguments |
# |---|---|---|---|
# | `SimpleRNN` / `SimpleRNNCell` | layer / cell | `h = tanh(xW + hU + b)` | `units`, `activation` |
# | `GRU` / `GRUCell` | layer / cell | gates `z, r, h̃` (that order); `h = z⊙h₋₁ + (1−z)⊙h̃` | `reset_after` (default `True`), `recurrent_activation` |
# | `LSTM` / `LSTMCell` | layer / cell | gates `i, f, c̃, o` (that order); `c = f⊙c₋₁ + i⊙c̃`, `h = o⊙tanh(c)` | `unit_forget_bias`, `use_cudnn` |
# | `RNN` | layer | the loop over time around any cell (or list of cells) | `cell`, `return_sequences`, `return_state`, `go_backwards`, `stateful`, `unroll` |
# | `StackedRNNCells` | cell | several cells in one step; state = all their states | `cells` |
# | `Bidirectional` | wrapper | forward + backward copy, merged | `merge_mode` (`concat`, `sum`, `mul`, `ave`, `None`), `backward_layer` |
# | `TimeDistributed` | wrapper | the same layer on every time slice | `layer` |
# | `Wrapper` | base class (of `TimeDistributed`) | holds `self.layer`, builds and serialises it | subclass and write `call` |
# | `ConvLSTM1D/2D/3D` | layer | LSTM with convolutions on feature maps | `filters`, `kernel_size`, `padding`, `strides` |

# %% [markdown]
# ## Example
#
# ### Example 1: a sequence classifier with stacked, bidirectional layers
#
# Is a sequence's peak in its first or second half? A stacked model
# (`Bidirectional(GRU, return_sequences=True)` → `LSTM` → `Dense`) is built and its parameter
# count is computed by hand from the formulas of the What section.

# %%
classifier = keras.Sequential([
    keras.Input((20, 1)),
    layers.Bidirectional(layers.GRU(8, return_sequences=True)),
    layers.LSTM(4),
    layers.Dense(1, activation="sigmoid"),
])
by_hand = 2 * (3 * (1 * 8 + 8 * 8) + 6 * 8) + 4 * (16 * 4 + 4 * 4 + 4) + (4 + 1)
assert classifier.count_params() == by_hand
assert classifier.output_shape == (None, 1)
print("parameters:", by_hand)

# %% [markdown]
# ### Example 2: an encoder state handed to a decoder
#
# `return_state=True` gives the encoder's final `[h, c]`; `initial_state=` starts a decoder from
# it. The decoder's first step is recomputed in NumPy from that state.

# %%
encoder = layers.LSTM(3, return_state=True)
decoder = layers.LSTM(3, return_sequences=True)
source, target = x, rng.normal(size=(2, 4, 2)).astype("float32")
_, enc_h, enc_c = encoder(source)
decoded = to_numpy(decoder(target, initial_state=[enc_h, enc_c]))
Wd, Ud, bd = decoder.get_weights()
zd = target[:, 0] @ Wd + to_numpy(enc_h) @ Ud + bd
i_g, f_g, c_g, o_g = np.split(zd, 4, axis=-1)
c1 = sigmoid(f_g) * to_numpy(enc_c) + sigmoid(i_g) * np.tanh(c_g)
np.testing.assert_allclose(decoded[:, 0], sigmoid(o_g) * np.tanh(c1), rtol=1e-5, atol=1e-5)
print("decoder step 1 starts from the encoder's state:", decoded[0, 0].round(3))

# %% [markdown]
# ## Proof
#
# ### The step equations, by a NumPy loop over each layer's own weights
#
# Each function below runs the recurrence in NumPy from the weights `get_weights()` returns. The
# layers get **random** weights first (`randomize`), so every gate and bias matters. Alternatives
# are checked to **fail** on the same data: the LSTM with the gate order often listed
# (`f, i, c, o`), and the GRU with the update rule often quoted `h = (1 − z)⊙h₋₁ + z⊙h̃`.

# %%
def simple_rnn_numpy(x, kernel, recurrent, bias):
    h, outputs = np.zeros((x.shape[0], recurrent.shape[0])), []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent + bias)
        outputs.append(h)
    return np.stack(outputs, axis=1)


def lstm_numpy(x, kernel, recurrent, bias, order="ifco"):
    units = recurrent.shape[0]
    h, c, outputs = np.zeros((x.shape[0], units)), np.zeros((x.shape[0], units)), []
    for t in range(x.shape[1]):
        parts = dict(zip(order, np.split(x[:, t] @ kernel + h @ recurrent + bias, 4, axis=-1), strict=True))
        c = sigmoid(parts["f"]) * c + sigmoid(parts["i"]) * np.tanh(parts["c"])
        h = sigmoid(parts["o"]) * np.tanh(c)
        outputs.append(h)
    return np.stack(outputs, axis=1)


def gru_numpy(x, kernel, recurrent, bias, reset_after=True, keras_update=True):
    units = recurrent.shape[0]
    Wz, Wr, Wh = np.split(kernel, 3, axis=-1)
    Uz, Ur, Uh = np.split(recurrent, 3, axis=-1)
    b_in, b_rec = (bias[0], bias[1]) if reset_after else (bias, np.zeros_like(bias))
    bz, br, bh = np.split(b_in, 3)
    rz, rr, rh = np.split(b_rec, 3)
    h, outputs = np.zeros((x.shape[0], units)), []
    for t in range(x.shape[1]):
        xt = x[:, t]
        z = sigmoid(xt @ Wz + bz + h @ Uz + rz)
        r = sigmoid(xt @ Wr + br + h @ Ur + rr)
        if reset_after:
            candidate = np.tanh(xt @ Wh + bh + r * (h @ Uh + rh))
        else:
            candidate = np.tanh(xt @ Wh + bh + (r * h) @ Uh)
        h = z * h + (1 - z) * candidate if keras_update else (1 - z) * h + z * candidate
        outputs.append(h)
    return np.stack(outputs, axis=1)


def built(layer, shape):
    layer.build(shape)
    return randomize(layer)


x = rng.normal(size=(3, 7, 4)).astype("float32")
tolerance = {"rtol": 1e-4, "atol": 1e-5}

rnn = built(layers.SimpleRNN(5, return_sequences=True), x.shape)
np.testing.assert_allclose(to_numpy(rnn(x)), simple_rnn_numpy(x, *rnn.get_weights()), **tolerance)

lstm = built(layers.LSTM(5, return_sequences=True), x.shape)
lstm_out = to_numpy(lstm(x))
np.testing.assert_allclose(lstm_out, lstm_numpy(x, *lstm.get_weights()), **tolerance)
assert not np.allclose(lstm_out, lstm_numpy(x, *lstm.get_weights(), order="fico"), atol=1e-3)  # the often-listed order
assert not np.allclose(lstm_out, lstm_numpy(x, *lstm.get_weights(), order="ifoc"), atol=1e-3)

for reset_after in (True, False):
    gru = built(layers.GRU(5, return_sequences=True, reset_after=reset_after), x.shape)
    gru_out = to_numpy(gru(x))
    expected = gru_numpy(x, *gru.get_weights(), reset_after=reset_after)
    np.testing.assert_allclose(gru_out, expected, **tolerance)
    often_quoted = gru_numpy(x, *gru.get_weights(), reset_after=reset_after, keras_update=False)
    assert not np.allclose(gru_out, often_quoted, atol=1e-3)  # fails if z weighted the candidate
print(f"SimpleRNN, LSTM (order i, f, c, o) and GRU (both reset_after) equal their NumPy loops on {BACKEND}")

# %% [markdown]
# ## Application
#
# ### Forecasting a noisy sine wave, one step ahead
#
# A noisy sine (period 25 steps, noise σ = 0.15) is cut into windows of 12 steps; the target is the
# next value. A `GRU(8) → Dense(1)` model trains for a few seconds (6 epochs on 300 windows). The **naive baseline** predicts
# the last observed value. On unseen data the GRU must beat it: the noise makes the last value a
# poor guess, and the recurrent model learns to average it out while following the wave.

# %%
keras.utils.set_random_seed(7)
time_axis = np.arange(420)
clean = np.sin(2 * np.pi * time_axis / 25)
series = (clean + rng.normal(scale=0.15, size=clean.shape)).astype("float32")
window = 12
inputs = np.stack([series[i:i + window] for i in range(len(series) - window)])[..., None]
targets = series[window:, None]
split = 300
forecaster = keras.Sequential([keras.Input((window, 1)), layers.GRU(8), layers.Dense(1)])
forecaster.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
history = forecaster.fit(inputs[:split], targets[:split], epochs=6, batch_size=64, verbose=0)

predicted = to_numpy(forecaster.predict(inputs[split:], verbose=0))
truth = targets[split:]
naive = inputs[split:, -1]  # the last value of each window
model_mse = float(np.mean((predicted - truth) ** 2))
naive_mse = float(np.mean((naive - truth) ** 2))
print(f"test MSE: GRU {model_mse:.4f}, naive last value {naive_mse:.4f}, noise floor {0.15 ** 2:.4f}")
assert model_mse < 0.8 * naive_mse

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 3.6), gridspec_kw={"width_ratios": [2.2, 1]})
shown = slice(0, 100)
t_test = time_axis[window + split:][shown]
axes[0].plot(t_test, truth[shown, 0], ".", color="grey", label="noisy truth")
axes[0].plot(t_test, clean[window + split:][shown], ":", color="black", linewidth=1.2, label="clean sine")
axes[0].plot(t_test, predicted[shown, 0], color=plots.ACCENT, linewidth=2, label=f"GRU (MSE {model_mse:.3f})")
axes[0].plot(t_test, naive[shown, 0], "--", color="#3d85c6", linewidth=1,
             label=f"naive (MSE {naive_mse:.3f})")
axes[0].set_xlabel("time step"), axes[0].set_ylabel("value")
axes[0].legend(fontsize=8, ncol=4, loc="upper center")
axes[0].set_ylim(-1.5, 1.9)
axes[0].set_title("One-step forecast on unseen data")
epochs_axis = np.arange(1, len(history.history["loss"]) + 1)
axes[1].plot(epochs_axis, history.history["loss"], "o-", label="GRU, training")
axes[1].axhline(naive_mse, color="#3d85c6", linestyle="--", label="naive, test")
axes[1].set_xlabel("epoch"), axes[1].set_ylabel("MSE"), axes[1].legend(fontsize=8)
axes[1].set_title("Training loss")
fig.tight_layout()
plt.close(fig)
assert history.history["loss"][-1] < naive_mse  # the GRU's training loss ends below the naive test MSE
plots.show(fig, "Notice that the GRU's forecast (solid red) follows the clean sine through the noise while the "
           "naive forecast (dashed) repeats each noisy last value a step late, and that the GRU's training "
           "loss falls below the naive forecast's test MSE.")

# %% [markdown]
# ## Key terms
#
# - **Cell**: the one-step function `(x_t, states) → (output, new states)`; the layer loops it over time.
# - **State** (`h`, and `c` for LSTM): what the layer carries from one step to the next.
# - **Gate**: a sigmoid-valued vector that scales what passes (input, forget, output, update, reset).
# - **`return_sequences` / `return_state`**: every step's output / the final states as well.
# - **Mask**: a boolean per step; masked steps are skipped and the state carried over.
# - **Bidirectional / merge mode**: a forward and a backward copy, combined by concat, sum, mul or ave.

# %% [markdown]
# ## Summary
#
# - A recurrent layer = `RNN` + a cell; weights shared over time, parameter count independent of
#   length (`SimpleRNN` `Fu+u²+u`, `GRU` `3(Fu+u²)+6u`, `LSTM` `4(Fu+u²+u)`).
# - Gate order in the weights: LSTM `i, f, c, o`; GRU `z, r, h`; Keras's GRU keeps `z` of the old state.
# - `return_sequences` and `return_state` decide what comes out; `initial_state=` hands a state on.
# - Masked steps are skipped exactly; `Bidirectional` re-aligns the backward half before merging;
#   `TimeDistributed` applies one layer to every step.
# - A tiny GRU beats the naive forecast on a noisy sine within seconds.

# %% [markdown]
# ## Exercises
#
# Each exercise prints its task; `ex.check(...)` says what is right and what is not yet. The hint and
# the solution are there when you ask for them.
#
# ### Exercise 09.1 · One LSTM step by hand
#
# The gate order is the whole difficulty: the How section and the Proof have it.

# %%
ex = exercise("09.1")


def lstm_step(x_t, h, c, kernel, recurrent_kernel, bias):
    ...  # your code here: return (new_h, new_c)


ex.check(lstm_step)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 09.2 · Count the weights of a recurrent layer
#
# The table of the What section, as a function.

# %%
ex = exercise("09.2")


def recurrent_params(kind, features, units, reset_after=True):
    ...  # your code here: kind is "SimpleRNN", "GRU" or "LSTM"


ex.check(recurrent_params)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ### Exercise 09.3 · What does the layer return?
#
# `return_sequences` and `return_state` together, for all three layers.

# %%
ex = exercise("09.3")


def rnn_output_shapes(kind, batch, time, units, return_sequences=False, return_state=False):
    ...  # your code here: a list of shape tuples, one per returned tensor


ex.check(rnn_output_shapes)
# ex.hint()      # uncomment for a hint
# ex.solution()  # uncomment to see a solution

# %% [markdown]
# ## Deep dive (optional)
#
# The proofs below are there for trust rather than for understanding: each remaining option and
# wrapper recomputed in NumPy from the layers' own weights, on cases where a plausible wrong version
# gives another result, then the `Wrapper` base class, backend notes and what changed from Keras 2.
# They re-use the NumPy loops and the random weights of the Proof.

# %% [markdown]
# ### A cell inside `RNN` equals its layer
#
# This shows that the built-in layers are nothing but `RNN` around their cells.
# `RNN(LSTMCell(5))`, `RNN(GRUCell(5))` and `RNN(SimpleRNNCell(5))`, given the weights of the
# layers above, produce the same sequences.

# %%
rnn_out = to_numpy(rnn(x))
for layer_out, layer, cell_class in ((rnn_out, rnn, layers.SimpleRNNCell), (lstm_out, lstm, layers.LSTMCell),
                                     (gru_out, gru, layers.GRUCell)):
    extra = {"reset_after": False} if cell_class is layers.GRUCell else {}  # gru is the reset_after=False one
    wrapped = layers.RNN(cell_class(5, **extra), return_sequences=True)
    wrapped.build(x.shape)
    wrapped.set_weights(layer.get_weights())
    np.testing.assert_allclose(to_numpy(wrapped(x)), layer_out, **tolerance)
print("RNN(cell) == layer, for all three cells")

# %% [markdown]
# ### `StackedRNNCells`: several cells in one loop
#
# This explains the cell that stacks cells, which most models replace by stacked layers.
#
# `StackedRNNCells([cell_1, cell_2])` is one cell made of several: at each step the output of
# `cell_1` is the input of `cell_2`, and the state is the list of all their states. `RNN` also
# accepts a plain list of cells and builds the stack itself. (Proved next: it equals two
# separate layers, the first with `return_sequences=True`.)

# %%
stack = layers.StackedRNNCells([layers.GRUCell(4), layers.LSTMCell(2)])
stacked_rnn = layers.RNN(stack, return_state=True)
out, *states = stacked_rnn(x)
flat_states = keras.tree.flatten(states)  # one state per cell: GRU's h, then LSTM's [h, c]
print("output", tuple(out.shape), "| states:", [tuple(s.shape) for s in flat_states])
n = x.shape[0]
assert [tuple(s.shape) for s in flat_states] == [(n, 4), (n, 2), (n, 2)]
assert isinstance(layers.RNN([layers.SimpleRNNCell(3), layers.SimpleRNNCell(2)]).cell, layers.StackedRNNCells)

# %% [markdown]
# ### `StackedRNNCells` equals two layers, the first returning sequences
#
# This proves that one loop over a stack of cells computes what stacked layers compute.
# One `RNN` over `StackedRNNCells([GRUCell(4), SimpleRNNCell(3)])` against `GRU(4,
# return_sequences=True)` followed by `SimpleRNN(3)` with the same weights, and against the
# NumPy loops chained.

# %%
stacked = layers.RNN(layers.StackedRNNCells([layers.GRUCell(4), layers.SimpleRNNCell(3)]))
stacked.build(x.shape)
randomize(stacked)
gru_w, rnn_w = stacked.get_weights()[:3], stacked.get_weights()[3:]
first = layers.GRU(4, return_sequences=True)
first.build(x.shape)
first.set_weights(gru_w)
second = layers.SimpleRNN(3)
second.build((None, 7, 4))
second.set_weights(rnn_w)
stacked_out = to_numpy(stacked(x))
np.testing.assert_allclose(stacked_out, to_numpy(second(first(x))), **tolerance)
np.testing.assert_allclose(stacked_out, simple_rnn_numpy(gru_numpy(x, *gru_w), *rnn_w)[:, -1], **tolerance)
print("StackedRNNCells == stacked layers == chained NumPy loops")

# %% [markdown]
# ### `go_backwards`, `return_state`, `stateful`
#
# These prove the three options do exactly what How said, which matters when a model depends on
# the order of outputs or on state carried between calls.
#
# - `go_backwards=True` equals the forward layer on `x[:, ::-1]`, outputs **not** flipped back
#   (fails if Keras re-reversed them).
# - `return_state`'s `h` is the last output, and `c` is the NumPy loop's final cell state.
# - A `stateful` layer fed the sequence in two chunks ends exactly where one call on the whole
#   sequence ends; after `reset_state()` it starts from zeros again.

# %%
backwards = layers.SimpleRNN(5, return_sequences=True, go_backwards=True)
backwards.build(x.shape)
backwards.set_weights(rnn.get_weights())
reversed_run = simple_rnn_numpy(x[:, ::-1], *rnn.get_weights())
backwards_out = to_numpy(backwards(x))
np.testing.assert_allclose(backwards_out, reversed_run, **tolerance)
assert not np.allclose(backwards_out, reversed_run[:, ::-1], atol=1e-3)

with_state = layers.LSTM(5, return_sequences=True, return_state=True)
with_state.build(x.shape)
with_state.set_weights(lstm.get_weights())
seq_out, h_final, c_final = (to_numpy(t) for t in with_state(x))
np.testing.assert_allclose(h_final, seq_out[:, -1], rtol=1e-6)
W, Uh, b = lstm.get_weights()
hh, cc = np.zeros((3, 5)), np.zeros((3, 5))
for t in range(7):
    i_g, f_g, c_g, o_g = np.split(x[:, t] @ W + hh @ Uh + b, 4, axis=-1)
    cc = sigmoid(f_g) * cc + sigmoid(i_g) * np.tanh(c_g)
    hh = sigmoid(o_g) * np.tanh(cc)
np.testing.assert_allclose(c_final, cc, **tolerance)

streaming = layers.LSTM(5, stateful=True)
streaming.build(x.shape)
streaming.set_weights(lstm.get_weights())
streaming(x[:, :4])
chunked = to_numpy(streaming(x[:, 4:]))  # continues from the state after step 4
np.testing.assert_allclose(chunked, lstm_numpy(x, *lstm.get_weights())[:, -1], **tolerance)
streaming.reset_state()
assert all(np.all(to_numpy(s) == 0) for s in streaming.states)
fresh_start = lstm_numpy(x[:, 4:], *lstm.get_weights())[:, -1]  # from zeros, steps 4..6 only
np.testing.assert_allclose(to_numpy(streaming(x[:, 4:])), fresh_start, **tolerance)
print("go_backwards, return_state and stateful (+ reset_state) behave as stated")

# %% [markdown]
# ### Masking: padded steps change nothing
#
# This proves that padding a batch does not change any sequence's result, the promise masking makes.
# Sequences of lengths 7, 4 and 2, zero-padded to 7 and masked, give the same final output as each
# sequence run alone at its true length in NumPy (fails if the padding were read: zeros still move
# an LSTM's state, the third check shows it).

# %%
lengths = [7, 4, 2]
padded = x.copy()
for row, n in enumerate(lengths):
    padded[row, n:] = 0.0
masked = keras.Sequential([keras.Input((7, 4)), layers.Masking(0.0), layers.LSTM(5)])
masked.layers[-1].set_weights(lstm.get_weights())
final = to_numpy(masked(padded))
for row, n in enumerate(lengths):
    alone = lstm_numpy(padded[row:row + 1, :n], *lstm.get_weights())[0, -1]
    np.testing.assert_allclose(final[row], alone, **tolerance)
unmasked_final = lstm_numpy(padded[2:3], *lstm.get_weights())[0, -1]
assert not np.allclose(final[2], unmasked_final, atol=1e-3)  # reading the zeros would give this instead
print("masked LSTM == each sequence at its true length")

# %% [markdown]
# ### `Bidirectional` merge modes
#
# This proves every merge mode, and that the backward half is re-aligned in time before merging.
#
# The forward copy equals the layer on `x`; the backward copy is the same kind of layer with
# `go_backwards=True`, and its output sequence is **reversed back** so step `t` of both halves
# refers to input step `t`. Then `concat`, `sum`, `mul`, `ave` and `None` are NumPy's
# `concatenate`, `+`, `*`, mean, and the pair. Fails if the backward half were not re-aligned.

# %%
for mode in ("concat", "sum", "mul", "ave", None):
    bi = layers.Bidirectional(layers.SimpleRNN(5, return_sequences=True), merge_mode=mode)
    bi.build(x.shape)
    randomize(bi)
    fw_w, bw_w = bi.forward_layer.get_weights(), bi.backward_layer.get_weights()
    forward = simple_rnn_numpy(x, *fw_w)
    backward = simple_rnn_numpy(x[:, ::-1], *bw_w)[:, ::-1]  # re-aligned in time
    expected = {
        "concat": np.concatenate([forward, backward], axis=-1), "sum": forward + backward,
        "mul": forward * backward, "ave": (forward + backward) / 2, None: (forward, backward),
    }[mode]
    got = bi(x)
    if mode is None:
        assert isinstance(got, tuple | list) and len(got) == 2
        for part, want in zip(got, expected, strict=True):
            np.testing.assert_allclose(to_numpy(part), want, **tolerance)
    else:
        np.testing.assert_allclose(to_numpy(got), expected, **tolerance)
misaligned = np.concatenate([forward, simple_rnn_numpy(x[:, ::-1], *bw_w)], axis=-1)
assert not np.allclose(np.concatenate([to_numpy(p) for p in got], axis=-1), misaligned, atol=1e-3)
print("Bidirectional: concat, sum, mul, ave and None all equal NumPy")

# %% [markdown]
# ### `TimeDistributed` equals applying the layer step by step
#
# This proves the wrapper is a per-step loop with one set of weights.
# `TimeDistributed(Conv2D)` on a clip equals `Conv2D` on each frame separately, with the same
# weights; for `Dense`, `TimeDistributed(Dense)` equals the NumPy product at every step.

# %%
clip_out = to_numpy(per_frame(frames))
for t in range(frames.shape[1]):
    np.testing.assert_allclose(clip_out[:, t], to_numpy(per_frame.layer(frames[:, t])), **tolerance)
td_dense = layers.TimeDistributed(layers.Dense(2))
td_out = to_numpy(td_dense(x))
kernel, dense_bias = td_dense.layer.get_weights()
step_by_step = np.stack([x[:, t] @ kernel + dense_bias for t in range(7)], axis=1)
np.testing.assert_allclose(td_out, step_by_step, **tolerance)
print("TimeDistributed == the layer applied to each time slice")

# %% [markdown]
# ### `ConvLSTM1D`, `ConvLSTM2D`, `ConvLSTM3D`
#
# This is for sequences of signals, images or volumes (radar, video), a specialised use.
#
# An LSTM whose inputs and states are **feature maps**, and whose matrix products are
# **convolutions**: `z = conv(x_t, W) + conv(h_{t−1}, U) + b`, then the LSTM gate equations
# (`i, f, c̃, o`, same order) element-wise. Input `(batch, time, *spatial, channels)`, state and
# output `(batch, *spatial', filters)`. The input convolution follows `padding` and `strides`; the
# recurrent one always keeps the size (`"same"`).

# %%
conv_cases = {  # class: (input, kernel size, [(padding, return_sequences), ...])
    layers.ConvLSTM1D: (rng.normal(size=(2, 3, 10, 2)), 3, [("valid", True)]),
    layers.ConvLSTM2D: (rng.normal(size=(2, 2, 8, 7, 2)), (3, 2), [("valid", False)]),
    layers.ConvLSTM3D: (rng.normal(size=(1, 2, 4, 4, 3, 2)), 3, [("same", False)]),
}
for layer_class, (data, kernel_size, settings) in conv_cases.items():
    for padding, seq in settings:
        layer = layer_class(4, kernel_size, padding=padding, return_sequences=seq)
        out = layer(data.astype("float32"))
        ks = (kernel_size,) * (data.ndim - 3) if isinstance(kernel_size, int) else kernel_size
        spatial = [n - k + 1 if padding == "valid" else n for n, k in zip(data.shape[2:-1], ks, strict=True)]
        expected = (data.shape[0], *([data.shape[1]] if seq else []), *spatial, 4)
        assert tuple(out.shape) == expected, (layer_class.__name__, out.shape, expected)
        name = layer_class.__name__
        print(f"{name} padding={padding:5s} return_sequences={seq!s:5s}: {data.shape} -> {expected}")
    assert [tuple(w.shape) for w in layer.weights] == [(*ks, 2, 16), (*ks, 4, 16), (16,)]

# %% [markdown]
# ### `ConvLSTM1D`: two steps by hand
#
# This proves ConvLSTM is the LSTM of How with convolutions in place of matrix products.
# A NumPy `"same"` 1-D cross-correlation and the LSTM gates (order `i, f, c, o` along the filter
# axis) reproduce `ConvLSTM1D(3, 3, padding="same")` over two steps. A wrong gate order fails.

# %%
def conv1d_same(signal, kernel):
    """Cross-correlation of (batch, length, in) with (k, in, out), zero padding, odd k."""
    k, length = kernel.shape[0], signal.shape[1]
    padded_signal = np.pad(signal, ((0, 0), (k // 2, k // 2), (0, 0)))
    return sum(padded_signal[:, j:j + length] @ kernel[j] for j in range(k))


def conv_lstm1d_numpy(x, kernel, recurrent, bias, order="ifco"):
    filters = recurrent.shape[1]
    h = c = np.zeros((x.shape[0], x.shape[2], filters))
    for t in range(x.shape[1]):
        z = conv1d_same(x[:, t], kernel) + bias + conv1d_same(h, recurrent)
        parts = dict(zip(order, np.split(z, 4, axis=-1), strict=True))
        c = sigmoid(parts["f"]) * c + sigmoid(parts["i"]) * np.tanh(parts["c"])
        h = sigmoid(parts["o"]) * np.tanh(c)
    return h


maps = rng.normal(size=(2, 2, 9, 2)).astype("float32")  # 2 sequences, 2 steps, length 9, 2 channels
conv_lstm = built(layers.ConvLSTM1D(3, 3, padding="same"), maps.shape)
got = to_numpy(conv_lstm(maps))
np.testing.assert_allclose(got, conv_lstm1d_numpy(maps, *conv_lstm.get_weights()), **tolerance)
assert not np.allclose(got, conv_lstm1d_numpy(maps, *conv_lstm.get_weights(), order="fico"), atol=1e-3)
print("ConvLSTM1D over two steps == NumPy convolutions + LSTM gates; output", got.shape)

# %% [markdown]
# ### `Wrapper`: writing your own wrapper
#
# This shows the base class for layers that hold another layer, for when you write your own.
# `keras.layers.Wrapper(layer)` is the base class for layers that hold one other layer. Its
# docstring names `TimeDistributed` and `Bidirectional` as examples, but in Keras 3 only
# `TimeDistributed` subclasses it (`Bidirectional` is a plain `Layer`, checked in Where). It is
# abstract: subclass it, keep the wrapped layer in `self.layer`, and write `call`. It provides
# `build` (builds the inner layer) and a `get_config`/`from_config` that serialises the inner
# layer. `Residual` below returns `x + layer(x)`, a skip connection around any shape-preserving layer.

# %%
@keras.saving.register_keras_serializable(package="course09")
class Residual(layers.Wrapper):
    """x + layer(x): a skip connection around the wrapped layer."""

    def call(self, inputs, **kwargs):
        return inputs + self.layer(inputs, **kwargs)

    def compute_output_shape(self, input_shape):
        return input_shape


residual = Residual(layers.Dense(4))
z = to_numpy(residual(x))
kernel, dense_bias = residual.layer.get_weights()
np.testing.assert_allclose(z, x + x @ kernel + dense_bias, rtol=1e-5, atol=1e-6)
copy = Residual.from_config(residual.get_config())
assert isinstance(copy.layer, layers.Dense) and copy.layer.units == 4 and not copy.built
print("Residual(Dense(4)) = x + Dense(x); config:", residual.get_config()["layer"]["class_name"])

# %% [markdown]
# ### Backend notes: `unroll` and `use_cudnn`
#
# These are about speed on particular hardware; the results do not change.
#
# `unroll=True` writes the loop out step by step instead of using a symbolic loop: faster for very
# short sequences, more memory; the result is the same (asserted). `use_cudnn="auto"` (GRU, LSTM)
# uses NVIDIA's fused kernel when a GPU and a compatible configuration are present; asking for it
# with `use_cudnn=True` on a CPU raises on TensorFlow and JAX, while the PyTorch backend accepts the
# flag and runs its own implementation (asserted per backend).

# %%
rolled = randomize(layers.LSTM(3, return_sequences=True))
rolled.build(x.shape)
randomize(rolled)
unrolled = layers.LSTM(3, return_sequences=True, unroll=True)
unrolled.build(x.shape)
unrolled.set_weights(rolled.get_weights())
np.testing.assert_allclose(to_numpy(unrolled(x)), to_numpy(rolled(x)), rtol=1e-5, atol=1e-6)


def cudnn_on_cpu():
    return layers.LSTM(3, use_cudnn=True)(x)


if BACKEND == "torch":
    assert tuple(cudnn_on_cpu().shape) == (x.shape[0], 3)
else:
    print(str(expect_error(ValueError, cudnn_on_cpu)).splitlines()[2][:100])

# %% [markdown]
# ### Keras 2 → 3, proved
#
# For readers of older tutorials and Keras 2 code: what no longer works, each point asserted below.
#
# - **`model.reset_states()` is gone**: Keras 3 models have no such method; call
#   `layer.reset_state()` on each stateful layer (`reset_states` survives on the layer as an alias).
# - **`input_shape=` on the first layer** (as in older tutorials) → start with `keras.Input`.
# - **`StackedRNNCells` takes its cells as the first argument, `cells`**: a `layers=` keyword, as
#   some older code writes it, raises `TypeError`.
# - **`Bidirectional(..., merge_mode=None)` returns a tuple**, not a list.
# - **A custom cell is not a subclass of `RNN`**: the common `class CustomRNNCell(RNN)` calling
#   `super().__init__(units)` fails, because `RNN` expects a *cell* as its first argument.
#   A cell is a plain `Layer` with `state_size` (as `LeakyAverageCell` above).
# - **GRU's default is `reset_after=True`** (since TensorFlow 2.0's Keras), with a `(2, 3u)` bias; a
#   GRU formula often quoted uses the original form and swaps `z` and `1 − z`.

# %%
stateful_model = keras.Sequential([keras.Input(batch_shape=(3, 4, 4)), layers.GRU(2, stateful=True)])
stateful_model(x[:, :4])
assert not hasattr(stateful_model, "reset_states") and not hasattr(stateful_model, "reset_state")
stateful_model.layers[0].reset_states()  # the layer-level alias
assert all(np.all(to_numpy(s) == 0) for s in stateful_model.layers[0].states)
assert isinstance(layers.Bidirectional(layers.GRU(2), merge_mode=None)(x), tuple)
stack_error = expect_error(TypeError, lambda: layers.StackedRNNCells(layers=[layers.GRUCell(2)]))
assert "cells" in str(stack_error)


class CustomRNNCell(layers.RNN):  # the common pattern
    def __init__(self, units, **kwargs):
        super().__init__(units, **kwargs)


rnn_subclass_error = expect_error(ValueError, lambda: CustomRNNCell(50))
print("a cell written as an RNN subclass:", str(rnn_subclass_error).splitlines()[0][:100])

"""Regularization-strength explorer: how L1, L2 and L1L2 penalties reshape a trained weight distribution.

The plain part is `make_problem` (a small noisy regression that overfits without a penalty),
`precompute` (trains one small network per (kind, strength) pair of a grid, all in ONE `fit`) and
`weight_distribution` (answers a (kind, strength) question from that table, instantly); `figure`
draws the answer and `readout` says it in text. The widget (`explorer`) is a thin layer over them.

Why one `fit` is enough: the stacked model's loss is the SUM of the separate models' losses (data
terms and penalties), and each kernel appears in only its own term, so its gradient is exactly the
gradient it would get in a model of its own. Adam updates every weight from its own gradient alone,
so training the stack is the same as training each model separately, only much faster.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from helpers.explorers.panel import LIST_KEYS, ExplorerPanel, png

KINDS = ("none", "l1", "l2", "l1_l2")
STRENGTHS = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
NEAR_ZERO = 0.02  # a weight with |w| below this counts as "near zero"

FEATURES, HIDDEN = 20, 32
INFORMATIVE = 3  # only the first three features carry signal


def make_problem(seed: int = 0, n_train: int = 40, n_val: int = 400, noise: float = 0.5):
    """A noisy regression: y = 2·x0 − x1 + 0.5·x2 + noise, with 17 useless features.

    Returns float32 arrays (x_train, y_train, x_val, y_val); targets have shape (n, 1).
    """
    rng = np.random.default_rng(seed)
    coefficients = np.zeros(FEATURES)
    coefficients[:INFORMATIVE] = (2.0, -1.0, 0.5)

    def draw(n):
        x = rng.normal(size=(n, FEATURES))
        y = x @ coefficients + noise * rng.normal(size=n)
        return x.astype("float32"), y.reshape(-1, 1).astype("float32")

    return (*draw(n_train), *draw(n_val))


def regularizer_for(kind: str, strength: float):
    """The Keras regularizer for `kind` at `strength` (None for "none"); L1L2 splits it equally."""
    import keras

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if kind == "none":
        return None
    if kind == "l1_l2":
        return keras.regularizers.L1L2(l1=strength, l2=strength)
    return keras.regularizers.get({"class_name": kind, "config": {kind: strength}})


def factors(kind: str, strength: float) -> tuple[float, float]:
    """The (l1, l2) factors of `regularizer_for(kind, strength)`."""
    s = strength
    return {"none": (0.0, 0.0), "l1": (s, 0.0), "l2": (0.0, s), "l1_l2": (s, s)}[kind]


def check_settings(kind: str, strength: float) -> str | None:
    """A one-line message when (kind, strength) is impossible, else None."""
    if kind not in KINDS:
        return f"Unknown regularizer {kind!r}: choose one of {', '.join(KINDS)}."
    if not isinstance(strength, (int, float)) or not np.isfinite(strength):
        return f"The strength must be a finite number, got {strength!r}."
    if strength < 0:
        return f"A strength of {strength:g} is impossible: a penalty factor must be ≥ 0."
    return None


@dataclass
class Table:
    """Trained first-layer kernels and final losses, one entry per (kind, strength)."""

    kernels: dict = field(default_factory=dict)  # (kind, strength) -> (FEATURES, HIDDEN) array
    train_loss: dict = field(default_factory=dict)  # data loss only (no penalty), NumPy MSE
    val_loss: dict = field(default_factory=dict)
    # (kind, strength) -> list of (step, train MSE, validation MSE), every `steps // chunks` steps
    curves: dict = field(default_factory=dict)
    # (kind, strength) -> [hidden kernel, hidden bias, output kernel] before training (Dense shapes)
    initial: dict = field(default_factory=dict)
    steps: int = 0
    learning_rate: float = 0.0


def _stacked_layer_class():
    import keras

    class PerNetwork(keras.regularizers.Regularizer):
        """Network k's penalty on its own slice w[k]: l1[k]·sum|w[k]| + l2[k]·sum(w[k]²), summed over k.

        Equal to the sum of `regularizer_for(kind_k, strength_k)(w[k])` (the unit tests check it), in
        one vectorized expression instead of one small Keras regularizer call per network.
        """

        def __init__(self, l1, l2):
            self.l1, self.l2 = [float(v) for v in l1], [float(v) for v in l2]

        def __call__(self, weights):
            ops = keras.ops
            axes = tuple(range(1, len(weights.shape)))
            l1 = ops.convert_to_tensor(self.l1, dtype=weights.dtype)
            l2 = ops.convert_to_tensor(self.l2, dtype=weights.dtype)
            return ops.sum(l1 * ops.sum(ops.abs(weights), axis=axes)) + ops.sum(
                l2 * ops.sum(ops.square(weights), axis=axes)
            )

        def get_config(self):
            return {"l1": self.l1, "l2": self.l2}

    class StackedMLPs(keras.layers.Layer):
        """Many independent one-hidden-layer networks side by side (axis 0 of each weight)."""

        def __init__(self, settings, **kwargs):
            super().__init__(**kwargs)
            self.settings = list(settings)

        def build(self, input_shape):
            count = len(self.settings)
            features = input_shape[-1]
            penalty = PerNetwork(*zip(*(factors(k, s) for k, s in self.settings), strict=True))

            def glorot(fan_in, fan_out):  # each network's own Glorot-uniform limits
                limit = float(np.sqrt(6.0 / (fan_in + fan_out)))
                return keras.initializers.RandomUniform(-limit, limit)

            self.hidden = self.add_weight(shape=(count, features, HIDDEN), regularizer=penalty,
                                          initializer=glorot(features, HIDDEN), name="hidden")
            self.bias = self.add_weight(shape=(count, 1, HIDDEN), initializer="zeros", name="bias")
            self.out = self.add_weight(shape=(count, HIDDEN), regularizer=penalty,
                                       initializer=glorot(HIDDEN, 1), name="out")

        def call(self, inputs):
            ops = keras.ops
            hidden = ops.relu(ops.einsum("bf,kfh->kbh", inputs, self.hidden) + self.bias)
            return ops.einsum("kbh,kh->bk", hidden, self.out)  # (batch, number of networks)

    return StackedMLPs


def _dense_weights(hidden, bias, out, k):
    """Network k's weights in the shapes of Dense(HIDDEN) then Dense(1, use_bias=False)."""
    return [hidden[k], bias[k][0], out[k][:, None]]


def _mse(x, y, weights):
    hidden, bias, out = weights
    return float(np.mean((np.maximum(x @ hidden + bias, 0.0) @ out - y) ** 2))


@contextmanager
def one_torch_thread():
    """On the torch backend, train on one CPU thread (restored afterwards).

    These networks are tiny, so a second thread has nothing to do but wait; on a busy machine
    PyTorch's waiting threads made each step about 30 times slower.
    """
    import keras

    if keras.backend.backend() != "torch":
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def train_grid(
    settings, steps: int = 300, seed: int = 0, learning_rate: float = 0.01, chunks: int = 10
) -> Table:
    """Train one network per (kind, strength) in `settings`, all in one full-batch `fit`.

    Each network is Dense(HIDDEN, relu) then Dense(1, no bias), both kernels penalized; Adam,
    `steps` full-batch steps; train and validation MSE recorded every `steps // chunks` steps.
    """
    import keras

    settings = list(settings)
    for kind, strength in settings:
        message = check_settings(kind, strength)
        if message:
            raise ValueError(message)
    x_train, y_train, x_val, y_val = make_problem(seed)
    keras.utils.set_random_seed(seed)
    layer = _stacked_layer_class()(settings)
    model = keras.Sequential([keras.Input((FEATURES,)), layer])
    table = Table(steps=steps, learning_rate=learning_rate)

    def weights_now():
        return [keras.ops.convert_to_numpy(v) for v in (layer.hidden, layer.bias, layer.out)]

    def record(step):
        weights = weights_now()
        for k, setting in enumerate(settings):
            net = _dense_weights(*weights, k)
            table.curves.setdefault(setting, []).append(
                (step, _mse(x_train, y_train, net), _mse(x_val, y_val, net))
            )

    class Record(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            self.model  # noqa: B018  (on JAX, reading .model syncs the trained values into the variables)
            record((epoch + 1) * per_chunk)

    def summed_mse(y_true, y_pred):  # the sum of every network's own MSE
        return keras.ops.sum(keras.ops.mean(keras.ops.square(y_true - y_pred), axis=0))

    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=summed_mse)
    initial = weights_now()
    for k, setting in enumerate(settings):
        table.initial[setting] = _dense_weights(*initial, k)
    record(0)
    # Full-batch steps: each epoch repeats the (never shuffled) data `per_chunk` times, one batch per
    # copy, so `chunks` epochs make `steps` full-batch steps (much faster than `steps` epochs).
    per_chunk = max(1, steps // chunks)
    n = len(x_train)
    with one_torch_thread():
        model.fit(np.tile(x_train, (per_chunk, 1)), np.tile(y_train, (per_chunk, 1)),
                  epochs=steps // per_chunk, batch_size=n, verbose=0, shuffle=False, callbacks=[Record()])
    final = weights_now()
    for k, setting in enumerate(settings):
        net = _dense_weights(*final, k)
        table.kernels[setting] = net[0]
        table.train_loss[setting] = _mse(x_train, y_train, net)
        table.val_loss[setting] = _mse(x_val, y_val, net)
    return table


@cache
def precompute(steps: int = 300, seed: int = 0) -> Table:
    """Every (kind, strength) of the grid (the "none" kind once, at strength 0), trained once and cached."""
    settings = [("none", 0.0)] + [(k, s) for k in KINDS[1:] for s in STRENGTHS if s > 0]
    table = train_grid(settings, steps=steps, seed=seed)
    for kind in KINDS[1:]:  # strength 0 of any kind is the unregularized network
        for store in (table.kernels, table.train_loss, table.val_loss, table.curves, table.initial):
            store[(kind, 0.0)] = store[("none", 0.0)]
    return table


def weight_distribution(kind: str, strength: float, table: Table | None = None) -> dict:
    """What the explorer shows for (kind, strength): kernel, near-zero fraction, losses; or a message.

    `strength` is matched to the nearest grid value (the slider only offers grid values).
    """
    message = check_settings(kind, strength)
    if message:
        return {"message": message}
    table = precompute() if table is None else table
    if kind == "none":
        strength = 0.0
    grid = np.array(STRENGTHS)
    nearest = float(grid[np.argmin(np.abs(np.log10(grid + 1e-5) - np.log10(strength + 1e-5)))])
    key = (kind, nearest)
    kernel = table.kernels[key]
    return {
        "message": None,
        "kind": kind,
        "strength": nearest,
        "kernel": kernel,
        "near_zero": float(np.mean(np.abs(kernel) < NEAR_ZERO)),
        "train_loss": table.train_loss[key],
        "val_loss": table.val_loss[key],
    }


def figure(kind: str, strength: float, table: Table | None = None):
    """Histogram of the trained first-layer kernel for (kind, strength), the unregularized one behind it."""
    return draw(weight_distribution(kind, strength, table), weight_distribution("none", 0.0, table))


def draw(result: dict, base: dict):
    """The figure of `figure` for `weight_distribution` answers already found (the explorer reads them
    out too): `result` for the chosen setting, `base` for no penalty."""
    from matplotlib.figure import Figure

    from helpers import plots

    plots.use_course_style()
    fig = Figure(figsize=(6.4, 3.6))
    ax = fig.subplots()
    if result["message"]:
        ax.axis("off")
        ax.text(0.5, 0.5, result["message"], ha="center", va="center", wrap=True)
        return fig
    kind, unpenalized = result["kind"], base["kernel"].ravel()
    bins = np.linspace(-1.2, 1.2, 61)
    ax.hist(np.clip(unpenalized, bins[0], bins[-1]), bins=bins, color="#bbbbbb", label="no penalty")
    ax.hist(np.clip(result["kernel"].ravel(), bins[0], bins[-1]), bins=bins, alpha=0.7,
            color=plots.ACCENT, label=f"{kind}, strength {result['strength']:g}")
    ax.set_xlabel("first-layer weight value (clipped to ±1.2)")
    ax.set_ylabel("number of weights")
    ax.set_title(
        f"near zero (|w| < {NEAR_ZERO}): {result['near_zero']:.0%} · "
        f"validation MSE {result['val_loss']:.2f} (train {result['train_loss']:.2f})",
        fontsize=9,
    )
    ax.legend()
    return fig


def readout(result: dict, base: dict) -> str:
    """Plain text of what the histogram shows: near-zero share and losses, beside the no-penalty ones."""
    if result["message"]:
        return result["message"]
    return (f"{result['kind']} at strength {result['strength']:g}: {result['near_zero']:.0%} of the "
            f"{result['kernel'].size} first-layer weights are near zero (|w| < {NEAR_ZERO}), against "
            f"{base['near_zero']:.0%} with no penalty. Validation MSE {result['val_loss']:.2f} "
            f"(train {result['train_loss']:.2f}); with no penalty {base['val_loss']:.2f} "
            f"(train {base['train_loss']:.2f}).")


class RegularizationExplorer(ExplorerPanel):
    """A penalty and a strength from the precomputed grid; the histogram and its readout."""

    HINT = f"Keyboard: {LIST_KEYS}"

    def __init__(self, table: Table | None = None):
        import ipywidgets as widgets

        self.table = precompute() if table is None else table
        self.kind = widgets.Dropdown(options=list(KINDS[1:]), value="l1",
                                     description="penalty on the kernels")
        self.strength = widgets.Dropdown(
            options=[("0 (no penalty)" if s == 0 else f"{s:g}", s) for s in STRENGTHS], value=1e-2,
            description="penalty strength",
        )
        super().__init__([self.kind, self.strength], hint=self.HINT)
        self.update()

    def render(self) -> tuple[bytes, str, str]:
        result = weight_distribution(self.kind.value, self.strength.value, self.table)
        if result["message"]:
            raise ValueError(result["message"])
        base = weight_distribution("none", 0.0, self.table)
        text = readout(result, base)
        alt = (f"Histogram of the first-layer weights trained with {result['kind']} at strength "
               f"{result['strength']:g}, over the grey histogram of those trained with no penalty. {text}")
        return png(draw(result, base)), alt, text


def explorer(table: Table | None = None) -> RegularizationExplorer:
    """The explorer over `table` (default: the cached grid), ready to display (also as a cell's value)."""
    return RegularizationExplorer(table)


def summary_figure(table: Table | None = None):
    """Static companion of the explorer: near-zero fraction and validation MSE against strength, per kind."""
    from matplotlib.figure import Figure

    from helpers import plots

    plots.use_course_style()
    table = precompute() if table is None else table
    fig = Figure(figsize=(10, 3.6))
    near_ax, val_ax = fig.subplots(1, 2)
    x = np.arange(len(STRENGTHS))
    for kind in KINDS[1:]:
        rows = [weight_distribution(kind, s, table) for s in STRENGTHS]
        near_ax.plot(x, [r["near_zero"] for r in rows], marker="o", label=kind)
        val_ax.plot(x, [r["val_loss"] for r in rows], marker="o", label=kind)
    for ax in (near_ax, val_ax):
        ax.set_xticks(x, [f"{s:g}" for s in STRENGTHS], rotation=45)
        ax.set_xlabel("regularization strength (0 = no penalty)")
        ax.legend()
    near_ax.set_ylabel(f"fraction of first-layer weights with |w| < {NEAR_ZERO}")
    near_ax.set_title("Stronger penalty → more weights near zero", fontsize=10)
    val_ax.set_ylabel("validation MSE")
    val_ax.set_title("Validation error falls, then levels off", fontsize=10)
    fig.tight_layout()
    return fig

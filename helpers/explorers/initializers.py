"""Initializer explorer: samples of a Keras initializer beside the density and bounds theory predicts.

The plain part is `theory` (the distribution an initializer should draw from, worked out from its
name, the fans, the mode and the distribution, with no Keras involved) and `explore` (draws real
samples from the Keras initializer and returns them with that theory). `figure` draws the
histogram and `readout` says in text what it shows; the widget (`explorer`) is a thin layer over
them. Impossible settings (a fan of 0, an unknown mode, a negative scale) give a one-line message
instead of a traceback.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from helpers.explorers.panel import LIST_KEYS, ExplorerPanel, number_field, png

# The fan-based initializers as VarianceScaling settings: name -> (scale, mode, distribution).
FAN_BASED = {
    "glorot_normal": (1.0, "fan_avg", "truncated_normal"),
    "glorot_uniform": (1.0, "fan_avg", "uniform"),
    "he_normal": (2.0, "fan_in", "truncated_normal"),
    "he_uniform": (2.0, "fan_in", "uniform"),
    "lecun_normal": (1.0, "fan_in", "truncated_normal"),
    "lecun_uniform": (1.0, "fan_in", "uniform"),
}
FIXED = ("random_normal", "random_uniform", "truncated_normal")  # default settings, fans ignored
NAMES = (*FAN_BASED, "variance_scaling", "orthogonal", *FIXED)
MODES = ("fan_in", "fan_out", "fan_avg")
DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")
TRUNCATION_STD = 0.87962566103423978  # std of a standard normal truncated to [-2, 2]
MAX_FAN = 1024
MIN_SAMPLES = 20_000


@dataclass(frozen=True)
class Theory:
    """What an initializer should draw: `kind` with standard deviation `std`, inside `bound` (if any).

    `kind` is "normal", "truncated_normal" (cut at ±`bound` = 2 sigma), "uniform" (on ±`bound`) or
    "orthogonal" (entries of a matrix with orthonormal columns, or rows: variance 1 / max(fans)).
    """

    kind: str
    std: float
    bound: float | None
    sigma: float  # the normal's sigma before truncation (= std for the other kinds)

    def density(self, x):
        """The theoretical probability density at `x` (a normal curve for "orthogonal")."""
        x = np.asarray(x, dtype=float)
        if self.kind == "uniform":
            return np.where(np.abs(x) <= self.bound, 1.0 / (2.0 * self.bound), 0.0)
        gauss = np.exp(-0.5 * (x / self.sigma) ** 2) / (self.sigma * math.sqrt(2.0 * math.pi))
        if self.kind == "truncated_normal":
            inside = math.erf(2.0 / math.sqrt(2.0))  # P(|z| < 2) = 0.9545
            return np.where(np.abs(x) <= self.bound, gauss / inside, 0.0)
        return gauss


def check_settings(name, fan_in, fan_out, mode="fan_in", distribution="truncated_normal", scale=1.0):
    """A one-line message when the settings are impossible, else None."""
    if name not in NAMES:
        return f"unknown initializer {name!r}: choose one of {', '.join(NAMES)}"
    for label, fan in (("fan-in", fan_in), ("fan-out", fan_out)):
        if isinstance(fan, bool) or not isinstance(fan, (int, np.integer)) or not 1 <= fan <= MAX_FAN:
            return f"{label} must be a whole number from 1 to {MAX_FAN}, got {fan!r}"
    if name == "variance_scaling":
        if mode not in MODES:
            return f"mode must be one of {', '.join(MODES)}, got {mode!r}"
        if distribution not in DISTRIBUTIONS:
            return f"distribution must be one of {', '.join(DISTRIBUTIONS)}, got {distribution!r}"
        if not (isinstance(scale, (int, float)) and math.isfinite(scale) and scale > 0):
            return f"scale must be a positive number, got {scale!r}"
    return None


def theory(name, fan_in, fan_out, mode="fan_in", distribution="truncated_normal", scale=1.0) -> Theory:
    """The distribution `name` draws from for a (fan_in, fan_out) kernel, from the formulas alone.

    `mode`, `distribution` and `scale` only matter for "variance_scaling". Raises ValueError with
    the one-line message of `check_settings` on impossible settings.
    """
    message = check_settings(name, fan_in, fan_out, mode, distribution, scale)
    if message:
        raise ValueError(message)
    if name == "random_normal":
        return Theory("normal", 0.05, None, 0.05)
    if name == "random_uniform":
        return Theory("uniform", 0.05 / math.sqrt(3.0), 0.05, 0.05 / math.sqrt(3.0))
    if name == "truncated_normal":
        return Theory("truncated_normal", 0.05 * TRUNCATION_STD, 0.1, 0.05)
    if name == "orthogonal":
        std = 1.0 / math.sqrt(max(fan_in, fan_out))
        return Theory("orthogonal", std, 1.0, std)
    if name in FAN_BASED:
        scale, mode, distribution = FAN_BASED[name]
    fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[mode]
    std = math.sqrt(scale / fan)  # the variance is scale / fan for every distribution
    if distribution == "uniform":
        return Theory("uniform", std, math.sqrt(3.0) * std, std)  # U(-L, L) has variance L² / 3
    if distribution == "untruncated_normal":
        return Theory("normal", std, None, std)
    sigma = std / TRUNCATION_STD  # widened so that the variance after the cut is still scale / fan
    return Theory("truncated_normal", std, 2.0 * sigma, sigma)


def make_initializer(name, mode="fan_in", distribution="truncated_normal", scale=1.0, seed=0, **axes):
    """The Keras initializer object for a name of `NAMES`.

    `mode`, `distribution` and `scale` only matter for "variance_scaling"; `axes` (`input_axes`,
    `output_axes`) go to the fan-based ones.
    """
    import keras

    if name == "variance_scaling":
        return keras.initializers.VarianceScaling(scale, mode, distribution, seed=seed, **axes)
    config = {"seed": seed, **(axes if name in FAN_BASED else {})}
    return keras.initializers.get({"class_name": name, "config": config})


def explore(name, fan_in, fan_out, mode="fan_in", distribution="truncated_normal", scale=1.0, seed=0) -> dict:
    """Samples of the real Keras initializer for a (fan_in, fan_out) kernel, and the theory.

    Returns {"message", "values", "theory"}: on impossible settings only "message" is set (a
    one-line string); otherwise "message" is None, "values" holds at least `MIN_SAMPLES` draws (a
    stack of kernels, each drawn with fans (fan_in, fan_out)) and "theory" is a `Theory`.
    """
    message = check_settings(name, fan_in, fan_out, mode, distribution, scale)
    if message:
        return {"message": message, "values": None, "theory": None}
    import keras

    fan_in, fan_out, scale = int(fan_in), int(fan_out), float(scale)
    copies = max(1, math.ceil(MIN_SAMPLES / (fan_in * fan_out)))
    if name == "orthogonal":  # each matrix is orthogonal by itself: draw `copies` of them
        kernels = [
            keras.ops.convert_to_numpy(keras.initializers.Orthogonal(seed=seed + k)((fan_in, fan_out)))
            for k in range(min(copies, 64))
        ]
        values = np.stack(kernels)
    else:
        shape, axes = (fan_in, fan_out), {}  # one kernel is enough ...
        if copies > 1:  # ... or `copies` kernels in one draw: axis 1 holds the inputs, axis 2 the outputs
            shape = (copies, fan_in, fan_out)
            axes = {} if name in FIXED else {"input_axes": [1], "output_axes": [2]}
        initializer = make_initializer(name, mode, distribution, scale, seed, **axes)
        values = keras.ops.convert_to_numpy(initializer(shape))
    law = theory(name, fan_in, fan_out, mode, distribution, scale)
    return {"message": None, "values": values, "theory": law}


def figure(name, fan_in, fan_out, mode="fan_in", distribution="truncated_normal", scale=1.0, seed=0):
    """Histogram of the samples (as a density) with the theoretical density and bounds on top."""
    result = explore(name, fan_in, fan_out, mode, distribution, scale, seed)
    return draw(result, name, fan_in, fan_out)


def draw(result: dict, name, fan_in, fan_out):
    """The figure of `figure` for an `explore` result already drawn (the explorer reads it out too)."""
    from matplotlib.figure import Figure

    from helpers import plots

    plots.use_course_style()
    fig = Figure(figsize=(6.4, 3.6), layout="constrained")
    ax = fig.subplots()
    if result["message"]:
        ax.axis("off")
        ax.text(0.5, 0.5, result["message"], ha="center", va="center", wrap=True)
        return fig
    values, law = result["values"].ravel(), result["theory"]
    reach = law.bound if law.bound is not None and law.kind != "orthogonal" else 4.0 * law.std
    reach = max(reach * 1.15, np.abs(values).max() * 1.02)
    grid = np.linspace(-reach, reach, 801)
    counts, edges = np.histogram(values, bins=60, range=(-reach, reach), density=True)
    ax.stairs(counts, edges, fill=True, color="#bbbbbb", label=f"{values.size:,} samples")
    ax.plot(grid, law.density(grid), color=plots.ACCENT, lw=2, label=f"theory: {law.kind.replace('_', ' ')}")
    if has_bound(law):
        for side in (-1, 1):
            ax.axvline(side * law.bound, color="#333333", ls="--", lw=1, label="bound" if side == 1 else None)
    ax.set_xlabel("weight value")
    ax.set_ylabel("density")
    ax.set_title(
        f"{name}, fan-in {fan_in}, fan-out {fan_out}: std {values.std():.4f} (theory {law.std:.4f})",
        fontsize=9,
    )
    ax.legend(loc="upper right", fontsize=8)
    return fig


def has_bound(law: Theory) -> bool:
    """Whether the samples must stay inside ±bound (an orthogonal matrix's entries have no set bound)."""
    return law.bound is not None and law.kind != "orthogonal"


def readout(result: dict, name, fan_in, fan_out) -> str:
    """Plain text of what the histogram shows: the samples' mean and spread against the theory."""
    if result["message"]:
        return result["message"]
    values, law = result["values"].ravel(), result["theory"]
    text = (f"{name}, fan-in {fan_in}, fan-out {fan_out}: {values.size:,} samples, "
            f"mean {values.mean():.4f} (theory 0), standard deviation {values.std():.4f} "
            f"(theory {law.std:.4f}, {law.kind.replace('_', ' ')}).")
    if has_bound(law):
        outside = np.mean(np.abs(values) > law.bound)
        text += f" {outside:.2%} of the samples lie beyond the bound ±{law.bound:.4f}."
    return text


class InitializerExplorer(ExplorerPanel):
    """An initializer picker, the fans, VarianceScaling's settings; the histogram and its readout."""

    HINT = (f"Keyboard: {LIST_KEYS} In a number field, the up and down arrow keys step the value. "
            "Mode, distribution and scale matter only for variance_scaling.")

    def __init__(self):
        import ipywidgets as widgets

        self.name = widgets.Dropdown(options=list(NAMES), value="glorot_normal", description="initializer")
        # From 0, so that the message for an impossible fan can be seen.
        self.fan_in = number_field("fan-in (inputs per unit)", 400, 0, MAX_FAN, 1, integer=True)
        self.fan_out = number_field("fan-out (units)", 300, 0, MAX_FAN, 1, integer=True)
        self.mode = widgets.Dropdown(options=list(MODES), value="fan_in", description="variance_scaling mode")
        self.distribution = widgets.Dropdown(options=list(DISTRIBUTIONS), value="truncated_normal",
                                             description="variance_scaling distribution")
        self.scale = widgets.FloatText(value=1.0, step=0.5, description="variance_scaling scale")
        super().__init__([self.name, self.fan_in, self.fan_out, self.mode, self.distribution, self.scale],
                         hint=self.HINT)
        self.update()

    def settings(self) -> dict:
        return {"name": self.name.value, "fan_in": self.fan_in.value, "fan_out": self.fan_out.value,
                "mode": self.mode.value, "distribution": self.distribution.value, "scale": self.scale.value}

    def render(self) -> tuple[bytes, str, str]:
        settings = self.settings()
        result = explore(**settings)
        if result["message"]:
            raise ValueError(result["message"])
        picked = (settings["name"], settings["fan_in"], settings["fan_out"])
        text = readout(result, *picked)
        alt = (f"Histogram of {picked[0]} samples with the theoretical density drawn over it"
               f"{' and the bounds as dashed lines' if has_bound(result['theory']) else ''}. {text}")
        return png(draw(result, *picked)), alt, text


def explorer() -> InitializerExplorer:
    """The explorer, ready to display (it is also the value of the cell)."""
    return InitializerExplorer()

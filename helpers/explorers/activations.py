"""The activations explorer: curve and derivative of chosen Keras activations with chosen parameters.

`curves()` computes (values from `keras.activations`, derivatives from the active backend's
autodiff via `helpers.autodiff`), `figure()` draws them, `readout()` says in text what the figure
draws, and `ActivationExplorer` is a thin ipywidgets UI over them. Impossible settings raise
`ExplorerError` with a one-line message, which the widget shows instead of a traceback.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import keras
import numpy as np

from helpers import autodiff, plots
from helpers.explorers.panel import ExplorerPanel, number_field, png  # noqa: F401 (png: this module's API too)

# Elementwise activations by family (the vector-valued ones are listed apart: they map a vector
# to a vector, so "the curve" of one of them needs a choice of the other entries).
FAMILIES: dict[str, tuple[str, ...]] = {
    "ReLU-like": ("relu", "leaky_relu", "relu6", "elu", "selu", "celu", "linear", "threshold"),
    "smooth ReLU-like": ("softplus", "silu", "gelu", "mish", "hard_silu", "squareplus", "sparse_plus"),
    "saturating": ("sigmoid", "tanh", "softsign", "hard_sigmoid", "hard_tanh", "log_sigmoid",
                   "sparse_sigmoid", "exponential"),
    "shrinkage": ("hard_shrink", "soft_shrink", "tanh_shrink"),
}
VECTOR_VALUED = ("softmax", "log_softmax", "glu", "sparsemax")
ELEMENTWISE = tuple(name for names in FAMILIES.values() for name in names)

# Keyword arguments the explorer lets you set, with the rule each must obey (None: any number).
_RULES = {
    ("celu", "alpha"): (lambda v: v > 0, "must be > 0 (celu divides by alpha)"),
    ("hard_shrink", "threshold"): (lambda v: v >= 0, "must be >= 0"),
    ("soft_shrink", "threshold"): (lambda v: v >= 0, "must be >= 0"),
    ("squareplus", "b"): (lambda v: v >= 0, "must be >= 0 (sqrt(x**2 + b) needs b >= 0)"),
    ("relu", "max_value"): (lambda v: v is None or v > 0, "must be > 0 or None"),
}
MAX_POINTS = 5001
REQUIRED = "<required>"  # marks a keyword argument without a default
# `threshold` has no defaults in Keras; the explorer starts it as a step at 1 falling back to 0.
EXPLORER_DEFAULTS = {"threshold": {"threshold": 1.0, "default_value": 0.0}}


class ExplorerError(ValueError):
    """An impossible setting; the message is one line meant for the explorer's user."""


@dataclass
class Curve:
    name: str
    label: str
    x: np.ndarray
    y: np.ndarray
    dy: np.ndarray


def parameters(name: str) -> dict[str, object]:
    """The keyword arguments of activation `name` and their defaults (REQUIRED when it has none)."""
    signature = inspect.signature(getattr(keras.activations, name))
    return {
        p.name: (REQUIRED if p.default is inspect.Parameter.empty else p.default)
        for p in list(signature.parameters.values())[1:]
    }


def _check(name: str, kwargs: dict) -> None:
    if name in VECTOR_VALUED:
        raise ExplorerError(f"{name} is vector-valued (it mixes a vector's entries); pick an elementwise one")
    if name not in ELEMENTWISE:
        raise ExplorerError(f"unknown activation {name!r}; choose from {', '.join(sorted(ELEMENTWISE))}")
    allowed = parameters(name)
    for key, value in kwargs.items():
        if key not in allowed:
            takes = ", ".join(allowed) or "no parameters"
            raise ExplorerError(f"{name} has no parameter {key!r}; it takes: {takes}")
        if isinstance(value, bool) or value is None:
            continue
        if not isinstance(value, (int, float)) or not np.isfinite(value):
            raise ExplorerError(f"{name}: {key} must be a finite number, got {value!r}")
        rule = _RULES.get((name, key))
        if rule and not rule[0](value):
            raise ExplorerError(f"{name}: {key}={value} {rule[1]}")
    missing = [k for k, v in allowed.items() if v is REQUIRED and k not in kwargs]
    if missing:
        raise ExplorerError(f"{name} needs {', '.join(missing)}")


def label(name: str, kwargs: dict) -> str:
    if not kwargs:
        return name
    return f"{name}(" + ", ".join(f"{k}={v}" for k, v in kwargs.items()) + ")"


def curves(names, params: dict | None = None, x_range=(-5.0, 5.0), points: int = 401) -> list[Curve]:
    """Values and autodiff derivatives of each activation in `names` on a grid of `points` points.

    `params` maps an activation name to its keyword arguments, e.g. {"elu": {"alpha": 0.5}}.
    """
    if isinstance(names, str):
        names = [names]
    names = list(names)
    params = dict(params or {})
    if not names:
        raise ExplorerError("pick at least one activation")
    low, high = (float(v) for v in x_range)
    if not (np.isfinite(low) and np.isfinite(high)) or low >= high:
        raise ExplorerError(f"x range must be increasing and finite, got ({low}, {high})")
    if not 2 <= int(points) <= MAX_POINTS:
        raise ExplorerError(f"points must be between 2 and {MAX_POINTS}, got {points}")
    for extra in set(params) - set(names):
        raise ExplorerError(f"parameters given for {extra!r}, which is not among the chosen activations")
    x = np.linspace(low, high, int(points), dtype="float32")
    result = []
    for name in names:
        kwargs = {**EXPLORER_DEFAULTS.get(name, {}), **params.get(name, {})}
        _check(name, kwargs)
        fn = getattr(keras.activations, name)

        def bound(t, fn=fn, kwargs=kwargs):
            return fn(t, **kwargs)

        y = keras.ops.convert_to_numpy(bound(keras.ops.convert_to_tensor(x)))
        result.append(Curve(name, label(name, kwargs), x, y, autodiff.derivative(bound, x)))
    return result


def figure(names, params: dict | None = None, x_range=(-5.0, 5.0), points: int = 401,
           title: str | None = None):
    """Curves (left) and derivatives (right) on shared x axes; returns a matplotlib Figure."""
    return draw(curves(names, params, x_range, points), title)


def draw(found: list[Curve], title: str | None = None):
    """The figure of `figure` for curves already computed (the explorer reads them out too)."""
    plots.use_course_style()
    fig, (left, right) = plots._new_figure(1, 2, figsize=(10, 3.8), sharex=True)
    # Each curve keeps its colour and dashes in both panels; the dashes keep overlapping curves visible.
    for curve, style in zip(found, plots.line_styles(), strict=False):  # the style cycle is endless
        left.plot(curve.x, curve.y, label=curve.label, **style)
        right.plot(curve.x, curve.dy, label=curve.label, **style)
    left.set(title="activation f(x)", xlabel="x", ylabel="f(x)")
    right.set(title="derivative f'(x) (backend autodiff)", xlabel="x", ylabel="f'(x)")
    for ax in (left, right):
        ax.axhline(0, color="grey", lw=0.6)
        ax.axvline(0, color="grey", lw=0.6)
    left.legend(fontsize=8)
    if title:
        fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    return fig


def number(value) -> str:
    """A value as the readout says it: 3 significant digits, no "-0"."""
    text = f"{float(value):.3g}"
    return "0" if text == "-0" else text


def reading_points(x: np.ndarray) -> list[int]:
    """Grid indices the readout reports: both ends and the point nearest 0 (the middle if 0 is outside)."""
    anchor = 0.0 if x[0] <= 0.0 <= x[-1] else (x[0] + x[-1]) / 2
    return [0, int(np.argmin(np.abs(x - anchor))), len(x) - 1]


def readout(found: list[Curve]) -> str:
    """Plain text of what the figure draws: each curve's value at three points, its derivative's range."""
    x = found[0].x
    parts = [f"x from {number(x[0])} to {number(x[-1])}."]
    for curve in found:
        values = ", ".join(f"f({number(curve.x[i])}) = {number(curve.y[i])}" for i in reading_points(curve.x))
        low, high = np.nanmin(curve.dy), np.nanmax(curve.dy)
        parts.append(f"{curve.label}: {values}; derivative from {number(low)} to {number(high)}.")
    return " ".join(parts)


def alt_text(found: list[Curve]) -> str:
    names = ", ".join(curve.label for curve in found)
    return f"Left, the curves f(x) of {names}; right, their derivatives f'(x). " + readout(found)


class ActivationExplorer(ExplorerPanel):
    """Pick activations and set their parameters; the picture and its readout redraw on every change."""

    FIELDS = {  # (activation, parameter): (min, max, step); labelled "activation parameter"
        ("leaky_relu", "negative_slope"): (-0.5, 1.0, 0.05),
        ("elu", "alpha"): (-1.0, 3.0, 0.1),
        ("celu", "alpha"): (-1.0, 3.0, 0.1),
        ("soft_shrink", "threshold"): (-1.0, 3.0, 0.1),
        ("hard_shrink", "threshold"): (-1.0, 3.0, 0.1),
        ("squareplus", "b"): (-2.0, 10.0, 0.5),
    }
    HINT = ("Keyboard: Tab moves from control to control; Space ticks or unticks an activation; "
            "in a number field the up and down arrow keys step the value.")

    def __init__(self, selected=("relu", "leaky_relu", "elu", "gelu"), x_range=(-5.0, 5.0)):
        import ipywidgets as widgets

        # One checkbox per activation, not a multiple-choice list: JupyterLab takes a list's arrow
        # keys for moving between cells (ipywidgets#3912), while Space still ticks a checkbox.
        self.plotted = {name: widgets.Checkbox(value=name in selected, description=name, indent=False,
                                               layout=widgets.Layout(width="auto"))
                        for name in ELEMENTWISE}
        self.fields = {
            (name, key): number_field(f"{name} {key}", parameters(name)[key], low, high, step)
            for (name, key), (low, high, step) in self.FIELDS.items()
        }
        self.approximate = widgets.Checkbox(value=False, description="gelu approximate (tanh formula)")
        self.x_from = number_field("x axis from", x_range[0], -10.0, 10.0, 0.5)
        self.x_to = number_field("x axis to", x_range[1], -10.0, 10.0, 0.5)
        settings = [self.approximate, self.x_from, self.x_to, *self.fields.values()]
        grid = widgets.GridBox(list(self.plotted.values()),
                               layout=widgets.Layout(grid_template_columns="repeat(3, max-content)",
                                                     grid_gap="0 1em"))
        arranged = widgets.VBox([widgets.HTML("<b>Activations to plot</b>"), grid, *settings],
                                layout=widgets.Layout(flex="0 0 auto"))
        super().__init__([*self.plotted.values(), *settings], hint=self.HINT, arranged=arranged)
        self.update()

    def show_only(self, names) -> None:
        """Tick exactly the activations in `names` (one redraw)."""
        with self.one_redraw():
            for name, box in self.plotted.items():
                box.value = name in names

    def settings(self) -> dict:
        names = [name for name, box in self.plotted.items() if box.value]
        params = {}
        for (name, key), field in self.fields.items():
            if name in names and field.value != parameters(name)[key]:
                params.setdefault(name, {})[key] = round(field.value, 6)
        if "gelu" in names and self.approximate.value:
            params["gelu"] = {"approximate": True}
        return {"names": names, "params": params, "x_range": (self.x_from.value, self.x_to.value)}

    def render(self) -> tuple[bytes, str, str]:
        found = curves(**self.settings())
        return png(draw(found)), alt_text(found), readout(found)


def explore(**kwargs) -> ActivationExplorer:
    """The explorer, ready to display (it is also the value of the cell)."""
    return ActivationExplorer(**kwargs)

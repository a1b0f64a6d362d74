"""The activations explorer: curve and derivative of chosen Keras activations with chosen parameters.

`curves()` computes (values from `keras.activations`, derivatives from the active backend's
autodiff via `helpers.autodiff`), `figure()` draws them, and `ActivationExplorer` is a thin
ipywidgets UI over `figure()`. Impossible settings raise `ExplorerError` with a one-line message,
which the widget shows instead of a traceback.
"""

from __future__ import annotations

import inspect
import io
from dataclasses import dataclass

import keras
import numpy as np

from helpers import autodiff, plots

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
    found = curves(names, params, x_range, points)
    plots.use_course_style()
    fig, (left, right) = plots._new_figure(1, 2, figsize=(10, 3.8), sharex=True)
    # Each curve keeps its colour and dashes in both panels; the dashes keep overlapping curves visible.
    for curve, style in zip(found, plots.line_styles()):
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


def png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


class ActivationExplorer:
    """Pick activations and set their parameters; the picture redraws on every change."""

    SLIDERS = {  # (activation, parameter): (description, min, max, step)
        ("leaky_relu", "negative_slope"): ("leaky slope", -0.5, 1.0, 0.05),
        ("elu", "alpha"): ("elu α", -1.0, 3.0, 0.1),
        ("celu", "alpha"): ("celu α", -1.0, 3.0, 0.1),
        ("soft_shrink", "threshold"): ("shrink λ", -1.0, 3.0, 0.1),
        ("hard_shrink", "threshold"): ("hard λ", -1.0, 3.0, 0.1),
        ("squareplus", "b"): ("squareplus b", -2.0, 10.0, 0.5),
    }

    def __init__(self, selected=("relu", "leaky_relu", "elu", "gelu"), x_range=(-5.0, 5.0)):
        import ipywidgets as widgets

        self.choose = widgets.SelectMultiple(options=ELEMENTWISE, value=tuple(selected), rows=8,
                                             description="activations")
        self.sliders = {}
        for (name, key), (text, low, high, step) in self.SLIDERS.items():
            default = parameters(name)[key]
            self.sliders[(name, key)] = widgets.FloatSlider(
                value=default, min=low, max=high, step=step, description=text, continuous_update=False
            )
        self.approximate = widgets.Checkbox(value=False, description="gelu approximate=True")
        self.span = widgets.FloatRangeSlider(value=x_range, min=-10, max=10, step=0.5, description="x range",
                                             continuous_update=False)
        self.message = widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="640px"))
        for control in [self.choose, self.approximate, self.span, *self.sliders.values()]:
            control.observe(lambda _change: self.update(), names="value")
        controls = widgets.VBox([self.choose, self.approximate, self.span, *self.sliders.values()],
                                layout=widgets.Layout(min_width="320px", flex="0 0 auto"))
        self.widget = widgets.VBox([widgets.HBox([controls, self.image]), self.message])
        self.update()

    def settings(self) -> dict:
        names = list(self.choose.value)
        params = {}
        for (name, key), slider in self.sliders.items():
            if name in names and slider.value != parameters(name)[key]:
                params.setdefault(name, {})[key] = round(slider.value, 6)
        if "gelu" in names and self.approximate.value:
            params["gelu"] = {"approximate": True}
        return {"names": names, "params": params, "x_range": tuple(self.span.value)}

    def update(self) -> None:
        try:
            self.image.value = png(figure(**self.settings()))
            self.message.value = ""
        except ExplorerError as error:
            self.message.value = f"<b style='color:#b3261e'>⚠ {error}</b>"
        except Exception as error:  # anything unforeseen: still one line, never a traceback
            first = (str(error).splitlines() or [""])[0]
            self.message.value = f"<b style='color:#b3261e'>⚠ {type(error).__name__}: {first}</b>"

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def explore(**kwargs) -> ActivationExplorer:
    """The explorer, ready to display (it is also the value of the cell)."""
    return ActivationExplorer(**kwargs)

"""Plot style and the plotting code the notebooks share.

Every plotting function returns a matplotlib Figure that pyplot no longer manages (it is closed
before it is returned): a notebook shows it once, as the value of the cell, and never a second
time when the inline backend flushes open figures at the end of the cell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Patch

# Okabe & Ito's palette (blue, orange, bluish green, reddish purple, sky blue, vermillion, black)
# with Tol's wine in place of its yellow, which is 1.3:1 against the white background (a yellow line
# all but vanishes); wine is 8.7:1. Every pair stays at least 10 apart (CAM02-UCS ΔE) under simulated
# deuteranopia, protanopia and tritanopia, where matplotlib's default orange and green fall to 1.6
# (tests/test_figures.py).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#882255", "#000000")
# A line style per colour, so lines told apart by colour are told apart by their dashes too (for a
# reader who sees no colour at all, or a greyscale print). The first stays solid.
LINESTYLES = (
    "-", "--", "-.", ":", (0, (6, 2, 1, 2, 1, 2)), (0, (10, 3)), (0, (1, 4)), (0, (4, 2, 4, 2, 1, 2)),
)

COURSE_STYLE = {
    "axes.prop_cycle": mpl.cycler(color=PALETTE) + mpl.cycler(linestyle=LINESTYLES),
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titleweight": "bold",
    "font.size": 10,
    "legend.frameon": False,
}

# Box colours shared by the diagrams: what a layer holds decides its colour.
TRAINABLE_COLOUR = "#cfe2f3"
FROZEN_COLOUR = "#d9d9d9"
STATELESS_COLOUR = "#ffffff"
ACCENT = "#c0392b"


def line_styles():
    """The course cycle's {color, linestyle} pairs, in order and endlessly: for a curve drawn twice in
    one style (a function and its derivative side by side)."""
    import itertools

    return itertools.cycle(COURSE_STYLE["axes.prop_cycle"])


def use_course_style() -> None:
    """Apply the course's matplotlib style (idempotent)."""
    mpl.rcParams.update(COURSE_STYLE)


def _new_figure(nrows: int = 1, ncols: int = 1, **kwargs):
    """plt.subplots, detached from pyplot so the figure is displayed only where it is returned."""
    import matplotlib.pyplot as plt  # here, not at import time: helpers.setup imports this module

    fig, axes = plt.subplots(nrows, ncols, **kwargs)
    plt.close(fig)
    return fig, axes


def _box(ax, centre: tuple[float, float], size: tuple[float, float], colour: str, **kwargs) -> None:
    (x, y), (w, h) = centre, size
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.12",
            facecolor=colour, edgecolor="#333333", linewidth=1.2, **kwargs,
        )
    )


def _arrow(ax, start, end, text: str = "", **kwargs) -> None:
    style = {"arrowstyle": "-|>", "color": "#333333", "lw": 1.4, "shrinkA": 2, "shrinkB": 2}
    style.update(kwargs)
    ax.annotate(text, xy=end, xytext=start, arrowprops=style, ha="center", va="center", fontsize=9)


def _times(n: int) -> str:
    return f"ran {n} time" + ("" if n == 1 else "s")


def lifecycle_diagram(build_runs: int | None = None, call_runs: int | None = None) -> Figure:
    """The life of a custom layer: __init__ -> build (once) -> call (every time), and get_config.

    Pass the counts measured on a real layer to print them under the boxes.
    """
    fig, ax = _new_figure(figsize=(10, 4.6))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 5.2)
    ax.axis("off")
    stages = [
        ("__init__(**settings)", "stores the settings;\nlayer.weights == []", "once, at construction", None),
        ("build(input_shape)", "add_weight creates the weights,\nsized from input_shape[-1]",
         "once, on the first call", build_runs),
        ("call(inputs)", "computes the outputs\nfrom inputs and weights", "on every call", call_runs),
    ]
    centres = [1.75, 5.0, 8.25]
    for x, (head, body, when, runs) in zip(centres, stages, strict=True):
        _box(ax, (x, 3.4), (2.9, 1.6), TRAINABLE_COLOUR if head.startswith("build") else STATELESS_COLOUR)
        ax.text(x, 3.85, head, ha="center", va="center", fontsize=10, fontweight="bold", family="monospace")
        ax.text(x, 3.15, body, ha="center", va="center", fontsize=9)
        ax.text(x, 2.35, when, ha="center", va="center", fontsize=9, style="italic")
        if runs is not None:
            ax.text(x, 1.95, _times(runs), ha="center", va="center", fontsize=10, fontweight="bold",
                    color=ACCENT)
    for left, right in zip(centres, centres[1:], strict=False):
        _arrow(ax, (left + 1.47, 3.4), (right - 1.47, 3.4))
    # The loop over call: the part that repeats, batch after batch.
    _arrow(ax, (9.2, 4.22), (7.3, 4.22), connectionstyle="arc3,rad=0.55")
    ax.text(8.25, 4.95, "next batch", ha="center", va="center", fontsize=9, color="#333333")
    # Serialisation sits beside the lifecycle: it records __init__'s arguments, not the weights.
    _box(ax, (3.6, 0.75), (6.4, 0.9), "#fdf2d0")
    ax.text(3.75, 0.75, "get_config() -> dict of the __init__ settings (no weights)\n"
            "from_config(config) calls __init__ again",
            ha="center", va="center", fontsize=9, family="monospace")
    _arrow(ax, (0.62, 1.22), (0.62, 2.58), linestyle="--")
    ax.set_title("Layer lifecycle: settings in __init__, weights in build, maths in call")
    return fig


def layer_rows(model) -> list[dict]:
    """One row per layer of `model` (input layers excluded): name, class, output shape, parameter counts."""
    rows = []
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            continue
        try:
            shape = tuple(layer.output.shape)
        except (AttributeError, ValueError):  # a layer never called on a symbolic input
            shape = None
        trainable = sum(int(np.prod(v.shape)) for v in layer.trainable_weights)
        rows.append({
            "name": layer.name,
            "class": type(layer).__name__,
            "output_shape": shape,
            "params": int(layer.count_params()),
            "trainable_params": trainable,
        })
    return rows


def _shape_text(shape) -> str:
    return "?" if shape is None else "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


def layer_stack(model, title: str | None = None) -> Figure:
    """The model as a stack of boxes: each layer's name, class, output shape and parameter counts.

    Blue boxes hold trainable weights, grey ones only non-trainable weights, white ones no weights.
    """
    rows = layer_rows(model)
    total = sum(r["params"] for r in rows)
    trainable = sum(r["trainable_params"] for r in rows)
    step = 1.15
    height = step * (len(rows) + 1)
    fig, ax = _new_figure(figsize=(8.5, 1.2 + 0.95 * (len(rows) + 1)))
    ax.set_xlim(0, 10)
    ax.set_ylim(-0.3, height)
    ax.axis("off")
    y = height - 0.6
    input_shape = _shape_text(tuple(model.inputs[0].shape)) if getattr(model, "inputs", None) else "?"
    _box(ax, (5, y), (9.2, 0.85), "#f3f3f3")
    ax.text(0.7, y, "Input", ha="left", va="center", fontweight="bold")
    ax.text(9.3, y, f"shape {input_shape}", ha="right", va="center", family="monospace")
    for row in rows:
        _arrow(ax, (5, y - 0.45), (5, y - step + 0.45))
        y -= step
        non_trainable = row["params"] - row["trainable_params"]
        if row["trainable_params"]:
            colour = TRAINABLE_COLOUR
        else:
            colour = FROZEN_COLOUR if row["params"] else STATELESS_COLOUR
        _box(ax, (5, y), (9.2, 0.85), colour)
        ax.text(0.7, y + 0.16, row["name"], ha="left", va="center", fontweight="bold")
        ax.text(0.7, y - 0.18, row["class"], ha="left", va="center", fontsize=9, style="italic")
        ax.text(9.3, y + 0.16, f"output {_shape_text(row['output_shape'])}", ha="right", va="center",
                family="monospace", fontsize=9)
        detail = f"{row['params']:,} params" + (f", {non_trainable:,} non-trainable" if non_trainable else "")
        ax.text(9.3, y - 0.18, detail, ha="right", va="center", family="monospace", fontsize=9)
    ax.legend(
        handles=[Patch(facecolor=c, edgecolor="#333333", label=lab) for c, lab in [
            (TRAINABLE_COLOUR, "trainable weights"), (FROZEN_COLOUR, "non-trainable weights only"),
            (STATELESS_COLOUR, "no weights")]],
        loc="lower center", ncol=3, bbox_to_anchor=(0.5, -0.06), fontsize=9,
    )
    ax.set_title(title or f"{model.name}: {total:,} parameters ({trainable:,} trainable)")
    return fig


def _is_vector(array: np.ndarray) -> bool:
    return array.ndim == 1 or (array.ndim == 2 and 1 in array.shape)


def weights_before_after(
    before,
    after,
    title: str = "Weights before and after training",
    row_label: str = "input feature",
    col_label: str = "unit",
    row_names: Sequence[str] | None = None,
) -> Figure:
    """A weight array before and after training, and the change.

    A matrix gives three heatmaps (before and after on one colour scale, then the change); a vector
    (a bias, or a kernel with one input or one output) gives grouped bars and bars of the change.
    """
    before, after = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    if before.shape != after.shape:
        raise ValueError(f"before has shape {before.shape} but after has {after.shape}")
    change = after - before
    biggest = float(np.abs(change).max())
    change_title = f"change (max |change| = {biggest:.3g})"
    if _is_vector(before):
        fig, change_ax = _weight_bars(before.ravel(), after.ravel(), col_label, change_title)
    else:
        fig, change_ax = _weight_heatmaps(before, after, (row_label, col_label), change_title, row_names)
    if biggest == 0.0:
        change_ax.text(0.5, 0.5, "no change", transform=change_ax.transAxes, ha="center", va="center",
                       fontsize=12, fontweight="bold", color=ACCENT)
    fig.suptitle(title, fontweight="bold")
    return fig


def _weight_heatmaps(before, after, labels, change_title, row_names):
    """Three heatmaps (before, after, change); returns the figure and the change's axes."""
    from matplotlib.ticker import MaxNLocator

    row_label, col_label = labels
    fig, axes = _new_figure(1, 3, figsize=(11, 3.6), layout="constrained")
    change = after - before
    scale = float(max(np.abs(before).max(), np.abs(after).max())) or 1.0
    biggest = float(np.abs(change).max())
    # An all-zero change gets no colour bar: there is no scale to read.
    panels = [(before, "before", scale, True), (after, "after", scale, True),
              (change, change_title, biggest or 1.0, biggest > 0)]
    for ax, (matrix, name, limit, colour_bar) in zip(axes, panels, strict=True):
        image = ax.imshow(matrix, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
        ax.set_title(name)
        ax.set_xlabel(col_label)
        ax.set_ylabel(row_label)
        ax.grid(False)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if row_names is not None:
            ax.set_yticks(range(len(row_names)), list(row_names))
        else:
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        if colour_bar:
            fig.colorbar(image, ax=ax, shrink=0.85)
    return fig, axes[2]


def _weight_bars(before, after, col_label, change_title):
    """Grouped bars (before, after) and bars of the change; returns the figure and the change's axes."""
    fig, (values_ax, change_ax) = _new_figure(1, 2, figsize=(11, 3.6), layout="constrained")
    index = np.arange(before.size)
    change = after - before
    values_ax.bar(index - 0.2, before, width=0.4, label="before", color="#9e9e9e")
    values_ax.bar(index + 0.2, after, width=0.4, label="after", color=ACCENT)
    values_ax.set_title("before and after")
    values_ax.legend()
    change_ax.bar(index, change, width=0.6, color="#2c7fb8")
    change_ax.set_title(change_title)
    for ax, ylabel in ((values_ax, "weight value"), (change_ax, "after - before")):
        ax.axhline(0.0, color="#333333", lw=0.8)
        ax.set_xticks(index)
        ax.set_xlabel(col_label)
        ax.set_ylabel(ylabel)
    return fig, change_ax


def _line_text(slope: float, intercept: float) -> str:
    sign = "+" if intercept >= 0 else "-"
    return f"y = {slope:.3f}x {sign} {abs(intercept):.3f}"


def fitted_line(
    x,
    y,
    slope: float,
    intercept: float,
    true_slope: float | None = None,
    true_intercept: float | None = None,
    title: str | None = None,
) -> Figure:
    """The data as points, the learned line over them, and (optionally) the true line dashed."""
    x, y = np.ravel(x), np.ravel(y)
    fig, ax = _new_figure()
    ax.scatter(x, y, s=12, alpha=0.6, label="data")
    grid = np.linspace(x.min(), x.max(), 2)
    ax.plot(grid, slope * grid + intercept, color=ACCENT, lw=2,
            label=f"learned: {_line_text(slope, intercept)}")
    if true_slope is not None and true_intercept is not None:
        ax.plot(grid, true_slope * grid + true_intercept, "k--", lw=1.2,
                label=f"true: {_line_text(true_slope, true_intercept)}")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="upper left")
    ax.set_title(title or "The learned line over the training data")
    return fig


def loss_curve(history: Mapping[str, Sequence[float]], title: str = "Loss per epoch") -> Figure:
    """Every loss series of a Keras History.history dict against the epoch number (1-based)."""
    series = {name: values for name, values in history.items() if "loss" in name}
    if not series:
        raise ValueError(f"no loss series in {sorted(history)}")
    fig, ax = _new_figure()
    for name, values in series.items():
        ax.plot(np.arange(1, len(values) + 1), values, marker="o", ms=3, label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_yscale("log")
    ax.legend()
    ax.set_title(title)
    return fig


def show(fig: Figure, notice: str, alt: str | None = None) -> None:
    """Display `fig` with its reading under it: one "Notice that …" sentence, the thing to see.

    The sentence is also the image's text alternative unless a fuller `alt` is given. It goes where
    each reader looks for it: the PNG output's metadata (nbconvert), and an HTML `<img alt>` in the
    same output, which JupyterLab, Colab and the website render (JupyterLab 4 ignores the metadata).
    """
    from html import escape

    from IPython.core.pylabtools import print_figure
    from IPython.display import Markdown, display  # here: helpers must import without IPython

    if not notice.startswith("Notice that ") or len(notice) < 40:
        raise ValueError(f"a figure's reading starts with 'Notice that ' and says what to see: {notice!r}")
    text = alt or notice
    png = print_figure(fig, "png", base64=True)
    bundle = {
        "image/png": png,
        "text/html": f'<img src="data:image/png;base64,{png}" alt="{escape(text)}"/>',
        "text/plain": f"<Figure: {text}>",
    }
    display(bundle, raw=True, metadata={"image/png": {"alt": text}, "series": series_of(fig)})
    display(Markdown(f"*{notice}*"))


def series_of(fig: Figure) -> list[list[list[str]]]:
    """Per axes, the labelled series a reader must tell apart: [colour, line style, marker, label].

    The figures test (tests/test_figures.py) checks these stay distinguishable for colour-blind
    readers: far enough apart in colour under simulated deficiencies, or different in style.
    """
    from matplotlib.colors import to_hex

    found = []
    for ax in fig.axes:
        series = []
        for line in ax.get_lines():
            label = line.get_label()
            if label and not label.startswith("_"):
                # The dash pattern, not get_linestyle(): every custom dash tuple reads "--" there.
                dashes = getattr(line, "_unscaled_dash_pattern", None) or line.get_linestyle()
                style = [str(dashes), str(line.get_marker())]
                series.append([to_hex(line.get_color()), *style, label])
        for collection in ax.collections:
            label = collection.get_label()
            colours = collection.get_facecolor()
            if label and not label.startswith("_") and len(colours):
                series.append([to_hex(colours[0]), "none", "scatter", label])
        for patch_label, patch in _bar_groups(ax):
            series.append([to_hex(patch.get_facecolor()), "none", "bar", patch_label])
        found.append(series)
    return found


def _bar_groups(ax):
    """(label, first patch) of each labelled bar group (ax.bar(..., label=...))."""
    for container in ax.containers:
        label = container.get_label()
        patches = getattr(container, "patches", None)
        if label and not label.startswith("_") and patches:
            yield label, patches[0]

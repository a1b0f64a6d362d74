"""Unit tests for helpers.plots: each figure is returned once, labelled, and draws exactly its input."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from matplotlib._pylab_helpers import Gcf
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.text import Text

from helpers import plots


@pytest.fixture(autouse=True, scope="module")
def headless_backend():
    """Agg: no display needed, and the backend the CI machines have."""
    matplotlib.use("Agg")


def texts(fig: Figure) -> list[str]:
    """Every piece of text drawn in the figure (titles, labels, annotations, legend entries)."""
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def assert_detached(fig) -> None:
    """A returned Figure that pyplot no longer manages, so a notebook shows it exactly once."""
    assert isinstance(fig, Figure)
    managed = [manager.canvas.figure for manager in Gcf.get_all_fig_managers()]
    assert all(other is not fig for other in managed)


@pytest.fixture(scope="module")
def keras():
    from helpers.setup import import_keras_quietly

    return import_keras_quietly()


@pytest.fixture(scope="module")
def small_model(keras):
    """Dense (frozen) -> BatchNormalization -> Dropout -> Dense, on 4 features."""
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(3, name="first"),
            keras.layers.BatchNormalization(name="norm"),
            keras.layers.Dropout(0.5, name="drop"),
            keras.layers.Dense(1, name="last"),
        ],
        name="small",
    )
    model.get_layer("first").trainable = False
    return model


# Parameter counts of small_model, by hand: (name, class, output shape, params, trainable params).
SMALL_MODEL_ROWS = [
    ("first", "Dense", (None, 3), 4 * 3 + 3, 0),  # frozen
    ("norm", "BatchNormalization", (None, 3), 4 * 3, 2 * 3),  # gamma, beta trainable; moving stats not
    ("drop", "Dropout", (None, 3), 0, 0),
    ("last", "Dense", (None, 1), 3 * 1 + 1, 3 * 1 + 1),
]


def test_course_style_is_applied():
    plots.use_course_style()
    for key, value in plots.COURSE_STYLE.items():
        assert matplotlib.rcParams[key] == (list(value) if isinstance(value, tuple) else value), key


def test_lifecycle_diagram_names_the_three_methods_and_get_config():
    fig = plots.lifecycle_diagram()
    assert_detached(fig)
    drawn = " ".join(texts(fig))
    names = ("__init__", "build(input_shape)", "call(inputs)", "add_weight", "get_config()", "from_config")
    for name in names:
        assert name in drawn, name
    assert "ran " not in drawn  # no counts were given, so none are invented
    assert fig.axes[0].get_title()


def test_lifecycle_diagram_prints_measured_counts():
    drawn = texts(plots.lifecycle_diagram(build_runs=1, call_runs=5))
    assert "ran 1 time" in drawn
    assert "ran 5 times" in drawn


def test_layer_rows_match_hand_counts(small_model):
    rows = plots.layer_rows(small_model)
    got = [(r["name"], r["class"], r["output_shape"], r["params"], r["trainable_params"]) for r in rows]
    assert got == SMALL_MODEL_ROWS


def test_layer_stack_lists_every_layer_with_its_real_parameter_count(small_model):
    fig = plots.layer_stack(small_model)
    assert_detached(fig)
    drawn = texts(fig)
    for name, cls, shape, params, trainable in SMALL_MODEL_ROWS:
        assert name in drawn and cls in drawn
        frozen = params - trainable
        expected = f"{params:,} params" + (f", {frozen:,} non-trainable" if frozen else "")
        assert expected in drawn, (name, expected)
        assert f"output ({', '.join('None' if d is None else str(d) for d in shape)})" in drawn
    assert small_model.count_params() == sum(row[3] for row in SMALL_MODEL_ROWS)
    title = fig.axes[0].get_title()
    assert "31 parameters" in title and "10 trainable" in title
    assert "shape (None, 4)" in drawn  # the input box


def test_layer_stack_colours_boxes_by_what_the_layer_holds(small_model):
    fig = plots.layer_stack(small_model)
    boxes = [to_hex(p.get_facecolor()) for p in fig.axes[0].patches]
    # Input box, then one box per layer: frozen Dense, BatchNormalization, Dropout, Dense.
    assert boxes[1:] == [
        plots.FROZEN_COLOUR,
        plots.TRAINABLE_COLOUR,
        plots.STATELESS_COLOUR,
        plots.TRAINABLE_COLOUR,
    ]


def test_weights_before_after_draws_both_matrices_and_their_difference():
    rng = np.random.default_rng(1)
    before = rng.normal(size=(4, 6))
    after = before + rng.normal(scale=0.1, size=(4, 6))
    fig = plots.weights_before_after(before, after, title="t", row_label="rows", col_label="cols")
    assert_detached(fig)
    image_axes = [ax for ax in fig.axes if ax.images]
    assert len(image_axes) == 3
    drawn = [np.asarray(ax.images[0].get_array()) for ax in image_axes]
    np.testing.assert_array_equal(drawn[0], before)
    np.testing.assert_array_equal(drawn[1], after)
    np.testing.assert_allclose(drawn[2], after - before)
    # before and after share one colour scale, so equal colours mean equal values
    assert image_axes[0].images[0].get_clim() == image_axes[1].images[0].get_clim()
    for ax in image_axes:
        assert ax.get_title() and ax.get_xlabel() == "cols" and ax.get_ylabel() == "rows"
    assert f"{np.abs(after - before).max():.3g}" in image_axes[2].get_title()
    assert fig._suptitle.get_text() == "t"
    assert "no change" not in texts(fig)


def test_weights_before_after_says_no_change_and_names_rows():
    weights = np.arange(6.0).reshape(3, 2)
    fig = plots.weights_before_after(weights, weights.copy(), row_names=["a", "b", "c"])
    assert "no change" in texts(fig)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["a", "b", "c"]


def test_weights_before_after_draws_vectors_as_bars():
    before = np.array([[0.1], [-0.2], [0.3]])  # a kernel with one output unit
    after = np.array([[0.4], [-0.2], [0.0]])
    fig = plots.weights_before_after(before, after, col_label="unit")
    values_ax, change_ax = fig.axes
    heights = [bar.get_height() for bar in values_ax.patches]
    np.testing.assert_allclose(heights, np.concatenate([before.ravel(), after.ravel()]))
    np.testing.assert_allclose([bar.get_height() for bar in change_ax.patches], (after - before).ravel())
    assert values_ax.get_xlabel() == "unit" and values_ax.get_ylabel() and change_ax.get_title()


def test_weights_before_after_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="shape"):
        plots.weights_before_after(np.zeros((2, 3)), np.zeros((3, 2)))


def test_fitted_line_plots_the_data_and_the_lines_it_was_given():
    x = np.linspace(-1, 1, 11)
    y = 2 * x - 1 + 0.01 * np.sin(7 * x)
    fig = plots.fitted_line(x.reshape(-1, 1), y.reshape(-1, 1), 1.98, -1.02, true_slope=2, true_intercept=-1)
    assert_detached(fig)
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.collections[0].get_offsets(), np.column_stack([x, y]))
    learned, true = ax.get_lines()
    np.testing.assert_allclose(learned.get_ydata(), 1.98 * learned.get_xdata() - 1.02)
    np.testing.assert_allclose(true.get_ydata(), 2 * true.get_xdata() - 1)
    np.testing.assert_allclose(learned.get_xdata(), [x.min(), x.max()])
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["data", "learned: y = 1.980x - 1.020", "true: y = 2.000x - 1.000"]
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()


def test_fitted_line_without_truth_draws_one_line():
    fig = plots.fitted_line([0, 1, 2], [1, 2, 3], 1.0, 1.0)
    assert len(fig.axes[0].get_lines()) == 1


def test_loss_curve_plots_each_loss_series_per_epoch():
    history = {"loss": [1.0, 0.5, 0.25], "val_loss": [1.2, 0.6, 0.4], "accuracy": [0.1, 0.2, 0.3]}
    fig = plots.loss_curve(history, title="losses")
    assert_detached(fig)
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"loss", "val_loss"}  # accuracy is not a loss
    for name, line in lines.items():
        np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
        np.testing.assert_array_equal(line.get_ydata(), history[name])
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "epoch" and ax.get_title() == "losses"


def test_loss_curve_needs_a_loss_series():
    with pytest.raises(ValueError, match="no loss"):
        plots.loss_curve({"accuracy": [0.5]})

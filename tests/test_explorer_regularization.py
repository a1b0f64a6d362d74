"""The regularization-strength explorer's logic, headless: settings checks, the stacked penalty, training."""

from __future__ import annotations

import time

import numpy as np
import pytest
from explorer_checks import assert_every_control_labelled, numbers, picture_alt, readout_text

from helpers.explorers import regularization as reg


def test_make_problem_shapes_and_signal():
    x_train, y_train, x_val, y_val = reg.make_problem(seed=0)
    assert x_train.shape == (40, reg.FEATURES) and y_train.shape == (40, 1)
    assert x_val.shape == (400, reg.FEATURES) and y_val.shape == (400, 1)
    assert x_train.dtype == np.float32
    coefficients, *_ = np.linalg.lstsq(x_val, y_val.ravel(), rcond=None)
    np.testing.assert_allclose(coefficients[:3], [2.0, -1.0, 0.5], atol=0.15)
    assert np.abs(coefficients[3:]).max() < 0.15


@pytest.mark.parametrize(
    ("kind", "strength", "start"),
    [("l2", -0.01, "A strength of -0.01 is impossible"), ("l3", 0.1, "Unknown regularizer"),
     ("l1", float("nan"), "The strength must be a finite number")],
)
def test_impossible_settings_give_one_line_message(kind, strength, start):
    message = reg.check_settings(kind, strength)
    assert message.startswith(start) and "\n" not in message
    assert reg.weight_distribution(kind, strength, table=reg.Table())["message"] == message


def test_possible_settings_have_no_message():
    for kind in reg.KINDS:
        assert reg.check_settings(kind, 0.01) is None


def test_regularizer_for_matches_factors():
    w = np.random.default_rng(1).normal(size=(5, 3)).astype("float32")
    for kind in reg.KINDS[1:]:
        l1, l2 = reg.factors(kind, 0.03)
        expected = l1 * np.abs(w).sum() + l2 * np.sum(w**2)
        got = float(np.asarray(reg.regularizer_for(kind, 0.03)(w)))
        np.testing.assert_allclose(got, expected, rtol=1e-5)
    assert reg.regularizer_for("none", 0.03) is None


def test_stacked_penalty_equals_sum_of_keras_regularizers():
    import keras

    settings = [("none", 0.0), ("l1", 0.01), ("l2", 0.1), ("l1_l2", 0.03)]
    layer = reg._stacked_layer_class()(settings)
    layer.build((None, reg.FEATURES))
    hidden = keras.ops.convert_to_numpy(layer.hidden)
    expected = sum(
        float(np.asarray(reg.regularizer_for(k, s)(hidden[i]))) for i, (k, s) in enumerate(settings) if s > 0
    )
    penalty = layer.hidden.regularizer(layer.hidden.value)
    np.testing.assert_allclose(float(keras.ops.convert_to_numpy(penalty)), expected, rtol=1e-5)


def test_stacked_initialization_is_each_networks_glorot():
    layer = reg._stacked_layer_class()([("none", 0.0)] * 30)
    layer.build((None, reg.FEATURES))
    import keras

    hidden = keras.ops.convert_to_numpy(layer.hidden)
    limit = np.sqrt(6.0 / (reg.FEATURES + reg.HIDDEN))
    assert np.abs(hidden).max() <= limit and np.abs(hidden).max() > 0.95 * limit


def test_train_grid_small_and_stronger_l1_means_more_near_zero():
    settings = [("none", 0.0), ("l1", 0.001), ("l1", 0.1)]
    table = reg.train_grid(settings, steps=120)
    near = [np.mean(np.abs(table.kernels[s]) < reg.NEAR_ZERO) for s in settings]
    assert near[0] < near[1] < near[2]
    assert table.train_loss[("none", 0.0)] < table.train_loss[("l1", 0.1)]
    assert table.kernels[("l1", 0.1)].shape == (reg.FEATURES, reg.HIDDEN)


def test_train_grid_rejects_negative_strength():
    with pytest.raises(ValueError, match="impossible"):
        reg.train_grid([("l1", -1.0)], steps=1)


def _fake_table():
    rng = np.random.default_rng(0)
    table = reg.Table()
    for kind in reg.KINDS:
        for strength in reg.STRENGTHS:
            scale = 1.0 / (1.0 + 100 * strength)
            table.kernels[(kind, strength)] = rng.normal(scale=scale, size=(reg.FEATURES, reg.HIDDEN))
            table.train_loss[(kind, strength)] = strength
            table.val_loss[(kind, strength)] = 1.0 - strength
    return table


def test_weight_distribution_snaps_to_grid_and_answers_fast():
    table = _fake_table()
    started = time.perf_counter()
    result = reg.weight_distribution("l2", 0.012, table)
    assert time.perf_counter() - started < 1.0
    assert result["strength"] == 0.01 and result["message"] is None
    assert result["near_zero"] == np.mean(np.abs(table.kernels[("l2", 0.01)]) < reg.NEAR_ZERO)
    assert reg.weight_distribution("l1", 0.0, table)["strength"] == 0.0
    assert reg.weight_distribution("none", 0.1, table)["strength"] == 0.0


def test_figures_render_quickly_and_show_messages():
    from matplotlib.figure import Figure

    table = _fake_table()
    started = time.perf_counter()
    fig = reg.figure("l1", 0.01, table)
    assert time.perf_counter() - started < 1.0
    assert isinstance(fig, Figure) and fig.axes[0].get_xlabel().startswith("first-layer weight")
    message_fig = reg.figure("l1", -1.0, table)
    assert "impossible" in message_fig.axes[0].texts[0].get_text()
    assert len(reg.summary_figure(table).axes) == 2


def test_readout_states_the_numbers_of_the_histogram():
    table = _fake_table()
    answer = reg.weight_distribution("l2", 0.012, table)  # snapped to the grid's 0.01
    text = reg.readout(answer, reg.weight_distribution("none", 0.0, table))
    kernel, base = table.kernels[("l2", 0.01)], table.kernels[("none", 0.0)]
    # near-zero share (%), weights, threshold, the same share with no penalty, then validation and train
    # MSE with the penalty and without (_fake_table: validation 1 - strength, train = strength)
    expected = [100 * np.mean(np.abs(kernel) < 0.02), kernel.size, 0.02, 100 * np.mean(np.abs(base) < 0.02),
                0.99, 0.01, 1.0, 0.0]
    printed = [0.5, 0, 0, 0.5, 0.005, 0.005, 0.005, 0.005]  # whole percents, two decimals
    assert text.startswith("l2 at strength 0.01: ")
    said = numbers(text.split(": ", 1)[1])
    assert len(said) == len(expected), text
    for value, truth, tolerance in zip(said, expected, printed, strict=True):
        assert abs(value - truth) <= tolerance + 1e-9, (text, truth)


def test_widget_reads_out_each_change():
    pytest.importorskip("ipywidgets")
    table = _fake_table()
    panel = reg.explorer(table)
    first_picture, first_text = panel.picture.value, readout_text(panel)
    assert first_text.startswith("l1 at strength 0.01: ") and first_text in picture_alt(panel)
    panel.strength.value = 0.1
    text = readout_text(panel)
    near = round(100 * np.mean(np.abs(table.kernels[("l1", 0.1)]) < reg.NEAR_ZERO))
    assert text.startswith(f"l1 at strength 0.1: {near}% of the 640 first-layer weights")
    assert panel.picture.value != first_picture
    panel.kind.value = "l2"
    assert readout_text(panel).startswith("l2 at strength 0.1: ")
    panel.strength.value = 0.0
    assert readout_text(panel).startswith("l2 at strength 0: ")


def test_every_control_says_what_it_changes():
    pytest.importorskip("ipywidgets")
    panel = reg.explorer(_fake_table())
    assert_every_control_labelled(panel, [("penalty",), ("penalty", "strength")])
    assert panel.strength.options[0] == ("0 (no penalty)", 0.0)

"""The regularization-strength explorer's logic, headless: settings checks, the stacked penalty, training."""

from __future__ import annotations

import time

import numpy as np
import pytest

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


def test_widget_redraws_on_slider_move():
    pytest.importorskip("ipywidgets")
    table = _fake_table()
    box = reg.explorer(table)
    kind, strength = box.children[0].children
    output = box.children[1]
    first = len(output.outputs)
    strength.value = 0.1
    kind.value = "l2"
    assert len(output.outputs) >= first

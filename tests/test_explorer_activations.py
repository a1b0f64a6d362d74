"""The activations explorer, headless: values, derivatives, messages for impossible settings, widget."""

from __future__ import annotations

import re

import numpy as np
import pytest
from explorer_checks import assert_every_control_labelled, numbers, picture_alt, readout_text
from scipy.special import erf

from helpers.explorers import activations as ex


def by_name(found):
    return {c.name: c for c in found}


def test_values_and_derivatives_match_numpy():
    found = by_name(
        ex.curves(
            ["relu", "elu", "leaky_relu", "soft_shrink", "squareplus", "gelu", "threshold"],
            {"elu": {"alpha": 0.5}, "leaky_relu": {"negative_slope": 0.1}, "soft_shrink": {"threshold": 1.0},
             "squareplus": {"b": 2.0}},
            x_range=(-4.0, 4.0),
            points=81,  # step 0.1: the grid holds 0 and the kinks at +-1 exactly
        )
    )
    x = np.linspace(-4.0, 4.0, 81)
    expected = {
        "relu": (np.maximum(x, 0), (x > 0).astype(float)),
        "elu": (np.where(x > 0, x, 0.5 * np.expm1(x)), np.where(x > 0, 1.0, 0.5 * np.exp(x))),
        "leaky_relu": (np.where(x > 0, x, 0.1 * x), np.where(x > 0, 1.0, 0.1)),
        "soft_shrink": (np.sign(x) * np.maximum(np.abs(x) - 1.0, 0), (np.abs(x) > 1.0).astype(float)),
        "squareplus": ((x + np.sqrt(x**2 + 2.0)) / 2, (1 + x / np.sqrt(x**2 + 2.0)) / 2),
        "gelu": (0.5 * x * (1 + erf(x / np.sqrt(2))),
                 0.5 * (1 + erf(x / np.sqrt(2))) + x * np.exp(-(x**2) / 2) / np.sqrt(2 * np.pi)),
        "threshold": (np.where(x > 1.0, x, 0.0), (x > 1.0).astype(float)),
    }
    kinks = np.isclose(np.abs(x), 1.0) | np.isclose(x, 0.0)  # autodiff picks a one-sided value there
    for name, (value, slope) in expected.items():
        curve = found[name]
        np.testing.assert_allclose(curve.x, x, atol=1e-6)
        np.testing.assert_allclose(curve.y, value, rtol=1e-5, atol=1e-5, err_msg=name)
        np.testing.assert_allclose(curve.dy[~kinks], slope[~kinks], rtol=1e-4, atol=1e-5, err_msg=name)
    assert found["elu"].label == "elu(alpha=0.5)"
    assert found["relu"].label == "relu"


def test_gelu_approximate_differs_from_exact():
    exact, approx = ex.curves(["gelu"])[0], ex.curves(["gelu"], {"gelu": {"approximate": True}})[0]
    gap = np.max(np.abs(exact.y - approx.y))
    assert 1e-4 < gap < 1e-3


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: ex.curves([]), "at least one"),
        (lambda: ex.curves(["softmax"]), "vector-valued"),
        (lambda: ex.curves(["nope"]), "unknown activation"),
        (lambda: ex.curves(["celu"], {"celu": {"alpha": 0.0}}), "alpha"),
        (lambda: ex.curves(["soft_shrink"], {"soft_shrink": {"threshold": -1.0}}), ">= 0"),
        (lambda: ex.curves(["squareplus"], {"squareplus": {"b": -1.0}}), "b"),
        (lambda: ex.curves(["elu"], {"elu": {"beta": 1.0}}), "no parameter 'beta'"),
        (lambda: ex.curves(["elu"], {"relu": {}}), "not among"),
        (lambda: ex.curves(["elu"], {"elu": {"alpha": float("nan")}}), "finite"),
        (lambda: ex.curves(["relu"], x_range=(2.0, -2.0)), "x range"),
        (lambda: ex.curves(["relu"], points=1), "points"),
        (lambda: ex.curves(["relu"], {"relu": {"max_value": -1.0}}), "max_value"),
    ],
)
def test_impossible_settings_give_one_line_messages(call, words):
    with pytest.raises(ex.ExplorerError) as info:
        call()
    message = str(info.value)
    assert words in message
    assert "\n" not in message and len(message) < 300


def test_figure_has_curve_and_derivative_panels():
    fig = ex.figure(["relu", "tanh"], title="demo")
    left, right = fig.axes
    assert [line.get_label() for line in left.get_lines()][:2] == ["relu", "tanh"]
    assert len(right.get_lines()) >= 2
    assert ex.png(fig)[:8] == b"\x89PNG\r\n\x1a\n"


def test_readout_states_the_values_numpy_computes():
    found = ex.curves(["relu", "elu"], {"elu": {"alpha": 0.5}}, x_range=(-3.0, 4.0), points=71)  # step 0.1
    text = ex.readout(found)
    x = np.linspace(-3.0, 4.0, 71)
    relu, elu = np.maximum(x, 0), np.where(x > 0, x, 0.5 * np.expm1(x))
    elu_slope = np.where(x > 0, 1.0, 0.5 * np.exp(x))
    at = [0, 30, 70]  # x = -3, the grid point 0, x = 4
    expected = {
        "relu": [*[v for i in at for v in (x[i], relu[i])], 0.0, 1.0],
        "elu(alpha=0.5)": [*[v for i in at for v in (x[i], elu[i])], elu_slope.min(), elu_slope.max()],
    }
    assert text.startswith("x from -3 to 4.")
    for label, values in expected.items():
        points, low, high = re.search(re.escape(label) + r": (.*?); derivative from (\S+) to (\S+?)\.(?: |$)",
                                      text).groups()
        said = [*numbers(points), float(low), float(high)]  # f(x) = y, three times, then the range
        np.testing.assert_allclose(said, values, rtol=5e-3, atol=5e-4, err_msg=f"{label}: {text}")


def test_widget_reads_out_each_change_and_reports_bad_settings_in_the_live_region():
    explorer = ex.explore(selected=("elu",))
    first_picture, first_text = explorer.picture.value, readout_text(explorer)
    assert numbers(first_text.split("elu: ")[1])[1] == pytest.approx(np.expm1(-5.0), rel=5e-3)  # f(-5)
    assert readout_text(explorer) in picture_alt(explorer)
    explorer.fields[("elu", "alpha")].value = 2.0
    assert explorer.settings()["params"] == {"elu": {"alpha": 2.0}}
    text = readout_text(explorer)
    assert numbers(text.split("elu(alpha=2.0): ")[1])[1] == pytest.approx(2.0 * np.expm1(-5.0), rel=5e-3)
    assert explorer.picture.value != first_picture and "⚠" not in text
    explorer.show_only(["celu"])
    shown = explorer.picture.value
    explorer.fields[("celu", "alpha")].value = -0.5  # impossible: a message, not an exception
    assert readout_text(explorer).startswith("⚠ celu: alpha=-0.5")
    assert explorer.picture.value == shown  # the last good picture stays
    explorer.fields[("celu", "alpha")].value = 1.5
    assert readout_text(explorer).startswith("x from -5 to 5. celu(alpha=1.5): ")
    explorer.x_from.value = 6.0  # past the right end
    assert readout_text(explorer).startswith("⚠ x range must be increasing")
    explorer.x_from.value = -1.0
    assert readout_text(explorer).startswith("x from -1 to 5.")
    explorer.show_only([])
    assert "at least one" in readout_text(explorer)


def test_every_control_says_what_it_changes():
    explorer = ex.explore(selected=ex.ELEMENTWISE)
    fields = list(explorer.fields)
    assert_every_control_labelled(explorer, [*((name,) for name in ex.ELEMENTWISE), ("gelu", "approximate"),
                                             ("x", "from"), ("x", "to"), *fields])
    with explorer.one_redraw():  # settings() reads the controls; one redraw at the end is enough
        for (name, key), field in explorer.fields.items():  # the field labelled "name key" sets that
            field.value = field.value + field.step
            assert key in explorer.settings()["params"][name]
        for name, box in explorer.plotted.items():  # the checkbox labelled with a name plots that one
            box.value = False
            assert name not in explorer.settings()["names"] and len(explorer.settings()["names"]) == 25
            box.value = True


def test_families_cover_every_elementwise_activation_once():
    import keras

    assert len(ex.ELEMENTWISE) == len(set(ex.ELEMENTWISE))
    for name in ex.ELEMENTWISE + ex.VECTOR_VALUED:
        assert callable(getattr(keras.activations, name))

"""helpers.explorers.initializers, headless: the theory, the samples, impossible settings, the widget."""

from __future__ import annotations

import math

import numpy as np
import pytest
from explorer_checks import assert_every_control_labelled, numbers, picture_alt, readout_text

from helpers.explorers import initializers as explorer


def integral(law, reach):
    grid = np.linspace(-reach, reach, 200_001)
    return np.trapezoid(law.density(grid), grid)


@pytest.mark.parametrize(
    ("name", "fan_in", "fan_out", "kind", "bound"),
    [
        ("glorot_uniform", 300, 100, "uniform", math.sqrt(6 / 400)),
        ("he_uniform", 300, 100, "uniform", math.sqrt(6 / 300)),
        ("lecun_uniform", 300, 100, "uniform", math.sqrt(3 / 300)),
        ("glorot_normal", 300, 100, "truncated_normal", 2 * math.sqrt(2 / 400) / 0.87962566103423978),
        ("he_normal", 300, 100, "truncated_normal", 2 * math.sqrt(2 / 300) / 0.87962566103423978),
        ("lecun_normal", 300, 100, "truncated_normal", 2 * math.sqrt(1 / 300) / 0.87962566103423978),
        ("random_uniform", 7, 9, "uniform", 0.05),
        ("truncated_normal", 7, 9, "truncated_normal", 0.1),
    ],
)
def test_theory_matches_the_published_formulas(name, fan_in, fan_out, kind, bound):
    law = explorer.theory(name, fan_in, fan_out)
    assert law.kind == kind
    assert law.bound == pytest.approx(bound, rel=1e-12)


@pytest.mark.parametrize("mode", explorer.MODES)
@pytest.mark.parametrize("distribution", explorer.DISTRIBUTIONS)
def test_variance_scaling_variance_is_scale_over_fan(mode, distribution):
    fan = {"fan_in": 50, "fan_out": 200, "fan_avg": 125}[mode]
    law = explorer.theory("variance_scaling", 50, 200, mode, distribution, scale=3.0)
    assert law.std**2 == pytest.approx(3.0 / fan, rel=1e-12)


@pytest.mark.parametrize(
    "name", ["glorot_uniform", "he_normal", "random_normal", "orthogonal", "truncated_normal"]
)
def test_density_integrates_to_one_and_has_the_stated_variance(name):
    law = explorer.theory(name, 64, 32)
    reach = 10 * law.std
    grid = np.linspace(-reach, reach, 200_001)
    density = law.density(grid)
    assert integral(law, reach) == pytest.approx(1.0, abs=1e-4)
    assert np.trapezoid(grid**2 * density, grid) == pytest.approx(law.std**2, rel=1e-3)


@pytest.mark.parametrize("name", explorer.NAMES)
def test_samples_match_the_theory(name):
    result = explorer.explore(name, 200, 50, mode="fan_out", distribution="uniform", scale=2.0, seed=3)
    assert result["message"] is None
    values, law = result["values"].ravel(), result["theory"]
    n = values.size
    assert n >= explorer.MIN_SAMPLES
    # tolerance: the mean within 5 standard errors, the variance within 5 of its standard errors
    assert abs(values.mean()) < 5 * law.std / math.sqrt(n)
    assert abs(values.var() - law.std**2) < 5 * law.std**2 * math.sqrt(2 / n)
    if law.kind == "uniform":
        assert np.abs(values).max() <= law.bound * (1 + 1e-6)
    if law.kind == "truncated_normal":  # torch may keep about 4 per million values beyond the cut
        assert np.mean(np.abs(values) > law.bound * (1 + 1e-6)) < 1e-4


def test_fans_are_honoured_for_a_stack_of_kernels():
    wide = explorer.explore("he_uniform", 1000, 1, seed=0)["values"]
    narrow = explorer.explore("he_uniform", 10, 1, seed=0)["values"]
    assert np.abs(wide).max() == pytest.approx(math.sqrt(6 / 1000), rel=0.02)
    assert np.abs(narrow).max() == pytest.approx(math.sqrt(6 / 10), rel=0.02)


def test_seeded_draws_repeat():
    first = explorer.explore("glorot_normal", 30, 40, seed=7)["values"]
    again = explorer.explore("glorot_normal", 30, 40, seed=7)["values"]
    other = explorer.explore("glorot_normal", 30, 40, seed=8)["values"]
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        (dict(name="he_normal", fan_in=0, fan_out=3), "fan-in"),
        (dict(name="he_normal", fan_in=3, fan_out=-2), "fan-out"),
        (dict(name="he_normal", fan_in=2.5, fan_out=3), "fan-in"),
        (dict(name="he_normal", fan_in=True, fan_out=3), "fan-in"),
        (dict(name="he_normal", fan_in=explorer.MAX_FAN + 1, fan_out=3), "fan-in"),
        (dict(name="xavier", fan_in=3, fan_out=3), "unknown initializer"),
        (dict(name="variance_scaling", fan_in=3, fan_out=3, mode="fan_sum"), "mode"),
        (dict(name="variance_scaling", fan_in=3, fan_out=3, distribution="cauchy"), "distribution"),
        (dict(name="variance_scaling", fan_in=3, fan_out=3, scale=0.0), "scale"),
        (dict(name="variance_scaling", fan_in=3, fan_out=3, scale=-1.0), "scale"),
        (dict(name="variance_scaling", fan_in=3, fan_out=3, scale=float("nan")), "scale"),
    ],
)
def test_impossible_settings_give_a_one_line_message(settings, words):
    result = explorer.explore(**settings)
    assert result["values"] is None and result["theory"] is None
    assert words in result["message"] and "\n" not in result["message"]
    with pytest.raises(ValueError, match=words):
        explorer.theory(**settings)
    fig = explorer.figure(**settings)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == [result["message"]]


def test_mode_and_distribution_are_ignored_outside_variance_scaling():
    assert explorer.check_settings("he_normal", 3, 3, mode="nonsense", distribution="nonsense") is None


def test_figure_has_histogram_theory_and_bounds():
    fig = explorer.figure("glorot_uniform", 64, 32)
    ax = fig.axes[0]
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    labels = [line.get_label() for line in ax.get_lines()]
    assert "theory: uniform" in labels and "bound" in labels
    (histogram,) = ax.patches  # one filled step outline: the histogram
    heights = histogram.get_data().values
    assert len(heights) == 60 and np.sum(heights * np.diff(histogram.get_data().edges)) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("name", "fan_in", "fan_out", "std", "bound"),
    [  # std and bound from the published formulas, worked out here
        ("he_uniform", 50, 20, math.sqrt(2 / 50), math.sqrt(6 / 50)),
        ("glorot_normal", 50, 20, math.sqrt(2 / 70), 2 * math.sqrt(2 / 70) / 0.87962566103423978),
        ("random_normal", 50, 20, 0.05, None),
    ],
)
def test_readout_states_the_sample_statistics_and_the_theory(name, fan_in, fan_out, std, bound):
    result = explorer.explore(name, fan_in, fan_out, seed=1)
    values = result["values"].ravel()
    text = explorer.readout(result, name, fan_in, fan_out)
    said = numbers(text.split(": ", 1)[1])
    expected = [values.size, values.mean(), 0.0, values.std(), std]
    if bound is not None:
        expected += [100 * np.mean(np.abs(values) > bound), bound]
    assert text.startswith(f"{name}, fan-in {fan_in}, fan-out {fan_out}: ")
    np.testing.assert_allclose(said, expected, rtol=2e-3, atol=6e-5, err_msg=text)
    assert ("bound" in text) == (bound is not None)


def test_widget_reads_out_each_change_and_survives_impossible_settings():
    pytest.importorskip("ipywidgets")
    panel = explorer.explorer()
    first_picture = panel.picture.value
    assert readout_text(panel).startswith("glorot_normal, fan-in 400, fan-out 300: ")
    assert readout_text(panel) in picture_alt(panel)
    panel.name.value = "he_uniform"
    panel.fan_in.value = 24
    text = readout_text(panel)
    assert text.startswith("he_uniform, fan-in 24, fan-out 300: ")
    assert f"theory {math.sqrt(2 / 24):.4f}" in text and f"±{math.sqrt(6 / 24):.4f}" in text
    assert panel.picture.value != first_picture
    shown = panel.picture.value
    panel.fan_in.value = 0  # impossible: a message in the live region, not an exception
    assert readout_text(panel) == "⚠ fan-in must be a whole number from 1 to 1024, got 0"
    assert panel.picture.value == shown
    panel.fan_in.value = 10
    panel.name.value = "variance_scaling"
    panel.scale.value = -1.0
    assert readout_text(panel).startswith("⚠ scale must be a positive number")
    panel.scale.value = 3.0
    panel.mode.value = "fan_avg"
    panel.distribution.value = "uniform"
    assert f"theory {math.sqrt(3.0 / 155):.4f}, uniform" in readout_text(panel)  # fans 10 and 300


def test_every_control_says_what_it_changes():
    pytest.importorskip("ipywidgets")
    assert_every_control_labelled(explorer.explorer(), [
        ("initializer",), ("fan-in",), ("fan-out",), ("variance_scaling", "mode"),
        ("variance_scaling", "distribution"), ("variance_scaling", "scale"),
    ])

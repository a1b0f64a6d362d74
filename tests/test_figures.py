"""Figures stay readable: the course palette and every shown figure's series, for colour-blind readers."""

from __future__ import annotations

from figure_checks import MIN_DELTA_E, closest_view, palette_problems, series_problems

from helpers import plots


def test_the_course_palette_is_colour_blind_safe():
    assert not palette_problems(plots.PALETTE), palette_problems(plots.PALETTE)
    assert [c.lower() for c in plots.COURSE_STYLE["axes.prop_cycle"].by_key()["color"]] == [
        c.lower() for c in plots.PALETTE]


def contrast_on_white(colour: str) -> float:
    """WCAG 2.1 contrast ratio of `colour` against white (relative luminance, sRGB)."""
    from matplotlib.colors import to_rgb

    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def test_no_line_colour_vanishes_on_white():
    # Okabe & Ito's yellow (1.3:1) did; orange and sky blue (2.3:1) stay under WCAG's 3:1 for
    # graphics, so every line also carries its own dash pattern and a legend label.
    assert round(contrast_on_white("#F0E442"), 1) == 1.3 and round(contrast_on_white("#000000")) == 21
    assert min(contrast_on_white(c) for c in plots.PALETTE) >= 2.2


def test_the_check_catches_matplotlibs_default_orange_and_green():
    distance, view = closest_view("#ff7f0e", "#2ca02c")  # matplotlib's C1 and C2
    assert distance < MIN_DELTA_E and view != "normal"
    assert closest_view("#ff7f0e", "#2ca02c")[0] < 3 < closest_view("#0072B2", "#E69F00")[0]
    assert palette_problems(["#ff7f0e", "#2ca02c"])


def test_series_must_differ_in_more_than_colour():
    two_solid_lines = [[["#0072B2", "-", "None", "train"], ["#E69F00", "-", "None", "test"]]]
    assert "differ only in colour" in series_problems(two_solid_lines)[0]
    dashed = [[["#0072B2", "-", "None", "train"], ["#E69F00", "--", "None", "test"]]]
    assert not series_problems(dashed)
    red_green_bars = [[["#d62728", "none", "bar", "before"], ["#2ca02c", "none", "bar", "after"]]]
    assert "deuteranomaly" in series_problems(red_green_bars)[0]
    safe_bars = [[["#0072B2", "none", "bar", "before"], ["#E69F00", "none", "bar", "after"]]]
    assert not series_problems(safe_bars)


def test_show_records_the_series_it_draws():
    plots.use_course_style()
    fig, ax = plots._new_figure()
    ax.plot([0, 1], label="relu")
    ax.plot([1, 0], "--", label="tanh")
    ax.plot([0, 0], label="_hidden")
    (relu, tanh) = plots.series_of(fig)[0]
    assert relu[0] == "#0072b2" and tanh[0] == "#e69f00"
    assert relu[1] != tanh[1] and relu[2] == tanh[2] == "None"
    assert [relu[3], tanh[3]] == ["relu", "tanh"]


def test_the_course_cycle_gives_every_line_its_own_colour_and_dashes():
    plots.use_course_style()
    fig, ax = plots._new_figure()
    for i in range(len(plots.PALETTE)):
        ax.plot([0, 1], [i, i], label=f"line {i}")
    series = plots.series_of(fig)
    assert len(series[0]) == len(plots.PALETTE)
    assert not series_problems(series), series_problems(series)
    # Custom dash tuples all read "--" in get_linestyle(); the record must still tell them apart.
    assert len({line[1] for line in series[0]}) == len(plots.PALETTE)


def test_matplotlibs_default_cycle_fails_both_checks():
    import matplotlib as mpl

    default = mpl.rcParamsDefault["axes.prop_cycle"].by_key()["color"]
    assert palette_problems(default)
    with mpl.rc_context({"axes.prop_cycle": mpl.rcParamsDefault["axes.prop_cycle"]}):
        fig, ax = plots._new_figure()
        for i in range(3):
            ax.plot([0, 1], [i, i], label=f"line {i}")
    assert any("differ only in colour" in p for p in series_problems(plots.series_of(fig)))

"""Colour-blind checks of the course's figures (used by tests/test_figures.py and the notebook runs).

Colours are compared in CAM02-UCS (ΔE) after simulating full deuteranopia, protanopia and tritanopia
(Machado et al. 2009, as colorspacious implements it at severity 100) and with normal vision. Two
series in one axes are "too close" when their ΔE falls under MIN_DELTA_E in any of the four views.
"""

from __future__ import annotations

import itertools

import numpy as np
from colorspacious import cspace_convert, deltaE
from matplotlib.colors import to_rgb

MIN_DELTA_E = 10.0
VIEWS = ("normal", "deuteranomaly", "protanomaly", "tritanomaly")


def seen(colour: str, view: str) -> np.ndarray:
    rgb = np.array(to_rgb(colour))
    if view == "normal":
        return rgb
    cvd = {"name": "sRGB1+CVD", "cvd_type": view, "severity": 100}
    return np.clip(cspace_convert(rgb, cvd, "sRGB1"), 0, 1)


def closest_view(a: str, b: str) -> tuple[float, str]:
    """The smallest ΔE between two colours over the four views, and the view where it occurs."""
    return min(
        (float(deltaE(seen(a, view), seen(b, view), input_space="sRGB1", uniform_space="CAM02-UCS")), view)
        for view in VIEWS
    )


def palette_problems(colours) -> list[str]:
    problems = []
    for a, b in itertools.combinations(colours, 2):
        distance, view = closest_view(a, b)
        if distance < MIN_DELTA_E:
            problems.append(f"{a} and {b}: ΔE {distance:.1f} under {view}")
    return problems


def series_problems(axes_series) -> list[str]:
    """Problems in one figure's series (helpers.plots.series_of): per axes, every pair of labelled
    series must differ in line style or marker when both are lines, and must not be told apart by
    colour alone when their colours become too close for a colour-blind reader."""
    problems = []
    for index, series in enumerate(axes_series):
        for (c1, ls1, m1, l1), (c2, ls2, m2, l2) in itertools.combinations(series, 2):
            same_style = (ls1, m1) == (ls2, m2)
            lines = m1 not in ("bar", "scatter") and m2 not in ("bar", "scatter")
            if lines and same_style:
                problems.append(f"axes {index}: lines {l1!r} and {l2!r} differ only in colour: "
                                "give one a dash style or a marker")
                continue
            distance, view = closest_view(c1, c2)
            if same_style and distance < MIN_DELTA_E:
                problems.append(f"axes {index}: {l1!r} and {l2!r} ({c1}, {c2}) are ΔE {distance:.1f} apart "
                                f"under {view}, and nothing else tells them apart")
    return problems


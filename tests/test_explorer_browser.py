"""The explorers in a real JupyterLab (headless Debian Chromium via Playwright): each renders a
picture with a text alternative, changing a control redraws it, and each can be used by keyboard
alone: Tab reaches every control, each control's accessible name says what it changes, an arrow key
changes a setting, and the readout (a live region) and the picture follow; axe-core finds no serious
or critical WCAG 2.0/2.1 A/AA violation inside an explorer."""

from __future__ import annotations

import re
import time

import nbformat
import pytest
from conftest import ARTIFACTS
from labdriver import axe_violations, browser_page, lab_server, open_and_run_all, stderr_texts

pytestmark = pytest.mark.xdist_group("explorer_browser")

NOTEBOOK_NAME = "explorer_probe.ipynb"
CELLS = [
    "from helpers.setup import start\n\nENV = start(seed=0)",
    "from helpers.explorers import activations\n\nactivations.explore(selected=('relu', 'elu'))",
    "from helpers.explorers import initializers\n\ninitializers.explorer()",
    # 20 training steps instead of 300: the same grid, and the browser test needs no converged weights
    "from helpers.explorers import regularization as reg\n\nreg.explorer(reg.precompute(steps=20))",
]
ACTIVATIONS = (  # the elementwise ones, in the explorer's order (one checkbox each)
    "relu", "leaky_relu", "relu6", "elu", "selu", "celu", "linear", "threshold", "softplus", "silu", "gelu",
    "mish", "hard_silu", "squareplus", "sparse_plus", "sigmoid", "tanh", "softsign", "hard_sigmoid",
    "hard_tanh", "log_sigmoid", "sparse_sigmoid", "exponential", "hard_shrink", "soft_shrink", "tanh_shrink",
)
# Per explorer: its cell; the words each control's accessible name must hold, in Tab order; and
# the keys pressed on the control whose name holds the given words, each of which must redraw.
EXPLORERS = {
    "activations": {
        "cell": 1,
        "names": [*((name,) for name in ACTIVATIONS), ("gelu", "approximate"), ("x axis", "from"),
                  ("x axis", "to"), ("leaky_relu", "negative_slope"), ("elu", "alpha"), ("celu", "alpha"),
                  ("soft_shrink", "threshold"), ("hard_shrink", "threshold"), ("squareplus", "b")],
        "presses": [(("x axis", "from"), ["ArrowUp"]),  # -5 -> -4.5
                    (("tanh",), ["Space"])],  # tick tanh
    },
    "initializers": {
        "cell": 2,
        "names": [("initializer",), ("fan-in",), ("fan-out",), ("variance_scaling", "mode"),
                  ("variance_scaling", "distribution"), ("variance_scaling", "scale")],
        "presses": [(("fan-in",), ["ArrowUp"])],  # 400 -> 401
    },
    "regularization": {
        "cell": 3,
        "names": [("penalty",), ("penalty", "strength")],
        # JupyterLab keeps a closed list's bare arrow keys for moving between cells: open it first
        "presses": [(("strength",), ["Space", "ArrowDown", "Enter"])],  # 0.01 -> 0.03
    },
}
SHOTS = ARTIFACTS / "browser"


@pytest.fixture(scope="module")
def lab_page(tmp_path_factory, record_time):
    """One JupyterLab and one page with the probe notebook run, shared by the module's tests."""
    from playwright.sync_api import expect

    source = tmp_path_factory.mktemp("explorer_nb") / NOTEBOOK_NAME
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, source)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with lab_server(tmp_path_factory.mktemp("explorer_lab"), [source]) as url, browser_page() as page:
        started = time.perf_counter()
        open_and_run_all(page, url(NOTEBOOK_NAME))
        for explorer in EXPLORERS.values():
            image = picture(page, explorer["cell"])
            try:
                expect(image).to_be_visible(timeout=180_000)
            except AssertionError:
                page.screenshot(path=str(SHOTS / "explorer_not_visible.png"), full_page=True)
                raise
            wait_until_loaded(page, image)
        record_time("browser (JupyterLab + Chromium, run all)", "the three explorers (widgets)",
                    time.perf_counter() - started)
        yield page


def output(page, cell: int):
    return page.locator(".jp-Notebook .jp-CodeCell").nth(cell).locator(".jp-OutputArea-output").first


def picture(page, cell: int):
    return output(page, cell).locator("img").first


def readout(page, cell: int):
    return output(page, cell).locator("[role='status'][aria-live='polite']").first


def wait_until_loaded(page, image) -> None:
    page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=image.element_handle(),
                           timeout=60_000)


def wait_for_change(page, locator, attribute: str | None, before: str, seconds: float = 60) -> str:
    """The locator's attribute (or text) once it differs from `before` ("" if it never does)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        now = locator.get_attribute(attribute) if attribute else locator.inner_text()
        if now != before:
            return now
        page.wait_for_timeout(200)
    return ""


def focused_control(page, inside) -> tuple[str, str] | None:
    """(role, accessible name) of the focused element if it lies inside `inside`, else None."""
    handle = inside.element_handle()
    within = page.evaluate(
        "out => { for (const e of document.querySelectorAll('[data-focused]')) delete e.dataset.focused;"
        " const e = document.activeElement; if (!out.contains(e)) return false;"
        " e.setAttribute('data-focused', ''); return true; }", handle)
    if not within:
        return None
    first = page.locator("[data-focused]").aria_snapshot().splitlines()[0]
    found = re.match(r'- (\w+)(?: "(.*?)")?', first)
    tag = page.evaluate("() => document.activeElement.outerHTML.slice(0, 300)")
    assert found, f"focus on an element with no role: {first!r} {tag}"
    return found.group(1), found.group(2) or ""


def tab_through(page, cell: int) -> list[tuple[str, str]]:
    """Focus the explorer's output area, then Tab until focus leaves it: each stop's (role, name)."""
    area = output(page, cell)
    area.evaluate("el => { el.tabIndex = -1; el.focus(); }")
    stops = []
    for _ in range(60):  # more than any explorer has
        page.keyboard.press("Tab")
        found = focused_control(page, area)
        if found is None:
            break
        stops.append(found)
    return stops


@pytest.mark.parametrize("which", list(EXPLORERS))
def test_an_explorer_works_by_keyboard_alone(lab_page, which, record_time):
    page, explorer = lab_page, EXPLORERS[which]
    cell, area = explorer["cell"], output(lab_page, explorer["cell"])
    started = time.perf_counter()
    stops = tab_through(page, cell)
    names = [name for _, name in stops]
    violations = axe_violations(page, inside=area.element_handle())
    print(f"{which}: accessible names in Tab order: {names}; axe-core: {violations or 'none serious'}")
    assert len(stops) == len(explorer["names"]), f"Tab stops in the {which} explorer: {stops}"
    for (role, name), words in zip(stops, explorer["names"], strict=True):
        assert role in {"combobox", "checkbox", "spinbutton"}, f"{which}: {role} {name!r}: not a form control"
        assert all(word in name for word in words), f"{which}: accessible name {name!r} lacks {words}"

    changes = []
    for words, keys in explorer["presses"]:
        before_text, before_src = readout(page, cell).inner_text(), picture(page, cell).get_attribute("src")
        position = next(i for i, name in enumerate(names) if all(word in name for word in words))
        area.evaluate("el => el.focus()")
        for _ in range(position + 1):  # Tab again from the output area to that control
            page.keyboard.press("Tab")
        for key in keys:
            page.keyboard.press(key)
        after_text = wait_for_change(page, readout(page, cell), None, before_text)
        after_src = wait_for_change(page, picture(page, cell), "src", before_src)
        changes.append((words, keys, before_text, after_text, bool(after_src)))
    page.screenshot(path=str(SHOTS / f"explorer_{which}_keyboard.png"), full_page=False)
    alt = picture(page, cell).get_attribute("alt") or ""
    record_time("browser (JupyterLab + Chromium, run all)", f"{which} explorer: keyboard and axe",
                time.perf_counter() - started)
    for words, keys, before_text, after_text, redrawn in changes:
        assert after_text and "⚠" not in after_text, f"{which}: {keys} on {words}: readout {before_text!r}"
        assert redrawn, f"{which}: the picture did not change after {keys} on {words}"
    assert readout(page, cell).inner_text() in alt, f"{which}: the picture's alt lacks the readout: {alt!r}"
    assert not violations, f"axe-core in the {which} explorer: {violations}"


def test_changing_a_control_redraws_the_explorer(lab_page):
    """With the mouse: ticking three more activations redraws the activations picture and readout."""
    from playwright.sync_api import expect

    page = lab_page
    image = picture(page, 1)
    wait_until_loaded(page, image)
    before, src_before = image.screenshot(), image.get_attribute("src")
    page.screenshot(path=str(SHOTS / "explorer_activations_before.png"), full_page=False)
    for name in ("sigmoid", "softsign", "hard_tanh"):
        output(page, 1).get_by_role("checkbox", name=name, exact=True).click()
    expect(readout(page, 1)).to_contain_text("hard_tanh: ", timeout=60_000)  # the last click's redraw
    after = before
    if wait_for_change(page, image, "src", src_before):
        wait_until_loaded(page, image)
        after = image.screenshot()
    page.screenshot(path=str(SHOTS / "explorer_activations_after.png"), full_page=False)
    message = readout(page, 1).inner_text()
    errors = stderr_texts(page)
    assert after != before, "the explorer's picture did not change after changing the selection"
    assert "⚠" not in message and "sigmoid: " in message and "softsign: " in message, message
    assert not errors, f"error or stderr output in the browser: {errors}"

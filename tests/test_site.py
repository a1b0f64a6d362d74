"""The course website: built offline from the test run's executed notebooks, links resolve, no key.

`make test` runs this module after the notebooks have run (it needs their executed copies).
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from conftest import ARTIFACTS, ROOT, require
from labdriver import CHROMIUM, axe_violations, browser_page, free_port, wait_for_server

sys.path.insert(0, str(ROOT / "tools"))
import website  # noqa: E402

from helpers.quiz import load_data, load_quiz, quiz_from_data  # noqa: E402

BUILD_LIMIT = 180  # seconds; the budget for the site in CI
SHOTS = ARTIFACTS / "site"
TAG = re.compile(r"<[^>]+>")


@pytest.fixture(scope="module")
def site(tmp_path_factory, record_time):
    missing = [p.name for p in website.section_notebooks()
               if p.name != "00_index.ipynb" and not website.executed_copy(p, website.EXECUTED)[1]]
    require(not missing, f"no fresh executed copy (run the notebook tests first) of {missing}")
    out = tmp_path_factory.mktemp("site")
    started = time.perf_counter()
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "website.py"), "build", "--out", str(out)],
                            capture_output=True, text=True)
    seconds = time.perf_counter() - started
    record_time("site build", "tools/website.py build", seconds, BUILD_LIMIT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert seconds < BUILD_LIMIT, f"the site took {seconds:.0f}s to build"
    return out / "html"


def text_files(root: Path) -> list[Path]:
    kinds = {".html", ".js", ".txt", ".ipynb", ".json"}
    return [p for p in root.rglob("*") if p.is_file() and p.suffix in kinds]


def plain_text(path: Path) -> str:
    """What a reader (or a search engine) sees: tags removed, entities decoded, so code spans rejoin."""
    return html.unescape(TAG.sub("", path.read_text(encoding="utf-8", errors="replace")))


def test_every_notebook_exercise_and_the_quiz_is_a_page(site):
    for path in website.section_notebooks():
        assert (site / "notebooks" / f"{path.stem}.html").exists(), path.name
    for path in website.exercise_notebooks():
        assert (site / "exercises" / f"{path.stem}.html").exists(), path.name
    assert (site / "quiz.html").exists() and (site / "index.html").exists()


def test_section_pages_carry_figures_and_both_links(site):
    for path in website.section_notebooks():
        page = (site / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8")
        shown = plain_text(site / "notebooks" / f"{path.stem}.html")
        assert "Open in Colab" in shown and "Download .ipynb" in shown, path.name
        if path.name != "00_index.ipynb":
            assert "<img" in page, f"{path.name}: no figure on its page"


WIDGET_STATE = re.compile(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', re.S)


def figure_alts(page: str) -> list[str | None]:
    """The alt text of every figure on a page: the <img> tags of the page itself, and those inside the
    saved widget state (an explorer's picture, JSON in a <script>, drawn when the widgets load)."""
    tags = re.findall(r"<img\b[^>]*>", WIDGET_STATE.sub("", page))
    for script in WIDGET_STATE.findall(page):
        for model in json.loads(script)["state"].values():
            value = model["state"].get("value")
            if isinstance(value, str):
                tags += re.findall(r"<img\b[^>]*>", value)
    alts = []
    for tag in tags:
        if "/_static/" in tag or "colab-badge" in tag:
            continue  # the theme's logo and badges are not figures
        alt = re.search(r'\balt="([^"]*)"', tag)
        alts.append(html.unescape(alt.group(1)) if alt else None)
    return alts


def test_every_figure_has_its_reading_as_alt_text(site):
    """Figures carry the author's description (plots.show), never a file name or nothing."""
    bad, explorer_figures = [], 0
    for path in website.section_notebooks():
        page = (site / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8")
        explorer_figures += sum(len(re.findall(r"<img\b", s)) for s in WIDGET_STATE.findall(page))
        for alt in figure_alts(page):
            if not alt or len(alt) < 40 or alt.endswith((".png", ".svg")):
                bad.append(f"{path.name}: {alt or '(no alt)'}"[:160])
    assert not bad, "figures without a description:\n" + "\n".join(bad)
    assert explorer_figures, "no explorer picture in any page's widget state: the check above missed them"


def test_every_internal_link_and_image_resolves(site):
    broken = []
    for page in site.rglob("*.html"):
        if page.relative_to(site).parts[0] == "_static":
            continue  # the theme's template fragments, not pages
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r'(?:href|src)="([^"]+)"', text):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith(("#", "//")):
                continue  # external (checked by nobody offline), or a place on this page
            path = target.split("#", 1)[0].split("?", 1)[0]
            if path and not (page.parent / path).resolve().exists():
                broken.append(f"{page.relative_to(site)} -> {target}")
    assert not broken, "broken internal links:\n" + "\n".join(sorted(set(broken))[:40])


def secret_lines() -> set[str]:
    """Lines of the exercises' solutions and hidden tests that appear in no public material."""
    secret, public = set(), set()
    for source in sorted((ROOT / "grading" / "source").glob("*/*.ipynb")):
        for cell in nbformat.read(source, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            text = cell.source
            if meta.get("solution") and "### BEGIN SOLUTION" in text:
                text = text.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0]
            elif meta.get("grade") and "### BEGIN HIDDEN TESTS" in text:
                text = text.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS", 1)[0]
            elif not meta.get("solution"):
                continue
            secret |= {line.strip() for line in text.splitlines()}
    for path in [*ROOT.glob("notebooks/src/*.py"), *ROOT.glob("quiz/src/*.py")]:
        public |= {line.strip() for line in path.read_text(encoding="utf-8").splitlines()}
    for path in website.exercise_notebooks():
        for cell in nbformat.read(path, as_version=4).cells:
            public |= {line.strip() for line in cell.source.splitlines()}
    return {line for line in secret - public if len(line) >= 12 and re.search(r"[A-Za-z]{3}", line)}


def key_phrases() -> list[str]:
    """Distinctive text that would give the quiz key away: explanations and Keras 3 notes."""
    quiz, phrases = load_quiz(), []
    for question in quiz.questions:
        texts = [option.explanation for option in question.options] + [question.keras3_note]
        phrases += [re.sub(r"[`*]", "", text)[:60] for text in texts if len(text) >= 30]
    return phrases


def test_no_page_holds_solutions_hidden_tests_or_the_quiz_key(site):
    secrets, phrases = secret_lines(), key_phrases()
    assert len(secrets) > 30 and len(phrases) > 60  # the scan has something to look for
    leaks = []
    for path in text_files(site):
        text = plain_text(path)
        name = path.relative_to(site)
        leaks += [f"{name}: solution/hidden line {line!r}" for line in secrets if line in text]
        leaks += [f"{name}: quiz key text {p!r}" for p in phrases if p in text]
    assert not leaks, "\n".join(leaks[:30])


def test_the_quiz_page_is_the_same_whatever_the_key(monkeypatch):
    """The page shows questions and options only: another key gives the very same page."""
    raw = load_data()
    for question in raw["questions"]:
        question["keras3_note"] = "changed"  # a key that differs from the seed's must say why
        for option in question["options"].values():
            option["correct"] = not option["correct"]
            option["explanation"] = "changed"
    other = quiz_from_data(raw)
    original = website.quiz_page()
    monkeypatch.setattr(website, "load_quiz", lambda: other)
    assert website.quiz_page() == original


def test_the_scan_would_catch_a_leak(tmp_path):
    leaked = sorted(secret_lines())[0]
    page = tmp_path / "page.html"
    page.write_text(f"<pre><span>{html.escape(leaked[:5])}</span>{html.escape(leaked[5:])}</pre>")
    assert leaked in plain_text(page)


@pytest.fixture(scope="module")
def served(site):
    require(Path(CHROMIUM).exists(), f"{CHROMIUM} missing (apt-get install chromium)")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(site)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_server(f"http://127.0.0.1:{port}/index.html", server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def axe_on_pages(served: str, pages: list[str]) -> dict[str, list]:
    """axe-core on each page, in one browser of its own (Playwright: one instance per thread)."""
    found = {}
    with browser_page() as page:
        for relative in pages:
            page.goto(f"{served}/{relative}")
            problems = axe_violations(page)
            if problems:
                found[relative] = problems
    return found


def test_no_serious_accessibility_violation_on_any_page(served, site, record_time):
    """axe-core's WCAG 2.0/2.1 A and AA rules on every page: no serious or critical violation."""
    started = time.perf_counter()
    pages = [path.relative_to(site).as_posix() for path in sorted(site.rglob("*.html"))
             if path.relative_to(site).parts[0] not in ("_static", "_sources")]
    # Two browsers, half the pages each: axe is CPU-bound inside Chromium, and CI has two cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        halves = pool.map(axe_on_pages, [served] * 2, [pages[0::2], pages[1::2]])
        found = {page: problems for half in halves for page, problems in half.items()}
    record_time("website", f"axe-core on every page ({len(pages)} pages, 2 browsers)",
                time.perf_counter() - started)
    assert len(pages) > 30, pages
    assert not found, "\n".join(f"{page}: {problems}" for page, problems in found.items())


def test_a_browser_reads_home_section_and_search(served):
    SHOTS.mkdir(parents=True, exist_ok=True)
    with browser_page() as page:
        page.goto(f"{served}/index.html")
        assert "Keras 3 Layers" in page.title()
        assert page.locator("a[href='notebooks/06_core_layers.html']").count() >= 1
        page.screenshot(path=str(SHOTS / "home.png"))

        page.goto(f"{served}/notebooks/06_core_layers.html")
        page.wait_for_selector("img")
        assert page.locator("h1").first.inner_text().startswith("06")
        page.screenshot(path=str(SHOTS / "section_06.png"))

        page.goto(f"{served}/search.html?q=EinsumDense")
        page.wait_for_selector("#search-results li a", timeout=30_000)
        hrefs = page.eval_on_selector_all("#search-results li a",
                                          "els => els.map(e => e.getAttribute('href'))")
        page.screenshot(path=str(SHOTS / "search_EinsumDense.png"))
    assert any("06_core_layers" in href for href in hrefs), hrefs

"""Generated files match their sources, and the code is lint-clean."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import notebooks as notebook_tool  # noqa: E402


def test_generated_notebooks_are_fresh():
    problems = notebook_tool.stale()
    assert not problems, "stale generated notebooks (run `make notebooks`):\n" + "\n".join(problems)


def test_freshness_check_catches_edits_orphans_and_missing(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir(), out.mkdir()
    (src / "a.py").write_text("# %% [markdown]\n# # A\n\n# %%\nx = 1\n")
    (src / "b.py").write_text("# %%\ny = 2\n")
    pairs = [(src, out)]
    assert notebook_tool.stale(pairs) == ["a.ipynb is missing", "b.ipynb is missing"]
    for source, notebook in notebook_tool.targets(pairs):
        notebook.write_text(notebook_tool.render(source))
    assert notebook_tool.stale(pairs) == []
    (src / "a.py").write_text("# %%\nx = 2\n")
    (out / "orphan.ipynb").write_text("{}")
    assert notebook_tool.stale(pairs) == ["a.ipynb is stale against a.py", "orphan.ipynb has no text source"]


def test_ruff_is_clean():
    ruff = [sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT)]
    result = subprocess.run(ruff, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr

"""Guards the corrections of the notebook review: a corrected sentence must not come back, and a rebuilt
proof must stay in its notebook.

One entry per finding in `review_fixes.toml` (beside this file):

    [[fix]]
    id = "06-11/F1"                       # the finding's label in the review
    file = "notebooks/src/06_core_layers.py"
    absent = ["returns its input unchanged"]   # phrases that must no longer appear (case-insensitive)
    present = ["assert_masking_zeroes"]        # phrases that must appear (a proof's name or marker)
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from conftest import ROOT

GUARD = Path(__file__).with_name("review_fixes.toml")
FIXES = tomllib.loads(GUARD.read_text(encoding="utf-8")).get("fix", [])


def test_the_guard_has_entries():
    assert FIXES, "review_fixes.toml lists no fix"
    ids = [fix["id"] for fix in FIXES]
    assert len(ids) == len(set(ids)), "duplicate ids in review_fixes.toml"


@pytest.mark.parametrize("fix", FIXES, ids=lambda fix: fix["id"])
def test_fix_stays_fixed(fix):
    text = (ROOT / fix["file"]).read_text(encoding="utf-8")
    folded = " ".join(text.split()).lower()  # a phrase may be wrapped across lines
    assert fix.get("absent") or fix.get("present"), "an entry must check something"
    for phrase in fix.get("absent", []):
        wrong = " ".join(phrase.split()).lower()
        assert wrong not in folded, f"{fix['id']}: corrected text is back: {phrase!r}"
    for phrase in fix.get("present", []):
        proof = " ".join(phrase.split()).lower()
        assert proof in folded, f"{fix['id']}: expected {phrase!r} in {fix['file']}"

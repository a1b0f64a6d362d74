"""The known-bug helper: a bug is asserted only on the Keras versions listed for it, the documented
behaviour everywhere else, and every surprise fails with a message that says what to update."""

from __future__ import annotations

import re

import keras
import pytest
from conftest import ROOT

from helpers.known_bugs import BUGS, KnownBug, assert_known_bug, has_bug
from helpers.setup import parse_version

FAKE = "fake_bug"


@pytest.fixture(autouse=True)
def fake_entry(monkeypatch):
    monkeypatch.setitem(BUGS, FAKE, KnownBug("a made-up bug", first="3.8.0", last="3.15.1"))


def passes():
    return None


def fails():
    raise AssertionError("not this behaviour")


def raises_key_error():
    raise KeyError("value")


def test_registry_entries_are_well_formed():
    for name, entry in BUGS.items():
        assert re.fullmatch(r"[a-z0-9_]+", name), name
        assert entry.summary, name
        assert parse_version(entry.first) <= parse_version(entry.last), name
        assert len(parse_version(entry.first)) == 3 and len(parse_version(entry.last)) == 3, name


def test_range_is_inclusive_and_closed():
    assert has_bug(FAKE, "3.8.0") and has_bug(FAKE, "3.15.1") and has_bug(FAKE, "3.12.4")
    assert not has_bug(FAKE, "3.7.0") and not has_bug(FAKE, "3.15.2") and not has_bug(FAKE, "3.16.0")
    assert has_bug(FAKE) == has_bug(FAKE, keras.__version__)


def test_listed_version_asserts_the_bug():
    assert assert_known_bug(FAKE, bug=passes, documented=fails, version="3.15.1") is True


def test_other_version_asserts_the_documented_behaviour():
    assert assert_known_bug(FAKE, bug=fails, documented=passes, version="3.16.0") is False
    assert assert_known_bug(FAKE, bug=fails, documented=passes, version="3.7.0") is False


def test_a_fix_on_a_listed_version_says_the_bug_is_gone():
    with pytest.raises(AssertionError, match="the bug is gone. Update helpers/known_bugs.py"):
        assert_known_bug(FAKE, bug=fails, documented=passes, version="3.15.1")


def test_the_bug_on_an_unlisted_version_says_extend_the_range():
    with pytest.raises(AssertionError, match="extend the range in helpers/known_bugs.py"):
        assert_known_bug(FAKE, bug=passes, documented=raises_key_error, version="3.16.0")


def test_a_case_that_does_not_separate_the_two_fails_on_every_version():
    for version in ("3.15.1", "3.16.0"):
        with pytest.raises(AssertionError, match="does not separate"):
            assert_known_bug(FAKE, bug=passes, documented=passes, version=version)


def test_neither_behaviour_fails_with_both_reasons():
    with pytest.raises(AssertionError, match="neither the bug nor the documented") as caught:
        assert_known_bug(FAKE, bug=fails, documented=raises_key_error, version="3.15.1")
    assert "KeyError" in str(caught.value) and "not this behaviour" in str(caught.value)


def test_default_version_is_the_installed_keras():
    expected = has_bug(FAKE, keras.__version__)
    checks = (passes, fails) if expected else (fails, passes)
    assert assert_known_bug(FAKE, *checks) is expected


def test_every_registered_bug_is_used_by_a_notebook_and_every_use_is_registered():
    sources = [*(ROOT / "notebooks" / "src").glob("*.py"), *(ROOT / "quiz" / "src").glob("*.py")]
    text = "\n".join(path.read_text(encoding="utf-8") for path in sources)
    used = set(re.findall(r"""assert_known_bug\(\s*["']([a-z0-9_]+)["']""", text))
    real = set(BUGS) - {FAKE}
    assert used == real, f"registered but unused: {real - used}; used but unregistered: {used - real}"


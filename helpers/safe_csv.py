"""CSV cells that a spreadsheet shows as text, never runs as a formula (CSV injection, OWASP).

Every CSV the course writes from text a student controls (a file name that becomes a student id, a
name in the roster, a problem line quoting a notebook) goes through `cell` or `writer` here: the
quiz batch grader (helpers/quiz/batch.py), the autograde report (grading/intake.py) and the grades
export (grading/nbgrader_plugins.py's SafeCsvExport).

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is one a spreadsheet may read
as a formula; it gets a leading `'`, which spreadsheets show as "this is text" (and most hide).
Numbers stay numbers: `-1.5` and `+3` are left alone, so scores still add up.
"""

from __future__ import annotations

import csv
import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def cell(value) -> str:
    """`value` as CSV cell text, with a leading `'` when a spreadsheet could read it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(TRIGGERS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def row(values) -> list[str]:
    return [cell(value) for value in values]


class _SafeWriter:
    """csv.writer whose every cell goes through `cell` first."""

    def __init__(self, handle, **kwargs):
        self._writer = csv.writer(handle, **kwargs)

    def writerow(self, values):
        return self._writer.writerow(row(values))

    def writerows(self, rows):
        for values in rows:
            self.writerow(values)


class _SafeDictWriter(csv.DictWriter):
    def _dict_to_list(self, rowdict):
        return row(super()._dict_to_list(rowdict))


def writer(handle, **kwargs) -> _SafeWriter:
    return _SafeWriter(handle, **kwargs)


def dict_writer(handle, fieldnames, **kwargs) -> csv.DictWriter:
    return _SafeDictWriter(handle, fieldnames, **kwargs)

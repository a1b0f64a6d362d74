"""Classical item analysis of a multiple-choice test: the statistics only, no quiz and no files.

Input: a response matrix (one row per student, one set of picked letters per question), the key
(the set of correct letters of each question) and the option letters. A question counts as right
(1) when the picked set equals the key exactly and as wrong (0) otherwise, so a question with
several correct options is scored all-or-nothing here, whatever partial-credit rule grades it:
the statistics below (point-biserial, KR-20) are defined for items scored 0 or 1.

Per question:
  facility p         the proportion of students who got it right
  rest correlation   Pearson's r between the item (0/1) and the rest score (the total without this
                     item): the corrected point-biserial, so the item is not correlated with itself
  upper-lower D      p in the upper 27 % of the class (by total) minus p in the lower 27 %
  option picks       how many students of each group (upper, middle, lower) ticked each option
  flags              negative or near-zero discrimination, no spread, unused distractors
Whole test: the histogram of totals, their mean and SD, KR-20 and the standard error of
measurement SEM = SD * sqrt(1 - KR-20).

Variances divide by N (not N - 1) throughout: KR-20 uses p(1 - p), which is the item's variance
divided by N, and the total's variance must be on the same footing.

Groups: each group holds exactly round(0.27 N) students' worth. Students tied on the total at a
group's boundary share the places left: each counts in the group with weight (places left) /
(students tied), the rest of the weight going to the middle group. So D and the group counts
never depend on the order of the students in the file (they equal the average over every way of
breaking the tie), and a count in a group may be fractional.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

UPPER_LOWER_FRACTION = 0.27  # Kelley's 27 %
NEAR_ZERO = 0.10  # a rest correlation in [0, 0.10) barely separates strong students from weak
RARE_DISTRACTOR = 0.05  # a wrong option ticked by fewer than 5 % of the class does no work
GROUPS = ("upper", "middle", "lower")
MIN_STUDENTS = 2


class ItemAnalysisError(ValueError):
    """Input the statistics cannot be computed from; the message is one line saying why."""


@dataclass(frozen=True)
class OptionCounts:
    """How many students of each group ticked one option (or, for letter "blank", none at all)."""

    letter: str
    correct: bool
    upper: float
    middle: float
    lower: float

    @property
    def total(self) -> int:
        return round(self.upper + self.middle + self.lower)  # the weights of one student add to 1


@dataclass(frozen=True)
class ItemStats:
    item: str
    key: frozenset[str]
    n_correct: int
    facility: float
    rest_correlation: float | None  # None when the item or the rest score does not vary
    upper_lower: float
    options: tuple[OptionCounts, ...]
    blank: OptionCounts
    flags: tuple[str, ...]


@dataclass(frozen=True)
class TestStats:
    students: int
    items: int
    mean: float
    sd: float
    kr20: float | None  # None when every total is the same (or there is one item)
    sem: float | None
    group_size: int
    histogram: tuple[int, ...]  # histogram[t] = number of students whose total is t, t = 0..items


@dataclass(frozen=True)
class ItemAnalysis:
    items: tuple[ItemStats, ...]
    test: TestStats


# ---------------------------------------------------------------------------------------------
# Checking the input
# ---------------------------------------------------------------------------------------------


def _numbers(positions: list[int], ids: Sequence[str]) -> str:
    return ", ".join(str(ids[j]) for j in positions)


def check_input(responses, key, options, item_ids, students) -> None:
    """Raise ItemAnalysisError (one line) for anything the statistics cannot be computed from."""
    if not key:
        raise ItemAnalysisError("the key has no questions")
    if len(item_ids) != len(key):
        raise ItemAnalysisError(f"{len(item_ids)} question ids for {len(key)} questions in the key")
    for qid, correct in zip(item_ids, key, strict=True):
        if not correct or not set(correct) <= set(options):
            raise ItemAnalysisError(f"question {qid}: the key {''.join(sorted(correct))!r} must be one or "
                                    f"more of the options {', '.join(options)}")
    if len(responses) == 0:
        raise ItemAnalysisError("the class is empty: no student answers to analyse")
    if len(responses) < MIN_STUDENTS:
        raise ItemAnalysisError(f"item analysis needs at least {MIN_STUDENTS} students, "
                                f"found {len(responses)}")
    if len(students) != len(responses):
        raise ItemAnalysisError(f"{len(students)} student names for {len(responses)} rows of answers")
    for who, row in zip(students, responses, strict=True):
        if len(row) != len(key):
            raise ItemAnalysisError(f"student {who} has {len(row)} answers for {len(key)} questions")
        missing = [j for j, picked in enumerate(row) if picked is None]
        if missing:
            raise ItemAnalysisError(f"student {who} has no answer recorded for question(s) "
                                    f"{_numbers(missing, item_ids)} (a blank answer is an empty set)")
        for qid, picked in zip(item_ids, row, strict=True):
            unknown = sorted(set(picked) - set(options))
            if unknown:
                raise ItemAnalysisError(f"student {who}, question {qid}: {', '.join(map(repr, unknown))} "
                                        f"is not an option ({', '.join(options)})")


# ---------------------------------------------------------------------------------------------
# The statistics
# ---------------------------------------------------------------------------------------------


def score_matrix(responses, key) -> np.ndarray:
    """N x k array of 0/1: student i got question j exactly right."""
    return np.array([[int(frozenset(picked) == frozenset(correct))
                      for picked, correct in zip(row, key, strict=True)] for row in responses], dtype=float)


def pearson(x: np.ndarray, y: np.ndarray) -> float | None:
    """Pearson's r of two equally long vectors; None when either one is constant."""
    dx, dy = x - x.mean(), y - y.mean()
    denominator = math.sqrt(float(dx @ dx) * float(dy @ dy))
    if denominator == 0:
        return None
    return round(float(dx @ dy) / denominator, 12)  # so an exact 0 is not flagged negative for -1e-17


def group_size(students: int) -> int:
    """Students in the upper (and in the lower) group: 27 % of the class, rounded half up, at least 1."""
    return max(1, math.floor(UPPER_LOWER_FRACTION * students + 0.5))


def _top_weights(totals: np.ndarray, size: int) -> np.ndarray:
    """Weight of each student in the `size` places at the top of `totals`; ties share the last places."""
    weights = np.zeros(len(totals))
    taken = 0
    for value in sorted(set(totals.tolist()), reverse=True):
        tied = totals == value
        places = min(size - taken, int(tied.sum()))
        if places <= 0:
            break
        weights[tied] = places / tied.sum()
        taken += places
    return weights


def group_weights(totals: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """(upper, middle, lower) weight of every student, and the size of the upper and lower groups."""
    size = group_size(len(totals))
    upper = _top_weights(totals, size)
    lower = _top_weights(-totals, size)
    return upper, 1.0 - upper - lower, lower, size


def kr20(scores: np.ndarray) -> float | None:
    """Kuder-Richardson 20 of an N x k matrix of 0/1 scores; None if it is undefined."""
    k = scores.shape[1]
    variance = float(scores.sum(axis=1).var())
    if k < 2 or variance == 0:
        return None
    p = scores.mean(axis=0)
    return k / (k - 1) * (1 - float((p * (1 - p)).sum()) / variance)


def _discrimination_flags(facility: float, r: float | None) -> list[str]:
    if facility in (0.0, 1.0):
        who = "everyone" if facility == 1.0 else "nobody"
        return [f"no spread: {who} answered it right, so it cannot separate students"]
    if r is None:
        return ["no spread: every other question gives the same rest score"]
    if r < 0:
        return [f"negative discrimination (r = {r:.2f}): students with lower rest scores do better on it"]
    if r < NEAR_ZERO:
        return [f"near-zero discrimination (r = {r:.2f} < {NEAR_ZERO:.2f})"]
    return []


def _distractor_flags(options: tuple[OptionCounts, ...], students: int) -> list[str]:
    flags = []
    for option in options:
        if option.correct or option.total >= RARE_DISTRACTOR * students:
            continue
        share = f"{option.total} of {students}, {option.total / students:.1%}"
        chosen = "nobody" if option.total == 0 else share
        flags.append(f"unused distractor {option.letter} (chosen by {chosen}; under {RARE_DISTRACTOR:.0%})")
    return flags


def _counts(label: str, correct: bool, ticked: np.ndarray, weights) -> OptionCounts:
    upper, middle, lower = (float(ticked @ w) for w in weights)
    return OptionCounts(label, correct, upper, middle, lower)


def analyse(responses: Sequence[Sequence[frozenset[str] | None]], key: Sequence[frozenset[str]],
            options: Sequence[str] = ("A", "B", "C", "D"), item_ids: Sequence[str] | None = None,
            students: Sequence[str] | None = None) -> ItemAnalysis:
    """Item and test statistics of `responses` (see the module docstring).

    responses[i][j] is the set of letters student i ticked on question j (empty: left blank; None:
    no answer recorded, which is an error). `item_ids` and `students` name questions and students
    in error messages and in the result (default: 1..k and "row 1".."row N").
    """
    options = tuple(options)
    key = [frozenset(correct) for correct in key]
    item_ids = [str(i) for i in (item_ids or range(1, len(key) + 1))]
    students = list(students) if students is not None else [f"row {i + 1}" for i in range(len(responses))]
    check_input(responses, key, options, item_ids, students)

    scores = score_matrix(responses, key)
    totals = scores.sum(axis=1)
    n, k = scores.shape
    upper, middle, lower, size = group_weights(totals)
    weights = (upper, middle, lower)
    items = []
    for j, qid in enumerate(item_ids):
        item = scores[:, j]
        facility = float(item.mean())
        r = pearson(item, totals - item)
        ticks = tuple(
            _counts(letter, letter in key[j],
                    np.array([letter in row[j] for row in responses], dtype=float), weights)
            for letter in options)
        blank = _counts("blank", False, np.array([not row[j] for row in responses], dtype=float), weights)
        items.append(ItemStats(
            item=qid, key=key[j], n_correct=int(item.sum()), facility=facility, rest_correlation=r,
            upper_lower=float(item @ upper - item @ lower) / size, options=ticks, blank=blank,
            flags=tuple(_discrimination_flags(facility, r) + _distractor_flags(ticks, n)),
        ))
    reliability = kr20(scores)
    sd = float(totals.std())
    sem = sd * math.sqrt(1 - reliability) if reliability is not None else None
    histogram = tuple(int((totals == t).sum()) for t in range(k + 1))
    test = TestStats(n, k, float(totals.mean()), sd, reliability, sem, size, histogram)
    return ItemAnalysis(tuple(items), test)

"""Self-study exercises a student can check alone: a task, a check, a hint, a solution on request.

A notebook's exercise cell reads

    ex = exercise("08.2")        # notebook 08, exercise 2: prints the task and its success criterion
    def adaptive_bins(n, k): ...  # the student's answer
    ex.check(adaptive_bins)       # says what is right and what is not
    # ex.hint()                   # a nudge
    # ex.solution()               # the solution, shown only when asked for

Each notebook's exercises live in `helpers/selfcheck/nNN.py` (`n08.py`, `n01b.py`, `n10a.py`) and are
registered with `register(Exercise(...))`. A solution is code text; the answer the check receives is
the object its `answer` names after running that code. `tests/test_selfcheck.py` runs every solution
through its check (it must pass) and every entry of `wrong` (plausible mistakes: each must fail
with a message containing the given fragment), so a check cannot silently accept anything.

The checks never raise on a wrong or missing answer and never write to stderr: they print a verdict,
so an unfinished exercise does not stop "Run all".
"""

from __future__ import annotations

import importlib
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_REGISTRY: dict[str, Exercise] = {}


class NotYet(Exception):
    """Raised inside a check function to reject an answer; its message is shown to the student."""


@dataclass(frozen=True)
class Exercise:
    key: str  # "08.2": notebook 08, exercise 2
    title: str
    task: str  # what to do, and how the student knows it is done (the success criterion)
    answer: str  # the name the student's answer has in the solution code
    check_answer: Callable[[Any], str]  # raises NotYet(message) or returns what was confirmed
    hint: str
    solution: str  # code that defines `answer`
    minutes: int  # study-time estimate (used by helpers.lessons)
    objectives: tuple[int, ...] = ()  # the notebook's objectives this exercise practises
    wrong: tuple[tuple[str, str], ...] = field(default=())  # (code defining `answer`, message fragment)

    def __post_init__(self):
        if not self.wrong:
            raise ValueError(f"exercise {self.key} needs a plausible wrong answer to test its check")

    # ---------------------------------------------------------------- what the student calls
    def check(self, answer: Any) -> None:
        """Print ✓ with what was confirmed, or ✗ with what is not right yet (returns nothing, so the
        cell shows the verdict alone; `verdict` gives it as a value)."""
        ok, message = self.verdict(answer)
        print(("✓ " if ok else "✗ Not yet: ") + message)

    def verdict(self, answer: Any) -> tuple[bool, str]:
        if answer is None or answer is Ellipsis:
            return False, f"no answer yet: define `{self.answer}` in the cell above the check."
        try:
            return True, self.check_answer(answer)
        except NotYet as problem:
            return False, str(problem)
        except Exception as error:  # the student's code failed inside the check: say where, kindly
            return False, f"running your `{self.answer}` raised {type(error).__name__}: {error}"

    def show_hint(self) -> None:
        print("Hint: " + self.hint)

    def show_solution(self) -> None:
        print(f"Solution to exercise {self.key}:\n\n" + textwrap.dedent(self.solution).strip())

    # ---------------------------------------------------------------- for tests and the syllabus
    def run_solution(self, code: str | None = None) -> Any:
        namespace: dict[str, Any] = {}
        exec(textwrap.dedent(code if code is not None else self.solution), namespace)  # noqa: S102
        return namespace[self.answer]


class _Handle:
    """What `exercise(key)` returns: `check(answer)`, `hint()`, `solution()`."""

    def __init__(self, exercise: Exercise):
        self._exercise = exercise

    def check(self, answer: Any) -> None:
        self._exercise.check(answer)

    def hint(self) -> None:
        self._exercise.show_hint()

    def solution(self) -> None:
        self._exercise.show_solution()

    def __repr__(self) -> str:
        return f"exercise {self._exercise.key}: {self._exercise.title}"


def register(exercise: Exercise) -> Exercise:
    if exercise.key in _REGISTRY:
        raise ValueError(f"exercise {exercise.key} registered twice")
    _REGISTRY[exercise.key] = exercise
    return exercise


def module_for(key: str) -> str:
    notebook = key.split(".")[0]
    return f"helpers.selfcheck.n{notebook}"


def get(key: str) -> Exercise:
    if key not in _REGISTRY:
        importlib.import_module(module_for(key))
    if key not in _REGISTRY:
        raise KeyError(f"no exercise {key!r} in {module_for(key)}")
    return _REGISTRY[key]


def exercise(key: str) -> _Handle:
    """The exercise `key` ("08.2"); prints its task so the cell's output starts with it."""
    found = get(key)
    print(f"Exercise {found.key} · {found.title} (about {found.minutes} min)")
    print(textwrap.fill(found.task, 96))
    return _Handle(found)


def all_exercises() -> list[Exercise]:
    """Every registered exercise, loading every nNN module in this package."""
    from importlib import resources

    for entry in sorted(resources.files(__name__).iterdir(), key=lambda p: p.name):
        if entry.name.startswith("n") and entry.name.endswith(".py"):
            importlib.import_module(f"{__name__}.{entry.name[:-3]}")
    return sorted(_REGISTRY.values(), key=lambda e: e.key)


def of_notebook(stem: str) -> list[Exercise]:
    number = stem.split("_")[0]
    return [e for e in all_exercises() if e.key.split(".")[0] == number]

"""Computed questions in the graded quiz: drawn per student at run time, regraded by running Keras.

The released notebook is the same for every student (nbgrader releases one notebook per assignment
and checks its cells against the source). What makes each student's quiz their own is computed in
the kernel: `student_templates` picks the student's templates from (course secret, student id) and
the bank draws each one's variant from (course secret, student id, template id).

Who the student is:
- in the student's kernel: the id nbgrader will file the submission under (nbgrader's own rule: the
  operating-system user, or JUPYTERHUB_USER where every account is `jovyan`); nothing the student
  writes in the notebook counts;
- in the grading kernel: the folder nbgrader grades in, autograded/<student id>/<assignment>, which
  the submission's owner cannot choose. `autograde_computed` trusts nothing else, draws that
  student's variant by running Keras, and scores the recorded letters against it with the one
  scoring rule, so a classmate's letters score what they are worth on this student's variant.

The course secret is read from the environment variable KERAS_QUIZ_SECRET in both kernels (the
grading sandbox passes the grader's environment on; the hub sets it for student kernels). It is not
a lock: whoever has it can work out a classmate's variant, which tells them nothing that running
Keras on their own variant would not. It keeps variants unguessable from outside the class and lets
an instructor change them all by changing it (last term's answer sheets then fit nobody).

    python -m helpers.quiz.computed check [QUIZ_TOML]   # one line: the settings, and is the secret set
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import io
import json
import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from helpers.quiz import bank
from helpers.quiz.engine import (
    LETTERS,
    QUESTIONS_FILE,
    parse_choice,
    read_json,
    score_fraction,
    score_question,
)

SECRET_ENV = "KERAS_QUIZ_SECRET"
CONFIG_FILE = Path(__file__).resolve().parents[2] / "grading" / "quiz.toml"
GRADED_FOLDER = "autograded"  # nbgrader's autograded_directory
PRACTICE_SECRET = "practice"  # the practice notebook's variants need no secret: their answers are computed


class ComputedQuizError(ValueError):
    """A configuration problem, stated in one line (no secret, too many questions, unknown section)."""


# ---------------------------------------------------------------------------------------------
# The instructor's choice: how many computed questions, from which sections
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComputedConfig:
    count: int = 0  # computed questions per student
    sections: tuple[str, ...] = ()  # API sections ("01" ... "17") they are drawn from


def all_sections() -> tuple[str, ...]:
    return tuple(sorted({template.section for template in bank.templates()}))


def check_config(count, sections) -> ComputedConfig:
    """The config, validated: a count the chosen sections can fill, and sections the bank knows."""
    if isinstance(sections, str):
        sections = all_sections() if sections == "all" else (sections,)
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise ComputedQuizError(f"computed = {count!r}: the number of computed questions must be 0 or more")
    known = all_sections()
    sections = tuple(f"{int(s):02d}" if isinstance(s, int) or str(s).isdigit() else str(s) for s in sections)
    unknown = [s for s in sections if s not in known]
    if unknown:
        raise ComputedQuizError(f"unknown section(s) {', '.join(unknown)}: "
                                f"the bank has {known[0]}-{known[-1]}")
    if count and not sections:
        raise ComputedQuizError("computed questions need at least one section (or sections = \"all\")")
    available = sum(len(bank.templates_for(s)) for s in sections)
    if count > available:
        raise ComputedQuizError(f"computed = {count} but sections {', '.join(sections)} have only "
                                f"{available} question templates")
    return ComputedConfig(count, sections)


def load_config(path: str | Path | None = None) -> ComputedConfig:
    """The [quiz] table of grading/quiz.toml or `path` (the default file absent, or no table: no
    computed questions; a `path` given but absent is an error)."""
    if path is not None and not Path(path).is_file():
        raise ComputedQuizError(f"{path} does not exist")
    path = Path(path or CONFIG_FILE)
    if not path.is_file():
        return ComputedConfig()
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("quiz", {})
    except tomllib.TOMLDecodeError as error:
        raise ComputedQuizError(f"{path.name} is not valid TOML: {error}") from error
    return check_config(table.get("computed", 0), table.get("sections", "all"))


# ---------------------------------------------------------------------------------------------
# Who the student is, and the secret
# ---------------------------------------------------------------------------------------------


def graded_owner(cwd: str | Path | None = None) -> str | None:
    """The student whose submission this kernel grades (cwd autograded/<student>/<assignment>), or None."""
    folder = Path(cwd or os.getcwd())
    return folder.parent.name if folder.parent.parent.name == GRADED_FOLDER else None


def os_user() -> str:
    try:
        import pwd  # what nbgrader reads; not on Windows
    except ImportError:
        return getpass.getuser()
    return pwd.getpwuid(os.getuid())[0]


def submitter() -> str:
    """The id nbgrader files this account's submission under (nbgrader.utils.get_username): the OS user,
    or the hub user where every account is `jovyan` (the Docker images of JupyterHub)."""
    user = os_user()
    return os.environ.get("JUPYTERHUB_USER", user) if user == "jovyan" else user


def student_id() -> str:
    """Whose variant to show: the graded submission's owner, else whoever nbgrader will file it under."""
    return graded_owner() or submitter()


def course_secret() -> str:
    secret = os.environ.get(SECRET_ENV, "").strip()
    if not secret:
        raise ComputedQuizError(f"the computed questions need the course's quiz secret in {SECRET_ENV}; "
                                "ask your instructor")
    return secret


# ---------------------------------------------------------------------------------------------
# One student's computed questions
# ---------------------------------------------------------------------------------------------


def _rng(secret: str, student: str) -> np.random.Generator:
    text = json.dumps([secret, student, "computed-quiz-templates"])
    return np.random.default_rng(int.from_bytes(hashlib.sha256(text.encode()).digest()[:16], "big"))


def student_templates(secret: str, student: str, config: ComputedConfig) -> list[str]:
    """The student's `count` template ids: the chosen sections in turn, each section's templates in an
    order of the student's own, so every student covers the sections alike."""
    rng = _rng(secret, student)
    pools = {s: [t.id for t in bank.templates_for(s)] for s in config.sections}
    for pool in pools.values():
        rng.shuffle(pool)
    chosen: list[str] = []
    while len(chosen) < config.count:
        for section in config.sections:
            if pools[section] and len(chosen) < config.count:
                chosen.append(pools[section].pop())
    return chosen


@contextlib.contextmanager
def quiet_stderr():
    """Keras (TensorFlow's C++ logging included) writes to stderr on import and first use; nbgrader
    scores a graded cell 0 for any stderr, so both the Python and the C-level stream go nowhere."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null, contextlib.redirect_stderr(io.StringIO()):
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def variant(slot: int, config: ComputedConfig, student: str | None = None, secret: str | None = None):
    """Computed question `slot` (1-based) of a student: the bank's Variant."""
    if not 1 <= slot <= config.count:
        raise ComputedQuizError(f"there is no computed question {slot} (this quiz has {config.count})")
    secret = secret or course_secret()
    student = student or student_id()
    template_id = student_templates(secret, student, config)[slot - 1]
    with quiet_stderr():
        return bank.draw(template_id, secret, student)


def correct_letter(v) -> str:
    return LETTERS[v.correct]


def answer_variable(slot: int) -> str:
    return f"answer_c{slot}"


def question_text(v, slot: int) -> str:
    lines = [f"Computed question {slot} (section {v.section}, {v.section_title}; drawn for {v.student_id})",
             "", v.text]
    if v.code:
        lines += ["", *("    " + line for line in v.code.splitlines())]
    lines += ["", *(f"  {letter}) {option}" for letter, option in zip(LETTERS, v.options, strict=True))]
    return "\n".join(lines)


def show_computed(slot: int, count: int, sections: tuple[str, ...]) -> None:
    """The graded notebook's question cell: print this student's variant, or one line saying why not."""
    try:
        print(question_text(variant(slot, check_config(count, sections)), slot))
    except ComputedQuizError as error:
        print(f"Computed question {slot} cannot be shown: {error}")


def _rule() -> str:
    return read_json(QUESTIONS_FILE)["scoring"]["rule"]  # the one rule, without the key file


def autograde_computed(slot: int, answer, count: int, sections: tuple[str, ...]) -> float:
    """An nbgrader hidden test: the partial credit of the recorded letters on the variant of the
    submission's owner (from the folder being graded, never from the notebook), in [0, 1]."""
    owner = graded_owner()
    if owner is None:
        raise ComputedQuizError(f"not an autograde run (the folder is not "
                                f"{GRADED_FOLDER}/<student>/<assignment>)")
    return float(score_computed(slot, answer, check_config(count, sections), owner))


def score_computed(slot: int, answer, config: ComputedConfig, student: str, secret: str | None = None):
    """Exact score (a Fraction) of `answer` to computed question `slot` on `student`'s variant; an
    unreadable answer raises AnswerFormatError (the hidden test's 0, the cross-check's too)."""
    picked = parse_choice(answer)
    return score_fraction(picked, correct_letter(variant(slot, config, student, secret)), _rule())


# ---------------------------------------------------------------------------------------------
# Practice: fresh variants with instant feedback (the logic behind the "New variant" button)
# ---------------------------------------------------------------------------------------------


@dataclass
class PracticeVariants:
    """A self-learner's set of computed questions; `new_variant` redraws them all for a fresh id."""

    count: int = 3
    sections: tuple[str, ...] | str = "all"

    def __post_init__(self):
        self.config = check_config(self.count, self.sections)
        self.new_variant()

    def new_variant(self, learner: str | None = None) -> None:
        self.learner = learner or os.urandom(8).hex()
        self.variants = [variant(slot, self.config, self.learner, PRACTICE_SECRET)
                         for slot in range(1, self.config.count + 1)]

    def check(self, slot: int, letter: str) -> tuple[float, str]:
        """Score of one pick and a one-line verdict (for a wrong pick: the mistake behind it)."""
        v = self.variants[slot - 1]
        picked = parse_choice(letter)
        score = score_question(picked, correct_letter(v), _rule())
        if score == 1:
            return score, f"Right: {v.answer_text}."
        if not picked:
            return score, "Pick one option first."
        shown = v.options[LETTERS.index(next(iter(picked)))]
        mistake = dict(zip(v.distractors, v.mistakes, strict=True)).get(shown, "not what Keras gives")
        return score, f"Not {shown} ({mistake}); Keras gives {v.answer_text}."


def main(argv: list[str]) -> int:
    try:
        config = load_config(argv[2] if len(argv) > 2 else None)
        if config.count:
            course_secret()
    except ComputedQuizError as error:
        print(f"computed questions: {error}")
        return 1
    print(f"computed questions: {config.count} per student from sections {', '.join(config.sections) or '-'}"
          + (f"; {SECRET_ENV} is set" if config.count else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

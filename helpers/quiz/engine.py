"""The quiz engine: question data, answer parsing, the one scoring rule, and a practice session.

The data is two files: `questions.json` (title, scoring rule, prompts, code, option texts: what a
student may read) and `key.json` (per option the correct flag and the explanation, per question the
Keras 2 answer and the Keras 3 note). The classroom's student build leaves `key.json` out, so
nothing that runs there can read the key; what needs only the questions (`question_ids`, the
format check of the graded notebook) never opens it.

Everything that scores an answer goes through `score_fraction` (`score_question` is its float
form): the practice widget, the nbgrader hidden tests (via `autograde`) and the batch grader CLI.
Nothing here imports Keras, so grading stays fast and silent on stderr.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

LETTERS = ("A", "B", "C", "D")
RULES = ("net", "all_or_nothing")
DEFAULT_RULE = "net"
QUESTION_COUNT = 20
QUESTIONS_FILE = Path(__file__).with_name("questions.json")  # public: shipped to every student
KEY_FILE = Path(__file__).with_name("key.json")  # the answers: never in the classroom's student build
# The fields that belong to the key file (they give the answer away); every other field is public.
KEY_OPTION_FIELDS = ("correct", "explanation")
KEY_QUESTION_FIELDS = ("keras2_answer", "keras3_note")

RULE_DESCRIPTIONS = {
    "net": (
        "each question scores (correct letters picked - wrong letters picked) / (number of correct "
        "letters), never below 0; a blank answer scores 0"
    ),
    "all_or_nothing": "each question scores 1 if you picked exactly the correct letters, otherwise 0",
}

# Characters a student may put between letters: "A, C", "a c" and "A;C" all mean {A, C}.
_SEPARATORS = re.compile(r"[\s,;/+]+")


class QuizDataError(ValueError):
    """The question data file breaks the schema (see `quiz_problems`)."""


class AnswerFormatError(ValueError):
    """An answer that is not a set of letters A-D; the message says what was wrong."""


# ---------------------------------------------------------------------------------------------
# Question data
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    letter: str
    text: str
    correct: bool
    explanation: str


@dataclass(frozen=True)
class Question:
    id: int
    prompt: str
    options: tuple[Option, ...]
    code: str = ""
    keras3_note: str = ""
    keras2_answer: str = ""

    @property
    def correct(self) -> frozenset[str]:
        return frozenset(option.letter for option in self.options if option.correct)

    def option(self, letter: str) -> Option:
        return self.options[LETTERS.index(letter)]


@dataclass(frozen=True)
class Quiz:
    title: str
    rule: str
    questions: tuple[Question, ...]

    def question(self, question_id: int) -> Question:
        if not 1 <= question_id <= len(self.questions):
            raise KeyError(f"there is no question {question_id} (questions are 1-{len(self.questions)})")
        return self.questions[question_id - 1]

    @property
    def ids(self) -> list[int]:
        return [question.id for question in self.questions]

    @property
    def key(self) -> dict[int, frozenset[str]]:
        return {question.id: question.correct for question in self.questions}


def reject_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    """json `object_pairs_hook`: a repeated key is an error, not a silent overwrite."""
    seen: dict = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"the key {key!r} appears twice in one JSON object")
        seen[key] = value
    return seen


def _nonempty_str(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def quiz_problems(raw) -> list[str]:
    """Everything wrong with raw question data (the parsed JSON); an empty list means valid."""
    if not isinstance(raw, dict):
        return ["the data must be a JSON object"]
    problems = []
    if not _nonempty_str(raw.get("title")):
        problems.append("'title' must be a non-empty string")
    rule = (raw.get("scoring") or {}).get("rule") if isinstance(raw.get("scoring"), dict) else None
    if rule not in RULES:
        problems.append(f"'scoring.rule' must be one of {RULES}, found {rule!r}")
    questions = raw.get("questions")
    if not isinstance(questions, list) or len(questions) != QUESTION_COUNT:
        count = len(questions) if isinstance(questions, list) else "no list of"
        return problems + [f"'questions' must list {QUESTION_COUNT} questions, found {count}"]
    for position, question in enumerate(questions, start=1):
        where = f"question {position}"
        if not isinstance(question, dict):
            problems.append(f"{where} must be an object")
            continue
        if question.get("id") != position:
            problems.append(f"{where} has id {question.get('id')!r}; ids must run 1..{QUESTION_COUNT}")
        if not _nonempty_str(question.get("prompt")):
            problems.append(f"{where} needs a non-empty 'prompt'")
        for optional in ("code", "keras3_note"):
            if optional in question and not isinstance(question[optional], str):
                problems.append(f"{where}: '{optional}' must be a string")
        options = question.get("options")
        if not isinstance(options, dict) or tuple(options) != LETTERS:
            problems.append(f"{where} must have exactly the options {', '.join(LETTERS)}, in order")
            continue
        correct = set()
        for letter, option in options.items():
            if not isinstance(option, dict):
                problems.append(f"{where}, option {letter} must be an object")
                continue
            if not _nonempty_str(option.get("text")):
                problems.append(f"{where}, option {letter} needs a non-empty 'text'")
            if not _nonempty_str(option.get("explanation")):
                problems.append(f"{where}, option {letter} needs a non-empty 'explanation'")
            if not isinstance(option.get("correct"), bool):
                problems.append(f"{where}, option {letter} needs 'correct': true or false")
            elif option["correct"]:
                correct.add(letter)
        if not correct:
            problems.append(f"{where} has no correct option")
        old = question.get("keras2_answer", "")
        if not isinstance(old, str) or set(old) - set(LETTERS):
            problems.append(f"{where}: 'keras2_answer' must be letters A-D")
        elif old and set(old) != correct and not _nonempty_str(question.get("keras3_note")):
            problems.append(f"{where}: the key differs from the Keras 2 answer {old!r}; "
                            "say why in 'keras3_note'")
    return problems


def quiz_from_data(raw) -> Quiz:
    problems = quiz_problems(raw)
    if problems:
        raise QuizDataError("invalid quiz data:\n  - " + "\n  - ".join(problems))
    questions = tuple(
        Question(
            id=q["id"],
            prompt=q["prompt"],
            code=q.get("code", ""),
            keras3_note=q.get("keras3_note", ""),
            keras2_answer=q.get("keras2_answer", ""),
            options=tuple(
                Option(letter, o["text"], o["correct"], o["explanation"])
                for letter, o in q["options"].items()
            ),
        )
        for q in raw["questions"]
    )
    return Quiz(title=raw["title"], rule=raw["scoring"]["rule"], questions=questions)


def read_json(path: str | Path):
    """A data file's JSON, with a repeated key or invalid JSON reported as QuizDataError."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"), object_pairs_hook=reject_duplicate_keys)
    except ValueError as error:
        raise QuizDataError(f"{path} is not valid JSON: {error}") from error


def split_data(raw: dict) -> tuple[dict, dict]:
    """Whole quiz data -> (what questions.json holds, what key.json holds)."""
    public = {name: value for name, value in raw.items() if name != "questions"}
    public["questions"], key = [], {"questions": []}
    for question in raw["questions"]:
        entry = {name: value for name, value in question.items() if name not in KEY_QUESTION_FIELDS}
        entry["options"] = {letter: {name: value for name, value in option.items()
                                     if name not in KEY_OPTION_FIELDS}
                            for letter, option in question["options"].items()}
        public["questions"].append(entry)
        answers = {"id": question["id"],
                   "options": {letter: {name: option[name] for name in KEY_OPTION_FIELDS if name in option}
                               for letter, option in question["options"].items()}}
        answers.update({name: question[name] for name in KEY_QUESTION_FIELDS if name in question})
        key["questions"].append(answers)
    return public, key


def _entries(data, what: str, problems: list[str]) -> list[dict]:
    entries = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        problems.append(f"the {what} must be a JSON object whose 'questions' is a list of objects")
        return []
    return entries


def merge_problems(public, key) -> list[str]:
    """Why questions.json and key.json do not fit together; each field must be in its own file."""
    problems: list[str] = []
    questions, answers = _entries(public, "questions file", problems), _entries(key, "key file", problems)
    if problems:
        return problems
    if [q.get("id") for q in questions] != [a.get("id") for a in answers]:
        return ["the key file must list the questions file's ids, in the same order"]
    for question, answer in zip(questions, answers, strict=True):
        where = f"question {question.get('id')}"
        leaked = sorted(set(question) & set(KEY_QUESTION_FIELDS)) + sorted(
            {name for option in (question.get("options") or {}).values() if isinstance(option, dict)
             for name in option} & set(KEY_OPTION_FIELDS))
        if leaked:
            problems.append(f"{where}: {', '.join(leaked)} belong(s) in the key file, not the questions file")
        extra = sorted(set(answer) - {"id", "options", *KEY_QUESTION_FIELDS}) + sorted(
            {name for option in (answer.get("options") or {}).values() if isinstance(option, dict)
             for name in option} - set(KEY_OPTION_FIELDS))
        if extra:
            problems.append(f"{where}: {', '.join(extra)} belong(s) in the questions file, not the key file")
        if not isinstance(answer.get("options"), dict) or list(answer["options"]) != list(
                question.get("options") or {}):
            problems.append(f"{where}: the key must give the same option letters as the question")
    return problems


def merge_data(public: dict, key: dict) -> dict:
    """The whole quiz data (what `quiz_problems` checks) from the two files' contents."""
    problems = merge_problems(public, key)
    if problems:
        raise QuizDataError("the questions and the key do not fit:\n  - " + "\n  - ".join(problems))
    raw = {name: value for name, value in public.items() if name != "questions"}
    raw["questions"] = []
    for question, answer in zip(public["questions"], key["questions"], strict=True):
        merged = {name: value for name, value in question.items() if name != "options"}
        merged["options"] = {letter: {**option, **answer["options"][letter]}
                             for letter, option in question["options"].items()}
        merged.update({name: answer[name] for name in KEY_QUESTION_FIELDS if name in answer})
        raw["questions"].append(merged)
    return raw


def load_data(key: str | Path | None = None, questions: str | Path | None = None) -> dict:
    """The whole quiz data, read from the questions file and the key file (by default the course's)."""
    return merge_data(read_json(questions or QUESTIONS_FILE), read_json(key or KEY_FILE))


@lru_cache(maxsize=8)
def _load(key: str, key_mtime: float, questions: str, questions_mtime: float) -> Quiz:
    return quiz_from_data(load_data(key, questions))


def load_quiz(key: str | Path | None = None, questions: str | Path | None = None) -> Quiz:
    """The validated quiz: the questions file with the key file (by default the course's own)."""
    key, questions = Path(key or KEY_FILE).resolve(), Path(questions or QUESTIONS_FILE).resolve()
    # re-read when either file changes
    return _load(str(key), key.stat().st_mtime, str(questions), questions.stat().st_mtime)


# ---------------------------------------------------------------------------------------------
# Answers and scoring
# ---------------------------------------------------------------------------------------------


def parse_choice(value) -> frozenset[str]:
    """A student's picks for one question as a set of letters.

    Accepted: a string of letters ("AC", "a, c", "A C"), an iterable of single letters
    (["A", "c"], {"A"}), or None / "" for no answer. Case, separators (spaces , ; / +) and repeated
    letters are forgiven; anything else raises AnswerFormatError naming the offending characters.
    """
    if value is None:
        return frozenset()
    if isinstance(value, str):
        letters = _SEPARATORS.sub("", value).upper()
    elif isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
        items = list(value)
        if not all(isinstance(item, str) for item in items):
            raise AnswerFormatError(f"{value!r}: every item must be a letter string such as 'A'")
        letters = "".join(_SEPARATORS.sub("", item) for item in items).upper()
    else:
        raise AnswerFormatError(
            f"{value!r} is a {type(value).__name__}; write the letters as a string, e.g. \"AC\""
        )
    unknown = sorted(set(letters) - set(LETTERS))
    if unknown:
        raise AnswerFormatError(
            f"{value!r} contains {', '.join(repr(ch) for ch in unknown)}: use only the letters A, B, C, D"
        )
    return frozenset(letters)


def format_choice(letters: Iterable[str]) -> str:
    """Letters in A-D order as one string: {"C", "A"} -> "AC"."""
    return "".join(letter for letter in LETTERS if letter in set(letters))


def check_rule(rule: str) -> str:
    if rule not in RULES:
        raise ValueError(f"unknown scoring rule {rule!r}; choose one of {', '.join(RULES)}")
    return rule


def score_fraction(picked, correct, rule: str = DEFAULT_RULE) -> Fraction:
    """Exact score of one question in [0, 1]; see RULE_DESCRIPTIONS."""
    check_rule(rule)
    picked, correct = parse_choice(picked), parse_choice(correct)
    if not correct:
        raise ValueError("a question needs at least one correct letter")
    if rule == "all_or_nothing":
        return Fraction(int(picked == correct))
    net = len(picked & correct) - len(picked - correct)
    return max(Fraction(0), Fraction(net, len(correct)))


def score_question(picked, correct, rule: str = DEFAULT_RULE) -> float:
    """Score of one question as a plain float in [0, 1] (never negative, never NaN)."""
    return float(score_fraction(picked, correct, rule))


def autograde(question_id: int, answer, key: str | Path | None = None,
              questions: str | Path | None = None) -> float:
    """What an nbgrader hidden test returns: the partial credit of one answer, in [0, 1].

    The key is read here, on the grader's machine, never from the student's notebook. An answer
    in the wrong format raises AnswerFormatError, which nbgrader records as 0 for that question.
    """
    quiz = load_quiz(key, questions)
    return score_question(answer, quiz.question(question_id).correct, quiz.rule)


def answer_variable(question_id: int) -> str:
    """Name of the variable that holds a student's answer in the graded notebook."""
    return f"answer_{question_id}"


def question_ids() -> list[int]:
    """The quiz's question numbers, from the questions file alone: the classroom's student build and a
    grading sandbox's feedback run have no key file."""
    return [question["id"] for question in read_json(QUESTIONS_FILE)["questions"]]


def answer_report(namespace: Mapping[str, object], quiz: Quiz | None = None, computed: int = 0) -> list[str]:
    """Format check of the graded notebook's answer variables (the `computed` ones, answer_c1..., too);
    knows nothing about correctness."""
    ids = [question.id for question in quiz.questions] if quiz else question_ids()
    names = [answer_variable(qid) for qid in ids] + [f"answer_c{slot}" for slot in range(1, computed + 1)]
    lines, blank, problems = [], 0, 0
    for name in names:
        if name not in namespace:
            lines.append(f"{name}: not defined - run its cell (or restore the line `{name} = \"\"`)")
            problems += 1
            continue
        try:
            picks = parse_choice(namespace[name])
        except AnswerFormatError as error:
            lines.append(f"{name}: {error}")
            problems += 1
            continue
        blank += not picks
    answered = len(names) - blank - problems
    lines.append(f"{answered} answered, {blank} blank, {problems} to fix.")
    return lines


def report_answers(namespace: Mapping[str, object], computed: int = 0) -> None:
    """Print `answer_report` (the graded notebook's format-check cell calls this)."""
    print("\n".join(answer_report(namespace, computed=computed)))


# ---------------------------------------------------------------------------------------------
# Practice session: the logic behind the practice widget, testable without a browser
# ---------------------------------------------------------------------------------------------

VERDICTS = {
    (True, True): "picked, and correct",
    (True, False): "picked, but wrong",
    (False, True): "missed: this one is correct",
    (False, False): "rightly left out",
}


@dataclass(frozen=True)
class OptionFeedback:
    letter: str
    text: str
    picked: bool
    correct: bool
    explanation: str

    @property
    def verdict(self) -> str:
        return VERDICTS[(self.picked, self.correct)]

    @property
    def right(self) -> bool:
        """The student treated this option correctly (picked a true one or skipped a false one)."""
        return self.picked == self.correct


@dataclass(frozen=True)
class QuestionResult:
    question_id: int
    picked: frozenset[str]
    score: float
    attempt: int
    options: tuple[OptionFeedback, ...]
    keras3_note: str = ""


@dataclass
class QuizSession:
    """One student's run through the quiz: picks, checks, retries and the running score."""

    quiz: Quiz = field(default_factory=load_quiz)
    rule: str | None = None
    picks: dict[int, set[str]] = field(default_factory=dict)
    results: dict[int, QuestionResult] = field(default_factory=dict)
    attempts: dict[int, int] = field(default_factory=dict)

    def __post_init__(self):
        self.rule = check_rule(self.rule or self.quiz.rule)

    def set_pick(self, question_id: int, letter: str, picked: bool = True) -> None:
        if question_id in self.results:
            raise RuntimeError(f"question {question_id} is already checked; retry it to change the answer")
        letter = next(iter(parse_choice(letter)), None)
        if letter is None:
            raise AnswerFormatError("give one letter A-D")
        chosen = self.picks.setdefault(self.quiz.question(question_id).id, set())
        (chosen.add if picked else chosen.discard)(letter)

    def picked(self, question_id: int) -> frozenset[str]:
        return frozenset(self.picks.get(question_id, ()))

    def check(self, question_id: int) -> QuestionResult:
        question = self.quiz.question(question_id)
        picked = self.picked(question_id)
        self.attempts[question_id] = self.attempts.get(question_id, 0) + 1
        result = QuestionResult(
            question_id=question_id,
            picked=picked,
            score=score_question(picked, question.correct, self.rule),
            attempt=self.attempts[question_id],
            options=tuple(
                OptionFeedback(o.letter, o.text, o.letter in picked, o.correct, o.explanation)
                for o in question.options
            ),
            keras3_note=question.keras3_note,
        )
        self.results[question_id] = result
        return result

    def retry(self, question_id: int) -> None:
        """Forget the check and the picks of one question, so it can be answered again."""
        self.results.pop(question_id, None)
        self.picks.pop(question_id, None)

    @property
    def score(self) -> float:
        exact = (
            score_fraction(r.picked, self.quiz.question(r.question_id).correct, self.rule)
            for r in self.results.values()
        )
        return float(sum(exact, Fraction(0)))

    @property
    def checked(self) -> int:
        return len(self.results)

    def summary(self) -> str:
        total = len(self.quiz.questions)
        return (
            f"Score {self.score:.2f} / {total} - {self.checked} of {total} questions checked "
            f"(rule: {self.rule.replace('_', '-')})"
        )


def feedback_text(result: QuestionResult) -> str:
    """Plain-text version of the widget's feedback for one checked question."""
    lines = [f"Question {result.question_id}: you picked {format_choice(result.picked) or 'nothing'}, "
             f"score {result.score:.2f} / 1"]
    for option in result.options:
        mark = "ok" if option.right else "NO"
        lines.append(f"  {mark} {option.letter} ({option.verdict}): {option.explanation}")
    if result.keras3_note:
        lines.append(f"  Keras 3 note: {result.keras3_note}")
    return "\n".join(lines)


def practise_in_text(answers: Mapping[int, object], rule: str | None = None) -> None:
    """Check several answers at once without widgets, e.g. practise_in_text({1: "AB", 9: "AD"})."""
    session = QuizSession(rule=rule)
    for question_id, picks in answers.items():
        for letter in parse_choice(picks):
            session.set_pick(question_id, letter)
        print(feedback_text(session.check(question_id)), end="\n\n")
    print(session.summary())

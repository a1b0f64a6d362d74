"""The quiz data, the one scoring rule, answer parsing, the practice session and its widget."""

from __future__ import annotations

import copy
import fnmatch
import json
import tomllib
from fractions import Fraction
from itertools import combinations

import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st

from helpers.quiz import (
    KEY_FILE,
    LETTERS,
    QUESTION_COUNT,
    QUESTIONS_FILE,
    RULES,
    AnswerFormatError,
    QuizDataError,
    QuizSession,
    answer_report,
    autograde,
    format_choice,
    load_data,
    load_quiz,
    merge_data,
    merge_problems,
    parse_choice,
    practise_in_text,
    quiz_from_data,
    quiz_problems,
    score_fraction,
    score_question,
    split_data,
)
from helpers.quiz import assignment as quiz_assignment
from helpers.quiz.widget import PracticeQuiz, inline_html

QUIZ = load_quiz()
RAW = load_data()  # questions.json and key.json together


def quiz_with_another_key():
    """The same questions and option texts, with every correct flag, explanation and note changed."""
    raw = copy.deepcopy(RAW)
    for question in raw["questions"]:
        question["keras3_note"] = "another note"
        for option in question["options"].values():
            option["correct"] = not option["correct"]
            option["explanation"] = "another explanation"
    return quiz_from_data(raw)


ALL_SETS = [frozenset(c) for n in range(5) for c in combinations(LETTERS, n)]  # the 16 possible picks

subsets = st.frozensets(st.sampled_from(LETTERS))
nonempty = st.frozensets(st.sampled_from(LETTERS), min_size=1)
rules = st.sampled_from(RULES)


# ------------------------------------------------------------------ key integrity


def test_the_data_file_is_valid_and_complete():
    assert quiz_problems(RAW) == []
    assert len(QUIZ.questions) == QUESTION_COUNT == 20
    assert QUIZ.ids == list(range(1, 21))
    assert QUIZ.rule in RULES
    for question in QUIZ.questions:
        assert [o.letter for o in question.options] == list(LETTERS)
        assert all(o.text.strip() and o.explanation.strip() for o in question.options)
        assert question.correct, f"question {question.id} has no correct option"


def test_the_keras3_key_changes_are_exactly_the_documented_ones():
    """Q13 gains D (build never runs without super().__init__()); Q18 moves from A to B (Lambda
    tracks a Variable passed in `arguments`). Both are proved in quiz/keras3_review.ipynb."""
    changed = {q.id: (q.keras2_answer, format_choice(q.correct)) for q in QUIZ.questions
               if set(q.keras2_answer) != q.correct}
    assert changed == {13: ("A", "AD"), 18: ("A", "B")}
    docs = (ROOT / "docs" / "quiz.md").read_text(encoding="utf-8")
    for qid in changed:
        assert QUIZ.question(qid).keras3_note.startswith("Key changed")
        assert f"| {qid} |" in docs, f"docs/quiz.md must list the key change of question {qid}"


def test_no_teaching_text_uses_tensorflow_idioms():
    text = json.dumps([{k: v for k, v in q.items() if k != "keras3_note"} for q in RAW["questions"]])
    for idiom in ("tf.", "tensorflow", "keras.backend.maximum"):
        assert idiom not in text, f"{idiom!r} appears outside a Keras 2 -> 3 note"


def mutate(change):
    raw = copy.deepcopy(RAW)
    change(raw)
    return quiz_problems(raw)


@pytest.mark.parametrize("change, message", [
    (lambda r: r["questions"].pop(), "must list 20 questions"),
    (lambda r: r["questions"][2].update(id=7), "has id 7"),
    (lambda r: r["questions"][0]["options"].pop("D"), "exactly the options A, B, C, D"),
    (lambda r: r["questions"][4]["options"]["B"].update(explanation=" "), "option B needs a non-empty"),
    (lambda r: [o.update(correct=False) for o in r["questions"][5]["options"].values()], "no correct option"),
    (lambda r: r["questions"][6]["options"]["A"].update(correct="yes"), "'correct': true or false"),
    (lambda r: r["questions"][12].pop("keras3_note"), "differs from the Keras 2 answer"),
    (lambda r: r["scoring"].update(rule="half"), "scoring.rule"),
])
def test_validation_catches_broken_data(change, message):
    problems = mutate(change)
    assert any(message in p for p in problems), problems
    with pytest.raises(QuizDataError):
        raw = copy.deepcopy(RAW)
        change(raw)
        quiz_from_data(raw)


def test_a_repeated_json_key_is_rejected(tmp_path):
    path = tmp_path / "key.json"
    repeated = KEY_FILE.read_text().replace('"keras2_answer": "AB"', '"keras2_answer": "AB", "id": 1', 1)
    path.write_text(repeated)
    with pytest.raises(QuizDataError, match="appears twice"):
        load_quiz(path)


def test_the_questions_file_holds_no_part_of_the_key():
    """The student build leaves key.json out and nothing else: so questions.json must hold no correct
    flag, explanation, Keras 2 answer or Keras 3 note, and key.json nothing a student needs to read."""
    public = json.loads(QUESTIONS_FILE.read_text(encoding="utf-8"))
    key = json.loads(KEY_FILE.read_text(encoding="utf-8"))
    assert merge_problems(public, key) == []
    public_fields = {name for q in public["questions"] for name in q} | {
        name for q in public["questions"] for option in q["options"].values() for name in option}
    assert public_fields == {"id", "prompt", "code", "options", "text"}
    text = QUESTIONS_FILE.read_text(encoding="utf-8")
    for question in QUIZ.questions:
        assert not [o.explanation for o in question.options if o.explanation in text]
    assert (public, key) == split_data(RAW) and merge_data(public, key) == RAW


@pytest.mark.parametrize("change, message", [
    (lambda p, k: p["questions"][3]["options"]["A"].update(correct=True), "correct belong(s) in the key"),
    (lambda p, k: p["questions"][0].update(keras3_note="x"), "keras3_note belong(s) in the key file"),
    (lambda p, k: k["questions"][1].update(prompt="x"), "prompt belong(s) in the questions file"),
    (lambda p, k: k["questions"][2]["options"]["B"].update(text="x"), "text belong(s) in the questions"),
    (lambda p, k: k["questions"].pop(), "the questions file's ids, in the same order"),
    (lambda p, k: k["questions"][4]["options"].pop("D"), "the same option letters"),
    (lambda p, k: k.pop("questions"), "the key file must be a JSON object"),
])
def test_the_two_files_must_fit_together(tmp_path, change, message):
    public, key = split_data(copy.deepcopy(RAW))
    change(public, key)
    problems = merge_problems(public, key)
    assert any(message in p for p in problems), problems
    (tmp_path / "q.json").write_text(json.dumps(public))
    (tmp_path / "k.json").write_text(json.dumps(key))
    with pytest.raises(QuizDataError, match="do not fit"):
        load_quiz(tmp_path / "k.json", tmp_path / "q.json")


def test_the_data_files_ship_with_the_helpers_package():
    """Colab installs only the package, so the practice widget needs both JSON files as package data."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["helpers"]
    for path in (QUESTIONS_FILE, KEY_FILE):
        inside = path.relative_to(ROOT / "helpers").as_posix()
        assert any(fnmatch.fnmatch(inside, pattern) for pattern in patterns), inside


# ------------------------------------------------------------------ answer parsing


@pytest.mark.parametrize("given_, expected", [
    ("AC", "AC"), ("a, c", "AC"), (" c a ", "AC"), ("A;C", "AC"), ("AAC", "AC"), ("", ""), ("  ", ""),
    (None, ""), (["A", "c"], "AC"), ({"D"}, "D"), ((), ""), ("a/b+d", "ABD"),
])
def test_parse_choice_normalises(given_, expected):
    assert format_choice(parse_choice(given_)) == expected


@pytest.mark.parametrize("bad, names", [
    ("AE", "'E'"), ("A1", "'1'"), ("A.B", "'.'"), (3, "int"), (["AB", 2], "every item"), ({"A": 1}, "dict"),
    (b"AB", "bytes"),
])
def test_parse_choice_rejects_with_a_clear_message(bad, names):
    with pytest.raises(AnswerFormatError, match=names):
        parse_choice(bad)


@given(subsets, st.randoms(use_true_random=False))
def test_any_noisy_spelling_of_a_set_parses_back_to_it(letters, rnd):
    pieces = [ch.lower() if rnd.random() < 0.5 else ch for ch in sorted(letters) * rnd.randint(1, 2)]
    rnd.shuffle(pieces)
    text = "".join(piece + rnd.choice(["", " ", ", ", ";"]) for piece in pieces)
    assert parse_choice(text) == letters


# ------------------------------------------------------------------ the scoring rule


@pytest.mark.parametrize("picked, correct, net, exact", [
    ("AB", "AB", Fraction(1), 1), ("A", "AB", Fraction(1, 2), 0), ("ABC", "AB", Fraction(1, 2), 0),
    ("AC", "AB", Fraction(0), 0), ("CD", "AB", Fraction(0), 0), ("", "AB", Fraction(0), 0),
    ("AB", "ABD", Fraction(2, 3), 0), ("ABCD", "ABD", Fraction(2, 3), 0), ("ABCD", "B", Fraction(0), 0),
    ("BC", "B", Fraction(0), 0), ("D", "D", Fraction(1), 1), ("ABCD", "ABCD", Fraction(1), 1),
])
def test_hand_computed_scores(picked, correct, net, exact):
    assert score_fraction(picked, correct) == net
    assert score_fraction(picked, correct, "all_or_nothing") == exact


@given(subsets, nonempty, rules)
def test_score_is_a_plain_float_in_0_1(picked, correct, rule):
    score = score_question(picked, correct, rule)
    assert type(score) is float and 0.0 <= score <= 1.0
    assert float(repr(score)) == score  # nbgrader reads the cell's text/plain back with float()


@given(nonempty, rules)
def test_exact_set_scores_1_and_blank_scores_0(correct, rule):
    assert score_question(correct, correct, rule) == 1.0
    assert score_question("", correct, rule) == 0.0


@given(subsets, nonempty)
def test_all_or_nothing_never_beats_net(picked, correct):
    assert score_question(picked, correct, "all_or_nothing") <= score_question(picked, correct, "net")


@given(subsets, nonempty)
def test_net_matches_its_definition(picked, correct):
    hits, misses = len(picked & correct), len(picked - correct)
    assert score_fraction(picked, correct) == max(Fraction(0), Fraction(hits - misses, len(correct)))


@given(subsets, nonempty, st.sampled_from(LETTERS))
def test_adding_a_right_letter_never_hurts_and_a_wrong_one_never_helps(picked, correct, letter):
    before, after = score_fraction(picked, correct), score_fraction(picked | {letter}, correct)
    if letter in correct:
        assert after >= before
    else:
        assert after <= before


@given(subsets, nonempty, st.permutations(LETTERS))
def test_scores_do_not_depend_on_letter_names(picked, correct, order):
    rename = dict(zip(LETTERS, order, strict=True))
    relabel = lambda letters: {rename[x] for x in letters}  # noqa: E731
    assert score_fraction(relabel(picked), relabel(correct)) == score_fraction(picked, correct)


def test_unknown_rule_and_empty_key_are_errors():
    with pytest.raises(ValueError, match="unknown scoring rule"):
        score_question("A", "A", "half")
    with pytest.raises(ValueError, match="at least one correct"):
        score_question("A", "")


def test_autograde_agrees_with_the_rule_for_every_possible_pick():
    for question in QUIZ.questions:
        for picks in ALL_SETS:
            value = autograde(question.id, format_choice(picks))
            assert type(value) is float and 0.0 <= value <= 1.0
            assert value == score_question(picks, question.correct, QUIZ.rule)
        assert autograde(question.id, format_choice(question.correct)) == 1.0
    with pytest.raises(AnswerFormatError):
        autograde(1, "AX")


def test_autograde_uses_the_rule_of_the_questions_file(tmp_path):
    raw = copy.deepcopy(RAW)
    raw["scoring"]["rule"] = "all_or_nothing"
    path = tmp_path / "aon.json"
    path.write_text(json.dumps(split_data(raw)[0]))
    assert autograde(1, "A", questions=path) == 0.0 and autograde(1, "A") == 0.5  # key of question 1 is AB


# ------------------------------------------------------------------ practice session and widget


def test_session_check_feedback_and_running_score():
    session = QuizSession()
    for letter in "AB":
        session.set_pick(20, letter)            # key ABD
    session.set_pick(20, "C")
    session.set_pick(20, "C", False)
    result = session.check(20)
    assert result.picked == {"A", "B"} and result.score == pytest.approx(2 / 3) and result.attempt == 1
    verdicts = {o.letter: o.verdict for o in result.options}
    assert verdicts == {"A": "picked, and correct", "B": "picked, and correct",
                        "C": "rightly left out", "D": "missed: this one is correct"}
    assert [o.explanation for o in result.options] == [o.explanation for o in QUIZ.question(20).options]
    with pytest.raises(RuntimeError, match="retry"):
        session.set_pick(20, "D")
    session.set_pick(9, "a")
    session.set_pick(9, "D")
    session.check(9)
    session.check(5)                               # blank
    assert session.score == float(Fraction(2, 3) + 1) and session.checked == 3
    assert session.summary().startswith("Score 1.67 / 20 - 3 of 20")
    session.retry(20)
    assert session.picked(20) == frozenset() and 20 not in session.results and session.score == 1.0
    session.set_pick(20, "ABD"[0])
    assert session.check(20).attempt == 2


def test_session_rule_override_and_validation():
    session = QuizSession(rule="all_or_nothing")
    session.set_pick(1, "A")
    assert session.check(1).score == 0.0
    with pytest.raises(ValueError):
        QuizSession(rule="half")
    with pytest.raises(AnswerFormatError):
        session.set_pick(2, "Z")
    with pytest.raises(KeyError):
        session.check(21)


def test_widget_wires_checkboxes_buttons_feedback_and_score():
    quiz = PracticeQuiz()
    assert len(quiz.boxes) == 20 and all(len(boxes) == 4 for boxes in quiz.boxes.values())
    quiz.boxes[4]["A"].value = True                # key AC
    quiz.boxes[4]["B"].value = True
    quiz.check_buttons[4].click()
    feedback = quiz.feedback[4].value
    for option in QUIZ.question(4).options:
        assert inline_html(option.explanation) in feedback
    assert "Score 0.00 / 1" in feedback              # (1 right - 1 wrong) / 2
    assert all(box.disabled for box in quiz.boxes[4].values()) and not quiz.retry_buttons[4].disabled
    assert "1 of 20 questions checked" in quiz.scores[0].value
    quiz.retry_buttons[4].click()
    assert not any(box.value or box.disabled for box in quiz.boxes[4].values())
    assert quiz.feedback[4].value == "" and quiz.session.checked == 0
    quiz.boxes[4]["A"].value = quiz.boxes[4]["C"].value = True
    quiz.check_buttons[4].click()
    assert "Score 1.00 / 1" in quiz.feedback[4].value and "(attempt 2)" in quiz.feedback[4].value
    assert "Score 1.00 / 20" in quiz.scores[1].value


def test_inline_html_escapes_and_renders_code():
    assert inline_html("use `a < b` & <b>") == "use <code>a &lt; b</code> &amp; &lt;b&gt;"


def test_text_mode_and_format_report(capsys):
    practise_in_text({9: "ad", 13: "A"})
    out = capsys.readouterr().out
    assert "Question 9: you picked AD, score 1.00" in out and "Question 13: you picked A, score 0.50" in out
    namespace = {f"answer_{n}": "" for n in range(1, 21)}
    namespace.update(answer_1="ab", answer_2="AX")
    del namespace["answer_3"]
    report = answer_report(namespace)
    assert report[0].startswith("answer_2:") and "'X'" in report[0]
    assert report[1].startswith("answer_3: not defined")
    assert report[-1] == "1 answered, 17 blank, 2 to fix."


# ------------------------------------------------------------------ the graded source notebook


def test_graded_source_notebook_is_fresh():
    assert quiz_assignment.SOURCE.read_text(encoding="utf-8") == quiz_assignment.render(), (
        "run `python -m helpers.quiz.assignment build` (or `make quiz-source`)"
    )


def test_graded_source_does_not_depend_on_the_key():
    """Flip every correct flag and rewrite every explanation: the source notebook must not change."""
    other = quiz_with_another_key()
    assert other.key != QUIZ.key
    assert quiz_assignment.render(other) == quiz_assignment.render(QUIZ)

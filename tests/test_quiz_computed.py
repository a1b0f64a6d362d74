"""Computed questions of the graded quiz, without nbgrader: who the student is, which variants they
get, the instructor's configuration and its one-line errors, the built notebook, the practice button.
(tests/test_quiz_nbgrader.py grades a quiz with computed questions through stock nbgrader.)"""

from __future__ import annotations

import getpass
import html

import nbformat
import pytest

from helpers.quiz import LETTERS, answer_report, bank, computed, load_quiz
from helpers.quiz import assignment as quiz_assignment

SECRET = "unit-test-secret"


def test_the_student_kernel_uses_nbgraders_id_and_the_grader_only_the_folder(tmp_path, monkeypatch):
    """The student's kernel draws for the id nbgrader's submit files the notebook under (compared with
    nbgrader.utils.get_username itself, for a real account and for a Docker `jovyan` one); the
    grading kernel only for the owner of the folder it grades."""
    from nbgrader import utils as nbgrader_utils

    elsewhere = tmp_path / "home" / "keras-course"
    graded = tmp_path / "course" / "autograded" / "bob" / "quiz"
    for folder in (elsewhere, graded):
        folder.mkdir(parents=True)
    monkeypatch.setenv("JUPYTERHUB_USER", "alice")
    monkeypatch.chdir(elsewhere)
    assert computed.student_id() == nbgrader_utils.get_username() == getpass.getuser()
    assert computed.graded_owner() is None
    for module, name in ((computed, "os_user"), (nbgrader_utils, "get_osusername")):
        monkeypatch.setattr(module, name, lambda: "jovyan")
    assert computed.student_id() == nbgrader_utils.get_username() == "alice"
    monkeypatch.chdir(graded)  # grading bob's submission: the grading process's own ids are ignored
    assert computed.student_id() == "bob" == computed.graded_owner()


def test_autograde_refuses_to_score_outside_an_autograde_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(computed.SECRET_ENV, SECRET)
    with pytest.raises(computed.ComputedQuizError, match="not an autograde run"):
        computed.autograde_computed(1, "A", count=1, sections=("07",))


def test_two_students_get_different_variants_for_most_templates():
    """Every template drawn for two students: most differ in their parameters (a template with few
    possible variants may coincide), and the two students' sets of templates differ too."""
    different = [bank.draw(t.id, SECRET, "alice").params != bank.draw(t.id, SECRET, "bob").params
                 for t in bank.templates()]
    assert sum(different) >= 0.8 * len(different), f"{sum(different)} of {len(different)} differ"
    config = computed.check_config(5, "all")
    picks = {s: computed.student_templates(SECRET, s, config) for s in ("alice", "bob")}
    assert picks["alice"] != picks["bob"]


def test_templates_cover_the_chosen_sections_in_turn_and_never_repeat():
    config = computed.check_config(5, ("07", "14"))
    chosen = computed.student_templates(SECRET, "alice", config)
    sections = [bank.template(tid).section for tid in chosen]
    assert len(set(chosen)) == 5
    assert sections == ["07", "14", "07", "14", "07"]  # 07 has 5 templates, 14 has 3: taken in turn
    every = computed.check_config(len(bank.templates_for("14")), ("14",))
    whole_section = sorted(t.id for t in bank.templates_for("14"))
    assert sorted(computed.student_templates(SECRET, "bob", every)) == whole_section


def test_a_bad_configuration_is_one_line():
    every, conv = len(bank.templates()), len(bank.templates_for("07"))
    cases = [
        (every + 1, "all", f"have only {every} question templates"),
        (conv + 1, ("07",), f"sections 07 have only {conv} question templates"),
        (2, ("07", "42"), "unknown section(s) 42"),
        (-1, "all", "must be 0 or more"),
        (2, (), "at least one section"),
    ]
    for count, sections, says in cases:
        with pytest.raises(computed.ComputedQuizError) as raised:
            computed.check_config(count, sections)
        assert says in str(raised.value) and "\n" not in str(raised.value), (count, sections)


def test_the_build_stops_with_one_line_on_a_bad_config_file(tmp_path, monkeypatch, capsys):
    config = tmp_path / "quiz.toml"
    config.write_text('[quiz]\ncomputed = 3\nsections = ["99"]\n')
    monkeypatch.setattr(computed, "CONFIG_FILE", config)
    assert quiz_assignment.main(["assignment", "check"]) == 2
    out = capsys.readouterr().out
    assert out.strip() == "quiz.toml: unknown section(s) 99: the bank has 01-17"


def test_no_secret_gives_the_student_one_line_and_the_instructor_a_failing_check(monkeypatch, capsys,
                                                                                  tmp_path):
    monkeypatch.delenv(computed.SECRET_ENV, raising=False)
    computed.show_computed(1, count=2, sections=("07",))
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"Computed question 1 cannot be shown: the computed questions need the course's quiz "
                     f"secret in {computed.SECRET_ENV}; ask your instructor"]
    config = tmp_path / "quiz.toml"
    config.write_text('[quiz]\ncomputed = 2\nsections = "all"\n')
    monkeypatch.setattr(computed, "CONFIG_FILE", config)
    assert computed.main(["computed", "check"]) == 1
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_the_student_sees_their_own_variant(monkeypatch, capsys):
    monkeypatch.setenv(computed.SECRET_ENV, SECRET)
    monkeypatch.setattr(computed, "os_user", lambda: "alice")
    config = computed.check_config(1, ("14",))
    computed.show_computed(1, count=1, sections=("14",))
    shown = capsys.readouterr().out
    v = bank.draw(computed.student_templates(SECRET, "alice", config)[0], SECRET, "alice")
    assert "drawn for alice" in shown and v.text in shown
    assert all(f"{letter}) {option}" in shown for letter, option in zip(LETTERS, v.options, strict=True))


def test_the_committed_config_adds_nothing_and_a_built_quiz_holds_no_secret(monkeypatch):
    assert computed.load_config().count == 0
    monkeypatch.setenv(computed.SECRET_ENV, SECRET)
    text = quiz_assignment.render(config=computed.check_config(2, ("07",)))
    nb = nbformat.reads(text, as_version=4)
    graded = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
              if c.metadata.get("nbgrader", {}).get("grade")]
    assert graded == [f"grade_{q}" for q in range(1, 21)] + ["grade_c1", "grade_c2"]
    assert SECRET not in text and "Your total is out of 22" in text


def test_the_format_check_counts_computed_answers():
    namespace = {f"answer_{q}": "" for q in range(1, 21)} | {"answer_c1": "B", "answer_c2": "BX"}
    lines = answer_report(namespace, load_quiz(), computed=3)
    assert lines[-1] == "1 answered, 20 blank, 2 to fix."
    assert any(line.startswith("answer_c2:") for line in lines)
    assert any(line.startswith("answer_c3: not defined") for line in lines)


def test_practice_checks_at_once_and_new_variant_redraws():
    from helpers.quiz.computed_widget import ComputedPractice

    practice = ComputedPractice(count=2, sections=("07", "14"))
    first = practice.practice.variants[0]
    wrong = LETTERS[(first.correct + 1) % 4]
    practice.choices[0].value = practice.choices[0].options[first.correct]
    assert practice.check(1) == 1.0 and first.answer_text in practice.feedback[0].value
    practice.choices[0].value = practice.choices[0].options[LETTERS.index(wrong)]
    assert practice.check(1) == 0.0 and "Not " in practice.feedback[0].value
    mistake = first.mistakes[first.distractors.index(first.options[LETTERS.index(wrong)])]
    assert html.escape(mistake, quote=False) in practice.feedback[0].value
    before = [v.params for v in practice.practice.variants]
    practice.new_button.click()
    assert [v.params for v in practice.practice.variants] != before
    assert practice.feedback[0].value == "" and practice.choices[0].value is None

"""Unit tests of the grading machinery: student checks, nbgrader plugins, config, LMS names, audit."""

from __future__ import annotations

import builtins
import logging
import os
import re
import sys
import warnings

import nbformat
import numpy as np
import pytest
from conftest import ROOT
from traitlets.config.loader import PyFileConfigLoader

sys.path.insert(0, str(ROOT / "grading"))
import course  # noqa: E402
import nbgrader_plugins as plugins  # noqa: E402

from helpers import grading  # noqa: E402

# ---------------------------------------------------------------- public checks


def failure(call, *args, **kwargs) -> str:
    with pytest.raises(grading.CheckFailed) as caught:
        call(*args, **kwargs)
    return str(caught.value)


def test_check_says_what_was_expected_and_what_was_seen():
    grading.check("kernel shape", (4, 3), (4, 3))
    grading.check("config", {"scale": np.float64(2.0), "seed": 7}, {"scale": 2.0, "seed": 7})
    message = failure(grading.check, "kernel shape", (3, 4), (4, 3))
    assert message == "kernel shape: expected (4, 3), saw (3, 4)"
    assert failure(grading.check, "flag", 1, True) == "flag: expected True, saw 1"  # True is not 1


def test_check_close_reports_shape_then_values():
    grading.check_close("outputs", np.array([1.0, 2.0]), [1.0, 2.0 + 1e-7])
    assert failure(grading.check_close, "outputs", np.ones((3, 2)), np.ones((2, 3))) == (
        "outputs: expected shape (2, 3), saw (3, 2)"
    )
    message = failure(grading.check_close, "bias", np.ones(3), np.zeros(3))
    assert message.startswith("bias: expected [0. 0. 0.], saw [1. 1. 1.] (largest difference 1")
    assert "NaN" in failure(grading.check_close, "loss", np.nan, 0.0)


def test_check_true_uses_the_callers_words():
    grading.check_true("loss", True, "below 1e-3", "0.5")
    message = failure(grading.check_true, "loss", False, "below 1e-3", "0.5")
    assert message == "loss: expected below 1e-3, saw 0.5"


def test_silenced_keeps_every_kind_of_noise_off_stderr(capfd):
    handler = logging.StreamHandler(sys.stderr)  # bound to the real stderr before the block, like TF's
    logger = logging.getLogger("noisy-test")
    logger.addHandler(handler)
    try:
        with grading.silenced():
            warnings.warn("a warning", UserWarning, stacklevel=1)
            print("python-level stderr", file=sys.stderr)
            logger.warning("a log record")
            os.write(2, b"native stderr\n")
        assert capfd.readouterr().err == ""
        print("after the block", file=sys.stderr)  # everything is restored afterwards
        assert capfd.readouterr().err == "after the block\n"
        assert logging.root.manager.disable == logging.NOTSET
    finally:
        logger.removeHandler(handler)


def test_silenced_lets_errors_through():
    with pytest.raises(ZeroDivisionError), grading.silenced():
        1 / 0  # noqa: B018


# ---------------------------------------------------------------- tampering


def test_an_honest_session_is_not_flagged():
    keras = grading.keras
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 2)), np.ones((4, 1)), verbose=0)
    assert grading.tampered() == []
    assert isinstance(grading.trusted(), grading.Trusted)


def test_rebinding_what_the_checks_rely_on_is_refused(monkeypatch):
    monkeypatch.setattr(np, "allclose", lambda *args, **kwargs: True)
    monkeypatch.setattr(builtins, "abs", lambda value: 0)
    monkeypatch.setattr(grading, "check", lambda *args, **kwargs: None)
    monkeypatch.setattr(grading.keras.Model, "fit", lambda *args, **kwargs: None)
    monkeypatch.setattr(grading.keras.Model, "__call__", lambda *args, **kwargs: None, raising=False)
    assert grading.tampered() == [
        "builtins.abs", "helpers.grading.check", "keras.Model.__call__", "keras.Model.fit", "numpy.allclose",
    ]
    message = failure(grading.trusted)
    assert message.startswith("grading integrity: expected the notebook to leave library and grading")
    assert "builtins.abs, helpers.grading.check, keras.Model.__call__, keras.Model.fit and 1 more" in message


def test_the_trusted_checks_ignore_rebound_functions(monkeypatch):
    trusted = grading.Trusted()
    monkeypatch.setattr(np, "allclose", lambda *args, **kwargs: True)
    monkeypatch.setattr(np, "abs", lambda value: np.zeros_like(value))
    monkeypatch.setattr(np, "tanh", lambda value: value)
    assert "largest difference 1" in failure(trusted.close, "outputs", np.ones(3), np.zeros(3))
    assert trusted.np.tanh(np.array(1.0)) == pytest.approx(0.7615941559557649)


def test_the_trusted_equal_does_not_trust_a_custom_eq():
    class EqualToEverything(tuple):
        def __eq__(self, other):
            return True

        __hash__ = tuple.__hash__

    trusted = grading.Trusted()
    message = failure(trusted.equal, "shape", EqualToEverything((3, 4)), (4, 3))
    assert message == "shape: expected (4, 3), saw (3, 4)"
    assert "expected True" in failure(trusted.true, "flag", np.array([1]), "True", "an array")
    message = failure(trusted.close, "outputs", np.ones(3), np.zeros(3))
    assert "[" not in message, "hidden checks must not print the values they compare"


# ---------------------------------------------------------------- nbgrader plugins


def test_guard_drops_a_score_claimed_ahead_of_the_result_and_flags_an_unfinished_test():
    claimed = nbformat.v4.new_code_cell("checking('A')\npassed('A')", outputs=[
        nbformat.v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=1),
        nbformat.v4.new_output("error", ename="CheckFailed", evalue="x", traceback=[]),
    ])
    plugins.guard_test_outputs(claimed)
    assert [o.output_type for o in claimed.outputs] == ["error"]

    partial = nbformat.v4.new_code_cell("score()", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="working\n"),
        nbformat.v4.new_output("execute_result", data={"text/plain": "0.5"}, execution_count=1),
    ])
    plugins.guard_test_outputs(partial)  # a genuine partial score (the quiz uses them) stays
    assert [o.output_type for o in partial.outputs] == ["stream", "execute_result"]

    emptied = nbformat.v4.new_code_cell("checking('A')\npassed('A')", outputs=[])
    plugins.guard_test_outputs(emptied)
    assert emptied.outputs[0].ename == "NotCompleted"

    finished = nbformat.v4.new_code_cell("passed('A')", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text=f"A: {plugins.COMPLETED}\n"),
    ])
    plugins.guard_test_outputs(finished)
    assert len(finished.outputs) == 1


def test_feedback_errors_are_cut_to_their_last_line():
    cell = nbformat.v4.new_code_cell("secret_hidden_check()", outputs=[nbformat.v4.new_output(
        "error", ename="CheckFailed", evalue="bias: expected 0, saw 1",
        traceback=["\x1b[0;31m---\x1b[0m", "secret_hidden_check()", "CheckFailed: bias: expected 0, saw 1"],
    )])
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "part_a", "points": 1, "solution": False}
    plugins.ConciseTestErrors().preprocess_cell(cell, {}, 0)
    assert cell.outputs[0].traceback == ["CheckFailed: bias: expected 0, saw 1"]


# ---------------------------------------------------------------- configuration


def load_config(monkeypatch, **env):
    for name in ("NBGRADER_EXCHANGE", "NBGRADER_CELL_TIMEOUT", "NBGRADER_LMS_REGEX"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return PyFileConfigLoader("nbgrader_config.py", path=str(ROOT / "grading")).load_config()


def test_config_defaults_a_class_needs(monkeypatch):
    c = load_config(monkeypatch)
    assert c.CourseDirectory.course_id == "keras3-layers"
    assert c.CourseDirectory.root == str(ROOT / "grading")
    assert c.CourseDirectory.db_url == f"sqlite:///{ROOT / 'grading' / 'gradebook.db'}"
    assert c.Exchange.root == str(ROOT / "grading" / "exchange")
    assert c.Execute.timeout == 120 and c.Execute.interrupt_on_timeout is True
    assert c.OverwriteCells.add_missing_cells is True
    assert c.ExchangeSubmit.strict is True
    assert plugins.CrashTolerantExecute.__name__ in [p.__name__ for p in c.Autograde.autograde_preprocessors]
    feedback = [p.__name__ for p in c.GenerateFeedback.preprocessors]
    assert "ClearHiddenTests" in feedback and "ConciseTestErrors" in feedback


def test_config_reads_deployment_settings_from_the_environment(monkeypatch):
    c = load_config(monkeypatch, NBGRADER_EXCHANGE="/srv/nbgrader/exchange", NBGRADER_CELL_TIMEOUT="30")
    assert c.Exchange.root == "/srv/nbgrader/exchange"
    assert c.Execute.timeout == 30


@pytest.mark.parametrize("name, student, notebook", [
    ("smithjane_1001_7001_ex2_serializable_layer.ipynb", "1001", "ex2_serializable_layer"),
    ("doejohn_late_1002_7002_ex1_simple_dense.ipynb", "1002", "ex1_simple_dense"),
    ("doejohn_LATE_1002_7002_ex1_simple_dense.ipynb", "1002", "ex1_simple_dense"),
    ("lee_1003_7003_Copy of ex3_state_and_losses.ipynb", "1003", "ex3_state_and_losses"),
    ("lee_1003_7003_ex3_state_and_losses-2.ipynb", "1003", "ex3_state_and_losses"),
    ("lee_1003_7003_ex3_state_and_losses (1).ipynb", "1003", "ex3_state_and_losses"),
    ("lee_1003_7003_quiz.ipynb", "1003", "quiz"),
    ("ex3_state_and_losses.ipynb", None, None),  # no student in the name
    ("lee_abc_7003_quiz.ipynb", None, None),  # the user id is a number
])
def test_lms_file_names(monkeypatch, name, student, notebook):
    regex = load_config(monkeypatch).FileNameCollectorPlugin.named_regexp
    match = re.match(regex, f"/course/downloaded/a/extracted/submissions/{name}")
    assert (match and (match["student_id"], match["file_id"])) == ((student, notebook) if student else None)


# ---------------------------------------------------------------- audit


@pytest.mark.parametrize("code, finding", [
    ("np.allclose = lambda *a: True", "rebinds a library or grading name"),
    ("import builtins\nbuiltins.abs = abs", "uses builtins or __builtins__"),
    ("get_ipython().events.register('pre_run_cell', f)", "touches the IPython kernel"),
    ("import helpers.grading", "imports the grading helpers"),
    ("os._exit(1)", "ends or signals the process"),
    ("sys.modules['numpy'] = fake", "touches sys.modules or importlib"),
])
def test_audit_flags_code_that_touches_the_grading_machinery(tmp_path, code, finding):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nbformat.write(nb, tmp_path / "a.ipynb")
    assert f"cell 0: {finding}" in course.audit_notebook(tmp_path / "a.ipynb")


def test_audit_leaves_ordinary_solutions_and_locked_cells_alone(tmp_path):
    locked = nbformat.v4.new_code_cell("import helpers.grading as _grading")
    locked.metadata["nbgrader"] = {"locked": True, "grade": True, "solution": False, "grade_id": "t"}
    honest = nbformat.v4.new_code_cell("x = np.allclose(a, b)\nself.kernel = self.add_weight(shape=(2, 2))")
    nbformat.write(nbformat.v4.new_notebook(cells=[locked, honest]), tmp_path / "a.ipynb")
    assert course.audit_notebook(tmp_path / "a.ipynb") == []

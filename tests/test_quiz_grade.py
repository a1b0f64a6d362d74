"""The batch grader CLI (`python -m helpers.quiz.batch`) on good and bad answer files."""

from __future__ import annotations

import csv
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

from helpers.quiz import LETTERS, load_quiz
from helpers.quiz import assignment as quiz_assignment
from helpers.quiz.batch import main

FIXTURES = ROOT / "tests" / "fixtures" / "quiz" / "lms"
QUIZ = load_quiz()


def answer_cell_index(nb, question_id: int) -> int:
    target = f"answer_{question_id} = "
    return next(i for i, cell in enumerate(nb.cells) if cell.cell_type == "code" and target in cell.source)


def filled_notebook(sources: dict[int, str | None], base=None):
    """The graded notebook with the answer cells of `sources` replaced (None deletes the cell)."""
    nb = nbformat.from_dict(json.loads(json.dumps(base))) if base else quiz_assignment.build_notebook(QUIZ)
    for qid in sorted(sources, reverse=True):  # from the end, so deletions keep earlier indices valid
        index = answer_cell_index(nb, qid)
        if sources[qid] is None:
            del nb.cells[index]
        else:
            nb.cells[index].source = sources[qid]
    return nb


def answer(qid: int, value) -> str:
    return f"answer_{qid} = {value!r}"


# cleo.ipynb: Q13 and Q18 right (the two Keras 3 key changes), three answers unusable -> 0 each.
CLEO = {13: answer(13, "AD"), 18: answer(18, "B"), 1: answer(1, "AX"),
        5: 'answer_5 = "B', 7: 'answer_7 = "A" + ""'}

# ben.txt against the key, question by question (net rule): see the file for his picks.
BEN = ["0.5", "1", "0", "1", "0", "0.5", "1", "0", "1", "1", "1", "0.5", "0.5", "1", "1", "0", "1", "0", "1",
       "0.6667"]
# 10 ones + 4 halves + 2/3 = 12 2/3
EXPECTED = {
    "ana": ["1"] * 20 + ["20"],                        # the key itself
    "ben": BEN + ["12.6667"],
    "cleo": ["0"] * 12 + ["1"] + ["0"] * 4 + ["1", "0", "0"] + ["2"],
    "fay": ["0"] + ["1"] * 19 + ["19"],                 # q1 "AX" scores 0, the rest is the key
}
REJECTED = {
    "broken.json": "not valid JSON",
    "listed.json": "expected a JSON object",
    "unknown.json": "'21' is not a question",
    "partial.json": "partial: question(s) 11-20 missing",
    "twice.txt": "question 3 is answered twice",
    "prose.txt": "line 3",
    "eve.json": "duplicate: student 'eve' has several files (Eve.txt, eve.json)",
    "Eve.txt": "duplicate: student 'Eve' has several files (Eve.txt, eve.json)",
    "notes.pdf": "is a .pdf file",
}
WARNED = {
    "fay.json": ["question 1 scored 0: 'AX' contains 'X'"],
    "cleo.ipynb": ["question 1 scored 0: 'AX'", "question 5 scored 0: its cell (code cell",
                   'question 7 scored 0: answer_7 is not a plain string such as "AC"'],
}


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    shutil.copytree(FIXTURES, folder)
    nbformat.write(filled_notebook(CLEO), folder / "cleo.ipynb")
    (folder / ".DS_Store").write_bytes(b"\0")  # hidden files are skipped silently
    return folder


def read_csv(path: Path) -> dict[str, list[str]]:
    rows = list(csv.reader(path.open(newline="")))
    assert rows[0] == ["student", *[f"q{n}" for n in range(1, 21)], "total"]
    return {row[0]: row[1:] for row in rows[1:]}


def run(args, capsys):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_good_files_are_graded_and_every_bad_one_is_reported(inbox, tmp_path, capsys):
    out_csv = tmp_path / "grades.csv"
    code, out, err = run([inbox, "--out", out_csv], capsys)
    assert code == 1, "rejected files must make the exit status non-zero"
    assert read_csv(out_csv) == EXPECTED
    lines = err.splitlines()
    for name, reason in REJECTED.items():
        assert any(line.startswith(f"REJECTED {name}: ") and reason in line for line in lines), (name, err)
    for name, reasons in WARNED.items():
        for reason in reasons:
            assert any(line.startswith(f"WARNING {name}: ") and reason in line for line in lines), (name, err)
    assert len(lines) == len(REJECTED) + sum(map(len, WARNED.values())), err
    assert "graded 4 file(s)" in out and "9 rejected" in out


def test_allow_partial_and_all_or_nothing(inbox, tmp_path, capsys):
    out_csv = tmp_path / "aon.csv"
    code, _, err = run([inbox, "--out", out_csv, "--allow-partial", "--rule", "all_or_nothing"], capsys)
    assert code == 1  # the other bad files are still rejected
    rows = read_csv(out_csv)
    # partial.json answers "A" to questions 1-10: exactly right for 7 and 8 only (keys A).
    assert rows["partial"][-1] == "2" and rows["partial"][6:8] == ["1", "1"]
    assert "WARNING partial.json: question(s) 11-20 missing, scored 0" in err
    assert rows["ben"][-1] == "10"        # his ten exactly right answers
    assert rows["ana"][-1] == "20" and rows["fay"][-1] == "19" and rows["cleo"][-1] == "2"


def test_clean_folder_exits_0_and_output_is_never_overwritten_by_accident(tmp_path, capsys):
    inbox = tmp_path / "clean"
    inbox.mkdir()
    shutil.copy(FIXTURES / "ana.json", inbox)
    shutil.copy(FIXTURES / "ben.txt", inbox)
    out_csv = tmp_path / "grades.csv"
    assert run([inbox, "--out", out_csv], capsys)[0] == 0
    first = out_csv.read_text()

    (inbox / "ana.json").write_text('{"1": "C"}')  # would change the grades
    code, _, err = run([inbox, "--out", out_csv], capsys)
    assert code == 2 and "already exists; pass --force" in err
    assert out_csv.read_text() == first

    code, _, _ = run([inbox, "--out", out_csv, "--force", "--allow-partial"], capsys)
    assert code == 0 and read_csv(out_csv)["ana"][-1] == "0"
    assert not list(tmp_path.glob(".grades.csv.*")), "temporary files must not be left behind"


@pytest.mark.parametrize("args, message", [
    (["{missing}", "--out", "{out}"], "is not a folder"),
    (["{empty}", "--out", "{out}"], "no gradable answer files"),
    (["{empty}", "--out", "{nowhere}"], "does not exist"),
    (["{empty}", "--out", "{out}", "--key", "{bad_key}"], "cannot load the key"),
    (["{empty}", "--out", "{out}", "--compare", "{missing}"], "does not exist"),
])
def test_usage_errors_exit_2_and_write_nothing(tmp_path, capsys, args, message):
    (tmp_path / "empty").mkdir()
    (tmp_path / "bad.json").write_text("{}")
    names = {"missing": tmp_path / "nope", "empty": tmp_path / "empty", "out": tmp_path / "out.csv",
             "nowhere": tmp_path / "no" / "out.csv", "bad_key": tmp_path / "bad.json"}
    code, _, err = run([a.format(**names) for a in args], capsys)
    assert code == 2 and message in err
    assert not (tmp_path / "out.csv").exists()


def test_command_line_entry_point_and_speed(tmp_path, record_time):
    """300 random answer files through the real command line, timed."""
    rnd = random.Random(7)
    inbox = tmp_path / "class"
    inbox.mkdir()
    for i in range(300):
        sheet = {str(q): "".join(x for x in LETTERS if rnd.random() < 0.4) for q in range(1, 21)}
        (inbox / f"s{i:03d}.json").write_text(json.dumps(sheet))
    out_csv = tmp_path / "class.csv"
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "helpers.quiz.batch", str(inbox), "--out", str(out_csv)],
                            capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    record_time("quiz grading", "quiz CLI: 300 LMS files", seconds, 30)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    rows = read_csv(out_csv)
    assert len(rows) == 300
    assert all(0 <= float(row[-1]) <= 20 for row in rows.values())

"""make similarity (grading/similarity.py) on a synthetic class of Exercise 3 (RunningCenter).

The class: 21 honest solutions composed from genuinely different ways of writing each piece
(structure of `call`, the batch mean, the moving-mean update, the penalty, `__init__`, `build`) so
that any two share at most two of the four main choices; one hand-written solution with its own
style (the original) and a copy of it with renamed variables, reordered independent statements
and new comments; two students who both hand in the reference solution (one renamed). No nbgrader
run: the notebooks are the release with the solution cell replaced, written with nbformat.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "grading"))
import similarity  # noqa: E402

ASSIGNMENT = "ex3_state_and_losses"
COURSE = ROOT / "grading"
HEADER = '''class RunningCenter(keras.layers.Layer):
    """{doc}"""

'''

# ---------------------------------------------------------------- the honest class, piece by piece

MEANS = [
    "keras.ops.mean({x}, axis=0)",
    "keras.ops.mean({x}, axis=0, keepdims=False)",
    "keras.ops.sum({x}, axis=0) / keras.ops.cast(keras.ops.shape({x})[0], {x}.dtype)",
    "keras.ops.average({x}, axis=0)",
    "keras.ops.mean({x}, 0)",
]
UPDATES = [
    ["self.moving_mean.assign(self.momentum * self.moving_mean + (1.0 - self.momentum) * {m})"],
    ["self.moving_mean.assign({m} + self.momentum * (self.moving_mean - {m}))"],
    ["self.moving_mean.assign_sub((1 - self.momentum) * (self.moving_mean - {m}))"],
    ["decay = 1.0 - self.momentum", "new_mean = self.moving_mean * self.momentum + {m} * decay",
     "self.moving_mean.assign(new_mean)"],
]
PENALTIES = [
    ["self.add_loss(self.penalty * keras.ops.mean(keras.ops.square({o})))"],
    ["penalty = self.penalty * keras.ops.mean({o} ** 2)", "self.add_loss(penalty)"],
    ["self.add_loss(keras.ops.mean({o} * {o}) * self.penalty)"],
]
# The structure of `call`: MEAN, UPDATE and PENALTY lines are filled in with the choices above.
STRUCTURES = [
    """    def call(self, {x}, training=False):
        if training:
            {m} = MEAN
            UPDATE
            {o} = {x} - {m}
        else:
            {o} = {x} - self.moving_mean
        PENALTY
        return {o}
""",
    """    def call(self, {x}, training=False):
        if not training:
            {o} = {x} - self.moving_mean
            PENALTY
            return {o}
        {m} = MEAN
        UPDATE
        {o} = {x} - {m}
        PENALTY
        return {o}
""",
    """    def call(self, {x}, training=False):
        if training:
            {m} = MEAN
            UPDATE
        {o} = {x} - ({m} if training else self.moving_mean)
        PENALTY
        return {o}
""",
    """    def _update(self, {m}):
        UPDATE

    def _penalised(self, {o}):
        PENALTY
        return {o}

    def call(self, {x}, training=False):
        if training:
            {m} = MEAN
            self._update({m})
            return self._penalised({x} - {m})
        return self._penalised({x} - self.moving_mean)
""",
    """    def call(self, {x}, training=False):
        {m} = self.moving_mean
        if training:
            {m} = MEAN
            UPDATE
        {o} = {x} - {m}
        PENALTY
        return {o}
""",
    """    def call(self, {x}, training=False):
        if training is None or not training:
            {o} = keras.ops.subtract({x}, self.moving_mean)
        else:
            {m} = MEAN
            {o} = keras.ops.subtract({x}, {m})
            UPDATE
        PENALTY
        return {o}
""",
    """    def _centered(self, {x}, training):
        if not training:
            return {x} - self.moving_mean
        {m} = MEAN
        UPDATE
        return {x} - {m}

    def call(self, {x}, training=False):
        {o} = self._centered({x}, training)
        PENALTY
        return {o}
""",
]
INITS = [
    """    def __init__(self, momentum=0.9, penalty=0.01, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.penalty = penalty
""",
    """    def __init__(self, momentum=0.9, penalty=0.01, **kwargs):
        super().__init__(**kwargs)
        self.penalty = float(penalty)
        self.momentum = float(momentum)
""",
    """    def __init__(self, momentum=0.9, penalty=0.01, **kwargs):
        super().__init__(**kwargs)
        self.momentum, self.penalty = momentum, penalty
""",
]
BUILDS = [
    """    def build(self, input_shape):
        self.moving_mean = self.add_weight(
            shape=(input_shape[-1],), initializer="zeros", trainable=False, name="moving_mean"
        )
""",
    """    def build(self, input_shape):
        features = input_shape[-1]
        self.moving_mean = self.add_weight(
            name="moving_mean", shape=(features,), initializer=keras.initializers.Zeros(), trainable=False)
""",
    """    def build(self, input_shape):
        self.moving_mean = self.add_weight(name="moving_mean", shape=[input_shape[-1]],
                                           initializer="zeros", trainable=False)
""",
    """    def build(self, shape):
        # one running value per feature, never trained
        self.moving_mean = self.add_weight(shape=(shape[-1],), initializer="zeros",
                                           trainable=False, name="moving_mean")
        super().build(shape)
""",
]
INPUT_NAMES = ["inputs", "x", "inputs", "batch", "inputs", "data", "x", "inputs", "values", "inputs"]
MEAN_NAMES = ["batch_mean", "mu", "mean", "avg", "m", "bm", "current", "batch_avg", "mean_now", "centre"]
OUT_NAMES = ["outputs", "out", "y", "centered", "result", "z", "shifted", "res", "outputs", "output"]


def indent(lines: list[str], spaces: str) -> str:
    return ("\n" + spaces).join(lines)


def honest(i: int) -> str:
    """Student i's solution. Moduli 7, 5, 4, 3 are coprime, so among 21 students two share at most two
    of the four main choices (three would need i = j modulo at least 60)."""
    names = {"x": INPUT_NAMES[i % 10], "m": MEAN_NAMES[(3 * i) % 10], "o": OUT_NAMES[(7 * i + 1) % 10]}
    call = STRUCTURES[i % 7]
    for placeholder, pieces in (("UPDATE", UPDATES[i % 4]), ("PENALTY", PENALTIES[i % 3])):
        line = next(line for line in call.split("\n") if line.strip() == placeholder)
        spaces = line[: len(line) - len(line.lstrip())]
        call = call.replace(placeholder, indent(pieces, spaces), 1)
    call = call.replace("MEAN", MEANS[i % 5]).format(**names)
    doc = f"Student {i}: centres inputs on the batch mean (training) or the running mean."
    return HEADER.format(doc=doc) + INITS[(i // 2) % 3] + "\n" + BUILDS[(i // 3) % 4] + "\n" + call


ORIGINAL = HEADER.format(doc="Running centre with an activity penalty.") + '''\
    def __init__(self, momentum=0.9, penalty=0.01, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        self.momentum = momentum
        self.penalty = penalty

    def build(self, input_shape):
        self.moving_mean = self.add_weight(
            shape=(input_shape[-1],), initializer="zeros", trainable=False, name="moving_mean"
        )

    def call(self, inputs, training=False):
        rows = keras.ops.cast(keras.ops.shape(inputs)[0], "float32")
        if training:
            totals = keras.ops.sum(inputs, axis=0)
            batch_center = totals / keras.ops.maximum(rows, 1.0)  # an empty batch would divide by 0
            blend = keras.ops.convert_to_tensor(self.momentum)
            self.moving_mean.assign(blend * self.moving_mean + (1 - blend) * batch_center)
            shifted = keras.ops.subtract(inputs, batch_center)
        else:
            shifted = keras.ops.subtract(inputs, self.moving_mean)
        width = keras.ops.cast(keras.ops.shape(inputs)[1], "float32")
        energy = keras.ops.sum(keras.ops.square(shifted)) / (rows * width)
        self.add_loss(self.penalty * energy)
        return shifted
'''

# The copy: every own name renamed, independent statements reordered, comments and docstring new.
COPY = HEADER.format(doc="My layer: subtracts a mean, adds a penalty.") + '''\
    def __init__(self, momentum=0.9, penalty=0.01, **kwargs):
        super().__init__(**kwargs)
        # check the argument first
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        self.penalty = penalty
        self.momentum = momentum

    def build(self, input_shape):
        self.moving_mean = self.add_weight(
            shape=(input_shape[-1],), initializer="zeros", trainable=False, name="moving_mean"
        )

    def call(self, x, training=False):
        n = keras.ops.cast(keras.ops.shape(x)[0], "float32")
        if training:
            s = keras.ops.sum(x, axis=0)
            mu = s / keras.ops.maximum(n, 1.0)
            result = keras.ops.subtract(x, mu)  # centre on this batch
            beta = keras.ops.convert_to_tensor(self.momentum)
            self.moving_mean.assign(beta * self.moving_mean + (1 - beta) * mu)
        else:
            result = keras.ops.subtract(x, self.moving_mean)
        cols = keras.ops.cast(keras.ops.shape(x)[1], "float32")
        sq = keras.ops.sum(keras.ops.square(result)) / (n * cols)
        self.add_loss(self.penalty * sq)
        return result
'''


def reference_solution() -> str:
    source = nbformat.read(COURSE / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    cell = next(c for c in source.cells if c.metadata.get("nbgrader", {}).get("solution"))
    return "\n".join(line for line in cell.source.split("\n") if "### " not in line)


def renamed_reference() -> str:
    """The reference with its locals renamed, its two assignments swapped and a comment added."""
    text = reference_solution().replace("batch_mean", "bm").replace("outputs", "out")
    text = text.replace("        self.momentum = momentum\n        self.penalty = penalty\n",
                        "        self.penalty = penalty  # keep both\n        self.momentum = momentum\n")
    assert "bm" in text and "# keep both" in text
    return text


def write_class(folder: Path, solutions: dict[str, str]) -> Path:
    """submitted/<student>/ex3/ex3.ipynb for each student: the release with the solution cell replaced."""
    release = nbformat.read(COURSE / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    for student, code in solutions.items():
        notebook = copy.deepcopy(release)
        cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution"))
        cell.source = code
        target = folder / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(notebook, target)
    return folder


def synthetic_class() -> dict[str, str]:
    solutions = {f"honest{i:02d}": honest(i) for i in range(21)}
    solutions |= {"original": ORIGINAL, "copier": COPY,
                  "ref_plain": reference_solution(), "ref_renamed": renamed_reference()}
    return solutions


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    folder = write_class(tmp_path_factory.mktemp("submitted"), synthetic_class())
    students, reference, starter, notes = similarity.load_class(ASSIGNMENT, folder, COURSE)
    assert notes == [] and len(students) == 25
    return similarity.compare(students, reference, starter, ASSIGNMENT)


def score(result, a, b):
    return next(p for p in result.pairs if {p.a, p.b} == {a, b})


# ---------------------------------------------------------------- the tests

def test_the_honest_solutions_are_valid_python_and_genuinely_different():
    """The fixture itself: every variant parses, and no two honest students hand in the same code."""
    import ast
    solutions = synthetic_class()
    for code in solutions.values():
        ast.parse(code)
    dumps = [ast.dump(ast.parse(honest(i))) for i in range(21)]
    assert len(set(dumps)) == 21


def test_only_the_planted_pair_is_flagged_and_it_is_the_top_pair(result):
    flagged = [{p.a, p.b} for p in result.pairs if p.flagged]
    planted = score(result, "original", "copier")
    honest_best = max(p.score for p in result.pairs if {p.a, p.b} != {"original", "copier"})
    print(f"\nplanted pair: score {planted.score:.2f}, robust z {planted.z:.1f}, shared {planted.shared}; "
          f"class median {result.median:.2f}, scale {result.scale:.3f}, best other pair {honest_best:.2f}")
    assert flagged == [{"original", "copier"}]
    assert {result.pairs[0].a, result.pairs[0].b} == {"original", "copier"}


def test_many_honest_students_are_close_to_the_reference_yet_not_flagged(result):
    """Without the discounts the reference is most of every solution: the naive view."""
    students = result.students
    reference = set(similarity.kgrams(similarity.normalise([reference_solution()])))

    def from_reference(code):
        hashes = similarity.kgrams(code)
        return sum(h in reference for h in hashes) / len(hashes)

    close = [s for s in students if s.startswith("honest") and from_reference(students[s]) > 0.4]
    assert len(close) >= 10, close
    assert not any(p.flagged for p in result.pairs if {p.a, p.b} <= set(close))


def test_without_the_discounts_the_class_would_look_alike(result):
    """The naive tool (no reference, release or class discount) on the same class: the two copies of the
    reference score 1 and honest pairs are flagged. So the quiet class above is the discounts' doing."""
    naive = similarity.compare(result.students, similarity.Code(), similarity.Code(), ASSIGNMENT, common=2.0)
    assert score(naive, "ref_plain", "ref_renamed").score == 1.0
    assert naive.median > 0.3
    assert any(p.flagged for p in naive.pairs if p.a.startswith("honest") and p.b.startswith("honest"))


def test_two_copies_of_the_reference_are_not_flagged(result):
    pair = score(result, "ref_plain", "ref_renamed")
    assert not pair.flagged
    assert pair.score < similarity.MIN_SCORE


def test_a_pair_must_stand_out_from_the_class():
    """When every pair is alike (here: no class discount and one solution handed in 12 times under other
    names), none stands out from the class and none is flagged, however high the scores."""
    renamed = [ORIGINAL.replace("shifted", f"shifted{i}") for i in range(12)]
    students = {f"s{i:02d}": similarity.normalise([code]) for i, code in enumerate(renamed)}
    alike = similarity.compare(students, similarity.Code(), similarity.Code(), ASSIGNMENT, common=2.0)
    assert min(p.score for p in alike.pairs) == 1.0
    assert not any(p.flagged for p in alike.pairs)


def test_renaming_is_invisible_but_different_library_calls_are_not():
    """Names, comments, docstrings, blank lines and a trailing comma change nothing; a library call does."""
    same = similarity.normalise(["def f(a, b):\n    total = a + b  # sum\n    return keras.ops.mean(total,)\n"
                                 "f(1.0, 2.0)"])
    renamed = similarity.normalise(["def g(x, y):\n    '''Doc.'''\n    s = x + y\n\n"
                                    "    return keras.ops.mean(s)\ng(1., 2.00)"])
    other = similarity.normalise(["def g(x, y):\n    s = x + y\n    return keras.ops.sum(s)\ng(1., 2.00)"])
    assert similarity.kgrams(same) == similarity.kgrams(renamed)
    assert similarity.kgrams(same) != similarity.kgrams(other)


def test_unparsable_and_broken_submissions_do_not_crash(tmp_path):
    solutions = {f"honest{i:02d}": honest(i) for i in range(5)}
    solutions["broken"] = ORIGINAL.replace("if training:", "if training")  # a SyntaxError
    solutions["bad_indent"] = ORIGINAL.replace("        return shifted", "      return shifted")
    folder = write_class(tmp_path, solutions)
    (folder / "not_json" / ASSIGNMENT).mkdir(parents=True)
    (folder / "not_json" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").write_text("{ truncated")
    students, reference, starter, _ = similarity.load_class(ASSIGNMENT, folder, COURSE)
    result = similarity.compare(students, reference, starter, ASSIGNMENT)
    assert any("does not parse" in n for n in students["broken"].notes)
    assert any("does not parse" in n for n in students["bad_indent"].notes)
    assert students["not_json"].notes == [f"{ASSIGNMENT}.ipynb is not a notebook"]
    # the broken copy of ORIGINAL is still compared on its tokens: it is closest to the other broken one
    assert {result.pairs[0].a, result.pairs[0].b} == {"broken", "bad_indent"}
    assert "does not parse" in similarity.render(result)


def test_a_notebook_that_lost_its_metadata_is_still_compared(tmp_path):
    """Before the intake repairs it (an editor dropped nbgrader's metadata), every code cell that is
    not the release's own counts as the student's."""
    solutions = {f"honest{i:02d}": honest(i) for i in range(8)} | {"original": ORIGINAL, "copier": COPY}
    folder = write_class(tmp_path, solutions)
    path = folder / "copier" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        cell.metadata.pop("nbgrader", None)
    nbformat.write(notebook, path)
    students, reference, starter, _ = similarity.load_class(ASSIGNMENT, folder, COURSE)
    assert "no solution-cell metadata" in students["copier"].notes[0]
    result = similarity.compare(students, reference, starter, ASSIGNMENT)
    assert {result.pairs[0].a, result.pairs[0].b} == {"original", "copier"} and result.pairs[0].flagged


def test_an_unknown_assignment_gives_one_line(tmp_path):
    run = subprocess.run([sys.executable, str(COURSE / "similarity.py"), "ex9_nothing"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and run.stderr == ""
    assert run.stdout.startswith("no assignment ex9_nothing in ") and ASSIGNMENT in run.stdout
    assert len(run.stdout.strip().split("\n")) == 1


@pytest.mark.parametrize("count", [0, 1])
def test_an_empty_class_or_one_student_gives_one_line(tmp_path, count):
    write_class(tmp_path / "submitted", {f"s{i}": honest(i) for i in range(count)})
    run = subprocess.run([sys.executable, str(COURSE / "similarity.py"), ASSIGNMENT,
                          "--submitted", str(tmp_path / "submitted"), "--out", str(tmp_path / "r.html")],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stderr == ""
    expected = f"{count} submission(s) of {ASSIGNMENT} in {tmp_path / 'submitted'}: nothing to compare"
    assert run.stdout.strip() == expected
    assert not (tmp_path / "r.html").exists()


class Tables(HTMLParser):
    """Every table's caption and every th's scope; the text inside <mark> and beside it."""
    def __init__(self):
        super().__init__()
        self.tables, self.th_without_scope, self.marks, self.flags = 0, 0, 0, 0
        self.captions, self._in_flag = 0, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tables += tag == "table"
        self.captions += tag == "caption"
        self.th_without_scope += tag == "th" and attrs.get("scope") not in ("col", "row")
        self.marks += tag == "mark"
        self._in_flag = tag == "span" and attrs.get("class") == "flag"

    def handle_data(self, data):
        if self._in_flag and data.startswith("▶ "):
            self.flags += 1
        self._in_flag = False


def test_the_report_runs_from_the_command_line_and_is_accessible(tmp_path):
    folder = write_class(tmp_path / "submitted", synthetic_class())
    out = tmp_path / "report.html"
    run = subprocess.run([sys.executable, str(COURSE / "similarity.py"), ASSIGNMENT,
                          "--submitted", str(folder), "--out", str(out)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "1 pair(s) to read: copier+original" in run.stdout
    page = out.read_text()
    parsed = Tables()
    parsed.feed(page)
    assert parsed.tables >= 3 and parsed.captions == parsed.tables and parsed.th_without_scope == 0
    # a matching line is marked in text ("▶ 1"), not only by its colour
    assert parsed.marks > 0 and parsed.flags == parsed.marks
    assert "never proof" in page and 'lang="en"' in page

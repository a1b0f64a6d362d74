"""A bank of computed questions: per-student variants whose answers come from running Keras.

Each `Template` belongs to one API section ("01" ... "17", as in helpers/sections.py). Its `draw(secret,
student_id)` derives the variant's parameters from sha256(secret, student id, template id), writes the
code the student reads, and gets the answer by running that very code with Keras (a shape from a layer
built on a symbolic input, a parameter count from `count_params`, a value from calling the op, or the
one call of four that raises). The wrong options are the common mistakes, each its own small formula;
a draw whose wrong options coincide with the answer or with each other is redrawn deterministically.

The bank is public, the course secret is not: without the secret, a student cannot tell which variant
another student got, and every variant's answer has to be worked out (or run) anew.

    from helpers.quiz.bank import draw, templates
    v = draw("conv2d_output_shape", secret="course-2026", student_id="alice")
    v.text, v.code, v.options, v.correct, v.lms_answer()
"""

from __future__ import annotations

import ast
import hashlib
import json
import math
import warnings
from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import numpy as np

from helpers.sections import section as _section

KINDS = ("int", "float", "shape", "call")
ATTEMPTS = 60  # redraws allowed before a template is declared broken (a bug, never a student's problem)
WRONG_OPTIONS = 3


# ---------------------------------------------------------------------------------------------
# Variants and templates
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    template_id: str
    section: str
    section_title: str
    student_id: str
    params: dict
    text: str  # the question, plain text
    code: str  # the code the student reads (for "call" questions: the shared set-up, may be empty)
    kind: str  # one of KINDS
    answer: Any  # int, float, tuple (a shape) or the code of the call that raises
    answer_text: str
    tolerance: float  # for numeric LMS answers (0 for exact ones)
    distractors: tuple[str, ...]  # wrong options as shown
    distractor_values: tuple[Any, ...]
    mistakes: tuple[str, ...]  # the mistake behind each wrong option (for instructors)
    options: tuple[str, ...]  # the answer and the distractors, shuffled
    correct: int  # index of the answer in `options`
    redraws: int  # draws rejected before this one (wrong options that coincided)

    def lms_answer(self) -> dict | None:
        """The open-answer form for an LMS: a number with its tolerance, a shape as text, or None
        (a which-call-fails question exists only as multiple choice)."""
        if self.kind in ("int", "float"):
            return {"type": "numerical", "value": self.answer, "tolerance": self.tolerance}
        if self.kind == "shape":
            return {"type": "shortanswer", "text": self.answer_text}
        return None


@dataclass(frozen=True)
class Template:
    id: str
    section: str
    asks: str  # one line for instructors: what the question asks
    kind: str
    params: Callable[[np.random.Generator], dict]  # draws the variant's parameters
    render: Callable[[dict], tuple[str, str]]  # params -> (question text, code)
    mistakes: dict[str, Callable[[dict], Any]] = field(default_factory=dict)  # label -> wrong formula
    decimals: int = 4  # float answers: shown to this many decimals
    stateless: bool = False  # only shapes are read: build without drawing weight values (cheaper)

    def draw(self, secret: str, student_id: str) -> Variant:
        student_id = _check_text(student_id, "student id")
        secret = _check_text(secret, "course secret")
        for attempt in range(ATTEMPTS):
            rng = np.random.default_rng(_digest(secret, student_id, self.id, attempt))
            variant = self._try(rng, student_id)
            if variant is not None:
                return replace(variant, redraws=attempt)
        raise RuntimeError(f"template {self.id}: no usable variant in {ATTEMPTS} draws (a bug in the bank)")

    # One attempt: None when the wrong options are not three distinct values unlike the answer.
    def _try(self, rng: np.random.Generator, student_id: str) -> Variant | None:
        params = self.params(rng)
        text, code = self.render(params)
        if self.kind == "call":
            answer, wrong = _which_call_fails(code, params["calls"])
            if answer is None:
                return None
            labels = ["this call runs"] * len(wrong)
        else:
            answer = _keras_answer(code, self.stateless)
            if self.kind == "float":  # as shown, so that every backend and run gives the same variant
                answer = round(answer, self.decimals) + 0.0  # + 0.0: no -0.0
            labels, wrong = self._wrong_values(params, answer)
        if len(wrong) < WRONG_OPTIONS:
            return None
        chosen = sorted(rng.choice(len(wrong), size=WRONG_OPTIONS, replace=False).tolist())
        labels, wrong = [labels[i] for i in chosen], [wrong[i] for i in chosen]
        shown = [self.format(value) for value in [answer, *wrong]]
        order = rng.permutation(len(shown)).tolist()
        title = _section(self.section)["title"]
        return Variant(
            template_id=self.id,
            section=self.section,
            section_title=title,
            student_id=student_id,
            params=params,
            text=text,
            code=code,
            kind=self.kind,
            answer=answer,
            answer_text=shown[0],
            tolerance=self.tolerance,
            distractors=tuple(shown[1:]),
            distractor_values=tuple(wrong),
            mistakes=tuple(labels),
            options=tuple(shown[i] for i in order),
            correct=order.index(0),
            redraws=0,
        )

    def _wrong_values(self, params: dict, answer) -> tuple[list[str], list]:
        """The mistakes that give a valid value unlike the answer and unlike each other."""
        labels, values = [], []
        for label, formula in self.mistakes.items():
            value = formula(params)
            if value is None or not self._valid(value) or not self.differ(value, answer):
                continue
            if all(self.differ(value, other) for other in values):
                labels.append(label)
                values.append(value)
        return labels, values

    def _valid(self, value) -> bool:
        """A wrong option must still look like an answer: no zero or negative size in a shape."""
        return self.kind != "shape" or all(d is None or d > 0 for d in value)

    @property
    def tolerance(self) -> float:
        return 0.5 * 10.0**-self.decimals if self.kind == "float" else 0.0

    def format(self, value) -> str:
        if self.kind == "float":
            text = f"{value:.{self.decimals}f}"
            return "0." + "0" * self.decimals if float(text) == 0 else text  # no "-0.0000"
        if self.kind == "shape":
            return "(" + ", ".join(str(d) for d in value) + ("," if len(value) == 1 else "") + ")"
        return str(value)

    def differ(self, a, b) -> bool:
        """Shown differently, and for floats far enough apart that the LMS tolerance cannot accept both."""
        if self.format(a) == self.format(b):
            return False
        return self.kind != "float" or abs(float(a) - float(b)) > 2 * self.tolerance


def _check_text(value, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"the {what} must be a non-empty string, got {value!r}")
    return value.strip()


def _digest(secret: str, student_id: str, template_id: str, attempt: int) -> int:
    text = json.dumps([secret, student_id, template_id, attempt])
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:16], "big")


# ---------------------------------------------------------------------------------------------
# Running the code the student reads
# ---------------------------------------------------------------------------------------------


def _namespace() -> dict:
    import keras

    return {"keras": keras, "np": np}


def _run(code: str, stateless: bool = False):
    """Execute `code` and return the value of its last line (an expression), as plain Python."""
    tree = ast.parse(code)
    *body, last = tree.body
    if not isinstance(last, ast.Expr):
        raise ValueError("the last line of a question's code must be an expression")
    scope = _namespace()
    with warnings.catch_warnings(), _shapes_only() if stateless else nullcontext():
        warnings.simplefilter("ignore")
        exec(compile(ast.Module(body=body, type_ignores=[]), "<question>", "exec"), scope)
        value = eval(compile(ast.Expression(last.value), "<question>", "eval"), scope)
    return _plain(value)


@contextmanager
def _shapes_only():
    """Create weights without drawing their values: shapes and counts need none, and drawing them is
    the slow part (JAX compiles a random initializer for every new shape)."""
    import keras
    from keras.src.backend.common import global_state  # no public way to drop never-needed weights

    pending = list(global_state.get_global_attribute("uninitialized_variables", None) or [])
    try:
        with keras.StatelessScope(initialize_variables=False):
            yield
    finally:
        global_state.set_global_attribute("uninitialized_variables", pending)


def _plain(value):
    if isinstance(value, (tuple, list)) or type(value).__name__ in ("TensorShape", "Size"):
        return tuple(_plain(v) for v in value)
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    return float(value)


# Many students share a variant, and the backend is fixed for the process: run each piece of code once.
@lru_cache(maxsize=8192)
def _keras_answer(code: str, stateless: bool):
    return _run(code, stateless)


@lru_cache(maxsize=8192)
def _raises(code: str) -> bool:
    code += "\nNone"
    ast.parse(code)  # a typo in the bank is a SyntaxError here, never "this call fails"
    try:
        _run(code, stateless=True)  # calls fail or not before any weight has a value
    except Exception:  # noqa: BLE001 - any error is "this call fails"
        return True
    return False


def _which_call_fails(setup: str, calls: list[dict]) -> tuple[str | None, list[str]]:
    """The one call among `calls` that raises (None if not exactly one does), and the others."""
    prefix = setup + "\n" if setup else ""
    failing = [call["code"] for call in calls if _raises(prefix + call["code"])]
    running = [call["code"] for call in calls if call["code"] not in failing]
    return (failing[0], running) if len(failing) == 1 else (None, running)


# ---------------------------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------------------------

_REGISTRY: dict[str, Template] = {}


def _register(template: Template) -> None:
    assert template.id not in _REGISTRY, template.id
    assert template.kind in KINDS, template.kind
    _section(template.section)  # a KeyError here is a typo in the bank
    _REGISTRY[template.id] = template


def templates() -> tuple[Template, ...]:
    return tuple(_REGISTRY.values())


def template(template_id: str) -> Template:
    if template_id not in _REGISTRY:
        raise ValueError(f"unknown question template {template_id!r}; see bank.templates()")
    return _REGISTRY[template_id]


def templates_for(section_number: str) -> tuple[Template, ...]:
    found = tuple(t for t in _REGISTRY.values() if t.section == section_number)
    if not found:
        raise ValueError(f"no question templates for section {section_number!r}")
    return found


def draw(template_id: str, secret: str, student_id: str) -> Variant:
    return template(template_id).draw(secret, student_id)


# Small drawing helpers: plain Python values, so params are JSON.
def _int(rng, lo: int, hi: int) -> int:
    return int(rng.integers(lo, hi + 1))


def _pick(rng, seq):
    return seq[int(rng.integers(len(seq)))]


def _ints(rng, lo: int, hi: int, n: int, nonzero: bool = False) -> list[int]:
    values = [_int(rng, lo, hi) for _ in range(n)]
    return [v if v != 0 or not nonzero else 1 for v in values]


def _shape_text(shape) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def _array_text(rows) -> str:
    return "np.array(" + repr(rows) + ', dtype="float32")'


SHAPE_Q = "What does the last line show? Give the shape as a tuple, e.g. (None, 4, 4, 8)."
COUNT_Q = "What number does the last line return?"


def _value_q(decimals: int) -> str:
    return f"What value does the last line return? Give it to {decimals} decimal places."


CALL_Q = "Exactly one of these four calls raises an error. Which one?"


def _which_fails(template_id: str, section: str, asks: str, kinds: dict[str, Callable], setup: str = ""):
    """A which-call-fails template: `kinds` maps a call kind to draw(rng, fail) -> call dict
    {"kind", "code", ...args}; one kind is drawn to fail, three (distinct kinds) to run."""

    def params(rng):
        names = list(kinds)
        order = rng.permutation(len(names)).tolist()[:4]
        calls = [kinds[names[i]](rng, j == 0) for j, i in enumerate(order)]
        calls = [calls[i] for i in rng.permutation(4).tolist()]
        return {"calls": calls}

    def render(p):
        return CALL_Q, setup

    _register(Template(template_id, section, asks, "call", params, render))


# ---------------------------------------------------------------------------------------------
# 01 The base Layer class
# ---------------------------------------------------------------------------------------------


def _frozen_params(rng):
    d, u = _int(rng, 2, 9), _int(rng, 2, 9)
    return {"d": d, "u": u if u != d else u + 1}


_register(
    Template(
        "frozen_layer_weights",
        "01",
        "scalars in non_trainable_weights of a Dense layer after trainable = False",
        "int",
        _frozen_params,
        lambda p: (
            COUNT_Q,
            f"layer = keras.layers.Dense({p['u']})\n"
            f"layer.build((None, {p['d']}))\n"
            "layer.trainable = False\n"
            "sum(int(np.prod(w.shape)) for w in layer.non_trainable_weights)",
        ),
        {
            "trainable = False leaves the weights in trainable_weights": lambda p: 0,
            "forgets the bias": lambda p: p["d"] * p["u"],
            "bias sized by the input": lambda p: p["d"] * p["u"] + p["d"],
            "counts only the bias": lambda p: p["u"],
        },
        stateless=True,
    )
)


def _affine_params(rng):
    d, k = _int(rng, 2, 9), _int(rng, 2, 9)
    return {"d": d, "k": k if k != d else k + 1}


_register(
    Template(
        "custom_add_weight_count",
        "01",
        "(len(trainable_weights), count_params()) of a custom layer with a trainable=False add_weight",
        "shape",
        _affine_params,
        lambda p: (
            "What pair does the last line show? Give it as a tuple, e.g. (2, 30).",
            "class Affine(keras.layers.Layer):\n"
            "    def build(self, input_shape):\n"
            f"        self.w = self.add_weight(shape=(input_shape[-1], {p['k']}))\n"
            f'        self.s = self.add_weight(shape=({p["k"]},), initializer="ones", trainable=False)\n'
            "\n"
            "    def call(self, x):\n"
            "        return (x @ self.w) * self.s\n"
            "\n"
            "layer = Affine()\n"
            f"layer.build((None, {p['d']}))\n"
            "(len(layer.trainable_weights), layer.count_params())",
        ),
        {
            "trainable=False ignored": lambda p: (2, p["d"] * p["k"] + p["k"]),
            "count_params counts trainable weights only": lambda p: (1, p["d"] * p["k"]),
            "second weight sized by the input": lambda p: (1, p["d"] * p["k"] + p["d"]),
            "both mistakes: trainable=False ignored, trainable only counted": lambda p: (2, p["d"] * p["k"]),
        },
        stateless=True,
    )
)


# ---------------------------------------------------------------------------------------------
# 02 Layer activations
# ---------------------------------------------------------------------------------------------


def _sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def _point_params(lo, hi, negative_only=False):
    def params(rng):
        x = round(float(rng.uniform(lo, hi)), 1)
        if x == 0:
            x = 0.7
        return {"x": -abs(x) if negative_only else x}

    return params


def _activation_code(call: str):
    return lambda p: (
        _value_q(4),
        f'x = np.array([{p["x"]}], dtype="float32")\nkeras.ops.convert_to_numpy({call})[0]',
    )


_register(
    Template(
        "hard_sigmoid_value",
        "02",
        "keras.activations.hard_sigmoid at a point",
        "float",
        _point_params(-2.9, 2.9),
        _activation_code("keras.activations.hard_sigmoid(x)"),
        {
            "Keras 2 definition clip(0.2x + 0.5, 0, 1)": lambda p: min(1.0, max(0.0, 0.2 * p["x"] + 0.5)),
            "the smooth sigmoid": lambda p: _sigmoid(p["x"]),
            "hard_silu instead (x times hard_sigmoid)": lambda p: (
                p["x"] * min(1.0, max(0.0, p["x"] / 6 + 0.5))
            ),
        },
    )
)

_register(
    Template(
        "gelu_value",
        "02",
        "keras.activations.gelu (exact by default) at a point",
        "float",
        _point_params(-3.0, 3.0),
        _activation_code("keras.activations.gelu(x)"),
        {
            "the tanh approximation (approximate=True is not the default)": lambda p: (
                0.5 * p["x"] * (1 + math.tanh(math.sqrt(2 / math.pi) * (p["x"] + 0.044715 * p["x"] ** 3)))
            ),
            "silu x*sigmoid(x)": lambda p: p["x"] * _sigmoid(p["x"]),
            "the sigmoid approximation x*sigmoid(1.702x)": lambda p: p["x"] * _sigmoid(1.702 * p["x"]),
            "relu": lambda p: max(p["x"], 0.0),
        },
    )
)

_register(
    Template(
        "leaky_relu_function_default",
        "02",
        "keras.activations.leaky_relu with its default slope, at x < 0",
        "float",
        _point_params(-5.0, -0.2, negative_only=True),
        _activation_code("keras.activations.leaky_relu(x)"),
        {
            "the LeakyReLU layer's default slope 0.3": lambda p: 0.3 * p["x"],
            "PyTorch's default slope 0.01": lambda p: 0.01 * p["x"],
            "plain relu": lambda p: 0.0,
        },
    )
)


# ---------------------------------------------------------------------------------------------
# 03 Layer weight initializers
# ---------------------------------------------------------------------------------------------


def _orthogonal_params(rng):
    # few shapes: on JAX every new shape compiles the initializer's QR anew
    a, b = _pick(rng, [(2, 3), (3, 2), (2, 5), (5, 2), (3, 4), (4, 3)])
    return {"gain": _pick(rng, [0.5, 1.5, 2.0, 2.5, 3.0]), "a": a, "b": b}


_register(
    Template(
        "orthogonal_sum_of_squares",
        "03",
        "sum of squared entries of an Orthogonal(gain) matrix",
        "float",
        _orthogonal_params,
        lambda p: (
            _value_q(3),
            f"w = keras.initializers.Orthogonal(gain={p['gain']})(shape=({p['a']}, {p['b']}))\n"
            "float(keras.ops.sum(w ** 2))",
        ),
        {
            "gain not squared": lambda p: p["gain"] * min(p["a"], p["b"]),
            "orthonormal along the longer side": lambda p: p["gain"] ** 2 * max(p["a"], p["b"]),
            "gain ignored": lambda p: float(min(p["a"], p["b"])),
            "every entry of size gain": lambda p: p["gain"] ** 2 * p["a"] * p["b"],
        },
        decimals=3,
    )
)


def _constant_params(rng):
    return {
        "u": _int(rng, 2, 3),  # few shapes: on JAX every new shape compiles the layer's ops anew
        "d": _int(rng, 2, 6),
        "c": _pick(rng, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.5, -0.2, -0.5]),
        "b": _pick(rng, [0.1, 0.25, 0.5, 0.75, 1.0, -0.5, -1.0, 2.0]),
    }


_register(
    Template(
        "constant_init_dense_output",
        "03",
        "a Dense output entry with Constant kernel and bias initializers",
        "float",
        _constant_params,
        lambda p: (
            _value_q(2),
            f"layer = keras.layers.Dense({p['u']}, "
            f"kernel_initializer=keras.initializers.Constant({p['c']}),\n"
            f"                           bias_initializer=keras.initializers.Constant({p['b']}))\n"
            f'y = layer(np.ones((1, {p["d"]}), dtype="float32"))\n'
            "float(y[0, 0])",
        ),
        {
            "bias forgotten": lambda p: p["d"] * p["c"],
            "one input instead of all": lambda p: p["c"] + p["b"],
            "summed over the units too": lambda p: p["u"] * p["d"] * p["c"] + p["b"],
            "bias added per input": lambda p: p["d"] * (p["c"] + p["b"]),
        },
        decimals=2,
    )
)


# ---------------------------------------------------------------------------------------------
# 04 Layer weight regularizers
# ---------------------------------------------------------------------------------------------


def _matrix_params(rng, factors):
    rows = [[_int(rng, -3, 3) for _ in range(3)] for _ in range(2)]
    if all(v == 0 for row in rows for v in row):
        rows[0][0] = 2
    return {"w": rows, "f": _pick(rng, factors)}


def _sq(p):
    return float(sum(v * v for row in p["w"] for v in row))


def _abs(p):
    return float(sum(abs(v) for row in p["w"] for v in row))


_register(
    Template(
        "l2_penalty",
        "04",
        "the penalty of keras.regularizers.L2(factor) on a small matrix",
        "float",
        lambda rng: _matrix_params(rng, [0.01, 0.02, 0.05, 0.1, 0.2, 0.3]),
        lambda p: (
            _value_q(4),
            f"w = {_array_text(p['w'])}\nfloat(keras.regularizers.L2({p['f']})(w))",
        ),
        {
            "factor left out": _sq,
            "with a factor 1/2": lambda p: p["f"] * _sq(p) / 2,
            "L1 instead": lambda p: p["f"] * _abs(p),
            "norm instead of squared norm": lambda p: p["f"] * math.sqrt(_sq(p)),
        },
    )
)


def _l1l2_params(rng):
    p = _matrix_params(rng, [0.01, 0.02, 0.05, 0.1, 0.2])
    p["l2"] = _pick(rng, [v for v in [0.01, 0.03, 0.05, 0.1, 0.3] if v != p["f"]])
    return p


_register(
    Template(
        "l1l2_penalty",
        "04",
        "the penalty of keras.regularizers.L1L2(l1, l2) on a small matrix",
        "float",
        _l1l2_params,
        lambda p: (
            _value_q(4),
            f"w = {_array_text(p['w'])}\nfloat(keras.regularizers.L1L2(l1={p['f']}, l2={p['l2']})(w))",
        ),
        {
            "factors swapped": lambda p: p["l2"] * _abs(p) + p["f"] * _sq(p),
            "L1 term only": lambda p: p["f"] * _abs(p),
            "L2 term only": lambda p: p["l2"] * _sq(p),
            "means instead of sums": lambda p: (p["f"] * _abs(p) + p["l2"] * _sq(p)) / 6,
        },
    )
)


# ---------------------------------------------------------------------------------------------
# 05 Layer weight constraints
# ---------------------------------------------------------------------------------------------


def _column_norm(p, j):
    return math.sqrt(sum(row[j] ** 2 for row in p["w"]))


def _row_norm(p, i):
    return math.sqrt(sum(v * v for v in p["w"][i]))


def _constraint_params(rng, with_min=False):
    rows = [_ints(rng, -4, 4, 3, nonzero=True) for _ in range(2)]
    j = _int(rng, 0, 2)
    norm = math.sqrt(rows[0][j] ** 2 + rows[1][j] ** 2)  # at least sqrt(2): entries are nonzero
    # the asked column longer than max (mostly), so that the constraint acts on it
    p = {
        "w": rows,
        "i": _int(rng, 0, 1),
        "j": j,
        "max": _pick(rng, [m for m in (1.0, 1.5, 2.0, 2.5, 3.0) if m < norm]),
    }
    if with_min:
        p["min"] = _pick(rng, [0.5, 1.0])
        p["rate"] = _pick(rng, [0.25, 0.5, 0.75])
    return p


def _entry(p):
    return float(p["w"][p["i"]][p["j"]])


def _maxnorm(norm, m):
    return min(norm, m) / norm


_register(
    Template(
        "maxnorm_projection",
        "05",
        "one entry of a matrix after keras.constraints.MaxNorm",
        "float",
        _constraint_params,
        lambda p: (
            _value_q(4),
            f"w = {_array_text(p['w'])}\n"
            f"c = keras.constraints.MaxNorm(max_value={p['max']})\n"
            f"keras.ops.convert_to_numpy(c(w))[{p['i']}, {p['j']}]",
        ),
        {
            "element-wise clip to [-max, max]": lambda p: max(-p["max"], min(p["max"], _entry(p))),
            "norms of rows (axis=1) instead of columns": lambda p: (
                _entry(p) * _maxnorm(_row_norm(p, p["i"]), p["max"])
            ),
            "weights left unchanged": _entry,
        },
    )
)


def _minmax(p, norm):
    target = p["rate"] * min(max(norm, p["min"]), p["max"]) + (1 - p["rate"]) * norm
    return target / norm


_register(
    Template(
        "minmaxnorm_projection",
        "05",
        "one entry of a matrix after keras.constraints.MinMaxNorm with a rate",
        "float",
        lambda rng: _constraint_params(rng, with_min=True),
        lambda p: (
            _value_q(4),
            f"w = {_array_text(p['w'])}\n"
            f"c = keras.constraints.MinMaxNorm(min_value={p['min']}, max_value={p['max']}, "
            f"rate={p['rate']})\n"
            f"keras.ops.convert_to_numpy(c(w))[{p['i']}, {p['j']}]",
        ),
        {
            "rate ignored (full projection)": lambda p: (
                _entry(p) * min(max(_column_norm(p, p["j"]), p["min"]), p["max"]) / _column_norm(p, p["j"])
            ),
            "element-wise clip to [min, max]": lambda p: min(max(_entry(p), p["min"]), p["max"]),
            "norms of rows (axis=1) instead of columns": lambda p: (
                _entry(p) * _minmax(p, _row_norm(p, p["i"]))
            ),
            "weights left unchanged": _entry,
        },
    )
)


# ---------------------------------------------------------------------------------------------
# 06 Core layers
# ---------------------------------------------------------------------------------------------

_EINSUM = {
    "ab,bc->ac": {"input": ["d"], "output": ["u"], "bias": "c"},
    "abc,cd->abd": {"input": ["t", "d"], "output": ["t", "u"], "bias": "d"},
    "abc,cde->abde": {"input": ["t", "d"], "output": ["t", "h", "u"], "bias": "de"},
}


def _einsum_params(rng):
    equation = _pick(rng, list(_EINSUM))
    t, d, h, u = _int(rng, 2, 9), _int(rng, 2, 9), _int(rng, 2, 4), _int(rng, 2, 9)
    return {"equation": equation, "t": t, "d": d, "h": h, "u": u}


def _einsum_dims(p):
    spec = _EINSUM[p["equation"]]
    return [p[k] for k in spec["input"]], [p[k] for k in spec["output"]]


def _einsum_kernel(p):
    return p["d"] * math.prod(_einsum_dims(p)[1][-2:] if p["equation"].endswith("abde") else [p["u"]])


_register(
    Template(
        "einsumdense_params",
        "06",
        "count_params of an EinsumDense layer (kernel and bias_axes)",
        "int",
        _einsum_params,
        lambda p: (
            COUNT_Q,
            f'layer = keras.layers.EinsumDense("{p["equation"]}", '
            f"output_shape={_shape_text(_einsum_dims(p)[1])},\n"
            f'                                 bias_axes="{_EINSUM[p["equation"]]["bias"]}")\n'
            f"layer(keras.Input(shape={_shape_text(_einsum_dims(p)[0])}))\n"
            "layer.count_params()",
        ),
        {
            "bias forgotten": _einsum_kernel,
            "a bias on every output axis": lambda p: _einsum_kernel(p) + math.prod(_einsum_dims(p)[1]),
            "kernel also spans the sequence axis": lambda p: (
                _einsum_kernel(p) * p["t"] + (p["h"] * p["u"] if p["equation"].endswith("abde") else p["u"])
            ),
            "bias sized by the input axis": lambda p: _einsum_kernel(p) + p["d"],
        },
        stateless=True,
    )
)


def _embedding_params(rng):
    return {
        "v": _int(rng, 10, 60),
        "dim": _int(rng, 2, 8),
        "t": _int(rng, 3, 12),
        "mask": bool(rng.integers(2)),
    }


_register(
    Template(
        "embedding_params",
        "06",
        "count_params of an Embedding layer (with or without mask_zero)",
        "int",
        _embedding_params,
        lambda p: (
            COUNT_Q,
            f"layer = keras.layers.Embedding({p['v']}, {p['dim']}, mask_zero={p['mask']})\n"
            f'layer(keras.Input(shape=({p["t"]},), dtype="int32"))\n'
            "layer.count_params()",
        ),
        {
            "an extra row for the padding index": lambda p: (p["v"] + 1) * p["dim"],
            "sequence length instead of vocabulary size": lambda p: p["t"] * p["dim"],
            "a bias as in Dense": lambda p: p["v"] * p["dim"] + p["dim"],
            "one row per token of the sequence and vocabulary": lambda p: p["v"] * p["t"] * p["dim"],
        },
        stateless=True,
    )
)


def _masking_params(rng):
    m = _pick(rng, [-1.0, 0.5, 2.0, 9.0])
    t = _int(rng, 4, 6)
    steps = []
    for _ in range(t):
        pattern = _pick(rng, ["masked", "half", "free", "free"])
        if pattern == "masked":
            steps.append([m, m])
        elif pattern == "half":
            steps.append(_pick(rng, [[m, float(_int(rng, 1, 5))], [float(_int(rng, 1, 5)), m]]))
        else:
            steps.append([float(_int(rng, 1, 5)), float(_int(rng, 1, 5))])
    return {"m": m, "x": steps}


def _masking_sum(p, zero_step):
    total = 0.0
    for step in p["x"]:
        total += sum(0.0 if zero_step(step, v) else v for v in step)
    return total


_register(
    Template(
        "masking_output_sum",
        "06",
        "sum of a Masking layer's output (masked steps are zeroed)",
        "float",
        _masking_params,
        lambda p: (
            _value_q(1),
            f"x = {_array_text([p['x']])}\n"
            f"y = keras.layers.Masking(mask_value={p['m']})(x)\n"
            "float(keras.ops.sum(y))",
        ),
        {
            "input passed through unchanged": lambda p: _masking_sum(p, lambda s, v: False),
            "each entry equal to mask_value zeroed": lambda p: _masking_sum(p, lambda s, v: v == p["m"]),
            "a step masked if any feature equals mask_value": lambda p: _masking_sum(
                p, lambda s, v: p["m"] in s
            ),
        },
        decimals=1,
    )
)


# ---------------------------------------------------------------------------------------------
# 07 Convolution layers
# ---------------------------------------------------------------------------------------------


def _conv_out(n, k, s, padding):
    return -(-n // s) if padding == "same" else (n - k) // s + 1


def _conv_params(rng):
    k, s = _int(rng, 2, 5), _int(rng, 1, 3)
    h, w = _int(rng, k + 2, 16), _int(rng, k + 2, 16)
    return {
        "f": _int(rng, 2, 12),
        "k": k,
        "s": s,
        "padding": _pick(rng, ["same", "valid"]),
        "h": h,
        "w": w,
        "c": _int(rng, 1, 6),
    }


def _conv_shape(p, rule):
    return (None, rule(p, p["h"]), rule(p, p["w"]), p["f"])


def _conv_wrong(p, n, mistake):
    same = p["padding"] == "same"
    if mistake == "other padding":
        return _conv_out(n, p["k"], p["s"], "valid" if same else "same")
    if mistake == "strides ignored":
        return n if same else n - p["k"] + 1
    return n // p["s"] if same else (n - p["k"]) // p["s"]  # floor instead of ceil / +1 forgotten


_register(
    Template(
        "conv2d_output_shape",
        "07",
        "output shape of Conv2D with strides and padding",
        "shape",
        _conv_params,
        lambda p: (
            SHAPE_Q,
            f'layer = keras.layers.Conv2D({p["f"]}, {p["k"]}, strides={p["s"]}, padding="{p["padding"]}")\n'
            f"y = layer(keras.Input(shape=({p['h']}, {p['w']}, {p['c']})))\n"
            "y.shape",
        ),
        {
            "the other padding's formula": lambda p: _conv_shape(
                p, lambda q, n: _conv_wrong(q, n, "other padding")
            ),
            "strides ignored ('same' keeps the size)": lambda p: _conv_shape(
                p, lambda q, n: _conv_wrong(q, n, "strides ignored")
            ),
            "floor instead of ceil / +1 forgotten": lambda p: _conv_shape(
                p, lambda q, n: _conv_wrong(q, n, "floor")
            ),
            "channels kept instead of filters": lambda p: (
                None,
                _conv_out(p["h"], p["k"], p["s"], p["padding"]),
                _conv_out(p["w"], p["k"], p["s"], p["padding"]),
                p["c"],
            ),
        },
        stateless=True,
    )
)


def _groups_params(rng):
    g = _int(rng, 2, 4)
    return {"g": g, "cin": g * _int(rng, 1, 4), "f": g * _int(rng, 1, 4), "k": _int(rng, 1, 5)}


def _groups_kernel(p):
    return p["k"] ** 2 * p["cin"] // p["g"] * p["f"]


_register(
    Template(
        "conv2d_groups_params",
        "07",
        "count_params of a grouped Conv2D",
        "int",
        _groups_params,
        lambda p: (
            COUNT_Q,
            f"layer = keras.layers.Conv2D({p['f']}, {p['k']}, groups={p['g']})\n"
            f"layer(keras.Input(shape=(12, 12, {p['cin']})))\n"
            "layer.count_params()",
        ),
        {
            "groups ignored": lambda p: p["k"] ** 2 * p["cin"] * p["f"] + p["f"],
            "bias divided by the groups too": lambda p: _groups_kernel(p) + p["f"] // p["g"],
            "bias forgotten": _groups_kernel,
            "kernel divided by groups twice": lambda p: _groups_kernel(p) // p["g"] + p["f"],
        },
        stateless=True,
    )
)


def _transpose_params(rng):
    s = _int(rng, 1, 3)
    return {
        "f": _int(rng, 2, 8),
        "k": _int(rng, 1, 5),
        "s": s,
        "padding": _pick(rng, ["same", "valid"]),
        "h": _int(rng, 3, 9),
        "c": _int(rng, 1, 4),
    }


def _transposed(p, n, padding):
    return n * p["s"] if padding == "same" else n * p["s"] + max(p["k"] - p["s"], 0)


_register(
    Template(
        "conv2d_transpose_shape",
        "07",
        "output shape of Conv2DTranspose with strides and padding",
        "shape",
        _transpose_params,
        lambda p: (
            SHAPE_Q,
            f"layer = keras.layers.Conv2DTranspose({p['f']}, {p['k']}, strides={p['s']}, "
            f'padding="{p["padding"]}")\n'
            f"y = layer(keras.Input(shape=({p['h']}, {p['h']}, {p['c']})))\n"
            "y.shape",
        ),
        {
            "the forward convolution's formula": lambda p: (
                (None,) + (_conv_out(p["h"], p["k"], p["s"], p["padding"]),) * 2 + (p["f"],)
            ),
            "the other padding's formula": lambda p: (
                (None,)
                + (_transposed(p, p["h"], "valid" if p["padding"] == "same" else "same"),) * 2
                + (p["f"],)
            ),
            "(n - 1) * s + 1, kernel forgotten": lambda p: (
                (None,) + ((p["h"] - 1) * p["s"] + 1,) * 2 + (p["f"],)
            ),
            "channels kept instead of filters": lambda p: (
                (None,) + (_transposed(p, p["h"], p["padding"]),) * 2 + (p["c"],)
            ),
        },
        stateless=True,
    )
)


def _separable_params(rng):
    return {"f": _int(rng, 2, 12), "k": _int(rng, 2, 5), "m": _int(rng, 1, 3), "c": _int(rng, 2, 8)}


_register(
    Template(
        "separable_conv2d_params",
        "07",
        "count_params of SeparableConv2D with a depth multiplier",
        "int",
        _separable_params,
        lambda p: (
            COUNT_Q,
            f"layer = keras.layers.SeparableConv2D({p['f']}, {p['k']}, depth_multiplier={p['m']})\n"
            f"layer(keras.Input(shape=(10, 10, {p['c']})))\n"
            "layer.count_params()",
        ),
        {
            "a plain Conv2D's count": lambda p: p["k"] ** 2 * p["c"] * p["f"] + p["f"],
            "depth multiplier ignored": lambda p: p["k"] ** 2 * p["c"] + p["c"] * p["f"] + p["f"],
            "bias forgotten": lambda p: p["k"] ** 2 * p["c"] * p["m"] + p["c"] * p["m"] * p["f"],
            "a bias on the depthwise step too": lambda p: (
                p["k"] ** 2 * p["c"] * p["m"] + p["c"] * p["m"] + p["c"] * p["m"] * p["f"] + p["f"]
            ),
        },
        stateless=True,
    )
)


def _call_conv_groups(rng, fail):
    g = _int(rng, 2, 4)
    cin, f = g * _int(rng, 1, 3), g * _int(rng, 1, 3)
    if fail:
        f += _int(rng, 1, g - 1)
    return {
        "kind": "conv_groups",
        "g": g,
        "cin": cin,
        "f": f,
        "code": f"keras.layers.Conv2D({f}, 3, groups={g})(keras.Input(shape=(8, 8, {cin})))",
    }


def _call_strided_dilated(rng, fail):
    layer = _pick(rng, ["Conv2D", "Conv2DTranspose"])
    s, d = (_int(rng, 2, 3), _int(rng, 2, 3)) if fail else _pick(rng, [(1, 2), (2, 1), (1, 3), (3, 1)])
    return {
        "kind": "strided_dilated",
        "layer": layer,
        "s": s,
        "d": d,
        "code": f"keras.layers.{layer}(4, 3, strides={s}, dilation_rate={d})",
    }


def _call_small_input(rng, fail):
    k = _int(rng, 3, 5)
    padding = "valid" if fail else _pick(rng, ["same", "valid"])
    n = _int(rng, 1, k - 1) if fail or padding == "same" else _int(rng, k, k + 3)
    return {
        "kind": "small_input",
        "k": k,
        "n": n,
        "padding": padding,
        "code": f'keras.layers.Conv2D(4, {k}, padding="{padding}")(keras.Input(shape=({n}, {n}, 2)))',
    }


def _call_depthwise(rng, fail):
    m = _int(rng, 1, 3)
    return {
        "kind": "depthwise",
        "m": m,
        "rank": 3 if fail else 4,
        "code": f"keras.layers.DepthwiseConv2D(3, depth_multiplier={m})(keras.Input(shape="
        + ("(8, 4)))" if fail else "(8, 8, 4)))"),
    }


_which_fails(
    "conv_which_call_fails",
    "07",
    "which of four convolution calls raises (groups, strides with dilation, too-small input, rank)",
    {
        "conv_groups": _call_conv_groups,
        "strided_dilated": _call_strided_dilated,
        "small_input": _call_small_input,
        "depthwise": _call_depthwise,
    },
)


# ---------------------------------------------------------------------------------------------
# 08 Pooling layers
# ---------------------------------------------------------------------------------------------


def _pool_params(rng):
    p = _int(rng, 2, 4)
    return {
        "p": p,
        "s": _pick(rng, [None, None, 1, 2, 3]),
        "padding": _pick(rng, ["valid", "same"]),
        "h": _int(rng, p + 1, 15),
        "w": _int(rng, p + 1, 15),
        "c": _int(rng, 1, 6),
    }


def _pool_out(n, p, s, padding):
    return -(-n // s) if padding == "same" else (n - p) // s + 1


def _pool_shape(q, strides=None, padding=None):
    s = strides or q["s"] or q["p"]
    padding = padding or q["padding"]
    return (None, _pool_out(q["h"], q["p"], s, padding), _pool_out(q["w"], q["p"], s, padding), q["c"])


_register(
    Template(
        "maxpool2d_output_shape",
        "08",
        "output shape of MaxPooling2D (strides default to pool_size)",
        "shape",
        _pool_params,
        lambda p: (
            SHAPE_Q,
            f"layer = keras.layers.MaxPooling2D(pool_size={p['p']}"
            + (f", strides={p['s']}" if p["s"] else "")
            + f', padding="{p["padding"]}")\n'
            f"y = layer(keras.Input(shape=({p['h']}, {p['w']}, {p['c']})))\n"
            "y.shape",
        ),
        {
            "strides default to 1": lambda q: None if q["s"] else _pool_shape(q, strides=1),
            "the other padding's formula": lambda q: _pool_shape(
                q, padding="valid" if q["padding"] == "same" else "same"
            ),
            "'same' keeps the size": lambda q: (None, q["h"], q["w"], q["c"]),
            "divided by the pool size, rounded down": lambda q: (
                None,
                q["h"] // q["p"],
                q["w"] // q["p"],
                q["c"],
            ),
        },
        stateless=True,
    )
)


def _adaptive_params(rng):
    n = _int(rng, 3, 4)  # with 2 bins the fixed-pooling mistake gives the same windows
    length = _pick(rng, [m for m in range(n + 1, 11) if m % n])  # few lengths: JAX compiles each
    return {"n": n, "x": _ints(rng, 0, 9, length), "i": _int(rng, 0, n - 1)}


def _mean(values):
    return sum(values) / len(values)


def _fixed_window(p):
    length, n = len(p["x"]), p["n"]
    stride = length // n
    kernel = length - (n - 1) * stride
    return p["x"][p["i"] * stride : p["i"] * stride + kernel]


def _adaptive_window(p):
    length, n, i = len(p["x"]), p["n"], p["i"]
    return p["x"][(i * length) // n : -(-((i + 1) * length) // n)]


_register(
    Template(
        "adaptive_avgpool_bin",
        "08",
        "one bin of AdaptiveAveragePooling1D (overlapping PyTorch-style bins)",
        "float",
        _adaptive_params,
        lambda p: (
            _value_q(3),
            f"x = {_array_text([[[v] for v in p['x']]])}  # shape (1, {len(p['x'])}, 1)\n"
            f"y = keras.layers.AdaptiveAveragePooling1D({p['n']})(x)\n"
            f"float(y[0, {p['i']}, 0])",
        ),
        {
            "a fixed pooling with stride L // n and the remaining kernel": lambda p: _mean(_fixed_window(p)),
            "non-overlapping bins [floor(iL/n), floor((i+1)L/n))": lambda p: _mean(
                p["x"][(p["i"] * len(p["x"])) // p["n"] : ((p["i"] + 1) * len(p["x"])) // p["n"]]
            ),
            "maximum instead of average": lambda p: float(max(_adaptive_window(p))),
            "equal bins of L // n values from the start": lambda p: _mean(
                p["x"][p["i"] * (len(p["x"]) // p["n"]) : (p["i"] + 1) * (len(p["x"]) // p["n"])]
            ),
            "bin edges rounded to the nearest index": lambda p: _mean(
                p["x"][
                    round(p["i"] * len(p["x"]) / p["n"]) : max(
                        round((p["i"] + 1) * len(p["x"]) / p["n"]), round(p["i"] * len(p["x"]) / p["n"]) + 1
                    )
                ]
            ),
        },
        decimals=3,
    )
)


# ---------------------------------------------------------------------------------------------
# 09 Recurrent layers
# ---------------------------------------------------------------------------------------------

_GATES = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}


def _rnn_params(rng):
    return {
        "layer": _pick(rng, list(_GATES)),
        "u": _int(rng, 2, 12),
        "d": _int(rng, 2, 12),
        "t": _int(rng, 3, 9),
    }


def _rnn_count(p, recurrent=True, bias=True, gru_bias=2):
    g, u, d = _GATES[p["layer"]], p["u"], p["d"]
    biases = (gru_bias if p["layer"] == "GRU" else 1) * g * u if bias else 0
    return g * u * (d + (u if recurrent else 0)) + biases


_register(
    Template(
        "rnn_params",
        "09",
        "count_params of SimpleRNN / GRU / LSTM (Keras 3 GRU: reset_after=True)",
        "int",
        _rnn_params,
        lambda p: (
            COUNT_Q,
            f"layer = keras.layers.{p['layer']}({p['u']})\n"
            f"layer.build(({'None'}, {p['t']}, {p['d']}))\n"
            "layer.count_params()",
        ),
        {
            "GRU with one bias (reset_after=False, the old default)": lambda p: (
                _rnn_count(p, gru_bias=1) if p["layer"] == "GRU" else None
            ),
            "recurrent kernel forgotten": lambda p: _rnn_count(p, recurrent=False),
            "biases forgotten": lambda p: _rnn_count(p, bias=False),
            "one gate only": lambda p: (
                p["u"] * (p["d"] + p["u"]) + p["u"] if p["layer"] != "SimpleRNN" else None
            ),
            "weights per time step": lambda p: _rnn_count(p) * p["t"],
        },
        stateless=True,
    )
)


def _bidir_params(rng):
    return {
        "layer": _pick(rng, ["LSTM", "GRU", "SimpleRNN"]),
        "u": _int(rng, 2, 9),
        "d": _int(rng, 2, 9),
        "t": _int(rng, 3, 9),
        "seq": bool(rng.integers(2)),
        "merge": _pick(rng, ["concat", "sum", "mul", "ave"]),
    }


def _bidir_shape(p, width, seq):
    return (None, p["t"], width) if seq else (None, width)


_register(
    Template(
        "bidirectional_output_shape",
        "09",
        "output shape of Bidirectional(RNN) with merge_mode and return_sequences",
        "shape",
        _bidir_params,
        lambda p: (
            SHAPE_Q,
            f"layer = keras.layers.Bidirectional(keras.layers.{p['layer']}({p['u']}, "
            f"return_sequences={p['seq']}),\n"
            f'                                   merge_mode="{p["merge"]}")\n'
            f"y = layer(keras.Input(shape=({p['t']}, {p['d']})))\n"
            "y.shape",
        ),
        {
            "merge_mode ignored (always concatenated or never)": lambda p: _bidir_shape(
                p, p["u"] if p["merge"] == "concat" else 2 * p["u"], p["seq"]
            ),
            "return_sequences misread": lambda p: _bidir_shape(
                p, (2 if p["merge"] == "concat" else 1) * p["u"], not p["seq"]
            ),
            "input width kept": lambda p: _bidir_shape(p, p["d"], p["seq"]),
            "both directions stacked on a new axis": lambda p: (
                (None, 2, p["u"]) if not p["seq"] else (None, 2, p["t"], p["u"])
            ),
        },
        stateless=True,
    )
)


# ---------------------------------------------------------------------------------------------
# 10 Preprocessing layers
# ---------------------------------------------------------------------------------------------


def _normalization_params(rng):
    data = _ints(rng, 0, 12, _int(rng, 4, 6))
    if len(set(data)) == 1:
        data[0] += 3
    return {"data": data, "x": _int(rng, 0, 15)}


def _stats(p, ddof=0):
    mean = _mean(p["data"])
    var = sum((v - mean) ** 2 for v in p["data"]) / (len(p["data"]) - ddof)
    return mean, var


_register(
    Template(
        "normalization_after_adapt",
        "10",
        "Normalization output for a value after adapt (population variance)",
        "float",
        _normalization_params,
        lambda p: (
            _value_q(4),
            "layer = keras.layers.Normalization()\n"
            f"layer.adapt({_array_text([[v] for v in p['data']])})\n"
            f"float(layer({_array_text([[p['x']]])})[0, 0])",
        ),
        {
            "sample variance (n - 1)": lambda p: (p["x"] - _stats(p, 1)[0]) / math.sqrt(_stats(p, 1)[1]),
            "centred only": lambda p: p["x"] - _stats(p)[0],
            "divided by the variance": lambda p: (p["x"] - _stats(p)[0]) / _stats(p)[1],
            "scaled to [0, 1] by min and max": lambda p: (
                (p["x"] - min(p["data"])) / (max(p["data"]) - min(p["data"]))
            ),
        },
    )
)


def _discretization_params(rng):
    bounds = sorted(set(_ints(rng, -5, 8, 4)))
    while len(bounds) < 3:
        bounds = sorted(set(bounds + [_int(rng, -5, 8)]))
    x = _pick(rng, bounds) if rng.integers(2) else _int(rng, -7, 10) + 0.5
    return {"bounds": [float(b) for b in bounds], "x": float(x)}


def _bin_right_closed(p):
    return sum(1 for b in p["bounds"] if b < p["x"])


def _bin(p):
    return sum(1 for b in p["bounds"] if b <= p["x"])


_register(
    Template(
        "discretization_bin",
        "10",
        "the bin index Discretization gives a value (bins closed on the left)",
        "int",
        _discretization_params,
        lambda p: (
            COUNT_Q,
            f"layer = keras.layers.Discretization(bin_boundaries={p['bounds']})\n"
            f"int(layer({_array_text([p['x']])})[0])",
        ),
        {
            "bins closed on the right": _bin_right_closed,
            "bins counted from 1": lambda p: _bin(p) + 1,
            "first bin starts at the first boundary": lambda p: _bin(p) - 1 if _bin(p) > 0 else None,
            "the number of boundaries above the value": lambda p: len(p["bounds"]) - _bin(p),
        },
    )
)


def _rescaling_params(rng):
    scale = _pick(rng, [[1, 255], [1, 127.5], [2, 1], [1, 2], [1, 4], [3, 1]])
    return {
        "num": scale[0],
        "den": scale[1],
        "offset": _pick(rng, [-1.0, -0.5, 0.5, 1.0, 2.0]),
        "x": float(_int(rng, 1, 250)),
    }


def _scale(p):
    return p["num"] / p["den"]


_register(
    Template(
        "rescaling_value",
        "10",
        "Rescaling(scale, offset) output for a value",
        "float",
        _rescaling_params,
        lambda p: (
            _value_q(4),
            f"layer = keras.layers.Rescaling(scale={p['num']} / {p['den']}, offset={p['offset']})\n"
            f"float(layer({_array_text([p['x']])})[0])",
        ),
        {
            "offset added before scaling": lambda p: (p["x"] + p["offset"]) * _scale(p),
            "divided by the scale": lambda p: p["x"] / _scale(p) + p["offset"],
            "offset ignored": lambda p: p["x"] * _scale(p),
        },
    )
)


# ---------------------------------------------------------------------------------------------
# 11 Normalization layers
# ---------------------------------------------------------------------------------------------


def _batchnorm_params(rng):
    c = _int(rng, 2, 16)
    h = _pick(rng, [n for n in range(3, 12) if n != c])
    return {"h": h, "c": c, "center": bool(rng.integers(2)), "scale": bool(rng.integers(2))}


def _bn_per(p):
    return int(p["center"]) + int(p["scale"]) + 2


_register(
    Template(
        "batchnorm_params",
        "11",
        "count_params of BatchNormalization (moving statistics count too)",
        "int",
        _batchnorm_params,
        lambda p: (
            COUNT_Q,
            f"layer = keras.layers.BatchNormalization(center={p['center']}, scale={p['scale']})\n"
            f"layer.build((None, {p['h']}, {p['h']}, {p['c']}))\n"
            "layer.count_params()",
        ),
        {
            "moving mean and variance left out": lambda p: (_bn_per(p) - 2) * p["c"] or None,
            "center and scale flags ignored": lambda p: 4 * p["c"],
            "statistics along axis 1 (the height)": lambda p: _bn_per(p) * p["h"],
            "one set per position and channel": lambda p: _bn_per(p) * p["h"] * p["h"] * p["c"],
        },
        stateless=True,
    )
)


def _groupnorm_params(rng):
    g = _int(rng, 2, 4)
    return {"g": g, "c": g * _int(rng, 2, 5), "t": _int(rng, 3, 9)}


_register(
    Template(
        "groupnorm_params",
        "11",
        "count_params of GroupNormalization",
        "int",
        _groupnorm_params,
        lambda p: (
            COUNT_Q,
            f"layer = keras.layers.GroupNormalization(groups={p['g']})\n"
            f"layer.build((None, {p['t']}, {p['c']}))\n"
            "layer.count_params()",
        ),
        {
            "moving statistics as in BatchNormalization": lambda p: 4 * p["c"],
            "one gamma and beta per group": lambda p: 2 * p["g"],
            "channels divided by the groups": lambda p: 2 * p["c"] // p["g"],
            "per time step": lambda p: 2 * p["c"] * p["t"],
        },
        stateless=True,
    )
)


def _unit_params(rng):
    x = _ints(rng, -6, 6, 3, nonzero=True)
    return {"x": x, "i": _int(rng, 0, 2)}


_register(
    Template(
        "unit_normalization_value",
        "11",
        "one entry of UnitNormalization's output (L2 norm)",
        "float",
        _unit_params,
        lambda p: (
            _value_q(4),
            f"y = keras.layers.UnitNormalization()({_array_text([p['x']])})\nfloat(y[0, {p['i']}])",
        ),
        {
            "divided by the L1 norm": lambda p: p["x"][p["i"]] / sum(abs(v) for v in p["x"]),
            "divided by the largest magnitude": lambda p: p["x"][p["i"]] / max(abs(v) for v in p["x"]),
            "standardised (mean 0, std 1)": lambda p: (
                (p["x"][p["i"]] - _mean(p["x"])) / math.sqrt(_stats({"data": p["x"]})[1])
                if len(set(p["x"])) > 1
                else None
            ),
            "divided by the squared norm": lambda p: p["x"][p["i"]] / sum(v * v for v in p["x"]),
        },
    )
)


# ---------------------------------------------------------------------------------------------
# 12 Regularization layers
# ---------------------------------------------------------------------------------------------


def _dropout_params(rng):
    return {"rate": _pick(rng, [0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.75]), "v": float(_int(rng, 1, 9))}


_register(
    Template(
        "dropout_kept_value",
        "12",
        "the value of a kept entry after Dropout in training (inverted dropout)",
        "float",
        _dropout_params,
        lambda p: (
            _value_q(4),
            f'x = np.full((1, 400), {p["v"]}, dtype="float32")\n'
            f"y = keras.ops.convert_to_numpy(keras.layers.Dropout({p['rate']})(x, training=True))\n"
            "float(y[y != 0][0])  # an entry that was kept",
        ),
        {
            "no scaling": lambda p: p["v"],
            "multiplied by the keep probability": lambda p: p["v"] * (1 - p["rate"]),
            "divided by the rate": lambda p: p["v"] / p["rate"],
        },
    )
)


def _activity_params(rng):
    b = _int(rng, 2, 4)
    return {
        "x": [_ints(rng, -3, 3, 3) for _ in range(b)],
        "l1": _pick(rng, [0.01, 0.05, 0.1, 0.2]),
        "l2": _pick(rng, [0.01, 0.02, 0.05, 0.1]),
    }


def _activity_total(p):
    return p["l1"] * _abs({"w": p["x"]}) + p["l2"] * _sq({"w": p["x"]})


_register(
    Template(
        "activity_regularization_loss",
        "12",
        "layer.losses of ActivityRegularization (divided by the batch size)",
        "float",
        _activity_params,
        lambda p: (
            _value_q(4),
            f"layer = keras.layers.ActivityRegularization(l1={p['l1']}, l2={p['l2']})\n"
            f"layer({_array_text(p['x'])})\n"
            "float(layer.losses[0])",
        ),
        {
            "not divided by the batch size": _activity_total,
            "divided by the number of entries": lambda p: _activity_total(p) / (3 * len(p["x"])),
            "L1 term only": lambda p: p["l1"] * _abs({"w": p["x"]}) / len(p["x"]),
            "L2 term only": lambda p: p["l2"] * _sq({"w": p["x"]}) / len(p["x"]),
        },
    )
)


def _call_dropout_rate(rng, fail):
    layer = _pick(rng, ["Dropout", "GaussianDropout", "SpatialDropout1D"])
    rate = _pick(rng, [-0.2, -0.5, 1.5, 2.0]) if fail else _pick(rng, [0.0, 0.3, 0.5, 0.9])
    return {"kind": "dropout_rate", "layer": layer, "rate": rate, "code": f"keras.layers.{layer}({rate})"}


def _call_spatial_rank(rng, fail):
    n = _int(rng, 1, 3)
    rank = _pick(rng, [r for r in (2, 3, 4, 5) if r != n + 2]) if fail else n + 2
    shape = _shape_text([4] * (rank - 1))
    return {
        "kind": "spatial_rank",
        "n": n,
        "rank": rank,
        "code": f"keras.layers.SpatialDropout{n}D(0.3)(keras.Input(shape={shape}))",
    }


def _call_activity_args(rng, fail):
    arg = _pick(rng, ["rate", "stddev"]) if fail else _pick(rng, ["l1", "l2"])
    return {"kind": "activity_args", "arg": arg, "code": f"keras.layers.ActivityRegularization({arg}=0.1)"}


def _call_noise_stddev(rng, fail):
    stddev = _pick(rng, [-0.1, -1.0]) if fail else _pick(rng, [0.1, 0.5])
    return {"kind": "noise_stddev", "stddev": stddev, "code": f"keras.layers.GaussianNoise({stddev})"}


_which_fails(
    "regularization_which_call_fails",
    "12",
    "which of four regularization-layer calls raises (rates, ranks, arguments)",
    {
        "dropout_rate": _call_dropout_rate,
        "spatial_rank": _call_spatial_rank,
        "activity_args": _call_activity_args,
        "noise_stddev": _call_noise_stddev,
    },
)


# ---------------------------------------------------------------------------------------------
# 13 Attention layers
# ---------------------------------------------------------------------------------------------


def _mha_params(rng):
    h, k = _int(rng, 1, 4), _int(rng, 2, 8)
    return {
        "h": h,
        "k": k,
        "v": _pick(rng, [None, _int(rng, 2, 8)]),
        "dq": _int(rng, 2, 12),
        "dv": _int(rng, 2, 12),
        "tq": _int(rng, 2, 6),
        "tv": _int(rng, 2, 6),
    }


def _mha_count(p, heads=None, bias=True, out_width=None):
    h = p["h"] if heads is None else heads
    k, vd = p["k"], p["v"] or p["k"]
    out = p["dq"] if out_width is None else out_width
    b = 1 if bias else 0
    return (p["dq"] + b) * h * k + (p["dv"] + b) * h * k + (p["dv"] + b) * h * vd + h * vd * out + b * out


_register(
    Template(
        "mha_params",
        "13",
        "count_params of MultiHeadAttention (per-head projections, output to the query width)",
        "int",
        _mha_params,
        lambda p: (
            COUNT_Q,
            f"layer = keras.layers.MultiHeadAttention(num_heads={p['h']}, key_dim={p['k']}"
            + (f", value_dim={p['v']}" if p["v"] else "")
            + ")\n"
            f"layer(keras.Input(shape=({p['tq']}, {p['dq']})), keras.Input(shape=({p['tv']}, {p['dv']})))\n"
            "layer.count_params()",
        ),
        {
            "key_dim shared by all heads (one head's worth)": lambda p: (
                _mha_count(p, heads=1) if p["h"] > 1 else None
            ),
            "biases forgotten": lambda p: _mha_count(p, bias=False),
            "output projected to the value width": lambda p: _mha_count(p, out_width=p["dv"]),
            "output projection forgotten": lambda p: (
                _mha_count(p) - (p["h"] * (p["v"] or p["k"]) + 1) * p["dq"]
            ),
        },
        stateless=True,
    )
)


def _gqa_params(rng):
    nkv = _int(rng, 1, 3)
    return {
        "hd": _int(rng, 2, 6),
        "nq": nkv * _int(rng, 2, 3),
        "nkv": nkv,
        "d": _int(rng, 2, 12),
        "tq": _int(rng, 2, 6),
        "tv": _int(rng, 2, 6),
    }


def _gqa_count(p, kv_heads=None, bias=True):
    nkv = p["nkv"] if kv_heads is None else kv_heads
    b = 1 if bias else 0
    hd, d = p["hd"], p["d"]
    return (d + b) * p["nq"] * hd + 2 * (d + b) * nkv * hd + p["nq"] * hd * d + b * d


_register(
    Template(
        "gqa_params",
        "13",
        "count_params of GroupQueryAttention (fewer key/value heads)",
        "int",
        _gqa_params,
        lambda p: (
            COUNT_Q,
            f"layer = keras.layers.GroupQueryAttention(head_dim={p['hd']}, num_query_heads={p['nq']},\n"
            f"                                         num_key_value_heads={p['nkv']})\n"
            f"layer(keras.Input(shape=({p['tq']}, {p['d']})), keras.Input(shape=({p['tv']}, {p['d']})))\n"
            "layer.count_params()",
        ),
        {
            "keys and values with as many heads as queries": lambda p: _gqa_count(p, kv_heads=p["nq"]),
            "biases forgotten": lambda p: _gqa_count(p, bias=False),
            "one key/value head (multi-query)": lambda p: _gqa_count(p, kv_heads=1) if p["nkv"] > 1 else None,
            "value projection forgotten": lambda p: _gqa_count(p) - (p["d"] + 1) * p["nkv"] * p["hd"],
        },
        stateless=True,
    )
)


def _call_attention_list(rng, fail):
    d = _int(rng, 2, 6)
    layer = _pick(rng, ["Attention", "AdditiveAttention"])
    q = f"keras.Input(shape=(3, {d}))"
    args = q if fail else f"[{q}, keras.Input(shape=(5, {d}))]"
    return {
        "kind": "attention_list",
        "layer": layer,
        "listed": not fail,
        "code": f"keras.layers.{layer}()({args})",
    }


def _call_gqa_heads(rng, fail):
    nkv = _int(rng, 2, 3)
    nq = nkv * _int(rng, 1, 3) + (_int(rng, 1, nkv - 1) if fail else 0)
    return {
        "kind": "gqa_heads",
        "nq": nq,
        "nkv": nkv,
        "code": f"keras.layers.GroupQueryAttention(head_dim=4, num_query_heads={nq}, "
        f"num_key_value_heads={nkv})",
    }


def _call_gqa_widths(rng, fail):
    dq = _int(rng, 2, 8)
    dv = dq + _int(rng, 1, 3) if fail else dq
    return {
        "kind": "gqa_widths",
        "dq": dq,
        "dv": dv,
        "code": "keras.layers.GroupQueryAttention(head_dim=4, num_query_heads=2, num_key_value_heads=1)("
        f"keras.Input(shape=(3, {dq})), keras.Input(shape=(5, {dv})))",
    }


def _call_mha_value(rng, fail):
    dq, dv = _int(rng, 2, 8), _int(rng, 2, 8)
    args = f"keras.Input(shape=(3, {dq}))" + ("" if fail else f", keras.Input(shape=(5, {dv}))")
    return {
        "kind": "mha_value",
        "has_value": not fail,
        "code": f"keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)({args})",
    }


_which_fails(
    "attention_which_call_fails",
    "13",
    "which of four attention calls raises (list inputs, head counts, query/value widths, the value argument)",
    {
        "attention_list": _call_attention_list,
        "gqa_heads": _call_gqa_heads,
        "gqa_widths": _call_gqa_widths,
        "mha_value": _call_mha_value,
    },
)


# ---------------------------------------------------------------------------------------------
# 14 Reshaping layers
# ---------------------------------------------------------------------------------------------


def _crop_params(rng):
    return {
        "h": _int(rng, 6, 12),
        "w": _int(rng, 6, 12),
        "c": _int(rng, 1, 4),
        "t": _int(rng, 0, 2),
        "b": _int(rng, 0, 2),
        "l": _int(rng, 0, 2),
        "r": _int(rng, 0, 2),
        "sh": _int(rng, 1, 3),
        "sw": _int(rng, 1, 3),
    }


_register(
    Template(
        "crop_upsample_shape",
        "14",
        "output shape of Cropping2D then UpSampling2D",
        "shape",
        _crop_params,
        lambda p: (
            SHAPE_Q,
            f"x = keras.Input(shape=({p['h']}, {p['w']}, {p['c']}))\n"
            f"x = keras.layers.Cropping2D((({p['t']}, {p['b']}), ({p['l']}, {p['r']})))(x)\n"
            f"y = keras.layers.UpSampling2D(({p['sh']}, {p['sw']}))(x)\n"
            "y.shape",
        ),
        {
            "each pair read as (rows, columns) to remove once": lambda p: (
                None,
                (p["h"] - p["t"] - p["l"]) * p["sh"],
                (p["w"] - p["b"] - p["r"]) * p["sw"],
                p["c"],
            ),
            "upsampled before cropping": lambda p: (
                None,
                p["h"] * p["sh"] - p["t"] - p["b"],
                p["w"] * p["sw"] - p["l"] - p["r"],
                p["c"],
            ),
            "upsampling adds instead of multiplying": lambda p: (
                None,
                p["h"] - p["t"] - p["b"] + p["sh"],
                p["w"] - p["l"] - p["r"] + p["sw"],
                p["c"],
            ),
            "cropping sizes swapped between height and width": lambda p: (
                None,
                (p["h"] - p["l"] - p["r"]) * p["sh"],
                (p["w"] - p["t"] - p["b"]) * p["sw"],
                p["c"],
            ),
        },
        stateless=True,
    )
)


def _permute_params(rng):
    dims = rng.permutation([1, 2, 3]).tolist()
    while dims == [1, 2, 3]:
        dims = rng.permutation([1, 2, 3]).tolist()
    sizes = (rng.permutation(8)[:3] + 2).tolist()
    return {"dims": dims, "shape": sizes, "repeat": _int(rng, 2, 5)}


_register(
    Template(
        "permute_shape",
        "14",
        "output shape of Permute (1-based axes, batch excluded)",
        "shape",
        _permute_params,
        lambda p: (
            SHAPE_Q,
            f"y = keras.layers.Permute({tuple(p['dims'])})(keras.Input(shape={_shape_text(p['shape'])}))\n"
            "y.shape",
        ),
        {
            "the inverse permutation": lambda p: (
                (None,) + tuple(p["shape"][p["dims"].index(i + 1)] for i in range(3))
            ),
            "Permute ignored": lambda p: (None,) + tuple(p["shape"]),
            "last two axes swapped whatever the argument": lambda p: (
                None,
                p["shape"][0],
                p["shape"][2],
                p["shape"][1],
            ),
            "dimensions reversed": lambda p: (None,) + tuple(reversed(p["shape"])),
        },
        stateless=True,
    )
)


def _call_reshape_size(rng, fail):
    a, b = _int(rng, 2, 5), _int(rng, 2, 5)
    target = (a * b + (_int(rng, 1, 3) if fail else 0),)
    return {
        "kind": "reshape_size",
        "a": a,
        "b": b,
        "target": list(target),
        "code": f"keras.layers.Reshape({_shape_text(target)})(keras.Input(shape=({a}, {b})))",
    }


def _call_reshape_unknown(rng, fail):
    a, b = _int(rng, 2, 5), _int(rng, 2, 5)
    target = (-1, -1) if fail else _pick(rng, [(-1, a), (b, -1)])
    return {
        "kind": "reshape_unknown",
        "a": a,
        "b": b,
        "target": list(target),
        "code": f"keras.layers.Reshape({target})(keras.Input(shape=({a}, {b})))",
    }


def _call_cropping(rng, fail):
    n = _int(rng, 4, 8)
    lo = _int(rng, 0, n - 1)
    hi = _int(rng, n - lo, n) if fail else _int(rng, 0, n - lo - 1)
    return {
        "kind": "cropping",
        "n": n,
        "crop": [lo, hi],
        "code": f"keras.layers.Cropping1D(({lo}, {hi}))(keras.Input(shape=({n}, 2)))",
    }


def _call_repeat(rng, fail):
    n = _int(rng, 2, 5)
    shape = (3, 4) if fail else (4,)
    return {
        "kind": "repeat",
        "rank": len(shape) + 1,
        "code": f"keras.layers.RepeatVector({n})(keras.Input(shape={_shape_text(shape)}))",
    }


_which_fails(
    "reshape_which_call_fails",
    "14",
    "which of four reshaping calls raises (sizes, two unknown axes, over-cropping, RepeatVector's rank)",
    {
        "reshape_size": _call_reshape_size,
        "reshape_unknown": _call_reshape_unknown,
        "cropping": _call_cropping,
        "repeat": _call_repeat,
    },
)


# ---------------------------------------------------------------------------------------------
# 15 Merging layers
# ---------------------------------------------------------------------------------------------


def _concat_params(rng):
    axis = _pick(rng, [-1, 1])
    n1, n2, p1, p2 = (_int(rng, 2, 9) for _ in range(4))
    if axis == -1:
        n2 = n1
    else:
        p2 = p1
    return {"axis": axis, "a": [n1, p1], "b": [n2, p2]}


def _concat(p, axis):
    (n1, p1), (n2, p2) = p["a"], p["b"]
    return (None, n1, p1 + p2) if axis == -1 else (None, n1 + n2, p1)


_register(
    Template(
        "concatenate_shape",
        "15",
        "output shape of Concatenate along an axis",
        "shape",
        _concat_params,
        lambda p: (
            SHAPE_Q,
            f"a = keras.Input(shape={_shape_text(p['a'])})\n"
            f"b = keras.Input(shape={_shape_text(p['b'])})\n"
            f"y = keras.layers.Concatenate(axis={p['axis']})([a, b])\n"
            "y.shape",
        ),
        {
            "joined along the other axis": lambda p: (None, p["a"][0] + p["b"][0], p["a"][1] + p["b"][1]),
            "stacked on a new axis": lambda p: (None, 2, *p["a"]),
            "added like Add": lambda p: (None, *p["a"]),
            "axis counted without the batch axis": lambda p: (
                _concat(p, 1 if p["axis"] == -1 else -1)
                if p["a"][0] == p["b"][0] and p["a"][1] == p["b"][1]
                else None
            ),
        },
        stateless=True,
    )
)


def _dot_params(rng):
    a = _ints(rng, -4, 4, 3, nonzero=True)
    b = _ints(rng, -4, 4, 3, nonzero=True)
    return {"a": a, "b": b}


def _norm(v):
    return math.sqrt(sum(x * x for x in v))


def _dot(p):
    return float(sum(x * y for x, y in zip(p["a"], p["b"], strict=True)))


_register(
    Template(
        "dot_normalize_value",
        "15",
        "Dot(axes=1, normalize=True) of two vectors (the cosine)",
        "float",
        _dot_params,
        lambda p: (
            _value_q(4),
            f"a = {_array_text([p['a']])}\n"
            f"b = {_array_text([p['b']])}\n"
            "float(keras.layers.Dot(axes=1, normalize=True)([a, b])[0, 0])",
        ),
        {
            "normalize ignored (plain dot product)": _dot,
            "only the first vector normalized": lambda p: _dot(p) / _norm(p["a"]),
            "divided by the squared norms": lambda p: _dot(p) / (_norm(p["a"]) ** 2 * _norm(p["b"]) ** 2),
            "mean of the products": lambda p: _dot(p) / 3,
        },
    )
)


def _call_add_widths(rng, fail):
    a = _int(rng, 2, 6)
    b = a + _int(rng, 1, 3) if fail else a
    layer = _pick(rng, ["Add", "Multiply", "Average", "Maximum"])
    return {
        "kind": "add_widths",
        "a": a,
        "b": b,
        "code": f"keras.layers.{layer}()([keras.Input(shape=({a},)), keras.Input(shape=({b},))])",
    }


def _call_subtract_count(rng, fail):
    n = _pick(rng, [1, 3]) if fail else 2
    return {
        "kind": "subtract_count",
        "n": n,
        "code": "keras.layers.Subtract()([" + ", ".join(["keras.Input(shape=(4,))"] * n) + "])",
    }


def _call_concat_dims(rng, fail):
    n1 = _int(rng, 2, 6)
    n2 = n1 + _int(rng, 1, 3) if fail else n1
    p1, p2 = _int(rng, 2, 6), _int(rng, 2, 6)
    return {
        "kind": "concat_dims",
        "n1": n1,
        "n2": n2,
        "code": f"keras.layers.Concatenate()([keras.Input(shape=({n1}, {p1})), "
        f"keras.Input(shape=({n2}, {p2}))])",
    }


def _call_dot_axes(rng, fail):
    p = _int(rng, 2, 6)
    q = p + _int(rng, 1, 3) if fail else p
    return {
        "kind": "dot_axes",
        "p": p,
        "q": q,
        "code": f"keras.layers.Dot(axes=2)([keras.Input(shape=(3, {p})), keras.Input(shape=(5, {q}))])",
    }


_which_fails(
    "merge_which_call_fails",
    "15",
    "which of four merging calls raises (widths, Subtract's two inputs, "
    "Concatenate's other axes, Dot's axes)",
    {
        "add_widths": _call_add_widths,
        "subtract_count": _call_subtract_count,
        "concat_dims": _call_concat_dims,
        "dot_axes": _call_dot_axes,
    },
)


# ---------------------------------------------------------------------------------------------
# 16 Activation layers
# ---------------------------------------------------------------------------------------------

_register(
    Template(
        "leaky_relu_layer_default",
        "16",
        "keras.layers.LeakyReLU() with its default slope, at x < 0",
        "float",
        _point_params(-5.0, -0.2, negative_only=True),
        lambda p: (
            _value_q(4),
            f'x = np.array([{p["x"]}], dtype="float32")\n'
            "keras.ops.convert_to_numpy(keras.layers.LeakyReLU()(x))[0]",
        ),
        {
            "keras.activations.leaky_relu's default 0.2": lambda p: 0.2 * p["x"],
            "PyTorch's default 0.01": lambda p: 0.01 * p["x"],
            "plain relu": lambda p: 0.0,
        },
    )
)


def _relu_params(rng):
    t = _pick(rng, [0.0, 0.5, 1.0, 2.0])  # a negative threshold is refused
    return {
        "max": _pick(rng, [4.0, 5.0, 6.0]),
        "slope": _pick(rng, [0.1, 0.2, 0.5]),
        "t": t,
        "x": round(t - float(rng.uniform(0.5, 3.0)), 1),
    }


_register(
    Template(
        "relu_layer_arguments",
        "16",
        "ReLU(max_value, negative_slope, threshold) below the threshold",
        "float",
        _relu_params,
        lambda p: (
            _value_q(4),
            f'x = np.array([{p["x"]}], dtype="float32")\n'
            f"layer = keras.layers.ReLU(max_value={p['max']}, negative_slope={p['slope']}, "
            f"threshold={p['t']})\n"
            "keras.ops.convert_to_numpy(layer(x))[0]",
        ),
        {
            "slope applied to x, not x - threshold": lambda p: p["slope"] * p["x"],
            "zero below the threshold": lambda p: 0.0,
            "threshold ignored": lambda p: p["x"] if p["x"] > 0 else p["slope"] * p["x"],
            "slope applied to threshold - x": lambda p: p["slope"] * (p["t"] - p["x"]),
        },
    )
)


def _prelu_params(rng):
    h, w = _int(rng, 2, 6), _int(rng, 2, 6)
    return {"h": h, "w": w, "c": _int(rng, 2, 8), "shared": _pick(rng, [None, [1, 2], [1], [2]])}


def _prelu_count(p, shared):
    dims = {1: p["h"], 2: p["w"], 3: p["c"]}
    return math.prod(n for axis, n in dims.items() if axis not in (shared or []))


_register(
    Template(
        "prelu_params",
        "16",
        "count_params of PReLU with or without shared_axes",
        "int",
        _prelu_params,
        lambda p: (
            COUNT_Q,
            "layer = keras.layers.PReLU("
            + ("" if p["shared"] is None else f"shared_axes={p['shared']}")
            + ")\n"
            f"layer.build((None, {p['h']}, {p['w']}, {p['c']}))\n"
            "layer.count_params()",
        ),
        {
            "one slope per channel": lambda p: p["c"],
            "shared_axes ignored": lambda p: _prelu_count(p, None),
            "one slope in all": lambda p: 1,
            "shared axes read as the kept ones": lambda p: (
                math.prod({1: p["h"], 2: p["w"], 3: p["c"]}[a] for a in p["shared"]) if p["shared"] else None
            ),
        },
        stateless=True,
    )
)


# ---------------------------------------------------------------------------------------------
# 17 Backend-specific layers (porting weights between PyTorch and Keras layouts)
# ---------------------------------------------------------------------------------------------


def _layout_params(rng):
    return {
        "layer": _pick(rng, ["Dense", "Conv1D", "Conv2D"]),
        "cin": _int(rng, 2, 9),
        "cout": _int(rng, 2, 9),
        "k": _int(rng, 2, 5),
    }


def _torch_weight(p):
    spatial = {"Dense": (), "Conv1D": (p["k"],), "Conv2D": (p["k"], p["k"])}[p["layer"]]
    return (p["cout"], p["cin"], *spatial)


def _layout_code(p):
    if p["layer"] == "Dense":
        return (
            f"# PyTorch: torch.nn.Linear({p['cin']}, {p['cout']}).weight.shape == {_torch_weight(p)}\n"
            f"layer = keras.layers.Dense({p['cout']})\n"
            f"layer.build((None, {p['cin']}))\n"
            "tuple(layer.kernel.shape)"
        )
    conv = "Conv1d" if p["layer"] == "Conv1D" else "Conv2d"
    space = "16" if p["layer"] == "Conv1D" else "16, 16"
    return (
        f"# PyTorch: torch.nn.{conv}({p['cin']}, {p['cout']}, {p['k']}).weight.shape == {_torch_weight(p)}\n"
        f"layer = keras.layers.{p['layer']}({p['cout']}, {p['k']})\n"
        f"layer.build((None, {space}, {p['cin']}))\n"
        "tuple(layer.kernel.shape)"
    )


def _spatial(p):
    return _torch_weight(p)[2:]


_register(
    Template(
        "torch_to_keras_kernel_layout",
        "17",
        "the Keras kernel shape matching a PyTorch Linear/Conv weight",
        "shape",
        _layout_params,
        lambda p: (
            "What shape does the last line show? Give it as a tuple, e.g. (3, 3, 4, 8).",
            _layout_code(p),
        ),
        {
            "PyTorch's layout kept (output first)": _torch_weight,
            "input and output channels swapped": lambda p: (*_spatial(p), p["cout"], p["cin"]),
            "channels first, kernel size last": lambda p: (p["cin"], p["cout"], *_spatial(p)),
            "kernel size after the channels, output last": lambda p: (
                (p["cin"], *_spatial(p), p["cout"]) if _spatial(p) else None
            ),
        },
        stateless=True,
    )
)


def _channels_first_params(rng):
    p = _conv_params(rng)
    p["c"] = _pick(rng, [n for n in range(2, 7) if n not in (p["h"], p["w"], p["f"])])
    return p


def _cf(p, n):
    return _conv_out(n, p["k"], p["s"], p["padding"])


_register(
    Template(
        "channels_first_conv_shape",
        "17",
        "output shape of Conv2D(data_format='channels_first') on (C, H, W) data",
        "shape",
        _channels_first_params,
        lambda p: (
            SHAPE_Q,
            f'layer = keras.layers.Conv2D({p["f"]}, {p["k"]}, strides={p["s"]}, padding="{p["padding"]}",\n'
            '                            data_format="channels_first")\n'
            f"y = layer(keras.Input(shape=({p['c']}, {p['h']}, {p['w']})))\n"
            "y.shape",
        ),
        {
            "read as channels last": lambda p: (
                (None, _cf(p, p["c"]), _cf(p, p["h"]), p["f"]) if _cf(p, p["c"]) > 0 else None
            ),
            "filters placed last": lambda p: (None, _cf(p, p["h"]), _cf(p, p["w"]), p["f"]),
            "channels kept instead of filters": lambda p: (None, p["c"], _cf(p, p["h"]), _cf(p, p["w"])),
            "strides ignored": lambda p: (
                None,
                p["f"],
                *((n if p["padding"] == "same" else n - p["k"] + 1) for n in (p["h"], p["w"])),
            ),
        },
        stateless=True,
    )
)

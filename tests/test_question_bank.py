"""helpers.quiz.bank: every template, many students, on TensorFlow, JAX and PyTorch.

For each draw the bank runs the code the student reads with Keras; this file recomputes the answer
independently from the variant's parameters (shape and parameter-count formulas, NumPy for values, and
for which-call-fails questions the documented rule that makes a call raise), then checks that the three
wrong options differ from it and from each other, that a draw is reproducible and that students differ.

Keras reads its backend once, at import, so each backend runs in its own subprocess with KERAS_BACKEND
set (as tests/test_autodiff.py does); the subprocess runs `check_backend` below and prints one JSON line.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import sys
import time

import numpy as np
import pytest
from conftest import ROOT
from scipy.special import erf

BACKENDS = ["tensorflow", "jax", "torch"]
# Students drawn per template and backend (QUESTION_BANK_DRAWS overrides it for a quick local run).
# 200 each take 20-30 s per backend on the shared 2-core machine: the bank runs each distinct piece of
# code once per process, and many students share a variant.
DRAWS = {"tensorflow": 200, "jax": 200, "torch": 200}
SECRET = "course secret for the tests"
SAME_EVERYWHERE = 20  # students whose variants must be identical on every backend

# ---------------------------------------------------------------------------------------------
# Independent answers: params -> what Keras must return (never the bank's own helpers)
# ---------------------------------------------------------------------------------------------


def conv_len(n, k, s, padding):
    return math.ceil(n / s) if padding == "same" else math.floor((n - k) / s) + 1


def transposed_len(n, k, s, padding):
    # Keras's deconv_output_length with output_padding=None and dilation 1
    return n * s if padding == "same" else n * s + max(k - s, 0)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def f32(values):
    return np.asarray(values, dtype=np.float64)


def maxnorm(w, m):
    norms = np.sqrt((w**2).sum(axis=0, keepdims=True))
    return w * np.clip(norms, 0, m) / (1e-7 + norms)


def minmaxnorm(w, lo, hi, rate):
    norms = np.sqrt((w**2).sum(axis=0, keepdims=True))
    return w * (rate * np.clip(norms, lo, hi) + (1 - rate) * norms) / (1e-7 + norms)


def adaptive_bin(x, n, i):
    # PyTorch's adaptive pooling bins: [floor(i L / n), ceil((i + 1) L / n))
    length = len(x)
    return float(np.mean(x[(i * length) // n : -(-((i + 1) * length) // n)]))


def rnn_count(layer, u, d):
    if layer == "SimpleRNN":
        return d * u + u * u + u
    if layer == "LSTM":
        return 4 * (d * u + u * u + u)
    return 3 * (d * u + u * u) + 2 * 3 * u  # GRU, reset_after=True: input and recurrent biases


def mha_count(p):
    h, k, v = p["h"], p["k"], p["v"] or p["k"]
    query = p["dq"] * h * k + h * k
    key = p["dv"] * h * k + h * k
    value = p["dv"] * h * v + h * v
    output = h * v * p["dq"] + p["dq"]
    return query + key + value + output


def gqa_count(p):
    hd, d = p["hd"], p["d"]
    query = d * p["nq"] * hd + p["nq"] * hd
    key_and_value = 2 * (d * p["nkv"] * hd + p["nkv"] * hd)
    return query + key_and_value + p["nq"] * hd * d + d


def einsum_count(p):
    if p["equation"] == "abc,cde->abde":
        return p["d"] * p["h"] * p["u"] + p["h"] * p["u"]
    return p["d"] * p["u"] + p["u"]


def einsum_input(p):
    return (p["d"],) if p["equation"] == "ab,bc->ac" else (p["t"], p["d"])


def masking_sum(p):
    x = f32(p["x"])
    keep = ~np.all(x == p["m"], axis=-1)
    return float((x * keep[:, None]).sum())


def relu_layer(x, m, slope, t):
    if x >= m:
        return m
    return x if x >= t else slope * (x - t)


def prelu_count(p):
    shared = p["shared"] or []
    return math.prod(n for axis, n in ((1, p["h"]), (2, p["w"]), (3, p["c"])) if axis not in shared)


def torch_to_keras(p):
    # PyTorch (out, in, *kernel) -> Keras (*kernel, in, out)
    kernel = {"Dense": (), "Conv1D": (p["k"],), "Conv2D": (p["k"], p["k"])}[p["layer"]]
    return (*kernel, p["cin"], p["cout"])


def normalized(p):
    data = f32(p["data"])
    return (p["x"] - data.mean()) / data.std()


EXPECTED = {
    "frozen_layer_weights": lambda p: p["d"] * p["u"] + p["u"],
    "custom_add_weight_count": lambda p: (1, p["d"] * p["k"] + p["k"]),
    "hard_sigmoid_value": lambda p: float(np.clip(p["x"] / 6 + 0.5, 0, 1)),
    "gelu_value": lambda p: 0.5 * p["x"] * (1 + erf(p["x"] / np.sqrt(2))),
    "leaky_relu_function_default": lambda p: 0.2 * p["x"],
    "orthogonal_sum_of_squares": lambda p: p["gain"] ** 2 * min(p["a"], p["b"]),
    "constant_init_dense_output": lambda p: p["d"] * p["c"] + p["b"],
    "l2_penalty": lambda p: p["f"] * float((f32(p["w"]) ** 2).sum()),
    "l1l2_penalty": lambda p: (
        p["f"] * float(np.abs(f32(p["w"])).sum()) + p["l2"] * float((f32(p["w"]) ** 2).sum())
    ),
    "maxnorm_projection": lambda p: float(maxnorm(f32(p["w"]), p["max"])[p["i"], p["j"]]),
    "minmaxnorm_projection": lambda p: float(
        minmaxnorm(f32(p["w"]), p["min"], p["max"], p["rate"])[p["i"], p["j"]]
    ),
    "einsumdense_params": einsum_count,
    "embedding_params": lambda p: p["v"] * p["dim"],
    "masking_output_sum": masking_sum,
    "conv2d_output_shape": lambda p: (
        None,
        conv_len(p["h"], p["k"], p["s"], p["padding"]),
        conv_len(p["w"], p["k"], p["s"], p["padding"]),
        p["f"],
    ),
    "conv2d_groups_params": lambda p: p["k"] * p["k"] * (p["cin"] // p["g"]) * p["f"] + p["f"],
    "conv2d_transpose_shape": lambda p: (
        (None,) + (transposed_len(p["h"], p["k"], p["s"], p["padding"]),) * 2 + (p["f"],)
    ),
    "separable_conv2d_params": lambda p: p["k"] ** 2 * p["c"] * p["m"] + p["c"] * p["m"] * p["f"] + p["f"],
    "maxpool2d_output_shape": lambda p: (
        None,
        conv_len(p["h"], p["p"], p["s"] or p["p"], p["padding"]),
        conv_len(p["w"], p["p"], p["s"] or p["p"], p["padding"]),
        p["c"],
    ),
    "adaptive_avgpool_bin": lambda p: adaptive_bin(f32(p["x"]), p["n"], p["i"]),
    "rnn_params": lambda p: rnn_count(p["layer"], p["u"], p["d"]),
    "bidirectional_output_shape": lambda p: (
        (None,) + ((p["t"],) if p["seq"] else ()) + ((2 if p["merge"] == "concat" else 1) * p["u"],)
    ),
    "normalization_after_adapt": normalized,
    "discretization_bin": lambda p: int(np.digitize(p["x"], p["bounds"])),  # bins [b_i, b_i+1)
    "rescaling_value": lambda p: p["x"] * p["num"] / p["den"] + p["offset"],
    "batchnorm_params": lambda p: (int(p["center"]) + int(p["scale"]) + 2) * p["c"],
    "groupnorm_params": lambda p: 2 * p["c"],
    "unit_normalization_value": lambda p: p["x"][p["i"]] / float(np.linalg.norm(f32(p["x"]))),
    "dropout_kept_value": lambda p: p["v"] / (1 - p["rate"]),
    "activity_regularization_loss": lambda p: (
        (p["l1"] * float(np.abs(f32(p["x"])).sum()) + p["l2"] * float((f32(p["x"]) ** 2).sum())) / len(p["x"])
    ),
    "mha_params": mha_count,
    "gqa_params": gqa_count,
    "crop_upsample_shape": lambda p: (
        None,
        (p["h"] - p["t"] - p["b"]) * p["sh"],
        (p["w"] - p["l"] - p["r"]) * p["sw"],
        p["c"],
    ),
    "permute_shape": lambda p: (None,) + tuple(p["shape"][d - 1] for d in p["dims"]),
    "concatenate_shape": lambda p: (
        (None, p["a"][0], p["a"][1] + p["b"][1])
        if p["axis"] == -1
        else (None, p["a"][0] + p["b"][0], p["a"][1])
    ),
    "dot_normalize_value": lambda p: float(
        f32(p["a"]) @ f32(p["b"]) / (np.linalg.norm(f32(p["a"])) * np.linalg.norm(f32(p["b"])))
    ),
    "leaky_relu_layer_default": lambda p: 0.3 * p["x"],
    "relu_layer_arguments": lambda p: relu_layer(p["x"], p["max"], p["slope"], p["t"]),
    "prelu_params": prelu_count,
    "torch_to_keras_kernel_layout": torch_to_keras,
    "channels_first_conv_shape": lambda p: (
        None,
        p["f"],
        conv_len(p["h"], p["k"], p["s"], p["padding"]),
        conv_len(p["w"], p["k"], p["s"], p["padding"]),
    ),
}

# Which-call-fails questions: for each kind of call, the documented rule that makes it raise.
FAILS = {
    "conv_groups": lambda c: c["f"] % c["g"] != 0 or c["cin"] % c["g"] != 0,
    "strided_dilated": lambda c: c["s"] > 1 and c["d"] > 1,
    "small_input": lambda c: c["padding"] == "valid" and c["n"] < c["k"],
    "depthwise": lambda c: c["rank"] != 4,  # DepthwiseConv2D wants (batch, rows, cols, channels)
    "dropout_rate": lambda c: not 0 <= c["rate"] <= 1,
    "spatial_rank": lambda c: c["rank"] != c["n"] + 2,
    "activity_args": lambda c: c["arg"] not in ("l1", "l2"),
    "noise_stddev": lambda c: c["stddev"] < 0,
    "attention_list": lambda c: not c["listed"],
    "gqa_heads": lambda c: c["nq"] % c["nkv"] != 0,
    "gqa_widths": lambda c: c["dq"] != c["dv"],
    "mha_value": lambda c: not c["has_value"],
    "reshape_size": lambda c: math.prod(c["target"]) != c["a"] * c["b"],
    "reshape_unknown": lambda c: c["target"].count(-1) > 1,
    "cropping": lambda c: sum(c["crop"]) >= c["n"],
    "repeat": lambda c: c["rank"] != 2,
    "add_widths": lambda c: c["a"] != c["b"],
    "subtract_count": lambda c: c["n"] != 2,
    "concat_dims": lambda c: c["n1"] != c["n2"],
    "dot_axes": lambda c: c["p"] != c["q"],
}

# ---------------------------------------------------------------------------------------------
# The check, run in one process per backend
# ---------------------------------------------------------------------------------------------


def _students(n):
    return [f"student-{i:04d}" for i in range(n)]


def variant_problems(v) -> list[str]:
    """Everything wrong with one variant, checked against the independent answer."""
    problems = []
    say = problems.append
    if v.kind == "call":
        calls = v.params["calls"]
        failing = [c["code"] for c in calls if FAILS[c["kind"]](c)]
        if failing != [v.answer]:
            say(f"expected the failing call {failing}, the bank says {v.answer!r}")
        for code in v.distractors:
            if code in failing:
                say(f"wrong option {code!r} should fail")
    else:
        expected = EXPECTED[v.template_id](v.params)
        if v.kind == "float":
            if abs(v.answer - expected) > v.tolerance + 1e-5 * max(1.0, abs(expected)):
                say(f"answer {v.answer!r}, independent {expected!r}")
            for text, value in zip(v.distractors, v.distractor_values, strict=True):
                # An LMS accepting answer +- tolerance must refuse every wrong option.
                near = min(abs(float(value) - expected), abs(float(value) - v.answer))
                if near <= v.tolerance or text == v.answer_text:
                    say(f"wrong option {text} is within the tolerance of the answer {expected}")
        else:
            expected = tuple(expected) if isinstance(expected, tuple) else int(expected)
            if v.answer != expected:
                say(f"answer {v.answer!r}, independent {expected!r}")
            for value in v.distractor_values:
                if value == expected:
                    say(f"wrong option {value!r} equals the answer")
    shown = [v.answer_text, *v.distractors]
    if len(v.distractors) != 3 or len(set(shown)) != 4:
        say(f"options are not four distinct texts: {shown}")
    if sorted(v.options) != sorted(shown) or v.options[v.correct] != v.answer_text:
        say(f"options {v.options} / correct {v.correct} do not match the answer {v.answer_text}")
    student_facing = " ".join([v.text, v.code, *v.options]).lower()
    if "seed" in student_facing:
        say("student-facing text mentions 'seed'")
    return problems


def _run_afresh(template, v):
    from helpers.quiz import bank as question_bank

    return question_bank._run(v.code, template.stateless)


def check_template(template, n) -> dict:
    start = time.perf_counter()
    students = _students(n)
    try:
        variants = [template.draw(SECRET, s) for s in students]
    except Exception as error:  # noqa: BLE001 - reported per template, with the others still checked
        return {"problems": [f"draw raised {error!r}"], "count": 1, "seconds": time.perf_counter() - start}
    problems = []
    for v in variants:
        problems += [f"{v.student_id}: {p}" for p in variant_problems(v)]
    # Reproducible: the same secret, student and template give the same variant, and Keras run afresh
    # (past the bank's cache of answers) on the code the student reads gives the same answer.
    for s, v in list(zip(students, variants, strict=True))[:5]:
        if template.draw(SECRET, s) != v:
            problems.append(f"{s}: a second draw differs")
        if v.kind != "call" and template.format(_run_afresh(template, v)) != v.answer_text:
            problems.append(f"{s}: Keras run afresh gives {_run_afresh(template, v)!r}, not {v.answer_text}")
    # Students differ: most pairs of neighbours get different parameters, and many variants exist.
    keys = [json.dumps(v.params, sort_keys=True) for v in variants]
    pairs = list(zip(keys[::2], keys[1::2], strict=False))
    same = sum(a == b for a, b in pairs)
    if same > 0.2 * len(pairs):
        problems.append(f"{same} of {len(pairs)} pairs of students got the same variant")
    # A template whose wrong options often coincide with the answer risks running out of redraws.
    redraws = [v.redraws for v in variants]
    if sum(redraws) > 2 * n or max(redraws) > 20:
        problems.append(f"too many redraws: mean {sum(redraws) / n:.2f}, max {max(redraws)}")
    if len(set(keys)) < min(0.4 * n, 25):
        problems.append(f"only {len(set(keys))} distinct variants among {n} students")
    return {
        "problems": problems[:10],
        "count": len(problems),
        "seconds": time.perf_counter() - start,
        "digest": variants_digest(variants[:SAME_EVERYWHERE]),
    }


def variants_digest(variants) -> str:
    """What an LMS export holds of each variant: the same on every backend, or exports would differ."""
    shown = [[v.params, v.code, v.answer_text, v.options, v.correct] for v in variants]
    return hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()


def check_backend(backend: str, n: int) -> dict:
    import keras

    from helpers.quiz import bank as question_bank

    assert keras.backend.backend() == backend, keras.backend.backend()
    return {t.id: check_template(t, n) for t in question_bank.templates()}


def _draws(backend: str) -> int:
    return int(os.environ.get("QUESTION_BANK_DRAWS", DRAWS[backend]))


@pytest.fixture(scope="module")
def variants_here():
    """Digests of the first students' variants, drawn in this process (its own Keras backend)."""
    from helpers.quiz import bank as question_bank

    students = _students(SAME_EVERYWHERE)
    return {t.id: variants_digest([t.draw(SECRET, s) for s in students]) for t in question_bank.templates()}


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_template_matches_an_independent_computation(backend, record_time, variants_here):
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(ROOT)}
    script = (
        "import json, sys; sys.path.insert(0, 'tests')\n"
        "from test_question_bank import check_backend\n"
        f"print('RESULT', json.dumps(check_backend({backend!r}, {_draws(backend)})))\n"
    )
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    seconds = time.perf_counter() - start
    record_time("question bank (per backend)", f"{backend} x{_draws(backend)}", seconds)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))
    report = json.loads(line[len("RESULT ") :])
    broken = {tid: r["problems"] for tid, r in report.items() if r["count"]}
    assert not broken, json.dumps(broken, indent=1)[:6000]
    differ = [tid for tid, r in report.items() if r["digest"] != variants_here[tid]]
    assert not differ, f"{backend} draws other variants than this process's backend for {differ}"


# ---------------------------------------------------------------------------------------------
# The registry and bad input (current backend, no Keras run needed beyond one draw)
# ---------------------------------------------------------------------------------------------


def test_every_section_has_at_least_two_templates():
    from helpers.quiz import bank as question_bank
    from helpers.sections import sections

    ids = [t.id for t in question_bank.templates()]
    assert len(ids) == len(set(ids)) and len(ids) >= 34
    for entry in sections():
        found = question_bank.templates_for(entry["section"])
        assert len(found) >= 2, entry
    # Every template is checked here: an independent answer, or a rule for each kind of call.
    unchecked = [t.id for t in question_bank.templates() if t.kind != "call" and t.id not in EXPECTED]
    assert not unchecked, unchecked
    for t in question_bank.templates():
        if t.kind != "call":
            assert len(t.mistakes) >= 3, t.id


def test_call_kinds_all_have_a_rule():
    from helpers.quiz import bank as question_bank

    kinds = set()
    for t in question_bank.templates():
        if t.kind == "call":
            for i in range(30):
                kinds |= {c["kind"] for c in t.params(np.random.default_rng(i))["calls"]}
    assert kinds <= set(FAILS), kinds - set(FAILS)


@pytest.mark.parametrize(
    "template_id, secret, student, message",
    [
        ("no_such_template", SECRET, "alice", "unknown question template"),
        ("conv2d_output_shape", SECRET, "", "student id"),
        ("conv2d_output_shape", SECRET, "   ", "student id"),
        ("conv2d_output_shape", SECRET, None, "student id"),
        ("conv2d_output_shape", "", "alice", "course secret"),
    ],
)
def test_bad_input_is_a_one_line_value_error(template_id, secret, student, message):
    from helpers.quiz import bank as question_bank

    with pytest.raises(ValueError, match=message) as info:
        question_bank.draw(template_id, secret, student)
    assert "\n" not in str(info.value)


def test_unknown_section_is_a_one_line_value_error():
    from helpers.quiz import bank as question_bank

    with pytest.raises(ValueError, match="no question templates") as info:
        question_bank.templates_for("99")
    assert "\n" not in str(info.value)


def test_secret_changes_the_variant_and_lms_forms():
    from helpers.quiz import bank as question_bank

    a = question_bank.draw("conv2d_output_shape", "one secret", "alice")
    b = question_bank.draw("conv2d_output_shape", "another secret", "alice")
    c = question_bank.draw("conv2d_output_shape", "one secret", "alice")
    assert a == c and a.params != b.params  # (checked: these two secrets draw different layers)
    assert a.lms_answer() == {"type": "shortanswer", "text": a.answer_text}
    n = question_bank.draw("gelu_value", "one secret", "alice")
    assert n.lms_answer() == {"type": "numerical", "value": n.answer, "tolerance": 5e-5}
    assert question_bank.draw("merge_which_call_fails", "one secret", "alice").lms_answer() is None

"""Self-check exercises of notebook 09 (recurrent layers)."""

from __future__ import annotations

import numpy as np

from helpers.selfcheck import Exercise, NotYet, register


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _lstm_step_in_order(x_t, h, c, kernel, recurrent_kernel, bias, order):
    parts = dict(zip(order, np.split(x_t @ kernel + h @ recurrent_kernel + bias, 4, axis=-1), strict=True))
    new_c = _sigmoid(parts["f"]) * c + _sigmoid(parts["i"]) * np.tanh(parts["c"])
    return _sigmoid(parts["o"]) * np.tanh(new_c), new_c


def _check_lstm_step(lstm_step):
    import keras

    rng = np.random.default_rng(9)
    features, units = 3, 4
    x_t = rng.normal(size=(2, features)).astype("float32")
    h = rng.normal(scale=0.5, size=(2, units)).astype("float32")
    c = rng.normal(scale=0.5, size=(2, units)).astype("float32")
    weights = [rng.normal(scale=0.6, size=shape).astype("float32")
               for shape in [(features, 4 * units), (units, 4 * units), (4 * units,)]]
    result = lstm_step(x_t, h, c, *weights)
    if not isinstance(result, tuple | list) or len(result) != 2:
        raise NotYet(f"return the pair (new_h, new_c), got {type(result).__name__}")
    cell = keras.layers.LSTMCell(units)
    cell.build((None, features))
    cell.set_weights(weights)
    _, (want_h, want_c) = cell(x_t, [h, c])
    want_h, want_c = keras.ops.convert_to_numpy(want_h), keras.ops.convert_to_numpy(want_c)
    got_h, got_c = (np.asarray(r, dtype="float64") for r in result)
    if got_c.shape != want_c.shape or got_h.shape != want_h.shape:
        raise NotYet(f"new_h and new_c should both have shape {want_h.shape} (batch, units), "
                     f"got {got_h.shape} and {got_c.shape}")
    if not np.allclose(got_c, want_c, atol=1e-4):
        for order in ("fico", "icfo", "ifoc", "oifc"):
            if np.allclose(got_c, _lstm_step_in_order(x_t, h, c, *weights, order)[1], atol=1e-4):
                raise NotYet(f"new_c uses the gates in the order {', '.join(order)}; Keras stores them "
                             "along the last axis of z = x·W + h·U + b in the order i, f, c, o "
                             "(input, forget, candidate, output)")
        raise NotYet("new_c differs from Keras's LSTMCell: new_c = σ(z_f) ⊙ c + σ(z_i) ⊙ tanh(z_c), with "
                     "z = x_t·kernel + h·recurrent_kernel + bias split in four along the last axis")
    if not np.allclose(got_h, want_h, atol=1e-4):
        raise NotYet("new_c is right but new_h is not: new_h = σ(z_o) ⊙ tanh(new_c)")
    return "your step equals Keras's LSTMCell on random weights, for both new_h and new_c."


register(Exercise(
    key="09.1", title="One LSTM step by hand", minutes=15, objectives=(2,),
    task="Write lstm_step(x_t, h, c, kernel, recurrent_kernel, bias) in NumPy: one step of an LSTM from the "
         "three arrays LSTM.get_weights() returns, for x_t (batch, features) and states h, c (batch, units). "
         "Return (new_h, new_c). Done when the check prints ✓: it gives Keras's LSTMCell the same random "
         "weights and states and compares both results.",
    answer="lstm_step",
    check_answer=_check_lstm_step,
    hint="z = x_t @ kernel + h @ recurrent_kernel + bias; np.split(z, 4, axis=-1) gives the gates in the "
         "order i, f, c, o; sigmoid for i, f, o, tanh for the candidate; new_c first, then new_h.",
    solution='''
import numpy as np

def lstm_step(x_t, h, c, kernel, recurrent_kernel, bias):
    sigmoid = lambda z: 1 / (1 + np.exp(-z))
    z_i, z_f, z_c, z_o = np.split(x_t @ kernel + h @ recurrent_kernel + bias, 4, axis=-1)
    new_c = sigmoid(z_f) * c + sigmoid(z_i) * np.tanh(z_c)
    new_h = sigmoid(z_o) * np.tanh(new_c)
    return new_h, new_c
''',
    wrong=(
        ('''
import numpy as np

def lstm_step(x_t, h, c, kernel, recurrent_kernel, bias):
    sigmoid = lambda z: 1 / (1 + np.exp(-z))
    z_f, z_i, z_c, z_o = np.split(x_t @ kernel + h @ recurrent_kernel + bias, 4, axis=-1)
    new_c = sigmoid(z_f) * c + sigmoid(z_i) * np.tanh(z_c)
    return sigmoid(z_o) * np.tanh(new_c), new_c
''', "in the order i, f, c, o"),
        ('''
import numpy as np

def lstm_step(x_t, h, c, kernel, recurrent_kernel, bias):
    sigmoid = lambda z: 1 / (1 + np.exp(-z))
    z_i, z_f, z_c, z_o = np.split(x_t @ kernel + h @ recurrent_kernel + bias, 4, axis=-1)
    new_c = sigmoid(z_f) * c + sigmoid(z_i) * np.tanh(z_c)
    return sigmoid(z_o) * new_c, new_c
''', "new_h = σ(z_o) ⊙ tanh(new_c)"),
        ('''
import numpy as np

def lstm_step(x_t, h, c, kernel, recurrent_kernel, bias):
    sigmoid = lambda z: 1 / (1 + np.exp(-z))
    z_i, z_f, z_c, z_o = np.split(x_t @ kernel + h @ recurrent_kernel + bias, 4, axis=-1)
    new_c = sigmoid(z_i) * np.tanh(z_c)
    return sigmoid(z_o) * np.tanh(new_c), new_c
''', "new_c differs from Keras's LSTMCell"),
    ),
))


def _keras_params(kind, features, units, reset_after):
    import keras

    options = {"reset_after": reset_after} if kind == "GRU" else {}
    cheap = {"kernel_initializer": "zeros", "recurrent_initializer": "zeros"}  # fast on every backend
    layer = getattr(keras.layers, kind)(units, **options, **cheap)
    layer.build((None, 7, features))
    return layer.count_params()


def _check_params(recurrent_params):
    cases = [("SimpleRNN", 5, 3, True), ("GRU", 5, 3, True), ("LSTM", 5, 3, True), ("GRU", 5, 3, False),
             ("LSTM", 1, 8, True), ("SimpleRNN", 2, 6, True), ("GRU", 4, 7, True)]
    for kind, features, units, reset_after in cases:
        extra = f", reset_after={reset_after}" if kind == "GRU" else ""
        call = f"recurrent_params({kind!r}, features={features}, units={units}{extra})"
        got = (recurrent_params(kind, features, units, reset_after=reset_after) if kind == "GRU"
               else recurrent_params(kind, features, units))
        if got is None:
            raise NotYet(f"{call} returned None: return the number of weights")
        want = _keras_params(kind, features, units, reset_after)
        if got != want:
            raise NotYet(f"{call}: Keras's {kind}({units}) on {features} features has {want} weights, "
                         f"you said {got}. Count kernel (features × units per gate), recurrent kernel "
                         "(units × units per gate) and biases (per gate; GRU with reset_after=True has two "
                         "bias vectors)")
    return "your counts equal count_params() of SimpleRNN, GRU (both reset_after) and LSTM on seven settings."


register(Exercise(
    key="09.2", title="Count the weights of a recurrent layer", minutes=10, objectives=(1,),
    task="Write recurrent_params(kind, features, units, reset_after=True) returning the number of weights of "
         "keras.layers.<kind>(units) on inputs with `features` features per step, for kind 'SimpleRNN', "
         "'GRU' (reset_after applies to it) or 'LSTM'. Done when the check prints ✓: it compares with "
         "count_params() of layers it builds.",
    answer="recurrent_params",
    check_answer=_check_params,
    hint="Per gate: features·units (kernel) + units·units (recurrent kernel) + units (bias). SimpleRNN has 1 "
         "gate, GRU 3, LSTM 4; GRU with reset_after=True has a second bias vector of 3·units.",
    solution='''
def recurrent_params(kind, features, units, reset_after=True):
    gates = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}[kind]
    biases = 2 if kind == "GRU" and reset_after else 1
    return gates * (features * units + units * units + biases * units)
''',
    wrong=(
        ('''
def recurrent_params(kind, features, units, reset_after=True):
    gates = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}[kind]
    return gates * (features * units + units * units + units)
''', "has 90 weights, you said 81"),
        ('''
def recurrent_params(kind, features, units, reset_after=True):
    gates = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}[kind]
    return gates * (features * units + units * units) + units
''', "you said 75"),
        ('''
def recurrent_params(kind, features, units, reset_after=True):
    gates = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}[kind]
    return gates * (features * units + units)
''', "has 27 weights, you said 18"),
    ),
))


def _keras_shapes(kind, batch, time, units, return_sequences, return_state):
    import keras

    layer = getattr(keras.layers, kind)(units, return_sequences=return_sequences, return_state=return_state,
                                        kernel_initializer="zeros", recurrent_initializer="zeros")
    result = layer(keras.Input(batch_shape=(batch, time, 2)))  # symbolic: the shapes without computing
    result = result if isinstance(result, list | tuple) else [result]
    return [tuple(int(n) for n in r.shape) for r in result]


def _check_shapes(rnn_output_shapes):
    batch, time, units = 2, 6, 4
    for kind in ("SimpleRNN", "GRU", "LSTM"):
        for return_sequences in (False, True):
            for return_state in (False, True):
                call = (f"rnn_output_shapes({kind!r}, batch={batch}, time={time}, units={units}, "
                        f"return_sequences={return_sequences}, return_state={return_state})")
                got = rnn_output_shapes(kind, batch, time, units, return_sequences=return_sequences,
                                        return_state=return_state)
                if got is None:
                    raise NotYet(f"{call} returned None: return a list of shape tuples")
                got = [tuple(shape) for shape in got]
                want = _keras_shapes(kind, batch, time, units, return_sequences, return_state)
                if got != want:
                    raise NotYet(f"{call}: Keras returns {want}, you said {got}")
    return "your shapes match all twelve combinations of layer, return_sequences and return_state."


register(Exercise(
    key="09.3", title="What does the layer return?", minutes=10, objectives=(3,),
    task="Write rnn_output_shapes(kind, batch, time, units, return_sequences=False, return_state=False) "
         "returning the list of shapes (as tuples) of what keras.layers.<kind>(units, return_sequences=..., "
         "return_state=...) returns for an input (batch, time, features): one shape when it returns one "
         "tensor. kind is 'SimpleRNN', 'GRU' or 'LSTM'. Done when the check prints ✓ for all twelve "
         "combinations, compared with the layers themselves.",
    answer="rnn_output_shapes",
    check_answer=_check_shapes,
    hint="The output is (batch, time, units) with return_sequences, else (batch, units). return_state adds "
         "the final states, each (batch, units): h for SimpleRNN and GRU, h and c for LSTM.",
    solution='''
def rnn_output_shapes(kind, batch, time, units, return_sequences=False, return_state=False):
    output = (batch, time, units) if return_sequences else (batch, units)
    states = (2 if kind == "LSTM" else 1) if return_state else 0
    return [output] + [(batch, units)] * states
''',
    wrong=(
        ('''
def rnn_output_shapes(kind, batch, time, units, return_sequences=False, return_state=False):
    output = (batch, time, units) if return_sequences else (batch, units)
    return [output, (batch, units)] if return_state else [output]
''', "Keras returns [(2, 4), (2, 4), (2, 4)]"),
        ('''
def rnn_output_shapes(kind, batch, time, units, return_sequences=False, return_state=False):
    output = (batch, time, units) if return_sequences else (batch, units)
    states = (2 if kind == "LSTM" else 1) if return_state else 0
    return [output] + [output] * states
''', "Keras returns [(2, 6, 4), (2, 4)]"),
    ),
))

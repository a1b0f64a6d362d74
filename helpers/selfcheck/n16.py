"""Self-check exercises of notebook 16 (activation layers)."""

from __future__ import annotations

import numpy as np

from helpers.selfcheck import Exercise, NotYet, register

# ---------------------------------------------------------------- 16.1 which layers are non-linear

_LAYERS = {  # letter: (label, why it is or is not affine)
    "A": ("Dense(4)", "without an activation it computes x @ kernel + bias"),
    "B": ('Dense(4, activation="tanh")', "tanh bends"),
    "C": ("Dropout(0.5) at inference", "at inference Dropout returns its input"),
    "D": ("BatchNormalization() at inference",
          "at inference it is a per-feature scale and shift by its moving statistics"),
    "E": ("ReLU(negative_slope=1.0)", "a slope of 1 on both sides of 0 is the identity"),
    "F": ("LeakyReLU()", "slope 0.3 below 0 and 1 above is a bend at 0"),
    "G": ("Softmax()", "it divides exponentials by their sum"),
    "H": ("PReLU() as built", "its slopes start at 0, so it starts as a plain ReLU"),
}
_FEATURES = 4


def _make(letter: str):
    import keras

    rng = np.random.default_rng(16)
    layer = {
        "A": lambda: keras.layers.Dense(_FEATURES),
        "B": lambda: keras.layers.Dense(_FEATURES, activation="tanh"),
        "C": lambda: keras.layers.Dropout(0.5),
        "D": lambda: keras.layers.BatchNormalization(),
        "E": lambda: keras.layers.ReLU(negative_slope=1.0),
        "F": lambda: keras.layers.LeakyReLU(),
        "G": lambda: keras.layers.Softmax(),
        "H": lambda: keras.layers.PReLU(),
    }[letter]()
    layer.build((None, _FEATURES))
    if letter == "D":  # trained-looking statistics, so the scale and shift are not trivial
        gamma, beta, mean = rng.normal(size=(3, _FEATURES))
        variance = rng.uniform(0.5, 2.0, _FEATURES)
        layer.set_weights([w.astype("float32") for w in (gamma, beta, mean, variance)])
    return layer


def _affine_defect(letter: str) -> float:
    """max |f(u + v) - f(u) - f(v) + f(0)| of the layer called in inference mode, on random inputs."""
    import keras

    layer = _make(letter)
    u, v = np.random.default_rng(1).normal(size=(2, 32, _FEATURES)).astype("float32")

    def f(x):
        return keras.ops.convert_to_numpy(layer(x, training=False))

    return float(np.abs(f(u + v) - f(u) - f(v) + f(np.zeros_like(u))).max())


def _check_nonlinear(nonlinear):
    if not isinstance(nonlinear, (set, frozenset, list, tuple)) or not all(
            isinstance(x, str) for x in nonlinear):
        raise NotYet(f"give a set of letters such as {{'A', 'C'}}; got {nonlinear!r}.")
    chosen = {letter.strip().upper() for letter in nonlinear}
    unknown = sorted(chosen - set(_LAYERS))
    if unknown:
        raise NotYet(f"unknown letters {unknown}: the layers are labelled A to H.")
    problems = []
    for letter, (label, why) in _LAYERS.items():
        defect = _affine_defect(letter)
        is_nonlinear = defect > 1e-3
        if letter in chosen and not is_nonlinear:
            problems.append(f"{letter} ({label}) is affine, so it adds no non-linearity (affine defect "
                            f"{defect:.1e} on random inputs): {why}.")
        elif letter not in chosen and is_nonlinear:
            problems.append(f"{letter} ({label}) is non-linear (affine defect {defect:.2f}): {why}.")
    if problems:
        raise NotYet(f"{len(problems)} letter(s) not right yet. " + " ".join(problems))
    return ("B, F, G and H make a model non-linear; A, C, D and E are affine maps, whose affine defect "
            "Keras computes as zero (to rounding) on random inputs.")


register(Exercise(
    key="16.1", title="Which layers make a model non-linear?", minutes=15, objectives=(2,),
    task=("Which of these layers make a model non-linear (an affine map, x @ W + c, counts as linear)? "
          "A Dense(4); B Dense(4, activation='tanh'); C Dropout(0.5) at inference; D BatchNormalization() "
          "at inference, with trained statistics; E ReLU(negative_slope=1.0); F LeakyReLU(); G Softmax(); "
          "H PReLU() as built. Set nonlinear to the set of letters; test your guesses with affine_defect "
          "first. Done when the check prints ✓: it computes each layer's affine defect in Keras."),
    answer="nonlinear",
    check_answer=_check_nonlinear,
    hint=("Write each layer's output for one sample as a formula. If it is a matrix product plus a "
          "constant (the identity and a per-feature scale and shift included), it is affine. A bend, a "
          "cap or a division by a sum of exponentials makes it non-linear."),
    solution='''
nonlinear = {"B", "F", "G", "H"}  # tanh, a leak below 0, softmax, a ReLU-shaped PReLU
''',
    wrong=(
        ('nonlinear = {"B", "C", "E", "F", "G", "H"}', "C (Dropout(0.5) at inference) is affine"),
        ('nonlinear = {"B", "F", "H"}', "G (Softmax()) is non-linear"),
        ('nonlinear = {"B", "D", "F", "G", "H"}', "D (BatchNormalization() at inference) is affine"),
    ),
))

# ---------------------------------------------------------------- 16.2 ReLU and LeakyReLU by hand

_X = [-1.0, 1.0, 2.0, 3.0, 5.0]


def _keras_outputs() -> dict[str, list[float]]:
    import keras

    x = np.array(_X, "float32")
    relu = keras.layers.ReLU(max_value=4.0, negative_slope=0.5, threshold=2.0)
    leaky = keras.layers.LeakyReLU()
    return {name: [float(v) for v in keras.ops.convert_to_numpy(layer(x))]
            for name, layer in (("relu", relu), ("leaky", leaky))}


def _check_predicted(predicted):
    if not isinstance(predicted, dict) or set(predicted) != {"relu", "leaky"}:
        raise NotYet('give a dict with two keys, {"relu": [five numbers], "leaky": [five numbers]}; '
                      f"got {predicted!r}.")
    want = _keras_outputs()
    for name in ("relu", "leaky"):
        got = np.asarray(predicted[name], dtype="float64").ravel()
        if got.shape != (len(_X),):
            raise NotYet(f'predicted["{name}"] needs five numbers, one per x in {_X}; '
                         f"got {predicted[name]!r}.")
        wrong = [i for i in range(len(_X)) if not np.isclose(got[i], want[name][i], atol=1e-4)]
        if not wrong:
            continue
        if name == "relu":
            if np.isclose(got[3], 1.0) or np.isclose(got[4], 3.0):
                raise NotYet("above the threshold ReLU outputs x itself (then capped at 4), "
                             "not x − threshold: ReLU(...)(3) is 3.")
            if np.isclose(got[0], -0.5):
                raise NotYet("the leak is measured from the threshold: below it the output is "
                             "0.5·(x − 2), so x = −1 gives −1.5, not 0.5·(−1).")
            if np.isclose(got[4], 5.0):
                raise NotYet("max_value=4 caps the output: x = 5 gives 4.")
            if np.isclose(got[2], 2.0):
                raise NotYet("x = 2 is not above the threshold 2, so it takes the negative branch: "
                             "0.5·(2 − 2) = 0.")
        if name == "leaky" and np.isclose(got[0], -0.2):
            raise NotYet("LeakyReLU()'s default slope is 0.3 (0.2 is the default of the function "
                         "keras.activations.leaky_relu), so x = −1 gives −0.3.")
        details = "; ".join(f"x = {_X[i]:g}: expected {want[name][i]:g}, got {got[i]:g}" for i in wrong)
        raise NotYet(f'predicted["{name}"] is off at {details}.')
    return ("your ten numbers match what Keras's ReLU(max_value=4, negative_slope=0.5, threshold=2) and "
            "LeakyReLU() return.")


register(Exercise(
    key="16.2", title="Predict ReLU and LeakyReLU outputs by hand", minutes=10, objectives=(3,),
    task=("Without running Keras, predict the outputs of ReLU(max_value=4, negative_slope=0.5, threshold=2) "
          "and of LeakyReLU() (default arguments) for x = [-1, 1, 2, 3, 5]. Set predicted = "
          '{"relu": [five numbers], "leaky": [five numbers]}. Done when the check prints ✓: it runs both '
          "layers on those inputs and compares."),
    answer="predicted",
    check_answer=_check_predicted,
    hint=("ReLU: if x > threshold, min(x, max_value); otherwise negative_slope·(x − threshold). Mind x = 2, "
          "which equals the threshold. LeakyReLU's default negative_slope is 0.3."),
    solution='''
predicted = {
    "relu": [-1.5, -0.5, 0.0, 3.0, 4.0],   # 0.5·(x − 2) up to x = 2, then x, capped at 4
    "leaky": [-0.3, 1.0, 2.0, 3.0, 5.0],   # 0.3·x below 0
}
''',
    wrong=(
        ('predicted = {"relu": [-1.5, -0.5, 0.0, 1.0, 3.0], "leaky": [-0.3, 1.0, 2.0, 3.0, 5.0]}',
         "not x − threshold"),
        ('predicted = {"relu": [-0.5, 0.5, 1.0, 3.0, 4.0], "leaky": [-0.3, 1.0, 2.0, 3.0, 5.0]}',
         "measured from the threshold"),
        ('predicted = {"relu": [-1.5, -0.5, 0.0, 3.0, 4.0], "leaky": [-0.2, 1.0, 2.0, 3.0, 5.0]}',
         "default slope is 0.3"),
    ),
))

# ---------------------------------------------------------------- 16.3 how many slopes a PReLU learns

_PRELU_CASES = [((10, 10, 16), None), ((10, 10, 16), [1, 2]), ((7, 5), [1]), ((16, 10, 10), [2, 3]),
                ((4, 6, 8), [1, 2, 3])]


def _keras_slopes(sample_shape, shared_axes) -> int:
    import keras

    layer = keras.layers.PReLU(shared_axes=shared_axes)
    layer.build((None, *sample_shape))
    return int(layer.count_params())


def _check_prelu_slopes(prelu_slopes):
    for sample_shape, shared_axes in _PRELU_CASES:
        got = prelu_slopes(sample_shape, None if shared_axes is None else list(shared_axes))
        if got is None:
            raise NotYet("prelu_slopes returned None: return the number of slopes, an integer.")
        want = _keras_slopes(sample_shape, shared_axes)
        if got == want:
            continue
        where = f"for samples of shape {sample_shape} and shared_axes={shared_axes}: "
        if shared_axes is not None and got == int(np.prod(sample_shape)):
            raise NotYet(where + f"you give {got}, one slope per entry; each shared axis has one slope "
                         f"for its whole length, so Keras learns {want}.")
        zero_based = int(np.prod([n for i, n in enumerate(sample_shape) if i not in (shared_axes or [])]))
        if shared_axes is not None and got == zero_based:
            raise NotYet(where + f"you give {got}: shared_axes count the batch as axis 0, so axis 1 is "
                         f"the first axis of a sample. Keras learns {want}.")
        raise NotYet(where + f"Keras learns {want} slopes (count_params after build), you give {got}.")
    return ("your counts match Keras's PReLU on five shapes: one slope per entry of a sample, except along "
            "shared axes (numbered with the batch as axis 0).")


register(Exercise(
    key="16.3", title="How many slopes does a PReLU learn?", minutes=10, objectives=(5,),
    task=("Write prelu_slopes(sample_shape, shared_axes=None): the number of slopes (trainable parameters) a "
          "PReLU(shared_axes=shared_axes) learns on inputs of shape (batch, *sample_shape). Done when the "
          "check prints ✓: it builds PReLU layers on five shapes (images channels-last and channels-first, "
          "sequences) and compares with count_params()."),
    answer="prelu_slopes",
    check_answer=_check_prelu_slopes,
    hint=("Without shared_axes there is one slope per entry of a sample. A shared axis contributes a factor "
          "1 instead of its length. The axis numbers include the batch: axis 1 is sample_shape[0]."),
    solution='''
def prelu_slopes(sample_shape, shared_axes=None):
    shared = set(shared_axes or [])
    count = 1
    for axis, size in enumerate(sample_shape, start=1):  # axis 0 is the batch
        if axis not in shared:
            count *= size
    return count
''',
    wrong=(
        ("import numpy as np\ndef prelu_slopes(sample_shape, shared_axes=None):\n"
         "    return int(np.prod(sample_shape))", "one slope per entry"),
        ("import numpy as np\ndef prelu_slopes(sample_shape, shared_axes=None):\n"
         "    shared = shared_axes or []\n"
         "    return int(np.prod([n for i, n in enumerate(sample_shape) if i not in shared]))",
         "count the batch as axis 0"),
        ("def prelu_slopes(sample_shape, shared_axes=None):\n    return sample_shape[-1]",
         "Keras learns 1600"),
    ),
))

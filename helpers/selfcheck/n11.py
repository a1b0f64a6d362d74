"""Self-check exercises of notebook 11 (normalization layers)."""

from __future__ import annotations

import warnings

import numpy as np

from helpers.selfcheck import Exercise, NotYet, register


def _to_numpy(value):
    """A NumPy copy; a Keras variable's conversion makes NumPy 2 warn (harmless), which stays silent here."""
    from helpers.nbtools import to_numpy

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="__array__ implementation doesn't accept a copy keyword",
                                category=DeprecationWarning)
        return to_numpy(value)


# ---------------------------------------------------------------- 11.1 moving mean after k steps


def _check_moving_mean(moving_mean_after):
    from keras import layers

    batch = (np.random.default_rng(7).normal(size=(8, 3)) + [3.0, -2.0, 0.5]).astype("float32")
    batch_mean = batch.mean(axis=0)
    for momentum, steps in [(0.8, 5), (0.5, 3), (0.8, 1), (0.99, 30)]:
        got = moving_mean_after(steps, momentum, batch_mean.copy())
        if got is None:
            raise NotYet("your `moving_mean_after` returned None: return the moving mean (one value per "
                         "feature).")
        layer = layers.BatchNormalization(momentum=momentum)
        for _ in range(steps):
            layer(batch, training=True)
        want = _to_numpy(layer.moving_mean)
        got = np.asarray(got, dtype="float64")
        if got.shape != want.shape or not np.allclose(got, want, rtol=1e-4, atol=1e-5):
            where = f"after {steps} step{'s' if steps > 1 else ''} with momentum={momentum}"
            pytorch = (1 - (1 - momentum) ** steps) * batch_mean
            if got.shape == want.shape and np.allclose(got, pytorch, rtol=1e-4):
                raise NotYet(f"{where} you give {np.round(got, 4).tolist()}: that is PyTorch's convention. "
                             "In Keras momentum is the weight of the old value: moving = momentum·moving + "
                             "(1 − momentum)·batch.")
            raise NotYet(f"{where} Keras's moving mean is {np.round(want, 4).tolist()}, yours "
                         f"{np.round(got, 4).tolist()}: start at 0 and apply moving = momentum·moving + "
                         "(1 − momentum)·batch mean once per step.")
    return ("your moving means match BatchNormalization's after 1 to 30 steps, for momentum 0.5, 0.8 "
            "and 0.99.")


register(Exercise(
    key="11.1", title="The moving mean after k training steps", minutes=15, objectives=(3,),
    task="A fresh BatchNormalization (moving mean 0) is called k times in training mode on the same batch. "
         "Write moving_mean_after(steps, momentum, batch_mean) returning its moving mean afterwards, from "
         "the update rule (a loop or a closed form). Done when the check prints ✓ (it runs the Keras layer "
         "for four (momentum, steps) pairs and compares).",
    answer="moving_mean_after",
    check_answer=_check_moving_mean,
    hint="One step: moving = momentum·moving + (1 − momentum)·batch_mean. From 0, after k steps the old "
         "value's share is momentum^k, so moving = (1 − momentum^k)·batch_mean.",
    solution='''
def moving_mean_after(steps, momentum, batch_mean):
    return (1 - momentum ** steps) * batch_mean
''',
    wrong=(
        ("def moving_mean_after(steps, momentum, batch_mean):\n"
         "    return (1 - (1 - momentum) ** steps) * batch_mean", "PyTorch's convention"),
        ("def moving_mean_after(steps, momentum, batch_mean):\n    return momentum ** steps * batch_mean",
         "Keras's moving mean is"),
        ("def moving_mean_after(steps, momentum, batch_mean):\n"
         "    return (1 - momentum ** (steps + 1)) * batch_mean", "once per step"),
    ),
))


# ---------------------------------------------------------------- 11.2 fold BatchNormalization into Dense


def _check_fold(fold_batch_norm):
    import keras

    rng = np.random.default_rng(8)
    kernel, bias = rng.normal(size=(4, 5)), rng.normal(size=5)
    gamma, beta = rng.uniform(0.5, 2.0, size=5), rng.normal(size=5)
    moving_mean = rng.normal(size=5)
    moving_variance = rng.uniform(1e-3, 1e-2, size=5)  # as small as epsilon: where it goes matters
    epsilon = 1e-3
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5),
                              keras.layers.BatchNormalization(epsilon=epsilon)])
    model.layers[0].set_weights([kernel.astype("float32"), bias.astype("float32")])
    model.layers[1].set_weights([w.astype("float32") for w in (gamma, beta, moving_mean, moving_variance)])
    x = rng.normal(size=(16, 4)).astype("float32")
    answer = fold_batch_norm(kernel.copy(), bias.copy(), gamma.copy(), beta.copy(), moving_mean.copy(),
                             moving_variance.copy(), epsilon)
    if answer is None:
        raise NotYet("your `fold_batch_norm` returned None: return (new_kernel, new_bias).")
    want = _to_numpy(model(x, training=False))
    new_kernel, new_bias = (np.asarray(part, dtype="float64") for part in answer)
    if new_kernel.shape != kernel.shape or new_bias.shape != bias.shape:
        raise NotYet(f"expected a kernel of shape {kernel.shape} and a bias of shape {bias.shape}, got "
                     f"{new_kernel.shape} and {new_bias.shape}.")
    got = x @ new_kernel + new_bias
    if not np.allclose(got, want, rtol=1e-3, atol=1e-3):
        without_eps = gamma / np.sqrt(moving_variance)
        if np.allclose(new_kernel, kernel * without_eps, rtol=1e-4):
            raise NotYet("your kernel scales by γ/√variance: BatchNormalization divides by √(variance + ε), "
                         "and here the variance is as small as ε.")
        raise NotYet(f"the folded Dense differs from Dense + BatchNormalization at inference by up to "
                     f"{np.abs(got - want).max():.3g}: with s = γ/√(moving variance + ε) per output "
                     "unit, the new kernel is kernel·s (each column scaled) and the new bias "
                     "(bias − moving mean)·s + β.")
    return "your folded Dense gives the same inference output as Dense followed by BatchNormalization."


register(Exercise(
    key="11.2", title="Fold BatchNormalization into the Dense before it", minutes=20, objectives=(2, 3),
    task="At inference BatchNormalization is an affine map, so Dense followed by BatchNormalization is one "
         "Dense. Write fold_batch_norm(kernel, bias, gamma, beta, moving_mean, moving_variance, epsilon) "
         "returning (new_kernel, new_bias) such that x @ new_kernel + new_bias equals the pair's inference "
         "output. Done when the check prints ✓ (it compares with a Keras Dense + BatchNormalization).",
    answer="fold_batch_norm",
    check_answer=_check_fold,
    hint="Write the inference output as γ·(x @ kernel + bias − mean)/√(var + ε) + β and collect what "
         "multiplies x (one factor per output column) and what does not.",
    solution='''
import numpy as np

def fold_batch_norm(kernel, bias, gamma, beta, moving_mean, moving_variance, epsilon):
    s = gamma / np.sqrt(moving_variance + epsilon)
    return kernel * s, (bias - moving_mean) * s + beta
''',
    wrong=(
        ("import numpy as np\n"
         "def fold_batch_norm(kernel, bias, gamma, beta, moving_mean, moving_variance, epsilon):\n"
         "    s = gamma / np.sqrt(moving_variance)\n    return kernel * s, (bias - moving_mean) * s + beta",
         "√(variance + ε)"),
        ("import numpy as np\n"
         "def fold_batch_norm(kernel, bias, gamma, beta, moving_mean, moving_variance, epsilon):\n"
         "    s = gamma / np.sqrt(moving_variance + epsilon)\n    return kernel * s, bias * s + beta",
         "new bias (bias − moving mean)·s + β"),
        ("import numpy as np\n"
         "def fold_batch_norm(kernel, bias, gamma, beta, moving_mean, moving_variance, epsilon):\n"
         "    s = gamma / np.sqrt(moving_variance + epsilon)\n"
         "    return kernel * s[:, None], (bias - moving_mean) * s + beta",
         "raised ValueError"),
    ),
))


# ---------------------------------------------------------------- 11.3 group normalization, channels first


def _check_group_norm(group_norm_channels_first):
    from keras import layers

    rng = np.random.default_rng(9)
    x = (rng.normal(size=(2, 6, 4, 5)) * np.arange(1, 7)[:, None, None] + np.arange(6)[:, None, None])
    x = x.astype("float32")
    for groups in (3, 2):
        got = group_norm_channels_first(x.copy(), groups)
        if got is None:
            raise NotYet("your function returned None: return the normalized array, shaped like its input.")
        want = _to_numpy(layers.GroupNormalization(groups=groups, axis=1, epsilon=1e-3)(x))
        got = np.asarray(got, dtype="float64")
        if got.shape != want.shape:
            raise NotYet(f"your output has shape {got.shape}; the input's is {want.shape}.")
        if not np.allclose(got, want, rtol=1e-3, atol=1e-3):
            interleaved = x.reshape(2, 6 // groups, groups, 4, 5)
            mean = interleaved.mean(axis=(1, 3, 4), keepdims=True)
            var = interleaved.var(axis=(1, 3, 4), keepdims=True)
            if np.allclose(got, ((interleaved - mean) / np.sqrt(var + 1e-3)).reshape(x.shape), atol=1e-3):
                raise NotYet(f"for groups={groups} your groups interleave the channels (channel k in group "
                             "k % groups); Keras's groups are blocks of consecutive channels: reshape the "
                             "channel axis as (groups, channels // groups).")
            raise NotYet(f"for groups={groups} your output differs from Keras's by up to "
                         f"{np.abs(got - want).max():.3g}: each group is channels // groups consecutive "
                         "channels (axis 1), normalized over those channels and all of height and width of "
                         "one sample, with the biased variance and ε = 1e-3 inside the square root.")
    return "your group normalization matches GroupNormalization(axis=1) for 3 and 2 groups."


register(Exercise(
    key="11.3", title="Group normalization for channels-first input", minutes=20, objectives=(1, 2),
    task="Write group_norm_channels_first(x, groups) in NumPy for x of shape (batch, channels, height, "
         "width): the output of GroupNormalization(groups=groups, axis=1, epsilon=1e-3) with its initial "
         "γ = 1 and β = 0. Done when the check prints ✓ (it compares with Keras for 3 and 2 groups).",
    answer="group_norm_channels_first",
    check_answer=_check_group_norm,
    hint="Reshape to (batch, groups, channels // groups, height, width), take the mean and the (biased) "
         "variance over the last three axes with keepdims=True, normalize, reshape back.",
    solution='''
import numpy as np

def group_norm_channels_first(x, groups, epsilon=1e-3):
    n, c, h, w = x.shape
    grouped = x.reshape(n, groups, c // groups, h, w)
    mean = grouped.mean(axis=(2, 3, 4), keepdims=True)
    var = grouped.var(axis=(2, 3, 4), keepdims=True)
    return ((grouped - mean) / np.sqrt(var + epsilon)).reshape(x.shape)
''',
    wrong=(
        ("import numpy as np\ndef group_norm_channels_first(x, groups, epsilon=1e-3):\n"
         "    n, c, h, w = x.shape\n    grouped = x.reshape(n, c // groups, groups, h, w)\n"
         "    mean = grouped.mean(axis=(1, 3, 4), keepdims=True)\n"
         "    var = grouped.var(axis=(1, 3, 4), keepdims=True)\n"
         "    return ((grouped - mean) / np.sqrt(var + epsilon)).reshape(x.shape)",
         "interleave the channels"),
        ("import numpy as np\ndef group_norm_channels_first(x, groups, epsilon=1e-3):\n"
         "    n, h, w, c = x.shape\n    grouped = x.reshape(n, h, w, groups, c // groups)\n"
         "    mean = grouped.mean(axis=(1, 2, 4), keepdims=True)\n"
         "    var = grouped.var(axis=(1, 2, 4), keepdims=True)\n"
         "    return ((grouped - mean) / np.sqrt(var + epsilon)).reshape(x.shape)", "raised ValueError"),
        ("import numpy as np\ndef group_norm_channels_first(x, groups, epsilon=1e-3):\n"
         "    n, c, h, w = x.shape\n    grouped = x.reshape(n, groups, c // groups, h, w)\n"
         "    mean = grouped.mean(axis=(2, 3, 4), keepdims=True)\n"
         "    var = grouped.var(axis=(2, 3, 4), keepdims=True, ddof=1)\n"
         "    return ((grouped - mean) / np.sqrt(var + epsilon)).reshape(x.shape)", "biased variance"),
    ),
))

"""helpers.fullbatch: full-batch steps equal fit's full-batch epochs, one loss per step."""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from helpers.fullbatch import train_full_batch  # noqa: E402


def linear_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    return model


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype("float32")
    return x, (x @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.3).astype("float32")


def test_losses_match_fit_full_batch_epochs():
    x, y = data()
    with_fit = linear_model()
    fit_losses = with_fit.fit(x, y, epochs=5, batch_size=len(x), shuffle=False, verbose=0).history["loss"]
    with_steps = linear_model()
    step_losses = train_full_batch(with_steps, x, y, 5)
    np.testing.assert_allclose(step_losses, fit_losses, rtol=1e-5)
    for a, b in zip(with_fit.get_weights(), with_steps.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_each_loss_is_that_steps_loss_not_a_running_mean():
    x, y = data()
    model = linear_model()
    first_loss = float(np.mean((keras.ops.convert_to_numpy(model(x)) - y) ** 2))
    losses = train_full_batch(model, x, y, 3)
    np.testing.assert_allclose(losses[0], first_loss, rtol=1e-5)
    before_third = linear_model()
    train_full_batch(before_third, x, y, 2)
    third = float(np.mean((keras.ops.convert_to_numpy(before_third(x)) - y) ** 2))
    np.testing.assert_allclose(losses[2], third, rtol=1e-5)
    assert losses[0] > losses[1] > losses[2]


def test_works_with_metrics_and_rejects_zero_steps():
    x, y = data()
    model = linear_model()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    assert len(train_full_batch(model, x, y, 2)) == 2
    with pytest.raises(ValueError, match="at least 1"):
        train_full_batch(model, x, y, 0)

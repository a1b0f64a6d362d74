"""Full-batch training steps with the loss of every step, fast on every backend.

`model.fit(x, y, epochs=n, batch_size=len(x))` pays `fit`'s per-epoch set-up cost n times, which
dominates when each epoch is a single step. `train_full_batch` runs the same n gradient steps with
`train_on_batch`, resetting the metrics before each one so that the value returned is that step's
loss, not a running mean.
"""

from __future__ import annotations


def train_full_batch(model, x, y, steps: int) -> list[float]:
    """Run `steps` optimizer steps of the compiled `model` on all of (x, y); return each step's loss.

    The loss of a step is computed on the weights *before* that step's update, as `fit` reports it.
    """
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    losses = []
    for _ in range(steps):
        model.reset_metrics()
        result = model.train_on_batch(x, y)
        losses.append(float(result[0] if isinstance(result, (list, tuple)) else result))
    return losses

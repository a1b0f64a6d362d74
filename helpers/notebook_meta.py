"""What a course notebook's metadata says about where it runs.

A notebook that cannot run on every backend says so in its jupytext header, with the reason:

    # jupyter:
    #   course:
    #     backends: [torch]
    #     backends_reason: TorchModuleWrapper wraps a torch.nn.Module, which only the torch backend runs
"""

from __future__ import annotations

ALL_BACKENDS = ("tensorflow", "jax", "torch")


def backends_of(metadata: dict) -> tuple[str, ...]:
    """The backends a notebook runs on (all three unless its `course.backends` metadata narrows it)."""
    course = metadata.get("course") or {}
    chosen = course.get("backends")
    if chosen is None:
        return ALL_BACKENDS
    unknown = sorted(set(chosen) - set(ALL_BACKENDS))
    if unknown or not chosen:
        raise ValueError(f"course.backends must be a non-empty subset of {ALL_BACKENDS}, got {chosen}")
    if not course.get("backends_reason"):
        raise ValueError("a notebook that narrows course.backends must give course.backends_reason")
    return tuple(b for b in ALL_BACKENDS if b in chosen)

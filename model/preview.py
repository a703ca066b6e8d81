"""What the page may show of a run while a lesson's question is open: where it goes, frame by frame,
and nothing of how it ends, nor of where it goes next.

A Preview has the run's setup (optimizer, lr, start, batch size) and its arrays for the animation,
padded with the last iterate to the setup's full number of steps, so neither the length of the
arrays nor a slider that stops early gives away when a run stopped. It has no fate, no
convergence or divergence step: a chart built from previews cannot say how a run ended, whatever
the chart's code does; and charts draw the arrows that point to the next iterate only for runs
with a fate (for gradient descent the arrow's head is the next point, the answer to "where is w
after one step?").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Preview:
    optimizer: str
    lr: float
    start: int
    variant: int
    path: np.ndarray  # (steps + 1, dim)
    losses: np.ndarray  # (steps + 1,)
    grads: np.ndarray  # (steps, dim)
    lrs: np.ndarray  # (steps,)
    epochs: np.ndarray
    hyper: dict
    batch_size: int | None
    per_epoch: int
    batch_rows: np.ndarray | None
    sync: int = 1
    fate: None = None  # nothing of the outcome: viz.runs.fate_text says nothing for it

    @property
    def steps_taken(self) -> int:
        return len(self.path) - 1

    @property
    def point(self) -> tuple[float, ...]:
        return tuple(float(v) for v in self.path[0])


def _pad(a: np.ndarray | None, n: int, hold: bool = True) -> np.ndarray | None:
    """a with its last row repeated up to n rows (`hold`), or zeros (a step not taken)."""
    if a is None:
        return None
    if len(a) >= n:
        return a[:n]
    last = a[-1:] if len(a) and hold else np.zeros((1, *a.shape[1:]), dtype=a.dtype)
    return np.concatenate([a, np.repeat(last, n - len(a), axis=0)])


def preview(run, steps: int) -> Preview:
    """The run as a prediction may see it: its iterates up to where it stopped, then held there
    until `steps` (the setup's number of steps)."""
    k = run.steps_taken
    path, losses = run.path[: k + 1], run.losses[: k + 1]
    return Preview(
        optimizer=run.optimizer,
        lr=run.lr,
        start=run.start,
        variant=run.variant,
        path=_pad(path, steps + 1),
        losses=_pad(losses, steps + 1),
        grads=_pad(run.grads[:k], steps, hold=False),
        lrs=_pad(run.lrs[:k], steps, hold=False),
        epochs=_pad(np.asarray(run.epochs), steps),
        hyper=run.hyper,
        batch_size=run.batch_size,
        per_epoch=run.per_epoch,
        batch_rows=_pad(None if run.batch_rows is None else run.batch_rows[:k], steps),
        sync=run.sync,
    )

"""How runs look: a legend label and a line style per run, and points pinned inside the view.

A point outside the view (lr = 10 sends w from 5 to -75 in one step) is never dropped silently:
it is drawn on the edge of the view, as an open triangle pointing the way it went, with its value.
"""

from __future__ import annotations

import numpy as np

from .figure import sig
from .style import DASHES, SYMBOLS, color_of, format_lr


def label(run, runs, T) -> str:
    """'GD · lr 0.1', with the start and the batch size added where runs differ in them."""
    text = T("run.label", optimizer=T(f"opt.{run.optimizer}.short"), lr=format_lr(run.lr))
    if len({r.start for r in runs if r.optimizer == run.optimizer}) > 1:
        text += " · " + T("run.start", n=run.start + 1)
    if any(r.batch_size is not None for r in runs):
        text += " · " + batch_label(run.batch_size, T)
    return text


def batch_label(batch_size, T) -> str:
    """'full batch', 'SGD (batch 1)' or 'batch 10'."""
    if batch_size is None:
        return T("batch.full")
    return T("batch.sgd") if batch_size == 1 else T("batch.mini", k=batch_size)


def style(run) -> dict:
    """Colour of its optimizer; dash and marker shape by variant (lr or start)."""
    return dict(
        color=color_of(run.optimizer),
        dash=DASHES[run.variant % len(DASHES)],
        symbol=SYMBOLS[run.variant % len(SYMBOLS)],
    )


def shown(run) -> int:
    """How many iterates to draw: up to the last one the run reached."""
    return run.steps_taken + 1


def pin(points: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points clipped into the box [lo, hi] and a mask of the ones that were outside."""
    inside = ((points >= lo) & (points <= hi)).all(axis=-1)
    return np.clip(points, lo, hi), ~inside


def pinned_symbol(point: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> str:
    """The open triangle that points from the edge towards where an off-view point went."""
    if point[0] < lo[0]:
        return "triangle-left-open"
    if point[0] > hi[0]:
        return "triangle-right-open"
    if len(point) > 1 and point[1] < lo[1]:
        return "triangle-down-open"
    return "triangle-up-open"


def fmt(v: float) -> str:
    """A number for a label: 4 significant figures, no trailing noise."""
    return f"{v:.4g}"


def path_trace(
    run,
    runs,
    pinned,
    off,
    raw_hover,
    hover: str,
    digits: int,
    width: float,
    size: float,
    lo,
    hi,
    T,
    markers: int = 80,
) -> dict:
    """A run's iterates as one scatter trace: a line through the points pinned into the view, open
    triangles for the ones outside, and a hover that shows the true values (raw_hover columns
    are %{customdata[i]} in `hover`; the step is the point number)."""
    st = style(run)
    symbols = [pinned_symbol(p, lo, hi) for p in pinned[off]] if off.any() else []
    symbol = st["symbol"]
    if symbols:
        symbol = np.full(len(pinned), st["symbol"], dtype=object)
        symbol[off] = symbols
        symbol = symbol.tolist()
    return dict(
        type="scatter",
        x=np.round(pinned[:, 0], digits).tolist(),
        y=np.round(pinned[:, 1], digits).tolist(),
        mode="lines+markers",
        name=label(run, runs, T),
        line=dict(color=st["color"], width=width, dash=st["dash"]),
        marker=dict(size=size, symbol=symbol, color=st["color"], maxdisplayed=markers),
        customdata=sig(raw_hover, 6),
        hovertemplate=T("hover.step")
        + " %{pointNumber}<br>"
        + hover
        + "<extra>"
        + label(run, runs, T)
        + "</extra>",
    )

"""How runs look: a legend label and a line style per run, and points pinned inside the view.

A point outside the view (lr = 10 sends w from 5 to -75 in one step) is never dropped silently:
it is drawn on the edge of the view, as an open triangle pointing the way it went, with its value.
"""

from __future__ import annotations

import numpy as np

from .figure import sig
from .style import DASHES, SYMBOLS, format_lr, run_colors


def label(run, runs, T) -> str:
    """'GD · lr 0.1', with the start (its point) and the batch size added where runs differ in them;
    where every run has the same optimizer and lr and something else tells them apart, only that
    ('SGD (batch 1)' beside 'full batch', 'from w = 1.8' beside 'from w = -0.2')."""
    parts = []
    same = len({(r.optimizer, r.lr) for r in runs}) == 1
    if len({r.start for r in runs if r.optimizer == run.optimizer}) > 1:
        parts.append(start_label(run, T))
    if any(r.batch_size is not None for r in runs):
        parts.append(batch_label(run.batch_size, T))
    if not (same and parts and len(runs) > 1):
        parts.insert(0, T("run.label", optimizer=T(f"opt.{run.optimizer}.short"), lr=format_lr(run.lr)))
    return " · ".join(parts)


def start_label(run, T) -> str:
    """'from w = 1.8', 'from (1.5, 0.01)': where a run starts."""
    point = run.point
    if len(point) == 1:
        return T("run.start_w", w=fmt(float(point[0])))
    return T("run.start_at", point="(" + ", ".join(fmt(float(v)) for v in point) + ")")


def batch_label(batch_size, T) -> str:
    """'full batch', 'SGD (batch 1)' or 'batch 10'."""
    if batch_size is None:
        return T("batch.full")
    return T("batch.sgd") if batch_size == 1 else T("batch.mini", k=batch_size)


def styles(runs, solid: bool = False) -> list[dict]:
    """Per run: its own colour (viz.style.run_colors), and a dash and marker shape by variant (another
    lr, start or batch of the same optimizer); `solid` draws every line solid."""
    return [
        dict(
            color=color,
            dash="solid" if solid else DASHES[run.variant % len(DASHES)],
            symbol=SYMBOLS[run.variant % len(SYMBOLS)],
        )
        for run, color in zip(runs, run_colors(runs), strict=True)
    ]


def shown(run) -> int:
    """How many iterates to draw: up to the last one the run reached."""
    return run.steps_taken + 1


PIN_INSET = 2e-3  # of the view: a pinned point stays inside the axes after rounding (plotly.js does not
# draw the text of an annotation whose anchor lies outside them)


def pin(points: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points clipped just inside the box [lo, hi], and a mask of the ones that were outside."""
    inside = ((points >= lo) & (points <= hi)).all(axis=-1)
    inset = PIN_INSET * (np.asarray(hi) - np.asarray(lo))
    return np.where(inside[..., None], points, np.clip(points, lo + inset, hi - inset)), ~inside


def pinned_symbol(point: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> str:
    """The open triangle that points from the edge towards where an off-view point went."""
    if point[0] < lo[0]:
        return "triangle-left-open"
    if point[0] > hi[0]:
        return "triangle-right-open"
    if len(point) > 1 and point[1] < lo[1]:
        return "triangle-down-open"
    return "triangle-up-open"


SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def power_of_ten(mantissa: str, exponent: int) -> str:
    """Scientific notation as a school writes it: power_of_ten("7.5", 127) is 7.5×10¹²⁷."""
    return f"{mantissa}×10{str(exponent).translate(SUPERSCRIPT)}"


def fmt(v: float) -> str:
    """A number for a label: 4 significant figures, no trailing noise, a power of ten as one.

    >>> fmt(4.2), fmt(-9904000.0), fmt(9.81e13), fmt(1.5e-7)
    ('4.2', '−9.904×10⁶', '9.81×10¹³', '1.5×10⁻⁷')
    """
    text = f"{v:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = power_of_ten(mantissa, int(exponent))
    return text.replace("-", "−", 1) if text.startswith("-") else text


def fate_text(run, T) -> str:
    """'diverged at step 6': how a run ended (optimizers.fate), '' for a run whose end is not on show
    (a prediction's preview carries no fate)."""
    if run.fate is None:
        return ""
    key = "status.diverging" if run.fate == "diverged" and run.diverged_at < 0 else f"status.{run.fate}"
    return T(key, k=run.fate_at)


def ahead(run) -> bool:
    """Whether a chart may draw what lies ahead of the frame on show (the step about to be taken):
    not for a prediction's preview, which has no fate (model.preview)."""
    return run.fate is not None


def outcome(run, T) -> str:
    """' · diverged at step 6': how a run ended, for its label on the last frame ('' in a preview)."""
    text = fate_text(run, T)
    return " · " + text if text else ""


def path_trace(
    run, runs, look, track, hover: str, digits: int, width: float, size: float, lo, hi, T, grow=False
) -> dict:
    """A run's iterates as one scatter trace: a line through the points pinned into the view, open
    triangles for the ones outside, and a hover that shows the true values (track["raw"] columns are
    %{customdata[i]} in `hover`; the step is the point number). With `grow` the page's script
    draws it only up to the frame on show (meta.grow), every point a marker, the line unsimplified
    so that its vertices are the iterates."""
    pinned, off = track["pinned"], track["off"]
    symbols = [pinned_symbol(p, lo, hi) for p in pinned[off]] if off.any() else []
    symbol = look["symbol"]
    if symbols:
        symbol = np.full(len(pinned), look["symbol"], dtype=object)
        symbol[off] = symbols
        symbol = symbol.tolist()
    name = label(run, runs, T)
    return dict(
        type="scatter",
        x=np.round(pinned[:, 0], digits).tolist(),
        y=np.round(pinned[:, 1], digits).tolist(),
        mode="lines+markers",
        name=name,
        line=dict(color=look["color"], width=width, dash=look["dash"], simplify=not grow),
        marker=dict(size=size, symbol=symbol, color=look["color"], maxdisplayed=0 if grow else 80),
        meta=dict(grow=grow, sync=run.sync),
        **(
            dict(
                customdata=sig(track.get("hover", track["raw"]), 6),
                hovertemplate=T("hover.step") + " %{pointNumber}<br>" + hover + "<extra>" + name + "</extra>",
            )
            if ahead(run)
            else dict(hoverinfo="skip")  # a preview: hovering must not show the iterates still to come
        ),
    )

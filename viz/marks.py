"""The moving marks of an animation frame, as layout shapes and annotations (which, unlike
scatter traces, leave a contour drawn while playing)."""

from __future__ import annotations

import numpy as np

from .style import CURRENT_RADIUS


def digits_for(span) -> int:
    """Decimals that resolve 1/100,000 of the view: enough for any screen, short in JSON."""
    return int(max(0, 5 - np.floor(np.log10(np.min(np.asarray(span, dtype=float))))))


def dot(x: float, y: float, color: str, open_: bool = False, radius: int = CURRENT_RADIUS) -> dict:
    """A circle of fixed pixel size anchored at a data point (round whatever the axis scales)."""
    return dict(
        type="circle",
        xref="x",
        yref="y",
        xsizemode="pixel",
        ysizemode="pixel",
        xanchor=x,
        yanchor=y,
        x0=-radius,
        x1=radius,
        y0=-radius,
        y1=radius,
        fillcolor="#FFFFFF" if open_ else color,
        line=dict(color=color if open_ else "#FFFFFF", width=3),
        layer="above",
    )


def segment(p, q, color: str, width: float = 2.5, dash: str = "solid") -> dict:
    return dict(
        type="line",
        xref="x",
        yref="y",
        x0=p[0],
        y0=p[1],
        x1=q[0],
        y1=q[1],
        line=dict(color=color, width=width, dash=dash),
        layer="above",
    )


def polyline(xs, ys, digits: int) -> str:
    """An SVG path through the points (xs, ys), in data coordinates."""
    pts = np.round(np.stack([xs, ys], axis=-1), digits).tolist()
    return "M" + "L".join(f"{x},{y}" for x, y in pts)


def path(d: str, color: str, width: float = 2.5, dash: str = "solid") -> dict:
    """An SVG path shape in data coordinates (clipped to the plot like every axis-referenced shape)."""
    return dict(
        type="path", xref="x", yref="y", path=d, line=dict(color=color, width=width, dash=dash), layer="above"
    )


def arrow(tail, head, color: str, width: float = 3.0) -> dict:
    """An arrow from tail to head in data coordinates (plain floats, already rounded)."""
    return dict(
        x=head[0],
        y=head[1],
        ax=tail[0],
        ay=tail[1],
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        text="",
        showarrow=True,
        arrowhead=2,
        arrowwidth=width,
        arrowcolor=color,
    )


def note(
    x: float,
    y: float,
    text: str,
    color: str,
    xanchor: str = "center",
    yanchor: str = "bottom",
    size: int = 15,
) -> dict:
    """A small text label at a data point (used for values of points pinned to the edge)."""
    return dict(
        x=x,
        y=y,
        xref="x",
        yref="y",
        text=text,
        showarrow=False,
        font=dict(size=size, color=color),
        bgcolor="rgba(255,255,255,0.85)",
        bordercolor=color,
        borderwidth=1,
        xanchor=xanchor,
        yanchor=yanchor,
    )


def clip_segments(P: np.ndarray, Q: np.ndarray, lo, hi) -> np.ndarray:
    """The ends of segments P -> Q (P inside the box [lo, hi]) cut where they leave the box."""
    D = Q - P
    with np.errstate(divide="ignore", invalid="ignore"):
        T = np.where(D > 0, (hi - P) / D, np.where(D < 0, (lo - P) / D, np.inf))
    t = np.clip(np.min(T, axis=-1, keepdims=True), 0.0, 1.0)
    return P + t * D


def long_enough(P, Q, lo, hi, fraction=0.01) -> np.ndarray:
    """Which segments P -> Q span more than `fraction` of the view in some axis (worth an arrow)."""
    return (np.abs(Q - P) > fraction * (np.asarray(hi) - np.asarray(lo))).any(axis=-1)


def visible_scale(V: np.ndarray, lo, hi, at_least: float = 0.05) -> np.ndarray:
    """Per row of vectors V (..., m, dim): the factor >= 1 that makes the longest of its m vectors
    span `at_least` of the view (1 where they are long enough, zero or not finite)."""
    span = np.asarray(hi, dtype=float) - np.asarray(lo, dtype=float)
    with np.errstate(invalid="ignore"):
        longest = np.max(np.abs(V) / span, axis=(-2, -1))
    ok = np.isfinite(longest) & (longest > 0)
    return np.where(ok, np.maximum(1.0, at_least / np.where(ok, longest, 1.0)), 1.0)


def run_label(
    x: float, y: float, text: str, color: str, lo, hi, inside: bool, stack: int = 0, size: int = 15
) -> dict:
    """A run's name beside its current point (up and to the right, or towards the view's centre from
    a point pinned to an edge), in its colour; `stack` lifts the labels of runs at the same point."""
    line = size + 9
    if inside:
        return note(x, y, text, color, "left", "bottom", size) | dict(xshift=12, yshift=8 + line * stack)
    return note(
        x,
        y,
        text,
        color,
        xanchor="left"
        if x <= lo[0] + 1e-2 * (hi[0] - lo[0])
        else "right"
        if x >= hi[0] - 1e-2 * (hi[0] - lo[0])
        else "center",
        yanchor="top" if y >= hi[1] - 1e-2 * (hi[1] - lo[1]) else "bottom",
        size=size,
    ) | dict(yshift=(-1 if y >= hi[1] - 1e-2 * (hi[1] - lo[1]) else 1) * 2 * line * stack)


def stacking(points) -> list[int]:
    """For points (x, y) in order: how many earlier points are at the same place."""
    seen: dict = {}
    out = []
    for p in points:
        key = tuple(p)
        out.append(seen.get(key, 0))
        seen[key] = out[-1] + 1
    return out

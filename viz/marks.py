"""The moving marks of an animation frame, as layout shapes and annotations (which, unlike
scatter traces, leave a contour drawn while playing)."""

from __future__ import annotations

import numpy as np

from .style import CURRENT_RADIUS, readable


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
        font=dict(size=size, color=readable(color)),  # the run's hue, dark enough to read
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


PLOT_PX = (900.0, 420.0)  # the plot area labels are placed in (a projector's; a phone's type is smaller too)
# Where a label may sit around its point, in order of preference: (xanchor, yanchor, xshift, yshift).
CORNERS = (
    ("left", "bottom", 12, 8),
    ("right", "bottom", -12, 8),
    ("left", "top", 12, -8),
    ("right", "top", -12, -8),
)


def text_px(text: str, size: int) -> tuple[float, float]:
    """A label's box in px, estimated from its text: Hangul and other wide letters take a full em."""
    lines = text.split("<br>")
    width = max(sum(size if ord(c) > 0x2E80 else 0.58 * size for c in line) for line in lines)
    return width + 8, len(lines) * (size + 6) + 4


def _box(px, py, w, h, corner):
    xanchor, yanchor, dx, dy = corner
    x0 = px + dx if xanchor == "left" else px + dx - w
    y0 = py + dy if yanchor == "bottom" else py + dy - h
    return (x0, y0, x0 + w, y0 + h)


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def placements(points, texts, lo, hi, size: int) -> list[dict]:
    """Where each run's label goes in one frame: beside its point, at the first corner whose box
    stays inside the plot and overlaps no label placed before it (lifted further while all four
    collide). Points are in data units; the plot is taken as PLOT_PX."""
    W, H = PLOT_PX
    span = np.asarray(hi, dtype=float) - np.asarray(lo, dtype=float)
    placed, out = [], []
    for (x, y), text in zip(points, texts):
        px, py = (x - lo[0]) / span[0] * W, (y - lo[1]) / span[1] * H
        w, h = text_px(text, size)
        best = None
        for lift in range(0, 8):
            for corner in CORNERS:
                c = (*corner[:3], corner[3] + (lift * (h + 2) if corner[1] == "bottom" else -lift * (h + 2)))
                box = _box(px, py, w, h, c)
                inside = box[0] >= 0 and box[2] <= W and box[1] >= 0 and box[3] <= H
                if inside and not any(_overlaps(box, b) for b in placed):
                    best = (c, box)
                    break
            if best:
                break
        if best is None:  # nowhere free inside: the first corner that stays inside, or just the first
            c = next((c for c in CORNERS if _inside(_box(px, py, w, h, c), W, H)), CORNERS[0])
            best = (c, _box(px, py, w, h, c))
        placed.append(best[1])
        xanchor, yanchor, dx, dy = best[0]
        out.append(dict(xanchor=xanchor, yanchor=yanchor, xshift=dx, yshift=dy))
    return out


def _inside(box, W, H) -> bool:
    return box[0] >= 0 and box[2] <= W and box[1] >= 0 and box[3] <= H


def run_label(x: float, y: float, text: str, color: str, place: dict, size: int = 15) -> dict:
    """A run's name beside its current point, in its colour, where `placements` put it."""
    return note(x, y, text, color, size=size) | place

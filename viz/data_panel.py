"""The data beside the loss: the points, and per frame each run's model at its current parameters
(the fitted line, or the sigmoid and its decision boundary) with the current mini-batch ringed.

It lives on axes x2/y2 of the loss view's own figure, so one set of frames drives both panels.
"""

from __future__ import annotations

import numpy as np

from .animation import index
from .figure import rounded
from .marks import digits_for, dot
from .style import AXIS

DOMAIN_LOSS, DOMAIN_DATA = [0.0, 0.54], [0.69, 1.0]  # the gap holds the data's y ticks and title
PHONE = (820, [("", [0.45, 1.0]), ("2", [0.0, 0.3])])  # on a phone: the loss, and the data under it
CURVE_POINTS = 40


def has_data(surface) -> bool:
    return surface.data is not None


CLASS_COLORS = ("#E69F00", "#56B4E9", "#009E73")  # Okabe-Ito: a softmax model's three classes
CLASS_FILLS = ("rgba(230,159,0,0.16)", "rgba(86,180,233,0.16)", "rgba(0,158,115,0.16)")


def multiclass(surface) -> bool:
    return surface.kind == "multiclass"


def data_box(surface) -> tuple[np.ndarray, np.ndarray]:
    x, y = surface.data.x, surface.data.y
    if multiclass(surface):  # points in the plane: both coordinates are inputs
        pad = 0.08 * np.ptp(x, axis=0)
        return x.min(axis=0) - pad, x.max(axis=0) + pad
    pad_x = 0.06 * (np.ptp(x) or 1.0)
    if surface.kind == "classification":
        return np.array([x.min() - pad_x, -0.12]), np.array([x.max() + pad_x, 1.12])
    pad_y = 0.1 * (np.ptp(y) or 1.0)
    return np.array([x.min() - pad_x, y.min() - pad_y]), np.array([x.max() + pad_x, y.max() + pad_y])


def data_traces(surface, T) -> list[dict]:
    x, y = surface.data.x, surface.data.y
    if multiclass(surface):
        return [
            dict(
                type="scatter",
                x=rounded(x[y == k, 0], 5),
                y=rounded(x[y == k, 1], 5),
                mode="markers",
                xaxis="x2",
                yaxis="y2",
                name=T("data.class", k=k + 1),
                marker=dict(size=9, color=CLASS_COLORS[k], line=dict(color="#FFFFFF", width=1)),
                hovertemplate="(%{x:.3g}, %{y:.3g})<extra>" + T("data.class", k=k + 1) + "</extra>",
            )
            for k in range(len(CLASS_COLORS))
        ]
    what = T("data.label") if surface.kind == "classification" else "y"
    return [
        *_solution_trace(surface, T),
        dict(
            type="scatter",
            x=rounded(x, 5),
            y=rounded(y, 5),
            mode="markers",
            xaxis="x2",
            yaxis="y2",
            name=T("data.points", n=len(x)),
            marker=dict(size=9, color="#8A94A6", line=dict(color="#FFFFFF", width=1)),
            hovertemplate="x = %{x:.4g}<br>"
            + what
            + " = %{y:.4g}<extra>"
            + T("data.row")
            + " %{pointNumber}</extra>",
        ),
    ]


def _solution_trace(surface, T) -> list[dict]:
    """The least-squares line in closed form (the normal equations' solution), dashed, where the
    loss has one: what every run's line is heading for."""
    if surface.solution is None:
        return []
    lo, hi = data_box(surface)
    xs = np.array([lo[0], hi[0]])
    ys = surface.predict(surface.solution, xs)
    return [
        dict(
            type="scatter",
            x=rounded(xs, 5),
            y=rounded(ys, 5),
            mode="lines",
            xaxis="x2",
            yaxis="y2",
            name=T("data.closed_form"),
            line=dict(color="#1B1F24", width=2.5, dash="dash"),
            hovertemplate=T("data.closed_form") + "<extra></extra>",
        )
    ]


def data_axes(surface, T) -> dict:
    lo, hi = data_box(surface)
    ytitle = T("axis.label01") if surface.kind == "classification" else "x₂" if multiclass(surface) else "y"
    return dict(
        xaxis2=dict(
            AXIS,
            domain=DOMAIN_DATA,
            anchor="y2",
            range=[lo[0], hi[0]],
            autorange=False,
            title=dict(text="x₁" if multiclass(surface) else "x"),
        ),
        yaxis2=dict(AXIS, anchor="x2", range=[lo[1], hi[1]], autorange=False, title=dict(text=ytitle)),
    )


def region_frames(surface, runs, steps) -> list[list[dict]]:
    """Per frame: the first run's decision regions, the parts of the panel each class wins, as
    filled polygons (a linear classifier's regions are convex: the box cut by two half-planes)."""
    lo, hi = data_box(surface)
    digits = digits_for(hi - lo)
    run = runs[0]
    frames = []
    for k in steps:
        P = run.path[index(run, k)]
        shapes = []
        for cls, poly in enumerate(surface.regions(P, (lo, hi))):
            if len(poly) >= 3:
                path = "M" + "L".join(f"{round(a, digits)},{round(b, digits)}" for a, b in poly) + "Z"
                shapes.append(dict(type="path", xref="x2", yref="y2", path=path, fillcolor=CLASS_FILLS[cls],
                                   line=dict(color=CLASS_COLORS[cls], width=1.5), layer="below"))  # fmt: skip
        frames.append(shapes)
    return frames


def box_segment(xs, Y, lo, hi) -> tuple[np.ndarray, np.ndarray]:
    """The part inside the box [lo, hi] of each line from (xs[0], Y[:, 0]) to (xs[1], Y[:, 1]):
    its end points (X, Y), each (frames, 2); a line that misses the box shrinks to a point on its
    edge. The slope is kept (Liang-Barsky on y; the line spans the box's x range)."""
    y0, dy = Y[:, 0], Y[:, 1] - Y[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        ta, tb = (lo[1] - y0) / dy, (hi[1] - y0) / dy
    flat = dy == 0
    t0 = np.where(flat, 0.0, np.clip(np.minimum(ta, tb), 0.0, 1.0))
    t1 = np.where(flat, 1.0, np.minimum(1.0, np.maximum(ta, tb)))
    t1 = np.maximum(t1, t0)  # outside the box: one point
    t = np.stack([t0, t1], axis=1)
    X = xs[0] + t * (xs[1] - xs[0])
    return X, np.clip(y0[:, None] + t * dy[:, None], lo[1], hi[1])


def data_frames(surface, runs, looks, steps) -> list[dict]:
    """Per frame: shapes (model lines, ringed batch rows) for the data panel."""
    if multiclass(surface):
        return region_frames(surface, runs, steps)
    lo, hi = data_box(surface)
    digits = digits_for(hi - lo)
    curved = surface.kind == "classification" or surface.curved
    xs = np.linspace(lo[0], hi[0], CURVE_POINTS if curved else 2)
    ringed = next(
        (i for i, r in enumerate(runs) if r.batch_size is not None and r.batch_rows is not None), None
    )
    per_run = []
    for run, look in zip(runs, looks, strict=True):
        j = index(run, steps)
        P = run.path[j]
        Y = surface.predict(P, xs)  # (frames, points)
        if len(xs) == 2:  # a line: cut where it leaves the box (clipping y alone would tilt it)
            X, Y = box_segment(xs, Y, lo, hi)
        else:
            X, Y = np.broadcast_to(xs, Y.shape), np.clip(Y, lo[1], hi[1])
        boundary = None
        if surface.kind == "classification":
            with np.errstate(divide="ignore", invalid="ignore"):
                boundary = np.where(np.abs(P[:, 0]) > 1e-12, -P[:, 1] / P[:, 0], np.nan)
        per_run.append((look["color"], np.round(X, digits).tolist(), np.round(Y, digits).tolist(), boundary))
    frames = []
    for f, k in enumerate(steps):
        shapes = []
        for color, X, Y, boundary in per_run:
            if len(xs) == 2:
                shapes.append(
                    dict(
                        type="line",
                        xref="x2",
                        yref="y2",
                        x0=X[f][0],
                        y0=Y[f][0],
                        x1=X[f][1],
                        y1=Y[f][1],
                        line=dict(color=color, width=3.5),
                    )
                )
            else:
                path = "M" + "L".join(f"{a},{b}" for a, b in zip(X[f], Y[f], strict=True))
                shapes.append(
                    dict(type="path", xref="x2", yref="y2", path=path, line=dict(color=color, width=3.5))
                )
                if boundary is not None and lo[0] < boundary[f] < hi[0]:
                    shapes.append(
                        dict(
                            type="line",
                            xref="x2",
                            yref="y2",
                            x0=round(float(boundary[f]), digits),
                            x1=round(float(boundary[f]), digits),
                            y0=lo[1],
                            y1=hi[1],
                            line=dict(color=color, width=2, dash="dash"),
                        )
                    )
        k = int(index(runs[ringed], k)) if ringed is not None else 0
        if ringed is not None and 1 <= k <= runs[ringed].steps_taken:
            rows = runs[ringed].batch_rows[k - 1]
            rows = rows[rows >= 0]
            for i in rows[:60]:
                ring = dot(
                    round(float(surface.data.x[i]), digits),
                    round(float(surface.data.y[i]), digits),
                    looks[ringed]["color"],
                    open_=True,
                    radius=8,
                )
                ring.update(xref="x2", yref="y2", fillcolor="rgba(0,0,0,0)")
                shapes.append(ring)
        frames.append(shapes)
    return frames


def add_data_panel(surface, runs, looks, steps, data: list, marks_per_frame: list, T) -> dict:
    """Put the data panel into a loss view being built: its traces into `data`, its moving shapes
    into each frame's marks; returns the layout entries of its axes ({} for a surface without data)."""
    if not has_data(surface):
        return {}
    data += data_traces(surface, T)
    for marks, extra in zip(marks_per_frame, data_frames(surface, runs, looks, steps), strict=True):
        marks["shapes"] += extra
    return data_axes(surface, T)

"""The 1-D view: the loss curve, each run's iterates joined in order, and per frame the current
point with its tangent line (the first-order Taylor view L(w + d) ~ L(w) + L'(w) d), the step to
the next iterate, optionally the second-order model, and the run's label beside it (its value when
the point is off the view, pinned to the edge; its outcome on the last frame)."""

from __future__ import annotations

import numpy as np

from optimizers.search import grid_search

from . import marks
from .animation import ROW, controls, controls_margin, epoch_labels, frame_steps, index, last_tick
from .data_panel import DOMAIN_LOSS, PHONE, add_data_panel
from .figure import defined, rounded
from .runs import ahead, fmt, label, outcome, path_trace, pin, shown, styles
from .style import AXIS, LINE_WIDTH, MARKER_SIZE, MINIMUM_COLOR, base_layout, sizes, stack_panels

CURVE_POINTS = 400
SEARCH_COLOR = "#56B4E9"  # a grid search's evaluations: Okabe-Ito sky blue
PARABOLA_POINTS = 15
CRITICAL_SYMBOLS = {
    "maximum": "triangle-down",
    "saddle": "x",
    "flat_maximum": "triangle-down-open",
    "inflection": "diamond-open",
    "degenerate": "diamond-open",
}


def curve_window(surface, bounds=None) -> tuple[np.ndarray, np.ndarray]:
    """The fixed view box (lo, hi) in (w, L): the surface's w range and the curve's L range."""
    w_lo, w_hi = np.asarray(surface.bounds if bounds is None else bounds, dtype=float)[0]
    w = np.linspace(w_lo, w_hi, CURVE_POINTS)
    L = _values(surface, w[:, None])
    L = L[np.isfinite(L)]  # a function may be undefined on part of the view (log w)
    lo, hi = (float(L.min()), float(L.max())) if len(L) else (0.0, 1.0)
    pad = 0.08 * (hi - lo or 1.0)
    return np.array([w_lo, lo - pad]), np.array([w_hi, hi + pad])


def curve_figure(
    surface, runs, T, bounds=None, height=560, taylor=False, grow=False, big=False, phone=False, search=0
) -> dict:
    """Plotly JSON of the animated 1-D view for `runs` (from model.experiment.simulate). `grow` draws
    each path only up to the current frame (a prediction is not spoiled); `big`: the projector's
    sizes, the height left to the page; `phone`: two rows of buttons, a data panel under the curve."""
    lo, hi = curve_window(surface, bounds)
    looks = styles(runs, solid=grow)
    data = curve_traces(surface, T, lo, hi) + (search_traces(surface, search, T) if search else [])
    tracks = [_track(surface, run, lo, hi) for run in runs]
    digits = marks.digits_for(hi - lo)
    for run, look, tr in zip(runs, looks, tracks):
        data.append(
            path_trace(
                run,
                runs,
                look,
                tr,
                "w = %{customdata[0]}<br>L = %{customdata[1]}",
                digits,
                LINE_WIDTH - 1,
                MARKER_SIZE,
                lo,
                hi,
                T,
                grow,
            )
        )
    last = last_tick(runs)
    steps = frame_steps(last)
    marks_per_frame = _frame_marks(steps, runs, looks, tracks, lo, hi, T, taylor, sizes(big)["label"])
    panel = add_data_panel(surface, runs, looks, steps, data, marks_per_frame, T)
    frames = [dict(name=str(int(k)), layout=m) for k, m in zip(steps, marks_per_frame, strict=True)]
    size = sizes(big)
    updatemenus, sliders = controls(
        steps, T, font_size=size["button"], phone=phone, labels=epoch_labels(runs, steps)
    )
    layout = base_layout(
        None if big else height + (ROW if phone else 0),
        big=big,
        xaxis=dict(AXIS, title=dict(text=T("axis.w")), range=[lo[0], hi[0]], autorange=False, fixedrange=True,
                   domain=DOMAIN_LOSS if panel else [0, 1]),
        **panel,
        yaxis=dict(AXIS, title=dict(text=T("axis.loss_w")), range=[lo[1], hi[1]], autorange=False, fixedrange=True),
        updatemenus=updatemenus,
        sliders=sliders,
        margin=dict(l=80, r=30, t=50, b=controls_margin(phone)),
        meta=dict(grow=grow),
        **(frames[0]["layout"] if frames else {}),
    )  # fmt: skip
    if phone and panel:
        stack_panels(layout, *PHONE)
    return dict(data=data, layout=layout, frames=frames)


def search_traces(surface, n: int, T) -> list[dict]:
    """A grid search's n evaluations across the view, and its best one (optimizers.search)."""
    w, losses, best = grid_search(surface, n)
    point = dict(type="scatter", mode="markers", hoverinfo="skip")
    return [
        dict(point, x=rounded(w, 6), y=rounded(losses, 6), name=T("search.points", n=n),
             marker=dict(symbol="line-ns-open", size=16, color=SEARCH_COLOR, line=dict(width=2.5))),
        dict(point, x=rounded(w[[best]], 6), y=rounded(losses[[best]], 6), name=T("search.best"),
             marker=dict(symbol="diamond", size=14, color=SEARCH_COLOR, line=dict(color="#FFFFFF", width=1.5))),
    ]  # fmt: skip


def curve_traces(surface, T, lo, hi) -> list[dict]:
    """The background of every 1-D chart: the loss curve, its known minima and a typed formula's
    other critical points."""
    w = np.linspace(lo[0], hi[0], CURVE_POINTS)
    data = [
        dict(
            type="scatter",
            x=rounded(w),
            y=defined(_values(surface, w[:, None])),
            mode="lines",
            name=T("chart.loss_curve"),
            line=dict(color="#5A6270", width=3),
            hoverinfo="skip",
        )
    ]
    if len(surface.minima):
        m = surface.minima[:, 0]
        data.append(
            dict(
                type="scatter",
                x=rounded(m),
                y=rounded(surface.value(m[:, None])),
                mode="markers+text",
                text=letters(len(m)),  # the names a question's choices use
                textposition="top center",
                textfont=dict(size=20, color=MINIMUM_COLOR),  # letters a class reads from the back
                name=T("chart.minimum"),
                marker=dict(
                    symbol="star", size=16, color=MINIMUM_COLOR, line=dict(color="#FFFFFF", width=1.5)
                ),
                hovertemplate=T("chart.minimum") + "<br>w = %{x:.6g}<br>L = %{y:.6g}<extra></extra>",
            )
        )
    data += critical_traces(surface, T, lambda P: P[:, 0], lambda P: surface.value(P))
    return data


def letters(n: int) -> list[str]:
    """The minima's names: A, B, C, ... (the basin map's and the lessons' too)."""
    return [chr(ord("A") + i) for i in range(n)]


def _values(surface, P):
    with np.errstate(all="ignore"):
        return surface.value(P)


def critical_traces(surface, T, xs, ys) -> list[dict]:
    """The critical points of a typed formula that are not minima (maxima, saddles, inflection and
    degenerate points), one marker trace per kind; the minima have their star trace."""
    points, kinds = surface.critical, surface.critical_kinds
    out = []
    for kind, symbol in CRITICAL_SYMBOLS.items():
        P = (
            points[[k == kind for k in kinds]]
            if points is not None and len(kinds)
            else np.empty((0, surface.dim))
        )
        if len(P):
            out.append(
                dict(
                    type="scatter",
                    x=rounded(xs(P)),
                    y=rounded(ys(P)),
                    mode="markers",
                    name=T(f"critical.{kind}"),
                    marker=dict(
                        symbol=symbol, size=15, color="#1B1F24", line=dict(color="#FFFFFF", width=1.5)
                    ),
                    hovertemplate=T(f"critical.{kind}") + " (%{x:.4g}, %{y:.4g})<extra></extra>",
                )
            )
    return out


def _track(surface, run, lo, hi) -> dict:
    """A run's iterates as (w, L) points, pinned into the view, with the true slope and curvature."""
    n = shown(run)
    raw = np.stack([run.path[:n, 0], run.losses[:n]], axis=-1)
    pinned, off = pin(raw, lo, hi)
    slope = surface.grad(run.path[:n])[:, 0]
    curvature = surface.hessian(run.path[:n])[:, 0, 0]
    return dict(raw=raw, pinned=pinned, off=off, slope=slope, curvature=curvature, n=n)


def _frame_marks(steps, runs, looks, tracks, lo, hi, T, taylor=False, label_size=15) -> list[dict]:
    """Per frame and run, always in the same slots (plotly animates a slot's attributes, so a slot
    keeps its kind): shapes [tangent, parabola?, point] and annotations [label, arrow]. Geometry for
    all frames with NumPy first, then plain dicts."""
    span = hi - lo
    digits = marks.digits_for(span)
    per_run = []
    for run, look, tr in zip(runs, looks, tracks):
        j = index(run, steps)
        P = tr["raw"][j]
        slope = tr["slope"][j]
        half = np.minimum(span[0] / 8, 0.25 * span[1] / np.maximum(np.abs(slope), 1e-12))
        tangent = np.stack(
            [P - np.stack([half, slope * half], -1), P + np.stack([half, slope * half], -1)], axis=1
        )
        nxt = np.minimum(j + 1, tr["n"] - 1)
        # the step: from this iterate to the next one, on the curve (pinned to the edge when it lands
        # outside the view, where the next frame labels it with its value); the dotted tangent beside
        # it is the linear model the step was taken on
        head = tr["pinned"][nxt]
        inside = ~tr["off"][j]
        end = marks.clip_segments(np.where(inside[:, None], P, tr["pinned"][j]), head, lo, hi)
        parabola = None
        if taylor:
            d = np.linspace(-1, 1, PARABOLA_POINTS)[None, :] * 2 * half[:, None]
            L = P[:, 1:2] + slope[:, None] * d + 0.5 * tr["curvature"][j][:, None] * d * d
            parabola = [marks.polyline(P[f, 0] + d[f], L[f], digits) for f in range(len(P))]
        per_run.append(
            dict(
                color=look["color"],
                name=label(run, runs, T),
                final=outcome(run, T),
                inside=inside,
                show=(j + 1 < tr["n"]) & inside & marks.long_enough(P, end, lo, hi) & ahead(run),
                raw=P,
                P=np.round(np.where(inside[:, None], P, tr["pinned"][j]), digits).tolist(),
                tangent=np.round(tangent, digits).tolist(),
                end=np.round(end, digits).tolist(),
                parabola=parabola,
            )
        )
    frames = []
    for f in range(len(steps)):
        shapes, notes, texts = [], [], []
        for r in per_run:
            text = r["name"] + (r["final"] if f == len(steps) - 1 else "")
            if not r["inside"][f]:
                w, L = r["raw"][f]
                text += f"<br>w = {fmt(w)}, L = {fmt(L)}"
            texts.append(text)
        places = marks.placements([r["P"][f] for r in per_run], texts, lo, hi, label_size)
        for r, text, place in zip(per_run, texts, places):
            x, y = r["P"][f]
            inside = bool(r["inside"][f])
            shapes.append(marks.segment(*r["tangent"][f], r["color"], 2.5, "dot") | dict(visible=inside))
            if r["parabola"] is not None:
                shapes.append(marks.path(r["parabola"][f], r["color"], 2.5, "dash") | dict(visible=inside))
            shapes.append(marks.dot(x, y, r["color"], open_=not inside))
            notes.append(marks.run_label(x, y, text, r["color"], place, label_size))
            notes.append(marks.arrow((x, y), r["end"][f], r["color"]) | dict(visible=bool(r["show"][f])))
        frames.append(dict(shapes=shapes, annotations=notes))
    return frames

"""The 2-D view: a contour map with log-spaced levels, the known minima, each run's path, and per
frame the current points with two arrows each: -lr * gradient (the step plain gradient descent
would take) and the step actually taken (they differ for momentum, Adam and Newton). Steps too
short to see are drawn enlarged, both arrows by the same factor, so their ratio stays true."""

from __future__ import annotations

import numpy as np

from . import marks
from .animation import ROW, controls, controls_margin, epoch_labels, frame_steps, frames_for, index, last_tick
from .curve import critical_traces, letters
from .data_panel import DOMAIN_LOSS, PHONE, add_data_panel, has_data
from .figure import defined, rounded, typed
from .runs import ahead, fmt, label, outcome, path_trace, pin, shown, styles
from .style import (
    AXIS,
    CONTOUR_SCALE,
    FULL_GRADIENT_ARROW,
    GRADIENT_ARROW,
    LINE_WIDTH,
    MARKER_SIZE,
    MINIMUM_COLOR,
    base_layout,
    sizes,
    stack_panels,
)

GRID = 150  # contour resolution per axis
CLICK_GRID = 31  # invisible points a click on the map can select as the new start


def view_box(surface, bounds=None) -> tuple[np.ndarray, np.ndarray]:
    b = np.asarray(surface.bounds if bounds is None else bounds, dtype=float)
    return b[:, 0], b[:, 1]


def level_values(Z: np.ndarray, floor=None) -> tuple[np.ndarray, float]:
    """log10(Z - m + d): contour levels evenly spaced in log(L - L_min), so a deep narrow valley
    (rosenbrock) shows its floor as well as its walls. m is the lowest value on the grid (or
    a known lower minimum), d a small offset relative to the spread."""
    m = float(np.nanmin(Z)) if floor is None else min(float(floor), float(np.nanmin(Z)))
    spread = float(np.nanpercentile(Z, 95)) - m
    d = max(1e-3 * spread, 1e-12)
    return np.log10(np.maximum(Z - m, 0.0) + d), d


def contour_figure(
    surface,
    runs,
    T,
    bounds=None,
    height=620,
    clickable=True,
    grow=False,
    big=False,
    panel=None,
    axis_names=None,
    max_frames=None,
    phone=False,
) -> dict:
    """Plotly JSON of the animated contour view for `runs` (from model.experiment.simulate); `grow`
    and `big` as for viz.curve.curve_figure. `panel`: the (surface, runs) whose data panel is drawn
    beside the map, when they are not the map's own (a network seen through a plane: the map
    shows the paths' shadows, the panel the networks themselves); `axis_names` for the map's axes;
    `max_frames` of the animation (by default fewer, the more runs share it: viz.animation.frames_for);
    `phone`: the data panel under the map instead of beside it (viz.style.stack_panels)."""
    lo, hi = view_box(surface, bounds)
    data = map_traces(surface, T, lo, hi, clickable)
    looks = styles(runs, solid=grow)
    tracks = [_track(run, lo, hi) for run in runs]
    starts = {}
    digits = marks.digits_for(hi - lo)
    hover = "(%{customdata[0]}, %{customdata[1]})<br>L = %{customdata[2]}"
    if panel is not None:  # shadows of a network's iterates: where on the plane says little, the loss is true
        hover = "L(θ) = %{customdata}"
        for run, tr in zip(runs, tracks):
            tr["hover"] = run.losses[: tr["n"]]
    for run, look, tr in zip(runs, looks, tracks):
        starts.setdefault(tuple(run.path[0]), look["color"])
        data.append(
            path_trace(run, runs, look, tr, hover, digits, LINE_WIDTH, MARKER_SIZE - 2, lo, hi, T, grow)
        )
    data.append(start_trace(list(starts), T))

    last = last_tick(runs)
    steps = frame_steps(last, max_frames or frames_for(len(runs)))
    marks_per_frame = _frame_marks(
        steps, runs, looks, tracks, lo, hi, surface if panel is None else None, T, sizes(big)["label"]
    )
    panel_surface, panel_runs = (surface, runs) if panel is None else panel
    panel = add_data_panel(panel_surface, panel_runs, looks, steps, data, marks_per_frame, T)
    frames = [dict(name=str(int(k)), layout=m) for k, m in zip(steps, marks_per_frame, strict=True)]
    updatemenus, sliders = controls(
        steps, T, font_size=sizes(big)["button"], phone=phone, labels=epoch_labels(runs, steps)
    )
    aspect = (hi[1] - lo[1]) / (hi[0] - lo[0])
    if axis_names is None:
        axis_names = (T("axis.slope"), T("axis.intercept")) if has_data(surface) else ("x", "y")
    # one unit is as long across as up: a gradient is perpendicular to the contours only on equal axes
    square = dict(scaleanchor="x", scaleratio=1, constrain="domain") if 0.1 <= aspect <= 10 else {}
    layout = base_layout(
        None if big else height + (ROW if phone else 0),
        big=big,
        xaxis=dict(AXIS, title=dict(text=axis_names[0]), range=[lo[0], hi[0]], autorange=False, fixedrange=True,
                   constrain="domain", domain=DOMAIN_LOSS if panel else [0, 1]),
        yaxis=dict(AXIS, title=dict(text=axis_names[1]), range=[lo[1], hi[1]], autorange=False, fixedrange=True, **square),
        **panel,
        updatemenus=updatemenus,
        sliders=sliders,
        margin=dict(l=70, r=20, t=50, b=controls_margin(phone)),
        clickmode="event+select",
        hovermode="closest",
        meta=dict(grow=grow),
        dragmode=False,
        # the first frame's marks; not its `selections: []`, which in the figure's own layout would
        # stop a click from selecting after any frame (plotly.js)
        **{k: v for k, v in (frames[0]["layout"] if frames else {}).items() if k not in ("selections", "dragmode")},
    )  # fmt: skip
    if phone and panel:
        stack_panels(layout, *PHONE)
    return dict(data=data, layout=layout, frames=frames)


def map_traces(surface, T, lo, hi, clickable: bool = True) -> list[dict]:
    """The background of every 2-D map: the loss as filled contours (log-spaced levels), the
    invisible click grid, the known minima and a typed formula's other critical points."""
    grid = surface.grid or GRID  # a network's plane: fewer cells, each a forward pass
    own = getattr(surface, "grid_values", None)
    if own is not None and np.array_equal(np.column_stack([lo, hi]), surface.bounds):
        xs, ys, Z = own()  # a plane's, computed once (surfaces.landscape)
    else:
        xs, ys = np.linspace(lo[0], hi[0], grid), np.linspace(lo[1], hi[1], grid)
        X, Y = np.meshgrid(xs, ys)
        with np.errstate(all="ignore"):
            Z = surface.value(np.stack([X, Y], axis=-1))
    undefined = ~np.isfinite(Z)  # a typed formula may be undefined on part of the view (log x)
    levels, _ = level_values(np.where(undefined, np.nan, Z), surface.f_min)
    data = [
        dict(
            type="contour",
            x=typed(xs),
            y=typed(ys),
            z=typed(levels) if not undefined.any() else [defined(row, 4) for row in levels],
            colorscale=CONTOUR_SCALE,
            showscale=False,
            ncontours=28,
            contours=dict(coloring="fill", showlines=True),
            line=dict(color="rgba(60,72,92,0.35)", width=1),
            hoverinfo="skip",
            name=T("chart.loss"),
        )
    ]
    if clickable:
        data.append(_click_grid(surface, lo, hi, T))
    if len(surface.minima):
        data.append(
            dict(
                type="scatter",
                x=rounded(surface.minima[:, 0]),
                y=rounded(surface.minima[:, 1]),
                mode="markers+text",
                text=letters(len(surface.minima)),  # the names a question's choices use
                textposition="top right",
                textfont=dict(size=20, color=MINIMUM_COLOR),  # letters a class reads from the back
                name=T("chart.minimum"),
                marker=dict(
                    symbol="star", size=17, color=MINIMUM_COLOR, line=dict(color="#FFFFFF", width=1.5)
                ),
                customdata=rounded(surface.minima_values, 8),
                hovertemplate=T("chart.minimum")
                + " (%{x:.4g}, %{y:.4g})<br>L = %{customdata:.6g}<extra></extra>",
            )
        )

    data += critical_traces(surface, T, lambda P: P[:, 0], lambda P: P[:, 1])
    return data


def start_trace(points, T, **extra) -> dict:
    """The start points of a map, ringed."""
    return dict(
        type="scatter",
        x=[p[0] for p in points],
        y=[p[1] for p in points],
        mode="markers",
        name=T("chart.start"),
        marker=dict(symbol="circle-open", size=20, color="#1B1F24", line=dict(width=3)),
        hoverinfo="skip",
        **extra,
    )


def _click_grid(surface, lo, hi, T) -> dict:
    """Invisible, selectable points over the map: Streamlit forwards only selections, so a click
    that selects one of them is how the app learns where to start."""
    xs, ys = np.linspace(lo[0], hi[0], CLICK_GRID), np.linspace(lo[1], hi[1], CLICK_GRID)
    X, Y = np.meshgrid(xs, ys)
    P = np.stack([X.ravel(), Y.ravel()], axis=-1)
    return dict(
        type="scatter",
        x=rounded(P[:, 0], 5),
        y=rounded(P[:, 1], 5),
        mode="markers",
        name=T("chart.click_to_start"),
        showlegend=False,
        marker=dict(size=14, color="rgba(0,0,0,0)"),
        customdata=rounded(surface.value(P), 6),
        hovertemplate=T("chart.click_to_start")
        + " (%{x:.3g}, %{y:.3g})<br>L = %{customdata:.4g}<extra></extra>",
        selected=dict(marker=dict(opacity=0)),
        unselected=dict(marker=dict(opacity=0)),
    )


def _track(run, lo, hi) -> dict:
    n = shown(run)
    raw = run.path[:n]
    pinned, off = pin(raw, lo, hi)
    return dict(raw=raw, pinned=pinned, off=off, n=n, hover=np.column_stack([raw, run.losses[:n]]))


def _frame_marks(steps, runs, looks, tracks, lo, hi, surface, T, label_size=15) -> list[dict]:
    """Per frame and run, always in the same slots (plotly animates a slot's attributes, so a slot
    keeps its kind): shapes [point] and annotations [label, -lr * gradient, the step taken and, for
    a mini-batch run, -lr * the full-data gradient of `surface`, to show why its steps wobble (not
    drawn where surface is None)]. The geometry of all frames is computed with NumPy first, then
    written out as dicts."""
    digits = marks.digits_for(hi - lo)
    per_run = []
    for run, look, tr in zip(runs, looks, tracks):
        j = index(run, steps)
        nxt = np.minimum(j + 1, tr["n"] - 1)
        P = tr["raw"][j]
        g = np.minimum(j, max(len(run.grads) - 1, 0))
        lr = run.lrs[g][:, None] if len(run.lrs) else np.zeros((len(P), 1))
        gradient_step = -lr * run.grads[g] if len(run.grads) else np.zeros_like(P)
        arrows = [gradient_step, tr["raw"][nxt] - P]
        if run.batch_size is not None and surface is not None:
            arrows.append(-lr * surface.grad(P))  # the full-data gradient at the same point
        V = np.stack(arrows, axis=1)  # (frames, arrows, dim)
        inside = ~tr["off"][j]
        V = np.where(inside[:, None, None], V, 0.0)
        ends = marks.clip_segments(
            P[:, None, :], P[:, None, :] + marks.visible_scale(V, lo, hi)[:, None, None] * V, lo, hi
        )
        show = (
            ((j + 1 < tr["n"]) & ahead(run))[:, None]
            & inside[:, None]
            & marks.long_enough(P[:, None, :], ends, lo, hi, 0.004)
        )
        per_run.append(
            dict(
                color=look["color"],
                name=label(run, runs, T),
                final=outcome(run, T),
                inside=inside.tolist(),  # Python bools and floats: the frame loop reads them one by one
                show=show.tolist(),
                P=np.round(np.where(inside[:, None], P, tr["pinned"][j]), digits).tolist(),
                ends=np.round(np.where(np.isfinite(ends), ends, 0.0), digits).tolist(),
                raw=P,
            )
        )
    colors = ((GRADIENT_ARROW, 2.0), (None, 3.5), (FULL_GRADIENT_ARROW, 2.0))
    # Each mark's constant part is built once per run; a frame fills in where it is (thousands of
    # marks per figure: this loop was a third of a rerun's time under a class's load).
    for r in per_run:
        r["dots"] = {True: marks.dot(0, 0, r["color"]), False: marks.dot(0, 0, r["color"], open_=True)}
        r["arrows"] = [marks.arrow((0, 0), (0, 0), col or r["color"], width) for col, width in colors]
        r["label"] = marks.note(0, 0, "", r["color"], size=label_size)
    frames = []
    last = len(steps) - 1
    for f in range(len(steps)):
        shapes, notes = [], []
        texts = []
        for r in per_run:
            text = r["name"] + (r["final"] if f == last else "")
            if not r["inside"][f]:
                raw = r["raw"][f]
                text += f"<br>({fmt(raw[0])}, {fmt(raw[1])})"
            texts.append(text)
        places = marks.placements([r["P"][f] for r in per_run], texts, lo, hi, label_size)
        for r, text, place in zip(per_run, texts, places):
            x, y = r["P"][f]
            inside = r["inside"][f]
            shapes.append({**r["dots"][inside], "xanchor": x, "yanchor": y})
            notes.append({**r["label"], "x": x, "y": y, "text": text, **place})
            for arrow, end, visible in zip(r["arrows"], r["ends"][f], r["show"][f]):
                notes.append({**arrow, "x": end[0], "y": end[1], "ax": x, "ay": y, "visible": visible})
        frames.append(dict(shapes=shapes, annotations=notes))
    return frames

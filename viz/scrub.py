"""The learning-rate scrubber: every optimizer's whole path at each of many learning rates, and a
slider under the chart that swaps them in the browser (no server round trip).

The figure holds one path trace per optimizer; each slider step is a Plotly `update` carrying that
rate's paths (float32 typed arrays), the runs' names with their outcome, and the caption of the
rate. Each point's customdata is the index of its rate, so a click on a path tells the app which
rate to make the main one.
"""

from __future__ import annotations

import numpy as np

from .contour import map_traces, view_box
from .curve import curve_traces, curve_window
from .figure import typed
from .runs import pin
from .style import AXIS, LINE_WIDTH, base_layout, format_lr, sizes

SLIDER_TOP = 80  # px below the plot area: under the x axis title


def lane(name: str, color: str, path, losses, last, notes) -> dict:
    """One optimizer's family: path (k+1, m, dim) and losses (k+1, m) of its runs at the m rates,
    last (m,) the index of each run's last iterate, notes (m,) what to say about each run."""
    return dict(name=name, color=color, path=path, losses=losses, last=last, notes=notes)


def scrub_figure(
    surface,
    lanes: list[dict],
    lrs,
    active: int,
    T,
    caption=None,
    big: bool = False,
    steps: bool = True,
    axis_names=None,
) -> dict:
    """Plotly JSON: the loss (curve or contour) with one path per lane at lrs[active], and a slider
    over every rate in lrs. caption(i) -> the text shown above the chart at rate i. steps=False:
    the paths keep every few iterates only (a network's), so a point's hover names no step.
    axis_names: a plane's directions, for the x and y of a 2-D map."""
    lrs = np.asarray(lrs, dtype=float)
    one_d = surface.dim == 1
    lo, hi = curve_window(surface) if one_d else view_box(surface)
    data = curve_traces(surface, T, lo, hi) if one_d else map_traces(surface, T, lo, hi, clickable=False)
    first = len(data)
    per_rate = [_paths(ln, lo, hi, one_d) for ln in lanes]  # lane -> rate -> (x, y) typed
    for ln, paths in zip(lanes, per_rate):
        x, y, n = paths[active]
        index = typed(np.full(n, active), "u1")
        data.append(
            dict(
                type="scatter",
                x=x,
                y=y,
                mode="lines+markers",
                name=_name(ln, active),
                line=dict(color=ln["color"], width=LINE_WIDTH),
                marker=dict(size=7, color=ln["color"]),
                customdata=index,
                meta=dict(rate_path=True),
                hovertemplate=(T("hover.step") + " %{pointNumber}<br>" if steps else "")
                + T("scrub.click")
                + "<extra></extra>",
            )
        )
    traces = list(range(first, first + len(lanes)))
    caption = caption or (lambda i: "")
    steps = []
    for i, lr in enumerate(lrs):
        xs, ys, idx, names = [], [], [], []
        for ln, paths in zip(lanes, per_rate):
            x, y, n = paths[i]
            xs.append(x)
            ys.append(y)
            idx.append(typed(np.full(n, i), "u1"))
            names.append(_name(ln, i))
        steps.append(
            dict(
                label=format_lr(lr),
                method="update",
                args=[
                    dict(x=xs, y=ys, customdata=idx, name=names),
                    {"annotations[0].text": caption(i)},
                    traces,
                ],
            )
        )
    size = sizes(big)
    axes = (T("axis.w"), T("axis.loss_w")) if one_d else axis_names or ("x", "y")
    aspect = (hi[1] - lo[1]) / (hi[0] - lo[0])
    square = (
        dict(scaleanchor="x", scaleratio=1, constrain="domain") if not one_d and 0.5 <= aspect <= 2 else {}
    )
    layout = base_layout(
        None if big else 640,
        big=big,
        xaxis=dict(AXIS, title=dict(text=axes[0]), range=[lo[0], hi[0]], autorange=False, fixedrange=True,
                   constrain="domain"),
        yaxis=dict(AXIS, title=dict(text=axes[1]), range=[lo[1], hi[1]], autorange=False, fixedrange=True, **square),
        margin=dict(l=70, r=20, t=90, b=SLIDER_TOP + 70),
        hovermode="closest",
        clickmode="event+select",
        dragmode=False,
        showlegend=True,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0, font=dict(size=size["legend"]),
                    bgcolor="rgba(255,255,255,0.85)"),
        annotations=[
            dict(text=caption(active), x=0, y=0, xref="paper", yref="paper", xanchor="left", yanchor="top",
                 yshift=-(SLIDER_TOP - 22), showarrow=False, align="left", font=dict(size=size["label"]))
        ],
        sliders=[
            dict(
                active=int(active),
                x=0,
                len=1.0,
                y=0,
                yanchor="top",
                pad=dict(t=SLIDER_TOP, b=0, l=0, r=0),
                currentvalue=dict(visible=False),  # the caption above the slider names the rate
                transition=dict(duration=0),
                font=dict(color="rgba(0,0,0,0)"),
                ticklen=4,
                minorticklen=0,
                steps=steps,
            )
        ],
        meta=dict(scrub=True),
    )  # fmt: skip
    if big:
        layout["showlegend"] = True
    return dict(data=data, layout=layout)


def _name(ln: dict, i: int) -> str:
    return f"{ln['name']}: {ln['notes'][i]}"


def _paths(ln: dict, lo, hi, one_d: bool) -> list[tuple]:
    """Per rate: the run's iterates up to its last one as chart points pinned into the view
    (typed float32 x and y, and their count)."""
    out = []
    for j in range(ln["path"].shape[1]):
        n = int(ln["last"][j]) + 1
        P = ln["path"][:n, j]
        pts = np.column_stack([P[:, 0], ln["losses"][:n, j]]) if one_d else P[:, :2]
        pts = np.where(np.isfinite(pts), pts, hi)
        pinned, _ = pin(pts, lo, hi)
        out.append((typed(pinned[:, 0]), typed(pinned[:, 1]), n))
    return out

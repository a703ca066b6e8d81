"""A network's loss seen through a plane or a line, and how faithful that picture is.

faithfulness_figure   per run and step, the iterate's true loss L(theta_k) against the plane's
                      loss at its projection, L(c + a_k d1 + b_k d2): where they part, the map is
                      not showing where the run really was
line_figure           L(theta_0 + t (theta_1 - theta_0)) over t, the straight line from the start
                      (t = 0) to the end (t = 1), with each iterate's true loss at its position
                      along the line, t_k = (theta_k - theta_0) . d / |d|^2 (Goodfellow et al. 2015)
"""

from __future__ import annotations

import numpy as np

from .figure import sig, typed
from .runs import label, styles
from .style import AXIS, LINE_WIDTH, MINIMUM_COLOR, base_layout, sizes

LINE_POINTS = 301


def faithfulness_figure(runs, true_losses, plane_losses, T, height: int = 300) -> dict:
    """true_losses, plane_losses: per run, (k+1,) arrays over its iterates; a log axis when every
    value is positive."""
    data = []
    for run, look, true, plane in zip(runs, styles(runs), true_losses, plane_losses, strict=True):
        name = label(run, runs, T)
        x = np.arange(len(true))
        common = dict(type="scatter", mode="lines", legendgroup=name, x=typed(x, "i4"))
        data.append(
            dict(common, y=sig(true, 5), name=T("landscape.true", run=name),
                 line=dict(color=look["color"], width=LINE_WIDTH - 0.5),
                 hovertemplate=T("hover.step") + " %{x}<br>L(θ) = %{y:.4g}<extra>" + name + "</extra>")
        )  # fmt: skip
        data.append(
            dict(common, y=sig(plane, 5), name=T("landscape.plane", run=name),
                 line=dict(color=look["color"], width=LINE_WIDTH - 1, dash="dot"),
                 hovertemplate=T("hover.step") + " %{x}<br>" + T("landscape.plane_hover")
                 + " = %{y:.4g}<extra>" + name + "</extra>")
        )  # fmt: skip
    values = np.concatenate([*true_losses, *plane_losses]) if runs else np.ones(1)
    log = bool(np.all(values[np.isfinite(values)] > 0))
    layout = base_layout(
        height,
        xaxis=dict(AXIS, title=dict(text=T("axis.step"))),
        yaxis=dict(AXIS, title=dict(text=T("axis.loss")), type="log" if log else "linear", exponentformat="power"),
        margin=dict(l=90, r=20, t=50, b=60),
    )  # fmt: skip
    return dict(data=data, layout=layout)


def line_figure(line, runs, T, big: bool = False, height: int = 520) -> dict:
    """The loss along the line from the first run's start to its end (a surfaces.landscape.LineSurface
    `line`), the two ends marked, and every run's iterates at their position along the line."""
    lo, hi = line.bounds[0]
    t = np.linspace(lo, hi, LINE_POINTS)
    with np.errstate(all="ignore"):
        L = line.value(t[:, None])
    data = [
        dict(type="scatter", x=typed(t), y=sig(L, 6), mode="lines", name=T("landscape.line_loss"),
             line=dict(color=MINIMUM_COLOR, width=LINE_WIDTH),
             hovertemplate="t = %{x:.3f}<br>L = %{y:.5g}<extra></extra>")
    ]  # fmt: skip
    d = line.d
    dd = float(d @ d) or 1.0
    for run, look in zip(runs, styles(runs), strict=True):
        k = run.steps_taken + 1
        tk = (run.path[:k] - line.a) @ d / dd
        name = label(run, runs, T)
        data.append(
            dict(type="scatter", x=sig(tk, 6), y=sig(run.losses[:k], 6), mode="markers", name=T("landscape.iterates", run=name),
                 marker=dict(color=look["color"], size=5, opacity=0.6, maxdisplayed=400),
                 hovertemplate=T("hover.step") + " %{pointNumber}<br>t = %{x:.3f}<br>L(θ) = %{y:.5g}<extra>" + name + "</extra>")
        )  # fmt: skip
    ends = line.value(np.array([[0.0], [1.0]]))
    data.append(
        dict(type="scatter", x=[0.0, 1.0], y=sig(ends, 6), mode="markers+text", name=T("landscape.ends"),
             text=[T("landscape.start"), T("landscape.end")], textposition="top center",
             textfont=dict(size=sizes(big)["label"]),
             marker=dict(size=16, color=MINIMUM_COLOR, symbol=["circle-open", "star"], line=dict(width=3)),
             hovertemplate="t = %{x}<br>L = %{y:.5g}<extra></extra>")
    )  # fmt: skip
    finite = L[np.isfinite(L)]
    top = float(np.percentile(finite, 98)) if len(finite) else 1.0
    bottom = (
        float(min(finite.min(), *(r.losses[: r.steps_taken + 1].min() for r in runs))) if len(finite) else 0.0
    )
    pad = 0.06 * (top - bottom or 1.0)
    layout = base_layout(
        None if big else height,
        big=big,
        xaxis=dict(AXIS, title=dict(text=T("axis.line_t")), range=[lo, hi], zeroline=False),
        yaxis=dict(AXIS, title=dict(text=T("axis.loss")), range=[bottom - pad, top + pad]),
        margin=dict(l=80, r=20, t=60, b=60),
        hovermode="closest",
    )  # fmt: skip
    return dict(data=data, layout=layout)

"""Under the main chart: loss against step (as L - L* on a log axis when the minimum is known,
so linear convergence is a straight line) and the learning rate each step used."""

from __future__ import annotations

import numpy as np

from .figure import sig
from .runs import label, style
from .style import AXIS, LINE_WIDTH, base_layout

FLOOR = 1e-16  # L - L* below this (or exactly 0) is drawn at the floor of the log axis


def history_figure(runs, T, f_star=None, height=360, epochs=False) -> dict:
    """Two panels side by side: the loss and the learning rate of every run, step by step (or by
    epoch: step k of a run with m batches per epoch is at k / m passes over the data). With f_star
    (L*, the lowest loss known) the loss is drawn as L - L* on a log axis."""
    data = []
    for run in runs:
        n = run.steps_taken + 1
        st = style(run)
        x = np.arange(n) / (run.per_epoch if epochs else 1)  # epochs: passes over the data so far
        y = run.losses[:n] if f_star is None else np.maximum(run.losses[:n] - f_star, FLOOR)
        name = label(run, runs, T)
        x_word = T("hover.epoch") if epochs else T("hover.step")
        common = dict(
            mode="lines",
            legendgroup=name,
            line=dict(color=st["color"], width=LINE_WIDTH - 0.5, dash=st["dash"]),
        )
        data.append(
            dict(
                type="scatter",
                x=x.tolist(),
                y=sig(y, 6),
                name=name,
                **common,
                hovertemplate=x_word + " %{x:.4g}<br>%{y:.4g}<extra>" + name + "</extra>",
            )
        )
        if n > 1:
            data.append(
                dict(
                    type="scatter",
                    x=x[1:].tolist(),
                    y=sig(run.lrs[: n - 1], 6),
                    name=name,
                    showlegend=False,
                    xaxis="x2",
                    yaxis="y2",
                    **common,
                    hovertemplate=x_word + " %{x:.4g}<br>lr %{y:.4g}<extra>" + name + "</extra>",
                )
            )
    used = np.concatenate([r.lrs[: r.steps_taken] for r in runs]) if runs else np.ones(1)
    used = used[used > 0]
    lr_log = len(used) > 0 and used.max() > 10 * used.min()  # a log axis only where lrs span decades
    x_title = T("axis.epoch") if epochs else T("axis.step")
    loss_title = T("axis.loss") if f_star is None else T("axis.loss_gap", star=f"{f_star:.6g}")
    layout = base_layout(
        height,
        xaxis=dict(AXIS, domain=[0, 0.6], title=dict(text=x_title)),
        yaxis=dict(
            AXIS,
            title=dict(text=loss_title),
            type="log" if f_star is not None else "linear",
            exponentformat="power",
            dtick=3 if f_star is not None else None,
        ),
        xaxis2=dict(AXIS, domain=[0.7, 1], anchor="y2", title=dict(text=x_title)),
        yaxis2=dict(
            AXIS,
            anchor="x2",
            title=dict(text=T("axis.lr")),
            type="log" if lr_log else "linear",
            exponentformat="power",
            dtick=1 if lr_log else None,
            rangemode="tozero",
        ),
        margin=dict(l=80, r=20, t=40, b=60),
        showlegend=False,
    )
    return dict(data=data, layout=layout)

"""Learning-rate views: final loss against lr with the four regimes shaded (and limit/L on quadratics),
and a heatmap of optimizers x learning rates with each optimizer's best lr marked."""

from __future__ import annotations

import math

import numpy as np

from optimizers.fate import Fate
from optimizers.sweep import CLASSES

from .figure import sig
from .style import AXIS, base_layout, color_of, format_lr

REGION_COLORS = {Fate.MOVING: "rgba(86,180,233,0.14)", Fate.CONVERGED: "rgba(0,158,115,0.16)",
                 Fate.OSCILLATING: "rgba(230,159,0,0.2)", Fate.DIVERGED: "rgba(213,94,0,0.16)"}  # fmt: skip
POINT_COLORS = {
    Fate.MOVING: "#56B4E9",
    Fate.CONVERGED: "#009E73",
    Fate.OSCILLATING: "#E69F00",
    Fate.DIVERGED: "#D55E00",
}
FLOOR = 1e-16


def sweep_figure(
    sweep, optimizer: str, T, threshold: tuple | None = None, f_star: float | None = None, height=600
) -> dict:
    """Final loss (as L - L* when the minimum is known) against lr, and the steps each converging
    lr needed; the regimes shaded along lr; on a quadratic, the optimizer's threshold drawn when
    given as (rate, the limit's text): lr = limit / L."""
    lrs = sweep.lrs
    shift = f_star if f_star is not None else min(0.0, float(np.nanmin(sweep.final_loss)))
    y = np.clip(np.where(np.isfinite(sweep.final_loss), sweep.final_loss - shift, np.inf), FLOOR, 1e300)
    edges = np.sqrt(lrs[1:] * lrs[:-1])
    lo_edges = np.concatenate([[lrs[0] / (edges[0] / lrs[0])], edges]) if len(lrs) > 1 else lrs
    hi_edges = np.concatenate([edges, [lrs[-1] * (lrs[-1] / edges[-1])]]) if len(lrs) > 1 else lrs
    shapes, notes = [], []
    start = 0
    for i in range(1, len(lrs) + 1):  # one shaded band per run of equal verdicts
        if i == len(lrs) or sweep.verdict[i] != sweep.verdict[start]:
            v = sweep.verdict[start]
            shapes.append(
                dict(
                    type="rect",
                    xref="x",
                    yref="paper",
                    x0=lo_edges[start],
                    x1=hi_edges[i - 1],
                    y0=0.40,
                    y1=1,
                    fillcolor=REGION_COLORS[v],
                    line=dict(width=0),
                    layer="below",
                )
            )
            if hi_edges[i - 1] / lo_edges[start] > 1.6:
                notes.append(
                    dict(
                        x=math.log10(math.sqrt(lo_edges[start] * hi_edges[i - 1])),
                        y=1.0,
                        xref="x",
                        yref="paper",
                        text=T(f"sweep.{v}"),
                        showarrow=False,
                        yanchor="bottom",
                        font=dict(size=15),
                    )
                )
            start = i
    if threshold is not None:
        rate, limit_text = threshold
        shapes.append(
            dict(
                type="line",
                xref="x",
                yref="paper",
                x0=rate,
                x1=rate,
                y0=0,
                y1=1,
                line=dict(color="#1B1F24", width=2.5, dash="dash"),
            )
        )
        notes.append(
            dict(
                x=math.log10(rate),
                y=0.4,
                xref="x",
                yref="paper",
                text=f"{limit_text}/L = {format_lr(rate)}",
                showarrow=False,
                xanchor="left",
                yanchor="bottom",
                font=dict(size=15),
            )
        )
    colors = [POINT_COLORS[v] for v in sweep.verdict]
    hover = "lr %{x:.4g}<br>%{customdata}<extra>" + T("sweep.click") + "</extra>"
    data = [
        dict(
            type="scatter",
            x=sig(lrs, 6),
            y=sig(y, 5),
            mode="markers+lines",
            name=T("sweep.final_loss"),
            line=dict(color="#8A94A6", width=1.5),
            marker=dict(size=8, color=colors),
            customdata=[
                T("sweep.point", verdict=T(f"sweep.{v}"), loss=f"{f:.4g}")
                for v, f in zip(sweep.verdict, sweep.final_loss, strict=True)
            ],
            hovertemplate=hover,
        ),
        dict(
            type="scatter",
            x=sig(lrs[sweep.steps_to_converge >= 0], 6),
            y=sweep.steps_to_converge[sweep.steps_to_converge >= 0].tolist(),
            mode="markers",
            name=T("sweep.steps_to_converge"),
            xaxis="x2",
            yaxis="y2",
            marker=dict(size=7, color=POINT_COLORS[Fate.CONVERGED]),
            hovertemplate="lr %{x:.4g}<br>" + T("sweep.converged_in") + " %{y}<extra></extra>",
        ),
    ]
    data += [
        dict(
            type="scatter",
            x=[None],
            y=[None],
            mode="markers",
            name=T(f"sweep.{v}"),
            marker=dict(size=11, color=POINT_COLORS[v]),
        )
        for v in CLASSES
    ]
    loss_title = T("axis.final_gap") if f_star is not None else T("sweep.final_loss")
    layout = base_layout(
        height,
        shapes=shapes,
        annotations=notes,
        clickmode="event+select",
        dragmode=False,
        hovermode="closest",
        xaxis=dict(AXIS, type="log", exponentformat="power", dtick=1, anchor="y", showticklabels=False),
        xaxis2=dict(
            AXIS,
            type="log",
            matches="x",
            anchor="y2",
            title=dict(text=T("axis.sweep_lr", optimizer=optimizer, n=len(lrs))),
            exponentformat="power",
            dtick=1,
        ),
        yaxis=dict(
            AXIS, type="log", domain=[0.40, 1], title=dict(text=loss_title), exponentformat="power", dtick=5
        ),
        yaxis2=dict(
            AXIS,
            domain=[0, 0.30],
            anchor="x2",
            title=dict(text=T("sweep.steps_to_converge")),
            rangemode="tozero",
        ),
        margin=dict(l=80, r=20, t=50, b=60),
    )
    return dict(data=data, layout=layout)


def compare_figure(comparison, labels: dict, T, f_star: float | None = None, height=None) -> dict:
    """A heatmap: one row per optimizer, one column per learning rate, coloured by log10 of the
    final loss (diverged runs grey), each row's best learning rate starred."""
    final = comparison.final_loss
    shift = (
        f_star
        if f_star is not None
        else min(0.0, float(np.nanmin(np.where(comparison.diverged, np.nan, final))))
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.log10(np.clip(final - shift, FLOOR, None))
    ok = ~comparison.diverged & np.isfinite(z)
    top = float(np.max(z[ok])) + 1 if ok.any() else 1.0
    z = np.where(ok, z, top)
    x = np.log10(comparison.lrs)
    rows = [labels.get(n, n) for n in comparison.optimizers]
    text = [
        [
            f"lr {format_lr(lr)}: "
            + (T("sweep.diverged") if d else T("sweep.final_loss_value", loss=f"{f:.4g}"))
            for lr, f, d in zip(comparison.lrs, fr, dr, strict=True)
        ]
        for fr, dr in zip(final, comparison.diverged, strict=True)
    ]
    best = [(math.log10(b), r) for b, r in zip(comparison.best_lr, rows, strict=True) if np.isfinite(b)]
    ticks = [v for v in range(math.floor(x.min()), math.ceil(x.max()) + 1)]
    data = [
        dict(
            type="heatmap",
            x=sig(x, 6),
            y=rows,
            z=np.round(z, 3).tolist(),
            colorscale="Viridis",
            zmax=top,
            text=text,
            hovertemplate="%{y}<br>%{text}<extra></extra>",
            colorbar=dict(
                title=dict(
                    text=T("compare.colorbar_gap") if f_star is not None else T("compare.colorbar_loss")
                ),
                tickfont=dict(size=14),
            ),
        ),
        dict(
            type="heatmap",
            x=sig(x, 6),
            y=rows,
            z=np.where(comparison.diverged, 1.0, np.nan).tolist(),
            colorscale=[[0, "#C8CCD2"], [1, "#C8CCD2"]],
            showscale=False,
            hoverinfo="skip",
            name=T("sweep.diverged"),
        ),
        dict(
            type="scatter",
            x=[b[0] for b in best],
            y=[b[1] for b in best],
            mode="markers",
            name=T("compare.best"),
            marker=dict(symbol="star", size=20, color="#FFFFFF", line=dict(color="#1B1F24", width=2)),
            hovertemplate=T("compare.best") + " (%{y}): %{customdata}<extra></extra>",
            customdata=[format_lr(10 ** b[0]) for b in best],
        ),
    ]
    layout = base_layout(
        height or 160 + 70 * len(rows),
        showlegend=False,
        xaxis=dict(
            AXIS,
            title=dict(text=T("axis.lr")),
            tickvals=ticks,
            ticktext=[format_lr(10.0**t) for t in ticks],
        ),
        yaxis=dict(AXIS, autorange="reversed", tickfont=dict(size=16, color="#1B1F24")),
        margin=dict(l=130, r=20, t=30, b=60),
    )
    for i, name in enumerate(comparison.optimizers):  # each row's label in its optimizer's colour
        layout.setdefault("annotations", []).append(
            dict(
                x=0,
                xref="paper",
                xanchor="right",
                y=rows[i],
                yref="y",
                text="■",
                showarrow=False,
                xshift=-4,
                font=dict(size=18, color=color_of(name)),
            )
        )
    return dict(data=data, layout=layout)

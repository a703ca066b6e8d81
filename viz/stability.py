"""The stability strip: each run's lr * lambda_max at the start against its own optimizer's limit, and
for the adaptive optimizers (no fixed limit) the step each coordinate received at the start and
at the end, lr / (sqrt(v_hat) + eps)."""

from __future__ import annotations

import math

import numpy as np

from .style import AXIS, base_layout

BAND_COLORS = {
    "glides": "rgba(0,158,115,0.20)",
    "one_step": "rgba(0,158,115,0.20)",
    "overshoots": "rgba(230,159,0,0.26)",
    "diverges": "rgba(213,94,0,0.22)",
    "oscillates": "rgba(204,121,167,0.22)",
}


def bands(regime_of, lo: float, hi: float, n: int = 240) -> list[tuple[float, float, str]]:
    """Contiguous ranges of lr * lambda with the same regime, over a log grid from lo to hi.
    regime_of: an array of lr * lambda -> their regime ids."""
    grid = np.geomspace(lo, hi, n)
    names = list(regime_of(grid))
    out, start = [], 0
    for i in range(1, n + 1):
        if i == n or names[i] != names[start]:
            out.append(
                (grid[start], grid[i - 1] if i == n else math.sqrt(grid[i - 1] * grid[i]), names[start])
            )
            start = i
    return [(a if k else lo, b, name) for k, (a, b, name) in enumerate(out) if name in BAND_COLORS]


def stability_figure(rows, T, height=None, phone: bool = False) -> dict:
    """rows: dicts with label, ratio (lr * lambda_max at the start), limit (or None), color and
    regime_of (ratio -> regime id). One row per run: its own regimes shaded, its limit marked, its
    ratio a diamond on a log axis, labelled on the side with more room (`phone`: on two lines, the
    run's name over its numbers, which on one line ran off a phone's narrow chart)."""
    ratios = [max(r["ratio"], 1e-3) for r in rows] + [r["limit"] for r in rows if r["limit"]]
    lo = min([0.05, *ratios]) / 2
    hi = max([8.0, *ratios]) * 2
    shapes, notes, data = [], [], []
    for i, r in enumerate(rows):
        y0, y1 = i - 0.42, i + 0.42
        for a, b, name in bands(r["regime_of"], lo, hi):
            shapes.append(_rect(a, b, y0, y1, BAND_COLORS[name]))
            if b / a > 3 and i == len(rows) - 1:
                notes.append(_label(math.sqrt(a * b), len(rows) - 0.5, T(f"regime.{name}")))
        if r["limit"]:
            shapes.append(dict(type="line", x0=r["limit"], x1=r["limit"], y0=y0, y1=y1, xref="x", yref="y",
                               line=dict(color="#D55E00", width=3)))  # fmt: skip
        ratio = max(r["ratio"], 1e-3)
        limit_text = T("stability.limit", limit=f"{r['limit']:.3g}") if r["limit"] else ""
        data.append(
            dict(
                type="scatter",
                x=[ratio],
                y=[i],
                mode="markers+text",
                text=[f"{r['label']}{'<br>' if phone else ': '}{r['ratio']:.3g}{limit_text}"],
                textposition="middle right" if ratio < math.sqrt(lo * hi) else "middle left",
                cliponaxis=False,
                textfont=dict(size=15, color="#1B1F24"),
                marker=dict(
                    size=16, color=r["color"], symbol="diamond", line=dict(color="#FFFFFF", width=1.5)
                ),
                hovertemplate=f"{r['label']}<br>lr × λmax = %{{x:.4g}}{limit_text}<extra></extra>",
                showlegend=False,
            )
        )
    ticks = [v for v in (1e-3, 1e-2, 0.1, 1, 2, 10, 100, 1e3) if lo <= v <= hi]
    layout = base_layout(
        height or 110 + (56 if phone else 46) * len(rows),
        shapes=shapes,
        annotations=notes,
        showlegend=False,
        xaxis=dict(
            AXIS,
            type="log",
            range=[math.log10(lo), math.log10(hi)],
            mirror=False,
            showgrid=False,
            tickvals=ticks,
            ticktext=[f"{v:g}" for v in ticks],
            title=dict(text=T("axis.lr_lambda_start"), font=dict(size=15)),
        ),
        yaxis=dict(visible=False, range=[-0.6, len(rows) + 0.1], fixedrange=True),
        margin=dict(l=10, r=10, t=8, b=50),
    )
    return dict(data=data, layout=layout)


def effective_step_figure(rows, T, height=None) -> dict:
    """rows: dicts with label, color, start and end (arrays (dim,) of lr / (sqrt(v_hat) + eps)) and
    names (the coordinates'). Per run and coordinate: an open marker at the start, a filled one at
    the end, joined by a line, on a log axis."""
    data, ys = [], []
    for r in rows:
        for j, name in enumerate(r["names"]):
            y = f"{r['label']} · {name}"
            ys.append(y)
            a, b = float(r["start"][j]), float(r["end"][j])
            data.append(
                dict(
                    type="scatter",
                    x=[a, b],
                    y=[y, y],
                    mode="lines+markers",
                    line=dict(color=r["color"], width=3),
                    marker=dict(
                        size=[11, 14], color=["#FFFFFF", r["color"]], line=dict(color=r["color"], width=2.5)
                    ),
                    hovertemplate=T("stability.eta_hover", start=f"{a:.3g}", end=f"{b:.3g}")
                    + "<extra>"
                    + y
                    + "</extra>",
                    showlegend=False,
                )
            )
    layout = base_layout(
        height or 100 + 34 * len(ys),
        showlegend=False,
        xaxis=dict(
            AXIS, type="log", exponentformat="power", title=dict(text=T("axis.eta"), font=dict(size=15))
        ),
        yaxis=dict(AXIS, automargin=True, tickfont=dict(size=14), fixedrange=True),
        margin=dict(l=10, r=10, t=8, b=50),
    )
    return dict(data=data, layout=layout)


def _rect(x0, x1, y0, y1, color) -> dict:
    return dict(
        type="rect",
        xref="x",
        yref="y",
        x0=x0,
        x1=x1,
        y0=y0,
        y1=y1,
        fillcolor=color,
        line=dict(width=0),
        layer="below",
    )


def _label(x, y, text) -> dict:
    return dict(
        x=math.log10(x),
        y=y,
        xref="x",
        yref="y",
        text=text,
        showarrow=False,
        yanchor="bottom",
        font=dict(size=14, color="#3B4252"),
    )

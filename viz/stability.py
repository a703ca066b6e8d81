"""The stability strip: lr * lambda_max at the start for each learning rate, against GD's limit 2."""

from __future__ import annotations

import math

from .style import AXIS, base_layout, format_lr

ZONES = [
    (1e-3, 1.0, "rgba(0,158,115,0.16)", "regime.glides"),
    (1.0, 2.0, "rgba(230,159,0,0.22)", "regime.overshoots"),
    (2.0, 1e4, "rgba(213,94,0,0.18)", "regime.diverges"),
]


def stability_figure(entries, T, height=150) -> dict:
    """entries: (label, lr, lambda_max, color) per learning rate. A log axis of lr * lambda_max
    with the three regimes shaded and GD's limit 2 marked."""
    ratios = [max(lr * lam, 1e-3) for _, lr, lam, _ in entries]
    lo = min([0.05, *ratios]) / 2
    hi = max([20.0, *ratios]) * 2
    shapes = [
        dict(
            type="rect",
            xref="x",
            yref="paper",
            x0=max(a, lo),
            x1=min(b, hi),
            y0=0,
            y1=1,
            fillcolor=c,
            line=dict(width=0),
            layer="below",
        )
        for a, b, c, _ in ZONES
    ]
    shapes.append(
        dict(type="line", xref="x", yref="paper", x0=2, x1=2, y0=0, y1=1, line=dict(color="#D55E00", width=3))
    )
    notes = [
        dict(
            x=math.log10(math.sqrt(max(a, lo) * min(b, hi))),
            y=0.98,
            xref="x",
            yref="paper",
            text=T(name),
            showarrow=False,
            yanchor="top",
            font=dict(size=15, color="#3B4252"),
        )
        for a, b, _, name in ZONES
    ]
    data = [
        dict(
            type="scatter",
            x=[max(lr * lam, 1e-3)],
            y=[i],
            mode="markers+text",
            name=name,
            text=[f"lr {format_lr(lr)}: {lr * lam:.3g}"],
            textposition="middle right",
            textfont=dict(size=15),
            marker=dict(size=16, color=color, symbol="diamond", line=dict(color="#FFFFFF", width=1.5)),
            hovertemplate=f"lr {format_lr(lr)} × λmax {lam:.4g} = %{{x:.4g}}<extra></extra>",
        )
        for i, (name, lr, lam, color) in enumerate(entries)
    ]
    layout = base_layout(
        height + 28 * max(len(entries) - 1, 0),
        shapes=shapes,
        annotations=notes,
        showlegend=False,
        xaxis=dict(
            AXIS,
            type="log",
            range=[math.log10(lo), math.log10(hi)],
            mirror=False,
            showgrid=False,
            tickvals=[v for v in (1e-3, 1e-2, 0.1, 1, 2, 10, 100, 1e3) if lo <= v <= hi],
            ticktext=[f"{v:g}" for v in (1e-3, 1e-2, 0.1, 1, 2, 10, 100, 1e3) if lo <= v <= hi],
            title=dict(text=T("axis.lr_lambda_start"), font=dict(size=15)),
        ),
        yaxis=dict(visible=False, range=[-0.7, len(entries) - 0.1]),
        margin=dict(l=10, r=10, t=8, b=50),
    )
    return dict(data=data, layout=layout)

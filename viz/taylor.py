"""A step's change of the loss beside its Taylor predictions, step by step (the step table's
columns as a chart): the actual change L(x_{k+1}) - L(x_k), the first-order prediction
∇L(x_k)·Δx (the tangent) and the second-order one (∇L·Δx + Δxᵀ H Δx / 2, exact on a quadratic)."""

from __future__ import annotations

from .figure import sig
from .style import AXIS, INK, base_layout

COLORS = {"actual": "#1B1F24", "first": "#D55E00", "second": "#0072B2"}


def taylor_figure(steps, actual, first, second, T, height: int = 300) -> dict:
    """Three lines over the steps k (the step from iterate k): the change, and its predictions."""
    series = (
        ("actual", actual, dict(width=3), "markers+lines"),
        ("first", first, dict(width=2.5, dash="dash"), "lines"),
        ("second", second, dict(width=2, dash="dot"), "lines"),
    )
    data = [
        dict(
            type="scatter",
            x=list(map(int, steps)),
            y=sig(values, 6),
            name=T(f"taylor.{name}"),
            mode=mode,
            line=dict(color=COLORS[name], **line),
            marker=dict(size=7, color=COLORS[name]),
            hovertemplate=T("hover.step") + " %{x}<br>ΔL %{y:.4g}<extra>" + T(f"taylor.{name}") + "</extra>",
        )
        for name, values, line, mode in series
    ]
    small = dict(font=dict(size=15, color=INK))
    layout = base_layout(
        height,
        xaxis=dict(AXIS, title=dict(text=T("axis.step"), **small)),
        yaxis=dict(AXIS, title=dict(text="ΔL", **small)),
        margin=dict(l=70, r=20, t=50, b=55),
        hovermode="x unified",
    )
    return dict(data=data, layout=layout)

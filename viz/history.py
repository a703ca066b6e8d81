"""Under the main chart: loss against step (as L - L* on a log axis when the minimum is known, so
linear convergence is a straight line), the learning rate each step used, and lr * lambda_max along
the path against each run's own stability limit (the local verdict, step by step)."""

from __future__ import annotations

import numpy as np

from .figure import sig
from .runs import label, styles
from .style import AXIS, INK, LINE_WIDTH, base_layout, stack_panels

FLOOR = 1e-16  # L - L* below this (or exactly 0) is drawn at the floor of the log axis
DOMAINS = ([0.0, 0.40], [0.5, 0.70], [0.80, 1.0])  # loss | learning rate | lr * lambda_max
SHARP_DOMAINS = ([0.0, 0.36], [0.45, 0.57], [0.67, 1.0])  # the edge of stability needs the room
PHONE = (900, [("", [0.7, 0.96]), ("2", [0.385, 0.575]), ("3", [0.0, 0.26])])  # a phone: one panel a row
PHONE_TWO = (660, [("", [0.52, 0.96]), ("2", [0.0, 0.33])])


def history_figure(
    runs, T, f_star=None, height=380, epochs=False, ratios=None, sharpness=False, phone=False, validation=None
) -> dict:
    """Loss, learning rate and (when `ratios` is given: per run, (steps k, lr_k * lambda_max(x_k) at
    those steps, the run's limit or None)) lr * lambda_max, step by step (or by epoch: step k of a
    run with m batches per epoch is at k / m passes over the data). With f_star (L*, the lowest loss
    known) the loss is drawn as L - L* on a log axis. `sharpness` draws lambda_max itself against
    the run's limit / lr_k (2/lr for gradient descent) on a linear axis: the edge of stability.
    `phone`: the panels one above the other (viz.style.stack_panels). `validation`: per run, the loss
    on held-out rows at each iterate, drawn dotted beside the training loss."""
    x_word = T("hover.epoch") if epochs else T("hover.step")
    losses, lrs, thirds, shapes = [], [], [], []
    for i, (run, st) in enumerate(zip(runs, styles(runs))):
        n = run.steps_taken + 1
        name = label(run, runs, T)
        x = np.arange(n) / (run.per_epoch if epochs else 1)  # epochs: passes over the data so far
        line = dict(
            mode="lines",
            legendgroup=name,
            line=dict(color=st["color"], width=LINE_WIDTH - 0.5, dash=st["dash"]),
        )
        y = run.losses[:n] if f_star is None else np.maximum(run.losses[:n] - f_star, FLOOR)
        losses.append(_trace(x, sig(y, 6), name, "", x_word + " %{x:.4g}<br>%{y:.4g}", line, showlegend=True))
        if validation is not None:
            held = validation[i][:n] if f_star is None else np.maximum(validation[i][:n] - f_star, FLOOR)
            dotted = dict(line, line=dict(line["line"], dash="dot", width=2))
            said = T("history.validation", name=name)
            losses.append(_trace(x, sig(held, 6), said, "", x_word + " %{x:.4g}<br>%{y:.4g}", dotted))
        if n < 2:
            continue
        lrs.append(
            _trace(x[1:], sig(run.lrs[: n - 1], 6), name, "2", x_word + " %{x:.4g}<br>lr %{y:.4g}", line)
        )
        if ratios is not None and len(ratios[i][0]):
            at, r, top = ratios[i]
            if sharpness:
                thirds += _edge_traces(x[at], r / run.lrs[at], top, run.lrs[at], name, x_word, line, st, T)
            else:
                hover = x_word + " %{x:.4g}<br>lr × λmax %{y:.4g}"
                thirds.append(_trace(x[at], sig(np.maximum(r, 1e-12), 5), name, "3", hover, line))
                shapes += [] if top is None else [_limit_line(top, st["color"])]
    layout = _layout(runs, T, f_star, height, epochs, ratios is not None, sharpness, losses, thirds, shapes)
    if phone:
        stack_panels(layout, *(PHONE if ratios is not None else PHONE_TWO))
    return dict(data=losses + lrs + thirds, layout=layout)


def _trace(x, y, name: str, panel: str, hover: str, line: dict, showlegend: bool = False) -> dict:
    """One run's line in a panel ('' the loss, '2' the learning rate, '3' the stability)."""
    axes = dict(xaxis=f"x{panel}", yaxis=f"y{panel}") if panel else {}
    return dict(type="scatter", x=np.asarray(x).tolist(), y=y, name=name, showlegend=showlegend, **axes,
                **line, hovertemplate=hover + "<extra>" + name + "</extra>")  # fmt: skip


def _edge_traces(x, lam, top, lrs, name, x_word, line, st, T) -> list[dict]:
    """The edge of stability: lambda_max along the path, and the run's limit / lr_k (dashed)."""
    out = [_trace(x, sig(lam, 5), name, "3", x_word + " %{x:.4g}<br>λmax %{y:.4g}", line)]
    if top is not None:
        edge = dict(line, line=dict(color=st["color"], width=2, dash="dash"))
        hover = x_word + " %{x:.4g}<br>" + T("history.edge", limit=f"{top:.3g}") + " %{y:.4g}"
        out.append(_trace(x, sig(top / lrs, 5), name, "3", hover, edge))
    return out


def _limit_line(top: float, color: str) -> dict:
    """A run's stability limit across the lr * lambda_max panel."""
    return dict(type="line", xref="x3 domain", yref="y3", x0=0, x1=1, y0=top, y1=top,
                line=dict(color=color, width=2, dash="dash"))  # fmt: skip


def _layout(runs, T, f_star, height, epochs, third: bool, sharpness: bool, losses, thirds, shapes) -> dict:
    """The panels' axes (log where the values span decades), titles and, by epoch, one range."""
    domains = SHARP_DOMAINS if sharpness else DOMAINS
    used = np.concatenate([r.lrs[: r.steps_taken] for r in runs]) if runs else np.ones(1)
    used = used[used > 0]
    lr_log = len(used) > 0 and used.max() > 10 * used.min()  # a log axis only where lrs span decades
    x_title = dict(text=T("axis.epoch") if epochs else T("axis.step"), font=dict(size=15, color=INK))
    loss_title = T("axis.loss") if f_star is None else T("axis.loss_gap", star=f"{f_star:.6g}")
    loss_log = f_star is not None
    layout = base_layout(
        height,
        xaxis=dict(AXIS, domain=domains[0], title=x_title),
        yaxis=dict(AXIS, type="log" if loss_log else "linear", exponentformat="power",
                   dtick=log_dtick([d["y"] for d in losses]) if loss_log else None),
        xaxis2=dict(AXIS, domain=domains[1] if third else [0.52, 1.0], anchor="y2", title=x_title),
        yaxis2=dict(AXIS, anchor="x2", type="log" if lr_log else "linear", exponentformat="power",
                    dtick=log_dtick([used]) if lr_log else None, rangemode="tozero"),
        margin=dict(l=70, r=20, t=56, b=60),
        showlegend=False,
        shapes=shapes,
    )  # fmt: skip
    titles = [("", loss_title), ("2", T("axis.lr"))]
    if third:
        layout.update(
            xaxis3=dict(AXIS, domain=domains[2], anchor="y3", title=x_title),
            yaxis3=dict(AXIS, anchor="x3", type="linear" if sharpness else "log", exponentformat="power",
                        rangemode="tozero" if sharpness else "normal",
                        dtick=None if sharpness else log_dtick([d["y"] for d in thirds])),
        )  # fmt: skip
        titles.append(("3", T("axis.sharpness" if sharpness else "axis.lr_lambda")))
    if epochs and runs:  # like with like: every run on the same passes over the data
        budget = min(r.steps_taken / r.per_epoch for r in runs)
        for axis in ("xaxis", "xaxis2", "xaxis3"):
            if axis in layout:
                layout[axis]["range"] = [0, budget]
    layout["annotations"] = panel_titles(layout, titles)
    return layout


def log_dtick(series, most: int = 6) -> int:
    """Decades between a log axis's ticks: one, or more where the values span more than `most`
    decades (lr 10 on the quadratic spans 271: a tick every decade would be a blob)."""
    values = (
        np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in series]) if len(series) else np.ones(1)
    )
    values = values[np.isfinite(values) & (values > 0)]
    if not len(values):
        return 1
    decades = np.log10(values.max()) - np.log10(values.min())
    return max(1, int(np.ceil(decades / most)))


def panel_titles(layout: dict, titles) -> list[dict]:
    """Each panel's title above its top left corner (a rotated y title beside a narrow panel ran into
    its tick labels)."""
    out = []
    for suffix, text in titles:
        x, y = layout[f"xaxis{suffix}"]["domain"][0], layout[f"yaxis{suffix}"].get("domain", [0, 1])[1]
        out.append(dict(text=text, x=x, y=y, xref="paper", yref="paper", xanchor="left", yanchor="bottom",
                        yshift=6, showarrow=False, font=dict(size=15, color=INK), align="left"))  # fmt: skip
    return out

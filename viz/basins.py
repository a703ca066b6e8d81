"""Basin-of-attraction maps: one colour per minimum, lighter where the run took longer, diverged
dark, undecided grey; a slider switches between the learning rates in the browser.

Each rate's map is a heatmap of uint8 codes (a base64 typed array: 160 x 160 cells are 34 kB) and
the slider toggles which one is visible, so moving it draws without a server round trip. Plotly
reports no click on a heatmap to Streamlit, so an invisible grid of points over the map catches
the click that picks a start.
"""

from __future__ import annotations

import numpy as np

from .contour import _click_grid, start_trace
from .figure import rounded, typed
from .style import AXIS, MINIMUM_COLOR, base_layout, format_lr, sizes

# Paul Tol's "light" scheme (colour-blind safe, distinct from the runs' Okabe-Ito colours) for the
# basins; a basin that took long to reach is mixed towards white.
BASIN_COLORS = ["#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF", "#44BB99", "#BBCC33", "#AAAA00"]
DIVERGED_COLOR = "#22252B"
UNDECIDED_COLOR = "#A7A9AC"
LEVELS = (0.0, 0.35, 0.6)  # white mixed in: reached within the first third of the steps, second, last
SLIDER_TOP = 80
CAPTION_SHIFT = 14  # px between the map's frame and its two-line caption (the top margin holds both lines)


def letter(m: int) -> str:
    """A minimum's name on the map: A, B, ..., Z, A2, ..."""
    return chr(65 + m % 26) + (str(m // 26 + 1) if m >= 26 else "")


def codes(label: np.ndarray, steps: np.ndarray, max_steps: int) -> np.ndarray:
    """uint8 colour codes: 0 diverged, 1 undecided, 2 + 3 c + lightness for basin colour c."""
    level = np.minimum((3 * steps) // max(max_steps, 1), 2)
    c = np.where(label >= 0, label % len(BASIN_COLORS), 0)
    out = 2 + 3 * c + level
    out = np.where(label == -1, 0, np.where(label == -2, 1, out))
    return out.astype(np.uint8)


def colorscale() -> list:
    """A stepwise colour scale over the codes 0 .. 2 + 3 len(BASIN_COLORS) - 1."""
    colors = [DIVERGED_COLOR, UNDECIDED_COLOR]
    for c in BASIN_COLORS:
        colors += [_mix(c, w) for w in LEVELS]
    n = len(colors)
    scale = []
    for i, col in enumerate(colors):
        scale += [[i / n, col], [(i + 1) / n, col]]
    return scale


def _mix(color: str, white: float) -> str:
    rgb = np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)
    r, g, b = np.round(rgb + (255 - rgb) * white).astype(int)
    return f"#{r:02X}{g:02X}{b:02X}"


def basins_figure(
    surface, bmap, T, active: int, caption, ticks=(), minima=None, start=None, big: bool = False
) -> dict:
    """Plotly JSON of a BasinMap (optimizers.basins): one heatmap per rate, the one at `active`
    shown; caption(i) the text above the map at rate i; ticks: (fraction along the slider, text,
    colour) marks under it (each minimum's critical rate); minima (k, 2) the known minima; start
    the start point, ringed."""
    max_steps = int(bmap.steps.max()) if bmap.steps.size else 1
    ncodes = 2 + 3 * len(BASIN_COLORS)
    lo = np.array([bmap.xs[0], bmap.ys[0]]) - _half_cell(bmap)
    hi = np.array([bmap.xs[-1], bmap.ys[-1]]) + _half_cell(bmap)
    data = []
    for r in range(len(bmap.lrs)):
        data.append(
            dict(
                type="heatmap",
                x=typed(bmap.xs),
                y=typed(bmap.ys),
                z=typed(codes(bmap.label[r], bmap.steps[r], max_steps), "u1"),
                zmin=-0.5,
                zmax=ncodes - 0.5,
                colorscale=colorscale(),
                showscale=False,
                hoverinfo="skip",
                visible=r == active,
                name=format_lr(bmap.lrs[r]),
            )
        )
    data.append(_click_grid(surface, lo, hi, T))
    minima = np.empty((0, 2)) if minima is None else np.asarray(minima, dtype=float).reshape(-1, 2)
    inside = ((minima >= lo) & (minima <= hi)).all(axis=1)
    shown = np.flatnonzero(inside)
    if len(shown):
        data.append(
            dict(
                type="scatter",
                x=rounded(minima[shown, 0]),
                y=rounded(minima[shown, 1]),
                mode="markers+text",
                text=[letter(m) for m in shown],
                textposition="top center",
                textfont=dict(size=sizes(big)["label"] + 2, color=MINIMUM_COLOR),
                name=T("chart.minimum"),
                marker=dict(
                    symbol="star", size=18, color=MINIMUM_COLOR, line=dict(color="#FFFFFF", width=1.5)
                ),
                hovertemplate=T("chart.minimum") + " %{text} (%{x:.4g}, %{y:.4g})<extra></extra>",
                showlegend=False,
            )
        )
    if start is not None:
        data.append(start_trace([rounded(start)], T, showlegend=False))
    rates = len(bmap.lrs)
    steps = [
        dict(
            label=f"{lr:.3g}",
            method="update",
            args=[
                dict(visible=[r == i for r in range(rates)]),
                {"annotations[0].text": caption(i)},
                list(range(rates)),
            ],
        )
        for i, lr in enumerate(bmap.lrs)
    ]
    size = sizes(big)
    notes = [
        dict(
            text=caption(active),
            x=0,
            y=1,
            xref="x domain",  # the map's own edges (its square keeps it narrower than the figure)
            yref="y domain",
            xanchor="left",
            yanchor="bottom",
            yshift=CAPTION_SHIFT,  # clear of the frame around the map
            showarrow=False,
            align="left",
            font=dict(size=size["label"]),
        )
    ]
    for frac, text, color in merged(ticks):
        notes.append(
            dict(
                text=text,
                x=float(frac),
                y=0,
                xref="paper",
                yref="paper",
                yshift=-(SLIDER_TOP - 14),
                xanchor="center",
                yanchor="top",
                showarrow=False,
                font=dict(size=size["label"], color=color),
            )
        )
    layout = base_layout(
        None if big else 640,
        big=big,
        xaxis=dict(AXIS, title=dict(text="x"), range=[lo[0], hi[0]], autorange=False, fixedrange=True, constrain="domain"),
        yaxis=dict(AXIS, title=dict(text="y"), range=[lo[1], hi[1]], autorange=False, fixedrange=True,
                   scaleanchor="x", scaleratio=1, constrain="domain"),
        margin=dict(l=70, r=20, t=CAPTION_SHIFT + 8 + round(2 * 1.3 * size["label"]), b=SLIDER_TOP + 80),
        hovermode="closest",
        clickmode="event+select",
        dragmode=False,
        showlegend=False,
        annotations=notes,
        sliders=[
            dict(active=int(active), x=0, len=1.0, y=0, yanchor="top", pad=dict(t=SLIDER_TOP, b=0, l=0, r=0),
                 currentvalue=dict(prefix=T("scrub.prefix"), font=dict(size=size["button"] + 1, color="#1B1F24"), xanchor="left", offset=8),
                 transition=dict(duration=0), ticklen=4, steps=steps,
                 # on a projector the rate is read from the slider's own line (18 px), not its 12 small ticks
                 font=dict(size=size["tick"] - 3, color="rgba(0,0,0,0)" if big else "#3D4451"))
        ],
        meta=dict(basins=True),
    )  # fmt: skip
    return dict(data=data, layout=layout)


def merged(ticks, gap: float = 0.04) -> list[tuple]:
    """Ticks closer than `gap` along the slider as one (their texts joined, the first's colour)."""
    out = []
    for frac, text, color in sorted(ticks):
        if out and frac - out[-1][3] < gap:
            f0, t0, c0, _ = out[-1]
            out[-1] = (f0, t0 + "·" + text.lstrip("▲"), c0, frac)
        else:
            out.append((frac, text, color, frac))
    return [(f, t, c) for f, t, c, _ in out]


def _half_cell(bmap) -> np.ndarray:
    dx = (bmap.xs[-1] - bmap.xs[0]) / max(len(bmap.xs) - 1, 1)
    dy = (bmap.ys[-1] - bmap.ys[0]) / max(len(bmap.ys) - 1, 1)
    return np.array([dx, dy]) / 2


def slider_fraction(lrs, rate: float) -> float:
    """Where `rate` falls along a slider whose evenly spaced steps are the log-spaced lrs."""
    pos = np.interp(np.log(rate), np.log(lrs), np.arange(len(lrs)))
    return float(pos / max(len(lrs) - 1, 1))

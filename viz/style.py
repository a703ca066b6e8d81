"""Colours, fonts and labels shared by every chart: readable on a projector, colourblind-safe.

Every run has its own colour: the first run of an optimizer takes the optimizer's colour (Okabe and
Ito's palette, the same in every chart), every further run of it (another learning rate, start
or batch size) the next colour of Paul Tol's muted and bright sets not yet used in the chart, so
that 3 optimizers x 4 learning rates are 12 colours. Dash and marker shape tell runs apart second.
"""

from __future__ import annotations

import itertools
from functools import cache

OPTIMIZER_COLORS = {
    "gd": "#0072B2",  # blue
    "momentum": "#D55E00",  # vermillion
    "nesterov": "#56B4E9",  # sky blue
    "adagrad": "#009E73",  # bluish green
    "rmsprop": "#E69F00",  # orange
    "adam": "#CC79A7",  # reddish purple
    "newton": "#000000",  # black
    "linesearch": "#8C6D1F",  # dark gold
}
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "cross", "star"]

# Hangul falls back to the system's Korean fonts (Debian's fonts-noto-cjk provides Noto Sans CJK).
FONT_FAMILY = 'Inter, "Noto Sans KR", "Noto Sans CJK KR", "Apple SD Gothic Neo", "Malgun Gothic", "Segoe UI", Helvetica, Arial, sans-serif'
FONT = dict(family=FONT_FAMILY, size=17, color="#1B1F24")
INK = "#1B1F24"  # text: 16:1 on white
TICK_INK = "#3D4451"  # tick labels: 9.9:1 on white (at least 4.5:1 is readable from the back row)
TICK_FONT = dict(size=15, color=TICK_INK)
AXIS = dict(
    exponentformat="power",  # 5×10¹³ as a school writes it, not plotly's SI "50T"
    showline=True,
    linewidth=1.5,
    linecolor="#5A6270",
    mirror=True,
    ticks="outside",
    gridcolor="#E3E7ED",
    zeroline=False,
    tickfont=TICK_FONT,
    title=dict(font=dict(size=18, color=INK)),
)
LINE_WIDTH = 3.5
MARKER_SIZE = 8
CURRENT_RADIUS = 9  # px: the moving marker
MINIMUM_COLOR = "#1B1F24"
GRADIENT_ARROW = "#6B7280"  # -lr * the gradient the step used (a mini-batch's, for SGD)
FULL_GRADIENT_ARROW = "#111111"  # -lr * the full-data gradient (drawn for mini-batch runs)
CONTOUR_SCALE = [[0.0, "#FFFFFF"], [0.4, "#EDF1F6"], [0.75, "#CBD4DF"], [1.0, "#A3AFBF"]]
SURFACE_SCALE = [[0.0, "#F4F1E8"], [0.5, "#C9D3E0"], [1.0, "#6F7F96"]]


# Paul Tol's muted and bright qualitative colours, in an order that keeps neighbours distinct.
EXTRA_COLORS = ["#882255", "#44AA99", "#999933", "#332288", "#AA4499", "#117733", "#DDAA33", "#6699CC",
                "#EE6677", "#228833", "#4477AA", "#CC6677"]  # fmt: skip


def color_of(optimizer: str) -> str:
    return OPTIMIZER_COLORS.get(optimizer, "#444444")


def run_colors(runs) -> list[str]:
    """One distinct colour per run (see the module docstring)."""
    used, out = set(), []
    firsts = {}
    for i, run in enumerate(runs):
        if run.optimizer not in firsts:
            firsts[run.optimizer] = i
            used.add(color_of(run.optimizer))
    spare = itertools.cycle([c for c in EXTRA_COLORS if c not in used] or EXTRA_COLORS)  # any number of runs
    for i, run in enumerate(runs):
        out.append(color_of(run.optimizer) if firsts[run.optimizer] == i else next(spare))
    return out


def luminance(color: str) -> float:
    """WCAG's relative luminance of a #RRGGBB colour."""
    rgb = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str = "#FFFFFF") -> float:
    """WCAG's contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@cache
def readable(color: str, ratio: float = 4.5) -> str:
    """`color` darkened just enough to be read on white (contrast >= ratio): a run's label text keeps
    its hue, the light ones (orange, sky blue) get darker.

    >>> readable("#0072B2"), readable("#E69F00"), contrast(readable("#E69F00")) >= 4.5
    ('#0072B2', '#9C6C00', True)
    """
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    for k in range(100):
        shade = "#" + "".join(f"{round(c * (1 - k / 100)):02X}" for c in rgb)
        if contrast(shade) >= ratio:
            return shade
    return INK


def format_lr(lr: float) -> str:
    """A learning rate as a person writes it: 0.001, 0.4, 10, 1e-5.

    >>> [format_lr(v) for v in (0.001, 0.4, 10.0, 1e-05, 1.05, 0.000123)]
    ['0.001', '0.4', '10', '1e-5', '1.05', '0.000123']
    """
    text = f"{lr:.4g}"
    return text.replace("e-0", "e-").replace("e+0", "e+")


def sizes(big: bool = False) -> dict:
    """Font sizes in px: the page's, or the projector's (big: every tick label at least 18 px)."""
    if big:
        return dict(font=20, tick=18, title=20, legend=18, button=19, label=18)
    return dict(font=17, tick=15, title=18, legend=16, button=16, label=15)


def base_layout(height: int | None = 560, big: bool = False, **extra) -> dict:
    """The layout every chart starts from: white, large type, legend on top. height None leaves the
    height to the page (the projector layout sizes the chart to the screen); big scales the text."""
    size = sizes(big)
    layout = dict(
        height=height,
        font=FONT,
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
        margin=dict(l=70, r=30, t=40, b=60),
        legend=dict(
            orientation="h",
            yanchor="bottom",
            y=1.02,
            x=0,
            font=dict(size=16),
            bgcolor="rgba(255,255,255,0.8)",
        ),
        hoverlabel=dict(font=dict(size=15)),
    )
    layout.update(extra)
    if height is None:
        del layout["height"]
    if big:  # the projector: larger type; each run is labelled on the chart, so no legend over the plot
        layout["showlegend"] = False
        layout["font"] = dict(FONT, size=size["font"])
        layout["legend"] = dict(layout["legend"], font=dict(size=size["legend"]))
        for key, axis in list(layout.items()):
            if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
                title = axis.get("title") or {}
                layout[key] = dict(
                    axis,
                    tickfont=dict(size=size["tick"], color=TICK_INK),
                    title=dict(title, font=dict(size=size["title"], color=INK)),
                )
    return layout


def stack_panels(layout: dict, height: int, panels) -> dict:
    """A phone's layout: the panels one above the other, each across the whole width, in a taller
    chart (side by side, each would be a few fingers wide). panels: (axis suffix, vertical domain),
    e.g. ("", [0.6, 1]) for x/y and ("2", [0, 0.4]) for x2/y2."""
    layout["height"] = height
    for suffix, domain in panels:
        layout[f"xaxis{suffix}"] = dict(layout[f"xaxis{suffix}"], domain=[0.0, 1.0])
        layout[f"yaxis{suffix}"] = dict(layout[f"yaxis{suffix}"], domain=domain)
    return layout

"""Colours, fonts and labels shared by every chart: readable on a projector, colourblind-safe.

Each optimizer keeps one colour everywhere (Okabe and Ito's palette); several learning rates or
batch sizes of one optimizer are told apart by dash and marker shape, not by new colours.
"""

from __future__ import annotations

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

FONT = dict(family="Inter, Segoe UI, Helvetica, Arial, sans-serif", size=17, color="#1B1F24")
TICK_FONT = dict(size=15)
AXIS = dict(
    showline=True,
    linewidth=1.5,
    linecolor="#5A6270",
    mirror=True,
    ticks="outside",
    gridcolor="#E3E7ED",
    zeroline=False,
    tickfont=TICK_FONT,
    title=dict(font=dict(size=18)),
)
LINE_WIDTH = 3.5
MARKER_SIZE = 8
CURRENT_RADIUS = 9  # px: the moving marker
MINIMUM_COLOR = "#1B1F24"
GRADIENT_ARROW = "#6B7280"  # -lr * the gradient the step used (a mini-batch's, for SGD)
FULL_GRADIENT_ARROW = "#111111"  # -lr * the full-data gradient (drawn for mini-batch runs)
CONTOUR_SCALE = [[0.0, "#FFFFFF"], [0.4, "#EDF1F6"], [0.75, "#CBD4DF"], [1.0, "#A3AFBF"]]
SURFACE_SCALE = [[0.0, "#F4F1E8"], [0.5, "#C9D3E0"], [1.0, "#6F7F96"]]


def color_of(optimizer: str) -> str:
    return OPTIMIZER_COLORS.get(optimizer, "#444444")


def format_lr(lr: float) -> str:
    """A learning rate as a person writes it: 0.001, 0.4, 10, 1e-5.

    >>> [format_lr(v) for v in (0.001, 0.4, 10.0, 1e-05, 1.05, 0.000123)]
    ['0.001', '0.4', '10', '1e-5', '1.05', '0.000123']
    """
    text = f"{lr:.4g}"
    return text.replace("e-0", "e-").replace("e+0", "e+")


def base_layout(height: int = 560, **extra) -> dict:
    """The layout every chart starts from: white, large type, legend on top."""
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
    return layout

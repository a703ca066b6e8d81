"""The animated main chart of the three path views: the 1-D curve, the contour map or the 3-D
surface. The other views draw their own figures: the lr scrubber (viz.scrub), the basin map
(viz.basins), the lr sweep and the optimizers x rates heatmap (viz.sweep), and a network's plane
and line (viz.landscape)."""

from __future__ import annotations

from .contour import contour_figure
from .curve import curve_figure
from .surface3d import surface_figure


def main_figure(
    surface,
    runs,
    T,
    view: str = "",
    taylor: bool = False,
    grow: bool = False,
    big: bool = False,
    phone: bool = False,
    search: int = 0,
) -> dict:
    """Plotly JSON of the animated main chart ('3d' for the surface view of a 2-D loss). `taylor`
    draws the second-order model at the current point in the 1-D view; `grow` draws the paths
    only up to the frame on show (while a prediction is open); `big` sizes it for a projector;
    `phone`: two rows of buttons, and a data panel under the loss instead of beside it; `search`: in
    1-D, a grid search's evaluations drawn on the curve (optimizers.search)."""
    if surface.dim == 1:
        return curve_figure(surface, runs, T, taylor=taylor, grow=grow, big=big, phone=phone, search=search)
    if view == "3d":
        return surface_figure(surface, runs, T, big=big, phone=phone)
    return contour_figure(surface, runs, T, grow=grow, big=big, phone=phone)

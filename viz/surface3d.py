"""The 3-D view: the loss as a surface with each run's path lifted onto it, markers moving along.

Frames restyle one scatter3d trace of current points (redraw needed in 3-D); the surface and the
paths are drawn once. Heights are capped at the 97th percentile of the view so that one steep
wall (rosenbrock's) does not flatten everything else.
"""

from __future__ import annotations

import numpy as np

from .animation import ROW, controls, controls_margin, epoch_labels, frame_steps, index, last_tick
from .contour import view_box
from .figure import rounded, sig, typed
from .runs import ahead, label, shown, styles
from .style import FONT, MINIMUM_COLOR, SURFACE_SCALE, base_layout, sizes

GRID = 80


def surface_figure(surface, runs, T, bounds=None, height=640, big=False, phone=False) -> dict:
    """Plotly JSON of the animated 3-D surface view (`phone`: two rows of buttons)."""
    lo, hi = view_box(surface, bounds)
    xs, ys = np.linspace(lo[0], hi[0], GRID), np.linspace(lo[1], hi[1], GRID)
    X, Y = np.meshgrid(xs, ys)
    Z = surface.value(np.stack([X, Y], axis=-1))
    z_lo = float(np.nanmin(Z))
    z_hi = float(np.nanpercentile(Z, 97))
    lift = 0.01 * (z_hi - z_lo)  # paths float just above the surface

    def height_of(v):
        return np.clip(v, z_lo, z_hi) + lift

    data = [
        dict(
            type="surface",
            x=typed(xs),
            y=typed(ys),
            z=typed(np.clip(Z, z_lo, z_hi)),
            colorscale=SURFACE_SCALE,
            showscale=False,
            opacity=0.92,
            name=T("chart.loss"),
            hoverinfo="skip",
            contours=dict(
                z=dict(
                    show=True, usecolormap=False, color="rgba(60,72,92,0.45)", width=1, project=dict(z=True)
                )
            ),
        )
    ]
    if len(surface.minima):
        m = surface.minima
        data.append(
            dict(
                type="scatter3d",
                x=rounded(m[:, 0]),
                y=rounded(m[:, 1]),
                z=sig(height_of(surface.minima_values)),
                mode="markers",
                name=T("chart.minimum"),
                marker=dict(symbol="diamond", size=6, color=MINIMUM_COLOR),
            )
        )
    looks = styles(runs)
    for run, st in zip(runs, looks):
        n = shown(run)
        if not ahead(run):  # a prediction's preview: only the moving markers, no path to read ahead
            continue
        data.append(
            dict(
                type="scatter3d",
                x=rounded(run.path[:n, 0]),
                y=rounded(run.path[:n, 1]),
                z=sig(height_of(run.losses[:n])),
                mode="lines",
                name=label(run, runs, T),
                line=dict(color=st["color"], width=6, dash=st["dash"] if st["dash"] != "dot" else "dash"),
            )
        )
    moving = len(data)
    last = last_tick(runs)
    steps = frame_steps(last)

    def markers_at(k):
        pts = [(run.path[int(index(run, k))], run.losses[int(index(run, k))]) for run in runs]
        return dict(
            type="scatter3d",
            mode="markers",
            name=T("chart.now"),
            showlegend=False,
            x=rounded([p[0][0] for p in pts]),
            y=rounded([p[0][1] for p in pts]),
            z=sig(height_of(np.array([p[1] for p in pts]))),
            marker=dict(size=9, color=[look["color"] for look in looks], line=dict(color="#FFFFFF", width=2)),
        )

    data.append(markers_at(0))
    frames = [dict(name=str(int(k)), data=[markers_at(int(k))], traces=[moving]) for k in steps]
    updatemenus, sliders = controls(
        steps, T, redraw=True, font_size=sizes(big)["button"], phone=phone, labels=epoch_labels(runs, steps)
    )
    axis = dict(backgroundcolor="#FFFFFF", gridcolor="#D5DBE3", showbackground=True, tickfont=dict(size=13))
    layout = base_layout(
        None if big else height + (ROW if phone else 0),
        big=big,
        scene=dict(
            xaxis=dict(axis, title=dict(text="x"), range=[lo[0], hi[0]], autorange=False),
            yaxis=dict(axis, title=dict(text="y"), range=[lo[1], hi[1]], autorange=False),
            zaxis=dict(
                axis, title=dict(text=T("chart.loss")), range=[z_lo, z_hi + 2 * lift], autorange=False
            ),
            aspectmode="manual",
            aspectratio=dict(x=1.2, y=1.2, z=0.7),
            camera=dict(eye=dict(x=1.5, y=-1.5, z=1.0)),
        ),
        updatemenus=updatemenus,
        sliders=sliders,
        margin=dict(l=10, r=10, t=50, b=controls_margin(phone)),
        font=FONT,
    )
    return dict(data=data, layout=layout, frames=frames)

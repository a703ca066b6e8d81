"""The network's two views: its loss on a plane through the first run's end point (the runs drawn as
their shadows on the plane, the networks' fits beside), with how faithful the plane is, and its loss
on the straight line from the first run's start to its end. Pure functions of the runs (ui.compute
caches them)."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, replace

import numpy as np

from surfaces.landscape import line_surface, slice_surface
from viz.animation import frames_for
from viz.contour import contour_figure
from viz.landscape import faithfulness_figure, line_figure
from viz.views import main_figure

FILTER_SEED = 0  # the random plane's seed: the same plane for every run of a picture
FRAME_BUDGET = 300  # frames x runs: every frame also redraws each network's fit (half the maps' budget)


@dataclass(frozen=True)
class Landscape:
    """The plane's map, the faithfulness chart, the share of the first run's path each PCA
    direction explains (None for random directions), and how far the plane's loss strays from the
    true loss along the first run (the largest |log10 ratio| over its iterates)."""

    map: dict
    faith: dict
    explained: tuple | None
    directions: str
    worst: float


_PLANES: dict = {}  # (id of a run's path, directions) -> its plane, while the path lives


def plane_of(s, runs, directions: str = "pca"):
    """The plane through the first run's end point: the top two principal directions of its path,
    or two filter-normalized random directions (PCA needs at least 3 iterates). One plane per
    run's path and directions, so its map's grid is computed once (SliceSurface.grid_values)."""
    first = runs[0]
    key = (id(first.path), first.steps_taken, directions)
    if key not in _PLANES:
        k = first.steps_taken
        if directions == "pca" and k >= 2:
            _PLANES[key] = slice_surface(s, first.path[k], "pca", path=first.path[: k + 1])
        else:
            _PLANES[key] = slice_surface(s, first.path[k], "filter", seed=FILTER_SEED)
        weakref.finalize(first.path, _PLANES.pop, key, None)
    return _PLANES[key]


def shadows(plane, runs) -> tuple[list, list, list]:
    """Each run projected onto the plane (its iterates, gradients and steps as their shadows; its
    losses the true ones), with the true and the plane's losses along each run's iterates."""
    out, true_losses, plane_losses = [], [], []
    for run in runs:
        n = run.steps_taken + 1
        with np.errstate(all="ignore"):
            ab = plane.coordinates(run.path - plane.origin)
            grads = plane.coordinates(run.grads) if len(run.grads) else np.empty((0, 2))
            _, on_plane, true = plane.project(run.path[:n], run.losses[:n])
        out.append(replace(run, path=ab, grads=grads))
        true_losses.append(true)
        plane_losses.append(on_plane)
    return out, true_losses, plane_losses


def landscape(
    s,
    runs,
    T,
    directions: str = "pca",
    grow: bool = False,
    big: bool = False,
    phone: bool = False,
    shown=None,
) -> Landscape:
    """The plane through the first run's end and `shown` (the runs, or their previews while a
    question is open) drawn on it as their shadows."""
    plane = plane_of(s, runs, directions)
    runs = runs if shown is None else shown
    projected, true_losses, plane_losses = shadows(plane, runs)
    names = (T(f"axis.{plane.kind_of_directions}_1"), T(f"axis.{plane.kind_of_directions}_2"))
    fig = contour_figure(
        plane,
        projected,
        T,
        clickable=False,
        grow=grow,
        big=big,
        panel=(s, runs),
        axis_names=names,
        max_frames=frames_for(len(runs), FRAME_BUDGET, 150),
        phone=phone,
    )
    with np.errstate(all="ignore"):
        gap = np.abs(np.log10(plane_losses[0] / true_losses[0]))
    worst = float(np.nanmax(gap)) if np.isfinite(gap).any() else float("inf")
    explained = None if plane.explained is None else tuple(float(v) for v in plane.explained)
    return Landscape(
        fig,
        faithfulness_figure(runs, true_losses, plane_losses, T),
        explained,
        plane.kind_of_directions,
        worst,
    )


def line(s, runs, T, big: bool = False) -> dict:
    """The loss along the straight line from the first run's start to its end."""
    first = runs[0]
    return line_figure(line_surface(s, first.path[0], first.path[first.steps_taken]), runs, T, big=big)


def picture(s, runs, T, state: dict) -> dict:
    """The main chart of a state for a download: the animated view, or a network's plane or line."""
    if s.dim <= 2:
        return main_figure(s, runs, T, state["view"])
    if state["view"] == "line":
        return line(s, runs, T)
    return landscape(s, runs, T, state["directions"]).map

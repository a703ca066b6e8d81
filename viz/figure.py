"""Plain Plotly JSON, handed to Streamlit without a second validation pass.

Figures are built as dicts by NumPy (a few ms). `st.plotly_chart` re-validates a dict through
`go.Figure(**dict)` (~170 ms for an animated contour), but takes a `go.Figure` as already valid
and only calls its `to_dict()`: PreparedFigure is that Figure, returning the dict it was given.
"""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go


class PreparedFigure(go.Figure):
    """A go.Figure whose to_dict() is the prepared Plotly JSON dict (no validation, no copy)."""

    def __init__(self, spec: dict):
        super().__init__()
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec

    def to_plotly_json(self) -> dict:
        return self._spec

    @property
    def spec(self) -> dict:
        return self._spec


def typed(a, dtype="f4") -> dict:
    """A numeric array as Plotly's base64 typed array (plotly.js >= 2.28), any shape.

    float32 keeps 7 significant digits, far more than a screen shows, at half the bytes.
    """
    arr = np.ascontiguousarray(np.asarray(a, dtype=dtype))
    spec = {"dtype": dtype, "bdata": base64.b64encode(arr.tobytes()).decode("ascii")}
    if arr.ndim > 1:
        spec["shape"] = ", ".join(map(str, arr.shape))
    return spec


def rounded(a, digits=6) -> list:
    """Coordinates as a JSON list rounded to what a screen can show (short, and exact in JSON)."""
    return np.round(np.asarray(a, dtype=float), digits).tolist()


def defined(a, digits=6) -> list:
    """Values rounded to `digits`, with None (a gap in the line) where the function is not defined."""
    a = np.asarray(a, dtype=float)
    ok = np.isfinite(a)
    out = np.round(np.where(ok, a, 0.0), digits).astype(object)
    out[~ok] = None
    return out.tolist()


def sig(a, figures=4) -> list:
    """Values rounded to `figures` significant figures (for losses spanning many decades)."""
    a = np.asarray(a, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mag = np.where(a == 0, 0, np.floor(np.log10(np.abs(a))))
    scale = 10.0 ** (figures - 1 - mag)
    return (np.round(a * scale) / scale).tolist()

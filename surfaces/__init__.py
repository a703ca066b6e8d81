"""Loss surfaces: value, analytic gradient and Hessian, view window, known minima, a default start.

>>> from surfaces import get_surface
>>> s = get_surface("quadratic")
>>> float(s.value([5.0])), float(s.grad([5.0])[0])
(18.0, 8.0)
"""

from .analytic import build_analytic
from .base import Surface
from .custom import custom_surface
from .data import Dataset, DataSurface, data_surface, default_data_surfaces, synthetic
from .mlp import mlp_surface
from .softmax import softmax_surface

SURFACES: dict[str, Surface] = {
    s.name: s for s in [*build_analytic(), *default_data_surfaces(), softmax_surface(), mlp_surface()]
}


def get_surface(name: str) -> Surface:
    """The registered surface called `name`; ValueError listing the valid names otherwise."""
    try:
        return SURFACES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown surface {name!r}; choose one of: {', '.join(SURFACES)}") from None


__all__ = [
    "SURFACES",
    "DataSurface",
    "Dataset",
    "Surface",
    "custom_surface",
    "data_surface",
    "get_surface",
    "mlp_surface",
    "synthetic",
]

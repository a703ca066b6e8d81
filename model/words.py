"""What a picture is called and how it is described, in the page's language: the page's header, its
HTML export and a handout say the same."""

from __future__ import annotations


def surface_title(state: dict, T) -> str:
    """'Linear regression (w, b)', or for a typed formula 'Your function: w^4 - 3w^2 + w'."""
    if state["surface"] == "custom":
        return T("surface.custom.yours", formula=state["formula"].strip())
    return T(f"surface.{state['surface']}.title")


def surface_description(state: dict, T) -> str:
    """A sentence on what the surface is."""
    return T(f"surface.{state['surface']}.description")

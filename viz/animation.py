"""What every animated chart shares: which steps become frames, and the Play/Pause/speed controls.

Frames carry only what moves (layout shapes and annotations on 2-D views, a marker trace in
3-D); the surface and the full paths sit in fig.data once.
"""

from __future__ import annotations

import numpy as np

MAX_FRAMES = 300
MAX_SLIDER_STEPS = 100  # every slider step is drawn on each frame: 300 of them cost ~15% of the frame rate
SPEEDS = {"anim.play": 60, "anim.fast": 15}  # ms per frame, by the button's text key


def frame_steps(steps: int, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """The step numbers shown as frames: all of them up to max_frames, otherwise an even
    subsample that always keeps the first (0) and the last step.

    >>> frame_steps(5).tolist()
    [0, 1, 2, 3, 4, 5]
    >>> s = frame_steps(1000); len(s), s[0], s[-1]
    (300, 0, 1000)
    """
    if steps + 1 <= max_frames:
        return np.arange(steps + 1)
    return np.unique(np.round(np.linspace(0, steps, max_frames)).astype(int))


def slider_steps(steps: np.ndarray, most: int = MAX_SLIDER_STEPS) -> np.ndarray:
    """The frames the slider can stop at: all of them up to `most`, else an even subset with the
    first and the last (while playing, the slider moves whenever a frame is one of them)."""
    if len(steps) <= most:
        return steps
    return steps[np.unique(np.round(np.linspace(0, len(steps) - 1, most)).astype(int))]


def controls(steps: np.ndarray, T, redraw: bool = False, prefix: str | None = None) -> tuple[list, list]:
    """(updatemenus, sliders) for frames named by their step number: Play, Fast, Pause and a
    step slider, placed below the plot so they never cover it."""

    def play(duration):
        return [
            None,
            {
                "frame": {"duration": duration, "redraw": redraw},
                "fromcurrent": True,
                "transition": {"duration": 0},
                "mode": "immediate",
            },
        ]

    prefix = T("anim.step_prefix") if prefix is None else prefix
    buttons = [dict(label=T(key), method="animate", args=play(ms)) for key, ms in SPEEDS.items()]
    buttons.append(
        dict(
            label=T("anim.pause"),
            method="animate",
            args=[
                [None],
                {
                    "frame": {"duration": 0, "redraw": redraw},
                    "mode": "immediate",
                    "transition": {"duration": 0},
                },
            ],
        )
    )
    updatemenus = [
        dict(
            type="buttons",
            direction="left",
            showactive=False,
            x=0,
            xanchor="left",
            y=-0.24,
            yanchor="top",
            pad=dict(t=0, r=10),
            buttons=buttons,
            font=dict(size=15),
        )
    ]
    sliders = [
        dict(
            active=0,
            x=0.36,
            len=0.64,
            xanchor="left",
            y=-0.2,
            yanchor="top",
            pad=dict(t=10, b=0),
            currentvalue=dict(prefix=prefix, font=dict(size=17, color="#1B1F24"), xanchor="left", offset=6),
            transition=dict(duration=0),
            font=dict(color="rgba(0,0,0,0)"),
            ticklen=0,
            minorticklen=0,
            steps=[
                dict(
                    label=str(int(k)),
                    method="animate",
                    args=[
                        [str(int(k))],
                        {
                            "frame": {"duration": 0, "redraw": redraw},
                            "mode": "immediate",
                            "transition": {"duration": 0},
                        },
                    ],
                )
                for k in slider_steps(steps)
            ],
        )
    ]
    return updatemenus, sliders

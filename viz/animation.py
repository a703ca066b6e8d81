"""What every animated chart shares: which steps become frames, and the animation controls.

Frames carry only what moves (layout shapes and annotations on 2-D views, a marker trace in
3-D); the surface and the full paths sit in fig.data once.

The controls sit below the plot in two rows that never overlap, placed in pixels (so a short
chart on a phone keeps them apart): a row of buttons, each two lines tall (a glyph over its word:
a 50-px target for a finger) - one step back, one step forward, Play, Fast, Slow, Pause - and
the step slider on its own row. On a phone the six buttons do not fit one row: they take two
rows of three, and the slider moves down under them. The step buttons hold the frame they go to;
the page's script (viz/page.js) points them at the neighbours of the frame on show, since
plotly.js has no relative step.

Play, Fast and Slow move the marks without redrawing the plot (`redraw: False`, ~60 frames/s);
a single step, from the buttons or the slider, redraws it: after a frame applied without a
redraw, plotly.js no longer turns a click on the plot into a selection (the contour map's "click
to start here"), so the page's script also re-applies the frame on show, redrawn, when an
animation ends or is paused.
"""

from __future__ import annotations

import numpy as np

MAX_FRAMES = 300
MAX_SLIDER_STEPS = 100  # every slider step is drawn on each frame: 300 of them cost ~15% of the frame rate
SPEEDS = {"anim.play": 60, "anim.fast": 15, "anim.slow": 400}  # ms per frame, by the button's text key
BUTTONS_TOP = 74  # px below the plot area: under the x axis and its title
SLIDER_TOP = 134  # px below the plot area: under the buttons (50 px tall)
CONTROLS_MARGIN = 214  # the bottom margin that holds the axis title, the buttons and the slider
ROW = 58  # px from one row of buttons to the next (a phone's second row)


def controls_margin(phone: bool = False) -> int:
    """The bottom margin under the plot that holds its controls (a phone's second row of buttons)."""
    return CONTROLS_MARGIN + (ROW if phone else 0)


FRAME_BUDGET = 400  # frames x runs of a map: each frame redraws every run's marks (bytes, server time)


def frames_for(runs: int, budget: int = FRAME_BUDGET, most: int = MAX_FRAMES, least: int = 60) -> int:
    """How many frames a figure of `runs` runs may have: `most`, fewer when many runs share it.

    >>> frames_for(1), frames_for(2), frames_for(3), frames_for(12)
    (300, 200, 133, 60)
    """
    return max(least, min(most, budget // max(runs, 1)))


def frame_steps(steps: int, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """The step numbers shown as frames: all of them up to max_frames, otherwise an even
    subsample that always keeps the first (0) and the last step.

    >>> frame_steps(5).tolist()
    [0, 1, 2, 3, 4, 5]
    >>> s = frame_steps(1000); len(s), int(s[0]), int(s[-1])
    (300, 0, 1000)
    """
    if steps + 1 <= max_frames:
        return np.arange(steps + 1)
    return np.unique(np.round(np.linspace(0, steps, max_frames)).astype(int))


def last_tick(runs) -> int:
    """The animation's last tick: every run's last iterate, each at `sync` ticks per step (runs
    compared by epoch: full batch moves one step while SGD moves a pass's worth)."""
    return max((r.steps_taken * r.sync for r in runs), default=0)


def index(run, ticks: np.ndarray) -> np.ndarray:
    """The iterate of `run` on show at each tick."""
    return np.minimum(np.asarray(ticks) // run.sync, run.steps_taken)


def epoch_labels(runs, ticks: np.ndarray) -> list[str] | None:
    """The slider's labels when runs are compared by epoch (the epoch each tick is at), else None."""
    if not any(r.sync > 1 for r in runs):
        return None
    per = runs[0].per_epoch * runs[0].sync
    return [f"{t / per:.3g}" for t in ticks]


def slider_steps(steps: np.ndarray, most: int = MAX_SLIDER_STEPS) -> np.ndarray:
    """The frames the slider can stop at: all of them up to `most`, else an even subset with the
    first and the last (while playing, the slider moves whenever a frame is one of them)."""
    if len(steps) <= most:
        return steps
    return steps[np.unique(np.round(np.linspace(0, len(steps) - 1, most)).astype(int))]


def _go(target, duration: int, redraw: bool, **extra) -> list:
    return [
        target,
        {
            "frame": {"duration": duration, "redraw": redraw},
            "transition": {"duration": 0},
            "mode": "immediate",
            **extra,
        },
    ]


def controls(
    steps: np.ndarray,
    T,
    redraw: bool = False,
    prefix: str | None = None,
    font_size: int = 16,
    phone: bool = False,
    labels: list[str] | None = None,
) -> tuple[list, list]:
    """(updatemenus, sliders) for frames named by their step number (see the module docstring);
    `phone`: the buttons in two rows of three; `labels`: the slider's own labels for the frames
    (epochs, when runs are compared by epoch)."""
    if prefix is None:
        prefix = T("anim.epoch_prefix" if labels else "anim.step_prefix")
    label_of = dict(zip((int(k) for k in steps), labels or [str(int(k)) for k in steps]))
    names = [str(int(k)) for k in steps]
    buttons = [
        dict(label=T("anim.back"), name="step-back", method="animate", args=_go([names[0]], 0, True)),
        dict(
            label=T("anim.forward"),
            name="step-forward",
            method="animate",
            args=_go([names[min(1, len(names) - 1)]], 0, True),
        ),
    ]
    buttons += [
        dict(
            label=T(key),
            name=key.removeprefix("anim."),
            method="animate",
            args=_go(None, ms, redraw, fromcurrent=True),
        )
        for key, ms in SPEEDS.items()
    ]
    buttons.append(dict(label=T("anim.pause"), name="pause", method="animate", args=_go([None], 0, redraw)))
    rows = [buttons[:3], buttons[3:]] if phone else [buttons]
    updatemenus = [
        dict(
            type="buttons",
            direction="left",
            showactive=False,
            x=0,
            xanchor="left",
            y=0,
            yanchor="top",
            pad=dict(t=BUTTONS_TOP + i * ROW, r=6),
            buttons=row,
            font=dict(size=font_size),
            bgcolor="#F3F5F8",
            bordercolor="#8A94A6",
        )
        for i, row in enumerate(rows)
    ]
    sliders = [
        dict(
            active=0,
            x=0,
            len=1.0,
            xanchor="left",
            y=0,
            yanchor="top",
            pad=dict(t=SLIDER_TOP + (ROW if phone else 0), b=0, l=0, r=0),
            currentvalue=dict(
                prefix=prefix, font=dict(size=font_size + 1, color="#1B1F24"), xanchor="left", offset=8
            ),
            transition=dict(duration=0),
            font=dict(color="rgba(0,0,0,0)"),
            ticklen=0,
            minorticklen=0,
            steps=[
                dict(label=label_of[int(k)], method="animate", args=_go([str(int(k))], 0, True))
                for k in slider_steps(steps)
            ],
        )
    ]
    return updatemenus, sliders

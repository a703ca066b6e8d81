"""Offline export: an animation as one self-contained HTML file, trajectories as CSV.

    python -m viz.export --list
    python -m viz.export --lesson ravine --out ravine.html [--csv ravine.csv]

The HTML inlines plotly.js (no network access needed to open it) and does not start playing on
load. Works without Streamlit running.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import sys

import plotly.io as pio

from .runs import label
from .views import main_figure

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:Inter,Segoe UI,Helvetica,Arial,sans-serif;margin:24px auto;max-width:1200px;color:#1B1F24}}
h1{{font-size:28px;margin:0 0 8px}} p{{font-size:18px;line-height:1.45;margin:6px 0}}</style></head>
<body><h1>{title}</h1>{text}{figure}</body></html>"""


def html_page(figure: dict, title: str, paragraphs=()) -> str:
    """A complete, offline HTML page: a title, some text and the animated figure."""
    body = pio.to_html(
        figure,
        include_plotlyjs=True,
        full_html=False,
        auto_play=False,
        validate=False,
        config={"displaylogo": False, "responsive": True},
        default_width="100%",
    )
    text = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return PAGE.format(title=html.escape(title), text=text, figure=body)


def trajectories_csv(runs, dim: int) -> str:
    """One row per run and iterate: run, step, epoch, x, y, loss, grad, lr. grad and lr are those
    of the step taken from that iterate (empty for the last one); in 2-D, grad is the gradient's
    norm and grad_x, grad_y follow at the end of the row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["run", "step", "epoch", "x", "y", "loss", "grad", "lr"] + (["grad_x", "grad_y"] if dim == 2 else [])
    )
    for run in runs:
        name = label(run, runs)
        for k in range(run.steps_taken + 1):
            p = run.path[k]
            stepped = k < run.steps_taken
            g = run.grads[k] if stepped else None
            grad = "" if g is None else repr(float(g[0]) if dim == 1 else float((g @ g) ** 0.5))
            row = [
                name,
                k,
                f"{k / run.per_epoch:.6g}",
                repr(float(p[0])),
                repr(float(p[1])) if dim == 2 else "",
                repr(float(run.losses[k])),
                grad,
                repr(float(run.lrs[k])) if stepped else "",
            ]
            if dim == 2:
                row += ["", ""] if g is None else [repr(float(g[0])), repr(float(g[1]))]
            writer.writerow(row)
    return out.getvalue()


def lesson_export(slug: str) -> tuple[str, str]:
    """(HTML, CSV) of a lesson, computed from scratch."""
    from optimizers.experiment import simulate

    from .lessons import get_lesson
    from .state import setup_from

    lesson = get_lesson(slug)
    state = lesson.state()
    setup = setup_from(state, n_rows=_rows_of(state))
    from surfaces import get_surface

    surface = get_surface(setup.surface)
    runs = simulate(setup, surface)
    page = html_page(
        main_figure(surface, runs, state.get("view", "")),
        lesson.title,
        [lesson.look, lesson.why, "Ask the class: " + lesson.ask],
    )
    return page, trajectories_csv(runs, surface.dim)


def _rows_of(state):
    from surfaces import SURFACES

    return getattr(SURFACES.get(state["surface"]), "n_rows", None)


def main(argv=None) -> int:
    from .lessons import LESSONS

    ap = argparse.ArgumentParser(prog="python -m viz.export", description=__doc__.splitlines()[0])
    ap.add_argument("--list", action="store_true", help="print the lesson slugs and titles")
    ap.add_argument("--lesson", help="the lesson to export")
    ap.add_argument("--out", help="the HTML file to write")
    ap.add_argument("--csv", help="also write the trajectories as CSV here")
    args = ap.parse_args(argv)
    if args.list:
        for lesson in LESSONS:
            print(f"{lesson.slug}\t{lesson.title}")
        return 0
    if not args.lesson or not args.out:
        ap.error("give --list, or --lesson NAME and --out FILE.html")
    try:
        page, table = lesson_export(args.lesson)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write(page)
    if args.csv:
        with open(args.csv, "w", encoding="utf-8", newline="") as fh:
            fh.write(table)
    print(f"wrote {args.out} ({len(page.encode()) / 1e6:.1f} MB)" + (f" and {args.csv}" if args.csv else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Offline export: an animation as one self-contained HTML file, trajectories as CSV.

    python -m viz.export --list
    python -m viz.export --lesson ravine --out ravine.html [--csv ravine.csv] [--lang ko]
    python -m viz.export --link 'surface=linreg&batch_sizes=1,50' --out sgd.html

`--link` takes the query string the app writes in its address bar (a share link, with or without
the address before the '?'), so a data loss or a typed formula is rebuilt exactly. The HTML
inlines plotly.js (no network access needed to open it) and does not start playing on load.
Works without Streamlit running.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import re
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import plotly.io as pio
from plotly.offline import get_plotlyjs

from .runs import label

PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:Inter,"Noto Sans KR","Apple SD Gothic Neo","Malgun Gothic",Segoe UI,Helvetica,Arial,sans-serif;
margin:24px auto;max-width:1200px;color:#1B1F24}}
h1{{font-size:28px;margin:0 0 8px}} p{{font-size:18px;line-height:1.45;margin:6px 0}}</style></head>
<body><h1>{title}</h1>{text}<script>{plotlyjs}</script><script>{locale}</script>{figure}<script>{script}</script>
</body></html>"""
LOCALES = Path(__file__).parent / "locale"  # plotly.js's own translations of its UI (modebar tooltips)


def plotly_locale(lang: str) -> str:
    """The script that registers plotly.js's locale `lang`, if plotly.js ships one ('' for English)."""
    path = LOCALES / f"{lang}.js"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def inline(text: str) -> str:
    """A catalog text as HTML: escaped, with its markdown `code` and **bold** spans kept."""
    out = html.escape(text)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)


def html_page(figure: dict, title: str, paragraphs=(), lang: str = "en", script: str = "") -> str:
    """A complete, offline HTML page: a title, some text, the animated figure and `script` (the app
    passes its page script, ui/page.js: the step buttons work in the file too)."""
    locale = plotly_locale(lang)
    config = {"displaylogo": False, "responsive": True} | ({"locale": lang} if locale else {})
    body = pio.to_html(
        figure,
        include_plotlyjs=False,
        full_html=False,
        auto_play=False,
        validate=False,
        config=config,
        default_width="100%",
    )
    text = "".join(f"<p>{inline(p)}</p>" for p in paragraphs)
    return PAGE.format(
        lang=lang,
        title=html.escape(title),
        text=text,
        plotlyjs=get_plotlyjs(),
        locale=locale,
        figure=body,
        script=script,
    )


def trajectories_csv(runs, dim: int, T) -> str:
    """One row per run and iterate: run, step, epoch, x, y, loss, grad, lr. grad and lr are those
    of the step taken from that iterate (empty for the last one); in 2-D, grad is the gradient's
    norm and grad_x, grad_y follow at the end of the row. Column names stay English: programs
    read them."""
    out = io.StringIO()
    writer = csv.writer(out)
    if dim > 2:
        return _network_csv(runs, T, out, writer)
    writer.writerow(
        ["run", "step", "epoch", "x", "y", "loss", "grad", "lr"] + (["grad_x", "grad_y"] if dim == 2 else [])
    )
    for run in runs:
        name = label(run, runs, T)
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


def _network_csv(runs, T, out, writer) -> str:
    """A network's runs: its hundreds of parameters as their length |theta| (theta_norm), the
    gradient as its norm."""
    writer.writerow(["run", "step", "epoch", "loss", "grad", "lr", "theta_norm"])
    for run in runs:
        name = label(run, runs, T)
        norms = np.linalg.norm(run.path[: run.steps_taken + 1], axis=1)
        grads = np.linalg.norm(run.grads[: run.steps_taken], axis=1)
        for k in range(run.steps_taken + 1):
            stepped = k < run.steps_taken
            writer.writerow(
                [name, k, f"{k / run.per_epoch:.6g}", repr(float(run.losses[k])),
                 repr(float(grads[k])) if stepped else "", repr(float(run.lrs[k])) if stepped else "",
                 repr(float(norms[k]))]
            )  # fmt: skip
    return out.getvalue()


def picture_export(state: dict, lang: str | None = None) -> tuple[str, str]:
    """(HTML, CSV) of a picture given as a state (ui.state), computed from scratch."""
    from ui.experiment import simulate
    from ui.state import setup_from
    from ui.text import texts

    T = texts(lang or state["lang"])
    setup = setup_from(state)
    surface = setup.spec.build()
    runs = simulate(setup, surface)
    slug = state["lesson"]
    if slug != "free":
        from ui.lessons import BY_SLUG, number

        facts = BY_SLUG[slug].facts()
        title = f"{number(slug)} · {T(f'lesson.{slug}.title')}"
        paragraphs = [T(f"lesson.{slug}.{part}", **facts) for part in ("look", "why")]
        paragraphs.append(T("lesson.ask_prefix") + T(f"lesson.{slug}.ask", **facts))
    else:
        title = T(f"surface.{state['surface']}.title") if state["surface"] != "custom" else state["formula"]
        paragraphs = [] if state["surface"] == "custom" else [T(f"surface.{state['surface']}.description")]
    from ui.landscape import picture
    from ui.panels import page_script

    page = html_page(picture(surface, runs, T, state), title, paragraphs, T.lang, page_script())
    return page, trajectories_csv(runs, surface.dim, T)


def lesson_export(slug: str, lang: str = "en") -> tuple[str, str]:
    """(HTML, CSV) of a lesson."""
    from ui.lessons import get_lesson
    from ui.state import lesson_state

    get_lesson(slug)  # ValueError listing the lessons for an unknown slug
    return picture_export(lesson_state(slug) | {"lang": lang})


def link_export(link: str, lang: str | None = None) -> tuple[tuple[str, str], list[str]]:
    """((HTML, CSV), what the link held that could not be used) for a share link's query string."""
    from ui.state import decode

    query = urlsplit(link).query if "?" in link else link
    state, problems = decode(dict(parse_qsl(query, keep_blank_values=True)), lang=lang or "en")
    return picture_export(state, lang), problems


def main(argv=None) -> int:
    from ui.lessons import LESSONS
    from ui.text import LANGS, texts

    ap = argparse.ArgumentParser(prog="python -m viz.export", description=__doc__.splitlines()[0])
    ap.add_argument("--list", action="store_true", help="print the lesson slugs and titles")
    ap.add_argument("--lesson", help="the lesson to export")
    ap.add_argument("--link", help="a share link (or its query string) to export, as the app writes it")
    ap.add_argument("--out", help="the HTML file to write")
    ap.add_argument("--csv", help="also write the trajectories as CSV here")
    ap.add_argument(
        "--lang", choices=LANGS, help="the language of the page (default: English, or the link's)"
    )
    args = ap.parse_args(argv)
    if args.list:
        T = texts(args.lang or "en")
        for lesson in LESSONS:
            print(f"{lesson.slug}\t{T(f'lesson.{lesson.slug}.title')}")
        return 0
    if not (args.lesson or args.link) or not args.out or (args.lesson and args.link):
        ap.error("give --list, or one of --lesson NAME / --link QUERY, and --out FILE.html")
    try:
        if args.lesson:
            page, table = lesson_export(args.lesson, args.lang or "en")
        else:
            (page, table), problems = link_export(args.link, args.lang)
            for problem in problems:
                print(f"warning: ignored {problem}", file=sys.stderr)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write(page)
    if args.csv:
        with open(args.csv, "w", encoding="utf-8-sig", newline="") as fh:
            fh.write(table)
    print(f"wrote {args.out} ({len(page.encode()) / 1e6:.1f} MB)" + (f" and {args.csv}" if args.csv else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())

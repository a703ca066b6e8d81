"""The offline serializers: an animation as one self-contained HTML page (plotly.js inlined, the
page's own script with it, nothing fetched, no autoplay), trajectories as CSV. The app's download
buttons and the command line (`python -m export`) both use them."""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

import numpy as np
import plotly.io as pio
from plotly.offline import get_plotlyjs

from .runs import label

PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:Inter,"Noto Sans KR","Apple SD Gothic Neo","Malgun Gothic",Segoe UI,Helvetica,Arial,sans-serif;
margin:24px auto;max-width:1200px;color:#1B1F24}}
h1{{font-size:28px;margin:0 0 8px}} p{{font-size:18px;line-height:1.45;margin:6px 0;word-break:keep-all}}
summary{{font-size:18px;font-weight:600;cursor:pointer;margin:12px 0}}</style></head>
<body><h1>{title}</h1>{text}<script>{plotlyjs}</script><script>{locale}</script>{figure}<script>{script}</script>
</body></html>"""
PAGE_SCRIPT = Path(__file__).parent / "page.js"  # step buttons, growing paths, touch (see the file)
LOCALES = Path(__file__).parent / "locale"  # plotly.js's own translations of its UI (modebar tooltips)


def page_script() -> str:
    """The page's own script (viz/page.js), for the app and the exported HTML."""
    return PAGE_SCRIPT.read_text(encoding="utf-8")


def plotly_locale(lang: str) -> str:
    """The script that registers plotly.js's locale `lang`, if plotly.js ships one ('' for English)."""
    path = LOCALES / f"{lang}.js"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def inline(text: str) -> str:
    """A catalog text as HTML: escaped, with its markdown `code` and **bold** spans kept."""
    out = html.escape(text)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)


def html_page(
    figure: dict, title: str, paragraphs=(), lang: str = "en", script: str = "", hidden=(), summary: str = ""
) -> str:
    """A complete, offline HTML page: a title, some text, the animated figure and `script` (the app
    passes page_script(): the step buttons work in the file too). `hidden` paragraphs go in a
    closed section under the figure, its summary line `summary` (a lesson's answer)."""
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
    if hidden:
        body += (
            f"<details><summary>{html.escape(summary)}</summary>"
            + "".join(f"<p>{inline(p)}</p>" for p in hidden)
            + "</details>"
        )
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

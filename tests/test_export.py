"""Offline export: self-contained HTML, CSV that re-reads to the same numbers, and the CLI."""

import csv
import html
import io
import re
import subprocess
import sys

import numpy as np
import pytest

from export import lesson_export, link_export
from lessons import builtin
from model.experiment import Setup, simulate
from model.spec import DataSpec
from model.text import texts
from viz.contour import contour_figure
from viz.export import html_page, trajectories_csv

from .conftest import ROOT

T = texts("en")


def external_references(page: str) -> list[str]:
    tags = re.findall(r"<(?:script|link)\b[^>]*>", page, flags=re.I)
    return [t for t in tags if re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", t, flags=re.I)]


def test_html_is_self_contained_and_does_not_autoplay():
    setup = Setup(DataSpec("rosenbrock"), ("gd", "adam"), 0.001, (-1.5, 2.0), steps=100)
    page = html_page(contour_figure(setup.spec.build(), simulate(setup), T), "Rosenbrock", ["A banana."])
    assert external_references(page) == []
    assert "Plotly.animate" not in page.rsplit("Plotly.newPlot", 1)[1]  # auto_play=False: waits for Play
    assert len(page) > 3_000_000  # plotly.js is inlined
    assert "<title>Rosenbrock</title>" in page and '<html lang="en">' in page


def test_csv_re_reads_to_the_same_numbers():
    runs = simulate(
        Setup(DataSpec("himmelblau"), ("gd", "momentum"), 0.005, (0.0, 0.0), steps=40, lrs=(0.01,))
    )
    rows = list(csv.DictReader(io.StringIO(trajectories_csv(runs, 2, T))))
    assert list(rows[0]) == ["run", "step", "epoch", "x", "y", "loss", "grad", "lr", "grad_x", "grad_y"]
    by_run = {}
    for r in rows:
        by_run.setdefault(r["run"], []).append(r)
    assert len(by_run) == len(runs) == 4
    for run, (name, table) in zip(runs, by_run.items(), strict=True):
        assert name.startswith(("GD", "Momentum"))
        assert len(table) == run.steps_taken + 1
        path = np.array([[float(r["x"]), float(r["y"])] for r in table])
        assert np.array_equal(path, run.path[: run.steps_taken + 1])
        assert np.array_equal([float(r["loss"]) for r in table], run.losses[: run.steps_taken + 1])
        grads = np.array([[float(r["grad_x"]), float(r["grad_y"])] for r in table[:-1]])
        assert np.array_equal(grads, run.grads[: run.steps_taken])
        assert np.array_equal([float(r["lr"]) for r in table[:-1]], run.lrs[: run.steps_taken])


def test_csv_in_1d_has_the_seeds_first_step():
    runs = simulate(Setup(DataSpec("quadratic"), ("gd",), 0.1, (5.0,), steps=3))
    rows = list(csv.DictReader(io.StringIO(trajectories_csv(runs, 1, T))))
    assert (rows[0]["x"], rows[0]["grad"], rows[0]["lr"], rows[1]["x"]) == ("5.0", "8.0", "0.1", "4.2")


@pytest.mark.parametrize("lesson", list(builtin().values()), ids=lambda lesson: lesson.slug)
def test_every_lesson_exports(lesson):
    page, table = lesson_export(lesson.slug)
    title = html.escape(lesson.texts["en"]["title"])
    assert external_references(page) == [] and title in page and table.count("\n") > 2


def test_a_link_rebuilds_a_data_loss_and_a_typed_formula():
    (_, table), problems = link_export("http://localhost:8501/?surface=linreg&batch_sizes=1,50&data_n=50")
    assert problems == [] and "SGD (batch 1)" in table and "full batch" in table
    (_, table), problems = link_export("surface=custom&formula=x%5E2+%2B+10y%5E2&lr=0.02")
    rows = list(csv.DictReader(io.StringIO(table)))
    assert problems == [] and rows[0]["y"] != "" and {r["run"].split(" · ")[1] for r in rows} == {"lr 0.02"}
    start = np.array([float(rows[0]["x"]), float(rows[0]["y"])])
    assert float(rows[0]["loss"]) == pytest.approx(start[0] ** 2 + 10 * start[1] ** 2)


def test_the_command_line(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "export", "--list"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    slugs = [line.split("\t")[0] for line in out.stdout.splitlines()]
    assert slugs == list(builtin())
    page, table = tmp_path / "ravine.html", tmp_path / "ravine.csv"
    subprocess.run(
        [sys.executable, "-m", "export", "--lesson", "ravine", "--out", str(page), "--csv", str(table)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    assert external_references(page.read_text()) == [] and table.read_text(encoding="utf-8-sig").startswith(
        "run,step,epoch"
    )
    linked = tmp_path / "sgd.html"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "export",
            "--link",
            "surface=linreg&batch_sizes=1,50",
            "--out",
            str(linked),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and linked.exists() and "SGD" in linked.read_text()
    bad = subprocess.run(
        [sys.executable, "-m", "export", "--lesson", "nope", "--out", str(page)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "unknown lesson 'nope'" in bad.stderr

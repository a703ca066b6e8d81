"""The layers hold: import-linter (the README's test command runs it) refuses an import that goes
the wrong way, so the contracts in pyproject.toml are not decoration."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("export", "ui", "lessons", "live", "model", "viz", "optimizers", "surfaces", "deploy", "fixtures")
LINT = Path(sys.executable).with_name("lint-imports")


def _tree(tmp_path: Path) -> Path:
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "run"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def _lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("model/fields.py", "import ui.session", "Layers"),
        ("surfaces/errors.py", "import optimizers", "Layers"),
        ("viz/style.py", "import streamlit", "Only the shell speaks Streamlit"),
        ("lessons/observe.py", "import lessons.page", "No module cycles"),
    ],
)
def test_a_wrong_way_import_breaks_a_contract(tmp_path, module, line, contract):
    root = _tree(tmp_path)
    path = root / module
    path.write_text(path.read_text() + f"\n{line}  # a wrong-way import\n")
    result = _lint(root)
    assert result.returncode != 0, result.stdout
    assert f"{contract}" in result.stdout and "BROKEN" in result.stdout


def test_the_project_keeps_its_contracts():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout

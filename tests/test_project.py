"""The project's own promises: CI runs the README's test command, the app does not call home."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```bash\n(.+?)\n```", text)


def test_ci_runs_exactly_the_readme_test_command():
    app_cmd, test_cmd = readme_commands()[:2]
    assert "streamlit run app.py" in app_cmd and "requirements.txt" in app_cmd
    assert "pytest" in test_cmd and "ruff check" in test_cmd and "ruff format --check" in test_cmd
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test_cmd in ci, "the last command of .ci/run must be the README's test command, verbatim"
    assert ci[-1] == test_cmd


def test_streamlit_config_is_private_and_safe():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] == 10


def test_requirements_pin_ranges_and_dev_includes_runtime():
    runtime = (ROOT / "requirements.txt").read_text()
    for name in ("streamlit", "numpy", "plotly"):
        assert re.search(rf"^{name}>=[\d.]+,<\d+", runtime, re.M), name
    assert (ROOT / "requirements-dev.txt").read_text().startswith("# ") and "-r requirements.txt" in (
        ROOT / "requirements-dev.txt"
    ).read_text()


def test_the_readme_is_short_and_its_links_resolve():
    """What a newcomer reads first: under 150 lines; deployment, figures and architecture in docs/."""
    text = (ROOT / "README.md").read_text()
    assert len(text.splitlines()) < 150
    links = re.findall(r"\]\(([^)#]+)", text)
    assert "docs/deploying.md" in links and "docs/architecture.md" in links
    for link in links:
        assert (ROOT / link).exists(), link
    for page in (ROOT / "docs").glob("*.md"):
        prose = re.sub(r"```.*?```|`[^`]*`", "", page.read_text(), flags=re.S)  # links, not code
        for link in re.findall(r"\]\(([^)#:]+)", prose):
            assert (page.parent / link).exists(), (page.name, link)

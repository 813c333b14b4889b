"""``tianping.cli.main`` turns library errors and usage errors into exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tianping", *args], capture_output=True, text=True, check=False
    )


def test_error_messages_print_brackets_literally(tmp_path: Path) -> None:
    intake = tmp_path / "intake.yaml"
    intake.write_text('"[red]x[/red]": true\n', encoding="utf-8")
    result = run("intake", "score", str(intake), "--lang", "en")
    assert result.returncode == 2
    assert "[red]x[/red]" in result.stderr
    assert "Traceback" not in result.stderr


def test_usage_errors_exit_2_with_a_usage_message() -> None:
    result = run("norms", "show")
    assert result.returncode == 2
    assert "Usage: tianping norms show" in result.stderr
    assert "Traceback" not in result.stderr


def test_version_prints_the_package_version() -> None:
    from tianping import __version__

    assert run("--version").stdout.strip() == f"tianping {__version__}"


def test_a_command_exit_status_reaches_the_shell() -> None:
    """A command that ends with ``typer.Exit(1)`` (a committee failing the rules) exits 1, not 0."""
    root = Path(__file__).resolve().parents[2]
    failing = run("review", "check-committee", str(root / "examples/review/startup_committee.yaml"))
    assert failing.returncode == 1, failing.stderr
    passing = run(
        "review",
        "check-committee",
        str(root / "examples/review/acme_committee.yaml"),
        "--on",
        "2026-11-01",
    )
    assert passing.returncode == 0, passing.stderr


def test_a_column_named_with_brackets_prints_literally_in_an_error(tmp_path: Path) -> None:
    data = tmp_path / "scores.csv"
    data.write_text("sex,y,score[v2]\nF,1,0.5\nM,0,0.2\n", encoding="utf-8")
    result = run(
        "fairness", "audit", str(data), "--protected", "sex", "--label", "y",
        "--score", "score[v3]", "--lang", "en",
    )  # fmt: skip
    assert result.returncode == 2
    assert "score[v2]" in result.stderr and "score[v3]" in result.stderr
    assert "\\[" not in result.stderr

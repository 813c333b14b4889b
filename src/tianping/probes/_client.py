"""An OpenAI-compatible chat-completions client: async, budgeted, retried, cached on disk.

``POST {endpoint}/chat/completions`` with ``model``, ``messages`` and the run's
parameters, streamed (server-sent events) or not, at most ``concurrency`` at once.
A 429 or a 5xx is retried after its ``Retry-After`` (seconds or an HTTP date,
capped) or after an exponential back-off with seeded jitter; a timeout or a
broken connection is retried too. A reply is cached under the SHA-256 of
(endpoint, model, messages, parameters, sample number), so a run that stops is
resumed without repeating a request. The API key goes in the ``Authorization``
header only: never in the cache, its key, a message or a result.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import hashlib
import json
import math
import os
import random
import time
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from tianping import jsonsafe
from tianping.probes import _errors as msg
from tianping.probes._adapter import JsonAdapter
from tianping.probes._errors import EndpointError
from tianping.probes._models import Message, Reply
from tianping.probes._pinning import AddressPolicy, PinnedTransport, Pins

RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 60.0
"""The longest ``Retry-After`` honoured, in seconds (a longer one is capped)."""
MAX_RESPONSE_BYTES = 4 * 1024 * 1024
"""A reply larger than this is an error for its probe (the run goes on)."""
ERROR_SNIPPET = 200
POOL_SIZE = 8
"""Connections per HTTP client; a higher concurrency uses several clients."""


class _Exhausted(Exception):
    """A budget is spent: no more requests."""

    def __init__(self, budget: str, limit: int) -> None:
        super().__init__(budget)
        self.budget = budget
        self.limit = limit


def public_endpoint(url: str) -> str:
    """The endpoint without user name, password, query or fragment: what may be shown."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


def check_endpoint(url: str) -> str:
    """``url`` when it is an http(s) base URL with a host, else an :class:`EndpointError`."""
    parts = urlsplit(url)
    try:
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        _ = parts.port
    except ValueError:
        valid = False
    if not valid or parts.username or parts.password:
        raise EndpointError(
            msg.ERR_ENDPOINT_URL, hint=msg.HINT_ENDPOINT_URL, params={"url": public_endpoint(url)}
        )
    return url.rstrip("/")


def api_key_from_env(variable: str, environ: dict[str, str] | None = None) -> str:
    """The API key held in the environment variable ``variable`` (an error when unset or empty)."""
    value = (os.environ if environ is None else environ).get(variable, "")
    if not value:
        raise EndpointError(
            msg.ERR_API_KEY_MISSING, hint=msg.HINT_API_KEY, params={"variable": variable}
        )
    return value


@dataclass(frozen=True)
class ClientSettings:
    """How to reach the endpoint and how hard to push it.

    ``max_requests`` counts every HTTP request (retries included); ``max_tokens``
    the tokens the endpoint reports (``usage.total_tokens``), or, when it reports
    none, an estimate of one token per two characters sent and received.
    """

    endpoint: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    stream: bool = False
    temperature: float = 0.0
    max_output_tokens: int = 512
    seed: int = 0
    concurrency: int = 8
    timeout: float = 60.0
    retries: int = 3
    backoff: float = 0.5
    max_requests: int | None = None
    max_tokens: int | None = None
    adapter: JsonAdapter | None = None
    """A plain JSON-over-HTTP service: ``endpoint`` is then the full URL posted to."""
    address_policy: AddressPolicy | None = None
    """When set, connect only to addresses it allows, each host resolved once
    (:class:`~tianping.probes.PinnedTransport`); the platform sets it."""

    def parameters(self) -> dict[str, Any]:
        """The request parameters besides model and messages (part of the cache key)."""
        return {
            "temperature": self.temperature,
            "max_tokens": self.max_output_tokens,
            "stream": self.stream,
        }


@dataclass
class Usage:
    """What a run has spent so far."""

    requests: int = 0
    tokens: int = 0
    cached: int = 0
    retried: int = 0


class ResponseCache:
    """Replies on disk: one line of JSON per reply appended to ``replies.jsonl``.

    The file is read once, into memory, when the cache is first asked; each new
    reply is appended with a single ``write`` to a file opened for appending, so a
    run that stops keeps every reply written before (a line cut short by a crash
    is skipped when read). Replies cached by earlier versions, one JSON file per
    key under ``XX/KEY.json``, are still read.
    """

    LOG = "replies.jsonl"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._index: dict[str, Reply] | None = None
        self._legacy = False
        self._fd: int | None = None

    @staticmethod
    def key(settings: ClientSettings, messages: Sequence[Message], sample: int) -> str:
        material = {
            "endpoint": public_endpoint(settings.endpoint),
            "model": settings.model,
            "messages": [m.to_json() for m in messages],
            "parameters": {**settings.parameters(), "seed": settings.seed + sample},
            "sample": sample,
        }
        if settings.adapter is not None:
            material["adapter"] = settings.adapter.identity()
        canonical = json.dumps(material, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @staticmethod
    def _reply(data: object) -> Reply | None:
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            return None
        return Reply(
            text=data["text"],
            prompt_tokens=_count(data.get("prompt_tokens")),
            completion_tokens=_count(data.get("completion_tokens")),
            finish_reason=data.get("finish_reason")
            if isinstance(data.get("finish_reason"), str)
            else None,
            cached=True,
        )

    def _load(self) -> dict[str, Reply]:
        if self._index is not None:
            return self._index
        index: dict[str, Reply] = {}
        try:
            lines = (self.folder / self.LOG).read_bytes().splitlines()
        except OSError:
            lines = []
        for line in lines:
            try:
                data = jsonsafe.loads(line)
            except ValueError:
                continue  # a line cut short when a run stopped
            key = data.get("key") if isinstance(data, dict) else None
            reply = self._reply(data)
            if isinstance(key, str) and reply is not None:
                index[key] = reply
        try:
            self._legacy = any(
                entry.is_dir() and len(entry.name) == 2 for entry in self.folder.iterdir()
            )
        except OSError:
            self._legacy = False
        self._index = index
        return index

    def get(self, key: str) -> Reply | None:
        hit = self._load().get(key)
        if hit is None and self._legacy:
            try:
                hit = self._reply(
                    jsonsafe.loads((self.folder / key[:2] / f"{key}.json").read_bytes())
                )
            except (OSError, ValueError):
                return None
        return hit

    def put(self, key: str, reply: Reply) -> None:
        index = self._load()
        data = {
            "key": key,
            "text": reply.text,
            "prompt_tokens": reply.prompt_tokens,
            "completion_tokens": reply.completion_tokens,
            "finish_reason": reply.finish_reason,
        }
        line = (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8")
        if self._fd is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
            self._fd = os.open(self.folder / self.LOG, flags, 0o600)
        os.write(self._fd, line)
        index[key] = Reply(
            text=reply.text,
            prompt_tokens=reply.prompt_tokens,
            completion_tokens=reply.completion_tokens,
            finish_reason=reply.finish_reason,
            cached=True,
        )

    def close(self) -> None:
        """Close the file replies are appended to (reopened if another is put)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date), capped.

    >>> retry_after("2"), retry_after("soon"), retry_after("9999")
    (2.0, None, 60.0)
    """
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return min(float(text), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(0.0, min(when.timestamp() - current, MAX_RETRY_AFTER))


class _Failure(Exception):
    """One attempt failed; ``retry`` says whether another may succeed."""

    def __init__(self, reason: str, *, retry: bool, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry
        self.wait = wait


class ChatClient:
    """Sends chat requests within the settings' concurrency, budgets and retry rules.

    Use as an async context manager; :meth:`complete` never raises for a bad reply
    (the :class:`Reply` carries the error) and raises ``_Exhausted`` only when a budget
    is spent before the request could be sent.
    """

    def __init__(
        self,
        settings: ClientSettings,
        cache: ResponseCache | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.cache = cache
        self.usage = Usage()
        self._url = check_endpoint(settings.endpoint)
        if settings.adapter is None:
            self._url += "/chat/completions"
        self._random = random.Random(settings.seed)  # noqa: S311 - jitter, not secrets
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if settings.api_key:
            headers["Authorization"] = f"Bearer {settings.api_key}"
        # The connections are split into pools of at most POOL_SIZE, each with a client
        # of its own: httpx's pool scans every connection for every queued request, so one
        # pool of hundreds costs more CPU than the requests. A request takes a free slot
        # (which names its pool); every connection is kept alive.
        concurrency = max(1, settings.concurrency)
        sizes = [POOL_SIZE] * (concurrency // POOL_SIZE)
        if concurrency % POOL_SIZE:
            sizes.append(concurrency % POOL_SIZE)
        if transport is not None:
            sizes = [concurrency]  # the caller's transport: one pool, as given
        pins = None if settings.address_policy is None else Pins(settings.address_policy)
        # One TLS context for every pool: loading the certificate store is slow.
        context = httpx.create_ssl_context(trust_env=False)
        self._clients: list[httpx.AsyncClient] = []
        self._slots: asyncio.Queue[int] = asyncio.Queue()
        for number, size in enumerate(sizes):
            limits = httpx.Limits(max_connections=size, max_keepalive_connections=size)
            pool = transport
            if pool is None and pins is not None:
                pool = PinnedTransport(pins, limits=limits, verify=context)
            self._clients.append(
                httpx.AsyncClient(
                    headers=headers,
                    timeout=httpx.Timeout(settings.timeout),
                    limits=limits,
                    verify=context,
                    transport=pool,
                    trust_env=False,
                    follow_redirects=False,
                )
            )
            for _slot in range(size):
                self._slots.put_nowait(number)
        self.exhausted: _Exhausted | None = None

    async def __aenter__(self) -> ChatClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        for http in self._clients:
            await http.aclose()
        if self.cache is not None:
            self.cache.close()

    def _reserve(self) -> None:
        s = self.settings
        if self.exhausted is not None:
            raise self.exhausted
        if s.max_requests is not None and self.usage.requests >= s.max_requests:
            self.exhausted = _Exhausted("request", s.max_requests)
            raise self.exhausted
        if s.max_tokens is not None and self.usage.tokens >= s.max_tokens:
            self.exhausted = _Exhausted("token", s.max_tokens)
            raise self.exhausted
        self.usage.requests += 1

    async def complete(self, messages: Sequence[Message], sample: int) -> Reply:
        """The endpoint's reply to ``messages`` (from the cache when it holds one)."""
        key = ResponseCache.key(self.settings, messages, sample)
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            self.usage.cached += 1
            return hit
        adapter = self.settings.adapter
        payload: Any = (
            {
                "model": self.settings.model,
                "messages": [m.to_json() for m in messages],
                **self.settings.parameters(),
                "seed": self.settings.seed + sample,
            }
            if adapter is None
            else adapter.request(messages, self.settings.model)
        )
        sent = sum(len(m.content) for m in messages)
        slot = await self._slots.get()
        try:
            http = self._clients[slot]
            attempt = 0
            while True:
                self._reserve()
                try:
                    reply = await self._attempt(http, payload)
                except _Failure as failure:
                    if not failure.retry or attempt >= self.settings.retries:
                        return Reply(text=None, error=failure.reason)
                    attempt += 1
                    self.usage.retried += 1
                    await asyncio.sleep(self._delay(attempt, failure.wait))
                    continue
                break
        finally:
            self._slots.put_nowait(slot)
        tokens = reply.prompt_tokens + reply.completion_tokens
        if tokens == 0:
            tokens = math.ceil((sent + len(reply.text or "")) / 2)
        self.usage.tokens += tokens
        if self.cache is not None:
            self.cache.put(key, reply)
        return reply

    def _delay(self, attempt: int, wait: float | None) -> float:
        if wait is not None:
            return wait
        base = self.settings.backoff * (2 ** (attempt - 1))
        return float(min(MAX_RETRY_AFTER, base * (1 + 0.25 * self._random.random())))

    async def _attempt(self, http: httpx.AsyncClient, payload: Any) -> Reply:
        try:
            if self.settings.adapter is not None:
                return await self._adapted(http, payload, self.settings.adapter)
            if self.settings.stream:
                return await self._streamed(http, payload)
            return await self._plain(http, payload)
        except httpx.TimeoutException as exc:
            raise _Failure(f"timeout ({type(exc).__name__})", retry=True) from exc
        except httpx.TransportError as exc:
            raise _Failure(f"connection failed ({type(exc).__name__})", retry=True) from exc

    @staticmethod
    def _status(response: httpx.Response, body: bytes) -> None:
        if response.status_code == 200:
            return
        snippet = body[:ERROR_SNIPPET].decode("utf-8", "replace").replace("\n", " ")
        raise _Failure(
            f"HTTP {response.status_code}: {snippet}".strip(),
            retry=response.status_code in RETRY_STATUS,
            wait=retry_after(response.headers.get("Retry-After")),
        )

    async def _body(self, response: httpx.Response) -> bytes:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise _Failure(f"response larger than {MAX_RESPONSE_BYTES:,} bytes", retry=False)
            chunks.append(chunk)
        return b"".join(chunks)

    async def _plain(self, http: httpx.AsyncClient, payload: dict[str, Any]) -> Reply:
        async with http.stream("POST", self._url, json=payload) as response:
            body = await self._body(response)
            self._status(response, body)
        try:
            data = jsonsafe.loads(body)
        except ValueError as exc:
            raise _Failure("the reply is not JSON", retry=False) from exc
        try:
            choice = data["choices"][0]
            text = choice["message"]["content"]
        except (KeyError, IndexError, TypeError) as exc:
            raise _Failure("the reply has no choices[0].message.content", retry=False) from exc
        if not isinstance(text, str):
            raise _Failure("choices[0].message.content is not text", retry=False)
        usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
        return Reply(
            text=text,
            prompt_tokens=_count(usage.get("prompt_tokens")),
            completion_tokens=_count(usage.get("completion_tokens")),
            finish_reason=choice.get("finish_reason") if isinstance(choice, dict) else None,
        )

    async def _adapted(self, http: httpx.AsyncClient, payload: Any, adapter: JsonAdapter) -> Reply:
        async with http.stream("POST", self._url, json=payload) as response:
            body = await self._body(response)
            self._status(response, body)
        try:
            data = jsonsafe.loads(body)
        except ValueError as exc:
            raise _Failure("the reply is not JSON", retry=False) from exc
        try:
            text = adapter.text(data)
        except ValueError as exc:
            raise _Failure(str(exc), retry=False) from exc
        return Reply(text=text)

    async def _streamed(self, http: httpx.AsyncClient, payload: dict[str, Any]) -> Reply:
        parts: list[str] = []
        done = False
        finish: str | None = None
        usage: dict[str, Any] = {}
        async with http.stream("POST", self._url, json=payload) as response:
            if response.status_code != 200:
                self._status(response, await self._body(response))
            async with contextlib.aclosing(_lines(response)) as lines:
                async for line in lines:
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        done = True
                        break
                    try:
                        event = jsonsafe.loads(data)
                        choice = event["choices"][0] if event.get("choices") else {}
                        delta = choice.get("delta", {}).get("content")
                    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
                        raise _Failure("a stream event is not valid JSON", retry=False) from exc
                    if isinstance(delta, str):
                        parts.append(delta)
                    finish = choice.get("finish_reason") or finish
                    if isinstance(event.get("usage"), dict):
                        usage = event["usage"]
        if not done:
            raise _Failure("the stream ended before [DONE] (truncated)", retry=True)
        return Reply(
            text="".join(parts),
            prompt_tokens=_count(usage.get("prompt_tokens")),
            completion_tokens=_count(usage.get("completion_tokens")),
            finish_reason=finish,
        )


async def _lines(response: httpx.Response) -> AsyncGenerator[str, None]:
    """The lines of a server-sent event stream, up to :data:`MAX_RESPONSE_BYTES` in all.

    Counted as the bytes arrive: a line that never ends is refused at the limit, never
    held whole in memory.
    """
    pending = bytearray()
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise _Failure(f"response larger than {MAX_RESPONSE_BYTES:,} bytes", retry=False)
        start = 0
        while (end := chunk.find(b"\n", start)) != -1:
            pending += chunk[start:end]
            yield pending.rstrip(b"\r").decode("utf-8", "replace")
            pending.clear()
            start = end + 1
        pending += chunk[start:]
    if pending:
        yield pending.rstrip(b"\r").decode("utf-8", "replace")


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


__all__ = [
    "MAX_RESPONSE_BYTES",
    "MAX_RETRY_AFTER",
    "ChatClient",
    "ClientSettings",
    "ResponseCache",
    "Usage",
    "api_key_from_env",
    "check_endpoint",
    "public_endpoint",
    "retry_after",
]

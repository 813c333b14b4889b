"""The client an AI system embeds: send decision records, ask whether the AI may decide.

Two background threads:

- the **sender** forms batches from the spool (up to ``batch_size`` records or
  ``max_batch_bytes``, waiting at most ``linger_s`` for a batch to fill), writes
  each batch's key and range to the journal, posts it with its idempotency key,
  and records the acknowledgement; network errors, 429 and 5xx are retried with
  backoff (``Retry-After`` honoured), other refusals stop sending and are
  reported (:attr:`Client.error`);
- the **poller** fetches the runtime switch every ``poll_interval_s`` (short-TTL
  polling with ``If-None-Match``), so a pause is seen within one interval plus
  one request.

:meth:`Client.guard` never touches the network: it reads the last state the
poller saw and, when that is older than ``max_staleness_s`` (the platform
cannot be reached), applies the system's fail-safe from its incident playbook:
``human`` (the default, also before the first answer): the AI may not decide;
``last_known``: follow the last state for ``offline_grace_s`` more, then humans.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Literal

import httpx

from tianping import __version__
from tianping.ledger import CanonicalJSONError, canonical_json
from tianping.sdk._errors import BatchRejectedError, RecordError, SdkError
from tianping.sdk._messages import (
    ERR_BATCH_REJECTED,
    ERR_PERSONAL_FIELD,
    ERR_PERSONAL_FIELD_ABSENT,
    ERR_RECORD_JSON,
    ERR_RECORD_SIZE,
    ERR_RECORD_TYPE,
    HINT_BATCH_KEY,
    HINT_BATCH_LIMITS,
)
from tianping.sdk._spool import DEAD_LETTER_FILE, Ack, Batch, Spool, _write_atomically

logger = logging.getLogger("tianping.sdk")

FailSafe = Literal["human", "last_known"]
GuardReason = Literal["active", "paused", "stopped", "unknown", "unreachable", "offline_last_known"]

MAX_RECORD_BYTES = 60 * 1024
"""The largest record the client accepts (the platform's limit is 64 KiB per entry)."""

_RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
_SWITCH_PERSIST_S = 10.0


def encode_record(
    record: Mapping[str, Any],
    *,
    personal_fields: Collection[str] = (),
    max_bytes: int = MAX_RECORD_BYTES,
) -> bytes:
    """One record as the spool and the platform hold it: canonical JSON, checked.

    Examples
    --------
    >>> encode_record({"decision": "refer", "applicant": "Li"}, personal_fields=["applicant"])
    b'{"personal_fields":["applicant"],"record":{"applicant":"Li","decision":"refer"}}'
    """
    if not isinstance(record, Mapping):
        raise RecordError(ERR_RECORD_TYPE.format(type=type(record).__name__))
    fields = sorted(set(personal_fields))
    for name in fields:
        if not isinstance(name, str) or not name:
            raise RecordError(ERR_PERSONAL_FIELD.format(field=name))
        if name not in record:
            raise RecordError(ERR_PERSONAL_FIELD_ABSENT.format(field=name))
    try:
        body = canonical_json(record)
    except CanonicalJSONError as error:
        raise RecordError(ERR_RECORD_JSON.format(reason=error.message)) from error
    if fields:
        line = b'{"personal_fields":' + canonical_json(fields) + b',"record":' + body + b"}"
    else:
        line = b'{"record":' + body + b"}"
    if len(line) > max_bytes:
        raise RecordError(ERR_RECORD_SIZE.format(size=len(line), limit=max_bytes))
    return line


@dataclass(frozen=True, slots=True)
class GuardStatus:
    """Whether the AI may decide now, and why.

    ``reason`` is the switch state when the platform's answer is fresh;
    ``unknown`` before any answer, ``unreachable`` when the answer is stale and
    the fail-safe hands decisions to people, ``offline_last_known`` while the
    ``last_known`` fail-safe follows a stale state.
    """

    allowed: bool
    reason: GuardReason
    state: str | None
    version: int | None
    age_s: float | None
    fail_safe: FailSafe


@dataclass(frozen=True, slots=True)
class _SwitchView:
    state: str
    version: int
    fail_safe: FailSafe
    offline_grace_s: float
    poll_interval_s: float
    confirmed: float  # time.monotonic() of the platform's last answer
    etag: str | None


class Client:
    """Sends a system's decision records to Tianping and tells it whether AI may decide.

    Parameters
    ----------
    base_url
        The platform, e.g. ``https://tianping.example``.
    system_id
        The AI system's number on the platform.
    api_key
        A system API key (``tpk_…``) from the system's Operations page.
    spool_dir
        A folder of its own (one client at a time); records wait there until acknowledged.
    batch_size, max_batch_bytes, linger_s
        A batch holds at most ``batch_size`` records and ``max_batch_bytes``; a
        partial batch is sent once its oldest record waited ``linger_s``.
    poll_interval_s
        How often to ask for the switch; default: as the platform says (1 s).
    max_staleness_s
        After this long without an answer, the fail-safe applies.
    fsync
        ``True``: :meth:`record` returns once the record is on disk (survives a
        power cut); ``False``: once written to the OS (survives a crash of the process).

    Examples
    --------
    ::

        with Client("https://tianping.example", system_id=42, api_key=KEY,
                    spool_dir="/var/lib/credit/tianping") as tianping:
            if tianping.guard():
                decision = model.decide(application)
            else:
                decision = refer_to_a_person(application)
            tianping.record({"case": application.id, "decision": decision,
                             "applicant": application.name}, personal_fields=["applicant"])
    """

    def __init__(
        self,
        base_url: str,
        *,
        system_id: int,
        api_key: str,
        spool_dir: Path | str,
        batch_size: int = 500,
        max_batch_bytes: int = 1024 * 1024,
        linger_s: float = 0.2,
        timeout_s: float = 10.0,
        poll_interval_s: float | None = None,
        max_staleness_s: float = 5.0,
        max_backoff_s: float = 5.0,
        fsync: bool = True,
        max_record_bytes: int = MAX_RECORD_BYTES,
        transport: httpx.BaseTransport | None = None,
        on_ack: Callable[[Ack], None] | None = None,
        start: bool = True,
    ) -> None:
        if isinstance(system_id, bool) or not isinstance(system_id, int) or system_id < 1:
            raise ValueError("system_id must be a positive integer")
        if not 1 <= batch_size <= 1000:
            raise ValueError("batch_size must be between 1 and 1000 (the platform's limit)")
        self.system_id = system_id
        self.batch_size = batch_size
        self.max_batch_bytes = max_batch_bytes
        self.linger_s = linger_s
        self.timeout_s = timeout_s
        self.poll_interval_s = poll_interval_s
        self.max_staleness_s = max_staleness_s
        self.max_backoff_s = max_backoff_s
        self.max_record_bytes = max_record_bytes
        self.on_ack = on_ack
        self._spool = Spool(spool_dir, system_id=system_id, fsync=fsync)
        self._switch_path = Path(spool_dir) / "switch.json"
        self._view: _SwitchView | None = self._load_switch()
        self._persisted_at = 0.0
        headers = {
            "Authorization": f"Bearer {api_key}",
            "User-Agent": f"tianping-sdk/{__version__}",
        }
        self._http_send = httpx.Client(
            base_url=base_url, headers=headers, timeout=timeout_s, transport=transport
        )
        self._http_poll = httpx.Client(
            base_url=base_url, headers=headers, timeout=timeout_s, transport=transport
        )
        self._decisions_path = f"/api/ingest/systems/{system_id}/decisions"
        self._switch_url = f"/api/ingest/systems/{system_id}/switch"
        self._condition = threading.Condition()
        self._stopping = threading.Event()
        self._flush_target = -1
        self._pending_since: float | None = None
        self.error: SdkError | None = None
        """The refusal that stopped sending (the records stay in the spool), if any."""
        self.last_problem: str | None = None
        self.dead_lettered = 0
        """Records the platform refused for their content, set aside in the spool's dead letters."""
        """The last transient problem (network, 429, 5xx), for diagnostics."""
        self._threads: list[threading.Thread] = []
        self._closed = False
        if start:
            self.start()

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> None:
        """Ask for the switch once, then start the sender and the poller."""
        if self._threads:
            return
        self._poll_once(timeout_s=min(self.timeout_s, 2.0))
        for name, target in (("sender", self._send_loop), ("poller", self._poll_loop)):
            thread = threading.Thread(target=target, name=f"tianping-sdk-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def close(self, *, timeout_s: float = 10.0) -> bool:
        """Deliver what is spooled (for up to ``timeout_s``), then stop; return whether all was.

        What was not delivered stays in the spool and goes out when a client
        opens the same folder again.
        """
        if self._closed:
            return self._spool.pending() == 0
        delivered = False
        try:
            delivered = self.flush(timeout_s=timeout_s) if self._threads else False
        except SdkError:
            delivered = False
        finally:
            self._stopping.set()
            with self._condition:
                self._condition.notify_all()
            for thread in self._threads:
                thread.join(timeout=self.timeout_s + 1)
            self._http_send.close()
            self._http_poll.close()
            self._spool.close()
            self._closed = True
        return delivered

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- records ------------------------------------------------------------------------------

    def record(self, record: Mapping[str, Any], *, personal_fields: Collection[str] = ()) -> int:
        """Spool one decision record durably; it is sent in the background. Returns its seq.

        ``personal_fields`` name top-level fields that are personal data: the
        platform keeps them only as salted hashes (the salt apart, erasable).
        """
        line = encode_record(
            record, personal_fields=personal_fields, max_bytes=self.max_record_bytes
        )
        seq = self._spool.append([line]).start
        self._wake()
        return seq

    def record_many(
        self, records: Iterable[Mapping[str, Any]], *, personal_fields: Collection[str] = ()
    ) -> range:
        """Spool several records with one write (and one fsync); returns their seqs."""
        lines = [
            encode_record(r, personal_fields=personal_fields, max_bytes=self.max_record_bytes)
            for r in records
        ]
        seqs = self._spool.append(lines)
        self._wake()
        return seqs

    def _wake(self) -> None:
        with self._condition:
            self._condition.notify_all()

    def flush(self, *, timeout_s: float | None = None) -> bool:
        """Wait until every record spooled so far is acknowledged; False on timeout.

        Raises
        ------
        BatchRejectedError
            If the platform refused a batch for good (see :attr:`error`).
        """
        target = self._spool.written
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        with self._condition:
            self._flush_target = max(self._flush_target, target)
            self._condition.notify_all()
            while self._spool.acknowledged < target:
                if self.error is not None:
                    raise self.error
                if self._stopping.is_set() and not self._threads:
                    return False
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._condition.wait(timeout=0.5 if left is None else min(left, 0.5))
        return True

    @property
    def pending(self) -> int:
        """Records spooled and not yet acknowledged."""
        return self._spool.pending()

    @property
    def acknowledged(self) -> Ack | None:
        """The last batch the platform acknowledged."""
        return self._spool.acked

    # --- the switch ---------------------------------------------------------------------------

    def guard(self) -> bool:
        """Whether the AI may decide now (never blocks; see :meth:`status`)."""
        return self.status().allowed

    def status(self) -> GuardStatus:
        """The switch as last seen, with the fail-safe applied if it is stale."""
        view = self._view
        if view is None:
            return GuardStatus(
                allowed=False,
                reason="unknown",
                state=None,
                version=None,
                age_s=None,
                fail_safe="human",
            )
        age = time.monotonic() - view.confirmed
        allowed = view.state == "active"
        if age <= self.max_staleness_s:
            reason: GuardReason = view.state  # type: ignore[assignment]
        elif view.fail_safe == "last_known" and age <= self.max_staleness_s + view.offline_grace_s:
            reason = "offline_last_known"
        else:
            reason, allowed = "unreachable", False
        return GuardStatus(
            allowed=allowed,
            reason=reason,
            state=view.state,
            version=view.version,
            age_s=age,
            fail_safe=view.fail_safe,
        )

    def _load_switch(self) -> _SwitchView | None:
        try:
            data = json.loads(self._switch_path.read_bytes())
            age = max(0.0, time.time() - float(data["confirmed_at"]))
            return _SwitchView(
                state=str(data["state"]),
                version=int(data["version"]),
                fail_safe="last_known" if data["fail_safe"] == "last_known" else "human",
                offline_grace_s=float(data["offline_grace_s"]),
                poll_interval_s=float(data["poll_interval_s"]),
                confirmed=time.monotonic() - age,
                etag=None,
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _persist_switch(self, view: _SwitchView, *, changed: bool) -> None:
        now = time.monotonic()
        if not changed and now - self._persisted_at < _SWITCH_PERSIST_S:
            return
        data = {
            "state": view.state,
            "version": view.version,
            "fail_safe": view.fail_safe,
            "offline_grace_s": view.offline_grace_s,
            "poll_interval_s": view.poll_interval_s,
            "confirmed_at": time.time() - (now - view.confirmed),
        }
        try:
            _write_atomically(self._switch_path, json.dumps(data).encode() + b"\n")
        except OSError as error:  # pragma: no cover - a full disk; guard() still works
            logger.warning("cannot keep the switch state in %s: %s", self._switch_path, error)
        self._persisted_at = now

    def _poll_once(self, *, timeout_s: float | None = None) -> None:
        view = self._view
        headers = {"If-None-Match": view.etag} if view is not None and view.etag else {}
        try:
            response = self._http_poll.get(
                self._switch_url,
                headers=headers,
                timeout=timeout_s if timeout_s is not None else self.timeout_s,
            )
        except httpx.HTTPError as error:
            self.last_problem = f"switch: {error!r}"
            return
        now = time.monotonic()
        if response.status_code == 304 and view is not None:
            fresh = _SwitchView(
                state=view.state,
                version=view.version,
                fail_safe=view.fail_safe,
                offline_grace_s=view.offline_grace_s,
                poll_interval_s=view.poll_interval_s,
                confirmed=now,
                etag=view.etag,
            )
            self._view = fresh
            self._persist_switch(fresh, changed=False)
            return
        if response.status_code != 200:
            self.last_problem = f"switch: HTTP {response.status_code}"
            return
        try:
            data = response.json()
            fresh = _SwitchView(
                state=str(data["state"]),
                version=int(data["version"]),
                fail_safe="last_known" if data.get("fail_safe") == "last_known" else "human",
                offline_grace_s=float(data.get("offline_grace_s", 0)),
                poll_interval_s=float(data.get("poll_interval_s", 1.0)),
                confirmed=now,
                etag=response.headers.get("ETag"),
            )
        except (ValueError, KeyError, TypeError):
            self.last_problem = "switch: not a switch status"
            return
        changed = view is None or (fresh.state, fresh.version) != (view.state, view.version)
        self._view = fresh
        self._persist_switch(fresh, changed=changed)

    def _poll_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                self._poll_once()
            except Exception as error:  # never let the poller die
                self.last_problem = f"switch: {error!r}"
                logger.exception("polling the runtime switch failed")
            view = self._view
            interval = self.poll_interval_s or (view.poll_interval_s if view else 1.0)
            self._stopping.wait(min(max(interval, 0.05), 60.0))

    # --- sending ------------------------------------------------------------------------------

    def _send_loop(self) -> None:
        while not self._stopping.is_set():
            if self.error is not None:
                self._stopping.wait(1.0)
                continue
            try:
                if not self._ready_to_send():
                    continue
                got = self._spool.next_batch(
                    max_records=self.batch_size, max_bytes=self.max_batch_bytes
                )
                if got is None:
                    continue
                self._pending_since = None
                batch, lines = got
                self._deliver(batch, lines)
            except BatchRejectedError as error:
                self.error = error
                logger.error("%s", error.diagnostics())
            except Exception as error:  # never let the sender die; the spool keeps the records
                self.last_problem = f"send: {error!r}"
                logger.exception("sending decision records failed")
                self._stopping.wait(self.max_backoff_s)
            finally:
                with self._condition:
                    self._condition.notify_all()

    def _ready_to_send(self) -> bool:
        """Wait until a batch is due: full, lingered long enough, flushed, or left open."""
        unbatched = self._spool.unbatched()
        if self._spool.has_open_batch():
            return True
        now = time.monotonic()
        if unbatched == 0:
            self._pending_since = None
            with self._condition:
                if self._spool.unbatched() == 0 and not self._stopping.is_set():
                    self._condition.wait(timeout=1.0)
            return False
        if self._pending_since is None:
            self._pending_since = now
        flushing = self._flush_target > self._spool.acknowledged
        waited = now - self._pending_since
        if unbatched >= self.batch_size or flushing or waited >= self.linger_s:
            return True
        with self._condition:
            self._condition.wait(timeout=self.linger_s - waited)
        return False

    def _deliver(self, batch: Batch, lines: list[bytes]) -> None:
        body = b'{"records":[' + b",".join(lines) + b"]}"
        headers = {"Idempotency-Key": batch.key, "Content-Type": "application/json"}
        backoff = 0.05
        while not self._stopping.is_set():
            try:
                response = self._http_send.post(self._decisions_path, content=body, headers=headers)
            except httpx.HTTPError as error:
                self.last_problem = f"send: {error!r}"
                self._stopping.wait(backoff)
                backoff = min(backoff * 2, self.max_backoff_s)
                continue
            if response.status_code in (200, 201):
                data = response.json()
                if data.get("count") != batch.count or data.get("idempotency_key") != batch.key:
                    raise BatchRejectedError(
                        ERR_BATCH_REJECTED.format(
                            key=batch.key, status=response.status_code, detail="count mismatch"
                        ),
                        status=response.status_code,
                    )
                ack = self._spool.acknowledge(
                    batch,
                    first_index=int(data["first_index"]),
                    count=int(data["count"]),
                    origin=str(data.get("origin", "")),
                )
                self.last_problem = None
                if self.on_ack is not None:
                    self.on_ack(ack)
                return
            if response.status_code == 422:
                # Refused for what it holds (personal data outside the declared personal
                # fields, a malformed record): sending it again cannot succeed. Set it aside
                # with the reason and carry on with the next batch.
                reason = _detail(response)
                self._spool.dead_letter(batch, lines, status=422, reason=reason)
                self.dead_lettered += batch.count
                self.last_problem = f"send: batch {batch.key} refused (HTTP 422), dead-lettered"
                logger.warning(
                    "the platform refused batch %s (%d records): %s; kept in %s",
                    batch.key,
                    batch.count,
                    reason,
                    self._spool.directory / DEAD_LETTER_FILE,
                )
                return
            if response.status_code in _RETRY_STATUSES:
                self.last_problem = f"send: HTTP {response.status_code}"
                self._stopping.wait(_retry_after(response, backoff))
                backoff = min(backoff * 2, self.max_backoff_s)
                continue
            raise BatchRejectedError(
                ERR_BATCH_REJECTED.format(
                    key=batch.key, status=response.status_code, detail=_detail(response)
                ),
                status=response.status_code,
                hint=HINT_BATCH_KEY if response.status_code in (401, 403) else HINT_BATCH_LIMITS,
            )


def _retry_after(response: httpx.Response, default: float) -> float:
    value = response.headers.get("Retry-After")
    if not value:
        return default
    with contextlib.suppress(ValueError):
        return max(0.0, min(float(value), 60.0))
    with contextlib.suppress(TypeError, ValueError):
        moment = parsedate_to_datetime(value).timestamp()
        return max(0.0, min(moment - time.time(), 60.0))
    return default


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail"))[:500]
    except (ValueError, AttributeError):
        return response.text[:500]

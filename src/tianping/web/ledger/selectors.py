"""Reads of the ledgers: which log, what the browser shows of it, its entries.

Visibility is the caller's to check: whoever may read a system
(``systems.selectors.system_get``) may read its ledger entries and receipts;
:func:`platform_entry_is_about` says which platform entries concern a system.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Max

from tianping.ledger import NoteError, SignedCheckpoint, open_note, parse_json
from tianping.web.core.signing import signed_by
from tianping.web.ledger.models import LedgerCheckpoint, LedgerLeaf, LedgerLog, PlatformAction
from tianping.web.ledger.signing import ledger_verifiers

if TYPE_CHECKING:
    from tianping.web.systems.models import AISystem


def decision_log_find(system: AISystem) -> LedgerLog | None:
    return LedgerLog.objects.filter(kind=LedgerLog.Kind.DECISIONS, system=system).first()


def platform_log_find() -> LedgerLog | None:
    return LedgerLog.objects.filter(kind=LedgerLog.Kind.PLATFORM).first()


@dataclass(frozen=True)
class LogInfo:
    """What the ledger browser shows of one log."""

    log: LedgerLog
    vkey: str
    size: int
    checkpoints: list[dict[str, Any]]
    earlier_vkeys: tuple[str, ...] = ()
    """Verifier keys of earlier signing keys (after a rotation); their checkpoints still verify."""


def log_info(log: LedgerLog, *, checkpoints: int = 10) -> LogInfo:
    keys = ledger_verifiers(log.origin)
    rows = LedgerCheckpoint.objects.filter(log=log).order_by("-id")[:checkpoints]
    shown = []
    for row in rows:
        parsed = SignedCheckpoint.parse_unverified(row.note).checkpoint
        shown.append(
            {
                "size": row.size,
                "root": parsed.root_hash.hex(),
                "note": row.note,
                "vkey": signed_by(keys, row.note).text,
                "signed_at": row.created_at,
            }
        )
    return LogInfo(
        log=log,
        vkey=keys[0].text,
        earlier_vkeys=tuple(key.text for key in keys[1:]),
        size=LedgerLog.objects.values_list("size", flat=True).get(pk=log.pk),
        checkpoints=shown,
    )


def latest_checkpoint_of(log: LedgerLog) -> LedgerCheckpoint | None:
    """The newest signed checkpoint of ``log``, if any."""
    return LedgerCheckpoint.objects.filter(log=log).order_by("-id").first()


def keys_mismatched() -> list[str]:
    """The origins of the logs whose latest checkpoint no ledger key of this process verifies.

    Every process sharing a database must hold the same ledger secrets
    (``TIANPING_LEDGER_SECRET``, ``TIANPING_KEY_LEDGER``): one that does not
    would refuse to sign the next checkpoint of such a log. Empty when every
    key matches, or nothing is signed yet. Raises
    :class:`~tianping.ledger.KeyFileError` when the keys cannot be read.
    """
    newest = LedgerCheckpoint.objects.values("log").annotate(newest=Max("id")).values("newest")
    latest = LedgerCheckpoint.objects.filter(id__in=newest).select_related("log").order_by("log")
    mismatched = []
    for checkpoint in latest:
        origin = checkpoint.log.origin
        try:
            open_note(checkpoint.note, ledger_verifiers(origin))
        except NoteError:
            mismatched.append(origin)
    return mismatched


def log_size(log: LedgerLog) -> int:
    """The committed size of ``log``, read now."""
    return int(LedgerLog.objects.values_list("size", flat=True).get(pk=log.pk))


@dataclass(frozen=True)
class Entry:
    """One ledger entry as the browser shows it."""

    index: int
    leaf_hash: str
    text: str
    record: Any


def _entry(index: int, data: bytes | memoryview, value: bytes | memoryview) -> Entry:
    text = bytes(data).decode("utf-8", errors="replace")
    try:
        record = parse_json(bytes(data), numbers="double")
    except ValueError:
        record = None
    return Entry(index=index, leaf_hash=bytes(value).hex(), text=text, record=record)


def ledger_entries(log: LedgerLog, *, limit: int = 20, before: int | None = None) -> list[Entry]:
    """The latest entries of ``log``, newest first; ``before`` pages back."""
    rows = LedgerLeaf.objects.filter(log=log)
    if before is not None:
        rows = rows.filter(idx__lt=before)
    latest = rows.order_by("-idx").values_list("idx", "data", "hash")[:limit]
    return [_entry(int(index), data, value) for index, data, value in latest]


def platform_entries_of(system: AISystem, *, limit: int = 20) -> list[tuple[PlatformAction, Entry]]:
    """The platform log's entries about ``system``, newest first, with their index rows."""
    actions = list(
        PlatformAction.objects.filter(system=system)
        .select_related("actor")
        .order_by("-idx")[:limit]
    )
    if not actions:
        return []
    log_id = actions[0].log_id
    leaves = {
        int(index): (data, value)
        for index, data, value in LedgerLeaf.objects.filter(
            log_id=log_id, idx__in=[a.idx for a in actions]
        ).values_list("idx", "data", "hash")
    }
    out = []
    for action in actions:
        if action.idx in leaves:
            data, value = leaves[action.idx]
            out.append((action, _entry(action.idx, data, value)))
    return out


def platform_entry_is_about(system: AISystem, index: int) -> bool:
    """Whether entry ``index`` of the platform log records an action on ``system``."""
    return PlatformAction.objects.filter(system=system, idx=index).exists()

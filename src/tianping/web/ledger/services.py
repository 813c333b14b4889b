"""Writes to the ledgers: platform actions, checkpoints, receipts, exports, salt erasure.

One public service appends to the platform log, :func:`ledger_record_action`;
decision records are appended by operations' ingestion through the store
(:class:`~tianping.web.ledger.store.DatabaseStore`) under the log's row lock.
Appends lock the log's row, so each is one durable commit and the tree's right
edge never moves under a writer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tianping.ledger import (
    ExportReport,
    Ledger,
    LedgerStore,
    NodeAddress,
    PersonalDataError,
    Receipt,
    SignedCheckpoint,
    StoredNode,
    StoreError,
    VerifierKey,
    export_store,
    prepare_leaf,
)
from tianping.privacy import PersonalValue
from tianping.web.core.signing import signed_by
from tianping.web.ledger.conf import option
from tianping.web.ledger.models import LedgerCheckpoint, LedgerLog, LedgerSalt, PlatformAction
from tianping.web.ledger.signing import checkpoint_verifier, ledger_signer, ledger_verifiers
from tianping.web.ledger.store import DatabaseStore

if TYPE_CHECKING:
    from tianping.web.systems.models import AISystem

ACTION_FORMAT = "tianping.action/1"
ACTION_KIND = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")


# --- logs -------------------------------------------------------------------------------------


def _origin_base() -> str:
    return str(option("LEDGER_ORIGIN")).strip("/")


def decision_log_of(system: AISystem) -> LedgerLog:
    """The decision log of ``system``, created on first use."""
    log, _created = LedgerLog.objects.get_or_create(
        kind=LedgerLog.Kind.DECISIONS,
        system=system,
        defaults={"origin": f"{_origin_base()}/systems/{system.pk}/decisions"},
    )
    return log


def platform_log() -> LedgerLog:
    """The platform's log of actions, created on first use."""
    log, _created = LedgerLog.objects.get_or_create(
        kind=LedgerLog.Kind.PLATFORM,
        defaults={"origin": f"{_origin_base()}/platform/actions"},
    )
    return log


def locked_ledger(log: LedgerLog) -> Ledger:
    """The ledger of ``log`` with its row locked (call inside ``transaction.atomic``)."""
    store = DatabaseStore(log)
    store.lock()
    return Ledger(store)


# --- checkpoints ------------------------------------------------------------------------------


def checkpoint_sign_if_due(
    log: LedgerLog, ledger: Ledger, *, force: bool
) -> SignedCheckpoint | None:
    """Sign a checkpoint of ``ledger`` if it grew and (unless ``force``) the last one is old.

    "Old" is ``CHECKPOINT_INTERVAL_S``. Call with the log's row locked (an append
    in progress, :func:`locked_ledger`), so signers never race.
    """
    latest = (
        LedgerCheckpoint.objects.filter(log=log)
        .order_by("-id")
        .values("size", "created_at")
        .first()
    )
    if latest is not None and latest["size"] == ledger.size:
        return None
    if ledger.size == 0:
        return None
    interval = timedelta(seconds=float(option("CHECKPOINT_INTERVAL_S")))
    if not force and latest is not None and timezone.now() - latest["created_at"] < interval:
        return None
    earlier = ledger_verifiers(log.origin)[1:]
    return ledger.sign_checkpoint(ledger_signer(log.origin), earlier_keys=earlier)


@transaction.atomic
def ledger_checkpoint_sign(*, log: LedgerLog) -> SignedCheckpoint | None:
    """Sign a checkpoint of ``log`` now, if it has entries no checkpoint covers yet."""
    ledger = locked_ledger(log)
    return checkpoint_sign_if_due(log, ledger, force=True)


# --- platform actions -------------------------------------------------------------------------


def _subject_ref(subject: models.Model | str) -> str:
    if isinstance(subject, models.Model):
        return f"{subject._meta.label_lower}:{subject.pk}"
    return str(subject)


def _is_system(value: object) -> bool:
    # By label, not by class: the ledger sits below the registry and never imports it.
    return isinstance(value, models.Model) and value._meta.label == "systems.AISystem"


def _subject_system(subject: models.Model | str) -> AISystem | None:
    if _is_system(subject):
        return subject  # type: ignore[return-value]
    system = getattr(subject, "system", None)
    return system if _is_system(system) else None


def ledger_record_action(
    *,
    actor: User | None,
    kind: str,
    subject: models.Model | str,
    payload: Mapping[str, Any],
    system: AISystem | None = None,
) -> int:
    """Append an action of the platform to its ledger; return the entry's index.

    The entry is ``{"type": "tianping.action/1", "kind", "subject", "actor", "at",
    "payload"}`` in canonical JSON; the actor enters only as a salted hash
    (the salt is kept apart, in :class:`LedgerSalt`). Each action gets a signed
    checkpoint at once, so its receipt is available as soon as it commits. Runs
    in the caller's transaction: the action and its entry commit together.

    Parameters
    ----------
    actor
        Who acted (``None`` for the platform itself).
    kind
        What happened: ``switch_changed``, ``tier_overridden``, ``playbook_changed``,
        ``api_key_created``, ``api_key_revoked``; later: review decisions,
        certificate events, incident reports.
    subject
        What it concerns: a model instance (recorded as ``app.model:pk``) or a text.
    payload
        The particulars, a JSON object (RFC 8785 must be able to write it).
    system
        The AI system the action concerns, if ``subject`` is not one and has no ``system``.
    """
    if not ACTION_KIND.match(kind):
        raise ValueError(f"an action kind is lower-case letters, digits, '_' and '.': {kind!r}")
    subject_ref = _subject_ref(subject)[:200]
    if "\x00" in subject_ref:
        # As systems.services.reject_nul: PostgreSQL text cannot hold NUL.
        raise ValidationError({"subject": [_("Text may not contain NUL characters.")]})
    at = timezone.now()
    record: dict[str, Any] = {
        "type": ACTION_FORMAT,
        "kind": kind,
        "subject": subject_ref,
        "actor": None,
        "at": at.isoformat().replace("+00:00", "Z"),
        "payload": dict(payload),
    }
    if actor is not None:
        record["actor"] = {"user": actor.pk, "username": actor.get_username()}
    # Personal data a user typed into a reason or a justification (a phone number, an
    # ID) is found by the screen and enters the ledger only as a salted hash.
    fields = ["actor"] if actor is not None else []
    try:
        prepared = prepare_leaf(record, personal_fields=fields, on_personal_data="hash")
    except PersonalDataError as error:
        # A key cannot be hashed in place: the top-level field holding it is hashed whole.
        found = cast("tuple[PersonalValue, ...]", error.found)
        fields += sorted({p.pointer.split("/")[1] for p in found if p.pointer} - set(fields))
        prepared = prepare_leaf(record, personal_fields=fields, on_personal_data="hash")
    leaf, salt = prepared.data, prepared.salt
    with transaction.atomic():
        log = platform_log()
        ledger = locked_ledger(log)
        index = ledger.append(leaf)
        if salt is not None:
            LedgerSalt.objects.create(log=log, idx=index, salt=salt)
        PlatformAction.objects.create(
            log=log,
            idx=index,
            kind=kind,
            system=system or _subject_system(subject),
            subject=subject_ref,
            actor=actor,
            at=at,
        )
        checkpoint_sign_if_due(log, ledger, force=True)
    return index


# --- salts --------------------------------------------------------------------------------------


@transaction.atomic
def ledger_salt_erase(*, log: LedgerLog, index: int) -> bool:
    """Erase the salt of entry ``index``: its personal fields can no longer be tied to anyone.

    The entry, its hash and every proof stay as they are. Returns whether a salt was erased.
    """
    deleted, _detail = LedgerSalt.objects.filter(log=log, idx=index).delete()
    return bool(deleted)


# --- receipts and exports -----------------------------------------------------------------------


def ledger_receipt(*, log: LedgerLog, index: int) -> Receipt:
    """The offline receipt of entry ``index``; signs a checkpoint first if none covers it yet.

    Signing adds no entry: it attests to the tree as it stands, which any reader
    of the log may ask for.
    """
    ledger = Ledger(DatabaseStore(log))
    latest = ledger.latest_checkpoint()
    if latest is None or latest.checkpoint.size <= index < ledger.size:
        ledger_checkpoint_sign(log=log)
        ledger.refresh()
    return ledger.receipt(index)


class _Snapshot:
    """A store frozen at ``size`` entries and the checkpoints up to it (a consistent export).

    After a key rotation only the checkpoints signed by ``key`` (the one that
    signed the newest) are exported, so one verifier key checks the whole file.
    """

    def __init__(self, store: DatabaseStore, size: int, key: VerifierKey | None = None) -> None:
        self._store = store
        self._size = size
        self._key = key

    @property
    def origin(self) -> str:
        return self._store.origin

    def size(self) -> int:
        return self._size

    def append(self, start: int, leaves: Sequence[bytes], nodes: Sequence[StoredNode]) -> None:
        raise StoreError("an export snapshot is read-only")

    def read_leaves(self, start: int, stop: int) -> list[bytes]:
        return self._store.read_leaves(start, min(stop, self._size))

    def read_nodes(self, addresses: Sequence[NodeAddress]) -> list[bytes]:
        return self._store.read_nodes(addresses)

    def checkpoints(self) -> list[str]:
        rows = LedgerCheckpoint.objects.filter(
            log_id=self._store.log_id, size__lte=self._size
        ).order_by("id")
        notes = list(rows.values_list("note", flat=True))
        if self._key is None:
            return notes
        keys = ledger_verifiers(self._store.origin)  # derived once for every note
        return [note for note in notes if signed_by(keys, note) == self._key]

    def latest_checkpoint(self) -> str | None:
        notes = self.checkpoints()
        return notes[-1] if notes else None

    def add_checkpoint(self, size: int, note: str) -> None:
        raise StoreError("an export snapshot is read-only")

    def close(self) -> None:
        """Nothing to release."""


def ledger_export(*, log: LedgerLog, path: Path) -> ExportReport:
    """Export ``log`` up to its newest checkpoint (signed now if needed) to the new file ``path``.

    The file is the ``tianping-ledger-export/1`` format (docs/ledger.md), with
    the log's verifier key in its header; ``tianping ledger verify`` checks it.
    Entries appended while the export runs are left for the next one.
    """
    ledger_checkpoint_sign(log=log)
    latest = LedgerCheckpoint.objects.filter(log=log).order_by("-id").values("size", "note").first()
    key = (
        checkpoint_verifier(log.origin, latest["note"])
        if latest is not None
        else ledger_signer(log.origin).verifier
    )
    snapshot: LedgerStore = _Snapshot(DatabaseStore(log), int(latest["size"] if latest else 0), key)
    return export_store(snapshot, path, vkey=key)

"""Writes of operations: ledger appends and checkpoints, decision ingestion, keys, switch, playbook.

Every service checks permissions, validates, and runs in one transaction. The
ledger's appends happen under a lock on the log's row, so each batch is one
durable commit and the tree's right edge never moves under a writer.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tianping.ledger import (
    CanonicalJSONError,
    ExportReport,
    LeafError,
    Ledger,
    LedgerStore,
    OnPersonalData,
    PersonalDataError,
    Receipt,
    SignedCheckpoint,
    StoreError,
    canonical_json,
    export_store,
    prepare_leaf,
)
from tianping.ledger._store import StoredNode
from tianping.ledger._tree import NodeAddress
from tianping.privacy import PersonalValue, PrivacyError, load_detectors
from tianping.web.operations.conf import option
from tianping.web.operations.models import (
    FailSafe,
    IncidentPlaybook,
    IngestBatch,
    LedgerCheckpoint,
    LedgerLog,
    LedgerSalt,
    PersonalDataPolicy,
    PlatformAction,
    SwitchState,
    SystemApiKey,
    SystemSwitch,
)
from tianping.web.operations.selectors import (
    PLAYBOOK_ROLES,
    can_change_switch,
    can_edit_playbook,
    can_manage_keys,
    playbook_of,
)
from tianping.web.operations.signing import ledger_secret, ledger_signer
from tianping.web.operations.store import DatabaseStore, insert_rows
from tianping.web.systems.models import AISystem
from tianping.web.systems.services import reject_nul

KEY_PREFIX = "tpk_"
ACTION_FORMAT = "tianping.action/1"
ACTION_KIND = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:\-]{1,100}$")
FIELD_NAME_LIMIT = 100
PERSONAL_FIELDS_LIMIT = 32
REASON_LIMIT = 2000
_LAST_USED_EVERY = timedelta(minutes=1)


class IdempotencyConflict(Exception):
    """An idempotency key was used again for different records (HTTP 409)."""


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


def _locked_ledger(log: LedgerLog) -> Ledger:
    """The ledger of ``log`` with its row locked (call inside ``transaction.atomic``)."""
    store = DatabaseStore(log)
    store.lock()
    return Ledger(store)


def _sign_if_due(log: LedgerLog, ledger: Ledger, *, force: bool) -> SignedCheckpoint | None:
    """Sign a checkpoint of ``ledger`` if it grew and (unless ``force``) the last one is old.

    Called with the log's row locked, so signers never race.
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
    return ledger.sign_checkpoint(ledger_signer(log.origin))


@transaction.atomic
def ledger_checkpoint_sign(*, log: LedgerLog) -> SignedCheckpoint | None:
    """Sign a checkpoint of ``log`` now, if it has entries no checkpoint covers yet."""
    ledger = _locked_ledger(log)
    return _sign_if_due(log, ledger, force=True)


# --- platform actions -------------------------------------------------------------------------


def _subject_ref(subject: models.Model | str) -> str:
    if isinstance(subject, models.Model):
        return f"{subject._meta.label_lower}:{subject.pk}"
    return str(subject)


def _subject_system(subject: models.Model | str) -> AISystem | None:
    if isinstance(subject, AISystem):
        return subject
    system = getattr(subject, "system", None)
    return system if isinstance(system, AISystem) else None


def ledger_record_action(
    *,
    actor: AbstractBaseUser | None,
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
    reject_nul(subject_ref, "subject")
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
        ledger = _locked_ledger(log)
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
        _sign_if_due(log, ledger, force=True)
    return index


# --- decision records -------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionRecord:
    """One decision record as sent: a JSON object and the names of its personal fields."""

    record: Mapping[str, Any]
    personal_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class IngestResult:
    """Where a batch's records are in the system's decision log."""

    key: str
    origin: str
    first_index: int
    count: int
    tree_size: int
    duplicate: bool

    @property
    def indices(self) -> range:
        return range(self.first_index, self.first_index + self.count)


@functools.cache
def _digest_key() -> bytes:
    # The idempotency digest is keyed, so it cannot confirm a guess of personal data.
    return HKDF(
        algorithm=SHA256(), length=32, salt=b"tianping-ingest-digest/1", info=b"digest"
    ).derive(ledger_secret())


def entity_label(name: str) -> str:
    """The name of a kind of personal data (``cn_mobile``) in the request's language."""
    entity = load_detectors().entities.get(name)
    return entity.label.get(get_language()) if entity is not None else name


def _refused(position: int, error: PersonalDataError) -> ValidationError:
    """A 422 naming where and what kind of personal data a record holds, never the value."""
    found = cast("tuple[PersonalValue, ...]", error.found)
    places = [
        _("{pointer} ({entity})").format(
            pointer=(
                _("a key of {pointer}").format(pointer=p.pointer or "/")
                if p.in_key
                else p.pointer or "/"
            ),
            entity=entity_label(p.entity),
        )
        for p in found[:5]
    ]
    return ValidationError(
        {
            "records": [
                _(
                    "Record {n} holds personal data outside its declared personal fields: "
                    "{places}. Nothing was written: declare these fields in personal_fields "
                    "(they enter the ledger as salted hashes) or leave the values out."
                ).format(n=position, places="; ".join(places))
            ]
        }
    )


def _prepare(
    records: Sequence[DecisionRecord], *, on_personal_data: OnPersonalData = "refuse"
) -> tuple[list[bytes], list[bytes | None], str]:
    """Leaves, salts and the keyed digest of a batch; ValidationError names the bad record.

    Every record is screened for personal data outside its declared fields
    (:func:`tianping.ledger.prepare_leaf`): refused, or hashed in place.
    """
    limit = int(option("INGEST_MAX_RECORDS"))
    record_limit = int(option("INGEST_MAX_RECORD_BYTES"))
    if not records:
        raise ValidationError({"records": [_("Send at least one record.")]})
    if len(records) > limit:
        raise ValidationError(
            {"records": [_("A batch holds at most {limit} records.").format(limit=limit)]}
        )
    digest = hmac.new(_digest_key(), digestmod=hashlib.sha256)
    leaves: list[bytes] = []
    salts: list[bytes | None] = []
    for position, item in enumerate(records):
        fields = item.personal_fields
        problem = None
        if not isinstance(item.record, Mapping):
            problem = _("Record {n} is not a JSON object.")
        elif len(fields) > PERSONAL_FIELDS_LIMIT or any(
            not isinstance(name, str) or not name or len(name) > FIELD_NAME_LIMIT for name in fields
        ):
            problem = _("Record {n} names its personal fields wrongly.")
        elif any(name not in item.record for name in fields):
            problem = _("Record {n} names a personal field it does not have.")
        if problem is not None:
            raise ValidationError({"records": [problem.format(n=position)]})
        try:
            raw = canonical_json(item.record)
            prepared = prepare_leaf(
                item.record, personal_fields=fields, on_personal_data=on_personal_data
            )
        except PersonalDataError as error:
            raise _refused(position, error) from None
        except (CanonicalJSONError, LeafError, PrivacyError) as error:
            raise ValidationError(
                {
                    "records": [
                        _("Record {n} cannot be written as canonical JSON: {reason}").format(
                            n=position, reason=error.message
                        )
                    ]
                }
            ) from error
        leaf = prepared.data
        if len(leaf) > record_limit:
            raise ValidationError(
                {
                    "records": [
                        _("Record {n} has {size} bytes; a record holds at most {limit}.").format(
                            n=position, size=len(leaf), limit=record_limit
                        )
                    ]
                }
            )
        names = ",".join(sorted(set(fields))).encode("utf-8")
        digest.update(len(raw).to_bytes(8, "big") + raw + len(names).to_bytes(4, "big") + names)
        leaves.append(leaf)
        salts.append(prepared.salt)
    return leaves, salts, digest.hexdigest()


def decision_records_ingest(
    *, api_key: SystemApiKey, key: str, records: Sequence[DecisionRecord]
) -> IngestResult:
    """Append a batch of decision records to its system's log, once per idempotency key.

    The batch is one durable commit (its leaves, their tree nodes, the salts of
    personal fields and the batch's key); the result is returned only after it.
    The same key with the same records returns the original indices and appends
    nothing; with other records it is refused (:class:`IdempotencyConflict`).
    A checkpoint is signed when the last one is older than ``CHECKPOINT_INTERVAL_S``.
    """
    if not isinstance(key, str) or not IDEMPOTENCY_KEY.match(key):
        raise ValidationError(
            {
                "idempotency_key": [
                    _("Send an Idempotency-Key of 1 to 100 letters, digits and . _ : -")
                ]
            }
        )
    policy: OnPersonalData = "hash" if api_key.personal_data == "hash" else "refuse"
    leaves, salts, digest = _prepare(records, on_personal_data=policy)
    with transaction.atomic():
        log = decision_log_of(api_key.system)
        store = DatabaseStore(log)
        size = store.lock()
        existing = IngestBatch.objects.filter(log=log, key=key).first()
        if existing is not None:
            if not hmac.compare_digest(existing.digest, digest):
                raise IdempotencyConflict(key)
            return IngestResult(
                key=key,
                origin=log.origin,
                first_index=existing.first_index,
                count=existing.count,
                tree_size=size,
                duplicate=True,
            )
        ledger = Ledger(store)
        indices = ledger.append_many(leaves)
        insert_rows(
            LedgerSalt._meta.db_table,
            ("log_id", "idx", "salt"),
            [
                (log.pk, index, salt)
                for index, salt in zip(indices, salts, strict=True)
                if salt is not None
            ],
        )
        IngestBatch.objects.create(
            log=log,
            key=key,
            digest=digest,
            first_index=indices.start,
            count=len(indices),
            api_key=api_key,
        )
        _sign_if_due(log, ledger, force=False)
        # Monitors (tianping.monitoring): count the batch and judge, under the same lock.
        from tianping.web.operations.monitors import monitors_record_batch

        monitors_record_batch(system=api_key.system, records=[r.record for r in records])
    return IngestResult(
        key=key,
        origin=log.origin,
        first_index=indices.start,
        count=len(indices),
        tree_size=indices.stop,
        duplicate=False,
    )


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
    """A store frozen at ``size`` entries and the checkpoints up to it (a consistent export)."""

    def __init__(self, store: DatabaseStore, size: int) -> None:
        self._store = store
        self._size = size

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
        return list(rows.values_list("note", flat=True))

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
    latest = (
        LedgerCheckpoint.objects.filter(log=log).order_by("-id").values_list("size", flat=True)
    ).first()
    snapshot: LedgerStore = _Snapshot(DatabaseStore(log), int(latest or 0))
    return export_store(snapshot, path, vkey=ledger_signer(log.origin).verifier)


# --- system API keys --------------------------------------------------------------------------


def _key_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def system_api_key_create(
    *,
    actor: AbstractBaseUser,
    system: AISystem,
    name: str,
    personal_data: str = PersonalDataPolicy.REFUSE,
) -> tuple[SystemApiKey, str]:
    """A new key for ``system`` to send decision records; the raw key is returned once.

    ``personal_data`` says what ingestion does with a record that holds personal
    data outside its declared personal fields (:class:`PersonalDataPolicy`).
    """
    if not can_manage_keys(actor, system):
        raise PermissionDenied(_("You cannot manage the API keys of this system."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the key a name.")]})
    reject_nul(name, "name")
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = SystemApiKey(
        system=system,
        name=name[:100],
        prefix=raw[:12],
        digest=_key_digest(raw),
        created_by=actor,
        personal_data=personal_data,
    )
    key.full_clean(exclude=["prefix", "digest"])
    key.save()
    ledger_record_action(
        actor=actor,
        kind="api_key_created",
        subject=key,
        system=system,
        payload={"name": key.name, "prefix": key.prefix, "personal_data": key.personal_data},
    )
    return key, raw


@transaction.atomic
def system_api_key_revoke(*, actor: AbstractBaseUser, system: AISystem, key_id: int) -> None:
    if not can_manage_keys(actor, system):
        raise PermissionDenied(_("You cannot manage the API keys of this system."))
    key = (
        SystemApiKey.objects.select_for_update()
        .filter(pk=key_id, system=system, revoked_at__isnull=True)
        .first()
    )
    if key is None:
        raise ValidationError(_("No such active key."))
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    ledger_record_action(
        actor=actor,
        kind="api_key_revoked",
        subject=key,
        system=system,
        payload={"name": key.name, "prefix": key.prefix},
    )


def system_api_key_authenticate(raw: str) -> SystemApiKey | None:
    """The active key ``raw`` stands for (with its system), or None."""
    if not isinstance(raw, str) or not raw.startswith(KEY_PREFIX) or len(raw) > 200:
        return None
    key = (
        SystemApiKey.objects.select_related("system")
        .filter(digest=_key_digest(raw), revoked_at__isnull=True)
        .first()
    )
    if key is None:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > _LAST_USED_EVERY:
        SystemApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


# --- the runtime switch -------------------------------------------------------------------------


@transaction.atomic
def system_switch_change(
    *, actor: AbstractBaseUser, system: AISystem, state: str, reason: str
) -> SystemSwitch:
    """Set the runtime switch of ``system``; the change is appended to the platform ledger.

    Ethical Norms (2021) Art. 3(4): people may suspend an AI system at any time.
    Who may set which state comes from the system's incident playbook; a reason
    is required. Setting the state the switch is already in changes nothing.
    """
    if state not in SwitchState.values:
        raise ValidationError({"state": [_("Choose active, paused or stopped.")]})
    playbook = playbook_of(system)
    if not can_change_switch(actor, system, state, playbook=playbook):
        raise PermissionDenied(_("The incident playbook does not let you set this state."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for the change.")]})
    if len(reason) > REASON_LIMIT:
        raise ValidationError({"reason": [_("A reason has at most 2000 characters.")]})
    reject_nul(reason, "reason")
    return switch_set(actor=actor, system=system, state=state, reason=reason)


def switch_set(
    *, actor: AbstractBaseUser | None, system: AISystem, state: str, reason: str
) -> SystemSwitch:
    """Set the switch without a permission check (``actor=None``: the platform, e.g. a monitor).

    Call inside a transaction; the change is appended to the platform ledger.
    """
    switch, _created = SystemSwitch.objects.select_for_update().get_or_create(system=system)
    if switch.state == state:
        return switch
    previous = switch.state
    index = ledger_record_action(
        actor=actor,
        kind="switch_changed",
        subject=system,
        payload={
            "from": previous,
            "to": state,
            "reason": reason,
            "version": switch.version + 1,
        },
    )
    switch.state = state
    switch.version += 1
    switch.reason = reason
    switch.changed_by = actor
    switch.changed_at = timezone.now()
    switch.ledger_index = index
    switch.save()
    return switch


# --- the incident playbook ----------------------------------------------------------------------


def _clean_roles(value: Any) -> dict[str, list[str]]:
    if not isinstance(value, Mapping) or set(value) - set(SwitchState.values):
        raise ValidationError({"switch_roles": [_("Name roles for active, paused and stopped.")]})
    cleaned: dict[str, list[str]] = {}
    for state in SwitchState.values:
        roles = value.get(state, [])
        if not isinstance(roles, list | tuple) or any(r not in PLAYBOOK_ROLES for r in roles):
            raise ValidationError({"switch_roles": [_("Unknown role in the switch roles.")]})
        cleaned[state] = [role for role in PLAYBOOK_ROLES if role in roles]
    return cleaned


def _clean_thresholds(value: Any) -> dict[str, float]:
    if not isinstance(value, Mapping) or len(value) > 20:
        raise ValidationError({"takeover_thresholds": [_("Give at most 20 named thresholds.")]})
    cleaned: dict[str, float] = {}
    for name, number in value.items():
        if (
            not isinstance(name, str)
            or not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", name)
            or isinstance(number, bool)
            or not isinstance(number, int | float)
            or number != number  # NaN
            or abs(number) == float("inf")
        ):
            raise ValidationError(
                {
                    "takeover_thresholds": [
                        _("Each threshold is a lower-case name and a number: {name}.").format(
                            name=str(name)[:40]
                        )
                    ]
                }
            )
        cleaned[name] = float(number)
    return cleaned


def _clean_contacts(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list | tuple) or len(value) > 20:
        raise ValidationError({"escalation_contacts": [_("Give at most 20 contacts.")]})
    cleaned = []
    for item in value:
        if (
            not isinstance(item, Mapping)
            or set(item) - {"name", "role", "contact"}
            or not all(isinstance(v, str) and len(v) <= 200 for v in item.values())
            or not str(item.get("name", "")).strip()
        ):
            raise ValidationError(
                {
                    "escalation_contacts": [
                        _("Each contact has a name and may have a role and a phone or e-mail.")
                    ]
                }
            )
        cleaned.append({k: str(item.get(k, "")).strip() for k in ("name", "role", "contact")})
    return cleaned


@transaction.atomic
def incident_playbook_update(
    *,
    actor: AbstractBaseUser,
    system: AISystem,
    switch_roles: Mapping[str, Sequence[str]],
    takeover_thresholds: Mapping[str, float],
    escalation_contacts: Sequence[Mapping[str, str]],
    fallback_path: str,
    fail_safe: str,
    offline_grace_s: int,
) -> IncidentPlaybook:
    """Adopt or change the incident playbook of ``system``; recorded in the platform ledger."""
    if not can_edit_playbook(actor, system):
        raise PermissionDenied(_("You cannot change the incident playbook of this system."))
    for name, value in (
        ("switch_roles", switch_roles),
        ("escalation_contacts", escalation_contacts),
        ("fallback_path", fallback_path),
    ):
        reject_nul(value, name)
    # The roles in ``always_allowed`` (default_playbook.yaml) keep their rights whatever
    # the playbook says: they are added when the playbook is read (selectors.playbook_of).
    roles = _clean_roles(switch_roles)
    if fail_safe not in FailSafe.values:
        raise ValidationError({"fail_safe": [_("Choose a fail-safe.")]})
    if (
        isinstance(offline_grace_s, bool)
        or not isinstance(offline_grace_s, int)
        or not 0 <= offline_grace_s <= 86400
    ):
        raise ValidationError({"offline_grace_s": [_("Give 0 to 86400 seconds.")]})
    if not isinstance(fallback_path, str) or len(fallback_path) > 5000:
        raise ValidationError({"fallback_path": [_("At most 5000 characters.")]})
    playbook, _created = IncidentPlaybook.objects.select_for_update().get_or_create(
        system=system, defaults={"switch_roles": roles}
    )
    playbook.switch_roles = roles
    playbook.takeover_thresholds = _clean_thresholds(takeover_thresholds)
    playbook.escalation_contacts = _clean_contacts(escalation_contacts)
    playbook.fallback_path = fallback_path.strip()
    playbook.fail_safe = fail_safe
    playbook.offline_grace_s = offline_grace_s
    playbook.updated_by = actor
    playbook.full_clean()
    playbook.save()
    ledger_record_action(
        actor=actor,
        kind="playbook_changed",
        subject=system,
        payload={
            "switch_roles": roles,
            "takeover_thresholds": playbook.takeover_thresholds,
            "escalation_contacts": len(playbook.escalation_contacts),
            "fail_safe": fail_safe,
            "offline_grace_s": offline_grace_s,
        },
    )
    return playbook

"""Decision ingestion: a batch of an AI system's decision records into its decision log.

A batch is screened for personal data, written as canonical JSON leaves and
appended to the system's log (:mod:`tianping.web.ledger`) in one durable commit,
once per idempotency key; the monitors count and judge it in the same
transaction (:mod:`.monitors`).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tianping.ledger import (
    CanonicalJSONError,
    LeafError,
    Ledger,
    OnPersonalData,
    PersonalDataError,
    canonical_json,
    prepare_leaf,
)
from tianping.privacy import PersonalValue, PrivacyError, load_detectors
from tianping.web.core.signing import ledger_secret
from tianping.web.ledger.models import LedgerSalt
from tianping.web.ledger.services import checkpoint_sign_if_due, decision_log_of
from tianping.web.ledger.store import DatabaseStore, insert_rows
from tianping.web.operations.conf import option
from tianping.web.operations.models import DecisionDayCount, IngestBatch, SystemApiKey
from tianping.web.operations.monitors import monitors_record_batch
from tianping.web.systems.models import AISystem

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:\-]{1,100}$")
FIELD_NAME_LIMIT = 100
PERSONAL_FIELDS_LIMIT = 32


class IdempotencyConflict(Exception):
    """An idempotency key was used again for different records (HTTP 409)."""


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
            prepared = prepare_leaf(
                item.record, personal_fields=fields, on_personal_data=on_personal_data
            )
            # A leaf with nothing hashed is the record's canonical JSON already.
            raw = prepared.data if prepared.salt is None else canonical_json(item.record)
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


def decision_day_count_add(*, system: AISystem, count: int, day: date | None = None) -> None:
    """Add ``count`` decisions to ``system``'s count of ``day`` (today in the platform's zone):
    one row per system and day, one upsert per batch (under the log's row lock)."""
    if count <= 0:
        return
    when = day or timezone.localdate()
    updated = DecisionDayCount.objects.filter(system=system, day=when).update(
        count=F("count") + count
    )
    if not updated:
        DecisionDayCount.objects.create(system=system, day=when, count=count)


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
        checkpoint_sign_if_due(log, ledger, force=False)
        # Monitors (tianping.monitoring): count the batch and judge, under the same lock.
        monitors_record_batch(system=api_key.system, records=[r.record for r in records])
        decision_day_count_add(system=api_key.system, count=len(indices))
    return IngestResult(
        key=key,
        origin=log.origin,
        first_index=indices.start,
        count=len(indices),
        tree_size=indices.stop,
        duplicate=False,
    )

"""Ledger entries as leaves: canonical JSON with personal fields salted and hashed.

An append-only log cannot forget, so no raw personal data may enter it, even
when the writer forgets to declare it: every value and key of an entry is
screened (:class:`tianping.privacy.RecordScreen`: resident ID, USCC, bank card,
mobile, e-mail) before the leaf is built. By default an entry with undeclared
personal data is refused (:class:`PersonalDataError`, naming JSON Pointers and
entities, never values); ``on_personal_data="hash"`` hashes each detected value
in place instead.

Personal data never enters a leaf. Each personal field's value is replaced by
``{"salted_sha256": hex}``, the SHA-256 of the salt followed by the value's
canonical JSON. The salt is kept outside the ledger, beside the personal data;
erasing both (PIPL Art. 47, GDPR Art. 17) leaves a hash nobody can link back to
a person -- and the tree, its proofs and its signed checkpoints stay valid,
because no leaf changes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from tianping.ledger._errors import LeafError, PersonalDataError
from tianping.ledger._jcs import canonical_json
from tianping.ledger._messages import (
    ERR_LEAF_NOT_OBJECT,
    ERR_ON_PERSONAL_DATA,
    ERR_PERSONAL_DATA,
    ERR_PERSONAL_FIELD_ABSENT,
    ERR_PERSONAL_FIELD_NAME,
    ERR_PERSONAL_IN_KEY,
    ERR_SALT_MISSING,
    ERR_SALT_TOO_SHORT,
    HINT_PERSONAL_DATA,
)

if TYPE_CHECKING:
    from tianping.privacy import PersonalValue, RecordScreen

OnPersonalData = Literal["refuse", "hash"]
"""What to do with personal data found outside the declared personal fields."""

ON_PERSONAL_DATA: tuple[OnPersonalData, ...] = ("refuse", "hash")

MIN_SALT_BYTES = 16
"""The shortest salt accepted: 128 random bits, beyond any dictionary of names or IDs."""

SALTED_HASH_KEY = "salted_sha256"
"""The one key of the object that stands in for a personal field's value."""


def salted_hash(value: object, salt: bytes) -> str:
    """SHA-256(salt || JCS(value)), in lower-case hex.

    Whoever holds the value and the salt can recompute it (to show that an
    entry concerns a person); whoever holds only the leaf cannot.

    Examples
    --------
    >>> salted_hash("Li Lei", bytes(16))[:12]
    'd759be989e12'
    """
    _check_salt(salt)
    return hashlib.sha256(salt + canonical_json(value)).hexdigest()


def _check_salt(salt: bytes) -> None:
    if not isinstance(salt, bytes | bytearray) or len(salt) < MIN_SALT_BYTES:
        length = len(salt) if isinstance(salt, bytes | bytearray) else 0
        raise LeafError(ERR_SALT_TOO_SHORT.format(minimum=MIN_SALT_BYTES, length=length))


@dataclass(frozen=True, slots=True)
class PreparedLeaf:
    """A leaf and what a writer must keep beside it.

    ``salt`` is ``None`` when nothing was hashed; otherwise keep it with the
    personal data (erase both together). ``detected`` lists the undeclared
    personal values that were hashed in place (``on_personal_data="hash"``).
    """

    data: bytes
    salt: bytes | None
    personal_fields: tuple[str, ...]
    detected: tuple[PersonalValue, ...] = ()


def _default_screen() -> RecordScreen:
    # Imported on first use: the privacy engine's import (DuckDB, the detectors) is heavy,
    # and reading or verifying a ledger never needs it.
    from tianping.privacy import default_screen

    return default_screen()


def _describe(found: Collection[PersonalValue]) -> str:
    items = sorted({p.describe() for p in found})
    shown = ", ".join(items[:5])
    return shown if len(items) <= 5 else f"{shown} and {len(items) - 5} more"


def _tokens(pointer: str) -> list[str]:
    # RFC 6901 §4: split on '/', then '~1' -> '/' and '~0' -> '~'.
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]


def _hash_at(value: Any, tokens: list[str], salt: bytes) -> Any:
    """A copy of ``value`` with the value at ``tokens`` replaced by its salted hash."""
    if not tokens:
        return {SALTED_HASH_KEY: salted_hash(value, salt)}
    head, rest = tokens[0], tokens[1:]
    if isinstance(value, Mapping):
        copy = dict(value)
        copy[head] = _hash_at(value[head], rest, salt)
        return copy
    items = list(value)
    items[int(head)] = _hash_at(items[int(head)], rest, salt)
    return items


def prepare_leaf(
    record: Mapping[str, object],
    *,
    personal_fields: Collection[str] = (),
    on_personal_data: OnPersonalData = "refuse",
    salt: bytes | None = None,
    screen: RecordScreen | None = None,
) -> PreparedLeaf:
    """The leaf for ``record`` after screening it for undeclared personal data.

    Parameters
    ----------
    record
        The entry: a JSON object (``dict`` with string keys).
    personal_fields
        Top-level keys whose values are personal data; each must be in
        ``record``. Their values are replaced by ``{"salted_sha256": hex}``.
    on_personal_data
        Personal data found anywhere else (:data:`tianping.privacy.SCREEN_ENTITIES`):
        ``"refuse"`` (the default) raises :class:`PersonalDataError`; ``"hash"``
        replaces each detected value by its salted hash, in place. Data in an
        object key is always refused (a key cannot be hashed).
    salt
        At least 16 random bytes; a fresh one is drawn when something is hashed.
    screen
        The screen to use (the shared default one otherwise).

    Raises
    ------
    PersonalDataError
        If undeclared personal data was found and may not be hashed; the message
        names JSON Pointers and entities, never values.
    LeafError
        If ``record`` is not a mapping, a personal field is unnamed or absent, or
        the salt is too short.

    Examples
    --------
    >>> leaf = prepare_leaf({"case": 7, "contact": {"phone": "13912345678"}},
    ...                     on_personal_data="hash")
    >>> [p.pointer for p in leaf.detected], b"13912345678" in leaf.data
    (['/contact/phone'], False)
    """
    if not isinstance(record, Mapping):
        raise LeafError(ERR_LEAF_NOT_OBJECT.format(type=type(record).__name__))
    if on_personal_data not in ON_PERSONAL_DATA:
        raise LeafError(ERR_ON_PERSONAL_DATA.format(value=on_personal_data))
    fields = list(dict.fromkeys(personal_fields))
    for field in fields:
        if not isinstance(field, str) or not field:
            raise LeafError(ERR_PERSONAL_FIELD_NAME.format(field=field))
        if field not in record:
            raise LeafError(ERR_PERSONAL_FIELD_ABSENT.format(field=field))
    found = (screen or _default_screen()).screen(record, skip=fields)
    in_keys = [p for p in found if p.in_key]
    if in_keys:
        raise PersonalDataError(
            ERR_PERSONAL_IN_KEY.format(found=_describe(in_keys)),
            found=tuple(in_keys),
            hint=HINT_PERSONAL_DATA,
        )
    if found and on_personal_data == "refuse":
        raise PersonalDataError(
            ERR_PERSONAL_DATA.format(found=_describe(found)),
            found=tuple(found),
            hint=HINT_PERSONAL_DATA,
        )
    if not fields and not found:
        return PreparedLeaf(canonical_json(record), None, ())
    if salt is None:
        salt = secrets.token_bytes(MIN_SALT_BYTES)
    _check_salt(salt)
    masked: Any = dict(record)
    for field in fields:
        masked[field] = {SALTED_HASH_KEY: salted_hash(record[field], salt)}
    for personal in found:
        masked = _hash_at(masked, _tokens(personal.pointer), salt)
    return PreparedLeaf(canonical_json(masked), bytes(salt), tuple(fields), tuple(found))


def make_leaf(
    record: Mapping[str, object],
    *,
    personal_fields: Collection[str] = (),
    salt: bytes | None = None,
) -> bytes:
    """The leaf for ``record``: its canonical JSON, personal fields salted and hashed.

    The record is screened first (:func:`prepare_leaf`): raw personal data
    outside ``personal_fields`` is refused.

    Parameters
    ----------
    record
        The entry: a JSON object (``dict`` with string keys).
    personal_fields
        Top-level keys whose values are personal data; each must be in
        ``record``. They are replaced by ``{"salted_sha256": hex}``.
    salt
        At least 16 random bytes (``secrets.token_bytes(16)``), one per entry,
        kept outside the ledger with the personal data. Required when
        ``personal_fields`` is not empty.

    Returns
    -------
    bytes
        RFC 8785 canonical JSON, UTF-8.

    Raises
    ------
    PersonalDataError
        If the record holds personal data outside ``personal_fields``.
    LeafError
        If ``record`` is not a mapping, a personal field is absent, or the salt
        is missing or too short.
    CanonicalJSONError
        If ``record`` holds a value JSON cannot represent exactly.

    Examples
    --------
    >>> make_leaf({"decision": "approve", "applicant": "Li Lei"},
    ...           personal_fields={"applicant"}, salt=bytes(16)).decode()[:46]
    '{"applicant":{"salted_sha256":"d759be989e12a34'
    """
    fields = list(personal_fields)
    if fields and salt is None:
        names = [str(field) for field in fields]
        raise LeafError(ERR_SALT_MISSING.format(fields=", ".join(sorted(names))))
    return prepare_leaf(record, personal_fields=fields, salt=salt).data


def matches_salted_hash(masked: object, value: object, salt: bytes) -> bool:
    """Whether a leaf's ``{"salted_sha256": hex}`` stands for ``value`` under ``salt``."""
    if not isinstance(masked, Mapping) or set(masked) != {SALTED_HASH_KEY}:
        return False
    expected = masked[SALTED_HASH_KEY]
    if not isinstance(expected, str):
        return False
    return hmac.compare_digest(expected, salted_hash(value, salt))

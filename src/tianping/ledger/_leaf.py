"""Ledger entries as leaves: canonical JSON with personal fields salted and hashed.

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
from collections.abc import Collection, Mapping

from tianping.ledger._errors import LeafError
from tianping.ledger._jcs import canonical_json
from tianping.ledger._messages import (
    ERR_LEAF_NOT_OBJECT,
    ERR_PERSONAL_FIELD_NAME,
    ERR_SALT_MISSING,
    ERR_SALT_TOO_SHORT,
)

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


def make_leaf(
    record: Mapping[str, object],
    *,
    personal_fields: Collection[str] = (),
    salt: bytes | None = None,
) -> bytes:
    """The leaf for ``record``: its canonical JSON, personal fields salted and hashed.

    Parameters
    ----------
    record
        The entry: a JSON object (``dict`` with string keys).
    personal_fields
        Top-level keys whose values are personal data. Those present are
        replaced by ``{"salted_sha256": hex}``; absent ones are ignored.
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
    LeafError
        If ``record`` is not a mapping or the salt is missing or too short.
    CanonicalJSONError
        If ``record`` holds a value JSON cannot represent exactly.

    Examples
    --------
    >>> make_leaf({"decision": "approve", "applicant": "Li Lei"},
    ...           personal_fields={"applicant"}, salt=bytes(16)).decode()[:46]
    '{"applicant":{"salted_sha256":"d759be989e12a34'
    """
    if not isinstance(record, Mapping):
        raise LeafError(ERR_LEAF_NOT_OBJECT.format(type=type(record).__name__))
    fields = list(personal_fields)
    for field in fields:
        if not isinstance(field, str) or not field:
            raise LeafError(ERR_PERSONAL_FIELD_NAME.format(field=field))
    present = [field for field in fields if field in record]
    if not present:
        if fields and salt is None:
            raise LeafError(ERR_SALT_MISSING.format(fields=", ".join(sorted(fields))))
        return canonical_json(record)
    if salt is None:
        raise LeafError(ERR_SALT_MISSING.format(fields=", ".join(sorted(present))))
    _check_salt(salt)
    masked = dict(record)
    for field in present:
        masked[field] = {SALTED_HASH_KEY: salted_hash(record[field], salt)}
    return canonical_json(masked)


def matches_salted_hash(masked: object, value: object, salt: bytes) -> bool:
    """Whether a leaf's ``{"salted_sha256": hex}`` stands for ``value`` under ``salt``."""
    if not isinstance(masked, Mapping) or set(masked) != {SALTED_HASH_KEY}:
        return False
    expected = masked[SALTED_HASH_KEY]
    if not isinstance(expected, str):
        return False
    return hmac.compare_digest(expected, salted_hash(value, salt))

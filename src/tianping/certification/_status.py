"""Bitstring Status List (https://www.w3.org/TR/vc-bitstring-status-list/).

A status list is a bitstring, one bit per credential (``statusSize`` 1): bit 0
is the left-most bit of the first byte. It is published GZIP-compressed
(RFC 1952) and multibase base64url-encoded (``u…``) inside a
``BitstringStatusListCredential``; the uncompressed bitstring has at least
16 KB (131,072 entries), so that one credential hides among many.
"""

from __future__ import annotations

import functools
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from tianping.certification import _multibase as mb
from tianping.certification._vocab import VC_V2, xsd_datetime

#: The fewest entries a list may have (16 KB of bits).
MIN_ENTRIES = 131_072
#: The most bytes an encoded list may inflate to (2**27 entries), against a GZIP bomb.
MAX_BYTES = 16 * 1024 * 1024

StatusPurpose = Literal["revocation", "suspension"]
#: The purposes whose set bit makes a credential invalid.
PURPOSES: tuple[StatusPurpose, ...] = ("revocation", "suspension")

ENTRY_TYPE = "BitstringStatusListEntry"
LIST_CREDENTIAL_TYPE = "BitstringStatusListCredential"
LIST_TYPE = "BitstringStatusList"

# The GZIP header as the specification's example writes it: no name, no time, OS "Unix".
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"


class StatusListError(ValueError):
    """An encoded list that is not GZIP, not base64url, too short or too long."""


@dataclass(frozen=True)
class StatusList:
    """A bitstring of ``len(bits) * 8`` entries; :meth:`set` gives a new list.

    Examples
    --------
    >>> status = StatusList.empty().set(94567)
    >>> status.get(94567), status.get(94566)
    (True, False)
    >>> StatusList.decode(status.encode()) == status
    True
    """

    bits: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.bits) * 8 < MIN_ENTRIES:
            raise StatusListError(
                f"the list has {len(self.bits) * 8} entries; at least {MIN_ENTRIES} (16 KB)"
            )

    @classmethod
    def empty(cls, entries: int = MIN_ENTRIES) -> StatusList:
        return cls(bytes(-(-entries // 8)))

    def __len__(self) -> int:
        return len(self.bits) * 8

    def get(self, index: int) -> bool:
        if not 0 <= index < len(self):
            raise IndexError(f"index {index} is outside the list (0–{len(self) - 1})")
        return bool(self.bits[index // 8] & (0x80 >> (index % 8)))

    def set(self, index: int, value: bool = True) -> StatusList:
        self.get(index)  # the range check
        bits = bytearray(self.bits)
        mask = 0x80 >> (index % 8)
        bits[index // 8] = bits[index // 8] | mask if value else bits[index // 8] & ~mask
        return StatusList(bytes(bits))

    def encode(self) -> str:
        """``u…``: GZIP (deterministic header) then multibase base64url."""
        deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
        body = deflate.compress(self.bits) + deflate.flush()
        trailer = struct.pack("<II", zlib.crc32(self.bits), len(self.bits) & 0xFFFFFFFF)
        return mb.encode_u(_GZIP_HEADER + body + trailer)

    @classmethod
    def decode(cls, encoded: str, *, max_bytes: int = MAX_BYTES) -> StatusList:
        """The list of an ``encodedList`` value; :class:`StatusListError` for anything else."""
        try:
            compressed = mb.decode_u(encoded)
        except mb.MultibaseError as exc:
            raise StatusListError(str(exc)) from None
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)  # GZIP only
        try:
            bits = inflate.decompress(compressed, max_bytes + 1)
        except zlib.error as exc:
            raise StatusListError(f"not GZIP data: {exc}") from None
        if len(bits) > max_bytes or inflate.unconsumed_tail:
            raise StatusListError(f"the list inflates to more than {max_bytes} bytes")
        if not inflate.eof:
            raise StatusListError("the GZIP data is truncated")
        return cls(bits)


def status_entry(list_url: str, index: int, purpose: StatusPurpose) -> dict[str, Any]:
    """A ``credentialStatus`` entry: the credential's bit ``index`` in the list at ``list_url``."""
    if purpose not in PURPOSES:
        raise ValueError(f"purpose must be one of {PURPOSES}")
    if index < 0:
        raise ValueError("a status list index is 0 or more")
    return {
        "id": f"{list_url}#{index}",
        "type": ENTRY_TYPE,
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_list_credential(
    list_url: str,
    issuer: str,
    purpose: StatusPurpose,
    status: StatusList,
    *,
    valid_from: datetime,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """An unsigned ``BitstringStatusListCredential`` holding ``status`` (sign it to publish)."""
    document: dict[str, Any] = {
        "@context": [VC_V2],
        "id": list_url,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": issuer,
        "validFrom": xsd_datetime(valid_from),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": LIST_TYPE,
            "statusPurpose": purpose,
            "encodedList": status.encode(),
        },
    }
    if valid_until is not None:
        document["validUntil"] = xsd_datetime(valid_until)
    return document


def list_of(credential: Mapping[str, Any]) -> StatusList:
    """The status list inside a status list credential."""
    subject = credential.get("credentialSubject")
    if not isinstance(subject, Mapping) or not isinstance(subject.get("encodedList"), str):
        raise StatusListError("the credential has no credentialSubject.encodedList")
    return _decoded(subject["encodedList"])


@functools.lru_cache(maxsize=64)
def _decoded(encoded: str) -> StatusList:
    """The list of ``encoded``, remembered: many certificates share one list."""
    return StatusList.decode(encoded)


def update_status(
    credential: Mapping[str, Any],
    index: int,
    value: bool = True,
    *,
    valid_from: datetime | None = None,
) -> dict[str, Any]:
    """The status list credential with bit ``index`` set (or cleared), unsigned: re-issue it.

    The old proof is dropped; ``valid_from`` (the new version's date) replaces
    the old one when given.
    """
    status = list_of(credential).set(index, value)
    updated = {key: value for key, value in credential.items() if key != "proof"}
    updated["credentialSubject"] = {
        **credential["credentialSubject"],
        "encodedList": status.encode(),
    }
    if valid_from is not None:
        updated["validFrom"] = xsd_datetime(valid_from)
    return updated


__all__ = [
    "MIN_ENTRIES",
    "PURPOSES",
    "StatusList",
    "StatusListError",
    "StatusPurpose",
    "list_of",
    "status_entry",
    "status_list_credential",
    "update_status",
]

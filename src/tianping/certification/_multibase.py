"""Multibase and multicodec, as far as Ed25519 keys and Data Integrity proofs need them.

* base58btc (the Bitcoin alphabet), multibase prefix ``z``: keys and ``proofValue``;
* base64url without padding, multibase prefix ``u``: a Bitstring Status List;
* the multicodec prefixes of an Ed25519 public key (``0xed``, varint ``ed 01``)
  and private key (``0x1300``, varint ``80 26``).
"""

from __future__ import annotations

import base64
import binascii
import functools

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {char: value for value, char in enumerate(ALPHABET)}

#: Multicodec prefix (unsigned varint) of an Ed25519 public key.
ED25519_PUB = b"\xed\x01"
#: Multicodec prefix (unsigned varint) of an Ed25519 private key (its 32-byte seed).
ED25519_PRIV = b"\x80\x26"

#: The longest base58 text decoded (a 64-byte signature is 88 characters).
MAX_BASE58 = 256


class MultibaseError(ValueError):
    """Text that is not the multibase value it should be; the message says why."""


def b58encode(data: bytes) -> str:
    """base58btc of ``data`` (leading zero bytes become ``1``)."""
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rest = divmod(number, 58)
        out.append(ALPHABET[rest])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


@functools.lru_cache(maxsize=256)
def b58decode(text: str) -> bytes:
    """The bytes of base58btc ``text``; :class:`MultibaseError` for a foreign character.

    Remembered for the last 256 texts (the issuers' keys recur in every certificate)."""
    if len(text) > MAX_BASE58:
        raise MultibaseError(f"base58 text of {len(text)} characters; at most {MAX_BASE58}")
    number = 0
    for char in text:
        try:
            number = number * 58 + _INDEX[char]
        except KeyError:
            raise MultibaseError(f"{char!r} is not a base58btc character") from None
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def encode_z(data: bytes) -> str:
    """Multibase base58btc: ``z`` + base58btc."""
    return "z" + b58encode(data)


def decode_z(text: str) -> bytes:
    """The bytes of a multibase base58btc value (``z…``)."""
    if not isinstance(text, str) or not text.startswith("z"):
        raise MultibaseError("a multibase base58btc value starts with 'z'")
    return b58decode(text[1:])


def encode_u(data: bytes) -> str:
    """Multibase base64url without padding: ``u`` + base64url."""
    return "u" + base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def decode_u(text: str) -> bytes:
    """The bytes of a multibase base64url value (``u…``, padding optional)."""
    if not isinstance(text, str) or not text.startswith("u"):
        raise MultibaseError("a multibase base64url value starts with 'u'")
    body = text[1:]
    if any(char in body for char in "+/"):
        raise MultibaseError("base64url uses '-' and '_', not '+' and '/'")
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError) as exc:
        raise MultibaseError(f"not base64url: {exc}") from None


def ed25519_public_multibase(public: bytes) -> str:
    """``z6Mk…``: the multibase multicodec form of a 32-byte Ed25519 public key."""
    if len(public) != 32:
        raise MultibaseError("an Ed25519 public key has 32 bytes")
    return encode_z(ED25519_PUB + public)


def ed25519_public_from_multibase(text: str) -> bytes:
    """The 32 raw bytes of a ``z6Mk…`` Ed25519 public key."""
    raw = decode_z(text)
    if not raw.startswith(ED25519_PUB) or len(raw) != 34:
        raise MultibaseError("not an Ed25519 public key (multicodec 0xed01, 32 bytes)")
    return raw[2:]


def ed25519_private_multibase(seed: bytes) -> str:
    """``z3u2…``: the multibase multicodec form of a 32-byte Ed25519 private key (seed)."""
    if len(seed) != 32:
        raise MultibaseError("an Ed25519 private key has 32 bytes")
    return encode_z(ED25519_PRIV + seed)


def ed25519_private_from_multibase(text: str) -> bytes:
    """The 32-byte seed of a ``z3u2…`` Ed25519 private key."""
    raw = decode_z(text)
    if not raw.startswith(ED25519_PRIV) or len(raw) != 34:
        raise MultibaseError("not an Ed25519 private key (multicodec 0x1300, 32 bytes)")
    return raw[2:]

"""C2SP signed notes with Ed25519: text, a blank line, then signature lines.

A note (https://c2sp.org/signed-note) is UTF-8 text ending in a newline,
followed by a blank line and one or more lines ``— <key name> <base64(key ID ||
signature)>``. Keys are written as in Go's ``golang.org/x/mod/sumdb/note``,
so notes and keys interoperate with the transparency-log ecosystem (witnesses,
monitors):

- verifier key: ``<name>+<hex key ID>+<base64(0x01 || public key)>``;
- signing key: ``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>``;
- key ID: the first four bytes of SHA-256(name || 0x0A || 0x01 || public key).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tianping.ledger._errors import KeyFileError, KeyFormatError, NoteError
from tianping.ledger._messages import (
    ERR_KEY_FILE_EXISTS,
    ERR_KEY_FILE_MODE,
    ERR_KEY_FILE_READ,
    ERR_KEY_ID_MISMATCH,
    ERR_KEY_NAME,
    ERR_NOTE_BAD_SIGNATURE,
    ERR_NOTE_FORMAT,
    ERR_NOTE_TEXT,
    ERR_NOTE_UNVERIFIED,
    ERR_SKEY_FORMAT,
    ERR_VKEY_FORMAT,
)

ED25519_TYPE = 0x01
"""The signature type byte of Ed25519 (C2SP signed-note, "Signature types")."""

SIGNATURE_DASH = "\u2014 "
"""A signature line starts with an em dash (U+2014) and a space."""

MAX_SIGNATURES = 64
"""Signatures read from one note at most; the spec asks verifiers to accept 16."""

MAX_NOTE_BYTES = 1 << 20
"""The largest note read."""

_SKEY_PREFIX = "PRIVATE+KEY+"


def check_key_name(name: object) -> str:
    """``name`` if it is a valid key name: non-empty, no Unicode space, no ``+``."""
    if (
        not isinstance(name, str)
        or not name
        or "+" in name
        or any(char.isspace() or ord(char) < 0x20 for char in name)
    ):
        raise KeyFormatError(ERR_KEY_NAME.format(name=name))
    return name


def key_id(name: str, public_key: bytes) -> bytes:
    """SHA-256(key name || 0x0A || 0x01 || public key)[:4] (C2SP signed-note, Ed25519)."""
    return hashlib.sha256(
        name.encode("utf-8") + b"\n" + bytes([ED25519_TYPE]) + public_key
    ).digest()[:4]


def _b64decode(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _split_key(text: str, template: str) -> tuple[str, bytes, bytes]:
    parts = text.split("+", 2)
    if len(parts) != 3:
        raise KeyFormatError(template.format(reason="expected three '+'-separated parts"))
    name, hex_id, encoded = parts
    check_key_name(name)
    if len(hex_id) != 8:
        raise KeyFormatError(template.format(reason="the key id must be 8 hexadecimal digits"))
    try:
        raw_id = bytes.fromhex(hex_id)
        material = _b64decode(encoded)
    except (ValueError, binascii.Error, UnicodeEncodeError):
        raise KeyFormatError(template.format(reason="bad hexadecimal or base64")) from None
    if len(material) != 33 or material[0] != ED25519_TYPE:
        raise KeyFormatError(template.format(reason="not an Ed25519 key (type 0x01, 32 bytes)"))
    return name, raw_id, material[1:]


@dataclass(frozen=True, slots=True)
class VerifierKey:
    """A public key that checks note signatures: a name, its key ID and an Ed25519 key.

    Examples
    --------
    >>> vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    >>> key = VerifierKey.parse(vkey)
    >>> key.name, key.key_id.hex()
    ('PeterNeumann', 'c74f20a3')
    """

    name: str
    key_id: bytes
    public_key: bytes

    def __post_init__(self) -> None:
        check_key_name(self.name)
        if not isinstance(self.public_key, bytes) or len(self.public_key) != 32:
            raise KeyFormatError(ERR_VKEY_FORMAT.format(reason="an Ed25519 key has 32 bytes"))
        expected = key_id(self.name, self.public_key)
        if self.key_id != expected:
            raise KeyFormatError(
                ERR_KEY_ID_MISMATCH.format(key_id=self.key_id.hex(), expected=expected.hex())
            )

    @classmethod
    def parse(cls, text: str) -> Self:
        """Read ``name+keyid+base64(0x01||key)``; a key ID that does not match fails."""
        if not isinstance(text, str):
            raise KeyFormatError(ERR_VKEY_FORMAT.format(reason="not text"))
        name, raw_id, public_key = _split_key(text.strip(), ERR_VKEY_FORMAT)
        return cls(name=name, key_id=raw_id, public_key=public_key)

    @property
    def text(self) -> str:
        """The key as ``name+keyid+base64(0x01||key)``."""
        encoded = base64.b64encode(bytes([ED25519_TYPE]) + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    def __str__(self) -> str:
        return self.text

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is this key's Ed25519 signature of ``message`` (RFC 8032)."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True, slots=True)
class NoteSignature:
    """One signature line: the key's name, its 4-byte ID and the signature bytes."""

    name: str
    key_id: bytes
    signature: bytes

    @property
    def line(self) -> str:
        """``— <name> <base64(key ID || signature)>`` and a newline."""
        encoded = base64.b64encode(self.key_id + self.signature).decode("ascii")
        return f"{SIGNATURE_DASH}{self.name} {encoded}\n"


class NoteSigner:
    """An Ed25519 signing key with its name; its ``repr`` never shows the secret."""

    __slots__ = ("_private", "name", "verifier")

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        self.name = check_key_name(name)
        self._private = private_key
        public = private_key.public_key().public_bytes_raw()
        self.verifier = VerifierKey(name=name, key_id=key_id(name, public), public_key=public)

    @classmethod
    def generate(cls, name: str) -> Self:
        """A new random key for ``name``."""
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def parse(cls, text: str) -> Self:
        """Read ``PRIVATE+KEY+name+keyid+base64(0x01||seed)``; the key ID must match."""
        text = text.strip()
        if not text.startswith(_SKEY_PREFIX):
            raise KeyFormatError(ERR_SKEY_FORMAT.format(reason="it must start with PRIVATE+KEY+"))
        name, raw_id, seed = _split_key(text[len(_SKEY_PREFIX) :], ERR_SKEY_FORMAT)
        signer = cls(name, Ed25519PrivateKey.from_private_bytes(seed))
        if signer.verifier.key_id != raw_id:
            raise KeyFormatError(
                ERR_KEY_ID_MISMATCH.format(
                    key_id=raw_id.hex(), expected=signer.verifier.key_id.hex()
                )
            )
        return signer

    @property
    def secret_text(self) -> str:
        """The signing key as ``PRIVATE+KEY+...``: keep it in a 0600 file, never in a repository."""
        seed = self._private.private_bytes_raw()
        encoded = base64.b64encode(bytes([ED25519_TYPE]) + seed).decode("ascii")
        return f"{_SKEY_PREFIX}{self.name}+{self.verifier.key_id.hex()}+{encoded}"

    def sign(self, text: str) -> NoteSignature:
        """Sign a note's text (Ed25519 over its UTF-8 bytes, RFC 8032)."""
        _check_text(text)
        signature = self._private.sign(text.encode("utf-8"))
        return NoteSignature(name=self.name, key_id=self.verifier.key_id, signature=signature)

    def __repr__(self) -> str:
        return f"NoteSigner({self.verifier.text!r})"


def _check_text(text: str) -> None:
    # C2SP signed-note, "Format": UTF-8, ends in a newline, no control characters but newline.
    if (
        not isinstance(text, str)
        or not text.endswith("\n")
        or any(ord(char) < 0x20 and char != "\n" for char in text)
    ):
        raise NoteError(ERR_NOTE_TEXT)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise NoteError(ERR_NOTE_TEXT) from None


@dataclass(frozen=True, slots=True)
class Note:
    """A note's text and its signatures, as parsed; :func:`open_note` checks them."""

    text: str
    signatures: tuple[NoteSignature, ...]

    def __str__(self) -> str:
        return self.text + "\n" + "".join(signature.line for signature in self.signatures)

    @classmethod
    def parse(cls, note: str | bytes) -> Self:
        """Split a signed note into text and signature lines, checking only their form."""
        if isinstance(note, bytes | bytearray):
            if len(note) > MAX_NOTE_BYTES:
                raise NoteError(ERR_NOTE_FORMAT.format(reason="too large"))
            try:
                note = note.decode("utf-8")
            except UnicodeDecodeError:
                raise NoteError(ERR_NOTE_FORMAT.format(reason="not UTF-8")) from None
        if not isinstance(note, str) or len(note) > MAX_NOTE_BYTES:
            raise NoteError(ERR_NOTE_FORMAT.format(reason="not text, or too large"))
        if any(ord(char) < 0x20 and char != "\n" for char in note):
            raise NoteError(ERR_NOTE_FORMAT.format(reason="it holds control characters"))
        # The text is separated from the signatures by the last empty line.
        split = note.rfind("\n\n")
        if split < 0:
            raise NoteError(ERR_NOTE_FORMAT.format(reason="no blank line before the signatures"))
        text, block = note[: split + 1], note[split + 2 :]
        _check_text(text)
        if not block.endswith("\n"):
            raise NoteError(ERR_NOTE_FORMAT.format(reason="it must end in a newline"))
        lines = block[:-1].split("\n")
        if len(lines) > MAX_SIGNATURES:
            raise NoteError(ERR_NOTE_FORMAT.format(reason="too many signatures"))
        signatures: list[NoteSignature] = []
        for line in lines:
            if not line.startswith(SIGNATURE_DASH):
                raise NoteError(ERR_NOTE_FORMAT.format(reason=f"bad signature line {line!r}"))
            name, space, encoded = line[len(SIGNATURE_DASH) :].partition(" ")
            try:
                check_key_name(name)
                raw = _b64decode(encoded) if space and " " not in encoded else b""
            except (KeyFormatError, binascii.Error, UnicodeEncodeError):
                raw = b""
            if len(raw) < 5:
                raise NoteError(ERR_NOTE_FORMAT.format(reason=f"bad signature line {line!r}"))
            signatures.append(NoteSignature(name=name, key_id=raw[:4], signature=raw[4:]))
        return cls(text=text, signatures=tuple(signatures))


def sign_note(text: str, *signers: NoteSigner) -> str:
    """The signed note: ``text``, a blank line, one signature line per signer.

    Examples
    --------
    >>> signer = NoteSigner.generate("example.com/log")
    >>> note = sign_note("hello\\n", signer)
    >>> open_note(note, [signer.verifier]).text
    'hello\\n'
    """
    if not signers:
        raise NoteError(ERR_NOTE_FORMAT.format(reason="a note needs at least one signature"))
    return str(Note(text=text, signatures=tuple(signer.sign(text) for signer in signers)))


def open_note(note: str | bytes, verifiers: Sequence[VerifierKey]) -> Note:
    """Parse ``note`` and check its signatures against the trusted ``verifiers``.

    Signatures by unknown keys are ignored; a signature by a known key (same
    name and key ID) must verify, or the whole note is rejected; at least one
    known signature must verify (C2SP signed-note, "Signatures").

    Raises
    ------
    NoteError
        If the note is malformed or no trusted signature verifies.
    """
    parsed = Note.parse(note)
    message = parsed.text.encode("utf-8")
    trusted = {(key.name, key.key_id): key for key in verifiers}
    verified = False
    for signature in parsed.signatures:
        key = trusted.get((signature.name, signature.key_id))
        if key is None:
            continue
        if not key.verify(message, signature.signature):
            raise NoteError(ERR_NOTE_BAD_SIGNATURE.format(name=key.name, key_id=key.key_id.hex()))
        verified = True
    if not verified:
        names = ", ".join(f"{key.name} ({key.key_id.hex()})" for key in verifiers) or "nobody"
        raise NoteError(ERR_NOTE_UNVERIFIED.format(keys=names))
    return parsed


def write_key_file(path: Path, signer: NoteSigner) -> None:
    """Write the signing key to a new file only its owner can read (0600).

    Raises
    ------
    KeyFileError
        If the file exists (a key is never overwritten) or cannot be written.
    """
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyFileError(ERR_KEY_FILE_EXISTS.format(path=path)) from None
    except OSError as error:
        raise KeyFileError(ERR_KEY_FILE_READ.format(path=path, reason=error.strerror)) from None
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(signer.secret_text + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def read_key_file(path: Path) -> NoteSigner:
    """Read a signing key written by :func:`write_key_file`.

    Raises
    ------
    KeyFileError
        If the file is missing, unreadable, or readable by group or others.
    KeyFormatError
        If it does not hold a signing key.
    """
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not ASCII text"
        raise KeyFileError(ERR_KEY_FILE_READ.format(path=path, reason=reason)) from None
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(
            ERR_KEY_FILE_MODE.format(path=path, mode=oct(stat.S_IMODE(mode))),
            hint=f"chmod 600 {path}",
        )
    return NoteSigner.parse(text)

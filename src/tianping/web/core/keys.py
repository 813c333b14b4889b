"""Keys by purpose, from the environment or a 0600 file, and files encrypted at rest with them.

Each purpose (``uploads`` …) has its own 256-bit keys:

- ``TIANPING_KEY_<PURPOSE>``: base64 of 32 random bytes, or several separated by
  commas, the newest first; else
- ``TIANPING_HOME/keys/<purpose>.key``: one base64 key per line, newest first,
  generated (0600, in a 0700 folder) on first use and refused when others may
  read it.

The newest key encrypts; every listed key still decrypts, so rotating a key is
"add a new first line, keep the old ones until what they encrypted is gone".

A file encrypted at rest (:func:`encrypt_file`) is ``TPENC1`` + the key's id
(8 bytes of its SHA-256) + a 4-byte random file prefix, then chunks of at most
1 MiB, each AES-256-GCM under a nonce of the prefix and the chunk's number, with
the header and a last-chunk flag as associated data: a changed, reordered,
truncated or extended file fails to decrypt.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
import stat
import struct
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from tianping.web.home import PRIVATE_FILE_MODE, private_dir

KEY_BYTES = 32
MAGIC = b"TPENC1"
CHUNK = 1 << 20
_HEADER = struct.Struct(">6s8s4s")
_TAG = 16

ERR_ENV_VALUE = "{name} must be base64 of 32 random bytes (several: comma-separated, newest first)"
ERR_FILE_MODE = "{path} can be read by other users (mode {mode}); a key file must be 0600"
ERR_FILE_CONTENT = "{path} must hold one base64 key of 32 bytes per line"
ERR_PURPOSE = "a key purpose is lower-case letters, digits and '_': {purpose!r}"
ERR_NOT_ENCRYPTED = "{path} is not a file encrypted at rest by the platform"
ERR_UNKNOWN_KEY = "{path} was encrypted with a key that is no longer configured"
ERR_TAMPERED = "{path} was changed, cut or extended after it was encrypted"


class Readable(Protocol):
    """A stream of bytes: an open file, a file of a storage."""

    def read(self, size: int, /) -> bytes: ...


class KeyServiceError(Exception):
    """A key is missing, malformed or exposed, or an encrypted file does not decrypt."""


def _decode(text: str) -> bytes | None:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == KEY_BYTES else None


def key_id(key: bytes) -> bytes:
    """The public name of a key: the first 8 bytes of its SHA-256."""
    return hashlib.sha256(b"tianping-key-id\x00" + key).digest()[:8]


SETTLED_NS = 2_000_000_000
_FILE_KEYS: dict[str, tuple[tuple[str, int, int, int], tuple[bytes, ...]]] = {}
"""Keys read from each key file, with the file's identity, size and time when read."""


def keys_for(purpose: str, *, create: bool = True) -> list[bytes]:
    """The keys of ``purpose``, newest first (at least one; generated on first use).

    With ``create=False`` a purpose with no key configured has none: ``[]``.
    """
    if not purpose.replace("_", "").isalnum() or purpose.lower() != purpose:
        raise KeyServiceError(ERR_PURPOSE.format(purpose=purpose))
    name = f"TIANPING_KEY_{purpose.upper()}"
    configured = os.environ.get(name, "").strip()
    if configured:
        keys = [_decode(part) for part in configured.split(",")]
        if not keys or any(k is None for k in keys):
            raise KeyServiceError(ERR_ENV_VALUE.format(name=name))
        return [k for k in keys if k is not None]
    path = private_dir(Path(settings.HOME) / "keys") / f"{purpose}.key"
    if not path.exists() and not create:
        return []
    if not path.exists():
        fresh = base64.b64encode(secrets.token_bytes(KEY_BYTES)) + b"\n"
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
        except FileExistsError:
            pass  # another process made it first: read theirs
        else:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(fresh)
                handle.flush()
                os.fsync(handle.fileno())
    status = path.stat()
    mode = stat.S_IMODE(status.st_mode)
    if mode & 0o077:
        raise KeyServiceError(ERR_FILE_MODE.format(path=path, mode=oct(mode)))
    # The file is read again only when it changed (a rotation appends a line).
    version = (str(path), status.st_ino, status.st_size, status.st_mtime_ns)
    cached = _FILE_KEYS.get(version[0])
    if cached is not None and cached[0] == version:
        return list(cached[1])
    lines = [line for line in path.read_text("ascii").splitlines() if line.strip()]
    keys = [_decode(line) for line in lines]
    if not keys or any(k is None for k in keys):
        raise KeyServiceError(ERR_FILE_CONTENT.format(path=path))
    found = [k for k in keys if k is not None]
    # Remembered only once the file has been still for a while: a file rewritten within the
    # timestamp's granularity could otherwise keep its size and time ("racy" entries).
    if time.time_ns() - status.st_mtime_ns > SETTLED_NS:
        _FILE_KEYS[version[0]] = (version, tuple(found))
    return found


def _nonce(prefix: bytes, number: int) -> bytes:
    return prefix + struct.pack(">Q", number)


def _read_full(handle: Readable, size: int) -> bytes:
    """Up to ``size`` bytes: fewer only at the end (a stream may return short reads)."""
    parts: list[bytes] = []
    wanted = size
    while wanted:
        part = handle.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def encrypt_stream(plain: BinaryIO, *, purpose: str) -> Iterator[bytes]:
    """The encrypted form of ``plain`` (as :func:`encrypt_file` writes it), piece by piece."""
    key = keys_for(purpose)[0]
    aead = AESGCM(key)
    header = _HEADER.pack(MAGIC, key_id(key), secrets.token_bytes(4))
    prefix = header[-4:]
    yield header
    number = 0
    chunk = _read_full(plain, CHUNK)
    while True:
        following = _read_full(plain, CHUNK)
        last = not following
        aad = header + (b"\x01" if last else b"\x00")
        yield aead.encrypt(_nonce(prefix, number), chunk, aad)
        if last:
            return
        chunk, number = following, number + 1


def encrypt_file(source: Path, target: Path, *, purpose: str) -> None:
    """Encrypt ``source`` into ``target`` (created 0600) with the newest key of ``purpose``."""
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    with open(source, "rb") as plain, os.fdopen(descriptor, "wb") as out:
        for piece in encrypt_stream(plain, purpose=purpose):
            out.write(piece)
        out.flush()
        os.fsync(out.fileno())


def decrypt_chunks(path: Path, *, purpose: str) -> Iterator[bytes]:
    """The plain bytes of a file :func:`encrypt_file` wrote, chunk by chunk, each verified."""
    with open(path, "rb") as handle:
        yield from decrypt_stream(handle, purpose=purpose, name=path.name)


def decrypt_stream(handle: Readable, *, purpose: str, name: str) -> Iterator[bytes]:
    """The plain bytes of an encrypted stream, chunk by chunk, each verified.

    ``name`` names the file in errors (a file name, never a path on the server).
    """
    header = _read_full(handle, _HEADER.size)
    if len(header) != _HEADER.size or not header.startswith(MAGIC):
        raise KeyServiceError(ERR_NOT_ENCRYPTED.format(path=name))
    _magic, kid, prefix = _HEADER.unpack(header)
    key = next((k for k in keys_for(purpose) if key_id(k) == kid), None)
    if key is None:
        raise KeyServiceError(ERR_UNKNOWN_KEY.format(path=name))
    aead = AESGCM(key)
    number = 0
    sealed = _read_full(handle, CHUNK + _TAG)
    while True:
        following = _read_full(handle, CHUNK + _TAG)
        last = not following
        try:
            yield aead.decrypt(
                _nonce(prefix, number), sealed, header + (b"\x01" if last else b"\x00")
            )
        except InvalidTag:
            raise KeyServiceError(ERR_TAMPERED.format(path=name)) from None
        if last:
            return
        sealed, number = following, number + 1


def decrypt_file(source: Path, target: Path, *, purpose: str) -> None:
    """Decrypt ``source`` into ``target`` (created 0600); nothing is left of a failed one."""
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    try:
        with os.fdopen(descriptor, "wb") as out:
            for chunk in decrypt_chunks(source, purpose=purpose):
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise

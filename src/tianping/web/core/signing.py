"""Signing keys by purpose: one Ed25519 key per purpose and name, rotation keeps old ones.

A purpose (:data:`PURPOSES`: ledger checkpoints, certificates, federation
messages, scorecards) has its own secrets, newest first, read like the
encryption keys of :mod:`tianping.web.core.keys`:

- ``TIANPING_KEY_<PURPOSE>``: base64 of 32 random bytes, several comma-separated,
  newest first; else
- ``TIANPING_HOME/keys/<purpose>.key``: one base64 key per line, newest first
  (0600, generated on first use).

A signing key is derived from a secret with HKDF-SHA256 (RFC 5869), the purpose
in the salt and the signer's name (a log's origin, an issuer's id) as ``info``,
because the C2SP signed-note format names a key after what it signs.

**Rotation**: add a new first secret. The newest signs from then on; every older
one still yields its verifier key (:func:`verifiers`), so what it signed keeps
verifying. Publish the new verifier key next to the old ones before you rotate.

**The ledger's original secret**: ``TIANPING_LEDGER_SECRET`` or the file
``TIANPING_HOME/ledger_secret`` (generated on first use) is the oldest secret of
the ``ledger`` purpose, derived exactly as before purposes existed, so logs
signed then keep their verifier keys. The ``ledger`` purpose's own key list is
never generated: it exists only once an operator rotates.
"""

from __future__ import annotations

import base64
import binascii
import functools
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from tianping.ledger import KeyFileError, Note, NoteSigner, VerifierKey
from tianping.web.core.keys import keys_for

LEDGER = "ledger"
CERTIFICATES = "certificates"
FEDERATION = "federation"
SCORECARDS = "scorecards"
PURPOSES = frozenset({LEDGER, CERTIFICATES, FEDERATION, SCORECARDS})

LEDGER_SECRET_ENV = "TIANPING_LEDGER_SECRET"  # noqa: S105 - the variable's name
LEDGER_SECRET_FILE = "ledger_secret"  # noqa: S105 - the file's name
MIN_SECRET_BYTES = 32
_LEDGER_ORIGINAL_SALT = b"tianping-ledger-checkpoint-key/1"
_SALT = "tianping-signing-key/1/{purpose}"

ERR_PURPOSE = "unknown signing purpose {purpose!r}; one of: {choices}"
ERR_ENV_VALUE = (
    "TIANPING_LEDGER_SECRET must be the base64 of at least 32 random bytes "
    "(e.g. python -c 'import secrets, base64; print(base64.b64encode(secrets.token_bytes(32)))')"
)
ERR_FILE_MODE = "{path} can be read by other users (mode {mode}); the ledger secret must be 0600"
ERR_FILE_CONTENT = "{path} does not hold the base64 of at least 32 bytes"


@dataclass(frozen=True, slots=True)
class _Secret:
    raw: bytes
    salt: bytes


def _decode(text: str) -> bytes | None:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) >= MIN_SECRET_BYTES else None


@functools.cache
def ledger_secret() -> bytes:
    """The ledger's original secret; generated into ``TIANPING_HOME`` on first use."""
    if text := os.environ.get(LEDGER_SECRET_ENV):
        raw = _decode(text)
        if raw is None:
            raise KeyFileError(ERR_ENV_VALUE)
        return raw
    path = Path(settings.HOME) / LEDGER_SECRET_FILE
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(base64.b64encode(secrets.token_bytes(MIN_SECRET_BYTES)).decode() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    mode = path.stat().st_mode
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(
            ERR_FILE_MODE.format(path=path, mode=oct(stat.S_IMODE(mode))),
            hint=f"chmod 600 {path}",
        )
    raw = _decode(path.read_text(encoding="ascii"))
    if raw is None:
        raise KeyFileError(ERR_FILE_CONTENT.format(path=path))
    return raw


def _secrets(purpose: str) -> list[_Secret]:
    if purpose not in PURPOSES:
        raise ValueError(ERR_PURPOSE.format(purpose=purpose, choices=", ".join(sorted(PURPOSES))))
    salt = _SALT.format(purpose=purpose).encode("ascii")
    if purpose != LEDGER:
        return [_Secret(key, salt) for key in keys_for(purpose)]
    rotated = [_Secret(key, salt) for key in keys_for(purpose, create=False)]
    return [*rotated, _Secret(ledger_secret(), _LEDGER_ORIGINAL_SALT)]


def _signer(secret: _Secret, name: str) -> NoteSigner:
    seed = HKDF(algorithm=SHA256(), length=32, salt=secret.salt, info=name.encode("utf-8")).derive(
        secret.raw
    )
    return NoteSigner(name, Ed25519PrivateKey.from_private_bytes(seed))


def ed25519_seeds(purpose: str, name: str) -> tuple[bytes, ...]:
    """The raw 32-byte Ed25519 private keys of ``purpose`` for ``name``, newest first.

    The same keys as :func:`signers`, for signers that are not signed notes (a
    certification body's ``eddsa-jcs-2022`` proofs).
    """
    return tuple(
        HKDF(algorithm=SHA256(), length=32, salt=secret.salt, info=name.encode("utf-8")).derive(
            secret.raw
        )
        for secret in _secrets(purpose)
    )


def signers(purpose: str, name: str) -> tuple[NoteSigner, ...]:
    """Every signing key of ``purpose`` for ``name``, newest first."""
    return tuple(_signer(secret, name) for secret in _secrets(purpose))


def signer(purpose: str, name: str) -> NoteSigner:
    """The key that signs for ``name`` now: the newest of ``purpose``."""
    return signers(purpose, name)[0]


def verifiers(purpose: str, name: str) -> tuple[VerifierKey, ...]:
    """The verifier keys of every signing key of ``purpose`` for ``name``, newest first."""
    return tuple(key.verifier for key in signers(purpose, name))


def signed_by(keys: tuple[VerifierKey, ...], note: str) -> VerifierKey:
    """Which of ``keys`` (newest first) signed ``note`` (the newest when none did).

    Takes the keys already derived, so a caller matching many notes derives them once.
    """
    ids = {(signature.name, signature.key_id) for signature in Note.parse(note).signatures}
    return next((key for key in keys if (key.name, key.key_id) in ids), keys[0])


def verifier_of(purpose: str, name: str, note: str) -> VerifierKey:
    """The verifier key whose signature ``note`` carries (the newest when none does)."""
    return signed_by(verifiers(purpose, name), note)


__all__ = [
    "CERTIFICATES",
    "FEDERATION",
    "LEDGER",
    "PURPOSES",
    "SCORECARDS",
    "ed25519_seeds",
    "ledger_secret",
    "signed_by",
    "signer",
    "signers",
    "verifier_of",
    "verifiers",
]

"""The keys that sign the platform's checkpoints, from the environment or a 0600 file.

One secret signs every log of the platform: each log's Ed25519 key is derived
from it with HKDF-SHA256 (RFC 5869), the log's origin as ``info``, because the
C2SP signed-note format names a checkpoint's key after its log. The secret is

- ``TIANPING_LEDGER_SECRET`` (base64 of at least 32 random bytes), or else
- the file ``TIANPING_HOME/ledger_secret``, generated on first use with mode
  0600 and refused if others may read it.

Never in the repository. Losing it means the logs can no longer sign new
checkpoints (key rotation is not implemented); leaking it lets someone sign
checkpoints in the platform's name, so keep it like the database's password.
"""

from __future__ import annotations

import base64
import binascii
import functools
import os
import secrets
import stat
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from tianping.ledger import KeyFileError, NoteSigner

SECRET_ENV = "TIANPING_LEDGER_SECRET"  # noqa: S105 - the variable's name
SECRET_FILE = "ledger_secret"  # noqa: S105 - the file's name
MIN_SECRET_BYTES = 32
_HKDF_SALT = b"tianping-ledger-checkpoint-key/1"

ERR_ENV_VALUE = (
    "TIANPING_LEDGER_SECRET must be the base64 of at least 32 random bytes "
    "(e.g. python -c 'import secrets, base64; print(base64.b64encode(secrets.token_bytes(32)))')"
)
ERR_FILE_MODE = "{path} can be read by other users (mode {mode}); the ledger secret must be 0600"
ERR_FILE_CONTENT = "{path} does not hold the base64 of at least 32 bytes"


def _decode(text: str) -> bytes | None:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) >= MIN_SECRET_BYTES else None


def _secret_path() -> Path:
    return Path(settings.HOME) / SECRET_FILE


@functools.cache
def ledger_secret() -> bytes:
    """The platform's ledger secret; generated into ``TIANPING_HOME`` on first use."""
    if text := os.environ.get(SECRET_ENV):
        raw = _decode(text)
        if raw is None:
            raise KeyFileError(ERR_ENV_VALUE)
        return raw
    path = _secret_path()
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


def ledger_signer(origin: str) -> NoteSigner:
    """The checkpoint signing key of the log ``origin``: HKDF(secret, info=origin)."""
    seed = HKDF(algorithm=SHA256(), length=32, salt=_HKDF_SALT, info=origin.encode("utf-8")).derive(
        ledger_secret()
    )
    return NoteSigner(origin, Ed25519PrivateKey.from_private_bytes(seed))

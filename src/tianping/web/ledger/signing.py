"""The keys that sign the platform's checkpoints: the ``ledger`` purpose of the core's keys.

Each log's Ed25519 key is named after its origin (the C2SP signed-note format
names a checkpoint's key after its log) and derived from the ``ledger``
purpose's newest secret; older secrets keep verifying what they signed. Where
the secrets come from and how to rotate them: :mod:`tianping.web.core.signing`.
"""

from __future__ import annotations

from tianping.ledger import NoteSigner, VerifierKey
from tianping.web.core.signing import LEDGER, signer, verifier_of, verifiers


def ledger_signer(origin: str) -> NoteSigner:
    """The key that signs the checkpoints of the log ``origin`` now."""
    return signer(LEDGER, origin)


def ledger_verifiers(origin: str) -> tuple[VerifierKey, ...]:
    """The verifier keys of the log ``origin``, newest first (earlier ones after a rotation)."""
    return verifiers(LEDGER, origin)


def checkpoint_verifier(origin: str, note: str) -> VerifierKey:
    """The verifier key that signed the checkpoint ``note`` of the log ``origin``."""
    return verifier_of(LEDGER, origin, note)

"""The errors the ledger raises; all derive from :class:`LedgerError`.

Only the command line's ``main()`` turns them into an exit code (2). Errors
that point at a place in a log (an entry, a line of an export) carry it as
``index`` or ``line`` so callers and tests need not parse the message.
"""

from __future__ import annotations

from tianping.errors import TianpingError


class LedgerError(TianpingError):
    """Any error of the tamper-evident ledger."""


class CanonicalJSONError(LedgerError, ValueError):
    """A value is outside the I-JSON data model that RFC 8785 canonicalises."""


class LeafError(LedgerError, ValueError):
    """An entry cannot become a leaf: not a JSON object, not canonical, bad salt."""


class PersonalDataError(LeafError):
    """An entry holds raw personal data in a field not declared personal.

    ``found`` lists where (JSON Pointers) and what (entity names) -- never the
    values -- as :class:`tianping.privacy.PersonalValue` objects.
    """

    def __init__(self, message: str, *, found: tuple[object, ...], hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.found = found


class ProofError(LedgerError):
    """A Merkle proof is malformed or does not verify (RFC 9162 §2.1.3-2.1.4)."""


class KeyFormatError(LedgerError, ValueError):
    """A signing or verifier key is not in the C2SP signed-note key format."""


class KeyFileError(LedgerError):
    """A key file cannot be written or read safely."""


class NoteError(LedgerError):
    """A signed note is malformed, or no trusted signature on it verifies."""


class CheckpointError(LedgerError):
    """A checkpoint is malformed, for another log, or cannot be found."""


class InconsistentCheckpointError(CheckpointError):
    """Signing would contradict a checkpoint the log signed before; the log refuses."""


class EmptyLedgerError(LedgerError):
    """The ledger is empty, where an empty ledger proves nothing (fail closed)."""


class ReceiptError(LedgerError):
    """A receipt is malformed or does not verify."""


class StoreError(LedgerError):
    """A store cannot be created, opened or written."""


class ConcurrentAppendError(StoreError):
    """Another writer appended between reading the tree's edge and committing."""


class CorruptStoreError(StoreError):
    """Committed data of a store is missing or unreadable; ``index`` is the entry, if known."""

    def __init__(self, message: str, *, index: int | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.index = index


class TamperError(LedgerError):
    """Re-deriving the tree found a change: ``index`` is the first entry it affects.

    ``line`` is the line of an export file, where the evidence came from one.
    """

    def __init__(
        self,
        message: str,
        *,
        index: int | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.index = index
        self.line = line


class ExportError(LedgerError):
    """An export cannot be written or is not an export at all."""

"""The errors the SDK raises; all derive from :class:`SdkError`."""

from __future__ import annotations

from tianping.errors import TianpingError


class SdkError(TianpingError):
    """Any error of the Tianping SDK."""


class RecordError(SdkError, ValueError):
    """A record cannot be sent: not a JSON object, not writable as canonical JSON, too large."""


class SpoolError(SdkError):
    """The spool folder cannot be used: locked by another client, for another system, unwritable."""


class SpoolCorruptError(SpoolError):
    """Acknowledged or complete data of the spool is damaged; ``path`` names the file."""

    def __init__(self, message: str, *, path: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.path = path


class BatchRejectedError(SdkError):
    """The platform refused a batch for good (HTTP ``status``); it stays in the spool."""

    def __init__(self, message: str, *, status: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status

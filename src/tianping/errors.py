"""The root of Tianping's exception tree.

Every error the library raises on purpose derives from :class:`TianpingError`.
Only the CLI's ``main()`` and the web layer's exception handlers turn these
into exit codes or HTTP responses.
"""

from __future__ import annotations


class TianpingError(Exception):
    """An error with a message for the user and, optionally, how to fix it."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def diagnostics(self) -> str:
        """The message followed by the hint, ready to print."""
        return self.message if not self.hint else f"{self.message}\n{self.hint}"

"""The error the reports package raises."""

from __future__ import annotations

from tianping.errors import TianpingError


class ReportError(TianpingError):
    """A report could not be rendered: bad input, a template fault or a missing font."""


__all__ = ["ReportError"]

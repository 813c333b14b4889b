"""The errors :mod:`tianping.privacy` raises; all derive from :class:`TianpingError`.

Their messages are bilingual templates from :mod:`tianping.privacy._messages`.
``str(error)`` is in the error's ``language`` (English unless asked otherwise);
:meth:`PrivacyError.in_language` gives the same error in another language.
A scan does not raise for one bad file: it records why the file was skipped.
"""

from __future__ import annotations

from tianping.errors import LocalizedError


class PrivacyError(LocalizedError):
    """The base of every error :mod:`tianping.privacy` raises."""


class DetectorError(PrivacyError):
    """Detector definitions are invalid, or an unknown entity or engine was asked for."""


class PrivacyDataError(PrivacyError):
    """The data cannot be used: missing, unreadable, not a table, missing columns, empty."""


class PolicyError(PrivacyError):
    """A de-identification policy is invalid, or its key is missing."""


__all__ = ["DetectorError", "PolicyError", "PrivacyDataError", "PrivacyError"]

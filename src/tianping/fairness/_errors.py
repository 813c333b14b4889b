"""The errors :mod:`tianping.fairness` raises; all derive from :class:`TianpingError`.

Their messages are bilingual templates from :mod:`tianping.fairness._messages`.
``str(error)`` is in the error's ``language`` (English unless asked otherwise);
:meth:`FairnessError.in_language` gives the same error in another language.
"""

from __future__ import annotations

from tianping.errors import LocalizedError


class FairnessError(LocalizedError):
    """The base of every error :mod:`tianping.fairness` raises."""


class FairnessDataError(FairnessError):
    """The data cannot be audited: unreadable, missing columns, empty, not binary, one group."""


class PolicyError(FairnessError):
    """A fairness policy is unknown or invalid."""


class PopulationError(FairnessError):
    """A reference population (the shares to compare a dataset with) is invalid."""


__all__ = ["FairnessDataError", "FairnessError", "PolicyError", "PopulationError"]

"""Input checks every app's services, selectors and views share.

- :func:`reject_nul`: NUL characters cannot be stored in PostgreSQL text or
  JSON, so they are refused everywhere, in nested data too.
- :func:`check_pk`: a primary key outside the database's range answers 404
  (never a 500 from an overflowing query).
- :func:`check_choice`: one of a field's listed codes, or ``ValidationError``.
- :func:`apply_errors`: a service's ``ValidationError`` shown on a form.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_PK = 2**63 - 1
ERR_CHOICE = gettext_lazy("Choose one of the listed values.")


def reject_nul(value: Any, field: str) -> None:
    """Refuse NUL characters in ``value`` (text, or mappings and lists of it) for ``field``."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValidationError({field: [_("Text may not contain NUL characters.")]})
    elif isinstance(value, Mapping):
        for key, item in value.items():
            reject_nul(key, field)
            reject_nul(item, field)
    elif isinstance(value, list | tuple):
        for item in value:
            reject_nul(item, field)


def check_pk(pk: object) -> int:
    """A primary key within the database's range, or 404."""
    if not isinstance(pk, int) or isinstance(pk, bool) or not 0 < pk <= MAX_PK:
        raise Http404
    return pk


def check_choice(value: object, allowed: Iterable[str], field: str) -> str:
    """``value`` when it is one of the ``allowed`` codes; else ``ValidationError`` on ``field``."""
    if not isinstance(value, str) or value not in set(allowed):
        raise ValidationError({field: [str(ERR_CHOICE)]})
    return value


def apply_errors(form: Any, exc: ValidationError) -> None:
    """Attach a service's ValidationError to the form's fields (unknown fields: non-field)."""
    fields = getattr(form, "fields", {})
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in fields else None, errors)
    else:
        form.add_error(None, exc.messages)


__all__ = ["MAX_PK", "apply_errors", "check_pk", "reject_nul"]

"""Helpers every app's views share when a service refuses a form's input."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def apply_errors(form: Any, exc: ValidationError) -> None:
    """Attach a service's ValidationError to the form's fields (unknown fields: non-field)."""
    fields = getattr(form, "fields", {})
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in fields else None, errors)
    else:
        form.add_error(None, exc.messages)

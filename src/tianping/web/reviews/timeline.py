"""The application's timeline: every state change of an application goes through
:func:`locked` (row lock, optional version check), :func:`record` (timeline event
and platform ledger entry, same transaction) and :func:`bump` (version + 1)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tianping.web.operations.services import ledger_record_action
from tianping.web.reviews.models import (
    Application,
    ReviewEvent,
)


def locked(application_id: int, *, expected_version: int | None = None) -> Application:
    """The application, row-locked for the current transaction.

    ``expected_version`` guards against acting on a stale page: if someone
    changed the application since, the action is refused and nothing changes.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("locked() must run inside transaction.atomic()")
    app = (
        Application.objects.select_for_update(of=("self",))
        .select_related("system", "organisation", "body__organisation")
        .get(pk=application_id)
    )
    if expected_version is not None and app.version != expected_version:
        raise ValidationError(
            _("Someone changed this application meanwhile; reload the page and try again.")
        )
    return app


def bump(application: Application, fields: Iterable[str] = ()) -> None:
    """Save ``fields`` and increment the version."""
    application.version += 1
    application.save(update_fields=[*fields, "version", "updated_at"])


def record(
    application: Application,
    *,
    actor: User | None,
    kind: str,
    payload: Mapping[str, Any] | None = None,
) -> ReviewEvent:
    """Append ``kind`` to the application's timeline and to the platform ledger.

    The ledger payload names the application by reference and carries only
    ids, codes and counts, never personal data; the timeline keeps the same
    payload with the ledger index, so an export can point to each entry.
    """
    body: dict[str, Any] = {"application": application.reference, **(payload or {})}
    index = ledger_record_action(
        actor=actor,
        kind=f"review.{kind}",
        subject=application,
        payload=body,
        system=application.system,
    )
    actor_obj = actor if actor is not None and actor.is_authenticated else None
    return ReviewEvent.objects.create(
        application=application,
        kind=kind,
        actor=actor_obj,
        payload=body,
        ledger_index=index,
    )


def now() -> Any:
    return timezone.now()

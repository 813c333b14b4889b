"""Actions on transparency documents: save a version (a draft), publish it (signed, its hash
in the platform ledger), and the six-monthly report's reminders."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from tianping.ledger import sign_note
from tianping.transparency import (
    DOCUMENT_KINDS,
    TransparencyDocument,
    TransparencyError,
    build_document,
    read_input,
)
from tianping.web.accounts.models import Membership
from tianping.web.core import signing
from tianping.web.core.notifications import notify
from tianping.web.ledger.services import ledger_record_action
from tianping.web.systems.models import AISystem
from tianping.web.transparency import inputs, selectors
from tianping.web.transparency.models import DocumentState, DocumentVersion, ReportReminder

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

SIGNER_NAME = "tianping-transparency"
MAX_OWNER_FIELDS = 64 * 1024

REMINDER_SOON = gettext_noop("The six-monthly transparency report of {system} is due on {due}.")
REMINDER_OVERDUE = gettext_noop(
    "The six-monthly transparency report of {system} was due on {due} and is not published."
)


def _require_owner(actor: User | AnonymousUser, system: AISystem) -> None:
    if not selectors.is_owner(actor, system):
        raise PermissionDenied(
            _("Only the system's applicants and administrators may change its documents.")
        )


def check_owner_fields(fields: object) -> dict[str, Any]:
    """The owner's fields, checked: only the keys the platform cannot know, of the right
    shape (the library checks every value when the document is built)."""
    if not isinstance(fields, Mapping):
        raise ValidationError({"owner_fields": [_("Write the fields as a YAML mapping.")]})
    unknown = sorted(str(k) for k in fields if k not in inputs.OWNER_KEYS)
    if unknown:
        raise ValidationError(
            {
                "owner_fields": [
                    _("These keys are not the owner's to write: {keys}. Use: {known}.").format(
                        keys=", ".join(unknown), known=", ".join(inputs.OWNER_KEYS)
                    )
                ]
            }
        )
    shapes = {
        "system": dict,
        "owner": dict,
        "playbook": dict,
        "data_sources": list,
        "metrics": list,
        "model_changes": list,
        "complaints": list,
    }
    for key, value in fields.items():
        if not isinstance(value, shapes[key]):
            message = (
                _("{key} must be a mapping.") if shapes[key] is dict else _("{key} must be a list.")
            )
            raise ValidationError({"owner_fields": [message.format(key=key)]})
    allowed = inputs.OWNER_KEYS["system"] or frozenset()
    extra = sorted(str(k) for k in fields.get("system", {}) if k not in allowed)
    if extra:
        raise ValidationError(
            {
                "owner_fields": [
                    _("The registry holds these system fields: {keys}.").format(
                        keys=", ".join(extra)
                    )
                ]
            }
        )
    return dict(fields)


def build(
    system: AISystem, kind: str, owner_fields: Mapping[str, Any], *, version: str
) -> tuple[dict[str, Any], TransparencyDocument]:
    """The input (platform evidence and owner's fields) and the document built from it."""
    data = inputs.merged_input(system, owner_fields, version=version)
    try:
        document = build_document(kind, read_input(data))
    except TransparencyError as exc:
        raise ValidationError({"owner_fields": [exc.localized(get_language())]}) from exc
    return data, document


def rebuild(row: DocumentVersion) -> TransparencyDocument:
    """A stored version's document, built again from its stored input (same hash)."""
    return build_document(row.kind, read_input(row.document["input"]))


@transaction.atomic
def document_save(
    *, actor: User, system: AISystem, kind: str, owner_fields: object
) -> DocumentVersion:
    """Save the owner's fields as the next version of ``kind``: a draft, built from the
    platform's evidence as it is now."""
    _require_owner(actor, system)
    if kind not in DOCUMENT_KINDS:
        raise ValidationError(_("Unknown document."))
    fields = check_owner_fields(owner_fields)
    AISystem.objects.select_for_update().filter(pk=system.pk).first()
    number = (
        DocumentVersion.objects.filter(system=system, kind=kind).aggregate(v=Max("version"))["v"]
        or 0
    ) + 1
    data, document = build(system, kind, fields, version=str(number))
    return DocumentVersion.objects.create(
        system=system,
        kind=kind,
        version=number,
        owner_fields=fields,
        document={"input": data, "json": document.to_json()},
        sha256=document.to_json()["sha256"],
        complete=document.completeness.complete,
        created_by=actor,
    )


@transaction.atomic
def document_publish(*, actor: User, row: DocumentVersion) -> DocumentVersion:
    """Publish a draft: sign its hash, append it to the platform ledger; it becomes the
    public version."""
    _require_owner(actor, row.system)
    row = DocumentVersion.objects.select_for_update().get(pk=row.pk)
    if row.state != DocumentState.DRAFT:
        raise ValidationError(_("This version is already published."))
    if rebuild(row).to_json()["sha256"] != row.sha256:
        raise ValidationError(_("This version no longer matches its hash; save it again."))
    row.signature = sign_note(
        f"tianping.transparency/1\nsystem-{row.system_id} {row.kind} v{row.version}\n"
        f"sha256 {row.sha256}\n",
        signing.signer(signing.SCORECARDS, SIGNER_NAME),
    )
    row.state = DocumentState.PUBLISHED
    row.published_by = actor
    row.published_at = timezone.now()
    row.ledger_index = ledger_record_action(
        actor=actor,
        kind="transparency.document_published",
        subject=row,
        system=row.system,
        payload={"kind": row.kind, "version": row.version, "sha256": row.sha256},
    )
    row.save(update_fields=["signature", "state", "published_by", "published_at", "ledger_index"])
    return row


def _owners(system: AISystem) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            organisation=system.organisation, role__in=selectors.OWNER_ROLES
        ).select_related("user")
    ]


def report_reminders_send(*, today: date | None = None) -> int:
    """Remind the owners of every system whose transparency report is due within 30 days or
    overdue (once per due date and stage); how many reminders were sent."""
    today = today or timezone.localdate()
    sent = 0
    for system in AISystem.objects.select_related("organisation").order_by("pk").iterator():
        schedule = selectors.report_schedule(system, today)
        if not (schedule["soon"] or schedule["overdue"]):
            continue
        stage = ReportReminder.Stage.OVERDUE if schedule["overdue"] else ReportReminder.Stage.SOON
        try:
            with transaction.atomic():
                ReportReminder.objects.create(system=system, due=schedule["due"], stage=stage)
                notify(
                    users=_owners(system),
                    message=REMINDER_OVERDUE if schedule["overdue"] else REMINDER_SOON,
                    params={"system": system.name, "due": schedule["due"].isoformat()},
                    url=reverse("transparency:system", args=[system.pk]),
                    target=system,
                )
        except IntegrityError:
            continue  # already reminded at this stage
        sent += 1
    return sent

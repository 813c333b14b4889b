"""Files attached to a risk report.

Limits are settings (``TIANPING_REPORT_ATTACHMENTS``: ``max_count``, 5 by default;
``max_bytes``, 10 MiB). The type is decided from the file's first
bytes (a ``.pdf`` that is not a PDF is refused), and the name's extension must agree:
PDF, PNG, JPEG, plain UTF-8 text and CSV. Text is scanned by the privacy engine and
refused, naming what was found, when it carries personal data: the reporter
de-identifies it first. A PDF or an image cannot be scanned reliably here, so the
reporter confirms it carries no personal data (recorded), and it is shown only to the
reporting organisation and the regulators on the report's route. Files are stored
encrypted in the storage of uploads, never through a path on the host; the ledger
names each by its SHA-256 only.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tianping.web import uploads
from tianping.web.core import storage
from tianping.web.core.keys import decrypt_stream, encrypt_stream
from tianping.web.ledger.services import ledger_record_action
from tianping.web.network.deidentify import findings
from tianping.web.network.models import ReportAttachment, RiskReport
from tianping.web.network.selectors import is_on_route, is_reporter
from tianping.web.reviews.files import read_upload

PURPOSE = "uploads"

DEFAULT_COUNT = 5
"""At most five files per report (each at most 10 MiB: ``uploads.report_attachment_limit``)."""

# content type → the extensions a file of that type may carry
TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "text/plain": (".txt", ".csv"),
}
SCANNABLE = {"text/plain"}
ACCEPT = ",".join(ext for exts in TYPES.values() for ext in exts)

ENTITY_LABELS = {
    "cn_resident_id": gettext_lazy("a resident ID number"),
    "cn_mobile": gettext_lazy("a mobile phone number"),
    "cn_landline": gettext_lazy("a landline phone number"),
    "bank_card": gettext_lazy("a bank card number"),
    "cn_passport": gettext_lazy("a passport number"),
    "email": gettext_lazy("an e-mail address"),
    "person_name": gettext_lazy("a person's name"),
    "cn_address": gettext_lazy("an address"),
}
"""How a refusal names what was found (other kinds: "personal data")."""


def limits() -> dict[str, int]:
    """The limits in force (``TIANPING_REPORT_ATTACHMENTS``: ``max_count``, ``max_bytes``)."""
    given = getattr(settings, "TIANPING_REPORT_ATTACHMENTS", None) or {}
    return {
        "max_count": int(given.get("max_count", DEFAULT_COUNT)),
        "max_bytes": uploads.report_attachment_limit(),
    }


def max_bytes() -> int:
    """The largest attachment (the upload limit of the attachment endpoints)."""
    return uploads.report_attachment_limit()


def _personal_data(text: str) -> list[str]:
    """The kinds of personal data found in ``text``, named for a person, each once."""
    named: list[str] = []
    for entity in findings(text):
        label = str(ENTITY_LABELS.get(entity, gettext_lazy("personal data")))
        if label not in named:
            named.append(label)
    return named


@transaction.atomic
def attachment_add(
    *,
    actor: User,
    report: RiskReport,
    upload: UploadedFile[bytes],
    no_personal_data: bool = False,
) -> ReportAttachment:
    """Attach ``upload`` to ``report`` for its reporting organisation."""
    if not is_reporter(actor, report):
        raise PermissionDenied(_("Only the reporting organisation attaches files to a report."))
    report = RiskReport.objects.select_for_update().get(pk=report.pk)
    if report.attachments.count() >= limits()["max_count"]:
        raise ValidationError(
            {"file": [_("A report takes at most {n} attachments.").format(n=limits()["max_count"])]}
        )
    checked = read_upload(
        upload,
        limit=max_bytes(),
        types=TYPES,
        wrong_type=_(
            "This type of file is not accepted. Attach a PDF, PNG, JPEG, plain UTF-8 text or "
            "CSV file, with the matching file name extension."
        ),
    )
    name, content_type, data = checked.name, checked.content_type, checked.data
    scanned = content_type in SCANNABLE
    if scanned:
        found = _personal_data(data.decode("utf-8"))
        if found:
            raise ValidationError(
                {
                    "file": [
                        _(
                            "The file carries personal data ({found}): de-identify it "
                            "before attaching it."
                        ).format(found=", ".join(found))
                    ]
                }
            )
    elif not no_personal_data:
        raise ValidationError(
            {
                "no_personal_data": [
                    _(
                        "A PDF or an image cannot be scanned for personal data: confirm "
                        "that it carries none."
                    )
                ]
            }
        )
    digest = checked.sha256
    location = storage.save_chunks(
        storage.uploads_storage(),
        f"network/reports/{report.pk}/{uuid.uuid4().hex}.enc",
        encrypt_stream(io.BytesIO(data), purpose=PURPOSE),
    )
    try:
        attachment = ReportAttachment.objects.create(
            report=report,
            name=name,
            content_type=content_type,
            size=len(data),
            sha256=digest,
            location=location,
            scanned=scanned,
            no_personal_data_confirmed=not scanned,
            uploaded_by=actor,
        )
        attachment.ledger_index = ledger_record_action(
            actor=actor,
            kind="network.report_attachment",
            subject=report,
            payload={"report": report.pk, "sha256": digest, "scanned": scanned},
            system=report.system,
        )
        attachment.save(update_fields=["ledger_index"])
    except BaseException:
        storage.uploads_storage().delete(location)  # no row, no file
        raise
    return attachment


def attachments_visible(
    user: User | AnonymousUser, report: RiskReport
) -> QuerySet[ReportAttachment]:
    """The attachments of ``report`` (one ``user`` may read) that ``user`` may see: files
    that could not be scanned only at the reporting organisation and on the route."""
    rows = report.attachments.all()
    if getattr(user, "is_superuser", False) or is_reporter(user, report):
        return rows
    if is_on_route(user, report):
        return rows
    return rows.filter(scanned=True)


def attachment_chunks(attachment: ReportAttachment) -> Iterator[bytes]:
    """The plain bytes of ``attachment``, from the storage of uploads."""
    with storage.uploads_storage().open(attachment.location, "rb") as handle:
        yield from decrypt_stream(handle, purpose=PURPOSE, name=attachment.name)


def attachment_out(attachment: ReportAttachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "scanned": attachment.scanned,
        "no_personal_data_confirmed": attachment.no_personal_data_confirmed,
        "uploaded_at": attachment.uploaded_at,
    }

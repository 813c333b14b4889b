"""AI Incident Database snapshots uploaded by a platform administrator, imported in the
background.

The upload is read at once by the library's importer (:func:`tianping.cases.parse_snapshot`:
encoding, columns, row and field limits), so a file that is not an ``incidents.csv`` is
refused on the page and nothing is stored. A readable snapshot becomes an
:class:`~tianping.web.cases.models.AiidImport` job: the worker reads it again and, in
batches (progress after each, cancellable between them), creates or updates the public case
``AIID-IMPORT-<incident>`` of each incident: its English title and description (there is no
Chinese text until someone writes the case up), date, the incident's citation page as its
source, provenance (incident, snapshot file and hash, when imported) and the CC BY-SA 4.0
licence. The coded fields (sector, risk category …) stay empty: the AIID does not code them
and nothing is guessed. An incident that a shipped case already writes up is left to that
case (an earlier import of it is withdrawn). Importing the same snapshot again changes
nothing; a case taken down stays withdrawn.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from tianping.cases import AiidIncident, CaseError, parse_snapshot
from tianping.text import normalise_language
from tianping.web.cases.models import AiidImport, CaseOrigin, CaseRecord, CaseVisibility
from tianping.web.cases.search import text_of
from tianping.web.core.jobs import error_texts, job_cancel, job_fail, job_step

LICENCE = "CC-BY-SA-4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"
BATCH = 200
"""Incidents written per step (progress and cancellation are checked between steps)."""


def is_platform_admin(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) or getattr(user, "is_staff", False))


def _refusal(error: CaseError) -> str:
    """The importer's reason (and hint) in the reader's language."""
    language = normalise_language(get_language() or "zh-Hans")
    return error.in_language(language).diagnostics()


def aiid_import_start(*, actor: User, file_name: str, data: bytes) -> AiidImport:
    """Check ``data`` is an AIID ``incidents.csv`` and queue its import; a file that is not
    is refused (``ValidationError`` on ``file``) and nothing is stored."""
    if not is_platform_admin(actor):
        raise PermissionDenied(_("Only a platform administrator may import AIID snapshots."))
    name = file_name[:200] or "incidents.csv"
    try:
        snapshot = parse_snapshot(data, path=name)
    except CaseError as error:
        raise ValidationError({"file": [_refusal(error)]}) from None
    if not snapshot.incidents:
        raise ValidationError({"file": [_("The snapshot holds no incident that can be read.")]})
    with transaction.atomic():
        job = AiidImport.objects.create(
            requested_by=actor,
            file_name=name,
            sha256=hashlib.sha256(data).hexdigest(),
            snapshot=data,
            incidents=len(snapshot.incidents),
            rows_left_out=snapshot.problem_count,
        )
        transaction.on_commit(job.enqueue)
    return job


def aiid_import_cancel(*, actor: User, job: AiidImport) -> AiidImport:
    if not is_platform_admin(actor):
        raise PermissionDenied(_("Only a platform administrator may import AIID snapshots."))
    if AiidImport.objects.get(pk=job.pk).is_finished:
        raise ValidationError(_("This import has already finished."))
    return job_cancel(AiidImport, job.pk)


def incident_fields(incident: AiidIncident, job: AiidImport) -> dict[str, object]:
    """The case fields of one incident (search columns included)."""
    document = text_of(incident.title, incident.description)
    return {
        "origin": CaseOrigin.AIID,
        "visibility": CaseVisibility.PUBLIC,
        "title_zh": "",
        "title_en": incident.title[:300],
        "summary_zh": "",
        "summary_en": incident.description,
        "date": incident.date,
        "year": incident.date.year,
        "sector": "",
        "region": "",
        "system_type": "",
        "risk_category": "",
        "severity": "",
        "sources": [incident.url],
        "provenance": {
            "source": "aiid",
            "aiid_incident": incident.incident_id,
            "url": incident.url,
            "aiid_title": incident.title,
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "verified": "imported from an uploaded AI Incident Database snapshot",
            "snapshot": job.file_name,
            "snapshot_sha256": job.sha256,
        },
        "licence": LICENCE,
        "search_zh": document,
        "search_en": document,
    }


def import_code(incident_id: int) -> str:
    """The case id of an imported incident (a shipped case's is ``AIID-<incident>``)."""
    return f"AIID-IMPORT-{incident_id}"


def _step(job_id: Any, progress: int, message: str) -> bool:
    return job_step(AiidImport, job_id, progress=progress, message=message)


def aiid_import_work(job_id: Any) -> None:
    """The work of an import job, run by the job runner."""
    job = AiidImport.objects.get(pk=job_id)
    if job.is_finished or job.snapshot is None:
        return
    try:
        snapshot = parse_snapshot(bytes(job.snapshot), path=job.file_name)
    except CaseError as error:
        job_fail(
            AiidImport,
            job_id,
            message=gettext_noop("The snapshot could not be read."),
            error=error_texts(error),
        )
        return
    if not _step(job_id, 5, gettext_noop("Reading the snapshot")):
        return
    written_up = {
        value
        for value in CaseRecord.objects.filter(origin=CaseOrigin.SHIPPED).values_list(
            "provenance__aiid_incident", flat=True
        )
        if value is not None
    }
    counts = {"created": 0, "updated": 0, "unchanged": 0, "written_up": 0}
    incidents = list(snapshot.incidents)
    for start in range(0, len(incidents), BATCH):
        batch = incidents[start : start + BATCH]
        with transaction.atomic():
            codes = [import_code(incident.incident_id) for incident in batch]
            existing = {r.code: r for r in CaseRecord.objects.filter(code__in=codes)}
            for code, incident in zip(codes, batch, strict=True):
                record = existing.get(code)
                if incident.incident_id in written_up:
                    # A shipped case writes it up: an earlier import of it is withdrawn.
                    if record is not None and record.withdrawn_at is None:
                        record.withdrawn_at = timezone.now()
                        record.save(update_fields=["withdrawn_at", "updated_at"])
                    counts["written_up"] += 1
                    continue
                fields = incident_fields(incident, job)
                if record is None:
                    CaseRecord.objects.create(code=code, **fields)
                    counts["created"] += 1
                    continue
                if record.origin != CaseOrigin.AIID:
                    counts["written_up"] += 1
                    continue
                # The provenance names the snapshot last read; the case is unchanged when
                # everything else is.
                same = all(
                    getattr(record, name) == value
                    for name, value in fields.items()
                    if name != "provenance"
                )
                if same:
                    counts["unchanged"] += 1
                    continue
                for name, value in fields.items():
                    setattr(record, name, value)
                record.save()
                counts["updated"] += 1
        done = start + len(batch)
        progress = 5 + int(90 * done / len(incidents))
        if done < len(incidents) and not _step(
            job_id, progress, gettext_noop("Importing incidents")
        ):
            return
    AiidImport.objects.filter(pk=job_id).update(
        status=AiidImport.Status.DONE,
        progress=100,
        message=gettext_noop("Imported"),
        created_count=counts["created"],
        updated_count=counts["updated"],
        unchanged_count=counts["unchanged"],
        written_up_count=counts["written_up"],
        finished_at=timezone.now(),
    )

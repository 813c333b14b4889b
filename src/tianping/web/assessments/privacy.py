"""Privacy scans of datasets: start (upload or server path), cancel, run (in the worker), read.

A scan profiles a dataset with :func:`tianping.privacy.profile_table` and files
the profile as evidence. Only masked findings and salted hashes are kept —
never a value read from the data (the salt itself is not stored either).
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tianping.datalimits import DataLimitError
from tianping.errors import LocalizedError
from tianping.web.assessments import datafiles, inputs
from tianping.web.assessments.models import Evidence, PredictionsFile, PrivacyScan
from tianping.web.assessments.selectors import can_run_assessment, evidence_of
from tianping.web.assessments.services import MSG_OVER_BUDGET, _has_nul, job_file_evidence
from tianping.web.core.jobs import error_texts, job_cancel, job_fail, job_step
from tianping.web.core.keys import KeyServiceError
from tianping.web.systems.models import AISystem
from tianping.web.systems.selectors import User, can_edit_system, system_get
from tianping.web.systems.services import reject_nul

logger = logging.getLogger(__name__)

# The requirement items a privacy profile is filed for — taken from the catalogue:
# Art. 3 clause 3 and Art. 11 of the Ethical Norms, and the crosswalks to PIPL
# Art. 28 / 55 and the export ethical review's data-privacy dimension.
EVIDENCE_ARTICLES: tuple[tuple[int, int | None], ...] = ((3, 3), (11, None))
EVIDENCE_CROSSWALKS: tuple[tuple[str, str], ...] = (
    ("pipl", "art_28"),
    ("pipl", "art_55"),
    ("export_review_2026", "data_privacy"),
)
MAX_FINDINGS = 50
"""Masked findings kept per scan (a sample to show; the profile counts them all)."""


def privacy_evidence_items() -> list[tuple[str, str]]:
    """``(item id, basis)`` for every item a privacy profile is filed for, in catalogue order."""
    from tianping.norms import load_catalogue

    catalogue = load_catalogue()
    bases: dict[str, list[str]] = {}
    for article, clause in EVIDENCE_ARTICLES:
        for item in catalogue.items_for_article(article):
            if clause is None or item.clause == clause:
                label = f"article {article}" + (f"({clause})" if clause else "")
                bases.setdefault(item.id, []).append(label)
    for framework, target in EVIDENCE_CROSSWALKS:
        for item_id in catalogue.crosswalk(framework)[target]:
            bases.setdefault(item_id, []).append(f"{framework}:{target}")
    return [(item.id, "; ".join(bases[item.id])) for item in catalogue.items if item.id in bases]


# --- reads --------------------------------------------------------------------------------------


def can_cancel_scan(user: User, scan: PrivacyScan) -> bool:
    return (user.is_authenticated and user.pk == scan.requested_by_id) or can_edit_system(
        user, scan.system
    )


def scans_of(system: AISystem) -> QuerySet[PrivacyScan]:
    return system.privacy_scans.select_related("data", "requested_by")


def scan_get(user: User, scan_id: uuid.UUID | str) -> PrivacyScan:
    """The scan if ``user`` may read its system; otherwise 404 (no existence leak)."""
    try:
        scan = PrivacyScan.objects.select_related(
            "system__organisation", "data", "requested_by"
        ).get(pk=scan_id)
    except (PrivacyScan.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    system_get(user, scan.system_id)
    return scan


def privacy_impact_pdf(*, scan: PrivacyScan, language: str) -> bytes:
    """The draft personal-information impact assessment (PIPL Art. 56) of a finished scan."""
    from tianping import reports

    evidence = evidence_of(scan)
    if scan.status != PrivacyScan.Status.DONE or evidence is None:
        raise ValidationError(_("The scan has no result yet."))
    system = scan.system
    profile = {**evidence.content, "path": scan.data.name, "sha256": scan.data.sha256 or None}
    return reports.privacy_impact_pdf(
        system={
            "name": system.name,
            "organisation": system.organisation.name,
            "purpose": system.purpose,
            "owner": system.owner,
            "model_version": system.model_version,
        },
        profile=profile,
        language=language,
    )


# --- starting -----------------------------------------------------------------------------------


def privacy_scan_start(
    *,
    actor: AuthUser,
    system: AISystem,
    upload: UploadedFile[bytes] | None = None,
    server_path: str = "",
    title: str = "",
    keep: bool = False,
) -> PrivacyScan:
    """Attach a dataset to ``system`` and queue its privacy scan (nothing saved if it fails).

    An upload is stored encrypted and deleted when the scan ends, unless ``keep``:
    then at the end of the retention period.
    """
    if not can_run_assessment(actor, system):
        raise PermissionDenied(_("You cannot scan datasets of this system."))
    reject_nul(title, "title")
    title = (title or "").strip()
    if len(title) > 200:
        raise ValidationError({"title": [_("Titles are limited to 200 characters.")]})
    has_path = bool((server_path or "").strip())
    if (upload is None) == (not has_path):
        raise ValidationError(
            {
                "__all__": [
                    _("Upload a file or give the path of a file on the server (one of them).")
                ]
            }
        )
    formats = datafiles.PRIVACY_FORMATS
    if upload is not None:
        checked = datafiles.check_upload(upload, field="file", formats=formats)
    else:
        checked = datafiles.check_server_file(server_path, field="server_path", formats=formats)
    kept: Path | None = None
    try:
        with transaction.atomic():
            if upload is not None:
                location = inputs.store_upload(checked, system_id=system.pk)
                kept = datafiles.predictions_dir() / location
            else:
                location = str(checked.path)
            data = PredictionsFile(
                system=system,
                source=PredictionsFile.Source.UPLOAD
                if upload is not None
                else PredictionsFile.Source.SERVER,
                name=checked.name,
                location=location,
                format=checked.format,
                size=checked.size,
                sha256=checked.sha256,
                rows=checked.rows,
                columns=[c.to_json() for c in checked.columns],
                encrypted=upload is not None,
                keep_until=inputs.keep_until(keep) if upload is not None else None,
                uploaded_by=actor,
            )
            data.full_clean()
            data.save()
            scan = PrivacyScan(
                system=system, data=data, title=title or checked.name, requested_by=actor
            )
            scan.full_clean()
            scan.save()
            scan_id = str(scan.pk)
            transaction.on_commit(scan.enqueue, robust=True)
    except BaseException:
        if upload is not None:
            checked.path.unlink(missing_ok=True)
            if kept is not None:
                kept.unlink(missing_ok=True)
        raise
    logger.info("privacy scan %s queued for system %s", scan_id, system.pk)
    return scan


# --- cancelling ---------------------------------------------------------------------------------


def privacy_scan_cancel(*, actor: AuthUser, scan: PrivacyScan) -> PrivacyScan:
    """Stop a scan: at once if queued, at its next batch of cells if running."""
    if not can_cancel_scan(actor, scan):
        raise PermissionDenied(_("You cannot cancel this scan."))
    if PrivacyScan.objects.get(pk=scan.pk).is_finished:
        raise ValidationError(_("This scan has already finished."))
    return job_cancel(PrivacyScan, scan.pk)


# --- running (in the task worker) ---------------------------------------------------------------


class _Cancelled(Exception):
    pass


def _step(scan_id: Any, *, progress: int, message: str) -> bool:
    return job_step(PrivacyScan, scan_id, progress=progress, message=message)


def _fail(scan_id: Any, *, message: str, error: dict[str, str] | None = None) -> None:
    job_fail(PrivacyScan, scan_id, message=message, error=error)


def _scanner(scan_id: Any, columns: int) -> Any:
    """A Scanner that records progress per column, checks cancellation, keeps a few findings."""
    from tianping.privacy import Scanner

    class _Tracking(Scanner):
        findings: list[dict[str, Any]]
        seen: set[str]

        def scan_column(self, values: Any, *, column: str, **kwargs: Any) -> Any:
            if column not in self.seen:
                self.seen.add(column)
                done = len(self.seen) - 1
                percent = 10 + int(80 * done / max(columns, 1))
                if not _step(scan_id, progress=min(percent, 90), message=gettext_noop("Scanning")):
                    raise _Cancelled
            found = super().scan_column(values, column=column, **kwargs)
            for finding in found:
                if len(self.findings) < MAX_FINDINGS:
                    entry = finding.to_json()
                    entry.pop("path", None)
                    self.findings.append(entry)
            return found

    scanner = _Tracking()
    scanner.findings = []
    scanner.seen = set()
    return scanner


def privacy_scan_work(scan_id: Any) -> None:
    """The work of a privacy scan, run by the job runner (in a child process)."""
    privacy_scan_run(scan_id=scan_id)


def privacy_scan_run(*, scan_id: Any) -> None:
    """Profile a queued scan's dataset and file the profile as evidence (the task worker)."""
    # Imported here: the privacy engine (DuckDB, the detectors) is heavy and only the worker
    # needs it.
    from tianping import privacy
    from tianping.privacy import pipl_label

    scan = PrivacyScan.objects.select_related("data", "system").get(pk=scan_id)
    if scan.is_finished:
        return
    if not _step(scan_id, progress=5, message=gettext_noop("Opening the data")):
        return
    scanner = _scanner(scan_id, len(scan.data.columns))
    try:
        with inputs.readable(scan.data) as path:
            inputs.check_budget(scan.data, path)
            profile = privacy.profile_table(str(path), scanner=scanner)
    except _Cancelled:
        return
    except DataLimitError as exc:
        _fail(
            scan_id,
            message=MSG_OVER_BUDGET,
            error=error_texts(exc),
        )
        return
    except KeyServiceError as exc:
        _fail(scan_id, message=gettext_noop("The stored file could not be decrypted."))
        logger.error("privacy scan %s: %s", scan_id, exc)
        return
    except privacy.PrivacyError as exc:
        error = None
        if isinstance(exc, LocalizedError):
            # The library names the file by its path on the server; readers see its own name.
            error = datafiles.localized_without_paths(
                exc, path=scan.data.path(), name=scan.data.name
            )
        _fail(scan_id, message=gettext_noop("The data could not be scanned."), error=error)
        return
    except ValidationError as exc:
        _fail(scan_id, message=gettext_noop("The file may no longer be read."))
        logger.warning("privacy scan %s: %s", scan_id, exc.messages)
        return
    except Exception:
        _fail(scan_id, message=gettext_noop("The scan failed unexpectedly."))
        logger.exception("privacy scan %s failed", scan_id)
        raise
    content = profile.to_json(language="zh-Hans")
    content["path"] = scan.data.name  # not the server path
    content["pipl_label"] = pipl_label(profile.pipl_class).to_json()
    content["findings"] = scanner.findings
    if _has_nul(content):
        _fail(scan_id, message=gettext_noop("The data holds NUL characters in a column name."))
        return
    if not _step(scan_id, progress=95, message=gettext_noop("Filing the evidence")):
        return
    job_file_evidence(
        PrivacyScan,
        scan_id,
        kind=Evidence.Kind.PRIVACY_PROFILE,
        content=content,
        items=privacy_evidence_items(),
        outcome={"pipl_class": profile.pipl_class},
    )

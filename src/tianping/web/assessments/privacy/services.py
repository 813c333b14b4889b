"""Privacy scans of datasets: start (upload or server path), cancel, run (in the worker), report.

A scan profiles a dataset with :func:`tianping.privacy.profile_table` and files
the profile as evidence. Only masked findings and salted hashes are kept —
never a value read from the data (the salt itself is not stored either).
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tianping.errors import LocalizedError
from tianping.web.assessments import datafiles, jobs
from tianping.web.assessments.evidence.selectors import evidence_of
from tianping.web.assessments.evidence.services import job_file_evidence
from tianping.web.assessments.jobs import can_run_assessment
from tianping.web.assessments.models import Evidence, PredictionsFile, PrivacyScan
from tianping.web.assessments.privacy.selectors import can_cancel_scan
from tianping.web.core.jobs import job_cancel, job_fail, job_step
from tianping.web.core.timezones import local_now, zone_of
from tianping.web.systems.models import AISystem

logger = logging.getLogger(__name__)

MAX_FINDINGS = 50
"""Masked findings kept per scan (a sample to show; the profile counts them all)."""


# --- reports ------------------------------------------------------------------------------------


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
        generated_at=local_now(zone_of(system.organisation)),
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
    title = jobs.checked_request(title=title, upload=upload, server_path=server_path)

    def scan(data: PredictionsFile, checked: datafiles.CheckedFile) -> PrivacyScan:
        return PrivacyScan(
            system=system, data=data, title=title or checked.name, requested_by=actor
        )

    started = jobs.job_start(
        actor=actor,
        system=system,
        upload=upload,
        server_path=server_path,
        keep=keep,
        job=scan,
        formats=datafiles.PRIVACY_FORMATS,
    )
    logger.info("privacy scan %s queued for system %s", started.pk, system.pk)
    return started


# --- cancelling ---------------------------------------------------------------------------------


def privacy_scan_cancel(*, actor: AuthUser, scan: PrivacyScan) -> PrivacyScan:
    """Stop a scan: at once if queued, at its next batch of cells if running."""
    if not can_cancel_scan(actor, scan):
        raise PermissionDenied(_("You cannot cancel this scan."))
    if PrivacyScan.objects.get(pk=scan.pk).is_finished:
        raise ValidationError(_("This scan has already finished."))
    return job_cancel(PrivacyScan, scan.pk)


# --- running (in the task worker) ---------------------------------------------------------------


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
                    raise jobs.Stop
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
        with jobs.reading(
            PrivacyScan,
            scan,
            logger=logger,
            name="privacy scan",
            failed=gettext_noop("The scan failed unexpectedly."),
            own=privacy.PrivacyError,
        ) as path:
            profile = privacy.profile_table(str(path), scanner=scanner)
    except jobs.Stop:
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
    content = profile.to_json(language="zh-Hans")
    content["path"] = scan.data.name  # not the server path
    content["pipl_label"] = pipl_label(profile.pipl_class).to_json()
    content["findings"] = scanner.findings
    if jobs.has_nul(content):
        _fail(scan_id, message=gettext_noop("The data holds NUL characters in a column name."))
        return
    if not _step(scan_id, progress=95, message=gettext_noop("Filing the evidence")):
        return
    job_file_evidence(
        PrivacyScan,
        scan_id,
        kind=Evidence.Kind.PRIVACY_PROFILE,
        content=content,
        outcome={"pipl_class": profile.pipl_class},
    )

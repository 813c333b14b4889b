"""Writes of evidence: file a result (any saved record) linked to the items it answers.

Bias assessments and privacy scans file their results here when their job ends
(:func:`job_file_evidence`); the items come from the catalogue's measurement
mapping for the kind of result and the system's latest intake answers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tianping.norms import MeasurementKind
from tianping.web.assessments.models import BiasAssessment, Evidence, EvidenceLink, PrivacyScan
from tianping.web.core.jobs import job_mark_cancelled
from tianping.web.systems.models import AISystem
from tianping.web.systems.selectors import intakes_of

# Which measurement of the catalogue's mapping (tianping/norms/data/measurements.yaml) each
# kind of evidence is: the mapping says which items it answers, how fully, and for which
# systems (a condition on the intake answers).
EVIDENCE_MEASUREMENTS: Mapping[str, MeasurementKind] = {
    Evidence.Kind.BIAS_ASSESSMENT: "bias_assessment",
    Evidence.Kind.PRIVACY_PROFILE: "privacy_scan",
    Evidence.Kind.PROBE_RUN: "probe_run",
    Evidence.Kind.DOCUMENT: "document",
    Evidence.Kind.CERTIFICATE: "certificate",
}
MAX_BASIS = 200

JobModel = type[BiasAssessment] | type[PrivacyScan]


def latest_intake_answers(system: AISystem) -> dict[str, Any] | None:
    """The answers of the system's latest intake; ``None`` if it has none yet."""
    intake = intakes_of(system).first()
    return None if intake is None else dict(intake.answers)


def evidence_items_for(*, kind: str, system: AISystem) -> list[tuple[str, str, str]]:
    """``(item id, extent, basis)`` for every item a result of ``kind`` answers for ``system``.

    From the catalogue's measurement mapping (:func:`tianping.norms.items_for`),
    with the system's latest intake answers: an item whose mapping has a
    condition is linked only when the answers meet it, and never without an
    intake. The basis names the mapping's version and, if any, the condition.
    """
    from tianping.norms import load_measurements

    mapping = load_measurements()
    measurement = EVIDENCE_MEASUREMENTS[kind]
    out: list[tuple[str, str, str]] = []
    for entry in mapping.applicable(measurement, latest_intake_answers(system)):
        basis = f"measurements {mapping.version}: {measurement}"
        if entry.applies_when is not None:
            basis += f"; {entry.applies_when.describe('en')}"
        out.append((entry.item, entry.extent, basis[:MAX_BASIS]))
    return out


def evidence_file(
    *,
    source: models.Model,
    kind: str,
    title: str,
    content: dict[str, Any],
    items: Sequence[tuple[str, str]] | None = None,
    created_by: User | None,
    system: AISystem | None = None,
) -> Evidence:
    """File ``content`` as evidence of ``source`` (any saved record), linked to its items.

    Every kind of result goes through here: bias assessments and privacy scans
    (``job_file_evidence``), and later probe runs, documents and certificates.
    The items come from the catalogue's measurement mapping for ``kind`` and the
    system's latest intake (:func:`evidence_items_for`), each with its extent:
    all of them when ``items`` is ``None``; otherwise ``items`` picks some,
    as ``(requirement item, basis)`` pairs, and an item the mapping does not
    give is refused (``ValidationError``, nothing filed). The links record the
    catalogue version. ``system`` defaults to the source's own (``source.system``,
    or the source itself if it is a system). The digest is the SHA-256 of the
    content as canonical JSON. A source has at most one evidence record.
    """
    from tianping.norms import load_catalogue

    if kind not in Evidence.Kind.values:
        raise ValueError(f"unknown evidence kind {kind!r}")
    if source.pk is None:
        raise ValueError("the source of evidence must be saved first")
    if system is None:
        system = source if isinstance(source, AISystem) else source.system  # type: ignore[attr-defined]
    mapped = evidence_items_for(kind=kind, system=system)
    if items is None:
        links = mapped
    else:
        extents = {item: extent for item, extent, _basis in mapped}
        refused = [item for item, _basis in items if item not in extents]
        if refused:
            raise ValidationError(
                {
                    "items": [
                        _(
                            "The catalogue's measurement mapping does not link this kind of "
                            "result to {items} for this system."
                        ).format(items=", ".join(refused))
                    ]
                }
            )
        links = [(item, extents[item], basis[:MAX_BASIS]) for item, basis in items]
    digest = hashlib.sha256(_canonical(content)).hexdigest()
    version = load_catalogue().version
    with transaction.atomic():
        evidence = Evidence.objects.create(
            system=system,
            kind=kind,
            title=title,
            content=content,
            sha256=digest,
            created_by=created_by,
            source_type=ContentType.objects.get_for_model(source),
            source_id=str(source.pk),
        )
        EvidenceLink.objects.bulk_create(
            EvidenceLink(
                evidence=evidence,
                item=item,
                extent=extent,
                catalogue_version=version,
                basis=basis,
            )
            for item, extent, basis in links
        )
    return evidence


def job_file_evidence(
    model: JobModel,
    job_id: Any,
    *,
    kind: str,
    content: dict[str, Any],
    outcome: Mapping[str, Any],
) -> bool:
    """File a finished job's result as evidence; mark the job done.

    The evidence is linked to the items the measurement mapping gives for the
    job's kind and its system's intake at the time of filing (:func:`evidence_file`).

    Runs in one transaction under the job's row lock; a cancellation requested
    meanwhile wins and nothing is filed (returns False).
    """
    with transaction.atomic():
        job = model.objects.select_for_update().select_related("system").get(pk=job_id)
        if job.cancel_requested:
            job_mark_cancelled(job)
            return False
        evidence_file(
            source=job,
            kind=kind,
            title=job.title,
            content=content,
            created_by=job.requested_by,
            system=job.system,
        )
        job.status = model.Status.DONE
        job.progress = 100
        job.message = gettext_noop("Done")
        for name, value in outcome.items():
            setattr(job, name, value)
        job.finished_at = timezone.now()
        job.save()
    return True


def _canonical(content: Any) -> bytes:
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")

"""Writes of bias assessments: start (data + settings), cancel, run (in the worker), report.

Each service checks permissions first, validates, and writes in one
transaction; files are checked before anything is saved, so a refused upload
leaves neither a row nor a file behind.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tianping import fairness
from tianping.datalimits import DataLimitError
from tianping.web.assessments import datafiles, inputs
from tianping.web.assessments.models import (
    BiasAssessment,
    Evidence,
    EvidenceLink,
    PredictionsFile,
    PrivacyScan,
)
from tianping.web.assessments.selectors import can_cancel_assessment, can_run_assessment
from tianping.web.core.jobs import error_texts, job_cancel, job_fail, job_mark_cancelled, job_step
from tianping.web.core.keys import KeyServiceError
from tianping.web.systems.models import AISystem
from tianping.web.systems.services import reject_nul

MSG_OVER_BUDGET = gettext_noop("The data is larger than a job may read.")
logger = logging.getLogger(__name__)

# Which requirement items a bias assessment is filed as evidence for. The items
# themselves come from the catalogue, never from a list here: those derived from
# Art. 13 of the Ethical Norms ("avoid data and algorithmic bias") and those the
# crosswalk maps to the export ethical review's "algorithmic bias" dimension,
# keeping the ones whose evidence type is a test result, which is what an audit is.
EVIDENCE_ARTICLE = 13
EVIDENCE_FRAMEWORK = "export_review_2026"
EVIDENCE_TARGET = "algorithmic_bias"
EVIDENCE_TYPE = "test_result"

MAX_PROTECTED = 10
MAX_COLUMN_NAME = 200
MAX_BINS = 50
MAX_REPLICATES = 5000
MAX_MIN_GROUP_SIZE = 1_000_000
SEED = 0

# Progress of the background run, by stage of tianping.fairness.audit.
STAGE_PROGRESS: dict[str, tuple[int, str]] = {
    "counting": (10, gettext_noop("Counting rows by group")),
    "metrics": (40, gettext_noop("Computing group metrics and disparities")),
    "bootstrap": (55, gettext_noop("Bootstrapping the intervals")),
    "verdicts": (85, gettext_noop("Judging against the policy")),
}


# --- evidence items -----------------------------------------------------------------------------


def bias_evidence_items() -> list[tuple[str, str]]:
    """``(item id, basis)`` for every item a bias assessment is filed as evidence for.

    Items of Art. 13 and of the export review's algorithmic-bias dimension (the
    catalogue's crosswalk) whose evidence type is ``test_result``, in catalogue order.
    """
    from tianping.norms import load_catalogue

    catalogue = load_catalogue()
    article = {item.id for item in catalogue.items_for_article(EVIDENCE_ARTICLE)}
    dimension = set(catalogue.crosswalk(EVIDENCE_FRAMEWORK)[EVIDENCE_TARGET])
    out = []
    for item in catalogue.items:
        if item.evidence != EVIDENCE_TYPE or item.id not in article | dimension:
            continue
        basis = []
        if item.id in article:
            basis.append(f"article {EVIDENCE_ARTICLE}")
        if item.id in dimension:
            basis.append(f"{EVIDENCE_FRAMEWORK}:{EVIDENCE_TARGET}")
        out.append((item.id, "; ".join(basis)))
    return out


# --- starting -----------------------------------------------------------------------------------


def _check_name(value: Any, field: str, *, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError({field: [_("Give a column name.")]})
    name = value.strip()
    reject_nul(name, field)
    if required and not name:
        raise ValidationError({field: [_("This field is required.")]})
    if len(name) > MAX_COLUMN_NAME:
        raise ValidationError({field: [_("Column names are limited to 200 characters.")]})
    return name


def _check_parameters(
    *,
    protected: Sequence[str],
    label: str,
    prediction: str,
    score: str,
    threshold: float,
    positive: str,
    bins: Mapping[str, Sequence[float]],
    policy: str,
    replicates: int,
    min_group_size: int,
) -> dict[str, Any]:
    """The audit's keyword arguments, checked; a ValidationError names each bad field."""
    errors: dict[str, list[str]] = {}

    def check(fn: Any) -> Any:
        try:
            return fn()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(messages)
            return None

    attributes: list[str] = []
    if not isinstance(protected, list | tuple) or not protected:
        errors["protected"] = [_("Name at least one protected attribute.")]
    elif len(protected) > MAX_PROTECTED:
        errors["protected"] = [
            _("Name at most {maximum} protected attributes.").format(maximum=MAX_PROTECTED)
        ]
    else:
        for name in protected:
            cleaned = check(lambda n=name: _check_name(n, "protected", required=True))
            if cleaned and cleaned not in attributes:
                attributes.append(cleaned)
    label = check(lambda: _check_name(label, "label", required=True)) or ""
    prediction = check(lambda: _check_name(prediction, "prediction", required=False))
    score = check(lambda: _check_name(score, "score", required=False))
    if not prediction and not score and "prediction" not in errors and "score" not in errors:
        errors["prediction"] = [_("Name the prediction column, or a score column and threshold.")]
    if (
        not isinstance(threshold, int | float)
        or not math.isfinite(threshold)
        or not 0.0 <= float(threshold) <= 1.0
    ):
        errors["threshold"] = [_("Give a number between 0 and 1.")]
    if not isinstance(positive, str) or len(positive) > MAX_COLUMN_NAME or "\x00" in positive:
        errors["positive"] = [_("Give the positive value(s) as a short text.")]
        positive = ""
    if policy not in fairness.available_policies():
        errors["policy"] = [_("Choose one of the policies offered.")]
    if not isinstance(replicates, int) or not 0 <= replicates <= MAX_REPLICATES:
        errors["replicates"] = [
            _("Give a whole number from 0 to {maximum}.").format(maximum=MAX_REPLICATES)
        ]
    if not isinstance(min_group_size, int) or not 0 <= min_group_size <= MAX_MIN_GROUP_SIZE:
        errors["min_group_size"] = [
            _("Give a whole number from 0 to {maximum}.").format(maximum=MAX_MIN_GROUP_SIZE)
        ]
    checked_bins: dict[str, list[float]] = {}
    for column, edges in (bins or {}).items():
        if column not in attributes:
            errors.setdefault("bins", []).append(
                _("Bins are for protected attributes; “{column}” is not one.").format(
                    column=str(column)[:MAX_COLUMN_NAME]
                )
            )
            continue
        try:
            values = [float(e) for e in edges] if isinstance(edges, list | tuple) else []
        except (TypeError, ValueError):
            values = []
        if (
            len(values) < 2
            or len(values) > MAX_BINS
            or not all(math.isfinite(v) for v in values)
            or any(a >= b for a, b in itertools.pairwise(values))
        ):
            errors.setdefault("bins", []).append(
                _("The edges of “{column}” must be 2 to {maximum} increasing numbers.").format(
                    column=column, maximum=MAX_BINS
                )
            )
            continue
        checked_bins[column] = values
    roles = [*attributes, label, *(c for c in (prediction, score) if c)]
    repeated = sorted({c for c in roles if c and roles.count(c) > 1})
    if repeated and "protected" not in errors:
        errors["__all__"] = [
            _("The column “{column}” is named for two roles.").format(column=repeated[0])
        ]
    if errors:
        raise ValidationError(errors)
    return {
        "protected": attributes,
        "label": label,
        "prediction": prediction or None,
        "score": score or None,
        "threshold": float(threshold),
        "positive": _positive(positive or ""),
        "bins": checked_bins,
        "policy": policy,
        "replicates": replicates,
        "min_group_size": min_group_size,
        "seed": SEED,
    }


def _positive(text: str) -> str | list[str] | None:
    """``yes`` → ``"yes"``; ``A, B`` → ``["A", "B"]`` (one-vs-rest); empty → ``None``."""
    parts = [p.strip() for p in text.replace("，", ",").split(",") if p.strip()]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else parts


def _check_columns(checked: datafiles.CheckedFile, parameters: Mapping[str, Any]) -> None:
    """Every named column is in the file; binned attributes and the score are numeric."""
    available = ", ".join(checked.column_names[:60])
    errors: dict[str, list[str]] = {}
    roles = [("protected", c) for c in parameters["protected"]]
    roles += [(role, parameters[role]) for role in ("label", "prediction", "score")]
    for field, column in roles:
        if column and checked.column(column) is None:
            errors.setdefault(field, []).append(
                _("The file has no column “{column}”; its columns are: {available}.").format(
                    column=column, available=available
                )
            )
    for column in parameters["bins"]:
        found = checked.column(column)
        if found is not None and not found.numeric:
            errors.setdefault("bins", []).append(
                _("“{column}” holds {type}, not numbers: it cannot be binned.").format(
                    column=column, type=found.type
                )
            )
    score = parameters["score"]
    found = checked.column(score) if score else None
    if found is not None and not found.numeric:
        errors.setdefault("score", []).append(
            _("“{column}” holds {type}, not numbers: it cannot be a score.").format(
                column=score, type=found.type
            )
        )
    if errors:
        raise ValidationError(errors)


def bias_assessment_start(
    *,
    actor: User,
    system: AISystem,
    upload: UploadedFile[bytes] | None = None,
    server_path: str = "",
    title: str = "",
    protected: Sequence[str],
    label: str,
    prediction: str = "",
    score: str = "",
    threshold: float = 0.5,
    positive: str = "",
    bins: Mapping[str, Sequence[float]] | None = None,
    policy: str = fairness.DEFAULT_POLICY,
    replicates: int = fairness.DEFAULT_REPLICATES,
    min_group_size: int = fairness.DEFAULT_MIN_GROUP_SIZE,
    keep: bool = False,
) -> BiasAssessment:
    """Attach a predictions file to ``system`` and queue its audit.

    An upload is stored encrypted and deleted when the audit ends, unless
    ``keep``: then at the end of the retention period.

    The file is an ``upload`` or a ``server_path`` inside a configured data
    folder (exactly one). Nothing is saved unless the file and every setting
    pass their checks, the columns named included.
    """
    if not can_run_assessment(actor, system):
        raise PermissionDenied(_("You cannot run bias assessments for this system."))
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
    parameters = _check_parameters(
        protected=protected,
        label=label,
        prediction=prediction,
        score=score,
        threshold=threshold,
        positive=positive,
        bins=bins or {},
        policy=policy,
        replicates=replicates,
        min_group_size=min_group_size,
    )
    if upload is not None:
        checked = datafiles.check_upload(upload, field="file")
    else:
        checked = datafiles.check_server_file(server_path, field="server_path")
    kept: Path | None = None
    try:
        _check_columns(checked, parameters)
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
            assessment = BiasAssessment(
                system=system,
                data=data,
                title=title or checked.name,
                parameters=parameters,
                requested_by=actor,
            )
            assessment.full_clean()
            assessment.save()
            assessment_id = str(assessment.pk)
            # robust: a failing enqueue is logged; the saved assessment stays queued.
            transaction.on_commit(assessment.enqueue, robust=True)
    except BaseException:
        if upload is not None:
            checked.path.unlink(missing_ok=True)
            if kept is not None:
                kept.unlink(missing_ok=True)
        raise
    logger.info("bias assessment %s queued for system %s", assessment_id, system.pk)
    return assessment


# --- cancelling ---------------------------------------------------------------------------------


def bias_assessment_cancel(*, actor: User, assessment: BiasAssessment) -> BiasAssessment:
    """Stop an assessment: at once if it is queued, at its next stage if it is running."""
    if not can_cancel_assessment(actor, assessment):
        raise PermissionDenied(_("You cannot cancel this assessment."))
    if BiasAssessment.objects.get(pk=assessment.pk).is_finished:
        raise ValidationError(_("This assessment has already finished."))
    return job_cancel(BiasAssessment, assessment.pk)


# --- running (in the task worker) ---------------------------------------------------------------


class _Cancelled(Exception):
    """Raised from the progress callback to stop the audit between stages."""


JobModel = type[BiasAssessment] | type[PrivacyScan]


def evidence_file(
    *,
    source: models.Model,
    kind: str,
    title: str,
    content: dict[str, Any],
    items: Sequence[tuple[str, str]],
    created_by: User | None,
    system: AISystem | None = None,
) -> Evidence:
    """File ``content`` as evidence of ``source`` (any saved record), linked to ``items``.

    Every kind of result goes through here: bias assessments and privacy scans
    (``job_file_evidence``), and later probe runs, documents and certificates.
    ``items`` are ``(requirement item, basis)`` pairs; the links record the
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
            EvidenceLink(evidence=evidence, item=item, catalogue_version=version, basis=basis)
            for item, basis in items
        )
    return evidence


def job_file_evidence(
    model: JobModel,
    job_id: Any,
    *,
    kind: str,
    content: dict[str, Any],
    items: list[tuple[str, str]],
    outcome: Mapping[str, Any],
) -> bool:
    """File a finished job's result as evidence linked to ``items``; mark the job done.

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
            items=items,
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


def _step(assessment_id: Any, *, progress: int, message: str) -> bool:
    return job_step(BiasAssessment, assessment_id, progress=progress, message=message)


def _fail(assessment_id: Any, *, message: str, error: Mapping[str, str] | None = None) -> None:
    job_fail(BiasAssessment, assessment_id, message=message, error=error)


def _canonical(content: Any) -> bytes:
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def bias_assessment_work(assessment_id: Any) -> None:
    """The work of a bias assessment, run by the job runner (in a child process)."""
    bias_assessment_run(assessment_id=assessment_id)


def bias_assessment_run(*, assessment_id: Any) -> None:
    """Audit a queued assessment's data and file the result as evidence (the task worker)."""
    assessment = BiasAssessment.objects.select_related("data", "system").get(pk=assessment_id)
    if assessment.is_finished:
        return
    if not _step(assessment_id, progress=5, message=gettext_noop("Opening the data")):
        return

    def progress(stage: str) -> None:
        percent, message = STAGE_PROGRESS[stage]
        if not _step(assessment_id, progress=percent, message=message):
            raise _Cancelled

    parameters = dict(assessment.parameters)
    parameters.pop("seed", None)
    try:
        with inputs.readable(assessment.data) as path:
            inputs.check_budget(assessment.data, path)
            result = fairness.audit(str(path), seed=SEED, progress=progress, **parameters)
    except _Cancelled:
        return
    except DataLimitError as exc:
        _fail(
            assessment_id,
            message=MSG_OVER_BUDGET,
            error=error_texts(exc),
        )
        return
    except KeyServiceError as exc:
        _fail(assessment_id, message=gettext_noop("The stored file could not be decrypted."))
        logger.error("bias assessment %s: %s", assessment_id, exc)
        return
    except fairness.FairnessError as exc:
        # The library names the file by its path on the server; readers see its own name.
        _fail(
            assessment_id,
            message=gettext_noop("The data could not be audited."),
            error=datafiles.localized_without_paths(
                exc, path=assessment.data.path(), name=assessment.data.name
            ),
        )
        return
    except ValidationError as exc:
        _fail(assessment_id, message=gettext_noop("The file may no longer be read."))
        logger.warning("bias assessment %s: %s", assessment_id, exc.messages)
        return
    except Exception:
        _fail(assessment_id, message=gettext_noop("The assessment failed unexpectedly."))
        logger.exception("bias assessment %s failed", assessment_id)
        raise
    content = result.to_json(language="zh-Hans")
    if _has_nul(content):
        # PostgreSQL cannot store NUL characters in JSON; such labels cannot be filed.
        _fail(assessment_id, message=gettext_noop("The data holds NUL characters in a group name."))
        return
    if not _step(assessment_id, progress=95, message=gettext_noop("Filing the evidence")):
        return
    job_file_evidence(
        BiasAssessment,
        assessment_id,
        kind=Evidence.Kind.BIAS_ASSESSMENT,
        content=content,
        items=bias_evidence_items(),
        outcome={"verdict": result.verdict, "counts": result.table.to_json()},
    )


# --- the PDF ------------------------------------------------------------------------------------


def bias_assessment_report_pdf(*, assessment: BiasAssessment, language: str) -> bytes:
    """The report of a finished assessment as a PDF in ``zh-Hans``, ``en`` or ``both``."""
    from tianping import reports
    from tianping.web.assessments.selectors import evidence_items, evidence_of

    evidence = evidence_of(assessment)
    if assessment.status != BiasAssessment.Status.DONE or evidence is None:
        raise ValidationError(_("The assessment has no result yet."))
    system = assessment.system
    return reports.bias_assessment_pdf(
        system={
            "name": system.name,
            "organisation": system.organisation.name,
            "purpose": system.purpose,
            "owner": system.owner,
            "model_version": system.model_version,
        },
        audit=evidence.content,
        language=language,
        data={"name": assessment.data.name, "sha256": assessment.data.sha256 or None},
        evidence=evidence_items(evidence),
    )

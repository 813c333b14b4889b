"""Writes of bias assessments: start (data + settings), cancel, run (in the worker), report.

Each service checks permissions first, validates, and writes in one
transaction; files are checked before anything is saved, so a refused upload
leaves neither a row nor a file behind.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tianping import fairness
from tianping.web.assessments import datafiles, jobs
from tianping.web.assessments.bias.selectors import can_cancel_assessment
from tianping.web.assessments.evidence.selectors import evidence_items, evidence_of
from tianping.web.assessments.evidence.services import job_file_evidence
from tianping.web.assessments.jobs import can_run_assessment
from tianping.web.assessments.models import BiasAssessment, Evidence, PredictionsFile
from tianping.web.core.jobs import job_cancel, job_fail, job_step
from tianping.web.core.timezones import local_now, zone_of
from tianping.web.core.validation import reject_nul
from tianping.web.systems.models import AISystem

logger = logging.getLogger(__name__)

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
    title = jobs.checked_request(title=title, upload=upload, server_path=server_path)
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

    def assessment(data: PredictionsFile, checked: datafiles.CheckedFile) -> BiasAssessment:
        return BiasAssessment(
            system=system,
            data=data,
            title=title or checked.name,
            parameters=parameters,
            requested_by=actor,
        )

    started = jobs.job_start(
        actor=actor,
        system=system,
        upload=upload,
        server_path=server_path,
        keep=keep,
        job=assessment,
        check=lambda checked: _check_columns(checked, parameters),
    )
    logger.info("bias assessment %s queued for system %s", started.pk, system.pk)
    return started


# --- cancelling ---------------------------------------------------------------------------------


def bias_assessment_cancel(*, actor: User, assessment: BiasAssessment) -> BiasAssessment:
    """Stop an assessment: at once if it is queued, at its next stage if it is running."""
    if not can_cancel_assessment(actor, assessment):
        raise PermissionDenied(_("You cannot cancel this assessment."))
    if BiasAssessment.objects.get(pk=assessment.pk).is_finished:
        raise ValidationError(_("This assessment has already finished."))
    return job_cancel(BiasAssessment, assessment.pk)


# --- running (in the task worker) ---------------------------------------------------------------


def _step(assessment_id: Any, *, progress: int, message: str) -> bool:
    return job_step(BiasAssessment, assessment_id, progress=progress, message=message)


def _fail(assessment_id: Any, *, message: str, error: Mapping[str, str] | None = None) -> None:
    job_fail(BiasAssessment, assessment_id, message=message, error=error)


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
            raise jobs.Stop

    parameters = dict(assessment.parameters)
    parameters.pop("seed", None)
    try:
        with jobs.reading(
            BiasAssessment,
            assessment,
            logger=logger,
            name="bias assessment",
            failed=gettext_noop("The assessment failed unexpectedly."),
            own=fairness.FairnessError,
        ) as path:
            result = fairness.audit(str(path), seed=SEED, progress=progress, **parameters)
    except jobs.Stop:
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
    content = result.to_json(language="zh-Hans")
    if jobs.has_nul(content):
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
        outcome={"verdict": result.verdict, "counts": result.table.to_json()},
    )


# --- the PDF ------------------------------------------------------------------------------------


def bias_assessment_report_pdf(*, assessment: BiasAssessment, language: str) -> bytes:
    """The report of a finished assessment as a PDF in ``zh-Hans``, ``en`` or ``both``."""
    from tianping import reports

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
        generated_at=local_now(zone_of(system.organisation)),
    )

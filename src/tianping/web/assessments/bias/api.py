"""API endpoints of bias assessments: start one (multipart upload or server path), read, cancel."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from pydantic import StringConstraints

from tianping import fairness
from tianping.web.assessments.bias import selectors, services
from tianping.web.assessments.bias.forms import parse_bins, parse_columns
from tianping.web.assessments.evidence.api import EvidenceItemOut
from tianping.web.assessments.evidence.selectors import evidence_of
from tianping.web.assessments.jobs import job_out
from tianping.web.assessments.models import BiasAssessment
from tianping.web.core.api import Message
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.systems.selectors import system_get

router = Router(tags=["bias assessments"])
system_router = Router(tags=["bias assessments"])

PolicyId = Literal[tuple(fairness.available_policies())]  # type: ignore[valid-type]
Text = Annotated[str, StringConstraints(max_length=200)]


class BiasAssessmentIn(Schema):
    """The settings of an audit, as form fields beside the uploaded file."""

    path: Annotated[str, StringConstraints(max_length=1000)] = Field(
        "", description="A file on the server instead of an upload (inside TIANPING_DATA_DIRS)."
    )
    title: Text = ""
    keep: bool = Field(
        False,
        description="Keep an uploaded file (encrypted) after the job, until the retention "
        "period (TIANPING_UPLOAD_RETENTION_DAYS) ends; by default it is deleted when the job ends.",
    )
    protected: Annotated[str, StringConstraints(max_length=2000)] = Field(
        ..., description="Protected attributes, comma-separated: `sex,age_band`."
    )
    label: Text = Field(..., description="The true outcome column (binary).")
    prediction: Text = Field("", description="The model's decision column (binary).")
    score: Text = Field("", description="A score column in [0, 1].")
    threshold: float = Field(0.5, ge=0.0, le=1.0, allow_inf_nan=False)
    positive: Text = Field("", description="The value(s) counted as positive, comma-separated.")
    bins: Annotated[str, StringConstraints(max_length=2000)] = Field(
        "", description="Bin edges, `age=0,25,40,60,200`; several separated by `;`."
    )
    policy: PolicyId = fairness.DEFAULT_POLICY  # type: ignore[valid-type]
    replicates: int = Field(fairness.DEFAULT_REPLICATES, ge=0, le=services.MAX_REPLICATES)
    min_group_size: int = Field(
        fairness.DEFAULT_MIN_GROUP_SIZE, ge=0, le=services.MAX_MIN_GROUP_SIZE
    )


class BiasAssessmentOut(Schema):
    id: uuid.UUID
    system_id: int
    title: str
    status: str
    progress: int
    message: str
    error: str | None
    verdict: str | None
    parameters: dict[str, Any]
    data: dict[str, Any]
    created_at: datetime
    finished_at: datetime | None
    evidence_sha256: str | None
    evidence_items: list[EvidenceItemOut]
    result: dict[str, Any] | None = Field(
        None, description="The audit JSON (schema tianping.fairness.audit/1) once done."
    )


def _out(assessment: BiasAssessment, *, with_result: bool) -> dict[str, Any]:
    evidence = evidence_of(assessment)
    return {
        **job_out(assessment, evidence, with_result=with_result),
        "verdict": assessment.verdict or None,
        "parameters": assessment.parameters,
    }


@system_router.post(
    "/{int:system_id}/bias-assessments",
    response={202: BiasAssessmentOut, 403: Message, 404: Message, 422: Message},
    summary="Attach a predictions file (upload or server path) and queue its bias audit",
)
def start_bias_assessment(
    request: AuthenticatedHttpRequest,
    system_id: int,
    payload: Form[BiasAssessmentIn],
    file: Annotated[
        UploadedFile | None, File(description="The predictions file (CSV, Parquet, JSONL).")
    ] = None,
) -> Status[dict[str, Any]]:
    system = system_get(request.user, system_id)
    try:
        bins = parse_bins(payload.bins)
    except ValidationError as exc:
        raise ValidationError({"bins": exc.messages}) from exc
    assessment = services.bias_assessment_start(
        actor=request.user,
        system=system,
        upload=file,
        server_path=payload.path,
        title=payload.title,
        keep=payload.keep,
        protected=parse_columns(payload.protected),
        label=payload.label,
        prediction=payload.prediction,
        score=payload.score,
        threshold=payload.threshold,
        positive=payload.positive,
        bins=bins,
        policy=payload.policy,
        replicates=payload.replicates,
        min_group_size=payload.min_group_size,
    )
    assessment.refresh_from_db()
    return Status(202, _out(assessment, with_result=False))


@system_router.get(
    "/{int:system_id}/bias-assessments",
    response={200: list[BiasAssessmentOut], 404: Message},
    summary="Bias assessments of a system, newest first (without their results)",
)
def list_bias_assessments(request: HttpRequest, system_id: int) -> list[dict[str, Any]]:
    system = system_get(request.user, system_id)
    return [_out(a, with_result=False) for a in selectors.assessments_of(system)[:100]]


@router.get(
    "/{uuid:assessment_id}",
    response={200: BiasAssessmentOut, 404: Message},
    summary="One bias assessment: progress, and its result once done",
)
def get_bias_assessment(request: HttpRequest, assessment_id: uuid.UUID) -> dict[str, Any]:
    return _out(selectors.assessment_get(request.user, assessment_id), with_result=True)


@router.post(
    "/{uuid:assessment_id}/cancel",
    response={200: BiasAssessmentOut, 403: Message, 404: Message, 422: Message},
    summary="Cancel a queued or running bias assessment",
)
def cancel_bias_assessment(
    request: AuthenticatedHttpRequest, assessment_id: uuid.UUID
) -> dict[str, Any]:
    assessment = selectors.assessment_get(request.user, assessment_id)
    assessment = services.bias_assessment_cancel(actor=request.user, assessment=assessment)
    return _out(assessment, with_result=False)


# The operation ids of the OpenAPI document are part of the public contract: they keep
# the names django-ninja gave them when these endpoints lived in ``assessments.api``.
for _router in (router, system_router):
    for _path_view in _router.path_operations.values():
        for _operation in _path_view.operations:
            if _operation.operation_id is None:
                _operation.operation_id = (
                    f"tianping_web_assessments_api_{_operation.view_func.__name__}"
                )

"""Bias assessment services: checks before anything is saved, the audit, evidence, cancellation."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.web.assessments.factories import (
    csv_bytes,
    decisions,
    parquet_bytes,
    stored_files,
    upload,
)
from tests.web.factories import Network
from tianping.fairness import SCHEMA, CountTable
from tianping.norms import items_for, load_catalogue
from tianping.web.assessments import inputs
from tianping.web.assessments.bias import services
from tianping.web.assessments.bias.services import (
    bias_assessment_cancel,
    bias_assessment_run,
)
from tianping.web.assessments.evidence.selectors import evidence_of
from tianping.web.assessments.evidence.services import evidence_items_for
from tianping.web.assessments.models import (
    BiasAssessment,
    Evidence,
    EvidenceLink,
    PredictionsFile,
)

Start = Callable[..., BiasAssessment]


def _nothing_saved(folder: Path) -> bool:
    return (
        not PredictionsFile.objects.exists()
        and not BiasAssessment.objects.exists()
        and stored_files(folder) == []
    )


def _errors(caught: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return caught.value.message_dict


# The audit and its evidence ------------------------------------------------------------------


def test_an_uploaded_file_is_audited_and_filed_as_evidence(
    finished: BiasAssessment, network: Network
) -> None:
    assert (finished.status, finished.progress, finished.verdict) == ("done", 100, "fail")
    assert finished.finished_at is not None
    evidence = evidence_of(finished)
    assert evidence is not None
    assert evidence.system == network.system_a
    assert evidence.kind == Evidence.Kind.BIAS_ASSESSMENT
    assert evidence.created_by == network.applicant_a
    content = evidence.content
    assert content["schema"] == SCHEMA and content["verdict"] == "fail"
    assert content["meta"]["rows"] == 600 and content["meta"]["attributes"] == ["sex", "age"]
    assert {g["attributes"]["age"] for g in content["groups"]} == {"0-40", "40-200"}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert evidence.sha256 == hashlib.sha256(canonical.encode()).hexdigest()
    # The count table is kept, to merge or re-audit later.
    assert CountTable.from_json(finished.counts).rows == 600


def test_the_upload_is_deleted_when_the_audit_ends_keeping_its_digest_and_columns(
    finished: BiasAssessment, predictions_dir: Path
) -> None:
    data = finished.data
    data.refresh_from_db()
    assert (data.source, data.format, data.rows) == ("upload", "csv", 600)
    assert data.name == "decisions.csv"
    assert data.sha256 == hashlib.sha256(csv_bytes()).hexdigest()
    assert data.column_names == ["sex", "age", "y", "yhat", "score"]
    assert data.encrypted and data.discarded_at is not None
    assert stored_files(predictions_dir) == []  # no raw dataset stays on disk


def test_a_kept_upload_is_stored_encrypted_and_purged_after_its_retention(
    start: Start,
    predictions_dir: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
    settings: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assessment = start(keep=True)
    assessment.refresh_from_db()
    assert assessment.status == BiasAssessment.Status.DONE
    data = PredictionsFile.objects.get(pk=assessment.data_id)
    [stored] = stored_files(predictions_dir)
    assert stored == data.path() and oct(stored.stat().st_mode & 0o777) == "0o600"
    raw = stored.read_bytes()
    assert b"sex,age" not in raw and csv_bytes()[:64] not in raw  # encrypted at rest
    with inputs.readable(data) as path:
        assert path.read_bytes() == csv_bytes()
    assert not path.exists()  # the decrypted copy is gone with the block
    assert inputs.purge_expired() == 0  # within its retention
    later = data.keep_until + timedelta(seconds=1)  # type: ignore[operator]
    assert inputs.purge_expired(now=later) == 1
    assert stored_files(predictions_dir) == []
    data.refresh_from_db()
    assert data.discarded_at == later


def test_an_upload_cancelled_in_the_queue_is_deleted_at_once(
    start: Start, network: Network, predictions_dir: Path
) -> None:
    assessment = start()  # the on-commit enqueue is not run: it stays queued
    assert len(stored_files(predictions_dir)) == 1
    bias_assessment_cancel(actor=network.applicant_a, assessment=assessment)
    assert stored_files(predictions_dir) == []


def test_evidence_is_linked_to_the_items_the_measurement_mapping_names(
    finished: BiasAssessment, network: Network
) -> None:
    links = EvidenceLink.objects.filter(evidence=evidence_of(finished)).order_by("pk")
    # System A's intake: no automated decisions, not generative.
    expected = items_for("bias_assessment", network.intake_a.answers)
    assert [(link.item, link.extent) for link in links] == expected
    mapped = evidence_items_for(kind="bias_assessment", system=finished.system)
    assert [(link.item, link.extent, link.basis) for link in links] == mapped
    linked = {link.item: link for link in links}
    assert {link.catalogue_version for link in links} == {load_catalogue().version}
    assert linked["REQ-13-02"].extent == EvidenceLink.Extent.FULL
    assert linked["REQ-13-02"].basis == "measurements 2026.1: bias_assessment"
    assert "REQ-13-06" not in linked and "REQ-13-07" not in linked


def test_a_parquet_upload_and_a_score_with_a_threshold_work_too(
    start: Start, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assessment = start(
            upload=upload(parquet_bytes(), "decisions.parquet"),
            prediction="",
            score="score",
            threshold=0.6,
            policy="export-review",
        )
    assessment.refresh_from_db()
    assert assessment.status == "done", assessment.error
    content = evidence_of(assessment).content  # type: ignore[union-attr]
    assert (content["meta"]["score"], content["meta"]["threshold"]) == ("score", 0.6)
    assert content["meta"]["policy"]["id"] == "export-review"
    assert content["overall"]["auc"] is not None


def test_data_the_audit_refuses_fails_the_assessment_with_the_reason_in_both_languages(
    start: Start, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    frame = decisions()
    frame["y"] = frame["y"].map({0: "denied", 1: "repaid"})
    with django_capture_on_commit_callbacks(execute=True):
        assessment = start(upload=upload(csv_bytes(frame)))
    assessment.refresh_from_db()
    assert assessment.status == "failed"
    assert assessment.message == "The data could not be audited."
    assert "y" in assessment.error["en"] and "positive" in assessment.error["en"]
    assert "标签" in assessment.error["zh-Hans"]
    assert not Evidence.objects.exists()


# Checks before anything is saved -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("decisions.xlsx", b"PK\x03\x04 spreadsheet", "Choose a CSV"),
        ("decisions.exe", b"MZ\x90\x00", "Choose a CSV"),
        ("decisions.csv", b"sex,y,yhat\nF,1,0\n\xff\xff\xff,0,1\n", "UTF-8"),
        ("decisions.csv", b"sex,y,yhat\nF\x00,1,0\n", "NUL"),
        ("decisions.csv", b"", "empty"),
        ("decisions.parquet", b"sex,y,yhat\nF,1,0\n", "not a Parquet file"),
        ("decisions.jsonl", b"[1, 2, 3]\n", "JSON object"),
        ("decisions.parquet", b"PAR1" + b"\x07" * 40 + b"PAR1", "could not be read"),
        ("decisions.csv", b"sex,age,y,yhat\n", "no rows"),
    ],
    ids=[
        "spreadsheet",
        "program",
        "invalid-bytes",
        "nul",
        "empty",
        "fake-parquet",
        "json-array",
        "broken-parquet",
        "header-only",
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_saved(
    start: Start, predictions_dir: Path, name: str, content: bytes, expected: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        start(upload=upload(content, name))
    assert list(_errors(caught)) == ["file"]
    assert expected in " ".join(_errors(caught)["file"])
    assert _nothing_saved(predictions_dir)


def test_a_file_over_the_size_limit_is_refused(
    start: Start, predictions_dir: Path, settings: Any
) -> None:
    settings.TIANPING = {**settings.TIANPING, "MAX_PREDICTIONS_BYTES": 1024 * 1024}
    big = csv_bytes(decisions(80_000))
    assert len(big) > 1024 * 1024
    with pytest.raises(ValidationError) as caught:
        start(upload=upload(big))
    assert _errors(caught)["file"] == ["The file is larger than the limit of 1 MB."]
    assert _nothing_saved(predictions_dir)


def test_missing_columns_are_named_with_the_columns_there_are(
    start: Start, predictions_dir: Path
) -> None:
    with pytest.raises(ValidationError) as caught:
        start(protected=["sex", "region"], label="outcome", bins={})
    errors = _errors(caught)
    assert errors["protected"] == [
        "The file has no column “region”; its columns are: sex, age, y, yhat, score."
    ]
    assert errors["label"][0].startswith("The file has no column “outcome”")
    assert _nothing_saved(predictions_dir)


def test_bins_need_a_numeric_column_and_a_score_must_be_numeric(
    start: Start, predictions_dir: Path
) -> None:
    with pytest.raises(ValidationError) as caught:
        start(bins={"sex": [0, 1]})
    assert _errors(caught)["bins"] == ["“sex” holds VARCHAR, not numbers: it cannot be binned."]
    with pytest.raises(ValidationError) as caught:
        start(protected=["age"], bins={}, prediction="", score="sex")
    assert "cannot be a score" in _errors(caught)["score"][0]
    assert _nothing_saved(predictions_dir)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"protected": []}, "protected"),
        ({"protected": [f"c{i}" for i in range(11)]}, "protected"),
        ({"label": " "}, "label"),
        ({"prediction": "", "score": ""}, "prediction"),
        ({"threshold": 1.5}, "threshold"),
        ({"threshold": float("nan")}, "threshold"),
        ({"policy": "/etc/passwd"}, "policy"),
        ({"policy": "no-such-policy"}, "policy"),
        ({"replicates": 10**6}, "replicates"),
        ({"min_group_size": -1}, "min_group_size"),
        ({"bins": {"region": [0, 1]}}, "bins"),
        ({"bins": {"age": [40, 20]}}, "bins"),
        ({"bins": {"age": ["a", "b"]}}, "bins"),
        ({"label": "sex"}, "__all__"),
        ({"label": "y\x00"}, "label"),
        ({"title": "x" * 201}, "title"),
    ],
)
def test_invalid_settings_are_refused_before_the_file_is_read(
    start: Start, predictions_dir: Path, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        start(**changes)
    assert field in _errors(caught)
    assert _nothing_saved(predictions_dir)


def test_an_upload_and_a_server_path_together_are_refused(start: Start) -> None:
    with pytest.raises(ValidationError) as caught:
        start(server_path="/srv/data/decisions.csv")
    assert "__all__" in _errors(caught)


def test_only_the_owners_editors_may_start_an_assessment(
    start: Start, network: Network, predictions_dir: Path
) -> None:
    for actor in ("regulator_province_a", "chair_a", "applicant_b", "outsider"):
        with pytest.raises(PermissionDenied):
            start(actor=getattr(network, actor))
    assert start(actor=network.admin_a).requested_by == network.admin_a


# Files on the server -------------------------------------------------------------------------


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    """A server folder assessments may read, holding decisions.csv."""
    folder = tmp_path / "allowed"
    folder.mkdir()
    (folder / "decisions.csv").write_bytes(csv_bytes())
    settings.TIANPING = {**settings.TIANPING, "DATA_DIRS": [folder]}
    return folder


def test_a_file_in_an_allowed_folder_is_read_where_it_lies(
    start: Start,
    data_dir: Path,
    predictions_dir: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assessment = start(upload=None, server_path=str(data_dir / "decisions.csv"))
    assessment.refresh_from_db()
    assert assessment.status == "done", assessment.error
    assert (assessment.data.source, assessment.data.rows) == ("server", None)
    assert assessment.data.location == str((data_dir / "decisions.csv").resolve())
    assert stored_files(predictions_dir) == []  # nothing copied


def test_server_paths_are_refused_when_no_folder_is_allowed(start: Start) -> None:
    with pytest.raises(ValidationError) as caught:
        start(upload=None, server_path="/etc/passwd")
    assert _errors(caught)["server_path"] == [
        "Reading files on the server is not enabled on this platform."
    ]


def test_server_paths_outside_the_allowed_folders_are_refused(
    start: Start, data_dir: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "secret.csv"
    outside.write_bytes(csv_bytes())
    (data_dir / "link.csv").symlink_to(outside)
    for path in (
        str(outside),
        f"{data_dir}/../secret.csv",
        str(data_dir / "link.csv"),
        "relative/decisions.csv",
        f"{data_dir}/*.csv",
        str(data_dir / "missing.csv"),
        str(data_dir),
    ):
        with pytest.raises(ValidationError) as caught:
            start(upload=None, server_path=path)
        assert "server_path" in _errors(caught), path
    assert not BiasAssessment.objects.exists()


def test_a_server_file_moved_out_of_the_allowed_folders_is_no_longer_read(
    start: Start, data_dir: Path, settings: Any
) -> None:
    assessment = start(upload=None, server_path=str(data_dir / "decisions.csv"))
    settings.TIANPING = {**settings.TIANPING, "DATA_DIRS": []}
    bias_assessment_run(assessment_id=assessment.pk)
    assessment.refresh_from_db()
    assert (assessment.status, assessment.message) == ("failed", "The file may no longer be read.")


# Cancellation --------------------------------------------------------------------------------


def test_an_assessment_cancelled_in_the_queue_never_runs(start: Start, network: Network) -> None:
    assessment = start()
    assert assessment.status == "queued"
    bias_assessment_cancel(actor=network.applicant_a, assessment=assessment)
    bias_assessment_run(assessment_id=assessment.pk)
    assessment.refresh_from_db()
    assert (assessment.status, assessment.cancel_requested) == ("cancelled", True)
    assert assessment.message == "Cancelled before it started."
    assert not Evidence.objects.exists()


def test_a_running_assessment_stops_at_its_next_stage(
    start: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    assessment = start()
    stages: list[str] = []
    step = services._step

    def cancel_during_metrics(assessment_id: Any, *, progress: int, message: str) -> bool:
        stages.append(message)
        if message == services.STAGE_PROGRESS["metrics"][1]:
            # Someone presses "Cancel" while the group metrics are computed.
            BiasAssessment.objects.filter(pk=assessment_id).update(cancel_requested=True)
        return step(assessment_id, progress=progress, message=message)

    monkeypatch.setattr(services, "_step", cancel_during_metrics)
    bias_assessment_run(assessment_id=assessment.pk)
    assessment.refresh_from_db()
    assert (assessment.status, assessment.message) == ("cancelled", "Cancelled.")
    assert stages == [
        "Opening the data",
        services.STAGE_PROGRESS["counting"][1],
        services.STAGE_PROGRESS["metrics"][1],
    ]
    assert not Evidence.objects.exists() and assessment.counts is None


def test_progress_goes_through_every_stage(start: Start, monkeypatch: pytest.MonkeyPatch) -> None:
    assessment = start()
    seen: list[int] = []
    step = services._step

    def record(assessment_id: Any, *, progress: int, message: str) -> bool:
        seen.append(progress)
        return step(assessment_id, progress=progress, message=message)

    monkeypatch.setattr(services, "_step", record)
    bias_assessment_run(assessment_id=assessment.pk)
    assert seen == [5, 10, 40, 55, 85, 95]
    assessment.refresh_from_db()
    assert (assessment.status, assessment.progress) == ("done", 100)


def test_who_may_cancel(start: Start, network: Network) -> None:
    for actor in ("regulator_province_a", "chair_a", "applicant_b"):
        with pytest.raises(PermissionDenied):
            bias_assessment_cancel(actor=getattr(network, actor), assessment=start())
    cancelled = bias_assessment_cancel(actor=network.admin_a, assessment=start())
    assert cancelled.status == "cancelled"


def test_a_finished_assessment_cannot_be_cancelled(
    finished: BiasAssessment, network: Network
) -> None:
    with pytest.raises(ValidationError):
        bias_assessment_cancel(actor=network.applicant_a, assessment=finished)


def test_uploads_are_private_to_the_server_process(start: Start) -> None:
    assessment = start()  # queued: its upload is stored until the audit ends
    path = assessment.data.path()
    assert os.stat(path).st_mode & 0o077 == 0
    assert os.stat(path.parent).st_mode & 0o077 == 0

"""Dataset privacy scans: upload checks, the background run, evidence, masking, permissions."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.web.factories import Network, bearer_client
from tianping.norms import items_for
from tianping.web.assessments.evidence.selectors import evidence_of
from tianping.web.assessments.evidence.services import evidence_items_for
from tianping.web.assessments.models import Evidence, EvidenceLink, PredictionsFile, PrivacyScan
from tianping.web.assessments.privacy.services import (
    privacy_scan_cancel,
    privacy_scan_run,
    privacy_scan_start,
)

RAW_ID = "11010519491231002X"
ROWS = [
    ("张三", RAW_ID, "13912345678", "良好"),
    ("李四", "", "", "一般"),
    ("王五", "", "13812345678", "良好"),
    ("赵六", "", "", "良好"),
]


def dataset(sep: str = ",") -> bytes:
    lines = [sep.join(["姓名", "身份证号", "手机号", "评价"])]
    lines += [sep.join(row) for row in ROWS]
    return ("\n".join(lines) + "\n").encode("utf-8")


def people(name: str = "people.csv", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, dataset() if content is None else content)


@pytest.fixture
def finished_scan(
    network: Network, django_capture_on_commit_callbacks: Callable[..., Any]
) -> PrivacyScan:
    with django_capture_on_commit_callbacks(execute=True):
        scan = privacy_scan_start(
            actor=network.applicant_a, system=network.system_a, upload=people()
        )
    scan.refresh_from_db()
    assert scan.status == PrivacyScan.Status.DONE, (scan.message, scan.error)
    return scan


def _start_url(network: Network) -> str:
    return f"/api/systems/{network.system_a.pk}/privacy-scans"


def test_the_evidence_items_come_from_the_measurement_mapping(network: Network) -> None:
    # System A's intake: no personal information, no automated decisions, not generative.
    items = {
        i: (e, b) for i, e, b in evidence_items_for(kind="privacy_profile", system=network.system_a)
    }
    assert list(items) == ["REQ-03-08", "REQ-11-02"]
    assert items["REQ-03-08"] == ("partial", "measurements 2026.1: privacy_scan")
    # System B's: sensitive personal information, automated hiring, generative.
    items = {
        i: (e, b) for i, e, b in evidence_items_for(kind="privacy_profile", system=network.system_b)
    }
    assert {"REQ-03-09", "REQ-03-10", "REQ-11-08", "REQ-11-09"} <= set(items)
    assert items["REQ-11-08"] == (
        "partial",
        "measurements 2026.1: privacy_scan; generative is true",
    )
    assert "REQ-12-06" not in items and "REQ-03-11" not in items


def test_a_scan_files_a_profile_as_linked_evidence(
    network: Network, finished_scan: PrivacyScan
) -> None:
    evidence = evidence_of(finished_scan)
    assert evidence is not None
    assert evidence.kind == Evidence.Kind.PRIVACY_PROFILE
    content = evidence.content
    assert content["rows"] == 4 and content["pipl_class"] == "high-risk"
    assert finished_scan.pipl_class == "high-risk" and finished_scan.progress == 100
    column = next(c for c in content["columns"] if c["column"] == "身份证号")
    assert column["entities"] == {"cn_resident_id": 1} and column["share"] == 0.25
    assert any(f["entity"] == "cn_resident_id" for f in content["findings"])
    linked = list(
        EvidenceLink.objects.filter(evidence=evidence).order_by("pk").values_list("item", "extent")
    )
    assert linked == items_for("privacy_scan", network.intake_a.answers)


def test_no_raw_value_reaches_the_page_the_api_or_the_evidence(
    network: Network, finished_scan: PrivacyScan, client: Client
) -> None:
    client.force_login(network.applicant_a)
    page = client.get(f"/assessments/privacy/{finished_scan.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "privacy-columns" in html and "身份证号" in html
    api = bearer_client(network.applicant_a).get(f"/api/privacy-scans/{finished_scan.pk}")
    assert api.status_code == 200 and api.json()["result"]["rows"] == 4
    stored = json.dumps(evidence_of(finished_scan).content)  # type: ignore[union-attr]
    for text in (html, api.content.decode(), stored):
        for raw in (RAW_ID, "13912345678", "13812345678"):
            assert raw not in text


def test_tsv_and_the_upload_checks(network: Network, predictions_dir: Path) -> None:
    scan = privacy_scan_start(
        actor=network.applicant_a,
        system=network.system_a,
        upload=people("people.tsv", dataset("\t")),
    )
    assert scan.data.format == "tsv" and scan.data.rows == 4
    privacy_scan_run(scan_id=scan.pk)
    scan.refresh_from_db()
    assert scan.status == PrivacyScan.Status.DONE and scan.pipl_class == "high-risk"
    before = PredictionsFile.objects.count()
    for bad in (people("people.txt"), people("people.csv", b""), people("x.csv", b"a\x00b\n")):
        with pytest.raises(ValidationError):
            privacy_scan_start(actor=network.applicant_a, system=network.system_a, upload=bad)
    with pytest.raises(ValidationError):
        privacy_scan_start(
            actor=network.applicant_a, system=network.system_a, server_path="/etc/passwd"
        )
    assert PredictionsFile.objects.count() == before


def test_an_upload_over_the_limit_is_refused(
    network: Network, settings: Any, predictions_dir: Path
) -> None:
    settings.TIANPING = {**settings.TIANPING, "MAX_PREDICTIONS_BYTES": 10}
    with pytest.raises(ValidationError):
        privacy_scan_start(actor=network.applicant_a, system=network.system_a, upload=people())
    assert not PrivacyScan.objects.exists()


def test_a_server_file_in_an_allowed_folder_is_scanned(
    network: Network, settings: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "people.csv").write_bytes(dataset())
    settings.TIANPING = {**settings.TIANPING, "DATA_DIRS": [folder]}
    scan = privacy_scan_start(
        actor=network.applicant_a, system=network.system_a, server_path=str(folder / "people.csv")
    )
    privacy_scan_run(scan_id=scan.pk)
    scan.refresh_from_db()
    assert scan.status == PrivacyScan.Status.DONE
    assert str(folder) not in json.dumps(evidence_of(scan).content)  # type: ignore[union-attr]


def test_cancelling_queued_and_running_scans(network: Network) -> None:
    queued = privacy_scan_start(actor=network.applicant_a, system=network.system_a, upload=people())
    queued = privacy_scan_cancel(actor=network.applicant_a, scan=queued)
    assert queued.status == PrivacyScan.Status.CANCELLED
    with pytest.raises(ValidationError):
        privacy_scan_cancel(actor=network.applicant_a, scan=queued)

    running = privacy_scan_start(
        actor=network.applicant_a, system=network.system_a, upload=people()
    )
    PrivacyScan.objects.filter(pk=running.pk).update(
        status=PrivacyScan.Status.RUNNING, cancel_requested=True
    )
    privacy_scan_run(scan_id=running.pk)
    running.refresh_from_db()
    assert running.status == PrivacyScan.Status.CANCELLED
    assert evidence_of(running) is None


def test_permissions(network: Network, finished_scan: PrivacyScan) -> None:
    other = bearer_client(network.applicant_b)
    assert other.get(f"/api/privacy-scans/{finished_scan.pk}").status_code == 404
    assert other.get(_start_url(network)).status_code == 404
    assert other.post(_start_url(network), {"file": people()}).status_code == 404
    regulator = bearer_client(network.regulator_province_a)
    assert regulator.get(f"/api/privacy-scans/{finished_scan.pk}").status_code == 200
    assert regulator.post(_start_url(network), {"file": people()}).status_code == 403
    assert regulator.post(f"/api/privacy-scans/{finished_scan.pk}/cancel").status_code == 403
    with pytest.raises(PermissionDenied):
        privacy_scan_start(
            actor=network.regulator_province_a, system=network.system_a, upload=people()
        )


def test_the_api_starts_reads_and_cancels(
    network: Network, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    api = bearer_client(network.applicant_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(_start_url(network), {"file": people(), "title": "People"})
    assert response.status_code == 202, response.content
    started = response.json()
    body = api.get(f"/api/privacy-scans/{started['id']}").json()
    assert body["status"] == "done" and body["pipl_class"] == "high-risk"
    assert {"id": "REQ-03-08", "extent": "partial"}.items() <= body["evidence_items"][0].items()
    assert [s["id"] for s in api.get(_start_url(network)).json()] == [started["id"]]
    assert api.post(_start_url(network), {}).status_code == 422
    queued = api.post(_start_url(network), {"file": people()}).json()
    cancel = api.post(f"/api/privacy-scans/{queued['id']}/cancel")
    assert cancel.status_code == 200 and cancel.json()["status"] == "cancelled"


def test_the_draft_impact_assessment_pdf(
    network: Network, finished_scan: PrivacyScan, client: Client
) -> None:
    import io

    from pypdf import PdfReader

    client.force_login(network.applicant_a)
    page = client.get(f"/assessments/privacy/{finished_scan.pk}/").content.decode()
    url = f"/assessments/privacy/{finished_scan.pk}/impact-report/"
    assert url in page and "download-impact-report" in page
    response = client.get(url, {"language": "both"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    squashed = "".join(text.split())
    assert "对个人权益的影响及安全风险" in squashed
    assert "个人信息保护影响评估" in squashed
    assert "".join(network.system_a.name.split()) in squashed
    for raw in (RAW_ID, "13912345678", "13812345678"):
        assert raw not in text and raw not in squashed
    other = Client()
    other.force_login(network.applicant_b)
    assert other.get(url).status_code == 404
    regulator = Client()
    regulator.force_login(network.regulator_province_a)
    assert regulator.get(url, {"language": "en"}).status_code == 200

"""Attachments of a risk report: types by content, personal data, visibility, the ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.web.factories import Network, bearer_client
from tests.web.network.factories import PHONE, RESIDENT_ID, city_regulator, file_report
from tianping.web.network.models import ReportAttachment, RiskReport

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
CSV = "时间,现象\n2025-03-01,评分错发给另一位客户\n".encode()


@pytest.fixture
def folder(settings: Any, tmp_path: Path) -> Path:
    """The storage of uploads under a fresh folder."""
    where = tmp_path / "uploads"
    settings.TIANPING = {**settings.TIANPING, "PREDICTIONS_DIR": where}
    return where


def _stored(where: Path) -> list[Path]:
    return [p for p in where.rglob("*") if p.is_file()] if where.exists() else []


def _upload(client: Client, report: RiskReport, name: str, data: bytes, **fields: Any) -> Any:
    return client.post(
        f"/api/network/reports/{report.pk}/attachments",
        {"file": SimpleUploadedFile(name, data, "application/octet-stream"), **fields},
        headers={"Accept-Language": "en"},
    )


def _web(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _download(client: Client, report: RiskReport, attachment: int) -> Any:
    return client.get(reverse("network:report_attachment_download", args=[report.pk, attachment]))


def test_a_clean_text_attachment_is_stored_encrypted_and_named_by_digest(
    network: Network, folder: Path
) -> None:
    n = network
    report = file_report(n, visibility="public")
    reporter = bearer_client(n.applicant_a)
    made = _upload(reporter, report, "timeline.csv", CSV)
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["scanned"] is True and body["size"] == len(CSV)
    row = ReportAttachment.objects.get()
    assert row.sha256 == body["sha256"] and row.ledger_index is not None
    stored = _stored(folder)
    assert len(stored) == 1 and CSV not in stored[0].read_bytes()  # encrypted at rest
    got = _download(_web(n.applicant_a), report, row.pk)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == CSV
    # A public report: its scanned text is readable by anyone who reads the report.
    assert _download(_web(n.applicant_b), report, row.pk).status_code == 200


def test_text_with_personal_data_is_refused_naming_it(network: Network, folder: Path) -> None:
    n = network
    report = file_report(n)
    reporter = bearer_client(n.applicant_a)
    text = f"客户身份证 {RESIDENT_ID}，电话 {PHONE}\n".encode()
    refused = _upload(reporter, report, "notes.txt", text)
    assert refused.status_code == 422
    message = " ".join(refused.json()["detail"]["file"])
    assert "resident ID number" in message and "mobile phone number" in message
    assert not ReportAttachment.objects.exists() and _stored(folder) == []


def test_types_are_judged_by_content_and_unscannable_files_need_a_confirmation(
    network: Network, folder: Path, settings: Any
) -> None:
    n = network
    report = file_report(n, visibility="public")
    reporter = bearer_client(n.applicant_a)
    fake = _upload(reporter, report, "scan.pdf", b"not a pdf at all\n" * 4)
    assert fake.status_code == 422 and "file" in fake.json()["detail"]
    gbk = _upload(reporter, report, "notes.txt", "评分错发".encode("gbk"))
    assert gbk.status_code == 422
    unconfirmed = _upload(reporter, report, "scan.pdf", PDF)
    assert unconfirmed.status_code == 422
    assert "no_personal_data" in unconfirmed.json()["detail"]
    assert not ReportAttachment.objects.exists() and _stored(folder) == []

    confirmed = _upload(reporter, report, "scan.pdf", PDF, no_personal_data="true")
    assert confirmed.status_code == 201, confirmed.content
    pdf_id = confirmed.json()["id"]
    assert ReportAttachment.objects.get().no_personal_data_confirmed is True
    # Outside the reporting organisation and the route: not listed, not downloadable.
    assert (
        bearer_client(n.applicant_b).get(f"/api/network/reports/{report.pk}/attachments").json()
        == []
    )
    assert _download(_web(n.applicant_b), report, pdf_id).status_code == 404
    assert report.route.filter(pk=n.city_a.pk).exists()
    assert _download(_web(city_regulator(n)), report, pdf_id).status_code == 200
    # Only the reporting organisation attaches; at most max_count files.
    other = _upload(bearer_client(n.applicant_b), report, "x.txt", b"plain\n")
    assert other.status_code == 403
    settings.TIANPING_REPORT_ATTACHMENTS = {"max_count": 1}
    full = _upload(reporter, report, "more.txt", b"plain\n")
    assert full.status_code == 422
    assert ReportAttachment.objects.count() == 1


def test_a_report_outside_the_route_and_its_attachments_answer_404(
    network: Network, folder: Path
) -> None:
    n = network
    report = file_report(n)  # visibility: the organisation and its route only
    made = _upload(bearer_client(n.applicant_a), report, "timeline.csv", CSV)
    pk = made.json()["id"]
    outsider = bearer_client(n.applicant_b)
    assert outsider.get(f"/api/network/reports/{report.pk}/attachments").status_code == 404
    assert _upload(outsider, report, "x.txt", b"plain\n").status_code == 404
    assert _download(_web(n.applicant_b), report, pk).status_code == 404


def test_the_report_page_attaches_and_lists_files(network: Network, folder: Path) -> None:
    n = network
    report = file_report(n)
    client = _web(n.applicant_a)
    url = reverse("network:report_attachment_add", args=[report.pk])
    refused = client.post(
        url,
        {"file": SimpleUploadedFile("scan.pdf", PDF, "application/pdf")},
        follow=True,
        headers={"Accept-Language": "en"},
    )
    assert "cannot be scanned" in refused.content.decode()
    done = client.post(
        url,
        {
            "file": SimpleUploadedFile("scan.pdf", PDF, "application/pdf"),
            "no_personal_data": "on",
        },
        follow=True,
    )
    assert done.status_code == 200
    page = done.content.decode()
    assert "scan.pdf" in page and 'id="attachment-form"' in page
    assert ReportAttachment.objects.filter(report=report).count() == 1

"""Uploads in the encodings the library reads: UTF-8, UTF-16 with a BOM, GB18030 (GBK).

Excel on Chinese Windows saves CSV as GBK; the command line reads it
(:func:`tianping.privacy.sniff_encoding`), and so does the platform: the file is
stored as UTF-8, while its SHA-256 stays that of the bytes uploaded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from tests.web.assessments.factories import decisions, stored_files, upload
from tests.web.assessments.test_assessments_views import _new_url, form_data
from tests.web.assessments.test_privacy_scans import RAW_ID, dataset
from tests.web.factories import Network, bearer_client, logged_in_client
from tianping.web.assessments.datafiles import check_upload
from tianping.web.assessments.models import BiasAssessment, PredictionsFile, PrivacyScan
from tianping.web.assessments.privacy.services import privacy_scan_start

FIELDS = {
    "protected": "性别,age",
    "label": "y",
    "prediction": "yhat",
    "bins": "age=0,40,200",
    "replicates": "200",
}


def chinese_csv(encoding: str) -> bytes:
    """``decisions()`` with a Chinese column name and group names, in ``encoding``."""
    frame = decisions().rename(columns={"sex": "性别"})
    frame["性别"] = frame["性别"].map({"F": "女", "M": "男"})
    return frame.to_csv(index=False).encode(encoding)


def _groups(result: Any) -> str:
    return json.dumps(result, ensure_ascii=False)


def test_a_gb18030_upload_is_stored_as_utf8_with_the_digest_of_the_bytes_sent(
    predictions_dir: Path,
) -> None:
    data = chinese_csv("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    checked = check_upload(upload(data))
    try:
        assert checked.encoding == "gb18030" and checked.size == len(data)
        assert checked.sha256 == hashlib.sha256(data).hexdigest()
        assert checked.path.read_bytes() == chinese_csv("utf-8")
        assert checked.column_names == ["性别", "age", "y", "yhat", "score"]
        assert stored_files(predictions_dir) == [checked.path]  # the raw copy is gone
    finally:
        checked.path.unlink()


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("gbk", "gb18030")],
)
def test_utf8_with_a_bom_utf16_with_a_bom_and_gbk_are_read(
    encoding: str, expected: str, predictions_dir: Path
) -> None:
    checked = check_upload(upload(chinese_csv(encoding)))
    try:
        assert checked.encoding == expected and checked.rows == 600
        assert checked.path.read_bytes() == chinese_csv("utf-8")
    finally:
        checked.path.unlink()


def test_a_gb18030_csv_is_audited_through_the_api_with_its_group_names(
    network: Network, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    api = bearer_client(network.applicant_a)
    url = f"/api/systems/{network.system_a.pk}/bias-assessments"
    data = chinese_csv("gb18030")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(url, {**FIELDS, "file": upload(data)})
    assert response.status_code == 202, response.content
    assert response.json()["data"]["columns"] == ["性别", "age", "y", "yhat", "score"]
    body = api.get(f"/api/bias-assessments/{response.json()['id']}").json()
    assert (body["status"], body["verdict"]) == ("done", "fail"), body
    groups = _groups(body["result"])
    assert '"男"' in groups and '"女"' in groups
    assert PredictionsFile.objects.get().sha256 == hashlib.sha256(data).hexdigest()


def test_a_gb18030_csv_is_audited_through_the_page_with_its_group_names(
    network: Network, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    client = logged_in_client(network.applicant_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _new_url(network),
            form_data(file=upload(chinese_csv("gb18030")), protected="性别，age"),
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assessment = BiasAssessment.objects.get()
    assert assessment.status == BiasAssessment.Status.DONE, (assessment.message, assessment.error)
    assert '"男"' in _groups(assessment.counts) and '"女"' in _groups(assessment.counts)
    page = client.get(response["Location"]).content.decode()
    assert "男" in page and "女" in page and 'data-verdict="fail"' in page


def test_a_privacy_scan_finds_an_id_number_in_a_gbk_file(
    network: Network, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    data = dataset().decode("utf-8").encode("gbk")
    with django_capture_on_commit_callbacks(execute=True):
        scan = privacy_scan_start(
            actor=network.applicant_a,
            system=network.system_a,
            upload=SimpleUploadedFile("people.csv", data),
        )
    scan.refresh_from_db()
    assert scan.status == PrivacyScan.Status.DONE, (scan.message, scan.error)
    assert scan.pipl_class == "high-risk" and scan.data.rows == 4
    assert scan.data.sha256 == hashlib.sha256(data).hexdigest()
    body = bearer_client(network.applicant_a).get(f"/api/privacy-scans/{scan.pk}").json()
    column = next(c for c in body["result"]["columns"] if c["column"] == "身份证号")
    assert column["entities"] == {"cn_resident_id": 1}
    assert RAW_ID not in json.dumps(body, ensure_ascii=False)


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"sex,y,yhat\nF,1,0\n\xc3\x28,0,1\n\xff\xfe,1,1\n", "invalid byte at position 17"),
        ("name,y,yhat\nJosé,1,0\n".encode("latin-1"), "GB18030/GBK"),
        (b"sex,y,yhat\nF,1,0\nM\x00,0,1\n", "NUL bytes"),
        ("sex,y,yhat\nF,1,0\nM\x00,0,1\n".encode("utf-16"), "NUL bytes"),
        (b"sex,y,yhat\n" + "女".encode("gb18030")[:1], "middle of a character"),
    ],
)
def test_bytes_in_no_supported_encoding_are_refused_and_nothing_is_kept(
    content: bytes, needle: str, predictions_dir: Path
) -> None:
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            check_upload(upload(content))
        message = " ".join(caught.value.message_dict["file"])
    assert needle in message, message
    if needle != "NUL bytes":
        assert "UTF-8 and GB18030/GBK are accepted" in message, message
    assert stored_files(predictions_dir) == []


def test_the_form_refuses_invalid_bytes_with_the_message(network: Network) -> None:
    client: Client = logged_in_client(network.applicant_a)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(_new_url(network), form_data(file=upload(b"a,b\n\xff\xff\xff,1\n")))
    assert response.status_code == 200
    assert "UTF-8 and GB18030/GBK are accepted" in response.content.decode()
    assert not PredictionsFile.objects.exists()


def test_a_decoded_size_over_the_job_limit_is_refused(predictions_dir: Path, settings: Any) -> None:
    data = chinese_csv("utf-16")  # two bytes a character; its UTF-8 copy is smaller
    settings.TIANPING = {**settings.TIANPING, "JOB_MAX_DECODED_BYTES": 1000}
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        check_upload(upload(data))
    assert "TIANPING_JOB_MAX_DECODED_BYTES" in " ".join(caught.value.message_dict["file"])
    assert stored_files(predictions_dir) == []

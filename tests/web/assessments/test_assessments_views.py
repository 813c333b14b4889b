"""Bias assessment pages through Django's test client: the form, progress, results, PDF."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from tests.web.assessments.factories import csv_bytes, decisions, stored_files, upload
from tests.web.factories import Network, logged_in_client
from tianping.web.assessments.models import BiasAssessment, PredictionsFile

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def applicant(network: Network) -> Client:
    return logged_in_client(network.applicant_a)


def _english(client: Client) -> Client:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def form_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Credit model 2.1 信贷模型",
        "file": upload(),
        "protected": "sex，age",
        "label": "y",
        "prediction": "yhat",
        "threshold": "0.5",
        "bins": "age=0,40,200",
        "policy": "four-fifths",
        "replicates": "200",
        "min_group_size": "30",
    }
    data.update(changes)
    return data


def _new_url(network: Network) -> str:
    return reverse("assessments:new", kwargs={"pk": network.system_a.pk})


def test_the_system_page_offers_an_assessment_to_its_editors_only(network: Network) -> None:
    url = reverse("systems:detail", kwargs={"pk": network.system_a.pk})
    page = logged_in_client(network.applicant_a).get(url).content.decode()
    assert 'id="bias-assessments"' in page and 'id="new-assessment"' in page
    page = logged_in_client(network.regulator_province_a).get(url).content.decode()
    assert 'id="bias-assessments"' in page and 'id="new-assessment"' not in page


def test_the_form_runs_the_assessment_and_the_page_shows_charts_and_verdict(
    network: Network, applicant: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = applicant.post(_new_url(network), form_data())
    assessment = BiasAssessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "assessments:detail", kwargs={"assessment_id": assessment.pk}
    )
    assert assessment.parameters["protected"] == ["sex", "age"]
    assert assessment.parameters["bins"] == {"age": [0.0, 40.0, 200.0]}

    page = applicant.get(response["Location"]).content.decode()
    assert 'data-verdict="fail"' in page
    assert ">不通过<" in page  # the verdict in the reader's language (Chinese by default)
    assert page.count("<svg") >= 4  # one disparity chart, three group charts
    assert 'data-metric="disparate_impact"' in page
    assert "REQ-13-02" in page
    assert "差别影响比率" in page  # the explanation, in Chinese

    english = _english(applicant).get(response["Location"]).content.decode()
    assert ">Fail<" in english
    assert "disparate impact ratio" in english
    assert "差别影响比率" not in english


def test_the_chart_metric_can_be_switched(finished: BiasAssessment, applicant: Client) -> None:
    url = reverse("assessments:detail", kwargs={"assessment_id": finished.pk})
    page = _english(applicant).get(url, {"rate": "tpr"}).content.decode()
    assert '<option value="tpr" selected>' in page
    assert 'aria-label="true positive rate (sex × age)"' in page
    odd = applicant.get(url, {"rate": "<script>"})
    assert odd.status_code == 200 and "<script>" not in odd.content.decode().split("<main")[1]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"file": upload(b"\xd0\xd4\xb1\xf0,y\n", "x.csv")}, "file", "UTF-8"),
        ({"file": upload(b"a,b\n1,2\n", "decisions.txt")}, "file", "Choose a CSV"),
        ({"label": "outcome"}, "label", "no column “outcome”"),
        ({"bins": "age=zero"}, "bins", "COLUMN=EDGE"),
        ({"file": ""}, "file", "Choose a predictions file."),
        ({"threshold": "2"}, "threshold", ""),
    ],
)
def test_a_refused_form_shows_the_field_error_and_saves_nothing(
    network: Network,
    applicant: Client,
    predictions_dir: Path,
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    # The expected messages are English; the platform's default language is Chinese.
    response = _english(applicant).post(_new_url(network), form_data(**changes))
    assert response.status_code == 200
    page = response.content.decode()
    block = page.split(f'id="field-{field}"')[1].split("</div>")[0]
    assert 'class="error"' in block and message in block
    assert not BiasAssessment.objects.exists() and not PredictionsFile.objects.exists()
    assert stored_files(predictions_dir) == []


def test_an_upload_over_the_limit_is_cut_off_while_it_arrives(
    network: Network, applicant: Client, settings: Any, predictions_dir: Path
) -> None:
    settings.TIANPING = {**settings.TIANPING, "MAX_PREDICTIONS_BYTES": 1024 * 1024}
    big = upload(csv_bytes(decisions(80_000)))
    response = _english(applicant).post(_new_url(network), form_data(file=big))
    assert response.status_code == 200
    assert "larger than the limit of 1 MB" in response.content.decode()
    assert not BiasAssessment.objects.exists()
    assert stored_files(predictions_dir) == []


def test_the_form_needs_the_csrf_token(network: Network) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(network.applicant_a)
    assert client.post(_new_url(network), form_data()).status_code == 403
    assert not BiasAssessment.objects.exists()


def test_the_server_path_field_appears_only_when_a_folder_is_allowed(
    network: Network, applicant: Client, settings: Any, tmp_path: Path
) -> None:
    assert 'name="server_path"' not in applicant.get(_new_url(network)).content.decode()
    settings.TIANPING = {**settings.TIANPING, "DATA_DIRS": [tmp_path]}
    assert 'name="server_path"' in applicant.get(_new_url(network)).content.decode()


def test_a_queued_assessment_shows_progress_and_htmx_polls_it(
    network: Network, applicant: Client
) -> None:
    applicant.post(_new_url(network), form_data())  # queued: the test transaction never commits
    assessment = BiasAssessment.objects.get()
    url = reverse("assessments:detail", kwargs={"assessment_id": assessment.pk})
    page = applicant.get(url).content.decode()
    assert 'id="assessment-job"' in page and 'hx-trigger="every 1s"' in page
    assert 'id="cancel-assessment"' in page
    partial = applicant.get(url, headers={"HX-Request": "true"})
    assert partial.content.decode().startswith('<div id="assessment-job"')
    assert "HX-Refresh" not in partial


def test_a_finished_assessment_tells_htmx_to_reload_the_page(
    finished: BiasAssessment, applicant: Client
) -> None:
    url = reverse("assessments:detail", kwargs={"assessment_id": finished.pk})
    partial = applicant.get(url, headers={"HX-Request": "true"})
    assert partial["HX-Refresh"] == "true"


def test_cancelling_from_the_page(network: Network, applicant: Client) -> None:
    applicant.post(_new_url(network), form_data())
    assessment = BiasAssessment.objects.get()
    response = applicant.post(
        reverse("assessments:cancel", kwargs={"assessment_id": assessment.pk})
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "cancelled"
    page = applicant.get(response["Location"]).content.decode()
    assert 'data-status="cancelled"' in page and 'id="cancel-assessment"' not in page


def test_a_failed_assessment_shows_why_in_the_readers_language(
    network: Network, applicant: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    frame = decisions()
    frame["y"] = 7
    with django_capture_on_commit_callbacks(execute=True):
        applicant.post(_new_url(network), form_data(file=upload(csv_bytes(frame))))
    assessment = BiasAssessment.objects.get()
    url = reverse("assessments:detail", kwargs={"assessment_id": assessment.pk})
    page = applicant.get(url).content.decode()
    assert 'data-status="failed"' in page and 'id="assessment-error"' in page
    assert "标签" in page.split('id="assessment-error"')[1].split("</p>")[0]


def test_the_pdf_report_is_downloaded_with_chinese_text(
    finished: BiasAssessment, applicant: Client
) -> None:
    url = reverse("assessments:report", kwargs={"assessment_id": finished.pk})
    response = applicant.get(url, {"language": "zh-Hans"})
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="tianping-bias-{finished.system_id}-'
    )
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() or "" for page in reader.pages)
    for expected in ("人工智能系统偏见评估报告", "总体结论", "不通过", "差别影响比率", "REQ-13-02"):
        assert expected in text
    assert "不证明系统公平" in text


def test_the_pdf_of_an_unfinished_assessment_answers_409(
    network: Network, applicant: Client
) -> None:
    applicant.post(_new_url(network), form_data())
    assessment = BiasAssessment.objects.get()
    url = reverse("assessments:report", kwargs={"assessment_id": assessment.pk})
    assert applicant.get(url).status_code == 409

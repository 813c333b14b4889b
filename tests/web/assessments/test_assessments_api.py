"""The JSON API of bias assessments: start (multipart upload), read the result, list, cancel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.web.assessments.factories import upload
from tests.web.factories import Network, bearer_client
from tianping.fairness import SCHEMA
from tianping.web.assessments.models import BiasAssessment

FIELDS = {
    "protected": "sex,age",
    "label": "y",
    "prediction": "yhat",
    "bins": "age=0,40,200",
    "replicates": "200",
}


@pytest.fixture
def api_a(network: Network) -> Client:
    return bearer_client(network.applicant_a)


def _start_url(network: Network) -> str:
    return f"/api/systems/{network.system_a.pk}/bias-assessments"


def test_an_upload_through_the_api_is_audited_and_its_result_read_back(
    network: Network, api_a: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = api_a.post(_start_url(network), {**FIELDS, "file": upload()})
    assert response.status_code == 202, response.content
    started = response.json()
    assert started["status"] == "queued" and started["result"] is None
    assert started["data"]["columns"] == ["sex", "age", "y", "yhat", "score"]

    read = api_a.get(f"/api/bias-assessments/{started['id']}")
    assert read.status_code == 200
    body = read.json()
    assert (body["status"], body["verdict"], body["progress"]) == ("done", "fail", 100)
    assert body["result"]["schema"] == SCHEMA
    assert body["evidence_sha256"] and "REQ-13-02" in [i["id"] for i in body["evidence_items"]]
    listed = api_a.get(_start_url(network)).json()
    assert [a["id"] for a in listed] == [started["id"]] and listed[0]["result"] is None


def test_api_errors_name_the_field_and_save_nothing(network: Network, api_a: Client) -> None:
    response = api_a.post(_start_url(network), {**FIELDS, "label": "outcome", "file": upload()})
    assert response.status_code == 422
    assert "label" in response.json()["detail"]
    response = api_a.post(_start_url(network), {**FIELDS, "bins": "age=x"})
    assert response.status_code == 422 and "bins" in response.json()["detail"]
    response = api_a.post(_start_url(network), FIELDS)
    assert response.status_code == 422 and "__all__" in response.json()["detail"]
    assert not BiasAssessment.objects.exists()


def test_api_messages_follow_the_request_language(network: Network, api_a: Client) -> None:
    response = api_a.post(
        _start_url(network),
        {**FIELDS, "file": upload(b"x", "a.xlsx")},
        headers={"Accept-Language": "en"},
    )
    assert response.json()["detail"]["file"][0].startswith("Choose a CSV")


def test_other_organisations_get_404_and_readers_403(
    network: Network, finished: BiasAssessment
) -> None:
    other = bearer_client(network.applicant_b)
    assert other.get(f"/api/bias-assessments/{finished.pk}").status_code == 404
    assert other.post(_start_url(network), FIELDS).status_code == 404
    assert other.get(_start_url(network)).status_code == 404
    regulator = bearer_client(network.regulator_province_a)
    assert regulator.get(f"/api/bias-assessments/{finished.pk}").status_code == 200
    assert regulator.post(_start_url(network), {**FIELDS, "file": upload()}).status_code == 403
    cancel = regulator.post(f"/api/bias-assessments/{finished.pk}/cancel")
    assert cancel.status_code == 403


def test_cancelling_through_the_api(network: Network, api_a: Client) -> None:
    started = api_a.post(_start_url(network), {**FIELDS, "file": upload()}).json()
    response = api_a.post(f"/api/bias-assessments/{started['id']}/cancel")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    again = api_a.post(f"/api/bias-assessments/{started['id']}/cancel")
    assert again.status_code == 422


def test_unknown_assessments_answer_json_404(api_a: Client) -> None:
    for url in (
        "/api/bias-assessments/00000000-0000-0000-0000-000000000000",
        "/api/bias-assessments/not-a-uuid",
    ):
        response = api_a.get(url, headers={"Accept-Language": "en"})
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}

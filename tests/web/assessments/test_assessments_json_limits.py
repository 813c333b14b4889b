"""Hostile JSON Lines uploads: 100,000 nested ``[`` or a 5,000-digit number, on every endpoint.

Bias assessments and privacy scans take uploads on a page (a form) and on the
API. Each answers a field error (200 with the form, 422 from the API) that
names the limit, saves nothing, and never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.web.factories import Network, bearer_client, logged_in_client
from tianping.jsonsafe import MAX_DEPTH, MAX_NUMBER_LENGTH
from tianping.web.assessments.datafiles import ERR_JSON_NUMBER_TOO_LONG, ERR_JSON_TOO_DEEP
from tianping.web.assessments.models import BiasAssessment, PredictionsFile, PrivacyScan

DEEP = b"[" * 100_000 + b"\n"
HUGE = b'{"sex": "F", "y": 1, "yhat": 1, "amount": ' + b"1" * 5000 + b"}\n"
ROWS = b"".join(b'{"sex": "%s", "y": %d, "yhat": %d}\n' % (s, n % 2, n % 3 % 2)
                for n, s in enumerate([b"F", b"M"] * 40))  # fmt: skip


def _expected(kind: str) -> str:
    with translation.override("en"):
        if kind == "deep":
            return str(ERR_JSON_TOO_DEEP).format(limit=MAX_DEPTH)
        return str(ERR_JSON_NUMBER_TOO_LONG).format(limit=MAX_NUMBER_LENGTH)


def _file(kind: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("decisions.jsonl", (DEEP if kind == "deep" else HUGE) + ROWS)


def _page(network: Network) -> Client:
    client = logged_in_client(network.applicant_a)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


BIAS_FIELDS = {"protected": "sex", "label": "y", "prediction": "yhat", "replicates": "200"}
ENDPOINTS: dict[str, Callable[[Network, SimpleUploadedFile], Any]] = {
    "bias assessment page": lambda n, f: _page(n).post(
        reverse("assessments:new", kwargs={"pk": n.system_a.pk}),
        {
            "title": "t",
            "file": f,
            **BIAS_FIELDS,
            "threshold": "0.5",
            "policy": "four-fifths",
            "min_group_size": "30",
        },
    ),
    "bias assessment API": lambda n, f: bearer_client(n.applicant_a).post(
        f"/api/systems/{n.system_a.pk}/bias-assessments",
        {**BIAS_FIELDS, "file": f},
        headers={"Accept-Language": "en"},
    ),
    "privacy scan page": lambda n, f: _page(n).post(
        reverse("assessments:privacy_new", kwargs={"pk": n.system_a.pk}), {"file": f}
    ),
    "privacy scan API": lambda n, f: bearer_client(n.applicant_a).post(
        f"/api/systems/{n.system_a.pk}/privacy-scans",
        {"file": f},
        headers={"Accept-Language": "en"},
    ),
}


@pytest.mark.parametrize("kind", ["deep", "huge"])
@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_a_hostile_jsonl_upload_is_a_field_error(
    network: Network, endpoint: str, kind: str
) -> None:
    response = ENDPOINTS[endpoint](network, _file(kind))
    body = response.content.decode()
    if endpoint.endswith("API"):
        assert response.status_code == 422, body
        assert response.json()["detail"]["file"] == [_expected(kind)]
    else:
        assert response.status_code == 200, body
        block = body.split('id="field-file"')[1].split("</div>")[0]
        assert 'class="error"' in block and _expected(kind) in block
    assert "Traceback" not in body
    assert not BiasAssessment.objects.exists() and not PrivacyScan.objects.exists()
    assert not PredictionsFile.objects.exists()


@pytest.mark.parametrize("endpoint", ["bias assessment API", "privacy scan API"])
def test_deep_nesting_after_the_first_line_is_refused_by_duckdb(
    network: Network, endpoint: str
) -> None:
    # DuckDB, which reads the whole file at upload, nests at most 128 levels too.
    for deep in (DEEP, b"[" * 100_000 + b"]" * 100_000 + b"\n"):
        response = ENDPOINTS[endpoint](network, SimpleUploadedFile("d.jsonl", ROWS + deep))
        assert response.status_code == 422
        assert response.json()["detail"]["file"][0].startswith("The file could not be read")
    assert not PredictionsFile.objects.exists()

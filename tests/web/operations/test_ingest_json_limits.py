"""Hostile JSON to the platform: the ingest endpoint and the API's body parser answer 4xx."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.web.factories import Network, bearer_client
from tianping.jsonsafe import ERR_NUMBER_TOO_LONG, ERR_TOO_DEEP, MAX_DEPTH, MAX_NUMBER_LENGTH
from tianping.web.ledger.models import LedgerLog
from tianping.web.operations.api import ERR_BODY

from .conftest import Keyed, post_batch

HUGE = b"1" * 5000
CASES = {
    "deep": (b"[" * 100_000, ERR_TOO_DEEP.format(limit=MAX_DEPTH)),
    "deep in a record": (
        b'{"records": [{"record": {"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}]}",
        ERR_TOO_DEEP.format(limit=MAX_DEPTH),
    ),
    "huge integer": (
        b'{"records": [{"record": {"amount": ' + HUGE + b"}}]}",
        ERR_NUMBER_TOO_LONG.format(length=5000, limit=MAX_NUMBER_LENGTH),
    ),
    "huge decimal": (
        b'{"records": [{"record": {"amount": 0.' + HUGE + b"}}]}",
        ERR_NUMBER_TOO_LONG.format(length=5002, limit=MAX_NUMBER_LENGTH),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_json_to_the_ingest_endpoint_answers_422(keyed: Keyed, case: str) -> None:
    body, reason = CASES[case]
    response = post_batch(keyed.raw, keyed.system_id, [], key="k", body=body)
    assert response.status_code == 422, response.content
    with translation.override("zh-hans"):
        expected = str(ERR_BODY).format(reason=reason)
    assert response.json()["detail"]["records"] == [expected]
    assert not LedgerLog.objects.filter(system=keyed.network.system_a, size__gt=0).exists()


@pytest.mark.parametrize(
    "body", [b"[" * 100_000, b'{"name": ' + b"[" * 200 + b"]" * 200 + b"}", b'{"n": ' + HUGE + b"}"]
)
def test_hostile_json_to_the_api_answers_400(network: Network, body: bytes) -> None:
    response = bearer_client(network.applicant_a).post(
        "/api/systems", body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["detail"] == "Cannot parse request body"

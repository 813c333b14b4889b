"""``POST /api/certification/verify``: the lean path answers as the whole stack and the API do,
with one query, and the issuers' keys and status lists cached by their versions."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from tests.web.certification.factories import Bodies, expired_copy, issue_basic
from tests.web.factories import Network
from tianping.certification import (
    SigningKey,
    issue_credential,
)
from tianping.web.certification import public_views, selectors, services, trust
from tianping.web.certification.models import (
    Certificate,
    CertificationBody,
    RevokedKey,
    StatusListVersion,
)

URL = "/api/certification/verify"
FULL_STACK = [m for m in settings.MIDDLEWARE if ".fastpath." not in m]


@pytest.fixture
def issued(network: Network) -> tuple[Certificate, Bodies]:
    certificate, bodies = issue_basic(network)
    trust.clear()
    return certificate, bodies


def _without_time(answer: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in answer.items() if key != "checked_at"}


def _both_paths(document: dict[str, Any], language: str = "en") -> dict[str, Any]:
    """The lean path's answer, checked against the whole stack's and the uncached verdict."""
    body = json.dumps(document).encode()
    lean = Client().post(URL, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)
    with override_settings(MIDDLEWARE=FULL_STACK):
        full = Client().post(
            URL, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
        )
    assert lean.status_code == full.status_code == 200
    assert dict(lean.headers.items()) == dict(full.headers.items())
    answer = lean.json()
    assert _without_time(answer) == _without_time(full.json())
    verdict = selectors.verify(document)  # the uncached reference
    reference = {**verdict.to_json(), "text": verdict.message(language)}
    assert _without_time(answer) == _without_time(reference)
    return answer


def test_the_lean_path_answers_as_the_whole_stack_on_every_kind_of_certificate(
    issued: tuple[Certificate, Bodies],
) -> None:
    certificate, bodies = issued
    document = certificate.credential
    assert _both_paths(document)["valid"] is True
    assert _both_paths(document, "zh-hans")["valid"] is True
    tampered = copy.deepcopy(document)
    tampered["credentialSubject"]["id"] = "urn:test:another-system"
    assert _both_paths(tampered)["reason"] == "bad_proof"
    assert _both_paths(expired_copy(certificate))["reason"] == "expired"
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    method = document["proof"]["verificationMethod"]
    wrong_key = issue_credential(unsigned, SigningKey(bytes(range(32))), method)
    assert _both_paths(wrong_key)["reason"] == "bad_proof"  # another key under the body's name
    context = [*document["@context"], "https://evil.example/context"]
    wrong_context = selectors.sign(
        certificate.issuer, {**unsigned, "@context": context}, at=certificate.issued_at
    )
    assert _both_paths(wrong_context)["reason"] == "bad_context"
    services.certificate_change(
        actor=bodies.certifier, certificate=certificate, action="suspend", reason="Incident."
    )
    assert _both_paths(document)["reason"] == "suspended"
    services.certificate_change(
        actor=bodies.certifier, certificate=certificate, action="revoke", reason="Withdrawn."
    )
    assert _both_paths(document)["reason"] == "revoked"
    foreign = copy.deepcopy(document)
    foreign["issuer"] = "did:web:elsewhere.example:bodies:1"
    assert _both_paths(foreign)["valid"] is False


def test_one_query_and_the_cache_follows_a_revocation(
    issued: tuple[Certificate, Bodies],
) -> None:
    certificate, bodies = issued
    body = json.dumps(certificate.credential).encode()
    client = Client()
    assert client.post(URL, body, content_type="application/json").json()["valid"]
    built = trust.BUILDS["count"]
    with CaptureQueriesContext(connection) as queries:
        again = client.post(URL, body, content_type="application/json")
    assert again.json()["valid"] and len(queries.captured_queries) == 1
    assert trust.BUILDS["count"] == built  # nothing changed: nothing was built again
    services.certificate_change(
        actor=bodies.certifier, certificate=certificate, action="revoke", reason="Withdrawn."
    )
    answer = client.post(URL, body, content_type="application/json").json()
    assert answer["reason"] == "revoked" and trust.BUILDS["count"] == built + 1


def test_what_the_lean_path_does_not_take_gets_the_apis_answers(
    issued: tuple[Certificate, Bodies],
) -> None:
    certificate, _bodies = issued
    client = Client()
    body = json.dumps(certificate.credential).encode()
    refused = client.post(URL, body, content_type="text/plain")
    assert refused.status_code == 415 and refused["X-Content-Type-Options"] == "nosniff"
    broken = client.post(URL, b"{not json", content_type="application/json")
    assert broken.status_code == 422 and "detail" in broken.json()
    too_big = client.post(
        URL,
        b" " * (settings.TIANPING_MAX_REQUEST_BYTES + 1),
        content_type="application/json",
    )
    assert too_big.status_code == 413
    large = client.post(
        URL, b" " * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1), content_type="application/json"
    )
    assert large.status_code in (400, 413)
    # The public page shares the cache and says the same.
    assert public_views.verification_of(body)["valid"] is True


def test_the_versions_query_names_the_models_tables() -> None:
    for model in (CertificationBody, RevokedKey, StatusListVersion):
        assert model._meta.db_table in trust.VERSIONS_SQL

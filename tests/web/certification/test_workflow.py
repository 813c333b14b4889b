"""The certification workflow end to end: two evaluators, a dispute, issuance, the library's
verifier offline, revocation on the verify page, expiry, and who may do what."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.web.certification.factories import Bodies, build_bodies, give_basic_evidence, submit
from tests.web.factories import Network
from tianping.certification import Resolver, verify_credential
from tianping.web.certification import selectors, services
from tianping.web.certification.models import Certificate, CertificationApplication
from tianping.web.core import periodic
from tianping.web.ledger.models import PlatformAction

Status = CertificationApplication.Status


@pytest.fixture
def bodies(network: Network) -> Bodies:
    return build_bodies(network)


def _all(
    application: CertificationApplication, conclusion: str = "met"
) -> dict[str, tuple[str, str]]:
    evidence = selectors.platform_evidence(application.system)
    return {r.id: (conclusion, "") for r in selectors.requirements(application.scheme, evidence)}


def _evaluate(b: Bodies, application: CertificationApplication, dispute: str | None) -> None:
    services.evaluators_assign(
        actor=b.certifier, application=application, evaluators=[b.evaluator_ri, b.evaluator_ia]
    )
    services.findings_record(
        actor=b.evaluator_ri, application=application, findings=_all(application)
    )
    second = _all(application)
    if dispute:
        second[dispute] = ("not_met", "the documentation is thin")
    services.findings_record(actor=b.evaluator_ia, application=application, findings=second)
    application.refresh_from_db()


def _issued(network: Network, b: Bodies) -> Certificate:
    give_basic_evidence(network)
    application = submit(network, b)
    _evaluate(b, application, dispute="REQ-12-01")
    assert application.status == Status.DECISION and application.disputed
    with pytest.raises(ValidationError):  # a dispute is decided with a reason
        services.application_decide(
            actor=b.certifier, application=application, grant=True, reason=""
        )
    certificate = services.application_decide(
        actor=b.certifier, application=application, grant=True, reason="Model card suffices."
    )
    assert certificate is not None
    return certificate


def test_two_evaluators_a_dispute_and_a_certificate_the_library_verifies(
    network: Network, bodies: Bodies
) -> None:
    certificate = _issued(network, bodies)
    credential = certificate.credential
    body = bodies.issuer
    assert credential["issuer"] == f"did:web:127.0.0.1:bodies:{body.pk}"
    names = {e["name"] for e in credential["credentialSubject"]["evaluators"]}
    assert names == {"研究院", "行业协会"}
    # Two years, and every change on the ledger.
    assert (certificate.valid_until - certificate.valid_from).days in (730, 731)
    kinds = set(PlatformAction.objects.values_list("kind", flat=True))
    assert {
        "certification.application_submitted",
        "certification.evaluators_assigned",
        "certification.findings_recorded",
        "certification.application_decided",
        "certification.certificate_issued",
    } <= kinds
    # Offline, with the published DID document and status lists, by the library alone.
    client = Client()
    did = json.loads(client.get(reverse("certification:did", args=[body.pk])).content)
    lists = [
        json.loads(client.get(reverse("certification:status_list", args=[body.pk, p])).content)
        for p in ("revocation", "suspension")
    ]
    verdict = verify_credential(
        credential, resolver=Resolver([did], did_key=False), status_lists=lists
    )
    assert verdict.valid, verdict.detail
    tampered = {**credential, "validUntil": "2099-01-01T00:00:00Z"}
    assert (
        verify_credential(tampered, resolver=Resolver([did]), status_lists=lists).reason
        == "bad_proof"
    )


def test_revocation_shows_on_the_public_verify_page_and_api(
    network: Network, bodies: Bodies
) -> None:
    certificate = _issued(network, bodies)
    text = json.dumps(certificate.credential)
    client = Client()
    page = client.post(reverse("certification:verify"), {"document": text})
    assert page.status_code == 200 and page.context["result"]["valid"]
    with pytest.raises(ValidationError):
        services.certificate_change(
            actor=bodies.certifier, certificate=certificate, action="revoke", reason=" "
        )
    with pytest.raises(PermissionDenied):
        services.certificate_change(
            actor=bodies.evaluator_ri, certificate=certificate, action="revoke", reason="x"
        )
    services.certificate_change(
        actor=bodies.certifier, certificate=certificate, action="revoke", reason="Fraud found."
    )
    page = client.post(reverse("certification:verify"), {"document": text})
    assert page.context["result"]["reason"] == "revoked"
    api = client.post("/api/certification/verify", text, content_type="application/json")
    assert api.status_code == 200 and api.json()["reason"] == "revoked"
    assert (
        client.post("/api/certification/verify", "{", content_type="application/json").status_code
        == 422
    )
    # Another content type (even multipart without a boundary) is refused before the body is read.
    assert (
        client.post(
            "/api/certification/verify", "x", content_type="multipart/form-data"
        ).status_code
        == 415
    )
    bad = client.post(reverse("certification:verify"), {"document": "not json"})
    assert bad.context["result"] is None and bad.context["form"].errors
    # The register shows the system with its state.
    register = client.get(reverse("certification:register"), {"q": network.system_a.name[:3]})
    assert network.system_a.name in register.content.decode()
    trust = client.get(reverse("certification:register_system", args=[network.system_a.pk]))
    assert trust.status_code == 200
    assert [c.state for c, _name in trust.context["rows"]] == ["revoked"]


def test_refusal_when_evidence_is_missing_and_agreed_findings(
    network: Network, bodies: Bodies
) -> None:
    application = submit(network, bodies)  # no ethics review, no assessment: rules are missing
    _evaluate(bodies, application, dispute=None)
    assert application.status == Status.DECISION and not application.disputed
    with pytest.raises(ValidationError):
        services.application_decide(
            actor=bodies.certifier, application=application, grant=True, reason=""
        )
    assert Certificate.objects.count() == 0
    services.application_decide(
        actor=bodies.certifier, application=application, grant=False, reason="No ethics review."
    )
    application.refresh_from_db()
    assert application.status == Status.REFUSED


def test_evaluators_must_come_from_two_bodies_and_only_officers_assign(
    network: Network, bodies: Bodies
) -> None:
    application = submit(network, bodies)
    with pytest.raises(PermissionDenied):
        services.evaluators_assign(
            actor=network.applicant_a,
            application=application,
            evaluators=[bodies.evaluator_ri, bodies.evaluator_ia],
        )
    with pytest.raises(ValidationError):
        services.evaluators_assign(
            actor=bodies.certifier, application=application, evaluators=[bodies.evaluator_ri]
        )
    with pytest.raises(ValidationError):  # the same body twice
        services.evaluators_assign(
            actor=bodies.certifier,
            application=application,
            evaluators=[bodies.evaluator_ri, bodies.evaluator_ri],
        )
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    services.evaluators_assign(
        actor=bodies.certifier,
        application=application,
        evaluators=[bodies.evaluator_ri, bodies.certifier],
    )
    application.refresh_from_db()
    assert application.status == Status.EVALUATION
    with pytest.raises(PermissionDenied):
        services.findings_record(actor=bodies.evaluator_ia, application=application, findings={})
    with pytest.raises(ValidationError):  # incomplete findings change nothing
        services.findings_record(actor=bodies.evaluator_ri, application=application, findings={})
    assert not application.evaluator_rows.filter(findings__isnull=False).exists()
    # Outsiders see nothing of it.
    client = Client()
    client.force_login(network.applicant_b)
    assert client.get(reverse("certification:detail", args=[application.pk])).status_code == 404
    client.force_login(network.applicant_a)
    assert client.get(reverse("certification:detail", args=[application.pk])).status_code == 200


def test_expiry_and_reminders_through_the_periodic_job(
    network: Network, bodies: Bodies, monkeypatch: pytest.MonkeyPatch
) -> None:
    certificate = _issued(network, bodies)
    assert "certification_expiry" in periodic.registered()
    soon = certificate.valid_until - timedelta(days=60)
    assert services.certificates_expire_and_remind(now=soon) == {"expired": 0, "reminded": 1}
    assert services.certificates_expire_and_remind(now=soon) == {"expired": 0, "reminded": 0}
    closer = certificate.valid_until - timedelta(days=20)  # the second reminder, 30 days before
    assert services.certificates_expire_and_remind(now=closer) == {"expired": 0, "reminded": 1}
    assert services.certificates_expire_and_remind(now=closer) == {"expired": 0, "reminded": 0}
    certificate.refresh_from_db()
    assert certificate.reminded_days == [30, 90]
    periodic.schedule_sync(now=timezone.now())
    later = certificate.valid_until + timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: later)  # the worker runs two years on
    assert "certification_expiry" in periodic.run_due(now=later)
    certificate.refresh_from_db()
    assert certificate.state == Certificate.State.EXPIRED
    assert PlatformAction.objects.filter(kind="certification.certificate_expired").exists()

"""A certificate's life after the first decision: appeal of a refusal, renewal, surveillance
(incidents, alerts, a withdrawn upstream certificate, a change outside the scope) and supplier
risk in the gap report."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from tests.web.certification.factories import Bodies, build_bodies, give_basic_evidence, submit
from tests.web.factories import PASSWORD, Network, make_user
from tianping.certification import add_years
from tianping.web.accounts.models import Role
from tianping.web.assessments.models import Evidence
from tianping.web.certification import selectors, services
from tianping.web.certification.events import CertificateWithdrawn
from tianping.web.certification.models import (
    Appeal,
    Certificate,
    CertificationApplication,
    SurveillanceCase,
)
from tianping.web.core import events
from tianping.web.demo import demo_seed
from tianping.web.ledger.models import PlatformAction
from tianping.web.operations.events import IncidentOpened
from tianping.web.operations.models import IncidentPlaybook, SystemSwitch

Status = CertificationApplication.Status


@pytest.fixture
def bodies(network: Network) -> Bodies:
    give_basic_evidence(network)
    return build_bodies(network)


def _all(application: CertificationApplication, conclusion: str = "met") -> dict[str, Any]:
    evidence = selectors.platform_evidence(application.system)
    return {r.id: (conclusion, "") for r in selectors.requirements(application.scheme, evidence)}


def _evaluate(b: Bodies, application: CertificationApplication, dispute: str | None = None) -> None:
    services.evaluators_assign(
        actor=b.certifier, application=application, evaluators=[b.evaluator_ri, b.evaluator_ia]
    )
    services.findings_record(
        actor=b.evaluator_ri, application=application, findings=_all(application)
    )
    second = _all(application)
    if dispute:
        second[dispute] = ("not_met", "thin")
    services.findings_record(actor=b.evaluator_ia, application=application, findings=second)
    application.refresh_from_db()


def _issued(n: Network, b: Bodies) -> Certificate:
    application = submit(n, b)
    _evaluate(b, application)
    certificate = services.application_decide(
        actor=b.certifier, application=application, grant=True, reason=""
    )
    assert certificate is not None
    return certificate


def _kinds() -> set[str]:
    return set(PlatformAction.objects.values_list("kind", flat=True))


def test_an_appeal_is_decided_by_another_decision_maker_and_overturning_issues(
    network: Network, bodies: Bodies
) -> None:
    n, b = network, bodies
    application = submit(n, b)
    _evaluate(b, application, dispute="REQ-12-01")
    services.application_decide(
        actor=b.certifier, application=application, grant=False, reason="Documentation thin."
    )
    with pytest.raises(ValidationError):  # grounds are required
        services.appeal_lodge(actor=n.applicant_a, application=application, grounds="  ")
    with pytest.raises(PermissionDenied):  # only the applicant's side appeals
        services.appeal_lodge(actor=b.evaluator_ri, application=application, grounds="x")
    services.appeal_lodge(
        actor=n.applicant_a, application=application, grounds="The model card was attached."
    )
    application.refresh_from_db()
    assert application.status == Status.APPEALED
    with pytest.raises(ValidationError):  # once
        services.appeal_lodge(actor=n.applicant_a, application=application, grounds="again")
    # The one who refused does not decide the appeal.
    with pytest.raises(PermissionDenied):
        services.appeal_decide(
            actor=b.certifier, application=application, overturn=True, reason="x"
        )
    second = make_user(
        "certifier_two", organisation=b.issuer.organisation, role=Role.CERTIFICATION_OFFICER
    )
    with pytest.raises(ValidationError):  # with a reason
        services.appeal_decide(actor=second, application=application, overturn=True, reason="")
    certificate = services.appeal_decide(
        actor=second, application=application, overturn=True, reason="The card answers it."
    )
    assert certificate is not None and certificate.state == Certificate.State.ACTIVE
    application.refresh_from_db()
    appeal = Appeal.objects.get(application=application)
    assert application.status == Status.GRANTED
    assert appeal.outcome == Appeal.Outcome.OVERTURNED and appeal.decided_by == second
    assert {"certification.appeal_lodged", "certification.appeal_decided"} <= _kinds()


def test_an_upheld_appeal_through_the_pages(network: Network, bodies: Bodies) -> None:
    n, b = network, bodies
    application = submit(n, b)
    _evaluate(b, application, dispute="REQ-12-01")
    services.application_decide(
        actor=b.certifier, application=application, grant=False, reason="Thin."
    )
    url = reverse("certification:detail", args=[application.pk])
    applicant = Client()
    applicant.login(username=n.applicant_a.get_username(), password=PASSWORD)
    assert "appeal_form" in applicant.get(url).context
    applicant.post(reverse("certification:appeal", args=[application.pk]), {"grounds": ""})
    application.refresh_from_db()
    assert application.status == Status.REFUSED  # bad input changes nothing
    applicant.post(reverse("certification:appeal", args=[application.pk]), {"grounds": "Wrong."})
    second = make_user(
        "certifier_two", organisation=b.issuer.organisation, role=Role.CERTIFICATION_OFFICER
    )
    officer = Client()
    officer.login(username="certifier_two", password=PASSWORD)
    assert "appeal_decide_form" in officer.get(url).context
    officer.post(
        reverse("certification:appeal_decide", args=[application.pk]),
        {"overturn": "0", "reason": "The refusal stands."},
    )
    application.refresh_from_db()
    assert application.status == Status.REFUSED
    assert Appeal.objects.get(application=application).outcome == Appeal.Outcome.UPHELD
    with override("zh-hans"):
        page = officer.get(url).content.decode()
    assert "维持不予认证" in page and "upheld" not in page
    assert second.pk == Appeal.objects.get(application=application).decided_by_id


def test_renewal_continues_validity_and_supersedes(network: Network, bodies: Bodies) -> None:
    n, b = network, bodies
    old = _issued(n, b)
    with pytest.raises(ValidationError):  # two years left: too early
        services.renewal_submit(actor=n.applicant_a, certificate=old)
    old.valid_until = timezone.now().replace(microsecond=0) + timedelta(days=60)
    old.save(update_fields=["valid_until"])
    client = Client()
    client.login(username=n.applicant_a.get_username(), password=PASSWORD)
    response = client.post(reverse("certification:renew", args=[old.application.pk]))
    renewal = CertificationApplication.objects.get(renews=old)
    assert response.url == reverse("certification:detail", args=[renewal.pk])
    with pytest.raises(ValidationError):  # one renewal at a time
        services.renewal_submit(actor=n.applicant_a, certificate=old)
    _evaluate(b, renewal)
    new = services.application_decide(actor=b.certifier, application=renewal, grant=True, reason="")
    assert new is not None
    assert new.valid_until == add_years(old.valid_until, 2)
    assert new.credential["validUntil"].startswith(f"{new.valid_until.year:04d}-")
    old.refresh_from_db()
    assert old.state == Certificate.State.SUPERSEDED
    with override("zh-hans"):
        assert old.get_state_display() != "Superseded by a renewal"
    assert {"certification.renewal_submitted", "certification.certificate_superseded"} <= _kinds()
    # The superseded certificate no longer expires or gets reminders.
    assert services.certificates_expire_and_remind(now=old.valid_until)["expired"] == 0


def test_an_incident_opens_a_case_and_the_certifier_suspends(
    network: Network, bodies: Bodies
) -> None:
    n, b = network, bodies
    certificate = _issued(n, b)
    handler = "tianping.web.certification.handlers.on_incident"
    assert handler in events.handlers_of(IncidentOpened)
    payload = {"system_id": n.system_a.pk, "incident_id": 41}
    events.handle(handler, "operations.incident_opened", payload)
    events.handle(handler, "operations.incident_opened", payload)  # twice: one case
    case = SurveillanceCase.objects.get(certificate=certificate)
    assert case.trigger == SurveillanceCase.Trigger.INCIDENT
    with pytest.raises(PermissionDenied):
        services.surveillance_decide(actor=b.evaluator_ri, case=case, action="close", reason="x")
    client = Client()
    client.login(username=b.certifier.get_username(), password=PASSWORD)
    url = reverse("certification:surveillance_decide", args=[certificate.application.pk, case.pk])
    client.post(url, {f"case{case.pk}-action": "suspend", f"case{case.pk}-reason": ""})
    case.refresh_from_db()
    assert case.status == SurveillanceCase.Status.OPEN  # no reason: nothing changes
    client.post(url, {f"case{case.pk}-action": "suspend", f"case{case.pk}-reason": "Incident."})
    case.refresh_from_db()
    certificate.refresh_from_db()
    assert case.status == SurveillanceCase.Status.SUSPENDED
    assert certificate.state == Certificate.State.SUSPENDED
    assert selectors.verify(certificate.credential).reason == "suspended"
    home = client.get(reverse("certification:home"))
    assert case in list(home.context["cases"])
    services.surveillance_decide(actor=b.certifier, case=case, action="close", reason="Fixed.")
    case.refresh_from_db()
    assert case.status == SurveillanceCase.Status.CLOSED
    assert "certification.surveillance_decided" in _kinds()


def test_a_change_outside_the_scope_requires_re_evaluation(
    network: Network, bodies: Bodies
) -> None:
    n, b = network, bodies
    certificate = _issued(n, b)
    scope = certificate.credential["credentialSubject"]["scope"]
    assert scope["modelVersion"] == n.system_a.model_version
    # Within the scope: nothing opens.
    assert not services.surveillance_scope_record(
        actor=b.certifier, certificate=certificate, model_version=scope["modelVersion"], digests={}
    )
    client = Client()
    client.login(username=b.certifier.get_username(), password=PASSWORD)
    scope_url = reverse("certification:scope_record", args=[certificate.application.pk])
    client.post(scope_url, {"digests": "weights=not-a-digest"})
    assert not SurveillanceCase.objects.exists()  # refused
    client.post(scope_url, {"model_version": "", "digests": f"weights={'c' * 64}"})
    case = SurveillanceCase.objects.get(certificate=certificate)
    assert case.trigger == SurveillanceCase.Trigger.SCOPE
    assert case.detail == {"digests": {"weights": "c" * 64}}
    renewal = services.surveillance_decide(
        actor=b.certifier, case=case, action="reevaluate", reason="New weights."
    )
    assert renewal is not None and renewal.renews == certificate
    assert renewal.artefact_digests == {"weights": "c" * 64}
    assert "certification.reevaluation_required" in _kinds()
    # A new model version recorded on the system is found by the daily check.
    n.system_a.model_version = "v-next"
    n.system_a.save(update_fields=["model_version"])
    assert services.surveillance_scope_check() == 1
    assert services.surveillance_scope_check() == 0


def _fake_vendors(monkeypatch: pytest.MonkeyPatch, credential_id: str, rating: str) -> None:
    component = SimpleNamespace(
        name="base-model",
        component_type="machine-learning-model",
        version="1",
        hashes={},
        supplier="上游模型公司",
        certificate_id=credential_id,
    )
    fake = SimpleNamespace(
        components_for=lambda system: [component],
        supplier_risk_for=lambda system: [("上游模型公司", rating)],
    )
    monkeypatch.setattr(selectors, "_vendors", lambda: fake)


def test_a_withdrawn_upstream_certificate_and_supplier_risk(
    network: Network, bodies: Bodies, monkeypatch: pytest.MonkeyPatch
) -> None:
    n, b = network, bodies
    certificate = _issued(n, b)
    upstream = "urn:uuid:upstream-component"
    _fake_vendors(monkeypatch, upstream, "high")
    events.handle(
        "tianping.web.certification.handlers.on_certificate_withdrawn",
        "certification.certificate_withdrawn",
        {"credential_id": upstream, "action": "revoke"},
    )
    case = SurveillanceCase.objects.get(certificate=certificate)
    assert case.trigger == SurveillanceCase.Trigger.UPSTREAM
    client = Client()
    client.login(username=n.applicant_a.get_username(), password=PASSWORD)
    page = client.get(reverse("certification:detail", args=[certificate.application.pk]))
    assert page.context["high_risk_suppliers"] == ["上游模型公司"]
    assert 'id="supplier-risk"' in page.content.decode()


def test_revoking_announces_the_withdrawal(
    network: Network, bodies: Bodies, django_capture_on_commit_callbacks: Any
) -> None:
    certificate = _issued(network, bodies)
    handler = "tianping.web.certification.handlers.on_certificate_withdrawn"
    assert handler in events.handlers_of(CertificateWithdrawn)
    with django_capture_on_commit_callbacks() as callbacks:
        services.certificate_change(
            actor=bodies.certifier, certificate=certificate, action="revoke", reason="Fraud."
        )
    scheduled = [c for c in callbacks if getattr(c, "args", ())[:1] == (handler,)]
    assert scheduled and scheduled[0].args[2]["credential_id"] == certificate.credential_id


@pytest.mark.django_db
def test_the_demo_certifier_has_work() -> None:
    demo = demo_seed()
    statuses = set(CertificationApplication.objects.values_list("status", "disputed"))
    assert {(Status.EVALUATION, False), (Status.DECISION, True)} <= statuses
    certificate = Certificate.objects.get()
    assert "YunChat" in certificate.system.name
    assert services.renewable(certificate)  # within 90 days of its end
    assert selectors.verify(certificate.credential).valid
    assert certificate.surveillance_cases.get().status == SurveillanceCase.Status.OPEN
    client = Client()
    client.login(username="certifier", password=demo["password"])
    assert client.get(reverse("certification:home")).context["cases"]
    export = CertificationApplication.objects.get(scheme="export")
    page = client.get(reverse("certification:detail", args=[export.pk]))
    assert page.context["upstream"] is not None and not page.context["upstream"].passes


def _export_evidence(n: Network) -> None:
    """What the export certificate's rules need besides the basic evidence: a bias assessment
    under the export-review policy, an operated runtime switch and an adopted playbook."""
    Evidence.objects.create(
        system=n.system_a, kind="bias_assessment", title="export audit", sha256="d" * 64,
        content={"verdict": "pass", "meta": {"policy": {"id": "export-review"}}},
    )  # fmt: skip
    SystemSwitch.objects.create(
        system=n.system_a, state="active", version=2, changed_at=timezone.now()
    )
    IncidentPlaybook.objects.create(system=n.system_a, switch_roles={})


WEIGHTS = "e" * 64


def test_an_export_certificate_blocked_by_an_upstream_component_until_it_is_eligible(
    network: Network, bodies: Bodies, monkeypatch: pytest.MonkeyPatch
) -> None:
    n, b = network, bodies
    _export_evidence(n)
    scope = {
        "product_name": "XH-Credit Global",
        "product_version": "2.1",
        "artefact_digests": {"weights": "f" * 64},
    }
    for destinations in ([], ["DE", "XX"]):  # markets are ISO 3166 codes, at least one
        with pytest.raises(ValidationError) as refused:
            services.application_submit(
                actor=n.applicant_a, system=n.system_a, scheme="export", issuer=b.issuer,
                destinations=destinations, **scope,
            )  # fmt: skip
        assert "destinations" in refused.value.message_dict
    client = Client()
    client.login(username=n.applicant_a.get_username(), password=PASSWORD)
    form = {
        "system": n.system_a.pk, "scheme": "export", "issuer": b.issuer.pk,
        "product_name": "XH-Credit Global", "product_version": "2.1",
        "artefact_digests": f"weights={'f' * 64}", "destinations": "de, fr",
    }  # fmt: skip
    client.post(reverse("certification:apply"), form)
    application = CertificationApplication.objects.get(scheme="export")
    assert application.destinations == ["DE", "FR"]
    # The upstream model is recorded in the AI-BOM but nothing certifies it.
    component = SimpleNamespace(
        name="base-model", component_type="machine-learning-model", version="1",
        hashes={"SHA-256": WEIGHTS}, supplier="上游模型公司", certificate_id="",
    )  # fmt: skip
    fake = SimpleNamespace(components_for=lambda s: [component], supplier_risk_for=lambda s: [])
    monkeypatch.setattr(selectors, "_vendors", lambda: fake)
    page = client.get(reverse("certification:detail", args=[application.pk]))
    assert page.context["upstream"].status == "uncertified"
    assert page.context["overlays"]  # the EU AI Act's obligations for DE and FR
    assert "而非中国法律" in page.content.decode()  # the destination's law, not China's
    _evaluate(b, application)
    with pytest.raises(ValidationError, match="base-model"):
        services.application_decide(
            actor=b.certifier, application=application, grant=True, reason=""
        )
    # The supplier applies with the model's digest: the component becomes eligible.
    services.application_submit(
        actor=n.applicant_b, system=n.system_b, scheme="basic_compliance", issuer=b.issuer,
        artefact_digests={"model": WEIGHTS},
    )  # fmt: skip
    report = selectors.upstream_report(n.system_a)
    assert report is not None and report.status == "eligible"
    certificate = services.application_decide(
        actor=b.certifier, application=application, grant=True, reason=""
    )
    assert certificate is not None
    subject = certificate.credential["credentialSubject"]
    assert subject["product"] == {"name": "XH-Credit Global", "version": "2.1"}
    assert subject["destinations"] == ["DE", "FR"]
    assert subject["digests"] == {"weights": "f" * 64}
    dimensions = {d["id"]: d for d in subject["export"]["dimensions"]}
    assert set(dimensions) == {"algorithmic_bias", "data_privacy", "system_controllability"}
    kinds = {e["kind"] for e in dimensions["system_controllability"]["evidence"]}
    assert {"switch_test", "playbook"} <= kinds
    assert [c["conclusion"] for c in dimensions["algorithmic_bias"]["conclusions"]] == [
        "met",
        "met",
    ]
    assert selectors.verify(certificate.credential).valid

"""The certification workflow through the JSON API (bearer tokens): every transition and the bad
ones, who may read and act, malformed bodies, and the issued credential checked through
``POST /api/certification/verify`` while valid, suspended and revoked."""

from __future__ import annotations

import json
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.web.certification.factories import Bodies, build_bodies, give_basic_evidence
from tests.web.factories import Network, bearer_client, make_user
from tianping.web.accounts.models import Role
from tianping.web.assessments.models import Evidence
from tianping.web.certification import selectors
from tianping.web.certification.models import (
    Certificate,
    CertificationApplication,
    SurveillanceCase,
)
from tianping.web.operations.models import IncidentPlaybook, SystemSwitch

API = "/api/certification"
Status = CertificationApplication.Status


@pytest.fixture
def bodies(network: Network) -> Bodies:
    give_basic_evidence(network)
    return build_bodies(network)


def _post(client: Client, path: str, body: Any = None) -> Any:
    return client.post(f"{API}{path}", json.dumps(body or {}), content_type="application/json")


def _verify(credential: dict[str, Any]) -> dict[str, Any]:
    response = Client().post(
        f"{API}/verify", json.dumps(credential), content_type="application/json"
    )
    assert response.status_code == 200
    result: dict[str, Any] = response.json()
    return result


def _findings(client: Client, application_id: int, dispute: str = "") -> dict[str, Any]:
    detail = client.get(f"{API}/applications/{application_id}").json()
    return {
        r["id"]: {"conclusion": "not_met" if r["id"] == dispute else "met", "note": ""}
        for r in detail["requirements"]
    }


def _evaluate(b: Bodies, application_id: int, dispute: str = "") -> None:
    certifier = bearer_client(b.certifier)
    ids = [b.evaluator_ri.pk, b.evaluator_ia.pk]
    assert _post(certifier, f"/applications/{application_id}/evaluators", {"evaluator_ids": ids})
    for user, disputed in ((b.evaluator_ri, ""), (b.evaluator_ia, dispute)):
        client = bearer_client(user)
        findings = _findings(client, application_id, disputed)
        response = _post(client, f"/applications/{application_id}/findings", {"findings": findings})
        assert response.status_code == 200, response.content


def _apply(n: Network, b: Bodies, **extra: Any) -> Any:
    body = {"system_id": n.system_a.pk, "scheme": "basic_compliance", "issuer_id": b.issuer.pk}
    return _post(bearer_client(n.applicant_a), "/applications", {**body, **extra})


def test_the_lifecycle_through_the_api_with_its_bad_transitions(
    network: Network, bodies: Bodies
) -> None:
    n, b = network, bodies
    applicant, certifier = bearer_client(n.applicant_a), bearer_client(b.certifier)
    outsider = bearer_client(n.applicant_b)
    # Malformed bodies and unknown references change nothing.
    assert _post(applicant, "/applications", {"system_id": "x"}).status_code == 422
    assert _apply(n, b, scheme="no_such_level").status_code == 422
    unreadable = applicant.post(f"{API}/applications", "{", content_type="application/json")
    assert unreadable.status_code == 400  # not JSON at all: the parser's answer
    assert _post(outsider, "/applications", {
        "system_id": n.system_a.pk, "scheme": "basic_compliance", "issuer_id": b.issuer.pk,
    }).status_code == 404  # fmt: skip
    assert not CertificationApplication.objects.exists()
    created = _apply(n, b)
    assert created.status_code == 201, created.content
    app_id = created.json()["id"]
    path = f"/applications/{app_id}"
    assert created.json()["status"] == Status.SUBMITTED
    # Reads: the applicant and the issuing body; another organisation gets 404.
    assert outsider.get(f"{API}{path}").status_code == 404
    assert outsider.get(f"{API}/applications").json() == []
    assert [a["id"] for a in certifier.get(f"{API}/applications").json()] == [app_id]
    assert applicant.get(f"{API}{path}").json()["requirements"]
    # Naming evaluators: the issuing body's officer only, two different bodies.
    ids = {"evaluator_ids": [b.evaluator_ri.pk, b.evaluator_ia.pk]}
    assert _post(applicant, f"{path}/evaluators", ids).status_code == 403
    assert _post(outsider, f"{path}/evaluators", ids).status_code == 404
    assert _post(certifier, f"{path}/evaluators", {"evaluator_ids": "all"}).status_code == 422
    same_body = make_user(
        "evaluator_ri_two", organisation=b.institute.organisation, role=Role.CERTIFICATION_OFFICER
    )
    refused = _post(
        certifier, f"{path}/evaluators", {"evaluator_ids": [b.evaluator_ri.pk, same_body.pk]}
    )
    assert refused.status_code == 422
    assert refused.json()["detail"]["evaluators"] == [
        "两名评估人员必须来自不同机构。"
    ]  # translated
    assert CertificationApplication.objects.get(pk=app_id).status == Status.SUBMITTED
    assert _post(certifier, f"{path}/evaluators", ids).json()["status"] == Status.EVALUATION
    # No certificate before both evaluators' findings.
    evaluator_ri, evaluator_ia = bearer_client(b.evaluator_ri), bearer_client(b.evaluator_ia)
    findings = _findings(evaluator_ri, app_id)
    assert _post(certifier, f"{path}/findings", {"findings": findings}).status_code == 403
    partial = dict(list(findings.items())[1:])
    assert _post(evaluator_ri, f"{path}/findings", {"findings": partial}).status_code == 422
    maybe = {"findings": {"x": {"conclusion": "maybe"}}}
    assert _post(evaluator_ri, f"{path}/findings", maybe).status_code == 422
    assert _post(evaluator_ri, f"{path}/findings", {"findings": findings}).status_code == 200
    early = _post(certifier, f"{path}/decision", {"grant": True, "reason": "x"})
    assert early.status_code == 422 and early.json()["detail"]["__all__"]
    assert certifier.get(f"{API}{path}/certificate").status_code == 404
    disputed = dict(findings, **{next(iter(findings)): {"conclusion": "not_met", "note": "thin"}})
    assert _post(evaluator_ia, f"{path}/findings", {"findings": disputed}).json()["disputed"]
    # A dispute is decided with a reason; only the issuing body's officer decides.
    assert _post(certifier, f"{path}/decision", {"grant": True}).status_code == 422
    assert _post(applicant, f"{path}/decision", {"grant": True, "reason": "x"}).status_code == 403
    granted = _post(certifier, f"{path}/decision", {"grant": True, "reason": "Card suffices."})
    assert granted.status_code == 200 and granted.json()["certificate"]["state"] == "active"
    credential = applicant.get(f"{API}{path}/certificate").json()
    assert outsider.get(f"{API}{path}/certificate").status_code == 404
    assert _verify(credential)["valid"]
    # Renewal: too early, then within 90 days of the end.
    assert _post(certifier, f"{path}/renewal").status_code == 403
    too_early = _post(applicant, f"{path}/renewal")
    assert too_early.status_code == 422 and "90" in json.dumps(too_early.json())
    Certificate.objects.filter(application_id=app_id).update(
        valid_until=timezone.now() + timedelta(days=60)
    )
    renewal = _post(applicant, f"{path}/renewal")
    assert renewal.status_code == 201 and renewal.json()["status"] == Status.SUBMITTED
    assert renewal.json()["renews"] == credential["id"]
    # Surveillance: a digest outside the scope opens a case; the officer suspends.
    bad_digest = {"digests": {"weights": "not-a-digest"}}
    assert _post(certifier, f"{path}/scope", bad_digest).status_code == 422
    assert _post(applicant, f"{path}/scope", {"digests": {"weights": "c" * 64}}).status_code == 403
    opened = _post(certifier, f"{path}/scope", {"digests": {"weights": "c" * 64}}).json()
    assert [c["trigger"] for c in opened] == ["scope"]
    case_path = f"{path}/surveillance/{opened[0]['id']}"
    assert [c["id"] for c in certifier.get(f"{API}/surveillance").json()] == [opened[0]["id"]]
    close = {"action": "close", "reason": "x"}
    assert _post(certifier, f"{path}/surveillance/999999", close).status_code == 404
    assert _post(certifier, case_path, {"action": "suspend", "reason": ""}).status_code == 422
    assert _post(certifier, case_path, {"action": "lift", "reason": "x"}).status_code == 422
    suspended = _post(certifier, case_path, {"action": "suspend", "reason": "Weights changed."})
    assert suspended.json()["case"]["status"] == SurveillanceCase.Status.SUSPENDED
    assert _verify(credential)["reason"] == "suspended"
    # Lifting the suspension (reinstate), then revoking with a reason.
    assert (
        _post(certifier, f"{path}/certificate/reinstate", {"reason": "Fixed."}).json()["state"]
        == "active"
    )
    assert _verify(credential)["valid"]
    assert _post(certifier, f"{path}/certificate/destroy", {"reason": "x"}).status_code == 404
    assert _post(certifier, f"{path}/certificate/revoke", {"reason": " "}).status_code == 422
    assert _post(applicant, f"{path}/certificate/revoke", {"reason": "x"}).status_code == 403
    assert _post(outsider, f"{path}/certificate/revoke", {"reason": "x"}).status_code == 404
    revoked = _post(certifier, f"{path}/certificate/revoke", {"reason": "Fraud found."})
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    assert _verify(credential)["reason"] == "revoked"
    assert _post(certifier, f"{path}/certificate/reinstate", {"reason": "x"}).status_code == 422


def test_a_refusal_appealed_and_overturned_through_the_api(
    network: Network, bodies: Bodies
) -> None:
    n, b = network, bodies
    app_id = _apply(n, b).json()["id"]
    path = f"/applications/{app_id}"
    _evaluate(b, app_id, dispute="REQ-12-01")
    applicant, certifier = bearer_client(n.applicant_a), bearer_client(b.certifier)
    assert _post(applicant, f"{path}/appeal", {"grounds": "early"}).status_code == 422
    assert _post(certifier, f"{path}/decision", {"grant": False, "reason": ""}).status_code == 422
    refused = _post(certifier, f"{path}/decision", {"grant": False, "reason": "Thin."})
    assert refused.json()["status"] == Status.REFUSED
    assert _post(certifier, f"{path}/appeal", {"grounds": "x"}).status_code == 403
    assert _post(applicant, f"{path}/appeal", {"grounds": "  "}).status_code == 422
    assert _post(applicant, f"{path}/appeal", {}).status_code == 422
    lodged = _post(applicant, f"{path}/appeal", {"grounds": "The card was attached."})
    assert lodged.json()["status"] == Status.APPEALED
    assert lodged.json()["appeal"]["outcome"] == "pending"
    decision = {"overturn": True, "reason": "The card answers it."}
    assert _post(applicant, f"{path}/appeal/decision", decision).status_code == 403
    # The one who refused does not decide the appeal.
    assert _post(certifier, f"{path}/appeal/decision", decision).status_code == 403
    second = bearer_client(
        make_user(
            "certifier_two", organisation=b.issuer.organisation, role=Role.CERTIFICATION_OFFICER
        )
    )
    assert _post(second, f"{path}/appeal/decision", {"overturn": True}).status_code == 422
    overturned = _post(second, f"{path}/appeal/decision", decision).json()
    assert overturned["status"] == Status.GRANTED
    assert overturned["appeal"]["outcome"] == "overturned"
    assert _verify(applicant.get(f"{API}{path}/certificate").json())["valid"]


def test_an_export_certificate_is_refused_while_an_upstream_component_is_unverified(
    network: Network, bodies: Bodies, monkeypatch: pytest.MonkeyPatch
) -> None:
    n, b = network, bodies
    Evidence.objects.create(
        system=n.system_a, kind="bias_assessment", title="export audit", sha256="d" * 64,
        content={"verdict": "pass", "meta": {"policy": {"id": "export-review"}}},
    )  # fmt: skip
    SystemSwitch.objects.create(
        system=n.system_a, state="active", version=2, changed_at=timezone.now()
    )
    IncidentPlaybook.objects.create(system=n.system_a, switch_roles={})
    scope = {
        "scheme": "export", "product_name": "XH-Credit Global", "product_version": "2.1",
        "artefact_digests": {"weights": "f" * 64},
    }  # fmt: skip
    unknown = _apply(n, b, **scope, destinations=["DE", "XX"])
    assert unknown.status_code == 422 and "destinations" in unknown.json()["detail"]
    created = _apply(n, b, **scope, destinations=["de", "FR"])
    assert created.json()["destinations"] == ["DE", "FR"]
    app_id = created.json()["id"]
    component = SimpleNamespace(
        name="base-model", component_type="machine-learning-model", version="1",
        hashes={"SHA-256": "e" * 64}, supplier="上游模型公司", certificate_id="",
    )  # fmt: skip
    fake = SimpleNamespace(components_for=lambda s: [component], supplier_risk_for=lambda s: [])
    monkeypatch.setattr(selectors, "_vendors", lambda: fake)
    _evaluate(b, app_id)
    blocked = _post(bearer_client(b.certifier), f"/applications/{app_id}/decision", {"grant": True})
    assert blocked.status_code == 422 and "base-model" in json.dumps(
        blocked.json(), ensure_ascii=False
    )
    application = CertificationApplication.objects.get(pk=app_id)
    assert application.status == Status.DECISION
    assert not Certificate.objects.exists()

"""Certification end to end in a real Chromium: the applicant applies, the certifier names two
evaluators (no decision is offered before both have recorded findings), each records findings,
the certifier grants; the public verify page says the certificate is valid, refuses an altered
copy, another context, another key and an expired certificate with the reason, and says
suspended, valid again once reinstated, and revoked. An exporter sees an export application
blocked by an upstream component of its AI-BOM that nothing certifies, named on the page.

On the demo network; the credit scorer (approved by its ethics committee in the demo) gets a
passing bias assessment and a clean privacy scan first. Pages are read in English.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = [pytest.mark.e2e]

TIMEOUT_MS = 15_000
SYSTEM = "智能信贷评分 XH-Credit"


def _evidence() -> Any:
    from tianping.web.assessments.models import Evidence
    from tianping.web.systems.models import AISystem

    system = AISystem.objects.get(name=SYSTEM)
    Evidence.objects.create(
        system=system, kind="bias_assessment", title="audit", sha256="a" * 64,
        content={"verdict": "pass", "meta": {"policy": {"id": "four-fifths"}}},
    )  # fmt: skip
    Evidence.objects.create(
        system=system, kind="privacy_profile", title="scan", sha256="b" * 64,
        content={"columns": [{"column": "age", "pipl_class": "general"}]},
    )  # fmt: skip
    return system


def _as(browser: Browser, url: str, username: str, password: str) -> Page:
    ctx = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(TIMEOUT_MS)
    ctx.add_cookies([{"name": "django_language", "value": "en", "url": url}])
    page = ctx.new_page()
    if username:
        page.goto(f"{url}/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(f"{url}/")
    return page


def _verify(page: Page, url: str, credential: dict[str, Any]) -> None:
    page.goto(f"{url}/verify/")
    page.locator("textarea[name=document]").fill(json.dumps(credential))
    page.locator("main form button[type=submit]").first.click()


def _expect_verdict(page: Page, text: str) -> None:
    expect(page.locator("#verdict")).to_contain_text("Not valid")
    expect(page.locator("#verdict")).to_contain_text(text)


def _bad_copies(certificate: Any) -> dict[str, dict[str, Any]]:
    """The credential altered, re-signed under another context, signed by another key under the
    body's name, and one of the same body signed three years ago (expired)."""
    from tests.web.certification.factories import expired_copy

    from tianping.certification import SigningKey, issue_credential
    from tianping.web.certification import selectors

    document = certificate.credential
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    altered = json.loads(json.dumps(document))
    altered["credentialSubject"]["id"] = "urn:test:another-system"
    context = [*document["@context"], "https://evil.example/context"]
    body = certificate.issuer
    method = document["proof"]["verificationMethod"]
    return {
        "signature is invalid": altered,
        "is not pinned": selectors.sign(
            body, {**unsigned, "@context": context}, at=certificate.issued_at
        ),
        "signed by another key": issue_credential(unsigned, SigningKey(bytes(range(32))), method),
        "has expired": expired_copy(certificate),
    }


def test_apply_evaluate_grant_verify_and_revoke(
    browser: Browser, live_server: Any, demo: dict[str, Any]
) -> None:
    from django.contrib.auth import get_user_model

    from tianping.web.certification.models import Certificate

    url, password = live_server.url, demo["password"]
    system = _evidence()
    applicant = _as(browser, url, "applicant", password)
    applicant.goto(f"{url}/certification/apply/")
    applicant.locator("#id_system").select_option(str(system.pk))
    applicant.locator("#id_scheme").select_option("basic_compliance")
    applicant.locator("#id_issuer").select_option(index=1)
    applicant.locator("main form button[type=submit]").click()
    expect(applicant).to_have_url(re.compile(r"/certification/\d+/$"))
    detail = applicant.url

    certifier = _as(browser, url, "certifier", password)
    certifier.goto(detail)
    for username in ("evaluator_ri", "evaluator_ia"):  # of the institute and the association
        pk = get_user_model().objects.get(username=username).pk
        certifier.locator(f"input[name=evaluators][value='{pk}']").check()
    certifier.get_by_role("button", name="Name the evaluators").click()
    expect(certifier.locator(".messages, main").first).to_contain_text("evaluators were named")
    decide = certifier.get_by_role("button", name="Decide", exact=True)
    expect(decide).to_have_count(0)  # no decision, so no certificate, before both findings

    for evaluator in ("evaluator_ri", "evaluator_ia"):
        page = _as(browser, url, evaluator, password)
        page.goto(detail)
        radios = page.locator("input[type=radio][value=met]")
        for index in range(radios.count()):
            radios.nth(index).check()
        page.get_by_role("button", name="Record the findings").click()
        expect(page.locator("main")).to_contain_text("Your findings were recorded")
        page.context.close()
        certifier.goto(detail)
        expect(decide).to_have_count(1 if evaluator == "evaluator_ia" else 0)

    certifier.locator("#id_grant").select_option("1")
    certifier.get_by_role("button", name="Decide").click()
    expect(certifier.locator("main")).to_contain_text("The decision was recorded")
    expect(certifier.locator(".badge.state-active")).to_be_visible()

    certificate = Certificate.objects.get(application__system=system)
    public = _as(browser, url, "", password)
    _verify(public, url, certificate.credential)
    expect(public.locator("main")).to_contain_text(re.compile("valid", re.I))
    expect(public.locator("main")).not_to_contain_text(re.compile("revoked", re.I))
    for text, copy in _bad_copies(certificate).items():
        _verify(public, url, copy)
        _expect_verdict(public, text)

    certifier.locator("#id_reason").fill("An incident is being examined.")
    certifier.get_by_role("button", name="Suspend").click()
    expect(certifier.locator(".badge.state-suspended")).to_be_visible()
    _verify(public, url, certificate.credential)
    _expect_verdict(public, "has been suspended")
    certifier.locator("#id_reason").fill("The incident was resolved.")
    certifier.get_by_role("button", name="Reinstate").click()
    expect(certifier.locator(".badge.state-active")).to_be_visible()
    certifier.locator("#id_reason").fill("Fraudulent evidence found.")
    certifier.get_by_role("button", name="Revoke").click()
    expect(certifier.locator(".badge.state-revoked")).to_be_visible()
    _verify(public, url, certificate.credential)
    _expect_verdict(public, "has been revoked")
    for page in (applicant, certifier, public):
        page.context.close()


UPSTREAM = "upstream-base-model"


def _blocked_export(system: Any) -> Any:
    """An export application of ``system`` whose AI-BOM names an upstream model nothing on the
    platform certifies (uploaded through the vendors app, as an exporter does)."""
    from django.contrib.auth import get_user_model

    from tianping.web.certification import selectors, services
    from tianping.web.vendors.services import bom_upload

    applicant = get_user_model().objects.get(username="applicant")
    model = {
        "type": "machine-learning-model",
        "bom-ref": f"model:{UPSTREAM}@1.0",
        "supplier": {"name": "上游模型公司 (test data)"},
        "name": UPSTREAM,
        "version": "1.0",
        "hashes": [{"alg": "SHA-256", "content": "e" * 64}],
    }
    document = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {"component": {"type": "application", "name": "xh-credit", "version": "1"}},
        "components": [model],
    }
    bom_upload(actor=applicant, system=system, data=json.dumps(document).encode())
    return services.application_submit(
        actor=applicant, system=system, scheme="export", issuer=selectors.issuing_bodies()[0],
        destinations=["DE"], product_name="XH-Credit Global", product_version="2.1",
        artefact_digests={"weights": "f" * 64},
    )  # fmt: skip


def test_an_exporter_sees_the_application_blocked_by_an_unverified_upstream_component(
    browser: Browser, live_server: Any, demo: dict[str, Any]
) -> None:
    url = live_server.url
    application = _blocked_export(_evidence())
    page = _as(browser, url, "applicant", demo["password"])
    page.goto(f"{url}/certification/{application.pk}/")
    upstream = page.locator("#upstream")
    expect(upstream).to_contain_text("Blocked: an upstream component is not certified or eligible")
    expect(upstream.locator("tr", has_text=UPSTREAM)).to_contain_text("uncertified")
    expect(page.locator("#dimensions")).to_be_visible()  # the export certificate's dimensions
    page.context.close()


def test_a_refusal_appealed_and_overturned_and_a_certificate_renewed(
    browser: Browser, live_server: Any, demo: dict[str, Any]
) -> None:
    from django.contrib.auth import get_user_model

    from tianping.web.accounts.models import Role
    from tianping.web.accounts.services import membership_grant
    from tianping.web.certification.models import Certificate, CertificationApplication

    url, password = live_server.url, demo["password"]
    Status = CertificationApplication.Status
    # The demo's disputed application awaits the certifier's decision.
    disputed = CertificationApplication.objects.get(status=Status.DECISION)
    detail = f"{url}/certification/{disputed.pk}/"
    certifier = _as(browser, url, "certifier", password)
    certifier.goto(detail)
    expect(certifier.locator("main")).to_contain_text("许宁")  # a Chinese name in its own order
    certifier.locator("#id_grant").select_option("0")
    certifier.locator("#id_reason").fill("The model card does not answer REQ-12-01.")
    certifier.get_by_role("button", name="Decide", exact=True).click()
    expect(certifier.locator("main")).to_contain_text("The decision was recorded")
    expect(certifier.get_by_role("button", name="Decide the appeal")).to_have_count(0)

    applicant = _as(browser, url, "applicant", password)
    applicant.goto(detail)
    applicant.locator("#id_grounds").fill("The model card's section 4 answers REQ-12-01.")
    applicant.get_by_role("button", name="Lodge the appeal").click()
    expect(applicant.locator("main")).to_contain_text("appeal")

    # The officer who refused does not decide the appeal; another officer of the body does.
    certifier.goto(detail)
    expect(certifier.get_by_role("button", name="Decide the appeal")).to_have_count(0)
    second = get_user_model().objects.create_user(username="certifier_two", password=password)
    membership_grant(
        user=second, organisation=disputed.issuer.organisation, role=Role.CERTIFICATION_OFFICER
    )
    officer = _as(browser, url, "certifier_two", password)
    officer.goto(detail)
    # Overturning grants, which the gap report does not allow here: refused, nothing changes.
    officer.locator("#id_overturn").select_option("1")
    officer.locator("#id_reason").fill("Section 4 of the card answers it.")
    officer.get_by_role("button", name="Decide the appeal").click()
    expect(officer.get_by_role("button", name="Decide the appeal")).to_have_count(1)
    disputed.refresh_from_db()
    assert disputed.status == Status.APPEALED
    officer.locator("#id_overturn").select_option("0")
    officer.locator("#id_reason").fill("REQ-12-01 is still not met by the model card.")
    officer.get_by_role("button", name="Decide the appeal").click()
    expect(officer.locator("main")).to_contain_text("The appeal was decided")
    expect(officer.get_by_role("button", name="Decide the appeal")).to_have_count(0)
    disputed.refresh_from_db()
    assert disputed.status == Status.REFUSED and disputed.appeal.outcome == "upheld"

    # The demo's certificate issued 22 months ago: its holder applies for renewal.
    held = Certificate.objects.get(application__system__organisation__name__contains="云语")
    holder = _as(browser, url, "yunyu", password)
    holder.goto(f"{url}/certification/{held.application_id}/")
    holder.get_by_role("button", name="Apply for renewal").click()
    expect(holder).to_have_url(re.compile(r"/certification/\d+/$"))
    assert holder.url != f"{url}/certification/{held.application_id}/"
    renewal = CertificationApplication.objects.get(renews=held)
    assert renewal.status == Status.SUBMITTED and renewal.system_id == held.system_id
    for page in (certifier, applicant, officer, holder):
        page.context.close()

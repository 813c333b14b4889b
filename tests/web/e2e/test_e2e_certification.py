"""Certification end to end in a real Chromium: the applicant applies, the certifier names two
evaluators, each records findings, the certifier grants; the public verify page says the
certificate is valid, and after revocation that it is revoked.

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
    certifier.locator("#id_grant").select_option("1")
    certifier.get_by_role("button", name="Decide").click()
    expect(certifier.locator("main")).to_contain_text("The decision was recorded")
    expect(certifier.locator(".badge.state-active")).to_be_visible()

    certificate = Certificate.objects.get(application__system=system)
    public = _as(browser, url, "", password)
    _verify(public, url, certificate.credential)
    expect(public.locator("main")).to_contain_text(re.compile("valid", re.I))
    expect(public.locator("main")).not_to_contain_text(re.compile("revoked", re.I))

    certifier.locator("#id_reason").fill("Fraudulent evidence found.")
    certifier.get_by_role("button", name="Revoke").click()
    expect(certifier.locator(".badge.state-revoked")).to_be_visible()
    _verify(public, url, certificate.credential)
    expect(public.locator("main")).to_contain_text(re.compile("revoked", re.I))
    for page in (applicant, certifier, public):
        page.context.close()

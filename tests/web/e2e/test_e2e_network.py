"""The three-tier network end to end in a real Chromium, with the demo's real tree and one
browser context per person: an enterprise user of Xinghe files a risk report carrying a
resident ID and a phone number; Pudong's district regulator (the lowest over Xinghe) sees it
de-identified, and escalates it; Shanghai's provincial regulator sees it and issues an early
warning to its subtree; the enterprise user acknowledges the warning; the province sees who
has not acknowledged. Pages are read in English.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = [pytest.mark.e2e]

TIMEOUT_MS = 15_000
RESIDENT_ID = "11010519491231002X"
PHONE = "13812345678"
DISTRICT = "浦东新区科技伦理监管科"
ENTERPRISE = "星河金融科技有限公司"


def _as(browser: Browser, url: str, username: str, password: str) -> Page:
    ctx = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(TIMEOUT_MS)
    ctx.add_cookies([{"name": "django_language", "value": "en", "url": url}])
    page = ctx.new_page()
    page.goto(f"{url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{url}/")
    return page


def _district_regulator() -> str:
    """The demo's regulator of Pudong's section, the district over Xinghe."""
    from tianping.web.accounts.models import Membership, Role

    membership = Membership.objects.get(user__username="regulator_pd", role=Role.REGULATOR)
    assert membership.organisation.name == DISTRICT
    return "regulator_pd"


def _no_personal_numbers(page: Page) -> None:
    html = page.content()
    assert RESIDENT_ID not in html and PHONE not in html


def test_report_up_warning_down_with_several_users(
    browser: Browser, live_server: Any, demo: dict[str, Any], tmp_path: Path
) -> None:
    shots = tmp_path
    url, password = live_server.url, demo["password"]
    district_user = _district_regulator()

    # The enterprise user files a report about its credit scorer.
    enterprise = _as(browser, url, "applicant", password)
    enterprise.goto(f"{url}/network/reports/new/")
    enterprise.locator("#id_organisation").select_option(label=ENTERPRISE)
    enterprise.locator("#id_system").select_option(index=1)
    enterprise.locator("#id_kind").select_option("complaint")
    enterprise.locator("#id_category").select_option("privacy_leak")
    enterprise.locator("#id_severity").select_option("high")
    enterprise.locator("#id_affected_people").fill("1")
    enterprise.locator("#id_title").fill("Credit score shown to the wrong customer")
    enterprise.locator("#id_description").fill(
        f"A customer (resident ID {RESIDENT_ID}, phone {PHONE}) saw another person's score."
    )
    enterprise.locator("#id_visibility").select_option("jurisdiction")
    enterprise.locator("main form button[type=submit]").click()
    expect(enterprise).to_have_url(re.compile(r"/network/reports/\d+/$"))
    report_url = enterprise.url
    _no_personal_numbers(enterprise)

    # The district regulator sees it de-identified, and escalates it to the province.
    district = _as(browser, url, district_user, password)
    district.goto(report_url)
    expect(district.locator("#report-description")).to_contain_text("saw another person")
    _no_personal_numbers(district)
    district.locator("#triage-form select[name=action]").select_option("escalate")
    district.locator("#triage-form textarea[name=note]").fill("Beyond the district.")
    district.locator("#triage-form button[type=submit]").click()
    expect(district.locator("#steps")).to_contain_text("Beyond the district.")

    # The province sees it, de-identified, and warns its subtree.
    province = _as(browser, url, "regulator_sh", password)
    province.goto(report_url)
    expect(province.locator("#triage-form")).to_be_visible()
    _no_personal_numbers(province)
    province.goto(f"{url}/network/warnings/new/")
    province.locator("#id_issuer").select_option(index=1)
    province.locator("#id_title").fill("Check who sees credit scores")
    province.locator("#id_body").fill("Review the access rules of scoring results.")
    province.locator("#id_category").select_option("privacy_leak")
    province.locator("#id_severity").select_option("high")
    # Only enterprises that reported a privacy leak.
    province.locator("input[name=kinds][value=enterprise]").check()
    province.locator("#id_report_category").select_option("privacy_leak")
    province.locator("main form button[type=submit]").click()
    expect(province).to_have_url(re.compile(r"/network/warnings/\d+/$"))
    warning_url = province.url
    expect(province.locator("#recipients tr.pending", has_text=ENTERPRISE)).to_have_count(1)
    targets = province.locator("#targets")
    expect(targets).to_contain_text("Kinds of organisation: Enterprise")
    expect(targets).to_contain_text("Reported risk category: Privacy leak")
    province.screenshot(path=str(shots / "warning-issued.png"), full_page=True)

    # The enterprise user finds the warning and acknowledges it.
    enterprise.goto(f"{url}/network/warnings/")
    enterprise.get_by_role("link", name="Check who sees credit scores").first.click()
    expect(enterprise).to_have_url(warning_url)
    enterprise.locator("#acknowledge").click()
    expect(enterprise.locator("#acknowledge")).to_have_count(0)

    # The issuer sees who has acknowledged and who has not.
    province.reload()
    expect(province.locator("#recipients tr.acknowledged", has_text=ENTERPRISE)).to_have_count(1)
    expect(province.locator("#unacknowledged")).to_contain_text("not acknowledged")
    for page in (enterprise, district, province):
        page.context.close()

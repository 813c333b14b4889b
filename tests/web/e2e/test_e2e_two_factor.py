"""Two-factor sign-in in a real browser: a regulator enrols after the password, then signs in
with a code; the enrolment page's QR code loads under the Content-Security-Policy."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e]


def _code(device: TOTPDevice) -> str:
    return (
        f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"
    )


def _password(page: Page, url: str, password: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.locator("#id_username").fill("regulator_sh")
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()


def test_a_regulator_enrols_then_signs_in_with_a_code(
    page: Page, live_server: Any, demo: dict[str, Any], settings: Any
) -> None:
    settings.TIANPING_REQUIRE_2FA = True
    settings.TIANPING_REQUIRE_2FA_ROLES = ["regulator", "certification_officer", "admin", "staff"]
    url = live_server.url
    _password(page, url, demo["password"])
    expect(page).to_have_url(re.compile(rf"^{re.escape(url)}/accounts/two-factor/setup/"))
    qr = page.locator("#totp-qr")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(page.locator("#totp-secret")).to_have_text(re.compile(r"^[A-Z2-7]{32}$"))
    # Any other page sends back to enrolment.
    page.goto(f"{url}/systems/")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/setup/"))
    device = TOTPDevice.objects.get(user__username="regulator_sh", confirmed=False)
    page.locator("#id_code").fill(_code(device))
    page.locator("main form button.primary").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(url)}/systems/$"))
    # Next time: the password, then a code.
    page.locator("header form[action$='/logout/'] button").click()
    _password(page, url, demo["password"])
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/\?next="))
    device.refresh_from_db()
    device.last_t = -1  # the code above was used; the next one of the same 30 s would be too
    device.save()
    page.locator("#id_code").fill(_code(device))
    page.locator("main form button.primary").click()
    expect(page).to_have_url(f"{url}/")

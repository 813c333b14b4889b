"""The Operations page in a real browser: a key, live counters, the switch, a receipt."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tianping.ledger import verify_receipt
from tianping.sdk import Client

pytestmark = [pytest.mark.e2e]


def test_an_administrator_runs_a_system_from_its_operations_page(
    page: Page, live_server: Any, login: Any, tmp_path: Path
) -> None:
    from tianping.web.systems.models import AISystem

    login("orgadmin")
    system = AISystem.objects.filter(organisation__memberships__user__username="orgadmin").first()
    assert system is not None
    page.goto(f"{live_server.url}/systems/{system.pk}/")
    page.locator("#operations-link").click()
    expect(page.locator("#switch-state")).to_have_attribute("data-state", "active")

    # A system API key, shown once.
    page.locator("#keys-card input[name=name]").fill("生产环境")
    page.locator("#keys-card button[type=submit]").click()
    key = page.locator("#new-key").inner_text()
    assert key.startswith("tpk_")

    client = Client(live_server.url, system_id=system.pk, api_key=key, spool_dir=tmp_path / "spool")
    try:
        client.record_many([{"case": n, "decision": "approve"} for n in range(5)])
        assert client.flush(timeout_s=20)
        # The counters follow by htmx polling, without reloading the page.
        expect(page.locator("#count-records")).to_have_text("5")

        # Pausing asks for a reason and a confirmation; the SDK then refuses AI decisions.
        assert client.guard()
        page.locator("#switch-to-paused").click()
        page.locator("#id_reason").fill("用户投诉集中，暂停自动审批，改由人工复核。")
        page.locator("#confirm-switch").click()  # not confirmed yet: refused, nothing changes
        expect(page.locator("#field-confirm .error")).to_have_count(1)
        page.locator("#id_confirm").check()
        page.locator("#confirm-switch").click()
        expect(page.locator("#switch-state")).to_have_attribute("data-state", "paused")
        for _ in range(60):  # within 3 s
            if not client.guard():
                break
            page.wait_for_timeout(50)
        assert not client.guard()
    finally:
        client.close(timeout_s=5)

    # A receipt of a decision, downloaded and verified offline with the shown key.
    vkey = page.locator("#decisions-vkey").inner_text()
    with page.expect_download() as download:
        page.locator("#entries a.receipt").first.click()
    receipt = json.loads(Path(download.value.path()).read_text("utf-8"))
    assert verify_receipt(receipt, vkey).size == 5
    expect(page.locator("#actions")).to_contain_text(re.compile("switch|开关"))

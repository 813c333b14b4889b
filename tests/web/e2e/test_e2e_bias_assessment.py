"""End-to-end: a compliance officer uploads decisions, runs a bias audit and reads the verdict."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from tests.web.assessments.factories import csv_bytes

pytestmark = [pytest.mark.e2e]

SYSTEM_NAME = "智能信贷评分 XH-Credit"


def test_upload_a_csv_run_the_audit_and_see_the_chart_and_verdict(
    page: Page, live_server: Any, login: Any, tmp_path: Path
) -> None:
    from tianping.web.systems.models import AISystem

    data = tmp_path / "decisions.csv"
    data.write_bytes(csv_bytes())
    login("applicant")
    system = AISystem.objects.get(name=SYSTEM_NAME)

    page.goto(f"{live_server.url}/systems/{system.pk}/")
    page.locator("#new-assessment").click()
    expect(page).to_have_url(f"{live_server.url}/assessments/systems/{system.pk}/new/")
    page.locator("#id_title").fill("2026 年第一季度放贷决定")
    page.locator("#id_file").set_input_files(str(data))
    page.locator("#id_protected").fill("sex, age")
    page.locator("#id_label").fill("y")
    page.locator("#id_prediction").fill("yhat")
    page.locator("#id_bins").fill("age=0,40,200")
    page.locator("#id_replicates").fill("200")
    page.locator("#start-assessment").click()

    # Queued and run (by the immediate task backend in tests): the results page.
    expect(page).to_have_url(re.compile(r"/assessments/[0-9a-f-]{36}/$"))
    verdict = page.locator("#verdict")
    expect(verdict).to_have_attribute("data-verdict", "fail")
    expect(verdict).to_have_text("不通过")
    chart = page.locator('#disparity-charts figure[data-metric="disparate_impact"] svg')
    expect(chart).to_be_visible()
    expect(chart.locator("g.bar")).to_have_count(3)  # sex × age, sex, age
    expect(chart.locator('g.threshold[data-tone="pass"]')).to_have_count(1)
    expect(page.locator("#group-metrics figure svg").first).to_be_visible()
    expect(page.locator("#evidence-items")).to_contain_text("REQ-13-02")
    page.screenshot(path=tmp_path / "bias-assessment.png", full_page=True)

    # The system page lists it.
    page.goto(f"{live_server.url}/systems/{system.pk}/")
    expect(page.locator("#bias-assessments")).to_contain_text("2026 年第一季度放贷决定")

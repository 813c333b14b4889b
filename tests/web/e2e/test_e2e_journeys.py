"""End-to-end journeys in a real Chromium (Playwright) against a live Django server."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

pytestmark = [pytest.mark.e2e]

SYSTEM_NAME = "智能信贷审批助手"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _answer(page: Page, answers: dict[str, Any]) -> None:
    """Fill the intake form: booleans as yes/no radios, lists as checkboxes, strings as radios.

    In the given order, as a person would: a conditional question (``sensitive_pi``)
    only shows once the answer it depends on (``personal_info``) is given.
    """
    for question, value in answers.items():
        if isinstance(value, bool):
            value = "yes" if value else "no"
        for choice in value if isinstance(value, list) else [value]:
            page.locator(f'#intake-form input[name="{question}"][value="{choice}"]').check()


CREDIT_ANSWERS: dict[str, Any] = {
    "personal_info": True,
    "sensitive_pi": True,
    "minors": False,
    "affects_rights": True,
    "automated_decisions": ["credit"],
    "public_facing": True,
    "generative": False,
    "third_party_components": True,
    "exported": False,
    "listed_activities": ["none"],
    "scale": "gt_1m",
    "mitigations": ["human_review", "appeal_path"],
}


# A consistent, unremarkable intake to which each test adds one contradiction.
PLAIN_ANSWERS: dict[str, Any] = {
    "personal_info": True,
    "sensitive_pi": False,
    "minors": False,
    "affects_rights": False,
    "automated_decisions": ["none"],
    "public_facing": True,
    "generative": False,
    "third_party_components": False,
    "exported": False,
    "listed_activities": ["none"],
    "scale": "10k_1m",
    "mitigations": ["monitoring"],
}


def _system_pk(page: Page) -> int:
    found = re.search(r"/systems/(\d+)/", page.url)
    assert found, page.url
    return int(found.group(1))


def test_compliance_officer_journey(
    page: Page, live_server: Any, login: Any, tmp_path: Path
) -> None:
    login("applicant")

    # Register a new system through the form.
    page.goto(f"{live_server.url}/systems/new/")
    page.locator("#id_name").fill(SYSTEM_NAME)
    page.locator("#id_purpose").fill("对个人消费贷款申请自动给出审批建议和授信额度。")
    page.locator("#id_owner").fill("零售信贷部")
    page.locator("#id_sector").select_option("finance")
    page.locator("#id_lifecycle_stage").select_option("test")
    page.locator("#id_deployment_context").fill("手机银行 App；拒贷决定一律人工复核。")
    page.locator("#id_model_version").fill("1.0.0")
    page.locator("#id_components").fill("Qwen2.5-7B | 阿里云\n征信数据接口 | 百行征信\n")
    page.locator("#id_datasets").fill("2020–2025 贷款申请记录 | 自有业务数据")
    page.locator("#id_people_affected").fill("每年约 50 万名贷款申请人")
    for market in ("domestic", "hk_macao_taiwan", "asean"):
        page.locator(f'input[name="markets"][value="{market}"]').check()
    page.locator("main form button[type=submit]").click()

    # Registered: straight on to the intake questionnaire.
    expect(page).to_have_url(re.compile(r"/systems/\d+/intake/$"))
    expect(page.locator("main .lead")).to_contain_text(SYSTEM_NAME)
    pk = _system_pk(page)

    from tianping.web.systems.models import AISystem

    system = AISystem.objects.get(pk=pk)
    assert system.components == [
        {"name": "Qwen2.5-7B", "vendor": "阿里云"},
        {"name": "征信数据接口", "vendor": "百行征信"},
    ]
    assert system.markets == ["domestic", "hk_macao_taiwan", "asean"]
    assert system.organisation.name == "星河金融科技有限公司"

    _answer(page, CREDIT_ANSWERS)
    page.locator("#intake-form button[type=submit]").click()

    # Scored: the tier, why, and what it obliges.
    expect(page).to_have_url(f"{live_server.url}/systems/{pk}/")
    badge = page.locator("#tier-badge")
    expect(badge).to_have_attribute("data-tier", "high")
    expect(page.locator("#reasons li").first).to_be_visible()
    expect(page.locator("#obligations li").first).to_be_visible()
    assert page.locator("#obligations li").count() >= 4
    expect(page.locator("main")).to_contain_text("Qwen2.5-7B (阿里云)")
    page.screenshot(path=tmp_path / "system-after-intake.png", full_page=True)
    assert (tmp_path / "system-after-intake.png").stat().st_size > 0

    # The PDF report: queued, rendered (immediately in tests), downloaded.
    page.locator("#make-report").click()
    expect(page).to_have_url(re.compile(r"/systems/reports/[0-9a-f-]{36}/$"))
    download_link = page.locator("#download-report")
    expect(download_link).to_be_visible()
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename == f"tianping-intake-{pk}.pdf"
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    assert SYSTEM_NAME in re.sub(r"\s+", "", text)

    # Switch the interface to English and back with the header switch.
    page.goto(f"{live_server.url}/systems/{pk}/")
    page.locator('button[data-lang="en"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/systems/{pk}/")
    expect(page.locator("#tier-card h2")).to_have_text("Risk tier")
    expect(page.locator("#tier-badge")).to_have_text("High")
    expect(page.locator('button[data-lang="en"]')).to_have_attribute("aria-current", "true")
    reasons = page.locator("#reasons").inner_text()
    assert reasons.strip()
    assert not CJK.search(reasons), reasons

    page.locator('button[data-lang="zh-hans"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#tier-card h2")).to_have_text(CJK)
    expect(page).to_have_url(f"{live_server.url}/systems/{pk}/")
    expect(page.locator('button[data-lang="zh-hans"]')).to_have_attribute("aria-current", "true")
    expect(page.locator("#reasons")).to_contain_text(CJK)
    expect(page.locator("#tier-badge")).to_have_attribute("data-tier", "high")


def test_intake_asks_conditional_questions_only_when_they_apply(
    page: Page, live_server: Any, login: Any
) -> None:
    from tianping.web.systems.models import AISystem

    system = AISystem.objects.get(name="智能信贷评分 XH-Credit")
    login("applicant")
    page.goto(f"{live_server.url}/systems/{system.pk}/intake/")
    sensitive = page.locator("#field-sensitive_pi")
    markets = page.locator("#field-export_markets")
    # The form starts from the current intake: personal information yes, not exported.
    expect(sensitive).to_be_visible()
    expect(markets).to_be_hidden()

    page.locator('input[name="personal_info"][value="no"]').check()
    expect(sensitive).to_be_hidden()
    page.locator('input[name="exported"][value="yes"]').check()
    expect(markets).to_be_visible()
    page.locator('input[name="export_markets"][value="eu"]').check()
    page.locator("#intake-form button[type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}/systems/{system.pk}/")
    system.refresh_from_db()
    assert system.latest_intake is not None
    answers = system.latest_intake.answers
    assert answers["personal_info"] is False
    assert answers["sensitive_pi"] is False
    assert answers["exported"] is True
    assert answers["export_markets"] == ["eu"]


# With scripts the form hides the questions that do not apply; without them (or with a
# stale page) the contradiction reaches the server, which must refuse it field by field.
@pytest.mark.parametrize("javascript", [False], ids=["no-javascript"])
@pytest.mark.parametrize(
    ("contradiction", "field"),
    [
        ({"personal_info": False, "sensitive_pi": True}, "sensitive_pi"),
        ({"exported": False, "export_markets": ["eu", "asean"]}, "export_markets"),
    ],
    ids=["sensitive-without-personal-info", "markets-without-export"],
)
def test_contradictory_intake_shows_field_errors_and_saves_nothing(
    page: Page,
    live_server: Any,
    login: Any,
    contradiction: dict[str, Any],
    field: str,
) -> None:
    from django.contrib.auth import get_user_model

    from tianping.web.accounts.models import Organisation
    from tianping.web.systems.models import Intake
    from tianping.web.systems.services import system_register

    system = system_register(
        actor=get_user_model().objects.get(username="applicant"),
        organisation=Organisation.objects.get(name="星河金融科技有限公司"),
        name="客服工单自动分派",
        purpose="把客户工单分派给合适的客服小组。",
        owner="客户服务部",
        sector="customer_service",
        lifecycle_stage="design",
    )
    login("applicant")
    page.goto(f"{live_server.url}/systems/{system.pk}/intake/")
    # No script hides the conditional questions here.
    expect(page.locator("#field-sensitive_pi")).to_be_visible()
    expect(page.locator("#field-export_markets")).to_be_visible()
    answers = {**PLAIN_ANSWERS, **contradiction}
    _answer(page, answers)
    page.locator("#intake-form button[type=submit]").click()

    expect(page.locator(f"#field-{field}")).to_have_class(re.compile(r"\bhas-error\b"))
    expect(page.locator(f"#field-{field} .error")).to_be_visible()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/systems/{system.pk}/intake/")
    # The answers given are kept in the form for correction.
    for question, value in contradiction.items():
        for choice in value if isinstance(value, list) else ["yes" if value else "no"]:
            expect(page.locator(f'input[name="{question}"][value="{choice}"]')).to_be_checked()

    system.refresh_from_db()
    assert system.latest_intake is None
    assert not Intake.objects.filter(system=system).exists()
    assert not system.events.filter(kind="intake_submitted").exists()


def test_catalogue_search_filters_live(page: Page, live_server: Any, login: Any) -> None:
    from tianping.web.catalogue.models import Principle, RequirementItem
    from tianping.web.catalogue.selectors import requirement_search

    login("applicant")
    page.goto(f"{live_server.url}/catalogue/")
    rows = page.locator("#item-table tbody tr")
    total = RequirementItem.objects.count()
    expect(rows).to_have_count(total)
    count = page.locator("#item-count")
    expect(count).to_contain_text(re.compile(rf"(^|\D){total}(\D|$)"))
    # A full page load would drop this marker; htmx swaps keep it.
    page.evaluate("window.__sameDocument = true")

    matching = requirement_search(text="偏见").count()
    assert 0 < matching < total
    search = page.locator("#id_q")
    search.fill("偏见")
    # Chinese is typed through an input method, whose commit ends in a key release:
    # the keyup htmx listens for (Playwright's fill() sends none).
    search.press("End")
    expect(rows).to_have_count(matching)
    expect(count).to_contain_text(re.compile(rf"(^|\D){matching}(\D|$)"))
    expect(page).to_have_url(re.compile(r"[?&]q=%E5%81%8F%E8%A7%81"))
    assert page.evaluate("window.__sameDocument") is True

    # Narrow further by principle: pick one that keeps some of the matches.
    principle = next(
        p
        for p in Principle.objects.order_by("number")
        if requirement_search(text="偏见", principle=p.code).exists()
    )
    narrowed = requirement_search(text="偏见", principle=principle.code).count()
    page.locator("#id_principle").select_option(principle.code)
    expect(rows).to_have_count(narrowed)
    expect(count).to_contain_text(re.compile(rf"(^|\D){narrowed}(\D|$)"))
    expect(page).to_have_url(re.compile(rf"principle={principle.code}"))
    assert page.evaluate("window.__sameDocument") is True
    for code in requirement_search(text="偏见", principle=principle.code).values_list(
        "code", flat=True
    ):
        expect(page.locator("#item-table code", has_text=code)).to_have_count(1)


def test_other_organisation_cannot_open_system(page: Page, live_server: Any, login: Any) -> None:
    from tianping.web.systems.models import AISystem

    system = AISystem.objects.order_by("pk").first()
    assert system is not None
    assert system.organisation.name == "星河金融科技有限公司"

    login("maker")  # an applicant of 鹏城智造, another enterprise
    response = page.goto(f"{live_server.url}/systems/{system.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(system.name)
    for path in ("edit/", "intake/"):
        response = page.goto(f"{live_server.url}/systems/{system.pk}/{path}")
        assert response is not None
        assert response.status == 404
    page.goto(f"{live_server.url}/systems/")
    expect(page.locator("#system-table")).not_to_contain_text(system.name)


def test_a_reviewer_cannot_override_a_tier_below_a_mandatory_floor(
    page: Page, live_server: Any, login: Any
) -> None:
    from tianping.web.systems.models import AISystem

    system = AISystem.objects.get(name="智能信贷评分 XH-Credit")
    assert system.latest_intake is not None
    assert system.latest_intake.tier == "high"

    login("chair")  # chair of 星河金融科技's ethics committee
    page.goto(f"{live_server.url}/systems/{system.pk}/")
    expect(page.locator("#tier-badge")).to_have_attribute("data-tier", "high")
    page.locator(
        f'a[href$="/systems/{system.pk}/intakes/{system.latest_intake.pk}/override/"]'
    ).click()
    expect(page).to_have_url(re.compile(r"/override/$"))

    page.locator('input[name="tier"][value="medium"]').check()
    page.locator("#id_justification").fill("风险可控。")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#field-justification .error")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/override/$"))
    system.latest_intake.refresh_from_db()
    assert system.latest_intake.tier == "high"
    assert not system.latest_intake.override_justification

    # A justified override to medium is still refused: XH-Credit is high by a floor that may
    # not be overridden (automated credit decisions on sensitive personal information).
    justification = "经伦理委员会会议审议：拒贷决定全部人工复核，申诉渠道已运行一年，调整为中风险。"
    expect(page.locator('input[name="tier"][value="medium"]')).to_be_checked()
    page.locator("#id_justification").fill(justification)
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/override/$"))
    expect(page.locator("main form .error").first).to_be_visible()
    system.latest_intake.refresh_from_db()
    assert system.latest_intake.tier == "high"
    assert not system.latest_intake.is_overridden
    page.goto(f"{live_server.url}/systems/{system.pk}/")
    expect(page.locator("#tier-badge")).to_have_attribute("data-tier", "high")

"""HTML flows through Django's test client: what a person does in the browser, minus the browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.web.factories import (
    CONTRADICTORY_ANSWERS,
    HIGH_RISK_ANSWERS,
    JUSTIFICATION,
    PASSWORD,
    SYSTEM_A_NAME,
    SYSTEM_B_NAME,
    Network,
    logged_in_client,
)
from tianping.web.accounts.models import ApiToken
from tianping.web.systems.models import AISystem, Intake, ReportJob, SystemEvent


def _counts() -> tuple[int, int, int]:
    return AISystem.objects.count(), Intake.objects.count(), SystemEvent.objects.count()


def intake_form_data(answers: dict[str, Any]) -> dict[str, Any]:
    """Intake answers as the form posts them: booleans as yes/no radio values."""
    return {k: ("yes" if v else "no") if isinstance(v, bool) else v for k, v in answers.items()}


def system_form_data(network: Network, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "organisation": network.enterprise_a.pk,
        "name": "Customer service bot 客服机器人",
        "purpose": "Answers customers' questions about their orders.",
        "owner": "Customer service 客服部",
        "sector": "customer_service",
        "lifecycle_stage": "launch",
        "deployment_context": "Web shop chat window",
        "model_version": "1.4",
        "components": "Qwen2.5-7B | Alibaba Cloud\nMilvus",
        "datasets": "Support tickets 2024 | own data",
        "people_affected": "Shop customers",
        "markets": ["domestic", "asean"],
        "export_destinations": "新加坡，马来西亚",
    }
    data.update(changes)
    return data


@pytest.fixture
def applicant(network: Network) -> Client:
    return logged_in_client(network.applicant_a)


# Logging in ----------------------------------------------------------------------------------


def test_login_with_the_right_password_opens_the_home_page(network: Network) -> None:
    client = Client()
    response = client.post(
        reverse("login"), {"username": "applicant_a", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1] == (reverse("home"), 302)
    assert response.context["user"] == network.applicant_a
    assert SYSTEM_A_NAME in response.content.decode()


def test_login_with_a_wrong_password_shows_an_error_and_no_session(network: Network) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "applicant_a", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_login_returns_to_the_page_asked_for(network: Network) -> None:
    target = reverse("systems:detail", kwargs={"pk": network.system_a.pk})
    response = Client().post(
        f"{reverse('login')}?next={target}",
        {"username": "applicant_a", "password": PASSWORD, "next": target},
    )
    assert response["Location"] == target


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_login_never_redirects_to_another_site(network: Network, target: str) -> None:
    response = Client().post(
        reverse("login"), {"username": "applicant_a", "password": PASSWORD, "next": target}
    )
    assert response["Location"] == reverse("home")


def test_html_forms_refuse_a_post_without_the_csrf_token(network: Network) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(network.applicant_a)
    before = _counts()
    response = client.post(reverse("systems:create"), system_form_data(network))
    assert response.status_code == 403
    assert _counts() == before


def test_logout_ends_the_session(applicant: Client) -> None:
    response = applicant.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert applicant.get(reverse("home")).status_code == 302


# Registering and editing a system ------------------------------------------------------------


def test_register_form_creates_the_system_and_leads_to_the_intake(
    network: Network, applicant: Client
) -> None:
    response = applicant.post(reverse("systems:create"), system_form_data(network))

    system = AISystem.objects.get(name="Customer service bot 客服机器人")
    assert response["Location"] == reverse("systems:intake", kwargs={"pk": system.pk})
    assert system.organisation == network.enterprise_a
    assert system.components == [
        {"name": "Qwen2.5-7B", "vendor": "Alibaba Cloud"},
        {"name": "Milvus", "vendor": ""},
    ]
    assert system.datasets == [{"name": "Support tickets 2024", "source": "own data"}]
    assert system.markets == ["domestic", "asean"]
    assert system.export_destinations == ["新加坡", "马来西亚"]
    assert system.events.get().kind == SystemEvent.Kind.REGISTERED


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"sector": "astrology"}, "sector"),
        ({"purpose": "x" * 5001}, "purpose"),
        ({"components": " | vendor without a name"}, "components"),
        ({"markets": ["moon"]}, "markets"),
        ({"markets": ["domestic"], "export_destinations": "德国"}, "export_destinations"),
        ({"organisation": "999999"}, "organisation"),
        ({"name": "nul \x00 inside"}, "name"),
    ],
    ids=[
        "no-name",
        "unknown-sector",
        "long-purpose",
        "component-without-name",
        "unknown-market",
        "export-without-foreign-market",
        "foreign-organisation",
        "nul",
    ],
)
def test_register_form_with_invalid_input_shows_the_field_error_and_saves_nothing(
    network: Network, applicant: Client, changes: dict[str, Any], field: str
) -> None:
    before = _counts()
    response = applicant.post(reverse("systems:create"), system_form_data(network, **changes))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert f'id="field-{field}"' in response.content.decode()
    assert _counts() == before


def test_register_form_cannot_target_another_organisation(network: Network) -> None:
    client = logged_in_client(network.applicant_b)
    data = system_form_data(network, organisation=network.enterprise_a.pk)
    response = client.post(reverse("systems:create"), data)
    assert "organisation" in response.context["form"].errors
    assert not AISystem.objects.filter(name=data["name"]).exists()


def test_edit_form_saves_the_changes_and_the_history_shows_them(
    network: Network, applicant: Client
) -> None:
    n = network
    url = reverse("systems:edit", kwargs={"pk": n.system_a.pk})
    form = applicant.get(url).context["form"]
    data = {**form.initial, "lifecycle_stage": "retire"}

    response = applicant.post(url, data, follow=True)

    assert response.redirect_chain[-1][0] == reverse("systems:detail", kwargs={"pk": n.system_a.pk})
    assert AISystem.objects.get(pk=n.system_a.pk).lifecycle_stage == "retire"
    event = n.system_a.events.get(kind=SystemEvent.Kind.UPDATED)
    assert event.changes == {"lifecycle_stage": {"from": "operate", "to": "retire"}}
    history = re.search(
        r'<table class="grid" id="history">.*?</table>', response.content.decode(), re.S
    )
    assert history and "→" in history.group(0)


# The intake ----------------------------------------------------------------------------------


def test_intake_form_with_contradictory_answers_shows_the_field_error_and_saves_nothing(
    network: Network, applicant: Client
) -> None:
    n = network
    before = _counts()
    url = reverse("systems:intake", kwargs={"pk": n.system_a.pk})

    response = applicant.post(url, intake_form_data(CONTRADICTORY_ANSWERS))

    assert response.status_code == 200
    assert "sensitive_pi" in response.context["form"].errors
    assert re.search(r'class="field has-error" id="field-sensitive_pi"', response.content.decode())
    assert _counts() == before
    assert AISystem.objects.get(pk=n.system_a.pk).latest_intake == n.intake_a


def test_intake_form_with_missing_answers_names_each_question(
    network: Network, applicant: Client
) -> None:
    url = reverse("systems:intake", kwargs={"pk": network.system_a.pk})
    response = applicant.post(url, {"personal_info": "no"})
    errors = response.context["form"].errors
    assert {"affects_rights", "automated_decisions", "scale"} <= set(errors)


def test_intake_form_scores_the_answers_and_the_page_shows_tier_reasons_and_obligations(
    network: Network, applicant: Client
) -> None:
    n = network
    url = reverse("systems:intake", kwargs={"pk": n.system_a.pk})

    response = applicant.post(url, intake_form_data(HIGH_RISK_ANSWERS), follow=True)

    assert response.redirect_chain[-1][0] == reverse("systems:detail", kwargs={"pk": n.system_a.pk})
    body = response.content.decode()
    assert 'data-tier="high"' in body
    assert 'id="expert-review"' in body
    result = response.context["result"]
    assert result["tier"] == "high"
    reasons = re.search(r'<ul id="reasons">(.*?)</ul>', body, re.S)
    obligations = re.search(r'<ul id="obligations"[^>]*>(.*?)</ul>', body, re.S)
    assert reasons and reasons.group(1).count("<li>") == len(result["reasons"]) > 0
    assert obligations and obligations.group(1).count("<li>") == len(result["obligations"]) > 0
    assert result["reasons"][0]["text"]["zh-Hans"] in body


def test_intake_form_is_prefilled_with_the_latest_answers(
    network: Network, applicant: Client
) -> None:
    response = applicant.get(reverse("systems:intake", kwargs={"pk": network.system_a.pk}))
    form = response.context["form"]
    assert form.initial["personal_info"] == "no"
    assert form.initial["scale"] == "lt_10k"


# Overriding the tier -------------------------------------------------------------------------


def test_override_form_records_the_decision_with_its_justification(network: Network) -> None:
    n = network
    client = logged_in_client(n.chair_a)
    url = reverse("systems:override", kwargs={"pk": n.system_a.pk, "intake_pk": n.intake_a.pk})

    response = client.post(url, {"tier": "high", "justification": JUSTIFICATION}, follow=True)

    intake = Intake.objects.get(pk=n.intake_a.pk)
    assert (intake.tier, intake.computed_tier, intake.overridden_by) == ("high", "low", n.chair_a)
    body = response.content.decode()
    assert 'data-tier="high"' in body
    assert JUSTIFICATION in body
    assert n.system_a.events.filter(kind=SystemEvent.Kind.TIER_OVERRIDDEN).exists()


def test_override_form_with_a_short_justification_shows_the_error_and_saves_nothing(
    network: Network,
) -> None:
    n = network
    before = _counts()
    client = logged_in_client(n.admin_a)
    url = reverse("systems:override", kwargs={"pk": n.system_a.pk, "intake_pk": n.intake_a.pk})

    response = client.post(url, {"tier": "high", "justification": "Because."})

    assert "justification" in response.context["form"].errors
    assert Intake.objects.get(pk=n.intake_a.pk).tier == "low"
    assert _counts() == before


def test_override_link_is_shown_only_to_those_who_may_override(network: Network) -> None:
    n = network
    url = reverse("systems:detail", kwargs={"pk": n.system_a.pk})
    override = reverse("systems:override", kwargs={"pk": n.system_a.pk, "intake_pk": n.intake_a.pk})
    assert override not in logged_in_client(n.applicant_a).get(url).content.decode()
    assert override in logged_in_client(n.regulator_province_a).get(url).content.decode()


# System list ---------------------------------------------------------------------------------


def test_system_list_filters_and_answers_htmx_with_the_table_only(network: Network) -> None:
    client = logged_in_client(network.regulator_central)
    full = client.get(reverse("systems:list"), {"sector": "employment"})
    partial = client.get(reverse("systems:list"), {"q": "Alpha"}, headers={"HX-Request": "true"})

    assert SYSTEM_B_NAME in full.content.decode()
    assert SYSTEM_A_NAME not in full.content.decode()
    assert "<html" not in partial.content.decode()
    assert SYSTEM_A_NAME in partial.content.decode()
    assert SYSTEM_B_NAME not in partial.content.decode()


# Reports -------------------------------------------------------------------------------------


def test_report_is_prepared_and_downloaded_as_a_pdf(
    network: Network, applicant: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    n = network
    with django_capture_on_commit_callbacks(execute=True):
        response = applicant.post(
            reverse("systems:report_start", kwargs={"pk": n.system_a.pk}), {"language": "zh-Hans"}
        )
    job = ReportJob.objects.get()
    assert response["Location"] == reverse("systems:report_job", kwargs={"job_id": job.pk})
    page = applicant.get(response["Location"])
    assert 'id="download-report"' in page.content.decode()

    pdf = applicant.get(reverse("systems:report_job_download", kwargs={"job_id": job.pk}))

    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_report_download_before_it_is_ready_answers_409(
    network: Network, applicant: Client
) -> None:
    applicant.post(
        reverse("systems:report_start", kwargs={"pk": network.system_a.pk}), {"language": "en"}
    )
    job = ReportJob.objects.get()
    response = applicant.get(reverse("systems:report_job_download", kwargs={"job_id": job.pk}))
    assert response.status_code == 409


def test_cancelling_a_queued_report_from_its_page(network: Network, applicant: Client) -> None:
    applicant.post(
        reverse("systems:report_start", kwargs={"pk": network.system_a.pk}), {"language": "en"}
    )
    job = ReportJob.objects.get()
    applicant.post(reverse("systems:report_job_cancel", kwargs={"job_id": job.pk}))
    job.refresh_from_db()
    assert job.status == ReportJob.Status.CANCELLED
    partial = applicant.get(
        reverse("systems:report_job", kwargs={"job_id": job.pk}), headers={"HX-Request": "true"}
    )
    assert partial.content.decode().startswith('<div id="job" class="job status-cancelled"')


# Catalogue -----------------------------------------------------------------------------------


@pytest.mark.parametrize("term", ["偏见", "bias"])
def test_catalogue_search_finds_items_in_either_language(
    catalogue: None, applicant: Client, term: str
) -> None:
    response = applicant.get(reverse("catalogue:index"), {"q": term})
    items = list(response.context["items"])
    assert items
    assert all(
        term in (i.question_zh + i.question_en + i.article.title_zh + i.article.title_en).lower()
        or term in i.code.lower()
        for i in items
    )
    assert items[0].code in response.content.decode()


def test_catalogue_search_without_a_match_says_so(catalogue: None, applicant: Client) -> None:
    response = applicant.get(reverse("catalogue:index"), {"q": "xyzzy-nothing"})
    assert list(response.context["items"]) == []


def test_catalogue_answers_htmx_with_the_item_list_only(catalogue: None, applicant: Client) -> None:
    response = applicant.get(
        reverse("catalogue:index"), {"q": "偏见"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="item-count"' in body
    assert 'id="item-table"' in body
    assert response.templates[0].name == "catalogue/_items.html"


def test_catalogue_filters_by_principle_stage_and_tier(catalogue: None, applicant: Client) -> None:
    response = applicant.get(
        reverse("catalogue:index"), {"principle": "fairness", "stage": "design", "tier": "low"}
    )
    items = list(response.context["items"])
    assert items
    for item in items:
        assert item.stage == "design"
        assert "low" in item.tiers
        assert "fairness" in {p.code for p in item.principles.all()}


def test_article_page_shows_the_official_chinese_text(catalogue: None, applicant: Client) -> None:
    response = applicant.get(reverse("catalogue:article", kwargs={"number": 13}))
    body = response.content.decode()
    assert "避免偏见歧视" in body
    assert "Prevent bias and discrimination" in body


def test_unknown_article_page_answers_404(catalogue: None, applicant: Client) -> None:
    assert applicant.get(reverse("catalogue:article", kwargs={"number": 26})).status_code == 404


# API tokens ----------------------------------------------------------------------------------


def test_tokens_page_shows_a_new_token_once_and_then_only_its_prefix(
    network: Network, applicant: Client
) -> None:
    response = applicant.post(reverse("tokens"), {"name": "CI pipeline"})
    raw = response.context["new_token"]
    assert raw.startswith("tp_")
    assert raw in response.content.decode()

    later = applicant.get(reverse("tokens")).content.decode()
    assert raw not in later
    assert raw[:10] in later
    assert "CI pipeline" in later


def test_tokens_page_refuses_a_token_without_a_name(network: Network, applicant: Client) -> None:
    response = applicant.post(reverse("tokens"), {"name": "  "})
    assert response.context["error"]
    assert not ApiToken.objects.exists()


def test_token_revoked_on_the_tokens_page_stops_working(
    network: Network, applicant: Client
) -> None:
    raw = applicant.post(reverse("tokens"), {"name": "laptop"}).context["new_token"]
    token = ApiToken.objects.get()
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    assert api.get("/api/me").status_code == 200

    applicant.post(reverse("token_revoke", kwargs={"token_id": token.pk}))

    assert api.get("/api/me").status_code == 401


# Language ------------------------------------------------------------------------------------


def test_pages_are_in_chinese_by_default(db: None) -> None:
    body = Client().get(reverse("login")).content.decode()
    assert '<html lang="zh-hans">' in body
    assert "登录" in body
    assert "用户名" in body


def test_switching_to_english_shows_the_next_page_in_english(network: Network) -> None:
    client = logged_in_client(network.applicant_a)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("systems:list")}, follow=True
    )
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("systems:list")
    assert '<html lang="en">' in body
    assert "AI systems" in body
    assert "Register an AI system" in body


def test_language_switch_never_redirects_to_another_site(db: None) -> None:
    response = Client().post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_accept_language_english_gives_english_pages(db: None) -> None:
    body = Client(headers={"Accept-Language": "en"}).get(reverse("login")).content.decode()
    assert '<html lang="en">' in body
    assert "Username" in body


# Passwords -----------------------------------------------------------------------------------


def test_password_change_takes_effect(network: Network, applicant: Client) -> None:
    new = "another-horse-天平-2027"
    response = applicant.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response["Location"] == reverse("password_change_done")
    assert Client().login(username="applicant_a", password=new)
    assert not Client().login(username="applicant_a", password=PASSWORD)


def test_password_change_with_a_wrong_old_password_changes_nothing(
    network: Network, applicant: Client
) -> None:
    new = "another-horse-天平-2027"
    response = applicant.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": new, "new_password2": new},
    )
    assert "old_password" in response.context["form"].errors
    assert Client().login(username="applicant_a", password=PASSWORD)


def test_password_reset_mails_a_link_that_sets_a_new_password(network: Network) -> None:
    client = Client()
    response = client.post(reverse("password_reset"), {"email": "applicant_a@example.invalid"})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["applicant_a@example.invalid"]
    match = re.search(r"https?://[^/\s]+(/accounts/reset/[^\s]+/)", mail.outbox[0].body)
    assert match, mail.outbox[0].body

    form_page = client.get(match.group(1), follow=True)
    assert form_page.context["validlink"] is True
    new = "reset-horse-天平-2028"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )

    assert done["Location"] == reverse("password_reset_complete")
    assert Client().login(username="applicant_a", password=new)


def test_password_reset_for_an_unknown_address_sends_nothing(db: None) -> None:
    response = Client().post(reverse("password_reset"), {"email": "nobody@example.invalid"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


# Odd input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/systems/99999999999999999999/",
        "/systems/0/",
        "/catalogue/articles/99999999999999999999/",
        "/systems/reports/00000000-0000-0000-0000-000000000000/",
    ],
)
def test_out_of_range_ids_answer_404(catalogue: None, applicant: Client, url: str) -> None:
    assert applicant.get(url).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"q": "a\x00b"},
        {"page": "99999999999999999999"},
        {"sector": "astrology"},
        {"q": "😀" * 200},
    ],
    ids=["nul", "huge-page", "unknown-sector", "long-emoji"],
)
def test_system_list_survives_odd_filters(network: Network, applicant: Client, query: dict) -> None:
    assert applicant.get(reverse("systems:list"), query).status_code == 200


@pytest.mark.parametrize(
    "query",
    [{"q": "a\x00b"}, {"article": "99999999999999999999"}, {"principle": "\x00"}],
    ids=["nul", "huge-article", "nul-principle"],
)
def test_catalogue_survives_odd_filters(catalogue: None, applicant: Client, query: dict) -> None:
    assert applicant.get(reverse("catalogue:index"), query).status_code == 200


def test_token_name_with_nul_is_refused(network: Network, applicant: Client) -> None:
    response = applicant.post(reverse("tokens"), {"name": "bad\x00name"})
    assert response.status_code == 200
    assert response.context["error"]
    assert not ApiToken.objects.exists()

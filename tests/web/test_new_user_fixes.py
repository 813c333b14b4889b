"""Defects a new user hit: the admin's 查看, names in their order, the favicon, the scan form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import translation

from tests.web.factories import Network, logged_in_client, make_user
from tests.web.reviews.expert_support import authority_user, in_expert_review
from tests.web.reviews.factories import build_review_network
from tianping.web.accounts.selectors import display_name
from tianping.web.reviews.expert import services as expert_services
from tianping.web.reviews.models import ExpertReview


def chinese(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return client


# --- 1. "View" is 查看 in the admin, 意见 where it is an opinion -------------------------------


def test_the_chinese_admin_says_view_as_a_verb(network: Network) -> None:
    staff = make_user("viewer", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_expertreview"))
    html = chinese(logged_in_client(staff)).get("/admin/").content.decode()
    assert 'class="viewlink"' in html
    assert "查看</a>" in html
    assert "意见</a>" not in html


def test_an_experts_view_is_still_an_opinion_in_chinese() -> None:
    with translation.override("zh-hans"):
        assert translation.pgettext("a reviewer's or expert's opinion", "View") == "意见"
        assert translation.gettext("View") == "查看"


# --- 2. names in their own order -----------------------------------------------------------


def test_display_name_follows_the_order_of_the_script(db: None) -> None:
    assert display_name(make_user("li", first_name="明", last_name="李")) == "李明"
    assert display_name(make_user("anna", first_name="Anna", last_name="Schmidt")) == (
        "Anna Schmidt"
    )
    assert display_name(make_user("nameless")) == "nameless"


def test_the_header_shows_a_chinese_name_family_name_first(network: Network) -> None:
    li = make_user("li", organisation=network.enterprise_a, first_name="明", last_name="李")
    anna = make_user(
        "anna", organisation=network.enterprise_a, first_name="Anna", last_name="Schmidt"
    )
    assert '<span class="who">李明</span>' in logged_in_client(li).get("/").content.decode()
    html = logged_in_client(anna).get("/").content.decode()
    assert '<span class="who">Anna Schmidt</span>' in html


def test_the_expert_list_shows_names_in_their_own_order(network: Network) -> None:
    reviews = build_review_network(network)
    li, anna = reviews.experts[0], reviews.experts[1]
    li.first_name, li.last_name = "明", "李"
    anna.first_name, anna.last_name = "Anna", "Schmidt"
    li.save()
    anna.save()
    app = in_expert_review(reviews)
    review: ExpertReview = app.expert_review
    authority = authority_user(reviews)
    for user in (li, anna):
        expert_services.panel_add(
            actor=authority, review=review, user=user, disciplines=["law"], affiliation="Institute"
        )
    html = logged_in_client(authority).get(f"/reviews/expert/{review.pk}/").content.decode()
    assert "李明" in html and "明 李" not in html
    assert "Anna Schmidt" in html


# --- 3. the favicon -------------------------------------------------------------------------


def test_the_favicon_is_served_and_linked(network: Network) -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    assert "Content-Security-Policy" not in response or "unsafe-inline" not in str(
        response["Content-Security-Policy"]
    )
    html = Client().get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/tianping/favicon.svg" type="image/svg+xml">' in html


# --- 4. the privacy scan form offers server files only where they can be read ---------------


def test_the_privacy_scan_form_offers_server_files_only_with_data_folders(
    network: Network, settings: Any, tmp_path: Path
) -> None:
    client = logged_in_client(network.applicant_a)
    url = f"/assessments/systems/{network.system_a.pk}/privacy/new/"
    settings.TIANPING = {**settings.TIANPING, "DATA_DIRS": []}
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="server_path"' not in response.content.decode()
    settings.TIANPING = {**settings.TIANPING, "DATA_DIRS": [tmp_path]}
    assert 'name="server_path"' in client.get(url).content.decode()

"""The demo's risk network: what ``make demo`` shows on the network's pages."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tianping.web.catalogue.services import catalogue_sync, listed_version_current
from tianping.web.demo import demo_seed
from tianping.web.network.models import (
    EarlyWarning,
    ListProposal,
    PilotSummary,
    ProposalStatus,
    RiskReport,
)
from tianping.web.reviews.models import ExpertReview
from tianping.web.systems.models import Intake


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_the_demo_shows_list_proposals_and_a_pilot_summary(db: None) -> None:
    catalogue_sync()
    demo_seed()
    approved = ListProposal.objects.get(status=ProposalStatus.APPROVED)
    pending = ListProposal.objects.get(status=ProposalStatus.PENDING)
    assert approved.application is not None
    assert listed_version_current() == approved.list_version != "2023.1"
    # The intakes seeded before the change keep the version they used.
    assert set(Intake.objects.values_list("list_version", flat=True)) == {"2023.1"}
    assert RiskReport.objects.filter(assigned_to__name="浦东新区科技伦理监管科").exists()
    assert EarlyWarning.objects.filter(issuer__name="上海市科技伦理监管处").exists()

    page = _client("regulator_central").get(reverse("network:list")).content.decode()
    assert approved.list_version in page
    assert reverse("network:list_proposal", args=[pending.pk]) in page
    assert reverse("network:list_proposal", args=[approved.pk]) in page

    summary = PilotSummary.objects.get()
    assert summary.region.name == "浦东新区科技伦理监管科"
    monthly = _client("regulator_sh").get(reverse("network:monthly")).content.decode()
    assert reverse("network:pilot_summary_file", args=[summary.pk]) in monthly


def _version_shown(page: str, version: str) -> bool:
    start = page.index('id="list-version"')
    return version in page[start : page.index("</p>", start)]


def test_every_page_of_an_intake_or_a_review_names_its_list_version(db: None) -> None:
    catalogue_sync()
    demo_seed()
    review = ExpertReview.objects.select_related("application").get()
    app = review.application
    assert app.list_version == "2023.1" != listed_version_current()
    seat = review.panel.exclude(user=None).select_related("user").first()
    assert seat is not None
    chair = _client("chair")
    pages = [
        chair.get(reverse("systems:detail", args=[app.system_id])),
        chair.get(reverse("reviews:application_detail", args=[app.pk])),
        chair.get(reverse("reviews:workspace", args=[app.pk])),
        chair.get(reverse("reviews:simplified", args=[app.pk])),
        _client("regulator_sh").get(reverse("reviews:expert_review", args=[review.pk])),
        _client(seat.user.username).get(reverse("reviews:expert_seat", args=[seat.pk])),
    ]
    for response in pages:
        assert response.status_code == 200, response.request["PATH_INFO"]
        assert _version_shown(response.content.decode(), "2023.1"), response.request["PATH_INFO"]

"""The high-risk list's pages, and the list version each intake and review was tiered against."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.web.factories import Network, answers
from tianping.web.catalogue.models import ListedActivity
from tianping.web.network.models import ListProposal, ProposalStatus
from tianping.web.reviews.applications import services as applications_services
from tianping.web.reviews.models import Application, ReviewBody
from tianping.web.systems.services import intake_submit


def test_a_province_proposes_and_the_centre_approves_on_the_pages(network: Network) -> None:
    n = network
    ListedActivity.objects.create(
        code="public_opinion_mobilisation",
        name_zh="舆论动员",
        name_en="Mobilisation",
        list_version="2023.1",
    )
    province, central = Client(), Client()
    province.force_login(n.regulator_province_a)
    central.force_login(n.regulator_central)
    page = province.get(reverse("network:list"))
    assert "2023.1" in page.content.decode()
    bad = province.post(
        reverse("network:list"),
        {
            "proposer": n.province_a.pk,
            "change": "add",
            "activity_code": "Bad Code!",
            "source": "case_pattern",
            "reason": "x",
        },
    )
    assert bad.status_code == 200 and not ListProposal.objects.exists()
    made = province.post(
        reverse("network:list"),
        {
            "proposer": n.province_a.pk,
            "change": "add",
            "activity_code": "emotional_companion_minors",
            "name_zh": "面向未成年人的情感陪伴",
            "name_en": "Emotional companions for minors",
            "source": "case_pattern",
            "reason": "Three cases of emotional dependence.",
        },
    )
    proposal = ListProposal.objects.get()
    assert made.status_code == 302 and made["Location"].endswith(f"/list/proposals/{proposal.pk}/")
    decide = reverse("network:list_proposal_decide", args=[proposal.pk])
    assert province.post(decide, {"decision": "approve", "reason": "mine"}).status_code == 403
    detail = central.get(reverse("network:list_proposal", args=[proposal.pk])).content.decode()
    assert "decide-form" in detail
    central.post(decide, {"decision": "approve", "reason": "Agreed by the panel."})
    proposal.refresh_from_db()
    version = f"{timezone.localdate().year}.1"
    assert (proposal.status, proposal.list_version) == (ProposalStatus.APPROVED, version)
    history = province.get(reverse("network:list")).content.decode()
    assert version in history and "2023.1" in history and "emotional_companion_minors" in history


def test_intakes_and_reviews_keep_the_list_version_they_were_tiered_against(
    network: Network,
) -> None:
    n = network
    ListedActivity.objects.create(
        code="public_opinion_mobilisation",
        name_zh="舆论动员",
        name_en="Mobilisation",
        list_version="2023.1",
    )
    ListedActivity.objects.create(
        code="autonomous_decisions",
        name_zh="自动化决策",
        name_en="Autonomous decisions",
        list_version="2023.1",
    )
    ReviewBody.objects.create(organisation=n.committee_a, established_on=timezone.localdate())
    old_intake = intake_submit(actor=n.applicant_a, system=n.system_a, answers=answers())
    assert old_intake.list_version == "2023.1"
    n.system_a.refresh_from_db()
    review = applications_services.application_create(
        actor=n.applicant_a, system=n.system_a, title="Before the new list"
    )
    assert review.list_version == "2023.1"

    central = Client()
    central.force_login(n.regulator_central)
    proposal = ListProposal.objects.create(
        proposer=n.province_a,
        change="remove",
        activity_code="public_opinion_mobilisation",
        source="case_pattern",
        reason="Covered elsewhere.",
        created_at=timezone.now(),
    )
    central.post(
        reverse("network:list_proposal_decide", args=[proposal.pk]),
        {"decision": "approve", "reason": "Agreed."},
    )
    proposal.refresh_from_db()
    new = proposal.list_version
    assert new and new != "2023.1"
    new_intake = intake_submit(actor=n.applicant_a, system=n.system_a, answers=answers())
    assert new_intake.list_version == new
    review.refresh_from_db()
    assert review.list_version == "2023.1"

    owner = Client()
    owner.force_login(n.applicant_a)
    shown = owner.get(reverse("systems:detail", args=[n.system_a.pk])).content.decode()
    assert new in shown
    workspace = owner.get(reverse("reviews:workspace", args=[review.pk])).content.decode()
    assert "2023.1" in workspace
    Application.objects.filter(pk=review.pk).update(list_version="")
    unknown = owner.get(reverse("reviews:workspace", args=[review.pk])).content.decode()
    assert "高风险活动清单版本：未知" in unknown

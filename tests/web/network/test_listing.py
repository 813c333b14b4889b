"""The living high-risk activity list: proposals from regulators, central decisions, versions."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.web.factories import HIGH_RISK_ANSWERS, Network, bearer_client
from tests.web.network.factories import PHONE, city_regulator
from tests.web.reviews.factories import build_review_network
from tianping.web.catalogue.models import ListedActivity
from tianping.web.catalogue.services import catalogue_sync, listed_version_current
from tianping.web.core.models import Notification
from tianping.web.ledger.models import PlatformAction
from tianping.web.network import listing
from tianping.web.network.models import ListProposal, ProposalStatus


@pytest.fixture
def listed(db: None) -> ListedActivity:
    return ListedActivity.objects.create(
        code="public_opinion_mobilisation",
        name_zh="舆论动员",
        name_en="Public opinion mobilisation",
        list_version="2023.1",
    )


def _propose(n: Network, **changes: Any) -> ListProposal:
    fields: dict[str, Any] = {
        "change": "add",
        "activity_code": "emotional_companion_minors",
        "source": "case_pattern",
        "reason": f"Three cases of emotional dependence; call {PHONE}.",
        "texts": {
            "name_zh": "面向未成年人的情感陪伴",
            "name_en": "Emotional companions for minors",
        },
    }
    fields.update(changes)
    return listing.proposal_file(
        actor=n.regulator_province_a,  # type: ignore[arg-type]
        proposer=n.province_a,
        **fields,
    )


def test_an_approved_addition_makes_a_new_list_version(
    network: Network, listed: ListedActivity
) -> None:
    n = network
    proposal = _propose(n)
    assert PHONE not in proposal.reason
    assert Notification.objects.filter(user=n.regulator_central).exists()
    decided = listing.proposal_decide(
        actor=n.regulator_central,  # type: ignore[arg-type]
        proposal=proposal,
        approve=True,
        reason="Confirmed by the expert panel.",
    )
    year = timezone.localdate().year
    assert decided.status == ProposalStatus.APPROVED
    assert decided.list_version == f"{year}.1"
    assert listed_version_current() == f"{year}.1"
    added = ListedActivity.objects.get(code="emotional_companion_minors")
    assert added.active and added.name_en == "Emotional companions for minors"
    listed.refresh_from_db()
    assert listed.list_version == f"{year}.1"
    kinds = set(PlatformAction.objects.values_list("kind", flat=True))
    assert {"network.list_proposed", "network.list_approved"} <= kinds
    assert Notification.objects.filter(user=n.regulator_province_a).exists()

    removal = _propose(n, change="remove", activity_code=listed.code, texts={})
    listing.proposal_decide(
        actor=n.regulator_central,  # type: ignore[arg-type]
        proposal=removal,
        approve=True,
        reason="Covered by other rules.",
    )
    listed.refresh_from_db()
    assert not listed.active
    assert listed_version_current() == f"{year}.2"


def test_notifications_name_the_activity_never_its_id(
    network: Network, listed: ListedActivity
) -> None:
    n = network
    proposal = _propose(n, change="remove", activity_code=listed.code, texts={})
    listing.proposal_decide(
        actor=n.regulator_central,  # type: ignore[arg-type]
        proposal=proposal,
        approve=False,
        reason="Still needed.",
    )
    notes = list(Notification.objects.about(proposal))
    assert len(notes) >= 2
    for note in notes:
        assert note.params["activity"] == "舆论动员"
        assert listed.code not in str(note.params)


def test_an_approved_change_survives_the_next_start(network: Network) -> None:
    """Every start loads the shipped catalogue (``catalogue_sync``); a list amended on the
    platform after the shipped release stays in force, additions and texts included."""
    n = network
    catalogue_sync()
    shipped = listed_version_current()
    proposal = _propose(n)
    listing.proposal_decide(
        actor=n.regulator_central,  # type: ignore[arg-type]
        proposal=proposal,
        approve=True,
        reason="Confirmed by the expert panel.",
    )
    amended = listed_version_current()
    assert amended != shipped
    catalogue_sync()
    assert listed_version_current() == amended
    assert ListedActivity.objects.get(code="emotional_companion_minors").active


def test_a_rejection_records_its_reason_and_leaves_the_list(
    network: Network, listed: ListedActivity
) -> None:
    n = network
    proposal = _propose(n, change="remove", activity_code=listed.code, texts={})
    decided = listing.proposal_decide(
        actor=n.regulator_central,  # type: ignore[arg-type]
        proposal=proposal,
        approve=False,
        reason="Still needed.",
    )
    assert (decided.status, decided.decision_reason) == (ProposalStatus.REJECTED, "Still needed.")
    assert listed_version_current() == "2023.1"
    with pytest.raises(ValidationError):
        listing.proposal_decide(
            actor=n.regulator_central,  # type: ignore[arg-type]
            proposal=proposal,
            approve=True,
            reason="Again",
        )


def test_who_may_propose_and_decide(network: Network, listed: ListedActivity) -> None:
    n = network
    with pytest.raises(PermissionDenied):  # an enterprise user
        listing.proposal_file(
            actor=n.applicant_a,  # type: ignore[arg-type]
            proposer=n.enterprise_a,
            change="remove",
            activity_code=listed.code,
            source="case_pattern",
            reason="x",
        )
    with pytest.raises(PermissionDenied):  # the centre itself does not propose
        listing.proposal_file(
            actor=n.regulator_central,  # type: ignore[arg-type]
            proposer=n.central,
            change="remove",
            activity_code=listed.code,
            source="case_pattern",
            reason="x",
        )
    municipal = listing.proposal_file(
        actor=city_regulator(n),
        proposer=n.city_a,
        change="remove",
        activity_code=listed.code,
        source="case_pattern",
        reason="Cases",
    )
    for user in (n.regulator_province_a, n.regulator_province_b):
        with pytest.raises((PermissionDenied, Http404)):
            listing.proposal_decide(
                actor=user,  # type: ignore[arg-type]
                proposal=listing.proposal_get(user, municipal.pk),  # type: ignore[arg-type]
                approve=True,
                reason="Not mine",
            )
    municipal.refresh_from_db()
    assert municipal.status == ProposalStatus.PENDING


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"change": "add", "activity_code": "public_opinion_mobilisation"}, "activity_code"),
        ({"change": "remove", "activity_code": "not_listed"}, "activity_code"),
        ({"change": "sideways"}, "change"),
        ({"source": "rumour"}, "source"),
        ({"activity_code": "Bad Code!"}, "activity_code"),
        ({"reason": "  "}, "reason"),
        ({"texts": {"name_zh": "只有中文"}}, "name_en"),
    ],
)
def test_bad_proposals_are_refused_and_change_nothing(
    network: Network, listed: ListedActivity, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _propose(network, **changes)
    assert field in caught.value.message_dict
    assert not ListProposal.objects.exists()


def test_the_api_files_reads_and_decides(network: Network, listed: ListedActivity) -> None:
    n = network
    province, central, other = Client(), Client(), Client()
    province.force_login(n.regulator_province_a)
    central.force_login(n.regulator_central)
    other.force_login(n.regulator_province_b)
    url = reverse("api:file_list_proposal")
    body = {
        "proposer_id": n.province_a.pk,
        "change": "change",
        "activity_code": listed.code,
        "name_en": "Mobilising public opinion at scale",
        "source": "expert_review",
        "reason": "Expert re-review outcomes of three applications.",
    }
    made = province.post(url, body, content_type="application/json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    detail = reverse("api:get_list_proposal", args=[pk])
    assert other.get(detail).status_code == 404
    assert central.get(detail).json()["status"] == "pending"
    decide = reverse("api:decide_list_proposal", args=[pk])
    refused = province.post(
        decide, {"approve": True, "reason": "mine"}, content_type="application/json"
    )
    assert refused.status_code == 403
    done = central.post(
        decide, {"approve": True, "reason": "Agreed"}, content_type="application/json"
    )
    assert done.status_code == 200
    assert done.json()["list_version"] == listed_version_current()
    listed.refresh_from_db()
    assert listed.name_en == "Mobilising public opinion at scale"
    assert listed.name_zh == "舆论动员"


def test_intakes_and_applications_show_their_list_version_in_the_api(
    network: Network, listed: ListedActivity
) -> None:
    n = network
    build_review_network(n)
    applicant = bearer_client(n.applicant_a)
    made = applicant.post(
        f"/api/systems/{n.system_a.pk}/intakes",
        {"answers": HIGH_RISK_ANSWERS},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["list_version"] == "2023.1"
    listed_intakes = applicant.get(f"/api/systems/{n.system_a.pk}/intakes").json()
    assert listed_intakes[0]["list_version"] == "2023.1"
    # A new list version later does not rewrite what the intake used.
    ListedActivity.objects.filter(pk=listed.pk).update(list_version="2023.2")
    application = applicant.post(
        "/api/reviews/applications",
        {"system_id": n.system_a.pk, "title": "Pilot", "team": ["member_ai"]},
        content_type="application/json",
    )
    assert application.status_code == 201, application.content
    assert application.json()["list_version"] == "2023.1"
    again = applicant.get(f"/api/reviews/applications/{application.json()['id']}")
    assert again.json()["list_version"] == "2023.1"

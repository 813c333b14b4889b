"""Expert re-review services: forming the panel (Art. 28), its opinion (Art. 30), the decision."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from tests.web.factories import make_user
from tests.web.reviews.expert_support import (
    authority_user,
    formed_panel,
    in_expert_review,
    other_regulator,
    seat_experts,
    vote,
)
from tests.web.reviews.factories import ReviewNetwork
from tianping.web.accounts.models import Role
from tianping.web.core.models import Notification
from tianping.web.reviews.bodies.selectors import competent_authority
from tianping.web.reviews.expert import selectors as expert_selectors
from tianping.web.reviews.expert import services as expert_services
from tianping.web.reviews.models import (
    Application,
    ExpertReview,
    FollowUp,
    PanelExpert,
)


@pytest.fixture(autouse=True)
def _english() -> object:
    with translation.override("en"):
        yield


def test_approving_preliminary_decision_opens_re_review_before_the_authority(
    reviews: ReviewNetwork,
) -> None:
    app = in_expert_review(reviews)
    review = app.expert_review
    assert review.authority == competent_authority(reviews.net.enterprise_a)
    assert review.status == ExpertReview.Status.REQUESTED
    assert review.preliminary_decision == "approve"


# --- panel_add / interests_declare -------------------------------------------------------


def test_panel_add_needs_the_authority(reviews: ReviewNetwork) -> None:
    app = in_expert_review(reviews)
    for intruder in (other_regulator(reviews), reviews.net.chair_a, reviews.experts[0]):
        with pytest.raises(PermissionDenied):
            expert_services.panel_add(
                actor=intruder,
                review=app.expert_review,
                name="X",
                disciplines=["law"],
                affiliation="Y",
            )
    assert not PanelExpert.objects.exists()


def test_panel_add_refuses_a_user_without_the_expert_role(reviews: ReviewNetwork) -> None:
    app = in_expert_review(reviews)
    authority = authority_user(reviews)
    with pytest.raises(ValidationError) as err:
        expert_services.panel_add(
            actor=authority,
            review=app.expert_review,
            user=reviews.net.applicant_b,
            disciplines=["law"],
            affiliation="B",
        )
    assert "user" in err.value.message_dict


def test_panel_add_twice_the_same_account_is_a_clear_error(reviews: ReviewNetwork) -> None:
    app = in_expert_review(reviews)
    authority = authority_user(reviews)
    kwargs = {"disciplines": ["law"], "affiliation": "Inst", "user": reviews.experts[0]}
    expert_services.panel_add(actor=authority, review=app.expert_review, **kwargs)
    with pytest.raises(ValidationError, match="already on the panel"):
        expert_services.panel_add(actor=authority, review=app.expert_review, **kwargs)
    assert app.expert_review.panel.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", "x\x00y"),
        ("name", "n" * 201),
        ("disciplines", []),
        ("disciplines", ["astrology"]),
        ("affiliation", "   "),
    ],
)
def test_panel_add_bad_input_changes_nothing(
    reviews: ReviewNetwork, field: str, value: object
) -> None:
    app = in_expert_review(reviews)
    authority = authority_user(reviews)
    kwargs: dict[str, object] = {"name": "Named", "disciplines": ["law"], "affiliation": "Inst"}
    kwargs[field] = value
    with pytest.raises(ValidationError) as err:
        expert_services.panel_add(actor=authority, review=app.expert_review, **kwargs)  # type: ignore[arg-type]
    assert field in err.value.message_dict
    assert not PanelExpert.objects.exists()


def test_interests_declared_by_the_expert_or_by_the_authority_for_a_named_one(
    reviews: ReviewNetwork,
) -> None:
    app = in_expert_review(reviews)
    authority = authority_user(reviews)
    seat = expert_services.panel_add(
        actor=authority,
        review=app.expert_review,
        user=reviews.experts[0],
        disciplines=["law"],
        affiliation="Inst",
    )
    named = expert_services.panel_add(
        actor=authority,
        review=app.expert_review,
        name="Prof. Wang",
        disciplines=["ethics"],
        affiliation="Uni",
    )
    with pytest.raises(PermissionDenied):
        expert_services.interests_declare(actor=reviews.experts[1], seat=seat, interests=[])
    with pytest.raises(PermissionDenied):  # the authority does not speak for an account holder
        expert_services.interests_declare(actor=authority, seat=seat, interests=[])
    declared = expert_services.interests_declare(
        actor=reviews.experts[0],
        seat=seat,
        interests=[{"party": "Acme", "description": "Consulting 2024"}],
    )
    assert declared.interests_declared
    assert declared.interests == [{"party": "Acme", "description": "Consulting 2024"}]
    assert expert_services.interests_declare(
        actor=authority, seat=named, interests=[]
    ).interests_declared
    with pytest.raises(ValidationError):
        expert_services.interests_declare(
            actor=reviews.experts[0], seat=seat, interests=[{"party": "x"}]
        )
    with pytest.raises(ValidationError):
        expert_services.interests_declare(actor=reviews.experts[0], seat=seat, interests="none")


# --- panel_form: Measures 2023 Art. 28 ----------------------------------------------------


def test_panel_of_four_is_refused(reviews: ReviewNetwork) -> None:
    """expert_panel.min_size: at least 5 experts (Measures 2023 Art. 28)."""
    app = in_expert_review(reviews)
    authority = authority_user(reviews)
    seat_experts(reviews, app.expert_review, authority, 4)
    with pytest.raises(ValidationError) as err:
        expert_services.panel_form(actor=authority, review=app.expert_review)
    text = " ".join(err.value.messages)
    assert "5" in text and "Art. 28" in text
    app.expert_review.refresh_from_db()
    assert app.expert_review.status == ExpertReview.Status.REQUESTED


def test_panel_of_five_with_all_disciplines_is_formed_and_experts_notified(
    reviews: ReviewNetwork,
) -> None:
    """expert_panel.min_size and expert_panel.disciplines, exactly at the minimum (Art. 28)."""
    app = in_expert_review(reviews)
    authority = authority_user(reviews)
    seat_experts(reviews, app.expert_review, authority, 5)
    review = expert_services.panel_form(actor=authority, review=app.expert_review)
    assert review.status == ExpertReview.Status.PANEL_FORMED
    assert Notification.objects.filter(
        user=reviews.experts[0], message__contains="panel on {reference} is formed"
    ).exists()
    assert app.events.filter(kind="expert_panel_formed").exists()


def test_panel_missing_law_is_refused(reviews: ReviewNetwork) -> None:
    """expert_panel.disciplines: peers, ethics and law (Measures 2023 Art. 28)."""
    app = in_expert_review(reviews)
    authority = authority_user(reviews)
    for i in range(5):
        seat = expert_services.panel_add(
            actor=authority,
            review=app.expert_review,
            user=reviews.experts[i],
            disciplines=["domain"] if i % 2 else ["ethics"],
            affiliation="Inst",
        )
        expert_services.interests_declare(actor=reviews.experts[i], seat=seat, interests=[])
    with pytest.raises(ValidationError) as err:
        expert_services.panel_form(actor=authority, review=app.expert_review)
    assert any("law" in m for m in err.value.messages)


def test_panel_including_a_first_committee_member_is_refused(reviews: ReviewNetwork) -> None:
    """expert_panel.excludes_first_committee (Measures 2023 Art. 28), by the same person id."""
    app = in_expert_review(reviews)
    authority = authority_user(reviews)
    seat_experts(reviews, app.expert_review, authority, 5)
    # member_law of the committee also holds the role of expert somewhere
    member_user = reviews.user("member_law")
    from tianping.web.accounts.services import membership_grant

    membership_grant(user=member_user, organisation=reviews.net.central, role=Role.EXPERT)
    seat = expert_services.panel_add(
        actor=authority,
        review=app.expert_review,
        user=member_user,
        disciplines=["law"],
        affiliation="Elsewhere",
    )
    expert_services.interests_declare(actor=member_user, seat=seat, interests=[])
    with pytest.raises(ValidationError) as err:
        expert_services.panel_form(actor=authority, review=app.expert_review)
    messages = err.value.messages
    assert len(messages) == 1 and "Art. 28" in messages[0]


def test_named_expert_matching_a_named_roster_member_is_refused(reviews: ReviewNetwork) -> None:
    """expert_panel.excludes_first_committee: the consultant has no account; matched by name."""
    app = in_expert_review(reviews)
    authority = authority_user(reviews)
    seat_experts(reviews, app.expert_review, authority, 5)
    seat = expert_services.panel_add(
        actor=authority,
        review=app.expert_review,
        name=reviews.members["consultant_a"].name,
        disciplines=["law"],
        affiliation="Uni",
    )
    expert_services.interests_declare(actor=authority, seat=seat, interests=[])
    with pytest.raises(ValidationError):
        expert_services.panel_form(actor=authority, review=app.expert_review)


def test_undeclared_interests_are_refused_and_every_finding_listed(
    reviews: ReviewNetwork,
) -> None:
    """expert_panel.interests_declared (Measures 2023 Art. 28): all findings at once."""
    app = in_expert_review(reviews)
    authority = authority_user(reviews)
    seat_experts(reviews, app.expert_review, authority, 3, declare=False)
    with pytest.raises(ValidationError) as err:
        expert_services.panel_form(actor=authority, review=app.expert_review)
    messages = err.value.messages
    # too small (1) + law? no: disciplines domain, ethics, law covered + 3 undeclared
    assert len(messages) == 4
    assert sum("declare" in m.lower() for m in messages) == 3


def test_expert_with_an_interest_in_the_applicant_is_refused(reviews: ReviewNetwork) -> None:
    """expert_panel.interests_declared: a declared interest in the applicant (Art. 28)."""
    app = in_expert_review(reviews)
    authority = authority_user(reviews)
    seats = seat_experts(reviews, app.expert_review, authority, 5, declare=False)
    for i, seat in enumerate(seats):
        interests = [{"party": app.organisation.name, "description": "Adviser"}] if i == 0 else []
        expert_services.interests_declare(actor=reviews.experts[i], seat=seat, interests=interests)
    with pytest.raises(ValidationError):
        expert_services.panel_form(actor=authority, review=app.expert_review)


def test_panel_form_twice_or_adding_after_forming_is_refused(reviews: ReviewNetwork) -> None:
    _app, review, authority, _seats = formed_panel(reviews, 5)
    with pytest.raises(ValidationError):
        expert_services.panel_form(actor=authority, review=review)
    with pytest.raises(ValidationError):
        expert_services.panel_add(
            actor=authority, review=review, name="Late", disciplines=["law"], affiliation="U"
        )
    with pytest.raises(ValidationError):
        expert_services.interests_declare(actor=reviews.experts[0], seat=_seats[0], interests=[])


# --- votes ---------------------------------------------------------------------------------


def test_vote_before_the_panel_is_formed_is_refused(reviews: ReviewNetwork) -> None:
    app = in_expert_review(reviews)
    authority = authority_user(reviews)
    seats = seat_experts(reviews, app.expert_review, authority, 5)
    with pytest.raises(ValidationError, match="only while the panel sits"):
        expert_services.expert_vote(actor=reviews.experts[0], seat=seats[0], view="agree")


def test_expert_who_has_not_declared_cannot_vote(reviews: ReviewNetwork) -> None:
    """expert_panel.interests_declared (Art. 28): declare, then vote, whatever formed the panel.

    A panel sitting with a seat whose interests are not declared (rules that let it
    form so): the vote is refused until the expert declares.
    """
    app = in_expert_review(reviews)
    authority = authority_user(reviews)
    review = app.expert_review
    seats = seat_experts(reviews, review, authority, 5, declare=False)
    ExpertReview.objects.filter(pk=review.pk).update(status=ExpertReview.Status.PANEL_FORMED)
    with pytest.raises(ValidationError, match="Declare your interests"):
        expert_services.expert_vote(actor=reviews.experts[0], seat=seats[0], view="agree")
    seats[0].refresh_from_db()
    assert seats[0].view == ""
    expert_services.interests_declare(actor=reviews.experts[0], seat=seats[0], interests=[])
    expert_services.expert_vote(actor=reviews.experts[0], seat=seats[0], view="agree")
    seats[0].refresh_from_db()
    assert seats[0].view == "agree"
    with pytest.raises(ValidationError, match="before the panel is formed"):
        expert_services.interests_declare(actor=reviews.experts[0], seat=seats[0], interests=[])


def test_expert_voting_twice_is_refused(reviews: ReviewNetwork) -> None:
    _app, _review, _authority, seats = formed_panel(reviews, 5)
    expert_services.expert_vote(
        actor=reviews.experts[0], seat=seats[0], view="agree", comment="Fine"
    )
    with pytest.raises(ValidationError, match="already voted"):
        expert_services.expert_vote(actor=reviews.experts[0], seat=seats[0], view="disagree")
    seats[0].refresh_from_db()
    assert seats[0].view == "agree"


def test_only_the_seated_expert_votes_with_a_valid_view(reviews: ReviewNetwork) -> None:
    _app, _review, authority, seats = formed_panel(reviews, 5)
    with pytest.raises(PermissionDenied):
        expert_services.expert_vote(actor=reviews.experts[1], seat=seats[0], view="agree")
    with pytest.raises(PermissionDenied):
        expert_services.expert_vote(actor=authority, seat=seats[0], view="agree")
    for bad in ("abstain", "", None, 1):
        with pytest.raises(ValidationError):
            expert_services.expert_vote(actor=reviews.experts[0], seat=seats[0], view=bad)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        expert_services.expert_vote(
            actor=reviews.experts[0], seat=seats[0], view="agree", comment="\x00"
        )


# --- conclusion: Measures 2023 Art. 30 ----------------------------------------------------


def test_exactly_two_thirds_of_the_whole_panel_agree(reviews: ReviewNetwork) -> None:
    """expert_panel.threshold (Art. 30): 4 of 6 is exactly 2/3 → agree; approval is final."""
    app, review, authority, seats = formed_panel(reviews, 6)
    vote(reviews, seats, ["agree", "agree", "agree", "agree", "disagree", ""])
    review = expert_services.panel_conclude(actor=authority, review=review)
    assert review.status == ExpertReview.Status.CONCLUDED
    assert review.opinion == "agree"
    assert review.outcome["agree"] == 4 and review.outcome["needed"] == 4
    app.refresh_from_db()
    assert app.status == Application.Status.DECIDED
    assert app.decision == "approve" and app.decision_basis == "expert"
    # listed activity: the follow-up is scheduled at the listed interval
    assert FollowUp.objects.filter(application=app, kind="scheduled").count() == 1


def test_three_of_six_agree_is_no_opinion(reviews: ReviewNetwork) -> None:
    """expert_panel.threshold (Art. 30): one short of 2/3 → no opinion, nothing decided."""
    app, review, authority, seats = formed_panel(reviews, 6)
    vote(reviews, seats, ["agree", "agree", "agree", "disagree", "disagree", "disagree"])
    with pytest.raises(ValidationError) as err:
        expert_services.panel_conclude(actor=authority, review=review)
    assert "Art. 30" in " ".join(err.value.messages)
    app.refresh_from_db()
    assert app.status == Application.Status.EXPERT_REVIEW


def test_three_of_five_agree_two_disagree_is_no_opinion(reviews: ReviewNetwork) -> None:
    """expert_panel.threshold (Art. 30): 3/5 < 2/3 → no opinion; 4/5 ≥ 2/3 → agree."""
    _app, review, authority, seats = formed_panel(reviews, 5)
    vote(reviews, seats, ["agree", "agree", "agree", "disagree", "disagree"])
    outcome = expert_selectors.panel_outcome(review)
    assert outcome.opinion is None and outcome.needed == 4
    with pytest.raises(ValidationError):
        expert_services.panel_conclude(actor=authority, review=review)


def test_four_of_five_agree_is_an_opinion(reviews: ReviewNetwork) -> None:
    """expert_panel.threshold (Art. 30): 4/5 ≥ 2/3 → agree."""
    _app, review, authority, seats = formed_panel(reviews, 5)
    vote(reviews, seats, ["agree", "agree", "agree", "agree", "disagree"])
    assert expert_services.panel_conclude(actor=authority, review=review).opinion == "agree"


def test_absent_experts_count_against(reviews: ReviewNetwork) -> None:
    """expert_panel.threshold (Art. 30): 3 agree, none against, 3 absent of 6 → no opinion."""
    _app, review, authority, seats = formed_panel(reviews, 6)
    vote(reviews, seats, ["agree", "agree", "agree"])
    outcome = expert_selectors.panel_outcome(review)
    assert (outcome.opinion, outcome.absent, outcome.needed) == (None, 3, 4)
    with pytest.raises(ValidationError):
        expert_services.panel_conclude(actor=authority, review=review)


def test_no_votes_yet_is_a_clear_error(reviews: ReviewNetwork) -> None:
    _app, review, authority, _seats = formed_panel(reviews, 5)
    with pytest.raises(ValidationError) as err:
        expert_services.panel_conclude(actor=authority, review=review)
    assert "0" in " ".join(err.value.messages)


def test_disagreement_refuses_the_activity_and_needs_reasons(reviews: ReviewNetwork) -> None:
    """expert_panel.threshold (Art. 30): 4 of 6 disagree → not approved for the panel's reasons."""
    app, review, authority, seats = formed_panel(reviews, 6)
    vote(reviews, seats, ["disagree", "disagree", "disagree", "disagree", "agree", "agree"])
    with pytest.raises(ValidationError) as err:
        expert_services.panel_conclude(actor=authority, review=review)
    assert "reasons" in err.value.message_dict
    review.refresh_from_db()
    assert review.status == ExpertReview.Status.PANEL_FORMED
    review = expert_services.panel_conclude(
        actor=authority, review=review, reasons="Risks to minors not controlled"
    )
    assert review.opinion == "disagree"
    app.refresh_from_db()
    assert app.decision == "not_approve"
    assert app.reasons == ["Risks to minors not controlled"]
    assert not FollowUp.objects.filter(application=app).exists()


def test_agreement_with_approval_after_modification_keeps_the_changes(
    reviews: ReviewNetwork,
) -> None:
    app, review, authority, seats = formed_panel(
        reviews, 5, decision="approve_after_modification", changes=["Add human review"]
    )
    vote(reviews, seats, ["agree"] * 5)
    expert_services.panel_conclude(actor=authority, review=review)
    app.refresh_from_db()
    assert app.decision == "approve_after_modification"
    assert app.required_changes == ["Add human review"]


def test_conclude_by_non_authority_is_refused(reviews: ReviewNetwork) -> None:
    _app, review, _authority, seats = formed_panel(reviews, 5)
    vote(reviews, seats, ["agree"] * 5)
    for intruder in (
        other_regulator(reviews),
        reviews.net.regulator_central,
        reviews.net.regulator_province_b,
        reviews.net.chair_a,
        reviews.experts[0],
    ):
        with pytest.raises(PermissionDenied):
            expert_services.panel_conclude(actor=intruder, review=review)
    review.refresh_from_db()
    assert review.status == ExpertReview.Status.PANEL_FORMED


def test_conclude_twice_is_refused(reviews: ReviewNetwork) -> None:
    _app, review, authority, seats = formed_panel(reviews, 5)
    vote(reviews, seats, ["agree"] * 5)
    expert_services.panel_conclude(actor=authority, review=review)
    with pytest.raises(ValidationError):
        expert_services.panel_conclude(actor=authority, review=review)
    with pytest.raises(ValidationError):
        expert_services.expert_vote(actor=reviews.experts[0], seat=seats[0], view="agree")


def test_list_update_proposal_after_conclusion(reviews: ReviewNetwork) -> None:
    _app, review, authority, seats = formed_panel(reviews, 5)
    with pytest.raises(ValidationError):
        expert_services.list_update_propose(actor=authority, review=review, proposal="Add X")
    vote(reviews, seats, ["agree"] * 5)
    expert_services.panel_conclude(actor=authority, review=review)
    with pytest.raises(PermissionDenied):
        expert_services.list_update_propose(
            actor=reviews.net.chair_a, review=review, proposal="Add X"
        )
    with pytest.raises(ValidationError):
        expert_services.list_update_propose(actor=authority, review=review, proposal="")
    review = expert_services.list_update_propose(
        actor=authority, review=review, proposal="Add emotion recognition in schools"
    )
    assert review.list_update_proposal == "Add emotion recognition in schools"


def test_authority_statistics_cover_the_jurisdiction(reviews: ReviewNetwork) -> None:
    _app, review, authority, seats = formed_panel(reviews, 5)
    vote(reviews, seats, ["agree"] * 5)
    expert_services.panel_conclude(actor=authority, review=review)
    expert_services.list_update_propose(actor=authority, review=review, proposal="Tighten item 3")
    stats = expert_selectors.authority_statistics(authority)
    assert stats["applications"] == 1
    assert stats["by_status"] == {"decided": 1}
    assert stats["by_decision"] == {"approve": 1}
    assert stats["re_reviews"]["by_opinion"] == {"agree": 1}
    assert stats["proposals"][0]["proposal"] == "Tighten item 3"
    assert stats["average_days_to_decision"] is not None
    other = expert_selectors.authority_statistics(reviews.net.regulator_province_b)
    assert other["applications"] == 0 and other["re_reviews"]["total"] == 0
    with pytest.raises(PermissionDenied):
        expert_selectors.authority_statistics(reviews.net.applicant_a)
    with pytest.raises(PermissionDenied):
        expert_selectors.authority_statistics(make_user("lonely"))

"""Review fixtures: a committee for enterprise A, a review centre entrusted by enterprise B.

On top of the ``network`` of ``tests/web/factories.py``::

    enterprise A ── ethics committee of A (ReviewBody ``committee``)
        roster: chair_a (chair, ethics, female) + member_ai, member_domain,
        member_law, member_ext (external), member_other, member_f; consultant_a
        (consultant) — 7 voting members covering every quorum category
    province B ── review centre (ReviewBody ``centre``), entrusted in writing by
        enterprise B; roster: chair_c (chair) + centre_1 … centre_5
    central regulator: experts expert_1 … expert_6 (role ``expert``)

``make_application`` builds an application in any state directly in the
database (no services), for tests that start mid-way; ``build_review_objects``
adds one object of each kind the review URLs name, all of enterprise A.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from tests.web.factories import Network, make_user
from tianping.web.accounts.models import Organisation, OrganisationKind, Role
from tianping.web.accounts.services import organisation_create
from tianping.web.assessments.models import Evidence
from tianping.web.core.models import Notification
from tianping.web.reviews.applications.services import new_reference
from tianping.web.reviews.models import (
    AgendaItem,
    Appeal,
    Application,
    Attachment,
    DecisionLetterJob,
    Entrustment,
    ExpertReview,
    FollowUp,
    Meeting,
    Member,
    PanelExpert,
    ReviewBody,
)
from tianping.web.systems.models import AISystem

TERM_START = date(2024, 1, 1)
TERM_END = date(2028, 12, 31)
ALL_PLEDGES = ["confidentiality", "conflict_of_interest"]


@dataclass
class ReviewNetwork:
    net: Network
    committee: ReviewBody
    centre_org: Organisation
    centre: ReviewBody
    entrustment: Entrustment
    chair_c: AbstractBaseUser
    members: dict[str, Member] = field(default_factory=dict)
    """Roster of the committee by username (chair_a included)."""
    centre_members: dict[str, Member] = field(default_factory=dict)
    experts: list[AbstractBaseUser] = field(default_factory=list)

    def user(self, username: str) -> AbstractBaseUser:
        member = self.members.get(username) or self.centre_members[username]
        assert member.user is not None
        return member.user


def add_member(
    body: ReviewBody,
    user: AbstractBaseUser | None,
    *,
    name: str,
    disciplines: list[str],
    gender: str,
    external: bool = False,
    role: str = "member",
    affiliation: str = "",
    **extra: Any,
) -> Member:
    return Member.objects.create(
        body=body,
        user=user,
        name=name,
        role=role,
        disciplines=disciplines,
        gender=gender,
        external=external,
        affiliation=affiliation or ("外部大学" if external else body.organisation.parent.name),
        term_start=extra.pop("term_start", TERM_START),
        term_end=extra.pop("term_end", TERM_END),
        pledges=extra.pop("pledges", ALL_PLEDGES),
        **extra,
    )


COMMITTEE_ROSTER = [
    # username, disciplines, gender, external, role
    ("member_ai", ["ai_technology"], "male", False, "member"),
    ("member_domain", ["domain"], "male", False, "member"),
    ("member_law", ["law"], "female", True, "member"),
    ("member_ext", ["ethics"], "male", True, "member"),
    ("member_other", ["other"], "male", False, "vice_chair"),
    ("member_f", ["ai_technology", "domain"], "female", False, "member"),
]


def build_review_network(net: Network) -> ReviewNetwork:
    committee = ReviewBody.objects.create(
        organisation=net.committee_a,
        established_on=date(2024, 1, 1),
        registered_on=date(2024, 1, 20),
    )
    members = {
        "chair_a": add_member(
            committee,
            net.chair_a,
            name="Chair A 主任委员",
            disciplines=["ethics"],
            gender="female",
            role="chair",
        )
    }
    for username, disciplines, gender, external, role in COMMITTEE_ROSTER:
        user = make_user(username, organisation=net.committee_a, role=Role.COMMITTEE_MEMBER)
        members[username] = add_member(
            committee,
            user,
            name=f"{username} 委员",
            disciplines=disciplines,
            gender=gender,
            external=external,
            role=role,
        )
    members["consultant_a"] = add_member(
        committee,
        None,
        name="Consultant 顾问",
        disciplines=["law"],
        gender="male",
        external=True,
        role="consultant",
    )

    centre_org = organisation_create(
        name="乙省科技伦理审查中心",
        name_en="Review centre B",
        kind=OrganisationKind.REVIEW_CENTRE,
        parent=net.province_b,
    )
    centre = ReviewBody.objects.create(
        organisation=centre_org, established_on=date(2024, 3, 1), registered_on=date(2024, 3, 15)
    )
    chair_c = make_user("chair_c", organisation=centre_org, role=Role.CHAIR)
    centre_members = {
        "chair_c": add_member(
            centre,
            chair_c,
            name="Chair C",
            disciplines=["ethics"],
            gender="male",
            role="chair",
            affiliation=centre_org.name,
        )
    }
    centre_roster = [
        (["ai_technology"], "female", False),
        (["domain"], "male", False),
        (["law"], "female", True),
        (["other"], "male", True),
        (["ai_technology", "ethics"], "female", False),
    ]
    for i, (disciplines, gender, external) in enumerate(centre_roster, start=1):
        user = make_user(f"centre_{i}", organisation=centre_org, role=Role.COMMITTEE_MEMBER)
        centre_members[f"centre_{i}"] = add_member(
            centre,
            user,
            name=f"Centre member {i}",
            disciplines=disciplines,
            gender=gender,
            external=external,
            affiliation=centre_org.name,
        )
    entrustment = Entrustment.objects.create(
        organisation=net.enterprise_b,
        centre=centre,
        agreement_reference="WT-2026-001",
        signed_on=date(2026, 1, 5),
    )
    experts = [
        make_user(f"expert_{i}", organisation=net.central, role=Role.EXPERT) for i in range(1, 7)
    ]
    return ReviewNetwork(
        net=net,
        committee=committee,
        centre_org=centre_org,
        centre=centre,
        entrustment=entrustment,
        chair_c=chair_c,
        members=members,
        centre_members=centre_members,
        experts=experts,
    )


def make_application(
    *,
    system: AISystem,
    body: ReviewBody,
    applicant: AbstractBaseUser,
    status: str = Application.Status.DRAFT,
    procedure: str = "",
    listed_activity: bool | None = None,
    **extra: Any,
) -> Application:
    """An application in ``status``, written straight to the database."""
    now = timezone.now()
    intake = system.latest_intake
    fields: dict[str, Any] = {
        "reference": new_reference(),
        "system": system,
        "organisation": system.organisation,
        "body": body,
        "title": f"Review of {system.name}",
        "tier": intake.tier if intake else "",
        "listed_activity": bool(intake and intake.expert_review_required)
        if listed_activity is None
        else listed_activity,
        "status": status,
        "created_by": applicant,
    }
    if status != Application.Status.DRAFT:
        fields.update(submitted_by=applicant, submitted_at=now)
    if status in {
        Application.Status.UNDER_REVIEW,
        Application.Status.EXPERT_REVIEW,
        Application.Status.DECIDED,
    }:
        fields.update(
            procedure=procedure or "general",
            accepted_at=now,
            due_at=now + (timedelta(hours=72) if procedure == "emergency" else timedelta(days=30)),
        )
        if procedure == "simplified":
            fields["procedure_ground"] = "minimal_risk"
    fields.update(extra)
    return Application.objects.create(**fields)


@dataclass
class ReviewObjects:
    """Enterprise A's objects in ethics review, one of each kind (see ``build_review_objects``)."""

    reviews: ReviewNetwork
    evidence: Evidence
    submitted: Application
    attachment: Attachment
    meeting: Meeting
    item: AgendaItem
    decided: Application
    letter_job: DecisionLetterJob
    follow_up: FollowUp
    appeal: Appeal
    expert_review: ExpertReview
    seat: PanelExpert
    entrustment: Entrustment
    notification: Notification
    member: Member


def build_review_objects(net: Network) -> ReviewObjects:
    """The review network plus one object of each kind, all of enterprise A.

    The committee of A has before it a submitted application of system A with an
    attachment, on the agenda of a meeting; and a decided (approved) one with a
    finished decision letter, a scheduled follow-up, a pending appeal and an expert
    re-review before province A (the competent authority) with one seat, expert_1's.
    Enterprise A has also entrusted the review centre of province B, system A has
    one piece of evidence, and applicant_a has a notification.
    """
    from tianping.web.reviews.records.services import letter_job_start

    rn = build_review_network(net)
    evidence = Evidence.objects.create(
        system=net.system_a, kind="bias_assessment", title="Matrix", content={}, sha256="a" * 64
    )
    submitted = make_application(
        system=net.system_a, body=rn.committee, applicant=net.applicant_a, status="submitted"
    )
    attachment = Attachment.objects.create(
        application=submitted,
        kind="other",
        name="matrix.pdf",
        content_type="application/pdf",
        size=15,
        data=b"%PDF-1.7 matrix",
        uploaded_by=net.applicant_a,
    )
    meeting = Meeting.objects.create(
        body=rn.committee, scheduled_for=timezone.now(), created_by=net.chair_a
    )
    item = AgendaItem.objects.create(meeting=meeting, application=submitted)
    decided = make_application(
        system=net.system_a,
        body=rn.committee,
        applicant=net.applicant_a,
        status="decided",
        decision="approve",
    )
    job = letter_job_start(actor=net.applicant_a, application=decided, language="en")
    # A finished letter, as the worker would leave it.
    DecisionLetterJob.objects.filter(pk=job.pk).update(
        status=DecisionLetterJob.Status.DONE, progress=100, pdf=b"%PDF-1.7 letter"
    )
    job.refresh_from_db()
    follow_up = FollowUp.objects.create(
        application=decided, kind="scheduled", due_on=timezone.localdate()
    )
    appeal = Appeal.objects.create(application=decided, grounds="matrix", filed_by=net.applicant_a)
    expert_review = ExpertReview.objects.create(
        application=decided,
        authority=net.province_a,
        preliminary_decision="approve",
        preliminary_text="matrix",
        requested_by=net.chair_a,
    )
    seat = PanelExpert.objects.create(
        review=expert_review,
        user=rn.experts[0],
        name="Expert 1",
        disciplines=["ethics"],
        affiliation="Central office",
    )
    entrustment = Entrustment.objects.create(
        organisation=net.enterprise_a,
        centre=rn.centre,
        agreement_reference="WT-MATRIX",
        signed_on=timezone.localdate(),
    )
    notification = Notification.objects.create(
        user=net.applicant_a, target=submitted, message="matrix"
    )
    return ReviewObjects(
        reviews=rn,
        evidence=evidence,
        submitted=submitted,
        attachment=attachment,
        meeting=meeting,
        item=item,
        decided=decided,
        letter_job=job,
        follow_up=follow_up,
        appeal=appeal,
        expert_review=expert_review,
        seat=seat,
        entrustment=entrustment,
        notification=notification,
        member=rn.members["member_ai"],
    )

"""The inputs of the review checks: plain frozen value objects, no persistence.

The web workflow (or a notebook, or a CI job) builds these from its own
records and hands them to the checks in :mod:`tianping.review`. Every
constructor checks its invariants and raises
:class:`~tianping.review.ReviewInputError` listing everything wrong with it;
sequences may be passed as lists and are stored as tuples (sets of pledges as
frozensets). People are identified by ``id`` across committees, meetings and
panels, so the same person must carry the same id everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal, get_args

from tianping.review import _messages as msg
from tianping.review._errors import ReviewInputError
from tianping.text import LocalizedText

Discipline = Literal["ai_technology", "domain", "ethics", "law", "other"]
DISCIPLINES: tuple[Discipline, ...] = get_args(Discipline)
"""A member's or expert's field: ``domain`` is the field of the activities reviewed (the
"peer experts" of Art. 7), ``ai_technology`` AI technology (named by the 2026 AI measures)."""

Gender = Literal["female", "male"]
GENDERS: tuple[Gender, ...] = get_args(Gender)

Role = Literal["chair", "vice_chair", "member", "consultant"]
ROLES: tuple[Role, ...] = get_args(Role)
"""A consultant (顾问专家) advises but is not counted in the committee's size or quorum and
never votes."""

Pledge = Literal["confidentiality", "conflict_of_interest"]
PLEDGES: tuple[Pledge, ...] = get_args(Pledge)

Procedure = Literal["general", "simplified", "emergency", "expert_review"]
PROCEDURES: tuple[Procedure, ...] = get_args(Procedure)

DecisionType = Literal[
    "approve", "approve_after_modification", "re_review_after_modification", "not_approve"
]
DECISION_TYPES: tuple[DecisionType, ...] = get_args(DecisionType)

VoteChoice = Literal[
    "approve",
    "approve_after_modification",
    "re_review_after_modification",
    "not_approve",
    "abstain",
]
VOTE_CHOICES: tuple[VoteChoice, ...] = get_args(VoteChoice)

ExpertView = Literal["agree", "disagree"]
EXPERT_VIEWS: tuple[ExpertView, ...] = get_args(ExpertView)

QuorumCategory = Literal[
    "ai_technology", "domain", "ethics", "law", "other", "external", "both_genders"
]
QUORUM_CATEGORIES: tuple[QuorumCategory, ...] = get_args(QuorumCategory)

SimplifiedGround = Literal["minimal_risk", "minor_change", "routine_follow_up"]
SIMPLIFIED_GROUNDS: tuple[SimplifiedGround, ...] = get_args(SimplifiedGround)

EscalationTrigger = Literal["negative_view", "doubt", "disagreement", "meeting_requested"]
ESCALATION_TRIGGERS: tuple[EscalationTrigger, ...] = get_args(EscalationTrigger)

ConflictGround = Literal["declared_interest", "same_organisation", "participant"]
CONFLICT_GROUNDS: tuple[ConflictGround, ...] = get_args(ConflictGround)


class _Problems:
    """Collects what is wrong with an input, then raises once with all of it."""

    def __init__(self) -> None:
        self.items: list[LocalizedText] = []

    def blank(self, what: str, value: object) -> None:
        if not isinstance(value, str) or not value.strip():
            self.items.append(msg.localized(msg.ERR_BLANK, what=what))

    def choice(self, what: str, value: object, known: tuple[str, ...]) -> None:
        if value not in known:
            self.items.append(
                msg.localized(msg.ERR_BAD_CHOICE, what=what, value=value, known=", ".join(known))
            )

    def add(self, template: LocalizedText, **params: object) -> None:
        self.items.append(msg.localized(template, **params))

    def raise_if_any(self) -> None:
        if self.items:
            raise ReviewInputError(msg.ERR_INPUT, problems=self.items)


def _duplicates(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


def _freeze(
    instance: object,
    name: str,
    value: Iterable[object],
    kind: type[tuple[object, ...]] | type[frozenset[object]] = tuple,
) -> None:
    object.__setattr__(instance, name, kind(value))


@dataclass(frozen=True, slots=True)
class Interest:
    """A declared interest: a person or organisation the member is tied to, and how.

    ``party`` is matched against an application's id, organisation, team and
    parties (funders, partners, sponsors).
    """

    party: str
    description: str

    def __post_init__(self) -> None:
        problems = _Problems()
        problems.blank("interest.party", self.party)
        problems.blank("interest.description", self.description)
        problems.raise_if_any()

    def to_json(self) -> dict[str, str]:
        return {"party": self.party, "description": self.description}


@dataclass(frozen=True, slots=True)
class TrainingRecord:
    """One ethics-training course a member completed (recorded; no rule checks it yet)."""

    course: str
    completed_on: date

    def to_json(self) -> dict[str, str]:
        return {"course": self.course, "completed_on": self.completed_on.isoformat()}


@dataclass(frozen=True, slots=True)
class Member:
    """A member of an ethics committee or review centre.

    Attributes
    ----------
    id
        The person's stable id (the same in every committee, meeting and panel).
    name
        Their name, for messages.
    disciplines
        The fields they cover (``domain``, ``ai_technology``, ``ethics``, ``law``,
        ``other``); at least one.
    gender
        ``female`` or ``male``.
    external
        Whether they come from outside the organisation that set the committee up.
    organisation
        The organisation they work for.
    term_start, term_end
        The first and the last day of their term (both included): a five-year
        term from 2024-01-01 ends on 2028-12-31.
    role
        ``chair``, ``vice_chair``, ``member`` or ``consultant`` (never counted, never votes).
    pledges
        The pledges they signed (``confidentiality``, ``conflict_of_interest``).
    interests
        Their declared interests.
    training
        Their ethics-training records.

    Examples
    --------
    >>> m = Member("m1", "Li Hua", ["ethics"], "female", False, "Acme",
    ...            date(2024, 1, 1), date(2028, 12, 31), role="chair")
    >>> m.disciplines, m.serving_on(date(2028, 12, 31)), m.serving_on(date(2029, 1, 1))
    (('ethics',), True, False)
    """

    id: str
    name: str
    disciplines: tuple[Discipline, ...]
    gender: Gender
    external: bool
    organisation: str
    term_start: date
    term_end: date
    role: Role = "member"
    pledges: frozenset[Pledge] = frozenset()
    interests: tuple[Interest, ...] = ()
    training: tuple[TrainingRecord, ...] = ()

    def __post_init__(self) -> None:
        _freeze(self, "disciplines", self.disciplines)
        _freeze(self, "pledges", self.pledges, frozenset)
        _freeze(self, "interests", self.interests)
        _freeze(self, "training", self.training)
        problems = _Problems()
        problems.blank("member.id", self.id)
        problems.blank("member.name", self.name)
        problems.blank("member.organisation", self.organisation)
        if not self.disciplines:
            problems.add(msg.ERR_BLANK, what=f"member {self.id}: disciplines")
        for discipline in self.disciplines:
            problems.choice(f"member {self.id}: discipline", discipline, DISCIPLINES)
        for repeated in _duplicates(self.disciplines):
            problems.add(msg.ERR_DUPLICATE_ID, what=f"member {self.id}: discipline", id=repeated)
        problems.choice(f"member {self.id}: gender", self.gender, GENDERS)
        problems.choice(f"member {self.id}: role", self.role, ROLES)
        for pledge in sorted(self.pledges):
            problems.choice(f"member {self.id}: pledge", pledge, PLEDGES)
        if not isinstance(self.external, bool):
            problems.add(
                msg.ERR_BAD_CHOICE,
                what=f"member {self.id}: external",
                value=self.external,
                known="true, false",
            )
        if self.term_end < self.term_start:
            problems.add(
                msg.ERR_TERM_ORDER, member=self.label, start=self.term_start, end=self.term_end
            )
        problems.raise_if_any()

    @property
    def label(self) -> str:
        """``name (id)``, for messages."""
        return f"{self.name} ({self.id})"

    @property
    def is_consultant(self) -> bool:
        """Consultants advise; they are not counted and do not vote (Measures 2023 Art. 14)."""
        return self.role == "consultant"

    def serving_on(self, day: date) -> bool:
        """Whether ``day`` falls within the member's term (both ends included)."""
        return self.term_start <= day <= self.term_end

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "disciplines": list(self.disciplines),
            "gender": self.gender,
            "external": self.external,
            "organisation": self.organisation,
            "term_start": self.term_start.isoformat(),
            "term_end": self.term_end.isoformat(),
            "pledges": sorted(self.pledges),
            "interests": [interest.to_json() for interest in self.interests],
            "training": [record.to_json() for record in self.training],
        }


@dataclass(frozen=True, slots=True)
class AnnualReport:
    """A committee's annual report: the year it covers and the day it was filed."""

    year: int
    filed_on: date

    def to_json(self) -> dict[str, object]:
        return {"year": self.year, "filed_on": self.filed_on.isoformat()}


@dataclass(frozen=True, slots=True)
class Committee:
    """An ethics (review) committee or a regional review centre, with its members.

    Attributes
    ----------
    id, name
        Its id and name.
    organisation
        The organisation that set it up (for a review centre, the centre itself).
    established_on
        The day it was set up; registration is due a fixed number of days later.
    members
        Everyone on the roster, consultants included; ids are unique.
    registered_on
        The day it was registered, or ``None``.
    annual_reports
        The annual reports filed so far.
    review_centre
        Whether it is a review centre that reviews other organisations' activities.
    """

    id: str
    name: str
    organisation: str
    established_on: date
    members: tuple[Member, ...]
    registered_on: date | None = None
    annual_reports: tuple[AnnualReport, ...] = ()
    review_centre: bool = False

    def __post_init__(self) -> None:
        _freeze(self, "members", self.members)
        _freeze(self, "annual_reports", self.annual_reports)
        problems = _Problems()
        problems.blank("committee.id", self.id)
        problems.blank("committee.name", self.name)
        problems.blank("committee.organisation", self.organisation)
        for repeated in _duplicates(m.id for m in self.members):
            problems.add(msg.ERR_DUPLICATE_ID, what="member", id=repeated)
        for repeated in _duplicates(str(r.year) for r in self.annual_reports):
            problems.add(msg.ERR_DUPLICATE_ID, what="annual report for", id=repeated)
        problems.raise_if_any()

    def member(self, member_id: str) -> Member | None:
        """The member with this id, or ``None``."""
        return next((m for m in self.members if m.id == member_id), None)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "organisation": self.organisation,
            "established_on": self.established_on.isoformat(),
            "registered_on": None if self.registered_on is None else self.registered_on.isoformat(),
            "review_centre": self.review_centre,
            "annual_reports": [report.to_json() for report in self.annual_reports],
            "members": [member.to_json() for member in self.members],
        }


@dataclass(frozen=True, slots=True)
class Attachment:
    """A typed attachment of an application.

    ``kind`` is a bundle item id of the rule set (``emergency_plan``), or
    ``evidence`` / ``other`` for material beyond the bundle (technical
    assessment results, documents the committee asked for). A waivable item
    may be marked not applicable by giving ``waived_reason`` instead of a file.
    """

    kind: str
    name: str = ""
    waived_reason: str | None = None

    def __post_init__(self) -> None:
        problems = _Problems()
        problems.blank("attachment.kind", self.kind)
        problems.raise_if_any()

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "name": self.name, "waived_reason": self.waived_reason}


@dataclass(frozen=True, slots=True)
class Application:
    """What conflict detection needs to know about an application.

    Attributes
    ----------
    id
        The application's id.
    organisation
        The applicant's organisation.
    team
        The ids of the people carrying out the activity.
    parties
        Other organisations or people with a stake: funders, partners, sponsors.
    """

    id: str
    organisation: str
    team: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _freeze(self, "team", self.team)
        _freeze(self, "parties", self.parties)
        problems = _Problems()
        problems.blank("application.id", self.id)
        problems.blank("application.organisation", self.organisation)
        problems.raise_if_any()

    @property
    def stakeholders(self) -> frozenset[str]:
        """Everything a declared interest is matched against."""
        return frozenset({self.id, self.organisation, *self.team, *self.parties})


@dataclass(frozen=True, slots=True)
class Meeting:
    """Who attends a meeting of a committee, for one agenda item.

    Attributes
    ----------
    committee
        The committee meeting.
    present
        The ids of the roster members present (consultants on the roster
        included: they are present but never counted).
    recused
        The ids of present members recused from this item (a declared or
        detected conflict): they are not counted and do not vote.
    consultants
        Names of consultants invited from outside the roster; never counted.
    held_on
        The day of the meeting: members whose term does not cover it are not
        counted. ``None`` skips the term check.
    """

    committee: Committee
    present: tuple[str, ...]
    recused: tuple[str, ...] = ()
    consultants: tuple[str, ...] = ()
    held_on: date | None = None

    def __post_init__(self) -> None:
        _freeze(self, "present", self.present)
        _freeze(self, "recused", self.recused)
        _freeze(self, "consultants", self.consultants)
        problems = _Problems()
        for repeated in _duplicates(self.present):
            problems.add(msg.ERR_DUPLICATE_ID, what="present member", id=repeated)
        for repeated in _duplicates(self.recused):
            problems.add(msg.ERR_DUPLICATE_ID, what="recused member", id=repeated)
        for member_id in self.present:
            if self.committee.member(member_id) is None:
                problems.add(msg.ERR_UNKNOWN_MEMBER, id=member_id, committee=self.committee.id)
        for member_id in self.recused:
            if member_id not in self.present:
                problems.add(msg.ERR_RECUSED_NOT_PRESENT, id=member_id)
        problems.raise_if_any()

    def attendees(self) -> tuple[Member, ...]:
        """The roster members present, in roster order."""
        ids = set(self.present)
        return tuple(m for m in self.committee.members if m.id in ids)

    def voting_members(self) -> tuple[Member, ...]:
        """Members present who count and vote: not consultants, not recused, in their term."""
        recused = set(self.recused)
        return tuple(
            m
            for m in self.attendees()
            if not m.is_consultant
            and m.id not in recused
            and (self.held_on is None or m.serving_on(self.held_on))
        )


@dataclass(frozen=True, slots=True)
class Vote:
    """One member's vote on one agenda item: a decision type or ``abstain``."""

    member_id: str
    choice: VoteChoice

    def __post_init__(self) -> None:
        problems = _Problems()
        problems.blank("vote.member_id", self.member_id)
        problems.choice(f"vote of {self.member_id}", self.choice, VOTE_CHOICES)
        problems.raise_if_any()


@dataclass(frozen=True, slots=True)
class Opinion:
    """A reviewer's opinion under the simplified procedure.

    ``doubt`` marks a doubt about the matter reviewed; ``requests_meeting`` asks
    for a meeting. Either moves the review to a meeting.
    """

    member_id: str
    view: DecisionType
    doubt: bool = False
    requests_meeting: bool = False

    def __post_init__(self) -> None:
        problems = _Problems()
        problems.blank("opinion.member_id", self.member_id)
        problems.choice(f"opinion of {self.member_id}", self.view, DECISION_TYPES)
        problems.raise_if_any()


@dataclass(frozen=True, slots=True)
class Expert:
    """An expert on a re-review panel formed by the competent authority.

    ``interests_declared`` records that the expert declared whether they have
    a direct interest in the matter (Measures 2023 Art. 28); ``interests`` are
    the interests declared.
    """

    id: str
    name: str
    disciplines: tuple[Discipline, ...]
    organisation: str
    interests_declared: bool = False
    interests: tuple[Interest, ...] = ()

    def __post_init__(self) -> None:
        _freeze(self, "disciplines", self.disciplines)
        _freeze(self, "interests", self.interests)
        problems = _Problems()
        problems.blank("expert.id", self.id)
        problems.blank("expert.name", self.name)
        problems.blank("expert.organisation", self.organisation)
        if not self.disciplines:
            problems.add(msg.ERR_BLANK, what=f"expert {self.id}: disciplines")
        for discipline in self.disciplines:
            problems.choice(f"expert {self.id}: discipline", discipline, DISCIPLINES)
        problems.raise_if_any()

    @property
    def label(self) -> str:
        """``name (id)``, for messages."""
        return f"{self.name} ({self.id})"


@dataclass(frozen=True, slots=True)
class ExpertVote:
    """One expert's view on the committee's preliminary opinion: ``agree`` or ``disagree``."""

    expert_id: str
    view: ExpertView

    def __post_init__(self) -> None:
        problems = _Problems()
        problems.blank("expert_vote.expert_id", self.expert_id)
        problems.choice(f"view of {self.expert_id}", self.view, EXPERT_VIEWS)
        problems.raise_if_any()


@dataclass(frozen=True, slots=True)
class Extension:
    """An extension of a review's time limit: how long, and why.

    A general or simplified deadline runs in days, so its extensions are whole
    days; an emergency deadline runs in hours. The reason is required and
    checked by :func:`tianping.review.deadline` against the rule set.
    """

    length: timedelta
    reason: str = ""
    granted_on: date | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, object]:
        return {
            "length_seconds": int(self.length.total_seconds()),
            "reason": self.reason,
            "granted_on": None if self.granted_on is None else self.granted_on.isoformat(),
        }


__all__ = [
    "CONFLICT_GROUNDS",
    "DECISION_TYPES",
    "DISCIPLINES",
    "ESCALATION_TRIGGERS",
    "EXPERT_VIEWS",
    "GENDERS",
    "PLEDGES",
    "PROCEDURES",
    "QUORUM_CATEGORIES",
    "ROLES",
    "SIMPLIFIED_GROUNDS",
    "VOTE_CHOICES",
    "AnnualReport",
    "Application",
    "Attachment",
    "Committee",
    "ConflictGround",
    "DecisionType",
    "Discipline",
    "EscalationTrigger",
    "Expert",
    "ExpertView",
    "ExpertVote",
    "Extension",
    "Gender",
    "Interest",
    "Meeting",
    "Member",
    "Opinion",
    "Pledge",
    "Procedure",
    "QuorumCategory",
    "Role",
    "SimplifiedGround",
    "TrainingRecord",
    "Vote",
    "VoteChoice",
]

"""The review workspace: requirement items with their evidence and findings, comments,
questions to the applicant, and conflict-of-interest declarations.

Recusal (rule ``conflict.recusal_grounds``, Measures 2023; Art. 28 for experts):
a member who declares a conflict, or whom :func:`tianping.review.detect_conflicts`
finds in conflict (same organisation, a declared interest in a party, on the
team), stands aside from the application: no findings, notes, questions,
opinions or votes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tianping import review as lib
from tianping.web.reviews.models import (
    Application,
    Comment,
    Declaration,
    ItemFinding,
    Member,
    Vote,
)
from tianping.web.reviews.selectors import can_chair, is_applicant, roster_member
from tianping.web.reviews.services import common

WORKSPACE_STATUSES = (Application.Status.UNDER_REVIEW, Application.Status.EXPERT_REVIEW)
COMMENT_LIMIT = 5000
STATEMENT_LIMIT = 2000


# --- recusal -----------------------------------------------------------------------------


def detected_grounds(member: Member, application: Application) -> list[str]:
    """Conflicts the rules detect for ``member`` (rule ``conflict.recusal_grounds``)."""
    result = lib.detect_conflicts(
        common.library_member(member),
        common.library_application(application),
        rules=common.rules_for(application.body),
    )
    return list(result.grounds)


def is_recused(member: Member, application: Application) -> bool:
    """Recused = a conflict declared, or one detected now or at acceptance.

    Rule ``conflict.recusal_grounds`` (Measures 2023): a member with an interest
    in the matter stands aside from discussion and vote.
    """
    declaration = Declaration.objects.filter(application=application, member=member).first()
    if declaration is not None and (declaration.recused or declaration.detected_grounds):
        return True
    return bool(detected_grounds(member, application))


def recused_members(application: Application, members: list[Member]) -> set[int]:
    """The pks of ``members`` recused from ``application``."""
    declared = set(
        Declaration.objects.filter(application=application, member__in=members)
        .filter(recused=True)
        .values_list("member_id", flat=True)
    )
    return {m.pk for m in members if m.pk in declared or detected_grounds(m, application)}


def reviewer_seat(actor: AbstractBaseUser, application: Application) -> Member | None:
    """The actor's roster entry if they may act as a reviewer (not recused), else refuse.

    A roster member who is recused is refused even when they chair (rule
    ``conflict.recusal_grounds``); a chair without a roster entry (the body's
    administrator) acts without a seat.
    """
    member = roster_member(actor, application.body)
    if member is not None:
        if is_recused(member, application):
            # conflict.recusal_grounds, Measures 2023: a recused member takes no part.
            raise PermissionDenied(
                _("You are recused from this application because of a conflict of interest.")
            )
        if member.role == "consultant" and not can_chair(actor, application.body):
            raise PermissionDenied(_("Consultants advise; they do not give findings or notes."))
        return member
    if can_chair(actor, application.body):
        return None
    raise PermissionDenied(_("Only members of the review body may do this."))


def sees_internal(user: AbstractBaseUser, application: Application) -> bool:
    """Whether ``user`` may read internal notes: the body's members and chairs only."""
    return roster_member(user, application.body) is not None or can_chair(user, application.body)


def _require_open(application: Application) -> None:
    if application.status not in WORKSPACE_STATUSES:
        raise ValidationError(_("This application is not under review."))


# --- items, evidence, findings -----------------------------------------------------------


@dataclass
class ItemRow:
    """One requirement item of the catalogue with its evidence and the finding on it."""

    item: Any
    evidence: list[Any] = field(default_factory=list)
    finding: ItemFinding | None = None


def _catalogue_items(application: Application) -> list[Any]:
    from tianping.web.catalogue.models import RequirementItem

    tier = application.tier
    if not tier:
        return []
    items = RequirementItem.objects.select_related("article").order_by("article__number", "code")
    # JSON containment is not portable to SQLite: filter the (small) catalogue here.
    return [i for i in items if isinstance(i.tiers, list) and tier in i.tiers]


def applicable_items(application: Application) -> list[ItemRow]:
    """The catalogue's items for the application's tier, with linked evidence and findings."""
    from tianping.web.assessments.models import EvidenceLink

    items = _catalogue_items(application)
    evidence_ids = list(
        application.attachments.filter(kind="evidence", evidence__isnull=False).values_list(
            "evidence_id", flat=True
        )
    )
    by_item: dict[str, list[Any]] = {}
    links = EvidenceLink.objects.filter(evidence_id__in=evidence_ids).select_related("evidence")
    for link in links:
        by_item.setdefault(link.item, []).append(link.evidence)
    findings = {f.item: f for f in application.item_findings.select_related("reviewer")}
    return [
        ItemRow(item=i, evidence=by_item.get(i.code, []), finding=findings.get(i.code))
        for i in items
    ]


def finding_set(
    *,
    actor: AbstractBaseUser,
    application: Application,
    item: Any,
    outcome: Any,
    note: Any = "",
) -> ItemFinding:
    """Record (or change) the finding on one applicable requirement item."""
    reviewer_seat(actor, application)
    _require_open(application)
    if not isinstance(item, str) or item not in {i.code for i in _catalogue_items(application)}:
        raise ValidationError(
            {"item": [_("This requirement item does not apply to this application.")]}
        )
    if outcome not in ItemFinding.Outcome.values:
        raise ValidationError({"outcome": [_("Choose a finding.")]})
    text = common.clean_text(note, "note", required=False, limit=COMMENT_LIMIT)
    with transaction.atomic():
        app = common.locked(application.pk)
        _require_open(app)
        finding, _created = ItemFinding.objects.update_or_create(
            application=app,
            item=item,
            defaults={"outcome": outcome, "note": text, "reviewer": actor},
        )
        common.record(
            app, actor=actor, kind="finding_set", payload={"item": item, "outcome": outcome}
        )
    return finding


# --- similar reviews ----------------------------------------------------------------------


@dataclass
class SimilarReview:
    application: Application
    match: str  # "system" or "sector"


def similar_reviews(application: Application, *, limit: int = 20) -> list[SimilarReview]:
    """Earlier decided applications of the same organisation before the same body.

    Same system first, then same sector; each with its decision.
    """
    qs = (
        Application.objects.filter(
            organisation=application.organisation, body=application.body, decided_at__isnull=False
        )
        .exclude(pk=application.pk)
        .exclude(decision="")
        .select_related("system")
        .order_by("-decided_at", "-pk")
    )
    same_system = [a for a in qs.filter(system=application.system)[:limit]]
    sector = application.system.sector
    same_sector = [
        a for a in qs.exclude(system=application.system).filter(system__sector=sector)[:limit]
    ]
    out = [SimilarReview(a, "system") for a in same_system]
    out += [SimilarReview(a, "sector") for a in same_sector]
    return out[:limit]


# --- comments and questions ---------------------------------------------------------------


def comments_visible(user: AbstractBaseUser, application: Application) -> list[Comment]:
    """The thread as ``user`` may read it: internal notes only for the body's members."""
    qs = application.comments.select_related("author", "reply_to")
    if not sees_internal(user, application):
        qs = qs.exclude(kind=Comment.Kind.NOTE).exclude(reply_to__kind=Comment.Kind.NOTE)
    return list(qs)


def comment_add(
    *,
    actor: AbstractBaseUser,
    application: Application,
    kind: Any,
    body: Any,
    reply_to: Comment | None = None,
) -> Comment:
    """Add an internal note or a question (members, chair) or a reply (the applicant).

    Notes are never shown to the applicant; a question is, and the applicant is
    notified; the applicant may only reply to questions.
    """
    if kind not in Comment.Kind.values:
        raise ValidationError({"kind": [_("Choose a kind of comment.")]})
    reviewer = sees_internal(actor, application)
    if kind == Comment.Kind.REPLY:
        if not is_applicant(actor, application) and not reviewer:
            raise PermissionDenied(_("Only the applicant may reply to questions."))
        if reviewer and not is_applicant(actor, application):
            reviewer_seat(actor, application)
        if reply_to is None or reply_to.kind != Comment.Kind.QUESTION:
            raise ValidationError({"reply_to": [_("A reply answers a question.")]})
    else:
        if not reviewer:
            raise PermissionDenied(_("Only members of the review body add notes and questions."))
        reviewer_seat(actor, application)
    if reply_to is not None and reply_to.application_id != application.pk:
        raise ValidationError({"reply_to": [_("This comment is not on this application.")]})
    if reply_to is not None and kind == Comment.Kind.QUESTION and reply_to.kind == "note":
        raise ValidationError({"reply_to": [_("A question cannot answer an internal note.")]})
    text = common.clean_text(body, "body", limit=COMMENT_LIMIT)
    _require_open(application)
    with transaction.atomic():
        app = common.locked(application.pk)
        _require_open(app)
        comment = Comment.objects.create(
            application=app, kind=kind, body=text, author=actor, reply_to=reply_to
        )
        common.record(
            app,
            actor=actor,
            kind=f"{kind}_added",
            payload={"comment": comment.pk, "reply_to": reply_to.pk if reply_to else None},
        )
        url = common.application_url(app, "workspace/")
        if kind == Comment.Kind.QUESTION:
            common.notify(
                common.applicants_of(app),
                application=app,
                message=gettext_noop("The reviewers of {reference} ask a question."),
                params={"reference": app.reference},
                url=url,
            )
        elif kind == Comment.Kind.REPLY and reply_to is not None:
            common.notify(
                [reply_to.author],
                application=app,
                message=gettext_noop("The applicant replied to your question on {reference}."),
                params={"reference": app.reference},
                url=url,
            )
    return comment


# --- declarations -------------------------------------------------------------------------


def declaration_submit(
    *,
    actor: AbstractBaseUser,
    application: Application,
    has_conflict: Any,
    statement: Any = "",
) -> Declaration:
    """A roster member declares whether they have a conflict of interest.

    The rules' detection runs again (rule ``conflict.recusal_grounds``); grounds
    detected earlier (at acceptance) are kept. Recused = declared or detected.
    A member who becomes recused while a vote is open on the application loses
    the vote cast there (a recused member takes no part in the vote).
    """
    member = roster_member(actor, application.body)
    if member is None:
        raise PermissionDenied(_("Only members of the review body declare interests."))
    if not isinstance(has_conflict, bool):
        raise ValidationError({"has_conflict": [_("Say whether you have a conflict.")]})
    text = common.clean_text(statement, "statement", required=has_conflict, limit=STATEMENT_LIMIT)
    _require_open(application)
    with transaction.atomic():
        app = common.locked(application.pk)
        _require_open(app)
        grounds = detected_grounds(member, app)
        existing = Declaration.objects.select_for_update().filter(application=app, member=member)
        declaration = existing.first()
        kept = list(declaration.detected_grounds) if declaration is not None else []
        merged = list(dict.fromkeys([*kept, *grounds]))
        recused = has_conflict or bool(merged)
        values = {
            "has_conflict": has_conflict,
            "statement": text,
            "detected_grounds": merged,
            "recused": recused,
        }
        if declaration is None:
            try:
                with transaction.atomic():
                    declaration = Declaration.objects.create(
                        application=app, member=member, **values
                    )
            except IntegrityError as exc:
                raise ValidationError(
                    _("Your declaration was just recorded; reload the page.")
                ) from exc
        else:
            for name, value in values.items():
                setattr(declaration, name, value)
            declaration.save()
        withdrawn = 0
        if recused:
            withdrawn, _detail = Vote.objects.filter(
                member=member, item__application=app, item__voting_open=True
            ).delete()
        common.record(
            app,
            actor=actor,
            kind="declaration_submitted",
            payload={
                "member": member.pk,
                "has_conflict": has_conflict,
                "recused": recused,
                "grounds": merged,
                "votes_withdrawn": withdrawn,
            },
        )
        if recused:
            common.notify(
                common.chairs_of(app.body),
                application=app,
                message=gettext_noop("A member is recused from {reference}."),
                params={"reference": app.reference},
                url=common.application_url(app, "workspace/"),
            )
    return declaration


def declarations_of(application: Application) -> list[dict[str, Any]]:
    """Every active roster member's declaration state on ``application`` (for the chair)."""
    members = list(application.body.members.filter(active=True))
    declared = {d.member_id: d for d in application.declarations.all()}
    rows = []
    for m in members:
        d = declared.get(m.pk)
        grounds = detected_grounds(m, application)
        kept = list(d.detected_grounds) if d else []
        all_grounds = list(dict.fromkeys([*kept, *grounds]))
        rows.append(
            {
                "member": m,
                "declaration": d,
                "grounds": all_grounds,
                "recused": bool((d and d.recused) or all_grounds),
            }
        )
    return rows


def my_declarations(user: AbstractBaseUser) -> list[dict[str, Any]]:
    """Applications under review by bodies where ``user`` sits, with their declaration."""
    if not user.is_authenticated:
        return []
    seats = list(Member.objects.filter(user=user, active=True).select_related("body"))
    rows: list[dict[str, Any]] = []
    for seat in seats:
        apps = Application.objects.filter(
            body=seat.body, status__in=WORKSPACE_STATUSES
        ).select_related("system", "organisation", "body__organisation")
        declared = {
            d.application_id: d
            for d in Declaration.objects.filter(member=seat, application__in=apps)
        }
        for app in apps:
            d = declared.get(app.pk)
            rows.append(
                {
                    "application": app,
                    "member": seat,
                    "declaration": d,
                    "recused": is_recused(seat, app),
                }
            )
    return rows

"""The simplified procedure: reviewers named by the chair, their opinions, or a meeting.

Rules applied:

* ``simplified.min_reviewers`` (Measures 2023, simplified procedure): at least
  this many members named by the chair — not consultants, not recused;
* ``simplified.escalation`` and ``simplified.negative_views``: a negative view,
  a doubt, a disagreement or a reviewer's request moves the review to a meeting
  (the procedure becomes ``general``; the chair puts it on an agenda);
* all named reviewers concurring: the decision is recorded through
  ``decision_record`` (``basis="simplified"``); the changes or reasons a decision
  needs (``decision.reasons_required``) come from the opinions' comments, else
  the chair concludes with them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tianping import review as lib
from tianping.web.reviews.models import (
    Application,
    DecisionType,
    Member,
    Procedure,
    SimplifiedOpinion,
)
from tianping.web.reviews.selectors import can_chair, roster_member
from tianping.web.reviews.services import common, decisions
from tianping.web.reviews.services.meetings import strings
from tianping.web.reviews.services.workspace import is_recused

CHANGES_DECISIONS = (
    DecisionType.APPROVE_AFTER_MODIFICATION,
    DecisionType.RE_REVIEW_AFTER_MODIFICATION,
)


def _require_simplified(application: Application) -> None:
    if application.status != Application.Status.UNDER_REVIEW:
        raise ValidationError(_("This application is not under review."))
    if application.procedure != Procedure.SIMPLIFIED:
        raise ValidationError(_("This application is not reviewed by the simplified procedure."))


def _url(application: Application) -> str:
    return common.application_url(application, "simplified/")


def outcome(application: Application) -> lib.SimplifiedOutcome:
    """Where the simplified review stands (``lib.simplified_outcome`` on the opinions)."""
    rows = list(application.simplified_opinions.select_related("member"))
    named = [common.library_member(r.member) for r in rows]
    given = [
        lib.Opinion(r.member.ref, r.view, doubt=r.doubt, requests_meeting=r.requests_meeting)  # type: ignore[arg-type]
        for r in rows
        if r.given_at is not None
    ]
    return lib.simplified_outcome(given, named=named, rules=common.rules_for(application.body))


def reviewers_name(
    *, actor: AbstractBaseUser, application: Application, member_ids: Any
) -> list[SimplifiedOpinion]:
    """The chair names the reviewers (rule ``simplified.min_reviewers``).

    Reviewers who already gave their opinion stay named; the others may be replaced.
    """
    if not can_chair(actor, application.body):
        raise PermissionDenied(_("Only the chair names reviewers."))
    if not isinstance(member_ids, list | tuple) or any(
        not isinstance(i, int) or isinstance(i, bool) for i in member_ids
    ):
        raise ValidationError({"member_ids": [_("Give a list of member ids.")]})
    if len(set(member_ids)) != len(member_ids):
        raise ValidationError({"member_ids": [_("A member is named twice.")]})
    _require_simplified(application)
    roster = {m.pk: m for m in application.body.members.filter(active=True)}
    problems: list[str] = []
    chosen: list[Member] = []
    for pk in member_ids:
        member = roster.get(pk)
        if member is None:
            problems.append(_("Member {id} is not on this body's roster.").format(id=pk))
        elif member.role == "consultant":
            problems.append(
                _("{name} is a consultant and does not review.").format(name=member.name)
            )
        elif member.user_id is None:
            problems.append(_("{name} has no user account.").format(name=member.name))
        elif is_recused(member, application):
            # conflict.recusal_grounds, Measures 2023.
            problems.append(_("{name} is recused from this application.").format(name=member.name))
        else:
            chosen.append(member)
    if problems:
        raise ValidationError({"member_ids": problems})
    # simplified.min_reviewers, Measures 2023 (simplified procedure): at least this many.
    check = lib.simplified_outcome(
        [],
        named=[common.library_member(m) for m in chosen],
        rules=common.rules_for(application.body),
    )
    if check.status == "not_enough_reviewers":
        raise common.findings_error(check, "member_ids")
    with transaction.atomic():
        app = common.locked(application.pk)
        _require_simplified(app)
        existing = {o.member_id: o for o in app.simplified_opinions.select_for_update()}
        given = {pk for pk, o in existing.items() if o.given_at is not None}
        dropped = given - {m.pk for m in chosen}
        if dropped:
            raise ValidationError(
                {"member_ids": [_("Reviewers who gave their opinion stay named.")]}
            )
        SimplifiedOpinion.objects.filter(application=app).exclude(
            member_id__in=[m.pk for m in chosen]
        ).delete()
        for member in chosen:
            if member.pk not in existing:
                SimplifiedOpinion.objects.create(application=app, member=member)
        common.record(
            app,
            actor=actor,
            kind="reviewers_named",
            payload={"members": [m.pk for m in chosen]},
        )
        common.notify(
            [m.user for m in chosen if m.pk not in existing],
            application=app,
            message=gettext_noop(
                "You are named to review {reference} by the simplified procedure."
            ),
            params={"reference": app.reference},
            url=_url(app),
        )
    return list(application.simplified_opinions.select_related("member"))


def _escalate(app: Application, actor: AbstractBaseUser, result: lib.SimplifiedOutcome) -> None:
    # simplified.escalation, Measures 2023 (simplified procedure): to a meeting.
    app.procedure = Procedure.GENERAL
    common.bump(app, ["procedure"])
    common.record(
        app,
        actor=actor,
        kind="escalated_to_meeting",
        payload={"triggers": list(result.triggers), "rules": list(result.rule_ids())},
    )
    common.notify(
        common.chairs_of(app.body),
        application=app,
        message=gettext_noop("{reference} moves to a meeting: put it on an agenda."),
        params={"reference": app.reference},
        url=common.application_url(app),
    )


def _texts_for(decision: str, opinions: list[SimplifiedOpinion]) -> tuple[list[str], list[str]]:
    comments = [o.comment.strip()[:1000] for o in opinions if o.comment.strip()]
    if decision in CHANGES_DECISIONS:
        return comments, []
    if decision == DecisionType.NOT_APPROVE:
        return [], comments
    return [], []


def _conclude_if_possible(app: Application, actor: AbstractBaseUser) -> str:
    result = outcome(app)
    if result.must_move_to_meeting:
        _escalate(app, actor, result)
        return "move_to_meeting"
    if result.status != "decided" or result.decision is None:
        return result.status
    opinions = list(app.simplified_opinions.all())
    changes, reasons = _texts_for(result.decision, opinions)
    check = lib.check_decision(
        result.decision,
        required_changes=changes,
        reasons=reasons,
        rules=common.rules_for(app.body),
    )
    if not check.ok:
        common.record(
            app, actor=actor, kind="simplified_concurred", payload={"decision": result.decision}
        )
        common.notify(
            common.chairs_of(app.body),
            application=app,
            message=gettext_noop(
                "The reviewers of {reference} concur; state the changes or reasons to conclude."
            ),
            params={"reference": app.reference},
            url=_url(app),
        )
        return "awaiting_chair"
    decisions.decision_record(
        app,
        actor=actor,
        decision=result.decision,
        basis="simplified",
        required_changes=changes,
        reasons=reasons,
        details={"reviewers": [o.member_id for o in opinions]},
    )
    return "decided"


def opinion_give(
    *,
    actor: AbstractBaseUser,
    application: Application,
    view: Any,
    doubt: Any = False,
    requests_meeting: Any = False,
    comment: Any = "",
) -> SimplifiedOpinion:
    """A named reviewer gives their one opinion; the outcome is evaluated after each."""
    member = roster_member(actor, application.body)
    if member is None:
        raise PermissionDenied(_("Only named reviewers give opinions."))
    if not application.simplified_opinions.filter(member=member).exists():
        raise PermissionDenied(_("Only named reviewers give opinions."))
    if is_recused(member, application):
        # conflict.recusal_grounds, Measures 2023: a recused member gives no opinion.
        raise PermissionDenied(
            _("You are recused from this application because of a conflict of interest.")
        )
    if view not in DecisionType.values:
        raise ValidationError({"view": [_("Choose a view.")]})
    if not isinstance(doubt, bool):
        raise ValidationError({"doubt": [_("Say yes or no.")]})
    if not isinstance(requests_meeting, bool):
        raise ValidationError({"requests_meeting": [_("Say yes or no.")]})
    text = common.clean_text(comment, "comment", required=False, limit=2000)
    _require_simplified(application)
    with transaction.atomic():
        app = common.locked(application.pk)
        _require_simplified(app)
        opinion = SimplifiedOpinion.objects.select_for_update().get(application=app, member=member)
        if opinion.given_at is not None:
            raise ValidationError(_("You have already given your opinion."))
        opinion.view = view
        opinion.doubt = doubt
        opinion.requests_meeting = requests_meeting
        opinion.comment = text
        opinion.given_at = common.now()
        opinion.save()
        common.record(
            app,
            actor=actor,
            kind="opinion_given",
            payload={
                "member": member.pk,
                "view": view,
                "doubt": doubt,
                "requests_meeting": requests_meeting,
            },
        )
        _conclude_if_possible(app, actor)
    return opinion


def simplified_conclude(
    *,
    actor: AbstractBaseUser,
    application: Application,
    required_changes: Any = (),
    reasons: Any = (),
    expected_version: int | None = None,
) -> Application:
    """The chair concludes a concurring review whose decision needs changes or reasons."""
    if not can_chair(actor, application.body):
        raise PermissionDenied(_("Only the chair concludes a simplified review."))
    changes = strings(required_changes, "required_changes")
    why = strings(reasons, "reasons")
    _require_simplified(application)
    with transaction.atomic():
        app = common.locked(application.pk, expected_version=expected_version)
        _require_simplified(app)
        result = outcome(app)
        if result.status != "decided" or result.decision is None:
            raise ValidationError(_("The named reviewers have not all concurred."))
        decisions.decision_record(
            app,
            actor=actor,
            decision=result.decision,
            basis="simplified",
            required_changes=changes,
            reasons=why,
            details={
                "reviewers": list(app.simplified_opinions.values_list("member_id", flat=True))
            },
        )
    return app


def state(application: Application) -> dict[str, Any]:
    """For pages and the API: the named reviewers, their opinions, the outcome."""
    rows = list(application.simplified_opinions.select_related("member"))
    try:
        result = outcome(application) if rows else None
    except lib.ReviewInputError:
        result = None
    status = result.status if result is not None else "not_named"
    if application.procedure != Procedure.SIMPLIFIED and any(r.given_at for r in rows):
        status = "move_to_meeting"
    if status == "decided" and application.status == Application.Status.UNDER_REVIEW:
        status = "awaiting_chair"
    if application.decision_basis == "simplified" and application.decision:
        status = "decided"
    return {
        "opinions": rows,
        "status": status,
        "decision": result.decision if result is not None else None,
        "triggers": list(result.triggers) if result is not None else [],
        "awaiting": [r for r in rows if r.given_at is None],
        "outcome": result,
    }

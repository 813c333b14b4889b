"""Appeals (申诉) against a decision that is not an approval.

The applicant files written grounds against a decision to re-review after
modification or not to approve (one pending appeal at a time); the chair
decides. Upheld: the application is reviewed again (``under_review``, the
decision fields cleared; the timeline keeps the old decision). Dismissed:
nothing else changes.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tianping import review as lib
from tianping.web.reviews.models import Appeal, Application, Procedure
from tianping.web.reviews.selectors import can_chair, is_applicant
from tianping.web.reviews.services import common, decisions

GROUNDS_LIMIT = 10000


def appealable(application: Application) -> bool:
    """Decided, and the decision is not an approval (nor an approval after modification)."""
    return (
        application.status == Application.Status.DECIDED
        and bool(application.decision)
        and application.decision not in decisions.APPROVING
    )


def _url(application: Application) -> str:
    return common.application_url(application)


def appeal_file(*, actor: AbstractBaseUser, application: Application, grounds: Any) -> Appeal:
    """The applicant appeals a decision that is not an approval."""
    if not is_applicant(actor, application):
        raise PermissionDenied(_("Only the applicant may appeal."))
    text = common.clean_text(grounds, "grounds", limit=GROUNDS_LIMIT)
    with transaction.atomic():
        app = common.locked(application.pk)
        if not appealable(app):
            raise ValidationError(_("Only a decision that is not an approval can be appealed."))
        if app.appeals.filter(outcome=Appeal.Outcome.PENDING).exists():
            raise ValidationError(_("An appeal against this decision is already pending."))
        appeal = Appeal.objects.create(application=app, grounds=text, filed_by=actor)
        common.record(
            app,
            actor=actor,
            kind="appeal_filed",
            payload={"appeal": appeal.pk, "decision": app.decision},
        )
        common.notify(
            common.chairs_of(app.body),
            application=app,
            message=gettext_noop("An appeal was filed against the decision on {reference}."),
            params={"reference": app.reference},
            url=f"/reviews/appeals/{appeal.pk}/decide/",
        )
    return appeal


def appeal_decide(
    *,
    actor: AbstractBaseUser,
    appeal: Appeal,
    outcome: Any,
    response: Any,
    expected_version: int | None = None,
) -> Appeal:
    """The chair upholds (the application is reviewed again) or dismisses an appeal."""
    application = appeal.application
    if not can_chair(actor, application.body):
        raise PermissionDenied(_("Only the chair decides appeals."))
    if outcome not in (Appeal.Outcome.UPHELD, Appeal.Outcome.DISMISSED):
        raise ValidationError({"outcome": [_("Uphold or dismiss the appeal.")]})
    text = common.clean_text(response, "response", limit=GROUNDS_LIMIT)
    with transaction.atomic():
        app = common.locked(application.pk, expected_version=expected_version)
        current = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if current.outcome != Appeal.Outcome.PENDING:
            raise ValidationError(_("This appeal is already decided."))
        if outcome == Appeal.Outcome.UPHELD and not appealable(app):
            raise ValidationError(_("The decision appealed against no longer stands."))
        current.outcome = outcome
        current.response = text
        current.decided_at = common.now()
        current.save(update_fields=["outcome", "response", "decided_at"])
        payload: dict[str, Any] = {"appeal": current.pk, "outcome": outcome}
        if outcome == Appeal.Outcome.UPHELD:
            payload["previous_decision"] = app.decision
            app.status = Application.Status.UNDER_REVIEW
            app.decision = ""
            app.decision_basis = ""
            app.required_changes = []
            app.reasons = []
            app.decided_at = None
            app.follow_up_due = None
            if app.procedure == Procedure.SIMPLIFIED:
                app.procedure = Procedure.GENERAL
            reviewed_again = common.now()
            app.due_at = lib.deadline(
                reviewed_again, app.procedure or "general", rules=common.rules_for(app.body)
            ).due
            common.bump(
                app,
                [
                    "status",
                    "decision",
                    "decision_basis",
                    "required_changes",
                    "reasons",
                    "decided_at",
                    "follow_up_due",
                    "procedure",
                    "due_at",
                ],
            )
            payload["due_at"] = app.due_at.isoformat()
        common.record(app, actor=actor, kind="appeal_decided", payload=payload)
        common.notify(
            common.applicants_of(app),
            application=app,
            message=gettext_noop("Your appeal on {reference}: {outcome}."),
            params={"reference": app.reference, "outcome": outcome},
            url=_url(app),
        )
        if outcome == Appeal.Outcome.UPHELD:
            common.notify(
                common.chairs_of(app.body),
                application=app,
                message=gettext_noop("{reference} is reviewed again after an appeal."),
                params={"reference": app.reference},
                url=_url(app),
            )
    return current


def appeal_get(user: AbstractBaseUser, pk: Any) -> Appeal:
    """An appeal on an application ``user`` may see; otherwise 404."""
    from django.http import Http404

    from tianping.web.reviews.selectors import applications_visible_to
    from tianping.web.systems.selectors import check_pk

    check_pk(pk)
    try:
        appeal = Appeal.objects.select_related("application__body__organisation").get(pk=pk)
    except (Appeal.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
    if not applications_visible_to(user).filter(pk=appeal.application_id).exists():
        raise Http404
    return appeal

"""Recording a review body's decision, the one path every procedure ends on.

A meeting's vote, a simplified review's concurring opinions and an expert
panel's opinion all end in :func:`decision_record`. For a listed activity
(the expert re-review list) an approving decision of the committee is only a
**preliminary opinion**: it goes to the competent authority instead
(``status = expert_review``), and the final decision follows the panel.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tianping import review as lib
from tianping.web.reviews.models import Application, DecisionType, ExpertReview, FollowUp
from tianping.web.reviews.selectors import competent_authority
from tianping.web.reviews.services import common

APPROVING = frozenset({DecisionType.APPROVE, DecisionType.APPROVE_AFTER_MODIFICATION})
BASES = ("meeting", "simplified", "expert")


def decision_record(
    application: Application,
    *,
    actor: AbstractBaseUser | None,
    decision: str,
    basis: str,
    required_changes: Sequence[str] = (),
    reasons: Sequence[str] = (),
    details: dict[str, object] | None = None,
) -> Application:
    """Record ``decision`` on a row-locked application (call inside ``transaction.atomic``).

    Checks the decision with :func:`tianping.review.check_decision` (required
    changes for an approval after modification, reasons for a refusal) and
    refuses anything but an application under review (or in expert re-review,
    for ``basis="expert"``). Returns the application, saved.
    """
    if basis not in BASES:
        raise ValueError(f"unknown decision basis {basis!r}")
    expected = (
        Application.Status.EXPERT_REVIEW if basis == "expert" else Application.Status.UNDER_REVIEW
    )
    if application.status != expected:
        raise ValidationError(_("This application is not awaiting a decision."))
    if decision not in DecisionType.values:
        raise ValidationError({"decision": [_("Choose a decision.")]})
    changes = common.clean_strings(list(required_changes), "required_changes", limit=1000)
    why = common.clean_strings(list(reasons), "reasons", limit=1000)
    rules = common.rules_for(application.body)
    check = lib.check_decision(
        decision,  # type: ignore[arg-type]
        required_changes=changes,
        reasons=why,
        rules=rules,
    )
    if not check.ok:
        raise common.findings_error(check, "decision")

    payload: dict[str, object] = {"decision": decision, "basis": basis, **(details or {})}
    if application.listed_activity and basis != "expert" and decision in APPROVING:
        return _to_expert_review(application, actor, decision, changes, why, payload, rules)

    application.decision = decision
    application.decision_basis = basis
    application.required_changes = changes
    application.reasons = why
    application.decided_at = common.now()
    application.status = Application.Status.DECIDED
    fields = [
        "decision",
        "decision_basis",
        "required_changes",
        "reasons",
        "decided_at",
        "status",
    ]
    if decision in APPROVING:
        follow_up = lib.follow_up_due(
            application.decided_at.date(),
            listed_activity=application.listed_activity,
            rules=rules,
        )
        application.follow_up_due = follow_up.due
        fields.append("follow_up_due")
        FollowUp.objects.create(
            application=application, kind=FollowUp.Kind.SCHEDULED, due_on=follow_up.due
        )
        payload["follow_up_due"] = follow_up.due.isoformat()
    common.bump(application, fields)
    common.record(application, actor=actor, kind="decided", payload=payload)
    common.notify(
        common.applicants_of(application),
        application=application,
        message=gettext_noop("Decision on {reference}: {decision}."),
        params={"reference": application.reference, "decision": decision},
        url=common.application_url(application),
    )
    return application


def _to_expert_review(
    application: Application,
    actor: AbstractBaseUser | None,
    decision: str,
    changes: list[str],
    reasons: list[str],
    payload: dict[str, object],
    rules: lib.RuleSet,
) -> Application:
    authority = competent_authority(application.organisation)
    if authority is None:
        raise ValidationError(
            _("No competent authority is above the applicant organisation for expert re-review.")
        )
    text = "\n".join([*changes, *reasons]) or _("The committee's preliminary opinion.")
    requested = common.now()
    due = lib.deadline(requested, "expert_review", rules=rules).due
    ExpertReview.objects.create(
        application=application,
        authority=authority,
        preliminary_decision=decision,
        preliminary_text=text,
        requested_by=actor if actor is not None and actor.is_authenticated else None,
        due_at=due,
    )
    application.status = Application.Status.EXPERT_REVIEW
    application.required_changes = changes
    application.reasons = reasons
    common.bump(application, ["status", "required_changes", "reasons"])
    common.record(
        application,
        actor=actor,
        kind="expert_review_requested",
        payload={**payload, "authority": authority.pk, "due_at": due.isoformat()},
    )
    common.notify(
        common.users_with_role(authority.pk, ["regulator", "admin"]),
        application=application,
        message=gettext_noop("Expert re-review requested for {reference}."),
        params={"reference": application.reference},
        url=common.application_url(application),
    )
    common.notify(
        common.applicants_of(application),
        application=application,
        message=gettext_noop("{reference} goes to expert re-review by the competent authority."),
        params={"reference": application.reference},
        url=common.application_url(application),
    )
    return application


def overdue_margin() -> timedelta:
    """How close to its deadline an open application counts as at risk."""
    return timedelta(days=5)

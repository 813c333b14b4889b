"""Expert re-review of listed activities by the competent authority (Measures 2023 Arts. 25–31).

When a committee approves (preliminarily) an activity on the expert re-review
list, :func:`decisions.decision_record` opens an :class:`ExpertReview` before
the nearest regulator above the applicant. Here the authority:

1. adds experts to the panel (:func:`panel_add`), who declare their interests
   (:func:`interests_declare`);
2. forms the panel (:func:`panel_form`) once it passes
   :func:`tianping.review.expert_panel_check` (rules ``expert_panel.*``, Art. 28);
3. the experts vote agree / disagree (:func:`expert_vote`);
4. the authority concludes (:func:`panel_conclude`): the opinion needs
   ``expert_panel.threshold`` of the whole panel (Art. 30), and the committee's
   final decision follows it through :func:`decisions.decision_record`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tianping import review as lib
from tianping.web.accounts.selectors import display_name
from tianping.web.reviews import library, timeline
from tianping.web.reviews.applications import services as applications_services
from tianping.web.reviews.expert import selectors
from tianping.web.reviews.expert.selectors import is_expert_account, panel_check, panel_outcome
from tianping.web.reviews.models import (
    Application,
    Discipline,
    ExpertReview,
    PanelExpert,
)
from tianping.web.reviews.notifications import selectors as notifications_selectors
from tianping.web.reviews.notifications import services as notifications_services

MAX_EXPERTS = 50
"""The most experts one panel may hold (a guard against runaway input, not a rule)."""


def _url(review: ExpertReview) -> str:
    return f"/reviews/expert/{review.pk}/"


def _check_authority(actor: User, review: ExpertReview) -> None:
    if not selectors.is_authority(actor, review):
        raise PermissionDenied(_("Only the competent authority may do this."))


def _locked_review(review: ExpertReview) -> tuple[Application, ExpertReview]:
    """The application and the re-review, both row-locked (application first, always)."""
    app = timeline.locked(review.application_id)
    locked = ExpertReview.objects.select_for_update().get(pk=review.pk)
    return app, locked


def _require_status(review: ExpertReview, status: str, message: str) -> None:
    if review.status != status:
        raise ValidationError(message)


def _clean_disciplines(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [v for v in value.replace(",", " ").split() if v]
    if not isinstance(value, list) or not value or len(value) > len(Discipline.values):
        raise ValidationError({"disciplines": [_("Choose at least one discipline.")]})
    out: list[str] = []
    for item in value:
        if item not in Discipline.values:
            raise ValidationError({"disciplines": [_("Choose disciplines from the list.")]})
        if item not in out:
            out.append(item)
    return out


def panel_add(
    *,
    actor: User,
    review: ExpertReview,
    user: User | None = None,
    name: str = "",
    disciplines: Sequence[str] | str = (),
    affiliation: str = "",
) -> PanelExpert:
    """The authority adds an expert: an account with the role ``expert``, or a named expert."""
    _check_authority(actor, review)
    if user is not None and not is_expert_account(user):
        raise ValidationError({"user": [_("This account does not hold the role of expert.")]})
    if user is not None and not name:
        name = display_name(user)
    clean_name = library.clean_text(name, "name", limit=200)
    clean_disciplines = _clean_disciplines(list(disciplines) if disciplines else [])
    clean_affiliation = library.clean_text(affiliation, "affiliation", limit=200)
    with transaction.atomic():
        app, locked = _locked_review(review)
        _require_status(
            locked,
            ExpertReview.Status.REQUESTED,
            _("Experts can be added only before the panel is formed."),
        )
        if locked.panel.count() >= MAX_EXPERTS:
            raise ValidationError(_("This panel is full."))
        try:
            with transaction.atomic():
                seat = PanelExpert.objects.create(
                    review=locked,
                    user=user,
                    name=clean_name,
                    disciplines=clean_disciplines,
                    affiliation=clean_affiliation,
                )
        except IntegrityError as exc:
            raise ValidationError({"user": [_("This expert is already on the panel.")]}) from exc
        timeline.record(
            app,
            actor=actor,
            kind="expert_added",
            payload={"review": locked.pk, "seat": seat.pk, "disciplines": clean_disciplines},
        )
        if user is not None:
            notifications_services.notify(
                [user],
                application=app,
                message=gettext_noop(
                    "You are named to the expert re-review panel of {reference}: "
                    "declare your interests."
                ),
                params={"reference": app.reference},
                url=f"/reviews/expert/seats/{seat.pk}/",
            )
    return seat


def panel_remove(*, actor: User, seat: PanelExpert) -> None:
    """The authority takes an expert off a panel not yet formed."""
    review = seat.review
    _check_authority(actor, review)
    with transaction.atomic():
        app, locked = _locked_review(review)
        _require_status(
            locked,
            ExpertReview.Status.REQUESTED,
            _("Experts can be removed only before the panel is formed."),
        )
        deleted, _detail = PanelExpert.objects.filter(pk=seat.pk, review=locked).delete()
        if not deleted:
            raise ValidationError(_("This expert is no longer on the panel."))
        timeline.record(
            app, actor=actor, kind="expert_removed", payload={"review": locked.pk, "seat": seat.pk}
        )


def _clean_interests(value: Any) -> list[dict[str, str]]:
    if value is None:
        value = []
    if not isinstance(value, list) or len(value) > library.MAX_LIST:
        raise ValidationError({"interests": [_("Give a list of at most 100 entries.")]})
    out = []
    for item in value:
        if not isinstance(item, dict):
            raise ValidationError(
                {"interests": [_("Each interest names a party and describes it.")]}
            )
        party = library.clean_text(item.get("party"), "interests", limit=200)
        description = library.clean_text(item.get("description"), "interests", limit=1000)
        out.append({"party": party, "description": description})
    return out


def interests_declare(*, actor: User, seat: PanelExpert, interests: Any) -> PanelExpert:
    """An expert declares their interests (an empty list: none); Measures 2023 Art. 28.

    The expert declares on their own seat; for an expert without an account
    the authority records the declaration on their behalf. Declarations close
    when the panel is formed (``expert_panel.interests_declared``); where the
    rules let a panel form without every declaration, an expert who has not
    declared still declares (before voting) while the panel sits.
    """
    review = seat.review
    own = seat.user_id is not None and seat.user_id == getattr(actor, "pk", None)
    on_behalf = seat.user_id is None and selectors.is_authority(actor, review)
    if not (own or on_behalf):
        raise PermissionDenied(_("Only the expert may declare their interests."))
    declared = _clean_interests(interests)
    with transaction.atomic():
        app, locked = _locked_review(review)
        seat = PanelExpert.objects.select_for_update().get(pk=seat.pk)
        late = (
            locked.status == ExpertReview.Status.PANEL_FORMED
            and not seat.interests_declared
            and not seat.view
        )
        if not late:
            _require_status(
                locked,
                ExpertReview.Status.REQUESTED,
                _("Interests are declared before the panel is formed."),
            )
        seat.interests_declared = True
        seat.interests = declared
        seat.save(update_fields=["interests_declared", "interests"])
        timeline.record(
            app,
            actor=actor,
            kind="expert_interests_declared",
            payload={"review": locked.pk, "seat": seat.pk, "interests": len(declared)},
        )
    return seat


def panel_form(*, actor: User, review: ExpertReview) -> ExpertReview:
    """The authority forms the panel; every failing check is listed with its citation.

    ``expert_panel.min_size``, ``expert_panel.disciplines``,
    ``expert_panel.excludes_first_committee`` and
    ``expert_panel.interests_declared`` (Measures 2023 Art. 28).
    """
    _check_authority(actor, review)
    with transaction.atomic():
        app, locked = _locked_review(review)
        _require_status(
            locked, ExpertReview.Status.REQUESTED, _("The panel has already been formed.")
        )
        check = panel_check(locked)
        if not check.ok:
            raise library.findings_error(check)
        locked.status = ExpertReview.Status.PANEL_FORMED
        locked.save(update_fields=["status"])
        timeline.bump(app)
        timeline.record(
            app,
            actor=actor,
            kind="expert_panel_formed",
            payload={"review": locked.pk, "size": check.size},
        )
        notifications_services.notify(
            [s.user for s in locked.panel.exclude(user=None).select_related("user")],
            application=app,
            message=gettext_noop(
                "The expert panel on {reference} is formed: give your view on the preliminary "
                "opinion."
            ),
            params={"reference": app.reference},
            url=_url(locked),
        )
    return locked


def expert_vote(*, actor: User, seat: PanelExpert, view: str, comment: str = "") -> PanelExpert:
    """The expert gives their view (``agree`` / ``disagree``) once, while the panel sits."""
    if seat.user_id is None or seat.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Only the expert on this seat may vote."))
    if view not in lib.EXPERT_VIEWS:
        raise ValidationError({"view": [_("Choose agree or disagree.")]})
    note = library.clean_text(comment, "comment", required=False, limit=5000)
    with transaction.atomic():
        app, locked = _locked_review(seat.review)
        _require_status(
            locked,
            ExpertReview.Status.PANEL_FORMED,
            _("Votes are taken only while the panel sits."),
        )
        seat = PanelExpert.objects.select_for_update().get(pk=seat.pk)
        if seat.view:
            raise ValidationError(_("You have already voted."))
        if not seat.interests_declared:
            # expert_panel.interests_declared, Measures 2023 Art. 28: declare, then vote.
            raise ValidationError(_("Declare your interests before voting."))
        seat.view = view
        seat.comment = note
        seat.voted_at = timeline.now()
        seat.save(update_fields=["view", "comment", "voted_at"])
        timeline.record(
            app, actor=actor, kind="expert_voted", payload={"review": locked.pk, "seat": seat.pk}
        )
    return seat


def panel_conclude(*, actor: User, review: ExpertReview, reasons: Any = "") -> ExpertReview:
    """The authority closes the re-review; the committee's final decision follows the opinion.

    ``expert_panel.threshold`` (Measures 2023 Art. 30): agree or disagree by at
    least that share of the **whole** panel, absent experts counting against.
    ``agree`` → the preliminary decision becomes final; ``disagree`` → not
    approved, for the panel's ``reasons`` (required).
    """
    _check_authority(actor, review)
    why = library.clean_strings(reasons or [], "reasons", limit=1000)
    with transaction.atomic():
        app, locked = _locked_review(review)
        _require_status(
            locked,
            ExpertReview.Status.PANEL_FORMED,
            _("Only a formed panel can conclude."),
        )
        outcome = panel_outcome(locked)
        if outcome.opinion is None:
            raise library.findings_error(outcome)
        details: dict[str, object] = {"expert_review": locked.pk, "opinion": outcome.opinion}
        if outcome.opinion == "agree":
            applications_services.decision_record(
                app,
                actor=actor,
                decision=locked.preliminary_decision,
                basis="expert",
                required_changes=list(app.required_changes or []),
                reasons=list(app.reasons or []),
                details=details,
            )
        else:
            if not why:
                raise ValidationError({"reasons": [_("Give the panel's reasons for disagreeing.")]})
            applications_services.decision_record(
                app,
                actor=actor,
                decision="not_approve",
                basis="expert",
                reasons=why,
                details=details,
            )
        locked.status = ExpertReview.Status.CONCLUDED
        locked.opinion = outcome.opinion
        locked.outcome = {**outcome.to_json("en"), "reasons": why}
        locked.concluded_at = timeline.now()
        locked.save(update_fields=["status", "opinion", "outcome", "concluded_at"])
        timeline.record(
            app,
            actor=actor,
            kind="expert_review_concluded",
            payload={
                "review": locked.pk,
                "opinion": outcome.opinion,
                "agree": outcome.agree,
                "disagree": outcome.disagree,
                "absent": outcome.absent,
                "size": outcome.size,
            },
        )
        notifications_services.notify(
            [
                *notifications_selectors.chairs_of(app.body),
                *[s.user for s in locked.panel.exclude(user=None).select_related("user")],
            ],
            application=app,
            message=gettext_noop("The expert re-review of {reference} concluded: {opinion}."),
            params={"reference": app.reference, "opinion": outcome.opinion},
            url=_url(locked),
        )
    return locked


def list_update_propose(*, actor: User, review: ExpertReview, proposal: str) -> ExpertReview:
    """The authority records a proposal to update the expert re-review list from the outcome."""
    _check_authority(actor, review)
    text = library.clean_text(proposal, "proposal", limit=5000)
    with transaction.atomic():
        app, locked = _locked_review(review)
        _require_status(
            locked,
            ExpertReview.Status.CONCLUDED,
            _("A proposal follows the conclusion of the re-review."),
        )
        locked.list_update_proposal = text
        locked.save(update_fields=["list_update_proposal"])
        timeline.record(
            app, actor=actor, kind="list_update_proposed", payload={"review": locked.pk}
        )
    return locked

"""After the decision: follow-up reviews, risk changes, resubmissions, suspension, termination.

An approved activity stays under the review body's watch:

- a **scheduled follow-up** review at most ``follow_up.interval_months``
  months after approval, ``follow_up.listed_interval_months`` for an activity
  on the expert re-review list (Measures 2023 Art. 18 and 32 as the rules cite
  them); :func:`decisions.decision_record` schedules it, :func:`follow_up_remind`
  reminds, :func:`follow_up_report` opens the follow-up review;
- a **risk change** reported by the applicant reopens review
  (:func:`risk_change_report`);
- after a decision to **re-review after modification** the applicant starts a
  resubmission from a copy of the application (:func:`resubmission_create`);
- the chair may **suspend**, **resume** or **terminate** an approved activity
  (:func:`activity_suspend`, :func:`activity_resume`, :func:`activity_terminate`).

Each new review is a new :class:`Application` (``kind`` follow_up, risk_change
or resubmission) pointing at the earlier one through ``previous``."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tianping.web.core import timezones
from tianping.web.reviews import library, timeline
from tianping.web.reviews.aftercare.selectors import (
    _is_approved_activity,
    follow_ups_due,
    open_later_review,
)
from tianping.web.reviews.applications import selectors as applications_selectors
from tianping.web.reviews.applications import services as applications_services
from tianping.web.reviews.bodies import selectors as bodies_selectors
from tianping.web.reviews.models import (
    Application,
    Attachment,
    Comment,
    DecisionType,
    FollowUp,
)
from tianping.web.reviews.notifications import selectors as notifications_selectors
from tianping.web.reviews.notifications import services as notifications_services

REMIND_EVERY = timedelta(days=7)
"""A follow-up is reminded of at most once in this period (a platform setting, not a rule)."""


MAX_REPORT = 10000
"""The longest report accepted (the length of ``FollowUp.report``)."""


def _url(application: Application) -> str:
    return notifications_selectors.application_url(application)


def follow_up_remind(today: date | None = None, *, within_days: int = 30) -> int:
    """Remind applicants and chairs of follow-ups due soon or overdue; return how many reminded.

    Each follow-up is reminded of at most once a week (``FollowUp.reminded_at``),
    however often this runs; each reminder goes to the applicants and the chairs.
    """
    given_day = today
    today = today or timezones.today()
    sent = 0
    for candidate in follow_ups_due(today, within_days=within_days):
        with transaction.atomic():
            follow_up = (
                FollowUp.objects.select_for_update(of=("self",))
                .select_related("application__body__organisation", "application__system")
                .get(pk=candidate.pk)
            )
            application = follow_up.application
            # The due day is a day of the body's calendar: overdue once that day is over there.
            zone = timezones.zone_of(application.body.organisation)
            day = given_day or timezones.today(zone)
            last = follow_up.reminded_at
            if last is not None and timezones.local_date(last, zone) > day - REMIND_EVERY:
                continue
            if follow_up.review_id is not None or follow_up.due_on is None:
                continue
            overdue = follow_up.due_on < day
            message = (
                gettext_noop("The follow-up review of {reference} was due on {due}: it is overdue.")
                if overdue
                else gettext_noop("The follow-up review of {reference} is due on {due}.")
            )
            params = {"reference": application.reference, "due": follow_up.due_on.isoformat()}
            notifications_services.notify(
                [
                    *notifications_selectors.applicants_of(application),
                    *notifications_selectors.chairs_of(application.body),
                ],
                application=application,
                message=message,
                params=params,
                url=_url(application),
            )
            follow_up.reminded_at = timeline.now()
            follow_up.save(update_fields=["reminded_at"])
            timeline.record(
                application,
                actor=None,
                kind="follow_up_reminded",
                payload={
                    "follow_up": follow_up.pk,
                    "due_on": follow_up.due_on.isoformat(),
                    "overdue": overdue,
                },
            )
            sent += 1
    return sent


def _copy_attachments(source: Application, target: Application, actor: Any) -> int:
    copies = [
        Attachment(
            application=target,
            kind=a.kind,
            name=a.name,
            content_type=a.content_type,
            size=a.size,
            sha256=a.sha256,
            data=bytes(a.data) if a.data is not None else None,
            waived_reason=a.waived_reason,
            evidence_id=a.evidence_id,
            uploaded_by=actor,
        )
        for a in source.attachments.all()
    ]
    Attachment.objects.bulk_create(copies)
    return len(copies)


def _new_review(
    application: Application,
    *,
    actor: User,
    kind: str,
    report: str,
) -> Application:
    now = timeline.now()
    self_assessment = dict(application.self_assessment or {})
    self_assessment["report"] = report
    later = Application.objects.create(
        reference=applications_services.new_reference(),
        system=application.system,
        organisation=application.organisation,
        body=application.body,
        entrustment=application.entrustment,
        kind=kind,
        previous=application,
        title=application.title,
        summary=application.summary,
        team=list(application.team or []),
        parties=list(application.parties or []),
        self_assessment=self_assessment,
        tier=application.tier,
        listed_activity=application.listed_activity,
        status=Application.Status.SUBMITTED,
        submitted_by=actor,
        submitted_at=now,
        created_by=actor,
    )
    _copy_attachments(application, later, actor)
    return later


def _check_applicant(actor: User, application: Application) -> None:
    if not applications_selectors.is_applicant(actor, application):
        raise PermissionDenied(_("Only the applicant may do this."))


def follow_up_report(
    *,
    actor: User,
    follow_up: FollowUp,
    report: str,
    expected_version: int | None = None,
) -> Application:
    """The applicant reports on a scheduled follow-up; a follow-up review opens.

    A new application (kind ``follow_up``) of the same system, organisation and
    review body, ``previous`` the approved one, is submitted with the report in
    its self-assessment and the earlier attachments; when it is approved in
    turn, :func:`decisions.decision_record` schedules the next follow-up
    (``follow_up.interval_months`` / ``follow_up.listed_interval_months``,
    Measures 2023 Art. 18, 32).
    """
    application = follow_up.application
    _check_applicant(actor, application)
    text = library.clean_text(report, "report", limit=MAX_REPORT)
    if follow_up.kind != FollowUp.Kind.SCHEDULED:
        raise ValidationError(_("This is not a scheduled follow-up review."))
    with transaction.atomic():
        app = timeline.locked(application.pk, expected_version=expected_version)
        fu = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if fu.review_id is not None:
            raise ValidationError(_("This follow-up has already been reported."))
        if app.status not in (Application.Status.DECIDED, Application.Status.SUSPENDED):
            raise ValidationError(_("Only an approved activity has follow-up reviews."))
        if not app.is_approved:
            raise ValidationError(_("Only an approved activity has follow-up reviews."))
        if open_later_review(app) is not None:
            raise ValidationError(_("A review of this activity is already open."))
        later = _new_review(app, actor=actor, kind=Application.Kind.FOLLOW_UP, report=text)
        fu.report = text
        fu.reported_by = actor
        fu.reported_at = timeline.now()
        fu.review = later
        try:
            with transaction.atomic():
                fu.save(update_fields=["report", "reported_by", "reported_at", "review"])
        except IntegrityError as exc:
            raise ValidationError(_("This follow-up has already been reported.")) from exc
        timeline.bump(app)
        payload = {"follow_up": fu.pk, "review": later.reference}
        timeline.record(app, actor=actor, kind="follow_up_reported", payload=payload)
        timeline.record(
            later,
            actor=actor,
            kind="submitted",
            payload={"kind": later.kind, "previous": app.reference, "follow_up": fu.pk},
        )
        notifications_services.notify(
            notifications_selectors.chairs_of(app.body),
            application=later,
            message=gettext_noop("Follow-up review {reference} submitted for {previous}."),
            params={"reference": later.reference, "previous": app.reference},
            url=_url(later),
        )
    return later


def risk_change_report(
    *,
    actor: User,
    application: Application,
    report: str,
    expected_version: int | None = None,
) -> Application:
    """The applicant of an approved activity reports a change of its risk; review reopens.

    Records a :class:`FollowUp` (kind ``risk_change``) with the report and
    submits a new application (kind ``risk_change``) to the same review body.
    """
    _check_applicant(actor, application)
    text = library.clean_text(report, "report", limit=MAX_REPORT)
    with transaction.atomic():
        app = timeline.locked(application.pk, expected_version=expected_version)
        if not _is_approved_activity(app):
            raise ValidationError(_("Only an approved activity under way can report a change."))
        if open_later_review(app) is not None:
            raise ValidationError(_("A review of this activity is already open."))
        later = _new_review(app, actor=actor, kind=Application.Kind.RISK_CHANGE, report=text)
        fu = FollowUp.objects.create(
            application=app,
            kind=FollowUp.Kind.RISK_CHANGE,
            report=text,
            reported_by=actor,
            reported_at=timeline.now(),
            review=later,
        )
        timeline.bump(app)
        timeline.record(
            app,
            actor=actor,
            kind="risk_change_reported",
            payload={"follow_up": fu.pk, "review": later.reference},
        )
        timeline.record(
            later,
            actor=actor,
            kind="submitted",
            payload={"kind": later.kind, "previous": app.reference, "follow_up": fu.pk},
        )
        notifications_services.notify(
            notifications_selectors.chairs_of(app.body),
            application=later,
            message=gettext_noop("Risk change reported for {previous}: review {reference} opened."),
            params={"reference": later.reference, "previous": app.reference},
            url=_url(later),
        )
    return later


def resubmission_create(
    *,
    actor: User,
    application: Application,
    expected_version: int | None = None,
) -> Application:
    """A draft re-review application after a decision to re-review after modification.

    Title, summary, team, parties, self-assessment and attachments (their
    bytes) are copied, so the applicant changes only what was asked and
    submits the draft as any other.
    """
    _check_applicant(actor, application)
    with transaction.atomic():
        app = timeline.locked(application.pk, expected_version=expected_version)
        if (
            app.status != Application.Status.DECIDED
            or app.decision != DecisionType.RE_REVIEW_AFTER_MODIFICATION
        ):
            raise ValidationError(
                _("Only an application to re-review after modification can be resubmitted.")
            )
        if (
            app.later.filter(kind=Application.Kind.RESUBMISSION)
            .exclude(status=Application.Status.WITHDRAWN)
            .exists()
        ):
            raise ValidationError(_("A resubmission of this application already exists."))
        draft = Application.objects.create(
            reference=applications_services.new_reference(),
            system=app.system,
            organisation=app.organisation,
            body=app.body,
            entrustment=app.entrustment,
            kind=Application.Kind.RESUBMISSION,
            previous=app,
            title=app.title,
            summary=app.summary,
            team=list(app.team or []),
            parties=list(app.parties or []),
            self_assessment=dict(app.self_assessment or {}),
            tier=app.tier,
            listed_activity=app.listed_activity,
            status=Application.Status.DRAFT,
            created_by=actor,
        )
        copied = _copy_attachments(app, draft, actor)
        timeline.bump(app)
        timeline.record(
            app, actor=actor, kind="resubmission_created", payload={"review": draft.reference}
        )
        timeline.record(
            draft,
            actor=actor,
            kind="created",
            payload={"kind": draft.kind, "previous": app.reference, "attachments": copied},
        )
    return draft


def _status_change(
    *,
    actor: User,
    application: Application,
    reason: str,
    expected_version: int | None,
    allowed_from: tuple[str, ...],
    to: str,
    kind: str,
    message: str,
    refused: str,
) -> Application:
    if not bodies_selectors.can_chair(actor, application.body):
        raise PermissionDenied(_("Only the chair of the review body may do this."))
    why = library.clean_text(reason, "reason", limit=2000)
    with transaction.atomic():
        app = timeline.locked(application.pk, expected_version=expected_version)
        if app.status not in allowed_from or not app.is_approved:
            raise ValidationError(refused)
        before = app.status
        app.status = to
        timeline.bump(app, ["status"])
        # The reason is kept as a note of the chair on the application; the ledger
        # holds its digest, never the text itself.
        note = Comment.objects.create(
            application=app, kind=Comment.Kind.NOTE, body=why, author=actor
        )
        timeline.record(
            app,
            actor=actor,
            kind=kind,
            payload={
                "from": before,
                "to": to,
                "reason_note": note.pk,
                "reason_sha256": hashlib.sha256(why.encode("utf-8")).hexdigest(),
            },
        )
        notifications_services.notify(
            notifications_selectors.applicants_of(app),
            application=app,
            message=message,
            params={"reference": app.reference, "reason": why},
            url=_url(app),
        )
    return app


def activity_suspend(
    *,
    actor: User,
    application: Application,
    reason: str,
    expected_version: int | None = None,
) -> Application:
    """The chair suspends an approved activity (decided → suspended); a reason is required."""
    return _status_change(
        actor=actor,
        application=application,
        reason=reason,
        expected_version=expected_version,
        allowed_from=(Application.Status.DECIDED,),
        to=Application.Status.SUSPENDED,
        kind="activity_suspended",
        message=gettext_noop("The activity of {reference} is suspended: {reason}"),
        refused=_("Only an approved activity under way can be suspended."),
    )


def activity_resume(
    *,
    actor: User,
    application: Application,
    reason: str,
    expected_version: int | None = None,
) -> Application:
    """The chair lets a suspended activity resume (suspended → decided); a reason is required."""
    return _status_change(
        actor=actor,
        application=application,
        reason=reason,
        expected_version=expected_version,
        allowed_from=(Application.Status.SUSPENDED,),
        to=Application.Status.DECIDED,
        kind="activity_resumed",
        message=gettext_noop("The activity of {reference} may resume: {reason}"),
        refused=_("Only a suspended activity can resume."),
    )


def activity_terminate(
    *,
    actor: User,
    application: Application,
    reason: str,
    expected_version: int | None = None,
) -> Application:
    """The chair terminates an approved or suspended activity; final, a reason is required."""
    return _status_change(
        actor=actor,
        application=application,
        reason=reason,
        expected_version=expected_version,
        allowed_from=(Application.Status.DECIDED, Application.Status.SUSPENDED),
        to=Application.Status.TERMINATED,
        kind="activity_terminated",
        message=gettext_noop("The activity of {reference} is terminated: {reason}"),
        refused=_("Only an approved activity, under way or suspended, can be terminated."),
    )

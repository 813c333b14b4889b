"""Applications for ethics review: drafting, the bundle, submission, acceptance, deadlines.

The applicant drafts an application for one AI system; it goes to the
organisation's own ethics committee, else to the review centre it entrusted
in writing. The self-assessment is pre-filled from the system's intake. On
submission the bundle of Measures 2023 Art. 9 is checked; an incomplete
application gets **one** notice listing everything missing (Art. 10). The
chair accepts, names the procedure, and the decision deadline runs from then."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tianping import review as lib
from tianping.web.accounts.selectors import users_in
from tianping.web.assessments.models import Evidence
from tianping.web.core.timezones import format_in_zone_of, local, local_date, zone_of
from tianping.web.reviews import library, timeline
from tianping.web.reviews.applications import selectors, services
from tianping.web.reviews.applications.selectors import (
    OTHER_LABEL,
    SELF_ASSESSMENT_ITEM,
    _bundle_item,
    _item_json,
    _rules,
    _self_assessment,
    attachment_kinds,
    bundle,
    conflict_application,
    deadline_unit,
    due_at,
    missing_items,
)
from tianping.web.reviews.bodies import selectors as bodies_selectors
from tianping.web.reviews.bodies.selectors import competent_authority
from tianping.web.reviews.files import read_upload
from tianping.web.reviews.models import (
    Application,
    Attachment,
    DecisionType,
    Declaration,
    Entrustment,
    ExpertReview,
    Extension,
    FollowUp,
    Procedure,
    ReviewBody,
)
from tianping.web.reviews.notifications import selectors as notifications_selectors
from tianping.web.reviews.notifications import services as notifications_services
from tianping.web.systems.models import AISystem, Tier

Status = Application.Status


def new_reference() -> str:
    """A fresh application reference, ``ER-2026-7F3A9C``: year and six random hex digits."""
    import secrets

    year = timezone.localdate().year
    for _attempt in range(20):
        reference = f"ER-{year}-{secrets.token_hex(3).upper()}"
        if not Application.objects.filter(reference=reference).exists():
            return reference
    raise RuntimeError("could not find a free application reference")


Kind = Application.Kind


EDITABLE = (Status.DRAFT, Status.INCOMPLETE)


WITHDRAWABLE = (Status.DRAFT, Status.SUBMITTED, Status.INCOMPLETE)


MAX_ATTACHMENTS = 100


# Input bounds of one extension (not a rule: the rules set no maximum, this only keeps
# the arithmetic of dates in range).
MAX_EXTENSION = {"days": 3650, "hours": 24 * 3650}
"""The longest extension of a deadline, by unit; the form and the API take at most the hours."""


def _url(application: Application) -> str:
    return notifications_selectors.application_url(application)


def _people(value: Any, field: str) -> list[str]:
    return library.clean_strings(list(value) if isinstance(value, tuple) else value, field)


def application_create(
    *,
    actor: User,
    system: AISystem,
    title: str,
    summary: str = "",
    team: Sequence[str] = (),
    parties: Sequence[str] = (),
    previous: Application | None = None,
    kind: str = Kind.INITIAL,
) -> Application:
    """Draft an application for ``system``, routed to the body that reviews its organisation.

    Follow-up and risk-change reviews (``kind`` ``follow_up`` / ``risk_change``)
    of an approved application are opened already submitted, without the
    bundle check: they go to the body that approved it.
    """
    organisation = system.organisation
    follow_up = kind in (Kind.FOLLOW_UP, Kind.RISK_CHANGE)
    if kind not in Kind.values:
        raise ValidationError({"kind": [_("Unknown kind of application.")]})
    allowed = selectors.can_apply(actor, organisation) or (
        follow_up and previous is not None and bodies_selectors.can_chair(actor, previous.body)
    )
    if not allowed:
        raise PermissionDenied(_("You cannot apply for ethics review for this organisation."))
    title = library.clean_text(title, "title", limit=300)
    summary = library.clean_text(summary, "summary", required=False, limit=5000)
    team_list = _people(team, "team")
    party_list = _people(parties, "parties")
    if previous is not None and previous.system_id != system.pk:
        raise ValidationError({"previous": [_("The earlier application concerns another system.")]})
    if kind != Kind.INITIAL and previous is None:
        raise ValidationError({"previous": [_("Name the earlier application.")]})
    if follow_up and previous is not None and not previous.is_approved:
        raise ValidationError({"previous": [_("Only an approved activity has follow-up reviews.")]})
    intake = system.latest_intake
    if intake is None:
        raise ValidationError(
            {
                "system": [
                    _(
                        "Answer the system's intake questionnaire first: the application's "
                        "risk self-assessment starts from it."
                    )
                ]
            }
        )
    body: ReviewBody | None
    entrustment: Entrustment | None
    if previous is not None and kind != Kind.INITIAL:
        body, entrustment = previous.body, previous.entrustment
    else:
        body, entrustment = bodies_selectors.route(organisation)
    if body is None:
        raise ValidationError(
            {
                "system": [
                    _(
                        "{organisation} has no ethics committee of its own and has not entrusted "
                        "a review centre. Set up a committee, or entrust a review centre in "
                        "writing and record the entrustment, before applying."
                    ).format(organisation=organisation.name)
                ]
            }
        )
    now = timezone.now()
    with transaction.atomic():
        fields: dict[str, Any] = {
            "system": system,
            "organisation": organisation,
            "body": body,
            "entrustment": entrustment,
            "kind": kind,
            "previous": previous,
            "title": title,
            "summary": summary,
            "team": team_list,
            "parties": party_list,
            "self_assessment": _self_assessment(system),
            "tier": intake.tier,
            "list_version": intake.list_version,
            "listed_activity": intake.expert_review_required,
            "created_by": actor,
        }
        if follow_up:
            fields.update(status=Status.SUBMITTED, submitted_by=actor, submitted_at=now)
        application = None
        for _attempt in range(3):
            try:
                with transaction.atomic():
                    application = Application.objects.create(
                        reference=services.new_reference(), **fields
                    )
                break
            except IntegrityError:
                continue
        if application is None:
            raise ValidationError(_("Could not allocate a reference; please try again."))
        timeline.record(
            application,
            actor=actor,
            kind="created",
            payload={
                "kind": kind,
                "body": body.pk,
                "entrustment": entrustment.pk if entrustment else None,
                "intake": intake.pk,
                "tier": intake.tier,
                "listed_activity": intake.expert_review_required,
                "previous": previous.reference if previous else None,
            },
        )
        if follow_up:
            notifications_services.notify(
                notifications_selectors.chairs_of(body),
                message=gettext_noop("Application {reference} was opened for review ({kind})."),
                application=application,
                params={"reference": application.reference, "kind": kind},
                url=_url(application),
            )
    return application


def _check_applicant(actor: User, application: Application) -> None:
    if not selectors.is_applicant(actor, application):
        raise PermissionDenied(_("Only the applicant organisation may change this application."))


def _check_editable(application: Application) -> None:
    if application.status not in EDITABLE:
        raise ValidationError(
            _("The application can no longer be changed (status: {status}).").format(
                status=application.get_status_display()
            )
        )


def application_update(
    *,
    actor: User,
    application: Application,
    expected_version: int | None,
    **fields: Any,
) -> Application:
    """Change the title, summary, team or other parties of a draft or incomplete application."""
    _check_applicant(actor, application)
    unknown = set(fields) - {"title", "summary", "team", "parties"}
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    data: dict[str, Any] = {}
    if "title" in fields:
        data["title"] = library.clean_text(fields["title"], "title", limit=300)
    if "summary" in fields:
        data["summary"] = library.clean_text(
            fields["summary"], "summary", required=False, limit=5000
        )
    for name in ("team", "parties"):
        if name in fields:
            data[name] = _people(fields[name], name)
    with transaction.atomic():
        app = timeline.locked(application.pk, expected_version=expected_version)
        _check_editable(app)
        changed = sorted(name for name, value in data.items() if getattr(app, name) != value)
        if not changed:
            return app
        for name in changed:
            setattr(app, name, data[name])
        timeline.bump(app, changed)
        timeline.record(app, actor=actor, kind="updated", payload={"fields": changed})
    return app


def self_assessment_update(
    *,
    actor: User,
    application: Application,
    expected_version: int | None,
    risks: str,
    controls: str,
    residual_risk: str,
) -> Application:
    """Complete the risk self-assessment: the risks, their controls and the residual risk."""
    _check_applicant(actor, application)
    risks = library.clean_text(risks, "risks", limit=5000)
    controls = library.clean_text(controls, "controls", limit=5000)
    if residual_risk not in Tier.values:
        raise ValidationError({"residual_risk": [_("Choose low, medium or high.")]})
    with transaction.atomic():
        app = timeline.locked(application.pk, expected_version=expected_version)
        _check_editable(app)
        sa = dict(app.self_assessment or {})
        sa.update(risks=risks, controls=controls, residual_risk=residual_risk, completed=True)
        app.self_assessment = sa
        timeline.bump(app, ["self_assessment"])
        timeline.record(
            app,
            actor=actor,
            kind="self_assessment_updated",
            payload={"residual_risk": residual_risk},
        )
    return app


def _check_kind(application: Application, kind: Any) -> str:
    # application.bundle, Measures 2023 Art. 9: the typed items; plus evidence / other.
    if not isinstance(kind, str) or kind not in attachment_kinds(application):
        raise ValidationError({"kind": [_("Unknown attachment type.")]})
    if kind == SELF_ASSESSMENT_ITEM:
        raise ValidationError(
            {"kind": [_("Complete the risk self-assessment form instead of uploading it.")]}
        )
    return kind


def _check_room(app: Application) -> None:
    if app.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(
            _("An application has at most {n} attachments.").format(n=MAX_ATTACHMENTS)
        )


def attachment_add(
    *,
    actor: User,
    application: Application,
    kind: str,
    upload: UploadedFile[bytes],
    expected_version: int | None = None,
) -> Attachment:
    """Attach a file as one typed item; its type is decided by its content."""
    _check_applicant(actor, application)
    kind = _check_kind(application, kind)
    if upload is None:
        raise ValidationError({"file": [_("Choose a file.")]})
    checked = read_upload(upload, field="file")
    with transaction.atomic():
        app = timeline.locked(application.pk, expected_version=expected_version)
        _check_editable(app)
        _check_room(app)
        app.attachments.filter(kind=kind).exclude(waived_reason="").delete()
        attachment = Attachment.objects.create(
            application=app,
            kind=kind,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            data=checked.data,
            uploaded_by=actor,
        )
        timeline.bump(app)
        timeline.record(
            app,
            actor=actor,
            kind="attachment_added",
            payload={
                "attachment": attachment.pk,
                "type": kind,
                "size": checked.size,
                "sha256": checked.sha256,
            },
        )
    return attachment


def attachment_waive(
    *,
    actor: User,
    application: Application,
    kind: str,
    reason: str,
    expected_version: int | None = None,
) -> Attachment:
    """Mark a waivable bundle item not applicable, with the reason (e.g. no participants)."""
    _check_applicant(actor, application)
    kind = _check_kind(application, kind)
    item = _bundle_item(application, kind)
    # application.bundle, Measures 2023 Art. 9 (四): only a waivable item may be marked
    # not applicable, and only with a reason.
    if item is None or not item.waivable:
        raise ValidationError({"kind": [_("This item cannot be marked not applicable.")]})
    reason = library.clean_text(reason, "reason", limit=1000)
    with transaction.atomic():
        app = timeline.locked(application.pk, expected_version=expected_version)
        _check_editable(app)
        if app.attachments.filter(kind=kind, waived_reason="").exists():
            raise ValidationError(
                {"kind": [_("A file of this type is attached; remove it first.")]}
            )
        app.attachments.filter(kind=kind).delete()
        attachment = Attachment.objects.create(
            application=app, kind=kind, waived_reason=reason, uploaded_by=actor
        )
        timeline.bump(app)
        timeline.record(
            app,
            actor=actor,
            kind="attachment_waived",
            payload={"attachment": attachment.pk, "type": kind},
        )
    return attachment


def attachment_remove(
    *,
    actor: User,
    application: Application,
    attachment: Attachment,
    expected_version: int | None = None,
) -> None:
    """Remove an attachment or a waiver from a draft or incomplete application."""
    _check_applicant(actor, application)
    if attachment.application_id != application.pk:
        raise ValidationError(_("This attachment belongs to another application."))
    with transaction.atomic():
        app = timeline.locked(application.pk, expected_version=expected_version)
        _check_editable(app)
        deleted, _rows = Attachment.objects.filter(pk=attachment.pk, application=app).delete()
        if not deleted:
            raise ValidationError(_("The attachment was already removed."))
        timeline.bump(app)
        timeline.record(
            app,
            actor=actor,
            kind="attachment_removed",
            payload={"attachment": attachment.pk, "type": attachment.kind},
        )


def evidence_attach(
    *,
    actor: User,
    application: Application,
    evidence: Evidence,
    expected_version: int | None = None,
) -> Attachment:
    """Attach evidence filed on the platform (e.g. a bias assessment) for the same system."""
    _check_applicant(actor, application)
    if not isinstance(evidence, Evidence) or evidence.system_id != application.system_id:
        raise ValidationError({"evidence": [_("Choose evidence filed for this system.")]})
    with transaction.atomic():
        app = timeline.locked(application.pk, expected_version=expected_version)
        _check_editable(app)
        _check_room(app)
        if app.attachments.filter(evidence=evidence).exists():
            raise ValidationError({"evidence": [_("This evidence is already attached.")]})
        attachment = Attachment.objects.create(
            application=app,
            kind="evidence",
            evidence=evidence,
            name=evidence.title[:200],
            content_type="application/json",
            sha256=evidence.sha256,
            uploaded_by=actor,
        )
        timeline.bump(app)
        timeline.record(
            app,
            actor=actor,
            kind="evidence_attached",
            payload={
                "attachment": attachment.pk,
                "evidence": evidence.pk,
                "sha256": evidence.sha256,
            },
        )
    return attachment


def _missing_error(
    items: list[dict[str, Any]], sent_at: Any, application: Application
) -> ValidationError:
    lang = library.language()
    labels = [
        (i["label"].get("en") if lang == "en" else i["label"].get("zh-Hans")) or i["id"]
        for i in items
    ]
    return ValidationError(
        {
            "attachments": [
                _(
                    "The application is still incomplete. The one notice of missing materials "
                    "was sent on {date}; supply everything it lists before submitting again. "
                    "Missing: {items}."
                ).format(
                    date=format_in_zone_of(sent_at, application.body.organisation, with_time=False),
                    items="; ".join(labels),
                )
            ]
        }
    )


def _notice_send(
    app: Application,
    *,
    actor: User,
    now: datetime,
    rules: lib.RuleSet,
    items: list[dict[str, Any]],
    text: Any,
    by: str,
    kind: str,
    message: str,
    requested: list[str] | None = None,
    note: str = "",
    also: Sequence[str] = (),
) -> None:
    """Send the one notice listing every missing item (rule ``application.single_notice``,
    Measures 2023 Art. 10): the application becomes ``incomplete``, the timeline has
    ``kind``, the applicants are told ``message``. ``also``: other fields set and saved."""
    app.notice = {
        "items": items,
        "text": text,
        "requested": requested or [],
        "note": note,
        "by": by,
        "rule": "application.single_notice",
        "citation": rules["application.single_notice"].citation.to_json(),
    }
    app.notice_sent_at = now
    app.status = Status.INCOMPLETE
    timeline.bump(app, ["notice", "notice_sent_at", "status", *also])
    timeline.record(
        app,
        actor=actor,
        kind=kind,
        payload={"missing": [i["id"] for i in items], "count": len(items)},
    )
    notifications_services.notify(
        notifications_selectors.applicants_of(app),
        message=message,
        application=app,
        params={"reference": app.reference, "count": len(items)},
        url=_url(app),
    )


def application_submit(
    *, actor: User, application: Application, expected_version: int | None
) -> Application:
    """Submit the application.

    Complete: status ``submitted`` and the chairs are told. Incomplete on the
    first try: status ``incomplete`` and ONE notice listing every missing item
    goes to the applicant (rule ``application.single_notice``, Measures 2023
    Art. 10). Once that notice was sent, a submission still incomplete is
    refused with the list, and no second notice is sent.
    """
    _check_applicant(actor, application)
    with transaction.atomic():
        app = timeline.locked(application.pk)
        if app.status not in EDITABLE:
            raise ValidationError(
                _("This application has already been submitted (status: {status}).").format(
                    status=app.get_status_display()
                )
            )
        app = timeline.locked(application.pk, expected_version=expected_version)
        rules = _rules(app)
        now = timezone.now()
        if app.kind in (Kind.FOLLOW_UP, Kind.RISK_CHANGE):
            items: list[dict[str, Any]] = []
            result = None
        else:
            result = bundle(app)
            items = missing_items(app)
        if items:
            # application.single_notice, Measures 2023 Art. 10: one notice, listing everything.
            if app.notice_sent_at is not None and rules.flag("application.single_notice"):
                raise _missing_error(items, app.notice_sent_at, app)
            app.submitted_by = actor
            app.submitted_at = now
            _notice_send(
                app,
                actor=actor,
                now=now,
                rules=rules,
                items=items,
                text=result.notice.to_json() if result is not None and result.notice else None,
                by="check",
                kind="notice_sent",
                message=gettext_noop(
                    "Application {reference} is incomplete: {count} item(s) missing. The notice "
                    "lists all of them; supply them at once and submit again."
                ),
                also=["submitted_by", "submitted_at"],
            )
            return app
        app.status = Status.SUBMITTED
        app.submitted_by = actor
        app.submitted_at = now
        timeline.bump(app, ["status", "submitted_by", "submitted_at"])
        timeline.record(
            app,
            actor=actor,
            kind="submitted",
            payload={
                "attachments": app.attachments.count(),
                "waived": list(result.waived) if result is not None else [],
                "after_notice": app.notice_sent_at is not None,
            },
        )
        notifications_services.notify(
            notifications_selectors.chairs_of(app.body),
            message=gettext_noop("Application {reference} was submitted for ethics review."),
            application=app,
            params={"reference": app.reference},
            url=_url(app),
        )
    return app


def application_withdraw(
    *, actor: User, application: Application, expected_version: int | None
) -> Application:
    """Withdraw a draft, submitted or incomplete application (before acceptance)."""
    _check_applicant(actor, application)
    with transaction.atomic():
        app = timeline.locked(application.pk, expected_version=expected_version)
        if app.status not in WITHDRAWABLE:
            raise ValidationError(
                _("The application can no longer be withdrawn (status: {status}).").format(
                    status=app.get_status_display()
                )
            )
        was = app.status
        app.status = Status.WITHDRAWN
        timeline.bump(app, ["status"])
        timeline.record(app, actor=actor, kind="withdrawn", payload={"from": was})
        if was != Status.DRAFT:
            notifications_services.notify(
                notifications_selectors.chairs_of(app.body),
                message=gettext_noop("Application {reference} was withdrawn by the applicant."),
                application=app,
                params={"reference": app.reference},
                url=_url(app),
            )
    return app


def _check_chair(actor: User, application: Application) -> None:
    if not bodies_selectors.can_chair(actor, application.body):
        raise PermissionDenied(_("Only the chair of the review body may do this."))


def application_accept(
    *,
    actor: User,
    application: Application,
    procedure: str,
    ground: str | None = None,
    expected_version: int | None,
) -> Application:
    """Accept a submitted application under ``procedure``; the deadline starts now.

    The simplified procedure needs a ground the rules allow (rule
    ``procedure.simplified_grounds``). The deadline is ``lib.deadline``:
    ``decision.deadline_days`` days, ``emergency.deadline_hours`` hours for the
    emergency procedure (Measures 2023 Art. 17). Members with a detected
    conflict are recused at once (rule ``conflict.recusal_grounds``).
    """
    _check_chair(actor, application)
    if procedure not in Procedure.values:
        raise ValidationError({"procedure": [_("Choose a procedure.")]})
    ground = ground or None
    rules = _rules(application)
    try:
        # procedure.simplified_grounds, Measures 2023 Art. 19: only on the listed grounds.
        check = lib.check_procedure(procedure, ground=ground, rules=rules)  # type: ignore[arg-type]
    except lib.ReviewInputError as exc:
        raise library.input_error(exc, "ground") from exc
    if not check.ok:
        raise library.findings_error(check, "ground")
    with transaction.atomic():
        app = timeline.locked(application.pk)
        if app.status != Status.SUBMITTED:
            raise ValidationError(
                _("Only a submitted application can be accepted (status: {status}).").format(
                    status=app.get_status_display()
                )
            )
        app = timeline.locked(application.pk, expected_version=expected_version)
        now = timezone.now()
        app.procedure = procedure
        app.procedure_ground = ground or ""
        app.accepted_at = now
        app.accepted_by = actor
        app.status = Status.UNDER_REVIEW
        # decision.deadline_days / emergency.deadline_hours, Measures 2023 Art. 17.
        app.due_at = due_at(app).due
        roster = list(app.body.members.filter(active=True).select_related("user"))
        subject = conflict_application(app, roster)
        recused: list[int] = []
        for member in roster:
            try:
                found = lib.detect_conflicts(library.library_member(member), subject, rules=rules)
            except lib.ReviewInputError as exc:
                raise library.input_error(exc) from exc
            if not found.grounds:
                continue
            declaration, created = Declaration.objects.get_or_create(
                application=app,
                member=member,
                defaults={
                    "has_conflict": False,
                    "detected_grounds": list(found.grounds),
                    "recused": True,
                },
            )
            if not created:
                declaration.detected_grounds = list(found.grounds)
                declaration.recused = True
                declaration.save(update_fields=["detected_grounds", "recused", "declared_at"])
            recused.append(member.pk)
        timeline.bump(
            app,
            ["procedure", "procedure_ground", "accepted_at", "accepted_by", "status", "due_at"],
        )
        timeline.record(
            app,
            actor=actor,
            kind="accepted",
            payload={
                "procedure": procedure,
                "ground": ground,
                "due_at": app.due_at.isoformat(),
                "recused": recused,
            },
        )
        params = {
            "reference": app.reference,
            "procedure": procedure,
            "due": format_in_zone_of(app.due_at, app.body.organisation),
        }
        notifications_services.notify(
            notifications_selectors.applicants_of(app),
            message=gettext_noop(
                "Application {reference} was accepted ({procedure} procedure); "
                "the decision is due by {due}."
            ),
            application=app,
            params=params,
            url=_url(app),
        )
        notifications_services.notify(
            notifications_selectors.members_of(app.body),
            message=gettext_noop(
                "Application {reference} was accepted for review ({procedure} procedure, due "
                "{due}). Declare any conflict of interest before taking part."
            ),
            application=app,
            params=params,
            url=_url(app),
        )
    return app


def materials_request(
    *,
    actor: User,
    application: Application,
    kinds: Sequence[str],
    note: str = "",
    expected_version: int | None = None,
) -> Application:
    """The chair sends the one notice of missing materials (if none was sent yet).

    The notice lists every item the chair asks for together with everything
    the bundle check finds missing (rule ``application.single_notice``,
    Measures 2023 Art. 10); the application becomes ``incomplete``.
    """
    _check_chair(actor, application)
    if isinstance(kinds, str) or not isinstance(kinds, list | tuple) or not kinds:
        raise ValidationError({"kinds": [_("Choose at least one item.")]})
    known = attachment_kinds(application)
    requested: list[str] = []
    for kind in kinds:
        if not isinstance(kind, str) or kind not in known:
            raise ValidationError({"kinds": [_("Unknown attachment type.")]})
        if kind not in requested:
            requested.append(kind)
    note = library.clean_text(note, "note", required=False, limit=2000)
    with transaction.atomic():
        app = timeline.locked(application.pk, expected_version=expected_version)
        if app.status != Status.SUBMITTED:
            raise ValidationError(
                _("Materials can be requested only before acceptance (status: {status}).").format(
                    status=app.get_status_display()
                )
            )
        rules = _rules(app)
        if app.notice_sent_at is not None and rules.flag("application.single_notice"):
            raise ValidationError(
                _(
                    "The one notice of missing materials was already sent on {date}; "
                    "a second one is not allowed."
                ).format(
                    date=format_in_zone_of(
                        app.notice_sent_at, app.body.organisation, with_time=False
                    )
                )
            )
        result = bundle(app)
        items = [_item_json(item) for item in result.missing]
        seen = {i["id"] for i in items}
        for kind in requested:
            if kind in seen:
                continue
            item = _bundle_item(app, kind)
            items.append(
                _item_json(item)
                if item
                else {"id": kind, "label": dict(OTHER_LABEL), "clause": None, "waivable": False}
            )
        _notice_send(
            app,
            actor=actor,
            now=timezone.now(),
            rules=rules,
            items=items,
            text=result.notice.to_json() if result.notice else None,
            by="chair",
            kind="materials_requested",
            message=gettext_noop(
                "The review body asks for {count} item(s) for application {reference}. The "
                "notice lists all of them; supply them at once and submit again."
            ),
            requested=requested,
            note=note,
        )
    return app


def deadline_extend(
    *,
    actor: User,
    application: Application,
    length: int,
    reason: str,
    expected_version: int | None = None,
) -> Extension:
    """Extend the decision deadline by ``length`` days (hours for emergency), with a reason.

    Rule ``decision.extension_reason`` (Measures 2023 Art. 17): an extension
    states its length and its reason; the due time is recomputed by
    ``lib.deadline`` from acceptance with every extension granted.
    """
    _check_chair(actor, application)
    unit = deadline_unit(application)
    if (
        not isinstance(length, int)
        or isinstance(length, bool)
        or not (0 < length <= MAX_EXTENSION[unit])
    ):
        raise ValidationError(
            {
                "length": [
                    _("Give a whole number of {unit} from 1 to {max}.").format(
                        unit=_("hours") if unit == "hours" else _("days"),
                        max=MAX_EXTENSION[unit],
                    )
                ]
            }
        )
    reason = library.clean_text(reason, "reason", required=False, limit=2000)
    hours = length if unit == "hours" else length * 24
    with transaction.atomic():
        app = timeline.locked(application.pk, expected_version=expected_version)
        if app.status != Status.UNDER_REVIEW or app.accepted_at is None:
            raise ValidationError(
                _("Only the deadline of an application under review can be extended.")
            )
        existing = list(app.extensions.all())
        new = Extension(application=app, hours=hours, reason=reason, granted_by=actor)
        # decision.extension_reason, Measures 2023 Art. 17: the library refuses a blank reason.
        computed = due_at(app, [*existing, new])
        new.save()
        app.due_at = computed.due
        timeline.bump(app, ["due_at"])
        timeline.record(
            app,
            actor=actor,
            kind="deadline_extended",
            payload={"extension": new.pk, "hours": hours, "due_at": app.due_at.isoformat()},
        )
        notifications_services.notify(
            notifications_selectors.applicants_of(app),
            message=gettext_noop("The decision on application {reference} is now due by {due}."),
            application=app,
            params={
                "reference": app.reference,
                "due": format_in_zone_of(app.due_at, app.body.organisation),
            },
            url=_url(app),
        )
    return new


APPROVING = frozenset({DecisionType.APPROVE, DecisionType.APPROVE_AFTER_MODIFICATION})


BASES = ("meeting", "simplified", "expert")


def decision_record(
    application: Application,
    *,
    actor: User | None,
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
    changes = library.clean_strings(list(required_changes), "required_changes", limit=1000)
    why = library.clean_strings(list(reasons), "reasons", limit=1000)
    rules = library.rules_for(application.body)
    check = lib.check_decision(
        decision,  # type: ignore[arg-type]
        required_changes=changes,
        reasons=why,
        rules=rules,
    )
    if not check.ok:
        raise library.findings_error(check, "decision")

    payload: dict[str, object] = {"decision": decision, "basis": basis, **(details or {})}
    if application.listed_activity and basis != "expert" and decision in APPROVING:
        return _to_expert_review(application, actor, decision, changes, why, payload, rules)

    application.decision = decision
    application.decision_basis = basis
    application.required_changes = changes
    application.reasons = why
    application.decided_at = timeline.now()
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
        # The follow-up interval counts from the day of the decision in the body's zone.
        follow_up = lib.follow_up_due(
            local_date(application.decided_at, zone_of(application.body.organisation)),
            listed_activity=application.listed_activity,
            rules=rules,
        )
        application.follow_up_due = follow_up.due
        fields.append("follow_up_due")
        FollowUp.objects.create(
            application=application, kind=FollowUp.Kind.SCHEDULED, due_on=follow_up.due
        )
        payload["follow_up_due"] = follow_up.due.isoformat()
    timeline.bump(application, fields)
    timeline.record(application, actor=actor, kind="decided", payload=payload)
    notifications_services.notify(
        notifications_selectors.applicants_of(application),
        application=application,
        message=gettext_noop("Decision on {reference}: {decision}."),
        params={"reference": application.reference, "decision": decision},
        url=notifications_selectors.application_url(application),
    )
    return application


def _to_expert_review(
    application: Application,
    actor: User | None,
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
    # The reasons as the committee wrote them; none: the decision speaks for itself (a
    # stock sentence stored here would stay in the language of whoever was signed in).
    text = "\n".join([*changes, *reasons])
    requested = timeline.now()
    # expert_review.deadline_days: the last day is counted in the authority's calendar.
    due = lib.deadline(local(requested, zone_of(authority)), "expert_review", rules=rules).due
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
    timeline.bump(application, ["status", "required_changes", "reasons"])
    timeline.record(
        application,
        actor=actor,
        kind="expert_review_requested",
        payload={**payload, "authority": authority.pk, "due_at": due.isoformat()},
    )
    notifications_services.notify(
        users_in([authority], ["regulator", "admin"]),
        application=application,
        message=gettext_noop("Expert re-review requested for {reference}."),
        params={"reference": application.reference},
        url=notifications_selectors.application_url(application),
    )
    notifications_services.notify(
        notifications_selectors.applicants_of(application),
        application=application,
        message=gettext_noop("{reference} goes to expert re-review by the competent authority."),
        params={"reference": application.reference},
        url=notifications_selectors.application_url(application),
    )
    return application

"""Applications for ethics review: drafting, the bundle, submission, acceptance, deadlines.

The applicant drafts an application for one AI system; it goes to the
organisation's own ethics committee, else to the review centre it entrusted
in writing. The self-assessment is pre-filled from the system's intake. On
submission the bundle of Measures 2023 Art. 9 is checked; an incomplete
application gets **one** notice listing everything missing (Art. 10). The
chair accepts, names the procedure, and the decision deadline runs from then.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tianping import review as lib
from tianping.web.assessments.models import Evidence
from tianping.web.reviews import selectors
from tianping.web.reviews.models import (
    Application,
    Attachment,
    Declaration,
    Extension,
    Procedure,
)
from tianping.web.reviews.services import common
from tianping.web.reviews.services.files import read_upload
from tianping.web.systems.models import AISystem, Tier

Status = Application.Status
Kind = Application.Kind

EDITABLE = (Status.DRAFT, Status.INCOMPLETE)
WITHDRAWABLE = (Status.DRAFT, Status.SUBMITTED, Status.INCOMPLETE)
# The bundle item that the applicant's own risk self-assessment fills (Measures 2023 Art. 9,
# first paragraph: the self-assessment comes first); it is present once completed here.
SELF_ASSESSMENT_ITEM = "risk_self_assessment"
SELF_ASSESSMENT_FIELDS = ("risks", "controls", "residual_risk")
MAX_ATTACHMENTS = 100
MAX_REASONS = 5
# Input bounds of one extension (not a rule: the rules set no maximum, this only keeps
# the arithmetic of dates in range).
MAX_EXTENSION = {"days": 3650, "hours": 24 * 3650}
OTHER_LABEL = {"zh-Hans": "其他材料", "en": "other material"}


def _url(application: Application) -> str:
    return common.application_url(application)


def _rules(application: Application) -> lib.RuleSet:
    return common.rules_for(application.body)


# --- creation and drafting ------------------------------------------------------------------


def _self_assessment(system: AISystem) -> dict[str, Any]:
    intake = system.latest_intake
    assert intake is not None
    result = intake.result or {}
    reasons = [r.get("text") for r in (result.get("reasons") or []) if isinstance(r, Mapping)][
        :MAX_REASONS
    ]
    obligations = [
        {"id": o.get("id", ""), "text": o.get("text")}
        for o in (result.get("obligations") or [])
        if isinstance(o, Mapping)
    ]
    return {
        "intake_id": intake.pk,
        "questionnaire_version": intake.questionnaire_version,
        "tier": intake.tier,
        "computed_tier": intake.computed_tier,
        "tier_overridden": intake.is_overridden,
        "expert_review_required": intake.expert_review_required,
        "main_reasons": reasons,
        "obligations": obligations,
        "risks": "",
        "controls": "",
        "residual_risk": "",
        "completed": False,
    }


def self_assessment_complete(application: Application) -> bool:
    sa = application.self_assessment or {}
    return all(isinstance(sa.get(f), str) and sa.get(f) for f in SELF_ASSESSMENT_FIELDS)


def _people(value: Any, field: str) -> list[str]:
    return common.clean_strings(list(value) if isinstance(value, tuple) else value, field)


def application_create(
    *,
    actor: AbstractBaseUser,
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
        follow_up and previous is not None and selectors.can_chair(actor, previous.body)
    )
    if not allowed:
        raise PermissionDenied(_("You cannot apply for ethics review for this organisation."))
    title = common.clean_text(title, "title", limit=300)
    summary = common.clean_text(summary, "summary", required=False, limit=5000)
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
    if previous is not None and kind != Kind.INITIAL:
        body, entrustment = previous.body, previous.entrustment
    else:
        body, entrustment = selectors.route(organisation)
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
                        reference=common.new_reference(), **fields
                    )
                break
            except IntegrityError:
                continue
        if application is None:
            raise ValidationError(_("Could not allocate a reference; please try again."))
        common.record(
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
            common.notify(
                common.chairs_of(body),
                message=gettext_noop("Application {reference} was opened for review ({kind})."),
                application=application,
                params={"reference": application.reference, "kind": kind},
                url=_url(application),
            )
    return application


def _check_applicant(actor: AbstractBaseUser, application: Application) -> None:
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
    actor: AbstractBaseUser,
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
        data["title"] = common.clean_text(fields["title"], "title", limit=300)
    if "summary" in fields:
        data["summary"] = common.clean_text(
            fields["summary"], "summary", required=False, limit=5000
        )
    for name in ("team", "parties"):
        if name in fields:
            data[name] = _people(fields[name], name)
    with transaction.atomic():
        app = common.locked(application.pk, expected_version=expected_version)
        _check_editable(app)
        changed = sorted(name for name, value in data.items() if getattr(app, name) != value)
        if not changed:
            return app
        for name in changed:
            setattr(app, name, data[name])
        common.bump(app, changed)
        common.record(app, actor=actor, kind="updated", payload={"fields": changed})
    return app


def self_assessment_update(
    *,
    actor: AbstractBaseUser,
    application: Application,
    expected_version: int | None,
    risks: str,
    controls: str,
    residual_risk: str,
) -> Application:
    """Complete the risk self-assessment: the risks, their controls and the residual risk."""
    _check_applicant(actor, application)
    risks = common.clean_text(risks, "risks", limit=5000)
    controls = common.clean_text(controls, "controls", limit=5000)
    if residual_risk not in Tier.values:
        raise ValidationError({"residual_risk": [_("Choose low, medium or high.")]})
    with transaction.atomic():
        app = common.locked(application.pk, expected_version=expected_version)
        _check_editable(app)
        sa = dict(app.self_assessment or {})
        sa.update(risks=risks, controls=controls, residual_risk=residual_risk, completed=True)
        app.self_assessment = sa
        common.bump(app, ["self_assessment"])
        common.record(
            app,
            actor=actor,
            kind="self_assessment_updated",
            payload={"residual_risk": residual_risk},
        )
    return app


# --- attachments and the bundle -------------------------------------------------------------


def attachment_kinds(application: Application) -> tuple[str, ...]:
    """The attachment types of the rule set's bundle (``application.bundle``) and the extras."""
    return tuple(item.id for item in _rules(application).bundle()) + lib.EXTRA_ATTACHMENT_KINDS


def _bundle_item(application: Application, kind: str) -> lib.BundleItem | None:
    return next((item for item in _rules(application).bundle() if item.id == kind), None)


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
    actor: AbstractBaseUser,
    application: Application,
    kind: str,
    upload: UploadedFile,
    expected_version: int | None = None,
) -> Attachment:
    """Attach a file as one typed item; its type is decided by its content."""
    _check_applicant(actor, application)
    kind = _check_kind(application, kind)
    if upload is None:
        raise ValidationError({"file": [_("Choose a file.")]})
    checked = read_upload(upload, field="file")
    with transaction.atomic():
        app = common.locked(application.pk, expected_version=expected_version)
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
        common.bump(app)
        common.record(
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
    actor: AbstractBaseUser,
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
    reason = common.clean_text(reason, "reason", limit=1000)
    with transaction.atomic():
        app = common.locked(application.pk, expected_version=expected_version)
        _check_editable(app)
        if app.attachments.filter(kind=kind, waived_reason="").exists():
            raise ValidationError(
                {"kind": [_("A file of this type is attached; remove it first.")]}
            )
        app.attachments.filter(kind=kind).delete()
        attachment = Attachment.objects.create(
            application=app, kind=kind, waived_reason=reason, uploaded_by=actor
        )
        common.bump(app)
        common.record(
            app,
            actor=actor,
            kind="attachment_waived",
            payload={"attachment": attachment.pk, "type": kind},
        )
    return attachment


def attachment_remove(
    *,
    actor: AbstractBaseUser,
    application: Application,
    attachment: Attachment,
    expected_version: int | None = None,
) -> None:
    """Remove an attachment or a waiver from a draft or incomplete application."""
    _check_applicant(actor, application)
    if attachment.application_id != application.pk:
        raise ValidationError(_("This attachment belongs to another application."))
    with transaction.atomic():
        app = common.locked(application.pk, expected_version=expected_version)
        _check_editable(app)
        deleted, _rows = Attachment.objects.filter(pk=attachment.pk, application=app).delete()
        if not deleted:
            raise ValidationError(_("The attachment was already removed."))
        common.bump(app)
        common.record(
            app,
            actor=actor,
            kind="attachment_removed",
            payload={"attachment": attachment.pk, "type": attachment.kind},
        )


def evidence_attach(
    *,
    actor: AbstractBaseUser,
    application: Application,
    evidence: Evidence,
    expected_version: int | None = None,
) -> Attachment:
    """Attach evidence filed on the platform (e.g. a bias assessment) for the same system."""
    _check_applicant(actor, application)
    if not isinstance(evidence, Evidence) or evidence.system_id != application.system_id:
        raise ValidationError({"evidence": [_("Choose evidence filed for this system.")]})
    with transaction.atomic():
        app = common.locked(application.pk, expected_version=expected_version)
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
        common.bump(app)
        common.record(
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


def library_attachments(application: Application) -> list[lib.Attachment]:
    """The application's attachments as the library sees them (self-assessment included)."""
    out: list[lib.Attachment] = []
    for attachment in application.attachments.all():
        if attachment.waived_reason:
            out.append(lib.Attachment(attachment.kind, waived_reason=attachment.waived_reason))
        else:
            out.append(lib.Attachment(attachment.kind, attachment.name))
    bundle_ids = {item.id for item in _rules(application).bundle()}
    if SELF_ASSESSMENT_ITEM in bundle_ids and self_assessment_complete(application):
        out.append(lib.Attachment(SELF_ASSESSMENT_ITEM, "self-assessment"))
    return out


def bundle(application: Application) -> lib.BundleResult:
    """The bundle check of ``application`` (rule ``application.bundle``, Measures Art. 9)."""
    try:
        return lib.check_application_bundle(
            library_attachments(application), rules=_rules(application)
        )
    except lib.ReviewInputError as exc:
        raise common.input_error(exc) from exc


def _item_json(item: lib.BundleItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "label": item.label.to_json(),
        "clause": item.clause,
        "waivable": item.waivable,
    }


def _requested_outstanding(app: Application) -> list[str]:
    """Items the chair's notice asked for that have not been supplied since it was sent."""
    notice = app.notice or {}
    requested = notice.get("requested") or []
    if not requested or app.notice_sent_at is None:
        return []
    outstanding = []
    for kind in requested:
        fresh = app.attachments.filter(kind=kind, uploaded_at__gte=app.notice_sent_at)
        if not fresh.exists():
            outstanding.append(kind)
    return outstanding


def missing_items(app: Application) -> list[dict[str, Any]]:
    """Everything missing for submission, bundle items first, each ``{id, label}``."""
    result = bundle(app)
    items = [_item_json(item) for item in result.missing]
    seen = {i["id"] for i in items}
    for kind in _requested_outstanding(app):
        if kind in seen:
            continue
        item = _bundle_item(app, kind)
        items.append(
            _item_json(item)
            if item
            else {"id": kind, "label": dict(OTHER_LABEL), "clause": None, "waivable": False}
        )
    return items


def _missing_error(items: list[dict[str, Any]], sent_at: Any) -> ValidationError:
    lang = common.language()
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
                    date=timezone.localtime(sent_at).strftime("%Y-%m-%d"), items="; ".join(labels)
                )
            ]
        }
    )


def application_submit(
    *, actor: AbstractBaseUser, application: Application, expected_version: int | None
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
        app = common.locked(application.pk)
        if app.status not in EDITABLE:
            raise ValidationError(
                _("This application has already been submitted (status: {status}).").format(
                    status=app.get_status_display()
                )
            )
        app = common.locked(application.pk, expected_version=expected_version)
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
                raise _missing_error(items, app.notice_sent_at)
            text = result.notice.to_json() if result is not None and result.notice else None
            app.notice = {
                "items": items,
                "text": text,
                "requested": [],
                "note": "",
                "by": "check",
                "rule": "application.single_notice",
                "citation": rules["application.single_notice"].citation.to_json(),
            }
            app.notice_sent_at = now
            app.status = Status.INCOMPLETE
            app.submitted_by = actor
            app.submitted_at = now
            common.bump(app, ["notice", "notice_sent_at", "status", "submitted_by", "submitted_at"])
            common.record(
                app,
                actor=actor,
                kind="notice_sent",
                payload={"missing": [i["id"] for i in items], "count": len(items)},
            )
            common.notify(
                common.applicants_of(app),
                message=gettext_noop(
                    "Application {reference} is incomplete: {count} item(s) missing. The notice "
                    "lists all of them; supply them at once and submit again."
                ),
                application=app,
                params={"reference": app.reference, "count": len(items)},
                url=_url(app),
            )
            return app
        app.status = Status.SUBMITTED
        app.submitted_by = actor
        app.submitted_at = now
        common.bump(app, ["status", "submitted_by", "submitted_at"])
        common.record(
            app,
            actor=actor,
            kind="submitted",
            payload={
                "attachments": app.attachments.count(),
                "waived": list(result.waived) if result is not None else [],
                "after_notice": app.notice_sent_at is not None,
            },
        )
        common.notify(
            common.chairs_of(app.body),
            message=gettext_noop("Application {reference} was submitted for ethics review."),
            application=app,
            params={"reference": app.reference},
            url=_url(app),
        )
    return app


def application_withdraw(
    *, actor: AbstractBaseUser, application: Application, expected_version: int | None
) -> Application:
    """Withdraw a draft, submitted or incomplete application (before acceptance)."""
    _check_applicant(actor, application)
    with transaction.atomic():
        app = common.locked(application.pk, expected_version=expected_version)
        if app.status not in WITHDRAWABLE:
            raise ValidationError(
                _("The application can no longer be withdrawn (status: {status}).").format(
                    status=app.get_status_display()
                )
            )
        was = app.status
        app.status = Status.WITHDRAWN
        common.bump(app, ["status"])
        common.record(app, actor=actor, kind="withdrawn", payload={"from": was})
        if was != Status.DRAFT:
            common.notify(
                common.chairs_of(app.body),
                message=gettext_noop("Application {reference} was withdrawn by the applicant."),
                application=app,
                params={"reference": app.reference},
                url=_url(app),
            )
    return app


# --- acceptance, the one notice by the chair, deadlines ---------------------------------------


def _check_chair(actor: AbstractBaseUser, application: Application) -> None:
    if not selectors.can_chair(actor, application.body):
        raise PermissionDenied(_("Only the chair of the review body may do this."))


def conflict_application(application: Application, roster: Iterable[Any]) -> lib.Application:
    """The library view of ``application`` for conflict checks.

    Team entries are names or user names; a roster member named there is on
    the team under their library id too, so the ``participant`` ground sees them.
    """
    base = common.library_application(application)
    team = list(base.team)
    names = set(team)
    for member in roster:
        user = member.user
        if member.name in names or (user is not None and user.get_username() in names):
            team.append(member.ref)
    return lib.Application(
        id=base.id, organisation=base.organisation, team=team, parties=list(base.parties)
    )


def _local(moment: Any) -> Any:
    return timezone.localtime(moment)


def due_at(application: Application, extensions: Sequence[Extension] = ()) -> Any:
    """The decision deadline from acceptance and every extension (``lib.deadline``)."""
    items = [lib.Extension(timedelta(hours=e.hours), e.reason) for e in extensions]
    try:
        return lib.deadline(
            _local(application.accepted_at),
            application.procedure,  # type: ignore[arg-type]
            rules=_rules(application),
            extensions=items,
        )
    except lib.ReviewInputError as exc:
        raise common.input_error(exc, "reason") from exc


def application_accept(
    *,
    actor: AbstractBaseUser,
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
        raise common.input_error(exc, "ground") from exc
    if not check.ok:
        raise common.findings_error(check, "ground")
    with transaction.atomic():
        app = common.locked(application.pk)
        if app.status != Status.SUBMITTED:
            raise ValidationError(
                _("Only a submitted application can be accepted (status: {status}).").format(
                    status=app.get_status_display()
                )
            )
        app = common.locked(application.pk, expected_version=expected_version)
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
                found = lib.detect_conflicts(common.library_member(member), subject, rules=rules)
            except lib.ReviewInputError as exc:
                raise common.input_error(exc) from exc
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
        common.bump(
            app,
            ["procedure", "procedure_ground", "accepted_at", "accepted_by", "status", "due_at"],
        )
        common.record(
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
            "due": _local(app.due_at).strftime("%Y-%m-%d %H:%M"),
        }
        common.notify(
            common.applicants_of(app),
            message=gettext_noop(
                "Application {reference} was accepted ({procedure} procedure); "
                "the decision is due by {due}."
            ),
            application=app,
            params=params,
            url=_url(app),
        )
        common.notify(
            common.members_of(app.body),
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
    actor: AbstractBaseUser,
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
    note = common.clean_text(note, "note", required=False, limit=2000)
    with transaction.atomic():
        app = common.locked(application.pk, expected_version=expected_version)
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
                ).format(date=_local(app.notice_sent_at).strftime("%Y-%m-%d"))
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
        now = timezone.now()
        app.notice = {
            "items": items,
            "text": result.notice.to_json() if result.notice else None,
            "requested": requested,
            "note": note,
            "by": "chair",
            "rule": "application.single_notice",
            "citation": rules["application.single_notice"].citation.to_json(),
        }
        app.notice_sent_at = now
        app.status = Status.INCOMPLETE
        common.bump(app, ["notice", "notice_sent_at", "status"])
        common.record(
            app,
            actor=actor,
            kind="materials_requested",
            payload={"missing": [i["id"] for i in items], "count": len(items)},
        )
        common.notify(
            common.applicants_of(app),
            message=gettext_noop(
                "The review body asks for {count} item(s) for application {reference}. The "
                "notice lists all of them; supply them at once and submit again."
            ),
            application=app,
            params={"reference": app.reference, "count": len(items)},
            url=_url(app),
        )
    return app


def deadline_unit(application: Application) -> str:
    """``hours`` for the emergency procedure, else ``days`` (as ``lib.deadline`` counts)."""
    return "hours" if application.procedure == Procedure.EMERGENCY else "days"


def deadline_extend(
    *,
    actor: AbstractBaseUser,
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
    reason = common.clean_text(reason, "reason", required=False, limit=2000)
    hours = length if unit == "hours" else length * 24
    with transaction.atomic():
        app = common.locked(application.pk, expected_version=expected_version)
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
        common.bump(app, ["due_at"])
        common.record(
            app,
            actor=actor,
            kind="deadline_extended",
            payload={"extension": new.pk, "hours": hours, "due_at": app.due_at.isoformat()},
        )
        common.notify(
            common.applicants_of(app),
            message=gettext_noop("The decision on application {reference} is now due by {due}."),
            application=app,
            params={
                "reference": app.reference,
                "due": _local(app.due_at).strftime("%Y-%m-%d %H:%M"),
            },
            url=_url(app),
        )
    return new


# --- reads for pages and the API --------------------------------------------------------------


def checklist(application: Application) -> list[dict[str, Any]]:
    """Each bundle item with its state: ``supplied``, ``waived`` or ``missing``."""
    result = bundle(application)
    missing = {item.id for item in result.missing}
    waived = set(result.waived)
    files: dict[str, list[Attachment]] = {}
    for attachment in application.attachments.all():
        files.setdefault(attachment.kind, []).append(attachment)
    rows = []
    for item in _rules(application).bundle():
        state = "missing" if item.id in missing else "waived" if item.id in waived else "supplied"
        rows.append(
            {
                "id": item.id,
                "label": item.label.to_json(),
                "clause": item.clause,
                "waivable": item.waivable,
                "state": state,
                "attachments": files.get(item.id, []),
            }
        )
    return rows


def time_left(application: Application, now: Any = None) -> timedelta | None:
    if application.due_at is None:
        return None
    return application.due_at - (now or timezone.now())

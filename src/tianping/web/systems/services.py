"""Writes to the registry. Each service checks permissions, validates and is atomic."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, gettext_noop
from django.utils.translation import gettext as _

from tianping import tiering
from tianping.errors import TianpingError
from tianping.text import normalise_language
from tianping.tiering import messages as tiering_messages
from tianping.web.accounts.models import REGULATOR_KINDS, Organisation
from tianping.web.accounts.selectors import display_name, has_role
from tianping.web.catalogue.services import listed_version_current
from tianping.web.core.jobs import error_texts, job_cancel, job_fail, job_step
from tianping.web.core.notifications import notify
from tianping.web.core.timezones import local_now, zone_of
from tianping.web.core.validation import reject_nul
from tianping.web.ledger.services import ledger_record_action
from tianping.web.systems.models import (
    AISystem,
    FloorReview,
    Intake,
    Market,
    ReportJob,
    SystemEvent,
)
from tianping.web.systems.selectors import (
    EDIT_ROLES,
    can_edit_system,
    can_override_tier,
    can_review_floor_override,
    floor_regulator_of,
    floor_regulator_users,
)

SYSTEM_FIELDS = (
    "name",
    "purpose",
    "owner",
    "sector",
    "deployment_context",
    "lifecycle_stage",
    "model_version",
    "components",
    "datasets",
    "people_affected",
    "markets",
    "export_destinations",
)
MAX_LIST_ITEMS = 100
# The word for the optional second part of a ``components`` / ``datasets`` entry.
PAIR_LABELS = {"vendor": gettext_lazy("vendor"), "source": gettext_lazy("source")}


def _check_pairs(value: Any, field: str, second: str) -> list[dict[str, str]]:
    """``[{"name": …, second: …}, …]`` with short strings only."""
    if not isinstance(value, list) or len(value) > MAX_LIST_ITEMS:
        raise ValidationError({field: [_("Give a list of at most 100 entries.")]})
    cleaned = []
    for item in value:
        if not isinstance(item, Mapping) or set(item) - {"name", second}:
            raise ValidationError(
                {
                    field: [
                        _("Each entry needs a name and may have a {field}.").format(
                            field=PAIR_LABELS.get(second, second)
                        )
                    ]
                }
            )
        name, other = item.get("name", ""), item.get(second, "")
        if not isinstance(name, str) or not isinstance(other, str) or not name.strip():
            raise ValidationError(
                {
                    field: [
                        _("Each entry needs a name and may have a {field}.").format(
                            field=PAIR_LABELS.get(second, second)
                        )
                    ]
                }
            )
        if len(name) > 200 or len(other) > 200:
            raise ValidationError({field: [_("Names are limited to 200 characters.")]})
        cleaned.append({"name": name.strip(), second: other.strip()})
    return cleaned


def _check_strings(value: Any, field: str, *, choices: set[str] | None = None) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_LIST_ITEMS:
        raise ValidationError({field: [_("Give a list of at most 100 entries.")]})
    out: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip() or len(item) > 100:
            raise ValidationError({field: [_("Each entry must be a short, non-empty text.")]})
        if choices is not None and item not in choices:
            raise ValidationError({field: [_("Unknown value: {value}.").format(value=item[:40])]})
        if item.strip() not in out:
            out.append(item.strip())
    return out


def _clean_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    for name, value in fields.items():
        reject_nul(value, name)
    unknown = set(fields) - set(SYSTEM_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    data = dict(fields)
    if "components" in data:
        data["components"] = _check_pairs(data["components"], "components", "vendor")
    if "datasets" in data:
        data["datasets"] = _check_pairs(data["datasets"], "datasets", "source")
    if "markets" in data:
        data["markets"] = _check_strings(data["markets"], "markets", choices=set(Market.values))
    if "export_destinations" in data:
        data["export_destinations"] = _check_strings(
            data["export_destinations"], "export_destinations"
        )
    markets = data.get("markets")
    if data.get("export_destinations") and markets is not None and markets == ["domestic"]:
        raise ValidationError(
            {
                "export_destinations": [
                    _("Export destinations need a market outside mainland China.")
                ]
            }
        )
    return data


def _record(system: AISystem, kind: str, actor: User | None, changes: dict[str, Any]) -> None:
    SystemEvent.objects.create(system=system, kind=kind, actor=actor, changes=changes)


@transaction.atomic
def system_register(*, actor: User, organisation: Organisation, **fields: Any) -> AISystem:
    """Register a new AI system for ``organisation``."""
    if not (getattr(actor, "is_superuser", False) or has_role(actor, organisation, EDIT_ROLES)):
        raise PermissionDenied(_("You cannot register systems for this organisation."))
    if organisation.kind in REGULATOR_KINDS:
        # Regulators oversee registries; the systems belong to the units they oversee.
        raise ValidationError(
            {"organisation": [_("Systems are registered by the organisation that runs them.")]}
        )
    data = _clean_fields(fields)
    system = AISystem(organisation=organisation, created_by=actor, **data)
    system.full_clean()
    try:
        # Two registrations of one name at once: full_clean cannot see the other
        # one; the unique constraint does, and the loser gets the same message.
        with transaction.atomic():
            system.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"name": [_("This organisation already has a system of that name.")]}
        ) from exc
    _record(system, SystemEvent.Kind.REGISTERED, actor, {"name": system.name})
    return system


@transaction.atomic
def system_update(*, actor: User, system: AISystem, **fields: Any) -> AISystem:
    """Change a system's particulars; the history records each changed field."""
    if not can_edit_system(actor, system):
        raise PermissionDenied(_("You cannot change this system."))
    system = AISystem.objects.select_for_update().get(pk=system.pk)
    data = _clean_fields(fields)
    changes: dict[str, Any] = {}
    for name, value in data.items():
        old = getattr(system, name)
        if old != value:
            changes[name] = {"from": old, "to": value}
            setattr(system, name, value)
    if not changes:
        return system
    system.full_clean()
    system.save()
    _record(system, SystemEvent.Kind.UPDATED, actor, changes)
    return system


def _intake_errors(exc: tiering.IntakeValidationError) -> ValidationError:
    """The library's problems as full sentences naming the question, in the user's language."""
    language = normalise_language(get_language())
    questionnaire = tiering.load_questionnaire()
    errors: dict[str, list[str]] = {}
    for problem in exc.problems:
        errors.setdefault(problem.field, []).append(
            _intake_problem(problem, questionnaire, language)
        )
    return ValidationError(errors)


def _intake_problem(
    problem: tiering.FieldError, questionnaire: tiering.Questionnaire, language: str
) -> str:
    if problem.field not in questionnaire.question_ids:
        return problem.text(language)
    label = questionnaire.question(problem.field).label.get(language)
    if problem.template in (tiering_messages.ERR_REQUIRED, tiering_messages.ERR_REQUIRED_WHEN):
        return _("Answer the question “{question}”.").format(question=label)
    return _("Check the answer to the question “{question}”: {problem}.").format(
        question=label, problem=problem.text(language)
    )


def intake_preview(*, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Score answers without saving anything (the bilingual result JSON)."""
    reject_nul(answers, "answers")
    try:
        return tiering.score_intake(answers).to_json()
    except tiering.IntakeValidationError as exc:
        raise _intake_errors(exc) from exc


@transaction.atomic
def intake_submit(
    *,
    actor: User,
    system: AISystem,
    answers: Mapping[str, Any],
    prefilled: Mapping[str, Any] | None = None,
) -> Intake:
    """Score the intake answers, store the result and make it the system's current tier.

    ``prefilled`` records the answers offered from the registration and whether the
    answers given differ (``prefill.Prefill.outcome``); kept on the intake as it is.
    """
    if not can_edit_system(actor, system):
        raise PermissionDenied(_("You cannot submit an intake for this system."))
    reject_nul(answers, "answers")
    try:
        result = tiering.score_intake(answers)
    except tiering.IntakeValidationError as exc:
        raise _intake_errors(exc) from exc
    system = AISystem.objects.select_for_update().get(pk=system.pk)
    intake = Intake.objects.create(
        system=system,
        answers=tiering.validate_answers(answers),
        prefilled=dict(prefilled or {}),
        questionnaire_version=result.questionnaire_version,
        list_version=listed_version_current(),
        computed_tier=result.tier,
        tier=result.tier,
        expert_review_required=result.expert_review_required,
        result=result.to_json(),
        submitted_by=actor,
    )
    system.latest_intake = intake
    system.save(update_fields=["latest_intake", "updated_at"])
    _record(
        system,
        SystemEvent.Kind.INTAKE_SUBMITTED,
        actor,
        {"tier": result.tier, "expert_review_required": result.expert_review_required},
    )
    return intake


@transaction.atomic
def intake_override(*, actor: User, intake: Intake, tier: str, justification: str) -> Intake:
    """Replace the computed tier by a human decision, with its justification on record.

    Below a floor that may not be overridden the override is refused. Below floors
    that allow it, the override waits for a regulator over the system's
    organisation (unless ``actor`` is one): the floor's tier stays in force, the
    regulator is notified, and :func:`intake_floor_review` settles it. Every
    override is in the system's history and the platform ledger.
    """
    if not can_override_tier(actor, intake.system):
        raise PermissionDenied(_("You cannot override the tier of this system."))
    reject_nul(justification, "justification")
    intake = Intake.objects.select_for_update().select_related("system").get(pk=intake.pk)
    try:
        base = tiering.score_intake(intake.answers)
        result = tiering.override_tier(
            base,
            tier=tier,
            justification=justification,
            by=actor.get_username(),
        )
    except tiering.IntakeValidationError as exc:
        raise _intake_errors(exc) from exc
    except tiering.FloorOverrideError as exc:
        language = normalise_language(get_language())
        message = f"{exc.localized(language)}. {exc.hint_in(language) or ''}".strip()
        raise ValidationError({"tier": [message]}) from exc
    except tiering.OverrideError as exc:
        # The library refuses an unknown tier or a short justification: file it under its field.
        field = "justification" if tier in tiering.TIERS else "tier"
        language = normalise_language(get_language())
        raise ValidationError({field: [exc.localized(language)]}) from exc
    except (ValueError, tiering.TieringError) as exc:
        raise ValidationError({"tier": [str(exc)]}) from exc
    record = result.override
    assert record is not None  # override_tier always records the override
    system = intake.system
    previous = intake.tier
    now = timezone.now()
    in_force = result
    regulator: Organisation | None = None
    intake.requested_tier = result.tier
    intake.floor_tier = ""
    intake.floor_rules = []
    intake.floor_review = ""
    intake.floor_regulator = None
    intake.floor_reviewed_by = None
    intake.floor_reviewed_at = None
    intake.floor_review_note = ""
    if record.needs_confirmation:
        regulator = floor_regulator_of(system.organisation)
        intake.floor_tier = record.floor or ""
        intake.floor_rules = list(record.floors)
        intake.floor_regulator = regulator
        if can_review_floor_override(actor, system):
            # A regulator over the organisation overrides: confirmed by the same act.
            intake.floor_review = FloorReview.CONFIRMED
            intake.floor_reviewed_by = actor
            intake.floor_reviewed_at = now
        else:
            intake.floor_review = FloorReview.PENDING
            in_force = _floor_in_force(base, record, actor)
    intake.tier = in_force.tier
    intake.result = in_force.to_json()
    intake.override_justification = justification.strip()
    intake.overridden_by = actor
    intake.overridden_at = now
    intake.save()
    _record(
        system,
        SystemEvent.Kind.TIER_OVERRIDDEN,
        actor,
        {
            "tier": {"from": previous, "to": intake.tier},
            "justification": intake.override_justification,
        },
    )
    payload: dict[str, Any] = {
        "computed": intake.computed_tier,
        "from": previous,
        "to": intake.tier,
        "justification": intake.override_justification,
    }
    if intake.floor_review:
        payload.update(
            requested=intake.requested_tier,
            floor=intake.floor_tier,
            floors=list(intake.floor_rules),
            regulator_review=intake.floor_review,
            regulator=regulator.pk if regulator is not None else None,
        )
    ledger_record_action(
        actor=actor, kind="tier_overridden", subject=intake, system=system, payload=payload
    )
    if intake.floor_review:
        notify(
            users=[u for u in floor_regulator_users(regulator) if u.pk != actor.pk],
            message=FLOOR_OVERRIDE_PENDING
            if intake.floor_review == FloorReview.PENDING
            else FLOOR_OVERRIDE_BY_REGULATOR,
            params={"system": system.name, "actor": display_name(actor)},
            url=reverse("systems:detail", args=[system.pk]),
            target=intake,
        )
    return intake


# Notifications about overrides below a floor (rendered in each reader's language).
FLOOR_OVERRIDE_PENDING = gettext_noop(
    "{actor} overrode the tier of {system} below a minimum tier that its intake answers "
    "force. The minimum stays in force until a regulator confirms or rejects the override."
)
FLOOR_OVERRIDE_BY_REGULATOR = gettext_noop(
    "{actor}, a regulator, overrode the tier of {system} below a minimum tier that its "
    "intake answers force; the override is in force."
)
FLOOR_OVERRIDE_CONFIRMED = gettext_noop(
    "{actor} confirmed the override of the tier of {system} below its minimum tier."
)
FLOOR_OVERRIDE_REJECTED = gettext_noop(
    "{actor} rejected the override of the tier of {system} below its minimum tier; "
    "the minimum stays in force."
)
FLOOR_REVIEW_DECISIONS = ("confirm", "reject")


def _floor_in_force(
    base: tiering.TierResult, record: tiering.Override, actor: User
) -> tiering.TierResult:
    """What is in force while an override below a floor waits: the floor's tier."""
    floor = record.floor
    if floor is None or base.tier == floor:
        return base
    # The computed tier is above the floor: the override takes effect down to it.
    return tiering.override_tier(
        base, tier=floor, justification=record.justification, by=actor.get_username()
    )


@transaction.atomic
def intake_floor_review(*, actor: User, intake: Intake, decision: str, note: str = "") -> Intake:
    """A regulator over the system's organisation confirms or rejects an override below a floor.

    Confirming puts the override's tier in force; rejecting keeps the floor's.
    Either way the decision is in the history and the ledger, and the person who
    made the override hears of it.
    """
    system = intake.system
    if not can_review_floor_override(actor, system):
        raise PermissionDenied(
            _("Only a regulator over this organisation may review the override.")
        )
    reject_nul(note, "note")
    if decision not in FLOOR_REVIEW_DECISIONS:
        raise ValidationError({"decision": [_("Choose to confirm or to reject the override.")]})
    note = note.strip() if isinstance(note, str) else ""
    if len(note) > 2000:
        raise ValidationError({"note": [_("The note is limited to 2000 characters.")]})
    if decision == "reject" and not note:
        raise ValidationError({"note": [_("Give the reason for rejecting the override.")]})
    intake = (
        # Only the intake's row is locked: PostgreSQL cannot lock the nullable side of the
        # outer join to ``overridden_by``.
        Intake.objects.select_for_update(of=("self",))
        .select_related("system__organisation", "overridden_by")
        .get(pk=intake.pk)
    )
    if intake.floor_review != FloorReview.PENDING:
        raise ValidationError(_("This override is not awaiting a regulator's review."))
    previous = intake.tier
    if decision == "confirm":
        overrider = intake.overridden_by
        try:
            result = tiering.override_tier(
                tiering.score_intake(intake.answers),
                tier=intake.requested_tier,
                justification=intake.override_justification,
                by=overrider.get_username() if overrider is not None else actor.get_username(),
                at=intake.overridden_at,
            )
        except tiering.OverrideError as exc:
            # The floor may no longer be overridden (a later revision of the rules).
            language = normalise_language(get_language())
            raise ValidationError(exc.localized(language)) from exc
        except tiering.IntakeValidationError as exc:
            raise _intake_errors(exc) from exc
        intake.tier = result.tier
        intake.result = result.to_json()
        intake.floor_review = FloorReview.CONFIRMED
    else:
        intake.floor_review = FloorReview.REJECTED
    intake.floor_reviewed_by = actor
    intake.floor_reviewed_at = timezone.now()
    intake.floor_review_note = note
    intake.save()
    _record(
        system,
        SystemEvent.Kind.OVERRIDE_CONFIRMED
        if intake.floor_review == FloorReview.CONFIRMED
        else SystemEvent.Kind.OVERRIDE_REJECTED,
        actor,
        {"tier": {"from": previous, "to": intake.tier}, "note": note},
    )
    ledger_record_action(
        actor=actor,
        kind=f"tier_override_{intake.floor_review}",
        subject=intake,
        system=system,
        payload={
            "requested": intake.requested_tier,
            "floor": intake.floor_tier,
            "floors": list(intake.floor_rules),
            "from": previous,
            "to": intake.tier,
            "note": note,
        },
    )
    notify(
        users=[intake.overridden_by],
        message=FLOOR_OVERRIDE_CONFIRMED
        if intake.floor_review == FloorReview.CONFIRMED
        else FLOOR_OVERRIDE_REJECTED,
        params={"system": system.name, "actor": display_name(actor)},
        url=reverse("systems:detail", args=[system.pk]),
        target=intake,
    )
    return intake


def system_report_context(
    system: AISystem, intake: Intake
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``system`` and ``result`` mappings the report library renders."""
    questionnaire = tiering.load_questionnaire()
    system_data: dict[str, Any] = {
        "name": system.name,
        "organisation": system.organisation.name,
        "purpose": system.purpose,
        "sector": str(system.get_sector_display()),
        "owner": system.owner,
        "lifecycle_stage": str(system.get_lifecycle_stage_display()),
        "model_version": system.model_version,
        "deployment_context": system.deployment_context,
        "markets": [str(Market(m).label) if m in Market.values else m for m in system.markets],
        "export_destinations": system.export_destinations,
        "components": system.components,
        "datasets": system.datasets,
        "people_affected": system.people_affected,
    }
    result = dict(intake.result)
    result["answers"] = intake.answers
    result["questions"] = {q.id: q.label.to_json() for q in questionnaire.questions}
    result["choices"] = {
        q.id: {choice.id: choice.label.to_json() for choice in q.choices}
        for q in questionnaire.questions
        if q.choices
    }
    return system_data, result


@transaction.atomic
def report_job_start(*, actor: User, system: AISystem, language: str) -> ReportJob:
    """Queue the intake summary PDF of ``system`` for background rendering."""
    if language not in {"zh-Hans", "en", "both"}:
        raise ValidationError({"language": [_("Choose Chinese, English or both.")]})
    if system.latest_intake is None:
        raise ValidationError(_("Complete the intake before requesting its report."))
    job = ReportJob.objects.create(
        system=system, intake=system.latest_intake, language=language, requested_by=actor
    )
    transaction.on_commit(job.enqueue)
    return job


def report_job_cancel(*, actor: User, job: ReportJob) -> ReportJob:
    """Stop a report; only its requester or someone who may edit the system may."""
    if actor.pk != job.requested_by_id and not can_edit_system(actor, job.system):
        raise PermissionDenied(_("You cannot cancel this report."))
    if ReportJob.objects.get(pk=job.pk).is_finished:
        raise ValidationError(_("This report has already finished."))
    return job_cancel(ReportJob, job.pk)


def _job_step(job_id: Any, *, progress: int, message: str) -> bool:
    """Record progress (``message`` untranslated: ``gettext_noop``); False once cancelled."""
    return job_step(ReportJob, job_id, progress=progress, message=message)


def report_job_work(job_id: Any) -> None:
    """The work of a report job, run by the job runner (in a child process)."""
    report_job_run(job_id=job_id)


def report_job_run(*, job_id: Any) -> None:
    """Render a queued report (runs in the task worker)."""
    # Lazy: the report renderers (PDF, fonts) are heavy, and only the worker needs them.
    from tianping import reports

    job = ReportJob.objects.select_related("system__organisation", "intake").get(pk=job_id)
    if job.is_finished:
        return
    if not _job_step(job_id, progress=10, message=gettext_noop("Collecting the intake record")):
        return
    system_data, result = system_report_context(job.system, job.intake)
    if not _job_step(job_id, progress=40, message=gettext_noop("Typesetting the PDF")):
        return
    try:
        pdf = reports.intake_summary_pdf(
            system=system_data,
            result=result,
            language=job.language,
            generated_at=local_now(zone_of(job.system.organisation)),
        )
    except TianpingError as exc:
        job_fail(
            ReportJob,
            job_id,
            message=gettext_noop("The report could not be typeset."),
            error=error_texts(exc),
        )
        return
    if not _job_step(job_id, progress=90, message=gettext_noop("Saving")):
        return
    with transaction.atomic():
        ReportJob.objects.filter(pk=job_id).update(
            status=ReportJob.Status.DONE,
            progress=100,
            message=gettext_noop("Ready"),
            pdf=pdf,
            finished_at=timezone.now(),
        )
        _record(
            job.system,
            SystemEvent.Kind.REPORT_GENERATED,
            job.requested_by,
            {"language": job.language},
        )

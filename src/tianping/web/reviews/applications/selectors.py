"""Reads and predicates of applications; nothing here writes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from tianping import review as lib
from tianping.web.accounts.models import Organisation
from tianping.web.accounts.selectors import (
    has_role,
    visible_organisations,
)
from tianping.web.core.timezones import local, zone_of
from tianping.web.core.validation import check_pk
from tianping.web.reviews import library
from tianping.web.reviews.bodies.selectors import APPLICANT_ROLES, _jurisdiction_paths, _superuser
from tianping.web.reviews.models import (
    Application,
    Attachment,
    Extension,
    Procedure,
)
from tianping.web.systems.models import AISystem

User = AuthUser | AnonymousUser


def applications_visible_to(user: User) -> QuerySet[Application]:
    if not user.is_authenticated:
        return Application.objects.none()
    qs = Application.objects.select_related("system", "organisation", "body__organisation")
    if _superuser(user):
        return qs
    query = (
        Q(organisation__in=visible_organisations(user))
        | Q(body__organisation__memberships__user=user)
        | Q(body__members__user=user, body__members__active=True)
        | Q(expert_review__panel__user=user)
    )
    for path in _jurisdiction_paths(user):
        query |= Q(body__organisation__path__startswith=path)
    return qs.filter(query).distinct()


def application_get(user: User, pk: object) -> Application:
    """The application ``pk`` if ``user`` may see it; otherwise 404 (no existence leak)."""
    key = check_pk(pk)
    try:
        return applications_visible_to(user).get(pk=key)
    except (Application.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


def application_by_reference(user: User, reference: str) -> Application:
    try:
        return applications_visible_to(user).get(reference=reference)
    except (Application.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def can_apply(user: User, organisation: Organisation) -> bool:
    return _superuser(user) or has_role(user, organisation, APPLICANT_ROLES)


def is_applicant(user: User, application: Application) -> bool:
    return can_apply(user, application.organisation)


# The bundle item that the applicant's own risk self-assessment fills (Measures 2023 Art. 9,
# first paragraph: the self-assessment comes first); it is present once completed here.
SELF_ASSESSMENT_ITEM = "risk_self_assessment"


SELF_ASSESSMENT_FIELDS = ("risks", "controls", "residual_risk")


MAX_REASONS = 5


OTHER_LABEL = {"zh-Hans": "其他材料", "en": "other material"}


def _rules(application: Application) -> lib.RuleSet:
    return library.rules_for(application.body)


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


def attachment_kinds(application: Application) -> tuple[str, ...]:
    """The attachment types of the rule set's bundle (``application.bundle``) and the extras."""
    return tuple(item.id for item in _rules(application).bundle()) + lib.EXTRA_ATTACHMENT_KINDS


def _bundle_item(application: Application, kind: str) -> lib.BundleItem | None:
    return next((item for item in _rules(application).bundle() if item.id == kind), None)


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
        raise library.input_error(exc) from exc


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


def conflict_application(application: Application, roster: Iterable[Any]) -> lib.Application:
    """The library view of ``application`` for conflict checks.

    Team entries are names or user names; a roster member named there is on
    the team under their library id too, so the ``participant`` ground sees them.
    """
    base = library.library_application(application)
    team = list(base.team)
    names = set(team)
    for member in roster:
        user = member.user
        if member.name in names or (user is not None and user.get_username() in names):
            team.append(member.ref)
    return lib.Application(
        id=base.id, organisation=base.organisation, team=tuple(team), parties=tuple(base.parties)
    )


def _local(moment: Any, application: Application) -> Any:
    """``moment`` in the zone of ``application``'s review body (the deadline's calendar)."""
    return local(moment, zone_of(application.body.organisation))


def due_at(application: Application, extensions: Sequence[Extension] = ()) -> Any:
    """The decision deadline from acceptance and every extension (``lib.deadline``).

    A limit in days ends at the end of its last day in the zone of the review body.
    """
    items = [lib.Extension(timedelta(hours=e.hours), e.reason) for e in extensions]
    try:
        return lib.deadline(
            _local(application.accepted_at, application),
            application.procedure,  # type: ignore[arg-type]
            rules=_rules(application),
            extensions=items,
        )
    except lib.ReviewInputError as exc:
        raise library.input_error(exc, "reason") from exc


def deadline_unit(application: Application) -> str:
    """``hours`` for the emergency procedure, else ``days`` (as ``lib.deadline`` counts)."""
    return "hours" if application.procedure == Procedure.EMERGENCY else "days"


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


def overdue_margin() -> timedelta:
    """How close to its deadline an open application counts as at risk."""
    return timedelta(days=5)

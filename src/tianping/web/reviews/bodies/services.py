"""Review bodies, their rosters and registration, and written entrustments of review centres.

A review body is an ethics committee (it reviews the unit that set it up) or
a regional review centre (it reviews the organisations that entrusted it in
writing). Bodies have no application of their own, so each change here goes
straight to the platform ledger (:func:`ledger_record_action`) with ids only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tianping.web.accounts.models import REGULATOR_KINDS, Organisation, OrganisationKind
from tianping.web.core import timezones
from tianping.web.operations.services import ledger_record_action
from tianping.web.reviews import library
from tianping.web.reviews.bodies import selectors
from tianping.web.reviews.bodies.selectors import can_create_body, can_entrust
from tianping.web.reviews.files import read_upload
from tianping.web.reviews.models import (
    Discipline,
    Entrustment,
    Gender,
    Member,
    MemberRole,
    ReviewBody,
    RuleSetName,
)

User = AuthUser | AnonymousUser


BODY_KINDS = (OrganisationKind.ETHICS_COMMITTEE, OrganisationKind.REVIEW_CENTRE)


PLEDGE_CHOICES = ("confidentiality", "conflict_of_interest")


MEMBER_FIELDS = (
    "name",
    "role",
    "disciplines",
    "gender",
    "external",
    "affiliation",
    "term_start",
    "term_end",
    "pledges",
    "interests",
    "training",
    "user",
)


MAX_ENTRIES = 50


def _superuser(user: User) -> bool:
    return bool(getattr(user, "is_superuser", False))


def _ledger(actor: AuthUser, kind: str, subject: Any, payload: Mapping[str, Any]) -> None:
    ledger_record_action(actor=actor, kind=f"review.{kind}", subject=subject, payload=payload)


def _date(value: Any, field: str, *, required: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: [_("This field is required.")]})
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError({field: [_("Give a date as YYYY-MM-DD.")]}) from exc


def body_create(
    *,
    actor: AuthUser,
    organisation: Organisation,
    established_on: date,
    registered_on: date | None = None,
    rule_set: str = RuleSetName.NATIONAL,
) -> ReviewBody:
    """Record ``organisation`` (an ethics committee or a review centre) as a review body."""
    if not can_create_body(actor, organisation):
        raise PermissionDenied(_("You cannot set up a review body for this organisation."))
    if organisation.kind not in BODY_KINDS:
        raise ValidationError(
            {"organisation": [_("Only an ethics committee or a review centre is a review body.")]}
        )
    if rule_set not in RuleSetName.values:
        raise ValidationError({"rule_set": [_("Unknown rule set.")]})
    established = _date(established_on, "established_on")
    registered = _date(registered_on, "registered_on", required=False)
    assert established is not None
    if established > timezones.today(timezones.zone_of(organisation)):
        raise ValidationError({"established_on": [_("The date lies in the future.")]})
    if registered is not None and registered < established:
        raise ValidationError(
            {"registered_on": [_("A body cannot be registered before it was set up.")]}
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                body = ReviewBody.objects.create(
                    organisation=organisation,
                    established_on=established,
                    registered_on=registered,
                    rule_set=rule_set,
                )
        except IntegrityError as exc:
            raise ValidationError(
                {"organisation": [_("This organisation is already a review body.")]}
            ) from exc
        _ledger(
            actor,
            "body_created",
            body,
            {"body": body.pk, "organisation": organisation.pk, "rule_set": rule_set},
        )
    return body


def _locked_body(body: ReviewBody) -> ReviewBody:
    return (
        ReviewBody.objects.select_for_update(of=("self",))
        .select_related("organisation__parent")
        .get(pk=body.pk)
    )


def registration_record(*, actor: AuthUser, body: ReviewBody, registered_on: date) -> ReviewBody:
    """Record the day the body was registered (rule ``registration.committee_days``)."""
    if not selectors.can_manage_body(actor, body):
        raise PermissionDenied(_("You cannot manage this review body."))
    day = _date(registered_on, "registered_on")
    assert day is not None
    if day > timezones.today(timezones.zone_of(body.organisation)):
        raise ValidationError({"registered_on": [_("The date lies in the future.")]})
    if day < body.established_on:
        raise ValidationError(
            {"registered_on": [_("A body cannot be registered before it was set up.")]}
        )
    with transaction.atomic():
        body = _locked_body(body)
        body.registered_on = day
        body.save(update_fields=["registered_on"])
        _ledger(actor, "body_registered", body, {"body": body.pk, "on": day.isoformat()})
    return body


def annual_report_record(
    *, actor: AuthUser, body: ReviewBody, year: int, filed_on: date
) -> ReviewBody:
    """Record the annual report for ``year`` (rule ``registration.annual_report_due``)."""
    if not selectors.can_manage_body(actor, body):
        raise PermissionDenied(_("You cannot manage this review body."))
    if not isinstance(year, int) or isinstance(year, bool):
        raise ValidationError({"year": [_("Give a year.")]})
    day = _date(filed_on, "filed_on")
    assert day is not None
    today = timezones.today(timezones.zone_of(body.organisation))
    if day > today:
        raise ValidationError({"filed_on": [_("The date lies in the future.")]})
    if not body.established_on.year <= year < day.year:
        raise ValidationError(
            {
                "year": [
                    _(
                        "A report covers a past year from the year the body was set up "
                        "({first}) to the year before it was filed."
                    ).format(first=body.established_on.year)
                ]
            }
        )
    with transaction.atomic():
        body = _locked_body(body)
        reports = list(body.annual_reports or [])
        if any(str(r.get("year")) == str(year) for r in reports if isinstance(r, Mapping)):
            raise ValidationError(
                {"year": [_("The report for {year} is already on record.").format(year=year)]}
            )
        reports.append({"year": year, "filed_on": day.isoformat()})
        reports.sort(key=lambda r: int(r.get("year", 0)))
        body.annual_reports = reports
        body.save(update_fields=["annual_reports"])
        _ledger(
            actor,
            "annual_report_recorded",
            body,
            {"body": body.pk, "year": year, "filed_on": day.isoformat()},
        )
    return body


def _choices(value: Any, field: str, allowed: Iterable[str], *, required: bool) -> list[str]:
    allowed = tuple(allowed)
    if isinstance(value, str):
        value = [value] if value else []
    if not isinstance(value, list | tuple) or len(value) > len(allowed):
        raise ValidationError({field: [_("Give a list of known values.")]})
    out: list[str] = []
    for item in value:
        if not isinstance(item, str) or item not in allowed:
            raise ValidationError(
                {field: [_("Unknown value: {value}.").format(value=str(item)[:40])]}
            )
        if item not in out:
            out.append(item)
    if required and not out:
        raise ValidationError({field: [_("Choose at least one.")]})
    return out


def _entries(value: Any, field: str, keys: tuple[str, str]) -> list[dict[str, str]]:
    if value is None:
        return []
    if not isinstance(value, list | tuple) or len(value) > MAX_ENTRIES:
        raise ValidationError(
            {field: [_("Give a list of at most {n} entries.").format(n=MAX_ENTRIES)]}
        )
    out: list[dict[str, str]] = []
    for item in value:
        if not isinstance(item, Mapping) or set(item) - set(keys):
            raise ValidationError(
                {field: [_("Each entry needs: {keys}.").format(keys=", ".join(keys))]}
            )
        entry = {key: library.clean_text(item.get(key), field, limit=500) for key in keys}
        out.append(entry)
    return out


def _training(value: Any) -> list[dict[str, str]]:
    entries = _entries(value, "training", ("course", "completed_on"))
    for entry in entries:
        day = _date(entry["completed_on"], "training")
        assert day is not None
        if day > timezone.localdate():
            raise ValidationError({"training": [_("The date lies in the future.")]})
        entry["completed_on"] = day.isoformat()
    return entries


def _roster_user(body: ReviewBody, user: Any, *, member: Member | None = None) -> Any:
    if user is None:
        return None
    if not isinstance(user, get_user_model()):
        raise ValidationError({"user": [_("Unknown user account.")]})
    taken = Member.objects.filter(body=body, user=user)
    if member is not None:
        taken = taken.exclude(pk=member.pk)
    if taken.exists():
        raise ValidationError({"user": [_("This user account is already on the roster.")]})
    return user


def _clean_member(
    body: ReviewBody, fields: Mapping[str, Any], *, member: Member | None = None
) -> dict[str, Any]:
    """Validate member fields; ``member`` set: only the given fields (an update)."""
    unknown = set(fields) - set(MEMBER_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    partial = member is not None
    data: dict[str, Any] = {}

    def given(name: str) -> bool:
        return name in fields or not partial

    if given("name"):
        data["name"] = library.clean_text(fields.get("name"), "name", limit=200)
    if given("affiliation"):
        data["affiliation"] = library.clean_text(
            fields.get("affiliation"), "affiliation", limit=200
        )
    if given("role"):
        role = fields.get("role", MemberRole.MEMBER)
        if role not in MemberRole.values:
            raise ValidationError({"role": [_("Unknown role.")]})
        data["role"] = role
    if given("gender"):
        if fields.get("gender") not in Gender.values:
            raise ValidationError({"gender": [_("Choose female or male.")]})
        data["gender"] = fields["gender"]
    if given("disciplines"):
        data["disciplines"] = _choices(
            fields.get("disciplines"), "disciplines", Discipline.values, required=True
        )
    if given("external"):
        external = fields.get("external", False)
        if not isinstance(external, bool):
            raise ValidationError({"external": [_("Give true or false.")]})
        data["external"] = external
    if given("pledges"):
        data["pledges"] = _choices(
            fields.get("pledges") or [], "pledges", PLEDGE_CHOICES, required=False
        )
    if given("interests"):
        data["interests"] = _entries(fields.get("interests"), "interests", ("party", "description"))
    if given("training"):
        data["training"] = _training(fields.get("training"))
    if given("term_start"):
        data["term_start"] = _date(fields.get("term_start"), "term_start")
    if given("term_end"):
        data["term_end"] = _date(fields.get("term_end"), "term_end")
    start = data.get("term_start", member.term_start if member else None)
    end = data.get("term_end", member.term_end if member else None)
    if start is not None and end is not None and end < start:
        raise ValidationError({"term_end": [_("The term cannot end before it starts.")]})
    if "user" in fields:
        data["user"] = _roster_user(body, fields.get("user"), member=member)
    return data


def _save_member(member: Member, body: ReviewBody) -> Member:
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        raise ValidationError({"user": [_("This user account is already on the roster.")]}) from exc
    return member


def member_add(*, actor: AuthUser, body: ReviewBody, **fields: Any) -> Member:
    """Put a person on the roster: disciplines, gender, role, term, pledges, interests."""
    if not selectors.can_manage_body(actor, body):
        raise PermissionDenied(_("You cannot manage this review body."))
    data = _clean_member(body, fields)
    with transaction.atomic():
        _locked_body(body)
        member = _save_member(Member(body=body, **data), body)
        _ledger(
            actor,
            "member_added",
            member,
            {"body": body.pk, "member": member.pk, "role": member.role},
        )
    return member


def member_update(*, actor: AuthUser, member: Member, **fields: Any) -> Member:
    """Change a roster entry; only the fields given change."""
    body = member.body
    if not selectors.can_manage_body(actor, body):
        raise PermissionDenied(_("You cannot manage this review body."))
    with transaction.atomic():
        _locked_body(body)
        member = Member.objects.select_for_update().get(pk=member.pk)
        data = _clean_member(body, fields, member=member)
        changed = sorted(name for name, value in data.items() if getattr(member, name) != value)
        if not changed:
            return member
        for name, value in data.items():
            setattr(member, name, value)
        _save_member(member, body)
        _ledger(
            actor,
            "member_updated",
            member,
            {"body": body.pk, "member": member.pk, "fields": changed},
        )
    return member


def member_deactivate(*, actor: AuthUser, member: Member) -> Member:
    """Take a person off the roster (the record stays, for past meetings and votes)."""
    body = member.body
    if not selectors.can_manage_body(actor, body):
        raise PermissionDenied(_("You cannot manage this review body."))
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        if not member.active:
            raise ValidationError(_("This member is no longer on the roster."))
        member.active = False
        member.save(update_fields=["active"])
        _ledger(actor, "member_deactivated", member, {"body": body.pk, "member": member.pk})
    return member


def entrustment_create(
    *,
    actor: AuthUser,
    organisation: Organisation,
    centre: ReviewBody,
    agreement_reference: str,
    signed_on: date,
    valid_until: date | None = None,
    document: UploadedFile[bytes] | None = None,
) -> Entrustment:
    """Record a written entrustment of ``organisation``'s reviews to the review centre ``centre``.

    The signed agreement, if uploaded, is not kept: its SHA-256 digest and its
    name are, so the paper copy can be matched later.
    """
    if not can_entrust(actor, organisation):
        raise PermissionDenied(_("You cannot entrust reviews on behalf of this organisation."))
    if organisation.kind in REGULATOR_KINDS or organisation.kind in BODY_KINDS:
        raise ValidationError(
            {"organisation": [_("Only the unit whose activities are reviewed entrusts a centre.")]}
        )
    if not isinstance(centre, ReviewBody) or not centre.is_review_centre:
        raise ValidationError({"centre": [_("Choose a review centre.")]})
    reference = library.clean_text(agreement_reference, "agreement_reference", limit=100)
    signed = _date(signed_on, "signed_on")
    until = _date(valid_until, "valid_until", required=False)
    assert signed is not None
    if signed > timezones.today(timezones.zone_of(organisation)):
        raise ValidationError({"signed_on": [_("The date lies in the future.")]})
    if until is not None and until < signed:
        raise ValidationError({"valid_until": [_("The agreement cannot end before it is signed.")]})
    name, digest = "", ""
    if document is not None:
        checked = read_upload(document, field="document")
        name, digest = checked.name, checked.sha256
    with transaction.atomic():
        entrustment = Entrustment.objects.create(
            organisation=organisation,
            centre=centre,
            agreement_reference=reference,
            signed_on=signed,
            valid_until=until,
            document_name=name,
            document_sha256=digest,
            created_by=actor,
        )
        _ledger(
            actor,
            "entrustment_created",
            entrustment,
            {
                "entrustment": entrustment.pk,
                "organisation": organisation.pk,
                "centre": centre.pk,
                "document_sha256": digest or None,
            },
        )
    return entrustment


def entrustment_revoke(*, actor: AuthUser, entrustment: Entrustment) -> Entrustment:
    """End an entrustment; applications already routed to the centre stay with it."""
    if not can_entrust(actor, entrustment.organisation):
        raise PermissionDenied(_("You cannot entrust reviews on behalf of this organisation."))
    with transaction.atomic():
        entrustment = Entrustment.objects.select_for_update().get(pk=entrustment.pk)
        if entrustment.revoked_at is not None:
            raise ValidationError(_("This entrustment has already been revoked."))
        entrustment.revoked_at = timezone.now()
        entrustment.save(update_fields=["revoked_at"])
        _ledger(
            actor,
            "entrustment_revoked",
            entrustment,
            {"entrustment": entrustment.pk, "centre": entrustment.centre_id},
        )
    return entrustment

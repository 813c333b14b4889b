"""What every review service shares: rules, locking, the timeline and ledger, notices.

Every state change of an application goes through :func:`locked` (row lock,
optional version check), :func:`record` (timeline + platform ledger, same
transaction) and :func:`bump` (version + 1). Library objects of
:mod:`tianping.review` are built here from the records, so that every check
sees the same ids for the same people.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext as gettext_stored  # for texts marked with gettext_noop

from tianping import review as lib
from tianping.text import LocalizedText
from tianping.web.operations.services import ledger_record_action
from tianping.web.reviews.models import (
    Application,
    Member,
    Notification,
    PanelExpert,
    ReviewBody,
    ReviewEvent,
)

log = logging.getLogger(__name__)

MAX_TEXT = 5000
MAX_LIST = 100


@lru_cache(maxsize=16)
def _rules(name: str) -> lib.RuleSet:
    return lib.load_rules(name)


def rules_for(body: ReviewBody) -> lib.RuleSet:
    """The effective rule set of a review body (national, or a provincial overlay)."""
    return _rules(body.rule_set or lib.DEFAULT_RULE_SET)


def language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def text(value: LocalizedText) -> str:
    """A bilingual library text in the request's language."""
    return value.get(language())


def findings_error(result: lib.CheckResult, field: str | None = None) -> ValidationError:
    """A ValidationError listing every finding of a library check, with its citation."""
    messages = [f.describe(language()) for f in result.findings]
    return ValidationError({field: messages} if field else messages)


def input_error(exc: lib.ReviewInputError, field: str | None = None) -> ValidationError:
    """A ValidationError from a library input error, one message per problem."""
    lang = language()
    messages = [p.get(lang) for p in exc.problems] or [exc.localized(lang)]
    return ValidationError({field: messages} if field else messages)


def clean_text(value: Any, field: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    """A stripped string of at most ``limit`` characters, without NUL; else ValidationError."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError({field: [_("Give text.")]})
    value = value.strip()
    if "\x00" in value:
        raise ValidationError({field: [_("The text contains a NUL character.")]})
    if required and not value:
        raise ValidationError({field: [_("This field is required.")]})
    if len(value) > limit:
        raise ValidationError({field: [_("At most {limit} characters.").format(limit=limit)]})
    return value


def clean_strings(value: Any, field: str, *, limit: int = 200) -> list[str]:
    """A list of at most 100 short non-empty strings (newline-separated text accepted)."""
    if isinstance(value, str):
        value = [line for line in value.splitlines() if line.strip()]
    if not isinstance(value, list) or len(value) > MAX_LIST:
        raise ValidationError({field: [_("Give a list of at most 100 entries.")]})
    out: list[str] = []
    for item in value:
        out.append(clean_text(item, field, limit=limit))
    return out


# --- locking, versions, timeline ---------------------------------------------------------


def locked(application_id: int, *, expected_version: int | None = None) -> Application:
    """The application, row-locked for the current transaction.

    ``expected_version`` guards against acting on a stale page: if someone
    changed the application since, the action is refused and nothing changes.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("locked() must run inside transaction.atomic()")
    app = (
        Application.objects.select_for_update(of=("self",))
        .select_related("system", "organisation", "body__organisation")
        .get(pk=application_id)
    )
    if expected_version is not None and app.version != expected_version:
        raise ValidationError(
            _("Someone changed this application meanwhile; reload the page and try again.")
        )
    return app


def bump(application: Application, fields: Iterable[str] = ()) -> None:
    """Save ``fields`` and increment the version."""
    application.version += 1
    application.save(update_fields=[*fields, "version", "updated_at"])


def record(
    application: Application,
    *,
    actor: AbstractBaseUser | None,
    kind: str,
    payload: Mapping[str, Any] | None = None,
) -> ReviewEvent:
    """Append ``kind`` to the application's timeline and to the platform ledger.

    The ledger payload names the application by reference and carries only
    ids, codes and counts, never personal data; the timeline keeps the same
    payload with the ledger index, so an export can point to each entry.
    """
    body: dict[str, Any] = {"application": application.reference, **(payload or {})}
    index = ledger_record_action(
        actor=actor,
        kind=f"review.{kind}",
        subject=application,
        payload=body,
        system=application.system,
    )
    actor_obj = actor if actor is not None and actor.is_authenticated else None
    return ReviewEvent.objects.create(
        application=application,
        kind=kind,
        actor=actor_obj,
        payload=body,
        ledger_index=index,
    )


_MAIL = ContextVar("tianping_review_mail", default=True)


@contextmanager
def mail_suppressed() -> Iterator[None]:
    """Within this block notifications are stored in the app but not e-mailed (demo seeding)."""
    token = _MAIL.set(False)
    try:
        yield
    finally:
        _MAIL.reset(token)


def application_url(application: Application | int, page: str = "") -> str:
    """The path of an application's page (``page``: ``workspace/``, ``simplified/`` …)."""
    pk = application if isinstance(application, int) else application.pk
    return reverse("reviews:application_detail", args=[pk]) + page


def notify(
    users: Iterable[AbstractBaseUser | None],
    *,
    message: str,
    application: Application | None = None,
    params: Mapping[str, Any] | None = None,
    url: str = "",
) -> int:
    """Notify ``users`` in the app and, after commit, by e-mail; return how many.

    ``message`` is an untranslated English template (mark it with
    ``gettext_noop``) with ``{placeholders}`` from ``params``; each reader sees
    it in their language. E-mail goes through Django's configured backend (SMTP,
    or the private outbox folder: ``tianping.web.mail``); a failing mail server
    never undoes the action.
    """
    seen: set[int] = set()
    created = []
    for user in users:
        if user is None or not getattr(user, "pk", None) or user.pk in seen:
            continue
        seen.add(user.pk)
        created.append(
            Notification(
                user=user,
                application=application,
                message=message[:300],
                params=dict(params or {}),
                url=url[:300],
            )
        )
    Notification.objects.bulk_create(created)
    recipients = [(n.user.email, n) for n in created if getattr(n.user, "email", "")]
    if recipients and _MAIL.get():
        transaction.on_commit(lambda: _send_mail(recipients))
    return len(created)


def render_notification(message: str, params: Mapping[str, Any]) -> str:
    """A stored notification in the active language."""
    # ``message`` was marked with gettext_noop where it was written, so it is in
    # the catalogue; translation.gettext looks it up at display time.
    text = gettext_stored(message)
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


def _send_mail(recipients: Sequence[tuple[str, Notification]]) -> None:
    for address, note in recipients:
        try:
            with translation.override(settings.LANGUAGE_CODE):
                subject = _("Tianping ethics review")
                body = render_notification(note.message, note.params)
            if note.url:
                body = f"{body}\n\n{note.url}"
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        except Exception:  # the action stands; the in-app notification remains
            log.exception("could not e-mail a review notification")


def users_with_role(organisation_id: int, roles: Iterable[str]) -> list[AbstractBaseUser]:
    user_model = get_user_model()
    return list(
        user_model.objects.filter(
            memberships__organisation_id=organisation_id,
            memberships__role__in=list(roles),
            is_active=True,
        ).distinct()
    )


def applicants_of(application: Application) -> list[AbstractBaseUser]:
    users = users_with_role(application.organisation_id, ["applicant", "admin"])
    if application.submitted_by is not None:
        users.append(application.submitted_by)
    return users


def chairs_of(body: ReviewBody) -> list[AbstractBaseUser]:
    users = users_with_role(body.organisation_id, ["chair"])
    users += [
        m.user
        for m in body.members.filter(active=True, role__in=["chair", "vice_chair"])
        .exclude(user=None)
        .select_related("user")
        if m.user is not None
    ]
    return users


def members_of(body: ReviewBody) -> list[AbstractBaseUser]:
    return [
        m.user
        for m in body.members.filter(active=True).exclude(user=None).select_related("user")
        if m.user is not None
    ]


# --- library objects ---------------------------------------------------------------------


def _interests(raw: Any) -> list[lib.Interest]:
    out = []
    for item in raw or []:
        if isinstance(item, Mapping) and item.get("party") and item.get("description"):
            out.append(lib.Interest(str(item["party"]), str(item["description"])))
    return out


def _training(raw: Any) -> list[lib.TrainingRecord]:
    out = []
    for item in raw or []:
        try:
            out.append(
                lib.TrainingRecord(
                    str(item["course"]), date.fromisoformat(str(item["completed_on"]))
                )
            )
        except (KeyError, TypeError, ValueError):
            continue
    return out


def library_member(member: Member) -> lib.Member:
    return lib.Member(
        id=member.ref,
        name=member.name,
        disciplines=list(member.disciplines),
        gender=member.gender,  # type: ignore[arg-type]
        external=member.external,
        organisation=member.affiliation,
        term_start=member.term_start,
        term_end=member.term_end,
        role=member.role,  # type: ignore[arg-type]
        pledges=frozenset(member.pledges),
        interests=_interests(member.interests),
        training=_training(member.training),
    )


def library_committee(
    body: ReviewBody, *, members: Sequence[Member] | None = None
) -> lib.Committee:
    roster = list(members) if members is not None else list(body.members.filter(active=True))
    reports = []
    for item in body.annual_reports or []:
        try:
            reports.append(
                lib.AnnualReport(int(item["year"]), date.fromisoformat(str(item["filed_on"])))
            )
        except (KeyError, TypeError, ValueError):
            continue
    return lib.Committee(
        id=f"body:{body.pk}",
        name=body.organisation.name,
        organisation=(
            body.organisation.parent.name if body.organisation.parent else body.organisation.name
        )
        if not body.is_review_centre
        else body.organisation.name,
        established_on=body.established_on,
        members=[library_member(m) for m in roster],
        registered_on=body.registered_on,
        annual_reports=reports,
        review_centre=body.is_review_centre,
    )


def library_application(application: Application) -> lib.Application:
    return lib.Application(
        id=application.reference,
        organisation=application.organisation.name,
        team=[str(t) for t in application.team or []],
        parties=[str(p) for p in application.parties or []],
    )


def library_expert(expert: PanelExpert) -> lib.Expert:
    return lib.Expert(
        id=expert.ref,
        name=expert.name,
        disciplines=list(expert.disciplines),
        organisation=expert.affiliation,
        interests_declared=expert.interests_declared,
        interests=_interests(expert.interests),
    )


def now() -> Any:
    return timezone.now()


def new_reference() -> str:
    """A fresh application reference, ``ER-2026-7F3A9C``: year and six random hex digits."""
    import secrets

    year = timezone.localdate().year
    for _attempt in range(20):
        reference = f"ER-{year}-{secrets.token_hex(3).upper()}"
        if not Application.objects.filter(reference=reference).exists():
            return reference
    raise RuntimeError("could not find a free application reference")

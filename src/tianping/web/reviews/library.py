"""The bridge to :mod:`tianping.review`: the rule set of a review body
(:func:`rules_for`), the library's records built from the platform's
(``library_member``, ``library_committee``, ``library_application``,
``library_expert``), its findings and input errors as ``ValidationError``, and
the input checks every package uses (:func:`clean_text`, :func:`clean_strings`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from tianping import review as lib
from tianping.text import LocalizedText
from tianping.web.reviews.models import (
    Application,
    Member,
    PanelExpert,
    ReviewBody,
)

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
    text = value.strip()
    if "\x00" in text:
        raise ValidationError({field: [_("The text contains a NUL character.")]})
    if required and not text:
        raise ValidationError({field: [_("This field is required.")]})
    if len(text) > limit:
        raise ValidationError({field: [_("At most {limit} characters.").format(limit=limit)]})
    return text


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
        disciplines=tuple(member.disciplines),
        gender=member.gender,  # type: ignore[arg-type]
        external=member.external,
        organisation=member.affiliation,
        term_start=member.term_start,
        term_end=member.term_end,
        role=member.role,  # type: ignore[arg-type]
        pledges=frozenset(member.pledges),
        interests=tuple(_interests(member.interests)),
        training=tuple(_training(member.training)),
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
        members=tuple(library_member(m) for m in roster),
        registered_on=body.registered_on,
        annual_reports=tuple(reports),
        review_centre=body.is_review_centre,
    )


def library_application(application: Application) -> lib.Application:
    return lib.Application(
        id=application.reference,
        organisation=application.organisation.name,
        team=tuple(str(t) for t in application.team or []),
        parties=tuple(str(p) for p in application.parties or []),
    )


def library_expert(expert: PanelExpert) -> lib.Expert:
    return lib.Expert(
        id=expert.ref,
        name=expert.name,
        disciplines=tuple(expert.disciplines),
        organisation=expert.affiliation,
        interests_declared=expert.interests_declared,
        interests=tuple(_interests(expert.interests)),
    )

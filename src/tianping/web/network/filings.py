"""Filings of committees and review centres to their competent regulator.

Three kinds, with due days from the rules of :mod:`tianping.review` (the body's
rule set): the committee's **registration** (``registration.committee_days``
after set-up), each **listed activity** (``registration.listed_activity_days``
after its approval) and the **annual report** for the previous year (by
``registration.annual_report_due``, 31 March). A registration or an annual report
recorded on the review body before the platform held filings counts as filed.

A filing goes to the competent regulator (the nearest regulator above the body),
is one platform-ledger entry (``network.filing_<kind>``, ids and codes only) and
tells that regulator. The daily job ``network_filing_reminders`` reminds the body
7 days and 1 day before a due day and on the first day past it, when it also
tells the regulator; regulators see what is overdue in their jurisdiction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from tianping import review as lib
from tianping.web.accounts.models import Organisation, Role
from tianping.web.accounts.selectors import memberships_of, users_in
from tianping.web.core.notifications import notify
from tianping.web.core.validation import ERR_CHOICE
from tianping.web.ledger.services import ledger_record_action
from tianping.web.network.deidentify import deidentify
from tianping.web.network.models import Filing, FilingKind
from tianping.web.network.selectors import REGULATOR_ROLES, regulator_organisations
from tianping.web.network.services import TEXT_LIMIT, _text, regulator_above
from tianping.web.reviews.library import rules_for
from tianping.web.reviews.models import Application, DecisionType, ReviewBody

FILER_ROLES = frozenset({Role.CHAIR, Role.ADMIN})
APPROVED = (DecisionType.APPROVE, DecisionType.APPROVE_AFTER_MODIFICATION)
REMIND_DAYS_BEFORE = (7, 1)
OBLIGATION_STATUS = {"due": gettext_lazy("Due"), "overdue": gettext_lazy("Overdue")}


@dataclass(frozen=True, slots=True)
class Obligation:
    """A filing a body still has to make: ``due`` (``days`` left) or ``overdue`` (``days`` past)."""

    body: ReviewBody
    kind: str
    due_on: date
    status: str
    days: int
    year: int | None = None
    application: Application | None = None

    def get_kind_display(self) -> str:
        return str(FilingKind(self.kind).label)

    def get_status_display(self) -> str:
        return str(OBLIGATION_STATUS.get(self.status, self.status))

    def to_json(self) -> dict[str, object]:
        return {
            "organisation_id": self.body.organisation_id,
            "organisation": self.body.organisation.name,
            "kind": self.kind,
            "due_on": self.due_on.isoformat(),
            "status": self.status,
            "days": self.days,
            "year": self.year,
            "application_id": self.application.pk if self.application is not None else None,
        }


def filer_organisations(user: User | AnonymousUser) -> list[Organisation]:
    """The review bodies (committees, centres) in whose name ``user`` files."""
    found = {
        m.organisation.pk: m.organisation
        for m in memberships_of(user)
        if m.role in FILER_ROLES and ReviewBody.objects.filter(organisation=m.organisation).exists()
    }
    return list(found.values())


def filings_visible(user: User | AnonymousUser) -> QuerySet[Filing]:
    """Filings of ``user``'s bodies, and those of bodies within ``user``'s jurisdiction."""
    if not user.is_authenticated:
        return Filing.objects.none()
    query = Filing.objects.select_related("organisation", "regulator")
    if getattr(user, "is_superuser", False):
        return query
    ids = {m.organisation.pk for m in memberships_of(user)}
    condition = Q(organisation__in=ids)
    for regulator in regulator_organisations(user):
        condition |= Q(organisation__path__startswith=regulator.path)
    return query.filter(condition)


def committee_of(body: ReviewBody, filings: Iterable[Filing]) -> lib.Committee:
    """``body`` as the library's filing rules see it: its set-up day, its registration and its
    annual reports, from its own record and the ``filings`` of its organisation (a filing
    wins over the record for the same year)."""
    filings = list(filings)
    registered = body.registered_on or next(
        (f.filed_on for f in filings if f.kind == FilingKind.COMMITTEE_REGISTRATION), None
    )
    reports = {
        int(item["year"]): date.fromisoformat(str(item["filed_on"]))
        for item in body.annual_reports or []
        if isinstance(item, dict) and "year" in item and "filed_on" in item
    }
    reports.update(
        {f.year: f.filed_on for f in filings if f.kind == FilingKind.ANNUAL_REPORT and f.year}
    )
    return lib.Committee(
        id=f"body:{body.pk}",
        name=body.organisation.name,
        organisation=body.organisation.name,
        established_on=body.established_on,
        members=(),
        registered_on=max(registered, body.established_on) if registered else None,
        annual_reports=tuple(lib.AnnualReport(y, d) for y, d in reports.items()),
        review_centre=body.is_review_centre,
    )


def _obligations_of(body: ReviewBody, today: date) -> list[Obligation]:
    rules = rules_for(body)
    filings = list(Filing.objects.filter(organisation=body.organisation_id))
    committee = committee_of(body, filings)
    found = [
        Obligation(
            body=body,
            kind=(
                FilingKind.COMMITTEE_REGISTRATION
                if r.kind == "registration"
                else FilingKind.ANNUAL_REPORT
            ),
            due_on=r.due,
            status=r.status,
            days=r.days,
            year=r.year,
        )
        for r in lib.registration_reminders(committee, rules=rules, today=today).items
        if r.status in ("due", "overdue")
    ]
    filed_apps = {f.application_id for f in filings if f.kind == FilingKind.LISTED_ACTIVITY}
    listed = Application.objects.filter(
        body=body, listed_activity=True, decision__in=APPROVED, decided_at__isnull=False
    ).exclude(pk__in=[pk for pk in filed_apps if pk is not None])
    for application in listed:
        assert application.decided_at is not None
        due = lib.listed_activity_registration_due(
            timezone.localdate(application.decided_at), rules=rules
        )
        late = today > due
        found.append(
            Obligation(
                body=body,
                kind=FilingKind.LISTED_ACTIVITY,
                due_on=due,
                status="overdue" if late else "due",
                days=(today - due).days if late else (due - today).days,
                application=application,
            )
        )
    return sorted(found, key=lambda o: (o.due_on, o.kind))


def obligations(bodies: Iterable[ReviewBody], *, today: date | None = None) -> list[Obligation]:
    """What ``bodies`` still have to file, due day first."""
    day = today or timezone.localdate()
    found: list[Obligation] = []
    for body in bodies:
        found += _obligations_of(body, day)
    return sorted(found, key=lambda o: (o.due_on, o.kind, o.body.organisation_id))


def bodies_within(regulator: Organisation) -> QuerySet[ReviewBody]:
    """The review bodies within ``regulator``'s jurisdiction."""
    return ReviewBody.objects.filter(organisation__path__startswith=regulator.path).select_related(
        "organisation"
    )


def overdue_within(regulator: Organisation, *, today: date | None = None) -> list[Obligation]:
    """The overdue filings of the bodies within ``regulator``'s jurisdiction."""
    return [o for o in obligations(bodies_within(regulator), today=today) if o.status == "overdue"]


def _body(organisation: Organisation) -> ReviewBody:
    body = ReviewBody.objects.filter(organisation=organisation).first()
    if body is None:
        raise ValidationError(
            {"organisation": [_("Only an ethics committee or a review centre files.")]}
        )
    return body


@transaction.atomic
def filing_file(
    *,
    actor: User,
    organisation: Organisation,
    kind: str,
    year: int | None = None,
    application: Application | None = None,
    summary: str = "",
    today: date | None = None,
) -> Filing:
    """File ``kind`` for ``organisation`` with its competent regulator."""
    if organisation.pk not in {o.pk for o in filer_organisations(actor)}:
        raise PermissionDenied(_("Only the chair or an administrator of the body files."))
    body = _body(organisation)
    day = today or timezone.localdate()
    if kind not in FilingKind.values:
        raise ValidationError({"kind": [str(ERR_CHOICE)]})
    text = deidentify(_text(summary, "summary", limit=TEXT_LIMIT, required=False))
    regulator = regulator_above(organisation)
    if regulator is None:
        raise ValidationError(_("No regulator is over this organisation to receive the filing."))
    open_items = _obligations_of(body, day)
    if kind == FilingKind.ANNUAL_REPORT:
        match = [o for o in open_items if o.kind == kind and o.year == year]
        if not match:
            raise ValidationError(
                {"year": [_("No annual report for this year is open for filing.")]}
            )
    elif kind == FilingKind.LISTED_ACTIVITY:
        match = [
            o
            for o in open_items
            if o.kind == kind and application is not None and o.application == application
        ]
        if not match:
            raise ValidationError(
                {"application": [_("Choose an approved listed activity not yet filed.")]}
            )
    else:
        match = [o for o in open_items if o.kind == kind]
        if not match:
            raise ValidationError({"kind": [_("The body's registration is already filed.")]})
    obligation = match[0]
    filing = Filing.objects.create(
        organisation=organisation,
        regulator=regulator,
        kind=kind,
        year=obligation.year,
        application=obligation.application,
        due_on=obligation.due_on,
        filed_on=day,
        summary=text,
        filed_by=actor,
        filed_at=timezone.now(),
    )
    filing.ledger_index = ledger_record_action(
        actor=actor,
        kind=f"network.filing_{kind}",
        subject=filing,
        payload={
            "filing": filing.pk,
            "organisation": organisation.pk,
            "regulator": regulator.pk,
            "year": filing.year,
            "application": filing.application_id,
            "due_on": filing.due_on.isoformat(),
            "filed_on": day.isoformat(),
        },
    )
    filing.save(update_fields=["ledger_index"])
    notify(
        users=users_in([regulator], REGULATOR_ROLES),
        message=gettext_noop("{organisation} filed: {kind}."),
        params={"organisation": organisation.name, "kind": filing.get_kind_display()},
        url=reverse("network:filings"),
        target=filing,
    )
    return filing


def filings_remind(*, now: datetime | None = None) -> int:
    """Remind bodies of filings due in 7 days or 1 day, or overdue since yesterday (then
    also their regulator); daily. Return how many reminders went out."""
    today = timezone.localdate(now) if now is not None else timezone.localdate()
    count = 0
    url = reverse("network:filings")
    for item in obligations(ReviewBody.objects.select_related("organisation"), today=today):
        params = {
            "organisation": item.body.organisation.name,
            "kind": str(FilingKind(item.kind).label),
            "due": item.due_on.isoformat(),
        }
        if item.status == "due" and item.days in REMIND_DAYS_BEFORE:
            notify(
                users=users_in([item.body.organisation], FILER_ROLES),
                message=gettext_noop("Reminder: {kind} is due by {due}."),
                params=params,
                url=url,
            )
            count += 1
        elif item.status == "overdue" and item.days == 1:
            notify(
                users=users_in([item.body.organisation], FILER_ROLES),
                message=gettext_noop("{kind} was due by {due} and is overdue."),
                params=params,
                url=url,
            )
            regulator = regulator_above(item.body.organisation)
            if regulator is not None:
                notify(
                    users=users_in([regulator], REGULATOR_ROLES),
                    message=gettext_noop("{organisation} is overdue: {kind} was due by {due}."),
                    params=params,
                    url=url,
                )
            count += 1
    return count

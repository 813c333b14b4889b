"""Who may read and act on risk reports and early warnings.

A report is read by the members of its reporting organisation (drafts too) and,
once filed, by the regulators on its route (each regulator it was routed or
escalated to); at ``jurisdiction`` visibility also by every regulator over the
reporting organisation and every organisation within the jurisdiction of the
regulator it was first routed to; at ``public`` visibility by every signed-in
user. Anything else answers 404. A warning is read by its issuer, its
recipients and the regulators over a recipient.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from tianping.web.accounts.models import REGULATOR_KINDS, Organisation, OrganisationKind, Role
from tianping.web.accounts.selectors import memberships_of
from tianping.web.catalogue.models import ListedActivity
from tianping.web.core.validation import check_pk
from tianping.web.network.models import (
    EarlyWarning,
    ReportStatus,
    RiskReport,
    Visibility,
    WarningRecipient,
)
from tianping.web.systems.models import Sector

REGULATOR_ROLES = frozenset({Role.REGULATOR, Role.ADMIN})
REPORTER_KINDS = frozenset(
    {
        OrganisationKind.ENTERPRISE,
        OrganisationKind.ETHICS_COMMITTEE,
        OrganisationKind.REVIEW_CENTRE,
        OrganisationKind.UNIVERSITY,
        OrganisationKind.INSTITUTE,
    }
)
REPORTER_ROLES = frozenset({Role.APPLICANT, Role.ADMIN, Role.CHAIR, Role.COMMITTEE_MEMBER})


def member_organisations(user: User | AnonymousUser) -> list[Organisation]:
    """The organisations ``user`` belongs to, in any role."""
    return list({m.organisation.pk: m.organisation for m in memberships_of(user)}.values())


def regulator_organisations(user: User | AnonymousUser) -> list[Organisation]:
    """The regulators in which ``user`` acts as regulator or administrator."""
    found = {
        m.organisation.pk: m.organisation
        for m in memberships_of(user)
        if m.organisation.kind in REGULATOR_KINDS and m.role in REGULATOR_ROLES
    }
    return list(found.values())


def reporter_organisations(user: User | AnonymousUser) -> list[Organisation]:
    """The organisations in whose name ``user`` may file a risk report."""
    found = {
        m.organisation.pk: m.organisation
        for m in memberships_of(user)
        if m.organisation.kind in REPORTER_KINDS and m.role in REPORTER_ROLES
    }
    return list(found.values())


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def reports_visible(user: User | AnonymousUser) -> QuerySet[RiskReport]:
    """The risk reports ``user`` may read (see the module's rule)."""
    if not user.is_authenticated:
        return RiskReport.objects.none()
    filed = ~Q(status=ReportStatus.DRAFT)
    if getattr(user, "is_superuser", False):
        return RiskReport.objects.filter(filed)
    members = member_organisations(user)
    regulators = regulator_organisations(user)
    query = Q(organisation__in=[o.pk for o in members])
    query |= filed & Q(route__in=[o.pk for o in regulators])
    wide = Q(pk__in=[])
    for regulator in regulators:
        wide |= Q(organisation__path__startswith=regulator.path)
    prefixes = sorted({p for o in members for p in _prefixes(o.path)})
    wide |= Q(jurisdiction_path__in=prefixes)
    query |= filed & Q(visibility__in=[Visibility.JURISDICTION, Visibility.PUBLIC]) & wide
    query |= filed & Q(visibility=Visibility.PUBLIC)
    ids = RiskReport.objects.filter(query).values("pk")
    return RiskReport.objects.filter(pk__in=ids).select_related(
        "organisation", "system", "assigned_to"
    )


def report_get(user: User | AnonymousUser, report_id: object) -> RiskReport:
    """A report ``user`` may read, or 404."""
    pk = check_pk(report_id)
    report = reports_visible(user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def can_triage(user: User | AnonymousUser, report: RiskReport) -> bool:
    """Whether ``user`` acts for the regulator holding ``report``."""
    if report.assigned_to_id is None:
        return False
    return any(o.pk == report.assigned_to_id for o in regulator_organisations(user))


def is_on_route(user: User | AnonymousUser, report: RiskReport) -> bool:
    """Whether ``user`` acts for a regulator ``report`` was routed to."""
    ids = [o.pk for o in regulator_organisations(user)]
    return bool(ids) and report.route.filter(pk__in=ids).exists()


def is_reporter(user: User | AnonymousUser, report: RiskReport) -> bool:
    """Whether ``user`` may act for the reporting organisation."""
    return any(o.pk == report.organisation_id for o in reporter_organisations(user))


def warnings_visible(user: User | AnonymousUser) -> QuerySet[EarlyWarning]:
    """The warnings ``user``'s organisations issued or received, or that reached an
    organisation in ``user``'s jurisdiction."""
    if not user.is_authenticated:
        return EarlyWarning.objects.none()
    if getattr(user, "is_superuser", False):
        return EarlyWarning.objects.all()
    ids = [o.pk for o in member_organisations(user)]
    query = Q(issuer__in=ids) | Q(recipients__organisation__in=ids)
    for regulator in regulator_organisations(user):  # regulators over a recipient
        query |= Q(recipients__organisation__path__startswith=regulator.path)
    pks = EarlyWarning.objects.filter(query).values("pk")
    return EarlyWarning.objects.filter(pk__in=pks).select_related("issuer")


def warning_get(user: User | AnonymousUser, warning_id: object) -> EarlyWarning:
    """A warning ``user`` may read, or 404."""
    pk = check_pk(warning_id)
    warning = warnings_visible(user).filter(pk=pk).first()
    if warning is None:
        raise Http404
    return warning


def is_issuer(user: User | AnonymousUser, warning: EarlyWarning) -> bool:
    return any(o.pk == warning.issuer_id for o in member_organisations(user))


def warning_filters(warning: EarlyWarning) -> list[tuple[str, str]]:
    """The filters ``warning`` was sent with, as (label, value) in the reader's language."""
    filters: list[tuple[str, str]] = []
    if warning.sector:
        sector = dict(Sector.choices).get(warning.sector, warning.sector)
        filters.append((gettext("Sector"), str(sector)))
    if warning.kinds:
        kinds = ", ".join(str(OrganisationKind(kind).label) for kind in warning.kinds)
        filters.append((gettext("Kinds of organisation"), kinds))
    if warning.system_type:
        filters.append((gettext("System type"), warning.get_system_type_display()))
    if warning.report_category:
        filters.append((gettext("Reported risk category"), warning.get_report_category_display()))
    if warning.listed_activity:
        activity = ListedActivity.objects.filter(code=warning.listed_activity).first()
        name = activity.loc("name") if activity else warning.listed_activity
        filters.append((gettext("Listed activity"), str(name)))
    return filters


def pending_rows(user: User | AnonymousUser, warning: EarlyWarning) -> QuerySet[WarningRecipient]:
    """The rows of ``warning`` that ``user``'s organisations have yet to acknowledge."""
    ids = [o.pk for o in member_organisations(user)]
    return warning.recipients.filter(organisation__in=ids, acknowledged_at__isnull=True)


def reports_for_regulator(regulator: Organisation) -> QuerySet[RiskReport]:
    """The filed reports a regulator organisation reads: those routed to it, and those at
    ``jurisdiction`` or ``public`` visibility from within its jurisdiction, or ``public``."""
    filed = ~Q(status=ReportStatus.DRAFT)
    wide = Q(visibility__in=[Visibility.JURISDICTION, Visibility.PUBLIC]) & Q(
        organisation__path__startswith=regulator.path
    )
    query = filed & (Q(route=regulator) | wide | Q(visibility=Visibility.PUBLIC))
    ids = RiskReport.objects.filter(query).values("pk")
    return RiskReport.objects.filter(pk__in=ids).select_related(
        "organisation", "system", "assigned_to"
    )

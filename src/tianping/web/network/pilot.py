"""The pilot summary report: a city's (or a province's, rolling up its cities) figures
over the pilot period as a bilingual PDF, and a city's submission of it to its province.

Every figure is added up from :func:`tianping.web.network.monitoring.monthly`, the
rows the monitoring page shows, for the months of the pilot period; nothing is
counted a second time. A submission keeps the PDF and its SHA-256, is appended to
the platform ledger (``network.pilot_summary_submitted``, ids and the digest only)
and notifies the province's regulators, who see it on their monitoring page.
"""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tianping import yamlsafe
from tianping.reports import html_to_pdf
from tianping.web.accounts.models import Organisation, OrganisationKind
from tianping.web.accounts.selectors import users_in
from tianping.web.core.notifications import notify
from tianping.web.core.validation import check_pk
from tianping.web.ledger.services import ledger_record_action
from tianping.web.network import monitoring
from tianping.web.network.models import PilotSummary, RiskCategory
from tianping.web.network.selectors import REGULATOR_ROLES, regulator_organisations
from tianping.web.network.services import DEADLINES
from tianping.web.reviews.labels import code_label


@functools.cache
def pilot_period() -> tuple[date, date]:
    """The pilot period, first and last day, from ``deadlines.yaml`` (seed 000)."""
    data = yamlsafe.load_file(DEADLINES)["pilot"]
    start, end = (date.fromisoformat(str(data[key])) for key in ("start", "end"))
    if end < start:
        raise ValueError("deadlines.yaml: the pilot period ends before it starts")
    return start, end


PDF_LANGUAGES = ("zh-hans", "en")
SUMMARY_KINDS = frozenset(
    {OrganisationKind.MUNICIPAL_REGULATOR, OrganisationKind.PROVINCIAL_REGULATOR}
)


def pilot_months() -> list[str]:
    months = []
    start, end = pilot_period()
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def figures(region: Organisation) -> dict[str, Any]:
    """The region's monthly rows over the pilot period and their totals."""
    months = pilot_months()
    rows: list[dict[str, Any]] = []
    for year in sorted({int(m[:4]) for m in months}):
        rows += [r for r in monitoring.monthly([region], year) if r["month"] in months]
    rows.sort(key=lambda r: r["month"])
    totals: dict[str, Any] = {
        key: sum(r[key] for r in rows)
        for key in (
            "reviews",
            "expert_reviews",
            "certificates",
            "risk_reports",
            "warnings_received",
            "warnings_acknowledged",
            "late_filings",
            "cases_contributed",
        )
    }
    for key in ("reviews_by_procedure", "reviews_by_decision", "risk_reports_by_category"):
        summed: dict[str, int] = defaultdict(int)
        for row in rows:
            for code, n in row[key].items():
                summed[code] += n
        totals[key] = dict(sorted(summed.items()))
    totals["expert_target"] = monitoring.EXPERT_RE_REVIEW_TARGET
    totals["expert_missing"] = max(0, monitoring.EXPERT_RE_REVIEW_TARGET - totals["expert_reviews"])
    return {"rows": rows, "totals": totals}


def _both(text: Callable[[], str]) -> tuple[str, str]:
    found = []
    for language in PDF_LANGUAGES:
        with translation.override(language):
            found.append(str(text()))
    return found[0], found[1]


def _labels() -> dict[str, tuple[str, str]]:
    texts: dict[str, Callable[[], str]] = {
        "title": lambda: _("Pilot summary report"),
        "region": lambda: _("Region"),
        "period": lambda: _("Pilot period"),
        "generated": lambda: _("Generated at"),
        "overview": lambda: _("Overview"),
        "figure": lambda: _("Figure"),
        "count": lambda: _("Count"),
        "reviews": lambda: _("Reviews decided"),
        "by_procedure": lambda: _("Reviews by procedure"),
        "by_decision": lambda: _("Reviews by outcome"),
        "expert": lambda: _("Expert re-reviews against the pilot's target"),
        "expert_done": lambda: _("Expert re-reviews"),
        "target": lambda: _("Target"),
        "missing": lambda: _("Missing"),
        "certificates": lambda: _("Certificates"),
        "reports": lambda: _("Risk reports"),
        "by_category": lambda: _("Risk reports by category"),
        "warnings": lambda: _("Warnings received"),
        "acknowledged": lambda: _("Acknowledged"),
        "late": lambda: _("Late filings"),
        "cases": lambda: _("Cases contributed"),
        "monthly": lambda: _("Monthly series"),
        "month": lambda: _("Month"),
        "chart": lambda: _("Reviews and risk reports per month"),
        "none": lambda: _("None recorded."),
        "note": lambda: _(
            "Every figure is taken from the platform's monthly monitoring statistics "
            "for the months of the pilot period."
        ),
    }
    return {key: _both(text) for key, text in texts.items()}


def _named(counts: dict[str, int], name: Callable[[str], str]) -> list[tuple[str, str, int]]:
    """Each code's name in Chinese and English, and its count."""
    return [(*_both(partial(name, code)), n) for code, n in counts.items()]


def _category(code: str) -> str:
    return str(RiskCategory(code).label) if code in RiskCategory.values else code


def _chart(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    top = max([r["reviews"] + r["risk_reports"] for r in rows] + [1])
    bars = []
    for i, row in enumerate(rows):
        reviews_h = round(100 * row["reviews"] / top)
        reports_h = round(100 * row["risk_reports"] / top)
        bars.append(
            {
                "month": row["month"],
                "x": 10 + i * 40,
                "reviews_h": reviews_h,
                "reports_h": reports_h,
                "reviews_y": 110 - reviews_h,
                "reports_y": 110 - reviews_h - reports_h,
            }
        )
    return bars


def summary_pdf(region: Organisation) -> bytes:
    """The bilingual (Chinese and English) pilot summary report of ``region`` as a PDF."""
    data = figures(region)
    totals = data["totals"]
    context = {
        "region": region,
        "labels": _labels(),
        "period": "{:%Y-%m-%d} – {:%Y-%m-%d}".format(*pilot_period()),
        "generated": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "totals": totals,
        "rows": data["rows"],
        "chart": _chart(data["rows"]),
        "by_procedure": _named(totals["reviews_by_procedure"], code_label),
        "by_decision": _named(totals["reviews_by_decision"], code_label),
        "by_category": _named(totals["risk_reports_by_category"], _category),
    }
    return html_to_pdf(render_to_string("network/pilot_summary_pdf.html", context))


def summary_region(user: User | AnonymousUser, region_id: object) -> Organisation:
    """A city's or province's regulator of ``user`` (the report's region); else Http404."""
    pk: int | None = None
    if region_id not in (None, ""):
        text = str(region_id)
        pk = check_pk(int(text)) if text.isascii() and text.isdigit() else check_pk(None)
    for regulator in regulator_organisations(user):
        if regulator.kind in SUMMARY_KINDS and (pk is None or regulator.pk == pk):
            return regulator
    raise Http404


def _province_of(city: Organisation) -> Organisation | None:
    parent = city.parent
    while parent is not None and parent.kind != OrganisationKind.PROVINCIAL_REGULATOR:
        parent = parent.parent
    return parent


@transaction.atomic
def summary_submit(*, actor: User, region: Organisation) -> PilotSummary:
    """Generate ``region``'s (a city's) report and submit it to its province."""
    if region.kind != OrganisationKind.MUNICIPAL_REGULATOR or region.pk not in {
        o.pk for o in regulator_organisations(actor)
    }:
        raise PermissionDenied(_("Only a city's regulator submits its pilot summary report."))
    province = _province_of(region)
    if province is None:
        raise PermissionDenied(_("This city has no provincial regulator on the platform."))
    pdf = summary_pdf(region)
    summary = PilotSummary.objects.create(
        region=region,
        submitted_to=province,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        submitted_by=actor,
        submitted_at=timezone.now(),
    )
    summary.ledger_index = ledger_record_action(
        actor=actor,
        kind="network.pilot_summary_submitted",
        subject=summary,
        payload={
            "summary": summary.pk,
            "region": region.pk,
            "province": province.pk,
            "sha256": summary.sha256,
        },
    )
    summary.save(update_fields=["ledger_index"])
    notify(
        users=users_in([province], REGULATOR_ROLES),
        message=gettext_noop("{region} submitted its pilot summary report."),
        params={"region": region.name},
        url=reverse("network:pilot_summary_file", args=[summary.pk]),
        target=summary,
    )
    return summary


def summaries_visible(user: User | AnonymousUser) -> QuerySet[PilotSummary]:
    """Submissions of ``user``'s regulators, and those received within their jurisdiction."""
    condition = Q(pk__in=[])
    for regulator in regulator_organisations(user):
        condition |= Q(region=regulator) | Q(submitted_to__path__startswith=regulator.path)
    return PilotSummary.objects.filter(condition).select_related("region", "submitted_to")


def summary_get(user: User | AnonymousUser, summary_id: object) -> PilotSummary:
    found = summaries_visible(user).filter(pk=check_pk(summary_id)).first()
    if found is None:
        raise Http404
    return found

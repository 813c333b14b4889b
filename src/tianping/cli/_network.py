"""`tianping network` sub-commands: risk reports, early warnings and monthly statistics.

They read the platform's database (TIANPING_HOME, or DATABASE_URL) and honour
``--json FILE`` (``-``: standard output). An organisation number that names no
regulator exits with 2.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from tianping.cli._common import (
    JsonFileOption,
    LanguageOption,
    chosen_language,
    emit_json,
    out_console,
)
from tianping.text import LocalizedText

app = typer.Typer(
    help="The three-tier risk network on the platform: risk reports a regulator sees, early "
    "warnings and their acknowledgements, monthly statistics.",
    no_args_is_help=True,
)

_UI = {
    "unknown": LocalizedText(
        zh="没有编号为 {id} 的监管机构", en="No regulator has the number {id}"
    ),
    "id": LocalizedText(zh="编号", en="No."),
    "title": LocalizedText(zh="标题", en="Title"),
    "organisation": LocalizedText(zh="报告单位", en="Reporter"),
    "status": LocalizedText(zh="状态", en="Status"),
    "category": LocalizedText(zh="风险类别", en="Category"),
    "severity": LocalizedText(zh="严重程度", en="Severity"),
    "issuer": LocalizedText(zh="发布机构", en="Issuer"),
    "recipients": LocalizedText(zh="接收单位", en="Recipients"),
    "acknowledged": LocalizedText(zh="已确认", en="Acknowledged"),
    "region": LocalizedText(zh="地区", en="Region"),
    "month": LocalizedText(zh="月份", en="Month"),
    "reviews": LocalizedText(zh="审查", en="Reviews"),
    "expert": LocalizedText(zh="专家复核", en="Expert re-reviews"),
    "certificates": LocalizedText(zh="证书", en="Certificates"),
    "reports": LocalizedText(zh="风险报告", en="Risk reports"),
    "warnings": LocalizedText(zh="预警", en="Warnings"),
    "late": LocalizedText(zh="逾期备案", en="Late filings"),
}

RegulatorOption = Annotated[
    int,
    typer.Option(
        "--regulator", min=1, metavar="ORG_ID", help="The regulator organisation's number."
    ),
]


def _ui(key: str, language: str, **params: object) -> str:
    return _UI[key].get(language).format(**params)


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def _regulator(ident: int, language: str) -> Any:
    from tianping.web import launcher

    launcher.setup()
    from tianping.web.accounts.models import REGULATOR_KINDS, Organisation

    found = Organisation.objects.filter(pk=ident, kind__in=REGULATOR_KINDS).first()
    if found is None:
        typer.echo(_ui("unknown", language, id=ident), err=True)
        raise typer.Exit(2)
    return found


@app.command("report")
def report(
    regulator: RegulatorOption,
    json_out: JsonFileOption = None,
    lang: LanguageOption = None,
) -> None:
    """List the risk reports a regulator organisation sees, newest first.

    Those routed to it, and those visible within its jurisdiction or to everyone.
    """
    language = chosen_language(lang)
    organisation = _regulator(regulator, language)
    from tianping.web.network.selectors import reports_for_regulator

    reports = [
        {
            "id": r.pk,
            "organisation_id": r.organisation_id,
            "organisation": r.organisation.name,
            "system_id": r.system_id,
            "kind": r.kind,
            "category": r.category,
            "severity": r.severity,
            "status": r.status,
            "visibility": r.visibility,
            "title": r.title,
            "assigned_to_id": r.assigned_to_id,
            "filed_at": _iso(r.filed_at),
            "triage_due_at": _iso(r.triage_due_at),
        }
        for r in reports_for_regulator(organisation)
    ]
    if emit_json(reports, json_out, language=language):
        return
    table = Table(
        *(
            _ui(k, language)
            for k in ("id", "title", "organisation", "category", "severity", "status")
        )
    )
    for r in reports:
        table.add_row(
            str(r["id"]),
            str(r["title"]),
            str(r["organisation"]),
            str(r["category"]),
            str(r["severity"]),
            str(r["status"]),
        )
    out_console().print(table)


@app.command("warnings")
def warnings(
    regulator: RegulatorOption,
    json_out: JsonFileOption = None,
    lang: LanguageOption = None,
) -> None:
    """List the early warnings the regulator organisation issued, with who acknowledged."""
    language = chosen_language(lang)
    organisation = _regulator(regulator, language)
    from tianping.web.network.models import EarlyWarning

    found = []
    for w in EarlyWarning.objects.filter(issuer=organisation).prefetch_related(
        "recipients__organisation"
    ):
        rows = list(w.recipients.all())
        found.append(
            {
                "id": w.pk,
                "title": w.title,
                "category": w.category,
                "severity": w.severity,
                "issued_at": _iso(w.issued_at),
                "acknowledge_by": _iso(w.acknowledge_by),
                "recipients": len(rows),
                "acknowledged": sum(1 for r in rows if r.acknowledged_at is not None),
                "pending": [
                    {
                        "organisation_id": r.organisation_id,
                        "organisation": r.organisation.name,
                        "times_sent": r.times_sent,
                    }
                    for r in rows
                    if r.acknowledged_at is None
                ],
            }
        )
    if emit_json(found, json_out, language=language):
        return
    table = Table(
        *(
            _ui(k, language)
            for k in ("id", "title", "category", "severity", "recipients", "acknowledged")
        )
    )
    for data in found:
        table.add_row(
            str(data["id"]),
            str(data["title"]),
            str(data["category"]),
            str(data["severity"]),
            str(data["recipients"]),
            str(data["acknowledged"]),
        )
    out_console().print(table)


@app.command("monthly")
def monthly(
    regulator: RegulatorOption,
    year: Annotated[int, typer.Option(min=2000, max=2999, help="The year.")],
    json_out: JsonFileOption = None,
    lang: LanguageOption = None,
) -> None:
    """Monthly statistics of the regions under a regulator organisation.

    The centre compares its provinces, a province its cities: reviews, expert
    re-reviews, certificates, risk reports, warnings and late filings.
    """
    language = chosen_language(lang)
    organisation = _regulator(regulator, language)
    from tianping.web.network import monitoring

    rows = monitoring.monthly(monitoring.regions_under(organisation), year)
    if emit_json(rows, json_out, language=language):
        return
    table = Table(
        *(
            _ui(k, language)
            for k in (
                "region",
                "month",
                "reviews",
                "expert",
                "certificates",
                "reports",
                "warnings",
                "acknowledged",
                "late",
            )
        )
    )
    for r in rows:
        table.add_row(
            str(r["region"]),
            str(r["month"]),
            str(r["reviews"]),
            str(r["expert_reviews"]),
            str(r["certificates"]),
            str(r["risk_reports"]),
            str(r["warnings_received"]),
            str(r["warnings_acknowledged"]),
            str(r["late_filings"]),
        )
    out_console().print(table)

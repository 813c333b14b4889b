"""`tianping review` sub-commands: the rules of ethics review, and a committee check.

The commands read and print; the work is :mod:`tianping.review`'s. Library
errors stay :class:`~tianping.errors.TianpingError`\\ s, worded in the chosen
language, and ``tianping.cli.main`` turns them into exit code 2. A committee
that fails a rule, or has an overdue filing, gives exit code 1.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tianping.cli._common import (
    LANGUAGE_HELP_BILINGUAL_JSON,
    JsonFileOption,
    chosen_language,
    emit_json,
    fail,
    language_option,
    out_console,
)
from tianping.review import (
    CompositionResult,
    Reminders,
    ReviewError,
    RuleSet,
    available_rule_sets,
    check_composition,
    load_committee,
    load_rules,
    registration_reminders,
)
from tianping.text import LocalizedText

app = typer.Typer(
    help=(
        "Ethics review: the rules committees work by (the 2023 S&T Ethics Review Measures, the "
        "2026 AI ethics review measures, provincial overlays), with their sources, and a check "
        "of a committee's composition and filings."
    ),
    no_args_is_help=True,
)

# Words of the console output.
_UI = {
    "rule": LocalizedText(zh="规则", en="Rule"),
    "value": LocalizedText(zh="取值", en="Value"),
    "source": LocalizedText(zh="依据", en="Source"),
    "confidence": LocalizedText(zh="可信度", en="Conf."),
    "from": LocalizedText(zh="施行", en="From"),
    "layer": LocalizedText(zh="层级", en="Layer"),
    "ruleset": LocalizedText(
        zh="规则集 {name}（{id} {version}；继承链 {chain}；适用日 {on}）",
        en="Rule set {name} ({id} {version}; chain {chain}; on {on})",
    ),
    "article_confidence": LocalizedText(zh="条款 {confidence}", en="art. {confidence}"),
    "composition_ok": LocalizedText(
        zh="委员会 {name}：{on} 的组成符合规则集 {ruleset}（在任委员 {count} 名）。",
        en="Committee {name}: its composition meets rule set {ruleset} on {on} "
        "({count} serving members).",
    ),
    "composition_failed": LocalizedText(
        zh="委员会 {name}：{on} 的组成不符合规则集 {ruleset}（{count} 项）：",
        en="Committee {name}: its composition fails rule set {ruleset} on {on} "
        "({count} finding(s)):",
    ),
    "finding": LocalizedText(zh="问题", en="Finding"),
    "reminders_none": LocalizedText(
        zh="登记和年度报告：截至 {today} 没有待办事项。",
        en="Registration and annual reports: nothing to file as of {today}.",
    ),
    "reminders": LocalizedText(
        zh="登记和年度报告（截至 {today}）：", en="Registration and annual reports (as of {today}):"
    ),
    "status": LocalizedText(zh="状态", en="Status"),
    "due": LocalizedText(zh="截止日", en="Due"),
    "due_status": LocalizedText(zh="待办", en="due"),
    "overdue_status": LocalizedText(zh="逾期", en="overdue"),
    "late_status": LocalizedText(zh="迟交", en="filed late"),
    "export_unknown": LocalizedText(
        zh="没有编号或受理编号为 {ident} 的审查申请。",
        en="No review application with id or reference {ident}.",
    ),
    "export_title": LocalizedText(zh="审查申请 {reference}", en="Review application {reference}"),
    "export_field": LocalizedText(zh="项目", en="Field"),
    "export_events": LocalizedText(zh="时间线（{count} 条）", en="Timeline ({count} events)"),
    "export_ledger": LocalizedText(zh="账本条目", en="Ledger entry"),
}


def _ui(key: str, language: str, **params: object) -> str:
    return _UI[key].get(language).format(**params)


def _province_option(value: str | None) -> str | None:
    if value is None:
        return None
    known = available_rule_sets()
    if value.strip().lower() not in known:
        raise typer.BadParameter(f"use one of {', '.join(known)}")
    return value.strip().lower()


LanguageOption = Annotated[str | None, language_option(LANGUAGE_HELP_BILINGUAL_JSON)]
ProvinceOption = Annotated[
    str | None,
    typer.Option(
        "--province",
        "-p",
        metavar="NAME",
        callback=_province_option,
        help="A provincial overlay on the national rules, e.g. sichuan (default: national).",
    ),
]
OnOption = Annotated[
    datetime | None,
    typer.Option(
        "--on",
        formats=["%Y-%m-%d"],
        metavar="YYYY-MM-DD",
        help="The day to apply the rules on (default: today): rules not yet in force are left "
        "out, terms and filings are checked as of that day.",
    ),
]


def _day(on: datetime | None) -> date:
    return date.today() if on is None else on.date()


def _rules(province: str | None, day: date, language: str) -> RuleSet:
    try:
        return load_rules(province, on=day)
    except ReviewError as exc:
        fail(exc, language)


def _confidence(rule_confidence: str, article_confidence: str | None, language: str) -> str:
    if article_confidence is None or article_confidence == rule_confidence:
        return rule_confidence
    return f"{rule_confidence}\n" + _ui(
        "article_confidence", language, confidence=article_confidence
    )


@app.command("rules")
def rules(
    province: ProvinceOption = None,
    on: OnOption = None,
    json_out: JsonFileOption = None,
    lang: LanguageOption = None,
) -> None:
    """Print the effective rule set: every rule, its value, source, confidence and date.

    Confidence: V checked against the legal text, S secondary source, M
    recollection of the official text, ? uncertain; "art." marks how sure the
    article number is where that differs.
    """
    language = chosen_language(lang)
    day = _day(on)
    ruleset = _rules(province, day, language)
    if emit_json(ruleset.to_json(lang), json_out, language=language):
        return
    table = Table(
        title=_ui(
            "ruleset",
            language,
            name=ruleset.name.get(language),
            id=ruleset.id,
            version=ruleset.version,
            chain=" → ".join(ruleset.chain),
            on=day.isoformat(),
        ),
        title_justify="left",
        show_lines=True,
    )
    table.add_column(_ui("rule", language), ratio=3, overflow="fold", min_width=24)
    table.add_column(_ui("value", language), ratio=1, overflow="fold")
    table.add_column(_ui("source", language), ratio=2, overflow="fold")
    table.add_column(_ui("confidence", language), no_wrap=True)
    table.add_column(_ui("from", language), no_wrap=True)
    for rule in ruleset:
        name = Text(rule.id, style="bold")
        name.append("\n" + rule.title.get(language))
        if rule.note is not None:
            name.append("\n" + rule.note.get(language), style="dim")
        table.add_row(
            name,
            Text(rule.value_text(language)),
            Text(f"{rule.citation.get(language)}\n({rule.layer})"),
            Text(_confidence(rule.confidence, rule.article_confidence, language)),
            Text(rule.effective_from.isoformat()),
        )
    out_console().print(table)


def _print_composition(
    result: CompositionResult, name: str, ruleset: RuleSet, language: str, console: Console
) -> None:
    if result.ok:
        console.print(
            _ui(
                "composition_ok",
                language,
                name=name,
                on=result.on.isoformat(),
                ruleset=ruleset.id,
                count=len(result.serving),
            )
        )
        return
    console.print(
        Text(
            _ui(
                "composition_failed",
                language,
                name=name,
                on=result.on.isoformat(),
                ruleset=ruleset.id,
                count=len(result.findings),
            ),
            style="bold red",
        )
    )
    table = Table(show_lines=True)
    table.add_column(_ui("rule", language), no_wrap=True)
    table.add_column(_ui("finding", language), ratio=3, overflow="fold")
    table.add_column(_ui("source", language), ratio=2, overflow="fold")
    table.add_column(_ui("confidence", language), no_wrap=True)
    for finding in result.findings:
        table.add_row(
            Text(finding.rule.id),
            Text(finding.message.get(language)),
            Text(finding.rule.citation.get(language)),
            Text(finding.rule.confidence),
        )
    console.print(table)


def _print_reminders(reminders: Reminders, language: str, console: Console) -> None:
    today = reminders.today.isoformat()
    if not reminders.items:
        console.print(_ui("reminders_none", language, today=today))
        return
    console.print(_ui("reminders", language, today=today))
    table = Table(show_lines=True)
    table.add_column(_ui("status", language), no_wrap=True)
    table.add_column(_ui("due", language), no_wrap=True)
    table.add_column(_ui("finding", language), ratio=3, overflow="fold")
    table.add_column(_ui("source", language), ratio=2, overflow="fold")
    for reminder in reminders.items:
        style = "bold red" if reminder.status == "overdue" else ""
        table.add_row(
            Text(_ui(f"{reminder.status}_status", language), style=style),
            Text(reminder.due.isoformat()),
            Text(reminder.message.get(language)),
            Text(reminder.rule.citation.get(language)),
        )
    console.print(table)


@app.command("check-committee")
def check_committee(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE",
            help="A committee description, YAML or JSON (see examples/review/).",
        ),
    ],
    province: ProvinceOption = None,
    on: OnOption = None,
    json_out: JsonFileOption = None,
    lang: LanguageOption = None,
) -> None:
    """Check a committee's composition and its registration and annual-report filings.

    Lists every rule the committee fails, with its source, and every filing due
    or overdue. Exit status 0 when the committee meets every rule and nothing
    is overdue, 1 when it does not, 2 when the file or the rules cannot be read.
    """
    language = chosen_language(lang)
    day = _day(on)
    try:
        committee = load_committee(file)
        ruleset = load_rules(province, on=day)
        composition = check_composition(committee, rules=ruleset, on=day)
        reminders = registration_reminders(committee, rules=ruleset, today=day)
    except ReviewError as exc:
        fail(exc, language)
    if not emit_json(
        {
            "committee": committee.id,
            "ruleset": ruleset.id,
            "chain": list(ruleset.chain),
            "on": day.isoformat(),
            "ok": composition.ok and reminders.ok,
            "composition": composition.to_json(lang),
            "reminders": reminders.to_json(lang),
        },
        json_out,
        language=language,
    ):
        console = out_console()
        _print_composition(composition, committee.name, ruleset, language, console)
        _print_reminders(reminders, language, console)
    if not (composition.ok and reminders.ok):
        raise typer.Exit(1)


def _print_record(record: dict[str, object], language: str, console: Console) -> None:
    app_part = record["application"]
    assert isinstance(app_part, dict)
    console.print(Text(_ui("export_title", language, reference=app_part["reference"]), "bold"))
    table = Table(show_header=False)
    table.add_column(_ui("export_field", language))
    table.add_column(_ui("value", language))
    decision = record.get("decision") or {}
    procedure = record.get("procedure") or {}
    assert isinstance(decision, dict) and isinstance(procedure, dict)
    rows = [
        ("title", app_part.get("title")),
        ("organisation", (app_part.get("organisation") or {}).get("name")),
        ("system", (app_part.get("system") or {}).get("name")),
        ("body", (app_part.get("body") or {}).get("name")),
        ("kind", app_part.get("kind")),
        ("tier", app_part.get("tier")),
        ("listed_activity", app_part.get("listed_activity")),
        ("status", app_part.get("status")),
        ("procedure", procedure.get("procedure")),
        ("due_at", procedure.get("due_at")),
        ("decision", decision.get("type")),
        ("decided_at", decision.get("decided_at")),
        ("follow_up_due", decision.get("follow_up_due")),
    ]
    for key, value in rows:
        table.add_row(key, Text("—" if value in (None, "") else str(value)))
    console.print(table)
    timeline = record.get("timeline") or []
    assert isinstance(timeline, list)
    events = Table(title=_ui("export_events", language, count=len(timeline)))
    events.add_column("at")
    events.add_column("kind")
    events.add_column("actor")
    events.add_column(_ui("export_ledger", language), justify="right")
    for event in timeline:
        events.add_row(
            Text(str(event.get("at"))),
            Text(str(event.get("kind"))),
            Text(str(event.get("actor") or "—")),
            Text("—" if event.get("ledger_index") is None else str(event["ledger_index"])),
        )
    console.print(events)


@app.command("export")
def export(
    ident: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="The application's number or reference, e.g. 42 or ER-2026-7F3A9C.",
        ),
    ],
    json_out: JsonFileOption = None,
    lang: LanguageOption = None,
) -> None:
    """Export the complete record of one review application from the platform's database.

    Reads the database of the platform (TIANPING_HOME, or DATABASE_URL): the
    application, its bundle (names, sizes, SHA-256; never the contents), the
    procedure, declarations, meetings and votes, opinions, the decision, any
    expert re-review, appeals, follow-ups, the timeline and the ledger entries.
    Exit status 2 when no application has that number or reference.
    """
    from tianping.web import launcher

    launcher.setup()
    from tianping.web.reviews.records import selectors as records

    language = chosen_language(lang)
    application = records.application_find(ident)
    if application is None:
        typer.echo(_ui("export_unknown", language, ident=ident), err=True)
        raise typer.Exit(2)
    record = records.application_record(application)
    if not emit_json(record, json_out, language=language):
        _print_record(record, language, out_console())


@app.command("remind")
def remind(
    days: Annotated[
        int, typer.Option(min=0, max=366, help="Remind of follow-ups due within this many days.")
    ] = 30,
) -> None:
    """Remind applicants and chairs of follow-up reviews due soon or overdue (run it daily).

    Each follow-up is reminded of at most once a week, however often this runs.
    Reads the platform's database (TIANPING_HOME, or DATABASE_URL).
    """
    from tianping.web import launcher

    launcher.run_management("review_reminders", days=days)


@app.command("purge")
def purge(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be purged; change nothing.")
    ] = False,
    today: Annotated[str | None, typer.Option(help="Take this day (YYYY-MM-DD) as today.")] = None,
    json_out: JsonFileOption = None,
) -> None:
    """Remove attachment contents and decision letters of reviews ended longer ago than the
    retention period (TIANPING_REVIEW_RETENTION_YEARS, default 5); names and hashes stay."""
    if today is not None:
        try:
            date.fromisoformat(today)
        except ValueError as exc:
            raise typer.BadParameter(
                f"not a date (YYYY-MM-DD): {today!r}", param_hint="--today"
            ) from exc
    from tianping.web import launcher

    options: dict[str, object] = {"dry_run": dry_run}
    if json_out is not None:
        options["json"] = json_out
    if today:
        options["today"] = today
    launcher.run_management("review_purge", **options)


__all__ = ["app"]

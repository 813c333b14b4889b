"""`tianping cases` sub-commands: import an AIID snapshot, search, similar cases, export.

The work is :mod:`tianping.cases`'s; these commands read files, print tables
and honour ``--lang`` and ``--json FILE`` (``-``: standard output). Library
errors are re-raised worded in the chosen language; ``tianping.cli.main``
prints them and exits with 2.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from tianping.cases import (
    FACETS,
    RISK_CATEGORIES,
    SECTORS,
    SYSTEM_TYPES,
    CaseError,
    Hit,
    cases_json,
    load_cases,
    read_snapshot,
    shipped_index,
    verify_cases,
    write_cases_csv,
)
from tianping.cli._common import (
    STDOUT,
    WRITTEN,
    JsonFileOption,
    LanguageOption,
    chosen_language,
    emit_json,
    fail,
    out_console,
)
from tianping.text import LocalizedText

app = typer.Typer(
    help="The ethics risk case database: import AI Incident Database snapshots, search the "
    "cases in Chinese or English, find cases similar to a system, export them.",
    no_args_is_help=True,
)

_UI = {
    "id": LocalizedText(zh="编号", en="Case"),
    "date": LocalizedText(zh="日期", en="Date"),
    "title": LocalizedText(zh="标题", en="Title"),
    "risk": LocalizedText(zh="风险类别", en="Risk category"),
    "severity": LocalizedText(zh="严重程度", en="Severity"),
    "score": LocalizedText(zh="得分", en="Score"),
    "matched": LocalizedText(zh="匹配字段", en="Matched fields"),
    "found": LocalizedText(zh="共 {total} 个案例匹配“{query}”", en="{total} cases match “{query}”"),
    "summary": LocalizedText(
        zh="{path}：{incidents} 个事件（{first} 至 {last}），{reports} 篇报道，编码 {encoding}",
        en="{path}: {incidents} incidents ({first} to {last}), {reports} reports, "
        "encoding {encoding}",
    ),
    "problems": LocalizedText(zh="{count} 行被跳过：", en="{count} rows skipped:"),
    "line": LocalizedText(zh="第 {line} 行：{reason}", en="line {line}: {reason}"),
    "verified": LocalizedText(
        zh="内置案例核对：{ok} 个一致，{mismatch} 个不一致，{absent} 个不在此快照中",
        en="Shipped cases checked: {ok} match, {mismatch} differ, {absent} not in this snapshot",
    ),
    "year": LocalizedText(zh="年份", en="Year"),
    "incidents": LocalizedText(zh="事件数", en="Incidents"),
    "one_stdout": LocalizedText(
        zh="--json 和 --csv 不能都写到标准输出",
        en="--json and --csv cannot both go to standard output",
    ),
    "exported": LocalizedText(zh="已导出 {count} 个案例", en="{count} cases exported"),
}

LimitOption = Annotated[
    int, typer.Option("--limit", min=1, max=1000, help="How many cases to show.")
]


def _ui(key: str, language: str) -> str:
    return _UI[key].get(language)


def _choice(vocabulary: dict[str, LocalizedText]) -> str:
    return ", ".join(sorted(vocabulary))


@app.command("import")
def import_(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="An AIID incidents.csv (UTF-8 or GBK, at most 64 MiB)."
        ),
    ],
    json_out: JsonFileOption = None,
    lang: LanguageOption = None,
) -> None:
    """Validate and summarise an AI Incident Database snapshot, and check the shipped cases."""
    language = chosen_language(lang)
    try:
        snapshot = read_snapshot(file)
        checks = verify_cases(load_cases(), snapshot)
    except CaseError as exc:
        fail(exc, language)
    data = snapshot.summary()
    data["verification"] = checks
    if emit_json(data, json_out, language=language):
        return
    console = out_console(stderr=False)
    console.print(
        Text(
            _ui("summary", language).format(
                path=data["path"],
                incidents=data["incidents"],
                first=data["first_date"],
                last=data["last_date"],
                reports=data["reports"],
                encoding=data["encoding"],
            )
        )
    )
    table = Table()
    table.add_column(_ui("year", language))
    table.add_column(_ui("incidents", language), justify="right")
    for year, count in data["by_year"].items():
        table.add_row(year, str(count))
    console.print(table)
    if data["problem_count"]:
        console.print(Text(_ui("problems", language).format(count=data["problem_count"])))
        for problem in data["problems"]:
            console.print(Text("  " + _ui("line", language).format(**problem)))
    counts = {
        status: sum(c["status"] == status for c in checks)
        for status in ("ok", "mismatch", "absent")
    }
    console.print(Text(_ui("verified", language).format(**counts)))


def _hits_table(hits: list[Hit], language: str, *, matched: bool = False) -> Table:
    table = Table()
    for key in ("id", "date", "title", "risk", "severity", "score"):
        table.add_column(_ui(key, language), overflow="fold", no_wrap=key in ("id", "date"))
    if matched:
        table.add_column(_ui("matched", language))
    for hit in hits:
        case = hit.case
        row: list[Text | str] = [
            Text(case.id),
            case.date.isoformat(),
            Text(case.title.get(language)),
            RISK_CATEGORIES[case.risk_category].get(language),
            FACETS["severity"][case.severity].get(language),
            f"{hit.score:.2f}",
        ]
        if matched:
            row.append(", ".join(hit.matched))
        table.add_row(*row)
    return table


@app.command("search")
def search(
    query: Annotated[str, typer.Argument(metavar="QUERY", help="Words in Chinese or English.")],
    sector: Annotated[
        str | None,
        typer.Option("--sector", metavar="SECTOR", help=f"Only this sector: {_choice(SECTORS)}."),
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", metavar="REGION", help="Only this region (CN, US, …).")
    ] = None,
    risk: Annotated[
        str | None,
        typer.Option(
            "--risk",
            metavar="CATEGORY",
            help=f"Only this risk category: {_choice(RISK_CATEGORIES)}.",
        ),
    ] = None,
    severity: Annotated[
        str | None,
        typer.Option("--severity", metavar="LEVEL", help="low, medium, high or critical."),
    ] = None,
    year: Annotated[
        str | None, typer.Option("--year", metavar="YYYY", help="Only this year.")
    ] = None,
    limit: LimitOption = 10,
    json_out: JsonFileOption = None,
    lang: LanguageOption = None,
) -> None:
    """Search the cases (BM25 over jieba-segmented Chinese or English text), with facet counts.

    The index searched is --lang's; without it, Chinese when the query holds
    Chinese characters, else English.
    """
    language = chosen_language(lang)
    filters = {"sector": sector, "region": region, "risk_category": risk, "severity": severity,
               "year": year}  # fmt: skip
    try:
        result = shipped_index().search(query, language=lang, limit=limit, filters=filters)
    except CaseError as exc:
        fail(exc, language)
    shown = result.language
    if emit_json(result.to_json(lang), json_out, language=language):
        return
    console = out_console()
    console.print(Text(_ui("found", shown).format(total=result.total, query=query)))
    console.print(_hits_table(list(result.hits), shown))


@app.command("similar")
def similar(
    text: Annotated[
        str,
        typer.Option("--text", metavar="TEXT", help="The system's description (registry text)."),
    ],
    sector: Annotated[
        str | None,
        typer.Option(
            "--sector", metavar="SECTOR", help=f"The system's sector: {_choice(SECTORS)}."
        ),
    ] = None,
    system_type: Annotated[
        str | None,
        typer.Option(
            "--system-type", metavar="TYPE", help=f"The system's type: {_choice(SYSTEM_TYPES)}."
        ),
    ] = None,
    risk: Annotated[
        str | None,
        typer.Option("--risk", metavar="CATEGORY", help="The risk category to look for."),
    ] = None,
    limit: LimitOption = 5,
    json_out: JsonFileOption = None,
    lang: LanguageOption = None,
) -> None:
    """Cases similar to a system: BM25 over its text, normalised, plus boosts for the same
    risk category (+0.5), sector (+0.25) and system type (+0.25)."""
    language = chosen_language(lang)
    try:
        hits = shipped_index().similar(
            text, sector=sector, system_type=system_type, risk_category=risk, language=lang,
            limit=limit,
        )  # fmt: skip
    except CaseError as exc:
        fail(exc, language)
    if emit_json({"hits": [hit.to_json(lang) for hit in hits]}, json_out, language=language):
        return
    out_console().print(_hits_table(hits, language, matched=True))


@app.command("export")
def export(
    json_out: JsonFileOption = None,
    csv_out: Annotated[
        str | None,
        typer.Option(
            "--csv", metavar="FILE", help="Write the cases as CSV to FILE ('-': standard output)."
        ),
    ] = None,
    lang: LanguageOption = None,
) -> None:
    """Export every case as JSON (both languages unless --lang) and/or CSV (both languages)."""
    language = chosen_language(lang)
    try:
        cases = load_cases()
    except CaseError as exc:
        fail(exc, language)
    if json_out is None and csv_out is None:
        json_out = STDOUT
    if json_out == STDOUT and csv_out == STDOUT:
        raise typer.BadParameter(_ui("one_stdout", language), param_hint="--csv")
    if csv_out is not None:
        buffer = io.StringIO(newline="")
        write_cases_csv(cases, buffer)
        if csv_out == STDOUT:
            sys.stdout.write(buffer.getvalue())
        else:
            Path(csv_out).write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")
            err = out_console(stderr=json_out == STDOUT)
            err.print(Text(WRITTEN.get(language).format(path=csv_out)))
    if json_out is not None:
        to_stdout = emit_json(cases_json(cases, lang), json_out, language=language)
        if not to_stdout and csv_out != STDOUT:
            out_console().print(Text(_ui("exported", language).format(count=len(cases))))

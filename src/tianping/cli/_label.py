"""`tianping label` sub-commands: the implicit AIGC label of generated files (GB 45438-2025).

``label check`` exits 0 when every file is compliant, 1 when any is
non-compliant, has no label or is inconclusive, and 2 when any cannot be read
(the others are still checked and reported).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from tianping.aigc import (
    FORMAT_NAMES,
    VERDICT_LABELS,
    LabelReport,
    RulesError,
    UnreadableFileError,
    check_file,
    load_rules,
)
from tianping.cli._common import (
    JsonFileOption,
    LanguageOption,
    chosen_language,
    emit_json,
    err_console,
    fail,
    out_console,
)
from tianping.text import LocalizedText

app = typer.Typer(
    help=(
        "AIGC labels: check the implicit label of AI-generated files (GB 45438-2025) in PNG, "
        "JPEG, MP4, WAV, MP3, docx, PDF and Markdown."
    ),
    no_args_is_help=True,
)

FILE_LINE = LocalizedText(zh="{file}（{format}）：{verdict}", en="{file} ({format}): {verdict}")
AT = LocalizedText(zh="位置：{where}", en="at {where}")
UNCONFIRMED = LocalizedText(zh="未经确认", en="unconfirmed")
GIVES_INCONCLUSIVE = LocalizedText(zh="仅导致无法判定", en="gives inconclusive only")
NOT_SEARCHED = LocalizedText(zh="未完整检查：{note}", en="not fully searched: {note}")
UNREADABLE_LINE = LocalizedText(zh="{file}：无法读取", en="{file}: unreadable")
SUMMARY = LocalizedText(
    zh="共 {total} 个文件：合规 {compliant}，不合规 {non_compliant}，未找到 {not_found}，"
    "无法判定 {inconclusive}，无法读取 {unreadable}",
    en="{total} files: {compliant} compliant, {non_compliant} non-compliant, {not_found} "
    "without a label, {inconclusive} inconclusive, {unreadable} unreadable",
)
RULE_LINE = LocalizedText(
    zh="{id} [{confidence}]{note}：{name}", en="{id} [{confidence}]{note}: {name}"
)


def _print_report(report: LabelReport, language: str) -> None:
    out = out_console(soft_wrap=True)
    verdict = VERDICT_LABELS[report.verdict].get(language)
    line = FILE_LINE.get(language).format(
        file=report.source, format=FORMAT_NAMES[report.format], verdict=verdict
    )
    out.print(Text(line))
    if report.compliant:
        for label in report.labels:
            out.print(Text("  " + AT.get(language).format(where=label.where)))
    for violation in report.violations:
        rule = violation.rule
        marks: list[str] = [rule.confidence]
        if not rule.confirmed:
            marks.append(UNCONFIRMED.get(language))
        if rule.on_violation == "inconclusive":
            marks.append(GIVES_INCONCLUSIVE.get(language))
        text = f"  ✗ {rule.id} [{', '.join(marks)}] {violation.detail.get(language)}"
        if violation.where is not None:
            text += f" ({AT.get(language).format(where=violation.where)})"
        out.print(Text(text))
    for note in report.incomplete:
        out.print(Text("  " + NOT_SEARCHED.get(language).format(note=note.get(language))))


@app.command()
def check(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...", help="The files to check (the format is read from each)."
        ),
    ],
    lang: LanguageOption = None,
    json_file: JsonFileOption = None,
) -> None:
    """Judge each file's implicit label: compliant, non-compliant, not found or inconclusive."""
    language = chosen_language(lang)
    try:
        rules = load_rules()
    except RulesError as exc:
        fail(exc, language)
    results: list[dict[str, Any]] = []
    reports: list[LabelReport] = []
    unreadable: list[tuple[Path, UnreadableFileError]] = []
    for file in files:
        try:
            report = check_file(file, rules)
        except UnreadableFileError as exc:
            unreadable.append((file, exc))
            worded = exc.in_language(language)
            results.append(
                {
                    "file": str(file),
                    "verdict": "unreadable",
                    "error": {"zh-Hans": exc.localized("zh-Hans"), "en": exc.localized("en")},
                }
            )
            err_console().print(
                Text(UNREADABLE_LINE.get(language).format(file=file) + "\n  " + worded.message)
            )
            continue
        reports.append(report)
        results.append(report.to_json())
    counts = {verdict: 0 for verdict in VERDICT_LABELS}
    for report in reports:
        counts[report.verdict] += 1
    summary = {"total": len(files), **counts, "unreadable": len(unreadable)}
    document = {"rules_version": rules.version, "summary": summary, "files": results}
    if not emit_json(document, json_file, language=language):
        for report in reports:
            _print_report(report, language)
        if len(files) > 1:
            out_console(soft_wrap=True).print(Text(SUMMARY.get(language).format(**summary)))
    if unreadable:
        raise typer.Exit(2)
    if any(not report.compliant for report in reports):
        raise typer.Exit(1)


@app.command()
def rules(lang: LanguageOption = None, json_file: JsonFileOption = None) -> None:
    """List the label rules, each with its confidence (V checked, S secondary, M recalled, ?)."""
    language = chosen_language(lang)
    try:
        loaded = load_rules()
    except RulesError as exc:
        fail(exc, language)
    if emit_json(loaded.to_json(), json_file, language=language):
        return
    out = out_console(soft_wrap=True)
    for rule in loaded.rules:
        note = (
            "" if rule.on_violation == "non_compliant" else f", {GIVES_INCONCLUSIVE.get(language)}"
        )
        out.print(
            Text(
                RULE_LINE.get(language).format(
                    id=rule.id, confidence=rule.confidence, note=note, name=rule.name.get(language)
                )
            )
        )


__all__ = ["app"]

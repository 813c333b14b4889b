"""`tianping privacy` sub-commands: scan for personal data, profile, anonymity, de-identify.

The commands read and print; the work is :mod:`tianping.privacy`'s. Library
errors stay :class:`~tianping.errors.TianpingError`\\ s, worded in the chosen
language, and ``tianping.cli.main`` turns them into exit code 2. JSON output
never holds a raw value: findings carry masked forms and salted hashes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tianping.cli._common import (
    STDOUT,
    JsonFileOption,
    LanguageOption,
    chosen_language,
    err_console,
    fail,
    out_console,
    write_json,
)
from tianping.cli._limits import MaxCells, MaxDecodedBytes, MaxRows, enforce
from tianping.privacy import (
    ENTITIES,
    SKIP_REASONS,
    Corpus,
    PrivacyError,
    ScanLimits,
    Scanner,
    anonymity,
    deidentify,
    evaluate,
    generate_corpus,
    load_detectors,
    load_policy,
    pipl_label,
    profile_table,
    scan,
)
from tianping.privacy import Progress as ScanProgress
from tianping.text import LocalizedText

app = typer.Typer(
    help="Privacy: find personal data in files and tables, profile tables, measure k/l/t "
    "anonymity, de-identify by policy, evaluate the detectors.",
    no_args_is_help=True,
)


class EngineOption(StrEnum):
    """The matching engine: Hyperscan when installed (auto), or Python's re."""

    AUTO = "auto"
    HYPERSCAN = "hyperscan"
    RE = "re"


_UI = {
    "scanning": LocalizedText(zh="扫描", en="scanning"),
    "entity": LocalizedText(zh="类型", en="entity"),
    "label": LocalizedText(zh="名称", en="name"),
    "count": LocalizedText(zh="数量", en="findings"),
    "class": LocalizedText(zh="PIPL 类别", en="PIPL class"),
    "findings": LocalizedText(zh="发现的个人信息", en="Personal data found"),
    "skipped": LocalizedText(zh="跳过的文件", en="Skipped"),
    "path": LocalizedText(zh="路径", en="path"),
    "reason": LocalizedText(zh="原因", en="reason"),
    "summary": LocalizedText(
        zh="扫描 {files} 个文件（{mb:.1f} MB，{seconds:.1f} 秒，引擎 {engine}），"
        "发现 {findings} 处，其中未满 14 周岁 {minors} 处",
        en="Scanned {files} file(s) ({mb:.1f} MB in {seconds:.1f} s, engine {engine}): "
        "{findings} finding(s), {minors} of children under 14",
    ),
    "column": LocalizedText(zh="列", en="column"),
    "share": LocalizedText(zh="含个人信息的行", en="rows with personal data"),
    "entities": LocalizedText(zh="类型分布", en="entities"),
    "minors": LocalizedText(zh="未满 14 周岁", en="under 14"),
    "table_class": LocalizedText(zh="表的 PIPL 类别：{label}", en="Table PIPL class: {label}"),
    "rows": LocalizedText(zh="行数", en="rows"),
    "k": LocalizedText(zh="k-匿名", en="k-anonymity"),
    "l": LocalizedText(zh="l-多样性（不同值 / 熵）", en="l-diversity (distinct / entropy)"),
    "t": LocalizedText(zh="t-接近性（EMD）", en="t-closeness (EMD)"),
    "classes": LocalizedText(zh="等价类", en="equivalence classes"),
    "violating": LocalizedText(
        zh="违反目标的等价类 {classes} 个，涉及 {records} 条记录",
        en="{classes} class(es) miss a target, holding {records} record(s)",
    ),
    "prosecutor": LocalizedText(zh="检察官风险（最高 / 平均）", en="prosecutor risk (max / avg)"),
    "journalist": LocalizedText(zh="记者风险（最高 / 平均）", en="journalist risk (max / avg)"),
    "values": LocalizedText(zh="准标识符取值", en="quasi-identifier values"),
    "size": LocalizedText(zh="规模", en="size"),
    "violates": LocalizedText(zh="违反", en="violates"),
    "action": LocalizedText(zh="处理方式", en="action"),
    "precision": LocalizedText(zh="精确率", en="precision"),
    "recall": LocalizedText(zh="召回率", en="recall"),
    "f1": LocalizedText(zh="F1", en="F1"),
}


def _ui(key: str, language: str, **params: object) -> str:
    text = _UI[key].get(language)
    return text.format(**params) if params else text


def _entities(value: str | None) -> list[str] | None:
    if not value:
        return None
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in ENTITIES]
    if unknown:
        raise typer.BadParameter(
            f"unknown entity {', '.join(unknown)}; use {', '.join(ENTITIES)}",
            param_hint="--entities",
        )
    return names


def _number(value: float | None, digits: int = 3) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


@contextmanager
def _scan_progress(enabled: bool, language: str) -> Iterator[Any]:
    if not enabled:
        yield None
        return
    console = err_console()
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[files]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(_ui("scanning", language), total=None, files="")

        def update(event: ScanProgress) -> None:
            bar.update(
                task,
                completed=event.done_bytes,
                total=event.total_bytes or None,
                files=f"{event.files_done}/{event.files_total}",
            )

        yield update


@app.command("scan")
def scan_command(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH...",
            help="Files, directories, archives (.zip, .gz, .tar) or - for standard input.",
        ),
    ],
    json_out: JsonFileOption = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Processes to scan in (files and chunks).")
    ] = 1,
    entities: Annotated[
        str | None,
        typer.Option("--entities", metavar="A,B,…", help="Only these entities (default: all)."),
    ] = None,
    engine: Annotated[
        EngineOption,
        typer.Option("--engine", case_sensitive=False, help="auto (Hyperscan if installed) or re."),
    ] = EngineOption.AUTO,
    min_confidence: Annotated[
        float,
        typer.Option("--min-confidence", min=0.0, max=1.0, help="Drop findings below this."),
    ] = 0.5,
    salt_file: Annotated[
        Path | None,
        typer.Option(
            "--salt-file",
            help="Key the hashes with this file's bytes (to compare scans); random by default.",
        ),
    ] = None,
    max_archive_mb: Annotated[
        int,
        typer.Option("--max-archive-mb", min=1, help="Most an archive may expand to (MiB)."),
    ] = 1024,
    max_ratio: Annotated[
        float,
        typer.Option("--max-ratio", min=1.0, help="Most a member may expand vs compressed."),
    ] = 200.0,
    fail_on_findings: Annotated[
        bool,
        typer.Option("--fail-on-findings", help="Exit with status 1 when anything is found."),
    ] = False,
    lang: LanguageOption = None,
    max_rows: MaxRows = None,
    max_cells: MaxCells = None,
    max_decoded_bytes: MaxDecodedBytes = None,
) -> None:
    """Scan PATH... for personal data; print a summary, write findings as JSON.

    Files that cannot be scanned (binary, unknown encoding, unreadable, archives
    past their limits) are listed with the reason; the scan goes on.
    """
    language = chosen_language(lang)
    console = out_console(stderr=json_out == STDOUT)
    salt = salt_file.read_bytes() if salt_file is not None else None
    limits = ScanLimits(max_archive_bytes=max_archive_mb << 20, max_ratio=max_ratio)
    enforce(
        paths,
        max_rows=max_rows,
        max_cells=max_cells,
        max_decoded_bytes=max_decoded_bytes,
        language=language,
    )
    try:
        with _scan_progress(json_out != STDOUT, language) as progress:
            report = scan(
                paths,
                entities=_entities(entities),
                workers=workers,
                engine=engine.value,
                salt=salt,
                min_confidence=min_confidence,
                limits=limits,
                progress=progress,
            )
    except PrivacyError as exc:
        fail(exc, language)
    document = report.to_json()
    detectors = load_detectors()
    counts = report.counts()
    if counts:
        table = Table(title=_ui("findings", language))
        for key in ("entity", "label", "class", "count"):
            table.add_column(_ui(key, language))
        for entity, count in counts.items():
            spec = detectors.entity(entity)
            table.add_row(
                entity,
                spec.label.get(language),
                pipl_label(spec.pipl_class).get(language),
                str(count),
            )
        console.print(table)
    skipped = report.skipped
    if skipped:
        table = Table(title=_ui("skipped", language))
        table.add_column(_ui("path", language))
        table.add_column(_ui("reason", language))
        for source in skipped[:50]:
            reason = SKIP_REASONS.get(source.reason or "", None)
            text = reason.get(language) if reason else str(source.reason)
            table.add_row(
                escape(source.path), escape(text + (f" ({source.detail})" if source.detail else ""))
            )
        console.print(table)
    summary = document["summary"]
    console.print(
        _ui(
            "summary",
            language,
            files=summary["files_scanned"],
            mb=summary["bytes_scanned"] / 1e6,
            seconds=report.seconds,
            engine=report.engine,
            findings=summary["findings"],
            minors=summary["minors"],
        )
    )
    if json_out:
        write_json(document, json_out, language=language, console=console)
    if fail_on_findings and report.findings:
        raise typer.Exit(1)


@app.command("profile")
def profile_command(
    table_path: Annotated[
        str, typer.Argument(metavar="TABLE", help="A CSV, TSV, JSON Lines or Parquet file.")
    ],
    json_out: JsonFileOption = None,
    entities: Annotated[
        str | None,
        typer.Option("--entities", metavar="A,B,…", help="Only these entities (default: all)."),
    ] = None,
    max_rows: MaxRows = None,
    max_cells: MaxCells = None,
    max_decoded_bytes: MaxDecodedBytes = None,
    lang: LanguageOption = None,
) -> None:
    """Profile TABLE: per column, the personal data it holds, its share and PIPL class."""
    language = chosen_language(lang)
    console = out_console(stderr=json_out == STDOUT)
    enforce(
        table_path,
        max_rows=max_rows,
        max_cells=max_cells,
        max_decoded_bytes=max_decoded_bytes,
        language=language,
    )
    try:
        profile = profile_table(table_path, entities=_entities(entities))
    except PrivacyError as exc:
        fail(exc, language)
    table = Table(title=escape(f"{profile.path} — {_ui('rows', language)} {profile.rows}"))
    for key in ("column", "share", "entities", "minors", "class"):
        table.add_column(_ui(key, language))
    for column in profile.columns:
        mix = ", ".join(f"{e} {n}" for e, n in column.entities.items())
        if column.hints:
            mix = ", ".join(filter(None, [mix, *(f"[{h}]" for h in column.hints)]))
        table.add_row(
            escape(column.column),
            f"{column.share:.1%}",
            escape(mix) or "—",
            str(column.minors) if column.minors else "—",
            pipl_label(column.pipl_class).get(language),
        )
    console.print(table)
    console.print(_ui("table_class", language, label=pipl_label(profile.pipl_class).get(language)))
    if json_out:
        write_json(profile.to_json(language), json_out, language=language, console=console)


@app.command("anonymity")
def anonymity_command(
    data: Annotated[
        str, typer.Argument(metavar="DATA", help="A Parquet, CSV, TSV or JSON Lines file.")
    ],
    quasi: Annotated[
        str, typer.Option("--quasi", metavar="A,B,C", help="The quasi-identifier columns.")
    ],
    sensitive: Annotated[
        str | None,
        typer.Option("--sensitive", metavar="COLUMN", help="The sensitive attribute (l and t)."),
    ] = None,
    k: Annotated[int, typer.Option("--k", min=1, help="Target k.")] = 5,
    l_target: Annotated[int, typer.Option("--l", min=1, help="Target l (distinct).")] = 2,
    t_target: Annotated[float, typer.Option("--t", min=0.0, max=1.0, help="Target t.")] = 0.2,
    population: Annotated[
        str | None,
        typer.Option("--population", metavar="FILE", help="Population table (journalist risk)."),
    ] = None,
    show: Annotated[int, typer.Option("--show", min=0, help="Violating classes to list.")] = 10,
    json_out: JsonFileOption = None,
    max_rows: MaxRows = None,
    max_cells: MaxCells = None,
    max_decoded_bytes: MaxDecodedBytes = None,
    lang: LanguageOption = None,
) -> None:
    """k-anonymity, l-diversity, t-closeness and re-identification risk of DATA."""
    language = chosen_language(lang)
    console = out_console(stderr=json_out == STDOUT)
    enforce(
        [data, *([population] if population else [])],
        max_rows=max_rows,
        max_cells=max_cells,
        max_decoded_bytes=max_decoded_bytes,
        language=language,
    )
    try:
        report = anonymity(
            data,
            quasi=quasi,
            sensitive=sensitive,
            k=k,
            l=l_target,
            t=t_target,
            population=population,
        )
    except PrivacyError as exc:
        fail(exc, language)
    table = Table(show_header=False)
    table.add_row(_ui("rows", language), str(report.rows))
    table.add_row(_ui("classes", language), str(report.classes))
    table.add_row(_ui("k", language), f"{report.k} (≥ {report.k_target})")
    if report.sensitive is not None:
        table.add_row(
            _ui("l", language),
            f"{report.l_distinct} / {_number(report.l_entropy, 2)} (≥ {report.l_target})",
        )
        table.add_row(_ui("t", language), f"{_number(report.t)} (≤ {report.t_target})")
    table.add_row(
        _ui("prosecutor", language),
        f"{_number(report.prosecutor.highest)} / {_number(report.prosecutor.average)}",
    )
    table.add_row(
        _ui("journalist", language),
        f"{_number(report.journalist.highest)} / {_number(report.journalist.average)}",
    )
    console.print(table)
    console.print(
        _ui(
            "violating",
            language,
            classes=len(report.violating_classes),
            records=report.violating_records,
        )
    )
    if report.violating_classes and show:
        listing = Table()
        for key in ("values", "size", "violates"):
            listing.add_column(_ui(key, language))
        for cls in report.violating_classes[:show]:
            values = ", ".join(f"{k}={v}" for k, v in cls.values.items())
            listing.add_row(escape(values), str(cls.size), ", ".join(cls.violates))
        console.print(listing)
    if json_out:
        write_json(report.to_json(), json_out, language=language, console=console)


@app.command("deidentify")
def deidentify_command(
    source: Annotated[str, typer.Argument(metavar="IN", help="The table to de-identify.")],
    output: Annotated[str, typer.Argument(metavar="OUT", help="Where to write the copy.")],
    policy: Annotated[Path, typer.Option("--policy", help="The policy file (YAML).")],
    json_out: JsonFileOption = None,
    max_rows: MaxRows = None,
    max_cells: MaxCells = None,
    max_decoded_bytes: MaxDecodedBytes = None,
    lang: LanguageOption = None,
) -> None:
    """Write a de-identified copy of IN to OUT (same format and columns) by a policy file."""
    language = chosen_language(lang)
    console = out_console(stderr=json_out == STDOUT)
    enforce(
        source,
        max_rows=max_rows,
        max_cells=max_cells,
        max_decoded_bytes=max_decoded_bytes,
        language=language,
    )
    try:
        result = deidentify(source, output, load_policy(policy))
    except PrivacyError as exc:
        fail(exc, language)
    table = Table(title=escape(f"{output} — {_ui('rows', language)} {result.rows}"))
    table.add_column(_ui("column", language))
    table.add_column(_ui("action", language))
    for outcome in result.columns.values():
        table.add_row(escape(outcome.column), outcome.action)
    console.print(table)
    if json_out:
        write_json(result.to_json(), json_out, language=language, console=console)


@app.command("evaluate")
def evaluate_command(
    documents: Annotated[
        int, typer.Option("--documents", min=1, help="Samples in the generated corpus.")
    ] = 300,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the generated corpus.")] = 0,
    corpus: Annotated[
        Path | None,
        typer.Option("--corpus", help="Evaluate this corpus file instead of generating one."),
    ] = None,
    write_corpus: Annotated[
        Path | None,
        typer.Option("--write-corpus", help="Also write the generated corpus (JSON Lines)."),
    ] = None,
    engine: Annotated[
        EngineOption,
        typer.Option("--engine", case_sensitive=False, help="auto (Hyperscan if installed) or re."),
    ] = EngineOption.AUTO,
    min_f1: Annotated[
        float | None,
        typer.Option("--min-f1", min=0.0, max=1.0, help="Exit with status 1 below this F1."),
    ] = None,
    json_out: JsonFileOption = None,
    lang: LanguageOption = None,
) -> None:
    """Precision, recall and F1 per entity on a labelled synthetic corpus."""
    language = chosen_language(lang)
    console = out_console(stderr=json_out == STDOUT)
    try:
        labelled = (
            Corpus.read(corpus)
            if corpus is not None
            else generate_corpus(seed=seed, documents=documents, as_of=date.today())
        )
        if write_corpus is not None:
            labelled.write(write_corpus)
        report = evaluate(labelled, scanner=Scanner(engine=engine.value))
    except PrivacyError as exc:
        fail(exc, language)
    table = Table(title=f"{report.samples} samples, engine {report.engine}")
    table.add_column(_ui("entity", language))
    for key in ("precision", "recall", "f1"):
        table.add_column(_ui(key, language), justify="right")
    table.add_column("tp / fp / fn", justify="right")
    for score in (*report.scores, report.overall):
        table.add_row(
            score.entity,
            _number(score.precision),
            _number(score.recall),
            _number(score.f1),
            f"{score.tp} / {score.fp} / {score.fn}",
        )
    console.print(table)
    if json_out:
        write_json(report.to_json(), json_out, language=language, console=console)
    if min_f1 is not None and not report.overall.f1 >= min_f1:
        raise typer.Exit(1)


@app.command("entities")
def entities_command(lang: LanguageOption = None) -> None:
    """List the entities, their names and PIPL classes."""
    language = chosen_language(lang)
    detectors = load_detectors()
    table = Table()
    for key in ("entity", "label", "class"):
        table.add_column(_ui(key, language))
    for name in ENTITIES:
        entity = detectors.entity(name)
        table.add_row(name, entity.label.get(language), pipl_label(entity.pipl_class).get(language))
    out_console().print(table)


__all__ = ["app"]

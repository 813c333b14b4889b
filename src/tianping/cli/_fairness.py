"""`tianping fairness` sub-commands: audit a model's decisions for bias, list policies.

The commands read and print; the work is :mod:`tianping.fairness`'s. Library
errors stay :class:`~tianping.errors.TianpingError`\\ s, worded in the chosen
language, and ``tianping.cli.main`` turns them into exit code 2.
"""

from __future__ import annotations

import importlib
import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from tianping.cli._common import (
    WRITTEN,
    CommandError,
    JsonFileOption,
    LanguageOption,
    chosen_language,
    echo_json,
    err_console,
    fail,
    out_console,
    write_json,
)
from tianping.cli._limits import MaxCells, MaxDecodedBytes, MaxRows, enforce
from tianping.fairness import (
    DEFAULT_MIN_GROUP_SIZE,
    DEFAULT_POLICY,
    DEFAULT_REPLICATES,
    STAGES,
    AuditResult,
    FairnessError,
    GroupMetrics,
    ReferenceChoice,
    Stage,
    audit,
    available_policies,
    file_format,
    load_policy,
)
from tianping.text import LocalizedText

app = typer.Typer(
    help="Fairness: audit a model's decisions for bias across protected attributes, from one "
    "grouped count of the data.",
    no_args_is_help=True,
)


# Words of the console summary.
_UI = {
    "counting": LocalizedText(zh="计数", en="counting"),
    "metrics": LocalizedText(zh="计算指标", en="metrics"),
    "bootstrap": LocalizedText(zh="自助法区间", en="bootstrap"),
    "verdicts": LocalizedText(zh="判定", en="verdicts"),
    "rows": LocalizedText(zh="行数", en="Rows"),
    "engine": LocalizedText(zh="引擎", en="engine"),
    "policy": LocalizedText(zh="策略", en="Policy"),
    "verdict": LocalizedText(zh="结论", en="Verdict"),
    "groups": LocalizedText(zh="交叉分组", en="Groups (intersections)"),
    "group": LocalizedText(zh="组", en="group"),
    "count": LocalizedText(zh="行数", en="count"),
    "flag": LocalizedText(zh="备注", en="note"),
    "insufficient": LocalizedText(zh="数据不足", en="insufficient data"),
    "disparities": LocalizedText(zh="差异", en="Disparities"),
    "metric": LocalizedText(zh="指标", en="metric"),
    "over": LocalizedText(zh="分组依据", en="over"),
    "value": LocalizedText(zh="数值", en="value"),
    "ci": LocalizedText(zh="置信区间", en="CI"),
    "p": LocalizedText(zh="p 值", en="p"),
    "explanations": LocalizedText(zh="判定说明", en="Explanations"),
    "represent": LocalizedText(zh="代表性", en="Representativeness"),
    "tvd": LocalizedText(zh="总变差距离", en="total variation distance"),
    "under": LocalizedText(zh="代表不足", en="under-represented"),
    "observed": LocalizedText(zh="实际占比", en="observed"),
    "expected": LocalizedText(zh="参照占比", en="reference"),
    "ratio": LocalizedText(zh="比值", en="ratio"),
    "not_judged": LocalizedText(zh="未判定", en="not judged"),
    "id": LocalizedText(zh="编号", en="id"),
    "title": LocalizedText(zh="名称", en="title"),
    "tolerances": LocalizedText(zh="容差", en="tolerances"),
    "no_spark": LocalizedText(
        zh="--engine spark 需要 PySpark，但无法导入：{reason}",
        en="--engine spark needs PySpark, which could not be imported: {reason}",
    ),
    "no_spark_hint": LocalizedText(
        zh="安装：pip install 'tianping[spark]'（并安装 Java 17 或更高版本）",
        en="Install it with pip install 'tianping[spark]' (and Java 17 or later)",
    ),
    "spark_failed": LocalizedText(
        zh="Spark 无法读取 {path}：{reason}", en="Spark could not read {path}: {reason}"
    ),
}


class Engine(StrEnum):
    """Who reads and counts a file: DuckDB, Spark, or ``auto`` (Spark for cluster URLs only)."""

    AUTO = "auto"
    DUCKDB = "duckdb"
    SPARK = "spark"


# Storage DuckDB cannot read without extensions; ``--engine auto`` hands these to Spark.
SPARK_SCHEMES = ("hdfs://", "s3a://", "abfs://", "abfss://", "wasb://", "wasbs://", "dbfs:/")

_VERDICT_STYLE = {
    "pass": "bold green",
    "warn": "bold yellow",
    "fail": "bold red",
    "inconclusive": "bold magenta",
}
_GROUP_COLUMNS = ("selection_rate", "base_rate", "tpr", "fpr", "precision", "accuracy")


def _ui(key: str, language: str) -> str:
    return _UI[key].get(language)


def _parse_bins(values: list[str]) -> dict[str, list[float]]:
    bins: dict[str, list[float]] = {}
    for value in values:
        name, sep, edges = value.partition("=")
        try:
            if not sep or not name.strip():
                raise ValueError
            bins[name.strip()] = [float(e) for e in edges.split(",")]
        except ValueError as exc:
            raise typer.BadParameter(
                f"{value!r}: write COLUMN=EDGE,EDGE,… such as age=0,25,40,60,200",
                param_hint="--bins",
            ) from exc
    return bins


def _parse_reference(value: str) -> ReferenceChoice:
    lowered = value.strip().lower().replace("-", "_")
    if lowered in {"most_favoured", "most_favored", "largest"}:
        return "most_favoured" if lowered.startswith("most") else "largest"
    group: dict[str, str] = {}
    for part in value.split(","):
        name, sep, level = part.partition("=")
        if not sep or not name.strip():
            raise typer.BadParameter(
                f"{value!r}: use most-favoured, largest, or ATTRIBUTE=VALUE,… naming every "
                "protected attribute",
                param_hint="--reference-group",
            )
        group[name.strip()] = level.strip()
    return group


def _parse_positive(value: str | None) -> object:
    if value is None:
        return None
    return [v.strip() for v in value.split(",")] if "," in value else value


def _number(value: float | None, digits: int = 3) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def _group_label(group: GroupMetrics) -> str:
    return ", ".join(f"{k}={v}" for k, v in group.attributes.items())


@contextmanager
def _progress(enabled: bool, language: str) -> Iterator[Any]:
    """A Rich progress bar over the audit's stages (on standard error), and its callback."""
    if not enabled:
        yield None
        return
    console = err_console()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(_ui("counting", language), total=len(STAGES))

        def advance(stage: Stage) -> None:
            bar.update(task, completed=STAGES.index(stage), description=_ui(stage, language))

        yield advance
        bar.update(task, completed=len(STAGES))


def _engine_for(data: str, engine: Engine) -> Engine:
    if engine is Engine.AUTO:
        return Engine.SPARK if data.lower().startswith(SPARK_SCHEMES) else Engine.DUCKDB
    return engine


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@contextmanager
def _spark_frame(data: str, language: str) -> Iterator[Any]:
    """``data`` read by Spark (the active session, or a new one stopped afterwards).

    The grouped count then runs in Spark; only the count table comes back.
    """
    try:
        # Imported by name: PySpark is an optional extra (``tianping[spark]``).
        spark_errors = importlib.import_module("pyspark.errors")
        spark_sql = importlib.import_module("pyspark.sql")
    except ImportError as exc:
        raise CommandError(
            _ui("no_spark", language).format(reason=_first_line(exc)),
            hint=_ui("no_spark_hint", language),
        ) from exc
    try:
        kind = file_format(Path(data.split("://", 1)[-1]))
    except FairnessError as exc:
        fail(exc, language)
    active = spark_sql.SparkSession.getActiveSession()
    builder = spark_sql.SparkSession.builder.appName("tianping fairness audit").config(
        "spark.ui.showConsoleProgress", "false"
    )
    session = active or builder.getOrCreate()
    try:
        if kind == "parquet":
            frame = session.read.parquet(data)
        elif kind == "csv":
            separator = "\t" if ".tsv" in data.lower() else ","
            frame = session.read.csv(data, header=True, inferSchema=True, sep=separator)
        else:
            frame = session.read.json(data, multiLine=kind == "json")
        yield frame
    except spark_errors.PySparkException as exc:
        # Spark reads lazily: a file it cannot parse may fail only while counting.
        message = _ui("spark_failed", language).format(path=data, reason=_first_line(exc))
        raise CommandError(message) from exc
    finally:
        if active is None:
            session.stop()


@contextmanager
def _opened(data: str, engine: Engine, language: str) -> Iterator[Any]:
    """What ``audit`` gets: the path itself (DuckDB reads it) or a Spark DataFrame."""
    if _engine_for(data, engine) is Engine.SPARK:
        with _spark_frame(data, language) as frame:
            yield frame
    else:
        yield data


@app.command("audit")
def audit_command(
    data: Annotated[
        str,
        typer.Argument(
            metavar="DATA",
            help="A Parquet, CSV or JSON Lines file (globs such as 'part-*.parquet' work); "
            "DuckDB counts it without loading rows into Python.",
        ),
    ],
    protected: Annotated[
        str,
        typer.Option(
            "--protected", metavar="COL,COL", help="Protected attributes, comma-separated."
        ),
    ],
    label: Annotated[str, typer.Option("--label", metavar="COL", help="The true outcome.")],
    prediction: Annotated[
        str | None,
        typer.Option("--prediction", metavar="COL", help="The model's decision."),
    ] = None,
    score: Annotated[
        str | None,
        typer.Option(
            "--score",
            metavar="COL",
            help="A score in [0, 1]: AUC and calibration per group; the prediction is "
            "score ≥ threshold when --prediction is not given.",
        ),
    ] = None,
    threshold: Annotated[
        float, typer.Option("--threshold", help="Decision threshold of the score.")
    ] = 0.5,
    positive: Annotated[
        str | None,
        typer.Option(
            "--positive",
            metavar="VALUE[,VALUE]",
            help="The label/prediction value(s) that count as positive (one-vs-rest), when "
            "they are not 0/1 or true/false.",
        ),
    ] = None,
    weights: Annotated[
        str | None,
        typer.Option("--weights", metavar="COL", help="A column of sample weights."),
    ] = None,
    bins: Annotated[
        list[str] | None,
        typer.Option(
            "--bins",
            metavar="COL=E,E,…",
            help="Bin edges of a numeric protected attribute, e.g. age=0,25,40,60,200 "
            "(bins [0, 25) … labelled 0-25 …); repeat for several.",
        ),
    ] = None,
    reference: Annotated[
        Path | None,
        typer.Option(
            "--reference",
            metavar="FILE",
            dir_okay=False,
            help="A reference population (YAML/JSON shares, e.g. {sex: {F: 0.49, M: 0.51}}) "
            "to check representativeness against.",
        ),
    ] = None,
    reference_group: Annotated[
        str,
        typer.Option(
            "--reference-group",
            metavar="GROUP",
            help="The group disparities are compared with ('vs reference'): most-favoured "
            "(highest selection rate), largest, or ATTR=VALUE,… naming every protected attribute.",
        ),
    ] = "most-favoured",
    bootstrap: Annotated[
        int,
        typer.Option(
            "--bootstrap", min=0, help="Bootstrap replicates for the intervals (0: none)."
        ),
    ] = DEFAULT_REPLICATES,
    policy: Annotated[
        str,
        typer.Option(
            "--policy",
            metavar="NAME|FILE",
            help="A preset (four-fifths, export-review) or a policy YAML file.",
        ),
    ] = DEFAULT_POLICY,
    min_group_size: Annotated[
        int,
        typer.Option(
            "--min-group-size",
            min=0,
            help="Groups with fewer rows are flagged and left out of verdicts.",
        ),
    ] = DEFAULT_MIN_GROUP_SIZE,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the bootstrap.")] = 0,
    json_out: JsonFileOption = None,
    html_out: Annotated[
        Path | None,
        typer.Option(
            "--html",
            metavar="FILE",
            dir_okay=False,
            help="Write the bias assessment report (charts, explanations, group metrics) as "
            "HTML to FILE, in the --lang language.",
        ),
    ] = None,
    system: Annotated[
        str | None,
        typer.Option(
            "--system",
            metavar="NAME",
            help="The system's name on the --html report (default: the data file's name).",
        ),
    ] = None,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            case_sensitive=False,
            help="Who reads and counts DATA: duckdb, spark (PySpark; the grouped count runs "
            "in Spark), or auto (Spark for hdfs://, s3a://, abfs:// … URLs, DuckDB otherwise).",
        ),
    ] = Engine.AUTO,
    max_rows: MaxRows = None,
    max_cells: MaxCells = None,
    max_decoded_bytes: MaxDecodedBytes = None,
    lang: LanguageOption = None,
) -> None:
    """Audit DATA: group metrics, disparities with intervals and tests, and policy verdicts.

    Exit status 2 when the data cannot be audited (missing columns, a non-binary
    label without --positive, no rows, a single group, an unreadable file) or
    the policy is unknown.
    """
    language = chosen_language(lang)
    to_stdout = json_out == "-"
    enforce(
        data,
        max_rows=max_rows,
        max_cells=max_cells,
        max_decoded_bytes=max_decoded_bytes,
        language=language,
    )
    try:
        with (
            _opened(data, engine, language) as source,
            _progress(not to_stdout, language) as progress,
        ):
            result = audit(
                source,
                protected=protected,
                label=label,
                prediction=prediction,
                score=score,
                threshold=threshold,
                weights=weights,
                bins=_parse_bins(bins or []),
                positive=_parse_positive(positive),
                reference=_parse_reference(reference_group),
                policy=policy,
                min_group_size=min_group_size,
                replicates=bootstrap,
                seed=seed,
                population=reference,
                progress=progress,
            )
    except FairnessError as exc:
        fail(exc, language)
    document = result.to_json(language=language)
    if to_stdout:
        echo_json(document)
        return
    _print_result(result, language)
    if json_out is not None:
        write_json(document, json_out, language=language)
    if html_out is not None:
        from tianping.reports import bias_assessment_html

        name = system or Path(data.rstrip("/")).name or data
        html = bias_assessment_html(
            system={"name": name},
            audit=result.to_json(language=language),
            language=language,
            data={"name": data},
        )
        html_out.write_text(html, encoding="utf-8")
        out_console().print(Text(WRITTEN.get(language).format(path=html_out)))


@app.command("policies")
def policies_command(lang: LanguageOption = None) -> None:
    """List the preset fairness policies and their tolerances."""
    language = chosen_language(lang)
    table = Table(show_lines=True)
    for key in ("id", "title", "tolerances"):
        table.add_column(_ui(key, language), overflow="fold")
    for name in available_policies():
        try:
            policy = load_policy(name)
        except FairnessError as exc:
            fail(exc, language)
        tolerances = "\n".join(
            f"{t.metric}: {'≥' if t.direction == 'at_least' else '≤'} {t.pass_threshold:g} pass, "
            f"{'≥' if t.direction == 'at_least' else '≤'} {t.warn_threshold:g} warn"
            for t in policy.tolerances
        )
        table.add_row(
            Text(policy.id),
            Text(f"{policy.title.get(language)}\n{policy.description.get(language)}"),
            Text(tolerances),
        )
    out_console().print(table)


def _print_result(result: AuditResult, language: str) -> None:
    console = out_console()
    meta = result.meta
    verdict = result.verdict
    header = Text.assemble(
        (f"{_ui('verdict', language)}: ", "bold"),
        (verdict, _VERDICT_STYLE[verdict]),
        f"   {_ui('policy', language)}: {meta.policy.id}   {_ui('rows', language)}: "
        f"{meta.rows:,} ({_ui('engine', language)}: {meta.engine})",
    )
    console.print(header)

    groups = Table(title=_ui("groups", language), title_justify="left")
    groups.add_column(_ui("group", language), overflow="fold")
    groups.add_column(_ui("count", language), justify="right")
    for name in _GROUP_COLUMNS:
        groups.add_column(name, justify="right")
    has_score = result.overall.auc is not None
    if has_score:
        groups.add_column("auc", justify="right")
    groups.add_column(_ui("flag", language))
    for group in result.groups:
        row = [Text(_group_label(group)), Text(f"{group.count:,}")]
        row += [Text(_number(group.rates[name])) for name in _GROUP_COLUMNS]
        if has_score:
            row.append(Text(_number(group.auc)))
        row.append(Text(_ui("insufficient", language) if group.insufficient_data else ""))
        groups.add_row(*row, style="dim" if group.insufficient_data else None)
    console.print(groups)

    disparities = Table(title=_ui("disparities", language), title_justify="left")
    for key in ("metric", "over", "value", "ci", "p", "verdict"):
        disparities.add_column(_ui(key, language), overflow="fold")
    for d in result.disparities:
        interval = "—" if d.ci is None else f"{_number(d.ci[0])}–{_number(d.ci[1])}"
        p = "—" if not math.isfinite(d.p_value) else f"{d.p_value:.3g}"
        shown = d.verdict or _ui("not_judged", language)
        disparities.add_row(
            Text(d.metric),
            Text(" × ".join(d.attributes)),
            Text(_number(d.value)),
            Text(interval),
            Text(p),
            Text(shown, style=_VERDICT_STYLE.get(d.verdict or "", "dim")),
        )
    console.print(disparities)

    judged = [d for d in result.disparities if d.verdict is not None]
    if judged:
        console.print(Text(_ui("explanations", language), style="bold"))
        for d in judged:
            console.print(Text(f"• {d.explanation.get(language)}"))

    for r in result.representativeness:
        table = Table(
            title=f"{_ui('represent', language)}: {' × '.join(r.attributes)} — "
            f"{_ui('tvd', language)} {r.total_variation_distance:.3f}, "
            f"χ² p {_number(r.p_value)}",
            title_justify="left",
        )
        for key in ("group", "count", "observed", "expected", "ratio", "flag"):
            table.add_column(_ui(key, language), justify="left" if key == "group" else "right")
        for g in r.groups:
            table.add_row(
                Text(", ".join(f"{k}={v}" for k, v in g.attributes.items())),
                Text(f"{g.count:,}"),
                Text(_number(g.observed_share)),
                Text(_number(g.reference_share)),
                Text(_number(g.ratio, 2)),
                Text(_ui("under", language) if g.under_represented else ""),
            )
        console.print(table)
    sys.stdout.flush()


__all__ = ["app"]

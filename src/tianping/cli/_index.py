"""`tianping index` sub-commands: compute, explain and the FMTI reproduction.

The work is :mod:`tianping.index`'s; these commands read files, print tables
and honour ``--lang`` and ``--json FILE``. Library errors are re-raised worded
in the chosen language; ``tianping.cli.main`` prints them and exits with 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from tianping.cli._common import (
    JsonFileOption,
    LanguageOption,
    chosen_language,
    emit_json,
    fail,
    out_console,
)
from tianping.index import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    MAX_EVIDENCE_BYTES,
    RatingError,
    ResponsibilityIndexError,
    agreement,
    agreement_json,
    fmti_json,
    load_spec,
    rank_ranges,
    read_evidence_file,
    read_fmti,
    reproduce_fmti,
    require_indicator,
    score,
    scorecard_json,
    select_system,
    sensitivity_json,
)
from tianping.text import LocalizedText

app = typer.Typer(
    help="The Machine Responsibility Index: score systems from their evidence, explain a "
    "score, and reproduce Stanford's Foundation Model Transparency Index.",
    no_args_is_help=True,
)

_UI = {
    "system": LocalizedText(zh="系统", en="System"),
    "total": LocalizedText(zh="得分", en="Score"),
    "score_range": LocalizedText(zh="得分范围", en="Score range"),
    "rank": LocalizedText(zh="排名", en="Rank"),
    "rank_range": LocalizedText(zh="排名范围", en="Rank range"),
    "missing": LocalizedText(zh="缺少证据", en="Missing evidence"),
    "title": LocalizedText(
        zh="机器责任指数 {version}（{draws} 次狄利克雷抽样，种子 {seed}，第 5–95 百分位）",
        en="Machine Responsibility Index {version} "
        "({draws} Dirichlet draws, seed {seed}, 5th–95th percentile)",
    ),
    "kappa": LocalizedText(
        zh="评分员一致性：Cohen's κ = {kappa}"
        "（{items} 项；{disagreements} 处分歧，{unresolved} 处未解决）",
        en="Rater agreement: Cohen's κ = {kappa} ({items} items; {disagreements} disagreements, "
        "{unresolved} unresolved)",
    ),
    "undefined": LocalizedText(zh="无定义", en="undefined"),
    "indicator": LocalizedText(zh="指标", en="Indicator"),
    "definition": LocalizedText(zh="定义", en="Definition"),
    "rule": LocalizedText(zh="证据规则", en="Evidence rule"),
    "value": LocalizedText(zh="取值", en="Value"),
    "points": LocalizedText(zh="分值", en="Points"),
    "evidence": LocalizedText(zh="证据", en="Evidence"),
    "reason": LocalizedText(zh="依据", en="Reason"),
    "none": LocalizedText(zh="（无）", en="(none)"),
    "missing_value": LocalizedText(zh="缺失（计为 0）", en="missing (counted as 0)"),
    "company": LocalizedText(zh="公司", en="Company"),
    "mean": LocalizedText(zh="平均分", en="Mean"),
    "fmti": LocalizedText(
        zh="基础模型透明度指数 {edition}：{indicators} 项指标，{layout}",
        en="Foundation Model Transparency Index {edition}: {indicators} indicators, {layout}",
    ),
    "checked": LocalizedText(
        zh="与 {checks} 个已发布数值一致", en="matches all {checks} published values"
    ),
    "mismatch": LocalizedText(zh="与已发布数值不符：", en="differs from the published values:"),
    "bom": LocalizedText(zh="带字节顺序标记", en="byte-order mark"),
    "domains": LocalizedText(zh="含领域列", en="domain columns"),
    "totals": LocalizedText(zh="含合计行", en="totals row"),
    "no_totals": LocalizedText(zh="无合计行", en="no totals"),
}

SpecOption = Annotated[
    str | None,
    typer.Option(
        "--spec", metavar="VERSION", help="Specification version (default: the newest shipped)."
    ),
]
EvidenceArgument = Annotated[
    Path,
    typer.Argument(
        metavar="EVIDENCE",
        help=f"Evidence file, YAML or JSON (UTF-8, at most {MAX_EVIDENCE_BYTES:,} bytes).",
    ),
]


def _ui(key: str, language: str) -> str:
    return _UI[key].get(language)


@app.command("compute")
def compute(
    evidence: EvidenceArgument,
    spec_version: SpecOption = None,
    draws: Annotated[
        int, typer.Option("--draws", min=10, max=100_000, help="Dirichlet weight draws.")
    ] = DEFAULT_DRAWS,
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="Seed of the weight draws.")
    ] = DEFAULT_SEED,
    json_out: JsonFileOption = None,
    lang: LanguageOption = None,
) -> None:
    """Score every system of an evidence file, with score and rank ranges and rater agreement."""
    language = chosen_language(lang)
    try:
        spec = load_spec(spec_version)
        population = read_evidence_file(evidence, spec)
        cards = [score(spec, system) for system in population]
        ranges = rank_ranges(spec, population, draws=draws, seed=seed)
    except ResponsibilityIndexError as exc:
        fail(exc, language)
    try:
        agreed = agreement(population)
    except RatingError:
        agreed = None
    data = {
        "spec": spec.version,
        "scorecards": [scorecard_json(card, spec, language if lang else None) for card in cards],
        "sensitivity": sensitivity_json(ranges),
        "agreement": None if agreed is None else agreement_json(agreed),
    }
    if emit_json(data, json_out, language=language):
        return
    table = Table(title=_ui("title", language).format(version=spec.version, draws=draws, seed=seed))
    for key in ("system", "total", "score_range", "rank", "rank_range", "missing"):
        table.add_column(_ui(key, language), overflow="fold")
    for card, sens in zip(cards, ranges.systems, strict=True):
        table.add_row(
            Text(card.system),
            f"{float(card.total):.1f}",
            f"{sens.score_range.low:.1f}–{sens.score_range.high:.1f}",
            str(sens.zero.rank),
            f"{sens.rank_range.low:.0f}–{sens.rank_range.high:.0f}",
            f"{len(card.missing)}/{len(card.indicators)}",
        )
    console = out_console()
    console.print(table)
    if agreed is not None:
        kappa = _ui("undefined", language) if agreed.kappa is None else f"{agreed.kappa:.3f}"
        console.print(
            Text(
                _ui("kappa", language).format(
                    kappa=kappa,
                    items=agreed.items,
                    disagreements=len(agreed.disagreements),
                    unresolved=len(agreed.unresolved),
                )
            )
        )


@app.command("explain")
def explain(
    evidence: EvidenceArgument,
    indicator: Annotated[
        str, typer.Argument(metavar="INDICATOR", help="An indicator id, e.g. co.kill_switch.")
    ],
    system: Annotated[
        str | None,
        typer.Option("--system", metavar="ID", help="Only this system (default: every one)."),
    ] = None,
    spec_version: SpecOption = None,
    json_out: JsonFileOption = None,
    lang: LanguageOption = None,
) -> None:
    """Show how one indicator was scored: its definition, rule, value, points and evidence."""
    language = chosen_language(lang)
    try:
        spec = load_spec(spec_version)
        chosen = require_indicator(spec, indicator)
        population = read_evidence_file(evidence, spec)
        if system is not None:
            population = (select_system(population, system),)
    except ResponsibilityIndexError as exc:
        fail(exc, language)
    results = [(s.system, score(spec, s).indicator(indicator)) for s in population]
    data = {
        "spec": spec.version,
        "indicator": chosen.id,
        "name": chosen.name.to_json(),
        "definition": chosen.definition.to_json(),
        "scale": chosen.scale,
        "weight": float(chosen.weight),
        "rule": chosen.rule.describe(),
        "systems": [
            {
                "system": name,
                "value": None if r is None or r.value is None else float(r.value),
                "points": 0.0 if r is None else float(r.points),
                "evidence": [] if r is None else [{"id": i, "sha256": h} for i, h in r.evidence],
                "reason": "" if r is None else r.reason,
                "missing": r is None or r.value is None,
            }
            for name, r in results
        ],
    }
    if emit_json(data, json_out, language=language):
        return
    console = out_console()
    console.print(Text(f"{chosen.id}: {chosen.name.get(language)}", style="bold"))
    console.print(Text(f"{_ui('definition', language)}: {chosen.definition.get(language)}"))
    console.print(Text(f"{_ui('rule', language)}: {chosen.rule.describe()}"))
    table = Table(show_lines=True)
    for key in ("system", "value", "points", "evidence", "reason"):
        table.add_column(_ui(key, language), overflow="fold")
    for name, result in results:
        if result is None:
            continue
        value = (
            _ui("missing_value", language) if result.value is None else f"{float(result.value):.3f}"
        )
        items = "\n".join(f"{i} sha256:{h[:16]}…" for i, h in result.evidence) or _ui(
            "none", language
        )
        table.add_row(
            Text(name), value, f"{float(result.points):.2f}", Text(items), Text(result.reason)
        )
    console.print(table)


@app.command("fmti")
def fmti(
    directory: Annotated[
        Path | None,
        typer.Argument(
            metavar="DIR",
            help="A folder holding the October2023, May2024 and Dec2025 folders of "
            "stanford-crfm/fmti (default: the copy shipped with Tianping).",
        ),
    ] = None,
    json_out: JsonFileOption = None,
    lang: LanguageOption = None,
) -> None:
    """Score each FMTI edition with the index engine: each company's total and the mean.

    Exit status 1 when a published value is not reproduced.
    """
    language = chosen_language(lang)
    try:
        editions = read_fmti(directory)
        results = [reproduce_fmti(edition) for edition in editions]
    except ResponsibilityIndexError as exc:
        fail(exc, language)
    data = {"editions": [fmti_json(e, r) for e, r in zip(editions, results, strict=True)]}
    failed = any(r.mismatches for r in results)
    if not emit_json(data, json_out, language=language):
        console = out_console()
        for edition, result in zip(editions, results, strict=True):
            layout = ", ".join(
                _ui(key, language)
                for key, on in (
                    ("bom", edition.byte_order_mark),
                    ("domains", edition.domain_columns),
                    ("totals", edition.totals_row),
                    ("no_totals", not edition.totals_row),
                )
                if on
            )
            table = Table(
                title=_ui("fmti", language).format(
                    edition=edition.name, indicators=len(edition.indicators), layout=layout
                )
            )
            table.add_column(_ui("company", language))
            table.add_column(_ui("total", language), justify="right")
            for company in sorted(result.companies, key=lambda c: (-c.total, c.name)):
                table.add_row(Text(company.name), f"{float(company.total):g}")
            table.add_row(Text(_ui("mean", language), style="bold"), str(result.mean_rounded))
            console.print(table)
            if result.mismatches:
                console.print(Text(_ui("mismatch", language), style="bold red"))
                for line in result.mismatches:
                    console.print(Text(f"  {line}"))
            else:
                console.print(Text(_ui("checked", language).format(checks=result.checks)))
    if failed:
        raise typer.Exit(1)

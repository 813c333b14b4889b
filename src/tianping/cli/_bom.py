"""`tianping bom` sub-commands: check an AI-BOM's components against certificates, export one.

``bom verify`` exits 0 when every AI component and service is certified or
eligible, 1 otherwise (naming the weakest status), and 2 for input it cannot
read: a file that is not a CycloneDX 1.6 / 1.7 JSON BOM valid against the
schema, a model or data component without a SHA-256 hash, a duplicated
``bom-ref``, or a certificate, status list or applications file it cannot read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from tianping.bom import (
    KIND_LABELS,
    STATUS_LABELS,
    BomError,
    BomReport,
    export_bom,
    load_system,
    read_applications,
    read_bom,
    verify_bom,
)
from tianping.certification import (
    CertificationError,
    Resolver,
    read_credential,
    read_resolver,
)
from tianping.cli._cert import AtOption, KeyOption, StatusListOption, judged_at
from tianping.cli._common import (
    JsonFileOption,
    LanguageOption,
    chosen_language,
    emit_json,
    fail,
    out_console,
    write_json,
)
from tianping.text import LocalizedText

app = typer.Typer(
    help=(
        "Supply chain: check an AI-BOM (CycloneDX 1.6/1.7) against certificates, "
        "and export a system's own ML-BOM."
    ),
    no_args_is_help=True,
)

HEAD = LocalizedText(
    zh="{product}：{count} 个人工智能组件与服务，最弱状态：{status}（{verdict}）",
    en="{product}: {count} AI components and services, weakest status: {status} ({verdict})",
)
PASSES = LocalizedText(zh="通过", en="passes")
FAILS = LocalizedText(zh="不通过", en="fails")
NOTHING = LocalizedText(zh="无", en="none")
THE_BOM = LocalizedText(zh="物料清单", en="The BOM")
SKIPPED = LocalizedText(
    zh="另有 {count} 个软件组件（库、框架等）不在本检查范围内。",
    en="{count} other software components (libraries, frameworks …) are outside this check.",
)


def _print(report: BomReport, language: str) -> None:
    out = out_console(soft_wrap=True)
    status = report.status
    product = report.product
    name = f"{product.name} {product.version or ''}".strip() if product else THE_BOM.get(language)
    out.print(
        Text(
            HEAD.get(language).format(
                product=name,
                count=len(report.results),
                status=STATUS_LABELS[status].get(language) if status else NOTHING.get(language),
                verdict=(PASSES if report.passes else FAILS).get(language),
            )
        )
    )
    for result in report.results:
        component = result.component
        label = STATUS_LABELS[result.status].get(language)
        kind = KIND_LABELS[component.kind].get(language)
        version = f" {component.version}" if component.version else ""
        out.print(Text(f"  [{label}] {kind} {component.name}{version}: {result.message(language)}"))
    if report.skipped:
        out.print(Text(SKIPPED.get(language).format(count=report.skipped)))


@app.command()
def verify(
    bom_file: Annotated[
        Path, typer.Argument(metavar="BOM.json", help="The AI-BOM (CycloneDX 1.6 or 1.7 JSON).")
    ],
    cert: Annotated[
        list[Path] | None,
        typer.Option("--cert", metavar="FILE", help="A certificate file (repeat for several)."),
    ] = None,
    status_list: StatusListOption = None,
    applications: Annotated[
        Path | None,
        typer.Option(
            "--applications",
            metavar="FILE",
            help="Suppliers' certification applications (YAML or JSON file).",
        ),
    ] = None,
    key: KeyOption = None,
    at: AtOption = None,
    lang: LanguageOption = None,
    json_file: JsonFileOption = None,
) -> None:
    """Check every AI component and service of a BOM: certified, eligible, or not (weakest wins)."""
    language = chosen_language(lang)
    now = judged_at(at)
    try:
        bom = read_bom(bom_file)
        certificates = [read_credential(path) for path in cert or []]
        lists = [read_credential(path) for path in status_list or []]
        resolver = read_resolver(key) if key else Resolver()
        held = read_applications(applications) if applications else ()
    except (BomError, CertificationError) as exc:
        fail(exc, language)
    report = verify_bom(
        bom, certificates, status_lists=lists, applications=held, resolver=resolver, now=now
    )
    if not emit_json(report.to_json(), json_file, language=language):
        _print(report, language)
    if not report.passes:
        raise typer.Exit(1)


@app.command()
def export(
    system: Annotated[
        Path,
        typer.Argument(
            metavar="SYSTEM.yaml",
            help="The system's models, data sets and services (YAML or JSON file).",
        ),
    ],
    out: Annotated[
        str,
        typer.Option("--out", metavar="BOM.json", help="Where to write the BOM ('-': stdout)."),
    ],
    lang: LanguageOption = None,
) -> None:
    """Export a system's own CycloneDX 1.6 ML-BOM (model cards to fill from its documents)."""
    language = chosen_language(lang)
    try:
        description = load_system(system)
        bom = export_bom(description, source=str(system))
    except BomError as exc:
        fail(exc, language)
    write_json(bom, out, language=language)


__all__ = ["app"]

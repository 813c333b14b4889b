"""`tianping cert` sub-commands: certification levels, gap reports and offline verification.

``cert verify`` exits 0 for a valid certificate, 1 for an invalid one (with the
reason) and 2 for input it cannot read; ``cert gap`` exits 0 when the level is
met and 1 when it is not; ``cert status`` exits 0 for an active certificate and 1 for a
revoked, suspended or invalid one; ``cert issue`` signs a certificate from a subject file
with an issuer key file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from tianping.certification import (
    EXPORT,
    STATUS_LABELS,
    CertificationError,
    GapReport,
    Resolver,
    credential_status,
    gap,
    issue_certificate,
    load_evidence,
    load_levels,
    parse_datetime,
    read_credential,
    read_resolver,
    read_signing_key,
    read_status_source,
    read_subject,
    verify_credential,
)
from tianping.cli._common import (
    CommandError,
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
        "Certification: the levels from Basic Compliance to Trusted AI Platform, gap reports, "
        "and offline verification of certificates (W3C Verifiable Credentials, eddsa-jcs-2022)."
    ),
    no_args_is_help=True,
)

UNCONFIRMED = LocalizedText(zh="（未经确认）", en=" (unconfirmed)")
LEVEL_LINE = LocalizedText(
    zh="{rank}. {name} [{id}]{unconfirmed}：{items} 个要求项，{rules} 条证据规则",
    en="{rank}. {name} [{id}]{unconfirmed}: {items} items, {rules} evidence rules",
)
VALIDITY = LocalizedText(
    zh="证书有效期 {years} 年；各等级累进（包含其下所有等级的要求）。",
    en=(
        "Certificates are valid for {years} years; levels are cumulative "
        "(each includes those below)."
    ),
)
EXPORT_LINE = LocalizedText(zh="{name}：{dimensions}", en="{name}: {dimensions}")
GAP_HEAD = LocalizedText(
    zh="{level}：满足 {met}，缺少 {missing}，未通过 {failed}；已达到的最高等级：{highest}",
    en="{level}: {met} met, {missing} missing, {failed} failed; highest level met: {highest}",
)
NONE = LocalizedText(zh="无", en="none")
VALID_LINE = LocalizedText(
    zh="有效：签发者 {issuer}，有效期至 {until}",
    en="Valid: issued by {issuer}, valid until {until}",
)
NO_END = LocalizedText(zh="未设定", en="no end")
INVALID_LINE = LocalizedText(zh="无效：{message}", en="Invalid: {message}")
STATUS_WORDS = {
    "active": LocalizedText(zh="有效（未撤销、未暂停）", en="active"),
    "revoked": LocalizedText(zh="已撤销", en="revoked"),
    "suspended": LocalizedText(zh="已暂停", en="suspended"),
}
SCHEME_NEEDED = "give exactly one of --level LEVEL and --export"
BAD_INDEX = "--status-index needs --status-base (the URL the status lists are published under)"
BAD_AT = "--at {value!r} is not an ISO date and time with a time zone (2026-09-01T00:00:00Z)"

KeyOption = Annotated[
    str | None,
    typer.Option(
        "--key",
        metavar="DIDDOC_OR_DIDKEY",
        help="Accept only this issuer: a did:key, or a DID document file (did:web) to pin.",
    ),
]
StatusListOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--status-list",
        metavar="FILE",
        help="A status list credential file (repeat for several).",
    ),
]
AtOption = Annotated[
    str | None,
    typer.Option("--at", metavar="ISO-DATETIME", help="Judge validity at this moment."),
]
"""Options of every command that verifies credentials (``cert verify``, ``bom verify``)."""


def judged_at(at: str | None) -> datetime:
    """The moment ``--at`` names (now when not given); a bad value is a usage error."""
    if at is None:
        return datetime.now(UTC)
    try:
        return parse_datetime(at)
    except ValueError:
        raise CommandError(BAD_AT.format(value=at)) from None


@app.command()
def levels(lang: LanguageOption = None, json_file: JsonFileOption = None) -> None:
    """List the certification levels, lowest first, and the export certificate's dimensions."""
    language = chosen_language(lang)
    try:
        scheme = load_levels()
    except CertificationError as exc:
        fail(exc, language)
    if emit_json(scheme.to_json(), json_file, language=language):
        return
    out = out_console(soft_wrap=True)
    for level in scheme.levels:
        out.print(
            Text(
                LEVEL_LINE.get(language).format(
                    rank=level.rank + 1,
                    name=level.name.get(language),
                    id=level.id,
                    unconfirmed="" if level.confirmed else UNCONFIRMED.get(language),
                    items=len(level.items),
                    rules=len(level.rules),
                )
            )
        )
    out.print(Text(VALIDITY.get(language).format(years=scheme.validity_years)))
    dimensions = ", ".join(d.name.get(language) for d in scheme.export.dimensions)
    out.print(
        Text(
            EXPORT_LINE.get(language).format(
                name=scheme.export.name.get(language), dimensions=dimensions
            )
        )
    )


def _print_gap(report: GapReport, language: str) -> None:
    out = out_console(soft_wrap=True)
    counts = report.counts()
    highest = report.highest_level_met
    highest_name = (
        load_levels().level(highest).name.get(language) if highest else NONE.get(language)
    )
    out.print(
        Text(
            GAP_HEAD.get(language).format(
                level=report.level.name.get(language), highest=highest_name, **counts
            )
        )
    )
    for result in report.results:
        label = STATUS_LABELS[result.status].get(language)
        out.print(Text(f"  [{label}] {result.id}: {result.detail.get(language)}"))


@app.command("gap")
def gap_command(
    evidence_file: Annotated[
        Path,
        typer.Argument(
            metavar="EVIDENCE.yaml", help="What the platform holds (YAML or JSON evidence file)."
        ),
    ],
    level: Annotated[str, typer.Option("--level", help="The level's id (see `cert levels`).")],
    lang: LanguageOption = None,
    json_file: JsonFileOption = None,
) -> None:
    """Report each requirement of a level (cumulative) as met, missing or failed."""
    language = chosen_language(lang)
    try:
        evidence = load_evidence(evidence_file)
        report = gap(level, evidence)
    except CertificationError as exc:
        fail(exc, language)
    if not emit_json(report.to_json(), json_file, language=language):
        _print_gap(report, language)
    if not report.met:
        raise typer.Exit(1)


@app.command()
def verify(
    certificate: Annotated[
        Path, typer.Argument(metavar="CERT.json", help="The certificate (a JSON credential).")
    ],
    key: KeyOption = None,
    status_list: StatusListOption = None,
    at: AtOption = None,
    lang: LanguageOption = None,
    json_file: JsonFileOption = None,
) -> None:
    """Verify a certificate offline: proof, issuer key, validity period and status lists."""
    language = chosen_language(lang)
    now = judged_at(at)
    try:
        document = read_credential(certificate)
        lists = [read_credential(path) for path in status_list or []]
        resolver = read_resolver(key) if key else Resolver()
    except CertificationError as exc:
        fail(exc, language)
    verdict = verify_credential(document, resolver=resolver, status_lists=lists, now=now)
    if not emit_json(verdict.to_json(), json_file, language=language):
        out = out_console(soft_wrap=True)
        if verdict.valid:
            until = verdict.valid_until or NO_END.get(language)
            out.print(Text(VALID_LINE.get(language).format(issuer=verdict.issuer, until=until)))
        else:
            line = INVALID_LINE.get(language).format(message=verdict.message(language))
            out.print(Text(line))
    if not verdict.valid:
        raise typer.Exit(1)


@app.command()
def issue(
    subject_file: Annotated[
        Path,
        typer.Argument(
            metavar="SUBJECT.yaml",
            help="The certified subject (YAML or JSON file): id, name, organisation, scope …",
        ),
    ],
    issuer_key: Annotated[
        Path,
        typer.Option(
            "--issuer-key",
            metavar="KEY.json",
            help="The issuer's key file (did, privateKeyMultibase); keep it out of repositories.",
        ),
    ],
    level: Annotated[
        str | None, typer.Option("--level", help="The level's id (see `cert levels`).")
    ] = None,
    export: Annotated[
        bool, typer.Option("--export", help="Issue the AI Export Ethical Compliance Certificate.")
    ] = False,
    status_index: Annotated[
        int | None,
        typer.Option("--status-index", min=0, help="The certificate's bit in the status lists."),
    ] = None,
    status_base: Annotated[
        str | None,
        typer.Option(
            "--status-base",
            metavar="URL",
            help=(
                "Where the status lists are published: URL/revocation and URL/suspension, "
                "or a URL with {purpose} in it."
            ),
        ),
    ] = None,
    valid_from: Annotated[
        str | None,
        typer.Option(
            "--valid-from", metavar="ISO-DATETIME", help="Start of validity (default: now)."
        ),
    ] = None,
    credential_id: Annotated[
        str | None,
        typer.Option("--id", metavar="URI", help="The credential's id (default: urn:uuid)."),
    ] = None,
    out: Annotated[
        str,
        typer.Option(
            "--out", metavar="FILE", help="Write the certificate here (- for standard output)."
        ),
    ] = "-",
    lang: LanguageOption = None,
) -> None:
    """Sign a certificate (valid two years) for a level or the export certificate."""
    language = chosen_language(lang)
    if (level is None) == (not export):
        raise CommandError(SCHEME_NEEDED)
    if status_index is not None and not status_base:
        raise CommandError(BAD_INDEX)
    start = judged_at(valid_from).replace(microsecond=0)
    try:
        key = read_signing_key(issuer_key)
        subject = read_subject(subject_file)
        signed = issue_certificate(
            key=key,
            subject=subject,
            scheme=EXPORT if export else str(level),
            valid_from=start,
            status_index=status_index,
            status_base=status_base,
            credential_id=credential_id,
        )
    except CertificationError as exc:
        fail(exc, language)
    write_json(signed, out, language=language)


@app.command()
def status(
    certificate: Annotated[
        Path, typer.Argument(metavar="CERT.json", help="The certificate (a JSON credential).")
    ],
    status_list: Annotated[
        list[str],
        typer.Option(
            "--status-list",
            metavar="FILE|URL",
            help="A status list credential file or URL (repeat for revocation and suspension).",
        ),
    ],
    key: KeyOption = None,
    at: AtOption = None,
    lang: LanguageOption = None,
    json_file: JsonFileOption = None,
) -> None:
    """Print a certificate's status: active, revoked or suspended (exit 0, 1 when not active)."""
    language = chosen_language(lang)
    now = judged_at(at)
    try:
        document = read_credential(certificate)
        lists = [read_status_source(source) for source in status_list]
        resolver = read_resolver(key) if key else Resolver()
    except CertificationError as exc:
        fail(exc, language)
    state, verdict = credential_status(document, lists, now=now, resolver=resolver)
    if not emit_json({"status": state, **verdict.to_json()}, json_file, language=language):
        out = out_console(soft_wrap=True)
        if state in STATUS_WORDS:
            out.print(Text(STATUS_WORDS[state].get(language)))
        else:
            line = INVALID_LINE.get(language).format(message=verdict.message(language))
            out.print(Text(line))
    if state != "active":
        raise typer.Exit(1)


__all__ = ["app"]

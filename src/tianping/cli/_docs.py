"""``tianping docs``: transparency documents as JSON, HTML and PDF.

``tianping docs generate KIND INPUT.yaml --out DIR`` builds one document
(:mod:`tianping.transparency`) and writes ``DIR/KIND.json``, ``DIR/KIND.html``
and, when asked, ``DIR/KIND.pdf``; for the user notice, ``.html`` is the
embeddable fragment and ``txt`` the plain text. Exit status 0 when the document
is complete, 1 when required fields are missing (it is written all the same),
2 for input it cannot read.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from tianping import yamlsafe
from tianping.cli._common import CommandError, fail, locale_language, out_console
from tianping.reports import REPORT_LANGUAGES, ReportError, normalise_report_language
from tianping.text import LocalizedText
from tianping.transparency import (
    DOCUMENT_KINDS,
    TransparencyDocument,
    TransparencyError,
    build_document,
    document_html,
    document_pdf,
    normalise_kind,
    read_input,
    user_notice_fragment,
    user_notice_text,
)

app = typer.Typer(
    help=(
        "Transparency documents: model card, training-data summary, algorithm documentation, "
        "six-monthly transparency report, user notice and incident playbook."
    ),
    no_args_is_help=True,
)

MAX_INPUT_BYTES = 1_048_576
"""The largest input read (1 MiB); real ones are a few kilobytes."""

FORMATS = ("json", "html", "pdf", "txt")
DEFAULT_FORMATS = "json,html"

FILE_MISSING = LocalizedText(
    zh="输入文件 {path} 不存在或不是文件",
    en="the input file {path} does not exist or is not a file",
)
FILE_UNREADABLE = LocalizedText(
    zh="无法读取输入文件 {path}：{detail}", en="cannot read the input file {path}: {detail}"
)
FILE_TOO_LARGE = LocalizedText(
    zh="输入文件 {path} 超过 {limit} 字节的上限",
    en="the input file {path} is larger than the {limit}-byte limit",
)
FILE_NOT_YAML = LocalizedText(
    zh="输入文件 {path} 不是有效的 YAML：{detail}",
    en="the input file {path} is not valid YAML: {detail}",
)
BAD_FORMAT = LocalizedText(
    zh="未知的格式 {found}；可选：{choices}", en="unknown format {found}; use {choices}"
)
TEXT_ONLY_NOTICE = LocalizedText(
    zh="纯文本（txt）格式仅适用于 user-notice",
    en="the plain-text format (txt) is for user-notice only",
)
NOT_A_FOLDER = LocalizedText(
    zh="{path} 不是文件夹，无法写入文档", en="{path} is not a folder to write the documents in"
)
WRITE_FAILED = LocalizedText(zh="无法写入 {path}：{detail}", en="cannot write {path}: {detail}")
WROTE = LocalizedText(zh="已写入 {path}", en="Written to {path}")
COMPLETE = LocalizedText(
    zh="{kind} 版本 {version}：必填内容齐全（SHA-256 {sha256}）",
    en="{kind} version {version}: complete (SHA-256 {sha256})",
)
INCOMPLETE = LocalizedText(
    zh="{kind} 版本 {version}：缺少 {missing}（SHA-256 {sha256}）",
    en="{kind} version {version}: missing {missing} (SHA-256 {sha256})",
)


def _error(template: LocalizedText, language: str, **params: object) -> CommandError:
    return CommandError(template.get(language).format(**params))


def _read(path: Path, language: str) -> object:
    if not path.is_file():
        raise _error(FILE_MISSING, language, path=path)
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise _error(FILE_UNREADABLE, language, path=path, detail=exc) from exc
    if len(data) > MAX_INPUT_BYTES:
        raise _error(FILE_TOO_LARGE, language, path=path, limit=MAX_INPUT_BYTES)
    try:
        return yamlsafe.load(data.decode("utf-8-sig"), source=str(path), dates_as_text=True)
    except UnicodeDecodeError as exc:
        raise _error(FILE_UNREADABLE, language, path=path, detail=exc) from exc
    except yamlsafe.DataFileError as exc:
        raise _error(FILE_NOT_YAML, language, path=path, detail=exc.detail) from exc


def _formats(value: str, language: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(part.strip().lower() for part in value.split(",") if part.strip()))
    unknown = [part for part in chosen if part not in FORMATS]
    if unknown or not chosen:
        found = ", ".join(unknown) or repr(value)
        raise _error(BAD_FORMAT, language, found=found, choices=", ".join(FORMATS))
    return chosen


def _write(path: Path, data: bytes, language: str) -> None:
    """Write ``data`` to ``path`` whole or not at all."""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError as exc:
        raise _error(WRITE_FAILED, language, path=path, detail=exc) from exc


def _renderers(document: TransparencyDocument, language: str) -> dict[str, Callable[[], bytes]]:
    notice = document.kind == "user-notice"

    def as_json() -> bytes:
        return (json.dumps(document.to_json(), ensure_ascii=False, indent=2) + "\n").encode()

    def as_html() -> bytes:
        if notice:
            return user_notice_fragment(document, language=language).encode()
        return document_html(document, language=language).encode()

    return {
        "json": as_json,
        "html": as_html,
        "pdf": lambda: document_pdf(document, language=language),
        "txt": lambda: user_notice_text(document, language=language).encode(),
    }


@app.command()
def generate(
    kind: Annotated[
        str,
        typer.Argument(metavar="KIND", help="One of: " + ", ".join(DOCUMENT_KINDS) + "."),
    ],
    input_file: Annotated[
        Path,
        typer.Argument(
            metavar="INPUT.yaml",
            help="The system's facts, evidence and owner-edited fields (docs/transparency.md).",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR",
            help="The folder to write KIND.json, KIND.html … in (made if missing).",
            show_default=False,
        ),
    ],
    lang: Annotated[
        str,
        typer.Option(
            "--lang",
            metavar="|".join(REPORT_LANGUAGES),
            help="The document language; 'both' prints Chinese and English side by side.",
        ),
    ] = "both",
    formats: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="json,html,pdf,txt",
            help="What to write, comma-separated; txt (plain text) for user-notice only.",
        ),
    ] = DEFAULT_FORMATS,
) -> None:
    """Build one transparency document; exit 1 when required fields are missing."""
    messages: str = locale_language()
    try:
        language = normalise_report_language(lang)
        if language != "both":
            messages = language
        checked = normalise_kind(kind)
        chosen = _formats(formats, messages)
        if "txt" in chosen and checked != "user-notice":
            raise _error(TEXT_ONLY_NOTICE, messages)
        document = build_document(checked, read_input(_read(input_file, messages)))
        if out.exists() and not out.is_dir():
            raise _error(NOT_A_FOLDER, messages, path=out)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _error(WRITE_FAILED, messages, path=out, detail=exc) from exc
        renderers = _renderers(document, language)
        rendered = {fmt: renderers[fmt]() for fmt in chosen}
    except (TransparencyError, ReportError) as exc:
        fail(exc, messages)
    console = out_console(soft_wrap=True)
    for fmt, data in rendered.items():
        path = out / f"{document.kind}.{fmt}"
        _write(path, data, messages)
        console.print(Text(WROTE.get(messages).format(path=path)))
    completeness = document.completeness
    params = {"kind": document.kind, "version": document.version, "sha256": document.sha256}
    if completeness.complete:
        console.print(Text(COMPLETE.get(messages).format(**params)))
        return
    separator = ", " if messages == "en" else "、"
    missing = separator.join(m.label.get(messages) for m in completeness.missing)
    console.print(Text(INCOMPLETE.get(messages).format(missing=missing, **params)))
    raise typer.Exit(1)


__all__ = ["app", "generate"]

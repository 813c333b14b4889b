"""``tianping report``: print reports as HTML or PDF.

``tianping report intake INTAKE.yaml --out summary.pdf`` scores the intake
answers with :mod:`tianping.tiering` and prints the intake summary. The
tiering package is imported only when the command runs.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from tianping import yamlsafe
from tianping.cli._common import err_console
from tianping.reports import (
    REPORT_LANGUAGES,
    ReportError,
    intake_summary_html,
    intake_summary_pdf,
    normalise_report_language,
)

app = typer.Typer(no_args_is_help=True)


@app.callback()
def _report() -> None:
    """Print reports as bilingual HTML or PDF (Chinese fonts embedded)."""


OUTPUT_SUFFIXES = (".pdf", ".html")

MAX_SYSTEM_BYTES = 1_048_576
"""The largest system file read (1 MiB); real ones are a few hundred bytes."""

FILE_MISSING = "{what} {path} does not exist or is not a file"
FILE_UNREADABLE = "cannot read {what} {path}: {detail}"
FILE_TOO_LARGE = "the system file {path} is larger than the {limit}-byte limit"
FILE_NOT_YAML = "the system file {path} is not valid YAML: {detail}"
FILE_NOT_MAPPING = "the system file {path} must hold a YAML mapping (name: …, organisation: …)"
ANSWERS_NOT_MAPPING = "the 'answers' section of {path} must be a mapping of question id to answer"
SYSTEM_NOT_MAPPING = "the 'system' section of {path} must be a mapping (name, organisation, …)"
NO_SYSTEM = "no system particulars: the report needs at least the system's name"
NO_SYSTEM_HINT = (
    "Pass --system FILE (a YAML mapping with 'name' and, optionally, organisation, purpose, …), "
    "or give the intake file a 'system:' section beside 'answers:'."
)
BAD_SUFFIX = "cannot tell the format of {path}: the file name must end in .pdf or .html"
NO_OUT_FOLDER = "the folder {folder} for the report does not exist"
WRITE_FAILED = "cannot write the report to {path}: {detail}"


def _read_bytes(path: Path, what: str, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of ``path`` (the reader refuses anything longer)."""
    if not path.is_file():
        raise ReportError(FILE_MISSING.format(what=what, path=path))
    try:
        with path.open("rb") as stream:
            return stream.read(limit + 1)
    except OSError as exc:
        raise ReportError(FILE_UNREADABLE.format(what=what, path=path, detail=exc)) from exc


def _read_system(path: Path) -> Mapping[str, Any]:
    data = _read_bytes(path, "the system file", MAX_SYSTEM_BYTES)
    if len(data) > MAX_SYSTEM_BYTES:
        raise ReportError(FILE_TOO_LARGE.format(path=path, limit=MAX_SYSTEM_BYTES))
    try:
        document = yamlsafe.load(data.decode("utf-8-sig"), source=str(path))
    except UnicodeDecodeError as exc:
        raise ReportError(
            FILE_UNREADABLE.format(what="the system file", path=path, detail=exc)
        ) from exc
    except yamlsafe.DataFileError as exc:
        raise ReportError(FILE_NOT_YAML.format(path=path, detail=exc.detail)) from exc
    if not isinstance(document, Mapping):
        raise ReportError(FILE_NOT_MAPPING.format(path=path))
    return document


def _read_intake(path: Path) -> tuple[Mapping[str, Any], Mapping[str, Any] | None]:
    """The answers and, if the file has one, its ``system`` section.

    An intake file is the answers document ``tianping intake score`` reads
    (``question_id: answer``), or a mapping with just ``answers:`` and
    ``system:`` sections.
    """
    from tianping.tiering import MAX_ANSWERS_BYTES, read_answers

    document = read_answers(
        _read_bytes(path, "the intake file", MAX_ANSWERS_BYTES), source=str(path)
    )
    if "answers" not in document or not set(document) <= {"answers", "system"}:
        return document, None
    answers, system = document["answers"], document.get("system")
    if not isinstance(answers, Mapping):
        raise ReportError(ANSWERS_NOT_MAPPING.format(path=path))
    if system is not None and not isinstance(system, Mapping):
        raise ReportError(SYSTEM_NOT_MAPPING.format(path=path))
    return answers, system


def _scored(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The tier result as bilingual JSON, with the answers and their labels for the table."""
    from tianping.tiering import load_questionnaire, score_intake

    result: dict[str, Any] = dict(score_intake(answers).to_json())
    questionnaire = load_questionnaire()
    result["answers"] = dict(answers)
    result["questions"] = {q.id: q.label.to_json() for q in questionnaire.questions}
    result["choices"] = {
        q.id: {choice.id: choice.label.to_json() for choice in q.choices}
        for q in questionnaire.questions
        if q.choices
    }
    return result


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (no half-written report)."""
    if not path.parent.is_dir():
        raise ReportError(NO_OUT_FOLDER.format(folder=path.parent))
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            # mkstemp makes the file private (0600); give the report the usual mode.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError as exc:
        raise ReportError(WRITE_FAILED.format(path=path, detail=exc)) from exc


@app.command("intake")
def intake(
    intake_file: Annotated[
        Path,
        typer.Argument(
            metavar="INTAKE.yaml",
            help="The intake answers: 'question_id: answer' lines, or 'answers:' "
            "(and optionally 'system:') sections.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            metavar="FILE",
            help="Where to write the report; FILE.pdf or FILE.html.",
            show_default=False,
        ),
    ],
    system_file: Annotated[
        Path | None,
        typer.Option(
            "--system",
            metavar="SYSTEM.yaml",
            help="The system's particulars (name, organisation, purpose, sector, owner, …); "
            "overrides a 'system:' section in the intake file.",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        str,
        typer.Option(
            "--lang",
            metavar="|".join(REPORT_LANGUAGES),
            help="The report language; 'both' prints Chinese and English side by side.",
        ),
    ] = "zh-Hans",
) -> None:
    """Score an intake and print its summary: particulars, tier, reasons, obligations."""
    language = normalise_report_language(lang)
    suffix = out.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise ReportError(BAD_SUFFIX.format(path=out))

    answers, embedded_system = _read_intake(intake_file)
    system = _read_system(system_file) if system_file is not None else embedded_system
    if not system or not system.get("name"):
        raise ReportError(NO_SYSTEM, hint=NO_SYSTEM_HINT)

    result = _scored(answers)
    console = err_console()
    if suffix == ".html":
        html = intake_summary_html(system=system, result=result, language=language)
        _write_atomically(out, html.encode("utf-8"))
    else:
        with console.status("Rendering the PDF…"):
            pdf = intake_summary_pdf(system=system, result=result, language=language)
        _write_atomically(out, pdf)
    console.print(
        f"Wrote the intake summary ({result['tier']} tier) to {out}", markup=False, highlight=False
    )


__all__ = ["app", "intake"]

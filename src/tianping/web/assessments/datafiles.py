"""Predictions files: which may be read, how an upload is checked, and what columns they hold.

An upload is checked before anything is saved: its type by name *and* by
content (Parquet's magic bytes; CSV, TSV and JSON Lines must be text without
NUL bytes in UTF-8, UTF-16 / UTF-32 with a BOM, or GB18030 — a superset of GBK —,
told as the library tells it, and are stored transcoded to UTF-8), its size
against ``TIANPING["MAX_PREDICTIONS_BYTES"]``, and that DuckDB can read it through
to the last row. A file on the server must lie, after resolving symbolic links,
inside one of ``TIANPING["DATA_DIRS"]`` (``TIANPING_DATA_DIRS``);
it is checked again each time it is read.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import duckdb
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from tianping import datalimits, jsonsafe
from tianping.datalimits import DataLimitError, DataLimits, Measure
from tianping.errors import LocalizedError
from tianping.privacy import SNIFF_BYTES, sniff_encoding
from tianping.web import uploads
from tianping.web.core.jobs import job_limits
from tianping.web.home import private_dir

FORMATS = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
PRIVACY_FORMATS = {**FORMATS, ".tsv": "tsv"}
"""Privacy scans read tab-separated files too."""
"""File name endings an assessment reads, and the format each names."""
ERR_JSON_TOO_DEEP = gettext_lazy(
    "The first line of the file nests arrays and objects deeper than {limit} levels."
)
ERR_JSON_NUMBER_TOO_LONG = gettext_lazy(
    "The first line of the file has a number longer than {limit} characters."
)
CHUNK = 1024 * 1024
PARQUET_MAGIC = b"PAR1"
MAX_COLUMNS = 1000


@dataclass(frozen=True)
class Column:
    name: str
    type: str

    @property
    def numeric(self) -> bool:
        return self.type.upper().split("(")[0] in NUMERIC_TYPES

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "type": self.type}


NUMERIC_TYPES = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
    "FLOAT",
    "DOUBLE",
    "DECIMAL",
}


@dataclass(frozen=True)
class CheckedFile:
    """A predictions file that passed every check: where it is and what it holds."""

    path: Path
    name: str
    format: str
    size: int
    sha256: str
    rows: int | None
    columns: tuple[Column, ...]
    encoding: str = "utf-8"
    """What an uploaded text file was read as (it is stored as UTF-8); ``binary`` for Parquet."""

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def max_bytes() -> int:
    return int(settings.TIANPING["MAX_PREDICTIONS_BYTES"])


def data_dirs() -> list[Path]:
    """The server folders assessments may read from, resolved; empty when none is configured."""
    return [Path(d).resolve() for d in settings.TIANPING.get("DATA_DIRS", [])]


def predictions_dir() -> Path:
    return Path(settings.TIANPING["PREDICTIONS_DIR"])


def format_of(name: str, formats: dict[str, str] | None = None) -> str | None:
    """``csv``, ``parquet`` or ``jsonl`` from a file name's ending, or ``None``."""
    return (FORMATS if formats is None else formats).get(Path(name).suffix.lower())


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def _wrong_type(field: str) -> ValidationError:
    return ValidationError(
        {field: [_("Choose a CSV (.csv), Parquet (.parquet) or JSON Lines (.jsonl) file.")]}
    )


# --- content checks -----------------------------------------------------------------------------


ERR_NUL = gettext_lazy("The file contains NUL bytes: it is not a text file.")
ERR_ENCODING = gettext_lazy(
    "The file is not text in a supported encoding (an invalid byte at position {position}). "
    "UTF-8 and GB18030/GBK are accepted: save it as “CSV UTF-8” in Excel, for example, "
    "and try again."
)
ERR_ENCODING_END = gettext_lazy(
    "The file is not text in a supported encoding: it ends in the middle of a character. "
    "UTF-8 and GB18030/GBK are accepted."
)


def _invalid_at(field: str, position: int) -> ValidationError:
    return ValidationError({field: [ERR_ENCODING.format(position=position)]})


def _first_invalid(data: bytes) -> int:
    """Where strict UTF-8 first fails in ``data`` (0 when it does not)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data)
    except UnicodeDecodeError as exc:
        return exc.start
    return 0


def _transcode(
    source: Path, target: Path, field: str, *, max_decoded: int | None
) -> tuple[str, int]:
    """Write ``source``'s text to ``target`` as UTF-8: its encoding and the bytes written.

    The encoding is the library's (:func:`tianping.privacy.sniff_encoding`): a
    byte-order mark (UTF-8, UTF-16, UTF-32), else UTF-8, else GB18030 (a superset
    of GBK). Unlike the library, which replaces a few broken bytes, an upload is
    decoded strictly: a byte invalid in the encoding, a NUL character, or more
    than ``max_decoded`` bytes of UTF-8 is a form error.
    """
    with source.open("rb") as fh:
        head = fh.read(SNIFF_BYTES + 1)
    encoding, reason = sniff_encoding(head[:SNIFF_BYTES], complete=len(head) <= SNIFF_BYTES)
    if encoding is None:
        if reason == "binary" and b"\x00" in head:
            raise ValidationError({field: [ERR_NUL]})
        raise _invalid_at(field, _first_invalid(head[:SNIFF_BYTES]))
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    written = 0
    with target.open("wb") as out:
        for chunk in _chunks(source):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise _invalid_at(field, offset + max(0, exc.start)) from exc
            offset += len(chunk)
            written += _write_text(out, text, field, written, max_decoded)
        try:
            text = decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise ValidationError({field: [ERR_ENCODING_END]}) from exc
        written += _write_text(out, text, field, written, max_decoded)
    return encoding, written


def _write_text(out: BinaryIO, text: str, field: str, written: int, max_decoded: int | None) -> int:
    if "\x00" in text:
        raise ValidationError({field: [ERR_NUL]})
    data = text.encode("utf-8")
    if max_decoded is not None and written + len(data) > max_decoded:
        try:
            job_data_limits().check(Measure(rows=0, columns=0, decoded_bytes=written + len(data)))
        except DataLimitError as error:
            raise _budget_error(field, error) from None
    out.write(data)
    return len(data)


def _check_parquet(head: bytes, tail: bytes, field: str) -> None:
    if not (head.startswith(PARQUET_MAGIC) and tail.endswith(PARQUET_MAGIC)):
        raise ValidationError({field: [_("The file is not a Parquet file.")]})


def _check_jsonl_start(path: Path, field: str) -> None:
    with path.open("rb") as fh:
        for raw in fh:
            line = raw.strip().removeprefix(codecs.BOM_UTF8)
            if not line:
                continue
            try:
                first = jsonsafe.loads(line)
            except jsonsafe.JSONTooDeepError as exc:
                raise ValidationError(
                    {field: [ERR_JSON_TOO_DEEP.format(limit=jsonsafe.MAX_DEPTH)]}
                ) from exc
            except jsonsafe.JSONNumberTooLongError as exc:
                raise ValidationError(
                    {field: [ERR_JSON_NUMBER_TOO_LONG.format(limit=jsonsafe.MAX_NUMBER_LENGTH)]}
                ) from exc
            except ValueError:
                first = None
            if not isinstance(first, dict):
                raise ValidationError(
                    {field: [_("Each line of a JSON Lines file must be a JSON object.")]}
                )
            return
    raise ValidationError({field: [_("The file is empty.")]})


def _relation(con: duckdb.DuckDBPyConnection, path: Path, kind: str) -> duckdb.DuckDBPyRelation:
    if kind == "parquet":
        return con.read_parquet(str(path))
    if kind == "csv":
        return con.read_csv(str(path))
    if kind == "tsv":
        return con.read_csv(str(path), sep="\t")
    return con.read_json(str(path), format="newline_delimited")


def read_columns(
    path: Path, kind: str, *, field: str, count: bool, name: str
) -> tuple[list[Column], int | None]:
    """The columns DuckDB finds (and, with ``count``, the rows, reading the whole file).

    ``name`` is how errors call the file (an upload's original name): DuckDB's
    messages name the path it read, which stays on the server.
    """
    con = duckdb.connect()
    try:
        relation = _relation(con, path, kind)
        columns = [
            Column(str(n), str(t)) for n, t in zip(relation.columns, relation.types, strict=True)
        ]
        rows = None
        if count:
            found = relation.aggregate("count(*)").fetchall()
            rows = int(found[0][0]) if found else 0
    except (duckdb.Error, UnicodeDecodeError) as exc:
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        detail = without_paths(detail, path=path, name=name)[:300]
        raise ValidationError(
            {field: [_("The file could not be read: {detail}").format(detail=detail)]}
        ) from exc
    finally:
        con.close()
    if not columns:
        raise ValidationError({field: [_("The file has no columns.")]})
    if len(columns) > MAX_COLUMNS:
        raise ValidationError(
            {field: [_("The file has more than {count} columns.").format(count=MAX_COLUMNS)]}
        )
    if rows == 0:
        raise ValidationError({field: [_("The file has no rows.")]})
    return columns, rows


# --- the job budget: rows, cells, decoded bytes -------------------------------------------------


def job_data_limits() -> DataLimits:
    """The limits every job's data must keep (``TIANPING_JOB_MAX_ROWS`` …)."""
    limits = job_limits()
    return DataLimits(
        max_rows=limits.max_rows,
        max_cells=limits.max_cells,
        max_decoded_bytes=limits.max_decoded_bytes,
        names=("TIANPING_JOB_MAX_ROWS", "TIANPING_JOB_MAX_CELLS", "TIANPING_JOB_MAX_DECODED_BYTES"),
    )


def _budget_error(field: str, error: DataLimitError) -> ValidationError:
    language = "en" if (get_language() or "").startswith("en") else "zh-Hans"
    return ValidationError({field: [error.localized(language)]})


# --- what users are told about a file -----------------------------------------------------------


def _server_folders() -> list[str]:
    """Folders whose paths are the server's business: the platform's home, uploads, temp files."""
    folders = {str(settings.HOME), str(predictions_dir()), tempfile.gettempdir()}
    for folder in list(folders):
        with contextlib.suppress(OSError):
            folders.add(str(Path(folder).resolve()))
    return sorted((f for f in folders if f and f != os.sep), key=len, reverse=True)


def without_paths(text: str, *, path: Path | str, name: str) -> str:
    """``text`` with the server path of a file replaced by the name users know it by.

    ``path`` (as given and resolved) becomes ``name`` (an upload's original
    name; "the uploaded file" when empty); any other path under the platform's
    home, its uploads folder or the temporary folder becomes ``name`` too.
    """
    shown = name or _("the uploaded file")
    paths = {str(path)}
    with contextlib.suppress(OSError):
        paths.add(str(Path(path).resolve()))
    for candidate in sorted(paths, key=len, reverse=True):
        text = text.replace(candidate, shown)
    for folder in _server_folders():
        text = re.sub(re.escape(folder) + r"(?:[/\\][^\s'\"`]*|(?![\w.-]))", lambda _m: shown, text)
    return text


def localized_without_paths(exc: LocalizedError, *, path: Path | str, name: str) -> dict[str, str]:
    """A library error's message in both languages, naming the file as users know it."""
    return {
        language: without_paths(exc.localized(language), path=path, name=name)
        for language in ("zh-Hans", "en")
    }


# --- uploads ------------------------------------------------------------------------------------


def check_upload(
    upload: UploadedFile[bytes], *, field: str = "file", formats: dict[str, str] | None = None
) -> CheckedFile:
    """Copy an upload to a private temporary file and check it; the caller keeps or deletes it.

    Raises
    ------
    ValidationError
        On ``field``: a wrong type, too large, not text in a supported encoding,
        malformed, empty.

    A CSV, TSV or JSON Lines upload is read in the encoding the library detects
    (:func:`tianping.privacy.sniff_encoding`: UTF-8 with or without a BOM, UTF-16
    or UTF-32 with a BOM, else GB18030 — a superset of GBK) and stored as UTF-8:
    the returned file is that copy, while ``size`` and ``sha256`` are those of
    the uploaded bytes. Latin-1 text that happens to be valid GB18030 is read as
    GB18030, as the command line reads it.
    """
    name = Path(upload.name or "").name
    kind = format_of(name, formats)
    if kind is None:
        raise _wrong_type(field)
    limit = max_bytes()
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            {
                field: [
                    _("The file is larger than the limit of {limit} MB.").format(
                        limit=_megabytes(limit)
                    )
                ]
            }
        )
    incoming = private_dir(private_dir(predictions_dir()) / "incoming")
    fd, raw_path = tempfile.mkstemp(suffix=Path(name).suffix.lower(), dir=incoming)
    path = Path(raw_path)
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in upload.chunks(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ValidationError(
                        {
                            field: [
                                _("The file is larger than the limit of {limit} MB.").format(
                                    limit=_megabytes(limit)
                                )
                            ]
                        }
                    )
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ValidationError({field: [_("The file is empty.")]})
        encoding = "binary"
        decoded = size
        if kind == "parquet":
            _check_content(path, kind, field)
        else:
            # Text is read in the library's encoding and checked as UTF-8 from here on;
            # the digest stays that of the bytes the user sent.
            fd, raw_text = tempfile.mkstemp(suffix=Path(name).suffix.lower(), dir=incoming)
            os.close(fd)
            text_path = Path(raw_text)
            try:
                encoding, decoded = _transcode(
                    path, text_path, field, max_decoded=job_data_limits().max_decoded_bytes
                )
            except BaseException:
                text_path.unlink(missing_ok=True)
                raise
            path.unlink(missing_ok=True)
            path = text_path
            if kind == "jsonl":
                _check_jsonl_start(path, field)
        # Parquet's rows are counted from its footer: a bomb is measured before one page
        # is decoded (measure); text decodes to its UTF-8 copy's size.
        columns, rows = read_columns(path, kind, field=field, count=True, name=name)
        if kind == "parquet":
            decoded = datalimits.measure(path, kind).decoded_bytes
        try:
            job_data_limits().check(
                Measure(rows=rows or 0, columns=len(columns), decoded_bytes=decoded)
            )
        except DataLimitError as error:
            raise _budget_error(field, error) from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return CheckedFile(
        path=path,
        name=name[:255],
        format=kind,
        size=size,
        sha256=digest.hexdigest(),
        rows=rows,
        columns=tuple(columns),
        encoding=encoding,
    )


def _chunks(path: Path) -> Iterable[bytes]:
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            yield chunk


def _check_content(path: Path, kind: str, field: str) -> None:
    """Parquet's magic bytes (text is checked as it is transcoded: :func:`_transcode`)."""
    if kind == "parquet":
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(4)
            fh.seek(max(0, size - 4))
            tail = fh.read(4)
        _check_parquet(head, tail, field)


# --- files on the server ------------------------------------------------------------------------


def allowed_server_path(text: str, *, field: str = "server_path") -> Path:
    """``text`` as a resolved path inside one of the data folders, or a form error.

    Fails closed: with no data folder configured, every path is refused; globs,
    relative paths, missing files, folders and paths that resolve (through
    ``..`` or symbolic links) outside every data folder are refused too.
    """
    folders = data_dirs()
    if not folders:
        raise ValidationError(
            {field: [_("Reading files on the server is not enabled on this platform.")]}
        )
    raw = text.strip()
    if not raw or "\x00" in raw or any(ch in raw for ch in "*?[") or not os.path.isabs(raw):
        raise ValidationError({field: [_("Give the full path of one file on the server.")]})
    try:
        path = Path(raw).resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        raise ValidationError({field: [_("There is no such file on the server.")]}) from exc
    if not any(path.is_relative_to(folder) for folder in folders):
        raise ValidationError(
            {field: [_("That path is outside the folders this platform may read.")]}
        )
    if not path.is_file():
        raise ValidationError({field: [_("There is no such file on the server.")]})
    return path


def check_server_file(
    text: str, *, field: str = "server_path", formats: dict[str, str] | None = None
) -> CheckedFile:
    """Check a file on the server: allowed, of a known type, readable; its rows are not counted."""
    path = allowed_server_path(text, field=field)
    kind = format_of(path.name, formats)
    if kind is None:
        raise _wrong_type(field)
    if kind == "parquet":
        _check_content(path, kind, field)
    columns, _rows = read_columns(path, kind, field=field, count=False, name=path.name)
    return CheckedFile(
        path=path,
        name=path.name[:255],
        format=kind,
        size=path.stat().st_size,
        sha256="",
        rows=None,
        columns=tuple(columns),
    )


# --- upload size, before the file is stored -----------------------------------------------------


class SizeLimitedUploadHandler(uploads.SizeLimitedUploadHandler):
    """The shared handler (:mod:`tianping.web.uploads`): the file is skipped past the
    limit and ``request.predictions_too_large`` set, so the form can say why."""

    flag = "predictions_too_large"


__all__ = [
    "FORMATS",
    "PRIVACY_FORMATS",
    "CheckedFile",
    "Column",
    "SizeLimitedUploadHandler",
    "allowed_server_path",
    "check_server_file",
    "check_upload",
    "data_dirs",
    "format_of",
    "localized_without_paths",
    "max_bytes",
    "read_columns",
    "without_paths",
]

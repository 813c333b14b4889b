"""Where the data lives: dataframes through narwhals, files through DuckDB.

The audit makes one pass over the data, a grouped count, and that pass runs in
the engine that holds the data: pandas, polars, pyarrow or DuckDB for in-memory
tables (through narwhals), DuckDB for Parquet, CSV and JSON Lines files (the
file is scanned by DuckDB; its rows never become Python objects).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import narwhals as nw

from tianping.fairness._errors import FairnessDataError
from tianping.fairness._messages import (
    ERR_FILE_NOT_FOUND,
    ERR_UNREADABLE_FILE,
    ERR_UNSUPPORTED_DATA,
    ERR_UNSUPPORTED_FORMAT,
)

Frame = nw.DataFrame[Any] | nw.LazyFrame[Any]
#: The schema of an audit's JSON (``AuditResult.to_json()``).
SCHEMA = "tianping.fairness.audit/1"
"""A narwhals frame, eager or lazy."""

_FORMATS = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
}
_COMPRESSION = {".gz", ".zst"}


def file_format(path: Path) -> str:
    """``parquet``, ``csv``, ``jsonl`` or ``json`` from the file name (``.csv.gz`` is CSV)."""
    suffixes = [s.lower() for s in path.suffixes]
    while suffixes and suffixes[-1] in _COMPRESSION:
        suffixes.pop()
    kind = _FORMATS.get(suffixes[-1]) if suffixes else None
    if kind is None:
        raise FairnessDataError(ERR_UNSUPPORTED_FORMAT, params={"path": str(path)})
    return kind


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _read_file(con: duckdb.DuckDBPyConnection, path: Path) -> duckdb.DuckDBPyRelation:
    kind = file_format(path)
    name = str(path)
    if kind == "parquet":
        return con.read_parquet(name)
    if kind == "csv":
        return con.read_csv(name)
    return con.read_json(name, format="newline_delimited" if kind == "jsonl" else "auto")


@contextmanager
def open_frame(data: object) -> Iterator[tuple[Frame, str]]:
    """``data`` as a narwhals frame and the name of the engine that will count it.

    A path (``str`` or :class:`os.PathLike`; globs such as ``part-*.parquet``
    are allowed) is opened with DuckDB on a private connection, closed on exit.
    DuckDB errors raised while the frame is used (a malformed CSV line found
    halfway) become :class:`FairnessDataError` naming the file.
    """
    if isinstance(data, str | os.PathLike):
        path = Path(data)
        if not any(ch in str(path) for ch in "*?[") and not path.exists():
            raise FairnessDataError(ERR_FILE_NOT_FOUND, params={"path": str(path)})
        kind = file_format(path)
        con = duckdb.connect()
        try:
            try:
                relation = _read_file(con, path)
                frame: Frame = nw.from_native(relation)
                yield frame, f"duckdb ({kind} file)"
            except (duckdb.Error, UnicodeDecodeError) as exc:
                raise FairnessDataError(
                    ERR_UNREADABLE_FILE, params={"path": str(path), "reason": _first_line(exc)}
                ) from exc
        finally:
            con.close()
        return
    try:
        native = nw.from_native(data)  # type: ignore[call-overload]
    except TypeError as exc:
        raise FairnessDataError(ERR_UNSUPPORTED_DATA, params={"kind": type(data).__name__}) from exc
    if not isinstance(native, nw.DataFrame | nw.LazyFrame):
        raise FairnessDataError(ERR_UNSUPPORTED_DATA, params={"kind": type(data).__name__})
    yield native, native.implementation.name.lower()


def json_number(value: float) -> float | None:
    """``value`` for JSON: NaN and infinities (undefined ratios) become ``None`` (``null``)."""
    return value if math.isfinite(value) else None


__all__ = ["SCHEMA", "Frame", "file_format", "json_number", "open_frame"]

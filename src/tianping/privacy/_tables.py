"""Reading tables column by column as text: CSV / TSV, JSON Lines, Parquet.

Every reader yields ``(column, first_row, cells)`` batches, cells as text
(``None`` for nulls), so that a column is scanned in one pass per batch and
its name serves as context. CSV cells are read as strings (never re-typed, so
``0571…`` keeps its zero); Parquet columns are cast to strings by Arrow; JSON
Lines objects give one column per top-level key (nested values as JSON), and a
line that is not JSON, or goes beyond :mod:`tianping.jsonsafe`'s limits (nesting
depth, number length), is kept whole in the column ``(unparsed)``. Rows that
cannot be parsed are counted, not fatal.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Literal

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pacsv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from tianping import jsonsafe
from tianping.privacy._scanner import TABLE_BATCH_ROWS, cell_text

TableFormat = Literal["csv", "tsv", "jsonl", "parquet"]
Source = str | bytes
"""A file path, or the bytes of an archive member or of standard input."""

TABLE_SUFFIXES: dict[str, TableFormat] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}
UNPARSED = "(unparsed)"
"""The column that holds JSON Lines lines that are not JSON."""

CSV_BLOCK_BYTES = 16 << 20
"""The largest CSV row that can be read (Arrow's block size)."""


def table_format(name: str) -> TableFormat | None:
    """The table format a file name implies (``data.csv.gz`` → ``csv``), or ``None``."""
    suffixes = [s.lower() for s in PurePath(name).suffixes]
    while suffixes and suffixes[-1] in (".gz", ".gzip"):
        suffixes.pop()
    return TABLE_SUFFIXES.get(suffixes[-1]) if suffixes else None


@dataclass
class TableStats:
    """What reading a table found besides its cells."""

    rows: int = 0
    columns: list[str] = field(default_factory=list)
    bad_rows: int = 0


def _arrow_source(source: Source) -> Any:
    return pa.BufferReader(source) if isinstance(source, bytes) else source


def _header(source: Source, encoding: str, delimiter: str) -> list[str]:
    if isinstance(source, bytes):
        head = source[: 1 << 20]
    else:
        with open(source, "rb") as handle:
            head = handle.read(1 << 20)
    text = head.decode(encoding, "replace").lstrip("\ufeff")
    first = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    return [name if name else f"column_{i + 1}" for i, name in enumerate(first)]


def _csv_batches(
    source: Source, *, encoding: str, delimiter: str, stats: TableStats, batch_rows: int
) -> Iterator[tuple[str, int, list[str | None]]]:
    names = _header(source, encoding, delimiter)
    stats.columns = names

    def invalid(_row: Any) -> str:
        stats.bad_rows += 1
        return "skip"

    reader = pacsv.open_csv(
        _arrow_source(source),
        read_options=pacsv.ReadOptions(
            encoding="utf8" if encoding in ("utf-8", "utf-8-sig") else encoding,
            block_size=CSV_BLOCK_BYTES,
            column_names=names,
            skip_rows=1,
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter, newlines_in_values=True, invalid_row_handler=invalid
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    first_row = 0
    for batch in reader:
        yield from _arrow_batch(batch, first_row, batch_rows)
        first_row += batch.num_rows
    stats.rows = first_row


def _as_text(column: pa.Array) -> list[str | None]:
    try:
        return column.cast(pa.string()).to_pylist()  # type: ignore[no-any-return]
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return [cell_text(v) for v in column.to_pylist()]


def _arrow_batch(
    batch: pa.RecordBatch, first_row: int, batch_rows: int
) -> Iterator[tuple[str, int, list[str | None]]]:
    for a in range(0, batch.num_rows, batch_rows):
        part = batch.slice(a, batch_rows)
        for name, column in zip(part.schema.names, part.columns, strict=True):
            if pa.types.is_floating(column.type):
                # 13912345678.0 → "13912345678": integral floats lose their ".0"
                values = [cell_text(v) for v in column.to_pylist()]
            elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
                values = column.to_pylist()
            else:
                values = _as_text(column)
            yield name, first_row + a, values


def _parquet_batches(
    source: Source, *, stats: TableStats, batch_rows: int
) -> Iterator[tuple[str, int, list[str | None]]]:
    handle = pq.ParquetFile(_arrow_source(source))
    stats.columns = list(handle.schema_arrow.names)
    first_row = 0
    for batch in handle.iter_batches(batch_size=batch_rows):
        yield from _arrow_batch(batch, first_row, batch_rows)
        first_row += batch.num_rows
    stats.rows = first_row


def _lines(source: Source) -> Iterator[bytes]:
    if isinstance(source, bytes):
        yield from io.BytesIO(source)
    else:
        with open(source, "rb") as handle:
            yield from handle


def _jsonl_batches(
    source: Source, *, encoding: str, stats: TableStats, batch_rows: int
) -> Iterator[tuple[str, int, list[str | None]]]:
    seen: dict[str, None] = {}
    row = 0
    batch: list[dict[str, str | None]] = []

    def flush(first: int) -> Iterator[tuple[str, int, list[str | None]]]:
        names = list(dict.fromkeys(k for record in batch for k in record))
        for name in names:
            seen.setdefault(name)
            yield name, first, [record.get(name) for record in batch]

    first = 0
    for raw in _lines(source):
        line = raw.decode(encoding, "replace").strip().lstrip("\ufeff")
        if not line:
            continue
        try:
            value = jsonsafe.loads(line)  # too deep, too long a number: unparsed too
        except ValueError:
            stats.bad_rows += 1
            record: dict[str, str | None] = {UNPARSED: line}
        else:
            if isinstance(value, dict):
                record = {str(k): cell_text(v) for k, v in value.items()}
            else:
                record = {"(value)": cell_text(value)}
        batch.append(record)
        row += 1
        if len(batch) >= batch_rows:
            yield from flush(first)
            first, batch = row, []
    if batch:
        yield from flush(first)
    stats.rows = row
    stats.columns = list(seen)


def iter_table(
    source: Source,
    fmt: TableFormat,
    *,
    encoding: str = "utf-8",
    stats: TableStats | None = None,
    batch_rows: int = TABLE_BATCH_ROWS,
) -> Iterator[tuple[str, int, list[str | None]]]:
    """``(column, first_row, cells)`` batches of a table file or buffer.

    ``stats`` (filled as reading goes) receives the row count, the column
    names and the number of rows that could not be parsed.
    """
    stats = stats if stats is not None else TableStats()
    if fmt == "parquet":
        return _parquet_batches(source, stats=stats, batch_rows=batch_rows)
    if fmt == "jsonl":
        return _jsonl_batches(source, encoding=encoding, stats=stats, batch_rows=batch_rows)
    delimiter = "\t" if fmt == "tsv" else ","
    return _csv_batches(
        source, encoding=encoding, delimiter=delimiter, stats=stats, batch_rows=batch_rows
    )


def table_errors() -> tuple[type[BaseException], ...]:
    """The exceptions a malformed table raises while being read."""
    return (pa.ArrowException, csv.Error, UnicodeDecodeError, OSError, ValueError)


__all__ = [
    "TABLE_SUFFIXES",
    "UNPARSED",
    "Source",
    "TableFormat",
    "TableStats",
    "iter_table",
    "table_errors",
    "table_format",
]

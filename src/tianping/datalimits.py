"""How much a table file holds, measured before it is read, and limits on it.

A 36 KB Parquet file can hold three million rows of one repeated value (a
"row bomb"): its footer states the rows and the size of each column chunk, so
the file is measured from the footer before one page is decoded. Text tables
(CSV, TSV, JSON Lines) decode to their own size; their rows are counted.

The platform applies :class:`DataLimits` to every job (settings
``TIANPING_JOB_MAX_ROWS`` …); on the command line they are opt-in
(``--max-rows``, ``--max-cells``, ``--max-decoded-bytes``), so a 100-million-row
file is read as before unless a limit is asked for.

Examples
--------
>>> limits = DataLimits(max_rows=10)
>>> limits.check(Measure(rows=11, columns=2, decoded_bytes=100))
Traceback (most recent call last):
...
tianping.datalimits.DataLimitError: the data has 11 rows, more than the limit of 10 (--max-rows)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tianping.errors import LocalizedError
from tianping.text import LocalizedText

MIN_CELL_BYTES = 8
"""The least a decoded cell takes in memory (one 64-bit value), whatever its encoding."""

KINDS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}

ERR_ROWS = LocalizedText(
    zh="数据有 {rows:,} 行，超过了 {limit:,} 行的上限（{setting}）",
    en="the data has {rows:,} rows, more than the limit of {limit:,} ({setting})",
)
ERR_CELLS = LocalizedText(
    zh="数据有 {cells:,} 个单元格，超过了 {limit:,} 个的上限（{setting}）",
    en="the data has {cells:,} cells, more than the limit of {limit:,} ({setting})",
)
ERR_BYTES = LocalizedText(
    zh="数据解码后至少 {size:,} 字节，超过了 {limit:,} 字节的上限（{setting}）",
    en="the data decodes to at least {size:,} bytes, more than the limit of {limit:,} ({setting})",
)
ERR_UNREADABLE = LocalizedText(
    zh="无法测量 {name} 的大小：{reason}", en="cannot measure {name}: {reason}"
)


class DataLimitError(LocalizedError, ValueError):
    """A table is larger than the limits allow, or cannot be measured."""


@dataclass(frozen=True, slots=True)
class Measure:
    """What a table holds: rows, columns, and a lower bound of its decoded size in bytes."""

    rows: int
    columns: int
    decoded_bytes: int

    @property
    def cells(self) -> int:
        return self.rows * self.columns


@dataclass(frozen=True, slots=True)
class DataLimits:
    """Upper bounds on a table (``None``: no limit) and how a person sets each one."""

    max_rows: int | None = None
    max_cells: int | None = None
    max_decoded_bytes: int | None = None
    names: tuple[str, str, str] = ("--max-rows", "--max-cells", "--max-decoded-bytes")

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.max_rows, self.max_cells, self.max_decoded_bytes))

    def check(self, measure: Measure) -> Measure:
        """``measure`` if it is within the limits; else :class:`DataLimitError` naming the limit."""
        rows, cells, size = self.names
        if self.max_rows is not None and measure.rows > self.max_rows:
            raise DataLimitError(
                ERR_ROWS, params={"rows": measure.rows, "limit": self.max_rows, "setting": rows}
            )
        if self.max_cells is not None and measure.cells > self.max_cells:
            raise DataLimitError(
                ERR_CELLS,
                params={"cells": measure.cells, "limit": self.max_cells, "setting": cells},
            )
        if self.max_decoded_bytes is not None and measure.decoded_bytes > self.max_decoded_bytes:
            raise DataLimitError(
                ERR_BYTES,
                params={
                    "size": measure.decoded_bytes,
                    "limit": self.max_decoded_bytes,
                    "setting": size,
                },
            )
        return measure


def kind_of(path: str | Path) -> str | None:
    """``csv``, ``tsv``, ``jsonl`` or ``parquet`` from a file name, or ``None``."""
    return KINDS.get(Path(path).suffix.lower())


def measure(path: str | Path, kind: str | None = None) -> Measure:
    """Rows, columns and decoded size of a table file; Parquet from its footer alone.

    Dictionary and run-length encoding make a Parquet footer's "uncompressed"
    sizes tiny for a bomb of one repeated value, so the decoded size counts at
    least :data:`MIN_CELL_BYTES` per cell.
    """
    import duckdb

    kind = kind or kind_of(path) or "csv"
    name = str(path)
    con = duckdb.connect()
    try:
        if kind == "parquet":
            found = con.execute(
                "SELECT coalesce(sum(total_uncompressed_size), 0), count(DISTINCT column_id)"
                " FROM parquet_metadata(?)",
                [name],
            ).fetchone()
            counted = con.execute(
                "SELECT coalesce(sum(num_rows), 0) FROM parquet_file_metadata(?)", [name]
            ).fetchone()
            rows = int(counted[0]) if counted else 0
            encoded, columns = (int(found[0]), int(found[1])) if found else (0, 0)
            decoded = max(encoded, rows * max(columns, 1) * MIN_CELL_BYTES)
            return Measure(rows=rows, columns=columns, decoded_bytes=decoded)
        if kind == "jsonl":
            relation = con.read_json(name, format="newline_delimited")
        else:
            relation = con.read_csv(name, sep="\t") if kind == "tsv" else con.read_csv(name)
        total = relation.aggregate("count(*)").fetchall()
        rows = int(total[0][0]) if total else 0
        return Measure(
            rows=rows, columns=len(relation.columns), decoded_bytes=Path(path).stat().st_size
        )
    except (duckdb.Error, OSError) as error:
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0][:300]
        raise DataLimitError(
            ERR_UNREADABLE, params={"name": Path(path).name, "reason": reason}
        ) from None
    finally:
        con.close()


def check_file(path: str | Path, limits: DataLimits, kind: str | None = None) -> Measure | None:
    """Measure ``path`` and check it against ``limits``; ``None`` when no limit is set."""
    if not limits.active:
        return None
    return limits.check(measure(path, kind))

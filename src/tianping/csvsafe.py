"""CSV and spreadsheet output that a spreadsheet cannot run: the one place the project writes CSV.

A spreadsheet (Excel, LibreOffice Calc, Google Sheets, WPS) that opens a CSV
or TSV file reads a cell starting with ``=``, ``+``, ``-`` or ``@`` as a
formula, and so does one starting with a tab or a carriage return once the
application trims it: ``=HYPERLINK("http://x","y")`` sends data away,
``=cmd|' /C calc'!A0`` runs a program (DDE). Following OWASP's rule for CSV
injection, every text cell that starts with one of :data:`FORMULA_TRIGGERS`
is written with a single quote ``'`` in front, which spreadsheets show as
text and do not evaluate. Two kinds of values stay as they are:

- values that are not text (``int``, ``float``, dates; numeric Arrow
  columns): a spreadsheet reads a number as a number;
- text that is wholly a plain decimal number (``-2``, ``+3``, ``-2.5``,
  ``-1e-3``; see :func:`is_plain_number`): no spreadsheet evaluates it, and
  de-identified copies read every CSV column as text, so prefixing would turn
  each negative number of a numeric column into text. ``-2+3`` or ``-2,5``
  are not plain numbers and get the quote.

Column names (the header) are cells too and are treated the same way.

Every CSV or TSV writer of the project goes through this module:
:func:`writer` and :class:`DictWriter` for rows, :class:`ArrowCSVWriter` for
Arrow tables, and :func:`neutralise_frame` (pandas, polars, pyarrow) before a
dataframe is written with its own ``to_csv`` / ``write_csv``. A test fails
when code elsewhere writes CSV directly.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any, Literal, Self, TypeVar

import narwhals as nw
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.csv as pacsv  # type: ignore[import-untyped]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""The first characters that make a spreadsheet read a cell as a formula (OWASP)."""

ESCAPE = "'"
"""What goes in front of a cell that starts with a trigger."""

_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_PLAIN_NUMBER = re.compile(_NUMBER)
# The same two tests for Arrow's RE2 (``$`` is the end of the text there).
_ARROW_TRIGGER = r"^[=+\-@\t\r]"
_ARROW_NUMBER = rf"^{_NUMBER}$"

T = TypeVar("T")

if TYPE_CHECKING:
    _DictWriterBase = csv.DictWriter[str]
else:
    _DictWriterBase = csv.DictWriter  # not subscriptable at run time before Python 3.12


def is_plain_number(text: str) -> bool:
    """Whether ``text`` is wholly a decimal number (sign, digits, point, exponent).

    Examples
    --------
    >>> [is_plain_number(t) for t in ("-2", "+3", "-2.5", "1e-3", "-2+3", "-2,5", " -2")]
    [True, True, True, True, False, False, False]
    """
    return _PLAIN_NUMBER.fullmatch(text) is not None


def neutralise_cell(value: T) -> T | str:
    """``value`` made safe for a spreadsheet: ``'`` before text that starts a formula.

    Text starting with one of :data:`FORMULA_TRIGGERS` gets :data:`ESCAPE`
    in front unless it is a plain number; every other value is returned
    unchanged (so ``int`` and ``float`` stay numbers).

    Examples
    --------
    >>> neutralise_cell('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> [neutralise_cell(v) for v in ("+1+1", "@SUM(A1)", "\\tx", "-2.5", -2, "张*")]
    ["'+1+1", "'@SUM(A1)", "'\\tx", '-2.5', -2, '张*']
    """
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_TRIGGERS)
        and _PLAIN_NUMBER.fullmatch(value) is None
    ):
        return ESCAPE + value
    return value


def neutralise_row(row: Iterable[object]) -> list[object]:
    """Each cell of ``row`` through :func:`neutralise_cell`."""
    return [neutralise_cell(cell) for cell in row]


class SafeWriter:
    """A :func:`csv.writer` whose every row (header included) is neutralised first."""

    def __init__(self, stream: Any, dialect: str | type[csv.Dialect] = "excel", **fmt: Any):
        self._writer = csv.writer(stream, dialect, **fmt)

    @property
    def dialect(self) -> Any:
        return self._writer.dialect

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow(neutralise_row(row))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        self._writer.writerows(neutralise_row(row) for row in rows)


def writer(stream: Any, dialect: str | type[csv.Dialect] = "excel", **fmt: Any) -> SafeWriter:
    """A writer like :func:`csv.writer` that neutralises every cell it writes.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> writer(out).writerows([["name", "score"], ["=1+1", -2], ["-2", "@x"]])
    >>> out.getvalue().splitlines()
    ['name,score', "'=1+1,-2", "-2,'@x"]
    """
    return SafeWriter(stream, dialect, **fmt)


class DictWriter(_DictWriterBase):
    """:class:`csv.DictWriter` whose header and rows are neutralised.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> w = DictWriter(out, fieldnames=["name", "=total"])
    >>> _ = w.writeheader()
    >>> w.writerows([{"name": "@me", "=total": 3}])
    >>> out.getvalue().splitlines()
    ["name,'=total", "'@me,3"]
    """

    def __init__(
        self,
        f: Any,
        fieldnames: Sequence[str],
        restval: Any = "",
        extrasaction: Literal["raise", "ignore"] = "raise",
        dialect: str | type[csv.Dialect] = "excel",
        **fmt: Any,
    ) -> None:
        super().__init__(f, fieldnames, restval, extrasaction, dialect, **fmt)
        self.writer = SafeWriter(f, dialect, **fmt)  # type: ignore[assignment]


# --- Arrow tables and dataframes -------------------------------------------------------------


def _neutralise_array(column: Any) -> Any:
    """An Arrow string column with ``'`` before each formula-like cell (nulls stay null)."""
    if pa.types.is_dictionary(column.type) and (
        pa.types.is_string(column.type.value_type)
        or pa.types.is_large_string(column.type.value_type)
    ):
        column = column.cast(column.type.value_type)
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return column
    risky = pc.and_(
        pc.match_substring_regex(column, pattern=_ARROW_TRIGGER),
        pc.invert(pc.match_substring_regex(column, pattern=_ARROW_NUMBER)),
    )
    escaped = pc.binary_join_element_wise(
        pa.scalar(ESCAPE, type=column.type), column, pa.scalar("", type=column.type)
    )
    return pc.if_else(pc.fill_null(risky, False), escaped, column)


def neutralise_table(table: pa.Table | pa.RecordBatch) -> pa.Table:
    """An Arrow table with its text columns and its column names neutralised.

    Text columns (``string``, ``large_string``; dictionary-encoded text is
    decoded) get ``'`` before each cell that would start a formula; other
    columns are returned as they are.

    Examples
    --------
    >>> import pyarrow as pa
    >>> t = neutralise_table(pa.table({"=a": ["=1+1", "-2", None], "n": [-1, 2, 3]}))
    >>> t.column_names, t.column(0).to_pylist(), t.column(1).to_pylist()
    (["'=a", 'n'], ["'=1+1", '-2', None], [-1, 2, 3])
    """
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    names = [str(neutralise_cell(name)) for name in table.column_names]
    return pa.Table.from_arrays([_neutralise_array(c) for c in table.columns], names=names)


def neutralise_frame(data: T) -> T:
    """A dataframe (pandas, polars, pyarrow …) safe to write as CSV, of the same kind.

    Use it just before a dataframe's own CSV writer (``to_csv``,
    ``write_csv``, DuckDB's ``COPY … TO``), which this module cannot wrap.

    Examples
    --------
    >>> import pandas as pd
    >>> neutralise_frame(pd.DataFrame({"a": ["=cmd|' /C calc'!A0", "ok"]}))["a"].tolist()
    ["'=cmd|' /C calc'!A0", 'ok']
    """
    if isinstance(data, pa.Table | pa.RecordBatch):
        return neutralise_table(data)  # type: ignore[no-any-return]
    frame = nw.from_native(data, eager_only=True)  # type: ignore[call-overload]
    safe = neutralise_table(frame.to_arrow())
    return nw.from_arrow(safe, backend=frame.implementation).to_native()  # type: ignore[no-any-return]


class ArrowCSVWriter:
    """:class:`pyarrow.csv.CSVWriter` that neutralises the header and every batch it writes.

    ``schema`` is the schema of the tables passed to :meth:`write_table`; text
    columns stay text.

    Examples
    --------
    >>> import io, pyarrow as pa
    >>> sink = io.BytesIO()
    >>> table = pa.table({"v": ["@SUM(A1)", "ok"]})
    >>> with ArrowCSVWriter(sink, table.schema) as w:
    ...     w.write_table(table)
    >>> sink.getvalue().decode().splitlines()
    ['"v"', '"\\'@SUM(A1)"', '"ok"']
    """

    def __init__(self, sink: str | IO[bytes] | Any, schema: pa.Schema, *, delimiter: str = ","):
        self._names = [str(neutralise_cell(name)) for name in schema.names]
        fields = [
            field.with_type(field.type.value_type) if pa.types.is_dictionary(field.type) else field
            for field in schema
        ]
        self.schema = pa.schema([f.with_name(n) for f, n in zip(fields, self._names, strict=True)])
        options = pacsv.WriteOptions(delimiter=delimiter, include_header=True)
        self._writer = pacsv.CSVWriter(sink, self.schema, write_options=options)

    def write_table(self, table: pa.Table | pa.RecordBatch) -> None:
        """Write ``table``'s rows, each text cell neutralised."""
        self._writer.write_table(neutralise_table(table).cast(self.schema))

    def close(self) -> None:
        self._writer.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = [
    "ESCAPE",
    "FORMULA_TRIGGERS",
    "ArrowCSVWriter",
    "DictWriter",
    "SafeWriter",
    "is_plain_number",
    "neutralise_cell",
    "neutralise_frame",
    "neutralise_row",
    "neutralise_table",
    "writer",
]

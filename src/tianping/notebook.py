"""Results in a notebook: their tables as data frames, and as HTML with a chart.

Each result of the library has ``to_frame()`` and ``_repr_html_()``:

=================================================  ===========================================
result                                             one row of ``to_frame()`` per
=================================================  ===========================================
:class:`tianping.fairness.AuditResult`             group (like fairlearn's
                                                   ``MetricFrame.by_group``); its
                                                   ``disparity_frame()``: one per disparity
:class:`tianping.privacy.TableProfile`             column of the table
:class:`tianping.privacy.ScanReport`               file, column and kind of personal data
:class:`tianping.privacy.AnonymityReport`          equivalence class that misses a target
:class:`tianping.tiering.TierResult`               answer, floor or obligation behind the tier
=================================================  ===========================================

Jupyter shows a result through ``_repr_html_()``: the same tables, escaped, with
an inline SVG chart (:mod:`tianping.charts`, the charts of the platform's pages).
No table holds a raw personal value: a scan's frames count findings, never show them.

Frames
------
``to_frame(backend=None)`` gives a pandas ``DataFrame`` by default (a pyarrow
``Table`` where pandas is not installed); an audit of a polars or pyarrow table
gives that kind back. ``backend="pandas"``, ``"polars"`` or ``"pyarrow"`` asks for
one (through narwhals). Undefined numbers (``0/0``) are null (``NaN`` in pandas).

This module holds what the results share: :func:`build_frame` and :func:`html_table`.

Examples
--------
>>> frame = build_frame([("group", "str", ["F", "M"]), ("rate", "float", [0.3, None])],
...                     backend="pyarrow")
>>> frame.column("rate").to_pylist()
[0.3, None]
>>> "&lt;b&gt;" in html_table(["group"], [["<b>"]])
True
"""

from __future__ import annotations

import html
import importlib.util
import math
from collections.abc import Sequence
from typing import Any, Final, Literal

import narwhals as nw
import pyarrow as pa  # type: ignore[import-untyped]

Backend = Literal["pandas", "polars", "pyarrow"]
#: The kinds of frame ``to_frame()`` can give.
BACKENDS: Final[tuple[Backend, ...]] = ("pandas", "polars", "pyarrow")
ColumnKind = Literal["str", "int", "float", "bool"]
#: A frame's columns: name, kind and values.
FrameColumns = list[tuple[str, ColumnKind, Sequence[object]]]

_TYPES: Final = {
    "str": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
}
BAD_BACKEND = "backend must be one of {known}, got {backend!r}"
DUPLICATE_COLUMN = "a frame cannot have two columns named {name!r}"
#: What a table cell shows for an undefined value.
EMPTY: Final = "—"


def resolve_backend(backend: str | None, *, engine: str | None = None) -> Backend:
    """The kind of frame to build: ``backend`` if given, else that of ``engine``, else pandas.

    ``engine`` is the engine that read the data (``"polars"``, ``"pyarrow"``,
    ``"pandas"``, ``"duckdb (csv file)"`` …); only polars and pyarrow are kept,
    everything else gives pandas (pyarrow where pandas is not installed).

    >>> resolve_backend(None, engine="polars"), resolve_backend("pyarrow")
    ('polars', 'pyarrow')
    """
    if backend is not None:
        if backend not in BACKENDS:
            raise ValueError(BAD_BACKEND.format(known=", ".join(BACKENDS), backend=backend))
        return backend
    if engine in ("polars", "pyarrow"):
        return engine  # type: ignore[return-value]
    return "pandas" if importlib.util.find_spec("pandas") is not None else "pyarrow"


def _cell(kind: ColumnKind, value: object) -> object:
    if kind == "float" and value is not None:
        number = float(value)  # type: ignore[arg-type]
        return number if math.isfinite(number) else None
    return value


def build_frame(
    columns: FrameColumns,
    *,
    backend: str | None = None,
    engine: str | None = None,
) -> Any:
    """A frame of ``columns`` (name, kind, values) in the kind :func:`resolve_backend` picks.

    Columns keep their kind even when empty or null; non-finite floats become null.

    Raises
    ------
    ValueError
        An unknown ``backend``, or two columns of one name.
    """
    chosen = resolve_backend(backend, engine=engine)
    names = [name for name, _, _ in columns]
    for name in names:
        if names.count(name) > 1:
            raise ValueError(DUPLICATE_COLUMN.format(name=name))
    table = pa.table(
        {
            name: pa.array([_cell(kind, v) for v in values], type=_TYPES[kind])
            for name, kind, values in columns
        }
    )
    if chosen == "pyarrow":
        return table
    return nw.from_arrow(table, backend=chosen).to_native()


def cell_text(value: object) -> str:
    """A value as a table shows it: numbers to 3 decimals, undefined ones as ``—``.

    >>> cell_text(0.12345), cell_text(float("nan")), cell_text(None), cell_text(12)
    ('0.123', '—', '—', '12')
    """
    if value is None:
        return EMPTY
    if isinstance(value, float):
        return f"{value:.3f}" if math.isfinite(value) else EMPTY
    return str(value)


def html_table(
    header: Sequence[str], rows: Sequence[Sequence[object]], *, caption: str | None = None
) -> str:
    """An HTML ``<table>``; every header and cell is escaped (:func:`cell_text` first)."""
    parts = ['<table class="tianping-table">']
    if caption:
        parts.append(f"<caption>{html.escape(caption)}</caption>")
    parts.append(
        "<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr></thead>"
    )
    parts.append("<tbody>")
    for row in rows:
        parts.append(
            "<tr>" + "".join(f"<td>{html.escape(cell_text(v))}</td>" for v in row) + "</tr>"
        )
    parts.append("</tbody></table>")
    return "".join(parts)


def html_figure(svg: str, caption: str) -> str:
    """An SVG chart (already escaped markup) in a ``<figure>`` with an escaped caption."""
    return (
        '<figure class="tianping-chart" style="max-width:44em;margin:0.5em 0">'
        f"<figcaption>{html.escape(caption)}</figcaption>{svg}</figure>"
    )


def html_result(title: str, facts: Sequence[tuple[str, object]], *parts: str) -> str:
    """A result for a notebook: an escaped title, facts as ``name: value``, then ``parts``."""
    listed = "; ".join(f"{html.escape(name)}: {html.escape(cell_text(v))}" for name, v in facts)
    return (
        f'<div class="tianping-result"><h4>{html.escape(title)}</h4>'
        f"<p>{listed}</p>{''.join(parts)}</div>"
    )


__all__ = [
    "BACKENDS",
    "EMPTY",
    "Backend",
    "ColumnKind",
    "FrameColumns",
    "build_frame",
    "cell_text",
    "html_figure",
    "html_result",
    "html_table",
    "resolve_backend",
]

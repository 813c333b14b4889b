"""Scanning files: text and tables, across processes, into one report.

:func:`scan` expands the paths (:func:`~tianping.privacy._inputs.expand`),
splits large text files into chunks at line ends, and scans chunks and tables
in a pool of worker processes, each of which builds its
:class:`~tianping.privacy.Scanner` (and compiles its patterns) once. A file
that fails is recorded with its reason and the scan goes on.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from tianping.charts import ChartBar, interval_chart, nice_domain
from tianping.notebook import FrameColumns, build_frame, html_figure, html_result, html_table
from tianping.privacy._engine import EngineChoice
from tianping.privacy._errors import PrivacyDataError
from tianping.privacy._findings import Finding, new_salt
from tianping.privacy._inputs import (
    Chunk,
    Item,
    ScanLimits,
    SourceReport,
    decode_chunk,
    expand,
    plan_chunks,
)
from tianping.privacy._messages import (
    ERR_PATH_NOT_FOUND,
    NOTEBOOK_FACTS,
    NOTEBOOK_SCAN,
    NOTEBOOK_SCAN_CHART,
    NOTEBOOK_SOURCES,
    SKIP_REASONS,
)
from tianping.privacy._scanner import DEFAULT_MIN_CONFIDENCE, Scanner, error_reason
from tianping.privacy._tables import TableStats, iter_table, table_errors
from tianping.text import DEFAULT_LANGUAGE, normalise_language

REPORT_FORMAT = "tianping.privacy.scan"
REPORT_VERSION = 1


@dataclass(frozen=True)
class Progress:
    """A progress event: bytes done of bytes known so far, and the file just finished."""

    done_bytes: int
    total_bytes: int
    path: str
    files_done: int
    files_total: int


@dataclass
class ScanReport:
    """The findings of a scan and what happened to every file.

    ``findings`` never hold raw values (masked forms and salted hashes only);
    ``salt_id`` names the salt without revealing it.
    """

    engine: str
    salt_id: str
    entities: tuple[str, ...]
    min_confidence: float
    as_of: date
    sources: list[SourceReport] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def bytes_scanned(self) -> int:
        return sum(s.bytes for s in self.sources if s.status == "scanned" and s.kind != "archive")

    @property
    def skipped(self) -> list[SourceReport]:
        return [s for s in self.sources if s.status == "skipped"]

    def counts(self) -> dict[str, int]:
        """Findings by entity."""
        return dict(sorted(Counter(f.entity for f in self.findings).items()))

    def to_json(self) -> dict[str, Any]:
        """The report as JSON (``docs/privacy.md``, *Scan report*)."""
        return {
            "format": REPORT_FORMAT,
            "version": REPORT_VERSION,
            "engine": self.engine,
            "salt_id": self.salt_id,
            "entities": list(self.entities),
            "min_confidence": self.min_confidence,
            "as_of": self.as_of.isoformat(),
            "seconds": round(self.seconds, 3),
            "summary": {
                "files_scanned": sum(
                    1 for s in self.sources if s.status == "scanned" and s.kind != "archive"
                ),
                "files_skipped": len(self.skipped),
                "bytes_scanned": self.bytes_scanned,
                "findings": len(self.findings),
                "by_entity": self.counts(),
                "minors": sum(1 for f in self.findings if f.minor),
            },
            "sources": [s.to_json() for s in self.sources],
            "skip_reasons": {
                code: text.to_json()
                for code, text in SKIP_REASONS.items()
                if any(s.reason == code for s in self.sources)
            },
            "findings": [f.to_json() for f in self.findings],
        }

    def _frame_columns(self) -> FrameColumns:
        groups: dict[tuple[str, str | None, str], list[Finding]] = {}
        for f in self.findings:
            groups.setdefault((f.path, f.column, f.entity), []).append(f)
        keys = list(groups)
        return [
            ("path", "str", [k[0] for k in keys]),
            ("column", "str", [k[1] for k in keys]),
            ("entity", "str", [k[2] for k in keys]),
            ("findings", "int", [len(groups[k]) for k in keys]),
            ("minors", "int", [sum(1 for f in groups[k] if f.minor) for k in keys]),
            ("min_confidence", "float", [min(f.confidence for f in groups[k]) for k in keys]),
            ("max_confidence", "float", [max(f.confidence for f in groups[k]) for k in keys]),
        ]

    def to_frame(self, *, backend: str | None = None) -> Any:
        """The findings counted, one row per file, column and entity; never a value.

        Columns: ``path`` (the file, ``archive.zip!member.csv`` inside an
        archive), ``column`` (of a table; null for text), ``entity`` (the kind
        of personal data), ``findings`` (how many), ``minors`` (of them showing
        a child under 14), ``min_confidence`` and ``max_confidence``. Rows in
        the order first found. ``backend``: ``"pandas"`` (default), ``"polars"``
        or ``"pyarrow"`` (:func:`tianping.notebook.resolve_backend`).
        """
        return build_frame(self._frame_columns(), backend=backend)

    def to_html(self, *, language: str | None = DEFAULT_LANGUAGE) -> str:
        """The scan for a notebook: totals, a chart of findings by entity, the tables."""
        lang = normalise_language(language)
        summary = self.to_json()["summary"]
        facts = [
            (NOTEBOOK_FACTS["files"].get(lang), summary["files_scanned"]),
            (NOTEBOOK_FACTS["skipped"].get(lang), summary["files_skipped"]),
            (NOTEBOOK_FACTS["findings"].get(lang), summary["findings"]),
            (NOTEBOOK_FACTS["as_of"].get(lang), self.as_of.isoformat()),
        ]
        parts = []
        counts = self.counts()
        if counts:
            title = NOTEBOOK_SCAN_CHART.get(lang)
            bars = [ChartBar(entity, float(n)) for entity, n in counts.items()]
            domain = nice_domain([float(n) for n in counts.values()])
            parts.append(html_figure(interval_chart(bars, title=title, domain=domain), title))
        columns = self._frame_columns()
        parts.append(
            html_table(
                [name for name, _, _ in columns],
                list(zip(*(values for _, _, values in columns), strict=True)),
            )
        )
        parts.append(
            html_table(
                ["path", "kind", "status", "reason", "findings"],
                [
                    [
                        s.path,
                        s.kind,
                        s.status,
                        SKIP_REASONS[s.reason].get(lang) if s.reason in SKIP_REASONS else s.reason,
                        s.findings,
                    ]
                    for s in self.sources
                ],
                caption=NOTEBOOK_SOURCES.get(lang),
            )
        )
        return html_result(NOTEBOOK_SCAN.get(lang), facts, *parts)

    def _repr_html_(self) -> str:
        """What Jupyter shows: :meth:`to_html`."""
        return self.to_html()


# --- the work done in each process ---------------------------------------------------------------


@dataclass(frozen=True)
class _Config:
    entities: tuple[str, ...] | None
    engine: EngineChoice
    salt: bytes
    min_confidence: float
    as_of: date


_WORKER: dict[str, Scanner] = {}


def _init_worker(config: _Config) -> None:
    _WORKER["scanner"] = _scanner(config)


def _scanner(config: _Config) -> Scanner:
    return Scanner(
        entities=config.entities,
        engine=config.engine,
        salt=config.salt,
        min_confidence=config.min_confidence,
        as_of=config.as_of,
    )


@dataclass
class _Result:
    findings: list[Finding]
    chars: int = 0
    replaced: bool = False
    rows: int | None = None
    bad_rows: int = 0
    error: tuple[str, str] | None = None


def _scan_chunk(scanner: Scanner, item: Item, chunk: Chunk) -> _Result:
    decoded = decode_chunk(item, chunk)
    lo, hi = decoded.core_start, decoded.core_end
    findings = [
        scanner.finding(h, path=item.path, start=h.start - lo, end=h.end - lo)
        for h in scanner.hits(decoded.text, utf8=decoded.utf8)
        if lo <= h.start < hi
    ]
    return _Result(findings, chars=hi - lo, replaced=decoded.replaced)


def _scan_table(scanner: Scanner, item: Item) -> _Result:
    source: str | bytes = item.data if item.data is not None else str(item.file)
    stats = TableStats()
    findings: list[Finding] = []
    encoding = "utf-8" if item.encoding == "utf-8-sig" else item.encoding
    for column, first_row, cells in iter_table(
        source,
        item.format,  # type: ignore[arg-type]
        encoding=encoding,
        stats=stats,
    ):
        findings.extend(
            scanner.scan_column(cells, column=column, path=item.path, first_row=first_row)
        )
    findings.sort(key=lambda f: (f.row or 0, f.start))
    return _Result(findings, rows=stats.rows, bad_rows=stats.bad_rows)


def _work(item: Item, chunk: Chunk | None, scanner: Scanner | None = None) -> _Result:
    scanner = scanner or _WORKER["scanner"]
    try:
        if chunk is None:
            return _scan_table(scanner, item)
        return _scan_chunk(scanner, item, chunk)
    except table_errors() as exc:
        reason = "bad_table" if chunk is None else "unreadable"
        return _Result([], error=(reason, _first_line(exc)))
    except MemoryError:
        return _Result([], error=("too_large", "out of memory"))


def _first_line(exc: BaseException) -> str:
    return error_reason(exc)


# --- the orchestration ---------------------------------------------------------------------------


@dataclass
class _Pending:
    item: Item
    report: SourceReport
    chunks: list[Chunk | None]
    results: dict[int, _Result] = field(default_factory=dict)


def _read_at(item: Item) -> Callable[[int, int], bytes]:
    if item.data is not None:
        data = item.data
        return lambda offset, n: data[offset : offset + n]
    path = str(item.file)

    def read(offset: int, n: int) -> bytes:
        with open(path, "rb") as handle:
            handle.seek(offset)
            return handle.read(n)

    return read


def _portable(item: Item, chunk: Chunk | None) -> tuple[Item, Chunk | None]:
    """What to send to a worker: for a chunk of an in-memory file, only its bytes."""
    if chunk is None or item.data is None or (chunk.start == 0 and chunk.end == item.size):
        return item, chunk
    low = max(0, chunk.start - chunk.pre)
    high = min(item.size, chunk.end + chunk.post)
    part = Item(item.path, item.kind, item.format, high - low, item.encoding,
                data=item.data[low:high])  # fmt: skip
    shifted = Chunk(chunk.start - low, chunk.end - low, chunk.start - low, high - chunk.end)
    return part, shifted


def _assemble(pending: _Pending) -> list[Finding]:
    report = pending.report
    results = [pending.results[i] for i in range(len(pending.chunks))]
    failed = next((r.error for r in results if r.error), None)
    if failed is not None:
        report.status, report.reason, report.detail = "skipped", failed[0], failed[1]
        return []
    report.replaced = any(r.replaced for r in results)
    if pending.chunks == [None]:
        report.rows, report.bad_rows = results[0].rows, results[0].bad_rows
        report.findings = len(results[0].findings)
        return results[0].findings
    out: list[Finding] = []
    base = 0
    for result in results:
        for finding in result.findings:
            moved = finding.moved(by=base)
            if out and moved.start < out[-1].end:  # a value across a cut inside a long line
                continue
            out.append(moved)
        base += result.chars
    report.findings = len(out)
    return out


def _check_paths_exist(paths: Sequence[str | os.PathLike[str]]) -> None:
    """Fail closed: a path that is neither ``-`` nor present (a dangling link is present)."""
    for raw in paths:
        path = Path(raw)
        if str(raw) != "-" and not path.exists() and not path.is_symlink():
            raise PrivacyDataError(ERR_PATH_NOT_FOUND, params={"path": str(raw)})


def scan(
    paths: Sequence[str | os.PathLike[str]],
    *,
    entities: Iterable[str] | None = None,
    workers: int = 1,
    engine: EngineChoice = "auto",
    salt: bytes | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    as_of: date | None = None,
    limits: ScanLimits | None = None,
    progress: Callable[[Progress], None] | None = None,
    stdin: IO[bytes] | None = None,
) -> ScanReport:
    """Scan files, directories, archives and stdin (``-``) for personal data.

    Parameters
    ----------
    paths
        Files (text, CSV / TSV, JSON Lines, Parquet; ``.gz``, ``.zip``, ``.tar``),
        directories (walked), or ``-`` for standard input.
    entities
        The entities to look for (all by default).
    workers
        Processes to scan in; ``1`` scans in this process.
    engine, salt, min_confidence, as_of
        As for :class:`~tianping.privacy.Scanner`.
    limits
        Size, ratio and depth limits (:class:`ScanLimits`).
    progress
        Called after each chunk or table with a :class:`Progress`.

    Returns
    -------
    ScanReport
        Findings (masked, hashed), and per file what was scanned or skipped and why.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "note.txt").write_text("联系电话：13912345678", encoding="utf-8")
    >>> report = scan([folder])
    >>> [(f.entity, f.masked, f.start) for f in report.findings]
    [('cn_mobile', '139******78', 5)]

    A path given that does not exist is an error, raised before anything is
    scanned (a mistyped folder must not read as "nothing found").
    """
    _check_paths_exist(paths)
    limits = limits or ScanLimits()
    started = time.perf_counter()
    config = _Config(
        entities=None if entities is None else tuple(entities),
        engine=engine,
        salt=new_salt() if salt is None else bytes(salt),  # one salt for every worker
        min_confidence=min_confidence,
        as_of=as_of or date.today(),
    )
    local = _scanner(config)
    report = ScanReport(
        engine=local.engine,
        salt_id=local.salt_id,
        entities=tuple(local.detectors.entities),
        min_confidence=config.min_confidence,
        as_of=config.as_of,
    )
    pendings: list[_Pending] = []
    order: list[SourceReport] = []
    for entry in expand(paths, limits=limits, stdin=stdin):
        if isinstance(entry, SourceReport):
            order.append(entry)
            continue
        source = SourceReport(
            entry.path, entry.kind, entry.format, "scanned", bytes=entry.size,
            encoding=None if entry.format == "parquet" else entry.encoding,
        )  # fmt: skip
        order.append(source)
        chunks: list[Chunk | None] = (
            [None]
            if entry.kind == "table"
            else list(plan_chunks(_read_at(entry), entry.size, entry.encoding, limits.chunk_bytes))
        )
        pendings.append(_Pending(entry, source, chunks))
    total_bytes = sum(p.item.size for p in pendings)
    jobs = [(p, i, c) for p in pendings for i, c in enumerate(p.chunks)]
    done_bytes, files_done = 0, 0

    def finished(pending: _Pending, index: int, result: _Result) -> None:
        nonlocal done_bytes, files_done
        pending.results[index] = result
        chunk = pending.chunks[index]
        done_bytes += pending.item.size if chunk is None else chunk.end - chunk.start
        if len(pending.results) == len(pending.chunks):
            files_done += 1
            pending.item.data = None  # free archive members as soon as they are done
        if progress is not None:
            progress(
                Progress(done_bytes, total_bytes, pending.item.path, files_done, len(pendings))
            )

    if workers <= 1 or len(jobs) <= 1:
        for pending, index, chunk in jobs:
            finished(pending, index, _work(pending.item, chunk, local))
    else:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(config,)
        ) as pool:
            futures: list[tuple[_Pending, int, Future[_Result]]] = [
                (pending, index, pool.submit(_work, *_portable(pending.item, chunk)))
                for pending, index, chunk in jobs
            ]
            for pending, index, future in futures:
                try:
                    result = future.result()
                except Exception as exc:  # a worker died: record it, go on
                    result = _Result([], error=("worker_failed", _first_line(exc)))
                finished(pending, index, result)
    findings: list[Finding] = []
    for pending in pendings:
        findings.extend(_assemble(pending))
    report.sources = order
    report.findings = findings
    report.seconds = time.perf_counter() - started
    return report


__all__ = ["REPORT_FORMAT", "REPORT_VERSION", "Progress", "ScanReport", "scan"]

"""Reading AI Incident Database snapshots (``incidents.csv``) within limits.

The layout is the AIID's MongoDB export: ``_id, incident_id, date, reports,
Alleged deployer of AI system, Alleged developer of AI system, Alleged harmed
or nearly harmed parties, description, title``; ``reports`` is a JSON list of
report numbers and the three entity columns JSON lists of slugs.

The file is read whole (at most :data:`MAX_SNAPSHOT_BYTES`); its encoding is
told as the privacy scanner tells it (a byte-order mark, else UTF-8, else
GB18030, a superset of GBK); rows are parsed with the standard :mod:`csv`
module, and each field is held to :data:`MAX_FIELD_CHARS` (the module's own
limit, 128 KiB, stops a runaway quoted field first). A bad row is reported
with its line and skipped; a file without the columns is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tianping import jsonsafe
from tianping.cases._models import Case, CaseError
from tianping.privacy import sniff_encoding
from tianping.text import LocalizedText

MAX_SNAPSHOT_BYTES = 64 << 20
"""The largest snapshot read (the full AIID export is under 1 MiB)."""
MAX_ROWS = 200_000
"""The most incident rows read."""
MAX_FIELD_CHARS = 20_000
"""The longest field kept; a longer one makes its row a problem."""
MAX_PROBLEMS = 100
"""The most row problems listed (all are counted)."""

COLUMNS = (
    "incident_id",
    "date",
    "reports",
    "Alleged deployer of AI system",
    "Alleged developer of AI system",
    "Alleged harmed or nearly harmed parties",
    "description",
    "title",
)
"""The columns an ``incidents.csv`` must have (``_id`` is optional)."""

ERR_READ = LocalizedText(zh="无法读取 {path}：{reason}", en="cannot read {path}: {reason}")
ERR_TOO_LARGE = LocalizedText(
    zh="{path} 有 {size} 字节，最多读取 {limit} 字节",
    en="{path} has {size} bytes; at most {limit} are read",
)
ERR_ENCODING = LocalizedText(
    zh="{path} 不是文本文件（{reason}）", en="{path} is not a text file ({reason})"
)
ERR_COLUMNS = LocalizedText(
    zh="{path} 不是 AIID incidents.csv：缺少列 {missing}",
    en="{path} is not an AIID incidents.csv: missing columns {missing}",
)
ERR_CSV = LocalizedText(zh="{path} 第 {line} 行：{reason}", en="{path}, line {line}: {reason}")
ERR_ROWS = LocalizedText(zh="{path} 超过 {limit} 行", en="{path} has more than {limit} rows")
HINT_AIID = LocalizedText(
    zh="请使用 AIID 快照中的 mongodump_full_snapshot/incidents.csv。",
    en="Use mongodump_full_snapshot/incidents.csv from an AIID snapshot.",
)

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True, slots=True)
class AiidIncident:
    """One incident row of a snapshot."""

    incident_id: int
    date: dt.date
    title: str
    description: str
    reports: tuple[int, ...]
    deployers: tuple[str, ...]
    developers: tuple[str, ...]
    harmed: tuple[str, ...]

    @property
    def url(self) -> str:
        return f"https://incidentdatabase.ai/cite/{self.incident_id}"


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row left out, with its line in the file and why."""

    line: int
    reason: str


@dataclass(frozen=True)
class AiidSnapshot:
    """The incidents read from a snapshot file and the rows left out."""

    path: str
    encoding: str
    incidents: tuple[AiidIncident, ...]
    problems: tuple[RowProblem, ...] = ()
    problem_count: int = 0
    _by_id: dict[int, AiidIncident] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update((i.incident_id, i) for i in self.incidents)

    def get(self, incident_id: int) -> AiidIncident | None:
        return self._by_id.get(incident_id)

    def summary(self) -> dict[str, Any]:
        """Counts, date range, incidents per year and the most frequent deployers."""
        dates = [i.date for i in self.incidents]
        years = Counter(d.year for d in dates)
        deployers = Counter(name for i in self.incidents for name in i.deployers)
        return {
            "path": self.path,
            "encoding": self.encoding,
            "incidents": len(self.incidents),
            "reports": sum(len(i.reports) for i in self.incidents),
            "first_date": min(dates).isoformat() if dates else None,
            "last_date": max(dates).isoformat() if dates else None,
            "by_year": {str(year): years[year] for year in sorted(years)},
            "top_deployers": [
                {"deployer": name, "incidents": count} for name, count in deployers.most_common(10)
            ],
            "problems": [{"line": p.line, "reason": p.reason} for p in self.problems],
            "problem_count": self.problem_count,
        }


def _json_list(text: str, kind: type) -> tuple[Any, ...]:
    if not text.strip():
        return ()
    value = jsonsafe.loads(text)
    if not isinstance(value, list) or not all(
        isinstance(v, kind) and not isinstance(v, bool) for v in value
    ):
        raise ValueError("not a list")
    return tuple(value)


def _incident(row: dict[str, str]) -> AiidIncident:
    for name in COLUMNS:
        value = row.get(name)
        if value is None:
            raise ValueError(f"column {name!r} is missing")
        if len(value) > MAX_FIELD_CHARS:
            raise ValueError(f"column {name!r} is longer than {MAX_FIELD_CHARS} characters")
    raw_id = row["incident_id"].strip()
    if not raw_id.isdigit() or len(raw_id) > 9:
        raise ValueError(f"incident_id {raw_id[:20]!r} is not a number")
    if not _DATE.fullmatch(row["date"].strip()):
        raise ValueError(f"date {row['date'][:20]!r} is not YYYY-MM-DD")
    date = dt.date.fromisoformat(row["date"].strip())
    title = row["title"].strip()
    if not title:
        raise ValueError("the title is empty")
    try:
        reports = _json_list(row["reports"], int)
        deployers = _json_list(row["Alleged deployer of AI system"], str)
        developers = _json_list(row["Alleged developer of AI system"], str)
        harmed = _json_list(row["Alleged harmed or nearly harmed parties"], str)
    except (ValueError, jsonsafe.JSONLimitError) as exc:
        raise ValueError("a list column is not a JSON list") from exc
    return AiidIncident(
        incident_id=int(raw_id),
        date=date,
        title=title,
        description=row["description"].strip(),
        reports=reports,
        deployers=tuple(d for d in deployers if d),
        developers=tuple(d for d in developers if d),
        harmed=tuple(h for h in harmed if h),
    )


def parse_snapshot(data: bytes, *, path: str = "<snapshot>") -> AiidSnapshot:
    """The incidents of an ``incidents.csv`` given as bytes."""
    if len(data) > MAX_SNAPSHOT_BYTES:
        raise CaseError(
            ERR_TOO_LARGE, params={"path": path, "size": len(data), "limit": MAX_SNAPSHOT_BYTES}
        )
    encoding, reason = sniff_encoding(data[: 64 << 10], complete=len(data) <= 64 << 10)
    if encoding is None:
        raise CaseError(ERR_ENCODING, params={"path": path, "reason": reason}, hint=HINT_AIID)
    text = data.decode(encoding, "replace")
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise CaseError(ERR_CSV, params={"path": path, "line": 1, "reason": str(exc)}) from exc
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise CaseError(
            ERR_COLUMNS, params={"path": path, "missing": ", ".join(missing)}, hint=HINT_AIID
        )
    incidents: list[AiidIncident] = []
    problems: list[RowProblem] = []
    count = 0
    seen: set[int] = set()
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise CaseError(
                ERR_CSV, params={"path": path, "line": line, "reason": str(exc)}
            ) from exc
        if len(incidents) + count >= MAX_ROWS:
            raise CaseError(ERR_ROWS, params={"path": path, "limit": MAX_ROWS})
        try:
            incident = _incident(row)
            if incident.incident_id in seen:
                raise ValueError(f"incident {incident.incident_id} appears twice")
        except ValueError as exc:
            count += 1
            if len(problems) < MAX_PROBLEMS:
                problems.append(RowProblem(line, str(exc)))
            continue
        seen.add(incident.incident_id)
        incidents.append(incident)
    return AiidSnapshot(path, encoding, tuple(incidents), tuple(problems), count)


def read_snapshot(path: str | Path) -> AiidSnapshot:
    """The incidents of an ``incidents.csv`` file; an unusable file is a :class:`CaseError`."""
    target = Path(path)
    try:
        size = target.stat().st_size
        if size > MAX_SNAPSHOT_BYTES:
            raise CaseError(
                ERR_TOO_LARGE, params={"path": str(path), "size": size, "limit": MAX_SNAPSHOT_BYTES}
            )
        data = target.read_bytes()
    except OSError as exc:
        raise CaseError(
            ERR_READ, params={"path": str(path), "reason": exc.strerror or exc}
        ) from exc
    return parse_snapshot(data, path=str(path))


def verify_cases(cases: Iterable[Case], snapshot: AiidSnapshot) -> list[dict[str, Any]]:
    """Check each case against its incident in ``snapshot``: present, same title and date.

    Cases whose incident the snapshot does not hold are reported as ``absent``
    (a partial snapshot is not an error); the others ``ok`` or ``mismatch``.
    """
    results: list[dict[str, Any]] = []
    for case in cases:
        incident = snapshot.get(case.provenance.aiid_incident)
        if incident is None:
            status, detail = "absent", ""
        elif incident.title != case.provenance.aiid_title:
            status, detail = "mismatch", f"title in snapshot: {incident.title}"
        elif incident.date != case.date:
            status, detail = "mismatch", f"date in snapshot: {incident.date.isoformat()}"
        else:
            status, detail = "ok", ""
        results.append({"case": case.id, "incident": case.provenance.aiid_incident,
                        "status": status, "detail": detail})  # fmt: skip
    return results

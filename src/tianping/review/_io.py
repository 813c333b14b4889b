"""Reading a committee description (YAML or JSON) into a :class:`Committee`.

The description is checked against ``schema/committee.schema.json`` first, so
every problem is reported by place (``members[2].gender``) at once. Dates are
``YYYY-MM-DD``; an internal member's organisation defaults to the committee's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from tianping import yamlsafe
from tianping.review import _messages as msg
from tianping.review._errors import ReviewInputError
from tianping.review._loader import parse_yaml, schema_errors
from tianping.review._models import (
    AnnualReport,
    Committee,
    Interest,
    Member,
    TrainingRecord,
)
from tianping.text import LocalizedText

#: The largest committee description read, in bytes.
MAX_COMMITTEE_BYTES = 1_000_000


def committee_from_json(data: Any, *, source: str = "<committee>") -> Committee:
    """Build a committee from its parsed description (YAML or JSON), checked against the schema.

    Examples
    --------
    >>> committee = committee_from_json({
    ...     "id": "c1", "name": "Ethics Committee", "organisation": "Acme",
    ...     "established_on": "2026-01-05",
    ...     "members": [{"id": "m1", "name": "Li Hua", "role": "chair", "disciplines": ["ethics"],
    ...                  "gender": "female", "external": False,
    ...                  "term_start": "2026-01-05", "term_end": "2030-12-31"}]})
    >>> committee.members[0].organisation
    'Acme'
    """
    errors = schema_errors("committee", data)
    if errors:
        raise ReviewInputError(
            msg.ERR_BAD_DOCUMENT,
            hint=msg.DOCUMENT_HINT,
            params={"source": source, "count": len(errors)},
            problems=[
                LocalizedText(
                    zh=f"{where or '(文档)'}：{text}", en=f"{where or '(document)'}: {text}"
                )
                for where, text in errors
            ],
        )
    organisation = data["organisation"]
    members = tuple(_member(raw, organisation) for raw in data["members"])
    registered = data.get("registered_on")
    return Committee(
        id=data["id"],
        name=data["name"],
        organisation=organisation,
        established_on=date.fromisoformat(data["established_on"]),
        members=members,
        registered_on=None if registered is None else date.fromisoformat(registered),
        annual_reports=tuple(
            AnnualReport(year=r["year"], filed_on=date.fromisoformat(r["filed_on"]))
            for r in data.get("annual_reports", ())
        ),
        review_centre=bool(data.get("review_centre", False)),
    )


def _member(raw: Mapping[str, Any], organisation: str) -> Member:
    return Member(
        id=raw["id"],
        name=raw["name"],
        role=raw.get("role", "member"),
        disciplines=tuple(raw["disciplines"]),
        gender=raw["gender"],
        external=raw["external"],
        organisation=raw.get("organisation", organisation),
        term_start=date.fromisoformat(raw["term_start"]),
        term_end=date.fromisoformat(raw["term_end"]),
        pledges=frozenset(raw.get("pledges", ())),
        interests=tuple(Interest(i["party"], i["description"]) for i in raw.get("interests", ())),
        training=tuple(
            TrainingRecord(t["course"], date.fromisoformat(t["completed_on"]))
            for t in raw.get("training", ())
        ),
    )


def load_committee(path: str | Path) -> Committee:
    """Read a committee description file (YAML or JSON, UTF-8, at most 1 MB).

    Raises :class:`~tianping.review.ReviewInputError` when the file cannot be
    read or does not describe a valid committee, listing every problem.
    """
    source = str(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_COMMITTEE_BYTES + 1)
    except OSError as exc:
        raise ReviewInputError(
            msg.ERR_UNREADABLE_DOCUMENT,
            hint=msg.DOCUMENT_HINT,
            params={"source": source, "problem": exc.strerror or type(exc).__name__},
        ) from exc
    problem: str | None = None
    data: Any = None
    if len(raw) > MAX_COMMITTEE_BYTES:
        problem = f"larger than {MAX_COMMITTEE_BYTES:,} bytes"
    else:
        try:
            data = parse_yaml(raw.decode("utf-8"), source=source)
        except UnicodeDecodeError as exc:
            problem = f"not UTF-8 text ({exc.reason})"
        except yamlsafe.DataFileError as exc:
            where = f" ({exc.where})" if exc.where else ""
            problem = f"YAML syntax error{where}: {exc.problem}"
    if problem is not None:
        raise ReviewInputError(
            msg.ERR_UNREADABLE_DOCUMENT,
            hint=msg.DOCUMENT_HINT,
            params={"source": source, "problem": problem},
        )
    return committee_from_json(data, source=source)


__all__ = ["MAX_COMMITTEE_BYTES", "committee_from_json", "load_committee"]

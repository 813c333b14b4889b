"""What the platform holds as evidence: one small record per kind, each with its hash and date.

An evidence file (YAML or JSON) lists records under ``records``; each has a
``kind``, the SHA-256 of the artefact it stands for (``sha256``) and its
``date``, plus the fields of its kind. Optional ``answers`` are the system's
intake answers, for the measurement mapping's conditions.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from tianping import yamlsafe
from tianping.certification._errors import evidence_error

SCHEMA_FILE = Path(__file__).resolve().parent / "schema" / "evidence.schema.json"
#: The largest evidence file read (bytes).
MAX_EVIDENCE_BYTES = 4 * 1024 * 1024
ERR_TOO_BIG = "the file has {size} bytes; at most {limit} are read"


@dataclass(frozen=True)
class EthicsReview:
    """An ethics review and its decision (``approved``, ``approved_after_modification``, …)."""

    decision: str
    sha256: str
    date: date
    kind: str = "ethics_review"


@dataclass(frozen=True)
class BiasAssessment:
    """A bias assessment judged against a named fairness policy."""

    policy: str
    passed: bool
    sha256: str
    date: date
    kind: str = "bias_assessment"


@dataclass(frozen=True)
class PrivacyScan:
    """A privacy scan and how many sensitive-PI findings remain unresolved."""

    unresolved_sensitive: int
    sha256: str
    date: date
    kind: str = "privacy_scan"


@dataclass(frozen=True)
class LedgerHistory:
    """How many days of decisions the ledger holds; ``sha256`` is the checkpoint's root hash."""

    days_logged: int
    sha256: str
    date: date
    kind: str = "ledger"


@dataclass(frozen=True)
class SwitchTest:
    """A test of the runtime switch (stop, fallback) and its result."""

    passed: bool
    sha256: str
    date: date
    kind: str = "switch_test"


@dataclass(frozen=True)
class PlaybookAdoption:
    """An incident playbook adopted (or withdrawn: ``adopted`` false)."""

    adopted: bool
    sha256: str
    date: date
    kind: str = "playbook"


@dataclass(frozen=True)
class EvaluatorFinding:
    """An evaluator's finding on a requirement item or a rule: ``met`` or ``not_met``."""

    requirement: str
    conclusion: str
    evaluator: str
    sha256: str
    date: date
    kind: str = "finding"


@dataclass(frozen=True)
class TransparencyDocument:
    """A published transparency document (``document``: ``model-card``, ``training-data``,
    ``algorithm``, ``transparency-report``, ``user-notice`` or ``playbook``) and whether
    its completeness check found every required field."""

    document: str
    complete: bool
    sha256: str
    date: date
    kind: str = "transparency_document"


_Day = date  # the field ``date`` hides the type inside the record classes

#: Probe verdicts from the best to the worst: a category's verdict over its languages is the worst.
PROBE_VERDICTS: tuple[str, ...] = ("pass", "inconclusive", "warn", "fail")


@dataclass(frozen=True)
class ProbeRunResult:
    """A finished probe run of a chat system: the verdict of each category (the worst over its
    languages), the counterfactual bias verdict (None when the run tested no bias set), and
    whether every probe was answered (``complete`` false: the run stopped at its budget)."""

    run: str
    verdicts: Mapping[str, str] = field(hash=False)
    bias: str | None
    complete: bool
    sha256: str
    date: date
    kind: str = "probe_run"

    @classmethod
    def from_results(
        cls, results: Mapping[str, Any], *, run: str, sha256: str, on: _Day
    ) -> ProbeRunResult:
        """The record of a probe run's ``results.json`` (categories, bias, incomplete)."""
        verdicts: dict[str, str] = {}
        for row in results.get("categories") or []:
            if not isinstance(row, Mapping):
                continue
            category, verdict = row.get("category"), row.get("verdict")
            if not isinstance(category, str) or verdict not in PROBE_VERDICTS:
                continue
            known = verdicts.get(category, "pass")
            verdicts[category] = max(known, str(verdict), key=PROBE_VERDICTS.index)
        bias = results.get("bias")
        bias_verdict = bias.get("verdict") if isinstance(bias, Mapping) else None
        return cls(
            run=run,
            verdicts=verdicts,
            bias=bias_verdict if bias_verdict in PROBE_VERDICTS else None,
            complete=not results.get("incomplete"),
            sha256=sha256,
            date=on,
        )


EvidenceRecord = (
    EthicsReview
    | BiasAssessment
    | PrivacyScan
    | LedgerHistory
    | SwitchTest
    | PlaybookAdoption
    | TransparencyDocument
    | ProbeRunResult
    | EvaluatorFinding
)
_BY_KIND: dict[str, type[EvidenceRecord]] = {
    "ethics_review": EthicsReview,
    "bias_assessment": BiasAssessment,
    "privacy_scan": PrivacyScan,
    "ledger": LedgerHistory,
    "switch_test": SwitchTest,
    "playbook": PlaybookAdoption,
    "transparency_document": TransparencyDocument,
    "probe_run": ProbeRunResult,
    "finding": EvaluatorFinding,
}
#: The kinds of evidence record, as written in an evidence file.
EVIDENCE_KINDS: tuple[str, ...] = tuple(_BY_KIND)


@dataclass(frozen=True)
class Evidence:
    """Everything the platform holds for one system, oldest record first."""

    records: tuple[EvidenceRecord, ...] = ()
    answers: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.records, key=lambda record: record.date))  # stable
        object.__setattr__(self, "records", ordered)

    def of(self, kind: type[EvidenceRecord]) -> list[Any]:
        return [record for record in self.records if isinstance(record, kind)]

    @classmethod
    def from_mapping(cls, document: Any, *, source: str = "<evidence>") -> Evidence:
        """Evidence from a parsed mapping; :class:`EvidenceError` if it is not valid evidence."""
        if not isinstance(document, Mapping):
            raise evidence_error(source, "evidence is a mapping with 'records'")
        document = _dates_as_text(document)
        errors = sorted(
            Draft202012Validator(_schema()).iter_errors(document),
            key=lambda error: [str(part) for part in error.absolute_path],
        )
        if errors:
            where = ".".join(str(part) for part in errors[0].absolute_path) or "(document)"
            raise evidence_error(source, f"at {where}: {errors[0].message}")
        return cls._build(document)

    @classmethod
    def _build(cls, document: Mapping[str, Any]) -> Evidence:
        records: list[EvidenceRecord] = []
        for entry in document.get("records", []):
            fields = {key: value for key, value in entry.items() if key != "kind"}
            fields["date"] = date.fromisoformat(str(fields["date"]))
            records.append(_BY_KIND[entry["kind"]](**fields))
        return cls(records=tuple(records), answers=document.get("answers"))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "records": [
                {
                    "kind": record.kind,
                    **{
                        key: (
                            value.isoformat()
                            if isinstance(value, date)
                            else dict(value)
                            if isinstance(value, Mapping)
                            else value
                        )
                        for key, value in record.__dict__.items()
                        if key != "kind"
                    },
                }
                for record in self.records
            ]
        }
        if self.answers is not None:
            out["answers"] = dict(self.answers)
        return out


def _dates_as_text(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {key: _dates_as_text(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_dates_as_text(item) for item in value]
    return value


@functools.cache
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return schema


def load_evidence(path: str | Path) -> Evidence:
    """The evidence in a YAML or JSON file, read strictly and checked against its schema."""
    file = Path(path)
    source = str(file)
    try:
        size = file.stat().st_size
        if size > MAX_EVIDENCE_BYTES:
            raise evidence_error(source, ERR_TOO_BIG.format(size=size, limit=MAX_EVIDENCE_BYTES))
        text = file.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise evidence_error(source, exc.strerror or str(exc)) from None
    except UnicodeDecodeError as exc:
        raise evidence_error(source, f"not UTF-8 text: {exc}") from None
    try:
        document = yamlsafe.load(text, source=source, schema=_schema(), dates_as_text=True)
    except yamlsafe.DataFileError as exc:
        raise evidence_error(source, exc.detail) from None
    return Evidence._build(document)


def evidence_refs(records: Sequence[EvidenceRecord]) -> list[dict[str, str]]:
    """``{kind, sha256, date}`` of each record, for reports."""
    return [
        {"kind": record.kind, "sha256": record.sha256, "date": record.date.isoformat()}
        for record in records
    ]


__all__ = [
    "EVIDENCE_KINDS",
    "PROBE_VERDICTS",
    "BiasAssessment",
    "EthicsReview",
    "EvaluatorFinding",
    "Evidence",
    "EvidenceRecord",
    "LedgerHistory",
    "PlaybookAdoption",
    "PrivacyScan",
    "ProbeRunResult",
    "SwitchTest",
    "evidence_refs",
    "load_evidence",
]

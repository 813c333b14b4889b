"""The six documents as JSON, their completeness, version and hash.

A document is ``{"schema", "kind", "version", "as_of", "system", "content",
"completeness", "sha256"}``; ``sha256`` is the SHA-256 of the canonical JSON
(RFC 8785) of everything else, so the same input always gives the same hash and
any change to a published version shows. The ``content`` of each kind is listed
in ``docs/transparency.md``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

import rfc8785

from tianping.text import LocalizedText
from tianping.transparency._cyclonedx import cyclonedx_model_card
from tianping.transparency._errors import (
    INPUT_HINT,
    KIND_HINT,
    NOT_CANONICAL,
    UNKNOWN_KIND,
    TransparencyError,
)
from tianping.transparency._inputs import (
    Event,
    PrivacySummary,
    RepresentativenessSummary,
    Text,
    TransparencyInput,
    text_json,
)

SCHEMA: Final = "tianping.transparency/1"

DocumentKind = Literal[
    "model-card", "training-data", "algorithm", "transparency-report", "user-notice", "playbook"
]
DOCUMENT_KINDS: Final[tuple[DocumentKind, ...]] = (
    "model-card",
    "training-data",
    "algorithm",
    "transparency-report",
    "user-notice",
    "playbook",
)

JsonValue = Any


def _texts(values: tuple[Text, ...]) -> list[JsonValue]:
    return [text_json(v) for v in values]


def _day(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _representativeness(item: RepresentativenessSummary) -> dict[str, JsonValue]:
    return {
        "attributes": list(item.attributes),
        "total_variation_distance": item.total_variation_distance,
        "tolerance": item.tolerance,
        "under_represented": list(item.under_represented),
        "groups": [
            {
                "group": g.group,
                "count": g.count,
                "observed_share": g.observed_share,
                "reference_share": g.reference_share,
                "under_represented": g.under_represented,
            }
            for g in item.groups
        ],
    }


def _privacy(item: PrivacySummary) -> dict[str, JsonValue]:
    return {
        "dataset": item.dataset,
        "rows": item.rows,
        "rows_with_findings": item.rows_with_findings,
        "minor_rows": item.minor_rows,
        "pipl_class": item.pipl_class,
        "entities": dict(item.entities),
        "sensitive_categories": list(item.sensitive_categories),
    }


def _events(events: tuple[Event, ...]) -> list[dict[str, JsonValue]]:
    return [
        {
            "id": e.id,
            "at": e.at.isoformat(),
            "kind": e.kind,
            "summary": text_json(e.summary),
            "resolved": e.resolved,
        }
        for e in events
    ]


def _system(inputs: TransparencyInput) -> dict[str, JsonValue]:
    s = inputs.system
    return {
        "name": s.name,
        "organisation": s.organisation,
        "owner": s.owner,
        "purpose": text_json(s.purpose),
        "model_name": s.model_name,
        "model_version": s.model_version,
    }


def _sources(inputs: TransparencyInput) -> list[dict[str, JsonValue]]:
    return [
        {
            "name": d.name,
            "origin": text_json(d.origin),
            "collection_method": text_json(d.collection_method),
            "legal_basis": text_json(d.legal_basis),
            "records": d.records,
            "languages": list(d.languages),
            "personal_information": d.personal_information,
        }
        for d in inputs.data_sources
    ]


def _considerations(inputs: TransparencyInput) -> list[dict[str, JsonValue]]:
    return [
        {"name": text_json(c.name), "mitigation": text_json(c.mitigation)}
        for c in inputs.owner.ethical_considerations
    ]


def model_card_content(inputs: TransparencyInput) -> dict[str, JsonValue]:
    """The model card: the model, its intended use, performance, limits and fairness."""
    s = inputs.system
    return {
        "model": {
            "name": s.model_name,
            "version": s.model_version,
            "approach": s.approach,
            "task": text_json(s.task),
            "architecture": text_json(s.architecture),
            "inputs": list(s.inputs),
            "outputs": list(s.outputs),
        },
        "intended_use": {
            "purpose": text_json(s.purpose),
            "users": _texts(s.users),
            "use_cases": _texts(s.use_cases),
        },
        "performance": [
            {"name": m.name, "value": m.value, "slice": m.slice, "lower": m.lower, "upper": m.upper}
            for m in inputs.metrics
        ],
        "training_data": [d.name for d in inputs.data_sources],
        "limitations": _texts(s.limitations),
        "ethical_considerations": _considerations(inputs),
        "representativeness": [_representativeness(r) for r in inputs.representativeness],
        "cyclonedx_model_card": cyclonedx_model_card(inputs),
    }


def training_data_content(inputs: TransparencyInput) -> dict[str, JsonValue]:
    """The training-data summary (seed 001): sources, period, basis, volume, people, gaps."""
    owner = inputs.owner
    records = [d.records for d in inputs.data_sources]
    languages = sorted({lang for d in inputs.data_sources for lang in d.languages})
    return {
        "sources": _sources(inputs),
        "collection_period": {
            "start": _day(owner.collection_start),
            "end": _day(owner.collection_end),
        },
        "legal_basis": text_json(owner.legal_basis),
        "volume": {
            "records": sum(r for r in records if r is not None) if records else None,
            "sources_without_count": sum(1 for r in records if r is None),
        },
        "languages": languages or list(inputs.system.languages),
        "representativeness": [_representativeness(r) for r in inputs.representativeness],
        "personal_information": {
            "handling": text_json(owner.personal_information_handling),
            "datasets": [_privacy(p) for p in inputs.privacy],
        },
        "known_gaps": _texts(owner.known_gaps),
    }


def algorithm_content(inputs: TransparencyInput) -> dict[str, JsonValue]:
    """Algorithm documentation and data-sourcing records, as certification asks (seed 003)."""
    s, owner = inputs.system, inputs.owner
    return {
        "algorithm": {
            "principle": text_json(owner.algorithm_principle),
            "approach": s.approach,
            "task": text_json(s.task),
            "architecture": text_json(s.architecture),
            "inputs": list(s.inputs),
            "outputs": list(s.outputs),
            "human_oversight": text_json(owner.human_oversight),
            "evaluation_method": text_json(owner.evaluation_method),
            "limitations": _texts(s.limitations),
        },
        "data_sourcing_records": _sources(inputs),
        "collection_period": {
            "start": _day(owner.collection_start),
            "end": _day(owner.collection_end),
        },
        "model_changes": _events(inputs.model_changes),
    }


def transparency_report_content(inputs: TransparencyInput) -> dict[str, JsonValue]:
    """The six-monthly transparency report: the period's figures, each traced to its records."""
    volumes = [
        {
            "start": v.start.isoformat(),
            "end": v.end.isoformat(),
            "count": v.count,
            "source": v.source,
        }
        for v in inputs.decision_volumes
    ]
    complaints = inputs.complaints
    return {
        "period": {"start": _day(inputs.period_start), "end": _day(inputs.period_end)},
        "figures": {
            "decisions": sum(v.count for v in inputs.decision_volumes),
            "alerts": len(inputs.alerts),
            "incidents": len(inputs.incidents),
            "switch_changes": len(inputs.switch_changes),
            "model_changes": len(inputs.model_changes),
            "assessments": len(inputs.assessments),
            "complaints": len(complaints),
            "complaints_resolved": sum(1 for c in complaints if c.resolved),
        },
        "decision_volumes": volumes,
        "alerts": _events(inputs.alerts),
        "incidents": _events(inputs.incidents),
        "switch_changes": _events(inputs.switch_changes),
        "model_changes": _events(inputs.model_changes),
        "assessments": _events(inputs.assessments),
        "complaints": _events(complaints),
    }


def user_notice_content(inputs: TransparencyInput) -> dict[str, JsonValue]:
    """The user notice (Art. 16 of the Norms): AI involved, its role and limits, the way out."""
    s = inputs.system
    return {
        "ai_involved": True,
        "generative": s.generative,
        "role": text_json(s.ai_role),
        "limitations": _texts(s.limitations),
        "opt_out": text_json(s.opt_out),
        "human_contact": text_json(s.human_contact),
    }


def playbook_content(inputs: TransparencyInput) -> dict[str, JsonValue]:
    """The incident playbook one-pager (advice 07): pause, takeover, escalation, replies."""
    p = inputs.playbook
    return {
        "pause_authority": text_json(p.pause_authority),
        "takeover_thresholds": _texts(p.takeover_thresholds),
        "escalations": [
            {"risk": text_json(e.risk), "route": text_json(e.route)} for e in p.escalations
        ],
        "communications": {
            "customers": text_json(p.customers),
            "employees": text_json(p.employees),
            "regulators": text_json(p.regulators),
        },
        "contacts": [
            {"role": text_json(c.risk), "channel": text_json(c.route)} for c in p.contacts
        ],
    }


BUILDERS: Final[Mapping[DocumentKind, Callable[[TransparencyInput], dict[str, JsonValue]]]] = {
    "model-card": model_card_content,
    "training-data": training_data_content,
    "algorithm": algorithm_content,
    "transparency-report": transparency_report_content,
    "user-notice": user_notice_content,
    "playbook": playbook_content,
}


# -- completeness -------------------------------------------------------------------------


def _label(zh: str, en: str) -> LocalizedText:
    return LocalizedText(zh=zh, en=en)


REQUIRED_FIELDS: Final[Mapping[DocumentKind, tuple[tuple[str, LocalizedText], ...]]] = {
    "model-card": (
        ("model.name", _label("模型名称", "model name")),
        ("model.version", _label("模型版本", "model version")),
        ("model.approach", _label("学习方式", "learning approach")),
        ("model.task", _label("任务", "task")),
        ("intended_use.purpose", _label("用途", "purpose")),
        ("intended_use.users", _label("预期用户", "intended users")),
        ("performance", _label("性能指标", "performance metrics")),
        ("training_data", _label("训练数据", "training data")),
        ("limitations", _label("局限", "limitations")),
        ("ethical_considerations", _label("伦理考量", "ethical considerations")),
        ("representativeness", _label("人口代表性", "demographic representativeness")),
    ),
    "training-data": (
        ("sources", _label("数据来源", "sources")),
        ("collection_period.start", _label("采集起始日期", "collection start")),
        ("collection_period.end", _label("采集截止日期", "collection end")),
        ("legal_basis", _label("合法性基础", "legal basis")),
        ("volume.records", _label("数据量", "volume")),
        ("languages", _label("语言", "languages")),
        ("representativeness", _label("人口代表性", "demographic representativeness")),
        ("personal_information.handling", _label("个人信息处理", "personal-information handling")),
        ("personal_information.datasets", _label("隐私扫描", "privacy scans")),
        ("known_gaps", _label("已知缺口", "known gaps")),
    ),
    "algorithm": (
        ("algorithm.principle", _label("算法原理", "algorithm principle")),
        ("algorithm.approach", _label("学习方式", "learning approach")),
        ("algorithm.task", _label("任务", "task")),
        ("algorithm.inputs", _label("输入", "inputs")),
        ("algorithm.outputs", _label("输出", "outputs")),
        ("algorithm.human_oversight", _label("人工监督", "human oversight")),
        ("algorithm.evaluation_method", _label("评估方法", "evaluation method")),
        ("data_sourcing_records", _label("数据来源记录", "data-sourcing records")),
    ),
    "transparency-report": (
        ("period.start", _label("报告期起始", "period start")),
        ("period.end", _label("报告期截止", "period end")),
        ("decision_volumes", _label("决策量", "decision volumes")),
    ),
    "user-notice": (
        ("role", _label("人工智能的作用", "the AI's role")),
        ("limitations", _label("局限", "limitations")),
        ("opt_out", _label("退出方式", "how to opt out")),
        ("human_contact", _label("人工联系方式", "how to reach a person")),
    ),
    "playbook": (
        ("pause_authority", _label("暂停权限", "who can pause the system")),
        ("takeover_thresholds", _label("人工接管阈值", "human takeover thresholds")),
        ("escalations", _label("上报路径", "escalation routes")),
        ("communications.customers", _label("对客户的沟通", "response to customers")),
        ("communications.employees", _label("对员工的沟通", "response to employees")),
        ("communications.regulators", _label("对监管机构的沟通", "response to regulators")),
    ),
}
"""Per kind, the fields (paths into ``content``) a complete document fills, with their names."""


@dataclass(frozen=True)
class MissingField:
    """A required field a document leaves empty."""

    path: str
    label: LocalizedText

    def to_json(self) -> dict[str, JsonValue]:
        return {"path": self.path, "label": self.label.to_json()}


@dataclass(frozen=True)
class Completeness:
    """Which required fields of one document are filled; the gap report reads this."""

    kind: DocumentKind
    required: tuple[str, ...]
    missing: tuple[MissingField, ...]

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def filled(self) -> int:
        return len(self.required) - len(self.missing)

    def to_json(self) -> dict[str, JsonValue]:
        return {
            "kind": self.kind,
            "complete": self.complete,
            "required": len(self.required),
            "filled": self.filled,
            "missing": [m.to_json() for m in self.missing],
        }


def _empty(value: JsonValue) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _lookup(content: Mapping[str, JsonValue], path: str) -> JsonValue:
    value: JsonValue = content
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def normalise_kind(kind: str) -> DocumentKind:
    """``kind`` checked against :data:`DOCUMENT_KINDS`."""
    for known in DOCUMENT_KINDS:
        if kind == known:
            return known
    raise TransparencyError(
        UNKNOWN_KIND,
        hint=KIND_HINT,
        params={"kind": repr(kind)[:60], "choices": ", ".join(DOCUMENT_KINDS)},
    )


def _completeness(kind: DocumentKind, content: Mapping[str, JsonValue]) -> Completeness:
    fields = REQUIRED_FIELDS[kind]
    missing = tuple(
        MissingField(path, label) for path, label in fields if _empty(_lookup(content, path))
    )
    return Completeness(kind=kind, required=tuple(p for p, _ in fields), missing=missing)


def completeness(kind: str, inputs: TransparencyInput) -> Completeness:
    """Which required fields of the document ``kind`` the input leaves empty.

    Examples
    --------
    >>> from tianping.transparency import read_input
    >>> inputs = read_input({"version": "1", "as_of": "2026-06-30", "system": {"name": "客服"}})
    >>> result = completeness("user-notice", inputs)
    >>> result.complete, [m.path for m in result.missing][:2]
    (False, ['role', 'limitations'])
    """
    checked = normalise_kind(kind)
    return _completeness(checked, BUILDERS[checked](inputs))


# -- the document -------------------------------------------------------------------------


def canonical_sha256(data: Mapping[str, JsonValue]) -> str:
    """The SHA-256 (hex) of ``data``'s canonical JSON (RFC 8785)."""
    try:
        return hashlib.sha256(rfc8785.dumps(data)).hexdigest()
    except rfc8785.CanonicalizationError as exc:
        raise TransparencyError(NOT_CANONICAL, hint=INPUT_HINT, params={"detail": exc}) from exc


@dataclass(frozen=True, eq=False)
class TransparencyDocument:
    """One document: its kind, version, content, completeness and the hash of all of it."""

    kind: DocumentKind
    version: str
    inputs: TransparencyInput
    content: Mapping[str, JsonValue]
    completeness: Completeness

    def unsigned_json(self) -> dict[str, JsonValue]:
        """The document without its hash: what the hash is computed over."""
        return {
            "schema": SCHEMA,
            "kind": self.kind,
            "version": self.version,
            "as_of": self.inputs.as_of.isoformat(),
            "system": _system(self.inputs),
            "content": dict(self.content),
            "completeness": self.completeness.to_json(),
        }

    @property
    def sha256(self) -> str:
        """SHA-256 of the canonical JSON (RFC 8785) of :meth:`unsigned_json`."""
        return canonical_sha256(self.unsigned_json())

    def to_json(self) -> dict[str, JsonValue]:
        """The document as JSON, with ``sha256`` (``docs/transparency.md``)."""
        data = self.unsigned_json()
        data["sha256"] = canonical_sha256(data)
        return data


def build_document(kind: str, inputs: TransparencyInput) -> TransparencyDocument:
    """The document ``kind`` built from ``inputs``.

    Raises
    ------
    TransparencyError
        For a kind that is not one of :data:`DOCUMENT_KINDS`.

    Examples
    --------
    >>> from tianping.transparency import read_input
    >>> inputs = read_input(
    ...     {"version": "2026.1", "as_of": "2026-06-30", "system": {"name": "客服"}}
    ... )
    >>> document = build_document("user-notice", inputs)
    >>> document.to_json()["version"], len(document.sha256)
    ('2026.1', 64)
    """
    checked = normalise_kind(kind)
    content = BUILDERS[checked](inputs)
    return TransparencyDocument(
        kind=checked,
        version=inputs.version,
        inputs=inputs,
        content=content,
        completeness=_completeness(checked, content),
    )


__all__ = [
    "DOCUMENT_KINDS",
    "REQUIRED_FIELDS",
    "SCHEMA",
    "Completeness",
    "DocumentKind",
    "MissingField",
    "TransparencyDocument",
    "build_document",
    "canonical_sha256",
    "completeness",
    "normalise_kind",
]

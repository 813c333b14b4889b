"""The inputs of the transparency documents: typed, frozen, and read from YAML strictly.

The platform fills these from its registry and evidence; the owner fills what the
platform cannot know (:class:`OwnerFields`). Privacy findings enter only as
counts (:class:`PrivacySummary`): a scan's masked values, hashes and examples are
never read into an input, so no document can print them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final, TypeVar

from tianping.text import LocalizedText
from tianping.transparency._errors import (
    BAD_CHOICE,
    BAD_PERIOD,
    INPUT_HINT,
    MISSING_KEY,
    NOT_A_BOOL,
    NOT_A_COUNT,
    NOT_A_DATE,
    NOT_A_LIST,
    NOT_A_MAPPING,
    NOT_A_NUMBER,
    NOT_TEXT,
    UNKNOWN_KEYS,
    TransparencyError,
)

if TYPE_CHECKING:
    from tianping.fairness import AuditResult, Representativeness
    from tianping.privacy import ScanReport, TableProfile

Text = str | LocalizedText
"""A text the owner wrote: one string, or the same text in both languages."""

APPROACHES: Final = (
    "supervised",
    "unsupervised",
    "reinforcement-learning",
    "semi-supervised",
    "self-supervised",
)
"""Learning approaches, as CycloneDX names them."""

MAX_COUNT: Final = 2**53 - 1
"""The largest count read: canonical JSON (RFC 8785) holds integers exactly up to 2**53 - 1."""

DISCARDED_PRIVACY_KEYS: Final = frozenset({"findings", "examples", "sources", "samples"})
"""Keys of a privacy summary that may hold values; accepted and never read."""

T = TypeVar("T")


def text_json(value: Text | None) -> str | dict[str, str] | None:
    """A text as JSON: a string, or ``{"zh-Hans": …, "en": …}``."""
    if value is None or isinstance(value, str):
        return value
    return value.to_json()


@dataclass(frozen=True)
class SystemFacts:
    """What the registry knows about the system and its model."""

    name: str
    organisation: str | None = None
    purpose: Text | None = None
    owner: str | None = None
    model_name: str | None = None
    model_version: str | None = None
    approach: str | None = None
    task: Text | None = None
    architecture: Text | None = None
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    users: tuple[Text, ...] = ()
    use_cases: tuple[Text, ...] = ()
    limitations: tuple[Text, ...] = ()
    ai_role: Text | None = None
    generative: bool = False
    opt_out: Text | None = None
    human_contact: Text | None = None


@dataclass(frozen=True)
class DataSource:
    """One source of the training data, as the data-sourcing record lists it."""

    name: str
    origin: Text | None = None
    collection_method: Text | None = None
    legal_basis: Text | None = None
    records: int | None = None
    languages: tuple[str, ...] = ()
    personal_information: bool | None = None


@dataclass(frozen=True)
class GroupShare:
    """One group's share of the data against its reference share."""

    group: str
    count: int
    observed_share: float
    reference_share: float | None
    under_represented: bool


@dataclass(frozen=True)
class RepresentativenessSummary:
    """The fairness engine's representativeness check over some attributes."""

    attributes: tuple[str, ...]
    total_variation_distance: float
    tolerance: float
    groups: tuple[GroupShare, ...] = ()

    @property
    def under_represented(self) -> tuple[str, ...]:
        return tuple(g.group for g in self.groups if g.under_represented)

    @classmethod
    def from_result(cls, result: Representativeness) -> RepresentativenessSummary:
        """From one :class:`tianping.fairness.Representativeness`."""
        return cls(
            attributes=tuple(result.attributes),
            total_variation_distance=float(result.total_variation_distance),
            tolerance=float(result.tolerance),
            groups=tuple(
                GroupShare(
                    group=", ".join(f"{k}={v}" for k, v in g.attributes.items()),
                    count=int(g.count),
                    observed_share=float(g.observed_share),
                    reference_share=None if g.reference_share is None else float(g.reference_share),
                    under_represented=bool(g.under_represented),
                )
                for g in result.groups
            ),
        )


def representativeness_from_audit(audit: AuditResult) -> tuple[RepresentativenessSummary, ...]:
    """The representativeness checks of a fairness audit (empty without a reference)."""
    return tuple(RepresentativenessSummary.from_result(r) for r in audit.representativeness)


@dataclass(frozen=True)
class PrivacySummary:
    """What a privacy scan or profile of one dataset found, as counts only."""

    dataset: str
    rows: int | None = None
    rows_with_findings: int = 0
    minor_rows: int = 0
    pipl_class: str = "none"
    entities: Mapping[str, int] = field(default_factory=dict)
    sensitive_categories: tuple[str, ...] = ()

    @classmethod
    def from_profile(cls, profile: TableProfile, *, dataset: str | None = None) -> PrivacySummary:
        """From a :class:`tianping.privacy.TableProfile`: counts per entity, the class, minors."""
        entities: dict[str, int] = {}
        for column in profile.columns:
            for entity, count in column.entities.items():
                entities[entity] = entities.get(entity, 0) + int(count)
        hints = sorted({hint for column in profile.columns for hint in column.hints})
        return cls(
            dataset=dataset or profile.path,
            rows=profile.rows,
            rows_with_findings=profile.rows_with_findings,
            minor_rows=profile.minor_rows,
            pipl_class=profile.pipl_class,
            entities=dict(sorted(entities.items())),
            sensitive_categories=tuple(hints),
        )

    @classmethod
    def from_scan(cls, report: ScanReport, *, dataset: str) -> PrivacySummary:
        """From a :class:`tianping.privacy.ScanReport`: findings counted by entity, no value."""
        return cls(
            dataset=dataset,
            rows=None,
            rows_with_findings=len(report.findings),
            minor_rows=sum(1 for f in report.findings if f.minor),
            entities=report.counts(),
        )


@dataclass(frozen=True)
class PerformanceMetric:
    """A measured quality of the model, optionally on a slice and with an interval."""

    name: str
    value: float
    slice: str | None = None
    lower: float | None = None
    upper: float | None = None


@dataclass(frozen=True)
class Consideration:
    """An ethical consideration and how it is mitigated."""

    name: Text
    mitigation: Text | None = None


@dataclass(frozen=True)
class DecisionVolume:
    """Decisions the ledger counted over some days; ``source`` names the ledger record."""

    start: date
    end: date
    count: int
    source: str


@dataclass(frozen=True)
class Event:
    """A dated record of the period: alert, incident, switch change, model change …

    ``kind`` is what the record says it is (a monitor, a severity, a switch state,
    a version …); ``resolved`` is ``None`` where it does not apply.
    """

    id: str
    at: date
    kind: str
    summary: Text | None = None
    resolved: bool | None = None


@dataclass(frozen=True)
class Escalation:
    """How one kind of problem is escalated."""

    risk: Text
    route: Text


@dataclass(frozen=True)
class Playbook:
    """The adopted incident playbook: who pauses, when people take over, escalation, replies."""

    pause_authority: Text | None = None
    takeover_thresholds: tuple[Text, ...] = ()
    escalations: tuple[Escalation, ...] = ()
    customers: Text | None = None
    employees: Text | None = None
    regulators: Text | None = None
    contacts: tuple[Escalation, ...] = ()


@dataclass(frozen=True)
class OwnerFields:
    """What only the owner can say; the platform cannot know it."""

    legal_basis: Text | None = None
    collection_start: date | None = None
    collection_end: date | None = None
    known_gaps: tuple[Text, ...] = ()
    personal_information_handling: Text | None = None
    ethical_considerations: tuple[Consideration, ...] = ()
    algorithm_principle: Text | None = None
    human_oversight: Text | None = None
    evaluation_method: Text | None = None


@dataclass(frozen=True)
class TransparencyInput:
    """Everything the six documents are built from."""

    version: str
    as_of: date
    system: SystemFacts
    owner: OwnerFields = field(default_factory=OwnerFields)
    data_sources: tuple[DataSource, ...] = ()
    representativeness: tuple[RepresentativenessSummary, ...] = ()
    privacy: tuple[PrivacySummary, ...] = ()
    metrics: tuple[PerformanceMetric, ...] = ()
    period_start: date | None = None
    period_end: date | None = None
    decision_volumes: tuple[DecisionVolume, ...] = ()
    alerts: tuple[Event, ...] = ()
    incidents: tuple[Event, ...] = ()
    switch_changes: tuple[Event, ...] = ()
    model_changes: tuple[Event, ...] = ()
    assessments: tuple[Event, ...] = ()
    complaints: tuple[Event, ...] = ()
    playbook: Playbook = field(default_factory=Playbook)


# -- reading ------------------------------------------------------------------------------


def _fail(template: LocalizedText, **params: object) -> TransparencyError:
    return TransparencyError(template, hint=INPUT_HINT, params=params)


def _kind(value: object) -> str:
    return type(value).__name__


def _mapping(value: object, where: str, known: Iterable[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(NOT_A_MAPPING, where=where, found=_kind(value))
    allowed = set(known)
    unknown = sorted(str(key) for key in value if key not in allowed)
    if unknown:
        raise _fail(
            UNKNOWN_KEYS, where=where, keys=", ".join(unknown), known=", ".join(sorted(allowed))
        )
    return value


def _list(value: object, where: str, read: Callable[[object, str], T]) -> tuple[T, ...]:
    if value is None:
        return ()
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        raise _fail(NOT_A_LIST, where=where, found=_kind(value))
    return tuple(read(item, f"{where}[{index}]") for index, item in enumerate(value))


def _text(value: object, where: str) -> Text | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    try:
        return LocalizedText.from_json(dict(value) if isinstance(value, Mapping) else value)
    except (TypeError, ValueError):
        raise _fail(NOT_TEXT, where=where) from None


def _required_text(value: object, where: str) -> Text:
    text = _text(value, where)
    if text is None:
        raise _fail(MISSING_KEY, where=where)
    return text


def _plain(value: object, where: str) -> str | None:
    text = _text(value, where)
    if isinstance(text, LocalizedText):
        raise _fail(NOT_TEXT, where=where)
    return text


def _required_plain(value: object, where: str) -> str:
    text = _plain(value, where)
    if text is None:
        raise _fail(MISSING_KEY, where=where)
    return text


def _plains(value: object, where: str) -> tuple[str, ...]:
    return _list(value, where, _required_plain)


def _texts(value: object, where: str) -> tuple[Text, ...]:
    return _list(value, where, _required_text)


def _count(value: object, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise _fail(NOT_A_COUNT, where=where, found=repr(value)[:40])
    return value


def _required_count(value: object, where: str) -> int:
    count = _count(value, where)
    if count is None:
        raise _fail(MISSING_KEY, where=where)
    return count


def _number(value: object, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(NOT_A_NUMBER, where=where, found=repr(value)[:40])
    number = float(value)
    if not math.isfinite(number):
        raise _fail(NOT_A_NUMBER, where=where, found=repr(value)[:40])
    return number


def _required_number(value: object, where: str) -> float:
    number = _number(value, where)
    if number is None:
        raise _fail(MISSING_KEY, where=where)
    return number


def _bool(value: object, where: str) -> bool | None:
    if value is None:
        return None
    if not isinstance(value, bool):
        raise _fail(NOT_A_BOOL, where=where)
    return value


def _date(value: object, where: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _fail(NOT_A_DATE, where=where, found=repr(value)[:40])


def _required_date(value: object, where: str) -> date:
    day = _date(value, where)
    if day is None:
        raise _fail(MISSING_KEY, where=where)
    return day


def _period(value: object, where: str) -> tuple[date | None, date | None]:
    if value is None:
        return None, None
    data = _mapping(value, where, ("start", "end"))
    start, end = _date(data.get("start"), f"{where}.start"), _date(data.get("end"), f"{where}.end")
    if start is not None and end is not None and start > end:
        raise _fail(BAD_PERIOD, where=where)
    return start, end


SYSTEM_KEYS = tuple(SystemFacts.__dataclass_fields__)


def read_system(value: object, where: str = "system") -> SystemFacts:
    """:class:`SystemFacts` from its YAML mapping."""
    data = _mapping(value, where, SYSTEM_KEYS)
    approach = _plain(data.get("approach"), f"{where}.approach")
    if approach is not None and approach not in APPROACHES:
        raise _fail(
            BAD_CHOICE, where=f"{where}.approach", found=approach, choices=", ".join(APPROACHES)
        )
    return SystemFacts(
        name=_required_plain(data.get("name"), f"{where}.name"),
        organisation=_plain(data.get("organisation"), f"{where}.organisation"),
        purpose=_text(data.get("purpose"), f"{where}.purpose"),
        owner=_plain(data.get("owner"), f"{where}.owner"),
        model_name=_plain(data.get("model_name"), f"{where}.model_name"),
        model_version=_plain(data.get("model_version"), f"{where}.model_version"),
        approach=approach,
        task=_text(data.get("task"), f"{where}.task"),
        architecture=_text(data.get("architecture"), f"{where}.architecture"),
        inputs=_plains(data.get("inputs"), f"{where}.inputs"),
        outputs=_plains(data.get("outputs"), f"{where}.outputs"),
        languages=_plains(data.get("languages"), f"{where}.languages"),
        users=_texts(data.get("users"), f"{where}.users"),
        use_cases=_texts(data.get("use_cases"), f"{where}.use_cases"),
        limitations=_texts(data.get("limitations"), f"{where}.limitations"),
        ai_role=_text(data.get("ai_role"), f"{where}.ai_role"),
        generative=bool(_bool(data.get("generative"), f"{where}.generative")),
        opt_out=_text(data.get("opt_out"), f"{where}.opt_out"),
        human_contact=_text(data.get("human_contact"), f"{where}.human_contact"),
    )


def _source(value: object, where: str) -> DataSource:
    data = _mapping(value, where, DataSource.__dataclass_fields__)
    return DataSource(
        name=_required_plain(data.get("name"), f"{where}.name"),
        origin=_text(data.get("origin"), f"{where}.origin"),
        collection_method=_text(data.get("collection_method"), f"{where}.collection_method"),
        legal_basis=_text(data.get("legal_basis"), f"{where}.legal_basis"),
        records=_count(data.get("records"), f"{where}.records"),
        languages=_plains(data.get("languages"), f"{where}.languages"),
        personal_information=_bool(
            data.get("personal_information"), f"{where}.personal_information"
        ),
    )


def _group(value: object, where: str) -> GroupShare:
    data = _mapping(value, where, GroupShare.__dataclass_fields__)
    return GroupShare(
        group=_required_plain(data.get("group"), f"{where}.group"),
        count=_required_count(data.get("count"), f"{where}.count"),
        observed_share=_required_number(data.get("observed_share"), f"{where}.observed_share"),
        reference_share=_number(data.get("reference_share"), f"{where}.reference_share"),
        under_represented=bool(_bool(data.get("under_represented"), f"{where}.under_represented")),
    )


def _representativeness(value: object, where: str) -> RepresentativenessSummary:
    data = _mapping(value, where, ("attributes", "total_variation_distance", "tolerance", "groups"))
    return RepresentativenessSummary(
        attributes=_plains(data.get("attributes"), f"{where}.attributes"),
        total_variation_distance=_required_number(
            data.get("total_variation_distance"), f"{where}.total_variation_distance"
        ),
        tolerance=_required_number(data.get("tolerance"), f"{where}.tolerance"),
        groups=_list(data.get("groups"), f"{where}.groups", _group),
    )


def _privacy(value: object, where: str) -> PrivacySummary:
    known = (*PrivacySummary.__dataclass_fields__, *DISCARDED_PRIVACY_KEYS)
    data = _mapping(value, where, known)
    raw = data.get("entities") or {}
    if not isinstance(raw, Mapping):
        raise _fail(NOT_A_MAPPING, where=f"{where}.entities", found=_kind(raw))
    # Entity names are the keys (any name), each with a count.
    counts = {
        str(name): _required_count(count, f"{where}.entities.{name}") for name, count in raw.items()
    }
    return PrivacySummary(
        dataset=_required_plain(data.get("dataset"), f"{where}.dataset"),
        rows=_count(data.get("rows"), f"{where}.rows"),
        rows_with_findings=_count(data.get("rows_with_findings"), f"{where}.rows_with_findings")
        or 0,
        minor_rows=_count(data.get("minor_rows"), f"{where}.minor_rows") or 0,
        pipl_class=_plain(data.get("pipl_class"), f"{where}.pipl_class") or "none",
        entities=dict(sorted(counts.items())),
        sensitive_categories=_plains(
            data.get("sensitive_categories"), f"{where}.sensitive_categories"
        ),
    )


def _metric(value: object, where: str) -> PerformanceMetric:
    data = _mapping(value, where, PerformanceMetric.__dataclass_fields__)
    return PerformanceMetric(
        name=_required_plain(data.get("name"), f"{where}.name"),
        value=_required_number(data.get("value"), f"{where}.value"),
        slice=_plain(data.get("slice"), f"{where}.slice"),
        lower=_number(data.get("lower"), f"{where}.lower"),
        upper=_number(data.get("upper"), f"{where}.upper"),
    )


def _consideration(value: object, where: str) -> Consideration:
    data = _mapping(value, where, ("name", "mitigation"))
    return Consideration(
        name=_required_text(data.get("name"), f"{where}.name"),
        mitigation=_text(data.get("mitigation"), f"{where}.mitigation"),
    )


def _volume(value: object, where: str) -> DecisionVolume:
    data = _mapping(value, where, DecisionVolume.__dataclass_fields__)
    start = _required_date(data.get("start"), f"{where}.start")
    end = _required_date(data.get("end"), f"{where}.end")
    if start > end:
        raise _fail(BAD_PERIOD, where=where)
    return DecisionVolume(
        start=start,
        end=end,
        count=_required_count(data.get("count"), f"{where}.count"),
        source=_required_plain(data.get("source"), f"{where}.source"),
    )


def _event(value: object, where: str) -> Event:
    data = _mapping(value, where, Event.__dataclass_fields__)
    return Event(
        id=_required_plain(data.get("id"), f"{where}.id"),
        at=_required_date(data.get("at"), f"{where}.at"),
        kind=_required_plain(data.get("kind"), f"{where}.kind"),
        summary=_text(data.get("summary"), f"{where}.summary"),
        resolved=_bool(data.get("resolved"), f"{where}.resolved"),
    )


def _escalation(value: object, where: str) -> Escalation:
    data = _mapping(value, where, ("risk", "route"))
    return Escalation(
        risk=_required_text(data.get("risk"), f"{where}.risk"),
        route=_required_text(data.get("route"), f"{where}.route"),
    )


def _contact(value: object, where: str) -> Escalation:
    data = _mapping(value, where, ("role", "channel"))
    return Escalation(
        risk=_required_text(data.get("role"), f"{where}.role"),
        route=_required_text(data.get("channel"), f"{where}.channel"),
    )


def _playbook(value: object, where: str) -> Playbook:
    if value is None:
        return Playbook()
    data = _mapping(value, where, (*Playbook.__dataclass_fields__,))
    return Playbook(
        pause_authority=_text(data.get("pause_authority"), f"{where}.pause_authority"),
        takeover_thresholds=_texts(data.get("takeover_thresholds"), f"{where}.takeover_thresholds"),
        escalations=_list(data.get("escalations"), f"{where}.escalations", _escalation),
        customers=_text(data.get("customers"), f"{where}.customers"),
        employees=_text(data.get("employees"), f"{where}.employees"),
        regulators=_text(data.get("regulators"), f"{where}.regulators"),
        contacts=_list(data.get("contacts"), f"{where}.contacts", _contact),
    )


OWNER_KEYS = (
    "legal_basis",
    "collection_period",
    "known_gaps",
    "personal_information_handling",
    "ethical_considerations",
    "algorithm_principle",
    "human_oversight",
    "evaluation_method",
)


def _owner(value: object, where: str) -> OwnerFields:
    if value is None:
        return OwnerFields()
    data = _mapping(value, where, OWNER_KEYS)
    start, end = _period(data.get("collection_period"), f"{where}.collection_period")
    return OwnerFields(
        legal_basis=_text(data.get("legal_basis"), f"{where}.legal_basis"),
        collection_start=start,
        collection_end=end,
        known_gaps=_texts(data.get("known_gaps"), f"{where}.known_gaps"),
        personal_information_handling=_text(
            data.get("personal_information_handling"), f"{where}.personal_information_handling"
        ),
        ethical_considerations=_list(
            data.get("ethical_considerations"), f"{where}.ethical_considerations", _consideration
        ),
        algorithm_principle=_text(data.get("algorithm_principle"), f"{where}.algorithm_principle"),
        human_oversight=_text(data.get("human_oversight"), f"{where}.human_oversight"),
        evaluation_method=_text(data.get("evaluation_method"), f"{where}.evaluation_method"),
    )


INPUT_KEYS = (
    "version",
    "as_of",
    "system",
    "owner",
    "data_sources",
    "representativeness",
    "privacy",
    "metrics",
    "period",
    "decision_volumes",
    "alerts",
    "incidents",
    "switch_changes",
    "model_changes",
    "assessments",
    "complaints",
    "playbook",
)


def read_input(data: object) -> TransparencyInput:
    """A :class:`TransparencyInput` from its YAML document (``docs/transparency.md``).

    Raises
    ------
    TransparencyError
        Naming the first key that is missing, unknown or of the wrong type.

    Examples
    --------
    >>> inputs = read_input({"version": "1", "as_of": "2026-06-30", "system": {"name": "客服"}})
    >>> inputs.system.name, inputs.as_of.isoformat()
    ('客服', '2026-06-30')
    """
    document = _mapping(data, "the input", INPUT_KEYS)
    start, end = _period(document.get("period"), "period")
    version = document.get("version")
    if isinstance(version, int | float) and not isinstance(version, bool):
        version = str(version)
    return TransparencyInput(
        version=_required_plain(version, "version"),
        as_of=_required_date(document.get("as_of"), "as_of"),
        system=read_system(document.get("system"), "system"),
        owner=_owner(document.get("owner"), "owner"),
        data_sources=_list(document.get("data_sources"), "data_sources", _source),
        representativeness=_list(
            document.get("representativeness"), "representativeness", _representativeness
        ),
        privacy=_list(document.get("privacy"), "privacy", _privacy),
        metrics=_list(document.get("metrics"), "metrics", _metric),
        period_start=start,
        period_end=end,
        decision_volumes=_list(document.get("decision_volumes"), "decision_volumes", _volume),
        alerts=_list(document.get("alerts"), "alerts", _event),
        incidents=_list(document.get("incidents"), "incidents", _event),
        switch_changes=_list(document.get("switch_changes"), "switch_changes", _event),
        model_changes=_list(document.get("model_changes"), "model_changes", _event),
        assessments=_list(document.get("assessments"), "assessments", _event),
        complaints=_list(document.get("complaints"), "complaints", _event),
        playbook=_playbook(document.get("playbook"), "playbook"),
    )


__all__ = [
    "APPROACHES",
    "Consideration",
    "DataSource",
    "DecisionVolume",
    "Escalation",
    "Event",
    "GroupShare",
    "OwnerFields",
    "PerformanceMetric",
    "Playbook",
    "PrivacySummary",
    "RepresentativenessSummary",
    "SystemFacts",
    "Text",
    "TransparencyInput",
    "read_input",
    "read_system",
    "representativeness_from_audit",
    "text_json",
]

"""Which measurement answers which requirement item, how fully, and for which systems.

The mapping is data (``data/measurements.yaml``), read by the strict YAML
loader, checked against ``schema/measurements.schema.json``, and cross-checked:
every item exists in the catalogue, every ``applies_when`` is a condition over
the questionnaire's own questions and choices (parsed by
:func:`tianping.tiering.parse_condition`, evaluated by its ``holds``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, cast, get_args

from tianping import tiering, yamlsafe
from tianping.norms import _errors as msg
from tianping.norms._catalogue import Catalogue
from tianping.norms._errors import (
    UNKNOWN_ENTRY,
    CatalogueError,
    CatalogueProblem,
    NotInCatalogueError,
)
from tianping.norms._loader import DATA_DIR, load_catalogue
from tianping.norms._schema import MAPPING_FILES, location, schema_problems
from tianping.text import LocalizedText

MeasurementKind = Literal["bias_assessment", "privacy_scan", "probe_run", "document", "certificate"]
#: The kinds of measurement the platform files as evidence; the mapping defines each once.
MEASUREMENT_KINDS: tuple[MeasurementKind, ...] = get_args(MeasurementKind)

Extent = Literal["full", "partial"]
#: ``full``: the measurement answers the item's question; ``partial``: a part of it.
EXTENTS: tuple[Extent, ...] = get_args(Extent)

#: The mapping shipped with Tianping.
MEASUREMENTS_FILE = DATA_DIR / MAPPING_FILES["measurements"]

MEASUREMENT_MISSING = "measurement {key!r} is not mapped; the mapping must define each of {known}"
BAD_CONDITION = "not a condition over the intake questionnaire: {error}"


@dataclass(frozen=True)
class MeasuredItem:
    """One requirement item a measurement answers, how fully, and when it applies.

    ``applies_when`` is ``None`` for an item that applies to every system.
    """

    item: str
    extent: Extent
    applies_when: tiering.Condition | None = None

    def __post_init__(self) -> None:
        if self.extent not in EXTENTS:
            raise ValueError(f"extent must be one of {EXTENTS}, not {self.extent!r}")

    def applies(self, answers: Mapping[str, Any] | None) -> bool:
        """Whether the item applies to a system with these intake answers.

        ``None`` (no intake yet): only the items that apply unconditionally.
        """
        if self.applies_when is None:
            return True
        if answers is None:
            return False
        return self.applies_when.holds(answers)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"item": self.item, "extent": self.extent}
        if self.applies_when is not None:
            out["applies_when"] = self.applies_when.to_json()
        return out


@dataclass(frozen=True)
class Measurement:
    """A kind of measurement and the items it answers, in the mapping's order."""

    id: MeasurementKind
    name: LocalizedText
    answers: tuple[MeasuredItem, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name.to_json(),
            "answers": [entry.to_json() for entry in self.answers],
        }


@dataclass(frozen=True)
class MeasurementMap:
    """One edition of the mapping: for each kind of measurement, the items it answers.

    Build it with :func:`load_measurements`.
    """

    version: str
    effective_from: date
    measurements: tuple[Measurement, ...]
    _by_id: Mapping[str, Measurement] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id = MappingProxyType({entry.id: entry for entry in self.measurements})
        object.__setattr__(self, "_by_id", by_id)

    def measurement(self, measurement_id: str) -> Measurement:
        """The measurement with this id; :class:`NotInCatalogueError` if there is none."""
        try:
            return self._by_id[measurement_id]
        except (KeyError, TypeError):
            raise NotInCatalogueError(
                UNKNOWN_ENTRY.format(
                    what="measurement", key=measurement_id, known=", ".join(self._by_id)
                ),
                what="measurement",
                key=measurement_id,
            ) from None

    def applicable(
        self, measurement_id: str, answers: Mapping[str, Any] | None
    ) -> list[MeasuredItem]:
        """The entries of a measurement that apply to a system with these intake answers."""
        return [e for e in self.measurement(measurement_id).answers if e.applies(answers)]

    def items_for(
        self, measurement_id: str, answers: Mapping[str, Any] | None
    ) -> list[tuple[str, Extent]]:
        """``(item id, extent)`` for each item the measurement answers for these answers.

        Examples
        --------
        >>> from tianping.norms import load_measurements
        >>> mapping = load_measurements()
        >>> ("REQ-13-06", "partial") in mapping.items_for(
        ...     "bias_assessment", {"automated_decisions": ["pricing"]}
        ... )
        True
        >>> ("REQ-13-06", "partial") in mapping.items_for(
        ...     "bias_assessment", {"automated_decisions": ["hiring"]}
        ... )
        False
        """
        return [(e.item, e.extent) for e in self.applicable(measurement_id, answers)]

    def answering(self, item_id: str) -> list[tuple[Measurement, MeasuredItem]]:
        """The measurements that answer an item, with their entry for it (for catalogue pages)."""
        return [
            (measurement, entry)
            for measurement in self.measurements
            for entry in measurement.answers
            if entry.item == item_id
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "effective_from": self.effective_from.isoformat(),
            "measurements": [entry.to_json() for entry in self.measurements],
        }


def load_measurements(
    path: Path | None = None,
    *,
    catalogue: Catalogue | None = None,
    questionnaire: tiering.Questionnaire | None = None,
) -> MeasurementMap:
    """Load and check a measurement mapping; the shipped one (cached) when ``path`` is ``None``.

    Items are checked against ``catalogue`` and conditions against
    ``questionnaire`` (the shipped ones by default). Any problem raises
    :class:`CatalogueError` listing every problem found: the mapping fails closed.

    Examples
    --------
    >>> from tianping.norms import load_measurements
    >>> [m.id for m in load_measurements().measurements]
    ['bias_assessment', 'privacy_scan', 'probe_run', 'document', 'certificate']
    """
    if path is None and catalogue is None and questionnaire is None:
        return _load_shipped()
    return _load(Path(path or MEASUREMENTS_FILE).resolve(), catalogue, questionnaire)


def check_measurements(
    path: Path | None = None,
    *,
    catalogue: Catalogue | None = None,
    questionnaire: tiering.Questionnaire | None = None,
) -> list[CatalogueProblem]:
    """Every problem in a measurement mapping (the shipped one by default); empty when valid.

    Examples
    --------
    >>> check_measurements()
    []
    """
    file = Path(path or MEASUREMENTS_FILE).resolve()
    _built, problems = _read(file, catalogue, questionnaire)
    return problems


def items_for(
    measurement: str, answers: Mapping[str, Any] | None = None
) -> list[tuple[str, Extent]]:
    """``(item id, extent)`` for each item a measurement answers, per the shipped mapping.

    ``answers`` are a system's intake answers (``{question id: answer}``);
    ``None`` when it has none, which keeps only the items that apply to every
    system. Items come in the mapping's order.

    Examples
    --------
    >>> from tianping.norms import items_for
    >>> ("REQ-13-07", "full") in items_for("probe_run", {"generative": True})
    True
    >>> "REQ-13-07" in [item for item, _ in items_for("bias_assessment", {"generative": True})]
    False
    >>> items_for("probe_run")
    []
    """
    return load_measurements().items_for(measurement, answers)


@functools.cache
def _load_shipped() -> MeasurementMap:
    return _load(MEASUREMENTS_FILE, None, None)


def _load(
    file: Path, catalogue: Catalogue | None, questionnaire: tiering.Questionnaire | None
) -> MeasurementMap:
    built, problems = _read(file, catalogue, questionnaire)
    if problems or built is None:
        raise CatalogueError(file.parent, problems)
    return built


def _read(
    file: Path, catalogue: Catalogue | None, questionnaire: tiering.Questionnaire | None
) -> tuple[MeasurementMap | None, list[CatalogueProblem]]:
    name = file.name

    def problem(path: str, message: str) -> CatalogueProblem:
        return CatalogueProblem(file=name, path=path, message=message)

    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [problem("", msg.MISSING_FILE)]
    except UnicodeDecodeError as exc:
        return None, [problem("", msg.NOT_UTF8.format(error=exc))]
    try:
        document = yamlsafe.load(text, source=name, dates_as_text=True)
    except yamlsafe.DataFileError as exc:
        return None, [problem(exc.where, msg.YAML_SYNTAX.format(error=exc.problem))]
    problems = schema_problems("measurements", document, name)
    if problems:
        return None, problems
    catalogue = catalogue or load_catalogue()
    questionnaire = questionnaire or tiering.load_questionnaire()
    known_items = [item.id for item in catalogue.items]
    measurements: list[Measurement] = []
    first_measurement: dict[str, int] = {}
    for index, entry in enumerate(document["measurements"]):
        where: list[str | int] = ["measurements", index]
        if entry["id"] in first_measurement:
            first = location(document, ["measurements", first_measurement[entry["id"]]])
            problems.append(
                problem(
                    location(document, [*where, "id"]),
                    msg.DUPLICATE_ID.format(what="measurement", key=entry["id"], first=first),
                )
            )
            continue
        first_measurement[entry["id"]] = index
        answers: list[MeasuredItem] = []
        first_item: dict[str, int] = {}
        for position, answer in enumerate(entry["answers"]):
            at: list[str | int] = [*where, "answers", position]
            item_id = answer["item"]
            if item_id not in known_items:
                problems.append(
                    problem(
                        location(document, [*at, "item"]),
                        msg.UNKNOWN_REFERENCE.format(
                            what="requirement item", key=item_id, known="requirements.yaml"
                        ),
                    )
                )
            if item_id in first_item:
                first = location(document, [*where, "answers", first_item[item_id]])
                problems.append(
                    problem(
                        location(document, [*at, "item"]),
                        msg.DUPLICATE_ID.format(what="item", key=item_id, first=first),
                    )
                )
            first_item.setdefault(item_id, position)
            condition = None
            if "applies_when" in answer:
                try:
                    condition = tiering.parse_condition(
                        answer["applies_when"],
                        questionnaire=questionnaire,
                        source=name,
                        where=location(document, [*at, "applies_when"]),
                    )
                except tiering.QuestionnaireError as exc:
                    problems.append(
                        problem(
                            location(document, [*at, "applies_when"]),
                            BAD_CONDITION.format(error=exc),
                        )
                    )
            answers.append(
                MeasuredItem(
                    item=item_id, extent=cast(Extent, answer["extent"]), applies_when=condition
                )
            )
        measurements.append(
            Measurement(
                id=cast(MeasurementKind, entry["id"]),
                name=LocalizedText.from_json(entry["name"]),
                answers=tuple(answers),
            )
        )
    for kind in MEASUREMENT_KINDS:
        if kind not in first_measurement:
            problems.append(
                problem(
                    "measurements",
                    MEASUREMENT_MISSING.format(key=kind, known=", ".join(MEASUREMENT_KINDS)),
                )
            )
    if problems:
        return None, problems
    built = MeasurementMap(
        version=document["version"],
        effective_from=date.fromisoformat(document["effective_from"]),
        measurements=tuple(measurements),
    )
    return built, []


__all__ = [
    "EXTENTS",
    "MEASUREMENTS_FILE",
    "MEASUREMENT_KINDS",
    "Extent",
    "MeasuredItem",
    "Measurement",
    "MeasurementKind",
    "MeasurementMap",
    "check_measurements",
    "items_for",
    "load_measurements",
]

"""Certification levels and the export certificate's dimensions, loaded from data.

``data/levels.yaml`` is read by the strict loader (:mod:`tianping.yamlsafe`:
no duplicated key, bounded nesting and numbers), checked against
``schema/levels.schema.json``, then cross-checked: every item exists in the
normative catalogue, every bias policy is a shipped fairness policy, the
export framework and its dimensions exist in the catalogue's crosswalks, and
no level or rule id repeats. Every problem names the file and the line.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tianping import fairness, norms, yamlsafe
from tianping.certification._errors import (
    UNKNOWN_LEVEL,
    UNKNOWN_LEVEL_HINT,
    UnknownLevelError,
    levels_error,
)
from tianping.text import LocalizedText

DATA_DIR = Path(__file__).resolve().parent / "data"
LEVELS_FILE = DATA_DIR / "levels.yaml"
SCHEMA_FILE = Path(__file__).resolve().parent / "schema" / "levels.schema.json"
#: The largest levels file read (bytes).
MAX_LEVELS_BYTES = 1024 * 1024

RuleKind = Literal[
    "ethics_review_approved",
    "bias_assessment_passing",
    "privacy_scan_clean",
    "ledger_days",
    "switch_tested",
    "playbook_adopted",
    "transparency_document_complete",
    "probe_run_passing",
    "evaluator_finding",
]
RULE_KINDS: tuple[RuleKind, ...] = get_args(RuleKind)

ERR_UNKNOWN_ITEM = "requirement item {key!r} is not in the normative catalogue"
ERR_UNKNOWN_POLICY = "bias policy {key!r} is not a fairness policy; known: {known}"
ERR_DUPLICATE = "{what} {key!r} appears more than once (first on line {first})"
ERR_UNKNOWN_FRAMEWORK = "framework {key!r} is not in the catalogue's crosswalks"
ERR_UNKNOWN_DIMENSION = "{key!r} is not a target of framework {framework!r}; known: {known}"
ERR_TOO_BIG = "the file has {size} bytes; at most {limit} are read"


@dataclass(frozen=True)
class EvidenceRule:
    """One evidence rule: what the platform must hold (``kind``), with its parameter."""

    id: str
    kind: RuleKind
    name: LocalizedText
    policy: str | None = None
    days: int | None = None
    document: str | None = None
    #: ``probe_run_passing``: which part of the latest probe run counts (``bias``: the
    #: counterfactual bias verdict; ``categories``: the verdicts of :attr:`categories`).
    part: str | None = None
    categories: tuple[str, ...] = ()
    #: Optional evidence: "not applicable" where the platform holds none of its kind at all.
    optional: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "kind": self.kind, "name": self.name.to_json()}
        if self.part is not None:
            out["part"] = self.part
        if self.categories:
            out["categories"] = list(self.categories)
        if self.optional:
            out["optional"] = True
        if self.policy is not None:
            out["policy"] = self.policy
        if self.days is not None:
            out["days"] = self.days
        if self.document is not None:
            out["document"] = self.document
        return out


@dataclass(frozen=True)
class Level:
    """One certification level: its own items and rules (see :meth:`Levels.requirements`)."""

    id: str
    rank: int
    name: LocalizedText
    confirmed: bool
    source: LocalizedText
    items: tuple[str, ...]
    rules: tuple[EvidenceRule, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "rank": self.rank,
            "name": self.name.to_json(),
            "confirmed": self.confirmed,
            "source": self.source.to_json(),
            "items": list(self.items),
            "rules": [rule.to_json() for rule in self.rules],
        }


@dataclass(frozen=True)
class ExportDimension:
    """One dimension of the export certificate (a target of the export framework)."""

    id: str
    name: LocalizedText
    items: tuple[str, ...]
    rules: tuple[EvidenceRule, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name.to_json(),
            "items": list(self.items),
            "rules": [rule.to_json() for rule in self.rules],
        }


@dataclass(frozen=True)
class ExportScheme:
    """The AI Export Ethical Compliance Certificate: its dimensions and their evidence."""

    id: str
    name: LocalizedText
    framework: str
    source: LocalizedText
    dimensions: tuple[ExportDimension, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name.to_json(),
            "framework": self.framework,
            "source": self.source.to_json(),
            "dimensions": [dimension.to_json() for dimension in self.dimensions],
        }


@dataclass(frozen=True)
class Levels:
    """The ordered levels (lowest first), the validity period and the export scheme."""

    version: str
    effective_from: date
    validity_years: int
    levels: tuple[Level, ...]
    export: ExportScheme

    def level(self, level_id: str | Level) -> Level:
        """The level with this id; :class:`UnknownLevelError` if there is none."""
        if isinstance(level_id, Level):
            return level_id
        for level in self.levels:
            if level.id == level_id:
                return level
        raise UnknownLevelError(
            UNKNOWN_LEVEL,
            hint=UNKNOWN_LEVEL_HINT,
            params={"key": level_id, "known": ", ".join(level.id for level in self.levels)},
        )

    def below(self, level_id: str | Level) -> tuple[Level, ...]:
        """The level and every level below it, lowest first."""
        rank = self.level(level_id).rank
        return self.levels[: rank + 1]

    def requirements(self, level_id: str | Level) -> tuple[tuple[str, Level], ...]:
        """``(item or rule id, level that introduces it)`` for a level, cumulatively.

        Examples
        --------
        >>> levels = load_levels()
        >>> basic = {key for key, _ in levels.requirements("basic_compliance")}
        >>> basic < {key for key, _ in levels.requirements("trusted_ai_platform")}
        True
        """
        seen: dict[str, Level] = {}
        for level in self.below(level_id):
            for key in (*level.items, *(rule.id for rule in level.rules)):
                seen.setdefault(key, level)
        return tuple(seen.items())

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "effective_from": self.effective_from.isoformat(),
            "validity_years": self.validity_years,
            "levels": [level.to_json() for level in self.levels],
            "export": self.export.to_json(),
        }


@functools.cache
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return schema


def load_levels(path: str | Path | None = None) -> Levels:
    """The levels of ``path`` (default: the shipped ``data/levels.yaml``, cached).

    Any problem raises :class:`~tianping.certification.LevelsError` naming the
    file, the line and what to fix.
    """
    if path is None:
        return _shipped()
    return _load(Path(path))


@functools.cache
def _shipped() -> Levels:
    return _load(LEVELS_FILE)


def _line(root: Node | None, path: list[str | int]) -> int:
    node = root
    for part in path:
        if isinstance(node, MappingNode):
            found = [v for k, v in node.value if isinstance(k, ScalarNode) and k.value == part]
            if not found:
                break
            node = found[0]
        elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
    return 0 if node is None else node.start_mark.line + 1


def _load(file: Path) -> Levels:
    source = str(file)
    try:
        size = file.stat().st_size
        if size > MAX_LEVELS_BYTES:
            raise levels_error(source, ERR_TOO_BIG.format(size=size, limit=MAX_LEVELS_BYTES))
        raw = file.read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as exc:
        raise levels_error(source, exc.strerror or str(exc)) from None
    except UnicodeDecodeError as exc:
        raise levels_error(source, f"not UTF-8 text: {exc}") from None
    try:
        document = yamlsafe.load(text, source=source, schema=_schema(), dates_as_text=True)
    except yamlsafe.DataFileError as exc:
        raise levels_error(source, exc.detail) from None
    root = yaml.compose(text, Loader=yamlsafe.SafeLoader)  # safe: it loaded above

    def fail(path: list[str | int], problem: str) -> None:
        raise levels_error(source, f"line {_line(root, path)}, at {_dotted(path)}: {problem}")

    catalogue = norms.load_catalogue()
    known_items = {item.id for item in catalogue.items}
    policies = fairness.available_policies()
    seen: dict[str, int] = {}

    def unique(what: str, key: str, path: list[str | int]) -> None:
        if key in seen:
            fail(path, ERR_DUPLICATE.format(what=what, key=key, first=seen[key]))
        seen[key] = _line(root, path)

    def items_of(entry: Mapping[str, Any], where: list[str | int]) -> tuple[str, ...]:
        items: list[str] = []
        for position, item in enumerate(entry["items"]):
            at = [*where, "items", position]
            if item not in known_items:
                fail(at, ERR_UNKNOWN_ITEM.format(key=item))
            unique("item", f"{_dotted(where)}:{item}", at)
            items.append(item)
        return tuple(items)

    def rules_of(entry: Mapping[str, Any], where: list[str | int]) -> tuple[EvidenceRule, ...]:
        rules: list[EvidenceRule] = []
        for position, rule in enumerate(entry["rules"]):
            at = [*where, "rules", position]
            unique("rule", rule["id"], [*at, "id"])
            if rule["kind"] == "bias_assessment_passing" and rule["policy"] not in policies:
                fail(
                    [*at, "policy"],
                    ERR_UNKNOWN_POLICY.format(key=rule["policy"], known=", ".join(policies)),
                )
            rules.append(
                EvidenceRule(
                    id=rule["id"],
                    kind=rule["kind"],
                    name=LocalizedText.from_json(rule["name"]),
                    policy=rule.get("policy"),
                    days=rule.get("days"),
                    document=rule.get("document"),
                    part=rule.get("part"),
                    categories=tuple(rule.get("categories") or ()),
                    optional=bool(rule.get("optional", False)),
                )
            )
        return tuple(rules)

    levels: list[Level] = []
    for rank, entry in enumerate(document["levels"]):
        where: list[str | int] = ["levels", rank]
        unique("level", entry["id"], [*where, "id"])
        levels.append(
            Level(
                id=entry["id"],
                rank=rank,
                name=LocalizedText.from_json(entry["name"]),
                confirmed=entry["confirmed"],
                source=LocalizedText.from_json(entry["source"]),
                items=items_of(entry, where),
                rules=rules_of(entry, where),
            )
        )
    export = document["export"]
    try:
        framework = catalogue.framework(export["framework"])
    except norms.NotInCatalogueError:
        fail(["export", "framework"], ERR_UNKNOWN_FRAMEWORK.format(key=export["framework"]))
        raise  # unreachable: fail raises
    targets = {target.id: target for target in framework.targets}
    dimensions: list[ExportDimension] = []
    for position, entry in enumerate(export["dimensions"]):
        where = ["export", "dimensions", position]
        unique("dimension", entry["id"], [*where, "id"])
        if entry["id"] not in targets:
            fail(
                [*where, "id"],
                ERR_UNKNOWN_DIMENSION.format(
                    key=entry["id"], framework=framework.id, known=", ".join(targets)
                ),
            )
        dimensions.append(
            ExportDimension(
                id=entry["id"],
                name=targets[entry["id"]].name,
                items=items_of(entry, where),
                rules=rules_of(entry, where),
            )
        )
    return Levels(
        version=document["version"],
        effective_from=date.fromisoformat(document["effective_from"]),
        validity_years=document["validity_years"],
        levels=tuple(levels),
        export=ExportScheme(
            id=export["id"],
            name=LocalizedText.from_json(export["name"]),
            framework=framework.id,
            source=LocalizedText.from_json(export["source"]),
            dimensions=tuple(dimensions),
        ),
    )


def _dotted(path: list[str | int]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


__all__ = [
    "LEVELS_FILE",
    "RULE_KINDS",
    "EvidenceRule",
    "ExportDimension",
    "ExportScheme",
    "Level",
    "Levels",
    "RuleKind",
    "load_levels",
]

"""Reading rule files: YAML → JSON Schema → cross-checks → a merged :class:`RuleSet`.

Merge semantics (see docs/review.md):

* A **base** rule set has no ``extends`` and defines every rule that is not
  optional. An **overlay** names its parent in ``extends`` (overlays may be
  chained: a city on a province on the nation) and inherits every rule of it.
* A rule the overlay defines **replaces** the inherited rule of the same id
  wholesale: value, source, article, confidence and date travel together, so
  the effective rule always cites the document that set its value.
* An overlay may **add** an optional rule its parent lacks and **tighten** an
  inherited one, never loosen it (a minimum may rise, a maximum fall, a
  requirement be switched on, a list of requirements grow, a list of
  permissions shrink); a loosening is a load error. A later national revision
  is a new base file, not an overlay.
* With ``on=DATE`` each rule comes from the most specific layer whose rule is
  in force on that day, falling back to the parent's; an optional rule in force
  in no layer is absent, a required one is an error.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from tianping import yamlsafe
from tianping.norms import SCHEMA_DIR as NORMS_SCHEMA_DIR
from tianping.norms import Confidence
from tianping.review import _messages as msg
from tianping.review._errors import (
    ReviewInputError,
    RuleProblem,
    RuleSetError,
    UnknownRuleSetError,
)
from tianping.review._rules import (
    RULE_DEFINITIONS,
    BundleItem,
    MonthDay,
    Rule,
    RuleSet,
    RuleValue,
    Source,
)
from tianping.text import LocalizedText

#: The rule files shipped with Tianping: ``national.yaml`` and the provincial overlays.
RULES_DIR = Path(__file__).resolve().parent / "data" / "rules"
#: The JSON Schemas of rule files and committee descriptions.
SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
#: The rule set used when no province is named.
DEFAULT_RULE_SET = "national"


def parse_yaml(text: str, *, source: str = "<string>") -> Any:
    """Parse YAML with :func:`tianping.yamlsafe.load`: dates stay text, duplicate keys are refused.

    Raises :class:`tianping.yamlsafe.DataFileError` naming ``source``, the line and the column.
    """
    return yamlsafe.load(text, source=source, dates_as_text=True)


# --- schemas ---------------------------------------------------------------------------------


@functools.cache
def _registry() -> Registry[Any]:
    schemas = [
        json.loads((NORMS_SCHEMA_DIR / "common.schema.json").read_text(encoding="utf-8")),
        *(
            json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(SCHEMA_DIR.glob("*.schema.json"))
        ),
    ]
    for schema in schemas:
        Draft202012Validator.check_schema(schema)
    return Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas
    )


@functools.cache
def validator(name: str) -> Draft202012Validator:
    """The compiled validator of ``schema/<name>.schema.json`` (``ruleset``, ``committee``)."""
    schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(
        schema, registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def location(path: Iterable[str | int]) -> str:
    """A readable place inside a document: ``rules[committee.min_size].value``.

    Examples
    --------
    >>> location(["rules", "quorum.min_present", "value"])
    'rules[quorum.min_present].value'
    >>> location(["members", 2, "gender"])
    'members[2].gender'
    """
    text = ""
    for part in path:
        if isinstance(part, int) or "." in part:
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def schema_errors(name: str, document: Any) -> list[tuple[str, str]]:
    """Every schema violation of ``document`` as ``(where, message)``, in document order."""
    errors = sorted(validator(name).iter_errors(document), key=_order)
    found: list[tuple[str, str]] = []
    for error in errors:
        entry = (location(error.absolute_path), _message(error))
        if entry not in found:
            found.append(entry)
    return found


def _message(error: ValidationError) -> str:
    schema = error.schema
    if (
        error.validator in ("minLength", "pattern")
        and isinstance(schema, Mapping)
        and schema.get("pattern") == r"\S"
    ):
        return "text is blank; write the text in this language"
    if error.validator == "additionalProperties" and list(error.absolute_path)[-1:] == ["rules"]:
        known = ", ".join(RULE_DEFINITIONS)
        return f"{error.message}; the known rules are: {known}"
    return error.message


def _order(error: ValidationError) -> list[tuple[int, int, str]]:
    return [(0, p, "") if isinstance(p, int) else (1, 0, p) for p in error.absolute_path]


# --- reading a folder --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Layer:
    """One rule file, parsed and converted."""

    id: str
    file: str
    extends: str | None
    version: str
    name: LocalizedText
    effective_from: date
    sources: Mapping[str, Source]
    raw_rules: Mapping[str, Mapping[str, Any]]


def _text(data: Any) -> LocalizedText:
    return LocalizedText.from_json(data)


def _optional_text(data: Any) -> LocalizedText | None:
    return None if data is None else _text(data)


def _optional_date(data: Any) -> date | None:
    return None if data is None else date.fromisoformat(data)


def _read_file(path: Path) -> tuple[Any, list[RuleProblem]]:
    file = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [RuleProblem(file, "", msg.PROBLEM_NOT_UTF8.format(error=exc.reason))]
    except OSError as exc:
        return None, [RuleProblem(file, "", exc.strerror or type(exc).__name__)]
    try:
        document = parse_yaml(text, source=file)
    except yamlsafe.DataFileError as exc:
        return None, [RuleProblem(file, exc.where, msg.PROBLEM_YAML.format(error=exc.problem))]
    problems = [
        RuleProblem(file, where, text) for where, text in schema_errors("ruleset", document)
    ]
    if not problems and document.get("id") != path.stem:
        problems.append(
            RuleProblem(
                file, "id", msg.PROBLEM_ID_MISMATCH.format(found=document["id"], expected=path.stem)
            )
        )
    return document, problems


def _layer(path: Path, document: Mapping[str, Any]) -> _Layer:
    sources = {
        key: Source(
            id=key,
            title=_text(raw["title"]),
            short=_text(raw["short"]),
            issuer=_optional_text(raw.get("issuer")),
            issued=_optional_date(raw.get("issued")),
            effective_from=_optional_date(raw.get("effective_from")),
            note=_optional_text(raw.get("note")),
        )
        for key, raw in document["sources"].items()
    }
    return _Layer(
        id=document["id"],
        file=path.name,
        extends=document.get("extends"),
        version=document["version"],
        name=_text(document["name"]),
        effective_from=date.fromisoformat(document["effective_from"]),
        sources=MappingProxyType(sources),
        raw_rules=MappingProxyType(dict(document["rules"])),
    )


def _read_directory(directory: Path) -> tuple[dict[str, _Layer], list[RuleProblem]]:
    if not directory.is_dir():
        return {}, [RuleProblem(str(directory), "", "not a directory of rule files")]
    layers: dict[str, _Layer] = {}
    problems: list[RuleProblem] = []
    for path in sorted(directory.glob("*.yaml")):
        document, found = _read_file(path)
        problems += found
        if not found:
            layers[path.stem] = _layer(path, document)
    return layers, problems


def _chain(layers: Mapping[str, _Layer], leaf: str) -> tuple[list[_Layer], list[RuleProblem]]:
    """The layers from the base to ``leaf``, or the problem that prevents it."""
    chain: list[_Layer] = []
    current: str | None = leaf
    while current is not None:
        layer = layers[current]
        if any(seen.id == current for seen in chain):
            names = " → ".join([*(c.id for c in reversed(chain)), current])
            return [], [RuleProblem(layer.file, "extends", msg.PROBLEM_CYCLE.format(chain=names))]
        chain.append(layer)
        current = layer.extends
        if current is not None and current not in layers:
            known = ", ".join(sorted(layers)) or "none"
            problem = msg.PROBLEM_UNKNOWN_PARENT.format(parent=current, known=known)
            return [], [RuleProblem(layer.file, "extends", problem)]
    return list(reversed(chain)), []


def _value(rule_id: str, raw: Any, file: str) -> tuple[RuleValue | None, list[RuleProblem]]:
    kind = RULE_DEFINITIONS[rule_id].kind
    where = location(["rules", rule_id, "value"])
    if kind == "fraction":
        fraction = Fraction(raw)
        if not 0 < fraction <= 1:
            return None, [RuleProblem(file, where, msg.PROBLEM_BAD_FRACTION.format(value=raw))]
        return fraction, []
    if kind == "month_day":
        try:
            return MonthDay.parse(raw), []
        except ValueError:
            return None, [RuleProblem(file, where, msg.PROBLEM_BAD_MONTH_DAY.format(value=raw))]
    if kind == "bundle":
        items = tuple(
            BundleItem(
                id=item["id"],
                label=_text(item["label"]),
                clause=item.get("clause"),
                waivable=bool(item.get("waivable", False)),
            )
            for item in raw
        )
        ids = [item.id for item in items]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            return None, [
                RuleProblem(file, where, msg.PROBLEM_DUPLICATE_ITEM.format(item=d))
                for d in duplicates
            ]
        return items, []
    if kind == "names":
        return tuple(raw), []
    return cast(RuleValue, raw), []


def _build_rule(
    layer: _Layer, rule_id: str, sources: Mapping[str, Source]
) -> tuple[Rule | None, list[RuleProblem]]:
    raw = layer.raw_rules[rule_id]
    problems: list[RuleProblem] = []
    source = sources.get(raw["source"])
    if source is None:
        known = ", ".join(sorted(sources)) or "none"
        problems.append(
            RuleProblem(
                layer.file,
                location(["rules", rule_id, "source"]),
                msg.PROBLEM_UNKNOWN_SOURCE.format(source=raw["source"], known=known),
            )
        )
    value, found = _value(rule_id, raw["value"], layer.file)
    problems += found
    if source is None or value is None:
        return None, problems
    return (
        Rule(
            id=rule_id,
            title=_text(raw["title"]),
            value=value,
            source=source,
            article=raw["article"],
            confidence=cast(Confidence, raw["confidence"]),
            article_confidence=cast("Confidence | None", raw.get("article_confidence")),
            effective_from=date.fromisoformat(raw["effective_from"]),
            layer=layer.id,
            note=_optional_text(raw.get("note")),
        ),
        problems,
    )


_DIRECTIONS = {
    "at_least": "a minimum may only rise",
    "at_most": "a maximum may only fall",
    "on": "a requirement may be switched on, never off",
    "superset": "a list of requirements may only grow",
    "subset": "a list of permissions may only shrink",
    "no_later": "a due day may only come earlier",
    "bundle": "bundle items may be added, never removed",
}


def _ordered(value: RuleValue) -> tuple[Fraction, int]:
    """A comparable key for counts, fractions and days of the year."""
    if isinstance(value, MonthDay):
        return (Fraction(value.month), value.day)
    if isinstance(value, int | Fraction) and not isinstance(value, bool):
        return (Fraction(value), 0)
    raise TypeError(f"cannot order {value!r}")


def _loosening(rule: Rule, parent: Rule) -> list[str]:
    """Why ``rule`` loosens ``parent`` (empty when it keeps or tightens it)."""
    direction = rule.definition.direction
    new, old = rule.value, parent.value
    if direction == "bundle":
        assert isinstance(new, tuple) and isinstance(old, tuple)
        new_items = {i.id: i for i in new if isinstance(i, BundleItem)}
        old_items = {i.id: i for i in old if isinstance(i, BundleItem)}
        found = []
        if not set(old_items) <= set(new_items):
            found.append(
                msg.PROBLEM_LOOSENED.format(
                    rule=rule.id,
                    parent=parent.layer,
                    parent_value=parent.value_text("en"),
                    value=rule.value_text("en"),
                    direction=_DIRECTIONS[direction],
                )
            )
        for key, item in new_items.items():
            if key in old_items and item.waivable and not old_items[key].waivable:
                found.append(msg.PROBLEM_WAIVER_LOOSENED.format(item=key, parent=parent.layer))
        return found
    if direction in ("at_least", "at_most", "no_later"):
        new_key, old_key = _ordered(new), _ordered(old)
        loosened = new_key < old_key if direction == "at_least" else new_key > old_key
    elif direction == "on":
        loosened = bool(old) and not new
    else:
        new_names = {v for v in new if isinstance(v, str)} if isinstance(new, tuple) else set()
        old_names = {v for v in old if isinstance(v, str)} if isinstance(old, tuple) else set()
        loosened = not (
            old_names <= new_names if direction == "superset" else new_names <= old_names
        )
    if not loosened:
        return []
    return [
        msg.PROBLEM_LOOSENED.format(
            rule=rule.id,
            parent=parent.layer,
            parent_value=parent.value_text("en"),
            value=rule.value_text("en"),
            direction=_DIRECTIONS[direction],
        )
    ]


def _merge(
    chain: Sequence[_Layer],
) -> tuple[list[dict[str, Rule]], dict[str, Source], list[RuleProblem]]:
    """Each layer's own rules (built), the sources of the chain, and every problem found."""
    sources: dict[str, Source] = {}
    built: list[dict[str, Rule]] = []
    problems: list[RuleProblem] = []
    inherited: dict[str, Rule] = {}
    for layer in chain:
        sources.update(layer.sources)
        own: dict[str, Rule] = {}
        for rule_id in layer.raw_rules:
            rule, found = _build_rule(layer, rule_id, sources)
            problems += found
            if rule is None:
                continue
            parent = inherited.get(rule_id)
            if parent is not None:
                problems += [
                    RuleProblem(layer.file, location(["rules", rule_id, "value"]), text)
                    for text in _loosening(rule, parent)
                ]
            own[rule_id] = rule
        built.append(own)
        inherited.update(own)
    return built, sources, problems


def _resolve(
    chain: Sequence[_Layer], built: Sequence[Mapping[str, Rule]], on: date | None
) -> dict[str, Rule]:
    """The effective rules on ``on``: for each id, the most specific layer's rule in force."""
    effective: dict[str, Rule] = {}
    for rule_id, definition in RULE_DEFINITIONS.items():
        candidates = [own[rule_id] for own in reversed(built) if rule_id in own]
        in_force = [r for r in candidates if on is None or r.effective_from <= on]
        if in_force:
            effective[rule_id] = in_force[0]
        elif candidates and not definition.optional:
            earliest = min(candidates, key=lambda r: r.effective_from)
            raise ReviewInputError(
                msg.ERR_NOT_IN_FORCE,
                params={
                    "ruleset": chain[-1].id,
                    "on": on,
                    "rule": rule_id,
                    "effective_from": earliest.effective_from,
                },
            )
    return effective


def _check_all(directory: Path) -> list[RuleProblem]:
    """Every problem of every file in ``directory`` (each merge problem once, at its file)."""
    layers, found = _read_directory(directory)
    for layer_id in sorted(layers):
        chain, chain_problems = _chain(layers, layer_id)
        if chain_problems:
            found += [p for p in chain_problems if p not in found]
            continue
        _built, _sources, merge_problems = _merge(chain)
        found += [p for p in merge_problems if p.file == layers[layer_id].file]
    return found


@dataclass(frozen=True, slots=True)
class _Chain:
    """The layers from the base to the requested rule set, each with its own rules built."""

    layers: list[_Layer]
    built: list[dict[str, Rule]]
    sources: dict[str, Source]


def _load_chain(directory: Path, leaf: str) -> _Chain:
    """The chain of ``leaf``; raises if it is unknown or any file of its chain is invalid."""
    files = {path.stem: path.name for path in directory.glob("*.yaml")}
    if leaf not in files:
        raise UnknownRuleSetError(
            msg.ERR_UNKNOWN_RULESET,
            hint=msg.ERR_UNKNOWN_RULESET_HINT,
            params={"name": leaf, "known": ", ".join(sorted(files)) or "none"},
        )
    layers, problems = _read_directory(directory)
    # Only the files of this chain matter: a broken sibling overlay does not block it.
    chain_files: set[str] = set()
    current: str | None = leaf
    while current is not None and current in files and files[current] not in chain_files:
        chain_files.add(files[current])
        current = layers[current].extends if current in layers else None
    relevant = [p for p in problems if p.file in chain_files]
    if relevant:
        raise RuleSetError(directory, relevant)
    chain, chain_problems = _chain(layers, leaf)
    if chain_problems:
        raise RuleSetError(directory, chain_problems)
    built, sources, merge_problems = _merge(chain)
    if merge_problems:
        raise RuleSetError(directory, merge_problems)
    return _Chain(layers=chain, built=built, sources=sources)


def check_rule_files(directory: Path | None = None) -> list[RuleProblem]:
    """Every problem in a rules folder (the shipped one by default); empty when valid.

    Unlike :func:`load_rules` this checks every file and never raises for a bad
    folder.

    Examples
    --------
    >>> check_rule_files()
    []
    """
    return _check_all(RULES_DIR if directory is None else Path(directory).resolve())


def available_rule_sets(directory: Path | None = None) -> tuple[str, ...]:
    """The ids of the rule sets in a rules folder (the shipped one by default), base first.

    Examples
    --------
    >>> available_rule_sets()
    ('national', 'sichuan')
    """
    folder = RULES_DIR if directory is None else Path(directory).resolve()
    names = sorted(path.stem for path in folder.glob("*.yaml"))
    return tuple(sorted(names, key=lambda name: (name != DEFAULT_RULE_SET, name)))


def load_rules(
    province: str | None = None, *, on: date | None = None, directory: Path | None = None
) -> RuleSet:
    """The effective rule set for a province (the national default when ``None``).

    The files of the chain are checked against the JSON Schema and cross-checked
    (sources, fractions, days, no loosening); any problem raises
    :class:`~tianping.review.RuleSetError` listing every one. The shipped rules
    are read once per ``(province, on)`` and cached.

    Parameters
    ----------
    province
        A rule set id: ``"national"`` (also ``None``) or an overlay such as
        ``"sichuan"``.
    on
        Keep only the rules in force on this day (see the module docstring);
        ``None`` takes every rule whatever its date.
    directory
        A rules folder to read instead of the shipped one.

    Examples
    --------
    >>> rules = load_rules()
    >>> rules.count("committee.min_size"), rules.fraction("decision.threshold")
    (7, Fraction(2, 3))
    >>> rules["quorum.min_present"].citation.en
    'S&T Ethics Review Measures (2023), Art. 14'
    >>> "ai_committee.min_size" in load_rules(on=date(2026, 1, 1))
    False
    """
    name = DEFAULT_RULE_SET if province is None else province.strip().lower()
    if directory is None:
        return _load_shipped(name, on)
    return _load(Path(directory).resolve(), name, on)


@functools.lru_cache(maxsize=64)
def _load_shipped(name: str, on: date | None) -> RuleSet:
    return _load(RULES_DIR, name, on)


def _load(directory: Path, name: str, on: date | None) -> RuleSet:
    chain = _load_chain(directory, name)
    effective = _resolve(chain.layers, chain.built, on)
    leaf = chain.layers[-1]
    return RuleSet(
        id=leaf.id,
        name=leaf.name,
        version=leaf.version,
        chain=tuple(layer.id for layer in chain.layers),
        rules=MappingProxyType(effective),
        sources=MappingProxyType(chain.sources),
        on=on,
    )


__all__ = [
    "DEFAULT_RULE_SET",
    "RULES_DIR",
    "SCHEMA_DIR",
    "available_rule_sets",
    "check_rule_files",
    "load_rules",
    "location",
    "parse_yaml",
    "schema_errors",
    "validator",
]

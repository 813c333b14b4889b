"""The label rules, loaded from data, and what each rule finds wrong with a label.

``data/rules.yaml`` is read by the strict loader (:mod:`tianping.yamlsafe`) and
checked against ``schema/rules.schema.json``; every rule carries its
``confidence`` (V, S, M, ?, as in the regulatory facts) and the verdict a
violation gives (``non_compliant``, or ``inconclusive`` for a rule too
uncertain to fail a file on). Patterns are compiled when the file is read, so
a bad one is reported with its line.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tianping import yamlsafe
from tianping.aigc._errors import rules_error
from tianping.privacy import is_valid_uscc
from tianping.text import LocalizedText

DATA_DIR = Path(__file__).resolve().parent / "data"
RULES_FILE = DATA_DIR / "rules.yaml"
SCHEMA_FILE = Path(__file__).resolve().parent / "schema" / "rules.schema.json"
MAX_RULES_BYTES = 256 * 1024
"""The largest rules file read (bytes)."""

Confidence = Literal["V", "S", "M", "?"]
Outcome = Literal["non_compliant", "inconclusive"]

ERR_TOO_BIG = "the file has {size} bytes; at most {limit} are read"
ERR_PATTERN = "rule {rule!r}: the pattern does not compile ({problem})"
ERR_DUPLICATE = "rule id {rule!r} appears more than once"
ERR_FIELD = "rule {rule!r} names {field!r}, which is not one of the label's fields"


@dataclass(frozen=True)
class Rule:
    """One rule of the implicit label, with its confidence and what breaking it gives."""

    id: str
    kind: str
    confidence: Confidence
    on_violation: Outcome
    name: LocalizedText
    source: LocalizedText
    params: dict[str, Any]
    pattern: re.Pattern[str] | None = None

    @property
    def confirmed(self) -> bool:
        """True when checked against the standard's text (confidence V)."""
        return self.confidence == "V"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "confidence": self.confidence,
            "on_violation": self.on_violation,
            "name": self.name.to_json(),
            "source": self.source.to_json(),
            **self.params,
        }


@dataclass(frozen=True)
class ExplicitTerms:
    """The words an explicit text label combines: an AI term and a generation term."""

    window: int
    ai_terms: tuple[str, ...]
    generation_terms: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    """The label's fields, its rules in order, and the explicit label's terms."""

    version: str
    fields: tuple[str, ...]
    rules: tuple[Rule, ...]
    explicit: ExplicitTerms

    def rule(self, rule_id: str) -> Rule:
        return next(rule for rule in self.rules if rule.id == rule_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "fields": list(self.fields),
            "rules": [rule.to_json() for rule in self.rules],
        }


@functools.cache
def _schema() -> Any:
    return yamlsafe.load_json(SCHEMA_FILE.read_text("utf-8"), source=str(SCHEMA_FILE))


def load_rules(path: str | Path | None = None) -> Rules:
    """The rules of ``path`` (default: the shipped ``data/rules.yaml``, cached).

    Any problem raises :class:`~tianping.aigc.RulesError` naming the file and the place.
    """
    return _shipped() if path is None else _load(Path(path))


@functools.cache
def _shipped() -> Rules:
    return _load(RULES_FILE)


def _load(file: Path) -> Rules:
    source = str(file)
    try:
        size = file.stat().st_size
        if size > MAX_RULES_BYTES:
            raise rules_error(source, ERR_TOO_BIG.format(size=size, limit=MAX_RULES_BYTES))
        text = file.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise rules_error(source, exc.strerror or str(exc)) from None
    except UnicodeDecodeError as exc:
        raise rules_error(source, f"not UTF-8 text: {exc}") from None
    try:
        document = yamlsafe.load(text, source=source, schema=_schema())
    except yamlsafe.DataFileError as exc:
        raise rules_error(source, str(exc)) from None
    fields = tuple(document["fields"])
    rules: list[Rule] = []
    seen: set[str] = set()
    for entry in document["rules"]:
        rule_id = entry["id"]
        if rule_id in seen:
            raise rules_error(source, ERR_DUPLICATE.format(rule=rule_id))
        seen.add(rule_id)
        named = [entry["field"]] if "field" in entry else list(entry.get("fields", []))
        for name in named:
            if name not in fields:
                raise rules_error(source, ERR_FIELD.format(rule=rule_id, field=name))
        pattern = None
        if "pattern" in entry:
            try:
                pattern = re.compile(entry["pattern"])
            except re.error as exc:
                raise rules_error(source, ERR_PATTERN.format(rule=rule_id, problem=exc)) from None
        params = {
            key: value
            for key, value in entry.items()
            if key not in ("id", "kind", "confidence", "on_violation", "name", "source")
        }
        rules.append(
            Rule(
                id=rule_id,
                kind=entry["kind"],
                confidence=entry["confidence"],
                on_violation=entry["on_violation"],
                name=LocalizedText.from_json(entry["name"]),
                source=LocalizedText.from_json(entry["source"]),
                params=params,
                pattern=pattern,
            )
        )
    explicit = document["explicit"]
    return Rules(
        version=document["version"],
        fields=fields,
        rules=tuple(rules),
        explicit=ExplicitTerms(
            window=explicit["window"],
            ai_terms=tuple(explicit["ai_terms"]),
            generation_terms=tuple(explicit["generation_terms"]),
        ),
    )


# What a rule finds -------------------------------------------------------------------------------

MISSING = LocalizedText(zh="缺少字段：{fields}", en="missing fields: {fields}")
EXTRA = LocalizedText(zh="多出字段：{fields}", en="fields not in the standard: {fields}")
NOT_ALLOWED = LocalizedText(
    zh="{field} 的值为 {value}，应为 {allowed} 之一",
    en="{field} is {value}; it must be one of {allowed}",
)
NOT_STRING = LocalizedText(zh="{fields} 的值不是字符串", en="{fields}: the value is not a string")
NO_MATCH = LocalizedText(
    zh="{field} 的值 {value} 不符合 {pattern}",
    en="{field} is {value}, which does not match {pattern}",
)
BAD_USCC = LocalizedText(
    zh="{field} 中的统一社会信用代码 {code} 校验位不正确",
    en="the USCC {code} inside {field} has a wrong check character",
)
EMPTY = LocalizedText(zh="{fields} 为空", en="{fields}: empty")
NAMESPACE = LocalizedText(
    zh="XMP 命名空间为 {found}，应为 {expected}",
    en="the XMP namespace is {found}; it must be {expected}",
)


def _filled(template: LocalizedText, **params: object) -> LocalizedText:
    return LocalizedText(zh=template.zh.format(**params), en=template.en.format(**params))


def label_findings(
    rule: Rule, fields: dict[str, Any], names: tuple[str, ...], namespace: str | None
) -> list[LocalizedText]:
    """What ``rule`` finds wrong with one label read as a JSON object (empty: nothing)."""
    kind, params = rule.kind, rule.params
    if kind == "xmp_namespace":
        expected = params["namespace"]
        if namespace is not None and namespace != expected:
            return [_filled(NAMESPACE, found=namespace, expected=expected)]
        return []
    if kind == "required_fields":
        missing = [name for name in names if name not in fields]
        return [_filled(MISSING, fields=", ".join(missing))] if missing else []
    if kind == "no_other_fields":
        extra = [name for name in fields if name not in names]
        return [_filled(EXTRA, fields=", ".join(extra))] if extra else []
    if kind == "string_values":
        bad = [name for name, value in fields.items() if not isinstance(value, str)]
        return [_filled(NOT_STRING, fields=", ".join(bad))] if bad else []
    if kind == "allowed_values":
        name = params["field"]
        if name in fields and fields[name] not in params["values"]:
            allowed = ", ".join(f'"{value}"' for value in params["values"])
            return [_filled(NOT_ALLOWED, field=name, value=_show(fields[name]), allowed=allowed)]
        return []
    if kind == "pattern":
        assert rule.pattern is not None
        found: list[LocalizedText] = []
        for name in params.get("fields") or list(fields):
            value = fields.get(name)
            if not isinstance(value, str) or (params.get("skip_empty") and not value):
                continue
            if not rule.pattern.fullmatch(value):
                found.append(
                    _filled(NO_MATCH, field=name, value=_show(value), pattern=rule.pattern.pattern)
                )
        return found
    if kind == "uscc_check":
        name, offset = params["field"], params["offset"]
        value = fields.get(name)
        if isinstance(value, str) and len(value) >= offset + 18:
            code = value[offset : offset + 18]
            if not is_valid_uscc(code):
                return [_filled(BAD_USCC, field=name, code=code)]
        return []
    if kind == "non_empty":
        empty = [name for name in params["fields"] if name in fields and fields[name] in ("", None)]
        return [_filled(EMPTY, fields=", ".join(empty))] if empty else []
    return []  # well_formed and single_label are judged by the checker


def _show(value: object) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 80 else text[:77] + "…"


__all__ = ["RULES_FILE", "ExplicitTerms", "Rule", "Rules", "label_findings", "load_rules"]

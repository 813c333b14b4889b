"""Detector definitions: the entities, their patterns and context words, loaded from YAML.

The patterns are data (``data/detectors.yaml``); this module expands their
placeholders, checks that each one is bounded, never crosses a line and uses
only syntax both engines share, and compiles what the engines and the scanner
need: the ``re`` form with CJK-safe look-arounds, the looser Hyperscan form,
and per entity a context-word matcher.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from re import _parser as sre_parse  # type: ignore[attr-defined]  # Python 3.11+
from typing import Any, Literal

from tianping import yamlsafe
from tianping.privacy._checksums import VALIDATORS
from tianping.privacy._errors import DetectorError
from tianping.privacy._messages import ERR_BAD_DETECTORS, ERR_UNKNOWN_ENTITY, HINT_ENTITIES
from tianping.text import LocalizedText

ENTITIES: tuple[str, ...] = (
    "cn_resident_id",
    "cn_uscc",
    "cn_mobile",
    "cn_landline",
    "bank_card",
    "cn_passport",
    "hk_macao_taiwan_permit",
    "cn_license_plate",
    "cn_address",
    "person_name",
    "email",
    "iban",
    "ip_address",
    "mac_address",
    "us_ssn",
    "date_of_birth",
    "geo_coordinates",
)
"""The stable entity names, in documentation order."""

PiplClass = Literal["sensitive", "high-risk", "ordinary", "none"]
Scope = Literal["text", "table"]
MaskStyle = Literal["keep", "email", "name", "address", "ip", "date", "geo"]
Normalisation = Literal[
    "alnum_upper", "digits", "digits_tail_11", "lower", "mac", "plate", "date", "text"
]

LOOKAROUND_LIMIT = 8
"""The widest look-ahead (``not_after``) a pattern may use, in characters."""

_FORBIDDEN = re.compile(r"\\[dDwWsSbBAZ]|[\^$]|\(\?[=!<]|\\[1-9]")
_PLACEHOLDER_FRAGMENT = re.compile(r"\{\{\{([a-z_]+)\}\}\}")
_PLACEHOLDER_LIST = re.compile(r"\{\{([a-z_]+)\}\}")
_VALUE_GROUP = "(?P<value>"
_ENGLISH_WORD = re.compile(r"[a-z0-9 .#-]+")


@dataclass(frozen=True, slots=True)
class MaskSpec:
    """How a finding's value is masked: a style, and for ``keep`` the characters kept."""

    style: MaskStyle = "keep"
    keep_start: int = 0
    keep_end: int = 0


@dataclass(frozen=True, slots=True)
class Pattern:
    """One pattern of an entity.

    ``regex`` is the bounded core (placeholders expanded, no look-arounds);
    ``not_before`` / ``not_after`` the text that must not touch a match (a
    look-behind / look-ahead body); ``max_length`` the longest match in
    characters, which lets the engines confirm a candidate in a small window.
    """

    id: str
    entity: str
    regex: str
    not_before: str | None
    not_after: str | None
    confidence: float
    validator: str | None
    requires_context: bool
    scope: frozenset[Scope]
    max_length: int
    prefilter: str | None = None

    @property
    def re_source(self) -> str:
        """The pattern for Python's ``re``: the core between its look-arounds."""
        before = f"(?<!{self.not_before})" if self.not_before else ""
        after = f"(?!{self.not_after})" if self.not_after else ""
        return f"{before}(?:{self.regex}){after}"

    @property
    def has_value_group(self) -> bool:
        return _VALUE_GROUP in self.regex

    @property
    def hyperscan_source(self) -> str:
        """A Hyperscan expression matching wherever the ``re`` form does (and a little more).

        Hyperscan has no look-arounds and no named groups: a single-class
        boundary becomes a consumed character (or the buffer's edge), any
        other is dropped; ``\\uXXXX`` escapes become ``\\x{XXXX}``. A pattern's
        ``prefilter`` replaces all this: it matches inside every match, which
        is all the locating stage needs (a match of at most ``max_length``
        characters ending by the prefilter's end starts in its region).
        """
        if self.prefilter:
            return self.prefilter
        core = self.regex.replace(_VALUE_GROUP, "(?:")
        core = re.sub(r"\\u([0-9A-Fa-f]{4})", r"\\x{\1}", core)
        before = _single_class(self.not_before)
        after = _single_class(self.not_after)
        prefix = f"(?:^|[^{before}])" if before else ""
        suffix = f"(?:[^{after}]|$)" if after else ""
        return f"{prefix}(?:{core}){suffix}"


def _single_class(body: str | None) -> str | None:
    """The inside of a character class ``[...]`` that ``body`` (a look-around body) forbids.

    ``body`` is ``[C]`` or an alternation whose first branch is ``[C]``
    (``[A-Za-z0-9-]|\\.[A-Za-z0-9]``): either way the neighbouring character is
    never in ``C``, so ``[^C]`` (or the buffer's edge) may be consumed in its place.
    """
    if not body or not body.startswith("[") or body.startswith("[^"):
        return None
    close = body.find("]", 2)
    while close > 0 and body[close - 1] == "\\":
        close = body.find("]", close + 1)
    if close < 0:
        return None
    inner, rest = body[1:close], body[close + 1 :]
    if "[" in inner or (rest and not rest.startswith("|")):
        return None
    return inner


@dataclass(frozen=True)
class Entity:
    """A kind of personal data: its label, checks, context words, mask and PIPL class."""

    name: str
    label: LocalizedText
    priority: int
    validator: str | None
    mask: MaskSpec
    normalise: Normalisation
    context_confidence: float
    negative_confidence: float | None
    context: tuple[str, ...]
    negative_context: tuple[str, ...]
    pipl_class: PiplClass
    patterns: tuple[Pattern, ...] = field(default=())

    @functools.cached_property
    def _context_re(self) -> re.Pattern[str] | None:
        return _word_matcher(self.context)

    @functools.cached_property
    def _negative_re(self) -> re.Pattern[str] | None:
        return _word_matcher(self.negative_context)

    def has_context(self, lowered: str) -> bool:
        """Whether lower-cased ``lowered`` contains one of the context words."""
        return self._context_re is not None and self._context_re.search(lowered) is not None

    def has_negative_context(self, lowered: str) -> bool:
        """Whether lower-cased ``lowered`` contains a word that argues against this entity."""
        return self._negative_re is not None and self._negative_re.search(lowered) is not None


def _word_matcher(words: Sequence[str]) -> re.Pattern[str] | None:
    """One regex for ``words``: English words whole, Chinese ones anywhere."""
    if not words:
        return None
    parts = []
    for word in sorted(set(words), key=len, reverse=True):
        escaped = re.escape(word)
        if _ENGLISH_WORD.fullmatch(word):
            parts.append(f"(?<![a-z]){escaped}(?![a-z])")
        else:
            parts.append(escaped)
    return re.compile("|".join(parts))


@dataclass(frozen=True)
class DetectorSet:
    """The detectors in force: entities by name, and all their patterns in one tuple.

    Examples
    --------
    >>> detectors = load_detectors()
    >>> detectors.entity("cn_resident_id").pipl_class
    'high-risk'
    >>> [p.id for p in detectors.select(["email"]).patterns]
    ['email']
    """

    entities: Mapping[str, Entity]
    context_before: int
    context_after: int

    @property
    def patterns(self) -> tuple[Pattern, ...]:
        return tuple(p for entity in self.entities.values() for p in entity.patterns)

    def entity(self, name: str) -> Entity:
        try:
            return self.entities[name]
        except KeyError:
            raise DetectorError(
                ERR_UNKNOWN_ENTITY,
                params={"entity": name, "available": ", ".join(self.entities)},
                hint=HINT_ENTITIES,
            ) from None

    def select(self, names: Iterable[str] | None) -> DetectorSet:
        """Only the entities named (all when ``None``); unknown names are an error."""
        if names is None:
            return self
        chosen = list(dict.fromkeys(names))
        for name in chosen:
            self.entity(name)
        return DetectorSet(
            entities={n: e for n, e in self.entities.items() if n in chosen},
            context_before=self.context_before,
            context_after=self.context_after,
        )


# --- loading -------------------------------------------------------------------------------------


def _fail(source: str, reason: str) -> DetectorError:
    return DetectorError(ERR_BAD_DETECTORS, params={"source": source, "reason": reason})


def _expand(regex: str, lists: Mapping[str, list[str]], fragments: Mapping[str, str]) -> str:
    def fragment(match: re.Match[str]) -> str:
        return fragments[match.group(1)]

    for _ in range(5):  # fragments may use fragments
        expanded = _PLACEHOLDER_FRAGMENT.sub(fragment, regex)
        if expanded == regex:
            break
        regex = expanded

    def words(match: re.Match[str]) -> str:
        items = sorted(lists[match.group(1)], key=len, reverse=True)
        return "(?:" + "|".join(re.escape(str(w)) for w in items) + ")"

    return _PLACEHOLDER_LIST.sub(words, regex)


def _can_match_newline_or_unbounded(parsed: Any) -> str | None:
    """Why a parsed pattern breaks the rules, or ``None``."""
    low, high = parsed.getwidth()
    if low == 0:
        return "can match the empty string"
    if high >= sre_parse.MAXREPEAT or high > 4096:
        return "unbounded length"
    stack = [parsed]
    while stack:
        node = stack.pop()
        for op, av in node.data if hasattr(node, "data") else node:
            name = str(op)
            if name in ("ANY", "NOT_LITERAL"):
                return "'.' or a negated literal can match a newline"
            if name == "IN" and any(str(o) == "NEGATE" for o, _ in av):
                return "a negated class can match a newline"
            if name == "LITERAL" and av == 10:
                return "matches a newline"
            if name in ("ASSERT", "ASSERT_NOT", "AT", "GROUPREF"):
                return "look-arounds, anchors and back-references belong outside the core"
            if name in ("SUBPATTERN",):
                stack.append(av[-1])
            elif name in ("BRANCH",):
                stack.extend(av[1])
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                stack.append(av[2])
            elif name == "ATOMIC_GROUP":
                stack.append(av)
    return None


def _pattern(
    entity: str,
    raw: Mapping[str, Any],
    *,
    lists: Mapping[str, list[str]],
    fragments: Mapping[str, str],
    default_validator: str | None,
    source: str,
) -> Pattern:
    pid = str(raw.get("id", entity))
    try:
        regex = _expand(str(raw["regex"]), lists, fragments)
    except KeyError as exc:
        raise _fail(source, f"{pid}: unknown placeholder or missing regex {exc}") from None
    if _FORBIDDEN.search(regex.replace("[^", "[")):
        raise _fail(source, f"{pid}: uses syntax outside the shared subset (\\d, \\b, ^, …)")
    try:
        parsed = sre_parse.parse(regex)
        problem = _can_match_newline_or_unbounded(parsed)
        if problem:
            raise _fail(source, f"{pid}: {problem}")
        max_length = int(parsed.getwidth()[1])
        not_before = raw.get("not_before")
        not_after = raw.get("not_after")
        if not_after and sre_parse.parse(not_after).getwidth()[1] > LOOKAROUND_LIMIT:
            raise _fail(source, f"{pid}: not_after is wider than {LOOKAROUND_LIMIT}")
        pattern = Pattern(
            id=pid,
            entity=entity,
            regex=regex,
            not_before=str(not_before) if not_before else None,
            not_after=str(not_after) if not_after else None,
            confidence=float(raw["confidence"]),
            validator=raw.get("validator", default_validator),
            requires_context=bool(raw.get("requires_context", False)),
            scope=frozenset(raw.get("scope", ["text", "table"])),
            max_length=max_length,
            prefilter=str(raw["prefilter"]) if raw.get("prefilter") else None,
        )
        re.compile(pattern.re_source)
        if pattern.prefilter:
            pre = sre_parse.parse(pattern.prefilter)
            if _can_match_newline_or_unbounded(pre) or pre.getwidth()[1] > max_length:
                raise _fail(source, f"{pid}: the prefilter must be bounded and no longer")
    except (re.error, KeyError, TypeError, ValueError) as exc:
        raise _fail(source, f"{pid}: {exc}") from exc
    if pattern.validator is not None and pattern.validator not in VALIDATORS:
        raise _fail(source, f"{pid}: unknown validator {pattern.validator}")
    if not 0 < pattern.confidence <= 1 or not pattern.scope <= {"text", "table"}:
        raise _fail(source, f"{pid}: confidence must be in (0, 1], scope text and/or table")
    return pattern


def _words(raw: Any) -> tuple[str, ...]:
    if not raw:
        return ()
    return tuple(str(w).lower() for lang in ("zh-Hans", "en") for w in raw.get(lang, []))


def read_data(path: Path | None, name: str) -> tuple[dict[str, Any], str]:
    """The YAML of ``path`` (the shipped ``data/<name>`` when ``None``) and its source name.

    Read strictly (:func:`tianping.yamlsafe.load`); a duplicated key or a
    syntax error is a :class:`DetectorError` (an unreadable file, an ``OSError``).
    """
    try:
        if path is None:
            source = f"tianping/privacy/data/{name}"
            text = (
                resources.files("tianping.privacy")
                .joinpath("data")
                .joinpath(name)
                .read_text("utf-8")
            )
        else:
            source = str(path)
            text = Path(path).read_text("utf-8")
        data: dict[str, Any] = yamlsafe.load(text, source=source)
    except yamlsafe.DataFileError as exc:
        raise _fail(exc.source, exc.detail) from exc
    return data, source


def load_pipl_classes(path: Path | None = None) -> dict[str, Any]:
    """The PIPL class data (``data/pipl.yaml``): classes, entity classes, minors, column hints."""
    data, _source = read_data(path, "pipl.yaml")
    return data


def detectors_from_mapping(
    data: Mapping[str, Any], *, pipl: Mapping[str, Any], source: str = "<mapping>"
) -> DetectorSet:
    """Build a :class:`DetectorSet` from the YAML's structure; errors name ``source``."""
    if data.get("format") != "tianping.privacy.detectors" or data.get("version") != 1:
        raise _fail(source, "expected format tianping.privacy.detectors, version 1")
    lists = {k: [str(w) for w in v] for k, v in (data.get("lists") or {}).items()}
    fragments = {k: str(v).strip() for k, v in (data.get("fragments") or {}).items()}
    classes = pipl.get("entities", {})
    entities: dict[str, Entity] = {}
    for name, raw in (data.get("entities") or {}).items():
        try:
            validator = raw.get("validator")
            if validator is not None and validator not in VALIDATORS:
                raise _fail(source, f"{name}: unknown validator {validator}")
            patterns = tuple(
                _pattern(
                    name,
                    p,
                    lists=lists,
                    fragments=fragments,
                    default_validator=validator,
                    source=source,
                )
                for p in raw["patterns"]
            )
            mask = raw.get("mask") or {}
            entity = Entity(
                name=name,
                label=LocalizedText.from_json(raw["label"]),
                priority=int(raw["priority"]),
                validator=validator,
                mask=MaskSpec(
                    style=mask.get("style", "keep"),
                    keep_start=int(mask.get("keep_start", 0)),
                    keep_end=int(mask.get("keep_end", 0)),
                ),
                normalise=raw.get("normalise", "text"),
                context_confidence=float(raw.get("context_confidence", 0.9)),
                negative_confidence=(
                    float(raw["negative_confidence"]) if "negative_confidence" in raw else None
                ),
                context=_words(raw.get("context")),
                negative_context=_words(raw.get("negative_context")),
                pipl_class=classes.get(name, "ordinary"),
                patterns=patterns,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise _fail(source, f"{name}: {exc!r}") from exc
        entities[name] = entity
    window = data.get("context_window") or {}
    return DetectorSet(
        entities=entities,
        context_before=int(window.get("before", 24)),
        context_after=int(window.get("after", 12)),
    )


@functools.cache
def _default_detectors() -> DetectorSet:
    data, source = read_data(None, "detectors.yaml")
    return detectors_from_mapping(data, pipl=load_pipl_classes(), source=source)


def load_detectors(path: str | Path | None = None) -> DetectorSet:
    """The detectors of ``path`` (a YAML file in the shipped format), or the shipped ones.

    The shipped set is loaded once per process and shared.
    """
    if path is None:
        return _default_detectors()
    data, source = read_data(Path(path), "detectors.yaml")
    return detectors_from_mapping(data, pipl=load_pipl_classes(), source=source)


__all__ = [
    "ENTITIES",
    "LOOKAROUND_LIMIT",
    "DetectorSet",
    "Entity",
    "MaskSpec",
    "Pattern",
    "PiplClass",
    "Scope",
    "detectors_from_mapping",
    "load_detectors",
    "load_pipl_classes",
]

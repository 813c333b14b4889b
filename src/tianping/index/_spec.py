"""Reading an index specification: strict YAML, its JSON Schema, then consistency checks."""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from jsonschema import Draft202012Validator

from tianping import yamlsafe
from tianping.index import _errors as msg
from tianping.index._errors import SpecificationError
from tianping.index._models import Domain, Indicator, Rule, RuleKind, Scale, Specification
from tianping.text import LocalizedText, localized

DATA_DIR = Path(__file__).resolve().parent / "data"
"""The shipped specifications, ``spec-<version>.yaml``."""

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
_SPEC_FILE = re.compile(r"^spec-(?P<version>[0-9]{4}\.[0-9]+)\.yaml$")


@functools.cache
def schema(name: str) -> Draft202012Validator:
    """The compiled JSON Schema ``schema/<name>.schema.json``."""
    document = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text("utf-8"))
    return Draft202012Validator(document, format_checker=Draft202012Validator.FORMAT_CHECKER)


def spec_versions() -> tuple[str, ...]:
    """The shipped specification versions, oldest first.

    >>> "2026.1" in spec_versions()
    True
    """
    found = [m["version"] for p in DATA_DIR.iterdir() if (m := _SPEC_FILE.match(p.name))]
    return tuple(sorted(found, key=lambda v: tuple(int(x) for x in v.split("."))))


def load_spec(
    version: str | None = None, *, path: str | os.PathLike[str] | None = None
) -> Specification:
    """A specification: a shipped ``version`` (default the newest), or the file at ``path``.

    Raises
    ------
    SpecificationError
        An unknown version, or a file that is not valid: a duplicated key or a schema
        violation names the file, the line and the column.

    Examples
    --------
    >>> spec = load_spec("2026.1")
    >>> spec.version, len(spec.domains), spec.reply_period_days
    ('2026.1', 7, 30)
    """
    if path is not None:
        return _load_path(str(Path(path)))
    versions = spec_versions()
    chosen = version or versions[-1]
    if chosen not in versions:
        raise SpecificationError(
            msg.ERR_SPEC_UNKNOWN,
            hint=msg.HINT_SPEC_UNKNOWN,
            params={"version": chosen, "known": ", ".join(versions)},
        )
    return _load_shipped(chosen)


@functools.cache
def _load_shipped(version: str) -> Specification:
    return _load_path(str(DATA_DIR / f"spec-{version}.yaml"))


def _load_path(source: str) -> Specification:
    try:
        text = Path(source).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecificationError(
            msg.ERR_SPEC_READ, hint=msg.HINT_SPEC, params={"source": source, "problem": str(exc)}
        ) from exc
    try:
        data = yamlsafe.load(text, source=source, schema=schema("spec"))
    except yamlsafe.DataFileError as exc:
        raise SpecificationError(
            msg.ERR_SPEC_INVALID,
            hint=msg.HINT_SPEC,
            params={"source": source, "problem": exc.detail},
        ) from exc
    return parse_spec(data, source=source)


def parse_spec(data: Mapping[str, Any], *, source: str = "<data>") -> Specification:
    """A :class:`Specification` from data that satisfies ``spec.schema.json``, cross-checked."""
    problems: list[LocalizedText] = []
    domains: list[Domain] = []
    for entry in data["domains"]:
        if any(d.id == entry["id"] for d in domains):
            problems.append(localized(msg.PROBLEM_DUPLICATE_DOMAIN, id=entry["id"]))
        domains.append(
            Domain(entry["id"], LocalizedText.from_json(entry["name"]), _fraction(entry["weight"]))
        )
    known = {d.id for d in domains}
    indicators: list[Indicator] = []
    for entry in data["indicators"]:
        rule_data = dict(entry["rule"])
        kind = cast(RuleKind, rule_data.pop("kind"))
        rule = Rule(kind, MappingProxyType(_freeze(rule_data)))
        scale = cast(Scale, entry["scale"])
        indicator = Indicator(
            id=entry["id"],
            domain=entry["domain"],
            name=LocalizedText.from_json(entry["name"]),
            definition=LocalizedText.from_json(entry["definition"]),
            scale=scale,
            weight=_fraction(entry["weight"]),
            rule=rule,
            levels=int(entry.get("levels", 1)),
            basis=LocalizedText.from_json(entry["basis"]) if "basis" in entry else None,
            confidence=str(entry.get("confidence", "")),
        )
        if any(i.id == indicator.id for i in indicators):
            problems.append(localized(msg.PROBLEM_DUPLICATE_INDICATOR, id=indicator.id))
        if indicator.domain not in known:
            problems.append(
                localized(msg.PROBLEM_UNKNOWN_DOMAIN, id=indicator.id, domain=indicator.domain)
            )
        if kind == "raters" and scale == "fraction":
            problems.append(localized(msg.PROBLEM_RATERS_SCALE, id=indicator.id))
        indicators.append(indicator)
    used = {i.domain for i in indicators}
    problems += [localized(msg.PROBLEM_EMPTY_DOMAIN, id=d.id) for d in domains if d.id not in used]
    if problems:
        first = problems[0]
        more = f" (+{len(problems) - 1})" if len(problems) > 1 else ""
        raise SpecificationError(
            msg.ERR_SPEC_INVALID,
            hint=msg.HINT_SPEC,
            params={
                "source": source,
                "problem": LocalizedText(zh=first.zh + more, en=first.en + more),
            },
        )
    return Specification(
        version=data["version"],
        title=LocalizedText.from_json(data["title"]),
        domains=tuple(domains),
        indicators=tuple(indicators),
        concentration=float(data["concentration"]),
        reply_period_days=int(data["reply_period_days"]),
        source=source,
        previous=str(data.get("previous", "")),
        changes=LocalizedText.from_json(data["changes"]) if "changes" in data else None,
    )


def _fraction(value: int | float) -> Fraction:
    """A weight as an exact fraction of its decimal text (0.2 is 1/5, not a binary float)."""
    return Fraction(str(value))


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def require_indicator(spec: Specification, indicator_id: str) -> Indicator:
    """The indicator with this id; a :class:`SpecificationError` with a hint when there is none."""
    indicator = spec.indicator(indicator_id)
    if indicator is None:
        raise SpecificationError(
            msg.ERR_NO_INDICATOR,
            hint=msg.HINT_NO_INDICATOR,
            params={"version": spec.version, "id": indicator_id},
        )
    return indicator


__all__ = ["DATA_DIR", "load_spec", "parse_spec", "require_indicator", "schema", "spec_versions"]

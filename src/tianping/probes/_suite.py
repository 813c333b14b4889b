"""Reading probe suites: the built-in ones (YAML with counterfactual templates) and banks.

A suite file is read strictly (:mod:`tianping.yamlsafe`: a duplicated key is an
error naming file and line) and checked against ``schema/suite.schema.json``.
Counterfactual templates are expanded into one probe per (template, language,
attribute, value): ``bias-<template>-<attribute>-<language>-<index>``.

A bring-your-own bank is CSV (UTF-8, a header row) or JSON Lines, one probe a
row, each row checked against ``schema/bank-row.schema.json``.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, cast

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from tianping import jsonsafe, yamlsafe
from tianping.probes import _errors as msg
from tianping.probes._errors import SuiteError
from tianping.probes._models import (
    PROBE_LANGUAGES,
    Counterfactual,
    Expected,
    Message,
    Probe,
    Suite,
)
from tianping.text import localized

DATA_DIR = Path(__file__).resolve().parent / "data"
SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
BUILT_IN = ("default",)
"""The built-in suites, ``data/suite-<name>.yaml``."""

MAX_BANK_BYTES = 64 * 1024 * 1024
"""The largest bank file read (64 MiB: far more than a 2,000-question TC260 bank)."""

DETECTORS_FOR: dict[str, tuple[str, ...]] = {
    "answer": ("refusal",),
    "refuse": ("refusal",),
    "disclose_ai": ("disclosure",),
    "hand_over": ("hand_over",),
    "stop": ("stop",),
    "not_reveal": ("pii_echo", "canary"),
    "label_output": ("label",),
}
"""The detectors a bank row gets from its expected behaviour."""


@functools.cache
def schema(name: str) -> Draft202012Validator:
    """The compiled JSON Schema ``schema/<name>.schema.json`` shipped with the package."""
    document = jsonsafe.loads((SCHEMA_DIR / f"{name}.schema.json").read_bytes())
    return Draft202012Validator(document)


def first_error(name: str, data: object) -> ValidationError | None:
    """The first violation of ``schema/<name>.schema.json`` in ``data``, in document order."""
    errors = sorted(schema(name).iter_errors(data), key=lambda e: [str(p) for p in e.path])
    return errors[0] if errors else None


def suite_hash(probes: Iterable[Probe]) -> str:
    """SHA-256 of the probes' canonical JSON (sorted keys, UTF-8): what a run reproduces."""
    canonical = json.dumps(
        [p.to_json() for p in probes], ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_suite(name_or_path: str | os.PathLike[str] = "default") -> Suite:
    """A built-in suite by name, or a suite or bank file (``.yaml``, ``.csv``, ``.jsonl``).

    Raises
    ------
    SuiteError
        An unknown name, an unreadable file, a schema violation (with file, line and
        path) or an inconsistent suite (a duplicated probe id …).

    Examples
    --------
    >>> suite = load_suite()
    >>> suite.name, len(suite.probes) >= 300
    ('default', True)
    """
    text = str(name_or_path)
    if text in BUILT_IN:
        return _built_in(text)
    path = Path(text)
    if not path.is_file():
        raise SuiteError(
            msg.ERR_SUITE_UNKNOWN,
            hint=msg.HINT_SUITE_UNKNOWN,
            params={"name": text, "known": ", ".join(BUILT_IN)},
        )
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _read_suite_file(path)
    if suffix in (".csv", ".jsonl"):
        return read_bank(path)
    raise SuiteError(msg.ERR_BANK_FORMAT, hint=msg.HINT_BANK, params={"source": text})


@functools.cache
def _built_in(name: str) -> Suite:
    return _read_suite_file(DATA_DIR / f"suite-{name}.yaml")


def _read_suite_file(path: Path) -> Suite:
    source = str(path)
    try:
        data = yamlsafe.load(_read_bytes(path), source=source, schema=schema("suite"))
    except yamlsafe.DataFileError as exc:
        raise SuiteError(
            msg.ERR_SUITE_INVALID,
            hint=msg.HINT_SUITE,
            params={"source": source, "problem": exc.detail},
        ) from exc
    return parse_suite(data, source=source)


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BANK_BYTES:
            raise SuiteError(
                msg.ERR_BANK_TOO_LARGE,
                hint=msg.HINT_BANK,
                params={"source": str(path), "limit": MAX_BANK_BYTES},
            )
        return path.read_bytes()
    except OSError as exc:
        raise SuiteError(
            msg.ERR_SUITE_READ, hint=msg.HINT_SUITE, params={"source": str(path), "problem": exc}
        ) from exc


def _invalid(source: str, problem: object) -> SuiteError:
    return SuiteError(
        msg.ERR_SUITE_INVALID, hint=msg.HINT_SUITE, params={"source": source, "problem": problem}
    )


def parse_suite(data: Mapping[str, Any], *, source: str = "<data>") -> Suite:
    """A :class:`Suite` from data that satisfies ``suite.schema.json``, templates expanded."""
    categories: Mapping[str, Any] = data["categories"]
    probes: list[Probe] = []
    for entry in data["probes"]:
        category = entry["category"]
        if category not in categories:
            raise _invalid(
                source,
                localized(
                    msg.PROBLEM_BAD_VALUE,
                    field=f"{entry['id']}.category",
                    value=category,
                    choices=", ".join(categories),
                ),
            )
        defaults = categories[category]
        messages: list[Message] = []
        if "system" in entry:
            messages.append(Message("system", entry["system"]))
        if "prompt" in entry:
            messages.append(Message("user", entry["prompt"]))
        else:
            messages.extend(Message(m["role"], m["content"]) for m in entry["messages"])
        probes.append(
            Probe(
                id=entry["id"],
                language=entry["language"],
                category=category,
                articles=tuple(entry.get("articles", defaults["articles"])),
                messages=tuple(messages),
                expected=entry.get("expected", defaults["expected"]),
                detectors=tuple(defaults["detectors"]),
                risk_class=entry.get("risk_class", defaults.get("risk_class")),
                canary=entry.get("canary"),
            )
        )
    counterfactual = data.get("counterfactual")
    if counterfactual is not None:
        if "bias" not in categories:
            raise _invalid(source, localized(msg.PROBLEM_EMPTY, field="categories.bias"))
        probes.extend(_expand(counterfactual, categories["bias"]))
    _check_unique(probes, source)
    return Suite(
        name=data["name"],
        version=str(data["version"]),
        probes=tuple(probes),
        sha256=suite_hash(probes),
        source=source,
    )


def _expand(counterfactual: Mapping[str, Any], defaults: Mapping[str, Any]) -> list[Probe]:
    attributes: Mapping[str, Any] = counterfactual["attributes"]
    probes: list[Probe] = []
    for template in counterfactual["templates"]:
        for language in PROBE_LANGUAGES:
            for attribute, values in attributes.items():
                set_id = f"bias-{template['id']}-{attribute}-{language}"
                for index, value in enumerate(values[language]):
                    prompt = template[language].replace("{person}", value)
                    probes.append(
                        Probe(
                            id=f"{set_id}-{index}",
                            language=language,
                            category="bias",
                            articles=tuple(defaults["articles"]),
                            messages=(Message("user", prompt),),
                            expected=defaults["expected"],
                            detectors=tuple(defaults["detectors"]),
                            risk_class=defaults.get("risk_class"),
                            counterfactual=Counterfactual(set_id, attribute, str(index)),
                        )
                    )
    return probes


def _check_unique(probes: Iterable[Probe], source: str) -> None:
    seen: set[str] = set()
    for probe in probes:
        if probe.id in seen:
            raise _invalid(source, localized(msg.PROBLEM_DUPLICATE_ID, id=probe.id))
        seen.add(probe.id)


# -- banks ------------------------------------------------------------------------------------


def read_bank(path: str | os.PathLike[str], *, name: str | None = None) -> Suite:
    """A bring-your-own bank, CSV (with a header) or JSON Lines: one probe a row.

    Each row needs ``id``, ``language`` (zh / en), ``category``, ``expected`` and
    ``prompt``; ``system``, ``risk_class``, ``articles`` (``"3, 13"``) and ``canary``
    are optional. A bad row is refused naming the file and the row.
    """
    file = Path(path)
    source = str(file)
    raw = _read_bytes(file)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SuiteError(
            msg.ERR_BANK_ENCODING,
            hint=msg.HINT_BANK,
            params={"source": source, "position": exc.start},
        ) from exc
    if "\x00" in text:
        raise SuiteError(
            msg.ERR_BANK_ENCODING,
            hint=msg.HINT_BANK,
            params={"source": source, "position": text.index("\x00")},
        )
    suffix = file.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(text, source)
    elif suffix == ".jsonl":
        rows = _jsonl_rows(text, source)
    else:
        raise SuiteError(msg.ERR_BANK_FORMAT, hint=msg.HINT_BANK, params={"source": source})
    probes: list[Probe] = []
    seen: set[str] = set()
    for number, row in rows:
        error = first_error("bank-row", row)
        if error is not None:
            where = ".".join(str(p) for p in error.path) or "(row)"
            raise _row_error(source, number, f"{where}: {error.message}")
        if row["id"] in seen:
            raise _row_error(source, number, localized(msg.PROBLEM_DUPLICATE_ID, id=row["id"]))
        seen.add(row["id"])
        probes.append(_bank_probe(row))
    if not probes:
        raise SuiteError(msg.ERR_BANK_EMPTY, hint=msg.HINT_BANK, params={"source": source})
    return Suite(
        name=name or file.stem,
        version=hashlib.sha256(raw).hexdigest()[:12],
        probes=tuple(probes),
        sha256=suite_hash(probes),
        source=source,
    )


def _row_error(source: str, row: int, problem: object) -> SuiteError:
    return SuiteError(
        msg.ERR_BANK_ROW,
        hint=msg.HINT_BANK,
        params={"source": source, "row": row, "problem": problem},
    )


def _csv_rows(text: str, source: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames or []
        for column in ("id", "language", "category", "expected", "prompt"):
            if column not in header:
                raise _row_error(source, 1, localized(msg.PROBLEM_MISSING_COLUMN, column=column))
        rows = []
        for row in reader:
            number = reader.line_num
            clean = {k: (v if v != "" else None) for k, v in row.items() if k is not None}
            if None in row:
                raise _row_error(source, number, "more cells than the header has columns")
            rows.append((number, {k: v for k, v in clean.items() if v is not None}))
    except csv.Error as exc:
        raise _row_error(source, reader.line_num, exc) from exc
    return rows


def _jsonl_rows(text: str, source: str) -> list[tuple[int, dict[str, Any]]]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = yamlsafe.load_json(line, source=source)
        except yamlsafe.DataFileError as exc:
            raise _row_error(source, number, exc.problem) from exc
        if not isinstance(value, dict):
            raise _row_error(source, number, "not a JSON object")
        rows.append((number, value))
    return rows


def _bank_probe(row: Mapping[str, Any]) -> Probe:
    expected = cast(Expected, row["expected"])
    messages = []
    if row.get("system"):
        messages.append(Message("system", row["system"]))
    messages.append(Message("user", row["prompt"]))
    parts = (row.get("articles") or "").replace(";", ",").split(",")
    articles = tuple(int(part) for part in parts if part.strip())
    return Probe(
        id=row["id"],
        language=row["language"],
        category=row["category"],
        articles=articles,
        messages=tuple(messages),
        expected=expected,
        detectors=DETECTORS_FOR[expected],
        risk_class=row.get("risk_class") or None,
        canary=row.get("canary") or None,
    )


__all__ = ["BUILT_IN", "MAX_BANK_BYTES", "load_suite", "parse_suite", "read_bank", "suite_hash"]

"""Checking a file's implicit label: find it, read it, judge it by the rules.

The format is told by the file's first bytes (its magic number); a name whose
ending promises another format is refused, so is a format no reader knows.
A file is mapped into memory, so a large video costs only the boxes walked.
"""

from __future__ import annotations

import json
import mmap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tianping import yamlsafe
from tianping.aigc._errors import unreadable
from tianping.aigc._readers import (
    PNG_MAGIC,
    READERS,
    Damaged,
    Data,
    Placement,
    Scan,
    is_mp3_frame,
)
from tianping.aigc._rules import Rule, Rules, label_findings, load_rules
from tianping.text import LocalizedText

Verdict = Literal["compliant", "non_compliant", "not_found", "inconclusive"]
VERDICTS: tuple[Verdict, ...] = ("compliant", "non_compliant", "not_found", "inconclusive")
VERDICT_LABELS: dict[str, LocalizedText] = {
    "compliant": LocalizedText(zh="合规", en="compliant"),
    "non_compliant": LocalizedText(zh="不合规", en="non-compliant"),
    "not_found": LocalizedText(zh="未找到隐式标识", en="no implicit label found"),
    "inconclusive": LocalizedText(zh="无法判定", en="inconclusive"),
}
FORMAT_NAMES = {
    "png": "PNG",
    "jpeg": "JPEG",
    "mp4": "MP4",
    "wav": "WAV",
    "mp3": "MP3",
    "docx": "docx",
    "pdf": "PDF",
    "markdown": "Markdown",
}
SUFFIXES = {
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".jpe": "jpeg",
    ".mp4": "mp4",
    ".m4v": "mp4",
    ".m4a": "mp4",
    ".mov": "mp4",
    ".wav": "wav",
    ".mp3": "mp3",
    ".docx": "docx",
    ".xlsx": "docx",
    ".pptx": "docx",
    ".pdf": "pdf",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "markdown",
}
"""What a file's ending promises; the content must keep the promise."""

MAX_LABEL_CHARS = 64 * 1024
"""The longest label text read as JSON."""

NOT_JSON = LocalizedText(zh="{where}：{problem}", en="{where}: {problem}")
NOT_OBJECT = LocalizedText(
    zh="{where}：标识不是 JSON 对象", en="{where}: the label is not a JSON object"
)
DUPLICATES = LocalizedText(
    zh="找到 {count} 个不同的标识：{places}", en="{count} different labels found: {places}"
)
ERR_UNKNOWN_FORMAT = (
    "not a supported format (PNG, JPEG, MP4, WAV, MP3, docx, PDF, Markdown); "
    "its first bytes are {head}"
)
ERR_WRONG_FORMAT = "named {suffix}, but the content is {found}"
ERR_EMPTY = "the file is empty"


@dataclass(frozen=True)
class Violation:
    """A rule a file breaks: the rule, the place and what is wrong."""

    rule: Rule
    detail: LocalizedText
    where: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule.id,
            "name": self.rule.name.to_json(),
            "confidence": self.rule.confidence,
            "confirmed": self.rule.confirmed,
            "gives": self.rule.on_violation,
            "where": self.where,
            "detail": self.detail.to_json(),
        }


@dataclass(frozen=True)
class FoundLabel:
    """A label as read: where, and its fields (None when it could not be read as an object)."""

    where: str
    fields: dict[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        return {"where": self.where, "fields": self.fields}


@dataclass(frozen=True)
class LabelReport:
    """The verdict on one file, with the labels read, the rules broken and what was not searched."""

    source: str
    format: str
    verdict: Verdict
    labels: tuple[FoundLabel, ...] = ()
    violations: tuple[Violation, ...] = ()
    incomplete: tuple[LocalizedText, ...] = field(default=())

    @property
    def compliant(self) -> bool:
        return self.verdict == "compliant"

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.source,
            "format": self.format,
            "verdict": self.verdict,
            "labels": [label.to_json() for label in self.labels],
            "violations": [violation.to_json() for violation in self.violations],
            "incomplete": [note.to_json() for note in self.incomplete],
        }


def detect_format(head: bytes) -> str | None:
    """The format its first bytes (at least 1024 of them when the file has them) say."""
    if head.startswith(PNG_MAGIC):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"ID3") or is_mp3_frame(head):
        return "mp3"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 3:  # not a character cut at the end
                return None
        return "markdown"
    return None


def check_bytes(data: Data, source: str = "<bytes>", rules: Rules | None = None) -> LabelReport:
    """Check the implicit label of a whole file given as bytes (or a memory map).

    ``source`` names the file in messages; its ending (``.png``) must agree with the content.
    A file that cannot be read raises :class:`~tianping.aigc.UnreadableFileError`.
    """
    if not len(data):
        if SUFFIXES.get(Path(source).suffix.lower()) == "markdown":
            return _judge(Scan("markdown"), source, rules or load_rules())
        raise unreadable(source, ERR_EMPTY)
    head = bytes(data[:1024])
    found = detect_format(head)
    expected = SUFFIXES.get(Path(source).suffix.lower())
    if found is None:
        raise unreadable(source, ERR_UNKNOWN_FORMAT.format(head=head[:8].hex(" ")))
    if expected is not None and found != expected:
        shown = FORMAT_NAMES[found] if found != "markdown" else "text"
        raise unreadable(source, ERR_WRONG_FORMAT.format(suffix=Path(source).suffix, found=shown))
    try:
        scan = READERS[found](data)
    except Damaged as exc:
        raise unreadable(source, str(exc)) from None
    return _judge(scan, source, rules or load_rules())


def check_file(path: str | Path, rules: Rules | None = None) -> LabelReport:
    """Check the implicit label of the file at ``path`` (read through a memory map)."""
    file = Path(path)
    source = str(path)
    try:
        with file.open("rb") as stream:
            size = file.stat().st_size
            if size == 0:
                return check_bytes(b"", source, rules)
            with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                return check_bytes(mapped, source, rules)
    except OSError as exc:
        raise unreadable(source, exc.strerror or str(exc)) from None
    except ValueError as exc:  # mmap of something that is not a regular file
        raise unreadable(source, str(exc)) from None


def _read_label(placement: Placement) -> tuple[dict[str, Any] | None, LocalizedText | None]:
    """The label's fields, or why it is not a JSON object."""
    where = placement.where
    if placement.problem is not None:
        return None, LocalizedText(
            zh=f"{where}：{placement.problem}", en=f"{where}: {placement.problem}"
        )
    value: Any = placement.value
    if placement.text is not None:
        if len(placement.text) > MAX_LABEL_CHARS:
            problem = f"the label has more than {MAX_LABEL_CHARS} characters"
            return None, LocalizedText(zh=f"{where}：{problem}", en=f"{where}: {problem}")
        try:
            value = yamlsafe.load_json(placement.text, source=where)
        except yamlsafe.DataFileError as exc:
            problem = f"not JSON ({exc.problem})"
            return None, LocalizedText(zh=f"{where}：{problem}", en=f"{where}: {problem}")
    if isinstance(value, dict) and set(value) == {"AIGC"}:
        value = value["AIGC"]
        if isinstance(value, str):  # {"AIGC": "<escaped JSON>"}
            return _read_label(Placement(where, text=value))
    if not isinstance(value, dict):
        return None, LocalizedText(
            zh=NOT_OBJECT.zh.format(where=where), en=NOT_OBJECT.en.format(where=where)
        )
    return value, None


def _judge(scan: Scan, source: str, rules: Rules) -> LabelReport:
    labels: list[FoundLabel] = []
    violations: list[Violation] = []
    by_kind = {rule.kind: rule for rule in rules.rules}
    for placement in scan.placements:
        fields, problem = _read_label(placement)
        labels.append(FoundLabel(placement.where, fields))
        if fields is None:
            if problem is not None and "well_formed" in by_kind:
                violations.append(Violation(by_kind["well_formed"], problem, placement.where))
            continue
        for rule in rules.rules:
            for detail in label_findings(rule, fields, rules.fields, placement.namespace):
                violations.append(Violation(rule, detail, placement.where))
    for rule in rules.rules:
        if rule.kind != "single_label":
            continue
        distinct = {json.dumps(label.fields, sort_keys=True, default=str) for label in labels}
        count = len(distinct) if rule.params.get("identical_copies_allowed") else len(labels)
        if count > 1:
            places = "; ".join(label.where for label in labels)
            detail = LocalizedText(
                zh=DUPLICATES.zh.format(count=count, places=places),
                en=DUPLICATES.en.format(count=count, places=places),
            )
            violations.append(Violation(rule, detail))
    verdict: Verdict
    if not labels:
        verdict = "inconclusive" if scan.incomplete else "not_found"
    elif any(v.rule.on_violation == "non_compliant" for v in violations):
        verdict = "non_compliant"
    elif violations:
        verdict = "inconclusive"
    else:
        verdict = "compliant"
    return LabelReport(
        source=source,
        format=scan.format,
        verdict=verdict,
        labels=tuple(labels),
        violations=tuple(violations),
        incomplete=tuple(scan.incomplete),
    )


__all__ = [
    "FORMAT_NAMES",
    "VERDICTS",
    "VERDICT_LABELS",
    "FoundLabel",
    "LabelReport",
    "Verdict",
    "Violation",
    "check_bytes",
    "check_file",
    "detect_format",
]

"""The message catalogue: every user-interface string a report prints.

Report templates never hold prose of their own. They call ``t("message.id")``
and the text comes from ``messages.yaml`` beside this module, which maps each
message id to its Simplified Chinese and English renderings. Keeping the strings
as data means a translator edits one file, and a test can prove that every id a
template uses exists in both languages.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

from tianping import yamlsafe
from tianping.reports._errors import ReportError
from tianping.text import LANGUAGES, LocalizedText

MESSAGES_FILE = "messages.yaml"
MESSAGE_ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*")

CATALOGUE_NOT_YAML = "the report message catalogue {source} is not valid YAML: {problem}"
CATALOGUE_NOT_MAPPING = "the report message catalogue {source} must be a mapping of message ids"
BAD_MESSAGE_ID = "message id {message_id!r} in {source} must be dotted lower-case words"
BAD_MESSAGE_ENTRY = (
    "message {message_id!r} in {source} must give exactly the languages {languages}, "
    "each as a non-empty string"
)
PLACEHOLDER_MISMATCH = (
    "message {message_id!r} in {source} uses different placeholders in its languages: {found}"
)
UNKNOWN_MESSAGE = "no report message with id {message_id!r}"


@dataclass(frozen=True, slots=True)
class MessageCatalogue(Mapping[str, LocalizedText]):
    """Message id → :class:`~tianping.text.LocalizedText`, read-only.

    Build one with :func:`parse_messages`; :func:`load_messages` gives the one
    that ships with Tianping.
    """

    _entries: Mapping[str, LocalizedText] = field(repr=False)

    def __getitem__(self, message_id: str) -> LocalizedText:
        return self._entries[message_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def text(self, message_id: str) -> LocalizedText:
        """The message ``message_id``; a :class:`ReportError` if there is none."""
        try:
            return self._entries[message_id]
        except KeyError:
            raise ReportError(UNKNOWN_MESSAGE.format(message_id=message_id)) from None


def placeholders(text: str) -> frozenset[str]:
    """The ``{name}`` fields a message fills with :meth:`str.format`."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def parse_messages(data: object, *, source: str = "<data>") -> MessageCatalogue:
    """Check and read a message catalogue.

    Parameters
    ----------
    data
        The parsed YAML: ``{message_id: {"zh-Hans": str, "en": str}}``.
    source
        Where the data came from, for error messages.

    Returns
    -------
    MessageCatalogue
        The messages, each with both renderings.

    Raises
    ------
    ReportError
        If an id is malformed, a language is missing, empty or extra, or the two
        renderings use different ``{placeholders}``.

    Examples
    --------
    >>> catalogue = parse_messages({"tier.high": {"zh-Hans": "高风险", "en": "High risk"}})
    >>> catalogue["tier.high"].get("en")
    'High risk'
    """
    if not isinstance(data, Mapping):
        raise ReportError(CATALOGUE_NOT_MAPPING.format(source=source))
    entries: dict[str, LocalizedText] = {}
    for message_id, value in data.items():
        if not isinstance(message_id, str) or not MESSAGE_ID_PATTERN.fullmatch(message_id):
            raise ReportError(BAD_MESSAGE_ID.format(message_id=message_id, source=source))
        bad_entry = ReportError(
            BAD_MESSAGE_ENTRY.format(
                message_id=message_id, source=source, languages=", ".join(LANGUAGES)
            )
        )
        if not isinstance(value, Mapping) or set(value) != set(LANGUAGES):
            raise bad_entry
        try:
            text = LocalizedText(zh=value["zh-Hans"], en=value["en"])
        except (TypeError, ValueError) as exc:
            raise bad_entry from exc
        if placeholders(text.zh) != placeholders(text.en):
            found = f"zh-Hans {sorted(placeholders(text.zh))}, en {sorted(placeholders(text.en))}"
            raise ReportError(
                PLACEHOLDER_MISMATCH.format(message_id=message_id, source=source, found=found)
            )
        entries[message_id] = text
    return MessageCatalogue(MappingProxyType(entries))


@lru_cache(maxsize=1)
def load_messages() -> MessageCatalogue:
    """The catalogue that ships with Tianping (``tianping/reports/messages.yaml``).

    Returns
    -------
    MessageCatalogue
        Read once and cached.

    Examples
    --------
    >>> load_messages()["tier.high"].get("zh-Hans")
    '高风险'
    """
    resource = resources.files("tianping.reports").joinpath(MESSAGES_FILE)
    try:
        data = yamlsafe.load(resource.read_text(encoding="utf-8"), source=MESSAGES_FILE)
    except yamlsafe.DataFileError as exc:
        raise ReportError(
            CATALOGUE_NOT_YAML.format(source=MESSAGES_FILE, problem=exc.detail)
        ) from exc
    return parse_messages(data, source=MESSAGES_FILE)


__all__ = ["MessageCatalogue", "load_messages", "parse_messages", "placeholders"]

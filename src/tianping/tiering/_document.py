"""Reading an answers document (YAML or JSON bytes) into a mapping, with a size cap.

Used by the CLI for files and standard input, and by the web layer for uploads:
bad input gets a clear :class:`IntakeDocumentError`, never a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping

from tianping import yamlsafe
from tianping.text import LocalizedText
from tianping.tiering._errors import IntakeDocumentError
from tianping.tiering.messages import (
    DOCUMENT_HINT,
    ERR_DOCUMENT_EMPTY,
    ERR_DOCUMENT_ENCODING,
    ERR_DOCUMENT_NOT_MAPPING,
    ERR_DOCUMENT_SYNTAX,
    ERR_DOCUMENT_TOO_LARGE,
)

MAX_ANSWERS_BYTES = 1_048_576
"""The largest answers document read (1 MiB); real intakes are a few kilobytes."""


def read_answers(
    data: bytes, *, source: str = "<input>", max_bytes: int = MAX_ANSWERS_BYTES
) -> dict[str, object]:
    """Parse an answers document: UTF-8 (a BOM is allowed) YAML or JSON holding a mapping.

    A document whose first non-blank character is ``{`` is read as JSON, any
    other as YAML (safe loader only); either may nest at most
    ``tianping.jsonsafe.MAX_DEPTH`` (128) levels, and a JSON number have at
    most ``jsonsafe.MAX_NUMBER_LENGTH`` (1,000) characters.

    Parameters
    ----------
    data
        The raw bytes.
    source
        How to name the document in messages (a file name, ``<stdin>``).
    max_bytes
        The size cap; larger documents are refused before parsing.

    Returns
    -------
    dict
        The mapping, unvalidated: pass it to :func:`validate_answers` or
        :func:`score_intake`.

    Raises
    ------
    IntakeDocumentError
        If the document is too large, not UTF-8, not valid YAML/JSON, empty, or
        not a mapping at the top level.

    Examples
    --------
    >>> from tianping.tiering import read_answers
    >>> read_answers(b"personal_info: true\\nscale: lt_10k\\n")
    {'personal_info': True, 'scale': 'lt_10k'}
    """
    if len(data) > max_bytes:
        raise _error(ERR_DOCUMENT_TOO_LARGE, source=source, limit=max_bytes)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _error(ERR_DOCUMENT_ENCODING, source=source, position=exc.start) from exc
    try:
        if text.lstrip().startswith("{"):
            document: object = yamlsafe.load_json(text, source=source)
        else:
            document = yamlsafe.load(text, source=source)
    except yamlsafe.DataFileError as exc:
        raise _error(ERR_DOCUMENT_SYNTAX, source=source, problem=_problem(exc)) from exc
    if document is None:
        raise _error(ERR_DOCUMENT_EMPTY, source=source)
    if not isinstance(document, Mapping):
        raise _error(ERR_DOCUMENT_NOT_MAPPING, source=source, got=_kind(document))
    return dict(document)


def _error(template: LocalizedText, **params: object) -> IntakeDocumentError:
    return IntakeDocumentError(template, hint=DOCUMENT_HINT, params=params)


def _problem(exc: yamlsafe.DataFileError) -> str:
    """The problem and where (line and column), without the file the message names already."""
    return f"{exc.problem} ({exc.where})" if exc.where else exc.problem


def _kind(value: object) -> LocalizedText:
    if isinstance(value, list):
        return LocalizedText(zh="列表", en="a list")
    if isinstance(value, str):
        return LocalizedText(zh="文本", en="text")
    if isinstance(value, bool):
        return LocalizedText(zh="布尔值", en="true or false")
    if isinstance(value, int | float):
        return LocalizedText(zh="数字", en="a number")
    return LocalizedText(zh=type(value).__name__, en=type(value).__name__)

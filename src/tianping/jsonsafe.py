"""Reading JSON that someone else wrote, within limits: nesting depth and number length.

Python's :func:`json.loads` has two ways to fail that are not ``JSONDecodeError``:
a value nested a few thousand levels deep (``[[[[…``) recurses until it raises
:class:`RecursionError`, and an integer of more than 4,300 digits raises a
plain :class:`ValueError` (CPython's limit on converting text to ``int``,
which also guards against quadratic work). Every reader of untrusted JSON
in the project goes through this module, which refuses both up front with
:class:`JSONLimitError`; the readers turn it into their own error, so the
platform answers 4xx and the command line exits with status 2.

Limits
------
:data:`MAX_DEPTH` (128)
    Arrays and objects nested at most 128 levels: the depth up to which the
    ledger writes canonical JSON, and DuckDB's limit for JSON files. Checked
    by a scan of the bytes before parsing (brackets inside strings do not
    count); a text with at most 128 opening brackets in all is not scanned.
:data:`MAX_NUMBER_LENGTH` (1,000 characters)
    The longest number literal read. I-JSON (RFC 7493) and RFC 8785 hold
    numbers as IEEE 754 doubles (17 significant digits; integers exact up
    to 2**53), so longer literals carry no information, only work.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from tianping.errors import TianpingError

MAX_DEPTH = 128
"""How deeply arrays and objects may nest in JSON read from outside."""

MAX_NUMBER_LENGTH = 1000
"""The most characters a JSON number literal may have (sign, digits, point, exponent)."""

ERR_TOO_DEEP = "the value is nested deeper than {limit} levels"
ERR_NUMBER_TOO_LONG = "a number has {length} characters; at most {limit} are read"


class JSONLimitError(TianpingError, ValueError):
    """JSON text beyond one of this module's limits; ``limit`` is the limit it passed."""

    def __init__(self, message: str, *, limit: int) -> None:
        super().__init__(message)
        self.limit = limit


class JSONTooDeepError(JSONLimitError):
    """Arrays and objects nested deeper than the limit (:data:`MAX_DEPTH`)."""


class JSONNumberTooLongError(JSONLimitError):
    """A number literal longer than :data:`MAX_NUMBER_LENGTH` characters."""


# Every byte but the quote, the backslash and the four brackets (all ASCII, so
# never part of a multi-byte UTF-8 character); and the same keeping digits too.
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"\\[]{}')
_NOT_STRUCTURE_OR_DIGIT = bytes(b for b in range(256) if b not in b'"\\[]{}0123456789')
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"0" * 9)
_DIGIT_RUN = b"0" * -(-(MAX_NUMBER_LENGTH + 1 - 4) // 3)  # see may_hold_long_number
_STRING = re.compile(rb'"[^"]*"?')  # over quotes and brackets only: linear
_PEELS = 8
_SHORT = 4096  # below this, counting brackets is quicker than translating
_STEP = [0] * 256
_STEP[ord("[")] = _STEP[ord("{")] = 1
_STEP[ord("]")] = _STEP[ord("}")] = -1


def _utf8(data: str | bytes | bytearray) -> bytes | bytearray:
    """``data`` as UTF-8 bytes; other bytes are read as :func:`json.loads` would detect them."""
    if isinstance(data, str):
        return data.encode("utf-8", "surrogatepass")
    encoding = json.detect_encoding(data)
    if encoding.startswith("utf-8"):
        return data
    return data.decode(encoding, "replace").encode("utf-8", "surrogatepass")


def _few_openers(data: str | bytes | bytearray, limit: int) -> bool:
    """Whether a short ``data`` has at most ``limit`` opening brackets (strings included)."""
    if len(data) > _SHORT:
        return False
    if isinstance(data, str):
        return data.count("[") + data.count("{") <= limit
    return data.count(b"[") + data.count(b"{") <= limit  # in any of the encodings


def _depth_exceeds(raw: bytes | bytearray, marks: bytes | bytearray, limit: int) -> bool:
    """Whether UTF-8 ``raw`` nests deeper than ``limit``; ``marks`` is its ``"\\[]{}`` bytes."""
    if marks.count(b"[") + marks.count(b"{") <= limit:
        return False  # fewer openers than the limit in all, strings included
    if b"\\" in marks:
        # Only \\ and \" move where a string ends; JSON pairs backslashes from
        # the left, as these replacements do. Other escapes (\n, \u…) are dropped.
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
        marks = raw.translate(None, _NOT_STRUCTURE).replace(b"\\", b"")
    if marks.count(b'"') == 2 * marks.count(b'""'):
        # The usual case: every string is "" here, so none holds a bracket.
        brackets = marks.translate(None, b'"')
    else:
        brackets = _STRING.sub(b"", marks)
    # Quick acceptance: peel the innermost pairs a few times (each pass takes
    # off at most two levels); if what is left has few enough openers, the
    # depth is within the limit. Otherwise measure it exactly.
    rest = brackets
    for peeled in range(0, 2 * _PEELS, 2):
        if peeled + rest.count(b"[") + rest.count(b"{") <= limit:
            return False
        rest = rest.replace(b"[]", b"").replace(b"{}", b"")
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > limit


def _too_deep(limit: int) -> JSONTooDeepError:
    return JSONTooDeepError(ERR_TOO_DEEP.format(limit=limit), limit=limit)


def check_depth(data: str | bytes | bytearray, limit: int = MAX_DEPTH) -> None:
    """Refuse JSON text nested deeper than ``limit``, without parsing it.

    Brackets inside strings do not count. The text need not be valid JSON:
    the nesting of its valid beginning (what a parser would recurse into) is
    what is measured. Bytes are read in the encoding :func:`json.loads`
    would detect (UTF-8, UTF-16 or UTF-32).

    Raises
    ------
    JSONLimitError
        If arrays and objects nest deeper than ``limit``.

    Examples
    --------
    >>> check_depth('{"a": [[1, "]]]]"]]}', limit=3)
    >>> check_depth("[" * 100_000, limit=128)
    Traceback (most recent call last):
    ...
    tianping.jsonsafe.JSONTooDeepError: the value is nested deeper than 128 levels
    """
    if len(data) <= limit or _few_openers(data, limit):
        return
    raw = _utf8(data)
    if _depth_exceeds(raw, raw.translate(None, _NOT_STRUCTURE), limit):
        raise _too_deep(limit)


def may_hold_long_number(data: str | bytes | bytearray) -> bool:
    """Whether ``data`` might hold a number literal longer than :data:`MAX_NUMBER_LENGTH`.

    ``False`` is certain; ``True`` means "parse with :func:`bounded_int` and
    :func:`bounded_float`". A literal of more than 1,000 characters has at
    least 997 digits in at most three runs (integer, fraction, exponent), so
    one run of at least 333 digits; text without one needs no number hooks.

    Examples
    --------
    >>> may_hold_long_number(b"[1.5, 2]"), may_hold_long_number("9" * 1200)
    (False, True)
    """
    if len(data) <= MAX_NUMBER_LENGTH:
        return False
    return _DIGIT_RUN in _utf8(data).translate(_DIGITS_AS_ZERO, _NOT_STRUCTURE_OR_DIGIT)


def check_limits(data: str | bytes | bytearray, max_depth: int = MAX_DEPTH) -> bool:
    """Before parsing: refuse ``data`` nested too deeply; say whether numbers need bounding.

    One pass over the bytes does both :func:`check_depth` (skipped for texts
    of at most ``2 * max_depth + 1`` characters: a JSON value nested deeper is
    longer, and a parser refuses a shorter text that tries after at most that
    many levels) and :func:`may_hold_long_number`.

    Returns
    -------
    bool
        Whether to parse with :func:`bounded_int` and :func:`bounded_float`.

    Raises
    ------
    JSONTooDeepError
        If arrays and objects nest deeper than ``max_depth``.

    Examples
    --------
    >>> check_limits(b'{"a": [1, 2.5]}'), check_limits("[" + "1" * 2000 + "]")
    (False, True)
    """
    size = len(data)
    deep = size > 2 * max_depth + 1 and not _few_openers(data, max_depth)
    long = size > MAX_NUMBER_LENGTH
    if not (deep or long):
        return False
    raw = _utf8(data)
    marks = raw.translate(_DIGITS_AS_ZERO, _NOT_STRUCTURE_OR_DIGIT)
    if deep and _depth_exceeds(raw, marks.translate(None, b"0"), max_depth):
        raise _too_deep(max_depth)
    return long and _DIGIT_RUN in marks


def check_number(text: str) -> str:
    """``text`` (a number literal), or :class:`JSONLimitError` if it is too long."""
    if len(text) > MAX_NUMBER_LENGTH:
        raise JSONNumberTooLongError(
            ERR_NUMBER_TOO_LONG.format(length=len(text), limit=MAX_NUMBER_LENGTH),
            limit=MAX_NUMBER_LENGTH,
        )
    return text


def bounded_int(text: str) -> int:
    """An integer literal as ``int``, refused beyond :data:`MAX_NUMBER_LENGTH` characters."""
    return int(check_number(text))


def bounded_float(text: str) -> float:
    """A decimal literal as ``float``, refused beyond :data:`MAX_NUMBER_LENGTH` characters."""
    return float(check_number(text))


def loads(data: str | bytes | bytearray, *, max_depth: int = MAX_DEPTH, **options: Any) -> Any:
    """:func:`json.loads` within :data:`MAX_DEPTH` and :data:`MAX_NUMBER_LENGTH`.

    ``options`` are passed to :func:`json.loads`; a ``parse_int`` or
    ``parse_float`` given there replaces the bounded one (call
    :func:`check_number` in it).

    Raises
    ------
    JSONLimitError
        If the text nests too deeply or holds too long a number.
    json.JSONDecodeError
        If it is not JSON (both are :class:`ValueError`).

    Examples
    --------
    >>> loads(b'{"a": [1, 2.5, "x"]}')
    {'a': [1, 2.5, 'x']}
    >>> try:
    ...     loads("1" * 5000)
    ... except JSONLimitError as error:
    ...     print(error)
    a number has 5000 characters; at most 1000 are read
    """
    if check_limits(data, max_depth):
        options.setdefault("parse_int", bounded_int)
        options.setdefault("parse_float", bounded_float)
    try:
        return json.loads(data, **options)
    except RecursionError:  # not reached after check_depth, but never let it through
        raise _too_deep(max_depth) from None


__all__ = [
    "ERR_NUMBER_TOO_LONG",
    "ERR_TOO_DEEP",
    "MAX_DEPTH",
    "MAX_NUMBER_LENGTH",
    "JSONLimitError",
    "JSONNumberTooLongError",
    "JSONTooDeepError",
    "bounded_float",
    "bounded_int",
    "check_depth",
    "check_limits",
    "check_number",
    "loads",
    "may_hold_long_number",
]

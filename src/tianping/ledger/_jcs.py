"""RFC 8785 JSON Canonicalization Scheme (JCS): one byte string per JSON value.

A leaf is hashed and a checkpoint is signed, so the same record must always
give the same bytes. JCS fixes every choice JSON leaves open (RFC 8785 §3.2):

- no whitespace between tokens (§3.2.1);
- literals ``null``, ``true``, ``false`` as such (§3.2.2.1);
- strings in UTF-8, escaping only ``"``, ``\\``, and the controls below U+0020,
  with the short forms ``\\b \\t \\n \\f \\r`` and lower-case ``\\u00xx``
  otherwise (§3.2.2.2, ECMAScript JSON.stringify);
- numbers as IEEE 754 doubles written by ECMAScript's Number::toString (§3.2.2.3);
- object members sorted by their names as arrays of UTF-16 code units (§3.2.3).

Values outside I-JSON (RFC 7493) are refused, never guessed at: NaN and the
infinities, integers no double holds exactly (such as 2**53 + 1), lone
surrogates, non-string keys, duplicate keys when parsing. (I-JSON advises
keeping integers within ±(2**53 - 1); larger ones that are doubles, such as
10**22, are written as ECMAScript writes them: ``1e+22``.)
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from json.encoder import encode_basestring
from typing import Any, Literal

from tianping.jsonsafe import (
    MAX_NUMBER_LENGTH,
    JSONLimitError,
    bounded_float,
    check_limits,
    check_number,
)
from tianping.ledger._errors import CanonicalJSONError
from tianping.ledger._messages import (
    ERR_JCS_DEPTH,
    ERR_JCS_DUPLICATE_KEY,
    ERR_JCS_FLOAT,
    ERR_JCS_INTEGER,
    ERR_JCS_KEY,
    ERR_JCS_PARSE,
    ERR_JCS_SURROGATE,
    ERR_JCS_TYPE,
)

MAX_SAFE_INTEGER = 2**53 - 1
"""The largest integer every JSON implementation holds exactly (I-JSON, RFC 7493 §2.2)."""

MAX_DEPTH = 128
"""How deeply arrays and objects may nest; deeper values are refused, written or read.

The same as :data:`tianping.jsonsafe.MAX_DEPTH`, the limit of JSON read from outside.
"""

_encode_string: Any = encode_basestring  # the C accelerator when present


class _Refusal(Exception):
    """A value JCS cannot write; ``path`` grows as the error climbs out of the nesting."""

    def __init__(self, template: str, **params: object) -> None:
        super().__init__(template)
        self.template = template
        self.params = params
        self.path: list[str] = []

    def error(self) -> CanonicalJSONError:
        path = "$" + "".join(reversed(self.path))
        return CanonicalJSONError(self.template.format(path=path, **self.params))


def _utf16_order(key: str) -> bytes:
    # RFC 8785 §3.2.3: compare names as arrays of UTF-16 code units; big-endian
    # UTF-16 bytes compare the same way.
    return key.encode("utf-16-be", "surrogatepass")


def format_number(value: float) -> str:
    """Write a double as ECMAScript's Number::toString does (RFC 8785 §3.2.2.3).

    Python's ``repr`` gives the shortest digits that round-trip (as ECMAScript
    requires); this function only lays them out by ECMA-262's rules: plain
    digits up to 21 integer digits, a leading ``0.`` down to 1e-6, exponent
    form (``1e+21``, ``1.5e-7``) beyond.

    Examples
    --------
    >>> [format_number(x) for x in (1e21, 1e20, 0.000001, 1e-7, -0.0, 4.50)]
    ['1e+21', '100000000000000000000', '0.000001', '1e-7', '0', '4.5']
    """
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"{value!r} is not a finite number")
    if value == 0:
        return "0"  # also -0 (ECMA-262 Number::toString step 2)
    sign = "-" if value < 0 else ""
    text = repr(abs(value))
    mantissa, _, exponent_text = text.partition("e")
    exponent = int(exponent_text) if exponent_text else 0
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    stripped = digits.rstrip("0")
    # value = stripped × 10^(exponent - len(fraction) + trailing zeros) = 0.stripped × 10^n
    k = len(stripped)
    n = exponent - len(fraction) + (len(digits) - k) + k
    if k <= n <= 21:
        return sign + stripped + "0" * (n - k)
    if 0 < n <= 21:
        return sign + stripped[:n] + "." + stripped[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + stripped
    e = n - 1
    exponent_part = ("e+" if e >= 0 else "e-") + str(abs(e))
    if k == 1:
        return sign + stripped + exponent_part
    return sign + stripped[0] + "." + stripped[1:] + exponent_part


def _write(value: object, out: list[str], depth: int) -> None:
    # Order of the checks: bool before int (bool is an int in Python).
    if isinstance(value, str):
        out.append(_encode_string(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            out.append(str(int(value)))
        else:
            # A JSON number is a double (RFC 8785 §3.2.2.3): beyond 2**53 only some
            # integers are doubles; those are written as ECMAScript writes them,
            # the others would change value and are refused.
            try:
                exact = float(value)
            except OverflowError:
                exact = math.inf
            if math.isinf(exact) or int(exact) != value:
                raise _Refusal(ERR_JCS_INTEGER, value=value)
            out.append(format_number(exact))
    elif isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise _Refusal(ERR_JCS_FLOAT, value=value)
        out.append(format_number(value))
    elif isinstance(value, Mapping):
        if depth >= MAX_DEPTH:
            raise _Refusal(ERR_JCS_DEPTH, limit=MAX_DEPTH)
        keys = list(value.keys())
        for key in keys:
            if not isinstance(key, str):
                raise _Refusal(ERR_JCS_KEY, type=type(key).__name__)
        keys.sort(key=None if all(key.isascii() for key in keys) else _utf16_order)
        out.append("{")
        first = True
        for key in keys:
            if not first:
                out.append(",")
            first = False
            out.append(_encode_string(key))
            out.append(":")
            try:
                _write(value[key], out, depth + 1)
            except _Refusal as refusal:
                refusal.path.append(f"[{json.dumps(key, ensure_ascii=False)}]")
                raise
        out.append("}")
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        if depth >= MAX_DEPTH:
            raise _Refusal(ERR_JCS_DEPTH, limit=MAX_DEPTH)
        out.append("[")
        for position, item in enumerate(value):
            if position:
                out.append(",")
            try:
                _write(item, out, depth + 1)
            except _Refusal as refusal:
                refusal.path.append(f"[{position}]")
                raise
        out.append("]")
    else:
        raise _Refusal(ERR_JCS_TYPE, type=type(value).__name__)


def canonical_json(value: object) -> bytes:
    """The RFC 8785 canonical form of ``value``, as UTF-8 bytes.

    ``value`` is made of ``dict`` (string keys), ``list``/``tuple``, ``str``,
    ``int``, ``float``, ``bool`` and ``None``.

    Raises
    ------
    CanonicalJSONError
        For a value outside I-JSON: another type, a non-string key, NaN or an
        infinity, an integer no double holds exactly, a lone surrogate.

    Examples
    --------
    >>> canonical_json({"b": [1.0, 2.5e-7, None], "a": "€"}).decode()
    '{"a":"€","b":[1,2.5e-7,null]}'
    """
    out: list[str] = []
    try:
        _write(value, out, 0)
    except _Refusal as refusal:
        raise refusal.error() from None
    try:
        return "".join(out).encode("utf-8")
    except UnicodeEncodeError:
        raise CanonicalJSONError(ERR_JCS_SURROGATE) from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, item in pairs:
        if key in result:
            raise CanonicalJSONError(ERR_JCS_DUPLICATE_KEY.format(path="$…", key=key))
        result[key] = item
    return result


def _no_constant(name: str) -> object:
    raise CanonicalJSONError(ERR_JCS_PARSE.format(reason=f"{name} is not a JSON number"))


def _exact_integer(text: str) -> int:
    value = int(check_number(text) if len(text) > MAX_NUMBER_LENGTH else text)
    if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        return value
    try:
        exact = float(value)
    except OverflowError:
        exact = math.inf
    if math.isinf(exact) or int(exact) != value:
        raise CanonicalJSONError(ERR_JCS_INTEGER.format(path="$…", value=text))
    return value


def _double_integer(text: str) -> int | float:
    # As ECMAScript reads a number: beyond 2**53, the nearest double.
    value = int(check_number(text) if len(text) > MAX_NUMBER_LENGTH else text)
    if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        return value
    try:
        return float(value)
    except OverflowError:
        raise CanonicalJSONError(ERR_JCS_INTEGER.format(path="$…", value=text)) from None


def parse_json(data: bytes | str, *, numbers: Literal["exact", "double"] = "exact") -> Any:
    """Parse I-JSON strictly: UTF-8 only, no duplicate keys, no NaN or Infinity.

    Parameters
    ----------
    data
        JSON text.
    numbers
        ``"exact"`` (for input): an integer no double holds exactly is refused
        rather than rounded. ``"double"`` (for reading canonical JSON back):
        every number becomes the nearest double, as in ECMAScript, so the
        canonical text of a large float parses back to that float.

    Raises
    ------
    CanonicalJSONError
        If ``data`` is not UTF-8 or not JSON, has a duplicate key, or (``exact``)
        an integer that would change value; if it nests deeper than
        :data:`MAX_DEPTH` or holds a number literal longer than
        :data:`tianping.jsonsafe.MAX_NUMBER_LENGTH` characters (the message
        is :data:`tianping.jsonsafe.ERR_TOO_DEEP` or ``ERR_NUMBER_TOO_LONG``).

    Examples
    --------
    >>> parse_json(b'{"a": [1, 2.5]}')
    {'a': [1, 2.5]}
    >>> parse_json(b"[" * 100_000)
    Traceback (most recent call last):
    ...
    tianping.ledger._errors.CanonicalJSONError: the value is nested deeper than 128 levels
    """
    parse_int = _exact_integer if numbers == "exact" else _double_integer
    try:
        text = data.decode("utf-8") if isinstance(data, bytes | bytearray) else data
        # A text of at most 2 * MAX_DEPTH + 1 characters cannot hold a deeper
        # JSON value (nor, being shorter than MAX_NUMBER_LENGTH, a too long number).
        if len(text) > 2 * MAX_DEPTH + 1 and check_limits(data, MAX_DEPTH):
            return json.loads(
                text,
                object_pairs_hook=_no_duplicates,
                parse_constant=_no_constant,
                parse_int=parse_int,
                parse_float=bounded_float,
            )
        return json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constant,
            parse_int=parse_int,
        )
    except UnicodeDecodeError as error:
        raise CanonicalJSONError(ERR_JCS_PARSE.format(reason=f"not UTF-8 ({error})")) from None
    except JSONLimitError as error:
        raise CanonicalJSONError(error.message) from None
    except (json.JSONDecodeError, RecursionError) as error:
        raise CanonicalJSONError(ERR_JCS_PARSE.format(reason=error)) from None


def is_canonical(data: bytes) -> bool:
    """Whether ``data`` is exactly the RFC 8785 form of the JSON value it holds."""
    try:
        return canonical_json(parse_json(data, numbers="double")) == data
    except CanonicalJSONError:
        return False

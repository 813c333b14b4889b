"""Bounded JSON reading: nesting depth and number length, and every reader goes through it."""

from __future__ import annotations

import doctest
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tianping
from tianping import jsonsafe
from tianping.jsonsafe import (
    ERR_NUMBER_TOO_LONG,
    ERR_TOO_DEEP,
    MAX_DEPTH,
    MAX_NUMBER_LENGTH,
    JSONLimitError,
    JSONNumberTooLongError,
    JSONTooDeepError,
    check_depth,
    check_limits,
    loads,
    may_hold_long_number,
)

DEEP = "[" * 100_000
TOO_DEEP = ERR_TOO_DEEP.format(limit=MAX_DEPTH)


def nested(depth: int, *, kind: str = "[") -> str:
    close = {"[": "]", "{": "}"}
    opener = "[" if kind == "[" else '{"k":'
    return opener * depth + "1" + close[kind] * depth


def depth_of(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max(map(depth_of, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(depth_of, value.values()), default=0)
    return 0


@pytest.mark.parametrize("kind", ["[", "{"])
def test_the_depth_limit_is_exact(kind: str) -> None:
    assert depth_of(loads(nested(MAX_DEPTH, kind=kind))) == MAX_DEPTH
    with pytest.raises(JSONTooDeepError, match=re.escape(TOO_DEEP)) as caught:
        loads(nested(MAX_DEPTH + 1, kind=kind))
    assert caught.value.limit == MAX_DEPTH


@pytest.mark.parametrize(
    "text",
    [
        DEEP,  # 100,000 unclosed: what json.loads recursed into
        DEEP + "]" * 100_000,
        '{"a": ' + DEEP,
        "[" * 300 + "garbage",
        '["' + "]" * 300 + '", ' + nested(MAX_DEPTH) + "]",  # closers hidden in a string
        '["\\\\", ' + nested(MAX_DEPTH) + "]",  # an escaped backslash ends no string
        '["\\"]]]]]]", ' + nested(MAX_DEPTH) + "]",  # an escaped quote ends no string
        '["\\u005d\\n", ' + nested(MAX_DEPTH) + "]",
        '["中文]]]]", ' + nested(MAX_DEPTH) + "]",
    ],
)
def test_deep_text_is_refused_before_parsing(text: str) -> None:
    with pytest.raises(JSONTooDeepError, match=re.escape(TOO_DEEP)):
        loads(text)
    with pytest.raises(JSONTooDeepError):
        loads(text.encode("utf-8"))
    with pytest.raises(JSONTooDeepError):  # json.loads reads UTF-16 too
        check_depth(text.encode("utf-16"))


def test_a_short_text_too_deep_to_be_json_is_refused_as_not_json() -> None:
    # At most 2 * MAX_DEPTH + 1 characters cannot hold a deeper JSON value; the parser
    # refuses them after at most that many levels, so loads() does not scan them.
    with pytest.raises(json.JSONDecodeError):
        loads("[" * (2 * MAX_DEPTH + 1))
    with pytest.raises(JSONTooDeepError):
        check_depth("[" * (2 * MAX_DEPTH + 1))


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(["[" * 500, "{" * 500, nested(MAX_DEPTH - 2)]),
        json.dumps({"a": "\\" * 301 + "[[[" * 100, "b": '"[' * 300}),
        json.dumps([[{"x": [1]}] for _ in range(2000)]),
        json.dumps({"名": "[" * 300}, ensure_ascii=True),
    ],
)
def test_brackets_inside_strings_and_wide_values_do_not_count(text: str) -> None:
    assert loads(text) == json.loads(text)
    check_depth(text.encode("utf-16"))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab中\n\u2028'),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(alphabet='[]{}"\\k', max_size=3), children, max_size=3)
    ),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(json_values, st.integers(0, 12), st.booleans(), st.integers(0, 6))
def test_the_scan_agrees_with_the_parsed_depth(
    value: Any, extra: int, ascii_only: bool, limit: int
) -> None:
    for _ in range(extra):
        value = [value, {"[": "]]"}]
    text = json.dumps(value, ensure_ascii=ascii_only)
    # Pad to defeat the shortcuts (short texts and few openers are not scanned).
    padded = text if len(text) > 4096 else f'[{text}, "{" " * 4096}"]'
    depth = depth_of(json.loads(padded))
    for check in (check_depth, check_limits):
        for data in (padded, padded.encode("utf-8")):
            refused = False
            try:
                check(data, limit)
            except JSONTooDeepError:
                refused = True
            assert refused == (depth > limit), check


def test_number_literals_are_bounded_in_length() -> None:
    limit = MAX_NUMBER_LENGTH
    assert loads("[" + "9" * limit + "]") == [int("9" * limit)]
    assert loads("1." + "5" * (limit - 2)) == 14 / 9
    for text in ("1" * 5000, "[-" + "1" * limit + "]", "1." + "0" * limit, "1e" + "0" * limit):
        with pytest.raises(JSONNumberTooLongError) as caught:
            loads(text)
        length = len(text.strip("[]"))
        assert str(caught.value) == ERR_NUMBER_TOO_LONG.format(length=length, limit=limit)
        assert caught.value.limit == limit and isinstance(caught.value, ValueError)


@pytest.mark.parametrize("parts", [1, 2, 3])
@pytest.mark.parametrize("length", range(MAX_NUMBER_LENGTH + 1, MAX_NUMBER_LENGTH + 8))
def test_a_long_number_is_never_missed(length: int, parts: int) -> None:
    # The worst case for the shortcut: the digits split as evenly as a literal allows.
    signs = {1: "-", 2: "-.", 3: "-.e+"}[parts]
    budget = length - len(signs)
    runs = [budget // parts + (i < budget % parts) for i in range(parts)]
    literal = "-" + "1" * runs[0]
    if parts > 1:
        literal += "." + "2" * runs[1]
    if parts > 2:
        literal += "e+" + "3" * runs[2]
    assert len(literal) == length
    text = f'{{"a": {literal}}}'
    assert may_hold_long_number(text)
    with pytest.raises(JSONNumberTooLongError):
        loads(text)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-32"])
def test_bytes_are_read_in_the_encoding_json_detects(encoding: str) -> None:
    with pytest.raises(JSONNumberTooLongError):
        loads(('{"a": ' + "1" * 5000 + "}").encode(encoding))
    with pytest.raises(JSONTooDeepError):
        loads(("[" * 5000).encode(encoding))
    assert loads('{"a": [1]}'.encode(encoding)) == {"a": [1]}


def test_limit_errors_are_value_errors_and_library_errors() -> None:
    assert issubclass(JSONLimitError, ValueError)
    assert issubclass(JSONLimitError, tianping.TianpingError)


def test_docstring_examples_run() -> None:
    result = doctest.testmod(jsonsafe, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


# --- discovery: every JSON reader of outside input is bounded -----------------------------------

SOURCE = Path(tianping.__file__).parent
READERS = re.compile(r"\bjson\s*\.\s*loads?\s*\(|\b(?:orjson|ujson|simplejson)\b|\braw_decode\s*\(")
TRUSTED = {
    "jsonsafe.py": "the bounded reader itself",
    "ledger/_jcs.py": "parse_json: bounded by check_depth and its number hooks",
    "certification/_evidence.py": "its JSON Schema, shipped inside the package",
    "certification/_levels.py": "its JSON Schema, shipped inside the package",
    "index/_spec.py": "its JSON Schemas, shipped inside the package",
    "norms/_schema.py": "JSON Schemas shipped inside the package",
    "review/_loader.py": "JSON Schemas shipped inside the package",
    "sdk/_client.py": "the SDK's own switch file, which it wrote",
    "sdk/_spool.py": "the SDK's own spool files, which it wrote",
}


def test_json_is_read_only_through_bounded_readers() -> None:
    offenders = [
        str(path.relative_to(SOURCE))
        for path in sorted(SOURCE.rglob("*.py"))
        if "migrations" not in path.parts
        and str(path.relative_to(SOURCE)) not in TRUSTED
        and READERS.search(path.read_text("utf-8"))
    ]
    assert not offenders, (
        "Read JSON from outside with tianping.jsonsafe.loads (or the ledger's parse_json), "
        "which bound nesting depth and number length; or add the file to TRUSTED with why:\n"
        + "\n".join(offenders)
    )

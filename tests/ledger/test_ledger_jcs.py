"""RFC 8785 canonical JSON: the RFC's own examples, and agreement with the ``rfc8785`` package."""

from __future__ import annotations

import math
import struct

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from tianping.ledger import (
    MAX_SAFE_INTEGER,
    CanonicalJSONError,
    canonical_json,
    is_canonical,
    parse_json,
)
from tianping.ledger._messages import (
    ERR_JCS_FLOAT,
    ERR_JCS_INTEGER,
    ERR_JCS_KEY,
    ERR_JCS_SURROGATE,
    ERR_JCS_TYPE,
)

# RFC 8785 Appendix B: IEEE 754 bit patterns and their serialisation.
APPENDIX_B = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


def double(bits: str) -> float:
    value: float = struct.unpack(">d", bytes.fromhex(bits))[0]
    return value


@pytest.mark.parametrize(("bits", "expected"), APPENDIX_B)
def test_numbers_serialise_as_rfc_8785_appendix_b(bits: str, expected: str) -> None:
    assert canonical_json(double(bits)) == expected.encode()


@pytest.mark.parametrize("bits", ["7fffffffffffffff", "7ff0000000000000", "fff0000000000000"])
def test_nan_and_the_infinities_are_refused(bits: str) -> None:
    with pytest.raises(CanonicalJSONError) as raised:
        canonical_json({"x": double(bits)})
    assert raised.value.message == ERR_JCS_FLOAT.format(path='$["x"]', value=double(bits))


def test_the_section_3_2_2_example_canonicalises_as_section_3_2_3_shows() -> None:
    # RFC 8785 §3.2.2 input (parsed JSON text) and §3.2.3 output.
    text = (
        '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )
    expected = (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )
    assert canonical_json(parse_json(text)) == expected.encode("utf-8")


def test_the_section_3_2_4_bytes_are_the_utf8_of_the_output() -> None:
    value = parse_json('{"string": "\\u20ac$\\u000F"}')
    assert canonical_json(value).hex(" ") == (
        "7b 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30 30 66 22 7d"
    )


def test_object_members_sort_by_utf16_code_units_as_section_3_2_3_shows() -> None:
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    expected = (
        '{"\\r":"Carriage Return","1":"One","\u0080":"Control",'
        '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",'
        '"\U0001f600":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}'
    )
    assert canonical_json(value) == expected.encode("utf-8")


def test_controls_use_short_escapes_or_lowercase_u00xx_and_nothing_else_is_escaped() -> None:
    value = '\b\t\n\f\r\x00\x1f\x7f\u2028/é😀"\\'
    assert canonical_json(value) == '"\\b\\t\\n\\f\\r\\u0000\\u001f\x7f\u2028/é😀\\"\\\\"'.encode()


def test_integers_a_double_cannot_hold_are_refused_not_rounded() -> None:
    assert canonical_json(MAX_SAFE_INTEGER) == b"9007199254740991"
    with pytest.raises(CanonicalJSONError) as raised:
        canonical_json({"id": [MAX_SAFE_INTEGER + 2]})
    assert raised.value.message == ERR_JCS_INTEGER.format(
        path='$["id"][0]', value=MAX_SAFE_INTEGER + 2
    )
    with pytest.raises(CanonicalJSONError):
        canonical_json(10**400)


def test_large_integers_that_are_doubles_are_written_as_the_double() -> None:
    # The same bytes as for the floats 2**53 and 1e22, so parsing canonical text
    # (where Python reads such numbers as int) gives back the same canonical text.
    assert canonical_json(2**53) == canonical_json(float(2**53)) == b"9007199254740992"
    assert canonical_json(10**22) == canonical_json(1e22) == b"1e+22"


def test_booleans_are_literals_not_numbers() -> None:
    assert canonical_json([True, False, None, 1, 1.0, -0.0]) == b"[true,false,null,1,1,0]"


@pytest.mark.parametrize(
    ("value", "template"),
    [
        ({1: "x"}, ERR_JCS_KEY.format(path="$", type="int")),
        ({"a": b"bytes"}, ERR_JCS_TYPE.format(path='$["a"]', type="bytes")),
        ({"a": {1, 2}}, ERR_JCS_TYPE.format(path='$["a"]', type="set")),
        ("\ud800", ERR_JCS_SURROGATE),
    ],
)
def test_values_outside_i_json_are_refused_with_their_path(value: object, template: str) -> None:
    with pytest.raises(CanonicalJSONError) as raised:
        canonical_json(value)
    assert raised.value.message == template


@pytest.mark.parametrize("text", ['{"a":1,"a":2}', '{"a":NaN}', '{"a":Infinity}', "[1,", b'"\xff"'])
def test_parsing_refuses_duplicates_constants_and_broken_text(text: str | bytes) -> None:
    with pytest.raises(CanonicalJSONError):
        parse_json(text)


def test_is_canonical_tells_the_canonical_form_from_others() -> None:
    assert is_canonical(b'{"a":1,"b":[2,3]}')
    assert not is_canonical(b'{"b":1,"a":2}')
    assert not is_canonical(b'{"a": 1}')
    assert not is_canonical(b'{"a":1.0}')
    assert not is_canonical(b'{"a":"\\u00e9"}')


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(exclude_categories=["Cs"])),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(alphabet=st.characters(exclude_categories=["Cs"])), children, max_size=4
        )
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_agrees_with_the_rfc8785_package(value: object) -> None:
    assert canonical_json(value) == rfc8785.dumps(value)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_canonical_form_is_stable_under_a_json_round_trip(value: object) -> None:
    once = canonical_json(value)
    assert canonical_json(parse_json(once, numbers="double")) == once
    assert is_canonical(once)


def test_the_canonical_text_of_a_large_float_reads_back_as_that_float() -> None:
    # ECMAScript writes 5.730727694407709e16 as 57307276944077090, an integer
    # token that no double holds exactly: read as input it is refused, read
    # back as canonical JSON it is the double again.
    value = {"x": 5.730727694407709e16}
    text = canonical_json(value)
    assert text == b'{"x":57307276944077090}'
    assert is_canonical(text)
    assert parse_json(text, numbers="double") == value
    with pytest.raises(CanonicalJSONError):
        parse_json(text)


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_parse_back_to_the_same_double(value: float) -> None:
    text = canonical_json(value)
    parsed = float(text)
    assert parsed == value or (parsed == 0 and value == 0)
    assert not math.isnan(parsed)

"""Reading answers documents: YAML or JSON, UTF-8, a mapping, at most 1 MiB."""

from __future__ import annotations

import pytest

from tianping.tiering import MAX_ANSWERS_BYTES, IntakeDocumentError, read_answers
from tianping.tiering.messages import (
    ERR_DOCUMENT_EMPTY,
    ERR_DOCUMENT_ENCODING,
    ERR_DOCUMENT_NOT_MAPPING,
    ERR_DOCUMENT_TOO_LARGE,
)


def test_yaml_answers_are_read() -> None:
    assert read_answers(b"personal_info: true\nscale: lt_10k\n") == {
        "personal_info": True,
        "scale": "lt_10k",
    }


def test_json_answers_are_read() -> None:
    assert read_answers(b' {"mitigations": ["none"], "exported": false}') == {
        "mitigations": ["none"],
        "exported": False,
    }


def test_a_byte_order_mark_is_allowed() -> None:
    assert read_answers("\ufeffgenerative: false\n".encode()) == {"generative": False}


def test_the_size_cap_is_one_mebibyte() -> None:
    assert MAX_ANSWERS_BYTES == 1_048_576
    read_answers(b"a: 1\n" + b"#" * (MAX_ANSWERS_BYTES - 6) + b"\n")


def test_a_document_over_the_cap_is_refused_before_parsing() -> None:
    with pytest.raises(IntakeDocumentError) as caught:
        read_answers(b"x" * (MAX_ANSWERS_BYTES + 1), source="big.yaml")
    assert caught.value.message == ERR_DOCUMENT_TOO_LARGE.en.format(
        source="big.yaml", limit=MAX_ANSWERS_BYTES
    )


def test_invalid_utf8_is_refused_with_the_byte_position() -> None:
    with pytest.raises(IntakeDocumentError) as caught:
        read_answers(b"scale: \xff\xfe\n", source="a.yaml")
    assert caught.value.message == ERR_DOCUMENT_ENCODING.en.format(source="a.yaml", position=7)


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (b"personal_info: [true\nscale: x\n", "line 2"),
        (b"a: 1\n b: 2\n  - c\n", "line"),
        (b'{"personal_info": tru}', "line 1, column 19"),
        (b"a: 1\n---\nb: 2\n", "line 2"),
    ],
)
def test_a_syntax_error_names_the_line(data: bytes, where: str) -> None:
    with pytest.raises(IntakeDocumentError, match="is not valid YAML or JSON") as caught:
        read_answers(data, source="a.yaml")
    assert where in caught.value.message


@pytest.mark.parametrize(
    ("data", "kind"), [(b"- personal_info\n", "a list"), (b"hello\n", "text"), (b"42", "a number")]
)
def test_a_document_that_is_not_a_mapping_is_refused(data: bytes, kind: str) -> None:
    with pytest.raises(IntakeDocumentError) as caught:
        read_answers(data, source="a.yaml")
    assert caught.value.message == ERR_DOCUMENT_NOT_MAPPING.en.format(source="a.yaml", got=kind)


@pytest.mark.parametrize("data", [b"", b"   \n", b"# only a comment\n"])
def test_an_empty_document_is_refused(data: bytes) -> None:
    with pytest.raises(IntakeDocumentError) as caught:
        read_answers(data, source="a.yaml")
    assert caught.value.message == ERR_DOCUMENT_EMPTY.en.format(source="a.yaml")


def test_document_errors_are_available_in_chinese() -> None:
    with pytest.raises(IntakeDocumentError) as caught:
        read_answers(b"- a\n", source="a.yaml")
    chinese = caught.value.in_language("zh-Hans")
    assert chinese.message == ERR_DOCUMENT_NOT_MAPPING.zh.format(source="a.yaml", got="列表")
    assert chinese.hint is not None and "UTF-8" in chinese.hint


def test_yaml_tags_that_build_objects_are_refused() -> None:
    with pytest.raises(IntakeDocumentError):
        read_answers(b"a: !!python/object/apply:os.system ['true']\n")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b'{"a": ' + b"[" * 100_000, "the value is nested deeper than 128 levels"),
        (b"a: " + b"[" * 100_000, "the value is nested deeper than 128 levels"),
        (b"a:\n" + b"".join(b"  " * i + b"- \n" for i in range(300)), "nested deeper than 128"),
        (b'{"a": 1' + b"0" * 5000 + b"}", "a number has 5001 characters; at most 1000 are read"),
        (b"a: 1" + b"0" * 5000, "a number has 5001 characters; at most 1000 are read"),
    ],
)
def test_deep_nesting_and_huge_numbers_are_syntax_errors(data: bytes, problem: str) -> None:
    with pytest.raises(IntakeDocumentError) as caught:
        read_answers(data)
    assert problem in str(caught.value)


def test_nesting_up_to_the_limit_is_read() -> None:
    deep = b"[" * 127 + b"1" + b"]" * 127
    assert read_answers(b'{"a": ' + deep + b"}")["a"] is not None
    assert read_answers(b"a: " + deep + b"\n")["a"] is not None

"""The report message catalogue: complete in both languages, and used in full."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from jinja2 import nodes

from tianping.reports import ReportError, load_messages, parse_messages, report_environment
from tianping.reports._messages import (
    BAD_MESSAGE_ENTRY,
    BAD_MESSAGE_ID,
    PLACEHOLDER_MISMATCH,
)
from tianping.reports._render import CODE_MESSAGE_IDS, TIER_MESSAGES

MESSAGE_FUNCTIONS = {"t", "t_plain"}


def _message_calls(template_name: str) -> Iterator[nodes.Call]:
    env = report_environment()
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, template_name)
    for call in env.parse(source).find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name in MESSAGE_FUNCTIONS:
            yield call


def _templates() -> list[str]:
    env = report_environment()
    assert env.loader is not None
    return env.loader.list_templates()


def _ids_used_in_templates() -> set[str]:
    used = set()
    for name in _templates():
        for call in _message_calls(name):
            used.add(call.args[0].value)  # type: ignore[attr-defined]
    return used


def test_templates_exist_and_call_t() -> None:
    assert {"base.html", "intake_summary.html"} <= set(_templates())
    assert len(_ids_used_in_templates()) > 40


@pytest.mark.parametrize("template_name", _templates())
def test_every_message_call_names_a_literal_id(template_name: str) -> None:
    # A computed id (t("tier." ~ x)) could not be checked for completeness; forbid it.
    for call in _message_calls(template_name):
        assert call.args, f"{template_name}:{call.lineno}: t() without a message id"
        first = call.args[0]
        assert isinstance(first, nodes.Const) and isinstance(first.value, str), (
            f"{template_name}:{call.lineno}: t() must name its message id as a string literal"
        )


def test_every_message_a_template_uses_exists_in_both_languages() -> None:
    catalogue = load_messages()
    missing = sorted(_ids_used_in_templates() - set(catalogue))
    assert missing == []
    for message_id in _ids_used_in_templates():
        text = catalogue[message_id]
        assert text.zh.strip() and text.en.strip()


def test_every_message_code_prints_exists_in_both_languages() -> None:
    catalogue = load_messages()
    assert set(TIER_MESSAGES.values()) <= CODE_MESSAGE_IDS
    assert sorted(CODE_MESSAGE_IDS - set(catalogue)) == []


def test_catalogue_has_no_unused_messages() -> None:
    unused = set(load_messages()) - _ids_used_in_templates() - CODE_MESSAGE_IDS
    assert sorted(unused) == []


def test_chinese_renderings_are_chinese() -> None:
    # Catches an English string pasted into the zh-Hans slot.
    for message_id, text in load_messages().items():
        assert any("\u4e00" <= char <= "\u9fff" for char in text.zh), message_id


def test_catalogue_carries_the_disclaimer_in_our_words() -> None:
    disclaimer = load_messages()["report.disclaimer"]
    assert "not legal advice" in disclaimer.en and "not a certification" in disclaimer.en
    assert "不构成法律意见" in disclaimer.zh


def test_a_message_missing_a_language_is_refused() -> None:
    with pytest.raises(ReportError) as caught:
        parse_messages({"tier.high": {"zh-Hans": "高风险"}}, source="test.yaml")
    assert caught.value.message == BAD_MESSAGE_ENTRY.format(
        message_id="tier.high", source="test.yaml", languages="zh-Hans, en"
    )


@pytest.mark.parametrize(
    "entry",
    [
        {"zh-Hans": "高风险", "en": ""},
        {"zh-Hans": "高风险", "en": None},
        {"zh-Hans": "高风险", "en": "High", "fr": "Élevé"},
        "高风险",
    ],
)
def test_an_empty_or_odd_message_is_refused(entry: object) -> None:
    with pytest.raises(ReportError):
        parse_messages({"tier.high": entry})


def test_a_malformed_message_id_is_refused() -> None:
    with pytest.raises(ReportError) as caught:
        parse_messages({"Tier High": {"zh-Hans": "高", "en": "High"}}, source="x")
    assert caught.value.message == BAD_MESSAGE_ID.format(message_id="Tier High", source="x")


def test_languages_must_share_their_placeholders() -> None:
    with pytest.raises(ReportError) as caught:
        parse_messages({"report.page": {"zh-Hans": "第 {page} 页", "en": "Page {n}"}}, source="x")
    assert caught.value.message == PLACEHOLDER_MISMATCH.format(
        message_id="report.page", source="x", found="zh-Hans ['page'], en ['n']"
    )


def test_unknown_message_id_is_a_report_error() -> None:
    with pytest.raises(ReportError):
        load_messages().text("no.such.message")

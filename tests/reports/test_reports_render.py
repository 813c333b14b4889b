"""Rendering HTML: languages, escaping, the page furniture and the renderer's errors."""

from __future__ import annotations

import doctest
import importlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tianping import __version__
from tianping.reports import ReportError, normalise_report_language, render_html
from tianping.reports._render import (
    NAIVE_TIMESTAMP,
    RESERVED_CONTEXT,
    TEMPLATE_NOT_FOUND,
    css_string,
)

AT = datetime(2026, 6, 3, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("zh-Hans", "zh-Hans"),
        ("zh", "zh-Hans"),
        ("zh_CN", "zh-Hans"),
        ("en", "en"),
        ("en-GB", "en"),
        ("both", "both"),
        ("BOTH", "both"),
    ],
)
def test_report_languages_are_normalised(code: str, expected: str) -> None:
    assert normalise_report_language(code) == expected


@pytest.mark.parametrize("code", ["fr", "", "   ", "de-DE"])
def test_unknown_report_language_is_a_report_error(code: str) -> None:
    with pytest.raises(ReportError):
        normalise_report_language(code)


def test_chinese_report_prints_chinese_page_furniture() -> None:
    html = render_html("base.html", {}, language="zh-Hans", generated_at=AT)
    assert '<html lang="zh-Hans">' in html
    assert "生成时间 2026-06-03 09:30 UTC" in html
    assert f"天平 {__version__}" in html
    assert "不构成法律意见" in html
    assert '"第 " counter(page) " 页 / 共 " counter(pages) " 页"' in html
    assert "not legal advice" not in html
    assert "Page " not in html


def test_english_report_prints_english_page_furniture() -> None:
    html = render_html("base.html", {}, language="en", generated_at=AT)
    assert '<html lang="en">' in html
    assert "Generated 2026-06-03 09:30 UTC" in html
    assert f"Tianping {__version__}" in html
    assert (
        "This report records the answers given and what the scoring found; "
        "it is not legal advice and not a certification."
    ) in html
    assert '"Page " counter(page) " of " counter(pages)' in html
    assert "生成时间" not in html
    assert "不构成法律意见" not in html


def test_both_languages_print_chinese_first() -> None:
    html = render_html("base.html", {}, language="both", generated_at=AT)
    assert html.index("生成时间") < html.index("Generated")
    assert html.index("不构成法律意见") < html.index("not legal advice")
    assert html.index('counter(pages) " 页"') < html.index('"Page "')
    assert '<span class="bi-en" lang="en">Generated</span>' in html


def test_timestamp_keeps_its_offset() -> None:
    beijing = timezone(timedelta(hours=8))
    html = render_html(
        "base.html", {}, language="en", generated_at=datetime(2026, 6, 3, 17, 30, tzinfo=beijing)
    )
    assert "2026-06-03 17:30 UTC+08:00" in html
    assert 'content="2026-06-03T17:30:00+08:00"' in html


def test_naive_timestamp_is_refused() -> None:
    with pytest.raises(ReportError) as caught:
        render_html("base.html", {}, language="en", generated_at=datetime(2026, 6, 3))
    assert caught.value.message == NAIVE_TIMESTAMP


def test_the_print_stylesheet_sets_a4_and_the_cjk_fonts() -> None:
    html = render_html("base.html", {}, language="zh-Hans", generated_at=AT)
    assert "size: A4;" in html
    assert 'font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif;' in html
    assert "<script" not in html


def test_unknown_template_is_a_report_error() -> None:
    with pytest.raises(ReportError) as caught:
        render_html("no_such_report.html", {}, language="en")
    assert caught.value.message == TEMPLATE_NOT_FOUND.format(template="no_such_report.html")


def test_context_may_not_shadow_the_renderers_helpers() -> None:
    with pytest.raises(ReportError) as caught:
        render_html("base.html", {"t": print, "language": "fr"}, language="en")
    assert caught.value.message == RESERVED_CONTEXT.format(names="language, t")


def test_a_value_the_template_needs_but_lacks_is_a_report_error() -> None:
    # StrictUndefined: intake_summary.html without its context fails loudly.
    with pytest.raises(ReportError, match=r"intake_summary\.html"):
        render_html("intake_summary.html", {}, language="en")


@pytest.mark.parametrize(
    ("text", "css"),
    [
        ("Page ", '"Page "'),
        ('say "hi"', '"say \\22 hi\\22 "'),
        ("</style><script>", '"\\3c /style\\3e \\3c script\\3e "'),
        ("back\\slash\n", '"back\\5c slash\\a "'),
    ],
)
def test_css_strings_cannot_break_out_of_the_stylesheet(text: str, css: str) -> None:
    assert str(css_string(text)) == css


@pytest.mark.parametrize(
    "module",
    [
        "tianping.reports",
        "tianping.reports._fonts",
        "tianping.reports._intake_summary",
        "tianping.reports._messages",
        "tianping.reports._render",
    ],
)
def test_docstring_examples_run(module: str) -> None:
    tested = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert tested.failed == 0

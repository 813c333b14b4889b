"""Accessibility at the template roots: form fields, the language of entered text, colours.

The browser test ``tests/web/e2e/test_e2e_screens.py`` runs axe-core over every role's pages;
these checks pin the roots it relies on without a browser.
"""

from __future__ import annotations

import re
from pathlib import Path

from django import forms
from django.template.loader import render_to_string
from django.utils import translation

from tianping.web.core.templatetags.a11y import cjk_lang

CSS = Path(__file__).parents[3] / "src/tianping/web/static/tianping/tianping.css"


class _Form(forms.Form):
    title = forms.CharField(label="Title", help_text="As on the cover.")
    personal = forms.ChoiceField(
        label="Does it process personal information?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        help_text="Any record about a person.",
    )
    markets = forms.MultipleChoiceField(
        label="Markets",
        choices=[("cn", "China"), ("eu", "EU")],
        widget=forms.CheckboxSelectMultiple,
    )


def _fields(form: forms.Form) -> str:
    return "".join(render_to_string("_field.html", {"field": field}) for field in form)


def test_every_id_that_aria_describedby_names_is_rendered() -> None:
    html = _fields(_Form(data={}))  # bound and empty: every field has an error
    named = {i for ids in re.findall(r'aria-describedby="([^"]+)"', html) for i in ids.split()}
    assert {"id_title_helptext", "id_title_error", "id_personal_error"} <= named
    rendered = set(re.findall(r'\bid="([^"]+)"', html))
    assert named <= rendered, named - rendered


def test_choice_groups_are_a_fieldset_whose_legend_is_the_question() -> None:
    html = _fields(_Form())
    groups = re.findall(r"<fieldset[^>]*>\s*<legend>([^<]*)</legend>", html)
    assert groups == ["Does it process personal information? *", "Markets *"]
    assert 'aria-describedby="id_personal_helptext"' in html  # on the fieldset
    assert '<label for="id_title">Title *</label>' in html


def test_a_refused_form_puts_its_error_summary_in_focus() -> None:
    html = render_to_string("_form_errors.html", {"form": _Form(data={})})
    assert re.search(r'class="error-summary"[^>]*tabindex="-1"[^>]*autofocus', html)
    assert "error-summary" not in render_to_string("_form_errors.html", {"form": _Form()})


def test_chinese_text_is_marked_on_an_english_page_only() -> None:
    with translation.override("en"):
        assert (
            cjk_lang("智能信贷评分 XH-Credit")
            == '<span lang="zh-Hans">智能信贷评分 XH-Credit</span>'
        )
        assert cjk_lang("Credit <scoring>") == "Credit &lt;scoring&gt;"
        assert cjk_lang("<b>评分</b>") == '<span lang="zh-Hans">&lt;b&gt;评分&lt;/b&gt;</span>'
        assert cjk_lang(None) == ""
    with translation.override("zh-hans"):
        assert cjk_lang("智能信贷评分") == "智能信贷评分"


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_white_text_on_every_badge_and_tile_colour_reaches_4_5_to_1() -> None:
    css = CSS.read_text(encoding="utf-8")
    colours = dict(re.findall(r"--([a-z]+):(#[0-9a-f]{6})", css))
    for name in ("low", "medium", "high", "muted", "accent"):
        assert _contrast(colours[name], "#ffffff") >= 4.5, name
    for literal in re.findall(r"\.(?:badge\.expert|verdict-\w+) \{ background:(#[0-9a-f]{6})", css):
        assert _contrast(literal, "#ffffff") >= 4.5, literal


def test_tier_tiles_keep_their_colour_after_the_white_tile_rule() -> None:
    css = CSS.read_text(encoding="utf-8")
    plain_tile = css.index(".tile {")
    for tier in ("low", "medium", "high"):
        coloured = css.index(f".tile.tier-{tier} {{ background:var(--{tier}); }}")
        assert coloured > plain_tile, tier  # later, and more specific, than .tile's white

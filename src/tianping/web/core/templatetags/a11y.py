"""Template filters for accessibility: the language of text people entered.

``{{ system.name|cjk_lang }}`` marks text written in Chinese with ``lang="zh-Hans"`` when
the page is in another language, so that a screen reader reads it with a Chinese voice
(WCAG 3.1.2, language of parts). On a Chinese page, or for text without Chinese
characters, the text is only escaped.
"""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

# CJK ideographs (unified, extension A, compatibility) and CJK punctuation and full-width forms.
_CJK = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


@register.filter
def cjk_lang(value: Any) -> SafeString:
    """The value, escaped; in ``<span lang="zh-Hans">`` if Chinese on another language's page."""
    text = conditional_escape("" if value is None else value)  # markup already safe is kept
    if _CJK.search(text) and not (get_language() or "").lower().startswith("zh"):
        return format_html('<span lang="zh-Hans">{}</span>', text)
    return SafeString(text)

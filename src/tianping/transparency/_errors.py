"""The error the transparency package raises, worded in both languages with a fix."""

from __future__ import annotations

from tianping.errors import LocalizedError
from tianping.text import LocalizedText


class TransparencyError(LocalizedError):
    """A transparency document could not be built: its input is not what the schema asks."""


NOT_A_MAPPING = LocalizedText(
    zh="{where} 应为映射（键: 值），实际为 {found}",
    en="{where} must be a mapping (key: value), found {found}",
)
NOT_A_LIST = LocalizedText(
    zh="{where} 应为列表，实际为 {found}", en="{where} must be a list, found {found}"
)
NOT_TEXT = LocalizedText(
    zh="{where} 应为文本，或含 zh-Hans 与 en 的双语文本",
    en="{where} must be a text, or a bilingual text with zh-Hans and en",
)
NOT_A_NUMBER = LocalizedText(
    zh="{where} 应为数字，实际为 {found}", en="{where} must be a number, found {found}"
)
NOT_A_COUNT = LocalizedText(
    zh="{where} 应为 0 至 2^53−1 之间的整数，实际为 {found}",
    en="{where} must be a whole number from 0 to 2^53−1, found {found}",
)
NOT_A_BOOL = LocalizedText(zh="{where} 应为 true 或 false", en="{where} must be true or false")
NOT_A_DATE = LocalizedText(
    zh="{where} 应为 ISO 日期（2026-06-30），实际为 {found}",
    en="{where} must be an ISO date (2026-06-30), found {found}",
)
UNKNOWN_KEYS = LocalizedText(
    zh="{where} 含有未知的键：{keys}；可用的键：{known}",
    en="{where} has unknown keys: {keys}; known keys: {known}",
)
MISSING_KEY = LocalizedText(zh="缺少 {where}", en="{where} is missing")
BAD_CHOICE = LocalizedText(
    zh="{where} 的值 {found} 无效；可选：{choices}",
    en="{where}: {found} is not one of {choices}",
)
BAD_PERIOD = LocalizedText(zh="{where} 的开始日期晚于结束日期", en="{where} starts after it ends")
UNKNOWN_KIND = LocalizedText(
    zh="未知的文档类型 {kind}；可选：{choices}",
    en="unknown document kind {kind}; use one of {choices}",
)
NOT_CANONICAL = LocalizedText(
    zh="文档无法规范化为 JSON（RFC 8785）：{detail}",
    en="the document cannot be put into canonical JSON (RFC 8785): {detail}",
)

INPUT_HINT = LocalizedText(
    zh="输入格式见 docs/transparency.md；示例：examples/transparency/system.yaml。",
    en="See docs/transparency.md for the input format; an example: "
    "examples/transparency/system.yaml.",
)
KIND_HINT = LocalizedText(
    zh="例如：tianping docs generate user-notice INPUT.yaml --out DIR",
    en="For example: tianping docs generate user-notice INPUT.yaml --out DIR",
)

__all__ = ["TransparencyError"]

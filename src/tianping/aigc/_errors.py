"""Errors of the label check: a file that cannot be read, a rules file that is invalid.

A file that is read but carries no label, or a label that breaks a rule, is no
error: :func:`~tianping.aigc.check_file` answers with a verdict.
"""

from __future__ import annotations

from tianping.errors import LocalizedError
from tianping.text import LocalizedText

UNREADABLE = LocalizedText(
    zh="无法读取 {source}：{problem}",
    en="Cannot read {source}: {problem}",
)
UNREADABLE_HINT = LocalizedText(
    zh=(
        "请提供 PNG、JPEG、MP4、WAV、MP3、docx、PDF 或 Markdown 文件；"
        "docs/labels.md 列出各格式中标识的位置和读取限额。"
    ),
    en=(
        "Give a PNG, JPEG, MP4, WAV, MP3, docx, PDF or Markdown file; docs/labels.md lists "
        "where each format holds the label and the limits of the readers."
    ),
)
RULES_INVALID = LocalizedText(
    zh="标识规则文件 {source} 无效：{problem}",
    en="The label rules file {source} is invalid: {problem}",
)
RULES_HINT = LocalizedText(
    zh="请按 docs/labels.md 修正该文件中标明的位置。",
    en="Fix the place named in the file; docs/labels.md describes its fields.",
)


class LabelError(LocalizedError):
    """Anything in :mod:`tianping.aigc` that cannot go on (the hint: how to fix it)."""


class UnreadableFileError(LabelError):
    """A file whose format is not supported, or is damaged, truncated or beyond a limit.

    ``params`` hold ``source`` (the file) and ``problem`` (what is wrong, in English).
    """


class RulesError(LabelError):
    """A rules file that is not well-formed or breaks its schema."""


def unreadable(source: str, problem: str) -> UnreadableFileError:
    return UnreadableFileError(
        UNREADABLE, hint=UNREADABLE_HINT, params={"source": source, "problem": problem}
    )


def rules_error(source: str, problem: str) -> RulesError:
    return RulesError(RULES_INVALID, hint=RULES_HINT, params={"source": source, "problem": problem})


__all__ = ["LabelError", "RulesError", "UnreadableFileError"]

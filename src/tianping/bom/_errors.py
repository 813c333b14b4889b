"""Errors of the supply-chain check: a BOM, a description or a data file that cannot be read.

A BOM that is read but whose components are not all certified is no error: it is
the answer of :func:`~tianping.bom.verify_bom`.
"""

from __future__ import annotations

from tianping.errors import LocalizedError
from tianping.text import LocalizedText

BOM_INVALID = LocalizedText(
    zh="无法读取物料清单 {source}：{problem}",
    en="Cannot read the bill of materials {source}: {problem}",
)
BOM_HINT = LocalizedText(
    zh="请提供 UTF-8 编码、符合 CycloneDX 1.6 或 1.7 JSON Schema 的 AI 物料清单（JSON 文件）。",
    en="Give a UTF-8 JSON AI-BOM that validates against the CycloneDX 1.6 or 1.7 JSON Schema.",
)
DATA_INVALID = LocalizedText(
    zh="文件 {source} 无效：{problem}",
    en="The file {source} is invalid: {problem}",
)
DATA_HINT = LocalizedText(
    zh="docs/certification.md 的“供应链”一节说明了该文件的格式（examples/bom/ 中有示例）。",
    en="docs/certification.md, section Supply chain, describes the file; examples/bom/ has one.",
)


class BomError(LocalizedError):
    """Anything in :mod:`tianping.bom` that cannot go on (bad input; the hint: how to fix it)."""


def bom_error(source: str, problem: str) -> BomError:
    return BomError(BOM_INVALID, hint=BOM_HINT, params={"source": source, "problem": problem})


def data_error(source: str, problem: str) -> BomError:
    return BomError(DATA_INVALID, hint=DATA_HINT, params={"source": source, "problem": problem})


__all__ = ["BomError", "bom_error", "data_error"]

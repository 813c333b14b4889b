"""The decision letter's layout: the seal row never stands alone on the last page."""

from __future__ import annotations

import copy
import io
from datetime import UTC, datetime
from typing import Any

import pytest
from pypdf import PdfReader

from tianping.reports import decision_letter_pdf, load_messages

AT = datetime(2026, 6, 3, 9, 30, tzinfo=UTC)

# The demo's expert re-review application (``tianping web demo``): approved by the
# committee, confirmed by the regulator's panel, a follow-up due, three ledger entries.
DEMO_RECORD: dict[str, Any] = {
    "application": {
        "reference": "ER-2026-7F3A9C",
        "title": "财富资讯个性化推荐伦理审查",
        "kind": "initial",
        "organisation": {"name": "星河金融科技有限公司"},
        "system": {"name": "财富资讯个性化推荐"},
        "body": {"name": "星河金融科技有限公司科技伦理委员会"},
    },
    "procedure": {"procedure": "general", "accepted_at": "2026-05-02T10:00:00+08:00"},
    "decision": {
        "type": "approve",
        "basis": "meeting",
        "decided_at": "2026-05-10T10:00:00+08:00",
        "follow_up_due": "2027-05-10",
    },
    "expert_review": {
        "authority": {"name": "上海市科学技术委员会"},
        "preliminary_decision": "approve",
        "opinion": "agree",
        "concluded_at": "2026-05-20",
    },
    "ledger": {"origin": "https://tianping.example/ledger", "decision_indices": [10, 11, 12]},
}


def _with_changes(record: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(record)
    out["decision"]["type"] = "approve_after_modification"
    out["decision"]["required_changes"] = [
        "上线后 30 日内提交误报率分群监测报告",
        "冻结交易须在 2 小时内人工复核",
    ]
    return out


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("language", ["zh-Hans", "en", "both"])
@pytest.mark.parametrize(
    "record", [DEMO_RECORD, _with_changes(DEMO_RECORD)], ids=["demo", "with-changes"]
)
def test_the_seal_row_is_kept_with_the_closing_section(
    record: dict[str, Any], language: str
) -> None:
    messages = load_messages()
    lang = "zh-Hans" if language == "both" else language
    seal = messages["letter.signature"].get(lang)
    closing = messages["letter.ledger.heading"].get(lang)

    pages = _pages(decision_letter_pdf(record=record, language=language, generated_at=AT))

    with_seal = [i for i, text in enumerate(pages) if seal in text]
    assert with_seal == [len(pages) - 1]
    # The page holding the seal row also holds the section before it.
    assert closing in pages[-1]

"""The intake summary as HTML: what it shows, in which language, and what it refuses."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from tianping.reports import ReportError, intake_summary_html
from tianping.reports._intake_summary import (
    NOT_TEXT,
    RESULT_BAD_TIER,
    RESULT_KEY_MISSING,
    SYSTEM_NAME_MISSING,
)


def _html(system: dict[str, Any], result: dict[str, Any], language: str, at: datetime) -> str:
    return intake_summary_html(system=system, result=result, language=language, generated_at=at)


def _section(html: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}".*?</section>', html, re.S)
    assert match, section_id
    return match.group(0)


def test_chinese_summary_shows_every_part(
    system: dict[str, Any], result: dict[str, Any], generated_at: datetime
) -> None:
    html = _html(system, result, "zh-Hans", generated_at)
    assert "<title>人工智能系统分级填报摘要 — 智能信贷评分</title>" in html
    # particulars
    for value in ("示例银行股份有限公司", "手机银行应用", "XGBoost", "开源社区", "历史放贷记录"):
        assert value in html
    assert "<bdi>中国</bdi>、<bdi>新加坡</bdi>" in html
    # tier badge, expert review
    assert '<span class="badge badge-tier-high">高风险</span>' in html
    assert "需经专家复核" in _section(html, "tier") and "是" in _section(html, "tier")
    # score breakdown and bands
    score = _section(html, "score")
    for text in ("影响原始分", "26", "缓解措施抵扣", "− 3.9", "最终得分", "22.1", "15 %", "70"):
        assert text in score
    assert "≥ 10, &lt; 22" in score and "≥ 22" in score
    # reasons with their effects
    reasons = _section(html, "reasons")
    assert "等级不低于高风险" in reasons
    assert "+4 分" in reasons and "抵扣 10%" in reasons
    assert "sensitive_data_high_stakes_decision" in reasons
    assert "在信贷中进行自动化决策且处理敏感个人信息" in reasons
    # obligations checklist
    obligations = _section(html, "obligations")
    assert obligations.count('<span class="checkbox"></span>') == 2
    assert "强化审查" in obligations and "系统向境外提供" in obligations
    # answers: labels for questions and choices; unknown questions keep their id
    answers = _section(html, "answers")
    assert "系统在哪些方面进行自动化决策？" in answers and "信贷与授信" in answers
    assert "free_text" in answers and "未在问卷中" in answers
    # no override; sign-off
    assert "未调整" in _section(html, "override")
    signoff = _section(html, "signoff")
    assert "填报人" in signoff and "审核人" in signoff and "签名" in signoff
    # nothing English leaks into the Chinese report's own words
    assert "Risk tier" not in html and "High risk" not in html


def test_english_summary_uses_english_words(
    system: dict[str, Any], result: dict[str, Any], generated_at: datetime
) -> None:
    html = _html(system, result, "en", generated_at)
    assert '<span class="badge badge-tier-high">High risk</span>' in html
    for text in ("System particulars", "Score breakdown", "Reasons for the tier", "Obligations"):
        assert text in html
    assert "Tier at least High risk" in html and "+4 points" in html and "10% credit" in html
    assert "credit and lending" in html
    assert "<bdi>中国</bdi>, <bdi>新加坡</bdi>" in html
    # the system's own particulars stay as given
    assert "智能信贷评分" in html
    for chinese in ("高风险", "系统概况", "评分明细", "信贷与授信"):
        assert chinese not in html


def test_both_languages_put_texts_side_by_side_chinese_first(
    system: dict[str, Any], result: dict[str, Any], generated_at: datetime
) -> None:
    html = _html(system, result, "both", generated_at)
    assert html.index("系统概况") < html.index("System particulars")
    assert (
        '高风险</span> <span class="bi-sep">/</span> <span class="bi-en" lang="en">High risk'
        in html
    )
    assert (
        '<div class="bi-block"><div lang="zh-Hans">'
        "强化审查：由伦理委员会按一般程序召开会议审查。</div>"
        '<div lang="en">Enhanced scrutiny by the ethics committee in a meeting.</div></div>'
    ) in html


def test_missing_particulars_print_a_dash(result: dict[str, Any], generated_at: datetime) -> None:
    html = _html({"name": "最小系统"}, result, "en", generated_at)
    particulars = _section(html, "system")
    # ten particulars, and an empty row of three cells for components and for datasets
    assert particulars.count('<span class="empty">—</span>') == 10 + 3 + 3


def test_hostile_strings_are_escaped_isolated_and_never_markup(
    hostile_system: dict[str, Any], result: dict[str, Any], generated_at: datetime
) -> None:
    result["override"] = {
        "tier": "high",
        "computed_tier": "high",
        "justification": "</td></tr></table><script>steal()</script>",
        "by": "\u202e李四",
        "at": "2026-06-02T10:00:00+08:00",
        "below_floor": False,
    }
    result["answers"]["<b>q</b>"] = "<i>answer</i>"
    for language in ("zh-Hans", "en", "both"):
        html = _html(hostile_system, result, language, generated_at)
        assert "<script" not in html.lower()
        assert "<img" not in html and "<b>q" not in html and "<i>answer" not in html
        assert "&lt;script&gt;alert(&#39;天平&#39;)&lt;/script&gt;" in html
        assert "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;script&gt;steal()&lt;/script&gt;" in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert "<bdi>&amp;amp;</bdi>" in html
        # RTL overrides stay inside their own isolate
        assert "<bdi>张三 \u202eevil</bdi>" in html
        assert "<bdi>\u202e李四</bdi>" in html
        # a long unbroken string sits in a <bdi>, which the stylesheet lets wrap
        assert f"<bdi>{'W' * 400}</bdi>" in html
        assert re.search(r"bdi, \.code \{\s*overflow-wrap: break-word;", html)


def test_override_shows_both_tiers_the_justification_and_a_floor_warning(
    system: dict[str, Any], overridden_result: dict[str, Any], generated_at: datetime
) -> None:
    html = _html(system, overridden_result, "zh-Hans", generated_at)
    override = _section(html, "override")
    assert '<p class="notice">注意：调整后的等级低于答案所触发的等级下限。</p>' in override
    assert "评分得出的等级" in override and "高风险" in override
    assert "调整后的等级" in override and "中风险" in override
    assert "委员会认为已有的人工复核足以控制风险。" in override
    assert "李四" in override and "2026-06-02T10:00:00+08:00" in override
    assert '<span class="badge badge-tier-medium">中风险</span>' in html


def test_the_contract_shape_from_the_brief_is_accepted(
    system: dict[str, Any], generated_at: datetime
) -> None:
    # "text" for a reason's sentence, bands as a mapping, computed_tier beside the override.
    result = {
        "tier": "low",
        "expert_review_required": False,
        "score": {
            "raw_impact": 9,
            "mitigation_credit": 0,
            "final": 9,
            "max_raw": 70,
            "bands": {"low": 0, "medium": 10, "high": 22},
        },
        "reasons": [
            {
                "question": "scale",
                "answer": "10k_1m",
                "points": 2,
                "floor": None,
                "text": {"zh-Hans": "规模中等", "en": "Medium scale"},
            }
        ],
        "obligations": [
            {
                "id": "review.fast_track",
                "text": {"zh-Hans": "快速通道", "en": "Fast track"},
                "why": None,
            }
        ],
        "questionnaire_version": "2026.1",
        "override": {
            "tier": "low",
            "justification": "保持低风险",
            "by": "王五",
            "at": "2026-06-02",
            "below_floor": False,
        },
        "computed_tier": "low",
    }
    html = _html(system, result, "en", generated_at)
    assert "Medium scale" in html and "Fast track" in html
    assert "≥ 10" in _section(html, "score")
    assert "The answers were not attached to this report." in html
    assert "Tier the scoring computed" in html


@pytest.mark.parametrize("name", [None, "", "   ", 42])
def test_a_system_needs_a_name(name: object, result: dict[str, Any]) -> None:
    with pytest.raises(ReportError) as caught:
        intake_summary_html(system={"name": name}, result=result, language="en")
    assert caught.value.message == SYSTEM_NAME_MISSING


def test_a_number_where_text_belongs_is_refused_with_a_hint(result: dict[str, Any]) -> None:
    with pytest.raises(ReportError) as caught:
        intake_summary_html(
            system={"name": "x", "model_version": 2.1}, result=result, language="en"
        )
    assert caught.value.message == NOT_TEXT.format(
        what="system.model_version", kind="float", value=2.1
    )


@pytest.mark.parametrize(
    "key", ["tier", "expert_review_required", "score", "reasons", "obligations", "override"]
)
def test_a_result_missing_a_key_is_refused(key: str, result: dict[str, Any]) -> None:
    del result[key]
    with pytest.raises(ReportError) as caught:
        intake_summary_html(system={"name": "x"}, result=result, language="en")
    assert caught.value.message == RESULT_KEY_MISSING.format(key=key)


def test_an_unknown_tier_is_refused(result: dict[str, Any]) -> None:
    result["tier"] = "extreme"
    with pytest.raises(ReportError) as caught:
        intake_summary_html(system={"name": "x"}, result=result, language="en")
    assert caught.value.message == RESULT_BAD_TIER.format(what="result.tier", tier="extreme")


@pytest.mark.parametrize(
    ("path", "bad"),
    [
        (("score", "final"), "22"),
        (("score", "raw_impact"), True),
        (("expert_review_required",), "yes"),
        (("reasons",), "none"),
        (("obligations",), [{"id": "x", "text": 5, "why": None}]),
    ],
)
def test_values_of_the_wrong_type_are_refused(
    path: tuple[str, ...], bad: object, result: dict[str, Any]
) -> None:
    target = result
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = bad
    with pytest.raises(ReportError):
        intake_summary_html(system={"name": "x"}, result=result, language="en")


def test_decimal_scores_from_the_web_layer_print_as_numbers(
    system: dict[str, Any], result: dict[str, Any], generated_at: datetime
) -> None:
    result["score"]["final"] = Decimal("22.10")
    result["score"]["mitigation_credit"] = Decimal("3.90")
    score = _section(_html(system, result, "en", generated_at), "score")
    assert "<strong>22.1</strong>" in score and "− 3.9" in score

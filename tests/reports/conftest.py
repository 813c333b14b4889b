"""Shared inputs for the report tests: a system, a tier result, and hostile strings.

The tier result is written out by hand in the shape of ``TierResult.to_json()``
so these tests do not depend on the tiering package.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

SCRIPT = "<script>alert('天平')</script>"
LONG = "W" * 400
RTL_OVERRIDE = "\u202eevil"

SYSTEM: dict[str, Any] = {
    "name": "智能信贷评分",
    "organisation": "示例银行股份有限公司",
    "purpose": "对个人贷款申请进行信用评分",
    "sector": "金融",
    "owner": "风险管理部",
    "lifecycle_stage": "试运行",
    "model_version": "2.10",
    "deployment_context": "手机银行应用",
    "markets": ["中国", "新加坡"],
    "export_destinations": ["东盟"],
    "components": [{"name": "XGBoost", "vendor": "开源社区"}],
    "datasets": [{"name": "历史放贷记录", "source": "内部"}],
    "people_affected": "贷款申请人",
}

RESULT: dict[str, Any] = {
    "tier": "high",
    "expert_review_required": True,
    "score": {
        "raw_impact": 26,
        "mitigation_percent": 15,
        "mitigation_credit": 3.9,
        "final": 22.1,
        "max_raw": 70,
        "band_tier": "high",
        "bands": [
            {"tier": "low", "min": 0.0, "max": 10.0},
            {"tier": "medium", "min": 10.0, "max": 22.0},
            {"tier": "high", "min": 22.0, "max": None},
        ],
    },
    "reasons": [
        {
            "kind": "floor",
            "question": "automated_decisions",
            "answer": ["credit"],
            "points": None,
            "credit_percent": None,
            "floor": "high",
            "rule": "sensitive_data_high_stakes_decision",
            "explanation": {
                "zh-Hans": "在信贷中进行自动化决策且处理敏感个人信息：至少为高风险。",
                "en": "Automated credit decisions on sensitive personal data: at least high.",
            },
        },
        {
            "kind": "points",
            "question": "sensitive_pi",
            "answer": True,
            "points": 4,
            "credit_percent": None,
            "floor": None,
            "rule": None,
            "explanation": {
                "zh-Hans": "处理敏感个人信息：是（影响分 +4）",
                "en": "Processes sensitive personal information: yes (impact +4)",
            },
        },
        {
            "kind": "mitigation",
            "question": "mitigations",
            "answer": ["human_review"],
            "points": None,
            "credit_percent": 10,
            "floor": None,
            "rule": None,
            "explanation": {
                "zh-Hans": "缓解措施：人工复核自动化输出（抵减 10%）",
                "en": "Mitigation: human review of automated outputs (10% credit)",
            },
        },
    ],
    "obligations": [
        {
            "id": "review.enhanced",
            "text": {
                "zh-Hans": "强化审查：由伦理委员会按一般程序召开会议审查。",
                "en": "Enhanced scrutiny by the ethics committee in a meeting.",
            },
            "why": {"zh-Hans": "等级为高风险", "en": "the tier is high"},
            "trigger": "tier",
            "source": "S&T Ethics Review Measures 2023, general procedure",
        },
        {
            "id": "export.ethics_review",
            "text": {
                "zh-Hans": "出口伦理审查：由第三方机构开展审查。",
                "en": "Export ethical review by an accredited third party.",
            },
            "why": {"zh-Hans": "系统向境外提供", "en": "the system is supplied abroad"},
            "trigger": "condition",
            "source": None,
        },
    ],
    "questionnaire_version": "2026.1",
    "override": None,
    "answers": {
        "sensitive_pi": True,
        "automated_decisions": ["credit"],
        "mitigations": ["human_review"],
        "free_text": "未在问卷中",
    },
    "questions": {
        "sensitive_pi": {
            "zh-Hans": "系统是否处理敏感个人信息？",
            "en": "Does the system process sensitive personal information?",
        },
        "automated_decisions": {
            "zh-Hans": "系统在哪些方面进行自动化决策？",
            "en": "In which areas does the system make automated decisions?",
        },
        "mitigations": {
            "zh-Hans": "已经落实了哪些风险缓解措施？",
            "en": "Which mitigations are in place?",
        },
    },
    "choices": {
        "automated_decisions": {"credit": {"zh-Hans": "信贷与授信", "en": "credit and lending"}},
        "mitigations": {
            "human_review": {"zh-Hans": "人工复核自动化输出", "en": "human review of outputs"}
        },
    },
}

OVERRIDE: dict[str, Any] = {
    "tier": "medium",
    "computed_tier": "high",
    "justification": "委员会认为已有的人工复核足以控制风险。",
    "by": "李四",
    "at": "2026-06-02T10:00:00+08:00",
    "below_floor": True,
    "floor": "high",
}

GENERATED_AT = datetime(2026, 6, 3, 9, 30, tzinfo=UTC)


@pytest.fixture
def system() -> dict[str, Any]:
    """An AI system with every particular filled in."""
    return copy.deepcopy(SYSTEM)


@pytest.fixture
def result() -> dict[str, Any]:
    """A high-tier result with answers, question and choice labels."""
    return copy.deepcopy(RESULT)


@pytest.fixture
def overridden_result() -> dict[str, Any]:
    """The same result, overridden to medium below a high floor."""
    overridden = copy.deepcopy(RESULT)
    overridden["tier"] = "medium"
    overridden["override"] = copy.deepcopy(OVERRIDE)
    return overridden


def _hostile_system() -> dict[str, Any]:
    hostile = copy.deepcopy(SYSTEM)
    hostile["organisation"] = SCRIPT
    hostile["purpose"] = LONG
    hostile["owner"] = f"张三 {RTL_OVERRIDE}"
    hostile["components"] = [{"name": "<img src=x onerror=alert(1)>", "vendor": "&amp;"}]
    return hostile


@pytest.fixture
def hostile_system() -> dict[str, Any]:
    """A system whose particulars try markup injection, overflow and text reordering."""
    return _hostile_system()


@pytest.fixture(scope="session")
def hostile_report_inputs() -> tuple[dict[str, Any], dict[str, Any]]:
    """The hostile system and the high-tier result, for module-scoped (slow) renders."""
    return _hostile_system(), copy.deepcopy(RESULT)


@pytest.fixture
def generated_at() -> datetime:
    return GENERATED_AT

"""The demo's transparency documents: the first system's user notice, published, and a draft
model card."""

from __future__ import annotations

from typing import Any

from tianping.web.transparency import selectors
from tianping.web.transparency.models import DocumentVersion
from tianping.web.transparency.services import document_publish, document_save

NOTICE = {
    "system": {
        "owner": "零售信贷部",
        "ai_role": {
            "zh-Hans": "人工智能给出信用评分和审批建议，最终决定由信贷审批员作出。",
            "en": "The AI gives a credit score and a recommendation; a loan officer decides.",
        },
        "limitations": [
            {
                "zh-Hans": "对信用记录较短的申请人准确率较低，可能出错。",
                "en": "Less accurate for applicants with a short credit history; it may be wrong.",
            }
        ],
        "opt_out": {
            "zh-Hans": "在申请页面选择“人工审核”，即可不经人工智能评分。",
            "en": "Choose “Human review” on the application page to be assessed without the AI.",
        },
        "human_contact": {
            "zh-Hans": "致电客服热线或前往任一网点，由信贷审批员解答。",
            "en": "Call the service line or visit any branch to speak to a loan officer.",
        },
    }
}
MODEL_CARD = {
    "system": {
        **NOTICE["system"],
        "approach": "supervised",
        "task": {"zh-Hans": "预测十二个月内违约", "en": "Default within twelve months"},
    }
}


def seed_transparency(systems: dict[str, Any]) -> None:
    """A published user notice and a draft model card of the first system its registrant
    may act for."""
    if DocumentVersion.objects.exists():
        return
    for system in systems.values():
        owner = system.created_by
        if owner is None or not selectors.is_owner(owner, system):
            continue
        notice = document_save(actor=owner, system=system, kind="user-notice", owner_fields=NOTICE)
        document_publish(actor=owner, row=notice)
        document_save(actor=owner, system=system, kind="model-card", owner_fields=MODEL_CARD)
        return

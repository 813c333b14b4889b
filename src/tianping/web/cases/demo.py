"""The demo's case database: the shipped cases, a public complaint about a certified system
and a correction request waiting for an administrator."""

from __future__ import annotations

from typing import Any

from tianping.web.cases.models import CaseRecord
from tianping.web.cases.services import case_request_file, cases_sync, complaint_file
from tianping.web.certification.selectors import register_certificates


def seed_cases(orgs: dict[str, Any], users: dict[str, Any], systems: dict[str, Any]) -> None:
    cases_sync()
    certificate = register_certificates().select_related("system").first()
    if certificate is not None:
        complaint_file(
            system=certificate.system,
            name="王女士",
            contact="wang@example.invalid",
            text="系统拒绝了我的申请，却没有说明理由，也没有人工复核的渠道。",
        )
    case = CaseRecord.objects.order_by("code").first()
    if case is not None:
        case_request_file(
            case=case,
            kind="correction",
            company="示例科技有限公司",
            requester="李先生",
            contact="li@example.invalid",
            text="案例中的日期应为事件首次报道的日期。",
        )

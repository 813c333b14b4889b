"""Case records for the case database tests: the shipped cases, and one organisation case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.web.factories import Network
from tests.web.network.factories import file_report
from tianping.web.cases.models import AiidImport, CaseOrigin, CaseRecord, CaseVisibility
from tianping.web.cases.services import case_request_file, cases_sync, complaint_file

PRIVATE_TITLE = "Matrix private case of enterprise A"


def private_case(n: Network, *, visibility: str = CaseVisibility.ORGANISATION) -> CaseRecord:
    """A case of enterprise A, readable by A and its regulators (and its jurisdiction)."""
    return CaseRecord.objects.create(
        code=f"RR-{visibility}",
        origin=CaseOrigin.REPORT,
        visibility=visibility,
        organisation=n.enterprise_a,
        jurisdiction_path=n.city_a.path,
        title_zh="企业甲的内部案例",
        title_en=PRIVATE_TITLE,
        summary_zh="内部",
        summary_en="internal",
        date=dt.date(2025, 1, 1),
        year=2025,
        sector="finance",
        region="CN",
        system_type="scoring_model",
        risk_category="discrimination",
        severity="low",
        licence="",
        search_zh="企业 内部 案例",
        search_en="matrix private case internal",
    )


def cases_values(n: Network) -> dict[str, Any]:
    """Path parameters of the case URLs: a case only A and its regulators may read, a filed
    (not accepted) risk report of A, a correction request and a complaint about system A."""
    cases_sync()
    case = private_case(n)
    public = CaseRecord.objects.filter(visibility=CaseVisibility.PUBLIC).order_by("code").first()
    assert public is not None
    request = case_request_file(
        case=public,
        kind="correction",
        company="Matrix Co.",
        requester="Matrix",
        contact="matrix@example.invalid",
        text="matrix",
    )
    complaint = complaint_file(system=n.system_a, name="Matrix", contact="m", text="matrix")
    return {
        "code": case.code,
        "report_id": file_report(n, visibility="jurisdiction").pk,
        "request_id": request.pk,
        "complaint_id": complaint.pk,
        "job_id": AiidImport.objects.create(file_name="incidents.csv", sha256="0" * 64).pk,
    }

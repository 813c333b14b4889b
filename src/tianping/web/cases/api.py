"""The JSON API of the case database (a router of ``/api/cases``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from ninja import Field, Query, Router, Schema
from pydantic import StringConstraints

from tianping.web.cases import exports, selectors
from tianping.web.core.api import Message
from tianping.web.core.http import AuthenticatedHttpRequest

router = Router(tags=["cases"])

Code = Annotated[str, StringConstraints(max_length=40)]
Filter = Annotated[str, StringConstraints(max_length=40)]


class CaseSearchIn(Schema):
    q: Annotated[str, StringConstraints(max_length=selectors.MAX_QUERY_CHARS)] = ""
    lang: Literal["zh-Hans", "en"] | None = None
    sector: Filter | None = None
    region: Filter | None = None
    risk_category: Filter | None = None
    severity: Filter | None = None
    system_type: Filter | None = None
    year: Filter | None = None
    limit: Annotated[int, Field(ge=0, le=selectors.MAX_LIMIT)] = 20


class CaseHitOut(Schema):
    score: float
    case: dict[str, Any]


class CaseSearchOut(Schema):
    query: str
    language: str
    total: int
    hits: list[CaseHitOut]
    facets: dict[str, dict[str, int]]


@router.get("", response={200: CaseSearchOut, 422: Message}, summary="Search the ethics risk cases")
def search_cases(request: AuthenticatedHttpRequest, params: Query[CaseSearchIn]) -> dict[str, Any]:
    filters = {
        name: getattr(params, name)
        for name in ("sector", "region", "risk_category", "severity", "system_type", "year")
    }
    results = selectors.case_search(
        request.user, params.q, filters=filters, language=params.lang, limit=params.limit
    )
    return {
        "query": results.query,
        "language": results.language,
        "total": results.total,
        "hits": [
            {"score": round(score, 4), "case": exports.case_json(case)}
            for case, score in results.hits
        ],
        "facets": results.facets,
    }


@router.get("/{code}", response={200: dict[str, Any], 404: Message}, summary="An ethics risk case")
def get_case(request: AuthenticatedHttpRequest, code: Code) -> dict[str, Any]:
    return exports.case_json(selectors.case_get(request.user, code))

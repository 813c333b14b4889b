"""The filters of an early warning beyond sector and organisation kind: a system type, a
reported risk category and an activity of the expert re-review list.

Each narrows the recipients with a subquery, never a Python loop over organisations, so the
recipient rows are still written by one ``INSERT … SELECT``:

- **system type**: the organisation has a system whose current intake shows that type
  (:data:`SYSTEM_TYPE_RULES`; the registry records no other type of system);
- **reported risk category**: the organisation filed a risk report of that category
  (drafts do not count) and is in the issuer's subtree;
- **listed activity**: the organisation has a system whose current intake names that activity
  of the expert re-review list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from tianping.web.accounts.models import Organisation
from tianping.web.catalogue.models import ListedActivity
from tianping.web.core.validation import ERR_CHOICE
from tianping.web.network.models import ReportStatus, RiskCategory, RiskReport, SystemType
from tianping.web.systems.models import AISystem

TARGET_FIELDS = ("system_type", "report_category", "listed_activity")
"""The names of these filters, on the form, in the API and on the warning."""

ANSWERS = "latest_intake__answers__"

SYSTEM_TYPE_RULES: dict[str, Q] = {
    SystemType.GENERATIVE: Q(**{f"{ANSWERS}generative": True}),
    SystemType.PUBLIC_FACING: Q(**{f"{ANSWERS}public_facing": True}),
    # Multiple-choice answers are JSON lists; a quoted code matches one element exactly.
    SystemType.RECOMMENDER: Q(**{f"{ANSWERS}automated_decisions__icontains": '"recommendation"'}),
    # "none" is an exclusive choice: any other answer names at least one area.
    SystemType.AUTOMATED_DECISIONS: Q(**{f"{ANSWERS}has_key": "automated_decisions"})
    & ~Q(**{f"{ANSWERS}automated_decisions__icontains": '"none"'}),
}
"""Which answers of a system's current intake make it a system of each type."""

CODES = {"system_type": SystemType.values, "report_category": RiskCategory.values}
"""The codes of the filters with a fixed vocabulary (listed activities: the catalogue's)."""


ACTIVITY_CODE_LIMIT: int = ListedActivity._meta.get_field("code").max_length or 0
"""The longest code an activity of the list can have."""


def listed_activity_known(code: str) -> bool:
    """Whether ``code`` is an activity of this instance's expert re-review list."""
    return ListedActivity.objects.filter(code=code).exists()


def targets_checked(given: Mapping[str, Any]) -> dict[str, str]:
    """The three filters, each a known code or blank; ``ValidationError`` names what failed."""
    values: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for name in TARGET_FIELDS:
        value = given.get(name) or ""
        if value and not (
            isinstance(value, str)
            and (
                listed_activity_known(value) if name == "listed_activity" else value in CODES[name]
            )
        ):
            errors[name] = [str(ERR_CHOICE)]
        else:
            values[name] = value
    if errors:
        raise ValidationError(errors)
    return values


def targets_narrow(
    query: QuerySet[Organisation],
    issuer: Organisation,
    *,
    system_type: str = "",
    report_category: str = "",
    listed_activity: str = "",
) -> QuerySet[Organisation]:
    """``query`` narrowed by the chosen filters (checked codes), as subqueries."""
    if system_type:
        systems = AISystem.objects.filter(SYSTEM_TYPE_RULES[system_type])
        query = query.filter(pk__in=systems.values("organisation_id"))
    if listed_activity:
        systems = AISystem.objects.filter(
            **{f"{ANSWERS}listed_activities__icontains": f'"{listed_activity}"'}
        )
        query = query.filter(pk__in=systems.values("organisation_id"))
    if report_category:
        reports = RiskReport.objects.filter(
            category=report_category, organisation__path__startswith=issuer.path
        ).exclude(status=ReportStatus.DRAFT)
        query = query.filter(pk__in=reports.values("organisation_id"))
    return query

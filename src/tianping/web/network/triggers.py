"""Automatic warning triggers (``triggers.yaml``): rules that draft early warnings.

The hourly job ``network_warning_triggers`` evaluates every rule with one SQL
aggregate per rule (``GROUP BY`` path and subject) and adds the groups up per
regulator of the kinds the rule names. A match drafts a :class:`WarningDraft`
for that regulator, at most one per rule, regulator and subject within the
rule's window. Drafts are never sent by themselves: a regulator reviews one and
sends it (:func:`draft_send`, through :func:`services.warning_issue`) or
dismisses it.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tianping import yamlsafe
from tianping.web.accounts.models import REGULATOR_KINDS, Organisation
from tianping.web.network.models import (
    DraftStatus,
    EarlyWarning,
    ReportStatus,
    RiskCategory,
    RiskReport,
    Severity,
    WarningDraft,
)
from tianping.web.network.selectors import regulator_organisations
from tianping.web.network.services import warning_issue
from tianping.web.operations.models import MonitorAlert, MonitorStatus

RULES = Path(__file__).with_name("triggers.yaml")
KINDS = ("reports_in_region", "monitor_failures")


@dataclass(frozen=True, slots=True)
class TriggerRule:
    id: str
    kind: str
    threshold: int
    window_days: int
    severity: str
    category: str
    regulators: tuple[str, ...]


def parse_rules(data: object) -> list[TriggerRule]:
    """The rules of a loaded ``triggers.yaml``; ``ValueError`` names what is wrong."""
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise ValueError("triggers: a mapping with a list 'rules'")
    rules: list[TriggerRule] = []
    for item in data["rules"]:
        if not isinstance(item, dict) or item.get("kind") not in KINDS:
            raise ValueError(f"trigger rule {item!r}: kind is one of {KINDS}")
        field = "count" if item["kind"] == "reports_in_region" else "systems"
        threshold, window = item.get(field), item.get("window_days")
        if not isinstance(threshold, int) or not isinstance(window, int) or threshold < 1:
            raise ValueError(f"trigger rule {item.get('id')!r}: {field} and window_days")
        if window < 1 or item.get("severity") not in Severity.values:
            raise ValueError(f"trigger rule {item.get('id')!r}: window_days and severity")
        category = item.get("category", "")
        if item["kind"] == "monitor_failures" and category not in RiskCategory.values:
            raise ValueError(f"trigger rule {item.get('id')!r}: category")
        regulators = tuple(item.get("regulators") or ())
        if not regulators or any(k not in REGULATOR_KINDS for k in regulators):
            raise ValueError(f"trigger rule {item.get('id')!r}: regulators")
        rules.append(
            TriggerRule(
                id=str(item["id"]),
                kind=item["kind"],
                threshold=threshold,
                window_days=window,
                severity=item["severity"],
                category=category,
                regulators=regulators,
            )
        )
    return rules


@functools.cache
def trigger_rules() -> list[TriggerRule]:
    return parse_rules(yamlsafe.load_file(RULES))


def _per_regulator(
    rule: TriggerRule, groups: dict[tuple[str, str], int]
) -> list[tuple[Organisation, str, int]]:
    """(regulator, subject, total) for every regulator of the rule's kinds whose
    jurisdiction's groups (``(path, subject) -> n``) add up to the threshold."""
    found = []
    for regulator in Organisation.objects.filter(kind__in=rule.regulators):
        totals: dict[str, int] = defaultdict(int)
        for (path, subject), n in groups.items():
            if path.startswith(regulator.path):
                totals[subject] += n
        found += [(regulator, s, n) for s, n in sorted(totals.items()) if n >= rule.threshold]
    return found


def _matches(rule: TriggerRule, moment: datetime) -> list[tuple[Organisation, str, int]]:
    since = moment - timedelta(days=rule.window_days)
    groups: dict[tuple[str, str], int] = {}
    if rule.kind == "reports_in_region":
        report_rows = (
            RiskReport.objects.exclude(status=ReportStatus.DRAFT)
            .filter(filed_at__gte=since, filed_at__lte=moment)
            .values("organisation__path", "category")
            .annotate(n=Count("pk"))
        )
        groups = {(r["organisation__path"], r["category"]): r["n"] for r in report_rows}
    else:
        alert_rows = (
            MonitorAlert.objects.filter(
                severity=MonitorStatus.FAIL, opened_at__gte=since, opened_at__lte=moment
            )
            .values("system__organisation__path", "monitor")
            .annotate(n=Count("system", distinct=True))
        )
        groups = {(r["system__organisation__path"], r["monitor"]): r["n"] for r in alert_rows}
    return _per_regulator(rule, groups)


def _texts(rule: TriggerRule, regulator: Organisation, subject: str, n: int) -> tuple[str, str]:
    params = {"n": n, "days": rule.window_days, "region": regulator.name}
    if rule.kind == "reports_in_region":
        params["category"] = str(RiskCategory(subject).label)
        return (
            _("%(n)d risk reports of %(category)s within %(days)d days") % params,
            _(
                "%(n)d risk reports of the category %(category)s were filed from %(region)s "
                "within %(days)d days. Check similar systems for the same risk."
            )
            % params,
        )
    params["monitor"] = subject
    return (
        _("Monitor %(monitor)s failing on %(n)d systems") % params,
        _(
            "The monitor %(monitor)s failed on %(n)d systems of %(region)s within %(days)d "
            "days. Check systems that run it."
        )
        % params,
    )


def triggers_run(*, now: datetime | None = None, rules: list[TriggerRule] | None = None) -> int:
    """Evaluate the trigger rules and draft warnings for what matched; return how many drafts."""
    moment = now or timezone.now()
    drafted = 0
    for rule in trigger_rules() if rules is None else rules:
        since = moment - timedelta(days=rule.window_days)
        for regulator, subject, n in _matches(rule, moment):
            seen = WarningDraft.objects.filter(
                rule=rule.id,
                issuer=regulator,
                evidence__subject=subject,
                created_at__gte=since,
            )
            if seen.exists():
                continue
            with translation.override(settings.LANGUAGE_CODE):
                title, body = _texts(rule, regulator, subject, n)
            key = f"{rule.id}:{regulator.pk}:{subject}:{moment.date().isoformat()}"[:200]
            try:
                with transaction.atomic():
                    WarningDraft.objects.create(
                        issuer=regulator,
                        rule=rule.id,
                        key=key,
                        title=title[:200],
                        body=body,
                        category=(subject if rule.kind == "reports_in_region" else rule.category),
                        severity=rule.severity,
                        evidence={
                            "subject": subject,
                            "count": n,
                            "window_days": rule.window_days,
                            "since": since.isoformat(),
                        },
                        created_at=moment,
                    )
            except IntegrityError:
                continue  # drafted by a concurrent run
            drafted += 1
    return drafted


def drafts_for(user: User) -> list[WarningDraft]:
    """The drafts of the regulators ``user`` acts for."""
    ids = [o.pk for o in regulator_organisations(user)]
    return list(WarningDraft.objects.filter(issuer__in=ids).select_related("issuer", "warning"))


def _own_draft(user: User, draft: WarningDraft) -> WarningDraft:
    if draft.issuer_id not in {o.pk for o in regulator_organisations(user)}:
        raise PermissionDenied(_("Only the regulator it was drafted for handles this draft."))
    locked = WarningDraft.objects.select_for_update().get(pk=draft.pk)
    if locked.status != DraftStatus.OPEN:
        raise ValidationError(_("This draft has already been handled."))
    return locked


@transaction.atomic
def draft_send(
    *, actor: User, draft: WarningDraft, title: str = "", body: str = ""
) -> EarlyWarning:
    """Send ``draft`` as an early warning (with the title and text edited, if given)."""
    locked = _own_draft(actor, draft)
    warning = warning_issue(
        actor=actor,
        issuer=locked.issuer,
        title=title or locked.title,
        body=body or locked.body,
        category=locked.category,
        severity=locked.severity,
    )
    locked.status, locked.warning = DraftStatus.SENT, warning
    locked.save(update_fields=["status", "warning"])
    return warning


@transaction.atomic
def draft_dismiss(*, actor: User, draft: WarningDraft) -> WarningDraft:
    locked = _own_draft(actor, draft)
    locked.status = DraftStatus.DISMISSED
    locked.save(update_fields=["status"])
    return locked

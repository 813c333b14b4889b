"""The risk network at scale: a warning to 10,000 organisations, monthly statistics of 300 cities.

Measured, on a fresh SQLite platform database in a temporary folder:

* **fan-out** (in a warm process: URL map and privacy scanner built):
  ``warning_issue`` from a central regulator to 10,000 enterprises,
  each with one user: recipient rows and in-app notices written in bulk, one
  ledger entry, the e-mails queued for the worker (one task) — target < 2 s.
  Reference: the same fan-out row by row (one ``INSERT`` per recipient and per
  notice), what a loop over ``objects.create`` does; ratio = reference / bulk.
* **monthly statistics**: ``monitoring.monthly`` for 300 cities (30 provinces of 10)
  over 12 months, with 10,800 risk reports and 10,800 warning rows spread over
  them — target < 1 s. Reference: one ``COUNT`` query per city, month and figure
  (reports, warning rows, acknowledgements); ratio = reference / grouped.
* peak memory: the process's maximum resident set size (``ru_maxrss``).

    .venv/bin/python benchmarks/network_fanout.py [--organisations 10000] [--cities 300]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from datetime import datetime


def _setup(home: str) -> None:
    os.environ["TIANPING_HOME"] = home
    os.environ.pop("DATABASE_URL", None)
    from django.core.management import call_command

    from tianping.web import launcher

    launcher.setup()
    call_command("migrate", verbosity=0)


def _tree(count: int) -> tuple[object, object, list[object]]:
    from django.contrib.auth.models import User
    from django.db import transaction

    from tianping.web.accounts.models import Membership, Organisation, OrganisationKind, Role
    from tianping.web.accounts.services import organisation_create

    central = organisation_create(name="Central office", kind=OrganisationKind.CENTRAL_REGULATOR)
    regulator = User.objects.create(username="central", email="central@example.invalid")
    Membership.objects.create(user=regulator, organisation=central, role=Role.REGULATOR)
    with transaction.atomic():
        made = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"Enterprise {i}", kind=OrganisationKind.ENTERPRISE, parent=central
                )
                for i in range(count)
            ]
        )
        for org in made:
            org.path = f"{central.path}{org.pk}/"
        Organisation.objects.bulk_update(made, ["path"], batch_size=2000)
        users = User.objects.bulk_create(
            [User(username=f"user{i}", email=f"user{i}@example.invalid") for i in range(count)]
        )
        Membership.objects.bulk_create(
            [
                Membership(user=u, organisation=o, role=Role.APPLICANT)
                for u, o in zip(users, made, strict=True)
            ]
        )
    return central, regulator, made


def fanout(count: int) -> dict[str, object]:
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone

    from tianping.web.core.models import Notification
    from tianping.web.network.deidentify import deidentify
    from tianping.web.network.models import EarlyWarning, WarningRecipient
    from tianping.web.network.services import warning_issue

    central, regulator, made = _tree(count)
    # What a running server has done already: the URL map and the privacy scanner built.
    reverse("network:home")
    deidentify("warm up")
    started = time.perf_counter()
    warning = warning_issue(
        actor=regulator,  # type: ignore[arg-type]
        issuer=central,  # type: ignore[arg-type]
        title="Credit scorers leaking scores",
        body="Check who can see a score.",
        category="privacy_leak",
        severity="high",
    )
    bulk_s = time.perf_counter() - started
    recipients = warning.recipients.count()

    class Rollback(Exception):
        pass

    started = time.perf_counter()
    try:
        with transaction.atomic():
            now = timezone.now()
            naive = EarlyWarning.objects.create(
                issuer=central,
                title="naive",
                body="naive",
                category="other",
                severity="low",
                acknowledge_by=now,
                issued_at=now,
            )
            for org in made:
                WarningRecipient.objects.create(warning=naive, organisation=org, last_sent_at=now)
            for user in User.objects.filter(memberships__organisation__in=made):
                Notification.objects.create(user=user, message="naive", params={}, url="")
            raise Rollback
    except Rollback:
        pass
    naive_s = time.perf_counter() - started
    return {
        "recipients": recipients,
        "bulk_s": round(bulk_s, 3),
        "row_by_row_s": round(naive_s, 3),
        "ratio": round(naive_s / bulk_s, 1),
        "target_s": 2.0,
        "met": bulk_s < 2.0,
    }


def monthly(cities: int, year: int = 2026) -> dict[str, object]:
    from django.db import transaction
    from django.utils import timezone

    from tianping.web.accounts.models import Organisation, OrganisationKind
    from tianping.web.network import monitoring
    from tianping.web.network.models import EarlyWarning, RiskReport, WarningRecipient

    rng = random.Random(0)
    central = Organisation.objects.get(kind=OrganisationKind.CENTRAL_REGULATOR)
    zone = timezone.get_current_timezone()

    def tree_level(parents: list[Organisation], kind: str, per: int) -> list[Organisation]:
        made = Organisation.objects.bulk_create(
            [
                Organisation(name=f"{kind} {p.pk}-{i}", kind=kind, parent=p)
                for p in parents
                for i in range(per)
            ]
        )
        for org in made:
            assert org.parent is not None
            org.path = f"{org.parent.path}{org.pk}/"
        Organisation.objects.bulk_update(made, ["path"], batch_size=2000)
        return made

    with transaction.atomic():
        provinces = tree_level([central], OrganisationKind.PROVINCIAL_REGULATOR, cities // 10)
        city_list = tree_level(provinces, OrganisationKind.MUNICIPAL_REGULATOR, 10)
        firms = tree_level(city_list, OrganisationKind.ENTERPRISE, 1)
        now = timezone.now()
        warning = EarlyWarning.objects.create(
            issuer=central,
            title="w",
            body="w",
            category="other",
            severity="low",
            acknowledge_by=now,
            issued_at=datetime(year, 6, 1, tzinfo=zone),
        )
        reports, rows = [], []
        for firm in firms:
            for month in range(1, 13):
                for _ in range(3):
                    filed = datetime(year, month, rng.randint(1, 28), 12, tzinfo=zone)
                    reports.append(
                        RiskReport(
                            organisation=firm,
                            kind="incident",
                            category=rng.choice(["privacy_leak", "discrimination", "safety"]),
                            severity="medium",
                            title="r",
                            description="r",
                            status="submitted",
                            filed_at=filed,
                            jurisdiction_path=firm.path.rsplit("/", 2)[0] + "/",
                        )
                    )
            rows.append(WarningRecipient(warning=warning, organisation=firm, last_sent_at=now))
        RiskReport.objects.bulk_create(reports, batch_size=2000)
        WarningRecipient.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    started = time.perf_counter()
    result = monitoring.monthly(city_list, year)
    grouped_s = time.perf_counter() - started
    assert sum(r["risk_reports"] for r in result) == len(reports)

    started = time.perf_counter()
    for city in city_list:
        for month in range(1, 13):
            start = datetime(year, month, 1, tzinfo=zone)
            end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
            within = {"organisation__path__startswith": city.path}
            RiskReport.objects.filter(filed_at__gte=start, filed_at__lt=end, **within).count()
            received = WarningRecipient.objects.filter(
                warning__issued_at__gte=start, warning__issued_at__lt=end, **within
            )
            received.count()
            received.filter(acknowledged_at__isnull=False).count()
    naive_s = time.perf_counter() - started
    return {
        "cities": len(city_list),
        "months": 12,
        "risk_reports": len(reports),
        "grouped_s": round(grouped_s, 3),
        "per_city_month_s": round(naive_s, 3),
        "ratio": round(naive_s / grouped_s, 1),
        "target_s": 1.0,
        "met": grouped_s < 1.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--cities", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tianping-bench-") as home:
        _setup(home)
        out = {
            "fanout": fanout(args.organisations),
            "monthly": monthly(args.cities),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    print(json.dumps(out, indent=2))
    sys.exit(0 if out["fanout"]["met"] and out["monthly"]["met"] else 1)  # type: ignore[index]


if __name__ == "__main__":
    main()

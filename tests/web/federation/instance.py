"""One Tianping instance of a federation test, driven from the test (run with ``python -m``).

    python -m tests.web.federation.instance setup city|province
    python -m tests.web.federation.instance key
    python -m tests.web.federation.instance peer NAME URL KEY STAND_IN
    python -m tests.web.federation.instance serve PORT
    python -m tests.web.federation.instance file          (city: file and escalate a report)
    python -m tests.web.federation.instance warn          (province: issue a warning)
    python -m tests.web.federation.instance deliver       (one pass of the outbox)
    python -m tests.web.federation.instance due-now       (every message pending and due:
                                                           a lost receipt, a pause over)
    python -m tests.web.federation.instance state         (counts, as JSON)

Commands joined by ``+`` run in one process. The environment names the database
(``DATABASE_URL``), ``TIANPING_HOME``, the federation name and key. The results print
as one JSON line.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import django

ID_NUMBER = "11010519491231002X"
PHONE = "13912345678"


def _org(name: str) -> object:
    from tianping.web.accounts.models import Organisation

    return Organisation.objects.get(name=name)


def setup(role: str) -> dict[str, object]:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from tianping.web.accounts.models import OrganisationKind as K
    from tianping.web.accounts.models import Role
    from tianping.web.accounts.services import membership_grant, organisation_create

    call_command("migrate", verbosity=0)
    users = get_user_model().objects
    if role == "city":
        top = organisation_create(name="Guangdong (peer)", kind=K.PROVINCIAL_REGULATOR)
        city = organisation_create(name="Shenzhen", kind=K.MUNICIPAL_REGULATOR, parent=top)
        firm = organisation_create(name="Shenzhen Robotics", kind=K.ENTERPRISE, parent=city)
        membership_grant(
            user=users.create_user("firm", password="x-2026-x"), organisation=firm, role=Role.ADMIN
        )
        membership_grant(
            user=users.create_user("city", password="x-2026-x"),
            organisation=city,
            role=Role.REGULATOR,
        )
        return {"stand_in": top.name}
    province = organisation_create(name="Guangdong", kind=K.PROVINCIAL_REGULATOR)
    stand_in = organisation_create(
        name="Shenzhen (peer)", kind=K.MUNICIPAL_REGULATOR, parent=province
    )
    local = organisation_create(name="Guangzhou", kind=K.MUNICIPAL_REGULATOR, parent=province)
    organisation_create(name="Guangzhou Vision", kind=K.ENTERPRISE, parent=local)
    membership_grant(
        user=users.create_user("province", password="x-2026-x"),
        organisation=province,
        role=Role.REGULATOR,
    )
    return {"stand_in": stand_in.name}


def main() -> None:
    django.setup()
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from tianping.web.federation import services

    users = get_user_model().objects
    results = []
    # Several commands in one process, separated by "+": each prints no line of its own.
    chunks: list[list[str]] = [[]]
    for word in sys.argv[1:]:
        if word == "+":
            chunks.append([])
        else:
            chunks[-1].append(word)
    for command, *rest in chunks:
        out = _one(command, rest, users, services, timezone)
        if out is None:
            return
        results.append(out)
    print(json.dumps(results[-1] if len(results) == 1 else results), flush=True)


def _one(command: str, rest: list[str], users: Any, services: Any, timezone: Any) -> object:
    from tianping.web.federation.models import Inbound, Outbound
    from tianping.web.network.models import EarlyWarning, RiskReport, WarningRecipient
    from tianping.web.network.services import report_create, report_triage, warning_issue

    if command == "migrate":
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        out: object = {"migrated": True}
    elif command == "setup":
        out = setup(rest[0])
    elif command == "key":
        out = {"name": services.instance_name(), "keys": services.public_keys()}
    elif command == "peer":
        name, url, key, stand_in = rest
        peer = services.peer_configure(
            name=name,
            url=url,
            public_keys=[key],
            stand_in=_org(stand_in),  # type: ignore[arg-type]
        )
        out = {"peer": peer.pk}
    elif command == "serve":
        from waitress import serve

        from tianping.web.wsgi import application

        serve(application, host="127.0.0.1", port=int(rest[0]), threads=4, _quiet=True)
        return None
    elif command == "file":
        report = report_create(
            actor=users.get(username="firm"),
            organisation=_org("Shenzhen Robotics"),  # type: ignore[arg-type]
            kind="incident",
            category="discrimination",
            severity="high",
            title="Loan scorer refused older applicants",
            description=f"Applicant {ID_NUMBER}, phone {PHONE}, was refused three times.",
        )
        report_triage(actor=users.get(username="city"), report=report, action="escalate")
        out = {"report": report.pk}
    elif command == "warn":
        warning = warning_issue(
            actor=users.get(username="province"),
            issuer=_org("Guangdong"),  # type: ignore[arg-type]
            title="Age discrimination in credit scoring",
            body="Check scorers for age effects this month.",
            category="discrimination",
            severity="high",
        )
        out = {"warning": warning.pk}
    elif command == "deliver":
        services.enqueue()
        out = services.deliver_due()
    elif command == "due-now":
        out = {
            "reset": Outbound.objects.update(
                state="pending", delivered_at=None, next_attempt_at=timezone.now()
            )
        }
    elif command == "state":
        out = {
            "reports": [
                {
                    "title": r.title,
                    "description": r.description,
                    "assigned_to": r.assigned_to.name if r.assigned_to else None,
                }
                for r in RiskReport.objects.select_related("assigned_to").order_by("pk")
            ],
            "warnings": [
                {
                    "title": w.title,
                    "issuer": w.issuer.name,
                    "recipients": sorted(
                        WarningRecipient.objects.filter(warning=w).values_list(
                            "organisation__name", flat=True
                        )
                    ),
                }
                for w in EarlyWarning.objects.select_related("issuer").order_by("pk")
            ],
            "inbound": Inbound.objects.count(),
            "outbound": list(Outbound.objects.values_list("state", flat=True)),
        }
    else:  # pragma: no cover
        raise SystemExit(f"unknown command {command}")
    return out


if __name__ == "__main__":
    main()

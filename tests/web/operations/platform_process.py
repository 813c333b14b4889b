"""The platform in processes of its own, for the crash tests (run with ``python -m``).

    python -m tests.web.operations.platform_process setup
    python -m tests.web.operations.platform_process serve PORT
    python -m tests.web.operations.platform_process export SYSTEM_ID PATH

The environment names the database (``DATABASE_URL``) and ``TIANPING_HOME``;
``setup`` migrates it and prints ``{"system": id, "key": raw system API key}``,
``serve`` serves it with waitress until killed, ``export`` signs a checkpoint of
the system's decision log, exports it and prints the log's verifier key.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import django


def setup() -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from tianping.web.accounts.models import OrganisationKind, Role
    from tianping.web.accounts.services import membership_grant, organisation_create
    from tianping.web.operations.keys import system_api_key_create
    from tianping.web.systems.services import system_register

    call_command("migrate", verbosity=0)
    org = organisation_create(name="Crash test enterprise", kind=OrganisationKind.ENTERPRISE)
    user = get_user_model().objects.create_user(username="crash", password="not-used-here-2026")
    membership_grant(user=user, organisation=org, role=Role.ADMIN)
    system = system_register(
        actor=user,
        organisation=org,
        name="Crash-tested scorer",
        purpose="Crash test",
        owner="QA",
        sector="finance",
        lifecycle_stage="operate",
    )
    _key, raw = system_api_key_create(actor=user, system=system, name="crash")
    print(json.dumps({"system": system.pk, "key": raw}), flush=True)


def serve(port: int) -> None:
    from waitress import serve as waitress_serve

    from tianping.web.wsgi import application

    waitress_serve(application, host="127.0.0.1", port=port, threads=4, _quiet=True)


def export(system_id: int, path: Path) -> None:
    from tianping.web.ledger.selectors import decision_log_find
    from tianping.web.ledger.services import ledger_export
    from tianping.web.ledger.signing import ledger_signer
    from tianping.web.systems.models import AISystem

    log = decision_log_find(AISystem.objects.get(pk=system_id))
    assert log is not None
    ledger_export(log=log, path=path)
    print(ledger_signer(log.origin).verifier.text, flush=True)


def main() -> None:
    django.setup()
    command, *rest = sys.argv[1:]
    if command == "setup":
        setup()
    elif command == "serve":
        serve(int(rest[0]))
    elif command == "export":
        export(int(rest[0]), Path(rest[1]))
    else:  # pragma: no cover
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()

"""A worker in a process of its own, for the kill test (run with ``python -m``).

    python -m tests.web.core.job_process setup       # migrate; print a queued job's id
    python -m tests.web.core.job_process run JOB_ID  # run it with slow work until killed

The environment names the database (``DATABASE_URL``), ``TIANPING_HOME`` and the
job budgets (``TIANPING_JOB_LEASE_SECONDS`` …).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import django


def slow_work(job_id: str) -> None:
    """Work that reports progress once, writes a marker, then takes a long time."""
    from tianping.web.core.jobs import job_step
    from tianping.web.systems.models import ReportJob

    job_step(ReportJob, job_id, progress=10, message="working")
    Path(sys.argv[3]).write_text(str(__import__("os").getpid()))
    time.sleep(120)


def setup() -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from tianping.web.accounts.models import OrganisationKind, Role
    from tianping.web.accounts.services import membership_grant, organisation_create
    from tianping.web.systems.models import Intake, ReportJob
    from tianping.web.systems.services import system_register

    call_command("migrate", verbosity=0)
    org = organisation_create(name="Worker test enterprise", kind=OrganisationKind.ENTERPRISE)
    user = get_user_model().objects.create_user(username="worker", password="not-used-2026")
    membership_grant(user=user, organisation=org, role=Role.ADMIN)
    system = system_register(
        actor=user,
        organisation=org,
        name="Worker-tested scorer",
        purpose="Kill test",
        owner="QA",
        sector="finance",
        lifecycle_stage="operate",
    )
    intake = Intake.objects.create(
        system=system,
        answers={},
        questionnaire_version="t",
        computed_tier="low",
        tier="low",
        expert_review_required=False,
        result={},
    )
    job = ReportJob.objects.create(system=system, intake=intake, language="en", requested_by=user)
    print(json.dumps({"job": str(job.pk)}), flush=True)


def run(job_id: str) -> None:
    from tianping.web.core.jobs import job_run
    from tianping.web.systems.models import ReportJob

    job_run(ReportJob, job_id, work="tests.web.core.job_process.slow_work")


def main() -> None:
    django.setup()
    command, *rest = sys.argv[1:]
    if command == "setup":
        setup()
    elif command == "run":
        run(rest[0])
    else:  # pragma: no cover
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()

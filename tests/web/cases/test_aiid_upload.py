"""AI Incident Database snapshots uploaded by a platform administrator: imported in the
background with progress and cancellation, kept with source, provenance and licence, never
duplicated; a file that is not a snapshot is refused and changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse

from tianping.cases import load_cases, parse_snapshot
from tianping.web.cases import selectors
from tianping.web.cases.aiid import import_code
from tianping.web.cases.models import AiidImport, CaseOrigin, CaseRecord
from tianping.web.cases.services import cases_sync

FIXTURE = Path(__file__).parents[2] / "cases" / "fixtures" / "incidents.csv"


@pytest.fixture
def admin(db: None) -> User:
    return User.objects.create_superuser("platform", "platform@example.invalid", "x")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(client: Client, name: str, data: bytes) -> Any:
    """Post the file; the import queued on commit runs (the immediate task backend)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("cases:aiid_imports"), {"file": SimpleUploadedFile(name, data, "text/csv")}
        )


def _state() -> tuple[int, int, int]:
    return (
        AiidImport.objects.count(),
        CaseRecord.objects.count(),
        CaseRecord.objects.filter(origin=CaseOrigin.AIID).count(),
    )


def test_an_administrator_imports_a_snapshot_once(admin: User) -> None:
    data = FIXTURE.read_bytes()
    incidents = parse_snapshot(data).incidents
    client = _client(admin)
    response = _upload(client, "incidents.csv", data)
    job = AiidImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:aiid_import", kwargs={"job_id": job.pk})
    job.refresh_from_db()
    assert job.status == AiidImport.Status.DONE, job.error
    assert job.snapshot is None  # released once done
    assert job.created_count == job.incidents == len(incidents)
    first = incidents[0]
    record = CaseRecord.objects.get(code=import_code(first.incident_id))
    assert record.licence == "CC-BY-SA-4.0"
    assert record.sources == [first.url]
    assert record.provenance["aiid_incident"] == first.incident_id
    assert record.provenance["snapshot_sha256"] == job.sha256
    assert record.title_en == first.title
    page = client.get(reverse("cases:detail", args=[record.code]))
    assert page.status_code == 200
    assert first.title in page.content.decode()

    # Found by search, and counted under no facet value (its fields are not coded).
    word = max(first.title.split(), key=len)
    results = selectors.case_search(admin, word, language="en", limit=50)
    assert record.code in {case.code for case, _ in results.hits}
    assert all("" not in counts for counts in results.facets.values())

    # The same snapshot again: nothing added, nothing changed.
    before = _state()
    _upload(client, "incidents-again.csv", data)
    again = AiidImport.objects.order_by("-created_at").first()
    assert again is not None and again.pk != job.pk
    assert again.status == AiidImport.Status.DONE
    assert (again.created_count, again.updated_count) == (0, 0)
    assert again.unchanged_count == len(incidents)
    assert _state()[1:] == before[1:]
    status = client.get(reverse("cases:aiid_import", kwargs={"job_id": again.pk}))
    assert 'id="aiid-unchanged"' in status.content.decode()

    # Once the documented cases are loaded, the incidents they write up are left to them.
    cases_sync()
    written_up = {case.provenance.aiid_incident for case in load_cases()}
    _upload(client, "incidents.csv", data)
    last = AiidImport.objects.order_by("-created_at").first()
    assert last is not None
    covered = [i for i in incidents if i.incident_id in written_up]
    assert covered and last.written_up_count == len(covered)
    record.refresh_from_db()
    assert (record.withdrawn_at is not None) == (first.incident_id in written_up)


REFUSED = [
    ("decisions.csv", "sex,y,yhat\n女,1,0\n".encode("gbk"), "incidents.csv"),
    ("snapshot.csv", b"PAR1\x00\x00\x15\x04\x00", "binary"),
    ("columns.csv", b"title,date\nA,2020-01-01\n", "incidents.csv"),
]


def test_a_file_that_is_not_a_snapshot_is_refused_and_changes_nothing(admin: User) -> None:
    client = _client(admin)
    for name, data, needle in REFUSED:
        before = _state()
        response = _upload(client, name, data)
        assert response.status_code == 200, name
        errors = " ".join(response.context["form"].errors["file"])
        assert needle in errors, (name, errors)
        assert _state() == before, name


def test_only_a_platform_administrator_imports(db: None) -> None:
    client = _client(User.objects.create_user("member", "member@example.invalid", "x"))
    assert client.get(reverse("cases:aiid_imports")).status_code == 403
    response = _upload(client, "incidents.csv", FIXTURE.read_bytes())
    assert response.status_code == 403
    assert not AiidImport.objects.exists()


def test_an_import_is_cancelled_and_its_snapshot_dropped(admin: User) -> None:
    job = AiidImport.objects.create(
        requested_by=admin, file_name="incidents.csv", sha256="0" * 64, snapshot=b"x"
    )
    client = _client(admin)
    page = client.get(reverse("cases:aiid_import", kwargs={"job_id": job.pk}))
    assert 'id="aiid-cancel"' in page.content.decode()
    client.post(reverse("cases:aiid_import_cancel", kwargs={"job_id": job.pk}))
    job.refresh_from_db()
    assert job.status == AiidImport.Status.CANCELLED
    assert job.snapshot is None
    assert not CaseRecord.objects.filter(origin=CaseOrigin.AIID).exists()

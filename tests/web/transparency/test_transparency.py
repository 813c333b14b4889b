"""Transparency documents on the platform: built from the registry and the platform's
evidence with the owner's fields, versioned, published (signed, hash in the ledger) as HTML,
PDF and JSON; the embeddable user notice; per-day decision counts kept by ingestion and
read by the six-monthly report (every number traced to its records); its reminders; the
completeness certification reads; personal data never printed; who may see what."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.web.factories import Network, logged_in_client
from tianping.ledger import open_note
from tianping.transparency import canonical_sha256
from tianping.web.assessments.models import Evidence
from tianping.web.core import signing
from tianping.web.core.models import Notification
from tianping.web.ledger.models import PlatformAction
from tianping.web.operations.ingestion import DecisionRecord, decision_records_ingest
from tianping.web.operations.models import (
    DecisionDayCount,
    Incident,
    IncidentStatus,
    MonitorAlert,
)
from tianping.web.operations.services import system_api_key_create
from tianping.web.transparency import selectors, services
from tianping.web.transparency.models import DocumentVersion, ReportReminder

NOTICE = {
    "system": {
        "ai_role": {"zh-Hans": "人工智能给出评分建议", "en": "The AI suggests a score"},
        "limitations": ["可能出错"],
        "opt_out": "选择人工审核",
        "human_contact": "致电 95500",
    }
}
PHONE, RESIDENT_ID, NAME = "13912345678", "11010519491231002X", "张三丰"


def _publish(n: Network, kind: str, fields: dict[str, object]) -> DocumentVersion:
    row = services.document_save(
        actor=n.applicant_a, system=n.system_a, kind=kind, owner_fields=fields
    )
    return services.document_publish(actor=n.applicant_a, row=row)


def test_ingestion_keeps_one_count_per_system_and_day(network: Network) -> None:
    key, _raw = system_api_key_create(actor=network.applicant_a, system=network.system_a, name="k")
    decision_records_ingest(
        api_key=key, key="b1", records=[DecisionRecord(record={"i": i}) for i in range(3)]
    )
    decision_records_ingest(api_key=key, key="b2", records=[DecisionRecord(record={"i": 9})])
    # The same key again appends nothing, and counts nothing.
    decision_records_ingest(api_key=key, key="b2", records=[DecisionRecord(record={"i": 9})])
    rows = list(DecisionDayCount.objects.filter(system=network.system_a))
    assert [(r.day, r.count) for r in rows] == [(timezone.localdate(), 4)]


def test_save_is_a_draft_version_and_publish_signs_and_ledgers(network: Network) -> None:
    first = services.document_save(
        actor=network.applicant_a, system=network.system_a, kind="user-notice", owner_fields={}
    )
    assert (first.version, first.state, first.complete) == (1, "draft", False)
    assert selectors.current(network.system_a, "user-notice") is None
    row = _publish(network, "user-notice", NOTICE)
    assert (row.version, row.state, row.complete) == (2, "published", True)
    # The hash is the document's RFC 8785 hash, and the stored input rebuilds it.
    stored = row.document["json"]
    assert (
        row.sha256
        == stored["sha256"]
        == canonical_sha256({k: v for k, v in stored.items() if k != "sha256"})
    )
    assert services.rebuild(row).to_json()["sha256"] == row.sha256
    action = PlatformAction.objects.get(kind="transparency.document_published")
    assert action.idx == row.ledger_index and action.system_id == network.system_a.pk
    keys = signing.verifiers(signing.SCORECARDS, services.SIGNER_NAME)
    text = open_note(row.signature, keys).text
    assert f"sha256 {row.sha256}" in text and "user-notice v2" in text
    assert selectors.current(network.system_a, "user-notice") == row
    with pytest.raises(ValidationError):
        services.document_publish(actor=network.applicant_a, row=row)


def test_only_the_owner_writes_and_bad_fields_change_nothing(network: Network) -> None:
    for actor in (network.regulator_province_a, network.applicant_b):
        with pytest.raises(PermissionDenied):
            services.document_save(
                actor=actor, system=network.system_a, kind="model-card", owner_fields={}
            )
    client = logged_in_client(network.applicant_a)
    url = reverse("transparency:edit", args=[network.system_a.pk, "model-card"])
    for text in ("decision_volumes: []", "system: {name: x}", "owner: [1]", "a: [", "- 1"):
        response = client.post(url, {"owner_fields": text})
        assert response.status_code == 400, text
    assert not DocumentVersion.objects.exists()
    # A value of the wrong type is named by the library, in the reader's language.
    response = client.post(url, {"owner_fields": "system: {generative: maybe}"})
    assert response.status_code == 400 and "system.generative" in response.content.decode()
    assert not DocumentVersion.objects.exists()
    response = client.post(url, {"owner_fields": "system: {approach: supervised}"})
    assert response.status_code == 302
    assert DocumentVersion.objects.get().owner_fields == {"system": {"approach": "supervised"}}


def test_every_number_of_the_report_traces_to_its_records(network: Network) -> None:
    system = network.system_a
    registered = timezone.now() - timedelta(days=100)
    type(system).objects.filter(pk=system.pk).update(created_at=registered)
    system.refresh_from_db()
    start, end = selectors.report_period(system)
    assert (end - start).days >= 99
    days = [start, start + timedelta(days=1), start + timedelta(days=40), end]
    for i, day in enumerate(days):
        DecisionDayCount.objects.create(system=system, day=day, count=100 * (i + 1) + i)
    # Outside the period: not counted.
    DecisionDayCount.objects.create(system=system, day=start - timedelta(days=1), count=7)
    alert = MonitorAlert.objects.create(system=system, monitor="approval_gap", severity="warn")
    Incident.objects.create(
        system=system, alert=alert, summary="paused", status=IncidentStatus.CLOSED
    )
    Evidence.objects.create(
        system=system, kind="bias_assessment", title="audit", sha256="a" * 64, content={}
    )
    row = services.document_save(
        actor=network.applicant_a,
        system=system,
        kind="transparency-report",
        owner_fields={
            "complaints": [{"id": "c-1", "at": str(start), "kind": "explanation", "resolved": True}]
        },
    )
    content = row.document["json"]["content"]
    figures = content["figures"]
    # Decisions: each month's count is the sum of the per-day rows it names.
    for volume in content["decision_volumes"]:
        rows = DecisionDayCount.objects.filter(
            system=system, day__gte=volume["start"], day__lte=volume["end"]
        )
        assert volume["count"] == sum(r.count for r in rows)
        assert volume["source"].startswith(f"operations.decisiondaycount:system-{system.pk}:")
    assert figures["decisions"] == sum(
        r.count for r in DecisionDayCount.objects.filter(system=system, day__gte=start)
    )
    # Each other figure is the number of records listed, each naming a row of the system.
    models = {
        "alerts": MonitorAlert,
        "incidents": Incident,
        "assessments": Evidence,
    }
    for key, model in models.items():
        ids = [e["id"] for e in content[key]]
        assert figures[key] == len(ids) == 1
        label, pk = ids[0].split(":")
        assert label == f"{model._meta.app_label}.{model._meta.model_name}"
        assert model.objects.get(pk=pk).system_id == system.pk
    assert content["incidents"][0]["resolved"] is True
    assert figures["complaints"] == figures["complaints_resolved"] == 1
    assert figures["switch_changes"] == figures["model_changes"] == 0


def test_personal_data_never_appears(network: Network) -> None:
    system = network.system_a
    system.owner = NAME  # the registry's accountable owner may be a person
    system.save(update_fields=["owner"])
    Evidence.objects.create(
        system=system, kind="privacy_profile", title="loans", sha256="b" * 64,
        content={
            "path": "loans.csv", "rows": 3, "rows_with_findings": 2, "minor_rows": 0,
            "pipl_class": "sensitive",
            "columns": [{"column": "phone", "entities": {"cn_mobile": 2}, "hints": [],
                         "examples": [PHONE, RESIDENT_ID]}],
            "findings": [{"value": PHONE}, {"value": RESIDENT_ID}, {"value": NAME}],
        },
    )  # fmt: skip
    row = _publish(network, "training-data", {})
    client = logged_in_client(network.applicant_a)
    html = client.get(reverse("transparency:version_html", args=[row.pk])).content
    raw_json = client.get(reverse("transparency:version_json", args=[row.pk])).content
    pdf = client.get(reverse("transparency:version_pdf", args=[row.pk])).content
    assert b"loans.csv" in html and b"cn_mobile" in raw_json and pdf.startswith(b"%PDF-")
    pypdf = pytest.importorskip("pypdf", reason="pypdf reads the PDF's text")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "loans.csv" in text
    page = client.get(reverse("transparency:version", args=[row.pk])).content
    for value in (PHONE, RESIDENT_ID, NAME):
        encoded = value.encode()
        assert encoded not in html and encoded not in pdf and value not in text
        assert value not in json.loads(raw_json).__repr__() and encoded not in page


def test_the_published_notice_is_public_and_embeddable(network: Network) -> None:
    html_url = reverse("transparency:notice_html", args=[network.system_a.pk])
    text_url = reverse("transparency:notice_text", args=[network.system_a.pk])
    anonymous = Client()
    assert anonymous.get(html_url).status_code == 404
    services.document_save(
        actor=network.applicant_a, system=network.system_a, kind="user-notice", owner_fields=NOTICE
    )
    assert anonymous.get(html_url).status_code == 404  # a draft is not public
    _publish(
        network,
        "user-notice",
        {**NOTICE, "system": {**NOTICE["system"], "ai_role": "<script>x</script>"}},
    )
    fragment = anonymous.get(html_url).content.decode()
    assert fragment.startswith("<section") and "<script>" not in fragment
    assert "&lt;script&gt;" in fragment
    text = anonymous.get(text_url)
    assert text["Content-Type"].startswith("text/plain") and "95500" in text.content.decode()
    assert anonymous.get(reverse("transparency:notice_html", args=[10**6])).status_code == 404


def test_readers_and_writers(network: Network) -> None:
    row = _publish(network, "model-card", {})
    version_url = reverse("transparency:version", args=[row.pk])
    page_url = reverse("transparency:system", args=[network.system_a.pk])
    regulator = logged_in_client(network.regulator_province_a)
    assert regulator.get(version_url).status_code == 200
    assert b"transparency:edit" not in regulator.get(page_url).content
    edit = reverse("transparency:edit", args=[network.system_a.pk, "model-card"])
    assert regulator.get(edit).status_code == 403
    for outsider in (network.applicant_b, network.regulator_province_b):
        assert logged_in_client(outsider).get(version_url).status_code == 404
        assert logged_in_client(outsider).get(page_url).status_code == 404
    owner_page = logged_in_client(network.applicant_a).get(version_url).content.decode()
    assert str(row.ledger_index) in owner_page


def test_completeness_for_the_gap_report(network: Network) -> None:
    services.document_save(
        actor=network.applicant_a, system=network.system_a, kind="playbook", owner_fields={}
    )
    _publish(network, "user-notice", NOTICE)
    _publish(network, "model-card", {})
    result = selectors.completeness_for(network.system_a)
    assert set(result) == {
        "model-card", "training-data", "algorithm", "transparency-report", "user-notice",
        "playbook",
    }  # fmt: skip
    assert result["user-notice"] == (True, True, [])
    present, complete, missing = result["model-card"]
    assert present and not complete and "limitations" in missing
    assert result["playbook"] == (False, False, [])  # a draft is not yet a document
    # Certification's gap report reads the published versions.
    from tianping.certification import gap
    from tianping.web.certification.selectors import platform_evidence

    report = gap("trusted_ai_platform", platform_evidence(network.system_a))
    statuses = {r.id: r.status for r in report.results}
    assert statuses["user-notice-published"] == "met"
    assert statuses["model-card-published"] == "failed"  # published, but incomplete
    assert statuses["algorithm-documentation-published"] == "missing"


def test_reminders_before_and_after_the_due_date(network: Network) -> None:
    system = network.system_a
    registered = timezone.localtime(system.created_at).date()
    due = selectors.add_months(registered, 6)
    assert selectors.report_due(system) == due
    assert services.report_reminders_send(today=due - timedelta(days=31)) == 0
    assert services.report_reminders_send(today=due - timedelta(days=10)) >= 1
    assert services.report_reminders_send(today=due - timedelta(days=9)) == 0  # once a stage
    assert services.report_reminders_send(today=due + timedelta(days=1)) >= 1
    stages = set(ReportReminder.objects.filter(system=system).values_list("stage", flat=True))
    assert stages == {"soon", "overdue"}
    assert Notification.objects.filter(user=network.applicant_a).count() == 2
    # Publishing a report moves the next due date six months on from the first publication.
    _publish(network, "transparency-report", {})
    first = timezone.localdate()
    assert selectors.report_due(system) == selectors.add_months(first, 6)


def test_add_months_keeps_the_end_of_month() -> None:
    assert selectors.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert selectors.add_months(date(2026, 3, 15), -6) == date(2025, 9, 15)


def test_an_overdue_report_covers_the_last_complete_six_months(network: Network) -> None:
    system = network.system_a
    type(system).objects.filter(pk=system.pk).update(
        created_at=timezone.now() - timedelta(days=400)
    )
    system.refresh_from_db()
    registered = timezone.localtime(system.created_at).date()
    assert selectors.report_schedule(system)["overdue"] is True
    assert selectors.report_period(system) == (
        selectors.add_months(registered, 6),
        selectors.add_months(registered, 12) - timedelta(days=1),
    )

"""One evidence model for every kind of result: the generic source, its selectors, its migration."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from tests.web.factories import Network, build_network
from tianping.web.assessments.evidence.selectors import evidence_for_system, evidence_of
from tianping.web.assessments.evidence.services import evidence_file
from tianping.web.assessments.models import BiasAssessment, Evidence, PrivacyScan
from tianping.web.assessments.privacy.services import privacy_scan_start

BEFORE = [("assessments", "0005_evidence_source")]
# Up to the schema the current models read (evidence_of prefetches the links' extent, 0008).
AFTER = [("assessments", "0009_evidence_links_by_mapping")]


def test_evidence_of_another_model_is_found_by_both_selectors(network: Network) -> None:
    # An AI system stands in for a document: any saved record may be a source.
    document = network.system_b
    evidence = evidence_file(
        source=document,
        kind=Evidence.Kind.DOCUMENT,
        title="Model card",
        content={"pages": 3},
        items=[("REQ-12-01", "uploaded by the applicant")],
        created_by=network.applicant_b,
    )
    assert evidence.source == document and evidence.system == network.system_b
    assert evidence.source_id == str(document.pk)
    assert len(evidence.sha256) == 64
    assert evidence_of(document) == evidence
    assert list(evidence.links.values_list("item", "extent", "basis")) == [
        ("REQ-12-01", "full", "uploaded by the applicant")
    ]
    assert list(evidence_for_system(network.system_b)) == [evidence]
    assert list(evidence_for_system(network.system_b, kind=Evidence.Kind.DOCUMENT)) == [evidence]
    assert not evidence_for_system(network.system_b, kind=Evidence.Kind.CERTIFICATE).exists()
    assert not evidence_for_system(network.system_a).exists()
    assert evidence_of(network.system_a) is None


def test_a_source_has_one_evidence_record_and_kinds_are_checked(network: Network) -> None:
    arguments: dict[str, Any] = {
        "source": network.system_a,
        "title": "Certificate",
        "content": {},
        "items": [],
        "created_by": None,
    }
    evidence_file(kind=Evidence.Kind.CERTIFICATE, **arguments)
    with pytest.raises(IntegrityError), transaction.atomic():
        evidence_file(kind=Evidence.Kind.CERTIFICATE, **arguments)
    with pytest.raises(ValueError, match="kind"):
        evidence_file(kind="horoscope", **arguments)


def test_a_privacy_scan_files_masked_values_only(
    network: Network, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    raw_id, raw_phone = "11010519491231002X", "13912345678"
    data = f"姓名,身份证号,手机号\n张三,{raw_id},{raw_phone}\n李四,,\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        scan = privacy_scan_start(
            actor=network.applicant_a,
            system=network.system_a,
            upload=SimpleUploadedFile("people.csv", data),
        )
    scan.refresh_from_db()
    assert scan.status == PrivacyScan.Status.DONE, (scan.message, scan.error)
    evidence = evidence_of(scan)
    assert evidence is not None and evidence.source == scan
    assert list(evidence_for_system(network.system_a, kind=Evidence.Kind.PRIVACY_PROFILE)) == [
        evidence
    ]
    findings = evidence.content["findings"]
    assert {f["entity"] for f in findings} >= {"cn_resident_id"}
    assert all(f["masked"] for f in findings)
    stored = json.dumps(evidence.content, ensure_ascii=False)
    assert raw_id not in stored and raw_phone not in stored


def test_deleting_a_job_deletes_its_evidence(
    network: Network, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        scan = privacy_scan_start(
            actor=network.applicant_a,
            system=network.system_a,
            upload=SimpleUploadedFile("people.csv", "姓名,评价\n张三,良好\n".encode()),
        )
    assert evidence_of(scan) is not None
    scan.delete()
    assert not Evidence.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_source_from_the_old_fields() -> None:
    network = build_network()
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        system = old.get_model("systems", "AISystem").objects.get(pk=network.system_a.pk)
        data = old.get_model("assessments", "PredictionsFile").objects.create(
            system=system, source="upload", name="d.csv", location="d.csv", format="csv", size=1
        )
        assessment = old.get_model("assessments", "BiasAssessment").objects.create(
            system=system, data=data, title="Audit", parameters={}
        )
        scan = old.get_model("assessments", "PrivacyScan").objects.create(
            system=system, data=data, title="Scan"
        )
        OldEvidence = old.get_model("assessments", "Evidence")
        fields = {"system": system, "content": {}, "sha256": "0" * 64}
        OldEvidence.objects.create(
            kind="bias_assessment", title="Audit", bias_assessment=assessment, **fields
        )
        OldEvidence.objects.create(
            kind="privacy_profile", title="Scan", privacy_scan=scan, **fields
        )
        OldEvidence.objects.create(kind="bias_assessment", title="Unlinked", **fields)
        # post_migrate may not have made the content type yet: the migration makes it.
        ContentType.objects.filter(app_label="assessments", model="privacyscan").delete()
        ContentType.objects.clear_cache()

        executor.loader.build_graph()
        executor.migrate(AFTER)
        ContentType.objects.clear_cache()
        by_title = {e.title: e for e in Evidence.objects.all()}
        assert by_title["Audit"].source == BiasAssessment.objects.get(pk=assessment.pk)
        assert by_title["Audit"].source_id == str(assessment.pk)
        assert by_title["Scan"].source == PrivacyScan.objects.get(pk=scan.pk)
        assert by_title["Unlinked"].source_type is None and by_title["Unlinked"].source_id == ""
        assert evidence_of(PrivacyScan.objects.get(pk=scan.pk)) == by_title["Scan"]

        # And back: the old fields are filled again.
        executor.loader.build_graph()
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        back = {e.title: e for e in old.get_model("assessments", "Evidence").objects.all()}
        assert back["Audit"].bias_assessment_id == assessment.pk
        assert back["Scan"].privacy_scan_id == scan.pk
        assert back["Unlinked"].bias_assessment_id is None
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        ContentType.objects.clear_cache()

"""Evidence is filed only where the catalogue's measurement mapping says it applies.

A bias audit of a hiring model is not evidence about generated content
(REQ-13-07) or prices (REQ-13-06); a privacy scan is not a penetration test
(REQ-12-06), nor a training-data summary (REQ-11-08) unless the system is
generative. Links filed before the mapping are removed by a migration, which
keeps each removal as history. Every hash on the pages says what it hashes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from tests.web.assessments.factories import SETTINGS, decisions
from tests.web.assessments.test_privacy_scans import dataset
from tests.web.factories import Network, answers, build_network, logged_in_client, make_system
from tianping.norms import items_for
from tianping.web.assessments.bias.services import bias_assessment_start
from tianping.web.assessments.evidence.selectors import evidence_of
from tianping.web.assessments.evidence.services import evidence_file
from tianping.web.assessments.models import (
    BiasAssessment,
    Evidence,
    EvidenceLink,
    EvidenceLinkRemoval,
    PrivacyScan,
)
from tianping.web.assessments.privacy.services import privacy_scan_start
from tianping.web.systems.models import AISystem
from tianping.web.systems.services import intake_submit

HIRING = answers(
    personal_info=True,
    sensitive_pi=False,
    minors=False,
    affects_rights=True,
    automated_decisions=["hiring"],
)
HEX64 = re.compile(r"\b[0-9a-f]{64}\b")
BEFORE = [("assessments", "0007_evidence_source_only")]
AFTER = [("assessments", "0009_evidence_links_by_mapping")]

Capture = Callable[..., Any]


def linked(evidence: Evidence | None) -> dict[str, str]:
    assert evidence is not None
    return dict(evidence.links.values_list("item", "extent"))


def audit(network: Network, capture: Capture, *, content: bytes | None = None) -> BiasAssessment:
    data = decisions().to_csv(index=False).encode("utf-8") if content is None else content
    with capture(execute=True):
        assessment = bias_assessment_start(
            actor=network.applicant_a,
            system=network.system_a,
            upload=SimpleUploadedFile("hiring.csv", data),
            **SETTINGS,
        )
    assessment.refresh_from_db()
    assert assessment.status == BiasAssessment.Status.DONE, (assessment.message, assessment.error)
    return assessment


def scan(network: Network, capture: Capture, system: AISystem | None = None) -> PrivacyScan:
    with capture(execute=True):
        started = privacy_scan_start(
            actor=network.applicant_a,
            system=system or network.system_a,
            upload=SimpleUploadedFile("people.csv", dataset()),
        )
    started.refresh_from_db()
    assert started.status == PrivacyScan.Status.DONE, (started.message, started.error)
    return started


# -- filing ------------------------------------------------------------------------


def test_a_hiring_models_bias_audit_is_not_filed_for_generated_content_or_prices(
    network: Network, django_capture_on_commit_callbacks: Capture
) -> None:
    intake_submit(actor=network.applicant_a, system=network.system_a, answers=HIRING)
    links = linked(evidence_of(audit(network, django_capture_on_commit_callbacks)))
    assert "REQ-13-07" not in links and "REQ-13-06" not in links
    assert links["REQ-13-02"] == "full" and links["REQ-13-01"] == "partial"
    assert links == dict(items_for("bias_assessment", HIRING))


def test_a_pricing_models_bias_audit_answers_price_discrimination_in_part(
    network: Network, django_capture_on_commit_callbacks: Capture
) -> None:
    pricing = answers(HIRING, automated_decisions=["hiring", "pricing"])
    intake_submit(actor=network.applicant_a, system=network.system_a, answers=pricing)
    links = linked(evidence_of(audit(network, django_capture_on_commit_callbacks)))
    assert links["REQ-13-06"] == "partial"
    assert "REQ-13-07" not in links


def test_the_latest_intake_decides(
    network: Network, django_capture_on_commit_callbacks: Capture
) -> None:
    intake_submit(
        actor=network.applicant_a,
        system=network.system_a,
        answers=answers(HIRING, automated_decisions=["pricing"]),
    )
    intake_submit(actor=network.applicant_a, system=network.system_a, answers=HIRING)
    links = linked(evidence_of(audit(network, django_capture_on_commit_callbacks)))
    assert "REQ-13-06" not in links


def test_a_privacy_scan_is_neither_a_security_test_nor_a_training_data_summary(
    network: Network, django_capture_on_commit_callbacks: Capture
) -> None:
    intake_submit(actor=network.applicant_a, system=network.system_a, answers=HIRING)
    links = linked(evidence_of(scan(network, django_capture_on_commit_callbacks)))
    assert "REQ-11-08" not in links and "REQ-12-06" not in links
    # Automated hiring decisions on personal information need an impact assessment.
    assert links["REQ-03-10"] == "partial"


def test_a_privacy_scan_of_a_generative_system_informs_its_training_data_summary(
    network: Network, django_capture_on_commit_callbacks: Capture
) -> None:
    generative = answers(HIRING, generative=True)
    intake_submit(actor=network.applicant_a, system=network.system_a, answers=generative)
    links = linked(evidence_of(scan(network, django_capture_on_commit_callbacks)))
    assert links["REQ-11-08"] == "partial"
    assert "REQ-12-06" not in links


def test_without_an_intake_only_the_items_that_always_apply_are_linked(
    network: Network, django_capture_on_commit_callbacks: Capture
) -> None:
    fresh = make_system(
        actor=network.applicant_a, organisation=network.enterprise_a, name="No intake yet"
    )
    assert not fresh.intakes.exists()
    links = linked(evidence_of(scan(network, django_capture_on_commit_callbacks, system=fresh)))
    assert links == dict(items_for("privacy_scan", None))
    assert links == {"REQ-03-08": "partial", "REQ-11-02": "partial"}


def test_an_item_the_mapping_does_not_give_is_refused_and_nothing_is_filed(
    network: Network,
) -> None:
    with pytest.raises(ValidationError) as caught:
        evidence_file(
            source=network.system_a,
            kind=Evidence.Kind.DOCUMENT,
            title="Penetration test report",
            content={},
            items=[("REQ-12-01", "model card"), ("REQ-12-06", "pen test")],
            created_by=network.applicant_a,
        )
    assert "REQ-12-06" in caught.value.message_dict["items"][0]
    assert "REQ-12-01" not in caught.value.message_dict["items"][0]
    assert not Evidence.objects.exists() and not EvidenceLink.objects.exists()


# -- pages ---------------------------------------------------------------------------


def client_in(network: Network, language: str) -> Client:
    client = logged_in_client(network.applicant_a)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _labelled_hashes(html: str) -> dict[str, str]:
    """Every 64-hex digest on the page, by the id of the labelled paragraph it sits in."""
    found = {}
    for paragraph in re.findall(r'<p class="muted" id="([a-z0-9-]+)">(.*?)</p>', html, re.S):
        name, text = paragraph
        digests = HEX64.findall(text)
        if digests:
            label = text.split("<code>")[0]
            assert "SHA-256" in label and len(label) > len("SHA-256: "), text
            found[name] = digests[0]
    assert sorted(found.values()) == sorted(HEX64.findall(html)), "an unlabelled digest"
    return found


def test_the_bias_page_labels_each_hash_and_the_file_hash_is_the_uploads(
    network: Network, django_capture_on_commit_callbacks: Capture
) -> None:
    # GB18030 bytes are stored as UTF-8 (and encrypted): only the digest of what was sent
    # identifies the upload.
    frame = decisions().rename(columns={"sex": "性别"})
    frame["性别"] = frame["性别"].map({"F": "女", "M": "男"})
    sent = frame.to_csv(index=False).encode("gb18030")
    settings = {**SETTINGS, "protected": ["性别", "age"]}
    with django_capture_on_commit_callbacks(execute=True):
        assessment = bias_assessment_start(
            actor=network.applicant_a,
            system=network.system_a,
            upload=SimpleUploadedFile("hiring.csv", sent),
            **settings,
        )
    evidence = evidence_of(assessment)
    assert evidence is not None
    client = client_in(network, "en")
    html = client.get(f"/assessments/{assessment.pk}/").content.decode()
    hashes = _labelled_hashes(html)
    assert hashes == {
        "evidence-sha256": evidence.sha256,
        "data-sha256": hashlib.sha256(sent).hexdigest(),
    }
    assert "SHA-256 of the uploaded file hiring.csv, as sent" in html
    assert "SHA-256 of the result's canonical JSON" in html
    assert 'data-item="REQ-13-02" data-extent="full"' in html
    assert "Answers it in full" in html and "Answers it in part" in html


def test_the_privacy_page_labels_each_hash_and_shows_the_extent_in_chinese(
    network: Network, django_capture_on_commit_callbacks: Capture
) -> None:
    finished = scan(network, django_capture_on_commit_callbacks)
    client = client_in(network, "zh-hans")
    html = client.get(f"/assessments/privacy/{finished.pk}/").content.decode()
    hashes = _labelled_hashes(html)
    assert hashes["data-sha256"] == hashlib.sha256(dataset()).hexdigest()
    assert hashes["evidence-sha256"] == evidence_of(finished).sha256  # type: ignore[union-attr]
    assert "部分回答该项" in html
    assert "partial" not in re.sub(r'(data-extent|class)="[^"]*"', "", html)


# -- the migration ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_removes_unjustified_links_and_keeps_them_as_history() -> None:
    network = build_network()
    intake = intake_submit(actor=network.applicant_a, system=network.system_a, answers=HIRING)
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        system = old.get_model("systems", "AISystem").objects.get(pk=network.system_a.pk)
        OldEvidence = old.get_model("assessments", "Evidence")
        OldLink = old.get_model("assessments", "EvidenceLink")
        evidence = OldEvidence.objects.create(
            system=system, kind="bias_assessment", title="Hiring audit", content={}, sha256="a" * 64
        )
        for item in ("REQ-13-02", "REQ-13-06", "REQ-13-07"):
            OldLink.objects.create(
                evidence=evidence,
                item=item,
                catalogue_version="2026.1",
                basis="article 13; export_review_2026:algorithmic_bias",
            )

        executor.loader.build_graph()
        executor.migrate(AFTER)
        kept = EvidenceLink.objects.filter(evidence_id=evidence.pk)
        assert list(kept.values_list("item", "extent")) == [("REQ-13-02", "full")]
        removed = EvidenceLinkRemoval.objects.filter(evidence_id=evidence.pk).order_by("item")
        assert [r.item for r in removed] == ["REQ-13-06", "REQ-13-07"]
        first = removed[0]
        assert first.system_id == network.system_a.pk and first.intake_id == intake.pk
        assert first.reason == EvidenceLinkRemoval.Reason.NOT_JUSTIFIED
        assert first.evidence_title == "Hiring audit" and first.evidence_sha256 == "a" * 64
        assert first.basis == "article 13; export_review_2026:algorithmic_bias"
        assert first.catalogue_version == "2026.1" and first.mapping_version == "2026.1"
        assert Evidence.objects.filter(pk=evidence.pk).exists()  # the evidence itself stays

        # And back: the removed links return, the history rows go.
        executor.loader.build_graph()
        executor.migrate([("assessments", "0008_evidence_link_extent_and_removals")])
        state = executor.loader.project_state(
            [("assessments", "0008_evidence_link_extent_and_removals")]
        ).apps
        back = state.get_model("assessments", "EvidenceLink").objects.filter(
            evidence_id=evidence.pk
        )
        assert sorted(back.values_list("item", flat=True)) == [
            "REQ-13-02",
            "REQ-13-06",
            "REQ-13-07",
        ]
        assert not state.get_model("assessments", "EvidenceLinkRemoval").objects.exists()
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

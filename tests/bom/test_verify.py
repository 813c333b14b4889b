"""Each component's status from certificates, applications and exemptions; the weakest wins."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.bom.helpers import (
    DATA,
    KEY,
    MODEL,
    NOW,
    OTHER,
    certificate,
    example_bom,
    lists,
)
from tianping.bom import (
    ORDER,
    Application,
    BomError,
    CertificateIndex,
    load_exemptions,
    parse_bom,
    read_applications,
    verify_bom,
)
from tianping.certification import Resolver, did_key_document

MODEL_CERT = certificate({"organisation": "Example Bank (test data)", "digests": {"model": MODEL}})
DATA_CERT = certificate(
    {"organisation": "Example Data Co. (test data)", "digests": {"data": [DATA]}},
    index=8,
    number=2,
)


def check(document: dict[str, Any] | None = None, *certificates: dict[str, Any], **options: Any):  # type: ignore[no-untyped-def]
    bom = parse_bom(json.dumps(document or example_bom()))
    options.setdefault("status_lists", lists())
    options.setdefault("now", NOW)
    options.setdefault("exemptions", ())
    return verify_bom(bom, certificates, **options)


def statuses(report: Any) -> list[str]:
    return [result.status for result in report.results]


def test_certified_by_digest_and_uncertified_without_certificate() -> None:
    report = check(None, MODEL_CERT)
    assert statuses(report) == ["certified", "uncertified"]
    assert report.results[0].basis == "digest"
    assert report.results[0].certificate == MODEL_CERT["id"]
    assert report.status == "uncertified" and not report.passes
    assert report.skipped == 1  # the library is outside the check


def test_all_certified_passes() -> None:
    report = check(None, MODEL_CERT, DATA_CERT)
    assert statuses(report) == ["certified", "certified"]
    assert report.status == "certified" and report.passes


def test_revoked_and_suspended_from_the_status_lists() -> None:
    report = check(None, MODEL_CERT, DATA_CERT, status_lists=lists(revoked=(7,)))
    assert statuses(report) == ["revoked", "certified"]
    assert report.status == "revoked"
    report = check(None, MODEL_CERT, DATA_CERT, status_lists=lists(suspended=(8,)))
    assert statuses(report) == ["certified", "suspended"]
    assert report.status == "suspended"


def test_expired_after_two_years() -> None:
    report = check(None, MODEL_CERT, DATA_CERT, now=datetime(2028, 7, 2, tzinfo=UTC))
    assert statuses(report) == ["expired", "expired"]
    assert report.status == "expired" and not report.passes


def test_a_renewed_certificate_wins_over_an_expired_one() -> None:
    renewed = certificate(
        {"organisation": "Example Bank (test data)", "digests": {"model": MODEL}},
        valid_from=datetime(2028, 6, 1, tzinfo=UTC),
        number=3,
    )
    report = check(None, MODEL_CERT, renewed, now=datetime(2028, 7, 2, tzinfo=UTC))
    assert report.results[0].status == "certified"
    assert report.results[0].certificate == renewed["id"]


def test_a_certificate_that_does_not_verify_certifies_nothing() -> None:
    tampered = copy.deepcopy(MODEL_CERT)
    tampered["credentialSubject"]["organisation"] = "Someone else"
    report = check(None, tampered)
    assert report.results[0].status == "uncertified"
    assert "invalid" in report.results[0].message("en")
    # without its status lists, a certificate cannot be shown not to be revoked
    report = check(None, MODEL_CERT, status_lists=[])
    assert report.results[0].status == "uncertified"
    assert "status list" in report.results[0].message("en")


def test_pinned_issuer_refuses_other_keys() -> None:
    pinned = Resolver([did_key_document(OTHER.did_key)], did_key=False)
    report = check(None, MODEL_CERT, resolver=pinned)
    assert report.results[0].status == "uncertified"
    pinned = Resolver([did_key_document(KEY.did_key)], did_key=False)
    assert check(None, MODEL_CERT, resolver=pinned).results[0].status == "certified"


def test_a_certificate_for_another_digest_does_not_match() -> None:
    other = certificate(
        {"organisation": "Example Bank (test data)", "digests": {"model": "cd" * 32},
         "scope": {"model": "credit-scoring", "version": "2.3.0"}},
        number=4,
    )  # fmt: skip
    report = check(None, other)
    assert report.results[0].status == "uncertified"
    assert "outside the certificate's scope" in report.results[0].message("en")
    assert "需重新评估" in report.results[0].message("zh-Hans")


def test_certified_by_the_suppliers_certificate() -> None:
    document = example_bom()
    document["services"] = [
        {"bom-ref": "svc", "name": "ocr-api", "version": "3",
         "provider": {"name": "Example OCR Ltd."}},
    ]  # fmt: skip
    supplier_cert = certificate(
        {"organisation": "Example OCR Ltd.", "scope": {"model": "OCR-API", "version": "3"}},
        number=5,
    )
    report = check(document, MODEL_CERT, DATA_CERT, supplier_cert)
    assert statuses(report) == ["certified", "certified", "certified"]
    assert report.results[2].basis == "supplier"
    document["services"][0]["version"] = "4"  # a new version is outside the scope
    assert check(document, MODEL_CERT, DATA_CERT, supplier_cert).results[2].status == (
        "uncertified"
    )


def test_eligible_by_an_open_application_with_a_complete_submission() -> None:
    open_complete = Application("APP-1", "Example Data Co. (test data)", "loan-applications",
                                "open", True)  # fmt: skip
    report = check(None, MODEL_CERT, applications=[open_complete])
    assert statuses(report) == ["certified", "eligible"]
    assert report.status == "eligible" and report.passes
    assert "APP-1" in report.results[1].message("en")
    for application in (
        Application("APP-2", "Example Data Co. (test data)", "loan-applications", "open", False),
        Application("APP-3", "Example Data Co. (test data)", "loan-applications", "refused", True),
        Application("APP-4", "Another supplier", "loan-applications", "open", True),
        Application("APP-5", "Example Data Co. (test data)", "x", "open", True, sha256="0" * 64),
    ):
        assert check(None, MODEL_CERT, applications=[application]).results[1].status == (
            "uncertified"
        ), application.reference
    by_digest = Application("APP-6", "Renamed", "renamed", "open", True, sha256=DATA.upper())
    assert check(None, MODEL_CERT, applications=[by_digest]).results[1].status == "eligible"


def test_revoked_stays_revoked_despite_an_application() -> None:
    application = Application("APP-1", "Example Bank (test data)", "credit-scoring", "open", True)
    report = check(None, MODEL_CERT, status_lists=lists(revoked=(7,)), applications=[application])
    assert report.results[0].status == "revoked"
    report = check(None, MODEL_CERT, now=datetime(2028, 7, 2, tzinfo=UTC),
                   applications=[application])  # fmt: skip
    assert report.results[0].status == "eligible"  # a renewal under way


def test_eligible_under_the_shipped_exemption_rules() -> None:
    rules = load_exemptions()
    assert {rule.id for rule in rules} == {"first-party", "open-evaluation-data"}
    assert not any(rule.confirmed for rule in rules)
    document = example_bom()
    document["components"][1]["supplier"]["name"] = "Example Fintech (test data)"
    report = check(document, MODEL_CERT, exemptions=rules)
    assert statuses(report) == ["certified", "eligible"]
    assert report.results[1].basis == "exemption"
    document = example_bom()
    data = document["components"][1]
    data["licenses"] = [{"license": {"id": "CC0-1.0"}}]
    assert check(document, MODEL_CERT, exemptions=rules).results[1].status == "uncertified"
    data["properties"] = [{"name": "tianping:use", "value": "evaluation-only"}]
    assert check(document, MODEL_CERT, exemptions=rules).results[1].status == "eligible"
    document["components"][1]["type"] = "machine-learning-model"  # the rule is for data only
    assert check(document, MODEL_CERT, exemptions=rules).results[1].status == "uncertified"


@pytest.mark.parametrize(
    ("component_statuses", "weakest"),
    [
        (["certified", "eligible"], "eligible"),
        (["expired", "uncertified"], "uncertified"),
        (["certified", "suspended", "expired"], "suspended"),
        (["suspended", "revoked", "certified"], "revoked"),
    ],
)
def test_the_weakest_status_is_the_products(component_statuses: list[str], weakest: str) -> None:
    assert min(component_statuses, key=ORDER.index) == weakest
    assert ORDER == ("revoked", "suspended", "uncertified", "expired", "eligible", "certified")


def test_the_weakest_of_a_mixed_bom() -> None:
    document = example_bom()
    document["services"] = [{"bom-ref": "svc", "name": "ocr", "provider": {"name": "OCR Ltd."}}]
    application = Application("APP-1", "OCR Ltd.", "ocr", "open", True)
    report = check(document, MODEL_CERT, DATA_CERT, status_lists=lists(suspended=(8,)),
                   applications=[application])  # fmt: skip
    assert statuses(report) == ["certified", "suspended", "eligible"]
    assert report.status == "suspended"
    data = report.to_json()
    assert data["status"] == "suspended" and data["passes"] is False
    assert data["counts"]["eligible"] == 1 and data["order"][0] == "revoked"
    assert data["components"][2]["kind_label"] == {"zh-Hans": "服务", "en": "service"}


def test_a_bom_without_ai_components_has_nothing_to_fail() -> None:
    document = example_bom()
    document["components"] = document["components"][2:]
    report = check(document)
    assert report.status is None and report.passes and report.skipped == 1


def test_applications_file_is_read_strictly(tmp_path: Any) -> None:
    good = tmp_path / "apps.yaml"
    good.write_text(
        "applications:\n  - {reference: A-1, supplier: S, component: c, state: open,"
        " submission_complete: true}\n",
        encoding="utf-8",
    )
    assert read_applications(good)[0].makes_eligible
    bad = tmp_path / "bad.yaml"
    bad.write_text("applications:\n  - {reference: A-1, state: maybe}\n", encoding="utf-8")
    with pytest.raises(BomError, match=r"bad\.yaml"):
        read_applications(bad)


def test_an_index_built_once_matches_as_verifying_each_time() -> None:
    index = CertificateIndex.build([MODEL_CERT, DATA_CERT], status_lists=lists(), now=NOW)
    assert index.size == 2
    bom = parse_bom(json.dumps(example_bom()))
    indexed = verify_bom(bom, index=index, now=NOW, exemptions=())
    direct = check(None, MODEL_CERT, DATA_CERT)
    assert indexed.to_json() == direct.to_json()
    assert statuses(indexed) == ["certified", "certified"]

"""The vendor register and systems' AI-BOMs: the questionnaire's risk rule, BOM upload and
export, the interface certification reads, pages and API, and who may do what."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.web.factories import Network, bearer_client, logged_in_client
from tests.web.vendors.factories import bom_bytes, example_bom
from tianping.bom import parse_bom
from tianping.web.ledger.models import PlatformAction
from tianping.web.vendors import selectors, services
from tianping.web.vendors.models import BomComponent, Supplier, SystemBom
from tianping.web.vendors.questionnaire import (
    QUESTIONNAIRE_FILE,
    parse_questionnaire,
    questionnaire,
    rate,
)
from tianping.yamlsafe import DataFileError

BANK = "Example Bank (test data)"
ALL_YES = {q.id: "yes" for q in questionnaire().questions}


def _supplier(n: Network, name: str = BANK) -> Supplier:
    return services.supplier_create(
        actor=n.applicant_a, organisation=n.enterprise_a, name=name, kind="model"
    )


# The rule in data ------------------------------------------------------------------------------


def test_the_rating_follows_the_rule_in_data_with_its_reasons() -> None:
    assert rate(ALL_YES).level == "low"
    assert rate({}).level == "high"  # unanswered counts as unknown: 5 × 2 points
    medium = rate({**ALL_YES, "training-data": "partly", "bias-testing": "partly"})
    assert (medium.level, medium.points) == ("medium", 2)
    critical = rate({**ALL_YES, "remediation": "no"})
    assert (critical.level, critical.points) == ("high", 3)  # few points, but a critical "no"
    assert any("critical" in r.en and "remediation" in r.en for r in critical.reasons)
    assert "高风险" in critical.reasons[-1].zh or "高" in critical.reasons[-1].zh


def test_the_rule_is_read_from_data_and_a_bad_file_is_refused() -> None:
    text = QUESTIONNAIRE_FILE.read_text("utf-8")
    stricter = parse_questionnaire(text.replace("at_least: 2", "at_least: 1"))
    answers = {**ALL_YES, "bias-testing": "partly"}
    assert (rate(answers).level, rate(answers, stricter).level) == ("low", "medium")
    with pytest.raises(DataFileError):
        parse_questionnaire(text.replace("id: bias-testing", "id: training-data"))
    with pytest.raises(DataFileError):
        parse_questionnaire(text.replace('"no": 3', '"no": -3'))


# Services --------------------------------------------------------------------------------------


def test_suppliers_and_answers_are_logged_and_only_writers_change_them(network: Network) -> None:
    supplier = _supplier(network)
    with pytest.raises(ValidationError):  # the same name twice, in any case
        _supplier(network, BANK.upper())
    with pytest.raises(ValidationError):
        services.supplier_create(
            actor=network.admin_a, organisation=network.enterprise_a, name="X", kind="robot"
        )
    with pytest.raises(PermissionDenied):
        services.supplier_create(
            actor=network.applicant_b, organisation=network.enterprise_a, name="Y", kind="data"
        )
    with pytest.raises(ValidationError):
        services.questionnaire_answer(
            actor=network.admin_a, supplier=supplier, answers={"no-such-question": ("yes", "")}
        )
    with pytest.raises(PermissionDenied):
        services.questionnaire_answer(
            actor=network.applicant_b, supplier=supplier, answers={"remediation": ("yes", "")}
        )
    assert not supplier.answers.exists()
    changed = services.supplier_update(
        actor=network.admin_a,
        supplier=supplier,
        name="Example Bank",
        kind="api",
        contact="legal desk",
        notes="",
    )
    assert (changed.name, changed.kind) == ("Example Bank", "api")
    with pytest.raises(PermissionDenied):
        services.supplier_update(
            actor=network.applicant_b, supplier=supplier, name="Z", kind="api", contact="", notes=""
        )
    level = services.questionnaire_answer(
        actor=network.admin_a,
        supplier=supplier,
        answers={q: (a, "contract §4") for q, a in ALL_YES.items()},
    )
    assert level == "low"
    kinds = list(PlatformAction.objects.order_by("idx").values_list("kind", flat=True))
    assert kinds[-3:] == [
        "vendors.supplier_added",
        "vendors.supplier_changed",
        "vendors.questionnaire_answered",
    ]


def test_a_bom_is_stored_as_components_that_certification_reads(network: Network) -> None:
    bank = _supplier(network)
    services.questionnaire_answer(
        actor=network.applicant_a, supplier=bank, answers={"logs-audit": ("no", "")}
    )
    services.bom_upload(
        actor=network.applicant_a, system=network.system_a, data=bom_bytes(example_bom())
    )
    rows = list(selectors.components_for(network.system_a))
    assert [(r.component_type, r.name, r.version) for r in rows] == [
        ("machine-learning-model", "credit-scoring", "2.3.0"),
        ("data", "loan-applications", "2025"),
        ("library", "xgboost", "2.1.1"),
    ]
    model, data, _library = rows
    assert model.supplier == bank and model.certificate_id == "urn:uuid:cert-1"
    assert set(model.hashes) == {"SHA-256"} and len(model.hashes["SHA-256"]) == 64
    assert data.supplier is None and data.certificate_id == ""
    assert selectors.supplier_risk_for(network.system_a) == [(BANK, "high")]
    # A supplier added later is linked by the name the BOM gives; the owner states a certificate.
    data_co = _supplier(network, "example data co. (TEST DATA)")
    data.refresh_from_db()
    assert data.supplier == data_co
    services.component_update(
        actor=network.admin_a, component=data, supplier_id=None, certificate_id="urn:uuid:c-2"
    )
    data.refresh_from_db()
    assert (data.supplier, data.certificate_id) == (None, "urn:uuid:c-2")
    with pytest.raises(ValidationError):  # another organisation's supplier
        other = Supplier.objects.create(organisation=network.enterprise_b, name="B", kind="api")
        services.component_update(
            actor=network.admin_a, component=data, supplier_id=other.pk, certificate_id=""
        )
    assert PlatformAction.objects.filter(kind="vendors.bom_uploaded").count() == 1


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda d: d["components"][2].update({"bom-ref": d["components"][0]["bom-ref"]}),
            id="duplicate-ref",
        ),
        pytest.param(lambda d: d["components"][2].update({"type": "robot"}), id="unknown-type"),
        pytest.param(lambda d: d.update({"specVersion": "1.2"}), id="old-version"),
        pytest.param(lambda d: d["components"][0].pop("hashes"), id="model-without-hash"),
    ],
)
def test_an_invalid_bom_is_refused_with_the_reason_and_changes_nothing(
    network: Network, change: Any
) -> None:
    services.bom_upload(
        actor=network.applicant_a, system=network.system_a, data=bom_bytes(example_bom())
    )
    before = list(BomComponent.objects.values_list("pk", flat=True))
    document = copy.deepcopy(example_bom())
    change(document)
    with pytest.raises(ValidationError) as caught:
        services.bom_upload(
            actor=network.applicant_a, system=network.system_a, data=bom_bytes(document)
        )
    assert "file" in caught.value.message_dict
    assert list(BomComponent.objects.values_list("pk", flat=True)) == before
    with pytest.raises(ValidationError):
        services.bom_upload(actor=network.applicant_a, system=network.system_a, data=b"\xff\xfe")


# Pages -----------------------------------------------------------------------------------------


def test_pages_show_the_register_and_bom_to_the_organisation_only(network: Network) -> None:
    bank = _supplier(network)
    client = logged_in_client(network.applicant_a)
    response = client.post(
        reverse("vendors:bom_upload", args=[network.system_a.pk]),
        {"file": SimpleUploadedFile("bom.json", bom_bytes(example_bom()), "application/json")},
    )
    assert response.status_code == 302
    page = client.get(reverse("vendors:bom", args=[network.system_a.pk]))
    assert page.status_code == 200 and "credit-scoring" in page.content.decode()
    detail = client.get(reverse("vendors:supplier", args=[bank.pk]))
    assert detail.status_code == 200 and "credit-scoring" in detail.content.decode()
    assert client.get(reverse("vendors:home")).status_code == 200
    download = client.get(reverse("certification:bom_export", args=[network.system_a.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    parse_bom(download.content.decode())
    bad = client.post(
        reverse("vendors:bom_upload", args=[network.system_a.pk]),
        {"file": SimpleUploadedFile("bom.json", b'{"bomFormat": "SPDX"}', "application/json")},
    )
    assert bad.status_code == 200 and bad.context["upload_form"].errors["file"]
    outsider = logged_in_client(network.applicant_b)
    for url in (
        reverse("vendors:supplier", args=[bank.pk]),
        reverse("vendors:bom", args=[network.system_a.pk]),
        reverse("certification:bom_export", args=[network.system_a.pk]),
    ):
        assert outsider.get(url).status_code == 404
    answers = {f"answer_{q}": "yes" for q in ALL_YES}
    assert outsider.post(reverse("vendors:supplier", args=[bank.pk]), answers).status_code == 404
    assert Supplier.objects.get(pk=bank.pk).answers.count() == 0


# API -------------------------------------------------------------------------------------------


def test_the_api_keeps_the_register_and_the_bom(network: Network) -> None:
    api = bearer_client(network.applicant_a)
    created = api.post(
        "/api/vendors/suppliers",
        {"organisation_id": network.enterprise_a.pk, "name": BANK, "kind": "model"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    supplier_id = created.json()["id"]
    answered = api.put(
        f"/api/vendors/suppliers/{supplier_id}/questionnaire",
        {"answers": {"remediation": {"answer": "no", "note": "refused in the contract"}}},
        content_type="application/json",
    )
    assert answered.status_code == 200 and answered.json()["risk"] == "high"
    assert answered.json()["risk_reasons"]
    bad = api.put(
        f"/api/vendors/suppliers/{supplier_id}/questionnaire",
        {"answers": {"remediation": {"answer": "maybe"}}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    url = f"/api/vendors/systems/{network.system_a.pk}/bom"
    uploaded = api.post(url, {"file": SimpleUploadedFile("b.json", bom_bytes(example_bom()))})
    assert uploaded.status_code == 201, uploaded.content
    body = uploaded.json()
    assert body["supplier_risk"] == [[BANK, "high"]]
    data_row = body["components"][1]
    patched = api.patch(
        f"{url}/components/{data_row['id']}",
        {"supplier_id": supplier_id, "certificate_id": "urn:uuid:c-3"},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["supplier_id"] == supplier_id
    assert api.get(f"/api/vendors/systems/{network.system_a.pk}/ml-bom").status_code == 200
    refused = api.post(url, {"file": SimpleUploadedFile("b.json", b"[1, 2")})
    assert refused.status_code == 422 and "file" in refused.json()["detail"]
    assert SystemBom.objects.get(system=network.system_a).components.count() == 3
    outsider = bearer_client(network.applicant_b)
    assert outsider.get(url).status_code == 404
    assert outsider.get(f"/api/vendors/suppliers/{supplier_id}").status_code == 404
    assert (
        outsider.post(
            url, {"file": SimpleUploadedFile("b.json", bom_bytes(example_bom()))}
        ).status_code
        == 404
    )
    assert [s["id"] for s in outsider.get("/api/vendors/suppliers").json()] == []

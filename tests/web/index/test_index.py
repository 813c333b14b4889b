"""The Machine Responsibility Index on the platform: evidence from the platform's records
(each with its source, missing never zero), signed and ledgered scorecards, the owner's reply
and publication, trade secrets kept from public views, two raters and a third person's
resolution, energy reports, rankings and exports, and who may see what."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.web.factories import Network, logged_in_client, make_system, make_user
from tianping.index import load_spec
from tianping.ledger import open_note
from tianping.web.accounts.models import Role
from tianping.web.assessments.models import Evidence
from tianping.web.core import signing
from tianping.web.index import evidence, services
from tianping.web.index.models import EnergyReport, IndicatorRating, StoredScorecard
from tianping.web.ledger.models import PlatformAction
from tianping.web.ledger.services import ledger_record_action
from tianping.web.vendors.models import BomComponent, Supplier, SystemBom
from tianping.web.vendors.selectors import supplier_risk

AUDIT = {
    "verdict": "warn",
    "disparities": [
        {"metric": "demographic_parity_difference", "verdict": "pass", "ci": [0.01, 0.04]},
        {"metric": "demographic_parity_ratio", "verdict": "warn", "ci": [0.78, 0.86]},
        {"metric": "equal_opportunity_difference", "verdict": "pass", "ci": [0.0, 0.02]},
    ],
}


def _energy(n: Network, *, confidential: bool = False) -> EnergyReport:
    return services.energy_record(
        actor=n.applicant_a,
        system=n.system_a,
        phase="training",
        method="estimated",
        kwh=Decimal("1200.5"),
        method_note="GPU hours × board power",
        period_end=date(2026, 1, 31),
        confidential=confidential,
    )


def _indicator(card: StoredScorecard, ident: str) -> dict[str, object]:
    return next(i for i in card.card["indicators"] if i["id"] == ident)


def test_evidence_names_its_source_and_missing_is_never_zero(network: Network) -> None:
    row = Evidence.objects.create(
        system=network.system_a, kind="bias_assessment", title="audit", sha256="a" * 64,
        content=AUDIT,
    )  # fmt: skip
    report = _energy(network)
    entry, confidential = evidence.collect(network.system_a)
    items = {item["id"]: item for item in entry["evidence"]}
    parity = items[f"bias-{row.pk}-demographic_parity"]
    assert parity["verdict"] == "warn"  # the worst verdict of the check's metrics
    assert parity["interval"] == [0.78, 0.86]
    assert parity["source"] == f"assessments.evidence:{row.pk}"
    assert items[f"energy-{report.pk}"]["source"] == f"index.energyreport:{report.pk}"
    assert confidential == []
    # No monitor reading, probe run or certificate: no item, so the index says "missing".
    assert not {"incident_history", "monitor_coverage", "certificate"} & {
        i["kind"] for i in entry["evidence"]
    }

    card = services.scorecard_compute(actor=network.applicant_a, system=network.system_a)
    assert _indicator(card, "fa.demographic_parity")["value"] == 0.5
    assert _indicator(card, "en.training_energy")["value"] == 0.5
    for ident in ("co.monitor_coverage", "ac.incidents", "ac.certificate", "sa.jailbreak"):
        assert _indicator(card, ident)["missing"] is True
        assert ident in card.card["missing"]


def test_scorecard_is_versioned_signed_and_ledgered(network: Network) -> None:
    first = services.scorecard_compute(actor=network.applicant_a, system=network.system_a)
    _energy(network)
    second = services.scorecard_compute(actor=network.regulator_province_a, system=network.system_a)
    assert (first.version, second.version) == (1, 2)
    assert first.evidence_sha256 != second.evidence_sha256
    assert second.spec_version == load_spec().version
    assert second.score_low <= second.total <= second.score_high
    assert second.rank_low <= second.rank <= second.rank_high
    note = open_note(second.signature, signing.verifiers(signing.SCORECARDS, services.SIGNER_NAME))
    assert second.sha256 in note.text
    action = PlatformAction.objects.get(idx=second.ledger_index, kind="index.scorecard_computed")
    assert action.system == network.system_a
    # The same evidence gives the same scorecard.
    third = services.scorecard_compute(actor=network.applicant_a, system=network.system_a)
    assert (third.sha256, third.evidence_sha256) == (second.sha256, second.evidence_sha256)
    with pytest.raises(PermissionDenied):
        services.scorecard_compute(actor=network.applicant_b, system=network.system_a)


def test_reply_then_publish_with_trade_secret_redacted(network: Network) -> None:
    secret = _energy(network, confidential=True)
    card = services.scorecard_compute(actor=network.applicant_a, system=network.system_a)
    assert card.confidential == [f"energy-{secret.pk}"]
    owner = logged_in_client(network.applicant_a)
    public_url = reverse("index:public_scorecard", args=[card.pk])
    assert owner.get(public_url).status_code == 404  # a draft is not public

    # A regulator may not publish while the owner may still reply.
    regulator = logged_in_client(network.regulator_province_a)
    regulator.post(reverse("index:publish", args=[card.pk]))
    card.refresh_from_db()
    assert card.state == "draft"

    owner.post(reverse("index:reply", args=[card.pk]), {"reply": "Energy is now metered."})
    regulator.post(reverse("index:publish", args=[card.pk]))
    card.refresh_from_db()
    assert card.state == "published" and card.published_by == network.regulator_province_a
    assert PlatformAction.objects.filter(kind="index.scorecard_published").count() == 1

    anonymous = logged_in_client(network.outsider)
    page = anonymous.get(public_url).content.decode()
    assert "Energy is now metered." in page
    assert f"energy-{secret.pk}" not in page and "GPU hours" not in page
    data = json.loads(anonymous.get(reverse("index:public_json", args=[card.pk])).content)
    assert data["reply"] == "Energy is now metered."
    assert f"energy-{secret.pk}" not in json.dumps(data)
    # The owner's own export keeps the evidence.
    own = json.loads(owner.get(reverse("index:scorecard_json", args=[card.pk])).content)
    assert any(i["id"] == f"energy-{secret.pk}" for i in own["evidence"])


def test_reply_period_ends(network: Network) -> None:
    card = services.scorecard_compute(actor=network.applicant_a, system=network.system_a)
    card.reply_due = timezone.now() - timedelta(seconds=1)
    card.save()
    with pytest.raises(ValidationError):
        services.scorecard_reply(actor=network.applicant_a, card=card, reply="late")
    # Once the period has ended a regulator may make the scorecard public.
    services.scorecard_publish(actor=network.regulator_province_a, card=card)
    assert card.state == "published" and card.reply == ""


def test_two_raters_and_a_third_person_resolves(network: Network) -> None:
    second = make_user("regulator_a2", organisation=network.province_a, role=Role.REGULATOR)
    third = make_user("regulator_a3", organisation=network.province_a, role=Role.REGULATOR)
    first = network.regulator_province_a
    system = network.system_a
    services.rating_record(actor=first, system=system, indicator="co.opt_out", score=2)
    services.rating_record(actor=second, system=system, indicator="co.opt_out", score=1)
    with pytest.raises(ValidationError):
        services.rating_record(actor=third, system=system, indicator="co.opt_out", score=2)
    with pytest.raises(ValidationError):  # not rated by people
        services.rating_record(actor=third, system=system, indicator="co.kill_switch", score=1)
    with pytest.raises(PermissionDenied):
        services.rating_record(actor=network.applicant_a, system=system, indicator="co.opt_out",
                               score=2)  # fmt: skip
    card = services.scorecard_compute(actor=first, system=system)
    assert _indicator(card, "co.opt_out")["missing"] is True  # unresolved disagreement

    with pytest.raises(ValidationError):  # a rater cannot resolve their own disagreement
        services.rating_resolve(actor=second, system=system, indicator="co.opt_out", score=2,
                                note="mine")  # fmt: skip
    services.rating_resolve(
        actor=third, system=system, indicator="co.opt_out", score=2, note="Opt-out link tested."
    )
    card = services.scorecard_compute(actor=first, system=system)
    assert _indicator(card, "co.opt_out")["value"] == 1.0
    page = logged_in_client(first).get(reverse("index:system", args=[system.pk])).content
    assert "Opt-out link tested." in page.decode()
    assert IndicatorRating.objects.filter(system=system).count() == 2


def test_energy_bad_input_changes_nothing(network: Network) -> None:
    client = logged_in_client(network.applicant_a)
    url = reverse("index:energy", args=[network.system_a.pk])
    data = {"phase": "training", "method": "estimated", "kwh": "10", "method_note": "",
            "period_end": "2026-01-01"}  # fmt: skip
    response = client.post(url, data, follow=True, headers={"accept-language": "en"})
    assert "State how the energy was estimated." in response.content.decode()
    client.post(url, {**data, "kwh": "-1", "method_note": "x"})
    client.post(url, {**data, "phase": "nonsense", "method_note": "x"})
    assert not EnergyReport.objects.exists()
    client.post(url, {**data, "method": "measured"})
    assert EnergyReport.objects.get().method == "measured"
    # A regulator does not record a system's energy.
    regulator = logged_in_client(network.regulator_province_a)
    assert regulator.post(url, {**data, "method": "measured"}).status_code == 403


def test_rankings_and_exports_for_regulators_only(network: Network) -> None:
    other = make_system(actor=network.applicant_a, organisation=network.enterprise_a, name="二号")
    _energy(network)
    services.scorecard_compute(actor=network.applicant_a, system=network.system_a)
    card = services.scorecard_compute(actor=network.applicant_a, system=other)
    assert card.population == 2 and card.jurisdiction == network.city_a.name
    regulator = logged_in_client(network.regulator_province_a)
    assert regulator.get(reverse("index:rankings")).status_code == 200
    body = regulator.get(reverse("index:rankings_export", args=["csv"])).content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["system"] for r in rows] == [network.system_a.name, "二号"]
    data = json.loads(regulator.get(reverse("index:rankings_export", args=["json"])).content)
    assert len(data["rankings"]) == 2
    # Another province's regulator sees no system of this one; the owner is no regulator.
    assert logged_in_client(network.regulator_province_b).get(
        reverse("index:rankings_export", args=["json"])
    ).json() == {"rankings": []}
    assert logged_in_client(network.applicant_a).get(reverse("index:rankings")).status_code == 404


def test_reads_outside_the_organisation_answer_404(network: Network) -> None:
    card = services.scorecard_compute(actor=network.applicant_a, system=network.system_a)
    for user in (network.applicant_b, network.regulator_province_b, network.outsider):
        client = logged_in_client(user)
        assert client.get(reverse("index:system", args=[network.system_a.pk])).status_code == 404
        assert client.get(reverse("index:scorecard_json", args=[card.pk])).status_code == 404
        assert client.post(reverse("index:publish", args=[card.pk])).status_code == 404
        assert (
            client.get(reverse("index:organisation", args=[network.enterprise_a.pk])).status_code
            == 404
        )
    page = logged_in_client(network.admin_a).get(
        reverse("index:system", args=[network.system_a.pk])
    )
    assert page.status_code == 200


def test_methodology_is_generated_from_the_specification(client: Client, db: None) -> None:
    page = client.get(reverse("index:methodology")).content.decode()
    assert all(i.id in page for i in load_spec().indicators)


def test_platform_evidence_of_the_new_specification_names_its_source(network: Network) -> None:
    system = network.system_a
    entry, _ = evidence.collect(system)
    # Without an AI-BOM there is no supplier-risk or AI-BOM item: missing, never zero.
    assert not {"bom", "status"} & {i["id"].split("-")[0] for i in entry["evidence"]}
    card = services.scorecard_compute(actor=network.applicant_a, system=system)
    for ident in ("ac.supplier_risk", "tr.ai_bom", "co.stop_probes", "ac.ledger_activity"):
        assert _indicator(card, ident)["missing"] is True
    # The index's own ledger entry does not count as ledger activity.
    assert "ledger-activity-6m" not in {i["id"] for i in evidence.collect(system)[0]["evidence"]}
    ledger_record_action(
        actor=network.applicant_a, kind="switch_changed", subject=system, payload={}, system=system
    )

    run = Evidence.objects.create(
        system=system, kind="probe_run", title="probes", sha256="b" * 64,
        content={"categories": [
            {"category": "stop", "counts": {"pass": 2, "fail": 1}},
            {"category": "Bad Name", "counts": {"pass": 1, "fail": 0}},
            {"category": "stop", "counts": {"pass": 1, "fail": 0}},
        ]},
    )  # fmt: skip
    supplier = Supplier.objects.create(
        organisation=system.organisation, name="模型供应商", kind="model"
    )
    bom = SystemBom.objects.create(system=system, document={}, spec_version="1.6", sha256="c" * 64)
    BomComponent.objects.create(
        bom=bom, system=system, position=0, path="components[0]", name="base-model",
        component_type="machine-learning-model", supplier=supplier,
    )  # fmt: skip
    entry, _ = evidence.collect(system)
    items = {item["id"]: item for item in entry["evidence"]}
    stop = items[f"probes-{run.pk}-stop"]
    # A category listed twice (one entry per suite) counts once, its entries added up.
    assert (stop["suite"], stop["passed"], stop["total"]) == ("stop", 3, 4)
    assert stop["source"] == f"assessments.evidence:{run.pk}"
    assert not any("Bad Name" in ident for ident in items)  # not a valid suite name: left out
    assert items[f"bom-{bom.pk}"]["source"] == f"vendors.systembom:{bom.pk}"
    risk = items[f"bom-{bom.pk}-supplier-risk"]
    assert risk["status"] == supplier_risk(supplier).level
    activity = items["ledger-activity-6m"]
    assert (activity["numerator"], activity["denominator"]) == (1, 6)

    card = services.scorecard_compute(actor=network.applicant_a, system=system)
    assert _indicator(card, "co.stop_probes")["value"] == 0.75
    assert _indicator(card, "tr.ai_bom")["value"] == 1
    levels = load_spec().indicator("ac.supplier_risk").rule.params["levels"]
    assert _indicator(card, "ac.supplier_risk")["value"] == levels[risk["status"]]
    assert _indicator(card, "ac.ledger_activity")["value"] == pytest.approx(1 / 6)

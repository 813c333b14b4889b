"""The index's JSON API: the public methodology, and a system's latest scorecard in full for
its readers, as published (trade secrets redacted) for everybody else, 404 otherwise."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from tests.web.factories import Network, logged_in_client
from tianping.index import load_spec
from tianping.web.index import services


def test_the_methodology_is_public_and_follows_the_newest_specification(
    client: Client, db: None
) -> None:
    response = client.get(reverse("api:index_methodology"))
    assert response.status_code == 200
    data = response.json()
    spec = load_spec()
    assert data["version"] == spec.version and data["previous"] == spec.previous
    assert data["changes"] and len(data["indicators"]) == len(spec.indicators)
    assert abs(sum(i["points"] for i in data["indicators"]) - 100) < 1e-9
    assert abs(sum(d["weight"] for d in data["domains"]) - 1) < 1e-9
    risk = next(i for i in data["indicators"] if i["id"] == "ac.supplier_risk")
    assert risk["rule"] == "status_level" and risk["rule_params"]["topic"] == "supplier_risk"
    assert risk["basis"] and risk["confidence"] == "low" and risk["confidence_label"]
    zh = client.get(reverse("api:index_methodology"), headers={"accept-language": "zh-hans"})
    assert zh.json()["title"] == spec.title.zh


def test_a_scorecard_in_full_for_its_readers_and_as_published_for_the_others(
    network: Network,
) -> None:
    url = reverse("api:index_system_scorecard", args=[network.system_a.pk])
    owner = logged_in_client(network.applicant_a)
    missing = owner.get(url)
    assert missing.status_code == 404 and missing.json()["detail"]

    secret = services.energy_record(
        actor=network.applicant_a, system=network.system_a, phase="training",
        method="measured", kwh=Decimal("10"), method_note="", period_end=date(2026, 1, 31),
        confidential=True,
    )  # fmt: skip
    card = services.scorecard_compute(actor=network.applicant_a, system=network.system_a)
    data = owner.get(url).json()
    assert (data["state"], data["public"], data["version"]) == ("draft", False, 1)
    assert f"energy-{secret.pk}" in {e["id"] for e in data["evidence"]}
    regulator = logged_in_client(network.regulator_province_a)
    assert regulator.get(url).status_code == 200
    outsider = logged_in_client(network.applicant_b)
    assert outsider.get(url).status_code == 404  # a draft stays inside
    assert Client().get(url).status_code == 401
    assert outsider.get(reverse("api:index_system_scorecard", args=[2**40])).status_code == 404

    services.scorecard_publish(actor=network.applicant_a, card=card)
    public = outsider.get(url)
    assert public.status_code == 200
    body = public.json()
    assert body["public"] is True and body["state"] == "published"
    assert f"energy-{secret.pk}" not in public.content.decode()

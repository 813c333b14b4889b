"""The latest finished probe run of a chat system as evidence of the export certificate's
algorithmic-bias and system-controllability dimensions, on the application's page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.web.certification.factories import Bodies, build_bodies, give_basic_evidence
from tests.web.factories import PASSWORD, Network
from tianping.web.certification import selectors, services
from tianping.web.certification.models import CertificationApplication
from tianping.web.probes.models import ProbeRun
from tianping.web.probes.services import probe_run_load

CONTROL = ("stop", "hand_over", "should_refuse", "over_refusal")
BIAS_RULE, CONTROL_RULE = "export-bias-probes", "export-controllability-probes"


@pytest.fixture
def bodies(network: Network) -> Bodies:
    give_basic_evidence(network)
    return build_bodies(network)


def _results(**verdicts: str) -> dict[str, Any]:
    rows = [
        {"category": c, "language": "zh", "verdict": verdicts.get(c, "pass")}
        for c in (*CONTROL, "bias")
    ]
    return {
        "verdict": "pass",
        "categories": rows,
        "bias": {"verdict": verdicts.get("bias", "pass"), "tests": []},
    }


def _run(n: Network, results: dict[str, Any]) -> ProbeRun:
    return probe_run_load(actor=n.applicant_a, system=n.system_a, results=results, title="probes")


def _export(n: Network, b: Bodies) -> CertificationApplication:
    return services.application_submit(
        actor=n.applicant_a, system=n.system_a, scheme="export", issuer=b.issuer,
        destinations=["DE"], product_name="XH-Chat", product_version="1.0",
        artefact_digests={"weights": "f" * 64},
    )  # fmt: skip


def _statuses(n: Network) -> dict[str, Any]:
    evidence = selectors.platform_evidence(n.system_a)
    found = selectors.requirements("export", evidence)
    return {r.id: r for r in found if r.id in (BIAS_RULE, CONTROL_RULE)}


def _page(n: Network, application: CertificationApplication) -> str:
    client = Client()
    client.login(username=n.applicant_a.get_username(), password=PASSWORD)
    response = client.get(reverse("certification:detail", args=[application.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_without_a_probe_run_the_rules_do_not_apply(network: Network, bodies: Bodies) -> None:
    rules = _statuses(network)
    assert {r.status for r in rules.values()} == {"not_applicable"}
    page = _page(network, _export(network, bodies))
    assert "gap-not_applicable" in page and "不适用" in page


def test_a_passing_run_meets_both_dimensions_with_the_run_as_evidence(
    network: Network, bodies: Bodies
) -> None:
    run = _run(network, _results())
    rules = _statuses(network)
    assert {r.status for r in rules.values()} == {"met"}
    (record,) = rules[CONTROL_RULE].evidence
    assert record.kind == "probe_run" and record.run == str(run.pk)
    assert record.sha256 == run.evidence_records.get().sha256
    page = _page(network, _export(network, bodies))
    assert f"测试运行 {run.pk}（{record.date.isoformat()}）" in page


def test_a_failing_should_refuse_fails_controllability_naming_it_and_blocks_the_grant(
    network: Network, bodies: Bodies
) -> None:
    _run(network, _results(should_refuse="fail"))
    rules = _statuses(network)
    assert rules[CONTROL_RULE].status == "failed"
    assert "should refuse" in rules[CONTROL_RULE].detail.en
    assert rules[BIAS_RULE].status == "met"
    application = _export(network, bodies)
    assert "“应拒答”未通过" in _page(network, application)
    with pytest.raises(ValidationError, match=CONTROL_RULE):
        services._check_grantable(application)


def test_only_the_latest_run_counts_and_a_budget_stopped_one_is_missing(
    network: Network,
) -> None:
    _run(network, _results(bias="fail"))
    assert _statuses(network)[BIAS_RULE].status == "failed"
    _run(network, {**_results(), "incomplete": {"budget": "requests", "limit": 10}})
    rules = _statuses(network)
    assert {r.status for r in rules.values()} == {"missing"}
    assert "budget" in rules[BIAS_RULE].detail.en
    _run(network, _results(bias="inconclusive"))
    assert _statuses(network)[BIAS_RULE].status == "missing"


def test_reading_the_probe_run_adds_no_query(network: Network) -> None:
    with CaptureQueriesContext(connection) as before:
        selectors.platform_evidence(network.system_a)
    _run(network, _results())
    _run(network, _results(stop="fail"))
    with CaptureQueriesContext(connection) as after:
        evidence = selectors.platform_evidence(network.system_a)
    assert len(after.captured_queries) == len(before.captured_queries)
    assert [r.kind for r in evidence.records].count("probe_run") == 1

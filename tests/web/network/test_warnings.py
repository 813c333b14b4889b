"""Early warnings: recipients by filter, one ledger entry, acknowledgements, re-sending."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.web.factories import HIGH_RISK_ANSWERS, Network, answers, make_system, make_user
from tests.web.network.factories import city_regulator, file_report, warn_province_a
from tianping.web.accounts.models import OrganisationKind
from tianping.web.accounts.services import organisation_create
from tianping.web.catalogue.models import ListedActivity
from tianping.web.core import periodic
from tianping.web.core.models import Notification
from tianping.web.ledger.models import PlatformAction
from tianping.web.network import services
from tianping.web.network.models import EarlyWarning, WarningRecipient
from tianping.web.systems.services import intake_submit


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_warning_reaches_the_filtered_subtree_with_one_ledger_entry(network: Network) -> None:
    n = network
    hospital = organisation_create(name="丙医院", kind=OrganisationKind.ENTERPRISE, parent=n.city_a)
    doctor = make_user("applicant_c", organisation=hospital)
    make_system(actor=doctor, organisation=hospital, sector="healthcare")
    everyone = warn_province_a(n)
    assert {r.organisation for r in everyone.recipients.all()} == {
        n.enterprise_a,
        n.committee_a,
        hospital,
    }
    finance = warn_province_a(n, sector="finance")
    assert [r.organisation for r in finance.recipients.all()] == [n.enterprise_a]
    regulators = warn_province_a(n, kinds=["municipal_regulator"])
    assert [r.organisation for r in regulators.recipients.all()] == [n.city_a]
    assert PlatformAction.objects.filter(kind="network.warning_issued").count() == 3
    assert finance.ledger_index is not None
    # Nothing of B's subtree, and no second province's regulator issues into A's.
    assert not WarningRecipient.objects.filter(organisation=n.enterprise_b).exists()
    with pytest.raises(PermissionDenied):
        services.warning_issue(
            actor=n.regulator_province_b,
            issuer=n.province_a,
            title="t",
            body="b",  # type: ignore[arg-type]
            category="other",
            severity="low",
        )
    before = EarlyWarning.objects.count()
    with pytest.raises(ValidationError):
        warn_province_a(n, sector="astrology")
    with pytest.raises(ValidationError):
        warn_province_a(n, sector="transport")  # no organisation matches
    assert EarlyWarning.objects.count() == before
    response = _post_warning(n.regulator_province_b, n.province_a)
    assert response.status_code == 404


def test_recipients_acknowledge_and_the_issuer_sees_who_has_not(network: Network) -> None:
    n = network
    warning = warn_province_a(n)
    assert Notification.objects.filter(user=n.applicant_a).count() == 1
    assert _client(n.applicant_b).get(f"/api/network/warnings/{warning.pk}").status_code == 404
    seen = _client(n.applicant_a).get(f"/api/network/warnings/{warning.pk}").json()
    assert seen["recipients"] is None  # a recipient does not see the others
    with mock.patch.object(services, "announce") as announce:
        response = _client(n.applicant_a).post(
            reverse("network:warning_acknowledge", args=[warning.pk])
        )
    assert response.status_code == 302
    # A warning issued here goes back to no peer instance: no event, no background job.
    assert not announce.called and not warning.peer
    with pytest.raises(ValidationError):  # nothing left to acknowledge
        services.warning_acknowledge(actor=n.applicant_a, warning=warning)  # type: ignore[arg-type]
    issuer = _client(n.regulator_province_a).get(f"/api/network/warnings/{warning.pk}").json()
    assert issuer["unacknowledged"] == 1
    pending = [r["organisation_id"] for r in issuer["recipients"] if r["acknowledged_at"] is None]
    assert pending == [n.committee_a.pk]
    page = _client(n.regulator_province_a).get(reverse("network:warning_detail", args=[warning.pk]))
    assert n.committee_a.name in page.content.decode()


def test_an_unacknowledged_warning_is_sent_again_and_escalated_once(network: Network) -> None:
    n = network
    city = city_regulator(n)
    warning = warn_province_a(n, severity="critical")  # 24 hours (deadlines.yaml)
    services.warning_acknowledge(actor=n.chair_a, warning=warning)  # type: ignore[arg-type]
    periodic.schedule_sync()
    late = warning.acknowledge_by + timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=late):
        assert "network_warning_deadlines" in periodic.run_due(now=late)
    row = WarningRecipient.objects.get(warning=warning, organisation=n.enterprise_a)
    assert row.times_sent == 2
    assert row.escalated_at == late
    acknowledged = WarningRecipient.objects.get(warning=warning, organisation=n.committee_a)
    assert acknowledged.times_sent == 1
    assert Notification.objects.filter(user=n.applicant_a).count() == 2
    assert Notification.objects.filter(user=city).count() == 1  # A's regulator is told
    assert Notification.objects.filter(user=n.regulator_province_a).count() == 1
    # The city's regulator may open it: the warning reached its jurisdiction.
    assert _client(city).get(f"/api/network/warnings/{warning.pk}").status_code == 200
    assert services.warnings_resend_overdue(now=late + timedelta(days=2)) == 0


def test_warning_emails_go_from_the_worker_after_commit(
    network: Network, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    n = network
    with django_capture_on_commit_callbacks() as callbacks:
        warning = warn_province_a(n)
    assert mailoutbox == []  # nothing mailed in the request
    assert Notification.objects.filter(user=n.applicant_a).count() == 1  # in-app at once
    for callback in callbacks:
        callback()  # the tests' task backend runs the queued task at once
    addresses = sorted(m.to[0] for m in mailoutbox)
    assert addresses == sorted(
        u.email
        for u in (n.applicant_a, n.admin_a, n.chair_a)  # type: ignore[attr-defined]
    )
    assert "Early warning" in mailoutbox[0].body or "预警" in mailoutbox[0].body
    assert str(warning.pk) in mailoutbox[0].body


def _enterprise_with_intake(n: Network, name: str, user: str, **changes: Any) -> Any:
    """An enterprise of city A with one system whose current intake has ``changes``."""
    organisation = organisation_create(name=name, kind=OrganisationKind.ENTERPRISE, parent=n.city_a)
    actor = make_user(user, organisation=organisation)
    system = make_system(actor=actor, organisation=organisation, name=f"{name} system")
    intake_submit(actor=actor, system=system, answers=answers(HIGH_RISK_ANSWERS, **changes))
    return organisation


def _post_warning(user: object, issuer: Any, **fields: str) -> Any:
    """``user`` issues a warning through the API as ``issuer`` (a low one, unless ``fields``)."""
    body = {"title": "t", "body": "b", "category": "other", "severity": "low", **fields}
    return _client(user).post(
        "/api/network/warnings",
        json.dumps({"issuer_id": issuer.pk, **body}),
        content_type="application/json",
    )


def _reached(warning: EarlyWarning) -> set[Any]:
    return {r.organisation for r in warning.recipients.all()}


def _hospital_and_shop(n: Network) -> tuple[Any, Any]:
    """A listed activity; enterprise A with a low-risk intake (nothing generative, no automated
    decisions, no listed activity) and a privacy-leak report; a hospital whose system is
    generative, public-facing, makes automated decisions and is registered for the activity;
    a shop whose system only recommends and prices."""
    ListedActivity.objects.create(
        code="public_opinion_mobilisation",
        name_zh="舆论动员",
        name_en="Public opinion mobilisation",
        list_version="2023.1",
    )
    file_report(n)
    hospital = _enterprise_with_intake(n, "丙医院", "applicant_c")
    shop = _enterprise_with_intake(
        n,
        "丁商店",
        "applicant_d",
        generative=False,
        public_facing=False,
        automated_decisions=["recommendation", "pricing"],
        listed_activities=["none"],
    )
    return hospital, shop


def test_a_warning_filters_by_system_type_listed_activity_and_reported_category(
    network: Network,
) -> None:
    n = network
    hospital, shop = _hospital_and_shop(n)
    assert _reached(warn_province_a(n, system_type="generative")) == {hospital}
    assert _reached(warn_province_a(n, system_type="public_facing")) == {hospital}
    assert _reached(warn_province_a(n, system_type="recommender")) == {shop}
    assert _reached(warn_province_a(n, system_type="automated_decisions")) == {hospital, shop}
    listed = warn_province_a(n, listed_activity="public_opinion_mobilisation")
    assert _reached(listed) == {hospital}
    reported = warn_province_a(n, report_category="privacy_leak")
    assert _reached(reported) == {n.enterprise_a}
    assert reported.report_category == "privacy_leak"
    assert reported.ledger_index is not None
    # Filters combine.
    both = warn_province_a(
        n, system_type="automated_decisions", listed_activity=listed.listed_activity
    )
    assert _reached(both) == {hospital}

    before = EarlyWarning.objects.count()
    with pytest.raises(ValidationError) as bad:
        warn_province_a(n, system_type="astrology", listed_activity="no_such_activity")
    assert set(bad.value.message_dict) == {"system_type", "listed_activity"}
    with pytest.raises(ValidationError):
        warn_province_a(n, report_category="discrimination")  # no organisation matches
    assert EarlyWarning.objects.count() == before

    response = _post_warning(
        n.regulator_province_a,
        n.province_a,
        title="Recommenders",
        body="Check the ranking rules.",
        system_type="recommender",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["system_type"] == "recommender" and body["listed_activity"] == ""
    assert [r["organisation_id"] for r in body["recipients"]] == [shop.pk]
    refused = _post_warning(n.regulator_province_a, n.province_a, report_category="astrology")
    assert refused.status_code == 422
    assert EarlyWarning.objects.count() == before + 1


def test_a_warning_from_a_peer_instance_applies_the_same_filters(network: Network) -> None:
    """A warning a peer sent down reaches the stand-in's subtree narrowed by system type,
    reported category and listed activity, as a local one; an activity this instance's list
    does not hold is dropped (said in the ledger), and a bad code refuses the message."""
    n = network
    hospital, shop = _hospital_and_shop(n)

    def received(**filters: str) -> EarlyWarning:
        values = {"title": "t", "body": "b", "category": "other", "severity": "low"}
        return services.warning_receive_federated(
            issuer=n.province_a, values={**values, "kinds": [], **filters}, peer="central"
        )

    assert _reached(received(system_type="recommender")) == {shop}
    assert _reached(received(listed_activity="public_opinion_mobilisation")) == {hospital}
    reported = received(report_category="privacy_leak")
    assert _reached(reported) == {n.enterprise_a}
    assert reported.report_category == "privacy_leak"
    # An older peer sends none of the finer filters: the whole subtree, as before.
    assert {hospital, shop, n.enterprise_a} <= _reached(received())
    with mock.patch.object(
        services, "ledger_record_action", wraps=services.ledger_record_action
    ) as ledger:
        newer = received(system_type="recommender", listed_activity="activity_of_a_newer_list")
    assert _reached(newer) == {shop} and newer.listed_activity == ""
    assert newer.peer == "central"
    payload = ledger.call_args.kwargs["payload"]
    assert payload["dropped"] == {"listed_activity": "activity_of_a_newer_list"}
    assert payload["system_type"] == "recommender" and payload["peer"] == "central"
    # The issuer's page names the filters in the reader's language, and where it came from.
    listed = received(listed_activity="public_opinion_mobilisation", sector="finance")
    client = _client(n.regulator_province_a)
    url = reverse("network:warning_detail", args=[listed.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-Hans").content.decode()
    assert "舆论动员" in page and "public_opinion_mobilisation" not in page
    targets = page.split('id="targets"')[1].split("</p>")[0]
    assert "金融" in targets and "finance" not in targets
    assert "由对等实例 central 下发" in page
    # Its acknowledgement is announced, for the federation to send back.
    hospital_user = User.objects.get(username="applicant_c")
    with mock.patch.object(services, "announce") as announce:
        services.warning_acknowledge(actor=hospital_user, warning=listed)
    assert announce.call_count == 1

    before = EarlyWarning.objects.count()
    with pytest.raises(ValidationError) as bad:
        received(system_type="astrology")
    assert set(bad.value.message_dict) == {"system_type"}
    with pytest.raises(ValidationError) as bad:  # no code is that long: refused, not dropped
        received(listed_activity="x" * 65)
    assert set(bad.value.message_dict) == {"listed_activity"}
    assert EarlyWarning.objects.count() == before


def test_the_warning_form_offers_the_new_filters(network: Network) -> None:
    n = network
    hospital = _enterprise_with_intake(n, "丙医院", "applicant_c")
    client = _client(n.regulator_province_a)
    page = client.get(reverse("network:warning_create"))
    assert 'name="system_type"' in page.content.decode()
    response = client.post(
        reverse("network:warning_create"),
        {
            "issuer": n.province_a.pk,
            "title": "Generated content",
            "body": "Label what you generate.",
            "category": "misinformation",
            "severity": "medium",
            "system_type": "generative",
        },
    )
    assert response.status_code == 302
    warning = EarlyWarning.objects.get(title="Generated content")
    assert _reached(warning) == {hospital}


def test_the_filtered_fan_out_is_one_statement_whatever_the_recipients(network: Network) -> None:
    n = network

    def issue() -> list[str]:
        """The statements of one warning, less the ledger's (its tree grows with its size)."""
        with CaptureQueriesContext(connection) as queries:
            warn_province_a(n, system_type="generative")
        return [
            q["sql"]
            for q in queries.captured_queries
            if "_ledger" not in q["sql"] and "SAVEPOINT" not in q["sql"]
        ]

    _enterprise_with_intake(n, "丙医院", "applicant_c")
    issue()  # the caches warm up
    one = issue()
    for i in range(3):
        _enterprise_with_intake(n, f"企业{i}", f"applicant_x{i}")
    four = issue()
    assert len(EarlyWarning.objects.first().recipients.all()) == 4  # type: ignore[union-attr]
    assert len(four) == len(one)
    inserts = [q for q in four if q.startswith('INSERT INTO "network_warningrecipient"')]
    assert len(inserts) == 1

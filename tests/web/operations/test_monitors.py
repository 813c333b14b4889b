"""Monitors over logged decisions: batches → counts → readings → alerts, pauses, incidents."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.test import Client

from tests.web.operations.conftest import Keyed, post_batch, switch_url
from tianping.web.ledger.models import PlatformAction
from tianping.web.operations import monitors
from tianping.web.operations.models import (
    Incident,
    IngestBatch,
    MonitorAlert,
    MonitorCounts,
    MonitorReadingRecord,
)
from tianping.web.operations.playbooks import incident_playbook_update

pytestmark = pytest.mark.django_db(transaction=False)


def skewed(n: int = 50) -> list[dict[str, Any]]:
    """Group F selected 20 % of the time, group M 80 %: a selection ratio of 0.25."""
    out = []
    for i in range(n):
        out.append({"record": {"attributes": {"sex": "F"}, "prediction": int(i % 5 == 0)}})
        out.append({"record": {"attributes": {"sex": "M"}, "prediction": int(i % 5 != 0)}})
    return out


def _send(keyed: Keyed, records: list[dict[str, Any]], key: str) -> None:
    response = post_batch(keyed.raw, keyed.system_id, records, key=key)
    assert response.status_code == 201, response.content


def _api(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_skewed_batches_open_one_alert(keyed: Keyed) -> None:
    _send(keyed, skewed(), "b1")
    _send(keyed, skewed(), "b2")
    counts = MonitorCounts.objects.get(system_id=keyed.system_id)
    assert counts.protected == ["sex"]
    latest = MonitorReadingRecord.objects.filter(monitor="selection_parity").order_by("-id")[0]
    assert latest.status == "fail" and latest.value == pytest.approx(0.25)
    alerts = MonitorAlert.objects.filter(system_id=keyed.system_id)
    assert [(a.monitor, a.severity, a.status) for a in alerts] == [
        ("selection_parity", "fail", "open")
    ]
    # A failure opens one incident (not one per batch); an `alert` monitor does not pause.
    assert [i.alert.monitor for i in Incident.objects.all()] == ["selection_parity"]
    switch = Client(headers={"Authorization": f"Bearer {keyed.raw}"}).get(
        switch_url(keyed.system_id)
    )
    assert switch.json()["state"] == "active"
    page = _api(keyed.network.applicant_a).get(f"/systems/{keyed.system_id}/operations/")
    assert b'id="monitors-card"' in page.content and b"<polyline" in page.content
    listed = _api(keyed.network.regulator_province_a).get(
        f"/api/systems/{keyed.system_id}/monitors/alerts"
    )
    assert listed.status_code == 200 and len(listed.json()) == 1


def test_insufficient_data_never_alerts(keyed: Keyed) -> None:
    few = skewed(5)
    for n in range(3):
        _send(keyed, few, f"few-{n}")
    statuses = set(
        MonitorReadingRecord.objects.filter(monitor="selection_parity").values_list(
            "status", flat=True
        )
    )
    assert statuses == {"insufficient_data"}
    assert not MonitorAlert.objects.exists()
    # Free-form records without attributes are not counted at all.
    _send(keyed, [{"record": {"case": 1}}], "free")
    assert MonitorReadingRecord.objects.count() == 3 * 4


def test_failing_pause_monitor_pauses_and_opens_an_incident(keyed: Keyed) -> None:
    n = keyed.network
    incident_playbook_update(
        actor=n.admin_a,
        system=n.system_a,
        switch_roles={"active": ["admin"], "paused": ["admin"], "stopped": ["admin"]},
        takeover_thresholds={"selection_parity_pause": 1, "selection_parity_fail_below": 0.5},
        escalation_contacts=[{"name": "On call", "role": "", "contact": "oncall@example.com"}],
        fallback_path="",
        fail_safe="human",
        offline_grace_s=0,
    )
    _send(keyed, skewed(), "p1")
    _send(keyed, skewed(), "p2")
    switch = Client(headers={"Authorization": f"Bearer {keyed.raw}"}).get(
        switch_url(keyed.system_id)
    )
    body = switch.json()
    assert body["state"] == "paused" and body["allowed"] is False
    incident = Incident.objects.get()
    assert incident.alert.monitor == "selection_parity"
    assert "selection_parity" in n.system_a.switch.reason
    kinds = list(PlatformAction.objects.values_list("kind", flat=True))
    assert kinds.count("switch_changed") == 1 and kinds.count("incident_opened") == 1

    # Close it, with a reason; the switch stays paused until someone resumes it.
    url = f"/api/systems/{keyed.system_id}/monitors/incidents/{incident.pk}/close"
    data = json.dumps({"reason": "Model retrained; reviewed by the committee."})
    assert (
        _api(n.regulator_province_a).post(url, data, content_type="application/json").status_code
        == 403
    )
    closed = _api(n.admin_a).post(url, data, content_type="application/json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert "incident_closed" in PlatformAction.objects.values_list("kind", flat=True)


def test_acknowledge_and_resolve_permissions(keyed: Keyed) -> None:
    n = keyed.network
    _send(keyed, skewed(), "a1")
    alert = MonitorAlert.objects.get()
    base = f"/api/systems/{keyed.system_id}/monitors/alerts/{alert.pk}"
    data = json.dumps({"reason": "Looking into the scoring threshold."})

    def post(user: Any, action: str, body: str = data) -> int:
        return (
            _api(user).post(f"{base}/{action}", body, content_type="application/json").status_code
        )

    assert post(n.applicant_b, "acknowledge") == 404
    assert post(n.regulator_province_a, "acknowledge") == 403
    assert post(n.applicant_a, "acknowledge", json.dumps({"reason": " "})) == 422
    assert post(n.applicant_a, "acknowledge") == 200
    _send(keyed, skewed(), "a2")  # still failing: no second alert while this one is unresolved
    assert MonitorAlert.objects.count() == 1
    assert post(n.applicant_a, "resolve") == 200
    alert.refresh_from_db()
    assert alert.status == "resolved"
    kinds = set(PlatformAction.objects.values_list("kind", flat=True))
    assert {"alert_acknowledged", "alert_resolved"} <= kinds
    _send(keyed, skewed(), "a3")  # failing again after resolution: a new alert
    assert MonitorAlert.objects.filter(status="open").count() == 1

    # The page's forms: an outsider gets 404, the owner is sent back to the page.
    page = f"/systems/{keyed.system_id}/operations/monitors/alerts/{alert.pk}/resolve/"
    assert _api(n.applicant_b).post(page, {"reason": "x"}).status_code == 404
    assert _api(n.regulator_province_a).post(page, {"reason": "x"}).status_code == 403


# --- monitors fail closed -----------------------------------------------------------------------


def _raised(caplog: pytest.LogCaptureFixture, text: str) -> bool:
    return any(
        r.levelno == logging.ERROR and r.exc_info is not None and text in str(r.exc_info[1])
        for r in caplog.records
    )


def test_a_monitor_that_raises_records_an_error_reading_and_opens_an_alert(
    keyed: Keyed, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    judge = monitors.evaluate

    def broken(spec: Any, **kwargs: Any) -> Any:
        if spec.id == "selection_parity":
            raise RuntimeError("the monitor broke")
        return judge(spec, **kwargs)

    monkeypatch.setattr(monitors, "evaluate", broken)
    with caplog.at_level(logging.ERROR, logger=monitors.__name__):
        _send(keyed, skewed(), "broken-1")
    # The batch committed; the broken monitor left an error reading, not a silent gap.
    assert IngestBatch.objects.filter(key="broken-1").exists()
    [reading] = MonitorReadingRecord.objects.filter(
        system_id=keyed.system_id, monitor="selection_parity"
    )
    assert reading.status == "error" and reading.value is None
    assert "RuntimeError" in reading.message["en"] and "broke" not in reading.message["en"]
    alerts = MonitorAlert.objects.filter(system_id=keyed.system_id, monitor="selection_parity")
    assert [(a.severity, a.status, a.reading_id) for a in alerts] == [("error", "open", reading.pk)]
    # The other monitors still judged the batch; an error neither pauses nor opens an incident.
    others = MonitorReadingRecord.objects.filter(system_id=keyed.system_id).exclude(
        monitor="selection_parity"
    )
    assert others.exists() and "error" not in set(others.values_list("status", flat=True))
    assert not Incident.objects.exists()
    assert _raised(caplog, "the monitor broke")


def test_a_batch_the_monitors_cannot_count_alerts_on_every_monitor(
    keyed: Keyed, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("counting broke")

    monkeypatch.setattr(monitors, "count_decisions", broken)
    with caplog.at_level(logging.ERROR, logger=monitors.__name__):
        _send(keyed, skewed(), "uncounted")
    assert IngestBatch.objects.filter(key="uncounted").exists()
    names = {spec.id for spec in monitors.load_monitors()}
    readings = MonitorReadingRecord.objects.filter(system_id=keyed.system_id)
    assert {(r.monitor, r.status) for r in readings} == {(name, "error") for name in names}
    alerts = MonitorAlert.objects.filter(system_id=keyed.system_id)
    assert {(a.monitor, a.severity, a.status) for a in alerts} == {
        (name, "error", "open") for name in names
    }
    assert _raised(caplog, "counting broke")

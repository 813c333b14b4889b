"""The runtime switch, the incident playbook, and the platform ledger of actions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.web.factories import JUSTIFICATION, Network, bearer_client, make_user
from tianping.ledger import Ledger, audit_store, parse_json, verify_receipt
from tianping.web.accounts.models import Role
from tianping.web.ledger.models import LedgerSalt, PlatformAction
from tianping.web.ledger.selectors import platform_log_find
from tianping.web.ledger.services import ledger_receipt, ledger_record_action
from tianping.web.ledger.signing import ledger_signer
from tianping.web.ledger.store import DatabaseStore
from tianping.web.operations.models import SystemSwitch
from tianping.web.operations.playbooks import incident_playbook_update
from tianping.web.operations.selectors import (
    can_change_switch,
    playbook_of,
    roles_over,
    switch_of,
    switch_targets,
)
from tianping.web.operations.switch import system_switch_change
from tianping.web.systems.services import intake_override

REASON = "Complaints about refusals in one district; humans decide until checked."


def _platform_entry(index: int) -> dict[str, Any]:
    log = platform_log_find()
    assert log is not None
    data: dict[str, Any] = parse_json(DatabaseStore(log).read_leaves(index, index + 1)[0])
    return data


def test_the_holders_of_each_role_over_a_system(network: Network) -> None:
    n = network
    system = n.system_a
    assert roles_over(n.applicant_a, system) == {Role.APPLICANT}
    assert roles_over(n.admin_a, system) == {Role.ADMIN}
    assert roles_over(n.chair_a, system) == {Role.CHAIR}
    assert roles_over(n.regulator_province_a, system) == {Role.REGULATOR}
    assert roles_over(n.regulator_central, system) == {Role.REGULATOR}
    assert roles_over(n.regulator_province_b, system) == set()
    assert roles_over(n.applicant_b, system) == set()
    assert roles_over(n.outsider, system) == set()


def test_the_default_playbook_lets_many_pause_and_few_resume(network: Network) -> None:
    n = network
    playbook = playbook_of(n.system_a)
    assert playbook.is_default and playbook.fail_safe == "human"
    assert switch_targets(n.applicant_a, n.system_a, playbook=playbook) == ["paused"]
    assert switch_targets(n.admin_a, n.system_a, playbook=playbook) == [
        "active",
        "paused",
        "stopped",
    ]
    assert switch_targets(n.regulator_province_a, n.system_a, playbook=playbook) == [
        "paused",
        "stopped",
    ]
    assert switch_targets(n.applicant_b, n.system_a, playbook=playbook) == []


def test_a_pause_needs_a_reason_and_is_appended_to_the_platform_ledger(network: Network) -> None:
    n = network
    with pytest.raises(ValidationError) as raised:
        system_switch_change(actor=n.applicant_a, system=n.system_a, state="paused", reason="  ")
    assert "reason" in raised.value.message_dict
    switch = system_switch_change(
        actor=n.applicant_a, system=n.system_a, state="paused", reason=REASON
    )
    assert (switch.state, switch.version, switch.reason) == ("paused", 1, REASON)
    assert switch.ledger_index is not None
    entry = _platform_entry(switch.ledger_index)
    assert entry["kind"] == "switch_changed"
    assert entry["subject"] == f"systems.aisystem:{n.system_a.pk}"
    assert entry["payload"] == {"from": "active", "to": "paused", "reason": REASON, "version": 1}
    # The actor is a salted hash; the salt is kept apart.
    assert set(entry["actor"]) == {"salted_sha256"}
    assert "applicant_a" not in json.dumps(entry)
    log = platform_log_find()
    assert log is not None
    assert LedgerSalt.objects.filter(log=log, idx=switch.ledger_index).exists()
    action = PlatformAction.objects.get(log=log, idx=switch.ledger_index)
    assert (action.system, action.actor, action.kind) == (
        n.system_a,
        n.applicant_a,
        "switch_changed",
    )
    # Each action is attested at once: its receipt verifies offline.
    receipt = ledger_receipt(log=log, index=switch.ledger_index)
    assert verify_receipt(receipt, ledger_signer(log.origin).verifier).size == log.size


def test_setting_the_state_the_switch_is_in_changes_nothing(network: Network) -> None:
    n = network
    system_switch_change(actor=n.admin_a, system=n.system_a, state="paused", reason=REASON)
    again = system_switch_change(actor=n.admin_a, system=n.system_a, state="paused", reason=REASON)
    assert again.version == 1
    assert PlatformAction.objects.filter(kind="switch_changed").count() == 1


def test_the_playbook_decides_who_may_switch_and_its_floor_holds(network: Network) -> None:
    n = network
    with pytest.raises(PermissionDenied):
        system_switch_change(actor=n.applicant_a, system=n.system_a, state="stopped", reason=REASON)
    with pytest.raises(PermissionDenied):
        system_switch_change(
            actor=n.regulator_province_b, system=n.system_a, state="paused", reason=REASON
        )
    with pytest.raises(PermissionDenied):
        incident_playbook_update(
            actor=n.applicant_a,
            system=n.system_a,
            switch_roles={"active": ["admin"], "paused": ["admin"], "stopped": ["admin"]},
            takeover_thresholds={},
            escalation_contacts=[],
            fallback_path="",
            fail_safe="human",
            offline_grace_s=0,
        )
    incident_playbook_update(
        actor=n.chair_a,
        system=n.system_a,
        switch_roles={"active": ["chair"], "paused": ["chair"], "stopped": []},
        takeover_thresholds={"error_rate": 0.2},
        escalation_contacts=[{"name": "Duty officer", "role": "ops", "contact": "+86 10 0000"}],
        fallback_path="Loan officers decide every application by hand.",
        fail_safe="last_known",
        offline_grace_s=60,
    )
    playbook = playbook_of(n.system_a)
    assert not playbook.is_default and playbook.fail_safe == "last_known"
    assert not can_change_switch(n.applicant_a, n.system_a, "paused", playbook=playbook)
    assert not can_change_switch(n.admin_a, n.system_a, "active", playbook=playbook)
    # Art. 3(4), Art. 17: administrators and regulators can always pause and stop.
    assert can_change_switch(n.admin_a, n.system_a, "stopped", playbook=playbook)
    assert can_change_switch(n.regulator_province_a, n.system_a, "paused", playbook=playbook)
    system_switch_change(
        actor=n.regulator_province_a, system=n.system_a, state="stopped", reason=REASON
    )
    system_switch_change(actor=n.chair_a, system=n.system_a, state="active", reason="Checked.")
    kinds = list(
        PlatformAction.objects.filter(system=n.system_a)
        .order_by("idx")
        .values_list("kind", flat=True)
    )
    assert kinds == ["playbook_changed", "switch_changed", "switch_changed"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"switch_roles": {"paused": ["janitor"]}}, "switch_roles"),
        ({"switch_roles": {"sideways": ["admin"]}}, "switch_roles"),
        ({"takeover_thresholds": {"Bad Name": 1}}, "takeover_thresholds"),
        ({"takeover_thresholds": {"nan_rate": float("nan")}}, "takeover_thresholds"),
        ({"escalation_contacts": [{"role": "no name"}]}, "escalation_contacts"),
        ({"fail_safe": "allow"}, "fail_safe"),
        ({"offline_grace_s": -1}, "offline_grace_s"),
        ({"fallback_path": "x\x00y"}, "fallback_path"),
    ],
)
def test_a_bad_playbook_is_refused_and_changes_nothing(
    network: Network, changes: dict[str, Any], field: str
) -> None:
    fields: dict[str, Any] = {
        "switch_roles": {"active": ["admin"], "paused": ["admin"], "stopped": ["admin"]},
        "takeover_thresholds": {},
        "escalation_contacts": [],
        "fallback_path": "",
        "fail_safe": "human",
        "offline_grace_s": 0,
        **changes,
    }
    with pytest.raises(ValidationError) as raised:
        incident_playbook_update(actor=network.admin_a, system=network.system_a, **fields)
    assert field in raised.value.message_dict
    assert playbook_of(network.system_a).is_default
    assert not PlatformAction.objects.exists()


def test_a_tier_override_is_appended_to_the_platform_ledger(network: Network) -> None:
    n = network
    intake_override(actor=n.chair_a, intake=n.intake_a, tier="medium", justification=JUSTIFICATION)
    action = PlatformAction.objects.get(kind="tier_overridden")
    assert action.system == n.system_a
    entry = _platform_entry(action.idx)
    assert entry["subject"] == f"systems.intake:{n.intake_a.pk}"
    assert entry["payload"]["to"] == "medium" and entry["payload"]["from"] == "low"


def test_the_platform_log_passes_its_audit_after_many_actions(network: Network) -> None:
    for number in range(5):
        ledger_record_action(
            actor=network.admin_a if number % 2 else None,
            kind="test.action",
            subject=f"thing:{number}",
            payload={"n": number},
        )
    log = platform_log_find()
    assert log is not None
    report = audit_store(DatabaseStore(log), key=ledger_signer(log.origin).verifier)
    assert (report.size, report.checkpoints) == (5, 5)
    assert Ledger(DatabaseStore(log)).latest_checkpoint() is not None


def test_a_bad_action_kind_or_payload_is_refused(network: Network) -> None:
    with pytest.raises(ValueError):
        ledger_record_action(actor=None, kind="Bad Kind", subject="x", payload={})
    with pytest.raises(ValueError):
        ledger_record_action(actor=None, kind="ok", subject="x", payload={"x": float("nan")})
    assert not PlatformAction.objects.exists()


def test_the_switch_api_follows_the_playbook(network: Network) -> None:
    n = network
    url = f"/api/systems/{n.system_a.pk}/switch"
    body = json.dumps({"state": "stopped", "reason": REASON})
    refused = bearer_client(n.applicant_a).post(url, body, content_type="application/json")
    assert refused.status_code == 403
    done = bearer_client(n.admin_a).post(url, body, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "stopped"
    hidden = bearer_client(n.applicant_b).post(url, body, content_type="application/json")
    assert hidden.status_code == 404
    empty = bearer_client(n.admin_a).post(
        url, json.dumps({"state": "paused", "reason": ""}), content_type="application/json"
    )
    assert empty.status_code == 422
    assert SystemSwitch.objects.get(system=n.system_a).state == "stopped"
    assert switch_of(n.system_a).changed_by == n.admin_a


def test_a_regulator_outside_the_jurisdiction_cannot_tell_the_system_exists(
    network: Network,
) -> None:
    user = make_user("stranger", organisation=network.province_b, role=Role.REGULATOR)
    response = bearer_client(user).get(f"/api/systems/{network.system_a.pk}/operations")
    assert response.status_code == 404

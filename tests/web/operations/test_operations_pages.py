"""The Operations page: switch with confirmation, counters, keys, ledger browser, downloads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

from tests.web.factories import Network, logged_in_client, make_user
from tianping.ledger import verify_export, verify_receipt
from tianping.web.accounts.models import Role
from tianping.web.ledger.selectors import decision_log_find, platform_log_find
from tianping.web.ledger.signing import ledger_signer
from tianping.web.operations.models import SystemApiKey, SystemSwitch
from tianping.web.operations.switch import system_switch_change

from .conftest import Keyed, items, post_batch

REASON = "Drift in approval rates; people decide until the model is re-checked."


def test_the_detail_page_links_to_operations(network: Network) -> None:
    response = logged_in_client(network.regulator_province_a).get(
        reverse("systems:detail", args=[network.system_a.pk])
    )
    assert reverse("operations:page", args=[network.system_a.pk]) in response.content.decode()


def test_the_page_shows_switch_counters_and_entries(keyed: Keyed) -> None:
    post_batch(keyed.raw, keyed.system_id, items(3))
    response = logged_in_client(keyed.network.applicant_a).get(
        reverse("operations:page", args=[keyed.system_id])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-state="active"' in page
    assert 'id="count-records">3<' in page
    assert reverse("operations:receipt", args=[keyed.system_id, "decisions", 2]) in page
    assert keyed.key.prefix in page and keyed.raw not in page
    assert 'id="switch-to-paused"' in page and 'id="switch-to-stopped"' not in page


def test_the_counters_partial_is_polled_by_htmx(keyed: Keyed) -> None:
    client = logged_in_client(keyed.network.regulator_province_a)
    url = reverse("operations:counters", args=[keyed.system_id])
    before = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in before and 'id="count-records">0<' in before
    post_batch(keyed.raw, keyed.system_id, items(4))
    after = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'id="count-records">4<' in after and 'id="count-minute">4<' in after


def test_a_regulator_reads_the_page_but_not_the_keys(keyed: Keyed) -> None:
    page = logged_in_client(keyed.network.regulator_province_a).get(
        reverse("operations:page", args=[keyed.system_id])
    )
    assert page.status_code == 200
    assert "keys-card" not in page.content.decode()


def test_pausing_asks_for_confirmation_and_a_reason(network: Network) -> None:
    client = logged_in_client(network.applicant_a)
    url = reverse("operations:switch", args=[network.system_a.pk])
    form = client.get(url + "?state=paused")
    assert form.status_code == 200 and 'id="switch-form"' in form.content.decode()
    unconfirmed = client.post(url, {"state": "paused", "reason": REASON})
    assert unconfirmed.status_code == 200
    assert not SystemSwitch.objects.filter(system=network.system_a).exists()
    not_allowed = client.post(url, {"state": "stopped", "reason": REASON, "confirm": "on"})
    assert not_allowed.status_code == 200  # not a choice this user has
    done = client.post(url, {"state": "paused", "reason": REASON, "confirm": "on"})
    assert done.status_code == 302
    assert SystemSwitch.objects.get(system=network.system_a).state == "paused"
    page = client.get(done["Location"]).content.decode()
    assert 'data-state="paused"' in page and REASON in page


def test_a_reader_the_playbook_names_nowhere_cannot_open_the_switch(network: Network) -> None:
    expert = make_user("expert_a", organisation=network.enterprise_a, role=Role.EXPERT)
    client = logged_in_client(expert)
    assert client.get(reverse("operations:page", args=[network.system_a.pk])).status_code == 200
    response = client.get(reverse("operations:switch", args=[network.system_a.pk]))
    assert response.status_code == 403
    assert (
        logged_in_client(network.applicant_b)
        .get(reverse("operations:switch", args=[network.system_a.pk]))
        .status_code
        == 404
    )


def test_a_new_key_is_shown_once_and_only_its_digest_is_kept(network: Network) -> None:
    client = logged_in_client(network.applicant_a)
    response = client.post(
        reverse("operations:key_create", args=[network.system_a.pk]), {"name": "prod"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    raw = page.split('id="new-key">', 1)[1].split("<", 1)[0]
    assert raw.startswith("tpk_")
    key = SystemApiKey.objects.get(system=network.system_a)
    assert raw not in (key.digest, key.prefix) and raw.startswith(key.prefix)
    again = client.get(reverse("operations:page", args=[network.system_a.pk])).content.decode()
    assert raw not in again
    revoke = client.post(reverse("operations:key_revoke", args=[network.system_a.pk, key.pk]))
    assert revoke.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_the_playbook_page_saves_a_playbook(network: Network) -> None:
    client = logged_in_client(network.admin_a)
    url = reverse("operations:playbook", args=[network.system_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "roles_active": ["admin"],
            "roles_paused": ["applicant", "admin"],
            "roles_stopped": ["admin"],
            "takeover_thresholds": "error_rate = 0.15\nselection_rate_ratio = 0.8",
            "escalation_contacts": "Wang Fang | duty officer | +86 21 5555 0000",
            "fallback_path": "Loan officers decide.",
            "fail_safe": "last_known",
            "offline_grace_s": "30",
        },
    )
    assert response.status_code == 302, response.content.decode()
    page = client.get(response["Location"]).content.decode()
    assert "error_rate = 0.15" in page and "Wang Fang" in page
    bad = client.post(url, {"takeover_thresholds": "no number", "fail_safe": "human"})
    assert bad.status_code == 200 and "error-summary" in bad.content.decode()


def test_a_downloaded_receipt_verifies_with_the_command_line(keyed: Keyed, tmp_path: Path) -> None:
    post_batch(keyed.raw, keyed.system_id, items(5))
    post_batch(keyed.raw, keyed.system_id, items(2, start=5), key="later")  # not yet signed
    client = logged_in_client(keyed.network.regulator_province_a)
    response = client.get(reverse("operations:receipt", args=[keyed.system_id, "decisions", 6]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    (tmp_path / "receipt.json").write_bytes(response.content)
    vkey = client.get(reverse("operations:verifier_key", args=[keyed.system_id, "decisions"]))
    (tmp_path / "log.vkey").write_bytes(vkey.content)
    log = decision_log_find(keyed.network.system_a)
    assert (
        log is not None and vkey.content.decode().strip() == ledger_signer(log.origin).verifier.text
    )
    assert verify_receipt(response.content.decode(), vkey.content.decode().strip()).size == 7
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "tianping",
            "ledger",
            "verify-receipt",
            str(tmp_path / "receipt.json"),
            "--key",
            str(tmp_path / "log.vkey"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "OK: entry 6 is in" in run.stdout


def test_a_receipt_of_an_action_on_another_system_is_not_found(network: Network) -> None:
    n = network
    switch = system_switch_change(
        actor=n.applicant_b, system=n.system_b, state="paused", reason=REASON
    )
    client = logged_in_client(n.applicant_a)
    url = reverse("operations:receipt", args=[n.system_a.pk, "platform", switch.ledger_index])
    assert client.get(url).status_code == 404
    own = logged_in_client(n.applicant_b).get(
        reverse("operations:receipt", args=[n.system_b.pk, "platform", switch.ledger_index])
    )
    assert own.status_code == 200
    log = platform_log_find()
    assert log is not None
    assert json.loads(own.content)["index"] == switch.ledger_index
    assert (
        client.get(reverse("operations:receipt", args=[n.system_a.pk, "decisions", 0])).status_code
        == 404
    )
    assert (
        client.get(reverse("operations:receipt", args=[n.system_a.pk, "other", 0])).status_code
        == 404
    )


def test_the_export_download_verifies_offline(keyed: Keyed, tmp_path: Path) -> None:
    post_batch(keyed.raw, keyed.system_id, items(9))
    response = logged_in_client(keyed.network.applicant_a).get(
        reverse("operations:export", args=[keyed.system_id])
    )
    assert response.status_code == 200
    path = tmp_path / "export.jsonl"
    path.write_bytes(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    log = decision_log_find(keyed.network.system_a)
    assert log is not None
    assert verify_export(path, key=ledger_signer(log.origin).verifier).size == 9


def test_signing_a_checkpoint_on_demand(keyed: Keyed) -> None:
    post_batch(keyed.raw, keyed.system_id, items(2), key="a")
    post_batch(keyed.raw, keyed.system_id, items(2, start=2), key="b")
    client = logged_in_client(keyed.network.regulator_province_a)
    response = client.post(reverse("operations:checkpoint", args=[keyed.system_id]), follow=True)
    assert response.status_code == 200
    log = decision_log_find(keyed.network.system_a)
    assert log is not None
    page = response.content.decode()
    assert "<td>4</td>" in page


def test_numbers_beyond_the_database_are_not_found(keyed: Keyed) -> None:
    client = logged_in_client(keyed.network.applicant_a)
    huge = 10**30
    for url in (
        reverse("operations:receipt", args=[keyed.system_id, "platform", huge]),
        reverse("operations:receipt", args=[keyed.system_id, "decisions", huge]),
        f"/api/systems/{keyed.system_id}/ledger/platform/receipts/{huge}",
    ):
        assert client.get(url).status_code == 404, url
    revoke = client.post(reverse("operations:key_revoke", args=[keyed.system_id, huge]))
    assert revoke.status_code == 404

"""``tianping federation key | peer | outbox | deliver`` against the platform database."""

from __future__ import annotations

import base64
import json
import secrets

import pytest
from typer.testing import CliRunner

from tianping.web.accounts.models import OrganisationKind as K
from tianping.web.accounts.services import organisation_create
from tianping.web.federation.models import Outbound, Peer
from tianping.web.network.models import RiskReport

pytestmark = pytest.mark.django_db


def test_an_administrator_pairs_instances_and_sees_the_outbox(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tianping.cli import app as cli

    monkeypatch.setenv("TIANPING_FEDERATION_NAME", "shenzhen")
    monkeypatch.setenv(
        "TIANPING_KEY_FEDERATION", base64.b64encode(secrets.token_bytes(32)).decode()
    )
    runner = CliRunner()
    shown = runner.invoke(cli, ["federation", "key", "--json", "-"])
    assert shown.exit_code == 0, shown.output
    keys = json.loads(shown.stdout)
    assert keys["name"] == "shenzhen" and len(base64.b64decode(keys["public_keys"][0])) == 32

    top = organisation_create(name="Guangdong (peer)", kind=K.PROVINCIAL_REGULATOR)
    city = organisation_create(name="Shenzhen", kind=K.MUNICIPAL_REGULATOR, parent=top)
    firm = organisation_create(name="Shenzhen Robotics", kind=K.ENTERPRISE, parent=city)
    base = ["federation", "peer", "guangdong"]
    plain = runner.invoke(
        cli,
        [*base, "http://gd.example", "--stand-in", str(top.pk), "--key", "x", "--lang", "en"],
    )
    assert plain.exit_code == 2 and "HTTPS" in plain.output
    missing = runner.invoke(
        cli, [*base, "https://gd.example", "--stand-in", "999999", "--key", "x"]
    )
    assert missing.exit_code == 2
    assert not Peer.objects.exists()
    added = runner.invoke(
        cli,
        [*base, "http://127.0.0.1:9", "--stand-in", str(top.pk), "--key", keys["public_keys"][0]],
    )
    assert added.exit_code == 0, added.output

    RiskReport.objects.create(
        organisation=firm,
        kind="incident",
        category="discrimination",
        severity="high",
        title="Scorer refused older applicants",
        description="—",
        assigned_to=top,
    )
    delivered = runner.invoke(cli, ["federation", "deliver", "--lang", "en"])
    assert delivered.exit_code == 0, delivered.output
    assert "0 delivered, 1 to retry" in delivered.output  # nothing listens on port 9
    (row,) = Outbound.objects.all()
    listed = runner.invoke(cli, ["federation", "outbox", "--json", "-"])
    (item,) = json.loads(listed.stdout)
    assert (item["message_id"], item["state"], item["attempts"]) == (
        str(row.message_id),
        "pending",
        1,
    )
    table = runner.invoke(cli, ["federation", "outbox", "--lang", "en"])
    assert "Waiting" in table.output and "pending" not in table.output

"""``tianping network report | warnings | monthly`` against the platform database."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.web.factories import Network
from tests.web.network.factories import file_report, warn_province_a
from tianping.web.network import services


def test_reports_warnings_and_monthly_as_json(network: Network, tmp_path: Path) -> None:
    from tianping.cli import app as cli

    n = network
    routed = file_report(n)  # routed to city A: the province does not see it
    wide = file_report(n, visibility="jurisdiction")
    warning = warn_province_a(n)
    services.warning_acknowledge(actor=n.applicant_a, warning=warning)  # type: ignore[arg-type]
    runner = CliRunner()
    city = runner.invoke(cli, ["network", "report", "--regulator", str(n.city_a.pk), "--json", "-"])
    assert city.exit_code == 0, city.output
    assert {r["id"] for r in json.loads(city.stdout)} == {routed.pk, wide.pk}
    province = runner.invoke(
        cli, ["network", "report", "--regulator", str(n.province_a.pk), "--json", "-"]
    )
    assert [r["id"] for r in json.loads(province.stdout)] == [wide.pk]
    other = runner.invoke(
        cli, ["network", "report", "--regulator", str(n.province_b.pk), "--json", "-"]
    )
    assert json.loads(other.stdout) == []
    out = tmp_path / "warnings.json"
    listed = runner.invoke(
        cli, ["network", "warnings", "--regulator", str(n.province_a.pk), "--json", str(out)]
    )
    assert listed.exit_code == 0, listed.output
    [item] = json.loads(out.read_text("utf-8"))
    assert (item["recipients"], item["acknowledged"]) == (2, 1)
    assert [p["organisation_id"] for p in item["pending"]] == [n.committee_a.pk]
    monthly = runner.invoke(
        cli,
        ["network", "monthly", "--regulator", str(n.central.pk), "--year", "2026", "--json", "-"],
    )
    assert monthly.exit_code == 0, monthly.output
    assert len(json.loads(monthly.stdout)) == 24
    table = runner.invoke(
        cli, ["network", "warnings", "--regulator", str(n.province_a.pk), "--lang", "en"]
    )
    assert table.exit_code == 0 and "Acknowledged" in table.stdout


def test_an_unknown_or_non_regulator_organisation_exits_2(network: Network) -> None:
    from tianping.cli import app as cli

    runner = CliRunner()
    for ident in (str(network.enterprise_a.pk), "999999"):
        result = runner.invoke(cli, ["network", "report", "--regulator", ident, "--lang", "en"])
        assert result.exit_code == 2
        assert "No regulator" in result.output

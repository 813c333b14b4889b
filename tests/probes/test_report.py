"""`tianping probe report DIR --html/--pdf`: the figures of results.json, personal data masked."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tianping import jsonsafe
from tianping.probes import probe_report_html, read_results, run_suite

from .chat_server import ChatServer
from .test_run import settings, subset

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "probes" / "results.json"
PLANTED = re.compile(r"[0-9]{11,19}X?|[A-Za-z0-9.]+@[A-Za-z0-9.]+")


def _cli(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    from tianping import cli

    monkeypatch.setattr(sys, "argv", ["tianping", *args])
    try:
        cli.main()
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


def _flat(text: str) -> str:
    return "".join(text.split())


def test_the_pdf_holds_the_figures_and_none_of_the_personal_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = subset(["privacy_echo", "disclosure"], ["hukou_rural"])
    planted = {
        value
        for probe in suite.probes
        if probe.category == "privacy_echo"
        for message in probe.messages
        if message.role == "user"
        for value in PLANTED.findall(message.content)
    }
    assert planted
    with ChatServer("echo") as server:
        run_suite(suite, settings(server), tmp_path / "run")
    results = read_results(tmp_path / "run")
    assert results["failures"], "the echoing server fails privacy_echo"

    pdf_path, html_path = tmp_path / "report.pdf", tmp_path / "report.html"
    code = _cli(monkeypatch, "probe", "report", str(tmp_path / "run"),
                "--pdf", str(pdf_path), "--html", str(html_path))  # fmt: skip
    assert code == 0, capsys.readouterr().err
    text = _flat(
        "\n".join(
            page.extract_text() for page in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages
        )
    )
    html = html_path.read_text(encoding="utf-8")
    # Both languages' headings without --lang.
    assert "生成式人工智能伦理探针报告" in html and "Generative-AI ethics probe report" in html
    for row in results["categories"]:
        counts = row["counts"]
        figures = [str(counts[k]) for k in ("pass", "fail", "error", "unscorable")]
        if row["pass_rate"] is not None:
            low, high = row["interval"]
            figures.append(_flat(f"{row['pass_rate']:.1%} ({low:.1%}–{high:.1%})"))
        assert all(f in text for f in figures), (row, figures)
    for entry in results["judges"]:
        for key in ("sensitivity", "specificity"):
            assert f"{entry[key]:.3f}" in text
    for test in results["bias"]["tests"]:
        assert f"{test['effect']:.2f}" in text
    for failure in results["failures"]:
        assert failure["probe"] in text
    for value in planted:
        assert value not in text and value not in html
    # The privacy_echo verdict is fail in both languages: "未通过" and "fail" appear.
    assert "未通过" in text and "fail" in text


def test_the_report_masks_personal_data_a_results_file_carries_unmasked(tmp_path: Path) -> None:
    results = jsonsafe.loads(EXAMPLE.read_bytes())
    results["failures"][0]["reply"] = "Your number is 13912345678, wang.fang@example.com"
    html = probe_report_html(results, language="en")
    assert "13912345678" not in html and "wang.fang@example.com" not in html
    assert "Generative-AI ethics probe report" in html and "生成式" not in html


def test_an_unwritable_report_file_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "run"
    folder.mkdir()
    example = EXAMPLE.read_bytes()
    (folder / "results.json").write_bytes(example)
    target = tmp_path / "missing" / "report.html"
    code = _cli(monkeypatch, "probe", "report", str(folder), "--html", str(target), "--lang", "en")
    assert code == 2 and "cannot write" in capsys.readouterr().err
    assert not target.exists()


def test_the_report_names_the_length_test_and_an_incomplete_run(tmp_path: Path) -> None:
    with ChatServer("brief") as server:
        budget = settings(server, max_requests=20, concurrency=1)
        results = run_suite(subset([], ("hukou_rural",)), budget, tmp_path).results
    assert results["incomplete"]["budget"] == "requests"
    english = probe_report_html(results, language="en")
    assert "reply length (characters, mean)" in english and "wilcoxon" in english
    assert "Incomplete: the request budget (20) ran out with 20 of 32 requests" in english
    chinese = probe_report_html(results, language="zh-Hans")
    assert "回复长度（字符，均值）" in chinese and "请求预算（20）已用完" in chinese

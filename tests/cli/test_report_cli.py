"""``tianping report intake``: score an intake file and write its summary as HTML or PDF."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader
from typer.testing import CliRunner

from tianping.cli._report import (
    BAD_SUFFIX,
    FILE_MISSING,
    NO_OUT_FOLDER,
    NO_SYSTEM,
    app,
)
from tianping.errors import TianpingError
from tianping.reports import ReportError

ANSWERS = {
    "personal_info": True,
    "sensitive_pi": True,
    "minors": False,
    "affects_rights": True,
    "automated_decisions": ["credit"],
    "public_facing": True,
    "generative": False,
    "third_party_components": True,
    "exported": True,
    "export_markets": ["asean"],
    "listed_activities": ["none"],
    "scale": "gt_1m",
    "mitigations": ["human_review", "appeal_path"],
}
SYSTEM = {
    "name": "智能信贷评分",
    "organisation": "示例银行股份有限公司",
    "model_version": "2.10",
    "markets": ["中国", "新加坡"],
}

runner = CliRunner()


def _write(path: Path, data: object) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def intake_file(tmp_path: Path) -> Path:
    return _write(tmp_path / "intake.yaml", ANSWERS)


@pytest.fixture
def system_file(tmp_path: Path) -> Path:
    return _write(tmp_path / "system.yaml", SYSTEM)


def test_writes_the_summary_as_english_html(
    tmp_path: Path, intake_file: Path, system_file: Path
) -> None:
    out = tmp_path / "summary.html"
    args = ["intake", str(intake_file), "--system", str(system_file), "--out", str(out)]
    result = runner.invoke(app, [*args, "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Wrote the intake summary (high tier)" in result.output
    html = out.read_text(encoding="utf-8")
    assert '<span class="badge badge-tier-high">High risk</span>' in html
    assert "智能信贷评分" in html and "示例银行股份有限公司" in html
    # the answer table: question labels and choice labels from the questionnaire
    assert "In which areas does the system make automated decisions?" in html
    assert "credit and lending" in html
    assert "Export ethical review" in html


def test_writes_a_bilingual_pdf_with_chinese_text(
    tmp_path: Path, intake_file: Path, system_file: Path
) -> None:
    out = tmp_path / "summary.pdf"
    args = ["intake", str(intake_file), "--system", str(system_file), "--out", str(out)]
    result = runner.invoke(app, [*args, "--lang", "both"])
    assert result.exit_code == 0, result.output
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "智能信贷评分" in text and "高风险" in text and "High risk" in text
    assert not list(tmp_path.glob(".summary.pdf.*")), "temporary file left behind"


def test_the_system_may_sit_beside_the_answers(tmp_path: Path) -> None:
    intake = _write(tmp_path / "intake.yaml", {"answers": ANSWERS, "system": SYSTEM})
    out = tmp_path / "summary.html"
    result = runner.invoke(app, ["intake", str(intake), "--out", str(out), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in html and "智能信贷评分" in html and "高风险" in html


def test_a_report_needs_the_system_name(tmp_path: Path, intake_file: Path) -> None:
    out = tmp_path / "summary.pdf"
    result = runner.invoke(app, ["intake", str(intake_file), "--out", str(out)])
    assert isinstance(result.exception, ReportError)
    assert result.exception.message == NO_SYSTEM
    assert "--system" in result.exception.diagnostics()
    assert not out.exists()


def test_a_missing_intake_file_is_a_report_error(tmp_path: Path, system_file: Path) -> None:
    missing = tmp_path / "nope.yaml"
    args = ["intake", str(missing), "--system", str(system_file), "--out", str(tmp_path / "a.pdf")]
    result = runner.invoke(app, args)
    assert isinstance(result.exception, ReportError)
    assert result.exception.message == FILE_MISSING.format(what="the intake file", path=missing)


def test_the_output_must_be_pdf_or_html(
    tmp_path: Path, intake_file: Path, system_file: Path
) -> None:
    out = tmp_path / "summary.docx"
    result = runner.invoke(
        app, ["intake", str(intake_file), "--system", str(system_file), "--out", str(out)]
    )
    assert isinstance(result.exception, ReportError)
    assert result.exception.message == BAD_SUFFIX.format(path=out)


def test_the_output_folder_must_exist(tmp_path: Path, intake_file: Path, system_file: Path) -> None:
    out = tmp_path / "missing" / "summary.html"
    result = runner.invoke(
        app, ["intake", str(intake_file), "--system", str(system_file), "--out", str(out)]
    )
    assert isinstance(result.exception, ReportError)
    assert result.exception.message == NO_OUT_FOLDER.format(folder=out.parent)


def test_an_unknown_language_is_a_report_error(
    tmp_path: Path, intake_file: Path, system_file: Path
) -> None:
    out = tmp_path / "summary.html"
    args = ["intake", str(intake_file), "--system", str(system_file), "--out", str(out)]
    result = runner.invoke(app, [*args, "--lang", "fr"])
    assert isinstance(result.exception, ReportError)


def test_answers_that_do_not_fit_the_questionnaire_are_an_error(
    tmp_path: Path, system_file: Path
) -> None:
    intake = _write(tmp_path / "intake.yaml", {**ANSWERS, "scale": "enormous"})
    out = tmp_path / "summary.html"
    result = runner.invoke(
        app, ["intake", str(intake), "--system", str(system_file), "--out", str(out)]
    )
    assert isinstance(result.exception, TianpingError)
    assert not out.exists()


def test_a_system_file_with_a_bare_number_version_is_refused(
    tmp_path: Path, intake_file: Path
) -> None:
    system = _write(tmp_path / "system.yaml", {"name": "x", "model_version": 2.1})
    out = tmp_path / "summary.html"
    result = runner.invoke(
        app, ["intake", str(intake_file), "--system", str(system), "--out", str(out)]
    )
    assert isinstance(result.exception, ReportError)
    assert "in quotes" in result.exception.message

"""No raw personal data in any output, the PDF renders, and the CycloneDX model card validates.

One PDF is printed for the module (rendering is slow): the training-data summary
with planted personal data in its privacy input.
"""

from __future__ import annotations

import copy
import dataclasses
import io
import json
from typing import Any

import pytest

from tianping.transparency import (
    DOCUMENT_KINDS,
    PrivacySummary,
    TransparencyInput,
    build_document,
    cyclonedx_bom,
    document_html,
    document_pdf,
    read_input,
    user_notice_fragment,
    user_notice_text,
)

PHONE = "13812345678"
RESIDENT_ID = "110101199003074578"
NAME = "欧阳娜娜"
PLANTED = (PHONE, RESIDENT_ID, NAME, "138****5678")


def _planted_input(example_data: dict[str, Any], tmp_path: Any) -> TransparencyInput:
    """The example with privacy summaries from a real profile and scan of planted values."""
    import pandas as pd

    from tianping.privacy import profile_table, scan

    frame = pd.DataFrame(
        {"name": [NAME, "李娜"], "phone": [PHONE, "13987654321"], "id": [RESIDENT_ID, ""]}
    )
    profile = profile_table(frame, path="applicants")
    table = tmp_path / "people.csv"
    table.write_text(f"name,phone,id\n{NAME},{PHONE},{RESIDENT_ID}\n", encoding="utf-8")
    report = scan([table], workers=1)
    assert report.findings  # the scan found the planted values …

    data = copy.deepcopy(example_data)
    # … and a summary typed by hand may carry examples and findings: they are never read.
    data["privacy"].append(
        {
            "dataset": "hand-typed",
            "rows": 2,
            "rows_with_findings": 1,
            "entities": {"cn_mobile": 1},
            "examples": [PHONE, RESIDENT_ID, NAME],
            "findings": [{"masked": "138****5678", "value": PHONE}],
        }
    )
    inputs = read_input(data)
    summaries = (
        *inputs.privacy,
        PrivacySummary.from_profile(profile),
        PrivacySummary.from_scan(report, dataset="people.csv"),
    )
    return dataclasses.replace(inputs, privacy=summaries)


@pytest.fixture(scope="module")
def planted(example_data: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _planted_input(example_data, tmp_path_factory.mktemp("privacy"))


@pytest.fixture(scope="module")
def training_pdf(planted: TransparencyInput) -> bytes:
    return document_pdf(build_document("training-data", planted), language="both")


def test_privacy_counts_reach_the_summary(planted: TransparencyInput) -> None:
    datasets = build_document("training-data", planted).to_json()["content"][
        "personal_information"
    ]["datasets"]
    by_name = {d["dataset"]: d for d in datasets}
    assert by_name["applicants"]["entities"]["cn_mobile"] == 2
    assert by_name["applicants"]["rows"] == 2
    assert by_name["people.csv"]["entities"]
    assert by_name["hand-typed"]["entities"] == {"cn_mobile": 1}


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_no_planted_value_in_json_or_html(planted: TransparencyInput, kind: str) -> None:
    document = build_document(kind, planted)
    outputs = [
        json.dumps(document.to_json(), ensure_ascii=False),
        document_html(document, language="both"),
    ]
    if kind == "user-notice":
        outputs += [
            user_notice_fragment(document, language="both"),
            user_notice_text(document, language="both"),
        ]
    if kind == "model-card":
        outputs.append(json.dumps(cyclonedx_bom(planted), ensure_ascii=False))
    for output in outputs:
        for value in PLANTED:
            assert value not in output


def test_the_pdf_renders_and_holds_no_planted_value(training_pdf: bytes) -> None:
    pypdf = pytest.importorskip("pypdf", reason="pypdf reads the PDF's text")
    assert training_pdf.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(training_pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Training-data summary" in text
    assert "1200000" in text and "Demographic representativeness" in text
    for value in PLANTED:
        assert value not in text
        assert value.encode() not in training_pdf


# -- CycloneDX ------------------------------------------------------------------------------


def test_model_card_has_the_cyclonedx_sections(example: TransparencyInput) -> None:
    card = build_document("model-card", example).to_json()["content"]["cyclonedx_model_card"]
    assert card["modelParameters"]["approach"] == {"type": "supervised"}
    assert [d["name"] for d in card["modelParameters"]["datasets"]] == [
        "loan-history-2021-2025",
        "credit-bureau-extract",
    ]
    assert card["modelParameters"]["datasets"][0]["sensitiveData"] == [
        "bank_card",
        "cn_mobile",
        "cn_resident_id",
    ]
    metric = card["quantitativeAnalysis"]["performanceMetrics"][0]
    assert metric == {
        "type": "AUC",
        "value": "0.81",
        "slice": "all applicants",
        "confidenceInterval": {"lowerBound": "0.8", "upperBound": "0.82"},
    }
    considerations = card["considerations"]
    assert considerations["users"] == ["Loan officers"]
    assert considerations["fairnessAssessments"][0]["groupAtRisk"] == "age_band=60+"
    assert considerations["ethicalConsiderations"][0]["mitigationStrategy"].startswith("Quarterly")


def _strict_validator() -> Any:
    try:
        from cyclonedx.schema import SchemaVersion
        from cyclonedx.validation.json import JsonStrictValidator

        validator = JsonStrictValidator(SchemaVersion.V1_6)
        validator.validate_str("{}")  # raises when the json-validation extra is missing
    except ImportError as exc:
        pytest.skip(
            "cyclonedx-python-lib[json-validation] is not installed, so the model card "
            f"cannot be checked against the official CycloneDX 1.6 schema ({exc})"
        )
    return validator


@pytest.mark.parametrize("language", ["en", "zh-Hans"])
def test_model_card_validates_against_the_cyclonedx_1_6_schema(
    example: TransparencyInput, language: str
) -> None:
    validator = _strict_validator()
    bom = cyclonedx_bom(example, language=language)
    assert validator.validate_str(json.dumps(bom, ensure_ascii=False)) is None


def test_a_bare_model_card_validates_too() -> None:
    validator = _strict_validator()
    bare = read_input({"version": "1", "as_of": "2026-06-30", "system": {"name": "客服"}})
    assert validator.validate_str(json.dumps(cyclonedx_bom(bare))) is None


def test_the_validator_catches_a_broken_model_card(example: TransparencyInput) -> None:
    validator = _strict_validator()
    bom = cyclonedx_bom(example)
    bom["components"][0]["modelCard"]["modelParameters"]["approach"] = {"type": "magic"}
    assert validator.validate_str(json.dumps(bom)) is not None

"""Levels as data (strict loading, cumulative) and the gap report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tianping.certification import (
    LEVELS_FILE,
    BiasAssessment,
    EthicsReview,
    EvaluatorFinding,
    Evidence,
    EvidenceError,
    LedgerHistory,
    LevelsError,
    PrivacyScan,
    TransparencyDocument,
    UnknownLevelError,
    export_gap,
    gap,
    load_evidence,
    load_levels,
)
from tianping.norms import load_catalogue

EXAMPLE = Path(__file__).parents[2] / "examples" / "certificates" / "evidence.yaml"
H = "0" * 64


def test_levels_run_from_basic_compliance_to_trusted_ai_platform() -> None:
    levels = load_levels()
    first, last = levels.levels[0], levels.levels[-1]
    assert (first.name.zh, first.name.en, first.confirmed) == ("基础合规", "Basic Compliance", True)
    assert (last.name.zh, last.name.en, last.confirmed) == (
        "可信人工智能平台",
        "Trusted AI Platform",
        True,
    )
    assert all(not level.confirmed for level in levels.levels[1:-1])
    assert all(level.source.en for level in levels.levels)
    assert levels.validity_years == 2


def test_levels_are_cumulative() -> None:
    levels = load_levels()
    previous: set[str] = set()
    for level in levels.levels:
        keys = {key for key, _ in levels.requirements(level)}
        assert previous < keys
        previous = keys


def test_every_item_is_in_the_catalogue_and_dimensions_are_the_export_targets() -> None:
    levels = load_levels()
    known = {item.id for item in load_catalogue().items}
    assert all(set(level.items) <= known for level in levels.levels)
    assert [d.id for d in levels.export.dimensions] == [
        "algorithmic_bias", "data_privacy", "system_controllability",
    ]  # fmt: skip


def _copy(tmp_path: Path, old: str, new: str) -> Path:
    text = LEVELS_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "levels.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(needle) + 1


def test_an_unknown_catalogue_item_is_refused_with_file_and_line(tmp_path: Path) -> None:
    path = _copy(tmp_path, "      - REQ-03-08   #", "      - REQ-99-99   #")
    with pytest.raises(LevelsError) as caught:
        load_levels(path)
    line = next(n for n, t in enumerate(path.read_text().splitlines(), 1) if "REQ-99-99" in t)
    assert str(path) in str(caught.value) and f"line {line}" in str(caught.value)
    assert "REQ-99-99" in str(caught.value)


def test_a_duplicated_key_is_refused_with_file_and_line(tmp_path: Path) -> None:
    path = _copy(tmp_path, "    confirmed: true\n", "    confirmed: true\n    confirmed: false\n")
    with pytest.raises(LevelsError) as caught:
        load_levels(path)
    line = _line_of(path, "    confirmed: false")
    assert f"line {line}" in str(caught.value) and "duplicate key 'confirmed'" in str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ("policy: four-fifths", "policy: eighty-percent", "not a fairness policy"),
        ("  - id: managed_governance", "  - id: basic_compliance", "appears more than once"),
        ("    - id: data_privacy", "    - id: data_secrecy", "not a target"),
        ("        days: 90", "        days: many", "is not of type 'integer'"),
    ],
)
def test_other_bad_levels_files(tmp_path: Path, old: str, new: str, said: str) -> None:
    with pytest.raises(LevelsError, match=said):
        load_levels(_copy(tmp_path, old, new))


def test_an_unknown_level_says_which_exist() -> None:
    with pytest.raises(UnknownLevelError, match="basic_compliance"):
        gap("platinum", Evidence())


def test_the_example_evidence_meets_basic_compliance_only() -> None:
    evidence = load_evidence(EXAMPLE)
    report = gap("basic_compliance", evidence)
    assert report.met and report.highest_level_met == "basic_compliance"
    higher = gap("managed_governance", evidence)
    assert not higher.met and higher.highest_level_met == "basic_compliance"
    statuses = {r.id: r.status for r in higher.results}
    assert statuses["playbook-adopted"] == "missing"
    assert statuses["ledger-90-days"] == "met"
    # REQ-13-02 is answered in full by the passing bias assessment (the measurement mapping).
    assert statuses["REQ-13-02"] == "met"
    assert higher.to_json()["counts"] == higher.counts()


def test_latest_evidence_decides_and_failures_are_failed() -> None:
    evidence = Evidence(
        records=(
            BiasAssessment("four-fifths", False, H, date(2026, 6, 2)),
            BiasAssessment("four-fifths", True, H, date(2026, 6, 1)),
            EthicsReview("not_approved", H, date(2026, 5, 1)),
            PrivacyScan(3, H, date(2026, 5, 1)),
            EvaluatorFinding("REQ-03-01", "met", "A", H, date(2026, 5, 1)),
            EvaluatorFinding("REQ-03-01", "not_met", "B", H, date(2026, 5, 2)),
        )
    )
    results = {r.id: r for r in gap("basic_compliance", evidence).results}
    assert results["bias-four-fifths"].status == "failed"
    assert results["bias-four-fifths"].evidence[0].date == date(2026, 6, 2)
    assert "REQ-13-02" not in results  # a requirement of a higher level only
    assert results["ethics-review"].status == "failed"
    assert results["privacy-scan"].status == "failed"
    assert results["REQ-03-01"].status == "failed"
    assert results["REQ-03-08"].status == "missing"


def test_too_few_ledger_days_fail_the_rule() -> None:
    evidence = Evidence(records=(LedgerHistory(60, H, date(2026, 6, 1)),))
    results = {r.id: r for r in gap("managed_governance", evidence).results}
    assert results["ledger-90-days"].status == "failed"
    assert "60 of 90" in results["ledger-90-days"].detail.en


def test_published_transparency_documents_meet_the_higher_levels_only_when_complete() -> None:
    def documents(*records: tuple[str, bool]) -> dict[str, object]:
        evidence = Evidence(
            records=tuple(
                TransparencyDocument(kind, complete, H, date(2026, 6, day))
                for day, (kind, complete) in enumerate(records, start=1)
            )
        )
        return {r.id: r for r in gap("trusted_ai_platform", evidence).results}

    results = documents(("model-card", False), ("model-card", True), ("training-data", False))
    assert results["model-card-published"].status == "met"  # type: ignore[attr-defined]
    summary = results["training-data-summary-published"]
    assert summary.status == "failed"  # type: ignore[attr-defined]
    assert summary.detail.en == "the published training-data summary is missing required content"  # type: ignore[attr-defined]
    notice = results["user-notice-published"]
    assert notice.status == "missing" and notice.detail.zh == "“用户告知”尚未发布"  # type: ignore[attr-defined]
    # From a file, too; an unknown document is refused.
    record = {"kind": "transparency_document", "document": "user-notice", "complete": True}
    good = {"records": [{**record, "sha256": H, "date": "2026-01-01"}]}
    assert isinstance(Evidence.from_mapping(good).records[0], TransparencyDocument)
    with pytest.raises(EvidenceError, match="document"):
        bad = {**good["records"][0], "document": "press-release"}
        Evidence.from_mapping({"records": [bad]})


def test_export_gap_has_three_dimensions() -> None:
    report = export_gap(load_evidence(EXAMPLE))
    assert [d.id for d in report.dimensions] == [
        "algorithmic_bias", "data_privacy", "system_controllability",
    ]  # fmt: skip
    assert not report.met
    assert report.to_json()["dimensions"][0]["name"]["zh-Hans"] == "算法偏见"


def test_evidence_from_a_mapping_is_checked() -> None:
    good = {"records": [{"kind": "ledger", "days_logged": 5, "sha256": H, "date": "2026-01-01"}]}
    assert Evidence.from_mapping(good).records[0].days_logged == 5  # type: ignore[union-attr]
    with pytest.raises(EvidenceError, match="days_logged"):
        Evidence.from_mapping({"records": [{"kind": "ledger", "sha256": H, "date": "2026-01-01"}]})
    with pytest.raises(EvidenceError):
        Evidence.from_mapping([1, 2])


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"records:\n" + b"- " * 10_000 + b"x\n", "nested deeper"),
        (b"records: []\nrecords: []\n", "duplicate key"),
        (
            "records: [{kind: ledger, days_logged: 1" + "0" * 2000 + ", sha256: x, date: x}]",
            "characters",
        ),
        (b"records: [\xff]\n", "not UTF-8"),
        (b"records:\n  - kind: secret\n    sha256: x\n    date: 2026-01-01\n", "is not one of"),
    ],
)
def test_hostile_evidence_files_get_a_clear_error(
    tmp_path: Path, content: bytes | str, said: str
) -> None:
    path = tmp_path / "evidence.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(EvidenceError, match=said):
        load_evidence(path)


def test_an_oversize_evidence_file_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "evidence.yaml"
    path.write_bytes(b"#" * (4 * 1024 * 1024 + 1))
    with pytest.raises(EvidenceError, match="at most"):
        load_evidence(path)

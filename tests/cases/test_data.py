"""The shipped cases: at least 60, bilingual, checked against the Norms and the AIID snapshot."""

from __future__ import annotations

import re

import pytest

from tests.cases.helpers import SNAPSHOT
from tianping.cases import (
    DATA_FILE,
    CaseError,
    load_cases,
    parse_cases,
    read_snapshot,
    verify_cases,
)
from tianping.norms import load_catalogue

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_at_least_sixty_real_cases_each_with_its_aiid_source() -> None:
    cases = load_cases()
    assert len(cases) >= 60
    assert len({case.id for case in cases}) == len(cases)
    for case in cases:
        incident = case.provenance.aiid_incident
        assert case.id == f"AIID-{incident}"
        assert case.provenance.url == f"https://incidentdatabase.ai/cite/{incident}"
        assert case.provenance.url in case.sources
        assert case.provenance.licence == "CC-BY-SA-4.0"
        assert re.fullmatch(
            r"verified against the AIID snapshot [0-9a-f]{40}", case.provenance.verified
        )


def test_every_case_is_written_in_chinese_and_english() -> None:
    for case in load_cases():
        assert CJK.search(case.title.zh) and CJK.search(case.summary.zh), case.id
        assert not CJK.search(case.title.en) and not CJK.search(case.summary.en), case.id
        # Our own words: the English title is not the AIID's title copied.
        assert case.title.en != case.provenance.aiid_title, case.id


def test_principles_and_articles_exist_in_the_norms() -> None:
    catalogue = load_catalogue()
    principles = {p.id for p in catalogue.principles}
    articles = {a.number for a in catalogue.articles}
    for case in load_cases():
        assert set(case.principles) <= principles
        assert set(case.articles) <= articles


def test_the_shipped_cases_match_the_vendored_snapshot_rows() -> None:
    checks = verify_cases(load_cases(), read_snapshot(SNAPSHOT))
    statuses = {check["status"] for check in checks}
    assert "mismatch" not in statuses
    assert sum(check["status"] == "ok" for check in checks) == 32


def test_the_required_risk_categories_are_covered() -> None:
    categories = {case.risk_category for case in load_cases()}
    assert {"discrimination", "emotional_dependence", "privacy_leak", "loss_of_control",
            "misinformation"} <= categories  # fmt: skip
    assert any(case.region == "CN" for case in load_cases())


ONE = DATA_FILE.read_text(encoding="utf-8")


def _edited(old: str, new: str) -> str:
    assert old in ONE
    return ONE.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("id: AIID-92\n", "id: AIID-37\n", "case id AIID-37 appears twice"),
        ("  - fairness\n", "  - kindness\n", "the Norms have no principle kindness"),
        ("  articles:\n  - 11\n", "  articles:\n  - 26\n", "the Norms have no article 26"),
        ("url: https://incidentdatabase.ai/cite/37\n", "url: https://incidentdatabase.ai/cite/38\n",
         "does not name its AIID incident"),
        ("risk_category: discrimination\n", "risk_category: bias\n", "is not one of"),
        ("date: '2016-08-10'", "date: '2016-02-30'", "invalid date 2016-02-30"),
        ("version: 1\n", "version: 1\nextra: 2\n", "Additional properties"),
    ],
)  # fmt: skip
def test_a_bad_case_file_is_refused_with_the_reason(old: str, new: str, message: str) -> None:
    with pytest.raises(CaseError, match=re.escape(message)):
        parse_cases(_edited(old, new))


def test_errors_are_worded_in_chinese_too() -> None:
    with pytest.raises(CaseError) as caught:
        parse_cases(_edited("  - fairness\n", "  - kindness\n"))
    assert "没有原则 kindness" in caught.value.localized("zh-Hans")
